"""``parquet:`` sink (extra ``parquet``): one file, typed columns from the spec."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import ModuleType
from typing import Any

from .._codec import JsonReadyList
from ..errors import not_utf8
from ._base import (
    AtomicFile,
    FileSink,
    OutputTarget,
    SinkDependencyError,
    SinkTargetError,
    StreamOutput,
    StrPath,
    check_options,
    install_hint,
    output_target,
)
from ._columns import ColumnType, RecordSchema

__all__ = [
    "ParquetSink",
    "arrow_schema",
    "arrow_type",
    "check_arrow_path",
    "make_parquet_sink",
    "preload_pyarrow",
    "record_batch",
]

#: ``check(records, rows)``: see :attr:`ParquetSink.check_rows`.
RowCheck = Callable[[Sequence[Mapping[str, Any]], list[list[Any]]], None]
COMPRESSIONS = ("brotli", "gzip", "lz4", "none", "snappy", "zstd")
INSTALL_HINT = install_hint("parquet", "pyarrow")


def check_arrow_path(label: str, path: str) -> None:
    """pyarrow opens a file or folder by its path as UTF-8 text only: a path holding a byte
    that is not UTF-8 (a name typed in a Latin-1 terminal or read from such a file, or a
    folder so named, surrogate-escaped by Python) failed the first write, after the walk,
    with a bare UnicodeEncodeError (FINDINGS8 H14). Checked when the sink is made, before
    any request.

    :raises SinkTargetError: naming the sink (``label``), the path and the byte.
    """
    what = not_utf8(path)
    if what is not None:
        raise SinkTargetError(
            f"{label}: the path {path!r} holds {what}; pyarrow writes to UTF-8 paths only: "
            "give a path that is UTF-8 text (csv:, jsonl: and sqlite: take any file name)"
        )


def _require_pyarrow() -> tuple[ModuleType, ModuleType]:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise SinkDependencyError(
            f"the parquet sink needs pyarrow, which is not installed: {INSTALL_HINT}"
        ) from exc
    return pyarrow, pyarrow.parquet


def preload_pyarrow() -> None:
    """Import what a Parquet sink imports when it is built and when it writes its first
    batch: pyarrow and its Parquet writer, then what pyarrow imports on its first
    ``pyarrow.array`` (pandas when it is installed: pyarrow checks whether a value is a
    pandas object; its pandas bridge, ``pyarrow.compute``). For a worker thread, so that an
    event loop never waits on these imports (several hundred ms: ``AsyncToolkit``'s
    exports). Without pyarrow it does nothing: the sink's factory says what to install."""
    try:
        pa, _ = _require_pyarrow()
    except SinkDependencyError:
        return
    pa.array([0])


def arrow_type(column_type: ColumnType) -> Any:
    """The Arrow type of a column type under the rule of ``sinks._columns``: ``string`` and
    ``json`` -> ``string``; ``integer`` -> ``int64``; ``number`` -> ``float64``; ``boolean`` ->
    ``bool``; ``date`` -> ``date32``; ``date-time`` -> ``timestamp[us, tz=UTC]``.

    :raises SinkDependencyError: pyarrow is missing.
    """
    pa, _ = _require_pyarrow()
    types = {
        "string": pa.string(),
        "json": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "date-time": pa.timestamp("us", tz="UTC"),
    }
    return types[column_type]


def arrow_schema(schema: RecordSchema) -> Any:
    """The ``pyarrow.Schema`` for ``schema.column_names`` (``extra_json`` is a string)."""
    pa, _ = _require_pyarrow()
    fields = [pa.field(c.name, arrow_type(c.type)) for c in schema.columns]
    return pa.schema([*fields, pa.field(schema.column_names[-1], pa.string())])


def record_batch(rows: Sequence[Sequence[Any]], schema: Any) -> Any:
    """A ``pyarrow.RecordBatch`` of ``schema`` (from :func:`arrow_schema`) holding ``rows``
    (from :meth:`RecordSchema.row`, aligned with its columns). Also used by
    ``ionworks_toolkit.frames`` (``Toolkit.to_arrow``), so a frame has the Parquet file's
    columns and types."""
    pa, _ = _require_pyarrow()
    arrays = [
        pa.array([row[index] for row in rows], type=schema.field(index).type)
        for index in range(len(schema))
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class ParquetSink(FileSink):
    """One Parquet file whose columns and types come from the run's :class:`RecordSchema`
    (never from the data): the same schema for every run, even when a page holds only nulls.
    See :func:`arrow_type`; free-form objects, lists and ``extra_json`` are JSON text.

    Rows are buffered ``batch_rows`` at a time (one row group each) and streamed through a
    ``pyarrow.parquet.ParquetWriter`` into a temporary file beside the target; ``commit()``
    writes the footer, fsyncs and replaces the target atomically. Memory depends on columns
    x ``batch_rows``, never on the record count. To a stream (``parquet:-``, a FIFO, a
    device) row groups go out as they fill and the footer at commit; an aborted stream is
    not a valid Parquet file.

    pyarrow is imported when the sink is created, not when the package is imported.

    :raises SinkDependencyError: pyarrow is missing (message: ``pip install
        "ionworks-toolkit[parquet]"``).
    """

    applies_date_rule = True  # every record goes through record_schema's rule

    batch_rows = 8192

    def __init__(
        self,
        path: StrPath | None = None,
        *,
        compression: str = "snappy",
        label: str | None = None,
        target: OutputTarget | None = None,
        record_schema: RecordSchema | None = None,
    ) -> None:
        pa_modules = _require_pyarrow()
        if target is None and path is None:
            raise SinkTargetError("the parquet sink needs a path or a target")
        super().__init__(
            "parquet", path, label=label, target=target, record_schema=record_schema, binary=True
        )
        if self.path is not None:
            check_arrow_path(self.label, str(self.path))
        self._pa, self._pq = pa_modules
        self.compression = compression
        self._writer: Any = None
        self._arrow: Any = None
        self._rows: list[list[Any]] = []
        #: Called with each page's records and their rows (aligned with the record schema's
        #: columns) before they are buffered; raising refuses the page (the ``dataset:`` sink
        #: checks its partition values so). ``None``: no check.
        self.check_rows: RowCheck | None = None

    @property
    def arrow_schema(self) -> Any:
        """The ``pyarrow.Schema`` written (from the spec, see :func:`arrow_schema`)."""
        return arrow_schema(self.record_schema)

    def _parquet_writer(self) -> Any:
        if self._writer is None:
            compression = None if self.compression == "none" else self.compression
            sink: Any
            if isinstance(self._out, AtomicFile):
                sink = self._out.close_handle()
            else:
                sink = self._out.open()
            self._arrow = self.arrow_schema
            self._writer = self._pq.ParquetWriter(sink, self._arrow, compression=compression)
        return self._writer

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        writer = self._parquet_writer()
        schema, stats = self.record_schema, self.conversion
        ready = type(records) is JsonReadyList  # parsed by msgspec: no NaN/Infinity to scan for
        rows = [schema.row(record, stats, json_ready=ready) for record in records]
        if self.check_rows is not None:
            self.check_rows(records, rows)
        self._rows.extend(rows)
        if len(self._rows) >= self.batch_rows:
            self._flush_rows(writer)

    def record_batches(self) -> Iterator[Any]:
        """Everything written so far as ``pyarrow.RecordBatch`` es of :attr:`arrow_schema`,
        ``batch_rows`` rows each, read back from the finished temporary file (constant memory;
        used by the ``dataset:`` sink, which never publishes this file). Finishes the file:
        only :meth:`abort` may follow. A run without records yields no batch."""
        if not isinstance(self._out, AtomicFile):
            raise SinkTargetError(f"{self.label}: a stream cannot be read back")
        writer = self._parquet_writer()
        self._flush_rows(writer)
        writer.close()
        self._writer = None
        self._out.prepare()
        assert self._out.tmp_path is not None
        yield from self._pq.ParquetFile(self._out.tmp_path).iter_batches(batch_size=self.batch_rows)

    def _flush_rows(self, writer: Any) -> None:
        rows, self._rows = self._rows, []
        if rows:
            writer.write_batch(record_batch(rows, self._arrow))
            self._flush_stream()

    def _prepare(self) -> None:
        writer = self._parquet_writer()  # a run without records still gets its schema
        self._flush_rows(writer)
        writer.close()  # the footer
        self._writer = None
        self._out.prepare()

    def _commit(self) -> None:
        self._out.publish()

    def _abort(self) -> None:
        self._rows = []
        writer, self._writer = self._writer, None
        if writer is not None and not self.streaming:
            with contextlib.suppress(Exception):  # the temporary file is deleted next
                writer.close()
        self._out.discard()

    def _reader_left(self) -> None:
        self._writer = None
        super()._reader_left()

    @property
    def streamed_detail(self) -> str | None:
        """What a stream that was not committed holds, for the run's outcome: its bytes
        without the footer, which is no readable Parquet file whatever records it was given
        (``100 bytes without the footer: not a readable Parquet file``; FINDINGS12 M5); None
        for a file target or a committed stream."""
        out = self._out
        if not isinstance(out, StreamOutput) or self.state == "committed" or not out.streamed:
            return None
        sent = f"{out.delivered} bytes" if out.delivered is not None else "part of the file"
        return f"{sent} without the footer: not a readable Parquet file"


def make_parquet_sink(target: str, options: dict[str, str]) -> ParquetSink:
    """Factory for ``parquet:PATH[?compression=snappy|zstd|gzip|brotli|lz4|none]`` and
    ``parquet:-`` (stdout). A character device or FIFO is written as a stream; a directory,
    socket or block device is refused.

    :raises SinkTargetError: an unknown option or compression, a missing path or directory, a
        refused target, stdout (or ``/dev/fd/N``) on a terminal: binary there garbles it.
    :raises SinkDependencyError: pyarrow is not installed.
    """
    check_options("parquet", options, ("compression",))
    compression = options.get("compression", "snappy").lower()
    if compression not in COMPRESSIONS:
        raise SinkTargetError(
            f"unknown parquet compression {compression!r}; allowed: {', '.join(COMPRESSIONS)}"
        )
    output = output_target("parquet", target)
    if _is_terminal(output):
        raise SinkTargetError(
            f"parquet:{target} would write binary Parquet to the terminal; redirect stdout "
            "(> out.parquet, | duckdb ...) or give a file path, e.g. parquet:out.parquet"
        )
    return ParquetSink(target=output, compression=compression, label=f"parquet:{target}")


def _is_terminal(output: OutputTarget) -> bool:
    """True when ``output`` is stdout or a descriptor (``/dev/fd/N``) on a terminal, as
    ``gzip`` and ``zstd`` check before writing binary there."""
    try:
        if output.kind == "stdout":
            return sys.stdout is not None and bool(sys.stdout.isatty())
        return output.fd is not None and os.isatty(output.fd)
    except (OSError, ValueError, AttributeError):  # closed or replaced streams
        return False
