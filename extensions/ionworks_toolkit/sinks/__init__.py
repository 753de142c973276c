"""Output sinks: where the records of a run go.

Public contract (ARCHITECTURE.md section 4): a :class:`Sink` is a context manager with
``write(records)`` once per page, then an explicit ``commit()``; a failed, interrupted or
uncommitted run aborts and leaves the previous output untouched. Sinks are created by
factories ``factory(target: str, options: dict[str, str]) -> Sink`` registered per scheme;
targets are written ``SCHEME:TARGET[?key=value&...]`` (see :func:`parse_sink_target`).

Built-in schemes (:data:`BUILTIN_SINKS`, described in :data:`BUILTIN_SINK_DESCRIPTIONS`):
``table``, ``jsonl``, ``csv``, ``sqlite``, ``parquet``, ``postgresql`` (alias ``postgres``),
``dataset``.

Columns and types come from the overlaid spec, by one rule for every sink: see
:mod:`ionworks_toolkit.sinks._columns` (:class:`RecordSchema`). Targets that are not regular
files (stdout, devices, FIFOs) are streamed, never replaced; see :func:`output_target`.

Importing this package imports only the standard library; ``rich``, ``pyarrow`` and
``psycopg`` are imported by the sinks that need them, when they are used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from ._base import (
    DEFAULT_SINK_SUFFIXES,
    STDOUT_NAMES,
    BaseSink,
    FileSink,
    OutputTarget,
    Sink,
    SinkDependencyError,
    SinkFactory,
    SinkRecordError,
    SinkStateError,
    SinkTarget,
    SinkTargetError,
    install_hint,
    output_target,
    parse_sink_target,
)
from ._columns import (
    EXTRA_COLUMN,
    Column,
    ColumnType,
    ConversionStats,
    RecordSchema,
    cell_text,
    format_instant,
    measurements_schema,
    projects_schema,
    record_schema,
    schema_for_item,
)
from ._csv import CsvSink, make_csv_sink
from ._dataset import DatasetSink, make_dataset_sink, preload_dataset
from ._flatten import flatten_record
from ._jsonl import JsonlSink, make_jsonl_sink
from ._parquet import ParquetSink, make_parquet_sink, preload_pyarrow
from ._postgres import PostgresSink, make_postgres_sink, preload_psycopg
from ._sqlite import SqliteSink, make_sqlite_sink
from ._table import TableSink, make_table_sink

__all__ = [
    "BUILTIN_SINKS",
    "BUILTIN_SINK_DESCRIPTIONS",
    "BUILTIN_SINK_PRELOADS",
    "DEFAULT_SINK_SUFFIXES",
    "EXTRA_COLUMN",
    "STDOUT_NAMES",
    "BaseSink",
    "Column",
    "ColumnType",
    "ConversionStats",
    "CsvSink",
    "DatasetSink",
    "FileSink",
    "JsonlSink",
    "OutputTarget",
    "ParquetSink",
    "PostgresSink",
    "RecordSchema",
    "Sink",
    "SinkDependencyError",
    "SinkFactory",
    "SinkRecordError",
    "SinkStateError",
    "SinkTarget",
    "SinkTargetError",
    "SqliteSink",
    "TableSink",
    "cell_text",
    "flatten_record",
    "format_instant",
    "install_hint",
    "measurements_schema",
    "open_sink",
    "output_target",
    "parse_sink_target",
    "projects_schema",
    "record_schema",
    "schema_for_item",
]

#: scheme -> factory for the built-in sinks (read-only; copy it to extend).
BUILTIN_SINKS: Mapping[str, SinkFactory] = MappingProxyType(
    {
        "table": make_table_sink,
        "jsonl": make_jsonl_sink,
        "csv": make_csv_sink,
        "sqlite": make_sqlite_sink,
        "parquet": make_parquet_sink,
        "postgresql": make_postgres_sink,
        "postgres": make_postgres_sink,
        "dataset": make_dataset_sink,
    }
)

#: factory -> what imports the modules its sink imports when it is built or first writes,
#: for the built-in factories that import more than the standard library (pyarrow, and
#: pandas through it, take several hundred ms): an async export runs these in a worker
#: thread before it opens its sinks, so that the event loop never waits on an import
#: (``AsyncToolkit``; importing this package imports none of them). Each does nothing for
#: a module that is not installed.
BUILTIN_SINK_PRELOADS: Mapping[SinkFactory, Callable[[], None]] = MappingProxyType(
    {
        make_parquet_sink: preload_pyarrow,
        make_dataset_sink: preload_dataset,
        make_postgres_sink: preload_psycopg,
    }
)

#: scheme -> one-line description, for ``ionworks-toolkit sinks list``.
BUILTIN_SINK_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "table": "rich table on the terminal (options: max_rows=200, columns=a,b,c)",
        "jsonl": "JSON Lines file, atomic; 'jsonl:-' streams to stdout",
        "csv": "CSV file, the spec's columns (dotted), formula cells escaped, atomic; "
        "'csv:-' streams to stdout (options: formulas=escape|keep)",
        "sqlite": "SQLite database, upsert by id in one transaction, full record as JSON "
        "(options: table=measurements, or the resource's name)",
        "parquet": "Parquet file, the spec's columns and types, atomic; needs the 'parquet' "
        "extra (options: compression=snappy)",
        "postgresql": "PostgreSQL table (postgresql://user@host:port/db), upsert by id in one "
        "transaction, password from PGPASSWORD/~/.pgpass; needs the 'postgres' extra "
        "(options: table=measurements, schema=public, lock_timeout=30, sslmode, service, "
        "connect_timeout)",
        "postgres": "same as postgresql",
        "dataset": "Hive-partitioned Parquet dataset in a folder or fsspec URL (s3://, gs://, "
        "memory://), replaced atomically per run; needs the 'dataset' extra "
        "(options: partition_by=a,b, format=parquet, compression=snappy)",
    }
)


def open_sink(text: str, factories: Mapping[str, SinkFactory] = BUILTIN_SINKS) -> Sink:
    """Parse ``text`` with :func:`parse_sink_target` against ``factories`` and call the
    matching factory with ``(target, options)``.

    :raises SinkTargetError: from parsing or from the factory's validation.
    :raises SinkDependencyError: the sink needs an optional dependency that is missing.
    """
    parsed = parse_sink_target(text, factories)
    return factories[parsed.scheme](parsed.target, dict(parsed.options))
