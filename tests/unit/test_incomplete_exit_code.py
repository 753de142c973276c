"""A walk that ends without an error but may lack records ends the CLI with exit 7 (FINDINGS12 M2).

The library sets ``ExportResult.incomplete`` (``WalkStats.incomplete``) and warns that records
may be missing, and the run publishes what it got; the CLI ended 0, so a script calling it
could not tell such a run from a complete one. Now the outputs are still published, the
summary's last line says the run may be incomplete, and the exit code is 7 (README's "Exit
codes"); a complete walk still ends 0.

The named input: 34 measurements, ``m-0000`` .. ``m-0033``; once the first page (offset 0,
total 34) has gone, ``m-0005`` is deleted: every later page is cut from the 33 left (total 33),
so ``m-0010`` slides below offset 10 and is never sent. 33 records come back, the server's
total went from 34 to 33. The answers depend on the offset and limit asked only, so the CLI's
async walk (prefetch 4) sees the same pages in whatever order its requests arrive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import EXIT_CODES_HELP, main
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID, run_cli

N = 34
ALL_IDS = [f"m-{i:04d}" for i in range(N)]
#: What the walk gets: the first page from all 34, the rest from the 33 left (m-0010 skipped).
GOT = ALL_IDS[:10] + [i for i in ALL_IDS[11:] if i != "m-0005"]
OTHER_PROJECT = "6b0c3c61-7d0a-4f43-9d55-0e4a6f1f6a11"

TOTAL_FELL_WARNING = (
    "warning: the server's total went from 34 to 33 during the walk (page at offset 10): "
    "records deleted meanwhile move later ones to lower offsets, so some may be missing from "
    "this walk; run it again to be sure"
)
INCOMPLETE_LINE = (
    "may be incomplete: the server's total went from 34 to 33, so records may be missing; run "
    "it again to be sure"
)


def record(i: int) -> dict[str, Any]:
    return {
        "id": f"m-{i:04d}",
        "name": f"m {i}",
        "cell_instance_id": "ci",
        "created_at": None,
        "updated_at": None,
    }


def serve(*, delete: bool) -> LoopbackServer:
    """The named input (``delete``: m-0005 gone after the first page), for any project id."""

    def handle(exchange: Exchange) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(exchange.target).query).items()}
        offset, limit = int(query["offset"]), int(query["limit"])
        rows = [record(i) for i in range(N)]
        if delete and offset > 0:
            rows = [row for row in rows if row["id"] != "m-0005"]
        items = rows[offset : offset + limit]
        body = {"items": items, "count": len(items), "total": len(rows)}
        exchange.respond(200, json.dumps(body).encode())

    return LoopbackServer(handle)


@pytest.fixture
def deleting() -> Iterator[str]:
    with serve(delete=True) as server:
        yield server.url


def ids_in(path: str) -> list[str]:
    return [json.loads(line)["id"] for line in Path(path).read_text().splitlines()]


def test_an_incomplete_walk_publishes_its_records_and_exits_7(
    deleting: str, runner: CliRunner
) -> None:
    result = run_cli(deleting, "--all", "--page-size", "10", "--sink", "out.jsonl")
    assert result.exit_code == 7, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        TOTAL_FELL_WARNING,
        "wrote 33 records to jsonl:out.jsonl",
        INCOMPLETE_LINE,
    ]
    assert ids_in("out.jsonl") == GOT  # published: the 33 that came


def test_to_stdout_and_to_several_sinks_the_same(deleting: str, runner: CliRunner) -> None:
    result = run_cli(deleting, "--all", "--page-size", "10", "--sink", "-", "--sink", "o.csv")
    assert result.exit_code == 7, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == GOT
    assert len(Path("o.csv").read_text().splitlines()) == 1 + 33  # the header, 33 rows
    assert result.stderr.splitlines() == [
        TOTAL_FELL_WARNING,
        "wrote 33 records to jsonl:-",
        "wrote 33 records to csv:o.csv",
        INCOMPLETE_LINE,
    ]


def test_quiet_still_exits_7_without_the_summary(deleting: str, runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            *("--api-url", deleting, "--api-key", "k", "-q", "measurements", "list", PROJECT_ID),
            *("--all", "--page-size", "10", "--sink", "out.jsonl"),
        ],
    )
    assert result.exit_code == 7, result.output
    assert result.stderr.splitlines() == [TOTAL_FELL_WARNING]
    assert ids_in("out.jsonl") == GOT


def test_an_incremental_run_exits_7_too(deleting: str, runner: CliRunner) -> None:
    result = run_cli(deleting, "--incremental", "--page-size", "10", "--sink", "m.db")
    assert result.exit_code == 7, result.output
    assert result.stderr.splitlines() == [
        TOTAL_FELL_WARNING,
        "warning: incremental: the server's total went from 34 to 33 during the walk of "
        f"project {PROJECT_ID}, so records may be missing; its mark is not moved (the next run "
        "reads these changes again)",
        "wrote 33 records to sqlite:m.db (table measurements)",
        "incremental: 33 new or changed record(s); 0 unchanged re-read skipped",
        INCOMPLETE_LINE,
    ]


def test_several_projects_name_each_incomplete_one(deleting: str, runner: CliRunner) -> None:
    result = run_cli(deleting, OTHER_PROJECT, "--all", "--page-size", "10", "--sink", "out.jsonl")
    assert result.exit_code == 7, result.output
    assert result.stderr.splitlines()[-2:] == [
        "wrote 66 records to jsonl:out.jsonl",
        f"may be incomplete: project {PROJECT_ID}: the server's total went from 34 to 33; "
        f"project {OTHER_PROJECT}: the server's total went from 34 to 33, so records may be "
        "missing; run it again to be sure",
    ]
    assert len(ids_in("out.jsonl")) == 66


def test_a_complete_walk_still_exits_0(runner: CliRunner) -> None:
    with serve(delete=False) as server:
        result = run_cli(server.url, "--all", "--page-size", "10", "--sink", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["wrote 34 records to jsonl:out.jsonl"]
    assert ids_in("out.jsonl") == ALL_IDS


def test_the_exit_codes_help_and_readme_name_7() -> None:
    assert "; 6 output sink; 7 published, but records may be missing (run it again); 130" in (
        EXIT_CODES_HELP
    )
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "\n| 7 | the walk ended, but records may be missing" in readme


def test_an_incremental_mark_kept_for_a_total_too_high_exits_7(runner: CliRunner) -> None:
    # 34 records, total 40: the walk ends at the empty pages past them ("the total is too
    # high"), which the walk alone does not count as incomplete (exit 0 without
    # --incremental); --incremental keeps its mark (fewer records than the total) and its
    # warning says records may be missing, so the run is incomplete too: exit 7.
    def handle(exchange: Exchange) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(exchange.target).query).items()}
        offset, limit = int(query["offset"]), int(query["limit"])
        items = [record(i) for i in range(offset, min(offset + limit, N))]
        body = {"items": items, "count": len(items), "total": 40}
        exchange.respond(200, json.dumps(body).encode())

    with LoopbackServer(handle) as server:
        plain = run_cli(server.url, "--all", "--page-size", "10", "--sink", "out.jsonl")
        result = run_cli(server.url, "--incremental", "--page-size", "10", "--sink", "m.db")
    assert plain.exit_code == 0, plain.output
    assert len(ids_in("out.jsonl")) == 34
    assert result.exit_code == 7, result.output
    assert result.stderr.splitlines()[-4:] == [
        "warning: incremental: 34 records came back of the server's total 40 during the walk "
        f"of project {PROJECT_ID}, so records may be missing; its mark is not moved (the next "
        "run reads these changes again)",
        "wrote 34 records to sqlite:m.db (table measurements)",
        "incremental: 34 new or changed record(s); 0 unchanged re-read skipped",
        "may be incomplete: 34 records came back of the server's total 40, so records may be "
        "missing; run it again to be sure",
    ]
