"""Sink edges a newcomer/break-it pass found: a table column that is empty must not throw
away the other sinks' exports."""

from __future__ import annotations

import copy
import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import main
from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread

SEVERSON = "Severson 2019 fast-charging cycle life"


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Any]:
    with run_in_thread(SandboxOptions()) as server:
        yield server


def _list(runner: CliRunner, server: Any, *arguments: str) -> Any:
    return runner.invoke(
        main,
        ["--api-url", server.base_url, "--api-key", "sandbox", "measurements", "list", *arguments],
    )


# ------------------------------------------------- 1. an empty declared table column


@pytest.mark.parametrize(
    ("table", "data"),
    [
        (["--columns", "name,end_time", "--sink", "table:"], "big.db"),
        (["--sink", "table:?columns=name,end_time"], "big.jsonl"),
    ],
)
def test_an_empty_declared_table_column_is_shown_empty_and_the_data_sinks_are_published(
    runner: CliRunner, sandbox_server: Any, table: list[str], data: str
) -> None:
    result = _list(runner, sandbox_server, SEVERSON, "--all", *table, "--sink", data)
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[1]
    assert [c.strip() for c in header.strip("┃").split("┃")] == ["name", "end_time"]
    assert result.stdout.splitlines()[3].rstrip().endswith("│          │")
    scheme = "sqlite" if data.endswith(".db") else "jsonl"
    table_line = "printed 128 of 128 records (table:; column 'end_time' empty in every record)"
    wrote = f"wrote 128 records to {scheme}:{data}"
    assert result.stderr.splitlines()[:2] == [
        table_line,
        wrote + (" (table measurements)" if scheme == "sqlite" else ""),
    ]
    if scheme == "sqlite":
        with sqlite3.connect(data) as db:
            assert db.execute("select count(*) from measurements").fetchone() == (128,)
    else:
        assert len(Path(data).read_text(encoding="utf-8").splitlines()) == 128


# ------------------------------------------ 2./3. lone surrogates and NUL in server text

DATA = Path(__file__).resolve().parents[1] / "data"
PROJECT_ID = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"
BAD_NAME = "bad \ud800 nul \u0000 end"


def three_items(bad_name: str) -> list[dict[str, Any]]:
    page = json.loads((DATA / "by_project_page_severson.json").read_text(encoding="utf-8"))
    items = []
    for n in range(3):
        item: dict[str, Any] = copy.deepcopy(page["items"][0])
        item["id"] = f"m-{n}"
        item["name"] = bad_name if n == 1 else f"cell {n}"
        items.append(item)
    return items


def serve(items: list[dict[str, Any]]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.dumps({"items": items, "count": len(items), "total": len(items)})
        assert "\\ud800" in body  # valid JSON: the lone surrogate as an escape
        return httpx.Response(
            200, content=body.encode(), headers={"content-type": "application/json"}
        )

    return handler


def test_a_lone_surrogate_becomes_u_fffd_in_every_sink_and_is_named(
    make_toolkit: Any, tmp_path: Path
) -> None:
    toolkit = make_toolkit(serve(three_items(BAD_NAME)))
    targets = [f"{tmp_path}/nul.{s}" for s in ("jsonl", "csv", "db", "parquet")]
    result = toolkit.export(PROJECT_ID, targets)
    note = "1 lone surrogate written as U+FFFD (record 'm-1' field name)"
    assert result.sinks == (
        f"wrote 3 records to jsonl:{tmp_path}/nul.jsonl ({note})",
        f"wrote 3 records to csv:{tmp_path}/nul.csv ({note}; 1 NUL character written as U+FFFD)",
        f"wrote 3 records to sqlite:{tmp_path}/nul.db (table measurements) ({note})",
        f"wrote 3 records to parquet:{tmp_path}/nul.parquet ({note})",
    )
    lines = (tmp_path / "nul.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["name"] for line in lines] == [
        "cell 0",
        "bad \ufffd nul \u0000 end",
        "cell 2",
    ]
    raw = (tmp_path / "nul.csv").read_bytes()
    assert b"\x00" not in raw
    rows = list(csv.reader((tmp_path / "nul.csv").open(newline="", encoding="utf-8")))
    assert [row[rows[0].index("name")] for row in rows[1:]] == [
        "cell 0",
        "bad \ufffd nul \ufffd end",
        "cell 2",
    ]
    with sqlite3.connect(tmp_path / "nul.db") as conn:
        assert conn.execute("SELECT name FROM measurements ORDER BY id").fetchall() == [
            ("cell 0",),
            ("bad \ufffd nul \u0000 end",),
            ("cell 2",),
        ]
    conn.close()
    assert pq.read_table(tmp_path / "nul.parquet").column("name").to_pylist() == [
        "cell 0",
        "bad \ufffd nul \u0000 end",
        "cell 2",
    ]


def test_surrogates_in_keys_and_nested_text_are_counted_and_the_first_three_named() -> None:
    from ionworks_toolkit.sinks import JsonlSink

    out = io.StringIO()
    sink = JsonlSink(stream=out)
    with sink:
        sink.write(
            [
                {"id": "a", "name": "x\udc00\udc00", "test_setup": {"k\ud801": ["ok", "\ud802"]}},
                {"name": "plain"},
                {"name": "\udfff"},
            ]
        )
        sink.commit()
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {"id": "a", "name": "x\ufffd\ufffd", "test_setup": {"k\ufffd": ["ok", "\ufffd"]}},
        {"name": "plain"},
        {"name": "\ufffd"},
    ]
    assert sink.surrogates == 5
    assert sink.describe() == (
        "wrote 3 records to jsonl:- (5 lone surrogates written as U+FFFD (record 'a' field "
        "name, record 'a' field name, record 'a' field test_setup.(key), ...))"
    )
