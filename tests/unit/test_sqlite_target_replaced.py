"""An existing SQLite database deleted or replaced while a run writes into it (FINDINGS10 K1).

The run holds its connection to the file it opened; ``rm m.db`` or ``mv other.db m.db``
meanwhile left that connection writing into the removed file: the run said "wrote 34 records",
exit 0, while the database at the path held none of them. The sink now checks, before each
page and before the rows are committed, that the file at its path is still the one it opened,
and fails the run otherwise: rows rolled back, the file now at the path untouched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import Toolkit, WalkStats
from ionworks_toolkit.errors import SinkError
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import open_sink
from test_async_page_writer import PROJECT_ID, measurement, settings


def ids_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM measurements ORDER BY id")]


def serving(
    items: list[dict[str, Any]],
    before_offset: dict[int, Callable[[], None]],
    asked: list[int] | None = None,
) -> Any:
    """The seed endpoint over ``items``; ``before_offset[n]()`` runs before the page at
    offset ``n`` is answered."""

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        if asked is not None:
            asked.append(offset)
        limit = int(request.url.params["limit"])
        if offset in before_offset:
            before_offset.pop(offset)()
        chunk = items[offset : offset + limit]
        return httpx.Response(200, json={"items": chunk, "count": len(chunk), "total": len(items)})

    return handler


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """m.db holding m-0 and m-1, written by an export."""
    path = tmp_path / "m.db"
    items = [measurement(0), measurement(1)]
    with Toolkit(**settings(tmp_path, serving(items, {}))) as toolkit:
        toolkit.export(PROJECT_ID, [f"sqlite:{path}"])
    assert ids_in(path) == ["m-0", "m-1"]
    return path


def export(tmp_path: Path, path: Path, handler: Any, **options: Any) -> SinkError:
    with Toolkit(**settings(tmp_path, handler)) as toolkit, pytest.raises(SinkError) as caught:
        toolkit.export(PROJECT_ID, [f"sqlite:{path}"], page_size=10, **options)
    return caught.value


def test_a_database_deleted_during_the_run_fails_it(tmp_path: Path, existing: Path) -> None:
    items = [measurement(i) for i in range(30)]
    asked: list[int] = []
    error = export(tmp_path, existing, serving(items, {10: existing.unlink}, asked))
    assert asked == [0, 10]  # found at the page after it: no more requests
    assert str(error) == (
        f"sink sqlite:{existing} failed: SinkTargetError: sqlite:{existing}: "
        "m.db was deleted while this run wrote to it: its rows went to "
        "the removed file and are rolled back; nothing was written (run it again)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # not made again, no journal


@pytest.mark.parametrize("change", ["deleted", "replaced"])
def test_the_outcome_says_the_previous_database_was_removed_or_replaced(
    tmp_path: Path, existing: Path, change: str
) -> None:
    """FINDINGS11 L6: the outcome said "rolled back (previous output kept): m.db" with no
    m.db on disk (deleted), or another file there (replaced)."""
    other = tmp_path / "other.db"
    shutil.copyfile(existing, other)
    act = existing.unlink if change == "deleted" else lambda: os.replace(other, existing)
    sink = open_sink(f"sqlite:{existing}")
    with (
        Toolkit(**settings(tmp_path, serving([measurement(i) for i in range(30)], {10: act}))) as (
            toolkit
        ),
        pytest.raises(SinkError),
    ):
        toolkit.export(PROJECT_ID, [sink], page_size=10)
    assert sink_outcome([("m.db", sink)], name_rolled_back=True) == (
        "nothing written (the previous output was removed or replaced during the run): m.db"
    )


def test_a_database_replaced_during_the_run_keeps_the_new_file(
    tmp_path: Path, existing: Path
) -> None:
    other = tmp_path / "other.db"
    shutil.copyfile(existing, other)
    with sqlite3.connect(other) as conn:
        conn.execute("DELETE FROM measurements WHERE id = 'm-1'")
    items = [measurement(i) for i in range(30)]
    error = export(tmp_path, existing, serving(items, {20: lambda: os.replace(other, existing)}))
    assert str(error) == (
        f"sink sqlite:{existing} failed: SinkTargetError: sqlite:{existing}: "
        "m.db was replaced by another file while this run wrote to it: "
        "its rows went to the removed file and are rolled back; the file now at m.db is "
        "untouched (run it again)"
    )
    assert ids_in(existing) == ["m-0"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.db"]


def test_a_replacement_after_the_last_page_is_found_before_the_commit(
    tmp_path: Path, existing: Path
) -> None:
    other = tmp_path / "other.db"
    shutil.copyfile(existing, other)
    items = [measurement(i) for i in range(25)]

    def replace_after_the_last_page(stats: WalkStats) -> None:
        if stats.records == 25:
            os.replace(other, existing)

    error = export(tmp_path, existing, serving(items, {}), progress=replace_after_the_last_page)
    assert "m.db was replaced by another file while this run wrote to it" in str(error)
    assert ids_in(existing) == ["m-0", "m-1"]  # the copy's rows, not the run's 25


def test_the_same_file_moved_back_is_still_written(tmp_path: Path, existing: Path) -> None:
    # A rename away and back keeps the file (same inode): the run goes on and publishes.
    aside = tmp_path / "aside.db"

    def away_and_back() -> None:
        os.rename(existing, aside)
        os.rename(aside, existing)

    items = [measurement(i) for i in range(30)]
    with Toolkit(**settings(tmp_path, serving(items, {10: away_and_back}))) as toolkit:
        result = toolkit.export(PROJECT_ID, [f"sqlite:{existing}"], page_size=10)
    assert result.records == 30
    assert len(ids_in(existing)) == 30
