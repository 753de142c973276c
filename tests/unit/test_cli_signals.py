"""The CLI's signals and standard streams (break-it pass, round five).

- A single Ctrl-C / SIGTERM while a request is in flight stops the run at once (it used to be
  held until the request's timeout: closing the client waited for the abandoned request).
  The timeout here is 600 s and the subprocess's own timeout 120 s: a held signal fails the
  test by ``TimeoutExpired``, with no duration asserted.
- A closed or full stderr never fails a run (diagnostics are dropped, the exit code is the
  run's); a closed stdout with a sink writing there is a usage error (exit 2), no traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import Exchange, LoopbackServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

#: What the ``ionworks-toolkit`` console script runs.
CONSOLE_SCRIPT = "from ionworks_toolkit._entry import main; main()"
#: The sandbox's Severson 2019 project (its id is fixed by the sandbox's seed data).
SEVERSON_ID = "dad27f90-713a-5a2b-a976-e4a38e9951be"
PROJECT = "11111111-1111-1111-1111-111111111111"


class Silent:
    """Accepts the request, then answers nothing until the test ends (or trickles a body a
    byte at a time and never finishes it)."""

    def __init__(self, trickle: bool = False) -> None:
        self.trickle = trickle
        self.release = threading.Event()

    def __call__(self, exchange: Exchange) -> None:
        if self.trickle:
            exchange.send_head(
                200, [("content-type", "application/json"), ("content-length", "100000")]
            )
            while not self.release.wait(0.1):
                exchange.sock.sendall(b" ")
        else:
            self.release.wait()


@pytest.fixture
def silent_server(request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    handler = Silent(trickle=getattr(request, "param", False))
    with LoopbackServer(handler) as server:
        try:
            yield server
        finally:
            handler.release.set()


def cli(url: str, cwd: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "IONWORKS_API_KEY": "k",
        "IONWORKS_TOOLKIT_TIMEOUT": "600",
        **env,
    }
    for name in ("IONWORKS_PROJECT_ID", "IONWORKS_API_URL"):
        environment.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-c", CONSOLE_SCRIPT, "--api-url", url, *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_request(server: LoopbackServer, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not server.requests:
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "no request arrived"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("silent_server", "signum", "code", "word"),
    [
        (False, signal.SIGINT, 130, "interrupted"),
        (True, signal.SIGTERM, 143, "terminated"),
    ],
    ids=["sigint-never-answers", "sigterm-trickling-body"],
    indirect=["silent_server"],
)
def test_one_signal_during_a_request_stops_the_run_at_once(
    silent_server: LoopbackServer, tmp_path: Path, signum: int, code: int, word: str
) -> None:
    (tmp_path / "t.jsonl").write_text("previous\n")
    process = cli(
        silent_server.url, tmp_path,
        "measurements", "list", PROJECT, "--limit", "2", "--sink", "t.jsonl",
    )  # fmt: skip
    wait_for_request(silent_server, process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)  # the request's own timeout is 600 s
    assert (process.returncode, err) == (
        code,
        f"{word}: nothing was written (outputs rolled back)\n",
    )
    assert sorted(os.listdir(tmp_path)) == ["t.jsonl"]
    assert (tmp_path / "t.jsonl").read_text() == "previous\n"


# --------------------------------------------------------------------------- standard streams


def shell(redirect: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script under ``sh`` with ``redirect`` applied (``2>&-``, ``>&-``...)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    return subprocess.run(
        ["sh", "-c", f'exec "$0" "$@" {redirect}', sys.executable, "-c", CONSOLE_SCRIPT, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


LIST_TWO = ("--sandbox", "measurements", "list", SEVERSON_ID, "--limit", "2")


@pytest.mark.sandbox
@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full", ">&- 2>&-"])
def test_a_closed_or_full_stderr_never_fails_the_export(tmp_path: Path, redirect: str) -> None:
    """Break-it pass: ``2>&-`` failed every run with rc 1 and nothing written; ``2>/dev/full``
    wrote the file but exited 1. Only the summary is lost now."""
    done = shell(redirect, *LIST_TWO, "--sink", "out.jsonl", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert len(lines) == 2
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("sinks", "named"),
    [(("--sink", "csv:-"), "csv:-"), ((), "jsonl:-"), (("--sink", "x.db", "--sink", "-"), "-")],
    ids=["csv-stdout", "default-sink", "second-sink"],
)
def test_a_closed_stdout_with_a_stdout_sink_is_a_usage_error(
    tmp_path: Path, sinks: tuple[str, ...], named: str
) -> None:
    """Break-it pass: ``>&-`` with ``--sink csv:-`` crashed with a traceback."""
    done = shell(">&-", *LIST_TWO, *sinks, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        2,
        f"error: stdout is closed: sink {named} has nowhere to write; give a file target "
        "(e.g. --sink out.jsonl)\n",
    )
    assert os.listdir(tmp_path) == []


def test_writes_stdout_names_every_stdout_target() -> None:
    from ionworks_toolkit.cli import _writes_stdout

    found = [
        text
        for text in (
            "-", "table", "table:", "table:?max_rows=3", "csv:-", "jsonl:/dev/stdout",
            "/dev/fd/1", "csv:/proc/self/fd/1", "out.jsonl", "csv:out.csv", "sqlite:-x.db",
            "jsonl:/dev/fd/2", "x-", "tablet.csv",
        )
    ]  # fmt: skip
    assert [text for text in found if _writes_stdout(text)] == [
        "-", "table", "table:", "table:?max_rows=3", "csv:-", "jsonl:/dev/stdout",
        "/dev/fd/1", "csv:/proc/self/fd/1",
    ]  # fmt: skip


# --------------------------------------------------------------------------- a hanging hook

HANGER = """\
import pathlib
import time

from ionworks_toolkit.hookspecs import hookimpl


@hookimpl
def ionworks_response(response):
    pathlib.Path("hook-started").write_text("")  # in the run's folder: the test waits for it
    time.sleep(600)  # a hook that hangs
"""


def install_plugin(folder: Path, name: str, source: str) -> None:
    """A plugin module and its entry point (a dist-info folder) importable from ``folder``."""
    (folder / f"{name}.py").write_text(source)
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[ionworks_toolkit]\n{name} = {name}\n")


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
    ids=["sigint", "sigterm"],
)
def test_one_signal_while_a_plugin_hook_hangs_names_the_plugin(
    tmp_path: Path, signum: int, code: int, word: str
) -> None:
    """Break-it pass: an ``ionworks_response`` hook that sleeps held the first Ctrl-C and was
    never named."""
    plugins = tmp_path / "site"
    plugins.mkdir()
    install_plugin(plugins, "hanger", HANGER)
    work = tmp_path / "work"
    work.mkdir()
    (work / "out.csv").write_text("previous\n")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(plugins), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    process = subprocess.Popen(
        [sys.executable, "-c", CONSOLE_SCRIPT, *LIST_TWO, "--sink", "out.csv"],
        cwd=work,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The hook runs once the first response has arrived: wait for it to begin.
    deadline = time.monotonic() + 60
    while not (work / "hook-started").exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the hook never ran"
        time.sleep(0.05)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)  # the hook sleeps 600 s
    assert (process.returncode, err) == (
        code,
        f"{word} while plugin 'hanger' ran ionworks_response: nothing was written "
        "(outputs rolled back)\n",
    )
    assert sorted(os.listdir(work)) == ["hook-started", "out.csv"]
    assert (work / "out.csv").read_text() == "previous\n"
