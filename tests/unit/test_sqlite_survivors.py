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


def test_every_file_uri_the_sink_opens_is_opened_as_a_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``file:...?mode=ro`` is a URI only with ``uri=True``: SQLite builds without URI
    filenames on by default (unlike this machine's) would open, or create, a file named
    ``file:...`` instead, and the read-only check and the journal replay would read the
    wrong database. Round nine's ``sqlite`` survivors (``uri`` None, False or dropped)."""
    db = tmp_path / "c.db"
    sink = SqliteSink(db, record_schema=CELLS)
    sink.write([{"id": "a", "name": "x"}])
    sink.commit()
    real = sqlite3.connect
    opened: list[tuple[str, object]] = []

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append((str(database), kwargs.get("uri")))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    SqliteSink(db, record_schema=CELLS).check_table()
    _sqlite._replay_journal(db)
    assert opened == [
        (f"{db.resolve().as_uri()}?mode=ro", True),
        (f"{db.resolve().as_uri()}?mode=rw", True),
    ]


def test_a_failed_rollback_of_a_merge_keeps_the_merges_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run created the database meanwhile; the merge into it fails (here its COMMIT)
    and the rollback fails too (a disk I/O error): the merge's error is what the caller
    sees, not the rollback's, nor a TypeError (round nine's survivor
    ``contextlib.suppress(None)``)."""
    db = tmp_path / "c.db"
    ours = SqliteSink(db, record_schema=CELLS)
    ours.write([{"id": "ours", "name": "x"}])
    other = SqliteSink(db, record_schema=CELLS)
    other.write([{"id": "old", "name": "y"}])
    other.commit()

    real_commit = SqliteSink._commit_when_unread
    merging: list[bool] = []

    def commit_fails(self: SqliteSink, conn: sqlite3.Connection) -> None:
        attached = [row[1] for row in conn.execute("PRAGMA database_list")]
        merging.append("incoming" in attached)
        if merging[-1]:
            raise sqlite3.OperationalError("the merge's own error")
        real_commit(self, conn)

    def rollback_fails(self: SqliteSink, conn: sqlite3.Connection, *, on_target: bool) -> None:
        conn.close()
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SqliteSink, "_commit_when_unread", commit_fails)
    monkeypatch.setattr(SqliteSink, "_close_rolled_back", rollback_fails)
    with pytest.raises(sqlite3.OperationalError) as info:
        ours.commit()
    assert str(info.value) == "the merge's own error"
    assert merging == [False, True]  # our part file, then the merge into the database
