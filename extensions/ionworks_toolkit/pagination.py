"""Limit/offset paging, sync and async, over any list operation (DESIGN.md section 6).

A page is ``{items, count, total}`` or a bare list (``Page.total`` is then None). Rules:

- the walk ends at an empty page, or at a short page (fewer items than asked for) once the
  server's ``total`` is reached or when it gives none. A short page *below* ``total`` is a
  server capping its page size (the vendor's client notes routes capped at 100): the walk goes
  on from where that page ended, so nothing is lost;
- ``total`` feeds progress and bounds the prefetch; when it is reached on a *full* page, one
  more request confirms the end, so a server whose ``total`` is too low loses nothing, and one
  whose ``total`` is too high costs one empty page;
- ``max_records`` is enforced here too: a server that sends more than ``limit`` items never
  makes the walk yield more than asked;
- records are de-duplicated by ``id`` across pages (an insert during the walk shifts offsets);
  skipped duplicates are counted in ``WalkStats.duplicates``;
- a page made only of ids already seen (a server ignoring ``offset``) raises PaginationError
  naming the offset, at the second request at the latest: the walk never loops;
- the async walk prefetches at most ``prefetch`` pages at once (default 4) and yields pages
  in offset order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from .constants import DEFAULT_PREFETCH, MAX_PAGE_SIZE
from .errors import PaginationError

__all__ = ["MAX_PAGE_SIZE", "Page", "WalkStats", "awalk_pages", "walk_pages"]

T = TypeVar("T")


@attrs.define
class Page(Generic[T]):
    """One response of a list operation: its items, the server's ``total`` (or None), its offset."""

    items: Sequence[T]
    total: int | None
    offset: int


@attrs.define
class WalkStats:
    """Running figures of a walk: ``records`` yielded (unique), ``pages`` with new records,
    ``requests`` sent, ``duplicates`` skipped, ``total`` as last reported by the server."""

    records: int = 0
    pages: int = 0
    requests: int = 0
    duplicates: int = 0
    total: int | None = None

    @property
    def total_mismatch(self) -> bool:
        """True when a finished walk got a different number of records than the server's total."""
        return self.total is not None and self.total != self.records + self.duplicates


def record_id(item: Any) -> str | None:
    """The ``id`` of a generated model or a dict, else None (never deduplicated then)."""
    value = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    return None if value is None else str(value)


class _Deduper(Generic[T]):
    def __init__(self, stats: WalkStats) -> None:
        self.seen: set[str] = set()
        self.stats = stats

    def accept(self, page: Page[T], max_records: int | None = None) -> list[T]:
        """The page's new records (at most up to ``max_records`` in all); PaginationError when
        it holds nothing but seen ids."""
        fresh: list[T] = []
        for item in page.items:
            key = record_id(item)
            if key is not None and key in self.seen:
                continue
            if key is not None:
                self.seen.add(key)
            fresh.append(item)
        duplicates = len(page.items) - len(fresh)
        if page.items and not fresh:
            raise PaginationError(
                f"the page at offset {page.offset} holds only records already seen "
                f"({len(page.items)} of them): the server is not advancing (is it ignoring "
                f"offset?); stopped after {self.stats.requests} requests",
                offset=page.offset,
            )
        self.stats.duplicates += duplicates
        if max_records is not None:
            fresh = fresh[: max(0, max_records - self.stats.records)]
        self.stats.records += len(fresh)
        self.stats.pages += 1
        return fresh


def _walk_continues(page_length: int, limit: int, next_offset: int, total: int | None) -> bool:
    """Whether a walk goes on after a page of ``page_length`` items asked with ``limit``."""
    if page_length == 0:
        return False
    if total is not None and next_offset < total:
        return True  # the server says more exist: a short page is its page-size cap
    return page_length >= limit  # a full page past (or without) total: confirm the end


def _limit_for(offset_records: int, page_size: int, max_records: int | None) -> int:
    if max_records is None:
        return page_size
    return max(0, min(page_size, max_records - offset_records))


def walk_pages(
    fetch: Callable[[int, int], Page[T]],
    *,
    page_size: int = MAX_PAGE_SIZE,
    max_records: int | None = None,
    stats: WalkStats | None = None,
) -> Iterator[list[T]]:
    """Yield the new records of each page, calling ``fetch(offset, limit)`` sequentially.

    ``page_size``: 1..1000. ``max_records``: stop after this many unique records (None: all).
    ``stats`` is updated in place as pages arrive. Raises PaginationError (see module docs) and
    whatever ``fetch`` raises.
    """
    stats = stats if stats is not None else WalkStats()
    dedupe: _Deduper[T] = _Deduper(stats)
    offset = 0
    while True:
        limit = _limit_for(stats.records, page_size, max_records)
        if limit == 0:
            return
        page = fetch(offset, limit)
        stats.requests += 1
        if page.total is not None:
            stats.total = page.total
        if not page.items:
            return
        fresh = dedupe.accept(page, max_records)
        yield fresh
        offset += len(page.items)
        if not _walk_continues(len(page.items), limit, offset, stats.total):
            return


async def awalk_pages(
    fetch: Callable[[int, int], Awaitable[Page[T]]],
    *,
    page_size: int = MAX_PAGE_SIZE,
    max_records: int | None = None,
    prefetch: int = DEFAULT_PREFETCH,
    stats: WalkStats | None = None,
) -> AsyncIterator[list[T]]:
    """Async ``walk_pages`` with up to ``prefetch`` requests in flight, yielding in offset order.

    The first two pages are fetched one at a time (the first tells ``total``, the second proves
    the server advances); later offsets are scheduled assuming
    full pages, never beyond ``total`` (plus one confirming request) or ``max_records``. When a
    page comes back short or empty, requests still in flight are cancelled.
    """
    if prefetch < 1:
        raise ValueError("prefetch must be at least 1")
    stats = stats if stats is not None else WalkStats()
    dedupe: _Deduper[T] = _Deduper(stats)
    pending: deque[tuple[int, int, asyncio.Task[Page[T]]]] = deque()
    abandoned: list[asyncio.Task[Page[T]]] = []
    next_offset = 0
    effective_page_size = page_size
    sequential_until_pages = 2  # the first two pages go one at a time
    finished = False

    async def counted(offset: int, limit: int) -> Page[T]:
        # Count every answered request, prefetched ones included (even when their page is
        # discarded), so that ``stats.requests`` is what the server saw, as in the sync walk.
        page = await fetch(offset, limit)
        stats.requests += 1
        return page

    def schedule(offset: int, limit: int) -> None:
        pending.append((offset, limit, asyncio.ensure_future(counted(offset, limit))))

    def want_more(offset: int) -> int:
        """The limit for a request at ``offset``, or 0 when none should be scheduled."""
        if finished:
            return 0
        if max_records is not None:
            if stats.records >= max_records:
                return 0
            if offset >= max_records and pending:
                return 0  # topping up after duplicates: one request at a time
        if stats.total is not None and offset >= stats.total and pending:
            return 0  # beyond the reported total: only the one confirming request, sequentially
        if max_records is not None:
            wanted = max(max_records - offset, max_records - stats.records)
            return min(effective_page_size, wanted)
        return effective_page_size

    try:
        schedule(0, _limit_for(0, page_size, max_records))
        next_offset = page_size
        while pending:
            offset, limit, task = pending.popleft()
            page = await task
            if page.total is not None:
                stats.total = page.total
            if not page.items:
                finished = True
                return
            fresh = dedupe.accept(page, max_records)
            end = offset + len(page.items)
            if not _walk_continues(len(page.items), limit, end, stats.total) or (
                max_records is not None and stats.records >= max_records
            ):
                finished = True
            yield fresh
            if finished:
                return
            if len(page.items) < limit:
                # Short page below total: the server caps its page size. Requests already in
                # flight assumed full pages; drop them and go on from where this page ended.
                abandoned.extend(t for _, _, t in pending)
                for _, _, stale in pending:
                    stale.cancel()
                pending.clear()
                effective_page_size = len(page.items)
                next_offset = end
                # ...one request at a time until the next page shows whether more exist (a
                # short page below a lying total may as well be the end).
                sequential_until_pages = stats.pages + 1
            # The second page alone: it proves the server advances (a server ignoring offset
            # fails after 2 requests), then up to ``prefetch`` in flight.
            window = 1 if stats.pages < sequential_until_pages else prefetch
            while len(pending) < window:
                limit_next = want_more(next_offset)
                if limit_next == 0:
                    break
                schedule(next_offset, limit_next)
                next_offset += limit_next
    finally:
        for _, _, task in pending:
            task.cancel()
        for task in [*abandoned, *(t for _, _, t in pending)]:
            with contextlib.suppress(BaseException):  # cancelled or failed prefetch: not needed
                await task
