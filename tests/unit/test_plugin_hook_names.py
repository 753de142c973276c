"""A misspelt hook name (newcomer pass): the warning names the plugin by its registered name
(not a module repr) and the closest hookspec name, and ``plugins list`` shows the plugin as
``unknown hook`` (its other hooks still run)."""

from __future__ import annotations

import importlib
import json
import logging
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ionworks_toolkit import ToolkitWarning, hookimpl
from ionworks_toolkit.cli import main
from ionworks_toolkit.plugins import PluginHost

HOOKS = (
    "hooks: ionworks_auth, ionworks_register_presets, ionworks_register_sinks, "
    "ionworks_request, ionworks_response"
)
TYPO_MESSAGE = (
    "plugin typo: unknown hook 'ionworks_reqest' (did you mean ionworks_request?); it is "
    f"never called ({HOOKS})"
)


@pytest.fixture
def typo_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed distribution ``typo-plugin`` whose module (entry point ``typo``) spells
    ``ionworks_request`` as ``ionworks_reqest`` and registers one sink correctly."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "typo_plugin.py").write_text(
        textwrap.dedent(
            """
            from ionworks_toolkit import hookimpl

            @hookimpl
            def ionworks_reqest(request):
                pass

            @hookimpl
            def ionworks_register_sinks(register):
                register("typo", lambda target, options: None)
            """
        )
    )
    info = site / "typo_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: typo-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[ionworks_toolkit]\ntypo = typo_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield site
    sys.modules.pop("typo_plugin", None)


def test_a_module_plugins_misspelt_hook_is_named_by_plugin_with_a_suggestion(
    typo_site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.warns(ToolkitWarning) as caught:
        host = PluginHost(load_entry_points=True)
    assert [str(w.message) for w in caught] == [TYPO_MESSAGE]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []
    (typo,) = [info for info in host.list_plugins() if info.name == "typo"]
    assert (typo.status, typo.error) == ("unknown hook", TYPO_MESSAGE)
    assert typo.hooks == ("ionworks_register_sinks", "ionworks_reqest")
    builtins = [info.status for info in host.list_plugins() if info.distribution == "builtin"]
    assert builtins == ["loaded", "loaded", "loaded"]


def test_plugins_list_shows_the_unknown_hook_state(typo_site: Path, runner: CliRunner) -> None:
    listed = runner.invoke(main, ["plugins", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    (typo,) = [p for p in json.loads(listed.stdout) if p["name"] == "typo"]
    assert (typo["status"], typo["error"], typo["sinks"]) == (
        "unknown hook",
        TYPO_MESSAGE,
        ["typo"],
    )
    table = runner.invoke(main, ["plugins", "list"])
    assert table.exit_code == 0, table.output
    assert "unknown hook: plugin typo: unknown hook 'ionworks_reqest'" in " ".join(
        table.stdout.split()
    )


class TwoTypos:
    name = "acme"

    @hookimpl
    def ionworks_register_sink(self, register: Any) -> None:  # sinks, not sink
        pass

    @hookimpl
    def shutdown(self) -> None:  # close to no hook name
        pass

    @hookimpl(optionalhook=True)
    def ionworks_later(self) -> None:  # optional: a hook of a future version, not a typo
        pass


def test_every_unknown_hook_of_a_plugin_is_in_one_warning() -> None:
    with pytest.warns(ToolkitWarning) as caught:
        host = PluginHost(load_entry_points=False, plugins=[TwoTypos()])
    message = (
        "plugin acme: unknown hook 'ionworks_register_sink' (did you mean "
        f"ionworks_register_sinks?), 'shutdown'; it is never called ({HOOKS})"
    )
    assert [str(w.message) for w in caught] == [message]
    (acme,) = [info for info in host.list_plugins() if info.name == "acme"]
    assert (acme.status, acme.error) == ("unknown hook", message)


def test_a_plugin_with_known_hooks_only_warns_of_nothing(recwarn: pytest.WarningsRecorder) -> None:
    class Fine:
        name = "fine"

        @hookimpl
        def ionworks_request(self, request: Any) -> None:
            pass

    host = PluginHost(load_entry_points=False, plugins=[Fine()])
    assert [str(w.message) for w in recwarn] == []
    assert [info.status for info in host.list_plugins()] == ["loaded"] * 4
