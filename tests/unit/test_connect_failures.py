"""A connection failure to the API names the server it tried and where its address came from
(FINDINGS6 F15).

The named input: ``IONWORKS_API_URL=http://127.0.0.1:1 ionworks-toolkit measurements list x``
printed ``retry N/5 ...: GET /projects ConnectError: All connection attempts failed`` and
``error: GET /projects failed: ConnectError: All connection attempts failed``: no host, no port,
no hint that a stale variable chose them. Proxies were named in round six
(test_proxy_failures.py); this is the direct connection. Only loopback ports that refuse are
used.
"""

from __future__ import annotations

import socket

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import Toolkit, TransportError
from ionworks_toolkit.cli import main
from ionworks_toolkit.transport import _naming_the_server, server_of

PROJECT = "36c391ba-f0d6-5cbc-be8f-435c8275c5eb"
PATH = f"/cell_measurements/by-project/{PROJECT}"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://127.0.0.1:1/v1?x=1", "http://127.0.0.1:1"),
        ("https://api.ionworks.example/", "https://api.ionworks.example:443"),
        ("http://api.ionworks.example", "http://api.ionworks.example:80"),
        ("https://user:pw@[::1]:8443/p", "https://[::1]:8443"),
        ("ftp://files.example", "ftp://files.example"),
    ],
)
def test_server_of_is_scheme_host_and_port_only(url: str, shown: str) -> None:
    assert server_of(httpx.URL(url)) == shown


def test_the_api_origin_gets_its_source_and_another_origin_does_not() -> None:
    api = httpx.URL("https://api.ionworks.example")
    request = httpx.Request("GET", "https://api.ionworks.example/projects")
    error = _naming_the_server(httpx.ConnectTimeout("timed out"), request, api, "the default")
    assert type(error) is httpx.ConnectTimeout  # same type: retried as before
    assert str(error) == (
        "cannot connect to https://api.ionworks.example:443 (api_url the default): timed out"
    )
    other = httpx.Request("GET", "https://elsewhere.example:8443/x")
    assert str(_naming_the_server(httpx.ConnectError(""), other, api, "the default")) == (
        "cannot connect to https://elsewhere.example:8443: ConnectError"
    )
    assert str(_naming_the_server(httpx.ConnectError("no"), request, api, "")) == (
        "cannot connect to https://api.ionworks.example:443: no"
    )


def test_the_command_line_names_the_host_and_the_variable(runner: CliRunner) -> None:
    port = closed_port()
    result = runner.invoke(
        main,
        ["measurements", "list", PROJECT, "--sink", "/dev/null"],
        env={
            "IONWORKS_API_URL": f"http://127.0.0.1:{port}",
            "IONWORKS_API_KEY": "k-SECRET-9",
            "IONWORKS_TOOLKIT_MAX_RETRIES": "0",
        },
    )
    assert result.exit_code == 5
    assert result.stderr == (
        f"error: GET {PATH} failed: ConnectError: cannot connect to http://127.0.0.1:{port} "
        "(api_url from IONWORKS_API_URL): All connection attempts failed\n"
    )


def test_each_retry_line_names_the_host_too(runner: CliRunner, no_retry_sleep) -> None:
    port = closed_port()
    result = runner.invoke(
        main,
        ["--api-url", f"http://127.0.0.1:{port}", "measurements", "list", PROJECT],
        env={"IONWORKS_API_KEY": "k-SECRET-9", "IONWORKS_TOOLKIT_MAX_RETRIES": "1"},
    )
    assert result.exit_code == 5
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("retry 1/1 in ")
    where = f"cannot connect to http://127.0.0.1:{port} (api_url from --api-url / api_url=)"
    assert lines[0].endswith(
        f": GET {PATH} (offset 0) ConnectError: {where}: All connection attempts failed"
    )
    assert (
        lines[1]
        == f"error: GET {PATH} failed: ConnectError: {where}: All connection attempts failed"
    )
    assert "k-SECRET-9" not in result.output


@pytest.mark.parametrize(
    ("where", "source"),
    [("config", "from the config file"), ("dotenv", "from the working folder's .env")],
)
def test_python_names_a_file_source(tmp_path, where: str, source: str) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    options: dict[str, object] = {"max_retries": 0, "load_entry_points": False}
    if where == "config":
        config = tmp_path / "conf.toml"
        config.write_text(f'api_url = "{url}"\n')
        options.update(api_key="k", config_file=str(config), environ={}, working_dir=str(tmp_path))
    else:
        # The key from the same file: a folder file may choose where its own key goes.
        (tmp_path / ".env").write_text(f"IONWORKS_API_URL={url}\nIONWORKS_API_KEY=k\n")
        options.update(environ={}, working_dir=str(tmp_path))
    with Toolkit(**options) as toolkit, pytest.raises(TransportError) as caught:  # type: ignore[arg-type]
        list(toolkit.iter_measurements_by_project(PROJECT))
    assert str(caught.value) == (
        f"GET {PATH} failed: ConnectError: cannot connect to {url} (api_url {source}): "
        "[Errno 111] Connection refused"
    )
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert isinstance(caught.value.__cause__.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("raised", "renamed"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ConnectTimeout("timed out"), True),
        (httpx.ReadTimeout("slow"), False),  # connected: the server is not the question
        (httpx.RemoteProtocolError("dropped"), False),
    ],
)
async def test_only_connect_failures_are_renamed_sync_and_async(
    monkeypatch: pytest.MonkeyPatch, raised: httpx.TransportError, renamed: bool
) -> None:
    from ionworks_toolkit import transport

    def fail(self: object, request: httpx.Request) -> httpx.Response:
        raise raised

    async def afail(self: object, request: httpx.Request) -> httpx.Response:
        raise raised

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", fail)
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", afail)
    request = httpx.Request("GET", "http://127.0.0.1:9/projects")
    sync = transport._DirectTransport(api_url="http://127.0.0.1:9", source="the default")
    asynchronous = transport._AsyncDirectTransport(api_url="http://127.0.0.1:9", source="x")
    with pytest.raises(type(raised)) as caught:
        sync.handle_request(request)
    with pytest.raises(type(raised)) as acaught:
        await asynchronous.handle_async_request(request)
    if renamed:
        assert str(caught.value) == (
            f"cannot connect to http://127.0.0.1:9 (api_url the default): {raised}"
        )
        assert str(acaught.value) == f"cannot connect to http://127.0.0.1:9 (api_url x): {raised}"
        assert caught.value.__cause__ is raised
    else:
        assert caught.value is raised
        assert acaught.value is raised
