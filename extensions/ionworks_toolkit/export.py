"""Export bookkeeping, shared by every export loop: open sinks, write pages, commit or abort.

A run writes each page's records (``item.to_dict()``) to every sink, publishes every sink at
the end in two phases (prepare all, then commit each; see :func:`commit_sinks`) and, on any
error or interrupt, aborts every sink (no half-written output, the previous output kept).
Sink failures become SinkError naming the sink; :func:`sink_outcome` says truthfully what is
on disk after a run that stopped. Nothing here does I/O on the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from ._codec import JsonReadyList
from .arguments import check_sinks
from .auth import redact_log_text
from .errors import (
    ConfigurationError,
    ParameterError,
    PluginError,
    SinkError,
    switch_off_advice,
)
from .pagination import WalkStats
from .parsing import to_dict_records
from .plugins import BUILTIN_SINKS_PLUGIN
from .sinks import (
    BUILTIN_SINK_PRELOADS,
    BaseSink,
    OutputTarget,
    RecordSchema,
    Sink,
    SinkTarget,
    parse_sink_target,
)
from .sinks._base import (
    SinkUnavailableError,
    interruptible,
    stop_if_cancelled,
    stop_waits_on,
    waiting_for_stream,
)
from .sinks._table import printable

__all__ = [
    "ABANDONED_SINK",
    "SINK_PLUGIN",
    "STOPS",
    "AsyncPageWriter",
    "ExportResult",
    "abort_sinks",
    "bind_schema",
    "commit_sinks",
    "describe_sink",
    "export_result",
    "open_sinks",
    "run_preloads",
    "sink_error",
    "sink_outcome",
    "sink_preloads",
    "takes_raw_lines",
    "write_page",
    "writes_in_worker_thread",
]

logger = logging.getLogger("ionworks_toolkit.http")

#: The attribute a KeyboardInterrupt that abandoned publishing gets (a second Ctrl-C or
#: SIGTERM, see :func:`commit_sinks`): the text of the sink whose commit it cut part-way (its
#: output state unknown), or ``""`` when it stopped the run between two sinks' commits.
ABANDONED_SINK = "ionworks_abandoned_sink"

SinkFactories = Mapping[str, tuple[Callable[[str, dict[str, str]], Sink], str]]


@attrs.frozen
class ExportResult:
    """What an export did: ``records`` written to every sink, ``duplicates`` skipped, ``pages``
    and ``requests``, the server's ``total``, and each sink's one-line description.

    ``requests`` counts the page requests sent (``WalkStats.requests``): each once, answered
    or not, prefetched ones the walk dropped or cancelled after sending them included; not
    retries, nor the requests looking a project up by name.

    An incremental export (``incremental=True``) also counts, within ``duplicates``, the
    records its databases hold with the same content (``unchanged``) and the older copies of
    their rows it ignored (``older_copies``: an ``updated_at`` earlier than the stored row's,
    e.g. from a lagging read replica); both are 0 for any other export.

    For an export of several projects (``project_id`` is then their ids joined by commas,
    ``total`` the sum of the servers' totals, ``None`` when one is unknown), ``per_project``
    holds ``(project id, records listed, the server's total or None)`` for each, in walk
    order; ``()`` for one project."""

    project_id: str
    records: int
    duplicates: int
    pages: int
    requests: int
    total: int | None
    sinks: tuple[str, ...]
    per_project: tuple[tuple[str, int, int | None], ...] = ()
    #: Of ``duplicates``, copies of an id the server sent twice in one page (``WalkStats``).
    repeated_in_page: int = 0
    #: Why records may be missing although the walk ended without an error, or None
    #: (``WalkStats.incomplete``: the server's total fell during the walk, or records came
    #: again on later pages without a total to count against; each was warned about). An
    #: incremental export: every reason its mark was kept (``incremental.missing_records``).
    #: The command line publishes such a run's outputs and ends with exit code 7.
    incomplete: str | None = None
    #: Of ``duplicates`` (incremental): records the databases hold with the same content.
    unchanged: int = 0
    #: Of ``duplicates`` (incremental): older copies of rows the databases hold, ignored.
    older_copies: int = 0
    #: Projects listed by ``GET /projects`` (``ProjectId``, ``--all-projects``) that were gone
    #: (404) when their walk began: not exported, the others were; ``()`` when none.
    vanished: tuple[str, ...] = ()

    @property
    def total_mismatch(self) -> bool:
        """``WalkStats.total_mismatch``: copies sent in the same page are not counted."""
        sent = self.records + self.duplicates - self.repeated_in_page
        return self.total is not None and self.total != sent


#: The attribute :func:`open_sinks` sets on a sink that a plugin's factory built: the
#: plugin's name, so that an error the sink's code raises names the plugin (see
#: :func:`sink_error`); read through wrappers that pass attributes on (the CLI's).
SINK_PLUGIN = "ionworks_plugin"


#: Exceptions from sink code that stop the run as they are: a Ctrl-C or SIGTERM
#: (KeyboardInterrupt) and the cancellation of the asyncio task running the export. Any
#: other BaseException a sink raises (SystemExit, GeneratorExit, a BaseException subclass)
#: is a sink failure like an Exception (:func:`sink_error`), never a silent exit.
STOPS: tuple[type[BaseException], ...] = (KeyboardInterrupt, asyncio.CancelledError)


def sink_error(sinks: Sequence[tuple[str, Sink]], text: str, error: BaseException) -> SinkError:
    """The SinkError for ``error``, raised by the code of the sink named ``text`` (one of
    ``sinks``). An Exception: ``sink TEXT failed: TYPE: MESSAGE``. Another BaseException
    (not one of :data:`STOPS`: a plugin's ``_write`` raising ``SystemExit(0)``, which would
    end the program with exit code 0 and nothing published) also names the plugin whose
    factory built the sink (:data:`SINK_PLUGIN`), or the sink's class: ``sink bad:x failed:
    SystemExit: 0 (plugin bad's sink raised SystemExit: a sink's code may not end the
    program; ...)``."""
    if isinstance(error, Exception):
        return SinkError(text, error)
    sink = next((sink for name, sink in sinks if name == text), None)
    plugin = getattr(sink, SINK_PLUGIN, None)
    if isinstance(plugin, str):
        who = f"plugin {plugin}'s sink"
        advice = f"; switch it off with {switch_off_advice(plugin)}"
    else:  # a Sink object given to export(): its class (the one a wrapper wraps)
        who = f"its code ({_class_name(getattr(sink, 'wrapped', sink))})"
        advice = ""
    return SinkError(
        text,
        error,
        detail=f"{who} raised {type(error).__name__}: a sink's code may not end the program; "
        f"it fails by raising an Exception{advice}",
    )


def _class_name(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _plugin_of(owner: str) -> str | None:
    """The plugin name in a sink factory's owner (``"plugin acme"`` -> ``"acme"``); None for
    the built-in sinks (their failures are sink errors, not a plugin's)."""
    if not owner.startswith("plugin "):
        return None
    name = owner.removeprefix("plugin ")
    return None if name == BUILTIN_SINKS_PLUGIN else name


def _not_a_sink(made: object) -> str | None:
    """What is wrong with ``made`` as a Sink, or None: it lacks ``write``, ``commit`` or
    ``abort`` (None, a str, an object), or it is a :class:`~.sinks.BaseSink` whose
    ``__init__`` did not call ``BaseSink.__init__`` (no state: its first write or abort would
    raise AttributeError)."""
    methods = ("write", "commit", "abort")
    missing = [name for name in methods if not callable(getattr(made, name, None))]
    if missing:
        shown = "None" if made is None else type(made).__name__
        if isinstance(made, str):
            shown += f" {printable(made[:60])!r}"
        if len(missing) < len(methods):  # duck-typed, but not all of it
            shown += f", which has no {' nor '.join(f'{name}()' for name in missing)}:"
        else:
            shown += ","
        return f"returned {shown} not a Sink with write(records), commit() and abort()"
    if isinstance(made, BaseSink) and not hasattr(made, "_state"):
        return (
            f"{type(made).__name__} is not initialised (does its __init__ call "
            "super().__init__(label)?)"
        )
    return None


def sink_preloads(
    targets: Sequence[str | Sink], factories: SinkFactories
) -> list[Callable[[], None]]:
    """What imports the modules the sinks of ``targets`` import when :func:`open_sinks` builds
    them and when they write (``BUILTIN_SINK_PRELOADS``: pyarrow, and pandas through it, for
    ``parquet:`` and ``dataset:``; psycopg for ``postgresql:``), in order, each once. A target
    that does not parse, a ready Sink and a plugin's factory add none (:func:`open_sinks`
    reports a bad target)."""
    wanted: list[Callable[[], None]] = []
    for target in targets:
        if not isinstance(target, str):
            continue
        try:
            scheme = parse_sink_target(target, factories.keys()).scheme
        except ValueError:
            continue
        preload = BUILTIN_SINK_PRELOADS.get(factories[scheme][0])
        if preload is not None and preload not in wanted:
            wanted.append(preload)
    return wanted


def run_preloads(preloads: Sequence[Callable[[], None]]) -> None:
    """Run :func:`sink_preloads`' functions (in a worker thread). One that fails is left to
    its sink's factory, which meets the same failure and reports it in its own words."""
    for preload in preloads:
        with contextlib.suppress(Exception):
            preload()


def open_sinks(
    targets: Sequence[str | Sink],
    factories: SinkFactories,
    failed: Mapping[str, tuple[str, Sequence[str]]] = MappingProxyType({}),
) -> list[tuple[str, Sink]]:
    """Parse every target (``SCHEME:TARGET[?k=v]`` or a path) and build its sink.

    ``failed``: the plugins switched off while registering their sinks
    (``PluginHost.failed_sinks``): a scheme one of them registered is "not available",
    naming the plugin and its error (:func:`~.sinks.parse_sink_target`).

    ``factories``: scheme -> (factory, owning plugin), from the ``ionworks_register_sinks``
    hook. Raises ConfigurationError naming the target and the known schemes; nothing is opened
    when any target is bad. ``targets`` must be a non-empty list (ArgumentTypeError for a
    str or an item that is neither a target nor a Sink, ParameterError for an empty list or
    a :class:`~.sinks.BaseSink` whose ``__init__`` skipped ``BaseSink.__init__``).

    A plugin's factory that raises something other than ValueError/ImportError (a bad
    target or option, a missing dependency: ConfigurationError), or returns something that
    is not a Sink (None, a str, an object without ``write``/``commit``/``abort``, a
    ``BaseSink`` subclass that is not initialised), is a PluginError naming the plugin and
    the scheme: ``plugin bad's sink factory for 'retnone' returned None, not a Sink ...``.
    All of this happens before any request; the sinks opened so far are aborted.
    """
    check_sinks(targets)
    parsed: list[tuple[str, SinkTarget | None, Sink | None]] = []
    for index, target in enumerate(targets):
        if not isinstance(target, str):
            problem = _not_a_sink(target)  # check_sinks saw the methods: the state here
            if problem is not None:
                raise ParameterError(
                    f"sinks[{index}]: {problem}",
                    source="argument",
                    parameter="sinks",
                    choices=(),
                )
            # A ready sink is named by its label ("csv:out.csv") when it has one.
            label = getattr(target, "label", None)
            parsed.append(
                (label if isinstance(label, str) else type(target).__name__, None, target)
            )
            continue
        try:
            target_spec = parse_sink_target(target, factories.keys(), failed=failed)
        except SinkUnavailableError as exc:  # the plugin's fault, as for its presets
            raise PluginError(str(exc)) from exc
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from exc
        parsed.append((target, target_spec, None))
    sinks: list[tuple[str, Sink]] = []
    for text, spec, ready in parsed:
        if ready is not None:
            sinks.append((text, ready))
            continue
        assert spec is not None
        factory, owner = factories[spec.scheme]
        plugin = _plugin_of(owner)
        try:
            made = factory(spec.target, dict(spec.options))
        except BaseException as exc:
            abort_sinks(sinks)  # nothing stays open when any target is bad
            if isinstance(exc, (*STOPS, PluginError)):  # e.g. a scheme switched off by a clash
                raise
            if isinstance(exc, ValueError | ImportError):
                # A bad target or option, or a missing optional dependency (pyarrow for
                # parquet:): a setup problem, reported before any request.
                raise ConfigurationError(str(exc)) from exc
            if plugin is None:
                if not isinstance(exc, Exception):
                    raise
                raise SinkError(text, exc) from exc
            message = f": {redact_log_text(str(exc))}" if str(exc) else ""
            raise PluginError(
                f"plugin {plugin}'s sink factory for {spec.scheme!r} raised "
                f"{type(exc).__name__}{message} (switch it off with {switch_off_advice(plugin)})"
            ) from exc
        problem = _not_a_sink(made)
        if problem is not None:
            abort_sinks(sinks)
            maker = f"plugin {plugin}'s" if plugin is not None else "the"
            separator = ": " if problem[0].isupper() else " "
            advice = f" (switch it off with {switch_off_advice(plugin)})" if plugin else ""
            raise PluginError(
                f"{maker} sink factory for {spec.scheme!r}{separator}{problem}{advice}"
            )
        if plugin is not None:
            with contextlib.suppress(AttributeError, TypeError):  # __slots__, frozen: unnamed
                setattr(made, SINK_PLUGIN, plugin)
        sinks.append((text, made))
    try:
        check_destinations(sinks)
    except ConfigurationError:
        abort_sinks(sinks)
        raise
    return sinks


def check_destinations(sinks: Sequence[tuple[str, Sink]]) -> None:
    """Refuse two sinks on one destination (see :func:`_destination`), and a sink whose
    destination lies inside the folder another sink owns (:func:`_owned_folder`: a
    ``dataset:`` replaces its whole folder when it publishes, so ``ds/inside.csv`` beside
    ``dataset:ds``, or ``dataset:ds/b`` beside ``dataset:ds``, would be lost or break the
    publish), before any request. Run when the sinks are opened and again when the schema is
    bound (a database sink's default table is the resource's, known only then).

    :raises ConfigurationError: naming both sinks and the destination they share, or the
        destination and the folder it lies in.
    """
    seen: dict[str, str] = {}
    files: dict[tuple[int, int], tuple[str, str]] = {}  # (device, inode) -> (text, path)
    destinations = [(text, _destination(sink)) for text, sink in sinks]
    folders = [(text, folder) for text, sink in sinks if (folder := _owned_folder(sink))]
    for text, destination in destinations:
        for owner, folder in folders:
            if destination is not None and destination.startswith(f"{folder.rstrip('/')}/"):
                raise ConfigurationError(
                    f"sink {text} writes inside the folder of sink {owner}: {destination} "
                    f"lies in {folder}, which {owner} replaces as a whole when it publishes; "
                    "give each sink its own target, outside that folder"
                )
    for (text, sink), (_, destination) in zip(sinks, destinations, strict=True):
        if destination is None:
            continue
        if destination in seen:
            raise ConfigurationError(
                f"sinks {seen[destination]} and {text} both write to {destination}; give each "
                "sink its own target"
            )
        seen[destination] = text
        same = _file_identity(sink)
        if same is not None:
            if same in files:  # hard links (or a bind mount) of one file under two paths
                first, path = files[same]
                raise ConfigurationError(
                    f"sinks {first} and {text} both write to one file: {path} and "
                    f"{destination} are links to it; give each sink its own target"
                )
            files[same] = (text, destination)


def _destination(sink: Any) -> str | None:
    """What a sink writes to, to tell two sinks on one file apart: a regular file's resolved
    path, a dataset's ``location`` (its root with its filesystem's protocol), ``stdout``;
    ``None`` for what may be shared (``/dev/null`` and other devices, FIFOs, the terminal
    table). A database table on a server is named by the sink's ``table_key`` (host, port,
    database, schema and table; never credentials)."""
    table_key = getattr(sink, "table_key", None)
    if isinstance(table_key, str):
        return table_key
    target = getattr(sink, "target", None)
    if isinstance(target, OutputTarget):
        if target.kind == "stdout":
            return "stdout"
        if target.stream:
            return None
    path = getattr(sink, "path", None)
    if isinstance(path, Path):
        return str(path.resolve())
    return _owned_folder(sink)


def _owned_folder(sink: Any) -> str | None:
    """The folder a sink owns as a whole and replaces when it publishes: a ``dataset:``'s
    ``location`` (its real local path, or its root with its filesystem's protocol), or a
    plugin sink's ``location`` or ``root`` (a ``str``); ``None`` for a sink that names a
    database table (``table_key``), a stream or a file (``path``)."""
    if isinstance(getattr(sink, "table_key", None), str):
        return None
    if isinstance(getattr(sink, "target", None), OutputTarget):
        return None
    if isinstance(getattr(sink, "path", None), Path):
        return None
    root = getattr(sink, "location", None) or getattr(sink, "root", None)
    return root if isinstance(root, str) else None


def _file_identity(sink: Any) -> tuple[int, int] | None:
    """``(device, inode)`` of the existing regular file a sink's ``path`` names (two paths of
    one file, hard links, have one; a SQLite sink on each would wait for its own lock), else
    ``None``."""
    path = getattr(sink, "path", None)
    if not isinstance(path, Path):
        return None
    try:
        found = path.stat()
    except (OSError, ValueError):
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISREG(found.st_mode) else None


def bind_schema(sinks: Sequence[tuple[str, Sink]], schema: RecordSchema) -> None:
    """Tell every sink that can take it (``bind_schema``, as :class:`~.sinks.BaseSink`) which
    item schema the run's records follow: its columns, types and default table name (e.g.
    ``projects_schema()`` for ``GET /projects``). Call before the first page: a sink whose
    options do not fit the schema (``table:?columns=nmae``) raises ConfigurationError here,
    before any request."""
    for _, sink in sinks:
        bind = getattr(sink, "bind_schema", None)
        if bind is not None:
            try:
                bind(schema)
            except ValueError as exc:  # SinkTargetError: an option the schema cannot serve
                raise ConfigurationError(str(exc)) from exc
    check_destinations(sinks)  # default tables are known now: `db` and `db?table=measurements`


def takes_raw_lines(sinks: Sequence[tuple[str, Sink]]) -> bool:
    """True when a sink writes a page's items as the server sent them (``takes_raw_lines``:
    the ``jsonl:`` sink), so that the export asks the parser for them
    (``ListOperation.records(raw_lines=True)``)."""
    return any(getattr(sink, "takes_raw_lines", False) for _, sink in sinks)


def write_page(
    sinks: Sequence[tuple[str, Sink]], page: Sequence[Any], *, item_model: Any = None
) -> None:
    """Write one page's records to every sink; SinkError on a failure. ``page``: records
    (dicts) or models (written as ``item.to_dict()``).

    ``item_model``: the page holds records from ``ListOperation.records()`` (date-times
    possibly as the server sent them, see ``parsing.parse_page``) of this generated model. A
    sink that applies the sinks' date rule itself (``applies_date_rule``, every built-in
    sink) gets them as they are; any other (a plugin sink) gets their ``item.to_dict()``
    form (``parsing.to_dict_records``), built once per page when such a sink is there.

    A stream sink whose reader went away (``| head``) stops by itself and the others go on;
    when that is true of every sink, BrokenPipeError ends the run (the CLI exits quietly).
    """
    records: Sequence[Any] = (
        page  # records parsed by msgspec, passed on as such (the sinks skip their NaN scan)
        if type(page) is JsonReadyList
        else [item if type(item) is dict else item.to_dict() for item in page]
    )
    public: Sequence[Any] | None = None if item_model is not None else records
    for text, sink in sinks:
        given = records
        if not getattr(sink, "applies_date_rule", False):
            if public is None:
                public = to_dict_records(item_model, records)
            given = public
        try:
            with interruptible(sink):  # a plugin's write that blocks: Ctrl-C stops it at once
                sink.write(given)
        except STOPS:
            raise
        except BaseException as exc:  # SystemExit(0) from a plugin's _write too: a failure
            raise sink_error(sinks, text, exc) from exc
    if sinks and all(getattr(sink, "reader_gone", False) for _, sink in sinks):
        raise BrokenPipeError("every output's reader has gone")


def writes_in_worker_thread(sinks: Sequence[tuple[str, Sink]]) -> bool:
    """True when every sink may be written from a worker thread (``writes_in_worker_thread``:
    the JSON Lines and CSV sinks to a regular file), so that an async export's
    :class:`AsyncPageWriter` overlaps each page's write with receiving the next one."""
    return bool(sinks) and all(getattr(sink, "writes_in_worker_thread", False) for _, sink in sinks)


class AsyncPageWriter:
    """An async export's page writes: :func:`write_page` for each page, in order, off the
    event loop when every sink allows it (:func:`writes_in_worker_thread`), else on it.

    Off the loop, :meth:`write` hands the page to one worker thread and returns once the
    page before it is written, so the loop receives and parses the next page while the
    system writes this one (a 1000-measurement page of the seed endpoint is ~9 MB of JSON
    Lines: its ``write`` holds no lock the loop needs). At most one page is being written and
    one waiting; a write's error (SinkError) is raised by the next :meth:`write` or by
    :meth:`finish`. ``progress`` (a callable taking :class:`WalkStats`) gets each page's
    figures once that page is written. After an error or a cancellation, :meth:`close`
    waits for the page being written before the sinks are aborted, so no thread writes into
    a file that is being deleted."""

    def __init__(
        self,
        sinks: Sequence[tuple[str, Sink]],
        *,
        item_model: Any = None,
        progress: Callable[[WalkStats], None] | None = None,
    ) -> None:
        self._sinks = sinks
        self._item_model = item_model
        self._progress = progress
        #: Set when the writer closes: a wait in its thread (a SQLite write lock another run
        #: holds) then ends at its next poll instead of holding the run (``stop_waits_on``).
        self._stop = threading.Event()
        self._pool = (
            ThreadPoolExecutor(
                1, "ionworks-sink", initializer=stop_waits_on, initargs=(self._stop,)
            )
            if writes_in_worker_thread(sinks)
            else None
        )
        self._pending: tuple[Future[None], WalkStats] | None = None

    async def write(self, page: Sequence[Any], stats: WalkStats) -> None:
        """Write ``page`` (as :func:`write_page`); ``stats``: the walk's figures after it (a
        copy is kept for ``progress``)."""
        await self._settle()
        figures = attrs.evolve(stats)
        if self._pool is None:
            write_page(self._sinks, page, item_model=self._item_model)
            self._report(figures)
            return
        future = self._pool.submit(write_page, self._sinks, page, item_model=self._item_model)
        self._pending = (future, figures)

    async def finish(self) -> None:
        """Wait for the last page's write (its error raised), then stop the worker thread."""
        await self._settle()
        self.close()

    def close(self) -> None:
        """Wait for the page being written, if any (its error ignored: the run is already
        failing), and stop the worker thread. Blocks the calling thread for at most that one
        write; a wait in it for another run's lock ends at its next poll (0.1 s) with
        ``asyncio.CancelledError``."""
        self._pending = None
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True)  # returns once the page being written is

    async def _settle(self) -> None:
        if self._pending is None:
            return
        future, figures = self._pending
        await asyncio.wrap_future(future)  # cancelled: the write goes on; close() waits for it
        self._pending = None
        self._report(figures)

    def _report(self, figures: WalkStats) -> None:
        if self._progress is not None:
            self._progress(figures)


def commit_sinks(sinks: Sequence[tuple[str, Sink]]) -> None:
    """Publish every sink, in two phases: first ``prepare()`` each (finish, fsync, take locks;
    nothing visible yet; a failure or an interrupt here aborts all and publishes nothing),
    then ``commit()`` each (renames and SQL ``COMMIT``: the window in which only some
    outputs are published is the time of these steps). The second phase commits the sinks
    whose commit may wait or fail for a reason outside the run first (a SQLite ``COMMIT``
    waiting up to 30 s for a reader, a PostgreSQL ``COMMIT``, a plugin's), in the order
    given, and the files published by a rename (``publishes_by_rename``) last: a database
    that cannot commit then leaves every output as it was, whatever the order of the sinks
    (FINDINGS11 L2: a CSV file listed first was published, then the database rolled back).

    SIGINT and SIGTERM that arrive during the second phase (main thread only) are held
    (except in a wait before any output is published, e.g. a SQLite ``COMMIT`` waiting for
    a reader: the run stops there, nothing published): the first prints ``publishing:
    finishing OUTPUT; press Ctrl-C again to abandon it (outputs may be left partly
    published)`` on stderr and is delivered when the phase ends (the run then reports every
    output published). A second one abandons the phase: at once when the
    sink being committed does not declare ``marks_its_waits`` (a plugin's ``_commit``, a
    PostgreSQL ``COMMIT``, an object-store copy: the KeyboardInterrupt carries
    :data:`ABANDONED_SINK`, that sink's text, since its output state is then unknown) or
    waits for a lock; otherwise (a rename, a local ``COMMIT``: milliseconds) once that sink
    is published, before the next one. The outputs not yet committed are rolled back.

    :raises SinkError: naming the sink that failed; when some were already published, a note
        says which (see :func:`sink_outcome`).
    :raises BrokenPipeError: every sink is a stream whose reader closed the pipe (e.g.
        ``parquet:- | head -c 10``, found when its footer is sent): the CLI exits quietly.
    :raises asyncio.CancelledError: the asyncio task running the export was cancelled (a
        first Ctrl-C under ``asyncio.run``) before the second phase began: nothing published.
    """
    for text, sink in sinks:
        prepare = getattr(sink, "prepare", None)
        if prepare is None:
            continue
        try:
            with interruptible(sink):
                prepare()
        except STOPS:
            raise
        except BaseException as exc:
            raise sink_error(sinks, text, exc) from exc
    stop_if_cancelled()  # a Ctrl-C while preparing: publish nothing
    renamed_last = sorted(sinks, key=lambda pair: getattr(pair[1], "publishes_by_rename", False))
    with _Publishing() as publishing:
        for text, sink in renamed_last:
            publishing.now(text, sink)
            try:
                sink.commit()
            except KeyboardInterrupt as interrupt:  # a second signal: publishing abandoned
                if getattr(sink, "state", None) != "committed" and not getattr(
                    sink, "marks_its_waits", False
                ):
                    setattr(interrupt, ABANDONED_SINK, text)  # stopped inside its commit
                raise
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                error = sink_error(sinks, text, exc)
                published = [t for t, s in sinks if getattr(s, "state", "") == "committed"]
                if published:
                    error.add_note(f"already published: {', '.join(published)}")
                raise error from exc
            publishing.committed()  # a stop asked for while this brief commit ran: now
    if sinks and all(getattr(sink, "reader_gone", False) for _, sink in sinks):
        # Every output was stdout and its reader left while the last bytes went out (a
        # Parquet stream's footer, FINDINGS8 H10): stop quietly, as write_page does.
        raise BrokenPipeError("every output's reader has gone")


def abort_sinks(sinks: Sequence[tuple[str, Sink]]) -> None:
    """Abort every sink; a failing abort is logged and the others still aborted. The run is
    stopping already: a Ctrl-C or SIGTERM while an abort hangs (a plugin's, a ``ROLLBACK``
    on a dead connection) ends that abort at once, unless the sink marks its waits (see
    :func:`~.sinks._base.interruptible`), and the others are still aborted."""
    for text, sink in sinks:
        try:
            with interruptible(sink):
                sink.abort()
        except KeyboardInterrupt:  # the error or interrupt that stopped the run stays raised
            continue
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # keep aborting the others; the original error matters
            logger.warning(
                "could not abort sink %s (%s: %s)",
                text,
                type(exc).__name__,
                redact_log_text(str(exc)),  # a plugin's message may quote a credential
            )


def describe_sink(text: str, sink: Any) -> str:
    """The one-line summary of a committed sink: its ``describe()``, or ``text`` (the target
    it was opened from) when it has none. A ``describe()`` that raises or gives something
    other than text (a plugin's) does not turn a published export into a failure: the
    summary says ``"committed TEXT (its describe() raised RuntimeError)"`` and one warning on
    the ``ionworks_toolkit.http`` logger gives the exception."""
    describe = getattr(sink, "describe", None)
    if describe is None:
        return text
    try:
        with interruptible(sink):  # a plugin's describe() that hangs: Ctrl-C stops it
            description = describe()
    except STOPS:
        raise
    except BaseException as exc:  # SystemExit from a plugin's describe() too
        logger.warning(
            "sink %s was committed, but its describe() raised %s: %s",
            text,
            type(exc).__name__,
            redact_log_text(str(exc)),  # a plugin's message may quote a credential
        )
        return f"committed {text} (its describe() raised {type(exc).__name__})"
    if not isinstance(description, str):
        logger.warning(
            "sink %s was committed, but its describe() gave %s, not text",
            text,
            type(description).__name__,
        )
        return f"committed {text}"
    return description


def export_result(
    project_id: str, stats: WalkStats, sinks: Sequence[tuple[str, Sink]]
) -> ExportResult:
    """The ExportResult of a finished run."""
    return ExportResult(
        project_id=project_id,
        records=stats.records,
        duplicates=stats.duplicates,
        pages=stats.pages,
        requests=stats.requests,
        total=stats.total,
        sinks=tuple(describe_sink(text, sink) for text, sink in sinks),
        repeated_in_page=stats.repeated_in_page,
        incomplete=stats.incomplete,
    )


class _Publishing:
    """The second phase's signal handling (see :func:`commit_sinks`): a context manager that
    holds SIGINT, SIGTERM and SIGHUP (main thread only; a signal ignored when the phase
    begins, such as SIGINT in a background job or SIGHUP under ``nohup``, stays ignored)
    and delivers them, in order, to the handlers it replaced when the phase ends or is
    abandoned."""

    def __init__(self) -> None:
        self.held: list[int] = []
        self._previous: dict[int, Any] = {}
        self._text = ""
        self._sink: Any = None
        self._abandon = False
        self._published = False

    def __enter__(self) -> _Publishing:
        if threading.current_thread() is threading.main_thread():
            hangup = getattr(signal, "SIGHUP", None)  # POSIX only
            for wanted in (signal.SIGINT, signal.SIGTERM, *filter(None, [hangup])):
                with contextlib.suppress(ValueError, OSError):  # not the main interpreter
                    if signal.getsignal(wanted) is not signal.SIG_IGN:
                        self._previous[wanted] = signal.signal(wanted, self._hold)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._deliver(at_once=False)

    def now(self, text: str, sink: Any) -> None:
        """``sink`` (named ``text``) is the one being committed now."""
        self._text, self._sink = text, sink

    def _hold(self, signum: int, _frame: Any) -> None:
        self.held.append(signum)
        if not self._published and waiting_for_stream():
            # Nothing published yet, and the first output waits (a SQLite COMMIT for a
            # reader): stopping here publishes nothing, as before this phase.
            self._deliver(at_once=True)
        elif len(self.held) == 1:
            again = (
                "press Ctrl-C again to abandon it"
                if signum == signal.SIGINT
                else "a second SIGTERM or Ctrl-C abandons it"
            )
            _say(
                f"publishing: finishing {printable(redact_log_text(self._text))}; {again} "
                "(outputs may be left partly published)"
            )
        elif waiting_for_stream() or not getattr(self._sink, "marks_its_waits", False):
            self._deliver(at_once=True)  # e.g. a plugin's _commit that hangs: stop it now
        else:
            self._abandon = True  # a rename or local COMMIT: done in milliseconds

    def committed(self) -> None:
        """After each sink's commit: a second signal that came while it ran stops the run
        now (KeyboardInterrupt), before the next output is published."""
        self._published = True
        if self._abandon:
            self._deliver(at_once=True)

    def _deliver(self, *, at_once: bool) -> None:
        """Put the replaced handlers back and raise the held signals through them. With
        ``at_once`` (abandoning), inside :func:`interruptible`: the CLI's handlers raise
        KeyboardInterrupt rather than cancel the asyncio task; Python's default SIGINT
        handler raises it anyway. A handler that returns (nothing stops the run) leaves
        KeyboardInterrupt to be raised here when abandoning."""
        previous, self._previous = self._previous, {}
        for number, handler in previous.items():
            signal.signal(number, handler)
        held = [number for number in dict.fromkeys(self.held) if number in previous]
        if not held:
            return
        if not at_once:
            for number in held:
                signal.raise_signal(number)
            return
        try:
            with interruptible():
                for number in held:
                    signal.raise_signal(number)
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            if not hasattr(interrupt, ABANDONED_SINK):
                setattr(interrupt, ABANDONED_SINK, "")  # commit_sinks names a sink cut part-way
            raise


def _say(message: str) -> None:
    """``message`` on stderr from a signal handler: one ``os.write`` (the handler may run
    while the main thread is inside ``sys.stderr.write``, which is not reentrant)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.write(sys.stderr.fileno(), f"{message}\n".encode(errors="replace"))


def sink_outcome(
    sinks: Sequence[tuple[str, Sink]], *, name_rolled_back: bool = False, abandoned: str = ""
) -> str:
    """What is on disk after a run that stopped: ``"published: A; rolled back (previous output
    kept): B; already streamed: jsonl:- (25 records, cannot be taken back)"`` (``"5 records
    and part of record 6"`` when a stream stopped inside a record: its ``cut_record``). ``""`` when
    nothing was published nor streamed (everything rolled back), unless ``name_rolled_back``
    (the exit-6 message names every output, even when all were rolled back). Uses each
    sink's ``state`` (``committed``/``aborted``), ``streaming``, ``streamed``,
    ``keeps_previous_output``, ``stages_output`` and ``records_written``.

    A stream (stdout, a device, a FIFO) or the terminal (``table:``) has no previous output
    to keep: when none of its records went out (``--sink jsonl:/dev/full``, a Parquet stream
    whose row group never left) it is listed under ``nothing written (no previous output to
    keep)``, never as rolled back; so is a file or SQLite database that did not exist when
    its sink was built (its ``keeps_previous_output`` is false). One whose previous output
    someone else removed or replaced during the run (its ``previous_gone``) is listed under
    ``nothing written (the previous output was removed or replaced during the run)``; a file
    someone else wrote to, replaced or created during the run, which stopped it (its
    ``changed_by_other``: that verb), under ``nothing written (the file was written to by
    someone else during the run; it is left as it is now)``.

    A stream that went out in part is listed under ``already streamed`` with its records
    (``jsonl:- (37 records and part of record 38, cannot be taken back)``), or with its
    ``streamed_detail`` when it has one (a Parquet stream: ``100 bytes without the footer:
    not a readable Parquet file``).

    A sink whose abort could not restore its previous output says what it left in its
    ``abort_left`` text (the sqlite sink after a failed write whose journal could not be
    replayed): listed under ``not rolled back: TEXT (ITS abort_left)``.

    Only a sink that declares ``stages_output`` (every built-in one; see
    :class:`~.sinks.BaseSink`) is said to be rolled back: an aborted plugin sink without it,
    or one without ``state``, is listed under ``output state unknown``, since it may have
    written to its target directly.

    ``abandoned``: the text of the sink whose commit a second Ctrl-C or SIGTERM abandoned
    part-way (a KeyboardInterrupt's :data:`ABANDONED_SINK`): listed under ``publishing
    abandoned part-way, output state unknown (it may be partly published)``."""
    published, rolled_back, streamed, unknown, nothing, gone = [], [], [], [], [], []
    left, cut = [], []
    changed: dict[str, list[str]] = {}  # what someone else did to a file -> its outputs
    for text, sink in sinks:
        if abandoned and text == abandoned:
            cut.append(text)
            continue
        state = getattr(sink, "state", None)
        written = getattr(sink, "records_written", 0)
        n = f"{written} record" if written == 1 else f"{written} records"
        if getattr(sink, "cut_record", False):  # the stream stopped inside the next record
            n += f" and part of record {written + 1}"
        if isinstance(detail := getattr(sink, "streamed_detail", None), str):
            n = detail  # what the stream holds, when records are no measure of it (Parquet)
        stream = getattr(sink, "streaming", False)
        if getattr(sink, "reader_gone", False):
            streamed.append(f"{text} ({n}, then its reader closed the pipe)")
        elif state != "committed" and getattr(sink, "streamed", stream and written):
            streamed.append(f"{text} ({n}, cannot be taken back)")
        elif state == "committed":
            published.append(text)
        elif isinstance(how := getattr(sink, "changed_by_other", None), str):
            changed.setdefault(how, []).append(text)  # FINDINGS12 M1
        elif getattr(sink, "previous_gone", False) is True:
            gone.append(text)  # someone else removed or replaced it (FINDINGS11 L6)
        elif (stream or not getattr(sink, "keeps_previous_output", True)) and getattr(
            sink, "stages_output", stream
        ):
            nothing.append(text)  # a stream or the terminal: no previous output to keep
        elif state == "aborted" and getattr(sink, "abort_left", ""):
            left.append(f"{text} ({sink.abort_left})")  # type: ignore[attr-defined]
        elif state in ("aborted", "open", "prepared") and getattr(sink, "stages_output", False):
            rolled_back.append(text)
        else:
            unknown.append(text)
    if (
        not published
        and not streamed
        and not unknown
        and not left
        and not cut
        and not (name_rolled_back and (rolled_back or nothing or gone or changed))
    ):
        return ""
    parts = []
    if published:
        parts.append(f"published: {', '.join(published)}")
    if cut:
        parts.append(
            "publishing abandoned part-way, output state unknown (it may be partly "
            f"published): {', '.join(cut)}"
        )
    if rolled_back:
        parts.append(f"rolled back (previous output kept): {', '.join(rolled_back)}")
    if left:
        parts.append(f"not rolled back: {', '.join(left)}")
    if nothing:
        parts.append(f"nothing written (no previous output to keep): {', '.join(nothing)}")
    if gone:
        parts.append(
            "nothing written (the previous output was removed or replaced during the run): "
            f"{', '.join(gone)}"
        )
    for how, texts in changed.items():
        parts.append(
            f"nothing written (the file was {how} by someone else during the run; it is left "
            f"as it is now): {', '.join(texts)}"
        )
    if streamed:
        parts.append(f"already streamed: {', '.join(streamed)}")
    if unknown:
        parts.append(
            "aborted, output state unknown (the sink does not stage its output; it may have "
            f"written to its target directly): {', '.join(unknown)}"
        )
    return "; ".join(parts)
