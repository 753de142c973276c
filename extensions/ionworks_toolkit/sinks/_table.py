"""``table:`` sink: a rich table on the terminal, printed at commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._base import BaseSink, SinkRecordError, SinkTargetError, check_options
from ._flatten import flatten_record, to_text

__all__ = ["DEFAULT_TABLE_COLUMNS", "TableSink", "make_table_sink"]

#: Columns shown for measurements, in this order, when present in the records.
DEFAULT_TABLE_COLUMNS: tuple[str, ...] = (
    "name",
    "measurement_type",
    "start_time",
    "specification.name",
    "instance.name",
    "test_setup.cycler",
    "test_setup.channel_number",
    "id",
)
FALLBACK_COLUMN_COUNT = 8
DEFAULT_MAX_ROWS = 200


class TableSink(BaseSink):
    """Print the records as a ``rich`` table when committed; nothing is printed on abort.

    Columns: ``columns`` if given, else those of :data:`DEFAULT_TABLE_COLUMNS` present in
    any record, else the first eight flattened keys seen. Only the first ``max_rows``
    records are kept in memory; if there were more, a footer ``… N more`` follows the table.
    Cell text is never interpreted as rich markup. ``rich`` is imported at commit.

    :param console: a ``rich.console.Console``; default: a new console on stdout.
    """

    def __init__(
        self,
        *,
        console: Any = None,
        max_rows: int = DEFAULT_MAX_ROWS,
        columns: Sequence[str] | None = None,
        label: str = "table:",
    ) -> None:
        super().__init__(label)
        if max_rows < 0:
            raise ValueError("max_rows must be >= 0")
        self.console = console
        self.max_rows = max_rows
        self.columns = list(columns) if columns else None
        self._rows: list[dict[str, Any]] = []
        self._seen: dict[str, None] = {}

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        for position, record in enumerate(records, start=self.records_written + 1):
            try:
                flat = flatten_record(record)
            except ValueError as exc:
                raise SinkRecordError(f"{self.label}: record #{position}: {exc}") from exc
            if len(self._seen) < 4096:  # bounded: only used to pick columns
                self._seen.update(dict.fromkeys(flat))
            if len(self._rows) < self.max_rows:
                self._rows.append(flat)

    def _pick_columns(self) -> list[str]:
        if self.columns:
            return self.columns
        present = [c for c in DEFAULT_TABLE_COLUMNS if c in self._seen]
        return present or list(self._seen)[:FALLBACK_COLUMN_COUNT]

    def _commit(self) -> None:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        console = self.console if self.console is not None else Console()
        if not self.records_written:
            console.print(Text("no records", style="dim"))
            return
        columns = self._pick_columns()
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in self._rows:
            table.add_row(*(Text(to_text(row.get(column))) for column in columns))
        console.print(table)
        hidden = self.records_written - len(self._rows)
        if hidden > 0:
            console.print(Text(f"… {hidden} more", style="dim"))
        self._rows = []

    def _abort(self) -> None:
        self._rows = []

    def describe(self) -> str:
        if self.state == "committed":
            shown = min(self.records_written, self.max_rows)
            return f"printed {shown} of {self.records_written} records (table:)"
        return super().describe()


def make_table_sink(target: str, options: dict[str, str]) -> TableSink:
    """Factory for ``table:[?max_rows=N&columns=a,b,c]`` (stdout).

    :raises SinkTargetError: a target after ``table:``, an unknown option, ``max_rows`` not
        a non-negative integer.
    """
    check_options("table", options, ("columns", "max_rows"))
    if target:
        raise SinkTargetError(
            f"sink 'table' prints to the terminal and takes no target: {target!r}"
        )
    raw = options.get("max_rows", str(DEFAULT_MAX_ROWS))
    try:
        max_rows = int(raw)
    except ValueError:
        max_rows = -1
    if max_rows < 0:
        raise SinkTargetError(f"option 'max_rows' of sink 'table' must be an integer >= 0: {raw!r}")
    columns = [c.strip() for c in options.get("columns", "").split(",") if c.strip()]
    return TableSink(max_rows=max_rows, columns=columns or None)
