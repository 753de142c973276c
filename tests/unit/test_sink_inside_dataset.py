"""A sink whose target lies inside the folder another sink owns (FINDINGS8 H22).

A ``dataset:`` sink replaces its whole folder when it publishes, so ``--sink ds/inside.csv
--sink dataset:ds`` was accepted, reported the CSV written and then lost it to the dataset's
swap (later: failed after the whole walk, blaming "files this sink did not write"), and
``--sink dataset:a/b --sink dataset:a`` failed after the walk. Both are refused before any
request now (exit 2; a ConfigurationError from Python), naming both targets and the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ID
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import ConfigurationError
from ionworks_toolkit.export import check_destinations
from ionworks_toolkit.sinks._base import BaseSink
from loopback import by_project_pages

pytest.importorskip("pyarrow")


def _invoke(runner: CliRunner, *sinks: str) -> tuple[Any, int]:
    arguments = ["measurements", "list", PROJECT_ID, "--all"]
    arguments += [a for sink in sinks for a in ("--sink", sink)]
    with by_project_pages(3, 3) as server:
        result = runner.invoke(main, ["--api-url", server.url, "--api-key", "k", *arguments])
    return result, len(server.requests)


def _inside(text: str, owner: str, destination: Path, folder: Path) -> str:
    return (
        f"error: sink {text} writes inside the folder of sink {owner}: {destination} lies in "
        f"{folder}, which {owner} replaces as a whole when it publishes; give each sink its "
        "own target, outside that folder\n"
    )


@pytest.mark.parametrize(
    "order", [("ds/inside.csv", "dataset:ds"), ("dataset:ds", "ds/inside.csv")]
)
def test_a_csv_inside_a_dataset_folder_is_refused_before_any_request(
    runner: CliRunner, tmp_path: Path, order: tuple[str, str]
) -> None:
    """The named input of H22, in either order: exit 2, no request, nothing written."""
    (tmp_path / "ds").mkdir()
    result, requests = _invoke(runner, *order)
    assert (result.exit_code, requests) == (2, 0)
    assert result.output == _inside(
        "ds/inside.csv", "dataset:ds", tmp_path / "ds" / "inside.csv", tmp_path / "ds"
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["ds"]


def test_a_nested_dataset_is_refused_before_any_request(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    result, requests = _invoke(runner, "dataset:a/b", "dataset:a")
    assert (result.exit_code, requests) == (2, 0)
    inside = _inside("dataset:a/b", "dataset:a", tmp_path / "a" / "b", tmp_path / "a")
    assert result.output == inside
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a"]


def test_every_file_sink_inside_the_folder_is_named(runner: CliRunner, tmp_path: Path) -> None:
    """The other reproduction of H22 (JSON Lines and SQLite inside, the dataset first): the
    first sink inside is named, before any request; a symlink into the folder is inside."""
    (tmp_path / "ds").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "ds")
    result, requests = _invoke(runner, "dataset:ds", "link/inside.jsonl", "ds/inside.db")
    assert (result.exit_code, requests) == (2, 0)
    assert result.output == _inside(
        "link/inside.jsonl", "dataset:ds", tmp_path / "ds" / "inside.jsonl", tmp_path / "ds"
    )


def test_targets_beside_the_folder_are_accepted(runner: CliRunner, tmp_path: Path) -> None:
    """A file named like the folder's prefix (``ds-copy.csv``, ``ds2/x.csv``) and the folder's
    own parent are not inside it: the run writes every sink."""
    (tmp_path / "ds2").mkdir()
    result, requests = _invoke(runner, "dataset:ds", "ds.csv", "ds2/x.jsonl", "dataset:ds-other")
    assert (result.exit_code, requests) == (0, 1), result.output
    assert (tmp_path / "ds.csv").read_text().count("\n") == 4
    assert (tmp_path / "ds2" / "x.jsonl").read_text().count("\n") == 3


class _FolderSink(BaseSink):
    """A plugin's sink that owns a folder on its own filesystem (``location``)."""

    def __init__(self, location: str) -> None:
        super().__init__(f"lab:{location}")
        self.location = location

    def _write(self, records: Any) -> None:
        pass

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


def test_a_plugin_sinks_folder_is_a_folder_too() -> None:
    """Any sink that owns a folder (``location`` or ``root``, no ``path``) counts, and only a
    destination on the same filesystem (same protocol) can lie inside it."""
    sinks: list[tuple[str, Any]] = [
        ("lab:labfs://b/ds", _FolderSink("labfs://b/ds")),
        ("lab:otherfs://b/ds/x", _FolderSink("otherfs://b/ds/x")),
    ]
    check_destinations(sinks)  # two filesystems: not inside
    sinks.append(("lab:labfs://b/ds/x", _FolderSink("labfs://b/ds/x")))
    with pytest.raises(ConfigurationError) as caught:
        check_destinations(sinks)
    assert str(caught.value) == (
        "sink lab:labfs://b/ds/x writes inside the folder of sink lab:labfs://b/ds: "
        "labfs://b/ds/x lies in labfs://b/ds, which lab:labfs://b/ds replaces as a whole when "
        "it publishes; give each sink its own target, outside that folder"
    )
