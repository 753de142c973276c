"""FINDINGS9 J12: a measurements server that caps ``limit`` at a size that is not round (7)
and sends no ``total``.

Before: the first page (7 records for ``limit=1000``) was taken as the whole project: 7 of 234
written, exit 0, no warning (only round sizes, 10/25/100/powers of two, were asked past). Now
an ``{items, ...}`` envelope, whose schema has ``total``, that sends none is asked past
whatever its size; the walk goes on 7 at a time and ends at the short last page. A bare list
(``GET /projects``) keeps FINDINGS7 G31's rule: a short first page of an unround size ends it.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit.pagination import Page, PageWalk

PROJECT = "00000000-0000-0000-0000-000000000001"


class CappingServer:
    """``count`` measurements, at most ``cap`` a page, ``{items, count}`` with no total (or
    ``total: null``); keeps the (offset, limit) of every request."""

    def __init__(self, count: int, cap: int, *, null_total: bool = False) -> None:
        self.count, self.cap, self.null_total = count, cap, null_total
        self.calls: list[tuple[int, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        self.calls.append((offset, limit))
        items = [
            {
                "id": f"m-{i:03d}",
                "name": f"m {i}",
                "cell_instance_id": "ci",
                "created_at": None,
                "updated_at": None,
            }
            for i in range(offset, min(offset + min(limit, self.cap), self.count))
        ]
        body: dict[str, Any] = {"items": items, "count": len(items)}
        if self.null_total:
            body["total"] = None
        return httpx.Response(200, content=json.dumps(body).encode())


@pytest.mark.parametrize(("count", "cap"), [(234, 7), (231, 7), (30, 12), (5, 3)])
@pytest.mark.parametrize("null_total", [False, True])
def test_a_capped_page_without_total_is_asked_past(
    make_toolkit: Any, tmp_path: Path, count: int, cap: int, null_total: bool
) -> None:
    server = CappingServer(count, cap, null_total=null_total)
    toolkit = make_toolkit(server)
    result = toolkit.export(PROJECT, [str(tmp_path / "m.jsonl")])
    lines = (tmp_path / "m.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"m-{i:03d}" for i in range(count)]
    assert result.records == count
    # 1000 asked first, then the cap; the last page is short or, for an exact multiple of
    # the cap, empty.
    offsets = [*range(cap, count, cap), *([count] if count % cap == 0 else [])]
    assert server.calls == [(0, 1000), *((offset, cap) for offset in offsets)]


def test_a_short_project_without_total_costs_one_empty_page(
    make_toolkit: Any, tmp_path: Path
) -> None:
    # 5 records for limit 1000 and no total: the server may cap at 5, so offset 5 is asked
    # once; its empty page ends the walk.
    server = CappingServer(5, 1000)
    toolkit = make_toolkit(server)
    assert toolkit.export(PROJECT, [str(tmp_path / "m.jsonl")]).records == 5
    assert server.calls == [(0, 1000), (5, 5)]


def test_the_async_walk_asks_past_too(make_async_toolkit: Any, tmp_path: Path) -> None:
    server = CappingServer(234, 7)

    async def run() -> int:
        toolkit = make_async_toolkit(server)
        try:
            result = await toolkit.export(PROJECT, [str(tmp_path / "m.jsonl")], prefetch=4)
        finally:
            await toolkit.aclose()
        return result.records

    assert asyncio.run(run()) == 234
    assert len((tmp_path / "m.jsonl").read_text().splitlines()) == 234


@pytest.mark.parametrize(("envelope", "more"), [(True, True), (False, False)])
def test_a_bare_list_keeps_the_round_size_rule(envelope: bool, more: bool) -> None:
    # G31: a bare list's short first page of an unround size is the end; an envelope's is not.
    walk: PageWalk[dict[str, str]] = PageWalk(page_size=1000)
    (request,) = walk.plan()
    items = [{"id": f"00000000-0000-0000-0000-00000000000{i}"} for i in range(7)]
    outcome = walk.receive(request, Page(items, None, 0, envelope=envelope))
    assert outcome.done is (not more)
    assert [(r.offset, r.limit) for r in walk.plan()] == ([(7, 7)] if more else [])
