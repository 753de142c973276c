"""Sinks through a whole export (issue 12): the issue's small inputs, end to end."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parents[1] / "data"
PROJECT_ID = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"


def severson_item(**changes: Any) -> dict[str, Any]:
    page = json.loads((DATA / "by_project_page_severson.json").read_text(encoding="utf-8"))
    item: dict[str, Any] = copy.deepcopy(page["items"][0])
    item.update(changes)
    return item


def serve(*items: dict[str, Any]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.dumps({"items": list(items), "count": len(items), "total": len(items)})
        return httpx.Response(
            200, content=body.encode(), headers={"content-type": "application/json"}
        )

    return handler


def test_date_manufactured_stays_a_date_in_every_sink(make_toolkit, tmp_path: Path) -> None:
    item = severson_item()
    item["instance"]["date_manufactured"] = "2016-03-01"
    toolkit = make_toolkit(serve(item))
    targets = [f"{tmp_path}/o.{s}" for s in ("jsonl", "csv", "db", "parquet")]
    toolkit.export(PROJECT_ID, targets)
    line = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert line["instance"]["date_manufactured"] == "2016-03-01"
    rows = list(csv.reader((tmp_path / "o.csv").open(newline="", encoding="utf-8")))
    assert rows[1][rows[0].index("instance.date_manufactured")] == "2016-03-01"
    with sqlite3.connect(tmp_path / "o.db") as conn:
        assert conn.execute(
            'SELECT "instance.date_manufactured", '
            "json_extract(record_json, '$.instance.date_manufactured') FROM measurements"
        ).fetchone() == ("2016-03-01", "2016-03-01")
    conn.close()
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.schema.field("instance.date_manufactured").type == pa.date32()
    assert table.column("instance.date_manufactured").to_pylist() == [dt.date(2016, 3, 1)]
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert table.column("updated_at").to_pylist() == [dt.datetime(2024, 3, 6, 7, 30, tzinfo=dt.UTC)]


def test_nan_from_the_server_is_null_in_jsonl_and_counted(make_toolkit, tmp_path: Path) -> None:
    item = severson_item()
    item["specification"]["ratings"]["capacity"]["value"] = float("nan")
    toolkit = make_toolkit(serve(item))
    result = toolkit.export(PROJECT_ID, [f"jsonl:{tmp_path}/n.jsonl", f"sqlite:{tmp_path}/n.db"])
    text = (tmp_path / "n.jsonl").read_text(encoding="utf-8")
    assert "NaN" not in text
    assert json.loads(text)["specification"]["ratings"]["capacity"] == {"value": None, "unit": "Ah"}
    assert result.sinks == (
        f"wrote 1 record to jsonl:{tmp_path}/n.jsonl (1 NaN/Infinity value written as null)",
        f"wrote 1 record to sqlite:{tmp_path}/n.db (table measurements) "
        "(1 NaN/Infinity value written as null)",
    )
    with sqlite3.connect(tmp_path / "n.db") as conn:
        assert conn.execute("SELECT json_valid(record_json) FROM measurements").fetchone() == (1,)
    conn.close()


def test_a_malformed_page_keeps_the_previous_output(make_toolkit, tmp_path: Path) -> None:
    """The issue's input: a 200 whose items is an object, while out.jsonl holds ``keep``."""
    from ionworks_toolkit.cli import exit_code_for
    from ionworks_toolkit.errors import UnexpectedResponseError

    out = tmp_path / "out.jsonl"
    out.write_text("keep\n")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": {}, "count": 1, "total": 1})

    toolkit = make_toolkit(handler)
    try:
        toolkit.export(PROJECT_ID, [f"jsonl:{out}", f"sqlite:{tmp_path}/new.db"])
    except UnexpectedResponseError as error:
        assert exit_code_for(error) == 5
    else:  # pragma: no cover - the assertion below names the failure
        raise AssertionError("a malformed page was accepted")
    assert out.read_text() == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
