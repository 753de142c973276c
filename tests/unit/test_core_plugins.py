"""The plugin contract (ARCHITECTURE.md section 4): explicit plugins, entry points, disabling,
listing.

A third-party plugin adds an auth provider, a preset and a sink; built-ins are plugins too.
Entry points are tested with real distributions written to a temporary folder on ``sys.path``
(a ``*.dist-info`` with ``METADATA`` and ``entry_points.txt``), one of which fails to import.
"""

from __future__ import annotations

import importlib
import logging
import shutil
import sys
import textwrap
import traceback
import uuid
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
import httpx
import pluggy
import pytest
from ionworks_toolkit import (
    BaseSink,
    FilterPreset,
    PluginError,
    RegistrationConflictError,
    Toolkit,
    hookimpl,
)
from ionworks_toolkit.errors import ToolkitWarning
from ionworks_toolkit.plugins import PluginHost, PluginInfo
from ionworks_toolkit.presets import PresetRegistry

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))

BUILTINS = [
    PluginInfo("ionworks-auth", "builtin", None, ("ionworks_auth",), "loaded", None),
    PluginInfo("ionworks-presets", "builtin", None, ("ionworks_register_presets",), "loaded"),
    PluginInfo("ionworks-sinks", "builtin", None, ("ionworks_register_sinks",), "loaded"),
]


# ----------------------------------------------------------------------------- a full plugin


class HeaderAuth(httpx.Auth):
    """A partner's own auth scheme."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __repr__(self) -> str:
        return "HeaderAuth()"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Acme-Signature"] = f"signed:{self.secret}"
        yield request


class MemorySink(BaseSink):
    instances: ClassVar[list[MemorySink]] = []

    def __init__(self, target: str, options: dict[str, str]) -> None:
        super().__init__(f"memory:{target}")
        self.target = target
        self.options = options
        self.records: list[Mapping[str, Any]] = []
        self.published: list[Mapping[str, Any]] = []
        MemorySink.instances.append(self)

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.records.extend(records)

    def _commit(self) -> None:
        self.published = list(self.records)

    def _abort(self) -> None:
        self.records = []


class AcmePlugin:
    """Auth provider, a preset and a sink, in one third-party plugin."""

    name = "acme"

    @hookimpl
    def ionworks_auth(self, settings: Any) -> httpx.Auth | None:
        return HeaderAuth(settings.api_key.reveal()) if settings.api_key else None

    @hookimpl
    def ionworks_register_presets(self, register: Callable[[FilterPreset], None]) -> None:
        register(
            FilterPreset(
                "acme-arbin",
                "Arbin cyclers, by name.",
                {"name": "ilike.%CH%", "order_by": "name", "order": "asc"},
            )
        )

    @hookimpl
    def ionworks_register_sinks(self, register: Callable[[str, Any], None]) -> None:
        register("memory", MemorySink)


def test_a_third_party_plugin_adds_auth_preset_and_sink(make_toolkit, paged_server) -> None:
    MemorySink.instances.clear()
    server = paged_server(7)
    toolkit = make_toolkit(server, api_key="acme-secret", plugins=[AcmePlugin()])

    assert toolkit.resolve_filters(["acme-arbin"]) == {
        "name": "ilike.%CH%",
        "order_by": "name",
        "order": "asc",
    }
    assert toolkit.presets.owner("acme-arbin") == "plugin acme"
    assert toolkit.sink_factories["memory"] == (MemorySink, "plugin acme")

    result = toolkit.export(PROJECT_ID, ["memory:bucket?tier=hot"], presets=["acme-arbin"])
    (sink,) = MemorySink.instances
    assert (sink.target, sink.options) == ("bucket", {"tier": "hot"})
    assert [r["id"] for r in sink.published] == [f"m-{i}" for i in range(7)]
    assert result.sinks == ("wrote 7 records to memory:bucket",)

    (request,) = server.requests
    # The plugin's auth wins over the built-in one (registered later, called first).
    assert request.headers["X-Acme-Signature"] == "signed:acme-secret"
    assert "X-API-Key" not in request.headers
    assert dict(request.url.params) == {
        "limit": "1000",
        "offset": "0",
        "name": "ilike.%CH%",
        "order_by": "name",
        "order": "asc",
    }
    # Which auth plugin wins is listed (issue 11: an auth plugin shadowing another).
    assert toolkit.plugins.list_plugins() == [
        attrs.evolve(BUILTINS[0], note="ionworks_auth: asked only when acme returns None"),
        *BUILTINS[1:],
        PluginInfo(
            "acme",
            None,
            None,
            ("ionworks_auth", "ionworks_register_presets", "ionworks_register_sinks"),
            note="ionworks_auth: asked first (wins)",
        ),
    ]


def test_an_auth_plugin_passing_falls_back_to_the_builtin(make_toolkit, paged_server) -> None:
    server = paged_server(1)
    toolkit = make_toolkit(server, api_key=None, api_token="tok", plugins=[AcmePlugin()])
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert server.requests[0].headers["Authorization"] == "Bearer tok"
    assert "X-Acme-Signature" not in server.requests[0].headers


def test_a_plugin_built_with_its_own_marker(make_toolkit) -> None:
    marker = pluggy.HookimplMarker("ionworks_toolkit")

    class Vendored:
        @marker
        def ionworks_register_presets(self, register: Callable[[FilterPreset], None]) -> None:
            register(FilterPreset("vendored", "", {"measurement_type": "file"}))

    toolkit = make_toolkit(plugins=[Vendored])  # a class is instantiated
    assert toolkit.resolve_filters(["vendored"]) == {"measurement_type": "file"}
    assert toolkit.plugins.list_plugins()[-1] == PluginInfo(
        "Vendored", None, None, ("ionworks_register_presets",)
    )


# ----------------------------------------------------------------------------- contract errors


def test_a_preset_name_registered_twice_is_switched_off_with_a_warning(make_toolkit) -> None:
    class Shadow:
        name = "acme-shadow"

        @hookimpl
        def ionworks_register_presets(self, register: Callable[[FilterPreset], None]) -> None:
            register(FilterPreset("lfp-cathode", "mine", {"spec_cathode": "LFP"}))
            register(FilterPreset("acme-own", "mine", {"spec_cathode": "NMC"}))

    message = (
        "preset 'lfp-cathode' is registered twice: by plugin acme-shadow and by plugin "
        "ionworks-presets; it is switched off (rename one, or disable a plugin with "
        "disable_plugins=['NAME'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=NAME)"
    )
    with pytest.warns(UserWarning) as warned:
        toolkit = make_toolkit(plugins=[Shadow()])
    assert [str(w.message) for w in warned] == [message]
    # Only that one preset is off: the plugin's other preset and the other built-ins work.
    assert toolkit.resolve_filters(["acme-own"]) == {"spec_cathode": "NMC"}
    assert toolkit.resolve_filters(["cycling-oldest-first"]) == {
        "measurement_type": "time_series",
        "order_by": "start_time",
        "order": "asc",
    }
    assert "lfp-cathode" not in [p.name for p in toolkit.presets]
    with pytest.raises(RegistrationConflictError) as info:
        toolkit.resolve_filters(["lfp-cathode"])
    assert str(info.value) == message


def test_a_preset_name_registered_twice_by_third_parties(make_toolkit) -> None:
    def plugin(name: str) -> Any:
        class P:
            @hookimpl
            def ionworks_register_presets(self, register: Any) -> None:
                register(FilterPreset("shared", name, {}))

        P.name = name  # type: ignore[attr-defined]
        return P()

    with pytest.warns(UserWarning, match=r"^preset 'shared' is registered twice: by plugin "):
        toolkit = make_toolkit(plugins=[plugin("first"), plugin("second")])
    # In pluggy's call order: the latest registered first.
    assert toolkit.presets.conflicts() == {"shared": ("plugin second", "plugin first")}


def test_a_sink_scheme_registered_by_two_plugins_is_switched_off_with_a_warning(
    make_toolkit, tmp_path
) -> None:
    class Lims:
        name = "acme-lims"

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("lims", MemorySink)

    class OtherLims(Lims):
        name = "beta-lims"

    message = (
        "sink scheme 'lims' is registered twice: by plugin beta-lims and by plugin acme-lims; "
        "it is switched off (disable one of them with disable_plugins=['NAME'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=NAME)"
    )
    with pytest.warns(UserWarning) as warned:
        toolkit = make_toolkit(plugins=[Lims(), OtherLims()])
    assert [str(w.message) for w in warned] == [message]
    with pytest.raises(RegistrationConflictError) as info:
        toolkit.export(PROJECT_ID, [f"lims:{tmp_path / 'x'}"])
    assert str(info.value) == message
    assert toolkit.sink_factories["lims"][1] == "conflict: plugin beta-lims, plugin acme-lims"


def test_a_plugin_registering_a_built_in_sink_name_is_refused_and_the_built_in_kept(
    make_toolkit,
) -> None:
    # FINDINGS7 G26: a plugin registering jsonl switched the built-in (the CLI's default
    # output when piped) off for everyone. Built-in names win; the plugin's own sink stays.
    class Shadow:
        name = "acme-shadow"

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("jsonl", MemorySink)
            register("acme", MemorySink)
            register("csv", MemorySink)
            register("jsonl", MemorySink)

    with pytest.warns(UserWarning) as warned:
        toolkit = make_toolkit(plugins=[Shadow()])
    assert [str(w.message) for w in warned] == [
        "plugin acme-shadow registered sinks 'jsonl', 'csv' under built-in sink names: not "
        "registered (built-in names win); give them another name"
    ]
    owners = {scheme: owner for scheme, (_factory, owner) in toolkit.sink_factories.items()}
    assert (owners["jsonl"], owners["csv"], owners["acme"]) == (
        "plugin ionworks-sinks",
        "plugin ionworks-sinks",
        "plugin acme-shadow",
    )
    infos = {info.name: info for info in toolkit.plugins.list_plugins()}
    assert (infos["acme-shadow"].status, infos["acme-shadow"].note) == (
        "loaded",
        "sinks 'jsonl', 'csv' not registered: built-in names win",
    )
    assert infos["ionworks-sinks"].note is None
    # `plugins list --json` names the refused schemes in the plugin's entry
    from ionworks_toolkit.cli import _plugins_as_json

    (entry,) = [e for e in _plugins_as_json(toolkit) if e["name"] == "acme-shadow"]
    assert (entry["status"], entry["sinks"], entry["note"]) == (
        "loaded",
        ["acme"],
        "sinks 'jsonl', 'csv' not registered: built-in names win",
    )


def test_one_refused_built_in_name_is_worded_in_the_singular(make_toolkit) -> None:
    class Shadow:
        name = "acme-one"

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("sqlite", MemorySink)

    with pytest.warns(UserWarning) as warned:
        toolkit = make_toolkit(plugins=[Shadow()])
    assert [str(w.message) for w in warned] == [
        "plugin acme-one registered sink 'sqlite' under a built-in sink name: not registered "
        "(built-in names win); give it another name"
    ]
    note = {info.name: info.note for info in toolkit.plugins.list_plugins()}["acme-one"]
    assert note == "sink 'sqlite' not registered: built-in names win"


def test_a_refused_sink_is_noted_beside_the_auth_note(make_toolkit) -> None:
    class AuthAndSink:
        name = "acme-both"

        @hookimpl
        def ionworks_auth(self, settings: Any) -> None:
            return None

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("table", MemorySink)

    with pytest.warns(UserWarning):
        toolkit = make_toolkit(plugins=[AuthAndSink()])
    notes = {info.name: info.note for info in toolkit.plugins.list_plugins()}
    assert notes["acme-both"] == (
        "ionworks_auth: asked first (wins); sink 'table' not registered: built-in names win"
    )


def test_without_the_built_in_sinks_a_plugin_may_take_their_names(make_toolkit) -> None:
    class Jsonl:
        name = "acme-jsonl"

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("jsonl", MemorySink)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        toolkit = make_toolkit(plugins=[Jsonl()], disable_plugins=["ionworks-sinks"])
    assert {s: o for s, (_f, o) in toolkit.sink_factories.items()} == {"jsonl": "plugin acme-jsonl"}


def test_a_non_callable_sink_factory_is_refused(make_toolkit) -> None:
    class Bad:
        name = "acme-bad"

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("bad", "not a factory")

    toolkit = make_toolkit(plugins=[Bad()])  # the plugin is switched off; the rest works
    assert "bad" not in toolkit.sink_factories
    assert [
        (i.status, i.error) for i in toolkit.plugins.list_plugins() if i.name == "acme-bad"
    ] == [("failed", "plugin acme-bad registered sink 'bad' with a non-callable")]


def test_registering_something_else_than_a_preset_is_refused(make_toolkit) -> None:
    class Bad:
        name = "acme-dict"

        @hookimpl
        def ionworks_register_presets(self, register: Any) -> None:
            register({"name": "x"})

    toolkit = make_toolkit(plugins=[Bad()])
    assert [
        (i.status, i.error) for i in toolkit.plugins.list_plugins() if i.name == "acme-dict"
    ] == [("failed", "plugin acme-dict registered {'name': 'x'}, which is not a FilterPreset")]


def test_a_hookimpl_with_unknown_arguments_is_refused(make_toolkit) -> None:
    class Bad:
        name = "acme-args"

        @hookimpl
        def ionworks_auth(self, settings: Any, region: str) -> None:
            return None

    with pytest.raises(PluginError) as info:
        make_toolkit(plugins=[Bad()])
    assert str(info.value).startswith(
        "plugin acme-args does not follow the plugin contract: Plugin 'acme-args' for hook "
        "'ionworks_auth'"
    )
    assert "{'region'}" in str(info.value)


def test_a_preset_with_a_bad_parameter_fails_at_registration(make_toolkit) -> None:
    class Bad:
        @hookimpl
        def ionworks_register_presets(self, register: Any) -> None:
            register(FilterPreset("typo", "", {"spec_cathod": "LFP"}))

    toolkit = make_toolkit(plugins=[Bad()])
    assert "typo" not in [p.name for p in toolkit.presets]
    assert [(i.status, i.error) for i in toolkit.plugins.list_plugins() if i.name == "Bad"] == [
        (
            "failed",
            "ionworks_register_presets raised ParameterError: preset typo: 'spec_cathod' is not "
            "a parameter of list_cell_measurements_by_project; did you mean spec_cathode or "
            "spec_anode or spec_id? (choices: measurement_type, name, created_by_email, "
            "start_time, start_time_gt, start_time_lt, created_at, created_at_gt, "
            "created_at_lt, updated_at, updated_at_gt, updated_at_lt, spec_name, "
            "instance_name, spec_id, cell_instance_id, spec_anode, spec_cathode, order_by, "
            "order)",
        )
    ]


# ----------------------------------------------------------------------------- disabling


def test_disable_through_the_environment(make_toolkit) -> None:
    toolkit = make_toolkit(environ={"IONWORKS_TOOLKIT_DISABLE_PLUGINS": "ionworks-presets"})
    assert len(toolkit.presets) == 0
    assert toolkit.plugins.list_plugins() == [
        BUILTINS[0],
        PluginInfo("ionworks-presets", "builtin", None, (), "disabled"),
        BUILTINS[2],
    ]
    with pytest.raises(Exception) as info:
        toolkit.resolve_filters(["lfp-cathode"])
    assert str(info.value) == "presets: unknown preset 'lfp-cathode'; no presets are registered"


def test_disable_through_the_argument(make_toolkit, paged_server) -> None:
    server = paged_server(1)
    toolkit = make_toolkit(
        server, disable_plugins=["ionworks-sinks", "acme"], plugins=[AcmePlugin()]
    )
    assert toolkit.sink_factories == {}
    assert [(p.name, p.status) for p in toolkit.plugins.list_plugins()] == [
        ("ionworks-auth", "loaded"),
        ("ionworks-presets", "loaded"),
        ("ionworks-sinks", "disabled"),
        ("acme", "disabled"),
    ]
    with pytest.raises(Exception) as info:
        toolkit.export(PROJECT_ID, ["out.csv"])
    # The wording is the sinks package's; what matters here: no scheme is left to pick.
    assert str(info.value).startswith("cannot infer a sink from 'out.csv'")
    assert str(info.value).endswith("allowed schemes: (none)")
    assert server.requests == []


def test_disabling_the_builtin_auth_leaves_requests_unauthenticated(
    make_toolkit, paged_server
) -> None:
    server = paged_server(1)
    toolkit = make_toolkit(server, api_key=None, disable_plugins=["ionworks-auth"])
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert "X-API-Key" not in server.requests[0].headers
    assert "Authorization" not in server.requests[0].headers


def test_registering_the_same_plugin_twice_keeps_one(make_toolkit) -> None:
    plugin = AcmePlugin()
    toolkit = make_toolkit(plugins=[plugin])
    assert toolkit.plugins.register(plugin) == "acme"
    assert toolkit.plugins.register(AcmePlugin()) == "acme"  # same name
    assert [p.name for p in toolkit.plugins.list_plugins()].count("acme") == 1
    assert toolkit.plugins.register(AcmePlugin(), name="acme-2") == "acme-2"
    assert toolkit.plugins.list_plugins()[-1].name == "acme-2"


def test_plugin_names_from_modules_classes_and_instances() -> None:
    module = type(sys)("acme_module")
    assert PluginHost._plugin_name(module) == "acme_module"
    assert PluginHost._plugin_name(AcmePlugin()) == "acme"
    assert PluginHost._plugin_name(MemorySink("x", {})) == "MemorySink"


# ----------------------------------------------------------------------------- entry points


ACME_SOURCE = """
import pluggy
from ionworks_toolkit import FilterPreset

hookimpl = pluggy.HookimplMarker("ionworks_toolkit")


@hookimpl
def ionworks_register_presets(register):
    register(FilterPreset("acme-recent", "Acme: recent NMC cells", {
        "spec_cathode": "ilike.%NMC%", "created_at_gt": "-7d"}))


@hookimpl
def ionworks_response(response):
    RESPONSES.append(response.status_code)


RESPONSES = []
"""


ACME_SINKS_SOURCE = """
from ionworks_toolkit import hookimpl


class AcmeSinks:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("acme", lambda target, options: None)
"""


def write_distribution(
    site: Path,
    dist: str,
    version: str,
    module: str,
    source: str,
    entry_point: str,
    attribute: str | None = None,
) -> None:
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    info = site / f"{module}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    target = f"{module}:{attribute}" if attribute else module
    (info / "entry_points.txt").write_text(f"[ionworks_toolkit]\n{entry_point} = {target}\n")


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    site.mkdir()
    write_distribution(site, "acme-plugin", "1.0", "acme_plugin", ACME_SOURCE, "acme")
    write_distribution(
        site,
        "broken-plugin",
        "0.3",
        "broken_plugin",
        'raise ImportError("broken_plugin needs libacme 2")\n',
        "broken",
    )
    write_distribution(
        site,
        "acme-sinks",
        "2.1.0",
        "acme_sinks",
        ACME_SINKS_SOURCE,
        "acme-sinks",
        attribute="AcmeSinks",
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield site
    for module in ("acme_plugin", "broken_plugin", "acme_sinks"):
        sys.modules.pop(module, None)


ACME_INFO = PluginInfo(
    "acme", "acme-plugin", "1.0", ("ionworks_register_presets", "ionworks_response")
)
SINKS_INFO = PluginInfo("acme-sinks", "acme-sinks", "2.1.0", ("ionworks_register_sinks",))
BROKEN_INFO = PluginInfo(
    "broken",
    "broken-plugin",
    "0.3",
    (),
    "failed",
    "ImportError: broken_plugin needs libacme 2",
)


def test_entry_points_are_loaded_and_a_broken_one_is_reported(
    plugin_site: Path, make_toolkit, paged_server, caplog: pytest.LogCaptureFixture
) -> None:
    server = paged_server(2)
    with pytest.warns(UserWarning) as warned:
        toolkit = make_toolkit(server, load_entry_points=True)
    assert [str(w.message) for w in warned] == [
        "plugin broken failed to load: ImportError: broken_plugin needs libacme 2"
    ]
    # Given once: the ToolkitWarning, never also a log record (printed twice before).
    assert [r.getMessage() for r in caplog.records if r.name.startswith("ionworks_toolkit")] == []
    assert toolkit.plugins.list_plugins() == [*BUILTINS, ACME_INFO, SINKS_INFO, BROKEN_INFO]
    assert toolkit.sink_factories["acme"][1] == "plugin acme-sinks"  # a class, instantiated

    # Everything else works: the loaded plugin's preset and hook, and the built-ins.
    assert toolkit.presets.owner("acme-recent") == "plugin acme"
    params = toolkit.resolve_filters(["acme-recent", "lfp-cathode"])
    assert params["spec_cathode"] == "ilike.%LFP%"
    assert params["created_at_gt"].endswith("Z")
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 2
    assert sys.modules["acme_plugin"].RESPONSES == [200]


def test_entry_points_can_be_disabled_by_name(plugin_site: Path, make_toolkit) -> None:
    toolkit = make_toolkit(load_entry_points=True, disable_plugins=["broken", "acme"])
    assert toolkit.plugins.list_plugins()[3:] == [
        PluginInfo("acme", "acme-plugin", "1.0", (), "disabled"),
        SINKS_INFO,
        PluginInfo("broken", "broken-plugin", "0.3", (), "disabled"),
    ]
    assert "acme_plugin" not in sys.modules  # a disabled plugin is never imported


def test_the_same_distribution_twice_on_sys_path_is_loaded_once(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_toolkit
) -> None:
    copy = tmp_path / "site-copy"
    shutil.copytree(plugin_site, copy)
    monkeypatch.syspath_prepend(str(copy))
    importlib.invalidate_caches()
    with pytest.warns(UserWarning):
        toolkit = make_toolkit(load_entry_points=True)
    names = [p.name for p in toolkit.plugins.list_plugins()]
    assert names == [
        "ionworks-auth",
        "ionworks-presets",
        "ionworks-sinks",
        "acme",
        "acme-sinks",
        "broken",
    ]
    assert len([p for p in toolkit.presets if p.name == "acme-recent"]) == 1


def test_one_entry_point_name_from_two_distributions_is_loaded_once(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_toolkit
) -> None:
    fork = tmp_path / "fork"
    fork.mkdir()
    source = ACME_SINKS_SOURCE.replace('"acme"', '"acme-fork"')
    write_distribution(fork, "acme-fork", "9.0", "acme_fork", source, "acme", "AcmeSinks")
    monkeypatch.syspath_prepend(str(fork))  # first on sys.path: it shadows acme-plugin
    importlib.invalidate_caches()
    try:
        with pytest.warns(UserWarning):
            toolkit = make_toolkit(load_entry_points=True)
    finally:
        sys.modules.pop("acme_fork", None)
    acme = [p for p in toolkit.plugins.list_plugins() if p.name == "acme"]
    assert acme == [
        PluginInfo("acme", "acme-fork", "9.0", ("ionworks_register_sinks",)),
        PluginInfo(
            "acme",
            "acme-plugin",
            "1.0",
            status="conflict",
            error="plugin name 'acme' is provided by two distributions: acme-fork 9.0 "
            "(loaded, first on sys.path) and acme-plugin 1.0 (not loaded); uninstall one",
        ),
    ]
    assert "acme_plugin" not in sys.modules


def test_no_entry_points_without_load_entry_points(plugin_site: Path, make_toolkit) -> None:
    toolkit = make_toolkit(load_entry_points=False)
    assert toolkit.plugins.list_plugins() == BUILTINS


def test_a_plugin_host_on_its_own(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    host = PluginHost(load_entry_points=False, plugins=[AcmePlugin()])
    registry = PresetRegistry()
    host.collect_presets(registry)
    assert [p.name for p in registry] == [
        "acme-arbin",
        "cycling-oldest-first",
        "cylindrical-18650",
        "graphite-anode",
        "lfp-cathode",
        "start-time-recorded",
    ]
    assert sorted(host.collect_sinks()) == [
        "csv",
        "dataset",
        "jsonl",
        "memory",
        "parquet",
        "postgres",
        "postgresql",
        "sqlite",
        "table",
    ]
    assert caplog.records == []


def test_public_names() -> None:
    import ionworks_toolkit

    for name in ionworks_toolkit.__all__:
        assert getattr(ionworks_toolkit, name) is not None, name
    assert ionworks_toolkit.Toolkit is Toolkit
    with pytest.raises(
        AttributeError, match=r"^module 'ionworks_toolkit' has no attribute 'nope'$"
    ):
        ionworks_toolkit.nope  # noqa: B018


def test_a_plugin_error_quoting_the_session_key_is_redacted_everywhere(
    make_toolkit: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    key = "sk-live-0123456789abcdef"

    class Leaky:
        name = "acme-leaky"

        @hookimpl
        def ionworks_register_presets(self, register: Callable[[FilterPreset], None]) -> None:
            raise RuntimeError(f"the lab server refused key {key}")

    with (
        caplog.at_level(logging.WARNING, logger="ionworks_toolkit"),
        warnings.catch_warnings(record=True) as warned,
    ):
        warnings.simplefilter("always")
        toolkit = make_toolkit(plugins=[Leaky()], api_key=key)
    info = next(i for i in toolkit.plugins.list_plugins() if i.name == "acme-leaky")
    assert info.status == "failed"
    assert info.error == (
        "ionworks_register_presets raised RuntimeError: the lab server refused key ***"
    )
    assert caplog.messages == []  # the warning only, not also a log line
    assert [str(w.message) for w in warned if w.category is ToolkitWarning] == [
        f"plugin acme-leaky failed and was switched off: {info.error}"
    ]
    assert key not in repr(toolkit.plugins.list_plugins())


@pytest.mark.parametrize("hook_name", ["ionworks_request", "ionworks_auth"])
def test_a_hook_error_quoting_the_session_key_never_carries_it(
    make_toolkit: Callable[..., Any], hook_name: str
) -> None:
    """A newcomer's plugin raised with the API key it read from the request (or settings):
    the PluginError's text, repr, cause and printed traceback (``-v``) never hold the key."""
    key = "sk-live-0123456789abcdef"

    class Leaky:
        name = "acme-leaky"

        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            if hook_name == "ionworks_request":
                raise RuntimeError(f"refused header {request.headers['x-api-key']}")

        @hookimpl
        def ionworks_auth(self, settings: Any) -> None:
            if hook_name == "ionworks_auth":
                raise RuntimeError(f"refused key {key}")

    with pytest.raises(PluginError) as info:
        toolkit = make_toolkit(plugins=[Leaky()], api_key=key)
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    quoted = "refused header ***" if hook_name == "ionworks_request" else "refused key ***"
    assert str(info.value) == (
        f"plugin acme-leaky's {hook_name} hook raised RuntimeError: {quoted} "
        "(switch it off with disable_plugins=['acme-leaky'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme-leaky)"
    )
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ is True
    printed = "".join(traceback.format_exception(info.value))
    assert key not in printed + repr(info.value)


def test_a_hook_error_without_a_credential_keeps_its_cause(
    make_toolkit: Callable[..., Any],
) -> None:
    class Broken:
        name = "acme-broken"

        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            raise RuntimeError("no lab server configured")

    toolkit = make_toolkit(plugins=[Broken()])
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "plugin acme-broken's ionworks_request hook raised RuntimeError: no lab server "
        "configured (switch it off with disable_plugins=['acme-broken'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme-broken)"
    )
    assert str(info.value.__cause__) == "no lab server configured"
