"""A proxy that cannot be reached, or refuses the tunnel, is named in the error (its URL
without credentials; its password never in any message or repr)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import AsyncToolkit, Toolkit, TransportError
from ionworks_toolkit.transport import _naming_the_proxy

PASSWORD = "s3cret-proxy-pw"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def refusing_proxy() -> Iterator[int]:
    """A proxy on loopback that answers every CONNECT with 407."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    # close() alone does not wake the accept() blocked in the thread (the join then waited
    # its whole 5 s); shutdown() does, on Linux.
    with contextlib.suppress(OSError):
        server.shutdown(socket.SHUT_RDWR)
    server.close()
    thread.join(timeout=5)
    assert not thread.is_alive()


def _options(tmp_path: Path, port: int) -> dict[str, Any]:
    return {
        "api_url": "https://api.example.invalid",  # never reached: only the proxy is
        "api_key": "k",
        "proxy": f"http://bob:{PASSWORD}@127.0.0.1:{port}",
        "max_retries": 0,
        "load_entry_points": False,
        "environ": {},
        "working_dir": str(tmp_path),
    }


def _shown(error: BaseException) -> str:
    return f"{error} {error!r} {error.__cause__} {error.__cause__!r}"


def test_an_unreachable_proxy_is_named_sync(tmp_path: Path) -> None:
    port = _closed_port()
    with Toolkit(**_options(tmp_path, port)) as toolkit, pytest.raises(TransportError) as info:
        toolkit.list_projects()
    assert str(info.value) == (
        f"GET /projects failed: ConnectError: could not reach proxy http://127.0.0.1:{port}: "
        "[Errno 111] Connection refused"
    )
    assert PASSWORD not in _shown(info.value) and "bob" not in _shown(info.value)


async def test_an_unreachable_proxy_is_named_async(tmp_path: Path) -> None:
    port = _closed_port()
    async with AsyncToolkit(**_options(tmp_path, port)) as toolkit:
        with pytest.raises(TransportError) as info:
            await toolkit.list_projects()
    assert str(info.value) == (
        f"GET /projects failed: ConnectError: could not reach proxy http://127.0.0.1:{port}: "
        "All connection attempts failed"
    )
    assert PASSWORD not in _shown(info.value)


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_proxy_refusing_the_tunnel_is_named(
    tmp_path: Path, refusing_proxy: int, asynchronous: bool
) -> None:
    options = _options(tmp_path, refusing_proxy)
    with pytest.raises(TransportError) as info:
        if asynchronous:
            async with AsyncToolkit(**options) as toolkit:
                await toolkit.list_projects()
        else:
            with Toolkit(**options) as toolkit:
                toolkit.list_projects()
    assert str(info.value) == (
        f"GET /projects failed: ProxyError: proxy http://127.0.0.1:{refusing_proxy} refused "
        "the connection: 407 Proxy Authentication Required"
    )
    assert PASSWORD not in _shown(info.value)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            httpx.ConnectTimeout(f"timed out for bob:{PASSWORD}@proxy"),
            # the user name is a credential too
            "could not reach proxy http://10.0.0.1:3128: timed out for ***:***@proxy",
        ),
        (httpx.ConnectError(""), "could not reach proxy http://10.0.0.1:3128: ConnectError"),
        (
            httpx.ProxyError(f"407 for {PASSWORD}"),
            "proxy http://10.0.0.1:3128 refused the connection: 407 for ***",
        ),
    ],
)
def test_the_proxys_error_keeps_its_type_and_redacts_the_password(
    error: httpx.TransportError, expected: str
) -> None:
    named = _naming_the_proxy(error, httpx.Proxy(f"http://bob:{PASSWORD}@10.0.0.1:3128"))
    assert (type(named), str(named)) == (type(error), expected)  # the same type: retried


def test_a_proxy_without_credentials_is_named_as_given() -> None:
    named = _naming_the_proxy(httpx.ConnectError("refused"), httpx.Proxy("http://10.0.0.1:8080"))
    assert str(named) == "could not reach proxy http://10.0.0.1:8080: refused"
