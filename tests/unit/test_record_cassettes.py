"""Recording never destroys cassettes (issue 17, item 1): scripts/record_cassettes.py.

The swap logic is exercised with small synthetic test folders (a passing and a failing one
that write "cassettes" where the recording points them); one test re-records the real
integration cassettes from a fresh sandbox into a copy and checks that not one byte changed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "record_cassettes.py"


@pytest.fixture(scope="module")
def recorder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("record_cassettes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def cassettes(tmp_path: Path) -> Path:
    folder = tmp_path / "cassettes"
    (folder / "test_mod").mkdir(parents=True)
    (folder / "test_mod" / "same.yaml").write_text("interactions: [same]\n")
    (folder / "test_mod" / "old.yaml").write_text("interactions: [old]\n")
    (folder / "test_mod" / "not_recorded.yaml").write_text("interactions: [kept]\n")
    os.utime(folder / "test_mod" / "same.yaml", ns=(1_000_000_000, 1_000_000_000))
    return folder


def _synthetic_tests(tmp_path: Path, *, fail: bool) -> Path:
    """A test folder that writes three cassettes where the recording points it, then passes
    or fails."""
    folder = tmp_path / "synthetic"
    folder.mkdir()
    (folder / "test_write.py").write_text(
        "import os, pathlib\n"
        "def test_write():\n"
        "    root = pathlib.Path(os.environ['IONWORKS_CASSETTE_DIR']) / 'test_mod'\n"
        "    root.mkdir(parents=True, exist_ok=True)\n"
        "    (root / 'same.yaml').write_text('interactions: [same]\\n')\n"
        "    (root / 'old.yaml').write_text('interactions: [new]\\n')\n"
        "    (root / 'added.yaml').write_text('interactions: [added]\\n')\n"
        f"    assert {not fail}\n"
    )
    return folder


def test_live_without_credentials_refuses_before_touching_anything(
    recorder: ModuleType, cassettes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tests = _synthetic_tests(tmp_path, fail=False)
    before = _snapshot(cassettes)
    siblings = sorted(p.name for p in cassettes.parent.iterdir())
    code = recorder.record(
        live=True,
        cassettes=cassettes,
        tests=tests,
        pytest_args=[],
        environ={"IONWORKS_API_URL": "https://api.example.com", "IONWORKS_API_KEY": " "},
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "error: --live records from the live API and needs IONWORKS_API_KEY in the "
        "environment; nothing was changed\n"
    )
    assert _snapshot(cassettes) == before
    assert sorted(p.name for p in cassettes.parent.iterdir()) == siblings  # no temp folder


def test_a_failed_recording_changes_nothing(
    recorder: ModuleType, cassettes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(cassettes)
    tests = _synthetic_tests(tmp_path, fail=True)
    code = recorder.record(
        live=False, cassettes=cassettes, tests=tests, pytest_args=["-q"], environ=os.environ
    )
    assert code == 1
    assert capsys.readouterr().err.endswith(
        f"error: recording failed (pytest exit code 1); {cassettes} was not changed\n"
    )
    assert _snapshot(cassettes) == before
    assert not [p for p in cassettes.parent.iterdir() if p.name.startswith(".cassettes-")]


def test_a_passing_recording_replaces_only_what_changed(
    recorder: ModuleType, cassettes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(cassettes)
    tests = _synthetic_tests(tmp_path, fail=False)
    code = recorder.record(
        live=False, cassettes=cassettes, tests=tests, pytest_args=["-q"], environ=os.environ
    )
    assert code == 0
    after = _snapshot(cassettes)
    assert after["test_mod/same.yaml"] == before["test_mod/same.yaml"]  # bytes and mtime
    assert after["test_mod/old.yaml"][0] == b"interactions: [new]\n"
    assert after["test_mod/added.yaml"][0] == b"interactions: [added]\n"
    assert after["test_mod/not_recorded.yaml"] == before["test_mod/not_recorded.yaml"]
    assert capsys.readouterr().err.splitlines()[-4:] == [
        f"cassettes in {cassettes}: 1 changed, 1 new, 1 unchanged",
        "  changed: test_mod/old.yaml",
        "  new: test_mod/added.yaml",
        "  not recorded this run (kept): test_mod/not_recorded.yaml",
    ]
    assert sorted(p.name for p in cassettes.parent.iterdir()) == ["cassettes", "synthetic"]


class _Refused(Exception):
    pass


class FakeSession:
    """What a nox session function sees: posargs, install, run, error."""

    def __init__(self, *posargs: str) -> None:
        self.posargs = list(posargs)
        self.calls: list[tuple[str, ...]] = []

    def install(self, *args: str) -> None:
        self.calls.append(("install", *args))

    def run(self, *args: str) -> None:
        self.calls.append(("run", *args))

    def error(self, message: str) -> None:
        raise _Refused(message)


@pytest.fixture
def noxfile() -> ModuleType:
    """noxfile.py loaded as a module (its session functions callable with a FakeSession)."""
    pytest.importorskip("nox")
    import runpy

    import nox.registry

    nox.registry.reset()  # sessions are registered again by this load
    module = ModuleType("noxfile")
    module.__dict__.update(runpy.run_path(str(ROOT / "noxfile.py")))
    return module


def test_nox_record_live_without_credentials_refuses_before_installing(
    noxfile: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IONWORKS_API_URL", raising=False)
    monkeypatch.delenv("IONWORKS_API_KEY", raising=False)
    session = FakeSession("--live")
    with pytest.raises(_Refused) as info:
        noxfile.record(session)
    assert str(info.value) == (
        "--live records from the live API and needs IONWORKS_API_URL and IONWORKS_API_KEY in "
        "the environment; nothing was changed"
    )
    assert session.calls == []


def test_nox_record_runs_the_safe_script(noxfile: ModuleType) -> None:
    session = FakeSession("-k", "seed")
    noxfile.record(session)
    assert session.calls == [
        ("install", "-e", ".[test]"),
        ("run", "python", "scripts/record_cassettes.py", "-k", "seed"),
    ]


def test_rerecording_from_the_sandbox_changes_no_cassette(
    recorder: ModuleType, tmp_path: Path
) -> None:
    committed = ROOT / "tests" / "cassettes"
    copy = tmp_path / "cassettes"
    shutil.copytree(committed, copy)
    before = _snapshot(copy)
    code = recorder.record(
        live=False,
        cassettes=copy,
        tests=ROOT / "tests" / "integration",
        pytest_args=["-q"],
        environ={k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")},
    )
    assert code == 0
    assert _snapshot(copy) == before
