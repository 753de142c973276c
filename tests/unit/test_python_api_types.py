"""Wrong types given to the Python API raise ArgumentTypeError naming the argument (filter
helpers, Toolkit's string options, plugins), a ``pathlib.Path`` is a sink target, and a
plugin given to ``Toolkit(plugins=[...])`` that fails registration warns (ToolkitWarning)."""

from __future__ import annotations

import json
import pathlib
import warnings
from typing import Any

import pytest
from ionworks_toolkit import Toolkit, hookimpl
from ionworks_toolkit.errors import ArgumentTypeError, ToolkitWarning
from ionworks_toolkit.filters import contains, ilike, like, starts_with

ATTIA = "Attia 2020 closed-loop fast-charging optimisation"


@pytest.mark.parametrize("helper", [contains, starts_with, ilike, like])
def test_filter_helpers_refuse_a_non_str(helper: Any) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        helper(5)
    assert str(caught.value) == f"{helper.__name__}(text) must be a str; got an int: 5"
    assert caught.value.parameter == f"{helper.__name__}(text)"


def test_filter_helpers_still_take_text() -> None:
    assert (contains("CH_1"), starts_with("2017"), ilike("%a%"), like("N%")) == (
        "ilike.%CH\\_1%",
        "ilike.2017%",
        "ilike.%a%",
        "like.N%",
    )


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("api_key", 123, "api_key must be a str or None; got an int"),
        ("api_token", b"tok", "api_token must be a str or None; got a bytes"),
        ("api_url", 8000, "api_url must be a str or None; got an int: 8000"),
        ("organization_id", 7, "organization_id must be a str or None; got an int: 7"),
        ("proxy", [b"http://u:pw-1234@proxy:3128"], "proxy must be a str or None; got a list"),
    ],
)
def test_toolkit_string_options_refuse_other_types(
    argument: str, value: Any, message: str, tmp_path: pathlib.Path
) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        Toolkit(**{argument: value}, load_entry_points=False, environ={}, working_dir=str(tmp_path))
    assert str(caught.value) == message
    assert caught.value.parameter == argument


def test_a_module_name_as_plugin_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        Toolkit(
            plugins=["acme_ionworks_plugin"],
            load_entry_points=False,
            environ={},
            working_dir=str(tmp_path),
        )
    assert str(caught.value) == (
        "plugins: a plugin is an object with ionworks_* hook implementations (a module, class "
        "or instance); got str 'acme_ionworks_plugin' (import the module and pass it, or "
        "install it as an entry point)"
    )


def test_a_plugin_without_hooks_warns(tmp_path: pathlib.Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        toolkit = Toolkit(
            plugins=[object()], load_entry_points=False, environ={}, working_dir=str(tmp_path)
        )
    messages = [str(w.message) for w in caught if w.category is ToolkitWarning]
    assert messages == [
        "plugin object: builtins.object has no hook implementation (methods or functions "
        "marked @ionworks_toolkit.hookimpl, named ionworks_*); it is never called"
    ]
    assert [(p.name, p.hooks) for p in toolkit.plugins.list_plugins()][-1] == ("object", ())
    toolkit.close()


class BadPresets:
    name = "acme"

    @hookimpl
    def ionworks_register_presets(self, register: Any) -> None:
        register("not a preset")


def test_a_registration_failure_of_a_given_plugin_warns(tmp_path: pathlib.Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        toolkit = Toolkit(
            plugins=[BadPresets()], load_entry_points=False, environ={}, working_dir=str(tmp_path)
        )
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            ToolkitWarning,
            "plugin acme failed and was switched off: plugin acme registered 'not a preset', "
            "which is not a FilterPreset",
        )
    ]
    assert toolkit.plugins.list_plugins()[-1].status == "failed"
    toolkit.close()


def test_a_path_is_a_sink_target(
    sandbox: Any, sandbox_toolkit: Any, tmp_path: pathlib.Path
) -> None:
    toolkit = sandbox_toolkit(sandbox)
    out = tmp_path / "p.jsonl"
    result = toolkit.export(ATTIA, [out], max_records=3)
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and result.records == 3
    assert json.loads(lines[0])["id"] == "45ddc26e-b834-53bc-8cec-9ded5eb87ae8"
