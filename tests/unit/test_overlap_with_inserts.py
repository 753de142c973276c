"""FINDINGS8 H11 and H4: pages that overlap while the total rises, and the advice naming the sort.

A server on loopback holds the 34 NASA PCoE measurements, every ``start_time`` null (ties), and
orders tied rows differently per request, as ``ORDER BY start_time LIMIT/OFFSET`` without a
tiebreak may: the page at offset ``o`` is cut from the list rotated by ``turn * o`` records
(``turn`` 1 unless a test sets it; the first page from the list as it is). With ``insert``
set, a measurement ``m-new`` created once the first page has gone stands at the head of every
later answer, whose total is then 35 (a cycler creating a measurement during a nightly
export).

H11: the total's rise of 1 explains one record sent again, not eleven: more copies than the
rise explains, with fewer unique records than the last total, is an incomplete walk, a
PaginationError as for an unchanged total (exit 5, the previous output kept, no incremental
mark). Without a total, copies on later pages get a warning that records may be missing and
``WalkStats.incomplete``. H4: the error's advice names the preset that chose the sort.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from ionworks_toolkit import AsyncToolkit, PaginationError, WalkStats
from ionworks_toolkit.pagination import Page, PageRequest, PageWalk, SortOrder, walk_pages
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID, run_cli, toolkit

N = 34


def measurement(key: str) -> dict[str, Any]:
    return {
        "id": key,
        "name": f"measurement {key}",
        "cell_instance_id": "ci",
        "measurement_type": "time_series",
        "start_time": None,
        "created_at": "2024-01-01T07:45:00Z",
        "updated_at": "2024-01-01T07:45:00Z",
    }


class TiedRows:
    """The by-project list over ``N`` measurements tied on ``start_time`` (see the module
    docstring): ``insert`` adds ``m-new`` after the first page; ``omit_total`` leaves the
    total out; ``stable`` keeps one order for every request."""

    def __init__(self) -> None:
        self.turn = 1
        self.insert = False
        self.omit_total = False
        self.stable = False
        self.queries: list[dict[str, str]] = []

    def handle(self, exchange: Exchange) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(exchange.target).query).items()}
        self.queries.append(query)
        offset, limit = int(query["offset"]), int(query["limit"])
        keys = [f"m-{i:02d}" for i in range(N)]
        if not self.stable and keys:
            turn = (self.turn * offset) % len(keys)
            keys = keys[turn:] + keys[:turn]
        if self.insert and offset > 0:
            keys = ["m-new", *keys]
        items = [measurement(key) for key in keys[offset : offset + limit]]
        body: dict[str, Any] = {"items": items, "count": len(items)}
        if not self.omit_total:
            body["total"] = len(keys)
        exchange.respond(200, json.dumps(body).encode())


@pytest.fixture
def tied() -> Iterator[tuple[TiedRows, str]]:
    state = TiedRows()
    with LoopbackServer(state.handle) as server:
        yield state, server.url


#: The walk of the pages at 0, 10, 20 and 30 (rotated by 0, 10, 20 and 30 records, the later
#: ones behind m-new): m-00..m-09, m-19..m-28, then m-05..m-14 (5 again), then m-25..m-29 (4
#: again): 26 unique records, 9 sent again; m-15..m-18, m-30..m-33 and m-new never come.
PRESET_ADVICE = (
    "the preset cycling-oldest-first sorts on start_time (order_by), which likely has ties "
    "(null for many measurements), so the server's order between pages is not stable (the "
    "API takes one order_by key, with no tiebreak); order by a unique key such as created_at "
    "(the default): an explicit order_by (--order-by created_at) wins over the preset; or ask "
    "for pages of at least 35 records (--page-size 35), so one page holds them all"
)
H11_MESSAGE = (
    "the pages overlapped: 9 record(s) came again on a later page while the server's total "
    "rose by only 1 during the walk (34 to 35; an insert explains one record sent again), so "
    f"26 of 35 records came (9 missing): {PRESET_ADVICE}; stopped at the page at offset 30"
)


def test_the_preset_walk_with_an_insert_fails_and_keeps_the_previous_output(
    tied: tuple[TiedRows, str], runner: CliRunner
) -> None:
    # FINDINGS8 H11's reproduction: before, "wrote 24 records", exit 0, 34 lines replaced.
    state, url = tied
    state.stable = True
    first = run_cli(url, "--all", "--page-size", "10", "--sink", "ri.jsonl")
    assert (first.exit_code, first.stderr) == (0, "wrote 34 records to jsonl:ri.jsonl\n")
    before = Path("ri.jsonl").read_bytes()
    state.stable, state.insert = False, True
    state.queries.clear()
    result = run_cli(
        url,
        "--all",
        "--page-size",
        "10",
        "--preset",
        "cycling-oldest-first",
        "--sink",
        "ri.jsonl",
    )
    assert (result.exit_code, result.stderr.splitlines()) == (5, [f"error: {H11_MESSAGE}"])
    assert Path("ri.jsonl").read_bytes() == before
    assert [q["order_by"] for q in state.queries] == ["start_time"] * 4


def test_the_python_export_frames_and_iterator_raise(
    tied: tuple[TiedRows, str], tmp_path: Path
) -> None:
    state, url = tied
    state.insert = True
    out = tmp_path / "ri2.jsonl"
    with toolkit(url) as tk, pytest.raises(PaginationError) as caught:
        tk.export(PROJECT_ID, [str(out)], page_size=10, presets=["cycling-oldest-first"])
    assert (str(caught.value), caught.value.offset) == (H11_MESSAGE, 30)
    assert not out.exists()
    with toolkit(url) as tk, pytest.raises(PaginationError) as caught:
        tk.to_arrow(PROJECT_ID, page_size=10, presets=["cycling-oldest-first"])
    assert str(caught.value) == H11_MESSAGE
    got: list[str] = []
    with toolkit(url) as tk, pytest.raises(PaginationError) as caught:
        for item in tk.iter_measurements_by_project(
            PROJECT_ID, page_size=10, presets=["cycling-oldest-first"]
        ):
            got.append(item.id)
    assert str(caught.value) == H11_MESSAGE
    assert len(got) == 25  # the pages before the last one (m-29 came on it)


async def test_the_async_export_raises(tied: tuple[TiedRows, str], tmp_path: Path) -> None:
    state, url = tied
    state.insert = True
    out = tmp_path / "a.jsonl"
    async with AsyncToolkit(api_url=url, api_key="k", max_retries=0) as tk:
        with pytest.raises(PaginationError) as caught:
            await tk.export(PROJECT_ID, [str(out)], page_size=10, presets=["cycling-oldest-first"])
    assert (str(caught.value), caught.value.offset) == (H11_MESSAGE, 30)
    assert not out.exists()


def test_an_incremental_run_fails_and_stores_no_mark(
    tied: tuple[TiedRows, str], runner: CliRunner
) -> None:
    # Before: "24 records came back of the server's total 35 ... its mark is not moved", rc 0.
    state, url = tied
    state.insert = True
    result = run_cli(
        url,
        "--incremental",
        "--page-size",
        "10",
        "--preset",
        "cycling-oldest-first",
        "--sink",
        "sqlite:m.db",
    )
    assert (result.exit_code, result.stderr.splitlines()) == (5, [f"error: {H11_MESSAGE}"])
    assert not Path("m.db").exists()


def test_a_last_page_of_copies_is_an_overlap_not_a_server_ignoring_offset(
    tied: tuple[TiedRows, str], runner: CliRunner
) -> None:
    # FINDINGS8 H11: 1 run in 5 said "the server is not advancing (is it ignoring offset?)".
    # Rotated by 7 records per offset the page at 30 is m-01..m-05 again.
    state, url = tied
    state.insert, state.turn = True, 7
    result = run_cli(
        url,
        "--incremental",
        "--page-size",
        "10",
        "--preset",
        "cycling-oldest-first",
        "--sink",
        "sqlite:m.db",
    )
    assert (result.exit_code, result.stderr.splitlines()) == (
        5,
        [
            "error: the pages overlapped: the page at offset 30 holds only records already "
            "seen (5 of them, after 3 pages with new ones: the server does advance), and 30 "
            f"of 35 records came before it: {PRESET_ADVICE}; stopped at the page at offset 30"
        ],
    )


def test_an_explicit_order_by_is_named_as_the_sort_key(
    tied: tuple[TiedRows, str], runner: CliRunner
) -> None:
    state, url = tied
    state.insert = True
    result = run_cli(
        url, "--all", "--page-size", "10", "--order-by", "start_time", "--sink", "a.jsonl"
    )
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "error: the pages overlapped: 9 record(s) came again on a later page while the "
        "server's total rose by only 1 during the walk (34 to 35; an insert explains one "
        "record sent again), so 26 of 35 records came (9 missing): the sort key start_time "
        "(order_by) likely has ties (null for many measurements), so the server's order "
        "between pages is not stable (the API takes one order_by key, with no tiebreak); "
        "order by a unique key such as created_at (the default); or ask for pages of at "
        "least 35 records (--page-size 35), so one page holds them all; stopped at the page "
        "at offset 30"
    ]


def test_an_explicit_order_by_after_the_preset_wins_and_is_not_the_preset_s(
    tied: tuple[TiedRows, str], runner: CliRunner
) -> None:
    state, url = tied
    result = run_cli(
        url,
        "--all",
        "--page-size",
        "10",
        "--preset",
        "cycling-oldest-first",
        "--order-by",
        "name",
    )
    assert result.exit_code == 5
    assert "the sort key name (order_by) likely has ties, so" in result.stderr
    assert "preset" not in result.stderr
    assert {q["order_by"] for q in state.queries} == {"name"}


def test_the_insert_alone_is_explained_by_the_rise(
    tied: tuple[TiedRows, str], runner: CliRunner
) -> None:
    # One insert, a stable order: one record sent again, explained; m-new is not reached.
    state, url = tied
    state.stable = state.insert = True
    result = run_cli(url, "--all", "--page-size", "10", "--sink", "a.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "wrote 34 records to jsonl:a.jsonl",
        "skipped 1 duplicate record(s) (the data changed during the walk)",
    ]


def test_without_a_total_copies_warn_that_records_may_be_missing(
    tied: tuple[TiedRows, str], runner: CliRunner
) -> None:
    # The same walk without a total: nothing to count against, but the copies are proof
    # records moved between pages; before: "(the data changed during the walk)" alone.
    state, url = tied
    state.omit_total, state.turn = True, 2
    result = run_cli(url, "--all", "--page-size", "10", "--order-by", "start_time")
    assert result.exit_code == 7, result.output  # published, but records may be missing
    assert len(result.stdout.splitlines()) == 22
    assert result.stderr.splitlines() == [
        "warning: 12 record(s) came again on a later page and the server sends no total to "
        "count the walk against: records moved between pages during the walk (inserts, or an "
        "unstable order of ties in the sort key), so some may be missing from these 22 "
        "records; run it again to be sure; the sort key start_time (order_by) likely has ties "
        "(null for many measurements), so the server's order between pages is not stable "
        "(the API takes one order_by key, with no tiebreak); order by a unique key such as "
        "created_at (the default)",
        "wrote 22 records to jsonl:-",
        "skipped 12 duplicate record(s) (records came again on later pages: see the warning)",
        "may be incomplete: 12 record(s) came back on two pages (records moved to later "
        "offsets: inserted or re-ordered), so records may be missing; run it again to be sure",
    ]


def test_without_a_total_python_sees_the_walk_incomplete(
    tied: tuple[TiedRows, str], caplog: pytest.LogCaptureFixture
) -> None:
    state, url = tied
    state.omit_total, state.turn = True, 2
    stats = WalkStats()
    with toolkit(url) as tk, caplog.at_level(logging.WARNING, logger="ionworks_toolkit"):
        got = list(tk.iter_measurements_by_project(PROJECT_ID, page_size=10, stats=stats))
    assert (len(got), stats.records, stats.duplicates, stats.total) == (22, 22, 12, None)
    assert stats.incomplete == (
        "12 record(s) came back on two pages (records moved to later offsets: inserted or "
        "re-ordered)"
    )
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("12 record(s) came again on a later page")


# ----------------------------------------------------------------------------- the walk's rule


def pages_of(pages: dict[int, list[str]], totals: dict[int, int | None]) -> Any:
    def fetch(offset: int, limit: int) -> Page[dict[str, str]]:
        items = [{"id": key} for key in pages.get(offset, [])[:limit]]
        return Page(items, totals[offset], offset)

    return fetch


def walk(fetch: Any, **kwargs: Any) -> tuple[list[str], WalkStats]:
    stats = WalkStats()
    ids = [r["id"] for page in walk_pages(fetch, page_size=2, stats=stats, **kwargs) for r in page]
    return ids, stats


@pytest.mark.parametrize(
    ("totals", "moved"),
    [
        # Rose by 1, two copies: one unexplained.
        ({0: 4, 2: 5, 4: 5, 6: 5}, "the server's total rose by only 1 during the walk (4 to 5; "),
        # Fell and never rose: no insert explains a copy.
        ({0: 6, 2: 5, 4: 5, 6: 5}, "the server's total went from 6 to 5 and never rose"),
    ],
)
def test_copies_beyond_the_rise_of_the_total_raise(
    totals: dict[int, int], moved: str, caplog: pytest.LogCaptureFixture
) -> None:
    # "b" and "d" come again; "c" and "e" never come.
    pages = {0: ["a", "b"], 2: ["b", "d"], 4: ["d", "f"]}
    with pytest.raises(PaginationError) as caught:
        walk(pages_of(pages, totals))
    message = str(caught.value)
    assert message.startswith(
        f"the pages overlapped: 2 record(s) came again on a later page while {moved}"
    )
    assert ", so 4 of" in message
    assert message.endswith("stopped at the page at offset 6")


def test_copies_the_rises_explain_are_skipped() -> None:
    # Two rises of 1 (an insert each) explain two copies; nothing else is missing.
    pages = {0: ["a", "b"], 2: ["b", "c"], 4: ["c", "d"], 6: ["e"]}
    ids, stats = walk(pages_of(pages, {0: 4, 2: 5, 4: 6, 6: 6, 8: 6}))
    assert (ids, stats.records, stats.duplicates, stats.total) == (
        ["a", "b", "c", "d", "e"],
        5,
        2,
        6,
    )
    assert stats.incomplete is None


def test_a_walk_bringing_the_last_total_is_no_loss_whatever_the_copies() -> None:
    pages = {0: ["a", "b"], 2: ["b", "c"], 4: ["d", "e"]}
    ids, stats = walk(pages_of(pages, {0: 5, 2: 5, 4: 5, 6: 5}))
    assert (ids, stats.records, stats.duplicates) == (["a", "b", "c", "d", "e"], 5, 1)


def test_max_records_reached_is_not_judged_without_a_total(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pages = {0: ["a", "b"], 2: ["b", "d"], 4: ["e", "f"]}
    with caplog.at_level(logging.WARNING, logger="ionworks_toolkit"):
        ids, stats = walk(pages_of(pages, dict.fromkeys(range(0, 8, 2))), max_records=4)
    assert (ids, stats.incomplete, caplog.records) == (["a", "b", "d", "e"], None, [])


# ------------------------------------------------------------- a page made only of copies


def test_a_page_of_other_pages_copies_is_named_an_overlap_not_an_ignored_offset() -> None:
    # FINDINGS8 H11: the async walk said "the server is not advancing (is it ignoring
    # offset?)" for the last page of an unstable order holding only copies.
    walk_: PageWalk[Any] = PageWalk(
        page_size=2, order=SortOrder("start_time", "cycling-oldest-first")
    )
    for offset, keys in ((0, ["a", "b"]), (2, ["c", "d"])):
        walk_.plan()
        walk_.sent()
        walk_.receive(PageRequest(offset, 2), Page([{"id": k} for k in keys], 6, offset))
    walk_.plan()
    walk_.sent()
    with pytest.raises(PaginationError) as caught:
        walk_.receive(PageRequest(4, 2), Page([{"id": "d"}, {"id": "a"}], 6, 4))
    assert str(caught.value) == (
        "the pages overlapped: the page at offset 4 holds only records already seen (2 of "
        "them, after 2 pages with new ones: the server does advance), and 4 of 6 records came "
        "before it: the preset cycling-oldest-first sorts on start_time (order_by), which "
        "likely has ties (null for many measurements), so the server's order between pages is "
        "not stable (the API takes one order_by key, with no tiebreak); order by a unique key "
        "such as created_at (the default): an explicit order_by (--order-by created_at) wins "
        "over the preset; or ask for pages of at least 6 records (--page-size 6), so one page "
        "holds them all; stopped at the page at offset 4"
    )
    assert caught.value.offset == 4


def test_the_first_page_again_is_still_a_server_ignoring_offset() -> None:
    walk_: PageWalk[Any] = PageWalk(page_size=2)
    walk_.plan()
    walk_.sent()
    walk_.receive(PageRequest(0, 2), Page([{"id": "a"}, {"id": "b"}], None, 0))
    walk_.plan()
    walk_.sent()
    with pytest.raises(PaginationError) as caught:
        walk_.receive(PageRequest(2, 2), Page([{"id": "b"}, {"id": "a"}], None, 2))
    assert str(caught.value) == (
        "the page at offset 2 holds only records already seen (2 of them): the server is not "
        "advancing (is it ignoring offset?); stopped after 2 requests"
    )


@pytest.mark.parametrize(
    ("order", "total", "advice"),
    [
        (
            SortOrder("created_at"),
            20,
            "the sort key created_at (order_by) likely has ties (records created at the same "
            "instant, e.g. by one import), so the server's order between "
            "pages is not stable (the API takes one order_by key, with no tiebreak); order by a "
            "key unique in your data instead, such as name when names are unique (--order-by "
            "name); or ask for pages of at least 20 records (--page-size 20), so one page holds "
            "them all",
        ),
        (
            SortOrder("cycler", "by-cycler"),
            1001,
            "the preset by-cycler sorts on cycler (order_by), which likely has ties, so the "
            "server's order between pages is not stable (the API takes one order_by key, with "
            "no tiebreak); order by a unique key such as created_at (the default): an explicit "
            "order_by (--order-by created_at) wins over the preset",
        ),
    ],
)
def test_the_advice_fits_the_sort(order: SortOrder, total: int, advice: str) -> None:
    from ionworks_toolkit.pagination import unstable_order

    assert unstable_order(order, total) == advice
