"""Columns and types from the overlaid OpenAPI spec: ONE rule for every sink.

Every tabular sink (``csv:``, ``sqlite:``, ``parquet:``; the PostgreSQL sink and the data-frame
helpers reuse this module) lays a record out with a :class:`RecordSchema` compiled from the
item schema that the overlaid spec (``ionworks_client/openapi.json``) declares for the
resource, never from the data. The JSON Lines sink and every JSON column use
:meth:`RecordSchema.json_record`, which applies the same date and date-time rule.

The rule (also in the README, section "Sinks"):

* **Columns.** A declared property is one column named by its dotted path
  (``specification.ratings.capacity.value``). A declared object WITH declared
  ``properties`` is flattened into its properties. A free-form object (a schema with
  ``additionalProperties`` and no ``properties``, e.g. ``properties``, ``file_metadata``,
  ``protocol``, ``test_setup``, ``instance.measured_properties``), an array, an empty schema
  ``{}`` and a union of several non-null types are ONE column holding the value as compact JSON
  text. Columns come in the order the spec declares them (``allOf`` parts in order), then
  :data:`EXTRA_COLUMN`.
* **Extra fields.** A field the spec does not declare (a newer server's addition), and a value
  that does not fit its declared type, go into :data:`EXTRA_COLUMN` (``extra_json``): one JSON
  object holding them at their nested position (``{"instance": {"new_field": 1}}``), ``NULL``
  when there are none. Nothing the server sends is dropped; the column set never changes.
* **Types** (:data:`ColumnType`): ``string`` -> text; ``integer`` -> 64-bit integer (an
  integral float such as ``3.0`` is accepted as ``3``); ``number`` -> float (an integer becomes
  a float); ``boolean`` -> boolean (never 0/1 text); ``date`` (``format: date``) -> a calendar
  date, ``2016-03-01``, never a date-time; ``date-time`` (``format: date-time``) -> an instant
  in UTC: text ``2024-01-01T07:42:00Z`` (microseconds kept when present), Parquet
  ``timestamp[us, tz=UTC]``. A date-time without an offset is taken as UTC (the API's
  timestamps are UTC); a bare date in a date-time field is midnight UTC of that day; ``z``
  is UTC like ``Z``. Date-times are read by the generated models' reader
  (``ionworks_client.types.parse_datetime``), so a model and every sink agree on which texts
  are instants: a text finer than a microsecond (``.1234567Z``, .NET's seven digits; digits
  past the sixth that are zeros do not count) is no instant any column holds exactly, so it
  is kept as sent, like a text that does not parse: ``extra_json`` in the tabular sinks
  (counted), unchanged in JSON Lines and JSON columns.
  ``json`` -> compact JSON text. ``null`` stays null in every type.
* **Valid JSON.** NaN and +-Infinity (Python's ``json`` reads them from a server) become
  ``null``, in number columns, in JSON columns and in JSON Lines; each one is counted in
  :class:`ConversionStats` and reported in the run's summary.

Public API: :class:`Column`, :class:`RecordSchema` (``columns``, ``column_names``, ``row``,
``json_record``), :class:`ConversionStats`, :func:`record_schema` (from any JSON schema),
:func:`schema_for_item`, :func:`measurements_schema`, :func:`projects_schema`,
:func:`format_instant` / :func:`cell_text` (the text forms), :func:`parse_instant` (the
one reader of date-times as instants), :data:`EXTRA_COLUMN`.
Only the standard library is imported here; the generated client's date-time reader at the
first date-time (importing the client imports httpx, which the sinks alone never need).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

from ._flatten import dumps, json_bytes, json_default

__all__ = [
    "EXTRA_COLUMN",
    "Column",
    "ColumnType",
    "ConversionStats",
    "RecordSchema",
    "cell_text",
    "format_instant",
    "measurements_schema",
    "multi_project_measurements_schema",
    "parse_instant",
    "projects_schema",
    "record_schema",
    "schema_for_item",
]

ColumnType = Literal["string", "integer", "number", "boolean", "date", "date-time", "json"]

#: Name of the column holding undeclared fields and values of the wrong type (JSON or NULL).
EXTRA_COLUMN = "extra_json"

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_UTC = _dt.UTC


@dataclass(frozen=True, slots=True)
class Column:
    """One column: ``name`` is the dotted path (``instance.date_manufactured``), ``path`` its
    parts, ``type`` the :data:`ColumnType` from the spec, ``description`` the spec's text."""

    name: str
    type: ColumnType
    path: tuple[str, ...]
    description: str = ""


@dataclass
class ConversionStats:
    """What the rule changed while laying records out (summed over a run).

    :ivar non_finite: NaN/+-Infinity values written as ``null``.
    :ivar mismatched: values that did not fit their declared type; each was kept, as sent, in
        :data:`EXTRA_COLUMN` (and the typed column is ``null``).
    """

    non_finite: int = 0
    mismatched: int = 0

    def summary(self) -> str:
        """``""`` when nothing changed, else e.g. ``"2 NaN/Infinity values written as null"``."""
        parts = []
        if self.non_finite:
            n = self.non_finite
            parts.append(f"{n} NaN/Infinity value{'' if n == 1 else 's'} written as null")
        if self.mismatched:
            n = self.mismatched
            parts.append(
                f"{n} value{'' if n == 1 else 's'} not of the declared type kept in {EXTRA_COLUMN}"
            )
        return "; ".join(parts)


def _maybe_non_finite(value: Any) -> bool:
    """``True`` when a NaN or +-Infinity float is anywhere in ``value`` (dicts and lists
    walked; exact type checks only, so it costs a fraction of a serialisation)."""
    value_type = type(value)
    if value_type is float:
        return value - value != 0  # NaN and +-Infinity only
    if value_type is dict:
        items = value.values()
    elif value_type is list or value_type is tuple:
        items = value
    elif isinstance(value, Mapping):
        items = value.values()
    else:
        return False
    for item in items:
        item_type = type(item)
        if item_type is float:
            if item - item != 0:
                return True
        elif (
            item_type is not str
            and item is not None
            and item_type is not int
            and (item_type is not bool and _maybe_non_finite(item))
        ):
            return True
    return False


def _canonical_instant(value: str) -> Any:
    """A date-time text in the form :func:`format_instant` gives (``...Z``); the same object
    when it already is; the value itself when it does not parse."""
    if value.endswith("Z") and len(value) in (20, 27) and value[10] == "T":
        return value
    if value.endswith("+00:00") and len(value) in (25, 32) and value[10] == "T":
        return value[:-6] + "Z"
    try:
        return format_instant(_to_instant(value))
    except _Mismatch:
        return value


class _Mismatch(Exception):
    """A value does not fit its column's type (internal)."""


# --------------------------------------------------------------------------------------
# Value conversion (one function per column type)
# --------------------------------------------------------------------------------------


def _to_string(value: Any) -> str:
    if type(value) is str:
        return value
    raise _Mismatch


def _to_integer(value: Any) -> int:
    value_type = type(value)
    if value_type is int and _INT64_MIN <= value <= _INT64_MAX:
        return value
    if value_type is float and value.is_integer() and _INT64_MIN <= value <= _INT64_MAX:
        return int(value)
    raise _Mismatch


def _to_number(value: Any) -> float:
    value_type = type(value)
    if value_type is float:
        return value
    if value_type is int:
        try:
            return float(value)
        except OverflowError:
            raise _Mismatch from None
    raise _Mismatch


def _to_boolean(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise _Mismatch


def _to_date(value: Any) -> _dt.date:
    if type(value) is str and len(value) == 10:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _Mismatch


@functools.cache
def _datetime_reader() -> Callable[[str], _dt.datetime]:
    """The generated models' date-time reader, ``ionworks_client.types.parse_datetime``: the
    one rule of which texts are instants (``z`` is UTC; finer than a microsecond is not),
    imported when first needed."""
    from ionworks_client.types import parse_datetime

    return parse_datetime


def _to_instant(value: Any) -> _dt.datetime:
    if type(value) is str:
        try:
            parsed = _datetime_reader()(value)
        except ValueError:
            raise _Mismatch from None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=_UTC)
        try:
            return parsed.astimezone(_UTC)
        except OverflowError:
            raise _Mismatch from None
    raise _Mismatch


def parse_instant(value: Any) -> _dt.datetime | None:
    """A date-time value as an aware UTC ``datetime`` under the sinks' rule (the generated
    models' reader, ``ionworks_client.types.parse_datetime``: ``Z`` or ``z`` is UTC, no
    offset is UTC, a bare date is midnight UTC), or ``None`` for a value that is no instant
    a column holds: not text (``None``, a number), text that does not parse, finer than a
    microsecond (``.1234567Z``), or out of ``datetime``'s range once moved to UTC
    (``0001-01-01T00:00:00+01:00``). Never raises: such values are kept as sent by the
    sinks, and compared as "unknown" by incremental sync."""
    try:
        return _to_instant(value)
    except _Mismatch:
        return None


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _to_date,
    "date-time": _to_instant,
}


def format_instant(value: _dt.datetime) -> str:
    """ISO-8601 text of a UTC instant with ``Z``: ``2024-01-01T07:42:00Z``,
    ``2024-01-01T07:42:00.250000Z`` when it has microseconds."""
    text = value.astimezone(_UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def cell_text(value: Any) -> str | None:
    """The text form of a value from :meth:`RecordSchema.row` (CSV cells, SQLite text):
    ``None`` -> ``None``; instants via :func:`format_instant`; dates ``2016-03-01``; booleans
    ``true``/``false``; numbers via ``repr``; text (including JSON text) as is."""
    value_type = type(value)
    if value_type is str or value is None:
        return value
    if value_type is bool:
        return "true" if value else "false"
    if value_type is int or value_type is float:
        return repr(value)
    if value_type is _dt.datetime:
        return format_instant(value)
    if value_type is _dt.date:
        return value.isoformat()
    return dumps(value)


def _clean_json(value: Any, stats: ConversionStats) -> Any:
    """``value`` with every NaN/+-Infinity replaced by ``None`` (counted)."""
    value_type = type(value)
    if value_type is float:
        if math.isfinite(value):
            return value
        stats.non_finite += 1
        return None
    if value_type is dict:
        return {k: _clean_json(v, stats) for k, v in value.items()}
    if value_type is list:
        return [_clean_json(v, stats) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _clean_json(v, stats) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_clean_json(v, stats) for v in value]
    return value


# --------------------------------------------------------------------------------------
# The compiled schema
# --------------------------------------------------------------------------------------

# A node of the compiled tree: an int is the index of a leaf column, a dict a declared object
# whose keys are its declared properties.
_Node = int | dict[str, Any]


@dataclass(frozen=True)
class RecordSchema:
    """How records of one item schema are laid out as columns. Build it with
    :func:`record_schema` / :func:`schema_for_item`; it is immutable and thread-safe.

    :ivar name: the item schema's name in the spec, e.g. ``"CellMeasurementWithDetails"``.
    :ivar resource: the default table name for it, e.g. ``"measurements"``, ``"projects"``.
    :ivar columns: the declared columns (without :data:`EXTRA_COLUMN`), in spec order.
    """

    name: str
    resource: str
    columns: tuple[Column, ...]
    _tree: dict[str, _Node] = field(repr=False, compare=False)
    #: (column index, path) of derived columns: values read from inside a JSON column.
    _derived: tuple[tuple[int, tuple[str, ...]], ...] = field(default=(), repr=False, compare=False)

    def json_path(self, name: str) -> bool:
        """``True`` when ``name`` is a dotted path into a ``json`` column (e.g.
        ``test_setup.cycler`` inside the free-form ``test_setup``)."""
        parts = name.split(".")
        types = {c.name: c.type for c in self.columns}
        return any(types.get(".".join(parts[:cut])) == "json" for cut in range(1, len(parts)))

    def with_derived(self, names: Sequence[str]) -> RecordSchema:
        """This schema plus one ``string`` column for each dotted path in ``names`` that lies
        inside a JSON column (:meth:`json_path`), placed before :data:`EXTRA_COLUMN`. Its
        value is read from the record (text as is; numbers, booleans and JSON values as their
        JSON text; missing -> null); the JSON column keeps the whole object. Used to partition
        a dataset by e.g. ``test_setup.cycler``.

        :raises ValueError: a name is neither a column nor a path into a JSON column (the
            message names it and gives examples).
        """
        existing = {c.name for c in self.columns}
        columns = list(self.columns)
        derived = list(self._derived)
        for name in names:
            if name in existing:
                continue
            if not self.json_path(name):
                json_columns = [c.name for c in self.columns if c.type == "json"][:4]
                raise ValueError(
                    f"{name!r} is neither a column of {self.name} nor a field inside one of its "
                    f"JSON columns ({', '.join(json_columns)}, ...)"
                )
            derived.append((len(columns), tuple(name.split("."))))
            columns.append(Column(name, "string", tuple(name.split(".")), "derived"))
            existing.add(name)
        return RecordSchema(self.name, self.resource, tuple(columns), self._tree, tuple(derived))

    @property
    def column_names(self) -> list[str]:
        """Every column a tabular sink writes, in order: the declared ones, then
        :data:`EXTRA_COLUMN`."""
        return [c.name for c in self.columns] + [EXTRA_COLUMN]

    def row(
        self,
        record: Mapping[str, Any],
        stats: ConversionStats | None = None,
        *,
        json_ready: bool = False,
        text_times: bool = False,
    ) -> list[Any]:
        """Lay ``record`` (a ``to_dict()`` of a generated model, or parsed JSON) out as one row:
        a list aligned with :attr:`column_names`. Values are ``None``, ``str``, ``int``,
        ``float`` (finite), ``bool``, ``datetime.date``, ``datetime.datetime`` (aware, UTC) or,
        for ``json`` columns and the last item (:data:`EXTRA_COLUMN`), compact JSON text.
        ``text_times``: dates and date-times as their text instead (``2016-03-01``,
        ``2024-01-01T07:42:00Z``: :func:`cell_text`'s forms). ``json_ready``: the caller
        knows the record holds no NaN/Infinity (e.g. a :class:`~.._codec.JsonReadyList`), so
        JSON values are not scanned for them.

        Never raises for data: undeclared fields and values of the wrong type go into the extra
        column and are counted in ``stats``.

        Speed: a function compiled once per schema (:meth:`_compiled_row`) lays out the usual
        record (every field declared, every value of its type, no NaN) in straight-line code;
        any other record takes the general walk below, which defines the rule.
        """
        stats = stats if stats is not None else ConversionStats()
        cells = self._compiled_row(text_times)(record, json_ready)
        if cells is None:
            cells = self._general_row(record, stats)
            if text_times:
                cells = [_time_text(v) for v in cells]
        for index, path in self._derived:
            value: Any = record
            for part in path:
                value = value.get(part) if isinstance(value, Mapping) else None
            if value is not None:
                cells[index] = value if type(value) is str else dumps(_clean_json(value, stats))
        return cells

    def present_row(
        self, record: Mapping[str, Any], *, json_ready: bool = False
    ) -> tuple[tuple[int, ...], list[Any]] | None:
        """The usual record's row without its nulls, for a SQL insert that leaves NULL cells
        out: ``(indices, values)``, the cells of :meth:`row` with ``text_times=True`` that are
        not ``None``, in column order, booleans as ``1``/``0`` (as SQLite stores them), and
        their indices in :attr:`column_names` (a tuple).
        ``None`` when the record needs the general rule (an undeclared field, a value not of
        its declared type, a NaN/Infinity) or the schema has derived columns: then use
        :meth:`row`, which counts what it changes. Never raises for data."""
        if self._derived:
            return None
        got: tuple[tuple[int, ...], list[Any]] | None = self._compiled_present(record, json_ready)
        return got

    @functools.cached_property
    def _compiled_present(self) -> Callable[[Any, bool], Any]:
        return _compile_row(self._tree, self.columns, text_times=True, present=True)

    def _general_row(self, record: Mapping[str, Any], stats: ConversionStats) -> list[Any]:
        """The rule, value by value (any record; derived columns are left to :meth:`row`)."""
        width = len(self.columns)
        cells: list[Any] = [None] * (width + 1)
        extra: dict[str, Any] = {}
        clean = _maybe_non_finite(record)  # else JSON values need no NaN scrubbing
        self._fill(self._tree, record, cells, extra, stats, clean)
        if extra:
            cells[width] = dumps(_clean_json(extra, stats) if clean else extra)
        return cells

    def _compiled_row(self, text_times: bool) -> Callable[[Any, bool], list[Any] | None]:
        """``fast(record, json_ready) -> cells | None``: straight-line code for this schema's
        tree (see :func:`_compile_row`); ``None`` hands the record to the general walk."""
        return self._compiled_rows[text_times]

    @functools.cached_property
    def _compiled_rows(self) -> dict[bool, Callable[[Any, bool], list[Any] | None]]:
        return {flag: _compile_row(self._tree, self.columns, flag) for flag in (False, True)}

    def _fill(
        self,
        tree: Mapping[str, _Node],
        record: Mapping[str, Any],
        cells: list[Any],
        extra: dict[str, Any],
        stats: ConversionStats,
        clean: bool,
    ) -> None:
        columns = self.columns
        for key, value in record.items():
            node = tree.get(key)
            if node is None:
                extra[key] = value
                continue
            if value is None:
                continue
            if type(node) is int:
                column_type = columns[node].type
                if column_type == "json":
                    cells[node] = dumps(_clean_json(value, stats) if clean else value)
                    continue
                if column_type == "number" and type(value) is float and not math.isfinite(value):
                    stats.non_finite += 1
                    continue
                try:
                    cells[node] = _CONVERTERS[column_type](value)
                except _Mismatch:
                    stats.mismatched += 1
                    extra[key] = value
                continue
            if isinstance(value, Mapping):
                nested: dict[str, Any] = {}
                self._fill(node, value, cells, nested, stats, clean)  # type: ignore[arg-type]
                if nested:
                    extra[key] = nested
            else:
                stats.mismatched += 1
                extra[key] = value

    def json_record(
        self,
        record: Mapping[str, Any],
        stats: ConversionStats | None = None,
        *,
        json_ready: bool = False,
    ) -> dict[str, Any]:
        """``record`` as JSON-ready data under the same rule: declared date-times as UTC text
        with ``Z``, declared dates as ``YYYY-MM-DD``, NaN/+-Infinity anywhere as ``None``
        (counted in ``stats``). Everything else, undeclared fields included, is kept as given
        (a value that does not parse as its declared type stays as sent). Used by the JSON
        Lines sink and for SQLite's ``record_json``. ``json_ready``: the caller knows the
        record holds no NaN/Infinity (not scanned then)."""
        stats = stats if stats is not None else ConversionStats()
        if not json_ready and _maybe_non_finite(record):
            return self._json(self._tree, record, stats)
        # Fast path (no NaN/Infinity anywhere): only the declared date-time leaves are
        # visited, by code compiled once per schema; the rest is shared with ``record``
        # (copied only along changed paths).
        out = self._compiled_dates(record)
        return out if out is not None else self._dates(self._date_tree, record)

    @functools.cached_property
    def _compiled_dates(self) -> Callable[[Any], dict[str, Any] | None]:
        return _compile_dates(self._date_tree)

    @functools.cached_property
    def _date_tree(self) -> dict[str, Any]:
        """The branches of the tree that lead to a date-time leaf: key -> ``"date-time"`` (a
        leaf) or a nested dict. (A date is kept as sent either way: only ``YYYY-MM-DD`` is
        a date.)"""

        def prune(tree: Mapping[str, _Node]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, node in tree.items():
                if type(node) is int:
                    column_type = self.columns[node].type
                    if column_type == "date-time":
                        out[key] = column_type
                else:
                    sub = prune(node)  # type: ignore[arg-type]
                    if sub:
                        out[key] = sub
            return out

        return prune(self._tree)

    def _dates(self, tree: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] | None = None
        for key, node in tree.items():
            value = record.get(key)
            if value is None:
                continue
            if type(node) is str:
                if type(value) is not str:
                    continue
                new = _canonical_instant(value)
            elif isinstance(value, Mapping):
                new = self._dates(node, value)
            else:
                continue
            if new is not value:
                if out is None:
                    out = dict(record)
                out[key] = new
        if out is not None:
            return out
        return record if type(record) is dict else {str(k): v for k, v in record.items()}

    def _json(
        self, tree: Mapping[str, _Node], record: Mapping[str, Any], stats: ConversionStats
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        columns = self.columns
        for key, value in record.items():
            key = str(key)
            node = tree.get(key)
            if node is None or value is None:
                out[key] = _clean_json(value, stats)
            elif type(node) is int:
                column_type = columns[node].type
                if column_type == "date-time" and type(value) is str:
                    try:
                        out[key] = format_instant(_to_instant(value))
                    except _Mismatch:
                        out[key] = value
                elif column_type == "date" and type(value) is str:
                    try:
                        out[key] = _to_date(value).isoformat()
                    except _Mismatch:
                        out[key] = value
                else:
                    out[key] = _clean_json(value, stats)
            elif isinstance(value, Mapping):
                out[key] = self._json(node, value, stats)  # type: ignore[arg-type]
            else:
                out[key] = _clean_json(value, stats)
        return out


# --------------------------------------------------------------------------------------
# Compiled fast paths: straight-line Python generated once per schema
# --------------------------------------------------------------------------------------
#
# The general walk above (``_fill``, ``_json``, ``_dates``) defines the rule for any record.
# For the usual record it spends most of its time dispatching on column types; the functions
# generated below do the same work for one schema in straight-line code (one ``get`` and a
# type check per declared field, the declared key sets compared with ``keys() <= frozenset``)
# and give up (``return None``) at anything unusual: an undeclared field, a value not of its
# declared type, a NaN/Infinity, a mapping that is not a ``dict``. The caller then runs the
# general walk on that record, so the result is the same either way (tests compare them on
# every sandbox record and on odd ones). Keys become Python literals through ``repr``.


def _time_text(value: Any) -> Any:
    """A row value with dates and date-times as text (:func:`cell_text`'s forms)."""
    value_type = type(value)
    if value_type is _dt.datetime:
        return format_instant(value)
    if value_type is _dt.date:
        return value.isoformat()
    return value


def _leaf_lines(
    column_type: str, put: Callable[[str], str], text_times: bool, boolean: str = "v"
) -> list[str]:
    """Lines laying out ``v`` (not None) as one cell, stored by the line ``put(expression)``
    gives, or ``return None``. ``boolean``: the expression of a boolean's cell."""
    if column_type == "string":
        return ["if type(v) is not str: return None", put("v")]
    if column_type == "integer":
        return [
            "if type(v) is not int or v < INT64_MIN or v > INT64_MAX: return None",
            put("v"),
        ]
    if column_type == "number":
        return [
            "if type(v) is float:",
            "    if v - v != 0: return None",  # NaN/Infinity: counted by the general walk
            "elif type(v) is int and INT64_MIN <= v <= INT64_MAX:",
            "    v = float(v)",
            "else: return None",
            put("v"),
        ]
    if column_type == "boolean":
        return ["if type(v) is not bool: return None", put(boolean)]
    if column_type == "date":
        return [
            "if type(v) is not str or len(v) != 10: return None",
            "try: v = date_fromiso(v)",
            "except ValueError: return None",
            put("v.isoformat()" if text_times else "v"),
        ]
    if column_type == "date-time":
        # Instants repeat across records (a component's created_at in every measurement of
        # its cell): each distinct text is parsed once, in a bounded memo of this function.
        return [
            "if type(v) is not str: return None",
            "t = instants_get(v)",
            "if t is None:",
            "    try: t = datetime_fromiso(v)",
            "    except ValueError: return None",
            "    if t.tzinfo is None: t = t.replace(tzinfo=UTC)",
            "    elif t.tzinfo is not UTC:",
            "        try: t = t.astimezone(UTC)",
            "        except OverflowError: return None",
            "    t = t.isoformat()[:-6] + 'Z'" if text_times else "    pass",
            "    if len(instants) >= INSTANTS_MAX: instants.clear()",
            "    instants[v] = t",
            put("t"),
        ]
    # json: compact JSON text; a NaN/Infinity inside goes to the general walk (it counts it).
    if json_bytes is None:  # pragma: no cover - a vendored copy without orjson
        return ["if not ready and non_finite(v): return None", put("dumps(v)")]
    # orjson called directly (what dumps() does, without its two Python calls); what it cannot
    # write exactly (an integer beyond 64 bits, a key that is not text) goes to the general
    # walk, whose dumps() falls back to the standard library: the same text either way.
    return [
        "if not ready and non_finite(v): return None",
        "try: v = json_bytes(v, default=json_default).decode()",
        "except TypeError: return None",
        put("v"),
    ]


def _compile_row(
    tree: Mapping[str, _Node], columns: Sequence[Column], text_times: bool, present: bool = False
) -> Callable[[Any, bool], Any]:
    """``fast(record, ready) -> cells | None`` for :meth:`RecordSchema.row` (see above); with
    ``present``, ``fast(record, ready) -> (indices, values) | None`` for
    :meth:`RecordSchema.present_row`: the cells that are not null, in column order, and their
    column indices (a tuple)."""
    instants: dict[str, Any] = {}  # date-time text -> its cell (datetime or text)
    names: dict[str, Any] = {
        "json_bytes": json_bytes,
        "json_default": json_default,
        "INT64_MIN": _INT64_MIN,
        "INT64_MAX": _INT64_MAX,
        "UTC": _UTC,
        "date_fromiso": _dt.date.fromisoformat,
        "datetime_fromiso": _datetime_reader(),
        "non_finite": _maybe_non_finite,
        "dumps": dumps,
        "instants": instants,
        "instants_get": instants.get,
        "INSTANTS_MAX": 8192,
    }
    lines = ["def fast(rec, ready):", "    if type(rec) is not dict: return None"]
    if present:  # the values and their indices, appended in column order
        lines += ["    c = []", "    put = c.append", "    i = []", "    at = i.append"]
    else:
        lines.append(f"    c = [None] * {len(columns) + 1}")
    counter = iter(range(1_000_000))

    def emit(node: Mapping[str, _Node], var: str, indent: str) -> None:
        keys = f"K{next(counter)}"
        names[keys] = frozenset(node)
        lines.append(f"{indent}if not {var}.keys() <= {keys}: return None")
        for key, child in node.items():
            if type(child) is int:
                lines.append(f"{indent}v = {var}.get({key!r})")
                lines.append(f"{indent}if v is not None:")

                def put(value: str, index: int = child) -> str:
                    return f"put({value}); at({index})" if present else f"c[{index}] = {value}"

                column_type = columns[child].type
                # present_row's booleans are 0/1: what SQLite stores, and sqlite3 binds an int
                # ~3x faster than a bool (a bool goes through its adapter lookup)
                boolean = "(1 if v else 0)" if present else "v"
                lines.extend(
                    f"{indent}    {line}"
                    for line in _leaf_lines(column_type, put, text_times, boolean)
                )
            else:
                sub = f"d{next(counter)}"
                lines.append(f"{indent}{sub} = {var}.get({key!r})")
                lines.append(f"{indent}if {sub} is not None:")
                lines.append(f"{indent}    if type({sub}) is not dict: return None")
                emit(child, sub, indent + "    ")  # type: ignore[arg-type]

    emit(tree, "rec", "    ")
    lines.append("    return tuple(i), c" if present else "    return c")
    exec(compile("\n".join(lines), "<record schema row>", "exec"), names)
    fast: Callable[[Any, bool], Any] = names["fast"]
    return fast


def _compile_dates(date_tree: Mapping[str, Any]) -> Callable[[Any], dict[str, Any] | None]:
    """``fast(record) -> record | None`` for :meth:`RecordSchema.json_record` without
    NaN/Infinity: declared date-times as UTC text with ``Z`` (:func:`_canonical_instant`),
    copying only the dicts along changed paths; ``None`` for a record that is not a ``dict``
    or has a non-``dict`` mapping where the schema declares an object."""
    names: dict[str, Any] = {"canonical": _canonical_instant, "Mapping": Mapping}
    lines = ["def fast(r0):", "    if type(r0) is not dict: return None"]
    counter = iter(range(1, 1_000_000))

    def emit(node: Mapping[str, Any], var: str, copy: str, indent: str) -> None:
        # ``copy`` is the name of this dict's copy (None until a value changes)
        lines.append(f"{indent}{copy} = None")
        for key, child in node.items():
            if type(child) is str:  # a date-time leaf
                lines.extend(
                    f"{indent}{line}"
                    for line in (
                        f"v = {var}.get({key!r})",
                        "if type(v) is str:",
                        "    n = len(v)",
                        "    if (n == 25 or n == 32) and v[10] == 'T' and v.endswith('+00:00'):",
                        "        new = v[:-6] + 'Z'",
                        "    elif (n == 20 or n == 27) and v[10] == 'T' and v[-1] == 'Z':",
                        "        new = None",
                        "    else:",
                        "        new = canonical(v)",
                        "        if new is v: new = None",
                        "    if new is not None:",
                        f"        if {copy} is None: {copy} = dict({var})",
                        f"        {copy}[{key!r}] = new",
                    )
                )
            else:
                number = next(counter)
                sub, sub_copy = f"r{number}", f"c{number}"
                lines.append(f"{indent}{sub} = {var}.get({key!r})")
                lines.append(f"{indent}if type({sub}) is dict:")
                emit(child, sub, sub_copy, indent + "    ")
                lines.extend(
                    f"{indent}{line}"
                    for line in (
                        f"    if {sub_copy} is not None:",
                        f"        if {copy} is None: {copy} = dict({var})",
                        f"        {copy}[{key!r}] = {sub_copy}",
                        f"elif {sub} is not None and isinstance({sub}, Mapping): return None",
                    )
                )

    emit(date_tree, "r0", "c0", "    ")
    lines.append("    return r0 if c0 is None else c0")
    exec(compile("\n".join(lines), "<record schema dates>", "exec"), names)
    fast: Callable[[Any], dict[str, Any] | None] = names["fast"]
    return fast


# --------------------------------------------------------------------------------------
# Compiling a JSON schema
# --------------------------------------------------------------------------------------


def record_schema(
    schema: Mapping[str, Any],
    *,
    name: str = "record",
    resource: str = "records",
    components: Mapping[str, Any] | None = None,
) -> RecordSchema:
    """Compile a JSON/OpenAPI object schema into a :class:`RecordSchema` under the module's
    rule. ``components`` maps schema names to schemas for ``#/components/schemas/NAME``
    references (default: none). A reference cycle becomes one ``json`` column.

    :raises ValueError: ``schema`` does not describe an object with ``properties``, or a
        reference cannot be resolved (the message names it).
    """
    comps = components or {}
    columns: list[Column] = []

    def deref(
        node: Mapping[str, Any], seen: tuple[str, ...]
    ) -> tuple[Mapping[str, Any], tuple[str, ...]]:
        while "$ref" in node:
            ref = str(node["$ref"])
            ref_name = ref.rsplit("/", 1)[-1]
            if not ref.startswith("#/components/schemas/") or ref_name not in comps:
                raise ValueError(f"cannot resolve {ref!r} in schema {name!r}")
            if ref_name in seen:
                return {}, seen  # a cycle: free-form JSON
            seen = (*seen, ref_name)
            node = comps[ref_name]
        return node, seen

    def object_properties(node: Mapping[str, Any], seen: tuple[str, ...]) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for part in node.get("allOf", ()):
            part, part_seen = deref(part, seen)
            for key, sub in object_properties(part, part_seen).items():
                props[key] = sub
        for key, sub in (node.get("properties") or {}).items():
            props[str(key)] = (sub, seen)
        return props

    def classify(node: Mapping[str, Any], seen: tuple[str, ...]) -> tuple[str, Any]:
        """("leaf", ColumnType) or ("object", properties)."""
        node, seen = deref(node, seen)
        options = node.get("anyOf") or node.get("oneOf")
        if options:
            kept = [o for o in options if deref(o, seen)[0].get("type") != "null"]
            if len(kept) == 1:
                return classify(kept[0], seen)
            kinds = set()
            for option in kept:
                option_kind, option_detail = classify(option, seen)
                kinds.add(option_detail if option_kind == "leaf" else "object")
            if len(kinds) == 1 and "object" not in kinds:
                return "leaf", kinds.pop()
            return "leaf", "json"
        if "enum" in node and "type" not in node:
            values = node["enum"]
            if all(type(v) is str for v in values):
                return "leaf", "string"
            return "leaf", "json"
        kind = node.get("type")
        if isinstance(kind, list):
            kept_types = [k for k in kind if k != "null"]
            kind = kept_types[0] if len(kept_types) == 1 else None
        if kind == "string":
            fmt = node.get("format")
            if fmt in ("date", "date-time"):
                return "leaf", fmt
            return "leaf", "string"
        if kind in ("integer", "number", "boolean"):
            return "leaf", kind
        props = object_properties(node, seen)
        if props and kind in (None, "object"):
            return "object", props
        return "leaf", "json"

    def build(props: Mapping[str, Any], prefix: tuple[str, ...]) -> dict[str, _Node]:
        tree: dict[str, _Node] = {}
        for key, (sub, seen) in props.items():
            path = (*prefix, key)
            kind, detail = classify(sub, seen)
            if kind == "object":
                tree[key] = build(detail, path)
                continue
            resolved, _ = deref(sub, seen)
            description = str(resolved.get("description") or sub.get("description") or "")
            tree[key] = len(columns)
            columns.append(Column(".".join(path), detail, path, description))
        return tree

    kind, detail = classify(schema, ())
    if kind != "object":
        raise ValueError(f"schema {name!r} is not an object with declared properties")
    tree = build(detail, ())
    return RecordSchema(name=name, resource=resource, columns=tuple(columns), _tree=tree)


def _load_spec() -> dict[str, Any]:
    import ionworks_client

    text = resources.files(ionworks_client).joinpath("openapi.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def schema_for_item(schema_name: str, resource: str) -> RecordSchema:
    """The :class:`RecordSchema` of ``components.schemas[schema_name]`` in the overlaid spec
    shipped with the generated client (``ionworks_client/openapi.json``). Cached.

    :raises ValueError: the spec has no such schema (the message lists none; see the spec).
    """
    components = _load_spec().get("components", {}).get("schemas", {})
    if schema_name not in components:
        raise ValueError(f"the overlaid spec declares no schema {schema_name!r}")
    return record_schema(
        components[schema_name], name=schema_name, resource=resource, components=components
    )


def measurements_schema() -> RecordSchema:
    """Items of ``GET /cell_measurements/by-project/{project_id}``
    (``CellMeasurementWithDetails``); default table ``measurements``."""
    return schema_for_item("CellMeasurementWithDetails", "measurements")


@functools.cache
def multi_project_measurements_schema() -> RecordSchema:
    """Measurements of several projects in one run (``export([...])``, ``--all-projects``):
    ``project_id`` (the project walked, text) first, then the columns of
    :func:`measurements_schema`; default table ``measurements``."""
    components = _load_spec().get("components", {}).get("schemas", {})
    tagged = {
        "allOf": [
            {"type": "object", "properties": {"project_id": {"type": "string"}}},
            {"$ref": "#/components/schemas/CellMeasurementWithDetails"},
        ]
    }
    return record_schema(
        tagged, name="CellMeasurementWithDetails", resource="measurements", components=components
    )


def projects_schema() -> RecordSchema:
    """Items of ``GET /projects`` (``Project``); default table ``projects``."""
    return schema_for_item("Project", "projects")
