"""A file target's folder removed during the run, or the target replaced by a directory
(FINDINGS10 K5): the error names the target, never the hidden part file, and says what
happened; the outcome no longer claims the previous output was kept (it is gone)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import Toolkit
from ionworks_toolkit.errors import ServerError, SinkError
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import open_sink
from test_async_page_writer import PROJECT_ID, measurement, serve, settings

SCHEMES = ["jsonl", "csv", "parquet"]


def _run(tmp_path: Path, scheme: str, change: str) -> tuple[str, str, Path]:
    """Export 5 records, 2 a page, to ``out/m.SCHEME`` (holding a previous file); before the
    second page the folder is removed (``rmdir``) or the file replaced by a directory."""
    if scheme == "parquet":
        pytest.importorskip("pyarrow")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"m.{scheme}"
    target.write_bytes(b"previous")
    inner = serve([measurement(i) for i in range(5)])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "2":
            if change == "rmdir":
                shutil.rmtree(folder)
            elif change == "move":  # moved away, and a new folder made with a new file
                folder.rename(tmp_path / "out.old")
                folder.mkdir()
                target.write_bytes(b"new")
            else:
                target.unlink()
                target.mkdir()
        return inner(request)

    sink = open_sink(f"{scheme}:{target}")
    with pytest.raises(SinkError) as info, Toolkit(**settings(tmp_path, handler)) as toolkit:
        toolkit.export(PROJECT_ID, [sink], page_size=2)
    label = f"{scheme}:{target}"
    outcome = sink_outcome([(label, sink)], name_rolled_back=True)
    return str(info.value), outcome, target


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_folder_removed_during_the_run_is_named(tmp_path: Path, scheme: str) -> None:
    message, outcome, target = _run(tmp_path, scheme, "rmdir")
    assert message == (
        f"sink {scheme}:{target} failed: FileNotFoundError: {target}: the folder "
        f"{target.parent} was removed during the run"
    )
    assert outcome == (
        "nothing written (the previous output was removed or replaced during the run): "
        f"{scheme}:{target}"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_folder_moved_away_and_made_again_is_named_and_no_part_file_stays(
    tmp_path: Path, scheme: str
) -> None:
    """FINDINGS11 L4: the error named the part file at a path where it never was, and the
    1.8 GB part file stayed hidden in the folder moved away."""
    message, outcome, target = _run(tmp_path, scheme, "move")
    assert message == (
        f"sink {scheme}:{target} failed: FileNotFoundError: {target}: the folder "
        f"{target.parent} was replaced during the run (moved away or removed, then made "
        "again); nothing was written to it"
    )
    assert outcome == f"rolled back (previous output kept): {scheme}:{target}"
    assert sorted(os.listdir(tmp_path)) == ["out", "out.old"]
    assert os.listdir(tmp_path / "out.old") == [target.name]  # no part file left there
    assert (tmp_path / "out.old" / target.name).read_bytes() == b"previous"
    assert target.read_bytes() == b"new"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_target_replaced_by_a_directory_is_named(tmp_path: Path, scheme: str) -> None:
    message, outcome, target = _run(tmp_path, scheme, "mkdir")
    assert message == (
        f"sink {scheme}:{target} failed: IsADirectoryError: {target} is now a directory: it "
        "was replaced by a directory during the run"
    )
    assert outcome == (
        "nothing written (the previous output was removed or replaced during the run): "
        f"{scheme}:{target}"
    )
    assert os.listdir(target.parent) == [target.name]
    assert os.listdir(target) == []


def test_a_run_that_fails_otherwise_still_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "m.jsonl"
    target.write_bytes(b"previous")

    def handler(request: httpx.Request) -> Any:
        if request.url.params["offset"] == "2":
            return httpx.Response(500, json={"detail": "boom"})
        return serve([measurement(i) for i in range(5)])(request)

    sink = open_sink(f"jsonl:{target}")
    with pytest.raises(ServerError) as info, Toolkit(**settings(tmp_path, handler)) as toolkit:
        toolkit.export(PROJECT_ID, [sink], page_size=2)
    assert info.value.status == 500
    assert sink_outcome([(f"jsonl:{target}", sink)], name_rolled_back=True) == (
        f"rolled back (previous output kept): jsonl:{target}"
    )
    assert target.read_bytes() == b"previous"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("rmdir", "FileNotFoundError: {target}: the folder {folder} was removed during the run"),
        (
            "mkdir",
            "IsADirectoryError: {target} is now a directory: it was replaced by a directory "
            "during the run",
        ),
    ],
)
def test_a_new_sqlite_database_names_the_change(tmp_path: Path, change: str, said: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "m.db"
    inner = serve([measurement(i) for i in range(5)])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "2":
            if change == "rmdir":
                shutil.rmtree(folder)
            elif change == "move":  # moved away, and a new folder made with a new file
                folder.rename(tmp_path / "out.old")
                folder.mkdir()
                target.write_bytes(b"new")
            else:
                target.mkdir()
        return inner(request)

    sink = open_sink(f"sqlite:{target}")
    with pytest.raises(SinkError) as info, Toolkit(**settings(tmp_path, handler)) as toolkit:
        toolkit.export(PROJECT_ID, [sink], page_size=2)
    assert str(info.value) == (
        f"sink sqlite:{target} failed: " + said.format(target=target, folder=folder)
    )
    outcome = sink_outcome([(f"sqlite:{target}", sink)], name_rolled_back=True)
    assert outcome == f"nothing written (no previous output to keep): sqlite:{target}"
    if change == "rmdir":
        assert os.listdir(tmp_path) == []
    else:
        assert os.listdir(folder) == ["m.db"]
        assert os.listdir(target) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("change", ["replaced", "written", "created"])
def test_a_file_changed_by_someone_else_during_the_run_is_not_replaced(
    tmp_path: Path, scheme: str, change: str
) -> None:
    """FINDINGS11 L5: the run's rename replaced a file another program wrote (or a second run
    published) during the run, with exit 0: that data was lost without a word."""
    if scheme == "parquet":
        pytest.importorskip("pyarrow")
    target = tmp_path / f"m.{scheme}"
    if change != "created":
        target.write_bytes(b"previous")
    inner = serve([measurement(i) for i in range(5)])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "2":
            if change == "replaced":  # another run's publish: a new file renamed over it
                (tmp_path / "theirs").write_bytes(b"REPLACED")
                os.replace(tmp_path / "theirs", target)
            elif change == "written":
                with open(target, "ab") as handle:
                    handle.write(b" and more")
            else:
                target.write_bytes(b"CREATED")
        return inner(request)

    sink = open_sink(f"{scheme}:{target}")
    with pytest.raises(SinkError) as info, Toolkit(**settings(tmp_path, handler)) as toolkit:
        toolkit.export(PROJECT_ID, [sink], page_size=2)
    how = {"replaced": "replaced", "written": "written to", "created": "created"}[change]
    assert str(info.value) == (
        f"sink {scheme}:{target} failed: SinkTargetError: {target} was {how} by someone else "
        "during the run (another program, another run or a shell's redirect); it is left as it "
        "is now and this run's output is not published (run it again)"
    )
    expected = {"replaced": b"REPLACED", "written": b"previous and more", "created": b"CREATED"}
    assert target.read_bytes() == expected[change]
    assert sorted(os.listdir(tmp_path)) == [target.name]  # no part file
    # FINDINGS12 M1: the outcome says what happened (was "the previous output was removed or
    # replaced" for a file written to, "no previous output to keep" for one created)
    assert sink.changed_by_other == how
    assert sink_outcome([(f"{scheme}:{target}", sink)], name_rolled_back=True) == (
        f"nothing written (the file was {how} by someone else during the run; it is left as it "
        f"is now): {scheme}:{target}"
    )


def test_a_file_deleted_during_the_run_is_written_anew(tmp_path: Path) -> None:
    target = tmp_path / "m.jsonl"
    target.write_bytes(b"previous")
    inner = serve([measurement(i) for i in range(5)])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "2":
            target.unlink()
        return inner(request)

    with Toolkit(**settings(tmp_path, handler)) as toolkit:
        result = toolkit.export(PROJECT_ID, [f"jsonl:{target}"], page_size=2)
    assert result.records == 5
    assert len(target.read_text(encoding="utf-8").splitlines()) == 5


def test_a_changed_file_publishes_none_of_the_outputs(tmp_path: Path) -> None:
    """The check runs in the prepare phase too: with two file outputs, the one changed by
    someone else stops the run before either is renamed into place (all or nothing)."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.csv"
    first.write_bytes(b"previous")
    second.write_bytes(b"previous")
    inner = serve([measurement(i) for i in range(5)])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "2":
            with open(second, "ab") as handle:
                handle.write(b" and theirs")
        return inner(request)

    sinks = [open_sink(f"jsonl:{first}"), open_sink(f"csv:{second}")]
    with pytest.raises(SinkError) as info, Toolkit(**settings(tmp_path, handler)) as toolkit:
        toolkit.export(PROJECT_ID, sinks, page_size=2)
    assert str(info.value).startswith(f"sink csv:{second} failed: SinkTargetError: {second} was")
    assert (first.read_bytes(), second.read_bytes()) == (b"previous", b"previous and theirs")
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl", "b.csv"]
    assert sink_outcome([(f"jsonl:{first}", sinks[0]), (f"csv:{second}", sinks[1])]) == ""
    assert sink_outcome(
        [(f"jsonl:{first}", sinks[0]), (f"csv:{second}", sinks[1])], name_rolled_back=True
    ) == (
        f"rolled back (previous output kept): jsonl:{first}; nothing written (the file was "
        f"written to by someone else during the run; it is left as it is now): csv:{second}"
    )
