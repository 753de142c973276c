"""``filters``: the PostgREST operators a value may start with, the warning for a misspelt one,
and the like-pattern helpers' escaping.

The operator list below is PostgREST's (https://postgrest.org, "Operators"): each one passes
without a warning; a value that only looks like ``op.X`` (one letter, eleven letters, upper
case, not at the start) is plain data and passes silently too.
"""

from __future__ import annotations

import logging

import pytest
from ionworks_toolkit.filters import (
    POSTGREST_OPERATORS,
    contains,
    escape_like,
    starts_with,
    warn_unknown_operator,
)

POSTGREST = [
    "eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "in", "is",
    "isdistinct", "fts", "plfts", "phfts", "wfts", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl",
    "adj", "not",
]  # fmt: skip


def warnings_for(value: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="ionworks_toolkit.filters"):
        warn_unknown_operator("spec_name", value, "preset mine")
    return [r.getMessage() for r in caplog.records]


def test_the_operators_are_postgrests() -> None:
    assert sorted(POSTGREST_OPERATORS) == sorted(POSTGREST)


@pytest.mark.parametrize("operator", POSTGREST)
def test_every_operator_passes_silently(operator: str, caplog: pytest.LogCaptureFixture) -> None:
    assert warnings_for(f"{operator}.18650", caplog) == []


@pytest.mark.parametrize(
    "value", ["a.18650", "abcdefghijk.x", "Ilik.%LFP%", "x ilik.LFP", "ilik", "ilik-x", "18650"]
)
def test_values_that_do_not_start_with_an_operator_pass_silently(
    value: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert warnings_for(value, caplog) == []


@pytest.mark.parametrize(
    ("value", "prefix", "hint"),
    [
        ("ilik.%LFP%", "ilik.", " (did you mean ilike.?)"),
        ("ab.x", "ab.", ""),
        ("abcdefghij.x", "abcdefghij.", ""),
        ("gtee.5", "gtee.", " (did you mean gte.?)"),
    ],
)
def test_an_unknown_operator_is_warned_with_the_closest(
    value: str, prefix: str, hint: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert warnings_for(value, caplog) == [
        f"preset mine: spec_name={value!r} starts with {prefix!r}, which is not a filter "
        f"operator{hint}; it is sent as an exact value. Operators: eq., neq., like., ilike. ..."
    ]


def test_like_patterns_escape_wildcards_and_backslashes() -> None:
    assert escape_like("a\\b_c%d") == "a\\\\b\\_c\\%d"
    assert contains("a\\b") == "ilike.%a\\\\b%"
    assert starts_with("CH_1%") == "ilike.CH\\_1\\%%"
