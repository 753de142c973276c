"""The toolkit reads the spec without assumptions a new spec breaks (issue 10, item 6).

Unit level, against a patched parameter table (what a regenerated client's ``openapi.json``
would declare); ``tests/evolution`` runs the same inputs end to end through a regeneration.
"""

from __future__ import annotations

import enum
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import Toolkit, parameters
from ionworks_toolkit.errors import ConfigurationError, ParameterError
from ionworks_toolkit.operations import coerce_to_operation, operation_module
from ionworks_toolkit.parameters import (
    SEED_OPERATION,
    ParameterSpec,
    missing_required,
    normalise_value,
    operation_parameters,
    validate_parameters,
    wire_name,
)
from ionworks_toolkit.presets import BUILTIN_PRESETS, PresetRegistry


def table_with(**extra: ParameterSpec) -> dict[str, dict[str, ParameterSpec]]:
    """The shipped parameter table with extra (or replaced) seed-operation parameters."""
    table = {op: dict(params) for op, params in parameters._parameter_table().items()}
    table[SEED_OPERATION].update(extra)
    return table


@pytest.fixture
def patch_table(monkeypatch: pytest.MonkeyPatch) -> Any:
    def patch(table: dict[str, dict[str, ParameterSpec]]) -> None:
        monkeypatch.setattr(parameters, "_parameter_table", lambda: table)

    return patch


# --------------------------------------------------------------------------- wire names


KNOWN = {
    name: ParameterSpec(name, "string") for name in ("from", "type", "page_size", "created-at")
}


@pytest.mark.parametrize(
    ("given", "wire"),
    [
        ("from", "from"),
        ("from_", "from"),
        ("api_from", "from"),
        ("type_", "type"),
        ("api_page_size", "page_size"),
        ("created_at", "created-at"),
        ("nope", "nope"),
    ],
)
def test_wire_name_accepts_the_wire_python_and_api_spellings(given: str, wire: str) -> None:
    assert wire_name(given, KNOWN) == wire


class Kind(enum.Enum):
    A = "a"


def generated_like(*, from_: str | None = None, type_: Kind | None = None, limit: int = 25) -> Any:
    """Shaped like a generated operation: keyword names the generator made Python-safe."""
    return {"from_": from_, "type_": type_, "limit": limit}


def test_wire_names_reach_the_generated_arguments() -> None:
    arguments = coerce_to_operation(generated_like, {"from": "2024-01-01", "type": "a", "limit": 5})
    assert arguments == {"from_": "2024-01-01", "type_": Kind.A, "limit": 5}
    assert generated_like(**arguments) == {"from_": "2024-01-01", "type_": Kind.A, "limit": 5}


def test_a_parameter_the_generated_function_lacks_is_named() -> None:
    with pytest.raises(ConfigurationError) as caught:
        coerce_to_operation(generated_like, {"workspace": "w"})
    assert str(caught.value) == (
        f"{__name__}.generated_like has no argument for the query parameter 'workspace': "
        "regenerate the client (scripts/regenerate.py)"
    )


def test_python_spellings_validate_to_the_wire_name(patch_table: Any) -> None:
    patch_table(table_with(**{"from": ParameterSpec("from", "string")}))
    assert validate_parameters({"from_": "2024-01-01"}) == {"from": "2024-01-01"}
    assert validate_parameters({"api_from": "eq.x"}) == {"from": "eq.x"}


# --------------------------------------------------------------------------- required


def test_a_missing_required_parameter_is_refused_before_any_request(
    patch_table: Any, tmp_path: Path
) -> None:
    patch_table(table_with(workspace=ParameterSpec("workspace", "string", required=True)))
    assert missing_required({}) == ["workspace"]
    assert missing_required({"workspace": "w"}) == []
    sent: list[httpx.Request] = []
    toolkit = Toolkit(
        api_key="k",
        api_url="https://api.example.com",
        environ={},
        working_dir=str(tmp_path),
        load_entry_points=False,
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)),
    )
    with pytest.raises(ParameterError) as caught:
        list(toolkit.iter_measurements_by_project("00000000-0000-0000-0000-000000000001"))
    assert str(caught.value) == (
        "list_cell_measurements_by_project requires 'workspace': give workspace=VALUE "
        "(a filter, or a preset that sets it)"
    )
    assert sent == []


# --------------------------------------------------------------------------- object-typed


def test_an_object_typed_query_parameter_is_refused_clearly(patch_table: Any) -> None:
    patch_table(table_with(where=ParameterSpec("where", "object")))
    with pytest.raises(ParameterError) as caught:
        validate_parameters({"where": "x"}, source="--filter")
    assert str(caught.value) == (
        "--filter: where is an object-typed query parameter, which the toolkit does not send "
        "(its serialisation, e.g. deepObject, is not supported); leave it out, or call the "
        "generated client (ionworks_client) directly"
    )
    with pytest.raises(ParameterError):
        normalise_value(ParameterSpec("where", "object"), {"a": "b"}, source="filter")


def test_parameter_kinds_are_read_from_any_spelling_of_the_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``anyOf [object, null]``, 3.1's ``type: [integer, "null"]`` and a bare ``properties``."""
    query = [
        ("where", {"anyOf": [{"type": "object"}, {"type": "null"}]}),
        ("count", {"type": ["integer", "null"]}),
        ("shape", {"properties": {"a": {"type": "string"}}}),
        ("from", {"anyOf": [{"type": "string"}, {"type": "null"}]}),
    ]
    spec = {
        "paths": {
            "/x": {
                "get": {
                    "operationId": "op",
                    "parameters": [
                        {"name": name, "in": "query", "schema": schema} for name, schema in query
                    ],
                }
            }
        }
    }
    monkeypatch.setattr(parameters, "_load_effective_spec", lambda: spec)
    table = parameters._parameter_table.__wrapped__()  # type: ignore[attr-defined]
    assert {name: p.kind for name, p in table["op"].items()} == {
        "where": "object",
        "count": "integer",
        "shape": "object",
        "from": "string",
    }


# --------------------------------------------------------------------------- presets


def enum_preset() -> tuple[str, str, str]:
    """(preset, parameter, value) of a built-in preset that sets an enum parameter."""
    known = operation_parameters()
    return next(
        (preset.name, name, str(value))
        for preset in BUILTIN_PRESETS
        for name, value in preset.params.items()
        if known[name].enum and str(value) in (known[name].enum or ())
    )


def test_a_built_in_preset_the_spec_invalidates_is_dropped_alone_with_one_warning(
    patch_table: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The enum value a built-in preset sends disappears: that preset alone is left out."""
    preset, name, value = enum_preset()
    current = operation_parameters()[name]
    narrowed = ParameterSpec(name, current.kind, tuple(v for v in current.enum or () if v != value))
    patch_table(table_with(**{name: narrowed}))
    with caplog.at_level(logging.WARNING, logger="ionworks_toolkit"):
        toolkit = Toolkit(environ={}, working_dir=str(tmp_path), load_entry_points=False)
    names = [p.name for p in toolkit.presets]
    assert names == sorted(p.name for p in BUILTIN_PRESETS if p.name != preset)
    assert len(names) == len(BUILTIN_PRESETS) - 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"built-in preset {preset} left out: it does not fit this client's API spec (preset "
        f"{preset}: {name}={value!r} is not allowed; choose one of: "
        + ", ".join(narrowed.enum or ())
        + ")"
    ]
    (dropped,) = [p for p in BUILTIN_PRESETS if p.name == preset]
    with pytest.raises(ParameterError):  # only the built-ins are dropped quietly
        PresetRegistry().register(dropped, "config file x.toml")


# --------------------------------------------------------------------------- missing operation


def test_an_operation_the_client_lacks_is_named_when_needed() -> None:
    assert operation_module("list_projects").__name__.endswith(".projects.list_projects")
    with pytest.raises(ConfigurationError) as caught:
        operation_module("list_all_projects")
    assert str(caught.value) == (
        "this client has no operation list_all_projects (the API spec it was generated from "
        "does not have it): regenerate it from a spec that has it (scripts/regenerate.py)"
    )
