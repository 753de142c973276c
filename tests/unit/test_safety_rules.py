"""One test per safety or security rule that no other test protected (issue 19).

A mutation audit planted one small bug at a time and found these rules unguarded: each test
here fails when its rule is broken (checked by planting the bug by hand). Exact values: the
request is never sent, the log line holds ``***``, the files on disk after an interrupt, the
number of attempts per method, the error naming the preset and operation, the column values.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import (
    ConfigurationError,
    ParameterError,
    PluginError,
    Toolkit,
    hookimpl,
)
from ionworks_toolkit.cli import main
from ionworks_toolkit.parsing import valid_total
from ionworks_toolkit.plugins import PluginHost
from ionworks_toolkit.presets import FilterPreset, PresetRegistry
from ionworks_toolkit.settings import load_settings
from ionworks_toolkit.sinks import make_sqlite_sink

KEY = "sk-live-ABCDEF123456"
PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
REFUSED = (
    "refusing to send credentials over plain http to {host}: use https "
    "(plain http is allowed only to loopback, e.g. the sandbox)"
)


class KeyInQuery(httpx.Auth):
    """A partner's auth flow that sends its key as ``?api_key=`` (no credential header)."""

    def auth_flow(self, request: httpx.Request):
        request.url = request.url.copy_merge_params({"api_key": KEY})
        yield request


class KeyInQueryPlugin:
    @hookimpl
    def ionworks_auth(self, settings: Any) -> httpx.Auth:
        return KeyInQuery()


def _query_key_toolkit(tmp_path: Path, api_url: str, sent: list[httpx.Request]) -> Toolkit:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    return Toolkit(
        api_url=api_url,
        plugins=[KeyInQueryPlugin()],
        load_entry_points=False,
        environ={},
        working_dir=str(tmp_path),
        max_retries=0,
        transport=httpx.MockTransport(handler),
    )


# ----------------------------------------------------------------- credentials in the query


def test_a_key_in_the_query_string_is_refused_over_plain_http(tmp_path: Path) -> None:
    sent: list[httpx.Request] = []
    with (
        _query_key_toolkit(tmp_path, "http://192.0.2.2:8766", sent) as toolkit,
        pytest.raises(ConfigurationError) as caught,
    ):
        toolkit.list_projects()
    assert str(caught.value) == REFUSED.format(host="192.0.2.2")
    assert sent == []


def test_the_request_log_redacts_a_key_in_the_query_string(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[httpx.Request] = []
    caplog.set_level(logging.DEBUG, logger="ionworks_toolkit.http")
    with _query_key_toolkit(tmp_path, "https://api.example.com", sent) as toolkit:
        assert toolkit.list_projects() == []
    assert [r.url.params["api_key"] for r in sent] == [KEY]
    lines = [r.getMessage() for r in caplog.records if r.name == "ionworks_toolkit.http"]
    assert lines == [
        "-> GET https://api.example.com/projects?limit=1000&offset=0&order_by=created_at&order=desc"
        "&api_key=%2A%2A%2A",
        "<- GET https://api.example.com/projects?limit=1000&offset=0&order_by=created_at&order=desc"
        "&api_key=%2A%2A%2A 200",
    ]
    assert KEY not in caplog.text


def test_verbose_leaves_httpx_own_logger_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``-v`` logs our redacted request lines; httpx's logger (URLs unredacted) stays off."""
    for name in ("httpx", "httpcore", "ionworks_toolkit"):
        log = logging.getLogger(name)
        monkeypatch.setattr(log, "handlers", list(log.handlers))  # undone after the test
        monkeypatch.setattr(log, "level", log.level)
    monkeypatch.chdir(tmp_path)
    before = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    result = CliRunner().invoke(main, ["-v", "--sandbox", "projects", "list", "--sink", "jsonl:-"])
    assert result.exit_code == 0, result.output
    assert {name: logging.getLogger(name).level for name in ("httpx", "httpcore")} == before
    assert logging.getLogger("httpx").getEffectiveLevel() > logging.INFO
    assert logging.getLogger("httpx").handlers == []
    assert " ionworks_toolkit.http DEBUG -> GET http://127.0.0.1:" in result.stderr
    assert " httpx INFO " not in result.stderr


def test_api_url_with_user_and_password_is_refused_unechoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(
            api_url="https://me:hunter2@api.example.com", environ={}, working_dir=tmp_path
        )
    assert str(caught.value) == (
        "api_url (from an argument) must not hold credentials (user:password@host): use "
        "IONWORKS_API_KEY or IONWORKS_API_TOKEN"
    )
    assert "hunter2" not in str(caught.value)


# ----------------------------------------------------------------- interrupts abort every sink


def _interrupting(exc: BaseException, pages_before: int = 1):
    """A by-project endpoint that answers ``pages_before`` full pages, then raises ``exc``."""
    served: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if len(served) >= pages_before:
            raise exc
        offset = int(request.url.params["offset"])
        served.append(offset)
        items = [
            {
                "id": f"m-{i}",
                "name": f"m {i}",
                "cell_instance_id": "ci",
                "created_at": None,
                "updated_at": None,
            }
            for i in range(offset, offset + 10)
        ]
        return httpx.Response(200, json={"items": items, "count": 10, "total": 100})

    return handler


def _targets(folder: Path) -> list[str]:
    (folder / "old.jsonl").write_text('{"id": "kept"}\n')
    return [f"jsonl:{folder / 'old.jsonl'}", f"sqlite:{folder / 'new.db'}"]


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), asyncio.CancelledError()], ids=repr)
def test_an_interrupted_export_leaves_no_partial_output(
    make_toolkit, tmp_path: Path, exc: BaseException
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    toolkit = make_toolkit(_interrupting(exc))
    with pytest.raises(type(exc)):
        toolkit.export(PROJECT_ID, _targets(out), page_size=10, max_records=None)
    assert sorted(p.name for p in out.iterdir()) == ["old.jsonl"]
    assert (out / "old.jsonl").read_text() == '{"id": "kept"}\n'


async def test_an_interrupted_async_export_leaves_no_partial_output(
    make_async_toolkit, tmp_path: Path
) -> None:
    """Ctrl-C under ``asyncio.run`` (the CLI's path) cancels the main task: CancelledError."""
    exc = asyncio.CancelledError()
    out = tmp_path / "out"
    out.mkdir()
    toolkit = make_async_toolkit(_interrupting(exc))
    try:
        with pytest.raises(type(exc)):
            await toolkit.export(PROJECT_ID, _targets(out), page_size=10, max_records=None)
    finally:
        await toolkit.aclose()
    assert sorted(p.name for p in out.iterdir()) == ["old.jsonl"]
    assert (out / "old.jsonl").read_text() == '{"id": "kept"}\n'


async def test_a_cancelled_async_export_task_leaves_no_partial_output(
    make_async_toolkit, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first_page = asyncio.Event()
    stall = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] != "0":
            first_page.set()
            await stall.wait()  # never set: the task is cancelled here
        items = [
            {
                "id": f"m-{i}",
                "name": "m",
                "cell_instance_id": "ci",
                "created_at": None,
                "updated_at": None,
            }
            for i in range(10)
        ]
        return httpx.Response(200, json={"items": items, "count": 10, "total": 100})

    toolkit = make_async_toolkit(handler)
    try:
        task = asyncio.create_task(
            toolkit.export(PROJECT_ID, _targets(out), page_size=10, max_records=None)
        )
        await asyncio.wait_for(first_page.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        stall.set()  # the stalled request ends now, not at the 30 s timeout aclose() waits for
        await toolkit.aclose()
    assert sorted(p.name for p in out.iterdir()) == ["old.jsonl"]


# ----------------------------------------------------------------- retries: idempotent only


@pytest.mark.parametrize(
    ("method", "attempts"),
    [("GET", 3), ("HEAD", 3), ("OPTIONS", 3), ("PUT", 3), ("DELETE", 3), ("POST", 1), ("PATCH", 1)],
)
def test_only_idempotent_methods_are_retried(
    make_toolkit, fake_sleep: list[float], method: str, attempts: int
) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(503, json={"detail": "maintenance"})

    toolkit = make_toolkit(handler, max_retries=2)
    response = toolkit.client.get_httpx_client().request(method, "/cell_instances/ci-1")
    assert response.status_code == 503
    assert calls == [method] * attempts
    assert len(fake_sleep) == attempts - 1


# ----------------------------------------------------------------- presets


def test_a_preset_is_validated_against_its_own_operation() -> None:
    registry = PresetRegistry()
    preset = FilterPreset(
        "projects-lfp", "", {"spec_cathode": "ilike.%LFP%"}, operation="list_projects"
    )
    with pytest.raises(ParameterError) as caught:
        registry.register(preset, owner="plugin acme")
    assert str(caught.value) == (
        "preset projects-lfp: 'spec_cathode' is not a parameter of list_projects; choices: "
        "name, created_at_gt, created_at_lt, updated_at_gt, updated_at_lt, order_by, order"
    )
    assert list(registry) == []


class HalfBrokenPresets:
    """Registers one good preset, then raises: the good one must be undone too."""

    @hookimpl
    def ionworks_register_presets(self, register: Any) -> None:
        register(FilterPreset("acme-first", "", {"order": "asc"}))
        raise RuntimeError("acme presets broke")


def test_a_broken_plugins_partial_presets_are_undone() -> None:
    registry = PresetRegistry()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        host = PluginHost(load_entry_points=False, plugins=[HalfBrokenPresets()])
        host.collect_presets(registry)
    names = {preset.name for preset in registry}
    assert "acme-first" not in names
    assert "lfp-cathode" in names  # the built-ins are kept


class MisspeltHook:
    @hookimpl
    def ionworks_register_sink(self, register: Any) -> None:  # sinks, not sink
        pass


def test_a_misspelt_hook_name_is_warned(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.warns(UserWarning) as caught:
        PluginHost(load_entry_points=False, plugins=[MisspeltHook()])
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert messages[0].startswith(
        "plugin MisspeltHook: unknown hook 'ionworks_register_sink' (did "
        "you mean ionworks_register_sinks?); it is never called"
    )
    # once: the ToolkitWarning, not also a log line
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []


# ----------------------------------------------------------------- totals


@pytest.mark.parametrize("total", [0, 1, 1500])
def test_a_valid_total_is_kept(total: int) -> None:
    """Zero is a count too (an empty project): kept, not treated as unknown."""
    assert valid_total(total) == total


@pytest.mark.parametrize("total", [-1, 2.5, "lots", True, None, [3]])
def test_an_invalid_total_is_unknown(make_toolkit, tmp_path: Path, total: object) -> None:
    assert valid_total(total) is None
    items = [
        {
            "id": f"m-{i}",
            "name": "m",
            "cell_instance_id": "ci",
            "created_at": None,
            "updated_at": None,
        }
        for i in range(3)
    ]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        page = items[int(request.url.params["offset"]) :]
        return httpx.Response(200, json={"items": page, "count": len(page), "total": total})

    toolkit = make_toolkit(handler)
    result = toolkit.export(PROJECT_ID, [f"jsonl:{tmp_path / 'm.jsonl'}"], max_records=None)
    assert (result.records, result.total, result.total_mismatch) == (3, None, False)
    # A first page shorter than asked, with no usable total: an envelope (whose schema has a
    # total) may be a page capped at any size, so offset 3 is asked once; its empty page ends
    # the walk (FINDINGS9 J12; a bare list's unround short page ends it: FINDINGS7 G31).
    assert [request.url.params["offset"] for request in seen] == ["0", "3"]


# ----------------------------------------------------------------- SQLite shapes


def test_sqlite_records_of_different_shapes_in_one_page(tmp_path: Path) -> None:
    """Three shapes in one page (the sink groups rows by shape): each value in its column."""
    target = tmp_path / "shapes.db"
    with make_sqlite_sink(str(target), {}) as sink:
        sink.write(
            [
                {"id": "a", "name": "first", "notes": "n-a"},
                {"id": "b", "measurement_type": "time_series", "voltage": 3.7},
                {"id": "c", "name": "third", "notes": "n-c", "measurement_type": "rpt"},
                {"id": "d", "notes": "n-d"},
            ]
        )
        sink.commit()
    with sqlite3.connect(target) as conn:
        rows = conn.execute(
            "SELECT id, name, notes, measurement_type, extra_json FROM measurements ORDER BY id"
        ).fetchall()
    assert rows == [
        ("a", "first", "n-a", None, None),
        ("b", None, None, "time_series", '{"voltage":3.7}'),
        ("c", "third", "n-c", "rpt", None),
        ("d", None, "n-d", None, None),
    ]


# ----------------------------------------------------------------- CLI warnings


@pytest.fixture
def cli(runner: CliRunner) -> CliRunner:
    return runner


@pytest.mark.sandbox
@pytest.mark.parametrize(("offset", "reported"), [(5, 133), (-3, 125)])
def test_cli_warns_when_the_total_does_not_match(
    cli: CliRunner, sandbox_with, offset: int, reported: int
) -> None:
    server = sandbox_with(total_offset=offset)
    result = cli.invoke(
        main,
        [
            "--api-url",
            server.base_url,
            "--api-key",
            "sandbox",
            "measurements",
            "list",
            "dad27f90-713a-5a2b-a976-e4a38e9951be",
            "--all",
            "--page-size",
            "50",
            "--sink",
            "out.jsonl",
        ],
    )
    assert result.exit_code == 0, result.output
    if reported < 128:
        assert result.stderr == (
            "wrote 128 records to jsonl:out.jsonl\n"
            f"warning: the server reported total {reported} but 128 records came back\n"
        )
    else:  # too high: the walk itself says so, once, when it ends (FINDINGS7 G1)
        assert result.stderr == (
            f"warning: the server reported total {reported} but its page at offset 128 came "
            "back empty twice and so did offsets 156 to 183 after it: the total is too high; "
            "the walk ends there with 128 records\n"
            "wrote 128 records to jsonl:out.jsonl\n"
        )


def test_cli_reports_duplicates_skipped(
    cli: CliRunner, paged_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two records inserted at the head after page 1 shift two seen records into page 2."""
    server = paged_server(120, insert_after_first_page=2)

    async def serve(self: object, request: httpx.Request) -> httpx.Response:
        return server(request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", serve)
    monkeypatch.setattr(
        httpx.HTTPTransport, "handle_request", lambda self, request: server(request)
    )
    result = cli.invoke(
        main,
        [
            "--api-url",
            "https://api.example.com",
            "--api-key",
            KEY,
            "measurements",
            "list",
            PROJECT_ID,
            "--all",
            "--page-size",
            "50",
            "--sink",
            "out.jsonl",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "wrote 120 records to jsonl:out.jsonl\n"
        "skipped 2 duplicate record(s) (the data changed during the walk)\n"
    )
    assert server.offsets == [0, 50, 100]


# ----------------------------------------------------------------- a broken auth plugin


class VaultLocked:
    @hookimpl
    def ionworks_auth(self, settings: Any) -> httpx.Auth:
        raise RuntimeError("vault is locked")


def test_an_auth_plugin_that_raises_is_named_and_nothing_is_sent(tmp_path: Path) -> None:
    sent: list[httpx.Request] = []
    with (
        Toolkit(
            api_url="https://api.example.com",
            plugins=[VaultLocked()],
            load_entry_points=False,
            environ={},
            working_dir=str(tmp_path),
            max_retries=0,
            transport=httpx.MockTransport(
                lambda request: sent.append(request) or httpx.Response(200, json=[])
            ),
        ) as toolkit,
        pytest.raises(PluginError) as caught,
    ):
        toolkit.list_projects()
    assert str(caught.value) == (
        "plugin VaultLocked's ionworks_auth hook raised RuntimeError: vault is locked "
        "(switch it off with disable_plugins=['VaultLocked'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=VaultLocked)"
    )
    assert sent == []


def test_cli_names_ids_the_server_sent_twice_in_one_page(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One page holding 'm-1' twice (different records) and 'm-2' once: the server's fault,
    not a change of the data during the walk."""
    import json as _json

    data = Path(__file__).resolve().parents[1] / "data" / "by_project_page_severson.json"
    base = _json.loads(data.read_text(encoding="utf-8"))["items"][0]
    items = [
        {**base, "id": "m-1", "name": "first"},
        {**base, "id": "m-1", "name": "second"},
        {**base, "id": "m-2", "name": "third"},
    ]

    def server(request: httpx.Request) -> httpx.Response:
        body = {"items": items, "count": 3, "total": 3}
        return httpx.Response(200, json=body if "offset=0" in str(request.url) else {"items": []})

    async def serve(self: object, request: httpx.Request) -> httpx.Response:
        return server(request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", serve)
    monkeypatch.setattr(
        httpx.HTTPTransport, "handle_request", lambda self, request: server(request)
    )
    result = cli.invoke(
        main,
        [
            "--api-url",
            "https://api.example.com",
            "--api-key",
            KEY,
            "measurements",
            "list",
            PROJECT_ID,
            "--all",
            "--sink",
            "out.jsonl",
        ],
    )
    # 2 unique records of the total 3: the copy may stand in place of one never sent, so the
    # output is published and the run ends 7 (FINDINGS12 M2).
    assert result.exit_code == 7, result.output
    lines = Path("out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [_json.loads(line)["name"] for line in lines] == ["first", "third"]
    assert result.stderr.splitlines()[-3:] == [
        "wrote 2 records to jsonl:out.jsonl",
        "skipped 1 duplicate record(s) (1 sent twice in one page by the server)",
        "may be incomplete: 2 records came back of the server's total 3, and its pages held 1 "
        "copy of a record sent in the same page, so records may be missing; run it again to be "
        "sure",
    ]
    assert (
        "the server sent id 'm-1' more than once in one page (offset 0): the first copy of "
        "each is kept; the copies differ for 'm-1'"
    ) in result.stderr
