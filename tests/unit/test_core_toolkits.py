"""Toolkit (sync) / AsyncToolkit (async), the one paging state machine, malformed and endless
pages (issue 11; issue 12 items 3-4; issue 13 item 9). Each "small input that fails" of the
issues is a test here with its exact values.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import (
    AsyncToolkit,
    PaginationError,
    Toolkit,
    UnexpectedResponseError,
    WalkStats,
)
from ionworks_toolkit.cli import main
from ionworks_toolkit.pagination import Page, PageRequest, PageWalk, awalk_pages, walk_pages
from loopback import Exchange, LoopbackServer

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
NASA = "NASA PCoE Li-ion battery aging"  # 34 measurements in the sandbox
SEVERSON = "Severson 2019 fast-charging cycle life"  # 128


def public(cls: type) -> dict[str, Any]:
    return {name: getattr(cls, name) for name in dir(cls) if not name.startswith("_")}


# ----------------------------------------------------------------------------- two classes


def test_toolkit_has_no_coroutine_methods_and_async_toolkit_mirrors_it() -> None:
    sync, asynchronous = public(Toolkit), public(AsyncToolkit)
    assert set(sync) - {"close"} == set(asynchronous) - {"aclose"}
    assert [
        name
        for name, member in sync.items()
        if inspect.iscoroutinefunction(member) or inspect.isasyncgenfunction(member)
    ] == []
    coroutines = sorted(n for n, m in asynchronous.items() if inspect.iscoroutinefunction(m))
    generators = sorted(n for n, m in asynchronous.items() if inspect.isasyncgenfunction(m))
    assert coroutines == [
        "aclose",
        "export",
        "export_projects",
        "list_projects",
        "resolve_project",
        "to_arrow",
        "to_pandas",
        "to_polars",
    ]
    assert generators == ["iter_measurement_pages", "iter_measurements_by_project"]


def test_each_class_owns_exactly_one_httpx_client(make_toolkit, make_async_toolkit) -> None:
    toolkit = make_toolkit()
    assert isinstance(toolkit.client.get_httpx_client(), httpx.Client)
    assert toolkit.client._async_client is None  # never an async client on the sync class

    async def build() -> Any:
        tk = make_async_toolkit()
        client = tk.client
        assert client._client is None  # never a sync client on the async class
        assert isinstance(client.get_async_httpx_client(), httpx.AsyncClient)
        await tk.aclose()
        return client.get_async_httpx_client()

    assert asyncio.run(build()).is_closed


@pytest.mark.sandbox
def test_one_async_toolkit_across_two_asyncio_runs(sandbox, sandbox_async_toolkit, tmp_path):
    # Issue 11: the second asyncio.run failed with "RuntimeError: Event loop is closed".
    tk = sandbox_async_toolkit(sandbox)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first = asyncio.run(tk.export(NASA, [f"jsonl:{a}"]))
    second = asyncio.run(tk.export(SEVERSON, [f"jsonl:{b}"]))
    assert (first.records, second.records) == (34, 128)
    assert len(a.read_text().splitlines()) == 34
    assert len(b.read_text().splitlines()) == 128
    asyncio.run(tk.aclose())
    assert tk.is_closed


@pytest.mark.sandbox
def test_the_old_loops_connections_are_closed_with_it(sandbox, sandbox_async_toolkit) -> None:
    """Last round: used again from a second asyncio.run, an AsyncToolkit dropped the first
    loop's client with its keep-alive connections open (ResourceWarning "unclosed transport"
    when collected). Now each client is closed by its own loop before that loop closes."""
    tk = sandbox_async_toolkit(sandbox)
    clients: list[httpx.AsyncClient] = []

    async def names() -> list[str]:
        clients.append(tk.client.get_async_httpx_client())
        return [project.name for project in await tk.list_projects()]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = asyncio.run(names())
        assert clients[0].is_closed  # by its loop's shutdown, its connections with it
        second = asyncio.run(names())
        assert clients[1].is_closed and clients[1] is not clients[0]
        asyncio.run(tk.aclose())
        gc.collect()
    assert first == second
    assert len(first) == 6  # the 4 real projects, the empty one and the scale project
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert tk.is_closed


def test_a_client_left_open_is_closed_when_its_loop_shuts_down(make_async_toolkit) -> None:
    """Without aclose(), the loop's shutdown_asyncgens (asyncio.run, asyncio.Runner) closes
    the client; aclose() afterwards, from another loop, only marks the toolkit closed."""
    tk = make_async_toolkit()

    async def touch() -> httpx.AsyncClient:
        return tk.client.get_async_httpx_client()

    client = asyncio.run(touch())
    assert client.is_closed and not tk.is_closed
    asyncio.run(tk.aclose())
    assert tk.is_closed


async def test_a_closed_toolkit_says_so(make_async_toolkit, make_toolkit) -> None:
    tk = make_async_toolkit()
    await tk.aclose()
    with pytest.raises(Exception) as info:
        await tk.list_projects()
    assert str(info.value) == (
        "this AsyncToolkit is closed; make a new one (or use it inside its `with` block)"
    )
    sync = make_toolkit()
    sync.close()
    with pytest.raises(Exception, match=r"^this Toolkit is closed; make a new one"):
        sync.list_projects()


@pytest.mark.sandbox
def test_cli_closes_the_async_client(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Issue 11: after `--sandbox measurements list ... --all` the async client stayed open.
    import ionworks_toolkit.session as session

    made: list[Any] = []

    class Recording(session.AsyncToolkit):
        @property
        def client(self) -> Any:
            client = super().client
            made.append(client.get_async_httpx_client())
            return client

    monkeypatch.setattr(session, "AsyncToolkit", Recording)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        ["--sandbox", "-q", "measurements", "list", SEVERSON, "--all", "--sink", "jsonl:o.jsonl"],
    )
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) == 128
    assert made and {client.is_closed for client in made} == {True}


# ----------------------------------------------------------------------------- paging machine


def test_the_machine_plans_probes_then_prefetches() -> None:
    walk: PageWalk[dict[str, int]] = PageWalk(page_size=10, prefetch=3)
    assert walk.plan() == [PageRequest(0, 10)]
    assert walk.plan() == []  # the first page goes alone: it tells the total
    outcome = walk.receive(PageRequest(0, 10), Page([{"id": i} for i in range(10)], 100, 0))
    assert (len(outcome.records or []), outcome.cancel, outcome.done) == (10, (), False)
    assert walk.plan() == [PageRequest(10, 10), PageRequest(20, 10), PageRequest(30, 10)]
    walk.receive(PageRequest(10, 10), Page([{"id": i} for i in range(10, 20)], 100, 10))
    assert walk.plan() == [PageRequest(40, 10)]
    # A short page below total: the server caps at 4; the planned requests are dropped.
    outcome = walk.receive(PageRequest(20, 10), Page([{"id": i} for i in range(20, 24)], 100, 20))
    assert outcome.cancel == (PageRequest(30, 10), PageRequest(40, 10))
    assert walk.plan() == [PageRequest(24, 4)]
    # Without a total the second page goes alone too: it proves the server advances.
    bare: PageWalk[dict[str, int]] = PageWalk(page_size=10, prefetch=3)
    assert bare.plan() == [PageRequest(0, 10)]
    bare.receive(PageRequest(0, 10), Page([{"id": i} for i in range(10)], None, 0))
    assert bare.plan() == [PageRequest(10, 10)]
    bare.receive(PageRequest(10, 10), Page([{"id": i} for i in range(10, 20)], None, 10))
    assert bare.plan() == [PageRequest(20, 10), PageRequest(30, 10), PageRequest(40, 10)]


class Generous:
    """A server that sends ``limit + extra`` records whatever ``limit`` asks (ids 0..n-1)."""

    def __init__(self, n: int, extra: int) -> None:
        self.n, self.extra = n, extra
        self.calls: list[tuple[int, int]] = []

    def page(self, offset: int, limit: int) -> Page[dict[str, int]]:
        self.calls.append((offset, limit))
        ids = range(offset, min(self.n, offset + limit + self.extra))
        return Page([{"id": i} for i in ids], self.n, offset)

    async def apage(self, offset: int, limit: int) -> Page[dict[str, int]]:
        return self.page(offset, limit)


async def test_oversized_pages_are_walked_the_same_sync_and_async() -> None:
    # Issue 13 item 9: a server returning more items than limit.
    sync_api, async_api = Generous(1000, 50), Generous(1000, 50)
    sync_stats, async_stats = WalkStats(), WalkStats()
    sync_ids = [
        r["id"] for p in walk_pages(sync_api.page, page_size=200, stats=sync_stats) for r in p
    ]
    async_ids = [
        r["id"]
        async for p in awalk_pages(async_api.apage, page_size=200, prefetch=4, stats=async_stats)
        for r in p
    ]
    assert sync_ids == async_ids == list(range(1000))
    # Each long page is kept whole and the walk goes on from where it ended; the last one
    # reaches total on a "full" page, so one request confirms the end, as for any full page.
    assert sync_api.calls == [(0, 200), (250, 200), (500, 200), (750, 200), (1000, 200)]
    assert async_api.calls == sync_api.calls
    assert sync_stats == async_stats == WalkStats(1000, 4, 5, 0, 1000)


class IgnoringOffset:
    """A server ignoring offset whose records have no id (``make(i, call)`` builds each)."""

    def __init__(self, make: Any, *, total: int | None = None, size: int = 100) -> None:
        self.make, self.total, self.size = make, total, size
        self.calls: list[int] = []

    def page(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        self.calls.append(offset)
        if len(self.calls) > 50:
            raise AssertionError("runaway walk")
        return Page([self.make(i, len(self.calls)) for i in range(limit)], self.total, offset)

    async def apage(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return self.page(offset, limit)


async def test_records_without_ids_from_a_server_ignoring_offset_stop_the_walk() -> None:
    # Issue 12 item 4: before, such a walk never ended.
    message = (
        "the page at offset 100 repeats the page at offset 0 (100 records, 100 without an "
        "id): the server is not advancing (is it ignoring offset?); stopped after 2 requests"
    )
    api = IgnoringOffset(lambda i, call: {"name": f"m{i}"})
    with pytest.raises(PaginationError) as info:
        list(walk_pages(api.page, page_size=100))
    assert (str(info.value), info.value.offset, api.calls) == (message, 100, [0, 100])
    api = IgnoringOffset(lambda i, call: {"name": f"m{i}"}, total=5000)
    with pytest.raises(PaginationError) as info:
        [p async for p in awalk_pages(api.apage, page_size=100, prefetch=4)]
    # The total lets the walk prefetch 4 after the first page; the second page consumed
    # still stops it, and the message counts every request the server answered.
    assert (str(info.value), api.calls) == (
        message.replace("after 2 requests", "after 5 requests"),
        [0, 100, 200, 300, 400],
    )


def test_same_id_on_every_record_stops_the_walk() -> None:
    api = IgnoringOffset(lambda i, call: {"id": "", "name": f"m{i}"})
    with pytest.raises(PaginationError) as info:
        list(walk_pages(api.page, page_size=100))
    assert str(info.value).startswith(
        "the page at offset 100 holds only records already seen (100 of them)"
    )
    assert api.calls == [0, 100]


def test_changing_records_without_ids_stop_a_page_past_total() -> None:
    api = IgnoringOffset(lambda i, call: {"name": f"m{i}", "call": call}, total=250)
    with pytest.raises(PaginationError) as info:
        list(walk_pages(api.page, page_size=100))
    assert str(info.value) == (
        "the page at offset 400 is a page past the reported total 250 and holds records "
        "without an id: the server is not advancing (is it ignoring offset?); stopped after "
        "5 requests"
    )
    assert api.calls == [0, 100, 200, 300, 400]


# ----------------------------------------------------------------------------- malformed page


@pytest.mark.parametrize(
    ("items", "kind"), [({}, "an object"), ("abc", "a string"), (7, "a number"), (None, "null")]
)
def test_items_that_are_not_an_array_are_an_unexpected_response(
    make_toolkit, tmp_path: Path, items: Any, kind: str
) -> None:
    body = {"items": items, "count": 1, "total": 1}
    toolkit = make_toolkit(lambda request: httpx.Response(200, json=body))
    out = tmp_path / "out.jsonl"
    out.write_text("keep\n")
    with pytest.raises(UnexpectedResponseError) as info:
        toolkit.export(PROJECT_ID, [f"jsonl:{out}"])
    assert str(info.value) == (
        f"GET /cell_measurements/by-project/{PROJECT_ID} -> 200: response does not match "
        f"list_cell_measurements_by_project's schema: items is {kind}, expected an array"
    )
    assert out.read_text() == "keep\n"


def test_cli_malformed_page_exits_5_and_keeps_the_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Issue 12 item 3: `{"items": {}, "count": 1, "total": 1}` replaced out.jsonl and exited 0.
    def handler(exchange: Exchange) -> None:
        exchange.respond(200, json.dumps({"items": {}, "count": 1, "total": 1}).encode())

    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.jsonl").write_text("keep")
    with LoopbackServer(handler) as server:
        result = CliRunner().invoke(
            main,
            ["--api-url", server.url, "--api-key", "k", "measurements", "list", PROJECT_ID,
             "--all", "--sink", "jsonl:out.jsonl"],
            env={"IONWORKS_TOOLKIT_MAX_RETRIES": "0"},
        )  # fmt: skip
    assert result.exit_code == 5
    assert "items is an object, expected an array" in result.output
    assert (tmp_path / "out.jsonl").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


# ----------------------------------------------------------------------------- connections


@pytest.mark.sandbox
async def test_prefetched_requests_give_their_connections_back(
    sandbox_with, sandbox_async_toolkit
) -> None:
    # Issue 11: repeated async walks with a large prefetch against a server whose total is
    # too high left pool connections ACTIVE for good (encode/httpcore#1093).
    server = sandbox_with(scale=600, total_offset=5000)
    transport = httpx.AsyncHTTPTransport()
    tk = sandbox_async_toolkit(server, transport=transport)
    project = await tk.resolve_project("Synthetic scale project (600 measurements)")
    for _ in range(12):
        stats = WalkStats()
        async for _page in tk.iter_measurement_pages(
            project, page_size=50, prefetch=16, stats=stats
        ):
            pass
        assert (stats.records, stats.total) == (600, 5600)
    deadline = time.monotonic() + 10
    pool = transport._pool
    while any(not c.is_idle() for c in pool.connections) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert [repr(c) for c in pool.connections if not c.is_idle()] == []
    await tk.aclose()


def test_an_async_toolkit_bound_to_a_live_loop_says_so(make_async_toolkit) -> None:
    tk = make_async_toolkit()
    first = asyncio.new_event_loop()
    try:

        async def touch() -> None:
            tk.client  # noqa: B018 - builds the client in this loop

        first.run_until_complete(touch())
        with pytest.raises(Exception) as info:
            asyncio.run(tk.list_projects())
        assert type(info.value).__name__ == "ConfigurationError"
        assert str(info.value) == (
            "this AsyncToolkit is in use by another event loop (its httpx client belongs to the "
            "loop of thread 'MainThread', which is still open); make one AsyncToolkit per "
            "event loop"
        )
        first.run_until_complete(tk.aclose())
    finally:
        first.close()
    assert tk.is_closed
