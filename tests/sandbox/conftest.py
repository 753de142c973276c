"""Fixtures for the sandbox tests: in-process clients and a loopback server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# Everything comes through sandbox_testlib, which puts extensions/ on sys.path when the package
# is not installed (so nothing here may import ionworks_toolkit before it).
from sandbox_testlib import SandboxServer, TestClient, make_client, run_in_thread


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """A TestClient on a default app, shared: tests must not create records through it."""
    with make_client() as c:
        yield c


@pytest.fixture
def fresh_client() -> Iterator[TestClient]:
    """A TestClient on a new default app (for tests that create records)."""
    with make_client() as c:
        yield c


@pytest.fixture(scope="session")
def server() -> Iterator[SandboxServer]:
    """A default sandbox on a loopback port, shared by the tests of a session."""
    with run_in_thread() as s:
        yield s
