"""Faults a newcomer/break-it pass found (round three), one section per kind of fault; each
test turns the input that broke into an exact assertion."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ionworks_toolkit import BaseSink
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import SinkError
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import CsvSink

NASA = "NASA PCoE Li-ion battery aging"
PROJECT_ID = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"
OFFLINE = ["--api-url", "http://127.0.0.1:9", "--api-key", "unused"]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for name in list(os.environ):
        if name.startswith("IONWORKS_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def install_plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, code: str) -> None:
    """Make ``code`` (a module defining ``plugin``) an installed entry-point plugin ``name``."""
    module = f"breakit_plugin_{name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = metadata.EntryPoint(name=name, value=f"{module}:plugin", group="ionworks_toolkit")
    real = metadata.entry_points

    def entry_points(**kwargs: Any) -> Any:
        if kwargs.get("group") == "ionworks_toolkit":
            return metadata.EntryPoints([entry])
        return real(**kwargs)

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    monkeypatch.delitem(sys.modules, module, raising=False)


# --------------------------------------------------------------------------------------
# 1. A plugin sink that writes straight to its target is never reported as rolled back
# --------------------------------------------------------------------------------------


class DirectSink(BaseSink):
    """Writes every page straight into its target (no staging): abort cannot undo it."""

    def __init__(self, target: str, options: Mapping[str, str]) -> None:
        super().__init__(f"direct:{target}")
        self.path = Path(target)

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.writelines(f"{record['id']}\n" for record in records)

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


class CommitFails(CsvSink):
    def _commit(self) -> None:
        raise OSError("rename refused")


def test_a_direct_writing_plugin_sink_is_reported_as_unknown_not_rolled_back(
    make_toolkit: Any, paged_server: Any, tmp_path: Path
) -> None:
    (tmp_path / "direct.txt").write_text("previous\n")
    (tmp_path / "b.csv").write_text("keep\n")
    sinks = [CommitFails(tmp_path / "b.csv"), DirectSink(str(tmp_path / "direct.txt"), {})]
    toolkit = make_toolkit(paged_server(3))
    with pytest.raises(SinkError):
        toolkit.export(PROJECT_ID, sinks)
    # The plugin did write into its target: the toolkit must not claim it was kept.
    assert (tmp_path / "direct.txt").read_text() == "previous\nm-0\nm-1\nm-2\n"
    assert (tmp_path / "b.csv").read_text() == "keep\n"
    assert sink_outcome([(s.label, s) for s in sinks]) == (
        f"rolled back (previous output kept): csv:{tmp_path}/b.csv; aborted, output state "
        "unknown (the sink does not stage its output; it may have written to its target "
        f"directly): direct:{tmp_path}/direct.txt"
    )
    assert sinks[1].describe() == (
        f"aborted: direct:{tmp_path}/direct.txt got 3 records; output state unknown (the sink "
        "does not declare stages_output: it may have written to its target directly)"
    )
    assert sinks[0].describe() == (
        f"aborted: csv:{tmp_path}/b.csv left unchanged (3 records discarded)"
    )


def test_a_sink_without_state_or_staging_is_never_said_to_be_rolled_back() -> None:
    class Bare:
        label = "bare:x"

    class Declared(DirectSink):
        stages_output = True

    declared = Declared("y", {})
    declared.abort()
    assert sink_outcome([("bare:x", Bare()), ("direct:y", declared)]) == (
        "rolled back (previous output kept): direct:y; aborted, output state unknown (the "
        "sink does not stage its output; it may have written to its target directly): bare:x"
    )


_DIRECT_PLUGIN = """
from pathlib import Path
from ionworks_toolkit import BaseSink, hookimpl

class Direct(BaseSink):
    def __init__(self, target, options):
        super().__init__(f"direct:{target}")
        self.path = Path(target)
    def _write(self, records):
        with self.path.open("a") as fh:
            fh.writelines(r["id"] + "\\n" for r in records)
    def _prepare(self):
        raise KeyboardInterrupt
    def _commit(self):
        pass
    def _abort(self):
        pass

class Plugin:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("direct", Direct)

plugin = Plugin()
"""


def test_an_interrupt_never_says_nothing_was_written_over_a_direct_writing_sink(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(monkeypatch, tmp_path, "direct", _DIRECT_PLUGIN)
    (tmp_path / "ids.txt").write_text("previous\n")
    result = runner.invoke(
        main,
        ["--sandbox", "measurements", "list", NASA, "--limit", "3", "--sink", "direct:ids.txt"],
    )
    assert result.exit_code == 130, result.output
    assert result.stderr == (
        "interrupted: aborted, output state unknown (the sink does not stage its output; it "
        "may have written to its target directly): direct:ids.txt\n"
    )
    assert len((tmp_path / "ids.txt").read_text().splitlines()) == 4
