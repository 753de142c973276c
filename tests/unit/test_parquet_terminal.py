"""``parquet:-`` on a terminal (FINDINGS7 G18): refused before any request, exit 2, as
``gzip`` refuses to write compressed data to a terminal; redirected stdout still works."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ionworks_toolkit.sinks import SinkTargetError
from ionworks_toolkit.sinks._base import OutputTarget
from ionworks_toolkit.sinks._parquet import _is_terminal, make_parquet_sink

pytest.importorskip("pyarrow")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_parquet_to_a_terminal_stdout_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", Terminal())
    with pytest.raises(SinkTargetError) as raised:
        make_parquet_sink("-", {})
    assert str(raised.value) == (
        "parquet:- would write binary Parquet to the terminal; redirect stdout (> out.parquet, "
        "| duckdb ...) or give a file path, e.g. parquet:out.parquet"
    )


def test_parquet_to_a_redirected_stdout_or_a_file_is_accepted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert make_parquet_sink("-", {}).label == "parquet:-"
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert make_parquet_sink(str(tmp_path / "a.parquet"), {}).label.endswith("a.parquet")


def test_is_terminal_on_descriptors_and_broken_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    controller, terminal = os.openpty()
    read_end, write_end = os.pipe()
    try:
        assert _is_terminal(OutputTarget(None, True, "file descriptor", fd=terminal)) is True
        assert _is_terminal(OutputTarget(None, True, "file descriptor", fd=write_end)) is False
        assert _is_terminal(OutputTarget(Path("x"), False, "file")) is False
    finally:
        for fd in (controller, terminal, read_end, write_end):
            os.close(fd)
    monkeypatch.setattr(sys, "stdout", None)
    assert _is_terminal(OutputTarget(None, True, "stdout")) is False
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stdout", closed)
    assert _is_terminal(OutputTarget(None, True, "stdout")) is False  # ValueError


def test_the_cli_refuses_parquet_to_a_terminal_before_any_request(tmp_path: Path) -> None:
    """No server listens at the API URL: a request would fail with another message."""
    controller, terminal = os.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    environment["IONWORKS_API_KEY"] = "k"
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from ionworks_toolkit._entry import main; main()",
             "--api-url", "http://127.0.0.1:9", "measurements", "list",
             "11111111-1111-1111-1111-111111111111", "--sink", "parquet:-"],
            cwd=tmp_path, env=environment, stdout=terminal, stderr=subprocess.PIPE, text=True,
            timeout=120,
        )  # fmt: skip
    finally:
        os.close(terminal)
        os.close(controller)
    assert (done.returncode, done.stderr) == (
        2,
        "error: parquet:- would write binary Parquet to the terminal; redirect stdout "
        "(> out.parquet, | duckdb ...) or give a file path, e.g. parquet:out.parquet\n",
    )
    assert os.listdir(tmp_path) == []
