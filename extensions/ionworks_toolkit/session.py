"""The ``Toolkit`` session: settings + plugins + generated client, and the calls built on them.

One call, end to end (see ARCHITECTURE.md)::

    Toolkit -> presets/filters validated -> paginator -> generated operation (request built by
    the generated module) -> httpx client (auth hook, retries, request/response hooks) ->
    generated models (from_dict) -> typed errors -> sinks (records = to_dict(), per page)

The pieces live in modules by concern: ``transport`` (httpx stack, retries, URL redaction),
``operations`` (the generated client's list operations), ``parsing`` (pages from responses),
``projects`` (project resolution), ``export`` (sink bookkeeping), ``pagination`` (page walks).
The CLI and the Python API share this code path. Example::

    with Toolkit(api_key="...") as toolkit:
        for measurement in toolkit.iter_measurements_by_project(
            "Severson 2019 fast-charging cycle life", spec_cathode=contains("LFP")
        ):
            print(measurement.name, measurement.instance.name)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from ionworks_client import Client
from ionworks_client.models import CellMeasurementWithDetails, Project

from .auth import (
    CREDENTIAL_HEADERS,
    check_transport_security,
    origin_of,
    strip_foreign_credentials,
)
from .constants import MAX_PAGE_SIZE
from .errors import ConfigurationError, PluginError
from .export import (
    ExportResult,
    abort_sinks,
    commit_sinks,
    export_result,
    open_sinks,
    write_page,
)
from .operations import MEASUREMENTS_BY_PROJECT, PROJECTS, ListOperation
from .pagination import Page, WalkStats, awalk_pages, walk_pages
from .plugins import PluginHost
from .presets import PresetRegistry
from .projects import is_project_id, match_project, project_argument
from .settings import Settings, load_settings
from .sinks import Sink
from .transport import (
    SECRET_QUERY,
    client_kwargs,
    raise_for_status,
    redact_url,
    transport_error,
)

__all__ = ["ExportResult", "ListOperation", "Toolkit", "redact_url"]

logger = logging.getLogger("ionworks_toolkit.http")
T = TypeVar("T")


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

    def _on_request(self, request: httpx.Request) -> None:
        strip_foreign_credentials(request, self._api_origin)
        if any(header in request.headers for header in CREDENTIAL_HEADERS) or any(
            SECRET_QUERY.search(name) for name in request.url.params
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
            client = Client(
                base_url=self.settings.api_url, timeout=httpx.Timeout(self.settings.timeout)
            )
            client.set_httpx_client(
                httpx.Client(
                    **client_kwargs(
                        self.settings,
                        auth=auth,
                        transport=self._transport,
                        asynchronous=False,
                        on_request=[self._on_request],
                        on_response=[self._on_response],
                    )
                )
            )
            client.set_async_httpx_client(
                httpx.AsyncClient(
                    **client_kwargs(
                        self.settings,
                        auth=auth,
                        transport=self._async_transport,
                        asynchronous=True,
                        on_request=[self._aon_request],
                        on_response=[self._aon_response],
                    )
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
            raise transport_error(kwargs, exc) from exc
        return raise_for_status(response)

    async def _asend(self, kwargs: Mapping[str, Any]) -> httpx.Response:
        try:
            response = await self.client.get_async_httpx_client().request(**kwargs)
        except httpx.TransportError as exc:
            raise transport_error(kwargs, exc) from exc
        return raise_for_status(response)

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
        project = project_argument(project, self.settings.project_id)
        if is_project_id(project):
            return project
        return match_project(project, self.list_projects())

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
        if project is not None and is_project_id(project.strip()):
            return project.strip()
        import asyncio

        return await asyncio.to_thread(self.resolve_project, project)

    # ------------------------------------------------------------------ export

    def open_sinks(self, targets: Sequence[str | Sink]) -> list[tuple[str, Sink]]:
        """Parse every target (``SCHEME:TARGET[?k=v]`` or a path) and build its sink.

        Raises ConfigurationError naming the target and the known schemes; nothing is opened
        when any target is bad.
        """
        return open_sinks(targets, self.sink_factories)

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
                write_page(opened, page)
                if progress is not None:
                    progress(stats)
            commit_sinks(opened)
        except BaseException:
            abort_sinks(opened)
            raise
        return export_result(project_id, stats, opened)

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
                write_page(opened, page)
                if progress is not None:
                    progress(stats)
            commit_sinks(opened)
        except BaseException:
            abort_sinks(opened)
            raise
        return export_result(project_id, stats, opened)
