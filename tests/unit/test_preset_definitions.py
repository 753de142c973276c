"""A FilterPreset of the wrong shape, and a preset whose plugin failed (FINDINGS9 J4).

``FilterPreset("weird", "w", "name=x")`` (params not a mapping) raised Python's own
``ValueError: dictionary update sequence element #0 has length 1; 2 is required``; the plugin
was switched off, and ``presets=["weird"]`` then said only "unknown preset 'weird'". Now each
field is checked with an ArgumentTypeError naming the preset, the field and the shape it
takes; asking for a preset of a plugin switched off while registering says that plugin
failed and why (PluginError), and any other unknown name adds which plugins failed so.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ID
from ionworks_toolkit import (
    ArgumentTypeError,
    FilterPreset,
    ParameterError,
    PluginError,
    ToolkitWarning,
    hookimpl,
)
from ionworks_toolkit.cli import main
from test_breakit_fixes import install_plugin

SHAPE = "a mapping of query parameter names to values, e.g. {'measurement_type': 'time_series'}"
WEIRD = f"FilterPreset 'weird': params must be {SHAPE}; got a str: 'name=x'"
BUILTIN = (
    "cycling-oldest-first, cylindrical-18650, graphite-anode, lfp-cathode, start-time-recorded"
)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("weird", "w", "name=x"), WEIRD),
        (
            ("weird", "w", [("name", "x")]),
            f"FilterPreset 'weird': params must be {SHAPE}; got a list: [('name', 'x')]",
        ),
        (
            ("weird", "w", {"name": "x", 5: "y"}),
            "FilterPreset 'weird': each params name must be text (e.g. 'measurement_type'); "
            "got an int: 5",
        ),
        (("weird", None, {}), "FilterPreset 'weird': description must be text; got None"),
        (
            ("weird", "w", {}, 7),
            "FilterPreset 'weird': operation must be an operation id, e.g. "
            "'list_cell_measurements_by_project'; got an int: 7",
        ),
        (
            (5, "w", {}),
            "FilterPreset name must be text (lower-case letters, digits, '-', '_' or '.'); "
            "got an int: 5",
        ),
        (
            ("weird", "w", "x" * 70),
            f"FilterPreset 'weird': params must be {SHAPE}; got a str: '{'x' * 56}...",
        ),
    ],
    ids=["params-str", "params-pairs", "params-key", "description", "operation", "name", "long"],
)
def test_a_field_of_the_wrong_type_is_named_with_the_shape_it_takes(
    arguments: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ArgumentTypeError) as info:
        FilterPreset(*arguments)
    assert str(info.value) == message
    assert isinstance(info.value, TypeError)
    field = message.split(": ", 1)[-1].split(" must", 1)[0].removeprefix("FilterPreset ")
    if isinstance(arguments[0], str):  # where it came from: the preset, by name
        assert (info.value.source, info.value.parameter) == ("preset weird", field)
    else:
        assert (info.value.source, info.value.parameter) == ("preset", "name")


def test_a_valid_preset_keeps_a_read_only_copy_of_its_params() -> None:
    params = {"name": "x"}
    preset = FilterPreset("fine", "f", params)
    params["name"] = "changed"
    assert dict(preset.params) == {"name": "x"}
    with pytest.raises(TypeError):
        preset.params["name"] = "y"  # type: ignore[index]


class _Weird:
    """J4's plugin: one good preset, then one it cannot build."""

    name = "weird-plugin"

    @hookimpl
    def ionworks_register_presets(self, register: Any) -> None:
        register(FilterPreset("fine", "Fine.", {"name": "x"}))
        register(FilterPreset("weird", "w", "name=x"))


class _Dict:
    name = "dict-plugin"

    @hookimpl
    def ionworks_register_presets(self, register: Any) -> None:
        register({"name": "dicty", "params": {}})


SWITCHED_OFF = (
    "plugin weird-plugin failed and was switched off: ionworks_register_presets raised "
    f"ArgumentTypeError: {WEIRD}"
)


def test_a_preset_of_a_plugin_that_failed_is_not_available_naming_the_plugin(
    make_toolkit, paged_server
) -> None:
    server = paged_server(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        toolkit = make_toolkit(server, plugins=[_Weird(), _Dict()])
    assert [str(w.message) for w in caught if w.category is ToolkitWarning] == [
        "plugin dict-plugin failed and was switched off: plugin dict-plugin registered "
        "{'name': 'dicty', 'params': {}}, which is not a FilterPreset",
        SWITCHED_OFF,
    ]
    for name in ("weird", "fine"):  # 'fine' was registered, then dropped with its plugin
        with pytest.raises(PluginError) as info:
            list(toolkit.iter_measurements_by_project(PROJECT_ID, presets=[name]))
        assert str(info.value) == (
            f"presets: preset {name!r} is not available: plugin weird-plugin, which registers "
            f"it, failed and was switched off: ionworks_register_presets raised "
            f"ArgumentTypeError: {WEIRD}"
        )
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, presets=["dicty"]))
    assert str(info.value) == (
        "presets: preset 'dicty' is not available: plugin dict-plugin, which registers it, "
        "failed and was switched off: plugin dict-plugin registered {'name': 'dicty', "
        "'params': {}}, which is not a FilterPreset"
    )
    with pytest.raises(ParameterError) as unknown:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, presets=["nope"]))
    assert str(unknown.value) == (
        f"presets: unknown preset 'nope'; choose one of: {BUILTIN}; plugin dict-plugin failed "
        "while registering its presets and was switched off, so its presets are missing "
        "(plugin dict-plugin registered {'name': 'dicty', 'params': {}}, which is not a "
        "FilterPreset); plugin weird-plugin failed while registering its presets and was "
        f"switched off, so its presets are missing (ionworks_register_presets raised "
        f"ArgumentTypeError: {WEIRD})"
    )
    assert unknown.value.choices == tuple(BUILTIN.split(", "))
    assert server.requests == []  # all before any request


def test_without_failed_plugins_unknown_preset_says_what_it_said(make_toolkit) -> None:
    toolkit = make_toolkit()
    with pytest.raises(ParameterError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, presets=["lfp"]))
    assert str(info.value) == (
        f"presets: unknown preset 'lfp'; did you mean lfp-cathode? (choose one of: {BUILTIN})"
    )


_WEIRD_PLUGIN = """
from ionworks_toolkit import FilterPreset, hookimpl

class Plugin:
    @hookimpl
    def ionworks_register_presets(self, register):
        register(FilterPreset("weird", "w", "name=x"))

plugin = Plugin()
"""


def test_the_cli_names_the_plugin_for_preset_and_presets_show(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(monkeypatch, tmp_path, "bad", _WEIRD_PLUGIN)
    failed = (
        "preset 'weird' is not available: plugin bad, which registers it, failed and was "
        f"switched off: ionworks_register_presets raised ArgumentTypeError: {WEIRD}"
    )
    warning = (
        "warning: plugin bad failed and was switched off: ionworks_register_presets raised "
        f"ArgumentTypeError: {WEIRD}\n"
    )
    listed = runner.invoke(
        main,
        ["--api-url", "http://127.0.0.1:9", "--api-key", "k", "measurements", "list",
         PROJECT_ID, "--preset", "weird"],
    )  # fmt: skip
    assert (listed.exit_code, listed.stderr) == (2, f"{warning}error: --preset: {failed}\n")
    shown = runner.invoke(main, ["presets", "show", "weird"])
    assert (shown.exit_code, shown.stderr) == (2, f"{warning}error: presets show: {failed}\n")
