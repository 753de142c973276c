"""The export hot path (issue 14): the compiled column rule, the checked JSON parse, the
JSON-ready pages and the SQLite upsert without NULL cells must give
exactly what the general code gives."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_client.models import CellMeasurementWithDetails
from ionworks_toolkit import Toolkit, _codec
from ionworks_toolkit._codec import JsonReadyList, loads_checked
from ionworks_toolkit.sinks import measurements_schema
from ionworks_toolkit.sinks._columns import ConversionStats, _maybe_non_finite, _time_text
from ionworks_toolkit.sinks._sqlite import SqliteSink

DATA = Path(__file__).resolve().parents[1] / "data"
PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
UTC = dt.UTC


def page_items() -> list[dict[str, Any]]:
    """The fixture measurement with its undeclared fields, then two usual ones (only declared
    fields, other ids)."""
    page = json.loads((DATA / "by_project_page_severson.json").read_text(encoding="utf-8"))
    (item,) = page["items"]
    usual = copy.deepcopy(item)
    del usual["processing_queue_position"], usual["instance"]["storage_location"]
    usual["id"] = "usual"
    second = {**copy.deepcopy(usual), "id": "second", "created_at": "2024-03-05T14:07:09+00:00"}
    return [item, usual, second]


def with_value(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(record)
    node = out
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {}) if node.get(part) is None else node[part]
    node[last] = value
    return out


#: (path, value): each one takes a record off the compiled fast path (or checks it stays on).
ODD_VALUES: list[tuple[str, Any]] = [
    ("created_at", None),
    ("created_at", "not a date"),
    ("created_at", "2024-01-15T05:05:00.25+02:00"),
    ("created_at", "2024-01-15T05:05:00"),
    ("created_at", "2024-01-15"),
    ("created_at", "2024-01-15T05:05:00.123456Z"),
    ("created_at", "2024-01-15T05:05:00+00:00"),
    ("created_at", "9999-12-31T23:59:59-05:00"),
    ("created_at", 5),
    ("future_field", "kept"),
    ("specification.future_field", 2),
    ("specification.ratings.capacity.value", float("nan")),
    ("specification.ratings.capacity.value", float("inf")),
    ("specification.ratings.capacity.value", 3),
    ("specification.ratings.capacity.value", 2**70),
    ("specification.ratings.capacity.value", "x"),
    ("specification.anode.material.property_count", 3.0),
    ("specification.anode.material.property_count", True),
    ("specification.anode.material.property_count", 2**70),
    ("step_labels_validated", 1),
    ("instance.date_manufactured", "2024-W01-1"),
    ("instance.date_manufactured", "2024-01-01"),
    ("instance.date_manufactured", "2024-01-01T00:00:00Z"),
    ("protocol", {"a": float("inf")}),
    ("protocol", "text"),
    ("protocol", {"big": 2**70}),  # orjson cannot write it exactly: the standard library does
    ("protocol", {1: "a key that is not text"}),
    ("tags", ["a", float("nan")]),
    ("specification", None),
    ("specification", 5),
    ("specification.anode", None),
    ("specification.anode", ["not", "an", "object"]),
]


def general_row(record: Any, text_times: bool) -> tuple[list[Any], ConversionStats]:
    schema = measurements_schema()
    stats = ConversionStats()
    cells = schema._general_row(record, stats)
    return ([_time_text(v) for v in cells] if text_times else cells), stats


def general_json(record: Any) -> tuple[Any, ConversionStats]:
    schema = measurements_schema()
    stats = ConversionStats()
    if _maybe_non_finite(record):
        return schema._json(schema._tree, record, stats), stats
    return schema._dates(schema._date_tree, record), stats


def cases() -> list[dict[str, Any]]:
    items = page_items()
    records = [CellMeasurementWithDetails.record_from_dict(item) for item in items]
    out = [*items, *records]
    for path, value in ODD_VALUES:
        out.append(with_value(records[0], path, value))
        out.append(with_value(items[0], path, value))
    return out


@pytest.mark.parametrize("text_times", [False, True])
def test_compiled_row_is_the_general_rule(text_times: bool) -> None:
    schema = measurements_schema()
    fast = 0
    for record in cases():
        stats = ConversionStats()
        row = schema.row(record, stats, text_times=text_times)
        expected, expected_stats = general_row(record, text_times)
        assert row == expected, record
        assert [type(v) for v in row] == [type(v) for v in expected]
        assert stats == expected_stats
        fast += schema._compiled_row(text_times)(record, False) is not None
    assert fast >= 4  # the usual records (and their model round trips) take the compiled path


def test_present_row_is_the_row_without_its_nulls() -> None:
    schema = measurements_schema()
    fast = 0
    for record in cases():
        got = schema.present_row(record)
        if schema._compiled_row(True)(record, False) is None:
            assert got is None, record  # the general rule's record: row() lays it out
            continue
        fast += 1
        assert got is not None
        cells = schema.row(record, text_times=True)
        indices, values = got
        assert type(indices) is tuple
        assert indices == tuple(i for i, cell in enumerate(cells) if cell is not None)
        expected = [int(c) if type(c) is bool else c for c in cells if c is not None]
        assert values == expected
        assert [type(v) for v in values] == [type(c) for c in expected]
    assert fast >= 4
    usual = CellMeasurementWithDetails.record_from_dict(page_items()[1])
    for sent in ("2024-03-05T14:07:09.123456Z", "2024-03-05T14:07:09.123456+00:00"):
        record = {**usual, "created_at": sent}
        indices, values = schema.present_row(record, json_ready=True) or ((), [])
        by_name = {schema.column_names[i]: v for i, v in zip(indices, values, strict=True)}
        assert by_name["id"] == "usual"
        assert by_name["created_at"] == "2024-03-05T14:07:09.123456Z"
        assert by_name["step_labels_validated"] == 0
        assert type(by_name["step_labels_validated"]) is int  # SQLite's 0/1, bound as an int
        assert by_name["tags"] == '["batch-2017-05-12","severson-2019"]'
        assert "end_time" not in by_name  # null: left out
    # A schema with derived columns (read from inside a JSON column) takes row() always
    assert schema.with_derived(["test_setup.cycler"]).present_row(usual) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [({"big": 2**70}, '{"big":1180591620717411303424}'), ({1: "a"}, '{"1":"a"}')],
)
def test_a_json_value_orjson_cannot_write_is_written_by_the_standard_library(
    value: Any, text: str
) -> None:
    schema = measurements_schema()
    record = with_value(page_items()[1], "protocol", value)
    assert schema.present_row(record) is None
    cells = dict(zip(schema.column_names, schema.row(record), strict=True))
    assert cells["protocol"] == text
    assert cells["extra_json"] is None


def test_compiled_row_types_and_text_times() -> None:
    record = with_value(page_items()[0], "instance.date_manufactured", "2016-03-01")
    record["created_at"] = "2024-01-15T07:05:00+02:00"
    schema = measurements_schema()
    names = schema.column_names
    row = dict(zip(names, schema.row(record), strict=True))
    text = dict(zip(names, schema.row(record, text_times=True), strict=True))
    assert row["created_at"] == dt.datetime(2024, 1, 15, 5, 5, tzinfo=UTC)
    assert text["created_at"] == "2024-01-15T05:05:00Z"
    assert row["instance.date_manufactured"] == dt.date(2016, 3, 1)
    assert text["instance.date_manufactured"] == "2016-03-01"
    # The memo of instants gives the same cell for the same text, in either form
    again = dict(zip(names, schema.row(record, text_times=True), strict=True))
    assert again["created_at"] == "2024-01-15T05:05:00Z"


def test_compiled_json_record_is_the_general_rule() -> None:
    schema = measurements_schema()
    for record in cases():
        stats = ConversionStats()
        out = schema.json_record(record, stats)
        expected, expected_stats = general_json(record)
        assert json.dumps(out, default=str) == json.dumps(expected, default=str), record
        assert stats == expected_stats
        if not _maybe_non_finite(record):
            assert schema.json_record(record, json_ready=True) == out


def test_json_record_copies_only_what_it_changes() -> None:
    record = CellMeasurementWithDetails.record_from_dict(page_items()[0])
    before = copy.deepcopy(record)
    out = measurements_schema().json_record(record, json_ready=True)
    assert record == before  # never changed in place
    assert out["created_at"].endswith("Z")
    assert out["protocol"] is record["protocol"]  # no date-time inside: shared, not copied


# ------------------------------------------------------------------ the checked parse


@pytest.mark.parametrize(
    ("body", "finite"),
    [
        (b'{"a":[1,2.5,null,"\\u00e4"],"b":{"c":true}}', True),
        (b"[NaN, 1]", False),
        (b"[Infinity]", False),
        (b"[1e999]", False),
        (b"[18446744073709551616]", True),  # beyond 64 bits: exact (orjson gave a float)
        (b"[-9223372036854775809]", True),
        (b"[123456789012345678901234567890, -1]", True),
        (b'["1234567890123456789 in a string"]', True),
        (b"[" + b"9" * 4301 + b"]", False),  # past Python's digit limit: the standard library
        (b'"\\ud800"', False),  # a lone surrogate: the standard library keeps it
        (b"\xef\xbb\xbf[1]", False),  # a UTF-8 byte order mark
        ('{"x": 1}'.encode("utf-16"), False),
        (b'{"a":1,"a":2}', True),
        (b"[1e5000000000]", False),  # beyond the float range: msgspec refuses, json gives inf
    ],
)
def test_loads_checked_gives_the_standard_librarys_values(body: bytes, finite: bool) -> None:
    try:
        expected = json.loads(body)
    except ValueError as exc:  # past the digit limit: the same error, from the same parser
        with pytest.raises(ValueError, match="^" + re.escape(str(exc)) + "$"):
            loads_checked(body)
        return
    value, was_finite = loads_checked(body)
    assert json.dumps(value) == json.dumps(expected)
    assert [type(v) for v in value] == [type(v) for v in expected]
    assert was_finite is (finite and _codec.HAVE_MSGSPEC)


@pytest.mark.parametrize(
    "body", [b"[1,]", b"<html>", b'["\x01"]', b"[01]", b'"\xff"', b"[-01]", b"[1.]", b"[1 2]", b""]
)
def test_loads_checked_raises_the_standard_librarys_errors(body: bytes) -> None:
    with pytest.raises(ValueError) as expected:
        json.loads(body)
    with pytest.raises(ValueError) as got:
        loads_checked(body)
    assert (type(got.value), str(got.value)) == (type(expected.value), str(expected.value))


# ------------------------------------------------------------------ JSON-ready pages


class Recorder:
    def __init__(self) -> None:
        self.pages: list[Any] = []

    def write(self, records: Any) -> None:
        self.pages.append(records)

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


def export_pages(body: bytes, tmp_path: Path) -> tuple[Recorder, list[str]]:
    """Export a one-page project whose page is ``body`` (then the empty page)."""

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        content = body if offset == 0 else b'{"items": [], "count": 0, "total": 3}'
        return httpx.Response(200, content=content, headers={"content-type": "application/json"})

    recorder = Recorder()
    transport = httpx.MockTransport(handler)
    with Toolkit(api_url="https://api.example.com", api_key="k", transport=transport,
                 max_retries=0, load_entry_points=False, environ={},
                 working_dir=str(tmp_path)) as toolkit:  # fmt: skip
        toolkit.export(PROJECT_ID, [recorder, f"jsonl:{tmp_path}/m.jsonl"], page_size=3)
    lines = (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()
    return recorder, lines


def test_a_page_orjson_parsed_reaches_the_sinks_as_json_ready(tmp_path: Path) -> None:
    items = page_items()[:3]
    body = json.dumps({"items": items, "count": 3, "total": 3}).encode()
    recorder, lines = export_pages(body, tmp_path)
    assert [type(p) for p in recorder.pages] == [JsonReadyList if _codec.HAVE_ORJSON else list]
    assert [json.loads(line)["id"] for line in lines] == [i["id"] for i in items]


def test_a_page_with_nan_is_scanned_and_counted(tmp_path: Path) -> None:
    items = copy.deepcopy(page_items()[:3])
    items[1]["protocol"] = {"ambient_temperature_degc": float("nan")}
    body = json.dumps({"items": items, "count": 3, "total": 3}).encode()  # writes NaN
    recorder, lines = export_pages(body, tmp_path)
    assert [type(p) for p in recorder.pages] == [list]
    assert json.loads(lines[1])["protocol"] == {"ambient_temperature_degc": None}


# ------------------------------------------------------------------ SQLite without NULL cells


def sqlite_rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("select * from measurements order by id").fetchall()


def test_sqlite_rows_are_the_same_with_null_cells_left_out(tmp_path: Path) -> None:
    items = page_items()
    records = [CellMeasurementWithDetails.record_from_dict(i) for i in items]
    odd = [with_value(records[0], path, value) for path, value in ODD_VALUES]
    for n, record in enumerate(odd):
        record["id"] = f"odd-{n}"
    duplicate = with_value(records[1], "notes", "the later record with this id wins")
    pages = [JsonReadyList(records[:4]), [*odd, duplicate], records[4:]]
    results = {}
    for omit in (True, False):
        path = tmp_path / f"omit-{omit}.db"
        sink = SqliteSink(path)
        sink._connection()
        assert sink._omit_nulls is True  # a table this sink made declares no DEFAULT
        sink._omit_nulls = omit
        for page in pages:
            sink.write(page)
        sink.commit()
        results[omit] = sqlite_rows(path)
    assert results[True] == results[False]
    assert len(results[True]) == len({r["id"] for r in records}) + len(odd)
    by_id = {row[0]: row for row in results[True]}
    assert "the later record with this id wins" in json.dumps(by_id["usual"])


def test_sqlite_table_with_a_default_binds_every_cell(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    with sqlite3.connect(path) as db:
        db.execute(
            'CREATE TABLE measurements ("id" TEXT PRIMARY KEY NOT NULL, '
            "notes TEXT DEFAULT 'by default', record_json TEXT NOT NULL)"
        )
    record = {**page_items()[0], "notes": None}
    sink = SqliteSink(path)
    sink.write([record])
    assert sink._omit_nulls is False
    sink.commit()
    with sqlite3.connect(path) as db:
        assert db.execute("select notes from measurements").fetchall() == [(None,)]


def test_sqlite_scans_a_page_not_parsed_by_orjson_only_where_the_compiled_rule_did_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ionworks_toolkit.sinks import _columns

    records = [CellMeasurementWithDetails.record_from_dict(i) for i in page_items()[1:]]
    nan = with_value(records[0], "specification.ratings.capacity.value", float("nan"))
    nan["id"] = "nan"
    scanned: list[str] = []
    real = _columns._maybe_non_finite

    def spy(value: Any) -> bool:
        if isinstance(value, dict) and "measurement_type" in value:  # a whole record
            scanned.append(value["id"])
        return real(value)

    monkeypatch.setattr(_columns, "_maybe_non_finite", spy)
    path = tmp_path / "plain.db"
    sink = SqliteSink(path)
    sink.write([*records, nan])  # a plain list: the standard library's parse, say
    sink.commit()
    # the usual records were laid out by the compiled rule, which saw every value: no scan
    assert scanned == ["nan", "nan"]  # the general row, then its record_json
    assert sink.conversion.non_finite == 1
    with sqlite3.connect(path) as db:
        got = db.execute(
            'select id, "specification.ratings.capacity.value", '
            "json_extract(record_json, '$.specification.ratings.capacity.value') "
            "from measurements order by id"
        ).fetchall()
    capacity = records[0]["specification"]["ratings"]["capacity"]["value"]
    assert got == [
        ("nan", None, None),
        ("second", capacity, capacity),
        ("usual", capacity, capacity),
    ]
    # an orjson-parsed page: an odd record's general row scans it, its record_json does not
    scanned.clear()
    odd = {**records[0], "id": "odd", "future_field": 1}
    sink = SqliteSink(tmp_path / "ready.db")
    sink.write(JsonReadyList([records[1], odd]))
    sink.commit()
    assert scanned == ["odd"]
