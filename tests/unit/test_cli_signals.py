"""The CLI's signals and standard streams (break-it pass, round five).

- A single Ctrl-C / SIGTERM while a request is in flight stops the run at once (it used to be
  held until the request's timeout: closing the client waited for the abandoned request).
  The timeout here is 600 s and the subprocess's own timeout 120 s: a held signal fails the
  test by ``TimeoutExpired``, with no duration asserted.
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
