"""retries.py and the retry policy of transport.py, with exact values (the mutation audit's
``transport`` group).

The end-to-end retry tests (a log line per retry, Retry-After capped, the time budget, only
idempotent methods) are in ``test_http_transport.py`` and ``test_safety_rules.py``; these pin
``VisibleRetry``'s arithmetic and wording and ``retry_policy``'s settings, so that one changed
constant, comparison or string fails a test (``python scripts/mutants.py transport``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import ssl
import threading
import types

import httpx
import httpx_retries.retry
import ionworks_toolkit.retries
import pytest
from ionworks_toolkit import Settings, Toolkit, TransportError
from ionworks_toolkit.retries import (
    BudgetRetryTransport,
    VisibleRetry,
    describe_outcome,
    retry_label,
)
from ionworks_toolkit.transport import (
    IDEMPOTENT_METHODS,
    RETRY_STATUSES,
    RETRY_WAIT_CAP,
    LimitedTransport,
    retry_policy,
    retrying_transport,
)

URL = "https://api.example.com/cell_instances/ci-1?limit=5"


def request(method: str = "GET") -> httpx.Request:
    return httpx.Request(method, URL)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """``time.monotonic`` as seen by retries.py: the test moves it by hand."""
    now = [1000.0]
    # retries.py's own ``time`` only: a dotted "...retries.time.monotonic" would freeze the
    # process-wide clock, under every event loop and thread of the run.
    monkeypatch.setattr(
        ionworks_toolkit.retries, "time", types.SimpleNamespace(monotonic=lambda: now[0])
    )
    return now


# -------------------------------------------------------------------------- describe_outcome


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        (None, "failed"),
        (httpx.Response(503), "answered 503 Service Unavailable"),
        (httpx.Response(429), "answered 429 Too Many Requests"),
        (httpx.ConnectError("connection refused"), "ConnectError: connection refused"),
        (httpx.ReadError(""), "ReadError"),
    ],
)
def test_describe_outcome(outcome: object, text: str) -> None:
    assert describe_outcome(outcome) == text  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ VisibleRetry


def test_for_request_copies_the_policy_and_starts_the_clock(clock: list[float]) -> None:
    policy = VisibleRetry(total=4, backoff_factor=0.5).with_budget(12.0)
    assert policy.budget == 12.0 and policy.started is None and policy.label == ""
    fresh = policy.for_request(request("PUT"))
    assert fresh is not policy
    assert (fresh.total, fresh.backoff_factor, fresh.budget) == (4, 0.5, 12.0)
    assert (fresh.started, fresh.label) == (1000.0, "PUT /cell_instances/ci-1")
    assert policy.started is None  # the shared policy is never started
    clock[0] += 2.5
    assert fresh.elapsed() == 2.5
    assert policy.elapsed() == 0.0


def test_increment_carries_budget_clock_and_label(clock: list[float]) -> None:
    first = VisibleRetry(total=3).with_budget(9.0).for_request(request())
    second = first.increment()
    assert isinstance(second, VisibleRetry)
    assert second.attempts_made == 1
    assert (second.budget, second.started, second.label) == (
        9.0,
        1000.0,
        "GET /cell_instances/ci-1",
    )


def test_exhausted_by_attempts_or_by_the_budget(clock: list[float]) -> None:
    retry = VisibleRetry(total=2).with_budget(10.0).for_request(request())
    assert retry.is_exhausted() is False
    clock[0] += 9.99
    assert retry.is_exhausted() is False
    clock[0] += 0.01  # exactly the budget: no retry starts
    assert retry.is_exhausted() is True
    clock[0] -= 10.0
    assert retry.increment().is_exhausted() is False
    assert retry.increment().increment().is_exhausted() is True
    # Not started (no request yet): the budget clock reads 0, so a zero budget is spent.
    assert VisibleRetry(total=2).with_budget(0.0).is_exhausted() is True
    assert VisibleRetry(total=2).is_exhausted() is False


def test_certificate_failures_are_never_retried() -> None:
    retry = VisibleRetry(retry_on_exceptions=(httpx.ConnectError,))
    assert retry.is_retryable_exception(httpx.ConnectError("connection refused")) is True
    assert retry.is_retryable_exception(httpx.ReadError("reset")) is False
    bad_cert = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    assert retry.is_retryable_exception(bad_cert) is False
    wrapped = httpx.ConnectError("handshake failed")
    wrapped.__cause__ = ssl.SSLCertVerificationError("unknown issuer")
    assert retry.is_retryable_exception(wrapped) is False


def _waits(
    caplog: pytest.LogCaptureFixture, retry: VisibleRetry, headers: dict[str, str]
) -> tuple[float, list[str]]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ionworks_toolkit.http"):
        wait = retry._calculate_sleep(httpx.Headers(headers))
    return wait, [r.getMessage() for r in caplog.records if r.name == "ionworks_toolkit.http"]


def test_each_wait_is_logged_with_attempt_request_and_outcome(
    caplog: pytest.LogCaptureFixture, clock: list[float]
) -> None:
    retry = VisibleRetry(total=5, backoff_factor=0.5, backoff_jitter=0.0, max_backoff_wait=30.0)
    retry = retry.with_budget(100.0).for_request(request()).increment()
    retry._outcome = httpx.Response(503)
    assert _waits(caplog, retry, {}) == (
        1.0,
        ["retry 1/5 in 1.0 s: GET /cell_instances/ci-1 answered 503 Service Unavailable"],
    )
    # Retry-After within the cap: honoured, no note
    assert _waits(caplog, retry, {"Retry-After": "30"}) == (
        30.0,
        ["retry 1/5 in 30.0 s: GET /cell_instances/ci-1 answered 503 Service Unavailable"],
    )
    # over the cap: capped and said
    assert _waits(caplog, retry, {"Retry-After": "31"}) == (
        30.0,
        [
            "retry 1/5 in 30.0 s (the server's Retry-After asked for 31 s; waits are capped at "
            "30 s): GET /cell_instances/ci-1 answered 503 Service Unavailable"
        ],
    )
    # the note is not carried to the next wait
    assert _waits(caplog, retry, {})[1] == [
        "retry 1/5 in 1.0 s: GET /cell_instances/ci-1 answered 503 Service Unavailable"
    ]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://api.example.com/cell_instances/ci-1", "GET /cell_instances/ci-1"),
        # FINDINGS7 G26: prefetched pages of one path are told apart by their offset...
        (
            "https://api.example.com/projects?limit=1000&offset=2000",
            "GET /projects (offset 2000)",
        ),
        ("https://api.example.com/projects?offset=0", "GET /projects (offset 0)"),
        # ... and nothing else of the query is shown (filters, a key put there by a plugin)
        (
            "https://api.example.com/p?name=ilike.x&api_key=s3cr3t&offset=5&limit=5",
            "GET /p (offset 5)",
        ),
    ],
)
def test_the_retry_line_names_the_request_and_its_offset(url: str, label: str) -> None:
    assert retry_label(httpx.Request("GET", url)) == label
    assert VisibleRetry(total=1).for_request(httpx.Request("GET", url)).label == label


def test_a_wait_never_runs_past_the_budget(
    caplog: pytest.LogCaptureFixture, clock: list[float]
) -> None:
    retry = VisibleRetry(total=5, max_backoff_wait=30.0).with_budget(20.0)
    retry = retry.for_request(request("DELETE")).increment().increment()
    retry._outcome = httpx.ReadError("reset by peer")
    clock[0] += 15.0
    # The line says why the wait is shorter than Retry-After asked (FINDINGS7 G13).
    assert _waits(caplog, retry, {"Retry-After": "10"}) == (
        5.0,
        [
            "retry 2/5 in 5.0 s (5.0 s left of the 20 s retry budget): DELETE "
            "/cell_instances/ci-1 ReadError: reset by peer"
        ],
    )
    clock[0] += 10.0  # past the budget: no negative wait
    assert _waits(caplog, retry, {"Retry-After": "10"})[0] == 0.0


def test_an_unstarted_policy_logs_request(caplog: pytest.LogCaptureFixture) -> None:
    retry = VisibleRetry(total=1, backoff_factor=0.0)
    assert _waits(caplog, retry, {}) == (0.0, ["retry 0/1 in 0.0 s: request failed"])


def test_sleep_and_asleep_remember_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    # The retry module's own names only: patching "httpx_retries.retry.time.sleep" replaced
    # the process-wide time.sleep, so a thread another test left sleeping in a loop spun and
    # filled ``slept`` (the full suite hung here printing the assertion's list).
    monkeypatch.setattr(httpx_retries.retry, "time", types.SimpleNamespace(sleep=slept.append))
    monkeypatch.setattr(httpx_retries.retry, "asyncio", types.SimpleNamespace(sleep=asleep))
    retry = VisibleRetry(total=2, backoff_factor=0.0)
    busy = httpx.Response(503, headers={"Retry-After": "2"})
    retry.sleep(busy)
    assert retry._outcome is busy
    dropped = httpx.RemoteProtocolError("peer closed")
    asyncio.run(retry.asleep(dropped))
    assert retry._outcome is dropped
    later = httpx.Response(429, headers={"Retry-After": "3"})
    asyncio.run(retry.asleep(later))
    assert retry._outcome is later
    assert slept == [2.0, 0.0, 3.0]


def test_parse_retry_after_is_remembered() -> None:
    retry = VisibleRetry()
    assert retry.parse_retry_after(" 7 ") == 7.0
    assert retry._asked == 7.0


# ------------------------------------------------------------------ retry policy, transport


def test_retry_policy_of_the_settings() -> None:
    policy = retry_policy(Settings(max_retries=3, retry_budget=42.0))
    assert isinstance(policy, VisibleRetry)
    assert policy.total == 3
    assert policy.budget == 42.0
    assert policy.allowed_methods == frozenset(IDEMPOTENT_METHODS)
    assert IDEMPOTENT_METHODS == ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
    assert policy.status_forcelist == frozenset(RETRY_STATUSES) == frozenset({429, 502, 503, 504})
    assert policy.retryable_exceptions == (
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.ReadTimeout,
        httpx.RemoteProtocolError,
        httpx.ReadError,
    )
    assert (policy.backoff_factor, policy.backoff_jitter) == (0.5, 1.0)
    assert policy.respect_retry_after_header is True
    assert policy.max_backoff_wait == RETRY_WAIT_CAP == 30.0


def test_retrying_transport_layers() -> None:
    inner = httpx.MockTransport(lambda r: httpx.Response(200))
    settings = Settings(max_retries=2, timeout=7.0, max_response_bytes=1234)
    outer = retrying_transport(settings, inner)
    assert isinstance(outer, BudgetRetryTransport)
    assert isinstance(outer.retry, VisibleRetry) and outer.retry.total == 2
    limited = outer._sync_transport
    assert isinstance(limited, LimitedTransport)
    assert (limited.max_bytes, limited.timeout, limited._inner) == (1234, 7.0, inner)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_each_request_gets_its_own_started_retry(asynchronous: bool) -> None:
    seen: list[VisibleRetry] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["retry"])
        return httpx.Response(200)

    settings = Settings(max_retries=1, retry_budget=5.0)
    transport = retrying_transport(
        settings, httpx.MockTransport(handler), asynchronous=asynchronous
    )
    if asynchronous:

        async def two() -> None:
            async with httpx.AsyncClient(transport=transport) as client:
                await client.get("https://api.example.com/a")
                await client.head("https://api.example.com/b")

        asyncio.run(two())
    else:
        with httpx.Client(transport=transport) as client:
            client.get("https://api.example.com/a")
            client.head("https://api.example.com/b")
    assert [(r.label, r.budget, r.started is not None) for r in seen] == [
        ("GET /a", 5.0, True),
        ("HEAD /b", 5.0, True),
    ]
    assert seen[0] is not seen[1]
    assert transport.retry.started is None


# --------------------------------------------------------------------------- TLS failures


def _caused(exc: BaseException, *causes: BaseException, context: bool = False) -> BaseException:
    """``exc`` with the chain ``causes`` (outermost first) as ``__cause__`` (or ``__context__``)."""
    outer = exc
    for cause in causes:
        if context:
            outer.__context__ = cause
        else:
            outer.__cause__ = cause
        outer = cause
    return exc


WRONG_VERSION = "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"


@pytest.mark.parametrize(
    ("exc", "failure", "not_tls"),
    [
        (httpx.ConnectError("connection refused"), False, False),
        (_caused(httpx.ConnectError(WRONG_VERSION), ssl.SSLError(1, WRONG_VERSION)), True, True),
        (
            _caused(
                httpx.ConnectError("x"), httpx.ConnectError("y"), ssl.SSLError(1, WRONG_VERSION)
            ),
            True,
            True,
        ),
        (
            _caused(httpx.ConnectError("x"), ssl.SSLError(1, "record layer failure"), context=True),
            True,
            True,
        ),
        (
            _caused(httpx.ConnectError("x"), ssl.SSLError(1, "[SSL: HTTP_REQUEST] http request")),
            True,
            True,
        ),
        (
            _caused(
                httpx.ConnectError("x"), ssl.SSLError(1, "[SSL] sslv3 alert handshake failure")
            ),
            True,
            False,
        ),
        (
            _caused(httpx.ConnectError("x"), ssl.SSLEOFError(8, "EOF in violation of protocol")),
            False,
            False,
        ),
        (_caused(httpx.ConnectError("x"), ssl.SSLSyscallError(5, "reset")), False, False),
        (_caused(httpx.ConnectError("x"), ssl.SSLZeroReturnError(6, "closed")), False, False),
        (
            _caused(httpx.ConnectError("x"), ssl.SSLCertVerificationError("unknown issuer")),
            True,
            False,
        ),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            True,
            False,
        ),
    ],
    ids=[
        "refused",
        "wrong-version",
        "nested",
        "context-record-layer",
        "http-request",
        "handshake-alert",
        "eof",
        "syscall",
        "zero-return",
        "cert-class",
        "cert-text",
    ],
)
def test_tls_failures_that_would_repeat_are_never_retried(
    exc: BaseException, failure: bool, not_tls: bool
) -> None:
    """Break-it pass: an https URL on a plain-http port was retried 5 times (~20 s) with
    ``[SSL: WRONG_VERSION_NUMBER]``; a handshake dropped mid-way may pass and is retried."""
    from ionworks_toolkit.transport import not_tls_server, tls_failure

    retry = VisibleRetry(retry_on_exceptions=(httpx.ConnectError,))
    assert (tls_failure(exc), not_tls_server(exc)) == (failure, not_tls)
    assert retry.is_retryable_exception(exc) is (not failure)  # type: ignore[arg-type]


PROJECT = "11111111-1111-1111-1111-111111111111"


def test_an_https_url_on_a_plain_http_port_fails_once_with_a_hint() -> None:
    """Break-it pass: ``--api-url https://127.0.0.1:PORT`` on a plain-http server was retried
    5 times with ``ConnectError: [SSL: WRONG_VERSION_NUMBER]`` and no hint."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[int] = []

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                accepted.append(1)
                with conn:
                    conn.recv(4096)  # the ClientHello; a plain-http server answers 400
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    try:
        toolkit = Toolkit(api_url=f"https://127.0.0.1:{port}", api_key="k", max_retries=5)
        with toolkit, pytest.raises(TransportError) as caught:
            list(toolkit.iter_measurements_by_project(PROJECT, max_records=2))
    finally:
        listener.close()
    assert re.fullmatch(
        rf"GET /cell_measurements/by-project/{PROJECT} failed: ConnectError: cannot connect to "
        rf"https://127\.0\.0\.1:{port} \(api_url from --api-url / api_url=\): "
        r"\[SSL: WRONG_VERSION_NUMBER\] wrong version number \(_ssl\.c:\d+\) "
        r"\(the server does not speak TLS: is this an http:// server\?\)",
        str(caught.value),
    ), str(caught.value)
    assert accepted == [1]


@pytest.mark.parametrize(
    ("value", "wait", "note"),
    [
        ("0.5", 0.5, ""),  # fractional seconds: common, and taken
        ("7", 7.0, ""),
        ("-5", 1.0, " (the server's Retry-After '-5' is neither seconds nor an HTTP date; "
                    "backoff used)"),
        ("abc", 1.0, " (the server's Retry-After 'abc' is neither seconds nor an HTTP date; "
                     "backoff used)"),
        ("1e10", 1.0, " (the server's Retry-After '1e10' is neither seconds nor an HTTP date; "
                      "backoff used)"),
        ("x" * 50, 1.0, f" (the server's Retry-After '{'x' * 40}...' is neither seconds nor an "
                        "HTTP date; backoff used)"),
    ],
)  # fmt: skip
def test_an_unusable_retry_after_is_named_in_the_retry_line_only(
    caplog: pytest.LogCaptureFixture, clock: list[float], value: str, wait: float, note: str
) -> None:
    """FINDINGS7 G13: httpx-retries printed its own unprefixed line for these (also with
    -q, and from Python via logging's last-resort handler); now nothing of its own."""
    retry = VisibleRetry(total=5, backoff_factor=0.5, backoff_jitter=0.0, max_backoff_wait=30.0)
    retry = retry.with_budget(100.0).for_request(request()).increment()
    retry._outcome = httpx.Response(429)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        assert retry._calculate_sleep(httpx.Headers({"Retry-After": value})) == wait
    assert [(r.name, r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO] == [
        (
            "ionworks_toolkit.http",
            f"retry 1/5 in {wait:.1f} s{note}: GET /cell_instances/ci-1 answered 429 Too Many "
            "Requests",
        )
    ]


def test_an_http_date_without_a_zone_is_read_as_utc_without_a_library_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    retry = VisibleRetry(total=5, max_backoff_wait=30.0)
    with caplog.at_level(logging.DEBUG):
        assert retry.parse_retry_after("Thu, 01 Jan 1970 00:00:00 -0000") == 0.0
        assert retry.parse_retry_after("Fri, 31 Dec 2100 23:59:59 GMT") > 2_000_000_000
    assert [r for r in caplog.records if r.name.startswith("httpx_retries")] == []
