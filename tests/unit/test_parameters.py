"""``parameters``: the table read from the shipped spec, and every refusal's exact fields.

The parameter table is cached for the process; ``_parameter_table.__wrapped__()`` reads the
shipped ``openapi.json`` afresh, so these tests check the reading itself. Each refusal is a
ParameterError whose ``source``, ``parameter`` and ``choices`` callers use (the CLI names the
option, ``--preset`` lists the choices).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import pytest
from ionworks_toolkit import parameters
from ionworks_toolkit.errors import ArgumentTypeError, ParameterError
from ionworks_toolkit.parameters import (
    SEED_OPERATION,
    ParameterSpec,
    normalise_value,
    parse_relative_datetime,
    validate_parameters,
)

NOW = dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.UTC)


# ----------------------------------------------------------------------------- the spec's table


def test_the_table_is_read_from_the_shipped_spec() -> None:
    spec = parameters._load_effective_spec()
    assert "/cell_measurements/by-project/{project_id}" in spec["paths"]
    table = parameters._parameter_table.__wrapped__()
    assert table == parameters._parameter_table()
    seed = table[SEED_OPERATION]
    assert seed["limit"] == ParameterSpec("limit", "integer", None, 1, 1000, 25, False)
    assert seed["order"] == ParameterSpec("order", "string", ("asc", "desc"), None, None, "desc")
    assert seed["start_time_gt"].kind == "datetime"
    assert table["list_cell_measurements"]["cell_specification_id"].required is True
    assert "project_id" not in seed  # a path parameter, not a query one


# ----------------------------------------------------------------------------- refusals


def refusal(spec: ParameterSpec, value: Any) -> ParameterError:
    with pytest.raises(ParameterError) as caught:
        normalise_value(spec, value, source="--x", now=NOW)
    assert (caught.value.source, caught.value.parameter) == ("--x", spec.name)
    return caught.value


@pytest.mark.parametrize(
    ("spec", "value", "message", "choices"),
    [
        (
            ParameterSpec("where", "object"),
            "x",
            "--x: where is an object-typed query parameter, which the toolkit does not send "
            "(its serialisation, e.g. deepObject, is not supported); leave it out, or call the "
            "generated client (ionworks_client) directly",
            (),
        ),
        (
            ParameterSpec("start_time", "datetime"),
            dt.datetime(2024, 1, 1),
            "--x: start_time='2024-01-01T00:00:00' has no time zone; give an aware datetime "
            "(UTC is assumed nowhere)",
            (),
        ),
        (
            ParameterSpec("order", "string", ("asc", "desc")),
            "up",
            "--x: order='up' is not allowed; choose one of: asc, desc",
            ("asc", "desc"),
        ),
        (ParameterSpec("n", "integer"), "2.5", "--x: n='2.5' is not an integer", ()),
        (ParameterSpec("n", "integer", maximum=10), 11, "--x: n=11 is outside -inf..10", ()),
        (ParameterSpec("n", "integer", minimum=0), -1, "--x: n=-1 is outside 0..inf", ()),
        (ParameterSpec("n", "integer", minimum=1, maximum=5), 0, "--x: n=0 is outside 1..5", ()),
        (
            ParameterSpec("full", "boolean"),
            "yes",
            "--x: full='yes' must be true or false",
            ("true", "false"),
        ),
        (
            ParameterSpec("start_time", "datetime"),
            "-99999999d",
            "--x: start_time='-99999999d': -99999999d reaches outside the calendar",
            (),
        ),
        (
            ParameterSpec("start_time", "datetime"),
            " 2024-01-01T06:30 ",
            "--x: start_time='2024-01-01T06:30' has no time zone; add Z for UTC or an offset, "
            "e.g. '2024-01-01T06:30:00Z' (UTC is assumed nowhere)",
            (),
        ),
        (
            ParameterSpec("start_time", "datetime"),
            "2019-01-24",
            "--x: start_time='2019-01-24' has no time zone; add Z for UTC or an offset, "
            "e.g. '2019-01-24T00:00:00Z' (UTC is assumed nowhere)",
            (),
        ),
        (
            ParameterSpec("start_time", "datetime"),
            "May 2017",
            "--x: start_time='May 2017' is not a datetime; give ISO 8601 (2019-01-24T00:00:00Z) "
            "or a relative time (-30d, -12h, -90m)",
            (),
        ),
    ],
)
def test_each_refusal_names_its_source_parameter_and_choices(
    spec: ParameterSpec, value: Any, message: str, choices: tuple[str, ...]
) -> None:
    error = refusal(spec, value)
    assert (str(error), error.choices) == (message, choices)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2024, 1, 1, 6, 30, tzinfo=dt.UTC), "2024-01-01T06:30:00+00:00"),
        (
            dt.datetime(2024, 1, 1, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2024-01-01T06:30:00-05:00",
        ),
        (" 2024-01-01T06:30Z ", "2024-01-01T06:30Z"),
        ("2024-01-01T06:30+05:30", "2024-01-01T06:30+05:30"),
        ("-1d", "2024-06-14T12:00:00Z"),
    ],
)
def test_aware_instants_go_on_the_wire_as_given(value: Any, expected: str) -> None:
    """An aware datetime as its ISO text, aware text as written (stripped), relative times
    against ``now``: what ``normalise_value`` returns for a datetime parameter."""
    spec = ParameterSpec("start_time", "datetime")
    assert normalise_value(spec, value, source="--x", now=NOW) == expected


@pytest.mark.parametrize(("value", "expected"), [(10, 10), ("-3", -3), (5, 5)])
def test_integers_within_a_one_sided_range(value: Any, expected: int) -> None:
    assert normalise_value(ParameterSpec("n", "integer", maximum=10), value, source="f") == expected


# ----------------------------------------------------------------------------- relative datetimes


@pytest.fixture
def kolkata(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The machine's local time zone is UTC+05:30 for the test."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_relative_datetimes_are_utc_whatever_the_local_time_zone(kolkata: Any) -> None:
    assert parse_relative_datetime("-1d", NOW) == "2024-06-14T12:00:00Z"
    assert parse_relative_datetime("-90m", NOW) == "2024-06-15T10:30:00Z"
    got = dt.datetime.fromisoformat(parse_relative_datetime("-1h") or "")
    expected = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    assert got.tzinfo == dt.UTC
    assert abs((got - expected).total_seconds()) < 60


# ----------------------------------------------------------------------------- names and values

KNOWN = {name: ParameterSpec(name, "string") for name in ("from", "f-rom", "created-at", "abxy")}


@pytest.mark.parametrize(
    ("given", "wire"),
    [
        ("from_", "from"),  # the generator's spelling, though "f-rom" squashes alike
        ("api_from", "from"),
        ("api_created_at", "created-at"),
        ("api_zzz", "api_zzz"),  # unknown: returned as given, for the caller to report
        ("zzz_", "zzz_"),
    ],
)
def test_wire_names_prefer_the_exact_spellings(given: str, wire: str) -> None:
    assert parameters.wire_name(given, KNOWN) == wire


@pytest.fixture
def tiny_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parameters, "_parameter_table", lambda: {SEED_OPERATION: KNOWN})


def test_an_unknown_name_half_like_a_known_one_is_suggested(tiny_table: None) -> None:
    with pytest.raises(ParameterError) as caught:
        parameters.validate_parameters({"abcd": "x"})
    assert str(caught.value) == (
        f"filter: 'abcd' is not a parameter of {SEED_OPERATION}; did you mean abxy? "
        "(choices: from, f-rom, created-at, abxy)"
    )
    assert caught.value.choices == ("from", "f-rom", "created-at", "abxy")  # every one


def test_a_none_value_is_dropped_and_the_rest_kept(tiny_table: None) -> None:
    # Text values: a text parameter refuses an int (ArgumentTypeError, test_breakit_fixes.py).
    assert parameters.validate_parameters({"from": None, "abxy": "eq.1", "f-rom": "2"}) == {
        "abxy": "eq.1",
        "f-rom": "2",
    }


# ------------------------------- text parameters given other types (full mutation run survivors)


def test_a_uuid_for_a_text_parameter_is_sent_as_its_text() -> None:
    spec = ParameterSpec("spec_id", "string")
    value = uuid.UUID("6f1c2a3e-0000-4000-8000-00000000abcd")
    assert normalise_value(spec, value, source="f") == "6f1c2a3e-0000-4000-8000-00000000abcd"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            5,
            "filter: name=5 is an int; name takes text: a value or an operator, e.g. "
            "name='eq.5' or contains('5')",
        ),
        (
            ["LFP"],
            "filter: name=['LFP'] is a list; name takes text: a value or an operator, e.g. "
            "name='eq.TEXT' or contains('TEXT')",
        ),
    ],
)
def test_a_text_parameter_refuses_other_types_naming_source_and_parameter(
    value: Any, message: str
) -> None:
    with pytest.raises(ArgumentTypeError) as info:
        normalise_value(ParameterSpec("name", "string"), value, source="filter")
    assert str(info.value) == message
    assert (info.value.source, info.value.parameter) == ("filter", "name")


def test_two_spellings_of_one_parameter_are_refused_naming_both() -> None:
    with pytest.raises(ParameterError) as info:
        validate_parameters({"order_by": "name", "orderby": "cycler"}, source="--filter")
    assert str(info.value) == (
        "--filter: 'order_by' and 'orderby' both set the API parameter 'order_by'; give it once"
    )
    assert (info.value.source, info.value.parameter, info.value.choices) == (
        "--filter",
        "order_by",
        ("order_by",),
    )


# ----------------------------------------------------------------------------- datetime kinds


def marked_in(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Per operationId, the query parameters ``spec`` marks as instants, read straight from it."""
    out: dict[str, set[str]] = {}
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                out[operation["operationId"]] = {
                    p["name"]
                    for p in operation.get("parameters", [])
                    if p.get("in") == "query" and p.get("x-ionworks-datetime") is True
                }
    return out


def test_the_datetime_kind_is_exactly_what_the_shipped_spec_marks() -> None:
    """The overlaid spec (62-instant-parameters.yaml) is the only source: every marked
    parameter is a datetime, every other is not, and every filter the published descriptions
    call an ISO datetime is marked."""
    spec = parameters._load_effective_spec()
    marked = marked_in(spec)
    table = parameters.parameter_table(spec)
    assert {
        op: {name for name, p in params.items() if p.kind == "datetime"}
        for op, params in table.items()
    } == marked
    described = {
        p["name"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for p in operation.get("parameters", [])
        if "ISO datetime" in p.get("description", "")
    }
    assert described  # the published descriptions still say so somewhere
    assert described <= set().union(*marked.values())
    assert parameters.datetime_parameters() == frozenset().union(*marked.values())
    assert parameters.datetime_parameters() == parameters.DATETIME_PARAMETERS
    assert "start_time_gt" in marked[SEED_OPERATION]


def test_the_marker_is_the_documented_vendor_extension() -> None:
    assert parameters.DATETIME_MARKER == "x-ionworks-datetime"
    text = parameter(schema={"type": "string"})
    assert parameters.is_datetime_parameter({**text, "x-ionworks-datetime": True}, {}) is True
    assert parameters.is_datetime_parameter(text, {"format": "date-time"}) is True
    assert parameters.is_datetime_parameter(text, {"format": "date"}) is False
    assert parameters.is_datetime_parameter({**text, "x-ionworks-datetime": "yes"}, {}) is False
    assert parameters.is_datetime_parameter({**text, "x-ionworks-datetime": False}, {}) is False
    assert parameters.is_datetime_parameter(text, {}) is False


def test_datetime_parameters_stays_importable_from_both_modules() -> None:
    from ionworks_toolkit import presets
    from ionworks_toolkit.presets import DATETIME_PARAMETERS

    assert DATETIME_PARAMETERS == presets.DATETIME_PARAMETERS == parameters.DATETIME_PARAMETERS
    assert "created_at_lt" in DATETIME_PARAMETERS
    with pytest.raises(AttributeError) as info:
        parameters.DATETIME_PARAMETER  # noqa: B018
    assert str(info.value) == (
        "module 'ionworks_toolkit.parameters' has no attribute 'DATETIME_PARAMETER'"
    )
    with pytest.raises(AttributeError) as info:
        presets.DATETIME_PARAMETER  # noqa: B018
    assert str(info.value) == (
        "module 'ionworks_toolkit.presets' has no attribute 'DATETIME_PARAMETER'"
    )


def parameter(name: str = "ended_at_gt", **extra: Any) -> dict[str, Any]:
    schema = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    return {"in": "query", "name": name, "schema": schema, **extra}


def spec_with(*new: dict[str, Any]) -> dict[str, Any]:
    """The shipped spec with ``new`` query parameters on the seed operation."""
    spec = parameters._load_effective_spec()
    seed = spec["paths"]["/cell_measurements/by-project/{project_id}"]["get"]
    seed["parameters"] = [*seed["parameters"], *new]
    return spec


def test_a_new_parameter_carrying_the_marker_takes_instants() -> None:
    table = parameters.parameter_table(spec_with(parameter(**{"x-ionworks-datetime": True})))
    ended = table[SEED_OPERATION]["ended_at_gt"]
    assert ended == ParameterSpec("ended_at_gt", "datetime")
    assert normalise_value(ended, "-30d", source="--x", now=NOW) == "2024-05-16T12:00:00Z"
    assert normalise_value(ended, " -12h ", source="--x", now=NOW) == "2024-06-15T00:00:00Z"
    assert normalise_value(ended, "2024-01-02T03:04:05+01:00", source="--x", now=NOW) == (
        "2024-01-02T03:04:05+01:00"
    )
    with pytest.raises(ParameterError) as info:
        normalise_value(ended, "soon", source="--x", now=NOW)
    assert str(info.value) == (
        "--x: ended_at_gt='soon' is not a datetime; give ISO 8601 (2019-01-24T00:00:00Z) or a "
        "relative time (-30d, -12h, -90m)"
    )


def test_a_new_parameter_without_the_marker_is_text_sent_as_given() -> None:
    unmarked = parameter(description="Ended after (ISO datetime)")
    table = parameters.parameter_table(spec_with(unmarked))
    ended = table[SEED_OPERATION]["ended_at_gt"]
    assert ended == ParameterSpec("ended_at_gt", "string")
    assert normalise_value(ended, "-30d", source="--x", now=NOW) == "-30d"
    assert normalise_value(ended, "soon", source="--x", now=NOW) == "soon"


def test_format_date_time_on_a_new_parameter_also_makes_an_instant() -> None:
    """Should the published spec type a filter itself (anyOf [date-time, null])."""
    typed = {
        "in": "query",
        "name": "measured",
        "schema": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
    }
    dated = {**typed, "name": "made", "schema": {"type": "string", "format": "date"}}
    table = parameters.parameter_table(spec_with(typed, dated))
    assert table[SEED_OPERATION]["measured"] == ParameterSpec("measured", "datetime")
    assert table[SEED_OPERATION]["made"] == ParameterSpec("made", "string")
    assert normalise_value(table[SEED_OPERATION]["measured"], "-1w", source="--x", now=NOW) == (
        "2024-06-08T12:00:00Z"
    )


# ----------------------------------------------------------------------------- a query too long


def test_the_query_limit_is_httpx_s() -> None:
    import httpx._urlparse

    assert parameters.MAX_QUERY_LENGTH == httpx._urlparse.MAX_URL_LENGTH == 65_536


def test_a_query_of_exactly_the_limit_passes_and_one_more_character_is_refused() -> None:
    # FINDINGS7 G2: a name filter of 100,000 characters gave a bare httpx.InvalidURL.
    parameters.check_query_length({"name": "x" * (65_536 - len("name="))})
    with pytest.raises(ParameterError) as info:
        parameters.check_query_length({"order": "desc", "name": "x" * (65_537 - len("name="))})
    assert str(info.value) == (
        "filter: name: the request's query would be 65,548 characters long (65,537 of them "
        "for name, percent-encoded), over the 65,536 httpx accepts in a URL; give a shorter "
        "value or split the request"
    )
    assert (info.value.source, info.value.parameter, info.value.choices) == ("filter", "name", ())


def test_the_query_is_measured_percent_encoded() -> None:
    # 'é' travels as %C3%A9: 10,921 of them fit (65,531 characters), 10,922 do not.
    parameters.check_query_length({"name": "é" * 10_921})
    with pytest.raises(ParameterError) as info:
        parameters.check_query_length({"name": "é" * 10_922}, source="--name")
    assert str(info.value).startswith(
        "--name: name: the request's query would be 65,537 characters long (65,537 of them "
        "for name, percent-encoded)"
    )


def test_the_parameter_named_is_the_longest_once_encoded() -> None:
    with pytest.raises(ParameterError) as info:
        parameters.check_query_length({"a": "x" * 40_000, "bb": "é" * 7_000, "c": 1})
    assert info.value.parameter == "bb"
    assert str(info.value).startswith(
        "filter: bb: the request's query would be 82,010 characters long (42,003 of them for bb"
    )
