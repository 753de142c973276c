"""SIGTERM during an export from Python: the outputs rolled back, then the process ends as
SIGTERM ends it (FINDINGS9 J5).

The command line turns SIGTERM into a clean stop itself (``cli.Context.handle_sigterm``).
From Python, a process whose SIGTERM has its default disposition (most scripts, notebooks'
kernels aside, jobs stopped by ``docker stop``, systemd, Kubernetes or Slurm) is killed by it
at once, which left every ``.part`` file of a running export behind. So, while
``Toolkit.export``/``export_projects`` or their ``AsyncToolkit`` versions run in the main
thread and SIGTERM's handler is the default one (``signal.SIG_DFL``), the toolkit handles
SIGTERM for that time only:

- the export stops as on Ctrl-C (a KeyboardInterrupt where the export runs synchronously;
  its asyncio task cancelled where it runs in one, KeyboardInterrupt only where a cancelled
  task is not noticed: a plugin hook or a stream wait), every sink is rolled back (previous
  outputs kept, no part files); a SIGTERM while publishing is held until the outputs are
  published, as on the command line;
- then the default disposition is put back and SIGTERM raised again: the process ends killed
  by SIGTERM, exactly as it would have without the toolkit (exit status 143 in a shell, -15
  for ``subprocess``), only without the part files. Nothing of the host's changes.

A host that has its own SIGTERM handler, or ignores SIGTERM, is left alone: its handler
decides (one that raises, e.g. ``sys.exit(143)``, rolls the export back as any exception
does). An export in another thread cannot be stopped from the signal handler (it runs in the
main thread): there SIGTERM kills the process as before, and the next run that publishes the
same target removes the part files of the killed process (see ``sinks._base``). The handler
is put back as it was when the last export running ends (several ``AsyncToolkit`` exports
may run at once in one event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from .plugins import hook_running
from .sinks._base import stops_at_once

__all__ = ["arolls_back_on_sigterm", "rolls_back_on_sigterm", "sigterm_rolls_back"]

P = ParamSpec("P")
R = TypeVar("R")


class _Running:
    """One export running in the main thread: its asyncio task (None: a synchronous one)."""

    def __init__(self, task: asyncio.Task[Any] | None) -> None:
        self.task = task
        self.loop = task.get_loop() if task is not None else None


#: The exports running now under the toolkit's SIGTERM handler, innermost last.
_RUNNING: list[_Running] = []
#: Set by the handler: SIGTERM came while an export ran; the last one to end re-raises it.
_TERMINATED: list[bool] = []


def _on_sigterm(signum: int, frame: Any) -> None:
    """The toolkit's SIGTERM handler while an export runs (see the module docstring)."""
    if not _TERMINATED:
        _TERMINATED.append(True)
    at_once = hook_running() or stops_at_once()  # nothing there notices a cancelled task
    for running in _RUNNING:
        if running.task is None:
            at_once = True  # a synchronous export: stopped by the exception, as on Ctrl-C
        elif not running.task.done():
            running.task.cancel()
            assert running.loop is not None
            with contextlib.suppress(RuntimeError):  # its loop closed meanwhile
                running.loop.call_soon_threadsafe(lambda: None)  # wake a loop in select()
    if at_once:
        raise KeyboardInterrupt


def _default_handler_here() -> bool:
    """True where the toolkit may handle SIGTERM: POSIX, the main thread, and SIGTERM's
    handler is the default one or already the toolkit's (another export runs)."""
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        return False
    try:
        handler = signal.getsignal(signal.SIGTERM)
    except ValueError:  # not the main interpreter
        return False
    return handler is signal.SIG_DFL or handler is _on_sigterm


@contextlib.contextmanager
def sigterm_rolls_back(*, asynchronous: bool) -> Iterator[None]:
    """Run the block (one export) with SIGTERM rolling it back, then ending the process as
    SIGTERM does (module docstring). ``asynchronous``: the block runs in the current asyncio
    task, which SIGTERM cancels. Without effect outside the main thread, off POSIX, and when
    the host has a SIGTERM handler of its own or ignores SIGTERM."""
    if not _default_handler_here():
        yield
        return
    task = asyncio.current_task() if asynchronous else None
    if not _RUNNING:
        try:
            signal.signal(signal.SIGTERM, _on_sigterm)
        except (ValueError, OSError):
            yield
            return
    running = _Running(task)
    _RUNNING.append(running)
    try:
        yield
    finally:
        _RUNNING.remove(running)
        if not _RUNNING:
            _end()


def _end() -> None:
    """The last export ended: SIGTERM's default handler back (unless the host changed it
    meanwhile), and a SIGTERM that came while it ran raised again: the process ends."""
    ours = signal.getsignal(signal.SIGTERM) is _on_sigterm
    if ours:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _TERMINATED:
        _TERMINATED.clear()
        if ours:
            signal.raise_signal(signal.SIGTERM)  # the default action: the process ends


def rolls_back_on_sigterm(method: Callable[P, R]) -> Callable[P, R]:
    """Decorate a synchronous export method with :func:`sigterm_rolls_back`."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with sigterm_rolls_back(asynchronous=False):
            return method(*args, **kwargs)

    return wrapper


def arolls_back_on_sigterm(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    """Decorate an ``async`` export method with :func:`sigterm_rolls_back`."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with sigterm_rolls_back(asynchronous=True):
            return await method(*args, **kwargs)

    return wrapper
