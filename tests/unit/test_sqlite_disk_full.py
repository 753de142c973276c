"""A failed write into an EXISTING SQLite database leaves its previous bytes and no journal
(FINDINGS7 G23), or says what state the file is in.

Disk full (``SQLITE_FULL``) or a file size limit (``SQLITE_IOERR_WRITE``) inside SQLite's pager
may change pages of the database file before the transaction fails; SQLite then ends the
transaction without undoing them, and closing left the modified file with a hot ``-journal``
beside it (a ``mode=ro`` reader then cannot open it) while the run said "rolled back (previous
output kept)". A child process writes under a file size limit (``RLIMIT_FSIZE``, SIGXFSZ
ignored: the write fails with EFBIG, as on a full disk), so no tmpfs is needed; the parent
compares the database's bytes before and after.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import SinkTargetError, SqliteSink, _sqlite, record_schema

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX"
)

CELLS = record_schema(
    {"type": "object", "properties": {"name": {"type": "string"}}},
    name="Cell",
    resource="cells",
)

#: The child: upsert 20-record pages of 3 KB names into the database under a file size limit
#: of ``limit`` bytes, then abort, and print what the sink and the run's outcome say.
CHILD = textwrap.dedent(
    """
    import json, resource, signal, sqlite3, sys
    from pathlib import Path
    from ionworks_toolkit.export import sink_outcome
    from ionworks_toolkit.sinks import SqliteSink, record_schema, _sqlite

    db, limit, mode = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if mode == "replay-fails":
        def refused(path):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        _sqlite._replay_journal = refused
    schema = record_schema(
        {"type": "object", "properties": {"name": {"type": "string"}}},
        name="Cell", resource="cells",
    )
    sink = SqliteSink(db, label=f"sqlite:{db.name}", record_schema=schema)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    failed = aborted = ""
    try:
        for page in range(100):
            sink.write([{"id": f"c-{page * 20 + i}", "name": "y" * 3000} for i in range(20)])
        sink.commit()
    except Exception as exc:
        failed = f"{type(exc).__name__}: {getattr(exc, 'sqlite_errorname', '')}"
        try:
            sink.abort()
        except Exception as abort_exc:
            aborted = f"{type(abort_exc).__name__}: {abort_exc}"
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)
    print(json.dumps({
        "failed": failed,
        "aborted": aborted,
        "state": sink.state,
        "describe": sink.describe(),
        "outcome": sink_outcome([(f"sqlite:{db.name}", sink)], name_rolled_back=True),
    }))
    """
)


def _catalogue(path: Path, rows: int) -> bytes:
    """An existing database of ``rows`` cells written by the sink; its bytes."""
    sink = SqliteSink(path, record_schema=CELLS)
    sink.write([{"id": f"c-{i}", "name": "x" * 3000} for i in range(rows)])
    sink.commit()
    return path.read_bytes()


def _run_child(db: Path, limit: int, mode: str = "plain") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(limit), mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _count_read_only(db: Path) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM cells").fetchone()[0])
    finally:
        conn.close()


def test_a_write_that_fills_the_disk_leaves_the_previous_bytes_and_no_journal(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    before = _catalogue(db, 5)
    assert len(before) == 131072  # 16 KiB pages: header, tables, 5 rows

    got = _run_child(db, len(before) + 65536)

    assert got == {
        "failed": "OperationalError: SQLITE_IOERR_WRITE",
        "aborted": "",
        "state": "aborted",
        # 11 pages went in before SQLite's page cache (2000 KiB) spilled into the file
        "describe": "aborted: sqlite:s.db (table cells) left unchanged (220 records discarded)",
        "outcome": "rolled back (previous output kept): sqlite:s.db",
    }
    assert sorted(os.listdir(tmp_path)) == ["s.db"]  # no -journal, no .part
    assert db.read_bytes() == before
    assert _count_read_only(db) == 5


def test_without_the_replay_the_file_holds_a_hot_journal(tmp_path: Path) -> None:
    """What the sink repairs: the same failed write, its replay refused, leaves the file
    modified beside a hot journal that a read-only reader cannot get past; the message says
    so, and what it tells the user (a writer's next open restores it) holds."""
    db = tmp_path / "s.db"
    before = _catalogue(db, 5)

    got = _run_child(db, len(before) + 65536, "replay-fails")

    left = (
        "the failed write left s.db modified, with SQLite's rollback journal s.db-journal "
        "beside it, and restoring the previous content from it failed (OperationalError: "
        "attempt to write a readonly database): SQLite restores it when a program that may "
        "write to s.db next opens it (the next run does); until then read-only readers "
        "cannot open it; keep s.db-journal beside it"
    )
    assert got == {
        "failed": "OperationalError: SQLITE_IOERR_WRITE",
        "aborted": f"SinkTargetError: sqlite:s.db: {left}",
        "state": "aborted",
        "describe": f"aborted: sqlite:s.db (table cells) not restored: {left}",
        "outcome": f"not rolled back: sqlite:s.db ({left})",
    }
    assert sorted(os.listdir(tmp_path)) == ["s.db", "s.db-journal"]
    assert db.read_bytes() != before
    with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
        _count_read_only(db)

    writer = sqlite3.connect(db)  # a program that may write: SQLite replays the journal
    writer.execute("SELECT count(*) FROM sqlite_master").fetchone()
    writer.close()
    assert sorted(os.listdir(tmp_path)) == ["s.db"]
    assert db.read_bytes() == before


def test_a_journal_of_another_runs_live_transaction_is_left_alone(tmp_path: Path) -> None:
    """The replay reads only: a journal beside the database that is not hot (another
    connection's open write transaction) stays, and that transaction goes on."""
    db = tmp_path / "s.db"
    before = _catalogue(db, 2)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE cells SET name = 'other run' WHERE id = 'c-0'")
    assert (tmp_path / "s.db-journal").exists()

    sink = SqliteSink(db, label="sqlite:s.db", record_schema=CELLS)
    sink._restore_target()  # as after a failed write

    assert sink.abort_left == ""
    assert (tmp_path / "s.db-journal").exists()
    other.execute("COMMIT")
    other.close()
    assert db.read_bytes() != before
    assert _count_read_only(db) == 2
    assert sorted(os.listdir(tmp_path)) == ["s.db"]


def test_an_abort_with_nothing_to_replay_opens_no_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    _catalogue(db, 1)
    opened: list[Path] = []
    monkeypatch.setattr("ionworks_toolkit.sinks._sqlite._replay_journal", opened.append)
    sink = SqliteSink(db, label="sqlite:s.db", record_schema=CELLS)
    sink.write([{"id": "c-9", "name": "new"}])
    sink.abort()
    assert opened == []  # ROLLBACK removed the journal: nothing left to replay
    assert (
        sink.describe() == "aborted: sqlite:s.db (table cells) left unchanged (1 record discarded)"
    )
    assert sink_outcome([("s.db", sink)]) == ""


#: A writer that dies inside its transaction after SQLite spilled changed pages into the
#: file (a one-page cache): the database is left modified beside a hot journal, as after the
#: failed write above, without a file size limit.
CRASHED_WRITER = textwrap.dedent(
    """
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT OR REPLACE INTO cells (id, name, record_json) VALUES (?, ?, '{}')",
        [(f"c-{i}", "z" * 3000) for i in range(40)],
    )
    os._exit(0)
    """
)


def _hot_journal(db: Path) -> bytes:
    """``db`` with 5 cells, then left modified beside a hot journal; its bytes before."""
    before = _catalogue(db, 5)
    subprocess.run([sys.executable, "-c", CRASHED_WRITER, str(db)], check=True, timeout=60)
    assert db.read_bytes() != before
    assert (db.parent / "s.db-journal").exists()
    return before


def test_the_restore_replays_a_hot_journal(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    before = _hot_journal(db)
    sink = SqliteSink(db, label="sqlite:s.db", record_schema=CELLS)
    sink._restore_target()
    assert sink.abort_left == ""
    assert sorted(os.listdir(tmp_path)) == ["s.db"]
    assert db.read_bytes() == before
    assert _count_read_only(db) == 5


def test_a_restore_that_fails_says_what_state_the_file_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    _hot_journal(db)

    def refused(path: Path) -> None:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr("ionworks_toolkit.sinks._sqlite._replay_journal", refused)
    sink = SqliteSink(db, label="sqlite:s.db", record_schema=CELLS)
    sink._restore_target()
    left = (
        "the failed write left s.db modified, with SQLite's rollback journal s.db-journal "
        "beside it, and restoring the previous content from it failed (OperationalError: "
        "unable to open database file): SQLite restores it when a program that may write to "
        "s.db next opens it (the next run does); until then read-only readers cannot open "
        "it; keep s.db-journal beside it"
    )
    assert sink.abort_left == left
    with pytest.raises(SinkTargetError) as info:
        sink.abort()
    assert str(info.value) == f"sqlite:s.db: {left}"
    assert sink.state == "aborted"
    assert sink.describe() == f"aborted: sqlite:s.db (table cells) not restored: {left}"
    published = SqliteSink(tmp_path / "other.db", label="sqlite:other.db", record_schema=CELLS)
    published.commit()
    assert sink_outcome([("other.db", published), ("s.db", sink)]) == (
        f"published: other.db; not rolled back: s.db ({left})"
    )


def test_the_restore_runs_after_a_write_into_the_target_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An abort checks the target after closing a connection that wrote to it (an existing
    database; the merge into one another run created meanwhile), never after building a new
    database beside it (its temporary file is deleted)."""
    restored: list[str] = []
    monkeypatch.setattr(SqliteSink, "_restore_target", lambda self: restored.append(self.label))
    existing = tmp_path / "old.db"
    _catalogue(existing, 1)
    for label, path in (("old", existing), ("new", tmp_path / "new.db")):
        sink = SqliteSink(path, label=label, record_schema=CELLS)
        sink.write([{"id": "c-9", "name": "x"}])
        sink.abort()
    assert restored == ["old"]

    race = tmp_path / "race.db"
    ours = SqliteSink(race, label="race", record_schema=CELLS)
    ours.write([{"id": "ours"}])
    _catalogue(race, 1)  # another run creates it meanwhile
    real_connect = sqlite3.connect

    class FailingMerge(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.startswith("INSERT INTO") and "incoming" in sql:
                raise sqlite3.OperationalError("database or disk is full")
            return super().execute(sql, *args)

    monkeypatch.setattr(
        sqlite3, "connect", lambda *a, **kw: real_connect(*a, factory=FailingMerge, **kw)
    )
    with pytest.raises(sqlite3.OperationalError, match=r"^database or disk is full$"):
        ours.commit()
    assert restored == ["old", "race"]
    assert sorted(os.listdir(tmp_path)) == ["old.db", "race.db"]  # no part file left


def test_the_replay_never_creates_a_database(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError, match=r"^unable to open database file$"):
        _sqlite._replay_journal(tmp_path / "gone.db")
    assert os.listdir(tmp_path) == []


#: The child: SQLite's URI filenames switched off for the whole process, as in SQLite's own
#: default build (``SQLITE_USE_URI=0``; Debian's and other builds switch them on, so there a
#: ``file:`` name is read as a URI with or without ``uri=True``), then the replay. First it
#: shows the switch took: the replay's name, opened without ``uri=True``, is no database.
NO_URI_REPLAY = textwrap.dedent(
    """
    import ctypes, sqlite3, sys
    from pathlib import Path
    from ionworks_toolkit.sinks import _sqlite

    maps = open("/proc/self/maps").read().split()
    library = next((word for word in maps if "libsqlite3" in word), None)
    if library is None:
        print("sqlite3 is linked statically")
        sys.exit(0)
    sqlite = ctypes.CDLL(library)  # the library the sqlite3 module uses
    SQLITE_CONFIG_URI = 17
    assert sqlite.sqlite3_shutdown() == 0
    assert sqlite.sqlite3_config(SQLITE_CONFIG_URI, ctypes.c_int(0)) == 0
    assert sqlite.sqlite3_initialize() == 0
    db = Path(sys.argv[1])
    try:
        sqlite3.connect(f"{db.resolve().as_uri()}?mode=rw").close()
    except sqlite3.OperationalError as exc:
        print(f"without uri=True: {exc}")
    _sqlite._replay_journal(db)
    print("replayed")
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_the_replay_asks_for_a_uri_where_sqlite_reads_none_by_default(tmp_path: Path) -> None:
    # The replay opens the database as ``file:...?mode=rw`` (never creating it): a URI, which
    # SQLite reads as one only when asked (``uri=True``) unless its build says otherwise.
    # The folder's name holds characters a URI escapes (space, ?, #, %), so the name must
    # also be encoded right.
    folder = tmp_path / "run 1?#%"
    folder.mkdir()
    db = folder / "s.db"
    before = _hot_journal(db)
    done = subprocess.run(
        [sys.executable, "-c", NO_URI_REPLAY, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if done.stdout == "sqlite3 is linked statically\n":
        pytest.skip("SQLite's URI setting cannot be changed from outside")
    assert done.stdout == "without uri=True: unable to open database file\nreplayed\n"
    assert db.read_bytes() == before  # the journal was replayed: the previous content
    assert sorted(os.listdir(folder)) == ["s.db"]
    assert _count_read_only(db) == 5
