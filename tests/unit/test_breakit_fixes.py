"""Faults a newcomer/break-it pass found (round three), one section per kind of fault; each
test turns the input that broke into an exact assertion."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ionworks_toolkit import BaseSink
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import SinkError
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread
from ionworks_toolkit.sinks import CsvSink
from loopback import by_project_pages

NASA = "NASA PCoE Li-ion battery aging"
PROJECT_ID = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"
OFFLINE = ["--api-url", "http://127.0.0.1:9", "--api-key", "unused"]


def install_plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, code: str) -> None:
    """Make ``code`` (a module defining ``plugin``) an installed entry-point plugin ``name``."""
    module = f"breakit_plugin_{name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = metadata.EntryPoint(name=name, value=f"{module}:plugin", group="ionworks_toolkit")
    real = metadata.entry_points

    def entry_points(**kwargs: Any) -> Any:
        if kwargs.get("group") == "ionworks_toolkit":
            return metadata.EntryPoints([entry])
        return real(**kwargs)

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    monkeypatch.delitem(sys.modules, module, raising=False)


# --------------------------------------------------------------------------------------
# 1. A plugin sink that writes straight to its target is never reported as rolled back
# --------------------------------------------------------------------------------------


class DirectSink(BaseSink):
    """Writes every page straight into its target (no staging): abort cannot undo it."""

    def __init__(self, target: str, options: Mapping[str, str]) -> None:
        super().__init__(f"direct:{target}")
        self.path = Path(target)

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.writelines(f"{record['id']}\n" for record in records)

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


class PrepareFails(CsvSink):
    def _prepare(self) -> None:
        raise OSError("fsync refused")


def test_a_direct_writing_plugin_sink_is_reported_as_unknown_not_rolled_back(
    make_toolkit: Any, paged_server: Any, tmp_path: Path
) -> None:
    (tmp_path / "direct.txt").write_text("previous\n")
    (tmp_path / "b.csv").write_text("keep\n")
    # The file fails while preparing: a failing rename would come after the plugin's commit
    # (files published by a rename are committed last, FINDINGS11 L2).
    sinks = [PrepareFails(tmp_path / "b.csv"), DirectSink(str(tmp_path / "direct.txt"), {})]
    toolkit = make_toolkit(paged_server(3))
    with pytest.raises(SinkError):
        toolkit.export(PROJECT_ID, sinks)
    # The plugin did write into its target: the toolkit must not claim it was kept.
    assert (tmp_path / "direct.txt").read_text() == "previous\nm-0\nm-1\nm-2\n"
    assert (tmp_path / "b.csv").read_text() == "keep\n"
    assert sink_outcome([(s.label, s) for s in sinks]) == (
        f"rolled back (previous output kept): csv:{tmp_path}/b.csv; aborted, output state "
        "unknown (the sink does not stage its output; it may have written to its target "
        f"directly): direct:{tmp_path}/direct.txt"
    )
    assert sinks[1].describe() == (
        f"aborted: direct:{tmp_path}/direct.txt got 3 records; output state unknown (the sink "
        "does not declare stages_output: it may have written to its target directly)"
    )
    assert sinks[0].describe() == (
        f"aborted: csv:{tmp_path}/b.csv left unchanged (3 records discarded)"
    )


def test_a_sink_without_state_or_staging_is_never_said_to_be_rolled_back() -> None:
    class Bare:
        label = "bare:x"

    class Declared(DirectSink):
        stages_output = True

    declared = Declared("y", {})
    declared.abort()
    assert sink_outcome([("bare:x", Bare()), ("direct:y", declared)]) == (
        "rolled back (previous output kept): direct:y; aborted, output state unknown (the "
        "sink does not stage its output; it may have written to its target directly): bare:x"
    )


_DIRECT_PLUGIN = """
from pathlib import Path
from ionworks_toolkit import BaseSink, hookimpl

class Direct(BaseSink):
    def __init__(self, target, options):
        super().__init__(f"direct:{target}")
        self.path = Path(target)
    def _write(self, records):
        with self.path.open("a") as fh:
            fh.writelines(r["id"] + "\\n" for r in records)
    def _prepare(self):
        raise KeyboardInterrupt
    def _commit(self):
        pass
    def _abort(self):
        pass

class Plugin:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("direct", Direct)

plugin = Plugin()
"""


def test_an_interrupt_never_says_nothing_was_written_over_a_direct_writing_sink(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_plugin(monkeypatch, tmp_path, "direct", _DIRECT_PLUGIN)
    (tmp_path / "ids.txt").write_text("previous\n")
    result = runner.invoke(
        main,
        ["--sandbox", "measurements", "list", NASA, "--limit", "3", "--sink", "direct:ids.txt"],
    )
    assert result.exit_code == 130, result.output
    assert result.stderr == (
        "interrupted: aborted, output state unknown (the sink does not stage its output; it "
        "may have written to its target directly): direct:ids.txt\n"
    )
    assert len((tmp_path / "ids.txt").read_text().splitlines()) == 4


# --------------------------------------------------------------------------------------
# 3. The limit note over several projects names the per-project limit and the projects
# --------------------------------------------------------------------------------------


def test_all_projects_says_the_limit_is_per_project(
    cli_list: Callable[..., Any], sandbox_url: str
) -> None:
    result = cli_list(sandbox_url, "--all-projects", "--sink", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "wrote 100 records to jsonl:out.jsonl",
        "listed 100 of 466 measurements from 5 projects (the default --limit 25 per project "
        "cut 4 of them short; use --all for every measurement)",
    ]


def test_several_projects_name_only_those_the_limit_cut(
    cli_list: Callable[..., Any], sandbox_url: str
) -> None:
    result = cli_list(
        sandbox_url,
        "Severson 2019 fast-charging cycle life",
        NASA,
        "--limit",
        "40",
        "--sink",
        "out.jsonl",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[1] == (
        "listed 74 of 162 measurements from 2 projects (--limit 40 per project cut 1 of them "
        "short; use --all for every measurement)"
    )
    every = cli_list(sandbox_url, "--all-projects", "--limit", "1000", "--sink", "a.jsonl")
    assert every.stderr.splitlines() == ["wrote 466 records to jsonl:a.jsonl"]


def test_all_projects_warns_about_each_projects_lying_total(cli_list: Callable[..., Any]) -> None:
    """Newcomer pass: with totals 50 too low, --all-projects printed no warning (a single
    project run does) and summed the lying totals into "listed 120 of 282"."""
    with run_in_thread(SandboxOptions(total_offset=-50)) as server:
        result = cli_list(server.base_url, "--all-projects", "--limit", "30", "--sink", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "wrote 120 records to jsonl:out.jsonl",
        "listed 120 measurements from 5 projects (--limit 30 per project cut 4 of them short; "
        "use --all for every measurement)",
        "warning: the server reported total 0 for project 36c391ba-f0d6-5cbc-be8f-435c8275c5eb "
        "but 30 records came back",
        "warning: the server reported total 21 for project cfe085f9-20ba-5273-8a4d-2c958cbf865e "
        "but 30 records came back",
    ]


# --------------------------------------------------------------------------------------
# 5. Totals the server gets wrong are warned about, truthfully
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "shown"),
    [(-5, "-5 (a negative number)"), ("34", "'34' (a string)"), (2.5, "2.5 (a number)")],
)
def test_an_unusable_total_is_warned_about_once(
    cli_list: Callable[..., Any], total: Any, shown: str
) -> None:
    with by_project_pages(30, total) as server:
        result = cli_list(
            server.url,
            PROJECT_ID,
            "--limit",
            "20",
            "--page-size",
            "5",
            "--sink",
            "out.jsonl",
        )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: the server sent total {shown}, not a count of records; ignored (the walk "
        "ends at the first empty page, or at a short one once a page has shown how many the "
        "server sends)",
        "wrote 20 records to jsonl:out.jsonl",
        "listed the first 20 measurements (--limit 20; use --all for every measurement)",
    ]


def test_a_total_below_the_records_received_with_a_limit_is_warned_about(
    cli_list: Callable[..., Any],
) -> None:
    with by_project_pages(30, 4) as server:
        result = cli_list(server.url, PROJECT_ID, "--limit", "10", "--sink", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "wrote 10 records to jsonl:out.jsonl",
        "listed the first 10 measurements (--limit 10; use --all for every measurement)",
        "warning: the server reported total 4 but 10 records came back",
    ]


def test_the_python_api_logs_an_unusable_total(
    make_toolkit: Any, paged_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    toolkit = make_toolkit(paged_server(7, total="34"))
    with caplog.at_level("WARNING", logger="ionworks_toolkit.http"):
        items = list(toolkit.iter_measurements_by_project(PROJECT_ID, page_size=3))
    assert len(items) == 7
    assert caplog.messages == [
        "the server sent total '34' (a string), not a count of records; ignored (the "
        "walk ends at the first empty page, or at a short one once a page has shown how many "
        "the server sends)"
    ]


# --------------------------------------------------------------------------------------
# 4. --filter never silently beats an explicit option (nor two spellings in Python)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--order-by", "name", "--filter", "order_by=cycler"],
            "error: --order-by and --filter order_by=... both set the API parameter order_by; "
            "give it once\n",
        ),
        (
            ["--contains", "spec_name=NCR", "--filter", "spec_name=eq.x"],
            "error: --contains spec_name=... and --filter spec_name=... both set the API "
            "parameter spec_name; give it once\n",
        ),
        (
            ["--filter", "name=eq.a", "--filter", "name=eq.b"],
            "error: --filter name=... and --filter name=... both set the API parameter name; "
            "give it once\n",
        ),
    ],
)
def test_two_sources_of_one_parameter_are_refused_before_any_request(
    runner: CliRunner, arguments: list[str], message: str
) -> None:
    result = runner.invoke(main, [*OFFLINE, "measurements", "list", PROJECT_ID, *arguments])
    assert result.exit_code == 2
    assert result.stderr == message


def test_filter_help_states_the_rule(runner: CliRunner) -> None:
    result = runner.invoke(main, ["measurements", "list", "--help"], terminal_width=200)
    assert (
        "A parameter set by an option, --contains or another --filter too is an error; "
        "presets are overridden." in " ".join(result.stdout.split())
    )


def test_two_spellings_of_one_parameter_are_refused_in_python(make_toolkit: Any) -> None:
    from ionworks_toolkit.errors import ParameterError

    server_calls: list[Any] = []
    toolkit = make_toolkit(server_calls.append)
    with pytest.raises(ParameterError) as info:
        list(
            toolkit.iter_measurements_by_project(
                PROJECT_ID, order_by="name", **{"orderby": "cycler"}
            )
        )
    assert str(info.value) == (
        "filter: 'order_by' and 'orderby' both set the API parameter 'order_by'; give it once"
    )
    assert info.value.parameter == "order_by"
    assert server_calls == []


# --------------------------------------------------------------------------------------
# 6. Naive instants: one rule for the command line and Python (refused, UTC assumed nowhere)
# --------------------------------------------------------------------------------------


def test_a_naive_time_on_the_command_line_is_refused_before_any_request(
    runner: CliRunner,
) -> None:
    result = runner.invoke(
        main,
        [*OFFLINE, "measurements", "list", PROJECT_ID, "--start-time-gt", "2019-01-24T00:00:00"],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --start-time-gt: start_time_gt='2019-01-24T00:00:00' has no time zone; add Z "
        "for UTC or an offset, e.g. '2019-01-24T00:00:00Z' (UTC is assumed nowhere)\n"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2019-01-24",
            "filter: created_at_lt='2019-01-24' has no time zone; add Z for UTC or an offset, "
            "e.g. '2019-01-24T00:00:00Z' (UTC is assumed nowhere)",
        ),
        (
            __import__("datetime").datetime(2019, 1, 24),
            "filter: created_at_lt='2019-01-24T00:00:00' has no time zone; give an aware "
            "datetime (UTC is assumed nowhere)",
        ),
    ],
)
def test_a_naive_time_in_python_is_refused_the_same_way(
    make_toolkit: Any, value: Any, message: str
) -> None:
    from ionworks_toolkit.errors import ParameterError

    calls: list[Any] = []
    toolkit = make_toolkit(calls.append)
    with pytest.raises(ParameterError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, created_at_lt=value))
    assert str(info.value) == message
    assert calls == []
    aware = "2019-01-24T01:00:00+01:00"
    assert toolkit.resolve_filters(filters={"created_at_lt": aware}) == {"created_at_lt": aware}


# --------------------------------------------------------------------------------------
# 7. Wrong Python API arguments: a typed error naming the argument, before any request
# --------------------------------------------------------------------------------------

NASA_ID = "36c391ba-f0d6-5cbc-be8f-435c8275c5eb"

ARGUMENT_CASES = [
    (
        lambda tk: list(tk.iter_measurements_by_project(123)),
        "ArgumentTypeError",
        "project must be a project name or id (str) or None (IONWORKS_PROJECT_ID); got an int: 123",
    ),
    (
        lambda tk: tk.to_arrow(1),
        "ArgumentTypeError",
        "project must be a project name or id (str) or None (IONWORKS_PROJECT_ID); got an int: 1",
    ),
    (
        lambda tk: tk.export(NASA_ID, "m.csv"),
        "ArgumentTypeError",
        "sinks must be a list of sink targets or Sink objects; got a str: 'm.csv' (write "
        "['m.csv'])",
    ),
    (
        lambda tk: tk.export(NASA_ID, []),
        "ParameterError",
        "sinks is empty: give at least one sink target, e.g. ['measurements.db'] or "
        "['jsonl:-'] (`ionworks-toolkit sinks list` shows them all)",
    ),
    (
        lambda tk: tk.export(NASA_ID, ["a.jsonl", 5]),
        "ArgumentTypeError",
        "sinks[1] must be a sink target (str or path) or a Sink (write, commit, abort); "
        "got an int: 5",
    ),
    (
        lambda tk: tk.export(5, ["a.jsonl"]),
        "ArgumentTypeError",
        "project must be a project name or id (str), a list of them, or None "
        "(IONWORKS_PROJECT_ID); got an int: 5",
    ),
    (
        lambda tk: tk.export([NASA_ID, 7], ["a.jsonl"]),
        "ArgumentTypeError",
        "project[1] must be a project name or id (str); got an int: 7",
    ),
    (
        lambda tk: tk.export_projects([]),
        "ParameterError",
        "sinks is empty: give at least one sink target, e.g. ['measurements.db'] or "
        "['jsonl:-'] (`ionworks-toolkit sinks list` shows them all)",
    ),
    (
        lambda tk: list(tk.iter_measurements_by_project(NASA_ID, name=5)),
        "ArgumentTypeError",
        "filter: name=5 is an int; name takes text: a value or an operator, e.g. "
        "name='eq.5' or contains('5')",
    ),
    (
        lambda tk: list(tk.iter_measurements_by_project(NASA_ID, presets="lfp-cathode")),
        "ArgumentTypeError",
        "presets must be a list of preset names; got a str: 'lfp-cathode' (write ['lfp-cathode'])",
    ),
    (
        lambda tk: list(tk.iter_measurements_by_project(NASA_ID, max_records="5")),
        "ArgumentTypeError",
        "max_records must be a whole number >= 0, or None (every record); got a str: '5'",
    ),
    (
        lambda tk: list(tk.iter_measurements_by_project(NASA_ID, max_records=-1)),
        "ParameterError",
        "max_records=-1 must be >= 0 (or None: every record)",
    ),
    (
        lambda tk: list(tk.iter_measurements_by_project(NASA_ID, page_size=True)),
        "ArgumentTypeError",
        "page_size must be a whole number 1..1000, or None (the settings' page size); got a "
        "bool: True",
    ),
    (
        lambda tk: tk.export([NASA_ID], ["a.jsonl"], concurrency="4"),
        "ArgumentTypeError",
        "concurrency must be a whole number >= 1; got a str: '4'",
    ),
]


@pytest.mark.parametrize(("call", "kind", "message"), ARGUMENT_CASES)
def test_a_wrong_argument_is_named_before_any_request(
    make_toolkit: Any, tmp_path: Path, call: Any, kind: str, message: str
) -> None:
    from ionworks_toolkit import errors

    requests: list[Any] = []
    toolkit = make_toolkit(requests.append)
    with pytest.raises(errors.ParameterError) as info:
        call(toolkit)
    assert type(info.value).__name__ == kind
    assert str(info.value) == message
    assert isinstance(info.value, TypeError) == (kind == "ArgumentTypeError")
    assert requests == []
    assert list(tmp_path.iterdir()) == []  # no sink output either


async def test_the_async_toolkit_checks_the_same_arguments(make_async_toolkit: Any) -> None:
    from ionworks_toolkit import ArgumentTypeError

    requests: list[Any] = []
    async with make_async_toolkit(requests.append) as toolkit:
        with pytest.raises(ArgumentTypeError, match=r"^sinks must be a list"):
            await toolkit.export(NASA_ID, "m.csv")
        with pytest.raises(ArgumentTypeError, match=r"^prefetch must be a whole number 1\.\.32"):
            async for _ in toolkit.iter_measurements_by_project(NASA_ID, prefetch="2"):
                pass
    assert requests == []


# --------------------------------------------------------------------------------------
# 8. Sink options are checked before any request (table: columns, a missing rich)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "column"),
    [
        (["--sink", "table:?columns=nmae,instance.name"], "'nmae' (did you mean name?)"),
        (
            ["--columns", "name,test_setup.cycler,speciification.name"],
            "'speciification.name' (did you mean specification.name, specification.notes, "
            "specification.id?)",
        ),
    ],
)
def test_a_mistyped_table_column_fails_before_any_request(
    cli_list: Callable[..., Any], arguments: list[str], column: str
) -> None:
    with by_project_pages(3, 3) as server:
        result = cli_list(server.url, PROJECT_ID, *arguments)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: table: CellMeasurementWithDetails has no column {column}; give declared "
        "columns (`ionworks-toolkit measurements list --help`, README 'Columns and types') or "
        "paths inside a JSON column such as test_setup.cycler\n"
    )
    assert server.requests == []


def test_table_columns_are_checked_against_the_runs_own_schema(
    runner: CliRunner, cli_list: Callable[..., Any], sandbox_url: str
) -> None:
    base = ["--api-url", sandbox_url, "--api-key", "sandbox", "projects", "list"]
    good = runner.invoke(main, [*base, "--sink", "table:?columns=name,organization_id"])
    assert good.exit_code == 0, good.output
    assert "organization_id" in good.stdout
    bad = runner.invoke(main, [*base, "--sink", "table:?columns=instance.name"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: table: Project has no column 'instance.name'")
    several = cli_list(
        sandbox_url, "--all-projects", "--limit", "1", "--columns", "project_id,name"
    )
    assert several.exit_code == 0, several.output


def test_a_table_sink_without_rich_fails_before_any_request(
    cli_list: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)  # import rich raises ImportError
    with by_project_pages(3, 3) as server:
        result = cli_list(server.url, PROJECT_ID, "--sink", "table:")
    assert result.exit_code == 2
    assert result.stderr == "error: sink 'table' needs rich: pip install rich\n"
    assert server.requests == []


def test_install_hints_name_packages_in_a_vendored_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    from ionworks_toolkit.sinks import _base, install_hint

    assert install_hint("parquet", "pyarrow") == 'pip install "ionworks-toolkit[parquet]"'
    assert install_hint(None, "rich") == "pip install rich"
    monkeypatch.setattr(_base, "__name__", "acme_lab._vendor.ionworks_toolkit.sinks._base")
    assert install_hint("parquet", "pyarrow") == "pip install pyarrow"
    assert install_hint("postgres", "psycopg[binary]") == 'pip install "psycopg[binary]"'
    assert install_hint("dataset", "pyarrow", "fsspec") == "pip install pyarrow fsspec"


# --------------------------------------------------------------------------------------
# 9. Plugin warnings once; a raising request hook: exit 2, documented
# --------------------------------------------------------------------------------------

_CLASHING_PLUGIN = """
from ionworks_toolkit import hookimpl

class Plugin:
    @hookimpl
    def ionworks_register_sinks(self, register):
        register("csv", lambda target, options: None)

    @hookimpl
    def ionworks_request(self, request):
        raise RuntimeError("hook boom")

plugin = Plugin()
"""


def test_a_plugin_warning_is_printed_once_and_a_raising_hook_exits_2(
    cli_list: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sandbox_url: str,
) -> None:
    install_plugin(monkeypatch, tmp_path, "clash", _CLASHING_PLUGIN)
    result = cli_list(sandbox_url, NASA, "--limit", "2", "--sink", "out.jsonl")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "warning: plugin clash registered sink 'csv' under a built-in sink name: not "
        "registered (built-in names win); give it another name",
        "error: plugin clash's ionworks_request hook raised RuntimeError: hook boom (switch it "
        "off with --disable-plugin clash)",
    ]
    assert not (tmp_path / "out.jsonl").exists()
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "| 2 | usage, validation or plugin error (" in readme
    assert "a plugin hook that raises, e.g. `plugin acme's ionworks_request hook raised" in readme


def test_quiet_keeps_warnings_and_they_are_printed_once(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sandbox_url: str
) -> None:
    install_plugin(monkeypatch, tmp_path, "clash", _CLASHING_PLUGIN)
    result = runner.invoke(
        main,
        [
            "-q",
            "--api-url",
            sandbox_url,
            "--api-key",
            "sandbox",
            "--disable-plugin",
            "x",
            "sinks",
            "list",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("under a built-in sink name") == 1


# --------------------------------------------------------------------------------------
# 12. -v configures logging once, however often the command runs in one process
# --------------------------------------------------------------------------------------


def test_configure_logging_is_idempotent_and_undone() -> None:
    import logging

    from ionworks_toolkit.cli import _configure_logging

    log = logging.getLogger("ionworks_toolkit")
    before = (list(log.handlers), log.level)
    undo_first = _configure_logging(True)
    undo_second = _configure_logging(True)
    assert len(log.handlers) == len(before[0]) + 1
    assert log.level == logging.DEBUG
    undo_second()
    undo_first()
    assert (list(log.handlers), log.level) == before


def test_verbose_runs_in_one_process_do_not_pile_up_handlers(
    runner: CliRunner, sandbox_url: str
) -> None:
    import logging

    log = logging.getLogger("ionworks_toolkit")
    before = len(log.handlers)
    for _ in range(3):
        result = runner.invoke(
            main,
            [
                "-v",
                "--api-url",
                sandbox_url,
                "--api-key",
                "sandbox",
                "projects",
                "list",
                "--sink",
                "jsonl:-",
            ],
        )
        assert result.exit_code == 0, result.output
        assert len(log.handlers) == before
    lines = [line for line in result.stderr.splitlines() if "-> GET" in line]
    # One line per request of the last run: the 5 projects (GET /projects gives no total; a
    # short first page of 5 is no plausible cap, so it is the list's end: FINDINGS7 G31).
    assert [line.split("/projects", 1)[1] for line in lines] == [
        "?limit=1000&offset=0&order_by=created_at&order=desc",
    ], result.stderr


# --------------------------------------------------------------------------------------
# 10. IONWORKS_TOOLKIT_DISABLE_PLUGINS from .env is honoured; unknown names are warned about
# --------------------------------------------------------------------------------------


def test_disable_plugins_from_dotenv_is_honoured_and_unknown_names_warned(
    runner: CliRunner, tmp_path: Path, sandbox_url: str
) -> None:
    (tmp_path / ".env").write_text(
        "IONWORKS_TOOLKIT_DISABLE_PLUGINS=ionworks-presets,ionworks-sink\n"
    )
    result = runner.invoke(
        main, ["--api-url", sandbox_url, "--api-key", "sandbox", "plugins", "list", "--json"]
    )
    assert result.exit_code == 0, result.output
    status = {p["name"]: p["status"] for p in json.loads(result.stdout)}
    assert status == {
        "ionworks-auth": "loaded",
        "ionworks-presets": "disabled",
        "ionworks-sinks": "loaded",
    }
    assert result.stderr == (
        "warning: cannot switch off plugin 'ionworks-sink': there is no plugin of that name "
        "(did you mean ionworks-sinks?); plugins: ionworks-auth, ionworks-presets, "
        "ionworks-sinks\n"
    )


def test_the_environment_beats_dotenv_for_disabled_plugins(tmp_path: Path) -> None:
    from ionworks_toolkit.settings import load_settings

    (tmp_path / ".env").write_text("IONWORKS_TOOLKIT_DISABLE_PLUGINS=ionworks-presets\n")
    from_dotenv = load_settings(environ={}, working_dir=str(tmp_path))
    assert from_dotenv.disabled_plugins == ("ionworks-presets",)
    environ = {"IONWORKS_TOOLKIT_DISABLE_PLUGINS": "ionworks-sinks"}
    both = load_settings(environ=environ, working_dir=str(tmp_path), disable_plugins=["x"])
    assert both.disabled_plugins == ("ionworks-sinks", "x")


# --------------------------------------------------------------------------------------
# 11. projects list summary; one target per sink; bounded retries
# --------------------------------------------------------------------------------------


def test_projects_list_prints_its_summary(runner: CliRunner, sandbox_url: str) -> None:
    result = runner.invoke(
        main,
        [
            "--api-url",
            sandbox_url,
            "--api-key",
            "sandbox",
            "projects",
            "list",
            "--sink",
            "p.jsonl",
            "--sink",
            "p.db",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "wrote 5 records to jsonl:p.jsonl",
        "wrote 5 records to sqlite:p.db (table projects)",
    ]
    quiet = runner.invoke(
        main,
        [
            "-q",
            "--api-url",
            sandbox_url,
            "--api-key",
            "sandbox",
            "projects",
            "list",
            "--sink",
            "q.jsonl",
        ],
    )
    assert quiet.exit_code == 0 and quiet.stderr == ""


@pytest.mark.parametrize(
    ("first", "second", "destination"),
    [
        ("out.csv", "csv:./out.csv", "{tmp}/out.csv"),
        ("a.db", "sqlite:a.db?table=other", "{tmp}/a.db"),
        ("jsonl:same.txt", "csv:same.txt", "{tmp}/same.txt"),
        ("jsonl:-", "csv:-", "stdout"),
    ],
)
def test_two_sinks_on_one_target_are_refused_before_any_request(
    cli_list: Callable[..., Any],
    tmp_path: Path,
    first: str,
    second: str,
    destination: str,
) -> None:
    with by_project_pages(3, 3) as server:
        result = cli_list(server.url, PROJECT_ID, "--sink", first, "--sink", second)
    assert result.exit_code == 2
    shown = destination.format(tmp=tmp_path.resolve())
    assert result.stderr == (
        f"error: sinks {first} and {second} both write to {shown}; give each sink its own target\n"
    )
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


def test_devices_may_be_shared_by_sinks(make_toolkit: Any, paged_server: Any) -> None:
    result = make_toolkit(paged_server(2)).export(PROJECT_ID, ["jsonl:/dev/null", "csv:/dev/null"])
    assert result.records == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "1000000",
            "max_retries 1000000 is outside 0..20 (retries per request; 0 turns them "
            "off, default 5)",
        ),
        (
            "21",
            "max_retries 21 is outside 0..20 (retries per request; 0 turns them off, default 5)",
        ),
        ("-1", "max_retries -1 must be 0 or more"),
    ],
)
def test_max_retries_is_bounded(tmp_path: Path, value: str, message: str) -> None:
    from ionworks_toolkit.errors import ConfigurationError
    from ionworks_toolkit.settings import load_settings

    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"IONWORKS_TOOLKIT_MAX_RETRIES": value}, working_dir=str(tmp_path))
    assert str(info.value) == f"{message} (from IONWORKS_TOOLKIT_MAX_RETRIES in the environment)"
    edge = load_settings(environ={"IONWORKS_TOOLKIT_MAX_RETRIES": "20"}, working_dir=str(tmp_path))
    assert edge.max_retries == 20


@pytest.mark.parametrize("prefetch", [0, 33, 10**9])
async def test_prefetch_outside_1_to_32_is_refused_before_any_request(
    make_async_toolkit: Any, prefetch: int
) -> None:
    """FINDINGS6 F1: prefetch=2000 sent hundreds of requests past the end of a collection
    without a total; the async walks take 1..MAX_PREFETCH (32)."""
    from ionworks_toolkit import ParameterError
    from ionworks_toolkit.constants import MAX_PREFETCH

    assert MAX_PREFETCH == 32
    requests: list[Any] = []
    async with make_async_toolkit(requests.append) as toolkit:
        with pytest.raises(ParameterError) as caught:
            async for _ in toolkit.iter_measurements_by_project(NASA_ID, prefetch=prefetch):
                pass
        assert str(caught.value) == f"prefetch={prefetch} is outside 1..32"
        with pytest.raises(ParameterError) as caught:
            async for _ in toolkit.iter_project_pages(prefetch=prefetch):
                pass
        assert str(caught.value) == f"prefetch={prefetch} is outside 1..32"
    assert requests == []
