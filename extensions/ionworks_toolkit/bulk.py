"""Exports of several projects at once and incremental exports (``Toolkit.export`` and
``AsyncToolkit.export`` hand over to this module for ``project=[...]`` or
``incremental=True``).

* **Several projects**: projects are walked concurrently, at most ``concurrency`` at a time
  (threads for ``Toolkit``, tasks for ``AsyncToolkit``, over the session's one HTTP client);
  pages are written to the sinks by one writer as they arrive; every record gets
  ``project_id`` (its first key); the sinks are committed ONCE at the end (one atomic
  publish), or all aborted on any error.
* **Incremental** (see :mod:`ionworks_toolkit.incremental`): each project asks only for
  ``updated_at_gt`` = its mark minus the overlap; records the databases hold with the same
  content are skipped, older copies of the rows they hold are ignored; the marks are
  written in the transaction that commits the data (both or neither).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ._codec import JsonReadyList
from ._collector import fewer_collections
from .arguments import check_count
from .errors import ConfigurationError, NotFoundError
from .export import (
    ExportResult,
    abort_sinks,
    bind_schema,
    commit_sinks,
    describe_sink,
    write_page,
)
from .incremental import (
    DEFAULT_OVERLAP,
    OLDER,
    SyncMark,
    combined_mark,
    filter_key,
    iso_z,
    missing_records,
    open_sync_state,
    parse_instant,
)
from .operations import MEASUREMENTS_BY_PROJECT
from .pagination import WalkStats
from .projects import ProjectId
from .sinks import Sink
from .sinks._columns import measurements_schema, multi_project_measurements_schema

#: Incremental warnings go where the walk's go: the CLI prints this logger's lines on stderr.
logger = logging.getLogger("ionworks_toolkit.http")

if TYPE_CHECKING:
    from .session import AsyncToolkit, Toolkit

__all__ = ["DEFAULT_CONCURRENCY", "ProjectsArgument", "aexport_measurements", "export_measurements"]

#: Projects walked at the same time by default.
DEFAULT_CONCURRENCY = 4

ProjectsArgument = str | None | Sequence[str]


def is_several(project: ProjectsArgument) -> bool:
    """True for a list/tuple of projects (a str or None is one project)."""
    return not (project is None or isinstance(project, str))


class _Run:
    """Bookkeeping shared by the sync and async drivers (no I/O on the network)."""

    def __init__(
        self,
        project: ProjectsArgument,
        *,
        presets: Sequence[str],
        filters: Mapping[str, Any],
        max_records: int | None,
        incremental: bool,
        overlap: dt.timedelta,
        concurrency: int,
    ) -> None:
        self.several = is_several(project)
        self.projects: list[str | None] = (
            list(project) if self.several else [project]  # type: ignore[arg-type,list-item]
        )
        #: Ids a ``GET /projects`` listing gave (``ProjectId``): one gone (404) when its walk
        #: begins is reported in ``vanished``, the others exported (:meth:`vanished_ok`).
        self.listed = {str(p) for p in self.projects if isinstance(p, ProjectId)}
        self.vanished: list[str] = []
        if self.several and not self.projects:
            raise ConfigurationError("export: no project given (an empty list of projects)")
        check_count(concurrency, "concurrency", minimum=1)
        if incremental and max_records is not None:
            raise ConfigurationError(
                "incremental sync fetches every changed record; max_records cannot be combined "
                "with it"
            )
        if incremental and "updated_at_gt" in filters:
            raise ConfigurationError(
                "incremental sync sets updated_at_gt itself (from the stored mark); drop the "
                "updated_at_gt filter"
            )
        if overlap < dt.timedelta(0):
            raise ConfigurationError(f"overlap must not be negative, got {overlap}")
        self.incremental = incremental
        self.overlap = overlap
        self.concurrency = concurrency
        self.key = filter_key(presets, filters)
        self.states: list[Any] = []
        self.before: dict[str, SyncMark] = {}
        self.after: dict[str, SyncMark] = {}
        self.stats: dict[str, WalkStats] = {}
        self.written = 0
        #: Records every state database holds with the same content (skipped).
        self.unchanged = 0
        #: Per project: ``(id, updated_at sent)`` of the older copies ignored (every state
        #: database holds the record with a later ``updated_at``: FINDINGS7 G28).
        self.older_copies: dict[str, list[tuple[str, str]]] = {}
        #: Per project: the ``updated_at_gt`` sent (incremental with a mark), and how many
        #: records the server sent at or before it (a server ignoring the filter: FINDINGS7 G8).
        self.since: dict[str, dt.datetime] = {}
        self.older: dict[str, int] = {}
        #: No ``updated_at`` later than this becomes a mark: this run's clock plus the
        #: overlap (clock skew between this machine and the server).
        self.latest = dt.datetime.now(dt.UTC) + overlap
        self._future_warned: set[str] = set()

    def open_state(self, opened: Sequence[tuple[str, Sink]]) -> None:
        """Bind the columns with ``project_id`` (several projects); read the sinks' sync state
        (incremental; ConfigurationError for a sink that cannot hold it)."""
        bind_schema(  # also checks the table: sink's columns, before any request
            opened,
            multi_project_measurements_schema() if self.several else measurements_schema(),
        )
        if self.incremental:
            self.states = open_sync_state(opened)

    def start(self, project_ids: Sequence[str], params: Mapping[str, Any]) -> dict[str, dict]:
        """Per project: the query parameters to walk with (the mark applied)."""
        ids = list(dict.fromkeys(project_ids))
        per_project: dict[str, dict[str, Any]] = {}
        for project_id in ids:
            self.stats[project_id] = WalkStats()
            project_params = dict(params)
            if self.incremental:
                mark = combined_mark(self.states, project_id, self.key)
                if mark.mark is not None and mark.mark > self.latest:
                    logger.warning(
                        "incremental: the mark stored for project %s (%s) is later than this "
                        "run's clock; not used: every record is read again",
                        project_id,
                        iso_z(mark.mark),
                    )
                    mark = SyncMark()
                self.before[project_id] = self.after[project_id] = mark
                if mark.mark is not None:
                    self.since[project_id] = mark.mark - self.overlap
                    self.older[project_id] = 0
                    project_params["updated_at_gt"] = iso_z(self.since[project_id])
            per_project[project_id] = project_params
        return per_project

    def vanished_ok(self, project_id: str, error: BaseException) -> bool:
        """True (and one warning) when ``error`` is the 404 of a listed project's walk before
        any of its records came: the project was deleted (or hidden from this credential)
        between the listing and its walk; the run goes on without it. False otherwise (a
        project the caller named, or one gone half-way through its walk: the run fails)."""
        stats = self.stats.get(project_id)
        if (
            project_id not in self.listed
            or not isinstance(error, NotFoundError)
            or stats is None
            or stats.records + stats.duplicates
        ):
            return False
        self.vanished.append(project_id)
        logger.warning(
            "project %s was listed by GET /projects but is gone (%s): not exported%s",
            project_id,
            error,
            "; the other projects are" if len(self.stats) > 1 else "",  # none: no "others"
        )
        return True

    def records(self, project_id: str, page: Sequence[Any]) -> list[dict[str, Any]]:
        """The page's records to write: ``project_id`` added (several projects); incremental:
        the new mark advanced, records the databases hold unchanged and older copies of
        their rows dropped."""
        records = [item if type(item) is dict else item.to_dict() for item in page]
        if self.several:
            records = [{"project_id": project_id, **record} for record in records]
        if self.incremental:
            if self.before[project_id].mark is not None:
                self._count_older(project_id, records)
            self.after[project_id] = self.after[project_id].advanced(
                records,
                self.overlap,
                latest=self.latest,
                beyond=lambda record: self._warn_future(project_id, record),
            )
            if records:
                records = self._drop_held(project_id, records)
        self.written += len(records)
        if type(page) is JsonReadyList:  # still JSON values only: the sinks skip their scans
            return JsonReadyList(records, None if self.several else page.plain_for)
        return records

    def _drop_held(self, project_id: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``records`` without those EVERY state database holds already
        (:meth:`SyncState.compare <ionworks_toolkit.incremental.SyncState.compare>`, one
        lookup by primary key per page and database): with the same content (re-reads in
        the overlap, from a server ignoring ``updated_at_gt``, after a mark kept by an
        incomplete walk), counted as unchanged; or with a later ``updated_at`` in at least
        one of them (an older copy, e.g. from a lagging read replica), counted and named
        in a warning (:meth:`warn_older_copies`). A record some database lacks or holds
        otherwise is written to all: each database's upsert keeps its newer rows
        (``SqliteSink.keep_newer``)."""
        verdicts = [state.compare(records) for state in self.states]
        kept: list[dict[str, Any]] = []
        for record in records:
            key = str(record.get("id"))
            found = [verdict.get(key) for verdict in verdicts]
            if None in found:
                kept.append(record)
            elif OLDER in found:
                sent = parse_instant(record.get("updated_at"))
                assert sent is not None  # OLDER: an instant earlier than the stored one
                self.older_copies.setdefault(project_id, []).append((key, iso_z(sent)))
            else:
                self.unchanged += 1
        return kept

    def _count_older(self, project_id: str, records: Sequence[Mapping[str, Any]]) -> None:
        """Count the records sent with an ``updated_at`` at or before the ``updated_at_gt``
        asked for: a server applying the filter sends none."""
        since = self.since[project_id]
        for record in records:
            when = parse_instant(record.get("updated_at"))
            if when is not None and when <= since:
                self.older[project_id] += 1

    def warn_ignored_filter(self) -> None:
        """One warning per project whose server sent records at or before the
        ``updated_at_gt`` asked for (it seems to ignore the filter: every run reads the whole
        project; the unchanged records are still skipped)."""
        for project_id, older in self.older.items():
            if older:
                logger.warning(
                    "incremental: the server sent %d record(s) of project %s older than "
                    "updated_at_gt=%s: it seems to ignore that filter, so every run reads the "
                    "whole project (the records the database holds unchanged are skipped)",
                    older,
                    project_id,
                    iso_z(self.since[project_id]),
                )

    def warn_older_copies(self) -> None:
        """One warning per project whose server sent older copies of records the databases
        hold (FINDINGS7 G28), naming up to 3 of them."""
        for project_id, older in self.older_copies.items():
            named = ", ".join(f"{key!r} (updated_at {sent})" for key, sent in older[:3])
            more = f" and {len(older) - 3} more" if len(older) > 3 else ""
            logger.warning(
                "incremental: the server sent %d record(s) of project %s older than the rows "
                "the database holds: %s%s; ignored, the newer rows are kept (a lagging read "
                "replica sends such older copies)",
                len(older),
                project_id,
                named,
                more,
            )

    def _warn_future(self, project_id: str, record: Mapping[str, Any]) -> None:
        """One warning per record whose ``updated_at`` is later than this run's clock (plus
        the overlap): written, but not taken as the mark (FINDINGS6 F19)."""
        key = str(record.get("id"))
        if key not in self._future_warned:
            self._future_warned.add(key)
            logger.warning(
                "incremental: record %r of project %s has updated_at %s, later than this "
                "run's clock: stored, but not used as the mark (it would hide every later "
                "change); the next runs read it again",
                key,
                project_id,
                record.get("updated_at"),
            )

    def total_stats(self) -> WalkStats:
        stats = list(self.stats.values())
        totals = [s.total for s in stats]
        return WalkStats(
            records=self.written,
            pages=sum(s.pages for s in stats),
            requests=sum(s.requests for s in stats),
            duplicates=sum(s.duplicates for s in stats) + self.unchanged + self.older_count,
            repeated_in_page=sum(s.repeated_in_page for s in stats),
            total=None if any(t is None for t in totals) else sum(t or 0 for t in totals),
            incomplete=self.incomplete(),
        )

    def incomplete(self) -> str | None:
        """Why records may be missing (``WalkStats.incomplete`` of each walk), or None; with
        several projects, each reason after its project id. An incremental run gives every
        reason that keeps a project's mark (:func:`missing_records`: also fewer records than
        the total, ids on two pages), as its warning says records may be missing."""
        reasons = [
            (pid, reason)
            for pid, s in self.stats.items()
            if (reason := missing_records(s) if self.incremental else s.incomplete)
        ]
        if not self.several:
            return reasons[0][1] if reasons else None
        return "; ".join(f"project {pid}: {reason}" for pid, reason in reasons) or None

    @property
    def older_count(self) -> int:
        """Older copies ignored, every project."""
        return sum(len(older) for older in self.older_copies.values())

    def stage_marks(self) -> None:
        """Have each state sink write the new marks in the transaction of its data (call after
        the last page, before committing the sinks). A project whose walk may lack records
        (:func:`~ionworks_toolkit.incremental.missing_records`) keeps the mark it started
        from, with one warning: the next run reads them."""
        self.warn_ignored_filter()
        self.warn_older_copies()
        marks = dict(self.after)
        for project_id, stats in self.stats.items():
            reason = missing_records(stats) if self.states else None
            if reason is not None:
                logger.warning(
                    "incremental: %s during the walk of project %s, so records may be missing; "
                    "its mark is not moved (the next run reads these changes again)",
                    reason,
                    project_id,
                )
                marks[project_id] = self.before[project_id]
        for state in self.states:
            state.stage(marks, self.key)

    def result(self, opened: Sequence[tuple[str, Sink]]) -> ExportResult:
        stats = self.total_stats()
        return ExportResult(
            project_id=",".join(self.stats),
            records=stats.records,
            duplicates=stats.duplicates,
            pages=stats.pages,
            requests=stats.requests,
            total=stats.total,
            sinks=tuple(describe_sink(text, sink) for text, sink in opened),
            per_project=tuple((pid, s.records, s.total) for pid, s in self.stats.items())
            if self.several
            else (),
            repeated_in_page=stats.repeated_in_page,
            incomplete=stats.incomplete,
            unchanged=self.unchanged,
            older_copies=self.older_count,
            vanished=tuple(self.vanished),
        )


def export_measurements(
    toolkit: Toolkit,
    project: ProjectsArgument,
    sinks: Sequence[str | Sink],
    *,
    presets: Sequence[str] = (),
    max_records: int | None = None,
    page_size: int | None = None,
    progress: Callable[[WalkStats], None] | None = None,
    incremental: bool = False,
    overlap: dt.timedelta = DEFAULT_OVERLAP,
    concurrency: int = DEFAULT_CONCURRENCY,
    filters: Mapping[str, Any],
) -> ExportResult:
    """``Toolkit.export`` for several projects and/or incremental sync (see the module
    docstring). ``max_records`` applies per project. Errors as ``Toolkit.export``; also
    ConfigurationError before any request for a sink that cannot hold state
    (incremental), max_records or updated_at_gt with incremental, an empty project list.
    """
    run = _Run(
        project,
        presets=presets,
        filters=filters,
        max_records=max_records,
        incremental=incremental,
        overlap=overlap,
        concurrency=concurrency,
    )
    params, size = toolkit._measurement_walk_args(presets, filters, page_size, max_records)
    order = toolkit._sort_order(presets, filters, params)
    opened = toolkit.open_sinks(sinks)
    try:
        run.open_state(opened)
        toolkit._check_credentials()
        per_project = run.start([toolkit.resolve_project(p) for p in run.projects], params)

        def walk(project_id: str) -> Iterator[list[Any]]:
            try:
                yield from toolkit._walk(
                    MEASUREMENTS_BY_PROJECT.records(),
                    {"project_id": project_id},
                    per_project[project_id],
                    page_size=size,
                    max_records=max_records,
                    order=order,
                    stats=run.stats[project_id],
                )
            except NotFoundError as exc:
                if not run.vanished_ok(project_id, exc):
                    raise

        with fewer_collections():  # pages are freed by reference counting
            for project_id, page in _threaded(walk, list(per_project), run.concurrency):
                write_page(
                    opened,
                    run.records(project_id, page),
                    item_model=MEASUREMENTS_BY_PROJECT.item_model,
                )
                del page  # freed before the next one is taken
                if progress is not None:
                    progress(run.total_stats())
        run.stage_marks()
        commit_sinks(opened)
    except BaseException:
        abort_sinks(opened)
        raise
    return run.result(opened)


def _threaded(
    walk: Callable[[str], Iterator[list[Any]]], project_ids: Sequence[str], concurrency: int
) -> Iterator[tuple[str, list[Any]]]:
    """Pages of every project, walked in up to ``concurrency`` threads; yielded in arrival
    order in the caller's thread. The first error of any walk is raised here; on any exit
    the walks stop (between pages) and their threads are joined."""
    pages: queue.Queue[tuple[str, list[Any] | None, BaseException | None]] = queue.Queue(
        maxsize=2 * concurrency
    )
    stop = threading.Event()

    def put(item: tuple[str, list[Any] | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                pages.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def worker(project_id: str) -> None:
        try:
            with contextlib.closing(walk(project_id)) as walker:  # type: ignore[type-var]
                for page in walker:
                    if not put((project_id, page, None)):
                        return
            put((project_id, None, None))
        except BaseException as exc:
            put((project_id, None, exc))

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ionworks-export") as pool:
        try:
            for project_id in project_ids:
                pool.submit(worker, project_id)
            remaining = len(project_ids)
            while remaining:
                project_id, page, error = pages.get()
                if error is not None:
                    raise error
                if page is None:
                    remaining -= 1
                    continue
                yield project_id, page
        finally:
            stop.set()


async def aexport_measurements(
    toolkit: AsyncToolkit,
    project: ProjectsArgument,
    sinks: Sequence[str | Sink],
    *,
    presets: Sequence[str] = (),
    max_records: int | None = None,
    page_size: int | None = None,
    prefetch: int = 1,
    progress: Callable[[WalkStats], None] | None = None,
    incremental: bool = False,
    overlap: dt.timedelta = DEFAULT_OVERLAP,
    concurrency: int = DEFAULT_CONCURRENCY,
    filters: Mapping[str, Any],
) -> ExportResult:
    """:func:`export_measurements` for ``AsyncToolkit``: up to ``concurrency`` projects walked
    as tasks, each with up to ``prefetch`` pages in flight."""
    run = _Run(
        project,
        presets=presets,
        filters=filters,
        max_records=max_records,
        incremental=incremental,
        overlap=overlap,
        concurrency=concurrency,
    )
    params, size = toolkit._measurement_walk_args(
        presets, filters, page_size, max_records, prefetch=prefetch
    )
    order = toolkit._sort_order(presets, filters, params)
    opened = await toolkit._open_sinks(sinks)
    try:
        run.open_state(opened)
        toolkit._check_credentials()
        ids = [await toolkit.resolve_project(p) for p in run.projects]
        per_project = run.start(ids, params)

        async def walk(project_id: str) -> AsyncIterator[list[Any]]:
            pages = toolkit._walk(
                MEASUREMENTS_BY_PROJECT.records(),
                {"project_id": project_id},
                per_project[project_id],
                page_size=size,
                max_records=max_records,
                order=order,
                prefetch=prefetch,
                stats=run.stats[project_id],
            )
            try:
                async for page in pages:
                    yield page
            except NotFoundError as exc:
                if not run.vanished_ok(project_id, exc):
                    raise
            finally:
                aclose = getattr(pages, "aclose", None)
                if aclose is not None:
                    await aclose()

        with fewer_collections():  # pages are freed by reference counting
            async for project_id, page in _tasks(walk, list(per_project), run.concurrency):
                write_page(
                    opened,
                    run.records(project_id, page),
                    item_model=MEASUREMENTS_BY_PROJECT.item_model,
                )
                del page  # freed before the next one is taken
                if progress is not None:
                    progress(run.total_stats())
        run.stage_marks()
        commit_sinks(opened)
    except BaseException:
        abort_sinks(opened)
        raise
    return run.result(opened)


async def _tasks(
    walk: Callable[[str], AsyncIterator[list[Any]]], project_ids: Sequence[str], concurrency: int
) -> AsyncIterator[tuple[str, list[Any]]]:
    """Pages of every project, walked by up to ``concurrency`` tasks; the first error is
    raised here and every task is cancelled on any exit."""
    pages: asyncio.Queue[tuple[str, list[Any] | None, BaseException | None]] = asyncio.Queue(
        maxsize=2 * concurrency
    )
    slots = asyncio.Semaphore(concurrency)

    async def worker(project_id: str) -> None:
        async with slots:
            walker = walk(project_id)
            try:
                async for page in walker:
                    await pages.put((project_id, page, None))
                await pages.put((project_id, None, None))
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                await pages.put((project_id, None, exc))
            finally:
                aclose = getattr(walker, "aclose", None)
                if aclose is not None:
                    await aclose()

    tasks = [asyncio.ensure_future(worker(project_id)) for project_id in project_ids]
    try:
        remaining = len(project_ids)
        while remaining:
            project_id, page, error = await pages.get()
            if error is not None:
                raise error
            if page is None:
                remaining -= 1
                continue
            yield project_id, page
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
