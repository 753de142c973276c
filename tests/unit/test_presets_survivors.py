"""Rules of ``presets.py`` that the ``presets`` mutation group's survivors showed untested:
the module's lazy ``DATETIME_PARAMETERS`` (read from the spec on first use) and its error for
any other name, and how close a mistyped preset name must be to be suggested.

Each test was checked against its mutants planted by hand (TESTING.md).
"""

from __future__ import annotations

import pytest
from ionworks_toolkit import ParameterError, parameters, presets
from ionworks_toolkit.errors import ArgumentTypeError
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


@pytest.mark.parametrize(
    ("length", "shown"),
    [
        (58, "'" + "x" * 58 + "'"),  # a repr of 60 characters is shown whole
        (59, "'" + "x" * 56 + "..."),  # one of 61 is cut to 57 and '...'
    ],
)
def test_a_wrong_field_value_is_shown_whole_up_to_60_characters(length: int, shown: str) -> None:
    with pytest.raises(ArgumentTypeError) as info:
        FilterPreset("weird", "", "x" * length)  # type: ignore[arg-type]
    assert str(info.value) == (
        "FilterPreset 'weird': params must be a mapping of query parameter names to values, "
        f"e.g. {{'measurement_type': 'time_series'}}; got a str: {shown}"
    )


def test_a_name_exactly_half_like_a_preset_and_not_its_start_is_suggested() -> None:
    """difflib ratio 0.5 ('xnmc' vs 'nmc-cell'), no start of a name: suggested only at the
    registry's own cutoff 0.5 (did_you_mean's default is 0.6)."""
    registry = PresetRegistry()
    registry.register(FilterPreset("nmc-cell", "", {"order": "asc"}), "plugin acme")
    registry.register(FilterPreset("lfp-cathode", "", {"order": "asc"}), "plugin acme")
    with pytest.raises(ParameterError) as info:
        registry.get("xnmc", source="--preset")
    assert str(info.value) == (
        "--preset: unknown preset 'xnmc'; did you mean nmc-cell? (choose one of: lfp-cathode, "
        "nmc-cell)"
    )
