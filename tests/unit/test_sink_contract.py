"""The built-in sinks run the public sink contract (``ionworks_toolkit.testing.SinkContract``),
one subclass each, exactly as a plugin author's sink does: resolved by scheme through the
plugin host, on the real sandbox records of ``ionworks_sample_pages``.

Each ``read_back`` reads the published output with an independent reader (json, csv, sqlite3,
pyarrow) and ``expected_records`` applies the sink's documented normalisation: the column rule
of ``ionworks_toolkit.sinks._columns`` (README, "Sinks").
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit.sinks import cell_text, measurements_schema
from ionworks_toolkit.testing import SinkContract

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _row_without_nulls(record: Mapping[str, Any]) -> dict[str, Any]:
    """The documented row: the spec's columns (values typed), ``extra_json`` last; nulls
    dropped."""
    schema = measurements_schema()
    cells = zip(schema.column_names, schema.row(record), strict=True)
    return {name: value for name, value in cells if value is not None}


class TestJsonlSinkContract(SinkContract):
    scheme = "jsonl"
    bad_targets = ("out.jsonl?colour=red", "")

    def make_target(self, tmp_path: Path) -> str:
        return str(tmp_path / "out.jsonl")

    def read_back(self, target: str) -> list[dict[str, Any]]:
        """JSON Lines: one record per line."""
        lines = Path(target).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    def expected_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Documented: the record as sent, date-times in UTC with Z, NaN as null."""
        return [measurements_schema().json_record(record) for record in records]


class TestCsvSinkContract(SinkContract):
    scheme = "csv"
    bad_targets = ("out.csv?delimiter=;", "out.csv?formulas=maybe")

    def make_target(self, tmp_path: Path) -> str:
        return str(tmp_path / "out.csv")

    def read_back(self, target: str) -> list[dict[str, Any]]:
        """Rows by header, empty cells dropped (the CSV cannot tell missing from null)."""
        with open(target, encoding="utf-8", newline="") as fh:
            return [{k: v for k, v in row.items() if v != ""} for row in csv.DictReader(fh)]

    def expected_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Documented: the spec's columns as text (dates 2016-03-01, instants ...Z,
        true/false, numbers via repr, JSON text), formula-like text cells after a ``'``."""
        types = {c.name: c.type for c in measurements_schema().columns}
        expected = []
        for record in records:
            row = {}
            for name, value in _row_without_nulls(record).items():
                text = cell_text(value) or ""
                if types.get(name, "json") in ("string", "json") and text.startswith(
                    FORMULA_STARTS
                ):
                    text = "'" + text
                if text:
                    row[name] = text
            expected.append(row)
        return expected


class TestSqliteSinkContract(SinkContract):
    scheme = "sqlite"
    bad_targets = ("out.db?table=1nvalid", "out.db?colour=red")

    def make_target(self, tmp_path: Path) -> str:
        return f"{tmp_path / 'catalog.db'}?table=measurements"

    def read_back(self, target: str) -> list[dict[str, Any]]:
        """The full record is kept as JSON in ``record_json`` (under the same date rule as
        JSON Lines); rows in insertion order."""
        path = target.partition("?")[0]
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT record_json FROM measurements ORDER BY rowid").fetchall()
        conn.close()
        return [json.loads(text) for (text,) in rows]

    def expected_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [measurements_schema().json_record(record) for record in records]


class TestParquetSinkContract(SinkContract):
    scheme = "parquet"
    bad_targets = ("out.parquet?compression=rar",)

    def make_target(self, tmp_path: Path) -> str:
        return str(tmp_path / "out.parquet")

    def read_back(self, target: str) -> list[dict[str, Any]]:
        """Rows of the one table, nulls dropped (a column absent from a record is null)."""
        import pyarrow.parquet as pq

        rows = pq.read_table(target).to_pylist()
        return [{k: v for k, v in row.items() if v is not None} for row in rows]

    def expected_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Documented: the spec's columns and types (timestamp[us, tz=UTC], date32, int64,
        float64, bool; JSON text for free-form objects and extra_json)."""
        return [_row_without_nulls(record) for record in records]


class TestTableSinkContract(SinkContract):
    """The table sink prints to stdout at commit: what it has published is the captured
    stdout, accumulated over the test."""

    scheme = "table"
    bad_targets = ("somewhere", "?max_rows=-1")

    @pytest.fixture(autouse=True)
    def _stdout(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.printed = ""

    def make_target(self, tmp_path: Path) -> str:
        return "?max_rows=50"

    def published_state(self, target: str) -> Any:
        self.printed += self.capsys.readouterr().out
        return self.printed


class TestDatasetSinkContract(SinkContract):
    """Hive-partitioned by measurement type: the published output is a directory tree."""

    scheme = "dataset"
    bad_targets = ("ds?format=csv", "ds?partition_by=a,,b", "ds?compression=rar")

    def make_target(self, tmp_path: Path) -> str:
        return f"{tmp_path / 'measurements'}?partition_by=measurement_type"

    def read_back(self, target: str) -> list[dict[str, Any]]:
        """Rows of every partition (the partition column read back from the paths), nulls
        dropped, by id: a dataset has no row order across partitions."""
        import pyarrow.dataset as ds

        path = target.partition("?")[0]
        table = ds.dataset(path, format="parquet", partitioning="hive").to_table()
        rows = [{k: v for k, v in row.items() if v is not None} for row in table.to_pylist()]
        return sorted(rows, key=lambda row: row["id"])

    def expected_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """As the parquet sink's rows, by id."""
        rows = TestParquetSinkContract.expected_records(self, records)  # type: ignore[arg-type]
        return sorted(rows, key=lambda row: row["id"])
