"""Paging rules the ``pagination`` mutation group's survivors showed untested, checked on the
walk's behaviour (pages in, records and warnings out), never on its internals: ids repeated
inside a page counted over the whole walk and named in full up to three.

Each test was checked against its mutants planted by hand (TESTING.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from ionworks_toolkit import WalkStats
from ionworks_toolkit.pagination import Page, walk_pages


def _walk(pages: dict[int, list[dict[str, Any]]], page_size: int) -> tuple[list[Any], WalkStats]:
    stats = WalkStats()

    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        return Page(pages.get(offset, []), None, offset)

    records = [r for page in walk_pages(fetch, page_size=page_size, stats=stats) for r in page]
    return records, stats


def test_ids_repeated_in_two_pages_are_counted_over_the_walk_and_named_in_full(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pages = {
        0: [
            {"id": "a", "v": 1},
            {"id": "a", "v": 2},
            {"id": "b", "v": 1},
            {"id": "b", "v": 3},
            {"id": "c"},
            {"id": "c"},
        ],
        6: [{"id": "e"}, {"id": "e"}, {"id": "f"}, {"id": "g"}, {"id": "h"}, {"id": "i"}],
    }
    with caplog.at_level("WARNING", logger="ionworks_toolkit.http"):
        records, stats = _walk(pages, page_size=6)
    assert [(r["id"], r.get("v")) for r in records] == [
        ("a", 1),
        ("b", 1),
        ("c", None),
        ("e", None),
        ("f", None),
        ("g", None),
        ("h", None),
        ("i", None),
    ]
    assert (stats.records, stats.pages, stats.requests) == (8, 2, 3)
    assert (stats.duplicates, stats.repeated_in_page) == (4, 4)
    assert [r.getMessage() for r in caplog.records] == [
        "the server sent 3 ids ('a', 'b', 'c') more than once in one page (offset 0): the "
        "first copy of each is kept; the copies differ for 'a', 'b'",
        "the server sent id 'e' more than once in one page (offset 6): the first copy of each "
        "is kept",
    ]
