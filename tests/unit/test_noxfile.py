"""Which Python the test command uses (issue 17, item 5): ``nox`` works on any supported
version present, runs the tests once by default, and CI keeps testing 3.11."""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path
from typing import Any

import pytest

nox = pytest.importorskip("nox")
nox_registry = pytest.importorskip("nox.registry")

ROOT = Path(__file__).resolve().parents[2]


def _load(monkeypatch: pytest.MonkeyPatch, *, ci: str | None, running: tuple[int, int]) -> Any:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    version = types.SimpleNamespace(major=running[0], minor=running[1])
    nox_registry.reset()  # sessions are registered again by this load
    with monkeypatch.context() as patch:
        patch.setattr(sys, "version_info", version)
        namespace = runpy.run_path(str(ROOT / "noxfile.py"))
    return namespace


@pytest.mark.parametrize(
    ("ci", "running", "first", "errors_on_missing"),
    [
        (None, (3, 11), "tests-3.11", False),
        (None, (3, 12), "tests-3.12", False),  # a machine with only 3.12
        (None, (3, 13), "tests-3.13", False),
        (None, (3, 14), "tests", False),  # unsupported runner: every supported one found
        ("true", (3, 12), "tests-3.11", True),  # CI keeps testing 3.11, and needs it
    ],
)
def test_plain_nox_runs_the_tests_once(
    monkeypatch: pytest.MonkeyPatch,
    ci: str | None,
    running: tuple[int, int],
    first: str,
    errors_on_missing: bool,
) -> None:
    saved = (list(nox.options.sessions or []), nox.options.error_on_missing_interpreters)
    try:
        _load(monkeypatch, ci=ci, running=running)
        assert nox.options.sessions == [first, "lint", "typecheck", "regen_check"]
        assert nox.options.error_on_missing_interpreters is errors_on_missing
    finally:
        nox.options.sessions, nox.options.error_on_missing_interpreters = saved


def test_the_tests_session_is_parametrised_over_the_supported_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    namespace = _load(monkeypatch, ci=None, running=(3, 11))
    assert namespace["tests"].python == ["3.11", "3.12", "3.13"]
    # the other sessions run on the Python that runs nox: none names a version
    for name in ("lint", "typecheck", "regen_check", "record", "bench", "mutants"):
        assert namespace[name].python is None, name


def test_the_supported_versions_match_pyproject() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    classifiers = [c for c in project["classifiers"] if c.startswith("Programming Language")]
    assert classifiers == [
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    ]
