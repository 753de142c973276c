"""Ctrl-C and SIGTERM while a sink blocks or while the run publishes (FINDINGS7 G22, G24).

- G24: a plugin sink whose ``_write`` blocks (a slow share, a lock, an upload) swallowed the
  first Ctrl-C or SIGTERM: under ``asyncio.run`` the signal only cancelled the task, which
  the blocked write never noticed. Now a sink that does not declare ``marks_its_waits``
  (plugin sinks, network databases) is stopped inside its ``write``/``prepare`` at once.
- G22: signals were held for the whole commit (publish) phase however long it took: a
  plugin ``_commit`` that hangs could only be killed. Now the first held signal says what
  is being published and that a second one abandons it; the second does, and the message
  names what was published, what was cut part-way and what was rolled back. A built-in
  file sink's rename still finishes (milliseconds) before the run stops; a SQLite
  ``COMMIT`` waiting for a reader is abandoned in that wait, rolled back.
- SIGTERM while SIGINT is ignored (``cmd &`` in a script): the SIGTERM handler raised
  KeyboardInterrupt wherever the main thread was, e.g. after a stream's bytes went out
  but before they were counted, so the message undercounted what was streamed. It now
  stops the run as Ctrl-C does (the task cancelled; KeyboardInterrupt only in a wait).

No durations are asserted: a swallowed signal fails a test by ``TimeoutExpired``.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import export as export_module
from ionworks_toolkit.cli import Context
from ionworks_toolkit.errors import SinkError
from ionworks_toolkit.export import ABANDONED_SINK, commit_sinks, sink_outcome, write_page
from ionworks_toolkit.sinks import BaseSink, CsvSink, JsonlSink, SqliteSink, _base, _sqlite
from ionworks_toolkit.sinks._base import OutputTarget, stops_at_once, stream_wait

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

CONSOLE_SCRIPT = "from ionworks_toolkit._entry import main; main()"
NASA = "NASA PCoE Li-ion battery aging"
RECORDS = [{"id": f"m-{n}", "name": "x" * 1000} for n in range(1, 9)]  # ~1 KB lines

# ------------------------------------------------------------------ the CLI, with a plugin

BAD_PLUGIN = """\
import os
import pathlib
import time

from ionworks_toolkit.hookspecs import hookimpl
from ionworks_toolkit.sinks import BaseSink


class Bad(BaseSink):
    stages_output = True

    def __init__(self, target):
        super().__init__(f"bad:{target}")
        self.target = target
        self.rows = 0

    def _hang(self, where):
        if os.environ.get("BADMODE") == where:
            pathlib.Path(where + "-started").write_text("")  # the test waits for it
            time.sleep(600)

    def _write(self, records):
        self._hang("write")
        if os.environ.get("BADMODE") == "abort":
            raise RuntimeError("write boom")
        self.rows += len(records)

    def _commit(self):
        self._hang("commit")
        pathlib.Path(self.target).write_text(f"{self.rows}\\n")

    def _abort(self):
        self._hang("abort")

    def describe(self):
        self._hang("describe")
        return super().describe()


@hookimpl
def ionworks_register_sinks(register):
    register("bad", lambda target, options: Bad(target))


@hookimpl
def ionworks_auth(settings):
    if os.environ.get("BADMODE") == "auth":  # asked at the first request
        pathlib.Path("auth-started").write_text("")
        time.sleep(600)
"""


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A run folder, with the ``bad`` plugin (sink ``bad:``) importable by the child."""
    plugins = tmp_path / "site"
    plugins.mkdir()
    (plugins / "badsink.py").write_text(BAD_PLUGIN)
    info = plugins / "badsink-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: badsink\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[ionworks_toolkit]\nbad = badsink\n")
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def run_cli(work: Path, mode: str, *sinks: str, sigint: Any = signal.SIG_DFL) -> Any:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(work.parent / "site"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    environment["BADMODE"] = mode
    args = [sys.executable, "-c", CONSOLE_SCRIPT, "--sandbox", "measurements", "list", NASA]
    return subprocess.Popen(
        [*args, "--limit", "2", *(a for s in sinks for a in ("--sink", s))],
        cwd=work,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal's foreground job gets it (SIG_DFL), or as `cmd &` in a
        # script starts (SIG_IGN), whatever the test runner inherited.
        preexec_fn=lambda: (
            signal.signal(signal.SIGINT, sigint),
            signal.signal(signal.SIGHUP, signal.SIG_DFL),  # a terminal's job, not nohup's
        ),
    )


def wait_for(marker: Path, process: Any) -> None:
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, f"{marker.name} never appeared"
        time.sleep(0.05)


@pytest.mark.sandbox
@pytest.mark.cli_subprocess
@pytest.mark.parametrize(
    ("signum", "sigint", "code", "word"),
    [
        (signal.SIGINT, signal.SIG_DFL, 130, "interrupted"),
        (signal.SIGTERM, signal.SIG_DFL, 143, "terminated"),
        (signal.SIGTERM, signal.SIG_IGN, 143, "terminated"),
        (signal.SIGHUP, signal.SIG_DFL, 129, "hangup"),  # FINDINGS8 H12: cleaned up too
    ],
    ids=["sigint", "sigterm", "sigterm-sigint-ignored", "sighup"],
)
def test_one_signal_stops_a_plugin_sink_whose_write_blocks(
    work: Path, signum: int, sigint: Any, code: int, word: str
) -> None:
    """G24's input: ``--sink bad:w.out --sink wh.jsonl``, ``_write`` sleeping 600 s."""
    (work / "wh.jsonl").write_text("previous\n")
    process = run_cli(work, "write", "bad:w.out", "wh.jsonl", sigint=sigint)
    wait_for(work / "write-started", process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)  # a swallowed signal: the write sleeps 600 s
    assert (process.returncode, err) == (
        code,
        f"{word}: nothing was written (outputs rolled back)\n",
    )
    assert sorted(os.listdir(work)) == ["wh.jsonl", "write-started"]
    assert (work / "wh.jsonl").read_text() == "previous\n"


@pytest.mark.sandbox
@pytest.mark.cli_subprocess
@pytest.mark.parametrize(
    ("mode", "signum", "code", "message", "files"),
    [
        ("auth", signal.SIGINT, 130, "interrupted while plugin 'bad' ran ionworks_auth: "
         "nothing was written (outputs rolled back)", []),
        ("describe", signal.SIGTERM, 143, "terminated: published: bad:s.out, s.jsonl",
         ["s.out"]),
        # The write failed first; the signal only ends the abort that hangs: the failure is
        # what the run reports, and the sink whose abort was cut is not called rolled back.
        ("abort", signal.SIGTERM, 6, "sink error: sink bad:s.out failed: RuntimeError: write "
         "boom (rolled back (previous output kept): s.jsonl; not rolled back: bad:s.out (its "
         "abort was interrupted; output state unknown))", []),
    ],
    ids=["auth-hook", "describe", "abort-after-a-write-error"],
)  # fmt: skip
def test_one_signal_stops_other_plugin_code_that_hangs(
    work: Path, mode: str, signum: int, code: int, message: str, files: list[str]
) -> None:
    """FINDINGS8 H2: G24's kind beyond ``_write``: an ``ionworks_auth`` hook, a sink's
    ``describe()`` and a sink's ``_abort`` that hang each swallowed the first signal."""
    (work / "s.jsonl").write_text("previous\n")
    process = run_cli(work, mode, "bad:s.out", "s.jsonl")
    wait_for(work / f"{mode}-started", process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)  # a swallowed signal: the hang lasts 600 s
    assert (process.returncode, err) == (code, f"{message}\n")
    assert sorted(os.listdir(work)) == sorted([f"{mode}-started", "s.jsonl", *files])
    lines = (work / "s.jsonl").read_text().splitlines()
    assert len(lines) == (2 if files else 1)  # published, or "previous" kept


@pytest.mark.sandbox
@pytest.mark.cli_subprocess
@pytest.mark.parametrize(
    ("first", "second", "sigint", "again", "code", "word"),
    [
        (signal.SIGINT, signal.SIGINT, signal.SIG_DFL, "press Ctrl-C again to abandon it", 130,
         "interrupted"),
        (signal.SIGTERM, signal.SIGTERM, signal.SIG_DFL, "a second SIGTERM or Ctrl-C abandons it",
         143, "terminated"),
        (signal.SIGTERM, signal.SIGINT, signal.SIG_DFL, "a second SIGTERM or Ctrl-C abandons it",
         143, "terminated"),
        (signal.SIGTERM, signal.SIGTERM, signal.SIG_IGN, "a second SIGTERM or Ctrl-C abandons it",
         143, "terminated"),
    ],
    ids=["sigint-twice", "sigterm-twice", "sigterm-then-sigint", "sigterm-twice-sigint-ignored"],
)  # fmt: skip
def test_a_second_signal_abandons_a_commit_that_hangs_and_the_message_names_each_output(
    work: Path, first: int, second: int, sigint: Any, again: str, code: int, word: str
) -> None:
    """G22's input: ``--sink ch.db --sink bad:ch.out`` (plus a third output, after it),
    the plugin's ``_commit`` sleeping 600 s. (G22's own first output was ``ch.jsonl``: a
    file published by a rename is now committed after the plugin's sink, FINDINGS11 L2, so
    a database is the output published before the hang.)"""
    (work / "after.csv").write_text("previous\n")
    process = run_cli(work, "commit", "ch.db", "bad:ch.out", "after.csv", sigint=sigint)
    wait_for(work / "commit-started", process)
    assert process.stderr is not None
    process.send_signal(first)
    # The notice is printed by the first signal's handler: the run is still publishing.
    ready, _, _ = select.select([process.stderr], [], [], 120)  # none: the old silence
    assert ready, "no notice after the first signal"
    assert process.stderr.readline() == (
        f"publishing: finishing bad:ch.out; {again} (outputs may be left partly published)\n"
    )
    assert process.poll() is None
    process.send_signal(second)
    _, err = process.communicate(timeout=120)  # a held signal: the commit sleeps 600 s
    assert (process.returncode, err) == (
        code,
        f"{word} while publishing: published: ch.db; publishing abandoned part-way, output "
        "state unknown (it may be partly published): bad:ch.out; rolled back (previous output "
        "kept): after.csv\n",
    )
    assert sorted(os.listdir(work)) == ["after.csv", "ch.db", "commit-started"]
    with sqlite3.connect(work / "ch.db") as conn:
        assert conn.execute("SELECT count(*) FROM measurements").fetchone() == (2,)
    conn.close()
    assert (work / "after.csv").read_text() == "previous\n"


# ------------------------------------------------------------ publishing, in this process


def previous_text(path: Path, text: str = "previous\n") -> Path:
    path.write_text(text)
    return path


def write_all(sinks: list[tuple[str, Any]]) -> None:
    write_page(sinks, [{"id": "m-1", "name": "a"}, {"id": "m-2", "name": "b"}])


@pytest.fixture
def sigint_default() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_one_signal_while_publishing_is_held_says_so_and_every_output_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
    sigint_default: None,
) -> None:  # fmt: skip
    a, b = tmp_path / "a.jsonl", previous_text(tmp_path / "b.csv")
    sinks = [("a.jsonl", JsonlSink(a)), ("b.csv", CsvSink(b))]
    write_all(sinks)
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if dst == a:
            signal.raise_signal(signal.SIGINT)  # held: the rename goes on
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt) as raised:  # delivered when the phase ends
        commit_sinks(sinks)
    assert not hasattr(raised.value, ABANDONED_SINK)
    assert capfd.readouterr().err == (
        "publishing: finishing a.jsonl; press Ctrl-C again to abandon it (outputs may be left "
        "partly published)\n"
    )
    assert [s.state for _, s in sinks] == ["committed", "committed"]
    assert sink_outcome(sinks) == "published: a.jsonl, b.csv"
    assert len(b.read_text().splitlines()) == 3  # header + 2 rows


def test_a_second_signal_during_a_rename_lets_it_finish_then_stops_before_the_next_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
    sigint_default: None,
) -> None:  # fmt: skip
    """A built-in file sink's commit is a rename: the second signal takes effect after it."""
    a, b = previous_text(tmp_path / "a.jsonl"), previous_text(tmp_path / "b.csv")
    sinks = [("a.jsonl", JsonlSink(a)), ("b.csv", CsvSink(b))]
    write_all(sinks)
    real_replace = os.replace
    renamed: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        if dst == a:
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)
        real_replace(src, dst)
        renamed.append(Path(dst).name)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt) as raised:
        try:
            commit_sinks(sinks)
        finally:
            export_module.abort_sinks(sinks)  # as every export does
    assert getattr(raised.value, ABANDONED_SINK) == ""  # no output cut part-way
    assert renamed == ["a.jsonl"]
    assert [s.state for _, s in sinks] == ["committed", "aborted"]
    assert sink_outcome(sinks) == ("published: a.jsonl; rolled back (previous output kept): b.csv")
    assert len(a.read_text().splitlines()) == 2
    assert b.read_text() == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl", "b.csv"]
    assert capfd.readouterr().err.count("publishing: finishing a.jsonl;") == 1


class HangingCommit(BaseSink):
    """A plugin-like sink (no ``marks_its_waits``) whose ``_commit`` gets two signals."""

    stages_output = True

    def __init__(self, signals: list[int]) -> None:
        super().__init__("hang:x")
        self.signals = signals
        self.after_signals = False
        self.aborted = False

    def _write(self, records: Any) -> None:
        pass

    def _commit(self) -> None:
        for signum in self.signals:
            signal.raise_signal(signum)
        self.after_signals = True  # never reached when the second signal abandons

    def _abort(self) -> None:
        self.aborted = True


def test_a_second_signal_cuts_a_plugin_commit_at_once_and_names_it(
    tmp_path: Path, sigint_default: None
) -> None:
    a, c = previous_text(tmp_path / "a.jsonl"), previous_text(tmp_path / "c.csv")
    hang = HangingCommit([signal.SIGINT, signal.SIGINT])
    sinks = [
        ("a.jsonl", JsonlSink(a)),  # a file: committed after the others (FINDINGS11 L2)
        ("k.db", SqliteSink(tmp_path / "k.db")),
        ("hang:x", hang),
        ("c.csv", CsvSink(c)),
    ]
    write_all(sinks)
    with pytest.raises(KeyboardInterrupt) as raised:
        try:
            commit_sinks(sinks)
        finally:
            export_module.abort_sinks(sinks)
    assert getattr(raised.value, ABANDONED_SINK) == "hang:x"
    assert (hang.after_signals, hang.aborted, hang.state) == (False, True, "aborted")
    assert sink_outcome(sinks, abandoned="hang:x") == (
        "published: k.db; publishing abandoned part-way, output state unknown (it may be "
        "partly published): hang:x; rolled back (previous output kept): a.jsonl, c.csv"
    )
    assert (a.read_text(), c.read_text()) == ("previous\n", "previous\n")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


def test_one_signal_in_a_plugin_commit_is_held_and_the_commit_finishes(
    tmp_path: Path, sigint_default: None
) -> None:
    hang = HangingCommit([signal.SIGINT])
    sinks = [("hang:x", hang)]
    write_all(sinks)
    with pytest.raises(KeyboardInterrupt) as raised:
        commit_sinks(sinks)
    assert not hasattr(raised.value, ABANDONED_SINK)
    assert (hang.after_signals, hang.state) == (True, "committed")


def test_a_signal_ignored_when_publishing_begins_stays_ignored(tmp_path: Path) -> None:
    """``cmd &`` in a script: SIGINT is ignored; publishing must not start catching it."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        hang = HangingCommit([signal.SIGINT, signal.SIGINT])
        commit_sinks([("hang:x", hang)])  # nothing raised, nothing printed
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert (hang.after_signals, hang.state) == (True, "committed")


@pytest.mark.parametrize(
    ("other", "sqlite_first", "sleeps", "states", "outcome", "files"),
    [
        ("j.db", False, [0.1, 0.1], ["committed", "aborted"],
         "published: j.db; rolled back (previous output kept): k.db", ["j.db", "k.db"]),
        ("a.jsonl", True, [0.1], ["aborted", "aborted"], "", ["k.db"]),
        ("a.jsonl", False, [0.1], ["aborted", "aborted"], "", ["k.db"]),
    ],
    ids=["after-an-output-two-signals", "first-output-one-signal",
         "after-a-file-listed-first-one-signal"],
)  # fmt: skip
def test_a_signal_while_sqlite_waits_for_a_reader_rolls_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sigint_default: None, other: str,
    sqlite_first: bool, sleeps: list[float], states: list[str], outcome: str, files: list[str],
) -> None:  # fmt: skip
    """The COMMIT waits (up to 30 s) while another connection reads: that wait is where a
    second signal stops it, so the database keeps its previous rows (a known state). While
    nothing is published yet (the database is the first output committed: listed first, or
    after a file, which is committed last, FINDINGS11 L2), one signal (``timeout`` sends one
    SIGTERM) stops the run there: nothing published, as before this phase."""
    db = tmp_path / "k.db"
    first = SqliteSink(db)
    first.write([{"id": "old"}])
    first.commit()
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM measurements").fetchall()  # a SHARED lock held
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        signal.raise_signal(signal.SIGINT)  # the first is held once a.jsonl is published

    monkeypatch.setattr(_sqlite, "_sleep", sleep)
    first_output = JsonlSink(tmp_path / other) if other.endswith(".jsonl") else None
    sinks: list[tuple[str, Any]] = [(other, first_output or SqliteSink(tmp_path / other))]
    sinks.insert(0 if sqlite_first else 1, ("k.db", SqliteSink(db)))
    write_all(sinks)
    try:
        with pytest.raises(KeyboardInterrupt) as raised:
            try:
                commit_sinks(sinks)
            finally:
                export_module.abort_sinks(sinks)
    finally:
        reader.close()
    assert getattr(raised.value, ABANDONED_SINK) == ""  # stopped in the wait: state known
    assert slept == sleeps
    assert [s.state for text, s in sorted(sinks, key=lambda pair: pair[0])] == states
    assert sink_outcome(sinks) == outcome  # "": the CLI says "nothing was written ..."
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM measurements").fetchall() == [("old",)]
    conn.close()
    assert sorted(os.listdir(tmp_path)) == files  # no journal left


def test_a_cancelled_task_while_preparing_publishes_nothing(tmp_path: Path) -> None:
    """A first Ctrl-C under ``asyncio.run`` cancels the task; a prepare never awaits, so
    the cancellation is checked before the first output is published."""
    a = tmp_path / "a.jsonl"

    class CancelsWhilePreparing(CsvSink):
        def _prepare(self) -> None:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # what asyncio's SIGINT handler does
            super()._prepare()

    sinks = [("a.jsonl", JsonlSink(a)), ("b.csv", CancelsWhilePreparing(tmp_path / "b.csv"))]

    async def run() -> None:
        write_all(sinks)
        try:
            commit_sinks(sinks)
        finally:
            export_module.abort_sinks(sinks)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run())
    assert [s.state for _, s in sinks] == ["aborted", "aborted"]
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------- which code a signal stops at once


class Recording(BaseSink):
    def __init__(self, seen: list[bool]) -> None:
        super().__init__("rec:x")
        self.seen = seen

    def _write(self, records: Any) -> None:
        self.seen.append(stops_at_once())

    def _prepare(self) -> None:
        self.seen.append(stops_at_once())

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


def test_a_plugin_sinks_write_and_prepare_stop_at_once_a_built_in_files_do_not(
    tmp_path: Path,
) -> None:
    seen: list[bool] = []

    class FileRecording(JsonlSink):
        def _write(self, records: Any) -> None:
            seen.append(stops_at_once())
            super()._write(records)

    sinks = [("rec:x", Recording(seen)), ("f.jsonl", FileRecording(tmp_path / "f.jsonl"))]
    write_all(sinks)
    commit_sinks(sinks)
    assert seen == [True, False, True]  # plugin write, file write, plugin prepare
    assert stops_at_once() is False
    assert (JsonlSink.marks_its_waits, SqliteSink.marks_its_waits, BaseSink.marks_its_waits) == (
        True,
        True,
        False,
    )


# ------------------------------------------------- SIGTERM while SIGINT is ignored (CLI)


@pytest.fixture
def context(monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    """The CLI's Context as ``cmd &`` in a script runs it: SIGINT ignored, SIGTERM handled."""
    for name in list(os.environ):
        if name.startswith("IONWORKS_"):
            monkeypatch.delenv(name)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctx = Context(
        api_url="http://127.0.0.1:9",
        api_key="k",
        config=None,
        disabled=(),
        sandbox=False,
        verbose=False,
        quiet=True,
    )
    ctx.handle_sigterm()
    try:
        yield ctx
    finally:
        ctx.close()
        signal.signal(signal.SIGINT, previous)


def test_sigterm_with_sigint_ignored_counts_a_page_that_went_out(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal arrives after the stream took the page's bytes, before they are counted:
    the run stops at its next await, with every record of the page counted."""
    read_end, write_end = os.pipe()
    sink = JsonlSink(target=OutputTarget(None, True, "file descriptor", fd=write_end))
    real_count = _base._CountingWriter._count

    def count(self: Any, taken: int) -> None:
        signal.raise_signal(signal.SIGTERM)  # the bytes went out; not yet counted
        real_count(self, taken)

    monkeypatch.setattr(_base._CountingWriter, "_count", count)
    reached: list[str] = []

    async def work(_toolkit: Any) -> None:
        sink.write(RECORDS)
        reached.append("written")
        await asyncio.sleep(60)  # the cancelled task stops here
        reached.append("never")

    try:
        with pytest.raises(KeyboardInterrupt):
            context.run(work)
        sink.abort()
        got = os.read(read_end, 1 << 20)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert (reached, context.terminated) == (["written"], True)
    assert got.count(b"\n") == 8
    assert (sink.records_written, sink.cut_record) == (8, False)
    assert sink_outcome([("jsonl:-", sink)]) == (
        "already streamed: jsonl:- (8 records, cannot be taken back)"
    )


def test_sigterm_with_sigint_ignored_stops_a_wait_at_once_and_a_second_at_once(
    context: Context,
) -> None:
    steps: list[str] = []

    async def in_a_wait(_toolkit: Any) -> None:
        with stream_wait():
            signal.raise_signal(signal.SIGTERM)
            steps.append("after the signal")  # never: KeyboardInterrupt in the wait

    with pytest.raises(KeyboardInterrupt):
        context.run(in_a_wait)

    async def twice(_toolkit: Any) -> None:
        signal.raise_signal(signal.SIGTERM)  # cancels the task
        steps.append("first")
        signal.raise_signal(signal.SIGTERM)  # a second: at once, as asyncio's Ctrl-C
        steps.append("second")

    with pytest.raises(KeyboardInterrupt):
        context.run(twice)
    assert steps == ["first"]
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_where_a_signal_stops_at_once_nests_and_ends_with_the_block() -> None:
    class PlainSink:  # a plugin sink that does not subclass BaseSink: no marks_its_waits
        pass

    seen = []
    for block in (
        _base.stream_wait(),
        _base.lock_wait(),
        _base.interruptible(),
        _base.interruptible(PlainSink()),
        _base.interruptible(BaseSink("x")),
    ):
        with block:
            with _base.interruptible(JsonlSink(Path(os.devnull))):  # marks its waits: as is
                seen.append(stops_at_once())
            seen.append(stops_at_once())
        seen.append(stops_at_once())
    with _base.interruptible(JsonlSink(Path(os.devnull))):
        seen.append(stops_at_once())
    assert seen == [True, True, False] * 5 + [False]
    assert _base.waiting_for_stream() is False


class HangingAbort(Recording):
    def _abort(self) -> None:
        self.seen.append(stops_at_once())
        signal.raise_signal(signal.SIGINT)  # Ctrl-C while the abort hangs
        self.seen.append(True)  # never reached


def test_a_signal_while_an_abort_hangs_ends_it_and_the_others_are_still_aborted(
    tmp_path: Path, sigint_default: None
) -> None:
    seen: list[bool] = []
    hang, b = HangingAbort(seen), CsvSink(previous_text(tmp_path / "b.csv"))
    sinks = [("rec:x", hang), ("b.csv", b)]
    write_all(sinks)
    seen.clear()
    export_module.abort_sinks(sinks)  # nothing raised: the run is stopping already
    assert seen == [True]
    assert (hang.state, b.state) == ("aborted", "aborted")
    assert sink_outcome(sinks) == (
        "rolled back (previous output kept): b.csv; not rolled back: rec:x (its abort was "
        "interrupted; output state unknown)"
    )

    class LeftItsOwnWord(HangingAbort):
        def _abort(self) -> None:
            self.abort_left = "journal kept"
            raise OSError("no space")

    told = LeftItsOwnWord([])
    with pytest.raises(OSError):
        told.abort()
    assert told.abort_left == "journal kept"  # the sink's own account wins
    assert sorted(os.listdir(tmp_path)) == ["b.csv"]  # b's staged file removed
    assert (tmp_path / "b.csv").read_text() == "previous\n"


@pytest.mark.parametrize(
    ("before", "handled"), [(signal.SIG_DFL, True), (signal.SIG_IGN, False)], ids=["dfl", "nohup"]
)
def test_sighup_is_handled_as_sigterm_unless_ignored(before: Any, handled: bool) -> None:
    """FINDINGS8 H12: a dropped ssh session killed the run, parts left as after SIGKILL.
    Under ``nohup`` (SIGHUP ignored) it stays ignored: the run goes on."""
    previous = signal.signal(signal.SIGHUP, before)
    try:
        ctx = Context(
            api_url=None, api_key=None, config=None, disabled=(), sandbox=False,
            verbose=False, quiet=True,
        )  # fmt: skip
        ctx.handle_sigterm()
        installed = signal.getsignal(signal.SIGHUP)
        assert callable(installed) is handled
        if handled:
            with pytest.raises(KeyboardInterrupt):  # outside a run: as Python's Ctrl-C
                signal.raise_signal(signal.SIGHUP)
            assert (ctx.terminated, ctx.stop_word) == (True, ("hangup", 129))
        ctx.close()
        assert signal.getsignal(signal.SIGHUP) == before
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_publishing_holds_sighup_too(sigint_default: None) -> None:
    got: list[int] = []
    previous = signal.signal(signal.SIGHUP, lambda signum, _frame: got.append(signum))
    try:
        hang = HangingCommit([signal.SIGHUP])
        commit_sinks([("hang:x", hang)])
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert (hang.after_signals, hang.state, got) == (True, "committed", [signal.SIGHUP])


class Exits(BaseSink):
    """A plugin sink calling ``sys.exit`` where ``where`` says (FINDINGS8 H7)."""

    stages_output = True

    def __init__(self, where: str) -> None:
        super().__init__("bad:we.out")
        self.where = where

    def _exit_if(self, step: str) -> None:
        if self.where == step:
            raise SystemExit(0)

    def _write(self, records: Any) -> None:
        self._exit_if("write")

    def _commit(self) -> None:
        self._exit_if("commit")

    def _abort(self) -> None:
        self._exit_if("abort")

    def describe(self) -> str:
        self._exit_if("describe")
        return super().describe()


@pytest.mark.parametrize("where", ["write", "commit"])
def test_a_plugin_sink_calling_sys_exit_is_a_sink_error_not_a_success(
    tmp_path: Path, where: str
) -> None:
    """FINDINGS8 H7: ``SystemExit(0)`` from a plugin's ``_write`` ended the run with exit 0,
    no message, nothing published."""
    bad, other = Exits(where), JsonlSink(previous_text(tmp_path / "we.jsonl"))
    sinks = [("bad:we.out", bad), ("we.jsonl", other)]
    with pytest.raises(SinkError) as raised:
        try:
            write_all(sinks)
            commit_sinks(sinks)
        finally:
            export_module.abort_sinks(sinks)
    assert str(raised.value) == (
        "sink bad:we.out failed: SystemExit: 0 (its code (test_publish_signals.Exits) raised "
        "SystemExit: a sink's code may not end the program; it fails by raising an Exception)"
    )
    assert (bad.state, other.state) == ("aborted", "aborted")
    assert (tmp_path / "we.jsonl").read_text() == "previous\n"


def test_sys_exit_in_a_plugin_sinks_abort_or_describe_is_reported_not_obeyed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    aborting = Exits("abort")
    export_module.abort_sinks([("bad:we.out", aborting)])  # nothing raised
    assert aborting.abort_left == "its abort failed (SystemExit); output state unknown"
    describing = Exits("describe")
    describing.commit()
    assert export_module.describe_sink("bad:we.out", describing) == (
        "committed bad:we.out (its describe() raised SystemExit)"
    )
    assert [r.getMessage() for r in caplog.records] == [
        "could not abort sink bad:we.out (SystemExit: 0)",
        "sink bad:we.out was committed, but its describe() raised SystemExit: 0",
    ]
