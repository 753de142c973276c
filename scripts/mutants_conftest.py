"""pytest hooks for a mutation run only: ``scripts/mutants.py`` copies this file to the root of
its temporary copy as ``conftest.py`` (never into the checkout, so ordinary test runs never
load it).

1. Tests marked ``cli_subprocess`` run the command line in a child Python. The child imports
   the installed (editable) package, never mutmut's mutated copy, so such a test can kill no
   mutant; inside a mutation run it is deselected instead of costing seconds per mutant.
2. In a mutant's run (``MUTANT_UNDER_TEST`` names a mutant), the selected tests run fastest
   first by the durations mutmut measured in its stats phase (``mutmut-stats.json``). mutmut
   passes a mutant's tests in set order and stops at the first failure (``-x``), so a killed
   mutant costs the tests before the first one that fails: fastest first makes that cheap.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def _durations() -> dict[str, float]:
    try:
        stats = json.loads(Path("mutmut-stats.json").read_text())
    except (OSError, ValueError):
        return {}
    durations = stats.get("duration_by_test", {})
    return durations if isinstance(durations, dict) else {}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    children = [item for item in items if item.get_closest_marker("cli_subprocess")]
    if children:
        config.hook.pytest_deselected(items=children)
        items[:] = [item for item in items if not item.get_closest_marker("cli_subprocess")]
    if "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", ""):
        durations = _durations()
        # sorted() is stable: tests without a measured duration keep their order, first.
        items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
