"""Memory and the collector on the export path (issue 14): fewer collections during a run,
the thresholds put back after it, and every page freed by reference counting."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from ionworks_toolkit import AsyncToolkit, Toolkit, UnexpectedResponseError, WalkStats
from ionworks_toolkit._collector import EXPORT_GEN0_THRESHOLD, fewer_collections

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def test_the_threshold_is_raised_inside_and_put_back_after() -> None:
    assert EXPORT_GEN0_THRESHOLD == 100_000
    with fewer_collections():
        assert gc.get_threshold() == (100_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)
    with fewer_collections(5000):
        assert gc.get_threshold() == (5000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_an_error_puts_the_threshold_back() -> None:
    with pytest.raises(KeyError), fewer_collections():
        raise KeyError("x")
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize(
    ("found", "inside"),
    [
        ((0, 10, 10), (0, 10, 10)),  # collection switched off by threshold: kept off
        ((100_000, 5, 5), (100_000, 5, 5)),  # as high already: kept
        ((250_000, 5, 5), (250_000, 5, 5)),  # higher: never lowered
        ((99_999, 5, 5), (100_000, 5, 5)),
        ((1, 2, 3), (100_000, 2, 3)),
    ],
)
def test_the_threshold_is_only_ever_raised(
    found: tuple[int, int, int], inside: tuple[int, int, int]
) -> None:
    gc.set_threshold(*found)
    with fewer_collections():
        assert gc.get_threshold() == inside
    assert gc.get_threshold() == found


def test_overlapping_runs_put_back_what_the_first_found_when_the_last_ends() -> None:
    first, second = fewer_collections(), fewer_collections(2000)
    first.__enter__()
    second.__enter__()  # the threshold the first set stays
    assert gc.get_threshold() == (100_000, 10, 10)
    first.__exit__(None, None, None)
    assert gc.get_threshold() == (100_000, 10, 10)  # the second still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == (700, 10, 10)
    with fewer_collections(2000):  # a new first run: its own value, found state saved again
        assert gc.get_threshold() == (2000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_threshold_changed_meanwhile_is_left_as_set() -> None:
    with fewer_collections():
        gc.set_threshold(1234, 10, 10)  # the user's own setting, made during the run
    assert gc.get_threshold() == (1234, 10, 10)


def test_runs_in_threads_share_the_raise() -> None:
    inside, leave = threading.Barrier(3), threading.Event()
    seen: list[tuple[int, ...]] = []

    def run() -> None:
        with fewer_collections():
            inside.wait()
            leave.wait(5)
            seen.append(gc.get_threshold())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait(5)
    assert gc.get_threshold() == (100_000, 10, 10)
    leave.set()
    for thread in threads:
        thread.join(5)
    assert seen == [(100_000, 10, 10)] * 2
    assert gc.get_threshold() == (700, 10, 10)


# ----------------------------------------------------------------------- the export runs


def _item(i: int) -> dict[str, Any]:
    return {
        "id": f"m-{i}",
        "name": f"measurement {i}",
        "cell_instance_id": "ci-1",
        "created_at": None,
        "updated_at": None,
    }


def _handler(request: httpx.Request) -> httpx.Response:
    offset = int(request.url.params.get("offset", 0))
    limit = int(request.url.params.get("limit", 2))
    items = [_item(i) for i in range(offset, min(offset + limit, 5))]
    return httpx.Response(200, json={"items": items, "count": len(items), "total": 5})


def _options(tmp_path: Any, transport: Any) -> dict[str, Any]:
    return {
        "api_url": "https://api.example.com",
        "api_key": "k",
        "transport": transport,
        "max_retries": 0,
        "load_entry_points": False,
        "environ": {},
        "working_dir": str(tmp_path),
    }


def test_export_runs_with_fewer_collections_and_puts_the_threshold_back(tmp_path) -> None:
    during: list[tuple[int, ...]] = []

    def progress(stats: WalkStats) -> None:
        during.append((stats.records, gc.get_threshold()[0]))

    with Toolkit(**_options(tmp_path, httpx.MockTransport(_handler))) as toolkit:
        result = toolkit.export(
            PROJECT_ID, [f"jsonl:{tmp_path}/m.jsonl"], page_size=2, progress=progress
        )
    assert result.records == 5
    assert during == [(2, 100_000), (4, 100_000), (5, 100_000)]
    assert gc.get_threshold() == (700, 10, 10)
    lines = (tmp_path / "m.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"m-{i}" for i in range(5)]


def test_a_failed_export_puts_the_threshold_back(tmp_path) -> None:
    def failing(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "2":
            return httpx.Response(200, content=b"not json")
        return _handler(request)

    target = tmp_path / "m.jsonl"
    target.write_text("previous\n")
    with (
        Toolkit(**_options(tmp_path, httpx.MockTransport(failing))) as toolkit,
        pytest.raises(UnexpectedResponseError) as info,
    ):
        toolkit.export(PROJECT_ID, [f"jsonl:{target}"], page_size=2)
    assert str(info.value) == (
        f"GET /cell_measurements/by-project/{PROJECT_ID} -> 200: expected JSON, got no content "
        "type (8 bytes)"
    )
    assert gc.get_threshold() == (700, 10, 10)
    assert target.read_text() == "previous\n"  # nothing lost


def test_async_export_runs_with_fewer_collections(tmp_path) -> None:
    during: list[tuple[int, ...]] = []

    def progress(stats: WalkStats) -> None:
        during.append((stats.records, gc.get_threshold()[0]))

    async def scenario() -> int:
        transport = httpx.MockTransport(_handler)
        async with AsyncToolkit(**_options(tmp_path, transport)) as toolkit:
            result = await toolkit.export(
                PROJECT_ID, [f"jsonl:{tmp_path}/m.jsonl"], page_size=2, progress=progress
            )
        return result.records

    assert asyncio.run(scenario()) == 5
    assert during == [(2, 100_000), (4, 100_000), (5, 100_000)]
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_several_project_export_runs_with_fewer_collections(tmp_path, asynchronous) -> None:
    other = "00000000-0000-0000-0000-000000abcdee"
    during: list[int] = []

    def progress(stats: WalkStats) -> None:
        during.append(gc.get_threshold()[0])

    sinks = [f"jsonl:{tmp_path}/m.jsonl"]
    transport = httpx.MockTransport(_handler)
    if asynchronous:

        async def scenario() -> int:
            async with AsyncToolkit(**_options(tmp_path, transport)) as toolkit:
                result = await toolkit.export(
                    [PROJECT_ID, other], sinks, page_size=2, progress=progress
                )
            return result.records

        records = asyncio.run(scenario())
    else:
        with Toolkit(**_options(tmp_path, transport)) as toolkit:
            records = toolkit.export(
                [PROJECT_ID, other], sinks, page_size=2, progress=progress
            ).records
    assert records == 10
    assert during == [100_000] * 6  # three pages per project
    assert gc.get_threshold() == (700, 10, 10)
