"""Flattening nested records into dotted columns, and value helpers shared by the sinks."""

from __future__ import annotations

import datetime as _dt
import enum
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Literal

from .._codec import dumps as _codec_dumps

try:  # optional, as in _codec: the vendored copy works without it
    from orjson import dumps as json_bytes
except ImportError:  # pragma: no cover - a vendored copy without orjson
    json_bytes = None  # type: ignore[assignment]

__all__ = ["flatten_record"]

Kind = Literal["null", "bool", "int", "bigint", "float", "str", "json"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def flatten_record(record: Mapping[str, Any], *, sep: str = ".") -> dict[str, Any]:
    """Flatten nested mappings into one level with ``sep``-joined keys, in input order.

    ``{"id": "a", "specification": {"ratings": {"capacity": {"value": 1.1, "unit": "Ah"}}}}``
    becomes ``{"id": "a", "specification.ratings.capacity.value": 1.1,
    "specification.ratings.capacity.unit": "Ah"}``.

    * Lists (and tuples, as lists) are kept as values, not flattened: callers serialise them
      (the CSV, SQLite and Parquet sinks write them as JSON text).
    * An empty mapping contributes no key.
    * Scalars outside JSON (``datetime``/``date``/``time`` -> ISO text, ``UUID``/``Decimal``/
      paths -> ``str``, ``Enum`` -> its value) are normalised, so a caller passing models'
      raw attributes still gets JSON-compatible values.

    :raises ValueError: two paths flatten to the same key (``{"a.b": 1, "a": {"b": 2}}``),
        which would otherwise lose a value silently.
    """
    out: dict[str, Any] = {}
    _walk(record, "", sep, out)
    return out


_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


def _walk(mapping: Mapping[Any, Any], prefix: str, sep: str, out: dict[str, Any]) -> None:
    # Hot path: exact-type checks first, ABC isinstance only for unusual types.
    for raw_key, value in mapping.items():
        key = f"{prefix}{sep}{raw_key}" if prefix else str(raw_key)
        value_type = type(value)
        if value_type is dict or (value_type not in _SCALAR_TYPES and isinstance(value, Mapping)):
            _walk(value, key, sep, out)
            continue
        if key in out:
            raise ValueError(f"two fields flatten to the same column {key!r}")
        out[key] = value if value_type in _SCALAR_TYPES else normalise(value)


def normalise(value: Any) -> Any:
    """Return ``value`` as a JSON-compatible value (lists and dicts converted recursively)."""
    if type(value) in _SCALAR_TYPES:
        return value
    if isinstance(value, enum.Enum):  # before str/int: StrEnum, IntEnum
        return normalise(value.value)
    for scalar in (str, int, float):  # other subclasses become the plain type
        if isinstance(value, scalar):
            return scalar(value)
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return json_default(value)


def json_default(value: Any) -> Any:
    """``default=`` hook for :func:`json.dumps` covering common non-JSON scalars."""
    if isinstance(value, enum.Enum):
        return normalise(value.value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal | PurePath):
        return str(value)
    raise TypeError(f"value of type {type(value).__name__} is not JSON-serialisable: {value!r}")


def dumps(value: Any) -> str:
    """Compact JSON text, UTF-8 characters kept (``ensure_ascii=False``), key order as given
    (orjson when installed, else the standard library: see ``ionworks_toolkit._codec``)."""
    return _codec_dumps(value, json_default)


def kind_of(value: Any) -> Kind:
    """Classify a flattened value for type unification (bool is not an int here)."""
    value_type = type(value)
    if value_type is str:
        return "str"
    if value is None:
        return "null"
    if value_type is bool:
        return "bool"
    if value_type is float:
        return "float"
    if value_type is int:
        return "int" if _INT64_MIN <= value <= _INT64_MAX else "bigint"
    return "json"


def to_text(value: Any) -> str:
    """Render a flattened value as one text cell: ``None`` -> ``""``, booleans as
    ``true``/``false``, numbers via ``repr``, lists/dicts as compact JSON text."""
    value_type = type(value)
    if value_type is str:
        return value
    if value is None:
        return ""
    if value_type is bool:
        return "true" if value else "false"
    if value_type is int or value_type is float:
        return repr(value)
    return dumps(value)
