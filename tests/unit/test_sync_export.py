"""Several projects per export and incremental sync (issue 15), against the sandbox on
loopback: ``Toolkit.export([...])``, ``export(..., incremental=True)``, ``measurements list
--all-projects / --incremental``."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import APIError, ConfigurationError, SinkError
from ionworks_toolkit.incremental import STATE_TABLE, SyncMark, SyncState, filter_key
from ionworks_toolkit.sinks import SqliteSink

SEVERSON = "Severson 2019 fast-charging cycle life"
REAL_PROJECTS = {
    SEVERSON: 128,
    "Attia 2020 closed-loop fast-charging optimisation": 233,
    "TRI BEEP protocol test plans (Talos, Drive)": 71,
    "NASA PCoE Li-ion battery aging": 34,
}

pytestmark = pytest.mark.sandbox


def _count(db: Path, sql: str = "select count(*) from measurements") -> tuple:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()


def _state(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select project_id, mark, recent_json from {STATE_TABLE}").fetchall()


@pytest.mark.ionworks_sandbox()  # its own sandbox: the test edits a measurement
def test_incremental_128_then_0_then_exactly_the_changed_one(ionworks_sandbox, tmp_path) -> None:
    db = tmp_path / "inc.db"
    with ionworks_sandbox.toolkit() as tk:
        first = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        second = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        assert (first.records, first.duplicates) == (128, 0)
        # The 5-minute overlap re-reads the 5 measurements updated in the last 5 minutes
        # before the mark (one a minute in the sandbox) and skips them: unchanged.
        assert (second.records, second.duplicates, second.total) == (0, 5, 5)
        assert _count(db) == (128,)
        [(project_id, mark, _)] = _state(db)
        assert project_id == ionworks_sandbox.project_id(SEVERSON)
        assert mark == "2024-01-01T02:07:30Z"  # the latest updated_at of the project
        served = _count(db, "select max(updated_at) from measurements")[0]
        assert dt.datetime.fromisoformat(served) == dt.datetime.fromisoformat(mark)

        changed = _count(db, "select id from measurements order by id limit 1")[0]
        when = dt.datetime(2025, 5, 6, 7, 8, 9, 250000, tzinfo=dt.UTC)  # after the project's
        # newest, before this run's clock (a later one is never taken as the mark: see below)
        ionworks_sandbox.app.state.catalogue.touch_measurement(
            changed, int(when.timestamp() * 1_000_000)
        )
        third = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        assert third.records == 1
        assert _count(db) == (128,)
        [stored] = _count(db, f"select updated_at from measurements where id = '{changed}'")
        assert dt.datetime.fromisoformat(stored) == when
        [(_, mark, recent)] = _state(db)
        assert mark == "2025-05-06T07:08:09.250000Z"
        assert recent == f'{{"{changed}": "2025-05-06T07:08:09.250000Z"}}'
        assert tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True).records == 0


@pytest.mark.ionworks_sandbox(fail_500_on_request=3)
def test_a_failed_incremental_run_publishes_neither_data_nor_mark(
    ionworks_sandbox, tmp_path
) -> None:
    db = tmp_path / "inc.db"
    with ionworks_sandbox.toolkit(max_retries=0) as tk:
        # Request 1: GET /projects; 2: page 1; 3: page 2 fails with a 500.
        with pytest.raises(APIError):
            tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True, page_size=50)
        assert not db.exists()
        assert tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True).records == 128
        [(_, mark_before, _)] = _state(db)
    with ionworks_sandbox.toolkit(max_retries=0) as tk:
        [newest] = tk.iter_measurements_by_project(SEVERSON, max_records=1)  # first page
        ionworks_sandbox.app.state.catalogue.touch_measurement(newest.id)
        real_send = tk._send
        calls = []

        def send_then_fail(kwargs):
            calls.append(kwargs)
            if len(calls) == 3:  # 1: GET /projects; 2: the changed record's page; 3: fails
                raise ConnectionError("network gone")
            return real_send(kwargs)

        tk._send = send_then_fail  # type: ignore[method-assign]
        with pytest.raises(ConnectionError):
            tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True, page_size=1)
    assert _state(db)[0][1] == mark_before
    [latest] = _count(db, "select max(updated_at) from measurements")
    assert dt.datetime.fromisoformat(latest) == dt.datetime.fromisoformat(mark_before)


@pytest.mark.ionworks_sandbox()  # its own sandbox: the test edits a measurement
def test_a_failure_between_the_data_and_the_mark_only_re_fetches(
    ionworks_sandbox, tmp_path, monkeypatch
) -> None:
    """Last round: the mark was saved in a transaction of its own after the data's commit. Now
    it is written in the data's transaction: a failure injected after the rows are written and
    before the mark publishes neither, and the next run re-reads the changed record."""
    db = tmp_path / "inc.db"
    with ionworks_sandbox.toolkit(max_retries=0) as tk:
        assert tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True).records == 128
        [(_, mark_before, _)] = _state(db)
        changed = _count(db, "select id from measurements order by id limit 1")[0]
        when = dt.datetime(2025, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
        ionworks_sandbox.app.state.catalogue.touch_measurement(
            changed, int(when.timestamp() * 1_000_000)
        )
        written_rows: list[int] = []

        def rows_then_fail(self, conn, marks, key):  # the injected failure
            written_rows.append(
                conn.execute(
                    "select count(*) from measurements where updated_at like '2025%'"
                ).fetchone()[0]
            )
            raise OSError("disk gone between the data and the mark")

        with monkeypatch.context() as patch:
            patch.setattr(SyncState, "write", rows_then_fail)
            with pytest.raises(SinkError) as caught:
                tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        assert written_rows == [1]  # the changed row was in the transaction when it failed
        assert "disk gone between the data and the mark" in str(caught.value)
        assert _state(db)[0][1] == mark_before  # neither the mark ...
        [stored] = _count(db, f"select updated_at from measurements where id = '{changed}'")
        assert stored.startswith("2024-")  # ... nor the data was published
        again = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        assert (again.records, again.duplicates) == (1, 5)  # re-fetched, not skipped
    assert _state(db)[0][1] == "2025-05-06T07:08:09Z"
    [stored] = _count(db, f"select updated_at from measurements where id = '{changed}'")
    assert dt.datetime.fromisoformat(stored) == when


def test_each_database_gets_its_rows_and_mark_together(ionworks_sandbox, tmp_path) -> None:
    """Two sqlite: sinks; the second's commit fails after the first published. The first holds
    rows and mark, the second neither, and the next run starts from the lowest mark (none):
    the second database gets everything, nothing skipped."""
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    with ionworks_sandbox.toolkit() as tk:
        a, b = tk.open_sinks([f"sqlite:{first}", f"sqlite:{second}"])

        def fail_commit() -> None:
            raise OSError("b.db went away")

        b[1]._commit = fail_commit  # type: ignore[method-assign]
        with pytest.raises(SinkError, match=r"b.db went away"):
            tk.export(SEVERSON, [a[1], b[1]], incremental=True)
        assert (_count(first), len(_state(first))) == ((128,), 1)
        assert not second.exists()
        both = tk.export(SEVERSON, [f"sqlite:{first}", f"sqlite:{second}"], incremental=True)
        assert (both.records, both.duplicates) == (128, 0)
    assert _count(first) == _count(second) == (128,)
    assert _state(first)[0][1] == _state(second)[0][1] == "2024-01-01T02:07:30Z"


def test_sinks_that_cannot_hold_state_are_refused_before_any_request(
    ionworks_sandbox, tmp_path
) -> None:
    before = ionworks_sandbox.request_count
    with ionworks_sandbox.toolkit() as tk:
        with pytest.raises(ConfigurationError) as caught:
            tk.export(SEVERSON, [f"csv:{tmp_path / 'x.csv'}"], incremental=True)
        assert str(caught.value) == (
            f"incremental sync needs a destination that remembers what it holds; sink "
            f"'csv:{tmp_path / 'x.csv'}' cannot. Use a sqlite: sink (e.g. "
            "sqlite:measurements.db), or drop incremental=True"
        )
        with pytest.raises(ConfigurationError, match="max_records cannot be combined"):
            tk.export(SEVERSON, [f"sqlite:{tmp_path / 'a.db'}"], incremental=True, max_records=5)
        with pytest.raises(ConfigurationError, match="drop the updated_at_gt filter"):
            tk.export(
                SEVERSON,
                [f"sqlite:{tmp_path / 'a.db'}"],
                incremental=True,
                updated_at_gt="2024-01-01T00:00:00Z",
            )
    assert ionworks_sandbox.request_count == before
    assert not (tmp_path / "x.csv").exists()
    assert not (tmp_path / "a.db").exists()


def test_each_filter_set_keeps_its_own_mark(ionworks_sandbox, tmp_path) -> None:
    db = tmp_path / "inc.db"
    with ionworks_sandbox.toolkit() as tk:
        narrow = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True, name="ilike.2018-04%")
        assert narrow.records == 40
        full = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        # Its own mark (none yet): every record read; the 40 held with the same content skipped
        assert (full.records, full.unchanged, full.older_copies) == (88, 40, 0)
        again = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True, name="ilike.2018-04%")
        assert again.records == 0
    assert _count(db) == (128,)
    keys = [row[0] for row in sqlite3.connect(db).execute(f"select filter_key from {STATE_TABLE}")]
    assert sorted(keys) == sorted([filter_key((), {}), filter_key((), {"name": "ilike.2018-04%"})])


def test_a_mark_keeps_the_latest_instant_and_the_ids_within_the_overlap() -> None:
    mark = SyncMark().advanced(
        [
            {"id": "a", "updated_at": "2024-01-01T00:00:00Z"},
            {"id": "b", "updated_at": "2024-01-01T00:04:00+00:00"},
            {"id": "c", "updated_at": "2024-01-01T00:10:00Z"},
            {"id": "d", "updated_at": None},
        ],
        dt.timedelta(minutes=5),
    )
    assert mark.mark == dt.datetime(2024, 1, 1, 0, 10, tzinfo=dt.UTC)
    assert mark.recent == {"c": "2024-01-01T00:10:00Z"}
    assert mark.since(dt.timedelta(minutes=5)) == "2024-01-01T00:05:00Z"


def test_a_mark_never_goes_past_the_latest_instant_allowed() -> None:
    records = [
        {"id": "a", "updated_at": "2024-01-01T00:10:00Z"},
        {"id": "future", "updated_at": "2999-01-01T00:00:00Z"},
    ]
    latest = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    mark = SyncMark().advanced(records, dt.timedelta(minutes=5), latest=latest)
    assert (mark.mark, mark.recent) == (
        dt.datetime(2024, 1, 1, 0, 10, tzinfo=dt.UTC),
        {"a": "2024-01-01T00:10:00Z"},
    )
    assert SyncMark().advanced(records[1:], dt.timedelta(minutes=5), latest=latest) == SyncMark()
    beyond: list[str] = []
    SyncMark().advanced(
        records, dt.timedelta(0), latest=latest, beyond=lambda r: beyond.append(r["id"])
    )
    assert beyond == ["future"]
    at_latest = [{"id": "b", "updated_at": "2026-11-30T00:00:00Z"}]
    assert SyncMark().advanced(at_latest, dt.timedelta(0), latest=latest).mark == latest


@pytest.mark.ionworks_sandbox()  # its own sandbox: the test edits a measurement
def test_a_record_stamped_in_the_future_never_becomes_the_mark(
    ionworks_sandbox, tmp_path, caplog
) -> None:
    """FINDINGS6 F19: one record with updated_at 2999 made every later run ask only for
    changes after 2998-12-31, silently."""
    db = tmp_path / "inc.db"
    with ionworks_sandbox.toolkit() as tk:
        tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        future = _count(db, "select id from measurements order by id limit 1")[0]
        when = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
        ionworks_sandbox.app.state.catalogue.touch_measurement(
            future, int(when.timestamp() * 1_000_000)
        )
        project_id = ionworks_sandbox.project_id(SEVERSON)
        for written in (1, 0):  # re-read by every run: never taken as the mark
            caplog.clear()
            with caplog.at_level("WARNING", logger="ionworks_toolkit.http"):
                run = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
            # Written once; the next run finds it held unchanged (FINDINGS7 G8) and skips it.
            assert (run.records, run.duplicates) == (written, 6 - written)
            assert [r.getMessage() for r in caplog.records] == [
                f"incremental: record '{future}' of project {project_id} has updated_at "
                "2999-01-01T00:00:00Z, later than this run's clock: stored, but not used as "
                "the mark (it would hide every later change); the next runs read it again"
            ]
            [(_, mark, _)] = _state(db)
            assert mark == "2024-01-01T02:07:30Z"
    assert _count(db, f"select updated_at from measurements where id = '{future}'") == (
        "2999-01-01T00:00:00Z",
    )


@pytest.mark.ionworks_sandbox()
def test_a_stored_mark_in_the_future_is_not_used(ionworks_sandbox, tmp_path, caplog) -> None:
    db = tmp_path / "inc.db"
    with ionworks_sandbox.toolkit() as tk:
        tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
        with sqlite3.connect(db) as conn:  # a mark left by an earlier version of the toolkit
            conn.execute(f"update {STATE_TABLE} set mark = '2999-01-01T00:00:00Z'")
        project_id = ionworks_sandbox.project_id(SEVERSON)
        with caplog.at_level("WARNING", logger="ionworks_toolkit.http"):
            run = tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
    assert [r.getMessage() for r in caplog.records] == [
        f"incremental: the mark stored for project {project_id} (2999-01-01T00:00:00Z) is "
        "later than this run's clock; not used: every record is read again"
    ]
    # Every record read again; the database holds each with the same content: none rewritten
    assert (run.records, run.unchanged, run.total) == (0, 128, 128)
    assert _state(db)[0][1] == "2024-01-01T02:07:30Z"


def test_export_of_several_projects_tags_every_row(ionworks_sandbox, tmp_path) -> None:
    db = tmp_path / "all.db"
    names = [*REAL_PROJECTS, "Sandbox empty project"]
    with ionworks_sandbox.toolkit() as tk:
        result = tk.export(names, [f"sqlite:{db}"], concurrency=2)
    assert (result.records, result.total) == (466, 466)
    rows = sqlite3.connect(db).execute(
        "select project_id, count(*) from measurements group by project_id"
    )
    assert dict(rows.fetchall()) == {
        ionworks_sandbox.project_id(name): count for name, count in REAL_PROJECTS.items()
    }


async def test_async_export_of_several_projects(ionworks_sandbox, tmp_path) -> None:
    db = tmp_path / "all.db"
    async with ionworks_sandbox.async_toolkit() as tk:
        result = await tk.export([SEVERSON, "NASA PCoE Li-ion battery aging"], [f"sqlite:{db}"])
        again = await tk.export(SEVERSON, [f"sqlite:{db}"], incremental=True)
    assert result.records == 162
    assert _count(db, "select count(distinct project_id) from measurements") == (2,)
    assert again.records == 128  # no mark yet for this filter set and project


def test_several_projects_fail_as_one_run(ionworks_sandbox, tmp_path) -> None:
    db = tmp_path / "all.db"
    with ionworks_sandbox.toolkit() as tk:
        with pytest.raises(ConfigurationError, match="empty list of projects"):
            tk.export([], [f"sqlite:{db}"])
        with pytest.raises(Exception, match="no-such-project"):
            tk.export([SEVERSON, "no-such-project"], [f"sqlite:{db}"])
    assert not db.exists()


def test_cli_all_projects_into_sqlite(ionworks_sandbox, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    base = ["--api-url", ionworks_sandbox.base_url, "--api-key", "sandbox"]
    runner = CliRunner()
    result = runner.invoke(
        main,
        [*base, "measurements", "list", "--all-projects", "--all", "--sink", "sqlite:all.db"],
        env={},
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["wrote 466 records to sqlite:all.db (table measurements)"]
    assert _count(
        tmp_path / "all.db", "select count(*), count(distinct project_id) from measurements"
    ) == (466, 4)

    args = [*base, "measurements", "list", SEVERSON, "--incremental", "--sink", "sqlite:inc.db"]
    assert runner.invoke(main, args, env={}).stderr.splitlines() == [
        "wrote 128 records to sqlite:inc.db (table measurements)",
        "incremental: 128 new or changed record(s); 0 unchanged re-read skipped",
    ]
    assert runner.invoke(main, args, env={}).stderr.splitlines()[-1] == (
        "incremental: 0 new or changed record(s); 5 unchanged re-read skipped"
    )
    refused = runner.invoke(
        main, [*base, "measurements", "list", SEVERSON, "--incremental", "--sink", "x.csv"], env={}
    )
    assert refused.exit_code == 2
    # FINDINGS11 L10: the command line's advice is the command line's, not incremental=True.
    assert refused.stderr == (
        "error: incremental sync needs a destination that remembers what it holds; sink "
        "'x.csv' cannot. Use a sqlite: sink (e.g. --sink sqlite:measurements.db), or drop "
        "--incremental\n"
    )
    assert not (tmp_path / "x.csv").exists()
    both = runner.invoke(main, [*base, "measurements", "list", SEVERSON, "--all-projects"], env={})
    assert both.stderr.splitlines()[-1] == (
        "error: give PROJECT arguments or --all-projects, not both"
    )


@pytest.mark.ionworks_sandbox(latency_ms=50)
@pytest.mark.parametrize("concurrency", [1, 2])
def test_projects_in_flight_never_exceed_concurrency(ionworks_sandbox, tmp_path, concurrency):
    import threading

    import httpx

    lock = threading.Lock()
    in_flight = [0, 0]  # now, most

    class Counting(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            with lock:
                in_flight[0] += 1
                in_flight[1] = max(in_flight)
            try:
                return super().handle_request(request)
            finally:
                with lock:
                    in_flight[0] -= 1

    ids = list(ionworks_sandbox.projects.values())[:4]
    with ionworks_sandbox.toolkit(transport=Counting()) as tk:
        result = tk.export(
            ids, [f"sqlite:{tmp_path / 'all.db'}"], concurrency=concurrency, page_size=20
        )
    assert result.records == 466
    assert 1 <= in_flight[1] <= concurrency


def test_commit_steps_land_with_the_rows_also_when_another_run_created_the_database(
    tmp_path,
) -> None:
    """A new database is built beside the target; when another run created the target
    meanwhile, the rows are merged into it, and the commit steps (the marks) run again in
    that merge transaction, so they land with the rows there too."""
    db = tmp_path / "race.db"
    mark = SyncMark(dt.datetime(2024, 1, 1, 2, 7, 30, tzinfo=dt.UTC), {"m-1": "x"})
    ours = SqliteSink(db)
    ours.write([{"id": "m-1", "name": "ours"}])
    state = SyncState(db, ours.table, ours)
    state.stage({"p-1": mark}, "k")
    theirs = SqliteSink(db)  # the other run: creates the database first
    theirs.write([{"id": "m-2", "name": "theirs"}])
    theirs.commit()
    ours.commit()
    assert _count(
        db, "select group_concat(id, ',') from (select id from measurements order by id)"
    ) == ("m-1,m-2",)
    assert _state(db) == [("p-1", "2024-01-01T02:07:30Z", '{"m-1": "x"}')]
    assert not list(tmp_path.glob(".race.db.*"))  # our temporary database is gone


class _Recorder:
    """A plugin sink (no ``applies_date_rule``): it must get ``item.to_dict()`` records."""

    def __init__(self) -> None:
        self.records: list[dict] = []

    def __enter__(self) -> _Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, records) -> None:
        self.records.extend(records)

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


def test_several_projects_give_a_plugin_sink_to_dict_records(ionworks_sandbox, tmp_path) -> None:
    sync_recorder, async_recorder = _Recorder(), _Recorder()
    with ionworks_sandbox.toolkit() as tk:
        tk.export([SEVERSON, "NASA PCoE Li-ion battery aging"], [sync_recorder])
    import asyncio

    async def run() -> None:
        async with ionworks_sandbox.async_toolkit() as tk:
            await tk.export([SEVERSON, "NASA PCoE Li-ion battery aging"], [async_recorder])

    asyncio.run(run())
    for recorder in (sync_recorder, async_recorder):
        assert len(recorder.records) == 162
        first = recorder.records[0]
        assert next(iter(first)) == "project_id"
        assert first["created_at"].endswith("+00:00")  # isoformat(), as to_dict() writes
        assert all(r["updated_at"] is None or r["updated_at"].endswith("+00:00")
                   for r in recorder.records)  # fmt: skip


def test_one_project_gives_a_plugin_sink_to_dict_records_either_way(ionworks_sandbox) -> None:
    import asyncio

    sync_recorder, async_recorder = _Recorder(), _Recorder()
    with ionworks_sandbox.toolkit() as tk:
        tk.export(SEVERSON, [sync_recorder])

    async def run() -> None:
        async with ionworks_sandbox.async_toolkit() as tk:
            await tk.export(SEVERSON, [async_recorder])

    asyncio.run(run())
    assert len(sync_recorder.records) == len(async_recorder.records) == 128
    assert sync_recorder.records == async_recorder.records
    assert sync_recorder.records[0]["created_at"].endswith("+00:00")
