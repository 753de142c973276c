"""Python API and command-line messages in the README's promised form (break-it pass six,
F12/F13): each wrong argument named with what it takes, before any request; every unknown name
in the one wording ("did you mean X? (choices: ...)"); the toolkit's own 404 worded as the
toolkit's."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import (
    ArgumentTypeError,
    AsyncToolkit,
    NotFoundError,
    ParameterError,
    Toolkit,
)
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import did_you_mean
from ionworks_toolkit.projects import ProjectNotFoundError, match_project

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
ARGUMENTS = (
    "api_url, api_key, api_token, organization_id, config_file, plugins, disable_plugins, "
    "load_entry_points, timeout, max_retries, retry_budget, max_response_bytes, proxy, verify, "
    "page_size, environ, working_dir, transport"
)
ORDER_BY = (
    "name, created_at, updated_at, start_time, cell_instance_id, step_labels_validated, "
    "cycler, notes"
)


def recording(seen: list[httpx.Request]):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    return handler


# ---------------------------------------------------------------- session arguments


@pytest.mark.parametrize("cls", [Toolkit, AsyncToolkit])
@pytest.mark.parametrize(
    ("keyword", "hint"),
    [
        ("bogus", f"arguments: {ARGUMENTS}"),
        ("api_ur", f"did you mean api_url or api_key? (arguments: {ARGUMENTS})"),
        ("max_retry", f"did you mean max_retries? (arguments: {ARGUMENTS})"),
    ],
)
def test_an_unknown_session_argument_names_the_class_and_every_argument(
    cls: type, keyword: str, hint: str
) -> None:
    with pytest.raises(ArgumentTypeError) as info:
        cls(**{keyword: 1})
    assert str(info.value) == (
        f"{cls.__name__}() got an unexpected keyword argument {keyword!r}; {hint}"
    )
    assert isinstance(info.value, TypeError)
    assert (info.value.source, info.value.parameter) == ("argument", keyword)
    assert info.value.choices == tuple(ARGUMENTS.split(", "))


@pytest.mark.parametrize("value", ["no", 0, None])
def test_load_entry_points_takes_a_bool(value: Any) -> None:
    with pytest.raises(ArgumentTypeError) as info:
        Toolkit(api_key="k", load_entry_points=value)
    shown = {"no": "a str: 'no'", 0: "an int: 0", None: "None: None"}[value]
    assert str(info.value) == f"load_entry_points must be True or False; got {shown}"
    assert info.value.parameter == "load_entry_points"


# ------------------------------------------------------------------- filter values


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"order_by": 5}, f"filter: order_by=5 is an int; order_by takes one of: {ORDER_BY}"),
        (
            {"order_by": ["name"]},
            f"filter: order_by=['name'] is a list; order_by takes one of: {ORDER_BY}",
        ),
        ({"order": True}, "filter: order=True is a bool; order takes one of: asc, desc"),
    ],
)
def test_an_enum_filter_of_another_type_is_an_argument_type_error(
    make_toolkit, filters: dict[str, Any], message: str
) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(recording(seen))
    with pytest.raises(ArgumentTypeError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, **filters))
    assert str(info.value) == message
    assert info.value.parameter == next(iter(filters))
    assert seen == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"name": "\ud800"},
            "filter: name='\\ud800' holds a lone surrogate U+D800 at character 1; it cannot "
            "be sent: a URL carries UTF-8 text only",
        ),
        (
            {"name": "ab\udfff"},
            "filter: name='ab\\udfff' holds a lone surrogate U+DFFF at character 3; it cannot "
            "be sent: a URL carries UTF-8 text only",
        ),
        (
            {"name": "x\udcff"},  # a command-line byte that is not UTF-8 (surrogateescape)
            "filter: name='x\\udcff' holds the byte 0xFF (not UTF-8) at character 2; it "
            "cannot be sent: a URL carries UTF-8 text only",
        ),
        (
            {"name": "\udc80"},
            "filter: name='\\udc80' holds the byte 0x80 (not UTF-8) at character 1; it "
            "cannot be sent: a URL carries UTF-8 text only",
        ),
        (
            {"order_by": "na\udc7fme"},  # just below the surrogateescape range
            "filter: order_by='na\\udc7fme' holds a lone surrogate U+DC7F at character 3; it "
            "cannot be sent: a URL carries UTF-8 text only",
        ),
    ],
)
def test_text_no_url_can_carry_is_refused_before_any_request(
    make_toolkit, filters: dict[str, Any], message: str
) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(recording(seen))
    with pytest.raises(ParameterError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, **filters))
    assert str(info.value) == message
    assert not isinstance(info.value, TypeError)
    assert (info.value.source, info.value.parameter) == ("filter", next(iter(filters)))
    assert seen == []


def test_text_with_non_ascii_characters_is_sent(make_toolkit) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(recording(seen))
    list(toolkit.iter_measurements_by_project(PROJECT_ID, name="Zellé 🔋"))
    assert seen[0].url.params["name"] == "Zellé 🔋"


# ------------------------------------------------------------------- export arguments


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"progress": 5},
            "progress must be a callable taking the WalkStats after each page, or None; "
            "got an int: 5",
        ),
        (
            {"progress": "print"},
            "progress must be a callable taking the WalkStats after each page, or None; "
            "got a str: 'print'",
        ),
        ({"incremental": "yes"}, "incremental must be True or False; got a str: 'yes'"),
        ({"incremental": 1}, "incremental must be True or False; got an int: 1"),
        ({"incremental": None}, "incremental must be True or False; got None: None"),
    ],
)
def test_export_checks_callbacks_and_flags_before_any_request(
    make_toolkit, make_async_toolkit, tmp_path, arguments: dict[str, Any], message: str
) -> None:
    import asyncio

    seen: list[httpx.Request] = []
    toolkit = make_toolkit(recording(seen))
    with pytest.raises(ArgumentTypeError) as info:
        toolkit.export(PROJECT_ID, [str(tmp_path / "m.jsonl")], **arguments)
    assert str(info.value) == message
    assert info.value.parameter == next(iter(arguments))

    async def run() -> None:
        session = make_async_toolkit(recording(seen))
        try:
            with pytest.raises(ArgumentTypeError) as ainfo:
                await session.export(PROJECT_ID, [str(tmp_path / "m.jsonl")], **arguments)
            assert str(ainfo.value) == message
        finally:
            await session.aclose()

    asyncio.run(run())
    assert seen == []
    assert list(tmp_path.iterdir()) == []


def test_export_takes_a_callable_progress_and_bool_flags(make_toolkit, tmp_path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        items = [
            {
                "id": f"m-{i}",
                "name": "m",
                "cell_instance_id": "c",
                "created_at": None,
                "updated_at": None,
            }
            for i in range(2)
        ]
        return httpx.Response(200, json={"items": items, "count": 2, "total": 2})

    calls: list[int] = []
    toolkit = make_toolkit(handler)
    result = toolkit.export(
        PROJECT_ID,
        [str(tmp_path / "m.jsonl")],
        progress=lambda stats: calls.append(stats.records),
        incremental=False,
    )
    assert (result.records, calls) == (2, [2])


# ------------------------------------------------------------------ unknown project


def projects(*names: str) -> list[Any]:
    from ionworks_client.models import Project

    return [
        Project.from_dict(
            {
                "name": n,
                "id": str(uuid.UUID(int=i + 1)),
                "organization_id": "o",
                "created_at": None,
                "updated_at": None,
            }
        )
        for i, n in enumerate(names)
    ]


def test_an_unknown_project_with_none_close_lists_every_name() -> None:
    with pytest.raises(ProjectNotFoundError) as info:
        match_project("Nope", projects("Cells", "NASA PCoE Li-ion battery aging"))
    assert str(info.value) == (
        "no project named 'Nope' (GET /projects lists 2 projects, none close): 'Cells'; "
        "'NASA PCoE Li-ion battery aging'"
    )
    error = info.value
    assert isinstance(error, NotFoundError)
    assert (error.status, error.method, error.path) == (404, "GET", "/projects")
    assert error.detail == str(error)
    assert error.names == ("Cells", "NASA PCoE Li-ion battery aging")


def test_an_unknown_project_among_many_lists_the_first_twenty() -> None:
    names = [f"Lab {i:02d}" for i in range(25)]
    with pytest.raises(ProjectNotFoundError) as info:
        match_project("Zzzzz", projects(*names))
    shown = "; ".join(repr(n) for n in names[:20])
    assert str(info.value) == (
        f"no project named 'Zzzzz' (GET /projects lists 25 projects, none close): {shown}; "
        "... (25 in all)"
    )
    assert ProjectNotFoundError.MOST == 20


def test_an_unknown_project_among_exactly_twenty_and_one() -> None:
    with pytest.raises(ProjectNotFoundError) as exactly:
        match_project("Zzzzz", projects(*[f"Lab {i:02d}" for i in range(20)]))
    assert str(exactly.value).endswith("'Lab 18'; 'Lab 19'")
    with pytest.raises(ProjectNotFoundError) as one:
        match_project("Zzzzz", projects("Cells"))
    assert str(one.value) == (
        "no project named 'Zzzzz' (GET /projects lists 1 project, none close): 'Cells'"
    )


def test_an_unknown_project_when_the_credential_sees_none() -> None:
    with pytest.raises(ProjectNotFoundError) as info:
        match_project("Nope", [])
    assert str(info.value) == (
        "no project named 'Nope': GET /projects lists no project for this credential"
    )


def test_an_unknown_project_with_close_names_lists_them_first() -> None:
    with pytest.raises(ProjectNotFoundError) as info:
        match_project("cels", projects("Cells", "NASA", "Cell stacks"))
    assert str(info.value) == "no project named 'cels'; closest: 'Cells'; 'Cell stacks'"


# ----------------------------------------------------------------- one wording: did you mean


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a start of 3 characters or more is close (difflib's ratio alone misses it)
        ("lfp", "did you mean lfp-cathode? (choices: lfp-cathode, nmc-cell, graphite-anode)"),
        ("LFP", "did you mean lfp-cathode? (choices: lfp-cathode, nmc-cell, graphite-anode)"),
        ("lf", "choices: lfp-cathode, nmc-cell, graphite-anode"),
        # difflib's matches first, then the starts, up to three in all
        ("gra", "did you mean graphite-anode? (choices: lfp-cathode, nmc-cell, graphite-anode)"),
    ],
)
def test_did_you_mean_counts_a_start_as_close(value: str, expected: str) -> None:
    assert did_you_mean(value, ["lfp-cathode", "nmc-cell", "graphite-anode"]) == expected


def test_did_you_mean_names_at_most_three_difflib_first() -> None:
    choices = ["cel", "cell-stack-a", "cell-stack-b", "cell-stack-c"]
    assert did_you_mean("cell", choices, most=0) == (
        "did you mean cel or cell-stack-a or cell-stack-b?"
    )
    assert did_you_mean("LFP", ["lfp", "nmc"], most=0) == "did you mean lfp?"  # case aside


# --------------------------------------------------------------------- command line


def test_an_unknown_order_by_gets_the_toolkits_wording(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--sandbox", "measurements", "list", "x", "--order-by", "nme"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --order-by: 'nme' is not allowed; did you mean name? (choose one of: {ORDER_BY})\n"
    )
    result = runner.invoke(main, ["--sandbox", "measurements", "list", "x", "--order", "up"])
    assert result.exit_code == 2
    assert result.stderr == "error: --order: 'up' is not allowed; choose one of: asc, desc\n"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (["-q"], "-q"),
        (["--quiet"], "--quiet"),
        (["-v"], "-v"),
        (["--api-url", "http://127.0.0.1:9"], "--api-url URL"),
        (["--sandbox"], "--sandbox"),
    ],
)
def test_a_global_option_after_the_command_says_where_it_goes(
    runner: CliRunner, given: list[str], shown: str
) -> None:
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", "x", *given], prog_name="ionworks-toolkit"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Usage: ionworks-toolkit measurements list [OPTIONS] [PROJECT]...",
        "Try 'ionworks-toolkit measurements list --help' for help.",
        "",
        f"Error: No such option {given[0]!r} for 'measurements list': it is a global option, "
        f"given before the command: ionworks-toolkit {shown} measurements list ...",
    ]


def test_an_unknown_option_that_is_no_global_one_keeps_clicks_wording(
    runner: CliRunner,
) -> None:
    result = runner.invoke(main, ["--sandbox", "measurements", "list", "x", "--ordr-by", "x"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: No such option '--ordr-by'. (Did you mean one of: '--order', '--order-by'?)"
    )


def test_an_unknown_preset_suggests_the_one_it_starts(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--sandbox", "measurements", "list", "NASA", "--preset", "lfp"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: --preset: unknown preset 'lfp'; did you mean lfp-cathode? (choose one of: "
        "cycling-oldest-first, cylindrical-18650, graphite-anode, lfp-cathode, "
        "start-time-recorded)"
    )


def test_an_unknown_project_on_the_command_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--sandbox", "measurements", "list", "Nope"])
    assert result.exit_code == 4
    assert result.stderr == (
        "error: no project named 'Nope' (GET /projects lists 5 projects, none close): "
        "'Sandbox empty project'; 'NASA PCoE Li-ion battery aging'; 'TRI BEEP protocol test "
        "plans (Talos, Drive)'; 'Attia 2020 closed-loop fast-charging optimisation'; "
        "'Severson 2019 fast-charging cycle life'\n"
    )


def test_a_command_line_byte_that_is_not_utf8_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "--sandbox",
            "measurements",
            "list",
            "NASA PCoE Li-ion battery aging",
            "--name",
            "a\udcff",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --name: name='a\\udcff' holds the byte 0xFF (not UTF-8) at character 2; it "
        "cannot be sent: a URL carries UTF-8 text only\n"
    )
