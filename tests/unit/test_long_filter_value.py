"""FINDINGS7 G2: a filter value too long for a URL is refused before any request.

``--name "$(python3 -c 'print("x"*100000)')"`` gave a 50-line ``httpx.InvalidURL`` traceback
and exit 1 (from Python a bare ``httpx.InvalidURL``), after the project lookup request. Now it
is a ParameterError naming the parameter and the limit (exit 2, one line), before the lookup:
the server on loopback sees no request at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import AsyncToolkit, ParameterError, Toolkit
from loopback import Exchange, LoopbackServer

PROJECT = "NASA PCoE Li-ion battery aging"  # a name: the lookup would be the first request

REFUSED_100K = (
    "filter: name: the request's query would be 100,068 characters long (100,005 of them for "
    "name, percent-encoded), over the 65,536 httpx accepts in a URL; give a shorter value or "
    "split the request"
)


def unreachable(exchange: Exchange) -> None:
    exchange.respond(500, b'{"detail": "no request should reach the server"}')


def test_the_cli_refuses_a_name_of_100000_characters_before_any_request(
    cli_list: Callable[..., Any],
) -> None:
    with LoopbackServer(unreachable) as server:
        result = cli_list(server.url, PROJECT, "--name", "x" * 100_000, "--sink", "out.jsonl")
    assert (result.exit_code, result.stderr) == (2, f"error: {REFUSED_100K}\n")
    assert (server.requests, Path("out.jsonl").exists()) == ([], False)


def test_the_cli_measures_the_value_percent_encoded(cli_list: Callable[..., Any]) -> None:
    # 20,000 'é' are 120,000 characters on the wire (%C3%A9 each)
    with LoopbackServer(unreachable) as server:
        result = cli_list(server.url, PROJECT, "--name", "é" * 20_000, "--sink", "out.jsonl")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: filter: name: the request's query would be 120,068 characters long (120,005 "
        "of them for name, percent-encoded), over the 65,536 httpx accepts in a URL; give a "
        "shorter value or split the request\n"
    )
    assert server.requests == []


@pytest.mark.parametrize("verb", ["iter_measurements_by_project", "export"])
def test_python_refuses_it_before_any_request(verb: str, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    with LoopbackServer(unreachable) as server, Toolkit(api_url=server.url, api_key="k") as tk:
        call: Any = (
            (lambda: list(tk.iter_measurements_by_project(PROJECT, name="x" * 100_000)))
            if verb == "iter_measurements_by_project"
            else (lambda: tk.export(PROJECT, [f"jsonl:{out}"], name="x" * 100_000))
        )
        with pytest.raises(ParameterError) as info:
            call()
    assert (str(info.value), info.value.parameter) == (REFUSED_100K, "name")
    assert (server.requests, out.read_text()) == ([], "previous\n")


async def test_the_async_toolkit_refuses_it_before_any_request(tmp_path: Path) -> None:
    with LoopbackServer(unreachable) as server:
        async with AsyncToolkit(api_url=server.url, api_key="k") as tk:
            with pytest.raises(ParameterError) as info:
                await tk.export(PROJECT, [f"jsonl:{tmp_path / 'a.jsonl'}"], name="x" * 100_000)
            with pytest.raises(ParameterError):
                await tk.export(
                    [PROJECT, PROJECT], [f"sqlite:{tmp_path / 'a.db'}"], name="x" * 70_000
                )
    assert str(info.value) == REFUSED_100K
    assert server.requests == []


def test_a_project_name_too_long_for_the_lookup_is_refused_unsent(
    cli_list: Callable[..., Any],
) -> None:
    # The same kind on another request: the project lookup's GET /projects?name=ilike.<name>.
    # Refused where requests are built (transport.build_request), naming that request (its
    # query also holds order_by=created_at&order=desc: projects.PROJECT_ORDER).
    with LoopbackServer(unreachable) as server:
        result = cli_list(server.url, "x" * 70_000, "--sink", "out.jsonl")
    assert (result.exit_code, server.requests) == (2, [])
    assert result.stderr == (
        "error: GET /projects: name: the request's query would be 70,062 characters long "
        "(70,011 of them for name, percent-encoded), over the 65,536 httpx accepts in a URL; "
        "give a shorter value or split the request\n"
    )
