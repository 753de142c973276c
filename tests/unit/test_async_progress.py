"""An ``async def`` progress callback is refused before any request (FINDINGS9 J11).

``AsyncToolkit.export(progress=aprog)`` with ``async def aprog`` was accepted (a coroutine
function is callable), called once per page and never awaited: a "coroutine ... was never
awaited" RuntimeWarning per page, and the callback never ran. The toolkit calls ``progress``
synchronously (from AsyncToolkit on the event loop's thread), so a coroutine function is an
ArgumentTypeError naming it, before any request, from both toolkits.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from conftest import PROJECT_ID
from ionworks_toolkit import ArgumentTypeError, WalkStats


async def aprog(stats: WalkStats) -> None:
    raise AssertionError("never called")


class AsyncCallable:
    async def __call__(self, stats: WalkStats) -> None:
        raise AssertionError("never called")


def _message(name: str) -> str:
    return (
        "progress must be a plain function taking the WalkStats after each page, or None; got "
        f"a coroutine function {name} (async def): the toolkit calls progress and does not "
        "await it, so it would never run; write it with def (from AsyncToolkit it is called on "
        "the event loop's thread, where asyncio.get_running_loop().create_task(...) can start "
        "async work)"
    )


CASES = [
    (aprog, "aprog"),
    (functools.partial(aprog), "aprog"),
    (AsyncCallable(), "AsyncCallable"),
]


@pytest.mark.parametrize(("progress", "name"), CASES, ids=["async-def", "partial", "object"])
async def test_async_toolkit_refuses_a_coroutine_function_before_any_request(
    make_async_toolkit, paged_server, tmp_path: Any, progress: Any, name: str
) -> None:
    server = paged_server(25)
    toolkit = make_async_toolkit(server)
    try:
        with pytest.raises(ArgumentTypeError) as info:
            await toolkit.export(PROJECT_ID, [str(tmp_path / "a.jsonl")], progress=progress)
    finally:
        await toolkit.aclose()
    assert str(info.value) == _message(name)
    assert (info.value.source, info.value.parameter) == ("argument", "progress")
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


def test_the_sync_toolkit_refuses_it_too(make_toolkit, paged_server, tmp_path: Any) -> None:
    server = paged_server(25)
    with pytest.raises(ArgumentTypeError) as info:
        make_toolkit(server).export(PROJECT_ID, [str(tmp_path / "a.jsonl")], progress=aprog)
    assert str(info.value) == _message("aprog")
    assert server.requests == []


async def test_a_plain_function_is_called_after_each_page(
    make_async_toolkit, paged_server, tmp_path: Any
) -> None:
    seen: list[int] = []
    toolkit = make_async_toolkit(paged_server(25))
    try:
        await toolkit.export(
            PROJECT_ID,
            [str(tmp_path / "a.jsonl")],
            page_size=10,
            progress=lambda stats: seen.append(stats.records),
        )
    finally:
        await toolkit.aclose()
    assert seen == [10, 20, 25]
