"""Paging (ARCHITECTURE.md section 2): lying totals, servers ignoring offset, duplicates, prefetch.

Three layers are tested: the pure paginators (``walk_pages``/``awalk_pages`` over a fake
``fetch``), the session over an ``httpx.MockTransport`` (exact requests on the wire), and the
session against the real sandbox over loopback (``total_offset``, ``ignore_offset``, ``scale``).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import PaginationError, ParameterError, WalkStats
from ionworks_toolkit.pagination import Page, awalk_pages, record_id, walk_pages
from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread
from request_budget import RequestBudget

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
SCALE_PROJECT = "Synthetic scale project (1500 measurements)"  # the session sandbox's


def ignoring_offset_message(offset: int, n: int, requests: int) -> str:
    return (
        f"the page at offset {offset} holds only records already seen ({n} of them): the "
        f"server is not advancing (is it ignoring offset?); stopped after {requests} requests"
    )


# ----------------------------------------------------------------------------- fake fetchers


class FakeApi:
    """``fetch(offset, limit)`` over ``n`` records (``{"id": i}``), reporting ``total``."""

    def __init__(self, n: int, *, total: int | None = None, ignore_offset: bool = False) -> None:
        self.ids: list[Any] = list(range(n))
        self.total = total
        self.ignore_offset = ignore_offset
        self.calls: list[tuple[int, int]] = []
        self.budget = RequestBudget(200)

    def page(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        self.calls.append((offset, limit))
        self.budget.spend()  # a walk that never ends fails instead of hanging
        start = 0 if self.ignore_offset else offset
        items = [{"id": i} for i in self.ids[start : start + limit]]
        return Page(items, self.total, offset)

    def fetch(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return self.page(offset, limit)

    async def afetch(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return self.page(offset, limit)

    @property
    def offsets(self) -> list[int]:
        return [offset for offset, _ in self.calls]


def collect(fetch: Callable[[int, int], Page[Any]], **kwargs: Any) -> tuple[list[Any], WalkStats]:
    stats = WalkStats()
    records = [r for page in walk_pages(fetch, stats=stats, **kwargs) for r in page]
    return records, stats


async def acollect(
    fetch: Callable[[int, int], Awaitable[Page[Any]]], **kwargs: Any
) -> tuple[list[Any], WalkStats]:
    stats = WalkStats()
    records = [r async for page in awalk_pages(fetch, stats=stats, **kwargs) for r in page]
    return records, stats


# ----------------------------------------------------------------------------- 1. lying total


def test_total_too_high_walk_ends_at_the_first_empty_page_after_the_short_one() -> None:
    # A short page below total may be a server's page-size cap, so the walk asks once more;
    # the first empty page below the total is asked for once more and, empty again, the next
    # page is probed: empty too, the total was too high and the walk ends. It asks for as
    # many as the short page held (300), as the async walk does: one set of rules for both.
    api = FakeApi(2300, total=5000)
    records, stats = collect(api.fetch, page_size=1000)
    assert [r["id"] for r in records] == list(range(2300))
    assert api.calls == [
        (0, 1000),
        (1000, 1000),
        (2000, 1000),
        (2300, 300),
        (2300, 300),
        (2600, 300),
    ]
    assert stats == WalkStats(records=2300, pages=3, requests=6, duplicates=0, total=5000)
    assert stats.total_mismatch is True


def test_total_too_high_walk_stops_at_the_first_empty_page() -> None:
    api = FakeApi(2300, total=5000)
    records, stats = collect(api.fetch, page_size=100)
    assert len(records) == 2300
    # 23 full pages, then the empty one at 2300, asked for twice (it is below the total),
    # and the probe past it
    assert api.offsets == [*range(0, 2400, 100), 2300, 2400]
    assert stats.requests == 26
    assert stats.pages == 23


async def test_async_total_too_high_prefetch_is_bounded() -> None:
    api = FakeApi(2300, total=5000)
    records, stats = await acollect(api.afetch, page_size=100, prefetch=4)
    assert [r["id"] for r in records] == list(range(2300))
    # In order up to the first empty page (2300); prefetch has sent 3 more, which stay in
    # flight; the empty page (below the total) is asked for once more, nothing new is
    # planned, and the 3 pages past it (empty) tell that the total is too high.
    assert api.offsets == [*range(0, 2700, 100), 2300]
    assert max(api.offsets) - 2300 <= (4 - 1) * 100
    assert stats == WalkStats(records=2300, pages=23, requests=28, duplicates=0, total=5000)


async def test_async_total_too_high_full_pages() -> None:
    api = FakeApi(2300, total=5000)
    records, stats = await acollect(api.afetch, page_size=1000, prefetch=4)
    assert len(records) == 2300
    # 0 alone, then 1000..4000 in flight; 2000 is short (below total), so
    # the walk realigns on its length and asks 2300 alone: empty.
    assert api.calls == [
        (0, 1000),
        (1000, 1000),
        (2000, 1000),
        (3000, 1000),
        (4000, 1000),
        (2300, 300),
        (2300, 300),  # empty below the total: asked for once more
        (2600, 300),  # empty again, nothing in flight: the probe past it, empty: the end
    ]
    assert stats.requests == 8
    assert stats.records == 2300


def test_total_too_low_loses_nothing() -> None:
    api = FakeApi(2300, total=1000)
    records, stats = collect(api.fetch, page_size=1000)
    assert len(records) == 2300
    assert api.offsets == [0, 1000, 2000]
    assert stats.total == 1000
    assert stats.total_mismatch is True


async def test_async_total_too_low_goes_on_one_request_at_a_time() -> None:
    api = FakeApi(5000, total=2500)
    records, stats = await acollect(api.afetch, page_size=1000, prefetch=4)
    assert [r["id"] for r in records] == list(range(5000))
    assert api.offsets == [0, 1000, 2000, 3000, 4000, 5000]
    assert stats.requests == 6


def test_total_exact_multiple_needs_one_confirming_request() -> None:
    api = FakeApi(2000, total=2000)
    records, stats = collect(api.fetch, page_size=1000)
    assert len(records) == 2000
    assert api.offsets == [0, 1000, 2000]
    assert stats.total_mismatch is False


def test_bare_list_pages_have_no_total() -> None:
    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        return Page([{"id": i} for i in range(offset, min(offset + limit, 250))], None, offset)

    records, stats = collect(fetch, page_size=100)
    assert len(records) == 250
    assert stats.total is None
    assert stats.total_mismatch is False


def test_max_records_limits_the_last_request() -> None:
    api = FakeApi(5000)
    records, stats = collect(api.fetch, page_size=1000, max_records=2500)
    assert len(records) == 2500
    assert api.calls == [(0, 1000), (1000, 1000), (2000, 500)]
    assert stats.requests == 3


async def test_async_max_records() -> None:
    api = FakeApi(5000, total=5000)
    records, stats = await acollect(api.afetch, page_size=1000, max_records=2500, prefetch=4)
    assert [r["id"] for r in records] == list(range(2500))
    assert api.calls == [(0, 1000), (1000, 1000), (2000, 500)]
    assert stats.records == 2500


async def test_async_rejects_prefetch_below_one() -> None:
    with pytest.raises(ValueError, match=r"^prefetch must be at least 1$"):
        await acollect(FakeApi(1).afetch, prefetch=0)


async def test_async_empty_first_page() -> None:
    api = FakeApi(0, total=0)
    records, stats = await acollect(api.afetch, page_size=1000)
    assert records == []
    assert api.offsets == [0]
    assert stats == WalkStats(records=0, pages=0, requests=1, duplicates=0, total=0)


async def test_async_early_close_cancels_prefetched_requests() -> None:
    api = FakeApi(10_000, total=10_000)
    walk = awalk_pages(api.afetch, page_size=1000, prefetch=4)
    first = await anext(walk)
    await walk.aclose()
    assert len(first) == 1000
    assert api.offsets == [0]


# ----------------------------------------------------------------------------- 2. ignored offset


def test_server_ignoring_offset_raises_after_two_requests() -> None:
    api = FakeApi(1000, ignore_offset=True)
    with pytest.raises(PaginationError) as info:
        collect(api.fetch, page_size=1000)
    assert str(info.value) == ignoring_offset_message(1000, 1000, 2)
    assert info.value.offset == 1000
    assert api.offsets == [0, 1000]


async def test_async_server_ignoring_offset_raises() -> None:
    api = FakeApi(1000, ignore_offset=True, total=1500)
    with pytest.raises(PaginationError) as info:
        await acollect(api.afetch, page_size=1000, prefetch=4)
    assert info.value.offset == 1000
    assert str(info.value) == ignoring_offset_message(1000, 1000, 2)
    assert api.offsets == [0, 1000]  # total 1500 bounds the prefetch


def test_ignored_offset_through_the_session(make_toolkit, paged_server) -> None:
    server = paged_server(1000, total=5000, ignore_offset=True)
    toolkit = make_toolkit(server)
    with pytest.raises(PaginationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == ignoring_offset_message(1000, 1000, 2)
    assert server.calls == [(0, 1000), (1000, 1000)]


def test_partial_progress_is_not_an_error() -> None:
    # A page holding some new ids is progress, even when most are duplicates.
    pages = {0: [0, 1, 2], 3: [2, 3, 4], 6: [4, 5]}

    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        return Page([{"id": i} for i in pages.get(offset, [])], None, offset)

    records, stats = collect(fetch, page_size=3)
    assert [r["id"] for r in records] == [0, 1, 2, 3, 4, 5]
    assert stats.duplicates == 2
    assert stats.requests == 3


def test_records_without_id_are_never_deduplicated() -> None:
    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        return Page([{"name": "x"}] * (2 if offset == 0 else 1), None, offset)

    records, stats = collect(fetch, page_size=2)
    assert records == [{"name": "x"}] * 3
    assert stats.duplicates == 0


def test_record_id_of_models_and_mappings() -> None:
    class Model:
        id = uuid.UUID(int=7)

    assert record_id({"id": 5}) == "5"
    assert record_id({"name": "x"}) is None
    assert record_id(Model()) == str(uuid.UUID(int=7))
    assert record_id(object()) is None


# ----------------------------------------------------------------------------- 3. duplicates


def test_insert_during_walk_is_deduplicated_and_counted(make_toolkit, paged_server) -> None:
    server = paged_server(2300, insert_after_first_page=1)
    toolkit = make_toolkit(server)
    stats = WalkStats()
    ids = [m.id for m in toolkit.iter_measurements_by_project(PROJECT_ID, stats=stats)]
    assert len(ids) == 2300
    assert ids == [f"m-{i}" for i in range(2300)]
    assert server.offsets == [0, 1000, 2000]
    assert stats == WalkStats(records=2300, pages=3, requests=3, duplicates=1, total=2301)


async def test_async_insert_during_walk_is_deduplicated(make_async_toolkit, paged_server) -> None:
    server = paged_server(2300, insert_after_first_page=3)
    toolkit = make_async_toolkit(server)
    stats = WalkStats()
    ids = [m.id async for m in toolkit.iter_measurements_by_project(PROJECT_ID, stats=stats)]
    assert ids == [f"m-{i}" for i in range(2300)]
    assert stats.duplicates == 3
    assert stats.records == 2300
    await toolkit.aclose()


def test_export_writes_each_id_once(make_toolkit, paged_server, tmp_path: Path) -> None:
    server = paged_server(2300, insert_after_first_page=2)
    toolkit = make_toolkit(server)
    out = tmp_path / "out.jsonl"
    db = tmp_path / "out.db"
    result = toolkit.export(PROJECT_ID, [f"jsonl:{out}", f"sqlite:{db}"])
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in lines] == [f"m-{i}" for i in range(2300)]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*), count(distinct id) from measurements").fetchone() == (
            2300,
            2300,
        )
    assert (result.records, result.duplicates, result.pages, result.requests) == (2300, 2, 3, 3)
    assert result.total == 2302
    assert result.total_mismatch is False
    assert result.project_id == PROJECT_ID


# ----------------------------------------------------------------------------- session + wire


def test_session_walk_with_lying_total(make_toolkit, paged_server) -> None:
    server = paged_server(2300, total=5000)
    toolkit = make_toolkit(server)
    stats = WalkStats()
    ids = [m.id for m in toolkit.iter_measurements_by_project(PROJECT_ID, stats=stats)]
    assert ids == [f"m-{i}" for i in range(2300)]
    assert server.calls == [
        (0, 1000),
        (1000, 1000),
        (2000, 1000),
        (2300, 300),
        (2300, 300),
        (2600, 300),
    ]
    assert stats.requests == 6
    assert stats.total == 5000


def test_session_walk_stops_at_the_first_empty_page(make_toolkit, paged_server) -> None:
    server = paged_server(2300, total=5000)
    toolkit = make_toolkit(server)
    ids = [m.id for m in toolkit.iter_measurements_by_project(PROJECT_ID, page_size=100)]
    assert len(ids) == 2300
    assert server.offsets == [*range(0, 2400, 100), 2300, 2400]
    assert {limit for _, limit in server.calls} == {100}


async def test_session_async_walk_with_lying_total(make_async_toolkit, paged_server) -> None:
    server = paged_server(2300, total=5000)
    toolkit = make_async_toolkit(server)
    stats = WalkStats()
    ids = [m.id async for m in toolkit.iter_measurements_by_project(PROJECT_ID, stats=stats)]
    assert ids == [f"m-{i}" for i in range(2300)]
    assert sorted(server.offsets) == [0, 1000, 2000, 2300, 2300, 2600, 3000, 4000]
    assert stats.requests == 8
    await toolkit.aclose()


def test_session_sends_the_expected_query(make_toolkit, paged_server) -> None:
    server = paged_server(3)
    toolkit = make_toolkit(server)
    list(toolkit.iter_measurements_by_project(PROJECT_ID, page_size=10, order="asc"))
    (request,) = server.requests
    assert request.url.path == f"/cell_measurements/by-project/{PROJECT_ID}"
    assert dict(request.url.params) == {
        "limit": "10",
        "offset": "0",
        "order_by": "created_at",
        "order": "asc",
    }


def test_session_max_records_and_pages(make_toolkit, paged_server) -> None:
    server = paged_server(50)
    toolkit = make_toolkit(server)
    pages = list(toolkit.iter_measurement_pages(PROJECT_ID, page_size=20, max_records=45))
    assert [len(p) for p in pages] == [20, 20, 5]
    assert server.calls == [(0, 20), (20, 20), (40, 5)]


def test_session_bare_list_page(make_toolkit, paged_server) -> None:
    server = paged_server(30, bare_list=True)
    toolkit = make_toolkit(server)
    stats = WalkStats()
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID, page_size=20, stats=stats)))
    assert stats == WalkStats(records=30, pages=2, requests=2, duplicates=0, total=None)


@pytest.mark.parametrize("size", [0, -5, 1001])
def test_session_rejects_page_size_outside_range(make_toolkit, paged_server, size: int) -> None:
    server = paged_server(3)
    toolkit = make_toolkit(server)
    with pytest.raises(ParameterError) as info:  # FINDINGS10 K4: not a bare ConfigurationError
        list(toolkit.iter_measurements_by_project(PROJECT_ID, page_size=size))
    assert str(info.value) == (
        f"page_size={size} is outside 1..1000 (or None: the settings' page size)"
    )
    assert server.requests == []


# ----------------------------------------------------------------------------- sandbox


@pytest.fixture(scope="module")
def offset_ignoring_sandbox() -> Iterator[Any]:
    with run_in_thread(SandboxOptions(scale=1500, ignore_offset=True)) as server:
        yield server


@pytest.mark.sandbox
def test_sandbox_ignore_offset_scale_project(offset_ignoring_sandbox, sandbox_toolkit) -> None:
    server = offset_ignoring_sandbox
    toolkit = sandbox_toolkit(server, request_budget=5)  # a broken de-duplication fails fast
    project_id = toolkit.resolve_project("Synthetic scale project (1500 measurements)")
    counter = server.app.state.request_counter
    before = counter.count
    stats = WalkStats()
    with pytest.raises(PaginationError) as info:
        list(toolkit.iter_measurements_by_project(project_id, stats=stats))
    assert str(info.value) == ignoring_offset_message(1000, 1000, 2)
    assert info.value.offset == 1000
    assert counter.count - before == 2
    assert stats.records == 1000


@pytest.mark.sandbox
async def test_sandbox_ignore_offset_async(offset_ignoring_sandbox, sandbox_async_toolkit) -> None:
    server = offset_ignoring_sandbox
    toolkit = sandbox_async_toolkit(server, request_budget=5)
    project_id = await toolkit.resolve_project("Synthetic scale project (1500 measurements)")
    counter = server.app.state.request_counter
    before = counter.count
    with pytest.raises(PaginationError) as info:
        async for _ in toolkit.iter_measurements_by_project(project_id, prefetch=4):
            pass
    assert info.value.offset == 1000
    assert str(info.value) == ignoring_offset_message(1000, 1000, 2)
    assert counter.count - before == 2  # the total (1500) bounds the prefetch to one page
    await toolkit.aclose()


@pytest.mark.sandbox
async def test_sandbox_async_walk_equals_sync_walk(
    sandbox, sandbox_toolkit, sandbox_async_toolkit, tmp_path
) -> None:
    sync_toolkit, toolkit = sandbox_toolkit(sandbox), sandbox_async_toolkit(sandbox)
    project_id = sync_toolkit.resolve_project(SCALE_PROJECT)
    sync_stats, async_stats = WalkStats(), WalkStats()
    sync_ids = [
        m.id
        for m in sync_toolkit.iter_measurements_by_project(
            project_id, page_size=300, stats=sync_stats
        )
    ]
    async_ids = [
        m.id
        async for m in toolkit.iter_measurements_by_project(
            project_id, page_size=300, prefetch=4, stats=async_stats
        )
    ]
    assert len(sync_ids) == 1500
    assert len(set(sync_ids)) == 1500
    assert async_ids == sync_ids
    assert sync_stats == WalkStats(records=1500, pages=5, requests=6, duplicates=0, total=1500)
    assert (async_stats.records, async_stats.pages, async_stats.duplicates) == (1500, 5, 0)

    db = tmp_path / "catalog.db"
    result = await toolkit.export(project_id, [f"sqlite:{db}"], page_size=300, prefetch=4)
    assert (result.records, result.duplicates, result.total) == (1500, 0, 1500)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from measurements").fetchone() == (1500,)
        stored = {row[0] for row in conn.execute("select id from measurements")}
    assert stored == set(sync_ids)
    await toolkit.aclose()


@pytest.mark.sandbox
@pytest.mark.parametrize("total_offset", [-600, 1500])
async def test_sandbox_lying_total(
    sandbox_with, sandbox_toolkit, sandbox_async_toolkit, total_offset: int
) -> None:
    server = sandbox_with(scale=1200, total_offset=total_offset)
    sync_toolkit, toolkit = sandbox_toolkit(server), sandbox_async_toolkit(server)
    project_id = sync_toolkit.resolve_project("Synthetic scale project (1200 measurements)")
    sync_stats, async_stats = WalkStats(), WalkStats()
    sync_ids = [
        m.id
        for m in sync_toolkit.iter_measurements_by_project(
            project_id, page_size=300, stats=sync_stats
        )
    ]
    async_ids = [
        m.id
        async for m in toolkit.iter_measurements_by_project(
            project_id, page_size=300, prefetch=4, stats=async_stats
        )
    ]
    assert len(sync_ids) == 1200
    assert len(set(sync_ids)) == 1200
    assert async_ids == sync_ids
    assert sync_stats.total == async_stats.total == 1200 + total_offset
    # Four full pages and the empty one that confirms the end; below a (too high) total, the
    # empty page is asked for once more, and the page past it is probed.
    assert sync_stats.requests == (5 if total_offset < 0 else 7)
    assert (async_stats.records, async_stats.duplicates) == (1200, 0)
    if total_offset < 0:
        # Beyond the reported total the async walk goes one confirming request at a time.
        assert async_stats.requests == 5
    else:
        # Below the (too high) total it prefetches: 3 pages in flight past the empty page at
        # 1200 (1500, 1800, 2100: empty, they tell that the total is too high) and 1200 asked
        # for once more.
        assert async_stats.requests == 9
    await toolkit.aclose()


class CappedApi(FakeApi):
    """A server that never returns more than ``cap`` items, whatever ``limit`` asks."""

    def __init__(self, n: int, cap: int) -> None:
        super().__init__(n, total=n)
        self.cap = cap

    def page(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return super().page(offset, min(limit, self.cap))


def test_a_server_capping_its_page_size_loses_nothing() -> None:
    api = CappedApi(250, cap=40)
    records, stats = collect(api.fetch, page_size=1000)
    assert [r["id"] for r in records] == list(range(250))
    assert api.offsets == [0, 40, 80, 120, 160, 200, 240]
    assert (stats.records, stats.total_mismatch) == (250, False)


async def test_async_a_server_capping_its_page_size_loses_nothing() -> None:
    api = CappedApi(250, cap=40)
    records, stats = await acollect(api.afetch, page_size=100, prefetch=4)
    assert [r["id"] for r in records] == list(range(250))
    assert stats.records == 250


def test_a_server_sending_more_than_limit_never_exceeds_max_records() -> None:
    api = FakeApi(300, total=300)

    def generous(offset: int, limit: int) -> Page[dict[str, Any]]:
        return api.page(offset, 100)  # ignores limit

    records, stats = collect(generous, page_size=5, max_records=5)
    assert [r["id"] for r in records] == [0, 1, 2, 3, 4]
    assert stats.records == 5


def test_ids_sent_twice_in_one_page_are_named_as_the_server_s_fault(caplog) -> None:
    # Page 0: 'a' twice (same record), 'b' twice (different records), 'c' three times,
    # 'd' twice; page 4: 'e' new, 'a' again (a shift across pages: not counted as in-page).
    pages = {
        0: [
            {"id": "a", "v": 1},
            {"id": "a", "v": 1},
            {"id": "b", "v": 1},
            {"id": "b", "v": 2},
            {"id": "c"},
            {"id": "c"},
            {"id": "c"},
            {"id": "d"},
            {"id": "d"},
        ],
        9: [{"id": "e"}, {"id": "a", "v": 1}],
    }

    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        return Page(pages.get(offset, []), None, offset)

    with caplog.at_level("WARNING", logger="ionworks_toolkit.http"):
        records, stats = collect(fetch, page_size=9)
    assert records == [
        {"id": "a", "v": 1},
        {"id": "b", "v": 1},
        {"id": "c"},
        {"id": "d"},
        {"id": "e"},
    ]
    assert (stats.duplicates, stats.repeated_in_page) == (6, 5)
    assert [r.getMessage() for r in caplog.records] == [
        "the server sent 4 ids ('a', 'b', 'c' and 1 more) more than once in one page (offset "
        "0): the first copy of each is kept; the copies differ for 'b'",
        # 'a' on the later page, without a total (FINDINGS8 H11): records may be missing.
        "1 record(s) came again on a later page and the server sends no total to count the "
        "walk against: records moved between pages during the walk (inserts, or an unstable "
        "order of ties in the sort key), so some may be missing from these 5 records; run it "
        "again to be sure",
    ]
    assert stats.incomplete == (
        "1 record(s) came back on two pages (records moved to later offsets: inserted or "
        "re-ordered)"
    )


def test_one_id_sent_twice_in_one_page_is_named_alone(caplog) -> None:
    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        page = [{"id": 1}, {"id": 1}, {"name": "no id"}, {"name": "no id either"}]
        return Page(page if offset == 0 else [], None, offset)

    with caplog.at_level("WARNING", logger="ionworks_toolkit.http"):
        records, stats = collect(fetch, page_size=4)
    assert records == [{"id": 1}, {"name": "no id"}, {"name": "no id either"}]
    assert (stats.duplicates, stats.repeated_in_page) == (1, 1)
    assert [r.getMessage() for r in caplog.records] == [
        "the server sent id '1' more than once in one page (offset 0): the first copy of each "
        "is kept"
    ]
