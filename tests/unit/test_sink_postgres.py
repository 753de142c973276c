"""The ``postgresql:`` sink against a real PostgreSQL server started for this module
(``postgres_server.py``: initdb + pg_ctl on 127.0.0.1, SCRAM password auth).

The password reaches the sink only through libpq's own channels (PGPASSWORD, a passfile);
every test that passes one proves it never shows up in a message.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

import pytest
from click.testing import CliRunner
from ionworks_toolkit import Toolkit
from ionworks_toolkit.cli import main
from ionworks_toolkit.export import sink_outcome
from ionworks_toolkit.sinks import BaseSink, SinkRecordError, SinkTargetError, _postgres, open_sink
from ionworks_toolkit.sinks._columns import (
    ColumnType,
    measurements_schema,
    projects_schema,
    record_schema,
)
from ionworks_toolkit.sinks._postgres import column_name, postgres_type
from ionworks_toolkit.testing import SinkContract
from postgres_server import PostgresServer, postgres_server
from sink_runs import export_pages

SEVERSON = "Severson 2019 fast-charging cycle life"
NOWHERE = ["--api-url", "http://127.0.0.1:9", "--api-key", "unused"]


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    with postgres_server() as running:
        yield running


@pytest.fixture
def pg(server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A connection (autocommit) to a clean database; PGPASSWORD set for the sinks."""
    for name in list(os.environ):
        if name.startswith(("PG", "IONWORKS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PGPASSWORD", server.password)
    with server.connect() as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("DROP SCHEMA IF EXISTS lab CASCADE")
        conn.execute("CREATE SCHEMA public")
        yield conn


def _record(i: int, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"m{i}",
        "name": f"cell {i}",
        "created_at": f"2024-01-0{i}T10:00:00+00:00",
        "step_labels_validated": i % 2 == 0,
        "test_setup": {"cycler": "Arbin", "channel_number": i},
        "specification": {"ratings": {"capacity": {"value": 1.1 * i, "unit": "Ah"}}},
        "tags": ["a", "b"],
        "properties": {},
    }
    record.update(extra)
    return record


def _columns(pg: Any, table: str = "measurements", schema: str = "public") -> dict[str, str]:
    rows = pg.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return dict(rows)


# -- acceptance (sandbox) --------------------------------------------------------------


def test_cli_twice_into_postgres_128_rows_timestamptz(
    pg: Any, server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    arguments = ["--sandbox", "measurements", "list", SEVERSON, "--all", "--sink", server.url]
    for _ in range(2):
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [
            f"wrote 128 records to {server.url} (table public.measurements)"
        ]
    assert pg.execute("select count(*) from measurements").fetchone() == (128,)
    columns = _columns(pg)
    assert columns["created_at"] == "timestamp with time zone"
    assert columns["id"] == "text"
    assert columns["record_json"] == "jsonb"
    assert columns["step_labels_validated"] == "boolean"
    assert columns["test_setup"] == "jsonb"  # free-form object: one JSON column
    assert columns["specification.ratings.capacity.value"] == "double precision"
    assert columns["tags"] == "jsonb"
    assert columns["name"] == "text"
    assert columns["instance.date_manufactured"] == "date"
    assert columns["extra_json"] == "jsonb"
    # Columns come from the spec, identical to the SQLite sink's.
    declared = [n for n in measurements_schema().column_names if n != "id"]
    assert list(columns) == ["id", *declared, "record_json"]
    # One row per measurement id; the record is the whole API record.
    row = pg.execute(
        "select count(distinct id), min(record_json->'specification'->>'name') from measurements"
    ).fetchone()
    assert row == (128, "A123 APR18650M1A (Severson 2019 cells)")
    utc = pg.execute(
        "select count(*) from measurements where created_at = '2024-01-01T00:00:00Z'"
    ).fetchone()
    assert utc is not None and utc[0] > 0


# -- the transaction -------------------------------------------------------------------


def test_rerun_upserts_last_record_wins_and_a_newer_spec_adds_a_column(
    pg: Any, server: PostgresServer
) -> None:
    target = f"{server.url}?table=cells"
    first = export_pages(target, [[_record(1), _record(2)], [_record(3)]])
    assert first.describe() == f"wrote 3 records to {server.url} (table public.cells)"
    # An undeclared field lands in extra_json; the same id twice in one run: the later wins.
    export_pages(
        target,
        [[_record(2, name="renamed"), _record(4, energy_wh=3.5)], [_record(2, name="last")]],
    )
    assert pg.execute("select id, name, extra_json from cells order by id").fetchall() == [
        ("m1", "cell 1", None),
        ("m2", "last", None),
        ("m3", "cell 3", None),
        ("m4", "cell 4", {"energy_wh": 3.5}),
    ]
    assert pg.execute("select record_json->>'name' from cells where id = 'm2'").fetchone() == (
        "last",
    )
    # A newer spec declares energy_wh: the next run adds the column, typed, and fills it.
    older = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    newer = {
        "type": "object",
        "properties": {**older["properties"], "energy_wh": {"type": "number"}},
    }
    for spec in (older, newer):
        with open_sink(f"{server.url}?table=evolving") as sink:
            assert isinstance(sink, BaseSink)
            sink.bind_schema(record_schema(spec, resource="evolving"))
            sink.write([_record(4, energy_wh=3.5)])
            sink.commit()
    assert _columns(pg, "evolving") == {
        "id": "text",
        "name": "text",
        "extra_json": "jsonb",
        "record_json": "jsonb",
        "energy_wh": "double precision",
    }
    assert pg.execute("select energy_wh from evolving").fetchone() == (3.5,)


def _failing_run(target: str, failure: str) -> None:
    sink = open_sink(target)
    with pytest.raises((SinkRecordError, KeyboardInterrupt)), sink:
        sink.write([_record(1, name="changed", brand_new=True), _record(5)])
        if failure == "bad record":
            sink.write([{"name": "no id"}])
        elif failure == "interrupt":
            raise KeyboardInterrupt
    assert sink.state == "aborted"


@pytest.mark.parametrize("failure", ["bad record", "interrupt"])
def test_failed_or_interrupted_run_leaves_the_table_as_it_was(
    pg: Any, server: PostgresServer, failure: str
) -> None:
    export_pages(server.url, [[_record(1), _record(2)]])
    before_rows = pg.execute("select * from measurements order by id").fetchall()
    before_columns = _columns(pg)
    _failing_run(server.url, failure)
    assert pg.execute("select * from measurements order by id").fetchall() == before_rows
    assert _columns(pg) == before_columns
    assert "brand_new" not in before_columns


@pytest.mark.parametrize(
    ("existing", "outcome", "describe"),
    [
        (True, "rolled back (previous output kept)", "left unchanged"),
        (False, "nothing written (no previous output to keep)", "nothing written to"),
    ],
)
def test_a_failed_run_says_whether_the_table_had_rows_to_keep(
    pg: Any, server: PostgresServer, existing: bool, outcome: str, describe: str
) -> None:
    """FINDINGS8 H5: a table that did not exist before the run is not "rolled back"."""
    if existing:
        export_pages(f"{server.url}?table=cells", [[_record(1)]])
    sink = open_sink(f"{server.url}?table=cells")
    _failing_run_of(sink)
    assert isinstance(sink, BaseSink)
    assert sink.keeps_previous_output is existing
    assert sink_outcome([("pg", sink)], name_rolled_back=True) == f"{outcome}: pg"
    if existing:
        assert (
            sink.describe()
            == f"aborted: {server.url} (table public.cells) {describe} (2 records discarded)"
        )
    else:
        assert (
            sink.describe()
            == f"aborted: {describe} {server.url} (table public.cells) (2 records discarded)"
        )


def _failing_run_of(sink: Any) -> None:
    with pytest.raises(SinkRecordError), sink:
        sink.write([_record(1, name="changed"), _record(5)])
        sink.write([{"name": "no id"}])


def test_failed_first_run_creates_no_table_and_no_schema(pg: Any, server: PostgresServer) -> None:
    _failing_run(f"{server.url}?schema=lab", "bad record")
    assert pg.execute("select to_regnamespace('lab')").fetchone() == (None,)


def test_failing_commit_rolls_back_everything(pg: Any, server: PostgresServer) -> None:
    export_pages(server.url, [[_record(1)]])
    # A column someone retyped: values are cast to its type, and this one cannot be.
    pg.execute('ALTER TABLE measurements ALTER COLUMN "notes" TYPE bigint USING NULL')
    pg.execute('ALTER TABLE measurements DROP COLUMN "cell_instance_id"')
    before = pg.execute("select * from measurements").fetchall()
    sink = open_sink(server.url)
    with pytest.raises(Exception, match="invalid input syntax for type bigint"), sink:
        sink.write([_record(1, notes="A7")])
        sink.commit()
    assert sink.state == "aborted"
    assert pg.execute("select * from measurements").fetchall() == before
    assert "cell_instance_id" not in _columns(pg)  # its ADD COLUMN was rolled back too


def test_empty_run_creates_the_table_in_a_new_schema(pg: Any, server: PostgresServer) -> None:
    sink = export_pages(f"{server.url}?schema=lab&table=runs", [])
    assert sink.describe() == f"wrote 0 records to {server.url} (table lab.runs)"
    columns = _columns(pg, "runs", "lab")
    assert len(columns) == len(measurements_schema().column_names) + 1  # + record_json
    assert columns["created_at"] == "timestamp with time zone"


def test_a_table_of_another_shape_is_refused(pg: Any, server: PostgresServer) -> None:
    pg.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)")
    with pytest.raises(SinkTargetError) as info:
        export_pages(f"{server.url}?table=notes", [[_record(1)]])
    assert str(info.value) == (
        f"{server.url}: table public.notes exists but was not created by this sink (it needs "
        'an "id" primary key and a "record_json" column); choose another table with ?table=NAME'
    )
    assert pg.execute("select count(*) from notes").fetchone() == (0,)


def test_record_without_id_names_the_record(server: PostgresServer, pg: Any) -> None:
    with pytest.raises(SinkRecordError) as info:
        export_pages(server.url, [[_record(1)], [_record(2), {"name": "x"}]])
    assert str(info.value) == (
        f"{server.url}: record #3 has no 'id'; the postgresql sink upserts by id (text or integer)"
    )


def test_python_export_and_async_export(pg: Any, server: PostgresServer) -> None:
    from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread

    with (
        run_in_thread(SandboxOptions()) as sandbox,
        Toolkit(api_url=sandbox.base_url, api_key="sandbox", load_entry_points=False) as tk,
    ):
        result = tk.export("NASA PCoE Li-ion battery aging", [f"{server.url}?table=nasa"])
    assert result.records == 34
    assert pg.execute("select count(*) from nasa").fetchone() == (34,)


# -- credentials -----------------------------------------------------------------------


def test_password_from_a_passfile(
    pg: Any, server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{server.port}:*:postgres:{server.password}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    export_pages(server.url, [[_record(1)]])
    assert pg.execute("select count(*) from measurements").fetchone() == (1,)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "postgress://lab:p@ss-w0rd@h/db",
            "error: unknown sink scheme 'postgress' in 'postgress://lab:***@h/db'; did you mean "
            "postgres or postgresql? (allowed schemes: csv, dataset, jsonl, parquet, postgres, "
            "postgresql, sqlite, table)",
        ),
        (
            "postgresql://lab@h/db?password=p@ss-w0rd&x",
            "error: malformed option 'x' in 'postgresql://lab@h/db?password=***&x'; expected "
            "key=value",
        ),
        (
            "postgresql://lab:p@ss-w0rd@h/db?table=a-b",
            "error: postgresql://lab:***@h/db: a password in the sink target is refused (it "
            "would be kept in shell history and process lists); set PGPASSWORD, use ~/.pgpass "
            "(PGPASSFILE) or a service file (?service=NAME)",
        ),
    ],
)
def test_targets_with_a_password_are_echoed_redacted(
    target: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*NOWHERE, "measurements", "list", "P", "--sink", target])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1] == message
    assert "ss-w0rd" not in result.output


@pytest.mark.parametrize(
    "target",
    [
        "postgresql://postgres:{pw}@127.0.0.1:{port}/postgres",
        "postgres://postgres:{pw}@127.0.0.1:{port}/postgres?table=x",
        "postgresql://postgres@127.0.0.1:{port}/postgres?password={pw}",
    ],
)
def test_a_password_in_the_target_is_refused_before_any_request(
    server: PostgresServer, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = target.format(pw="s3cr3t-pw", port=server.port)
    result = CliRunner().invoke(
        main,
        [*NOWHERE, "measurements", "list", "P", "--sink", text],
    )
    assert result.exit_code == 2, result.output
    assert "s3cr3t-pw" not in result.output
    assert "a password in the sink target is refused" in result.stderr
    assert "set PGPASSWORD, use ~/.pgpass (PGPASSFILE) or a service file" in result.stderr


def test_wrong_password_fails_with_exit_6_without_the_password(
    pg: Any, server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PGPASSWORD", "wrong-secret-value")
    result = CliRunner().invoke(
        main, ["--sandbox", "measurements", "list", SEVERSON, "--sink", server.url]
    )
    assert result.exit_code == 6, result.output
    assert 'password authentication failed for user "postgres"' in result.stderr
    assert "wrong-secret-value" not in result.output
    assert server.password not in result.output
    assert pg.execute("select to_regclass('measurements')").fetchone() == (None,)


def test_unreachable_server_is_exit_6_naming_the_target(
    pg: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = "postgresql://lab@127.0.0.1:9/catalog"
    result = CliRunner().invoke(
        main, ["--sandbox", "measurements", "list", SEVERSON, "--sink", target]
    )
    assert result.exit_code == 6, result.output
    assert result.stderr.startswith(
        f"sink error: sink {target} failed: OperationalError: connection failed: connection "
        'to server at "127.0.0.1", port 9 failed: Connection refused'
    )


# -- targets and the column rule -------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "postgresql:db.example",
            "postgresql:db.example: expected a connection URI, e.g. "
            "postgresql://user@127.0.0.1:5432/dbname?table=measurements",
        ),
        (
            "postgresql://u@h/db?table=a-b",
            "invalid postgresql table name 'a-b': use letters, digits and underscores, starting "
            "with a letter or underscore, at most 63 (not 'pg_...')",
        ),
        (
            "postgresql://u@h/db?table=cells%0A",
            "invalid postgresql table name 'cells\\n': use letters, digits and underscores, "
            "starting with a letter or underscore, at most 63 (not 'pg_...')",
        ),
        (
            "postgresql://u@h/db?schema=pg_catalog",
            "invalid postgresql schema name 'pg_catalog': use letters, digits and underscores, "
            "starting with a letter or underscore, at most 63 (not 'pg_...')",
        ),
        (
            "postgresql://u@h/db?colour=red",
            "unknown option 'colour' for sink 'postgresql'; allowed options: application_name, "
            "connect_timeout, lock_timeout, options, schema, service, sslcert, sslkey, sslmode, "
            "sslrootcert, table, target_session_attrs",
        ),
        *(
            (
                f"postgresql://u@h/db?lock_timeout={value}",
                "option 'lock_timeout' of sink 'postgresql' must be a number of seconds >= 0: "
                f"{value!r}",
            )
            for value in ("abc", "-1", "-0.001", "nan", "inf", "")
        ),
        ("postgresql://u@h:99999/db", "postgresql://u@h:99999/db: Port out of range 0-65535"),
    ],
)
def test_bad_targets(target: str, message: str) -> None:
    with pytest.raises(SinkTargetError) as info:
        open_sink(target)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("options", "seconds"), [("", 30.0), ("?lock_timeout=0", 0.0), ("?lock_timeout=2.5", 2.5)]
)
def test_lock_timeout_option(options: str, seconds: float) -> None:
    sink = open_sink(f"postgresql://u@h/db{options}")
    assert isinstance(sink, _postgres.PostgresSink)
    assert sink.lock_timeout == seconds
    assert _postgres.DEFAULT_LOCK_TIMEOUT == 30.0


def test_column_type_rule() -> None:
    assert {t: postgres_type(t) for t in get_args(ColumnType)} == {
        "string": "text",
        "integer": "bigint",
        "number": "double precision",
        "boolean": "boolean",
        "date": "date",
        "date-time": "timestamp with time zone",
        "json": "jsonb",
    }


def test_long_field_names_get_a_stable_63_byte_column(pg: Any, server: PostgresServer) -> None:
    long = "x" * 61
    assert column_name("name") == "name"
    assert len(column_name(f"{long}.a").encode()) == 63
    assert column_name(f"{long}.a") != column_name(f"{long}.b")
    leaf = {"type": "integer"}
    spec = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            long: {"type": "object", "properties": {"a": leaf, "b": leaf}},
        },
    }
    with open_sink(server.url) as sink:
        assert isinstance(sink, BaseSink)
        sink.bind_schema(record_schema(spec))
        sink.write([{"id": "a", long: {"a": 1, "b": 2}}])
        sink.commit()
    assert pg.execute(
        f'select "{column_name(f"{long}.a")}", "{column_name(f"{long}.b")}" from records'
    ).fetchone() == (1, 2)


def test_readme_psql_query_runs_on_the_sinks_table(
    pg: Any, server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's psql line, pointed at the test server, over a table the sink wrote."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### PostgreSQL") :]
    line = next(line for line in section.splitlines() if line.startswith("psql "))
    arguments = shlex.split(line)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["--sandbox", "measurements", "list", SEVERSON, "--all", "--sink", server.url]
    )
    assert result.exit_code == 0, result.output
    psql = str(server.bindir / "psql")
    out = subprocess.run(
        [psql, server.url, *arguments[2:], "--no-align", "--tuples-only"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PGPASSWORD": server.password},
    )
    rows = out.stdout.strip().splitlines()
    assert len(rows) == 10
    assert rows[0] == "EL150800453116|1.1|2024-01-01 02:07:00+00"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"id": "n1", "notes": "cell\x00 7"}, "notes"),
        ({"id": "n2", "tags": ["ok", "bad\x00"]}, "tags"),
        ({"id": "n3", "properties": {"k\x00": 1}}, "properties.k\x00"),
    ],
)
def test_a_nul_character_fails_the_run_naming_record_and_field(
    pg: Any, server: PostgresServer, record: dict[str, Any], field: str
) -> None:
    with pytest.raises(SinkRecordError) as info:
        export_pages(server.url, [[_record(1), record]])
    assert str(info.value) == (
        f"{server.url}: record #2 (id {record['id']!r}): field {field!r} contains a NUL "
        "character (U+0000), which PostgreSQL cannot store in text or jsonb"
    )
    assert pg.execute("select to_regclass('measurements')").fetchone() == (None,)


def test_a_killed_run_leaves_the_table_as_it_was(pg: Any, server: PostgresServer) -> None:
    """SIGKILL in the middle of a run (pages sent, no commit): the server rolls back."""
    export_pages(server.url, [[_record(1), _record(2)]])
    before = pg.execute("select * from measurements order by id").fetchall()
    code = (
        "import sys\n"
        "from ionworks_toolkit.sinks import open_sink\n"
        "sink = open_sink(sys.argv[1])\n"
        "sink.write([{'id': 'm1', 'name': 'overwritten', 'new_field': 1}, {'id': 'm9'}])\n"
        "print('written', flush=True)\n"
        "sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, server.url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PGPASSWORD": server.password},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "written\n"
    finally:
        child.kill()
        child.wait()
    # The table is usable at once (no lock left behind) and unchanged.
    pg.execute("SET lock_timeout = '5s'")
    assert pg.execute("select * from measurements order by id").fetchall() == before
    assert "new_field" not in _columns(pg)
    export_pages(server.url, [[_record(3)]])
    assert pg.execute("select count(*) from measurements").fetchone() == (3,)


# -- another run writing the same table (its advisory lock) -----------------------------

LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"


@pytest.fixture
def holder(server: PostgresServer) -> Iterator[Any]:
    """A second connection, in a transaction holding the advisory lock of
    ``public.measurements`` as a concurrent run does between its prepare and its commit."""
    with server.connect() as conn:
        conn.autocommit = False
        conn.execute(LOCK_SQL, ["ionworks_toolkit:public.measurements"])
        yield conn
        conn.rollback()


class _FakeClock:
    """The lock wait's clock and sleep: sleeping advances the clock, nothing waits."""

    def __init__(self, on_sleep: Any = None) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep()


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> _FakeClock:
    fake = _FakeClock()
    monkeypatch.setattr(_postgres, "_clock", fake.clock)
    monkeypatch.setattr(_postgres, "_sleep", fake.sleep)
    monkeypatch.setattr(_postgres, "LOCK_POLL_INTERVAL", 0.25)
    return fake


def test_a_table_locked_by_another_export_fails_after_lock_timeout_naming_it(
    pg: Any, server: PostgresServer, holder: Any, fake_clock: _FakeClock, capsys: Any
) -> None:
    with pytest.raises(SinkTargetError) as info:
        export_pages(f"{server.url}?lock_timeout=0.6", [[_record(1)]])
    assert str(info.value) == (
        f"{server.url}: another export is still writing table public.measurements after 0.6 s; "
        "nothing was written to it (try again when that export has finished, or wait longer "
        "with ?lock_timeout=SECONDS)"
    )
    assert capsys.readouterr().err == (
        f"{server.url}: another export is writing table public.measurements; waiting up to 0.6 s "
        "for it to finish...\n"
    )
    # Tried at once, then every 0.25 s; the last sleep ends at the deadline.
    assert [round(s, 9) for s in fake_clock.sleeps] == [0.25, 0.25, 0.1]
    holder.rollback()
    assert pg.execute("select to_regclass('measurements')").fetchone() == (None,)


def test_lock_timeout_0_fails_at_once_without_waiting(
    pg: Any, server: PostgresServer, holder: Any, fake_clock: _FakeClock, capsys: Any
) -> None:
    with pytest.raises(SinkTargetError) as info:
        export_pages(f"{server.url}?lock_timeout=0", [[_record(1)]])
    assert "another export is still writing table public.measurements after 0 s;" in str(info.value)
    assert fake_clock.sleeps == []
    assert capsys.readouterr().err == ""


def test_a_run_waits_for_the_other_export_then_writes(
    pg: Any, server: PostgresServer, holder: Any, fake_clock: _FakeClock, capsys: Any
) -> None:
    """The other export commits during the wait: this run takes the lock and writes."""
    sleeps: list[float] = []

    def commit_on_the_second_sleep() -> None:
        sleeps.append(0)
        if len(sleeps) == 2:
            holder.commit()

    fake_clock.on_sleep = commit_on_the_second_sleep
    sink = export_pages(server.url, [[_record(1), _record(2)]])
    assert fake_clock.sleeps == [0.25, 0.25]
    assert capsys.readouterr().err == (
        f"{server.url}: another export is writing table public.measurements; waiting up to "
        "30 s for it to finish...\n"
    )
    assert sink.describe() == f"wrote 2 records to {server.url} (table public.measurements)"
    assert pg.execute("select id from measurements order by id").fetchall() == [("m1",), ("m2",)]


def test_another_table_is_not_blocked(
    pg: Any, server: PostgresServer, holder: Any, fake_clock: _FakeClock
) -> None:
    export_pages(f"{server.url}?table=other", [[_record(1)]])
    assert fake_clock.sleeps == []
    assert pg.execute("select count(*) from other").fetchone() == (1,)


@pytest.mark.cli_subprocess
@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
    ids=["sigterm", "sigint"],
)
def test_a_signal_ends_the_wait_for_the_lock_and_rolls_back(
    pg: Any,
    server: PostgresServer,
    holder: Any,
    tmp_path: Path,
    signal_while_waiting: Any,
    signum: int,
    code: int,
    word: str,
) -> None:
    """The newcomer's run: waiting on the lock of a table another run is writing, SIGTERM
    did nothing (the CLI's event loop only cancels its task, which a blocking wait never
    noticed). Now the wait ends, the transaction rolls back, exit 143 (Ctrl-C: 130). The
    wait allowed is 600 s, so a signal that does not end it fails ``communicate(timeout=60)``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    notice, returncode, rest = signal_while_waiting(
        ["--sandbox", "measurements", "list", SEVERSON, "--all",
         "--sink", f"{server.url}?lock_timeout=600"],
        tmp_path,
        {**env, "PGPASSWORD": server.password},
        signum,
    )  # fmt: skip
    assert notice == (
        f"{server.url}: another export is writing table public.measurements; waiting up "
        "to 600 s for it to finish...\n"
    )
    assert returncode == code, rest
    assert rest == f"{word}: nothing was written (outputs rolled back)\n"
    holder.rollback()
    assert pg.execute("select to_regclass('measurements')").fetchone() == (None,)


def test_the_default_table_is_the_resources(pg: Any, server: PostgresServer) -> None:
    """``projects list`` binds the Project schema: its rows go to ``projects``."""
    project = {"id": "p1", "name": "Severson", "created_at": "2024-01-01T00:00:00+00:00"}
    with open_sink(server.url) as sink:
        assert isinstance(sink, BaseSink)
        sink.bind_schema(projects_schema())
        sink.write([project])
        sink.commit()
    assert sink.describe() == f"wrote 1 record to {server.url} (table public.projects)"
    assert pg.execute("select id, name, created_at::text from projects").fetchall() == [
        ("p1", "Severson", "2024-01-01 00:00:00+00")
    ]
    assert pg.execute("select to_regclass('measurements')").fetchone() == (None,)


class TestPostgresSinkContract(SinkContract):
    """The public sink contract (ionworks_toolkit.testing), on the real server: what the sink
    has published is every table of the database and the rows of the target table."""

    scheme = "postgresql"
    bad_targets = (
        "//u@h/db?table=a-b",
        "//u@h/db?colour=red",
        "db.example",
        "//u:secret@h/db",
    )

    @pytest.fixture(autouse=True)
    def _database(self, server: PostgresServer, pg: Any) -> None:
        self.server = server
        self.pg = pg

    def make_target(self, tmp_path: Path) -> str:
        return f"{self.server.url.removeprefix('postgresql:')}?table=contract"

    def published_state(self, target: str) -> Any:
        tables = self.pg.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        if ("public", "contract") not in tables:
            return tables, None
        return tables, self.pg.execute("SELECT * FROM public.contract ORDER BY id").fetchall()

    def read_back(self, target: str) -> list[dict[str, Any]]:
        """The full record is kept in ``record_json`` (jsonb); rows by id."""
        rows = self.pg.execute("SELECT record_json FROM public.contract ORDER BY id").fetchall()
        return [record for (record,) in rows]

    def expected_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """As SQLite's record_json: the record under the column rule (UTC ``Z`` instants)."""
        normalised = [measurements_schema().json_record(record) for record in records]
        return sorted(normalised, key=lambda record: record["id"])


def test_cli_projects_list_writes_the_projects_table(
    pg: Any, server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--sandbox", "projects", "list", "--sink", server.url])
    assert result.exit_code == 0, result.output
    assert pg.execute("select count(*) from projects").fetchone() == (5,)
    assert pg.execute("select to_regclass('measurements')").fetchone() == (None,)


# -- the record of which item schema a table holds (FINDINGS6 F20, as for sqlite:) -------


def _project(i: int) -> dict[str, Any]:
    return {"id": f"p{i}", "name": f"project {i}", "organization_id": "o"}


def _run(target: str, schema: Any, records: list[dict[str, Any]]) -> BaseSink:
    sink = open_sink(target)
    assert isinstance(sink, BaseSink)
    sink.bind_schema(schema)
    sink.write(records)
    sink.commit()
    return sink


def test_each_table_is_recorded_and_another_resource_refused(
    pg: Any, server: PostgresServer
) -> None:
    _run(server.url, measurements_schema(), [_record(1)])
    _run(server.url, projects_schema(), [_project(1)])
    assert pg.execute("SELECT * FROM ionworks_sink_tables ORDER BY table_name").fetchall() == [
        ("measurements", "CellMeasurementWithDetails", "measurements"),
        ("projects", "Project", "projects"),
    ]
    with pytest.raises(SinkTargetError) as info:
        _run(f"{server.url}?table=measurements", projects_schema(), [_project(2)])
    assert str(info.value) == (
        f"{server.url}: table 'measurements' holds measurements (CellMeasurementWithDetails "
        "records), not projects (Project records); nothing was written (choose another table "
        "with ?table=NAME)"
    )
    assert pg.execute("SELECT id FROM measurements").fetchall() == [("m1",)]
    again = _run(server.url, measurements_schema(), [_record(2)])
    assert again.describe() == f"wrote 1 record to {server.url} (table public.measurements)"


def test_an_older_versions_table_is_adopted_once_unless_named_for_another(
    pg: Any, server: PostgresServer
) -> None:
    _run(f"{server.url}?table=lab", measurements_schema(), [_record(1)])
    _run(server.url, projects_schema(), [_project(1)])
    pg.execute("DROP TABLE ionworks_sink_tables")  # as a version before the record left them
    with pytest.raises(SinkTargetError) as info:
        _run(server.url + "?table=projects", measurements_schema(), [_record(2)])
    assert str(info.value) == (
        f"{server.url}: table 'projects' holds projects (the default table of projects, made "
        "by an older version that kept no record of it), not measurements "
        "(CellMeasurementWithDetails records); nothing was written (choose another table with "
        "?table=NAME)"
    )
    first = _run(f"{server.url}?table=lab", measurements_schema(), [_record(2)])
    assert first.describe() == (
        f"wrote 1 record to {server.url} (table public.lab) (table public.lab had no record of "
        "what it holds (made by an older version): recorded as measurements "
        "(CellMeasurementWithDetails records))"
    )
    second = _run(f"{server.url}?table=lab", measurements_schema(), [_record(3)])
    assert second.describe() == f"wrote 1 record to {server.url} (table public.lab)"
    assert pg.execute("SELECT * FROM ionworks_sink_tables").fetchall() == [
        ("lab", "CellMeasurementWithDetails", "measurements")
    ]
