"""The ``sqlite:`` sink (``ionworks_toolkit.sinks._sqlite``) with exact values: the table it
creates (columns, types, key), typed cells and ``record_json``, upserts that replace every
column, tables it accepts or refuses, waiting for another run's lock, a new database built
beside the target (no ``.part`` or journal left, never replacing another run's database), and
the factory's checks.

These tests are the fast selection of the ``sqlite`` mutation group (``nox -s mutants``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sqlite3
import stat
import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest
from ionworks_toolkit.sinks import (
    SinkRecordError,
    SinkStateError,
    SinkTargetError,
    SqliteSink,
    _sqlite,
    make_sqlite_sink,
    projects_schema,
    record_schema,
)
from ionworks_toolkit.sinks._columns import RecordSchema
from ionworks_toolkit.sinks._sqlite import quote_identifier, sqlite_type

#: A schema without an ``id`` property: the sink adds the key column itself.
CELLS = record_schema(
    {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "n": {"type": "integer"},
            "ok": {"type": "boolean"},
            "x": {"type": "number"},
            "made": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "props": {"type": "object"},
        },
    },
    name="Cell",
    resource="cells",
)
CELL = {
    "id": "c-1",
    "name": '電池 "7"',
    "n": 3,
    "ok": True,
    "x": 1.5,
    "made": "2024-01-02",
    "at": "2024-01-02T03:04:05+02:00",
    "props": {"a": [1, None]},
    "undeclared": "kept",
}
CELL_ROW = (
    "c-1",
    '電池 "7"',
    3,
    1,
    1.5,
    "2024-01-02",
    "2024-01-02T01:04:05Z",
    '{"a":[1,null]}',
    '{"id":"c-1","undeclared":"kept"}',  # not a declared field of this schema
)


def _rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _run(sink: SqliteSink, *pages: list[dict[str, Any]]) -> SqliteSink:
    with sink:
        for page in pages:
            sink.write(page)
        sink.commit()
    return sink


# --------------------------------------------------------------------------------------
# Layout, cells, upserts
# --------------------------------------------------------------------------------------


def test_a_new_table_has_the_key_the_declared_columns_and_the_record(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sink = _run(SqliteSink(db, record_schema=CELLS), [CELL])
    assert (sink.table, sink.destination) == ("cells", f"sqlite:{db} (table cells)")
    info = _rows(db, "PRAGMA table_info(cells)")
    assert [(name, kind, notnull, pk) for _, name, kind, notnull, _, pk in info] == [
        ("id", "TEXT", 1, 1),
        ("name", "TEXT", 0, 0),
        ("n", "INTEGER", 0, 0),
        ("ok", "INTEGER", 0, 0),
        ("x", "REAL", 0, 0),
        ("made", "TEXT", 0, 0),
        ("at", "TEXT", 0, 0),
        ("props", "TEXT", 0, 0),
        ("extra_json", "TEXT", 0, 0),
        ("record_json", "TEXT", 1, 0),
    ]
    assert _rows(db, "SELECT * FROM cells") == [
        (
            *CELL_ROW,
            '{"id":"c-1","name":"電池 \\"7\\"","n":3,"ok":true,"x":1.5,"made":"2024-01-02",'
            '"at":"2024-01-02T01:04:05Z","props":{"a":[1,null]},"undeclared":"kept"}',
        )
    ]
    assert _rows(db, "SELECT typeof(ok), typeof(n), typeof(x) FROM cells") == [
        ("integer", "integer", "real")
    ]
    assert sink.describe() == f"wrote 1 record to sqlite:{db} (table cells)"


def test_an_upsert_replaces_every_column_of_the_row(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _run(SqliteSink(db, record_schema=CELLS), [CELL, {"id": "c-2", "name": "other"}])
    changed = {"id": "c-1", "name": "renamed", "x": None}
    sink = _run(SqliteSink(db, record_schema=CELLS), [changed])
    assert sink.records_written == 1
    assert _rows(db, "SELECT * FROM cells ORDER BY id") == [
        ("c-1", "renamed", None, None, None, None, None, None, '{"id":"c-1"}',
         '{"id":"c-1","name":"renamed","x":null}'),
        ("c-2", "other", None, None, None, None, None, None, '{"id":"c-2"}',
         '{"id":"c-2","name":"other"}'),
    ]  # fmt: skip


def test_integer_ids_and_ids_declared_by_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    projects = projects_schema()
    assert "id" in projects.column_names
    sink = SqliteSink(db, record_schema=projects)
    _run(sink, [{"id": 7, "name": "seven"}, {"id": "p-8", "name": "eight"}])
    assert sink.table == "projects"
    names = [row[1] for row in _rows(db, "PRAGMA table_info(projects)")]
    assert names.count("id") == 1 and names[0] == "id"
    assert _rows(db, "SELECT id, typeof(id), name FROM projects ORDER BY rowid") == [
        ("7", "text", "seven"),
        ("p-8", "text", "eight"),
    ]
    assert _rows(db, "SELECT json_extract(record_json, '$.id') FROM projects ORDER BY rowid") == [
        (7,),
        ("p-8",),
    ]


def test_a_record_without_a_usable_id_names_its_position_in_the_run(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", record_schema=CELLS)
    sink.write([{"id": "a"}, {"id": "b"}])
    with pytest.raises(SinkRecordError) as info:
        sink.write([{"id": "c"}, {"id": 1.5}])
    assert str(info.value) == (
        "sqlite:c.db: record #4 has an unusable id 1.5; the sqlite sink upserts by id "
        "(text or integer)"
    )
    sink.abort()
    assert os.listdir(tmp_path) == []


def test_an_integer_id_beyond_64_bits_is_named_not_an_overflow(tmp_path: Path) -> None:
    """FINDINGS6 F14: the id was handed to SQLite and came back as OverflowError."""
    sink = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", record_schema=CELLS)
    with pytest.raises(SinkRecordError) as info:
        sink.write([{"id": "a"}, {"id": 12345678901234567890123}])
    assert str(info.value) == (
        "sqlite:c.db: record #2 has an unusable id 12345678901234567890123 (beyond 64 bits); "
        "the sqlite sink upserts by id (text or integer)"
    )
    sink.abort()
    assert os.listdir(tmp_path) == []


def test_non_finite_numbers_are_counted_once(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sink = _run(SqliteSink(db, record_schema=CELLS), [{"id": "a", "x": float("nan")}])
    assert (sink.conversion.non_finite, sink.conversion.mismatched) == (1, 0)
    assert _rows(db, "SELECT x, record_json FROM cells") == [(None, '{"id":"a","x":null}')]


def test_values_of_the_wrong_type_are_kept_in_extra_json_and_counted(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sink = _run(SqliteSink(db, record_schema=CELLS), [{"id": "a", "n": "three"}])
    assert sink.conversion.mismatched == 1
    assert _rows(db, "SELECT n, extra_json FROM cells") == [(None, '{"id":"a","n":"three"}')]


@pytest.mark.parametrize(
    ("column_type", "declared"),
    [
        ("integer", "INTEGER"),
        ("boolean", "INTEGER"),
        ("number", "REAL"),
        ("string", "TEXT"),
        ("date", "TEXT"),
        ("date-time", "TEXT"),
        ("json", "TEXT"),
    ],
)
def test_sqlite_type(column_type: Any, declared: str) -> None:
    assert sqlite_type(column_type) == declared


def test_identifiers_are_quoted_with_embedded_quotes_doubled() -> None:
    assert quote_identifier('a"b') == '"a""b"'
    assert quote_identifier("spec.cap") == '"spec.cap"'


def test_a_worker_thread_may_write_and_the_caller_commit(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sink = SqliteSink(db, record_schema=CELLS)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            sink.write([CELL])
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=write)
    worker.start()
    worker.join()
    assert errors == []
    sink.commit()
    assert _rows(db, "SELECT id FROM cells") == [("c-1",)]


def test_an_empty_run_still_creates_the_table(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sink = _run(SqliteSink(db, record_schema=CELLS))
    assert _rows(db, "SELECT COUNT(*) FROM cells") == [(0,)]
    assert os.listdir(tmp_path) == ["c.db"]
    assert sink.describe() == f"wrote 0 records to sqlite:{db} (table cells)"


# --------------------------------------------------------------------------------------
# Existing tables: accepted, extended or refused
# --------------------------------------------------------------------------------------


def _table(db: Path, ddl: str) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.executescript(ddl)
    finally:
        conn.close()


@pytest.mark.parametrize(
    "ddl",
    [
        'CREATE TABLE cells ("ID" TEXT PRIMARY KEY, "Record_JSON" TEXT)',
        "CREATE TABLE cells (id TEXT NOT NULL, record_json TEXT); "
        "CREATE UNIQUE INDEX cells_id ON cells (id)",
        "CREATE TABLE cells (id TEXT UNIQUE, record_json TEXT)",
    ],
    ids=["folded-names", "unique-index", "unique-constraint"],
)
def test_a_table_keyed_by_a_unique_id_is_accepted_and_extended(tmp_path: Path, ddl: str) -> None:
    db = tmp_path / "c.db"
    _table(db, ddl)
    _run(SqliteSink(db, record_schema=CELLS), [CELL])
    names = [row[1] for row in _rows(db, "PRAGMA table_info(cells)")]
    assert [n.lower() for n in names[:2]] == ["id", "record_json"]
    assert names[2:] == ["name", "n", "ok", "x", "made", "at", "props", "extra_json"]
    assert _rows(db, "SELECT id, name FROM cells") == [("c-1", CELL["name"])]


@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE TABLE cells (id TEXT, record_json TEXT)",
        "CREATE TABLE cells (id TEXT, record_json TEXT); CREATE INDEX cells_id ON cells (id)",
        "CREATE TABLE cells (id TEXT, n INT, record_json TEXT, PRIMARY KEY (id, n))",
        "CREATE TABLE cells (id TEXT, n INT, record_json TEXT); "
        "CREATE UNIQUE INDEX cells_id_n ON cells (id, n)",
        "CREATE TABLE cells (key TEXT PRIMARY KEY, record_json TEXT)",
        "CREATE TABLE cells (id TEXT PRIMARY KEY, json TEXT)",
    ],
    ids=["no-key", "plain-index", "composite-key", "composite-index", "other-key", "no-record"],
)
def test_a_table_not_made_by_the_sink_is_refused_untouched(tmp_path: Path, ddl: str) -> None:
    db = tmp_path / "c.db"
    _table(db, ddl)
    before = _rows(db, "SELECT sql FROM sqlite_master ORDER BY name")
    sink = SqliteSink(db, label="sqlite:c.db", record_schema=CELLS)
    with pytest.raises(SinkTargetError) as info, sink:
        sink.write([CELL])
    assert str(info.value) == (
        "sqlite:c.db: table 'cells' exists but was not created by this sink (it needs an "
        '"id" primary key and a "record_json" column); choose another table with ?table=NAME'
    )
    assert _rows(db, "SELECT sql FROM sqlite_master ORDER BY name") == before
    assert os.listdir(tmp_path) == ["c.db"]


def test_a_table_keyed_by_an_integer_primary_key_is_accepted(tmp_path: Path) -> None:
    """``INTEGER PRIMARY KEY`` is the rowid: unique, but with no index of its own."""
    db = tmp_path / "c.db"
    _table(db, 'CREATE TABLE cells ("Id" INTEGER PRIMARY KEY, record_json TEXT)')
    _run(SqliteSink(db, record_schema=CELLS), [{"id": 7, "name": "a"}])
    _run(SqliteSink(db, record_schema=CELLS), [{"id": 7, "name": "b"}])
    assert _rows(db, "SELECT id, name FROM cells") == [(7, "b")]


def test_non_ascii_column_names_are_not_folded(tmp_path: Path) -> None:
    """SQLite folds ASCII letters only: ``"Ä"`` and ``"ä"`` are two columns."""
    schema = record_schema(
        {"type": "object", "properties": {"ä": {"type": "string"}}}, resource="cells"
    )
    db = tmp_path / "c.db"
    _table(db, 'CREATE TABLE cells (id TEXT PRIMARY KEY, record_json TEXT, "Ä" TEXT)')
    _run(SqliteSink(db, record_schema=schema), [{"id": "a", "ä": "small"}])
    assert [row[1] for row in _rows(db, "PRAGMA table_info(cells)")] == [
        "id",
        "record_json",
        "Ä",
        "ä",
        "extra_json",
    ]
    assert _rows(db, 'SELECT "Ä", "ä" FROM cells') == [(None, "small")]
    assert _sqlite._fold("ÄBC_x") == "Äbc_x"


# --------------------------------------------------------------------------------------
# Locks held by another run
# --------------------------------------------------------------------------------------


def _existing(db: Path) -> None:
    _run(SqliteSink(db, record_schema=CELLS), [{"id": "old"}])


def _connect_with(monkeypatch: pytest.MonkeyPatch, factory: type[sqlite3.Connection]) -> None:
    """Every ``sqlite3.connect`` of the test returns a ``factory`` connection."""
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: real(*a, factory=factory, **kw))


def _created_meanwhile(tmp_path: Path) -> tuple[Path, SqliteSink]:
    """Our run builds ``race.db`` beside the target; another run creates it meanwhile."""
    db = tmp_path / "race.db"
    ours = SqliteSink(db, record_schema=CELLS)
    ours.write([{"id": "ours"}])
    _existing(db)
    return db, ours


def test_a_locked_database_is_waited_for_with_a_notice_then_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.db"
    _existing(db)
    first = SqliteSink(db, record_schema=CELLS)
    first.write([{"id": "first"}])  # holds the write lock
    notice = _sqlite._notice

    def release_when_told(message: str) -> None:
        notice(message)
        first.commit()  # between two of the second run's tries: it holds no lock now

    monkeypatch.setattr(_sqlite, "_notice", release_when_told)
    second = SqliteSink(db, label="sqlite:c.db", record_schema=CELLS)
    second.write([{"id": "second"}])  # waits for the lock, up to the default 30 s
    second.commit()
    assert capsys.readouterr().err == (
        "sqlite:c.db: another run is writing to this database; waiting up to 30 s for its lock...\n"
    )
    assert _rows(db, "SELECT id FROM cells ORDER BY id") == [("first",), ("old",), ("second",)]


class _FailingBegin(sqlite3.Connection):
    """A connection whose ``BEGIN IMMEDIATE`` fails with ``errors`` (then succeeds)."""

    errors: ClassVar[list[str]] = []
    closed: ClassVar[list[bool]] = []
    pragmas: ClassVar[list[str]] = []

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        if sql == "BEGIN IMMEDIATE" and _FailingBegin.errors:
            raise sqlite3.OperationalError(_FailingBegin.errors.pop(0))
        if sql.startswith("PRAGMA busy_timeout"):
            _FailingBegin.pragmas.append(sql)
        return super().execute(sql, *args)

    def close(self) -> None:
        _FailingBegin.closed.append(True)
        super().close()


@pytest.fixture
def failing_begin(monkeypatch: pytest.MonkeyPatch) -> type[_FailingBegin]:
    monkeypatch.setattr(_FailingBegin, "errors", [])
    monkeypatch.setattr(_FailingBegin, "closed", [])
    monkeypatch.setattr(_FailingBegin, "pragmas", [])
    _connect_with(monkeypatch, _FailingBegin)
    return _FailingBegin


def test_a_busy_database_is_waited_for_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], failing_begin: type[_FailingBegin]
) -> None:
    db = tmp_path / "c.db"
    _existing(db)
    failing_begin.errors.extend(["database is busy", "database is busy"])
    sink = SqliteSink(db, label="sqlite:c.db", timeout=2.5, record_schema=CELLS)
    _run(sink, [{"id": "new"}])
    assert capsys.readouterr().err == (
        "sqlite:c.db: another run is writing to this database; waiting up to 2.5 s for its "
        "lock...\n"
    )
    assert failing_begin.pragmas == []  # polled (Ctrl-C gets through), not SQLite's busy wait
    assert _rows(db, "SELECT id FROM cells ORDER BY id") == [("new",), ("old",)]


def test_a_lock_held_for_an_instant_is_waited_for_without_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], failing_begin: type[_FailingBegin]
) -> None:
    """One refused try (a lock held for an instant) is tried again in silence."""
    db = tmp_path / "c.db"
    _existing(db)
    failing_begin.errors.append("database is locked")
    sink = SqliteSink(db, label="sqlite:c.db", timeout=2.5, record_schema=CELLS)
    _run(sink, [{"id": "new"}])
    assert (capsys.readouterr().err, failing_begin.errors) == ("", [])
    assert _rows(db, "SELECT id FROM cells ORDER BY id") == [("new",), ("old",)]


def test_other_errors_when_beginning_are_raised_and_close_the_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], failing_begin: type[_FailingBegin]
) -> None:
    db = tmp_path / "c.db"
    _existing(db)
    failing_begin.closed.clear()
    failing_begin.errors.append("disk I/O error")
    sink = SqliteSink(db, record_schema=CELLS)
    with pytest.raises(sqlite3.OperationalError, match=r"^disk I/O error$"), sink:
        sink.write([{"id": "new"}])
    assert failing_begin.closed == [True]
    assert capsys.readouterr().err == ""
    assert _rows(db, "SELECT id FROM cells") == [("old",)]


@pytest.fixture
def locked_ten_times(
    tmp_path: Path, failing_begin: type[_FailingBegin], monkeypatch: pytest.MonkeyPatch
) -> list[float]:
    """``c.db`` (one row, ``old``) whose next 10 ``BEGIN IMMEDIATE`` find it locked, and the
    lock wait's clock replaced: the sleeps it asked for (each advances the clock)."""
    _existing(tmp_path / "c.db")
    failing_begin.closed.clear()
    failing_begin.errors.extend(["database is locked"] * 10)
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(_sqlite, "_clock", lambda: clock[0])
    monkeypatch.setattr(_sqlite, "_sleep", sleep)
    return sleeps


def test_a_lock_never_released_fails_naming_the_database(
    tmp_path: Path, failing_begin: type[_FailingBegin], locked_ten_times: list[float]
) -> None:
    sleeps = locked_ten_times
    sink = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", timeout=0.25, record_schema=CELLS)
    with pytest.raises(SinkTargetError) as info, sink:
        sink.write([{"id": "new"}])
    # Tried at once, then every LOCK_POLL_INTERVAL (0.1 s); the last sleep ends at the deadline.
    assert [round(s, 9) for s in sleeps] == [0.1, 0.1, 0.05]
    assert len(failing_begin.errors) == 6  # 4 tries
    assert str(info.value) == (
        "sqlite:c.db: the database is still locked by another run after 0.25 s; nothing was "
        "written to it (try again when the other run has finished)"
    )
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)
    assert failing_begin.closed == [True]
    assert os.listdir(tmp_path) == ["c.db"]


def test_the_wait_is_bounded_by_the_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.db"
    _existing(db)
    pragmas: list[str] = []

    class Recording(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.startswith("PRAGMA busy_timeout"):
                pragmas.append(sql)
            return super().execute(sql, *args)

    _connect_with(monkeypatch, Recording)
    first = SqliteSink(db, record_schema=CELLS)
    first.write([{"id": "first"}])
    second = SqliteSink(db, timeout=0.3, record_schema=CELLS)
    with pytest.raises(SinkTargetError):
        second.write([{"id": "second"}])
    first.abort()
    second.abort()
    assert pragmas == []  # polled by the sink (Ctrl-C gets through), not SQLite's busy wait


# --------------------------------------------------------------------------------------
# A new database: built beside the target, linked into place at commit
# --------------------------------------------------------------------------------------


def test_a_new_database_is_built_in_a_hidden_part_file_beside_the_target(
    tmp_path: Path,
) -> None:
    db = tmp_path / "new.db"
    sink = SqliteSink(db, record_schema=CELLS)
    sink.write([CELL])
    (part,) = os.listdir(tmp_path)  # its rollback journal is in memory
    assert part.startswith(".new.db.") and part.endswith(".part")
    assert not db.exists()
    old = os.umask(0o077)
    try:
        sink.commit()
    finally:
        os.umask(old)
    assert os.listdir(tmp_path) == ["new.db"]
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert _rows(db, "SELECT * FROM cells")[0][:9] == CELL_ROW


def test_an_aborted_new_database_leaves_no_journal_or_wal(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    sink = SqliteSink(db, record_schema=CELLS)
    sink.write([CELL])
    (part,) = os.listdir(tmp_path)
    for suffix in ("-journal", "-wal", "-shm"):
        (tmp_path / f"{part}{suffix}").write_bytes(b"")
    sink.abort()
    assert os.listdir(tmp_path) == []


def test_a_database_another_run_created_meanwhile_gets_the_rows_upserted(
    tmp_path: Path,
) -> None:
    db = tmp_path / "race.db"
    ours = SqliteSink(db, record_schema=CELLS)
    ours.write([CELL, {"id": "ours"}])
    theirs = SqliteSink(db, record_schema=CELLS)
    theirs.write([{"id": "c-1", "name": "theirs"}, {"id": "theirs"}])
    theirs.commit()
    inode = db.stat().st_ino
    ours.commit()
    assert db.stat().st_ino == inode  # their file, never replaced
    assert _rows(db, "SELECT * FROM cells WHERE id = 'c-1'")[0][:9] == CELL_ROW
    assert _rows(db, "SELECT id FROM cells ORDER BY id") == [("c-1",), ("ours",), ("theirs",)]
    assert os.listdir(tmp_path) == ["race.db"]


@pytest.mark.parametrize("created_meanwhile", [False, True])
def test_without_hard_links_the_new_database_is_renamed_or_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, created_meanwhile: bool
) -> None:
    db = tmp_path / "fat.db"
    ours = SqliteSink(db, record_schema=CELLS)
    ours.write([{"id": "ours"}])
    if created_meanwhile:
        _existing(db)

    def no_link(src: Any, dst: Any) -> None:
        raise PermissionError(1, "Operation not permitted")  # e.g. FAT, some FUSE mounts

    monkeypatch.setattr(os, "link", no_link)
    ours.commit()
    expected = [("old",), ("ours",)] if created_meanwhile else [("ours",)]
    assert _rows(db, "SELECT id FROM cells ORDER BY id") == expected
    assert os.listdir(tmp_path) == ["fat.db"]


def test_a_failed_merge_is_rolled_back_and_leaves_only_the_other_database(
    tmp_path: Path,
) -> None:
    db = tmp_path / "race.db"
    ours = SqliteSink(db, label="sqlite:race.db", record_schema=CELLS)
    ours.write([{"id": "ours"}])
    _table(db, "CREATE TABLE cells (name TEXT); INSERT INTO cells VALUES ('theirs')")
    with pytest.raises(SinkTargetError) as info:
        ours.commit()
    assert str(info.value).startswith("sqlite:race.db: table 'cells' exists but was not created")
    assert getattr(info.value, "__notes__", []) == []  # the abort after it went cleanly
    assert ours.state == "aborted"
    assert os.listdir(tmp_path) == ["race.db"]
    assert _rows(db, "SELECT * FROM cells") == [("theirs",)]
    conn = sqlite3.connect(db, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")  # no lock left behind
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_a_merge_failing_after_its_checks_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ours = _created_meanwhile(tmp_path)
    monkeypatch.setattr(SqliteSink, "_upsert_suffix", lambda self: "ON CONFLICT DO NOTHING x")
    with pytest.raises(sqlite3.OperationalError):
        ours.commit()
    assert _rows(db, "SELECT id FROM cells") == [("old",)]
    assert os.listdir(tmp_path) == ["race.db"]


def test_an_existing_database_is_written_in_place_and_rolled_back_on_abort(
    tmp_path: Path,
) -> None:
    db = tmp_path / "c.db"
    _existing(db)
    inode = db.stat().st_ino
    sink = SqliteSink(db, record_schema=CELLS)
    sink.write([{"id": "new"}])
    assert sorted(os.listdir(tmp_path)) == ["c.db", "c.db-journal"]  # no part file: in place
    sink.abort()
    assert db.stat().st_ino == inode
    assert os.listdir(tmp_path) == ["c.db"]
    assert _rows(db, "SELECT id FROM cells") == [("old",)]


# --------------------------------------------------------------------------------------
# Table names and the factory
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["t", "_x9", "A" * 128, "sqlitex", "Sqlite"])
def test_valid_table_names(table: str, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _run(SqliteSink(db, table=table, record_schema=CELLS), [{"id": "a"}])
    assert _rows(db, f'SELECT id FROM "{table}"') == [("a",)]


@pytest.mark.parametrize(
    "table",
    [
        "",
        "9t",
        "a-b",
        "A" * 129,
        "sqlite_x",
        "SQLITE_stat1",
        "t\n",
        "ä",
        "ionworks_sink_tables",
        "IONWORKS_Sink_Tables",
    ],
)
def test_invalid_table_names_are_refused_before_anything_is_written(
    table: str, tmp_path: Path
) -> None:
    message = (
        f"invalid sqlite table name {table!r}: use letters, digits and underscores, "
        "starting with a letter or underscore (not 'sqlite_...', not 'ionworks_sink_tables' "
        "or 'ionworks_sync_state': tables the toolkit keeps)"
    )
    if table.lower() == "ionworks_sink_tables":  # reserved: the message says for what
        message = (
            f"invalid sqlite table name {table!r}: the toolkit keeps its record of which item "
            "schema each table holds in a table of that name; choose another table with "
            "?table=NAME"
        )
    with pytest.raises(SinkTargetError) as info:
        SqliteSink(tmp_path / "c.db", table=table)
    assert str(info.value) == message
    with pytest.raises(SinkTargetError) as info:
        make_sqlite_sink(str(tmp_path / "c.db"), {"table": table})
    assert str(info.value) == message
    assert os.listdir(tmp_path) == []


def test_a_schema_resource_that_is_no_valid_table_is_refused(tmp_path: Path) -> None:
    schema = record_schema(
        {"type": "object", "properties": {"n": {"type": "integer"}}}, resource="sqlite_master"
    )
    sink = SqliteSink(tmp_path / "c.db", record_schema=schema)
    with pytest.raises(SinkTargetError, match=r"^invalid sqlite table name 'sqlite_master'"):
        sink.write([{"id": "a"}])
    sink.abort()
    assert os.listdir(tmp_path) == []


def test_the_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sink = make_sqlite_sink("c.db", {"table": "cells"})
    assert (sink.label, sink.path, sink.table, sink.timeout) == (
        "sqlite:c.db",
        tmp_path / "c.db",
        "cells",
        30.0,
    )
    default = make_sqlite_sink("c.db", {})
    assert (default.table, default.label) == ("measurements", "sqlite:c.db")
    assert SqliteSink(tmp_path / "c.db").label == f"sqlite:{tmp_path}/c.db"
    with pytest.raises(SinkTargetError) as info:
        make_sqlite_sink("c.db", {"tabel": "x"})
    assert str(info.value) == (
        "unknown option 'tabel' for sink 'sqlite'; did you mean table? (allowed options: table)"
    )
    with pytest.raises(SinkTargetError) as info:
        make_sqlite_sink("/dev/null", {})
    assert str(info.value).startswith("sqlite:/dev/null: '/dev/null' is a character device")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "exc",
    [ValueError("I/O operation on closed file"), BrokenPipeError(32, "Broken pipe")],
    ids=repr,
)
def test_the_notice_survives_a_stderr_that_fails(
    exc: Exception, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried: list[str] = []

    class Failing:
        def write(self, text: str) -> int:
            tried.append(text)
            raise exc

        def flush(self) -> None:
            tried.append("flush")
            raise exc

    monkeypatch.setattr("sys.stderr", Failing())
    _sqlite._notice("waiting")  # no error
    assert tried == ["waiting"]  # it was sent, and the stream's error went no further


def test_the_notice_is_flushed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    class Held(io.StringIO):
        flushed = ""

        def flush(self) -> None:
            self.flushed = self.getvalue()

    held = Held()
    monkeypatch.setattr("sys.stderr", held)
    _sqlite._notice("waiting for the lock")
    assert held.flushed == "waiting for the lock\n"


def test_remove_tmp_removes_the_part_file_and_every_side_file(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path / "c.db", record_schema=CELLS)
    part = tmp_path / ".c.db.x.part"
    for suffix in ("", "-journal", "-wal", "-shm", "-other"):
        Path(f"{part}{suffix}").write_bytes(b"")
    sink._tmp = part
    sink._remove_tmp()
    assert os.listdir(tmp_path) == [".c.db.x.part-other"]
    assert sink._tmp is None
    sink._remove_tmp()  # nothing left to do


def test_a_failure_after_the_merge_committed_is_raised_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ours = _created_meanwhile(tmp_path)

    class FailingDetach(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.startswith("DETACH"):
                raise sqlite3.OperationalError("database incoming is locked")
            return super().execute(sql, *args)

    _connect_with(monkeypatch, FailingDetach)
    with pytest.raises(sqlite3.OperationalError, match=r"^database incoming is locked$"):
        ours.commit()
    assert _rows(db, "SELECT id FROM cells ORDER BY id") == [("old",), ("ours",)]
    assert os.listdir(tmp_path) == ["race.db"]


def test_record_json_is_valid_json_for_every_row(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sink = SqliteSink(db, record_schema=CELLS)
    _run(sink, [CELL, {"id": "b", "props": {"x": float("inf")}}])  # a plain list: scanned
    assert sink.conversion.non_finite == 1
    assert _rows(db, "SELECT props FROM cells WHERE id = 'b'") == [('{"x":null}',)]
    texts = [text for (text,) in _rows(db, "SELECT record_json FROM cells ORDER BY rowid")]
    assert [json.loads(t)["id"] for t in texts] == ["c-1", "b"]
    assert json.loads(texts[1]) == {"id": "b", "props": {"x": None}}


# --------------------------------------------------------------------------------------
# NULL cells left out, durability of a new database, commit steps
# --------------------------------------------------------------------------------------


def test_records_with_other_null_cells_in_one_page_keep_their_order(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    page = [
        {"id": "a", "name": "first", "n": 1},
        {"id": "b", "name": "b"},
        {"id": "a", "x": 2.5},  # the later record with this id wins, wholly
        {"id": "c", "x": 3.5},
        {"id": "d", "name": "d", "n": 4},
    ]
    sink = _run(SqliteSink(db, record_schema=CELLS), page)
    assert sink.records_written == 5
    assert _rows(db, "SELECT id, name, n, x FROM cells ORDER BY id") == [
        ("a", None, None, 2.5),
        ("b", "b", None, None),
        ("c", None, None, 3.5),
        ("d", "d", 4, None),
    ]


def test_a_column_default_is_never_applied_to_a_null_cell(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _table(
        db,
        "CREATE TABLE cells (id TEXT PRIMARY KEY, record_json TEXT, name TEXT DEFAULT 'x', "
        "n INTEGER DEFAULT 9)",
    )
    _run(SqliteSink(db, record_schema=CELLS), [{"id": "a", "n": 1}, {"id": "b", "name": "b"}])
    assert _rows(db, "SELECT id, name, n FROM cells ORDER BY id") == [
        ("a", None, 1),
        ("b", "b", None),
    ]


def test_a_new_database_skips_sqlites_own_syncs_and_is_synced_before_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_link = os.fsync, os.link

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        events.append(f"fsync {'part' if path.endswith('.part') else Path(path).name}")
        real_fsync(fd)

    def link(src: Any, dst: Any) -> None:
        events.append("link")
        real_link(src, dst)

    db = tmp_path / "new.db"
    sink = SqliteSink(db, record_schema=CELLS)
    sink.write([CELL])
    conn = sink._conn
    assert conn is not None
    assert conn.execute("PRAGMA synchronous").fetchone() == (0,)  # OFF
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("memory",)
    assert conn.execute("PRAGMA page_size").fetchone() == (16384,)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "link", link)
    sink.commit()
    assert events == ["fsync part", "link", f"fsync {tmp_path.name}"]
    existing = SqliteSink(db, record_schema=CELLS)
    existing.write([CELL])
    conn = existing._conn
    assert conn is not None
    assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL, SQLite's default
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    existing.abort()
    assert _rows(db, "PRAGMA page_size") == [(16384,)]  # the published file keeps its pages
    older = tmp_path / "older.db"
    with contextlib.closing(sqlite3.connect(older)) as made:  # sqlite3's defaults: 4 KiB
        made.execute("CREATE TABLE notes (text TEXT)")
    existing = SqliteSink(older, record_schema=CELLS)
    existing.write([CELL])
    conn = existing._conn
    assert conn is not None
    assert conn.execute("PRAGMA page_size").fetchone() == (4096,)
    existing.abort()


@pytest.mark.parametrize("created_meanwhile", [False, True])
def test_commit_steps_write_in_the_transaction_of_the_rows(
    tmp_path: Path, created_meanwhile: bool
) -> None:
    db = tmp_path / "c.db"
    calls: list[str] = []

    def mark(conn: sqlite3.Connection) -> None:
        calls.append("mark")
        conn.execute("CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, at TEXT)")
        conn.execute("INSERT OR REPLACE INTO marks VALUES ('cells', 'now')")

    sink = SqliteSink(db, record_schema=CELLS)
    sink.in_commit(mark)
    sink.write([CELL])
    assert calls == []
    if created_meanwhile:
        _existing(db)
    sink.commit()
    assert calls == ["mark", "mark"] if created_meanwhile else ["mark"]
    assert _rows(db, "SELECT * FROM marks") == [("cells", "now")]
    assert _rows(db, "SELECT COUNT(*) FROM cells") == [(2 if created_meanwhile else 1,)]


def test_a_failing_commit_step_publishes_neither_rows_nor_marks(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    _existing(db)

    def half_a_mark(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE marks (name TEXT)")
        raise OSError("disk full")

    sink = SqliteSink(db, record_schema=CELLS)
    sink.in_commit(half_a_mark)
    sink.write([{"id": "new"}])
    with pytest.raises(OSError, match="disk full"):
        sink.commit()
    tables = _rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    assert tables == [("cells",), ("ionworks_sink_tables",)]  # the first run's, no "marks"
    assert _rows(db, "SELECT id FROM cells") == [("old",)]


def test_commit_steps_are_taken_only_while_open(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", record_schema=CELLS)
    sink.commit()
    with pytest.raises(SinkStateError) as info:
        sink.in_commit(lambda conn: None)
    assert str(info.value) == "sqlite:c.db: cannot add a commit step: sink already committed"


# -------------------------------------------------------------- the compiled rows without NULLs


def _count_present_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the records laid out by ``RecordSchema.present_row`` (the compiled fast path)."""
    seen: list[str] = []
    real = RecordSchema.present_row

    def spy(self: RecordSchema, record: Any, **kwargs: Any) -> Any:
        seen.append(str(record.get("id")))
        return real(self, record, **kwargs)

    monkeypatch.setattr(RecordSchema, "present_row", spy)
    return seen


@pytest.mark.parametrize(
    ("declared", "records", "fast", "stored"),
    [
        (
            {"type": "string"},
            [{"id": "a", "n": 1}, {"id": "b"}],
            ["a", "b"],
            [("a", 1), ("b", None)],
        ),
        ({"type": "integer"}, [{"id": 5, "n": 1}], ["5"], [("5", 1)]),
        # id declared as free-form JSON: the compiled cell would be the JSON text '"a"', so the
        # general rule lays it out and the sink puts the id itself in the key column
        ({}, [{"id": "a", "n": 1}], [], [("a", 1)]),
        ({"type": "string", "format": "date-time"}, [{"id": "x", "n": 2}], [], [("x", 2)]),
    ],
)
def test_the_compiled_row_without_nulls_is_used_when_its_id_cell_is_the_id(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    declared: dict[str, Any],
    records: list[dict[str, Any]],
    fast: list[str],
    stored: list[tuple[Any, ...]],
) -> None:
    schema = record_schema(
        {"type": "object", "properties": {"id": declared, "n": {"type": "integer"}}}
    )
    seen = _count_present_rows(monkeypatch)
    db = tmp_path / "ids.db"
    _run(SqliteSink(db, table="t", record_schema=schema), records)
    assert seen == fast
    assert _rows(db, "SELECT id, n FROM t ORDER BY id") == stored
    assert [json.loads(r[0]) for r in _rows(db, "SELECT record_json FROM t ORDER BY id")] == sorted(
        records, key=lambda r: str(r["id"])
    )


def test_a_table_with_a_default_gets_every_cell_and_no_compiled_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "d.db"
    with contextlib.closing(sqlite3.connect(db)) as made:
        made.execute(
            'CREATE TABLE t ("id" TEXT PRIMARY KEY NOT NULL, n INTEGER DEFAULT 7, '
            "record_json TEXT NOT NULL)"
        )
    schema = record_schema(
        {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}}
    )
    seen = _count_present_rows(monkeypatch)
    _run(SqliteSink(db, table="t", record_schema=schema), [{"id": "a"}, {"id": "b", "n": 1}])
    assert seen == []
    # NULL is written, not the column's DEFAULT; extra_json was added as a NULL column
    assert _rows(db, "SELECT id, n, extra_json FROM t ORDER BY id") == [
        ("a", None, None),
        ("b", 1, None),
    ]


def test_booleans_of_the_compiled_row_are_stored_as_1_and_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = record_schema(
        {"type": "object", "properties": {"id": {"type": "string"}, "ok": {"type": "boolean"}}}
    )
    seen = _count_present_rows(monkeypatch)
    db = tmp_path / "b.db"
    _run(
        SqliteSink(db, table="t", record_schema=schema),
        [{"id": "a", "ok": True}, {"id": "b", "ok": False}],
    )
    assert seen == ["a", "b"]
    assert _rows(db, "SELECT id, ok, typeof(ok) FROM t ORDER BY id") == [
        ("a", 1, "integer"),
        ("b", 0, "integer"),
    ]
    assert _rows(db, "SELECT record_json FROM t ORDER BY id") == [
        ('{"id":"a","ok":true}',),
        ('{"id":"b","ok":false}',),
    ]


# --------------------------------------------------------------------------------------
# The lock wait ends on Ctrl-C / SIGTERM (SQLite's busy_timeout let neither through)
# --------------------------------------------------------------------------------------


def test_a_cancelled_task_stops_waiting_for_the_lock_and_writes_nothing(
    tmp_path: Path, failing_begin: type[_FailingBegin], locked_ten_times: list[float]
) -> None:
    import asyncio

    db, sleeps = tmp_path / "c.db", locked_ten_times
    sink = SqliteSink(db, label="sqlite:c.db", timeout=600, record_schema=CELLS)

    async def export() -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()  # what asyncio's SIGINT handler does; the wait never awaits
        sink.write([{"id": "new"}])

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(export())
    sink.abort()
    assert (sleeps, len(failing_begin.errors), failing_begin.closed) == ([0.1], 9, [True])
    assert (
        sink.describe() == "aborted: sqlite:c.db (table cells) left unchanged (0 records discarded)"
    )
    assert _rows(db, "SELECT id FROM cells") == [("old",)]
    assert os.listdir(tmp_path) == ["c.db"]


@pytest.mark.cli_subprocess
@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
    ids=["sigterm", "sigint"],
)
def test_a_signal_ends_the_wait_for_the_database_lock(
    tmp_path: Path, signal_while_waiting: Any, signum: int, code: int, word: str
) -> None:
    """The CLI waits up to 30 s for another run's write lock; a signal ends the wait at once:
    while this test holds the lock throughout, the run ends interrupted (not with the
    lock's exit 6 after 30 s), and the database is as it was."""
    db = tmp_path / "big.db"
    _existing(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    arguments = ["--sandbox", "measurements", "list", "Severson 2019 fast-charging cycle life",
                 "--all", "--sink", "big.db", "--sink", "out.jsonl"]  # fmt: skip
    try:
        notice, returncode, rest = signal_while_waiting(arguments, tmp_path, env, signum)
    finally:
        holder.rollback()
        holder.close()
    assert notice == (
        "sqlite:big.db: another run is writing to this database; waiting up to 30 s for "
        "its lock...\n"
    )
    assert (returncode, rest) == (code, f"{word}: nothing was written (outputs rolled back)\n")
    assert sorted(os.listdir(tmp_path)) == ["big.db"]  # no out.jsonl, no part file
    assert _rows(db, "SELECT id FROM cells") == [("old",)]
