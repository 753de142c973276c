"""A stdout whose reader has gone (``| head``): every command stops quietly with exit 141
(128 + SIGPIPE), no message, no traceback; a stream sink counts as written the records it
handed to the pipe whole, before the reader left (the issue: "after 0 records" although
records were written)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from closed_pipe import ClosedPipe
from ionworks_toolkit.cli import EXIT_CODES_HELP
from ionworks_toolkit.sinks import open_sink

SEVERSON = "Severson 2019 fast-charging cycle life"
RECORDS = [
    {"id": "m-1", "name": "電池 cell one"},  # multi-byte: the count is of bytes, not characters
    {"id": "m-2", "name": "cell two"},
    {"id": "m-3", "name": "cell three"},
]


class _Buffer(io.BytesIO):
    """stdout's byte buffer: what was buffered before the sink's first page, and ``raw``."""

    def __init__(self, raw: ClosedPipe) -> None:
        super().__init__()
        self.raw = raw


class _Stdout:
    def __init__(self, accept: int) -> None:
        self.raw = ClosedPipe(accept)
        self.buffer = _Buffer(self.raw)

    def flush(self) -> None:
        pass


def _lines(scheme: str) -> list[bytes]:
    """The bytes ``scheme:-`` writes for RECORDS, one item per line (CSV: header first)."""
    out = io.StringIO()
    sink: Any = open_sink(f"{scheme}:-")
    sink._out.stream = out
    sink.write(RECORDS)
    sink.commit()
    return [line.encode() for line in out.getvalue().splitlines(keepends=True)]


@pytest.mark.parametrize(
    ("scheme", "whole", "expected"),
    [
        ("jsonl", 0, "after 0 records; 5 records not written there"),
        ("jsonl", 1, "after 1 record; 4 records not written there"),
        ("jsonl", 2, "after 2 records; 3 records not written there"),
        ("csv", 0, "after 0 records; 5 records not written there"),
        ("csv", 2, "after 2 records; 3 records not written there"),
    ],
)
def test_a_stream_counts_the_records_the_pipe_took_whole(
    monkeypatch: pytest.MonkeyPatch, scheme: str, whole: int, expected: str
) -> None:
    lines = _lines(scheme)
    header = 1 if scheme == "csv" else 0
    taken = sum(len(line) for line in lines[: header + whole + 1]) - 1  # one byte short
    stdout = _Stdout(accept=taken)
    monkeypatch.setattr(sys, "stdout", stdout)
    sink: Any = open_sink(f"{scheme}:-")
    sink.write(RECORDS)
    sink.write(RECORDS[:2])  # after the reader left: dropped, nothing sent
    assert (sink.reader_gone, sink.records_written, sink.records_dropped) == (
        True,
        whole,
        5 - whole,
    )
    assert stdout.raw.accepted == b"".join(lines)[:taken]
    sink.commit()
    assert (
        sink.describe() == f"stopped writing to {scheme}:-: its reader closed the pipe {expected}"
    )


def test_a_page_the_pipe_took_whole_is_written_and_the_next_one_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = _lines("jsonl")
    stdout = _Stdout(accept=sum(len(line) for line in lines) + 10)
    monkeypatch.setattr(sys, "stdout", stdout)
    sink: Any = open_sink("jsonl:-")
    sink.write(RECORDS)
    sink.write(RECORDS)
    assert (sink.reader_gone, sink.records_written, sink.records_dropped) == (True, 3, 3)
    assert stdout.raw.accepted == b"".join(lines) + lines[0][:10]
    assert sink.describe() == (
        "stopped writing to jsonl:-: its reader closed the pipe after 3 records; 3 records "
        "not written there"
    )


# ------------------------------------- exit 141 (every command: test_cli_terminal.py)


def _run_to_closed_pipe(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The console script's entry with a stdout whose reader closed before the start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-c", "from ionworks_toolkit._entry import main; main()", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
            timeout=120,
        )
    finally:
        os.close(write)


def test_the_other_outputs_are_published_and_the_exit_says_stdout_was_cut(tmp_path: Path) -> None:
    args = ["--sandbox", "measurements", "list", SEVERSON, "--sink", "jsonl:-", "--sink", "o.csv"]
    done = _run_to_closed_pipe(tmp_path, *args)
    assert done.returncode == 141
    assert done.stderr.splitlines() == [
        "stopped writing to jsonl:-: its reader closed the pipe after 0 records; 25 records "
        "not written there",
        "wrote 25 records to csv:o.csv",
        "listed 25 of 128 measurements (the default --limit 25; use --all for every measurement)",
    ]
    assert len((tmp_path / "o.csv").read_text().splitlines()) == 26
    quiet = _run_to_closed_pipe(tmp_path, "--sandbox", "-q", *args[1:-1], "q.csv")
    assert (quiet.returncode, quiet.stderr) == (141, "")
    assert len((tmp_path / "q.csv").read_text().splitlines()) == 26


def test_the_exit_codes_help_names_141() -> None:
    assert EXIT_CODES_HELP.endswith(
        "6 output sink; 7 published, but records may be missing (run it again); 130 interrupted "
        "(143 SIGTERM, 129 SIGHUP); 141 the reader of stdout left (| head)."
    )
    assert "; 1 a bug (a traceback: please report it); 2 usage" in EXIT_CODES_HELP


def test_a_parquet_stream_as_the_only_output_stops_quietly_too(tmp_path: Path) -> None:
    # FINDINGS8 H10: a Parquet stream sends its bytes when publishing (the footer); its
    # reader's leaving was found there, after the walk, and reported although stdout was the
    # only output (csv:- and jsonl:- were quiet).
    pytest.importorskip("pyarrow")
    args = ["--sandbox", "measurements", "list", SEVERSON, "--sink", "parquet:-"]
    done = _run_to_closed_pipe(tmp_path, *args)
    assert (done.returncode, done.stderr) == (141, "")
    beside = _run_to_closed_pipe(tmp_path, *args, "--sink", "p.csv")
    assert beside.returncode == 141
    assert beside.stderr.splitlines()[:2] == [
        "stopped writing to parquet:-: its reader closed the pipe after 0 records; 25 records "
        "not written there",
        "wrote 25 records to csv:p.csv",
    ]


# ------------------------------------ FINDINGS6 F10: `| head -1`, exact count of the real run

ATTIA = "Attia 2020 closed-loop fast-charging optimisation"
PIPE_SIZE = 16384


def _bytes_in(fd: int) -> int:
    """How many bytes wait in the pipe whose read end is ``fd`` (``FIONREAD``)."""
    import array
    import fcntl
    import termios

    waiting = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, waiting)
    return waiting[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ is Linux's")
def test_head_1_counts_the_records_the_pipe_took_exactly(tmp_path: Path) -> None:
    # FINDINGS6 F10's input: `measurements list ATTIA --all --page-size 50 --sink jsonl:-
    # --sink big.db | head -1` said "after 0 records" although the reader got one. Here the
    # pipe holds 16 KiB (F_SETPIPE_SZ), the reader leaves once the pipe is full (the first
    # page's one write, 50 records of about 12 KB, then waits in the kernel), so exactly
    # 16384 bytes were handed to it: the records whole within them, counted from a third sink
    # of the same run writing the same lines to a file.
    import fcntl
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    read, write = os.pipe()
    assert fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_SIZE) == PIPE_SIZE
    args = ["--sandbox", "measurements", "list", ATTIA, "--all", "--page-size", "50"]
    args += ["--sink", "jsonl:-", "--sink", "big.db", "--sink", "same.jsonl"]
    process = subprocess.Popen(
        [sys.executable, "-c", "from ionworks_toolkit._entry import main; main()", *args],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    os.close(write)
    try:
        deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
        while _bytes_in(read) < PIPE_SIZE:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the run never filled the pipe"
            time.sleep(0.02)
    finally:
        os.close(read)  # `head` leaves
    _, err = process.communicate(timeout=120)
    assert process.returncode == 141, err
    lines = (tmp_path / "same.jsonl").read_bytes().splitlines(keepends=True)
    assert len(lines) == 233
    whole = 0
    while sum(len(line) for line in lines[: whole + 1]) <= PIPE_SIZE:
        whole += 1
    assert whole == 1  # the pipe took one record whole and part of the second
    assert err.splitlines() == [
        "stopped writing to jsonl:-: its reader closed the pipe after 1 record; 232 records "
        "not written there",
        "wrote 233 records to sqlite:big.db (table measurements)",
        "wrote 233 records to jsonl:same.jsonl",
    ]
