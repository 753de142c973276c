"""Rules of ``presets.py`` that the ``presets`` mutation group's survivors showed untested:
the module's lazy ``DATETIME_PARAMETERS`` (read from the spec on first use) and its error for
any other name, and how close a mistyped preset name must be to be suggested.

Each test was checked against its mutants planted by hand (TESTING.md).
"""

from __future__ import annotations

import pytest
from ionworks_toolkit import ParameterError, parameters, presets
from ionworks_toolkit.presets import FilterPreset, PresetRegistry


def test_datetime_parameters_is_read_from_the_spec_and_other_names_are_refused() -> None:
    assert parameters.datetime_parameters() == presets.DATETIME_PARAMETERS
    assert "created_at" in presets.DATETIME_PARAMETERS
    with pytest.raises(AttributeError) as info:
        presets.datetime_parameters_list  # noqa: B018
    assert str(info.value) == (
        "module 'ionworks_toolkit.presets' has no attribute 'datetime_parameters_list'"
    )
    assert getattr(presets, "NOT_THERE", "default") == "default"


def test_a_name_half_like_a_preset_is_suggested() -> None:
    """difflib ratio 0.55 ('nmc' vs 'nmc-cell'): suggested at the registry's cutoff 0.5."""
    registry = PresetRegistry()
    registry.register(FilterPreset("nmc-cell", "", {"order": "asc"}), "plugin acme")
    registry.register(FilterPreset("lfp-cathode", "", {"order": "asc"}), "plugin acme")
    with pytest.raises(ParameterError) as info:
        registry.get("nmc")
    assert str(info.value) == (
        "presets: unknown preset 'nmc'; did you mean nmc-cell? (choose one of: lfp-cathode, "
        "nmc-cell)"
    )
