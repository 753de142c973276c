"""The sinks' constructors take a file path as text too (``SqliteSink("catalog.db")``), as a
partner's code naturally passes one: each raised ``AttributeError: 'str' object has no
attribute 'parent'`` before anything was written (found while checking FINDINGS11 L1)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from ionworks_toolkit.sinks import CsvSink, JsonlSink, ParquetSink, SqliteSink

RECORD = {
    "id": "m-1",
    "name": "Cell 1",
    "cell_instance_id": "ci-1",
    "created_at": "2024-01-15T05:05:00Z",
    "updated_at": "2024-01-15T05:05:30Z",
}


@pytest.mark.parametrize(
    ("make", "name", "description"),
    [
        (JsonlSink, "out.jsonl", "wrote 1 record to jsonl:{path}"),
        (CsvSink, "out.csv", "wrote 1 record to csv:{path}"),
        (SqliteSink, "out.db", "wrote 1 record to sqlite:{path} (table measurements)"),
        (ParquetSink, "out.parquet", "wrote 1 record to parquet:{path}"),
    ],
    ids=["jsonl", "csv", "sqlite", "parquet"],
)
def test_a_sink_takes_its_path_as_text(
    tmp_path: Path, make: type, name: str, description: str
) -> None:
    path = str(tmp_path / name)
    sink = make(path)
    sink.write([RECORD])
    sink.commit()
    assert sink.describe() == description.format(path=path)
    assert sorted(os.listdir(tmp_path)) == [name]


def test_the_text_path_s_file_holds_the_record(tmp_path: Path) -> None:
    jsonl, db = str(tmp_path / "a.jsonl"), str(tmp_path / "a.db")
    for sink in (JsonlSink(jsonl), SqliteSink(db)):
        sink.write([RECORD])
        sink.commit()
    assert json.loads(Path(jsonl).read_text(encoding="utf-8"))["id"] == "m-1"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, name FROM measurements").fetchall() == [("m-1", "Cell 1")]
    conn.close()
