"""The past-total warning's figure, when the server's total rises afterwards (FINDINGS6 F13).

The named input: 68 records in pages of 17, the server reporting total 51 up to its page at
offset 51 and 68 from then on. The walk warned "the server reported total 51 but its page at
offset 51 ends at record 68 ..." and ended with ``WalkStats.total`` 68 (and the export's
``total``), the warning's 51 never corrected. Now one more warning says the total rose, and to
what; a rise without an earlier past-total warning (inserts during a walk) says nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from ionworks_toolkit import WalkStats
from ionworks_toolkit.pagination import Page, awalk_pages, walk_pages

LOGGER = "ionworks_toolkit.http"
RECORDS = [{"id": str(i)} for i in range(68)]
PAST_51 = (
    "the server reported total 51 but its page at offset 51 ends at record 68 and is full; "
    "going on to its first short page, and stopping with an error past record 119 (twice the "
    "total plus a page of 17)"
)
ROSE = (
    "the server's total rose from 51 to 68 during the walk (page at offset 68), after its "
    "page at offset 51 had gone past 51: 68 is the total it reports now"
)


def server(totals: Callable[[int], int]) -> tuple[list[int], Callable[[int, int], Page[Any]]]:
    offsets: list[int] = []

    def fetch(offset: int, limit: int) -> Page[Any]:
        offsets.append(offset)
        return Page(RECORDS[offset : offset + limit], totals(offset), offset)

    return offsets, fetch


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_a_total_rising_after_the_past_total_warning_is_noted_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    offsets, fetch = server(lambda offset: 51 if offset <= 51 else 68)
    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = [r["id"] for page in walk_pages(fetch, page_size=17, stats=stats) for r in page]
    assert got == [r["id"] for r in RECORDS]
    assert offsets == [0, 17, 34, 51, 68]
    assert (stats.records, stats.total, stats.total_mismatch) == (68, 68, False)
    assert messages(caplog) == [PAST_51, ROSE]


async def test_the_async_walk_notes_it_the_same(caplog: pytest.LogCaptureFixture) -> None:
    offsets, fetch = server(lambda offset: 51 if offset <= 51 else 68)

    async def afetch(offset: int, limit: int) -> Page[Any]:
        return fetch(offset, limit)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = [r async for page in awalk_pages(afetch, page_size=17, prefetch=4) for r in page]
    assert len(got) == 68
    assert sorted(offsets) == [0, 17, 34, 51, 68]
    assert messages(caplog) == [PAST_51, ROSE]


def test_only_the_first_rise_is_noted(caplog: pytest.LogCaptureFixture) -> None:
    # 51 to the page at 51, then 60, then 68: the note names the first new total.
    _, fetch = server(lambda offset: 51 if offset <= 51 else 60 if offset == 68 else 68)
    records = RECORDS + [{"id": str(i)} for i in range(68, 80)]

    def longer(offset: int, limit: int) -> Page[Any]:
        page = fetch(offset, limit)
        return Page(records[offset : offset + limit], page.total, offset)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        pages = list(walk_pages(longer, page_size=17))
    assert sum(len(page) for page in pages) == 80
    assert messages(caplog) == [
        PAST_51,
        "the server's total rose from 51 to 60 during the walk (page at offset 68), after its "
        "page at offset 51 had gone past 51: 60 is the total it reports now",
    ]


@pytest.mark.parametrize(
    "totals",
    [
        lambda offset: 51 if offset == 0 else 68,  # rises before any page went past it
        lambda offset: 68,
    ],
)
def test_a_rise_without_a_past_total_warning_says_nothing(
    caplog: pytest.LogCaptureFixture, totals: Callable[[int], int]
) -> None:
    _, fetch = server(totals)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert sum(len(page) for page in walk_pages(fetch, page_size=17)) == 68
    assert messages(caplog) == []


def test_a_total_that_stays_below_keeps_the_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    _, fetch = server(lambda offset: 51)
    stats = WalkStats()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert sum(len(page) for page in walk_pages(fetch, page_size=17, stats=stats)) == 68
    assert messages(caplog) == [PAST_51]
    assert (stats.total, stats.total_mismatch) == (51, True)
