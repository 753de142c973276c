"""Small CLI wording (newcomer pass): the same project given twice said "from 1 projects"."""

from __future__ import annotations

from click.testing import CliRunner
from ionworks_toolkit.cli import _projects_limit_note, main
from ionworks_toolkit.sandbox import SandboxOptions

SEVERSON = "Severson 2019 fast-charging cycle life"
TWICE = [SEVERSON, SEVERSON, "--sink", "out.jsonl"]
SEVERSON_ID = "dad27f90-713a-5a2b-a976-e4a38e9951be"


def test_the_same_project_twice_is_listed_once(runner: CliRunner, sandbox_url: str) -> None:
    key = SandboxOptions().api_key or ""
    result = runner.invoke(
        main,
        [
            "--api-url",
            sandbox_url,
            "--api-key",
            key,
            "measurements",
            "list",
            SEVERSON,
            SEVERSON,
            "--sink",
            "out.jsonl",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "wrote 25 records to jsonl:out.jsonl",
        "listed 25 of 128 measurements (the default --limit 25; use --all for every measurement)",
    ]


def test_one_project_is_not_plural() -> None:
    assert _projects_limit_note([(SEVERSON_ID, 25, 128)], 25, True) == (
        "listed 25 of 128 measurements from 1 project (the default --limit 25 per project cut "
        "1 of them short; use --all for every measurement)"
    )
    assert _projects_limit_note([("a", 5, 9), ("b", 5, 5)], 5, False) == (
        "listed 10 of 14 measurements from 2 projects (--limit 5 per project cut 1 of them "
        "short; use --all for every measurement)"
    )
