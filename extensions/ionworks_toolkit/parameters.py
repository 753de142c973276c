"""Query parameters of the API's operations, read from the overlaid spec, and their validation.

Every parameter is checked against the operation's real parameters, read from the overlaid
spec shipped with the generated client (``ionworks_client/openapi.json``): name, enum values,
integer range. A wrong one raises ParameterError naming its source (preset or option), the
parameter and the closest valid choices, before any request is sent.

Datetime parameters are the ones the overlaid spec marks as instants: ``x-ionworks-datetime:
true`` on the parameter (added by ``openapi/overlays/62-instant-parameters.yaml`` to text-typed
query parameters named ``*_at``/``*_time`` with an optional ``_gt``/``_lt``:
today ``start_time``, ``created_at``, ``updated_at`` and their ``_gt``/``_lt`` forms, which the
published spec types as plain strings) or ``format: date-time`` on its schema. They accept an
ISO 8601 datetime or a relative time ``-30d``, ``-12h``, ``-90m``, ``-45s``, ``-2w``, resolved in
UTC when the request is prepared.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import typing
import uuid
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import attrs
import httpx
import ionworks_client

from ._numbers import integer_text
from .arguments import type_name
from .errors import (
    ArgumentTypeError,
    ConfigurationError,
    ParameterError,
    did_you_mean,
    not_utf8,
)
from .filters import check_operand, warn_unknown_operator

__all__ = [
    "DATETIME_MARKER",
    "DATETIME_PARAMETERS",  # noqa: F822 (module __getattr__: read from the spec on first use)
    "MAX_QUERY_LENGTH",
    "PAGING_PARAMETERS",
    "SEED_OPERATION",
    "ParameterError",
    "ParameterSpec",
    "check_query_length",
    "datetime_parameters",
    "is_datetime_parameter",
    "missing_required",
    "normalise_value",
    "operation_parameters",
    "parameter_table",
    "parse_relative_datetime",
    "validate_parameters",
    "wire_name",
]

SEED_OPERATION = "list_cell_measurements_by_project"
#: The vendor extension on a query parameter saying its value is an instant (see module docstring).
DATETIME_MARKER = "x-ionworks-datetime"
# Paging parameters are the paginator's business, not a preset's.
PAGING_PARAMETERS = frozenset({"limit", "offset"})
#: The longest URL component httpx builds (``httpx._urlparse.MAX_URL_LENGTH``): a request whose
#: query string (names and percent-encoded values) is longer raises ``httpx.InvalidURL``.
MAX_QUERY_LENGTH = 65_536
_RELATIVE = re.compile(r"^-(\d+(?:\.\d+)?)([smhdw])\Z")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@attrs.frozen
class ParameterSpec:
    """One query parameter of an operation, as the overlaid spec declares it.

    ``name`` is the wire name (``from``), not the generated function's argument (``from_``).
    ``kind``: ``string``, ``integer``, ``number``, ``boolean``, ``datetime`` (see module
    docstring), ``array`` or ``object`` (refused: see ``normalise_value``). ``enum``: allowed
    values or None. ``minimum``/``maximum``: integer range or None. ``default``: the documented
    default or None. ``required``: the spec's ``required``.
    """

    name: str
    kind: str
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    required: bool = False


def _load_effective_spec() -> dict[str, Any]:
    text = resources.files(ionworks_client).joinpath("openapi.json").read_text(encoding="utf-8")
    return typing.cast(dict[str, Any], json.loads(text))


def is_datetime_parameter(parameter: Mapping[str, Any], schema: Mapping[str, Any]) -> bool:
    """Whether a query ``parameter`` (its spec object) takes an instant: it carries
    ``x-ionworks-datetime: true`` (``DATETIME_MARKER``) or its resolved ``schema`` (the non-null
    member of ``anyOf``) has ``format: date-time``."""
    return parameter.get(DATETIME_MARKER) is True or schema.get("format") == "date-time"


@cache
def _parameter_table() -> dict[str, dict[str, ParameterSpec]]:
    return parameter_table(_load_effective_spec())


def parameter_table(spec: Mapping[str, Any]) -> dict[str, dict[str, ParameterSpec]]:
    """The query parameters of every operation of an OpenAPI ``spec`` (a parsed document, e.g.
    the client's overlaid ``openapi.json``): ``{operationId: {wire name: ParameterSpec}}``, in
    the spec's order. Path and header parameters and operations without an operationId are left
    out."""
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
                kind = schema.get("type", "object" if "properties" in schema else "string")
                if isinstance(kind, list):  # OpenAPI 3.1: type: [integer, "null"]
                    kind = next((k for k in kind if k != "null"), "string")
                if is_datetime_parameter(parameter, schema):
                    kind = "datetime"
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


def datetime_parameters() -> frozenset[str]:
    """Wire names of the datetime query parameters of every operation of the client's overlaid
    spec (``ionworks_client/openapi.json``; see ``is_datetime_parameter``), e.g.
    ``start_time_gt``. Use ``operation_parameters(op)[name].kind == "datetime"`` for one
    operation's."""
    return frozenset(
        name
        for params in _parameter_table().values()
        for name, spec in params.items()
        if spec.kind == "datetime"
    )


def __getattr__(name: str) -> frozenset[str]:
    # DATETIME_PARAMETERS was a hard-coded set; it is now read from the spec on first use
    # (datetime_parameters()), so that importing this module does not load the spec.
    if name == "DATETIME_PARAMETERS":
        return datetime_parameters()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def operation_parameters(operation: str = SEED_OPERATION) -> dict[str, ParameterSpec]:
    """The query parameters of ``operation`` (an overlaid operationId) by name.

    Raises ConfigurationError for an unknown operation, naming the closest ones.
    """
    table = _parameter_table()
    if operation not in table:
        raise ConfigurationError(
            f"unknown operation {operation!r}; {did_you_mean(operation, sorted(table), most=12)}"
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


def squash(name: str) -> str:
    """``name`` lower-cased with everything but letters and digits dropped: the key on which a
    wire name (``from``, ``created-at``) meets the generator's Python name (``from_``,
    ``created_at``)."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def wire_name(name: str, known: Mapping[str, ParameterSpec]) -> str:
    """The wire name ``name`` stands for among ``known`` parameters.

    Accepted spellings of a wire name ``from``: ``from`` itself, the generated client's Python
    name ``from_``, and ``api_from`` (the spelling for a parameter whose name collides with an
    option of the toolkit's own, such as ``page_size``). ``name`` is returned unchanged when
    it matches none (the caller reports it as unknown).
    """
    if name in known:
        return name
    for candidate in (name.removeprefix("api_"), name.removesuffix("_")):
        if candidate != name and candidate in known:
            return candidate
    matches = [wire for wire in known if squash(wire) == squash(name.removeprefix("api_"))]
    return matches[0] if len(matches) == 1 else name


def missing_required(params: Mapping[str, Any], operation: str = SEED_OPERATION) -> list[str]:
    """Wire names of the required query parameters of ``operation`` that ``params`` lacks
    (paging parameters excluded: the paginator sends them)."""
    return [
        name
        for name, spec in operation_parameters(operation).items()
        if spec.required and name not in PAGING_PARAMETERS and params.get(name) is None
    ]


def check_sendable(name: str, text: str, source: str) -> None:
    """``text`` can go on the wire (UTF-8): no lone surrogate (``"\\ud800"``, which a str
    may hold but no URL can carry).

    :raises ParameterError: naming ``source``, the parameter and the character, before any
        request.
    """
    what = not_utf8(text)
    if what is not None:
        raise ParameterError(
            f"{source}: {name}={text!r} holds {what}; it cannot be sent: a URL carries UTF-8 "
            "text only",
            source=source,
            parameter=name,
            choices=(),
        )


def check_query_length(query: Mapping[str, Any], *, source: str = "filter") -> None:
    """``query`` (parameter name -> value, as a request sends them) fits in one URL: its query
    string, as httpx encodes it (``name=value&...``, UTF-8 percent-encoded), is at most
    :data:`MAX_QUERY_LENGTH` characters (FINDINGS7 G2: a long ``name`` filter gave a bare
    ``httpx.InvalidURL``).

    :raises ParameterError: naming ``source``, the parameter whose encoded ``name=value`` is
        longest, the query's length and the limit; the value itself is never shown.
    """
    length = len(str(httpx.QueryParams(query)))
    if length <= MAX_QUERY_LENGTH:
        return
    sizes = {name: len(str(httpx.QueryParams({name: value}))) for name, value in query.items()}
    name = max(sizes, key=sizes.__getitem__)
    raise ParameterError(
        f"{source}: {name}: the request's query would be {length:,} characters long "
        f"({sizes[name]:,} of them for {name}, percent-encoded), over the "
        f"{MAX_QUERY_LENGTH:,} httpx accepts in a URL; give a shorter value or split the "
        "request",
        source=source,
        parameter=name,
        choices=(),
    )


def normalise_value(
    spec: ParameterSpec, value: Any, *, source: str, now: dt.datetime | None = None
) -> Any:
    """Check one value against its ParameterSpec and return what goes on the wire.

    Enum members become their value; ``-30d`` becomes an ISO instant; integers are range-checked.
    Raises ParameterError naming ``source``, the parameter and the allowed values.
    """
    if spec.kind == "object":
        raise ParameterError(
            f"{source}: {spec.name} is an object-typed query parameter, which the toolkit does "
            "not send (its serialisation, e.g. deepObject, is not supported); leave it out, or "
            "call the generated client (ionworks_client) directly",
            source=source,
            parameter=spec.name,
            choices=(),
        )
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
    if isinstance(value, str):
        check_sendable(spec.name, value, source)
    if spec.enum is not None:
        if not isinstance(value, str):  # order_by=5 would be sent as '5'
            raise ArgumentTypeError(
                f"{source}: {spec.name}={value!r} is {type_name(value)}; {spec.name} takes "
                f"one of: {', '.join(spec.enum)}",
                source=source,
                parameter=spec.name,
                choices=spec.enum,
            )
        text = value
        if text not in spec.enum:
            raise ParameterError(
                f"{source}: {spec.name}={text!r} is not allowed; "
                + did_you_mean(text, spec.enum, label="choose one of"),
                source=source,
                parameter=spec.name,
                choices=spec.enum,
            )
        return text
    if spec.kind == "integer":
        try:
            number = integer_text(str(value))
        except ValueError:
            raise ParameterError(
                f"{source}: {spec.name}={value!r} is not an integer",
                source=source,
                parameter=spec.name,
                choices=(),
            ) from None
        low, high = spec.minimum, spec.maximum
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
        if parsed.tzinfo is None:
            # One rule for text (command line, presets, config) and datetime objects: an
            # instant says its time zone; a naive one could be local time or UTC.
            raise ParameterError(
                f"{source}: {spec.name}={text!r} has no time zone; add Z for UTC or an offset, "
                f"e.g. {parsed.isoformat() + 'Z'!r} (UTC is assumed nowhere)",
                source=source,
                parameter=spec.name,
                choices=(),
            )
        return text
    if spec.kind == "string" and not isinstance(value, str):
        if isinstance(value, uuid.UUID):
            return str(value)
        # name=5 would send "5" as an exact match nobody meant, a list one repeated
        # parameter (never an OR): say what text looks like.
        text = str(value) if isinstance(value, int | float) else "TEXT"
        raise ArgumentTypeError(
            f"{source}: {spec.name}={value!r} is {type_name(value)}; {spec.name} takes text: "
            f"a value or an operator, e.g. {spec.name}='eq.{text}' or contains('{text}')",
            source=source,
            parameter=spec.name,
            choices=(),
        )
    if isinstance(value, str):
        if spec.kind == "string" and not value.strip():
            # name='' is sent as name= and matches only records whose name is empty text:
            # almost always an empty shell variable, not a wish (FINDINGS6 F13).
            raise ParameterError(
                f"{source}: {spec.name}={value!r} is {'empty' if not value else 'blank'}: it "
                f"would match only records whose {spec.name} is exactly that; give a value "
                f"(or {spec.name}='eq.{value}' to ask for those)",
                source=source,
                parameter=spec.name,
                choices=(),
            )
        if spec.kind == "string":
            check_operand(spec.name, value, source)  # FINDINGS11 L9: ilike. / neq. alone
        warn_unknown_operator(spec.name, value, source)
    return value


def validate_parameters(
    params: Mapping[str, Any],
    *,
    operation: str = SEED_OPERATION,
    source: str = "filter",
    allow_paging: bool = False,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Validate and normalise ``params`` for ``operation``; returns wire-ready values keyed by
    wire name (``from_`` and ``api_from`` are accepted for ``from``: see ``wire_name``).

    Raises ParameterError for an unknown name (with the closest names), a bad value, or two
    spellings of one parameter (``from_`` and ``from``: which should win is not guessed).
    """
    known = operation_parameters(operation)
    out: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for given, value in params.items():
        name = wire_name(given, known)
        if name in spelled:
            raise ParameterError(
                f"{source}: {spelled[name]!r} and {given!r} both set the API parameter "
                f"{name!r}; give it once",
                source=source,
                parameter=name,
                choices=[name],
            )
        spelled[name] = given
        spec = known.get(name)
        if spec is None or (name in PAGING_PARAMETERS and not allow_paging):
            candidates = [n for n in known if allow_paging or n not in PAGING_PARAMETERS]
            # A parameter the paginator sets needs no suggestion; any other name gets the
            # close ones and every parameter of the operation.
            hint = (
                ""
                if name in PAGING_PARAMETERS
                else "; " + did_you_mean(name, candidates, cutoff=0.5)
            )
            # A CLI option (source "--filter") names CLI options; a Python keyword argument
            # (source "filter") Python's; a preset (used from both) names both.
            paging = "--limit/--all or max_records"
            if source.startswith("--"):
                paging = "--limit/--all"
            elif source == "filter":
                paging = "max_records"
            reason = (
                f"is set by the paginator (use {paging})"
                if name in PAGING_PARAMETERS
                else f"is not a parameter of {operation}"
            )
            raise ParameterError(
                f"{source}: {name!r} {reason}{hint}",
                source=source,
                parameter=name,
                choices=candidates,
            )
        if value is None:
            continue
        out[name] = normalise_value(spec, value, source=source, now=now)
    return out
