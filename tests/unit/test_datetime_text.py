"""Date-time texts from the server at the edges of what a ``datetime`` holds (FINDINGS6 F16).

One rule, ``ionworks_client.types.parse_datetime``, read by the generated models and by every
sink: a lower-case ``z`` is UTC like ``Z`` (RFC 3339 section 5.6), and a text finer than a
microsecond (``.1234567Z``, .NET's seven digits) is no instant a ``datetime`` or a Parquet
``timestamp[us]`` holds exactly, so it is kept as sent (the tolerant reader's rule for a
text that does not parse) instead of being cut to six digits. Digits past the sixth that
are zeros name the same instant and are read.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import PROJECT_ID, PagedServer, measurement
from ionworks_client.models import CellMeasurementWithDetails, Project
from ionworks_client.types import parse_datetime
from ionworks_toolkit import operations
from ionworks_toolkit.sinks import ConversionStats, measurements_schema

UTC = dt.UTC
LOWER_Z = "2024-01-02T03:04:05z"
SEVEN = "2024-01-01T07:45:00.1234567Z"
SEVEN_ZERO = "2024-01-01T07:45:00.1234560Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LOWER_Z, dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02t03:04:05.5z", dt.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        (SEVEN_ZERO, dt.datetime(2024, 1, 1, 7, 45, 0, 123456, tzinfo=UTC)),
        ("2024-01-01T07:45:00.123456000+01:00",
         dt.datetime(2024, 1, 1, 7, 45, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        ("2024-01-01T07:45:00.123456Z", dt.datetime(2024, 1, 1, 7, 45, 0, 123456, tzinfo=UTC)),
        ("2024-01-01T07:45:00,5Z", dt.datetime(2024, 1, 1, 7, 45, 0, 500000, tzinfo=UTC)),
        ("2024-01-01T07:45:00Z", dt.datetime(2024, 1, 1, 7, 45, 0, tzinfo=UTC)),
        ("2024-01-01T07:45:00", dt.datetime(2024, 1, 1, 7, 45, 0)),
    ],
)  # fmt: skip
def test_instants_a_datetime_holds_exactly_are_read(text: str, expected: dt.datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        SEVEN,
        "2024-01-01T07:45:00.1234567z",
        "2024-01-01T07:45:00.123456789+01:00",
        "2024-01-01T07:45:00,0000001Z",
        "20240101T074500.1234567Z",
        "2024-01-01T07:45:00.0000000001",
    ],
)
def test_a_text_finer_than_a_microsecond_is_refused(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_datetime(text)
    assert str(info.value) == f"{text!r} is finer than a microsecond; a datetime cannot hold it"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("z", ValueError),
        ("2024-01-02T03:04:05zz", ValueError),
        ("2024-01-02T03:04:05Zz", ValueError),
        ("2024-01-02T03:04:05", None),
        ("", ValueError),
        ("soon", ValueError),
    ],
)
def test_only_one_final_lower_case_z_is_utc(text: str, error: type[Exception] | None) -> None:
    if error is None:
        assert parse_datetime(text) == dt.datetime(2024, 1, 2, 3, 4, 5)
    else:
        with pytest.raises(error):
            parse_datetime(text)
    with pytest.raises(TypeError):
        parse_datetime(1705295100)  # type: ignore[arg-type]


# ------------------------------------------------------------------ the generated models


@pytest.mark.parametrize(
    ("sent", "attribute", "record"),
    [
        (LOWER_Z, dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05+00:00"),
        (SEVEN, SEVEN, SEVEN),  # kept as sent, like a text that does not parse
        (SEVEN_ZERO, dt.datetime(2024, 1, 1, 7, 45, 0, 123456, tzinfo=UTC),
         "2024-01-01T07:45:00.123456+00:00"),
    ],
)  # fmt: skip
def test_models_read_the_same_rule(sent: str, attribute: Any, record: str) -> None:
    raw = measurement(1, created_at=sent, updated_at=sent)
    model = CellMeasurementWithDetails.from_dict(raw)
    assert model.created_at == attribute
    assert model.updated_at == attribute
    assert model.to_dict()["created_at"] == record
    assert CellMeasurementWithDetails.record_from_dict(raw)["created_at"] == record
    assert CellMeasurementWithDetails.record_from_dict(raw) == model.to_dict()
    assert CellMeasurementWithDetails.is_plain_record(raw) is False  # the slow path decides
    project = {
        "id": "p-1",
        "name": "p",
        "organization_id": "o",
        "created_at": sent,
        "updated_at": None,
    }
    assert Project.from_dict(project).created_at == attribute
    assert Project.record_from_dict(project)["created_at"] == record


def test_the_sinks_rule_on_records_given_directly() -> None:
    schema = measurements_schema()
    at = schema.column_names.index("created_at")
    stats = ConversionStats()
    lower = schema.row(measurement(1, created_at=LOWER_Z), stats, text_times=True)
    seven = schema.row(measurement(2, created_at=SEVEN), stats, text_times=True)
    zeros = schema.row(measurement(3, created_at=SEVEN_ZERO), stats)
    assert (lower[at], lower[-1]) == ("2024-01-02T03:04:05Z", None)
    assert (seven[at], seven[-1]) == (None, '{"created_at":"2024-01-01T07:45:00.1234567Z"}')
    assert (zeros[at], zeros[-1]) == (dt.datetime(2024, 1, 1, 7, 45, 0, 123456, tzinfo=UTC), None)
    assert stats.summary() == "1 value not of the declared type kept in extra_json"
    assert schema.json_record(measurement(1, created_at=LOWER_Z))["created_at"] == (
        "2024-01-02T03:04:05Z"
    )
    assert schema.json_record(measurement(2, created_at=SEVEN))["created_at"] == SEVEN
    assert schema.json_record(measurement(3, created_at=SEVEN_ZERO))["created_at"] == (
        "2024-01-01T07:45:00.123456Z"
    )
    # the compiled fast row (SQLite's) and the general rule agree
    assert schema.present_row(measurement(2, created_at=SEVEN)) is None
    key, cells = schema.present_row(measurement(1, created_at=LOWER_Z))  # type: ignore[misc]
    assert cells[key.index(at)] == "2024-01-02T03:04:05Z"


# ------------------------------------------------------------------ every sink, both paths


def served() -> list[dict[str, Any]]:
    return [
        measurement(0, created_at=LOWER_Z, updated_at="2024-01-02T03:04:05.25z"),
        measurement(1, created_at=SEVEN, updated_at="2024-01-01T07:45:00.123456789+01:00"),
        measurement(2, created_at=SEVEN_ZERO, updated_at="2024-01-01T07:45:00Z"),
    ]


def read_outputs(folder: Path) -> dict[str, list[dict[str, Any]]]:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    with sqlite3.connect(folder / "m.db") as db:
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute("select * from measurements order by id")]
    with open(folder / "m.csv", newline="", encoding="utf-8") as handle:
        csv_rows = list(csv.DictReader(handle))
    lines = (folder / "m.jsonl").read_text(encoding="utf-8").splitlines()
    dataset = ds.dataset(folder / "ds", format="parquet").to_table().to_pylist()
    return {
        "jsonl": [json.loads(line) for line in lines],
        "csv": csv_rows,
        "sqlite": rows,
        "parquet": pq.read_table(folder / "m.parquet").to_pylist(),
        "dataset": sorted(dataset, key=lambda r: r["id"]),
    }


def targets(folder: Path) -> list[str]:
    return [
        f"jsonl:{folder}/m.jsonl",
        f"csv:{folder}/m.csv",
        f"sqlite:{folder}/m.db",
        f"parquet:{folder}/m.parquet",
        f"dataset:{folder}/ds",
    ]


@pytest.mark.parametrize("path", ["records", "models", "async"])
def test_every_sink_keeps_what_it_cannot_hold_and_reads_lower_case_z(
    path: str,
    tmp_path: Path,
    make_toolkit: Callable[..., Any],
    make_async_toolkit: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = PagedServer(0)
    server.records = served()
    if path == "models":
        monkeypatch.setattr(operations.ListOperation, "records", lambda self, **_: self)
    if path == "async":

        async def run() -> Any:
            async with make_async_toolkit(server) as toolkit:
                return await toolkit.export(PROJECT_ID, targets(tmp_path), page_size=2)

        result = asyncio.run(run())
    else:
        result = make_toolkit(server).export(PROJECT_ID, targets(tmp_path), page_size=2)
    assert result.records == 3
    note = "(2 values not of the declared type kept in extra_json)"
    assert list(result.sinks) == [
        f"wrote 3 records to jsonl:{tmp_path}/m.jsonl",
        f"wrote 3 records to csv:{tmp_path}/m.csv {note}",
        f"wrote 3 records to sqlite:{tmp_path}/m.db (table measurements) {note}",
        f"wrote 3 records to parquet:{tmp_path}/m.parquet {note}",
        f"wrote 3 records to dataset:{tmp_path}/ds {note}",
    ]
    out = read_outputs(tmp_path)

    lower, seven, zeros = out["jsonl"]
    assert (lower["created_at"], lower["updated_at"]) == (
        "2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05.250000Z",
    )
    assert (seven["created_at"], seven["updated_at"]) == (
        SEVEN,
        "2024-01-01T07:45:00.123456789+01:00",
    )
    assert (zeros["created_at"], zeros["updated_at"]) == (
        "2024-01-01T07:45:00.123456Z",
        "2024-01-01T07:45:00Z",
    )
    kept = {"created_at": SEVEN, "updated_at": "2024-01-01T07:45:00.123456789+01:00"}
    for sink in ("csv", "sqlite"):
        rows = out[sink]
        empty = "" if sink == "csv" else None
        assert [(r["created_at"], r["updated_at"]) for r in rows] == [
            ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05.250000Z"),
            (empty, empty),
            ("2024-01-01T07:45:00.123456Z", "2024-01-01T07:45:00Z"),
        ], sink
        kept_text = json.dumps(kept, separators=(",", ":"))
        assert [r["extra_json"] for r in rows] == [empty, kept_text, empty], sink
    assert [json.loads(r["record_json"]) for r in out["sqlite"]] == out["jsonl"]
    for sink in ("parquet", "dataset"):
        rows = out[sink]
        assert [(r["created_at"], r["updated_at"]) for r in rows] == [
            (dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
             dt.datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
            (None, None),
            (dt.datetime(2024, 1, 1, 7, 45, 0, 123456, tzinfo=UTC),
             dt.datetime(2024, 1, 1, 7, 45, tzinfo=UTC)),
        ], sink  # fmt: skip
        assert json.loads(rows[1]["extra_json"]) == kept, sink
        assert rows[0]["extra_json"] is None and rows[2]["extra_json"] is None, sink


def test_a_plugin_sink_gets_the_text_as_sent_too(make_toolkit: Callable[..., Any]) -> None:
    got: list[Any] = []

    class Plugin:  # no applies_date_rule: item.to_dict() records
        def __enter__(self) -> Plugin:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def write(self, records: Any) -> None:
            got.extend(records)

        def commit(self) -> None:
            pass

        def abort(self) -> None:
            pass

    server = PagedServer(0)
    server.records = served()
    make_toolkit(server).export(PROJECT_ID, [Plugin()], page_size=5)
    assert [(r["created_at"], r["updated_at"]) for r in got] == [
        ("2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05.250000+00:00"),
        (SEVEN, "2024-01-01T07:45:00.123456789+01:00"),
        ("2024-01-01T07:45:00.123456+00:00", "2024-01-01T07:45:00+00:00"),
    ]


def test_the_mock_transport_is_what_the_export_reads() -> None:
    """The server above sends the texts byte for byte (no client-side reformatting)."""
    server = PagedServer(0)
    server.records = served()
    body = server(httpx.Request("GET", "https://api.example.com/x?offset=0&limit=5")).read()
    assert b'"2024-01-01T07:45:00.1234567Z"' in body and b'"2024-01-02T03:04:05z"' in body
