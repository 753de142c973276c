"""The command line's edges as a newcomer meets them (issue 17): what the summary says about
the default limit, one-line errors for missing extras, a busy sandbox port, ``--page-size``
without ``--all``.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click
import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import _limit_note, main

ATTIA = "Attia 2020 closed-loop fast-charging optimisation"
NASA = "NASA PCoE Li-ion battery aging"
SEVERSON = "Severson 2019 fast-charging cycle life"
NOWHERE = ["--api-url", "http://127.0.0.1:9", "--api-key", "unused"]
SANDBOX_HINT = 'pip install "ionworks-toolkit[sandbox]"'


# ------------------------------------------------------------------ 2. the default limit


def test_the_default_limit_says_how_many_matched(
    cli_list: Callable[..., Any], sandbox_server: Any
) -> None:
    result = cli_list(sandbox_server, ATTIA, "--sink", "jsonl:-")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 25
    assert result.stderr.splitlines() == [
        "wrote 25 records to jsonl:-",
        "listed 25 of 233 measurements (the default --limit 25; use --all for every measurement)",
    ]


def test_an_explicit_limit_is_named_and_the_table_gets_the_same_note(
    cli_list: Callable[..., Any], sandbox_server: Any
) -> None:
    result = cli_list(sandbox_server, ATTIA, "--limit", "7", "--sink", "table:")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "printed 7 of 7 records (table:)",
        "listed 7 of 233 measurements (--limit 7; use --all for every measurement)",
    ]


@pytest.mark.parametrize("arguments", [["--limit", "50"], ["--all"]])
def test_no_note_when_every_match_was_listed(
    cli_list: Callable[..., Any], sandbox_server: Any, arguments: list[str]
) -> None:
    result = cli_list(sandbox_server, NASA, *arguments, "--sink", "jsonl:-")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["wrote 34 records to jsonl:-"]


def test_limit_note_without_a_total_from_the_server() -> None:
    assert _limit_note(25, None, 25, True) == (
        "listed the first 25 measurements (the default --limit 25; use --all for every measurement)"
    )
    assert _limit_note(12, None, 25, True) is None
    assert _limit_note(25, 25, 25, False) is None
    assert _limit_note(3, 10, 3, False) == (
        "listed 3 of 10 measurements (--limit 3; use --all for every measurement)"
    )


# ------------------------------------------------------------- 4. missing extras


@pytest.fixture
def without_fastapi(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import fastapi`` fail as it does without the [sandbox] extra."""
    monkeypatch.setitem(sys.modules, "fastapi", None)


@pytest.mark.usefixtures("without_fastapi")
def test_sandbox_flag_without_the_extra_is_one_line_with_the_pip_command(
    runner: CliRunner,
) -> None:
    result = runner.invoke(main, ["--sandbox", "projects", "list"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"error: --sandbox: the sandbox needs fastapi, which is not installed: {SANDBOX_HINT}\n"
    )


@pytest.mark.usefixtures("without_fastapi")
def test_sandbox_serve_without_the_extra_is_one_line_with_the_pip_command(
    runner: CliRunner,
) -> None:
    result = runner.invoke(main, ["sandbox", "serve", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: sandbox serve: the sandbox needs fastapi, which is not installed: {SANDBOX_HINT}\n"
    )


@pytest.mark.usefixtures("without_fastapi")
def test_python_m_sandbox_without_the_extra_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from ionworks_toolkit.sandbox.__main__ import main as sandbox_main

    assert sandbox_main(["--port", "0"]) == 2
    assert capsys.readouterr().err == (
        f"error: the sandbox needs fastapi, which is not installed: {SANDBOX_HINT}\n"
    )


# ------------------------------------------------------------ 8. messages and codes


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_sandbox_serve_on_a_busy_port_is_a_usage_error(runner: CliRunner, busy_port: int) -> None:
    result = runner.invoke(main, ["sandbox", "serve", "--port", str(busy_port)])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: cannot listen on 127.0.0.1:{busy_port}: Address already in use; choose "
        "another --port (0 picks a free one)\n"
    )


def test_sandbox_serve_on_an_address_of_another_machine_names_the_host(
    runner: CliRunner,
) -> None:
    # FINDINGS7 G16: the advice named --port though the host was the problem. 192.0.2.1 is
    # TEST-NET-1 (RFC 5737): binding to it fails here, and no packet is sent.
    result = runner.invoke(main, ["sandbox", "serve", "--host", "192.0.2.1", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (
        "error: cannot listen on 192.0.2.1:0: Cannot assign requested address; choose another "
        "--host (an address of this machine, e.g. 127.0.0.1)"
    )


def test_python_m_sandbox_on_a_busy_port_exits_2(
    busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    from ionworks_toolkit.sandbox.__main__ import main as sandbox_main

    assert sandbox_main(["--port", str(busy_port)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot listen on 127.0.0.1:{busy_port}: Address already in use\n"
    )


def test_page_size_without_all_sets_the_request_size(
    cli_list: Callable[..., Any], sandbox_server: Any
) -> None:
    result = cli_list(sandbox_server, NASA, "--limit", "30", "--page-size", "10")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 30
    # one GET /projects to resolve the name, then 3 pages of 10
    assert sandbox_server.app.state.request_counter.count == 4


@pytest.mark.parametrize("size", ["0", "1001"])
def test_a_bad_page_size_names_the_option_before_any_request(runner: CliRunner, size: str) -> None:
    result = runner.invoke(main, [*NOWHERE, "measurements", "list", NASA, "--page-size", size])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: --page-size {size} is outside 1..1000\n"


@pytest.mark.parametrize("option", ["--page-size", "--limit"])
@pytest.mark.parametrize("value", ["abc", "1.5", ""])
def test_a_count_that_is_no_integer_names_the_range(
    runner: CliRunner, option: str, value: str
) -> None:
    # FINDINGS11 L10: click said only "'abc' is not a valid integer"; --page-size 0 says
    # "outside 1..1000". Exit 2, before any request, one line as --page-size 0's (was click's
    # usage block).
    result = runner.invoke(main, [*NOWHERE, "measurements", "list", NASA, option, value])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == f"error: {option}: {value!r} is not an integer; give 1..1000\n"


ORDER_BY = (
    "name, created_at, updated_at, start_time, cell_instance_id, step_labels_validated, "
    "cycler, notes"
)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--order-by", "colour"],
            f"error: --order-by: 'colour' is not allowed; choose one of: {ORDER_BY}",
        ),
        (
            ["--order-by", "start"],
            "error: --order-by: 'start' is not allowed; did you mean start_time? (choose one "
            f"of: {ORDER_BY})",
        ),
        (["--order", "up"], "error: --order: 'up' is not allowed; choose one of: asc, desc"),
        (
            ["--measurement-type", "cycling"],
            "error: --measurement-type: 'cycling' is not allowed; choose one of: time_series, "
            "file, properties",
        ),
    ],
)
def test_a_bad_choice_is_one_line_naming_the_option_and_the_choices(
    runner: CliRunner, arguments: list[str], message: str
) -> None:
    # FINDINGS11 L10's open rest: a bad choice got click's usage block ("Usage: ...", "Try
    # '... --help' for help.", "Error: Invalid value for '--order-by': ...") where a range
    # error gets one line. Exit 2 as before, before any request (NOWHERE: one would be exit 5).
    result = runner.invoke(
        main,
        ["--sandbox", "measurements", "list", SEVERSON, *arguments],
        prog_name="ionworks-toolkit",
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == message + "\n"


def _choice_options(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[Any]:
    """``(command path, option flag, its choices)`` of every Choice-typed option, every command."""
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _choice_options(sub, (*path, name))
    for param in command.params:
        if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
            yield path, max(param.opts, key=len), [str(c) for c in param.type.choices]


def test_every_choice_option_of_every_command_fails_in_one_line(runner: CliRunner) -> None:
    found = list(_choice_options(main))
    assert [flag for _, flag, _ in found] == ["--measurement-type", "--order-by", "--order"]
    for path, flag, choices in found:
        result = runner.invoke(main, [*NOWHERE, *path, flag, "zz-no-such"])
        assert result.exit_code == 2, (flag, result.output)
        assert result.stderr == (
            f"error: {flag}: 'zz-no-such' is not allowed; choose one of: {', '.join(choices)}\n"
        ), flag


# ------------------------------------------------- 8. invalid JSON on a success status

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
PATH = f"/cell_measurements/by-project/{PROJECT_ID}"


@pytest.mark.parametrize(
    ("content", "content_type", "detail"),
    [
        (
            b'{"items": [{"id": "m-1",}], "total": 1}',
            "application/json",
            "invalid JSON (application/json, 39 bytes: Expecting property name enclosed in "
            "double quotes at byte 24)",
        ),
        (
            # "é" is two bytes: the offset counts bytes of the body, not characters
            '{"name": "é" "x"}'.encode(),
            "application/json; charset=utf-8",
            "invalid JSON (application/json, 18 bytes: Expecting ',' delimiter at byte 14)",
        ),
        (
            b'{"items": [], "total": 0',
            "application/problem+json",
            "invalid JSON (application/problem+json, 24 bytes: Expecting ',' delimiter at byte 24)",
        ),
        (
            b'{"name": "\xff"}',
            "application/json",
            "invalid JSON (application/json, 13 bytes: not UTF-8 text at byte 10)",
        ),
        (b"", "application/json", "invalid JSON (application/json, 0 bytes: empty body)"),
        (
            # a hostile page nested past the parser's recursion limit: no RecursionError
            b'{"items": ' + b"[" * 100_000,
            "application/json",
            "JSON nested too deeply to read (application/json, 100010 bytes: more "
            "arrays/objects inside each other than the parser allows)",
        ),
        (
            b"<html>Maintenance</html>",
            "text/html",
            "expected JSON, got text/html (24 bytes)",
        ),
    ],
)
def test_a_body_that_is_not_json_on_a_200_says_where_it_broke(
    make_toolkit: Any, content: bytes, content_type: str, detail: str
) -> None:
    import httpx
    from ionworks_toolkit.errors import UnexpectedResponseError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content, headers={"content-type": content_type})

    toolkit = make_toolkit(handler)
    with pytest.raises(UnexpectedResponseError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == f"GET {PATH} -> 200: {detail}"


def test_valid_json_nested_too_deeply_is_not_called_invalid(make_toolkit: Any) -> None:
    # FINDINGS7 G26: well-formed JSON nested 2000 deep in a free-form protocol.
    import json

    import httpx
    from ionworks_toolkit.errors import UnexpectedResponseError

    item = {"id": "m-1", "name": "m", "cell_instance_id": "ci", "protocol": {"steps": 0}}
    text = json.dumps({"items": [item], "count": 1, "total": 1})
    body = text.replace('{"steps": 0}', "[" * 2000 + "]" * 2000).encode()
    json.loads(body.decode().replace("[" * 2000 + "]" * 2000, "[]"))  # well-formed around it

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    toolkit = make_toolkit(handler)
    with pytest.raises(UnexpectedResponseError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET {PATH} -> 200: JSON nested too deeply to read (application/json, {len(body)} "
        "bytes: more arrays/objects inside each other than the parser allows)"
    )


def test_invalid_json_on_an_error_status_says_where_it_broke(make_toolkit: Any) -> None:
    import httpx
    from ionworks_toolkit.errors import ServerError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            502, content=b'{"detail": "upstream', headers={"content-type": "application/json"}
        )

    toolkit = make_toolkit(handler)
    with pytest.raises(ServerError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET {PATH} -> 502: invalid JSON (application/json, 20 bytes: Unterminated string "
        "starting at byte 11)"
    )


def test_json_nested_too_deeply_on_an_error_status_is_a_server_error(make_toolkit: Any) -> None:
    import httpx
    from ionworks_toolkit.errors import ServerError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            500, content=b"[" * 50_000, headers={"content-type": "application/json"}
        )

    toolkit = make_toolkit(handler)
    with pytest.raises(ServerError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET {PATH} -> 500: JSON nested too deeply to read (application/json, 50000 bytes: "
        "more arrays/objects inside each other than the parser allows)"
    )


# ------------------------------------------------------- 3. the table's columns and widths


def test_column_widths_serve_the_first_columns_first() -> None:
    from ionworks_toolkit.sinks._table import column_widths

    # floors (22 for the first, at most 12 for the others), then the rest in column order
    assert column_widths([22, 12, 34, 16], 64) == [22, 12, 18, 12]
    assert column_widths([22, 12, 34, 16], 200) == [22, 12, 34, 16]
    # floors do not fit: an even share, narrow columns first
    assert column_widths([4, 30, 50], 20) == [4, 8, 8]
    assert column_widths([50, 50, 50], 2) == [1, 1, 1]


def _table_output(records: list[dict[str, Any]], width: int, **options: Any) -> list[str]:
    import io

    from ionworks_toolkit.sinks import TableSink
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None)
    sink = TableSink(console=console, **options)
    with sink:
        sink.write(records)
        sink.commit()
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


RECORD = {
    "id": "45ddc26e-b834-53bc-8cec-9ded5eb87ae8",
    "name": "2019-01-24_batch9_CH43",
    "measurement_type": "time_series",
    "start_time": None,
    "instance": {"name": "150800769427"},
    "specification": {"name": "A123 APR18650M1A (Attia 2020 cells)"},
    "test_setup": {"cycler": "Arbin", "channel_number": 43},
}


def test_default_columns_are_the_key_ones_that_fit_and_skip_empty_ones() -> None:
    lines = _table_output([RECORD], 80)
    assert lines == [
        "┏━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓",
        "┃ name                   ┃ instance.name ┃ specification.name   ┃ measurement… ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩",
        "│ 2019-01-24_batch9_CH43 │ 150800769427  │ A123 APR18650M1A (A… │ time_series  │",
        "└────────────────────────┴───────────────┴──────────────────────┴──────────────┘",
    ]
    wide = _table_output([RECORD], 200)[1]
    assert [c.strip() for c in wide.strip("┃").split("┃")] == [
        "name",
        "instance.name",
        "specification.name",
        "measurement_type",
        "test_setup.cycler",
        "test_setup.channel_number",
        "id",
    ]  # start_time is empty in every row shown: left out


def test_a_requested_column_no_record_has_is_shown_empty_and_named_with_close_matches() -> None:
    import io

    from ionworks_toolkit.sinks import TableSink
    from rich.console import Console

    console = Console(file=io.StringIO(), width=40, color_system=None)
    sink = TableSink(console=console, columns=["nmae", "test_setup.cycler"])
    with sink:
        sink.write([RECORD])
        sink.commit()
    assert console.file.getvalue().splitlines() == [  # type: ignore[attr-defined]
        "┏━━━━━━┳━━━━━━━━━━━━━━━━━━━┓",
        "┃ nmae ┃ test_setup.cycler ┃",
        "┡━━━━━━╇━━━━━━━━━━━━━━━━━━━┩",
        "│      │ Arbin             │",
        "└──────┴───────────────────┘",
    ]
    assert sink.describe() == (
        "printed 1 of 1 records (table:; no record has column 'nmae' (did you mean name?), "
        "shown empty; columns: id, name, measurement_type, start_time, instance.name, "
        "specification.name, test_setup.cycler, test_setup.channel_number)"
    )


def test_columns_option_implies_the_table_when_piped(
    cli_list: Callable[..., Any], sandbox_server: Any
) -> None:
    result = cli_list(
        sandbox_server,
        NASA,
        "--limit",
        "2",
        "--order-by",
        "name",
        "--order",
        "asc",
        "--columns",
        "name,instance.name",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓",
        "┃ name             ┃ instance.name ┃",
        "┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩",
        "│ B0005 aging test │ B0005         │",
        "│ B0006 aging test │ B0006         │",
        "└──────────────────┴───────────────┘",
    ]
    assert result.stderr.splitlines()[0] == "printed 2 of 2 records (table:)"


def test_columns_option_without_a_table_sink_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [*NOWHERE, "measurements", "list", NASA, "--columns", "name", "--sink", "jsonl:-"],
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: --columns chooses the columns of the table: sink, and this run has none; add "
        "--sink table:\n"
    )


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_sandbox_serve_on_a_port_out_of_range_is_a_usage_error(
    runner: CliRunner, port: str
) -> None:
    # Was an OverflowError traceback from bind(), exit 1.
    result = runner.invoke(main, ["sandbox", "serve", "--port", port])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--port': {port} is not in the range 0<=x<=65535."
    )


@pytest.mark.parametrize(
    ("port", "message"),
    [
        ("99999", "99999 is outside 0..65535 (0 picks a free one)"),
        ("-1", "-1 is outside 0..65535 (0 picks a free one)"),
        ("eighty", "'eighty' is not an integer (0..65535)"),
    ],
)
def test_python_m_sandbox_on_a_port_out_of_range_exits_2(
    port: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ionworks_toolkit.sandbox.__main__ import main as sandbox_main

    with pytest.raises(SystemExit) as info:
        sandbox_main(["--port", port])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"python -m ionworks_toolkit.sandbox: error: argument --port: {message}"
    )


@pytest.mark.parametrize(
    ("latency", "said"),
    [
        ("inf", "inf is not in the range 0<=x<=60000."),
        ("nan", "nan is not a number in the range 0<=x<=60000."),
    ],
)
def test_sandbox_serve_refuses_a_latency_that_would_hold_every_request(
    runner: CliRunner, latency: str, said: str
) -> None:
    """FINDINGS12 M7: ``--latency-ms inf`` started a sandbox whose every request hung (a
    SIGTERM too, waiting for them); ``nan`` was taken as 0."""
    result = runner.invoke(main, ["sandbox", "serve", "--port", "0", "--latency-ms", latency])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '--latency-ms': {said}"
