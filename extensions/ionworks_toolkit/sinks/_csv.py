"""``csv:`` sink: the spec's columns, one fixed header, spreadsheet-safe cells, atomic file."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from typing import IO, Any

from .._codec import JsonReadyList
from ._base import (
    FileSink,
    OutputTarget,
    SinkTargetError,
    StreamOutput,
    StrPath,
    check_options,
    output_target,
)
from ._columns import RecordSchema, cell_text

__all__ = ["FORMULA_PREFIXES", "CsvSink", "make_csv_sink", "neutralise_formula"]

#: First characters that make a spreadsheet evaluate a cell (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``'`` + ``text`` when ``text`` starts with one of :data:`FORMULA_PREFIXES`, as OWASP
    recommends, so a spreadsheet shows the text instead of evaluating it; else ``text``."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class CsvSink(FileSink):
    """CSV with the columns of the run's :class:`RecordSchema` (see ``sinks._columns``): the
    header is the same for every run and page (declared fields as dotted columns, free-form
    objects and lists as one JSON column each, then ``extra_json``), written before the first
    row. Dates ``2016-03-01``; date-times UTC ``2024-01-01T07:42:00Z``; booleans
    ``true``/``false``; numbers via ``repr``; null -> empty cell.

    * Spreadsheet safety: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
      return gets a leading ``'`` (OWASP). Numbers in number/integer columns are numbers and are
      never changed (``-1.5`` stays ``-1.5``). ``formulas="keep"`` writes text as sent.
    * A NUL character (U+0000) in text is written as U+FFFD (a NUL byte ends the cell in
      spreadsheets and C programs), counted in :meth:`describe`, whatever ``formulas`` says.
    * Quoting follows the ``excel`` dialect (RFC 4180, ``\\r\\n`` rows, UTF-8 without BOM).
    * To a regular file: a temporary file beside it, fsynced, then ``os.replace``; ``abort()``
      deletes the temporary file and the previous CSV is untouched. To a stream (``csv:-``,
      a device, a FIFO): rows go out page by page, each page in one write (the header with
      the first); nothing can be taken back. A reader that leaves mid-page (``| head``)
      got the rows whose every byte went out before: those are counted as written.
    """

    applies_date_rule = True  # every record goes through record_schema's rule
    worker_thread_safe = True  # a regular file: its pages may go out from a worker thread

    def __init__(
        self,
        path: StrPath | None = None,
        *,
        label: str | None = None,
        target: OutputTarget | None = None,
        record_schema: RecordSchema | None = None,
        formulas: str = "escape",
        stream: IO[str] | None = None,
    ) -> None:
        if formulas not in FORMULA_MODES:
            raise SinkTargetError(_formulas_message(formulas))
        super().__init__(
            "csv", path, label=label, target=target, record_schema=record_schema, stream=stream
        )
        self.formulas = formulas
        #: NUL characters (U+0000) in text cells, written as U+FFFD.
        self.nul_replaced = 0
        self._writer: Any = None
        #: The rows the csv writer made since the last page went out, one text each
        #: (``csv.writer`` writes a row in one ``write`` call), the header first.
        self._pending: list[str] = []
        self._header_sent = False

    def _notes(self) -> str:
        n = self.nul_replaced
        nul = f"{n} NUL character{'' if n == 1 else 's'} written as U+FFFD" if n else ""
        return "; ".join(filter(None, (nul, super()._notes())))

    @property
    def columns(self) -> list[str]:
        """The header: the schema's columns, then ``extra_json``."""
        return self.record_schema.column_names

    def _csv_writer(self) -> Any:
        if self._writer is None:
            self._writer = csv.writer(_Rows(self._pending), dialect="excel")
            self._writer.writerow(self.columns)
        return self._writer

    def _send_pending(self) -> None:
        """The rows made so far to the output in ONE write, then flushed (a stream's page
        goes out now). When the reader leaves mid-write, the rows whose every byte the
        stream took count as written (:func:`whole_segments`; the header is no record)."""
        pending = self._pending
        if not pending:
            return
        header = 0 if self._header_sent else 1
        handle = self._out.open()
        start = self._out.delivered if isinstance(self._out, StreamOutput) else None
        segments = pending[:]
        pending.clear()  # the same list: the csv writer appends to it
        self._header_sent = True
        try:
            handle.write("".join(segments))
        except BaseException:  # the reader left, or Ctrl-C/SIGTERM: count the rows out
            self._count_cut_page(segments, start, header)
            raise
        self._flush_stream()

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        writer = self._csv_writer()
        schema, stats = self.record_schema, self.conversion
        escape = self.formulas == "escape"
        text_columns = {i for i, c in enumerate(schema.columns) if c.type in ("string", "json")} | {
            len(schema.columns)
        }
        ready = type(records) is JsonReadyList  # parsed by msgspec: no NaN/Infinity to scan for
        rows = []
        for record in records:
            cells = [cell_text(v) for v in schema.row(record, stats, json_ready=ready)]
            for i in text_columns:
                cell = cells[i]
                if cell:
                    if "\x00" in cell:  # a NUL ends a cell in spreadsheets and C readers
                        self.nul_replaced += cell.count("\x00")
                        cell = cells[i] = cell.replace("\x00", "\ufffd")
                    if escape:
                        cells[i] = neutralise_formula(cell)
            rows.append(["" if c is None else c for c in cells])
        writer.writerows(rows)  # into self._pending, one text per row
        self._send_pending()  # one write per page

    def _prepare(self) -> None:
        self._csv_writer()  # a run without records still gets its header
        self._send_pending()
        self._out.prepare()

    def _commit(self) -> None:
        self._out.publish()

    def _abort(self) -> None:
        self._writer = None
        self._pending.clear()
        self._out.discard()


class _Rows:
    """What the csv writer writes to: ``csv.writer`` makes one ``write`` call per row, so
    ``rows`` gets each row's text (line end included) as one item."""

    __slots__ = ("write",)

    def __init__(self, rows: list[str]) -> None:
        self.write = rows.append


FORMULA_MODES = ("escape", "keep")


def _formulas_message(value: str) -> str:
    return (
        f"option 'formulas' of sink 'csv' must be one of {', '.join(FORMULA_MODES)}: {value!r} "
        "(escape: a leading ' before =, +, -, @, tab, CR; keep: cells as sent)"
    )


def make_csv_sink(target: str, options: dict[str, str]) -> CsvSink:
    """Factory for ``csv:PATH[?formulas=escape|keep]`` and ``csv:-`` (stdout). A character
    device or FIFO is written as a stream; a directory, socket or block device is refused.

    :raises SinkTargetError: an unknown option or value, an empty or refused target, a missing
        directory.
    """
    check_options("csv", options, ("formulas",))
    formulas = options.get("formulas", "escape").lower()
    if formulas not in FORMULA_MODES:
        raise SinkTargetError(_formulas_message(formulas))
    return CsvSink(target=output_target("csv", target), label=f"csv:{target}", formulas=formulas)
