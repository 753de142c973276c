"""Two sinks on hard links of one file are refused before any request (FINDINGS8 H9).

``--sink x.db --sink "sqlite:y.db?table=other"`` with ``y.db`` a hard link of ``x.db``: the
duplicate check compared resolved paths only, so the second SQLite sink waited 30 s for the
write lock its own run held and then blamed "another run". Existing regular files are now
compared by device and inode too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import ConfigurationError
from ionworks_toolkit.cli import main
from ionworks_toolkit.export import check_destinations
from ionworks_toolkit.sinks import SqliteSink, open_sink

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"

pytestmark = pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")


def _database(path: Path) -> None:
    sink = SqliteSink(path)
    sink.commit()


def test_the_findings_hard_linked_databases_exit_2_before_any_request(
    runner: Any, tmp_path: Path
) -> None:
    _database(tmp_path / "x.db")
    os.link(tmp_path / "x.db", tmp_path / "y.db")
    before = (tmp_path / "x.db").read_bytes()
    result = runner.invoke(
        main,
        [
            *("--api-url", "http://127.0.0.1:1", "measurements", "list", PROJECT_ID),
            *("--sink", "x.db", "--sink", "sqlite:y.db?table=other"),
        ],
        env={"IONWORKS_API_KEY": "k-test"},
    )
    assert result.exit_code == 2, result.output
    x, y = (tmp_path / "x.db").resolve(), (tmp_path / "y.db").resolve()
    assert result.stderr == (
        f"error: sinks x.db and sqlite:y.db?table=other both write to one file: {x} and {y} "
        "are links to it; give each sink its own target\n"
    )
    assert (tmp_path / "x.db").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["x.db", "y.db"]


def test_hard_linked_files_of_any_sink_are_one_destination(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n")
    os.link(tmp_path / "a.jsonl", tmp_path / "b.csv")
    sinks = [(text, open_sink(str(tmp_path / text))) for text in ("a.jsonl", "b.csv")]
    with pytest.raises(ConfigurationError) as caught:
        check_destinations(sinks)
    a, b = (tmp_path / "a.jsonl").resolve(), (tmp_path / "b.csv").resolve()
    assert str(caught.value) == (
        f"sinks a.jsonl and b.csv both write to one file: {a} and {b} are links to it; give "
        "each sink its own target"
    )
    for _, sink in sinks:
        sink.abort()


def test_two_files_and_new_files_are_not_one(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n")
    (tmp_path / "b.jsonl").write_text("{}\n")
    sinks = [
        (text, open_sink(str(tmp_path / text)))
        for text in ("a.jsonl", "b.jsonl", "new.csv", "new.db")
    ]
    check_destinations(sinks)  # no error
    for _, sink in sinks:
        sink.abort()
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl", "b.jsonl"]  # nothing else made
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text() == "{}\n"
