"""The Toolkit session end to end: a plugin's auth flow, retries, projects, exports, hooks, parsing.

Exact server behaviour comes from ``httpx.MockTransport`` (``make_toolkit``); realism (token
expiry, dropped connections) from the sandbox over loopback. Retry sleeps go to a fake clock
(``fake_sleep``): nothing here waits.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import (
    AuthenticationError,
    BaseSink,
    ConfigurationError,
    NotFoundError,
    PluginError,
    RateLimitError,
    ServerError,
    SinkError,
    TransportError,
    UnexpectedResponseError,
    WalkStats,
    hookimpl,
    redact_url,
)
from ionworks_toolkit.errors import error_from_response
from ionworks_toolkit.export import sink_outcome

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
BY_PROJECT = f"/cell_measurements/by-project/{PROJECT_ID}"
SEVERSON_ID = "dad27f90-713a-5a2b-a976-e4a38e9951be"
SEVERSON_PATH = f"/cell_measurements/by-project/{SEVERSON_ID}"


def project(name: str, i: int) -> dict[str, Any]:
    return {
        "name": name,
        "id": str(uuid.UUID(int=i)),
        "organization_id": "org-1",
        "created_at": None,
        "updated_at": None,
    }


# ------------------------------------------------------------- 4. a plugin's auth flow (401)
#
# The toolkit has no token refresh of its own: these tests show that an auth plugin's
# ``httpx.Auth`` flow is used for every request (its refresh is test code, as a partner's
# would be) and that a page it re-sends after a 401 is not duplicated nor lost.


class RefreshingBearer(httpx.Auth):
    """A partner's bearer auth (test code, not the toolkit's): on a 401 it takes its next token
    once and re-sends the same request.

    Concurrent requests that fail with the old token share one refresh.
    """

    def __init__(self, token: str, refreshed: Sequence[str]) -> None:
        self.token = token
        self._next = list(refreshed)
        self.refreshes = 0

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        used = self.token
        request.headers["Authorization"] = f"Bearer {used}"
        response = yield request
        if response.status_code == 401 and (self.token != used or self._next):
            if self.token == used:
                self.token = self._next.pop(0)
                self.refreshes += 1
            request.headers["Authorization"] = f"Bearer {self.token}"
            yield request


class RefreshPlugin:
    """A third-party plugin: an auth provider that re-sends after a 401, and a request observer."""

    name = "acme-refresh"

    def __init__(self, refreshed: Sequence[str] = ("sandbox-token-2",)) -> None:
        self.refreshed = refreshed
        self.auth: RefreshingBearer | None = None
        self.sent: list[tuple[str, str]] = []

    @hookimpl
    def ionworks_auth(self, settings: Any) -> httpx.Auth:
        self.auth = RefreshingBearer(settings.api_token.reveal(), self.refreshed)
        return self.auth

    @hookimpl
    def ionworks_request(self, request: httpx.Request) -> None:
        self.sent.append((request.url.params["offset"], request.headers["Authorization"]))


@pytest.fixture
def expiring_sandbox(sandbox_with) -> Any:
    return sandbox_with(
        bearer_tokens=("sandbox-token", "sandbox-token-2"), expire_token_after_requests=2
    )


@pytest.mark.sandbox
def test_a_plugin_auth_flow_resends_page_3_after_a_401_without_duplicates(
    expiring_sandbox, sandbox_toolkit
) -> None:
    plugin = RefreshPlugin()
    toolkit = sandbox_toolkit(
        expiring_sandbox, api_key=None, api_token="sandbox-token", plugins=[plugin]
    )
    stats = WalkStats()
    records = list(toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=50, stats=stats))
    assert len(records) == 128
    assert len({r.id for r in records}) == 128
    assert plugin.sent == [
        ("0", "Bearer sandbox-token"),
        ("50", "Bearer sandbox-token"),
        ("100", "Bearer sandbox-token"),  # request 3: 401 Token expired
        ("100", "Bearer sandbox-token-2"),  # the same page again, refreshed: nothing lost
    ]
    assert plugin.auth is not None and plugin.auth.refreshes == 1
    assert stats == WalkStats(records=128, pages=3, requests=3, duplicates=0, total=128)
    assert expiring_sandbox.app.state.request_counter.count == 4


@pytest.mark.sandbox
async def test_a_plugin_auth_flow_resend_under_async_prefetch(
    expiring_sandbox, sandbox_async_toolkit
) -> None:
    plugin = RefreshPlugin()
    toolkit = sandbox_async_toolkit(
        expiring_sandbox, api_key=None, api_token="sandbox-token", plugins=[plugin]
    )
    ids = [
        m.id
        async for m in toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=20, prefetch=4)
    ]
    await toolkit.aclose()
    assert len(ids) == 128
    assert len(set(ids)) == 128
    assert plugin.auth is not None and plugin.auth.refreshes == 1
    assert sorted({offset for offset, _ in plugin.sent}, key=int) == [
        str(o) for o in range(0, 140, 20)
    ]


@pytest.mark.sandbox
def test_401_without_an_auth_plugin_raises_with_the_server_detail(
    expiring_sandbox, sandbox_toolkit
) -> None:
    toolkit = sandbox_toolkit(expiring_sandbox, api_key=None, api_token="sandbox-token")
    seen: list[str] = []
    with pytest.raises(AuthenticationError) as info:
        for record in toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=50):
            seen.append(record.id)
    assert str(info.value) == f"GET {SEVERSON_PATH} -> 401: Token expired (request id sandbox-3)"
    assert (info.value.status, info.value.detail, info.value.request_id) == (
        401,
        "Token expired",
        "sandbox-3",
    )
    assert len(seen) == 100


@pytest.mark.sandbox
@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_401_export_leaves_nothing_half_written(
    sandbox_with, sandbox_toolkit, tmp_path: Path, suffix: str
) -> None:
    options = {"bearer_tokens": ("sandbox-token",), "expire_token_after_requests": 2}
    fresh = tmp_path / f"fresh.{suffix}"
    with pytest.raises(AuthenticationError, match="Token expired"):
        sandbox_toolkit(sandbox_with(**options), api_key=None, api_token="sandbox-token").export(
            SEVERSON_ID, [f"{suffix}:{fresh}"], page_size=50
        )
    assert not fresh.exists()

    previous = tmp_path / f"previous.{suffix}"
    previous.write_text("previous output\n")
    with pytest.raises(AuthenticationError, match="Token expired"):
        sandbox_toolkit(sandbox_with(**options), api_key=None, api_token="sandbox-token").export(
            SEVERSON_ID, [f"{suffix}:{previous}"], page_size=50
        )
    assert previous.read_text() == "previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"previous.{suffix}"]


def test_401_refresh_over_mock_transport(make_toolkit, paged_server, measurement) -> None:
    server = paged_server(130)
    expired: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        token = request.headers["Authorization"]
        if token == "Bearer old" and int(request.url.params["offset"]) >= 100:
            expired.append(request.url.params["offset"])
            return httpx.Response(401, json={"detail": "Token expired"})
        return server(request)

    plugin = RefreshPlugin(refreshed=("new",))
    toolkit = make_toolkit(handler, api_key=None, api_token="old", plugins=[plugin])
    ids = [m.id for m in toolkit.iter_measurements_by_project(PROJECT_ID, page_size=50)]
    assert ids == [f"m-{i}" for i in range(130)]
    assert expired == ["100"]
    assert server.offsets == [0, 50, 100]


# ----------------------------------------------------------------------------- 8. retries


def test_429_with_retry_after_is_retried_once_after_2_seconds(
    make_toolkit, paged_server, fake_sleep
) -> None:
    server = paged_server(
        3, script=[httpx.Response(429, headers={"Retry-After": "2"}, json={"detail": "slow"})]
    )
    toolkit = make_toolkit(server, max_retries=5)
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 3
    assert len(server.requests) == 2
    assert fake_sleep == [2.0]


async def test_429_with_retry_after_async(make_async_toolkit, paged_server, fake_sleep) -> None:
    server = paged_server(
        3, script=[httpx.Response(429, headers={"Retry-After": "2"}, json={"detail": "slow"})]
    )
    toolkit = make_async_toolkit(server, max_retries=5)
    ids = [m.id async for m in toolkit.iter_measurements_by_project(PROJECT_ID)]
    await toolkit.aclose()
    assert ids == ["m-0", "m-1", "m-2"]
    assert len(server.requests) == 2
    assert fake_sleep == [2.0]


def test_429_until_retries_run_out(make_toolkit, fake_sleep) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            429,
            headers={"Retry-After": "2", "x-request-id": "rq-9"},
            json={"detail": "Rate limit exceeded"},
        )

    toolkit = make_toolkit(handler, max_retries=2)
    with pytest.raises(RateLimitError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == f"GET {BY_PROJECT} -> 429: Rate limit exceeded (request id rq-9)"
    assert info.value.retry_after == 2.0
    assert len(calls) == 3
    assert fake_sleep == [2.0, 2.0]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_on_get_are_retried_then_raise(make_toolkit, fake_sleep, status) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(status, json={"detail": "upstream unavailable"})

    toolkit = make_toolkit(handler, max_retries=3)
    with pytest.raises(ServerError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == f"GET {BY_PROJECT} -> {status}: upstream unavailable"
    assert len(calls) == 4
    assert fake_sleep == [1.0, 2.0, 4.0]  # 0.5 * 2**attempt, jitter pinned to its maximum


def test_gateway_error_then_success(make_toolkit, paged_server, fake_sleep) -> None:
    server = paged_server(5, script=[httpx.Response(503), httpx.Response(502)])
    toolkit = make_toolkit(server, max_retries=3)
    assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 5
    assert len(server.requests) == 3
    assert fake_sleep == [1.0, 2.0]


def test_500_is_not_retried(make_toolkit, fake_sleep) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500, json={"error_code": "INTERNAL_ERROR", "message": "boom"})

    toolkit = make_toolkit(handler, max_retries=3)
    with pytest.raises(ServerError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == f"GET {BY_PROJECT} -> 500: boom"
    assert info.value.error_code == "INTERNAL_ERROR"
    assert len(calls) == 1
    assert fake_sleep == []


def test_post_503_is_not_retried(make_toolkit, fake_sleep) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, json={"detail": "maintenance"})

    toolkit = make_toolkit(handler, max_retries=3)
    path = "/cell_instances/ci-1/cell_measurements/create"
    response = toolkit.client.get_httpx_client().post(path, json={"name": "x", "properties": {}})
    assert response.status_code == 503
    assert [r.method for r in calls] == ["POST"]
    assert fake_sleep == []
    error = error_from_response(
        status=response.status_code,
        method=response.request.method,
        path=response.request.url.path,
        content=response.content,
        headers=response.headers,
    )
    assert isinstance(error, ServerError)
    assert str(error) == f"POST {path} -> 503: maintenance"


def test_connection_refused_is_a_transport_error(make_toolkit, fake_sleep) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    toolkit = make_toolkit(
        api_url=f"http://127.0.0.1:{port}",
        transport=None,
        max_retries=1,
    )
    with pytest.raises(TransportError) as info:
        list(toolkit.iter_measurements_by_project(SEVERSON_ID))
    assert (
        str(info.value)
        == f"GET {SEVERSON_PATH} failed: ConnectError: cannot connect to http://127.0.0.1:{port} "
        "(api_url from --api-url / api_url=): [Errno 111] Connection refused"
    )
    assert (info.value.method, info.value.path) == ("GET", SEVERSON_PATH)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert fake_sleep == [1.0]  # one retry, then the error


async def test_connection_refused_async(make_async_toolkit, fake_sleep) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    toolkit = make_async_toolkit(api_url=f"http://127.0.0.1:{port}", transport=None, max_retries=2)
    with pytest.raises(TransportError) as info:
        async for _ in toolkit.iter_measurements_by_project(SEVERSON_ID):
            pass
    await toolkit.aclose()
    assert (
        str(info.value)
        == f"GET {SEVERSON_PATH} failed: ConnectError: cannot connect to http://127.0.0.1:{port} "
        "(api_url from --api-url / api_url=): All connection attempts failed"
    )
    assert fake_sleep == [1.0, 2.0]


@pytest.mark.sandbox
def test_dropped_connection_is_retried(sandbox_with, sandbox_toolkit, fake_sleep) -> None:
    server = sandbox_with(drop_connection_on_request=2)
    toolkit = sandbox_toolkit(server, max_retries=2)
    stats = WalkStats()
    records = list(toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=50, stats=stats))
    assert len(records) == 128
    assert len({r.id for r in records}) == 128
    assert stats == WalkStats(records=128, pages=3, requests=3, duplicates=0, total=128)
    assert server.app.state.request_counter.count == 4
    assert fake_sleep == [1.0]


@pytest.mark.sandbox
async def test_dropped_connection_is_retried_async(
    sandbox_with, sandbox_async_toolkit, fake_sleep
) -> None:
    server = sandbox_with(drop_connection_on_request=2)
    toolkit = sandbox_async_toolkit(server, max_retries=2)
    ids = [
        m.id
        async for m in toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=50, prefetch=1)
    ]
    await toolkit.aclose()
    assert len(set(ids)) == len(ids) == 128
    assert server.app.state.request_counter.count == 4
    assert fake_sleep == [1.0]


@pytest.mark.sandbox
def test_dropped_connection_without_retries(sandbox_with, sandbox_toolkit) -> None:
    server = sandbox_with(drop_connection_on_request=2)
    toolkit = sandbox_toolkit(server, max_retries=0)
    with pytest.raises(TransportError) as info:
        list(toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=50))
    assert str(info.value) == (
        f"GET {SEVERSON_PATH} failed: RemoteProtocolError: peer closed connection without "
        "sending complete message body (received 19 bytes, expected 4096)"
    )


@pytest.mark.sandbox
def test_sandbox_rate_limit_is_honoured(sandbox_with, sandbox_toolkit, fake_sleep) -> None:
    server = sandbox_with(rate_limit_every=2, retry_after_s=3)
    toolkit = sandbox_toolkit(server, max_retries=2)
    records = list(toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=50))
    assert len(records) == 128
    # requests 2 and 4 are rate limited: pages at 0, 50 (after one 3 s wait), 100 (idem)
    assert fake_sleep == [3.0, 3.0]
    assert server.app.state.request_counter.count == 5


# ----------------------------------------------------------------------------- projects


def projects_handler(projects: list[dict[str, Any]], calls: list[str]):
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/projects":
            offset = int(request.url.params.get("offset", 0))
            return httpx.Response(200, json=projects[offset:])
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    return handler


def test_resolve_project_by_name(make_toolkit) -> None:
    calls: list[str] = []
    projects = [project("Severson 2019 fast-charging cycle life", 1), project("Attia 2020", 2)]
    toolkit = make_toolkit(projects_handler(projects, calls))
    assert toolkit.resolve_project("  severson 2019 FAST-charging cycle life ") == str(
        uuid.UUID(int=1)
    )
    assert toolkit.resolve_project(str(uuid.UUID(int=99))) == str(uuid.UUID(int=99))
    assert calls == ["/projects"]  # a UUID is used as given, without a request
    assert [p.name for p in toolkit.list_projects()] == [
        "Severson 2019 fast-charging cycle life",
        "Attia 2020",
    ]


async def test_async_walk_by_project_name(make_async_toolkit, measurement) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/projects":
            return httpx.Response(200, json=[project("Attia 2020", 2)])
        items = [measurement(1), measurement(2)]
        return httpx.Response(200, json={"items": items, "count": 2, "total": 2})

    toolkit = make_async_toolkit(handler)
    ids = [m.id async for m in toolkit.iter_measurements_by_project("attia 2020")]
    await toolkit.aclose()
    assert ids == ["m-1", "m-2"]
    assert calls == ["/projects", f"/cell_measurements/by-project/{uuid.UUID(int=2)}"]


def test_resolve_project_by_non_uuid_id(make_toolkit) -> None:
    projects = [{**project("Custom", 1), "id": "proj-42"}]
    toolkit = make_toolkit(projects_handler(projects, []))
    assert toolkit.resolve_project("proj-42") == "proj-42"


def test_resolve_project_unknown_name_lists_the_closest(make_toolkit) -> None:
    projects = [
        project("Severson 2019 fast-charging cycle life", 1),
        project("Attia 2020 closed-loop fast-charging optimisation", 2),
        project("NASA PCoE Li-ion battery aging", 3),
    ]
    toolkit = make_toolkit(projects_handler(projects, []))
    with pytest.raises(NotFoundError) as info:
        toolkit.resolve_project("fast-charging")
    assert str(info.value) == (
        "no project named 'fast-charging'; closest: "
        "'Severson 2019 fast-charging cycle life'; "
        "'Attia 2020 closed-loop fast-charging optimisation'"
    )


def test_resolve_project_ambiguous_and_empty(make_toolkit) -> None:
    projects = [project("Twin", 1), project("twin", 2)]
    toolkit = make_toolkit(projects_handler(projects, []))
    with pytest.raises(ConfigurationError) as info:
        toolkit.resolve_project("TWIN")
    assert str(info.value) == (
        "project name 'TWIN' is ambiguous: 2 projects have it; use the project id: "
        f"'Twin' {uuid.UUID(int=1)}; 'twin' {uuid.UUID(int=2)}"
    )
    with pytest.raises(ConfigurationError, match=r"^PROJECT is empty: give a project id or name$"):
        toolkit.resolve_project("   ")


@pytest.mark.sandbox
def test_walk_by_project_name_against_the_sandbox(sandbox, sandbox_toolkit) -> None:
    toolkit = sandbox_toolkit(sandbox)
    names = [m.name for m in toolkit.iter_measurements_by_project("NASA PCoE Li-ion battery aging")]
    assert len(names) == 34
    assert toolkit.resolve_project("Sandbox empty project") == (
        "8a81f47b-7411-5823-ba42-4b954f060318"
    )
    assert list(toolkit.iter_measurements_by_project("Sandbox empty project")) == []


# ----------------------------------------------------------------------------- no credentials


def test_no_credentials_fails_before_any_request(make_toolkit, paged_server) -> None:
    server = paged_server(3)
    toolkit = make_toolkit(server, api_key=None)
    with pytest.raises(ConfigurationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "no credentials: set IONWORKS_API_KEY (or IONWORKS_API_TOKEN), pass api_key=..., or "
        "try the offline sandbox (--sandbox on the command line; run_in_thread(SandboxOptions()) "
        "from Python, see the README)"
    )
    assert server.requests == []


def test_auth_hook_returning_a_non_auth_is_a_plugin_error(make_toolkit, paged_server) -> None:
    class Broken:
        @hookimpl
        def ionworks_auth(self, settings: Any) -> Any:
            return "Bearer xyz"

    server = paged_server(3)
    toolkit = make_toolkit(server, plugins=[Broken()])
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "plugin Broken's ionworks_auth hook returned str, not httpx.Auth "
        "(switch it off with disable_plugins=['Broken'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=Broken)"
    )
    assert server.requests == []


# ----------------------------------------------------------------------------- hooks


def test_request_and_response_hooks_see_every_hop(make_toolkit, paged_server) -> None:
    events: list[str] = []

    class Observer:
        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            events.append(f"-> {request.method} {request.url.params['offset']}")

        @hookimpl
        def ionworks_response(self, response: httpx.Response) -> None:
            events.append(f"<- {response.status_code}")

    toolkit = make_toolkit(paged_server(30), plugins=[Observer()])
    list(toolkit.iter_measurements_by_project(PROJECT_ID, page_size=20))
    assert events == ["-> GET 0", "<- 200", "-> GET 20", "<- 200"]


async def test_hooks_in_the_async_client(make_async_toolkit, paged_server) -> None:
    events: list[str] = []

    class Observer:
        @hookimpl
        def ionworks_request(self, request: httpx.Request) -> None:
            events.append(f"-> {request.url.params['offset']}")

        @hookimpl
        def ionworks_response(self, response: httpx.Response) -> None:
            events.append(f"<- {response.request.url.params['offset']}")

    toolkit = make_async_toolkit(paged_server(10), plugins=[Observer()])
    assert len([m async for m in toolkit.iter_measurements_by_project(PROJECT_ID)]) == 10
    await toolkit.aclose()
    assert events == ["-> 0", "<- 0"]


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("response", "detail"),
    [
        (
            httpx.Response(200, html="<html><body>Maintenance</body></html>"),
            "expected JSON, got text/html; charset=utf-8 (37 bytes)",
        ),
        (
            httpx.Response(200, json="a string"),
            "expected a page or a list, got str",
        ),
        (
            httpx.Response(200, json={"items": [{"id": "m-1"}], "count": 1, "total": 1}),
            "response does not match list_cell_measurements_by_project's schema: "
            "items[0] (id 'm-1'): missing required key 'name'",
        ),
    ],
    ids=["html", "string", "schema"],
)
def test_unexpected_2xx_bodies(make_toolkit, response: httpx.Response, detail: str) -> None:
    toolkit = make_toolkit(lambda request: response)
    with pytest.raises(UnexpectedResponseError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == f"GET {BY_PROJECT} -> 200: {detail}"
    assert info.value.status == 200


def test_projects_page_envelope_is_read_too(make_toolkit) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        items = [project("A", 1), project("B", 2)][offset:]
        return httpx.Response(200, json={"items": items, "count": len(items), "total": 2})

    toolkit = make_toolkit(handler)
    assert [p.name for p in toolkit.list_projects()] == ["A", "B"]


def test_unknown_fields_are_kept(make_toolkit, measurement) -> None:
    item = measurement(1, future_field={"x": 1})
    toolkit = make_toolkit(
        lambda r: httpx.Response(200, json={"items": [item], "count": 1, "total": 1})
    )
    (record,) = list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert record.additional_properties == {"future_field": {"x": 1}}
    assert record.to_dict()["future_field"] == {"x": 1}


# ----------------------------------------------------------------------------- export


class ListSink(BaseSink):
    """A plugin-style sink keeping its pages in memory."""

    def __init__(self, label: str = "memory:", fail_on_page: int | None = None) -> None:
        super().__init__(label)
        self.pages: list[list[Mapping[str, Any]]] = []
        self.committed: list[Mapping[str, Any]] = []
        self.fail_on_page = fail_on_page

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        if self.fail_on_page == len(self.pages) + 1:
            raise OSError("disk full")
        self.pages.append(list(records))

    def _commit(self) -> None:
        self.committed = [r for page in self.pages for r in page]

    def _abort(self) -> None:
        self.pages = []


def test_export_to_a_sink_object_with_progress(make_toolkit, paged_server) -> None:
    toolkit = make_toolkit(paged_server(45))
    sink = ListSink()
    progress: list[tuple[int, int]] = []
    result = toolkit.export(
        PROJECT_ID, [sink], page_size=20, progress=lambda s: progress.append((s.records, s.pages))
    )
    assert [len(p) for p in sink.pages] == [20, 20, 5]
    assert [r["id"] for r in sink.committed] == [f"m-{i}" for i in range(45)]
    assert progress == [(20, 1), (40, 2), (45, 3)]
    assert result.sinks == ("wrote 45 records to memory:",)
    assert (result.records, result.pages, result.requests, result.total) == (45, 3, 3, 45)


async def test_async_export_with_max_records(make_async_toolkit, paged_server) -> None:
    toolkit = make_async_toolkit(paged_server(100))
    sink = ListSink()
    seen: list[int] = []
    result = await toolkit.export(
        PROJECT_ID, [sink], page_size=30, max_records=70, progress=lambda s: seen.append(s.records)
    )
    await toolkit.aclose()
    assert [r["id"] for r in sink.committed] == [f"m-{i}" for i in range(70)]
    assert seen == [30, 60, 70]
    assert result.records == 70


def test_export_sink_failure_aborts_every_sink(make_toolkit, paged_server, tmp_path) -> None:
    toolkit = make_toolkit(paged_server(45))
    out = tmp_path / "out.jsonl"
    good, bad = ListSink("good:"), ListSink("bad:", fail_on_page=2)
    with pytest.raises(SinkError) as info:
        toolkit.export(PROJECT_ID, [f"jsonl:{out}", good, bad], page_size=20)
    assert str(info.value) == "sink bad: failed: OSError: disk full"  # named by its label
    assert isinstance(info.value.__cause__, OSError)
    assert (good.state, bad.state) == ("aborted", "aborted")
    assert good.committed == []
    assert not out.exists()


class CommitFailingSink(ListSink):
    def _commit(self) -> None:
        raise OSError("cannot rename")


class AbortFailingSink(ListSink):
    def _abort(self) -> None:
        raise OSError("cannot clean up")


def test_a_commit_failure_aborts_the_other_sinks(
    make_toolkit, paged_server, caplog: pytest.LogCaptureFixture
) -> None:
    toolkit = make_toolkit(paged_server(5))
    first, failing, noisy = ListSink("first:"), CommitFailingSink("x:"), AbortFailingSink("y:")
    with pytest.raises(SinkError) as info:
        toolkit.export(PROJECT_ID, [first, failing, noisy])
    assert str(info.value) == "sink x: failed: OSError: cannot rename"
    # the first sink had committed already; the failing one aborted itself; the last one's
    # abort failed, which is logged and does not hide the original error
    assert (first.state, failing.state, noisy.state) == ("committed", "aborted", "aborted")
    assert [r.getMessage() for r in caplog.records if r.name == "ionworks_toolkit.http"] == [
        "could not abort sink y: (OSError: cannot clean up)"  # FINDINGS8 H6: named
    ]
    assert noisy.abort_left == "its abort failed (OSError); output state unknown"
    assert sink_outcome([("y:", noisy)]) == (
        "not rolled back: y: (its abort failed (OSError); output state unknown)"
    )


async def test_async_export_failure_aborts(make_async_toolkit, tmp_path) -> None:
    toolkit = make_async_toolkit(
        lambda r: httpx.Response(404, json={"detail": "Project not found"})
    )
    out = tmp_path / "out.jsonl"
    with pytest.raises(NotFoundError, match="Project not found"):
        await toolkit.export(PROJECT_ID, [f"jsonl:{out}"])
    await toolkit.aclose()
    assert not out.exists()


def test_export_rejects_bad_targets_before_any_request(make_toolkit, paged_server) -> None:
    server = paged_server(3)
    toolkit = make_toolkit(server)
    with pytest.raises(ConfigurationError) as info:
        toolkit.export(PROJECT_ID, ["ftp:somewhere"])
    assert str(info.value) == (
        "unknown sink scheme 'ftp' in 'ftp:somewhere'; allowed schemes: csv, dataset, jsonl, "
        "parquet, postgres, postgresql, sqlite, table"
    )
    with pytest.raises(ConfigurationError) as info:
        toolkit.export(PROJECT_ID, ["sqlite:x.db?colour=red"])
    assert str(info.value) == "unknown option 'colour' for sink 'sqlite'; allowed options: table"
    assert server.requests == []


def test_a_sink_factory_that_crashes_aborts_the_opened_ones(make_toolkit, paged_server) -> None:
    opened = ListSink("first:")

    class Plugin:
        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("mem", lambda target, options: opened)
            register("crash", self.crash)

        @staticmethod
        def crash(target: str, options: dict[str, str]) -> Any:
            raise RuntimeError(f"cannot open {target}")

    server = paged_server(3)
    toolkit = make_toolkit(server, plugins=[Plugin()])
    with pytest.raises(PluginError) as info:  # a plugin's bug, named (FINDINGS8 H1)
        toolkit.export(PROJECT_ID, ["mem:a", "crash:b"])
    assert str(info.value) == (
        "plugin Plugin's sink factory for 'crash' raised RuntimeError: cannot open b (switch "
        "it off with disable_plugins=['Plugin'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=Plugin)"
    )
    assert opened.state == "aborted"
    assert server.requests == []


def test_a_sink_factory_refusing_its_target_aborts_the_opened_ones(
    make_toolkit, paged_server
) -> None:
    opened = ListSink("first:")

    class Plugin:
        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("mem", lambda target, options: opened)
            register("picky", self.picky)

        @staticmethod
        def picky(target: str, options: dict[str, str]) -> Any:
            raise ValueError(f"picky: bad target {target!r}")

    server = paged_server(3)
    toolkit = make_toolkit(server, plugins=[Plugin()])
    with pytest.raises(ConfigurationError) as info:
        toolkit.export(PROJECT_ID, ["mem:a", "picky:b"])
    assert str(info.value) == "picky: bad target 'b'"
    assert opened.state == "aborted"
    assert server.requests == []


# ----------------------------------------------------------------------------- misc


def test_redact_url() -> None:
    url = httpx.URL("https://api.example.com/p?api_key=sk-1&offset=5&access_token=t&name=x")
    assert redact_url(url) == (
        "https://api.example.com/p?api_key=%2A%2A%2A&offset=5&access_token=%2A%2A%2A&name=x"
    )
    assert redact_url(httpx.URL("https://api.example.com/p")) == "https://api.example.com/p"


def test_context_managers_close_the_clients(make_toolkit) -> None:
    with make_toolkit() as toolkit:
        client = toolkit.client.get_httpx_client()
    assert client.is_closed
    assert repr(toolkit) == "Toolkit(api_url='https://api.example.com', credential=set, plugins=3)"


async def test_async_context_manager_closes_its_client(make_async_toolkit) -> None:
    async with make_async_toolkit(api_key=None) as toolkit:
        async_client = toolkit.client.get_async_httpx_client()
    assert async_client.is_closed and toolkit.is_closed
    assert repr(toolkit) == (
        "AsyncToolkit(api_url='https://api.example.com', credential=none, plugins=3)"
    )


def test_close_before_use_is_harmless(make_toolkit) -> None:
    toolkit = make_toolkit()
    toolkit.close()
    assert toolkit._client is None


def test_records_are_json_compatible_dicts(make_toolkit, measurement, tmp_path) -> None:
    item = measurement(1, start_time="2017-05-12T10:00:00Z", tags=["a"])
    toolkit = make_toolkit(
        lambda r: httpx.Response(200, json={"items": [item], "count": 1, "total": 1})
    )
    out = tmp_path / "one.jsonl"
    toolkit.export(PROJECT_ID, [f"jsonl:{out}"])
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["id"] == "m-1"
    assert record["start_time"] == "2017-05-12T10:00:00Z"  # UTC with Z (sinks/_columns.py)
    assert record["tags"] == ["a"]


def test_a_broken_observer_or_registration_hook_is_named(make_toolkit, paged_server) -> None:
    class LoudObserver:
        @hookimpl
        def ionworks_request(self, request: Any) -> None:
            raise RuntimeError("observer bug")

    class BadPresets:
        @hookimpl
        def ionworks_register_presets(self, register: Any) -> None:
            raise ValueError("preset bug")

    server = paged_server(3)
    toolkit = make_toolkit(server, plugins=[LoudObserver(), BadPresets()])
    # The preset plugin is switched off and listed as failed; the rest works.
    failed = [i for i in toolkit.plugins.list_plugins() if i.status == "failed"]
    assert [(i.name, i.error) for i in failed] == [
        ("BadPresets", "ionworks_register_presets raised ValueError: preset bug")
    ]
    assert "lfp-cathode" in [p.name for p in toolkit.presets]
    with pytest.raises(PluginError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "plugin LoudObserver's ionworks_request hook raised RuntimeError: observer bug "
        "(switch it off with disable_plugins=['LoudObserver'] or "
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=LoudObserver)"
    )
    assert server.requests == []


def test_an_exact_case_match_wins_over_names_that_differ_only_in_case(make_toolkit) -> None:
    projects = [project("Cells", 1), project("cells", 2), project("CELLS", 3)]
    toolkit = make_toolkit(projects_handler(projects, []))
    assert toolkit.resolve_project("Cells") == str(uuid.UUID(int=1))
    assert toolkit.resolve_project("cells") == str(uuid.UUID(int=2))
    with pytest.raises(ConfigurationError) as info:
        toolkit.resolve_project("cELLS")
    assert str(info.value) == (
        "project name 'cELLS' is ambiguous: 3 projects have it; use the project id: "
        f"'Cells' {uuid.UUID(int=1)}; 'cells' {uuid.UUID(int=2)}; 'CELLS' {uuid.UUID(int=3)}"
    )
