"""Rules of ``parameters.py`` that the ``parameters`` mutation group's survivors (round nine)
showed untested inside the group (their tests ran the whole Toolkit or the command line,
outside its selection): a value no URL can carry, an enum parameter given another type, and
an empty or blank text value are each refused with their exact message, source, parameter
and choices, before any request.

Each test was checked against its mutants planted by hand (TESTING.md).
"""

from __future__ import annotations

import pytest
from ionworks_toolkit import ParameterError
from ionworks_toolkit.errors import ArgumentTypeError
from ionworks_toolkit.parameters import (
    ParameterSpec,
    check_sendable,
    normalise_value,
    parameter_table,
)

TEXT = ParameterSpec("spec_name", "string")
ORDER = ParameterSpec("order", "string", enum=("asc", "desc"))
NUMBER = ParameterSpec("capacity", "number")


def _facts(error: ParameterError) -> tuple[str, str, str, tuple[str, ...]]:
    return (str(error), error.source, error.parameter, error.choices)


def test_check_sendable_names_source_parameter_and_character() -> None:
    with pytest.raises(ParameterError) as info:
        check_sendable("spec_name", "LFP\udcff", "preset lfp")
    assert type(info.value) is ParameterError
    assert _facts(info.value) == (
        "preset lfp: spec_name='LFP\\udcff' holds the byte 0xFF (not UTF-8) at character 4; "
        "it cannot be sent: a URL carries UTF-8 text only",
        "preset lfp",
        "spec_name",
        (),
    )
    check_sendable("spec_name", "Zellé 🔋", "preset lfp")  # any UTF-8 text passes


def test_normalise_value_checks_text_is_sendable_naming_the_parameter_and_source() -> None:
    with pytest.raises(ParameterError) as info:
        normalise_value(TEXT, "\ud800", source="--spec-name")
    assert _facts(info.value) == (
        "--spec-name: spec_name='\\ud800' holds a lone surrogate U+D800 at character 1; it "
        "cannot be sent: a URL carries UTF-8 text only",
        "--spec-name",
        "spec_name",
        (),
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (5, "order=5 is an int"),
        (True, "order=True is a bool"),
        (None, "order=None is None"),
    ],
)
def test_an_enum_parameter_of_another_type_names_every_choice(value: object, shown: str) -> None:
    with pytest.raises(ArgumentTypeError) as info:
        normalise_value(ORDER, value, source="preset p")
    assert _facts(info.value) == (
        f"preset p: {shown}; order takes one of: asc, desc",
        "preset p",
        "order",
        ("asc", "desc"),
    )


@pytest.mark.parametrize(("value", "kind"), [("", "empty"), (" ", "blank"), ("\t\n", "blank")])
def test_empty_or_blank_text_is_refused_saying_which(value: str, kind: str) -> None:
    with pytest.raises(ParameterError) as info:
        normalise_value(TEXT, value, source="filter")
    assert type(info.value) is ParameterError
    assert _facts(info.value) == (
        f"filter: spec_name={value!r} is {kind}: it would match only records whose spec_name "
        f"is exactly that; give a value (or spec_name='eq.{value}' to ask for those)",
        "filter",
        "spec_name",
        (),
    )


def test_blank_text_of_a_parameter_that_is_not_text_is_passed_on() -> None:
    """Only a text (``string``) parameter's empty value is an exact match on empty text."""
    assert normalise_value(NUMBER, " ", source="filter") == " "
    assert normalise_value(TEXT, "eq.", source="filter") == "eq."


#: A spec of the shapes the shipped one does not use (all legal OpenAPI 3.1): a path-level
#: ``parameters`` list and a ``summary`` beside the operations, an operation without an
#: operationId, a path parameter before the query ones, a one-member ``allOf``, a two-member
#: one (not resolved), a 3.1 ``type`` list with ``null`` first or alone, no schema at all, a
#: schema without a type.
ODD_SPEC = {
    "components": {
        "schemas": {
            "Order": {"type": "string", "enum": ["asc", "desc"]},
            "Count": {"type": "integer", "minimum": 1, "maximum": 9},
        }
    },
    "paths": {
        "/cells/{cell_id}": {
            "summary": "one cell",
            "parameters": [{"name": "cell_id", "in": "path", "schema": {"type": "string"}}],
            "post": {"parameters": [{"name": "ignored", "in": "query"}]},
            "get": {
                "operationId": "get_cell",
                "parameters": [
                    {"name": "cell_id", "in": "path", "schema": {"type": "string"}},
                    {
                        "name": "order",
                        "in": "query",
                        "schema": {
                            "anyOf": [{"$ref": "#/components/schemas/Order"}, {"type": "null"}],
                            "default": "asc",
                        },
                    },
                    {
                        "name": "count",
                        "in": "query",
                        "required": True,
                        "schema": {"allOf": [{"$ref": "#/components/schemas/Count"}]},
                    },
                    {
                        "name": "pair",
                        "in": "query",
                        "schema": {"allOf": [{"type": "integer"}, {"minimum": 0}]},
                    },
                    {"name": "flag", "in": "query", "schema": {"type": ["null", "boolean"]}},
                    {"name": "nothing", "in": "query", "schema": {"type": ["null"]}},
                    {"name": "tag", "in": "query"},
                    {"name": "note", "in": "query", "schema": {"description": "free text"}},
                    {"name": "where", "in": "query", "schema": {"properties": {"a": {}}}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
            },
        }
    },
}


def test_parameter_table_reads_every_shape_of_query_parameter() -> None:
    assert parameter_table(ODD_SPEC) == {
        "get_cell": {
            "order": ParameterSpec("order", "string", enum=("asc", "desc"), default="asc"),
            "count": ParameterSpec("count", "integer", minimum=1, maximum=9, required=True),
            "pair": ParameterSpec("pair", "string"),
            "flag": ParameterSpec("flag", "boolean"),
            "nothing": ParameterSpec("nothing", "string"),
            "tag": ParameterSpec("tag", "string"),
            "note": ParameterSpec("note", "string"),
            "where": ParameterSpec("where", "object"),
        }
    }
    assert list(parameter_table(ODD_SPEC)["get_cell"]) == [
        "order",
        "count",
        "pair",
        "flag",
        "nothing",
        "tag",
        "note",
        "where",
    ]


def test_parameter_table_of_a_spec_without_paths_is_empty() -> None:
    assert parameter_table({}) == {}
    assert parameter_table({"openapi": "3.1.0", "components": {}}) == {}
