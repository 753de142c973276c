"""A sink path with control characters is shown escaped in the summary line (FINDINGS6 F18).

The named inputs: ``--sink "$(printf 'x\\033[31mred.jsonl')"`` wrote the file ``x^[[31mred.jsonl``
but the summary said ``jsonl:xred.jsonl`` (click dropped the escape sequence: the name shown
was not the name on disk), and ``--sink "$(printf 'a\\nb.jsonl')"`` printed the summary over two
lines. The summary is now escaped as errors and the table are (``\\x1b``, ``\\n``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import main

NASA = "NASA PCoE Li-ion battery aging"


@pytest.mark.parametrize(
    ("name", "shown"),
    [("x\x1b[31mred.jsonl", "x\\x1b[31mred.jsonl"), ("a\nb.jsonl", "a\\nb.jsonl")],
)
def test_measurements_list_summary_escapes_the_path(
    runner: CliRunner, tmp_path: Path, name: str, shown: str
) -> None:
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", NASA, "--limit", "1", "--sink", name]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"wrote 1 record to jsonl:{shown}",
        "listed 1 of 34 measurements (--limit 1; use --all for every measurement)",
    ]
    assert len((tmp_path / name).read_text().splitlines()) == 1  # the file has the real name


def test_projects_list_summary_escapes_the_path(runner: CliRunner, tmp_path: Path) -> None:
    name = "p\x07\tq.jsonl"
    result = runner.invoke(main, ["--sandbox", "projects", "list", "--sink", name])
    assert result.exit_code == 0, result.output
    assert result.stderr == "wrote 5 records to jsonl:p\\x07\\tq.jsonl\n"
    assert len((tmp_path / name).read_text().splitlines()) == 5
