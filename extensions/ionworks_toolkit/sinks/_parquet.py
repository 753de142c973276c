"""``parquet:`` sink (extra ``parquet``): one file, one schema unified over every page."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from ._base import (
    AtomicFile,
    BaseSink,
    SinkDependencyError,
    SinkTargetError,
    check_options,
    close_quietly,
    iter_spool,
    open_spool,
    output_path,
    spool_rows,
)
from ._flatten import Kind, dumps, kind_of, to_text

__all__ = ["ParquetSink", "make_parquet_sink", "unify_kinds"]

COMPRESSIONS = ("brotli", "gzip", "lz4", "none", "snappy", "zstd")
INSTALL_HINT = 'pip install "ionworks-toolkit[parquet]"'

ArrowType = str  # "string" | "bool" | "int64" | "float64": resolved to pyarrow types at commit


def unify_kinds(kinds: set[Kind]) -> ArrowType:
    """The Arrow type for a column given the kinds of value seen in it over the whole run.

    Nulls are ignored; only booleans -> ``bool``; only integers (within 64 bits) -> ``int64``;
    integers and floats, or floats -> ``float64``; anything else (text, lists/dicts,
    integers beyond 64 bits, mixed kinds) -> ``string``; a column that is null everywhere
    -> ``string``.
    """
    seen = kinds - {"null"}
    if not seen:
        return "string"
    if seen == {"bool"}:
        return "bool"
    if seen == {"int"}:
        return "int64"
    if seen <= {"int", "float"}:
        return "float64"
    return "string"


def _require_pyarrow() -> tuple[ModuleType, ModuleType]:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise SinkDependencyError(
            f"the parquet sink needs pyarrow, which is not installed: {INSTALL_HINT}"
        ) from exc
    return pyarrow, pyarrow.parquet


class ParquetSink(BaseSink):
    """One Parquet file with flattened dotted columns (like the CSV sink) and ONE schema.

    The schema of the first page may be wrong (a field null everywhere at first, an integer
    field that later holds 2.5), so rows are spooled, as JSON lines of cells by column
    index, to an anonymous temporary file beside the target while per-column type evidence
    is tracked (see :func:`unify_kinds`; lists/dicts are stored as JSON text). ``commit()``
    streams the spool in batches of ``batch_rows`` rows (one row group each) through a
    ``pyarrow.parquet.ParquetWriter`` into a temporary file, fsyncs it and replaces the
    target atomically. Memory depends on columns x ``batch_rows``, never on the record count.
    Columns appear in first-seen order. Values are kept exactly (integers become float64
    only when the column also holds floats); datetimes stay ISO strings.

    pyarrow is imported when the sink is created, not when the package is imported.

    :raises SinkDependencyError: pyarrow is missing (message: ``pip install
        "ionworks-toolkit[parquet]"``).
    :raises SinkRecordError: two fields of a record flatten to the same column.
    """

    batch_rows = 8192

    def __init__(
        self, path: Path, *, compression: str = "snappy", label: str | None = None
    ) -> None:
        super().__init__(label or f"parquet:{path}")
        self._pa, self._pq = _require_pyarrow()
        self.path = path
        self.compression = compression
        self._columns: dict[str, int] = {}
        self._kinds: list[set[Kind]] = []
        self._spool: IO[str] | None = None
        self._file = AtomicFile(path, binary=True)

    @property
    def schema(self) -> Any:
        """The unified ``pyarrow.Schema`` for the rows written so far."""
        pa = self._pa
        types = {
            "string": pa.string(),
            "bool": pa.bool_(),
            "int64": pa.int64(),
            "float64": pa.float64(),
        }
        return pa.schema(
            [
                pa.field(name, types[unify_kinds(self._kinds[i])])
                for name, i in self._columns.items()
            ]
        )

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        if self._spool is None:
            self._spool = open_spool(self.path.parent)
        kinds = self._kinds

        def cell(index: int, value: Any) -> Any:
            # Record every kind of value a column holds: the schema is unified at commit.
            while len(kinds) <= index:
                kinds.append(set())
            kind = kind_of(value)
            kinds[index].add(kind)
            return dumps(value) if kind == "json" else value

        spool_rows(
            self._spool,
            records,
            self._columns,
            label=self.label,
            first_position=self.records_written + 1,
            cell=cell,
        )

    def record_batches(self) -> Iterator[Any]:
        """The spooled rows as ``pyarrow.RecordBatch`` es of :attr:`schema`, ``batch_rows``
        rows each, streamed from the spool (also used by the ``dataset:`` sink). A run
        without columns yields one empty batch."""
        schema = self.schema
        converters = [_converter(unify_kinds(k)) for k in self._kinds]
        width = len(converters)
        batch: list[list[Any]] = []
        for line in iter_spool(self._spool) if self._spool is not None else ():
            batch.append(json.loads(line))
            if len(batch) >= self.batch_rows:
                yield self._record_batch(batch, schema, converters, width)
                batch = []
        if batch or width == 0:
            yield self._record_batch(batch, schema, converters, width)

    def _commit(self) -> None:
        tmp = self._file.close_handle()
        compression = None if self.compression == "none" else self.compression
        with self._pq.ParquetWriter(tmp, self.schema, compression=compression) as writer:
            for batch in self.record_batches():
                writer.write_batch(batch)
        self._file.publish()
        close_quietly(self._spool)
        self._spool = None

    def _record_batch(
        self, rows: list[list[Any]], schema: Any, converters: list[Any], width: int
    ) -> Any:
        pa = self._pa
        arrays = []
        for index in range(width):
            convert = converters[index]
            values = [
                convert(row[index]) if index < len(row) and row[index] is not None else None
                for row in rows
            ]
            arrays.append(pa.array(values, type=schema.field(index).type))
        if width == 0:
            return pa.RecordBatch.from_pydict({}, schema=schema)
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    def _abort(self) -> None:
        close_quietly(self._spool)
        self._spool = None
        self._file.discard()


def _converter(arrow_type: ArrowType) -> Any:
    if arrow_type == "string":
        return to_text  # text as is; numbers/booleans as their JSON text
    if arrow_type == "float64":
        return float
    return _identity


def _identity(value: Any) -> Any:
    return value


def make_parquet_sink(target: str, options: dict[str, str]) -> ParquetSink:
    """Factory for ``parquet:PATH[?compression=snappy|zstd|gzip|brotli|lz4|none]``.

    :raises SinkTargetError: an unknown option or compression, a missing path or directory.
    :raises SinkDependencyError: pyarrow is not installed.
    """
    check_options("parquet", options, ("compression",))
    compression = options.get("compression", "snappy").lower()
    if compression not in COMPRESSIONS:
        raise SinkTargetError(
            f"unknown parquet compression {compression!r}; allowed: {', '.join(COMPRESSIONS)}"
        )
    return ParquetSink(
        output_path("parquet", target), compression=compression, label=f"parquet:{target}"
    )
