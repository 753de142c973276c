"""The async walk parses each page when it takes it (``awalk_pages(parse=...)``): in offset
order, right before the walk plans its next requests.
(Parsing in each request's task made the walk wait for the parses of every page that had
arrived meanwhile before it sent the next request: at 200 ms of latency, one or two requests
in flight instead of ``prefetch``.)"""

from __future__ import annotations

import asyncio
from typing import Any

from ionworks_toolkit.pagination import Page, awalk_pages


def test_pages_are_parsed_in_offset_order_when_the_walk_takes_them() -> None:
    """25 records, pages of 10, prefetch 4: the later answers arrive in reverse order; the
    walk parses 0, 10, 20 in that order, each when it takes it."""
    events: list[str] = []

    async def fetch(offset: int, limit: int) -> Any:
        events.append(f"send {offset}")
        if offset:  # later pages answer in reverse order of their offsets
            await asyncio.sleep(0.001 * (100 - offset))
        return ("answer", offset, limit)

    def parse(answer: Any, offset: int) -> Page[dict[str, Any]]:
        _, sent_offset, _ = answer
        assert sent_offset == offset
        events.append(f"parse {offset}")
        items = [{"id": f"m{i}"} for i in range(offset, min(offset + 10, 25))]
        return Page(items, 25, offset)

    async def walk() -> list[int]:
        got = []
        async for records in awalk_pages(fetch, page_size=10, prefetch=4, parse=parse):
            got.append(len(records))
        return got

    assert asyncio.run(walk()) == [10, 10, 5]
    assert [e for e in events if e.startswith("parse")] == ["parse 0", "parse 10", "parse 20"]
    # the first page goes alone; 20 answers before 10, and is parsed after it
    assert events == ["send 0", "parse 0", "send 10", "send 20", "parse 10", "parse 20"]


def test_a_page_given_as_a_page_is_not_parsed_again() -> None:
    """``fetch`` may answer with a Page itself (the first page a project lookup already
    received): it is taken as it is."""
    parsed: list[int] = []

    async def fetch(offset: int, limit: int) -> Any:
        if offset == 0:
            return Page([{"id": "a"}, {"id": "b"}], 3, 0)
        return ("answer", offset)

    def parse(answer: Any, offset: int) -> Page[dict[str, Any]]:
        parsed.append(offset)
        return Page([{"id": "c"}], 3, offset)

    async def walk() -> list[list[dict[str, Any]]]:
        return [list(r) async for r in awalk_pages(fetch, page_size=2, prefetch=2, parse=parse)]

    assert asyncio.run(walk()) == [[{"id": "a"}, {"id": "b"}], [{"id": "c"}]]
    assert parsed == [2]
