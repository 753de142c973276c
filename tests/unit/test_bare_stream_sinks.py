"""A bare stream target without a suffix is JSON Lines (FINDINGS8 H17, ``>(gzip > out.gz)``).

README names ``>(gzip > out.gz)`` as a target written in place as a stream; written literally
(``--sink >(gzip > out.gz)``, which the shell turns into ``/dev/fd/63``) it was refused:
``cannot infer a sink from '/dev/fd/63': no SCHEME: prefix and the suffix (none) ...``. A
stream has no suffix to pick a format by, so a bare one is JSON Lines, as bare ``-``,
``/dev/stdout`` and ``/dev/null`` already were: ``/dev/fd/N``, ``/proc/self/fd/N``, a FIFO or a
character device. A suffix still picks the format (``pipe.csv`` a FIFO is CSV). The same
kind: ``/dev/stderr`` is descriptor 2, a stream, even when ``2> log.txt`` made it a regular
file (which a sink replaced by rename).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ID
from ionworks_toolkit.cli import main
from ionworks_toolkit.sinks import SinkTarget, SinkTargetError, parse_sink_target
from ionworks_toolkit.sinks._base import OutputTarget, output_target
from loopback import by_project_pages

KNOWN = ["csv", "jsonl", "parquet", "sqlite", "table"]


@pytest.mark.parametrize("name", ["/dev/fd/63", "/dev/fd/1", "/proc/self/fd/12", "/dev/null"])
def test_a_bare_descriptor_or_device_is_json_lines(name: str) -> None:
    assert parse_sink_target(name, KNOWN) == SinkTarget("jsonl", name, {})


def test_a_bare_fifo_without_a_suffix_is_json_lines_and_a_suffix_still_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(tmp_path / "pipe")
    os.mkfifo(tmp_path / "pipe.csv")
    assert parse_sink_target(f"{tmp_path}/pipe", KNOWN) == SinkTarget("jsonl", f"{tmp_path}/pipe")
    assert parse_sink_target(f"{tmp_path}/pipe.csv", KNOWN).scheme == "csv"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse_sink_target("~/pipe", KNOWN) == SinkTarget("jsonl", "~/pipe")
    # No jsonl sink (switched off): refused as before, naming the target.
    with pytest.raises(SinkTargetError) as caught:
        parse_sink_target("/dev/fd/63", ["csv"])
    assert str(caught.value) == (
        "cannot infer a sink from '/dev/fd/63': no SCHEME: prefix and the suffix (none) is not "
        "one of .csv; allowed schemes: csv"
    )


@pytest.mark.parametrize(
    "name", ["/dev/fd/x", "/dev/fd/-1", "/dev/fdx/3", "/abcdefg7", "nowhere", "a\0b"]
)
def test_other_bare_names_without_a_suffix_are_still_refused(name: str, tmp_path: Path) -> None:
    """Not a descriptor number, a path that does not exist, a name the OS cannot take, a
    regular file: nothing to infer a format from."""
    for text in (name, str(tmp_path / "regular")):
        (tmp_path / "regular").write_text("")
        with pytest.raises(SinkTargetError) as caught:
            parse_sink_target(text, KNOWN)
        assert str(caught.value) == (
            f"cannot infer a sink from {text!r}: no SCHEME: prefix and the suffix (none) is "
            "not one of .csv, .db, .jsonl, .ndjson, .parquet, .sqlite, .sqlite3; allowed "
            "schemes: csv, jsonl, parquet, sqlite, table"
        )


def test_the_descriptor_folder_itself_is_a_directory() -> None:
    with pytest.raises(SinkTargetError) as caught:
        parse_sink_target("/dev/fd/", KNOWN)
    assert str(caught.value).startswith(
        "cannot infer a sink from '/dev/fd/': it is a directory; name a file in it: "
        "SCHEME:/dev/fd/FILE (e.g. jsonl:/dev/fd/FILE)"
    )


def test_a_bare_descriptor_receives_json_lines(runner: CliRunner) -> None:
    """``--sink /dev/fd/N`` (what ``>(...)`` becomes): every record, one line each."""
    read, write = os.pipe()
    try:
        with by_project_pages(3, 3) as server:
            arguments = ["measurements", "list", PROJECT_ID, "--all", "--sink", f"/dev/fd/{write}"]
            result = runner.invoke(main, ["--api-url", server.url, "--api-key", "k", *arguments])
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as pipe:
        lines = pipe.read().decode().splitlines()
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in lines] == ["m-0", "m-1", "m-2"]
    assert result.output == f"wrote 3 records to jsonl:/dev/fd/{write}\n"


@pytest.mark.cli_subprocess
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for >(...)")
def test_readmes_process_substitution_example_written_literally(tmp_path: Path) -> None:
    """README's ``>(gzip > out.gz)``, as a shell runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    with by_project_pages(3, 3) as server:
        command = (
            f"{sys.executable} -m ionworks_toolkit.cli --api-url {server.url} --api-key k "
            f"measurements list {PROJECT_ID} --all --sink >(gzip > out.gz); wait $!"
        )
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("wrote 3 records to jsonl:/dev/fd/")
    lines = gzip.decompress((tmp_path / "out.gz").read_bytes()).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["m-0", "m-1", "m-2"]


def test_dev_stderr_is_descriptor_2_even_when_it_is_a_regular_file(tmp_path: Path) -> None:
    """``jsonl:/dev/stderr`` with ``2> log.txt``: /dev/stderr resolved to log.txt, a regular
    file, which the sink would have replaced by rename (the log's earlier lines gone). Under
    pytest's capture descriptor 2 is such a file, so this is that case."""
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    saved = os.dup(2)
    try:
        with open(log, "a") as appended:
            os.dup2(appended.fileno(), 2)
        assert output_target("jsonl", "/dev/stderr") == OutputTarget(
            None, True, "file descriptor", fd=2
        )
        assert parse_sink_target("/dev/stderr", KNOWN) == SinkTarget("jsonl", "/dev/stderr")
        with pytest.raises(SinkTargetError) as caught:
            output_target("sqlite", "/dev/stderr", streams=False)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    assert str(caught.value) == (
        "sqlite:/dev/stderr: a file descriptor is a stream; the sqlite sink writes regular "
        "files only, e.g. sqlite:out.db"
    )
    assert log.read_text() == "earlier line\n"
