"""Prepared pages: the sandbox answers a repeated GET from the bytes it sent the first time.

For benchmarks of the *client* (``scripts/bench.py``): without it the sandbox builds every
page anew (filtering, ordering, JSON text of ~1000 nested records), and on a small machine
its CPU competes with the client's. With ``SandboxOptions.page_cache_mib`` set, each
successful (200) GET response is kept by path and query string, up to that many MiB of
bodies (least recently used first out), and served again without touching the app. Any
request that is not a GET or HEAD (e.g. ``POST /cell_measurements``, which adds a
measurement) empties the cache, so answers never go stale.

It sits inside the sandbox middleware: authentication, latency, faults and ``x-request-id``
apply to cached answers exactly as to fresh ones.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PageCache"]

_Entry = tuple[int, list[Any], bytes]


class PageCache:
    """Pure-ASGI cache of 200 GET responses, bounded by ``max_bytes`` of bodies.

    ``hits`` and ``misses`` count lookups (for tests and the bench).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        if max_bytes < 1:
            raise ValueError(f"PageCache max_bytes must be >= 1, got {max_bytes!r}")
        self.app = app
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, bytes], _Entry] = OrderedDict()

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            self.clear()
            await self.app(scope, receive, send)
            return
        key = (scope["method"] + " " + scope["path"], scope.get("query_string", b""))
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            status, headers, body = entry
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        start: tuple[int, list[Any]] | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                # copied before the outer middleware adds its per-request headers
                start = (message["status"], list(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start is not None:
                    self._store(key, *start, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key: tuple[str, bytes], status: int, headers: list[Any], body: bytes) -> None:
        if status != 200 or len(body) > self.max_bytes:
            return
        previous = self._entries.pop(key, None)  # two concurrent misses of one page
        if previous is not None:
            self.size -= len(previous[2])
        self._entries[key] = (200, headers, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (_, _, old) = self._entries.popitem(last=False)
            self.size -= len(old)
