"""FINDINGS10 K4: an out-of-range ``page_size`` was a ConfigurationError ("page_size 0 is
outside 1..1000") where the README promises a ParameterError for "a value out of range", as
``prefetch=0`` ("prefetch=0 is outside 1..32"), ``concurrency`` and ``max_records`` give. Every
verb taking ``page_size`` now refuses it with the one checker's message (``arguments.
check_count``), before any request; ``Toolkit(page_size=...)``/``Toolkit(max_retries=...)``
arguments too. From the environment or a config file it stays a ConfigurationError naming
the source (``test_settings_sources.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import (
    AsyncToolkit,
    ConfigurationError,
    ParameterError,
    Toolkit,
)

P = "3f2b8a52-0c4e-4d6e-9a51-0d1f4c1a7b10"
API_URL = "https://api.example.test"
NONE = "(or None: the settings' page size)"


def _message(size: int) -> str:
    return f"page_size={size} is outside 1..1000 {NONE}"


class Recorder:
    """A mock transport's handler that records every request (and answers 500)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(500, json={"detail": "no request expected"})


def _sync(tmp_path: Path, recorder: Recorder) -> Toolkit:
    return Toolkit(
        api_url=API_URL,
        api_key="test-key",
        max_retries=0,
        working_dir=tmp_path,
        environ={},
        transport=httpx.MockTransport(recorder),
    )


def _async(tmp_path: Path, recorder: Recorder) -> AsyncToolkit:
    return AsyncToolkit(
        api_url=API_URL,
        api_key="test-key",
        max_retries=0,
        working_dir=tmp_path,
        environ={},
        transport=httpx.MockTransport(recorder),
    )


SYNC_VERBS: dict[str, Callable[[Toolkit, int, Path], Any]] = {
    "iter_measurements_by_project": lambda t, s, _: list(
        t.iter_measurements_by_project(P, page_size=s)
    ),
    "iter_measurement_pages": lambda t, s, _: list(t.iter_measurement_pages(P, page_size=s)),
    "to_arrow": lambda t, s, _: t.to_arrow(P, page_size=s),
    "export": lambda t, s, _: t.export(P, ["/dev/null"], page_size=s),
    "export several": lambda t, s, _: t.export([P, P + "x"], ["jsonl:/dev/null"], page_size=s),
    "export incremental": lambda t, s, tmp: t.export(
        P, [f"sqlite:{tmp}/m.db"], page_size=s, incremental=True
    ),
}


@pytest.mark.parametrize("size", [0, -1, 1001, 5000])
@pytest.mark.parametrize("verb", list(SYNC_VERBS))
def test_toolkit_verbs_refuse_page_size_out_of_range(tmp_path: Path, verb: str, size: int) -> None:
    recorder = Recorder()
    with _sync(tmp_path, recorder) as toolkit, pytest.raises(ParameterError) as caught:
        SYNC_VERBS[verb](toolkit, size, tmp_path)
    assert str(caught.value) == _message(size)
    assert caught.value.parameter == "page_size"
    assert caught.value.source == "argument"
    assert recorder.requests == []


def test_the_named_cases(tmp_path: Path) -> None:
    """The finding's own inputs, with their exact messages."""
    recorder = Recorder()
    with _sync(tmp_path, recorder) as toolkit:
        with pytest.raises(ParameterError) as caught:
            list(toolkit.iter_measurements_by_project(P, page_size=0))
        assert str(caught.value) == (
            "page_size=0 is outside 1..1000 (or None: the settings' page size)"
        )
        with pytest.raises(ParameterError) as caught:
            toolkit.export(P, ["/dev/null"], page_size=5000)
        assert str(caught.value) == (
            "page_size=5000 is outside 1..1000 (or None: the settings' page size)"
        )
        with pytest.raises(ParameterError) as caught:
            toolkit.to_arrow(P, page_size=0)
        assert str(caught.value) == (
            "page_size=0 is outside 1..1000 (or None: the settings' page size)"
        )
    assert recorder.requests == []


@pytest.mark.parametrize("verb", ["to_pandas", "to_polars"])
def test_frames_refuse_page_size_out_of_range(tmp_path: Path, verb: str) -> None:
    pytest.importorskip(verb.removeprefix("to_"))
    recorder = Recorder()
    with _sync(tmp_path, recorder) as toolkit, pytest.raises(ParameterError) as caught:
        getattr(toolkit, verb)(P, page_size=0)
    assert str(caught.value) == _message(0)
    assert recorder.requests == []


async def _drain(iterator: Any) -> None:
    async for _ in iterator:
        pass


ASYNC_VERBS: dict[str, Callable[[AsyncToolkit, int], Any]] = {
    "iter_measurements_by_project": lambda t, s: _drain(
        t.iter_measurements_by_project(P, page_size=s)
    ),
    "iter_measurement_pages": lambda t, s: _drain(t.iter_measurement_pages(P, page_size=s)),
    "to_arrow": lambda t, s: t.to_arrow(P, page_size=s),
    "export": lambda t, s: t.export(P, ["jsonl:/dev/null"], page_size=s),
    "export several": lambda t, s: t.export([P, P + "x"], ["jsonl:/dev/null"], page_size=s),
}


@pytest.mark.parametrize("size", [0, 1001])
@pytest.mark.parametrize("verb", list(ASYNC_VERBS))
async def test_async_toolkit_verbs_refuse_page_size_out_of_range(
    tmp_path: Path, verb: str, size: int
) -> None:
    recorder = Recorder()
    async with _async(tmp_path, recorder) as toolkit:
        with pytest.raises(ParameterError) as caught:
            await ASYNC_VERBS[verb](toolkit, size)
    assert str(caught.value) == _message(size)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"page_size": 0},
            "page_size=0 is outside 1..1000 (or None: IONWORKS_TOOLKIT_PAGE_SIZE, else 1000)",
        ),
        (
            {"page_size": 5000},
            "page_size=5000 is outside 1..1000 (or None: IONWORKS_TOOLKIT_PAGE_SIZE, else 1000)",
        ),
        (
            {"max_retries": 21},
            "max_retries=21 is outside 0..20 (or None: IONWORKS_TOOLKIT_MAX_RETRIES, else 5)",
        ),
        (
            {"max_retries": -1},
            "max_retries=-1 is outside 0..20 (or None: IONWORKS_TOOLKIT_MAX_RETRIES, else 5)",
        ),
    ],
)
@pytest.mark.parametrize("owner", [Toolkit, AsyncToolkit])
def test_session_count_arguments_out_of_range(
    tmp_path: Path, owner: type, kwargs: dict[str, int], message: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        owner(api_url=API_URL, api_key="k", working_dir=tmp_path, environ={}, **kwargs)
    assert str(caught.value) == message
    assert caught.value.parameter == next(iter(kwargs))


def test_the_environment_stays_a_configuration_error(tmp_path: Path) -> None:
    """A page size from the environment is a setting, not an argument: ConfigurationError
    naming its source (not a ParameterError)."""
    with pytest.raises(ConfigurationError) as caught:
        Toolkit(
            api_url=API_URL,
            api_key="k",
            working_dir=tmp_path,
            environ={"IONWORKS_TOOLKIT_PAGE_SIZE": "0"},
        )
    assert not isinstance(caught.value, ParameterError)
    assert str(caught.value) == (
        "page_size 0 is outside 1..1000 (the API's maximum limit) "
        "(from IONWORKS_TOOLKIT_PAGE_SIZE in the environment)"
    )
