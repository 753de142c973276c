"""The export path without the model round trip (``record_from_dict``, ``ListOperation.records``).

``Model.record_from_dict(raw)`` must give what ``Model.from_dict(raw).to_dict()`` gives (equal
as dicts), with the same tolerant-reader rules and the same errors, and every sink must get
the same records either way.
"""

from __future__ import annotations

import copy
import csv
import inspect
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import ionworks_client.models as models
import pytest
from ionworks_client.models import CellMeasurementWithDetails, CellMeasurementWithDetailsPage
from ionworks_client.types import NestedObjectKeyError
from ionworks_toolkit import Toolkit, operations
from ionworks_toolkit.export import write_page
from ionworks_toolkit.sinks import measurements_schema
from request_budget import RequestBudget

pytestmark = pytest.mark.sandbox

SEVERSON_ID = "dad27f90-713a-5a2b-a976-e4a38e9951be"
PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"


def outcome(function: Callable[[], Any]) -> Any:
    """The result, or ``(exception type, message)``. A lazily parsed nested object's
    NestedObjectKeyError (the model path; its message names model and attribute) counts as
    the bare KeyError of its key, which record_from_dict raises."""
    try:
        return function()
    except NestedObjectKeyError as exc:
        return (KeyError, repr(exc.key))
    except Exception as exc:
        return (type(exc), str(exc))


def both(model: Any, raw: Any) -> tuple[Any, Any]:
    original = copy.deepcopy(raw)
    record = outcome(lambda: model.record_from_dict(raw))
    assert raw == original, "record_from_dict changed its input"
    return record, outcome(lambda: model.from_dict(raw).to_dict())


@pytest.fixture(scope="module")
def items(sandbox: Any) -> list[dict[str, Any]]:
    """Every measurement of every sandbox project (real data plus the 1500-item scale one)."""
    out: list[dict[str, Any]] = []
    budget = RequestBudget()  # a walk that never ends fails instead of exhausting memory
    with httpx.Client(base_url=sandbox.base_url, headers={"X-API-Key": "sandbox"}) as client:
        for project in client.get("/projects", params={"limit": 1000}).json():
            offset = 0
            while True:
                budget.spend()
                page = client.get(
                    f"/cell_measurements/by-project/{project['id']}",
                    params={"limit": 1000, "offset": offset},
                ).json()
                out.extend(page["items"])
                offset += len(page["items"])
                if not page["items"] or offset >= page["total"]:
                    break
    return out


def test_every_sandbox_measurement_gives_the_model_round_trip(
    items: list[dict[str, Any]],
) -> None:
    assert len(items) > 1500
    mismatches = [
        item["id"] for item in items if both(CellMeasurementWithDetails, item)[0] != both(
            CellMeasurementWithDetails, item)[1]
    ]  # fmt: skip
    assert mismatches == []
    record = CellMeasurementWithDetails.record_from_dict(items[0])
    assert list(record) == list(items[0])  # keys in the order the server sent them
    assert record["created_at"].endswith("+00:00") and items[0]["created_at"].endswith("Z")


def mutate(item: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(item)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return changed


CASES: list[tuple[str, Any]] = [
    ("measurement_type", "future_type"),  # unknown enum value: kept as sent
    ("measurement_type", 7),
    ("created_at", None),  # null date-times stay null
    ("start_time", None),
    ("created_at", "not a date"),  # unparseable: kept as sent
    ("created_at", "2024-01-15T05:05:00Z"),
    ("created_at", "2024-01-15T05:05:00.123Z"),
    ("created_at", "2024-01-15 05:05:00Z"),
    ("created_at", "2024-01-15T05:05:00+02:00"),
    ("created_at", "2024-01-15T24:00:00Z"),
    ("created_at", "20240115T050500Z"),
    ("created_at", 1705295100),
    ("future_field", {"nested": [1, 2]}),  # unknown fields survive at every level
    ("specification.future_field", "x"),
    ("instance.future_field", None),
    ("specification.ratings.capacity.future_field", 1),
    ("specification.anode", "graphite, as text"),
    ("specification.anode", {"no": "required keys"}),
    ("tags", None),
    ("name", KeyError),  # missing required keys: KeyError either way
    ("specification.name", KeyError),
    ("instance.created_at", KeyError),
    ("protocol", None),  # a null nested object: kept, required or not
    ("test_setup", None),
    ("properties", None),
    ("file_metadata", None),
    ("specification", None),
    ("instance", None),
    ("specification.ratings", None),
    ("specification.ratings.capacity", None),
    ("instance.measured_properties", None),
    ("protocol", "CC-CV"),  # a nested object that is not an object
    ("specification", []),
    ("instance", 3),
]


@pytest.mark.parametrize(("path", "value"), CASES, ids=[f"{p}={v!r}" for p, v in CASES])
def test_tolerant_reader_and_errors_are_the_models(
    items: list[dict[str, Any]], path: str, value: Any
) -> None:
    with_anode = next(i for i in items if isinstance(i["specification"].get("anode"), dict))
    record, model = both(CellMeasurementWithDetails, mutate(with_anode, path, value))
    assert record == model


def test_kept_and_converted_values(items: list[dict[str, Any]]) -> None:
    raw = mutate(items[0], "measurement_type", "future_type")
    raw["start_time"] = None
    raw["created_at"] = "soon"
    raw["updated_at"] = "2024-01-15T05:05:00.5+01:00"
    record = CellMeasurementWithDetails.record_from_dict(raw)
    assert record["measurement_type"] == "future_type"
    assert record["start_time"] is None
    assert record["created_at"] == "soon"
    assert record["updated_at"] == "2024-01-15T05:05:00.500000+01:00"


def model_classes() -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(models, inspect.isclass)
        if hasattr(cls, "record_from_dict")
    ]


@pytest.mark.parametrize("model", model_classes(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("raw", [{}, {"future": 1}, None, "text"], ids=repr)
def test_every_model_agrees_on_empty_unknown_and_wrong_input(model: type, raw: Any) -> None:
    record, from_model = both(model, raw)
    if isinstance(record, tuple):  # both failed: same exception type
        assert isinstance(from_model, tuple) and record[0] is from_model[0], (record, from_model)
    else:
        assert record == from_model


def test_the_page_envelope_too(items: list[dict[str, Any]]) -> None:
    page = {"items": items[:50], "count": 50, "total": 51, "next": "later"}
    record, model = both(CellMeasurementWithDetailsPage, page)
    assert record == model
    assert len(record["items"]) == 50


# ------------------------------------------------------------------ every sink, either way


class RecordingSink:
    """A plugin-style sink that keeps every record it is given."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def __enter__(self) -> RecordingSink:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, records: Any) -> None:
        self.records.extend(json.loads(json.dumps(list(records))))

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


def read_outputs(folder: Path) -> dict[str, list[dict[str, Any]]]:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    def by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: r["id"])

    with sqlite3.connect(folder / "m.db") as db:
        db.row_factory = sqlite3.Row
        sqlite_rows = [dict(r) for r in db.execute("select * from measurements")]
    for row in sqlite_rows:
        row["record_json"] = json.loads(row["record_json"])
    with open(folder / "m.csv", newline="", encoding="utf-8") as handle:
        csv_rows = list(csv.DictReader(handle))
    lines = (folder / "m.jsonl").read_text(encoding="utf-8").splitlines()
    return {
        "jsonl": by_id([json.loads(line) for line in lines]),
        "csv": by_id(csv_rows),
        "sqlite": by_id(sqlite_rows),
        "parquet": by_id(pq.read_table(folder / "m.parquet").to_pylist()),
        "dataset": by_id(ds.dataset(folder / "ds", format="parquet").to_table().to_pylist()),
    }


def test_every_sink_gets_the_same_records_either_way(
    items: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = [
        mutate(items[0], "measurement_type", "future_type"),
        mutate(items[1], "created_at", None),
        mutate(items[2], "created_at", "not a date"),
        mutate(items[3], "future_field", "kept"),
        mutate(items[4], "specification.future_field", 2),
        mutate(items[5], "updated_at", "2024-01-15T05:05:00.25+02:00"),
        # null objects (FINDINGS7 G6): plain, so a page of them goes on as parsed
        mutate(items[6], "protocol", None),
        mutate(items[7], "specification", None),
        mutate(items[8], "specification.ratings", None),
    ]
    nulls = {
        20: "test_setup",
        21: "instance",
        22: "specification.ratings.capacity",
        23: "properties",
        24: "file_metadata",
    }
    served = [*odd, *items[9:40]]
    for index, path in nulls.items():  # on the second page, written from the server's bytes
        served[index] = mutate(served[index], path, None)
    nulls.update({6: "protocol", 7: "specification", 8: "specification.ratings"})

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = int(request.url.params.get("limit", 25))
        chunk = served[offset : offset + limit]
        return httpx.Response(200, json={"items": chunk, "count": len(chunk), "total": 40})

    def export(folder: Path) -> RecordingSink:
        folder.mkdir()
        recorder = RecordingSink()
        transport = httpx.MockTransport(handler)
        with Toolkit(api_url="https://api.example.com", api_key="k", transport=transport,
                     max_retries=0, load_entry_points=False, environ={},
                     working_dir=str(folder)) as toolkit:  # fmt: skip
            result = toolkit.export(
                PROJECT_ID,
                [f"jsonl:{folder}/m.jsonl", f"csv:{folder}/m.csv", f"sqlite:{folder}/m.db",
                 f"parquet:{folder}/m.parquet", f"dataset:{folder}/ds", recorder],
                page_size=15,
            )  # fmt: skip
        assert result.records == 40
        return recorder

    pages: list[str] = []
    with_lines: list[bool] = []
    real_write_page = write_page

    def spy(sinks: Any, page: Any, **options: Any) -> None:
        pages.append(type(page[0]).__name__)
        with_lines.append(getattr(page, "raw_lines", None) is not None)
        real_write_page(sinks, page, **options)

    monkeypatch.setattr("ionworks_toolkit.session.write_page", spy)
    records_recorder = export(tmp_path / "records")
    assert pages == ["dict", "dict", "dict"]
    # The first page holds records that are not plain; the JSON Lines sink wrote the other
    # two pages' items from the server's bytes (JsonReadyList.raw_lines): the same records.
    assert with_lines == [False, True, True]
    monkeypatch.setattr(operations.ListOperation, "records", lambda self, **_: self)
    models_recorder = export(tmp_path / "models")
    assert pages[3:] == ["CellMeasurementWithDetails"] * 3

    assert records_recorder.records == models_recorder.records
    assert len(records_recorder.records) == 40
    first = records_recorder.records[0]
    assert first["measurement_type"] == "future_type"
    assert records_recorder.records[1]["created_at"] is None
    assert records_recorder.records[2]["created_at"] == "not a date"
    assert records_recorder.records[3]["future_field"] == "kept"
    assert records_recorder.records[5]["updated_at"] == "2024-01-15T05:05:00.250000+02:00"
    for index, path in nulls.items():
        value: Any = records_recorder.records[index]
        for key in path.split("."):
            value = value[key]
        assert value is None, path
    by_records = read_outputs(tmp_path / "records")
    by_models = read_outputs(tmp_path / "models")
    for sink in ("jsonl", "csv", "sqlite", "parquet", "dataset"):
        assert len(by_records[sink]) == 40, sink
        assert by_records[sink] == by_models[sink], sink
    # JSON Lines holds each record under the sinks' column rule: date-times in UTC with Z.
    schema = measurements_schema()
    expected = [schema.json_record(r) for r in records_recorder.records]
    assert by_records["jsonl"] == sorted(expected, key=lambda r: r["id"])
    assert by_records["jsonl"][0]["created_at"].endswith("Z")
    # A null object is a null JSON column, or empty flattened columns, in every sink.
    for index, path in nulls.items():
        under = [c for c in schema.column_names if c == path or c.startswith(path + ".")]
        ident = served[index]["id"]
        for sink in ("csv", "sqlite", "parquet", "dataset"):
            (row,) = [r for r in by_records[sink] if r["id"] == ident]
            empty = "" if sink == "csv" else None
            assert under and {c: row[c] for c in under} == dict.fromkeys(under, empty), (sink, path)


# ------------------------------------------------------------------ plain records (no copy)


def test_sandbox_measurements_are_plain_and_lay_out_as_their_records(
    items: list[dict[str, Any]],
) -> None:
    """``is_plain_record``: every sandbox measurement is handed on as parsed, and the sinks'
    rule (rows and JSON) gives the same for it as for its ``record_from_dict``."""
    schema = measurements_schema()
    plain = CellMeasurementWithDetails.is_plain_record
    assert [item["id"] for item in items if not plain(item)] == []
    for item in items:
        record = CellMeasurementWithDetails.record_from_dict(item)
        assert schema.json_record(item) == schema.json_record(record), item["id"]
        assert schema.row(item) == schema.row(record), item["id"]
    page = {"items": items[:3], "count": 3, "total": 3}
    assert CellMeasurementWithDetailsPage.is_plain_record(page) is True


PLAIN_CASES: list[tuple[str, Any, bool]] = [
    ("created_at", "2024-01-15T05:05:00Z", True),
    ("created_at", "2024-01-15T05:05:00.123456Z", True),
    ("created_at", None, True),
    ("start_time", KeyError, True),  # optional and absent
    ("measurement_type", "future_type", True),  # str enum: kept as sent either way
    ("future_field", {"nested": [1, 2]}, True),
    ("specification.anode", "graphite, as text", True),
    ("specification.anode", None, True),
    ("specification.anode.material", KeyError, True),
    # the slow path's: converted by record_from_dict, or an error it raises
    ("created_at", "2024-01-15T05:05:00.000000Z", False),  # isoformat() drops the fraction
    ("created_at", "2024-01-15T05:05:00.123Z", False),
    ("created_at", "2024-01-15T05:05:00+00:00", False),
    ("created_at", "2024-01-15T05:05:00+02:00", False),
    ("created_at", "2024-01-15T24:00:00Z", False),  # next day's midnight in newer Pythons
    ("created_at", "2024-01-15 05:05:00Z", False),
    ("created_at", "not a date", False),
    ("created_at", 1705295100, False),
    ("created_at", KeyError, False),  # required: record_from_dict raises
    ("instance.updated_at", "2024-01-15T05:05:00.5Z", False),
    ("specification.anode.created_at", "2024-01-15T05:05:00-01:00", False),
    ("specification.anode.material.updated_at", "20240115T050500Z", False),
    ("specification.anode", {"no": "required keys"}, False),  # kept as sent: slow path decides
    # a null nested object is kept as sent either way (required ratings too)
    ("protocol", None, True),
    ("test_setup", None, True),
    ("properties", None, True),
    ("file_metadata", None, True),
    ("specification", None, True),
    ("instance", None, True),
    ("specification.ratings", None, True),
    ("specification.ratings.capacity", None, True),
    ("instance.measured_properties", None, True),
    ("specification.ratings.capacity", [], False),
    ("specification", []),
    ("instance", 3, False),
    ("protocol", "CC-CV", False),
    ("name", KeyError, False),
    ("specification.name", KeyError, False),
]


@pytest.mark.parametrize(
    ("path", "value", "plain"),
    [(*case, False) if len(case) == 2 else case for case in PLAIN_CASES],
    ids=[f"{case[0]}={case[1]!r}" for case in PLAIN_CASES],
)
def test_plain_only_when_the_sinks_lay_it_out_as_its_record(
    items: list[dict[str, Any]], path: str, value: Any, plain: bool
) -> None:
    with_anode = next(i for i in items if isinstance(i["specification"].get("anode"), dict))
    raw = mutate(with_anode, path, value)
    original = copy.deepcopy(raw)
    assert CellMeasurementWithDetails.is_plain_record(raw) is plain
    assert raw == original
    if plain:
        schema = measurements_schema()
        record = CellMeasurementWithDetails.record_from_dict(raw)
        assert schema.json_record(raw) == schema.json_record(record)
        assert schema.row(raw) == schema.row(record)


@pytest.mark.parametrize("model", model_classes(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("raw", [None, "text", [], 3], ids=repr)
def test_no_model_calls_a_non_object_plain(model: type, raw: Any) -> None:
    assert model.is_plain_record(raw) is False  # type: ignore[attr-defined]


class DateRuleSink(RecordingSink):
    """A sink that declares it applies the sinks' date rule: it keeps the very dicts."""

    applies_date_rule = True

    def write(self, records: Any) -> None:
        self.records.extend(records)


def test_date_rule_sinks_get_the_parsed_records_others_their_to_dict(
    items: list[dict[str, Any]], tmp_path: Path
) -> None:
    from ionworks_toolkit.sinks import BaseSink, JsonlSink

    odd = mutate(items[1], "updated_at", "2024-01-15T05:05:00.25+02:00")
    page = [items[0], CellMeasurementWithDetails.record_from_dict(odd)]  # as parse_page gives

    class PluginSink(BaseSink):  # a plugin's BaseSink subclass: to_dict() records
        def __init__(self) -> None:
            super().__init__("plugin:")
            self.got: list[Any] = []

        def _write(self, records: Any) -> None:
            self.got.extend(records)

    rule, recorder, plugin = DateRuleSink(), RecordingSink(), PluginSink()
    jsonl = JsonlSink(tmp_path / "m.jsonl")
    sinks = [("rule", rule), ("recorder", recorder), ("plugin", plugin), ("jsonl", jsonl)]
    write_page(sinks, page, item_model=CellMeasurementWithDetails)
    assert rule.records[0] is items[0] and rule.records[1] is page[1]
    assert rule.records[0]["created_at"] == items[0]["created_at"] == "2024-01-02T08:45:00Z"
    expected = [CellMeasurementWithDetails.from_dict(i).to_dict() for i in (items[0], odd)]
    assert recorder.records == json.loads(json.dumps(expected))
    assert plugin.got == expected and plugin.got[0] is not items[0]
    assert plugin.got[0]["created_at"] == "2024-01-02T08:45:00+00:00"
    assert plugin.got[1]["updated_at"] == "2024-01-15T05:05:00.250000+02:00"
    jsonl.commit()
    lines = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text().splitlines()]
    schema = measurements_schema()
    assert lines == [schema.json_record(r) for r in expected]
    # Without item_model (models, or records already in to_dict() form) nothing is converted.
    again = RecordingSink()
    write_page([("again", again)], expected)
    assert again.records == json.loads(json.dumps(expected))


def test_every_built_in_sink_applies_the_date_rule() -> None:
    from ionworks_toolkit import sinks

    built_in = [sinks.JsonlSink, sinks.CsvSink, sinks.SqliteSink, sinks.ParquetSink,
                sinks.PostgresSink, sinks.DatasetSink, sinks.TableSink]  # fmt: skip
    assert {cls.__name__: cls.applies_date_rule for cls in built_in} == dict.fromkeys(
        [cls.__name__ for cls in built_in], True
    )
    assert sinks.BaseSink.applies_date_rule is False
    assert sinks.FileSink.applies_date_rule is False


def test_a_plain_page_goes_to_json_lines_as_parsed_and_gives_the_same_lines(
    items: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A page marked plain for the schema (``JsonReadyList.plain_for``) skips the JSON Lines
    sink's date rule, which would give each record back unchanged anyway."""
    from ionworks_toolkit._codec import JsonReadyList
    from ionworks_toolkit.sinks import JsonlSink

    schema = measurements_schema()
    plain = [item for item in items if CellMeasurementWithDetails.is_plain_record(item)][:40]
    assert len(plain) == 40
    assert all(schema.json_record(item, json_ready=True) is item for item in plain)

    def lines(name: str, page: list[Any]) -> list[str]:
        sink = JsonlSink(tmp_path / name)
        sink.write(page)
        sink.commit()
        return (tmp_path / name).read_text(encoding="utf-8").splitlines()

    marked = lines("marked.jsonl", JsonReadyList(plain, plain_for="CellMeasurementWithDetails"))
    assert marked == lines("ready.jsonl", JsonReadyList(plain)) == lines("list.jsonl", list(plain))
    # The mark is trusted for its schema only: a record it lies about is written as given...
    odd = mutate(plain[0], "created_at", "2024-01-15T05:05:00+00:00")
    lying = lines("lying.jsonl", JsonReadyList([odd], plain_for="CellMeasurementWithDetails"))
    assert json.loads(lying[0])["created_at"] == "2024-01-15T05:05:00+00:00"
    # ... and a mark for another schema changes nothing: the rule applies.
    other = lines("other.jsonl", JsonReadyList([odd], plain_for="Project"))
    assert json.loads(other[0])["created_at"] == "2024-01-15T05:05:00Z"


def test_to_dict_records_are_new_dicts_and_keep_json_ready(items: list[dict[str, Any]]) -> None:
    from ionworks_toolkit._codec import JsonReadyList
    from ionworks_toolkit.parsing import to_dict_records

    ready = to_dict_records(CellMeasurementWithDetails, JsonReadyList(items[:2], "x"))
    assert type(ready) is JsonReadyList and ready.plain_for is None
    assert ready == [CellMeasurementWithDetails.from_dict(i).to_dict() for i in items[:2]]
    assert ready[0] is not items[0] and ready[0]["created_at"].endswith("+00:00")
    plain = to_dict_records(CellMeasurementWithDetails, items[:2])
    assert type(plain) is list and plain == ready
