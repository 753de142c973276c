"""Running the CLI and a ``Toolkit`` against a ``LoopbackServer`` that serves the seed
endpoint for one project (the paging, gap and incremental tests' hostile servers).

``run_cli(url, *arguments)`` invokes ``ionworks-toolkit --api-url URL --api-key k measurements
list PROJECT_ID ARGUMENTS...`` in-process (click's ``CliRunner``: ``.exit_code``, ``.stdout``,
``.stderr``); ``toolkit(url)`` is a ``Toolkit`` on that server with retries off, so a fault the
server plays is seen once.
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from ionworks_toolkit import Toolkit
from ionworks_toolkit.cli import main

#: The project the servers of these tests answer for (any id: the servers ignore it).
PROJECT_ID = "5b0c3c61-7d0a-4f43-9d55-0e4a6f1f6a10"


def run_cli(url: str, *arguments: str) -> Any:
    """``measurements list PROJECT_ID *arguments`` against the server at ``url``."""
    return CliRunner().invoke(
        main,
        ["--api-url", url, "--api-key", "k", "measurements", "list", PROJECT_ID, *arguments],
    )


def toolkit(url: str) -> Toolkit:
    """A ``Toolkit`` on the server at ``url``, key ``k``, no retries."""
    return Toolkit(api_url=url, api_key="k", max_retries=0)
