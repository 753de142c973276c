"""Databases are committed before the files published by a rename (FINDINGS11 L2).

With ``--sink a.csv --sink c.db`` and a ``sqlite3`` shell inside ``BEGIN`` on c.db, the run
renamed a.csv into place, then gave up on c.db's ``COMMIT`` after 30 s: a.csv new, c.db old.
Listed the other way round, both stayed old. ``export.commit_sinks`` now commits every sink
that does not publish by a rename first, so the outcome no longer depends on the order.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import Toolkit
from ionworks_toolkit.errors import SinkError
from ionworks_toolkit.export import commit_sinks
from ionworks_toolkit.sinks import JsonlSink
from ionworks_toolkit.sinks._csv import CsvSink
from ionworks_toolkit.sinks._sqlite import SqliteSink
from test_async_page_writer import PROJECT_ID, measurement, serve, settings


@pytest.fixture
def read_database(tmp_path: Path) -> Iterator[Path]:
    """``c.db`` holding ``m-old``, with a reader inside a read transaction (a SHARED lock
    that SQLite's ``COMMIT`` waits for) for the whole test; ``a.csv`` holding ``old``."""
    db = tmp_path / "c.db"
    first = SqliteSink(db)
    first.write([measurement(99) | {"id": "m-old"}])
    first.commit()
    (tmp_path / "a.csv").write_text("old\n", encoding="utf-8")
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM measurements").fetchone() == (1,)
    yield db
    reader.close()


@pytest.mark.parametrize("csv_first", [True, False], ids=["csv-first", "db-first"])
def test_a_database_that_cannot_commit_leaves_every_output_as_it_was(
    tmp_path: Path, read_database: Path, csv_first: bool, capsys: Any
) -> None:
    db = read_database
    csv = CsvSink(tmp_path / "a.csv", label="csv:a.csv")
    database = SqliteSink(db, label="sqlite:c.db", timeout=0.3)
    sinks: list[Any] = [csv, database] if csv_first else [database, csv]
    with (
        Toolkit(**settings(tmp_path, serve([measurement(i) for i in range(3)]))) as toolkit,
        pytest.raises(SinkError) as info,
    ):
        toolkit.export(PROJECT_ID, sinks)
    assert str(info.value.__cause__) == (
        "sqlite:c.db: another connection is still reading this database after 0.3 s; nothing "
        "was written to it (close that connection or end its transaction, then try again)"
    )
    assert "already published" not in "".join(getattr(info.value, "__notes__", []))
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "old\n"
    assert (csv.state, database.state) == ("aborted", "aborted")
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "c.db"]  # no part file left


def test_files_published_by_a_rename_are_committed_last_the_rest_in_the_order_given(
    tmp_path: Path,
) -> None:
    order: list[str] = []

    class Noted(JsonlSink):
        def commit(self) -> None:
            order.append(self.label)
            super().commit()

    class NotedDatabase(SqliteSink):
        def commit(self) -> None:
            order.append(self.label)
            super().commit()

    sinks = [
        ("a", Noted(tmp_path / "a.jsonl", label="a")),
        ("b", NotedDatabase(tmp_path / "b.db", label="b")),
        ("c", Noted(None, label="c", stream=open(os.devnull, "w"))),  # noqa: SIM115
        ("d", Noted(tmp_path / "d.jsonl", label="d")),
        ("e", NotedDatabase(tmp_path / "e.db", label="e")),
    ]
    for _, sink in sinks:
        sink.write([measurement(1)])
    commit_sinks(sinks)
    assert order == ["b", "c", "e", "a", "d"]
    assert [sink.publishes_by_rename for _, sink in sinks if isinstance(sink, Noted)] == [
        True,
        False,
        True,
    ]
