"""Filter presets, PostgREST-style filter helpers, and validation against operation parameters.

Filters on the API take PostgREST-style operators (DESIGN.md section 3): ``eq.X``, ``neq.X``,
``ilike.%X%`` (case-insensitive, ``%`` wildcard), ``like.X%``; a bare value means exact match.
The helpers below build them (``contains("LFP") == "ilike.%LFP%"``); a raw value is always
passed through unchanged.

Datetime parameters (``start_time``, ``created_at``, ``updated_at`` and their ``_gt``/``_lt``
forms: the published spec types them as plain strings, the docs say ISO 8601 datetimes) accept
an ISO 8601 datetime or a relative time ``-30d``, ``-12h``, ``-90m``, ``-45s``, ``-2w``, resolved
in UTC when the request is prepared.

Every parameter is checked against the operation's real parameters, read from the overlaid
spec shipped with the generated client (``ionworks_client/openapi.json``): name, enum values,
integer range. A wrong one raises ParameterError naming its source (preset or option), the
parameter and the closest valid choices, before any request is sent.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import json
import logging
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import attrs
import ionworks_client

from .errors import ConfigurationError, PluginError, RegistrationConflictError
from .hookspecs import hookimpl

logger = logging.getLogger("ionworks_toolkit.filters")

#: PostgREST's filter operators (the prefix before the dot in ``ilike.%LFP%``).
POSTGREST_OPERATORS = frozenset(
    [
        "eq",
        "neq",
        "gt",
        "gte",
        "lt",
        "lte",
        "like",
        "ilike",
        "match",
        "imatch",
        "in",
        "is",
        "isdistinct",
        "fts",
        "plfts",
        "phfts",
        "wfts",
        "cs",
        "cd",
        "ov",
        "sl",
        "sr",
        "nxr",
        "nxl",
        "adj",
        "not",
    ]
)
_OPERATOR_PREFIX = re.compile(r"^([a-z]{2,10})\.")


def _warn_unknown_operator(name: str, value: str, source: str) -> None:
    """Warn when a value looks like ``op.X`` with an operator PostgREST does not have.

    Such a value is still sent (as an exact match, which is what the API does with it), but
    ``ilik.%LFP%`` is far more likely a typo than a real value, and it silently matches nothing.
    """
    match = _OPERATOR_PREFIX.match(value)
    if match and match.group(1) not in POSTGREST_OPERATORS:
        close = difflib.get_close_matches(match.group(1), sorted(POSTGREST_OPERATORS), n=1)
        hint = f" (did you mean {close[0]}.?)" if close else ""
        logger.warning(
            "%s: %s=%r starts with %r, which is not a filter operator%s; it is sent as an "
            "exact value. Operators: eq., neq., like., ilike. ...",
            source,
            name,
            value,
            match.group(1) + ".",
            hint,
        )


__all__ = [
    "SEED_OPERATION",
    "FilterPreset",
    "ParameterError",
    "ParameterSpec",
    "PresetRegistry",
    "contains",
    "equals",
    "ilike",
    "like",
    "not_equals",
    "operation_parameters",
    "parse_relative_datetime",
    "starts_with",
]

SEED_OPERATION = "list_cell_measurements_by_project"
DATETIME_PARAMETERS = frozenset(
    f"{field}{suffix}"
    for field in ("start_time", "created_at", "updated_at")
    for suffix in ("", "_gt", "_lt")
)
# Paging parameters are the paginator's business, not a preset's.
PAGING_PARAMETERS = frozenset({"limit", "offset"})
_RELATIVE = re.compile(r"^-(\d+(?:\.\d+)?)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


# --------------------------------------------------------------------------- operator helpers


def equals(value: object) -> str:
    """Exact match: ``equals("EL150800460514") == "eq.EL150800460514"``."""
    return f"eq.{value}"


def not_equals(value: object) -> str:
    """Anything but: ``not_equals("Arbin") == "neq.Arbin"``."""
    return f"neq.{value}"


def escape_like(text: str) -> str:
    """Escape ``%``, ``_`` and ``\\`` so they match themselves in a like/ilike pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """Case-insensitive substring: ``contains("LFP") == "ilike.%LFP%"``.

    ``%`` and ``_`` in ``text`` are escaped (``contains("CH_1") == "ilike.%CH\\_1%"``), so
    they match themselves, not any character.
    """
    return f"ilike.%{escape_like(text)}%"


def starts_with(text: str) -> str:
    """Case-insensitive prefix: ``starts_with("2017-05") == "ilike.2017-05%"`` (escaped as in
    ``contains``)."""
    return f"ilike.{escape_like(text)}%"


def ilike(pattern: str) -> str:
    """Case-insensitive pattern with ``%``/``_`` wildcards: ``ilike("%18650%")``."""
    return f"ilike.{pattern}"


def like(pattern: str) -> str:
    """Case-sensitive pattern with ``%``/``_`` wildcards: ``like("NCR%")``."""
    return f"like.{pattern}"


# --------------------------------------------------------------------------- parameters


@attrs.frozen
class ParameterSpec:
    """One query parameter of an operation, as the overlaid spec declares it.

    ``kind``: ``string``, ``integer``, ``number``, ``boolean``, ``datetime`` (see module
    docstring) or ``array``. ``enum``: allowed values or None. ``minimum``/``maximum``: integer
    range or None. ``default``: the documented default or None.
    """

    name: str
    kind: str
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    required: bool = False


class ParameterError(ConfigurationError):
    """A filter or preset parameter the operation does not accept; raised before any request.

    ``source`` names where it came from (``preset lfp-cathode``, ``--order-by``, ``filter``),
    ``parameter`` the parameter, ``choices`` the closest valid names or values.
    """

    def __init__(self, message: str, *, source: str, parameter: str, choices: Sequence[str]):
        super().__init__(message)
        self.source = source
        self.parameter = parameter
        self.choices = tuple(choices)


def _load_effective_spec() -> dict[str, Any]:
    text = resources.files(ionworks_client).joinpath("openapi.json").read_text(encoding="utf-8")
    return typing.cast(dict[str, Any], json.loads(text))


@cache
def _parameter_table() -> dict[str, dict[str, ParameterSpec]]:
    spec = _load_effective_spec()
    schemas = spec.get("components", {}).get("schemas", {})
    table: dict[str, dict[str, ParameterSpec]] = {}

    def resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
        if "$ref" in schema:
            return typing.cast(Mapping[str, Any], schemas[schema["$ref"].rsplit("/", 1)[-1]])
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return resolve(schema["allOf"][0])
        members = [m for m in schema.get("anyOf", []) if m.get("type") != "null"]
        if len(members) == 1:
            return resolve(members[0])
        return schema

    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, Mapping) or "operationId" not in operation:
                continue
            params: dict[str, ParameterSpec] = {}
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                raw = parameter.get("schema", {})
                schema = resolve(raw)
                name = parameter["name"]
                kind = "datetime" if name in DATETIME_PARAMETERS else schema.get("type", "string")
                enum_values = schema.get("enum")
                params[name] = ParameterSpec(
                    name=name,
                    kind=kind,
                    enum=tuple(str(v) for v in enum_values) if enum_values else None,
                    minimum=schema.get("minimum"),
                    maximum=schema.get("maximum"),
                    default=raw.get("default"),
                    required=bool(parameter.get("required")),
                )
            table[operation["operationId"]] = params
    return table


def operation_parameters(operation: str = SEED_OPERATION) -> dict[str, ParameterSpec]:
    """The query parameters of ``operation`` (an overlaid operationId) by name.

    Raises ConfigurationError for an unknown operation, naming the closest ones.
    """
    table = _parameter_table()
    if operation not in table:
        close = difflib.get_close_matches(operation, list(table), n=3)
        raise ConfigurationError(
            f"unknown operation {operation!r}"
            + (f"; did you mean {', '.join(close)}?" if close else "")
        )
    return table[operation]


def parse_relative_datetime(value: str, now: dt.datetime | None = None) -> str | None:
    """``-30d`` -> ISO 8601 UTC instant 30 days before ``now``; None when not relative.

    Raises ValueError when the instant falls outside the calendar (``-99999999d``).
    """
    match = _RELATIVE.match(value.strip())
    if not match:
        return None
    amount, unit = float(match.group(1)), match.group(2)
    base = now or dt.datetime.now(dt.UTC)
    try:
        instant = base - dt.timedelta(**{_UNITS[unit]: amount})
    except OverflowError:
        raise ValueError(f"{value.strip()} reaches outside the calendar") from None
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _parse_iso(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _closest(value: str, choices: Iterable[str]) -> list[str]:
    choices = list(choices)
    close = difflib.get_close_matches(value, choices, n=3, cutoff=0.5)
    return close or choices


def normalise_value(
    spec: ParameterSpec, value: Any, *, source: str, now: dt.datetime | None = None
) -> Any:
    """Check one value against its ParameterSpec and return what goes on the wire.

    Enum members become their value; ``-30d`` becomes an ISO instant; integers are range-checked.
    Raises ParameterError naming ``source``, the parameter and the allowed values.
    """
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ParameterError(
                f"{source}: {spec.name}={value.isoformat()!r} has no time zone; "
                "give an aware datetime (UTC is assumed nowhere)",
                source=source,
                parameter=spec.name,
                choices=(),
            )
        return value.isoformat()
    if spec.enum is not None:
        text = str(value)
        if text not in spec.enum:
            raise ParameterError(
                f"{source}: {spec.name}={text!r} is not allowed; choose one of: "
                + ", ".join(spec.enum),
                source=source,
                parameter=spec.name,
                choices=spec.enum,
            )
        return text
    if spec.kind == "integer":
        try:
            number = int(str(value))
        except ValueError:
            raise ParameterError(
                f"{source}: {spec.name}={value!r} is not an integer",
                source=source,
                parameter=spec.name,
                choices=(),
            ) from None
        low = spec.minimum if spec.minimum is not None else None
        high = spec.maximum if spec.maximum is not None else None
        if (low is not None and number < low) or (high is not None and number > high):
            lower = int(low) if low is not None else "-inf"
            upper = int(high) if high is not None else "inf"
            bounds = f"{lower}..{upper}"
            raise ParameterError(
                f"{source}: {spec.name}={number} is outside {bounds}",
                source=source,
                parameter=spec.name,
                choices=(),
            )
        return number
    if spec.kind == "boolean":
        text = str(value).lower()
        if text not in ("true", "false"):
            raise ParameterError(
                f"{source}: {spec.name}={value!r} must be true or false",
                source=source,
                parameter=spec.name,
                choices=("true", "false"),
            )
        return text == "true"
    if spec.kind == "datetime":
        text = str(value).strip()
        try:
            relative = parse_relative_datetime(text, now)
        except ValueError as exc:
            raise ParameterError(
                f"{source}: {spec.name}={text!r}: {exc}",
                source=source,
                parameter=spec.name,
                choices=(),
            ) from None
        if relative is not None:
            return relative
        parsed = _parse_iso(text)
        if parsed is None:
            raise ParameterError(
                f"{source}: {spec.name}={text!r} is not a datetime; give ISO 8601 "
                "(2019-01-24T00:00:00Z) or a relative time (-30d, -12h, -90m)",
                source=source,
                parameter=spec.name,
                choices=(),
            )
        return text
    if isinstance(value, str):
        _warn_unknown_operator(spec.name, value, source)
    return value


def validate_parameters(
    params: Mapping[str, Any],
    *,
    operation: str = SEED_OPERATION,
    source: str = "filter",
    allow_paging: bool = False,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Validate and normalise ``params`` for ``operation``; returns wire-ready values.

    Raises ParameterError for an unknown name (with the closest names) or a bad value.
    """
    known = operation_parameters(operation)
    out: dict[str, Any] = {}
    for name, value in params.items():
        spec = known.get(name)
        if spec is None or (name in PAGING_PARAMETERS and not allow_paging):
            candidates = [n for n in known if allow_paging or n not in PAGING_PARAMETERS]
            close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            reason = (
                "is set by the paginator (use --limit/--all or max_records)"
                if name in PAGING_PARAMETERS
                else f"is not a parameter of {operation}"
            )
            raise ParameterError(
                f"{source}: {name!r} {reason}{hint}",
                source=source,
                parameter=name,
                choices=close or candidates,
            )
        if value is None:
            continue
        out[name] = normalise_value(spec, value, source=source, now=now)
    return out


def coerce_to_operation(function: Callable[..., Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Turn wire values into the types a generated operation function expects.

    Generated functions take enum members (e.g. ``ListCellMeasurementsByProjectOrderBy``) for
    enum parameters; they are found from the function's type hints, so this follows
    regeneration without a table of ours.
    """
    hints = typing.get_type_hints(function)
    out: dict[str, Any] = {}
    for name, value in params.items():
        hint = hints.get(name)
        enum_classes = [
            member
            for member in (typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,))
            if isinstance(member, type) and issubclass(member, enum.Enum)
        ]
        if enum_classes and isinstance(value, str):
            value = enum_classes[0](value)
        out[name] = value
    return out


# --------------------------------------------------------------------------- presets


def _to_params(value: Mapping[str, object]) -> Mapping[str, object]:
    return types.MappingProxyType(dict(value))


@attrs.frozen
class FilterPreset:
    """A named, reusable set of filter parameters (public plugin contract).

    ``name``: lower-case, ``[a-z0-9_.-]``. ``params``: ``{parameter: value}`` for
    ``operation`` (default: the seed by-project list); values as the API takes them (raw
    operators allowed) or relative datetimes such as ``-30d``.
    """

    name: str = attrs.field()
    description: str = attrs.field()
    params: Mapping[str, object] = attrs.field(converter=_to_params)
    operation: str = SEED_OPERATION

    @name.validator
    def _check_name(self, _attribute: object, value: str) -> None:
        if not _PRESET_NAME.match(value):
            raise ConfigurationError(
                f"preset name {value!r} must be lower-case letters, digits, '-', '_' or '.'"
            )


BUILTIN_PRESETS = (
    FilterPreset(
        "recent-uploads",
        "Measurements created in the last 30 days, newest first.",
        {"created_at_gt": "-30d", "order_by": "created_at", "order": "desc"},
    ),
    FilterPreset(
        "cycling-oldest-first",
        "Time-series (cycling) measurements in test start order, oldest first.",
        {"measurement_type": "time_series", "order_by": "start_time", "order": "asc"},
    ),
    FilterPreset(
        "property-measurements",
        "Properties measurements only (single values such as capacity checks), by name.",
        {"measurement_type": "properties", "order_by": "name", "order": "asc"},
    ),
    FilterPreset(
        "lfp-cathode",
        "Cells whose specification has an LFP (LiFePO4) cathode.",
        {"spec_cathode": contains("LFP")},
    ),
    FilterPreset(
        "nmc-cathode",
        "Cells whose specification has an NMC cathode.",
        {"spec_cathode": contains("NMC")},
    ),
)


class BuiltinPresetsPlugin:
    """Registers the built-in presets (a plugin like any other)."""

    @hookimpl
    def ionworks_register_presets(self, register: Callable[[FilterPreset], None]) -> None:
        for preset in BUILTIN_PRESETS:
            register(preset)


class PresetRegistry:
    """Presets by name, with the plugin (or config file) that registered each."""

    def __init__(self) -> None:
        self._presets: dict[str, tuple[FilterPreset, str]] = {}

    def register(self, preset: FilterPreset, owner: str) -> None:
        """Add ``preset``; raises PluginError when its name is taken, naming both owners.

        A preset built with another copy's ``FilterPreset`` (an installed plugin loaded into a
        vendored toolkit, or the reverse) is accepted when it has the same four fields.
        """
        if not isinstance(preset, FilterPreset):
            fields = ("name", "description", "params", "operation")
            if not all(hasattr(preset, field) for field in fields):
                raise PluginError(f"{owner} registered {preset!r}, which is not a FilterPreset")
            preset = FilterPreset(
                name=preset.name,
                description=preset.description,
                params=preset.params,
                operation=preset.operation,
            )
        if preset.name in self._presets:
            _, first = self._presets[preset.name]
            raise RegistrationConflictError(
                f"preset {preset.name!r} is registered twice: by {first} and by {owner}"
            )
        validate_parameters(
            {k: v for k, v in preset.params.items()},
            operation=preset.operation,
            source=f"preset {preset.name}",
            now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        )
        self._presets[preset.name] = (preset, owner)

    def register_from_config(self, presets: Mapping[str, Mapping[str, Any]], path: str) -> None:
        """Add ``[presets.NAME]`` tables (keys: parameters, plus ``description``/``operation``)."""
        for name, table in presets.items():
            if not isinstance(table, Mapping):
                raise ConfigurationError(f"{path}: [presets.{name}] must be a table")
            params = {k: v for k, v in table.items() if k not in ("description", "operation")}
            self.register(
                FilterPreset(
                    name=name,
                    description=str(table.get("description", "")),
                    params=params,
                    operation=str(table.get("operation", SEED_OPERATION)),
                ),
                owner=f"config file {path}",
            )

    def remove_owner(self, owner: str) -> None:
        """Forget every preset ``owner`` registered (its plugin broke while registering)."""
        for name in [n for n, (_, o) in self._presets.items() if o == owner]:
            del self._presets[name]

    def get(self, name: str) -> FilterPreset:
        """The preset called ``name``; ConfigurationError listing the closest names otherwise."""
        if name not in self._presets:
            close = _closest(name, sorted(self._presets))
            hint = "choose one of: " + ", ".join(close) if close else "no presets are registered"
            raise ParameterError(
                f"--preset: unknown preset {name!r}; {hint}",
                source="--preset",
                parameter=name,
                choices=close,
            )
        return self._presets[name][0]

    def owner(self, name: str) -> str:
        return self._presets[name][1]

    def __iter__(self) -> typing.Iterator[FilterPreset]:
        return iter(preset for preset, _ in sorted(self._presets.values(), key=lambda p: p[0].name))

    def __len__(self) -> int:
        return len(self._presets)

    def resolve(
        self,
        names: Sequence[str],
        filters: Mapping[str, Any],
        *,
        operation: str = SEED_OPERATION,
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """Compose presets left to right, then explicit ``filters`` (which win); validate all.

        Returns wire-ready parameters (relative datetimes resolved at ``now``, default: now UTC).
        """
        merged: dict[str, Any] = {}
        for name in names:
            preset = self.get(name)
            if preset.operation != operation:
                raise ConfigurationError(
                    f"preset {name!r} is for {preset.operation}, not {operation}"
                )
            merged.update(
                validate_parameters(
                    dict(preset.params), operation=operation, source=f"preset {name}", now=now
                )
            )
        merged.update(validate_parameters(filters, operation=operation, source="filter", now=now))
        return merged
