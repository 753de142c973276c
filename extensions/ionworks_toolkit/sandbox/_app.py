"""The sandbox FastAPI app: the snapshot's cell-data read endpoints over the packaged dataset.

Endpoints (all require ``X-API-Key: <key>`` or ``Authorization: Bearer <token>``):

* ``GET /projects``: bare JSON array of ``Project``;
* ``GET /projects/{project_id}``: ``Project``;
* ``GET /cell_specifications``: ``{items, count, total}`` of ``CellSpecificationWithComponents``;
* ``GET /cell_specifications/{cell_spec_id}``: ``CellSpecificationWithComponents``;
* ``GET /cell_specifications/{cell_spec_id}/cell_instances``: envelope of ``CellInstance``;
* ``GET /cell_instances/{cell_instance_id}``: ``CellInstance``;
* ``GET /cell_instances/{cell_instance_id}/cell_measurements``: envelope of ``CellMeasurement``;
* ``POST /cell_instances/{cell_instance_id}/cell_measurements/create``: 201 ``CellMeasurement``
  (a ``properties`` measurement, kept in memory for the app's life);
* ``GET /cell_measurements/by-project/{project_id}`` (the seed endpoint): envelope of
  ``CellMeasurement`` objects each with the nested ``specification`` and ``instance``;
* ``GET /cell_measurements/{measurement_id}``: ``CellMeasurement``.

Query parameters are declared as in the OpenAPI snapshot, so FastAPI itself answers invalid
``limit``/``offset``/enum values with its 422 ``{"detail": [{"type", "loc", "msg", "input",
...}]}``; malformed datetimes get the same body from the sandbox (type
``datetime_from_date_parsing``, ``loc ["query", <parameter>]``), parsed by pydantic's datetime
rules (ISO 8601 with ``Z`` or an offset, a date alone, or Unix seconds; naive values are UTC).
String filters and ordering are described in :mod:`ionworks_toolkit.sandbox._query`.

Errors: unknown ids give 404 ``{"detail": "<Kind> not found"}``; a duplicate measurement name on
one instance gives 409 ``{"error_code": "CONFLICT", "message": ..., "detail": {"existing_id":
...}}``; an unexpected failure gives 500 ``{"error_code": "INTERNAL_ERROR", ...}``.

The other list endpoints take the vendor client's parameters. When ``limit`` is not sent a page
holds up to 1000 records (``limit`` is 1..1000, ``offset`` >= 0); the order is ``created_at``
descending unless ``order_by``/``order`` say otherwise (``/projects`` and instances:
``name|created_at|updated_at``; specifications too, by the sandbox's internal creation and
update times since specification records carry no timestamps; instance measurements: the eight
by-project columns); an unknown ``order_by`` is a 422 ``literal_error``. Specification filters:
``project_id``, ``name``, ``form_factor``, ``created_by_email`` (operator syntax),
``created_at``/``updated_at`` ``_gt``/``_lt`` (those internal times),
``material_id``/``material_ids`` (a material in any slot), ``anode_material_id`` ...
``case_material_id`` (only anode and cathode components exist, so the other slots never match),
``exclude_cell_spec_id``; ``full`` is accepted and ignored (nested components are always
served). Instance filters: ``name``, ``created_by_email``, ``created_at``/``updated_at``
``_gt``/``_lt``; ``batch_id`` matches nothing (sandbox instances carry the dataset's free-text
``batch``, not a CellBatch id). Instance measurements: ``measurement_type``, ``name``,
``created_by_email``, ``start_time``/``created_at``/``updated_at`` ``_gt``/``_lt`` and
``tags_all``/``tags_any`` (case-insensitive).

Authentication (checked after the fault options, see :class:`SandboxOptions`): a bearer token,
when an ``Authorization: Bearer`` header is sent, decides alone (``401 {"detail": "Invalid
token"}`` or ``"Token expired"``, with ``WWW-Authenticate: Bearer error="invalid_token"``);
otherwise ``X-API-Key`` must equal the configured key (``401 {"detail": "Invalid API key"}``);
with neither, ``401 {"detail": "Not authenticated"}`` and ``WWW-Authenticate: Bearer``. Every
counted response carries ``x-request-id: sandbox-<n>``. ``/openapi.json``, ``/docs`` and
``/redoc`` are public. A dropped connection makes uvicorn log "ASGI callable returned without
completing response.": that line is expected.

Handlers run on the server's event loop (so the in-memory store needs no lock); the request
counter is lock-protected. Responses are built from per-record JSON text (specifications cached)
and returned as raw bytes, without response-model validation or ``jsonable_encoder``.
"""

import asyncio
import hmac
import json
import threading
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator

from ._catalogue import (
    Catalogue,
    ConflictError,
    Instance,
    Measurement,
    Project,
    Spec,
    datetime_to_us,
)
from ._options import SandboxOptions
from ._page_cache import PageCache
from ._query import (
    MeasurementFilters,
    StringFilter,
    TimeFilter,
    order_records,
    ordered_measurements,
)

__all__ = ["MeasurementType", "RequestCounter", "create_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PUBLIC_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
_DEFAULT_LIST_LIMIT = 1000
_DATETIME = TypeAdapter(datetime)


class MeasurementType(StrEnum):
    """Shape of a measurement's data (the snapshot's ``MeasurementType``)."""

    time_series = "time_series"
    file = "file"
    properties = "properties"


OrderBy = Literal[
    "name",
    "created_at",
    "updated_at",
    "start_time",
    "cell_instance_id",
    "step_labels_validated",
    "cycler",
    "notes",
]
Order = Literal["asc", "desc"]
_MEASUREMENT_ORDER_BY: tuple[str, ...] = get_args(OrderBy)


class RequestCounter:
    """Thread-safe numbering of one app's requests: 1, 2, 3, ..."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def next(self) -> int:
        """Count one more request and return its number."""
        with self._lock:
            self._count += 1
            return self._count

    @property
    def count(self) -> int:
        """Requests counted so far."""
        with self._lock:
            return self._count


# ---------------------------------------------------------------------------- helpers


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json(value: Any, status_code: int = 200) -> Response:
    return Response(content=_dumps(value), status_code=status_code, media_type="application/json")


def _validation_error(errors: Sequence[dict[str, Any]]) -> RequestValidationError:
    return RequestValidationError(list(errors))


def _literal_error(param: str, value: str, allowed: Sequence[str]) -> dict[str, Any]:
    quoted = [f"'{a}'" for a in allowed]
    expected = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return {
        "type": "literal_error",
        "loc": ["query", param],
        "msg": f"Input should be {expected}",
        "input": value,
        "ctx": {"expected": expected},
    }


def _parse_times(**raw: str | None) -> dict[str, int | None]:
    """Parse datetime query parameters to microseconds (naive = UTC); 422 on any bad one."""
    parsed: dict[str, int | None] = {}
    errors: list[dict[str, Any]] = []
    for param, value in raw.items():
        if value is None:
            parsed[param] = None
            continue
        try:
            parsed[param] = datetime_to_us(_DATETIME.validate_strings(value))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                errors.append({**err, "loc": ["query", param], "input": value})
        except (OverflowError, ValueError) as exc:
            errors.append(
                {
                    "type": "datetime_from_date_parsing",
                    "loc": ["query", param],
                    "msg": f"Input should be a valid datetime or date, {exc}",
                    "input": value,
                    "ctx": {"error": str(exc)},
                }
            )
    if errors:
        raise _validation_error(errors)
    return parsed


def _sf(raw: str | None, *, case_insensitive: bool = False) -> StringFilter | None:
    return None if raw is None else StringFilter.parse(raw, case_insensitive=case_insensitive)


def _check_order_by(value: str | None, allowed: Sequence[str]) -> str:
    if value is None:
        return "created_at"
    if value not in allowed:
        raise _validation_error([_literal_error("order_by", value, allowed)])
    return value


def _normalise_tags(tags: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in tags:
        cleaned = tag.strip()
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
    return tuple(sorted(seen.values(), key=lambda t: (t.casefold(), t)))


class CreatePropertiesMeasurementRequest(BaseModel):
    """Body of ``POST /cell_instances/{id}/cell_measurements/create`` (the snapshot's schema)."""

    name: Annotated[str, Field(min_length=1, max_length=255)]
    properties: dict[str, Any]
    protocol: dict[str, Any] = Field(default_factory=dict)
    start_time: datetime | None = None
    test_setup: dict[str, Any] = Field(default_factory=dict)
    step_labels_validated: bool = False
    notes: str | None = None
    measurement_type: MeasurementType = MeasurementType.properties
    file_metadata: dict[str, Any] = Field(default_factory=dict)
    end_time: str | None = None
    tags: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=50)

    @field_validator("measurement_type")
    @classmethod
    def _must_be_properties(cls, value: MeasurementType) -> MeasurementType:
        if value is not MeasurementType.properties:
            raise ValueError("measurement_type must be 'properties' on this endpoint")
        return value


# ---------------------------------------------------------------------------- middleware


class _SandboxMiddleware:
    """Counts requests, adds latency and faults, and checks credentials (pure ASGI)."""

    def __init__(self, app: ASGIApp, options: SandboxOptions, counter: RequestCounter) -> None:
        self.app = app
        self.options = options
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        opts = self.options
        number = self.counter.next()
        request_id = f"sandbox-{number}".encode()
        if opts.latency_ms:
            await asyncio.sleep(opts.latency_ms / 1000.0)
        if opts.drop_connection_on_request == number:
            await self._drop(send)
            return
        if opts.fail_500_on_request == number:
            body = {
                "error_code": "INTERNAL_ERROR",
                "message": "Injected sandbox failure",
                "detail": {"request_number": number},
            }
            await _send_json(send, 500, body, [(b"x-request-id", request_id)])
            return
        if opts.rate_limit_every and number % opts.rate_limit_every == 0:
            await _send_json(
                send,
                429,
                {"detail": "Rate limit exceeded"},
                [(b"retry-after", str(opts.retry_after_s).encode()), (b"x-request-id", request_id)],
            )
            return
        problem = self._authenticate(scope, number)
        if problem is not None:
            detail, headers = problem
            await _send_json(
                send, 401, {"detail": detail}, [*headers, (b"x-request-id", request_id)]
            )
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        await self.app(scope, receive, send_with_id)

    def _authenticate(
        self, scope: Scope, number: int
    ) -> tuple[str, list[tuple[bytes, bytes]]] | None:
        authorization: str | None = None
        api_key: str | None = None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == b"x-api-key":
                api_key = value.decode("latin-1")
        opts = self.options
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            token = token.strip()
            if scheme.lower() == "bearer" and token:
                invalid = [(b"www-authenticate", b'Bearer error="invalid_token"')]
                if not any(hmac.compare_digest(token, t) for t in opts.bearer_tokens):
                    return "Invalid token", invalid
                expiry = opts.expire_token_after_requests
                if expiry is not None and token == opts.bearer_tokens[0] and number > expiry:
                    return "Token expired", invalid
                return None
        if api_key is not None:
            if opts.api_key is not None and hmac.compare_digest(api_key, opts.api_key):
                return None
            return "Invalid API key", []
        return "Not authenticated", [(b"www-authenticate", b"Bearer")]

    @staticmethod
    async def _drop(send: Send) -> None:
        # Announce a body that never completes, then return: the server logs the incomplete
        # response and closes the connection, and the client sees a transport error.
        partial = b'{"items":[{"name":"'
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", b"4096"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": partial, "more_body": True})


async def _send_json(
    send: Send, status: int, body: Any, headers: Sequence[tuple[bytes, bytes]]
) -> None:
    content = _dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


# ---------------------------------------------------------------------------- the app


class _Resources:
    """What every router needs: the options, the catalogue, and the shared response helpers
    (paging with the fault options applied, the envelope, 404s)."""

    def __init__(self, options: SandboxOptions, catalogue: Catalogue) -> None:
        self.options = options
        self.catalogue = catalogue

    def total_of(self, n: int) -> int:
        return max(0, n + self.options.total_offset)

    def slice_of(self, records: Sequence[Any], limit: int | None, offset: int | None) -> list[Any]:
        start = 0 if self.options.ignore_offset or offset is None else offset
        size = _DEFAULT_LIST_LIMIT if limit is None else limit
        return list(records[start : start + size])

    def envelope(self, items: list[str] | str, total: int, count: int | None = None) -> Response:
        """``{"items": [...], "count": n, "total": t}`` from JSON texts (or pre-joined text)."""
        if isinstance(items, list):
            count, items = len(items), ",".join(items)
        body = f'{{"items":[{items}],"count":{count or 0},"total":{self.total_of(total)}}}'
        return Response(content=body.encode("utf-8"), media_type="application/json")

    def project_or_404(self, project_id: str) -> Project:
        project = self.catalogue.projects_by_id.get(project_id)
        if project is None:
            raise HTTPException(status_code=404, detail="Project not found")
        return project

    def spec_or_404(self, cell_spec_id: str) -> Spec:
        spec = self.catalogue.specs_by_id.get(cell_spec_id)
        if spec is None:
            raise HTTPException(status_code=404, detail="Cell specification not found")
        return spec

    def instance_or_404(self, cell_instance_id: str) -> Instance:
        instance = self.catalogue.instances_by_id.get(cell_instance_id)
        if instance is None:
            raise HTTPException(status_code=404, detail="Cell instance not found")
        return instance

    @staticmethod
    def time_filter(times: dict[str, int | None], field: str) -> TimeFilter:
        return TimeFilter(
            eq=times.get(field), gt=times.get(f"{field}_gt"), lt=times.get(f"{field}_lt")
        )


def _projects_router(res: _Resources) -> APIRouter:
    """The projects endpoints (see the module docstring)."""
    router = APIRouter()
    cat = res.catalogue
    slice_of = res.slice_of
    project_or_404 = res.project_or_404
    time_filter = res.time_filter

    @router.get("/projects", summary="List projects for an organization")
    async def list_projects(
        limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
        offset: Annotated[int | None, Query(ge=0)] = None,
        name: Annotated[str | None, Query(description="Client: ilike.%x% or eq.x")] = None,
        created_at_gt: str | None = None,
        created_at_lt: str | None = None,
        updated_at_gt: str | None = None,
        updated_at_lt: str | None = None,
        order_by: Annotated[str | None, Query(description="name, created_at or updated_at")] = None,
        order: Order | None = None,
    ) -> Response:
        column = _check_order_by(order_by, ("name", "created_at", "updated_at"))
        times = _parse_times(
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
        )
        name_filter = _sf(name)
        created, updated = time_filter(times, "created_at"), time_filter(times, "updated_at")
        projects = [
            p
            for p in cat.projects
            if (name_filter is None or name_filter.matches(p.name))
            and created.matches(p.created_us)
            and updated.matches(p.updated_us)
        ]
        key: Callable[[Project], Any] = {
            "name": lambda p: p.name,
            "created_at": lambda p: p.created_us,
            "updated_at": lambda p: p.updated_us,
        }[column]
        ordered = order_records(projects, key, lambda p: p.id, descending=order != "asc")
        return _json([cat.project_record(p) for p in slice_of(ordered, limit, offset)])

    @router.get(
        "/projects/{project_id}", summary="Get a specific project by ID within an organization"
    )
    async def get_project(project_id: str) -> Response:
        return _json(cat.project_record(project_or_404(project_id)))

    return router


def _specifications_router(res: _Resources) -> APIRouter:
    """The specifications endpoints (see the module docstring)."""
    router = APIRouter()
    cat = res.catalogue
    slice_of = res.slice_of
    envelope = res.envelope
    spec_or_404 = res.spec_or_404
    time_filter = res.time_filter

    @router.get(
        "/cell_specifications",
        tags=["Cell Specifications"],
        summary="List cell specifications",
    )
    async def list_cell_specifications(
        full: Annotated[
            bool | None, Query(description="Accepted; nested components are always included")
        ] = None,
        limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
        offset: Annotated[int | None, Query(ge=0)] = None,
        name: Annotated[str | None, Query(description="ilike.%x% or eq.x")] = None,
        form_factor: Annotated[str | None, Query(description="eq.<value>")] = None,
        created_by_email: Annotated[str | None, Query(description="ilike.%x%")] = None,
        created_at_gt: str | None = None,
        created_at_lt: str | None = None,
        updated_at_gt: str | None = None,
        updated_at_lt: str | None = None,
        order_by: Annotated[str | None, Query(description="name, created_at or updated_at")] = None,
        order: Order | None = None,
        project_id: Annotated[
            str | None, Query(description="Restricts to one project (eq.<id> or <id>)")
        ] = None,
        material_id: Annotated[
            str | None, Query(description="Specs using this material in any slot")
        ] = None,
        material_ids: Annotated[
            list[str] | None, Query(description="Specs using any of these materials")
        ] = None,
        anode_material_id: str | None = None,
        cathode_material_id: str | None = None,
        electrolyte_material_id: str | None = None,
        separator_material_id: str | None = None,
        case_material_id: str | None = None,
        exclude_cell_spec_id: Annotated[
            str | None, Query(description="Drop this spec from results")
        ] = None,
    ) -> Response:
        column = _check_order_by(order_by, ("name", "created_at", "updated_at"))
        times = _parse_times(
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
        )
        created, updated = time_filter(times, "created_at"), time_filter(times, "updated_at")
        email_filter = _sf(created_by_email)
        if email_filter is not None and not email_filter.matches(cat.created_by_email):
            return envelope([], 0)
        filters = [
            (f, getter)
            for f, getter in (
                (_sf(name), lambda s: s.name),
                (_sf(form_factor), lambda s: s.form_factor),
                (_sf(project_id), lambda s: s.project.id),
            )
            if f is not None
        ]
        # Only anode and cathode components exist in the sandbox: any other slot never matches.
        slots: dict[str, str | None] = {
            "anode": anode_material_id,
            "cathode": cathode_material_id,
            "electrolyte": electrolyte_material_id,
            "separator": separator_material_id,
            "case": case_material_id,
        }
        wanted_any = set(material_ids or ()) | ({material_id} if material_id else set())

        def materials_match(s: Spec) -> bool:
            used = {
                "anode": s.anode.material.id if s.anode else None,
                "cathode": s.cathode.material.id if s.cathode else None,
            }
            for slot, wanted in slots.items():
                if wanted is not None and used.get(slot) != wanted:
                    return False
            return not wanted_any or bool(wanted_any & {v for v in used.values() if v})

        specs = [
            s
            for s in cat.specs_by_id.values()
            if all(f.matches(g(s)) for f, g in filters)
            and materials_match(s)
            and s.id != exclude_cell_spec_id
            and created.matches(s.created_us)
            and updated.matches(s.updated_us)
        ]
        key: Callable[[Spec], Any] = {
            "name": lambda s: s.name,
            "created_at": lambda s: s.created_us,
            "updated_at": lambda s: s.updated_us,
        }[column]
        ordered = order_records(specs, key, lambda s: s.id, descending=order != "asc")
        chosen = slice_of(ordered, limit, offset)
        return envelope([cat.spec_json(s) for s in chosen], len(ordered))

    @router.get(
        "/cell_specifications/{cell_spec_id}",
        tags=["Cell Specifications"],
        summary="Get a cell specification with nested component and material data",
    )
    async def get_cell_specification(cell_spec_id: str) -> Response:
        spec = spec_or_404(cell_spec_id)
        return Response(content=cat.spec_json(spec).encode("utf-8"), media_type="application/json")

    @router.get(
        "/cell_specifications/{cell_spec_id}/cell_instances",
        tags=["Cell Instances"],
        summary="List cell instances of a specification",
    )
    async def list_cell_instances(
        cell_spec_id: str,
        limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
        offset: Annotated[int | None, Query(ge=0)] = None,
        name: Annotated[str | None, Query(description="ilike.%x% or eq.x")] = None,
        created_by_email: Annotated[str | None, Query(description="ilike.%x%")] = None,
        created_at_gt: str | None = None,
        created_at_lt: str | None = None,
        updated_at_gt: str | None = None,
        updated_at_lt: str | None = None,
        order_by: Annotated[str | None, Query(description="name, created_at or updated_at")] = None,
        order: Order | None = None,
        batch_id: Annotated[
            str | None,
            Query(description="Exact batch filter (sandbox instances have no batch_id)"),
        ] = None,
    ) -> Response:
        spec = spec_or_404(cell_spec_id)
        column = _check_order_by(order_by, ("name", "created_at", "updated_at"))
        times = _parse_times(
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
        )
        name_filter = _sf(name)
        email_filter = _sf(created_by_email)
        created, updated = time_filter(times, "created_at"), time_filter(times, "updated_at")
        nothing = batch_id is not None or (
            email_filter is not None and not email_filter.matches(cat.created_by_email)
        )
        instances = [
            i
            for i in spec.instances
            if not nothing
            and (name_filter is None or name_filter.matches(i.name))
            and created.matches(i.created_us)
            and updated.matches(i.updated_us)
        ]
        key: Callable[[Instance], Any] = (
            (lambda i: i.name) if column == "name" else (lambda i: i.created_us)
        )
        ordered = order_records(instances, key, lambda i: i.id, descending=order != "asc")
        chosen = slice_of(ordered, limit, offset)
        return envelope([cat.instance_json(i) for i in chosen], len(ordered))

    return router


def _instances_router(res: _Resources) -> APIRouter:
    """The instances endpoints (see the module docstring)."""
    router = APIRouter()
    cat = res.catalogue
    slice_of = res.slice_of
    envelope = res.envelope
    instance_or_404 = res.instance_or_404
    time_filter = res.time_filter

    @router.get(
        "/cell_instances/{cell_instance_id}",
        tags=["Cell Instances"],
        summary="Get a cell instance by id",
    )
    async def get_cell_instance(cell_instance_id: str) -> Response:
        return _json(cat.instance_record(instance_or_404(cell_instance_id)))

    @router.get(
        "/cell_instances/{cell_instance_id}/cell_measurements",
        tags=["Cell Instances", "Cell Measurements"],
        summary="List measurements of a cell instance",
    )
    async def list_instance_cell_measurements(
        cell_instance_id: str,
        limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
        offset: Annotated[int | None, Query(ge=0)] = None,
        measurement_type: MeasurementType | None = None,
        tags_all: Annotated[
            list[str] | None, Query(description="Must carry every tag; case-insensitive")
        ] = None,
        tags_any: Annotated[
            list[str] | None, Query(description="Must carry at least one tag")
        ] = None,
        name: Annotated[str | None, Query(description="Ilike/eq syntax")] = None,
        created_by_email: Annotated[str | None, Query(description="Ilike syntax")] = None,
        start_time_gt: str | None = None,
        start_time_lt: str | None = None,
        created_at_gt: str | None = None,
        created_at_lt: str | None = None,
        updated_at_gt: str | None = None,
        updated_at_lt: str | None = None,
        order_by: Annotated[
            str | None, Query(description="One of the by-project order_by columns")
        ] = None,
        order: Order | None = None,
    ) -> Response:
        instance = instance_or_404(cell_instance_id)
        column = _check_order_by(order_by, _MEASUREMENT_ORDER_BY)
        times = _parse_times(
            start_time_gt=start_time_gt,
            start_time_lt=start_time_lt,
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
        )
        filters = MeasurementFilters(
            measurement_type=measurement_type.value if measurement_type else None,
            name=_sf(name),
            created_by_email=_sf(created_by_email),
            start_time=time_filter(times, "start_time"),
            created_at=time_filter(times, "created_at"),
            updated_at=time_filter(times, "updated_at"),
        )
        ordered = ordered_measurements(instance.measurements, column, descending=order != "asc")
        matched = filters.apply(ordered, cat.created_by_email)
        if tags_all or tags_any:
            need_all = {t.strip().casefold() for t in tags_all or ()}
            need_any = {t.strip().casefold() for t in tags_any or ()}

            def tags_match(m: Measurement) -> bool:
                have = {t.casefold() for t in m.tags}
                return need_all <= have and (not need_any or bool(need_any & have))

            matched = [m for m in matched if tags_match(m)]
        chosen = slice_of(matched, limit, offset)
        return envelope([cat.measurement_json(m) for m in chosen], len(matched))

    @router.post(
        "/cell_instances/{cell_instance_id}/cell_measurements/create",
        tags=["Cell Instances", "Cell Measurements"],
        summary="Create a properties-type measurement directly",
        status_code=201,
    )
    async def create_properties_measurement(
        cell_instance_id: str, body: CreatePropertiesMeasurementRequest
    ) -> Response:
        instance = instance_or_404(cell_instance_id)
        try:
            m = cat.add_properties_measurement(
                instance,
                name=body.name,
                properties=body.properties,
                protocol=body.protocol,
                start_time=body.start_time,
                test_setup=body.test_setup,
                step_labels_validated=body.step_labels_validated,
                notes=body.notes,
                file_metadata=body.file_metadata,
                tags=_normalise_tags(body.tags),
            )
        except ConflictError as exc:
            return _json(
                {
                    "error_code": "CONFLICT",
                    "message": exc.message,
                    "detail": {"existing_id": exc.existing_id},
                },
                409,
            )
        return _json(cat.measurement_record(m), 201)

    return router


def _measurements_router(res: _Resources) -> APIRouter:
    """The measurements endpoints (see the module docstring)."""
    router = APIRouter()
    cat = res.catalogue
    slice_of = res.slice_of
    envelope = res.envelope
    project_or_404 = res.project_or_404
    time_filter = res.time_filter

    @router.get(
        "/cell_measurements/by-project/{project_id}",
        tags=["Cell Measurements"],
        summary="List cell measurements for a project with full spec/instance data",
    )
    async def list_cell_measurements_by_project(
        project_id: str,
        measurement_type: Annotated[
            MeasurementType | None, Query(description="Filter by measurement shape")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 25,
        offset: Annotated[int, Query(ge=0)] = 0,
        name: Annotated[
            str | None,
            Query(
                description="Measurement-name filter; client sends operator syntax "
                "(ilike.%x% substring, eq.x exact)"
            ),
        ] = None,
        created_by_email: Annotated[
            str | None, Query(description="Creator email filter; client sends ilike.%x%")
        ] = None,
        start_time: Annotated[
            str | None, Query(description="Exact start_time filter (client never sends it)")
        ] = None,
        start_time_gt: Annotated[
            str | None, Query(description="Start_time strictly after (ISO datetime)")
        ] = None,
        start_time_lt: Annotated[
            str | None, Query(description="Start_time strictly before (ISO datetime)")
        ] = None,
        created_at: Annotated[
            str | None, Query(description="Exact created_at filter (client never sends it)")
        ] = None,
        created_at_gt: Annotated[
            str | None, Query(description="Created after (ISO datetime)")
        ] = None,
        created_at_lt: Annotated[
            str | None, Query(description="Created before (ISO datetime)")
        ] = None,
        updated_at: Annotated[
            str | None, Query(description="Exact updated_at filter (client never sends it)")
        ] = None,
        updated_at_gt: Annotated[
            str | None, Query(description="Updated after (ISO datetime)")
        ] = None,
        updated_at_lt: Annotated[
            str | None, Query(description="Updated before (ISO datetime)")
        ] = None,
        spec_name: Annotated[
            str | None, Query(description="Filter on parent specification name")
        ] = None,
        instance_name: Annotated[
            str | None, Query(description="Filter on parent instance name")
        ] = None,
        spec_id: Annotated[
            str | None, Query(description="Filter on parent specification id")
        ] = None,
        cell_instance_id: Annotated[
            str | None, Query(description="Filter on parent instance id")
        ] = None,
        spec_anode: Annotated[
            str | None,
            Query(
                description="Filter on the spec's anode material name (sandbox: "
                "case-insensitive, operator syntax)"
            ),
        ] = None,
        spec_cathode: Annotated[
            str | None,
            Query(
                description="Filter on the spec's cathode material name (sandbox: "
                "case-insensitive, operator syntax)"
            ),
        ] = None,
        order_by: OrderBy = "created_at",
        order: Order = "desc",
    ) -> Response:
        project = project_or_404(project_id)
        times = _parse_times(
            start_time=start_time,
            start_time_gt=start_time_gt,
            start_time_lt=start_time_lt,
            created_at=created_at,
            created_at_gt=created_at_gt,
            created_at_lt=created_at_lt,
            updated_at=updated_at,
            updated_at_gt=updated_at_gt,
            updated_at_lt=updated_at_lt,
        )
        filters = MeasurementFilters(
            measurement_type=measurement_type.value if measurement_type else None,
            name=_sf(name),
            created_by_email=_sf(created_by_email),
            spec_name=_sf(spec_name),
            instance_name=_sf(instance_name),
            spec_id=_sf(spec_id),
            cell_instance_id=_sf(cell_instance_id),
            spec_anode=_sf(spec_anode, case_insensitive=True),
            spec_cathode=_sf(spec_cathode, case_insensitive=True),
            start_time=time_filter(times, "start_time"),
            created_at=time_filter(times, "created_at"),
            updated_at=time_filter(times, "updated_at"),
        )
        ordered = ordered_measurements(
            project.measurements,
            order_by,
            descending=order == "desc",
            cache=project.sort_cache,
        )
        matched = filters.apply(ordered, cat.created_by_email)
        chosen = slice_of(matched, limit, offset)
        return envelope(cat.measurement_items_json(chosen), len(matched), len(chosen))

    @router.get(
        "/cell_measurements/{measurement_id}",
        tags=["Cell Measurements"],
        summary="Get a cell measurement by id",
    )
    async def get_cell_measurement(
        measurement_id: str,
        include_steps: bool | None = None,
        include_time_series: bool | None = None,
    ) -> Response:
        m = cat.measurements_by_id.get(measurement_id)
        if m is None:
            raise HTTPException(status_code=404, detail="Cell measurement not found")
        return _json(cat.measurement_record(m))

    return router


def create_app(
    options: SandboxOptions | None = None, *, catalogue: Catalogue | None = None
) -> FastAPI:
    """Build a sandbox app; its records are built (or taken from *catalogue*) once, here.

    Each app has its own request counter and its own in-memory store of created measurements.
    ``app.state.catalogue``, ``app.state.options`` and ``app.state.request_counter`` expose them.
    """
    opts = options if options is not None else SandboxOptions()
    cat = catalogue if catalogue is not None else Catalogue.build(scale=opts.scale)
    counter = RequestCounter()

    app = FastAPI(
        title="Ionworks sandbox",
        version="0.1.0",
        description=(
            "Offline sandbox of the Ionworks cell-data API over real public battery-cell "
            "metadata (ionworks-toolkit)."
        ),
    )
    app.state.catalogue = cat
    app.state.options = opts
    app.state.request_counter = counter
    if opts.page_cache_mib:  # inside the sandbox middleware (auth, latency, ids still apply)
        app.add_middleware(PageCache, max_bytes=int(opts.page_cache_mib * 2**20))
    app.add_middleware(_SandboxMiddleware, options=opts, counter=counter)

    async def internal_error(request: Request, exc: Exception) -> Response:
        return _json(
            {"error_code": "INTERNAL_ERROR", "message": "Internal server error", "detail": None},
            500,
        )

    app.add_exception_handler(Exception, internal_error)

    res = _Resources(opts, cat)
    for build in (
        _projects_router,
        _specifications_router,
        _instances_router,
        _measurements_router,
    ):
        app.include_router(build(res))
    return app
