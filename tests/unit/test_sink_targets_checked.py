"""Sink targets checked before any request (FINDINGS6 F7, F8, F9): a read-only file, a folder
that cannot be written to, a ``sqlite:`` file that is not a database or holds a table of
another shape, and ``table:`` beside another stream on stdout are refused with exit 2 (a
ConfigurationError from Python), naming the file or folder in the user's terms."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ID
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import ConfigurationError
from ionworks_toolkit.export import check_destinations, open_sinks, sink_outcome
from ionworks_toolkit.sinks import (
    BUILTIN_SINKS,
    SinkTargetError,
    SqliteSink,
    TableSink,
    make_sqlite_sink,
)
from ionworks_toolkit.sinks._base import AtomicFile, output_target
from ionworks_toolkit.sinks._sqlite import SQLITE_HEADER
from loopback import Exchange, by_project_pages


def _list(runner: CliRunner, *sinks: str) -> tuple[Any, list[Exchange]]:
    arguments = [a for sink in sinks for a in ("--sink", sink)]
    with by_project_pages(2, 2) as server:
        result = runner.invoke(
            main,
            [
                "--api-url",
                server.url,
                "--api-key",
                "k",
                "measurements",
                "list",
                PROJECT_ID,
                *arguments,
            ],
        )
    return result, server.requests


@pytest.fixture
def deny_access(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``deny_access(path)``: ``os.access`` answers "no write" for ``path``, as the kernel does
    for a user without write permission (tests may run as root, whom it never refuses)."""
    denied: set[str] = set()
    real = os.access

    def fake(path: Any, mode: int, **kwargs: Any) -> bool:
        if str(path) in denied and mode & os.W_OK:
            return False
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", fake)
    return lambda path: denied.add(str(path))


# --------------------------------------------------------------------------------------
# F7: a read-only file is never replaced
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "name", "verb"),
    [
        ("rofile.csv", "csv:rofile.csv", "replaced"),
        ("jsonl:rofile.jsonl", "jsonl:rofile.jsonl", "replaced"),
        ("rofile.db", "sqlite:rofile.db", "changed"),
    ],
)
def test_a_write_protected_file_is_refused_before_any_request(
    runner: CliRunner, tmp_path: Path, target: str, name: str, verb: str
) -> None:
    path = tmp_path / name.partition(":")[2]
    path.write_bytes(b"")
    path.chmod(0o444)
    result, requests = _list(runner, target)
    assert result.exit_code == 2, result.output
    shown = name.partition(":")[2]
    assert result.stderr == (
        f"error: {name}: {shown} is read-only; not {verb} (make it writable, e.g. chmod u+w, "
        "or give another file)\n"
    )
    assert requests == []
    assert path.read_bytes() == b""
    assert oct(path.stat().st_mode & 0o777) == "0o444"


def test_a_file_this_user_may_not_write_is_refused(
    tmp_path: Path, deny_access: Callable[[Path], None]
) -> None:
    path = tmp_path / "theirs.csv"
    path.write_text("old\n")
    path.chmod(0o644)  # a write bit, but not for this user
    deny_access(path)
    with pytest.raises(SinkTargetError) as caught:
        output_target("csv", str(path))
    assert str(caught.value) == (
        f"csv:{path}: {path} is read-only; not replaced (make it writable, e.g. chmod u+w, "
        "or give another file)"
    )


@pytest.fixture
def read_only_mount(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``read_only_mount(path)``: ``os.statvfs`` reports ``path`` on a file system mounted
    read-only (``ST_RDONLY``), with nothing mounted."""
    mounted: set[str] = set()
    real = os.statvfs

    class _ReadOnly:
        f_flag = os.ST_RDONLY

    def fake(path: Any) -> Any:
        if str(path) in mounted:
            return _ReadOnly()
        return real(path)

    monkeypatch.setattr(os, "statvfs", fake)
    return lambda path: mounted.add(str(path))


@pytest.mark.parametrize(
    ("target", "name", "verb"),
    [
        ("rofs.csv", "csv:rofs.csv", "replaced"),
        ("jsonl:rofs.jsonl", "jsonl:rofs.jsonl", "replaced"),
        ("rofs.db", "sqlite:rofs.db", "changed"),
    ],
)
def test_a_file_on_a_read_only_mount_says_so_not_chmod(
    runner: CliRunner,
    tmp_path: Path,
    deny_access: Callable[[Path], None],
    read_only_mount: Callable[[Path], None],
    target: str,
    name: str,
    verb: str,
) -> None:
    # FINDINGS11 L11: a 644 file on a read-only mount got "make it writable, e.g. chmod u+w",
    # which fails there with "Read-only file system".
    shown = name.partition(":")[2]
    path = tmp_path / shown
    path.write_bytes(b"")
    path.chmod(0o644)
    deny_access(path)  # the kernel answers EROFS to access(W_OK) there, even for root
    read_only_mount(path)
    result, requests = _list(runner, target)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {name}: {shown} is read-only: the file system holding it is mounted "
        f"read-only; not {verb} (give a file on a writable file system)\n"
    )
    assert requests == []
    assert path.read_bytes() == b""


@pytest.mark.parametrize("mode", [0o444, 0o555, 0o111, 0o000])
def test_a_file_without_any_write_bit_is_read_only_even_for_root(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "golden.csv"
    path.write_text("old\n")
    path.chmod(mode)
    with pytest.raises(SinkTargetError) as caught:
        output_target("csv", str(path))
    assert str(caught.value).startswith(f"csv:{path}: {path} is read-only; not replaced (")


def test_a_bare_name_in_an_unwritable_working_folder_names_it_dot(
    runner: CliRunner, tmp_path: Path, deny_access: Callable[[Path], None]
) -> None:
    deny_access(tmp_path)  # the runner's working folder
    result, requests = _list(runner, "out.csv")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: csv:out.csv: folder '.' is not writable; out.csv cannot be written there "
        "(choose a folder you can write to)\n"
    )
    assert requests == []


@pytest.mark.parametrize("mode", [0o200, 0o020, 0o002, 0o644])
def test_a_file_with_any_write_bit_the_user_holds_is_replaced(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    path.chmod(mode)
    if mode != 0o644 and os.geteuid() != 0:
        pytest.skip("only root may write through another class's bit")
    assert output_target("csv", str(path)).kind == "file"


# --------------------------------------------------------------------------------------
# F8: an unwritable folder, a file that is not a database, a table of another shape
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [False, True])
def test_an_unwritable_folder_is_named_before_any_request(
    runner: CliRunner, tmp_path: Path, deny_access: Callable[[Path], None], existing: bool
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if existing:
        (folder / "out.csv").write_text("old\n")
    folder.chmod(0o555)
    deny_access(folder)
    try:
        result, requests = _list(runner, "ro/out.csv")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: csv:ro/out.csv: folder 'ro' is not writable; out.csv cannot be written there "
        "(choose a folder you can write to)\n"
    )
    assert requests == []
    assert sorted(os.listdir(folder)) == (["out.csv"] if existing else [])


def test_a_symlink_into_an_unwritable_folder_names_the_real_folder(
    tmp_path: Path, deny_access: Callable[[Path], None]
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "real.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to(folder / "real.csv")
    deny_access(folder)
    with pytest.raises(SinkTargetError) as caught:
        output_target("csv", str(tmp_path / "link.csv"))
    assert str(caught.value) == (
        f"csv:{tmp_path / 'link.csv'}: folder '{folder}' is not writable; real.csv cannot be "
        "written there (choose a folder you can write to)"
    )


def test_a_folder_that_went_away_is_named_not_the_part_file(tmp_path: Path) -> None:
    out = AtomicFile(tmp_path / "gone" / "out.csv")
    with pytest.raises(FileNotFoundError) as caught:
        out.open()
    assert str(caught.value) == f"[Errno 2] No such file or directory: '{tmp_path / 'gone'}'"
    sink = SqliteSink(tmp_path / "gone" / "out.db")
    with pytest.raises(FileNotFoundError) as caught:
        sink.write([{"id": "m-1"}])
    assert str(caught.value) == f"[Errno 2] No such file or directory: '{tmp_path / 'gone'}'"


def test_a_failed_run_says_a_new_file_had_no_previous_output(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text("old\n")
    (tmp_path / "old.db").write_bytes(b"")
    factories = _factories()
    targets = [str(tmp_path / n) for n in ("new.csv", "old.csv", "new.db", "old.db")]
    sinks = open_sinks(targets, factories)
    assert [s.keeps_previous_output for _, s in sinks] == [False, True, False, True]
    for _, sink in sinks:
        sink.write([{"id": "m-1"}])
        sink.abort()
    new_csv, old_csv, new_db, old_db = targets
    assert sink_outcome(sinks, name_rolled_back=True) == (
        f"rolled back (previous output kept): {old_csv}, {old_db}; "
        f"nothing written (no previous output to keep): {new_csv}, {new_db}"
    )
    new_csv_said = f"aborted: nothing written to csv:{new_csv} (1 record discarded)"
    assert sinks[0][1].describe() == new_csv_said
    assert sinks[1][1].describe() == f"aborted: csv:{old_csv} left unchanged (1 record discarded)"
    assert sorted(os.listdir(tmp_path)) == ["old.csv", "old.db"]


def _factories() -> Any:
    return {scheme: (factory, "builtin") for scheme, factory in BUILTIN_SINKS.items()}


@pytest.mark.parametrize(
    "content", [b"id,name\nm-1,a\n", b"SQLite format 3", b"SQLite format 2\x00" + b"\x00" * 84]
)
def test_a_file_that_is_not_a_database_is_refused_before_any_request(
    runner: CliRunner, tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "text.db").write_bytes(content)
    result, requests = _list(runner, "text.db")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: sqlite:text.db: text.db is not a SQLite database (it does not start with "
        "'SQLite format 3'); not changed (give a SQLite database or a new file)\n"
    )
    assert requests == []
    assert (tmp_path / "text.db").read_bytes() == content


def test_a_damaged_database_is_refused_before_any_request(
    runner: CliRunner, tmp_path: Path
) -> None:
    content = SQLITE_HEADER + b"\xff" * 200
    (tmp_path / "bad.db").write_bytes(content)
    result, requests = _list(runner, "bad.db")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: sqlite:bad.db: bad.db cannot be read as a SQLite database (file is not a "
        "database); not changed (give a SQLite database or a new file)\n"
    )
    assert requests == []
    assert (tmp_path / "bad.db").read_bytes() == content


def test_a_locked_database_is_left_to_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("CREATE TABLE measurements (id INTEGER)")  # not this sink's
    holder.execute("BEGIN EXCLUSIVE")
    try:
        make_sqlite_sink(str(path), {}).check_table()  # cannot read now: no verdict yet
    finally:
        holder.execute("ROLLBACK")
    with pytest.raises(SinkTargetError) as caught:
        make_sqlite_sink(str(path), {}).check_table()
    holder.close()
    assert str(caught.value).startswith(f"sqlite:{path}: table 'measurements' exists but")


def test_an_empty_file_and_a_database_are_sqlite_targets(tmp_path: Path) -> None:
    assert SQLITE_HEADER == b"SQLite format 3\x00"
    (tmp_path / "empty.db").write_bytes(b"")
    sqlite3.connect(tmp_path / "real.db").execute("CREATE TABLE t (x)").connection.close()
    assert make_sqlite_sink(str(tmp_path / "empty.db"), {}).path == tmp_path / "empty.db"
    assert make_sqlite_sink(str(tmp_path / "real.db"), {}).path == tmp_path / "real.db"


def _foreign_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE measurements (id INTEGER, value REAL)")
    conn.execute("INSERT INTO measurements VALUES (1, 4.2)")
    conn.commit()
    conn.close()


FOREIGN = (
    "sqlite:mine.db: table 'measurements' exists but was not created by this sink (it needs an "
    '"id" primary key and a "record_json" column); choose another table with ?table=NAME'
)


def test_a_users_own_table_is_refused_before_any_request(runner: CliRunner, tmp_path: Path) -> None:
    _foreign_table(tmp_path / "mine.db")
    before = (tmp_path / "mine.db").read_bytes()
    result, requests = _list(runner, "mine.db")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {FOREIGN}\n"
    assert requests == []
    assert (tmp_path / "mine.db").read_bytes() == before
    other, requests = _list(runner, "mine.db?table=cells")
    assert other.exit_code == 0, other.output
    assert len(requests) == 1
    conn = sqlite3.connect(tmp_path / "mine.db")
    assert conn.execute("SELECT id FROM cells ORDER BY id").fetchall() == [("m-0",), ("m-1",)]
    assert conn.execute("SELECT * FROM measurements").fetchall() == [(1, 4.2)]
    conn.close()


def test_a_users_own_table_is_refused_from_python_before_any_request(
    make_toolkit: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _foreign_table(tmp_path / "mine.db")
    seen: list[str] = []

    def handler(request: Any) -> Any:
        seen.append(request.url.path)
        raise AssertionError("no request expected")

    toolkit = make_toolkit(handler)
    with pytest.raises(ConfigurationError) as caught:
        toolkit.export(PROJECT_ID, ["mine.db"])
    assert str(caught.value) == FOREIGN
    assert seen == []


def test_checking_the_table_changes_no_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE notes (x)").connection.close()
    before = path.read_bytes()
    sink = make_sqlite_sink(str(path), {})
    sink.check_table()  # no `measurements` table there yet: nothing to refuse, nothing made
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["other.db"]
    missing = make_sqlite_sink(str(tmp_path / "new.db"), {})
    missing.check_table()
    assert sorted(os.listdir(tmp_path)) == ["other.db"]


def test_a_table_this_sink_made_passes_the_check(tmp_path: Path) -> None:
    path = tmp_path / "ok.db"
    first = make_sqlite_sink(str(path), {})
    first.write([{"id": "m-1"}])
    first.commit()
    again = make_sqlite_sink(str(path), {})
    again.check_table()
    again.write([{"id": "m-2"}])
    again.commit()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT id FROM measurements ORDER BY id").fetchall() == [
        ("m-1",),
        ("m-2",),
    ]
    conn.close()


def test_a_table_with_a_unique_id_index_passes_the_check(tmp_path: Path) -> None:
    path = tmp_path / "idx.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE measurements (id TEXT, record_json TEXT NOT NULL)")
    conn.execute("CREATE UNIQUE INDEX by_id ON measurements (id)")
    conn.close()
    make_sqlite_sink(str(path), {}).check_table()
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX by_id")
    conn.close()
    with pytest.raises(SinkTargetError) as caught:
        make_sqlite_sink(str(path), {"table": "measurements"}).check_table()
    assert str(caught.value) == FOREIGN.replace("sqlite:mine.db", f"sqlite:{path}")


# --------------------------------------------------------------------------------------
# F9: table: prints to stdout, so it is one of the streams there
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sinks", "message"),
    [
        (("csv:-", "table:"), "sinks csv:- and table: both write to stdout"),
        (("table:", "-"), "sinks table: and - both write to stdout"),
        (
            ("table:", "table:?max_rows=3"),
            "sinks table: and table:?max_rows=3 both write to stdout",
        ),
    ],
)
def test_table_and_another_stdout_stream_are_refused_before_any_request(
    runner: CliRunner, sinks: tuple[str, ...], message: str
) -> None:
    result, requests = _list(runner, *sinks)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {message}; give each sink its own target\n"
    assert requests == []
    assert result.stdout == ""


def test_table_with_files_is_accepted_and_a_callers_console_may_be_shared(
    tmp_path: Path,
) -> None:
    sinks = open_sinks(["table:", str(tmp_path / "a.csv")], _factories())
    assert sinks[0][1].target.kind == "stdout"  # type: ignore[attr-defined]
    for _, sink in sinks:
        sink.abort()
    own = TableSink(console=object())
    assert own.target is None
    check_destinations([("table:", own), ("-", _stdout_sink())])


def _stdout_sink() -> Any:
    return open_sinks(["-"], _factories())[0][1]
