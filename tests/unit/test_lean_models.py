"""The generated models are built from our templates (openapi/templates): lean per-record code.

Behaviour (tolerant reader, round trips) is covered by test_generated_client.py; here the shape
of the generated code that the templates promise is checked on every model module.
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import ionworks_client.models as models_package
import pytest
from ionworks_client.models import (
    CellComponent,
    CellMeasurementWithDetails,
    CellSpecificationWithComponents,
    ComponentType,
    Quantity,
)

MODELS = Path(models_package.__file__).parent
ROOT = Path(__file__).resolve().parents[2]


def model_modules() -> list[Path]:
    return sorted(p for p in MODELS.glob("*.py") if p.name != "__init__.py")


def methods(tree: ast.Module, name: str) -> list[ast.FunctionDef]:
    return [
        node
        for cls in tree.body
        if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.FunctionDef) and node.name == name
    ]


def test_templates_are_passed_to_the_generator() -> None:
    source = (ROOT / "scripts" / "regenerate.py").read_text(encoding="utf-8")
    assert 'TEMPLATES = ROOT / "openapi" / "templates"' in source
    assert "custom_template_path=TEMPLATES" in source
    stamp = json.loads((MODELS.parent / "_stamp.json").read_text(encoding="utf-8"))
    assert "model.py.jinja" in json.dumps(stamp)  # the templates are part of the stamp
    names = sorted(p.name for p in (ROOT / "openapi" / "templates").rglob("*.jinja"))
    assert {"list_property.py.jinja", "model.py.jinja", "union_property.py.jinja"} <= set(names)


@pytest.mark.parametrize("path", model_modules(), ids=lambda p: p.stem)
def test_no_nested_functions_imports_or_casts_per_record(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for method in methods(tree, "from_dict") + methods(tree, "to_dict"):
        inner = [n for n in ast.walk(method) if n is not method]
        assert not [n for n in inner if isinstance(n, ast.FunctionDef)], method.name
        assert not [n for n in inner if isinstance(n, ast.Import | ast.ImportFrom)], method.name
        calls = [
            n.func.id for n in inner if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        ]
        assert "cast" not in calls, method.name


def known_keys(method: ast.FunctionDef) -> set[str]:
    """The keys from_dict reads: d["key"] and d.get("key", UNSET)."""
    keys = set()
    for node in ast.walk(method):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "d"
            and isinstance(node.slice, ast.Constant)
        ):
            keys.add(node.slice.value)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) == ("d", "get")
        ):
            keys.add(node.args[0].value)  # type: ignore[attr-defined]
    return keys


def test_no_model_copies_or_pops_a_dict_input() -> None:
    checked = 0
    for path in model_modules():
        module = ast.parse(path.read_text(encoding="utf-8"))
        for method in methods(module, "from_dict"):
            text = ast.unparse(method)
            assert "d.pop(" not in text, path.stem
            if "additional_properties" not in text:
                continue
            checked += 1
            # a dict is read in place; only another Mapping is copied (dict() as before)
            assert "d = src_dict if type(src_dict) is dict else dict(src_dict)" in text, path.stem
            keys = known_keys(method)
            if keys:  # additional properties: the keys outside _KNOWN_KEYS, if any
                assert "if not d.keys() <= _KNOWN_KEYS:" in text, path.stem
                module_name = f"{models_package.__name__}.{path.stem}"
                assert frozenset(keys) == importlib.import_module(module_name)._KNOWN_KEYS
            else:  # no declared property: every key is additional
                assert ".additional_properties = dict(d)" in text, path.stem
    assert checked > 40  # every schema of the overlaid spec is open (tolerant reader)


def test_additional_properties_are_the_unknown_keys_in_order() -> None:
    src = {"value": 3.2, "zeta": [1], "unit": "Ah", "alpha": {"a": 1}}
    before = json.dumps(src)
    quantity = Quantity.from_dict(src)
    assert (quantity.value, quantity.unit) == (3.2, "Ah")
    assert list(quantity.additional_properties.items()) == [("zeta", [1]), ("alpha", {"a": 1})]
    assert quantity.to_dict() == {"value": 3.2, "unit": "Ah", "zeta": [1], "alpha": {"a": 1}}
    quantity.additional_properties["beta"] = 2  # the model's own dict, not the input
    assert json.dumps(src) == before


def test_without_unknown_keys_each_model_has_its_own_empty_dict() -> None:
    first, second = (
        Quantity.from_dict({"value": 1, "unit": "V"}),
        Quantity.from_dict({"unit": "V", "value": 2}),
    )
    assert first.additional_properties == second.additional_properties == {}
    first["x"] = 1
    assert (first.additional_properties, second.additional_properties) == ({"x": 1}, {})


def test_another_mapping_is_read_like_a_dict() -> None:
    from types import MappingProxyType

    quantity = Quantity.from_dict(MappingProxyType({"value": 1, "unit": "V", "note": "n"}))
    assert (quantity.value, quantity.unit, quantity.additional_properties) == (
        1,
        "V",
        {"note": "n"},
    )
    with pytest.raises(KeyError, match="'unit'"):
        Quantity.from_dict({"value": 1})
    with pytest.raises(TypeError):
        Quantity.from_dict(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("cathode", ComponentType.CATHODE),
        ("plasma", "plasma"),  # unknown value: kept as sent
        ("", ""),
        (7, 7),  # not a string: kept as sent
        (None, None),
    ],
)
def test_a_str_enum_or_str_is_the_member_else_the_value(sent: object, expected: object) -> None:
    record = {
        "component_type": sent,
        "material_id": "m",
        "id": "c",
        "organization_id": "o",
        "created_at": None,
        "updated_at": None,
    }
    got = CellComponent.from_dict(record).component_type
    assert got == expected
    assert type(got) is type(expected)
    if isinstance(expected, ComponentType):
        assert got is expected


def test_str_enum_unions_look_values_up_without_calling_the_enum() -> None:
    text = (MODELS / "cell_component.py").read_text(encoding="utf-8")
    assert "ComponentType._value2member_map_.get(" in text
    assert "ComponentType(" not in ast.unparse(methods(ast.parse(text), "from_dict")[0])
    assert not hasattr(ComponentType, "_missing_") or ComponentType._missing_.__qualname__ == (
        "Enum._missing_"
    )


def test_absent_optional_values_are_told_by_identity() -> None:
    for path in model_modules():
        for method in methods(ast.parse(path.read_text(encoding="utf-8")), "from_dict"):
            assert "Unset)" not in ast.unparse(method), path.stem


CLOSED_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/c": {
            "get": {
                "operationId": "get_c",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Closed"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Closed": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "when"],
                "properties": {
                    "id": {"type": "string"},
                    "when": {
                        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]
                    },
                    "kind": {"anyOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "string"}]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
            },
            "Kind": {"type": "string", "enum": ["a", "b"]},
        }
    },
}


def test_a_closed_model_reads_its_input_in_place(tmp_path: Path) -> None:
    """No schema of our spec is closed, so the template's other branch is generated here
    from a small spec (same generator, same templates) and run."""
    import subprocess
    import sys

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(CLOSED_SPEC), encoding="utf-8")
    out = tmp_path / "closed_client"
    subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
         "--meta", "none", "--output-path", str(out),
         "--custom-template-path", str(ROOT / "openapi" / "templates")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    tree = ast.parse((out / "models" / "closed.py").read_text(encoding="utf-8"))
    (from_dict,) = methods(tree, "from_dict")
    assert "dict(src_dict)" not in ast.unparse(from_dict)
    assert "d = src_dict" in ast.unparse(from_dict)
    check = (
        "from closed_client.models import Closed, Kind\n"
        "c = Closed.from_dict({'id': 'x', 'when': '2024-01-15T05:05:00Z', 'kind': 'a', "
        "'tags': ['t']})\n"
        "u = Closed.from_dict({'id': 'y', 'when': 'soon', 'kind': 'zzz'})\n"
        "print(c.when.isoformat(), c.kind is Kind.A, c.tags, u.when, u.kind, u.to_dict())"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == (
        "2024-01-15T05:05:00+00:00 True ['t'] soon zzz {'id': 'y', 'when': 'soon', 'kind': 'zzz'}"
    )


def test_models_referenced_lazily_are_bound_at_module_level() -> None:
    import ionworks_client.models.cell_measurement_with_details as measurement
    import ionworks_client.models.cell_specification_with_components as specification
    import ionworks_client.models.ratings as ratings

    assert measurement.CellSpecificationWithComponents is CellSpecificationWithComponents
    assert specification.Ratings is ratings.Ratings
    assert ratings.Quantity is Quantity
    assert CellMeasurementWithDetails.__module__ == measurement.__name__
