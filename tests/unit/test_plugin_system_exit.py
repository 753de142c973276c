"""A plugin's ``sys.exit()`` is that plugin's failure, in every hook (FINDINGS9 J2).

``sys.exit(0)`` in an ``ionworks_request`` or ``ionworks_response`` hook ended the command
line with exit code 0, silently, nothing written (a cron job saw success); from Python the
SystemExit escaped the toolkit raw. FINDINGS8 H7 fixed that kind for sink code only. Now any
BaseException from a plugin's code that is not a Ctrl-C/SIGTERM (KeyboardInterrupt) nor a
cancellation fails as an Exception there does: a PluginError naming the plugin and the hook
(request, response, auth hooks and the auth flow: exit 2, outputs rolled back, the previous
output kept), the plugin switched off with a warning (registration hooks, the plugin's
import), never a silent exit.
"""

from __future__ import annotations

import asyncio
import os
import sys
import warnings
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import FilterPreset, PluginError, ToolkitWarning, hookimpl
from ionworks_toolkit.cli import main
from ionworks_toolkit.plugins import INTERRUPTED_HOOK, PluginHost
from test_breakit_fixes import NASA, install_plugin

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
ADVICE = "switch it off with disable_plugins=['acme'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme"
NO_EXIT = "a plugin's code may not end the program; it fails by raising an Exception"


def _exits_on(hook: str, exit_with: BaseException, on_call: int = 1) -> object:
    """Plugin ``acme`` whose ``hook`` raises ``exit_with`` on its ``on_call``-th call."""
    calls: list[int] = []

    def maybe_exit() -> None:
        calls.append(1)
        if len(calls) == on_call:
            raise exit_with

    class Acme:
        name = "acme"

        if hook == "ionworks_request":

            @hookimpl
            def ionworks_request(self, request: httpx.Request) -> None:
                maybe_exit()

        else:

            @hookimpl
            def ionworks_response(self, response: httpx.Response) -> None:
                maybe_exit()

    return Acme()


HOOK_CASES = [
    ("ionworks_request", SystemExit(0), "SystemExit: 0"),
    ("ionworks_response", SystemExit(0), "SystemExit: 0"),
    ("ionworks_request", SystemExit("plugin says bye"), "SystemExit: plugin says bye"),
    ("ionworks_response", SystemExit(), "SystemExit"),
    ("ionworks_request", GeneratorExit(), "GeneratorExit"),
]
HOOK_IDS = ["request-0", "response-0", "request-text", "response-bare", "generator-exit"]


@pytest.mark.parametrize(("hook", "exit_with", "raised"), HOOK_CASES, ids=HOOK_IDS)
def test_a_hooks_system_exit_fails_the_export_and_keeps_the_previous_output(
    make_toolkit, paged_server, tmp_path: Path, hook: str, exit_with: BaseException, raised: str
) -> None:
    previous = tmp_path / "out.jsonl"
    previous.write_text("previous\n")
    server = paged_server(30)
    # The second page's request (or response) exits: the first page is in the part file.
    toolkit = make_toolkit(server, plugins=[_exits_on(hook, exit_with, on_call=2)])
    with pytest.raises(PluginError) as info:
        toolkit.export(PROJECT_ID, [str(previous)], page_size=10)
    assert str(info.value) == f"plugin acme's {hook} hook raised {raised} ({NO_EXIT}; {ADVICE})"
    assert info.value.__cause__ is exit_with
    assert server.offsets == ([0, 10] if hook == "ionworks_response" else [0])
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]
    assert previous.read_text() == "previous\n"


@pytest.mark.parametrize(("hook", "exit_with", "raised"), HOOK_CASES, ids=HOOK_IDS)
async def test_the_async_toolkit_fails_the_same(
    make_async_toolkit,
    paged_server,
    tmp_path: Path,
    hook: str,
    exit_with: BaseException,
    raised: str,
) -> None:
    previous = tmp_path / "out.jsonl"
    previous.write_text("previous\n")
    toolkit = make_async_toolkit(paged_server(30), plugins=[_exits_on(hook, exit_with, on_call=2)])
    try:
        with pytest.raises(PluginError) as info:
            await toolkit.export(PROJECT_ID, [str(previous)], page_size=10, prefetch=1)
    finally:
        await toolkit.aclose()
    assert str(info.value) == f"plugin acme's {hook} hook raised {raised} ({NO_EXIT}; {ADVICE})"
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]
    assert previous.read_text() == "previous\n"


def test_an_iterator_gets_the_plugin_error_not_a_raw_system_exit(make_toolkit) -> None:
    toolkit = make_toolkit(plugins=[_exits_on("ionworks_request", SystemExit(0))])
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"plugin acme's ionworks_request hook raised SystemExit: 0 ({NO_EXIT}; {ADVICE})"
    )


def test_ctrl_c_and_cancellation_from_a_hook_still_stop_the_run_as_they_are(
    make_toolkit,
) -> None:
    toolkit = make_toolkit(plugins=[_exits_on("ionworks_response", KeyboardInterrupt())])
    with pytest.raises(KeyboardInterrupt) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert getattr(info.value, INTERRUPTED_HOOK) == "plugin 'acme' ran ionworks_response"
    cancelled = make_toolkit(plugins=[_exits_on("ionworks_request", asyncio.CancelledError())])
    with pytest.raises(asyncio.CancelledError):
        list(cancelled.iter_measurements_by_project(PROJECT_ID))


class _AuthExits:
    name = "acme"

    @hookimpl
    def ionworks_auth(self, settings: Any) -> httpx.Auth:
        sys.exit(0)


class _FlowExits(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sys.exit(3)
        yield request


class _GivesExitingFlow:
    name = "acme"

    @hookimpl
    def ionworks_auth(self, settings: Any) -> httpx.Auth:
        return _FlowExits()


def test_an_auth_hook_or_auth_flow_that_exits_is_a_plugin_error(make_toolkit) -> None:
    toolkit = make_toolkit(plugins=[_AuthExits()])
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"plugin acme's ionworks_auth hook raised SystemExit: 0 ({NO_EXIT}; {ADVICE})"
    )
    flow = make_toolkit(plugins=[_GivesExitingFlow()])
    with pytest.raises(PluginError) as info:
        list(flow.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == f"plugin acme's auth flow raised SystemExit: 3; {NO_EXIT} ({ADVICE})"


class _PresetsExit:
    name = "acme"

    @hookimpl
    def ionworks_register_presets(self, register: Any) -> None:
        register(FilterPreset("acme-cells", "Acme's cells.", {"name": "acme"}))
        sys.exit(0)


class _SinksExit:
    name = "beta"

    @hookimpl
    def ionworks_register_sinks(self, register: Any) -> None:
        sys.exit()


def test_a_registration_hook_that_exits_switches_its_plugin_off_and_the_rest_works(
    make_toolkit, paged_server, tmp_path: Path
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        toolkit = make_toolkit(paged_server(3), plugins=[_PresetsExit(), _SinksExit()])
    assert [str(w.message) for w in caught if w.category is ToolkitWarning] == [
        "plugin acme failed and was switched off: ionworks_register_presets raised "
        f"SystemExit: 0 ({NO_EXIT})",
        f"plugin beta failed and was switched off: ionworks_register_sinks raised SystemExit "
        f"({NO_EXIT})",
    ]
    statuses = {i.name: (i.status, i.error) for i in toolkit.plugins.list_plugins()}
    assert statuses["acme"] == (
        "failed",
        f"ionworks_register_presets raised SystemExit: 0 ({NO_EXIT})",
    )
    assert statuses["beta"] == ("failed", f"ionworks_register_sinks raised SystemExit ({NO_EXIT})")
    result = toolkit.export(PROJECT_ID, [str(tmp_path / "m.csv")])  # the built-ins still work
    assert result.records == 3


def test_an_entry_point_that_exits_while_imported_fails_to_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(monkeypatch, tmp_path, "bad", "import sys\nsys.exit(0)\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        host = PluginHost()
    assert [str(w.message) for w in caught if w.category is ToolkitWarning] == [
        f"plugin bad failed to load: SystemExit: 0 ({NO_EXIT})"
    ]
    bad = next(info for info in host.list_plugins() if info.name == "bad")
    assert (bad.status, bad.error) == ("failed", f"SystemExit: 0 ({NO_EXIT})")


_BADPLUG = """
import os, sys
from ionworks_toolkit import hookimpl

MODE = os.environ["BADPLUG_MODE"]

class Plugin:
    @hookimpl
    def ionworks_request(self, request):
        if MODE == "req_exit":
            sys.exit(0)
        if MODE == "req_exit_str":
            sys.exit("plugin says bye")

    @hookimpl
    def ionworks_response(self, response):
        if MODE == "resp_exit":
            sys.exit(0)

plugin = Plugin()
"""


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("mode", "hook", "raised"),
    [
        ("req_exit", "ionworks_request", "SystemExit: 0"),
        ("resp_exit", "ionworks_response", "SystemExit: 0"),
        ("req_exit_str", "ionworks_request", "SystemExit: plugin says bye"),
    ],
)
def test_the_cli_exits_2_naming_the_plugin_and_keeps_the_previous_output(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    mode: str,
    hook: str,
    raised: str,
) -> None:
    """FINDINGS9 J2's reproduction: exit 0 (1 for a text), silent, nothing written."""
    install_plugin(monkeypatch, tmp_path, "bad", _BADPLUG)
    monkeypatch.setenv("BADPLUG_MODE", mode)
    Path("o.jsonl").write_text("previous\n")
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", NASA, "--all", "--sink", "o.jsonl"]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: plugin bad's {hook} hook raised {raised} ({NO_EXIT}; switch it off with "
        "--disable-plugin bad)\n",
    )
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["breakit_plugin_bad.py", "o.jsonl"]
    assert Path("o.jsonl").read_text() == "previous\n"
