"""A page longer than ``limit`` that holds copies of records (FINDINGS9 J1).

The named input: 34 measurements, total 34 (true, stable); each page is the ``limit`` records
asked for plus a second copy of the page's first record (11 items for ``limit=10``). The walk
went on from the page's length (offsets 0, 11, 22, 33), so records 10, 21 and 32 were never
asked for: "wrote 31 records", exit 0, ``ExportResult.incomplete`` None, and the summary said
``the server reported total 34 but 35 records came back`` (copies counted: more than the total
seemed to come while 3 were missing). Now a long page covers the offsets of its records new to
the walk only (a copy stands at no offset of its own): offsets 0, 10, 20, 30, all 34 records,
and no "more came back" warning (copies sent in the same page are not counted against the
total). The same for a copy of a record from an earlier page appended to a page.

Pages of exactly ``limit`` items where a copy stands in place of a record (the server never
sends that record): the walk ends with fewer unique records than the total; one warning counts
them and ``incomplete`` is set (an incremental mark is not moved; the CLI's run publishes the
records and ends 7 as for the other incomplete walks, with the warning on stderr).

Each server's answers depend on the offset and limit asked only, so the async walk (prefetch 4,
the CLI's) sees the same pages in whatever order its requests arrive.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from ionworks_toolkit import AsyncToolkit, WalkStats
from ionworks_toolkit.pagination import (
    Page,
    PageRequest,
    PageWalk,
    SeenIds,
    awalk_pages,
    walk_pages,
)
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID, run_cli, toolkit

LOGGER = "ionworks_toolkit.http"
N = 34
ALL_IDS = [f"m-{i:04d}" for i in range(N)]

LONG_PAGE_WARNING = (
    "the server sent 11 records at offset 0 for limit 10 (it ignores limit), 1 of them a copy "
    "of a record it had sent; the walk goes on from offset 10, past the 10 new ones (a copy "
    "stands at no offset of its own)"
)
IN_PAGE_WARNINGS = [
    f"the server sent id 'm-{offset:04d}' more than once in one page (offset {offset}): the "
    "first copy of each is kept"
    for offset in (0, 10, 20, 30)
]
IN_PLACE_WARNING = (
    "the server reported total 34 but 30 unique records came back: its pages held 4 copies of "
    "records sent in the same page, which may stand in place of 4 records it never sent; run it "
    "again to be sure"
)
IN_PLACE_INCOMPLETE = (
    "30 records came back of the server's total 34, and its pages held 4 copies of records "
    "sent in the same page"
)


def record(i: int) -> dict[str, Any]:
    return {
        "id": f"m-{i:04d}",
        "name": f"m {i}",
        "cell_instance_id": "ci",
        "created_at": None,
        "updated_at": None,
    }


def dupe_in_page(offset: int, limit: int) -> list[dict[str, Any]]:
    """The named input: the records asked for, then the page's first record again."""
    items = [record(i) for i in range(offset, min(offset + limit, N))]
    return items + items[:1]


def dupe_across(offset: int, limit: int) -> list[dict[str, Any]]:
    """The records asked for, then a copy of the record just before them (an earlier page's)."""
    items = [record(i) for i in range(offset, min(offset + limit, N))]
    return [*items, record(offset - 1)] if offset and items else items


def dupe_in_place(offset: int, limit: int) -> list[dict[str, Any]]:
    """``limit`` items, the second one carrying the first one's id: that record is never sent
    (exactly ``limit`` long: the walk cannot tell, only count)."""
    items = [record(i) for i in range(offset, min(offset + limit, N))]
    if len(items) > 1:
        items[1] = {**items[1], "id": items[0]["id"]}
    return items


Server = Callable[[int, int], list[dict[str, Any]]]


def fetcher(server: Server, offsets: list[int], total: int | None = N):
    def fetch(offset: int, limit: int) -> Page[Any]:
        offsets.append(offset)
        return Page(server(offset, limit), total, offset)

    return fetch


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def ids_of(pages: list[list[Any]]) -> list[str]:
    return [r["id"] for page in pages for r in page]


# ----------------------------------------------------------------------- the walk itself


def test_the_sync_walk_reads_every_record_of_the_named_input(
    caplog: pytest.LogCaptureFixture,
) -> None:
    offsets: list[int] = []
    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pages = list(walk_pages(fetcher(dupe_in_page, offsets), page_size=10, stats=stats))
    assert ids_of(pages) == ALL_IDS  # before: 31, without m-0010, m-0021, m-0032
    assert offsets == [0, 10, 20, 30]  # before: 0, 11, 22, 33
    assert stats == WalkStats(
        records=34, pages=4, requests=4, duplicates=4, total=34, repeated_in_page=4
    )
    assert (stats.total_mismatch, stats.incomplete) == (False, None)
    assert messages(caplog) == [LONG_PAGE_WARNING, *IN_PAGE_WARNINGS]


async def test_the_async_walk_reads_every_record_with_its_prefetch(
    caplog: pytest.LogCaptureFixture,
) -> None:
    offsets: list[int] = []
    stats = WalkStats()

    async def fetch(offset: int, limit: int) -> Page[Any]:
        return fetcher(dupe_in_page, offsets)(offset, limit)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pages = [p async for p in awalk_pages(fetch, page_size=10, prefetch=4, stats=stats)]
    assert ids_of(pages) == ALL_IDS
    assert sorted(offsets) == [0, 10, 20, 30]  # the prefetched requests were all used
    assert (stats.records, stats.requests, stats.duplicates, stats.repeated_in_page) == (
        34,
        4,
        4,
        4,
    )
    assert (stats.total_mismatch, stats.incomplete) == (False, None)
    assert messages(caplog) == [LONG_PAGE_WARNING, *IN_PAGE_WARNINGS]


@pytest.mark.parametrize("prefetch", [1, 4])
async def test_a_copy_of_an_earlier_record_takes_no_offset(prefetch: int) -> None:
    offsets: list[int] = []
    stats = WalkStats()

    async def fetch(offset: int, limit: int) -> Page[Any]:
        return fetcher(dupe_across, offsets)(offset, limit)

    pages = [p async for p in awalk_pages(fetch, page_size=10, prefetch=prefetch, stats=stats)]
    assert ids_of(pages) == ALL_IDS  # before: offsets 0, 10, 21, 32: m-0020, m-0031 lost
    assert sorted(offsets) == [0, 10, 20, 30]
    assert (stats.records, stats.duplicates, stats.repeated_in_page, stats.incomplete) == (
        34,
        3,
        0,
        None,
    )


def test_a_long_page_with_more_copies_than_extras_is_read_again_from_its_new_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 11 items for limit 10, two of them copies: 9 new ones, so the walk goes on from offset 9
    # (reading m-0009 again costs a duplicate; going on from 11 would skip m-0009 and m-0010).
    def server(offset: int, limit: int) -> list[dict[str, Any]]:
        items = [record(i) for i in range(offset, min(offset + limit, N))]
        if offset == 0:
            return items[:9] + items[:2]
        return items

    offsets: list[int] = []
    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pages = list(walk_pages(fetcher(server, offsets), page_size=10, stats=stats))
    assert ids_of(pages) == ALL_IDS
    assert offsets == [0, 9, 19, 29]
    assert messages(caplog) == [
        "the server sent 11 records at offset 0 for limit 10 (it ignores limit), 2 of them "
        "copies of records it had sent; the walk goes on from offset 9, past the 9 new ones (a "
        "copy stands at no offset of its own)",
        "the server sent 2 ids ('m-0000', 'm-0001') more than once in one page (offset 0): the "
        "first copy of each is kept",
    ]
    assert (stats.records, stats.duplicates, stats.repeated_in_page, stats.incomplete) == (
        34,
        2,
        2,
        None,
    )


def test_a_long_page_whose_copies_fill_it_keeps_the_planned_requests() -> None:
    walk: PageWalk[Any] = PageWalk(page_size=10, prefetch=3)
    assert walk.plan() == [PageRequest(0, 10)]
    walk.sent()
    outcome = walk.receive(PageRequest(0, 10), Page(dupe_in_page(0, 10), N, 0))
    assert (ids_of([outcome.records or []]), outcome.cancel, outcome.done) == (
        ALL_IDS[:10],
        (),
        False,
    )
    assert walk.plan() == [PageRequest(10, 10), PageRequest(20, 10), PageRequest(30, 10)]
    # A long page with two copies (9 new records) drops what was planned past it.
    items = [record(i) for i in range(10, 19)] + [record(10), record(3)]
    walk.sent()
    outcome = walk.receive(PageRequest(10, 10), Page(items, N, 10))
    assert (len(outcome.records or []), outcome.cancel, outcome.done) == (
        9,
        (PageRequest(20, 10), PageRequest(30, 10)),
        False,
    )
    assert walk.plan() == [PageRequest(19, 10)]


def test_a_server_ignoring_limit_without_copies_goes_on_from_the_page_s_end() -> None:
    offsets: list[int] = []

    def server(offset: int, limit: int) -> list[dict[str, Any]]:
        return [record(i) for i in range(offset, min(offset + 15, N))]

    pages = list(walk_pages(fetcher(server, offsets), page_size=10))
    assert (ids_of(pages), offsets) == (ALL_IDS, [0, 15, 30])


def test_count_new_counts_what_first_seen_would_keep_and_remembers_nothing() -> None:
    seen = SeenIds()
    uuid = "0000000a-0000-0000-0000-00000000000b"
    assert seen.first_seen(["a", uuid]) == [True, True]
    keys = ["a", "b", "b", None, None, uuid, "c", uuid.upper()]
    assert seen.count_new(keys) == 5  # b, None, None, c, the capital UUID (another id)
    assert len(seen) == 2
    assert seen.first_seen(keys).count(True) == 5


# ------------------------------------------------- copies in place of records: counted


@pytest.mark.parametrize("prefetch", [1, 4])
async def test_copies_in_place_of_records_set_incomplete_with_one_warning(
    caplog: pytest.LogCaptureFixture, prefetch: int
) -> None:
    offsets: list[int] = []
    stats = WalkStats()

    async def fetch(offset: int, limit: int) -> Page[Any]:
        return fetcher(dupe_in_place, offsets)(offset, limit)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pages = [p async for p in awalk_pages(fetch, page_size=10, prefetch=prefetch, stats=stats)]
    assert ids_of(pages) == [
        i for i in ALL_IDS if i not in {"m-0001", "m-0011", "m-0021", "m-0031"}
    ]
    assert sorted(offsets) == [0, 10, 20, 30]
    assert (stats.records, stats.repeated_in_page, stats.total_mismatch) == (30, 4, True)
    assert stats.incomplete == IN_PLACE_INCOMPLETE
    assert messages(caplog)[-1] == IN_PLACE_WARNING
    assert len(messages(caplog)) == 5  # the four pages' copies, then the count


def test_one_copy_in_place_of_one_record_is_worded_in_the_singular(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def server(offset: int, limit: int) -> list[dict[str, Any]]:
        return dupe_in_place(offset, limit) if offset == 10 else dupe_in_page(offset, limit)[:-1]

    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        list(walk_pages(fetcher(server, []), page_size=10, stats=stats))
    assert stats.incomplete == (
        "33 records came back of the server's total 34, and its pages held 1 copy of a record "
        "sent in the same page"
    )
    assert messages(caplog)[-1] == (
        "the server reported total 34 but 33 unique records came back: its pages held 1 copy of "
        "a record sent in the same page, which may stand in place of a record it never sent; "
        "run it again to be sure"
    )


@pytest.mark.parametrize(
    ("total", "max_records", "records"),
    [
        (None, None, 30),  # no total to count against
        (30, None, 30),  # as many unique records as the total
        (34, 25, 25),  # max_records ended the walk
    ],
)
def test_copies_without_a_shortfall_set_nothing(
    caplog: pytest.LogCaptureFixture, total: int | None, max_records: int | None, records: int
) -> None:
    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        walk = walk_pages(
            fetcher(dupe_in_place, [], total), page_size=10, max_records=max_records, stats=stats
        )
        assert sum(len(page) for page in walk) == records
    assert (stats.repeated_in_page > 0, stats.incomplete) == (True, None)
    assert not any("unique records came back" in m for m in messages(caplog))


def test_a_shortfall_without_copies_is_the_too_high_total_s_own_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 34 records, total 40, no copies: the walk's end is told by the total-too-high warning
    # alone (the copies' count is not for a walk whose pages held none).
    def fetch(offset: int, limit: int) -> Page[Any]:
        return Page([record(i) for i in range(offset, min(offset + limit, N))], 40, offset)

    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert sum(len(page) for page in walk_pages(fetch, page_size=10, stats=stats)) == 34
    assert (stats.records, stats.total, stats.incomplete) == (34, 40, None)
    assert len(messages(caplog)) == 1
    assert "the total is too high" in messages(caplog)[0]


def test_a_total_that_fell_keeps_its_own_reason() -> None:
    def fetch(offset: int, limit: int) -> Page[Any]:
        return Page(dupe_in_place(offset, limit), 34 if offset == 0 else 33, offset)

    stats = WalkStats()
    list(walk_pages(fetch, page_size=10, stats=stats))
    assert stats.incomplete == "the server's total went from 34 to 33"


# ------------------------------------------------------------- end to end, on loopback


def serve(server: Server, offsets: list[int]) -> LoopbackServer:
    def handle(exchange: Exchange) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(exchange.target).query).items()}
        offset, limit = int(query["offset"]), int(query["limit"])
        offsets.append(offset)
        items = server(offset, limit)
        body = {"items": items, "count": len(items), "total": N}
        exchange.respond(200, json.dumps(body).encode())

    return LoopbackServer(handle)


@pytest.fixture
def named_input() -> Iterator[tuple[list[int], str]]:
    offsets: list[int] = []
    with serve(dupe_in_page, offsets) as server:
        yield offsets, server.url


def test_the_cli_writes_all_34_records_and_says_nothing_false(
    named_input: tuple[list[int], str], runner: CliRunner
) -> None:
    offsets, url = named_input
    result = run_cli(url, "--all", "--page-size", "10", "--sink", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {LONG_PAGE_WARNING}",
        *(f"warning: {m}" for m in IN_PAGE_WARNINGS),
        "wrote 34 records to jsonl:out.jsonl",  # before: 31
        "skipped 4 duplicate record(s) (4 sent twice in one page by the server)",
        # before: "warning: the server reported total 34 but 35 records came back"
    ]
    lines = Path("out.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ALL_IDS
    assert sorted(offsets) == [0, 10, 20, 30]


def test_the_python_export_and_iterator_get_all_34(
    named_input: tuple[list[int], str], tmp_path: Path
) -> None:
    offsets, url = named_input
    out = tmp_path / "out.jsonl"
    with toolkit(url) as tk:
        result = tk.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
        got = [m.id for m in tk.iter_measurements_by_project(PROJECT_ID, page_size=10)]
    assert (result.records, result.duplicates, result.total, result.repeated_in_page) == (
        34,
        4,
        34,
        4,
    )
    assert (result.incomplete, result.total_mismatch) == (None, False)
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ALL_IDS
    assert got == ALL_IDS
    assert offsets == [0, 10, 20, 30] * 2


async def test_the_async_export_and_iterator_get_all_34(
    named_input: tuple[list[int], str], tmp_path: Path
) -> None:
    _, url = named_input
    out = tmp_path / "out.jsonl"
    async with AsyncToolkit(api_url=url, api_key="k", max_retries=0) as tk:
        result = await tk.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
        got = [m.id async for m in tk.iter_measurements_by_project(PROJECT_ID, page_size=10)]
    assert (result.records, result.repeated_in_page, result.incomplete) == (34, 4, None)
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ALL_IDS
    assert got == ALL_IDS


def test_the_cli_counts_copies_in_place_of_records(runner: CliRunner) -> None:
    offsets: list[int] = []
    with serve(dupe_in_place, offsets) as server:
        result = run_cli(server.url, "--all", "--page-size", "10", "--sink", "out.jsonl")
    assert result.exit_code == 7, result.output  # published, but records may be missing
    lines = result.stderr.splitlines()
    assert lines[-4:] == [
        f"warning: {IN_PLACE_WARNING}",
        "wrote 30 records to jsonl:out.jsonl",
        "skipped 4 duplicate record(s) (4 sent twice in one page by the server)",
        f"may be incomplete: {IN_PLACE_INCOMPLETE}, so records may be missing; run it again to "
        "be sure",
    ]
    assert len(Path("out.jsonl").read_text().splitlines()) == 30


async def test_the_async_python_export_reports_copies_in_place_as_incomplete(
    tmp_path: Path,
) -> None:
    with serve(dupe_in_place, []) as server:
        async with AsyncToolkit(api_url=server.url, api_key="k", max_retries=0) as tk:
            result = await tk.export(PROJECT_ID, [f"jsonl:{tmp_path / 'o.jsonl'}"], page_size=10)
    assert (result.records, result.incomplete) == (30, IN_PLACE_INCOMPLETE)
