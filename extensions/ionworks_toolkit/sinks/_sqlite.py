"""``sqlite:`` sink: the embedded default database. Upsert by ``id`` in one transaction."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ._base import BaseSink, SinkRecordError, SinkTargetError, check_options
from ._base import output_path as _output_path
from ._flatten import Kind, dumps, flatten_record, kind_of

__all__ = ["DEFAULT_TABLE", "SqliteSink", "make_sqlite_sink"]

DEFAULT_TABLE = "measurements"
RECORD_JSON = "record_json"
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def quote_identifier(name: str) -> str:
    """``"name"`` with embedded double quotes doubled (SQL standard identifier quoting)."""
    return '"' + name.replace('"', '""') + '"'


def _fold(name: str) -> str:
    # SQLite compares identifiers case-insensitively for ASCII letters only.
    return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)


def _affinity(kinds: set[Kind]) -> str:
    numeric = kinds - {"null"}
    if numeric and numeric <= {"bool", "int"}:
        return "INTEGER"
    if numeric and numeric <= {"bool", "int", "float"}:
        return "REAL"
    return "TEXT"


def _sql_value(value: Any) -> Any:
    if value is None or isinstance(value, str | float):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if kind_of(value) == "int" else str(value)  # beyond 64 bits: text
    return dumps(value)


class SqliteSink(BaseSink):
    """Upsert records by ``id`` into one table of a SQLite database, in ONE transaction.

    Table layout: ``"id" TEXT PRIMARY KEY NOT NULL``, ``"record_json" TEXT NOT NULL`` (the
    full record as JSON, authoritative) plus one column per flattened dotted field
    (``"specification.ratings.capacity.value"``), added with ``ALTER TABLE ADD COLUMN`` as
    fields appear.

    Column typing: a column is created when a page first carries a non-null value for it
    (a page's new columns in first-seen key order). Its declared type (affinity) comes from
    that page's values: only booleans/integers -> ``INTEGER``, numbers including a float ->
    ``REAL``, anything else (text, lists as JSON text, mixed) -> ``TEXT``. A field that is
    null everywhere gets no column (it stays in ``record_json``). Booleans are stored as
    0/1, lists as JSON text, integers beyond 64 bits as text. SQLite's flexible typing keeps
    later values of another type as given.

    Upsert: ``INSERT ... ON CONFLICT("id") DO UPDATE`` sets only the columns present in
    the new record (a present ``None`` sets NULL) and ``record_json``; columns the new
    record lacks keep their values. Consecutive records of the same shape go through one
    ``executemany``.

    Transaction: ``BEGIN IMMEDIATE`` at the first write (the write lock is held for the
    run; readers keep seeing the previous content), ``COMMIT`` on ``commit()``, ``ROLLBACK``
    on ``abort()``. A database file created by an aborted run is removed again.

    :raises SinkRecordError: a record without ``id`` (or with a non-text, non-integer id),
        a field named ``record_json``, two fields whose names differ only in ASCII case.
    :raises SinkTargetError: the table exists but has no ``id`` primary key or
        ``record_json`` column.
    """

    def __init__(
        self,
        path: Path,
        *,
        table: str = DEFAULT_TABLE,
        label: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        if not _IDENTIFIER_RE.match(table) or table.lower().startswith("sqlite_"):
            raise SinkTargetError(_bad_table_message(table))
        super().__init__(label or f"sqlite:{path}")
        self.path = path
        self.table = table
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None
        self._created_file = False
        self._columns: dict[str, str] = {}  # folded name -> actual name
        self._exact: set[str] = set()  # actual names of existing columns
        self._statements: dict[tuple[str, ...], str] = {}

    @property
    def destination(self) -> str:
        return f"{self.label} (table {self.table})"

    # -- connection --------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        self._created_file = not self.path.exists()
        # Used serially by one run; pages may arrive from a worker thread.
        conn = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        self._conn = conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:  # locked, not a database, read-only, ...
            exc.add_note(f"{self.label}: cannot start a write transaction")
            raise
        table = quote_identifier(self.table)
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {table} "
            f'("id" TEXT PRIMARY KEY NOT NULL, "{RECORD_JSON}" TEXT NOT NULL)'
        )
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        self._columns = {_fold(row[1]): row[1] for row in info}
        self._exact = set(self._columns.values())
        pk = [row[1] for row in info if row[5]]
        if _fold(RECORD_JSON) not in self._columns or not (
            [_fold(c) for c in pk] == ["id"] or self._has_unique_id(conn, table)
        ):
            raise SinkTargetError(
                f"{self.label}: table {self.table!r} exists but was not created by this sink "
                f'(it needs an "id" primary key and a "{RECORD_JSON}" column); '
                "choose another table with ?table=NAME"
            )
        return conn

    @staticmethod
    def _has_unique_id(conn: sqlite3.Connection, table: str) -> bool:
        for index in conn.execute(f"PRAGMA index_list({table})").fetchall():
            if index[2]:  # unique
                cols = conn.execute(f"PRAGMA index_info({quote_identifier(index[1])})").fetchall()
                if [_fold(c[2]) for c in cols] == ["id"]:
                    return True
        return False

    # -- BaseSink hooks ----------------------------------------------------------------

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        conn = self._connection()
        rows: list[tuple[dict[str, Any], str]] = []
        new_columns: dict[str, tuple[str, set[Kind]]] = {}  # folded -> (name, kinds)
        for position, record in enumerate(records, start=self.records_written + 1):
            flat = self._flatten(record, position)
            rows.append((flat, dumps(record)))
            for key, value in flat.items():
                if key in self._exact:
                    continue
                fold = _fold(key)
                name, kinds = new_columns.setdefault(fold, (key, set()))
                if name != key:
                    raise SinkRecordError(
                        f"{self.label}: record #{position}: field {key!r} differs only in "
                        f"case from field {name!r} of an earlier record; SQLite column names "
                        "are case-insensitive"
                    )
                if value is not None:
                    kinds.add(kind_of(value))
        table = quote_identifier(self.table)
        for fold, (key, kinds) in new_columns.items():
            if not kinds:  # null everywhere so far: no column yet (value is in record_json)
                continue
            column = f"{quote_identifier(key)} {_affinity(kinds)}"
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
            self._columns[fold] = key
            self._exact.add(key)

        batch: list[tuple[Any, ...]] = []
        shape: tuple[str, ...] = ()
        for flat, record_json in rows:
            keys = tuple(k for k in flat if k in self._exact)
            if keys != shape and batch:
                conn.executemany(self._upsert_sql(shape), batch)
                batch = []
            shape = keys
            batch.append((*(_sql_value(flat[k]) for k in keys), record_json))
        if batch:
            conn.executemany(self._upsert_sql(shape), batch)

    def _commit(self) -> None:
        conn = self._connection()  # a run without records still creates the table
        conn.execute("COMMIT")
        conn.close()
        self._conn = None

    def _abort(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            conn.close()
            if self._created_file:
                for suffix in ("", "-journal", "-wal", "-shm"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{self.path}{suffix}")

    # -- helpers -----------------------------------------------------------------------

    def _flatten(self, record: Mapping[str, Any], position: int) -> dict[str, Any]:
        where = f"{self.label}: record #{position}"
        try:
            flat = flatten_record(record)
        except ValueError as exc:
            raise SinkRecordError(f"{where}: {exc}") from exc
        record_id = flat.get("id")
        if record_id is None or isinstance(record_id, bool | list):
            shown = "no 'id'" if record_id is None else f"an unusable id {record_id!r}"
            raise SinkRecordError(
                f"{where} has {shown}; the sqlite sink upserts by id (text or integer)"
            )
        if not isinstance(record_id, str | int):
            raise SinkRecordError(f"{where} has an unusable id {record_id!r}")
        if self._exact.issuperset(flat) and RECORD_JSON not in flat:
            return flat  # fast path: only known columns, which are unique up to case
        folded: dict[str, str] = {}
        for key in flat:
            fold = _fold(key)
            if fold == RECORD_JSON:
                raise SinkRecordError(
                    f"{where}: field {key!r} clashes with the sink's {RECORD_JSON!r} column"
                )
            if fold in folded:
                raise SinkRecordError(
                    f"{where}: fields {folded[fold]!r} and {key!r} differ only in case; "
                    "SQLite column names are case-insensitive"
                )
            folded[fold] = key
            existing = self._columns.get(fold)
            if existing is not None and existing != key:
                raise SinkRecordError(
                    f"{where}: field {key!r} differs only in case from the existing column "
                    f"{existing!r}; SQLite column names are case-insensitive"
                )
        return flat

    def _upsert_sql(self, keys: tuple[str, ...]) -> str:
        sql = self._statements.get(keys)
        if sql is None:
            names = [quote_identifier(k) for k in (*keys, RECORD_JSON)]
            updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != '"id"')
            sql = (
                f"INSERT INTO {quote_identifier(self.table)} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))}) "
                f'ON CONFLICT("id") DO UPDATE SET {updates}'
            )
            if len(self._statements) > 512:
                self._statements.clear()
            self._statements[keys] = sql
        return sql


def _bad_table_message(table: str) -> str:
    return (
        f"invalid sqlite table name {table!r}: use letters, digits and underscores, "
        "starting with a letter or underscore (not 'sqlite_...')"
    )


def make_sqlite_sink(target: str, options: dict[str, str]) -> SqliteSink:
    """Factory for ``sqlite:PATH[?table=NAME]`` (default table ``measurements``).

    :raises SinkTargetError: an unknown option, an unsafe table name, a missing path or
        directory.
    """
    check_options("sqlite", options, ("table",))
    table = options.get("table", DEFAULT_TABLE)
    if not _IDENTIFIER_RE.match(table) or table.lower().startswith("sqlite_"):
        raise SinkTargetError(_bad_table_message(table))
    path = _output_path("sqlite", target)
    return SqliteSink(path, table=table, label=f"sqlite:{target}")
