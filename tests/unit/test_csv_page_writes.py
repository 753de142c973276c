"""``csv:-`` sends each page in ONE write (it made one per row), and still counts exactly which
whole rows reached a pipe whose reader left mid-page (``whole_segments``: a row is one piece,
even when a quoted cell holds line breaks). The header is never counted as a record."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from ionworks_toolkit.sinks import open_sink
from ionworks_toolkit.sinks._base import whole_segments

RECORDS = [
    {"id": "m-1", "name": "電池 one"},  # multi-byte: the count is of bytes
    {"id": "m-2", "name": "two lines\nin one cell"},  # a quoted cell with a line break
    {"id": "m-3", "name": "three"},
]
MORE = [{"id": "m-4", "name": "four"}, {"id": "m-5", "name": "five\r\nsix"}]


class Pipe:
    """A descriptor taking ``accept`` bytes in all (then BrokenPipeError), recording each
    ``write`` call's bytes."""

    def __init__(self, accept: int = 10**9) -> None:
        self.calls: list[bytes] = []
        self.left = accept

    def write(self, data: Any) -> int:
        if self.left <= 0:
            raise BrokenPipeError(32, "Broken pipe")
        taken = bytes(data[: self.left])
        self.calls.append(taken)
        self.left -= len(taken)
        return len(taken)

    def flush(self) -> None:
        pass


class Stdout:
    def __init__(self, pipe: Pipe) -> None:
        self.buffer = io.BytesIO()
        self.buffer.raw = pipe  # type: ignore[attr-defined]

    def flush(self) -> None:
        pass


def rows_bytes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Header, then one item per record of RECORDS and MORE, as csv:- writes them (one record
    per page here, so each write call is one row)."""
    header = Pipe()
    sink = sink_on(monkeypatch, header)
    sink.write([])
    sink.commit()
    rows = Pipe()
    sink = sink_on(monkeypatch, rows)
    for record in RECORDS + MORE:
        sink.write([record])
    sink.commit()
    assert rows.calls[0].startswith(header.calls[0])
    pieces = [header.calls[0], rows.calls[0][len(header.calls[0]) :], *rows.calls[1:]]
    assert len(pieces) == 6 and b"\n" in pieces[2] and b"\r\n" in pieces[5][:-2]
    return pieces


def sink_on(monkeypatch: pytest.MonkeyPatch, pipe: Pipe) -> Any:
    monkeypatch.setattr(sys, "stdout", Stdout(pipe))
    return open_sink("csv:-")


def test_one_write_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = rows_bytes(monkeypatch)
    pipe = Pipe()
    sink = sink_on(monkeypatch, pipe)
    sink.write(RECORDS)
    assert pipe.calls == [b"".join(pieces[:4])]  # the header goes with the first page
    sink.write(MORE)
    assert pipe.calls[1:] == [b"".join(pieces[4:])]
    sink.commit()
    assert len(pipe.calls) == 2  # nothing left for the commit
    assert sink.describe() == "wrote 5 records to csv:-"
    assert sink._out.writes == 2


def test_a_run_without_records_writes_the_header_once(monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = rows_bytes(monkeypatch)
    pipe = Pipe()
    sink = sink_on(monkeypatch, pipe)
    sink.write([])
    sink.commit()
    assert pipe.calls == [pieces[0]]


@pytest.mark.parametrize(
    ("cut", "written"),
    [
        (lambda p: 0, 0),
        (lambda p: len(p[0]) - 1, 0),  # inside the header
        (lambda p: len(p[0]), 0),  # the header alone
        (lambda p: len(p[0]) + len(p[1]) - 1, 0),
        (lambda p: len(p[0]) + len(p[1]), 1),
        (lambda p: len(p[0]) + len(p[1]) + p[2].index(b"\n") + 1, 1),  # past the cell's break
        (lambda p: sum(map(len, p[:3])), 2),
        (lambda p: sum(map(len, p[:4])) - 1, 2),
    ],
)
def test_a_reader_leaving_mid_page_gets_the_whole_rows_counted(
    monkeypatch: pytest.MonkeyPatch, cut: Any, written: int
) -> None:
    pieces = rows_bytes(monkeypatch)
    accept = cut(pieces)
    pipe = Pipe(accept)
    sink = sink_on(monkeypatch, pipe)
    sink.write(RECORDS)
    sink.write(MORE)  # dropped: the reader has gone
    assert (sink.reader_gone, sink.records_written, sink.records_dropped) == (
        True,
        written,
        5 - written,
    )
    assert b"".join(pipe.calls) == b"".join(pieces)[:accept]
    sink.commit()
    record = "record" if written == 1 else "records"
    assert sink.describe() == (
        f"stopped writing to csv:-: its reader closed the pipe after {written} {record}; "
        f"{5 - written} records not written there"
    )


@pytest.mark.parametrize(("extra", "written"), [(0, 3), (len(b"m-4,four"), 3), (None, 4)])
def test_the_second_page_counts_no_header(
    monkeypatch: pytest.MonkeyPatch, extra: int | None, written: int
) -> None:
    pieces = rows_bytes(monkeypatch)
    first = sum(map(len, pieces[:4]))
    pipe = Pipe(first + (len(pieces[4]) if extra is None else extra))
    sink = sink_on(monkeypatch, pipe)
    sink.write(RECORDS)
    sink.write(MORE)
    assert (sink.records_written, sink.records_dropped) == (written, 5 - written)


def test_an_aborted_file_sink_forgets_rows_not_yet_sent(tmp_path: Any) -> None:
    sink: Any = open_sink(f"csv:{tmp_path}/o.csv")
    sink._csv_writer().writerow(["half"])  # made, not yet sent
    sink.abort()
    assert sink._pending == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("taken", "whole"),
    [(-1, 0), (0, 0), (2, 0), (3, 1), (5, 1), (6, 2), (7, 2), (8, 3), (100, 3)],
)
def test_whole_segments_counts_utf8_bytes(taken: int, whole: int) -> None:
    segments = ["ab\n", "é\n", "\n\n"]  # 3, 3 and 2 bytes; a segment may hold line breaks
    assert whole_segments(segments, taken) == whole


def test_whole_segments_of_nothing() -> None:
    assert whole_segments([], 10) == 0
    assert whole_segments(["", "x"], 0) == 1  # an empty segment is whole at once
