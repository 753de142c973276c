"""Exports built on the ``GET /projects`` listing (FINDINGS8 H16's kind, H17).

* ``--all-projects`` walks the listing's ids as ids (``ProjectId``): an id that is not a UUID
  (``"42"``, a slug) was looked up again as a name; a null id from the server was blamed on
  the caller's ``project[0]``. A project gone (404) between the listing and its walk is
  named, the others are published, exit 4; a project gone half-way fails the run.
* ``export_projects`` (``projects list --sink``) published a listing the walk itself said
  may lack projects (projects sent again on later pages of a list without a total), with
  only a warning; it is refused now as ``list_projects`` refuses it: PaginationError (exit
  5), nothing published, the previous output kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import PaginationError
from ionworks_toolkit.cli import main
from loopback import Exchange, LoopbackServer
from test_project_lookup import ShufflingServer

REFUSED = (
    "GET /projects listed 183 projects, but 67 record(s) came back on two pages (records "
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


# ------------------------------------------------- --all-projects: the listing's ids (H17)


def _project(project_id: Any, name: str) -> dict[str, Any]:
    return {
        "id": project_id,
        "name": name,
        "organization_id": "org",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
    }


class Catalogue:
    """``GET /projects`` (one page, ``name=`` honoured) and each project's measurements
    (``counts[id]`` of them, ``per_page`` a page); a project in ``gone`` answers 404 (from
    its page ``gone_from`` on: 0 is gone before its walk, 1 half-way)."""

    def __init__(
        self,
        projects: list[dict[str, Any]],
        counts: dict[str, int],
        *,
        gone: tuple[str, ...] = (),
        gone_from: int = 0,
    ) -> None:
        self.projects, self.counts, self.gone, self.gone_from = projects, counts, gone, gone_from
        self.asked: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        path = request.url.path
        self.asked.append(f"{path}?{urlencode(sorted(query.items()))}" if "name" in query else path)
        if path == "/projects":
            name = query.get("name", "").removeprefix("ilike.")
            chosen = [p for p in self.projects if not name or p["name"].lower() == name.lower()]
            offset = int(query.get("offset", 0))
            return httpx.Response(200, json=chosen[offset : offset + int(query["limit"])])
        project_id = path.rsplit("/", 1)[1]
        offset, limit = int(query["offset"]), 2
        if project_id in self.gone and offset >= self.gone_from * limit:
            return httpx.Response(404, json={"detail": "Project not found"})
        count = self.counts[project_id]
        items = [
            {
                "id": f"{project_id}-m{i}",
                "name": f"m {i}",
                "cell_instance_id": "ci",
                "created_at": None,
                "updated_at": None,
            }
            for i in range(offset, min(count, offset + limit))
        ]
        return httpx.Response(200, json={"items": items, "count": len(items), "total": count})


def _all_projects(runner: CliRunner, catalogue: Catalogue) -> Any:
    with _served(catalogue) as server:
        arguments = ["measurements", "list", "--all-projects", "--all", "--page-size", "2"]
        arguments += ["--sink", "out.jsonl"]
        return runner.invoke(main, ["--api-url", server.url, "--api-key", "k", *arguments])


def _written(tmp_path: Path) -> list[tuple[str, str]]:
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    return [(record["project_id"], record["id"]) for record in map(json.loads, lines)]


def test_a_null_project_id_is_the_servers_fault_not_an_argument(
    runner: CliRunner, tmp_path: Path
) -> None:
    catalogue = Catalogue([_project("p1", "Cycling A"), _project(None, "Cycling B")], {"p1": 1})
    result = _all_projects(runner, catalogue)
    assert result.exit_code == 5, result.output
    assert result.stderr == (
        "error: GET /projects -> 200: project 2 of 2 in the listing ('Cycling B') has id null, "
        "not a project id, so its measurements cannot be asked for\n"
    )
    assert catalogue.asked == ["/projects"]  # no measurement walked
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "shown"), [(42, "42"), ("  ", "'  '"), ("", "''"), ({"uuid": "x"}, "{'uuid': 'x'}")]
)
def test_an_id_that_is_not_text_or_is_blank_is_named_as_sent(value: Any, shown: str) -> None:
    from ionworks_client.models import Project
    from ionworks_toolkit.errors import UnexpectedResponseError
    from ionworks_toolkit.projects import ProjectId, listed_ids

    projects = [Project.from_dict(_project("a", "A")), Project.from_dict(_project(value, "B"))]
    with pytest.raises(UnexpectedResponseError) as caught:
        listed_ids(projects)
    assert caught.value.detail == (
        f"project 2 of 2 in the listing ('B') has id {shown}, not a project id, so its "
        "measurements cannot be asked for"
    )
    assert listed_ids(projects[:1]) == ["a"]
    assert type(listed_ids(projects[:1])[0]) is ProjectId


def test_listed_ids_that_are_not_uuids_are_walked_as_ids(runner: CliRunner, tmp_path: Path) -> None:
    """``"42"`` and a slug are ids, never looked up as names (the slug project's name is
    ``42``: looked up, ``"42"`` walked that project instead)."""
    catalogue = Catalogue(
        [_project("42", "Cycling A"), _project("slug-b", "42")], {"42": 3, "slug-b": 1}
    )
    result = _all_projects(runner, catalogue)
    assert result.exit_code == 0, result.output
    assert sorted(catalogue.asked) == [
        "/cell_measurements/by-project/42",
        "/cell_measurements/by-project/42",
        "/cell_measurements/by-project/slug-b",
        "/projects",
    ]
    assert sorted(_written(tmp_path)) == [
        ("42", "42-m0"),
        ("42", "42-m1"),
        ("42", "42-m2"),
        ("slug-b", "slug-b-m0"),
    ]


def test_a_project_gone_between_listing_and_walk_is_reported_and_the_rest_published(
    runner: CliRunner, tmp_path: Path
) -> None:
    catalogue = Catalogue(
        [_project(p, p.upper()) for p in ("a", "b", "c")], {"a": 2, "c": 3}, gone=("b",)
    )
    result = _all_projects(runner, catalogue)
    assert result.exit_code == 4, result.output
    assert sorted(_written(tmp_path)) == [
        ("a", "a-m0"), ("a", "a-m1"), ("c", "c-m0"), ("c", "c-m1"), ("c", "c-m2"),
    ]  # fmt: skip
    assert result.stderr.splitlines() == [
        "warning: project b was listed by GET /projects but is gone (GET "
        "/cell_measurements/by-project/b -> 404: Project not found): not exported; the other "
        "projects are",
        "wrote 5 records to jsonl:out.jsonl",
        "error: 1 of the projects GET /projects listed was gone (404) when its walk began, so "
        "not exported: b; the other 2 were",
    ]


@pytest.mark.parametrize(
    ("listed", "gone", "ending"),
    [
        (("a", "b"), ("b",), "1 of the projects GET /projects listed was gone (404) when its "
         "walk began, so not exported: b; the other one was"),
        (("a", "b", "c"), ("b",), "1 of the projects GET /projects listed was gone (404) when "
         "its walk began, so not exported: b; the other 2 were"),
        (("a", "b", "c"), ("a", "b"), "2 of the projects GET /projects listed were gone (404) "
         "when their walk began, so not exported: a, b; the other one was"),
        (("a", "b", "c", "d"), ("c",), "1 of the projects GET /projects listed was gone (404) "
         "when its walk began, so not exported: c; the other 3 were"),
    ],
)  # fmt: skip
def test_the_projects_gone_are_counted_in_number(
    runner: CliRunner, tmp_path: Path, listed: tuple[str, ...], gone: tuple[str, ...], ending: str
) -> None:
    """FINDINGS10 K10: "the other 1 were" with one project exported; now "the other one
    was", and "the other N were" for more."""
    counts = {p: 1 for p in listed if p not in gone}
    catalogue = Catalogue([_project(p, p.upper()) for p in listed], counts, gone=gone)
    result = _all_projects(runner, catalogue)
    assert result.exit_code == 4, result.output
    last = result.stderr.splitlines()[-1]
    # Projects walked at once: the gone ones are named in the order their 404s came.
    assert last.replace("b, a;", "a, b;") == f"error: {ending}"


def test_the_only_listed_project_gone_names_no_others(runner: CliRunner, tmp_path: Path) -> None:
    catalogue = Catalogue([_project("a", "A")], {}, gone=("a",))
    result = _all_projects(runner, catalogue)
    assert result.exit_code == 4, result.output
    assert result.stderr.splitlines() == [
        "warning: project a was listed by GET /projects but is gone (GET "
        "/cell_measurements/by-project/a -> 404: Project not found): not exported",
        "wrote 0 records to jsonl:out.jsonl",
        "error: 1 of the projects GET /projects listed was gone (404) when its walk began, so "
        "not exported: a; no other project was listed",
    ]


def test_a_project_gone_half_way_through_its_walk_fails_the_run(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Records of it were written already: publishing part of a project is no answer."""
    (tmp_path / "out.jsonl").write_text("previous\n")
    catalogue = Catalogue(
        [_project(p, p.upper()) for p in ("a", "b")], {"a": 1, "b": 5}, gone=("b",), gone_from=1
    )
    result = _all_projects(runner, catalogue)
    assert result.exit_code == 4, result.output
    assert result.stderr.splitlines()[-1].startswith(
        "error: GET /cell_measurements/by-project/b -> 404: Project not found"
    )
    assert (tmp_path / "out.jsonl").read_text() == "previous\n"


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_from_python_only_listed_ids_may_vanish(
    make_toolkit, make_async_toolkit, asynchronous: bool, tmp_path: Path
) -> None:
    """``export([ProjectId(...), ...])``: the gone one in ``ExportResult.vanished``; the same
    ids as plain text (projects the caller named) fail the export, nothing published."""
    from ionworks_toolkit import NotFoundError
    from ionworks_toolkit.projects import ProjectId

    catalogue = Catalogue([_project(p, p.upper()) for p in ("a", "b")], {"a": 2}, gone=("b",))
    target = f"{tmp_path}/out.jsonl"

    async def export(projects: list[str]) -> Any:
        if asynchronous:
            async with make_async_toolkit(catalogue) as toolkit:
                return await toolkit.export(projects, [target], page_size=2)
        with make_toolkit(catalogue) as toolkit:
            return toolkit.export(projects, [target], page_size=2)

    result = await export([ProjectId("a"), ProjectId("b")])
    assert (result.vanished, result.records) == (("b",), 2)
    assert result.per_project == (("a", 2, 2), ("b", 0, None))
    assert _written(tmp_path) == [("a", "a-m0"), ("a", "a-m1")]
    with pytest.raises(NotFoundError):
        await export(["a", "b"])
    assert _written(tmp_path) == [("a", "a-m0"), ("a", "a-m1")]  # kept
