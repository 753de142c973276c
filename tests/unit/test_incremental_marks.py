"""FINDINGS7 G3, G7 and G8: what an incremental sync keeps in the user's database, and when its
mark may move.

A server on loopback holds 34 measurements (the NASA PCoE project's size), newest first,
measurement ``i`` updated ``i`` minutes before the newest; it honours ``updated_at_gt``
unless told to ignore it (G8), and can delete its newest record once the first page has gone
(G7: the total falls 34 -> 33 and record 11 slides below offset 10).

* G3: the sync-state table's name is refused as a data table (exit 2, before any request),
  and an incremental run into a database holding another table under that name stops before
  the walk, naming it.
* G7: a walk that may lack records (its total fell, fewer records than the total, ids seen
  twice because offsets shifted) writes its rows but keeps the previous mark, and says so.
* G8: records at or below the mark that the destination holds unchanged are skipped, and one
  warning says the server seems to ignore ``updated_at_gt``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from ionworks_toolkit.errors import ConfigurationError
from ionworks_toolkit.incremental import (
    STATE_COLUMNS,
    STATE_TABLE,
    SyncMark,
    SyncState,
    missing_records,
)
from ionworks_toolkit.pagination import WalkStats
from ionworks_toolkit.sinks import SinkTargetError, SqliteSink
from ionworks_toolkit.sinks._sqlite import make_sqlite_sink
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID, run_cli, toolkit

N = 34
NEWEST = dt.datetime(2024, 1, 1, 7, 45, 30, tzinfo=dt.UTC)


def stamp(i: int) -> str:
    return (NEWEST - dt.timedelta(minutes=i)).isoformat().replace("+00:00", "Z")


class Catalogue:
    """The by-project list endpoint over ``N`` measurements ``m-00``.. (newest first).

    ``honour_since``: apply ``updated_at_gt`` (False: a server ignoring it). ``delete_from``:
    from that request on (1 = the first one answered), the newest record is gone (total one
    less). ``insert_from``: from that request on, a new record ``m-new`` heads the list (total
    one more). ``edits``: id -> a new ``updated_at``. ``extra_total``: added to the total
    reported. ``twice``: the id whose record is sent in place of the record after it.
    ``omit_total``: no ``total`` in the answers.
    """

    def __init__(self) -> None:
        self.honour_since = True
        self.delete_from: int | None = None
        self.insert_from: int | None = None
        self.edits: dict[str, str] = {}
        self.extra_total = 0
        self.twice: str | None = None
        self.omit_total = False
        self.queries: list[dict[str, str]] = []

    def records(self) -> list[dict[str, Any]]:
        records = [
            {
                "id": f"m-{i:02d}",
                "name": f"m {i}",
                "cell_instance_id": "ci",
                "created_at": stamp(i),
                "updated_at": self.edits.get(f"m-{i:02d}", stamp(i)),
            }
            for i in range(N)
        ]
        answered = len(self.queries)
        if self.delete_from is not None and answered >= self.delete_from:
            records = records[1:]
        if self.insert_from is not None and answered >= self.insert_from:
            new = {"id": "m-new", "name": "new", "cell_instance_id": "ci"}
            records.insert(0, {**new, "created_at": stamp(-1), "updated_at": stamp(-1)})
        if self.twice is not None:
            at = [r["id"] for r in records].index(self.twice)
            records[at + 1] = records[at]
        return records

    def handle(self, exchange: Exchange) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(exchange.target).query).items()}
        self.queries.append(query)
        offset, limit = int(query["offset"]), int(query["limit"])
        records = self.records()
        if "updated_at_gt" in query and self.honour_since:
            records = [r for r in records if r["updated_at"] > query["updated_at_gt"]]
        items = records[offset : offset + limit]
        body = {"items": items, "count": len(items), "total": len(records) + self.extra_total}
        if self.omit_total:
            del body["total"]
        exchange.respond(200, json.dumps(body).encode())

    @property
    def since(self) -> list[str | None]:
        return [q.get("updated_at_gt") for q in self.queries]


@pytest.fixture
def catalogue() -> Iterator[tuple[Catalogue, str]]:
    state = Catalogue()
    with LoopbackServer(state.handle) as server:
        yield state, server.url


def marks(db: Path | str) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select project_id, mark from {STATE_TABLE}").fetchall()


def rows(db: Path | str, table: str = "measurements") -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select id, updated_at from {table} order by id").fetchall()


# ----------------------------------------------------------------------------- G3


RESERVED_MESSAGE = (
    "invalid sqlite table name {!r}: the toolkit keeps its incremental sync marks in a table "
    "of that name; choose another table with ?table=NAME"
)


@pytest.mark.parametrize(
    "name", ["ionworks_sync_state", "IONWORKS_SYNC_STATE", "Ionworks_Sync_state"]
)
def test_the_sync_state_table_is_refused_as_a_data_table(name: str, tmp_path: Path) -> None:
    # SQLite compares table names without regard to ASCII case: every spelling is the same table.
    with pytest.raises(SinkTargetError) as caught:
        make_sqlite_sink(str(tmp_path / "t.db"), {"table": name})
    assert str(caught.value) == RESERVED_MESSAGE.format(name)
    with pytest.raises(SinkTargetError) as caught:
        SqliteSink(tmp_path / "t.db", table=name)
    assert str(caught.value) == RESERVED_MESSAGE.format(name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["ionworks_sync_state2", "my_ionworks_sync_state", "ionworks_sync"]
)
def test_names_near_the_reserved_one_are_data_tables(name: str, tmp_path: Path) -> None:
    assert make_sqlite_sink(str(tmp_path / "t.db"), {"table": name}).table == name


def test_other_bad_names_keep_their_message(tmp_path: Path) -> None:
    with pytest.raises(SinkTargetError) as caught:
        make_sqlite_sink(str(tmp_path / "t.db"), {"table": "sqlite_x"})
    assert str(caught.value) == (
        "invalid sqlite table name 'sqlite_x': use letters, digits and underscores, starting "
        "with a letter or underscore (not 'sqlite_...', not 'ionworks_sink_tables' or "
        "'ionworks_sync_state': tables the toolkit keeps)"
    )


def test_the_cli_refuses_the_reserved_name_before_any_request(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    # FINDINGS7 G3: it was written as a measurements table (rc 0), and every later
    # --incremental into that database failed at its commit with an OperationalError (rc 6).
    state, url = catalogue
    result = run_cli(url, "--limit", "1", "--sink", "sqlite:t.db?table=ionworks_sync_state")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: " + RESERVED_MESSAGE.format("ionworks_sync_state")
    ]
    assert (state.queries, Path("t.db").exists()) == ([], False)


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("ionworks_sink_tables", "its record of which item schema each table holds"),
        ("Ionworks_Sync_State", "its incremental sync marks"),
    ],
)
def test_the_postgresql_sink_refuses_the_reserved_names_too(name: str, what: str) -> None:
    # The postgresql sink keeps its record of tables in the user's schema (no sync state: an
    # incremental run refuses it), so the same names are no data table there either.
    from ionworks_toolkit.sinks._postgres import PostgresSink, make_postgres_sink

    message = (
        f"invalid postgresql table name {name!r}: the toolkit keeps {what} in a table of that "
        "name; choose another table with ?table=NAME"
    )
    with pytest.raises(SinkTargetError) as caught:
        make_postgres_sink("//u@127.0.0.1:1/db", {"table": name})
    assert str(caught.value) == message
    sink = PostgresSink("host=127.0.0.1 port=1", table=name, label="postgresql:x")
    with pytest.raises(SinkTargetError) as caught:
        sink._connection()  # a sink built in Python: refused before connecting
    assert str(caught.value) == message
    assert make_postgres_sink("//u@127.0.0.1:1/db", {"table": "ionworks_sync"}).table == (
        "ionworks_sync"
    )


def _old_version_database(db: Path) -> None:
    """What an earlier version left after ``--sink 'sqlite:t.db?table=ionworks_sync_state'``:
    a measurements table under the sync state's name."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            'CREATE TABLE ionworks_sync_state ("id" TEXT PRIMARY KEY NOT NULL, "name" TEXT, '
            '"cell_instance_id" TEXT, "created_at" TEXT, "updated_at" TEXT, '
            '"extra_json" TEXT, "record_json" TEXT NOT NULL)'
        )
        conn.execute("INSERT INTO ionworks_sync_state (id, record_json) VALUES ('m-x', '{}')")


FOREIGN_MESSAGE = (
    "sqlite:{}: table 'ionworks_sync_state' exists but does not hold incremental sync marks "
    "(its columns: id, name, cell_instance_id, created_at and 3 more); incremental sync keeps "
    "its marks under that name, so nothing can be synced into this database: rename that "
    "table (ALTER TABLE ionworks_sync_state RENAME TO ...) or sync into another database"
)


def test_an_incremental_run_into_a_foreign_state_table_stops_before_the_walk(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    state, url = catalogue
    _old_version_database(Path("t.db"))
    before = Path("t.db").read_bytes()
    result = run_cli(url, "--incremental", "--sink", "t.db")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {FOREIGN_MESSAGE.format('t.db')}"]
    assert state.queries == []  # not one page asked for
    assert Path("t.db").read_bytes() == before


def test_the_python_export_into_a_foreign_state_table_raises(
    catalogue: tuple[Catalogue, str], tmp_path: Path
) -> None:
    state, url = catalogue
    db = tmp_path / "t.db"
    _old_version_database(db)
    with toolkit(url) as tk, pytest.raises(ConfigurationError) as caught:
        tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
    assert str(caught.value) == FOREIGN_MESSAGE.format(db)
    assert state.queries == []


def test_the_state_table_check_accepts_only_the_state_layout(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    state = SyncState(db, "measurements")
    state.check("sqlite:t.db")  # no database yet
    sqlite3.connect(db).close()
    state.check("sqlite:t.db")  # no state table yet
    with sqlite3.connect(db) as conn:
        state.write(conn, {"p": SyncMark()}, "k")
    state.check("sqlite:t.db")  # the one write() makes
    assert STATE_COLUMNS == (
        "project_id",
        "filter_key",
        "data_table",
        "mark",
        "recent_json",
        "synced_at",
    )
    with sqlite3.connect(db) as conn:
        conn.execute(f"ALTER TABLE {STATE_TABLE} ADD COLUMN note TEXT")
    with pytest.raises(ConfigurationError) as caught:
        state.check("sqlite:t.db")
    assert "(its columns: project_id, filter_key, data_table, mark and 3 more)" in str(caught.value)
    other = tmp_path / "o.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE IONWORKS_SYNC_STATE (a, b, c, d)")
    with pytest.raises(ConfigurationError) as caught:
        SyncState(other, "measurements").check("sqlite:o.db")
    assert "(its columns: a, b, c, d);" in str(caught.value)


# ----------------------------------------------------------------------------- G8


def ignored_filter_warning(older: int, since: str) -> str:
    return (
        f"incremental: the server sent {older} record(s) of project {PROJECT_ID} older than "
        f"updated_at_gt={since}: it seems to ignore that filter, so every run reads the whole "
        "project (the records the database holds unchanged are skipped)"
    )


def test_a_server_ignoring_updated_at_gt_rewrites_nothing_unchanged(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    # FINDINGS7 G8: the second run got all 34 records again; the 29 older than the overlap were
    # rewritten and reported as "new or changed".
    state, url = catalogue
    state.honour_since = False
    first = run_cli(url, "--incremental", "--sink", "i.db")
    assert first.exit_code == 0, first.output
    assert marks("i.db") == [(PROJECT_ID, stamp(0))]
    second = run_cli(url, "--incremental", "--sink", "i.db")
    assert second.exit_code == 0, second.output
    assert state.since == [None, stamp(5)]  # mark 07:45:30 minus the 5-minute overlap
    assert second.stderr.splitlines() == [
        f"warning: {ignored_filter_warning(29, stamp(5))}",
        "wrote 0 records to sqlite:i.db (table measurements)",
        "incremental: 0 new or changed record(s); 34 unchanged re-read skipped",
    ]
    assert marks("i.db") == [(PROJECT_ID, stamp(0))]
    assert len(rows("i.db")) == 34


def test_records_changed_below_the_mark_are_still_written(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Only a record the database holds with the same content is skipped: one edited to a
    # later instant is written; one whose updated_at went BACK (below updated_at_gt) is an
    # older copy of the row held (FINDINGS7 G28): ignored, named in a warning.
    state, url = catalogue
    state.honour_since = False
    db = tmp_path / "i.db"
    with toolkit(url) as tk:
        assert tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True).records == 34
        state.edits = {"m-20": "2024-01-01T08:00:00Z", "m-30": "2023-12-31T00:00:00+00:00"}
        with caplog.at_level("WARNING", logger="ionworks_toolkit"):
            result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
    assert (result.records, result.duplicates, result.total) == (1, 33, 34)
    assert (result.unchanged, result.older_copies) == (32, 1)
    # 28 older than 07:40:30 (m-05..m-33 but m-20, edited later), unchanged or not.
    assert [r.getMessage() for r in caplog.records] == [
        ignored_filter_warning(28, stamp(5)),
        f"incremental: the server sent 1 record(s) of project {PROJECT_ID} older than the "
        "rows the database holds: 'm-30' (updated_at 2023-12-31T00:00:00Z); ignored, "
        "the newer rows are kept (a lagging read replica sends such older copies)",
    ]
    held = dict(rows(db))
    assert (held["m-20"], held["m-30"], held["m-21"]) == (
        "2024-01-01T08:00:00Z",
        stamp(30),
        stamp(21),
    )
    assert marks(db) == [(PROJECT_ID, "2024-01-01T08:00:00Z")]


def test_a_server_honouring_updated_at_gt_gets_no_warning(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state, url = catalogue
    db = tmp_path / "i.db"
    with toolkit(url) as tk, caplog.at_level("WARNING", logger="ionworks_toolkit"):
        tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
        result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
    assert (result.records, result.duplicates, result.total) == (0, 5, 5)
    assert state.since == [None, stamp(5)]
    assert caplog.records == []


def test_compare_reads_instants_and_content(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path / "h.db")
    from ionworks_toolkit.incremental import OLDER, UNCHANGED
    from ionworks_toolkit.sinks._columns import measurements_schema

    sink.bind_schema(measurements_schema())
    held = [
        {"id": "a", "name": "a", "cell_instance_id": "c", "updated_at": "2024-01-01T00:00:00Z"},
        {"id": "b", "name": "b", "cell_instance_id": "c", "updated_at": None},
        {"id": "c", "name": "c", "cell_instance_id": "c", "updated_at": "kept as sent"},
        {"id": "n", "name": "n", "cell_instance_id": "c", "updated_at": "2024-01-01T00:00:00Z"},
    ]
    sink.write(held)
    state = SyncState(sink.path, "measurements", sink)
    a, b, c, n = held
    got = state.compare(
        [
            # The same instant in another form, the keys in another order: the same content
            {
                "updated_at": "2024-01-01T01:00:00+01:00",
                "cell_instance_id": "c",
                "name": "a",
                "id": "a",
            },
            b,  # null updated_at: compared by content only
            c,  # unparseable: kept as sent (extra_json), compared by content only
            {**n, "updated_at": "2023-12-31T23:59:59.999999Z"},  # an earlier instant: older
            {"id": "d", "updated_at": "2024-01-01T00:00:00Z"},  # not held
            {"id": "e"},
        ]
    )
    assert got == {"a": UNCHANGED, "b": UNCHANGED, "c": UNCHANGED, "n": OLDER}
    changed = [
        {**a, "name": "a2"},  # same updated_at, other content (FINDINGS7 G29)
        {**a, "updated_at": "2024-01-01T00:00:01Z"},  # later
        {**b, "updated_at": "2024-01-01T00:00:00Z"},  # an instant where none was
        {**c, "updated_at": "2024-01-01T00:00:00Z"},
        {**c, "updated_at": "also kept as sent"},  # no order known: never older
        {**n, "updated_at": None},
    ]
    assert [state.compare([record]) for record in changed] == [{}] * 6
    sink.abort()


def test_stored_values_looks_up_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ionworks_toolkit.sinks import _sqlite
    from ionworks_toolkit.sinks._columns import measurements_schema

    monkeypatch.setattr(_sqlite, "LOOKUP_CHUNK", 2)
    sink = SqliteSink(tmp_path / "h.db")
    sink.bind_schema(measurements_schema())
    sink.write([{"id": f"r{i}", "name": str(i), "updated_at": f"t{i}"} for i in range(5)])
    assert sink.stored_values(["r0", "r4", "x", "r2", "r1"], "name") == {
        "r0": "0",
        "r4": "4",
        "r2": "2",
        "r1": "1",
    }
    assert sink.stored_values([], "name") == {}
    sink.abort()
    with pytest.raises(Exception, match="cannot read stored rows: sink already aborted"):
        sink.stored_values(["r0"], "name")


# ----------------------------------------------------------------------------- G7

TOTAL_FELL = (
    "the server's total went from 34 to 33 during the walk (page at offset 10): records "
    "deleted meanwhile move later ones to lower offsets, so some may be missing from this "
    "walk; run it again to be sure"
)


def kept_mark(reason: str) -> str:
    return (
        f"incremental: {reason} during the walk of project {PROJECT_ID}, so records may be "
        "missing; its mark is not moved (the next run reads these changes again)"
    )


def test_a_falling_total_keeps_the_mark_and_running_again_recovers_the_record(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    # FINDINGS7 G7: the newest record is deleted once the first page has gone, so m-10 slides
    # below offset 10 and is never sent. The mark was stored anyway, and "run it again" never
    # asked for m-10 again.
    state, url = catalogue
    first = run_cli(url, "--incremental", "--page-size", "10", "--sink", "d.db")
    assert first.exit_code == 0, first.output
    assert marks("d.db") == [(PROJECT_ID, stamp(0))]
    state.edits = {f"m-{i:02d}": f"2024-01-02T00:{i:02d}:00Z" for i in range(1, 34)}
    state.delete_from = len(state.queries) + 2  # from the run's second page on
    second = run_cli(url, "--incremental", "--page-size", "10", "--sink", "d.db")
    assert second.exit_code == 7, second.output  # published, but records may be missing
    assert second.stderr.splitlines() == [
        f"warning: {TOTAL_FELL}",
        "warning: " + kept_mark("the server's total went from 34 to 33"),
        "wrote 32 records to sqlite:d.db (table measurements)",
        "incremental: 32 new or changed record(s); 1 unchanged re-read skipped",
        "may be incomplete: the server's total went from 34 to 33, so records may be missing; "
        "run it again to be sure",
    ]
    assert marks("d.db") == [(PROJECT_ID, stamp(0))]  # kept
    held = dict(rows("d.db"))
    assert held["m-10"] == stamp(10)  # the edit of m-10 was missed ...
    third = run_cli(url, "--incremental", "--page-size", "10", "--sink", "d.db")
    assert third.exit_code == 0, third.output
    assert state.since[-4:] == [stamp(5)] * 4  # asked from the kept mark again
    assert third.stderr.splitlines() == [
        "wrote 1 record to sqlite:d.db (table measurements)",
        "incremental: 1 new or changed record(s); 32 unchanged re-read skipped",
    ]
    assert dict(rows("d.db"))["m-10"] == "2024-01-02T00:10:00Z"  # ... and is now there
    assert marks("d.db") == [(PROJECT_ID, "2024-01-02T00:33:00Z")]


def test_a_first_run_whose_total_falls_stores_no_mark(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state, url = catalogue
    state.delete_from = 2
    db = tmp_path / "d.db"
    with toolkit(url) as tk, caplog.at_level("WARNING", logger="ionworks_toolkit"):
        result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
    assert (result.records, result.total) == (33, 33)
    assert [r.getMessage() for r in caplog.records] == [
        TOTAL_FELL,
        kept_mark("the server's total went from 34 to 33"),
    ]
    assert marks(db) == [(PROJECT_ID, None)]
    assert "m-10" not in dict(rows(db))
    with toolkit(url) as tk:
        again = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
    # Everything read again (no mark), the 32 records the first run stored skipped as
    # unchanged: m-10 is the one new record.
    assert (again.records, again.duplicates) == (1, 32)
    assert dict(rows(db))["m-10"] == stamp(10)
    assert len(rows(db)) == 34  # m-00 (deleted since) stays from the first run
    assert marks(db) == [(PROJECT_ID, stamp(1))]


def test_fewer_records_than_the_total_keeps_the_mark(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state, url = catalogue
    db = tmp_path / "d.db"
    with toolkit(url) as tk:
        tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
        state.edits = {"m-03": "2024-01-02T00:00:00Z"}
        state.extra_total = 3  # 5 records sent (m-00..m-04 after 07:40:30), total 8
        with caplog.at_level("WARNING", logger="ionworks_toolkit"):
            result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
    assert (result.records, result.duplicates, result.total) == (1, 4, 8)
    assert caplog.records[-1].getMessage() == kept_mark(
        "5 records came back of the server's total 8"
    )
    assert len(caplog.records) == 2  # the walk's own warning about the total first
    assert marks(db) == [(PROJECT_ID, stamp(0))]


def test_records_moved_during_the_walk_keep_the_mark(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A record inserted at the head once the first page has gone: the walk misses it and
    # sees the last record of each page again on the next one.
    state, url = catalogue
    state.insert_from = 2
    db = tmp_path / "d.db"
    with toolkit(url) as tk, caplog.at_level("WARNING", logger="ionworks_toolkit"):
        result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
    assert (result.records, result.duplicates, result.total) == (34, 1, 35)
    assert [r.getMessage() for r in caplog.records] == [
        kept_mark("34 records came back of the server's total 35")
    ]
    assert marks(db) == [(PROJECT_ID, None)]
    assert "m-new" not in dict(rows(db))


def test_records_moved_without_a_total_keep_the_mark(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The same insert from a server that reports no total: only the id seen on two pages (m-09,
    # offsets shifted by one) tells that the walk missed something.
    state, url = catalogue
    state.insert_from = 2
    state.omit_total = True
    db = tmp_path / "d.db"
    with toolkit(url) as tk, caplog.at_level("WARNING", logger="ionworks_toolkit"):
        result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
    assert (result.records, result.duplicates, result.total) == (34, 1, None)
    assert [r.getMessage() for r in caplog.records] == [
        # The walk's own warning (FINDINGS8 H11), then the mark kept for its reason.
        "1 record(s) came again on a later page and the server sends no total to count the "
        "walk against: records moved between pages during the walk (inserts, or an unstable "
        "order of ties in the sort key), so some may be missing from these 34 records; run it "
        "again to be sure",
        kept_mark(
            "1 record(s) came back on two pages (records moved to later offsets: "
            "inserted or re-ordered)"
        ),
    ]
    assert marks(db) == [(PROJECT_ID, None)]


def test_an_id_sent_twice_in_one_page_in_place_of_another_keeps_the_mark(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state, url = catalogue
    state.twice = "m-08"  # m-09 is never sent
    db = tmp_path / "d.db"
    with toolkit(url) as tk, caplog.at_level("WARNING", logger="ionworks_toolkit"):
        result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
    assert (result.records, result.duplicates, result.repeated_in_page) == (33, 1, 1)
    assert caplog.records[-1].getMessage() == kept_mark(
        "33 records came back of the server's total 34, and its pages held 1 copy of a record "
        "sent in the same page"
    )
    assert marks(db) == [(PROJECT_ID, None)]


def test_a_complete_walk_moves_the_mark_without_a_warning(
    catalogue: tuple[Catalogue, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _state, url = catalogue
    db = tmp_path / "d.db"
    with toolkit(url) as tk, caplog.at_level("WARNING", logger="ionworks_toolkit"):
        result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, page_size=10)
    assert (result.records, result.duplicates, result.total) == (34, 0, 34)
    assert (caplog.records, marks(db)) == ([], [(PROJECT_ID, stamp(0))])


@pytest.mark.parametrize(
    ("stats", "reason"),
    [
        (WalkStats(records=34, total=34), None),
        (WalkStats(records=34, total=None), None),
        (WalkStats(records=35, total=34), None),  # more than the total: nothing missing
        (WalkStats(records=33, total=34), "33 records came back of the server's total 34"),
        (WalkStats(records=34, duplicates=2, repeated_in_page=2, total=34), None),
        (
            WalkStats(records=34, duplicates=3, repeated_in_page=1, total=34),
            "2 record(s) came back on two pages (records moved to later offsets: inserted "
            "or re-ordered)",
        ),
        (
            WalkStats(records=33, total=33, incomplete="the walk's own reason"),
            "the walk's own reason",
        ),
    ],
)
def test_missing_records_is_the_one_rule(stats: WalkStats, reason: str | None) -> None:
    assert missing_records(stats) == reason


def test_the_combined_mark_is_the_lowest_and_none_when_one_database_has_none(
    tmp_path: Path,
) -> None:
    from ionworks_toolkit.incremental import combined_mark

    one, two = SyncState(tmp_path / "1.db", "measurements"), SyncState(tmp_path / "2.db", "m")
    assert combined_mark([one, two], "p", "k") == SyncMark(None, {})
    for state in (one, two):  # each mark's data table holds a row (FINDINGS9 J26)
        with sqlite3.connect(state.path) as conn:
            conn.execute(f"create table {state.table} (id text primary key)")
            conn.execute(f"insert into {state.table} values ('a')")
        conn.close()
    with sqlite3.connect(one.path) as conn:  # a walk that lacked records: a row, no mark
        one.write(conn, {"p": SyncMark()}, "k")
    assert one.load("p", "k") == SyncMark(None, {})
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with sqlite3.connect(two.path) as conn:
        two.write(conn, {"p": SyncMark(when, {"a": "2024-01-01T00:00:00Z"})}, "k")
    assert combined_mark([one, two], "p", "k") == SyncMark(None, {})
    assert combined_mark([two], "p", "k") == SyncMark(when, {"a": "2024-01-01T00:00:00Z"})
    later = SyncMark(when + dt.timedelta(hours=1), {"a": "2024-01-01T00:00:00Z", "b": "x"})
    with sqlite3.connect(one.path) as conn:
        one.write(conn, {"p": later}, "k")
    assert combined_mark([one, two], "p", "k") == SyncMark(when, {"a": "2024-01-01T00:00:00Z"})
