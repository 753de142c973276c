"""Installed entry points are read once per process and search-path state
(``plugins.installed_entry_points``): a second session does not open every distribution's
``entry_points.txt`` again, yet sees a plugin installed or removed in between, and loads (or
fails to load) each plugin itself.

Real distributions are written to a temporary folder on ``sys.path`` (a ``*.dist-info`` with
``METADATA`` and ``entry_points.txt``), as in test_core_plugins.py.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit.errors import ToolkitWarning
from ionworks_toolkit.plugins import PluginHost, PluginInfo, installed_entry_points

BUILTIN_NAMES = ["ionworks-auth", "ionworks-presets", "ionworks-sinks"]
PRESET_PLUGIN = """
from ionworks_toolkit import FilterPreset, hookimpl

@hookimpl
def ionworks_register_presets(register):
    register(FilterPreset("{name}-preset", "from {name}", {{"name": "ilike.%{name}%"}}))
"""


def install(site: Path, name: str, source: str) -> None:
    """A module ``cache_probe_NAME`` and its distribution ``cache-probe-NAME`` 1.0 with the
    entry point ``NAME`` in ``site``; the folder's modification time moved on a second, as an
    install moves it (made certain here: two writes may share one tick of the clock)."""
    module = f"cache_probe_{name}"
    (site / f"{module}.py").write_text(source.format(name=name), encoding="utf-8")
    info = site / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: cache-probe-{name}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[ionworks_toolkit]\n{name} = {module}\n", encoding="utf-8"
    )
    touch(site)


def touch(site: Path) -> None:
    later = os.stat(site).st_mtime_ns + 1_000_000_000
    os.utime(site, ns=(later, later))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield folder
    for name in list(sys.modules):
        if name.startswith("cache_probe_"):
            del sys.modules[name]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The groups ``importlib.metadata.entry_points`` is asked for from now on."""
    asked: list[str] = []
    real = metadata.entry_points

    def counting(**params: Any) -> Any:
        asked.append(params.get("group", ""))
        return real(**params)

    monkeypatch.setattr(metadata, "entry_points", counting)
    return asked


def names(host: PluginHost) -> list[str]:
    return [info.name for info in host.list_plugins()]


def test_a_second_session_does_not_read_the_installed_entry_points_again(
    site: Path, reads: list[str]
) -> None:
    install(site, "alpha", PRESET_PLUGIN)
    first, second = PluginHost(), PluginHost()
    assert reads == ["ionworks_toolkit"]
    assert names(first) == names(second) == [*BUILTIN_NAMES, "alpha"]
    alpha = PluginInfo("alpha", "cache-probe-alpha", "1.0", ("ionworks_register_presets",))
    assert first.list_plugins()[3] == second.list_plugins()[3] == alpha
    # Each session registers the plugin in its own plugin manager.
    assert first.manager is not second.manager
    assert first.manager.get_plugin("alpha") is sys.modules["cache_probe_alpha"]
    assert second.manager.get_plugin("alpha") is sys.modules["cache_probe_alpha"]


def test_a_plugin_installed_between_two_sessions_is_found_by_the_second(
    site: Path, reads: list[str]
) -> None:
    install(site, "alpha", PRESET_PLUGIN)
    assert names(PluginHost()) == [*BUILTIN_NAMES, "alpha"]
    install(site, "beta", PRESET_PLUGIN)
    assert names(PluginHost()) == [*BUILTIN_NAMES, "alpha", "beta"]
    assert reads == ["ionworks_toolkit", "ionworks_toolkit"]
    assert names(PluginHost()) == [*BUILTIN_NAMES, "alpha", "beta"]
    assert len(reads) == 2  # nothing changed since: not read again


def test_a_plugin_removed_between_two_sessions_is_gone_from_the_second(site: Path) -> None:
    install(site, "alpha", PRESET_PLUGIN)
    install(site, "beta", PRESET_PLUGIN)
    assert names(PluginHost()) == [*BUILTIN_NAMES, "alpha", "beta"]
    for path in sorted((site / "cache_probe_beta-1.0.dist-info").iterdir()):
        path.unlink()
    (site / "cache_probe_beta-1.0.dist-info").rmdir()
    touch(site)
    assert names(PluginHost()) == [*BUILTIN_NAMES, "alpha"]


def test_a_folder_added_to_sys_path_is_searched(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    assert names(PluginHost()) == BUILTIN_NAMES
    other = tmp_path / "other-site"
    other.mkdir()
    install(other, "gamma", PRESET_PLUGIN)
    assert names(PluginHost()) == BUILTIN_NAMES  # not on sys.path yet
    monkeypatch.syspath_prepend(str(other))
    assert names(PluginHost()) == [*BUILTIN_NAMES, "gamma"]
    assert reads == ["ionworks_toolkit"] * 2  # the folder's time moved while not searched


def test_a_broken_plugin_fails_in_every_session(site: Path, reads: list[str]) -> None:
    install(site, "broken", 'raise ImportError("cache_probe_broken needs libacme 2")\n')
    message = "plugin broken failed to load: ImportError: cache_probe_broken needs libacme 2"
    failed = PluginInfo(
        "broken",
        "cache-probe-broken",
        "1.0",
        status="failed",
        error="ImportError: cache_probe_broken needs libacme 2",
    )
    for _ in range(2):
        with pytest.warns(ToolkitWarning) as caught:
            host = PluginHost()
        assert [str(w.message) for w in caught] == [message]
        assert host.list_plugins()[3:] == [failed]
    assert reads == ["ionworks_toolkit"]


def test_a_blocked_plugin_is_blocked_per_session(site: Path, reads: list[str]) -> None:
    install(site, "alpha", PRESET_PLUGIN)
    blocked = PluginHost(disabled=["alpha"])
    assert blocked.list_plugins()[3:] == [
        PluginInfo("alpha", "cache-probe-alpha", "1.0", status="disabled")
    ]
    assert "cache_probe_alpha" not in sys.modules  # a disabled plugin is never imported
    assert PluginHost().list_plugins()[3].status == "loaded"
    assert reads == ["ionworks_toolkit"]


def test_the_answer_lists_each_name_once_per_distribution(site: Path) -> None:
    install(site, "alpha", PRESET_PLUGIN)
    ((name, providers),) = [
        item for item in installed_entry_points("ionworks_toolkit") if item[0] == "alpha"
    ]
    ((entry_point, dist, version),) = providers
    assert (name, entry_point.value, dist, version) == (
        "alpha",
        "cache_probe_alpha",
        "cache-probe-alpha",
        "1.0",
    )
