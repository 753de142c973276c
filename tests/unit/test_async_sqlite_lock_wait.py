"""An async export waiting for another run's SQLite write lock leaves the event loop free
(FINDINGS10 K2).

The wait (up to the sink's ``timeout``, 30 s by default) ran on the event loop's thread: no
other task ran meanwhile, and ``asyncio.wait_for`` or a task's ``cancel()`` took effect only
when the wait ended. The database's pages are now written from the export's worker thread
(``export.AsyncPageWriter``), where the wait polls the writer's stop event. Each test holds
the lock with a second connection for as long as the test says, so no test depends on time.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import AsyncToolkit
from ionworks_toolkit.sinks import _sqlite
from ionworks_toolkit.sinks._base import SinkTargetError
from ionworks_toolkit.sinks._sqlite import SqliteSink
from test_async_page_writer import PROJECT_ID, measurement, serve, settings


@pytest.fixture
def held_database(tmp_path: Path) -> Any:
    """``c.db`` with one export's rows (``m-old``), and a connection holding its write lock
    (``BEGIN IMMEDIATE``) until the test releases it."""
    db = tmp_path / "c.db"
    first = SqliteSink(db, label="sqlite:c.db")
    first.write([measurement(99) | {"id": "m-old"}])
    first.commit()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield db, holder
    holder.close()


@pytest.fixture
def waiting(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when the sink says it waits for the lock (its notice, from any thread)."""
    started = threading.Event()
    notice = _sqlite._notice

    def noted(message: str) -> None:
        notice(message)
        started.set()

    monkeypatch.setattr(_sqlite, "_notice", noted)
    return started


class SkippingLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock a test moves forward (``skipped`` seconds): its timers, such
    as ``asyncio.wait_for``'s, then fall due at once, whatever the machine's load."""

    skipped = 0.0

    def time(self) -> float:
        return super().time() + self.skipped


def _ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM measurements ORDER BY id")]


def test_other_tasks_run_while_the_export_waits_for_the_lock(
    tmp_path: Path, held_database: Any, waiting: threading.Event, capsys: Any
) -> None:
    """A task on the same loop releases the lock after ticking three times during the wait;
    with the loop blocked it never ran, and the export failed after its 5 s timeout."""
    db, holder = held_database
    ticks: list[int] = []

    async def release_after_three_ticks() -> None:
        while not waiting.is_set():
            await asyncio.sleep(0.01)
        for tick in range(3):
            ticks.append(tick)
            await asyncio.sleep(0.01)
        holder.rollback()

    async def run() -> Any:
        sink = SqliteSink(db, label="sqlite:c.db", timeout=5)
        async with AsyncToolkit(
            **settings(tmp_path, serve([measurement(i) for i in range(5)]))
        ) as toolkit:
            result, _ = await asyncio.gather(
                toolkit.export(PROJECT_ID, [sink], page_size=2), release_after_three_ticks()
            )
        return result

    result = asyncio.run(run())
    assert ticks == [0, 1, 2]
    assert (result.records, _ids(db)) == (5, ["m-0", "m-1", "m-2", "m-3", "m-4", "m-old"])
    assert capsys.readouterr().err == (
        "sqlite:c.db: another run is writing to this database; waiting up to 5 s for its lock...\n"
    )


def test_wait_for_stops_an_export_waiting_for_the_lock_and_nothing_is_written(
    tmp_path: Path, held_database: Any, waiting: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``asyncio.wait_for`` ends the export and the wait ends at its next poll (the lock wait
    raises CancelledError in the sink's thread): TimeoutError, the sink aborted, the database
    as it was, no part file. With the loop blocked, the wait ran to its 3 s timeout and
    wait_for raised the sink's SinkTargetError instead; without the writer's stop, the wait
    ran to its timeout in the thread.

    wait_for's time runs out once the sink says it waits (the loop's clock is moved past it),
    not after 0.5 s of real time: the notice comes at the second refused try, 0.1 s after the
    first, and on a loaded machine the export could be cancelled before it."""
    db, _holder = held_database
    sink = SqliteSink(db, label="sqlite:c.db", timeout=3)
    ended: list[str] = []
    take = SqliteSink._take_write_lock

    def noted_take(self: SqliteSink, conn: sqlite3.Connection) -> None:
        try:
            take(self, conn)
        except BaseException as exc:
            ended.append(type(exc).__name__)
            raise

    monkeypatch.setattr(SqliteSink, "_take_write_lock", noted_take)

    async def time_is_up_once_waiting() -> None:
        while not waiting.is_set():
            await asyncio.sleep(0.01)
        loop = asyncio.get_running_loop()
        assert isinstance(loop, SkippingLoop)
        loop.skipped = 30.0  # wait_for's 30 s are up now

    async def run() -> None:
        async with AsyncToolkit(
            **settings(tmp_path, serve([measurement(i) for i in range(5)]))
        ) as toolkit:
            skipping = asyncio.ensure_future(time_is_up_once_waiting())
            try:
                await asyncio.wait_for(toolkit.export(PROJECT_ID, [sink], page_size=2), 30)
            finally:
                skipping.cancel()

    with asyncio.Runner(loop_factory=SkippingLoop) as runner, pytest.raises(TimeoutError):
        runner.run(run())
    assert (waiting.is_set(), ended) == (True, ["CancelledError"])
    assert sink.describe() == (
        "aborted: sqlite:c.db (table measurements) left unchanged (0 records discarded)"
    )
    assert sorted(os.listdir(tmp_path)) == ["c.db"]
    _holder.rollback()
    assert _ids(db) == ["m-old"]


def test_a_lock_never_released_still_fails_the_export_naming_the_database(
    tmp_path: Path, held_database: Any
) -> None:
    db, _holder = held_database

    async def run() -> None:
        async with AsyncToolkit(
            **settings(tmp_path, serve([measurement(i) for i in range(3)]))
        ) as toolkit:
            await toolkit.export(PROJECT_ID, [SqliteSink(db, label="sqlite:c.db", timeout=0.3)])

    with pytest.raises(Exception) as info:
        asyncio.run(run())
    assert isinstance(info.value.__cause__, SinkTargetError)
    assert str(info.value.__cause__) == (
        "sqlite:c.db: the database is still locked by another run after 0.3 s; nothing was "
        "written to it (try again when the other run has finished)"
    )
    _holder.rollback()
    assert _ids(db) == ["m-old"]
