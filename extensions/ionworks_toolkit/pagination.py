"""Limit/offset paging over any list operation: the rules once, as an I/O-free state machine.

A page is ``{items, count, total}`` or a bare list (``Page.total`` is then None). ``PageWalk``
holds every rule; ``walk_pages`` (sync) and ``awalk_pages`` (async, with prefetch) only send the
requests it plans and feed it the pages, as httpx's ``Auth.auth_flow`` serves both clients.
The rules:

- the walk ends at an empty page, or at a short page (fewer items than asked for) once the
  server's ``total`` is reached. Without a usable ``total`` (a bare list such as
  ``GET /projects``) a short page ends the walk only when it asked for no more than a page
  the server has already sent held, or when its size is no plausible cap
  (:func:`plausible_cap`): a first page of a round size shorter than asked (100 of 1000)
  may be a server capping ``limit`` (FINDINGS6 F6: 100 of 2505 projects, no word), so the
  walk goes on from where it ended, asking that many per page, and a short or empty page
  then ends it (one request more than the collection needs when that page was really the
  end; a server ignoring ``offset`` that sends the same records again ends it too, with one
  warning). A first page of any other size shorter than asked (5 projects for 1000) is the
  ordinary end of the list: no further request, no warning (FINDINGS7 G31); but an envelope
  (``{items, ...}``, whose schema has a ``total``) that sends none is asked past whatever its
  size (FINDINGS9 J12: a server capping at 7 gave 7 of 234 records, no word). An empty page
  *below* ``total`` is asked for once more before anything new is planned (requests already
  in flight stay: their pages are still used): a page that came back empty by a glitch (a
  replica lagging, a cache) then loses nothing. Empty again, it is a *gap* if any record
  exists past it: the pages already in flight beyond it are checked, or, when none is, the
  next page (offset + limit) is probed once, alone. A gap raises PaginationError naming the
  offset, the total and how many records came (an export then publishes nothing and keeps the
  previous output; an incremental mark is not moved). Nothing past it: the ``total`` was too
  high (a stale count), the empty page is the true end, and the walk ends there with one
  warning. A short page *below* ``total`` is a server capping its page size (the vendor's
  client notes routes capped at 100): the walk goes on from where that page ended, asking
  that many per page, so nothing is lost;
- a page *longer* than asked for (a server ignoring ``limit``) is kept whole; the walk goes on
  from its offset plus the records in it new to the walk: a copy of a record (sent earlier in
  the page or on an earlier page) stands at no offset of its own, so counting it would skip a
  record (FINDINGS9 J1: 11 items for ``limit=10``, the page's first record twice, lost one
  record a page). Requests planned beyond a short page, or a long one not ending where they
  begin, are dropped (cancelled);
- ``total`` feeds progress and bounds the prefetch; when it is reached on a *full* page, one
  more request confirms the end, so a server whose ``total`` is too low loses nothing (within
  the bound below), and one whose ``total`` is too high costs the empty page asked again
  and one page past it (see above).
  A server that answers a request at or past its ``total`` with an error status instead of
  an empty page (404, 416 Range Not Satisfiable, 422: :data:`END_OF_COLLECTION_STATUSES`)
  ends the walk there as an empty page would; any other error is raised;
- a server that keeps paging past its ``total`` is stopped: once a full page goes past the
  reported ``total`` (the confirming request came back full) the walk logs one warning and goes
  on (a stale ``total`` loses nothing; a later page reporting a higher total gets one more
  warning giving it, so the figure quoted is not left standing), but a page ending beyond
  ``2 * total + page_size`` (records past the total outnumbering the total itself by more
  than a page) raises
  PaginationError naming the offset. Neither happens on a page that completes
  ``max_records`` (the walk ends there; the CLI compares total and records then): inserts
  during a walk explain a few records past a total, not that many, and a server sending new
  ids forever would never end;
- nor does a total that rises as the walk reads (FINDINGS8 H18: ``total = offset + 2 *
  limit``, new ids on every page, never ended): no walk reads past ``2 * first_total +
  page_size``, the total of its first page counting. A total more than a page above the first
  one logs one warning naming that bound (a catalogue growing while it is read is read to its
  end, records added meanwhile included); a page ending past the bound, the total having risen,
  raises PaginationError naming the first total, the totals since and the records read (again
  not on a page that completes ``max_records``): a collection that more than doubles during
  one walk is taken for a server fault;
- a page longer than asked for (a server ignoring ``limit``) logs one warning per walk;
  ``max_records`` is enforced here too: a server that sends more than ``limit`` items never
  makes the walk yield more than asked. Without a ``total`` a server ignoring ``limit`` is
  walked until its first short or empty page (or ``max_records``): only a repeating page or a
  reported total tells an endless server from a large collection;
- records are de-duplicated by ``id`` across pages (an insert during the walk shifts offsets),
  ids compared as the strings ``record_id`` gives (``SeenIds``: kept exactly, canonical UUIDs
  as 128-bit ints); skipped duplicates are counted in ``WalkStats.duplicates``;
- pages that overlap lose records (FINDINGS7 G25, FINDINGS8 H11): offset paging over a sort
  key with ties (``order_by=start_time``, null for many measurements) has no stable order
  between pages, so a page may send records again and skip others. An insert during the
  walk (the ``total`` rises by one) moves one record to the next page: it explains one copy.
  A walk that ends (without another error) with more records skipped as already seen on an
  earlier page (copies inside one page do not count) than the ``total`` rose by in all
  during the walk (its rises between pages summed; 0 when it stayed the same or fell), and
  fewer unique records than the last ``total`` (``max_records`` not reached), raises
  PaginationError naming the counts, the likely cause and the sort (``SortOrder``: the
  ``order_by`` sent and the preset that set it), as a gap does (an export publishes
  nothing, an incremental mark is not moved). Copies the rise explains are skipped; a total
  that falls warns and sets ``WalkStats.incomplete`` (above). Without a ``total`` nothing
  can be counted, but copies on later pages show that records moved during the walk (an
  unstable order, or inserts): one warning that records may be missing, and
  ``WalkStats.incomplete`` set;
- a walk ending with fewer unique records than its last ``total``, whose pages held copies of
  a record sent in the same page (``WalkStats.repeated_in_page``; copies may stand in place of
  records the server never sent), logs one warning counting the unique records and sets
  ``WalkStats.incomplete`` (not when ``max_records`` ended it, nor when already set);
- no endless walk: a page made only of ids already seen (a server ignoring ``offset``: the
  first page's ids again; ids from later pages too are an overlap, and the error says so),
  a page of records without ids identical to an earlier page, or records without ids at an
  offset a page past ``total`` raise PaginationError naming the offset, at the second page
  consumed at the latest for a server ignoring offset (the async walk may have sent up to
  ``prefetch`` requests after the first page by then; they are cancelled);
- the first page goes alone (it tells ``total``, which bounds the prefetch; without a total
  the second goes alone too, proving the server advances); then up to ``prefetch`` requests
  are in flight at once (async; the sync walk has one), planned as soon as a page is taken
  (before its records are yielded, so they travel while the caller writes them), and pages
  are consumed in offset order. The request confirming the end (at exactly ``total``, when
  the pages before it end there) travels with the prefetched pages before it; no other
  request past ``total`` is sent while others are in flight. A server ignoring offset is
  still caught at the second page consumed; the requests already in flight are cancelled
  then.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from ._codec import JsonReadyList
from .constants import DEFAULT_PREFETCH, MAX_PAGE_SIZE
from .errors import APIError, PaginationError

__all__ = [
    "END_OF_COLLECTION_STATUSES",
    "MAX_PAGE_SIZE",
    "Page",
    "PageOutcome",
    "PageRequest",
    "PageWalk",
    "SeenIds",
    "SortOrder",
    "WalkStats",
    "awalk_pages",
    "plausible_cap",
    "record_id",
    "walk_pages",
]

T = TypeVar("T")

#: The walk's warnings (an unusable ``total``) go where retries are logged: the CLI prints
#: this logger's lines on stderr.
logger = logging.getLogger("ionworks_toolkit.http")

#: How many ids a warning about ids repeated inside one page names at most.
MAX_NAMED_IDS = 3

#: Statuses some servers answer a request past the end of a collection with, instead of an
#: empty page: 404, 416 (Range Not Satisfiable), 422 (an offset validated against the total).
#: Taken as the end only for a request at or past the reported ``total`` (the module docstring).
END_OF_COLLECTION_STATUSES = frozenset({404, 416, 422})


@attrs.define
class Page(Generic[T]):
    """One response of a list operation: its items, the server's ``total`` (or None), its offset."""

    items: Sequence[T]
    total: int | None
    offset: int
    #: Why the ``total`` the server sent was unusable (``"'34' (a string)"``; ``total`` is
    #: then None), or None. See ``parsing.unusable_total``.
    total_problem: str | None = None
    #: True for an ``{items, ...}`` envelope (whose schema has ``total``), False for a bare
    #: list: without a total, a short envelope may be a capped page of any size (FINDINGS9 J12).
    envelope: bool = False


@attrs.define
class WalkStats:
    """Running figures of a walk: ``records`` yielded (unique), ``pages`` with new records,
    ``requests`` sent, ``duplicates`` skipped, ``total`` as last reported by the server.

    ``requests`` counts each page request the walk handed to ``fetch`` (the HTTP client), once,
    answered or not: a request that failed, a prefetched page the walk dropped, and one
    cancelled before its answer came (the async client's transport finishes a request it
    began even when its caller is cancelled, ``transport.CancelSafeTransport``, so the server
    sees it) all count. A request the walk planned but cancelled before handing it over (an
    early ``aclose()`` or an error while prefetched requests had not started) was never sent
    and is not counted. Retries of one request are not counted again (each is logged as a
    ``retry`` line). So ``requests`` is the walk's lines in the server's access log less its
    retries, except for a request that never got there: one that could not connect, one
    cancelled while it still waited for its credentials (an auth flow fetching a token), or
    one cut off by closing the toolkit before it was written (FINDINGS10 K8)."""

    records: int = 0
    pages: int = 0
    requests: int = 0
    duplicates: int = 0
    total: int | None = None
    #: The first unusable ``total`` the server sent (``"-5 (a negative number)"``), or None.
    total_problem: str | None = None
    #: Of ``duplicates``, the copies of an id the server sent more than once in ONE page (a
    #: server fault, not a change of the data during the walk).
    repeated_in_page: int = 0
    #: Why records may be missing from a walk that ended without an error, or None: the
    #: server's total fell during it (``"the server's total went from 34 to 33"``: records
    #: deleted meanwhile move later ones to lower offsets). An incremental export keeps its
    #: previous mark then (``bulk``), so the next run reads those records again.
    incomplete: str | None = None

    @property
    def total_mismatch(self) -> bool:
        """True when a finished walk got a different number of records than the server's
        total: unique records and copies from other pages (a record sent again on a later
        page stood at an offset), not copies sent in the same page (FINDINGS9 J1)."""
        sent = self.records + self.duplicates - self.repeated_in_page
        return self.total is not None and self.total != sent


@attrs.frozen
class SortOrder:
    """The order a walk's pages are cut from, named by its overlap error's advice (FINDINGS8
    H4): ``key``, the ``order_by`` value sent (``"start_time"``); ``preset``, the preset that
    set it when the caller did not give it (``"cycling-oldest-first"``), else None. The
    by-project list's ``order_by`` is one key of an enum (``openapi/ionworks.openapi.json``),
    so no unique tiebreak can be added to a key with ties. ``default``: no ``order_by`` was
    sent and ``key`` is the spec's default for it (FINDINGS8 H19)."""

    key: str
    preset: str | None = None
    default: bool = False


def unstable_order(order: SortOrder | None, total: int | None) -> str:
    """Why pages overlapped and what to do, for the walk's messages: the sort key (``order``,
    None when the caller gave none) likely has ties, so the server's order between pages is
    not stable; order by a unique key. With a ``total`` up to :data:`MAX_PAGE_SIZE` and a
    sort the caller or a preset chose, pages of at least ``total`` records (one page) work
    too."""
    if order is None:
        return (
            "the sort key likely has ties (start_time is null for many measurements), so the "
            "server's order between pages is not stable; order by a unique key such as "
            "created_at (the default)"
        )
    ties = {
        "start_time": " (null for many measurements)",
        "created_at": " (records created at the same instant, e.g. by one import)",
    }.get(order.key, "")
    if order.default:
        cause = f"the default sort key {order.key} (no order_by given) likely has ties{ties}"
    elif order.preset is None:
        cause = f"the sort key {order.key} (order_by) likely has ties{ties}"
    else:
        cause = (
            f"the preset {order.preset} sorts on {order.key} (order_by), which likely has "
            f"ties{ties}"
        )
    fix = "order by a unique key such as created_at (the default)"
    if order.key == "created_at":
        fix = "order by a key unique in your data instead, such as name when names are unique"
        fix += " (--order-by name)"
    elif order.preset is not None:
        fix += ": an explicit order_by (--order-by created_at) wins over the preset"
    if total is not None and 0 < total <= MAX_PAGE_SIZE:
        fix += (
            f"; or ask for pages of at least {total} records (--page-size {total}), so one "
            "page holds them all"
        )
    return (
        f"{cause}, so the server's order between pages is not stable (the API takes one "
        f"order_by key, with no tiebreak); {fix}"
    )


@attrs.frozen
class PageRequest:
    """A request the walk wants sent: ``offset`` and ``limit`` query parameters."""

    offset: int
    limit: int


@attrs.frozen
class PageOutcome(Generic[T]):
    """What one page meant: ``records`` to yield (new, in order; None for an empty page),
    ``cancel``: planned requests no longer wanted (cancel them), ``done``: the walk is over."""

    records: list[T] | None
    cancel: tuple[PageRequest, ...] = ()
    done: bool = False


def record_id(item: Any) -> str | None:
    """The ``id`` of a generated model or a dict as a str (``str(id)``), else None (never
    deduplicated then)."""
    if type(item) is dict:  # the export's records: no ABC check per record
        value = item.get("id")
    else:
        value = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    return value if value is None or type(value) is str else str(value)


#: A UUID as ``str(uuid.UUID(...))`` writes it: 36 characters, lowercase hexadecimal digits in
#: groups of 8-4-4-4-12 joined by ``-``. Only such an id is kept as its 128-bit value.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def compact_id(key: str) -> str | int:
    """How ``SeenIds`` keeps the id ``key`` (a str, as ``record_id`` gives it): a canonical
    UUID string (``_CANONICAL_UUID``) as its 128-bit int (``uuid.UUID(key).int``), any other
    string as itself. The int and the canonical string determine each other, and a str never
    equals an int, so two ids give equal results exactly when the strings are equal."""
    return int(key.replace("-", ""), 16) if _CANONICAL_UUID.fullmatch(key) else key


def _compact_uuids(keys: Sequence[str | None]) -> list[int] | None:
    """``[compact_id(key) for key in keys]`` when every key is a canonical UUID string, else
    None (also for a None key): a few passes over the page's keys joined by newlines instead
    of a regular expression per key (a third of the CPU). Each check is needed, and together
    they prove every key canonical: newlines every 37th character (each key but the last is
    36 long, the last at most 36), ``-`` at 8, 13, 18 and 23 of each key, no capital, and the
    rest 32 hexadecimal digits per key (``bytes.fromhex`` refuses anything but hexadecimal
    digits and ASCII whitespace, and whitespace, a shorter key or another ``-`` would leave
    it fewer than 16 bytes per key)."""
    try:
        joined = "\n".join(keys)  # type: ignore[arg-type]  # a None raises TypeError
    except TypeError:
        return None
    count = len(keys)
    dashes = "-" * count
    if (
        joined[36::37] != "\n" * (count - 1)
        or joined[8::37] != dashes
        or joined[13::37] != dashes
        or joined[18::37] != dashes
        or joined[23::37] != dashes
        or any(capital in joined for capital in "ABCDEF")  # the capitals fromhex takes
    ):
        return None
    try:
        raw = bytes.fromhex(joined.replace("-", ""))
    except ValueError:
        return None
    if len(raw) != 16 * count:
        return None
    chunks = [raw[start : start + 16] for start in range(0, len(raw), 16)]
    return list(map(int.from_bytes, chunks))  # big-endian: uuid.UUID(key).int


class SeenIds:
    """The record ids a walk has seen, exactly, in little memory: ``first_seen(keys)`` says
    which of a page's ids are new. ``len()`` is the number of distinct ids seen.

    Ids are compared as the strings ``record_id`` gives: ``5`` and ``"5"`` are one id, a UUID
    in capitals another id than its lowercase form (the walk's rule since round one). The
    usual id, a lowercase UUID (``GET /cell_measurements/by-project/{project_id}`` items:
    ``id``, format ``uuid``), is kept as its 128-bit int (``compact_id``): 44 bytes instead of
    the string's 85, and the string is not kept alive after its record is written (about
    4 MiB less at 100,000 records). No hashing shortcut: an id is reported seen only when an
    equal one came before (a false duplicate would lose a record).
    """

    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: set[str | int] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def count_new(self, keys: Sequence[str | None]) -> int:
        """How many of ``keys`` ``first_seen`` would call new, remembering none: each id not
        seen before counted once, and every None."""
        ids = [compact_id(key) for key in keys if key is not None]
        return len(keys) - len(ids) + len(set(ids).difference(self._keys))

    def first_seen(self, keys: Sequence[str | None]) -> list[bool]:
        """For each of ``keys`` (one page's ids, in order), whether it is new: True the first
        time an id comes (in this call or an earlier one; it is remembered), False for every
        later copy. None (a record without an id, never deduplicated) is always True."""
        seen = self._keys
        uuids = _compact_uuids(keys)
        compact: Sequence[str | int | None]
        if uuids is None:
            compact = [None if key is None else compact_id(key) for key in keys]
        else:
            page = set(uuids)
            if len(page) == len(uuids) and seen.isdisjoint(page):
                seen |= page  # the usual page: every id new
                return [True] * len(uuids)
            compact = uuids
        flags: list[bool] = []
        for key in compact:
            if key is None:
                flags.append(True)
            elif key in seen:
                flags.append(False)
            else:
                seen.add(key)
                flags.append(True)
        return flags


#: The page sizes servers cap ``limit`` at are round figures (FINDINGS6 F6: 100): at least
#: this many records, and a multiple of 10 or 25 or a power of two (see :func:`plausible_cap`).
SMALLEST_CAP = 10


def plausible_cap(length: int) -> bool:
    """Whether a page of ``length`` records, shorter than asked and without a ``total``, may
    be a server capping ``limit`` rather than the end of the list: a round page size, at
    least :data:`SMALLEST_CAP`, that is a multiple of 10 (10, 20, 50, 100, 200, 500) or of 25
    (25, 75, 250) or a power of two (16, 32, 64, 128, 256, 512). The walk asks past such a
    page once more; after any other short first page (5, 34, 129) it stops (FINDINGS7
    G31: a server sending its whole short list cost a second request and a warning)."""
    if length < SMALLEST_CAP:
        return False
    return length % 10 == 0 or length % 25 == 0 or length & (length - 1) == 0


def _content_key(item: Any) -> str:
    data = item.to_dict() if hasattr(item, "to_dict") else item
    return json.dumps(data, sort_keys=True, default=str)


class PageWalk(Generic[T]):
    """The paging rules (module docstring) as an I/O-free state machine.

    ``plan()`` returns the requests to send now (at most ``prefetch`` in flight, fewer while
    the walk is probing); ``receive(request, page)`` takes the page answering the oldest
    planned request and returns a ``PageOutcome``; ``sent()`` counts a request handed to the
    client (``WalkStats.requests``: prefetched ones included, whether or not their answer is
    awaited). ``page_size``: 1..1000. ``max_records``: stop after
    this many unique records (None: all). ``stats`` is updated in place. ``order``: the sort
    the pages are cut from, named in the advice when they overlap (None: not given).
    Raises ValueError for ``prefetch < 1``; ``receive`` raises PaginationError.
    """

    def __init__(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        max_records: int | None = None,
        prefetch: int = 1,
        stats: WalkStats | None = None,
        order: SortOrder | None = None,
    ) -> None:
        if prefetch < 1:
            raise ValueError("prefetch must be at least 1")
        self.page_size = page_size
        self.max_records = max_records
        self.prefetch = prefetch
        self.stats = stats if stats is not None else WalkStats()
        self.order = order
        self.in_flight: deque[PageRequest] = deque()
        self.finished = False
        self._next_offset = 0
        self._stride = page_size  # what a page is assumed to hold (a capping server's size)
        self._largest = 0  # the most items one page has held: a server sends at least that many
        self._cap_probe: int | None = None  # offset asked after a short page without a total
        self._sequential_until_pages = 1  # the first page goes alone: it tells the total
        self._seen = SeenIds()
        self._pages_without_ids: dict[int, int] = {}  # content hash -> offset
        self._warned_past_total = False
        self._warned_long_page = False
        self._warned_total_fell = False
        # The first total reported, and the rises of the total between pages summed: each
        # record inserted during the walk explains one record sent again (FINDINGS8 H11).
        self._first_total: int | None = None
        self._total_rises = 0
        # No walk reads past twice the first total plus a page (FINDINGS8 H18): the totals
        # reported, in order (each one differing from the one before), and the bound.
        self._totals: list[int] = []
        self._growth_bound: int | None = None
        self._warned_growth = False
        # An empty page below total: ``_resend`` is the request to plan first (the page asked
        # again, or the probe past it); ``_holding`` plans nothing new meanwhile; ``_gap`` is
        # the page that came back empty twice, whose following pages tell gap from end.
        self._resend: PageRequest | None = None
        self._holding = False
        self._gap: PageRequest | None = None
        #: (offset, total) of the page whose going past its total was warned about, until a
        #: later page reports a higher total (then noted once: the warning's figure is stale).
        self._past_total_warned: tuple[int, int] | None = None

    # ------------------------------------------------------------------ planning

    def _limit_at(self, offset: int) -> int:
        """The limit for a request at ``offset``, or 0 when none should be planned now."""
        stats, max_records, busy = self.stats, self.max_records, bool(self.in_flight)
        if max_records is not None:
            if stats.records >= max_records:
                return 0
            if offset >= max_records and busy:
                return 0  # topping up after duplicates: one request at a time
        if stats.total is not None and offset > stats.total and busy:
            # Past the reported total only one request is ever in flight. The one at exactly
            # ``total`` (the pages before it end there, full) travels with them: it confirms
            # the end. Past it, a page before is expected short, so nothing more is planned.
            return 0
        if max_records is not None:
            # Prefetching (busy) asks for what is left below max_records; alone, it also tops
            # up what duplicates took away.
            wanted = max_records - offset
            if not busy:
                wanted = max(wanted, max_records - stats.records)
            return min(self._stride, wanted)
        return self._stride

    def plan(self) -> list[PageRequest]:
        """The requests to send now, in offset order; recorded as in flight."""
        if self.finished:
            return []
        pages = self.stats.pages
        sequential = pages < self._sequential_until_pages or (
            pages < 2 and self.stats.total is None  # no total: the second page proves progress
        )
        window = 1 if sequential else self.prefetch
        planned: list[PageRequest] = []
        if self._resend is not None:  # goes before every request in flight
            self.in_flight.appendleft(self._resend)
            planned.append(self._resend)
            self._resend = None
        while not self._holding and len(self.in_flight) < window:
            limit = self._limit_at(self._next_offset)
            if limit <= 0:
                break
            request = PageRequest(self._next_offset, limit)
            self.in_flight.append(request)
            planned.append(request)
            self._next_offset += limit
        if not self.in_flight:
            self.finished = True
        return planned

    def sent(self) -> None:
        """Count one request handed to the client, before its answer (``WalkStats.requests``:
        counted whether it is answered, fails or is cancelled afterwards)."""
        self.stats.requests += 1

    # ------------------------------------------------------------------ receiving

    def _stop(self) -> tuple[PageRequest, ...]:
        self.finished = True
        dropped = tuple(self.in_flight)
        self.in_flight.clear()
        return dropped

    def _not_advancing(self, offset: int, what: str) -> PaginationError:
        return PaginationError(
            f"the page at offset {offset} {what}: the server is not advancing (is it ignoring "
            f"offset?); stopped after {self.stats.requests} requests",
            offset=offset,
        )

    def _nothing_new(self, request: PageRequest, length: int) -> PaginationError:
        """The error for a page of ``length`` records all seen before. A server ignoring
        offset sends the first page again: at the second page with new records at the
        latest, "is it ignoring offset?". Past two pages with new records the server does
        advance: the pages overlapped (an unstable order; FINDINGS8 H11, where the async
        walk blamed offset)."""
        offset, stats, total = request.offset, self.stats, self.stats.total
        what = f"holds only records already seen ({length} of them"
        if stats.pages < 2:
            return self._not_advancing(offset, what + ")")
        came = f"{stats.records}" if total is None else f"{stats.records} of {total}"
        return PaginationError(
            f"the pages overlapped: the page at offset {offset} {what}, after {stats.pages} "
            f"pages with new ones: the server does advance), and {came} records came before "
            f"it: {unstable_order(self.order, total)}; stopped at the page at offset {offset}",
            offset=offset,
        )

    def _accept(self, request: PageRequest, items: Sequence[T]) -> list[T]:
        """The page's new records (at most up to ``max_records`` in all); PaginationError when
        the page brings nothing new."""
        keys = [record_id(item) for item in items]
        without_ids = keys.count(None)
        fresh = [item for item, new in zip(items, self._seen.first_seen(keys), strict=True) if new]
        if not fresh:
            raise self._nothing_new(request, len(items))
        if without_ids:
            fingerprint = hash(tuple(_content_key(item) for item in items))
            earlier = self._pages_without_ids.get(fingerprint)
            if earlier is not None:
                raise self._not_advancing(
                    request.offset,
                    f"repeats the page at offset {earlier} ({len(items)} records, "
                    f"{without_ids} without an id)",
                )
            self._pages_without_ids[fingerprint] = request.offset
            total = self.stats.total
            if total is not None and request.offset >= total + self.page_size:
                raise self._not_advancing(
                    request.offset,
                    f"is a page past the reported total {total} and holds records without an id",
                )
        if len(fresh) < len(items):
            self._note_repeats(request.offset, items)
        self.stats.duplicates += len(items) - len(fresh)
        if self.max_records is not None:
            fresh = fresh[: max(0, self.max_records - self.stats.records)]
        if type(items) is JsonReadyList:  # a part of such a page is JSON-ready (and plain) too
            lines = items.raw_lines
            if lines is not None and len(fresh) != len(items):
                kept = {id(record) for record in fresh}  # the lines of the records kept
                pairs = zip(items, lines, strict=True)
                lines = [line for record, line in pairs if id(record) in kept]
            fresh = JsonReadyList(fresh, items.plain_for, lines)
        self.stats.records += len(fresh)
        self.stats.pages += 1
        return fresh

    def _note_repeats(self, offset: int, items: Sequence[T]) -> None:
        """Count and warn about ids the server sent more than once in this one page (only
        called when the page had duplicates: the usual page costs nothing). The first copy
        is kept; the warning names the first :data:`MAX_NAMED_IDS` ids and says when the
        copies differ (one of them is then lost)."""
        copies: dict[Any, list[T]] = {}
        for item in items:
            key = record_id(item)
            if key is not None:
                copies.setdefault(key, []).append(item)
        repeated = [key for key, found in copies.items() if len(found) > 1]
        if not repeated:
            return
        self.stats.repeated_in_page += sum(len(copies[key]) - 1 for key in repeated)
        differ = [key for key in repeated if any(c != copies[key][0] for c in copies[key][1:])]
        shown = ", ".join(repr(key) for key in repeated[:MAX_NAMED_IDS])
        more = f" and {len(repeated) - MAX_NAMED_IDS} more" if len(repeated) > MAX_NAMED_IDS else ""
        what = f"id {shown}" if len(repeated) == 1 else f"{len(repeated)} ids ({shown}{more})"
        lost = ""
        if differ:
            lost = f"; the copies differ for {', '.join(repr(k) for k in differ[:MAX_NAMED_IDS])}"
        logger.warning(
            "the server sent %s more than once in one page (offset %d): the first copy of "
            "each is kept%s",
            what,
            offset,
            lost,
        )

    def _warn_long_page(self, request: PageRequest, length: int, new: int) -> None:
        """The warning (once per walk) for a page of ``length`` records, longer than asked,
        ``new`` of them new to the walk: where the walk goes on from (module docstring)."""
        if new == length:
            logger.warning(
                "the server sent %d records at offset %d for limit %d (it ignores limit); the "
                "walk goes on from where that page ended",
                length,
                request.offset,
                request.limit,
            )
            return
        copies = length - new
        which = "a copy of a record" if copies == 1 else "copies of records"
        logger.warning(
            "the server sent %d records at offset %d for limit %d (it ignores limit), %d of "
            "them %s it had sent; the walk goes on from offset %d, past the %d new ones (a "
            "copy stands at no offset of its own)",
            length,
            request.offset,
            request.limit,
            copies,
            which,
            request.offset + new,
            new,
        )

    def _check_past_total(self, request: PageRequest, length: int, end: int, total: int) -> None:
        """A page ending at ``end`` past the reported ``total``: PaginationError beyond the
        allowance (module docstring), else one warning once a full page goes past the total;
        neither when this page completes ``max_records`` (the walk ends with it)."""
        if self.max_records is not None and self.stats.records + length >= self.max_records:
            return  # this page holds what is still wanted: the walk ends with it
        bound = 2 * total + self.page_size
        if end > bound:
            raise PaginationError(
                f"the page at offset {request.offset} ends at record {end}, past {bound} "
                f"(twice the reported total {total} plus a page of {self.page_size}): the "
                f"server keeps sending records past its total; stopped after "
                f"{self.stats.requests} requests",
                offset=request.offset,
            )
        if length >= request.limit and not self._warned_past_total:
            self._warned_past_total = True
            self._past_total_warned = (request.offset, total)
            logger.warning(
                "the server reported total %d but its page at offset %d ends at record %d and "
                "is full; going on to its first short page, and stopping with an error past "
                "record %d (twice the total plus a page of %d)",
                total,
                request.offset,
                end,
                bound,
                self.page_size,
            )

    def _warn_total_fell(self, offset: int, total: int) -> None:
        """One warning per walk when the reported ``total`` drops between pages: records
        deleted during the walk shift the later ones to lower offsets, so a record the walk
        has not reached yet can slip below the next offset and be missed (FINDINGS6 F17)."""
        if self._warned_total_fell:
            return
        self._warned_total_fell = True
        self.stats.incomplete = f"the server's total went from {self.stats.total} to {total}"
        logger.warning(
            "the server's total went from %d to %d during the walk (page at offset %d): "
            "records deleted meanwhile move later ones to lower offsets, so some may be "
            "missing from this walk; run it again to be sure",
            self.stats.total,
            total,
            offset,
        )

    def _note_total_rose(self, offset: int, total: int, page: int, quoted: int) -> None:
        """One warning when the reported ``total`` rises past the one ``quoted`` by the
        past-total warning (given at the page at offset ``page``; FINDINGS6 F13: that warning
        said 51 while the walk ended with total 68, as ``WalkStats.total`` and the CLI then
        say): the figure quoted is superseded."""
        self._past_total_warned = None
        logger.warning(
            "the server's total rose from %d to %d during the walk (page at offset %d), "
            "after its page at offset %d had gone past %d: %d is the total it reports now",
            quoted,
            total,
            offset,
            page,
            quoted,
            total,
        )

    def _note_growth(self, offset: int, total: int) -> None:
        """One warning per walk when the reported ``total`` rises more than a page above
        the first one (FINDINGS8 H18): records added while the walk reads them are read too,
        up to the bound of :meth:`_check_growth`, which the warning names."""
        first = self._first_total
        if self._warned_growth or first is None or total <= first + self.page_size:
            return
        self._warned_growth = True
        logger.warning(
            "the server's total rose from %d to %d during the walk (page at offset %d): "
            "records added while the walk reads them are read too, up to record %d (twice the "
            "total at the start plus a page of %d); past it the walk stops with an error",
            first,
            total,
            offset,
            self._growth_bound,
            self.page_size,
        )

    def _check_growth(self, request: PageRequest, length: int, end: int, bound: int) -> None:
        """A page ending at ``end``, past ``bound``: twice the first total plus a page
        (FINDINGS8 H18: a server reporting ``total = offset + 2 * limit`` with new ids on
        every page kept the walk going forever). PaginationError naming the totals reported,
        when the total has risen above the first one (otherwise ``_check_past_total``'s own
        bound, on the latest total, is the lower one and has raised); nothing on a page that
        completes ``max_records``."""
        first, totals = self._first_total, self._totals
        if self.max_records is not None and self.stats.records + length >= self.max_records:
            return
        if first is None or totals[-1] <= first:
            return
        since = ", ".join(str(total) for total in totals[1:])
        if len(totals) > 7:  # the first, three after it, the last two
            since = ", ".join([*(str(t) for t in totals[1:4]), "...", *map(str, totals[-2:])])
            since += f" ({len(totals) - 1} totals)"
        raise PaginationError(
            f"the server's total keeps rising as the walk reads: it reported {first} on the "
            f"first page, then {since}, and {self.stats.records} records came; the page at "
            f"offset {request.offset} ends at record {end}, past {bound} (twice the total at "
            f"the start plus a page of {self.page_size}): a collection growing as fast as it "
            "is read would never be read to its end; stopped (max_records, --limit, bounds a "
            "walk on purpose)",
            offset=request.offset,
        )

    def end_of_collection(self, request: PageRequest, error: Exception) -> Page[T] | None:
        """An empty page standing for ``error`` when it is an APIError whose status is in
        :data:`END_OF_COLLECTION_STATUSES` and ``request`` starts at or past the reported
        ``total`` (FINDINGS6 F2: every record had arrived, and the request confirming the end
        was answered 422); None otherwise (the caller raises ``error``)."""
        total = self.stats.total
        if (
            isinstance(error, APIError)
            and error.status in END_OF_COLLECTION_STATUSES
            and total is not None
            and request.offset >= total
        ):
            return Page([], total, request.offset)
        return None

    def _check_empty(self, request: PageRequest, length: int) -> PageOutcome[T] | None:
        """While an empty page below the total is checked (module docstring): first the page
        asked again, then the pages past it. None when the page asked again came back with
        records (it is then taken as any page)."""
        gap, total = self._gap, self.stats.total
        assert total is not None  # the check began at an empty page below it
        if gap is None:
            if length:
                self._holding = False
                return None
            if request.offset >= total:  # the server's total fell to here
                return PageOutcome(None, self._stop(), True)
            self._gap = request  # empty twice: is anything past it?
            if not self.in_flight:
                self._resend = PageRequest(request.offset + request.limit, request.limit)
            return PageOutcome(None)
        if length:
            raise PaginationError(
                f"the page at offset {gap.offset} came back empty twice below the reported "
                f"total {total}, but the page at offset {request.offset} holds records: the "
                f"server's answers are missing records (a lagging replica?); stopped after "
                f"{self.stats.records} of {total} records; run it again later",
                offset=gap.offset,
            )
        if self.in_flight:
            return PageOutcome(None)
        logger.warning(
            "the server reported total %s but its page at offset %d came back empty twice "
            "and so did offsets %d to %d after it: the total is too high; the walk ends "
            "there with %d records",
            total,
            gap.offset,
            gap.offset + gap.limit,
            request.offset + request.limit - 1,
            self.stats.records,
        )
        return PageOutcome(None, self._stop(), True)

    def _check_overlap(self, offset: int) -> None:
        """At the end of a walk (``offset``: its last page): PaginationError when its pages
        overlapped (module docstring): more records came again on a later page than the
        ``total``'s rises during the walk explain (an insert explains one), and fewer unique
        records came than the last total (nor did ``max_records`` end the walk). Without a
        total, any such copy gets one warning and sets ``WalkStats.incomplete``. Records
        sent twice in ONE page (a server fault, ``WalkStats.repeated_in_page``) are not an
        overlap."""
        stats, total = self.stats, self.stats.total
        overlapped = stats.duplicates - stats.repeated_in_page
        if overlapped <= 0:
            return
        if self.max_records is not None and stats.records >= self.max_records:
            return
        if total is None:
            self._warn_overlap_without_total(overlapped)
            return
        rises = self._total_rises
        if stats.records >= total or overlapped <= rises:
            return
        first = total if self._first_total is None else self._first_total
        if rises:
            moved = (
                f"the server's total rose by only {rises} during the walk ({first} to "
                f"{total}; an insert explains one record sent again)"
            )
        elif first == total:
            moved = f"the server's total stayed {total}"
        else:
            moved = f"the server's total went from {first} to {total} and never rose"
        raise PaginationError(
            f"the pages overlapped: {overlapped} record(s) came again on a later page while "
            f"{moved}, so {stats.records} of {total} records came ({total - stats.records} "
            f"missing): {unstable_order(self.order, total)}; stopped at the page at offset "
            f"{offset}",
            offset=offset,
        )

    def _warn_overlap_without_total(self, overlapped: int) -> None:
        """Records came again on a later page and the server gives no total to count them
        against (FINDINGS8 H11): an unstable order or inserts moved records between pages,
        so some may be missing. One warning; ``WalkStats.incomplete`` set (an incremental
        export keeps its mark)."""
        self.stats.incomplete = (
            f"{overlapped} record(s) came back on two pages (records moved to later offsets: "
            "inserted or re-ordered)"
        )
        # Advice only for a sort the caller or a preset chose: under the default one
        # (created_at), inserts are the likelier cause.
        order = self.order
        advice = "" if order is None or order.default else f"; {unstable_order(order, None)}"
        logger.warning(
            "%d record(s) came again on a later page and the server sends no total to count "
            "the walk against: records moved between pages during the walk (inserts, or an "
            "unstable order of ties in the sort key), so some may be missing from these %d "
            "records; run it again to be sure%s",
            overlapped,
            self.stats.records,
            advice,
        )

    def receive(self, request: PageRequest, page: Page[T]) -> PageOutcome[T]:
        """Take the page answering ``request`` (the oldest in flight). Raises PaginationError
        (module docstring), also at the end of a walk whose pages overlapped."""
        outcome = self._receive(request, page)
        if outcome.done:
            self._check_overlap(request.offset)
            self._check_copies()
        return outcome

    def _check_copies(self) -> None:
        """At the end of a walk: one warning, and ``WalkStats.incomplete`` set, when fewer
        unique records came than the last ``total`` and the pages held copies of a record sent
        in the same page (FINDINGS9 J1): a copy may stand in place of a record the server never
        sent. Not when ``max_records`` ended the walk, nor when ``incomplete`` is set already."""
        stats, total = self.stats, self.stats.total
        if total is None or not stats.repeated_in_page or stats.records >= total:
            return
        if stats.incomplete is not None:
            return
        if self.max_records is not None and stats.records >= self.max_records:
            return
        copies = stats.repeated_in_page
        held = "1 copy of a record" if copies == 1 else f"{copies} copies of records"
        stats.incomplete = (
            f"{stats.records} records came back of the server's total {total}, and its pages "
            f"held {held} sent in the same page"
        )
        missing = total - stats.records
        logger.warning(
            "the server reported total %d but %d unique records came back: its pages held %s "
            "sent in the same page, which may stand in place of %s it never sent; run it "
            "again to be sure",
            total,
            stats.records,
            held,
            "a record" if missing == 1 else f"{missing} records",
        )

    def _receive(self, request: PageRequest, page: Page[T]) -> PageOutcome[T]:
        if not self.in_flight or self.in_flight[0] != request:
            raise ValueError(f"{request} is not the oldest request in flight")
        self.in_flight.popleft()
        if page.total is not None:
            if self._first_total is None:
                self._first_total = page.total
                self._growth_bound = 2 * page.total + self.page_size
            elif self.stats.total is not None and page.total > self.stats.total:
                self._total_rises += page.total - self.stats.total
                self._note_growth(request.offset, page.total)
            if not self._totals or self._totals[-1] != page.total:
                self._totals.append(page.total)
            if self.stats.total is not None and page.total < self.stats.total:
                self._warn_total_fell(request.offset, page.total)
            elif self._past_total_warned and page.total > self._past_total_warned[1]:
                self._note_total_rose(request.offset, page.total, *self._past_total_warned)
            self.stats.total = page.total
        if page.total_problem is not None and self.stats.total_problem is None:
            self.stats.total_problem = page.total_problem
            logger.warning(
                "the server sent total %s, not a count of records; ignored (the "
                "walk ends at the first empty page, or at a short one once a page has shown "
                "how many the server sends)",
                page.total_problem,
            )
        length = len(page.items)
        if self._holding and (checked := self._check_empty(request, length)) is not None:
            return checked
        if length == 0:
            total = self.stats.total
            if total is None or request.offset >= total:
                return PageOutcome(None, self._stop(), True)
            # Empty below the reported total: asked for once more before anything new is
            # planned (the module docstring).
            self._resend = request
            self._holding = True
            return PageOutcome(None)
        end = request.offset + length
        total = self.stats.total
        if length > request.limit:
            # It covers the offsets of its records new to the walk only (module docstring).
            new = self._seen.count_new([record_id(item) for item in page.items])
            end = request.offset + new
            if not self._warned_long_page:
                self._warned_long_page = True
                self._warn_long_page(request, length, new)
        if total is not None and end > total:
            self._check_past_total(request, length, end, total)
        if self._growth_bound is not None and end > self._growth_bound:
            self._check_growth(request, length, end, self._growth_bound)
        try:
            fresh = self._accept(request, page.items)
        except PaginationError:
            if self._cap_probe != request.offset:
                raise
            # Asked past a short page without a total (a capping server?), the server sent
            # what it had sent: it ignores offset, and nothing more can be paged to.
            logger.warning(
                "the server answered offset %d with records it had already sent (it ignores "
                "offset) and gives no total: the walk ends with the %d records received; "
                "more may exist that cannot be paged to",
                request.offset,
                self.stats.records,
            )
            return PageOutcome(None, self._stop(), True)
        # Below total the server says more exist (a short page there is its page-size cap);
        # past total only a full page calls for a confirming request. Without a total a
        # short page asking more than any page has held may be a cap too, when its size is
        # a plausible one (module docstring).
        capped = (
            total is None
            and request.limit > self._largest
            and (plausible_cap(length) or page.envelope)
        )
        self._largest = max(self._largest, length)
        more = (total is not None and end < total) or length >= request.limit or capped
        if not more or (self.max_records is not None and self.stats.records >= self.max_records):
            return PageOutcome(fresh, self._stop(), True)
        if end == request.offset + request.limit:
            return PageOutcome(fresh)  # a full page, or a long one whose copies fill it up
        # A short page below total (a server capping its page size) or a page longer than
        # asked: planned requests assumed full pages; drop them and go on from where this
        # page ended, one request at a time until the next page shows whether more exist.
        dropped = tuple(self.in_flight)
        self.in_flight.clear()
        if length < request.limit:
            self._stride = length
            self._cap_probe = end if total is None else None
        self._next_offset = end
        self._sequential_until_pages = self.stats.pages + 1
        return PageOutcome(fresh, dropped)


def walk_pages(
    fetch: Callable[[int, int], Page[T]],
    *,
    page_size: int = MAX_PAGE_SIZE,
    max_records: int | None = None,
    stats: WalkStats | None = None,
    order: SortOrder | None = None,
) -> Iterator[list[T]]:
    """Yield the new records of each page, calling ``fetch(offset, limit)`` sequentially.

    ``page_size``: 1..1000. ``max_records``: stop after this many unique records (None: all).
    ``stats`` is updated in place as pages arrive. ``order``: the sort asked for, named when
    pages overlap (``PageWalk``). Raises PaginationError (see module docs) and whatever
    ``fetch`` raises.
    """
    walk: PageWalk[T] = PageWalk(
        page_size=page_size, max_records=max_records, stats=stats, order=order
    )
    while planned := walk.plan():
        (request,) = planned
        walk.sent()  # counted when sent, even if it fails (WalkStats.requests)
        try:
            page = fetch(request.offset, request.limit)
        except APIError as exc:
            end = walk.end_of_collection(request, exc)
            if end is None:
                raise
            page = end
        outcome = walk.receive(request, page)
        del page  # only the records handed on stay alive
        if outcome.records is not None:
            yield outcome.records
        if outcome.done:
            return
        del outcome  # a page the caller has dropped is freed before the next fetch


async def awalk_pages(
    fetch: Callable[[int, int], Awaitable[Any]],
    *,
    page_size: int = MAX_PAGE_SIZE,
    max_records: int | None = None,
    prefetch: int = DEFAULT_PREFETCH,
    stats: WalkStats | None = None,
    order: SortOrder | None = None,
    parse: Callable[[Any, int], Page[T]] | None = None,
) -> AsyncIterator[list[T]]:
    """Async ``walk_pages`` with up to ``prefetch`` requests in flight, yielding in offset order.

    ``fetch(offset, limit)`` gives the Page, or with ``parse`` what ``parse(answer, offset)``
    turns into it (a response): then each page is parsed when the walk takes it, in offset
    order, so the next request leaves right after the page before it is parsed, not after
    the parses of every page that arrived meanwhile (CPU the event loop spent on them before
    it got back to the walk: at 200 ms of latency the requests in flight fell to one or
    two), and a prefetched page the walk drops is never parsed. Requests the walk no longer
    wants (beyond a short, long or empty page, or after an error or an early ``aclose()``)
    are cancelled and awaited before this returns, so their connections go back to the pool.
    """
    walk: PageWalk[T] = PageWalk(
        page_size=page_size, max_records=max_records, prefetch=prefetch, stats=stats, order=order
    )
    tasks: dict[PageRequest, asyncio.Task[Any]] = {}
    dropped: list[asyncio.Task[Any]] = []

    async def answered(request: PageRequest) -> Any:
        # Counted as the request is handed to the client, before its answer: a prefetched
        # request cancelled later still reaches the server (CancelSafeTransport finishes it).
        # A task cancelled before its first step never gets here: nothing was sent
        # (FINDINGS10 K8: only answered requests were counted, fewer than the server saw).
        walk.sent()
        try:
            page = await fetch(request.offset, request.limit)
        except APIError as exc:
            end = walk.end_of_collection(request, exc)
            if end is None:
                raise
            page = end
        return page

    def drop(requests: Sequence[PageRequest]) -> None:
        for request in requests:
            task = tasks.pop(request)
            task.cancel()
            dropped.append(task)

    try:
        while True:
            for request in walk.plan():
                tasks[request] = asyncio.ensure_future(answered(request))
            if not walk.in_flight:
                return
            request = walk.in_flight[0]
            page = await tasks.pop(request)
            if parse is not None and not isinstance(page, Page):
                page = parse(page, request.offset)
            outcome = walk.receive(request, page)
            del page  # only the records handed on stay alive
            drop(outcome.cancel)
            if not outcome.done:  # the next requests travel while the caller writes this page
                for planned in walk.plan():
                    tasks[planned] = asyncio.ensure_future(answered(planned))
            if outcome.records is not None:
                yield outcome.records
            if outcome.done:
                return
            del outcome  # a page the caller has dropped is freed before the next one
    finally:
        drop(list(tasks))
        for task in dropped:
            with contextlib.suppress(BaseException):  # cancelled or failed: not needed
                await task
