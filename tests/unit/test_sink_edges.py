"""Sink edges a newcomer/break-it pass found: a table column that is empty must not throw
away the other sinks' exports."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

SEVERSON = "Severson 2019 fast-charging cycle life"


# ------------------------------------------------- 1. an empty declared table column


@pytest.mark.parametrize(
    ("table", "data"),
    [
        (["--columns", "name,end_time", "--sink", "table:"], "big.db"),
        (["--sink", "table:?columns=name,end_time"], "big.jsonl"),
    ],
)
def test_an_empty_declared_table_column_is_shown_empty_and_the_data_sinks_are_published(
    cli_list: Callable[..., Any],
    sandbox_server: Any,
    table: list[str],
    data: str,
) -> None:
    result = cli_list(sandbox_server, SEVERSON, "--all", *table, "--sink", data)
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[1]
    assert [c.strip() for c in header.strip("┃").split("┃")] == ["name", "end_time"]
    assert result.stdout.splitlines()[3].rstrip().endswith("│          │")
    scheme = "sqlite" if data.endswith(".db") else "jsonl"
    table_line = "printed 128 of 128 records (table:; column 'end_time' empty in every record)"
    wrote = f"wrote 128 records to {scheme}:{data}"
    assert result.stderr.splitlines()[:2] == [
        table_line,
        wrote + (" (table measurements)" if scheme == "sqlite" else ""),
    ]
    if scheme == "sqlite":
        with sqlite3.connect(data) as db:
            assert db.execute("select count(*) from measurements").fetchone() == (128,)
    else:
        assert len(Path(data).read_text(encoding="utf-8").splitlines()) == 128


# ------------------------------------------ 2./3. lone surrogates and NUL in server text

DATA = Path(__file__).resolve().parents[1] / "data"
PROJECT_ID = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"
BAD_NAME = "bad \ud800 nul \u0000 end"


def three_items(bad_name: str) -> list[dict[str, Any]]:
    page = json.loads((DATA / "by_project_page_severson.json").read_text(encoding="utf-8"))
    items = []
    for n in range(3):
        item: dict[str, Any] = copy.deepcopy(page["items"][0])
        item["id"] = f"m-{n}"
        item["name"] = bad_name if n == 1 else f"cell {n}"
        items.append(item)
    return items


def serve(items: list[dict[str, Any]]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.dumps({"items": items, "count": len(items), "total": len(items)})
        assert "\\ud800" in body  # valid JSON: the lone surrogate as an escape
        return httpx.Response(
            200, content=body.encode(), headers={"content-type": "application/json"}
        )

    return handler


def test_a_lone_surrogate_becomes_u_fffd_in_every_sink_and_is_named(
    make_toolkit: Any, tmp_path: Path
) -> None:
    toolkit = make_toolkit(serve(three_items(BAD_NAME)))
    targets = [f"{tmp_path}/nul.{s}" for s in ("jsonl", "csv", "db", "parquet")]
    result = toolkit.export(PROJECT_ID, targets)
    note = "1 lone surrogate written as U+FFFD (record 'm-1' field name)"
    assert result.sinks == (
        f"wrote 3 records to jsonl:{tmp_path}/nul.jsonl ({note})",
        f"wrote 3 records to csv:{tmp_path}/nul.csv ({note}; 1 NUL character written as U+FFFD)",
        f"wrote 3 records to sqlite:{tmp_path}/nul.db (table measurements) ({note})",
        f"wrote 3 records to parquet:{tmp_path}/nul.parquet ({note})",
    )
    lines = (tmp_path / "nul.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["name"] for line in lines] == [
        "cell 0",
        "bad \ufffd nul \u0000 end",
        "cell 2",
    ]
    raw = (tmp_path / "nul.csv").read_bytes()
    assert b"\x00" not in raw
    rows = list(csv.reader((tmp_path / "nul.csv").open(newline="", encoding="utf-8")))
    assert [row[rows[0].index("name")] for row in rows[1:]] == [
        "cell 0",
        "bad \ufffd nul \ufffd end",
        "cell 2",
    ]
    with sqlite3.connect(tmp_path / "nul.db") as conn:
        assert conn.execute("SELECT name FROM measurements ORDER BY id").fetchall() == [
            ("cell 0",),
            ("bad \ufffd nul \u0000 end",),
            ("cell 2",),
        ]
    conn.close()
    assert pq.read_table(tmp_path / "nul.parquet").column("name").to_pylist() == [
        "cell 0",
        "bad \ufffd nul \u0000 end",
        "cell 2",
    ]


def test_surrogates_in_keys_and_nested_text_are_counted_and_the_first_three_named() -> None:
    from ionworks_toolkit.sinks import JsonlSink

    out = io.StringIO()
    sink = JsonlSink(stream=out)
    with sink:
        sink.write(
            [
                {"id": "a", "name": "x\udc00\udc00", "test_setup": {"k\ud801": ["ok", "\ud802"]}},
                {"name": "plain"},
                {"name": "\udfff"},
            ]
        )
        sink.commit()
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {"id": "a", "name": "x\ufffd\ufffd", "test_setup": {"k\ufffd": ["ok", "\ufffd"]}},
        {"name": "plain"},
        {"name": "\ufffd"},
    ]
    assert sink.surrogates == 5
    assert sink.describe() == (
        "wrote 3 records to jsonl:- (5 lone surrogates written as U+FFFD (record 'a' field "
        "name, record 'a' field name, record 'a' field test_setup.(key), ...))"
    )


def test_a_record_without_id_is_named_by_its_position_in_the_run() -> None:
    from ionworks_toolkit.sinks import JsonlSink

    out = io.StringIO()
    sink = JsonlSink(stream=out)
    with sink:
        sink.write([{"id": 1, "name": "fine"}, {"id": 2, "name": "é"}])
        sink.write([{"name": "ok"}, {"notes": ["a", ("b\ud800",)]}])
        sink.commit()
    assert sink.surrogate_places == ["record #4 field notes[1][0]"]
    assert sink.describe() == (
        "wrote 4 records to jsonl:- (1 lone surrogate written as U+FFFD (record #4 field "
        "notes[1][0]))"
    )
    assert out.getvalue().splitlines()[3] == '{"notes":["a",["b\ufffd"]]}'


# ------------------------------------------- 4. truthful outcome for streams and devices


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("scheme", ["jsonl", "csv", "parquet"])
def test_a_device_that_took_nothing_is_not_said_to_be_rolled_back(
    cli_list: Callable[..., Any], sandbox_server: Any, scheme: str
) -> None:
    result = cli_list(sandbox_server, SEVERSON, "--limit", "3", "--sink", f"{scheme}:/dev/full")
    assert result.exit_code == 6
    assert result.stderr.splitlines()[-1] == (
        f"sink error: sink {scheme}:/dev/full failed: OSError: [Errno 28] No space left on "
        f"device (nothing written (no previous output to keep): {scheme}:/dev/full)"
    )


def test_the_table_on_a_full_terminal_and_a_file_beside_it_are_named_apart(tmp_path: Path) -> None:
    from ionworks_toolkit.export import sink_outcome
    from ionworks_toolkit.sinks import JsonlSink, TableSink
    from rich.console import Console

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    table = TableSink(console=Console(file=Full(), width=80))
    # The previous file is there before the sink is made: one made after it is someone
    # else's, which the prepare step refuses to replace (FINDINGS11 L5).
    (tmp_path / "keep.jsonl").write_text("PREV\n", encoding="utf-8")
    data = JsonlSink(tmp_path / "keep.jsonl")
    for sink in (table, data):
        sink.write([{"id": "m-1", "name": "cell"}])
    data.prepare()
    with pytest.raises(OSError):
        table.commit()
    data.abort()
    assert sink_outcome([("table:", table), ("keep.jsonl", data)], name_rolled_back=True) == (
        "rolled back (previous output kept): keep.jsonl; nothing written (no previous output "
        "to keep): table:"
    )
    assert table.describe() == "aborted: nothing written to table: (1 record discarded)"
    assert (tmp_path / "keep.jsonl").read_text(encoding="utf-8") == "PREV\n"


def test_a_stream_that_sent_a_page_is_already_streamed_and_one_that_sent_none_is_not() -> None:
    from ionworks_toolkit.export import sink_outcome
    from ionworks_toolkit.sinks import JsonlSink

    out = io.StringIO()
    sent = JsonlSink(stream=out)
    sent.write([{"id": "m-1"}, {"id": "m-2"}])
    sent.abort()

    class PluginStream:
        state = "aborted"
        streaming = True
        stages_output = True
        records_written = 3

    quiet = JsonlSink(stream=io.StringIO())
    quiet.abort()
    assert sink_outcome(
        [("jsonl:-", sent), ("plugin:x", PluginStream()), ("jsonl:/dev/stderr", quiet)],  # type: ignore[list-item]
        name_rolled_back=True,
    ) == (
        "nothing written (no previous output to keep): jsonl:/dev/stderr; already streamed: "
        "jsonl:- (2 records, cannot be taken back), plugin:x (3 records, cannot be taken back)"
    )
    assert sent.describe() == (
        "aborted after streaming 2 records to jsonl:- (already written; a stream cannot be "
        "taken back)"
    )
    assert quiet.describe() == "aborted: nothing written to jsonl:- (0 records discarded)"


# --------------------------------------------------- 5. part files of killed runs


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("suffix", ["jsonl", "db", "csv", "parquet"])
def test_the_next_run_removes_part_files_of_killed_runs_and_names_the_rest(
    tmp_path: Path, suffix: str
) -> None:
    from ionworks_toolkit.sinks import open_sink
    from ionworks_toolkit.sinks._base import process_space

    dead, here = _dead_pid(), process_space()
    elsewhere = "0" * 8 if here != "0" * 8 else "1" * 8
    stale = f".k.{suffix}.{here}-{dead}.jr15me1o.part"
    live = f".k.{suffix}.{here}-1.abcdefgh.part"  # pid 1 always exists
    old = f".k.{suffix}.0zbilqey.part"  # an older version's name: no pid
    # another machine's or container's (its pid means nothing here, dead or not)
    remote = f".k.{suffix}.{elsewhere}-{dead}.q1w2e3r4.part"
    other = f".other.{suffix}.{here}-{dead}.x1y2z3.part"  # another target's
    for name in (stale, live, old, remote, other):
        (tmp_path / name).write_bytes(b"x" * 10)
    sink: Any = open_sink(f"{tmp_path}/k.{suffix}")
    with sink:
        sink.write([{"id": "m-1", "name": "cell"}])
        sink.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"k.{suffix}", live, old, remote, other]
    )
    table = " (table measurements)" if suffix == "db" else ""
    assert sink.describe() == (
        f"wrote 1 record to {sink.label}{table} (removed 1 part file of a killed run: {stale}; "
        f"2 part files of an unknown run left beside it (delete if no other run is writing "
        f"it): {', '.join(sorted([old, remote]))})"
    )


def test_a_part_file_of_this_process_is_kept_and_a_clean_folder_adds_no_note(
    tmp_path: Path,
) -> None:
    import os

    from ionworks_toolkit.sinks import JsonlSink
    from ionworks_toolkit.sinks._base import part_prefix, process_space, remove_stale_parts

    target = tmp_path / "k.jsonl"
    assert part_prefix(target) == f".k.jsonl.{process_space()}-{os.getpid()}."
    mine = tmp_path / f".k.jsonl.{process_space()}-{os.getpid()}.abc.part"
    mine.write_bytes(b"")
    assert remove_stale_parts(target) == ([], [])
    assert remove_stale_parts(tmp_path / "missing" / "k.jsonl") == ([], [])
    sink = JsonlSink(target)
    with sink:
        sink.write([{"id": "m-1"}])
        sink.commit()
    assert sink.describe() == f"wrote 1 record to jsonl:{target}"
    assert mine.exists()


# ---------------------------------- 6. an export that matched nothing replaces a file


def test_an_empty_result_replacing_a_file_says_so_with_the_previous_size(
    cli_list: Callable[..., Any], sandbox_server: Any
) -> None:
    Path("em.jsonl").write_text("PREV\n", encoding="utf-8")
    Path("new.jsonl").unlink(missing_ok=True)
    result = cli_list(
        sandbox_server,
        "Sandbox empty project",
        "--all",
        "--sink",
        "em.jsonl",
        "--sink",
        "new.jsonl",
    )
    assert result.exit_code == 0, result.output
    assert Path("em.jsonl").read_bytes() == b""
    assert result.stderr.splitlines()[:2] == [
        "wrote 0 records to jsonl:em.jsonl (no record matched: the previous em.jsonl (5 bytes) "
        "was replaced)",
        "wrote 0 records to jsonl:new.jsonl",
    ]


def test_a_run_with_records_or_into_an_empty_file_adds_no_note(tmp_path: Path) -> None:
    from ionworks_toolkit.sinks import JsonlSink

    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    full = tmp_path / "full.jsonl"
    full.write_text("PREV\n", encoding="utf-8")
    quiet = JsonlSink(empty)
    with quiet:
        quiet.commit()
    written = JsonlSink(full)
    with written:
        written.write([{"id": "m-1"}])
        written.commit()
    assert quiet.describe() == f"wrote 0 records to jsonl:{empty}"
    assert written.describe() == f"wrote 1 record to jsonl:{full}"


def test_process_space_tells_machines_and_pid_namespaces_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two containers sharing a folder (own PID namespaces, maybe one host name) or two
    machines on a network folder: a pid that is dead here may be a live writer there."""
    import os
    import socket

    from ionworks_toolkit.sinks import _base

    def space(host: str, namespace: str | None) -> str:
        def readlink(path: str) -> str:
            assert path == "/proc/self/ns/pid"
            if namespace is None:
                raise OSError(2, "No such file or directory")  # not Linux
            return namespace

        monkeypatch.setattr(socket, "gethostname", lambda: host)
        monkeypatch.setattr(os, "readlink", readlink)
        _base.process_space.cache_clear()
        try:
            return _base.process_space()
        finally:
            _base.process_space.cache_clear()

    lab = space("lab-1", "pid:[4026531836]")
    assert re.fullmatch(r"[0-9a-f]{8}", lab)
    assert space("lab-1", "pid:[4026531836]") == lab
    assert space("lab-2", "pid:[4026531836]") != lab  # another machine
    assert space("lab-1", "pid:[4026532999]") != lab  # another container, same host name
    assert space("lab-1", None) != lab  # no /proc: the host name alone
    assert space("lab-1", None) == space("lab-1", "")


def test_pid_alive_keeps_what_it_cannot_tell_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from ionworks_toolkit.sinks import _base

    assert _base._pid_alive(0) is True  # never a writer's id
    assert _base._pid_alive(os.getpid()) is True
    assert _base._pid_alive(_dead_pid()) is False

    def denied(pid: int, signal: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "kill", denied)
    assert _base._pid_alive(4242) is True  # another user's live process


def test_several_projects_keep_an_orjson_page_json_ready_so_the_sinks_skip_their_scans() -> None:
    import datetime as dt

    from ionworks_toolkit._codec import JsonReadyList
    from ionworks_toolkit.bulk import _Run

    def walks(project: Any) -> _Run:
        return _Run(
            project,
            presets=(),
            filters={},
            max_records=None,
            incremental=False,
            overlap=dt.timedelta(0),
            concurrency=1,
        )

    page = JsonReadyList([{"id": "m-1"}], plain_for="CellMeasurementWithDetails")
    several = walks(["p-1", "p-2"]).records("p-1", page)
    assert type(several) is JsonReadyList
    assert (several, several.plain_for) == ([{"project_id": "p-1", "id": "m-1"}], None)
    one = walks("p-1").records("p-1", page)
    assert (type(one), one.plain_for) == (JsonReadyList, "CellMeasurementWithDetails")  # type: ignore[attr-defined]
    plain = walks(["p-1", "p-2"]).records("p-1", [{"id": "m-1"}])
    assert type(plain) is list
