"""The ``Toolkit`` session: settings + plugins + generated client, and the calls built on them.

One call, end to end (DESIGN.md section 1)::

    Toolkit -> presets/filters validated -> paginator -> generated operation (request built by
    the generated module) -> httpx client (auth hook, retries, request/response hooks) ->
    generated models (from_dict) -> typed errors -> sinks (records = to_dict(), per page)

The CLI and the Python API share this code path. Example::

    with Toolkit(api_key="...") as toolkit:
        for measurement in toolkit.iter_measurements_by_project(
            "Severson 2019 fast-charging cycle life", spec_cathode=contains("LFP")
        ):
            print(measurement.name, measurement.instance.name)
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import types
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
import httpx
from ionworks_client import Client
from ionworks_client.api.cell_measurements import list_cell_measurements_by_project
from ionworks_client.api.projects import list_projects
from ionworks_client.models import (
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
    Project,
)

from .auth import (
    CREDENTIAL_HEADERS,
    check_transport_security,
    origin_of,
    strip_foreign_credentials,
)
from .errors import (
    ConfigurationError,
    NotFoundError,
    PluginError,
    SinkError,
    TransportError,
    UnexpectedResponseError,
    error_from_response,
)
from .pagination import MAX_PAGE_SIZE, Page, WalkStats, awalk_pages, walk_pages
from .plugins import PluginHost
from .presets import SEED_OPERATION, PresetRegistry, coerce_to_operation
from .settings import Settings, load_settings
from .sinks import Sink, SinkTarget, parse_sink_target

__all__ = ["ExportResult", "ListOperation", "Toolkit", "redact_url"]

logger = logging.getLogger("ionworks_toolkit.http")
T = TypeVar("T")

IDEMPOTENT_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
RETRY_STATUSES = (429, 502, 503, 504)
_SECRET_QUERY = re.compile(r"(key|token|secret|password|signature|auth)", re.IGNORECASE)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def redact_url(url: httpx.URL) -> str:
    """The URL with key-like query values (``api_key``, ``token``...) replaced by ``***``."""
    if not url.query:
        return str(url)
    params = [
        (name, "***" if _SECRET_QUERY.search(name) else value)
        for name, value in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))


class _BufferedTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Read each response body inside the transport, so that the retry transport wrapping it
    sees a connection dropped mid-body (httpx otherwise reads the body after the transport has
    returned, where no retry policy applies). Pages are small (<= 1000 records), so buffering
    them costs nothing; the returned response is fresh and unread (content-encoding intact).
    """

    def __init__(self, inner: httpx.BaseTransport | httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    @staticmethod
    def _rebuild(response: httpx.Response, raw: bytes) -> httpx.Response:
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.BaseTransport)
        response = self._inner.handle_request(request)
        if response.is_stream_consumed:  # an in-memory response (e.g. httpx.MockTransport)
            return response
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        return self._rebuild(response, raw)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.AsyncBaseTransport)
        response = await self._inner.handle_async_request(request)
        if response.is_stream_consumed:
            return response
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return self._rebuild(response, raw)

    def close(self) -> None:
        if isinstance(self._inner, httpx.BaseTransport):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncBaseTransport):
            await self._inner.aclose()


@attrs.frozen
class ListOperation(Generic[T]):
    """A limit/offset list operation of the generated client, bound to its page and item models.

    ``module``: e.g. ``ionworks_client.api.cell_measurements.list_cell_measurements_by_project``;
    its ``_get_kwargs`` builds the request (path encoding, parameter serialisation), so the
    request is exactly what the generated ``sync_detailed`` sends. ``page_model``: the envelope
    model (``{items, count, total}``) or None when the operation returns a bare list.
    """

    operation_id: str
    module: types.ModuleType
    item_model: type[T]
    page_model: type | None = None

    def request_kwargs(
        self, path_params: Mapping[str, Any], params: Mapping[str, Any]
    ) -> dict[str, Any]:
        arguments = coerce_to_operation(self.module.sync_detailed, params)
        return dict(self.module._get_kwargs(**path_params, **arguments))

    def parse_page(self, response: httpx.Response, offset: int) -> Page[T]:
        """Parse a 2xx response: an envelope (via ``page_model``) or a bare list of items.

        Raises UnexpectedResponseError when the body is not JSON or does not fit the models.
        """
        request = response.request
        try:
            body = response.json()
        except ValueError:
            raise UnexpectedResponseError(
                status=response.status_code,
                method=request.method,
                path=request.url.path,
                detail=(
                    "expected JSON, got "
                    f"{response.headers.get('content-type', 'no content type')} "
                    f"({len(response.content)} bytes)"
                ),
            ) from None
        try:
            if isinstance(body, list):
                return Page([self.item_model.from_dict(x) for x in body], None, offset)  # type: ignore[attr-defined]
            if self.page_model is not None and isinstance(body, Mapping):
                page = self.page_model.from_dict(body)  # type: ignore[attr-defined]
                return Page(list(page.items), _valid_total(page.total), offset)
            if isinstance(body, Mapping) and isinstance(body.get("items"), list):
                items = [self.item_model.from_dict(x) for x in body["items"]]  # type: ignore[attr-defined]
                return Page(items, _valid_total(body.get("total")), offset)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UnexpectedResponseError(
                status=response.status_code,
                method=request.method,
                path=request.url.path,
                detail=f"response does not match {self.operation_id}'s schema: "
                f"{type(exc).__name__}: {exc}",
            ) from exc
        raise UnexpectedResponseError(
            status=response.status_code,
            method=request.method,
            path=request.url.path,
            detail=f"expected a page or a list, got {type(body).__name__}",
        )


MEASUREMENTS_BY_PROJECT: ListOperation[CellMeasurementWithDetails] = ListOperation(
    SEED_OPERATION,
    list_cell_measurements_by_project,
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
)
PROJECTS: ListOperation[Project] = ListOperation("list_projects", list_projects, Project, None)


@attrs.frozen
class ExportResult:
    """What an export did: ``records`` written to every sink, ``duplicates`` skipped, ``pages``
    and ``requests``, the server's ``total``, and each sink's one-line description."""

    project_id: str
    records: int
    duplicates: int
    pages: int
    requests: int
    total: int | None
    sinks: tuple[str, ...]

    @property
    def total_mismatch(self) -> bool:
        return self.total is not None and self.total != self.records + self.duplicates


class Toolkit:
    """One session with the Ionworks API: settings, plugins, the generated client.

    Arguments beat environment (``IONWORKS_API_KEY``, ``IONWORKS_API_TOKEN``,
    ``IONWORKS_API_URL``, ``IONWORKS_ORGANIZATION_ID``, ``.env``) which beats
    ``ionworks-toolkit.toml``. ``plugins``: plugin objects registered after the built-ins and
    entry points. ``transport``/``async_transport``: httpx transports to send through (tests,
    proxies); retries wrap them. Use as ``with Toolkit() as tk:`` or ``async with``.

    Raises ConfigurationError for bad settings and PluginError for a contract violation
    (e.g. a preset name registered twice).
    """

    def __init__(
        self,
        *,
        api_url: str | None = None,
        api_key: str | None = None,
        api_token: str | None = None,
        organization_id: str | None = None,
        config_file: str | None = None,
        plugins: Sequence[object] = (),
        disable_plugins: Sequence[str] = (),
        load_entry_points: bool = True,
        timeout: float | None = None,
        max_retries: int | None = None,
        page_size: int | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        environ: Mapping[str, str] | None = None,
        working_dir: str | None = None,
    ) -> None:
        self.settings: Settings = load_settings(
            api_url=api_url,
            api_key=api_key,
            api_token=api_token,
            organization_id=organization_id,
            config_file=config_file,
            disable_plugins=tuple(disable_plugins),
            timeout=timeout,
            max_retries=max_retries,
            page_size=page_size,
            environ=environ,
            working_dir=working_dir,
        )
        self.plugins = PluginHost(
            disabled=self.settings.disabled_plugins,
            load_entry_points=load_entry_points,
            plugins=plugins,
        )
        self.presets = PresetRegistry()
        self.plugins.collect_presets(self.presets)
        if self.settings.presets:
            self.presets.register_from_config(self.settings.presets, str(self.settings.config_path))
        self.sink_factories = self.plugins.collect_sinks()
        self._transport = transport
        self._async_transport = async_transport
        self._client: Client | None = None
        self._auth_flow: tuple[httpx.Auth | None] | None = None
        self._api_origin = origin_of(self.settings.api_url)

    def __repr__(self) -> str:
        return (
            f"Toolkit(api_url={self.settings.api_url!r}, "
            f"credential={'set' if self.settings.has_credentials else 'none'}, "
            f"plugins={len(self.plugins.list_plugins())})"
        )

    # ------------------------------------------------------------------ client plumbing

    def _auth(self) -> httpx.Auth | None:
        """The session's auth flow: the first ``ionworks_auth`` result, asked for once."""
        if self._auth_flow is None:
            auth, owner = self.plugins.first_auth(self.settings)
            if auth is not None and not isinstance(auth, httpx.Auth):
                raise PluginError(
                    f"plugin {owner}'s ionworks_auth hook returned {type(auth).__name__}, "
                    f"not httpx.Auth (switch it off with --disable-plugin {owner})"
                )
            self._auth_flow = (auth,)
        return self._auth_flow[0]

    def _retrying(self, transport: Any) -> Any:
        """``transport`` wrapped in httpx-retries' RetryTransport (body read inside it).

        httpx-retries is optional for a vendored copy: without it only ``max_retries=0`` works,
        and anything else raises ConfigurationError saying what to install.
        """
        buffered = _BufferedTransport(transport)
        try:
            from httpx_retries import RetryTransport
        except ImportError:
            if self.settings.max_retries == 0:
                return buffered
            raise ConfigurationError(
                "retries need the httpx-retries package: pip install httpx-retries "
                "(or pass max_retries=0)"
            ) from None
        return RetryTransport(transport=buffered, retry=self._retry())

    def _retry(self) -> Any:
        from httpx_retries import Retry

        return Retry(
            total=self.settings.max_retries,
            allowed_methods=IDEMPOTENT_METHODS,
            status_forcelist=RETRY_STATUSES,
            retry_on_exceptions=(
                httpx.ConnectError,
                httpx.ConnectTimeout,
                httpx.ReadTimeout,
                httpx.RemoteProtocolError,
                httpx.ReadError,
            ),
            backoff_factor=0.5,
            backoff_jitter=1.0,
            respect_retry_after_header=True,
            max_backoff_wait=60.0,
        )

    def _on_request(self, request: httpx.Request) -> None:
        strip_foreign_credentials(request, self._api_origin)
        if any(header in request.headers for header in CREDENTIAL_HEADERS) or any(
            _SECRET_QUERY.search(name) for name in request.url.params
        ):
            # Whoever attached them (built-in or a plugin's auth flow): https or loopback only.
            check_transport_security(request.url)
        logger.debug("-> %s %s", request.method, redact_url(request.url))
        self.plugins.call_observers("ionworks_request", request=request)

    def _on_response(self, response: httpx.Response) -> None:
        logger.debug(
            "<- %s %s %s",
            response.request.method,
            redact_url(response.request.url),
            response.status_code,
        )
        self.plugins.call_observers("ionworks_response", response=response)

    async def _aon_request(self, request: httpx.Request) -> None:
        self._on_request(request)

    async def _aon_response(self, response: httpx.Response) -> None:
        self._on_response(response)

    @property
    def client(self) -> Client:
        """The generated ``ionworks_client.Client``, wired with auth, retries and hooks (lazy)."""
        if self._client is None:
            auth = self._auth()
            timeout = httpx.Timeout(self.settings.timeout)
            client = Client(base_url=self.settings.api_url, timeout=timeout)
            sync_inner = self._transport or httpx.HTTPTransport()
            client.set_httpx_client(
                httpx.Client(
                    base_url=self.settings.api_url,
                    timeout=timeout,
                    auth=auth,
                    follow_redirects=False,
                    transport=self._retrying(sync_inner),
                    event_hooks={"request": [self._on_request], "response": [self._on_response]},
                )
            )
            async_inner = self._async_transport or httpx.AsyncHTTPTransport()
            client.set_async_httpx_client(
                httpx.AsyncClient(
                    base_url=self.settings.api_url,
                    timeout=timeout,
                    auth=auth,
                    follow_redirects=False,
                    transport=self._retrying(async_inner),
                    event_hooks={
                        "request": [self._aon_request],
                        "response": [self._aon_response],
                    },
                )
            )
            self._client = client
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.get_httpx_client().close()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.get_async_httpx_client().aclose()
            self._client.get_httpx_client().close()

    def __enter__(self) -> Toolkit:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Toolkit:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ requests

    def _check_credentials(self) -> None:
        # Let a third-party auth plugin decide; only complain when nobody provides auth.
        if (
            not self.settings.has_credentials
            and self.plugins.manager.get_plugin("ionworks-auth")
            and self._auth() is None
        ):
            raise ConfigurationError(
                "no credentials: set IONWORKS_API_KEY (or IONWORKS_API_TOKEN), pass "
                "api_key=..., or use --sandbox"
            )

    def _send(self, kwargs: Mapping[str, Any]) -> httpx.Response:
        try:
            response = self.client.get_httpx_client().request(**kwargs)
        except httpx.TransportError as exc:
            raise TransportError(kwargs["method"].upper(), _path_of(kwargs), _reason(exc)) from exc
        return _raise_for_status(response)

    async def _asend(self, kwargs: Mapping[str, Any]) -> httpx.Response:
        try:
            response = await self.client.get_async_httpx_client().request(**kwargs)
        except httpx.TransportError as exc:
            raise TransportError(kwargs["method"].upper(), _path_of(kwargs), _reason(exc)) from exc
        return _raise_for_status(response)

    def _page_fetcher(
        self, operation: ListOperation[T], path_params: Mapping[str, Any], params: Mapping[str, Any]
    ) -> Callable[[int, int], Page[T]]:
        def fetch(offset: int, limit: int) -> Page[T]:
            kwargs = operation.request_kwargs(
                path_params, {**params, "offset": offset, "limit": limit}
            )
            return operation.parse_page(self._send(kwargs), offset)

        return fetch

    def _async_page_fetcher(
        self, operation: ListOperation[T], path_params: Mapping[str, Any], params: Mapping[str, Any]
    ) -> Callable[[int, int], Any]:
        async def fetch(offset: int, limit: int) -> Page[T]:
            kwargs = operation.request_kwargs(
                path_params, {**params, "offset": offset, "limit": limit}
            )
            return operation.parse_page(await self._asend(kwargs), offset)

        return fetch

    # ------------------------------------------------------------------ projects

    def list_projects(self) -> list[Project]:
        """All projects visible to the credential (GET /projects, every page)."""
        self._check_credentials()
        fetch = self._page_fetcher(PROJECTS, {}, {})
        return [p for page in walk_pages(fetch, page_size=MAX_PAGE_SIZE) for p in page]

    def resolve_project(self, project: str | None) -> str:
        """A project id from an id or a name (GET /projects); ids (UUIDs) are used as given.

        ``None`` means the default project (``IONWORKS_PROJECT_ID`` / ``project_id``). A name
        matches exactly (case-insensitive). Raises ConfigurationError when there is no project
        or the name is ambiguous, NotFoundError for an unknown name, each listing the closest
        project names.
        """
        if project is None:
            project = self.settings.project_id
            if not project:
                raise ConfigurationError(
                    "no project: give PROJECT (an id or a name) or set IONWORKS_PROJECT_ID"
                )
        project = project.strip()
        if not project:
            raise ConfigurationError("PROJECT is empty: give a project id or name")
        if _UUID.match(project):
            return project
        projects = self.list_projects()
        by_id = [p for p in projects if p.id == project]
        if by_id:
            return by_id[0].id
        exact = [p for p in projects if p.name.casefold() == project.casefold()]
        if len(exact) == 1:
            return exact[0].id
        names = [p.name for p in projects]
        if len(exact) > 1:
            raise ConfigurationError(
                f"project name {project!r} is ambiguous: {len(exact)} projects have it; "
                "use the project id: " + ", ".join(p.id for p in exact)
            )
        close = [n for n in names if project.casefold() in n.casefold()]
        close += [
            n for n in difflib.get_close_matches(project, names, n=3, cutoff=0.4) if n not in close
        ]
        hint = ("; closest: " + "; ".join(repr(n) for n in close[:5])) if close else ""
        raise NotFoundError(
            status=404,
            method="GET",
            path="/projects",
            detail=f"no project named {project!r}{hint}",
        )

    # ------------------------------------------------------------------ measurements

    def resolve_filters(
        self, presets: Sequence[str] = (), filters: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Presets (left to right) merged with explicit ``filters`` (which win), validated.

        Raises ParameterError (a ConfigurationError) naming the bad preset/parameter, before
        any request.
        """
        return self.presets.resolve(presets, filters or {}, now=dt.datetime.now(dt.UTC))

    def _measurement_walk_args(
        self, presets: Sequence[str], filters: Mapping[str, Any], page_size: int | None
    ) -> tuple[dict[str, Any], int]:
        params = self.resolve_filters(presets, filters)
        size = page_size if page_size is not None else self.settings.page_size
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"page_size {size} is outside 1..{MAX_PAGE_SIZE}")
        return params, size

    def iter_measurement_pages(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        stats: WalkStats | None = None,
        **filters: Any,
    ) -> Iterator[list[CellMeasurementWithDetails]]:
        """Pages of ``GET /cell_measurements/by-project/{project_id}``, de-duplicated by id.

        ``project``: id or name. ``filters``: the operation's query parameters (e.g.
        ``spec_cathode=contains("LFP")``, ``start_time_gt="-30d"``, ``order_by="start_time"``).
        ``max_records``: stop after this many (None: all). ``page_size``: 1..1000 (default
        from settings, 1000). Raises ConfigurationError/ParameterError before any request,
        then APIError subclasses, TransportError or PaginationError.
        """
        params, size = self._measurement_walk_args(presets, filters, page_size)
        self._check_credentials()
        project_id = self.resolve_project(project)
        fetch = self._page_fetcher(MEASUREMENTS_BY_PROJECT, {"project_id": project_id}, params)
        yield from walk_pages(fetch, page_size=size, max_records=max_records, stats=stats)

    def iter_measurements_by_project(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        stats: WalkStats | None = None,
        **filters: Any,
    ) -> Iterator[CellMeasurementWithDetails]:
        """Every measurement of a project with its specification and instance, page by page.

        Yields generated ``CellMeasurementWithDetails`` models; see ``iter_measurement_pages``
        for arguments and errors.
        """
        for page in self.iter_measurement_pages(
            project,
            presets=presets,
            max_records=max_records,
            page_size=page_size,
            stats=stats,
            **filters,
        ):
            yield from page

    async def aiter_measurement_pages(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        prefetch: int = 4,
        stats: WalkStats | None = None,
        **filters: Any,
    ) -> AsyncIterator[list[CellMeasurementWithDetails]]:
        """Async ``iter_measurement_pages`` with up to ``prefetch`` pages requested at once."""
        params, size = self._measurement_walk_args(presets, filters, page_size)
        self._check_credentials()
        project_id = await self._aresolve_project(project)
        fetch = self._async_page_fetcher(
            MEASUREMENTS_BY_PROJECT, {"project_id": project_id}, params
        )
        async for page in awalk_pages(
            fetch, page_size=size, max_records=max_records, prefetch=prefetch, stats=stats
        ):
            yield page

    async def aiter_measurements_by_project(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        prefetch: int = 4,
        stats: WalkStats | None = None,
        **filters: Any,
    ) -> AsyncIterator[CellMeasurementWithDetails]:
        """Async ``iter_measurements_by_project``; yields in order."""
        async for page in self.aiter_measurement_pages(
            project,
            presets=presets,
            max_records=max_records,
            page_size=page_size,
            prefetch=prefetch,
            stats=stats,
            **filters,
        ):
            for item in page:
                yield item

    async def _aresolve_project(self, project: str | None) -> str:
        if project is not None and _UUID.match(project.strip()):
            return project.strip()
        import asyncio

        return await asyncio.to_thread(self.resolve_project, project)

    # ------------------------------------------------------------------ export

    def open_sinks(self, targets: Sequence[str | Sink]) -> list[tuple[str, Sink]]:
        """Parse every target (``SCHEME:TARGET[?k=v]`` or a path) and build its sink.

        Raises ConfigurationError naming the target and the known schemes; nothing is opened
        when any target is bad.
        """
        parsed: list[tuple[str, SinkTarget | None, Sink | None]] = []
        for target in targets:
            if not isinstance(target, str):
                parsed.append((type(target).__name__, None, target))
                continue
            try:
                target_spec = parse_sink_target(target, self.sink_factories.keys())
            except ValueError as exc:
                raise ConfigurationError(str(exc)) from exc
            parsed.append((target, target_spec, None))
        sinks: list[tuple[str, Sink]] = []
        for text, spec, ready in parsed:
            if ready is not None:
                sinks.append((text, ready))
                continue
            assert spec is not None
            factory, _owner = self.sink_factories[spec.scheme]
            try:
                sinks.append((text, factory(spec.target, dict(spec.options))))
            except Exception as exc:
                for _, opened in sinks:  # nothing stays open when any target is bad
                    opened.abort()
                if isinstance(exc, ValueError | ImportError):
                    # A bad target or option, or a missing optional dependency (pyarrow for
                    # parquet:): a setup problem, reported before any request.
                    raise ConfigurationError(str(exc)) from exc
                raise SinkError(text, exc) from exc
        return sinks

    def export(
        self,
        project: str | None,
        sinks: Sequence[str | Sink] = ("sqlite:measurements.db",),
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        progress: Callable[[WalkStats], None] | None = None,
        **filters: Any,
    ) -> ExportResult:
        """Write a project's measurements (``record = item.to_dict()``) to every sink, atomically.

        Each sink gets ``write(records)`` once per page and ``commit()`` at the end; on any
        error or interrupt every sink is aborted (no half-written output, previous output kept)
        and the error is re-raised (sink failures as SinkError naming the sink).
        ``progress(stats)`` is called after each page.
        """
        params, size = self._measurement_walk_args(presets, filters, page_size)
        opened = self.open_sinks(sinks)
        stats = WalkStats()
        try:
            self._check_credentials()
            project_id = self.resolve_project(project)
            fetch = self._page_fetcher(MEASUREMENTS_BY_PROJECT, {"project_id": project_id}, params)
            for page in walk_pages(fetch, page_size=size, max_records=max_records, stats=stats):
                _write_page(opened, page)
                if progress is not None:
                    progress(stats)
            _commit(opened)
        except BaseException:
            _abort(opened)
            raise
        return _result(project_id, stats, opened)

    async def aexport(
        self,
        project: str | None,
        sinks: Sequence[str | Sink] = ("sqlite:measurements.db",),
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        prefetch: int = 4,
        progress: Callable[[WalkStats], None] | None = None,
        **filters: Any,
    ) -> ExportResult:
        """Async ``export`` with up to ``prefetch`` pages in flight (same guarantees)."""
        params, size = self._measurement_walk_args(presets, filters, page_size)
        opened = self.open_sinks(sinks)
        stats = WalkStats()
        project_id = ""
        try:
            self._check_credentials()
            project_id = await self._aresolve_project(project)
            fetch = self._async_page_fetcher(
                MEASUREMENTS_BY_PROJECT, {"project_id": project_id}, params
            )
            async for page in awalk_pages(
                fetch, page_size=size, max_records=max_records, prefetch=prefetch, stats=stats
            ):
                _write_page(opened, page)
                if progress is not None:
                    progress(stats)
            _commit(opened)
        except BaseException:
            _abort(opened)
            raise
        return _result(project_id, stats, opened)


def _write_page(sinks: Sequence[tuple[str, Sink]], page: Sequence[Any]) -> None:
    records = [item.to_dict() for item in page]
    for text, sink in sinks:
        try:
            sink.write(records)
        except Exception as exc:
            raise SinkError(text, exc) from exc


def _commit(sinks: Sequence[tuple[str, Sink]]) -> None:
    for text, sink in sinks:
        try:
            sink.commit()
        except Exception as exc:
            raise SinkError(text, exc) from exc


def _abort(sinks: Sequence[tuple[str, Sink]]) -> None:
    for _, sink in sinks:
        try:
            sink.abort()
        except Exception:  # keep aborting the others; the original error is what matters
            logger.exception("sink abort failed")


def _result(project_id: str, stats: WalkStats, sinks: Sequence[tuple[str, Sink]]) -> ExportResult:
    return ExportResult(
        project_id=project_id,
        records=stats.records,
        duplicates=stats.duplicates,
        pages=stats.pages,
        requests=stats.requests,
        total=stats.total,
        sinks=tuple(sink.describe() if hasattr(sink, "describe") else text for text, sink in sinks),
    )


def _valid_total(total: object) -> int | None:
    """A page's ``total`` when it is a usable count; anything else (missing, negative, 2.5,
    "lots") is treated as unknown rather than trusted or crashed on."""
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        return None
    return total


def _path_of(kwargs: Mapping[str, Any]) -> str:
    return str(kwargs.get("url", "")).split("?", 1)[0]


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


def _raise_for_status(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        response.read()
        raise error_from_response(
            status=response.status_code,
            method=response.request.method,
            path=response.request.url.path,
            content=response.content,
            headers=response.headers,
        )
    return response
