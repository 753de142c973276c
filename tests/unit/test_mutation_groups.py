"""Every test a mutation group selects (``scripts/mutants.py``'s ``GROUPS``) exists.

A selection naming a file or test that was renamed or removed fails mutmut's first run of the
group's tests only when someone runs the group; here it fails at once, naming the entry.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _groups() -> dict[str, tuple[str, ...]]:
    spec = importlib.util.spec_from_file_location("mutants_script", ROOT / "scripts" / "mutants.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return {name: group.tests for name, group in module.GROUPS.items()}


def _functions(path: Path) -> set[str]:
    """The names of the test functions defined at the top level of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    return {node.name for node in tree.body if isinstance(node, kinds)}


def test_every_selected_test_file_and_function_exists() -> None:
    missing: list[str] = []
    for name, tests in _groups().items():
        options = {i + 1 for i, entry in enumerate(tests) if entry == "-m"}
        for index, entry in enumerate(tests):
            if entry.startswith("-") or index in options:
                continue
            path, _, function = entry.partition("::")
            if not (ROOT / path).is_file():
                missing.append(f"{name}: {entry} (no such file)")
            elif function and function not in _functions(ROOT / path):
                missing.append(f"{name}: {entry} (no such test)")
    assert missing == []


def test_a_missing_test_is_reported(tmp_path: Path) -> None:
    test_file = tmp_path / "test_x.py"
    test_file.write_text("def test_a():\n    pass\n\nasync def test_b():\n    pass\n")
    assert _functions(test_file) == {"test_a", "test_b"}
