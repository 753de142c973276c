"""The generated models are built from our templates (openapi/templates): lean per-record code.

Behaviour (tolerant reader, round trips) is covered by test_generated_client.py; here the shape
of the generated code that the templates promise is checked on every model module.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import ionworks_client.models as models_package
import pytest
from ionworks_client.models import (
    CellMeasurementWithDetails,
    CellSpecificationWithComponents,
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


def test_every_copy_of_the_input_dict_feeds_additional_properties() -> None:
    copies = 0
    for path in model_modules():
        for method in methods(ast.parse(path.read_text(encoding="utf-8")), "from_dict"):
            text = ast.unparse(method)
            if "d = dict(src_dict)" in text:
                copies += 1
                assert ".additional_properties = d" in text, path.stem
    assert copies > 40  # every schema of the overlaid spec is open (tolerant reader)


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
