"""The ``ionworks-toolkit`` console script: the CLI, with Ctrl-C handled from the first instant.

``cli.main`` handles Ctrl-C while a command runs (outputs rolled back, ``interrupted: ...``,
exit 130). This wrapper covers what it cannot: a Ctrl-C while the CLI's modules are still
being imported (a raw ``KeyboardInterrupt`` traceback before), and one that escapes the
command's own handling (a second or third Ctrl-C arriving while the first one is cleaning up,
which ended the process by the signal). Both print ``interrupted`` and exit 130; from then
on further Ctrl-C are ignored, so the process is not killed by the signal while it leaves.
Imports nothing heavy before ``cli`` itself.

Standard streams: stderr carries diagnostics only, so a closed stderr (``2>&-``) or one that
cannot be written (``2>/dev/full``) never fails a run: what cannot be printed is dropped and
the exit code is what it would have been. A closed descriptor 0, 1 or 2 is first pointed at
the null device, so that no file the run opens (a database, a temporary file) takes its
number and receives another writer's bytes. A closed stdout becomes a null stream
marked ``CLOSED_MARK``, which the CLI refuses as a sink target (exit 2).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any

EXIT_INTERRUPTED = 130
#: The attribute (true) of the null stream that replaces a stdout closed at start (``1>&-``):
#: no sink may write there. An attribute, not a flag here: ``cli`` never imports this module.
CLOSED_MARK = "ionworks_closed_at_start"


class _Diagnostics:
    """A text stream (stderr) whose writes and flushes never fail: what a closed or full
    stream cannot take is dropped. Everything else is the wrapped stream's."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        try:
            return int(self._inner.write(text))
        except (OSError, ValueError, AttributeError):
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self._inner.flush()

    def isatty(self) -> bool:
        try:
            return bool(self._inner.isatty())
        except (OSError, ValueError, AttributeError):
            return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _guard_standard_streams() -> None:
    """Point closed descriptors 0-2 at the null device; make stderr a diagnostics stream."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:  # closed at start: a null stream for code that prints (uvicorn)
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        setattr(stream, CLOSED_MARK, True)
        sys.stdout = stream
    if sys.stderr is None:  # closed at start (its descriptor is the null device now)
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if not isinstance(sys.stderr, _Diagnostics):
        sys.stderr = _Diagnostics(sys.stderr)


def main() -> None:
    """Run ``ionworks_toolkit.cli.main``; SystemExit(130) on a Ctrl-C it does not handle."""
    try:
        _guard_standard_streams()
        from .cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # leaving: no more Ctrl-C tracebacks
        sys.stderr.write("interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
