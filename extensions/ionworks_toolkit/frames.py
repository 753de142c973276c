"""Measurements as typed data frames: ``Toolkit.to_arrow`` / ``to_pandas`` / ``to_polars`` (and
the same coroutines on ``AsyncToolkit``).

The frame has the columns and types of the ``parquet:`` sink, from the one column rule of
``ionworks_toolkit.sinks._columns`` (the item schema the overlaid spec declares for
``GET /cell_measurements/by-project/{project_id}``, never the data): declared fields flattened
into dotted columns (``specification.ratings.capacity.value``), date-times as
``timestamp[us, tz=UTC]``, dates as ``date32``, numbers as ``float64``, integers as ``int64``,
booleans as ``bool``, free-form objects and lists as JSON text, undeclared fields in
``extra_json``. It is built page by page: each page becomes one Arrow record batch (no file in
between); the table is those batches.

pandas: ``datetime64[us, UTC]`` for date-times, nullable ``Int64``/``boolean`` for integers and
booleans (a null stays null, never a float NaN). polars: ``polars.from_arrow``.

Extras: Arrow comes with ``[parquet]``; pandas with ``[pandas]``; polars with ``[polars]``.
A missing one raises :class:`MissingDependencyError` naming the ``pip install`` line.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from typing import Any

from ._codec import JsonReadyList
from .errors import MissingDependencyError
from .sinks._base import install_hint
from .sinks._columns import ConversionStats, measurements_schema
from .sinks._parquet import arrow_schema, record_batch

__all__ = [
    "arrow_table",
    "arrow_table_async",
    "pandas_frame",
    "polars_frame",
    "require_pandas",
    "require_polars",
]


def _require(module: str, extra: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        packages = ("pyarrow", module) if extra != "parquet" else (module,)
        raise MissingDependencyError(
            f"{what} needs {module}, which is not installed: {install_hint(extra, *packages)}"
        ) from exc


class _Builder:
    """Record batches of the measurements schema, one per page."""

    def __init__(self) -> None:
        self.pa = _require("pyarrow", "parquet", "to_arrow")
        self.schema = measurements_schema()
        self.arrow = arrow_schema(self.schema)
        self.stats = ConversionStats()
        self.batches: list[Any] = []

    def add(self, page: Sequence[Mapping[str, Any]]) -> None:
        ready = type(page) is JsonReadyList  # parsed by msgspec: no NaN/Infinity to scan for
        rows = [self.schema.row(record, self.stats, json_ready=ready) for record in page]
        if rows:
            self.batches.append(record_batch(rows, self.arrow))

    def table(self) -> Any:
        return self.pa.Table.from_batches(self.batches, schema=self.arrow)


def arrow_table(pages: Iterable[Sequence[Mapping[str, Any]]]) -> Any:
    """A ``pyarrow.Table`` of measurement records (``item.to_dict()`` dicts), one record batch
    per page. :raises MissingDependencyError: pyarrow is missing."""
    builder = _Builder()
    for page in pages:
        builder.add(page)
    return builder.table()


async def arrow_table_async(pages: AsyncIterable[Sequence[Mapping[str, Any]]]) -> Any:
    """:func:`arrow_table` over an async iterator of pages. pyarrow is imported (the first
    time, ~0.8 s) in a worker thread, not on the event loop, whose other tasks go on meanwhile
    (FINDINGS7 G26)."""
    builder = await asyncio.to_thread(_Builder)
    async for page in pages:
        builder.add(page)
    return builder.table()


def require_pandas() -> Any:
    """The pandas module. :raises MissingDependencyError: not installed (``[pandas]``)."""
    return _require("pandas", "pandas", "to_pandas")


def require_polars() -> Any:
    """The polars module. :raises MissingDependencyError: not installed (``[polars]``)."""
    return _require("polars", "polars", "to_polars")


def pandas_frame(table: Any) -> Any:
    """``table`` as a ``pandas.DataFrame``: date-times ``datetime64[us, UTC]``, integers
    ``Int64`` and booleans ``boolean`` (nullable), numbers ``float64``, text as pandas' text."""
    pd = require_pandas()
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(types_mapper=mapping.get)


def polars_frame(table: Any) -> Any:
    """``table`` as a ``polars.DataFrame`` (``polars.from_arrow``; types kept)."""
    pl = require_polars()
    return pl.from_arrow(table)
