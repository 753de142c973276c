"""The test kit for plugin authors: ``ionworks_toolkit.testing`` (pytest11 plugin).

* its fixtures, used here exactly as a plugin author uses them (no conftest needed);
* ``SinkContract`` run in inner pytest sessions (pytester): a correct sink passes; a sink that
  commits implicitly on a clean ``__exit__`` fails 'no implicit commit'; each other kind of
  break (swallowed exceptions, eager writes, no state checks, a destructive abort, mutated or
  lost records, a multi-line describe) fails exactly its rules; a scheme no plugin registers
  fails 'registered'; the README's plugin package passes its own tests;
* the plugin's cost: importing it starts and imports nothing heavy, and a user without the
  ``sandbox`` extra still runs every test that does not use the sandbox.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import ServerError
from ionworks_toolkit.testing import CONTRACT_RULES, IonworksSandbox

SEVERSON = "Severson 2019 fast-charging cycle life"
ATTIA = "Attia 2020 closed-loop fast-charging optimisation"
TRI = "TRI BEEP protocol test plans (Talos, Drive)"
NASA = "NASA PCoE Li-ion battery aging"
EMPTY = "Sandbox empty project"
# Stable sandbox ids (uuid5 of the project names, see sandbox/_catalogue.py).
PROJECT_IDS = {
    SEVERSON: "dad27f90-713a-5a2b-a976-e4a38e9951be",
    ATTIA: "f943ea75-cddb-5f36-9bba-0effaf54b444",
    TRI: "cfe085f9-20ba-5273-8a4d-2c958cbf865e",
    NASA: "36c391ba-f0d6-5cbc-be8f-435c8275c5eb",
    EMPTY: "8a81f47b-7411-5823-ba42-4b954f060318",
}
COUNTS = {SEVERSON: 128, ATTIA: 233, TRI: 71, NASA: 34, EMPTY: 0}

# ---------------------------------------------------------------------------- fixtures


def test_ionworks_sandbox_is_the_session_sandbox_on_loopback(
    ionworks_sandbox: IonworksSandbox, ionworks_session_sandbox: IonworksSandbox
) -> None:
    assert ionworks_sandbox is ionworks_session_sandbox
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", ionworks_sandbox.base_url)
    assert ionworks_sandbox.api_key == "sandbox"
    assert ionworks_sandbox.headers == {"X-API-Key": "sandbox"}
    assert dict(ionworks_sandbox.projects) == PROJECT_IDS
    assert list(ionworks_sandbox.projects) == [SEVERSON, ATTIA, TRI, NASA, EMPTY]
    assert dict(ionworks_sandbox.measurement_counts) == COUNTS
    assert ionworks_sandbox.project_id(NASA) == PROJECT_IDS[NASA]
    with pytest.raises(KeyError, match=r"no sandbox project named 'Nasa'; projects: 'Severson"):
        ionworks_sandbox.project_id("Nasa")


def test_ionworks_toolkit_is_bound_to_the_sandbox(
    ionworks_toolkit: Any, ionworks_sandbox: IonworksSandbox
) -> None:
    assert ionworks_toolkit.settings.api_url == ionworks_sandbox.base_url
    projects = {p.name: str(p.id) for p in ionworks_toolkit.list_projects()}
    assert projects == PROJECT_IDS
    measurements = list(ionworks_toolkit.iter_measurements_by_project(NASA))
    assert len(measurements) == 34
    # The developer's environment is not read: no credential source but the argument.
    assert ionworks_toolkit.settings.credential_source == "argument"


@pytest.mark.ionworks_sandbox(total_offset=5)
@pytest.mark.ionworks_toolkit(page_size=10)
async def test_ionworks_async_toolkit(
    ionworks_async_toolkit: Any, ionworks_sandbox: IonworksSandbox, tmp_path: Path
) -> None:
    assert ionworks_async_toolkit.settings.api_url == ionworks_sandbox.base_url
    assert ionworks_async_toolkit.settings.page_size == 10
    names = [m.name async for m in ionworks_async_toolkit.iter_measurements_by_project(NASA)]
    assert len(names) == 34
    result = await ionworks_async_toolkit.export(NASA, [str(tmp_path / "nasa.jsonl")])
    assert (result.records, result.total) == (34, 39)  # the sandbox's total lies by +5
    assert len((tmp_path / "nasa.jsonl").read_text().splitlines()) == 34


@pytest.mark.ionworks_sandbox(scale=50, api_key="s3cr3t-sandbox-key")
def test_marker_gives_the_test_its_own_sandbox(
    ionworks_sandbox: IonworksSandbox,
    ionworks_session_sandbox: IonworksSandbox,
    ionworks_toolkit: Any,
) -> None:
    assert ionworks_sandbox is not ionworks_session_sandbox
    assert ionworks_sandbox.base_url != ionworks_session_sandbox.base_url
    synthetic = "Synthetic scale project (50 measurements)"
    assert ionworks_sandbox.measurement_counts[synthetic] == 50
    assert len(list(ionworks_toolkit.iter_measurements_by_project(synthetic))) == 50
    for shown in (repr(ionworks_sandbox), repr(ionworks_toolkit)):
        assert "s3cr3t-sandbox-key" not in shown


@pytest.mark.ionworks_sandbox(fail_500_on_request=1)
@pytest.mark.ionworks_toolkit(max_retries=0)
def test_fault_marker_and_toolkit_marker(
    ionworks_sandbox: IonworksSandbox, ionworks_toolkit: Any
) -> None:
    with pytest.raises(ServerError) as caught:
        ionworks_toolkit.list_projects()
    assert caught.value.status == 500
    assert len(ionworks_toolkit.list_projects()) == 5
    # The failed request, then the listing: its short page of 5 (GET /projects gives no
    # total; 5 is no plausible cap, so that page is the end: FINDINGS7 G31).
    assert ionworks_sandbox.request_count == 2


def test_factory_starts_independent_sandboxes(ionworks_sandbox_factory: Any) -> None:
    first = ionworks_sandbox_factory()
    tokens_only = ionworks_sandbox_factory(api_key=None, bearer_tokens=("tok-1",))
    assert first.base_url != tokens_only.base_url
    assert tokens_only.headers == {"Authorization": "Bearer tok-1"}
    with tokens_only.toolkit() as toolkit:
        assert toolkit.resolve_project(TRI) == PROJECT_IDS[TRI]
    assert tokens_only.request_count == 1
    assert first.request_count == 0
    with pytest.raises(TypeError, match="colour"):
        ionworks_sandbox_factory(colour="red")


def test_sample_pages_are_real_records(ionworks_sample_pages: list[list[dict[str, Any]]]) -> None:
    assert [len(page) for page in ionworks_sample_pages] == [5, 5, 5, 5]
    firsts = [page[0]["name"] for page in ionworks_sample_pages]
    assert firsts == [
        "2017-05-09_test-TC-contact_CH33",
        "2018-08-28_oed_0_CH1",
        "Drive_000100",
        "B0005 aging test",
    ]
    record = ionworks_sample_pages[0][0]
    assert record["specification"]["ratings"]["capacity"] == {"value": 1.1, "unit": "Ah"}
    assert record["test_setup"] == {"cycler": "Arbin", "channel_number": 33}
    ids = [r["id"] for page in ionworks_sample_pages for r in page]
    assert len(set(ids)) == 20


def _install_fake_distribution(root: Path, name: str, entry: str, module: str, source: str) -> None:
    """A module plus a ``.dist-info`` with an ``ionworks_toolkit`` entry point, as pip would
    install it (importlib.metadata finds it on ``sys.path``)."""
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    dist = root / f"{name.replace('-', '_')}-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[ionworks_toolkit]\n{entry} = {module}\n", encoding="utf-8"
    )


ZETA_PLUGIN = """
from ionworks_toolkit import FilterPreset, hookimpl
from ionworks_toolkit.sinks import make_jsonl_sink

@hookimpl
def ionworks_register_presets(register):
    register(FilterPreset("zeta-nasa", "NASA cells", {"name": "ilike.B00%"}))

@hookimpl
def ionworks_register_sinks(register):
    register("zeta", make_jsonl_sink)
"""


def test_ionworks_toolkit_loads_installed_plugins(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_fake_distribution(
        tmp_path, "zeta-ionworks-plugin", "zeta", "zeta_ionworks_plugin", ZETA_PLUGIN
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    toolkit = request.getfixturevalue("ionworks_toolkit")
    zeta = [info for info in toolkit.plugins.list_plugins() if info.name == "zeta"]
    assert [(i.distribution, i.version, i.status) for i in zeta] == [
        ("zeta-ionworks-plugin", "0.1.0", "loaded")
    ]
    assert len(list(toolkit.iter_measurements_by_project(NASA, presets=["zeta-nasa"]))) == 34


def test_plugins_list_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner
    from ionworks_toolkit.cli import main

    _install_fake_distribution(
        tmp_path, "zeta-ionworks-plugin", "zeta", "zeta_ionworks_plugin", ZETA_PLUGIN
    )
    _install_fake_distribution(
        tmp_path, "broken-ionworks-plugin", "broken", "broken_ionworks_plugin", "import nope\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["--disable-plugin", "ionworks-presets", "plugins", "list", "--json"]
    )
    assert result.exit_code == 0, result.output
    plugins = json.loads(result.stdout)
    assert [(p["name"], p["status"]) for p in plugins] == [
        ("ionworks-auth", "loaded"),
        ("ionworks-presets", "disabled"),
        ("ionworks-sinks", "loaded"),
        ("broken", "failed"),
        ("zeta", "loaded"),
    ]
    assert plugins[3] == {
        "name": "broken",
        "distribution": "broken-ionworks-plugin",
        "version": "0.1.0",
        "hooks": [],
        "status": "failed",
        "error": "ModuleNotFoundError: No module named 'nope'",
        "note": None,
        "sinks": [],
        "presets": [],
    }
    assert plugins[4] == {
        "name": "zeta",
        "distribution": "zeta-ionworks-plugin",
        "version": "0.1.0",
        "hooks": ["ionworks_register_presets", "ionworks_register_sinks"],
        "status": "loaded",
        "error": None,
        "note": None,
        "sinks": ["zeta"],
        "presets": ["zeta-nasa"],
    }
    assert plugins[2]["sinks"][:3] == ["csv", "dataset", "jsonl"]
    assert plugins[0]["distribution"] == "builtin"


# ---------------------------------------------------------------------------- SinkContract

_PLUGINS = r'''
"""Two sinks written from the plugin guide; one of them commits on a clean __exit__."""
import json
import os
import tempfile
from pathlib import Path


class JsonArraySink:
    """A JSON array file, written to a temporary file and moved into place on commit."""

    stages_output = True

    def __init__(self, target, options):
        self.path = Path(target)
        self.records = []
        self.state = "open"

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.abort()

    def write(self, records):
        if self.state != "open":
            raise RuntimeError(f"sink already {self.state}")
        self.records.extend(records)

    def commit(self):
        if self.state != "open":
            raise RuntimeError(f"sink already {self.state}")
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".part")
        with os.fdopen(fd, "w") as fh:
            json.dump(self.records, fh)
        os.replace(tmp, self.path)
        self.state = "committed"

    def abort(self):
        if self.state == "open":
            self.records = []
            self.state = "aborted"

    def describe(self):
        return f"wrote {len(self.records)} records to {self.path.name}"


class ImplicitCommitSink(JsonArraySink):
    """Commits when the block ends without an exception: the defect the suite must catch."""

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and self.state == "open":
            self.commit()
        else:
            self.abort()


# Other kinds of contract break, each a small change to the correct sink.


class SwallowingSink(JsonArraySink):
    """__exit__ returns True: an exception inside the block vanishes."""

    def __exit__(self, exc_type, exc, tb):
        self.abort()
        return True


class EagerSink(JsonArraySink):
    """Rewrites the target on every write(): nothing is atomic."""

    def write(self, records):
        super().write(records)
        self.path.write_text(json.dumps(self.records))


class UncheckedSink(JsonArraySink):
    """No state checks: write() and commit() work on a committed or aborted sink."""

    def write(self, records):
        self.records.extend(records)

    def commit(self):
        self.path.write_text(json.dumps(self.records))
        self.state = "committed"


class AbortDeletesSink(JsonArraySink):
    """abort() removes the target, even a previous or just committed output."""

    def abort(self):
        super().abort()
        self.path.unlink(missing_ok=True)


class MutatingSink(JsonArraySink):
    """write() removes the notes from the caller's records."""

    def write(self, records):
        for record in records:
            record.pop("notes", None)
        super().write(records)


class LossySink(JsonArraySink):
    """Leaves each record's notes out of the output."""

    def commit(self):
        self.records = [{k: v for k, v in r.items() if k != "notes"} for r in self.records]
        super().commit()


class ChattySink(JsonArraySink):
    def describe(self):
        return "wrote\nmany lines"


class EarlyPublishSink(JsonArraySink):
    """Two-phase in name only: prepare() already publishes."""

    def prepare(self):
        super().commit()
        self.state = "prepared"

    def commit(self):
        if self.state != "prepared":
            super().commit()
        self.state = "committed"


class UndeclaredSink(JsonArraySink):
    """Stages its output but does not say so: failed runs would report it as unknown."""

    stages_output = False


class Plugin:
    from ionworks_toolkit import hookimpl

    @hookimpl
    def ionworks_register_sinks(self, register):
        register("jsonarray", JsonArraySink)
        register("implicit", ImplicitCommitSink)
'''

_SUITES = """
import json
from pathlib import Path

from ionworks_toolkit.testing import SinkContract

from contract_plugins import JsonArraySink, Plugin


class Base(SinkContract):
    plugins = [Plugin()]

    def make_target(self, tmp_path):
        return str(tmp_path / "out.json")

    def read_back(self, target):
        return json.loads(Path(target).read_text())


class TestGoodSink(Base):
    scheme = "jsonarray"


class TestGoodSinkByFactory(Base):
    factory = JsonArraySink


class TestImplicitCommitSink(Base):
    scheme = "implicit"


class TestUnregisteredScheme(Base):
    scheme = "jsonaray"


def _defect(sink):
    return type(f"Test{sink.__name__}", (Base,), {"factory": sink})


import contract_plugins as _p

for _sink in (_p.SwallowingSink, _p.EagerSink, _p.UncheckedSink, _p.AbortDeletesSink,
              _p.MutatingSink, _p.LossySink, _p.ChattySink, _p.EarlyPublishSink,
              _p.UndeclaredSink):
    globals()[f"Test{_sink.__name__}"] = _defect(_sink)
"""

#: Options of the inner pytest runs: pytest-asyncio's loop scope set (it warns when unset).
QUIET_INNER = ("-o", "asyncio_default_fixture_loop_scope=function")
RULE_TESTS = 21  # test methods of SinkContract, parametrized ones expanded


def _outcomes(result: pytest.RunResult) -> dict[str, dict[str, str]]:
    """``{class name: {test name: outcome}}`` from an in-process run (class name ``""`` for
    module-level tests)."""
    by_class: dict[str, dict[str, str]] = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[attr-defined]
        if report.when == "call" or report.outcome != "passed":
            *_, cls, test = ["", *report.nodeid.split("::")]  # cls "": module level
            by_class.setdefault(cls, {})[test] = report.outcome
    return by_class


def test_contract_fails_each_kind_of_break_naming_its_rule(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(contract_plugins=_PLUGINS, test_suites=_SUITES)
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *QUIET_INNER, "-W", "ignore")
    outcomes = _outcomes(result)

    # A correct sink passes every rule, by scheme (through the plugin host) and by factory.
    assert len(outcomes["TestGoodSink"]) == RULE_TESTS
    no_prepare = {
        "test_prepare_publishes_nothing_until_commit": "skipped",
        "test_prepared_run_that_ends_without_commit_keeps_previous_output[abort]": "skipped",
        "test_prepared_run_that_ends_without_commit_keeps_previous_output[leave]": "skipped",
    }
    assert {t: o for t, o in outcomes["TestGoodSink"].items() if o != "passed"} == {
        "test_bad_targets_are_refused": "skipped",
        **no_prepare,
    }
    assert {t: o for t, o in outcomes["TestGoodSinkByFactory"].items() if o != "passed"} == {
        "test_scheme_is_registered": "skipped",
        "test_bad_targets_are_refused": "skipped",
        **no_prepare,
    }
    # The implicit commit fails exactly the two rule tests that leave the block early.
    assert {t: o for t, o in outcomes["TestImplicitCommitSink"].items() if o == "failed"} == {
        "test_leaving_without_commit_publishes_nothing": "failed",
        "test_leaving_without_commit_keeps_previous_output": "failed",
    }
    out = result.stdout.str()
    assert (
        "Failed: sink contract rule 'no implicit commit' broken: leaving the with block without "
        "commit() published output (does __exit__ call commit(), or write() write to the target "
        "itself?): added ['out.json']\n"
    ) in out
    assert (
        "Failed: sink contract rule 'no implicit commit' broken: leaving the with block without "
        "commit() (does __exit__ call commit(), or write() write to the target itself?) changed "
        "the previous output: changed ['out.json']\n"
    ) in out
    # Each other kind of break fails the rules it breaks, and only those.
    failed = {
        cls: sorted(test for test, outcome in tests.items() if outcome == "failed")
        for cls, tests in outcomes.items()
    }
    leaves = [
        "test_leaving_without_commit_keeps_previous_output",
        "test_leaving_without_commit_publishes_nothing",
    ]
    interrupted = [
        "test_exception_inside_block_aborts_and_keeps_previous_output",
        "test_keyboard_interrupt_inside_block_aborts_and_keeps_previous_output",
    ]
    assert failed["TestSwallowingSink"] == interrupted
    assert failed["TestEagerSink"] == sorted(["test_abort_is_idempotent", *interrupted, *leaves])
    assert failed["TestUncheckedSink"] == [
        f"test_closed_sink_refuses[{call}-{closed_by}]"
        for call in ("commit", "write")
        for closed_by in ("abort", "commit")
    ]
    assert failed["TestAbortDeletesSink"] == [
        "test_abort_after_commit_keeps_published_output",
        "test_closed_sink_refuses[commit-commit]",
        "test_closed_sink_refuses[write-commit]",
        "test_commit_publishes",
        "test_records_read_back_equal_records_written",
    ]
    assert failed["TestMutatingSink"] == ["test_accepts_pages_of_real_records"]
    assert failed["TestLossySink"] == ["test_records_read_back_equal_records_written"]
    assert failed["TestChattySink"] == ["test_describe_is_one_line"]
    assert failed["TestEarlyPublishSink"] == sorted(no_prepare)
    assert failed["TestUndeclaredSink"] == ["test_sink_declares_that_it_stages_its_output"]
    for line in (
        "'exception aborts' broken: the exception raised inside the with block did not "
        "propagate (__exit__ must return None/False, never True)",
        "'KeyboardInterrupt aborts' broken: a KeyboardInterrupt inside the with block changed "
        "the previous output: changed ['out.json']",
        "'closed sink refuses' broken: commit() after abort() raised nothing (expected an "
        "error, e.g. SinkStateError)",
        "'commit publishes' broken: leaving the with block after commit() changed the output: "
        "removed ['out.json']",
        "'abort is idempotent' broken: abort() after commit() changed the published output: "
        "removed ['out.json']",
        "'accepts pages' broken: write() modified the records it was given",
        "'read back' broken: record #1 differs: notes: read '<missing>', wrote 'Arbin metadata",
        "'describe is one line' broken: describe() after commit returned 'wrote\\nmany lines'",
        "'prepare publishes nothing' broken: prepare() changed the previous output: changed or "
        "removed ['out.json']",
        "'prepare publishes nothing' broken: abort() after prepare() changed the previous "
        "output: changed ['out.json']",
        "'declares staging' broken: UndeclaredSink.stages_output is False; set the class "
        "attribute stages_output = True once the abort rules pass",
    ):
        assert f"Failed: sink contract rule {line}" in out, line

    # A misspelt scheme: every rule fails at 'registered', naming what is registered.
    unregistered = outcomes["TestUnregisteredScheme"]
    assert len(unregistered) == RULE_TESTS
    assert {t: o for t, o in unregistered.items() if o != "failed"} == {
        "test_bad_targets_are_refused": "skipped"  # none given: skipped before resolving
    }
    registered = re.search(
        r"Failed: sink contract rule 'registered' broken: no plugin registers sink scheme "
        r"'jsonaray'; registered schemes: ([a-z, ]+)\. Is the plugin installed \(pip install "
        r"-e \.\) with an entry point in the group 'ionworks_toolkit'",
        out,
    )
    assert registered is not None, out
    schemes = registered.group(1).split(", ")
    assert {"implicit", "jsonarray", "csv", "jsonl", "sqlite", "table"} <= set(schemes)
    assert schemes == sorted(schemes)


def test_every_rule_the_suite_reports_is_described() -> None:
    from ionworks_toolkit.testing import SinkContract

    tests = [name for name in dir(SinkContract) if name.startswith("test_")]
    # test_closed_sink_refuses is 4 parametrized tests, the prepared run that ends without
    # commit 2.
    assert len(tests) == RULE_TESTS - 4
    source = Path(sys.modules[SinkContract.__module__].__file__ or "").read_text()
    reported = set(re.findall(r'_broken\(\s*"([^"]+)"', source))
    assert reported == set(CONTRACT_RULES)


# ---------------------------------------------------------------------------- README guide

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_block(caption: str) -> str:
    """The fenced code block after the README line `` `caption`: ``."""
    after = README.read_text(encoding="utf-8").split(f"`{caption}`:\n\n", 1)[1]
    assert after.startswith("```"), caption
    return after.split("\n", 1)[1].split("\n```\n", 1)[0] + "\n"


def test_readme_plugin_package_passes_its_own_tests(pytester: pytest.Pytester) -> None:
    """The guide's plugin, installed as pip would (module + dist-info with the entry point of
    the guide's pyproject.toml), and the guide's tests of it: fixtures and SinkContract."""
    import tomllib

    project = tomllib.loads(_readme_block("acme-plugin/pyproject.toml"))["project"]
    [(entry, module)] = project["entry-points"]["ionworks_toolkit"].items()
    _install_fake_distribution(
        pytester.path,
        project["name"],
        entry,
        module,
        _readme_block(f"acme-plugin/{module}.py"),
    )
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_acme.py").write_text(
        _readme_block("acme-plugin/tests/test_acme.py"), encoding="utf-8"
    )
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *QUIET_INNER, "tests")
    outcomes = _outcomes(result)
    assert {t: o for t, o in outcomes.pop("TestCountSinkContract").items() if o != "passed"} == {
        "test_records_read_back_equal_records_written": "skipped"
    }
    result.assert_outcomes(passed=RULE_TESTS - 1 + 3, skipped=1)


# ---------------------------------------------------------------------------- plugin cost


def test_importing_the_plugin_starts_and_imports_nothing_heavy() -> None:
    code = (
        "import sys, threading, ionworks_toolkit.testing\n"
        "heavy = ('fastapi', 'uvicorn', 'starlette', 'pydantic', 'httpx', 'pyarrow', "
        "'ionworks_client', 'ionworks_toolkit.session', 'ionworks_toolkit.sandbox._app')\n"
        "print(sorted(m for m in sys.modules if m in heavy))\n"
        "print(threading.active_count())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "1"]


def test_without_the_sandbox_extra_only_sandbox_tests_fail_saying_what_to_install(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import sys
        for name in ("fastapi", "uvicorn"):  # as if installed without [sandbox]
            sys.modules[name] = None
        """
    )
    pytester.makepyfile(
        """
        def test_plain():
            assert 1 + 1 == 2

        def test_needs_the_sandbox(ionworks_toolkit):
            pass
        """
    )
    # Unrelated heavy plugins off: this run is about our plugin alone.
    quiet = [f"-pno:{name}" for name in ("schemathesis", "hypothesispytest", "cov", "anyio")]
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *QUIET_INNER, *quiet)
    result.assert_outcomes(passed=1, errors=1)
    assert (
        "\nthe sandbox needs fastapi, which is not installed: "
        'pip install "ionworks-toolkit[sandbox]"\n'
    ) in result.stdout.str()
    assert "During handling" not in result.stdout.str()
