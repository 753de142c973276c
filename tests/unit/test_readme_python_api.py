"""The README's "The Python API in ten lines" examples, run as written against the sandbox
(FINDINGS7 R2): the one-script sandbox example, then the examples that take credentials from
the environment, with the environment the README's sandbox instructions set."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.sandbox

README = Path(__file__).resolve().parents[2] / "README.md"


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The Python API in ten lines\n", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]


def test_the_first_example_needs_no_account(capsys: pytest.CaptureFixture[str]) -> None:
    first = _blocks()[0]
    assert "run_in_thread(SandboxOptions())" in first
    exec(compile(first, "README sandbox example", "exec"), {})
    assert capsys.readouterr().out == "34\n"


def test_the_readme_tells_how_to_point_the_environment_at_the_sandbox(
    ionworks_sandbox,
) -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The Python API in ten lines\n", 1)[1]
    intro = section.split("```python\n", 2)[1].split("```", 1)[1]
    assert "`ionworks-toolkit sandbox serve --port 8000`" in intro
    assert "`export IONWORKS_API_URL=http://127.0.0.1:8000 IONWORKS_API_KEY=sandbox`" in intro
    assert ionworks_sandbox.api_key == "sandbox"


def test_the_ten_lines_and_the_async_example_run_against_the_sandbox(
    ionworks_sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IONWORKS_API_URL", ionworks_sandbox.base_url)
    monkeypatch.setenv("IONWORKS_API_KEY", "sandbox")
    _, ten_lines, async_example = _blocks()

    exec(compile(ten_lines, "README ten lines", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 129  # 128 LFP measurements by name, then the export's line
    assert lines[0] == (
        "2017-05-09_test-TC-contact_CH33 EL150800460659 1.1 2017-05-10 00:47:33+00:00"
    )
    assert lines[1] == "2017-05-12_3.6C(80%)-3.6C_EL150800460486 EL150800460486 1.1 None"
    assert lines[-1] == "128 written; 0 duplicates skipped"
    with sqlite3.connect(tmp_path / "measurements.db") as db:
        assert db.execute("select count(*) from measurements").fetchone() == (128,)
    assert pq.read_metadata(tmp_path / "m.parquet").num_rows == 128

    exec(compile(async_example, "README async example", "exec"), {"__name__": "readme"})
    names = capsys.readouterr().out.splitlines()
    assert len(names) == 128
    assert names[0] == "FastCharge_000025_CH8"  # newest first: the default order
    with sqlite3.connect(tmp_path / "m.db") as db:
        assert db.execute("select count(*) from measurements").fetchone() == (128,)


def test_the_argument_errors_the_readme_quotes(ionworks_sandbox) -> None:
    from ionworks_toolkit import ArgumentTypeError, Toolkit

    readme = " ".join(README.read_text(encoding="utf-8").split())
    with ionworks_sandbox.toolkit() as tk:
        with pytest.raises(ArgumentTypeError) as project:
            list(tk.iter_measurements_by_project(123))
        with pytest.raises(ArgumentTypeError) as sinks:
            tk.export("NASA PCoE Li-ion battery aging", "m.csv")
    with pytest.raises(ArgumentTypeError) as bogus:
        Toolkit(bogus=1)
    assert f"`iter_measurements_by_project(123)`: `{project.value}`" in readme
    assert str(sinks.value).startswith("sinks must be a list ")
    assert str(sinks.value).endswith(" (write ['m.csv'])")
    assert "`export(p, \"m.csv\")`: `sinks must be a list ... (write ['m.csv'])`" in readme
    prefix = "Toolkit() got an unexpected keyword argument 'bogus'; arguments: api_url, api_key, "
    assert str(bogus.value).startswith(prefix)
    assert f"`Toolkit(bogus=1)`: `{prefix}...`" in readme
