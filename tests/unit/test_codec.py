"""The JSON codec of the export path: orjson and the standard-library fallback agree."""

from __future__ import annotations

import datetime as dt
import enum
import json
import subprocess
import sys
import textwrap
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import _codec
from ionworks_toolkit.sinks._flatten import dumps as sink_dumps
from ionworks_toolkit.sinks._flatten import json_default

pytestmark = pytest.mark.skipif(not _codec.HAVE_ORJSON, reason="orjson is a dependency")

RECORD: dict[str, Any] = {
    "name": "Drive_000131#42",
    "id": "2c08a4d0-b93c-5f72-9ba0-19a1c12827a7",
    "created_at": "2024-01-15T05:05:00Z",
    "protocol": {"name": "CC 1C to 30%, CV 30 min", "ambient_temperature_degc": 25.0},
    "start_time": None,
    "step_labels_validated": False,
    "notes": 'Zellchemie \u00e4\u00f6\u00fc \u2014 \U0001f50b, quote " and \\ backslash\nnewline',
    "tags": ["lfp", "fast-charge"],
    "specification": {"ratings": {"capacity": {"value": 4.84, "unit": "Ah"}}, "count": 3},
    "empty": {},
    "cycles": -12,
}


def stdlib(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=json_default)


def test_orjson_writes_the_same_text_as_the_standard_library() -> None:
    assert _codec.dumps(RECORD) == stdlib(RECORD)
    assert _codec.dumps_bytes(RECORD) == stdlib(RECORD).encode("utf-8")
    assert sink_dumps(RECORD) == stdlib(RECORD)


def test_integers_beyond_64_bits_and_int_keys_fall_back_without_loss() -> None:
    value = {"big": 2**70, "negative": -(2**65), 7: "seven"}
    assert (
        _codec.dumps(value)
        == '{"big":1180591620717411303424,"negative":-36893488147419103232,"7":"seven"}'
    )
    assert json.loads(_codec.dumps_bytes(value))["big"] == 2**70


class Chemistry(enum.Enum):
    LFP = "LFP"


def test_values_outside_json_go_through_the_default_hook_alike() -> None:
    value = {
        "when": dt.datetime(2024, 1, 15, 5, 5, tzinfo=dt.UTC),
        "day": dt.date(2024, 1, 15),
        "id": uuid.UUID("2c08a4d0-b93c-5f72-9ba0-19a1c12827a7"),
        "cathode": Chemistry.LFP,
        "capacity": Decimal("4.84"),
    }
    expected = (
        '{"when":"2024-01-15T05:05:00+00:00","day":"2024-01-15",'
        '"id":"2c08a4d0-b93c-5f72-9ba0-19a1c12827a7","cathode":"LFP","capacity":"4.84"}'
    )
    assert sink_dumps(value) == expected == stdlib(value)


def test_unserialisable_value_is_a_type_error_naming_the_type() -> None:
    with pytest.raises(TypeError, match="value of type object is not JSON-serialisable"):
        sink_dumps({"x": object()})


def test_loads_gives_the_standard_librarys_values_and_errors() -> None:
    assert _codec.loads(b'{"a":[1,2.5,null,"\\u00e4"]}') == {"a": [1, 2.5, None, "\u00e4"]}
    assert _codec.loads(b"123456789012345678901234567890") == 123456789012345678901234567890
    with pytest.raises(ValueError, match="Expecting value"):
        _codec.loads(b"<html>")


def test_without_orjson_the_sinks_write_the_same_bytes(tmp_path: Path) -> None:
    """The vendored copy may run without orjson: the jsonl and sqlite sinks then use the
    standard library and write the same lines and JSON column."""
    script = textwrap.dedent(
        """
        import json, sqlite3, sys
        if sys.argv[1] == "blocked":
            sys.modules["orjson"] = None  # import orjson -> ImportError
        from ionworks_toolkit import _codec
        from ionworks_toolkit.sinks import JsonlSink
        from ionworks_toolkit.sinks._sqlite import SqliteSink
        from pathlib import Path
        out = Path(sys.argv[2])
        records = json.loads(sys.argv[3])
        sink = JsonlSink(out / "r.jsonl")
        sink.write(records)
        sink.commit()
        db = SqliteSink(out / "r.db", table="m")
        db.write(records)
        db.commit()
        rows = sqlite3.connect(out / "r.db").execute("select record_json from m").fetchall()
        print(json.dumps({"orjson": _codec.HAVE_ORJSON, "rows": [r[0] for r in rows]}))
        """
    )
    records = [RECORD, {**RECORD, "id": "b", "cycles": 2**70}]
    results = {}
    for mode in ("blocked", "orjson"):
        out = tmp_path / mode
        out.mkdir()
        proc = subprocess.run(
            [sys.executable, "-c", script, mode, str(out), json.dumps(records)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[mode] = (json.loads(proc.stdout), (out / "r.jsonl").read_bytes())
    assert results["blocked"][0]["orjson"] is False
    assert results["orjson"][0]["orjson"] is True
    assert results["blocked"][1] == results["orjson"][1]
    assert results["blocked"][1].decode("utf-8").splitlines() == [stdlib(r) for r in records]
    assert results["blocked"][0]["rows"] == results["orjson"][0]["rows"]
    assert len(results["orjson"][0]["rows"]) == 2


def test_json_ready_list_says_for_which_schema_it_is_plain() -> None:
    records = _codec.JsonReadyList(iter([{"id": 1}, {"id": 2}]))
    assert records == [{"id": 1}, {"id": 2}] and records.plain_for is None
    plain = _codec.JsonReadyList([{"id": 3}], plain_for="CellMeasurementWithDetails")
    assert (plain, plain.plain_for) == ([{"id": 3}], "CellMeasurementWithDetails")
    assert _codec.JsonReadyList().plain_for is None and _codec.JsonReadyList() == []


def test_without_msgspec_the_standard_library_parses_the_same_values() -> None:
    """The vendored copy may run without msgspec: bodies are then parsed by the standard
    library, with the same values (integers beyond 64 bits included), only not JSON-ready."""
    script = textwrap.dedent(
        """
        import json, sys
        if sys.argv[1] == "blocked":
            sys.modules["msgspec"] = None  # import msgspec -> ImportError
        from ionworks_toolkit import _codec
        value, finite = _codec.loads_checked(sys.argv[2].encode())
        raw = _codec.raw_items(b'{"items":[{"id": "a"}],"total":1}', 1)
        raw = None if raw is None else [bytes(item).decode() for item in raw]
        print(json.dumps({"msgspec": _codec.HAVE_MSGSPEC, "finite": finite, "value": value,
                          "raw": raw}))
        """
    )
    body = json.dumps([RECORD, {"id": "b", "cycles": 2**70, "v": -1.5e-7}])
    results = {}
    for mode in ("blocked", "msgspec"):
        proc = subprocess.run(
            [sys.executable, "-c", script, mode, body], capture_output=True, text=True, check=True
        )
        results[mode] = json.loads(proc.stdout)
    assert (results["blocked"]["msgspec"], results["blocked"]["finite"]) == (False, False)
    assert (results["msgspec"]["msgspec"], results["msgspec"]["finite"]) == (True, True)
    assert results["blocked"]["value"] == results["msgspec"]["value"] == json.loads(body)
    assert results["msgspec"]["value"][1]["cycles"] == 2**70
    # Without msgspec no page carries its items' bytes: JSON Lines encodes the records.
    assert (results["blocked"]["raw"], results["msgspec"]["raw"]) == (None, ['{"id": "a"}'])
