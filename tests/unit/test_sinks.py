"""Unit tests for ionworks_toolkit.sinks: atomicity, schemas across pages, upserts, targets."""

from __future__ import annotations

import datetime
import enum
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit.sinks import (
    BUILTIN_SINK_DESCRIPTIONS,
    BUILTIN_SINKS,
    BaseSink,
    CsvSink,
    JsonlSink,
    Sink,
    SinkDependencyError,
    SinkRecordError,
    SinkStateError,
    SinkTarget,
    SinkTargetError,
    TableSink,
    flatten_record,
    open_sink,
    parse_sink_target,
)
from rich.console import Console
from sink_runs import export_pages

SCHEMES = ("csv", "dataset", "jsonl", "parquet", "postgres", "postgresql", "sqlite", "table")
ALLOWED = "allowed schemes: csv, dataset, jsonl, parquet, postgres, postgresql, sqlite, table"


def measurement(
    index: int,
    name: str,
    *,
    capacity: float = 1.1,
    energy: float | None = None,
    notes: str | None = None,
    cycles: int | float = 1000,
) -> dict[str, Any]:
    ratings: dict[str, Any] = {"capacity": {"value": capacity, "unit": "Ah"}}
    if energy is not None:
        ratings["energy"] = {"value": energy, "unit": "Wh"}
    return {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "name": name,
        "measurement_type": "time_series",
        "start_time": f"2017-05-12T10:{index:02d}:00+00:00",
        "specification": {
            "name": "A123 APR18650M1A",
            "ratings": ratings,
            "cathode": {"material": {"name": "LFP"}},
        },
        "instance": {"name": f"EL1508004605{index:02d}", "batch": "2017-05-12"},
        "notes": notes,
        "cycle_life": cycles,
    }


# --------------------------------------------------------------------------------------
# flatten_record
# --------------------------------------------------------------------------------------


def test_flatten_record_dotted_keys_in_order_lists_kept() -> None:
    record = {
        "id": "a",
        "specification": {"ratings": {"capacity": {"value": 1.1, "unit": "Ah"}}, "extra": {}},
        "tags": ["x", {"y": 1}],
        "notes": None,
    }
    assert flatten_record(record) == {
        "id": "a",
        "specification.ratings.capacity.value": 1.1,
        "specification.ratings.capacity.unit": "Ah",
        "tags": ["x", {"y": 1}],
        "notes": None,
    }
    assert list(flatten_record(record)) == [
        "id",
        "specification.ratings.capacity.value",
        "specification.ratings.capacity.unit",
        "tags",
        "notes",
    ]


def test_flatten_record_normalises_non_json_scalars() -> None:
    class Kind(enum.StrEnum):
        TS = "time_series"

    class Level(enum.IntEnum):
        HIGH = 3

    when = datetime.datetime(2017, 5, 12, 10, 1, tzinfo=datetime.UTC)
    flat = flatten_record(
        {
            "kind": Kind.TS,
            "level": Level.HIGH,
            "at": when,
            "day": when.date(),
            "id": uuid.UUID(int=1),
            "pair": (Kind.TS, when),
        }
    )
    assert flat == {
        "kind": "time_series",
        "level": 3,
        "at": "2017-05-12T10:01:00+00:00",
        "day": "2017-05-12",
        "id": "00000000-0000-0000-0000-000000000001",
        "pair": ["time_series", "2017-05-12T10:01:00+00:00"],
    }
    assert [type(v) for v in flat.values()] == [str, int, str, str, str, list]


def test_flatten_record_rejects_colliding_keys() -> None:
    with pytest.raises(ValueError, match=r"two fields flatten to the same column 'a\.b'"):
        flatten_record({"a.b": 1, "a": {"b": 2}})


# --------------------------------------------------------------------------------------
# Target parsing
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("out.csv", SinkTarget("csv", "out.csv", {})),
        ("exports/out.JSONL", SinkTarget("jsonl", "exports/out.JSONL", {})),
        ("x.ndjson", SinkTarget("jsonl", "x.ndjson", {})),
        ("catalog.db", SinkTarget("sqlite", "catalog.db", {})),
        ("catalog.sqlite", SinkTarget("sqlite", "catalog.sqlite", {})),
        (
            "catalog.sqlite3?table=cells",
            SinkTarget("sqlite", "catalog.sqlite3", {"table": "cells"}),
        ),
        ("out.parquet", SinkTarget("parquet", "out.parquet", {})),
        (r"C:\data\out.csv", SinkTarget("csv", r"C:\data\out.csv", {})),
        ("./odd:name.csv", SinkTarget("csv", "./odd:name.csv", {})),
        ("table:", SinkTarget("table", "", {})),
        ("table", SinkTarget("table", "", {})),
        ("table:?max_rows=5", SinkTarget("table", "", {"max_rows": "5"})),
        ("jsonl:-", SinkTarget("jsonl", "-", {})),
        ("JSONL:out.txt", SinkTarget("jsonl", "out.txt", {})),
        ("csv:out.txt", SinkTarget("csv", "out.txt", {})),
        (
            "sqlite:catalog.db?table=measurements&x=a%20b",
            SinkTarget("sqlite", "catalog.db", {"table": "measurements", "x": "a b"}),
        ),
    ],
)
def test_parse_sink_target(text: str, expected: SinkTarget) -> None:
    assert parse_sink_target(text, SCHEMES) == expected


def test_sink_target_str_round_trips() -> None:
    parsed = parse_sink_target("sqlite:catalog.db?table=my%26t&x=a%20b", SCHEMES)
    assert parsed.options == {"table": "my&t", "x": "a b"}
    assert str(parsed) == "sqlite:catalog.db?table=my%26t&x=a%20b"
    assert parse_sink_target(str(parsed), SCHEMES) == parsed


def test_parse_unknown_scheme_message() -> None:
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target("json:out.json", SCHEMES)
    assert str(info.value) == (
        f"unknown sink scheme 'json' in 'json:out.json'; did you mean jsonl? ({ALLOWED})"
    )
    assert isinstance(info.value, ValueError)


def test_parse_unknown_suffix_message() -> None:
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target("out.txt", SCHEMES)
    assert str(info.value) == (
        "cannot infer a sink from 'out.txt': no SCHEME: prefix and the suffix '.txt' is not "
        f"one of .csv, .db, .jsonl, .ndjson, .parquet, .sqlite, .sqlite3; {ALLOWED}"
    )


def test_parse_suffix_of_a_scheme_that_is_not_known() -> None:
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target("out.parquet", ["jsonl", "csv"])
    assert str(info.value) == (
        "cannot infer a sink from 'out.parquet': no SCHEME: prefix and the suffix '.parquet' "
        "is not one of .csv, .jsonl, .ndjson; allowed schemes: csv, jsonl"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"empty sink target; {ALLOWED}"),
        (
            "csv:out.csv?delimiter",
            "malformed option 'delimiter' in 'csv:out.csv?delimiter'; expected key=value (a "
            "'?' in a target starts its options: a file whose name holds '?' cannot be a target)",
        ),
        (
            "run?1.csv",  # FINDINGS11 L7: a file name holding '?'
            "malformed option '1.csv' in 'run?1.csv'; expected key=value (a '?' in a target "
            "starts its options: a file whose name holds '?' cannot be a target)",
        ),
        (
            "csv:out.csv?table=x&delimiter",  # an option given: no file-name hint
            "malformed option 'delimiter' in 'csv:out.csv?table=x&delimiter'; expected key=value",
        ),
        (
            "sqlite:a.db?table=x&table=y",
            "option 'table' given twice in 'sqlite:a.db?table=x&table=y'",
        ),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target(text, SCHEMES)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sqlite:c.db?tabel=x",
            "unknown option 'tabel' for sink 'sqlite'; did you mean table? (allowed options: "
            "table)",
        ),
        ("csv:out.csv?sep=;", "unknown option 'sep' for sink 'csv'; allowed options: formulas"),
        ("jsonl:-?pretty=1", "unknown option 'pretty' for sink 'jsonl'; allowed options: none"),
        (
            "table:?rows=5",
            "unknown option 'rows' for sink 'table'; did you mean max_rows? (allowed options: "
            "columns, max_rows)",
        ),
        (
            "out.parquet?codec=zstd",
            "unknown option 'codec' for sink 'parquet'; allowed options: compression",
        ),
    ],
)
def test_unknown_option_messages(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SinkTargetError) as info:
        open_sink(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sqlite:c.db?table=x;drop",
            "invalid sqlite table name 'x;drop': use letters, digits and underscores, "
            "starting with a letter or underscore (not 'sqlite_...', not 'ionworks_sink_tables' "
            "or 'ionworks_sync_state': tables the toolkit keeps)",
        ),
        (
            "sqlite:c.db?table=sqlite_master",
            "invalid sqlite table name 'sqlite_master': use letters, digits and underscores, "
            "starting with a letter or underscore (not 'sqlite_...', not 'ionworks_sink_tables' "
            "or 'ionworks_sync_state': tables the toolkit keeps)",
        ),
        (
            "table:?max_rows=many",
            "option 'max_rows' of sink 'table' must be an integer >= 1 (the most rows printed; "
            "default 200): 'many'",
        ),
        (
            # FINDINGS11 L8: 0 printed nothing, exit 0, like an empty project.
            "table:?max_rows=0",
            "option 'max_rows' of sink 'table' must be an integer >= 1 (the most rows printed; "
            "default 200): '0'",
        ),
        ("table:out.txt", "sink 'table' prints to the terminal and takes no target: 'out.txt'"),
        ("jsonl:", "sink 'jsonl' needs a file path or '-' for stdout, e.g. jsonl:out.jsonl"),
        (
            "sqlite:-",
            "sqlite:-: the sqlite sink cannot write to stdout; give a file path, e.g. "
            "sqlite:out.db",
        ),
        ("csv:missing/out.csv", "csv:missing/out.csv: directory '{tmp}/missing' does not exist"),
        (
            "parquet:out.parquet?compression=rar",
            "unknown parquet compression 'rar'; allowed: brotli, gzip, lz4, none, snappy, zstd",
        ),
    ],
)
def test_invalid_targets(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SinkTargetError) as info:
        open_sink(text)
    assert str(info.value) == message.format(tmp=os.path.realpath(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_builtin_registry() -> None:
    assert sorted(BUILTIN_SINKS) == list(SCHEMES)
    assert sorted(BUILTIN_SINK_DESCRIPTIONS) == list(SCHEMES)
    with pytest.raises(TypeError):
        BUILTIN_SINKS["x"] = BUILTIN_SINKS["csv"]  # type: ignore[index]


def test_builtin_sinks_satisfy_the_protocol(tmp_path: Path) -> None:
    sinks = [
        BUILTIN_SINKS[scheme](target, {})
        for scheme, target in [
            ("table", ""),
            ("jsonl", "-"),
            ("jsonl", str(tmp_path / "a.jsonl")),
            ("csv", str(tmp_path / "a.csv")),
            ("sqlite", str(tmp_path / "a.db")),
            ("parquet", str(tmp_path / "a.parquet")),
            ("postgresql", "//lab@127.0.0.1:5432/catalog"),
            ("dataset", str(tmp_path / "a")),
        ]
    ]
    for sink in sinks:
        assert isinstance(sink, Sink)
        assert isinstance(sink, BaseSink)
        assert sink.records_written == 0
    assert not isinstance(object(), Sink)


def test_importing_the_package_imports_neither_rich_nor_pyarrow() -> None:
    code = (
        "import sys, ionworks_toolkit.sinks\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rich', 'pyarrow', 'psycopg', 'fsspec')))"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout == "[]\n"


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------

CSV_PAGE_1 = [
    measurement(1, "Zellprüfung 3, Lauf 1", notes='he said "LFP", then left'),
    measurement(2, "電池-7", notes="line one\nline two\r\nline three"),
]
CSV_PAGE_2 = [
    {**measurement(3, "plain", energy=3.63), "tags": ["fast", "30°C"], "passed": True},
    {"id": "only-id", "name": 'sparse, "quoted"\n\u2028end'},
]


# --------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------


def test_parquet_without_pyarrow_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(SinkDependencyError) as info:
        open_sink(f"parquet:{tmp_path / 'x.parquet'}")
    assert str(info.value) == (
        "the parquet sink needs pyarrow, which is not installed: "
        'pip install "ionworks-toolkit[parquet]"'
    )
    assert isinstance(info.value, ImportError)


# --------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------


def test_sqlite_record_without_id_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    export_pages(str(db), [[{"id": "a", "name": "kept"}]])
    before = db.read_bytes()
    with pytest.raises(SinkRecordError) as info, open_sink(str(db)) as sink:
        sink.write([{"id": "b"}, {"name": "no id"}])
    assert str(info.value) == (
        f"sqlite:{db}: record #2 has no 'id'; the sqlite sink upserts by id (text or integer)"
    )
    assert db.read_bytes() == before


def test_sqlite_rejects_a_foreign_table(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE measurements (name TEXT)")
    conn.close()
    with pytest.raises(SinkTargetError) as info, open_sink(str(db)) as sink:
        sink.write([{"id": "a"}])
    assert str(info.value) == (
        f"sqlite:{db}: table 'measurements' exists but was not created by this sink "
        '(it needs an "id" primary key and a "record_json" column); '
        "choose another table with ?table=NAME"
    )


# --------------------------------------------------------------------------------------
# Atomicity: failed, interrupted and uncommitted runs
# --------------------------------------------------------------------------------------

FILE_TARGETS = ["out.jsonl", "out.csv", "out.parquet", "out.db"]


class _Boom(Exception):
    pass


def _pages() -> Iterator[list[dict[str, Any]]]:
    yield [measurement(1, "Zellprüfung 3"), measurement(2, "電池-7")]
    yield [measurement(3, "three")]


def _previous_output(target: Path) -> bytes:
    export_pages(str(target), [[measurement(9, "previous run")]])
    return target.read_bytes()


def _bad_page_write(sink: Sink) -> None:
    pages = _pages()
    sink.write(next(pages))
    sink.write([measurement(3, "three"), {"id": "x", "value": object()}])  # write raises


def _error_between_pages(sink: Sink) -> None:
    sink.write(next(_pages()))
    raise _Boom("page 2 failed")


def _interrupted(sink: Sink) -> None:
    sink.write(next(_pages()))
    raise KeyboardInterrupt


FAILURES: dict[str, tuple[Callable[[Sink], None], type[BaseException]]] = {
    "write-raises": (_bad_page_write, TypeError),
    "caller-raises": (_error_between_pages, _Boom),
    "keyboard-interrupt": (_interrupted, KeyboardInterrupt),
}


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("name", FILE_TARGETS)
def test_failed_run_leaves_no_output(name: str, failure: str, tmp_path: Path) -> None:
    run, expected = FAILURES[failure]
    target = tmp_path / name
    with pytest.raises(expected), open_sink(str(target)) as sink:
        run(sink)
    assert isinstance(sink, BaseSink)
    assert sink.state == "aborted"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("name", FILE_TARGETS)
def test_failed_run_keeps_previous_output_byte_identical(
    name: str, failure: str, tmp_path: Path
) -> None:
    run, expected = FAILURES[failure]
    target = tmp_path / name
    before = _previous_output(target)
    with pytest.raises(expected), open_sink(str(target)) as sink:
        run(sink)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("name", FILE_TARGETS)
def test_leaving_without_commit_aborts_with_a_warning(name: str, tmp_path: Path) -> None:
    target = tmp_path / name
    before = _previous_output(target)
    warning = r"sink closed without commit\(\); output discarded"
    with pytest.warns(RuntimeWarning, match=warning), open_sink(str(target)) as sink:
        sink.write([measurement(1, "not published")])
    assert target.read_bytes() == before
    assert isinstance(sink, BaseSink)
    scheme = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet", "db": "sqlite"}[name[4:]]
    table = " (table measurements)" if scheme == "sqlite" else ""
    assert sink.describe() == (
        f"aborted: {scheme}:{target}{table} left unchanged (1 record discarded)"
    )


@pytest.mark.parametrize("name", FILE_TARGETS)
def test_new_file_gets_umask_mode_and_replaced_file_keeps_its_mode(
    name: str, tmp_path: Path
) -> None:
    target = tmp_path / name
    export_pages(str(target), [[measurement(1, "one")]])
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    target.chmod(0o640)
    export_pages(str(target), [[measurement(1, "two")]])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_state_machine(tmp_path: Path) -> None:
    sink = JsonlSink(tmp_path / "o.jsonl", label="jsonl:o.jsonl")
    sink.write([{"id": "a"}])
    assert sink.describe() == "1 record pending for jsonl:o.jsonl (not committed)"
    sink.commit()
    sink.abort()  # no-op after commit
    assert sink.state == "committed"
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == '{"id":"a"}\n'
    with pytest.raises(SinkStateError) as info:
        sink.write([{"id": "b"}])
    assert str(info.value) == "jsonl:o.jsonl: cannot write: sink already committed"
    with pytest.raises(SinkStateError) as info:
        sink.commit()
    assert str(info.value) == "jsonl:o.jsonl: cannot commit: sink already committed"
    aborted = JsonlSink(tmp_path / "p.jsonl", label="jsonl:p.jsonl")
    aborted.abort()
    aborted.abort()  # idempotent
    with pytest.raises(SinkStateError) as info:
        aborted.write([{"id": "b"}])
    assert str(info.value) == "jsonl:p.jsonl: cannot write: sink already aborted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.jsonl"]


def test_failing_commit_aborts_and_cleans_up(tmp_path: Path) -> None:
    class FailingCommit(CsvSink):
        def _commit(self) -> None:  # after _prepare: the temporary file is complete
            raise OSError("disk full")

    sink = FailingCommit(tmp_path / "o.csv")
    with pytest.raises(OSError, match="disk full"), sink:
        sink.write([{"id": "a"}])
        sink.commit()
    assert sink.state == "aborted"
    assert list(tmp_path.iterdir()) == []


def test_abort_failure_during_an_exception_is_attached_as_a_note(tmp_path: Path) -> None:
    class FailingAbort(CsvSink):
        def _abort(self) -> None:
            super()._abort()
            raise OSError("cannot delete")

    with pytest.raises(_Boom) as info, FailingAbort(tmp_path / "o.csv", label="csv:o.csv"):
        raise _Boom("original")
    assert info.value.__notes__ == [
        "while handling it, aborting csv:o.csv failed: OSError('cannot delete')"
    ]


# --------------------------------------------------------------------------------------
# JSONL and table
# --------------------------------------------------------------------------------------


def test_jsonl_file_exact_bytes(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    records: list[Mapping[str, Any]] = [
        {"z": 1, "a": "Zellprüfung 3", "nested": {"b": [1, 2.5, None, True]}},
        {"id": "電池-7", "text": 'line\nbreak "q"'},
    ]
    with open_sink(f"jsonl:{target}") as sink:
        sink.write(records[:1])
        sink.write(records[1:])
        sink.commit()
    assert (
        target.read_bytes()
        == (
            '{"z":1,"a":"Zellprüfung 3","nested":{"b":[1,2.5,null,true]}}\n'
            '{"id":"電池-7","text":"line\\nbreak \\"q\\""}\n'
        ).encode()
    )
    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == records


def test_jsonl_stdout_streams_each_page(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with open_sink("jsonl:-") as sink:
        sink.write([{"name": "電池-7"}])
        assert capsysbinary.readouterr().out == '{"name":"電池-7"}\n'.encode()
        sink.write([{"n": 2}])
        sink.commit()
    assert capsysbinary.readouterr().out == b'{"n":2}\n'
    assert isinstance(sink, JsonlSink)
    assert sink.describe() == "wrote 2 records to jsonl:-"


def test_jsonl_to_a_text_stream_and_abort_description() -> None:
    stream = io.StringIO()
    sink = JsonlSink(stream=stream)
    with pytest.raises(_Boom), sink:
        sink.write([{"a": 1}])
        raise _Boom
    assert stream.getvalue() == '{"a":1}\n'
    assert sink.describe() == (
        "aborted after streaming 1 record to jsonl:- (already written; a stream cannot be "
        "taken back)"
    )


def _console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None, legacy_windows=False)


def test_table_default_columns_cap_and_footer() -> None:
    console = _console()
    records = [
        {**measurement(i, f"[bold]cell {i}[/bold]"), "test_setup": {"cycler": "Arbin"}}
        for i in range(1, 6)
    ]
    sink = TableSink(console=console, max_rows=2)
    with sink:
        sink.write(records[:3])
        sink.write(records[3:])
        sink.commit()
    text = console.file.getvalue()  # type: ignore[attr-defined]
    lines = text.splitlines()
    header = [cell.strip() for cell in lines[1].strip("┃").split("┃")]
    assert header == [
        "name",
        "instance.name",
        "specification.name",
        "start_time",
        "measurement_type",
        "test_setup.cycler",
        "id",
    ]
    assert "[bold]cell 1[/bold]" in lines[3]  # markup is shown, not interpreted
    assert "[bold]cell 2[/bold]" in lines[4]
    assert "cell 3" not in text
    assert lines[-1] == "… 3 more"
    assert sink.describe() == "printed 2 of 5 records (table:)"


def test_table_fallback_columns_and_abort_prints_nothing() -> None:
    console = _console()
    sink = TableSink(console=console)
    with pytest.raises(_Boom), sink:
        sink.write([{"k": 1}])
        raise _Boom
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]

    sink = TableSink(console=console, columns=None)
    with sink:
        sink.write([{f"c{i}": i for i in range(10)}])
        sink.commit()
    header = console.file.getvalue().splitlines()[1]  # type: ignore[attr-defined]
    assert [c.strip() for c in header.strip("┃").split("┃")] == [f"c{i}" for i in range(8)]


def test_table_factory_options() -> None:
    sink = open_sink("table:?max_rows=3&columns=id,%20name")
    assert isinstance(sink, TableSink)
    assert (sink.max_rows, sink.columns) == (3, ["id", "name"])


@pytest.mark.parametrize("max_rows", [0, -1])
def test_table_sink_refuses_fewer_than_one_row(max_rows: int) -> None:
    # FINDINGS11 L8: max_rows=0 printed nothing, like an empty project.
    with pytest.raises(ValueError) as info:
        TableSink(console=_console(), max_rows=max_rows)
    assert str(info.value) == (
        f"max_rows must be an integer >= 1 (the most rows printed): {max_rows}"
    )


def test_table_max_rows_0_is_refused_on_the_command_line_before_any_request() -> None:
    from click.testing import CliRunner
    from ionworks_toolkit.cli import main

    result = CliRunner().invoke(
        main,
        [
            "--sandbox",
            "measurements",
            "list",
            "NASA PCoE Li-ion battery aging",
            "--all",
            "--sink",
            "table:?max_rows=0",
        ],
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: option 'max_rows' of sink 'table' must be an integer >= 1 (the most rows "
        "printed; default 200): '0'\n"
    )
