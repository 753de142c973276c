"""Stand-ins for a pipe whose reader left, for the closed-stdout tests.

``ClosedPipe(accept)`` is a descriptor (what ``sys.stdout.buffer.raw`` is) that takes ``accept``
bytes in all (one ``write`` may take part of its data, returning the count), then raises
``BrokenPipeError``; ``accepted`` holds what it took. ``ClosedStdout(accept)`` is the same as a
stdout whose ``buffer`` is itself (what ``io.BufferedWriter`` does: a short count first,
``BrokenPipeError`` on the next write).
"""

from __future__ import annotations

from typing import Any


class ClosedPipe:
    def __init__(self, accept: int) -> None:
        self.accepted = b""
        self._left = accept

    def write(self, data: Any) -> int:
        if self._left <= 0:
            raise BrokenPipeError(32, "Broken pipe")
        taken = bytes(data[: self._left])
        self.accepted += taken
        self._left -= len(taken)
        return len(taken)

    def flush(self) -> None:
        pass


class ClosedStdout(ClosedPipe):
    def __init__(self, accept: int) -> None:
        super().__init__(accept)
        self.buffer = self
