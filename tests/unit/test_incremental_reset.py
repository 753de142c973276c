"""FINDINGS9 J26: ``--incremental`` after the user emptied or dropped the data table.

Before: the mark in ``ionworks_sync_state`` was used whatever the table held, so after
``delete from measurements`` (or ``drop table``) the next run read only the records updated
in the last minutes (5 of 34 here), the other 29 never came back, and nothing was said. Now a
mark whose data table holds no record of the project is not used: the run reads the whole
project, with one warning naming the table and the mark. A table holding rows keeps its mark.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID, run_cli

N = 34
NEWEST = dt.datetime(2024, 1, 1, 7, 45, 30, tzinfo=dt.UTC)
MARK = "2024-01-01T07:45:30Z"  # the newest record's updated_at


def stamp(i: int) -> str:
    return (NEWEST - dt.timedelta(minutes=i)).isoformat().replace("+00:00", "Z")


class Catalogue:
    """34 measurements, record ``i`` updated ``i`` minutes before the newest; honours
    ``updated_at_gt``; keeps every query."""

    def __init__(self) -> None:
        self.queries: list[dict[str, str]] = []

    def handle(self, exchange: Exchange) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(exchange.target).query).items()}
        self.queries.append(query)
        records = [
            {
                "id": f"m-{i:02d}",
                "name": f"m {i}",
                "cell_instance_id": "ci",
                "created_at": stamp(i),
                "updated_at": stamp(i),
            }
            for i in range(N)
        ]
        if "updated_at_gt" in query:
            records = [r for r in records if r["updated_at"] > query["updated_at_gt"]]
        offset, limit = int(query["offset"]), int(query["limit"])
        items = records[offset : offset + limit]
        body = {"items": items, "count": len(items), "total": len(records)}
        exchange.respond(200, json.dumps(body).encode())


@pytest.fixture
def catalogue() -> Iterator[tuple[Catalogue, str]]:
    state = Catalogue()
    with LoopbackServer(state.handle) as server:
        yield state, server.url


def count(db: str, table: str = "measurements") -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"select count(*) from {table}").fetchone()[0])


def execute(db: str, statement: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(statement)
    conn.close()


def sync(url: str, target: str = "sqlite:reset.db") -> list[str]:
    result = run_cli(url, "--all", "--incremental", "--sink", target)
    assert result.exit_code == 0, result.stderr
    return result.stderr.splitlines()


@pytest.mark.parametrize(
    ("reset", "table"),
    [
        ("delete from measurements", "measurements"),
        ("drop table measurements", "measurements"),
        ("delete from runs", "runs"),
    ],
)
def test_a_reset_table_is_read_whole_again(
    catalogue: tuple[Catalogue, str], runner: CliRunner, reset: str, table: str
) -> None:
    state, url = catalogue
    target = "sqlite:reset.db" + ("" if table == "measurements" else f"?table={table}")
    assert (
        sync(url, target)[-1]
        == "incremental: 34 new or changed record(s); 0 unchanged re-read skipped"
    )
    assert count("reset.db", table) == N
    execute("reset.db", reset)

    lines = sync(url, target)
    assert lines[0] == (
        f"warning: incremental: table {table} of {Path('reset.db').resolve()} holds no "
        f"records of project "
        f"{PROJECT_ID}; reading the whole project (the stored mark of {MARK} is not used)"
    )
    assert lines[-1] == "incremental: 34 new or changed record(s); 0 unchanged re-read skipped"
    assert [q.get("updated_at_gt") for q in state.queries] == [None, None]
    assert count("reset.db", table) == N

    # The table holds rows again: the next run uses the mark (5 minutes of overlap).
    state.queries.clear()
    lines = sync(url, target)
    assert not any("holds no records" in line for line in lines)
    assert [q.get("updated_at_gt") for q in state.queries] == ["2024-01-01T07:40:30Z"]
    assert count("reset.db", table) == N


def test_a_partly_emptied_table_keeps_its_mark(
    catalogue: tuple[Catalogue, str], runner: CliRunner
) -> None:
    # Rows deleted by hand while others stay: the mark is kept (the overlap's records come).
    state, url = catalogue
    sync(url)
    execute("reset.db", "delete from measurements where id > 'm-05'")
    state.queries.clear()
    lines = sync(url)
    assert not any("holds no records" in line for line in lines)
    assert [q.get("updated_at_gt") for q in state.queries] == ["2024-01-01T07:40:30Z"]
    assert count("reset.db") == 6


def test_several_projects_are_checked_by_project_id(tmp_path: Path) -> None:
    # A table of several projects (their records carry project_id): the mark of a project
    # none of whose rows remain is not used; a row without project_id (a one-project
    # export into the same table) counts for every project.
    from ionworks_toolkit.incremental import SyncState

    db = tmp_path / "all.db"
    state = SyncState(db, "measurements")
    assert state.holds_records("p1") is False  # no database
    with sqlite3.connect(db) as conn:
        conn.execute("create table other (id text)")
    conn.close()
    assert state.holds_records("p1") is False  # no data table
    execute(str(db), "create table measurements (id text primary key, project_id text)")
    assert state.holds_records("p1") is False  # empty
    execute(str(db), "insert into measurements values ('a', 'p1')")
    assert (state.holds_records("p1"), state.holds_records("p2")) == (True, False)
    execute(str(db), "insert into measurements values ('b', null)")
    assert state.holds_records("p2") is True
