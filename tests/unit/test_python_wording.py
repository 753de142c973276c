"""Python callers get Python argument names, CLI users get flags (newcomer pass).

``presets=["nope"]`` said ``--preset:`` and ``limit=5`` said ``use --limit/--all``: CLI wording
in Python errors. Every test checks that no request was sent.
"""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import ParameterError
from ionworks_toolkit.cli import main
from ionworks_toolkit.parameters import validate_parameters
from ionworks_toolkit.presets import FilterPreset, PresetRegistry

PROJECT = "00000000-0000-0000-0000-000000abcdef"
PRESETS = (
    "cycling-oldest-first, cylindrical-18650, graphite-anode, lfp-cathode, start-time-recorded"
)
NOWHERE = ["--api-url", "http://127.0.0.1:9", "--api-key", "unused"]


@pytest.fixture
def toolkit_and_requests(make_toolkit):
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    return make_toolkit(handler), sent


def test_an_unknown_preset_from_python_names_the_presets_argument(toolkit_and_requests) -> None:
    toolkit, sent = toolkit_and_requests
    with pytest.raises(ParameterError) as caught:
        list(toolkit.iter_measurements_by_project(PROJECT, presets=["nope"]))
    assert str(caught.value) == f"presets: unknown preset 'nope'; choose one of: {PRESETS}"
    assert (caught.value.source, caught.value.parameter) == ("presets", "nope")
    assert sent == []


@pytest.mark.parametrize("name", ["limit", "offset"])
def test_a_paging_filter_from_python_points_at_max_records(toolkit_and_requests, name) -> None:
    toolkit, sent = toolkit_and_requests
    with pytest.raises(ParameterError) as caught:
        list(toolkit.iter_measurements_by_project(PROJECT, **{name: 5}))
    assert str(caught.value) == f"filter: {name!r} is set by the paginator (use max_records)"
    assert sent == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["measurements", "list", PROJECT, "--filter", "limit=5"],
            "error: --filter: 'limit' is set by the paginator (use --limit/--all)",
        ),
        (
            ["measurements", "list", PROJECT, "--preset", "nope"],
            f"error: --preset: unknown preset 'nope'; choose one of: {PRESETS}",
        ),
        (
            ["presets", "show", "nope"],
            f"error: presets show: unknown preset 'nope'; choose one of: {PRESETS}",
        ),
    ],
)
def test_the_cli_names_its_flags(runner: CliRunner, arguments, message) -> None:
    result = runner.invoke(main, [*NOWHERE, *arguments])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1] == message


@pytest.mark.parametrize(
    ("source", "use"),
    [
        ("filter", "max_records"),
        ("--filter", "--limit/--all"),
        ("preset mine", "--limit/--all or max_records"),
    ],
)
def test_the_paging_hint_follows_the_source(source: str, use: str) -> None:
    with pytest.raises(ParameterError) as caught:
        validate_parameters({"offset": 0}, source=source)
    assert str(caught.value) == f"{source}: 'offset' is set by the paginator (use {use})"


def test_the_preset_registry_names_the_source_it_is_given() -> None:
    registry = PresetRegistry()
    registry.register(FilterPreset("lfp-cathode", "d", {}), owner="plugin x")
    with pytest.raises(ParameterError) as default:
        registry.get("lfp")
    with pytest.raises(ParameterError) as flag:
        registry.get("lfp", source="--preset")
    assert (str(default.value), default.value.source) == (
        "presets: unknown preset 'lfp'; did you mean lfp-cathode? (choose one of: lfp-cathode)",
        "presets",
    )
    assert (str(flag.value), flag.value.source) == (
        "--preset: unknown preset 'lfp'; did you mean lfp-cathode? (choose one of: lfp-cathode)",
        "--preset",
    )
