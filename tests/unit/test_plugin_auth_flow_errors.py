"""What goes wrong inside a plugin's ``httpx.Auth`` flow is a plugin error (FINDINGS8 H13).

The ``ionworks_auth`` hook raising was named already; the flow it returns is the plugin's
code too, run on every request. Before: a flow that raises gave a bare RuntimeError (a raw
traceback, exit 1, from the CLI), one that yields None an AttributeError, and one that
re-sends on every answer httpx's ``TooManyRedirects``. Now each is a PluginError naming the
plugin (exit 2), from Toolkit and AsyncToolkit alike.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Generator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import AuthenticationError, PluginError, hookimpl
from ionworks_toolkit.cli import main
from ionworks_toolkit.plugins import INTERRUPTED_HOOK, MAX_AUTH_RESENDS, PluginAuth
from test_breakit_fixes import NASA, install_plugin

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
ADVICE = "(switch it off with disable_plugins=['acme'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme)"
FLOW_SECRET = "idp-client-secret-0123456789"


class Raises(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("identity provider down")
        yield request


class Leaks(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer old"
        response = yield request
        raise RuntimeError(
            f"refresh failed for test-key and {FLOW_SECRET} ({response.status_code})"
        )


class YieldsNone(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[Any, httpx.Response, None]:
        yield None


class YieldsNothing(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        return
        yield request


class Loops(httpx.Auth):
    """A refresh flow with a bug: it re-sends on every answer."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        while True:
            request.headers["Authorization"] = "Bearer refreshed"
            yield request


class RefusesLoudly(httpx.Auth):
    """A flow that raises a toolkit error on purpose: passed on as it is."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield request
        if response.status_code == 401:
            raise AuthenticationError(
                status=401, method="GET", path=request.url.path, detail="refresh refused"
            )


class OwnAsyncFlow(httpx.Auth):
    """A plugin that writes its own ``async_auth_flow`` (awaiting a token service)."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        raise RuntimeError("token service unreachable")
        yield request


def _plugin(auth: httpx.Auth) -> object:
    class Acme:
        name = "acme"

        @hookimpl
        def ionworks_auth(self, settings: Any) -> httpx.Auth:
            return auth

    return Acme()


def _answer(status: int) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"items": [], "count": 0, "total": 0})

    return answer


CASES = [
    (Raises(), "raised RuntimeError: identity provider down", 0),
    (
        YieldsNone(),
        f"yielded None, not an httpx.Request (GET /cell_measurements/by-project/{PROJECT_ID})",
        0,
    ),
    (
        YieldsNothing(),
        f"ended without yielding the request (GET /cell_measurements/by-project/{PROJECT_ID})",
        0,
    ),
    (
        Loops(),
        f"re-sent the request 3 times (GET /cell_measurements/by-project/{PROJECT_ID}, answered "
        "200 each time) and asked to send it again: stopped, since a flow that re-sends on every "
        "answer never ends (a token refresh re-sends a request once, after a 401)",
        1 + MAX_AUTH_RESENDS,
    ),
]


@pytest.mark.parametrize(
    ("auth", "what", "sent"), CASES, ids=["raises", "none", "nothing", "loops"]
)
def test_a_broken_auth_flow_is_a_plugin_error_naming_the_plugin(
    make_toolkit, auth: httpx.Auth, what: str, sent: int
) -> None:
    requests: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return _answer(200)(request)

    toolkit = make_toolkit(server, plugins=[_plugin(auth)])
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == f"plugin acme's auth flow {what} {ADVICE}"
    assert len(requests) == sent
    assert MAX_AUTH_RESENDS == 3


@pytest.mark.parametrize(
    ("auth", "what", "sent"), CASES, ids=["raises", "none", "nothing", "loops"]
)
async def test_the_async_toolkit_names_it_the_same(
    make_async_toolkit, auth: httpx.Auth, what: str, sent: int
) -> None:
    requests: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return _answer(200)(request)

    toolkit = make_async_toolkit(server, plugins=[_plugin(auth)])
    try:
        with pytest.raises(PluginError) as info:
            [m async for m in toolkit.iter_measurements_by_project(PROJECT_ID)]
    finally:
        await toolkit.aclose()
    assert str(info.value) == f"plugin acme's auth flow {what} {ADVICE}"
    assert len(requests) == sent


async def test_a_plugins_own_async_flow_is_named_too(make_async_toolkit) -> None:
    toolkit = make_async_toolkit(_answer(200), plugins=[_plugin(OwnAsyncFlow())])
    try:
        with pytest.raises(PluginError) as info:
            [m async for m in toolkit.iter_measurements_by_project(PROJECT_ID)]
    finally:
        await toolkit.aclose()
    assert str(info.value) == (
        f"plugin acme's auth flow raised RuntimeError: token service unreachable {ADVICE}"
    )


def test_the_flows_message_is_redacted_of_the_sessions_credentials(make_toolkit) -> None:
    toolkit = make_toolkit(_answer(401), plugins=[_plugin(Leaks())])
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"plugin acme's auth flow raised RuntimeError: refresh failed for *** and {FLOW_SECRET} "
        f"(401) {ADVICE}"
    )
    assert info.value.__cause__ is None  # its text quoted the key: not chained


def test_a_toolkit_error_the_flow_raises_is_passed_on(make_toolkit) -> None:
    toolkit = make_toolkit(_answer(401), plugins=[_plugin(RefusesLoudly())])
    with pytest.raises(AuthenticationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert (
        str(info.value) == f"GET /cell_measurements/by-project/{PROJECT_ID} -> 401: refresh refused"
    )


def test_a_refresh_that_resends_up_to_the_limit_works(make_toolkit, paged_server) -> None:
    class ThreeTries(httpx.Auth):
        def auth_flow(self, request: httpx.Request):
            for token in ("t1", "t2", "t3", "t4"):
                request.headers["Authorization"] = f"Bearer {token}"
                response = yield request
                if response.status_code != 401:
                    return

    seen: list[str] = []

    def expired(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(401, json={"detail": "expired"})

    server = paged_server(2, script=[expired] * MAX_AUTH_RESENDS)
    toolkit = make_toolkit(server, plugins=[_plugin(ThreeTries())])
    assert [m.id for m in toolkit.iter_measurements_by_project(PROJECT_ID)] == ["m-0", "m-1"]
    assert seen == ["Bearer t1", "Bearer t2", "Bearer t3"]
    assert len(server.requests) == 4
    assert server.requests[-1].headers["Authorization"] == "Bearer t4"


def test_a_ctrl_c_inside_the_flow_names_the_plugin() -> None:
    class Hangs(httpx.Auth):
        def auth_flow(self, request: httpx.Request):
            raise KeyboardInterrupt  # what the CLI's handler raises into a flow that hangs
            yield request

    class Host:
        def _redact(self, text: str) -> str:
            return text

    auth = PluginAuth(Hangs(), Host(), lambda: "acme")  # type: ignore[arg-type]
    flow = auth.sync_auth_flow(httpx.Request("GET", "https://api.example.com/projects"))
    with pytest.raises(KeyboardInterrupt) as info:
        next(flow)
    assert getattr(info.value, INTERRUPTED_HOOK) == "plugin 'acme' ran its auth flow"


def test_the_builtin_auth_is_not_wrapped(make_toolkit) -> None:
    toolkit = make_toolkit()
    assert type(toolkit._auth()).__name__ == "IonworksAuth"
    wrapped = make_toolkit(plugins=[_plugin(Raises())])._auth()
    assert isinstance(wrapped, PluginAuth) and type(wrapped.auth) is Raises


_CLI_PLUGIN = """
import httpx
from ionworks_toolkit import hookimpl

class FlowBoom(httpx.Auth):
    def auth_flow(self, request):
        raise RuntimeError("flow boom")
        yield request

class Plugin:
    @hookimpl
    def ionworks_auth(self, settings):
        return FlowBoom()

plugin = Plugin()
"""


@pytest.mark.sandbox
def test_the_cli_exits_2_naming_the_plugin(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(monkeypatch, tmp_path, "bad", _CLI_PLUGIN)
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", NASA, "--limit", "2", "--sink", "/dev/null"]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "error: plugin bad's auth flow raised RuntimeError: flow boom (switch it off with "
        "--disable-plugin bad)\n",
    )
