"""A plugin's sink code that breaks the Sink contract (FINDINGS8 H1, H7).

H1: a sink factory that returns something that is not a working Sink (``None``, an object,
a str, a duck type without ``abort``, a ``BaseSink`` subclass whose ``__init__`` forgets
``super().__init__(label)``) crashed the run after its first requests with a traceback
(exit 1). It is now a PluginError naming the plugin and the scheme, raised when the sinks are
opened, before any request (exit 2); so is a factory that raises something other than
ValueError (a usage error) or ImportError (a missing extra).

H7: a plugin's ``_write`` raising ``SystemExit(0)`` ended the program with exit 0, silently,
nothing published. Any BaseException from sink code that is not a Ctrl-C/SIGTERM
(KeyboardInterrupt) nor a cancellation is a SinkError naming the plugin (exit 6).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from ionworks_toolkit import (
    BaseSink,
    ConfigurationError,
    ParameterError,
    PluginError,
    SinkError,
    hookimpl,
)
from ionworks_toolkit.cli import main
from ionworks_toolkit.export import SINK_PLUGIN, abort_sinks, describe_sink, write_page
from test_breakit_fixes import NASA, install_plugin

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
ADVICE = "(switch it off with disable_plugins=['acme'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme)"


class ForgetsInit(BaseSink):
    """The commonest slip: ``__init__`` without ``super().__init__(label)``."""

    stages_output = True

    def __init__(self, target: str, options: Mapping[str, str]) -> None:
        self.target = target

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        pass

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


class Half:
    """Duck-typed: write and commit, no abort."""

    def __init__(self, target: str, options: Mapping[str, str]) -> None:
        pass

    def write(self, records: Any) -> None:
        pass

    def commit(self) -> None:
        pass


class Exits(BaseSink):
    """A sink whose ``step`` (write, prepare, commit, abort or describe) raises ``error``."""

    stages_output = True

    def __init__(self, target: str, step: str, error: BaseException) -> None:
        super().__init__(f"exits:{target}")
        self.step, self.error = step, error
        self.aborted = 0

    def _raise(self, step: str) -> None:
        if self.step == step:
            raise self.error

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self._raise("write")

    def _prepare(self) -> None:
        self._raise("prepare")

    def _commit(self) -> None:
        self._raise("commit")

    def _abort(self) -> None:
        self.aborted += 1
        self._raise("abort")

    def describe(self) -> str:
        self._raise("describe")
        return super().describe()


class Keeper(BaseSink):
    """A well-behaved sink; ``made`` holds every one built."""

    stages_output = True
    made: ClassVar[list[Keeper]] = []

    def __init__(self, target: str, options: Mapping[str, str]) -> None:
        super().__init__(f"keep:{target}")
        Keeper.made.append(self)

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        pass

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


def _export_nasa(runner: CliRunner, *targets: str) -> Any:
    """``measurements list NASA --all`` on the sandbox into ``targets``: click's Result."""
    sinks = [arg for target in targets for arg in ("--sink", target)]
    return runner.invoke(main, ["--sandbox", "measurements", "list", NASA, "--all", *sinks])


def _plugin(factories: dict[str, Any]) -> object:
    class Acme:
        name = "acme"

        @hookimpl
        def ionworks_register_sinks(self, register: Any) -> None:
            register("keep", Keeper)
            for scheme, factory in factories.items():
                register(scheme, factory)

    return Acme()


# ------------------------------------------------------------------ H1: what a factory returns


@pytest.mark.parametrize(
    ("factory", "problem"),
    [
        (lambda t, o: None, "returned None, not a Sink with write(records), commit() and abort()"),
        (
            lambda t, o: object(),
            "returned object, not a Sink with write(records), commit() and abort()",
        ),
        (
            lambda t, o: "jsonl:x.jsonl",
            "returned str 'jsonl:x.jsonl', not a Sink with write(records), commit() and abort()",
        ),
        (
            Half,
            "returned Half, which has no abort(): not a Sink with write(records), commit() and "
            "abort()",
        ),
        (
            ForgetsInit,
            ": ForgetsInit is not initialised (does its __init__ call super().__init__(label)?)",
        ),
    ],
    ids=["None", "object", "str", "no-abort", "no-super-init"],
)
def test_a_factory_that_returns_no_working_sink_is_named_before_any_request(
    make_toolkit, paged_server, factory: Any, problem: str
) -> None:
    server = paged_server(3)
    toolkit = make_toolkit(server, plugins=[_plugin({"broken": factory})])
    Keeper.made.clear()
    with pytest.raises(PluginError) as info:
        toolkit.export(PROJECT_ID, ["keep:first", "broken:x"])
    separator = "" if problem.startswith(":") else " "
    assert (
        str(info.value) == f"plugin acme's sink factory for 'broken'{separator}{problem} {ADVICE}"
    )
    assert server.requests == []
    assert [sink.state for sink in Keeper.made] == ["aborted"]  # nothing stays open


def test_a_factory_that_raises_names_the_plugin(make_toolkit, paged_server) -> None:
    def exits(target: str, options: Mapping[str, str]) -> Any:
        raise SystemExit(3)

    server = paged_server(3)
    toolkit = make_toolkit(server, plugins=[_plugin({"exits": exits})])
    with pytest.raises(PluginError) as info:
        toolkit.export(PROJECT_ID, ["exits:x"])
    assert (
        str(info.value) == f"plugin acme's sink factory for 'exits' raised SystemExit: 3 {ADVICE}"
    )
    assert server.requests == []


def test_a_factory_refusing_its_target_stays_a_usage_error(make_toolkit, paged_server) -> None:
    def refuses(target: str, options: Mapping[str, str]) -> Any:
        raise ValueError("sink 'picky' needs a file, e.g. picky:out.txt")

    toolkit = make_toolkit(paged_server(1), plugins=[_plugin({"picky": refuses})])
    with pytest.raises(ConfigurationError) as info:
        toolkit.export(PROJECT_ID, ["picky:"])
    assert type(info.value) is ConfigurationError
    assert str(info.value) == "sink 'picky' needs a file, e.g. picky:out.txt"


def test_a_ready_sink_that_skipped_base_init_is_refused_naming_its_place(
    make_toolkit, paged_server
) -> None:
    server = paged_server(3)
    toolkit = make_toolkit(server)
    with pytest.raises(ParameterError) as info:
        toolkit.export(PROJECT_ID, ["out.jsonl", ForgetsInit("x", {})])
    assert str(info.value) == (
        "sinks[1]: ForgetsInit is not initialised (does its __init__ call super().__init__(label)?)"
    )
    assert server.requests == []


_CLI_PLUGIN = """
from ionworks_toolkit import BaseSink, hookimpl

class ForgetsInit(BaseSink):
    def __init__(self, target, options):
        self.target = target

class Plugin:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("retnone", lambda target, options: None)
        register("noinit", ForgetsInit)

plugin = Plugin()
"""


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "retnone:x",
            "error: plugin bad's sink factory for 'retnone' returned None, not a Sink with "
            "write(records), commit() and abort() (switch it off with --disable-plugin bad)\n",
        ),
        (
            "noinit:x",
            "error: plugin bad's sink factory for 'noinit': ForgetsInit is not initialised (does "
            "its __init__ call super().__init__(label)?) (switch it off with --disable-plugin "
            "bad)\n",
        ),
    ],
)
def test_the_cli_exits_2_naming_the_plugin(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    target: str,
    message: str,
) -> None:
    install_plugin(monkeypatch, tmp_path, "bad", _CLI_PLUGIN)
    result = _export_nasa(runner, target, "ok.jsonl")
    assert (result.exit_code, result.stderr) == (2, message)
    assert not Path("ok.jsonl").exists()


# ------------------------------------------------------------------ H7: SystemExit from sink code


def test_system_exit_0_from_a_plugin_write_is_a_sink_error_naming_the_plugin(
    make_toolkit, paged_server
) -> None:
    made: list[Exits] = []

    def exits(target: str, options: Mapping[str, str]) -> Exits:
        made.append(Exits(target, "write", SystemExit(0)))
        return made[-1]

    toolkit = make_toolkit(paged_server(3), plugins=[_plugin({"exits": exits})])
    with pytest.raises(SinkError) as info:
        toolkit.export(PROJECT_ID, ["exits:x"])
    assert str(info.value) == (
        "sink exits:x failed: SystemExit: 0 (plugin acme's sink raised SystemExit: a sink's "
        "code may not end the program; it fails by raising an Exception; switch it off with "
        "disable_plugins=['acme'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme)"
    )
    assert isinstance(info.value.__cause__, SystemExit)
    (sink,) = made
    assert (sink.state, sink.aborted) == ("aborted", 1)
    assert getattr(sink, SINK_PLUGIN) == "acme"


class Stop(BaseException):
    """A BaseException of a plugin's own (not an Exception)."""


@pytest.mark.parametrize(
    ("step", "error", "shown"),
    [
        ("prepare", SystemExit(), "SystemExit"),
        ("commit", SystemExit("bye"), "SystemExit: bye"),
        ("write", GeneratorExit(), "GeneratorExit"),
        ("write", Stop("own"), "Stop: own"),
    ],
)
def test_every_step_of_a_ready_sink_names_its_class(
    make_toolkit, paged_server, step: str, error: BaseException, shown: str
) -> None:
    sink = Exits("y", step, error)
    other = Keeper("z", {})
    toolkit = make_toolkit(paged_server(2))
    with pytest.raises(SinkError) as info:
        toolkit.export(PROJECT_ID, [sink, other])  # failing first: the other one unpublished
    assert str(info.value) == (
        f"sink exits:y failed: {shown} (its code "
        f"(test_plugin_sink_factory_results.Exits) raised {type(error).__name__}: a sink's "
        "code may not end the program; it fails by raising an Exception)"
    )
    assert (sink.state, other.state) == ("aborted", "aborted")


def test_a_keyboard_interrupt_from_sink_code_stays_an_interrupt(make_toolkit, paged_server) -> None:
    sink = Exits("y", "write", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        make_toolkit(paged_server(2)).export(PROJECT_ID, [sink])
    assert sink.state == "aborted"


def test_system_exit_from_abort_or_describe_is_reported_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    aborting = Exits("a", "abort", SystemExit(2))
    caplog.set_level(logging.WARNING, logger="ionworks_toolkit.http")
    abort_sinks([("exits:a", aborting)])  # returns: the run's own error stays the one raised
    assert aborting.abort_left == "its abort failed (SystemExit); output state unknown"
    describing = Exits("d", "describe", SystemExit(0))
    describing.commit()
    assert (
        describe_sink("exits:d", describing)
        == "committed exits:d (its describe() raised SystemExit)"
    )
    assert [record.getMessage() for record in caplog.records] == [
        "could not abort sink exits:a (SystemExit: 2)",
        "sink exits:d was committed, but its describe() raised SystemExit: 0",
    ]


def test_write_page_names_the_plugin_through_a_wrapper() -> None:
    class Wrapper:  # as the CLI's progress-bar wrapper: attributes passed on
        def __init__(self, sink: Any) -> None:
            self.wrapped = sink

        def __getattr__(self, name: str) -> Any:
            return getattr(self.wrapped, name)

    plain = Exits("p", "write", SystemExit(0))
    with pytest.raises(SinkError) as info:
        write_page([("exits:p", Wrapper(plain))], [{"id": "m-1"}])
    assert "(its code (test_plugin_sink_factory_results.Exits) raised SystemExit" in str(info.value)
    named = Exits("n", "write", SystemExit(0))
    setattr(named, SINK_PLUGIN, "acme")
    with pytest.raises(SinkError) as info:
        write_page([("exits:n", Wrapper(named))], [{"id": "m-1"}])
    assert "(plugin acme's sink raised SystemExit: " in str(info.value)


_EXIT_PLUGIN = """
from pathlib import Path
from ionworks_toolkit import BaseSink, hookimpl

class ExitSink(BaseSink):
    stages_output = True

    def __init__(self, target, options):
        super().__init__(f"bad:{target}")

    def _write(self, records):
        raise SystemExit(0)

    def _commit(self):
        pass

    def _abort(self):
        pass

class Plugin:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("bad", ExitSink)

plugin = Plugin()
"""


@pytest.mark.sandbox
def test_the_cli_exits_6_when_a_plugin_write_raises_system_exit_0(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(monkeypatch, tmp_path, "bad", _EXIT_PLUGIN)
    result = _export_nasa(runner, "bad:we.out", "we.jsonl")
    assert (result.exit_code, result.stderr) == (
        6,
        "sink error: sink bad:we.out failed: SystemExit: 0 (plugin bad's sink raised "
        "SystemExit: a sink's code may not end the program; it fails by raising an Exception; "
        "switch it off with --disable-plugin bad) (rolled back (previous output kept): "
        "bad:we.out; nothing written (no previous output to keep): we.jsonl)\n",
    )
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["breakit_plugin_bad.py"]
