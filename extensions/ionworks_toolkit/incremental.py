"""Incremental sync: the ``updated_at`` high-water mark a destination keeps per project and
filter set.

A run with ``incremental=True`` (``export(..., incremental=True)``, ``measurements list
--incremental``) reads the mark its destination holds for (project id, filter set, table),
asks ``GET /cell_measurements/by-project/{project_id}`` only for ``updated_at_gt`` = mark
minus :data:`DEFAULT_OVERLAP` (ties at the mark and clock skew are re-read, never missed), and
upserts. Every record is compared with the row its database holds under its ``id`` (looked up
by primary key, page by page, in the run's transaction: :meth:`SyncState.compare`):

* the same content (the stored ``record_json`` equals the record under the sinks' rule) is
  skipped, counted as unchanged (``ExportResult.unchanged``), so an unchanged catalogue
  writes 0 records, whatever the server re-sends (the overlap, a server ignoring
  ``updated_at_gt``); a record whose content changed but whose ``updated_at`` did not is
  written (fields kept by background jobs change so);
* an ``updated_at`` earlier than the stored row's is an older copy (a lagging read replica
  inside the overlap): ignored, counted (``ExportResult.older_copies``) and named in a
  warning; the sinks' upsert never replaces a row with an older ``updated_at`` either
  (:meth:`SqliteSink.keep_newer <ionworks_toolkit.sinks.SqliteSink.keep_newer>`), so no
  database's row moves back, also when several hold different rows;
* anything else is upserted. A null or unparseable ``updated_at`` (kept as sent) has no
  order: such a record is compared by content only, never ignored as older.

Date-times are read by one rule, the sinks' and the generated models'
(:func:`parse_instant`).

Where the state lives: SQLite sinks (``sqlite:PATH``) hold it in the table
:data:`STATE_TABLE` of the same database, written in the same transaction as the data
(:meth:`SqliteSink.in_commit <ionworks_toolkit.sinks.SqliteSink.in_commit>`): the rows and the
mark are committed together or not at all, so a failure or a crash at any point leaves the old
mark with the old rows, and the next run re-reads from there; nothing is skipped. With several
sinks each database gets its own rows and mark atomically; one whose commit failed keeps its
old mark, and the next run starts from the lowest mark of all (:func:`combined_mark`). Every
other sink is refused with :class:`~ionworks_toolkit.errors.ConfigurationError` before any
request.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigurationError, SinkError
from .pagination import WalkStats
from .sinks import Sink, SqliteSink
from .sinks._columns import parse_instant
from .sinks._sqlite import RECORD_JSON, SYNC_STATE_TABLE, quote_identifier

#: Warnings go where the walk's go: the CLI prints this logger's lines on stderr.
logger = logging.getLogger("ionworks_toolkit.http")

__all__ = [
    "DEFAULT_OVERLAP",
    "OLDER",
    "ORDER_PARAMETERS",
    "STATE_TABLE",
    "UNCHANGED",
    "SyncMark",
    "SyncState",
    "check_sync_sinks",
    "filter_key",
    "missing_records",
    "open_sync_state",
    "parse_instant",
]

#: How far before the mark the next run starts (``updated_at_gt = mark - overlap``).
DEFAULT_OVERLAP = dt.timedelta(minutes=5)
#: The SQLite table holding the marks, beside the data (a name the sqlite: sink refuses as a
#: data table).
STATE_TABLE = SYNC_STATE_TABLE
#: The columns of :data:`STATE_TABLE` (:meth:`SyncState.write` makes it).
STATE_COLUMNS = ("project_id", "filter_key", "data_table", "mark", "recent_json", "synced_at")
#: Query parameters that order the records without changing which match: not part of the
#: filter key (:func:`filter_key`), so a run in another order keeps its mark.
ORDER_PARAMETERS = frozenset({"order_by", "order"})
#: :meth:`SyncState.compare`'s verdicts: the database holds the record with the same content
#: (``UNCHANGED``), or with a later ``updated_at`` (``OLDER``: the record is an older copy).
UNCHANGED = "unchanged"
OLDER = "older"

_UTC = dt.UTC


def iso_z(value: dt.datetime) -> str:
    """``2024-01-01T07:42:00Z`` (microseconds kept when present)."""
    return value.astimezone(_UTC).isoformat().replace("+00:00", "Z")


def filter_key(presets: Sequence[str], filters: Mapping[str, Any]) -> str:
    """The filter set as canonical JSON text (presets in order, filters sorted by name,
    values as text): one mark per project AND filter set, so a run with other filters never
    reuses a mark it did not earn. Presets are keyed by name, not by their resolved values
    (``-30d`` moves every day). The order (:data:`ORDER_PARAMETERS`: ``order_by``,
    ``order``) is left out: it changes no record that matches, so a run in another order
    uses the same mark."""
    kept = {k: str(v) for k, v in sorted(filters.items()) if k not in ORDER_PARAMETERS}
    return json.dumps(
        {"presets": list(presets), "filters": kept},
        sort_keys=True,
        separators=(",", ":"),
    )


@dataclass
class SyncMark:
    """What one (project, filter set) has been synced up to.

    :ivar mark: the largest ``updated_at`` stored, or ``None`` before the first run.
    :ivar recent: ``id -> updated_at`` of the records stored within the overlap below the
        mark (the ones the next run re-reads; kept in the state table's ``recent_json`` as
        a record of them: re-read records are compared with the database's rows, see
        :meth:`SyncState.compare`).
    """

    mark: dt.datetime | None = None
    recent: dict[str, str] = field(default_factory=dict)

    def since(self, overlap: dt.timedelta) -> str | None:
        """The ``updated_at_gt`` value for the next run (``None``: everything)."""
        return None if self.mark is None else iso_z(self.mark - overlap)

    def advanced(
        self,
        records: Iterable[Mapping[str, Any]],
        overlap: dt.timedelta,
        *,
        latest: dt.datetime | None = None,
        beyond: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> SyncMark:
        """The mark after storing ``records``: the largest ``updated_at`` seen (old or new),
        and every id within ``overlap`` below it. ``latest``: no ``updated_at`` after it
        becomes the mark (a record stamped in the future, e.g. by a wrong clock, would
        otherwise hide every later change from the next runs; such a record is re-read by
        each run instead); ``beyond(record)`` is called for each such record."""
        stamps: dict[str, dt.datetime] = {}
        for key, text in self.recent.items():
            when = parse_instant(text)
            if when is not None:
                stamps[key] = when
        for record in records:
            when = parse_instant(record.get("updated_at"))
            if when is not None and record.get("id") is not None:
                stamps[str(record["id"])] = when
                if beyond is not None and latest is not None and when > latest:
                    beyond(record)
        if latest is not None:
            stamps = {key: when for key, when in stamps.items() if when <= latest}
        marks = [when for when in stamps.values()]
        if self.mark is not None:
            marks.append(self.mark)
        if not marks:
            return SyncMark()
        top = max(marks)
        recent = {key: iso_z(when) for key, when in stamps.items() if when >= top - overlap}
        return SyncMark(top, recent)


def missing_records(stats: WalkStats) -> str | None:
    """Why a walk that ended without an error may lack records, or None: THE rule deciding
    whether an incremental run may move its mark (``bulk``: a walk that may lack records
    writes its rows but keeps the mark it started from, so the next run reads those
    changes again). Fed by the walk (:class:`WalkStats`):

    * ``stats.incomplete``: what the walk itself found (the server's total fell during it:
      records deleted meanwhile move later ones below the next offset);
    * fewer unique records than the server's ``total`` (an incremental walk has no
      ``max_records`` to explain it: a total that ended too high, a record sent twice in
      place of another);
    * ids that came back on two pages (``duplicates`` beyond ``repeated_in_page``): records
      moved to later offsets during the walk (inserted or re-ordered), so its pages were not
      cut from one list.

    Worded to follow "... during the walk of project P".
    """
    if stats.incomplete is not None:
        return stats.incomplete
    if stats.total is not None and stats.records < stats.total:
        return f"{stats.records} records came back of the server's total {stats.total}"
    moved = stats.duplicates - stats.repeated_in_page
    if moved > 0:
        return (
            f"{moved} record(s) came back on two pages (records moved to later offsets: "
            "inserted or re-ordered)"
        )
    return None


class SyncState:
    """The marks of one SQLite database (table :data:`STATE_TABLE`), keyed by
    (project id, filter key, data table)."""

    def __init__(self, path: Path, table: str, sink: SqliteSink | None = None) -> None:
        self.path = path
        self.table = table
        #: The sink whose transaction carries the marks (:meth:`stage`), if any.
        self.sink = sink

    def check(self, label: str) -> None:
        """Refuse, before any request, a database whose :data:`STATE_TABLE` is not the one
        :meth:`write` makes (a data table given that name by an older version, a user's own
        table): the marks could never be stored, so the run would fail at its commit. A
        database or a state table not there yet, or one that cannot be read now (checked
        again at the commit), passes.

        :raises ConfigurationError: naming the sink ``label``, the table and its columns.
        """
        if not self.path.exists():
            return
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
        except sqlite3.Error:
            return
        try:
            info = conn.execute(f"PRAGMA table_info({quote_identifier(STATE_TABLE)})").fetchall()
        except sqlite3.Error:
            return
        finally:
            conn.close()
        columns = tuple(row[1] for row in info)
        if not columns or columns == STATE_COLUMNS:
            return
        shown = ", ".join(columns[:4])
        if len(columns) > 4:
            shown += f" and {len(columns) - 4} more"
        raise ConfigurationError(
            f"{label}: table {STATE_TABLE!r} exists but does not hold incremental sync marks "
            f"(its columns: {shown}); incremental sync keeps its marks under that name, so "
            "nothing can be synced into this database: rename that table (ALTER TABLE "
            f"{STATE_TABLE} RENAME TO ...) or sync into another database"
        )

    def load(self, project_id: str, key: str) -> SyncMark:
        """The mark stored for ``project_id`` and filter ``key`` (an empty one when the
        database or the row does not exist: a first run fetches everything)."""
        if not self.path.exists():
            return SyncMark()
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30.0)
        try:
            row = conn.execute(
                f'SELECT mark, recent_json FROM "{STATE_TABLE}" '
                "WHERE project_id = ? AND filter_key = ? AND data_table = ?",
                (project_id, key, self.table),
            ).fetchone()
        except sqlite3.OperationalError:  # no state table yet
            return SyncMark()
        finally:
            conn.close()
        if row is None:
            return SyncMark()
        return SyncMark(parse_instant(row[0]), dict(json.loads(row[1])))

    def holds_records(self, project_id: str) -> bool:
        """Whether the data table holds a row of ``project_id`` (any row, when the table has
        no ``project_id`` column: a one-project export); False when the database or the
        table is gone (FINDINGS9 J26: a user empties or drops the table to start over, and a
        mark kept beside it would skip every record older than it, for good). True when the
        database cannot be read now (the mark is kept, as before)."""
        if not self.path.exists():
            return False
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            return True
        table = quote_identifier(self.table)
        try:
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if not columns:
                return False
            if "project_id" in columns:
                query = f"SELECT 1 FROM {table} WHERE project_id = ? OR project_id IS NULL LIMIT 1"
                return conn.execute(query, (project_id,)).fetchone() is not None
            return conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None
        except sqlite3.Error:
            return True
        finally:
            conn.close()

    def write(self, conn: sqlite3.Connection, marks: Mapping[str, SyncMark], key: str) -> None:
        """Upsert the marks of every project (``project_id -> SyncMark``) through ``conn``,
        in its current transaction (the state table is created when missing)."""
        now = iso_z(dt.datetime.now(_UTC))
        conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{STATE_TABLE}" ('
            "project_id TEXT NOT NULL, filter_key TEXT NOT NULL, data_table TEXT NOT NULL, "
            "mark TEXT, recent_json TEXT NOT NULL, synced_at TEXT NOT NULL, "
            "PRIMARY KEY (project_id, filter_key, data_table))"
        )
        conn.executemany(
            f'INSERT INTO "{STATE_TABLE}" VALUES (?, ?, ?, ?, ?, ?) '
            "ON CONFLICT (project_id, filter_key, data_table) DO UPDATE SET "
            "mark = excluded.mark, recent_json = excluded.recent_json, "
            "synced_at = excluded.synced_at",
            [
                (
                    project_id,
                    key,
                    self.table,
                    None if mark.mark is None else iso_z(mark.mark),
                    json.dumps(mark.recent, sort_keys=True),
                    now,
                )
                for project_id, mark in marks.items()
            ],
        )

    def compare(self, records: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        """``id -> verdict`` for the ``records`` the data table already holds (read by
        primary key through the sink's transaction, :meth:`SqliteSink.stored_rows`: the cost
        follows the page, never the table); a record not in the result is new or changed.

        * :data:`OLDER`: the record's ``updated_at`` is an earlier instant than the stored
          row's (both instants under :func:`parse_instant`);
        * :data:`UNCHANGED`: the same ``updated_at`` instant (or neither has one: null or
          text kept as sent) and the same content: the stored ``record_json`` equals the
          record under the sink's rule (``RecordSchema.json_record``: date-times as UTC
          text, NaN as null), compared as JSON values (key order does not count).

        :raises SinkError: the lookup failed (naming the sink).
        """
        assert self.sink is not None, "compare() needs the SyncState of a sink"
        ids = [str(record["id"]) for record in records if record.get("id") is not None]
        try:
            stored = self.sink.stored_rows(ids, ("updated_at", RECORD_JSON))
        except Exception as exc:
            raise SinkError(self.sink.label, exc) from exc
        json_record = self.sink.record_schema.json_record
        verdicts: dict[str, str] = {}
        for record in records:
            key = str(record.get("id"))
            row = stored.get(key) if record.get("id") is not None else None
            if row is None:
                continue
            sent, held = parse_instant(record.get("updated_at")), parse_instant(row[0])
            if sent is not None and held is not None and sent < held:
                verdicts[key] = OLDER
            elif sent == held and _same_content(row[1], json_record(record)):
                verdicts[key] = UNCHANGED
        return verdicts

    def stage(self, marks: Mapping[str, SyncMark], key: str) -> None:
        """Have the sink write ``marks`` in the transaction that commits its rows (call after
        the last page, before committing the sinks)."""
        assert self.sink is not None, "stage() needs the SyncState of a sink"
        final = dict(marks)
        self.sink.in_commit(lambda conn: self.write(conn, final, key))


def _same_content(stored_json: Any, record: Any) -> bool:
    """``stored_json`` (a row's ``record_json`` text) holds ``record`` (JSON values)."""
    try:
        return bool(json.loads(stored_json) == record)
    except (TypeError, ValueError):  # not JSON text (a row edited by hand): changed
        return False


def check_sync_sinks(sinks: Sequence[tuple[str, Sink]], *, cli: bool = False) -> None:
    """Refuse a sink that cannot hold sync state (every one must be a sqlite: sink), with
    the advice of where the run was asked for: ``--incremental`` and ``--sink`` on the
    command line (``cli``), ``incremental=True`` in Python (FINDINGS11 L10).

    :raises ConfigurationError: naming the sink and the sinks that can hold state.
    """
    for text, given in sinks:
        sink = getattr(given, "wrapped", given)  # the CLI wraps sinks (progress bar)
        if not isinstance(sink, SqliteSink):
            example = "--sink sqlite:measurements.db" if cli else "sqlite:measurements.db"
            drop = "--incremental" if cli else "incremental=True"
            raise ConfigurationError(
                f"incremental sync needs a destination that remembers what it holds; sink "
                f"{text!r} cannot. Use a sqlite: sink (e.g. {example}), or drop {drop}"
            )


def open_sync_state(sinks: Sequence[tuple[str, Sink]]) -> list[SyncState]:
    """The state stores of ``sinks`` (every one must be able to hold a mark); each sink's
    upsert is told never to replace a row with an older ``updated_at``
    (:meth:`SqliteSink.keep_newer`).

    :raises ConfigurationError: a sink cannot hold state (message names it and the sinks that
        can), a database holds another table under :data:`STATE_TABLE`
        (:meth:`SyncState.check`), or there is no sink.
    """
    check_sync_sinks(sinks)
    states: list[SyncState] = []
    for _text, given in sinks:
        sink = getattr(given, "wrapped", given)  # the CLI wraps sinks (progress bar)
        assert isinstance(sink, SqliteSink)  # check_sync_sinks
        state = SyncState(Path(sink.path), sink.table, sink)
        state.check(sink.label)
        sink.keep_newer("updated_at")
        states.append(state)
    if not states:
        raise ConfigurationError("incremental sync needs a sqlite: sink")
    return states


def combined_mark(states: Sequence[SyncState], project_id: str, key: str) -> SyncMark:
    """The mark to start from when several sinks hold state: the lowest (no sink misses a
    record); ``recent`` holds the ids every sink holds at the same ``updated_at``. A mark
    whose data table holds no record of the project (emptied or dropped since) is not used:
    none (a warning names the table; FINDINGS9 J26)."""
    loaded = [state.load(project_id, key) for state in states]
    if any(mark.mark is None for mark in loaded):
        return SyncMark()
    for state, mark in zip(states, loaded, strict=True):
        if not state.holds_records(project_id):
            assert mark.mark is not None
            logger.warning(
                "incremental: table %s of %s holds no records of project %s; reading the "
                "whole project (the stored mark of %s is not used)",
                state.table,
                state.path,
                project_id,
                iso_z(mark.mark),
            )
            return SyncMark()
    lowest = min(loaded, key=lambda mark: mark.mark or dt.datetime.min.replace(tzinfo=_UTC))
    recent = {
        key_: value
        for key_, value in lowest.recent.items()
        if all(mark.recent.get(key_) == value for mark in loaded)
    }
    return SyncMark(lowest.mark, recent)
