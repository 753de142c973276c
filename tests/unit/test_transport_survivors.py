"""transport.py: behaviours that mutants of the ``transport`` group survived (issue 19), each
pinned with exact values; no wall-clock bounds, no server (fakes and loopback-free mocks).
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import httpx
import pytest
from ionworks_toolkit.transport import CancelSafeTransport


def test_an_error_after_the_caller_left_is_retrieved_not_reported_as_lost() -> None:
    """A request whose caller was cancelled fails later in the background: its exception is
    retrieved by the transport, so asyncio never reports "Task exception was never
    retrieved" (which would reach the user's log as an unhandled error)."""
    reported: list[dict[str, Any]] = []

    async def scenario() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, c: reported.append(c))
        gate = asyncio.Event()

        async def late_failure(r: httpx.Request) -> httpx.Response:
            await gate.wait()
            raise httpx.ReadError("dropped after the caller left", request=r)

        transport = CancelSafeTransport(httpx.MockTransport(late_failure))
        caller = asyncio.ensure_future(
            transport.handle_async_request(httpx.Request("GET", "https://api.example/x"))
        )
        for _ in range(5):
            await asyncio.sleep(0)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        gate.set()
        for _ in range(20):  # the background task ends and its done callback runs
            if not transport._running:
                break
            await asyncio.sleep(0)
        assert transport._running == set()
        del caller
        gc.collect()  # a task with an unretrieved exception reports it when collected
        await asyncio.sleep(0)

    asyncio.run(scenario())
    gc.collect()
    assert [c.get("message") for c in reported] == []
