"""Hooks through pluggy's hook caller, name clashes, the generated-client adapter and the error
hierarchy (issue 11 items 3-5). The issue's small inputs are tests here with exact values.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import FilterPreset, PluginError, hookimpl
from ionworks_toolkit.cli import main
from ionworks_toolkit.plugins import PluginInfo

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"


def test_a_wrapper_on_the_request_hook_runs(make_toolkit, paged_server) -> None:
    # Issue 11: @hookimpl(wrapper=True) on ionworks_request silently never ran.
    calls: list[str] = []

    class Wrapper:
        name = "acme-wrapper"

        @hookimpl(wrapper=True)
        def ionworks_request(self, request: httpx.Request) -> Generator[None, None, None]:
            calls.append(f"before {request.url.params['offset']}")
            result = yield
            calls.append("after")
            return result

    class OldStyle:
        name = "acme-old"

        @hookimpl(hookwrapper=True)
        def ionworks_response(self, response: httpx.Response) -> Generator[None, Any, None]:
            outcome = yield
            outcome.get_result()
            calls.append(f"old-style {response.status_code}")

    toolkit = make_toolkit(paged_server(3), plugins=[Wrapper(), OldStyle()])
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 3
    assert calls == ["before 0", "after", "old-style 200"]


def test_tryfirst_and_trylast_order_the_observers(make_toolkit, paged_server) -> None:
    order: list[str] = []

    def plugin(name: str, **marks: bool) -> Any:
        class P:
            @hookimpl(**marks)
            def ionworks_request(self, request: httpx.Request) -> None:
                order.append(name)

        P.name = name  # type: ignore[attr-defined]
        return P()

    toolkit = make_toolkit(
        paged_server(1),
        plugins=[plugin("first", tryfirst=True), plugin("plain"), plugin("last", trylast=True)],
    )
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert order == ["first", "plain", "last"]


def test_a_wrapper_on_the_auth_hook_works(make_toolkit, paged_server) -> None:
    # Before: "hook returned generator".
    seen: list[str] = []

    class AuthWrapper:
        name = "acme-auth-wrapper"

        @hookimpl(wrapper=True)
        def ionworks_auth(self, settings: Any) -> Generator[None, Any, Any]:
            auth = yield
            seen.append(type(auth).__name__)
            return auth

    server = paged_server(2)
    toolkit = make_toolkit(server, plugins=[AuthWrapper()])
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 2
    assert seen == ["IonworksAuth"]
    assert server.requests[0].headers["X-API-Key"] == "test-key"


def test_a_raising_observer_wrapper_is_named(make_toolkit, paged_server) -> None:
    class Loud:
        name = "acme-loud"

        @hookimpl(wrapper=True)
        def ionworks_request(self, request: httpx.Request) -> Generator[None, None, None]:
            yield
            raise RuntimeError("after the others")

    toolkit = make_toolkit(paged_server(1), plugins=[Loud()])
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "plugin acme-loud's ionworks_request hook raised RuntimeError: after the others "
        "(switch it off with disable_plugins=['acme-loud'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme-loud)"
    )


def test_a_broken_registration_hook_switches_only_its_plugin_off(make_toolkit) -> None:
    class Broken:
        name = "acme-broken"

        @hookimpl(tryfirst=True)
        def ionworks_register_presets(self, register: Any) -> None:
            register(FilterPreset("acme-half", "registered before the bug", {}))
            raise KeyError("bug")

    class Fine:
        name = "acme-fine"

        @hookimpl
        def ionworks_register_presets(self, register: Any) -> None:
            register(FilterPreset("acme-fine", "fine", {"order": "asc"}))

    toolkit = make_toolkit(plugins=[Broken(), Fine()])
    names = [p.name for p in toolkit.presets]
    assert "acme-fine" in names and "acme-half" not in names and "lfp-cathode" in names
    (info,) = [p for p in toolkit.plugins.list_plugins() if p.name == "acme-broken"]
    assert (info.status, info.error) == (
        "failed",
        "ionworks_register_presets raised KeyError: 'bug'",
    )


def test_two_plugins_with_one_name_are_both_listed(make_toolkit) -> None:
    class One:
        name = "acme"

    class Other:
        name = "acme"

        @hookimpl
        def ionworks_register_presets(self, register: Any) -> None:
            register(FilterPreset("acme-other", "never registered", {}))

    with pytest.warns(UserWarning, match=r"^plugin name 'acme' is already taken by "):
        toolkit = make_toolkit(plugins=[One(), Other()])
    listed = [p for p in toolkit.plugins.list_plugins() if p.name == "acme"]
    assert [p.status for p in listed] == ["loaded", "conflict"]
    assert listed[1].error == (
        "plugin name 'acme' is already taken by test_core_hooks.One; test_core_hooks.Other "
        "was not registered (give it another name)"
    )
    assert "acme-other" not in [p.name for p in toolkit.presets]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for name in ("IONWORKS_API_KEY", "IONWORKS_API_TOKEN", "IONWORKS_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_a_config_preset_named_like_a_builtin_overrides_it(cli: CliRunner, tmp_path: Path):
    # Issue 11: [presets.lfp-cathode] in ionworks-toolkit.toml made every command exit 2.
    (tmp_path / "ionworks-toolkit.toml").write_text(
        '[presets.lfp-cathode]\ndescription = "ours"\nspec_cathode = "ilike.%LiFePO4%"\n'
    )
    sinks = cli.invoke(main, ["sinks", "list"])
    assert sinks.exit_code == 0, sinks.output
    assert re.search(r"^jsonl\s", sinks.output, re.MULTILINE)
    plugins = cli.invoke(main, ["plugins", "list"])
    assert plugins.exit_code == 0, plugins.output
    shown = cli.invoke(main, ["presets", "show", "lfp-cathode"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[:3] == [
        "lfp-cathode: ours",
        "operation: list_cell_measurements_by_project",
        f"from: config file {tmp_path / 'ionworks-toolkit.toml'} (overrides the built-in "
        "preset from plugin ionworks-presets)",
    ]


def test_plugins_list_shows_which_auth_plugin_wins(make_toolkit) -> None:
    class Acme:
        name = "acme-auth"

        @hookimpl
        def ionworks_auth(self, settings: Any) -> None:
            return None

    toolkit = make_toolkit(plugins=[Acme()])
    notes = {p.name: p.note for p in toolkit.plugins.list_plugins()}
    assert notes["acme-auth"] == "ionworks_auth: asked first (wins)"
    assert notes["ionworks-auth"] == "ionworks_auth: asked only when acme-auth returns None"
    assert PluginInfo("x", None, None).note is None


# ----------------------------------------------------------------------------- adapter


def test_the_generated_private_function_keeps_the_signature_we_call() -> None:
    """``operations.ListOperation.request_kwargs`` calls the generated ``_get_kwargs``; this
    pins that private function against the committed client (regeneration that changes it
    fails here, not in a user's export)."""
    from ionworks_client.api.cell_measurements import list_cell_measurements_by_project as seed
    from ionworks_client.api.projects import list_projects
    from ionworks_toolkit import operations

    for module in (seed, list_projects):
        private = inspect.signature(module._get_kwargs)
        public = inspect.signature(module.sync_detailed)
        assert [p for p in public.parameters if p != "client"] == list(private.parameters)
        assert all(
            p.kind is inspect.Parameter.KEYWORD_ONLY or name == "project_id"
            for name, p in private.parameters.items()
        )
    kwargs = operations.MEASUREMENTS_BY_PROJECT.request_kwargs(
        {"project_id": PROJECT_ID}, {"order_by": "name", "limit": 5, "offset": 10}
    )
    assert kwargs == {
        "method": "get",
        "url": f"/cell_measurements/by-project/{PROJECT_ID}",
        "params": {"order_by": "name", "order": "desc", "limit": 5, "offset": 10},
    }
    source = Path(operations.__file__).parent
    users = sorted(
        path.name
        for path in source.rglob("*.py")
        if "._get_kwargs(" in path.read_text() and path.name != "operations.py"
    )
    assert users == []  # the adapter is the only user of generated private functions


# ----------------------------------------------------------------------------- errors


def test_the_error_hierarchy_drawing_matches_the_classes() -> None:
    from ionworks_toolkit import errors

    doc = errors.__doc__ or ""
    drawing = doc[
        doc.index("    IonworksError") : doc.index("\n\n", doc.index("    IonworksError"))
    ]
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in drawing.splitlines():
        match = re.match(r"^(?P<indent>[ │├└─]*)(?P<name>[A-Za-z]+)", line)
        assert match, line
        depth = len(match.group("indent"))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[match.group("name")] = stack[-1][1]
        stack.append((depth, match.group("name")))
    classes = {
        name: obj
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and issubclass(obj, errors.IonworksError)
    }
    assert set(parents) | {"IonworksError"} == set(classes)
    assert sorted(classes) == sorted(n for n in errors.__all__ if n in classes)
    for name, parent in parents.items():
        # The drawn parent is the first base; any further base is a builtin one (ImportError).
        first, *others = classes[name].__bases__
        assert first is classes[parent], name
        assert [b for b in others if issubclass(b, errors.IonworksError)] == [], name


def test_every_public_exception_lives_in_errors() -> None:
    import ionworks_toolkit
    from ionworks_toolkit import errors

    for name in ionworks_toolkit.__all__:
        value = getattr(ionworks_toolkit, name)
        if inspect.isclass(value) and issubclass(value, BaseException):
            assert value.__module__ == errors.__name__, name
