"""The ``ionworks-toolkit`` console script: the CLI, with Ctrl-C handled from the first instant.

``cli.main`` handles Ctrl-C while a command runs (outputs rolled back, ``interrupted: ...``,
exit 130). This wrapper covers what it cannot: a Ctrl-C while the CLI's modules are still
being imported (a raw ``KeyboardInterrupt`` traceback before), and one that escapes the
command's own handling (a second or third Ctrl-C arriving while the first one is cleaning up,
which ended the process by the signal). Both print ``interrupted`` and exit 130; from then
on further Ctrl-C are ignored, so the process is not killed by the signal while it leaves.
Imports nothing heavy before ``cli`` itself.
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = 130


def main() -> None:
    """Run ``ionworks_toolkit.cli.main``; SystemExit(130) on a Ctrl-C it does not handle."""
    try:
        from .cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # leaving: no more Ctrl-C tracebacks
        sys.stderr.write("interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
