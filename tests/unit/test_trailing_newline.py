"""Names and ids checked by a regular expression accept no trailing newline.

Python's ``$`` also matches just before a final ``\\n``, so ``^...$`` took ``"name\\n"`` for a
valid name (found by mutation testing of the SQLite sink's table names). Every such check
anchors with ``\\Z``; each case below failed with ``$``.
"""

from __future__ import annotations

from typing import Any

import pytest
from ionworks_toolkit import ConfigurationError, FilterPreset, hookimpl
from ionworks_toolkit.projects import is_project_id

PROJECT_UUID = "0b6f1f1e-9c2a-4d3b-8e4f-5a6b7c8d9e0f"


def test_a_project_id_with_a_trailing_newline_is_not_an_id() -> None:
    assert is_project_id(PROJECT_UUID) is True
    assert is_project_id(PROJECT_UUID + "\n") is False


def test_a_preset_name_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        FilterPreset("fast-charge\n", "", {})
    assert str(info.value) == (
        "preset name 'fast-charge\\n' must be lower-case letters, digits, '-', '_' or '.'"
    )


def test_a_sink_scheme_with_a_trailing_newline_is_refused(make_toolkit) -> None:
    class Newline:
        name = "acme-newline"

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("acme\n", lambda target, options: None)

    toolkit = make_toolkit(plugins=[Newline()])  # the plugin is switched off; the rest works
    assert "acme\n" not in toolkit.sink_factories
    assert [
        (i.status, i.error) for i in toolkit.plugins.list_plugins() if i.name == "acme-newline"
    ] == [
        (
            "failed",
            "plugin acme-newline registered sink scheme 'acme\\n': a scheme is 2 or more "
            "lower-case letters, digits, '+', '.', '-' or '_', starting with a letter",
        )
    ]
