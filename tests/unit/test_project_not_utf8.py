"""A project name no URL can carry (FINDINGS8 H14): a byte that is not UTF-8 (a Latin-1
terminal or file, ``M\\xfcller``) or a lone surrogate is refused before any request, naming
where it came from, as a filter value is; it was a raw UnicodeEncodeError, exit 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from ionworks_toolkit import ParameterError, Toolkit
from ionworks_toolkit.cli import main

pytestmark = pytest.mark.sandbox


def cli(sandbox, *arguments: str) -> list[str]:
    return [
        "--api-url",
        sandbox.base_url,
        "--api-key",
        "sandbox",
        "measurements",
        "list",
        *arguments,
    ]


def test_the_command_line_names_the_byte(runner: CliRunner, ionworks_sandbox) -> None:
    latin1 = b"M\xfcller".decode("utf-8", "surrogateescape")  # as Python reads argv
    before = ionworks_sandbox.request_count
    result = runner.invoke(
        main, cli(ionworks_sandbox, latin1, "--limit", "1", "--sink", "/dev/null")
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: project: project='M\\udcfcller' holds the byte 0xFC (not UTF-8) at character "
        "2; it cannot be sent: a URL carries UTF-8 text only\n"
    )
    assert ionworks_sandbox.request_count == before


def test_the_default_project_is_named_as_the_variable(
    runner: CliRunner, ionworks_sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IONWORKS_PROJECT_ID", b"\xff".decode("utf-8", "surrogateescape"))
    result = runner.invoke(main, cli(ionworks_sandbox, "--limit", "1", "--sink", "/dev/null"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: IONWORKS_PROJECT_ID: project='\\udcff' holds the byte")


@pytest.mark.parametrize("project", ["\ud800", "M\udcfcller"])
def test_python_gets_a_parameter_error_before_any_request(ionworks_sandbox, project: str) -> None:
    before = ionworks_sandbox.request_count
    with (
        Toolkit(api_url=ionworks_sandbox.base_url, api_key="sandbox") as tk,
        pytest.raises(ParameterError) as caught,
    ):
        tk.export(project, ["/dev/null"])
    assert (caught.value.source, caught.value.parameter) == ("project", "project")
    assert "it cannot be sent: a URL carries UTF-8 text only" in str(caught.value)
    assert ionworks_sandbox.request_count == before
