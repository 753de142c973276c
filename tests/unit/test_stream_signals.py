"""A stream sink's reader that is missing or stalled (FINDINGS7 G9, G10).

- G9: a FIFO sink with no reader yet hung in ``open()`` in silence, and the first Ctrl-C or
  SIGTERM was swallowed (the system call is retried after a signal whose handler returns,
  PEP 475; the CLI's handler only cancelled the asyncio task). Now a notice says the run
  waits for a reader, and the first signal ends the run.
- G10: a stalled stdout reader held the first signal the same way, and the final message
  said "nothing was written" although whole records and part of one more went out. Now
  the first signal ends the run and the message counts what the pipe took.

No durations are asserted: a swallowed signal fails a test by ``TimeoutExpired``.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import _base
from ionworks_toolkit.sinks._base import OutputTarget, stream_wait, waiting_for_stream
from ionworks_toolkit.sinks._csv import CsvSink
from ionworks_toolkit.sinks._jsonl import JsonlSink

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and FIFOs")

CONSOLE_SCRIPT = "from ionworks_toolkit._entry import main; main()"
NASA = "NASA PCoE Li-ion battery aging"
ATTIA = "Attia 2020 closed-loop fast-charging optimisation"
SIGNALS = pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
    ids=["sigint", "sigterm"],
)


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}


def default_sigint() -> None:
    """In the child: Ctrl-C as a terminal's foreground job gets it, whatever the test runner
    inherited (a background job of a script starts with SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# ------------------------------------------------------------------------------ the CLI


@pytest.mark.sandbox
@SIGNALS
def test_a_fifo_without_a_reader_says_so_and_one_signal_ends_the_run(
    tmp_path: Path, signum: int, code: int, word: str
) -> None:
    os.mkfifo(tmp_path / "f.jsonl")
    process = subprocess.Popen(
        [sys.executable, "-c", CONSOLE_SCRIPT, "--sandbox", "measurements", "list", NASA,
         "--limit", "2", "--sink", "f.jsonl"],
        cwd=tmp_path, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, preexec_fn=default_sigint,
    )  # fmt: skip
    assert process.stderr is not None
    # The notice is printed just before the blocking open(): the run now waits there.
    assert process.stderr.readline() == (
        "waiting for a reader on f.jsonl (a FIFO nothing reads yet; Ctrl-C stops)...\n"
    )
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)  # a swallowed signal: it waits for ever
    assert (process.returncode, err) == (
        code,
        f"{word}: nothing was written (outputs rolled back)\n",
    )
    assert sorted(os.listdir(tmp_path)) == ["f.jsonl"]


def pipe_is_full(read_end: int, capacity: int) -> bool:
    waiting = bytearray(4)
    fcntl.ioctl(read_end, termios.FIONREAD, waiting)
    return int.from_bytes(waiting, sys.byteorder) >= capacity


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("signum", "code", "word", "sigint"),
    [
        (signal.SIGINT, 130, "interrupted", signal.SIG_DFL),
        (signal.SIGTERM, 143, "terminated", signal.SIG_DFL),
        (signal.SIGTERM, 143, "terminated", signal.SIG_IGN),
    ],
    ids=["sigint", "sigterm", "sigterm-sigint-ignored"],
)
def test_a_stalled_stdout_reader_one_signal_ends_the_run_and_the_message_counts_the_pipe(
    tmp_path: Path, signum: int, code: int, word: str, sigint: Any
) -> None:
    """The finding's case: ``--sink jsonl:- --sink w.csv`` with a reader that stops reading;
    also as ``cmd &`` in a script starts it (SIGINT ignored), where SIGTERM alone stops it."""
    (tmp_path / "w.csv").write_text("previous\n")
    read_end, write_end = os.pipe()
    capacity = fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 65536)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", CONSOLE_SCRIPT, "--sandbox", "measurements", "list", ATTIA,
             "--all", "--sink", "jsonl:-", "--sink", "w.csv"],
            cwd=tmp_path, env=environment(), stdout=write_end, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
        )  # fmt: skip
    finally:
        os.close(write_end)
    try:
        deadline = time.monotonic() + 120
        while not pipe_is_full(read_end, capacity):  # the run now waits for the reader
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the pipe never filled"
            time.sleep(0.05)
        process.send_signal(signum)
        _, err = process.communicate(timeout=120)  # a swallowed signal: it waits for ever
        got = b""
        while chunk := os.read(read_end, 1 << 20):
            got += chunk
    finally:
        os.close(read_end)
    assert len(got) == capacity
    whole = got.count(b"\n")
    assert whole >= 1 and not got.endswith(b"\n")  # records ~12 KB: the pipe cut one
    assert (process.returncode, err) == (
        code,
        f"{word}: rolled back (previous output kept): w.csv; already streamed: jsonl:- "
        f"({whole} records and part of record {whole + 1}, cannot be taken back)\n",
    )
    assert (tmp_path / "w.csv").read_text() == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["w.csv"]


# ------------------------------------------------------------------------ the sink layer


def small_pipe(size: int = 4096) -> tuple[int, int]:
    """A pipe of ``size`` bytes whose write end does not block: a bigger write takes ``size``
    bytes and returns, as a blocking write stopped by a signal after its first bytes."""
    read_end, write_end = os.pipe()
    assert fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, size) == size
    os.set_blocking(write_end, False)
    return read_end, write_end


RECORDS = [{"id": f"m-{n}", "name": "x" * 1000} for n in range(1, 9)]  # ~1 KB lines


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, "cancelled"])
def test_a_signal_in_the_wait_counts_the_records_and_the_part_the_stream_took(
    monkeypatch: pytest.MonkeyPatch, interrupt: Any
) -> None:
    read_end, write_end = small_pipe()
    waits: list[int] = []

    def wait(fd: int) -> None:
        waits.append(fd)
        if len(waits) == 2:  # the page's first 4096 bytes went out; then Ctrl-C
            if interrupt == "cancelled":
                import asyncio

                raise asyncio.CancelledError
            raise KeyboardInterrupt

    monkeypatch.setattr(_base, "_wait_writable", wait)
    sink = JsonlSink(target=OutputTarget(None, True, "file descriptor", fd=write_end))
    try:
        with pytest.raises(BaseException) as raised:
            sink.write(RECORDS)
        got = os.read(read_end, 1 << 16)
    finally:
        sink.abort()
        os.close(read_end)
        os.close(write_end)
    assert raised.type.__name__ == (
        "CancelledError" if interrupt == "cancelled" else "KeyboardInterrupt"
    )
    assert waits == [waits[0], waits[0]] and waits[0] != write_end  # the sink's own dup
    assert len(got) == 4096 and got.count(b"\n") == 4  # lines of 1023 bytes
    assert (sink.records_written, sink.cut_record, sink.streamed) == (4, True, True)
    assert sink_outcome([("jsonl:-", sink)]) == (
        "already streamed: jsonl:- (4 records and part of record 5, cannot be taken back)"
    )


def test_a_stream_cut_between_records_has_no_part_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """CSV: the header is no record; its first row ends at the pipe's last byte."""
    read_end, write_end = small_pipe(16384)
    calls = []

    def wait(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(_base, "_wait_writable", wait)
    sink = CsvSink(target=OutputTarget(None, True, "file descriptor", fd=write_end))
    header = len(",".join(sink.columns).encode()) + 2  # \r\n
    first = {"id": "a" * (16384 - header - len(sink.columns) - 1)}  # ends at byte 16384
    try:
        with pytest.raises(KeyboardInterrupt):
            sink.write([first, *RECORDS])
        got = os.read(read_end, 1 << 16)
    finally:
        sink.abort()
        os.close(read_end)
        os.close(write_end)
    assert len(got) == 16384 and got.endswith(b"\r\n") and got.count(b"\r\n") == 2
    assert (sink.records_written, sink.cut_record, sink.streamed) == (1, False, True)
    assert sink_outcome([("csv:-", sink)]) == (
        "already streamed: csv:- (1 record, cannot be taken back)"
    )


def test_an_interrupt_in_a_file_sink_counts_nothing() -> None:
    """Only a stream counts what went out; a file's page is discarded with it."""

    class Interrupted(JsonlSink):
        def _write(self, records: Any) -> None:
            self._page_delivered = 2
            raise KeyboardInterrupt

    sink = Interrupted(Path(os.devnull + "-never-written"))
    with pytest.raises(KeyboardInterrupt):
        sink.write(RECORDS)
    assert (sink.records_written, sink.cut_record) == (0, False)
    sink.abort()


def test_write_fully_waits_before_every_write_on_a_waitable_descriptor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_end, write_end = small_pipe()
    waits: list[int] = []
    taken: list[int] = []
    monkeypatch.setattr(_base, "_wait_writable", waits.append)
    out = open(write_end, "wb", buffering=0, closefd=False)  # noqa: SIM115
    with pytest.raises(BrokenPipeError):  # a non-blocking pipe, full: write() gives None
        _base.write_fully(out, b"y" * 5000, taken.append, write_end)
    os.read(read_end, 1 << 16)
    assert _base.write_fully(out, b"z" * 10, taken.append) == 10  # no fd: no wait
    out.close()
    os.close(read_end)
    os.close(write_end)
    assert (waits, taken) == ([write_end, write_end], [4096, 10])


def test_only_descriptors_that_can_block_on_a_reader_are_waited_for(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        with open(write_end, "wb", buffering=0, closefd=False) as out:
            assert _base._waitable_fd(out) == write_end
        with open(tmp_path / "f", "wb", buffering=0) as regular:
            assert _base._waitable_fd(regular) is None
        with open(os.devnull, "wb", buffering=0) as device:
            assert _base._waitable_fd(device) == device.fileno()
        assert _base._waitable_fd(object()) is None  # no fileno
    finally:
        os.close(read_end)
        os.close(write_end)
    closed = open(tmp_path / "g", "wb", buffering=0)  # noqa: SIM115
    closed.close()
    assert _base._waitable_fd(closed) is None  # ValueError: I/O on a closed file


def test_wait_writable_returns_when_the_pipe_has_room_and_is_a_stream_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_end, write_end = os.pipe()
    seen = []

    class Poll:
        def register(self, fd: int, events: int) -> None:
            seen.append((fd, events, waiting_for_stream()))

        def poll(self) -> list[Any]:
            seen.append(waiting_for_stream())
            return []

    _base._wait_writable(write_end)  # an empty pipe: at once
    monkeypatch.setattr(_base.select, "poll", Poll)
    _base._wait_writable(write_end)
    os.close(read_end)
    os.close(write_end)
    assert seen == [(write_end, _base.select.POLLOUT, True), True]
    assert waiting_for_stream() is False


def test_stream_wait_nests_and_ends_at_once_in_a_cancelled_task() -> None:
    import asyncio

    assert waiting_for_stream() is False
    with stream_wait():
        with stream_wait():
            assert waiting_for_stream() is True
        assert waiting_for_stream() is True
    assert waiting_for_stream() is False
    entered = []

    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None
        with stream_wait():
            entered.append(1)
        task.cancel()
        with stream_wait():
            entered.append(2)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())
    assert entered == [1]
    assert waiting_for_stream() is False


def test_a_thread_that_never_waited_neither_waits_nor_stops_at_once() -> None:
    # A worker thread's first look: the thread-local counters are not set yet (0 either way).
    seen: list[tuple[bool, bool]] = []

    def look() -> None:
        seen.append((waiting_for_stream(), _base.stops_at_once()))
        with _base.interruptible():
            seen.append((waiting_for_stream(), _base.stops_at_once()))

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(60)
    assert seen == [(False, False), (False, True)]


class _Stderr:
    """A stand-in for ``sys.stderr`` recording what is written and flushed, or failing."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.events: list[str] = []

    def write(self, text: str) -> int:
        if self.error is not None:
            raise self.error
        self.events.append(text)
        return len(text)

    def flush(self) -> None:
        self.events.append("<flush>")


def test_notice_is_one_line_on_stderr_flushed_and_never_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stderr = _Stderr()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(sys, "stdout", _Stderr(AssertionError("stdout is another sink's")))
    _base.notice("waiting for a reader")
    assert stderr.events == ["waiting for a reader", "\n", "<flush>"]
    # A closed or broken stderr (ValueError, OSError) loses the notice, not the run.
    for error in (OSError(5, "Input/output error"), ValueError("I/O operation on closed file")):
        monkeypatch.setattr(sys, "stderr", _Stderr(error))
        _base.notice("lost")


def test_open_fifo_with_a_reader_opens_at_once_without_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    notices: list[str] = []
    monkeypatch.setattr(_base, "notice", notices.append)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with _base.open_fifo(fifo) as out:
            assert os.get_blocking(out.fileno()) is True
            out.write(b"ok\n")
        assert os.read(reader, 10) == b"ok\n"
    finally:
        os.close(reader)
    assert notices == []


def test_open_fifo_without_a_reader_notices_then_waits_for_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    noticed = threading.Event()
    notices: list[str] = []

    def notice(text: str) -> None:
        notices.append(text)
        noticed.set()

    monkeypatch.setattr(_base, "notice", notice)
    got: list[bytes] = []

    def read() -> None:
        assert noticed.wait(60)
        with open(fifo, "rb") as reader:  # the writer's open() returns now
            got.append(reader.read())

    thread = threading.Thread(target=read)
    thread.start()
    with _base.open_fifo(fifo) as out:
        out.write(b"late\n")
    thread.join(60)
    assert notices == [
        f"waiting for a reader on {fifo} (a FIFO nothing reads yet; Ctrl-C stops)..."
    ]
    assert got == [b"late\n"]


def test_open_fifo_of_a_target_no_longer_a_fifo_opens_it_as_open_wb_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The FIFO went away after the target was classified: the file is created with mode
    # 0o666 less the umask (as ``open(path, "wb")``), or emptied, and written at once.
    notices: list[str] = []
    monkeypatch.setattr(_base, "notice", notices.append)
    previous = os.umask(0o022)
    try:
        with _base.open_fifo(tmp_path / "gone") as out:
            assert os.get_blocking(out.fileno()) is True
            out.write(b"new\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "gone").read_bytes() == b"new\n"
    assert oct((tmp_path / "gone").stat().st_mode & 0o777) == oct(0o644)
    (tmp_path / "old").write_bytes(b"previous content\n")
    with _base.open_fifo(tmp_path / "old") as out:
        out.write(b"x\n")
    assert (tmp_path / "old").read_bytes() == b"x\n"
    assert notices == []


def test_open_fifo_other_errors_propagate(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        _base.open_fifo(tmp_path / "missing" / "f")


@pytest.mark.parametrize(
    ("stop_at_wait", "expected"),
    [
        (1, (0, False, False, "")),  # nothing went out: the stream was not streamed
        (2, (0, True, True, "already streamed: csv:- (0 records and part of record 1, "
                            "cannot be taken back)")),
    ],
    ids=["before-any-byte", "inside-the-first-row"],
)  # fmt: skip
def test_a_csv_stream_stopped_before_or_inside_its_first_row(
    monkeypatch: pytest.MonkeyPatch, stop_at_wait: int, expected: tuple[Any, ...]
) -> None:
    read_end, write_end = small_pipe(16384)
    calls = []

    def wait(fd: int) -> None:
        calls.append(fd)
        if len(calls) == stop_at_wait:
            raise KeyboardInterrupt

    monkeypatch.setattr(_base, "_wait_writable", wait)
    sink = CsvSink(target=OutputTarget(None, True, "file descriptor", fd=write_end))
    header = len(",".join(sink.columns).encode()) + 2
    first = {"id": "a" * (16384 - header)}  # the header and part of this row fill the pipe
    try:
        with pytest.raises(KeyboardInterrupt):
            sink.write([first, *RECORDS])
    finally:
        sink.abort()
        os.close(read_end)
        os.close(write_end)
    got = (sink.records_written, sink.cut_record, sink.streamed)
    assert (*got, sink_outcome([("csv:-", sink)])) == expected
