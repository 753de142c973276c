"""``postgresql:`` sink (extra ``postgres``): upsert by ``id`` into a PostgreSQL table, one
transaction per run, through psycopg 3.

Target: ``postgresql://USER@HOST:PORT/DBNAME[?table=measurements&schema=public&...]`` (also
``postgres://``), a libpq connection URI without a password. The password comes from where
libpq users keep it: ``PGPASSWORD``, ``~/.pgpass`` (``PGPASSFILE``) or a service file
(``?service=NAME``, ``PGSERVICEFILE``); every other ``PG*`` environment variable applies too.
"""

from __future__ import annotations

import configparser
import contextlib
import hashlib
import math
import os
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from .._codec import JsonReadyList
from ._base import (
    BaseSink,
    SinkDependencyError,
    SinkRecordError,
    SinkTargetError,
    check_options,
    install_hint,
    redact_credentials,
    upsert_id,
)
from ._columns import EXTRA_COLUMN, ColumnType, ConversionStats, RecordSchema
from ._flatten import dumps
from ._sqlite import (
    LOCK_POLL_INTERVAL,
    TABLES_TABLE,
    _notice,
    _stop_if_cancelled,
    check_item_schema,
    reserved_table_message,
)

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_SCHEMA",
    "DEFAULT_TABLE",
    "PostgresSink",
    "column_name",
    "make_postgres_sink",
    "postgres_type",
    "preload_psycopg",
]

#: The table measurements go to; other resources use their own (``projects list`` ->
#: ``projects``), see :attr:`RecordSchema.resource`.
DEFAULT_TABLE = "measurements"
DEFAULT_SCHEMA = "public"
#: Seconds a run waits for another run writing the same table (its advisory lock) before it
#: fails; the SQLite sink waits as long for its database's write lock.
DEFAULT_LOCK_TIMEOUT = 30.0
RECORD_JSON = "record_json"
INSTALL_HINT = install_hint("postgres", "psycopg[binary]")
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
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}\Z")  # \Z: "$" allows a final "\n"
_PG_TYPES: dict[str, str] = {
    "string": "text",
    "integer": "bigint",
    "number": "double precision",
    "boolean": "boolean",
    "date": "date",
    "date-time": "timestamp with time zone",
    "json": "jsonb",
}


def _require_psycopg() -> ModuleType:
    try:
        import psycopg
    except ImportError as exc:
        raise SinkDependencyError(
            f"the postgresql sink needs psycopg 3, which is not installed: {INSTALL_HINT}"
        ) from exc
    return psycopg


def preload_psycopg() -> None:
    """Import psycopg (for a worker thread, as :func:`~._parquet.preload_pyarrow`); without
    it nothing: the sink's factory says what to install."""
    with contextlib.suppress(SinkDependencyError):
        _require_psycopg()


def postgres_type(column_type: ColumnType) -> str:
    """The PostgreSQL type of a column type of the shared column rule (``_columns``, the same
    rule as SQLite, CSV and Parquet): ``string`` -> ``text``, ``integer`` -> ``bigint``,
    ``number`` -> ``double precision``, ``boolean`` -> ``boolean``, ``date`` -> ``date``,
    ``date-time`` -> ``timestamp with time zone``, ``json`` (free-form objects, arrays) ->
    ``jsonb``."""
    return _PG_TYPES[column_type]


def column_name(key: str) -> str:
    """The column for a dotted field name: the name itself (``"specification.ratings.
    capacity.value"``); one longer than PostgreSQL's 63-byte identifier limit is cut to 54
    bytes plus ``~`` and 8 hex digits of its sha1, so two long names never share a column."""
    raw = key.encode("utf-8")
    if len(raw) <= MAX_IDENTIFIER_BYTES:
        return key
    head = raw[:54].decode("utf-8", errors="ignore")
    return f"{head}~{hashlib.sha1(raw).hexdigest()[:8]}"


class PostgresSink(BaseSink):
    """Upsert records by ``id`` into ``SCHEMA.TABLE`` of a PostgreSQL database, in ONE
    transaction per run.

    Table layout, from the run's :class:`RecordSchema` (the overlaid spec, never the data;
    the same columns as the SQLite sink): ``"id" text PRIMARY KEY``, one column per declared
    field (dotted names such as ``"specification.ratings.capacity.value"``; free-form objects
    such as ``"properties"`` as one ``jsonb`` column), ``"extra_json" jsonb`` (undeclared
    fields), ``"record_json" jsonb NOT NULL`` (the full record, dates and date-times in UTC,
    NaN as null). Types: :func:`postgres_type`. A field that a newer spec declares becomes a
    new column (``ALTER TABLE ... ADD COLUMN``) on the next run; a table's other columns are
    kept and left alone; an existing column keeps its type (values are cast to it).

    Table name: ``table``, else the schema's resource (``measurements``, ``projects``).

    Run: the first ``write`` connects and creates a temporary staging table of the layout
    (dropped at the end of the transaction); every page is sent with ``COPY ... FROM
    STDIN``. ``prepare()`` takes a transaction-scoped advisory lock on the table name
    (concurrent runs into one table queue there, each for up to ``lock_timeout`` seconds,
    default 30, then fails saying another export is writing the table), creates the schema
    and table if missing, adds new columns and runs ``INSERT INTO ... SELECT DISTINCT ON
    (id) ... ON CONFLICT (id) DO UPDATE`` (the last record of an id in the run wins);
    ``commit()`` is the ``COMMIT``. Everything runs in that one transaction: a failed,
    interrupted or aborted run (or a dropped connection, or a killed process) leaves the
    table, its columns and its rows as they were. Readers keep seeing the previous rows
    until the commit. A table that does not exist when the run connects has no previous
    rows to keep (``keeps_previous_output`` false): a failed run says "nothing written".

    :raises SinkRecordError: a record without a text or integer ``id``; a NUL character
        (U+0000) in a field name or text, which PostgreSQL cannot store (the run fails,
        naming the record and field, rather than altering data).
    :raises SinkTargetError: the table exists without an ``id`` primary key or a
        ``record_json`` column.
    :raises psycopg.Error: connection or server errors (wrapped by the session in
        ``SinkError``); messages never carry a password.
    """

    applies_date_rule = True  # every record goes through record_schema's rule

    stages_output = True  # published only by its commit; abort() keeps the previous output

    def __init__(
        self,
        conninfo: str,
        *,
        table: str | None = None,
        schema: str = DEFAULT_SCHEMA,
        label: str,
        record_schema: RecordSchema | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        super().__init__(label, record_schema=record_schema)
        self._pg = _require_psycopg()
        self._conninfo = conninfo
        self._table = table
        self.schema = schema
        #: Seconds to wait for another run writing the same table (see :meth:`_lock_table`).
        self.lock_timeout = lock_timeout
        self._conn: Any = None
        self._layout: list[tuple[str, str]] = []  # (column, type) without id and record_json
        #: ``True`` once the run writes into a table an older version made (no record of
        #: its item schema), which it then records: named in :meth:`describe`.
        self.adopted_table = False

    @property
    def table(self) -> str:
        """The table written: the ``table`` option, else the schema's resource."""
        return self._table or self.record_schema.resource

    @property
    def destination(self) -> str:
        return f"{self.label} (table {self.schema}.{self.table})"

    @property
    def table_key(self) -> str | None:
        """Which table this sink writes, without credentials, to tell two sinks on one table
        apart before any request: ``postgresql://HOST:PORT/DBNAME table SCHEMA.TABLE``.

        Every default is spelt out, so that a target that leaves a part out and one that
        names the default give one key: libpq's defaults (``PGHOST``, ``PGPORT``,
        ``PGDATABASE``, ``PGUSER``, else ``localhost``, 5432 and the user's name for the
        database), schema ``public``, and the resource's table (``measurements``,
        ``projects``). ``None`` while no table is named and no schema bound (the default
        table is not known yet; the session checks again once it binds the schema).

        A ``service`` (``?service=NAME``, else ``PGSERVICE``) is read from its service file
        as libpq reads it (:func:`service_parameters`) and fills what the target leaves out,
        before the environment's defaults: so two service names for one database are one
        key, and one name is keyed by what it means. A service no file defines (libpq will
        refuse it) is named as such: ``postgresql://service NAME/...``."""
        table = self._table or (
            self._record_schema.resource if self._record_schema is not None else None
        )
        if table is None:
            return None
        info = self._pg.conninfo.conninfo_to_dict(self._conninfo)
        defaults = _libpq_defaults(self._pg)
        service = info.get("service") or defaults.get("service")
        found = service_parameters(service) if service else {}
        if found is None:
            where = f"service {service}"
            found = {}
        else:
            host = info.get("host") or found.get("host") or defaults.get("host") or "localhost"
            port = info.get("port") or found.get("port") or defaults.get("port") or 5432
            where = f"{host}:{port}"
        user = info.get("user") or found.get("user") or defaults.get("user") or ""
        database = info.get("dbname") or found.get("dbname") or defaults.get("dbname") or user
        return f"postgresql://{where}/{database} table {self.schema}.{table}"

    def __repr__(self) -> str:
        return f"<PostgresSink {self.destination} {self.state} records={self.records_written}>"

    def _notes(self) -> str:
        if not self.adopted_table:
            return ""
        schema = self.record_schema
        return (
            f"table {self.schema}.{self.table} had no record of what it holds (made by an "
            f"older version): recorded as {schema.resource} ({schema.name} records)"
        )

    # -- connection --------------------------------------------------------------------

    def _connection(self) -> Any:
        if self._conn is not None:
            return self._conn
        if not _NAME_RE.match(self.table):
            raise SinkTargetError(_bad_name_message("table", self.table))
        _check_not_reserved(self.table)
        sql = self._pg.sql
        self._layout = [
            (column_name(c.name), postgres_type(c.type))
            for c in self.record_schema.columns
            if c.name != "id"
        ]
        self._layout.append((EXTRA_COLUMN, "jsonb"))
        try:
            conn = self._pg.connect(self._conninfo, autocommit=False)
        except self._pg.OperationalError as exc:  # libpq's lines ("\n\tIs the server...") as one
            raise type(exc)(" ".join(str(exc).split())) from exc
        self._conn = conn
        # A table that does not exist yet has no previous rows: a failed run says "nothing
        # written (no previous output to keep)" for it, never "rolled back".
        found = conn.execute(
            "SELECT to_regclass(%s)", [sql.Identifier(self.schema, self.table).as_string(conn)]
        ).fetchone()
        self.keeps_previous_output = found is not None and found[0] is not None
        definitions = sql.SQL(", ").join(
            sql.SQL("{} " + pg_type).format(sql.Identifier(name))
            for name, pg_type in [(_SEQ, "bigint"), ("id", "text"), *self._layout]
        )
        conn.execute(
            sql.SQL("CREATE TEMPORARY TABLE {} ({}, {} jsonb NOT NULL) ON COMMIT DROP").format(
                sql.Identifier(_STAGING), definitions, sql.Identifier(RECORD_JSON)
            )
        )
        return conn

    # -- BaseSink hooks ----------------------------------------------------------------

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        sql = self._pg.sql
        conn = self._connection()
        schema, stats = self.record_schema, self.conversion
        names = schema.column_names
        id_index = names.index("id") if "id" in names else None
        scratch = ConversionStats()  # record_json repeats what the row already counted
        ready = type(records) is JsonReadyList  # parsed by msgspec: no NaN/Infinity to scan for
        rows = []
        for position, record in enumerate(records, start=self.records_written + 1):
            record_id = upsert_id(self.label, "postgresql", position, record)
            record_json = dumps(schema.json_record(record, scratch, json_ready=ready))
            if "\\u0000" in record_json:  # JSON's escape of NUL (rarely, an escaped backslash)
                _refuse_nul(self.label, record, position)
            cells = schema.row(record, stats, json_ready=ready)
            if id_index is not None:
                del cells[id_index]
            rows.append((position, str(record_id), *cells, record_json))
        columns = [_SEQ, "id", *(name for name, _ in self._layout), RECORD_JSON]
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(_STAGING), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _prepare(self) -> None:
        sql = self._pg.sql
        conn = self._connection()  # a run without records still creates the table
        target = sql.Identifier(self.schema, self.table)
        self._lock_table(conn)
        exists = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", [self.schema]
        ).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.schema)))
        definitions = sql.SQL(", ").join(
            sql.SQL("{} " + pg_type).format(sql.Identifier(name)) for name, pg_type in self._layout
        )
        adopt = self._check_item_schema(conn)
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (id text PRIMARY KEY, {}, {} jsonb NOT NULL)"
            ).format(target, definitions, sql.Identifier(RECORD_JSON))
        )
        existing = self._table_columns()
        if adopt is not True:
            self.adopted_table = adopt is False
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (table_name, item_schema, resource) VALUES (%s, %s, %s) "
                    "ON CONFLICT (table_name) DO UPDATE SET item_schema = EXCLUDED.item_schema, "
                    "resource = EXCLUDED.resource"
                ).format(sql.Identifier(self.schema, TABLES_TABLE)),
                [self.table, self.record_schema.name, self.record_schema.resource],
            )
        for name, pg_type in self._layout:
            if name not in existing:  # declared by a newer spec than the table's
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN {} " + pg_type).format(
                        target, sql.Identifier(name)
                    )
                )
                existing[name] = pg_type
        columns = [name for name, _ in self._layout] + [RECORD_JSON]
        values = [
            sql.Identifier(c)
            if existing[c] == wanted
            else sql.SQL("{}::" + existing[c]).format(sql.Identifier(c))
            for c, wanted in [*self._layout, (RECORD_JSON, "jsonb")]
        ]
        conn.execute(
            sql.SQL(
                "INSERT INTO {target} ({names}) SELECT DISTINCT ON (id) {values} FROM {staging} "
                "ORDER BY id, {seq} DESC ON CONFLICT (id) DO UPDATE SET {updates}"
            ).format(
                target=target,
                names=sql.SQL(", ").join(sql.Identifier(c) for c in ("id", *columns)),
                values=sql.SQL(", ").join([sql.Identifier("id"), *values]),
                staging=sql.Identifier(_STAGING),
                seq=sql.Identifier(_SEQ),
                updates=sql.SQL(", ").join(
                    sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns
                ),
            )
        )

    def _commit(self) -> None:
        conn, self._conn = self._conn, None
        conn.commit()
        conn.close()

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

    def _lock_table(self, conn: Any) -> None:
        """Take the table's transaction-scoped advisory lock (key: ``hashtextextended(
        'ionworks_toolkit:SCHEMA.TABLE', 0)``), which serialises runs into one table.

        Tried at once; while another run holds it, a notice goes to stderr and the lock is
        tried again every :data:`LOCK_POLL_INTERVAL` seconds for up to ``lock_timeout``
        seconds. The wait ends early on Ctrl-C or SIGTERM: in a plain thread as
        KeyboardInterrupt, in an asyncio task (the CLI) as CancelledError once the task is
        cancelled; the run then rolls back as for any interrupt.

        :raises SinkTargetError: the lock is still held after ``lock_timeout`` seconds
            (nothing written to the table: the run's pages are only in its staging table).
        """
        query = "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))"
        key = [f"ionworks_toolkit:{self.schema}.{self.table}"]
        deadline = _clock() + self.lock_timeout
        waiting = False
        while not conn.execute(query, key).fetchone()[0]:
            left = deadline - _clock()
            if left <= 0:
                raise SinkTargetError(
                    f"{self.label}: another export is still writing table "
                    f"{self.schema}.{self.table} after {self.lock_timeout:g} s; nothing was "
                    "written to it (try again when that export has finished, or wait longer "
                    "with ?lock_timeout=SECONDS)"
                )
            if not waiting:
                waiting = True
                _notice(
                    f"{self.label}: another export is writing table {self.schema}."
                    f"{self.table}; waiting up to {self.lock_timeout:g} s for it to finish..."
                )
            _sleep(min(LOCK_POLL_INTERVAL, left))
            _stop_if_cancelled()

    def _check_item_schema(self, conn: Any) -> bool | None:
        """Check the target table against the sink's record of tables (``SCHEMA.
        ionworks_sink_tables``: ``table_name``, ``item_schema``, ``resource``; made when
        missing, under a lock of its own so that two runs never race to create it), as the
        SQLite sink does (:func:`~ionworks_toolkit.sinks._sqlite.check_item_schema`): ``True``
        when it is recorded as holding this run's item schema, ``False`` when it exists with
        no record (an older version's: adopted), ``None`` when it does not exist yet.

        :raises SinkTargetError: the table holds another item schema's records.
        """
        sql = self._pg.sql
        tables = sql.Identifier(self.schema, TABLES_TABLE)
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"ionworks_toolkit:{self.schema}.{TABLES_TABLE}"],
        )
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (table_name text PRIMARY KEY, "
                "item_schema text NOT NULL, resource text NOT NULL)"
            ).format(tables)
        )
        regclass = sql.Identifier(self.schema, self.table).as_string(conn)
        if conn.execute("SELECT to_regclass(%s)", [regclass]).fetchone()[0] is None:
            return None
        self._table_columns()  # a table of another shape is refused first
        row = conn.execute(
            sql.SQL("SELECT item_schema, resource FROM {} WHERE table_name = %s").format(tables),
            [self.table],
        ).fetchone()
        return check_item_schema(self.label, self.table, row, self.record_schema)

    def _table_columns(self) -> dict[str, str]:
        """column -> type (``format_type``) of the target table; checks it is ours."""
        regclass = self._pg.sql.Identifier(self.schema, self.table).as_string(self._conn)
        rows = self._conn.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
            [regclass],
        ).fetchall()
        columns = {name: pg_type for name, pg_type in rows}
        pk = self._conn.execute(
            "SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = to_regclass(%s) AND i.indisprimary",
            [regclass],
        ).fetchone()
        if columns.get(RECORD_JSON) not in ("jsonb", "json", "text") or (pk and pk[0]) != ["id"]:
            raise SinkTargetError(
                f"{self.label}: table {self.schema}.{self.table} exists but was not created by "
                f'this sink (it needs an "id" primary key and a "{RECORD_JSON}" column); '
                "choose another table with ?table=NAME"
            )
        return columns


def service_parameters(name: str) -> dict[str, str] | None:
    """The connection parameters of the libpq connection service ``name``, read as libpq
    reads them (https://www.postgresql.org/docs/current/libpq-pgservice.html): the
    per-user file (``PGSERVICEFILE``, else ``~/.pg_service.conf``) first, then the
    system-wide ``pg_service.conf`` in ``PGSYSCONFDIR`` (when set); the first file holding a
    ``[name]`` section wins, its ``key=value`` lines are the parameters. ``None`` when no
    readable file defines it (libpq then refuses the connection). Only read, never
    written; a file that cannot be parsed counts as not defining it."""
    files = [os.environ.get("PGSERVICEFILE") or os.path.expanduser("~/.pg_service.conf")]
    if os.environ.get("PGSYSCONFDIR"):
        files.append(os.path.join(os.environ["PGSYSCONFDIR"], "pg_service.conf"))
    for file in files:
        parser = configparser.ConfigParser(
            delimiters=("=",), comment_prefixes=("#",), interpolation=None, strict=False
        )
        try:
            with open(file, encoding="utf-8") as handle:
                parser.read_file(handle)
        except (OSError, UnicodeDecodeError, configparser.Error):
            continue
        if parser.has_section(name):
            return dict(parser.items(name))
    return None


def _libpq_defaults(pg: ModuleType) -> dict[str, str]:
    """libpq's defaults for what a target leaves out (``PQconndefaults``: the ``PG*``
    environment variables, then compiled-in values), keyword -> value."""
    return {
        option.keyword.decode(): option.val.decode()
        for option in pg.pq.Conninfo.get_defaults()
        if option.val is not None
    }


#: The lock wait's clock and sleep (module names, so that a test can replace them alone).
_clock = time.monotonic
_sleep = time.sleep


def lock_timeout_option(raw: str | None) -> float:
    """The ``lock_timeout`` option in seconds (default :data:`DEFAULT_LOCK_TIMEOUT`; ``0``
    fails at once when another run holds the table).

    :raises SinkTargetError: not a finite number >= 0, naming the option and the value."""
    if raw is None:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds < math.inf:
        raise SinkTargetError(
            f"option 'lock_timeout' of sink 'postgresql' must be a number of seconds >= 0: {raw!r}"
        )
    return seconds


def _refuse_nul(label: str, record: Mapping[str, Any], position: int) -> None:
    """Raise SinkRecordError naming the first field whose name or text holds U+0000."""

    def walk(value: Any, path: str) -> str | None:
        if isinstance(value, str):
            return path if "\x00" in value else None
        if isinstance(value, Mapping):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    return where
                found = walk(item, where)
                if found is not None:
                    return found
        if isinstance(value, list | tuple):
            for item in value:
                found = walk(item, path)
                if found is not None:
                    return found
        return None

    field = walk(record, "")
    if field is not None:
        raise SinkRecordError(
            f"{label}: record #{position} (id {record.get('id')!r}): field {field!r} contains "
            "a NUL character (U+0000), which PostgreSQL cannot store in text or jsonb"
        )


def _check_not_reserved(table: str) -> None:
    """Refuse a table the toolkit keeps in the schema (:data:`RESERVED_TABLES`, e.g. its
    record of tables) as a data table: ``SinkTargetError`` naming it and what it holds."""
    message = reserved_table_message("postgresql", table)
    if message is not None:
        raise SinkTargetError(message)


def _bad_name_message(what: str, name: str) -> str:
    return (
        f"invalid postgresql {what} name {name!r}: use letters, digits and underscores, "
        "starting with a letter or underscore, at most 63 (not 'pg_...')"
    )


def make_postgres_sink(target: str, options: dict[str, str]) -> PostgresSink:
    """Factory for ``postgresql://USER@HOST:PORT/DBNAME[?table=NAME&schema=public]`` (default
    table: the resource's, ``measurements`` or ``projects``)
    (libpq options ``sslmode``, ``service``, ``connect_timeout`` (default 10 s),
    ``application_name``... are passed on; ``lock_timeout=SECONDS`` (default 30) bounds the
    wait for another run writing the same table).

    The password never comes from the target (it would sit in shell history and process
    lists): use ``PGPASSWORD``, ``~/.pgpass`` or a service file.

    :raises SinkTargetError: a password in the target or options, an unknown option, an
        unsafe table or schema name, a ``lock_timeout`` that is not seconds >= 0, a target
        that is not a ``//`` URI.
    :raises SinkDependencyError: psycopg is not installed.
    """
    shown = redact_credentials(target)
    if options.get("password") or "password" in options:
        raise SinkTargetError(_password_message(f"postgresql:{shown}"))
    check_options("postgresql", options, ("lock_timeout", "schema", "table", *LIBPQ_OPTIONS))
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
    table = options.get("table")
    schema = options.get("schema", DEFAULT_SCHEMA)
    for what, name in (("table", table), ("schema", schema)):
        if name is not None and (not _NAME_RE.match(name) or name.lower().startswith("pg_")):
            raise SinkTargetError(_bad_name_message(what, name))
    if table is not None:
        _check_not_reserved(table)
    lock_timeout = lock_timeout_option(options.get("lock_timeout"))
    psycopg = _require_psycopg()
    libpq = {k: v for k, v in options.items() if k in LIBPQ_OPTIONS}
    libpq.setdefault("connect_timeout", "10")
    try:
        conninfo = psycopg.conninfo.make_conninfo(f"postgresql:{target}" if target else "", **libpq)
    except psycopg.ProgrammingError as exc:
        raise SinkTargetError(f"postgresql:{shown}: {exc}") from exc
    check_connection_options(psycopg, conninfo, f"postgresql:{shown}")
    return PostgresSink(
        conninfo,
        table=table,
        schema=schema,
        label=f"postgresql:{shown}",
        lock_timeout=lock_timeout,
    )


#: The values libpq (14 and later) takes for the options whose values it checks itself,
#: named in a refusal as a hint (libpq's own message names the option and the value).
_LIBPQ_CHOICES = {
    "sslmode": "disable, allow, prefer, require, verify-ca, verify-full",
    "target_session_attrs": "any, read-write, read-only, primary, standby, prefer-standby",
    "gssencmode": "disable, prefer, require",
}


def check_connection_options(pg: ModuleType, conninfo: str, label: str) -> None:
    """Refuse connection options that psycopg or libpq would refuse when the run connects
    (after its first API requests), before any request and without connecting anywhere.

    * ``connect_timeout``, which psycopg reads itself (``psycopg.conninfo.
      timeout_from_conninfo``): ``bad value for connect_timeout: 'abc'``.
    * everything libpq checks before it opens a connection (``sslmode``,
      ``target_session_attrs``, ``gssencmode``, as many ports as hosts, those a service
      file sets...), from the target and the ``PG*`` environment variables alike:
      libpq is asked to start a connection with the same options but every host replaced by
      an empty temporary folder (a Unix-domain socket that cannot exist) and ``hostaddr``
      emptied, so nothing leaves the machine. When libpq gets as far as that socket, the
      options passed; any other failure is its refusal, quoted on one line. Not on Windows
      (its libpq may not take a socket folder as a host): there they are found when the run
      connects, as before. A ``service`` that no service file defines is left to the
      connection too (the file may be written before the run connects; :attr:`PostgresSink.
      table_key` names such a service by its name).

    :raises SinkTargetError: ``postgresql://u@h/db?sslmode=bogus: libpq refuses the
        connection options: invalid sslmode value: "bogus" (sslmode takes disable, allow,
        prefer, require, verify-ca, verify-full); check the target's options and the PG*
        environment variables``.
    """
    options = pg.conninfo.conninfo_to_dict(conninfo)
    try:
        pg.conninfo.timeout_from_conninfo(options)
    except pg.ProgrammingError as exc:
        raise SinkTargetError(
            f"{label}: {exc} (connect_timeout takes whole seconds, e.g. connect_timeout=10; "
            "0 waits without a limit)"
        ) from None
    if os.name == "nt":
        return
    with tempfile.TemporaryDirectory(prefix="ionworks-libpq-check-") as nowhere:
        # As many socket folders as libpq would find hosts (the target's, else its service's,
        # else PGHOST's): so a list of ports still matches them.
        service = options.get("service") or _libpq_defaults(pg).get("service")
        hosts = str(
            options.get("host")
            or ((service_parameters(service) or {}) if service else {}).get("host")
            or _libpq_defaults(pg).get("host")
            or ""
        ).split(",")
        options.update(host=",".join([nowhere] * len(hosts)), hostaddr="")
        attempt = pg.pq.PGconn.connect_start(pg.conninfo.make_conninfo("", **options).encode())
        try:
            message = attempt.error_message.decode("utf-8", "replace")
        finally:
            attempt.finish()
    refusal = " ".join(message.split())
    if not refusal or nowhere in message:
        return  # libpq took the options and tried the (missing) socket
    if refusal.startswith("definition of service"):
        return  # a service no file defines yet: left to the connection (see table_key)
    hints = [
        f"{key} takes {choices}"
        for key, choices in _LIBPQ_CHOICES.items()
        if f"invalid {key} value" in refusal
    ]
    hint = f" ({'; '.join(hints)})" if hints else ""
    raise SinkTargetError(
        f"{label}: libpq refuses the connection options: {refusal}{hint}; check the target's "
        "options and the PG* environment variables"
    )


def _password_message(shown: str) -> str:
    return (
        f"{shown}: a password in the sink target is refused (it would be kept in shell "
        "history and process lists); set PGPASSWORD, use ~/.pgpass (PGPASSFILE) or a "
        "service file (?service=NAME)"
    )
