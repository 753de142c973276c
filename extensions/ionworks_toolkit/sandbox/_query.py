"""Filtering, ordering and paging over the catalogue's plain lists (no third-party imports).

String filters (``name``, ``created_by_email``, ``spec_name``, ``instance_name``, ``spec_id``,
``cell_instance_id``, ``spec_anode``, ``spec_cathode``, ...) take the PostgREST operators the
vendor's client sends:

* ``eq.X``: equal to ``X``; ``neq.X``: not equal to ``X``;
* ``like.PATTERN`` (case-sensitive) and ``ilike.PATTERN`` (case-insensitive): SQL ``LIKE``
  patterns where ``%`` (or ``*``, as in PostgREST URLs) matches any run of characters and ``_``
  one character; a backslash makes the next character literal; the pattern must match the whole
  value;
* anything else (a bare value) means exact equality. Only these lower-case prefixes are
  operators, so a bare value that itself starts with ``eq.``/``neq.``/``like.``/``ilike.`` cannot
  be matched exactly without ``eq.``.

A field that is ``null`` never matches any string operator, ``neq`` included (SQL semantics).

Datetime filters compare instants in microseconds since the Unix epoch (UTC): exact (``=``),
``_gt`` (strictly after) and ``_lt`` (strictly before). A record whose field is ``null`` never
matches a datetime filter.

Ordering: ascending or descending on one column; ties are broken by record ``id`` (in the same
direction), and records whose column is ``null`` come last in both directions, ordered by ``id``
ascending. Strings compare by Unicode code point (like PostgreSQL's ``C`` collation) and
``false`` sorts before ``true``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ._catalogue import Measurement

__all__ = [
    "MEASUREMENT_ORDER_COLUMNS",
    "MeasurementFilters",
    "StringFilter",
    "TimeFilter",
    "measurement_order_key",
    "order_records",
    "ordered_measurements",
]

T = TypeVar("T")

#: ``order_by`` values of the measurement lists, with the value each one sorts on.
MEASUREMENT_ORDER_COLUMNS: dict[str, Callable[[Measurement], Any]] = {
    "name": lambda m: m.name,
    "created_at": lambda m: m.created_us,
    "updated_at": lambda m: m.updated_us,
    "start_time": lambda m: m.start_us,
    "cell_instance_id": lambda m: m.instance.id,
    "step_labels_validated": lambda m: m.step_labels_validated,
    "cycler": lambda m: m.cycler,
    "notes": lambda m: m.notes,
}


def _like_tokens(pattern: str) -> list[str | None]:
    """Split a LIKE pattern into literal characters, ``None`` (any run) and ``_ANY_ONE``."""
    tokens: list[str | None] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, None)
            tokens.append(nxt if nxt is not None else "\\")
        elif ch in "%*":
            if not tokens or tokens[-1] is not None:
                tokens.append(None)
        elif ch == "_":
            tokens.append(_ANY_ONE)
        else:
            tokens.append(ch)
    return tokens


_ANY_ONE = "\x00_any_one_\x00"  # sentinel token (never a single character)


def _compile_like(pattern: str) -> tuple[str, str | re.Pattern[str]]:
    """Compile a LIKE pattern to ``(kind, operand)``.

    ``kind`` is ``equals``/``prefix``/``suffix``/``contains``/``any`` with a literal operand when
    the pattern only has ``%`` at its ends (the common ``ilike.%x%``), else ``regex``.
    """
    tokens = _like_tokens(pattern)
    inner = tokens[:]
    lead = bool(inner) and inner[0] is None
    if lead:
        inner.pop(0)
    trail = bool(inner) and inner[-1] is None
    if trail:
        inner.pop()
    if all(t is not None and t is not _ANY_ONE for t in inner):
        literal = "".join(t for t in inner if t is not None)
        if not literal and (lead or trail):
            return "any", ""
        kind = {
            (False, False): "equals",
            (False, True): "prefix",
            (True, False): "suffix",
            (True, True): "contains",
        }[(lead, trail)]
        return kind, literal
    parts = [".*" if t is None else "." if t is _ANY_ONE else re.escape(t) for t in tokens]
    return "regex", re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True)
class StringFilter:
    """One parsed string filter; call :meth:`matches` on a record's value.

    ``ilike`` compares Unicode case-folded text. ``case_insensitive`` makes every operator
    (``eq``, ``neq``, ``like`` and bare values too) case-insensitive; it is used for the material
    names of ``spec_anode``/``spec_cathode``.
    """

    operator: str  # "eq" | "neq" | "like" | "ilike"
    operand: str
    fold: bool = False
    kind: str = "equals"
    matcher: str | re.Pattern[str] = ""

    @classmethod
    def parse(cls, raw: str, *, case_insensitive: bool = False) -> StringFilter:
        """Parse ``eq.X``, ``neq.X``, ``like.P``, ``ilike.P`` or a bare value (= ``eq``)."""
        operator, operand = "eq", raw
        for prefix in ("eq", "neq", "like", "ilike"):
            if raw.startswith(prefix + "."):
                operator, operand = prefix, raw[len(prefix) + 1 :]
                break
        fold = case_insensitive or operator == "ilike"
        text = operand.casefold() if fold else operand
        if operator in ("like", "ilike"):
            kind, matcher = _compile_like(text)
        else:
            kind, matcher = ("equals" if operator == "eq" else "not_equals"), text
        return cls(operator, operand, fold, kind, matcher)

    def matches(self, value: str | None) -> bool:
        """Whether *value* passes; ``None`` never does."""
        if value is None:
            return False
        if self.fold:
            value = value.casefold()
        kind, matcher = self.kind, self.matcher
        if isinstance(matcher, re.Pattern):
            return matcher.fullmatch(value) is not None
        if kind == "equals":
            return value == matcher
        if kind == "not_equals":
            return value != matcher
        if kind == "contains":
            return matcher in value
        if kind == "prefix":
            return value.startswith(matcher)
        if kind == "suffix":
            return value.endswith(matcher)
        return True  # "any": a pattern of wildcards only


@dataclass(frozen=True)
class TimeFilter:
    """Exact / strictly-after / strictly-before bounds on one datetime column (microseconds)."""

    eq: int | None = None
    gt: int | None = None
    lt: int | None = None

    @property
    def active(self) -> bool:
        """Whether any bound is set."""
        return self.eq is not None or self.gt is not None or self.lt is not None

    def matches(self, value: int | None) -> bool:
        """Whether *value* passes every bound; ``None`` never passes an active filter."""
        if value is None:
            return not self.active
        if self.eq is not None and value != self.eq:
            return False
        if self.gt is not None and value <= self.gt:
            return False
        return not (self.lt is not None and value >= self.lt)


def order_records(
    records: Iterable[T], key: Callable[[T], Any], ident: Callable[[T], str], *, descending: bool
) -> list[T]:
    """Order *records* on *key*, ties by *ident* (same direction), ``None`` keys last by id.

    *ident* must be unique per record (it is the record id).
    """
    present: list[tuple[Any, str, T]] = []
    missing: list[tuple[str, T]] = []
    for record in records:
        value = key(record)
        if value is None:
            missing.append((ident(record), record))
        else:
            present.append((value, ident(record), record))
    # Ids are unique, so the tuples never compare the records themselves.
    present.sort(reverse=descending)
    missing.sort()
    return [t[2] for t in present] + [t[1] for t in missing]


def measurement_order_key(order_by: str) -> Callable[[Measurement], Any]:
    """The sort key of one ``order_by`` column (see :data:`MEASUREMENT_ORDER_COLUMNS`)."""
    return MEASUREMENT_ORDER_COLUMNS[order_by]


def ordered_measurements(
    measurements: Sequence[Measurement],
    order_by: str,
    *,
    descending: bool,
    cache: dict[tuple[str, bool], list[Measurement]] | None = None,
) -> list[Measurement]:
    """*measurements* in the requested order, memoised in *cache* when given."""
    cache_key = (order_by, descending)
    if cache is not None:
        hit = cache.get(cache_key)
        if hit is not None:
            return hit
    if order_by in ("created_at", "updated_at"):
        # Measurements are stored in creation order and no two share a creation time.
        result = list(reversed(measurements)) if descending else list(measurements)
    else:
        result = order_records(
            measurements, measurement_order_key(order_by), lambda m: m.id, descending=descending
        )
    if cache is not None:
        cache[cache_key] = result
    return result


@dataclass(frozen=True)
class MeasurementFilters:
    """Every filter of the measurement lists; ``None`` (or an inactive :class:`TimeFilter`) is off.

    ``spec_anode``/``spec_cathode`` match the *material name* of the parent specification's
    anode/cathode component (e.g. ``graphite``, ``LFP``); build them with
    ``StringFilter.parse(raw, case_insensitive=True)``. ``created_by_email`` compares with the
    single creator address of the sandbox's records.
    """

    measurement_type: str | None = None
    name: StringFilter | None = None
    created_by_email: StringFilter | None = None
    spec_name: StringFilter | None = None
    instance_name: StringFilter | None = None
    spec_id: StringFilter | None = None
    cell_instance_id: StringFilter | None = None
    spec_anode: StringFilter | None = None
    spec_cathode: StringFilter | None = None
    start_time: TimeFilter = TimeFilter()
    created_at: TimeFilter = TimeFilter()
    updated_at: TimeFilter = TimeFilter()

    def predicates(self, created_by_email: str | None) -> list[Callable[[Measurement], bool]]:
        """One predicate per active filter, cheapest first."""
        checks: list[Callable[[Measurement], bool]] = []
        if self.measurement_type is not None:
            wanted = self.measurement_type
            checks.append(lambda m: m.measurement_type == wanted)
        if self.created_by_email is not None and not self.created_by_email.matches(
            created_by_email
        ):
            return [lambda m: False]
        for flt, getter in (
            (self.spec_id, lambda m: m.instance.spec.id),
            (self.cell_instance_id, lambda m: m.instance.id),
            (self.spec_name, lambda m: m.instance.spec.name),
            (self.instance_name, lambda m: m.instance.name),
            (
                self.spec_anode,
                lambda m: a.material.name if (a := m.instance.spec.anode) else None,
            ),
            (
                self.spec_cathode,
                lambda m: c.material.name if (c := m.instance.spec.cathode) else None,
            ),
            (self.name, lambda m: m.name),
        ):
            if flt is not None:
                checks.append(_compose(flt.matches, getter))
        for tflt, tgetter in (
            (self.created_at, lambda m: m.created_us),
            (self.updated_at, lambda m: m.updated_us),
            (self.start_time, lambda m: m.start_us),
        ):
            if tflt.active:
                checks.append(_compose(tflt.matches, tgetter))
        return checks

    def apply(
        self, records: Sequence[Measurement], created_by_email: str | None
    ) -> Sequence[Measurement]:
        """The records that pass every filter, in their given order (*records* itself if none)."""
        checks = self.predicates(created_by_email)
        if not checks:
            return records
        return [m for m in records if all(check(m) for check in checks)]


def _compose(
    test: Callable[[Any], bool], getter: Callable[[Measurement], Any]
) -> Callable[[Measurement], bool]:
    return lambda m: test(getter(m))
