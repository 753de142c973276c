"""``table:`` on a stdout that cannot encode its characters (FINDINGS7 G21).

``PYTHONIOENCODING=ascii`` failed the whole run with a UnicodeEncodeError on the table's own
``…`` and rolled back the other outputs. Now what the stream cannot encode is shown as
``?`` and a cut cell ends in ``...``: the table is printed and the other sinks published.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ionworks_toolkit.sinks._table import TableSink, _cut, _encodable
from rich.console import Console

RECORDS = [
    {"id": "m-1", "name": "Cycle at 25 °C, a name far too long for its column here", "notes": "ok"},
    {"id": "m-2", "name": "電池", "notes": "ok"},
]


def console(encoding: str) -> tuple[Console, io.BytesIO]:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, write_through=True)
    return Console(file=stream, width=40, color_system=None, legacy_windows=False), raw


def test_an_ascii_stream_gets_question_marks_and_three_dots() -> None:
    out, raw = console("ascii")
    sink = TableSink(console=out, columns=["name", "id"], max_rows=1)
    sink.write(RECORDS)
    sink.commit()
    assert raw.getvalue().decode("ascii").splitlines() == [
        "+--------------------------------------+",
        "| name                           | id  |",
        "|--------------------------------+-----|",
        "| Cycle at 25 ?C, a name far ... | m-1 |",
        "+--------------------------------------+",
        "... 1 more",
    ]
    assert sink.describe() == "printed 1 of 2 records (table:)"


def test_a_utf8_stream_keeps_the_characters_and_the_ellipsis() -> None:
    out, raw = console("utf-8")
    sink = TableSink(console=out, columns=["name", "id"], max_rows=1)
    sink.write(RECORDS)
    sink.commit()
    lines = raw.getvalue().decode("utf-8").splitlines()
    assert lines[3] == "│ Cycle at 25 °C, a name far to… │ m-1 │"
    assert lines[-1] == "… 1 more"


def test_encodable_and_cut() -> None:
    assert _encodable("ascii")("25 °C …") == "25 ?C ?"
    assert _encodable("ascii")("plain") == "plain"
    assert _encodable("no-such-codec")("é") == "?"
    assert _encodable("utf-8")("電池…") == "電池…"
    assert [_cut("abcdef", w) for w in (0, 2, 3, 4, 6, 7)] == [
        "", "..", "...", "a...", "abcdef", "abcdef",
    ]  # fmt: skip


@pytest.mark.sandbox
def test_the_cli_table_on_an_ascii_stdout_publishes_the_other_sink(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    environment["PYTHONIOENCODING"] = "ascii"
    environment["COLUMNS"] = "100"
    done = subprocess.run(
        [sys.executable, "-c", "from ionworks_toolkit._entry import main; main()",
         "--sandbox", "measurements", "list", "NASA PCoE Li-ion battery aging", "--all",
         "--sink", "table:", "--sink", "tt.jsonl"],
        cwd=tmp_path, env=environment, capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().splitlines()[-2:] == [
        "printed 34 of 34 records (table:)",
        "wrote 34 records to jsonl:tt.jsonl",
    ]
    table = done.stdout.decode("ascii").splitlines()
    assert (table[0][0], table[-1][0], len(table)) == ("+", "+", 34 + 4)
    assert len((tmp_path / "tt.jsonl").read_text().splitlines()) == 34
