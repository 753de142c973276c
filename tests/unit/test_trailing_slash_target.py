"""A file target ending in '/' names a folder (FINDINGS10 K11): ``--sink out.csv/`` wrote the
file ``out.csv`` ("wrote 2 records to csv:out.csv/"), where the shell's ``> out.csv/`` refuses
("Is a directory"). It is refused before any request, for every file sink; an existing
folder given with its '/' keeps the "is a directory" message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ionworks_toolkit.sinks import SinkTargetError
from ionworks_toolkit.sinks._base import output_target
from ionworks_toolkit.sinks._csv import make_csv_sink
from ionworks_toolkit.sinks._jsonl import make_jsonl_sink
from ionworks_toolkit.sinks._sqlite import make_sqlite_sink


@pytest.mark.parametrize(
    ("scheme", "make", "example"),
    [
        ("csv", make_csv_sink, "csv:out.csv"),
        ("jsonl", make_jsonl_sink, "jsonl:out.jsonl"),
        ("sqlite", make_sqlite_sink, "sqlite:out.db"),
    ],
)
def test_a_new_path_ending_in_a_slash_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: str, make: object, example: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SinkTargetError) as caught:
        make("out.csv/", {})  # type: ignore[operator]
    assert str(caught.value) == (
        f"{scheme}:out.csv/: a path ending in '/' names a folder, and 'out.csv/' is none; "
        f"the {scheme} sink writes a file: give its name without the '/', e.g. {example}"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_given_with_a_slash_is_refused_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.csv").write_text("id\n1\n")
    with pytest.raises(SinkTargetError) as caught:
        output_target("csv", "out.csv/")
    assert "a path ending in '/' names a folder, and 'out.csv/' is none" in str(caught.value)
    assert (tmp_path / "out.csv").read_text() == "id\n1\n"


def test_an_existing_folder_with_its_slash_is_still_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    with pytest.raises(SinkTargetError) as caught:
        output_target("csv", "out/")
    assert str(caught.value) == (
        "csv:out/: 'out/' is a directory, not a regular file; it is never replaced (the csv "
        "sink writes regular files, character devices and FIFOs)"
    )
