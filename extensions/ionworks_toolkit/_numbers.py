"""Whole numbers a person writes as text: a command-line option, an environment variable, a
sink option, a filter value, a sandbox port."""

from __future__ import annotations

import re

__all__ = ["integer_text"]

_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: [0-9] is a literal range


def integer_text(text: str) -> int:
    """The int written in ``text`` with ASCII digits, an optional sign and whitespace around
    (``"42"``, ``" -3 "``, ``"+7"``).

    :raises ValueError: anything else, including what Python's ``int()`` also reads: digit
        groups joined by ``_`` (``"1_0"`` is 10 to ``int()``) and the digits of other
        scripts (``"５"``, a full-width 5), so that a typo is refused rather than read
        (FINDINGS12 M8)."""
    stripped = text.strip()
    if _INTEGER.fullmatch(stripped) is None:
        raise ValueError(f"invalid integer: {text!r}")
    return int(stripped)
