"""``dataset:`` removes the spool part files killed runs left (FINDINGS7 G11): a SIGKILLed
run left ``..NAME.dataset.parquet.SPACE-PID.RANDOM.part`` beside the dataset, which no later
run removed, while every other file sink removes its own and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ionworks_toolkit.sinks import open_sink
from ionworks_toolkit.sinks._base import process_space

pytest.importorskip("pyarrow")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_runs_spool_part_file_is_removed_and_named(tmp_path: Path) -> None:
    stale = f"..kds.dataset.parquet.{process_space()}-{_dead_pid()}.abc123.part"
    live = f"..kds.dataset.parquet.{process_space()}-{os.getppid()}.def456.part"
    other = "..kds.dataset.parquet.0000beef-1.ghi789.part"  # another machine's: kept
    for name in (stale, live, other):
        (tmp_path / name).write_bytes(b"PAR1")
    sink = open_sink(f"dataset:{tmp_path / 'kds'}")
    with sink:
        sink.write([{"id": "m-1", "name": "a"}])
        sink.commit()
    assert sink.describe() == (
        f"wrote 1 record to dataset:{tmp_path / 'kds'} (removed 1 part file of a killed run: "
        f"{stale}; 1 part file of an unknown run left beside it (delete if no other run is "
        f"writing it): {other})"
    )
    assert sorted(os.listdir(tmp_path)) == sorted(["kds", live, other])


def test_a_run_without_leftovers_says_nothing_more(tmp_path: Path) -> None:
    sink = open_sink(f"dataset:{tmp_path / 'kds'}")
    with sink:
        sink.write([{"id": "m-1", "name": "a"}])
        sink.commit()
    assert sink.describe() == f"wrote 1 record to dataset:{tmp_path / 'kds'}"
    assert sorted(os.listdir(tmp_path)) == ["kds"]
