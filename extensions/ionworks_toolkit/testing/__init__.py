"""Test kit for plugin authors (and our own tests): pytest fixtures on the sandbox, and
``SinkContract``.

It is a pytest plugin, registered through the entry-point group ``pytest11`` when
``ionworks-toolkit`` is installed, so its fixtures need no ``conftest.py``. Loading it is
cheap: only pytest and the standard library are imported, and nothing starts until a test
uses a fixture. Switch it off with ``pytest -p no:ionworks_toolkit``.

Fixtures (the sandbox needs the ``sandbox`` extra: ``pip install "ionworks-toolkit[sandbox]"``;
without it a test that uses one fails saying so, and every other test runs):

``ionworks_sandbox``
    An :class:`IonworksSandbox` on 127.0.0.1: ``base_url``, ``api_key``, ``headers``,
    ``projects`` (name -> id), ``measurement_counts``, ``project_id(name)``,
    ``request_count``, ``toolkit(**kwargs)``. Shared by the whole test session, unless the
    test is marked ``@pytest.mark.ionworks_sandbox(**options)`` (``SandboxOptions``: ``scale``,
    ``latency_ms``, ``rate_limit_every``, ``retry_after_s``, ``fail_500_on_request``,
    ``drop_connection_on_request``, ``total_offset``, ``ignore_offset``, ``api_key``,
    ``bearer_tokens``, ``expire_token_after_requests``): then the test gets its own sandbox
    with those options, stopped after it (its request numbering, which faults count, starts
    at 1).
``ionworks_sandbox_factory``
    ``start(**options) -> IonworksSandbox``: as many sandboxes as a test needs, stopped after it.
``ionworks_session_sandbox``
    The session's default sandbox, for fixtures of module or session scope.
``ionworks_toolkit``
    A ``Toolkit`` bound to ``ionworks_sandbox`` with the installed plugins loaded, the
    developer's environment ignored, closed after the test. Toolkit arguments through
    ``@pytest.mark.ionworks_toolkit(**kwargs)`` (e.g. ``max_retries=0``,
    ``disable_plugins=["acme"]``, ``plugins=[obj]``).
``ionworks_async_toolkit``
    The same as an ``AsyncToolkit`` (same marker), for ``async def`` tests (pytest-asyncio or
    anyio); no keep-alive connections (the test's loop closes before the fixture's teardown),
    closed after the test. ``ionworks_sandbox.async_toolkit()`` for one of your own.
``ionworks_sample_pages``
    4 pages of 5 real measurement records from the sandbox (one page per real project,
    ordered by name), each the ``to_dict()`` of a ``CellMeasurementWithDetails``: what a
    sink's ``write()`` receives. Session-scoped: copy before changing.

``SinkContract``: subclass it to check a sink against the public contract (see its docstring).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from ._contract import CONTRACT_RULES, ContractProbeError, SinkContract
from ._sandbox import IonworksSandbox, start_sandbox

if TYPE_CHECKING:
    from ..session import AsyncToolkit, Toolkit

__all__ = [
    "CONTRACT_RULES",
    "ContractProbeError",
    "IonworksSandbox",
    "SinkContract",
    "start_sandbox",
]

#: Projects the sample pages come from, in order (the sandbox's real projects).
SAMPLE_PROJECTS = (
    "Severson 2019 fast-charging cycle life",
    "Attia 2020 closed-loop fast-charging optimisation",
    "TRI BEEP protocol test plans (Talos, Drive)",
    "NASA PCoE Li-ion battery aging",
)
SAMPLE_PAGE_SIZE = 5


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ionworks_sandbox(**options): give this test its own sandbox started with "
        "SandboxOptions(**options) (fixtures ionworks_sandbox, ionworks_toolkit)",
    )
    config.addinivalue_line(
        "markers",
        "ionworks_toolkit(**kwargs): Toolkit arguments for the ionworks_toolkit and "
        "ionworks_async_toolkit fixtures",
    )


def _start(options: dict[str, Any]) -> IonworksSandbox:
    from ..sandbox import SandboxDependencyError

    try:
        return start_sandbox(**options)
    except SandboxDependencyError as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)  # outside the except block: one clean line


@pytest.fixture(scope="session")
def ionworks_session_sandbox() -> Iterator[IonworksSandbox]:
    """The sandbox with default options, started once for the test session."""
    sandbox = _start({})
    with sandbox:
        yield sandbox


@pytest.fixture
def ionworks_sandbox_factory() -> Iterator[Callable[..., IonworksSandbox]]:
    """``start(**options) -> IonworksSandbox``: start a sandbox with ``SandboxOptions(**options)``
    on 127.0.0.1; every sandbox started is stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(**options: Any) -> IonworksSandbox:
            return stack.enter_context(_start(options))

        yield start


@pytest.fixture
def ionworks_sandbox(request: pytest.FixtureRequest) -> IonworksSandbox:
    """The session's sandbox, or with ``@pytest.mark.ionworks_sandbox(**options)`` one of
    this test's own (see the module docstring)."""
    marker = request.node.get_closest_marker("ionworks_sandbox")
    if marker is None:
        sandbox: IonworksSandbox = request.getfixturevalue("ionworks_session_sandbox")
        return sandbox
    if marker.args:
        raise TypeError("@pytest.mark.ionworks_sandbox takes keyword options only")
    factory = request.getfixturevalue("ionworks_sandbox_factory")
    started: IonworksSandbox = factory(**marker.kwargs)
    return started


@pytest.fixture
def ionworks_toolkit(
    request: pytest.FixtureRequest, ionworks_sandbox: IonworksSandbox
) -> Iterator[Toolkit]:
    """A ``Toolkit`` bound to ``ionworks_sandbox``, installed plugins loaded; closed after the
    test. ``@pytest.mark.ionworks_toolkit(**kwargs)`` passes Toolkit arguments."""
    marker = request.node.get_closest_marker("ionworks_toolkit")
    kwargs = dict(marker.kwargs) if marker is not None else {}
    with ionworks_sandbox.toolkit(**kwargs) as toolkit:
        yield toolkit


@pytest.fixture
def ionworks_async_toolkit(
    request: pytest.FixtureRequest, ionworks_sandbox: IonworksSandbox
) -> Iterator[AsyncToolkit]:
    """An ``AsyncToolkit`` bound to ``ionworks_sandbox`` (as ``ionworks_toolkit``).

    A plain fixture, so it works under any async plugin (pytest-asyncio, anyio). Those close
    the test's event loop before this fixture's teardown, so its connections are not kept
    alive between requests (nothing is left open with the loop); the toolkit is closed after
    the test. A ``transport`` passed through the marker replaces that one.
    """
    import asyncio

    import httpx

    marker = request.node.get_closest_marker("ionworks_toolkit")
    kwargs = dict(marker.kwargs) if marker is not None else {}
    kwargs.setdefault(
        "transport", httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    )
    toolkit = ionworks_sandbox.async_toolkit(**kwargs)
    try:
        yield toolkit
    finally:
        asyncio.run(toolkit.aclose())


@pytest.fixture(scope="session")
def ionworks_sample_pages(
    ionworks_session_sandbox: IonworksSandbox,
) -> list[list[dict[str, Any]]]:
    """4 pages of 5 real records (one page per real sandbox project, by name), as sinks
    receive them (``to_dict()`` of ``CellMeasurementWithDetails``). Shared: copy to change."""
    pages: list[list[dict[str, Any]]] = []
    with ionworks_session_sandbox.toolkit(load_entry_points=False) as toolkit:
        for project in SAMPLE_PROJECTS:
            for page in toolkit.iter_measurement_pages(
                project,
                page_size=SAMPLE_PAGE_SIZE,
                max_records=SAMPLE_PAGE_SIZE,
                order_by="name",
                order="asc",
            ):
                pages.append([item.to_dict() for item in page])
    return pages
