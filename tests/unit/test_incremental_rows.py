"""FINDINGS7 G28 and G29, and the incremental sync's date-times and filter key: what an
incremental run does with a record its database already holds.

* G28: an older copy of a record (a lagging read replica, inside the 5-minute overlap) was
  upserted over the newer row, and the mark then kept the newer version from being read
  again. Now it is ignored, counted (``ExportResult.older_copies``, the CLI's "1 older copy
  ignored") and named in a warning; the sqlite upsert of an incremental run never moves a
  row's ``updated_at`` back (``SqliteSink.keep_newer``), also when several databases hold
  different rows and when another run created the database meanwhile.
* G29: a re-read record whose content changed but whose ``updated_at`` did not was dropped
  and called "unchanged". Now records are compared with the stored ``record_json``.
* One date-time reader: ``incremental.parse_instant`` is the sinks' (the generated
  ``parse_datetime``): ``z`` is UTC, finer than a microsecond and out of range are no
  instants (kept as sent), never a crash.
* ``order_by``/``order`` are not part of the filter key: another order keeps the mark.

The server is the loopback catalogue of ``test_incremental_marks`` (34 measurements, ``m-00``
the newest at 07:45:30Z, one a minute before it), plus per-record field overrides.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ionworks_toolkit import AsyncToolkit
from ionworks_toolkit.incremental import UNCHANGED, SyncState, filter_key, parse_instant
from ionworks_toolkit.sinks import SinkStateError, SqliteSink
from ionworks_toolkit.sinks._columns import measurements_schema
from loopback import LoopbackServer
from test_incremental_marks import PROJECT_ID, Catalogue, marks, run_cli, stamp, toolkit

UTC = dt.UTC


class Replica(Catalogue):
    """:class:`Catalogue` whose records get ``overrides[id]`` (fields replaced or added): a
    record edited, or an older copy of it as a lagging read replica sends it."""

    def __init__(self) -> None:
        super().__init__()
        self.overrides: dict[str, dict[str, Any]] = {}

    def records(self) -> list[dict[str, Any]]:
        return [{**r, **self.overrides.get(r["id"], {})} for r in super().records()]


@pytest.fixture
def replica() -> Iterator[tuple[Replica, str]]:
    state = Replica()
    with LoopbackServer(state.handle) as server:
        yield state, server.url


def row(db: Path | str, record_id: str) -> tuple[Any, ...]:
    """``(notes, updated_at, extra_json)`` of one stored row; notes from record_json."""
    with sqlite3.connect(db) as conn:
        found = conn.execute(
            "select record_json, updated_at, extra_json from measurements where id = ?",
            (record_id,),
        ).fetchone()
    return json.loads(found[0]).get("notes"), found[1], found[2]


def older_warning(named: str, count: int = 1) -> str:
    return (
        f"incremental: the server sent {count} record(s) of project {PROJECT_ID} older than "
        f"the rows the database holds: {named}; ignored, the newer rows are kept (a lagging "
        "read replica sends such older copies)"
    )


# ----------------------------------------------------------------------------- G28


def test_an_older_copy_from_a_lagging_replica_never_replaces_the_newer_row(
    replica: tuple[Replica, str], runner: CliRunner
) -> None:
    # The finding: run 1 stores m-02 "NEW version" (07:43:30); run 2 gets the copy a replica
    # still holds (07:41:30, inside the overlap from 07:40:30) and wrote it over the new row.
    state, url = replica
    state.overrides = {"m-02": {"notes": "NEW version"}}
    first = run_cli(url, "--incremental", "--sink", "st.db")
    assert first.exit_code == 0, first.output
    state.overrides = {"m-02": {"notes": "OLD stale version", "updated_at": stamp(4)}}
    second = run_cli(url, "--incremental", "--sink", "st.db")
    assert second.exit_code == 0, second.output
    assert state.since == [None, stamp(5)]
    assert second.stderr.splitlines() == [
        f"warning: {older_warning(repr('m-02') + ' (updated_at 2024-01-01T07:41:30Z)')}",
        "wrote 0 records to sqlite:st.db (table measurements)",
        "incremental: 0 new or changed record(s); 4 unchanged re-read skipped; "
        "1 older copy ignored",
    ]
    assert row("st.db", "m-02") == ("NEW version", stamp(2), None)
    assert marks("st.db") == [(PROJECT_ID, stamp(0))]
    state.overrides = {"m-02": {"notes": "NEW version"}}  # the replica caught up
    third = run_cli(url, "--incremental", "--sink", "st.db")
    assert third.stderr.splitlines()[-1] == (
        "incremental: 0 new or changed record(s); 5 unchanged re-read skipped"
    )
    state.overrides = {"m-02": {"notes": "newest", "updated_at": stamp(-1)}}  # edited again
    fourth = run_cli(url, "--incremental", "--sink", "st.db")
    assert fourth.stderr.splitlines()[-1] == (
        "incremental: 1 new or changed record(s); 4 unchanged re-read skipped"
    )
    assert row("st.db", "m-02") == ("newest", stamp(-1), None)
    assert marks("st.db") == [(PROJECT_ID, stamp(-1))]


def test_the_summary_names_the_walks_own_duplicates_apart(
    replica: tuple[Replica, str], runner: CliRunner
) -> None:
    # A record inserted at the head once the first page has gone: the last record of each
    # page comes again on the next one. Such copies are no "unchanged re-read".
    state, url = replica
    state.insert_from = 2
    result = run_cli(url, "--incremental", "--page-size", "10", "--sink", "d.db")
    # The inserted record stands before the pages read: 34 of the total 35 came, the mark is
    # kept, and the run ends 7 (FINDINGS12 M2), its outputs published.
    assert result.exit_code == 7, result.output
    assert result.stderr.splitlines()[-2:] == [
        "incremental: 34 new or changed record(s); 0 unchanged re-read skipped; "
        "1 duplicate record(s) skipped",
        "may be incomplete: 34 records came back of the server's total 35, so records may be "
        "missing; run it again to be sure",
    ]


def test_older_copies_are_counted_on_the_result_and_named_up_to_three(
    replica: tuple[Replica, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state, url = replica
    state.honour_since = False  # every record comes again: older copies outside the overlap too
    db = tmp_path / "o.db"
    with toolkit(url) as tk:
        assert tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True).records == 34
        back = "2023-06-01T00:00:00.5+00:00"
        state.overrides = {f"m-{i:02d}": {"updated_at": back, "notes": "old"} for i in (1, 9, 20)}
        state.overrides["m-30"] = {"updated_at": "2024-01-01T07:15:29.999999Z"}  # 1 µs earlier
        state.overrides["m-31"] = {"notes": "changed, same updated_at"}
        with caplog.at_level("WARNING", logger="ionworks_toolkit"):
            result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
    assert (result.records, result.unchanged, result.older_copies) == (1, 29, 4)
    assert (result.duplicates, result.total, result.total_mismatch) == (33, 34, False)
    named = ", ".join(f"'m-{i:02d}' (updated_at 2023-06-01T00:00:00.500000Z)" for i in (1, 9, 20))
    assert [r.getMessage() for r in caplog.records][1:] == [
        older_warning(f"{named} and 1 more", count=4)
    ]
    assert [row(db, f"m-{i:02d}") for i in (1, 20, 30, 31)] == [
        (None, stamp(1), None),
        (None, stamp(20), None),
        (None, stamp(30), None),
        ("changed, same updated_at", stamp(31), None),
    ]


async def test_the_async_export_ignores_older_copies_too(
    replica: tuple[Replica, str], tmp_path: Path
) -> None:
    state, url = replica
    db = tmp_path / "a.db"
    async with AsyncToolkit(api_url=url, api_key="k", max_retries=0) as tk:
        assert (await tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)).records == 34
        state.overrides = {"m-00": {"updated_at": stamp(3), "notes": "stale"}}
        result = await tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
    assert (result.records, result.unchanged, result.older_copies) == (0, 4, 1)
    assert row(db, "m-00") == (None, stamp(0), None)


def test_each_database_keeps_its_newer_row_when_another_lacks_the_record(
    replica: tuple[Replica, str], tmp_path: Path
) -> None:
    """Two databases: ``a`` holds m-02 newer than the server sends it, ``b`` lacks m-02. The
    record is written to both (``b`` needs it); ``a``'s upsert keeps its newer row."""
    _, url = replica
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    with toolkit(url) as tk:
        tk.export(PROJECT_ID, [f"sqlite:{a}", f"sqlite:{b}"], incremental=True)
        newer = SqliteSink(a)
        newer.bind_schema(measurements_schema())
        newer.write([{"id": "m-02", "name": "m 2", "notes": "newer", "updated_at": stamp(-2)}])
        newer.commit()
        with sqlite3.connect(b) as conn:
            conn.execute("delete from measurements where id = 'm-02'")
        result = tk.export(PROJECT_ID, [f"sqlite:{a}", f"sqlite:{b}"], incremental=True)
    assert (result.records, result.unchanged, result.older_copies) == (1, 4, 0)
    assert row(a, "m-02") == ("newer", stamp(-2), None)
    assert row(b, "m-02") == (None, stamp(2), None)


def record(key: str, updated_at: Any, notes: str) -> dict[str, Any]:
    return {
        "id": key,
        "name": key,
        "cell_instance_id": "c",
        "notes": notes,
        "updated_at": updated_at,
    }


def stored(db: Path) -> dict[str, tuple[str, Any]]:
    with sqlite3.connect(db) as conn:
        found = conn.execute("select id, notes, updated_at from measurements order by id")
        return {key: (notes, updated_at) for key, notes, updated_at in found}


def test_keep_newer_compares_instants_not_text(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    sink = SqliteSink(db)
    sink.bind_schema(measurements_schema())
    sink.keep_newer()
    sink.write(
        [
            record("a", "2024-01-01T07:45:30Z", "a1"),
            record("b", None, "b1"),
            record("c", "kept as sent", "c1"),
            record("d", "2024-01-01T07:45:30Z", "d1"),
            record("e", "2024-01-01T07:45:30.250000Z", "e1"),
            record("f", "2024-01-01T07:45:30Z", "f1"),
            record("g", "2024-01-01T07:45:30Z", "g1"),
        ]
    )
    sink.write(
        [
            record("a", "2024-01-01T08:43:00+01:00", "a2"),  # 07:43Z: older, kept a1
            record("b", "2024-01-01T00:00:00Z", "b2"),  # none stored: no order, replaced
            record("c", "also kept as sent", "c2"),  # no order: replaced
            record("d", "2024-01-01T07:45:30.000000+00:00", "d2"),  # the same instant: replaced
            # Text would call "...30Z" the later ('Z' > '.'): it is 0.25 s earlier, kept e1
            record("e", "2024-01-01T07:45:30Z", "e2"),
            record("f", "2024-01-01T07:45:30.250000Z", "f2"),  # later: replaced
            record("g", None, "g2"),  # no updated_at sent: no order, replaced
        ]
    )
    sink.commit()
    assert stored(db) == {
        "a": ("a1", "2024-01-01T07:45:30Z"),
        "b": ("b2", "2024-01-01T00:00:00Z"),
        "c": ("c2", None),
        "d": ("d2", "2024-01-01T07:45:30Z"),
        "e": ("e1", "2024-01-01T07:45:30.250000Z"),
        "f": ("f2", "2024-01-01T07:45:30.250000Z"),
        "g": ("g2", None),
    }


def test_without_keep_newer_the_last_write_wins(tmp_path: Path) -> None:
    # A plain export (not incremental) keeps its rule: the last record of an id wins.
    db = tmp_path / "p.db"
    sink = SqliteSink(db)
    sink.bind_schema(measurements_schema())
    sink.write([record("a", "2024-01-01T07:45:30Z", "a1")])
    sink.write([record("a", "2024-01-01T07:43:00Z", "a2"), record("b", None, "b1")])
    sink.keep_newer()  # from now on, also after writes (the upserts made so far are dropped)
    sink.write([record("a", "2024-01-01T07:40:00Z", "a3"), record("b", None, "b2")])
    sink.commit()
    assert stored(db) == {"a": ("a2", "2024-01-01T07:43:00Z"), "b": ("b2", None)}


def test_keep_newer_holds_in_the_merge_into_a_database_created_meanwhile(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    late = SqliteSink(db)  # no database yet: builds its own beside the target
    late.bind_schema(measurements_schema())
    late.keep_newer()
    late.write([record("a", "2024-01-01T07:43:00Z", "old copy"), record("b", None, "b")])
    other = SqliteSink(db)
    other.bind_schema(measurements_schema())
    other.write([record("a", "2024-01-01T07:45:30Z", "new")])
    other.commit()  # another run created the database meanwhile
    late.commit()  # merged into it, under the same rule
    assert stored(db) == {"a": ("new", "2024-01-01T07:45:30Z"), "b": ("b", None)}


def test_keep_newer_needs_a_date_time_column_and_an_open_sink(tmp_path: Path) -> None:
    sink = SqliteSink(tmp_path / "x.db")
    sink.bind_schema(measurements_schema())
    with pytest.raises(ValueError) as caught:
        sink.keep_newer("name")
    assert str(caught.value) == (
        f"sqlite:{tmp_path / 'x.db'}: keep_newer needs a date-time column of "
        "CellMeasurementWithDetails, not 'name'"
    )
    sink.abort()
    with pytest.raises(SinkStateError, match="cannot keep newer rows: sink already aborted"):
        sink.keep_newer()


# ----------------------------------------------------------------------------- G29


def test_a_changed_record_with_the_same_updated_at_is_written(
    replica: tuple[Replica, str], runner: CliRunner
) -> None:
    # Fields kept by background jobs (processing_status, ...) change without updated_at.
    state, url = replica
    state.overrides = {"m-03": {"notes": "processing"}}
    assert run_cli(url, "--incremental", "--sink", "c.db").exit_code == 0
    state.overrides = {"m-03": {"notes": "processed"}}
    second = run_cli(url, "--incremental", "--sink", "c.db")
    assert second.exit_code == 0, second.output
    assert second.stderr.splitlines() == [
        "wrote 1 record to sqlite:c.db (table measurements)",
        "incremental: 1 new or changed record(s); 4 unchanged re-read skipped",
    ]
    assert row("c.db", "m-03") == ("processed", stamp(3), None)
    state.honour_since = False  # outside the overlap too (a server ignoring updated_at_gt)
    state.overrides["m-25"] = {"notes": "re-processed"}
    third = run_cli(url, "--incremental", "--sink", "c.db")
    assert third.stderr.splitlines()[-1] == (
        "incremental: 1 new or changed record(s); 33 unchanged re-read skipped"
    )
    assert row("c.db", "m-25") == ("re-processed", stamp(25), None)


def test_the_same_content_sent_in_another_form_is_unchanged(
    replica: tuple[Replica, str], tmp_path: Path
) -> None:
    state, url = replica
    db = tmp_path / "f.db"
    with toolkit(url) as tk:
        tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
        # The same instants with an offset instead of Z, and the fields in reverse order.
        state.overrides = {
            f"m-{i:02d}": {"created_at": stamp(i).replace("Z", "+00:00")} for i in range(5)
        }
        original = state.records

        def reordered() -> list[dict[str, Any]]:
            return [dict(reversed(list(r.items()))) for r in original()]

        state.records = reordered  # type: ignore[method-assign]
        result = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
    assert (result.records, result.unchanged, result.older_copies) == (0, 5, 0)


# ------------------------------------------------------- date-times: one reader, tolerant


def test_parse_instant_is_the_sinks_reader() -> None:
    from ionworks_toolkit.sinks import _columns

    assert parse_instant is _columns.parse_instant
    expected = {
        "2024-01-01T07:45:30z": dt.datetime(2024, 1, 1, 7, 45, 30, tzinfo=UTC),
        "2024-01-01T07:45:30Z": dt.datetime(2024, 1, 1, 7, 45, 30, tzinfo=UTC),
        "2024-01-01T08:45:30+01:00": dt.datetime(2024, 1, 1, 7, 45, 30, tzinfo=UTC),
        "2024-01-01T07:45:30": dt.datetime(2024, 1, 1, 7, 45, 30, tzinfo=UTC),  # no offset: UTC
        "2024-01-01": dt.datetime(2024, 1, 1, tzinfo=UTC),
        "2024-01-01T07:45:30.1234560Z": dt.datetime(2024, 1, 1, 7, 45, 30, 123456, tzinfo=UTC),
        "2024-01-01T07:45:30.1234567Z": None,  # finer than a microsecond: kept as sent
        "0001-01-01T00:00:00+01:00": None,  # before year 1 in UTC: was an OverflowError
        "2024-01-01T07:45:30zz": None,
        "not a date": None,
        "": None,
    }
    assert {text: parse_instant(text) for text in expected} == expected
    assert [parse_instant(value) for value in (None, 5, 1.5, ["2024-01-01"])] == [None] * 4


def test_updated_at_values_that_are_no_instants_are_kept_and_compared_by_content(
    replica: tuple[Replica, str], tmp_path: Path
) -> None:
    state, url = replica
    state.honour_since = False  # the server cannot compare a null updated_at
    state.overrides = {
        "m-00": {"updated_at": "2024-01-01T07:45:30z"},  # lower-case z: UTC, the mark
        "m-01": {"updated_at": None},
        "m-02": {"updated_at": "not a date"},
        "m-03": {"updated_at": "0001-01-01T00:00:00+01:00"},  # crashed the run before
        "m-04": {"updated_at": "2024-01-01T07:41:30.1234567Z"},
    }
    db = tmp_path / "t.db"
    with toolkit(url) as tk:
        first = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
        assert (first.records, first.unchanged) == (34, 0)
        assert marks(db) == [(PROJECT_ID, "2024-01-01T07:45:30Z")]
        assert [row(db, f"m-{i:02d}")[1:] for i in range(5)] == [
            ("2024-01-01T07:45:30Z", None),
            (None, None),
            (None, '{"updated_at":"not a date"}'),
            (None, '{"updated_at":"0001-01-01T00:00:00+01:00"}'),
            (None, '{"updated_at":"2024-01-01T07:41:30.1234567Z"}'),
        ]
        second = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
        assert (second.records, second.unchanged, second.older_copies) == (0, 34, 0)
        for key in ("m-01", "m-02", "m-03"):
            state.overrides[key]["notes"] = "edited"
        state.overrides["m-04"] = {"updated_at": "0001-01-01T00:00:00+01:00"}
        third = tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True)
    assert (third.records, third.unchanged, third.older_copies) == (4, 30, 0)
    assert [row(db, f"m-{i:02d}")[0] for i in range(1, 4)] == ["edited"] * 3
    assert row(db, "m-04")[2] == '{"updated_at":"0001-01-01T00:00:00+01:00"}'
    assert marks(db) == [(PROJECT_ID, "2024-01-01T07:45:30Z")]


# ------------------------------------------------------------------ the filter key


def test_the_order_is_not_part_of_the_filter_key() -> None:
    assert filter_key((), {"order_by": "start_time", "order": "asc"}) == filter_key((), {})
    assert filter_key(["p"], {"name": "x", "order": "desc"}) == filter_key(["p"], {"name": "x"})
    assert filter_key((), {"name": "x"}) != filter_key((), {})
    assert filter_key((), {"order_by": "created_at"}) == '{"filters":{},"presets":[]}'


def test_a_run_in_another_order_keeps_the_mark(
    replica: tuple[Replica, str], tmp_path: Path
) -> None:
    state, url = replica
    db = tmp_path / "o.db"
    with toolkit(url) as tk:
        tk.export(PROJECT_ID, [f"sqlite:{db}"], incremental=True, order_by="created_at")
        again = tk.export(
            PROJECT_ID, [f"sqlite:{db}"], incremental=True, order_by="updated_at", order="asc"
        )
    assert state.since == [None, stamp(5)]
    assert [(q["order_by"], q.get("order")) for q in state.queries] == [
        ("created_at", "desc"),  # the default order
        ("updated_at", "asc"),
    ]
    assert (again.records, again.unchanged) == (0, 5)
    assert marks(db) == [(PROJECT_ID, stamp(0))]


# ------------------------------------------------- typed and raw records, real data


@pytest.mark.sandbox
def test_rows_a_plain_export_wrote_are_unchanged_for_typed_and_raw_records(
    ionworks_sandbox: Any, tmp_path: Path
) -> None:
    """The sandbox's Severson project (nested specifications, floats, free-form protocols):
    the rows a plain export wrote hold the same content as the records the typed models give
    (``to_dict()``) and as the raw records an incremental run reads."""
    project = "Severson 2019 fast-charging cycle life"
    db = tmp_path / "p.db"
    with ionworks_sandbox.toolkit() as tk:
        assert tk.export(project, [f"sqlite:{db}"]).records == 128
        typed = [model.to_dict() for model in tk.iter_measurements_by_project(project)]
        sink = SqliteSink(db)
        sink.bind_schema(measurements_schema())
        assert SyncState(db, "measurements", sink).compare(typed) == dict.fromkeys(
            (record["id"] for record in typed), UNCHANGED
        )
        sink.abort()
        first = tk.export(project, [f"sqlite:{db}"], incremental=True)
    assert (first.records, first.unchanged, first.older_copies, first.total) == (0, 128, 0, 128)
