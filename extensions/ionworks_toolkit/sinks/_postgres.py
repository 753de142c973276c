"""``postgresql:`` sink (extra ``postgres``): upsert by ``id`` into a PostgreSQL table, one
transaction per run, through psycopg 3.

Target: ``postgresql://USER@HOST:PORT/DBNAME[?table=measurements&schema=public&...]`` (also
``postgres://``), a libpq connection URI without a password. The password comes from where
libpq users keep it: ``PGPASSWORD``, ``~/.pgpass`` (``PGPASSFILE``) or a service file
(``?service=NAME``, ``PGSERVICEFILE``); every other ``PG*`` environment variable applies too.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from ._base import (
    BaseSink,
    SinkDependencyError,
    SinkRecordError,
    SinkTargetError,
    check_options,
    redact_credentials,
)
from ._flatten import Kind, dumps, flatten_record, kind_of, to_text

__all__ = [
    "DEFAULT_SCHEMA",
    "DEFAULT_TABLE",
    "PostgresSink",
    "make_postgres_sink",
    "postgres_column_type",
]

DEFAULT_TABLE = "measurements"
DEFAULT_SCHEMA = "public"
RECORD_JSON = "record_json"
INSTALL_HINT = 'pip install "ionworks-toolkit[postgres]"'
#: libpq connection parameters accepted as ``?key=value`` options (besides table and schema).
LIBPQ_OPTIONS = (
    "application_name",
    "connect_timeout",
    "options",
    "service",
    "sslcert",
    "sslkey",
    "sslmode",
    "sslrootcert",
    "target_session_attrs",
)
#: PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes.
MAX_IDENTIFIER_BYTES = 63
_SEQ = "__ionworks_seq"
_STAGING = "ionworks_staging"
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
# An RFC 3339 instant: date, time and an explicit offset (a naive time stays text).
_INSTANT_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)$"
)

PgKind = Kind | str  # the flatten kinds plus "instant"


def _require_psycopg() -> ModuleType:
    try:
        import psycopg
    except ImportError as exc:
        raise SinkDependencyError(
            f"the postgresql sink needs psycopg 3, which is not installed: {INSTALL_HINT}"
        ) from exc
    return psycopg


def postgres_column_type(kinds: set[PgKind]) -> str | None:
    """The PostgreSQL type of a column from the kinds of value it held over the whole run.

    Same rule as the SQLite affinities and the Parquet types: nulls are ignored; only
    booleans -> ``boolean``; only 64-bit integers -> ``bigint``; integers and floats, or
    floats -> ``double precision``; only RFC 3339 instants with an offset -> ``timestamptz``;
    only lists -> ``jsonb``; anything else (text, integers beyond 64 bits, mixed kinds) ->
    ``text``. ``None`` for a column that is null everywhere: it gets no column yet (the value
    is in ``record_json``).
    """
    seen = kinds - {"null"}
    if not seen:
        return None
    if seen == {"bool"}:
        return "boolean"
    if seen == {"int"}:
        return "bigint"
    if seen <= {"int", "float"}:
        return "double precision"
    if seen == {"instant"}:
        return "timestamp with time zone"
    if seen == {"json"}:
        return "jsonb"
    return "text"


def column_name(key: str) -> str:
    """The column for a flattened field: the dotted key itself (``"specification.ratings.
    capacity.value"``); a key longer than PostgreSQL's 63-byte identifier limit is cut to 54
    bytes plus ``~`` and 8 hex digits of its sha1, so two long keys never share a column."""
    raw = key.encode("utf-8")
    if len(raw) <= MAX_IDENTIFIER_BYTES:
        return key
    head = raw[:54].decode("utf-8", errors="ignore")
    return f"{head}~{hashlib.sha1(raw).hexdigest()[:8]}"


def _pg_kind(value: Any) -> PgKind:
    kind = kind_of(value)
    if kind == "str" and _INSTANT_RE.match(value):
        return "instant"
    return kind


def _copy_text(value: Any) -> str | None:
    """A flattened value as the text COPY sends for it (cast to the column type at commit)."""
    if value is None:
        return None
    if type(value) is float:
        return repr(value) if value == value and value not in (_INF, -_INF) else None
    return to_text(value)


_INF = float("inf")


class PostgresSink(BaseSink):
    """Upsert records by ``id`` into ``SCHEMA.TABLE`` of a PostgreSQL database, in ONE
    transaction per run.

    Table layout: ``"id" text PRIMARY KEY``, ``"record_json" jsonb NOT NULL`` (the full
    record, authoritative) plus one column per flattened dotted field
    (``"specification.ratings.capacity.value"``), typed by :func:`postgres_column_type` and
    added with ``ALTER TABLE ... ADD COLUMN`` when a run brings a new field (a newer spec).

    Run: the first ``write`` connects and creates a temporary staging table (dropped at the
    end of the transaction); every page is sent with ``COPY ... FROM STDIN`` into it, as
    text. ``commit()`` takes a transaction-scoped advisory lock on the table name, creates
    the schema and table if missing, adds new columns, then ``INSERT INTO ... SELECT DISTINCT
    ON (id) ... ON CONFLICT (id) DO UPDATE`` (the last record of an id in the run wins) and
    commits. Every statement runs in that one transaction: a failed, interrupted or aborted
    run (or a dropped connection) leaves the table, its columns and its rows as they were.
    Readers keep seeing the previous rows until the commit.

    An existing column keeps its type; values are cast to it (a cast that fails fails the
    run, nothing changed). A column null everywhere in a run is set to NULL for the run's
    records. Columns of the table that the run's records do not have are left alone.

    :raises SinkRecordError: a record without a text or integer ``id``; a field named
        ``record_json``; a NUL character (U+0000) in a field name or text, which PostgreSQL
        cannot store (the run fails, naming the record and field, rather than altering data).
    :raises SinkTargetError: the table exists without an ``id`` primary key or a
        ``record_json`` column.
    :raises psycopg.Error: connection or server errors (wrapped by the session in
        ``SinkError``); messages never carry a password.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = DEFAULT_TABLE,
        schema: str = DEFAULT_SCHEMA,
        label: str,
    ) -> None:
        super().__init__(label)
        self._pg = _require_psycopg()
        self._conninfo = conninfo
        self.table = table
        self.schema = schema
        self._conn: Any = None
        self._kinds: dict[str, set[PgKind]] = {}  # column -> kinds seen this run
        self._staged: set[str] = {_SEQ, "id", RECORD_JSON}  # columns of the staging table

    @property
    def destination(self) -> str:
        return f"{self.label} (table {self.schema}.{self.table})"

    def __repr__(self) -> str:
        return f"<PostgresSink {self.destination} {self.state} records={self.records_written}>"

    # -- connection --------------------------------------------------------------------

    def _connection(self) -> Any:
        if self._conn is not None:
            return self._conn
        sql = self._pg.sql
        conn = self._pg.connect(self._conninfo, autocommit=False)
        self._conn = conn
        conn.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {} ({} bigint NOT NULL, id text NOT NULL, {} text "
                "NOT NULL) ON COMMIT DROP"
            ).format(sql.Identifier(_STAGING), sql.Identifier(_SEQ), sql.Identifier(RECORD_JSON))
        )
        return conn

    # -- BaseSink hooks ----------------------------------------------------------------

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        sql = self._pg.sql
        conn = self._connection()
        rows: list[tuple[Any, ...]] = []
        page_columns: dict[str, None] = {}
        flats: list[dict[str, Any]] = []
        for position, record in enumerate(records, start=self.records_written + 1):
            flat = self._flatten(record, position)
            flats.append(flat)
            for key, value in flat.items():
                page_columns.setdefault(key)
                self._kinds.setdefault(key, set()).add(_pg_kind(value))
        for key in page_columns:
            if key not in self._staged:
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN {} text").format(
                        sql.Identifier(_STAGING), sql.Identifier(key)
                    )
                )
                self._staged.add(key)
        keys = [k for k in page_columns if k != "id"]
        for offset, (flat, record) in enumerate(zip(flats, records, strict=True)):
            record_json = dumps(record)
            if "\\u0000" in record_json:  # JSON's escape of NUL (rarely, an escaped backslash)
                self._refuse_nul(flat, self.records_written + offset + 1)
            rows.append(
                (
                    self.records_written + offset,
                    to_text(flat["id"]),
                    record_json,
                    *(_copy_text(flat.get(k)) for k in keys),
                )
            )
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(_STAGING),
            sql.SQL(", ").join(sql.Identifier(c) for c in (_SEQ, "id", RECORD_JSON, *keys)),
        )
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _commit(self) -> None:
        sql = self._pg.sql
        conn = self._connection()  # a run without records still creates the table
        target = sql.Identifier(self.schema, self.table)
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"ionworks_toolkit:{self.schema}.{self.table}"],
        )
        exists = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", [self.schema]
        ).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.schema)))
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (id text PRIMARY KEY, {} jsonb NOT NULL)"
            ).format(target, sql.Identifier(RECORD_JSON))
        )
        existing = self._table_columns()
        for key, kinds in self._kinds.items():
            if key == "id" or key in existing:
                continue
            pg_type = postgres_column_type(kinds)
            if pg_type is None:
                continue
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} " + pg_type).format(
                    target, sql.Identifier(key)
                )
            )
            existing[key] = pg_type
        columns = [k for k in self._kinds if k != "id" and k in existing]
        names = sql.SQL(", ").join(sql.Identifier(c) for c in ("id", RECORD_JSON, *columns))
        values = sql.SQL(", ").join(
            [
                sql.Identifier("id"),
                sql.SQL("{}::jsonb").format(sql.Identifier(RECORD_JSON)),
                *(sql.SQL("{}::" + existing[c]).format(sql.Identifier(c)) for c in columns),
            ]
        )
        updates = sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in (RECORD_JSON, *columns)
        )
        conn.execute(
            sql.SQL(
                "INSERT INTO {target} ({names}) SELECT DISTINCT ON (id) {values} FROM {staging} "
                "ORDER BY id, {seq} DESC ON CONFLICT (id) DO UPDATE SET {updates}"
            ).format(
                target=target,
                names=names,
                values=values,
                staging=sql.Identifier(_STAGING),
                seq=sql.Identifier(_SEQ),
                updates=updates,
            )
        )
        conn.commit()
        conn.close()
        self._conn = None

    def _abort(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            with contextlib.suppress(self._pg.Error):
                conn.rollback()
        finally:
            conn.close()

    # -- helpers -----------------------------------------------------------------------

    def _table_columns(self) -> dict[str, str]:
        """column -> type (``format_type``) of the target table; checks it is ours."""
        rows = self._conn.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
            [self._pg.sql.Identifier(self.schema, self.table).as_string(self._conn)],
        ).fetchall()
        columns = {name: pg_type for name, pg_type in rows}
        pk = self._conn.execute(
            "SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = to_regclass(%s) AND i.indisprimary",
            [self._pg.sql.Identifier(self.schema, self.table).as_string(self._conn)],
        ).fetchone()
        if columns.get(RECORD_JSON) not in ("jsonb", "json", "text") or (pk and pk[0]) != ["id"]:
            raise SinkTargetError(
                f"{self.label}: table {self.schema}.{self.table} exists but was not created by "
                f'this sink (it needs an "id" primary key and a "{RECORD_JSON}" column); '
                "choose another table with ?table=NAME"
            )
        return columns

    def _refuse_nul(self, flat: Mapping[str, Any], position: int) -> None:
        for key, value in flat.items():
            text = value if isinstance(value, str) else dumps(value).replace("\\u0000", "\x00")
            if "\x00" in key or "\x00" in text:
                raise SinkRecordError(
                    f"{self.label}: record #{position} (id {flat['id']!r}): field {key!r} "
                    "contains a NUL character (U+0000), which PostgreSQL cannot store in text "
                    "or jsonb"
                )

    def _flatten(self, record: Mapping[str, Any], position: int) -> dict[str, Any]:
        where = f"{self.label}: record #{position}"
        try:
            flat = flatten_record(record)
        except ValueError as exc:
            raise SinkRecordError(f"{where}: {exc}") from exc
        record_id = flat.get("id")
        if isinstance(record_id, bool) or not isinstance(record_id, str | int):
            shown = "no 'id'" if record_id is None else f"an unusable id {record_id!r}"
            raise SinkRecordError(
                f"{where} has {shown}; the postgresql sink upserts by id (text or integer)"
            )
        if RECORD_JSON in flat or _SEQ in flat:
            raise SinkRecordError(f"{where}: field {RECORD_JSON!r} clashes with the sink's column")
        if any(len(k.encode("utf-8")) > MAX_IDENTIFIER_BYTES for k in flat):
            flat = {column_name(k): v for k, v in flat.items()}
        return flat


def make_postgres_sink(target: str, options: dict[str, str]) -> PostgresSink:
    """Factory for ``postgresql://USER@HOST:PORT/DBNAME[?table=measurements&schema=public]``
    (libpq options ``sslmode``, ``service``, ``connect_timeout`` (default 10 s),
    ``application_name``... are passed on).

    The password never comes from the target (it would sit in shell history and process
    lists): use ``PGPASSWORD``, ``~/.pgpass`` or a service file.

    :raises SinkTargetError: a password in the target or options, an unknown option, an
        unsafe table or schema name, a target that is not a ``//`` URI.
    :raises SinkDependencyError: psycopg is not installed.
    """
    shown = redact_credentials(target)
    if options.get("password") or "password" in options:
        raise SinkTargetError(_password_message(f"postgresql:{shown}"))
    check_options("postgresql", options, ("schema", "table", *LIBPQ_OPTIONS))
    if target and not target.startswith("//"):
        raise SinkTargetError(
            f"postgresql:{shown}: expected a connection URI, "
            "e.g. postgresql://user@127.0.0.1:5432/dbname?table=measurements"
        )
    try:
        parts = urlsplit(f"postgresql:{target}")
        _ = parts.port
    except ValueError as exc:
        raise SinkTargetError(f"postgresql:{shown}: {exc}") from exc
    if parts.password is not None:
        raise SinkTargetError(_password_message(f"postgresql:{shown}"))
    if "password=" in parts.query.lower():
        raise SinkTargetError(_password_message(f"postgresql:{shown}"))
    table = options.get("table", DEFAULT_TABLE)
    schema = options.get("schema", DEFAULT_SCHEMA)
    for what, name in (("table", table), ("schema", schema)):
        if not _NAME_RE.match(name) or name.lower().startswith("pg_"):
            raise SinkTargetError(
                f"invalid postgresql {what} name {name!r}: use letters, digits and "
                "underscores, starting with a letter or underscore, at most 63 (not 'pg_...')"
            )
    psycopg = _require_psycopg()
    libpq = {k: v for k, v in options.items() if k in LIBPQ_OPTIONS}
    libpq.setdefault("connect_timeout", "10")
    try:
        conninfo = psycopg.conninfo.make_conninfo(f"postgresql:{target}" if target else "", **libpq)
    except psycopg.ProgrammingError as exc:
        raise SinkTargetError(f"postgresql:{shown}: {exc}") from exc
    return PostgresSink(conninfo, table=table, schema=schema, label=f"postgresql:{shown}")


def _password_message(shown: str) -> str:
    return (
        f"{shown}: a password in the sink target is refused (it would be kept in shell "
        "history and process lists); set PGPASSWORD, use ~/.pgpass (PGPASSFILE) or a "
        "service file (?service=NAME)"
    )
