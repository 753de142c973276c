"""Retries you can see: httpx-retries' ``Retry`` with a total time budget and one log line
per retry, and the ``RetryTransport`` that starts the budget clock per request.

Kept apart from ``transport`` because httpx-retries is optional for a vendored copy: this
module imports without it (``AVAILABLE`` is then False and ``transport`` asks for
``max_retries=0`` or the package).

Each retry is logged at INFO on the ``ionworks_toolkit.http`` logger, e.g.::

    retry 1/5 in 1.0 s: GET /projects (offset 2000) answered 503 Service Unavailable
    retry 2/5 in 30.0 s (the server's Retry-After asked for 3600 s; waits are capped at 30 s): ...

The CLI prints these lines on stderr without ``-v``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
import time
from typing import Any

import httpx

from .transport import tls_failure

try:
    from httpx_retries import Retry, RetryTransport

    AVAILABLE = True
except ImportError:  # a vendored copy without httpx-retries: the classes below are unused
    Retry = RetryTransport = object  # type: ignore[misc,assignment]
    AVAILABLE = False

__all__ = ["AVAILABLE", "BudgetRetryTransport", "VisibleRetry", "retry_label"]

logger = logging.getLogger("ionworks_toolkit.http")

#: ``Retry-After`` as a number of seconds: RFC 9110's delta-seconds, plus a fraction.
_DELTA_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def describe_outcome(outcome: httpx.Response | Exception | None) -> str:
    """``answered 503 Service Unavailable`` for a response, ``ConnectError: ...`` else."""
    if outcome is None:
        return "failed"
    if isinstance(outcome, httpx.Response):
        status = outcome.status_code
        return f"answered {status} {httpx.codes.get_reason_phrase(status)}"
    text = str(outcome)
    return f"{type(outcome).__name__}: {text}" if text else type(outcome).__name__


def retry_label(request: httpx.Request) -> str:
    """How a retry line names ``request``: method and path, and for a page of a list its
    ``offset`` (``GET /projects (offset 2000)``), so that the retries of several prefetched
    pages of one path read as such, not as one request retried in a loop (FINDINGS7 G26).
    Never the rest of the query (filters, keys)."""
    label = f"{request.method} {request.url.path}"
    offset = request.url.params.get("offset")
    return label if offset is None else f"{label} (offset {offset})"


class VisibleRetry(Retry):
    """httpx-retries' Retry, plus:

    - ``budget`` seconds (``with_budget``): no retry starts later than this after the first
      attempt, and no wait runs past it (the clock starts in ``for_request``);
    - every wait capped at ``max_backoff_wait``, and the cap said when ``Retry-After`` asked
      for more;
    - a TLS failure (a certificate refused, a plain-http server on an https URL; see
      ``transport.tls_failure``) is never retried (it would fail the same way);
    - one INFO line per retry: attempt, wait, request, and what went wrong.
    """

    budget: float = float("inf")
    started: float | None = None
    label: str = ""
    _asked: float | None = None
    _unusable: str | None = None
    _outcome: httpx.Response | Exception | None = None

    def with_budget(self, seconds: float) -> VisibleRetry:
        self.budget = seconds
        return self

    def _carry(self, other: Retry) -> VisibleRetry:
        assert isinstance(other, VisibleRetry)
        other.budget, other.started, other.label = self.budget, self.started, self.label
        return other

    def for_request(self, request: httpx.Request) -> VisibleRetry:
        """A copy for one request, its budget clock started now."""
        fresh = self._carry(self.copy_with())
        fresh.started = time.monotonic()
        fresh.label = retry_label(request)
        return fresh

    def increment(self) -> VisibleRetry:
        return self._carry(super().increment())

    def elapsed(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started

    def is_exhausted(self) -> bool:
        return super().is_exhausted() or self.elapsed() >= self.budget

    def is_retryable_exception(self, exception: Exception) -> bool:
        return not tls_failure(exception) and super().is_retryable_exception(exception)

    def parse_retry_after(self, retry_after: str) -> float:
        """Seconds to wait for a ``Retry-After`` value (RFC 9110: delta-seconds or an HTTP
        date), never raising, so httpx-retries logs nothing of its own: whole or fractional
        seconds (``120``, ``0.5``: fractions are common), an HTTP date (one without a zone
        read as UTC), else 0, the backoff then used and the value named in the retry line."""
        text = retry_after.strip()
        seconds: float | None = None
        if _DELTA_SECONDS.fullmatch(text):
            seconds = float(text)
        else:
            try:
                when = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                when = when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
                seconds = max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
        if seconds is None:
            self._unusable = text
            return 0.0
        self._asked = seconds
        return seconds

    def sleep(self, response: httpx.Response | Exception) -> None:
        self._outcome = response
        super().sleep(response)

    async def asleep(self, response: httpx.Response | Exception) -> None:
        self._outcome = response
        await super().asleep(response)

    def _calculate_sleep(self, headers: Any) -> float:
        # httpx-retries computes the wait here, once per retry (backoff with jitter, or
        # Retry-After capped at max_backoff_wait): cap it by the budget and say it.
        self._asked = self._unusable = None
        planned = super()._calculate_sleep(headers)
        left = self.budget - self.elapsed()
        wait = max(0.0, min(planned, left))
        notes = []
        if self._asked is not None and self._asked > self.max_backoff_wait:
            notes.append(
                f"the server's Retry-After asked for {self._asked:g} s; waits are capped "
                f"at {self.max_backoff_wait:g} s"
            )
        if self._unusable is not None:
            shown = self._unusable if len(self._unusable) <= 40 else self._unusable[:40] + "..."
            notes.append(
                f"the server's Retry-After {shown!r} is neither seconds nor an HTTP date; "
                "backoff used"
            )
        if wait < planned:
            notes.append(f"{max(0.0, left):.1f} s left of the {self.budget:g} s retry budget")
        note = f" ({'; '.join(notes)})" if notes else ""
        logger.info(
            "retry %d/%d in %.1f s%s: %s %s",
            self.attempts_made,
            self.total,
            wait,
            note,
            self.label or "request",
            describe_outcome(self._outcome),
        )
        return wait


class BudgetRetryTransport(RetryTransport):
    """RetryTransport giving each request its own ``VisibleRetry`` copy (budget clock, label);
    httpx-retries reads it from ``request.extensions["retry"]``."""

    def _start(self, request: httpx.Request) -> None:
        if isinstance(self.retry, VisibleRetry):
            request.extensions["retry"] = self.retry.for_request(request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._start(request)
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._start(request)
        return await super().handle_async_request(request)
