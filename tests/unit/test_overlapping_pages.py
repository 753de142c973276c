"""FINDINGS7 G25: pages that overlap (an unstable order of tied rows) fail the walk.

``ORDER BY start_time LIMIT 10 OFFSET 10`` over tied rows (``start_time`` is null for all 34
NASA PCoE measurements) may send rows again and skip others. A walk that ends with the
server's total unchanged on every page, records skipped as already seen on an earlier page,
and fewer unique records than the total (``max_records`` not reached) has lost records: a
PaginationError (exit 5), nothing published, no incremental mark. A total that rises (inserts
during the walk) or records sent twice in one page are not an overlap.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ionworks_toolkit import AsyncToolkit, PaginationError, WalkStats
from ionworks_toolkit.incremental import STATE_TABLE
from ionworks_toolkit.pagination import Page, awalk_pages, walk_pages
from test_empty_page_gap import PROJECT_ID, Catalogue, catalogue, run_cli, stamp, toolkit

__all__ = ["catalogue"]  # the fixture, imported for these tests

#: The page at offset 10 starts 5 records early (m-05..m-14): m-15..m-19 never come. No
#: order_by is sent: the advice names the spec's default key (FINDINGS8 H19).
OVERLAP_MESSAGE = (
    "the pages overlapped: 5 record(s) came again on a later page while the server's total "
    "stayed 34, so 29 of 34 records came (5 missing): the default sort key created_at (no "
    "order_by given) likely has ties (records created at the same instant, e.g. by one "
    "import), so the server's order between pages is not stable (the API takes one order_by "
    "key, with no tiebreak); order by a key unique in your data instead, such as name when "
    "names are unique (--order-by name); or ask for pages of at least 34 records (--page-size "
    "34), so one page holds them all; stopped at the page at offset 30"
)


def test_the_cli_fails_on_overlapping_pages_and_keeps_the_previous_output(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    state, url = catalogue
    Path("a.jsonl").write_text("previous\n")
    state.back = {10: 5}
    result = run_cli(url, "--all", "--page-size", "10", "--sink", "a.jsonl")
    assert (result.exit_code, result.stderr.splitlines()) == (5, [f"error: {OVERLAP_MESSAGE}"])
    assert Path("a.jsonl").read_text() == "previous\n"


def test_the_python_export_and_iterator_raise_on_overlapping_pages(
    catalogue: tuple[Catalogue, str], tmp_path: Path
) -> None:
    state, url = catalogue
    state.back = {10: 5}
    out = tmp_path / "py.jsonl"
    with toolkit(url) as tk, pytest.raises(PaginationError) as caught:
        tk.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
    assert (str(caught.value), caught.value.offset) == (OVERLAP_MESSAGE, 30)
    assert not out.exists()
    got: list[str] = []
    with toolkit(url) as tk, pytest.raises(PaginationError) as caught:
        for measurement in tk.iter_measurements_by_project(PROJECT_ID, page_size=10):
            got.append(measurement.id)
    assert str(caught.value) == OVERLAP_MESSAGE
    # The pages before the last one were yielded: m-00..m-14 and m-20..m-29.
    assert got == [f"m-{i:02d}" for i in [*range(15), *range(20, 30)]]


async def test_the_async_export_raises_on_overlapping_pages(
    catalogue: tuple[Catalogue, str], tmp_path: Path
) -> None:
    state, url = catalogue
    state.back = {10: 5}
    out = tmp_path / "a.jsonl"
    async with AsyncToolkit(api_url=url, api_key="k", max_retries=0) as tk:
        with pytest.raises(PaginationError) as caught:
            await tk.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
    assert (str(caught.value), caught.value.offset) == (OVERLAP_MESSAGE, 30)
    assert not out.exists()


def test_an_incremental_run_with_overlapping_pages_stores_no_mark(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    # FINDINGS7 G25: the first run stored its mark and the records the overlap hid never came.
    state, url = catalogue
    state.back = {10: 5}
    failed = run_cli(url, "--incremental", "--page-size", "10", "--sink", "sqlite:m.db")
    assert (failed.exit_code, failed.stderr.splitlines()) == (5, [f"error: {OVERLAP_MESSAGE}"])
    assert not Path("m.db").exists()
    state.back = {}
    state.queries.clear()
    healed = run_cli(url, "--incremental", "--page-size", "10", "--sink", "sqlite:m.db")
    assert healed.exit_code == 0, healed.output
    assert "updated_at_gt" not in state.queries[0]
    with sqlite3.connect("m.db") as conn:
        assert conn.execute("select count(*) from measurements").fetchone() == (34,)
        assert conn.execute(f"select mark from {STATE_TABLE}").fetchall() == [(stamp(0),)]


def test_a_rising_total_with_overlapping_pages_is_inserts_not_a_loss(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    # Inserts during the walk shift later records to higher offsets (the total rises): the
    # copies are skipped and the walk succeeds, as before.
    state, url = catalogue
    state.back = {10: 5}
    state.totals = [34, 39]
    result = run_cli(url, "--all", "--page-size", "10", "--sink", "a.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-2:] == [
        "wrote 29 records to jsonl:a.jsonl",
        "skipped 5 duplicate record(s) (the data changed during the walk)",
    ]


# ----------------------------------------------------------------------------- the walk's rule


def pages_of(pages: dict[int, list[str]], total: int | None) -> Any:
    def fetch(offset: int, limit: int) -> Page[dict[str, str]]:
        return Page([{"id": key} for key in pages.get(offset, [])], total, offset)

    return fetch


#: Pages of 2 over a total of 4: "b" comes again at offset 2, "c" never comes.
OVERLAPPING = {0: ["a", "b"], 2: ["b", "d"]}


def walk(fetch: Any, **kwargs: Any) -> tuple[list[str], WalkStats]:
    stats = WalkStats()
    ids = [r["id"] for page in walk_pages(fetch, page_size=2, stats=stats, **kwargs) for r in page]
    return ids, stats


async def awalk(fetch: Any, **kwargs: Any) -> tuple[list[str], WalkStats]:
    stats = WalkStats()

    async def afetch(offset: int, limit: int) -> Page[dict[str, str]]:
        return fetch(offset, limit)

    ids: list[str] = []
    async for page in awalk_pages(afetch, page_size=2, stats=stats, prefetch=3, **kwargs):
        ids.extend(r["id"] for r in page)
    return ids, stats


SMALL_MESSAGE = (
    "the pages overlapped: 1 record(s) came again on a later page while the server's total "
    "stayed 4, so 3 of 4 records came (1 missing): the sort key likely has ties (start_time "
    "is null for many measurements), so the server's order between pages is not stable; order "
    "by a unique key such as created_at (the default); stopped at the page at offset 4"
)


@pytest.mark.parametrize("max_records", [None, 4, 100])
def test_a_walk_ending_below_an_unchanged_total_after_overlaps_raises(
    max_records: int | None,
) -> None:
    with pytest.raises(PaginationError) as caught:
        walk(pages_of(OVERLAPPING, 4), max_records=max_records)
    assert (str(caught.value), caught.value.offset) == (SMALL_MESSAGE, 4)


async def test_the_async_walk_raises_on_overlaps_too() -> None:
    with pytest.raises(PaginationError) as caught:
        await awalk(pages_of(OVERLAPPING, 4))
    assert (str(caught.value), caught.value.offset) == (SMALL_MESSAGE, 4)


def test_max_records_reached_explains_fewer_records_than_the_total() -> None:
    ids, stats = walk(pages_of(OVERLAPPING, 4), max_records=3)
    assert (ids, stats.records, stats.duplicates) == (["a", "b", "d"], 3, 1)


def test_overlaps_that_still_bring_the_total_are_no_loss() -> None:
    ids, stats = walk(pages_of({0: ["a", "b"], 2: ["b", "c"], 4: ["d"]}, 4))
    assert (ids, stats.records, stats.duplicates) == (["a", "b", "c", "d"], 4, 1)


def test_overlaps_without_a_total_are_not_judged() -> None:
    ids, stats = walk(pages_of(OVERLAPPING, None))
    assert (ids, stats.duplicates) == (["a", "b", "d"], 1)


def test_a_total_that_moved_explains_the_overlap() -> None:
    # The total rose from 4 to 5 at offset 2 (an insert shifted "b" there) and fell back.
    totals = {0: 4, 2: 5, 4: 4}
    pages = {0: ["a", "b"], 2: ["b", "d"]}

    def fetch(offset: int, limit: int) -> Page[dict[str, str]]:
        return Page([{"id": key} for key in pages.get(offset, [])], totals[offset], offset)

    ids, stats = walk(fetch)
    assert (ids, stats.records, stats.duplicates, stats.total) == (["a", "b", "d"], 3, 1, 4)


def test_an_id_sent_twice_in_one_page_is_not_an_overlap() -> None:
    ids, stats = walk(pages_of({0: ["a", "a"], 2: ["b", "c"]}, 4))
    assert (ids, stats.duplicates, stats.repeated_in_page) == (["a", "b", "c"], 1, 1)


def test_a_total_too_high_without_overlaps_is_not_an_overlap() -> None:
    ids, stats = walk(pages_of({0: ["a", "b"], 2: ["c"]}, 4))
    assert (ids, stats.records, stats.duplicates) == (["a", "b", "c"], 3, 0)
