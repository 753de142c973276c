"""An async export writes a regular JSON Lines or CSV file from a worker thread
(``export.AsyncPageWriter``), so the event loop receives the next page meanwhile.

These tests prove which sinks go to the thread (only files that a failed run deletes whole),
that pages keep their order and their progress figures, that a write's error fails the run as
before (SinkError naming the sink, previous output kept), and that after an error or a
cancellation the page being written is finished before the sinks are aborted.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import AsyncToolkit, WalkStats, export
from ionworks_toolkit.errors import SinkError
from ionworks_toolkit.export import AsyncPageWriter, writes_in_worker_thread
from ionworks_toolkit.sinks import JsonlSink
from ionworks_toolkit.sinks._csv import CsvSink
from ionworks_toolkit.sinks._sqlite import SqliteSink

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"


def measurement(index: int) -> dict[str, Any]:
    return {
        "id": f"m-{index}",
        "name": f"Cell {index}",
        "cell_instance_id": "ci-1",
        "created_at": "2024-01-15T05:05:00Z",
        "updated_at": "2024-01-15T05:05:30Z",
    }


def serve(items: list[dict[str, Any]]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        chunk = items[offset : offset + limit]
        return httpx.Response(200, json={"items": chunk, "count": len(chunk), "total": len(items)})

    return handler


def settings(tmp_path: Path, handler: Any) -> dict[str, Any]:
    return {
        "api_url": "https://api.example.com", "api_key": "k", "max_retries": 0,
        "load_entry_points": False, "environ": {}, "working_dir": str(tmp_path),
        "transport": httpx.MockTransport(handler),
    }  # fmt: skip


class ThreadNotingSink(JsonlSink):
    """A JSON Lines sink that notes which thread wrote each page, and can fail or wait."""

    worker_thread_safe = True  # declared by the class itself, as the built-in sinks do

    def __init__(self, path: Path | None, events: list[str], **options: Any) -> None:
        super().__init__(path, **options)
        self.events = events
        self.fail_at_page: int | None = None
        self.release: threading.Event | None = None
        self.started = threading.Event()
        self.pages = 0

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.pages += 1
        self.started.set()
        if self.release is not None:
            assert self.release.wait(10)
        if self.pages == self.fail_at_page:
            raise OSError(28, "No space left on device")
        super()._write(records)
        self.events.append(f"wrote {len(records)} in {threading.current_thread().name}")

    def _abort(self) -> None:
        self.events.append("abort")
        super()._abort()


def run_export(tmp_path: Path, sink: Any, *, items: int = 5, **options: Any) -> Any:
    async def run() -> Any:
        async with AsyncToolkit(
            **settings(tmp_path, serve([measurement(i) for i in range(items)]))
        ) as toolkit:
            return await toolkit.export(PROJECT_ID, [sink], page_size=2, **options)

    return asyncio.run(run())


def test_only_regular_json_lines_and_csv_files_are_written_from_a_thread(tmp_path: Path) -> None:
    jsonl = JsonlSink(tmp_path / "a.jsonl")
    csv = CsvSink(tmp_path / "a.csv")
    assert jsonl.writes_in_worker_thread is True
    assert csv.writes_in_worker_thread is True
    assert JsonlSink(None).writes_in_worker_thread is False  # stdout: written on the loop
    assert writes_in_worker_thread([("j", jsonl), ("c", csv)]) is True
    # A SQLite database too (FINDINGS10 K2: its lock wait leaves the event loop free there)
    assert writes_in_worker_thread([("j", jsonl), ("s", SqliteSink(tmp_path / "a.db"))]) is True
    assert writes_in_worker_thread([("j", jsonl), ("o", JsonlSink(None))]) is False

    class PluginSqlite(SqliteSink):  # a plugin's subclass: written on the loop's thread
        pass

    assert PluginSqlite(tmp_path / "p.db").writes_in_worker_thread is False
    assert writes_in_worker_thread([("p", object())]) is False  # type: ignore[list-item]
    assert writes_in_worker_thread([]) is False

    class PluginJsonl(JsonlSink):  # inherits the flag: its _write may block, so not in a thread
        pass

    assert PluginJsonl(tmp_path / "b.jsonl").writes_in_worker_thread is False


def test_pages_go_out_in_order_from_the_worker_thread_with_progress_after_each(
    tmp_path: Path,
) -> None:
    events: list[str] = []
    sink = ThreadNotingSink(tmp_path / "m.jsonl", events)
    result = run_export(
        tmp_path, sink, progress=lambda stats: events.append(f"progress {stats.records}")
    )
    assert events == [
        "wrote 2 in ionworks-sink_0", "progress 2",
        "wrote 2 in ionworks-sink_0", "progress 4",
        "wrote 1 in ionworks-sink_0", "progress 5",
    ]  # fmt: skip
    assert result.records == 5
    lines = (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()
    assert [line[:12] for line in lines] == ['{"id":"m-0",', '{"id":"m-1",', '{"id":"m-2",',
                                             '{"id":"m-3",', '{"id":"m-4",']  # fmt: skip


def test_a_stream_is_written_on_the_event_loop_thread(tmp_path: Path) -> None:
    events: list[str] = []
    written: list[str] = []

    class Out:
        encoding = "utf-8"

        def write(self, text: str) -> int:
            written.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    sink = ThreadNotingSink(None, events, stream=Out())  # type: ignore[arg-type]
    run_export(tmp_path, sink, items=3)
    assert events == ["wrote 2 in MainThread", "wrote 1 in MainThread"]
    assert "".join(written).count("\n") == 3


def test_a_failed_write_in_the_thread_fails_the_run_and_keeps_the_previous_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "m.jsonl"
    target.write_text("previous\n", encoding="utf-8")
    events: list[str] = []
    sink = ThreadNotingSink(target, events)
    sink.fail_at_page = 2
    with pytest.raises(SinkError) as caught:
        run_export(tmp_path, sink)
    assert str(caught.value).startswith(
        f"sink jsonl:{target} failed: OSError: [Errno 28] No space left on device"
    )
    assert events == ["wrote 2 in ionworks-sink_0", "abort"]
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.jsonl"]  # no part file left


def test_a_cancelled_export_finishes_the_page_being_written_before_the_abort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    sink = ThreadNotingSink(tmp_path / "m.jsonl", events)
    release = sink.release = threading.Event()
    close = AsyncPageWriter.close

    def close_releasing_the_write(self: AsyncPageWriter) -> None:
        # The write ends only once the cancelled export closes its writer: after the cancel,
        # whatever the machine's load (a threading.Timer raced the cancel). The loop's thread
        # then waits in close() for it, so nothing on the loop could set it.
        release.set()
        close(self)

    monkeypatch.setattr(AsyncPageWriter, "close", close_releasing_the_write)

    async def run() -> None:
        async with AsyncToolkit(
            **settings(tmp_path, serve([measurement(i) for i in range(5)]))
        ) as toolkit:
            task = asyncio.ensure_future(toolkit.export(PROJECT_ID, [sink], page_size=2))
            await asyncio.to_thread(sink.started.wait, 10)  # the first page is being written
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(run())
    assert events == ["wrote 2 in ionworks-sink_0", "abort"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # the part file deleted


def test_the_writer_without_a_thread_writes_at_once(tmp_path: Path) -> None:
    events: list[str] = []
    sink = ThreadNotingSink(None, events, stream=None)
    sink.worker_thread_safe = False

    class PluginSqlite(SqliteSink):  # not declared worker_thread_safe: on the loop's thread
        pass

    opened = [("db", PluginSqlite(tmp_path / "w.db"))]
    writer = AsyncPageWriter(opened, progress=lambda stats: events.append(f"p {stats.records}"))

    async def run() -> None:
        await writer.write([measurement(0)], WalkStats(records=1))
        events.append("returned")
        await writer.finish()

    asyncio.run(run())
    assert events == ["p 1", "returned"]
    assert export.writes_in_worker_thread(opened) is False
    opened[0][1].abort()
