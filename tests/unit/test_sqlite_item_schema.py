"""The ``sqlite:`` sink keeps a record of which item schema each of its tables holds
(``ionworks_sink_tables``) and refuses another resource's records before any request
(FINDINGS6 F20: ``projects list --sink "sqlite:big.db?table=measurements"`` mixed projects into
a measurements table). Tables of older versions (no record) keep working: adopted and recorded
with a note, except that one named after ANOTHER resource's default table is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from conftest import PROJECT_ID, measurement
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import ConfigurationError, SinkError
from ionworks_toolkit.sinks import (
    SinkTargetError,
    SqliteSink,
    measurements_schema,
    projects_schema,
    record_schema,
)
from ionworks_toolkit.sinks._base import process_space
from ionworks_toolkit.sinks._sqlite import TABLES_TABLE, _default_tables
from loopback import by_project_pages

PROJECTS = [
    {"id": f"p-{i}", "name": name, "organization_id": "o", "created_at": None, "updated_at": None}
    for i, name in ((1, "Severson"), (2, "Attia"))
]
CELLS = record_schema(
    {"type": "object", "properties": {"id": {"type": "string"}}}, name="Cell", resource="cells"
)


class Server:
    """``GET /projects`` (two projects) and the by-project list (two measurements)."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if request.url.path == "/projects":
            return httpx.Response(200, json=PROJECTS)
        items = [measurement(0), measurement(1)]
        return httpx.Response(200, json={"items": items, "count": 2, "total": 2})


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def recorded(db: Path) -> list[tuple[Any, ...]]:
    return rows(db, f"SELECT * FROM {TABLES_TABLE} ORDER BY table_name")


def holds(db: str, table: str, what: str, schema: str, other: str, other_schema: str) -> str:
    return (
        f"sqlite:{db}: table {table!r} holds {what} ({schema} records), not {other} "
        f"({other_schema} records); nothing was written (choose another table with ?table=NAME)"
    )


def test_each_table_is_recorded_with_its_item_schema(
    make_toolkit: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    toolkit = make_toolkit(Server())
    toolkit.export(PROJECT_ID, ["big.db"])
    toolkit.export_projects(["big.db"])
    toolkit.export_projects(["sqlite:big.db?table=Catalogue"])
    assert recorded(tmp_path / "big.db") == [
        ("catalogue", "Project", "projects"),  # ASCII folded, as SQLite compares names
        ("measurements", "CellMeasurementWithDetails", "measurements"),
        ("projects", "Project", "projects"),
    ]
    result = toolkit.export_projects(["sqlite:big.db?table=CATALOGUE"])  # the same table
    assert result.sinks == ("wrote 2 records to sqlite:big.db (table CATALOGUE)",)
    assert rows(tmp_path / "big.db", "SELECT COUNT(*) FROM catalogue") == [(2,)]


def test_projects_into_a_measurements_table_are_refused_before_any_request(
    make_toolkit: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    server = Server()
    toolkit = make_toolkit(server)
    toolkit.export(PROJECT_ID, ["big.db"])
    before = (tmp_path / "big.db").read_bytes()
    server.paths.clear()
    with pytest.raises(ConfigurationError) as caught:
        toolkit.export_projects(["sqlite:big.db?table=measurements"])
    assert str(caught.value) == holds(
        "big.db", "measurements", "measurements", "CellMeasurementWithDetails", "projects",
        "Project",
    )  # fmt: skip
    assert server.paths == []
    assert (tmp_path / "big.db").read_bytes() == before
    assert rows(tmp_path / "big.db", "SELECT COUNT(*) FROM measurements") == [(2,)]


def test_measurements_into_a_projects_table_exit_2_before_any_request(
    runner: CliRunner, make_toolkit: Callable[..., Any], tmp_path: Path
) -> None:
    make_toolkit(Server()).export_projects([str(tmp_path / "cat.db")])
    before = (tmp_path / "cat.db").read_bytes()
    with by_project_pages(2, 2) as server:
        result = runner.invoke(
            main,
            ["--api-url", server.url, "--api-key", "k", "measurements", "list", PROJECT_ID,
             "--sink", "sqlite:cat.db?table=projects"],
        )  # fmt: skip
    assert result.exit_code == 2, result.output
    message = holds("cat.db", "projects", "projects", "Project", "measurements",
                    "CellMeasurementWithDetails")  # fmt: skip
    assert result.stderr == f"error: {message}\n"
    assert server.requests == []
    assert (tmp_path / "cat.db").read_bytes() == before


def test_a_table_recorded_meanwhile_is_refused_at_the_first_write(tmp_path: Path) -> None:
    """Checked again under the write lock: another run made the table after this one's
    check (nothing was there then)."""
    db = tmp_path / "c.db"
    ours = SqliteSink(db, table="t", label="sqlite:c.db")
    ours.bind_schema(measurements_schema())  # no database yet: passes
    other = SqliteSink(db, table="T", record_schema=projects_schema())
    other.write([PROJECTS[0]])
    other.commit()
    with pytest.raises(SinkTargetError) as caught:
        ours.write([measurement(1)])
    assert str(caught.value) == holds(
        "c.db", "t", "projects", "Project", "measurements", "CellMeasurementWithDetails"
    )
    assert ours.state == "open"
    assert rows(db, "SELECT id FROM t") == [("p-1",)]
    assert recorded(db) == [("t", "Project", "projects")]


def test_an_aborted_run_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sqlite3.connect(db).close()  # an existing, empty database: written in place
    sink = SqliteSink(db, record_schema=CELLS)
    sink.write([{"id": "a"}])
    sink.abort()
    assert rows(db, "SELECT name FROM sqlite_master") == []


def _older_version(db: Path, schema: Any, table: str | None = None) -> None:
    """A table as a version before the record made it: the sink's table, no record."""
    sink = SqliteSink(db, table=table, record_schema=schema)
    sink.write([measurement(9) if schema is not CELLS else {"id": "old"}])
    sink.commit()
    conn = sqlite3.connect(db)
    conn.execute(f"DROP TABLE {TABLES_TABLE}")
    conn.commit()
    conn.close()


def test_an_older_versions_table_is_adopted_with_a_note_once(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _older_version(db, measurements_schema())
    first = SqliteSink(db, label="sqlite:old.db")
    first.bind_schema(measurements_schema())
    first.write([measurement(1)])
    first.commit()
    assert first.adopted_table is True
    assert first.describe() == (
        "wrote 1 record to sqlite:old.db (table measurements) (table measurements had no "
        "record of what it holds (made by an older version): recorded as measurements "
        "(CellMeasurementWithDetails records))"
    )
    assert recorded(db) == [("measurements", "CellMeasurementWithDetails", "measurements")]
    second = SqliteSink(db, label="sqlite:old.db")
    second.bind_schema(measurements_schema())
    second.write([measurement(2)])
    second.commit()
    assert second.adopted_table is False
    assert second.describe() == "wrote 1 record to sqlite:old.db (table measurements)"
    assert rows(db, "SELECT id FROM measurements ORDER BY id") == [("m-1",), ("m-2",), ("m-9",)]


def test_an_older_custom_table_is_adopted_by_whatever_writes_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _older_version(db, CELLS, table="lab")
    sink = SqliteSink(db, table="LAB", label="sqlite:old.db", record_schema=projects_schema())
    sink.check_table()
    sink.write([PROJECTS[1]])
    sink.commit()
    assert "recorded as projects (Project records)" in sink.describe()
    assert recorded(db) == [("lab", "Project", "projects")]


@pytest.mark.parametrize(
    ("table", "schema", "message"),
    [
        ("measurements", projects_schema(),
         "sqlite:old.db: table 'measurements' holds measurements (the default table of "
         "measurements, made by an older version that kept no record of it), not projects "
         "(Project records); nothing was written (choose another table with ?table=NAME)"),
        ("Projects", measurements_schema(),
         "sqlite:old.db: table 'Projects' holds projects (the default table of projects, made "
         "by an older version that kept no record of it), not measurements "
         "(CellMeasurementWithDetails records); nothing was written (choose another table "
         "with ?table=NAME)"),
    ],
)  # fmt: skip
def test_an_older_table_named_for_another_resource_is_refused(
    tmp_path: Path, table: str, schema: Any, message: str
) -> None:
    db = tmp_path / "old.db"
    _older_version(db, CELLS, table=table)
    before = db.read_bytes()
    sink = SqliteSink(db, table=table, label="sqlite:old.db", record_schema=schema)
    with pytest.raises(SinkTargetError) as caught:
        sink.check_table()
    assert str(caught.value) == message
    with pytest.raises(SinkTargetError) as caught:  # and at the first write
        sink.write([PROJECTS[0]])
    assert str(caught.value) == message
    assert db.read_bytes() == before


def test_the_default_tables_are_the_resources_the_toolkit_writes() -> None:
    assert _default_tables() == frozenset({"measurements", "projects"})


def test_a_record_left_by_a_dropped_table_is_replaced(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sink = SqliteSink(db, table="t", record_schema=projects_schema())
    sink.write([PROJECTS[0]])
    sink.commit()
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE t")
    conn.commit()
    conn.close()
    again = SqliteSink(db, table="t", label="sqlite:c.db", record_schema=measurements_schema())
    again.write([measurement(1)])
    again.commit()
    assert again.describe() == "wrote 1 record to sqlite:c.db (table t)"
    assert recorded(db) == [("t", "CellMeasurementWithDetails", "measurements")]


def test_a_database_created_meanwhile_is_checked_before_the_merge(tmp_path: Path) -> None:
    """Our run builds a new database; another run creates it meanwhile with the table holding
    projects: the merge is refused, and the other run's database is left as it was."""
    db = tmp_path / "race.db"
    ours = SqliteSink(db, table="t", label="sqlite:race.db", record_schema=measurements_schema())
    ours.write([measurement(1)])
    other = SqliteSink(db, table="t", record_schema=projects_schema())
    other.write([PROJECTS[0]])
    other.commit()
    before = db.read_bytes()
    with pytest.raises(SinkTargetError) as caught:
        ours.commit()
    assert str(caught.value) == holds(
        "race.db", "t", "projects", "Project", "measurements", "CellMeasurementWithDetails"
    )
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.db"]


def test_a_python_export_names_the_sink_in_a_sink_error_when_checked_late(
    make_toolkit: Callable[..., Any], tmp_path: Path
) -> None:
    """A race the check before the requests cannot see still fails the run (exit 6 in the
    CLI), naming what the table holds, and publishes nothing."""
    db = tmp_path / "late.db"
    created: list[bool] = []
    server = Server()

    def handler(request: httpx.Request) -> httpx.Response:
        if not created:  # another run makes the table once our check has passed
            created.append(True)
            sink = SqliteSink(db, record_schema=projects_schema(), table="measurements")
            sink.write([PROJECTS[0]])
            sink.commit()
        return server(request)

    with pytest.raises(SinkError) as caught:
        make_toolkit(handler).export(PROJECT_ID, [f"sqlite:{db}"])
    assert "holds projects (Project records), not measurements" in str(caught.value)
    assert rows(db, "SELECT id FROM measurements") == [("p-1",)]


def test_the_adoption_note_comes_before_the_stale_part_files(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _older_version(db, measurements_schema())
    stale = f".old.db.{process_space()}-{_dead_pid()}.abc123.part"  # a killed run's
    (tmp_path / stale).write_bytes(b"x")
    sink = SqliteSink(db, label="sqlite:old.db", record_schema=measurements_schema())
    sink.write([measurement(1)])
    sink.commit()
    assert sink.describe() == (
        "wrote 1 record to sqlite:old.db (table measurements) (table measurements had no "
        "record of what it holds (made by an older version): recorded as measurements "
        f"(CellMeasurementWithDetails records); removed 1 part file of a killed run: {stale})"
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
