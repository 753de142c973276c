"""transport.py piece by piece, with exact values (the mutation audit's ``transport`` group).

The end-to-end tests over loopback servers (caps, deadlines, proxies, TLS, redirects) are in
``test_http_transport.py``; these pin the limit messages and boundaries, the async paths, the
cancel-safe layer, the deadline watch's socket shutdown, proxy errors and the send helpers,
so that one changed constant, comparison or string in ``transport.py`` fails a test
(``python scripts/mutants.py transport``).
"""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from ionworks_toolkit import ConfigurationError, Settings, TransportError, transport
from ionworks_toolkit.auth import IonworksAuth
from ionworks_toolkit.settings import Secret
from ionworks_toolkit.transport import (
    CancelSafeTransport,
    DeadlineExceeded,
    LimitedTransport,
    ResponseTooLarge,
    _Attempt,
    _path_of,
    _proxy_transport,
    _size,
    asend,
    client_kwargs,
    send,
    transport_error,
)

KEY = "sk-live-0123456789"


def request(url: str = "https://api.example.com/cell_instances/ci-1") -> httpx.Request:
    return httpx.Request("GET", url)


# ----------------------------------------------------------------------- sizes and messages


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1 KiB"),
        (1536, "1.5 KiB"),
        (1024**2 - 1024, "1023 KiB"),
        (1024**2, "1 MiB"),
        (256 * 1024**2, "256 MiB"),
        (1024**3, "1 GiB"),
        (3 * 1024**3, "3 GiB"),
        (1024**4, "1024 GiB"),
    ],
)
def test_size(n: int, text: str) -> None:
    assert _size(n) == text


@pytest.mark.parametrize("limit", [10, 11])
def test_a_body_in_memory_over_the_cap(limit: int) -> None:
    sent = request()
    transport = LimitedTransport(
        httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 11)),
        max_bytes=limit,
        timeout=5.0,
    )
    if limit == 11:  # exactly the cap: allowed
        assert transport.handle_request(sent).content == b"x" * 11
        return
    with pytest.raises(ResponseTooLarge) as info:
        transport.handle_request(sent)
    assert str(info.value) == (
        "response body is larger than max_response_bytes=10 (10 bytes, counted after "
        "decompression); raise it with IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES or "
        "max_response_bytes="
    )
    assert info.value.request is sent


def _gzipped(request: httpx.Request) -> httpx.Response:
    body = gzip.compress(b'{"items": []}')
    return httpx.Response(200, content=body, headers={"content-encoding": "gzip", "x-id": "7"})


def test_an_in_memory_response_is_handed_up_decoded_without_its_encoding() -> None:
    # A response given whole (MockTransport, a cassette) is read, and so decoded: it loses
    # its Content-Encoding and gets the decoded length, as a streamed one does.
    transport = LimitedTransport(httpx.MockTransport(_gzipped), max_bytes=100, timeout=5.0)
    with httpx.Client(transport=transport) as client:
        response = client.get("https://api.example.com/projects")
    assert response.content == b'{"items": []}'
    assert dict(response.headers) == {"x-id": "7", "content-length": "13"}


async def test_an_async_in_memory_response_too() -> None:
    transport = LimitedTransport(httpx.MockTransport(_gzipped), max_bytes=100, timeout=5.0)
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get("https://api.example.com/projects")
    assert response.content == b'{"items": []}'
    assert dict(response.headers) == {"x-id": "7", "content-length": "13"}


def test_an_in_memory_response_without_an_encoding_is_handed_up_as_it_is() -> None:
    given = httpx.Response(200, content=b"{}", headers={"x-id": "8"})
    transport = LimitedTransport(httpx.MockTransport(lambda r: given), max_bytes=100, timeout=5.0)
    assert transport.handle_request(request()) is given
    assert dict(given.headers) == {"x-id": "8", "content-length": "2"}


def test_a_page_over_the_cap_names_a_smaller_page_first() -> None:
    # FINDINGS7 G26: for a page of a list, a smaller page is the usual fix.
    sent = request("https://api.example.com/projects?limit=250&offset=500")
    transport = LimitedTransport(
        httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 11)),
        max_bytes=10,
        timeout=5.0,
    )
    with pytest.raises(ResponseTooLarge) as info:
        transport.handle_request(sent)
    assert str(info.value) == (
        "response body is larger than max_response_bytes=10 (10 bytes, counted after "
        "decompression); this page asked for limit=250 records: ask for smaller pages "
        "(--page-size, page_size=), or raise it with IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES or "
        "max_response_bytes="
    )


# ---------------------------------------------------------------------- async, streamed


class _Chunks(httpx.AsyncByteStream):
    def __init__(self, *chunks: bytes, pause: float = 0.0) -> None:
        self._chunks = chunks
        self._pause = pause

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            if self._pause:
                await asyncio.sleep(self._pause)
            yield chunk


def _async_limited(handler: Any, *, max_bytes: int = 1000, timeout: float = 5.0) -> Any:
    return LimitedTransport(httpx.MockTransport(handler), max_bytes=max_bytes, timeout=timeout)


def test_async_streamed_body_is_read_and_rebuilt() -> None:
    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"X-Seen": "1"}, stream=_Chunks(b"ab", b"cd"))

    sent = request()
    response = asyncio.run(_async_limited(handler).handle_async_request(sent))
    assert response.status_code == 200
    assert response.headers["content-length"] == "4"
    assert response.headers["x-seen"] == "1"
    assert asyncio.run(response.aread()) == b"abcd"


@pytest.mark.parametrize("header", ["Content-Encoding", "CONTENT-ENCODING"])
def test_async_gzip_body_is_decoded_and_counted_decoded(header: str) -> None:
    body = b'{"items": []}' * 50
    packed = gzip.compress(body)

    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={header: "gzip"}, stream=_Chunks(packed))

    response = asyncio.run(_async_limited(handler).handle_async_request(request()))
    assert asyncio.run(response.aread()) == body
    assert "content-encoding" not in response.headers
    sent = request()
    with pytest.raises(ResponseTooLarge) as info:
        asyncio.run(_async_limited(handler, max_bytes=len(body) - 1).handle_async_request(sent))
    assert info.value.request is sent


def test_async_declared_length_over_the_cap() -> None:
    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "2000"}, stream=_Chunks(b"x"))

    sent = request()
    with pytest.raises(ResponseTooLarge, match=r"max_response_bytes=1000 \(1000 bytes,") as info:
        asyncio.run(_async_limited(handler).handle_async_request(sent))
    assert info.value.request is sent


def test_async_in_memory_body_over_the_cap() -> None:
    sent = request()
    with pytest.raises(ResponseTooLarge) as info:
        asyncio.run(
            _async_limited(
                lambda r: httpx.Response(200, content=b"y" * 5), max_bytes=4
            ).handle_async_request(sent)
        )
    assert info.value.request is sent


def test_async_deadline_covers_the_whole_body() -> None:
    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Chunks(b"a", b"b", b"c", pause=0.2))

    sent = request()
    with pytest.raises(DeadlineExceeded) as info:
        asyncio.run(_async_limited(handler, timeout=0.3).handle_async_request(sent))
    assert str(info.value) == (
        "no complete response within the 0.3 s timeout (body included); raise it with "
        "IONWORKS_TOOLKIT_TIMEOUT or timeout="
    )
    assert info.value.request is sent


@pytest.mark.parametrize("late", [False, True])
def test_async_inner_timeout_is_ours_only_at_the_deadline(
    late: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An httpx timeout from below, well before our deadline, passes through unchanged; at
    the deadline (within 10 ms) it is reported as our DeadlineExceeded."""
    import ionworks_toolkit.transport as transport_module

    sent = request()
    clock = [100.0]
    monkeypatch.setattr(transport_module.time, "monotonic", lambda: clock[0])

    def handler(r: httpx.Request) -> httpx.Response:
        clock[0] += 9.995 if late else 9.98  # the deadline is 100 + 10
        raise httpx.ReadTimeout("timed out", request=r)

    with pytest.raises(httpx.TimeoutException) as info:
        asyncio.run(_async_limited(handler, timeout=10.0).handle_async_request(sent))
    if late:
        assert type(info.value) is DeadlineExceeded
        assert str(info.value).startswith("no complete response within the 10 s timeout")
        assert info.value.request is sent
    else:
        assert type(info.value) is httpx.ReadTimeout


def test_async_deadline_exceeded_from_below_is_not_wrapped(monkeypatch) -> None:
    sent = request()
    mine = DeadlineExceeded("earlier", request=sent)

    def handler(r: httpx.Request) -> httpx.Response:
        raise mine

    with pytest.raises(DeadlineExceeded) as info:
        asyncio.run(_async_limited(handler, timeout=10.0).handle_async_request(sent))
    assert info.value is mine


# --------------------------------------------------------------------------- cancel-safe


def test_cancel_safe_transport_finishes_and_forgets_cancelled_requests() -> None:
    release = asyncio.Event
    results: list[Any] = []

    async def scenario() -> None:
        gate = release()

        async def slow(r: httpx.Request) -> httpx.Response:
            await gate.wait()
            raise httpx.ReadError("dropped after the caller left", request=r)

        transport = CancelSafeTransport(httpx.MockTransport(slow))
        caller = asyncio.ensure_future(transport.handle_async_request(request()))
        await asyncio.sleep(0.01)
        assert len(transport._running) == 1
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert len(transport._running) == 1  # still finishing in the background
        gate.set()
        await asyncio.sleep(0.01)  # it ends by itself; its error is not raised anywhere
        results.append(len(transport._running))
        await transport.aclose()

        fast = CancelSafeTransport(httpx.MockTransport(lambda r: httpx.Response(204)))
        response = await fast.handle_async_request(request())
        results.append(response.status_code)
        results.append(len(fast._running))

    asyncio.run(scenario())
    assert results == [0, 204, 0]


def test_cancel_safe_transport_aclose_cancels_requests_still_running() -> None:
    """Closing (a Ctrl-C while a request is in flight) never waits for a server that does not
    answer: the background request is cancelled, then the pool closed."""
    results: list[Any] = []

    async def scenario() -> None:
        never = asyncio.Event()
        closed: list[str] = []

        async def silent(r: httpx.Request) -> httpx.Response:
            await never.wait()  # a server that accepts and never answers
            raise AssertionError("unreachable")

        inner = httpx.MockTransport(silent)

        async def inner_aclose() -> None:
            closed.append("pool")

        inner.aclose = inner_aclose  # type: ignore[method-assign]
        transport = CancelSafeTransport(inner)
        caller = asyncio.ensure_future(transport.handle_async_request(request()))
        await asyncio.sleep(0.01)
        (background,) = transport._running
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        await transport.aclose()
        results.extend([background.cancelled(), len(transport._running), closed])

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert results == [True, 0, ["pool"]]


def test_cancel_safe_transport_passes_the_request_and_error_to_the_caller() -> None:
    seen: list[httpx.Request] = []

    def failing(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        raise httpx.ConnectError("refused", request=r)

    sent = request()

    async def scenario() -> None:
        transport = CancelSafeTransport(httpx.MockTransport(failing))
        with pytest.raises(httpx.ConnectError, match=r"^refused$"):
            await transport.handle_async_request(sent)
        await transport.aclose()

    asyncio.run(scenario())
    assert seen == [sent]


# --------------------------------------------------------------- deadline watch: _Attempt


class _Stream:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def get_extra_info(self, name: str) -> Any:
        return self._sock if name == "socket" else None


def _is_shut(sock: socket.socket) -> bool:
    try:
        sock.send(b"x")
    except OSError:
        return True
    return False


def test_an_abandoned_attempt_shuts_its_socket_down() -> None:
    mine, peer = socket.socketpair()
    with mine, peer:
        attempt = _Attempt()
        attempt.connected(_Stream(mine))
        assert not _is_shut(mine)
        attempt.abandon()
        assert _is_shut(mine)
        assert peer.recv(10) == b"x"  # what was sent before; then end of stream
        assert peer.recv(10) == b""


def test_a_connection_after_abandon_is_shut_at_once() -> None:
    mine, peer = socket.socketpair()
    with mine, peer:
        attempt = _Attempt()
        attempt.abandon()  # nothing to shut yet
        attempt.connected(_Stream(mine))
        assert _is_shut(mine)
    other, other_peer = socket.socketpair()
    with other, other_peer:
        kept = _Attempt()
        kept.connected(_Stream(other))
        assert not _is_shut(other)


def test_shutting_a_closed_socket_is_quiet() -> None:
    mine, peer = socket.socketpair()
    peer.close()
    mine.close()
    attempt = _Attempt()
    attempt.connected(_Stream(mine))
    attempt.abandon()  # OSError (bad file descriptor) suppressed
    _Attempt().abandon()
    _Attempt().connected(None)


# --------------------------------------------------------------------------------- proxies


def test_proxy_transport_kinds() -> None:
    sync = _proxy_transport("http://127.0.0.1:3128", True, False)
    assert type(sync).__mro__[1] is httpx.HTTPTransport  # one that names the proxy it failed
    assert str(sync.proxy.url) == "http://127.0.0.1:3128"
    asynchronous = _proxy_transport("http://127.0.0.1:3128", True, True)
    assert type(asynchronous).__mro__[1] is httpx.AsyncHTTPTransport


def test_proxy_transport_errors_never_show_the_password(monkeypatch) -> None:
    with pytest.raises(ConfigurationError) as info:
        _proxy_transport("ftp://user:pw@127.0.0.1:21", True, False)
    assert str(info.value) == (
        "proxy: Unknown scheme for proxy URL URL('ftp://user:[secure]@127.0.0.1')"
    )

    class NoSocks:
        def __init__(self, **kwargs: Any) -> None:
            raise ImportError("Using SOCKS proxy, but the 'socksio' package is not installed.")

    monkeypatch.setattr(transport, "_ProxyTransport", NoSocks)
    with pytest.raises(ConfigurationError) as info:
        _proxy_transport("socks5://user:pw@127.0.0.1:1080", True, False)
    assert str(info.value) == (
        "proxy socks5://127.0.0.1:1080: Using SOCKS proxy, but the 'socksio' package is not "
        "installed."
    )


# --------------------------------------------------------------------------------- sending


@pytest.mark.parametrize(
    ("url", "path"),
    [("/cell_instances?api_key=sk-1", "/cell_instances"), ("/a b?c", "/a b"), ("/p", "/p")],
)
def test_path_of(url: str, path: str) -> None:
    assert _path_of({"url": url}) == path
    assert _path_of({}) == ""


def test_transport_error_names_method_and_path_and_redacts() -> None:
    error = transport_error(
        {"method": "get", "url": f"/cell_instances?api_key={KEY}"},
        httpx.ConnectError(f"refused for {KEY}"),
        [KEY],
    )
    assert isinstance(error, TransportError)
    assert str(error) == "GET /cell_instances failed: ConnectError: refused for ***"
    bare = transport_error({"method": "head", "url": "/x"}, httpx.ReadError(""))
    assert str(bare) == "HEAD /x failed: ReadError"


def _kwargs(handler: Any, asynchronous: bool) -> dict[str, Any]:
    settings = Settings(api_url="https://api.example.com", api_key=KEY, max_retries=0)
    return client_kwargs(
        settings,
        auth=IonworksAuth(api_key=Secret(KEY)),
        transport=httpx.MockTransport(handler),
        asynchronous=asynchronous,
        on_request=[],
        on_response=[],
    )


def _echo_refusal(r: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"refused key {r.headers['x-api-key']}", request=r)


def test_send_redacts_the_key_from_a_transport_error() -> None:
    with (
        httpx.Client(**_kwargs(_echo_refusal, False)) as client,
        pytest.raises(TransportError) as info,
    ):
        send(client, {"method": "get", "url": "/cell_instances"})
    assert str(info.value) == "GET /cell_instances failed: ConnectError: refused key ***"


def test_asend_redacts_the_key_from_a_transport_error() -> None:
    async def scenario() -> str:
        async with httpx.AsyncClient(**_kwargs(_echo_refusal, True)) as client:
            with pytest.raises(TransportError) as info:
                await asend(client, {"method": "get", "url": "/cell_instances"})
        return str(info.value)

    assert asyncio.run(scenario()) == "GET /cell_instances failed: ConnectError: refused key ***"


def test_client_kwargs_values() -> None:
    kwargs = _kwargs(lambda r: httpx.Response(200), False)
    assert kwargs["base_url"] == "https://api.example.com"
    assert kwargs["timeout"] == httpx.Timeout(30.0)
    assert (kwargs["follow_redirects"], kwargs["max_redirects"]) == (True, 10)
    assert kwargs["trust_env"] is False
    assert kwargs["mounts"] is None
    assert isinstance(kwargs["transport"]._sync_transport, LimitedTransport) or isinstance(
        kwargs["transport"], LimitedTransport
    )
    assert kwargs["event_hooks"]["request"] == []
    assert len(kwargs["event_hooks"]["response"]) == 1


def test_async_deadline_holds_while_nothing_arrives() -> None:
    """A body that never sends a byte: only the deadline's cancellation scope can end it."""

    class Stalled(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            await asyncio.Event().wait()  # never set
            yield b""

    sent = request()

    async def scenario() -> None:
        limited = _async_limited(lambda r: httpx.Response(200, stream=Stalled()), timeout=0.2)
        await asyncio.wait_for(limited.handle_async_request(sent), 10)

    with pytest.raises(DeadlineExceeded, match=r"^no complete response within the 0\.2 s "):
        asyncio.run(scenario())


def test_cancel_safe_transport_outside_asyncio_calls_straight_through() -> None:
    """Another event loop library (no asyncio loop running): no task, the request as given."""
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return httpx.Response(204)

    sent = request()
    transport = CancelSafeTransport(httpx.MockTransport(handler))
    coroutine = transport.handle_async_request(sent)
    with pytest.raises(StopIteration) as stop:
        coroutine.send(None)  # runs to the end: nothing in it waits
    assert stop.value.value.status_code == 204
    assert seen == [sent]
    assert transport._running == set()


@pytest.mark.parametrize(
    ("status", "kind"),
    [(299, None), (300, "3xx"), (399, "3xx"), (400, "4xx"), (401, "4xx"), (500, "4xx")],
)
def test_raise_for_status_boundaries(status: int, kind: str | None) -> None:
    from ionworks_toolkit.errors import APIError, UnexpectedResponseError
    from ionworks_toolkit.transport import raise_for_status

    response = httpx.Response(status, json={"detail": "no"}, request=request())
    if kind is None:
        assert raise_for_status(response) is response
        return
    with pytest.raises(APIError) as info:
        raise_for_status(response)
    if kind == "3xx":
        assert type(info.value) is UnexpectedResponseError
        assert str(info.value).endswith("without a redirect to follow; the body is not data")
    else:
        assert "without a redirect" not in str(info.value)
        assert info.value.status == status


def test_path_of_cuts_at_the_first_question_mark() -> None:
    assert _path_of({"url": "/a?b?c"}) == "/a"


def test_an_error_body_that_is_not_utf8_still_makes_the_error() -> None:
    from ionworks_toolkit.errors import APIError
    from ionworks_toolkit.transport import raise_for_status

    response = httpx.Response(400, content=b"\xffbad request", request=request())
    with pytest.raises(APIError) as info:
        raise_for_status(response)
    assert info.value.status == 400
    # the 12 bytes sent (FINDINGS10 K9: was 14, the body decoded with U+FFFD for the bad byte
    # and re-encoded)
    assert str(info.value) == (
        "GET /cell_instances/ci-1 -> 400: non-JSON response body (unknown content type, 12 bytes)"
    )
