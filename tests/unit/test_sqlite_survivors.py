"""Survivors of the ``sqlite`` mutation group killed (see TESTING.md): every connection the
``sqlite:`` sink opens has SQLite's busy timeout at 0, so the only wait for another run's lock
is the sink's own poll (Ctrl-C and SIGTERM get through between two tries).

``sqlite3.connect``'s ``timeout`` sets SQLite's busy handler: with ``timeout=1`` (or the
module's default 5 s) each ``BEGIN IMMEDIATE`` of the poll would first wait that long inside
one C call, where no signal handler runs. The tests read the busy timeout each connection
really has (``PRAGMA busy_timeout``, milliseconds) instead of timing a wait.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit.sinks import SqliteSink, _sqlite, record_schema

CELLS = record_schema(
    {"type": "object", "properties": {"name": {"type": "string"}}},
    name="Cell",
    resource="cells",
)


@pytest.fixture
def busy_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Each ``sqlite3.connect`` of the test: (the database as given, its busy timeout in ms)."""
    real = sqlite3.connect
    seen: list[tuple[str, int]] = []

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(database, *args, **kwargs)
        seen.append((Path(str(database)).name, conn.execute("PRAGMA busy_timeout").fetchone()[0]))
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    return seen


def _run(sink: SqliteSink, page: list[dict[str, Any]]) -> None:
    with sink:
        sink.write(page)
        sink.commit()


def test_a_new_database_is_written_without_sqlites_busy_wait(
    tmp_path: Path, busy_timeouts: list[tuple[str, int]]
) -> None:
    _run(SqliteSink(tmp_path / "c.db", record_schema=CELLS), [{"id": "a"}])
    assert [ms for _, ms in busy_timeouts] == [0]  # the hidden part file, built and linked
    assert busy_timeouts[0][0].startswith(".c.db.") and busy_timeouts[0][0].endswith(".part")


def test_an_existing_database_is_checked_and_written_without_sqlites_busy_wait(
    tmp_path: Path, busy_timeouts: list[tuple[str, int]]
) -> None:
    db = tmp_path / "c.db"
    _run(SqliteSink(db, record_schema=CELLS), [{"id": "a"}])
    busy_timeouts.clear()
    sink = SqliteSink(db)
    sink.bind_schema(CELLS)  # as an export does before its first request: the read-only check
    _run(sink, [{"id": "b"}])
    assert busy_timeouts == [("c.db?mode=ro", 0), ("c.db", 0)]  # the check, the write


def test_the_journal_replay_waits_two_seconds_at_most_for_a_lock(
    tmp_path: Path, busy_timeouts: list[tuple[str, int]]
) -> None:
    # The one connection that uses SQLite's busy wait (restoring a database after a failed
    # write, FINDINGS7 G23): RESTORE_WAIT, 2 s, kept short as it holds off Ctrl-C; sqlite3's
    # default would be 5 s.
    db = tmp_path / "c.db"
    _run(SqliteSink(db, record_schema=CELLS), [{"id": "a"}])
    busy_timeouts.clear()
    _sqlite._replay_journal(db)
    assert busy_timeouts == [("c.db?mode=rw", 2000)]
    assert _sqlite.RESTORE_WAIT == 2.0
