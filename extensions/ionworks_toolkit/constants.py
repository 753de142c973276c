"""Numbers the toolkit uses in more than one place, defined once.

``MAX_PAGE_SIZE``: the seed endpoint's documented maximum ``limit``
(``GET /cell_measurements/by-project/{project_id}``, spec parameter ``limit``, ``maximum: 1000``);
also the default page size of full walks. ``DEFAULT_TIMEOUT``: seconds per request.
``DEFAULT_MAX_RETRIES``: retries per idempotent request (0 turns retries off);
``MAX_RETRIES_LIMIT``: the most ``max_retries`` may be.
``DEFAULT_PREFETCH``: pages an async walk keeps in flight.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_PREFETCH",
    "DEFAULT_TIMEOUT",
    "MAX_PAGE_SIZE",
    "MAX_RETRIES_LIMIT",
]

MAX_PAGE_SIZE = 1000
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
MAX_RETRIES_LIMIT = 20
DEFAULT_PREFETCH = 4
