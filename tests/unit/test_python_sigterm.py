"""SIGTERM during ``Toolkit.export``/``AsyncToolkit.export`` from Python (FINDINGS9 J5).

A Python program whose SIGTERM has its default disposition (``docker stop``, systemd,
Kubernetes and Slurm send it to a notebook-style job) was killed at once, leaving every
``.part`` file of the export (the command line cleans up; the Python API did not). Now,
while an export runs in the main thread with SIGTERM's default handler, the toolkit rolls
the export back and then ends the process with SIGTERM's default action: the process dies
exactly as before (killed by SIGTERM: -15), the previous outputs kept, no part files. A host
with its own SIGTERM handler, or one that ignores SIGTERM, is left alone.

Each run is a child process (the signal ends it); the export reads a sandbox in that child.
No duration is asserted: the child has 120 s to end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import SEVERSON_ID, PagedServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

_CHILD = """
import asyncio, os, signal, sys, threading
from ionworks_toolkit import AsyncToolkit, Toolkit
from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread

mode, who, host, targets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
if host == "exits":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
elif host == "ignores":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

def progress(stats):
    print(f"page {stats.pages}", flush=True)
    if who == "self" and stats.pages == 1:
        os.kill(os.getpid(), signal.SIGTERM)

def run(options, project):
    if mode == "async":
        async def main():
            async with AsyncToolkit(**options) as tk:
                await tk.export(project, targets, page_size=10, progress=progress, prefetch=2)
        asyncio.run(main())
    else:
        with Toolkit(**options) as tk:
            tk.export(project, targets, page_size=10, progress=progress)

with run_in_thread(SandboxOptions(latency_ms=200 if who == "parent" else 0)) as server:
    options = dict(api_url=server.base_url, api_key="sandbox", load_entry_points=False, environ={})
    if mode == "thread":
        worker = threading.Thread(target=run, args=(options, PROJECT))
        worker.start()
        worker.join()
    else:
        run(options, PROJECT)
handler = signal.getsignal(signal.SIGTERM)
print("handler", getattr(handler, "name", handler), flush=True)
"""

TARGETS = ["a.jsonl", "b.csv", "c.db", "d.parquet"]
PREVIOUS = {"a.jsonl": b"previous a\n", "b.csv": b"previous b\n"}


def _child(tmp_path: Path, mode: str, who: str, host: str = "default") -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(_CHILD.replace("PROJECT", repr(SEVERSON_ID)), encoding="utf-8")
    work = tmp_path / "out"
    work.mkdir(exist_ok=True)
    for name, content in PREVIOUS.items():
        (work / name).write_bytes(content)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    return subprocess.Popen(
        [sys.executable, str(script), mode, who, host, ",".join(TARGETS)],
        cwd=work,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _outputs(tmp_path: Path) -> dict[str, bytes]:
    work = tmp_path / "out"
    return {p.name: p.read_bytes() for p in sorted(work.iterdir())}


def _finish(process: subprocess.Popen[str], who: str) -> tuple[int, str, str]:
    try:
        if who == "parent":  # SIGTERM from outside while the next request is in flight
            assert process.stdout is not None
            first = process.stdout.readline()
            assert first == "page 1\n", process.communicate()[1]
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=120)
            return process.returncode, first + out, err
        out, err = process.communicate(timeout=120)
        return process.returncode, out, err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.sandbox
@pytest.mark.parametrize("who", ["self", "parent"])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_sigterm_rolls_the_export_back_then_ends_the_process_as_sigterm_does(
    tmp_path: Path, mode: str, who: str
) -> None:
    code, out, err = _finish(_child(tmp_path, mode, who), who)
    assert (code, out, err) == (-signal.SIGTERM, "page 1\n", "")
    assert _outputs(tmp_path) == PREVIOUS  # kept byte for byte; no part file, no new output


@pytest.mark.sandbox
def test_a_host_handler_that_exits_decides_and_the_export_is_rolled_back(
    tmp_path: Path,
) -> None:
    code, out, err = _finish(_child(tmp_path, "sync", "self", host="exits"), "self")
    assert (code, out, err) == (143, "page 1\n", "")
    assert _outputs(tmp_path) == PREVIOUS


@pytest.mark.sandbox
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_host_that_ignores_sigterm_gets_its_export_and_its_handler_back(
    tmp_path: Path, mode: str
) -> None:
    code, out, err = _finish(_child(tmp_path, mode, "self", host="ignores"), "self")
    pages = "".join(f"page {n}\n" for n in range(1, 14))  # 128 measurements, 10 a page
    assert (code, out, err) == (0, f"{pages}handler SIG_IGN\n", "")
    outputs = _outputs(tmp_path)
    assert sorted(outputs) == sorted(TARGETS)
    assert outputs["a.jsonl"].count(b"\n") == 128


@pytest.mark.sandbox
def test_in_another_thread_sigterm_kills_as_before_and_the_next_run_removes_the_parts(
    tmp_path: Path,
) -> None:
    """The documented limit: the handler runs in the main thread, which cannot stop an
    export in another; the next run publishing those targets removes the part files."""
    code, out, err = _finish(_child(tmp_path, "thread", "self"), "self")
    assert (code, out, err) == (-signal.SIGTERM, "page 1\n", "")
    left = sorted(set(_outputs(tmp_path)) - set(PREVIOUS))
    assert [name.split(".")[1] for name in left] == ["a", "b", "c", "d"]
    assert all(name.endswith(".part") for name in left)
    code, out, err = _finish(_child(tmp_path, "sync", "none"), "none")
    assert (code, err) == (0, "")
    assert sorted(_outputs(tmp_path)) == sorted(TARGETS)  # published, the 4 part files gone


def test_the_default_handler_is_back_after_an_export_whatever_its_end(
    make_toolkit, tmp_path: Path
) -> None:
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    seen: list[object] = []
    toolkit = make_toolkit(PagedServer(3))
    toolkit.export(
        "00000000-0000-0000-0000-000000abcdef",
        [str(tmp_path / "m.jsonl")],
        progress=lambda stats: seen.append(signal.getsignal(signal.SIGTERM)),
    )
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert len(seen) == 1 and seen[0] is not signal.SIG_DFL  # handled while it ran
    with pytest.raises(ZeroDivisionError):
        toolkit.export(
            "00000000-0000-0000-0000-000000abcdef",
            [str(tmp_path / "n.jsonl")],
            progress=lambda stats: 1 / 0,
        )
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL

    def in_a_thread() -> None:
        toolkit.export(
            "00000000-0000-0000-0000-000000abcdef",
            [str(tmp_path / "t.jsonl")],
            progress=lambda stats: seen.append(signal.getsignal(signal.SIGTERM)),
        )

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join()
    assert seen[-1] is signal.SIG_DFL  # another thread: nothing installed
