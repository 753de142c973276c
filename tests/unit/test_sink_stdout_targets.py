"""A bare ``-`` or ``/dev/stdout`` sink target is JSON Lines on standard output (newcomer
pass: ``--sink /dev/stdout`` was refused while ``jsonl:/dev/stdout`` worked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import main
from ionworks_toolkit.sinks import SinkTarget, SinkTargetError, parse_sink_target

KNOWN = ("csv", "jsonl", "sqlite", "table")
LIST = ["--sandbox", "measurements", "list", "Severson 2019 fast-charging cycle life"]


@pytest.mark.parametrize("text", ["-", "/dev/stdout", " /dev/stdout "])
def test_a_bare_stdout_target_is_jsonl(text: str) -> None:
    assert parse_sink_target(text, KNOWN) == SinkTarget("jsonl", text.strip(), {})


def test_a_bare_stdout_target_keeps_its_options() -> None:
    parsed = parse_sink_target("-?flush=1", KNOWN)
    assert (parsed.scheme, parsed.target, dict(parsed.options)) == ("jsonl", "-", {"flush": "1"})


@pytest.mark.parametrize("text", ["/dev/stdoutx", "--", "/dev/stdout/x"])
def test_other_suffixless_paths_are_still_refused(text: str) -> None:
    """(Other streams without a suffix are JSON Lines too: test_bare_stream_sinks.py.)"""
    with pytest.raises(SinkTargetError) as caught:
        parse_sink_target(text, KNOWN)
    assert str(caught.value) == (
        f"cannot infer a sink from {text!r}: no SCHEME: prefix and the suffix (none) is not "
        "one of .csv, .db, .jsonl, .ndjson, .sqlite, .sqlite3; allowed schemes: csv, jsonl, "
        "sqlite, table"
    )


def test_without_a_jsonl_sink_a_bare_stdout_target_is_refused() -> None:
    with pytest.raises(SinkTargetError) as caught:
        parse_sink_target("/dev/stdout", ("csv",))
    assert str(caught.value) == (
        "cannot infer a sink from '/dev/stdout': no SCHEME: prefix and the suffix (none) is "
        "not one of .csv; allowed schemes: csv"
    )


@pytest.mark.parametrize("target", ["-", "jsonl:-"])
def test_the_cli_writes_json_lines_to_stdout_for_a_bare_dash(runner: CliRunner, target) -> None:
    result = runner.invoke(
        main,
        [*LIST, "--limit", "2", "--sink", target],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [sorted(json.loads(line))[:2] for line in lines] == [
        ["cell_instance_id", "created_at"]
    ] * 2
    assert result.stderr.splitlines()[0] == "wrote 2 records to jsonl:-"


# Newcomer pass: bare `--sink /dev/null` and `--sink /tmp` said "cannot infer a sink".


@pytest.mark.parametrize("text", ["/dev/null", " /dev/null "])
def test_bare_dev_null_is_json_lines_thrown_away(text: str) -> None:
    assert parse_sink_target(text, KNOWN) == SinkTarget("jsonl", "/dev/null", {})


@pytest.mark.parametrize(("text", "example"), [("/tmp", "/tmp/FILE"), ("/tmp/", "/tmp/FILE")])
def test_a_bare_directory_says_so_and_shows_a_file_in_it(text: str, example: str) -> None:
    with pytest.raises(SinkTargetError) as caught:
        parse_sink_target(text, KNOWN)
    assert str(caught.value) == (
        f"cannot infer a sink from {text!r}: it is a directory; name a file in it: "
        f"SCHEME:{example} (e.g. jsonl:{example}) or a file with one of the suffixes .csv, "
        ".db, .jsonl, .ndjson, .sqlite, .sqlite3; allowed schemes: csv, jsonl, sqlite, table"
    )


def test_a_directory_without_a_jsonl_sink_names_another_scheme(tmp_path: Path) -> None:
    with pytest.raises(SinkTargetError) as caught:
        parse_sink_target(str(tmp_path), ("sqlite", "csv"))
    assert str(caught.value) == (
        f"cannot infer a sink from {str(tmp_path)!r}: it is a directory; name a file in it: "
        f"SCHEME:{tmp_path}/FILE (e.g. csv:{tmp_path}/FILE) or a file with one of the "
        "suffixes .csv, .db, .sqlite, .sqlite3; allowed schemes: csv, sqlite"
    )


def test_the_cli_discards_json_lines_into_dev_null(runner: CliRunner) -> None:
    result = runner.invoke(main, [*LIST, "--limit", "2", "--sink", "/dev/null"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "wrote 2 records to jsonl:/dev/null",
        "listed 2 of 128 measurements (--limit 2; use --all for every measurement)",
    ]
