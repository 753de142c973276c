"""FINDINGS10 K7: a keep-alive connection the server closes while it is idle in the pool.

Two ways the close reaches the client, both on a ``KeepAliveServer`` on 127.0.0.1:

- the close arrives before the next request: httpcore's reuse check
  (``get_extra_info("is_readable")``, answered through the toolkit's own streams,
  ``_WideStream`` sync and ``_SocketStream`` async) sees it and opens a new connection. The
  test waits until the close is readable on the pooled socket before the second request;
- the close crosses the next request (the server's idle timer fires as the request is on its
  way): no check before sending can see it, and the request fails on the reused connection
  before any response byte. Played deterministically: the server reads the second request
  of a connection and closes it without a byte. Before the fix, ``Toolkit`` and
  ``AsyncToolkit`` with ``max_retries=0`` failed (``RemoteProtocolError: Server disconnected
  without sending a response.``), and with retries each such request cost a retry line and a
  backoff. Now ``LimitedTransport`` sends an idempotent request once more when it failed so
  (``_resendable``), apart from the user's retries: no retry line, no wait.

No timing: no sleeps, no durations asserted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import select
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from ionworks_toolkit import AsyncToolkit, Toolkit
from ionworks_toolkit.transport import (
    MAX_STALE_RESENDS,
    LimitedTransport,
    _ExchangeTrace,
    _resendable,
)
from loopback import read_request

LOGGER = "ionworks_toolkit.http"
PROJECT_ID = "5b0c3c61-7d0a-4f43-9d55-0e4a6f1f6a10"
IDS = ["m-0", "m-1", "m-2"]


class KeepAliveServer:
    """HTTP/1.1 on ``127.0.0.1:<port>``: each connection's first request is answered with a
    page of three measurements, kept alive (``Content-Length``, no ``Connection: close``).
    Then, ``crossing=False``: the connection is closed at once (an idle timeout that fired
    before the next request); ``crossing=True``: the next request on it is read and the
    connection closed without a byte (an idle timeout that fired as that request came).
    ``connections`` counts accepted connections, ``requests`` the requests read."""

    def __init__(self, *, crossing: bool, first_answers_together: int = 1) -> None:
        self.crossing = crossing
        #: The first requests of this many connections are answered only once all of them
        #: came (so that the client holds that many connections, idle in its pool after).
        self._together = threading.Barrier(first_answers_together)
        self._first_together = first_answers_together
        self.connections = 0
        self.requests = 0
        self.closed = threading.Event()  # set when a connection has been closed
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self) -> KeepAliveServer:
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
        with self._lock:
            self.connections += 1
            waits = self.connections <= self._first_together
        try:
            if read_request(sock) is None:
                return
            with self._lock:
                self.requests += 1
            if waits:
                self._together.wait(timeout=30)  # a bound against a hang only
            items = [
                {
                    "id": i,
                    "name": i,
                    "cell_instance_id": "ci",
                    "created_at": None,
                    "updated_at": None,
                }
                for i in IDS
            ]
            body = json.dumps({"items": items, "count": 3, "total": 3}).encode()
            sock.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            if self.crossing and read_request(sock) is not None:
                with self._lock:
                    self.requests += 1
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sock.close()
            self.closed.set()


def _pooled_sockets(transport: Any) -> list[socket.socket]:
    """The sockets in the pool of the toolkit's httpx transport (under its layers): none when
    the pool has already dropped the closed connection (a reuse check ran after the close)."""
    for name in ("_sync_transport", "_async_transport", "_inner", "_inner"):
        transport = getattr(transport, name, None) or transport
    return [
        connection._connection._network_stream.get_extra_info("socket")
        for connection in transport._pool.connections
    ]


def _wait_until_closed_is_readable(sockets: list[socket.socket]) -> None:
    """Block until the server's close (its FIN) is readable on each pooled socket (no sleep),
    so the next request surely comes after the close is observable. (30 s: only a bound
    against a hang, never reached when the server works.)"""
    for sock in sockets:
        readable, _, _ = select.select([sock], [], [], 30)
        assert readable == [sock]


def _retry_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


# --------------------------------------------------------------- the close before the request


@pytest.mark.parametrize("max_retries", [0, 2])
def test_sync_a_connection_closed_while_idle_is_not_reused(
    max_retries: int, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        KeepAliveServer(crossing=False) as server,
        caplog.at_level(logging.INFO, LOGGER),
        Toolkit(api_url=server.url, api_key="k", max_retries=max_retries) as tk,
    ):
        first = [m.id for m in tk.iter_measurements_by_project(PROJECT_ID)]
        assert server.closed.wait(30)  # a bound against a hang only
        _wait_until_closed_is_readable(_pooled_sockets(tk.client.get_httpx_client()._transport))
        second = [m.id for m in tk.iter_measurements_by_project(PROJECT_ID)]
    assert (first, second) == (IDS, IDS)
    assert (server.connections, server.requests) == (2, 2)
    assert _retry_lines(caplog) == []


@pytest.mark.parametrize("max_retries", [0, 2])
def test_async_a_connection_closed_while_idle_is_not_reused(
    max_retries: int, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(server: KeepAliveServer) -> tuple[list[str], list[str]]:
        async with AsyncToolkit(api_url=server.url, api_key="k", max_retries=max_retries) as tk:
            first = [m.id async for m in tk.iter_measurements_by_project(PROJECT_ID)]
            assert await asyncio.to_thread(server.closed.wait, 30)
            sockets = _pooled_sockets(tk.client.get_async_httpx_client()._transport)
            await asyncio.to_thread(_wait_until_closed_is_readable, sockets)
            second = [m.id async for m in tk.iter_measurements_by_project(PROJECT_ID)]
        return first, second

    with KeepAliveServer(crossing=False) as server, caplog.at_level(logging.INFO, LOGGER):
        assert asyncio.run(scenario(server)) == (IDS, IDS)
    assert (server.connections, server.requests) == (2, 2)
    assert _retry_lines(caplog) == []


# --------------------------------------------------------------- the close crossing the request


@pytest.mark.parametrize("max_retries", [0, 2])
def test_sync_a_request_the_idle_close_crossed_is_sent_again_once(
    max_retries: int, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        KeepAliveServer(crossing=True) as server,
        caplog.at_level(logging.INFO, LOGGER),
        Toolkit(api_url=server.url, api_key="k", max_retries=max_retries) as tk,
    ):
        first = [m.id for m in tk.iter_measurements_by_project(PROJECT_ID)]
        second = [m.id for m in tk.iter_measurements_by_project(PROJECT_ID)]
    assert (first, second) == (IDS, IDS)  # before: TransportError with max_retries=0
    # the first connection: the first request and the crossed one; the second: the resend
    assert (server.connections, server.requests) == (2, 3)
    assert _retry_lines(caplog) == []  # before, with retries: "retry 1/2 in ...: ..."


@pytest.mark.parametrize("max_retries", [0, 2])
def test_async_a_request_the_idle_close_crossed_is_sent_again_once(
    max_retries: int, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(server: KeepAliveServer) -> tuple[list[str], list[str]]:
        async with AsyncToolkit(api_url=server.url, api_key="k", max_retries=max_retries) as tk:
            first = [m.id async for m in tk.iter_measurements_by_project(PROJECT_ID)]
            second = [m.id async for m in tk.iter_measurements_by_project(PROJECT_ID)]
        return first, second

    with KeepAliveServer(crossing=True) as server, caplog.at_level(logging.INFO, LOGGER):
        assert asyncio.run(scenario(server)) == (IDS, IDS)
    assert (server.connections, server.requests) == (2, 3)
    assert _retry_lines(caplog) == []


def test_sync_a_request_meeting_two_stale_connections_goes_out_on_a_new_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Round twelve's break pass: the pool held two idle connections that the server's idle
    timer closed together; the resend met the second one and the run failed
    (``RemoteProtocolError``, exit 5) where it was to go out on a new connection."""
    with (
        KeepAliveServer(crossing=True, first_answers_together=2) as server,
        caplog.at_level(logging.INFO, LOGGER),
        Toolkit(api_url=server.url, api_key="k", max_retries=0) as tk,
    ):
        client = tk.client.get_httpx_client()
        url = f"{server.url}/cell_measurements/by-project/{PROJECT_ID}"
        with ThreadPoolExecutor(2) as pool:  # two requests at once: two connections
            answers = list(pool.map(lambda _: client.get(url).status_code, range(2)))
        assert answers == [200, 200]
        assert len(_pooled_sockets(client._transport)) == 2  # both idle in the pool
        ids = [m.id for m in tk.iter_measurements_by_project(PROJECT_ID)]
    assert ids == IDS
    # two stale connections met (each reads the request, closes), then a new one answers
    assert (server.connections, server.requests) == (3, 5)
    assert _retry_lines(caplog) == []


# --------------------------------------------------------------- what is sent again, and how often


class StaleThenAnswer(httpx.BaseTransport):
    """Plays httpcore's trace for each attempt: ``script[i]`` names attempt i's events before
    it fails with ``failure`` (``"answer"``: a 200 instead). ``calls`` counts attempts."""

    def __init__(self, script: list[list[str] | str], failure: Exception) -> None:
        self.script = script
        self.failure = failure
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        step = self.script[self.calls]
        self.calls += 1
        if step == "answer":
            return httpx.Response(200, content=b"ok", request=request)
        for name in step:
            request.extensions["trace"](name, {})
        raise self.failure


REUSED = ["http11.send_request_headers.started", "http11.send_request_headers.complete"]
NEW = ["connection.connect_tcp.started", "connection.connect_tcp.complete", *REUSED]
ANSWERED = [*REUSED, "http11.receive_response_headers.complete"]
CLOSED = httpx.RemoteProtocolError("Server disconnected without sending a response.")


def _send(
    transport: httpx.BaseTransport, method: str = "GET", **kwargs: Any
) -> tuple[int | str, int]:
    limited = LimitedTransport(transport, max_bytes=1000, timeout=30)
    request = httpx.Request(method, "http://127.0.0.1:9/x", **kwargs)
    try:
        outcome: int | str = limited.handle_request(request).status_code
    except httpx.TransportError as exc:
        outcome = type(exc).__name__
    assert "trace" not in request.extensions  # the toolkit's trace is removed afterwards
    return outcome, getattr(transport, "calls", 0)


@pytest.mark.parametrize(
    "failure", [CLOSED, httpx.ReadError("reset"), httpx.WriteError("broken pipe")]
)
def test_a_get_failed_on_a_reused_connection_before_the_head_is_sent_once_more(
    failure: Exception,
) -> None:
    assert _send(StaleThenAnswer([REUSED, "answer"], failure)) == (200, 2)


def test_it_is_sent_again_while_reused_connections_fail_and_not_after_a_new_one_did() -> None:
    """Several idle connections time out together: the resend may meet another stale one
    (round twelve's break pass: a second stale connection failed the run)."""
    assert _send(StaleThenAnswer([REUSED, REUSED, "answer"], CLOSED)) == (200, 3)
    assert _send(StaleThenAnswer([REUSED, REUSED, NEW, "answer"], CLOSED)) == (
        "RemoteProtocolError",
        3,
    )


def test_the_resends_are_bounded() -> None:
    script: list[list[str] | str] = [REUSED] * (MAX_STALE_RESENDS + 1) + ["answer"]
    assert _send(StaleThenAnswer(script, CLOSED)) == (
        "RemoteProtocolError",
        MAX_STALE_RESENDS + 1,
    )


@pytest.mark.parametrize(
    ("script", "method", "kwargs", "failure"),
    [
        ([NEW, "answer"], "GET", {}, CLOSED),  # a new connection: the server itself failed
        ([ANSWERED, "answer"], "GET", {}, CLOSED),  # the head had come
        ([[], "answer"], "GET", {}, CLOSED),  # nothing sent (not an HTTP/1.1 exchange)
        ([REUSED, "answer"], "POST", {"content": b"x"}, CLOSED),  # not idempotent
        ([REUSED, "answer"], "PUT", {"content": iter([b"x"])}, CLOSED),  # body not replayable
        ([REUSED, "answer"], "GET", {}, httpx.ReadTimeout("slow")),  # slow, not closed
    ],
)
def test_other_failures_are_not_sent_again(
    script: list[list[str] | str], method: str, kwargs: dict[str, Any], failure: Exception
) -> None:
    outcome, calls = _send(StaleThenAnswer(script, failure), method, **kwargs)
    assert (outcome, calls) == (type(failure).__name__, 1)


def test_the_requests_own_trace_is_still_called_and_put_back() -> None:
    seen: list[str] = []

    def own(name: str, info: dict[str, Any]) -> None:
        seen.append(name)

    limited = LimitedTransport(
        StaleThenAnswer([REUSED, "answer"], CLOSED), max_bytes=1000, timeout=30
    )
    request = httpx.Request("GET", "http://127.0.0.1:9/x", extensions={"trace": own})
    assert limited.handle_request(request).status_code == 200
    assert seen == REUSED
    assert request.extensions["trace"] is own


def test_resendable_needs_a_reused_connection_and_no_head() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:9/x")
    trace = _ExchangeTrace(None)
    assert _resendable(request, CLOSED, trace) is False  # nothing sent
    trace("http11.send_request_headers.started", {})
    assert _resendable(request, CLOSED, trace) is True
    trace("http11.receive_response_headers.complete", {})
    assert _resendable(request, CLOSED, trace) is False
