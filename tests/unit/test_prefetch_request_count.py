"""``ExportResult.requests`` and ``WalkStats.requests`` count the page requests sent, prefetched
requests the walk cancelled before their answers came included (FINDINGS10 K8).

Before: ``AsyncToolkit.export(..., prefetch=8)`` counted only the requests whose answers the
walk took in: past a short page the walk cancels the requests prefetched beyond it, which had
reached the server (the transport finishes them in the background), and the result said 20
requests where the server had received 27. Now a request counts when the walk hands it to
the HTTP client; one planned but cancelled before it was handed over is not counted (it was
never sent).

The server below (127.0.0.1) makes the cancellation certain without timing: it answers the
short page at offset 100 only once the eight prefetched requests (100..800) have all arrived,
and the seven beyond it (200..800) only once the request at offset 150 has arrived, which the
walk sends after dropping them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ionworks_toolkit import AsyncToolkit, WalkStats
from ionworks_toolkit.pagination import Page, awalk_pages
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID

N = 1000
#: 0 alone; 100..800 prefetched (200..800 dropped after the short page at 100, their
#: answers still held); 150 alone; then 200..950 by 50 and 1000, the empty page that confirms
#: the end.
SENT = 1 + 8 + 1 + 16 + 1
#: What the walk took in: SENT less the seven requests cancelled before their answers came.
ANSWERED_BEFORE_THE_FIX = SENT - 7
WAIT = 30  # seconds a handler waits for requests that must come; never reached when it works


def record(i: int) -> dict[str, Any]:
    return {
        "id": f"m-{i}", "name": f"m {i}", "cell_instance_id": "ci",
        "created_at": None, "updated_at": None,
    }  # fmt: skip


class CancellingServer:
    """The by-project endpoint over ``N`` measurements, total ``N``, whose page at offset 100
    (limit 100) comes back short (50 records: a server capping that page), answered once the
    eight prefetched requests have arrived, while the full pages asked beyond it (offsets 200..
    800, limit 100) are held until the request at offset 150 arrives."""

    def __init__(self) -> None:
        self.arrived: list[tuple[int, int]] = []
        self.changed = threading.Condition()
        self.server = LoopbackServer(self.handle)

    def _wait_for(self, condition: Any) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, timeout=WAIT), self.arrived

    def handle(self, exchange: Exchange) -> None:
        query = parse_qs(urlsplit(exchange.target).query)
        offset, limit = int(query["offset"][0]), int(query["limit"][0])
        with self.changed:
            self.arrived.append((offset, limit))
            self.changed.notify_all()
        if (offset, limit) == (100, 100):
            self._wait_for(lambda: len(self.arrived) == 9)
            limit = 50
        elif limit == 100 and offset >= 200:
            self._wait_for(lambda: (150, 50) in self.arrived)
        items = [record(i) for i in range(offset, min(N, offset + limit))]
        body = {"items": items, "count": len(items), "total": N}
        exchange.respond(200, json.dumps(body).encode())


def toolkit(server: LoopbackServer, tmp_path: Path) -> AsyncToolkit:
    return AsyncToolkit(
        api_url=server.url, api_key="k", max_retries=0, load_entry_points=False,
        environ={}, working_dir=str(tmp_path),
    )  # fmt: skip


def expected_arrivals() -> list[tuple[int, int]]:
    return sorted(
        [(0, 100), *((o, 100) for o in range(100, 900, 100)), (150, 50)]
        + [(o, 50) for o in range(200, N + 1, 50)]
    )


def test_export_counts_prefetched_requests_cancelled_before_their_answers(
    tmp_path: Path,
) -> None:
    fake = CancellingServer()

    async def run() -> Any:
        async with toolkit(fake.server, tmp_path) as tk:
            return await tk.export(
                PROJECT_ID, [str(tmp_path / "m.jsonl")], page_size=100, prefetch=8
            )

    with fake.server:
        result = asyncio.run(run())
    assert fake.server.errors == []
    assert sorted(fake.arrived) == expected_arrivals()
    assert len(fake.server.requests) == SENT == 27
    assert (result.records, result.duplicates, result.total) == (N, 0, N)
    assert result.requests == SENT
    assert ANSWERED_BEFORE_THE_FIX == 20  # what it said before
    assert len((tmp_path / "m.jsonl").read_text().splitlines()) == N


def test_walk_stats_count_prefetched_requests_cancelled_before_their_answers(
    tmp_path: Path,
) -> None:
    fake = CancellingServer()
    stats = WalkStats()

    async def run() -> list[str]:
        async with toolkit(fake.server, tmp_path) as tk:
            return [
                m.id
                async for m in tk.iter_measurements_by_project(
                    PROJECT_ID, page_size=100, prefetch=8, stats=stats
                )
            ]

    with fake.server:
        ids = asyncio.run(run())
    assert fake.server.errors == []
    assert ids == [f"m-{i}" for i in range(N)]
    assert sorted(fake.arrived) == expected_arrivals()
    assert len(fake.server.requests) == SENT
    assert stats == WalkStats(records=N, pages=19, requests=SENT, duplicates=0, total=N)


def test_requests_cancelled_before_they_were_handed_over_are_not_counted() -> None:
    """Closed after the first page, the walk cancels the eight requests it had just planned
    before their tasks began: ``fetch`` never ran for them, and they are not counted."""
    calls: list[tuple[int, int]] = []

    async def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        calls.append((offset, limit))
        items = [{"id": f"m-{i}"} for i in range(offset, min(N, offset + limit))]
        return Page(items, N, offset)

    async def run() -> WalkStats:
        stats = WalkStats()
        walk = awalk_pages(fetch, page_size=100, prefetch=8, stats=stats)
        async with contextlib.aclosing(walk) as pages:
            async for page in pages:
                assert len(page) == 100
                break
        return stats

    stats = asyncio.run(run())
    assert calls == [(0, 100)]
    assert stats.requests == 1
