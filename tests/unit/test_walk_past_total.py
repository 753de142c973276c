"""A server that keeps paging past its ``total``, or ignores ``limit`` (newcomer pass).

The named input: ``total`` 40 with new ids on every full page gave 235 requests and no warning
before the walk was killed; a server sending more items than ``limit`` was not flagged either.
The rule (pagination.py's docstring): one warning once a full page goes past the total, and a
PaginationError once a page ends beyond ``2 * total + page_size``; one warning per walk for a
page longer than asked. Every fake spends a request budget.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from ionworks_toolkit import PaginationError, WalkStats
from ionworks_toolkit.pagination import Page, PageRequest, PageWalk, awalk_pages, walk_pages
from request_budget import RequestBudget

LOGGER = "ionworks_toolkit.http"


class LyingServer:
    """New ids at every offset, forever: ``limit + extra`` items per page, reporting ``total``."""

    def __init__(self, total: int | None, *, extra: int = 0, n: int | None = None) -> None:
        self.total, self.extra, self.n = total, extra, n
        self.calls: list[tuple[int, int]] = []
        self.budget = RequestBudget(30)

    def page(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        self.calls.append((offset, limit))
        self.budget.spend()
        stop = offset + limit + self.extra
        if self.n is not None:
            stop = min(stop, self.n)
        return Page([{"id": i} for i in range(offset, stop)], self.total, offset)

    def fetch(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return self.page(offset, limit)

    async def afetch(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return self.page(offset, limit)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


PAST_40 = (
    "the server reported total 40 but its page at offset 40 ends at record 50 and is full; "
    "going on to its first short page, and stopping with an error past record 90 (twice the "
    "total plus a page of 10)"
)


def test_total_40_with_new_ids_on_every_full_page_stops_past_90(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = LyingServer(40)
    stats = WalkStats()
    got: list[int] = []
    with (
        caplog.at_level(logging.WARNING, logger=LOGGER),
        pytest.raises(PaginationError) as caught,
    ):
        for page in walk_pages(server.fetch, page_size=10, stats=stats):
            got.extend(r["id"] for r in page)
    assert str(caught.value) == (
        "the page at offset 90 ends at record 100, past 90 (twice the reported total 40 plus "
        "a page of 10): the server keeps sending records past its total; stopped after 10 "
        "requests"
    )
    assert caught.value.offset == 90
    assert got == list(range(90))  # the page ending exactly at 90 is still taken
    assert server.calls == [(offset, 10) for offset in range(0, 100, 10)]
    assert stats == WalkStats(records=90, pages=9, requests=10, duplicates=0, total=40)
    assert warnings_of(caplog) == [PAST_40]  # once, at the first full page past the total


async def test_the_async_walk_stops_the_same_server_at_the_same_page(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = LyingServer(40)
    got: list[int] = []
    with (
        caplog.at_level(logging.WARNING, logger=LOGGER),
        pytest.raises(PaginationError) as caught,
    ):
        async for page in awalk_pages(server.afetch, page_size=10, prefetch=4):
            got.extend(r["id"] for r in page)
    assert caught.value.offset == 90
    assert got == list(range(90))
    # Past the total the async walk sends one request at a time, as the sync one does.
    assert [offset for offset, _ in server.calls] == list(range(0, 100, 10))
    assert warnings_of(caplog) == [PAST_40]


def test_a_server_ignoring_limit_is_flagged_once_and_stopped_past_its_total(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = LyingServer(40, extra=5)  # 15 items for limit 10, new ids every time
    got: list[int] = []
    with (
        caplog.at_level(logging.WARNING, logger=LOGGER),
        pytest.raises(PaginationError) as caught,
    ):
        for page in walk_pages(server.fetch, page_size=10):
            got.extend(r["id"] for r in page)
    assert str(caught.value) == (
        "the page at offset 90 ends at record 105, past 90 (twice the reported total 40 plus "
        "a page of 10): the server keeps sending records past its total; stopped after 7 "
        "requests"
    )
    assert got == list(range(90))
    assert server.calls == [(offset, 10) for offset in (0, 15, 30, 45, 60, 75, 90)]
    assert warnings_of(caplog) == [
        "the server sent 15 records at offset 0 for limit 10 (it ignores limit); the walk goes "
        "on from where that page ended",
        "the server reported total 40 but its page at offset 30 ends at record 45 and is full; "
        "going on to its first short page, and stopping with an error past record 90 (twice the "
        "total plus a page of 10)",
    ]


def test_max_records_caps_a_server_ignoring_limit_at_one_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = LyingServer(40, extra=995)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pages = list(walk_pages(server.fetch, page_size=5, max_records=5))
    assert [[r["id"] for r in page] for page in pages] == [[0, 1, 2, 3, 4]]
    assert server.calls == [(0, 5)]
    assert warnings_of(caplog) == [
        "the server sent 1000 records at offset 0 for limit 5 (it ignores limit); the walk "
        "goes on from where that page ended",
    ]


def test_a_page_past_the_bound_that_completes_max_records_ends_the_walk() -> None:
    server = LyingServer(40, extra=990)  # 1000 items for limit 10: ends past 2 * 40 + 10
    pages = list(walk_pages(server.fetch, page_size=10, max_records=1000))
    assert [len(page) for page in pages] == [1000]
    assert server.calls == [(0, 10)]
    server = LyingServer(40, extra=990)
    with pytest.raises(PaginationError) as caught:
        list(walk_pages(server.fetch, page_size=10, max_records=1001))
    assert (caught.value.offset, server.calls) == (0, [(0, 10)])


def test_the_python_limit_is_never_exceeded_by_a_server_ignoring_it(
    make_toolkit, measurement
) -> None:
    budget = RequestBudget(5)

    def handler(request: httpx.Request) -> httpx.Response:
        budget.spend()
        offset = int(request.url.params["offset"])
        items = [measurement(i) for i in range(offset, offset + 50)]
        return httpx.Response(200, json={"items": items, "count": 50, "total": 40})

    toolkit = make_toolkit(handler)
    got = list(toolkit.iter_measurements_by_project(PROJECT, max_records=5, page_size=10))
    assert [m.id for m in got] == [f"m-{i}" for i in range(5)]
    assert budget.used == 1


PROJECT = "00000000-0000-0000-0000-000000abcdef"


def test_an_honest_walk_to_an_exact_total_warns_of_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = LyingServer(40, n=40)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = [r["id"] for page in walk_pages(server.fetch, page_size=10) for r in page]
    assert got == list(range(40))
    assert server.calls == [(offset, 10) for offset in range(0, 50, 10)]
    assert warnings_of(caplog) == []


def test_a_short_page_past_a_stale_total_ends_the_walk_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = LyingServer(40, n=45)  # five inserted after the count: a stale total
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = [r["id"] for page in walk_pages(server.fetch, page_size=10) for r in page]
    assert got == list(range(45))
    assert warnings_of(caplog) == []


def test_a_stale_total_twice_too_low_plus_a_page_still_loses_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 90 = 2 * 40 + 10 records: the last page ends exactly at the bound and is kept.
    server = LyingServer(40, n=90)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = [r["id"] for page in walk_pages(server.fetch, page_size=10) for r in page]
    assert got == list(range(90))
    assert warnings_of(caplog) == [PAST_40]


def test_the_bound_uses_the_walks_page_size_not_the_request_limit() -> None:
    # A capping server shrinks the request limit to 4; the bound stays 2 * 3 + 10 = 16.
    walk: PageWalk[Any] = PageWalk(page_size=10)
    assert walk.plan() == [PageRequest(0, 10)]
    walk.receive(PageRequest(0, 10), Page([{"id": i} for i in range(16)], 3, 0))
    assert walk.plan() == [PageRequest(16, 10)]
    with pytest.raises(PaginationError) as caught:
        walk.receive(PageRequest(16, 10), Page([{"id": 16}], 3, 16))
    assert str(caught.value).startswith(
        "the page at offset 16 ends at record 17, past 16 (twice the reported total 3 plus a "
        "page of 10)"
    )


def test_a_full_page_past_the_total_that_completes_max_records_warns_of_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # total 4, --limit 10: the walk ends with the first page; the CLI compares the counts.
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pages = list(walk_pages(LyingServer(4).fetch, page_size=10, max_records=10))
        assert [len(page) for page in pages] == [10]
        assert warnings_of(caplog) == []
        pages = list(walk_pages(LyingServer(4).fetch, page_size=10, max_records=11))
    assert [len(page) for page in pages] == [10, 1]
    assert warnings_of(caplog) == [
        "the server reported total 4 but its page at offset 0 ends at record 10 and is full; "
        "going on to its first short page, and stopping with an error past record 18 (twice "
        "the total plus a page of 10)"
    ]
