"""One ``AsyncToolkit`` used from two event loops at once (FINDINGS8 H21).

The named input: a module-level ``AsyncToolkit`` (as a web service holds one), two threads each
running ``asyncio.run`` over ``iter_measurements_by_project(P, page_size=5)`` at the same time.
One of them died with a bare ``CancelledError`` (3 of 3 runs), a ``BaseException`` that
``except Exception`` does not catch: both threads built a client, the second one's assignment
dropped the first one's loop guard, whose finaliser closed the first client under its
requests. Now binding the client to a loop is one step (a lock): the second caller gets a
ConfigurationError naming the thread whose loop holds the client, before any request, and the
first caller's walk is left alone. ``aclose()`` from another loop while the client's loop is
still open raises the same error and leaves the toolkit open. A sync ``Toolkit`` first used by
two threads at once (which httpx's ``Client`` allows) builds one client, not one each (the
other was left unclosed).

The race is made certain, not left to timing: the first thread waits inside the client's
construction until the second thread has reached the binding step (the lock, or, without it,
the construction of its own client).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from ionworks_toolkit import AsyncToolkit, ConfigurationError, Toolkit
from loopback import by_project_pages
from loopback_runs import PROJECT_ID

MESSAGE = (
    "this AsyncToolkit is in use by another event loop (its httpx client belongs to the loop "
    "of thread {thread!r}, which is still open); make one AsyncToolkit per event loop"
)


async def count(tk: AsyncToolkit) -> int:
    return len([m async for m in tk.iter_measurements_by_project(PROJECT_ID, page_size=5)])


def run(tk: AsyncToolkit, results: dict[str, Any]) -> None:
    """``asyncio.run(count(tk))`` in this thread; the count or the exception in ``results``
    under the thread's name (a BaseException too: a CancelledError is what went wrong)."""
    name = threading.current_thread().name
    try:
        results[name] = asyncio.run(count(tk))
    except BaseException as exc:  # the test reports whatever came
        results[name] = exc


class SignallingLock:
    """A lock that sets ``arrived`` when the thread named ``second`` comes to take it."""

    def __init__(self, arrived: threading.Event) -> None:
        self._lock = threading.Lock()
        self._arrived = arrived

    def __enter__(self) -> bool:
        if threading.current_thread().name == "second":
            self._arrived.set()
        return self._lock.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.__exit__(*exc_info)


def test_two_threads_loops_at_once_the_second_gets_a_clear_error() -> None:
    building, arrived = threading.Event(), threading.Event()
    with by_project_pages(34, 34) as server:
        tk = AsyncToolkit(api_url=server.url, api_key="k", max_retries=0)
        original = tk._generated_client

        def generated_client() -> Any:
            if threading.current_thread().name == "first":
                building.set()
                assert arrived.wait(timeout=30), "the second thread never came to bind"
            else:
                arrived.set()  # without the lock the second thread builds its own client
            return original()

        tk._generated_client = generated_client  # type: ignore[method-assign]
        tk._binding = SignallingLock(arrived)  # type: ignore[assignment]
        results: dict[str, Any] = {}
        first = threading.Thread(target=run, args=(tk, results), name="first")
        second = threading.Thread(target=run, args=(tk, results), name="second")
        first.start()
        assert building.wait(timeout=30)
        second.start()
        second.join(timeout=60)
        first.join(timeout=60)
        offsets = [parse_qs(urlsplit(e.target).query)["offset"] for e in server.requests]
    assert results["first"] == 34
    error = results["second"]
    assert type(error) is ConfigurationError
    assert str(error) == MESSAGE.format(thread="first")
    # Only the first thread's walk reached the server: 34 records in pages of 5.
    assert sorted(int(offset) for (offset,) in offsets) == [0, 5, 10, 15, 20, 25, 30]
    asyncio.run(tk.aclose())  # the first loop has closed since: closing is allowed
    assert tk.is_closed


def test_aclose_from_another_open_loop_refuses_and_leaves_the_toolkit_open() -> None:
    with by_project_pages(34, 34) as server:
        tk = AsyncToolkit(api_url=server.url, api_key="k", max_retries=0)
        first = asyncio.new_event_loop()
        try:
            assert first.run_until_complete(count(tk)) == 34
            with pytest.raises(ConfigurationError) as info:
                asyncio.run(tk.aclose())
            assert str(info.value) == MESSAGE.format(thread="MainThread")
            assert not tk.is_closed
            assert first.run_until_complete(count(tk)) == 34  # its client still works
            first.run_until_complete(tk.aclose())
            assert tk.is_closed
        finally:
            first.close()
        assert len(server.requests) == 14


def test_a_toolkit_first_used_by_two_threads_at_once_builds_one_client() -> None:
    building, arrived = threading.Event(), threading.Event()
    built: list[str] = []
    with by_project_pages(34, 34) as server:
        tk = Toolkit(api_url=server.url, api_key="k", max_retries=0)
        original = tk._generated_client

        def generated_client() -> Any:
            built.append(threading.current_thread().name)
            if threading.current_thread().name == "first":
                building.set()
                assert arrived.wait(timeout=30), "the second thread never came to build"
            else:
                arrived.set()  # without the lock the second thread builds its own client
            return original()

        tk._generated_client = generated_client  # type: ignore[method-assign]
        tk._binding = SignallingLock(arrived)  # type: ignore[assignment]
        results: dict[str, Any] = {}

        def walk() -> None:
            name = threading.current_thread().name
            results[name] = len(list(tk.iter_measurements_by_project(PROJECT_ID, page_size=5)))

        first = threading.Thread(target=walk, name="first")
        second = threading.Thread(target=walk, name="second")
        first.start()
        assert building.wait(timeout=30)
        second.start()
        second.join(timeout=60)
        first.join(timeout=60)
        tk.close()
        assert len(server.requests) == 14
    assert results == {"first": 34, "second": 34}
    assert built == ["first"]
