"""Shared fixtures of the toolkit-core unit tests (tests/unit/test_core_*.py).

* ``make_toolkit``: a ``Toolkit`` over an ``httpx.MockTransport``, isolated from the
  developer's environment (``environ={}``, ``working_dir=tmp_path``, no entry points);
  ``make_async_toolkit``: the same for an ``AsyncToolkit`` (the test awaits ``aclose()``).
* ``PagedServer``: a programmable by-project endpoint (records, lying ``total``, ignored
  offset, inserts during the walk, status scripts) that records every request it gets.
* ``fake_sleep``: the retry library's clock, replaced by a recorder (no real waiting).
* ``memfs``: fsspec's memory filesystem and a fresh bucket, removed after the test.
* ``sandbox``: the real sandbox API over loopback (session scoped, ``scale=1500``), and
  ``sandbox_with(**options)`` for one with faults; ``sandbox_toolkit(server, **kwargs)``
  (every toolkit it makes carries a ``RequestBudget``: ``request_budget=N`` to tighten it).
* Runaway guards: ``PagedServer`` and every sandbox toolkit fail a walk that never ends
  (``request_budget.py``), instead of exhausting memory.

Helpers reach the test modules through fixtures (``paged_server``, ``measurement``), never
through ``import conftest``: that works under every pytest import mode and beside the
project-level ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx_retries.retry
import pytest
from click.testing import CliRunner
from ionworks_toolkit import AsyncToolkit, Toolkit
from ionworks_toolkit.cli import main
from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread
from request_budget import DEFAULT_LIMIT, RequestBudget

API_URL = "https://api.example.com"
PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
BY_PROJECT_PATH = f"/cell_measurements/by-project/{PROJECT_ID}"

# Stable sandbox ids (uuid5 of the project names, see sandbox/_catalogue.py).
SEVERSON_ID = "dad27f90-713a-5a2b-a976-e4a38e9951be"
SEVERSON_PATH = f"/cell_measurements/by-project/{SEVERSON_ID}"
SCALE = 1500


def measurement(i: int | str, **extra: Any) -> dict[str, Any]:
    """The smallest valid by-project item (the generated model's required fields)."""
    return {
        "id": f"m-{i}",
        "name": f"measurement {i}",
        "cell_instance_id": "ci-1",
        "created_at": None,
        "updated_at": None,
        **extra,
    }


class PagedServer:
    """A by-project endpoint over ``records`` (ids ``m-0``...), recording ``(offset, limit)``.

    ``total``: the ``total`` it reports (default: the real count). ``ignore_offset``: always
    serve from 0. ``insert_after_first_page``: after answering offset 0, insert that many new
    records at the head (newest first), shifting every later offset (the first page reports
    the total before them: it rises on the next page, as inserts between pages make it; a
    total unchanged on every page with copies is an overlap, FINDINGS7 G25). ``bare_list``:
    answer a bare JSON list instead of ``{items, count, total}``. ``script``: responses to
    send first, in order, one per request (``httpx.Response`` or a callable
    ``request -> Response``).
    """

    def __init__(
        self,
        n: int,
        *,
        total: int | None = None,
        ignore_offset: bool = False,
        insert_after_first_page: int = 0,
        bare_list: bool = False,
        script: list[Any] | None = None,
    ) -> None:
        self.records = [measurement(i) for i in range(n)]
        self.total = total
        self.ignore_offset = ignore_offset
        self.insert_after_first_page = insert_after_first_page
        self.bare_list = bare_list
        self.script = list(script or [])
        self.requests: list[httpx.Request] = []
        self.budget = RequestBudget()
        self.calls: list[tuple[int, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.budget.spend()  # a walk that never ends fails instead of hanging
        if self.script:
            step = self.script.pop(0)
            return step(request) if callable(step) else step
        offset = int(request.url.params.get("offset", 0))
        limit = int(request.url.params.get("limit", 25))
        self.calls.append((offset, limit))
        start = 0 if self.ignore_offset else offset
        items = self.records[start : start + limit]
        total = self.total if self.total is not None else len(self.records)
        if offset == 0 and self.insert_after_first_page:
            new = [measurement(f"new-{k}") for k in range(self.insert_after_first_page)]
            self.records[:0] = new
        if self.bare_list:
            return httpx.Response(200, json=items)
        return httpx.Response(200, json={"items": items, "count": len(items), "total": total})

    @property
    def offsets(self) -> list[int]:
        return [offset for offset, _ in self.calls]


def _mock_options(
    tmp_path: Path, handler: Callable[[httpx.Request], httpx.Response] | None, kwargs: Any
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "api_url": API_URL,
        "api_key": "test-key",
        "max_retries": 0,
        "transport": httpx.MockTransport(handler or PagedServer(0)),
        "load_entry_points": False,
        "environ": {},
        "working_dir": str(tmp_path),
    }
    options.update(kwargs)
    return options


@pytest.fixture
def make_toolkit(tmp_path: Path) -> Iterator[Callable[..., Toolkit]]:
    """``make_toolkit(handler, **kwargs)``: a Toolkit whose requests go to ``handler``.

    Defaults: ``api_url=API_URL``, ``api_key="test-key"``, ``max_retries=0``; any Toolkit
    argument can be overridden.
    """
    made: list[Toolkit] = []

    def factory(handler: Callable[[httpx.Request], httpx.Response] | None = None, **kwargs: Any):
        toolkit = Toolkit(**_mock_options(tmp_path, handler, kwargs))
        made.append(toolkit)
        return toolkit

    yield factory
    for toolkit in made:
        toolkit.close()


@pytest.fixture
def make_async_toolkit(tmp_path: Path) -> Callable[..., AsyncToolkit]:
    """``make_async_toolkit(handler, **kwargs)``: ``make_toolkit`` for an AsyncToolkit."""

    def factory(handler: Callable[[httpx.Request], httpx.Response] | None = None, **kwargs: Any):
        return AsyncToolkit(**_mock_options(tmp_path, handler, kwargs))

    return factory


@pytest.fixture
def fake_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Replace the retry library's clock and jitter: records each requested sleep, waits 0 s.

    Jitter is pinned to its upper bound (``random.uniform(a, b) -> b``), so the exponential
    backoff is exact: ``0.5 * 2**attempt`` seconds.
    """
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def asleep(seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr(httpx_retries.retry, "time", types.SimpleNamespace(sleep=sleep))
    monkeypatch.setattr(httpx_retries.retry, "asyncio", types.SimpleNamespace(sleep=asleep))
    monkeypatch.setattr(
        httpx_retries.retry, "random", types.SimpleNamespace(uniform=lambda a, b: b)
    )
    return sleeps


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Any]:
    """The sandbox with default options plus a ``scale`` project of 1500 measurements."""
    with run_in_thread(SandboxOptions(scale=SCALE)) as server:
        yield server


@pytest.fixture
def sandbox_server() -> Iterator[Any]:
    """A fresh sandbox with default options (``SandboxOptions()``) on loopback, for one test
    (its ``app.state.request_counter`` counts this test's requests only)."""
    with run_in_thread(SandboxOptions()) as server:
        yield server


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """The base URL of a sandbox with default options, shared by a test module's tests."""
    with run_in_thread(SandboxOptions()) as server:
        yield server.base_url


@pytest.fixture
def cli_list(runner: CliRunner) -> Callable[..., Any]:
    """``cli_list(sandbox, *arguments)``: ``measurements list ARGUMENTS`` through ``runner``
    against ``sandbox`` (a sandbox server or its base URL) with its API key; click's
    ``Result``."""

    def invoke(sandbox: Any, *arguments: str) -> Any:
        url = getattr(sandbox, "base_url", sandbox)
        return runner.invoke(
            main, ["--api-url", url, "--api-key", "sandbox", "measurements", "list", *arguments]
        )

    return invoke


@pytest.fixture
def signal_while_waiting() -> Callable[..., tuple[str, int, str]]:
    """``signal_while_waiting(arguments, cwd, env, signum)``: the CLI (``python -m
    ionworks_toolkit.cli ARGUMENTS``) run until its first stderr line (e.g. a lock wait's
    notice), then sent ``signum``; returns that line, the exit code and the rest of stderr.
    A child that does not end within 60 s is killed (the test then fails)."""

    def run(
        arguments: list[str], cwd: Path, env: dict[str, str], signum: int
    ) -> tuple[str, int, str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "ionworks_toolkit.cli", *arguments],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stderr is not None
            first = process.stderr.readline()
            process.send_signal(signum)
            _, rest = process.communicate(timeout=60)
            return first, process.returncode, rest
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    return run


@pytest.fixture
def sandbox_with(ionworks_sandbox_factory: Callable[..., Any]) -> Callable[..., Any]:
    """``sandbox_with(**options)``: the test kit's ``ionworks_sandbox_factory`` (a sandbox
    with these SandboxOptions on loopback, stopped after the test)."""
    return ionworks_sandbox_factory


def _sandbox_options(tmp_path: Path, server: Any, kwargs: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "api_url": server.base_url,
        "api_key": "sandbox",
        "load_entry_points": False,
        "environ": {},
        "working_dir": str(tmp_path),
    }
    options.update(kwargs)
    # Every walk of a sandbox has a runaway guard (see request_budget.py); a test may give
    # a tighter ``request_budget=N``.
    budget = RequestBudget(options.pop("request_budget", DEFAULT_LIMIT))
    options["plugins"] = [*options.get("plugins", ()), budget]
    return options


@pytest.fixture
def sandbox_toolkit(tmp_path: Path) -> Iterator[Callable[..., Toolkit]]:
    """``sandbox_toolkit(server, **kwargs)``: a Toolkit against a running sandbox (key
    ``sandbox``), isolated from the environment; closed after the test."""
    made: list[Toolkit] = []

    def factory(server: Any, **kwargs: Any) -> Toolkit:
        toolkit = Toolkit(**_sandbox_options(tmp_path, server, kwargs))
        made.append(toolkit)
        return toolkit

    yield factory
    for toolkit in made:
        toolkit.close()


@pytest.fixture
def sandbox_async_toolkit(tmp_path: Path) -> Callable[..., AsyncToolkit]:
    """``sandbox_async_toolkit(server, **kwargs)``: ``sandbox_toolkit`` for an AsyncToolkit
    (the test awaits ``aclose()``)."""

    def factory(server: Any, **kwargs: Any) -> AsyncToolkit:
        return AsyncToolkit(**_sandbox_options(tmp_path, server, kwargs))

    return factory


@pytest.fixture
def paged_server() -> type[PagedServer]:
    """The ``PagedServer`` class (see module docstring)."""
    return PagedServer


@pytest.fixture(name="measurement")
def measurement_fixture() -> Callable[..., dict[str, Any]]:
    """The ``measurement(i, **extra)`` item builder."""
    return measurement


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A click ``CliRunner`` in an empty working folder, with no ``IONWORKS_*`` variable set
    (so neither the caller's environment nor a ``.env`` nearby reaches the command)."""
    for name in list(os.environ):
        if name.startswith("IONWORKS_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def memfs() -> Iterator[tuple[Any, str]]:
    """fsspec's process-wide ``memory://`` filesystem and a fresh bucket name (``bucket-`` and
    8 hex digits), the bucket removed after the test."""
    import fsspec  # the parquet extra's; only the tests asking for memfs need it

    fs = fsspec.filesystem("memory")
    bucket = f"bucket-{uuid.uuid4().hex[:8]}"
    yield fs, bucket
    if fs.exists(f"/{bucket}"):
        fs.rm(f"/{bucket}", recursive=True)
