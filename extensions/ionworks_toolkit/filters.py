"""PostgREST-style filter operators and the helpers that build them.

Filters on the API take PostgREST-style operators: ``eq.X``, ``neq.X``, ``ilike.%X%``
(case-insensitive, ``%`` wildcard), ``like.X%``; a bare value means exact match. The helpers
below build them (``contains("LFP") == "ilike.%LFP%"``); a raw value is always passed through
unchanged.
"""

from __future__ import annotations

import difflib
import logging
import re

from .arguments import check_text
from .errors import ParameterError

__all__ = [
    "POSTGREST_OPERATORS",
    "check_operand",
    "contains",
    "equals",
    "escape_like",
    "ilike",
    "like",
    "not_equals",
    "starts_with",
    "warn_unknown_operator",
]

logger = logging.getLogger("ionworks_toolkit.filters")

#: PostgREST's filter operators (the prefix before the dot in ``ilike.%LFP%``).
POSTGREST_OPERATORS = frozenset(
    [
        "eq",
        "neq",
        "gt",
        "gte",
        "lt",
        "lte",
        "like",
        "ilike",
        "match",
        "imatch",
        "in",
        "is",
        "isdistinct",
        "fts",
        "plfts",
        "phfts",
        "wfts",
        "cs",
        "cd",
        "ov",
        "sl",
        "sr",
        "nxr",
        "nxl",
        "adj",
        "not",
    ]
)
_OPERATOR_PREFIX = re.compile(r"^([a-z]{2,10})\.")
# An operator (``not.`` may lead another) and what follows it: ``not.ilike.%x%``.
_OPERATOR_AND_OPERAND = re.compile(r"^((?:not\.)?[a-z]{2,10})\.(.*)$", re.DOTALL)


def check_operand(name: str, value: str, source: str) -> None:
    """Refuse an operator with nothing after it (``ilike.``, ``neq.``, ``not.``).

    ``ilike.$X`` with ``X`` unset is the empty-value accident again (FINDINGS11 L9): it is
    refused like an empty value, before any request. ``eq.`` stays the way to ask for empty
    text on purpose.

    :raises ParameterError: naming ``source``, the parameter and the value.
    """
    match = _OPERATOR_AND_OPERAND.match(value)
    if match is None:
        return
    operator, operand = match.groups()
    if operator == "eq" or operand.strip():
        return
    if any(part not in POSTGREST_OPERATORS for part in operator.split(".")):
        return  # an unknown prefix is sent as an exact value (warn_unknown_operator)
    raise ParameterError(
        f"{source}: {name}={value!r} has {'nothing' if not operand else 'only blanks'} after "
        f"the operator {operator}.: it would filter on {'empty' if not operand else 'blank'} "
        f"text; give a value after {operator}. (or {name}='eq.' to ask for records whose "
        f"{name} is empty)",
        source=source,
        parameter=name,
        choices=(),
    )


def warn_unknown_operator(name: str, value: str, source: str) -> None:
    """Warn when a value looks like ``op.X`` with an operator PostgREST does not have.

    Such a value is still sent (as an exact match, which is what the API does with it), but
    ``ilik.%LFP%`` is far more likely a typo than a real value, and it silently matches nothing.
    """
    match = _OPERATOR_PREFIX.match(value)
    if match and match.group(1) not in POSTGREST_OPERATORS:
        close = difflib.get_close_matches(match.group(1), sorted(POSTGREST_OPERATORS), n=1)
        hint = f" (did you mean {close[0]}.?)" if close else ""
        logger.warning(
            "%s: %s=%r starts with %r, which is not a filter operator%s; it is sent as an "
            "exact value. Operators: eq., neq., like., ilike. ...",
            source,
            name,
            value,
            match.group(1) + ".",
            hint,
        )


def equals(value: object) -> str:
    """Exact match: ``equals("EL150800460514") == "eq.EL150800460514"``."""
    return f"eq.{value}"


def not_equals(value: object) -> str:
    """Anything but: ``not_equals("Arbin") == "neq.Arbin"``."""
    return f"neq.{value}"


def escape_like(text: str) -> str:
    """Escape ``%``, ``_`` and ``\\`` so they match themselves in a like/ilike pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """Case-insensitive substring: ``contains("LFP") == "ilike.%LFP%"``.

    ``%`` and ``_`` in ``text`` are escaped (``contains("CH_1") == "ilike.%CH\\_1%"``), so
    they match themselves, not any character.
    """
    check_text("contains", text)
    return f"ilike.%{escape_like(text)}%"


def starts_with(text: str) -> str:
    """Case-insensitive prefix: ``starts_with("2017-05") == "ilike.2017-05%"`` (escaped as in
    ``contains``)."""
    check_text("starts_with", text)
    return f"ilike.{escape_like(text)}%"


def ilike(pattern: str) -> str:
    """Case-insensitive pattern with ``%``/``_`` wildcards: ``ilike("%18650%")``."""
    check_text("ilike", pattern)
    return f"ilike.{pattern}"


def like(pattern: str) -> str:
    """Case-sensitive pattern with ``%``/``_`` wildcards: ``like("NCR%")``."""
    check_text("like", pattern)
    return f"like.{pattern}"
