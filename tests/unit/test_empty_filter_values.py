"""An empty or blank text filter is refused before any request (FINDINGS6 F13).

The named input: ``--name ""`` sent ``name=`` (an exact match on empty text) and listed 0
records without a word, exit 0. Every text parameter, from every source (an option,
``--filter``, a Python keyword, a preset), is refused naming where it came from; ``eq.`` asks
for empty text on purpose.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import FilterPreset, ParameterError
from ionworks_toolkit.cli import main
from ionworks_toolkit.parameters import operation_parameters, validate_parameters

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
SEVERSON = "Severson 2019 fast-charging cycle life"


def message(source: str, name: str, value: str) -> str:
    kind = "empty" if not value else "blank"
    return (
        f"{source}: {name}={value!r} is {kind}: it would match only records whose {name} is "
        f"exactly that; give a value (or {name}='eq.{value}' to ask for those)"
    )


@pytest.mark.parametrize(
    ("arguments", "shown"),
    [
        (["--name", ""], message("--name", "name", "")),
        (["--name", "  "], message("--name", "name", "  ")),
        (["--spec-name", "\t"], message("--spec-name", "spec_name", "\t")),
        (["--filter", "instance_name="], message("--filter", "instance_name", "")),
    ],
)
def test_the_command_line_refuses_an_empty_text_filter_naming_the_option(
    runner: CliRunner, arguments: list[str], shown: str
) -> None:
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", SEVERSON, "--all", *arguments]
    )
    assert result.exit_code == 2
    assert result.stderr == f"error: {shown}\n".replace("\t", "\\t")
    assert result.stdout == ""


def test_eq_with_nothing_after_it_still_asks_for_empty_text(runner: CliRunner, tmp_path) -> None:
    target = tmp_path / "empty.jsonl"
    result = runner.invoke(
        main,
        [
            "--sandbox",
            "measurements",
            "list",
            SEVERSON,
            "--all",
            "--name",
            "eq.",
            "--sink",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"wrote 0 records to jsonl:{target}"


@pytest.mark.parametrize("value", ["", " ", "\n"])
def test_a_python_keyword_filter_is_refused_before_any_request(make_toolkit, value: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    toolkit = make_toolkit(handler)
    with pytest.raises(ParameterError) as caught:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, name=value))
    assert str(caught.value) == message("filter", "name", value)
    assert (caught.value.source, caught.value.parameter, caught.value.choices) == (
        "filter",
        "name",
        (),
    )
    assert seen == []


@pytest.mark.parametrize("value", ["x", " x ", "eq.", "ilike.%"])
def test_text_with_something_in_it_is_kept_as_given(value: str) -> None:
    assert validate_parameters({"name": value}) == {"name": value}


def test_only_text_parameters_are_checked_for_emptiness() -> None:
    kinds = {
        spec.kind for spec in operation_parameters("list_cell_measurements_by_project").values()
    }
    assert "string" in kinds
    # An empty enum value keeps its own message (not allowed; the choices).
    with pytest.raises(ParameterError) as caught:
        validate_parameters({"order": ""})
    assert str(caught.value).startswith("filter: order='' is not allowed; ")
    # An empty instant keeps the date-time message.
    with pytest.raises(ParameterError) as caught:
        validate_parameters({"created_at_gt": ""})
    assert str(caught.value).startswith("filter: created_at_gt='' is not a datetime")


def test_a_preset_with_an_empty_value_names_the_preset(make_toolkit) -> None:
    toolkit: Any = make_toolkit()
    with pytest.raises(ParameterError) as caught:
        toolkit.presets.register(
            FilterPreset("empty-name", "", {"name": ""}),
            owner="plugin test",
        )
    assert str(caught.value) == message("preset empty-name", "name", "")


@pytest.mark.parametrize("text", ["", "  "])
def test_contains_with_no_text_is_refused_naming_the_option(runner: CliRunner, text: str) -> None:
    # FINDINGS7 G16: --contains name= sent name=ilike.%% (every record), exit 0.
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", SEVERSON, "--contains", f"name={text}"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --contains name={text}: the text is empty, so it would match every record; "
        "give the text to look for (--contains name=LFP)\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize("helper", ["contains", "starts_with", "ilike", "like"])
@pytest.mark.parametrize(("text", "kind"), [("", "empty"), (" \t", "blank")])
def test_a_filter_helper_refuses_empty_text(helper: str, text: str, kind: str) -> None:
    import ionworks_toolkit

    with pytest.raises(ParameterError) as caught:
        getattr(ionworks_toolkit, helper)(text)
    assert str(caught.value) == (
        f"{helper}({text!r}): the text is {kind}; give the text to look for, e.g. {helper}('LFP')"
    )
    assert (caught.value.source, caught.value.parameter) == ("argument", f"{helper}(text)")
    assert not isinstance(caught.value, TypeError)
    kept = {"contains": "ilike.% x%", "starts_with": "ilike. x%", "ilike": "ilike. x"}
    assert getattr(ionworks_toolkit, helper)(" x") == kept.get(helper, "like. x")


def operand_message(source: str, name: str, value: str, operator: str, blank: bool) -> str:
    return (
        f"{source}: {name}={value!r} has {'only blanks' if blank else 'nothing'} after the "
        f"operator {operator}.: it would filter on {'blank' if blank else 'empty'} text; give a "
        f"value after {operator}. (or {name}='eq.' to ask for records whose {name} is empty)"
    )


@pytest.mark.parametrize(
    ("arguments", "shown"),
    [
        (
            ["--filter", "spec_id=ilike."],
            operand_message("--filter", "spec_id", "ilike.", "ilike", False),
        ),
        (
            ["--cell-instance-id", "neq."],
            operand_message("--cell-instance-id", "cell_instance_id", "neq.", "neq", False),
        ),
        (["--name", "like. "], operand_message("--name", "name", "like. ", "like", True)),
        (
            ["--name", "not.ilike."],
            operand_message("--name", "name", "not.ilike.", "not.ilike", False),
        ),
    ],
)
def test_an_operator_with_an_empty_operand_is_refused_naming_the_option(
    runner: CliRunner, arguments: list[str], shown: str
) -> None:
    # FINDINGS11 L9: --filter spec_id=ilike. and --cell-instance-id neq. were sent, exit 0.
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", SEVERSON, "--all", *arguments]
    )
    assert result.exit_code == 2
    assert result.stderr == f"error: {shown}\n"
    assert result.stdout == ""


def test_a_python_operator_with_an_empty_operand_is_refused_before_any_request(
    make_toolkit,
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    toolkit = make_toolkit(handler)
    with pytest.raises(ParameterError) as caught:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, name="ilike."))
    assert str(caught.value) == operand_message("filter", "name", "ilike.", "ilike", False)
    assert (caught.value.source, caught.value.parameter) == ("filter", "name")
    assert seen == []


@pytest.mark.parametrize("value", ["eq.", "eq. ", "ilike.%", "neq.x", "ilik.", "not.eq.x"])
def test_eq_and_an_operator_with_an_operand_are_kept(value: str) -> None:
    # eq. asks for empty text on purpose; an unknown prefix is warned about, not refused.
    assert validate_parameters({"name": value}) == {"name": value}
