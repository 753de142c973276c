"""Tests for ``scripts/vendor.py``: a partner's vendored copy imports, passes the replayed
seed-endpoint tests, is checkable, and lives beside an installed toolkit without sharing state.

The end-to-end tests run in fresh interpreters (``sys.executable``) in which our distribution
is unimportable: the editable install's ``generated_client``/``extensions`` entries are stripped
from ``sys.path`` and a ``sys.meta_path`` finder refuses the top-level names ``ionworks_client``
and ``ionworks_toolkit``. Only ``acme_lab._vendor.*`` (on ``PYTHONPATH``) is left.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "vendor.py"
CLIENT_SOURCE = ROOT / "generated_client" / "ionworks_client"
TOOLKIT_SOURCE = ROOT / "extensions" / "ionworks_toolkit"
REPLAY_TESTS = ROOT / "tests" / "integration" / "test_replay_seed.py"
PREFIX = "acme_lab._vendor"
PREFIX_PATH = Path("acme_lab", "_vendor")
OURS = ("ionworks_client", "ionworks_toolkit")
#: Not needed to import the vendored packages or build a Toolkit (blocked to prove it).
OPTIONAL = (
    "httpx_retries",
    "dotenv",
    "click",
    "rich",
    "pygments",
    "pyarrow",
    "fastapi",
    "starlette",
    "uvicorn",
    "dateutil",
    "yaml",
    "orjson",
    "msgspec",
)
BUILTIN_PLUGINS = ["ionworks-auth", "ionworks-presets", "ionworks-sinks"]
REPLAYED_AT_LEAST = 21  # tests in test_replay_seed.py when this was written


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def vendor() -> ModuleType:
    """``scripts/vendor.py`` as a module."""
    spec = importlib.util.spec_from_file_location("ionworks_vendor", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def vendored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A partner source root with ``acme_lab._vendor.{ionworks_client,ionworks_toolkit}``,
    made by the real command line."""
    target = tmp_path_factory.mktemp("partner") / "src"
    target.mkdir()
    result = run_script(target, "--package", PREFIX, "--with-toolkit")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"import it as: from {PREFIX} import ionworks_toolkit"
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (caches excluded) by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child interpreter: no coverage or pytest hooks inherited."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COV_CORE_", "COVERAGE_", "PYTEST_", "IONWORKS_"))
        and key != "PYTHONPATH"
    }
    env.update(extra)
    return env


ISOLATION = """
import os, sys

_OUR_DIRS = {our_dirs!r}
_BLOCKED = frozenset({blocked!r})


def _ours(entry):
    path = os.path.realpath(entry or os.getcwd())
    return any(path == d or path.startswith(d + os.sep) for d in _OUR_DIRS)


sys.path[:] = [entry for entry in sys.path if not _ours(entry)]
for _name in [m for m in sys.modules if m.split(".")[0] in _BLOCKED]:
    del sys.modules[_name]


class _Unimportable:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _BLOCKED:
            raise ImportError(f"{{name}} is not importable in this test", name=name)
        return None


sys.meta_path.insert(0, _Unimportable())
"""


def isolated_python(
    code: str, *, vendored_root: Path, cwd: Path, blocked: tuple[str, ...] = OURS, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where only the vendored copy is importable."""
    our_dirs = [os.path.realpath(CLIENT_SOURCE.parent), os.path.realpath(TOOLKIT_SOURCE.parent)]
    prelude = ISOLATION.format(our_dirs=our_dirs, blocked=list(blocked))
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=cwd,
        env=clean_env(PYTHONPATH=str(vendored_root), **env),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def last_json_line(output: str) -> Any:
    return json.loads(output.strip().splitlines()[-1])


# --------------------------------------------------------------------------- the vendored copy


def test_vendored_copy_imports_without_our_distribution(vendored: Path, tmp_path: Path) -> None:
    result = isolated_python(
        """
        import importlib, json
        report = {}
        for name in ("ionworks_client", "ionworks_toolkit"):
            try:
                importlib.import_module(name)
                report[name] = "importable"
            except ImportError:
                report[name] = "unimportable"
        client = importlib.import_module("acme_lab._vendor.ionworks_client")
        toolkit = importlib.import_module("acme_lab._vendor.ionworks_toolkit")
        session = importlib.import_module(toolkit.Toolkit.__module__)
        report["files"] = [client.__file__, toolkit.__file__, session.__file__]
        report["client_of_session"] = session.Client.__module__
        report["ours_loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in _BLOCKED)
        print(json.dumps(report))
        """,
        vendored_root=vendored,
        cwd=tmp_path / "work",
    )
    assert result.returncode == 0, result.stderr
    report = last_json_line(result.stdout)
    assert report["ionworks_client"] == report["ionworks_toolkit"] == "unimportable"
    assert report["ours_loaded"] == []
    root = vendored.resolve() / PREFIX_PATH
    assert [Path(f).resolve() for f in report["files"]] == [
        root / "ionworks_client" / "__init__.py",
        root / "ionworks_toolkit" / "__init__.py",
        root / "ionworks_toolkit" / "session.py",
    ]
    assert report["client_of_session"] == "acme_lab._vendor.ionworks_client.client"


def test_vendored_toolkit_needs_only_httpx_attrs_pluggy_and_does_nothing_at_import(
    vendored: Path, tmp_path: Path
) -> None:
    """Every vendored module imports, and a Toolkit is built, with the optional libraries
    blocked; importing reads no file or environment variable, loads no entry point and
    configures no logging."""
    result = isolated_python(
        """
        import collections.abc, importlib, importlib.metadata, json, logging, pathlib
        import attrs, httpx, pluggy  # the hard dependencies, and whatever they import

        root = pathlib.Path(os.environ["PYTHONPATH"])
        modules = sorted(
            ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            for p in (root / "acme_lab" / "_vendor").rglob("*.py")
        )
        before = {m.split(".")[0] for m in sys.modules}
        opened, env_reads, entry_point_calls = [], [], []

        def audit(event, args):
            if event == "open" and not str(args[0]).endswith((".py", ".pyc", ".so")):
                opened.append(str(args[0]))

        class RecordingEnviron(collections.abc.MutableMapping):
            def __init__(self, inner):
                self.inner = inner
            def __getitem__(self, key):
                env_reads.append(key)
                return self.inner[key]
            def __iter__(self):
                env_reads.append("<all>")
                return iter(self.inner)
            def __len__(self):
                return len(self.inner)
            def __setitem__(self, key, value):
                self.inner[key] = value
            def __delitem__(self, key):
                del self.inner[key]

        real_entry_points = importlib.metadata.entry_points
        def entry_points(*args, **kwargs):
            entry_point_calls.append(kwargs.get("group"))
            return real_entry_points(*args, **kwargs)

        sys.addaudithook(audit)
        real_environ, os.environ = os.environ, RecordingEnviron(os.environ)
        importlib.metadata.entry_points = entry_points
        for module in modules:
            importlib.import_module(module)
        toolkit = importlib.import_module("acme_lab._vendor.ionworks_toolkit")
        for name in toolkit.__all__:
            getattr(toolkit, name)
        import_time = {
            "opened": opened[:], "env": env_reads[:], "entry_points": entry_point_calls[:]
        }
        os.environ = real_environ

        tk = toolkit.Toolkit(environ={}, load_entry_points=False, working_dir=os.getcwd())
        print(json.dumps({
            "modules": len(modules),
            "import_time": import_time,
            "handlers": {n: len(l.handlers) for n, l in logging.root.manager.loggerDict.items()
                         if isinstance(l, logging.Logger) and l.handlers},
            "root": [len(logging.root.handlers), logging.root.level],
            "new_top_level": sorted(
                {m.split(".")[0] for m in sys.modules} - before - set(sys.stdlib_module_names)
            ),
            "plugins": [p.name for p in tk.plugins.list_plugins()],
            "presets": len(tk.presets),
        }))
        """,
        vendored_root=vendored,
        cwd=tmp_path / "work",
        blocked=OURS + OPTIONAL,
    )
    assert result.returncode == 0, result.stderr
    report = last_json_line(result.stdout)
    assert report["modules"] > 100
    assert report["import_time"] == {"opened": [], "env": [], "entry_points": []}
    assert report["handlers"] == {}
    assert report["root"] == [0, 30]  # no handler, level WARNING: logging left alone
    assert report["new_top_level"] == ["acme_lab"]
    assert report["plugins"] == BUILTIN_PLUGINS
    assert report["presets"] > 0  # built-in presets validated against the vendored openapi.json


def test_replayed_seed_tests_pass_against_the_vendored_copy(
    vendored: Path, tmp_path: Path, vendor: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    result = isolated_python(
        f"""
        import pytest
        sys.exit(pytest.main([
            {str(REPLAY_TESTS)!r},
            "--rootdir", {str(ROOT)!r},
            "-c", {str(ROOT / "pyproject.toml")!r},
            "--record-mode=none",
            "--block-network",
            "-p", "no:cacheprovider",
            "-p", "no:ionworks_toolkit",  # the installed package's pytest kit is blocked here
        ]))
        """,
        vendored_root=vendored,
        cwd=tmp_path / "work",
        IONWORKS_TEST_PACKAGE_PREFIX=PREFIX,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = result.stdout.strip().splitlines()
    collected = next(line for line in lines if line.startswith("collected "))
    count = int(collected.split()[1])  # "collected 21 items"
    assert count >= REPLAYED_AT_LEAST
    summary = lines[-1].strip("= ")  # "==== 21 passed in 6.27s ===="
    assert summary.split(" in ")[0] == f"{count} passed", output

    # Running the copy may write bytecode caches into it (unless PYTHONDONTWRITEBYTECODE is
    # set); --check ignores them.
    cache = vendored / PREFIX_PATH / "ionworks_client" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "stale.cpython-311.pyc").write_bytes(b"\0")
    manifest = json.loads((vendored / PREFIX_PATH / "VENDORED.json").read_text())
    capsys.readouterr()
    assert vendor.main([str(vendored), "--package", PREFIX, "--check"]) == 0
    assert capsys.readouterr().out == (
        f"vendored copy is unmodified ({len(manifest['files'])} files)\n"
    )


def test_manifest_records_version_spec_prefix_and_every_file(vendored: Path) -> None:
    prefix_dir = vendored / PREFIX_PATH
    text = (prefix_dir / "VENDORED.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    stamp = json.loads((CLIENT_SOURCE / "_stamp.json").read_text())
    assert manifest["version"] == version
    assert manifest["spec_sha256"] == stamp["spec_sha256"]
    assert manifest["package_prefix"] == PREFIX
    assert manifest["packages"] == list(OURS)
    assert manifest["excluded"] == [
        "ionworks_toolkit/cli.py",
        "ionworks_toolkit/sandbox/",
        "ionworks_toolkit/testing/",
    ]
    files = manifest["files"]
    assert list(files) == sorted(files)
    on_disk = {
        path.relative_to(prefix_dir).as_posix()
        for package in OURS
        for path in (prefix_dir / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert set(files) == on_disk
    for relative, digest in files.items():
        assert hashlib.sha256((prefix_dir / relative).read_bytes()).hexdigest() == digest
    assert not (prefix_dir / "ionworks_toolkit" / "cli.py").exists()
    assert not (prefix_dir / "ionworks_toolkit" / "sandbox").exists()
    assert not (prefix_dir / "ionworks_toolkit" / "testing").exists()
    for data in ("openapi.json", "_stamp.json", "py.typed"):
        vendored_bytes = (prefix_dir / "ionworks_client" / data).read_bytes()
        assert vendored_bytes == (CLIENT_SOURCE / data).read_bytes()
    assert (vendored / "acme_lab" / "__init__.py").read_bytes() == b""
    assert (prefix_dir / "__init__.py").read_bytes() == b""


def test_only_absolute_imports_of_our_packages_change(vendor: ModuleType, fresh_copy: Path) -> None:
    prefix_dir = fresh_copy / PREFIX_PATH
    changed: dict[str, list[tuple[str, str]]] = {}
    expected: set[str] = set()
    for source_root, package in (
        (CLIENT_SOURCE, "ionworks_client"),
        (TOOLKIT_SOURCE, "ionworks_toolkit"),
    ):
        for path in sorted((prefix_dir / package).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            relative = path.relative_to(prefix_dir).as_posix()
            original = (source_root / path.relative_to(prefix_dir / package)).read_text()
            if vendor.absolute_imports(original, OURS):
                expected.add(relative)
            pairs = zip(original.splitlines(), path.read_text().splitlines(), strict=True)
            diff = [(a, b) for a, b in pairs if a != b]
            if diff:
                changed[relative] = diff
    assert {"ionworks_toolkit/parameters.py", "ionworks_toolkit/session.py"} <= expected
    assert set(changed) == expected
    for diff in changed.values():
        for before, after in diff:
            assert before.lstrip().startswith(("import ionworks_client", "from ionworks_client"))
            assert after.replace(f"{PREFIX}.", "", 1).removesuffix(" as ionworks_client") == before
    presets = (prefix_dir / "ionworks_toolkit" / "parameters.py").read_text()
    assert "import acme_lab._vendor.ionworks_client as ionworks_client\n" in presets
    hookspecs = (prefix_dir / "ionworks_toolkit" / "hookspecs.py").read_text()
    assert 'PROJECT_NAME = "ionworks_toolkit"\n' in hookspecs


# --------------------------------------------------------------------------- two copies


@pytest.fixture
def vendored_importable(vendored: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``vendored`` on sys.path for this test; its modules are forgotten afterwards."""

    def forget() -> None:
        for name in [m for m in sys.modules if m.split(".")[0] == "acme_lab"]:
            del sys.modules[name]

    forget()
    monkeypatch.syspath_prepend(str(vendored))
    yield vendored
    forget()


def test_installed_and_vendored_toolkits_keep_their_own_plugin_managers(
    vendored_importable: Path, tmp_path: Path
) -> None:
    ours = importlib.import_module("ionworks_toolkit")
    theirs = importlib.import_module("acme_lab._vendor.ionworks_toolkit")
    assert Path(ours.__file__).resolve().is_relative_to(TOOLKIT_SOURCE.resolve())
    assert Path(theirs.__file__).resolve().is_relative_to(vendored_importable.resolve())
    assert theirs.Toolkit is not ours.Toolkit

    # A plugin written against the contract's marker, not against either copy.
    marker = pluggy.HookimplMarker("ionworks_toolkit")

    class PartnerPresets:
        name = "partner-presets"

        def __init__(self, preset_class: type) -> None:
            self.preset_class = preset_class

        @marker
        def ionworks_register_presets(self, register: Any) -> None:
            register(self.preset_class("partner-lfp", "LFP cells", {"spec_cathode": "ilike.%LFP%"}))

    class RequestSpy:
        name = "request-spy"

        @marker
        def ionworks_request(self, request: Any) -> None:
            raise AssertionError("not called: no request is sent")

    kwargs: dict[str, Any] = {
        "load_entry_points": False,
        "environ": {},
        "working_dir": str(tmp_path),
    }
    with (
        ours.Toolkit(**kwargs) as our_toolkit,
        theirs.Toolkit(plugins=[PartnerPresets(theirs.FilterPreset)], **kwargs) as their_toolkit,
    ):
        their_toolkit.plugins.register(RequestSpy())

        our_names = [p.name for p in our_toolkit.plugins.list_plugins()]
        their_names = [p.name for p in their_toolkit.plugins.list_plugins()]
        assert our_names == BUILTIN_PLUGINS
        assert their_names == [*BUILTIN_PLUGINS, "partner-presets", "request-spy"]

        our_manager, their_manager = our_toolkit.plugins.manager, their_toolkit.plugins.manager
        assert our_manager is not their_manager
        assert our_manager.project_name == their_manager.project_name == "ionworks_toolkit"
        assert their_manager.get_plugin("request-spy") is not None
        assert our_manager.get_plugin("request-spy") is None
        assert our_manager.get_plugin("partner-presets") is None
        assert "partner-lfp" in [p.name for p in their_toolkit.presets]
        assert "partner-lfp" not in [p.name for p in our_toolkit.presets]
        assert type(their_toolkit.client).__module__ == "acme_lab._vendor.ionworks_client.client"
        assert type(our_toolkit.client).__module__ == "ionworks_client.client"

    # The same marker works with our copy too (with our FilterPreset).
    with ours.Toolkit(plugins=[PartnerPresets(ours.FilterPreset)], **kwargs) as again:
        assert "partner-lfp" in [p.name for p in again.presets]
    assert theirs.hookspecs.PROJECT_NAME == "ionworks_toolkit"
    assert importlib.import_module(f"{PREFIX}.ionworks_toolkit.plugins").ENTRY_POINT_GROUP == (
        "ionworks_toolkit"
    )


# --------------------------------------------------------------------------- --check


@pytest.fixture
def fresh_copy(vendor: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "src"
    target.mkdir()
    assert vendor.main([str(target), "--package", PREFIX, "--with-toolkit"]) == 0
    capsys.readouterr()
    return target


def check(vendor: ModuleType, target: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = vendor.main([str(target), "--package", PREFIX, "--check"])
    return status, capsys.readouterr().out


def test_check_names_an_edited_file(
    vendor: ModuleType, fresh_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = fresh_copy / PREFIX_PATH / "ionworks_toolkit" / "session.py"
    edited.write_text(edited.read_text() + "# local fix\n")
    status, out = check(vendor, fresh_copy, capsys)
    assert status == 1
    assert out.splitlines() == [
        "vendored copy acme_lab/_vendor/ differs from its VENDORED.json:",
        "  modified: acme_lab/_vendor/ionworks_toolkit/session.py",
        "1 file(s) differ; run scripts/vendor.py again to restore the vendored copy",
    ]


def test_check_names_missing_and_extra_files(
    vendor: ModuleType, fresh_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix_dir = fresh_copy / PREFIX_PATH
    (prefix_dir / "ionworks_client" / "py.typed").unlink()
    (prefix_dir / "ionworks_client" / "api" / "local_patch.py").write_text("X = 1\n")
    status, out = check(vendor, fresh_copy, capsys)
    assert status == 1
    assert "  missing: acme_lab/_vendor/ionworks_client/py.typed" in out.splitlines()
    assert "  extra: acme_lab/_vendor/ionworks_client/api/local_patch.py" in out.splitlines()
    assert out.splitlines()[-1].startswith("2 file(s) differ")

    # Re-vendoring restores the copy (warning about what it replaces) and removes the extra.
    assert vendor.main([str(fresh_copy), "--package", PREFIX, "--with-toolkit"]) == 0
    err = capsys.readouterr().err
    assert (
        "warning: replacing a locally changed vendored file: "
        "extra: acme_lab/_vendor/ionworks_client/api/local_patch.py"
    ) in err
    assert not (prefix_dir / "ionworks_client" / "api" / "local_patch.py").exists()
    assert check(vendor, fresh_copy, capsys)[0] == 0


def test_check_through_the_command_line(fresh_copy: Path) -> None:
    (fresh_copy / PREFIX_PATH / "ionworks_client" / "types.py").write_text("changed\n")
    result = run_script(fresh_copy, "--package", PREFIX, "--check")
    assert result.returncode == 1
    assert "  modified: acme_lab/_vendor/ionworks_client/types.py" in result.stdout.splitlines()


# --------------------------------------------------------------------------- re-vendoring


def test_vendoring_twice_is_byte_identical_and_keeps_partner_files(
    vendor: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "src"
    (target / "acme_lab" / "_vendor").mkdir(parents=True)
    (target / "acme_lab" / "__init__.py").write_text('"""ACME lab tools."""\n__all__ = []\n')
    (target / "acme_lab" / "_vendor" / "notes.txt").write_text("vendored on purpose\n")
    (target / "acme_lab" / "analysis.py").write_text("from ._vendor import ionworks_toolkit\n")

    args = [str(target), "--package", PREFIX, "--with-toolkit"]
    assert vendor.main(args) == 0
    assert capsys.readouterr().out.splitlines()[0] == "created acme_lab/_vendor/__init__.py"
    first = snapshot(target)
    stale = target / PREFIX_PATH / "ionworks_toolkit" / "sinks" / "_removed_upstream.py"
    stale.write_text("OLD = True\n")
    assert vendor.main(args) == 0
    assert snapshot(target) == first  # the stale file is gone, nothing else changed

    assert first["acme_lab/__init__.py"] == b'"""ACME lab tools."""\n__all__ = []\n'
    assert first["acme_lab/_vendor/notes.txt"] == b"vendored on purpose\n"
    assert first["acme_lab/analysis.py"] == b"from ._vendor import ionworks_toolkit\n"

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert vendor.main([str(elsewhere), "--package", PREFIX, "--with-toolkit"]) == 0
    ours_only = {k: v for k, v in first.items() if k.startswith("acme_lab/_vendor/ionworks_")}
    assert {k: v for k, v in snapshot(elsewhere).items() if k in ours_only} == ours_only
    assert (elsewhere / PREFIX_PATH / "VENDORED.json").read_bytes() == first[
        "acme_lab/_vendor/VENDORED.json"
    ]


def test_revendoring_without_the_toolkit_refuses_to_delete_the_vendored_toolkit(
    vendor: ModuleType, fresh_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(fresh_copy)
    assert vendor.main([str(fresh_copy), "--package", PREFIX]) == 2
    assert capsys.readouterr().err == (
        "error: acme_lab/_vendor/ionworks_toolkit/ was vendored by an earlier run "
        "(acme_lab/_vendor/VENDORED.json lists it); this run, without --with-toolkit, would "
        "delete it. Add --with-toolkit to update it too, or --remove-toolkit to delete it\n"
    )
    assert snapshot(fresh_copy) == before  # nothing written, nothing deleted
    assert check(vendor, fresh_copy, capsys)[0] == 0
    args = [str(fresh_copy), "--package", PREFIX, "--with-toolkit", "--remove-toolkit"]
    assert vendor.main(args) == 2
    assert capsys.readouterr().err == (
        "error: --with-toolkit and --remove-toolkit contradict each other; give one\n"
    )
    assert snapshot(fresh_copy) == before


def test_remove_toolkit_removes_the_vendored_toolkit(
    vendor: ModuleType, fresh_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fresh_copy / PREFIX_PATH / "notes.txt").write_text("mine\n")
    assert vendor.main([str(fresh_copy), "--package", PREFIX, "--remove-toolkit"]) == 0
    assert "vendored ionworks_client 0" in capsys.readouterr().out
    assert not (fresh_copy / PREFIX_PATH / "ionworks_toolkit").exists()
    assert (fresh_copy / PREFIX_PATH / "notes.txt").read_text() == "mine\n"
    manifest = json.loads((fresh_copy / PREFIX_PATH / "VENDORED.json").read_text())
    assert manifest["packages"] == ["ionworks_client"]
    assert manifest["excluded"] == []
    assert check(vendor, fresh_copy, capsys)[0] == 0


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "prefix",
    ["acme-lab._vendor", "acme_lab..vendor", "acme_lab.class", "", "2acme", "ionworks_client.x"],
)
def test_bad_prefix_is_refused(
    vendor: ModuleType, tmp_path: Path, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vendor.main([str(tmp_path), "--package", prefix]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --package {prefix!r} ")
    assert list(tmp_path.iterdir()) == []


def test_clear_errors(
    vendor: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing"
    assert vendor.main([str(missing), "--package", PREFIX]) == 2
    assert capsys.readouterr().err == (
        f"error: target directory {missing} does not exist (give your source folder)\n"
    )
    a_file = tmp_path / "module.py"  # FINDINGS7 G16: a file was reported as missing
    a_file.write_text("")
    assert vendor.main([str(a_file), "--package", PREFIX]) == 2
    assert capsys.readouterr().err == (
        f"error: target directory {a_file} is not a directory (give your source folder)\n"
    )
    a_file.unlink()

    nowhere = tmp_path / "nowhere"
    assert vendor.main([str(tmp_path), "--package", PREFIX, "--source-root", str(nowhere)]) == 2
    init = nowhere / "generated_client" / "ionworks_client" / "__init__.py"
    assert capsys.readouterr().err == (
        f"error: source package ionworks_client not found: {init} does not exist\n"
    )

    assert vendor.main([str(tmp_path), "--package", PREFIX, "--check"]) == 2
    manifest = tmp_path / PREFIX_PATH / "VENDORED.json"
    assert capsys.readouterr().err.startswith(
        f"error: no VENDORED.json at {manifest}: not a vendored copy"
    )

    (tmp_path / "acme_lab.py").write_text("")
    assert vendor.main([str(tmp_path), "--package", PREFIX]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'acme_lab.py'} is a module; the prefix needs a package "
        f"{tmp_path / 'acme_lab'}/\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme_lab.py"]


def test_vendoring_into_the_source_is_refused(
    vendor: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_source(tmp_path / "repo", {})
    before = snapshot(source)
    for target, prefix in (
        (source / "generated_client" / "ionworks_client", "inner"),
        (source, "generated_client"),
    ):
        args = [str(target), "--package", prefix, "--source-root", str(source)]
        assert vendor.main(args) == 2
        assert "overlaps the source package" in capsys.readouterr().err
    assert snapshot(source) == before


def make_source(root: Path, files: dict[str, str]) -> Path:
    """A minimal repository layout for scripts/vendor.py --source-root."""
    base = {
        "pyproject.toml": '[project]\nname = "ionworks-toolkit"\nversion = "9.9.9"\n',
        "generated_client/ionworks_client/__init__.py": "",
        "generated_client/ionworks_client/_stamp.json": '{"spec_sha256": "abc"}\n',
        "extensions/ionworks_toolkit/__init__.py": '__version__ = "9.9.9"\n',
        "extensions/ionworks_toolkit/cli.py": "import click\n",
        "extensions/ionworks_toolkit/sandbox/__init__.py": "import fastapi\n",
    }
    for relative, text in (base | files).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_imports_of_what_is_not_vendored_are_reported(
    vendor: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lazy = make_source(
        tmp_path / "lazy",
        {"extensions/ionworks_toolkit/run.py": "def main():\n    from .cli import main\n"},
    )
    target = tmp_path / "a"
    target.mkdir()
    args = [str(target), "--package", "p", "--with-toolkit", "--source-root", str(lazy)]
    assert vendor.main(args) == 0
    assert capsys.readouterr().err == (
        "warning: ionworks_toolkit/run.py:2 imports ionworks_toolkit.cli, which is not vendored "
        "(not at import time: that code path will fail)\n"
    )

    eager = make_source(
        tmp_path / "eager",
        {"extensions/ionworks_toolkit/run.py": "from . import sandbox\n"},
    )
    target = tmp_path / "b"
    target.mkdir()
    args = [str(target), "--package", "p", "--with-toolkit", "--source-root", str(eager)]
    assert vendor.main(args) == 2
    assert capsys.readouterr().err == (
        "error: ionworks_toolkit/run.py:1 imports ionworks_toolkit.sandbox, which is not "
        "vendored; the vendored copy would not import\n"
    )
    assert list(target.iterdir()) == []


def test_version_mismatch_is_refused(
    vendor: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_source(
        tmp_path / "repo", {"extensions/ionworks_toolkit/__init__.py": '__version__ = "1.0"\n'}
    )
    assert vendor.main([str(tmp_path), "--package", "p", "--source-root", str(source)]) == 2
    assert "version mismatch" in capsys.readouterr().err


# --------------------------------------------------------------------------- the rewriter

P = "acme_lab._vendor"


def case(source: str, expected: str, name: str) -> Any:
    """A rewriter case; ``VENDOR.`` in ``expected`` stands for the prefix."""
    text = textwrap.dedent(source).lstrip("\n")
    want = textwrap.dedent(expected).lstrip("\n").replace("VENDOR.", f"{P}.")
    return pytest.param(text, want, id=name)


REWRITES = [
    case(
        """
        import ionworks_client
        """,
        """
        import VENDOR.ionworks_client as ionworks_client
        """,
        "plain",
    ),
    case(
        """
        import ionworks_client as ic
        from ionworks_client.models import Project as P, Quantity
        """,
        """
        import VENDOR.ionworks_client as ic
        from VENDOR.ionworks_client.models import Project as P, Quantity
        """,
        "aliases",
    ),
    case(
        """
        from ionworks_client.models import (
            CellMeasurement,  # the item
            Project,
        )
        """,
        """
        from VENDOR.ionworks_client.models import (
            CellMeasurement,  # the item
            Project,
        )
        """,
        "parenthesised-multi-line",
    ),
    case(
        """
        import ionworks_client.api.projects as p, os
        """,
        """
        import VENDOR.ionworks_client.api.projects as p, os
        """,
        "dotted-alias-then-other",
    ),
    case(
        """
        import os, ionworks_client, sys
        """,
        """
        import os, VENDOR.ionworks_client as ionworks_client, sys
        """,
        "among-others",
    ),
    case(
        """
        import ionworks_client.types
        """,
        """
        import VENDOR.ionworks_client.types as ionworks_client, VENDOR.ionworks_client as ionworks_client
        """,  # noqa: E501
        "submodule-binds-package",
    ),
    case(
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from ionworks_toolkit.session import Toolkit


        def make() -> Toolkit:
            from ionworks_toolkit import session
            import ionworks_client.api.projects as projects
            return session.Toolkit(projects)
        """,
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from VENDOR.ionworks_toolkit.session import Toolkit


        def make() -> Toolkit:
            from VENDOR.ionworks_toolkit import session
            import VENDOR.ionworks_client.api.projects as projects
            return session.Toolkit(projects)
        """,
        "type-checking-and-function-body",
    ),
    case(
        """
        try:
            import ionworks_client
        except ImportError:
            ionworks_client = None
        else:
            from ionworks_toolkit import hookimpl
        finally:
            pass
        class A:
            from ionworks_client import types
        with open(__file__):
            match 1:
                case 1:
                    import ionworks_client.api as api
        """,
        """
        try:
            import VENDOR.ionworks_client as ionworks_client
        except ImportError:
            ionworks_client = None
        else:
            from VENDOR.ionworks_toolkit import hookimpl
        finally:
            pass
        class A:
            from VENDOR.ionworks_client import types
        with open(__file__):
            match 1:
                case 1:
                    import VENDOR.ionworks_client.api as api
        """,
        "nested-blocks",
    ),
    case(
        """
        label = "Wärme→"; import ionworks_client.types as t
        """,
        """
        label = "Wärme→"; import VENDOR.ionworks_client.types as t
        """,
        "non-ascii-before-on-the-line",
    ),
    case(
        """
        import os; from ionworks_toolkit import hookimpl; x = 1
        """,
        """
        import os; from VENDOR.ionworks_toolkit import hookimpl; x = 1
        """,
        "semicolons",
    ),
    case(
        """
        from ionworks_client \\
            .models import Project
        import os, \\
            ionworks_client.types as t
        """,
        """
        from VENDOR.ionworks_client.models import Project
        import os, \\
            VENDOR.ionworks_client.types as t
        """,
        "backslash-continuations",
    ),
    case(
        "import ionworks_client\r\nfrom ionworks_client.models import Project\r\n",
        "import VENDOR.ionworks_client as ionworks_client\r\n"
        "from VENDOR.ionworks_client.models import Project\r\n",
        "crlf-kept",
    ),
]
UNCHANGED = [
    case(
        '''
        """Docs: import ionworks_client; from ionworks_client.api import x."""
        NAME = "ionworks_client"  # import ionworks_client
        GROUP = f"{NAME}.ionworks_toolkit"
        marker = pluggy.HookimplMarker('ionworks_toolkit')
        ''',
        "",
        "strings-and-comments",
    ),
    case(
        """
        from . import ionworks_client
        from .ionworks_client import x
        from ..models import Project
        from .. import types
        """,
        "",
        "relative-imports",
    ),
    case(
        """
        import ionworks_clientele
        from ionworks_clientele.x import y
        import ionworks_client_extra as e
        from ionworks_toolkitty import z
        """,
        "",
        "similar-names",
    ),
    case(f"import {P}.ionworks_client as ionworks_client\n", "", "already-vendored"),
]


@pytest.mark.parametrize(("source", "expected"), REWRITES)
def test_rewriter(vendor: ModuleType, source: str, expected: str) -> None:
    result = vendor.rewrite_imports(source, OURS, P)
    assert result.text == expected
    assert result.count > 0
    assert vendor.absolute_imports(result.text, OURS) == []
    again = vendor.rewrite_imports(result.text, OURS, P)
    assert (again.text, again.count) == (expected, 0)


@pytest.mark.parametrize(("source", "_"), UNCHANGED)
def test_rewriter_leaves_alone(vendor: ModuleType, source: str, _: str) -> None:
    result = vendor.rewrite_imports(source, OURS, P)
    assert (result.text, result.count) == (source, 0)


def test_rewriter_only_touches_the_packages_it_is_given(vendor: ModuleType) -> None:
    source = "from ionworks_toolkit import hookimpl\nimport ionworks_client\n"
    result = vendor.rewrite_imports(source, ("ionworks_client",), P)
    assert result.text == (
        f"from ionworks_toolkit import hookimpl\nimport {P}.ionworks_client as ionworks_client\n"
    )
    assert result.lines == (2,)


def test_rewritten_imports_bind_the_same_names(
    vendor: ModuleType, vendored_importable: Path
) -> None:
    client = importlib.import_module(f"{P}.ionworks_client")
    cases = {
        "import ionworks_client\n": {"ionworks_client": client},
        "import ionworks_client.api.projects\n": {"ionworks_client": client},
        "import ionworks_client.api.projects as p, os\n": {
            "p": importlib.import_module(f"{P}.ionworks_client.api.projects"),
            "os": os,
        },
        "from ionworks_client.models import Project as Proj\n": {
            "Proj": importlib.import_module(f"{P}.ionworks_client.models").Project
        },
    }
    for source, expected in cases.items():
        namespace: dict[str, Any] = {}
        exec(
            compile(vendor.rewrite_imports(source, OURS, P).text, "<rewritten>", "exec"), namespace
        )
        del namespace["__builtins__"]
        assert namespace == expected, source
    assert client.api.projects.__name__ == f"{P}.ionworks_client.api.projects"


def test_rewriter_is_built_on_tokenize_and_ast_not_regular_expressions() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert {"ast", "tokenize"} <= imported
    assert not imported & {"re", "regex", "fnmatch"}


# ----------------------------------------------------------------- the README's snippets


def _readme_python_block(after: str) -> str:
    """The first ```python block of README.md after the line ``after``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```python\n", text.index(after)) + len("```python\n")
    return text[start : text.index("```", start)]


def test_the_readme_vendoring_snippets_run_as_written_with_httpx_attrs_pluggy_only(
    vendored: Path, tmp_path: Path
) -> None:
    """Issue 17: the README's vendored-copy snippets run in the minimal environment they
    describe (the optional libraries blocked), the first against a sandbox whose key is the
    snippet's "..."."""
    from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread

    use = _readme_python_block("Use it from your code:")
    plugins = _readme_python_block("A vendored copy has no package metadata of its own")
    assert 'api_key="..."' in use
    check = (
        "\nassert [p.name for p in toolkit.presets if p.name == 'lfp'] == ['lfp']"
        "\nprint('plugin snippet ok')"
    )
    with run_in_thread(SandboxOptions(api_key="...")) as server:
        result = isolated_python(
            use + plugins + check,
            vendored_root=vendored,
            cwd=tmp_path / "work",
            blocked=OURS + OPTIONAL,
            IONWORKS_API_URL=server.base_url,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 128 + 1
    assert lines[0] == "FastCharge_000025_CH8"
    assert lines[-1] == "plugin snippet ok"


def test_a_failed_write_puts_the_previous_copy_back(
    vendor: ModuleType, fresh_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest is swapped in last: failing there, every package folder already swapped
    must be rolled back, and the previous copy is left byte for byte."""
    (fresh_copy / PREFIX_PATH / "ionworks_toolkit" / "_stale.py").write_text("OLD = True\n")
    before = snapshot(fresh_copy)
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst).name == "VENDORED.json":
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space left on device"):
        vendor.main([str(fresh_copy), "--package", PREFIX, "--with-toolkit"])
    monkeypatch.undo()
    assert snapshot(fresh_copy) == before
    assert [p.name for p in (fresh_copy / PREFIX_PATH).iterdir() if p.name.startswith(".")] == []


def test_a_vendored_copy_names_packages_not_extras_before_any_request(
    vendored: Path, tmp_path: Path
) -> None:
    """A vendored copy has no ``ionworks-toolkit`` extras: a missing library is named by its
    own package, and a sink that needs one fails when it is opened, before any request."""
    result = isolated_python(
        """
        import json
        from acme_lab._vendor import ionworks_toolkit as t

        tk = t.Toolkit(api_url="http://127.0.0.1:9", api_key="k", max_retries=0, environ={},
                       load_entry_points=False, working_dir=os.getcwd())
        out = {}
        for target in ("table:", "out.parquet", "dataset:d", "postgresql://u@h/db"):
            try:
                tk.open_sinks([target])
            except t.ConfigurationError as exc:
                out[target] = str(exc)
        try:
            tk.to_arrow("p")
        except t.ConfigurationError as exc:
            out["to_arrow"] = str(exc)
        print(json.dumps(out))
        """,
        vendored_root=vendored,
        cwd=tmp_path / "work",
        blocked=(*OURS, *OPTIONAL, "psycopg"),
    )
    assert result.returncode == 0, result.stderr
    assert last_json_line(result.stdout) == {
        "table:": "sink 'table' needs rich: pip install rich",
        "out.parquet": "the parquet sink needs pyarrow, which is not installed: "
        "pip install pyarrow",
        "dataset:d": "the dataset sink needs pyarrow, which is not installed: "
        "pip install pyarrow fsspec",
        "postgresql://u@h/db": "the postgresql sink needs psycopg 3, which is not installed: "
        'pip install "psycopg[binary]"',
        "to_arrow": "to_arrow needs pyarrow, which is not installed: pip install pyarrow",
    }


@pytest.mark.parametrize("prefix", ["json._vendor", "os", "asyncio.vendored", "typing"])
def test_standard_library_prefix_is_refused(
    vendor: ModuleType, tmp_path: Path, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """FINDINGS9 J14: ``--package json._vendor`` wrote ``src/json/__init__.py``, which shadowed
    the standard library's json (``import httpx`` failed in that folder)."""
    top = prefix.split(".")[0]
    assert vendor.main([str(tmp_path), "--package", prefix, "--with-toolkit"]) == 2
    assert capsys.readouterr().err == (
        f"error: --package {prefix!r} starts with {top!r}, a module of Python's standard "
        f"library: a folder {top}/ in your source root would shadow it (import {top} would "
        "load the folder). Choose a prefix inside your own package, e.g. acme_lab._vendor\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert vendor.main([str(tmp_path), "--package", prefix, "--check"]) == 2
    assert capsys.readouterr().err.startswith(f"error: --package {prefix!r} starts with {top!r}")


@pytest.mark.parametrize(
    ("prefix", "with_toolkit"),
    [
        ("httpx._vendor", False),
        ("attrs", False),
        ("pluggy.vendored", True),
        ("orjson._vendor", True),  # imported optionally, inside a function: still shadowed
    ],
)
def test_dependency_prefix_is_refused(
    vendor: ModuleType,
    tmp_path: Path,
    prefix: str,
    with_toolkit: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """FINDINGS9 J14's kind: a folder named after a package the vendored code imports hides
    the installed one (``src/httpx/`` for ``import httpx``); refused before anything is
    written, naming the first import of it."""
    top = prefix.split(".")[0]
    toolkit = ["--with-toolkit"] if with_toolkit else []
    assert vendor.main([str(tmp_path), "--package", prefix, *toolkit]) == 2
    err = capsys.readouterr().err
    head = f"error: --package {prefix!r} starts with {top!r}, a package the vendored code imports ("
    tail = (
        f"): a folder {top}/ in your source root would shadow the installed {top}. Choose a "
        "prefix inside your own package, e.g. acme_lab._vendor\n"
    )
    assert err.startswith(head) and err.endswith(tail), err
    where = err[len(head) : -len(tail)]
    file, line = where.rsplit(":", 1)
    package, _, relative = file.partition("/")
    source = (CLIENT_SOURCE if package == "ionworks_client" else TOOLKIT_SOURCE) / relative
    statement = source.read_text(encoding="utf-8").splitlines()[int(line) - 1].strip()
    assert statement.startswith((f"import {top}", f"from {top} import", f"from {top}.")), statement
    assert list(tmp_path.iterdir()) == []
