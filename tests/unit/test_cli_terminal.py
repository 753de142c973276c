"""The CLI on a real terminal (a pseudo-terminal, rendered by the ``pyte`` emulator) and on a
closed pipe (issue 17, items 3 and 8).

On a terminal: the progress bar is drawn on stderr while pages arrive and is gone before the
table starts; the table fits the terminal width, one line per record (default key columns,
``--columns`` to choose, long values cut with an ellipsis). On a pipe whose reader went away
(``... | head``), every output stops quietly with exit code 0, the table included.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest

pyte = pytest.importorskip("pyte")

ATTIA = "Attia 2020 closed-loop fast-charging optimisation"
BEEP = "TRI BEEP protocol test plans (Talos, Drive)"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    for name in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM"):
        env.pop(name, None)
    env["TERM"] = "xterm-256color"
    return env


def run_on_terminal(arguments: list[str], *, columns: int, rows: int = 40) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on one pty of ``columns`` x ``rows``; returns the
    exit code and everything written to the terminal (escape sequences included)."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "ionworks_toolkit.cli", *arguments],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env=_environment(),
    )
    os.close(terminal)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("the CLI wrote nothing for 120 s")
        try:
            data = os.read(controller, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(controller)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", errors="replace")


def screen_lines(output: str, *, columns: int, rows: int = 40) -> list[str]:
    """What the terminal shows at the end, as text lines (trailing blanks dropped)."""
    screen = pyte.Screen(columns, rows)
    pyte.Stream(screen).feed(output)
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_the_table_starts_on_a_clean_screen_and_fits_80_columns(sandbox_url: str) -> None:
    code, output = run_on_terminal(
        [
            "--api-url",
            sandbox_url,
            "--api-key",
            "sandbox",
            "measurements",
            "list",
            ATTIA,
            "--limit",
            "3",
        ],
        columns=80,
    )
    assert code == 0, output
    assert "measurements " in output and "0/?" in output  # the bar was drawn while fetching
    assert screen_lines(output, columns=80) == [
        "┏━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓",
        "┃ name                   ┃ instance.name ┃ specification.name   ┃ measurement… ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩",
        "│ 2019-01-24_batch9_CH43 │ 150800769427  │ A123 APR18650M1A (A… │ time_series  │",
        "│ 2019-01-24_batch9_CH40 │ 150800769460  │ A123 APR18650M1A (A… │ time_series  │",
        "│ 2019-01-24_batch9_CH34 │ 150800767979  │ A123 APR18650M1A (A… │ time_series  │",
        "└────────────────────────┴───────────────┴──────────────────────┴──────────────┘",
        "printed 3 of 3 records (table:)",
        "listed 3 of 233 measurements (--limit 3; use --all for every measurement)",
    ]


def test_columns_are_chosen_and_long_values_end_in_an_ellipsis(sandbox_url: str) -> None:
    code, output = run_on_terminal(
        [
            "--api-url",
            sandbox_url,
            "--api-key",
            "sandbox",
            "-q",
            "measurements",
            "list",
            BEEP,
            "--limit",
            "2",
            "--columns",
            "name,protocol.name,test_setup.cycler",
        ],
        columns=60,
    )
    assert code == 0, output
    assert screen_lines(output, columns=60) == [
        "┏━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓",
        "┃ name         ┃ protocol.name              ┃ test_setup.… ┃",
        "┡━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩",
        "│ Drive_000135 │ CC 1C to 30% of nominal c… │              │",
        "│ Drive_000134 │ CC 1C to 30% of nominal c… │              │",
        "└──────────────┴────────────────────────────┴──────────────┘",
    ]


@pytest.mark.parametrize("columns", [40, 120])
def test_every_line_fits_the_terminal_one_line_per_record(sandbox_url: str, columns: int) -> None:
    code, output = run_on_terminal(
        [
            "--api-url",
            sandbox_url,
            "--api-key",
            "sandbox",
            "-q",
            "measurements",
            "list",
            ATTIA,
            "--limit",
            "10",
        ],
        columns=columns,
    )
    assert code == 0, output
    lines = screen_lines(output, columns=columns)
    # 3 lines of head, one per record, the bottom border: nothing wrapped
    assert len(lines) == 3 + 10 + 1, lines
    assert all(len(line) <= columns for line in lines)
    assert lines[1].startswith("┃ name ")
    assert sum(line.startswith("│ 2019-01-24_batch9_CH") for line in lines) == 10


# ---------------------------------------------------------------------- closed pipe


@pytest.mark.parametrize(
    "arguments",
    [
        ["measurements", "list", ATTIA, "--all", "--sink", "table:"],
        ["measurements", "list", ATTIA, "--all", "--sink", "jsonl:-"],
        ["projects", "list", "--sink", "table:"],
        ["measurements", "list", ATTIA, "--sink", "csv:-"],
        ["measurements", "list", ATTIA, "--sink", "parquet:-"],
        ["presets", "list"],
        ["presets", "show", "lfp-cathode"],
        ["plugins", "list"],
        ["plugins", "list", "--json"],
        ["sinks", "list"],
        ["--help"],
        ["--version"],
        ["measurements", "list", "--help"],
    ],
    ids=[
        "table",
        "jsonl",
        "projects-table",
        "csv",
        "parquet",
        "presets",
        "presets-show",
        "plugins",
        "plugins-json",
        "sinks",
        "help",
        "version",
        "command-help",
    ],
)
def test_a_closed_pipe_stops_every_output_quietly(sandbox_url: str, arguments: list[str]) -> None:
    # The Unix convention: no message, no traceback, exit 141 (128 + SIGPIPE), for every
    # command writing to stdout (click's own --help/--version said exit 1; the rest 0).
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ionworks_toolkit.cli",
            "--api-url",
            sandbox_url,
            "--api-key",
            "sandbox",
            *arguments,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader leaves before anything is written
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, stderr
    assert stderr == ""
