"""Wide socket reads on the toolkit's own transports (transport.READ_SIZE, ``widen_reads``).

Async (asyncio): the backend's own connections, ``_SocketStream`` (``loop.sock_recv`` of
READ_SIZE) and, after ``start_tls``, ``_AsyncioStream`` over ``_ReceiveProtocol`` (reading
kept on up to RECEIVE_HIGH_WATER queued bytes).

httpcore reads 64 KiB at a time (``READ_NUM_BYTES``, a class attribute shared by every httpx
client of the process, never patched); the toolkit's transports read READ_SIZE bytes instead
by wrapping their own pool's network backend. These tests pin the size, the delegation of
every other stream and backend method, that only the toolkit's pools (direct and proxied)
are wrapped, and, over loopback sockets, that httpx and httpcore still open connections
through the wrapped backend: if either renames what ``widen_reads`` relies on (httpx's
``_pool``, httpcore's ``_network_backend``), a test here fails.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import sys
import threading
from typing import Any

import httpcore
import httpx
import pytest
import trustme
from ionworks_toolkit.settings import load_settings
from ionworks_toolkit.transport import (
    READ_SIZE,
    _AsyncDirectTransport,
    _AsyncioStream,
    _DirectTransport,
    _proxy_transport,
    _ReceiveProtocol,
    _SocketStream,
    _WideAsyncBackend,
    _WideAsyncStream,
    _WideBackend,
    _WideStream,
    client_kwargs,
    widen_reads,
)
from loopback import Exchange, LoopbackServer, read_request

BODY = bytes(range(256)) * (3 * 4096 + 7)  # 3 MiB and 1792 bytes: several wide reads


def test_read_size_is_one_mib() -> None:
    assert READ_SIZE == 1048576
    assert httpcore.HTTP11Connection.READ_NUM_BYTES == 65536  # httpcore's, left alone
    assert httpcore.AsyncHTTP11Connection.READ_NUM_BYTES == 65536


# ------------------------------------------------------------------- streams and backends


class Recorder:
    """A fake inner stream and backend (sync or async): records each call, returns ``out``."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def _call(self, *call: Any) -> Any:
        self.calls.append(call)
        return {"read": b"data", "start_tls": "tls-stream", "get_extra_info": "info"}.get(
            call[0], "stream"
        )

    def read(self, max_bytes: int, timeout: float | None = None) -> Any:
        return self._call("read", max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> Any:
        return self._call("write", buffer, timeout)

    def close(self) -> Any:
        return self._call("close")

    def start_tls(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("start_tls", args, kwargs)

    def get_extra_info(self, info: str) -> Any:
        return self._call("get_extra_info", info)

    def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("connect_tcp", args, kwargs)

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("connect_unix_socket", args, kwargs)

    def sleep(self, seconds: float) -> Any:
        return self._call("sleep", seconds)


class AsyncRecorder(Recorder):
    async def read(self, max_bytes: int, timeout: float | None = None) -> Any:  # type: ignore[override]
        return self._call("read", max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> Any:  # type: ignore[override]
        return self._call("write", buffer, timeout)

    async def aclose(self) -> Any:
        return self._call("aclose")

    async def start_tls(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return self._call("start_tls", args, kwargs)

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return self._call("connect_tcp", args, kwargs)

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return self._call("connect_unix_socket", args, kwargs)

    async def sleep(self, seconds: float) -> Any:  # type: ignore[override]
        return self._call("sleep", seconds)


def test_sync_stream_reads_wide_and_passes_the_rest_through() -> None:
    inner = Recorder()
    stream = _WideStream(inner)  # type: ignore[arg-type]
    assert stream.read(65536, 2.5) == b"data"
    assert stream.read(READ_SIZE + 1) == b"data"  # a larger ask is kept
    stream.write(b"GET", 1.5)
    assert stream.get_extra_info("socket") == "info"
    tls = stream.start_tls("ctx", server_hostname="api.example", timeout=3.0)
    stream.close()
    assert tls == "tls-stream"  # TLS reads as httpcore asks (one record whatever the ask)
    assert inner.calls == [
        ("read", 1048576, 2.5),
        ("read", 1048577, None),
        ("write", b"GET", 1.5),
        ("get_extra_info", "socket"),
        ("start_tls", ("ctx",), {"server_hostname": "api.example", "timeout": 3.0}),
        ("close",),
    ]


def test_async_stream_reads_wide_and_passes_the_rest_through() -> None:
    inner = AsyncRecorder()
    stream = _WideAsyncStream(inner)  # type: ignore[arg-type]

    async def scenario() -> Any:
        assert await stream.read(65536, 2.5) == b"data"
        assert await stream.read(READ_SIZE + 1) == b"data"
        await stream.write(b"GET", 1.5)
        assert stream.get_extra_info("ssl_object") == "info"
        tls = await stream.start_tls("ctx", server_hostname="api.example", timeout=3.0)
        await stream.aclose()
        return tls

    assert asyncio.run(scenario()) == "tls-stream"
    assert inner.calls == [
        ("read", 1048576, 2.5),
        ("read", 1048577, None),
        ("write", b"GET", 1.5),
        ("get_extra_info", "ssl_object"),
        ("start_tls", ("ctx",), {"server_hostname": "api.example", "timeout": 3.0}),
        ("aclose",),
    ]


def test_sync_backend_wraps_every_stream_it_opens() -> None:
    inner = Recorder()
    backend = _WideBackend(inner)  # type: ignore[arg-type]
    tcp = backend.connect_tcp("127.0.0.1", 443, timeout=5.0)
    unix = backend.connect_unix_socket("/tmp/api.sock", timeout=6.0)
    backend.sleep(0.25)
    assert isinstance(tcp, _WideStream) and tcp.inner == "stream"
    assert isinstance(unix, _WideStream) and unix.inner == "stream"
    assert inner.calls == [
        ("connect_tcp", ("127.0.0.1", 443), {"timeout": 5.0}),
        ("connect_unix_socket", ("/tmp/api.sock",), {"timeout": 6.0}),
        ("sleep", 0.25),
    ]


def test_async_backend_delegates_unix_sockets_and_sleep_wrapped() -> None:
    inner = AsyncRecorder()
    backend = _WideAsyncBackend(inner)  # type: ignore[arg-type]

    async def scenario() -> Any:
        unix = await backend.connect_unix_socket("/tmp/api.sock", timeout=6.0)
        await backend.sleep(0.25)
        return unix

    unix = asyncio.run(scenario())
    assert isinstance(unix, _WideAsyncStream) and unix.inner == "stream"
    assert inner.calls == [
        ("connect_unix_socket", ("/tmp/api.sock",), {"timeout": 6.0}),
        ("sleep", 0.25),
    ]


def test_async_backend_connects_its_own_socket_on_asyncio() -> None:
    """On asyncio, TCP connections are the backend's own (``_SocketStream``: no-delay set,
    socket options applied, reads of READ_SIZE by ``loop.sock_recv``); ``inner`` is not
    asked. A refused connection is httpcore's ConnectError with anyio's text."""
    inner = AsyncRecorder()
    backend = _WideAsyncBackend(inner)  # type: ignore[arg-type]
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    async def scenario() -> tuple[Any, list[int], bytes, tuple[int, int]]:
        loop = asyncio.get_running_loop()
        asked = _record_socket_reads(loop)
        option = (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        stream = await backend.connect_tcp("127.0.0.1", port, timeout=5.0, socket_options=[option])
        peer, _ = await loop.run_in_executor(None, listener.accept)
        with peer:
            await stream.write(b"GET / HTTP/1.1\r\n\r\n", 1.0)
            assert peer.recv(100) == b"GET / HTTP/1.1\r\n\r\n"
            assert stream.get_extra_info("is_readable") is False
            peer.sendall(b"HTTP/1.1 200 OK\r\n")
            await asyncio.sleep(0.05)
            assert stream.get_extra_info("is_readable") is True
            data = await stream.read(65536, 1.0)
        sock = stream.get_extra_info("socket")
        flags = (
            sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
            sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
        )
        assert await stream.read(65536, 1.0) == b""  # the peer closed: the end
        await stream.aclose()
        return stream, asked, data, flags

    with listener:
        stream, asked, data, flags = asyncio.run(scenario())
    assert type(stream) is _SocketStream
    assert asked == [1048576, 1048576]
    assert data == b"HTTP/1.1 200 OK\r\n"
    assert flags == (1, 1)
    assert inner.calls == []

    async def refused() -> None:
        await backend.connect_tcp("127.0.0.1", port, timeout=5.0)  # the listener is closed

    with pytest.raises(httpcore.ConnectError, match=r"^All connection attempts failed$") as info:
        asyncio.run(refused())
    assert isinstance(info.value.__cause__, ConnectionRefusedError)


def test_socket_stream_read_timeout_is_httpcores() -> None:
    left, right = socket.socketpair()
    left.setblocking(False)

    async def scenario() -> None:
        await _SocketStream(left).read(10, timeout=0.05)

    with left, right, pytest.raises(httpcore.ReadTimeout):
        asyncio.run(scenario())


def test_socket_stream_failures_are_httpcores_and_a_failed_tls_start_closes_the_socket() -> None:
    """``_as_httpcore``: a timeout and an OSError of each phase become httpcore's errors, and
    a TLS start that fails (the peer speaks no TLS) closes the socket, ConnectError."""
    left, right = socket.socketpair()
    left.setblocking(False)

    async def write_closed() -> None:
        right.close()
        await _SocketStream(left).write(b"x" * 1_000_000, timeout=1.0)

    with left, pytest.raises(httpcore.WriteError):
        asyncio.run(write_closed())

    left, right = socket.socketpair()
    left.setblocking(False)

    async def tls_to_plain_text() -> None:
        right.sendall(b"HTTP/1.1 400 not TLS\r\n\r\n")
        await _SocketStream(left).start_tls(ssl.create_default_context(), "localhost", timeout=2.0)

    with right, pytest.raises(httpcore.ConnectError) as info:
        asyncio.run(tls_to_plain_text())
    assert isinstance(info.value.__cause__, ssl.SSLError)
    assert left.fileno() == -1  # closed

    left, right = socket.socketpair()
    left.setblocking(False)

    async def tls_never_answered() -> None:
        await _SocketStream(left).start_tls(ssl.create_default_context(), "localhost", timeout=0.05)

    with right, pytest.raises(httpcore.ConnectTimeout):
        asyncio.run(tls_never_answered())
    assert left.fileno() == -1


# ------------------------------------------------------------------- which pools are wrapped


@pytest.mark.parametrize(
    ("transport", "pool", "wrapper", "backend"),
    [
        (httpx.HTTPTransport, httpcore.ConnectionPool, _WideBackend, "SyncBackend"),
        (httpx.AsyncHTTPTransport, httpcore.AsyncConnectionPool, _WideAsyncBackend, "AutoBackend"),
    ],
)
def test_widen_reads_wraps_the_pools_own_backend(
    transport: type, pool: type, wrapper: type, backend: str
) -> None:
    built = transport()
    assert widen_reads(built) is built
    assert type(built._pool) is pool  # httpx's private name: see widen_reads
    wide = built._pool._network_backend  # httpcore's private name
    assert type(wide) is wrapper
    assert type(wide.inner).__name__ == backend


@pytest.mark.parametrize(
    ("asynchronous", "pool", "wrapper"),
    [(False, httpcore.HTTPProxy, _WideBackend), (True, httpcore.AsyncHTTPProxy, _WideAsyncBackend)],
)
def test_proxy_transports_read_wide(asynchronous: bool, pool: type, wrapper: type) -> None:
    proxied = _proxy_transport("http://127.0.0.1:3128", True, asynchronous)
    assert type(proxied._pool) is pool
    assert type(proxied._pool._network_backend) is wrapper


def test_a_transport_without_an_httpcore_pool_is_left_as_it_is() -> None:
    mock = httpx.MockTransport(lambda r: httpx.Response(200))
    assert widen_reads(mock) is mock
    assert not hasattr(mock, "_pool")


def _innermost(transport: Any) -> Any:
    """Down the toolkit's layers (retry, cancel-safe, limited) to the httpx transport."""
    for name in ("_sync_transport", "_async_transport", "_inner", "_inner"):
        transport = getattr(transport, name, None) or transport
    return transport


@pytest.mark.parametrize("asynchronous", [False, True])
def test_client_kwargs_widens_its_own_transports_and_proxies_only(
    asynchronous: bool, tmp_path: Any
) -> None:
    settings = load_settings(
        api_url="https://api.ionworks.example",
        api_key="k",
        proxy="http://127.0.0.1:3128",
        environ={},
        working_dir=str(tmp_path),
    )
    wrapper = _WideAsyncBackend if asynchronous else _WideBackend
    kwargs = client_kwargs(
        settings,
        auth=None,
        transport=None,
        asynchronous=asynchronous,
        on_request=[],
        on_response=[],
    )
    direct = _innermost(kwargs["transport"])
    proxied = _innermost(kwargs["mounts"]["all://"])
    assert type(direct) is (_AsyncDirectTransport if asynchronous else _DirectTransport)
    assert type(direct._pool._network_backend) is wrapper
    assert type(proxied._pool._network_backend) is wrapper
    # A transport given by the caller is used as it is; other clients keep httpcore's reads.
    mock = httpx.MockTransport(lambda r: httpx.Response(200))
    given = client_kwargs(
        settings,
        auth=None,
        transport=mock,
        asynchronous=asynchronous,
        on_request=[],
        on_response=[],
    )
    assert _innermost(given["transport"]) is mock
    other = httpx.AsyncHTTPTransport() if asynchronous else httpx.HTTPTransport()
    assert type(other._pool._network_backend) is not wrapper


# ------------------------------------------------------------------- over real sockets


def _answer_body(exchange: Exchange) -> None:
    exchange.respond(200, BODY, headers=(("Content-Type", "application/octet-stream"),))


def _record_reads(inner_transport: Any) -> list[int]:
    """Replace the sync wide backend's inner backend by one recording each read's
    ``max_bytes`` (async reads: ``_record_socket_reads``)."""
    asked: list[int] = []
    wide = inner_transport._pool._network_backend
    real = wide.inner

    class Stream:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __getattr__(self, name: str) -> Any:
            return getattr(self.stream, name)

        def read(self, max_bytes: int, timeout: float | None = None) -> Any:
            asked.append(max_bytes)
            return self.stream.read(max_bytes, timeout)

    class Backend:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
            return Stream(real.connect_tcp(*args, **kwargs))

    wide.inner = Backend()
    return asked


def _record_socket_reads(loop: asyncio.AbstractEventLoop) -> list[int]:
    """Record each ``loop.sock_recv`` ask (``_SocketStream``'s reads) on this event loop."""
    asked: list[int] = []
    real = loop.sock_recv

    async def sock_recv(sock: socket.socket, nbytes: int) -> bytes:
        asked.append(nbytes)
        return await real(sock, nbytes)

    loop.sock_recv = sock_recv  # type: ignore[method-assign]
    return asked


def _settings(api_url: str, tmp_path: Any, **extra: Any) -> Any:
    return load_settings(
        api_url=api_url, api_key="k", max_retries=0, environ={}, working_dir=str(tmp_path), **extra
    )


def test_sync_client_reads_the_body_read_size_at_a_time(tmp_path: Any) -> None:
    with LoopbackServer(_answer_body) as api:
        kwargs = client_kwargs(
            _settings(api.url, tmp_path),
            auth=None,
            transport=None,
            asynchronous=False,
            on_request=[],
            on_response=[],
        )
        asked = _record_reads(_innermost(kwargs["transport"]))
        with httpx.Client(**kwargs) as client:
            response = client.get("/blob")
    assert response.content == BODY
    assert isinstance(response.extensions["network_stream"], _WideStream)
    assert asked and set(asked) == {1048576}


def test_async_client_reads_the_body_read_size_at_a_time(tmp_path: Any) -> None:
    async def scenario(url: str) -> tuple[httpx.Response, list[int]]:
        kwargs = client_kwargs(
            _settings(url, tmp_path),
            auth=None,
            transport=None,
            asynchronous=True,
            on_request=[],
            on_response=[],
        )
        asked = _record_socket_reads(asyncio.get_running_loop())
        async with httpx.AsyncClient(**kwargs) as client:
            return await client.get("/blob"), asked

    with LoopbackServer(_answer_body) as api:
        response, asked = asyncio.run(scenario(api.url))
    assert response.content == BODY
    assert isinstance(response.extensions["network_stream"], _SocketStream)
    assert asked and set(asked) == {1048576}


@pytest.mark.parametrize("asynchronous", [False, True])
def test_tls_through_a_proxy_tunnel_keeps_httpcores_reads(
    asynchronous: bool, tmp_path: Any
) -> None:
    """CONNECT over the wide plain stream to the proxy, then TLS inside the tunnel
    (``start_tls``): the TLS stream is httpcore's own, reading 64 KiB asks; the body is
    intact."""
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    inner_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("api.ionworks.example").configure_cert(inner_tls)

    def proxy_then_api(exchange: Exchange) -> None:
        exchange.sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        tls = inner_tls.wrap_socket(exchange.sock, server_side=True)
        inner = read_request(tls)
        assert inner is not None
        _answer_body(inner)
        tls.close()

    async def aget(kwargs: dict[str, Any]) -> tuple[httpx.Response, list[int]]:
        asked = _record_socket_reads(asyncio.get_running_loop())
        async with httpx.AsyncClient(**kwargs) as client:
            return await client.get("/blob"), asked

    with LoopbackServer(proxy_then_api) as proxy:
        settings = _settings(
            "https://api.ionworks.example", tmp_path, proxy=proxy.url, verify=str(bundle)
        )
        kwargs = client_kwargs(
            settings,
            auth=None,
            transport=None,
            asynchronous=asynchronous,
            on_request=[],
            on_response=[],
        )
        if asynchronous:
            response, asked = asyncio.run(aget(kwargs))
        else:
            asked = _record_reads(_innermost(kwargs["mounts"]["all://"]))
            with httpx.Client(**kwargs) as client:
                response = client.get("/blob")
    assert [(r.method, r.target) for r in proxy.requests] == [
        ("CONNECT", "api.ionworks.example:443")
    ]
    assert response.content == BODY
    assert asked == [1048576]  # the proxy's answer to CONNECT, over plain TCP
    stream = response.extensions["network_stream"]
    # async: the tunnel's socket handed to an asyncio TLS transport (_AsyncioStream)
    assert type(stream).__name__ == ("_AsyncioStream" if asynchronous else "SyncStream")
    if asynchronous:
        assert isinstance(stream.get_extra_info("ssl_object"), ssl.SSLObject)
    else:  # httpcore's sync stream over the TLS socket (closed by now: no ssl_object left)
        assert isinstance(stream.get_extra_info("socket"), ssl.SSLSocket)


# ------------------------------------------------------------------- the TLS receive protocol


class FakeTransport(asyncio.Transport):
    """What ``_ReceiveProtocol`` calls on its transport, recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []
        self.written: list[bytes] = []
        self.closing = False

    def pause_reading(self) -> None:
        self.calls.append("pause_reading")

    def resume_reading(self) -> None:
        self.calls.append("resume_reading")

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


def test_receive_protocol_joins_cuts_and_holds_reading_to_the_high_water_mark() -> None:
    async def scenario() -> tuple[list[bytes], list[str]]:
        protocol = _ReceiveProtocol(asyncio.get_running_loop())
        transport = FakeTransport()
        protocol.connection_made(transport)
        chunk = b"x" * (256 * 1024)
        for _ in range(16):  # 4 MiB: at the mark, reading still on
            protocol.data_received(chunk)
        assert transport.calls == []
        protocol.data_received(b"y")  # one byte past it: paused
        assert transport.calls == ["pause_reading"]
        got = [await protocol.receive(READ_SIZE) for _ in range(2)]  # 2 MiB + 1 byte left
        assert transport.calls == ["pause_reading"]
        got.append(await protocol.receive(READ_SIZE))  # 1 MiB + 1 left: at most half, resumed
        assert transport.calls == ["pause_reading", "resume_reading"]
        got.append(await protocol.receive(100))  # a chunk larger than the ask is cut
        got.append(await protocol.receive(READ_SIZE))
        protocol.eof_received()
        got.append(await protocol.receive(READ_SIZE))
        got.append(await protocol.receive(READ_SIZE))
        return got, transport.calls

    got, calls = asyncio.run(scenario())
    assert [len(g) for g in got] == [
        READ_SIZE,
        READ_SIZE,
        READ_SIZE,
        100,
        READ_SIZE - 100 + 1,
        0,
        0,
    ]
    assert got[4][-1:] == b"y"
    assert calls == ["pause_reading", "resume_reading"]


def test_receive_protocol_waits_for_data_and_raises_the_error_after_the_bytes() -> None:
    async def scenario() -> list[Any]:
        protocol = _ReceiveProtocol(asyncio.get_running_loop())
        protocol.connection_made(FakeTransport())
        waiting = asyncio.ensure_future(protocol.receive(READ_SIZE))
        await asyncio.sleep(0)
        assert not waiting.done()
        protocol.data_received(b"head")
        seen: list[Any] = [await waiting]
        protocol.data_received(b"tail")
        protocol.connection_lost(ConnectionResetError("reset by peer"))
        seen.append(await protocol.receive(READ_SIZE))
        try:
            await protocol.receive(READ_SIZE)
        except ConnectionResetError as exc:
            seen.append(str(exc))
        return seen

    assert asyncio.run(scenario()) == [b"head", b"tail", "reset by peer"]


def test_receive_protocol_refuses_to_send_on_a_closing_transport() -> None:
    async def scenario() -> list[bytes]:
        protocol = _ReceiveProtocol(asyncio.get_running_loop())
        transport = FakeTransport()
        protocol.connection_made(transport)
        await protocol.send(b"GET")
        transport.closing = True
        with pytest.raises(ConnectionResetError, match=r"^the connection is closed$"):
            await protocol.send(b"again")
        return transport.written

    assert asyncio.run(scenario()) == [b"GET"]


def test_an_asyncio_stream_closes_at_once_without_the_tls_closing_handshake() -> None:
    """FINDINGS9 J24: ``close()`` on a TLS transport sends close_notify and waits up to 30 s
    for the server's; a connection dropped at a deadline (its server stuck) outlived the event
    loop, its socket never closed. ``aclose()`` aborts: the socket closes on the next pass."""

    class Closing(FakeTransport):
        def close(self) -> None:
            self.calls.append("close")

        def abort(self) -> None:
            self.calls.append("abort")

    transport = Closing()

    async def scenario() -> None:
        stream = _AsyncioStream(transport, _ReceiveProtocol(asyncio.get_running_loop()))
        await stream.aclose()

    asyncio.run(scenario())
    assert transport.calls == ["abort"]


STALLED_TLS_SCRIPT = """
import asyncio, sys
from ionworks_toolkit import AsyncToolkit, TransportError

async def main(url, bundle):
    async with AsyncToolkit(api_url=url, api_key="k" * 12, verify=bundle, max_retries=0,
                            timeout=0.5, environ={}, working_dir=".") as toolkit:
        for _ in range(3):
            try:
                await toolkit.list_projects()
            except TransportError as exc:
                print(type(exc.__cause__).__name__)

asyncio.run(main(sys.argv[1], sys.argv[2]))
print("done")
"""


def test_tls_requests_abandoned_at_their_deadline_leave_no_socket_open(tmp_path: Any) -> None:
    """FINDINGS9 J24's input: three requests over TLS to a server that never answers, each
    given up at the 0.5 s timeout; the process (``-X dev``: unclosed sockets and transports
    are reported at exit as ResourceWarning) ends with none left open."""
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    release = threading.Event()

    def stall(exchange: Exchange) -> None:
        release.wait(30)  # the request is read; no answer ever comes

    script = tmp_path / "stalled.py"
    script.write_text(STALLED_TLS_SCRIPT)
    with LoopbackServer(stall, tls=server_tls) as api:
        try:
            done = subprocess.run(
                [sys.executable, "-X", "dev", str(script), api.url, str(bundle)],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=tmp_path,
            )
        finally:
            release.set()
    assert done.stdout == "DeadlineExceeded\nDeadlineExceeded\nDeadlineExceeded\ndone\n"
    assert "ResourceWarning" not in done.stderr, done.stderr
    assert done.returncode == 0
