"""The CLI through click's runner and through a real subprocess, against the sandbox.

Bad input must fail with exit code 2 and one readable line *before any request*: those tests
point the CLI at a closed loopback port, so any request would end in exit code 5 instead.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import main

SEVERSON = "Severson 2019 fast-charging cycle life"
NOWHERE = ["--api-url", "http://127.0.0.1:9", "--api-key", "unused"]
ORDER_BY = (
    "name, created_at, updated_at, start_time, cell_instance_id, step_labels_validated, "
    "cycler, notes"
)

BAD_INPUTS = [
    (
        ["--order-by", "colour"],
        f"error: --order-by: 'colour' is not allowed; choose one of: {ORDER_BY}",
    ),
    (["--limit", "0"], "error: --limit 0 is outside 1..1000; use --all to fetch every measurement"),
    (
        ["--limit", "5000"],
        "error: --limit 5000 is outside 1..1000; use --all to fetch every measurement",
    ),
    (
        ["--start-time-gt", "yesterday-ish"],
        "error: --start-time-gt: start_time_gt='yesterday-ish' is not a datetime; give ISO 8601 "
        "(2019-01-24T00:00:00Z) or a relative time (-30d, -12h, -90m)",
    ),
    (
        ["--sink", "xml:out.xml"],
        "error: unknown sink scheme 'xml' in 'xml:out.xml'; allowed schemes: csv, "
        "dataset, jsonl, parquet, postgres, postgresql, sqlite, table",
    ),
    (
        ["--preset", "no-such"],
        "error: --preset: unknown preset 'no-such'; choose one of: cycling-oldest-first, "
        "cylindrical-18650, graphite-anode, lfp-cathode, start-time-recorded",
    ),
    (
        ["--filter", "spec_cathod=LFP"],
        "error: --filter: 'spec_cathod' is not a parameter of list_cell_measurements_by_project; "
        "did you mean spec_cathode or spec_anode or spec_id? (choices: measurement_type, "
        "name, created_by_email, start_time, start_time_gt, start_time_lt, created_at, "
        "created_at_gt, created_at_lt, updated_at, updated_at_gt, updated_at_lt, spec_name, "
        "instance_name, spec_id, cell_instance_id, spec_anode, spec_cathode, order_by, order)",
    ),
    (["--limit", "3", "--all"], "error: --limit and --all exclude each other: give one"),
]


@pytest.mark.parametrize(("arguments", "message"), BAD_INPUTS, ids=lambda v: str(v)[:40])
def test_bad_input_fails_before_any_request(runner: CliRunner, arguments, message) -> None:
    result = runner.invoke(main, [*NOWHERE, "measurements", "list", SEVERSON, *arguments])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == message


def test_main_job_into_sqlite_csv_and_parquet(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main,
        [
            "--sandbox",
            "measurements",
            "list",
            SEVERSON,
            "--all",
            "--sink",
            "measurements.db",
            "--sink",
            "csv:x.csv",
            "--sink",
            "parquet:x.parquet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "wrote 128 records to sqlite:measurements.db (table measurements)",
        "wrote 128 records to csv:x.csv",
        "wrote 128 records to parquet:x.parquet",
    ]
    with sqlite3.connect(tmp_path / "measurements.db") as db:
        assert db.execute("select count(*) from measurements").fetchone() == (128,)
    with (tmp_path / "x.csv").open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == 128
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "x.parquet").num_rows == 128


def test_piped_output_is_jsonl_with_the_summary_on_stderr(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "--sandbox",
            "measurements",
            "list",
            SEVERSON,
            "--limit",
            "3",
            "--order-by",
            "name",
            "--order",
            "asc",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["name"] for row in rows] == [
        "2017-05-09_test-TC-contact_CH33",
        "2017-05-12_3.6C(80%)-3.6C_EL150800460486",
        "2017-05-12_3.6C(80%)-3.6C_EL150800460514",
    ]
    assert rows[0]["specification"]["ratings"]["capacity"] == {"value": 1.1, "unit": "Ah"}
    assert result.stderr.splitlines() == [
        "wrote 3 records to jsonl:-",
        "listed 3 of 128 measurements (--limit 3; use --all for every measurement)",
    ]


def test_contains_and_preset_compose(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "--sandbox",
            "-q",
            "measurements",
            "list",
            "TRI BEEP protocol test plans (Talos, Drive)",
            "--all",
            "--contains",
            "spec_name=NCR",
            "--preset",
            "cycling-oldest-first",
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 15


def test_unknown_project_name_lists_close_matches(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--sandbox", "measurements", "list", "Severson"])
    assert result.exit_code == 4
    assert result.stderr.strip() == (
        "error: no project named 'Severson'; closest: 'Severson 2019 fast-charging cycle life'"
    )


def test_wrong_key_is_exit_3(runner: CliRunner, sandbox_url: str) -> None:
    result = runner.invoke(
        main, ["--api-url", sandbox_url, "--api-key", "wrong", "measurements", "list", SEVERSON]
    )
    assert result.exit_code == 3
    assert result.stderr.strip().startswith("error: GET /projects -> 401: Invalid API key")
    assert "wrong" not in result.output


def test_unreachable_server_is_exit_5(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IONWORKS_TOOLKIT_MAX_RETRIES", "0")  # no back-off sleeps in a unit test
    result = runner.invoke(main, [*NOWHERE, "measurements", "list", SEVERSON])
    assert result.exit_code == 5
    assert result.stderr.startswith("error: GET /projects failed: ConnectError")


def test_sink_target_in_a_missing_folder_fails_before_any_request(runner: CliRunner) -> None:
    result = runner.invoke(
        main, [*NOWHERE, "measurements", "list", SEVERSON, "--sink", "jsonl:missing-dir/x.jsonl"]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: jsonl:missing-dir/x.jsonl: directory ")
    assert result.stderr.strip().endswith("missing-dir' does not exist")


def test_sink_failure_is_exit_6_and_keeps_previous_output(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ionworks_toolkit.sinks import JsonlSink

    def disk_full(self: JsonlSink, records: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(JsonlSink, "_write", disk_full)
    (tmp_path / "out.csv").write_text("previous\n", encoding="utf-8")
    result = runner.invoke(
        main,
        [
            "--sandbox",
            "measurements",
            "list",
            SEVERSON,
            "--all",
            "--sink",
            "csv:out.csv",
            "--sink",
            "x.jsonl",
        ],
    )
    assert result.exit_code == 6
    assert result.stderr.strip() == (
        "sink error: sink x.jsonl failed: OSError: [Errno 28] No space left on device "
        "(rolled back (previous output kept): csv:out.csv; nothing written (no previous "
        "output to keep): x.jsonl)"
    )
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_listings(runner: CliRunner) -> None:
    presets = runner.invoke(main, ["presets", "list"])
    assert presets.exit_code == 0
    for name in ("cycling-oldest-first", "start-time-recorded", "graphite-anode", "lfp-cathode"):
        assert name in presets.stdout
    show = runner.invoke(main, ["presets", "show", "lfp-cathode"])
    assert show.stdout.splitlines() == [
        "lfp-cathode: Cells whose specification has an LFP (LiFePO4) cathode.",
        "operation: list_cell_measurements_by_project",
        "from: plugin ionworks-presets",
        "  spec_cathode = ilike.%LFP%",
    ]
    sinks = runner.invoke(main, ["sinks", "list"])
    assert [line.split()[0] for line in sinks.stdout.splitlines()] == [
        "csv",
        "dataset",
        "jsonl",
        "parquet",
        "postgres",
        "postgresql",
        "sqlite",
        "table",
    ]
    plugins = runner.invoke(main, ["--disable-plugin", "ionworks-presets", "plugins", "list"])
    assert plugins.exit_code == 0
    assert "ionworks-auth" in plugins.stdout
    assert "disabled" in plugins.stdout


def test_projects_list_as_jsonl(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--sandbox", "projects", "list", "--sink", "jsonl:-"])
    assert result.exit_code == 0
    names = sorted(json.loads(line)["name"] for line in result.stdout.splitlines())
    assert names == [
        "Attia 2020 closed-loop fast-charging optimisation",
        "NASA PCoE Li-ion battery aging",
        "Sandbox empty project",
        "Severson 2019 fast-charging cycle life",
        "TRI BEEP protocol test plans (Talos, Drive)",
    ]


# --------------------------------------------------------------------------- real subprocess


def run_cli(
    *arguments: str, cwd: Path, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "ionworks_toolkit.cli", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_subprocess_main_job_and_bad_inputs(tmp_path: Path, sandbox_url: str) -> None:
    env = {"IONWORKS_API_URL": sandbox_url, "IONWORKS_API_KEY": "sandbox"}
    done = run_cli(
        "measurements",
        "list",
        SEVERSON,
        "--all",
        "--sink",
        "measurements.db",
        cwd=tmp_path,
        env_extra=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == "wrote 128 records to sqlite:measurements.db (table measurements)\n"
    with sqlite3.connect(tmp_path / "measurements.db") as db:
        assert db.execute("select count(*) from measurements").fetchone() == (128,)
    for arguments, message in BAD_INPUTS:
        failed = run_cli("measurements", "list", SEVERSON, *arguments, cwd=tmp_path, env_extra=env)
        assert failed.returncode == 2, arguments
        assert failed.stderr.strip().splitlines()[-1] == message
    missing = run_cli(
        "measurements", "list", "00000000-0000-4000-8000-000000000000", cwd=tmp_path, env_extra=env
    )
    assert missing.returncode == 4
    assert missing.stderr.startswith(
        "error: GET /cell_measurements/by-project/00000000-0000-4000-8000-000000000000 -> 404: "
        "Project not found (request id sandbox-"
    )


def test_project_defaults_to_ionworks_project_id(runner: CliRunner, monkeypatch) -> None:
    monkeypatch.setenv("IONWORKS_PROJECT_ID", "36c391ba-f0d6-5cbc-be8f-435c8275c5eb")  # NASA
    result = runner.invoke(main, ["--sandbox", "measurements", "list", "--all"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 34


def test_no_project_at_all_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, [*NOWHERE, "measurements", "list"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: no project: give PROJECT (an id or a name) or set IONWORKS_PROJECT_ID"
    )


def test_server_text_cannot_drive_the_terminal() -> None:
    from ionworks_toolkit.cli import printable as _printable

    assert _printable("\x1b[2Jgone\nsecond") == "\\x1b[2Jgone\\nsecond"
