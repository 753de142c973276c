"""FINDINGS10 K6: a sink scheme registered by a plugin that failed and was switched off was
only "unknown sink scheme 'junk' in 'junk:x'; allowed schemes: csv, ...", where a preset of
such a plugin says "preset 'weird' is not available: plugin acme, which registers it, failed
and was switched off: ..." (FINDINGS9 J4). A scheme the plugin registered, or tried to
(``register("junk", None)``, ``register("junk", "notcallable")``), is now "not available",
naming the plugin and its failure (a PluginError, as for presets); any other unknown scheme's
message ends naming each plugin that failed while registering its sinks (in the order
pluggy called them: the last given first)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ID
from ionworks_toolkit import ConfigurationError, PluginError, hookimpl
from ionworks_toolkit.cli import main
from test_breakit_fixes import install_plugin

SCHEMES = "csv, dataset, jsonl, parquet, postgres, postgresql, sqlite, table"


class _NoFactory:
    name = "acme"

    @hookimpl
    def ionworks_register_sinks(self, register: Any) -> None:
        register("junk", None)


class _GoodThenBad:
    """Registers one good scheme, then one with a str for a factory: both are dropped."""

    name = "bee"

    @hookimpl
    def ionworks_register_sinks(self, register: Any) -> None:
        register("fine", lambda target, options: None)
        register("junk2", "notcallable")


class _Raises:
    name = "raiser"

    @hookimpl
    def ionworks_register_sinks(self, register: Any) -> None:
        register("later", lambda target, options: None)
        raise RuntimeError("no licence")


ACME = "plugin acme registered sink 'junk' with a non-callable"
BEE = "plugin bee registered sink 'junk2' with a non-callable"
RAISER = "ionworks_register_sinks raised RuntimeError: no licence"


def _toolkit(make_toolkit: Any, server: Any, plugins: list[Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make_toolkit(server, plugins=plugins)


@pytest.mark.parametrize(
    ("plugin", "target", "message"),
    [
        (
            _NoFactory(),
            "junk:x",
            "sink scheme 'junk' in 'junk:x' is not available: plugin acme, which registers "
            f"it, failed and was switched off: {ACME}",
        ),
        (
            _GoodThenBad(),
            "junk2:x",
            "sink scheme 'junk2' in 'junk2:x' is not available: plugin bee, which registers "
            f"it, failed and was switched off: {BEE}",
        ),
        (  # registered before the failure, then dropped with its plugin
            _GoodThenBad(),
            "fine:x",
            "sink scheme 'fine' in 'fine:x' is not available: plugin bee, which registers "
            f"it, failed and was switched off: {BEE}",
        ),
        (
            _Raises(),
            "later:out.txt",
            "sink scheme 'later' in 'later:out.txt' is not available: plugin raiser, which "
            f"registers it, failed and was switched off: {RAISER}",
        ),
    ],
)
def test_a_scheme_of_a_failed_plugin_names_the_plugin(
    make_toolkit: Any, paged_server: Any, plugin: Any, target: str, message: str
) -> None:
    server = paged_server(3)
    toolkit = _toolkit(make_toolkit, server, [plugin])
    with pytest.raises(PluginError) as caught:
        toolkit.export(PROJECT_ID, [target])
    assert str(caught.value) == message
    assert server.requests == []


def test_the_plugin_is_warned_about_once(make_toolkit: Any, paged_server: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        toolkit = make_toolkit(paged_server(1), plugins=[_NoFactory()])
    assert [str(w.message) for w in caught] == [f"plugin acme failed and was switched off: {ACME}"]
    assert toolkit.plugins.failed_sinks == {"acme": (ACME, ("junk",))}


def test_another_unknown_scheme_names_the_failed_plugins(
    make_toolkit: Any, paged_server: Any
) -> None:
    server = paged_server(3)
    toolkit = _toolkit(make_toolkit, server, [_NoFactory(), _GoodThenBad()])
    with pytest.raises(ConfigurationError) as caught:
        toolkit.export(PROJECT_ID, ["nope:x"])
    assert not isinstance(caught.value, PluginError)
    assert str(caught.value) == (
        f"unknown sink scheme 'nope' in 'nope:x'; allowed schemes: {SCHEMES}; plugin bee "
        "failed while registering its sinks and was switched off, so its sinks are missing "
        f"({BEE}); plugin acme failed while registering its sinks and was switched off, so "
        f"its sinks are missing ({ACME})"
    )
    assert server.requests == []


def test_without_failed_plugins_an_unknown_scheme_says_what_it_said(
    make_toolkit: Any, paged_server: Any
) -> None:
    server = paged_server(3)
    with pytest.raises(ConfigurationError) as caught:
        make_toolkit(server).export(PROJECT_ID, ["junk:x"])
    assert (
        str(caught.value) == f"unknown sink scheme 'junk' in 'junk:x'; allowed schemes: {SCHEMES}"
    )


async def test_async_toolkit_names_the_plugin(make_async_toolkit: Any, paged_server: Any) -> None:
    server = paged_server(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        toolkit = make_async_toolkit(server, plugins=[_NoFactory()])
    async with toolkit:
        with pytest.raises(PluginError) as caught:
            await toolkit.export(PROJECT_ID, ["junk:x"])
    assert str(caught.value) == (
        "sink scheme 'junk' in 'junk:x' is not available: plugin acme, which registers it, "
        f"failed and was switched off: {ACME}"
    )
    assert server.requests == []


_JUNK_PLUGIN = """
from ionworks_toolkit import hookimpl

class Plugin:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("junk", "notcallable")

plugin = Plugin()
"""


def test_the_cli_names_the_plugin(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(monkeypatch, tmp_path, "acme", _JUNK_PLUGIN)
    error = "plugin acme registered sink 'junk' with a non-callable"
    result = runner.invoke(
        main,
        ["--api-url", "http://127.0.0.1:9", "--api-key", "k", "measurements", "list",
         PROJECT_ID, "--all", "--sink", "junk:x"],
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (
        2,
        f"warning: plugin acme failed and was switched off: {error}\n"
        "error: sink scheme 'junk' in 'junk:x' is not available: plugin acme, which registers "
        f"it, failed and was switched off: {error}\n",
    )
    assert not (tmp_path / "x").exists()
