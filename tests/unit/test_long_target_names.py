"""A file target whose name is valid but long can be exported to (FINDINGS10 K3): the hidden
part file staged beside it (``.NAME.SPACE-PID.RANDOM.part``) would pass the 255-byte name
limit, so its NAME is shortened (cut on a character boundary, plus a hash of the whole name);
a later run still removes exactly this target's stale part files, never another target's."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import Toolkit
from ionworks_toolkit.errors import ConfigurationError
from ionworks_toolkit.sinks._base import PART_NAME_OVERHEAD, part_stem, process_space
from test_async_page_writer import PROJECT_ID, measurement, serve, settings

LONG = "L" * 246  # + ".csv" etc.: 250 bytes, which the shell's ">" creates


def _export(tmp_path: Path, target: str, items: int = 3) -> Any:
    handler = serve([measurement(i) for i in range(items)])
    with Toolkit(**settings(tmp_path, handler)) as toolkit:
        return toolkit.export(PROJECT_ID, [target], page_size=2)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("name", [f"{LONG}.jsonl", "é" * 122 + ".jsonl"])
def test_a_long_jsonl_target_is_replaced(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_text("old\n", encoding="utf-8")
    _export(tmp_path, f"jsonl:{target}")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["m-0", "m-1", "m-2"]
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("name", [f"{LONG}.csv", "é" * 120 + ".csv"])
def test_a_long_csv_target_is_replaced(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_text("old\n", encoding="utf-8")
    _export(tmp_path, f"csv:{target}")
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["id"] for row in rows] == ["m-0", "m-1", "m-2"]
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("existing", [False, True])
def test_a_long_sqlite_target_is_written(tmp_path: Path, existing: bool) -> None:
    name = f"{LONG[:-4]}.db"  # 245 bytes: SQLite's own "-journal" beside it must fit too
    target = tmp_path / name
    if existing:
        _export(tmp_path, f"sqlite:{target}", items=1)
    _export(tmp_path, f"sqlite:{target}")
    with sqlite3.connect(target) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM measurements ORDER BY id")]
    conn.close()
    assert ids == ["m-0", "m-1", "m-2"]
    assert os.listdir(tmp_path) == [name]


def test_a_long_parquet_target_is_replaced(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    name = f"{LONG}.parquet"[-250:]
    target = tmp_path / name
    target.write_bytes(b"old")
    _export(tmp_path, f"parquet:{target}")
    assert pq.read_table(target).column("id").to_pylist() == ["m-0", "m-1", "m-2"]
    assert os.listdir(tmp_path) == [name]


def test_the_part_stem_fits_and_tells_long_names_apart(tmp_path: Path) -> None:
    one, two = tmp_path / f"{LONG}.csv", tmp_path / f"{LONG}.tsv"
    assert part_stem(tmp_path / "short.csv") == "short.csv"
    assert part_stem(one) != part_stem(two)
    assert part_stem(one)[: 255 - PART_NAME_OVERHEAD - 9] == "L" * (255 - PART_NAME_OVERHEAD - 9)
    assert len(part_stem(one).encode()) == 255 - PART_NAME_OVERHEAD
    multi = part_stem(tmp_path / ("é" * 120 + ".csv"))
    assert multi[:-9] == "é" * ((255 - PART_NAME_OVERHEAD - 9) // 2)
    assert multi[-9] == "~"


def test_a_long_targets_stale_part_is_removed_and_not_another_long_targets(
    tmp_path: Path,
) -> None:
    name, other = f"{LONG}.csv", f"{LONG}.tsv"
    stale = f".{part_stem(tmp_path / name)}.{process_space()}-{_dead_pid()}.abc123.part"
    foreign = f".{part_stem(tmp_path / other)}.{process_space()}-{_dead_pid()}.def456.part"
    assert len(stale.encode()) <= 255
    for leftover in (stale, foreign):
        (tmp_path / leftover).write_text("x", encoding="utf-8")
    result = _export(tmp_path, f"csv:{tmp_path / name}")
    assert sorted(os.listdir(tmp_path)) == sorted([name, foreign])
    assert result.sinks == (
        f"wrote 3 records to csv:{tmp_path / name} (removed 1 part file of a killed run: {stale})",
    )


def test_a_sqlite_name_too_long_for_its_journal_is_refused_before_any_request(
    tmp_path: Path,
) -> None:
    requests: list[str] = []

    def handler(request: Any) -> Any:
        requests.append(str(request.url))
        raise AssertionError("no request expected")

    target = tmp_path / f"{LONG}.db"
    with pytest.raises(ConfigurationError) as info, Toolkit(**settings(tmp_path, handler)) as tk:
        tk.export(PROJECT_ID, [f"sqlite:{target}"])
    assert str(info.value) == (
        f"sqlite:{target}: the database's name is 249 bytes: SQLite keeps its journal beside "
        "it under a name 8 bytes longer, over the file system's 255-byte name limit; give a "
        "database name of at most 247 bytes"
    )
    assert requests == []
    assert os.listdir(tmp_path) == []
