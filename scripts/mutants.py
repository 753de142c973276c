"""Mutation testing of the safety-critical modules (``nox -s mutants``; not a default session).

mutmut (https://mutmut.readthedocs.io) plants one small bug at a time (a flipped comparison, a
dropped ``not``, a changed constant, ``None`` for a value...) and runs the tests that cover the
mutated function; a mutant *survives* when they all still pass, i.e. no test protects what it
broke. Each group below pairs safety-critical modules with the fast tests relevant to them, so
a group runs in minutes instead of running the whole suite per mutant.

Usage::

    python scripts/mutants.py                    # every group
    python scripts/mutants.py pagination sinks   # some groups
    python scripts/mutants.py --list             # the groups, their modules and tests
    python scripts/mutants.py pagination --show-survivors   # with each survivor's diff
    python scripts/mutants.py --time-limit 20   # each group stopped after 20 min, reported

Each group runs in a fresh temporary copy of the repository (the package laid out as
``src/ionworks_toolkit``, the layout mutmut maps to module names), so the working tree is never
touched and groups never share mutmut's cache. Printed per module: mutants, killed, survived
(including "no tests": no selected test runs the mutated function), timeouts (counted as
killed: the bug was noticed; listed by name so a reader can judge them), the kill rate, and
every survivor's mutmut name; then each group's and the whole run's wall time. A mutant left
unchecked (an interrupted run, a worker that died) counts as not killed. Exit status 0 when
every module reaches ``--target`` percent (default 90), else 1.

Time: mutmut first runs the group's tests once to learn which tests call which function, then
runs, per mutant, only the tests that call the mutated function (fastest first, stopping at
the first failure). A surviving mutant costs the whole of those tests, so one slow test in a
group's selection is paid by every surviving mutant of every function it calls: keep the
selections fast (``--durations`` of pytest shows the slow ones). A mutant that makes a test
hang is stopped after ``(its tests' duration + TIMEOUT_CONSTANT) * TIMEOUT_MULTIPLIER`` seconds
of wall time (twice that in CPU time) and counts as killed (timeout).

Survivors judged *equivalent* (the mutant behaves exactly like the original, e.g. a changed
log message that no rule depends on) are listed in TESTING.md; every other
survivor is a missing test.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "ionworks_toolkit"
OFFLINE = [
    "--record-mode=none",
    "--block-network",
    "--allowed-hosts=127.0.0.1,localhost,::1",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:randomly",
    "-q",
]


@dataclass(frozen=True)
class Group:
    """Modules (paths under ``extensions/ionworks_toolkit``) and the tests that guard them."""

    modules: tuple[str, ...]
    tests: tuple[str, ...]


#: The safety-critical modules (issue 19) and their fast, relevant tests.
GROUPS: dict[str, Group] = {
    "auth": Group(
        ("auth.py",),
        (
            "tests/unit/test_core_auth.py",
            "tests/unit/test_core_security.py",
            "tests/unit/test_safety_rules.py",
            # Every encoded form of a secret (secret_pattern, _char_pattern, _hex) and the
            # HTTP libraries' log lines (redact_log_text, _RedactingFilter).
            "tests/unit/test_encoded_secrets.py",
            "tests/unit/test_library_log_redaction.py",
            "tests/unit/test_auth_survivors.py",
        ),
    ),
    "settings": Group(
        ("settings.py",),
        (
            "tests/unit/test_core_settings.py",
            "tests/unit/test_settings_resolution.py",
            "tests/unit/test_settings_sources.py",
            "tests/unit/test_core_security.py",
            "tests/unit/test_http_config.py",
            "tests/unit/test_safety_rules.py",
            "tests/unit/test_config_bom.py",  # a config file's byte-order mark (J13)
        ),
    ),
    "transport": Group(
        ("transport.py", "retries.py"),
        (
            "tests/unit/test_http_retries.py",
            "tests/unit/test_http_stack.py",
            "tests/unit/test_http_transport.py",
            "tests/unit/test_transport_survivors.py",
            "tests/unit/test_transport_reads.py",
            "tests/unit/test_response_lifetime.py",
            "tests/unit/test_proxy_failures.py",
            "tests/unit/test_connect_failures.py",
            "tests/unit/test_long_filter_value.py",
            "tests/unit/test_encoded_secrets.py",
            "tests/unit/test_core_security.py",
            "tests/unit/test_safety_rules.py",
        ),
    ),
    # The walk's rules are tested as exact request plans on fakes; the sandbox tests of the same
    # files (seconds each, with a server to start) add nothing a fake does not check.
    "pagination": Group(
        ("pagination.py",),
        (
            "tests/unit/test_page_walk.py",
            "tests/unit/test_core_pagination.py",
            "tests/unit/test_walk_past_total.py",
            "tests/unit/test_walk_survivors.py",
            "tests/unit/test_seen_ids.py",
            "tests/unit/test_overlapping_pages.py",
            "tests/unit/test_overlap_with_inserts.py",
            "tests/unit/test_walk_total_rose.py",  # the past-total warning's figure (F13)
            "tests/unit/test_walk_rising_total.py",  # the first total's bound (FINDINGS8 H18)
            "tests/unit/test_long_page_copies.py",  # copies take no offset (FINDINGS9 J1)
            "tests/unit/test_uncapped_no_total.py",  # an envelope without total (FINDINGS9 J12)
            # A part of a JSON-ready page keeps its records' raw lines, no others.
            "tests/unit/test_raw_lines.py::test_the_walk_keeps_the_lines_of_the_records_it_keeps",
            # The walk without a total past a short page (a capping server; FINDINGS6 F6).
            "tests/unit/test_project_lookup.py::"
            "test_a_walk_without_a_total_goes_past_a_first_page_shorter_than_asked",
            "tests/unit/test_project_lookup.py::test_the_async_walk_without_a_total_goes_past_the_cap_too",
            "tests/unit/test_project_lookup.py::test_max_records_below_a_short_page_asks_only_what_is_left",
            "tests/unit/test_project_lookup.py::"
            "test_a_server_ignoring_offset_without_a_total_ends_at_the_repeat_with_a_warning",
            "tests/unit/test_project_lookup.py::"
            "test_the_async_walk_ends_at_the_repeat_without_a_total_the_same",
            "tests/unit/test_project_lookup.py::"
            "test_a_short_first_page_of_no_round_size_ends_the_walk_below_max_records",
            "-m",
            "not sandbox",
        ),
    ),
    "parsing": Group(
        ("parsing.py",),
        (
            "tests/unit/test_parsing.py",
            "tests/unit/test_records_path.py",
            "tests/unit/test_uncapped_no_total.py",  # envelope=True (FINDINGS9 J12)
            "tests/unit/test_safety_rules.py::test_a_valid_total_is_kept",
            "tests/unit/test_safety_rules.py::test_an_invalid_total_is_unknown",
        ),
    ),
    "sink-base": Group(
        ("sinks/_base.py",),
        (
            "tests/unit/test_sink_base.py",
            "tests/unit/test_sinks.py",
            "tests/unit/test_sink_stdout_targets.py",
            "tests/unit/test_sink_edges.py",
            "tests/unit/test_sink_base_survivors.py",
            "tests/unit/test_closed_stdout.py::test_a_stream_counts_the_records_the_pipe_took_whole",
            "tests/unit/test_closed_stdout.py::"
            "test_a_page_the_pipe_took_whole_is_written_and_the_next_one_dropped",
            # Where a signal stops a sink at once; publishing's held signals (G22, G24).
            "tests/unit/test_publish_signals.py",
            # Streams' waits (FINDINGS7 G9, G10) and a page per write; their sandbox tests run
            # the CLI in a child, which no mutant reaches.
            "tests/unit/test_stream_signals.py",
            "tests/unit/test_csv_page_writes.py",
            # Targets checked before any request: unwritable folders named (F7, F8).
            "tests/unit/test_sink_targets_checked.py",
            "-m",
            "not sandbox",
        ),
    ),
    "sqlite": Group(
        ("sinks/_sqlite.py",),
        (
            "tests/unit/test_sink_sqlite.py",
            "tests/unit/test_hot_path.py",
            "tests/unit/test_sinks.py",
            "tests/unit/test_sink_edges.py",
            "tests/unit/test_sqlite_survivors.py",
            "tests/unit/test_sqlite_disk_full.py",  # a failed write's journal replayed (G23)
            # COMMIT waits for a reader's transaction, then names it (FINDINGS7 G17).
            "tests/unit/test_sqlite_readers.py",
            # A second signal in the COMMIT's wait for a reader rolls it back (G22).
            "tests/unit/test_publish_signals.py::"
            "test_a_signal_while_sqlite_waits_for_a_reader_rolls_it_back",
            # The reserved table names and the lookup of stored rows (FINDINGS7 G3, G8).
            "tests/unit/test_incremental_marks.py::test_the_sync_state_table_is_refused_as_a_data_table",
            "tests/unit/test_incremental_marks.py::test_names_near_the_reserved_one_are_data_tables",
            "tests/unit/test_incremental_marks.py::test_other_bad_names_keep_their_message",
            "tests/unit/test_incremental_marks.py::test_stored_values_looks_up_in_chunks",
            "tests/unit/test_incremental_marks.py::test_compare_reads_instants_and_content",
            # An incremental upsert never moves a row's updated_at back (FINDINGS7 G28).
            "tests/unit/test_incremental_rows.py::test_keep_newer_compares_instants_not_text",
            "tests/unit/test_incremental_rows.py::test_without_keep_newer_the_last_write_wins",
            "tests/unit/test_incremental_rows.py::"
            "test_keep_newer_holds_in_the_merge_into_a_database_created_meanwhile",
            "tests/unit/test_incremental_rows.py::"
            "test_keep_newer_needs_a_date_time_column_and_an_open_sink",
            # The item schema each table holds (F20) and the targets checked before any
            # request (a non-SQLite file, a foreign table: F8): their checks live here.
            "tests/unit/test_sqlite_item_schema.py",
            "tests/unit/test_sink_targets_checked.py",
            "tests/unit/test_sqlite_in_memory.py",  # sqlite::memory: refused (FINDINGS9 J3)
            "-m",
            "not sandbox",
        ),
    ),
    # Registration, clashes and resolving on the registry itself; the sandbox tests (what each
    # built-in preset selects) start a server per run and check the data, not presets.py.
    "presets": Group(
        ("presets.py",),
        (
            "tests/unit/test_preset_registry.py",
            "tests/unit/test_core_presets.py",
            "tests/unit/test_python_wording.py",
            "tests/unit/test_did_you_mean.py",
            "tests/unit/test_presets_survivors.py",
            "tests/unit/test_preset_definitions.py",  # FilterPreset's fields checked (J4)
            "tests/unit/test_safety_rules.py::test_a_preset_is_validated_against_its_own_operation",
            "tests/unit/test_safety_rules.py::test_a_broken_plugins_partial_presets_are_undone",
            "-m",
            "not sandbox",
        ),
    ),
    # What presets validation relies on: the spec's parameter table, value checks, operators.
    "parameters": Group(
        ("parameters.py", "filters.py"),
        (
            "tests/unit/test_parameters.py",
            "tests/unit/test_filters.py",
            "tests/unit/test_core_presets.py",
            "tests/unit/test_preset_registry.py",
            "tests/unit/test_python_wording.py",
            "tests/unit/test_did_you_mean.py",
            "tests/unit/test_python_api_types.py",
            "tests/unit/test_spec_drift.py",
            "tests/unit/test_parameters_survivors.py",
            "-m",
            "not sandbox",
        ),
    ),
}

#: mutmut's timeout: a hanging mutant is stopped after (duration of its tests + constant) *
#: multiplier seconds of wall time. mutmut's default multiplier (15) let a hang cost minutes;
#: 5 still leaves a loaded machine room before a slow (not hanging) run is called a timeout.
TIMEOUT_MULTIPLIER = 5.0
TIMEOUT_CONSTANT = 1.0

KILLED = {"killed", "timeout", "caught by type check"}
# A mutant left "not checked" counts as not killed: the rate never flatters an unfinished run.
NOT_COUNTED = {"skipped"}
RESULT_LINE = re.compile(r"^\s+(\S+): (.+)$")


def _config(group: Group, max_children: int) -> str:
    """The ``[tool.mutmut]`` table for ``group`` (TOML)."""

    def array(values: Sequence[str]) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    return (
        "\n[tool.mutmut]\n"
        f'source_paths = ["src/{PACKAGE}"]\n'
        f"only_mutate = {array([f'src/{PACKAGE}/{m}' for m in group.modules])}\n"
        f"pytest_add_cli_args = {array(OFFLINE)}\n"
        f"pytest_add_cli_args_test_selection = {array(group.tests)}\n"
        'also_copy = ["generated_client", "openapi", "scripts", "README.md", "conftest.py"]\n'
        "use_git_change_detection = false\n"
        f"timeout_multiplier = {TIMEOUT_MULTIPLIER}\n"
        f"timeout_constant = {TIMEOUT_CONSTANT}\n"
    )


def _prepare(workdir: Path, group: Group, max_children: int) -> None:
    """A copy of the repository under ``workdir``, the package at ``src/ionworks_toolkit``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv", ".nox", "mutants")
    shutil.copytree(ROOT / "extensions" / PACKAGE, workdir / "src" / PACKAGE, ignore=ignore)
    for name in ("tests", "generated_client", "openapi", "scripts"):
        shutil.copytree(ROOT / name, workdir / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, workdir / name)
    # Mutation-run-only hooks: subprocess tests deselected, a mutant's tests fastest first.
    shutil.copy2(ROOT / "scripts" / "mutants_conftest.py", workdir / "conftest.py")
    pyproject = workdir / "pyproject.toml"
    text = re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "", pyproject.read_text())
    pyproject.write_text(text + _config(group, max_children))


def _results(workdir: Path) -> dict[str, str]:
    """mutmut's verdict per mutant name (``mutmut results --all true``)."""
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {m.group(1): m.group(2).strip() for m in map(RESULT_LINE.match, out.splitlines()) if m}


def _module_of(mutant: str, group: Group) -> str:
    """``ionworks_toolkit.sinks._sqlite.x_f__mutmut_3`` -> ``sinks/_sqlite.py``."""
    for module in group.modules:
        dotted = f"{PACKAGE}." + module[: -len(".py")].replace("/", ".") + "."
        if mutant.startswith(dotted):
            return module
    return "?"


def _mutmut_run(workdir: Path, max_children: int, limit: float | None) -> tuple[int, str, bool]:
    """``mutmut run`` in ``workdir``: (exit status, output tail, stopped at ``limit`` seconds).

    mutmut saves each verdict as it comes, so a run stopped at the limit (its whole process
    group: the forked workers too) still reports what it checked; the rest stays "not checked".
    """
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stopped = False
        try:
            proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            stopped = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except BaseException:  # Ctrl-C: stop mutmut's workers too
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        log.seek(0)
        return proc.returncode, log.read()[-4000:], stopped


@dataclass(frozen=True)
class ModuleResult:
    """One module's figures from a group's run (``minutes``: the whole group's wall time)."""

    module: str
    group: str
    mutants: int
    killed: int
    survivors: tuple[str, ...]
    unchecked: int
    rate: float
    minutes: float
    cpu_minutes: float


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process (mutmut, its forked workers
    and their tests' subprocesses, as each was waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_group(
    name: str, group: Group, *, max_children: int, show: bool, limit: float | None = None
) -> list[ModuleResult]:
    """Run mutmut over one group (stopped after ``limit`` seconds if given); print and return
    each module's figures, unchecked mutants counted as not killed."""
    print(f"== {name}: {', '.join(group.modules)}  (tests: {' '.join(group.tests)})", flush=True)
    with tempfile.TemporaryDirectory(prefix=f"mutants-{name}-") as tmp:
        workdir = Path(tmp)
        _prepare(workdir, group, max_children)
        started = time.monotonic()
        cpu_before = _children_cpu()
        returncode, output, stopped = _mutmut_run(workdir, max_children, limit)
        elapsed = time.monotonic() - started
        cpu = _children_cpu() - cpu_before
        if returncode != 0 and not stopped:
            sys.stdout.write(output)
            raise SystemExit(f"mutmut run failed for group {name} (exit {returncode})")
        if stopped:
            print(
                f"   stopped at the time limit ({elapsed / 60:.1f} min): unchecked mutants "
                "count as not killed",
                flush=True,
            )
        verdicts = _results(workdir)
        rows: list[ModuleResult] = []
        for module in group.modules:
            mine = {k: v for k, v in verdicts.items() if _module_of(k, group) == module}
            counts = Counter(mine.values())
            counted = {k: v for k, v in mine.items() if v not in NOT_COUNTED}
            killed = sum(1 for v in counted.values() if v in KILLED)
            unchecked = sum(1 for v in counted.values() if v == "not checked")
            survivors = sorted(
                k for k, v in counted.items() if v not in KILLED and v != "not checked"
            )
            # No verdict at all: a run stopped before mutmut listed its mutants shows 0%.
            rate = 100.0 * killed / len(counted) if counted else (0.0 if stopped else 100.0)
            rows.append(
                ModuleResult(
                    module,
                    name,
                    len(counted),
                    killed,
                    tuple(t.rsplit(".", 1)[1] for t in survivors),
                    unchecked,
                    rate,
                    elapsed / 60,
                    cpu / 60,
                )
            )
            checked = len(counted) - unchecked
            print(
                f"{module}: {len(mine)} mutants, {killed} killed ({counts['timeout']} by "
                f"timeout), {len(survivors)} survived ({counts['no tests']} without a test), "
                f"{unchecked} not checked, {len(mine) - len(counted)} not counted; "
                f"kill rate {rate:.1f}%"
                + (
                    f" (of the {checked} checked: {100.0 * killed / checked:.1f}%)"
                    if unchecked and checked
                    else ""
                )
            )
            timeouts = sorted(k for k, v in counted.items() if v == "timeout")
            if timeouts:
                print(f"  killed by timeout: {', '.join(t.rsplit('.', 1)[1] for t in timeouts)}")
            for survivor in survivors:
                print(f"  survived: {survivor} ({counted[survivor]})")
                if show:
                    diff = subprocess.run(
                        [sys.executable, "-m", "mutmut", "show", survivor],
                        cwd=workdir,
                        capture_output=True,
                        text=True,
                    ).stdout
                    print("    " + diff.strip().replace("\n", "\n    "))
        print(
            f"   {name}: {elapsed / 60:.1f} min with {max_children} workers; CPU time "
            f"{cpu / 60:.1f} min (mutmut and its workers: what the group costs whatever the "
            "load)",
            flush=True,
        )
        return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", help=f"groups to run (default: all of {list(GROUPS)})")
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    parser.add_argument("--show-survivors", action="store_true", help="print each survivor's diff")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--target", type=float, default=90.0, help="kill rate to reach (percent)")
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="MINUTES",
        help="stop each group after this long and report what was checked (the rest counts "
        "as not killed)",
    )
    args = parser.parse_args(argv)
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; allowed: {', '.join(GROUPS)}")
    if args.list:
        for name, group in GROUPS.items():
            print(f"{name}: {', '.join(group.modules)}  <- {' '.join(group.tests)}")
        return 0
    rows: list[ModuleResult] = []
    started = time.monotonic()
    for name in args.groups or list(GROUPS):
        rows += run_group(
            name,
            GROUPS[name],
            max_children=args.max_children,
            show=args.show_survivors,
            limit=args.time_limit * 60 if args.time_limit else None,
        )
    print()
    print(_table(rows, args.target))
    survivors = [(row.module, s) for row in rows for s in row.survivors]
    print(f"== {len(survivors)} survivors (judged in TESTING.md)")
    for module, survivor in survivors:
        print(f"  {module}: {survivor}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"== total wall time {(time.monotonic() - started) / 60:.1f} min "
        f"({args.max_children} workers, {os.cpu_count()} CPUs; load average now {load})"
    )
    return 0 if all(row.rate >= args.target for row in rows) else 1


def _table(rows: Sequence[ModuleResult], target: float) -> str:
    """The per-module table: mutants, killed, survived, unchecked, kill rate, the group's wall
    and CPU minutes (a group of two modules shows its figures on both rows)."""
    lines = [
        f"{'module':<18} {'group':<11} {'mutants':>7} {'killed':>7} {'survived':>8} "
        f"{'unchecked':>9} {'kill rate':>9} {'group min':>9} {'CPU min':>7}"
    ]
    for row in rows:
        lines.append(
            f"{row.module:<18} {row.group:<11} {row.mutants:>7} {row.killed:>7} "
            f"{len(row.survivors):>8} {row.unchecked:>9} {row.rate:>8.1f}% {row.minutes:>9.1f} "
            f"{row.cpu_minutes:>7.1f}" + ("" if row.rate >= target else "  below target")
        )
    mutants = sum(row.mutants for row in rows)
    killed = sum(row.killed for row in rows)
    survived = sum(len(row.survivors) for row in rows)
    unchecked = sum(row.unchecked for row in rows)
    rate = 100.0 * killed / mutants if mutants else 100.0
    lines.append(
        f"{'all':<18} {'':<11} {mutants:>7} {killed:>7} {survived:>8} {unchecked:>9} {rate:>8.1f}%"
    )
    return "== kill rate per module\n" + "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
