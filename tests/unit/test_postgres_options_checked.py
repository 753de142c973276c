"""``postgresql:`` connection options that psycopg or libpq refuse are refused before any
request, and without connecting anywhere (FINDINGS7 G14).

``--sink "postgresql://u@127.0.0.1:1/db?sslmode=bogus"`` used to fail only when the sink
connected, after ``GET /projects`` and the first page (exit 6, "rolled back"); likewise
``connect_timeout=abc``. The factory now asks libpq with every host replaced by an empty
folder (a Unix-domain socket that cannot exist), so no PostgreSQL server is needed and no
packet leaves the machine.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from ionworks_toolkit import ConfigurationError
from ionworks_toolkit.cli import main
from ionworks_toolkit.sinks import SinkTargetError, open_sink
from ionworks_toolkit.sinks._postgres import PostgresSink

pytest.importorskip("psycopg")
pytestmark = pytest.mark.skipif(os.name == "nt", reason="libpq is asked on POSIX only")

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
SSLMODES = "disable, allow, prefer, require, verify-ca, verify-full"
CHECK = "check the target's options and the PG* environment variables"


@pytest.fixture(autouse=True)
def _no_libpq_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PG"):
            monkeypatch.delenv(name)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[Any]]]:
    """A TCP socket listening on 127.0.0.1: its port, and the connections it accepted."""
    accepted: list[Any] = []
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.setblocking(False)
        yield sock.getsockname()[1], accepted
        try:
            while True:
                accepted.append(sock.accept()[0])
        except BlockingIOError:
            pass
        for conn in accepted:
            conn.close()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "sslmode=bogus",
            f'libpq refuses the connection options: invalid sslmode value: "bogus" (sslmode '
            f"takes {SSLMODES}); {CHECK}",
        ),
        (
            "target_session_attrs=primry",
            'libpq refuses the connection options: invalid target_session_attrs value: "primry" '
            "(target_session_attrs takes any, read-write, read-only, primary, standby, "
            f"prefer-standby); {CHECK}",
        ),
        (
            "connect_timeout=abc",
            "bad value for connect_timeout: 'abc' (connect_timeout takes whole seconds, e.g. "
            "connect_timeout=10; 0 waits without a limit)",
        ),
    ],
)
def test_the_findings_options_are_refused_before_any_request(
    make_toolkit: Any, paged_server: Any, query: str, message: str
) -> None:
    target = f"postgresql://u@127.0.0.1:1/db?{query}"
    server = paged_server(2)
    with pytest.raises(ConfigurationError) as caught:
        make_toolkit(server).export(PROJECT_ID, [target])
    assert str(caught.value) == f"postgresql://u@127.0.0.1:1/db: {message}"
    assert server.requests == []


def test_the_cli_exits_2_naming_the_option(runner: Any) -> None:
    result = runner.invoke(
        main,
        [
            *("--api-url", "http://127.0.0.1:1", "measurements", "list", PROJECT_ID),
            *("--sink", "postgresql://u@127.0.0.1:1/db?sslmode=bogus"),
        ],
        env={"IONWORKS_API_KEY": "k-test"},
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: postgresql://u@127.0.0.1:1/db: libpq refuses the connection options: invalid "
        f'sslmode value: "bogus" (sslmode takes {SSLMODES}); {CHECK}\n'
    )


def test_an_option_from_the_environment_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "requried")
    with pytest.raises(SinkTargetError) as caught:
        open_sink("postgresql://u@db.example/cells")
    assert str(caught.value) == (
        "postgresql://u@db.example/cells: libpq refuses the connection options: invalid sslmode "
        f'value: "requried" (sslmode takes {SSLMODES}); {CHECK}'
    )


def test_a_refusal_without_a_known_list_has_no_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGCHANNELBINDING", "always")
    with pytest.raises(SinkTargetError) as caught:
        open_sink("postgresql://u@h1,h2/cells")
    assert str(caught.value) == (
        "postgresql://u@h1,h2/cells: libpq refuses the connection options: invalid "
        f'channel_binding value: "always"; {CHECK}'
    )


def _connects_with(sink: Any) -> dict[str, str]:
    """The libpq options the sink will connect with (its conninfo, as a dict)."""
    import psycopg

    assert isinstance(sink, PostgresSink)
    return dict(psycopg.conninfo.conninfo_to_dict(sink._conninfo))


@pytest.mark.parametrize(
    ("target", "options"),
    [
        (
            "postgresql://u@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            {"host": "127.0.0.1", "port": "1", "sslmode": "verify-full",
             "sslrootcert": "/nonexistent/ca.pem", "connect_timeout": "10"},
        ),
        (
            "postgresql://u@h1,h2/db?target_session_attrs=read-write&connect_timeout=0",
            {"host": "h1,h2", "port": ",", "target_session_attrs": "read-write",
             "connect_timeout": "0"},
        ),
        (
            "postgresql://u@db.example/db?connect_timeout=2.5&application_name=nightly",
            {"host": "db.example", "connect_timeout": "2.5", "application_name": "nightly"},
        ),
        (  # the service file is left to the connection
            "postgresql://u@db.example/db?service=not_written_yet",
            {"host": "db.example", "service": "not_written_yet", "connect_timeout": "10"},
        ),
        ("postgresql://", {"connect_timeout": "10"}),
    ],
)  # fmt: skip
def test_options_libpq_takes_make_a_sink(target: str, options: dict[str, str]) -> None:
    sink = open_sink(target)
    user = {"user": "u", "dbname": "db"} if "u@" in target else {}
    assert _connects_with(sink) == {**user, **options}  # passed on as given; 10 s by default
    assert sink.destination == f"{target.partition('?')[0]} (table public.measurements)"


def test_a_list_of_hosts_and_ports_from_the_environment_still_matches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGHOST", "h1,h2")
    monkeypatch.setenv("PGPORT", "5432,5433")
    sink = open_sink("postgresql://u@/cells?sslmode=require")
    assert _connects_with(sink) == {  # the hosts and ports are libpq's to read then
        "user": "u",
        "dbname": "cells",
        "sslmode": "require",
        "connect_timeout": "10",
    }


def test_the_check_connects_nowhere(
    listener: tuple[int, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server listening at the target (or at a PGHOSTADDR) gets no connection from the
    check: libpq only ever tries the missing socket."""
    port, accepted = listener
    monkeypatch.setenv("PGHOSTADDR", "127.0.0.1")
    open_sink(f"postgresql://u@127.0.0.1:{port}/db?sslmode=disable")
    open_sink(f"postgresql://u@db.example:{port}/db")
    with pytest.raises(SinkTargetError, match="invalid sslmode value"):
        open_sink(f"postgresql://u@127.0.0.1:{port}/db?sslmode=nope")
    assert accepted == []


def test_a_connection_failure_is_one_line() -> None:
    """libpq's multi-line message (``...\\n\\tIs the server running...``), which the CLI
    printed with literal ``\\n\\t``, is one line."""
    with socket.socket() as sock:  # a loopback port with no server: bound, then closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = open_sink(f"postgresql://u@127.0.0.1:{port}/db?connect_timeout=2")
    import psycopg

    with pytest.raises(psycopg.OperationalError) as caught, sink:
        sink.write([{"id": "m-1"}])
    assert str(caught.value) == (
        f'connection failed: connection to server at "127.0.0.1", port {port} failed: '
        "Connection refused Is the server running on that host and accepting TCP/IP "
        "connections?"
    )
