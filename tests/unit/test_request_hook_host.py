"""An ``ionworks_request`` hook may not change the ``Host`` header (FINDINGS8 H17).

A hook that set ``request.headers["Host"] = "evil.example"`` was not refused: both requests
reached the server with that header and the API key. Behind a shared reverse proxy or API
gateway the ``Host`` header picks the backend, so it is the origin change README forbids
("may change a header or the path, not the origin"). Refused now, before the request is sent,
from ``Toolkit`` and ``AsyncToolkit`` alike; a change of letter case alone is allowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from ionworks_toolkit import PluginError, hookimpl

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
ADVICE = "switch it off with disable_plugins=['router'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=router"


class Router:
    """A plugin whose request hook does ``change(request)``."""

    name = "router"

    def __init__(self, change: Callable[[httpx.Request], None]) -> None:
        self.change = change

    @hookimpl
    def ionworks_request(self, request: httpx.Request) -> None:
        self.change(request)


def _set_evil(request: httpx.Request) -> None:
    request.headers["Host"] = "evil.example"


def _remove(request: httpx.Request) -> None:
    del request.headers["host"]


def _add_second(request: httpx.Request) -> None:
    request.headers = httpx.Headers([*request.headers.multi_items(), ("Host", "evil.example")])


def _upper(request: httpx.Request) -> None:
    request.headers["Host"] = "API.EXAMPLE.COM"


def _set_long(request: httpx.Request) -> None:
    request.headers["Host"] = "h" * 300


def _set_same(request: httpx.Request) -> None:
    request.headers["host"] = "api.example.com"


class Seen:
    """A server that records each request's Host header and key, answering an empty page."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.headers["host"], request.headers.get("x-api-key")))
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})


def _refusal(shown: str) -> str:
    return (
        "plugin router's ionworks_request hook changed the Host header of a request to "
        f"https://api.example.com:443 from 'api.example.com' to {shown}: refused, because a "
        "proxy or gateway may route it to another server by that header and the request "
        "carries the session's credentials, which are never sent to another origin "
        f"({ADVICE})"
    )


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (_set_evil, "'evil.example'"),
        (_remove, "nothing (removed)"),
        (_add_second, "'api.example.com', 'evil.example'"),
    ],
)
def test_a_host_header_change_is_refused_before_the_request_is_sent(
    make_toolkit, change: Callable[[httpx.Request], None], shown: str
) -> None:
    server = Seen()
    toolkit = make_toolkit(server, api_key="Zk9-LongSecretValue-123456", plugins=[Router(change)])
    with pytest.raises(PluginError) as caught:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(caught.value) == _refusal(shown)
    assert server.requests == []


def test_the_async_toolkit_refuses_it_too(make_async_toolkit) -> None:
    server = Seen()

    async def run() -> None:
        async with make_async_toolkit(server, plugins=[Router(_set_evil)]) as toolkit:
            async for _ in toolkit.iter_measurements_by_project(PROJECT_ID):
                pass

    with pytest.raises(PluginError) as caught:
        asyncio.run(run())
    assert str(caught.value) == _refusal("'evil.example'")
    assert server.requests == []


def test_a_long_host_value_is_cut_in_the_message(make_toolkit) -> None:
    server = Seen()
    toolkit = make_toolkit(server, plugins=[Router(_set_long)])
    with pytest.raises(PluginError) as caught:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(caught.value) == _refusal(repr("h" * 100))


def test_the_same_host_in_other_letters_or_set_again_is_sent(make_toolkit) -> None:
    for change in (_upper, _set_same):
        server = Seen()
        toolkit = make_toolkit(server, api_key="k-123456789", plugins=[Router(change)])
        assert list(toolkit.iter_measurements_by_project(PROJECT_ID)) == []
        assert len(server.requests) == 1
        assert server.requests[0][0].lower() == "api.example.com"
