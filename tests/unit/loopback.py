"""A scriptable raw HTTP/1.1 server on 127.0.0.1 for the HTTP-layer tests (test_http_*.py).

``LoopbackServer(handler)`` listens on ``127.0.0.1:<random port>`` (never another address),
accepts connections in a thread and calls ``handler(exchange)`` for each request, one request
per connection. ``Exchange`` holds the parsed request line, headers and body, and writes raw
bytes, so a handler can do what a well-behaved framework never would: trickle a body byte by
byte, send a gzip bomb, answer ``CONNECT`` like a proxy, or redirect. Optionally TLS (an
``ssl.SSLContext`` for the server side, e.g. from trustme).

Every request is recorded in ``server.requests``; ``server.connections`` counts accepted
connections (a TLS handshake that fails never becomes a request).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"


class Exchange:
    """One request: ``method``, ``target`` (as sent: a path, ``host:port`` for CONNECT, or an
    absolute URL through a proxy), ``headers`` (lower-case names), ``body``."""

    def __init__(self, sock: socket.socket, method: str, target: str, headers: dict[str, str]):
        self.sock = sock
        self.method = method
        self.target = target
        self.headers = headers
        self.body = b""

    def __repr__(self) -> str:
        return f"Exchange({self.method} {self.target})"

    def send_head(self, status: int, headers: Iterable[tuple[str, str]] = ()) -> None:
        reason = {200: "OK", 403: "Forbidden", 404: "Not Found"}.get(status, "Status")
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{name}: {value}" for name, value in headers]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def respond(
        self,
        status: int,
        body: bytes = b"",
        headers: Iterable[tuple[str, str]] = (("Content-Type", "application/json"),),
    ) -> None:
        """A complete response with Content-Length and ``Connection: close``."""
        self.send_head(
            status,
            [*headers, ("Content-Length", str(len(body))), ("Connection", "close")],
        )
        if body:
            self.sock.sendall(body)


def read_request(sock: socket.socket) -> Exchange | None:
    """Parse one request (head, then a Content-Length body) from ``sock``; None at EOF."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    exchange = Exchange(sock, method, target, headers)
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    exchange.body = rest[:length]
    return exchange


class LoopbackServer:
    """Run ``handler(exchange)`` for every request on ``127.0.0.1:<port>``; a context manager.

    ``tls``: a server-side ``ssl.SSLContext`` to speak https. ``host``: an address in
    127.0.0.0/8 (anything else is refused). ``url``: the base URL.
    """

    def __init__(
        self,
        handler: Callable[[Exchange], Any],
        *,
        tls: ssl.SSLContext | None = None,
        host: str = HOST,
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"test servers listen on loopback only, not {host}")
        self.handler = handler
        self.tls = tls
        self.requests: list[Exchange] = []
        self.connections = 0
        self.errors: list[BaseException] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://{host}:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        self._listener.settimeout(0.05)  # poll, so that __exit__ stops it at once
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            threading.Thread(target=self._handle, args=(sock,), daemon=True).start()

    def _handle(self, sock: socket.socket) -> None:
        self.connections += 1
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            exchange = read_request(sock)
            if exchange is None:
                return
            self.requests.append(exchange)
            self.handler(exchange)
        except (OSError, ssl.SSLError):
            pass  # the client went away (a deadline, a refused certificate): expected here
        except BaseException as exc:  # a broken handler shows up in the test, not silently
            self.errors.append(exc)
        finally:
            with contextlib.suppress(OSError):
                sock.close()


def by_project_pages(n: int, total: Any) -> LoopbackServer:
    """The by-project list endpoint over ``n`` minimal measurements (``m-0``..), honouring
    ``offset`` and ``limit`` and always reporting ``total`` (pass ``n`` for a truthful one)."""

    def handler(exchange: Exchange) -> None:
        query = parse_qs(urlsplit(exchange.target).query)
        offset, limit = int(query["offset"][0]), int(query["limit"][0])
        items = [
            {
                "id": f"m-{i}",
                "name": f"m {i}",
                "cell_instance_id": "ci",
                "created_at": None,
                "updated_at": None,
            }
            for i in range(offset, min(n, offset + limit))
        ]
        body = {"items": items, "count": len(items), "total": total}
        exchange.respond(200, json.dumps(body).encode())

    return LoopbackServer(handler)
