"""The ``dataset:`` sink: Hive-partitioned Parquet on the local disk and on fsspec's
``memory://`` filesystem, read back with ``pyarrow.dataset`` and DuckDB."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from click.testing import CliRunner
from ionworks_toolkit import Toolkit
from ionworks_toolkit.cli import main
from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread
from ionworks_toolkit.sinks import ParquetSink, SinkTargetError, open_sink
from ionworks_toolkit.sinks._dataset import MANIFEST
from sink_runs import export_pages, snapshot

SEVERSON = "Severson 2019 fast-charging cycle life"


def _record(i: int, kind: str = "time_series", **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"m{i}",
        "name": f"cell {i}",
        "measurement_type": kind,
        "test_setup": {"cycler": "Arbin" if i % 2 else "Maccor", "channel_number": i},
        "specification": {"ratings": {"capacity": {"value": 1.1 * i, "unit": "Ah"}}},
        "step_labels_validated": i % 2 == 0,
    }
    record.update(extra)
    return record


PAGES = [
    [_record(1), _record(2, "file"), _record(3)],
    [_record(4, "properties"), _record(5, "file")],
]


def _mem_snapshot(fs: Any, root: str) -> dict[str, bytes]:
    return {p: fs.cat_file(p) for p in sorted(fs.find(root))}


# -- acceptance (sandbox) --------------------------------------------------------------


def test_cli_dataset_partitioned_by_measurement_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = f"dataset:{tmp_path / 'cat'}?partition_by=measurement_type"
    for _ in range(2):  # a re-run replaces the dataset, never adds to it
        result = CliRunner().invoke(
            main, ["--sandbox", "measurements", "list", SEVERSON, "--all", "--sink", target]
        )
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [f"wrote 128 records to dataset:{tmp_path / 'cat'}"]
    dataset = ds.dataset(tmp_path / "cat", partitioning="hive")
    assert dataset.count_rows() == 128
    assert dataset.partitioning.schema.names == ["measurement_type"]
    assert dataset.schema.field("measurement_type").type == pa.string()
    assert dataset.schema.field("specification.ratings.capacity.value").type == pa.float64()
    assert sorted(p.name for p in (tmp_path / "cat").iterdir()) == [
        MANIFEST,
        "measurement_type=time_series",
    ]
    assert sorted(os.listdir(tmp_path)) == ["cat"]  # no staging or previous copies left
    glob = f"{tmp_path / 'cat'}/**/*.parquet"
    rows = duckdb.sql(
        f"select measurement_type, count(*) from read_parquet('{glob}', hive_partitioning = true) "
        "group by all"
    ).fetchall()
    assert rows == [("time_series", 128)]


def test_toolkit_export_to_fsspec_memory(memfs: tuple[Any, str]) -> None:
    fs, bucket = memfs
    target = f"dataset:memory://{bucket}/measurements?partition_by=measurement_type"
    with (
        run_in_thread(SandboxOptions()) as server,
        Toolkit(api_url=server.base_url, api_key="sandbox", load_entry_points=False) as tk,
    ):
        result = tk.export(SEVERSON, [target])
    assert result.records == 128
    assert result.sinks == (f"wrote 128 records to dataset:memory://{bucket}/measurements",)
    dataset = ds.dataset(f"/{bucket}/measurements", filesystem=fs, partitioning="hive")
    assert dataset.count_rows() == 128
    assert dataset.partitioning.schema.names == ["measurement_type"]
    manifest = json.loads(fs.cat_file(f"/{bucket}/measurements/{MANIFEST}"))
    assert manifest["rows"] == 128
    assert manifest["partition_by"] == ["measurement_type"]
    assert manifest["files"] == [
        f"measurement_type=time_series/part-{manifest['run_id']}-0.parquet"
    ]
    assert fs.ls(f"/{bucket}", detail=False) == [f"/{bucket}/measurements"]  # no staging left


# -- layout and types ------------------------------------------------------------------


def test_two_level_partitioning_types_and_null_partition(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    pages = [*PAGES, [_record(6, None)]]  # type: ignore[arg-type]
    sink = export_pages(f"dataset:{root}?partition_by=measurement_type,test_setup.cycler", pages)
    assert sink.describe() == f"wrote 6 records to dataset:{root}"
    dirs = sorted(str(p.relative_to(root)) for p in root.glob("*/*"))
    assert dirs == [
        "measurement_type=__HIVE_DEFAULT_PARTITION__/test_setup.cycler=Maccor",
        "measurement_type=file/test_setup.cycler=Arbin",
        "measurement_type=file/test_setup.cycler=Maccor",
        "measurement_type=properties/test_setup.cycler=Maccor",
        "measurement_type=time_series/test_setup.cycler=Arbin",
    ]
    table = ds.dataset(root, partitioning="hive").to_table().sort_by("id")
    assert table.column("id").to_pylist() == ["m1", "m2", "m3", "m4", "m5", "m6"]
    # test_setup is free-form in the spec: one JSON column; the partition value is read from it.
    assert table.schema.field("test_setup").type == pa.string()
    assert table.schema.field("step_labels_validated").type == pa.bool_()
    assert table.column("measurement_type").to_pylist() == [
        "time_series", "file", "time_series", "properties", "file", None,
    ]  # fmt: skip
    # Partition columns live in the paths, not in the files.
    one = next(root.rglob("*.parquet"))
    assert "measurement_type" not in ds.dataset(one).schema.names


def test_unpartitioned_dataset_and_empty_run(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    export_pages(f"dataset:{root}", PAGES)
    assert ds.dataset(root).count_rows() == 5
    export_pages(f"dataset:{root}", [])
    assert ds.dataset(root).count_rows() == 0
    assert json.loads((root / MANIFEST).read_text())["files"] == []


# -- atomic publish --------------------------------------------------------------------


def _fail(target: str, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = open_sink(target)
    with pytest.raises((KeyboardInterrupt, OSError)), sink:
        sink.write([_record(7), _record(8, "file")])
        if how == "write error":
            monkeypatch.setattr(ParquetSink, "_write", _disk_full)
            sink.write([_record(9)])
        elif how == "interrupt":
            raise KeyboardInterrupt
        elif how == "publish":
            monkeypatch.setattr(os, "rename", _broken_rename(os.rename))
            sink.commit()
    assert sink.state == "aborted"


def _disk_full(self: Any, records: Any) -> None:
    raise OSError("disk full")


def _broken_rename(real: Any) -> Any:
    calls = []

    def rename(src: Any, dst: Any) -> None:
        calls.append(src)
        if len(calls) == 2:  # the staging -> ROOT rename
            raise OSError("disk on fire")
        real(src, dst)

    return rename


@pytest.mark.parametrize("how", ["write error", "interrupt", "publish"])
def test_failed_run_keeps_the_previous_local_dataset(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ds"
    target = f"dataset:{root}?partition_by=measurement_type"
    export_pages(target, PAGES)
    before = snapshot(root)
    _fail(target, how, monkeypatch)
    monkeypatch.undo()
    assert snapshot(root) == before
    assert ds.dataset(root, partitioning="hive").count_rows() == 5
    assert sorted(os.listdir(tmp_path)) == ["ds"]


def test_failed_copy_keeps_the_previous_memory_dataset(
    memfs: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fs, bucket = memfs
    root = f"/{bucket}/ds"
    target = f"dataset:memory://{bucket}/ds?partition_by=measurement_type"
    export_pages(target, PAGES)
    before = _mem_snapshot(fs, root)
    real_copy = type(fs).copy
    copies: list[str] = []

    def copy(self: Any, path1: str, path2: str, **kwargs: Any) -> Any:
        copies.append(path2)
        if len(copies) == 2:
            raise OSError("bucket unreachable")
        return real_copy(self, path1, path2, **kwargs)

    monkeypatch.setattr(type(fs), "copy", copy)
    with pytest.raises(OSError, match="bucket unreachable"):
        export_pages(target, [[_record(7), _record(8, "file")]])
    monkeypatch.undo()
    assert len(copies) == 2
    assert _mem_snapshot(fs, root) == before
    assert fs.ls(f"/{bucket}", detail=False) == [root]
    assert ds.dataset(root, filesystem=fs, partitioning="hive").count_rows() == 5


@pytest.mark.parametrize("how", ["write error", "interrupt"])
def test_failed_run_keeps_the_previous_memory_dataset(
    memfs: tuple[Any, str], how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs, bucket = memfs
    target = f"dataset:memory://{bucket}/ds?partition_by=measurement_type"
    export_pages(target, PAGES)
    before = _mem_snapshot(fs, f"/{bucket}/ds")
    _fail(target, how, monkeypatch)
    assert _mem_snapshot(fs, f"/{bucket}/ds") == before
    assert fs.ls(f"/{bucket}", detail=False) == [f"/{bucket}/ds"]


def test_rerun_on_memory_replaces_the_files(memfs: tuple[Any, str]) -> None:
    fs, bucket = memfs
    target = f"dataset:memory://{bucket}/ds?partition_by=measurement_type"
    export_pages(target, PAGES)
    export_pages(target, [[_record(9, "file")]])
    table = ds.dataset(f"/{bucket}/ds", filesystem=fs, partitioning="hive").to_table()
    assert table.column("id").to_pylist() == ["m9"]
    assert sorted(p.rsplit("/", 1)[0] for p in fs.find(f"/{bucket}/ds")) == [
        f"/{bucket}/ds",
        f"/{bucket}/ds/measurement_type=file",
    ]


# -- refusals --------------------------------------------------------------------------


def test_a_foreign_directory_or_a_file_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.tex").write_text("keep")
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"dataset:{tmp_path / 'home'}")
    assert str(info.value) == (
        f"dataset:{tmp_path / 'home'}: {str(tmp_path / 'home')!r} is a non-empty directory that "
        f"this sink did not write (no {MANIFEST}); it is never replaced: choose a new or empty "
        "directory"
    )
    (tmp_path / "f").write_text("x")
    with pytest.raises(SinkTargetError, match="exists and is not a directory"):
        open_sink(f"dataset:{tmp_path / 'f'}")
    assert (tmp_path / "home" / "thesis.tex").read_text() == "keep"


def test_unknown_partition_column_names_the_columns(tmp_path: Path) -> None:
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"dataset:{tmp_path / 'ds'}?partition_by=cycler")  # before any request
    assert str(info.value) == (
        f"dataset:{tmp_path / 'ds'}: partition_by 'cycler' is neither a column of "
        "CellMeasurementWithDetails nor a field inside one of its JSON columns (protocol, "
        "test_setup, properties, file_metadata, ...)"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "dataset:",
            "sink 'dataset' needs a directory or URL, e.g. "
            "dataset:measurements?partition_by=measurement_type or dataset:s3://bucket/prefix",
        ),
        ("dataset:out?format=csv", "unknown dataset format 'csv'; allowed: parquet"),
        (
            "dataset:out?partition_by=a,,b",
            "partition_by='a,,b': give column names separated by commas, "
            "e.g. partition_by=measurement_type,test_setup.cycler",
        ),
        ("dataset:out?partition_by=a,a", "partition_by='a,a' names a column twice"),
        (
            "dataset:out?compression=zip",
            "unknown parquet compression 'zip'; allowed: brotli, gzip, lz4, none, snappy, zstd",
        ),
        (
            "dataset:out?partition=a",
            "unknown option 'partition' for sink 'dataset'; did you mean partition_by? (allowed "
            "options: compression, format, partition_by)",
        ),
        (
            "dataset:memory://bucket",
            "dataset:memory://bucket: give a folder inside the bucket or filesystem root, e.g. "
            "s3://bucket/measurements (the run is staged beside it)",
        ),
    ],
)
def test_bad_targets(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SinkTargetError) as info:
        open_sink(text)
    assert str(info.value) == message


def test_readme_dataset_commands_and_duckdb_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's dataset example, run as written: the CLI line, then its DuckDB query."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Partitioned Parquet datasets") :]
    lines = section.splitlines()
    cli = shlex.split(next(line for line in lines if line.startswith("ionworks-toolkit ")))
    query = shlex.split(next(line for line in lines if line.startswith("duckdb -c ")))[2]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, cli[1:])
    assert result.exit_code == 0, result.output
    assert duckdb.sql(query).fetchall() == [("Arbin", 128, pytest.approx(1.1))]
    assert ds.dataset("catalog", partitioning="hive").count_rows() == 128
