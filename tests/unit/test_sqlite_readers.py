"""A reader's open transaction on the SQLite catalogue (FINDINGS7 G17).

In a rollback-journal database (SQLite's default) a reader's open transaction (a notebook's
unfinished cursor, a database browser, a ``sqlite3`` shell inside ``BEGIN``) holds a SHARED
lock that ``COMMIT`` waits for. The export failed at once with a raw "database is locked"
(exit 6); now it waits as for another run's write lock (a notice, a poll Ctrl-C ends, up to
``timeout``), then fails saying a reader holds the database. The clock and sleep of the
wait are replaced: no durations.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from ionworks_toolkit.sinks import SinkTargetError, _sqlite
from ionworks_toolkit.sinks._sqlite import SqliteSink
from test_sink_sqlite import CELLS, _existing, _rows


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """``c.db`` (one row, ``old``) and a connection inside a read transaction on it."""
    _existing(tmp_path / "c.db")
    conn = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    conn.execute("BEGIN")
    assert conn.execute("SELECT count(*) FROM cells").fetchone() == (1,)
    yield conn
    conn.close()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The wait's clock and sleep replaced; the sleeps asked for (each advances the clock)."""
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(_sqlite, "_clock", lambda: now[0])
    monkeypatch.setattr(_sqlite, "_sleep", sleep)
    return sleeps


def test_a_reader_is_waited_for_with_a_notice_then_the_rows_are_committed(
    tmp_path: Path,
    reader: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:  # the reader ends its transaction in the second sleep
        sleeps.append(seconds)
        if len(sleeps) == 2:
            reader.execute("COMMIT")

    monkeypatch.setattr(_sqlite, "_sleep", sleep)
    sink = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", record_schema=CELLS)
    sink.write([{"id": "new"}])
    sink.commit()
    assert capsys.readouterr().err == (
        "sqlite:c.db: another connection is reading this database (an open read transaction: "
        "a notebook, a database browser, a sqlite3 shell); waiting up to 30 s for it to "
        "finish...\n"
    )
    assert sleeps == [0.1, 0.1]
    assert sink.state == "committed"
    assert _rows(tmp_path / "c.db", "SELECT id FROM cells ORDER BY id") == [("new",), ("old",)]


def test_a_reader_gone_by_the_second_try_gets_no_notice(
    tmp_path: Path,
    reader: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A SHARED lock held for an instant (another run's BEGIN IMMEDIATE try: the race that
    failed the fresh-clone CI once with a false notice) is waited for in silence."""
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        reader.execute("COMMIT")

    monkeypatch.setattr(_sqlite, "_sleep", sleep)
    sink = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", record_schema=CELLS)
    sink.write([{"id": "new"}])
    sink.commit()
    assert (capsys.readouterr().err, sleeps, sink.state) == ("", [0.1], "committed")
    assert _rows(tmp_path / "c.db", "SELECT id FROM cells ORDER BY id") == [("new",), ("old",)]


def test_a_reader_that_stays_fails_the_sink_naming_it_and_keeps_the_database(
    tmp_path: Path,
    reader: sqlite3.Connection,
    clock: list[float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = (tmp_path / "c.db").read_bytes()
    sink = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", timeout=0.25, record_schema=CELLS)
    sink.write([{"id": "new"}])
    with pytest.raises(SinkTargetError) as raised:
        sink.commit()
    assert str(raised.value) == (
        "sqlite:c.db: another connection is still reading this database after 0.25 s; "
        "nothing was written to it (close that connection or end its transaction, then try "
        "again)"
    )
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    assert capsys.readouterr().err == (
        "sqlite:c.db: another connection is reading this database (an open read transaction: "
        "a notebook, a database browser, a sqlite3 shell); waiting up to 0.25 s for it to "
        "finish...\n"
    )
    assert clock == [0.1, 0.1, pytest.approx(0.05)]
    assert sink.state == "aborted"
    reader.execute("COMMIT")
    assert sorted(os.listdir(tmp_path)) == ["c.db"]  # no journal left
    assert (tmp_path / "c.db").read_bytes() == before
    assert _rows(tmp_path / "c.db", "SELECT id FROM cells") == [("old",)]


def test_a_new_database_created_meanwhile_waits_for_its_reader_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Our run builds c.db beside the target; another run creates it and a reader opens it;
    the merge's COMMIT waits for the reader."""
    ours = SqliteSink(tmp_path / "c.db", label="sqlite:c.db", record_schema=CELLS)
    ours.write([{"id": "ours"}])
    _existing(tmp_path / "c.db")
    reading = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    reading.execute("BEGIN")
    reading.execute("SELECT count(*) FROM cells").fetchone()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            reading.execute("COMMIT")

    monkeypatch.setattr(_sqlite, "_sleep", sleep)
    try:
        ours.commit()
    finally:
        reading.close()
    assert capsys.readouterr().err.startswith(
        "sqlite:c.db: another connection is reading this database"
    )
    assert _rows(tmp_path / "c.db", "SELECT id FROM cells ORDER BY id") == [("old",), ("ours",)]


def _measurement(index: int) -> dict[str, object]:
    return {"id": f"m{index}", "name": "x" * 2000, "cell_instance_id": "c", "created_at": None,
            "updated_at": None}  # fmt: skip


@pytest.mark.parametrize(
    ("journal_mode", "read_during_the_run"),
    [("delete", "database is locked"), ("wal", (1,))],
    ids=["rollback-journal", "wal"],
)
def test_readers_during_a_long_run_are_locked_out_unless_the_database_is_wal(
    tmp_path: Path, journal_mode: str, read_during_the_run: object
) -> None:
    """What README says of readers during a run into an existing database (FINDINGS11 L1):
    in SQLite's default rollback-journal mode a run's changes past the page cache (10 MB
    here) lock readers out until it commits; a database switched to WAL keeps that mode and
    its readers see the previous rows."""
    db = tmp_path / "c.db"
    first = SqliteSink(db)
    first.write([_measurement(-1)])
    first.commit()
    if journal_mode == "wal":
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        conn.close()
    run = SqliteSink(db)
    run.write([_measurement(i) for i in range(5000)])
    reader = sqlite3.connect(db, timeout=0)
    try:
        read: object = reader.execute("SELECT count(*) FROM measurements").fetchone()
    except sqlite3.OperationalError as exc:
        read = str(exc)
    finally:
        reader.close()
    run.commit()
    assert read == read_during_the_run
    with sqlite3.connect(db) as conn:
        after = conn.execute("SELECT count(*), (SELECT journal_mode FROM pragma_journal_mode) "
                             "FROM measurements").fetchone()  # fmt: skip
    conn.close()
    assert after == (5001, journal_mode)
    assert sorted(os.listdir(tmp_path)) == ["c.db"]
