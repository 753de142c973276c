"""FINDINGS8 H14, the sinks' part: a path pyarrow cannot open is refused before any request.

A file or folder name holding a byte that is not UTF-8 (typed in a Latin-1 terminal: Python
reads it as a surrogate, ``\\udcff``) is a valid name on Linux: ``csv:``, ``jsonl:`` and
``sqlite:`` write it as given. pyarrow takes paths as UTF-8 text only, so ``parquet:`` and
``dataset:`` failed their first write, after the walk, with a bare UnicodeEncodeError (exit 6).
They are now refused when the sink is made: exit 2, the byte named, no request sent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ionworks_toolkit.cli import main
from ionworks_toolkit.sinks import SinkTargetError
from loopback import Exchange, LoopbackServer

pytest.importorskip("pyarrow")

PROJECT_ID = "5b0c3c61-7d0a-4f43-9d55-0e4a6f1f6a10"
LATIN1 = b"\xff".decode("utf-8", "surrogateescape")  # the byte 0xFF as Python reads argv


class Counting:
    """Answers every request with one measurement; counts them."""

    def __init__(self) -> None:
        self.requests = 0

    def handle(self, exchange: Exchange) -> None:
        self.requests += 1
        item = {
            "id": "m-1",
            "name": "m",
            "cell_instance_id": "ci",
            "created_at": "2024-01-01T07:45:00Z",
            "updated_at": "2024-01-01T07:45:00Z",
        }
        exchange.respond(200, json.dumps({"items": [item], "total": 1}).encode())


def run(url: str, sink: str) -> Result:
    arguments = ["--api-url", url, "--api-key", "k", "measurements", "list", PROJECT_ID]
    return CliRunner().invoke(main, [*arguments, "--all", "--sink", sink])


@pytest.mark.parametrize("scheme", ["parquet", "dataset"])
def test_a_name_that_is_not_utf8_is_refused_before_any_request(
    runner: CliRunner, scheme: str
) -> None:
    state = Counting()
    name = f"{LATIN1}ds" if scheme == "dataset" else f"{LATIN1}p.parquet"
    path = os.path.join(os.getcwd(), name)
    with LoopbackServer(state.handle) as server:
        result = run(server.url, f"{scheme}:{name}")
    assert (result.exit_code, state.requests) == (2, 0)
    assert result.stderr == (
        f"error: {scheme}:\\udcff{name[1:]}: the path {path!r} holds the byte 0xFF (not "
        f"UTF-8) at character {len(os.getcwd()) + 2}; pyarrow writes to UTF-8 paths only: "
        "give a path that is UTF-8 text (csv:, jsonl: and sqlite: take any file name)\n"
    )
    assert os.listdir(".") == []


def test_a_folder_that_is_not_utf8_is_named_too(runner: CliRunner, tmp_path: Path) -> None:
    # A plain name inside a folder so named: the path pyarrow gets is the absolute one.
    folder = tmp_path / f"M{LATIN1}ller"
    folder.mkdir()
    os.chdir(folder)
    state = Counting()
    with LoopbackServer(state.handle) as server:
        result = run(server.url, "out.parquet")
    assert (result.exit_code, state.requests) == (2, 0)
    where = len(str(tmp_path)) + 3  # "/M" then the byte
    assert result.stderr == (
        f"error: parquet:out.parquet: the path {str(folder / 'out.parquet')!r} holds the byte 0xFF "
        f"(not UTF-8) at character {where}; pyarrow writes to UTF-8 paths only: give a path "
        "that is UTF-8 text (csv:, jsonl: and sqlite: take any file name)\n"
    )


def test_the_other_file_sinks_write_such_a_name_as_given(runner: CliRunner) -> None:
    state = Counting()
    with LoopbackServer(state.handle) as server:
        for scheme in ("csv", "jsonl", "sqlite"):
            result = run(server.url, f"{scheme}:{LATIN1}.{scheme}")
            assert result.exit_code == 0, result.output
    assert sorted(os.listdir(b".")) == [b"\xff.csv", b"\xff.jsonl", b"\xff.sqlite"]


@pytest.mark.parametrize("name", ["\ud800.parquet", f"{LATIN1}.parquet"])
def test_python_gets_a_sink_target_error(tmp_path: Path, name: str) -> None:
    from ionworks_toolkit.sinks import ParquetSink

    with pytest.raises(SinkTargetError) as caught:
        ParquetSink(tmp_path / name)
    what = "a lone surrogate U+D800" if name[0] == "\ud800" else "the byte 0xFF (not UTF-8)"
    assert f"holds {what} at character {len(str(tmp_path)) + 2};" in str(caught.value)
