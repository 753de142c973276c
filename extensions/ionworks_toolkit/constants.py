"""Numbers the toolkit uses in more than one place, defined once.

``MAX_PAGE_SIZE``: the seed endpoint's documented maximum ``limit``
(``GET /cell_measurements/by-project/{project_id}``, spec parameter ``limit``, ``maximum: 1000``);
also the default page size of full walks. ``DEFAULT_TIMEOUT``: seconds per request.
``DEFAULT_MAX_RETRIES``: retries per idempotent request (0 turns retries off);
``MAX_RETRIES_LIMIT``: the most ``max_retries`` may be.
``DEFAULT_PREFETCH``: pages an async walk keeps in flight; ``MAX_PREFETCH``: the most it may
keep. Prefetch P pays while the latency L per page exceeds P times the client's CPU per page C
(the walk's bound is (L + C) / max(C, L / P)): 32 covers a second of latency at ~30 ms per page.
More only queues requests in the connection pool and, without a usable ``total``, sends that
many requests past the end of a collection before its first short page stops the walk.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_PREFETCH",
    "DEFAULT_TIMEOUT",
    "MAX_PAGE_SIZE",
    "MAX_PREFETCH",
    "MAX_RETRIES_LIMIT",
]

MAX_PAGE_SIZE = 1000
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
MAX_RETRIES_LIMIT = 20
DEFAULT_PREFETCH = 4
MAX_PREFETCH = 32
