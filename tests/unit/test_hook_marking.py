"""A request or response hook no plugin implements is no "plugin hook running" (found by
round eleven's flaky-test audit: ``test_a_signal_mid_walk_cleans_up_and_says_so`` failed 1
run in 24 under load with ``terminated while plugin '' ran ionworks_request``).

The CLI's SIGINT/SIGTERM handler raises KeyboardInterrupt at once while a plugin's hook runs
(``plugins.hook_running``), and the interrupt then names the plugin. Every request marked
the call, also with no plugin implementing the hook, so a signal landing there was blamed on
``plugin ''``. Each test records ``hook_running()`` inside pluggy's call: no timing involved.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from ionworks_toolkit import hookimpl
from ionworks_toolkit.plugins import PluginHost, hook_running


def _marks_seen(host: PluginHost, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """``hook_running()`` as seen inside each pluggy call of ``ionworks_request``."""
    seen: list[bool] = []
    caller = host.manager.hook.ionworks_request
    real = type(caller).__call__

    def noted(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(hook_running())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(caller), "__call__", noted)
    return seen


def test_a_hook_no_plugin_implements_is_not_marked_as_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = PluginHost(load_entry_points=False)
    seen = _marks_seen(host, monkeypatch)
    host.request(httpx.Request("GET", "https://api.example.com/projects"))
    assert (seen, hook_running()) == ([False], False)


def test_a_hook_a_plugin_implements_is_marked_while_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Tags:
        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            request.headers["X-Lab"] = "cells"

    host = PluginHost(load_entry_points=False, plugins=[Tags()])
    seen = _marks_seen(host, monkeypatch)
    request = httpx.Request("GET", "https://api.example.com/projects")
    host.request(request)
    assert (seen, hook_running(), request.headers["X-Lab"]) == ([True], False, "cells")
