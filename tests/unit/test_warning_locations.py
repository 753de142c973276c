"""Where the toolkit's warnings point: the user's line that built the toolkit.

Kept out of the mutation groups (scripts/mutants.py): mutmut calls every mutated function
through a trampoline, which adds stack frames, so a warning's ``stacklevel`` cannot point at
the same line inside a mutation run.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import pytest
from ionworks_toolkit import AsyncToolkit, FilterPreset, Toolkit, hookimpl

BUILTIN = "plugin ionworks-presets"


def clash(name: str, *owners: str) -> str:
    return (
        f"preset {name!r} is registered twice: by {' and by '.join(owners)}; it is switched off "
        "(rename one, or disable a plugin with disable_plugins=['NAME'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=NAME)"
    )


class ShadowsLfp:
    @hookimpl
    def ionworks_register_presets(self, register: Any) -> None:
        register(FilterPreset("lfp-cathode", "", {"order": "asc"}))


@pytest.mark.parametrize("toolkit_class", [Toolkit, AsyncToolkit])
def test_a_conflict_warning_points_at_the_line_that_built_the_toolkit(
    toolkit_class: type[Any], tmp_path: Any
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        toolkit = toolkit_class(
            api_url="https://api.example.com",
            plugins=[ShadowsLfp()],
            load_entry_points=False,
            environ={},
            working_dir=str(tmp_path),
            max_retries=0,
            transport=httpx.MockTransport(lambda request: httpx.Response(500)),
        )
    clashes = [w for w in caught if "registered twice" in str(w.message)]
    assert [(w.filename, str(w.message)) for w in clashes] == [
        (__file__, clash("lfp-cathode", "plugin ShadowsLfp", BUILTIN))
    ]
    assert toolkit.presets.conflicts() == {"lfp-cathode": ("plugin ShadowsLfp", BUILTIN)}
