"""``csv:`` sink: flattened dotted columns, one header covering every page, atomic file."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ._base import (
    AtomicFile,
    BaseSink,
    check_options,
    close_quietly,
    iter_spool,
    open_spool,
    output_path,
    spool_rows,
)
from ._flatten import to_text

__all__ = ["CsvSink", "make_csv_sink"]


class CsvSink(BaseSink):
    """CSV, nested fields flattened to dotted columns (``specification.ratings.capacity.value``).

    * The header lists every column seen in any page, in first-seen order. Because a later
      page may bring new columns, rows are spooled until ``commit()``: each row is one JSON
      line holding its cells by column index (columns are only ever appended) in an
      anonymous temporary file beside the target. ``commit()`` streams the spool into the
      real CSV (a temporary file, fsynced, then ``os.replace``), so memory depends on the
      number of columns, never on the number of records.
    * Cells: missing or ``None`` -> empty; ``true``/``false``; numbers via ``repr``;
      lists as compact JSON text; strings as given. Quoting follows the ``excel`` dialect
      (RFC 4180, ``\\r\\n`` rows, UTF-8 without BOM), so commas, quotes, newlines and
      non-ASCII text round-trip through :mod:`csv`.
    * ``abort()`` deletes the spool and the temporary file; the previous CSV is untouched.

    :raises SinkRecordError: two fields of a record flatten to the same column.
    """

    def __init__(self, path: Path, *, label: str | None = None) -> None:
        super().__init__(label or f"csv:{path}")
        self.path = path
        self._columns: dict[str, int] = {}
        self._spool: IO[str] | None = None
        self._file = AtomicFile(path)

    @property
    def columns(self) -> list[str]:
        """Columns seen so far, in first-seen order (the header ``commit()`` writes)."""
        return list(self._columns)

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        if self._spool is None:
            self._spool = open_spool(self.path.parent)
        spool_rows(
            self._spool,
            records,
            self._columns,
            label=self.label,
            first_position=self.records_written + 1,
            cell=lambda _index, value: to_text(value),
        )

    def _commit(self) -> None:
        width = len(self._columns)
        out = self._file.open()
        writer = csv.writer(out, dialect="excel")
        if width:
            writer.writerow(self._columns)
        if self._spool is not None:
            for line in iter_spool(self._spool):
                cells = json.loads(line)
                if len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                writer.writerow("" if cell is None else cell for cell in cells)
        self._file.publish()
        close_quietly(self._spool)
        self._spool = None

    def _abort(self) -> None:
        close_quietly(self._spool)
        self._spool = None
        self._file.discard()


def make_csv_sink(target: str, options: dict[str, str]) -> CsvSink:
    """Factory for ``csv:PATH``. Takes no options.

    :raises SinkTargetError: an option was given, the path is empty or ``-``, or its
        directory does not exist.
    """
    check_options("csv", options, ())
    return CsvSink(output_path("csv", target), label=f"csv:{target}")
