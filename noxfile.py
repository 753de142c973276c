"""Developer sessions. ``nox`` (no arguments) runs tests, lint, typecheck and regen_check.

- ``nox -s tests``        the whole suite, offline: cassettes replayed (--record-mode=none),
                          network blocked except loopback (the sandbox tests serve on 127.0.0.1)
- ``nox -s lint``         ruff check + ruff format --check
- ``nox -s typecheck``    mypy on extensions/ and scripts/
- ``nox -s regen_check``  the committed generated client is what scripts/regenerate.py makes
- ``nox -s record``       re-record every cassette from a fresh sandbox (``-- --live`` with
                          IONWORKS_API_URL and IONWORKS_API_KEY set records from the live API)
- ``nox -s bench``        benchmarks against the sandbox on loopback (not part of the default)
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "regen_check"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"
OFFLINE = ["--record-mode=none", "--block-network", "--allowed-hosts=127.0.0.1,localhost,::1"]
LINTED = ["extensions", "scripts", "tests", "noxfile.py", "openapi/reconstruction"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite offline, with coverage of ionworks_toolkit."""
    session.install("-e", ".[test,regenerate]")
    session.run(
        "pytest",
        *OFFLINE,
        "--cov=ionworks_toolkit",
        "--cov-report=term",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff lint and format check (generated code excluded by pyproject)."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy over the hand-written layer and the scripts."""
    session.install("-e", ".[test,regenerate]", "mypy>=1.10", "types-PyYAML")
    session.run("mypy", "extensions/ionworks_toolkit", "scripts")


@nox.session(python=PYTHON)
def regen_check(session: nox.Session) -> None:
    """Fail when generated_client/ is not exactly what the pipeline produces."""
    session.install("-e", ".[regenerate]")
    session.run("python", "scripts/regenerate.py", "--check")


@nox.session(python=PYTHON)
def record(session: nox.Session) -> None:
    """Re-record every cassette (from the sandbox; ``-- --live`` for the live API)."""
    session.install("-e", ".[test]")
    session.run("pytest", "tests/integration", "--record-mode=rewrite", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks (figures printed and written to bench-results.json)."""
    session.install("-e", ".[test,regenerate,bench]", "ionworks-api")
    session.run("python", "scripts/bench.py", *session.posargs)
