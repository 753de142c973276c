"""pytest hooks for a mutation run only: ``scripts/mutants.py`` copies this file to the root of
its temporary copy as ``conftest.py`` (never into the checkout, so ordinary test runs never
load it).

1. Tests marked ``cli_subprocess`` run the command line in a child Python. The child imports
   the installed (editable) package, never mutmut's mutated copy, so such a test can kill no
   mutant; inside a mutation run it is deselected instead of costing seconds per mutant.
   Tests marked ``frame_references`` assert what the code's own frames keep alive (a page
   freed before the next fetch); mutmut calls each function through a trampoline whose frame
   holds the last value an async generator yielded, so they fail without any mutant (the
   stats phase stops the group): deselected too.
2. In a mutant's run (``MUTANT_UNDER_TEST`` names a mutant), the selected tests run fastest
   first by the durations mutmut measured in its stats phase (``mutmut-stats.json``). mutmut
   passes a mutant's tests in set order and stops at the first failure (``-x``), so a killed
   mutant costs the tests before the first one that fails: fastest first makes that cheap.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PACKAGE = "ionworks_toolkit"


def clear_package_caches() -> int:
    """Empty every ``functools.cache``/``lru_cache`` defined at the top of a loaded module of
    the package; the number emptied."""
    cleared = 0
    for name, module in list(sys.modules.items()):
        if module is None or not (name == PACKAGE or name.startswith(PACKAGE + ".")):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()
                cleared += 1
    return cleared


@pytest.fixture(autouse=True)
def _fresh_package_caches() -> Iterator[None]:
    clear_package_caches()
    yield


def _durations() -> dict[str, float]:
    try:
        stats = json.loads(Path("mutmut-stats.json").read_text())
    except (OSError, ValueError):
        return {}
    durations = stats.get("duration_by_test", {})
    return durations if isinstance(durations, dict) else {}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    def skipped(item: Any) -> bool:
        return any(item.get_closest_marker(m) for m in ("cli_subprocess", "frame_references"))

    children = [item for item in items if skipped(item)]
    if children:
        config.hook.pytest_deselected(items=children)
        items[:] = [item for item in items if not skipped(item)]
    if "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", ""):
        durations = _durations()
        # sorted() is stable: tests without a measured duration keep their order, first.
        items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
