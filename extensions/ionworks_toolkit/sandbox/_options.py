"""Options of the offline sandbox API (no third-party imports)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SandboxOptions"]

#: The longest ``latency_ms`` a sandbox takes: one minute per request.
MAX_LATENCY_MS = 60_000


def _shown(value: object) -> str:
    """``a str: '5'``, ``an int: 1``, ``None``: a value of the wrong type, for a message."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}: {value!r}"


def _check_type(name: str, value: object, kinds: tuple[type, ...], allowed: str) -> None:
    """TypeError naming the field and what it takes (``SandboxOptions(scale="5")``: ``scale
    must be a positive integer or None; got a str: '5'``), instead of a comparison's raw
    TypeError later (FINDINGS7 G26). A bool is no number here."""
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise TypeError(f"SandboxOptions.{name} must be {allowed}; got {_shown(value)}")


def _check_positive(name: str, value: int | None) -> None:
    if value is None:
        return
    _check_type(name, value, (int,), "a positive integer or None")
    if value < 1:
        raise ValueError(f"SandboxOptions.{name} must be a positive integer or None, got {value!r}")


@dataclass(frozen=True)
class SandboxOptions:
    """How one sandbox app behaves. Every behaviour that is not plain serving is off by default.

    Authentication
        ``api_key``: the value accepted in the ``X-API-Key`` header (``None`` turns key auth off,
        leaving only bearer tokens). ``bearer_tokens``: the tokens accepted in
        ``Authorization: Bearer <token>``. ``expire_token_after_requests``: when set to *n*, the
        first bearer token expires once the app has received *n* requests: request *n + 1* and
        later ones that carry it get ``401 {"detail": "Token expired"}`` while the other tokens
        keep working (configure a second one, e.g. ``("sandbox-token", "sandbox-token-2")``, to
        test a token refresh).

    Data
        ``scale``: when set to *N*, one extra project, ``Synthetic scale project (N
        measurements)``, holds exactly *N* measurements synthesised from the real ones (see
        :mod:`ionworks_toolkit.sandbox._catalogue`).

    Latency and faults (requests are numbered 1, 2, 3, ... per app, in order of arrival;
    ``/openapi.json``, ``/docs`` and ``/redoc`` are not counted)
        ``latency_ms``: every counted request waits this many milliseconds (``asyncio.sleep``, so
        concurrent requests overlap), 0..:data:`MAX_LATENCY_MS` (a longer wait would hold a
        shutdown too: ``inf`` hung every request and SIGTERM, FINDINGS12 M7).
        ``rate_limit_every``: every *k*-th request gets ``429 {"detail": "Rate limit
        exceeded"}`` with ``Retry-After: <retry_after_s>``.
        ``fail_500_on_request``: request *n* gets ``500 {"error_code": "INTERNAL_ERROR", ...}``.
        ``drop_connection_on_request``: request *n* gets a response head and half a body, then the
        connection is closed (clients see a transport error). When several faults hit one request,
        the dropped connection wins over the 500, which wins over the 429. Faults are applied
        before authentication.

    Paging lies
        ``total_offset``: added to the ``total`` of every ``{items, count, total}`` page (negative
        for a total that is too low; never reported below 0). ``ignore_offset``: paginated
        endpoints ignore ``offset`` and always serve the first page.

    Benchmarks
        ``page_cache_mib``: when > 0, successful GET answers are kept (by path and query) up to
        this many MiB of bodies and served again from those bytes, so that the sandbox's CPU
        stays small next to a client's (see :mod:`ionworks_toolkit.sandbox._page_cache`).
        Off (0) by default.
    """

    api_key: str | None = "sandbox"
    bearer_tokens: tuple[str, ...] = ("sandbox-token",)
    expire_token_after_requests: int | None = None
    scale: int | None = None
    latency_ms: float = 0.0
    rate_limit_every: int | None = None
    retry_after_s: int = 1
    fail_500_on_request: int | None = None
    drop_connection_on_request: int | None = None
    total_offset: int = 0
    ignore_offset: bool = False
    page_cache_mib: float = 0.0

    def __post_init__(self) -> None:
        """Checks every field: a wrong type is a TypeError, a value out of range a ValueError,
        each naming the field and what it takes."""
        if self.api_key is not None:
            _check_type("api_key", self.api_key, (str,), "a str or None")
        if isinstance(self.bearer_tokens, str):
            raise TypeError(
                "SandboxOptions.bearer_tokens must be a tuple of str; got a str: "
                f"{self.bearer_tokens!r} (write ({self.bearer_tokens!r},))"
            )
        object.__setattr__(self, "bearer_tokens", tuple(self.bearer_tokens))
        for token in self.bearer_tokens:
            _check_type("bearer_tokens", token, (str,), "a tuple of str")
        for name in ("latency_ms", "page_cache_mib"):
            _check_type(name, getattr(self, name), (int, float), "a number (int or float)")
        _check_type("retry_after_s", self.retry_after_s, (int,), "an integer (seconds)")
        _check_type("total_offset", self.total_offset, (int,), "an integer")
        _check_type("ignore_offset", self.ignore_offset, (bool,), "True or False")
        for name in (
            "expire_token_after_requests",
            "scale",
            "rate_limit_every",
            "fail_500_on_request",
            "drop_connection_on_request",
        ):
            _check_positive(name, getattr(self, name))
        if not 0 <= self.latency_ms <= MAX_LATENCY_MS:  # nan fails both comparisons
            raise ValueError(
                f"SandboxOptions.latency_ms must be 0..{MAX_LATENCY_MS} (milliseconds), got "
                f"{self.latency_ms!r}"
            )
        if self.page_cache_mib < 0:
            raise ValueError(
                f"SandboxOptions.page_cache_mib must be >= 0, got {self.page_cache_mib!r}"
            )
        if self.retry_after_s < 0:
            raise ValueError(
                f"SandboxOptions.retry_after_s must be >= 0, got {self.retry_after_s!r}"
            )
        if any(not token for token in self.bearer_tokens):
            raise ValueError("SandboxOptions.bearer_tokens must not contain empty tokens")
        if self.api_key == "":
            raise ValueError("SandboxOptions.api_key must be a non-empty string or None")
