"""``PresetRegistry`` and ``FilterPreset``: registration, clashes, overrides, lookups, resolving.

Exact values throughout: who owns each preset, the warning and error texts naming the preset,
its owners and its operation, the order presets are listed in, and the wire parameters a
resolve gives.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from typing import Any

import attrs
import pytest
from ionworks_toolkit import (
    ConfigurationError,
    FilterPreset,
    ParameterError,
    PluginError,
)
from ionworks_toolkit import parameters as parameters_module
from ionworks_toolkit.errors import RegistrationConflictError, ToolkitWarning
from ionworks_toolkit.parameters import ParameterSpec
from ionworks_toolkit.presets import (
    BUILTIN_PRESETS,
    BUILTIN_PRESETS_OWNER,
    BuiltinPresetsPlugin,
    PresetRegistry,
)

NOW = dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.UTC)
SEED = "list_cell_measurements_by_project"
BUILTIN = "plugin ionworks-presets"


def preset(name: str, **params: Any) -> FilterPreset:
    return FilterPreset(name, f"{name} description", params or {"order": "asc"})


def clash(name: str, *owners: str) -> str:
    return (
        f"preset {name!r} is registered twice: by {' and by '.join(owners)}; it is switched off "
        "(rename one, or disable a plugin with disable_plugins=['NAME'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=NAME)"
    )


# ----------------------------------------------------------------------------- FilterPreset


@pytest.mark.parametrize("name", ["a", "0", "lfp-cathode", "acme.arbin_2024", "x-"])
def test_lower_case_names_are_accepted(name: str) -> None:
    assert FilterPreset(name, "", {}).name == name


def test_builtin_presets_names_and_descriptions() -> None:
    assert [(p.name, p.description, p.operation) for p in BUILTIN_PRESETS] == [
        (
            "cycling-oldest-first",
            "Time-series (cycling) measurements in test start order, oldest first.",
            SEED,
        ),
        (
            "start-time-recorded",
            "Measurements whose test start time is recorded, oldest first.",
            SEED,
        ),
        ("lfp-cathode", "Cells whose specification has an LFP (LiFePO4) cathode.", SEED),
        ("graphite-anode", "Cells whose specification has a graphite anode.", SEED),
        (
            "cylindrical-18650",
            "Cells whose specification name says 18650 (the cylindrical 18 x 65 mm format).",
            SEED,
        ),
    ]
    assert SEED == BUILTIN_PRESETS[0].operation == FilterPreset("x", "", {}).operation


# ----------------------------------------------------------------------------- the built-in plugin


def test_a_builtin_preset_the_spec_refuses_is_left_out_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = PresetRegistry()

    def register(preset: FilterPreset) -> None:
        if preset.name == "lfp-cathode":
            raise ParameterError("spec_cathode is gone", source="x", parameter="x", choices=())
        registry.register(preset, BUILTIN)

    with caplog.at_level(logging.WARNING, logger="ionworks_toolkit.presets"):
        BuiltinPresetsPlugin().ionworks_register_presets(register)
    assert [p.name for p in registry] == [
        "cycling-oldest-first",
        "cylindrical-18650",
        "graphite-anode",
        "start-time-recorded",
    ]
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            "ionworks_toolkit.presets",
            logging.WARNING,
            "built-in preset lfp-cathode left out: it does not fit this client's API spec "
            "(spec_cathode is gone)",
        )
    ]


# ----------------------------------------------------------------------------- registering


@attrs.frozen
class ForeignPreset:
    """A FilterPreset from another copy of the toolkit (a vendored one): same four fields."""

    name: str
    description: str
    params: dict[str, Any]
    operation: str


def test_a_preset_from_another_copy_of_the_toolkit_is_accepted() -> None:
    registry = PresetRegistry()
    registry.register(ForeignPreset("acme", "Acme's", {"order": "desc"}, "list_projects"), "p")
    got = registry.get("acme")
    assert type(got) is FilterPreset
    assert (got.name, got.description, dict(got.params), got.operation) == (
        "acme",
        "Acme's",
        {"order": "desc"},
        "list_projects",
    )


@pytest.mark.parametrize("missing", ["name", "description", "params", "operation"])
def test_something_that_is_not_a_preset_is_refused_naming_the_plugin(missing: str) -> None:
    fields = {"name": "acme", "description": "", "params": {}, "operation": SEED}
    del fields[missing]
    thing = type("Thing", (), {**fields, "__repr__": lambda self: "<Thing>"})()
    with pytest.raises(PluginError) as caught:
        PresetRegistry().register(thing, "plugin acme")
    assert str(caught.value) == "plugin acme registered <Thing>, which is not a FilterPreset"


def test_a_relative_datetime_is_checked_when_registered() -> None:
    registry = PresetRegistry()
    registry.register(preset("recent", start_time_gt="-730119d"), BUILTIN)  # 0001-01-01
    with pytest.raises(ParameterError) as caught:
        registry.register(preset("ancient", start_time_gt="-730120d"), BUILTIN)
    assert str(caught.value).startswith("preset ancient: start_time_gt=")
    assert "-730120d reaches outside the calendar" in str(caught.value)
    assert [p.name for p in registry] == ["recent"]


def test_a_name_registered_by_two_owners_is_switched_off() -> None:
    registry = PresetRegistry()
    registry.register(preset("shared"), "plugin first")
    registry.register(preset("mine"), "plugin first")
    registry.register(preset("shared", order="desc"), "plugin second")
    registry.register(preset("shared"), "plugin third")
    assert [p.name for p in registry] == ["mine"]
    assert len(registry) == 1
    assert registry.conflicts() == {"shared": ("plugin first", "plugin second", "plugin third")}
    with pytest.raises(RegistrationConflictError) as caught:
        registry.get("shared")
    assert str(caught.value) == clash("shared", "plugin first", "plugin second", "plugin third")
    with pytest.raises(RegistrationConflictError):
        registry.resolve(["shared"], {}, now=NOW)


def test_conflicts_are_reported_once_each_as_a_warning_never_also_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = PresetRegistry()
    for owner in ("plugin a", "plugin b"):
        registry.register(preset("one"), owner)
        registry.register(preset("two"), owner)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry.report_conflicts()
    expected = [clash("one", "plugin a", "plugin b"), clash("two", "plugin a", "plugin b")]
    assert [str(w.message) for w in caught] == expected
    assert all(w.category is ToolkitWarning for w in caught)  # a UserWarning the CLI shows once
    assert caplog.records == []  # a log line besides printed each twice


def test_nothing_is_reported_without_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    registry = PresetRegistry()
    registry.register(preset("one"), "plugin a")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry.report_conflicts()
    assert (caught, caplog.records, registry.conflicts()) == ([], [], {})


def test_the_config_file_may_override_a_builtin_preset_only() -> None:
    registry = PresetRegistry()
    registry.register(preset("lfp-cathode"), BUILTIN)
    registry.register(preset("acme"), "plugin acme")
    registry.register(preset("lfp-cathode", order="desc"), "config file /w/t.toml")
    registry.register(preset("acme", order="desc"), "config file /w/t.toml")
    assert registry.owner("lfp-cathode") == (
        "config file /w/t.toml (overrides the built-in preset from plugin ionworks-presets)"
    )
    assert registry.get("lfp-cathode").params == {"order": "desc"}
    assert registry.conflicts() == {"acme": ("plugin acme", "config file /w/t.toml")}
    assert BUILTIN_PRESETS_OWNER == BUILTIN


def test_a_plugin_cannot_override_a_builtin_preset() -> None:
    registry = PresetRegistry()
    registry.register(preset("lfp-cathode"), BUILTIN)
    registry.register(preset("lfp-cathode"), "plugin config file")
    assert registry.conflicts() == {"lfp-cathode": (BUILTIN, "plugin config file")}


def test_the_owner_of_a_preset_nothing_overrides() -> None:
    registry = PresetRegistry()
    registry.register(preset("mine"), "config file /w/t.toml")
    assert registry.owner("mine") == "config file /w/t.toml"


def test_forgetting_plugins_keeps_the_config_files_presets() -> None:
    registry = PresetRegistry()
    registry.register(preset("lfp-cathode"), BUILTIN)
    registry.register(preset("lfp-cathode"), "config file /w/t.toml")
    registry.register(preset("acme"), "plugin acme")
    registry.register(preset("mine"), "config file /w/t.toml")
    registry.register(preset("shared"), "plugin a")
    registry.register(preset("shared"), "plugin b")
    registry.forget_plugins()
    assert [(p.name, registry.owner(p.name)) for p in registry] == [
        ("lfp-cathode", "config file /w/t.toml"),
        ("mine", "config file /w/t.toml"),
    ]
    assert registry.conflicts() == {}


def test_removing_an_owner_forgets_only_its_presets() -> None:
    registry = PresetRegistry()
    registry.register(preset("b-one"), "plugin acme")
    registry.register(preset("a-two"), "plugin acme")
    registry.register(preset("keep"), "plugin other")
    registry.remove_owner("plugin acme")
    assert [p.name for p in registry] == ["keep"]
    registry.remove_owner("plugin nobody")
    assert len(registry) == 1


def test_presets_are_listed_by_name() -> None:
    registry = PresetRegistry()
    for name in ("zeta", "alpha", "mu"):
        registry.register(preset(name), "plugin acme")
    assert [p.name for p in registry] == ["alpha", "mu", "zeta"]
    assert len(registry) == 3


# ----------------------------------------------------------------------------- the config file


def test_config_tables_become_presets_of_their_operation() -> None:
    registry = PresetRegistry()
    registry.register_from_config(
        {
            "by-name": {"description": "Projects by name", "operation": "list_projects"},
            "lfp": {"spec_cathode": "ilike.%LFP%"},
        },
        "/w/t.toml",
    )
    by_name, lfp = registry.get("by-name"), registry.get("lfp")
    assert (by_name.description, dict(by_name.params), by_name.operation) == (
        "Projects by name",
        {},
        "list_projects",
    )
    assert (lfp.description, dict(lfp.params), lfp.operation) == (
        "",
        {"spec_cathode": "ilike.%LFP%"},
        SEED,
    )
    assert registry.owner("lfp") == "config file /w/t.toml"


def test_a_config_table_of_an_unknown_parameter_names_the_file_and_the_preset() -> None:
    registry = PresetRegistry()
    reason = (
        "preset mine: 'spec_cathode' is not a parameter of list_projects; choices: name, "
        "created_at_gt, created_at_lt, updated_at_gt, updated_at_lt, order_by, order"
    )
    with pytest.warns(ToolkitWarning) as warned:
        registry.register_from_config(
            {"mine": {"spec_cathode": "LFP", "operation": "list_projects"}}, "/w/t.toml"
        )
    assert [str(w.message) for w in warned] == [
        "config file /w/t.toml: preset left out as invalid (a command that uses it fails with "
        f"this reason): 'mine' ({reason})"
    ]
    assert len(registry) == 0
    for _ in range(2):  # a fresh error each time, the same message and attributes
        with pytest.raises(ParameterError) as caught:
            registry.get("mine", source="--preset")
        assert str(caught.value) == f"config file /w/t.toml: {reason}"
        assert (caught.value.source, caught.value.parameter, caught.value.choices[:2]) == (
            "preset mine",
            "spec_cathode",
            ("name", "created_at_gt"),
        )


def test_a_config_entry_that_is_not_a_table_is_left_out_with_the_others_kept() -> None:
    registry = PresetRegistry()
    with pytest.warns(ToolkitWarning) as warned:
        registry.register_from_config(
            {"ok": {}, "mine": "LFP", "Bad Name": {}, "lfp-cathode": 3}, "/w/t.toml"
        )
    assert [str(w.message) for w in warned] == [  # one warning for the whole file
        "config file /w/t.toml: presets left out as invalid (a command that uses one fails with "
        "this reason): 'mine' ([presets.mine] must be a table); 'Bad Name' (preset name "
        "'Bad Name' must be lower-case letters, digits, '-', '_' or '.'); 'lfp-cathode' "
        "([presets.lfp-cathode] must be a table)"
    ]
    assert [p.name for p in registry] == ["ok"]
    with pytest.raises(ConfigurationError) as caught:
        registry.get("mine")
    assert type(caught.value) is ConfigurationError
    assert str(caught.value) == "config file /w/t.toml: [presets.mine] must be a table"
    with pytest.raises(ConfigurationError) as caught:
        registry.get("Bad Name")
    assert str(caught.value) == (
        "config file /w/t.toml: preset name 'Bad Name' must be lower-case letters, digits, "
        "'-', '_' or '.'"
    )


def test_a_broken_config_preset_hides_the_builtin_of_its_name() -> None:
    registry = PresetRegistry()
    registry.register(BUILTIN_PRESETS[2], "plugin ionworks-presets")  # lfp-cathode
    with pytest.warns(ToolkitWarning):
        registry.register_from_config({"lfp-cathode": {"spec_cathod": "LFP"}}, "/w/t.toml")
    with pytest.raises(ParameterError) as caught:
        registry.resolve(["lfp-cathode"], {})
    assert str(caught.value).startswith(
        "config file /w/t.toml: preset lfp-cathode: 'spec_cathod' is not a parameter of "
        "list_cell_measurements_by_project; did you mean spec_cathode"
    )


def test_a_valid_config_file_gives_no_warning() -> None:
    registry = PresetRegistry()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        registry.register_from_config({"ok": {"spec_cathode": "LFP"}}, "/w/t.toml")
    assert [p.name for p in registry] == ["ok"]


# ----------------------------------------------------------------------------- lookups


def test_an_unknown_name_in_an_empty_registry() -> None:
    with pytest.raises(ParameterError) as caught:
        PresetRegistry().get("lfp")
    assert str(caught.value) == "presets: unknown preset 'lfp'; no presets are registered"
    assert (caught.value.source, caught.value.parameter, caught.value.choices) == (
        "presets",
        "lfp",
        (),
    )


def test_an_unknown_name_lists_the_closest_first() -> None:
    registry = PresetRegistry()
    for name in ("lfp-cathode", "lfp-anode", "graphite-anode", "nmc"):
        registry.register(preset(name), "plugin acme")
    with pytest.raises(ParameterError) as caught:
        registry.get("lfp-cathod")
    # Newcomer pass: "choose one of: lfp-cathode, lfp-anode" read as the whole list.
    assert caught.value.choices == ("graphite-anode", "lfp-anode", "lfp-cathode", "nmc")
    assert str(caught.value) == (
        "presets: unknown preset 'lfp-cathod'; did you mean lfp-cathode or lfp-anode? "
        "(choose one of: graphite-anode, lfp-anode, lfp-cathode, nmc)"
    )


# ----------------------------------------------------------------------------- resolving


def test_resolving_for_another_operation() -> None:
    registry = PresetRegistry()
    registry.register(
        FilterPreset("by-name", "", {"order_by": "name"}, operation="list_projects"), "p"
    )
    assert registry.resolve(["by-name"], {"order": "desc"}, operation="list_projects") == {
        "order_by": "name",
        "order": "desc",
    }
    with pytest.raises(ConfigurationError) as caught:
        registry.resolve(["by-name"], {}, operation="list_cell_specifications")
    assert str(caught.value) == (
        "preset 'by-name' is for list_projects, not list_cell_specifications"
    )


def test_relative_datetimes_resolve_at_the_given_time() -> None:
    registry = PresetRegistry()
    registry.register(preset("recent", start_time_gt="-1d"), "p")
    assert registry.resolve(["recent"], {"start_time_lt": "-2h"}, now=NOW) == {
        "start_time_gt": "2024-06-14T12:00:00Z",
        "start_time_lt": "2024-06-15T10:00:00Z",
    }


def test_a_bad_filter_is_named_as_a_filter() -> None:
    with pytest.raises(ParameterError) as caught:
        PresetRegistry().resolve([], {"order": "sideways"}, now=NOW)
    assert caught.value.source == "filter"
    assert str(caught.value).startswith("filter: order='sideways' is not allowed")


def test_a_missing_required_parameter_is_named_with_how_to_give_it() -> None:
    registry = PresetRegistry()
    with pytest.raises(ParameterError) as caught:
        registry.resolve([], {}, operation="list_cell_measurements", now=NOW)
    assert str(caught.value) == (
        "list_cell_measurements requires 'cell_specification_id': give "
        "cell_specification_id=VALUE (a filter, or a preset that sets it)"
    )
    assert (caught.value.source, caught.value.parameter, caught.value.choices) == (
        "filter",
        "cell_specification_id",
        ("cell_specification_id",),
    )
    spec = "00000000-0000-0000-0000-000000000001"
    registry.register(
        FilterPreset("spec", "", {"cell_specification_id": spec}, "list_cell_measurements"), "p"
    )
    assert registry.resolve(["spec"], {}, operation="list_cell_measurements", now=NOW) == {
        "cell_specification_id": spec
    }


def test_an_error_resolving_a_preset_names_the_preset() -> None:
    registry = PresetRegistry()
    registry.register(preset("recent", start_time_gt="-3d"), "p")
    with pytest.raises(ParameterError) as caught:
        registry.resolve(["recent"], {}, now=dt.datetime(1, 1, 2, tzinfo=dt.UTC))
    assert str(caught.value) == (
        "preset recent: start_time_gt='-3d': -3d reaches outside the calendar"
    )
    assert caught.value.source == "preset recent"


def test_filters_are_validated_against_the_operation_resolved() -> None:
    with pytest.raises(ParameterError) as caught:
        PresetRegistry().resolve([], {"spec_cathode": "LFP"}, operation="list_projects")
    assert str(caught.value) == (
        "filter: 'spec_cathode' is not a parameter of list_projects; choices: name, "
        "created_at_gt, created_at_lt, updated_at_gt, updated_at_lt, order_by, order"
    )


def test_every_missing_required_parameter_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {op: dict(params) for op, params in parameters_module._parameter_table().items()}
    for name in ("workspace", "site"):
        table[SEED][name] = ParameterSpec(name, "string", required=True)
    monkeypatch.setattr(parameters_module, "_parameter_table", lambda: table)
    with pytest.raises(ParameterError) as caught:
        PresetRegistry().resolve([], {"site": None}, now=NOW)
    assert str(caught.value) == (
        f"{SEED} requires 'workspace', 'site': give workspace=VALUE, site=VALUE "
        "(a filter, or a preset that sets it)"
    )
    assert (caught.value.parameter, caught.value.choices) == ("workspace", ("workspace", "site"))
