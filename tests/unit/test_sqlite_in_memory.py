"""``sqlite::memory:`` is refused, not written as a file named ``:memory:`` (FINDINGS9 J3).

Someone who knows SQLite means its in-memory database by ``:memory:``, which is gone when the
run ends; the sink wrote a file of that name into the working folder instead (a name that
breaks shell globs and Windows copies). Now it is a usage error before any request (exit 2)
saying how to write a file of that name on purpose (``sqlite:./:memory:``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ID
from ionworks_toolkit import ConfigurationError, Toolkit
from ionworks_toolkit.cli import main
from ionworks_toolkit.sinks import SinkTargetError, make_sqlite_sink
from loopback import by_project_pages


def _message(target: str) -> str:
    return (
        f"sqlite:{target} is an in-memory SQLite database, which is gone when the run ends: "
        f"it cannot hold an export; give a file, e.g. sqlite:catalog.db (a file named "
        f"{target!r} is written as sqlite:./{target})"
    )


@pytest.mark.parametrize("target", [":memory:", "file::memory:"])
def test_the_cli_refuses_an_in_memory_database_before_any_request(
    runner: CliRunner, tmp_path: Path, target: str
) -> None:
    with by_project_pages(2, 2) as server:
        result = runner.invoke(
            main,
            ["--api-url", server.url, "--api-key", "k", "measurements", "list", PROJECT_ID,
             "--limit", "2", "--sink", f"sqlite:{target}"],
        )  # fmt: skip
    assert (result.exit_code, result.stderr) == (2, f"error: {_message(target)}\n")
    assert server.requests == []
    assert os.listdir(tmp_path) == []


def test_the_python_api_refuses_it_too(tmp_path: Path) -> None:
    with pytest.raises(SinkTargetError) as info:
        make_sqlite_sink(":memory:", {})
    assert str(info.value) == _message(":memory:")
    toolkit = Toolkit(
        api_url="http://127.0.0.1:9", api_key="k", load_entry_points=False, environ={}
    )
    with toolkit, pytest.raises(ConfigurationError) as caught:
        toolkit.export(PROJECT_ID, ["sqlite::memory:"])
    assert str(caught.value) == _message(":memory:")


def test_a_file_named_memory_is_written_when_spelt_as_a_path(
    runner: CliRunner, tmp_path: Path
) -> None:
    with by_project_pages(2, 2) as server:
        result = runner.invoke(
            main,
            ["--api-url", server.url, "--api-key", "k", "measurements", "list", PROJECT_ID,
             "--limit", "2", "--sink", "sqlite:./:memory:"],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert os.listdir(tmp_path) == [":memory:"]
    with sqlite3.connect(tmp_path / ":memory:") as conn:
        assert conn.execute("select count(*) from measurements").fetchone() == (2,)
