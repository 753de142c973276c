"""The ``dataset:`` sink never deletes files it did not write (FINDINGS7 G27), and never says
"previous output kept" of a folder that held no dataset (FINDINGS8 H5).

Each run replaces the whole dataset folder; a user's ``NOTES.md`` or ``my_plots/`` put inside
it was deleted by the next run without a word. Now a folder holding anything but the sink's
own files (the manifest, the files it lists, files named as the sink names them) is refused
before any request, naming what it holds; files a desktop makes by itself (``.DS_Store``) are
not the user's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import main
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import SinkTargetError, open_sink
from ionworks_toolkit.sinks._dataset import MANIFEST
from sink_runs import export_pages


def _record(i: int, kind: str = "time_series") -> dict[str, Any]:
    return {"id": f"m{i}", "name": f"cell {i}", "measurement_type": kind}


PAGE = [_record(1), _record(2, "file"), _record(3)]


def _refusal(root: str, label: str, shown: str) -> str:
    return (
        f"{label}: {root!r} holds files this sink did not write (not in its {MANIFEST}): "
        f"{shown}; each run replaces the whole dataset folder, which would delete them: move "
        "them out of it (e.g. beside it), or choose another folder; nothing was written"
    )


def test_the_findings_notes_and_plots_are_refused_before_any_request(tmp_path: Path) -> None:
    """FINDINGS7 G27 as reported: the CLI run is refused (exit 2) before it asks the API
    anything (its address answers nothing), and the user's files are untouched."""
    cat = tmp_path / "cat"
    target = f"dataset:{cat}?partition_by=measurement_type"
    export_pages(target, [PAGE])
    (cat / "NOTES.md").write_text("my analysis notes\n")
    (cat / "my_plots").mkdir()
    (cat / "my_plots" / "fig1.png").write_bytes(b"png")
    before = {p.relative_to(cat).as_posix() for p in cat.rglob("*")}

    result = CliRunner().invoke(
        main,
        ["--api-url", "http://127.0.0.1:1", "measurements", "list", "p-1", "--sink", target],
        env={"IONWORKS_API_KEY": "k-test"},
    )

    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {_refusal(str(cat), f'dataset:{cat}', 'NOTES.md, my_plots/')}\n"
    )
    assert {p.relative_to(cat).as_posix() for p in cat.rglob("*")} == before
    assert (cat / "NOTES.md").read_text() == "my analysis notes\n"


def test_files_inside_partition_folders_and_empty_folders_are_named(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    target = f"dataset:{root}?partition_by=measurement_type"
    export_pages(target, [PAGE])
    (root / "measurement_type=file" / "notes.txt").write_text("x")
    (root / "scratch").mkdir()
    (root / "measurement_type=file" / "old").mkdir()
    (root / "a.parquet").write_bytes(b"mine")  # a Parquet file the sink did not name so

    with pytest.raises(SinkTargetError) as info:
        open_sink(target)

    shown = "a.parquet, measurement_type=file/notes.txt, measurement_type=file/old/, scratch/"
    assert str(info.value) == _refusal(str(root), f"dataset:{root}", shown)


def test_more_than_five_are_counted(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    export_pages(f"dataset:{root}", [PAGE])
    for name in "abcdefg":
        (root / f"{name}.md").write_text(name)
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"dataset:{root}")
    shown = "a.md, b.md, c.md, d.md, e.md and 2 more"
    assert str(info.value) == _refusal(str(root), f"dataset:{root}", shown)


def test_a_file_added_after_the_sink_opened_is_refused_at_publish(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    export_pages(f"dataset:{root}", [PAGE])
    sink = open_sink(f"dataset:{root}")
    sink.write([_record(9)])
    (root / "NOTES.md").write_text("late")
    with pytest.raises(SinkTargetError) as info, sink:
        sink.commit()
    assert str(info.value) == _refusal(str(root), f"dataset:{root}", "NOTES.md")
    assert (root / "NOTES.md").read_text() == "late"
    previous = ds.dataset(root, format="parquet", exclude_invalid_files=True)
    assert previous.count_rows() == 3  # the previous run's rows
    assert sorted(os.listdir(tmp_path)) == ["ds"]


def test_desktop_files_and_the_sinks_own_files_are_replaced(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    target = f"dataset:{root}?partition_by=measurement_type"
    export_pages(target, [PAGE])
    (root / ".DS_Store").write_bytes(b"\0")
    (root / "measurement_type=file" / "Thumbs.db").write_bytes(b"\0")
    (root / "desktop.ini").write_text("[.ShellClassInfo]")
    (root / "._NOTES.md").write_bytes(b"\0")
    # a file as the sink names it that the manifest does not list (a killed run's)
    killed = "measurement_type=file/part-0123456789ab-0.parquet"
    (root / killed).write_bytes(
        (root / json.loads((root / MANIFEST).read_text())["files"][0]).read_bytes()
    )
    (root / MANIFEST).write_text("{not json")  # unreadable: the sink's naming still tells

    sink = export_pages(target, [[_record(7)]])

    assert sink.describe() == f"wrote 1 record to dataset:{root}"
    files = json.loads((root / MANIFEST).read_text())["files"]
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        MANIFEST,
        "measurement_type=time_series",
        *files,
    ]


def test_an_object_store_dataset_keeps_foreign_files_and_removes_a_killed_runs(
    memfs: tuple[Any, str],
) -> None:
    fs, bucket = memfs
    root = f"/{bucket}/ds"
    target = f"dataset:memory://{bucket}/ds?partition_by=measurement_type"
    export_pages(target, [PAGE])
    fs.pipe_file(f"{root}/NOTES.md", b"notes")
    with pytest.raises(SinkTargetError) as info:
        open_sink(target)
    assert str(info.value) == _refusal(root, f"dataset:memory://{bucket}/ds", "NOTES.md")
    fs.rm(f"{root}/NOTES.md")

    # A run killed between its copies and its deletes leaves files the manifest does not list.
    leftover = f"{root}/measurement_type=file/part-0123456789ab-0.parquet"
    fs.pipe_file(
        leftover, fs.cat_file(f"{root}/{json.loads(fs.cat_file(f'{root}/{MANIFEST}'))['files'][0]}")
    )
    export_pages(target, [[_record(7)]])
    files = json.loads(fs.cat_file(f"{root}/{MANIFEST}"))["files"]
    assert sorted(fs.find(root)) == sorted([f"{root}/{MANIFEST}", *(f"{root}/{f}" for f in files)])
    assert ds.dataset(root, filesystem=fs, partitioning="hive").count_rows() == 1


def test_a_foreign_file_appearing_during_an_object_store_publish_is_never_deleted(
    memfs: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy-and-delete publish removes only the sink's own files, also one that came
    after the last check."""
    fs, bucket = memfs
    root = f"/{bucket}/ds"
    target = f"dataset:memory://{bucket}/ds"
    export_pages(target, [PAGE])
    sink = open_sink(target)
    sink.write([_record(9)])
    sink.prepare()
    real_check = type(sink)._check_root

    def check_then_add(self: Any) -> None:
        real_check(self)
        fs.pipe_file(f"{root}/NOTES.md", b"late")

    monkeypatch.setattr(type(sink), "_check_root", check_then_add)
    sink.commit()
    assert fs.cat_file(f"{root}/NOTES.md") == b"late"
    assert (
        ds.dataset(root, filesystem=fs, format="parquet", exclude_invalid_files=True).count_rows()
        == 1
    )


@pytest.mark.parametrize("before", ["none", "empty folder", "dataset"])
def test_a_failed_run_says_whether_a_dataset_was_kept(tmp_path: Path, before: str) -> None:
    root = tmp_path / "nds"
    if before == "empty folder":
        root.mkdir()
    elif before == "dataset":
        export_pages(f"dataset:{root}", [PAGE])
    sink = open_sink(f"dataset:{root}?partition_by=measurement_type")
    with pytest.raises(OSError, match="disk full"), sink:
        sink.write(PAGE)
        raise OSError(28, "disk full")
    kept = before == "dataset"
    assert sink.keeps_previous_output is kept
    outcome = sink_outcome([("dataset:nds", sink)], name_rolled_back=True)
    if kept:
        assert outcome == "rolled back (previous output kept): dataset:nds"
        assert sink.describe() == f"aborted: dataset:{root} left unchanged (3 records discarded)"
    else:
        assert outcome == "nothing written (no previous output to keep): dataset:nds"
        assert (
            sink.describe() == f"aborted: nothing written to dataset:{root} (3 records discarded)"
        )


def test_a_new_object_store_dataset_has_no_previous_output(memfs: tuple[Any, str]) -> None:
    _, bucket = memfs
    target = f"dataset:memory://{bucket}/ds"
    for exported in (False, True):
        if exported:
            export_pages(target, [PAGE])
        sink = open_sink(target)
        sink.abort()
        assert sink.keeps_previous_output is exported
