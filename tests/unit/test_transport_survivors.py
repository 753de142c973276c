"""transport.py: behaviours that mutants of the ``transport`` group survived (issue 19), each
pinned with exact values; no wall-clock bounds, no server (fakes and loopback-free mocks).
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import gzip
import socket
import ssl
import threading
import time
import types
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import ConfigurationError, Settings, transport
from ionworks_toolkit.errors import UnexpectedResponseError
from ionworks_toolkit.transport import (
    CancelSafeTransport,
    DeadlineExceeded,
    LimitedTransport,
    ResponseTooLarge,
    _Attempt,
    _DeadlineWatch,
    check_redirect,
    client_kwargs,
)


def test_an_error_after_the_caller_left_is_retrieved_not_reported_as_lost() -> None:
    """A request whose caller was cancelled fails later in the background: its exception is
    retrieved by the transport, so asyncio never reports "Task exception was never
    retrieved" (which would reach the user's log as an unhandled error)."""
    reported: list[dict[str, Any]] = []

    async def scenario() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, c: reported.append(c))
        gate = asyncio.Event()

        async def late_failure(r: httpx.Request) -> httpx.Response:
            await gate.wait()
            raise httpx.ReadError("dropped after the caller left", request=r)

        transport = CancelSafeTransport(httpx.MockTransport(late_failure))
        caller = asyncio.ensure_future(
            transport.handle_async_request(httpx.Request("GET", "https://api.example/x"))
        )
        for _ in range(5):
            await asyncio.sleep(0)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        gate.set()
        for _ in range(20):  # the background task ends and its done callback runs
            if not transport._running:
                break
            await asyncio.sleep(0)
        assert transport._running == set()
        del caller
        gc.collect()  # a task with an unretrieved exception reports it when collected
        await asyncio.sleep(0)

    asyncio.run(scenario())
    gc.collect()
    assert [c.get("message") for c in reported] == []


# ----------------------------------------------------------------------- redirects


def redirect(status: int, location: str, method: str = "GET") -> httpx.Response:
    sent = httpx.Request(method, "https://api.example/items")
    return httpx.Response(status, headers={"Location": location}, request=sent)


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_same_origin_301_302_303_answering_head_is_followed(status: int) -> None:
    assert check_redirect(redirect(status, "/items/", "HEAD"), "https://api.example") is None


def test_an_unparsable_location_is_shown_cut_at_200_characters() -> None:
    location = "http://[::1" + "x" * 300
    with pytest.raises(UnexpectedResponseError) as info:
        check_redirect(redirect(307, location), "https://api.example")
    assert str(info.value) == (
        f"GET /items -> 307: redirected to another origin: Location {location[:200]}; not "
        "followed (credentials go only to https://api.example: if the API moved, set api_url "
        "to its new address)"
    )


# ----------------------------------------------------------------------- the rebuilt response


def test_the_rebuilt_response_drops_the_transfer_encoding_and_keeps_the_extensions() -> None:
    original = httpx.Response(
        200,
        headers={"Transfer-Encoding": "chunked", "Content-Encoding": "gzip", "X-Id": "7"},
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": b"OK"},
    )
    rebuilt = LimitedTransport._rebuild(original, b"[1, 2]")
    assert rebuilt.headers.multi_items() == [("x-id", "7"), ("content-length", "6")]
    assert rebuilt.extensions == {"http_version": b"HTTP/1.1", "reason_phrase": b"OK"}
    assert (rebuilt.status_code, rebuilt.read()) == (200, b"[1, 2]")


# ----------------------------------------------------------------------- the deadline watch


class _Streaming(httpx.SyncByteStream):
    def __iter__(self):  # type: ignore[no-untyped-def]
        yield b"[]"


def test_the_watch_hands_each_attempt_its_network_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attempt learns its response's network stream (to shut it down if abandoned)."""
    connected: list[Any] = []
    monkeypatch.setattr(_Attempt, "connected", lambda self, stream: connected.append(stream))
    marker = object()

    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Streaming(), extensions={"network_stream": marker})

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=30)
    limited._watch = _DeadlineWatch()
    response = limited.handle_request(httpx.Request("GET", "https://api.example/x"))
    limited.close()
    assert (response.read(), connected) == (b"[]", [marker])


def test_the_watch_runs_attempts_in_named_workers_with_the_callers_context() -> None:
    seen: list[Any] = []
    variable: contextvars.ContextVar[str] = contextvars.ContextVar("variable", default="unset")
    variable.set("caller's")

    def attempt_fn(attempt: _Attempt) -> httpx.Response:
        seen.extend([threading.current_thread().name, variable.get(), type(attempt)])
        return httpx.Response(204)

    watch = _DeadlineWatch(max_workers=3)
    response = watch.run(attempt_fn, float("inf"), lambda: DeadlineExceeded("late"))
    assert response.status_code == 204
    assert watch._pool is not None and watch._pool._max_workers == 3
    assert _DeadlineWatch()._max_workers == 64
    watch.close()
    assert seen == ["ionworks-http_0", "caller's", _Attempt]
    assert watch._pool is None


def test_every_expired_attempt_is_counted_and_its_error_names_the_request() -> None:
    """A deadline already past: the attempt (still blocked) is abandoned at once, the error is
    DeadlineExceeded for the request sent, and each expiry counts."""
    release = threading.Event()

    def handler(r: httpx.Request) -> httpx.Response:
        release.wait(30)
        return httpx.Response(204)

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=0)
    limited._watch = _DeadlineWatch()
    sent = [httpx.Request("GET", f"https://api.example/{n}") for n in range(2)]
    errors = []
    for request in sent:
        with pytest.raises(DeadlineExceeded) as info:
            limited.handle_request(request)
        errors.append(info.value)
    release.set()
    limited.close()
    assert limited._watch.expired == 2
    assert [e.request for e in errors] == sent
    assert str(errors[0]) == (
        "no complete response within the 0 s timeout (body included); raise it with "
        "IONWORKS_TOOLKIT_TIMEOUT or timeout="
    )


# ----------------------------------------------------------------------- _attempt on a fake clock


class Clock:
    """``time.monotonic`` for transport.py alone: moved by the fake server, never by the
    test's own duration (no wall-clock bound in any assertion)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(transport, "time", types.SimpleNamespace(monotonic=fake.monotonic))
    return fake


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A streamed body that records the read timeout in force when it is read."""

    def __init__(self, request: httpx.Request, seen: list[Any]) -> None:
        self._request, self._seen = request, seen

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._seen.append(self._request.extensions["timeout"]["read"])
        yield b"[]"

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        self._seen.append(self._request.extensions["timeout"]["read"])
        yield b"[]"


def test_the_body_phase_reads_with_the_time_left(clock: Clock) -> None:
    """The head took 9.5 s of a 10 s deadline: the body is read with 0.5 s, not the 10 s the
    head phase was armed with."""
    seen: list[Any] = []

    def handler(r: httpx.Request) -> httpx.Response:
        clock.now += 9.5
        return httpx.Response(200, stream=_Body(r, seen))

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=10)
    sent = httpx.Request("GET", "https://api.example/x")
    response = limited.handle_request(sent)
    assert (response.read(), seen) == (b"[]", [0.5])


@pytest.mark.parametrize(("spent", "late"), [(9.99, True), (9.98, False), (10.5, True)])
def test_a_timeout_at_the_head_is_the_deadline_from_10_ms_before_it(
    clock: Clock, spent: float, late: bool
) -> None:
    """httpx's own timeout while waiting for the head: DeadlineExceeded (naming the request
    and the timeout, caused by httpx's error) once the deadline is less than 10 ms away,
    httpx's error itself before."""
    start = clock.now

    def handler(r: httpx.Request) -> httpx.Response:
        clock.now = start + spent
        raise httpx.ConnectTimeout("connect timed out", request=r)

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=10)
    sent = httpx.Request("GET", "https://api.example/x")
    with pytest.raises(httpx.TimeoutException) as info:
        limited.handle_request(sent)
    error = info.value
    if late:
        assert type(error) is DeadlineExceeded
        assert str(error) == (
            "no complete response within the 10 s timeout (body included); raise it with "
            "IONWORKS_TOOLKIT_TIMEOUT or timeout="
        )
        assert error.request is sent
        assert type(error.__cause__) is httpx.ConnectTimeout
    else:
        assert type(error) is httpx.ConnectTimeout


@pytest.mark.parametrize(("spent", "late"), [(9.99, True), (9.98, False)])
async def test_an_async_timeout_in_the_body_is_the_deadline_from_10_ms_before_it(
    clock: Clock, spent: float, late: bool
) -> None:
    start = clock.now

    class Stalling(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def]
            clock.now = start + spent
            raise httpx.ReadTimeout("read timed out")
            yield b""  # pragma: no cover

    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Stalling())

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=10)
    with pytest.raises(httpx.TimeoutException) as info:
        await limited.handle_async_request(httpx.Request("GET", "https://api.example/x"))
    assert type(info.value) is (DeadlineExceeded if late else httpx.ReadTimeout)


@pytest.mark.parametrize(("spent", "late"), [(9.99, True), (9.98, False)])
def test_a_sync_timeout_in_the_body_is_the_deadline_from_10_ms_before_it(
    clock: Clock, spent: float, late: bool
) -> None:
    """The sync twin of the async test above (the full mutation run found the sync body
    phase's conversion untested): httpx's read timeout while the body streams is
    DeadlineExceeded naming the request and the timeout once the deadline is under 10 ms
    away, httpx's own error before."""
    start = clock.now

    class Stalling(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            clock.now = start + spent
            raise httpx.ReadTimeout("read timed out")
            yield b""  # pragma: no cover

    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Stalling())

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=10)
    sent = httpx.Request("GET", "https://api.example/x")
    with pytest.raises(httpx.TimeoutException) as info:
        limited.handle_request(sent)
    error = info.value
    if late:
        assert type(error) is DeadlineExceeded
        assert str(error) == (
            "no complete response within the 10 s timeout (body included); raise it with "
            "IONWORKS_TOOLKIT_TIMEOUT or timeout="
        )
        assert error.request is sent
        assert type(error.__cause__) is httpx.ReadTimeout
    else:
        assert type(error) is httpx.ReadTimeout


def test_a_deadline_raised_in_the_body_passes_through_unchanged(clock: Clock) -> None:
    """A DeadlineExceeded from the body phase itself (the chunk check) is not re-wrapped,
    even with time left on the clock."""
    mine = DeadlineExceeded("from the chunk check")

    class Raising(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            raise mine
            yield b""  # pragma: no cover

    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Raising())

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=10)
    with pytest.raises(DeadlineExceeded) as info:
        limited.handle_request(httpx.Request("GET", "https://api.example/x"))
    assert info.value is mine


def test_a_declared_size_over_the_cap_names_the_request() -> None:
    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "101"}, stream=_Streaming())

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=100, timeout=10)
    sent = httpx.Request("GET", "https://api.example/x")
    with pytest.raises(ResponseTooLarge) as info:
        limited.handle_request(sent)
    assert info.value.request is sent


@pytest.mark.parametrize(("spent", "late"), [(10.0, False), (10.001, True)])
def test_a_body_chunk_after_the_deadline_is_late(clock: Clock, spent: float, late: bool) -> None:
    """The clock is checked after every chunk: at the deadline itself the body still counts;
    past it, DeadlineExceeded names the request and the timeout."""
    start = clock.now

    class Late(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            clock.now = start + spent
            yield b"[]"

    limited = LimitedTransport(
        httpx.MockTransport(lambda r: httpx.Response(200, stream=Late())), max_bytes=100, timeout=10
    )
    sent = httpx.Request("GET", "https://api.example/x")
    if not late:
        assert limited.handle_request(sent).read() == b"[]"
        return
    with pytest.raises(DeadlineExceeded) as info:
        limited.handle_request(sent)
    assert info.value.request is sent
    assert str(info.value) == (
        "no complete response within the 10 s timeout (body included); raise it with "
        "IONWORKS_TOOLKIT_TIMEOUT or timeout="
    )


def test_a_sent_response_streams_its_body_again() -> None:
    """send() replaces the response's stream (see test_response_lifetime.py) by one over the
    same body."""
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=[1])))
    response = transport.send(client, {"method": "GET", "url": "https://api.example/x"})
    client.close()
    assert b"".join(response.stream) == b"[1]"


def test_closing_the_watch_waits_for_its_running_attempts() -> None:
    release = threading.Event()
    finished: list[str] = []

    def attempt_fn(attempt: _Attempt) -> httpx.Response:
        release.wait(30)
        time.sleep(0.2)  # widens the window a close() that does not wait would fall into
        finished.append("done")
        return httpx.Response(204)

    watch = _DeadlineWatch()
    with pytest.raises(DeadlineExceeded):
        watch.run(attempt_fn, 0.0, lambda: DeadlineExceeded("late"))
    release.set()
    watch.close()
    assert finished == ["done"]


class _Raw(httpx.SyncByteStream):
    def __init__(self, data: bytes) -> None:
        self._data = data

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield self._data


def test_the_declared_size_counts_only_for_an_unencoded_body_and_up_to_the_cap() -> None:
    """A gzip body whose compressed Content-Length is over the cap but decodes under it is
    read (the cap applies to the decoded size); an unencoded body of exactly the cap too."""
    compressed = gzip.compress(b"[]")
    assert len(compressed) > 10

    def gzipped(r: httpx.Request) -> httpx.Response:
        headers = {"Content-Encoding": "gzip", "Content-Length": str(len(compressed))}
        return httpx.Response(200, headers=headers, stream=_Raw(compressed))

    limited = LimitedTransport(httpx.MockTransport(gzipped), max_bytes=10, timeout=10)
    assert limited.handle_request(httpx.Request("GET", "https://api.example/x")).read() == b"[]"

    def exact(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "2"}, stream=_Raw(b"[]"))

    limited = LimitedTransport(httpx.MockTransport(exact), max_bytes=2, timeout=10)
    assert limited.handle_request(httpx.Request("GET", "https://api.example/x")).read() == b"[]"


class _InChunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A streamed body of several chunks (no Content-Length: only the running count caps it)."""

    def __init__(self, *chunks: bytes) -> None:
        self._chunks = chunks

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self._chunks

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for chunk in self._chunks:
            yield chunk


CHUNKS = (b'{"items": [', b"1, 2, 3", b"], " + b" " * 72 + b'"n": 1}')  # 100 bytes in all


@pytest.mark.parametrize("asynchronous", [False, True])
@pytest.mark.parametrize(("cap", "fits"), [(100, True), (99, False)])
def test_a_body_in_chunks_is_joined_in_order_and_capped_by_their_sum(
    asynchronous: bool, cap: int, fits: bool
) -> None:
    """Each chunk is under the cap; their sum (100 bytes) is what counts, the body handed up
    is the chunks joined in order, and Content-Length is set to its size."""
    assert sum(map(len, CHUNKS)) == 100 and max(map(len, CHUNKS)) < 99

    def handler(r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_InChunks(*CHUNKS))

    limited = LimitedTransport(httpx.MockTransport(handler), max_bytes=cap, timeout=10)
    sent = httpx.Request("GET", "https://api.example/x")

    def run() -> httpx.Response:
        if asynchronous:
            return asyncio.run(limited.handle_async_request(sent))
        return limited.handle_request(sent)

    if not fits:
        with pytest.raises(ResponseTooLarge) as info:
            run()
        assert info.value.request is sent
        assert str(info.value).startswith("response body is larger than max_response_bytes=99 ")
        return
    response = run()
    assert response.read() == b"".join(CHUNKS)
    assert response.headers["content-length"] == "100"


# ----------------------------------------------------------------------- TLS and proxies


def test_one_proxy_carries_everything() -> None:
    settings = Settings(proxy="http://127.0.0.1:3128")
    assert transport.proxy_map(settings) == {"all://": "http://127.0.0.1:3128"}


def test_the_tls_verification_httpx_gets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given = ssl.create_default_context()
    assert transport.ssl_context(Settings(verify=given)) is given
    assert transport.ssl_context(Settings(verify=False)) is False
    # verify=True: certifi's bundle, never SSL_CERT_FILE read behind the settings' back
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(garbage))
    assert isinstance(transport.ssl_context(Settings(verify=True)), ssl.SSLContext)
    missing = tmp_path / "missing.pem"
    with pytest.raises(ConfigurationError) as info:
        transport.ssl_context(Settings(verify=str(missing)))
    assert str(info.value) == (
        f"verify: CA bundle {str(missing)!r} cannot be loaded: [Errno 2] No such file or "
        "directory (give a PEM file of CA certificates or a directory of hashed ones)"
    )


def _stack(retrying: Any) -> list[str]:
    """The transport types from the retry layer inwards (async clients)."""
    names = [type(retrying).__name__]
    layer = retrying._async_transport
    names.append(type(layer).__name__)
    layer = layer._inner  # CancelSafeTransport -> LimitedTransport
    names.append(type(layer).__name__)
    names.append(type(layer._inner).__name__)
    return names


def test_an_async_client_gets_async_transports_at_every_layer_and_mount() -> None:
    kwargs = client_kwargs(
        Settings(proxy="http://127.0.0.1:3128"),
        auth=None,
        transport=None,
        asynchronous=True,
        on_request=[],
        on_response=[],
    )
    expected = [
        "BudgetRetryTransport",
        "CancelSafeTransport",
        "LimitedTransport",
        "_AsyncDirectTransport",  # httpx's, naming the server it cannot connect to
    ]
    assert _stack(kwargs["transport"]) == expected
    assert list(kwargs["mounts"]) == ["all://"]
    # The proxy's: httpx's async transport, naming the proxy when it cannot be reached.
    assert _stack(kwargs["mounts"]["all://"]) == [*expected[:3], "_AsyncProxyTransport"]


def test_the_retry_policy_statuses_and_jitter() -> None:
    policy = transport.retry_policy(Settings())
    assert (set(policy.status_forcelist), policy.backoff_jitter) == ({429, 502, 503, 504}, 1.0)


def test_without_httpx_retries_only_max_retries_0_works(monkeypatch: pytest.MonkeyPatch) -> None:
    from ionworks_toolkit import retries

    monkeypatch.setattr(retries, "AVAILABLE", False)
    inner = httpx.MockTransport(lambda r: httpx.Response(204))
    assert type(transport.retrying_transport(Settings(max_retries=0), inner)) is LimitedTransport
    with pytest.raises(ConfigurationError) as info:
        transport.retrying_transport(Settings(max_retries=1), inner)
    assert str(info.value) == (
        "retries need the httpx-retries package: pip install httpx-retries (or pass max_retries=0)"
    )


def test_each_phase_is_armed_with_the_time_left_or_its_own_shorter_timeout(clock: Clock) -> None:
    limited = LimitedTransport(
        httpx.MockTransport(lambda r: httpx.Response(204)), max_bytes=1, timeout=10
    )
    sent = httpx.Request("GET", "https://api.example/x", extensions={"timeout": {"connect": 2}})
    armed = limited._arm(sent, clock.now + 4)
    assert armed == {"connect": 2, "read": 4, "write": 4, "pool": 4}
    assert sent.extensions["timeout"] is armed


def test_a_deadline_already_past_arms_every_phase_with_a_millisecond(clock: Clock) -> None:
    """Armed after the deadline (a slow retry wait, a stalled caller): every phase gets the
    1 ms floor, so the next wait fails at once instead of a phase's own longer timeout."""
    limited = LimitedTransport(
        httpx.MockTransport(lambda r: httpx.Response(204)), max_bytes=1, timeout=10
    )
    sent = httpx.Request("GET", "https://api.example/x", extensions={"timeout": {"connect": 2}})
    assert limited._arm(sent, clock.now - 5) == {
        "connect": 0.001,
        "read": 0.001,
        "write": 0.001,
        "pool": 0.001,
    }


def test_only_a_network_transport_gets_a_deadline_watch() -> None:
    """The watch (a worker thread per attempt, so the caller can stop waiting at the
    deadline) is for httpx's network transport; a mock or other in-process transport is
    called directly."""
    network = LimitedTransport(httpx.HTTPTransport(), max_bytes=1, timeout=10)
    in_process = LimitedTransport(
        httpx.MockTransport(lambda r: httpx.Response(204)), max_bytes=1, timeout=10
    )
    try:
        assert type(network._watch).__name__ == "_DeadlineWatch"
        assert in_process._watch is None
    finally:
        network.close()
        in_process.close()


# ----------------------------------------------------------------------- TLS failures named


_CA_HINT = " (give your CA bundle with --verify PATH, IONWORKS_TOOLKIT_VERIFY or SSL_CERT_FILE)"


@pytest.mark.parametrize("link", ["__cause__", "__context__"])
def test_a_certificate_failure_under_the_error_is_found_by_its_type(link: str) -> None:
    """httpx wraps ssl's error; the certificate failure is found by its type anywhere down the
    chain (``raise ... from`` sets the cause, an error raised while handling another only the
    context), whatever its text says (here no ``CERTIFICATE_VERIFY_FAILED``)."""
    refused = ssl.SSLCertVerificationError(1, "certificate verify failed: unknown issuer")
    middle = httpx.ConnectError("handshake failed")
    setattr(middle, link, refused)
    outer = httpx.ConnectError("connect failed")
    setattr(outer, link, middle)
    error = transport.transport_error({"method": "get", "url": "/projects?api_key=k"}, outer)
    assert str(error) == "GET /projects failed: ConnectError: connect failed" + _CA_HINT
    assert transport.certificate_failure(middle) is True
    assert transport.certificate_failure(httpx.ConnectError("connect failed")) is False


def test_settings_built_directly_name_no_api_url_source() -> None:
    """A ``Settings`` made by hand has no ``sources``: a connection failure names the server
    only, never an invented source for ``api_url``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens there
    settings = Settings(api_url=f"http://127.0.0.1:{port}", max_retries=0)
    kwargs = client_kwargs(
        settings, auth=None, transport=None, asynchronous=False, on_request=(), on_response=()
    )
    with httpx.Client(**kwargs) as client, pytest.raises(httpx.ConnectError) as info:
        client.get("/projects")
    assert str(info.value) == (
        f"cannot connect to http://127.0.0.1:{port}: [Errno 111] Connection refused"
    )
