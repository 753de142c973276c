"""FINDINGS11 L3: a stream output (stdout redirected to a file) that fails part-way with an
error other than a closed pipe (``ulimit -f``: EFBIG; a full disk: ENOSPC) said "already
streamed" with the records of the pages before it only (0 when 283 records were written)."""

from __future__ import annotations

import errno
import io

import pytest
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import CsvSink, JsonlSink


class SizeLimitedFile(io.RawIOBase):
    """A file that takes ``limit`` bytes, then refuses with ``error`` (as a write past
    ``ulimit -f`` does: the write that reaches the limit is short, the next one fails)."""

    def __init__(self, limit: int, error: int) -> None:
        self.data = bytearray()
        self.limit = limit
        self.error = error

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        room = self.limit - len(self.data)
        if room <= 0:
            raise OSError(self.error, "File too large" if self.error == errno.EFBIG else "full")
        taken = bytes(data[:room])
        self.data += taken
        return len(taken)


def stream_of(limit: int, error: int) -> tuple[io.TextIOWrapper, SizeLimitedFile]:
    raw = SizeLimitedFile(limit, error)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8"), raw


RECORDS = [{"id": f"m-{i}", "name": f"cell {i}"} for i in range(6)]
LINE = len('{"id":"m-0","name":"cell 0"}\n')  # every line has this length


@pytest.mark.parametrize("error", [errno.EFBIG, errno.ENOSPC])
def test_a_stream_failing_mid_page_counts_the_records_that_went_out(error: int) -> None:
    stream, raw = stream_of(4 * LINE + 5, error)  # page 1 (3 records), then 1 and a bit more
    sink = JsonlSink(stream=stream)
    sink.write(RECORDS[:3])
    with pytest.raises(OSError) as info:
        sink.write(RECORDS[3:])
    assert info.value.errno == error
    sink.abort()
    assert sink.records_written == 4
    assert sink.cut_record is True
    assert bytes(raw.data).decode().splitlines()[:4] == [
        '{"id":"m-0","name":"cell 0"}',
        '{"id":"m-1","name":"cell 1"}',
        '{"id":"m-2","name":"cell 2"}',
        '{"id":"m-3","name":"cell 3"}',
    ]
    assert sink_outcome([("jsonl:-", sink)], name_rolled_back=True) == (
        "already streamed: jsonl:- (4 records and part of record 5, cannot be taken back)"
    )


def test_a_stream_failing_in_its_first_page_counts_what_went_out() -> None:
    """The finding's first case: the limit reached inside the first page said 0 records."""
    stream, _ = stream_of(2 * LINE, errno.EFBIG)
    sink = JsonlSink(stream=stream)
    with pytest.raises(OSError):
        sink.write(RECORDS)
    sink.abort()
    assert (sink.records_written, sink.cut_record) == (2, False)
    assert sink_outcome([("jsonl:-", sink)], name_rolled_back=True) == (
        "already streamed: jsonl:- (2 records, cannot be taken back)"
    )


def test_a_csv_stream_failing_mid_page_counts_rows_not_the_header() -> None:
    whole = io.StringIO()
    unlimited = CsvSink(stream=whole)
    unlimited.write(RECORDS)
    unlimited.commit()
    lines = whole.getvalue().encode().splitlines(keepends=True)
    assert len(lines) == 7  # the header, then one row per record
    stream, _ = stream_of(sum(map(len, lines[:5])) + 1, errno.EFBIG)  # header, 4 rows, a byte
    sink = CsvSink(stream=stream)
    sink.write(RECORDS[:3])
    with pytest.raises(OSError):
        sink.write(RECORDS[3:])
    sink.abort()
    assert (sink.records_written, sink.cut_record) == (4, True)


def test_a_parquet_stream_cut_part_way_is_already_streamed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FINDINGS12 M5: ``parquet:-`` to a file past ``ulimit -f`` left 8192 bytes starting with
    ``PAR1`` there, and the outcome said "nothing written (no previous output to keep)"."""
    pytest.importorskip("pyarrow")
    from ionworks_toolkit.sinks import open_sink

    stream, raw = stream_of(100, errno.EFBIG)
    monkeypatch.setattr("sys.stdout", stream)
    sink = open_sink("parquet:-")
    sink.write(RECORDS)
    with pytest.raises(OSError) as info:
        sink.commit()  # the row group and the footer go out: 100 bytes taken, then EFBIG
    assert info.value.errno == errno.EFBIG
    sink.abort()
    assert bytes(raw.data[:4]) == b"PAR1"
    assert len(raw.data) == 100
    assert sink_outcome([("parquet:-", sink)], name_rolled_back=True) == (
        "already streamed: parquet:- (100 bytes without the footer: not a readable Parquet "
        "file, cannot be taken back)"
    )
