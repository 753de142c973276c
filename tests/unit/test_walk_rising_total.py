"""A total that rises as fast as the walk reads (FINDINGS8 H18), and one that rises slower.

The named input: a server answering every page in full with new ids and ``total = offset + 2 *
limit`` (every total "two pages more than you have"): ``--all --page-size 50`` ran until
killed (986 requests in 40 s), because the bound on pages past the total moved with the total.
Now no walk reads past twice the total the server reported on its first page plus a page:
past it, a PaginationError naming the first total, the totals since and the records read
(exit 5, nothing published, the previous output kept); a total more than a page above the
first one gets one warning naming that bound. A catalogue that grows while it is read, slower
than it is read, is read to its end, with that warning.

Each server's answers depend on the offset asked only, so the async walk (prefetch 4, the
CLI's) sees the same pages in whatever order its requests arrive.
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
from ionworks_toolkit import AsyncToolkit, PaginationError, WalkStats
from ionworks_toolkit.pagination import Page, awalk_pages, walk_pages
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID, run_cli, toolkit

LOGGER = "ionworks_toolkit.http"

#: ``total = offset + 2 * limit``, pages of 50: the first total is 100, the bound 250.
RISING_WARNING = (
    "the server's total rose from 100 to 200 during the walk (page at offset 100): records "
    "added while the walk reads them are read too, up to record 250 (twice the total at the "
    "start plus a page of 50); past it the walk stops with an error"
)
RISING_ERROR = (
    "the server's total keeps rising as the walk reads: it reported 100 on the first page, "
    "then 150, 200, 250, 300, 350, and 250 records came; the page at offset 250 ends at "
    "record 300, past 250 (twice the total at the start plus a page of 50): a collection "
    "growing as fast as it is read would never be read to its end; stopped (max_records, "
    "--limit, bounds a walk on purpose)"
)
#: 34 records, 2 more for each page of 5 the walk has advanced: 54 when it reads offset 50.
GROWING_WARNING = (
    "the server's total rose from 34 to 40 during the walk (page at offset 15): records "
    "added while the walk reads them are read too, up to record 73 (twice the total at the "
    "start plus a page of 5); past it the walk stops with an error"
)


#: Past this offset the servers here send an empty page: a walk without the bound ends there
#: (and its test fails) instead of running forever.
LAST_OFFSET = 5000


def rising(offset: int, limit: int) -> tuple[int, int]:
    """FINDINGS8 H18's server: every page full, ``total = offset + 2 * limit``."""
    if offset > LAST_OFFSET:
        return offset, offset
    return offset + limit, offset + 2 * limit


def growing(offset: int, limit: int) -> tuple[int, int]:
    """34 records when the walk starts, 2 more for every 5 offsets it has advanced."""
    total = 34 + 2 * (offset // 5)
    return min(offset + limit, total), total


def record(i: int) -> dict[str, Any]:
    return {
        "id": f"m-{i:04d}",
        "name": f"m {i}",
        "cell_instance_id": "ci",
        "created_at": None,
        "updated_at": None,
    }


def fetcher(
    server: Callable[[int, int], tuple[int, int]], offsets: list[int]
) -> Callable[[int, int], Page[Any]]:
    def fetch(offset: int, limit: int) -> Page[Any]:
        offsets.append(offset)
        end, total = server(offset, limit)
        return Page([record(i) for i in range(offset, end)], total, offset)

    return fetch


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


# ----------------------------------------------------------------------- the walk itself


def test_the_sync_walk_stops_past_twice_the_first_total(caplog: pytest.LogCaptureFixture) -> None:
    offsets: list[int] = []
    stats = WalkStats()
    got: list[str] = []
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(PaginationError) as info:
        for page in walk_pages(fetcher(rising, offsets), page_size=50, stats=stats):
            got += [r["id"] for r in page]
    assert (str(info.value), info.value.offset) == (RISING_ERROR, 250)
    assert messages(caplog) == [RISING_WARNING]
    assert got == [f"m-{i:04d}" for i in range(250)]
    assert offsets == [0, 50, 100, 150, 200, 250]
    assert (stats.records, stats.requests, stats.total) == (250, 6, 350)


async def test_the_async_walk_stops_the_same(caplog: pytest.LogCaptureFixture) -> None:
    offsets: list[int] = []

    async def fetch(offset: int, limit: int) -> Page[Any]:
        return fetcher(rising, offsets)(offset, limit)

    got: list[str] = []
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(PaginationError) as info:
        async for page in awalk_pages(fetch, page_size=50, prefetch=4):
            got += [r["id"] for r in page]
    assert (str(info.value), info.value.offset) == (RISING_ERROR, 250)
    assert messages(caplog) == [RISING_WARNING]
    assert len(got) == 250
    # The page at 250 is consumed with up to three after it planned (cancelled then; those
    # not started yet never reach the server).
    assert set(range(0, 300, 50)) <= set(offsets) <= set(range(0, 450, 50))


def test_the_long_form_names_the_first_totals_and_the_last(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # total = offset + 30 * limit: the first total 1500, the bound 3050, 61 totals since.
    def fetch(offset: int, limit: int) -> Page[Any]:
        end = offset if offset > LAST_OFFSET else offset + limit
        return Page([record(i) for i in range(offset, end)], offset + 30 * limit, offset)

    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(PaginationError) as info:
        for _ in walk_pages(fetch, page_size=50):
            pass
    assert str(info.value) == (
        "the server's total keeps rising as the walk reads: it reported 1500 on the first "
        "page, then 1550, 1600, 1650, ..., 4500, 4550 (61 totals), and 3050 records came; the "
        "page at offset 3050 ends at record 3100, past 3050 (twice the total at the start plus "
        "a page of 50): a collection growing as fast as it is read would never be read to its "
        "end; stopped (max_records, --limit, bounds a walk on purpose)"
    )
    assert messages(caplog) == [
        "the server's total rose from 1500 to 1600 during the walk (page at offset 100): "
        "records added while the walk reads them are read too, up to record 3050 (twice the "
        "total at the start plus a page of 50); past it the walk stops with an error"
    ]


@pytest.mark.parametrize(
    ("ahead", "named", "records"),
    [
        # 7 totals: the 6 after the first named in full.
        (125, "175, 225, 275, 325, 375, 425", 300),
        # 8 totals: three after the first, "...", the last two, and how many.
        (150, "200, 250, 300, ..., 450, 500 (7 totals)", 350),
    ],
)
def test_up_to_six_totals_after_the_first_are_named_in_full(
    ahead: int, named: str, records: int
) -> None:
    # total = offset + ahead, pages of 50: the bound 2 * ahead + 50 is reached at its 7th
    # (ahead 125) or 8th (ahead 150) page.
    def server(offset: int, limit: int) -> tuple[int, int]:
        return offset + limit, offset + ahead

    with pytest.raises(PaginationError) as info:
        for _ in walk_pages(fetcher(server, []), page_size=50):
            pass
    assert str(info.value) == (
        f"the server's total keeps rising as the walk reads: it reported {ahead} on the first "
        f"page, then {named}, and {records} records came; the page at offset {records} ends "
        f"at record {records + 50}, past {records} (twice the total at the start plus a page "
        "of 50): a collection growing as fast as it is read would never be read to its end; "
        "stopped (max_records, --limit, bounds a walk on purpose)"
    )


def test_a_total_repeated_on_several_pages_is_named_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The total rises by 100 every second page of 50: 100, 100, 200, 200, 300, 300.
    def server(offset: int, limit: int) -> tuple[int, int]:
        return offset + limit, 100 + 100 * (offset // 100)

    offsets: list[int] = []
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(PaginationError) as info:
        for _ in walk_pages(fetcher(server, offsets), page_size=50):
            pass
    assert str(info.value) == (
        "the server's total keeps rising as the walk reads: it reported 100 on the first "
        "page, then 200, 300, and 250 records came; the page at offset 250 ends at record 300, "
        "past 250 (twice the total at the start plus a page of 50): a collection growing as "
        "fast as it is read would never be read to its end; stopped (max_records, --limit, "
        "bounds a walk on purpose)"
    )
    assert messages(caplog) == [RISING_WARNING]
    assert offsets == [0, 50, 100, 150, 200, 250]


def test_max_records_ends_the_walk_before_the_bound() -> None:
    offsets: list[int] = []
    pages = list(walk_pages(fetcher(rising, offsets), page_size=50, max_records=300))
    assert sum(len(page) for page in pages) == 300
    assert offsets == [0, 50, 100, 150, 200, 250]


def test_a_growing_catalogue_is_read_to_its_end_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    offsets: list[int] = []
    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = [r["id"] for p in walk_pages(fetcher(growing, offsets), page_size=5, stats=stats)
               for r in p]  # fmt: skip
    assert got == [f"m-{i:04d}" for i in range(54)]
    assert offsets == list(range(0, 55, 5))
    assert (stats.records, stats.total, stats.total_mismatch) == (54, 54, False)
    assert messages(caplog) == [GROWING_WARNING]


@pytest.mark.parametrize("rise", [5, 1])
def test_a_rise_of_a_page_or_less_says_nothing(caplog: pytest.LogCaptureFixture, rise: int) -> None:
    # 34 records when the walk starts, ``rise`` more at its second page: within a page.
    def fetch(offset: int, limit: int) -> Page[Any]:
        total = 34 if offset == 0 else 34 + rise
        return Page([record(i) for i in range(offset, min(offset + limit, total))], total, offset)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert sum(len(page) for page in walk_pages(fetch, page_size=5)) == 34 + rise
    assert messages(caplog) == []


# ------------------------------------------------------------- end to end, on loopback


def serve(server: Callable[[int, int], tuple[int, int]], offsets: list[int]):
    def handle(exchange: Exchange) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(exchange.target).query).items()}
        offset, limit = int(query["offset"]), int(query["limit"])
        offsets.append(offset)
        end, total = server(offset, limit)
        items = [record(i) for i in range(offset, end)]
        body = {"items": items, "count": len(items), "total": total}
        exchange.respond(200, json.dumps(body).encode())

    return LoopbackServer(handle)


@pytest.fixture
def rising_server() -> Iterator[tuple[list[int], str]]:
    offsets: list[int] = []
    with serve(rising, offsets) as server:
        yield offsets, server.url


def test_the_cli_fails_and_keeps_the_previous_output(
    rising_server: tuple[list[int], str], runner: CliRunner
) -> None:
    offsets, url = rising_server
    Path("inf.jsonl").write_text("previous\n")
    result = run_cli(url, "--all", "--page-size", "50", "--sink", "inf.jsonl")
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [f"warning: {RISING_WARNING}", f"error: {RISING_ERROR}"]
    assert Path("inf.jsonl").read_text() == "previous\n"
    assert set(range(0, 300, 50)) <= set(offsets) <= set(range(0, 450, 50))


def test_the_python_export_raises_and_keeps_the_previous_output(
    rising_server: tuple[list[int], str], tmp_path: Path
) -> None:
    offsets, url = rising_server
    out = tmp_path / "inf.jsonl"
    out.write_text("previous\n")
    with toolkit(url) as tk, pytest.raises(PaginationError) as info:
        tk.export(PROJECT_ID, [f"jsonl:{out}"], page_size=50)
    assert (str(info.value), info.value.offset) == (RISING_ERROR, 250)
    assert out.read_text() == "previous\n"
    assert offsets == [0, 50, 100, 150, 200, 250]


async def test_the_async_iterator_raises_after_the_records_before_the_bound(
    rising_server: tuple[list[int], str],
) -> None:
    _, url = rising_server
    got: list[str] = []
    async with AsyncToolkit(api_url=url, api_key="k", max_retries=0) as tk:
        with pytest.raises(PaginationError) as info:
            async for measurement in tk.iter_measurements_by_project(PROJECT_ID, page_size=50):
                got.append(measurement.id)
    assert str(info.value) == RISING_ERROR
    assert got == [f"m-{i:04d}" for i in range(250)]


def test_the_cli_exports_a_growing_catalogue_with_the_warning(runner: CliRunner) -> None:
    offsets: list[int] = []
    with serve(growing, offsets) as server:
        result = run_cli(server.url, "--all", "--page-size", "5", "--sink", "g.jsonl")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"warning: {GROWING_WARNING}",
        "wrote 54 records to jsonl:g.jsonl",
    ]
    lines = Path("g.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"m-{i:04d}" for i in range(54)]
