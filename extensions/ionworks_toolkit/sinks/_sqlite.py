"""``sqlite:`` sink: the embedded default database. Upsert by ``id`` in one transaction."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from itertools import compress, repeat
from operator import is_not
from pathlib import Path
from typing import Any

from .._codec import JsonReadyList
from ._base import (
    BaseSink,
    SinkTargetError,
    StrPath,
    _current_umask,
    _fsync_dir,
    check_options,
    folder_name_max,
    lock_wait,
    output_target,
    part_prefix,
    remove_stale_parts,
    stale_parts_note,
    upsert_id,
)
from ._base import notice as _notice
from ._base import stop_if_cancelled as _stop_if_cancelled
from ._columns import (
    EXTRA_COLUMN,
    ColumnType,
    ConversionStats,
    RecordSchema,
    measurements_schema,
    parse_instant,
    projects_schema,
)
from ._flatten import dumps

__all__ = [
    "DEFAULT_TABLE",
    "RECORD_JSON",
    "RESERVED_TABLES",
    "SYNC_STATE_TABLE",
    "TABLES_TABLE",
    "SqliteSink",
    "make_sqlite_sink",
    "sqlite_type",
]

#: The table measurements go to; other resources use their own (``projects list`` ->
#: ``projects``), see :attr:`RecordSchema.resource`.
DEFAULT_TABLE = "measurements"
RECORD_JSON = "record_json"
#: The sink's own table recording which item schema each of its tables holds: one row per
#: table, ``table_name`` (ASCII letters folded to lower case, as SQLite compares names),
#: ``item_schema`` (:attr:`RecordSchema.name`, e.g. ``CellMeasurementWithDetails``) and
#: ``resource`` (:attr:`RecordSchema.resource`, e.g. ``measurements``). Written in the
#: transaction of the rows; its name is no data table's (``?table=`` refuses it).
TABLES_TABLE = "ionworks_sink_tables"
#: The table of incremental sync marks (``ionworks_toolkit.incremental``), kept beside the data.
SYNC_STATE_TABLE = "ionworks_sync_state"
#: The tables the toolkit keeps in a user's database (lower-case name -> what it keeps there):
#: never a data table (``?table=`` refuses them, in any letter case: SQLite folds ASCII
#: letters).
RESERVED_TABLES = {
    TABLES_TABLE: "its record of which item schema each table holds",
    SYNC_STATE_TABLE: "its incremental sync marks",
}
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}\Z")  # \Z: "$" allows a final "\n"
#: Set on a database this sink builds (see SqliteSink._connection); page_size before any table.
_NEW_DATABASE_PRAGMAS = (
    "PRAGMA page_size = 16384",
    "PRAGMA journal_mode = MEMORY",
    "PRAGMA synchronous = OFF",
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def quote_identifier(name: str) -> str:
    """``"name"`` with embedded double quotes doubled (SQL standard identifier quoting)."""
    return '"' + name.replace('"', '""') + '"'


def _fold(name: str) -> str:
    # SQLite compares identifiers case-insensitively for ASCII letters only.
    return name.translate(_ASCII_LOWER)


def sqlite_type(column_type: ColumnType) -> str:
    """Declared SQLite type of a column type: ``integer``/``boolean`` -> ``INTEGER`` (booleans
    as 0/1), ``number`` -> ``REAL``, everything else (text, dates and date-times as ISO-8601
    text, JSON) -> ``TEXT``."""
    if column_type in ("integer", "boolean"):
        return "INTEGER"
    if column_type == "number":
        return "REAL"
    return "TEXT"


#: Seconds between two tries of a lock another run holds (this sink's database write lock,
#: the postgresql sink's table lock): between them, Ctrl-C and SIGTERM are noticed.
LOCK_POLL_INTERVAL = 0.1
#: The lock wait's clock and sleep (module names, so that a test can replace them alone).
_clock = time.monotonic
_sleep = time.sleep
#: Seconds :meth:`SqliteSink._restore_target` waits for another connection's lock (one
#: busy wait inside SQLite, kept short: it holds off Ctrl-C).
RESTORE_WAIT = 2.0
#: Ids per statement of :meth:`SqliteSink.stored_values` (below SQLite's 999 bound variables
#: of versions before 3.32).
LOOKUP_CHUNK = 500


class SqliteSink(BaseSink):
    """Upsert records by ``id`` into one table of a SQLite database, in ONE transaction.

    Table layout, from the run's :class:`RecordSchema` (never from the data, so a re-run
    never needs ``ALTER TABLE`` for data-driven keys): ``"id" TEXT PRIMARY KEY NOT NULL``, one
    column per declared field (dotted names such as ``"specification.ratings.capacity.value"``,
    free-form objects such as ``"properties"`` as one JSON text column), ``"extra_json"``
    (undeclared fields), and ``"record_json" TEXT NOT NULL``: the full record as JSON,
    authoritative, always valid (``json_valid(record_json)`` holds; NaN becomes null). Types
    see :func:`sqlite_type`. A table made by an older version gets the missing declared
    columns added once; its other columns are kept and left alone.

    Table name: ``table``, else the schema's resource (``measurements``, ``projects``).

    Upsert: ``INSERT ... ON CONFLICT("id") DO UPDATE`` sets every column of the layout.

    Transaction and locking: ``BEGIN IMMEDIATE`` at the first write; readers keep seeing the
    previous content. If another run holds the write lock, a message on stderr says so and
    the sink waits up to ``timeout`` seconds, then fails naming the database. ``COMMIT`` on
    ``commit()``, ``ROLLBACK`` on ``abort()``.

    A database that does not exist yet is built in a temporary file beside the target and
    linked into place at commit (never replacing a database another run created meanwhile:
    then the rows are upserted into that one). So an aborted or interrupted run leaves no new
    empty database, and never deletes a database file, whoever uses it. Such a new database
    has 16 KiB pages (SQLite's default is 4 KiB; a measurement row is ~16 KB); an existing
    one keeps its page size.

    Speed: NULL cells are left out of the upsert (binding ``None`` is slow in sqlite3), and a
    usual record's cells come from :meth:`RecordSchema.present_row` (booleans as 1/0).

    :raises SinkRecordError: a record without ``id`` (or with a non-text, non-integer id).
    :raises SinkTargetError: the table exists but has no ``id`` primary key or
        ``record_json`` column; the database stays locked by another run.
    """

    applies_date_rule = True  # every record goes through record_schema's rule

    stages_output = True  # published only by its commit; abort() keeps the previous output
    marks_its_waits = True  # its lock waits are lock_wait; the rest is local work
    #: An async export writes its pages from a worker thread (``writes_in_worker_thread``;
    #: the connection is opened with ``check_same_thread=False``): there the wait for
    #: another run's write lock leaves the event loop free, and ``asyncio.wait_for``,
    #: ``cancel()`` and the first Ctrl-C end it at its next poll (FINDINGS10 K2). Its
    #: ``prepare()`` and ``commit()`` (the COMMIT waiting for a reader) run on the loop.
    worker_thread_safe = True

    def __init__(
        self,
        path: StrPath,
        *,
        table: str | None = None,
        label: str | None = None,
        timeout: float = 30.0,
        record_schema: RecordSchema | None = None,
    ) -> None:
        path = Path(path)  # a str too (was: AttributeError)
        if table is not None and not _valid_table(table):
            raise SinkTargetError(_bad_table_message(table))
        super().__init__(label or f"sqlite:{path}", record_schema=record_schema)
        self.path = path
        _check_journal_name(self.label, path)
        self._table = table
        self.timeout = timeout
        #: A database that did not exist when the sink was built has no previous output: a
        #: failed run says "nothing written (no previous output to keep)" for it.
        self.keeps_previous_output = path.exists()
        self._conn: sqlite3.Connection | None = None
        self._tmp: Path | None = None  # the new database being built, until commit
        #: Upserts by the columns they set (indices into _all_columns); NULL cells are left
        #: out while the table's columns have no DEFAULT (then leaving one out inserts NULL).
        self._sql_present: dict[tuple[int, ...], str] = {}
        self._omit_nulls = False
        self._in_commit: list[Callable[[sqlite3.Connection], None]] = []
        #: ``True`` once the run writes into a table an older version made (no record of
        #: its item schema in :data:`TABLES_TABLE`), which it then records: named in
        #: :meth:`describe`.
        self.adopted_table = False
        #: ``""``, or what an abort could not undo: the state the failed run left the
        #: database file in (see :meth:`_restore_target`); the run's outcome says it.
        self.abort_left = ""
        #: The date-time column an upsert never moves back (:meth:`keep_newer`), if any.
        self._newer_column: str | None = None
        #: ``(st_dev, st_ino)`` of the existing database this run opened at :attr:`path`
        #: (``None`` for a new database, built beside it): see :meth:`_check_still_at_path`.
        self._opened_file: tuple[int, int] | None = None

    @property
    def table(self) -> str:
        """The table written: the ``table`` option, else the schema's resource."""
        return self._table or self.record_schema.resource

    @property
    def destination(self) -> str:
        return f"{self.label} (table {self.table})"

    # -- connection --------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        if not _valid_table(self.table):
            raise SinkTargetError(_bad_table_message(self.table))
        if self.path.exists():
            conn = self._begin(self.path)
            try:
                opened = os.stat(self.path)
            except OSError:
                conn.close()
                raise
            self._opened_file = (opened.st_dev, opened.st_ino)
        else:
            try:
                fd, name = tempfile.mkstemp(
                    dir=self.path.parent, prefix=part_prefix(self.path), suffix=".part"
                )
            except OSError as exc:  # name the folder, never the hidden part file
                raise type(exc)(exc.errno, exc.strerror, str(self.path.parent)) from None
            os.close(fd)
            self._tmp = Path(name)
            # The new database is private until it is published (fsync, then hard link, see
            # _publish_new_database), and an abort deletes it: a crash can never leave a torn
            # file at the target. So SQLite's own durability work is skipped there: no fsync
            # per commit (synchronous=OFF) and the rollback journal in memory, not a file
            # (ROLLBACK still works). Its pages are 16 KiB, not SQLite's 4 KiB: a measurement
            # row (~16 KB: record_json plus the spec's columns) then spans 1-2 pages instead of
            # a chain of 4-5 overflow pages, which takes a third off the insert's CPU. An
            # existing database keeps SQLite's defaults and its own page size.
            conn = self._begin(self._tmp, _NEW_DATABASE_PRAGMAS)
        self._conn = conn
        self._prepare_table(conn, "main")
        return conn

    def _begin(self, path: Path, pragmas: Sequence[str] = ()) -> sqlite3.Connection:
        # Used serially by one run; pages may arrive from a worker thread.
        conn = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        try:
            conn.create_function(_NOT_OLDER, 2, _not_older)
            for pragma in pragmas:
                conn.execute(pragma)
            self._take_write_lock(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _take_write_lock(self, conn: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``: tried at once; while another run holds the write lock, a
        notice goes to stderr and it is tried again every :data:`LOCK_POLL_INTERVAL` seconds
        for up to ``timeout`` seconds (not SQLite's busy_timeout: its wait, inside one call,
        let no Ctrl-C or SIGTERM through until it ended). The wait ends early on Ctrl-C or
        SIGTERM: in a plain thread as KeyboardInterrupt, in an asyncio task (the CLI) as
        CancelledError once the task is cancelled; nothing was written.

        :raises SinkTargetError: the lock is still held after ``timeout`` seconds.
        """
        self._while_locked(
            conn,
            "BEGIN IMMEDIATE",
            "another run is writing to this database; waiting up to {timeout} s for its lock...",
            "the database is still locked by another run after {timeout} s; nothing was "
            "written to it (try again when the other run has finished)",
        )

    def _commit_when_unread(self, conn: sqlite3.Connection) -> None:
        """``COMMIT``, waited for like the write lock (:meth:`_take_write_lock`) while another
        connection reads the database: in a rollback-journal database (SQLite's default) an
        open read transaction (a notebook's unfinished cursor, a
        database browser, a ``sqlite3`` shell inside ``BEGIN``) holds a SHARED lock that
        ``COMMIT`` must wait for; the transaction stays open and ``COMMIT`` is tried again.

        Databases this sink creates stay in rollback-journal mode (WAL, where readers never
        block the writer, would add ``-wal``/``-shm`` files beside a catalogue people copy as
        one file, and needs shared memory: no network file systems, no read-only readers).

        :raises SinkTargetError: a reader still holds the database after ``timeout`` seconds.
        """
        self._while_locked(
            conn,
            "COMMIT",
            "another connection is reading this database (an open read transaction: a "
            "notebook, a database browser, a sqlite3 shell); waiting up to {timeout} s for "
            "it to finish...",
            "another connection is still reading this database after {timeout} s; nothing "
            "was written to it (close that connection or end its transaction, then try "
            "again)",
        )

    def _while_locked(
        self, conn: sqlite3.Connection, statement: str, waiting: str, gave_up: str
    ) -> None:
        """Run ``statement``; while SQLite says the database is locked or busy, it is tried
        again every :data:`LOCK_POLL_INTERVAL` seconds for up to ``timeout`` seconds, then
        :class:`SinkTargetError` (``gave_up``). The notice ``waiting`` goes to stderr once,
        when the second try is refused too: a lock held for an instant (another run's own
        ``BEGIN IMMEDIATE`` try holds a SHARED lock while it fails, which a ``COMMIT`` meeting
        it reads as a reader) is waited for silently. Both texts follow the label and get
        ``{timeout}``. Ctrl-C and SIGTERM end the wait (see :meth:`_take_write_lock`)."""
        deadline = None
        refused = 0
        while True:
            try:
                conn.execute(statement)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                timeout = f"{self.timeout:g}"
                refused += 1
                if deadline is None:
                    deadline = _clock() + self.timeout
                if refused == 2:
                    _notice(f"{self.label}: {waiting.format(timeout=timeout)}")
                left = deadline - _clock()
                if left <= 0:
                    raise SinkTargetError(
                        f"{self.label}: {gave_up.format(timeout=timeout)}"
                    ) from exc
            with lock_wait():  # a signal stops the run here at once, also while publishing
                _sleep(min(LOCK_POLL_INTERVAL, left))
            _stop_if_cancelled()

    def _prepare_table(self, conn: sqlite3.Connection, database: str) -> None:
        schema = self.record_schema
        table = f"{database}.{quote_identifier(self.table)}"
        wanted = [(c.name, sqlite_type(c.type)) for c in schema.columns if c.name != "id"]
        wanted.append((EXTRA_COLUMN, "TEXT"))
        info = self._table_info(conn, database)
        if info:  # refused before anything is changed: another shape, another item schema
            self._check_owned(conn, database, info)
            recorded = self._check_item_schema(conn, database)
            self.adopted_table = not recorded
        else:
            definitions = ", ".join(f"{quote_identifier(n)} {t}" for n, t in wanted)
            conn.execute(
                f'CREATE TABLE {table} ("id" TEXT PRIMARY KEY NOT NULL, '
                f'{definitions}, "{RECORD_JSON}" TEXT NOT NULL)'
            )
            info = self._table_info(conn, database)
            recorded = False
        if not recorded:
            self._record_item_schema(conn, database)
        existing = {_fold(row[1]) for row in info}
        # Binding None costs ~10x binding text in the sqlite3 module (it looks for an adapter
        # each time) and a measurement row is ~60% NULL: leave NULL cells out of the INSERT
        # when that means the same, i.e. no column has a DEFAULT (this sink never declares one).
        self._omit_nulls = all(row[4] is None for row in info)
        for name, declared in wanted:  # a table from an older version: add what it lacks
            if _fold(name) not in existing:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {quote_identifier(name)} {declared}")

    def _table_info(self, conn: sqlite3.Connection, database: str) -> list[Any]:
        """``PRAGMA table_info`` of the table: ``[]`` when it does not exist."""
        return conn.execute(
            f"PRAGMA {database}.table_info({quote_identifier(self.table)})"
        ).fetchall()

    def _check_item_schema(self, conn: sqlite3.Connection, database: str) -> bool:
        """Whether :data:`TABLES_TABLE` records the (existing) table as holding this run's item
        schema: ``True``; ``False`` when it records nothing for it (a table made by a version
        before the record, which this run adopts, see :func:`check_item_schema`).

        :raises SinkTargetError: the table holds another item schema's records (``projects
            list --sink "sqlite:big.db?table=measurements"``), naming the table, what it
            holds and what this run writes.
        """
        schema = self.record_schema
        has_tables = conn.execute(
            f"SELECT 1 FROM {database}.sqlite_master WHERE type = 'table' AND name = ?",
            (TABLES_TABLE,),
        ).fetchone()
        row = None
        if has_tables:
            row = conn.execute(
                f'SELECT "item_schema", "resource" FROM {database}.{TABLES_TABLE} '
                'WHERE "table_name" = ?',
                (_fold(self.table),),
            ).fetchone()
        return check_item_schema(self.label, self.table, row, schema, _fold)

    def _record_item_schema(self, conn: sqlite3.Connection, database: str) -> None:
        """Record in :data:`TABLES_TABLE` (made when missing) that the table holds this run's
        item schema, in the transaction of the rows."""
        schema = self.record_schema
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {database}.{TABLES_TABLE} ("
            '"table_name" TEXT PRIMARY KEY NOT NULL, "item_schema" TEXT NOT NULL, '
            '"resource" TEXT NOT NULL)'
        )
        conn.execute(
            f'INSERT INTO {database}.{TABLES_TABLE} ("table_name", "item_schema", "resource") '
            'VALUES (?, ?, ?) ON CONFLICT("table_name") DO UPDATE SET '
            '"item_schema" = excluded."item_schema", "resource" = excluded."resource"',
            (_fold(self.table), schema.name, schema.resource),
        )

    def _check_owned(self, conn: sqlite3.Connection, database: str, info: list[Any]) -> None:
        """Refuse a table this sink did not make: ``info`` (its ``PRAGMA table_info`` rows)
        must hold a ``record_json`` column and ``id`` must be its primary key or unique."""
        existing = {_fold(row[1]) for row in info}
        pk = [_fold(row[1]) for row in info if row[5]]
        if _fold(RECORD_JSON) not in existing or not (
            pk == ["id"] or self._has_unique_id(conn, database)
        ):
            raise SinkTargetError(
                f"{self.label}: table {self.table!r} exists but was not created by this sink "
                f'(it needs an "id" primary key and a "{RECORD_JSON}" column); '
                "choose another table with ?table=NAME"
            )

    def bind_schema(self, schema: RecordSchema) -> None:
        """Use ``schema`` for this run (its resource names the default table) and check the
        table now, before any request: one that exists in the database must have been
        made by this sink (see :meth:`check_table`).

        :raises SinkTargetError: a table of another shape (a user's own ``measurements``).
        """
        super().bind_schema(schema)
        self.check_table()

    def check_table(self) -> None:
        """Read the database (read-only, no lock taken) and refuse a table of the same name
        that this sink did not make, as the first write would. A database that does not
        exist yet, a table not there yet, or a database another run is writing to (checked
        again at the first write) passes.

        :raises SinkTargetError: naming the sink and the table, and ``?table=NAME``; or a
            file with a SQLite header that SQLite cannot read (``file is not a database``).
        """
        if not self.path.exists():
            return
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
        except sqlite3.Error:
            return  # checked again when the first page is written
        try:
            info = self._table_info(conn, "main")
            if info:
                self._check_owned(conn, "main", info)
                self._check_item_schema(conn, "main")
        except sqlite3.OperationalError:
            return  # e.g. locked by another run: checked again at the first write
        except sqlite3.DatabaseError as exc:  # a SQLite header over damaged pages
            raise SinkTargetError(
                f"{self.label}: {self.path.name} cannot be read as a SQLite database ({exc}); "
                "not changed (give a SQLite database or a new file)"
            ) from None
        finally:
            conn.close()

    def _has_unique_id(self, conn: sqlite3.Connection, database: str) -> bool:
        table = quote_identifier(self.table)
        for index in conn.execute(f"PRAGMA {database}.index_list({table})").fetchall():
            if index[2]:  # unique
                name = quote_identifier(index[1])
                cols = conn.execute(f"PRAGMA {database}.index_info({name})").fetchall()
                if [_fold(c[2]) for c in cols] == ["id"]:
                    return True
        return False

    # -- BaseSink hooks ----------------------------------------------------------------

    def _check_still_at_path(self) -> None:
        """The existing database this run writes into must still be the file at
        :attr:`path`: one deleted, or replaced by another file (``mv new.db m.db``, a sync
        client, log rotation), while its connection stays open keeps taking the rows into the
        removed file, which no one will read again. Checked before each page and before the
        rows are committed, so such a run fails (its rows rolled back; the file now at the
        path untouched) instead of reporting rows written that are nowhere (FINDINGS10 K1).

        :raises SinkTargetError: the file at :attr:`path` is gone or another file.
        """
        if self._opened_file is None:
            return
        try:
            now = os.stat(self.path)
            current: tuple[int, int] | None = (now.st_dev, now.st_ino)
        except FileNotFoundError:
            current = None
        if current == self._opened_file:
            return
        name = self.path.name
        self.previous_gone = True  # the outcome says so, not "previous output kept" (L6)
        if current is None:
            happened, left = "deleted", "nothing was written"
        else:
            happened, left = "replaced by another file", f"the file now at {name} is untouched"
        raise SinkTargetError(
            f"{self.label}: {name} was {happened} while this run wrote to it: its rows went "
            f"to the removed file and are rolled back; {left} (run it again)"
        )

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        conn = self._connection()
        self._check_still_at_path()
        schema, stats = self.record_schema, self.conversion
        names = schema.column_names
        id_index = names.index("id") if "id" in names else None
        scratch = ConversionStats()  # record_json repeats what the row already counted
        ready = type(records) is JsonReadyList  # parsed by msgspec: no NaN/Infinity to scan for
        row, json_record, label = schema.row, schema.json_record, self.label
        # Binding None costs ~10x binding text in the sqlite3 module and a measurement row is
        # ~60% NULL, so NULL cells are left out of the upsert when that means the same (see
        # _prepare_table). The compiled rule gives the usual record's cells that way at once
        # (present_row), its id in place; any other record takes the general rule.
        present_row = (
            schema.present_row
            if self._omit_nulls
            and id_index is not None
            and schema.columns[id_index].type in ("string", "integer")
            else None
        )
        every = tuple(range(len(self._all_columns()) - 1))  # the cells before record_json
        run: list[list[Any]] = []
        run_key: tuple[int, ...] = ()
        for position, record in enumerate(records, start=self.records_written + 1):
            record_id = upsert_id(label, "sqlite", position, record)
            got = present_row(record, json_ready=ready) if present_row is not None else None
            # A record that the compiled rule laid out holds no NaN/Infinity anywhere (it saw
            # every value: an undeclared one sends it to the general rule), so record_json
            # needs no scan for them even on a page not parsed by msgspec.
            finite = ready
            if got is not None:
                key, cells = got
                finite = True
            else:
                # Dates and date-times as ISO text; booleans bind as 0/1 (bool is an int)
                cells = row(record, stats, json_ready=ready, text_times=True)
                if id_index is None:
                    cells.insert(0, record_id)
                else:
                    cells[id_index] = record_id
                if self._omit_nulls:
                    key = tuple(compress(every, map(is_not, cells, repeat(None))))
                    cells = [cell for cell in cells if cell is not None]
                else:
                    key = every
            cells.append(dumps(json_record(record, scratch, json_ready=finite)))
            # Consecutive rows with the same cells go in one executemany (the order of the
            # upserts is kept: a later record with the same id still wins).
            if key != run_key:
                if run:
                    conn.executemany(self._upsert_present_sql(run_key), run)
                run, run_key = [], key
            run.append(cells)
        if run:
            conn.executemany(self._upsert_present_sql(run_key), run)

    def stored_values(self, ids: Sequence[str], column: str) -> dict[str, Any]:
        """``id -> value of column`` for the rows of the table whose ``id`` is in ``ids``
        (:meth:`stored_rows` of one column)."""
        return {key: row[0] for key, row in self.stored_rows(ids, (column,)).items()}

    def stored_rows(self, ids: Sequence[str], columns: Sequence[str]) -> dict[str, tuple]:
        """``id -> (value of each of columns)`` for the rows of the table whose ``id`` is in
        ``ids``, as this run's transaction sees them (rows written earlier in the run
        included; an id the table does not hold is left out). Incremental sync compares
        re-read records with them. Opens the transaction, taking the write lock, as the
        first write would. Looked up by the primary key, :data:`LOOKUP_CHUNK` ids per
        statement: the cost follows ``len(ids)``, never the table's size.

        :raises SinkStateError: the sink is no longer open.
        :raises SinkTargetError: as the first write (a table of another shape, a lock
            held too long).
        """
        self._require_open("read stored rows")
        conn = self._connection()
        found: dict[str, tuple] = {}
        names = ", ".join(quote_identifier(column) for column in columns)
        select = f'SELECT "id", {names} FROM {quote_identifier(self.table)}'
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            marks = ", ".join("?" * len(chunk))
            for row in conn.execute(f'{select} WHERE "id" IN ({marks})', chunk):
                found[row[0]] = row[1:]
        return found

    def keep_newer(self, column: str = "updated_at") -> None:
        """From now on an upsert never replaces a row whose date-time ``column`` holds a
        later instant than the incoming record's (``ON CONFLICT("id") DO UPDATE ... WHERE``
        the incoming instant is not earlier): an older copy of a record (a lagging read
        replica) leaves the newer row as it is. A row or a record without an instant there
        (null, or text kept as sent) is replaced as before: no order is known. Instants are
        compared as :func:`~ionworks_toolkit.sinks._columns.parse_instant` reads them, not
        as text. Incremental sync sets it (``updated_at``); call it before the first write.

        :raises ValueError: ``column`` is not a date-time column of the record schema.
        :raises SinkStateError: the sink is no longer open.
        """
        self._require_open("keep newer rows")
        types = {c.name: c.type for c in self.record_schema.columns}
        if types.get(column) != "date-time":
            raise ValueError(
                f"{self.label}: keep_newer needs a date-time column of "
                f"{self.record_schema.name}, not {column!r}"
            )
        self._newer_column = column
        self._sql_present.clear()

    def in_commit(self, step: Callable[[sqlite3.Connection], None]) -> None:
        """Have ``step(connection)`` write in the transaction that publishes this sink's rows
        (after the last page, before ``COMMIT``): what it writes lands with the rows or not at
        all. Steps run in the order given, in ``prepare()``; when the database was created by
        another run meanwhile, again in the transaction that merges the rows into it (so a
        step must be repeatable, e.g. an upsert). Incremental sync writes its marks so.

        :raises SinkStateError: the sink is no longer open.
        """
        self._require_open("add a commit step")
        self._in_commit.append(step)

    def _prepare(self) -> None:
        conn = self._connection()  # a run without records still creates the table; lock held
        for step in self._in_commit:
            step(conn)
        self._check_still_at_path()

    def _commit(self) -> None:
        conn = self._connection()
        self._commit_when_unread(conn)
        conn.close()
        self._conn = None
        if self._tmp is not None:
            self._publish_new_database(self._tmp)
        self._stale_parts = stale_parts_note(*remove_stale_parts(self.path))

    def describe(self) -> str:
        """:meth:`BaseSink.describe`; after an abort that could not restore the database,
        ``aborted: sqlite:s.db (table measurements) not restored: the failed write left ...``
        (:attr:`abort_left`)."""
        if self.state == "aborted" and self.abort_left:
            return f"aborted: {self.destination} not restored: {self.abort_left}"
        return super().describe()

    def _notes(self) -> str:
        adopted = ""
        if self.adopted_table:
            schema = self.record_schema
            adopted = (
                f"table {self.table} had no record of what it holds (made by an older "
                f"version): recorded as {schema.resource} ({schema.name} records)"
            )
        return "; ".join(filter(None, (adopted, getattr(self, "_stale_parts", ""))))

    def _publish_new_database(self, tmp: Path) -> None:
        """Publish the new database built at ``tmp`` (:meth:`_link_new_database`). When the
        target's folder was removed during the run, or a directory now stands at the path,
        the error names the target (never the hidden part file) and says so:
        ``FileNotFoundError('PATH: the folder F was removed during the run')``,
        ``IsADirectoryError('PATH is now a directory: it was replaced by a directory during
        the run')``."""
        try:
            self._link_new_database(tmp)
        except (OSError, sqlite3.Error) as exc:
            folder = self.path.parent
            if not folder.is_dir():
                raise FileNotFoundError(
                    f"{self.path}: the folder {folder} was removed during the run"
                ) from exc
            if self.path.is_dir():
                raise IsADirectoryError(
                    f"{self.path} is now a directory: it was replaced by a directory during the run"
                ) from exc
            raise

    def _link_new_database(self, tmp: Path) -> None:
        _fsync_file(tmp)  # synchronous=OFF: the data reaches the disk here, before the link
        os.chmod(tmp, 0o666 & ~_current_umask())
        try:
            os.link(tmp, self.path)  # atomic, and never replaces an existing file
        except FileExistsError:
            self._merge_into_existing(tmp)  # another run created it meanwhile
        except OSError:  # no hard links on this file system
            if self.path.exists():
                self._merge_into_existing(tmp)
            else:
                os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)
        self._remove_tmp()

    def _merge_into_existing(self, tmp: Path) -> None:
        conn = self._begin(self.path)
        try:
            conn.execute("ATTACH DATABASE ? AS incoming", (str(tmp),))
            self._prepare_table(conn, "main")
            names = ", ".join(quote_identifier(n) for n in self._all_columns())
            conn.execute(
                f"{self._upsert_prefix()} SELECT {names} FROM incoming."
                f"{quote_identifier(self.table)} WHERE true {self._upsert_suffix()}"
            )
            for step in self._in_commit:
                step(conn)
            self._commit_when_unread(conn)
            conn.execute("DETACH DATABASE incoming")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # _abort raises what abort_left says
                self._close_rolled_back(conn, on_target=True)
            raise
        conn.close()

    def _abort(self) -> None:
        """``ROLLBACK`` and close; on an existing database, make sure the rollback reached the
        file (:meth:`_restore_target`). Then remove this run's own temporary database.

        :raises SinkTargetError: the previous content could not be restored: the message
            (also :attr:`abort_left`) says what state the file is in.
        """
        conn, self._conn = self._conn, None
        try:
            if conn is not None:
                self._close_rolled_back(conn, on_target=self._tmp is None)
        finally:
            self._remove_tmp()  # only ever our own temporary database, never the target
        if self.abort_left:
            raise SinkTargetError(f"{self.label}: {self.abort_left}")

    def _close_rolled_back(self, conn: sqlite3.Connection, *, on_target: bool) -> None:
        """``ROLLBACK`` the open transaction (if SQLite has not ended it already) and close
        ``conn``; when ``conn`` wrote to the target itself (``on_target``), then
        :meth:`_restore_target`."""
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            conn.close()
            if on_target:
                self._restore_target()

    def _restore_target(self) -> None:
        """After a failed write into the existing database: leave its previous bytes and no
        rollback journal, or say in :attr:`abort_left` that it could not.

        A write that fails inside SQLite's pager (disk full, ``SQLITE_FULL``; a file size
        limit or an I/O error, ``SQLITE_IOERR``) may have changed pages of the database file
        already; SQLite then ends the transaction without undoing them (``ROLLBACK`` finds
        none open) and closing leaves the ``-journal`` holding the original pages beside the
        modified file: a *hot journal*, which only a connection that may write replays, so a
        read-only reader (``?mode=ro``, a read-only mount) cannot open the database at all.
        When that journal exists, a new connection reads the schema: SQLite replays a hot
        journal before any read (restoring the original bytes and size, and deleting the
        journal), and leaves a journal of another run's live transaction alone. Waits at most
        :data:`RESTORE_WAIT` seconds for another connection's lock."""
        if not os.path.lexists(f"{self.path}-journal"):
            return
        try:
            _replay_journal(self.path)
        except sqlite3.Error as exc:
            name = self.path.name
            self.abort_left = (
                f"the failed write left {name} modified, with SQLite's rollback journal "
                f"{name}-journal beside it, and restoring the previous content from it failed "
                f"({type(exc).__name__}: {exc}): SQLite restores it when a program that may "
                f"write to {name} next opens it (the next run does); until then read-only "
                f"readers cannot open it; keep {name}-journal beside it"
            )

    def _remove_tmp(self) -> None:
        tmp, self._tmp = self._tmp, None
        if tmp is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{tmp}{suffix}")

    # -- helpers -----------------------------------------------------------------------

    def _all_columns(self) -> list[str]:
        names = self.record_schema.column_names
        return ([] if "id" in names else ["id"]) + names + [RECORD_JSON]

    def _upsert_prefix(self) -> str:
        names = ", ".join(quote_identifier(n) for n in self._all_columns())
        return f"INSERT INTO {quote_identifier(self.table)} ({names})"

    def _upsert_suffix(self) -> str:
        updates = ", ".join(
            f"{quote_identifier(n)} = excluded.{quote_identifier(n)}"
            for n in self._all_columns()
            if n != "id"
        )
        suffix = f'ON CONFLICT("id") DO UPDATE SET {updates}'
        if self._newer_column is not None:  # keep_newer(): never move the row back
            column = quote_identifier(self._newer_column)
            suffix += (
                f" WHERE {_NOT_OLDER}(excluded.{column}, {quote_identifier(self.table)}.{column})"
            )
        return suffix

    def _upsert_present_sql(self, present: tuple[int, ...]) -> str:
        """The upsert of the columns at the indices ``present`` of :meth:`_all_columns` (every
        one but ``record_json``, which is always last), the others left out: on conflict they
        are set to NULL (``excluded`` holds NULL for a column left out)."""
        sql = self._sql_present.get(present)
        if sql is None:
            everything = self._all_columns()
            chosen = [everything[index] for index in present] + [RECORD_JSON]
            marks = ", ".join("?" * len(chosen))
            sql = (
                f"INSERT INTO {quote_identifier(self.table)} "
                f"({', '.join(quote_identifier(n) for n in chosen)}) "
                f"VALUES ({marks}) {self._upsert_suffix()}"
            )
            self._sql_present[present] = sql
        return sql


def _replay_journal(path: Path) -> None:
    """Open the existing database ``path`` for writing (never creating it) and read its
    schema: SQLite first replays a hot rollback journal beside it (see
    :meth:`SqliteSink._restore_target`).

    :raises sqlite3.Error: the journal could not be replayed (no write access, the database
        locked for longer than :data:`RESTORE_WAIT` seconds, the file gone)."""
    check = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=RESTORE_WAIT)
    try:
        check.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        check.close()


#: The SQL function of :meth:`SqliteSink.keep_newer`'s upsert (on every connection the sink
#: opens): :func:`_not_older`.
_NOT_OLDER = "ionworks_not_older"


def _not_older(incoming: Any, stored: Any) -> bool:
    """False only when both are instants (:func:`parse_instant`) and ``incoming`` is the
    earlier: an unknown order never keeps the stored row."""
    new, old = parse_instant(incoming), parse_instant(stored)
    return new is None or old is None or new >= old


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # writable: Windows flushes only a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: The first 16 bytes of every SQLite 3 database file (https://sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"


def _check_database_file(target: str, path: Path) -> None:
    """Refuse an existing file that is not a SQLite database (a text file named ``text.db``):
    a non-empty file must start with :data:`SQLITE_HEADER`; an empty one is an empty
    database to SQLite. A file that cannot be read is left to the first write."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        return
    if head and head != SQLITE_HEADER:
        raise SinkTargetError(
            f"sqlite:{target}: {target} is not a SQLite database (it does not start with "
            "'SQLite format 3'); not changed (give a SQLite database or a new file)"
        )


def check_item_schema(
    label: str,
    table: str,
    recorded: Sequence[str] | None,
    schema: RecordSchema,
    fold: Callable[[str], str] = str,
) -> bool:
    """A database sink's rule for an existing ``table`` that its record of tables says holds
    ``recorded`` (``(item_schema, resource)``, ``None``: no record) when a run writes
    ``schema``'s records into it: ``True`` when recorded as ``schema``.

    No record (a table made by a version before the record): ``False``, the run takes the
    table and records it, unless its name (compared by ``fold``) is ANOTHER resource's
    default table (``measurements``, ``projects``): older versions put only that resource's
    records there by default. No column of the table is read to guess what it holds.

    :raises SinkTargetError: the table holds (or by its name, held) another item schema's
        records: ``sqlite:big.db: table 'measurements' holds measurements
        (CellMeasurementWithDetails records), not projects (Project records); nothing was
        written (choose another table with ?table=NAME)``.
    """
    if recorded is None:
        named = fold(table)
        if named == fold(schema.resource) or named not in {fold(t) for t in _default_tables()}:
            return False
        held = (
            f"{named} (the default table of {named}, made by an older version that kept no "
            "record of it)"
        )
    elif recorded[0] == schema.name:
        return True
    else:
        held = f"{recorded[1]} ({recorded[0]} records)"
    raise SinkTargetError(
        f"{label}: table {table!r} holds {held}, not {schema.resource} ({schema.name} "
        "records); nothing was written (choose another table with ?table=NAME)"
    )


def _valid_table(table: str) -> bool:
    return (
        bool(_IDENTIFIER_RE.match(table))
        and not table.lower().startswith("sqlite_")
        and _fold(table) not in RESERVED_TABLES
    )


def _default_tables() -> frozenset[str]:
    """The default tables of the resources the toolkit writes (``measurements``,
    ``projects``): what an older version's table of that name holds."""
    return frozenset(_fold(s.resource) for s in (measurements_schema(), projects_schema()))


def reserved_table_message(kind: str, table: str) -> str | None:
    """Why ``table`` cannot be a data table of a ``kind`` (``sqlite``, ``postgresql``) sink:
    one of :data:`RESERVED_TABLES`, in any ASCII letter case; None for any other name."""
    reserved = RESERVED_TABLES.get(_fold(table))
    if reserved is None:
        return None
    return (
        f"invalid {kind} table name {table!r}: the toolkit keeps {reserved} in a table of "
        "that name; choose another table with ?table=NAME"
    )


def _bad_table_message(table: str) -> str:
    reserved = reserved_table_message("sqlite", table)
    if reserved is not None:
        return reserved
    kept = " or ".join(repr(name) for name in RESERVED_TABLES)
    return (
        f"invalid sqlite table name {table!r}: use letters, digits and underscores, "
        f"starting with a letter or underscore (not 'sqlite_...', not {kept}: tables the "
        "toolkit keeps)"
    )


#: SQLite's names for an in-memory database (``sqlite3.connect(":memory:")``, and its URI
#: form): as a sink target they are refused, not written as a file of that name.
IN_MEMORY_NAMES = (":memory:", "file::memory:")


def make_sqlite_sink(target: str, options: dict[str, str]) -> SqliteSink:
    """Factory for ``sqlite:PATH[?table=NAME]`` (default table: the resource's, e.g.
    ``measurements`` for measurements, ``projects`` for ``projects list``). The target must be
    a regular file or a new path: stdout, devices, FIFOs, directories and sockets are refused,
    and so is SQLite's in-memory database (``sqlite::memory:``, gone when the run ends; a
    file of that name is ``sqlite:./:memory:``).

    :raises SinkTargetError: an unknown option, an unsafe table name, a missing path or
        directory, a target that is not a regular file, an in-memory database.
    """
    check_options("sqlite", options, ("table",))
    if target in IN_MEMORY_NAMES:  # FINDINGS9 J3: it wrote a file named ':memory:'
        raise SinkTargetError(
            f"sqlite:{target} is an in-memory SQLite database, which is gone when the run "
            f"ends: it cannot hold an export; give a file, e.g. sqlite:catalog.db (a file "
            f"named {target!r} is written as sqlite:./{target})"
        )
    table = options.get("table")
    if table is not None and not _valid_table(table):
        raise SinkTargetError(_bad_table_message(table))
    resolved = output_target("sqlite", target, streams=False, in_place=True)
    assert resolved.path is not None
    _check_database_file(target, resolved.path)
    return SqliteSink(resolved.path, table=table, label=f"sqlite:{target}")


def _check_journal_name(label: str, path: Path) -> None:
    """Refuse, before any request, a database whose name is too long for the rollback
    journal SQLite keeps beside it (``NAME-journal``, 8 bytes longer) to fit the folder's
    name limit, giving the longest name that fits.

    :raises SinkTargetError: ``sqlite:NAME: the database's name is 250 bytes: SQLite keeps
        its journal beside it under a name 8 bytes longer, over the file system's 255-byte
        name limit; give a database name of at most 247 bytes``
    """
    limit = folder_name_max(path.parent)
    size = len(path.name.encode("utf-8", "surrogateescape"))
    extra = len("-journal")
    if size + extra > limit:
        raise SinkTargetError(
            f"{label}: the database's name is {size} bytes: SQLite keeps its journal beside "
            f"it under a name {extra} bytes longer, over the file system's {limit}-byte name "
            f"limit; give a database name of at most {limit - extra} bytes"
        )
