"""Sink contract, shared plumbing and target parsing.

Sections:

* errors raised by sinks (``SinkTargetError``, ``SinkRecordError``, ``SinkDependencyError``,
  ``SinkStateError``; the session wraps failures in ``ionworks_toolkit.errors.SinkError``);
* the public ``Sink`` protocol and the ``SinkFactory`` signature;
* ``BaseSink``: context-manager plumbing and the ``records_written`` counter;
* ``SinkTarget`` / ``parse_sink_target``: the ``SCHEME:TARGET[?key=value&...]`` syntax;
* private helpers shared by the built-in sinks (option checks, atomic files, spools).

Only the standard library is imported here; nothing runs at import time.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import os
import re
import select
import socket
import stat
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import IO, Any, Literal, Protocol, Self, runtime_checkable
from urllib.parse import quote, unquote

from .._codec import JsonReadyList
from ..errors import did_you_mean
from ._columns import ConversionStats, RecordSchema, measurements_schema

__all__ = [
    "DEFAULT_SINK_SUFFIXES",
    "STDOUT_NAMES",
    "BaseSink",
    "FileSink",
    "OutputTarget",
    "Sink",
    "SinkDependencyError",
    "SinkFactory",
    "SinkRecordError",
    "SinkStateError",
    "SinkTarget",
    "SinkTargetError",
    "install_hint",
    "output_target",
    "parse_sink_target",
]


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


#: A file path as the sinks' constructors take it: text or any ``os.PathLike``.
StrPath = str | os.PathLike[str]


class SinkTargetError(ValueError):
    """A sink target or one of its options is invalid.

    Raised by :func:`parse_sink_target` (unknown scheme, suffix that cannot be inferred,
    malformed query), by the built-in factories (unknown option key, bad option value,
    missing or impossible target) and, at the first write, by a target that turns out to be
    unusable (e.g. a SQLite table of another shape). The message always names the offending
    input and the allowed choices.
    """


class SinkUnavailableError(SinkTargetError):
    """A sink scheme registered (or tried) by a plugin that failed and was switched off: the
    message names the plugin and its failure (FINDINGS10 K6). ``open_sinks`` raises it as a
    PluginError, as for a preset of such a plugin."""


class SinkRecordError(ValueError):
    """A record cannot be stored by this sink (e.g. the sqlite sink got a record without
    ``id``). The message names the sink and the record's position in the run."""


class SinkDependencyError(ImportError):
    """An optional dependency of a sink is not installed (e.g. pyarrow for ``parquet:``).
    The message says which extra to install."""


class SinkStateError(RuntimeError):
    """``write``/``commit`` called on a sink that is already committed or aborted."""


# --------------------------------------------------------------------------------------
# The public contract
# --------------------------------------------------------------------------------------


@runtime_checkable
class Sink(Protocol):
    """Where the records of one run go. Public plugin contract (see ARCHITECTURE.md section 4).

    A sink is a context manager::

        with factory(target, options) as sink:
            for page in pages:
                sink.write(page)      # once per page; records are JSON-compatible dicts
            sink.commit()             # publish: explicit, always

    * ``write(records)`` is called once per page with the page's records, each the
      ``to_dict()`` output of a generated model (nested dicts/lists of str, int, float,
      bool, None).
    * ``commit()`` publishes everything written, atomically where the medium allows.
    * ``abort()`` discards everything written; the previous output is kept.
    * ``__exit__`` with an exception (including ``KeyboardInterrupt``) aborts.
      ``__exit__`` *without* an exception and without a prior ``commit()`` also aborts:
      commit is never implicit, so a run that stops early for any reason never publishes a
      partial result.

    :class:`BaseSink` implements this plumbing; plugin sinks are encouraged to subclass it.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None: ...

    def write(self, records: Sequence[Mapping[str, Any]]) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


#: ``factory(target, options) -> Sink``: ``target`` is the text after ``SCHEME:`` (without
#: the query), ``options`` the decoded ``?key=value`` pairs. Factories validate both and raise
#: :class:`SinkTargetError`; they should not create or touch the output yet.
SinkFactory = Callable[[str, dict[str, str]], Sink]

SinkState = Literal["open", "prepared", "committed", "aborted"]


class BaseSink:
    """Context-manager plumbing shared by the built-in sinks; reusable by plugins.

    Subclasses implement ``_write(records)``, ``_commit()`` and ``_abort()``; this class
    handles the state machine (``open`` -> [``prepared``] -> ``committed`` | ``aborted``), counts
    ``records_written`` and provides :meth:`describe`.

    * ``write`` / ``commit`` on a committed or aborted sink raise :class:`SinkStateError`.
    * ``abort`` is idempotent and a no-op after ``commit`` (published output stays).
    * Publishing is two-phase: ``_prepare()`` (default: nothing) finishes the output without
      making it visible, ``_commit()`` makes it visible (a rename, a ``COMMIT``). A session
      with several sinks prepares them all before committing any.
    * If ``_prepare`` or ``_commit`` raises, the sink aborts (cleans up) and re-raises.
    * ``__exit__`` aborts unless committed; leaving the block without an exception and
      without ``commit()`` also emits a ``RuntimeWarning`` (a likely bug in the caller).
      It never suppresses exceptions. If the abort itself fails while another exception
      is propagating, the abort failure is attached to it as a note.

    :param label: how the sink names its destination in messages, e.g. ``"csv:out.csv"``.
    """

    #: ``True`` for sinks whose output reaches its destination as it is written (stdout,
    #: devices, FIFOs): an abort cannot take it back. Set per instance by such sinks.
    streaming: bool = False

    #: ``True`` for sinks that stage their output and publish it only in :meth:`commit` (a
    #: rename, a ``COMMIT``), so that :meth:`abort` keeps the previous output. The built-in
    #: sinks set it. A plugin sink sets it to make that promise (``SinkContract`` checks it);
    #: without it, a failed run reports the sink's output state as unknown, never as rolled
    #: back, since the toolkit cannot tell whether the sink wrote to its target directly.
    stages_output: bool = False

    #: ``False`` for outputs that have no previous output an abort could keep (a stream, the
    #: terminal): a failed run says "nothing written" (or "already streamed") for them,
    #: never "rolled back". ``True`` by default, and for streams :attr:`streaming` says it.
    keeps_previous_output: bool = True

    #: Whether this kind of sink may have its pages written from a worker thread (see
    #: :attr:`writes_in_worker_thread`); declared on the sink's own class, not inherited.
    worker_thread_safe = False

    @property
    def writes_in_worker_thread(self) -> bool:
        """``True`` when an async export may call :meth:`write` from a worker thread (one
        page at a time, never at once with another call on this sink) while the event loop
        receives the next page: a sink of a kind that declares it on its own class
        (:attr:`worker_thread_safe`: JSON Lines and CSV files, SQLite databases). A subclass
        (a plugin's) whose ``_write`` may block is written on the loop's thread, where a
        Ctrl-C stops it at once."""
        return type(self).__dict__.get("worker_thread_safe", False) is True

    #: ``True`` once the sink found the previous output at its target removed or replaced by
    #: someone else during the run (a file's folder removed, the file made a directory, a
    #: SQLite database deleted or replaced): a failed run then says "nothing written (the
    #: previous output was removed or replaced during the run)" for it (FINDINGS11 L6).
    previous_gone: bool = False

    #: What someone else did to the sink's target file during the run, when that stopped the
    #: run (``"written to"``, ``"replaced"`` or ``"created"``: FINDINGS11 L5, whose outcome
    #: says ``nothing written (the file was written to by someone else during the run; it is
    #: left as it is now)``, FINDINGS12 M1); None otherwise.
    changed_by_other: str | None = None

    #: ``True`` for sinks that lay every record out under :attr:`record_schema`'s rule
    #: (``RecordSchema.row``/``json_record``), which writes each declared date-time in one
    #: form (UTC with ``Z``) whatever ISO 8601 text of that instant the record holds: the
    #: export may then hand them records with date-times as the server sent them, skipping
    #: the conversion to ``item.to_dict()``'s text (``+00:00``) that the rule would undo.
    #: The built-in sinks set it; any other sink (a plugin's, also when it subclasses
    #: BaseSink) gets ``item.to_dict()`` records.
    applies_date_rule: bool = False

    #: ``True`` for sinks whose every step that can wait for long (a stream's reader, a
    #: lock) runs inside :func:`stream_wait`, and whose other work ends by itself (local
    #: files, a local SQLite database): a Ctrl-C or SIGTERM stops them only in such a wait
    #: or between pages, so that what a stream took is counted exactly, and a second signal
    #: while publishing lets their rename or ``COMMIT`` finish before the run stops (see
    #: ``export.commit_sinks``). The built-in file and SQLite sinks set it. Otherwise
    #: (default: plugin sinks, network databases, object stores) a signal while the sink's
    #: ``write``/``prepare``/``commit`` runs raises KeyboardInterrupt there at once
    #: (:func:`interruptible`): a write that blocks never swallows Ctrl-C.
    marks_its_waits: bool = False

    def __init__(self, label: str, *, record_schema: RecordSchema | None = None) -> None:
        self.label = label
        self.records_written = 0
        #: Records not written because the reader of a stream went away (``| head``).
        self.records_dropped = 0
        #: ``True`` once the reader of this sink's stream closed it; later pages are dropped.
        self.reader_gone = False
        #: NaN/Infinity and type mismatches handled under the column rule (see ``_columns``).
        self.conversion = ConversionStats()
        #: Lone surrogates (``"\\ud800"`` in the server's JSON: no Unicode character, so no
        #: file can hold it) written as U+FFFD, and where the first few were.
        self.surrogates = 0
        self.surrogate_places: list[str] = []
        self._record_schema = record_schema
        self._state: SinkState = "open"
        #: Set by a stream sink's ``_write`` when the reader leaves mid-page: how many of the
        #: page's records went out whole before (see :class:`StreamOutput`'s counters).
        self._page_delivered = 0
        #: ``True`` when a stream's write stopped inside a record (Ctrl-C, SIGTERM, or its
        #: reader left mid-page): part of record ``records_written + 1`` went out too.
        self.cut_record = False
        #: Set when an abort could not restore the previous output: what it left (e.g. ``its
        #: abort was interrupted; output state unknown``); ``""`` otherwise.
        self.abort_left = ""

    # -- public API --------------------------------------------------------------------

    @property
    def state(self) -> SinkState:
        """``"open"``, ``"committed"`` or ``"aborted"``."""
        return self._state

    def write(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Accept one page of records. Raises :class:`SinkStateError` if the sink is closed,
        :class:`SinkRecordError` for a record the sink cannot store."""
        self._require_open("write")
        if type(records) is not JsonReadyList:  # msgspec refuses lone surrogates: never there
            records = self._replace_surrogates(records)
        if not self.reader_gone:
            self._page_delivered = 0
            try:
                self._write(records)
            except OSError as exc:
                if not (self.streaming and is_broken_pipe(exc)):
                    if self.streaming:  # a full disk, a file size limit: count what went out
                        self.records_written += min(self._page_delivered, len(records))
                    raise
                self._reader_left()
                # The page's records whose bytes the stream took before its reader left.
                delivered = min(self._page_delivered, len(records))
                self.records_written += delivered
                self.records_dropped += len(records) - delivered
                return
            except BaseException:
                if self.streaming:  # Ctrl-C or SIGTERM in a stream's write: count what went out
                    self.records_written += min(self._page_delivered, len(records))
                raise
            else:
                self._page_written()  # may raise: the page's data is on disk only after it
                self.records_written += len(records)
                return
        self.records_dropped += len(records)

    def _page_written(self) -> None:
        """Called after each page :meth:`_write` took whole (in the thread that wrote it).
        A file sink syncs its data here (:meth:`AtomicFile.sync_written`)."""

    def _replace_surrogates(self, records: Sequence[Mapping[str, Any]]) -> Sequence[Any]:
        """``records`` with every lone surrogate in text (keys too) replaced by U+FFFD,
        counted in :attr:`surrogates`; the first :data:`MAX_NAMED_PLACES` places (record id
        and field) kept in :attr:`surrogate_places`. The same list when none holds one."""
        out: list[Any] | None = None
        for index, record in enumerate(records):
            if not _has_surrogate(record):
                continue
            if out is None:
                out = list(records)
            places: list[str] = []
            out[index] = _without_surrogates(record, "", places)
            self.surrogates += len(places)
            position = self.records_written + index + 1
            record_id = record.get("id") if isinstance(record, Mapping) else None
            shown = f"record {record_id!r}" if record_id is not None else f"record #{position}"
            for place in places:
                if len(self.surrogate_places) < MAX_NAMED_PLACES:
                    self.surrogate_places.append(f"{shown} field {place}")
        return records if out is None else out

    @property
    def record_schema(self) -> RecordSchema:
        """The :class:`~ionworks_toolkit.sinks.RecordSchema` laying out records (columns, types,
        date rule); default: measurements (``CellMeasurementWithDetails``)."""
        if self._record_schema is None:
            self._record_schema = measurements_schema()
        return self._record_schema

    def bind_schema(self, schema: RecordSchema) -> None:
        """Use ``schema`` for the records of this run (called by the session before the first
        write, e.g. with the ``Project`` schema for ``projects list``).

        :raises SinkStateError: records were already written.
        """
        if self.records_written or self._state != "open":
            raise SinkStateError(f"{self.label}: the schema must be bound before the first write")
        self._record_schema = schema

    def _reader_left(self) -> None:
        """Hook: the reader of the stream went away (default: remember it)."""
        self.reader_gone = True

    def prepare(self) -> None:
        """Phase 1 of publishing: finish the output without making it visible (write the
        trailer, fsync the temporary file, take the database's write lock). After it, only
        :meth:`commit` (the rename or ``COMMIT``) or :meth:`abort` may follow. Optional for
        callers: ``commit()`` on an open sink prepares first. On failure the sink aborts and
        the exception propagates."""
        self._require_open("prepare")
        self._run_or_abort(self._prepare_unless_gone)
        self._state = "prepared"

    def commit(self) -> None:
        """Publish everything written (phase 2; prepares first when still open). Raises
        :class:`SinkStateError` if already committed or aborted; on any failure the sink
        aborts and the exception propagates."""
        if self._state != "prepared":
            self._require_open("commit")
            self._run_or_abort(self._prepare_unless_gone)
        self._run_or_abort(self._commit_unless_gone)
        self._state = "committed"

    def _prepare_unless_gone(self) -> None:
        if not self.reader_gone:
            self._stream_step(self._prepare)

    def _commit_unless_gone(self) -> None:
        if not self.reader_gone:
            self._stream_step(self._commit)

    def _stream_step(self, step: Callable[[], None]) -> None:
        """Run a publishing step; a stream whose reader has gone (``parquet:- | head -c 10``
        sends its whole file here) stops quietly, counts every record as not written there,
        and leaves the other sinks to be published."""
        try:
            step()
        except OSError as exc:
            if not (self.streaming and is_broken_pipe(exc)):
                raise
            self._reader_left()
            self.records_dropped += self.records_written
            self.records_written = 0

    def _run_or_abort(self, step: Callable[[], None]) -> None:
        try:
            step()
        except BaseException as exc:
            self._state = "aborted"
            try:
                self._abort()
            except Exception as abort_exc:  # the commit failure stays the error raised
                exc.add_note(f"while handling it, aborting {self.label} failed: {abort_exc!r}")
            raise

    def abort(self) -> None:
        """Discard everything written. Idempotent; a no-op after :meth:`commit`. When
        ``_abort`` raises or is interrupted (Ctrl-C while it hangs), ``abort_left`` says so
        unless the sink set it (its output is then reported as not rolled back)."""
        if self._state not in ("open", "prepared"):
            return
        self._state = "aborted"
        try:
            self._abort()
        except BaseException as exc:
            if not self.abort_left:
                stopped = (
                    "was interrupted"
                    if isinstance(exc, KeyboardInterrupt)
                    else f"failed ({type(exc).__name__})"
                )
                self.abort_left = f"its abort {stopped}; output state unknown"
            raise

    @property
    def streamed(self) -> bool:
        """``True`` once records reached the destination for good (a stream's page went
        out): an abort cannot take them back. Default: :attr:`streaming` and records
        written."""
        return self.streaming and self.records_written > 0

    @property
    def destination(self) -> str:
        """The destination as :meth:`describe` names it (default: ``label``)."""
        return self.label

    def describe(self) -> str:
        """One-line human summary, e.g. ``"wrote 128 records to csv:out.csv"``."""
        n = _records(self.records_written)
        if self.reader_gone:
            text = (
                f"stopped writing to {self.destination}: its reader closed the pipe after "
                f"{n}; {_records(self.records_dropped)} not written there"
            )
        elif self._state == "committed":
            text = f"wrote {n} to {self.destination}"
        elif self._state == "aborted" and self.streamed:
            text = (
                f"aborted after streaming {n} to {self.destination} "
                "(already written; a stream cannot be taken back)"
            )
        elif self._state == "aborted" and (self.streaming or not self.keeps_previous_output):
            text = f"aborted: nothing written to {self.destination} ({n} discarded)"
        elif self._state == "aborted" and not self.stages_output:
            text = (
                f"aborted: {self.destination} got {n}; output state unknown (the sink does "
                "not declare stages_output: it may have written to its target directly)"
            )
        elif self._state == "aborted":
            text = f"aborted: {self.destination} left unchanged ({n} discarded)"
        elif self._state == "prepared":
            text = f"{n} ready for {self.destination} (not yet published)"
        else:
            text = f"{n} pending for {self.destination} (not committed)"
        notes = "; ".join(
            filter(None, (self.conversion.summary(), self._surrogates_note(), self._notes()))
        )
        return f"{text} ({notes})" if notes else text

    def _notes(self) -> str:
        """Hook: what else this sink changed, for :meth:`describe` (default ``""``)."""
        return ""

    def _surrogates_note(self) -> str:
        """``""``, or e.g. ``1 lone surrogate written as U+FFFD (record 'm-2' field name)``."""
        if not self.surrogates:
            return ""
        n = self.surrogates
        more = ", ..." if n > len(self.surrogate_places) else ""
        return (
            f"{n} lone surrogate{'' if n == 1 else 's'} written as U+FFFD "
            f"({', '.join(self.surrogate_places)}{more})"
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state not in ("open", "prepared"):
            return
        if exc is None:
            warnings.warn(
                f"{self.label}: sink closed without commit(); output discarded",
                RuntimeWarning,
                stacklevel=2,
            )
            self.abort()
            return
        try:
            self.abort()
        except Exception as abort_exc:  # keep the original exception in charge
            exc.add_note(f"while handling it, aborting {self.label} failed: {abort_exc!r}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label} {self._state} records={self.records_written}>"

    # -- for subclasses ----------------------------------------------------------------

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        raise NotImplementedError

    def _prepare(self) -> None:
        """Phase 1 (optional): finish the output without publishing it."""

    def _commit(self) -> None:
        raise NotImplementedError

    def _abort(self) -> None:
        raise NotImplementedError

    def _require_open(self, action: str) -> None:
        if self._state != "open":
            raise SinkStateError(f"{self.label}: cannot {action}: sink already {self._state}")


#: How many places (record and field) a note about replaced text names at most.
MAX_NAMED_PLACES = 3

_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: Any) -> bool:
    """``True`` when a lone surrogate is in any text (key or value) inside ``value``. Only
    non-ASCII text is searched, so a page of ordinary records costs one walk of type checks."""
    value_type = type(value)
    if value_type is str:
        return not value.isascii() and _SURROGATE_RE.search(value) is not None
    if value_type is dict or isinstance(value, Mapping):
        return any(
            (type(k) is str and not k.isascii() and _SURROGATE_RE.search(k) is not None)
            or (v is not None and type(v) is not int and type(v) is not float and _has_surrogate(v))
            for k, v in value.items()
        )
    if value_type is list or value_type is tuple:
        return any(_has_surrogate(item) for item in value)
    return False


def _without_surrogates(value: Any, path: str, places: list[str]) -> Any:
    """``value`` with each lone surrogate replaced by U+FFFD; ``places`` gets the dotted path
    of each text changed (``name``, ``test_setup.cycler``, ``steps[2]``)."""
    value_type = type(value)
    if value_type is str:
        new, count = _SURROGATE_RE.subn("\ufffd", value)
        places.extend([path or "(record)"] * count)
        return new
    if value_type is dict or isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            new_key = _without_surrogates(key, f"{path}.(key)" if path else "(key)", places)
            out[new_key] = _without_surrogates(
                item, f"{path}.{new_key}" if path else str(new_key), places
            )
        return out
    if value_type is list or value_type is tuple:
        return [_without_surrogates(item, f"{path}[{i}]", places) for i, item in enumerate(value)]
    return value


def _records(n: int) -> str:
    return f"{n} record" if n == 1 else f"{n} records"


def install_hint(extra: str | None, *packages: str) -> str:
    """The ``pip install`` line for a missing optional dependency: the distribution's extra
    (``pip install "ionworks-toolkit[parquet]"``) when this is the installed toolkit, the
    packages themselves (``pip install pyarrow``) in a vendored copy (``scripts/vendor.py``),
    which has no extras; also when ``extra`` is None (a dependency of the distribution, such
    as rich, that a vendored copy lacks)."""
    vendored = not __name__.startswith("ionworks_toolkit.")
    if extra is not None and not vendored:
        return f'pip install "ionworks-toolkit[{extra}]"'
    shown = [f'"{p}"' if "[" in p else p for p in packages]
    return f"pip install {' '.join(shown)}"


# --------------------------------------------------------------------------------------
# Target parsing
# --------------------------------------------------------------------------------------

#: Bare-path suffix -> scheme, used when a target has no ``SCHEME:`` prefix.
DEFAULT_SINK_SUFFIXES: Mapping[str, str] = MappingProxyType(
    {
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".csv": "csv",
        ".db": "sqlite",
        ".sqlite": "sqlite",
        ".sqlite3": "sqlite",
        ".parquet": "parquet",
    }
)

#: Bare targets meaning standard output: JSON Lines there (``jsonl:-``).
_STDOUT_TARGETS = ("-", "/dev/stdout")

# At least two characters, so that a Windows drive letter (``C:\out.csv``) is a path.
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-_]+):")


@dataclass(frozen=True)
class SinkTarget:
    """A parsed sink target.

    :ivar scheme: lower-case scheme, e.g. ``"sqlite"``.
    :ivar target: the text between ``SCHEME:`` and ``?`` (may be empty, e.g. ``table:``).
    :ivar options: decoded query options, in the order given.
    """

    scheme: str
    target: str
    options: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        text = f"{self.scheme}:{self.target}"
        if self.options:
            text += "?" + "&".join(
                f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.options.items()
            )
        return text


def parse_sink_target(
    text: str,
    known_schemes: Iterable[str],
    *,
    suffixes: Mapping[str, str] = DEFAULT_SINK_SUFFIXES,
    failed: Mapping[str, tuple[str, Sequence[str]]] = MappingProxyType({}),
) -> SinkTarget:
    """Parse ``SCHEME:TARGET[?key=value&...]`` or a bare path.

    * ``"sqlite:catalog.db?table=cells"`` ->
      ``SinkTarget("sqlite", "catalog.db", {"table": "cells"})``
    * ``"out.csv"`` -> ``SinkTarget("csv", "out.csv", {})`` (scheme from the suffix, see
      ``suffixes``; a query is allowed on bare paths too)
    * ``"-"`` or ``"/dev/stdout"`` (bare) -> ``SinkTarget("jsonl", "-" or "/dev/stdout", {})``:
      JSON Lines on standard output; bare ``"/dev/null"`` -> JSON Lines thrown away; any
      other stream without a suffix (``/dev/fd/63`` from ``>(gzip > out.gz)``, a FIFO, a
      terminal) -> JSON Lines written to it
    * ``"table"`` (exactly a known scheme) -> ``SinkTarget("table", "", {})``
    * ``"C:\\out.csv"`` is a bare path: a scheme has at least two characters.

    Option keys and values are percent-decoded. Schemes are matched case-insensitively.

    :param known_schemes: the schemes that may be used (built-ins plus plugins).
    :param failed: plugin -> (its error, the schemes it registered or tried to) for each
        plugin switched off while registering its sinks (``PluginHost.failed_sinks``): one
        of those schemes is "not available: plugin P, which registers it, failed and was
        switched off: ERROR"; another unknown scheme's message ends naming each such plugin
        (FINDINGS10 K6, as an unknown preset's: FINDINGS9 J4).
    :raises SinkTargetError: empty text; an unknown scheme (SinkUnavailableError: a failed
        plugin's); a bare path whose suffix names
        no known scheme (a directory: saying so, with ``SCHEME:DIR/FILE`` as the example); a
        malformed or repeated query key. Messages name the input and
        list the allowed schemes.
    """
    known = {s.lower() for s in known_schemes}
    allowed = ", ".join(sorted(known)) or "(none)"
    stripped = text.strip()
    text = redact_credentials(text)  # messages below echo the target: never its password
    if not stripped:
        raise SinkTargetError(f"empty sink target; allowed schemes: {allowed}")
    if stripped.lower() in known:
        return SinkTarget(stripped.lower(), "")

    match = _SCHEME_RE.match(stripped)
    if match is not None:
        scheme = match.group(1).lower()
        if scheme not in known:
            for plugin, (error, schemes) in failed.items():
                if scheme in schemes:
                    raise SinkUnavailableError(
                        f"sink scheme {scheme!r} in {text!r} is not available: plugin "
                        f"{plugin}, which registers it, failed and was switched off: {error}"
                    )
            hint = did_you_mean(scheme, sorted(known), label="allowed schemes")
            note = "".join(
                f"; plugin {plugin} failed while registering its sinks and was switched off, "
                f"so its sinks are missing ({error})"
                for plugin, (error, _) in failed.items()
            )
            raise SinkTargetError(f"unknown sink scheme {scheme!r} in {text!r}; {hint}{note}")
        rest = stripped[match.end() :]
    else:
        scheme, rest = "", stripped

    target, _, query = rest.partition("?")
    options = _parse_query(query, text)

    if not scheme:
        suffix = Path(target).suffix.lower()
        # Standard output has no suffix: JSON Lines, as ``jsonl:-`` (the default when piped).
        # /dev/null: JSON Lines thrown away (a dry run that still checks every page). Any
        # other stream without a suffix (``>(gzip > out.gz)``'s /dev/fd/63, a FIFO): alike.
        bare_jsonl = target in _STDOUT_TARGETS or (not suffix and _is_stream(target))
        inferred = "jsonl" if bare_jsonl else suffixes.get(suffix)
        if inferred is None or inferred not in known:
            usable = ", ".join(sorted(s for s, sch in suffixes.items() if sch in known))
            shown = repr(suffix) if suffix else "(none)"
            if target and os.path.isdir(os.path.expanduser(target)):
                example = f"{target.rstrip('/')}/FILE"
                kind = "jsonl" if "jsonl" in known else min(known, default="SCHEME")
                raise SinkTargetError(
                    f"cannot infer a sink from {text!r}: it is a directory; name a file in it: "
                    f"SCHEME:{example} (e.g. {kind}:{example}) or a file with one of the "
                    f"suffixes {usable or '(none)'}; allowed schemes: {allowed}"
                )
            raise SinkTargetError(
                f"cannot infer a sink from {text!r}: no SCHEME: prefix and the suffix "
                f"{shown} is not one of {usable or '(none)'}; allowed schemes: {allowed}"
            )
        scheme = inferred
    return SinkTarget(scheme, target, options)


def _is_stream(target: str) -> bool:
    """True when a bare target names a stream (see :func:`output_target`): ``/dev/fd/N``,
    ``/proc/self/fd/N`` or ``/dev/stderr`` (stdout's ``/dev/fd/1`` too), or an existing
    character device (``/dev/null``, a terminal) or FIFO."""
    absolute = os.path.abspath(os.path.expanduser(target))
    absolute = _DESCRIPTOR_NAMES.get(absolute, absolute)
    if any(absolute[len(p) :].isdigit() for p in _FD_PREFIXES if absolute.startswith(p)):
        return True
    try:
        mode = os.stat(absolute).st_mode
    except (OSError, ValueError):  # missing, unreadable, a NUL in the name
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


_USERINFO_PASSWORD_RE = re.compile(r"(//[^/?#@:\s]*):[^/?#\s]*@")
_QUERY_PASSWORD_RE = re.compile(r"(^|[?&])(password=)[^&#\s]*", re.IGNORECASE)


def redact_credentials(text: str) -> str:
    """A sink target with any password masked, for messages that echo it:
    ``postgresql://lab:s3cret@host/db?password=x`` ->
    ``postgresql://lab:***@host/db?password=***``."""
    return _QUERY_PASSWORD_RE.sub(r"\1\2***", _USERINFO_PASSWORD_RE.sub(r"\1:***@", text))


def _parse_query(query: str, text: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for part in query.split("&"):
        if not part:
            continue
        key, eq, value = part.partition("=")
        key = unquote(key).strip()
        if not eq or not key:
            shown = redact_credentials(part)
            # No option at all after the '?': likely a file name holding one (FINDINGS11 L7).
            hint = (
                ""
                if "=" in query
                else " (a '?' in a target starts its options: a file whose "
                "name holds '?' cannot be a target)"
            )
            raise SinkTargetError(
                f"malformed option {shown!r} in {text!r}; expected key=value{hint}"
            )
        if key in options:
            raise SinkTargetError(f"option {key!r} given twice in {text!r}")
        options[key] = unquote(value)
    return options


# --------------------------------------------------------------------------------------
# Helpers for the built-in factories and sinks (private)
# --------------------------------------------------------------------------------------


def check_options(scheme: str, options: Mapping[str, str], allowed: Collection[str]) -> None:
    """Raise :class:`SinkTargetError` naming the first unknown key and the allowed keys."""
    for key in options:
        if key not in allowed:
            hint = did_you_mean(key, sorted(allowed), label="allowed options", empty="none")
            raise SinkTargetError(f"unknown option {key!r} for sink {scheme!r}; {hint}")


#: Targets that mean this process's standard output (written like ``-``).
STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
_FD_PREFIXES = ("/dev/fd/", "/proc/self/fd/")
#: Other names of a descriptor, written like ``/dev/fd/N`` whatever it points to (with
#: ``2> log.txt``, ``jsonl:/dev/stderr`` was the regular file log.txt, replaced by rename).
_DESCRIPTOR_NAMES = {"/dev/stderr": "/dev/fd/2"}


@dataclass(frozen=True)
class OutputTarget:
    """Where a file sink writes, decided before any request by :func:`output_target`.

    :ivar path: the path to write (a regular file's symlinks resolved); ``None`` for stdout.
    :ivar stream: ``True`` for stdout, ``/dev/fd/N``, character devices and FIFOs: written in
        place as a stream, page by page, with no temporary file and no rename (nothing can be
        taken back). ``False`` for a regular file, new or existing: written atomically.
    :ivar kind: ``"file"``, ``"new file"``, ``"stdout"``, ``"file descriptor"``,
        ``"character device"`` or ``"FIFO"``.
    :ivar fd: for ``/dev/fd/N`` targets other than stdout, ``N`` (written through a duplicate of
        the descriptor, so a ``>>`` redirection keeps appending).
    """

    path: Path | None
    stream: bool
    kind: str
    fd: int | None = None


def output_target(
    scheme: str, target: str, *, streams: bool = True, in_place: bool = False
) -> OutputTarget:
    """Classify a file target (``~`` expanded, symlinks followed) before anything is written.

    * ``-``, ``/dev/stdout``, ``/dev/fd/1`` -> stdout, a stream (all alike).
    * a regular file, or a path that does not exist yet -> written atomically (temporary file
      beside it, ``os.replace`` at commit); a symlink is resolved so the link is kept and the
      file it points to is replaced.
    * a character device (``/dev/null``, a terminal), a FIFO, ``/dev/fd/N`` (``/dev/stderr``:
      descriptor 2, whatever it points to) -> a stream, never replaced, when ``streams`` is
      true; refused otherwise.
    * a directory, a socket, a block device, or anything else -> refused; so is a path
      ending in ``/`` that is no directory (``out.csv/``: the shell's ``>`` refuses it too).
    * a regular file that is read-only (no write permission bit, or not writable by this
      user) -> refused like a shell's ``>``: ``out.csv is read-only; not replaced`` (``not
      changed`` for ``in_place`` sinks such as SQLite, which write into the file); on a file
      system mounted read-only the message says so, not ``chmod u+w``.
    * a regular file, new or existing, in a folder this user cannot write to -> refused: the
      file is staged beside its target (or SQLite's journal is).

    :raises SinkTargetError: an empty target, a refused kind, a missing parent directory, an
        unreadable path, a read-only file, an unwritable folder (the message names the
        target and what it is).
    """
    example = f"{scheme}:out{_example_suffix(scheme)}"
    if not target:
        hint = " or '-' for stdout" if streams else ""
        raise SinkTargetError(f"sink {scheme!r} needs a file path{hint}, e.g. {example}")
    expanded = os.path.expanduser(target)
    absolute = os.path.abspath(expanded)
    if target == "-" or absolute in STDOUT_NAMES:
        if not streams:
            raise SinkTargetError(
                f"{scheme}:{target}: the {scheme} sink cannot write to stdout; give a file "
                f"path, e.g. {example}"
            )
        return OutputTarget(None, True, "stdout")
    absolute = _DESCRIPTOR_NAMES.get(absolute, absolute)
    for prefix in _FD_PREFIXES:
        number = absolute[len(prefix) :]
        if absolute.startswith(prefix) and number.isascii() and number.isdigit():
            if not streams:
                raise SinkTargetError(
                    f"{scheme}:{target}: a file descriptor is a stream; the {scheme} sink "
                    f"writes regular files only, e.g. {example}"
                )
            return OutputTarget(None, True, "file descriptor", fd=int(number))
    if expanded.endswith(("/", os.sep)) and not os.path.isdir(expanded):
        # 'out.csv/' names a folder, as the shell's > refuses it ("Is a directory"); the path
        # functions below would drop the slash and write the file out.csv (FINDINGS10 K11).
        raise SinkTargetError(
            f"{scheme}:{target}: a path ending in '/' names a folder, and {target!r} is none; "
            f"the {scheme} sink writes a file: give its name without the '/', e.g. {example}"
        )
    try:
        info = os.stat(expanded)  # follows symlinks
    except FileNotFoundError:
        path = Path(os.path.realpath(expanded))
        if not path.parent.is_dir():
            raise SinkTargetError(
                f"{scheme}:{target}: directory {str(path.parent)!r} does not exist"
            ) from None
        _check_folder_writable(scheme, target, expanded, path)
        return OutputTarget(path, False, "new file")
    except OSError as exc:
        raise SinkTargetError(f"{scheme}:{target}: cannot use this path: {exc.strerror}") from exc
    mode = info.st_mode
    if stat.S_ISREG(mode):
        path = Path(os.path.realpath(expanded))
        if not mode & 0o222 or not os.access(path, os.W_OK):
            verb = "changed" if in_place else "replaced"
            if _on_read_only_mount(path):
                # chmod u+w cannot help there: it fails with EROFS (FINDINGS11 L11).
                raise SinkTargetError(
                    f"{scheme}:{target}: {target} is read-only: the file system holding it is "
                    f"mounted read-only; not {verb} (give a file on a writable file system)"
                )
            raise SinkTargetError(
                f"{scheme}:{target}: {target} is read-only; not {verb} (make it writable, "
                "e.g. chmod u+w, or give another file)"
            )
        _check_folder_writable(scheme, target, expanded, path)
        return OutputTarget(path, False, "file")
    kind = (
        "character device"
        if stat.S_ISCHR(mode)
        else "FIFO"
        if stat.S_ISFIFO(mode)
        else "directory"
        if stat.S_ISDIR(mode)
        else "socket"
        if stat.S_ISSOCK(mode)
        else "block device"
        if stat.S_ISBLK(mode)
        else "special file"
    )
    if kind in ("character device", "FIFO") and streams:
        return OutputTarget(Path(expanded), True, kind)
    allowed = "regular files, character devices and FIFOs" if streams else "regular files"
    raise SinkTargetError(
        f"{scheme}:{target}: {expanded!r} is a {kind}, not a regular file; it is never "
        f"replaced (the {scheme} sink writes {allowed})"
    )


def _on_read_only_mount(path: Path) -> bool:
    """Whether the file system holding ``path`` is mounted read-only (``ST_RDONLY``; False
    where ``os.statvfs`` is missing or fails): then no chmod makes the file writable
    (FINDINGS11 L11)."""
    statvfs = getattr(os, "statvfs", None)
    read_only = getattr(os, "ST_RDONLY", None)
    if statvfs is None or read_only is None:
        return False
    try:
        return bool(statvfs(path).f_flag & read_only)
    except OSError:
        return False


def _check_folder_writable(scheme: str, target: str, expanded: str, path: Path) -> None:
    """Refuse a file whose folder this user cannot write to (the file is staged there and
    renamed into place), naming the folder as given (``ro``), or the real one when a
    symlink leads elsewhere."""
    if os.access(path.parent, os.W_OK | os.X_OK):
        return
    given = os.path.dirname(expanded) or "."
    shown = given if os.path.realpath(given) == str(path.parent) else str(path.parent)
    raise SinkTargetError(
        f"{scheme}:{target}: folder {shown!r} is not writable; {path.name} cannot be "
        "written there (choose a folder you can write to)"
    )


def _example_suffix(scheme: str) -> str:
    for suffix, sch in DEFAULT_SINK_SUFFIXES.items():
        if sch == scheme:
            return suffix
    return ""


def _current_umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no portable read-only API; restore immediately
    os.umask(mask)
    return mask


def part_prefix(path: Path) -> str:
    """The name prefix of a temporary file staged beside ``path``:
    ``.{name}.{space}-{pid}.``: the writer's process id and :func:`process_space` (which
    machine and PID namespace that id belongs to), so a later run can tell the part file of
    a killed run from that of a live one; see :func:`remove_stale_parts`. ``name`` is
    :func:`part_stem`: the target's name, shortened when it is too long for the part
    file's name to fit the file system's name limit."""
    return f".{part_stem(path)}.{process_space()}-{os.getpid()}."


#: Bytes a part file's name takes besides its :func:`part_stem`: the dots around it, the
#: 8-digit :func:`process_space`, ``-``, a process id of up to 10 digits, ``.``, the 8 random
#: characters ``tempfile`` adds, ``.part`` and room for the ``-journal`` SQLite names beside
#: a database part file. A fixed worst case, so the stem never depends on which process
#: writes.
PART_NAME_OVERHEAD = 1 + 1 + 8 + 1 + 10 + 1 + 8 + len(".part") + len("-journal")


def folder_name_max(folder: Path) -> int:
    """The longest name (bytes) a file in ``folder`` may have: ``PC_NAME_MAX`` (255 on the
    usual Linux, macOS and Windows file systems; the default where it cannot be asked)."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # Windows has no pathconf
        return 255


def part_stem(path: Path) -> str:
    """What stands for ``path``'s name in the names of its part files (:func:`part_prefix`).

    The name itself when a part file's name (:data:`PART_NAME_OVERHEAD` bytes more) fits the
    folder's name limit (:func:`folder_name_max`); else the name cut on a character boundary
    (whole UTF-8 characters) followed by ``~`` and 8 hex digits of a hash of the whole name,
    e.g. ``MMMM...MMM~1a2b3c4d`` for a name of 250 bytes: the part name then fits, and two
    long names that share their beginning get different stems. When even the hash alone
    does not fit (a name limit under 53 bytes) it is returned all the same: creating the
    part file then fails, naming the folder."""
    name = path.name
    raw = name.encode("utf-8", "surrogateescape")
    room = folder_name_max(path.parent) - PART_NAME_OVERHEAD
    if len(raw) <= room:
        return name
    digest = hashlib.blake2s(raw, digest_size=4).hexdigest()
    keep = room - 1 - len(digest)
    kept: list[str] = []
    size = 0
    for char in name:
        size += len(char.encode("utf-8", "surrogateescape"))
        if size > keep:
            break
        kept.append(char)
    return f"{''.join(kept)}~{digest}"


@functools.cache
def process_space() -> str:
    """8 hex digits naming where this process's id means something: a hash of the host name
    and, on Linux, the PID namespace (``/proc/self/ns/pid``). Two containers writing to one
    shared folder (each with its own PID namespace, even with the same host name) or two
    machines on a network folder get different values, so neither takes the other's live
    part file for a killed run's."""
    namespace = ""
    with contextlib.suppress(OSError):
        namespace = os.readlink("/proc/self/ns/pid")
    where = f"{socket.gethostname()}\0{namespace}".encode("utf-8", "surrogateescape")
    return hashlib.blake2s(where, digest_size=4).hexdigest()


def _pid_alive(pid: int) -> bool:
    """``True`` when a process ``pid`` exists on this machine (another user's too)."""
    if pid <= 0:
        return True  # never a writer's id: leave such a file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by someone else
        return True
    return True


def remove_stale_parts(path: Path) -> tuple[list[str], list[str]]:
    """Remove the temporary files that killed runs left beside ``path`` (``SIGKILL``, a power
    cut: nothing deleted them) and return ``(removed, unknown)`` file names.

    A part file is ``.{name}.{space}-{pid}.{random}.part`` (:func:`part_prefix`; ``name``
    is :func:`part_stem`, shortened with a hash for a long target name): it is
    removed when it was written in this process's :func:`process_space` (same machine, same
    PID namespace) and no process ``pid`` exists there any more. A live run's file (its
    process exists) is never touched; when the id was reused by another process meanwhile,
    the file is kept (safe). Files of another machine or container (another ``space``) and
    ``.{name}.{random}.part`` files of older versions (no id) are listed in ``unknown``,
    never removed: whether their writer still runs cannot be told from here.
    This process's own files are kept. Errors (a file gone meanwhile, no permission) are
    ignored: cleaning up never fails a run."""
    removed: list[str] = []
    unknown: list[str] = []
    pattern = re.compile(
        rf"\.{re.escape(part_stem(path))}\.(?:([0-9a-f]{{8}})-(\d+)\.)?[A-Za-z0-9_]+\.part"
    )
    here = process_space()
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed, unknown
    for name in sorted(names):
        match = pattern.fullmatch(name)
        if match is None:
            continue
        if match.group(1) != here:  # no id, or another machine's or container's
            unknown.append(name)
            continue
        pid = int(match.group(2))
        if pid == os.getpid() or _pid_alive(pid):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)
            removed.append(name)
    return removed, unknown


def stale_parts_note(removed: Sequence[str], unknown: Sequence[str]) -> str:
    """``""`` or e.g. ``removed 1 part file of a killed run: .k.jsonl.4242.x1.part``."""
    notes = []
    if removed:
        n = len(removed)
        notes.append(
            f"removed {n} part file{'' if n == 1 else 's'} of a killed run: {', '.join(removed)}"
        )
    if unknown:
        n = len(unknown)
        notes.append(
            f"{n} part file{'' if n == 1 else 's'} of an unknown run left beside it (delete "
            f"if no other run is writing it): {', '.join(unknown)}"
        )
    return "; ".join(notes)


#: Bytes a sink writes to its temporary file before they are synced to disk while the run
#: goes on (:meth:`AtomicFile.sync_written`), so that publishing waits for at most about this
#: much data rather than for the whole file.
DATA_SYNC_BYTES = 8 * 2**20

#: ``os.fdatasync`` where the system has it (Linux); ``os.fsync`` elsewhere (macOS, Windows).
_data_sync: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)


def _file_state(path: Path) -> tuple[int, int, int, int] | None:
    """``(st_dev, st_ino, st_size, st_mtime_ns)`` of the file at ``path``, or None when there
    is none, it is a directory (publishing names that, :meth:`AtomicFile.target_changed`) or
    it cannot be examined: two differ when the file was replaced, written to or created in
    between."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    if stat.S_ISDIR(found.st_mode):
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


class AtomicFile:
    """A temporary file beside ``path`` that is either published with ``os.replace`` or
    deleted. Until :meth:`publish`, the previous file at ``path`` is untouched.

    The published file keeps the mode of the file it replaces, or gets the usual
    ``0o666 & ~umask`` when new (``NamedTemporaryFile`` creates files as ``0o600``).
    """

    def __init__(self, path: Path, *, binary: bool = False) -> None:
        self.path = path
        self.binary = binary
        self.tmp_path: Path | None = None
        self._handle: IO[Any] | None = None
        self._prepared = False
        #: ``True`` once publishing found the target's folder removed or the target replaced
        #: by a directory (:meth:`target_changed`): the previous file is gone from the path.
        self.previous_gone = False
        #: What someone else did to the file at :attr:`path` during the run, found by
        #: :meth:`check_unchanged`: ``"written to"``, ``"replaced"`` or ``"created"``; None.
        self.changed_by_other: str | None = None
        #: Size of the temporary file at its last data sync (:meth:`sync_written`), bytes.
        self.synced_bytes = 0
        #: ``(st_dev, st_ino)`` of the folder the temporary file was created in, and a
        #: descriptor of it (where ``os.unlink`` takes ``dir_fd``): the folder moved away
        #: during the run is then told from the one now at its path, and :meth:`discard`
        #: deletes the temporary file wherever the folder went (FINDINGS11 L4).
        self._folder: tuple[int, int] | None = None
        self._folder_fd: int | None = None
        #: The target as the run found it (:func:`_file_state`): a file written, replaced
        #: or created at :attr:`path` by someone else meanwhile is not replaced (FINDINGS11 L5).
        self._found = _file_state(path)

    def sync_written(self, threshold: int | None = None) -> bool:
        """After a page: flush the open handle and, once at least ``threshold`` bytes
        (default :data:`DATA_SYNC_BYTES`) were written since the last sync, sync the file's
        data to disk (``os.fdatasync``; ``fsync`` where that is missing). The system
        otherwise keeps a whole export's pages in memory until :meth:`prepare`'s fsync,
        which then waits for all of it (a 180 MB JSON Lines export: about 300 ms here, in
        every run's last step); synced page by page, that wait is spread over the run, and
        in an async export it happens in the worker thread that writes the pages, while the
        next pages travel. Returns whether it synced. Nothing is done for a closed or
        never-opened handle (a Parquet writer owns its file).

        :raises OSError: from the flush or the sync (a full disk, an I/O error): as a write's.
        """
        handle = self._handle
        if handle is None or handle.closed or self._prepared:
            return False
        handle.flush()
        fd = handle.fileno()
        size = os.fstat(fd).st_size
        if size - self.synced_bytes < (DATA_SYNC_BYTES if threshold is None else threshold):
            return False
        _data_sync(fd)
        self.synced_bytes = size
        return True

    def open(self) -> IO[Any]:
        """Create the temporary file on first call; return its handle."""
        if self._handle is None:
            text: dict[str, Any] = {} if self.binary else {"encoding": "utf-8", "newline": ""}
            try:
                # Closed by publish()/discard(), hence no context manager.
                handle: IO[Any] = tempfile.NamedTemporaryFile(  # noqa: SIM115
                    "wb" if self.binary else "w",
                    delete=False,
                    dir=self.path.parent,
                    prefix=part_prefix(self.path),
                    suffix=".part",
                    **text,
                )
            except OSError as exc:  # name the folder, never the hidden part file
                raise type(exc)(exc.errno, exc.strerror, str(self.path.parent)) from None
            self._handle = handle
            self.tmp_path = Path(handle.name)
            self._hold_folder()
        return self._handle

    def _hold_folder(self) -> None:
        folder = self.path.parent
        with contextlib.suppress(OSError):
            if os.unlink in os.supports_dir_fd:
                self._folder_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
                opened = os.fstat(self._folder_fd)
            else:  # pragma: no cover - Windows: no dir_fd
                opened = os.stat(folder)
            self._folder = (opened.st_dev, opened.st_ino)

    def _release_folder(self) -> None:
        fd, self._folder_fd = self._folder_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def close_handle(self) -> Path:
        """Create the file if needed and close the Python handle (for writers that need a
        path, such as pyarrow). Returns the temporary path."""
        handle = self.open()
        handle.close()
        assert self.tmp_path is not None
        return self.tmp_path

    def prepare(self) -> None:
        """Finish the temporary file: flush, fsync, close, give it its final mode; then check
        that the file at ``path`` is still the one the run found (:meth:`check_unchanged`),
        so that, in an export's prepare phase, such a change publishes no output at all.
        Idempotent.

        :raises FileNotFoundError: ``PATH: the folder FOLDER was removed during the run``
            (see :meth:`target_changed`); other errors as they come.
        :raises SinkTargetError: see :meth:`check_unchanged`."""
        try:
            self._prepare()
        except OSError as exc:
            raise self.target_changed(exc) from exc
        self.check_unchanged()

    def check_unchanged(self) -> None:
        """Refuse to replace a file at ``path`` that is not the one the run found: written
        to, replaced or created since the sink was made (another program, another run, a
        shell's ``> out.jsonl``), whose data would be lost (FINDINGS11 L5). One deleted
        meanwhile is written anew. Checked in :meth:`prepare` and again just before the
        rename; a change in between still loses.

        :raises SinkTargetError: ``PATH was written to by someone else during the run
            ...`` (``replaced``: another file renamed over it; ``created``: none was there
            when the sink was made); :attr:`previous_gone` and :attr:`changed_by_other` (that
            verb) are then set."""
        now = _file_state(self.path)
        if now is not None and now != self._found:
            if self._found is None:
                self.changed_by_other = "created"
            elif now[:2] == self._found[:2]:  # the same file (device, inode), other contents
                self.changed_by_other = "written to"
            else:
                self.changed_by_other = "replaced"
            self.previous_gone = True  # the file the run found is no longer there as it was
            raise SinkTargetError(
                f"{self.path} was {self.changed_by_other} by someone else during the run "
                "(another program, another run or a shell's redirect); it is left as it is "
                "now and this run's output is not published (run it again)"
            )

    def target_changed(self, exc: OSError) -> OSError:
        """``exc``, or, when it came from the target's folder or the target itself changing
        under the run, an error of the same kind naming the target (never the hidden part
        file) and saying what happened; :attr:`previous_gone` is then set, since the
        previous file is no longer at :attr:`path`:

        * ``FileNotFoundError('PATH: the folder FOLDER was removed during the run')``;
        * ``FileNotFoundError('PATH: the folder FOLDER was replaced during the run (moved
          away or removed, then made again); nothing was written to it')`` (FINDINGS11 L4:
          was the raw error naming the part file at a path where it never was);
        * ``IsADirectoryError('PATH is now a directory: it was replaced by a directory
          during the run')``.
        """
        folder = self.path.parent
        if isinstance(exc, FileNotFoundError) and not folder.is_dir():
            self.previous_gone = True
            return FileNotFoundError(f"{self.path}: the folder {folder} was removed during the run")
        if isinstance(exc, FileNotFoundError) and self._folder is not None:
            try:
                now = os.stat(folder)
            except OSError:
                now = None
            if now is not None and (now.st_dev, now.st_ino) != self._folder:
                # The previous file went with the folder, untouched: kept, not gone.
                return FileNotFoundError(
                    f"{self.path}: the folder {folder} was replaced during the run (moved away "
                    "or removed, then made again); nothing was written to it"
                )
        if isinstance(exc, IsADirectoryError) and self.path.is_dir():
            self.previous_gone = True
            return IsADirectoryError(
                f"{self.path} is now a directory: it was replaced by a directory during the run"
            )
        return exc

    def _prepare(self) -> None:
        handle = self.open()
        tmp = self.tmp_path
        assert tmp is not None
        if self._prepared:
            return
        if not handle.closed:
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        else:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        try:
            mode = stat.S_IMODE(os.stat(self.path).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_current_umask()
        os.chmod(tmp, mode)
        self._prepared = True

    def publish(self) -> None:
        """:meth:`prepare` if not done, ``os.replace`` the temporary file onto ``path``, fsync
        the directory. A file at ``path`` that is not the one the run found is not replaced
        (:meth:`check_unchanged`, checked again here).

        :raises SinkTargetError: see :meth:`check_unchanged`.
        :raises IsADirectoryError: ``PATH is now a directory: ...`` (see
            :meth:`target_changed`); other errors as they come."""
        self.prepare()
        tmp = self.tmp_path
        assert tmp is not None
        self.check_unchanged()
        try:
            os.replace(tmp, self.path)
        except OSError as exc:
            raise self.target_changed(exc) from exc
        self.tmp_path = None
        self._release_folder()
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        """Close and delete the temporary file (if any), in the folder it was created in,
        also when that folder was moved away during the run. Never touches ``path``."""
        if self._handle is not None and not self._handle.closed:
            with contextlib.suppress(OSError):
                self._handle.close()
        if self.tmp_path is not None:
            with contextlib.suppress(FileNotFoundError):
                if self._folder_fd is not None:
                    os.unlink(self.tmp_path.name, dir_fd=self._folder_fd)
                else:
                    os.unlink(self.tmp_path)
            self.tmp_path = None
        self._release_folder()


class StreamOutput:
    """A stream target (stdout, ``/dev/fd/N``, a character device, a FIFO) with the same
    ``open``/``publish``/``discard`` interface as :class:`AtomicFile`. Bytes go out page by
    page (the sink calls :meth:`flush`); ``publish`` flushes, ``discard`` only stops: what
    was streamed cannot be taken back. stdout is never closed; a device, FIFO or duplicated
    descriptor is closed at the end.

    :param stream: for stdout, the stream to use instead of ``sys.stdout`` (looked up at the
        first write, so a test runner's replacement is honoured).
    """

    def __init__(
        self, target: OutputTarget, *, binary: bool = False, stream: IO[Any] | None = None
    ) -> None:
        self.target = target
        self.binary = binary
        self.stream = stream
        self._streamed = False  # True once bytes were flushed to the destination
        self._handle: IO[Any] | None = None
        self._owned: IO[Any] | None = None  # what we opened and must close
        self._wrapper: _CountingWriter | None = None  # our layer over the bytes out

    def open(self) -> IO[Any]:
        """The handle the sink writes to: text (UTF-8 whatever the terminal's encoding) or
        bytes (``binary``). Bytes go to the descriptor unbuffered, each ``write`` whole or
        an error, counted (:attr:`delivered`, :attr:`writes`)."""
        if self._handle is not None:
            return self._handle
        if self.target.kind == "stdout":
            out = self.stream if self.stream is not None else sys.stdout
            out.flush()
            buffer = getattr(out, "buffer", None)
            if buffer is None:
                if self.binary:
                    raise SinkTargetError("stdout takes no binary data here (no byte buffer)")
                self._handle = out
                return out
            raw = getattr(buffer, "raw", None)
            if raw is not None:  # straight to the descriptor: what it took is known exactly
                buffer.flush()
                buffer = raw
        elif self.target.fd is not None:
            self._owned = buffer = os.fdopen(os.dup(self.target.fd), "wb", buffering=0)
        else:
            assert self.target.path is not None
            self._owned = buffer = (
                open_fifo(self.target.path)
                if self.target.kind == "FIFO"
                else open(self.target.path, "wb", buffering=0)  # noqa: SIM115
            )
        self._wrapper = _FullWriter(buffer) if self.binary else _Utf8Writer(buffer)
        self._handle = self._wrapper  # type: ignore[assignment]
        return self._handle  # type: ignore[return-value]

    @property
    def streamed(self) -> bool:
        """True once any byte reached the destination: flushed, or taken by a write that
        then failed part-way (a Parquet stream past ``ulimit -f``: its first 8192 bytes out,
        FINDINGS12 M5). What was streamed cannot be taken back."""
        return self._streamed or bool(self.delivered)

    @streamed.setter
    def streamed(self, value: bool) -> None:
        self._streamed = value

    @property
    def delivered(self) -> int | None:
        """Bytes the stream took so far (``None``: a text stream that does not say)."""
        return self._wrapper.delivered if self._wrapper is not None else None

    @property
    def writes(self) -> int | None:
        """``write`` calls whose every byte the stream took (``None`` as :attr:`delivered`)."""
        return self._wrapper.writes if self._wrapper is not None else None

    def flush(self) -> None:
        """Push what was written so far to the destination."""
        if self._handle is not None:
            self._handle.flush()
            self.streamed = True

    def prepare(self) -> None:
        """Flush what is buffered (a stream has nothing to hold back)."""
        self.open()
        self.flush()

    def publish(self) -> None:
        self.prepare()
        self._close()

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._close()

    def reader_left(self) -> None:
        """The reader closed the pipe: stop writing, and point stdout at the null device so
        that the interpreter's last flush at exit does not fail again."""
        self._handle = None
        self._wrapper = None
        if self._owned is not None:
            with contextlib.suppress(OSError):
                self._owned.close()
            self._owned = None
        if self.target.kind == "stdout" and self.stream is None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stdout = sys.stdout.fileno()
                devnull = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(devnull, stdout)
                finally:
                    os.close(devnull)

    def _close(self) -> None:
        if self._wrapper is not None and self._handle is not None:
            self._wrapper.flush()  # never closes stdout's buffer
        if self._owned is not None:
            self._owned.close()
            self._owned = None
        self._handle = None


def stop_if_cancelled() -> None:
    """Raise ``asyncio.CancelledError`` when called inside an asyncio task that was asked to
    stop, or in an async export's sink thread whose export stopped (:func:`stop_waits_on`).
    Under ``asyncio.run`` (the CLI) Ctrl-C, and SIGTERM through it, only cancel the
    main task, which code that waits without awaiting would never notice."""
    asyncio = sys.modules.get("asyncio")  # not imported: no event loop can be running
    if asyncio is None:
        return
    stop = getattr(_STREAM_WAIT, "stop", None)
    if stop is not None and stop.is_set():
        raise asyncio.CancelledError
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running event loop in this thread
        return
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def notice(message: str) -> None:
    """A visible message on stderr (stdout may carry another sink's data)."""
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)


_STREAM_WAIT = threading.local()


def stop_waits_on(event: threading.Event) -> None:
    """Make ``event`` this thread's stop: once it is set, a wait here (another run's lock,
    polled by :func:`stop_if_cancelled`) ends with ``asyncio.CancelledError``. An async
    export's sink thread gets it (``export.AsyncPageWriter``), where a cancelled task is
    never seen: the export sets it when it stops, so that no wait outlives the run."""
    _STREAM_WAIT.stop = event


def waiting_for_stream() -> bool:
    """``True`` while this thread waits for a stream's reader (a FIFO's first reader, room in
    a full pipe) or for a lock, in :func:`stream_wait`. Such a wait moves no byte, and the
    system call is retried after a signal whose handler returns (PEP 475): the CLI's SIGINT
    handler, which runs in the main thread, raises KeyboardInterrupt into it instead of only
    cancelling the asyncio task (which a blocked thread never notices)."""
    return getattr(_STREAM_WAIT, "depth", 0) > 0


def stops_at_once() -> bool:
    """``True`` where a Ctrl-C or SIGTERM should raise KeyboardInterrupt in this thread at
    once rather than only cancel the asyncio task: inside a :func:`stream_wait`, or inside
    an :func:`interruptible` block (a sink's code that may block where no cancelled task is
    noticed, e.g. a plugin sink's ``_write`` waiting on a network share)."""
    return getattr(_STREAM_WAIT, "depth", 0) > 0 or getattr(_STREAM_WAIT, "at_once", 0) > 0


@contextlib.contextmanager
def stream_wait() -> Iterator[None]:
    """Mark the block as a wait for a stream's reader or a lock (see
    :func:`waiting_for_stream`). A stop asked for before it began (the asyncio task
    cancelled by a first Ctrl-C or SIGTERM while bytes were moving) ends it at once:
    ``asyncio.CancelledError``."""
    with lock_wait():
        stop_if_cancelled()
        yield


@contextlib.contextmanager
def lock_wait() -> Iterator[None]:
    """Mark the block as a wait (a sleep between two tries of a lock another connection
    holds): as in a :func:`stream_wait`, a Ctrl-C or SIGTERM stops the run there at once,
    also while publishing, where signals are otherwise held (see ``export.commit_sinks``)."""
    _STREAM_WAIT.depth = getattr(_STREAM_WAIT, "depth", 0) + 1
    try:
        yield
    finally:
        _STREAM_WAIT.depth -= 1


@contextlib.contextmanager
def interruptible(sink: object = None) -> Iterator[None]:
    """Mark the block as one that a Ctrl-C or SIGTERM may stop at once (see
    :func:`stops_at_once`): the export runs each sink's ``write`` and ``prepare`` so, unless
    the sink declares :attr:`BaseSink.marks_its_waits` (then the block is left as it is:
    only its own waits stop at once). A KeyboardInterrupt raised there aborts the sink like
    any error, and its staged output is discarded."""
    if getattr(sink, "marks_its_waits", False):
        yield
        return
    _STREAM_WAIT.at_once = getattr(_STREAM_WAIT, "at_once", 0) + 1
    try:
        yield
    finally:
        _STREAM_WAIT.at_once -= 1


def _wait_writable(fd: int) -> None:
    """Block until ``fd`` (a pipe, FIFO, socket or terminal) can take bytes, as a
    :func:`stream_wait`; a write that follows then moves at least one byte."""
    with stream_wait():
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        poller.poll()


def _waitable_fd(buffer: Any) -> int | None:
    """The descriptor under ``buffer`` when writes to it can block on a reader (a pipe, FIFO,
    socket, terminal or other character device; POSIX): waited for by :func:`_wait_writable`
    before each write. ``None`` for a regular file or a stream without a descriptor."""
    if not hasattr(select, "poll"):
        return None
    try:
        fd = buffer.fileno()
        mode = os.fstat(fd).st_mode
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    return fd if not stat.S_ISREG(mode) else None


def open_fifo(path: Path) -> IO[bytes]:
    """``path`` (a FIFO) opened for writing, unbuffered. With no reader yet, a notice on
    stderr says the run waits for one, and the wait (in ``open``) is a :func:`stream_wait`:
    the first Ctrl-C or SIGTERM ends it."""
    try:
        # O_CREAT|O_TRUNC as open(path, "wb"): a FIFO gone since the target was classified is no
        # reason to fail here (the file made then is what a shell's ">" makes).
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CREAT | os.O_TRUNC, 0o666)
    except OSError as exc:
        if exc.errno != errno.ENXIO:  # ENXIO: no process has the FIFO open for reading
            raise
        notice(f"waiting for a reader on {path} (a FIFO nothing reads yet; Ctrl-C stops)...")
        with stream_wait():
            fd = os.open(path, os.O_WRONLY)
    else:
        os.set_blocking(fd, True)
    return os.fdopen(fd, "wb", buffering=0)


class _CountingWriter:
    """Bytes out to a binary stream it never closes (stdout's descriptor or buffer), every
    byte or an error (see :func:`write_fully`), counting what the stream took: ``delivered``
    (bytes) and ``writes`` (``write`` calls whose every byte went out). Written straight to
    the descriptor (``raw``), those counts are what the reader could get when it leaves."""

    def __init__(self, buffer: IO[bytes]) -> None:
        self._buffer = buffer
        self.delivered = 0
        self.writes = 0
        #: Waited on before each write (see :func:`_waitable_fd`), so that a write never
        #: blocks before its first byte, where a signal could not stop it.
        self._wait_fd = _waitable_fd(buffer)

    @property
    def closed(self) -> bool:
        """Whether the stream under it is closed (a device or FIFO we opened, at the end)."""
        return bool(getattr(self._buffer, "closed", False))

    def _count(self, taken: int) -> None:
        self.delivered += taken

    def _send(self, data: bytes | memoryview) -> int:
        written = write_fully(self._buffer, data, self._count, self._wait_fd)
        self.writes += 1
        return written

    def flush(self) -> None:
        self._buffer.flush()

    def fileno(self) -> int:
        return self._buffer.fileno()


class _Utf8Writer(_CountingWriter):
    """Text in, UTF-8 bytes out. Unlike ``io.TextIOWrapper`` it does not close the stream
    under it when it is dropped, and it never translates line ends."""

    def write(self, text: str) -> int:
        self._send(text.encode("utf-8"))
        return len(text)


class _FullWriter(_CountingWriter):
    """Bytes out; what pyarrow and other writers get for ``parquet:-``."""

    def write(self, data: bytes) -> int:
        return self._send(data)

    def writable(self) -> bool:
        return True


def write_fully(
    buffer: IO[bytes],
    data: bytes | memoryview,
    taken: Callable[[int], None] | None = None,
    wait_fd: int | None = None,
) -> int:
    """Write all of ``data`` to ``buffer`` and return its length; ``taken(n)`` after each
    write the stream accepted (``n`` bytes), so a caller knows how much went out before an
    error.

    ``io.BufferedWriter.write`` on a pipe whose reader has gone can return a short count
    (65,536 of a 1 MB page) without raising, and its ``flush`` then raises nothing either, so
    the rest of the page would be lost in silence. Writing the remainder again raises
    ``BrokenPipeError``, which the sinks report as "its reader closed the pipe".

    With ``wait_fd`` (the descriptor under ``buffer``: a pipe, FIFO, terminal), each write
    waits first until it can take bytes (:func:`_wait_writable`): a stalled reader then holds
    the run in that wait, which the first Ctrl-C or SIGTERM ends, and never inside a write
    before its first byte, where the system call is retried after the signal (PEP 475). A
    write stopped by a signal after some bytes returns their count (``taken`` gets it), and
    the wait before the next write ends the run.
    """
    view = memoryview(data)
    total = len(view)
    while view:
        if wait_fd is not None:
            _wait_writable(wait_fd)
        written = buffer.write(view)
        if not written:
            raise BrokenPipeError(errno.EPIPE, "the stream took no more bytes")
        if taken is not None:
            taken(written)
        view = view[written:]
    return total


def whole_segments(segments: Sequence[str], taken: int) -> int:
    """How many of ``segments`` (texts written one after another as UTF-8 in ONE write, e.g.
    a page's CSV rows or JSON lines) lie whole within the first ``taken`` bytes: the records
    a reader got before it closed the pipe. A segment may hold line breaks (a quoted CSV
    cell), so it is counted as one piece, never by lines. Only encoded on that failure."""
    whole = 0
    for segment in segments:
        taken -= len(segment.encode("utf-8"))
        if taken < 0:
            break
        whole += 1
    return whole


def open_output(
    target: OutputTarget, *, binary: bool = False, stream: IO[Any] | None = None
) -> AtomicFile | StreamOutput:
    """:class:`StreamOutput` for a stream target, :class:`AtomicFile` for a regular file."""
    if target.stream:
        return StreamOutput(target, binary=binary, stream=stream)
    assert target.path is not None
    return AtomicFile(target.path, binary=binary)


class FileSink(BaseSink):
    """Plumbing of the sinks that write one file or stream: the target, the output
    (:class:`AtomicFile` or :class:`StreamOutput`), :attr:`streaming`, and a closed pipe.

    :param path: a regular file (written atomically); ``None`` with no ``target`` means stdout.
    :param target: from :func:`output_target` (wins over ``path``).
    :param scheme: for the default label, e.g. ``"csv"`` -> ``"csv:out.csv"`` / ``"csv:-"``.
    :param stream: for stdout, the stream to use instead of ``sys.stdout``.
    """

    stages_output = True  # a file is staged beside its target; a stream sets ``streaming``
    marks_its_waits = True  # a stream's waits are stream_wait; a file's work ends by itself

    def __init__(
        self,
        scheme: str,
        path: StrPath | None = None,
        *,
        label: str | None = None,
        target: OutputTarget | None = None,
        record_schema: RecordSchema | None = None,
        binary: bool = False,
        stream: IO[Any] | None = None,
    ) -> None:
        path = Path(path) if path is not None else None  # a str too (was: AttributeError)
        if target is None:
            target = (
                OutputTarget(path, False, "file")
                if path is not None
                else OutputTarget(None, True, "stdout")
            )
        shown = target.path if target.path is not None else "-"
        super().__init__(label or f"{scheme}:{shown}", record_schema=record_schema)
        #: The regular file written atomically; ``None`` for a stream.
        self.path = target.path if not target.stream else None
        self.target = target
        self.streaming = target.stream
        #: A file that did not exist when the sink was built has no previous output: a
        #: failed run says "nothing written (no previous output to keep)" for it.
        self.keeps_previous_output = target.kind != "new file"
        self._out: AtomicFile | StreamOutput = open_output(target, binary=binary, stream=stream)

    @property
    def keeps_previous_output(self) -> bool:
        """Whether a failed run leaves a previous output at the target: not for a file that
        did not exist when the sink was built, nor once publishing found its folder removed
        or the file replaced by a directory (:attr:`AtomicFile.previous_gone`)."""
        out = getattr(self, "_out", None)
        if isinstance(out, AtomicFile) and out.previous_gone:
            return False
        return self._keeps_previous_output

    @keeps_previous_output.setter
    def keeps_previous_output(self, value: bool) -> None:
        self._keeps_previous_output = value

    @property
    def previous_gone(self) -> bool:
        """:attr:`BaseSink.previous_gone`, found by the file's :class:`AtomicFile` (its
        folder removed, the file made a directory, or written, replaced or created by
        someone else)."""
        out = getattr(self, "_out", None)
        return isinstance(out, AtomicFile) and out.previous_gone

    @previous_gone.setter
    def previous_gone(self, value: bool) -> None:
        out = getattr(self, "_out", None)
        if isinstance(out, AtomicFile):
            out.previous_gone = value

    @property
    def changed_by_other(self) -> str | None:
        """:attr:`BaseSink.changed_by_other`, found by the file's :class:`AtomicFile`."""
        out = getattr(self, "_out", None)
        return out.changed_by_other if isinstance(out, AtomicFile) else None

    @changed_by_other.setter
    def changed_by_other(self, value: str | None) -> None:
        out = getattr(self, "_out", None)
        if isinstance(out, AtomicFile):
            out.changed_by_other = value

    @property
    def writes_in_worker_thread(self) -> bool:
        """:attr:`BaseSink.writes_in_worker_thread`, and only for a regular file, which a
        failed run deletes whole. A stream (stdout, a pipe) is written on the event loop's
        thread, where its reader leaving and Ctrl-C are counted record by record."""
        return bool(super().writes_in_worker_thread) and isinstance(self._out, AtomicFile)

    @property
    def publishes_by_rename(self) -> bool:
        """``True`` when :meth:`commit` only renames the finished part file over a regular
        file target (milliseconds, nothing to wait for): ``export.commit_sinks`` commits such
        sinks after every other one (FINDINGS11 L2)."""
        return isinstance(self._out, AtomicFile)

    @property
    def streamed(self) -> bool:
        """``True`` once any byte of the output reached a stream target (a page flushed, or
        part of one taken before an error; a Parquet stream's rows wait for their row group:
        written records are not yet streamed until its bytes go out)."""
        return isinstance(self._out, StreamOutput) and self._out.streamed

    def commit(self) -> None:
        """:meth:`BaseSink.commit`, then remove the part files killed runs left beside a
        regular file target (:func:`remove_stale_parts`; named in :meth:`describe`).
        :meth:`describe` also says when a run without records replaced a non-empty file."""
        previous = None
        if self.path is not None and not self.records_written:
            with contextlib.suppress(OSError):
                previous = os.stat(self.path).st_size
        super().commit()
        if self.path is not None:
            notes = [stale_parts_note(*remove_stale_parts(self.path))]
            if previous:  # kept as the rule says, but never in silence
                notes.insert(
                    0,
                    f"no record matched: the previous {self.path.name} ({previous:,} bytes) "
                    "was replaced",
                )
            self._file_notes = "; ".join(filter(None, notes))

    def _notes(self) -> str:
        return getattr(self, "_file_notes", "")

    def _count_cut_page(self, segments: Sequence[str], start: int | None, header: int = 0) -> None:
        """A stream's write of ``segments`` (one page's lines or rows, after ``header`` segments
        that are no record) stopped part-way: its reader left, or Ctrl-C/SIGTERM. Sets how many
        records went out whole (``_page_delivered``, :func:`whole_segments`), whether part of
        the next one did (:attr:`cut_record`), and marks the stream as streamed when any byte
        of the page went out (:attr:`streamed`). ``start``: :attr:`StreamOutput.delivered`
        before the write (``None``: not a counting stream, nothing known)."""
        out = self._out
        if start is None or not isinstance(out, StreamOutput) or out.delivered is None:
            return
        taken = out.delivered - start
        whole = whole_segments(segments, taken)
        self._page_delivered = max(0, whole - header)
        self.cut_record = whole >= header and taken > len("".join(segments[:whole]).encode())
        if taken:
            out.streamed = True

    def _page_written(self) -> None:
        if isinstance(self._out, AtomicFile):
            self._out.sync_written()

    def _flush_stream(self) -> None:
        """After each page: a stream's bytes go out now."""
        if isinstance(self._out, StreamOutput):
            self._out.flush()

    def _reader_left(self) -> None:
        super()._reader_left()
        if isinstance(self._out, StreamOutput):
            self._out.reader_left()


#: The range of a SQLite INTEGER and a PostgreSQL bigint (signed 64 bits).
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def upsert_id(label: str, kind: str, position: int, record: Mapping[str, Any]) -> str | int:
    """The ``id`` a database sink upserts ``record`` by (text or an integer within 64 bits).

    :raises SinkRecordError: naming the sink (``label``, ``kind`` such as ``sqlite``) and the
        record's 1-based ``position`` in the run, when the id is missing, of another type, or
        an integer beyond 64 bits (``"... an unusable id 12345678901234567890123 (beyond 64
        bits) ..."``; the database would raise OverflowError).
    """
    record_id = record.get("id")
    if type(record_id) is int and not _INT64_MIN <= record_id <= _INT64_MAX:
        # Exact as parsed (any size), but no SQLite INTEGER or PostgreSQL bigint holds it.
        shown = f"an unusable id {record_id!r} (beyond 64 bits)"
    elif type(record_id) not in (str, int):
        shown = "no 'id'" if record_id is None else f"an unusable id {record_id!r}"
    else:
        return record_id  # type: ignore[return-value]
    raise SinkRecordError(
        f"{label}: record #{position} has {shown}; the {kind} sink upserts by id (text or integer)"
    )


def is_broken_pipe(exc: BaseException) -> bool:
    """``True`` for the error a write raises when the reader of a pipe has gone
    (``BrokenPipeError``, or an ``OSError`` with ``EPIPE`` from a C library such as pyarrow)."""
    return isinstance(exc, BrokenPipeError) or (
        isinstance(exc, OSError) and exc.errno == errno.EPIPE
    )


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def close_quietly(handle: IO[Any] | None) -> None:
    if handle is not None:
        with contextlib.suppress(OSError):
            handle.close()
