"""Global CLI options that cannot go together are refused, naming both (newcomer pass):
``--api-url`` beside ``--sandbox`` was ignored silently."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from ionworks_toolkit.cli import main

REST = (
    "exclude each other: --sandbox starts its own API on a loopback port with its own key (to "
    "use a sandbox you started with 'sandbox serve', give its --api-url without --sandbox)"
)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--api-url", "http://127.0.0.1:9"], "--sandbox and --api-url"),
        (["--api-key", "k-123"], "--sandbox and --api-key"),
        (
            ["--api-url", "http://127.0.0.1:9", "--api-key", "k-123"],
            "--sandbox, --api-url and --api-key",
        ),
    ],
)
def test_sandbox_with_an_api_url_or_key_is_a_usage_error(
    runner: CliRunner, options: list[str], named: str
) -> None:
    result = runner.invoke(main, ["--sandbox", *options, "projects", "list"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == f"Error: {named} {REST}"
    assert "k-123" not in result.stderr  # the key is named by its flag, never shown
