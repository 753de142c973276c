"""A ``null`` where the spec declares an object is kept as null on every path (FINDINGS7 G6).

One record with ``"protocol": null`` (what FastAPI sends for an ``Optional[dict] = None``) used
to fail the whole export with exit 5 (``expected an object, got null``) while nulls in strings
and arrays were kept. The tolerant reader keeps it: the typed models give ``None``, the records
path and every sink keep a null (JSON column null, flattened columns empty), the fast path
(``is_plain_record``) hands such a record on as parsed. Only a non-null value of the wrong kind
(a string where the object belongs) still fails the page, naming the item and the path.
"""

from __future__ import annotations

import copy
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import ionworks_client.models as models
import pytest
from ionworks_client.models import (
    CellBatchCreate,
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
    CreatePropertiesMeasurementRequest,
    ProjectRole,
)
from ionworks_toolkit import Toolkit
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import UnexpectedResponseError
from ionworks_toolkit.sinks import measurements_schema
from ionworks_toolkit.sinks._postgres import column_name
from loopback import Exchange, LoopbackServer
from postgres_server import PostgresServer, postgres_server

pytestmark = pytest.mark.sandbox

PROJECT_ID = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"
SEVERSON = "Severson 2019 fast-charging cycle life"
#: The fields FINDINGS7 G6 names: optional objects, the required ``specification.ratings``
#: and a Quantity inside it.
NULL_FIELDS = [
    "protocol",
    "test_setup",
    "properties",
    "file_metadata",
    "specification",
    "instance",
    "specification.ratings",
    "specification.ratings.capacity",
]
TOP_LEVEL = [path for path in NULL_FIELDS if "." not in path]


@pytest.fixture(scope="module")
def base(sandbox: Any) -> list[dict[str, Any]]:
    """Ten real measurements (Severson's first page) with every named object present."""
    with httpx.Client(base_url=sandbox.base_url, headers={"X-API-Key": "sandbox"}) as client:
        projects = client.get("/projects", params={"limit": 1000}).json()
        project = next(p for p in projects if p["name"] == SEVERSON)
        page = client.get(
            f"/cell_measurements/by-project/{project['id']}", params={"limit": 10}
        ).json()
    items: list[dict[str, Any]] = page["items"]
    for item in items:
        item.setdefault("properties", {"mass": {"value": 45.0, "unit": "g"}})
        item.setdefault("file_metadata", {"mime_type": "text/csv"})
        assert all(get(item, path) is not None for path in NULL_FIELDS), item["id"]
    assert len(items) == 10
    return items


def get(record: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a dict, or attribute path of a model."""
    for part in path.split("."):
        record = record[part] if isinstance(record, dict) else getattr(record, part)
    return record


def with_value(item: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(item)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[key]
    target[last] = value
    return changed


def served(base: list[dict[str, Any]], path: str, value: Any = None) -> list[dict[str, Any]]:
    """The ten records, the third with ``value`` at ``path``."""
    items = copy.deepcopy(base)
    items[2] = with_value(items[2], path, value)
    return items


def pages(items: list[dict[str, Any]]) -> Callable[[httpx.Request], httpx.Response]:
    """The by-project endpoint over ``items``, honouring offset and limit."""

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = int(request.url.params.get("limit", 25))
        chunk = items[offset : offset + limit]
        return httpx.Response(200, json={"items": chunk, "count": len(chunk), "total": len(items)})

    return handler


# ------------------------------------------------------------------ the typed models


@pytest.mark.parametrize("path", NULL_FIELDS)
def test_the_typed_api_keeps_the_null(
    base: list[dict[str, Any]], path: str, make_toolkit: Callable[..., Toolkit]
) -> None:
    items = served(base, path)
    toolkit = make_toolkit(pages(items))
    got = list(toolkit.iter_measurements_by_project(PROJECT_ID, page_size=4))
    assert [m.id for m in got] == [item["id"] for item in base]
    assert get(got[2], path) is None
    assert get(got[1], path) is not None
    record = got[2].to_dict()
    assert get(record, path) is None
    assert record == CellMeasurementWithDetails.record_from_dict(items[2])
    assert [m.to_dict() for m in got[3:]] == [
        CellMeasurementWithDetails.from_dict(item).to_dict() for item in base[3:]
    ]


@pytest.mark.parametrize("path", NULL_FIELDS)
def test_to_arrow_keeps_the_null_and_nothing_else_changes(
    base: list[dict[str, Any]], path: str, make_toolkit: Callable[..., Toolkit]
) -> None:
    """Row 3 differs from the untouched export exactly in the columns under ``path`` that
    held a value: a JSON column (``protocol``) or every flattened column
    (``specification.ratings.*``) is null there."""
    before = make_toolkit(pages(base)).to_arrow(PROJECT_ID, page_size=4).to_pylist()
    after = make_toolkit(pages(served(base, path))).to_arrow(PROJECT_ID, page_size=4)
    rows = after.to_pylist()
    assert after.num_rows == 10
    assert rows[:2] == before[:2] and rows[3:] == before[3:]
    under = [c for c in after.column_names if c == path or c.startswith(path + ".")]
    held = [c for c in under if before[2][c] is not None]
    assert held  # the untouched record had values there
    assert {c: rows[2][c] for c in under} == dict.fromkeys(under)
    assert {c for c in after.column_names if rows[2][c] != before[2][c]} == set(held)


def test_a_null_kept_from_the_async_toolkit_too(base: list[dict[str, Any]]) -> None:
    import asyncio

    from ionworks_toolkit import AsyncToolkit

    async def run() -> list[Any]:
        async with AsyncToolkit(
            api_url="https://api.example.com",
            api_key="k",
            transport=httpx.MockTransport(pages(served(base, "protocol"))),
            max_retries=0,
            load_entry_points=False,
            environ={},
        ) as toolkit:
            return [m async for m in toolkit.iter_measurements_by_project(PROJECT_ID)]

    got = asyncio.run(run())
    assert [m.protocol is None for m in got] == [False, False, True] + [False] * 7


# ------------------------------------------------------------------ the sinks


def test_every_built_in_file_sink_and_the_cli_keep_the_nulls(
    base: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FINDINGS7 G6's command, every named field null in one record each (records 1-8):
    exit 0, ten records in each sink, the nulls as the sinks write a null."""
    items = copy.deepcopy(base)
    for index, path in enumerate(NULL_FIELDS):
        items[index] = with_value(items[index], path, None)
    answer = pages(items)

    def handler(exchange: Exchange) -> None:
        request = httpx.Request("GET", f"http://x{exchange.target}")
        exchange.respond(200, answer(request).content)

    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner

    with LoopbackServer(handler) as server:
        result = CliRunner().invoke(
            main,
            ["--api-url", server.url, "--api-key", "k", "measurements", "list", PROJECT_ID,
             "--all", "--page-size", "4", "--sink", "m.jsonl", "--sink", "m.csv",
             "--sink", "m.db", "--sink", "m.parquet", "--sink", "dataset:ds",
             "--sink", "table:?columns=id,protocol,specification.name,instance.name"],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote 10 records to sqlite:m.db (table measurements)" in result.stderr
    schema = measurements_schema()
    lines = [json.loads(line) for line in Path("m.jsonl").read_text().splitlines()]
    records = [CellMeasurementWithDetails.to_dict_of_raw(item) for item in items]
    assert lines == [schema.json_record(record) for record in records]
    assert [get(lines[i], path) for i, path in enumerate(NULL_FIELDS)] == [None] * 8

    import csv
    import sqlite3

    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    with open("m.csv", newline="", encoding="utf-8") as handle:
        csv_rows = list(csv.DictReader(handle))
    with sqlite3.connect("m.db") as db:
        db.row_factory = sqlite3.Row
        sqlite_rows = {r["id"]: dict(r) for r in db.execute("select * from measurements")}
    parquet_rows = {r["id"]: r for r in pq.read_table("m.parquet").to_pylist()}
    dataset_rows = {r["id"]: r for r in ds.dataset("ds", format="parquet").to_table().to_pylist()}
    assert len(csv_rows) == len(sqlite_rows) == len(parquet_rows) == len(dataset_rows) == 10
    for index, path in enumerate(NULL_FIELDS):
        row = schema.row(CellMeasurementWithDetails.record_from_dict(items[index]))
        expected = dict(zip(schema.column_names, row, strict=True))
        under = [c for c in schema.column_names if c == path or c.startswith(path + ".")]
        assert under and all(expected[c] is None for c in under), path
        assert {c: csv_rows[index][c] for c in under} == dict.fromkeys(under, ""), path
        ident = items[index]["id"]
        for rows in (sqlite_rows, parquet_rows, dataset_rows):
            assert {c: rows[ident][c] for c in under} == dict.fromkeys(under), path
        assert sqlite_rows[ident]["extra_json"] is None  # a null is no value of a wrong kind
    # the table sink printed every record: each id in the first column
    printed = result.stdout
    assert all(item["id"][:8] in printed for item in items)


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PostgresServer]:
    with postgres_server() as running:
        yield running


def test_postgres_keeps_the_nulls(
    base: list[dict[str, Any]],
    pg_server: PostgresServer,
    make_toolkit: Callable[..., Toolkit],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = copy.deepcopy(base)
    for index, path in enumerate(NULL_FIELDS):
        items[index] = with_value(items[index], path, None)
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    with pg_server.connect() as conn:
        conn.execute("DROP SCHEMA IF EXISTS nulls7 CASCADE")
    target = f"{pg_server.url}?schema=nulls7"
    result = make_toolkit(pages(items)).export(PROJECT_ID, [target], page_size=4)
    assert result.records == 10
    schema = measurements_schema()
    with pg_server.connect() as conn:
        for index, path in enumerate(NULL_FIELDS):
            under = [c for c in schema.column_names if c == path or c.startswith(path + ".")]
            selected = ", ".join(f'"{column_name(c)}"' for c in under)
            row = conn.execute(
                f"SELECT {selected} FROM nulls7.measurements WHERE id = %s", [items[index]["id"]]
            ).fetchone()
            assert row == (None,) * len(under), path
        count = conn.execute("SELECT count(*) FROM nulls7.measurements").fetchone()
        assert count == (10,)
        conn.execute("DROP SCHEMA nulls7 CASCADE")


# ------------------------------------------------------------------ a value of the wrong kind


@pytest.mark.parametrize("path", NULL_FIELDS)
def test_a_string_where_an_object_belongs_still_fails_the_page(
    base: list[dict[str, Any]],
    path: str,
    make_toolkit: Callable[..., Toolkit],
    tmp_path: Path,
) -> None:
    items = served(base, path, "CC-CV at 1C")
    out = tmp_path / "out.jsonl"
    out.write_text("keep\n")
    message = (
        f"GET /cell_measurements/by-project/{PROJECT_ID} -> 200: response does not match "
        f"list_cell_measurements_by_project's schema: items[2] (id {items[2]['id']!r}).{path}: "
        "expected an object, got a string"
    )
    with pytest.raises(UnexpectedResponseError) as caught:
        make_toolkit(pages(items)).export(PROJECT_ID, [f"jsonl:{out}"])
    assert str(caught.value) == message
    assert out.read_text() == "keep\n"
    if path in TOP_LEVEL:  # the typed models parse nested objects on first read
        with pytest.raises(UnexpectedResponseError) as typed:
            list(make_toolkit(pages(items)).iter_measurements_by_project(PROJECT_ID))
        assert str(typed.value) == message


def test_a_null_beside_a_wrong_value_is_not_blamed(
    base: list[dict[str, Any]], make_toolkit: Callable[..., Toolkit]
) -> None:
    """The page's message names the value of the wrong kind, not a null object looked at
    before it (the nested objects are looked at in name order: file_metadata first)."""
    items = served(base, "file_metadata")
    items[2]["test_setup"] = 3
    with pytest.raises(UnexpectedResponseError) as caught:
        make_toolkit(pages(items)).export(PROJECT_ID, ["/dev/null"])
    assert str(caught.value).endswith(
        f"items[2] (id {items[2]['id']!r}).test_setup: expected an object, got a number"
    )


# ------------------------------------------------------------------ the kind, in every model


def model_classes() -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(models, inspect.isclass)
        if hasattr(cls, "record_from_dict")
    ]


def declared_keys(cls: type) -> frozenset[str]:
    module = sys.modules[cls.__module__]
    return getattr(module, "_KNOWN_KEYS", None) or getattr(module, "_RECORD_KEYS", frozenset())


@pytest.mark.parametrize("model", model_classes(), ids=lambda cls: cls.__name__)
def test_every_model_keeps_a_null_in_every_property(model: Any) -> None:
    """Every declared property of every model null at once (required ones too): every path
    keeps each null, and the record is plain (the sinks lay it out as its record)."""
    raw = dict.fromkeys(sorted(declared_keys(model)))
    original = dict(raw)
    parsed = model.from_dict(raw)
    assert parsed.to_dict() == raw
    assert model.record_from_dict(raw) == raw
    assert model.to_dict_of_raw(raw) == raw
    assert model.is_plain_record(raw) is True
    assert raw == original


def test_the_other_kinds_keep_a_null_too() -> None:
    """A list of models, an enum and a date (request models hold the only ones) and the
    page's required list of items: None in the model, null back from to_dict."""
    role = ProjectRole.from_dict({"project_role_permissions": None})
    assert role.project_role_permissions is None
    assert role.to_dict()["project_role_permissions"] is None
    request = CreatePropertiesMeasurementRequest.from_dict(
        {"name": "n", "properties": {}, "measurement_type": None}
    )
    assert request.measurement_type is None
    assert request.to_dict()["measurement_type"] is None
    batch = CellBatchCreate.from_dict({"name": "b", "date_manufactured": None})
    assert batch.date_manufactured is None and batch.to_dict()["date_manufactured"] is None
    page = CellMeasurementWithDetailsPage.from_dict({"items": None, "count": 0, "total": 0})
    assert page.items is None and page.to_dict()["items"] is None
