"""The Python API's progress callback and Sink objects (FINDINGS7 G19, G20).

G20: ``progress(stats)`` got the walk's live WalkStats: a callback that changed it changed
the walk (``max_records`` exceeded) and the returned ExportResult. It now gets a copy.
G19: one Sink object given twice, or reused after a run, failed only after the walk with
internal wording; it is now refused before any request.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import ParameterError, WalkStats
from ionworks_toolkit.sinks import JsonlSink

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"


def test_a_progress_callback_cannot_change_the_walk(make_toolkit, paged_server, tmp_path: Path):
    seen: list[tuple[int, int | None]] = []

    def meddle(stats: WalkStats) -> None:
        seen.append((stats.records, stats.total))
        stats.records, stats.total = 0, 5

    server = paged_server(34)
    toolkit = make_toolkit(server)
    result = toolkit.export(
        PROJECT_ID, [f"jsonl:{tmp_path}/p.jsonl"], page_size=10, max_records=15, progress=meddle
    )
    assert (result.records, result.total, result.pages) == (15, 34, 2)
    assert seen == [(10, 34), (15, 34)]
    assert len((tmp_path / "p.jsonl").read_text().splitlines()) == 15


def test_an_async_progress_callback_cannot_change_the_walk(
    make_async_toolkit, paged_server, tmp_path: Path
):
    seen: list[int] = []

    def meddle(stats: WalkStats) -> None:
        seen.append(stats.records)
        stats.records = 0

    async def run() -> Any:
        async with make_async_toolkit(paged_server(34)) as toolkit:
            return await toolkit.export(
                PROJECT_ID, [f"jsonl:{tmp_path}/a.jsonl"], page_size=10, max_records=15,
                progress=meddle,
            )  # fmt: skip

    result = asyncio.run(run())
    assert (result.records, seen) == (15, [10, 15])


def test_one_sink_object_twice_is_refused_before_any_request(
    make_toolkit, paged_server, tmp_path: Path
):
    server = paged_server(3)
    sink = JsonlSink(tmp_path / "once.jsonl")
    with pytest.raises(ParameterError) as caught:
        make_toolkit(server).export(PROJECT_ID, [f"jsonl:{tmp_path}/a.jsonl", sink, sink])
    assert str(caught.value) == (
        "sinks[2] is the same Sink object as sinks[1]: a Sink writes one output; give each "
        "output its own"
    )
    assert server.calls == []


def test_a_sink_reused_after_a_run_is_refused_before_any_request(
    make_toolkit, paged_server, tmp_path: Path
):
    server = paged_server(3)
    toolkit = make_toolkit(server)
    sink = JsonlSink(tmp_path / "once.jsonl")
    assert toolkit.export(PROJECT_ID, [sink]).records == 3
    calls = len(server.calls)
    with pytest.raises(ParameterError) as caught:
        toolkit.export(PROJECT_ID, [sink])
    assert str(caught.value) == (
        "sinks[0] has already been committed by an earlier run: a Sink is used for one run; "
        "make a new one"
    )
    assert len(server.calls) == calls
    aborted = JsonlSink(tmp_path / "aborted.jsonl")
    aborted.abort()
    with pytest.raises(ParameterError, match=r"^sinks\[0\] has already been aborted by an"):
        toolkit.export(PROJECT_ID, [aborted])
