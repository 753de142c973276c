"""A request budget: the runaway guard of every test that walks a server.

A walk whose end detection or de-duplication breaks (a server ignoring ``offset``, a ``total``
that is never reached) would otherwise request pages forever and exhaust memory instead of
failing. ``RequestBudget(limit)`` fails the test with ``RunawayWalk`` at request ``limit + 1``:

* fakes call ``budget.spend()`` once per request they answer (``PagedServer``, ``FakeApi``);
* a toolkit gets it as a plugin (its ``ionworks_request`` hook counts every request sent,
  whatever the server): the sandbox factories of ``tests/unit/conftest.py`` add one to every
  toolkit they make. The toolkit reports the hook's error as a PluginError whose message holds
  ``runaway walk``.
"""

from __future__ import annotations

from typing import Any

from ionworks_toolkit import hookimpl

#: Enough for every walk in the suite (the largest: 1500 records in pages of 10 = 151
#: requests), far below what exhausts memory.
DEFAULT_LIMIT = 500


class RunawayWalk(AssertionError):
    """More requests than the test's budget: the walk never ends."""


class RequestBudget:
    """Count requests; raise RunawayWalk once more than ``limit`` were made."""

    name = "request-budget"

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.used = 0

    def spend(self) -> None:
        """One more request; RunawayWalk when it is over the budget."""
        self.used += 1
        if self.used > self.limit:
            raise RunawayWalk(f"runaway walk: {self.used} requests (budget {self.limit})")

    @hookimpl
    def ionworks_request(self, request: Any) -> None:
        self.spend()
