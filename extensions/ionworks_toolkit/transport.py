"""The httpx transport stack of a session: buffering, retries, URL redaction, error mapping.

Layers, outermost first::

    httpx client (auth flow, event hooks, timeout; follow_redirects=False)
      -> RetryTransport (httpx-retries: idempotent methods, RETRY_STATUSES, backoff, Retry-After)
        -> BufferedTransport (reads the body inside the retry layer)
          -> httpx.HTTPTransport / AsyncHTTPTransport, or a transport given by the caller

``client_kwargs(settings, ...)`` is the one place that turns settings into the keyword
arguments of ``httpx.Client``/``httpx.AsyncClient``. Nothing here knows about operations,
pages or sinks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from .errors import ConfigurationError, TransportError, error_from_response
from .settings import Settings

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "BufferedTransport",
    "client_kwargs",
    "raise_for_status",
    "redact_url",
    "retry_policy",
    "retrying_transport",
    "transport_error",
]

IDEMPOTENT_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
RETRY_STATUSES = (429, 502, 503, 504)
#: Query parameter names whose values are secrets (redacted in logs, held to the https rule).
SECRET_QUERY = re.compile(r"(key|token|secret|password|signature|auth)", re.IGNORECASE)


def redact_url(url: httpx.URL) -> str:
    """The URL with key-like query values (``api_key``, ``token``...) replaced by ``***``."""
    if not url.query:
        return str(url)
    params = [
        (name, "***" if SECRET_QUERY.search(name) else value)
        for name, value in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))


class BufferedTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Read each response body inside the transport, so that the retry transport wrapping it
    sees a connection dropped mid-body (httpx otherwise reads the body after the transport has
    returned, where no retry policy applies). Pages are small (<= 1000 records), so buffering
    them costs nothing; the returned response is fresh and unread (content-encoding intact).
    """

    def __init__(self, inner: httpx.BaseTransport | httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    @staticmethod
    def _rebuild(response: httpx.Response, raw: bytes) -> httpx.Response:
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.BaseTransport)
        response = self._inner.handle_request(request)
        if response.is_stream_consumed:  # an in-memory response (e.g. httpx.MockTransport)
            return response
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        return self._rebuild(response, raw)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.AsyncBaseTransport)
        response = await self._inner.handle_async_request(request)
        if response.is_stream_consumed:
            return response
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return self._rebuild(response, raw)

    def close(self) -> None:
        if isinstance(self._inner, httpx.BaseTransport):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncBaseTransport):
            await self._inner.aclose()


# Kept for code that imported the private name from ``session``.
_BufferedTransport = BufferedTransport


def retry_policy(settings: Settings) -> Any:
    """httpx-retries' ``Retry`` for these settings: ``settings.max_retries`` attempts on
    idempotent methods, connect/read errors and timeouts, dropped connections and
    ``RETRY_STATUSES``, exponential backoff (0.5 s factor, 1 s jitter, 60 s cap),
    ``Retry-After`` honoured."""
    from httpx_retries import Retry

    return Retry(
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
        max_backoff_wait=60.0,
    )


def retrying_transport(settings: Settings, transport: Any) -> Any:
    """``transport`` wrapped in httpx-retries' RetryTransport (body read inside it).

    httpx-retries is optional for a vendored copy: without it only ``max_retries=0`` works,
    and anything else raises ConfigurationError saying what to install.
    """
    buffered = BufferedTransport(transport)
    try:
        from httpx_retries import RetryTransport
    except ImportError:
        if settings.max_retries == 0:
            return buffered
        raise ConfigurationError(
            "retries need the httpx-retries package: pip install httpx-retries "
            "(or pass max_retries=0)"
        ) from None
    return RetryTransport(transport=buffered, retry=retry_policy(settings))


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

    ``transport``: the innermost transport (tests, recording); default httpx's own. It is
    wrapped in the retry stack. Redirects are not followed by httpx (see ``auth``).
    Raises ConfigurationError when retries are asked for without httpx-retries installed.
    """
    inner = transport or (httpx.AsyncHTTPTransport() if asynchronous else httpx.HTTPTransport())
    return {
        "base_url": settings.api_url,
        "timeout": httpx.Timeout(settings.timeout),
        "auth": auth,
        "follow_redirects": False,
        "transport": retrying_transport(settings, inner),
        "event_hooks": {"request": list(on_request), "response": list(on_response)},
    }


def _path_of(kwargs: Mapping[str, Any]) -> str:
    return str(kwargs.get("url", "")).split("?", 1)[0]


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


def transport_error(kwargs: Mapping[str, Any], exc: httpx.TransportError) -> TransportError:
    """Our TransportError for an httpx one raised while sending the request ``kwargs``
    (method and URL path only: never the query string or headers)."""
    return TransportError(kwargs["method"].upper(), _path_of(kwargs), _reason(exc))


def raise_for_status(response: httpx.Response) -> httpx.Response:
    """``response`` when its status is below 400; else the typed APIError for it."""
    if response.status_code >= 400:
        response.read()
        raise error_from_response(
            status=response.status_code,
            method=response.request.method,
            path=response.request.url.path,
            content=response.content,
            headers=response.headers,
        )
    return response
