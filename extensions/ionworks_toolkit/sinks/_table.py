"""``table:`` sink: a rich table on the terminal, printed at commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._numbers import integer_text
from ._base import (
    BaseSink,
    OutputTarget,
    SinkDependencyError,
    SinkRecordError,
    SinkTargetError,
    check_options,
    install_hint,
)
from ._columns import RecordSchema
from ._flatten import flatten_record, to_text

__all__ = ["DEFAULT_TABLE_COLUMNS", "TableSink", "make_table_sink", "printable", "stdout_console"]

#: Key columns for measurements, most important first. Without ``columns``, those present in
#: the records are shown from the left for as long as they fit the console width.
DEFAULT_TABLE_COLUMNS: tuple[str, ...] = (
    "name",
    "instance.name",
    "specification.name",
    "start_time",
    "measurement_type",
    "test_setup.cycler",
    "test_setup.channel_number",
    "id",
)
FALLBACK_COLUMN_COUNT = 8


def printable(text: str) -> str:
    """``text`` with every non-printable character (control characters, escape sequences,
    newlines, tabs) shown as its Python escape (``\\x1b``, ``\\n``), so server data can
    never move the cursor, recolour or clear the terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


DEFAULT_MAX_ROWS = 200
#: A default column is only added when at least this many characters of it (or all of it,
#: if shorter) fit beside the columns already chosen.
MIN_COLUMN_WIDTH = 12
#: ... and the first (most important) column, ``name``, this many.
FIRST_COLUMN_WIDTH = 40


def stdout_console(**kwargs: Any) -> Any:
    """A ``rich.console.Console`` on stdout whose closed pipe raises ``BrokenPipeError``.

    rich's own console answers a closed pipe (``... | head``) with ``SystemExit(1)``, which
    skips the caller's clean-up; this one lets the caller stop quietly like every other
    output. ``kwargs`` go to ``Console``.
    """
    import errno

    from rich.console import Console

    class _StdoutConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, "the reader of stdout went away")

    return _StdoutConsole(**kwargs)


def _natural_width(column: str, texts: Sequence[str]) -> int:
    """Characters a column needs to show its header and every cell on one line."""
    return max([len(column), *(len(text) for text in texts)])


def column_widths(natural: Sequence[int], available: int) -> list[int]:
    """Share ``available`` characters between columns, most important first.

    Each column first gets ``min(natural, MIN_COLUMN_WIDTH)`` (the first column up to
    :data:`FIRST_COLUMN_WIDTH`); what is left goes to the columns in order, each up to its
    ``natural`` width. When even those floors do not fit, every column gets an even share
    (water-filling: narrow columns get all they need). Every column gets at least 1.
    ``column_widths([22, 12, 34, 16], 64) == [22, 12, 18, 12]``.
    """
    floors = [
        min(width, FIRST_COLUMN_WIDTH if index == 0 else MIN_COLUMN_WIDTH)
        for index, width in enumerate(natural)
    ]
    if sum(floors) > available:
        widths = [0] * len(natural)
        remaining = max(available, len(natural))
        order = sorted(range(len(natural)), key=lambda i: natural[i])
        for done, index in enumerate(order):
            share = remaining // (len(natural) - done)
            widths[index] = max(1, min(natural[index], share))
            remaining -= widths[index]
        return widths
    widths = list(floors)
    remaining = available - sum(floors)
    for index, width in enumerate(natural):
        extra = min(width - widths[index], remaining)
        widths[index] += extra
        remaining -= extra
    return widths


def _named_with_hints(unknown: Sequence[str], known: Sequence[str]) -> str:
    """``'nmae' (did you mean name?); 'x'``: each unknown column with its closest names."""
    import difflib

    hints = []
    for column in unknown:
        close = difflib.get_close_matches(column, known, n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        hints.append(f"{column!r}{hint}")
    return "; ".join(hints)


#: How many column names a "no record has column" error lists at most.
MAX_LISTED_COLUMNS = 12


class TableSink(BaseSink):
    """Print the records as a ``rich`` table when committed; nothing is printed on abort.

    Columns: ``columns`` if given (in that order, each once); else those of
    :data:`DEFAULT_TABLE_COLUMNS` present in any record, from the left, for as long as each
    new one gets at least :data:`MIN_COLUMN_WIDTH` characters of the console width; else the
    first eight flattened keys seen. Every cell stays on one line: a value longer than its
    column ends in an ellipsis (``…``), so the table is never wider than the console (80
    columns when stdout is not a terminal). Only the first ``max_rows`` records are kept in
    memory; if there were more, a footer ``… N more`` follows the table. Cell text is never
    interpreted as rich markup, and control characters in server data are shown escaped
    (:func:`printable`). Shown values follow the sinks' date rule (UTC with ``Z``). ``rich``
    is imported at commit.

    :param console: a ``rich.console.Console``; default: :func:`stdout_console`.
    A requested column that no record has is shown empty, never an error (the run's other
    sinks are published): :meth:`describe` then names it (``column 'end_time' empty in every
    record``; a name that is not a declared column also gets the closest names seen).
    """

    applies_date_rule = True  # every record goes through record_schema's rule

    stages_output = True  # published only by its commit; an abort prints nothing
    keeps_previous_output = False  # the terminal: a failed run says "nothing written"

    def __init__(
        self,
        *,
        console: Any = None,
        max_rows: int = DEFAULT_MAX_ROWS,
        columns: Sequence[str] | None = None,
        label: str = "table:",
    ) -> None:
        super().__init__(label)
        if max_rows < 1:
            # 0 printed nothing and looked like an empty project (FINDINGS11 L8).
            raise ValueError(
                f"max_rows must be an integer >= 1 (the most rows printed): {max_rows!r}"
            )
        if console is None:
            # Checked when the sink is built, before any request (a vendored copy has no rich).
            try:
                import rich  # noqa: F401
            except ImportError as exc:
                raise SinkDependencyError(
                    f"sink 'table' needs rich: {install_hint(None, 'rich')}"
                ) from exc
        self.console = console
        #: Where the table goes: stdout for the default console (so ``csv:-`` with ``table:``
        #: is refused as two streams on stdout), ``None`` for a caller's own console.
        self.target = OutputTarget(None, True, "stdout") if console is None else None
        self.max_rows = max_rows
        # A column asked for twice is shown once (FINDINGS7 G16: --columns name,name).
        self.columns = list(dict.fromkeys(columns)) if columns else None
        self._rows: list[dict[str, Any]] = []
        self._seen: dict[str, None] = {}
        #: Set at commit: requested columns no record has (shown empty), for :meth:`describe`.
        self.note: str | None = None

    def bind_schema(self, schema: RecordSchema) -> None:
        """Use ``schema`` for this run, and check the requested ``columns`` against it now,
        before any request: each must be a declared column (``specification.name``) or a
        path inside a free-form JSON column (``test_setup.cycler``).

        :raises SinkTargetError: a column of neither kind, naming the closest columns.
        """
        super().bind_schema(schema)
        self.check_columns()

    def check_columns(self) -> None:
        """Check ``columns`` against the bound schema (see :meth:`bind_schema`)."""
        schema = self.record_schema
        declared = schema.column_names
        unknown = [c for c in self.columns or () if c not in declared and not schema.json_path(c)]
        if not unknown:
            return
        raise SinkTargetError(
            f"{self.label.rstrip(':')}: {schema.name} has no column "
            f"{_named_with_hints(unknown, declared)}; give "
            "declared columns (`ionworks-toolkit measurements list --help`, README 'Columns "
            "and types') or paths inside a JSON column such as test_setup.cycler"
        )

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        for position, record in enumerate(records, start=self.records_written + 1):
            keep = len(self._rows) < self.max_rows
            if not keep and len(self._seen) >= 4096:
                continue
            try:
                # Shown rows follow the sinks' date rule (UTC with Z, NaN as empty).
                shown = self.record_schema.json_record(record, self.conversion) if keep else record
                flat = flatten_record(shown)
            except ValueError as exc:
                raise SinkRecordError(f"{self.label}: record #{position}: {exc}") from exc
            if len(self._seen) < 4096:  # bounded: only used to pick columns
                self._seen.update(dict.fromkeys(flat))
            if keep:
                self._rows.append(flat)

    def _empty_columns_note(self, columns: Sequence[str]) -> str | None:
        """The note :meth:`describe` adds for requested ``columns`` that no record has (they
        are shown empty; a display never fails the run's other sinks): a declared column is
        merely empty (``end_time`` in a project that records none); any other name (a path
        inside a free-form JSON column, known only from the records) is named with the
        closest names and the columns seen."""
        unknown = [column for column in columns if column not in self._seen]
        if not unknown:
            return None
        declared = set(self.record_schema.column_names)
        empty = [c for c in unknown if c in declared]
        unseen = [c for c in unknown if c not in declared]
        notes = []
        if empty:
            names = ", ".join(repr(c) for c in empty)
            notes.append(f"column {names} empty in every record")
        if unseen:
            seen = list(self._seen)
            # A path into a free-form JSON column (test_setup.cyclr): list the keys seen
            # under that column, not every column (thousands of characters).
            heads = sorted({c.split(".")[0] for c in unseen if "." in c})
            under = [c for c in seen if "." in c and c.split(".")[0] in heads]
            listed, what = (
                (under, f"columns under {', '.join(heads)}") if under else (seen, "columns")
            )
            more = f", ... ({len(listed)} in all)" if len(listed) > MAX_LISTED_COLUMNS else ""
            notes.append(
                f"no record has column {_named_with_hints(unseen, seen)}, shown empty; "
                f"{what}: {', '.join(listed[:MAX_LISTED_COLUMNS])}{more}"
            )
        return "; ".join(notes)

    def _pick_columns(self, cells: Mapping[str, list[str]], width: int) -> list[str]:
        """The requested columns; else the key columns with a value in some shown row, from
        the left, while each gets :data:`MIN_COLUMN_WIDTH` characters (the first
        :data:`FIRST_COLUMN_WIDTH`); else the first keys."""
        if self.columns:
            return self.columns
        present = [c for c in DEFAULT_TABLE_COLUMNS if any(cells.get(c, ()))]
        if not present:
            return list(self._seen)[:FALLBACK_COLUMN_COUNT]
        chosen: list[str] = []
        used = 1  # the table's left border
        for column in present:
            floor = FIRST_COLUMN_WIDTH if not chosen else MIN_COLUMN_WIDTH
            need = min(_natural_width(column, cells[column]), floor) + 3  # padding, border
            if chosen and used + need > width:
                continue
            chosen.append(column)
            used += need
        return chosen

    def _commit(self) -> None:
        from rich.table import Table
        from rich.text import Text

        console = self.console if self.console is not None else stdout_console()
        if not self.records_written:
            console.print(Text("no records", style="dim"))
            return
        if self.columns:
            self.note = self._empty_columns_note(self.columns)
        # What stdout cannot encode (an ASCII console, PYTHONIOENCODING=ascii) is shown as
        # "?" and the ellipsis as "...": a display never fails the run's other sinks.
        encoding = getattr(console, "encoding", "utf-8") or "utf-8"
        shown = _encodable(encoding)
        ellipsis = shown("…")
        candidates = self.columns or [c for c in DEFAULT_TABLE_COLUMNS if c in self._seen]
        cells = {
            c: [shown(printable(to_text(row.get(c)))) for row in self._rows] for c in candidates
        }
        columns = self._pick_columns(cells, console.width)
        cells.update(
            {c: [shown(printable(to_text(row.get(c)))) for row in self._rows] for c in columns}
        )
        widths = column_widths(
            [_natural_width(c, cells[c]) for c in columns], console.width - 1 - 3 * len(columns)
        )
        cut = _cut if ellipsis != "…" else lambda text, width: text
        table = Table(show_lines=False)
        for column, column_width in zip(columns, widths, strict=True):
            table.add_column(
                Text(cut(shown(printable(column)), column_width)),
                width=column_width,
                no_wrap=True,
                overflow="ellipsis" if ellipsis == "…" else "crop",
            )
        for position in range(len(self._rows)):
            table.add_row(
                *(
                    Text(cut(cells[column][position], width))
                    for column, width in zip(columns, widths, strict=True)
                )
            )
        console.print(table)
        hidden = self.records_written - len(self._rows)
        if hidden > 0:
            console.print(Text(f"{'…' if ellipsis == '…' else '...'} {hidden} more", style="dim"))
        self._rows = []

    def _abort(self) -> None:
        self._rows = []

    def describe(self) -> str:
        if self.state == "committed":
            shown = min(self.records_written, self.max_rows)
            note = f"; {self.note}" if self.note else ""
            return f"printed {shown} of {self.records_written} records (table:{note})"
        return super().describe()


def _encodable(encoding: str) -> Callable[[str], str]:
    """``text`` as a stream of ``encoding`` can show it: unchanged when it encodes, else
    each character it cannot hold as ``?`` (``…`` becomes ``?`` too: see ``_cut``)."""

    def shown(text: str) -> str:
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            return text.encode(encoding, "replace").decode(encoding)
        except LookupError:  # an encoding Python does not know: ASCII is safe
            return text.encode("ascii", "replace").decode("ascii")
        return text

    return shown


def _cut(text: str, width: int) -> str:
    """``text`` in ``width`` characters, ending in ``...`` when cut (the ellipsis of a
    stream that cannot encode ``…``)."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 3)] + "..."[: min(3, width)]


def make_table_sink(target: str, options: dict[str, str]) -> TableSink:
    """Factory for ``table:[?max_rows=N&columns=a,b,c]`` (stdout).

    :raises SinkTargetError: a target after ``table:``, an unknown option, ``max_rows`` not
        an integer >= 1 (0 would print nothing and look like an empty project: FINDINGS11 L8).
    """
    check_options("table", options, ("columns", "max_rows"))
    if target:
        raise SinkTargetError(
            f"sink 'table' prints to the terminal and takes no target: {target!r}"
        )
    raw = options.get("max_rows", str(DEFAULT_MAX_ROWS))
    try:
        max_rows = integer_text(raw)
    except ValueError:
        max_rows = -1
    if max_rows < 1:
        raise SinkTargetError(
            f"option 'max_rows' of sink 'table' must be an integer >= 1 (the most rows "
            f"printed; default {DEFAULT_MAX_ROWS}): {raw!r}"
        )
    columns = [c.strip() for c in options.get("columns", "").split(",") if c.strip()]
    return TableSink(max_rows=max_rows, columns=columns or None)
