"""The httpx transport stack of a session: limits, retries, proxies, TLS, redirects, redaction.

Layers, outermost first::

    httpx client (auth flow, event hooks; follow_redirects=True, same origin only)
      -> mounts: one proxy transport per HTTP(S)_PROXY / ALL_PROXY / NO_PROXY rule (as httpx
         reads them), or every request through ``settings.proxy``; loopback never proxied
        -> RetryTransport (httpx-retries; ``VisibleRetry``: idempotent methods, RETRY_STATUSES,
           backoff, Retry-After capped at RETRY_WAIT_CAP, a total time budget, one INFO log
           line per retry)
          -> LimitedTransport (deadline per attempt, body included; decoded-size cap; the body
             is read here, inside the retry layer; a request failed on a kept-alive connection
             the server closed as it came is sent once more, ``_resendable``)
            -> httpx.HTTPTransport / AsyncHTTPTransport (verify: the CA bundle; sockets read
               READ_SIZE bytes at a time on plain TCP, ``widen_reads``; async on asyncio: the
               pool's own connections, ``_SocketStream`` / ``_AsyncioStream``), or a transport
               given by the caller (then no proxies, as in httpx; its reads as they are)

``client_kwargs(settings, ...)`` is the one place that turns settings into the keyword
arguments of ``httpx.Client``/``httpx.AsyncClient``. ``send`` / ``asend`` send one request and
turn every failure into a toolkit error. Nothing here knows about operations, pages or sinks.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import logging
import select
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import httpx

from .auth import (
    SECRET_QUERY,
    credential_values,
    is_loopback_host,
    origin_of,
    redact_http_library_logs,
    redact_secrets,
)
from .errors import (
    APIError,
    ConfigurationError,
    IonworksError,
    TransportError,
    UnexpectedResponseError,
    error_from_response,
)
from .parameters import check_query_length
from .settings import Settings

T = TypeVar("T")

if TYPE_CHECKING:  # httpcore is imported by httpx when a transport is built, not before
    import httpcore

__all__ = [
    "IDEMPOTENT_METHODS",
    "READ_SIZE",
    "RETRY_STATUSES",
    "RETRY_WAIT_CAP",
    "CancelSafeTransport",
    "DeadlineExceeded",
    "LimitedTransport",
    "ResponseTooLarge",
    "asend",
    "client_kwargs",
    "raise_for_status",
    "redact_url",
    "retry_policy",
    "retrying_transport",
    "send",
    "transport_error",
    "widen_reads",
]

logger = logging.getLogger("ionworks_toolkit.http")

IDEMPOTENT_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
RETRY_STATUSES = (429, 502, 503, 504)
#: Seconds: the longest single wait between retries, whatever ``Retry-After`` asks for.
RETRY_WAIT_CAP = 30.0
#: Query parameter names whose values are secrets (redacted in logs, held to the https rule).
#: Bytes httpcore asks of a connection's socket per read on the toolkit's own transports
#: (``widen_reads``); httpcore's default is 64 KiB (``HTTP11Connection.READ_NUM_BYTES``, a
#: class attribute shared by every httpx client of the process, so left alone). A
#: 1000-measurement page is ~9 MB. Async: asyncio's socket transport receives at most 256 KiB
#: per ``recv()``, and anyio cut each such chunk into 64 KiB reads (copying the rest every
#: time, one event-loop pass and one cancellation scope per read); any ask of 256 KiB or more
#: takes a chunk whole. Sync: one ``recv()`` takes what the kernel holds, up to this (on
#: loopback often the whole 1 MiB). Plain TCP only: a TLS read returns one record (16 KiB)
#: whatever the ask, and a 1 MiB ask costs a 1 MiB buffer per record (measured: ~0.5 ms more
#: per 9 MB page), so TLS streams keep httpcore's ask. Measured on the sandbox (http, 9 MB
#: pages, receive only: ``client.get`` of one page on the toolkit's client), 64 KiB -> 1 MiB:
#: instructions per page (callgrind) async 105M -> 63M, sync 66M -> 50M; CPU time per page,
#: median of 80 on a loaded 2-core machine, async 42.5 -> 38.4 ms, sync 33.2 -> 16.6 ms.
#: Async on asyncio the pool's connections are the toolkit's own (``_WideAsyncBackend``):
#: ``loop.sock_recv`` of this size on plain TCP, no pause/resume per read. Twenty pages
#: fetched 4 at a time on the toolkit's transport, CPU per page, best of 6 rounds on a
#: loaded 2-core machine: anyio 20-25 ms, ``_SocketStream`` 11-12.6 ms, sync 12.8-13.1 ms.
READ_SIZE = 1024 * 1024
#: Redirects followed for one request (to the API's own origin, ``check_redirect``); one more
#: is a TransportError naming the last ``Location``.
MAX_REDIRECTS = 10
# A compressed body is fed to the decoder in slices this big, so one slice of a gzip bomb
# inflates to at most ~1000x this (deflate's limit) before the cap is checked.
_DECODE_SLICE = 4096


def redact_url(url: httpx.URL) -> str:
    """The URL with key-like query values (``api_key``, ``token``...) replaced by ``***``."""
    if not url.query:
        return str(url)
    params = [
        (name, "***" if SECRET_QUERY.search(name) else value)
        for name, value in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor:
            return f"{n / factor:g} {unit}"
    return f"{n} bytes"


class ResponseTooLarge(httpx.TransportError):
    """A response body (decoded) larger than ``max_response_bytes``; never retried."""


class DeadlineExceeded(httpx.TimeoutException):
    """No complete response (body included) within ``timeout`` seconds; never retried."""


def _too_large(request: httpx.Request, limit: int) -> ResponseTooLarge:
    """The error for a body over ``limit`` bytes. For a page of a list (the request has a
    ``limit`` query parameter) a smaller page is the usual fix and is named first
    (FINDINGS7 G26)."""
    advice = "raise it with IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES or max_response_bytes="
    asked = request.url.params.get("limit")
    if asked is not None:
        advice = (
            f"this page asked for limit={asked} records: ask for smaller pages (--page-size, "
            f"page_size=), or {advice}"
        )
    return ResponseTooLarge(
        f"response body is larger than max_response_bytes={limit} ({_size(limit)}, counted "
        f"after decompression); {advice}",
        request=request,
    )


def _late(request: httpx.Request, timeout: float) -> DeadlineExceeded:
    return DeadlineExceeded(
        f"no complete response within the {timeout:g} s timeout (body included); raise it "
        "with IONWORKS_TOOLKIT_TIMEOUT or timeout=",
        request=request,
    )


class _Slices(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Re-chunk a raw stream into slices of at most ``_DECODE_SLICE`` bytes."""

    def __init__(self, source: Any) -> None:
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._source:
            for start in range(0, len(chunk), _DECODE_SLICE):
                yield chunk[start : start + _DECODE_SLICE]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._source:
            for start in range(0, len(chunk), _DECODE_SLICE):
                yield chunk[start : start + _DECODE_SLICE]


class _Chunks:
    """A body's chunks as they arrive and their total size, joined once at the end: one copy
    of the body, as httpx's own ``read()`` (a ``bytearray`` grown chunk by chunk, then copied
    into ``bytes``, cost a second copy of a ~9 MB page)."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def joined(self) -> bytes:
        return b"".join(self.parts)


class _Attempt:
    """One sync attempt run by :class:`_DeadlineWatch`: its network stream once the response
    head has arrived, and whether the caller has given up on it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stream: Any = None
        self._abandoned = False

    def connected(self, stream: Any) -> None:
        """The attempt's response head arrived over ``stream`` (httpcore's network stream)."""
        with self._lock:
            self._stream = stream
            abandoned = self._abandoned
        if abandoned:
            self._shut(stream)

    def abandon(self) -> None:
        """The caller left (deadline, Ctrl-C): stop the attempt's socket waits if possible."""
        with self._lock:
            self._abandoned = True
            stream = self._stream
        self._shut(stream)

    @staticmethod
    def _shut(stream: Any) -> None:
        # shutdown() wakes a recv() blocked in the worker thread (close() would not); the base
        # class's method also for TLS sockets, whose own shutdown() unwraps the TLS layer
        # under the reader. httpcore then discards the connection.
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _DeadlineWatch:
    """Holds a sync attempt to its deadline: runs it in a worker thread and waits at most
    until the deadline (httpcore's sync reads take one timeout per phase, fixed when the phase
    starts, so a server trickling and then stalling would otherwise hold the caller up to
    twice the timeout). Workers are made on demand, at most ``max_workers`` at once (beyond,
    attempts queue, and their deadline still holds)."""

    def __init__(self, max_workers: int = 64) -> None:
        self._max_workers = max_workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        #: Attempts given up at their deadline (for diagnostics and tests).
        self.expired = 0

    def run(
        self,
        attempt_fn: Callable[[_Attempt], httpx.Response],
        deadline: float,
        late: Callable[[], DeadlineExceeded],
    ) -> httpx.Response:
        """``attempt_fn(attempt)`` in a worker; its result or error, or ``late()`` raised at
        ``deadline`` (``time.monotonic()`` seconds) while the attempt is abandoned."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._max_workers, "ionworks-http")
            pool = self._pool
        attempt = _Attempt()
        future = pool.submit(contextvars.copy_context().run, attempt_fn, attempt)
        try:
            done, _ = futures_wait([future], timeout=max(deadline - time.monotonic(), 0.0))
        except BaseException:  # Ctrl-C while waiting
            attempt.abandon()
            raise
        if not done:
            attempt.abandon()
            with self._lock:
                self.expired += 1
            raise late()
        return future.result()

    def close(self) -> None:
        """Wait for the running attempts (abandoned ones end at their socket timeouts)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


#: How many times one request is sent again after failing on a kept-alive connection the
#: server closed as it came (``_resendable``): each such connection is dropped from the pool
#: after its failure, so the resends end on a new connection once the pool's stale ones are
#: gone (httpx keeps at most 20 idle connections by default); a request on a new connection
#: is never sent again this way.
MAX_STALE_RESENDS = 20

#: How a request fails on a kept-alive connection the server closed as the request came (its
#: idle timeout fired while the request was on its way): the server's FIN (``Server
#: disconnected without sending a response.``) or RST (``ReadError``/``WriteError``).
_STALE_FAILURES = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class _ExchangeTrace:
    """httpcore's ``trace`` extension for one attempt (``__call__`` sync, ``atrace`` async):
    whether the attempt opened a connection, sent its request head, and received the response
    head. ``outer``: the request's own trace, still called."""

    def __init__(self, outer: Any) -> None:
        self.outer = outer
        self.connected = False  # a new connection (connect_tcp, connect_unix_socket)
        self.sent = False  # an HTTP/1.1 request head started out
        self.answered = False  # the response head arrived

    def _note(self, name: str) -> None:
        if ".connect_" in name:
            self.connected = True
        elif name == "http11.send_request_headers.started":
            self.sent = True
        elif name == "http11.receive_response_headers.complete":
            self.answered = True

    def __call__(self, name: str, info: dict[str, Any]) -> None:
        self._note(name)
        if self.outer is not None:
            self.outer(name, info)

    async def atrace(self, name: str, info: dict[str, Any]) -> None:
        """The async form of ``__call__`` (httpcore awaits an async pool's trace)."""
        self._note(name)
        if self.outer is not None:
            await self.outer(name, info)


def _resendable(request: httpx.Request, exc: Exception, trace: _ExchangeTrace) -> bool:
    """Whether ``request``, failed with ``exc``, may be sent again at once, outside the user's
    retries: an idempotent method with a body that can be sent again, failed by a closed or
    reset connection (``_STALE_FAILURES``) that was reused from the pool (the attempt opened
    none) before any response head came. That is a kept-alive connection the server closed
    as the request came, which no check before sending can see (httpcore's reuse check,
    ``is_readable``, drops one whose close has arrived); browsers send such a request again
    on a new connection (Chromium: reused connection, no response headers)."""
    return (
        request.method in IDEMPOTENT_METHODS
        and isinstance(request.stream, httpx.ByteStream)
        and isinstance(exc, _STALE_FAILURES)
        and trace.sent
        and not trace.connected
        and not trace.answered
    )


def _refresh(timeouts: dict[str, float | None], deadline: float) -> None:
    """Each phase's timeout cut to the time left before ``deadline`` (in place: httpcore
    reads this dict)."""
    left = max(deadline - time.monotonic(), 0.001)
    for phase, value in timeouts.items():
        timeouts[phase] = min(value or left, left)


def _resending(request: httpx.Request, exc: Exception) -> None:
    logger.debug(
        "%s %s: sent again on a new connection (the server closed the kept-alive one as the "
        "request came: %s)",
        request.method,
        request.url.path,
        f"{type(exc).__name__}: {exc}",
    )


def _restore_trace(request: httpx.Request, outer: Any) -> None:
    """The request's own ``trace`` extension back (none if it had none)."""
    if outer is None:
        request.extensions.pop("trace", None)
    else:
        request.extensions["trace"] = outer


class LimitedTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Send through ``inner`` and read the whole body here, within two limits.

    - ``max_bytes``: the body is decoded (gzip, deflate, br...) as it streams in, in small
      slices, and counted; past the limit the connection is closed and ResponseTooLarge
      raised, so memory stays near the limit even for a gzip bomb. A ``Content-Length`` above
      the limit fails before any byte is read.
    - ``timeout``: seconds for the whole attempt, connect to last byte. Async: one
      cancellation scope. Sync over ``httpx.HTTPTransport`` (what the toolkit builds, proxies
      included): the attempt runs in a worker thread and the caller waits for it at most until
      the deadline (:class:`_DeadlineWatch`), so DeadlineExceeded comes at the timeout, late
      only by thread wake-up latency (milliseconds), however the server trickles or stalls.
      The abandoned attempt's socket is shut down when its response head has arrived (else
      it ends by its own socket timeouts, each at most the time that was left), and its pool
      connection is discarded; ``close()`` waits for such attempts. Another sync transport
      given by the caller (``MockTransport``, a recorder) runs in the caller's thread: each
      phase gets at most the time left and the clock is checked after every chunk.
      DeadlineExceeded is not retried (a trickle would only trickle again).

    A request that failed on a kept-alive connection the server closed as the request came
    is sent again at once, within the same deadline and apart from the retries above
    (``_resendable``; FINDINGS10 K7): the pool may hand it another kept-alive connection,
    stale too (several idle connections time out together), so it is sent again while it
    fails so, each such connection then dropped, until it goes out on a new connection
    (at most :data:`MAX_STALE_RESENDS` times).

    Reading the body inside the transport also lets the retry layer above see a connection
    dropped mid-body. The response handed up is in memory, already decoded (its
    ``Content-Encoding`` removed, ``Content-Length`` set to the decoded size).
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | httpx.AsyncBaseTransport,
        *,
        max_bytes: int,
        timeout: float,
    ) -> None:
        self._inner = inner
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._watch = _DeadlineWatch() if isinstance(inner, httpx.HTTPTransport) else None

    # -- helpers shared by both paths

    def _arm(self, request: httpx.Request, deadline: float) -> dict[str, float | None]:
        left = max(deadline - time.monotonic(), 0.001)
        given = request.extensions.get("timeout") or {}
        timeouts: dict[str, float | None] = {
            phase: min(left, given.get(phase) or left)
            for phase in ("connect", "read", "write", "pool")
        }
        request.extensions["timeout"] = timeouts  # httpcore reads this dict per phase
        return timeouts

    def _check_declared_size(self, request: httpx.Request, response: httpx.Response) -> None:
        declared = response.headers.get("content-length", "")
        encoded = response.headers.get("content-encoding", "identity").lower() != "identity"
        if declared.isdigit() and not encoded and int(declared) > self.max_bytes:
            raise _too_large(request, self.max_bytes)

    def _in_memory(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        # A response whose content was given up front (httpx.MockTransport, a cassette), read
        # and so decoded: handed up as a streamed one is, without its Content-Encoding and
        # with the decoded Content-Length (else the headers describe bytes no longer there).
        if len(response.content) > self.max_bytes:
            raise _too_large(request, self.max_bytes)
        if "content-encoding" in response.headers:
            return self._rebuild(response, response.content)
        return response

    @staticmethod
    def _decoding_view(response: httpx.Response) -> httpx.Response:
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Slices(response.stream),
        )

    @staticmethod
    def _rebuild(response: httpx.Response, body: bytes) -> httpx.Response:
        headers = httpx.Headers(response.headers)
        headers.pop("content-encoding", None)
        headers.pop("transfer-encoding", None)
        headers["content-length"] = str(len(body))
        return httpx.Response(
            status_code=response.status_code,
            headers=headers,
            stream=httpx.ByteStream(body),
            extensions=response.extensions,
        )

    def _accept(self, request: httpx.Request, body: _Chunks, chunk: bytes, deadline: float) -> None:
        body.parts.append(chunk)
        body.size += len(chunk)
        if body.size > self.max_bytes:
            raise _too_large(request, self.max_bytes)
        if time.monotonic() > deadline:
            raise _late(request, self.timeout)

    # -- sync

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.BaseTransport)
        deadline = time.monotonic() + self.timeout
        if self._watch is None:
            return self._attempt(request, deadline, None)
        return self._watch.run(
            lambda attempt: self._attempt(request, deadline, attempt),
            deadline,
            lambda: _late(request, self.timeout),
        )

    def _attempt(
        self, request: httpx.Request, deadline: float, attempt: _Attempt | None
    ) -> httpx.Response:
        assert isinstance(self._inner, httpx.BaseTransport)
        timeouts = self._arm(request, deadline)
        try:
            response = self._send(request, timeouts, deadline)
            if attempt is not None:
                attempt.connected(response.extensions.get("network_stream"))
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline - 0.01:
                raise _late(request, self.timeout) from exc
            raise
        if isinstance(response.stream, httpx.ByteStream) or response.is_stream_consumed:
            response.read()
            return self._in_memory(request, response)
        body = _Chunks()
        try:
            self._check_declared_size(request, response)
            timeouts["read"] = max(deadline - time.monotonic(), 0.001)  # for the body phase
            encoded = "content-encoding" in response.headers
            chunks = self._decoding_view(response).iter_bytes() if encoded else response.iter_raw()
            for chunk in chunks:
                self._accept(request, body, chunk, deadline)
        except httpx.TimeoutException as exc:
            if isinstance(exc, DeadlineExceeded) or time.monotonic() < deadline - 0.01:
                raise
            raise _late(request, self.timeout) from exc
        finally:
            response.close()
        return self._rebuild(response, body.joined())

    def _send(
        self, request: httpx.Request, timeouts: dict[str, float | None], deadline: float
    ) -> httpx.Response:
        """``inner.handle_request(request)``, sent again while ``_resendable`` (at most
        :data:`MAX_STALE_RESENDS` times)."""
        assert isinstance(self._inner, httpx.BaseTransport)
        outer = request.extensions.get("trace")
        try:
            for resends in range(MAX_STALE_RESENDS + 1):
                trace = _ExchangeTrace(outer)
                request.extensions["trace"] = trace
                try:
                    return self._inner.handle_request(request)
                except _STALE_FAILURES as exc:
                    if resends == MAX_STALE_RESENDS or not _resendable(request, exc, trace):
                        raise
                    _resending(request, exc)
                    _refresh(timeouts, deadline)
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            _restore_trace(request, outer)

    # -- async

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import anyio

        assert isinstance(self._inner, httpx.AsyncBaseTransport)
        deadline = time.monotonic() + self.timeout
        timeouts = self._arm(request, deadline)
        body = _Chunks()
        try:
            with anyio.fail_after(self.timeout):
                response = await self._asend(request, timeouts, deadline)
                if isinstance(response.stream, httpx.ByteStream) or response.is_stream_consumed:
                    await response.aread()
                    return self._in_memory(request, response)
                try:
                    self._check_declared_size(request, response)
                    encoded = "content-encoding" in response.headers
                    chunks = (
                        self._decoding_view(response).aiter_bytes()
                        if encoded
                        else response.aiter_raw()
                    )
                    async for chunk in chunks:
                        self._accept(request, body, chunk, deadline)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise _late(request, self.timeout) from exc
        except httpx.TimeoutException as exc:
            if isinstance(exc, DeadlineExceeded) or time.monotonic() < deadline - 0.01:
                raise
            raise _late(request, self.timeout) from exc
        return self._rebuild(response, body.joined())

    async def _asend(
        self, request: httpx.Request, timeouts: dict[str, float | None], deadline: float
    ) -> httpx.Response:
        """Async ``_send``."""
        assert isinstance(self._inner, httpx.AsyncBaseTransport)
        outer = request.extensions.get("trace")
        try:
            for resends in range(MAX_STALE_RESENDS + 1):
                trace = _ExchangeTrace(outer)
                request.extensions["trace"] = trace.atrace
                try:
                    return await self._inner.handle_async_request(request)
                except _STALE_FAILURES as exc:
                    if resends == MAX_STALE_RESENDS or not _resendable(request, exc, trace):
                        raise
                    _resending(request, exc)
                    _refresh(timeouts, deadline)
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            _restore_trace(request, outer)

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()  # abandoned attempts first: they still use the pool
        if isinstance(self._inner, httpx.BaseTransport):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncBaseTransport):
            await self._inner.aclose()


# Kept for code that imported the earlier names.
BufferedTransport = LimitedTransport
_BufferedTransport = LimitedTransport


def certificate_failure(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a TLS certificate verification failure."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


#: ssl errors of a connection dropped during the handshake (EOF, reset): they may pass, and
#: are retried as any dropped connection. Every other ``ssl.SSLError`` would repeat.
_TRANSIENT_SSL = (ssl.SSLEOFError, ssl.SSLSyscallError, ssl.SSLZeroReturnError)
#: OpenSSL's words when a TLS handshake is answered by something that does not speak TLS (a
#: plain-http server): WRONG_VERSION_NUMBER (OpenSSL 1.1-3.1), "record layer failure"
#: (3.2+), HTTP_REQUEST (the other side sent an HTTP request line).
NOT_TLS_WORDS = ("WRONG_VERSION_NUMBER", "record layer failure", "HTTP_REQUEST")


def tls_failure(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a TLS failure that would fail the same way
    again, so is never retried: a certificate refused (``certificate_failure``), or any other
    ``ssl.SSLError`` but a connection dropped during the handshake (``_TRANSIENT_SSL``), e.g.
    ``[SSL: WRONG_VERSION_NUMBER]`` from an https URL on a plain-http port."""
    if certificate_failure(exc):
        return True
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) and not isinstance(seen, _TRANSIENT_SSL):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def not_tls_server(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the server answered the TLS handshake with
    something else (``NOT_TLS_WORDS``): most likely an https URL for an http server."""
    seen: BaseException | None = exc
    while seen is not None:
        if any(word in str(seen) for word in NOT_TLS_WORDS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# --------------------------------------------------------------------------- retries


class CancelSafeTransport(httpx.AsyncBaseTransport):
    """Run each async request (connect, send, read the whole body, release the connection)
    in its own task, shielded from the caller's cancellation.

    httpcore leaves a pool connection orphaned (ACTIVE forever) when a task is cancelled at
    the wrong moment (encode/httpcore#1093, open; #658, #830): an async walk cancelling its
    prefetched requests leaked connections until the pool was full. Here a cancelled caller
    returns at once, while the request it started finishes in the background (bounded by the
    timeout) and gives its connection back. ``aclose()`` cancels those still running (nobody
    will claim their responses, and closing the pool next closes their connections, orphaned
    or not), waits for them to end and closes the pool: closing never waits for a silent
    server (a Ctrl-C while a request was in flight used to wait out its timeout here).
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self._running: set[asyncio.Task[httpx.Response]] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # another event loop library (trio): no tasks to shield with
            return await self._inner.handle_async_request(request)
        task = asyncio.ensure_future(self._inner.handle_async_request(request))
        self._running.add(task)
        task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    def _finished(self, task: asyncio.Task[httpx.Response]) -> None:
        # The body was read inside (LimitedTransport), so an unclaimed response holds no
        # connection; an exception nobody waits for is retrieved, not logged as lost.
        self._running.discard(task)
        if not task.cancelled():
            task.exception()

    async def aclose(self) -> None:
        running = list(self._running)
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        await self._inner.aclose()


def retry_policy(settings: Settings) -> Any:
    """The ``Retry`` for these settings (``retries.VisibleRetry``): ``settings.max_retries``
    retries of idempotent methods on connect/read errors, dropped connections and
    ``RETRY_STATUSES``; exponential backoff (0.5 s factor, full jitter); ``Retry-After``
    honoured up to ``RETRY_WAIT_CAP`` seconds; no retry starts ``settings.retry_budget``
    seconds after the first attempt; one INFO line per retry. A TLS failure (a certificate
    refused, a plain-http server on an https URL: ``tls_failure``), a body over
    ``max_response_bytes`` and an exceeded ``timeout`` are not retried."""
    from .retries import VisibleRetry

    return VisibleRetry(
        total=settings.max_retries,
        allowed_methods=IDEMPOTENT_METHODS,
        status_forcelist=RETRY_STATUSES,
        retry_on_exceptions=(
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.ReadTimeout,
            httpx.RemoteProtocolError,
            httpx.ReadError,
        ),
        backoff_factor=0.5,
        backoff_jitter=1.0,
        respect_retry_after_header=True,
        max_backoff_wait=RETRY_WAIT_CAP,
    ).with_budget(settings.retry_budget)


def retrying_transport(settings: Settings, transport: Any, *, asynchronous: bool = False) -> Any:
    """``transport`` wrapped in LimitedTransport, then (async clients) CancelSafeTransport,
    then the retry transport.

    httpx-retries is optional for a vendored copy: without it only ``max_retries=0`` works,
    and anything else raises ConfigurationError saying what to install.
    """
    limited: Any = LimitedTransport(
        transport, max_bytes=settings.max_response_bytes, timeout=settings.timeout
    )
    if asynchronous:
        limited = CancelSafeTransport(limited)
    from .retries import AVAILABLE, BudgetRetryTransport

    if not AVAILABLE:
        if settings.max_retries == 0:
            return limited
        raise ConfigurationError(
            "retries need the httpx-retries package: pip install httpx-retries "
            "(or pass max_retries=0)"
        ) from None
    return BudgetRetryTransport(transport=limited, retry=retry_policy(settings))


# --------------------------------------------------------------------------- wide reads


class _WideStream:
    """An ``httpcore.NetworkStream`` (plain TCP) whose reads ask for at least READ_SIZE bytes;
    all else is ``inner``'s (duck-typed: httpcore, imported lazily by httpx, is no base class
    here). ``start_tls`` returns the inner TLS stream as it is (see READ_SIZE)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max(max_bytes, READ_SIZE), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        return self.inner.start_tls(*args, **kwargs)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)  # "socket" for _Attempt, "is_readable"...


class _WideAsyncStream:
    """An ``httpcore.AsyncNetworkStream`` (plain TCP) whose reads ask for at least READ_SIZE
    bytes; ``start_tls`` returns the inner TLS stream as it is."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max(max_bytes, READ_SIZE), timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return await self.inner.start_tls(*args, **kwargs)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _WideBackend:
    """An ``httpcore.NetworkBackend``: ``inner``'s, its streams reading wide (``_WideStream``)."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(self, *args: Any, **kwargs: Any) -> _WideStream:
        return _WideStream(self.inner.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _WideStream:
        return _WideStream(self.inner.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


#: Bytes an asyncio connection may hold received and not yet read before it stops reading
#: its socket (``_ReceiveProtocol``'s flow control); reading resumes below half of it.
RECEIVE_HIGH_WATER = 4 * READ_SIZE


class _ReceiveProtocol(asyncio.Protocol):
    """One asyncio connection's bytes, queued as the transport hands them over (asyncio's
    socket transport receives up to 256 KiB per ``recv()``) and read by
    :meth:`receive` without another pass of the event loop while any are queued.

    Reading stays on while fewer than RECEIVE_HIGH_WATER bytes wait (anyio's streams, which
    httpcore uses by default, pause the transport after every read and resume it before the
    next: two ``epoll_ctl`` calls and one event-loop pass per 256 KiB, about 12 ms of a
    9 MB page's CPU on the sandbox). Writes wait while the transport's buffer is above its
    high-water mark (``pause_writing``/``resume_writing``), as asyncio's own streams do."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self._chunks: collections.deque[bytes] = collections.deque()
        self._queued = 0
        self._eof = False
        self._error: BaseException | None = None
        self._paused_reading = False
        self._paused_writing = False
        self._waiter: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None

    # -- asyncio's callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._queued += len(data)
        if self._queued > RECEIVE_HIGH_WATER and not self._paused_reading:
            self._paused_reading = True
            assert self.transport is not None
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False  # the transport closes itself

    def connection_lost(self, exc: BaseException | None) -> None:
        self._eof = True
        self._error = exc
        self._wake()
        drained, self._drained = self._drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)  # send() then sees the transport closing

    def pause_writing(self) -> None:
        self._paused_writing = True

    def resume_writing(self) -> None:
        self._paused_writing = False
        drained, self._drained = self._drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- what the stream uses

    @property
    def has_unread(self) -> bool:
        """Bytes queued or the connection ended (an idle pool connection that is readable
        is not reused: httpcore's ``is_readable``)."""
        return bool(self._chunks) or self._eof

    async def receive(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of what arrived (the queued chunks joined while they fit, a
        chunk cut when the first alone is larger), waiting when none has; ``b""`` at the end
        of the stream. Raises the OSError that ended the connection, once its bytes are read."""
        while not self._chunks:
            if self._error is not None:
                raise self._error
            if self._eof:
                return b""
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        chunks = self._chunks
        data = chunks.popleft()
        if len(data) > max_bytes:
            data, rest = data[:max_bytes], data[max_bytes:]
            chunks.appendleft(rest)
        elif chunks and len(data) + len(chunks[0]) <= max_bytes:
            parts = [data]
            size = len(data)
            while chunks and size + len(chunks[0]) <= max_bytes:
                size += len(chunks[0])
                parts.append(chunks.popleft())
            data = b"".join(parts)
        self._queued -= len(data)
        if self._paused_reading and self._queued <= RECEIVE_HIGH_WATER // 2:
            self._paused_reading = False
            assert self.transport is not None
            self.transport.resume_reading()
        return data

    async def send(self, data: bytes) -> None:
        """Write ``data``; wait while the transport's buffer is full. OSError (a
        ConnectionResetError) when the connection is closed or closing."""
        transport = self.transport
        if transport is None or transport.is_closing():
            raise (
                self._error
                if isinstance(self._error, OSError)
                else ConnectionResetError("the connection is closed")
            )
        transport.write(data)
        if self._paused_writing:
            self._drained = self._loop.create_future()
            await self._drained


class _AsyncioStream:
    """An ``httpcore.AsyncNetworkStream`` over an asyncio transport (plain TCP or TLS) and its
    :class:`_ReceiveProtocol`: reads ask for at least READ_SIZE bytes and return what has
    arrived without an event-loop pass; failures are httpcore's exceptions, as its anyio
    backend raises them (so httpx and the retry layer see the same errors)."""

    def __init__(self, transport: asyncio.Transport, protocol: _ReceiveProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await _as_httpcore(
            "read", self._protocol.receive(max(max_bytes, READ_SIZE)), timeout
        )

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            await _as_httpcore("write", self._protocol.send(buffer), timeout)

    async def aclose(self) -> None:
        """Close at once: ``abort()``, which closes the socket on the loop's next pass,
        without TLS's closing handshake (as httpcore's anyio backend, ``standard_compatible``
        off). ``close()`` would first send close_notify and wait up to 30 s for the server's:
        a connection dropped at a timeout or a cancellation, whose server is stuck, then
        outlived the event loop, its socket never closed (FINDINGS9 J24)."""
        self._transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _AsyncioStream:
        """TLS over this connection (asyncio's ``loop.start_tls``): a new stream on the TLS
        transport, the same protocol. ConnectTimeout / ConnectError (the ``ssl.SSLError``
        chained, for ``certificate_failure`` and ``tls_failure``) as httpcore's backends."""
        loop = asyncio.get_running_loop()
        transport = await _as_httpcore(
            "connect",
            loop.start_tls(
                self._transport, self._protocol, ssl_context, server_hostname=server_hostname
            ),
            timeout,
            on_failure=self._transport.abort,
        )
        assert transport is not None
        return _AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._protocol.has_unread or _socket_readable(self._transport)
        name = {"client_addr": "sockname", "server_addr": "peername"}.get(info, info)
        if name in ("ssl_object", "sockname", "peername", "socket"):
            return self._transport.get_extra_info(name)
        return None


class _SocketStream:
    """An ``httpcore.AsyncNetworkStream`` over a plain TCP socket on asyncio: each read is one
    ``loop.sock_recv`` of at least READ_SIZE bytes, which calls ``recv()`` at once and waits
    for the socket only when the kernel holds nothing (so a 9 MB page takes about as many
    system calls as the sync client's reads, and no event-loop pass while bytes are there;
    anyio's streams cost 1.7x that CPU, see RECEIVE_HIGH_WATER). Failures are httpcore's
    exceptions, as its anyio backend raises them. ``start_tls`` hands the socket to an asyncio
    TLS transport (:class:`_AsyncioStream`)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._loop = asyncio.get_running_loop()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await _as_httpcore(
            "read", self._loop.sock_recv(self._sock, max(max_bytes, READ_SIZE)), timeout
        )

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            await _as_httpcore("write", self._loop.sock_sendall(self._sock, buffer), timeout)

    async def aclose(self) -> None:
        self._sock.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _AsyncioStream:
        """TLS over this connection: the socket handed to an asyncio TLS transport
        (``loop.create_connection(sock=..., ssl=...)``), read by :class:`_ReceiveProtocol`.
        ConnectTimeout / ConnectError (the ``ssl.SSLError`` chained, for
        ``certificate_failure`` and ``tls_failure``) as httpcore's backends; the socket is
        closed on failure."""
        loop = self._loop
        transport, protocol = await _as_httpcore(
            "connect",
            loop.create_connection(
                lambda: _ReceiveProtocol(loop),
                sock=self._sock,
                ssl=ssl_context,
                server_hostname=server_hostname,
            ),
            timeout,
            on_failure=self._sock.close,
        )
        return _AsyncioStream(transport, protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self._sock
        if info == "is_readable":
            return self._sock.fileno() < 0 or bool(select.select([self._sock], [], [], 0)[0])
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        return None


async def _as_httpcore(
    phase: Literal["read", "write", "connect"],
    operation: Awaitable[T],
    timeout: float | None,
    on_failure: Callable[[], object] | None = None,
) -> T:
    """Await one network ``operation`` of :class:`_AsyncioStream` or :class:`_SocketStream`
    within ``timeout`` seconds (None: no limit), failing as httpcore's anyio backend fails,
    so httpx and the retry layer see the same errors: ``TimeoutError`` becomes the phase's
    ``httpcore.ReadTimeout``/``WriteTimeout``/``ConnectTimeout``, any other ``OSError``
    (``ssl.SSLError`` included) its ``ReadError``/``WriteError``/``ConnectError``.
    ``on_failure`` (closing the connection) runs first on any failure, cancellation too."""
    import httpcore

    timeout_error, io_error = {
        "read": (httpcore.ReadTimeout, httpcore.ReadError),
        "write": (httpcore.WriteTimeout, httpcore.WriteError),
        "connect": (httpcore.ConnectTimeout, httpcore.ConnectError),
    }[phase]
    try:
        async with asyncio.timeout(timeout):
            return await operation
    except BaseException as exc:
        if on_failure is not None:
            on_failure()
        if isinstance(exc, TimeoutError):  # before OSError: TimeoutError is one
            raise timeout_error(str(exc) or "timed out") from exc
        if isinstance(exc, OSError):
            raise io_error(str(exc) or type(exc).__name__) from exc
        raise


def _socket_readable(transport: asyncio.BaseTransport) -> bool:
    """True when the kernel holds bytes (or the end) for this connection that the event loop
    has not handed over yet."""
    sock = transport.get_extra_info("socket")
    if sock is None or sock.fileno() < 0:
        return True
    readable, _, _ = select.select([sock.fileno()], [], [], 0)
    return bool(readable)


async def _connected_socket(
    loop: asyncio.AbstractEventLoop, host: str, port: int, local_address: str | None
) -> socket.socket:
    """A non-blocking socket connected to ``host:port``, trying each address of
    ``getaddrinfo`` in turn; the last OSError when none connects."""
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    error: OSError = OSError(f"no address for {host!r}")
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            if local_address:
                sock.bind((local_address, 0))
            await loop.sock_connect(sock, address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    raise error


class _WideAsyncBackend:
    """An ``httpcore.AsyncNetworkBackend``. On asyncio (what ``AsyncToolkit`` runs on): its
    own TCP connections (:class:`_SocketStream`: ``loop.sock_recv`` of READ_SIZE bytes;
    TLS on an asyncio transport, :class:`_AsyncioStream`). On another event loop library
    (trio): ``inner``'s, its streams reading wide (``_WideAsyncStream``)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> Any:
        """A TCP connection to ``host:port``: each address ``getaddrinfo`` gives tried in
        turn (as the sync client's ``socket.create_connection``), within ``timeout`` in all.
        ConnectTimeout past it; ConnectError "All connection attempts failed" (the last
        OSError chained), the text httpcore's anyio backend gives, which the toolkit's
        connection errors extend with the server's address."""
        import httpcore

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover - trio: httpcore's own backend
            return _WideAsyncStream(
                await self.inner.connect_tcp(
                    host,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            )
        try:
            async with asyncio.timeout(timeout):
                sock = await _connected_socket(loop, host, port, local_address)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc) or "timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError("All connection attempts failed") from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
        except OSError as exc:
            sock.close()
            raise httpcore.ConnectError(str(exc)) from exc
        return _SocketStream(sock)

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _WideAsyncStream:
        return _WideAsyncStream(await self.inner.connect_unix_socket(*args, **kwargs))

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def widen_reads(transport: Any) -> Any:
    """``transport`` (an ``httpx.HTTPTransport``/``AsyncHTTPTransport`` the toolkit built,
    direct or through a proxy), its plain TCP connections (http://, and the hop to an http://
    proxy) from now on reading READ_SIZE bytes at a time; TLS keeps httpcore's 64 KiB ask.

    httpx 0.28 passes no network backend to the httpcore pool it builds (encode/httpx#3749,
    open), so the pool's backend is wrapped in place: httpx's private ``_pool`` and
    httpcore's private ``_network_backend``, which the pool and its proxy variants
    (``HTTPProxy``, ``SOCKSProxy``) open every connection with. Only this transport changes,
    never another client of the process. Should either name change, the transport is returned
    as it was (httpcore's 64 KiB reads) and ``tests/unit/test_transport_reads.py`` fails.
    """
    pool: Any = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None:
        wide = (
            _WideAsyncBackend if isinstance(transport, httpx.AsyncBaseTransport) else _WideBackend
        )
        pool._network_backend = wide(backend)
    return transport


# --------------------------------------------------------------------------- TLS and proxies


def ssl_context(settings: Settings) -> ssl.SSLContext | bool:
    """The TLS verification httpx gets: certifi's bundle (``verify=True``), the CA bundle file
    or directory ``settings.verify`` names (``SSL_CERT_FILE``/``SSL_CERT_DIR`` resolve to
    one, see settings), an ``ssl.SSLContext`` as given, or False (argument only)."""
    verify = settings.verify
    if isinstance(verify, ssl.SSLContext) or verify is False:
        return verify
    if verify is True:
        return httpx.create_ssl_context(trust_env=False)
    path = Path(str(verify))
    try:
        if path.is_dir():
            return ssl.create_default_context(capath=str(path))
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError) as exc:
        raise ConfigurationError(
            f"verify: CA bundle {str(path)!r} cannot be loaded: {exc} (give a PEM file of CA "
            "certificates or a directory of hashed ones)"
        ) from None


def proxy_map(settings: Settings) -> dict[str, str | None]:
    """httpx mount patterns -> proxy URL (None: go direct) for this session.

    ``settings.proxy`` sends everything through one proxy (``{"all://": proxy}``, as httpx's
    ``proxy=``); else ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` from the
    process environment, read by httpx's own function, so they mean what they mean to httpx;
    except that an API on loopback (the sandbox, a local test server) is not sent to an
    environment proxy: a proxy cannot reach this machine's loopback.
    """
    if settings.proxy:
        return {"all://": settings.proxy}
    if is_loopback_host(httpx.URL(settings.api_url).host):
        return {}
    from httpx._utils import get_environment_proxies  # httpx's reading of the variables

    return dict(get_environment_proxies())


def _proxy_transport(proxy: str, verify: Any, asynchronous: bool) -> Any:
    cls = _AsyncProxyTransport if asynchronous else _ProxyTransport
    try:
        return widen_reads(cls(verify=verify, proxy=httpx.Proxy(proxy)))
    except ImportError as exc:  # socks5:// without socksio
        raise ConfigurationError(
            f"proxy {httpx.URL(proxy).copy_with(username=None, password=None)}: {exc}"
        ) from None
    except ValueError as exc:
        raise ConfigurationError(f"proxy: {exc}") from None


#: What a proxy transport raises when the proxy itself fails: not reached, or it refused.
_PROXY_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError)


def _naming_the_proxy(exc: httpx.TransportError, proxy: httpx.Proxy) -> httpx.TransportError:
    """``exc`` (same type: retried as before) saying which proxy failed: its URL without
    credentials, and its password redacted from the text."""
    shown = proxy.url.copy_with(username=None, password=None)
    text = redact_secrets(str(exc) or type(exc).__name__, [p for p in proxy.auth or () if p])
    if isinstance(exc, httpx.ProxyError):
        return type(exc)(f"proxy {shown} refused the connection: {text}")
    return type(exc)(f"could not reach proxy {shown}: {text}")


class _ProxyTransport(httpx.HTTPTransport):
    """httpx's transport through ``proxy``, whose connection failures name the proxy."""

    def __init__(self, *, proxy: httpx.Proxy, **kwargs: Any) -> None:
        super().__init__(proxy=proxy, **kwargs)
        self.proxy = proxy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except _PROXY_FAILURES as exc:
            raise _naming_the_proxy(exc, self.proxy) from exc


class _AsyncProxyTransport(httpx.AsyncHTTPTransport):
    """Async ``_ProxyTransport``."""

    def __init__(self, *, proxy: httpx.Proxy, **kwargs: Any) -> None:
        super().__init__(proxy=proxy, **kwargs)
        self.proxy = proxy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except _PROXY_FAILURES as exc:
            raise _naming_the_proxy(exc, self.proxy) from exc


def server_of(url: httpx.URL) -> str:
    """``scheme://host:port`` of ``url`` (the default port written out, an IPv6 host in
    brackets; never its user information, path or query): where a connection goes."""
    host = url.host if ":" not in url.host else f"[{url.host}]"
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    return f"{url.scheme}://{host}:{port}" if port else f"{url.scheme}://{host}"


#: What a direct transport raises when the API host cannot be connected to.
_CONNECT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout)


def _naming_the_server(
    exc: httpx.TransportError, request: httpx.Request, api_url: httpx.URL, source: str
) -> httpx.TransportError:
    """``exc`` (same type: retried as before) saying where the connection went: the request's
    ``scheme://host:port``, and for the API's own origin which setting chose it (FINDINGS6
    F15: ``ConnectError: All connection attempts failed`` named no host)."""
    where = server_of(request.url)
    if where == server_of(api_url) and source:
        where += f" (api_url {source})"
    return type(exc)(f"cannot connect to {where}: {str(exc) or type(exc).__name__}")


class _DirectTransport(httpx.HTTPTransport):
    """httpx's transport to the server itself, whose connection failures name the server.
    ``api_url``/``source``: the session's API address and where it came from."""

    def __init__(self, *, api_url: str, source: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_url, self.source = httpx.URL(api_url), source

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except _CONNECT_FAILURES as exc:
            raise _naming_the_server(exc, request, self.api_url, self.source) from exc


class _AsyncDirectTransport(httpx.AsyncHTTPTransport):
    """Async ``_DirectTransport``."""

    def __init__(self, *, api_url: str, source: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_url, self.source = httpx.URL(api_url), source

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except _CONNECT_FAILURES as exc:
            raise _naming_the_server(exc, request, self.api_url, self.source) from exc


#: How a connection failure says where ``api_url`` came from (``Settings.sources``).
_API_URL_SOURCES = {
    "argument": "from --api-url / api_url=",
    "environment": "from IONWORKS_API_URL",
    "config file": "from the config file",
    ".env": "from the working folder's .env",
    "folder config": "from the working folder's ionworks-toolkit.toml",
    "default": "the default",
}


# --------------------------------------------------------------------------- redirects


def check_redirect(response: httpx.Response, api_url: str) -> None:
    """Response hook: let httpx follow only same-origin redirects that keep the request.

    Followed: 307/308 (method and body kept) and 301/302/303 answering GET or HEAD, to the
    API's own origin (scheme, host, port). Anything else raises UnexpectedResponseError naming
    the ``Location`` (query values that look like keys and the request's credentials, in any
    encoding, redacted): a redirect to another origin
    is never followed, so no credential goes there; a 301/302/303 answering another method
    would turn it into a GET.
    """
    if not response.has_redirect_location:
        return
    request = response.request
    location = response.headers["location"]
    try:
        target = request.url.join(location)
    except httpx.InvalidURL:
        target = None
    shown = redact_url(target) if target is not None else location[:200]
    # The request's own credentials too, in any encoding (a server echoing the key).
    shown = redact_secrets(shown, credential_values(request.headers))
    if target is None or origin_of(str(target)) != origin_of(api_url):
        raise UnexpectedResponseError(
            status=response.status_code,
            method=request.method,
            path=request.url.path,
            detail=f"redirected to another origin: Location {shown}; not followed (credentials "
            f"go only to {api_url}: if the API moved, set api_url to its new address)",
        )
    if response.status_code in (301, 302, 303) and request.method not in ("GET", "HEAD"):
        raise UnexpectedResponseError(
            status=response.status_code,
            method=request.method,
            path=request.url.path,
            detail=f"redirect {response.status_code} to {shown} would turn {request.method} "
            "into GET; not followed",
        )


# --------------------------------------------------------------------------- the client


def client_kwargs(
    settings: Settings,
    *,
    auth: httpx.Auth | None,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
    asynchronous: bool,
    on_request: Sequence[Callable[[httpx.Request], Any]],
    on_response: Sequence[Callable[[httpx.Response], Any]],
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client`` (``asynchronous=False``) or ``httpx.AsyncClient``.

    ``transport``: the innermost transport (tests, recording); then no proxy mounts, as in
    httpx. Otherwise httpx's transports with ``ssl_context(settings)``, plus one proxy
    transport per ``proxy_map`` rule, each wrapped in the limit and retry stack. Redirects are
    followed only as ``check_redirect`` allows. Raises ConfigurationError for an unusable CA
    bundle or proxy, or retries without httpx-retries installed.
    """
    redact_http_library_logs()  # httpx's own request lines print URLs as sent
    mounts: dict[str, Any] = {}
    if transport is None:
        verify = ssl_context(settings)
        cls = _AsyncDirectTransport if asynchronous else _DirectTransport
        source = _API_URL_SOURCES.get(settings.sources.get("api_url", ""), "")
        inner: Any = widen_reads(cls(verify=verify, api_url=settings.api_url, source=source))
        for pattern, proxy in proxy_map(settings).items():
            mounts[pattern] = (
                None
                if proxy is None
                else retrying_transport(
                    settings,
                    _proxy_transport(proxy, verify, asynchronous),
                    asynchronous=asynchronous,
                )
            )
    else:
        inner = transport

    if asynchronous:

        async def redirects(response: httpx.Response) -> None:
            check_redirect(response, settings.api_url)

    else:

        def redirects(response: httpx.Response) -> None:  # type: ignore[misc]
            check_redirect(response, settings.api_url)

    return {
        "base_url": settings.api_url,
        "timeout": httpx.Timeout(settings.timeout),
        "auth": auth,
        "follow_redirects": True,
        "max_redirects": MAX_REDIRECTS,
        "transport": retrying_transport(settings, inner, asynchronous=asynchronous),
        "mounts": mounts or None,
        "trust_env": False,  # proxies and CA bundle are resolved above, from settings
        "event_hooks": {"request": list(on_request), "response": [redirects, *on_response]},
    }


# --------------------------------------------------------------------------- sending


def _path_of(kwargs: Mapping[str, Any]) -> str:
    return str(kwargs.get("url", "")).split("?", 1)[0]


def _redirect_target(exc: httpx.TooManyRedirects) -> str:
    """Where the redirect that was not followed any more pointed (httpx's ``exc.request``
    is the request it would have sent next), key-like query values redacted: ``Location``
    of a redirect loop (FINDINGS7 G26: ``Exceeded maximum allowed redirects.`` alone)."""
    try:
        return redact_url(exc.request.url)
    except RuntimeError:  # raised without a request: nothing to name
        return "unknown"


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    reason = f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text
    if isinstance(exc, httpx.TooManyRedirects):
        reason += (
            f" (more than {MAX_REDIRECTS} redirects; the last Location: {_redirect_target(exc)}:"
            " a redirect loop?)"
        )
    elif certificate_failure(exc):
        reason += (
            " (give your CA bundle with --verify PATH, IONWORKS_TOOLKIT_VERIFY or SSL_CERT_FILE)"
        )
    elif not_tls_server(exc):
        reason += " (the server does not speak TLS: is this an http:// server?)"
    return reason


def transport_error(
    kwargs: Mapping[str, Any], exc: httpx.HTTPError, secrets: Sequence[str] = ()
) -> TransportError:
    """Our TransportError for an httpx error raised while sending the request ``kwargs``
    (method and URL path only: never the query string or headers; ``secrets`` redacted)."""
    return TransportError(
        kwargs["method"].upper(), _path_of(kwargs), redact_secrets(_reason(exc), secrets)
    )


def _api_error(response: httpx.Response) -> APIError:
    """The typed APIError for the error response ``response``: its texts (detail, request id,
    body) with the request's credentials redacted, its figures (the body's size, the byte
    where invalid JSON broke) those of the body as the server sent it (FINDINGS10 K9: they
    described the redacted copy).

    (A function of its own so that the credentials are no local of the frame that raises:
    a traceback printed with its locals must not show them.)
    """
    response.read()
    secrets = credential_values(response.request.headers)

    def redact(text: str) -> str:
        return redact_secrets(text, secrets)

    return error_from_response(
        status=response.status_code,
        method=response.request.method,
        path=response.request.url.path,
        content=response.content,
        headers=dict(response.headers.items()),
        redact=redact,
    )


def raise_for_status(response: httpx.Response) -> httpx.Response:
    """``response`` when its status is 2xx; else the typed APIError for it.

    A 3xx reaching here was not followed (no ``Location``, or 300/304): its body is never
    parsed as data. Server text (body, request id) is scrubbed of the credentials the request
    carried before it goes into the error.
    """
    status = response.status_code
    if 300 <= status < 400:
        raise UnexpectedResponseError(
            status=status,
            method=response.request.method,
            path=response.request.url.path,
            detail=f"{status} {httpx.codes.get_reason_phrase(status)} without a redirect to "
            "follow; the body is not data",
        )
    if status >= 400:
        raise _api_error(response)
    return response


def _unbound(response: httpx.Response) -> httpx.Response:
    # httpx's Client.send binds the response's stream to the response itself
    # (response.stream = BoundSyncStream(..., response=response)): a reference cycle, so a
    # dropped response and its body (~9 MB for a 1000-measurement page) would live until the
    # next full GC collection. The body is read and the stream closed by now: the stream is
    # replaced by the one a Response(content=...) has, and refcounting frees the body as soon
    # as the caller drops the response.
    response.stream = httpx.ByteStream(response.content)
    return response


def build_request(
    client: httpx.Client | httpx.AsyncClient, kwargs: Mapping[str, Any]
) -> httpx.Request:
    """``client.build_request(**kwargs)``; a request httpx refuses to build (``InvalidURL``: a
    URL component over 65,536 characters, a control character; ``ValueError``: a header value
    it cannot encode) raises ParameterError for a query too long (naming the request and the
    parameter: ``parameters.check_query_length``), else ConfigurationError naming the request."""
    try:
        return client.build_request(**kwargs)
    except (httpx.InvalidURL, ValueError) as exc:
        path = repr(_path_of(kwargs))[1:-1]  # a control character shown escaped
        if len(path) > 100:
            path = f"{path[:100]}... ({len(path):,} characters)"
        request = f"{kwargs['method'].upper()} {path}"
        check_query_length(kwargs.get("params") or {}, source=request)
        raise ConfigurationError(
            f"{request}: httpx cannot build this request ({type(exc).__name__}: {exc})"
        ) from exc


def send(client: httpx.Client, kwargs: Mapping[str, Any]) -> httpx.Response:
    """Send one request built by a generated operation (``_get_kwargs``); return a 2xx
    response (body read, in no reference cycle: freed once dropped) or raise APIError /
    UnexpectedResponseError / TransportError (any httpx failure: connect, timeout, deadline,
    size cap, decoding, too many redirects); a request httpx cannot build: ``build_request``."""
    request = build_request(client, kwargs)
    try:
        response = client.send(request)
    except IonworksError:
        raise
    except httpx.HTTPError as exc:
        raise transport_error(kwargs, exc, credential_values(request.headers)) from exc
    return raise_for_status(_unbound(response))


async def asend(client: httpx.AsyncClient, kwargs: Mapping[str, Any]) -> httpx.Response:
    """Async ``send``."""
    request = build_request(client, kwargs)
    try:
        response = await client.send(request)
    except IonworksError:
        raise
    except httpx.HTTPError as exc:
        raise transport_error(kwargs, exc, credential_values(request.headers)) from exc
    return raise_for_status(_unbound(response))
