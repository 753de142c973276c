"""Developer sessions. ``nox`` (no arguments) runs tests, lint, typecheck and regen_check.

- ``nox -s tests``        the whole suite, offline: cassettes replayed (--record-mode=none),
                          network blocked except loopback (the sandbox tests serve on 127.0.0.1),
                          on every supported Python found (3.11, 3.12, 3.13; a missing one is
                          skipped); ``nox -s tests-3.12`` for one
- ``nox -s lint``         ruff check + ruff format --check
- ``nox -s typecheck``    mypy on extensions/ and scripts/
- ``nox -s regen_check``  the committed generated client is what scripts/regenerate.py makes
- ``nox -s record``       re-record every cassette from a fresh sandbox (``-- --live`` with
                          IONWORKS_API_URL and IONWORKS_API_KEY set records from the live API):
                          scripts/record_cassettes.py records into a temporary folder and copies
                          back only changed cassettes, only when every test passed
- ``nox -s bench``        benchmarks against the sandbox on loopback (not part of the default)
- ``nox -s mutants``      mutation testing (mutmut) of the safety-critical modules, kill rate
                          per module and survivors (not part of the default; ``-- pagination``
                          for one group, see scripts/mutants.py)

Which Python: plain ``nox`` runs the tests once, on the Python that runs nox (any supported
version: ``python3 -m nox`` on a machine with only 3.12 tests on 3.12); under CI (``CI`` set)
on 3.11, the oldest supported version, and a missing 3.11 is an error there. The other sessions
use the Python that runs nox.
"""

from __future__ import annotations

import os
import sys

import nox

#: Supported Python versions (pyproject: requires-python >= 3.11), oldest first.
PYTHONS = ["3.11", "3.12", "3.13"]
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"
ON_CI = bool(os.environ.get("CI"))


def _default_test_session() -> str:
    """One test run by default (CI's budget): 3.11 under CI, else the running Python when it
    is supported, else every supported version found."""
    if ON_CI:
        return f"tests-{PYTHONS[0]}"
    return f"tests-{RUNNING}" if RUNNING in PYTHONS else "tests"


nox.options.sessions = [_default_test_session(), "lint", "typecheck", "regen_check"]
nox.options.reuse_existing_virtualenvs = True
# Locally a supported Python that is not installed is skipped; CI must have 3.11.
nox.options.error_on_missing_interpreters = ON_CI

OFFLINE = ["--record-mode=none", "--block-network", "--allowed-hosts=127.0.0.1,localhost,::1"]
LINTED = ["extensions", "scripts", "tests", "noxfile.py", "openapi/reconstruction"]
LIVE_VARIABLES = ("IONWORKS_API_URL", "IONWORKS_API_KEY")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the whole test suite offline, with coverage of ionworks_toolkit."""
    session.install("-e", ".[test,regenerate]")
    session.run(
        "pytest",
        *OFFLINE,
        # The test kit's pytest11 entry point would import ionworks_toolkit before coverage
        # starts; tests/conftest.py loads the kit instead, once coverage runs.
        "-p",
        "no:ionworks_toolkit",
        "--cov=ionworks_toolkit",
        "--cov-report=term",
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff lint and format check (generated code excluded by pyproject)."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy over the hand-written layer and the scripts."""
    session.install("-e", ".[test,regenerate]", "mypy>=1.10", "types-PyYAML")
    session.run("mypy", "extensions/ionworks_toolkit", "scripts")


@nox.session
def regen_check(session: nox.Session) -> None:
    """Fail when generated_client/ is not exactly what the pipeline produces."""
    session.install("-e", ".[regenerate]")
    session.run("python", "scripts/regenerate.py", "--check")


@nox.session
def record(session: nox.Session) -> None:
    """Re-record every cassette (from the sandbox; ``-- --live`` for the live API) without
    ever destroying the committed ones: see scripts/record_cassettes.py."""
    missing = [name for name in LIVE_VARIABLES if not os.environ.get(name, "").strip()]
    if "--live" in session.posargs and missing:
        session.error(
            f"--live records from the live API and needs {' and '.join(missing)} in the "
            "environment; nothing was changed"
        )
    session.install("-e", ".[test]")
    session.run("python", "scripts/record_cassettes.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (figures printed and written to bench-results.json)."""
    session.install("-e", ".[test,regenerate,bench]", "ionworks-api")
    session.run("python", "scripts/bench.py", *session.posargs)


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutation testing of the safety-critical modules (scripts/mutants.py; not a default
    session: a full run takes far longer than the test suite)."""
    session.install("-e", ".[test,regenerate,mutants]")
    session.run("python", "scripts/mutants.py", *session.posargs)
