"""A file sink syncs its temporary file's data page by page (``AtomicFile.sync_written``), so
publishing does not wait for the whole file's flush at the end: once ``DATA_SYNC_BYTES`` were
written since the last sync, the page's write ends with ``os.fdatasync``; in an async export
that happens in the worker thread writing the pages. A failed sync fails the page like a
failed write: the previous output is kept and no part file stays.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import AsyncToolkit, Toolkit
from ionworks_toolkit.errors import SinkError
from ionworks_toolkit.sinks import JsonlSink, _base
from ionworks_toolkit.sinks._csv import CsvSink
from test_async_page_writer import PROJECT_ID, measurement, serve, settings


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Each data sync as (file size synced, thread name); the real sync still runs."""
    seen: list[tuple[int, str]] = []
    real = _base._data_sync

    def noting(fd: int) -> None:
        seen.append((os.fstat(fd).st_size, threading.current_thread().name))
        real(fd)

    monkeypatch.setattr(_base, "_data_sync", noting)
    return seen


def page_sizes(path: Path, page: int) -> list[int]:
    """The file's size after each page of ``page`` lines."""
    lines = path.read_bytes().splitlines(keepends=True)
    return [len(b"".join(lines[:end])) for end in range(page, len(lines) + 1, page)]


def test_each_page_past_the_threshold_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncs: list[tuple[int, str]]
) -> None:
    monkeypatch.setattr(_base, "DATA_SYNC_BYTES", 1)
    out = tmp_path / "m.jsonl"
    items = [measurement(i) for i in range(30)]
    with Toolkit(**settings(tmp_path, serve(items))) as toolkit:
        result = toolkit.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
    assert result.records == 30
    assert [size for size, _ in syncs] == page_sizes(out, 10)
    assert len(syncs) == 3


def test_pages_below_the_threshold_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncs: list[tuple[int, str]]
) -> None:
    out = tmp_path / "m.jsonl"
    items = [measurement(i) for i in range(40)]
    pages = [items[start : start + 10] for start in range(0, 40, 10)]
    sizes = [sum(len(json.dumps(item, separators=(",", ":"))) + 1 for item in p) for p in pages]
    # Two pages reach it, one does not: the sync comes after pages 2 and 4.
    monkeypatch.setattr(_base, "DATA_SYNC_BYTES", max(sizes) + 1)
    with Toolkit(**settings(tmp_path, serve(items))) as toolkit:
        toolkit.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
    after = page_sizes(out, 10)
    assert [size for size, _ in syncs] == [after[1], after[3]]


def test_default_threshold_leaves_small_exports_to_the_publish(
    tmp_path: Path, syncs: list[tuple[int, str]]
) -> None:
    assert _base.DATA_SYNC_BYTES == 8 * 2**20
    out = tmp_path / "m.jsonl"
    with Toolkit(**settings(tmp_path, serve([measurement(i) for i in range(30)]))) as toolkit:
        toolkit.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
    assert syncs == []
    assert len(out.read_bytes().splitlines()) == 30


def test_async_export_syncs_in_the_worker_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncs: list[tuple[int, str]]
) -> None:
    monkeypatch.setattr(_base, "DATA_SYNC_BYTES", 1)
    out = tmp_path / "m.jsonl"
    items = [measurement(i) for i in range(30)]

    async def run() -> Any:
        async with AsyncToolkit(**settings(tmp_path, serve(items))) as toolkit:
            return await toolkit.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10, prefetch=2)

    result = asyncio.run(run())
    assert result.records == 30
    assert [size for size, _ in syncs] == page_sizes(out, 10)
    main = threading.main_thread().name
    assert [thread != main for _, thread in syncs] == [True, True, True]


def test_csv_pages_are_synced_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncs: list[tuple[int, str]]
) -> None:
    monkeypatch.setattr(_base, "DATA_SYNC_BYTES", 1)
    out = tmp_path / "m.csv"
    sink = CsvSink(out)
    sink.write([measurement(1)])
    sink.write([measurement(2)])
    sink.commit()
    text = out.read_bytes()
    header_and_first = text[: text.index(b"\n", text.index(b"\n") + 1) + 1]
    assert [size for size, _ in syncs] == [len(header_and_first), len(text)]


def test_a_failed_sync_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "m.jsonl"
    out.write_text("previous\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_base, "DATA_SYNC_BYTES", 1)
    monkeypatch.setattr(_base, "_data_sync", full)
    items = [measurement(i) for i in range(30)]
    with Toolkit(**settings(tmp_path, serve(items))) as toolkit, pytest.raises(SinkError) as info:
        toolkit.export(PROJECT_ID, [f"jsonl:{out}"], page_size=10)
    assert "No space left on device" in str(info.value)
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.jsonl"]


def test_a_stream_is_never_synced(capsysbinary: Any, syncs: list[tuple[int, str]]) -> None:
    sink = JsonlSink(None)
    sink.write([measurement(1)])
    sink.commit()
    assert syncs == []
