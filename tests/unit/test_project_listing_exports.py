"""Exports built on the ``GET /projects`` listing (FINDINGS8 H16's kind, H17).

* ``export_projects`` (``projects list --sink``) published a listing the walk itself said
  may lack projects (projects sent again on later pages of a list without a total), with
  only a warning; it is refused now as ``list_projects`` refuses it: PaginationError (exit
  5), nothing published, the previous output kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import PaginationError
from ionworks_toolkit.cli import main
from loopback import Exchange, LoopbackServer
from test_project_lookup import ShufflingServer

REFUSED = (
    "GET /projects listed 184 projects, but 66 record(s) came back on two pages (records "
    "moved to later offsets: inserted or re-ordered): projects may be missing, so the "
    "listing is refused; run it again"
)


def _served(handler: Callable[[httpx.Request], httpx.Response]) -> LoopbackServer:
    """A loopback server answering each request with ``handler(httpx.Request)``."""

    def respond(exchange: Exchange) -> None:
        response = handler(httpx.Request("GET", f"http://loopback{exchange.target}"))
        exchange.respond(response.status_code, response.content)

    return LoopbackServer(respond)


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_export_projects_refuses_a_listing_that_may_lack_projects(
    make_toolkit, make_async_toolkit, asynchronous: bool, tmp_path: Path
) -> None:
    previous = tmp_path / "projects.csv"
    previous.write_text("id,name\nold,kept\n")
    server = ShufflingServer(honours_order=False)
    with pytest.raises(PaginationError) as caught:
        if asynchronous:
            async with make_async_toolkit(server) as toolkit:
                await toolkit.export_projects([f"csv:{previous}"])
        else:
            with make_toolkit(server) as toolkit:
                toolkit.export_projects([f"csv:{previous}"])
    assert str(caught.value) == REFUSED
    assert previous.read_text() == "id,name\nold,kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects.csv"]  # no part file left


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_export_projects_publishes_a_complete_listing(
    make_toolkit, make_async_toolkit, asynchronous: bool, tmp_path: Path
) -> None:
    server = ShufflingServer()  # honours the order asked: every project, once
    target = f"jsonl:{tmp_path}/projects.jsonl"
    if asynchronous:
        async with make_async_toolkit(server) as toolkit:
            result = await toolkit.export_projects([target])
    else:
        with make_toolkit(server) as toolkit:
            result = toolkit.export_projects([target])
    lines = (tmp_path / "projects.jsonl").read_text().splitlines()
    assert (result.records, len(lines)) == (250, 250)
    assert json.loads(lines[0])["name"] == "Cycling campaign 0249"


def test_projects_list_refuses_it_from_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "projects.jsonl").write_text('{"id": "old"}\n')
    with _served(ShufflingServer(honours_order=False)) as server:
        arguments = ["projects", "list", "--sink", "projects.jsonl"]
        result = runner.invoke(main, ["--api-url", server.url, "--api-key", "k", *arguments])
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines()[1:] == [f"error: {REFUSED}"]  # after the walk's warning
    assert (tmp_path / "projects.jsonl").read_text() == '{"id": "old"}\n'
