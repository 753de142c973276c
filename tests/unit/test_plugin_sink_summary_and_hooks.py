"""A plugin sink's summary and the request/response hooks (FINDINGS7 G4, G5).

G4: a plugin sink whose ``describe()`` raises (or gives something other than text) after its
output was committed must not turn a published export into a traceback; a summary with
control characters is escaped like every other untrusted text. G5: an ``ionworks_request``
hook may not send the request (and its credentials) to another origin; an
``ionworks_response`` hook gets the body read, from ``Toolkit`` and ``AsyncToolkit`` alike.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import PluginError, hookimpl
from ionworks_toolkit.cli import main
from ionworks_toolkit.export import describe_sink
from test_breakit_fixes import NASA, install_plugin

pytestmark = pytest.mark.sandbox

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"

_DESCRIBING_PLUGIN = """
import os
from pathlib import Path
from ionworks_toolkit import hookimpl
from ionworks_toolkit.sinks import JsonlSink

class Described(JsonlSink):
    def describe(self):
        mode = os.environ["DESCRIBE_MODE"]
        if mode == "raise":
            raise RuntimeError("describe boom")
        if mode == "number":
            return 5
        return "line1\\nline2\\x1b[31mred"

class Plugin:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("described", lambda target, options: Described(Path(target), label=target))

plugin = Plugin()
"""


@pytest.mark.parametrize(
    ("mode", "summary", "warning"),
    [
        (
            "raise",
            "committed described:d.jsonl (its describe() raised RuntimeError)",
            "warning: sink described:d.jsonl was committed, but its describe() raised "
            "RuntimeError: describe boom\n",
        ),
        (
            "number",
            "committed described:d.jsonl",
            "warning: sink described:d.jsonl was committed, but its describe() gave int, "
            "not text\n",
        ),
        ("text", "line1\\nline2\\x1b[31mred", ""),
    ],
)
def test_a_plugin_sinks_summary_never_undoes_a_published_export(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    mode: str,
    summary: str,
    warning: str,
) -> None:
    install_plugin(monkeypatch, tmp_path, "described", _DESCRIBING_PLUGIN)
    monkeypatch.setenv("DESCRIBE_MODE", mode)
    result = runner.invoke(
        main,
        ["--sandbox", "measurements", "list", NASA, "--limit", "3",
         "--sink", "described:d.jsonl", "--sink", "keep.jsonl"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{warning}{summary}\nwrote 3 records to jsonl:keep.jsonl\n"
        "listed 3 of 34 measurements (--limit 3; use --all for every measurement)\n"
    )
    assert len((tmp_path / "d.jsonl").read_text().splitlines()) == 3
    assert len((tmp_path / "keep.jsonl").read_text().splitlines()) == 3


def test_describe_sink_without_describe_is_the_target(caplog: pytest.LogCaptureFixture) -> None:
    class Quiet:
        pass

    class Loud:
        def describe(self) -> str:
            raise ValueError("GET https://user:pw@h/p?api_key=abc failed")

    assert describe_sink("acme:x", Quiet()) == "acme:x"
    with caplog.at_level(logging.WARNING, logger="ionworks_toolkit.http"):
        summary = describe_sink("acme:x", Loud())
    assert summary == "committed acme:x (its describe() raised ValueError)"
    assert caplog.messages == [
        "sink acme:x was committed, but its describe() raised ValueError: "
        "GET https://***@h/p?api_key=*** failed"
    ]


# ------------------------------------------------------------------ G5: request hooks


def test_a_request_hook_may_not_send_the_credentials_to_another_origin(make_toolkit) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host}:{request.url.port} {request.headers.get('x-api-key')}")
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    class Mirror:
        name = "mirror"

        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            request.url = request.url.copy_with(port=43108)

    toolkit = make_toolkit(handler, api_key="Zk9-LongSecretValue-123456", plugins=[Mirror()])
    with pytest.raises(PluginError) as caught:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(caught.value) == (
        "plugin mirror's ionworks_request hook sent the request to "
        "https://api.example.com:43108 instead of https://api.example.com:443: refused, "
        "because the request carries the session's credentials, which are never sent to "
        "another origin (switch it off with disable_plugins=['mirror'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=mirror)"
    )
    assert seen == []  # nothing was sent, to either origin


@pytest.mark.parametrize(
    ("change", "origin"),
    [
        (lambda url: url.copy_with(scheme="http"), "http://api.example.com:80"),
        (lambda url: url.copy_with(host="evil.example"), "https://evil.example:443"),
    ],
)
def test_scheme_and_host_are_the_origin_too(make_toolkit, change: Any, origin: str) -> None:
    class Mover:
        name = "mover"

        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            request.url = change(request.url)

    toolkit = make_toolkit(lambda request: httpx.Response(500), plugins=[Mover()])
    with pytest.raises(PluginError, match=f"sent the request to {origin} instead of"):
        list(toolkit.iter_measurements_by_project(PROJECT_ID))


def test_a_request_hook_may_change_the_path_and_headers_on_the_same_origin(
    make_toolkit, paged_server
) -> None:
    server = paged_server(3)

    class Tagger:
        name = "tagger"

        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            request.headers["X-Trace"] = "t-1"
            request.url = request.url.copy_with(port=443)  # the default port, spelled out

    toolkit = make_toolkit(server, plugins=[Tagger()])
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 3
    assert [r.headers["x-trace"] for r in server.requests] == ["t-1"]


# ------------------------------------------------------------------ G5: response hooks


class Totals:
    """A response hook that reads the body (``response.json()``)."""

    name = "totals"

    def __init__(self) -> None:
        self.totals: list[Any] = []

    @hookimpl
    def ionworks_response(self, response: httpx.Response) -> None:
        self.totals.append(response.json()["total"])


def test_a_response_hook_gets_the_body_read_from_both_toolkits(
    make_toolkit, make_async_toolkit, paged_server
) -> None:
    sync_plugin, async_plugin = Totals(), Totals()
    toolkit = make_toolkit(paged_server(3), plugins=[sync_plugin])
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 3

    async def run() -> int:
        async with make_async_toolkit(paged_server(3), plugins=[async_plugin]) as session:
            return len([m async for m in session.iter_measurements_by_project(PROJECT_ID)])

    assert asyncio.run(run()) == 3
    assert sync_plugin.totals == async_plugin.totals == [3]
