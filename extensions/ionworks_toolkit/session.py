"""``Toolkit`` (sync) and ``AsyncToolkit`` (async): sessions with the Ionworks API.

As httpx has ``Client``/``AsyncClient``, the toolkit has two session classes with the same verbs
(``export``, ``export_projects``, ``iter_measurements_by_project``, ``iter_measurement_pages``,
``list_projects``, ``resolve_project``, ``resolve_filters``, ``open_sinks``); on
``AsyncToolkit`` they are coroutines and async iterators. Each owns exactly one httpx client
(built on first use), closed by its context manager or ``close()`` / ``aclose()``. Everything
without I/O lives once, in ``_BaseToolkit`` and the modules it uses:

    settings -> plugin host (auth, observers, presets, sinks) -> presets/filters validated ->
    ``operations`` (request built by the generated module) -> httpx client (``transport``:
    retries, buffering) -> ``parsing`` (generated models) -> ``pagination.PageWalk`` (the
    paging rules) -> ``export`` (sinks: records = to_dict(), per page, atomic)

Example::

    with Toolkit(api_key="...") as toolkit:
        for measurement in toolkit.iter_measurements_by_project(
            "Severson 2019 fast-charging cycle life", spec_cathode=contains("LFP")
        ):
            print(measurement.name, measurement.instance.name)

    async with AsyncToolkit(api_key="...") as toolkit:
        result = await toolkit.export("Severson 2019 fast-charging cycle life", ["m.db"])
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
import logging
import os
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import httpx
from ionworks_client import Client
from ionworks_client.models import CellMeasurementWithDetails, Project

from ._collector import fewer_collections
from ._sigterm import arolls_back_on_sigterm, rolls_back_on_sigterm
from .arguments import (
    check_callable,
    check_count,
    check_flag,
    check_keywords,
    check_names,
    check_project,
    check_session_arguments,
    check_sinks,
    check_strings,
    sink_targets,
)
from .auth import (
    CREDENTIAL_HEADERS,
    check_credential_headers,
    check_transport_security,
    credential_values,
    origin_of,
    redact_secrets,
    strip_foreign_credentials,
)
from .bulk import DEFAULT_CONCURRENCY, aexport_measurements, export_measurements, is_several
from .constants import DEFAULT_PREFETCH, MAX_PAGE_SIZE, MAX_PREFETCH
from .errors import APIError, ArgumentTypeError, ConfigurationError, PaginationError
from .export import (
    AsyncPageWriter,
    ExportResult,
    abort_sinks,
    bind_schema,
    commit_sinks,
    export_result,
    open_sinks,
    run_preloads,
    sink_preloads,
    takes_raw_lines,
    write_page,
)
from .frames import (
    arrow_table,
    arrow_table_async,
    pandas_frame,
    polars_frame,
    require_pandas,
    require_polars,
)
from .operations import MEASUREMENTS_BY_PROJECT, PROJECTS, ListOperation
from .pagination import Page, SortOrder, WalkStats, awalk_pages, walk_pages
from .parameters import check_query_length, operation_parameters
from .plugins import PluginHost
from .presets import PresetRegistry
from .projects import (
    PROJECT_ORDER,
    ProjectId,
    ProjectNotFoundError,
    ignores_name,
    is_project_id,
    match_project,
    name_query,
    named,
    project_argument,
)
from .settings import Settings, load_settings
from .sinks import Sink, measurements_schema, projects_schema
from .transport import SECRET_QUERY, asend, client_kwargs, redact_url, send

__all__ = ["AsyncToolkit", "ExportResult", "ListOperation", "Toolkit", "redact_url"]

logger = logging.getLogger("ionworks_toolkit.http")
T = TypeVar("T")

#: Statuses of a ``GET /projects?name=`` lookup that mean "this server does not take the name
#: parameter" (400 Bad Request, 422 its validation): every project is listed instead.
NAME_QUERY_REFUSED = frozenset({400, 422})

#: An offset no walk reaches (10**12 records): the query length checked before a walk
#: allows for every offset the walk will send.
_LARGEST_OFFSET = 10**12


def _logged_url(request: httpx.Request) -> str:
    """The request's URL for a log line: key-like query values replaced (``redact_url``) and
    every credential the request carries scrubbed wherever it appears (a key typed as a filter
    value), as exception messages are (``credential_values``)."""
    # A query value is sent percent-encoded: redact_secrets knows that form too.
    return redact_secrets(redact_url(request.url), credential_values(request.headers))


def complete_listing(projects: list[Project], stats: WalkStats) -> list[Project]:
    """``projects``, the whole ``GET /projects`` listing, when its walk is complete; else
    PaginationError naming how many came and why some may be missing (``stats.incomplete``:
    projects sent again on a later page, as a list whose order is not stable between pages
    sends them; FINDINGS8 H16: 173 of 250 listed). A caller that asked for every project
    (``list_projects``, ``--all-projects``) gets no partial list in silence."""
    check_listing(len(projects), stats)
    return projects


def check_listing(count: int, stats: WalkStats) -> None:
    """Raise PaginationError when the ``GET /projects`` walk that listed ``count`` projects
    says projects may be missing (``stats.incomplete``; see :func:`complete_listing`). Also
    run by ``export_projects`` before its sinks commit, so that ``projects list --sink``
    never publishes such a listing (the sinks are aborted, their previous output kept)."""
    if stats.incomplete is None:
        return
    raise PaginationError(
        f"GET /projects listed {count} projects, but {stats.incomplete}: projects may "
        "be missing, so the listing is refused; run it again",
        offset=0,
    )


def match_listed(project: str, projects: list[Project], stats: WalkStats) -> str:
    """``match_project(project, projects)`` for a name looked up in the whole listing: when
    no project has that name and the listing's walk says projects may be missing
    (``stats.incomplete``), PaginationError (:func:`complete_listing`) instead of a "no project
    named" that the missing projects could make false (FINDINGS8 H16)."""
    try:
        return match_project(project, projects)
    except ProjectNotFoundError:
        complete_listing(projects, stats)
        raise


class _BaseToolkit:
    """What both session classes share, none of it I/O: settings, plugins, presets, sink
    factories, the auth flow, request hooks, filter resolution and sink opening."""

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
        retry_budget: float | None = None,
        max_response_bytes: int | str | None = None,
        proxy: str | None = None,
        verify: Any = None,
        page_size: int | None = None,
        environ: Mapping[str, str] | None = None,
        working_dir: str | None = None,
    ) -> None:
        check_strings(
            ("api_key", "api_token", "proxy"),  # a proxy URL may carry user:password
            api_url=api_url,
            api_key=api_key,
            api_token=api_token,
            organization_id=organization_id,
            proxy=proxy,
        )
        check_flag(load_entry_points, "load_entry_points")
        self.settings: Settings = load_settings(
            api_url=api_url,
            api_key=api_key,
            api_token=api_token,
            organization_id=organization_id,
            config_file=config_file,
            disable_plugins=tuple(disable_plugins),
            timeout=timeout,
            max_retries=max_retries,
            retry_budget=retry_budget,
            max_response_bytes=max_response_bytes,
            proxy=proxy,
            verify=verify,
            page_size=page_size,
            environ=environ,
            working_dir=working_dir,
        )
        self.plugins = PluginHost(
            disabled=self.settings.disabled_plugins,
            load_entry_points=load_entry_points,
            plugins=plugins,
            secrets=[
                secret.reveal()
                for secret in (self.settings.api_key, self.settings.api_token)
                if secret is not None
            ],
        )
        self.presets = PresetRegistry()
        self.plugins.register_presets(self.presets)
        if self.settings.presets:
            self.presets.register_from_config(self.settings.presets, str(self.settings.config_path))
        self.presets.report_conflicts()
        self.sink_factories = self.plugins.register_sinks()
        self._auth_flow: tuple[httpx.Auth | None] | None = None
        self._api_origin = origin_of(self.settings.api_url)
        self._closed = False
        # Building the httpx client (lazily, at first use) is one step for every thread: two
        # threads using a new toolkit at once share one client (FINDINGS8 H21: an
        # AsyncToolkit's second client dropped the first one's loop guard, which closed it
        # under its requests; a Toolkit's was left unclosed).
        self._binding = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(api_url={self.settings.api_url!r}, "
            f"credential={'set' if self.settings.has_credentials else 'none'}, "
            f"plugins={len(self.plugins.list_plugins())})"
        )

    @property
    def is_closed(self) -> bool:
        """True once ``close()``/``aclose()`` ran (or the context manager exited)."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ConfigurationError(
                f"this {type(self).__name__} is closed; make a new one (or use it inside "
                "its `with` block)"
            )

    # ------------------------------------------------------------------ client plumbing

    def _auth(self) -> httpx.Auth | None:
        """The session's auth flow: the first ``ionworks_auth`` result, asked for once."""
        if self._auth_flow is None:
            self._auth_flow = (self.plugins.auth(self.settings),)
        return self._auth_flow[0]

    @classmethod
    def _check_options(cls, options: Mapping[str, Any]) -> None:
        """Every keyword of ``options`` is an argument of the session (ArgumentTypeError
        naming the class and listing them all, the closest first, not Python's message
        naming this private base class)."""
        accepted = list(inspect.signature(_BaseToolkit.__init__).parameters)
        check_keywords(f"{cls.__name__}()", options, [*accepted[1:], "transport"])

    def _on_request(self, request: httpx.Request) -> None:
        strip_foreign_credentials(request, self._api_origin)
        check_credential_headers(request)  # a plugin's auth too: no line breaks, not echoed
        if any(header in request.headers for header in CREDENTIAL_HEADERS) or any(
            SECRET_QUERY.search(name) for name in request.url.params
        ):
            # Whoever attached them (built-in or a plugin's auth flow): https or loopback only.
            check_transport_security(request.url, self.settings.proxy)
        logger.debug("-> %s %s", request.method, _logged_url(request))
        self.plugins.request(request)

    def _on_response(self, response: httpx.Response) -> None:
        logger.debug(
            "<- %s %s %s",
            response.request.method,
            _logged_url(response.request),
            response.status_code,
        )
        self.plugins.response(response)

    def _client_kwargs(self, transport: Any, *, asynchronous: bool) -> dict[str, Any]:
        # A plugin's ionworks_response gets the response with its body read, from either
        # toolkit (a sync hook cannot read an async stream); read through the same transport
        # stream, so the size cap and deadline apply. Without such a hook nothing changes.
        if asynchronous:

            async def on_request(request: httpx.Request) -> None:
                self._on_request(request)

            async def on_response(response: httpx.Response) -> None:
                if self.plugins.observes_responses:
                    await response.aread()
                self._on_response(response)

            hooks: tuple[Callable[..., Any], Callable[..., Any]] = (on_request, on_response)
        else:

            def on_sync_response(response: httpx.Response) -> None:
                if self.plugins.observes_responses:
                    response.read()
                self._on_response(response)

            hooks = (self._on_request, on_sync_response)
        return client_kwargs(
            self.settings,
            auth=self._auth(),
            transport=transport,
            asynchronous=asynchronous,
            on_request=[hooks[0]],
            on_response=[hooks[1]],
        )

    def _generated_client(self) -> Client:
        return Client(base_url=self.settings.api_url, timeout=httpx.Timeout(self.settings.timeout))

    def _check_credentials(self) -> None:
        # Let a third-party auth plugin decide; only complain when nobody provides auth.
        if (
            not self.settings.has_credentials
            and self.plugins.manager.get_plugin("ionworks-auth")
            and self._auth() is None
        ):
            raise ConfigurationError(
                "no credentials: set IONWORKS_API_KEY (or IONWORKS_API_TOKEN), pass "
                "api_key=..., or try the offline sandbox (--sandbox on the command line; "
                "run_in_thread(SandboxOptions()) from Python, see the README)"
            )

    # ------------------------------------------------------------------ filters and sinks

    def resolve_filters(
        self, presets: Sequence[str] = (), filters: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Presets (left to right) merged with explicit ``filters`` (which win), validated.

        Raises ParameterError (a ConfigurationError) naming the bad preset/parameter, before
        any request.
        """
        return self.presets.resolve(presets, filters or {}, now=dt.datetime.now(dt.UTC))

    def _measurement_walk_args(
        self,
        presets: Sequence[str],
        filters: Mapping[str, Any],
        page_size: int | None,
        max_records: int | None = None,
        *,
        prefetch: int = DEFAULT_PREFETCH,
    ) -> tuple[dict[str, Any], int]:
        # The verbs' own arguments first (arguments.py): a wrong type or value is named
        # before any request, never an AttributeError or a silent no-op later.
        check_names(presets)
        check_count(max_records, "max_records", minimum=0, none="every record")
        check_count(
            page_size,
            "page_size",
            minimum=1,
            maximum=MAX_PAGE_SIZE,
            none="the settings' page size",
        )
        check_count(prefetch, "prefetch", minimum=1, maximum=MAX_PREFETCH)
        if "prefetch" in filters:  # only Toolkit's verbs leave it in **filters (FINDINGS9 J25)
            raise ArgumentTypeError(
                f"prefetch is an argument of AsyncToolkit's verbs, not of {type(self).__name__}'s"
                " (it fetches one page at a time); leave prefetch out, or use AsyncToolkit",
                source="argument",
                parameter="prefetch",
                choices=(),
            )
        params = self.resolve_filters(presets, filters)
        # An argument out of range is a ParameterError above (FINDINGS10 K4: it was a
        # ConfigurationError, unlike prefetch); the settings' page size is checked when the
        # settings are loaded (ConfigurationError, naming where it came from).
        size = page_size if page_size is not None else self.settings.page_size
        # A value no URL can carry is refused here, before any request (the project lookup
        # included): the query as the walk sends it, with room for any offset it reaches.
        paging = {"offset": _LARGEST_OFFSET, "limit": size}
        check_query_length(
            MEASUREMENTS_BY_PROJECT.request_kwargs({"project_id": "p"}, {**params, **paging})[
                "params"
            ]
        )
        return params, size

    def _sort_order(
        self, presets: Sequence[str], filters: Mapping[str, Any], params: Mapping[str, Any]
    ) -> SortOrder | None:
        """The sort a measurement walk asks for (``params``: ``_measurement_walk_args``'),
        for the advice when its pages overlap (FINDINGS8 H4): its ``order_by`` and the
        preset that set it (the last of ``presets`` giving one, unless ``filters`` does), or
        the spec's default (``created_at``, ``default=True``) when none is asked for."""
        key = params.get("order_by")
        if key is None:  # the server's default order (the spec's default for order_by)
            default = operation_parameters()["order_by"].default
            return None if default is None else SortOrder(str(default), default=True)
        preset = None
        if filters.get("order_by") is None:
            setting = [name for name in presets if "order_by" in self.presets.get(name).params]
            preset = setting[-1] if setting else None
        return SortOrder(str(key), preset)

    def open_sinks(self, targets: Sequence[str | Sink]) -> list[tuple[str, Sink]]:
        """Parse every target (``SCHEME:TARGET[?k=v]`` or a path) and build its sink.

        Raises ConfigurationError naming the target and the known schemes (or, for a scheme
        of a plugin switched off while registering its sinks, that plugin and its error);
        nothing is opened when any target is bad.
        """
        return open_sinks(targets, self.sink_factories, self.plugins.failed_sinks)

    def _project_or_id(self, project: str | None) -> str:
        """The stripped project argument (or the default project); ids need no lookup."""
        check_project(project)
        return project_argument(project, self.settings.project_id)


class Toolkit(_BaseToolkit):
    """A synchronous session with the Ionworks API: settings, plugins, one ``httpx.Client``.

    Arguments beat environment (``IONWORKS_API_KEY``, ``IONWORKS_API_TOKEN``,
    ``IONWORKS_API_URL``, ``IONWORKS_ORGANIZATION_ID``, ``.env``) which beats
    ``ionworks-toolkit.toml``. ``plugins``: plugin objects registered after the built-ins and
    entry points. ``transport``: an ``httpx.BaseTransport`` to send through (tests,
    recording); the limits and retries wrap it, and no proxy applies (as in httpx). Network
    settings (see ``Settings`` and the README's "Against the real API"): ``timeout`` (seconds
    per request, body included), ``max_retries``, ``retry_budget`` (seconds),
    ``max_response_bytes``, ``proxy``, ``verify`` (a CA bundle path). Use as
    ``with Toolkit() as tk:`` or call ``close()``. Threads may share one Toolkit: its one
    ``httpx.Client`` (thread-safe) is built once, however many threads use it first at once.
    For coroutines and prefetching, use ``AsyncToolkit``.

    Raises ConfigurationError for bad settings, PluginError for a contract violation, and,
    before anything is built, ArgumentTypeError (a TypeError) naming an argument of the
    wrong type and ParameterError for a ``working_dir`` that is not an existing folder
    (``arguments.check_session_arguments``).
    """

    def __init__(self, *, transport: httpx.BaseTransport | None = None, **options: Any) -> None:
        self._check_options(options)
        check_session_arguments("Toolkit", transport, **options)
        super().__init__(**options)
        self._transport = transport
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        """The generated ``ionworks_client.Client``, its sync httpx client wired with auth,
        retries and hooks (lazy). Use it with the generated ``sync_detailed`` functions."""
        self._check_open()
        with self._binding:
            if self._client is None:
                client = self._generated_client()
                client.set_httpx_client(
                    httpx.Client(**self._client_kwargs(self._transport, asynchronous=False))
                )
                self._client = client
            return self._client

    def close(self) -> None:
        """Close the httpx client (its connections); the Toolkit cannot be used after."""
        self._closed = True
        if self._client is not None:
            self._client.get_httpx_client().close()

    def __enter__(self) -> Toolkit:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests

    def _send(self, kwargs: Mapping[str, Any]) -> httpx.Response:
        return send(self.client.get_httpx_client(), kwargs)

    def _walk(
        self,
        operation: ListOperation[T],
        path_params: Mapping[str, Any],
        params: Mapping[str, Any],
        *,
        page_size: int,
        max_records: int | None = None,
        stats: WalkStats | None = None,
        first: Page[T] | None = None,
        order: SortOrder | None = None,
    ) -> Iterator[list[T]]:
        # ``first``: the walk's first page, already received (see resolve_project).
        def fetch(offset: int, limit: int) -> Page[T]:
            nonlocal first
            if first is not None and offset == first.offset:
                page, first = first, None
                return page
            kwargs = operation.request_kwargs(
                path_params, {**params, "offset": offset, "limit": limit}
            )
            return operation.parse_page(self._send(kwargs), offset)

        return walk_pages(
            fetch, page_size=page_size, max_records=max_records, stats=stats, order=order
        )

    # ------------------------------------------------------------------ projects

    def iter_project_pages(self) -> Iterator[list[Project]]:
        """Pages of ``GET /projects`` (every project visible to the credential)."""
        self._check_credentials()
        return self._walk(PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE)

    def list_projects(self) -> list[Project]:
        """All projects visible to the credential (GET /projects, every page).

        Raises PaginationError when the walk itself says projects may be missing
        (``WalkStats.incomplete``: projects sent again on later pages of a list without a
        total, FINDINGS8 H16), since the answer promises every project: see
        :func:`complete_listing`."""
        self._check_credentials()
        stats = WalkStats()
        walk = self._walk(PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE, stats=stats)
        return complete_listing([p for page in walk for p in page], stats)

    def resolve_project(self, project: str | None) -> str:
        """A project id from an id or a name (GET /projects); ids (UUIDs, and any
        :class:`~ionworks_toolkit.projects.ProjectId` from a listing) are used as given.

        ``None`` means the default project (``IONWORKS_PROJECT_ID`` / ``project_id``). A name
        matches exactly (case-insensitive): it is asked for with one ``GET /projects?name=``
        first (``projects.name_query``; one page of ``MAX_PAGE_SIZE``), and only when that
        answer holds no project of that name (or the server refuses the parameter: 400, 422)
        is every project listed (the match, or the closest names for the error); an answer
        holding projects of other names (a server ignoring ``name``) is taken as the
        listing's first page (``projects.ignores_name``), not asked for again. Raises
        ConfigurationError when there is no project or the name is ambiguous, NotFoundError
        for an unknown name, each listing the closest project names.
        """
        if isinstance(project, ProjectId):  # listed by GET /projects: an id, whatever its form
            return str(project)
        project = self._project_or_id(project)
        if is_project_id(project):
            return project
        self._check_credentials()
        page: Page[Project] | None = None
        try:
            kwargs = PROJECTS.request_kwargs({}, name_query(project))
            page = PROJECTS.parse_page(self._send(kwargs), 0)
        except APIError as exc:
            if exc.status not in NAME_QUERY_REFUSED:
                raise  # else a server refusing the name parameter: every project is listed
        found = named(project, page.items) if page is not None else []
        if found:
            return match_project(project, found)
        first = page if page is not None and ignores_name(project, page.items) else None
        stats = WalkStats()
        walk = self._walk(
            PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE, first=first, stats=stats
        )
        return match_listed(project, [p for projects in walk for p in projects], stats)

    @rolls_back_on_sigterm
    def export_projects(self, sinks: Sequence[str | Sink] = ("jsonl:-",)) -> ExportResult:
        """Write every project (``Project.to_dict()``, ``GET /projects``, every page) to every
        sink, atomically (as ``export``). Raises PaginationError, publishing nothing, when
        the walk says projects may be missing (:func:`check_listing`, as ``list_projects``)."""
        opened = self.open_sinks(sinks)
        stats = WalkStats()
        try:
            bind_schema(opened, projects_schema())  # columns of Project; sqlite table "projects"
            self._check_credentials()
            walk = self._walk(PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE, stats=stats)
            for page in walk:
                write_page(opened, page)
            check_listing(stats.records, stats)  # a listing that may lack projects: refused
            commit_sinks(opened)
        except BaseException:
            abort_sinks(opened)
            raise
        return export_result("", stats, opened)

    # ------------------------------------------------------------------ measurements

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
        params, size = self._measurement_walk_args(presets, filters, page_size, max_records)
        self._check_credentials()
        project_id = self.resolve_project(project)
        yield from self._walk(
            MEASUREMENTS_BY_PROJECT,
            {"project_id": project_id},
            params,
            order=self._sort_order(presets, filters, params),
            page_size=size,
            max_records=max_records,
            stats=stats,
        )

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

    # ------------------------------------------------------------------ frames

    def _record_pages(
        self,
        project: str | None,
        presets: Sequence[str],
        max_records: int | None,
        page_size: int | None,
        filters: Mapping[str, Any],
    ) -> Iterator[list[dict[str, Any]]]:
        params, size = self._measurement_walk_args(presets, filters, page_size, max_records)
        self._check_credentials()
        project_id = self.resolve_project(project)
        yield from self._walk(
            MEASUREMENTS_BY_PROJECT.records(),
            {"project_id": project_id},
            params,
            order=self._sort_order(presets, filters, params),
            page_size=size,
            max_records=max_records,
        )

    def to_arrow(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        **filters: Any,
    ) -> Any:
        """A project's measurements as a ``pyarrow.Table`` with the Parquet sink's columns
        and types (``GET /cell_measurements/by-project/{project_id}``; see
        ``ionworks_toolkit.frames``): ``created_at`` is ``timestamp[us, tz=UTC]``,
        ``specification.ratings.capacity.value`` ``float64``. Built from one record batch per
        page. Arguments and errors as ``iter_measurement_pages``; MissingDependencyError
        (before any request) without pyarrow: ``pip install "ionworks-toolkit[parquet]"``.
        """
        return arrow_table(self._record_pages(project, presets, max_records, page_size, filters))

    def to_pandas(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        **filters: Any,
    ) -> Any:
        """``to_arrow`` as a ``pandas.DataFrame`` (``created_at`` ``datetime64[us, UTC]``,
        nullable ``Int64``/``boolean``). MissingDependencyError before any request without
        pandas: ``pip install "ionworks-toolkit[pandas]"``."""
        require_pandas()
        table = self.to_arrow(
            project, presets=presets, max_records=max_records, page_size=page_size, **filters
        )
        return pandas_frame(table)

    def to_polars(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        **filters: Any,
    ) -> Any:
        """``to_arrow`` as a ``polars.DataFrame`` (types kept). MissingDependencyError before
        any request without polars: ``pip install "ionworks-toolkit[polars]"``."""
        require_polars()
        table = self.to_arrow(
            project, presets=presets, max_records=max_records, page_size=page_size, **filters
        )
        return polars_frame(table)

    @rolls_back_on_sigterm
    def export(
        self,
        project: str | Sequence[str] | None,
        sinks: Sequence[str | os.PathLike[str] | Sink] = ("sqlite:measurements.db",),
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        progress: Callable[[WalkStats], None] | None = None,
        incremental: bool = False,
        concurrency: int = DEFAULT_CONCURRENCY,
        **filters: Any,
    ) -> ExportResult:
        """Write a project's measurements to every sink, atomically. Records are the dicts
        ``item.to_dict()`` gives, built without models (``record_from_dict``: same checks and
        tolerant-reader rules; keys in the order the server sent them); a sink that applies
        the date rule (every built-in one) gets a plain item as parsed (``is_plain_record``).

        Each sink gets ``write(records)`` once per page and ``commit()`` at the end; on any
        error or interrupt every sink is aborted (no half-written output, previous output kept)
        and the error is re-raised (sink failures as SinkError naming the sink).
        ``progress(stats)`` is called after each page with a copy of the walk's WalkStats
        (changing it changes neither the walk nor the result).

        ``project`` may be a list of projects (ids or names): they are walked ``concurrency``
        at a time, every record gets ``project_id``, and the sinks are committed once at the
        end. ``incremental=True``: only records changed since the destination's stored
        ``updated_at`` mark are fetched and upserted (sqlite: sinks only; see
        ``ionworks_toolkit.incremental``).

        Wrong arguments fail before any request: ArgumentTypeError (also a TypeError) for a
        wrong type (``project=123``, ``sinks="m.csv"``), ParameterError for an empty
        ``sinks`` or a count out of range, each naming the argument.
        """
        check_project(project, several=True)
        check_sinks(sinks)
        sinks = sink_targets(sinks)
        check_callable(progress, "progress", "the WalkStats after each page")
        check_flag(incremental, "incremental")
        check_count(concurrency, "concurrency", minimum=1)  # one project too (FINDINGS9 J25)
        if incremental or is_several(project):
            return export_measurements(
                self,
                project,
                sinks,
                presets=presets,
                max_records=max_records,
                page_size=page_size,
                progress=progress,
                incremental=incremental,
                concurrency=concurrency,
                filters=filters,
            )
        assert not isinstance(project, Sequence) or isinstance(project, str)
        params, size = self._measurement_walk_args(presets, filters, page_size, max_records)
        opened = self.open_sinks(sinks)
        stats = WalkStats()
        project_id = ""
        try:
            bind_schema(opened, measurements_schema())  # table: columns checked, no request
            self._check_credentials()
            project_id = self.resolve_project(project)
            walk = self._walk(
                # dicts, no model round trip; plus each item's bytes for a JSON Lines sink
                MEASUREMENTS_BY_PROJECT.records(raw_lines=takes_raw_lines(opened)),
                {"project_id": project_id},
                params,
                order=self._sort_order(presets, filters, params),
                page_size=size,
                max_records=max_records,
                stats=stats,
            )
            with fewer_collections():  # pages are freed by reference counting
                for page in walk:
                    write_page(opened, page, item_model=MEASUREMENTS_BY_PROJECT.item_model)
                    del page  # freed before the next one is fetched
                    if progress is not None:
                        progress(attrs.evolve(stats))  # a copy: the walk's own stay
            commit_sinks(opened)
        except BaseException:
            abort_sinks(opened)
            raise
        return export_result(project_id, stats, opened)


class _LoopGuard:
    """Closes an ``httpx.AsyncClient`` on the event loop it was built on, before that loop
    closes, whoever forgets to.

    An async generator, started (it runs to its only ``yield`` without suspending) inside the
    running loop, is registered by the loop's ``firstiter`` hook; the loop's
    ``shutdown_asyncgens()``, which ``asyncio.run``/``asyncio.Runner`` run after cancelling
    the remaining tasks and before closing the loop, calls its ``aclose()``, whose
    ``finally`` closes the client (and so its pool's connections) while the loop still runs.
    ``aclose()`` does the same on demand. Dropped with a live loop, the loop's finaliser
    hook schedules the same close.
    """

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._generator = self._close_at_exit(client)
        with contextlib.suppress(StopIteration):  # reached the yield: registered, suspended
            self._generator.asend(None).send(None)

    @staticmethod
    async def _close_at_exit(client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            await client.aclose()

    async def aclose(self) -> None:
        """Close the client now (on the running loop, the one it was built on)."""
        await self._generator.aclose()


class AsyncToolkit(_BaseToolkit):
    """An asynchronous session with the Ionworks API: ``Toolkit``'s verbs as coroutines and
    async iterators, over one ``httpx.AsyncClient``, with up to ``prefetch`` pages in flight.

    Arguments as ``Toolkit``; ``transport`` is an ``httpx.AsyncBaseTransport``. Use as
    ``async with AsyncToolkit() as tk:`` or call ``await tk.aclose()``. The httpx client
    belongs to the event loop that first used it: used again from a new loop (a second
    ``asyncio.run``) after that loop closed, the toolkit builds a fresh client; used from
    another loop while that one is still open (two threads each running ``asyncio.run`` on one
    module-level toolkit, FINDINGS8 H21), it raises ConfigurationError in the second caller
    before any request, naming the thread whose loop holds it, and leaves the first caller's
    requests alone (``aclose()`` from that other loop likewise). Make one AsyncToolkit per
    event loop, as for an ``httpx.AsyncClient``.

    Each client is closed on its own loop, connections included: by ``aclose()``, or, when
    its loop shuts down first, by that loop's ``shutdown_asyncgens()`` (``asyncio.run`` and
    ``asyncio.Runner`` call it before closing the loop; see :class:`_LoopGuard`). A loop
    closed without it (``loop.close()`` alone) cannot run the client's ``aclose()`` any
    more: its sockets are then closed when the client is collected.
    """

    def __init__(
        self, *, transport: httpx.AsyncBaseTransport | None = None, **options: Any
    ) -> None:
        self._check_options(options)
        check_session_arguments("AsyncToolkit", transport, **options)
        super().__init__(**options)
        self._transport = transport
        self._client: Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._guard: _LoopGuard | None = None
        self._thread = ""  # the name of the thread whose loop built the client

    @property
    def client(self) -> Client:
        """The generated ``ionworks_client.Client``, its async httpx client wired with auth,
        retries and hooks, bound to the running event loop (lazy). Use it with the generated
        ``asyncio_detailed`` functions, inside a coroutine."""
        self._check_open()
        loop = asyncio.get_running_loop()
        with self._binding:
            if self._client is not None and self._loop is not loop:
                self._check_loop(loop)
                # The loop that owned the client is gone (a previous asyncio.run), and closed
                # the client through its guard while it could (see _LoopGuard).
                logger.debug("event loop changed: building a new httpx client")
                self._client = self._guard = None
            if self._client is None:
                client = self._generated_client()
                httpx_client = httpx.AsyncClient(
                    **self._client_kwargs(self._transport, asynchronous=True)
                )
                client.set_async_httpx_client(httpx_client)
                self._guard = _LoopGuard(httpx_client)
                self._client, self._loop = client, loop
                self._thread = threading.current_thread().name
            return self._client

    def _check_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """ConfigurationError when the client belongs to another event loop than ``loop``
        that is still open (it may be running requests in another thread)."""
        if self._loop is not None and self._loop is not loop and not self._loop.is_closed():
            raise ConfigurationError(
                "this AsyncToolkit is in use by another event loop (its httpx client belongs "
                f"to the loop of thread {self._thread!r}, which is still open); make one "
                "AsyncToolkit per event loop"
            )

    async def aclose(self) -> None:
        """Close the httpx client (its connections); the AsyncToolkit cannot be used after.
        Called from another loop than the client's: once that loop has closed, its shutdown
        has closed the client (see the class docstring); while it is still open, this raises
        ConfigurationError and the toolkit stays open (closing the client would cancel the
        requests that loop may be running in another thread).
        """
        with self._binding:
            if self._client is not None:
                self._check_loop(asyncio.get_running_loop())
            self._closed = True
            guard, self._guard, self._client = self._guard, None, None
        if guard is not None and self._loop is asyncio.get_running_loop():
            await guard.aclose()

    async def __aenter__(self) -> AsyncToolkit:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ requests

    async def _open_sinks(self, targets: Sequence[str | Sink]) -> list[tuple[str, Sink]]:
        """``open_sinks`` in a coroutine: the modules the sinks import when they are built and
        first write (pyarrow, and pandas through it, for ``parquet:`` and ``dataset:``:
        several hundred ms; psycopg for ``postgresql:``) are imported first in a worker
        thread, so that the event loop never waits on an import; the sinks are then built on
        the loop (``export.sink_preloads``)."""
        preloads = sink_preloads(targets, self.sink_factories)
        if preloads:
            await asyncio.to_thread(run_preloads, preloads)
        return self.open_sinks(targets)

    async def _send(self, kwargs: Mapping[str, Any]) -> httpx.Response:
        return await asend(self.client.get_async_httpx_client(), kwargs)

    def _walk(
        self,
        operation: ListOperation[T],
        path_params: Mapping[str, Any],
        params: Mapping[str, Any],
        *,
        page_size: int,
        max_records: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        stats: WalkStats | None = None,
        first: Page[T] | None = None,
        order: SortOrder | None = None,
    ) -> AsyncIterator[list[T]]:
        # ``first``: the walk's first page, already received (see resolve_project). Other
        # pages are the responses, parsed by the walk when it takes them (awalk_pages).
        async def fetch(offset: int, limit: int) -> Page[T] | httpx.Response:
            nonlocal first
            if first is not None and offset == first.offset:
                page, first = first, None
                return page
            kwargs = operation.request_kwargs(
                path_params, {**params, "offset": offset, "limit": limit}
            )
            return await self._send(kwargs)

        return awalk_pages(
            fetch,
            page_size=page_size,
            max_records=max_records,
            prefetch=prefetch,
            stats=stats,
            order=order,
            parse=operation.parse_page,
        )

    # ------------------------------------------------------------------ projects

    def iter_project_pages(
        self, *, prefetch: int = DEFAULT_PREFETCH
    ) -> AsyncIterator[list[Project]]:
        """Pages of ``GET /projects`` (every project visible to the credential).

        :raises ArgumentTypeError: ``prefetch`` is not an int; ParameterError: outside
            1..``MAX_PREFETCH`` (32).
        """
        check_count(prefetch, "prefetch", minimum=1, maximum=MAX_PREFETCH)
        self._check_credentials()
        return self._walk(PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE, prefetch=prefetch)

    async def list_projects(self) -> list[Project]:
        """All projects visible to the credential; see ``Toolkit.list_projects``."""
        self._check_credentials()
        stats = WalkStats()
        walk = self._walk(PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE, stats=stats)
        return complete_listing([p async for page in walk for p in page], stats)

    async def resolve_project(self, project: str | None) -> str:
        """A project id from an id or a name; see ``Toolkit.resolve_project``."""
        if isinstance(project, ProjectId):  # listed by GET /projects: an id, whatever its form
            return str(project)
        project = self._project_or_id(project)
        if is_project_id(project):
            return project
        self._check_credentials()
        page: Page[Project] | None = None
        try:
            kwargs = PROJECTS.request_kwargs({}, name_query(project))
            page = PROJECTS.parse_page(await self._send(kwargs), 0)
        except APIError as exc:
            if exc.status not in NAME_QUERY_REFUSED:
                raise  # else a server refusing the name parameter: every project is listed
        found = named(project, page.items) if page is not None else []
        if found:
            return match_project(project, found)
        first = page if page is not None and ignores_name(project, page.items) else None
        stats = WalkStats()
        walk = self._walk(
            PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE, first=first, stats=stats
        )
        return match_listed(project, [p async for projects in walk for p in projects], stats)

    @arolls_back_on_sigterm
    async def export_projects(self, sinks: Sequence[str | Sink] = ("jsonl:-",)) -> ExportResult:
        """Write every project to every sink, atomically; see ``Toolkit.export_projects``."""
        opened = await self._open_sinks(sinks)
        stats = WalkStats()
        try:
            bind_schema(opened, projects_schema())  # columns of Project; sqlite table "projects"
            self._check_credentials()
            pages = self._walk(PROJECTS, {}, PROJECT_ORDER, page_size=MAX_PAGE_SIZE, stats=stats)
            async for page in pages:
                write_page(opened, page)
            check_listing(stats.records, stats)  # a listing that may lack projects: refused
            commit_sinks(opened)
        except BaseException:
            abort_sinks(opened)
            raise
        return export_result("", stats, opened)

    # ------------------------------------------------------------------ measurements

    async def iter_measurement_pages(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        stats: WalkStats | None = None,
        **filters: Any,
    ) -> AsyncIterator[list[CellMeasurementWithDetails]]:
        """``Toolkit.iter_measurement_pages`` with up to ``prefetch`` pages requested at once,
        yielded in order."""
        params, size = self._measurement_walk_args(
            presets, filters, page_size, max_records, prefetch=prefetch
        )
        self._check_credentials()
        project_id = await self.resolve_project(project)
        walk = self._walk(
            MEASUREMENTS_BY_PROJECT,
            {"project_id": project_id},
            params,
            order=self._sort_order(presets, filters, params),
            page_size=size,
            max_records=max_records,
            prefetch=prefetch,
            stats=stats,
        )
        try:
            async for page in walk:
                yield page
        finally:
            await walk.aclose()  # type: ignore[attr-defined]

    async def iter_measurements_by_project(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        stats: WalkStats | None = None,
        **filters: Any,
    ) -> AsyncIterator[CellMeasurementWithDetails]:
        """``Toolkit.iter_measurements_by_project``, yielding in order."""
        pages = self.iter_measurement_pages(
            project,
            presets=presets,
            max_records=max_records,
            page_size=page_size,
            prefetch=prefetch,
            stats=stats,
            **filters,
        )
        try:
            async for page in pages:
                for item in page:
                    yield item
        finally:
            await pages.aclose()  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ frames

    async def _record_pages(
        self,
        project: str | None,
        presets: Sequence[str],
        max_records: int | None,
        page_size: int | None,
        filters: Mapping[str, Any],
    ) -> AsyncIterator[list[dict[str, Any]]]:
        params, size = self._measurement_walk_args(presets, filters, page_size, max_records)
        self._check_credentials()
        project_id = await self.resolve_project(project)
        walk = self._walk(
            MEASUREMENTS_BY_PROJECT.records(),
            {"project_id": project_id},
            params,
            order=self._sort_order(presets, filters, params),
            page_size=size,
            max_records=max_records,
        )
        try:
            async for page in walk:
                yield page
        finally:
            await walk.aclose()  # type: ignore[attr-defined]

    async def to_arrow(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        **filters: Any,
    ) -> Any:
        """``Toolkit.to_arrow`` (same table, same errors), pages prefetched; pyarrow imported
        in a worker thread, not on the event loop (``frames.arrow_table_async``)."""
        return await arrow_table_async(
            self._record_pages(project, presets, max_records, page_size, filters)
        )

    async def to_pandas(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        **filters: Any,
    ) -> Any:
        """``Toolkit.to_pandas`` (same frame, same errors); pandas imported and the frame
        converted in a worker thread, not on the event loop."""
        await asyncio.to_thread(require_pandas)
        table = await self.to_arrow(
            project, presets=presets, max_records=max_records, page_size=page_size, **filters
        )
        return await asyncio.to_thread(pandas_frame, table)

    async def to_polars(
        self,
        project: str | None,
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        **filters: Any,
    ) -> Any:
        """``Toolkit.to_polars`` (same frame, same errors); polars imported and the frame
        converted in a worker thread, not on the event loop."""
        await asyncio.to_thread(require_polars)
        table = await self.to_arrow(
            project, presets=presets, max_records=max_records, page_size=page_size, **filters
        )
        return await asyncio.to_thread(polars_frame, table)

    @arolls_back_on_sigterm
    async def export(
        self,
        project: str | Sequence[str] | None,
        sinks: Sequence[str | os.PathLike[str] | Sink] = ("sqlite:measurements.db",),
        *,
        presets: Sequence[str] = (),
        max_records: int | None = None,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        progress: Callable[[WalkStats], None] | None = None,
        incremental: bool = False,
        concurrency: int = DEFAULT_CONCURRENCY,
        **filters: Any,
    ) -> ExportResult:
        """``Toolkit.export`` with up to ``prefetch`` pages in flight (same guarantees; also
        several projects, ``concurrency`` at a time as tasks, and ``incremental``).
        ``progress`` is a plain function, called (never awaited) on the event loop's thread
        after each page: keep it quick; an ``async def`` one is refused (ArgumentTypeError)."""
        check_project(project, several=True)
        check_sinks(sinks)
        sinks = sink_targets(sinks)
        check_callable(progress, "progress", "the WalkStats after each page")
        check_flag(incremental, "incremental")
        check_count(concurrency, "concurrency", minimum=1)  # one project too (FINDINGS9 J25)
        if incremental or is_several(project):
            return await aexport_measurements(
                self,
                project,
                sinks,
                presets=presets,
                max_records=max_records,
                page_size=page_size,
                prefetch=prefetch,
                progress=progress,
                incremental=incremental,
                concurrency=concurrency,
                filters=filters,
            )
        assert not isinstance(project, Sequence) or isinstance(project, str)
        params, size = self._measurement_walk_args(
            presets, filters, page_size, max_records, prefetch=prefetch
        )
        opened = await self._open_sinks(sinks)
        stats = WalkStats()
        project_id = ""
        try:
            bind_schema(opened, measurements_schema())  # table: columns checked, no request
            self._check_credentials()
            project_id = await self.resolve_project(project)
            walk = self._walk(
                # dicts, no model round trip; plus each item's bytes for a JSON Lines sink
                MEASUREMENTS_BY_PROJECT.records(raw_lines=takes_raw_lines(opened)),
                {"project_id": project_id},
                params,
                order=self._sort_order(presets, filters, params),
                page_size=size,
                max_records=max_records,
                prefetch=prefetch,
                stats=stats,
            )
            # Pages of a regular JSON Lines or CSV file are written by a worker thread while
            # the loop receives the next one (AsyncPageWriter); progress after each write.
            writer = AsyncPageWriter(
                opened, item_model=MEASUREMENTS_BY_PROJECT.item_model, progress=progress
            )
            try:
                with fewer_collections():  # pages are freed by reference counting
                    async for page in walk:
                        await writer.write(page, stats)
                        del page  # freed before the next one is awaited
                    await writer.finish()
            finally:
                writer.close()  # after an error: the page being written is finished first
                await walk.aclose()  # type: ignore[attr-defined]
            commit_sinks(opened)
        except BaseException:
            abort_sinks(opened)
            raise
        return export_result(project_id, stats, opened)
