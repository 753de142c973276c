"""Sinks, issue 12: safe targets, columns and types from the spec, valid JSON, CSV/terminal
safety, stdout for csv, SQLite new databases and locks. Exact values throughout."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import os
import socket
import sqlite3
import stat
import threading
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ionworks_toolkit.sinks import (
    EXTRA_COLUMN,
    STDOUT_NAMES,
    Column,
    ConversionStats,
    CsvSink,
    JsonlSink,
    OutputTarget,
    SinkTargetError,
    SqliteSink,
    TableSink,
    measurements_schema,
    open_sink,
    output_target,
    projects_schema,
    record_schema,
)
from rich.console import Console

DATA = Path(__file__).resolve().parents[1] / "data"
UTC = dt.UTC


def fixture_record() -> dict[str, Any]:
    """One real-shaped measurement (tests/data/by_project_page_severson.json)."""
    page = json.loads((DATA / "by_project_page_severson.json").read_text(encoding="utf-8"))
    return copy.deepcopy(page["items"][0])


SMALL = record_schema(
    {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "made": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
            "at": {"type": "string", "format": "date-time"},
            "n": {"type": "integer"},
            "x": {"type": "number"},
            "ok": {"type": "boolean"},
            "kind": {"enum": ["a", "b"]},
            "spec": {
                "type": "object",
                "properties": {"cap": {"$ref": "#/components/schemas/Q"}},
            },
            "props": {"type": "object", "additionalProperties": True},
            "tags": {"type": "array", "items": {"type": "string"}},
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        },
    },
    name="Small",
    resource="smalls",
    components={
        "Q": {
            "type": "object",
            "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
        }
    },
)


# --------------------------------------------------------------------------------------
# The rule (sinks/_columns.py)
# --------------------------------------------------------------------------------------


def test_record_schema_columns_and_types_from_the_schema() -> None:
    assert [(c.name, c.type) for c in SMALL.columns] == [
        ("id", "string"),
        ("made", "date"),
        ("at", "date-time"),
        ("n", "integer"),
        ("x", "number"),
        ("ok", "boolean"),
        ("kind", "string"),
        ("spec.cap.value", "number"),
        ("spec.cap.unit", "string"),
        ("props", "json"),
        ("tags", "json"),
        ("either", "json"),
    ]
    assert SMALL.column_names[-1] == EXTRA_COLUMN == "extra_json"
    assert SMALL.columns[7] == Column("spec.cap.value", "number", ("spec", "cap", "value"))


def test_row_types_dates_instants_and_extra() -> None:
    stats = ConversionStats()
    row = SMALL.row(
        {
            "id": "m-1",
            "made": "2016-03-01",
            "at": "2024-03-06T09:30:00+02:00",
            "n": 3.0,
            "x": 2,
            "ok": False,
            "spec": {"cap": {"value": float("nan"), "unit": "Ah"}, "new": 1},
            "props": {"a": float("inf"), "b": [1, 2]},
            "tags": ["x"],
            "either": 5,
            "surprise": {"k": "v"},
        },
        stats,
    )
    assert dict(zip(SMALL.column_names, row, strict=True)) == {
        "id": "m-1",
        "made": dt.date(2016, 3, 1),
        "at": dt.datetime(2024, 3, 6, 7, 30, tzinfo=UTC),
        "n": 3,
        "x": 2.0,
        "ok": False,
        "kind": None,
        "spec.cap.value": None,
        "spec.cap.unit": "Ah",
        "props": '{"a":null,"b":[1,2]}',
        "tags": '["x"]',
        "either": "5",
        "extra_json": '{"spec":{"new":1},"surprise":{"k":"v"}}',
    }
    assert (stats.non_finite, stats.mismatched) == (2, 0)
    assert stats.summary() == "2 NaN/Infinity values written as null"


def test_values_of_the_wrong_type_are_kept_in_extra_json_and_counted() -> None:
    stats = ConversionStats()
    row = SMALL.row(
        {"id": 7, "made": "March 2016", "at": "yesterday", "n": 2.5, "ok": "yes", "spec": "n/a"},
        stats,
    )
    assert row[:6] == [None] * 6
    assert json.loads(row[-1]) == {
        "id": 7,
        "made": "March 2016",
        "at": "yesterday",
        "n": 2.5,
        "ok": "yes",
        "spec": "n/a",
    }
    assert stats.mismatched == 6
    assert stats.summary() == "6 values not of the declared type kept in extra_json"


def test_instant_without_offset_is_utc_and_bare_date_is_midnight() -> None:
    row = SMALL.row({"at": "2017-05-12T10:00:00"})
    assert row[2] == dt.datetime(2017, 5, 12, 10, tzinfo=UTC)
    row = SMALL.row({"at": "2016-03-01"})
    assert row[2] == dt.datetime(2016, 3, 1, tzinfo=UTC)


def test_json_record_applies_the_same_date_rule() -> None:
    stats = ConversionStats()
    out = SMALL.json_record(
        {"at": "2024-03-06T09:30:00.5+02:00", "made": "2016-03-01", "x": float("-inf"), "z": 1},
        stats,
    )
    assert out == {"at": "2024-03-06T07:30:00.500000Z", "made": "2016-03-01", "x": None, "z": 1}
    assert stats.non_finite == 1


def test_measurement_schema_free_form_objects_are_one_json_column_each() -> None:
    schema = measurements_schema()
    types = {c.name: c.type for c in schema.columns}
    for name in (
        "properties",
        "file_metadata",
        "protocol",
        "test_setup",
        "tags",
        "specification.properties",
        "specification.source",
        "instance.measured_properties",
    ):
        assert types[name] == "json", name
    assert types["created_at"] == "date-time"
    assert types["start_time"] == "date-time"
    assert types["step_labels_validated"] == "boolean"
    assert types["specification.ratings.capacity.value"] == "number"
    assert types["specification.cathode.material.property_count"] == "integer"
    assert not [n for n in types if n.startswith(("properties.", "test_setup."))]
    assert schema.column_names[:5] == ["name", "id", "cell_instance_id", "created_at", "updated_at"]
    assert (schema.name, schema.resource) == ("CellMeasurementWithDetails", "measurements")
    assert (projects_schema().name, projects_schema().resource) == ("Project", "projects")
    assert [c.name for c in projects_schema().columns][:5] == [
        "name",
        "id",
        "organization_id",
        "created_at",
        "updated_at",
    ]


def test_fixture_record_row_exact_values() -> None:
    schema = measurements_schema()
    stats = ConversionStats()
    row = dict(zip(schema.column_names, schema.row(fixture_record(), stats), strict=True))
    assert row["created_at"] == dt.datetime(2024, 3, 5, 14, 7, 9, 123456, tzinfo=UTC)
    assert row["updated_at"] == dt.datetime(2024, 3, 6, 7, 30, tzinfo=UTC)
    assert row["test_setup"] == '{"cycler":"Arbin","channel_number":null}'
    assert row["specification.ratings.capacity.value"] == 1.1
    assert row["specification.cathode.material.name"] == "LFP"
    assert row["specification.anode.material.name"] is None
    assert row["extra_json"] == (
        '{"processing_queue_position":3,"instance":{"storage_location":{"shelf":"B3","slot":17}}}'
    )
    assert (stats.non_finite, stats.mismatched) == (0, 0)


# --------------------------------------------------------------------------------------
# Sinks under the rule
# --------------------------------------------------------------------------------------


def test_sqlite_record_with_1995_property_keys_is_one_row(tmp_path: Path) -> None:
    record = fixture_record()
    record["properties"] = {f"k{i:04d}": {"value": i, "unit": "mV"} for i in range(1995)}
    db = tmp_path / "w.db"
    sink = open_sink(f"sqlite:{db}")
    with sink:
        sink.write([record])
        sink.commit()
    with sqlite3.connect(db) as conn:
        count, valid = conn.execute(
            "SELECT COUNT(*), SUM(json_valid(record_json)) FROM measurements"
        ).fetchone()
        properties = conn.execute("SELECT properties FROM measurements").fetchone()[0]
        columns = [r[1] for r in conn.execute("PRAGMA table_info(measurements)")]
    conn.close()
    assert (count, valid) == (1, 1)
    assert len(json.loads(properties)) == 1995
    assert columns == [
        "id",
        *[c for c in measurements_schema().column_names if c != "id"],
        "record_json",
    ]


def test_sqlite_rerun_never_alters_the_table_and_json_is_valid(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = fixture_record()
    second = fixture_record()
    second["id"] = "m-2"
    second["properties"] = {"new_key": float("nan")}
    second["specification"]["ratings"]["capacity"]["value"] = float("nan")
    for pages in ([[first]], [[second]]):
        with open_sink(f"sqlite:{db}") as sink:
            for page in pages:
                sink.write(page)
            sink.commit()
    assert sink.describe() == (
        f"wrote 1 record to sqlite:{db} (table measurements) "
        "(2 NaN/Infinity values written as null)"
    )
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            'SELECT id, properties, "specification.ratings.capacity.value", created_at, '
            "json_valid(record_json), json_extract(record_json, '$.created_at') "
            "FROM measurements ORDER BY id"
        ).fetchall()
        width = len(conn.execute("PRAGMA table_info(measurements)").fetchall())
    conn.close()
    assert rows == [
        (
            "3f6c2a9e-5d41-4b7a-9c1e-8a2b7d0e4f11",
            None,
            1.1,
            "2024-03-05T14:07:09.123456Z",
            1,
            "2024-03-05T14:07:09.123456Z",
        ),
        (
            "m-2",
            '{"new_key":null}',
            None,
            "2024-03-05T14:07:09.123456Z",
            1,
            "2024-03-05T14:07:09.123456Z",
        ),
    ]
    assert width == len(measurements_schema().column_names) + 1


def test_sqlite_adds_only_missing_declared_columns_to_an_older_table(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            'CREATE TABLE smalls ("id" TEXT PRIMARY KEY NOT NULL, "record_json" TEXT NOT NULL, '
            '"props.legacy" TEXT)'
        )
        conn.execute("""INSERT INTO smalls VALUES ('a', '{"id":"a"}', 'kept')""")
    conn.close()
    sink = SqliteSink(db, record_schema=SMALL)
    with sink:
        sink.write([{"id": "b", "n": 1}])
        sink.commit()
    with sqlite3.connect(db) as conn:
        columns = [(r[1], r[2]) for r in conn.execute("PRAGMA table_info(smalls)")]
        rows = conn.execute('SELECT id, n, "props.legacy" FROM smalls ORDER BY id').fetchall()
    conn.close()
    assert columns[:3] == [("id", "TEXT"), ("record_json", "TEXT"), ("props.legacy", "TEXT")]
    assert columns[3:] == [
        ("made", "TEXT"),
        ("at", "TEXT"),
        ("n", "INTEGER"),
        ("x", "REAL"),
        ("ok", "INTEGER"),
        ("kind", "TEXT"),
        ("spec.cap.value", "REAL"),
        ("spec.cap.unit", "TEXT"),
        ("props", "TEXT"),
        ("tags", "TEXT"),
        ("either", "TEXT"),
        ("extra_json", "TEXT"),
    ]
    assert rows == [("a", None, "kept"), ("b", 1, None)]


def test_jsonl_nan_becomes_null_and_instants_utc(tmp_path: Path) -> None:
    record = fixture_record()
    record["specification"]["ratings"]["capacity"]["value"] = float("nan")
    target = tmp_path / "o.jsonl"
    with open_sink(f"jsonl:{target}") as sink:
        sink.write([record])
        sink.commit()
    line = target.read_text(encoding="utf-8")
    assert "NaN" not in line
    parsed = json.loads(line)
    assert parsed["specification"]["ratings"]["capacity"] == {"value": None, "unit": "Ah"}
    assert parsed["updated_at"] == "2024-03-06T07:30:00Z"
    assert parsed["created_at"] == "2024-03-05T14:07:09.123456Z"
    assert (
        sink.describe()
        == f"wrote 1 record to jsonl:{target} (1 NaN/Infinity value written as null)"
    )


def test_date_stays_a_date_in_every_sink(tmp_path: Path) -> None:
    record = {"id": "a", "made": "2016-03-01", "at": "2016-03-01T10:00:00Z"}
    csv_sink = CsvSink(tmp_path / "d.csv", record_schema=SMALL)
    jsonl_sink = JsonlSink(tmp_path / "d.jsonl", record_schema=SMALL)
    sqlite_sink = SqliteSink(tmp_path / "d.db", record_schema=SMALL)
    parquet_sink = open_sink(f"parquet:{tmp_path / 'd.parquet'}")
    parquet_sink.bind_schema(SMALL)  # type: ignore[attr-defined]
    for sink in (csv_sink, jsonl_sink, sqlite_sink, parquet_sink):
        with sink:
            sink.write([record])
            sink.commit()
    rows = list(csv.reader((tmp_path / "d.csv").open(newline="", encoding="utf-8")))
    assert rows[1][:3] == ["a", "2016-03-01", "2016-03-01T10:00:00Z"]
    assert json.loads((tmp_path / "d.jsonl").read_text())["made"] == "2016-03-01"
    with sqlite3.connect(tmp_path / "d.db") as conn:
        assert conn.execute("SELECT made, at FROM smalls").fetchone() == (
            "2016-03-01",
            "2016-03-01T10:00:00Z",
        )
    conn.close()
    table = pq.read_table(tmp_path / "d.parquet")
    assert table.schema.field("made").type == pa.date32()
    assert table.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert table.column("made").to_pylist() == [dt.date(2016, 3, 1)]


def test_parquet_types_from_the_spec_even_when_the_first_page_is_all_null(
    tmp_path: Path,
) -> None:
    target = tmp_path / "n.parquet"
    sink = open_sink(f"parquet:{target}")
    sink.batch_rows = 1  # type: ignore[attr-defined]
    nulls = {"id": "m-0", "name": "x", "created_at": None, "start_time": None}
    with sink:
        sink.write([nulls])
        sink.write([fixture_record()])
        sink.commit()
    parquet_file = pq.ParquetFile(target)
    schema = parquet_file.schema_arrow
    assert schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("start_time").type == pa.timestamp("us", tz="UTC")
    assert schema.field("step_labels_validated").type == pa.bool_()
    assert schema.field("specification.ratings.capacity.value").type == pa.float64()
    assert schema.field("specification.cathode.material.property_count").type == pa.int64()
    assert schema.field("properties").type == pa.string()
    assert schema.names == measurements_schema().column_names
    assert parquet_file.metadata.num_row_groups == 2
    table = parquet_file.read(columns=["id", "created_at", "specification.properties"])
    assert table.to_pydict() == {
        "id": ["m-0", "3f6c2a9e-5d41-4b7a-9c1e-8a2b7d0e4f11"],
        "created_at": [None, dt.datetime(2024, 3, 5, 14, 7, 9, 123456, tzinfo=UTC)],
        "specification.properties": [None, '{"model":"APR18650M1A"}'],
    }


def test_csv_header_never_depends_on_which_records_came_first(tmp_path: Path) -> None:
    sparse = {"id": "s", "name": "sparse"}
    full = fixture_record()
    headers = []
    for order in ([sparse, full], [full, sparse]):
        target = tmp_path / "h.csv"
        with CsvSink(target) as sink:
            for record in order:
                sink.write([record])
            sink.commit()
        headers.append(next(csv.reader(target.open(newline="", encoding="utf-8"))))
    assert headers[0] == headers[1] == measurements_schema().column_names


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_formula_cells_are_neutralised(tmp_path: Path, prefix: str) -> None:
    target = tmp_path / "f.csv"
    with CsvSink(target, record_schema=SMALL) as sink:
        sink.write([{"id": f"{prefix}1+1", "x": -1.5, "n": -2, "props": {"a": 1}}])
        sink.commit()
    rows = list(csv.reader(target.open(newline="", encoding="utf-8")))
    assert rows[1][0] == f"'{prefix}1+1"
    assert rows[1][3:5] == ["-2", "-1.5"]  # numbers are numbers, never escaped
    assert rows[1][9] == '{"a":1}'


def test_csv_hyperlink_from_the_issue_and_the_keep_option(tmp_path: Path) -> None:
    record = fixture_record()
    record["notes"] = '=HYPERLINK("http://example.invalid","open")'
    for option, expected in (("", "'="), ("?formulas=keep", "=")):
        target = tmp_path / "f.csv"
        with open_sink(f"csv:{target}{option}") as sink:
            sink.write([record])
            sink.commit()
        rows = list(csv.reader(target.open(newline="", encoding="utf-8")))
        cell = rows[1][rows[0].index("notes")]
        assert cell == expected + 'HYPERLINK("http://example.invalid","open")'
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"csv:{tmp_path / 'x.csv'}?formulas=maybe")
    assert str(info.value) == (
        "option 'formulas' of sink 'csv' must be one of escape, keep: 'maybe' "
        "(escape: a leading ' before =, +, -, @, tab, CR; keep: cells as sent)"
    )


def test_csv_dash_writes_csv_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    sink = open_sink("csv:-")
    sink.bind_schema(SMALL)  # type: ignore[attr-defined]
    with sink:
        sink.write([{"id": "a", "n": 1, "at": "2017-05-12T10:00:00+00:00"}])
        sink.commit()
    out = capsysbinary.readouterr().out
    assert out == (
        b"id,made,at,n,x,ok,kind,spec.cap.value,spec.cap.unit,props,tags,either,extra_json\r\n"
        b"a,,2017-05-12T10:00:00Z,1,,,,,,,,,\r\n"
    )
    assert sink.describe() == "wrote 1 record to csv:-"


def test_table_escapes_control_characters_in_server_data() -> None:
    console = Console(file=io.StringIO(), width=200, color_system=None, legacy_windows=False)
    sink = TableSink(console=console, columns=["name", "notes"])
    with sink:
        sink.write([{"name": "\x1b[2J\x1b[31mred", "notes": "a\x07b\nc"}])
        sink.commit()
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J\\x1b[31mred" in text
    assert "a\\x07b\\nc" in text


# --------------------------------------------------------------------------------------
# Targets: never replace what is not a regular file
# --------------------------------------------------------------------------------------


def test_character_device_is_streamed_never_replaced(tmp_path: Path) -> None:
    device = tmp_path / "d" / "null"
    device.parent.mkdir()
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod needs root")
    sink = open_sink(f"jsonl:{device}")
    with sink:
        sink.write([fixture_record()])
        sink.commit()
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert os.listdir(device.parent) == ["null"]
    assert sink.describe() == f"wrote 1 record to jsonl:{device}"
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"sqlite:{device}")
    assert str(info.value) == (
        f"sqlite:{device}: '{device}' is a character device, not a regular file; it is never "
        "replaced (the sqlite sink writes regular files)"
    )


def test_fifo_is_streamed(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    sink = CsvSink(target=output_target("csv", str(fifo)), record_schema=SMALL)
    with sink:
        sink.write([{"id": "a"}])
        sink.commit()
    reader.join(5)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received == [
        b"id,made,at,n,x,ok,kind,spec.cap.value,spec.cap.unit,props,tags,"
        b"either,extra_json\r\na,,,,,,,,,,,,\r\n"
    ]


def test_stdout_names_behave_alike() -> None:
    assert output_target("jsonl", "-") == OutputTarget(None, True, "stdout")
    assert output_target("jsonl", "/dev/stdout") == OutputTarget(None, True, "stdout")
    assert output_target("csv", "/dev/fd/1") == OutputTarget(None, True, "stdout")
    assert {"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"} == STDOUT_NAMES
    assert output_target("jsonl", "/dev/fd/7") == OutputTarget(None, True, "file descriptor", 7)


def test_refused_targets_name_what_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    os.symlink(tmp_path / "adir", tmp_path / "link")
    cases = {
        "jsonl:adir": "jsonl:adir: 'adir' is a directory, not a regular file; it is never "
        "replaced (the jsonl sink writes regular files, character devices and FIFOs)",
        "csv:link": "csv:link: 'link' is a directory, not a regular file; it is never "
        "replaced (the csv sink writes regular files, character devices and FIFOs)",
        "jsonl:sock": "jsonl:sock: 'sock' is a socket, not a regular file; it is never "
        "replaced (the jsonl sink writes regular files, character devices and FIFOs)",
        "sqlite:/dev/stdout": "sqlite:/dev/stdout: the sqlite sink cannot write to stdout; "
        "give a file path, e.g. sqlite:out.db",
    }
    try:
        for text, message in cases.items():
            with pytest.raises(SinkTargetError) as info:
                open_sink(text)
            assert str(info.value) == message
    finally:
        sock.close()
    assert sorted(os.listdir(tmp_path)) == ["adir", "link", "sock"]


def test_block_device_is_refused(tmp_path: Path) -> None:
    node = tmp_path / "disk"
    try:
        os.mknod(node, 0o600 | stat.S_IFBLK, os.makedev(7, 0))
    except PermissionError:
        pytest.skip("mknod needs root")
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"jsonl:{node}")
    assert str(info.value) == (
        f"jsonl:{node}: '{node}' is a block device, not a regular file; it is never replaced "
        "(the jsonl sink writes regular files, character devices and FIFOs)"
    )


def test_symlink_to_a_regular_file_is_resolved_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    os.chmod(real, 0o640)
    (tmp_path / "link.jsonl").symlink_to(real)
    with open_sink(f"jsonl:{tmp_path / 'link.jsonl'}") as sink:
        sink.write([{"id": "a"}])
        sink.commit()
    assert (tmp_path / "link.jsonl").is_symlink()
    assert real.read_text() == '{"id":"a"}\n'
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640


# --------------------------------------------------------------------------------------
# SQLite: new databases, locks, interrupted runs
# --------------------------------------------------------------------------------------


def test_sqlite_aborted_new_database_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    sink = open_sink(f"sqlite:{db}")
    sink.write([{"id": "a"}])
    assert not db.exists()  # built beside it until commit
    sink.abort()
    assert os.listdir(tmp_path) == []


def test_sqlite_new_database_mode_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        with open_sink(f"sqlite:{tmp_path / 'm.db'}") as sink:
            sink.write([{"id": "a"}])
            sink.commit()
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.db").st_mode) == 0o640
    assert os.listdir(tmp_path) == ["m.db"]


def test_sqlite_database_created_meanwhile_by_another_run_is_merged_not_replaced(
    tmp_path: Path,
) -> None:
    db = tmp_path / "race.db"
    ours = open_sink(f"sqlite:{db}")
    ours.write([{"id": "ours", "name": "mine"}])
    other = open_sink(f"sqlite:{db}")
    other.write([{"id": "theirs", "name": "other"}])
    other.commit()  # the other run published first
    ours.commit()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, name FROM measurements ORDER BY id").fetchall()
    conn.close()
    assert rows == [("ours", "mine"), ("theirs", "other")]
    assert os.listdir(tmp_path) == ["race.db"]


def test_sqlite_second_run_waits_visibly_then_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "busy.db"
    with open_sink(f"sqlite:{db}") as sink:
        sink.write([{"id": "a"}])
        sink.commit()
    first = open_sink(f"sqlite:{db}")
    first.write([{"id": "b"}])  # holds the write lock
    second = SqliteSink(db, label=f"sqlite:{db}", timeout=0.2)
    with pytest.raises(SinkTargetError) as info:
        second.write([{"id": "c"}])
    assert str(info.value) == (
        f"sqlite:{db}: the database is still locked by another run after 0.2 s; nothing was "
        "written to it (try again when the other run has finished)"
    )
    assert capsys.readouterr().err == (
        f"sqlite:{db}: another run is writing to this database; waiting up to 0.2 s for its "
        "lock...\n"
    )
    second.abort()
    first.abort()  # an interrupted run never deletes the database
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM measurements").fetchall() == [("a",)]
    conn.close()
    assert os.listdir(tmp_path) == ["busy.db"]


def test_json_record_fast_path_equals_the_exact_walk_and_never_mutates() -> None:
    schema = measurements_schema()
    record = fixture_record()
    record["notes"] = "nan and inf in information"  # text, not a float
    record["instance"]["created_at"] = "2024-03-05T16:00:00+02:00"
    before = copy.deepcopy(record)
    stats = ConversionStats()
    fast = schema.json_record(record, stats)
    exact = schema._json(schema._tree, record, ConversionStats())
    assert fast == exact
    assert record == before
    assert fast["instance"]["created_at"] == "2024-03-05T14:00:00Z"
    assert fast["updated_at"] == "2024-03-06T07:30:00Z"
    assert fast["specification"] is record["specification"]  # unchanged branches are shared
    assert stats.non_finite == 0
