"""Ctrl-C outside a command's own handling (newcomer pass): while the CLI's modules load it
printed a raw traceback; one escaping the command ended the process by the signal. The
console script (``ionworks_toolkit._entry:main``) prints ``interrupted`` and exits 130.
Subprocesses send themselves SIGINT at a chosen point: no timing."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest
from ionworks_toolkit import _entry

# SIGINT to itself when ``click`` is first imported: the CLI's modules are loading.
DURING_IMPORT = textwrap.dedent(
    """
    import builtins, os, signal, sys
    real_import = builtins.__import__

    def importing(name, *args, **kwargs):
        if name == "click" and "click" not in sys.modules:
            os.kill(os.getpid(), signal.SIGINT)
        return real_import(name, *args, **kwargs)

    builtins.__import__ = importing
    sys.argv = ["ionworks-toolkit", "--help"]
    from ionworks_toolkit._entry import main
    main()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_the_cli_imports_exits_130_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", DURING_IMPORT], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stderr, done.stdout) == (130, "interrupted\n", "")


def test_a_ctrl_c_escaping_the_command_exits_130_and_ignores_more(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ionworks_toolkit import cli

    def escaping() -> None:
        raise KeyboardInterrupt  # e.g. a third Ctrl-C while the first one cleans up

    monkeypatch.setattr(cli, "main", escaping)
    previous = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as caught:
            _entry.main()
        ignored = signal.getsignal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert (caught.value.code, ignored) == (130, signal.SIG_IGN)
    assert capsys.readouterr().err == "interrupted\n"


def test_without_ctrl_c_the_cli_runs_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    from ionworks_toolkit import cli

    calls: list[str] = []
    monkeypatch.setattr(cli, "main", lambda: calls.append("main"))
    _entry.main()
    assert (calls, signal.getsignal(signal.SIGINT)) == (["main"], signal.default_int_handler)
