"""``export``'s ``concurrency`` is checked for one project too, and ``prefetch`` given to a
``Toolkit`` verb is named as an ``AsyncToolkit`` argument (FINDINGS9 J25).

Before: ``Toolkit.export("P", ..., concurrency="x")`` (or ``-5``) was accepted and the
export ran, while the same value for several projects was an ``ArgumentTypeError``; and
``Toolkit.export("P", ..., prefetch=4)`` was a ``ParameterError`` calling ``prefetch`` an
unknown filter. Now both fail before any request, with the messages below.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import ArgumentTypeError, ParameterError

PROJECT = "00000000-0000-0000-0000-000000000001"

BAD_CONCURRENCY = [
    ("x", ArgumentTypeError, "concurrency must be a whole number >= 1; got a str: 'x'"),
    (2.0, ArgumentTypeError, "concurrency must be a whole number >= 1; got a float: 2.0"),
    (-5, ParameterError, "concurrency=-5 must be >= 1"),
    (0, ParameterError, "concurrency=0 must be >= 1"),
]

PREFETCH_MESSAGE = (
    "prefetch is an argument of AsyncToolkit's verbs, not of Toolkit's (it fetches one page "
    "at a time); leave prefetch out, or use AsyncToolkit"
)


def _refusing(requests: list[httpx.Request]):
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    return handler


@pytest.mark.parametrize("project", [PROJECT, [PROJECT, PROJECT + "2"]])
@pytest.mark.parametrize(("value", "error", "message"), BAD_CONCURRENCY)
def test_sync_export_checks_concurrency(
    make_toolkit: Any, tmp_path: Path, project: Any, value: Any, error: type, message: str
) -> None:
    requests: list[httpx.Request] = []
    toolkit = make_toolkit(_refusing(requests))
    with pytest.raises(error) as caught:
        toolkit.export(project, [str(tmp_path / "m.jsonl")], concurrency=value)
    assert str(caught.value) == message
    assert caught.value.parameter == "concurrency"
    assert requests == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("project", [PROJECT, [PROJECT, PROJECT + "2"]])
@pytest.mark.parametrize(("value", "error", "message"), BAD_CONCURRENCY)
def test_async_export_checks_concurrency(
    make_async_toolkit: Any, tmp_path: Path, project: Any, value: Any, error: type, message: str
) -> None:
    requests: list[httpx.Request] = []

    async def run() -> None:
        toolkit = make_async_toolkit(_refusing(requests))
        try:
            await toolkit.export(project, [str(tmp_path / "m.jsonl")], concurrency=value)
        finally:
            await toolkit.aclose()

    with pytest.raises(error) as caught:
        asyncio.run(run())
    assert str(caught.value) == message
    assert requests == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("project", [PROJECT, [PROJECT, PROJECT + "2"]])
@pytest.mark.parametrize("incremental", [False, True])
def test_sync_export_names_prefetch_as_async_argument(
    make_toolkit: Any, tmp_path: Path, project: Any, incremental: bool
) -> None:
    requests: list[httpx.Request] = []
    toolkit = make_toolkit(_refusing(requests))
    with pytest.raises(ArgumentTypeError) as caught:
        toolkit.export(
            project, [f"sqlite:{tmp_path / 'm.db'}"], prefetch=4, incremental=incremental
        )
    assert str(caught.value) == PREFETCH_MESSAGE
    assert isinstance(caught.value, TypeError)
    assert caught.value.parameter == "prefetch"
    assert requests == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_sync_iteration_names_prefetch_as_async_argument(make_toolkit: Any) -> None:
    requests: list[httpx.Request] = []
    toolkit = make_toolkit(_refusing(requests))
    with pytest.raises(ArgumentTypeError) as caught:
        next(iter(toolkit.iter_measurement_pages(PROJECT, prefetch=2)))
    assert str(caught.value) == PREFETCH_MESSAGE
    assert requests == []


def test_async_export_takes_prefetch(
    make_async_toolkit: Any, tmp_path: Path, paged_server: Any
) -> None:
    server = paged_server(3)

    async def run() -> int:
        toolkit = make_async_toolkit(server)
        try:
            result = await toolkit.export(PROJECT, [str(tmp_path / "m.jsonl")], prefetch=2)
        finally:
            await toolkit.aclose()
        return result.records

    assert asyncio.run(run()) == 3
    assert len((tmp_path / "m.jsonl").read_text().splitlines()) == 3
