"""The sink base (``ionworks_toolkit.sinks._base``) in process, with exact values: the state
machine and two-phase publish of :class:`BaseSink`, a stream whose reader leaves, target
parsing and classification, :class:`AtomicFile` (files on disk, modes, no ``.part`` left),
:class:`StreamOutput`, :func:`write_fully` and :func:`upsert_id`.

These tests are the fast selection of the ``sink-base`` mutation group (``nox -s mutants``):
each guards a rule a planted bug broke with every other test still passing.
"""

from __future__ import annotations

import errno
import io
import locale
import os
import socket
import stat
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ionworks_toolkit.sinks._base as sinks_base
import pytest
from ionworks_toolkit.sinks import (
    BaseSink,
    OutputTarget,
    SinkRecordError,
    SinkStateError,
    SinkTarget,
    SinkTargetError,
    _base,
    measurements_schema,
    output_target,
    parse_sink_target,
    projects_schema,
)
from ionworks_toolkit.sinks._base import (
    AtomicFile,
    FileSink,
    StreamOutput,
    check_options,
    close_quietly,
    install_hint,
    is_broken_pipe,
    open_output,
    redact_credentials,
    upsert_id,
    write_fully,
)


class Recorder(BaseSink):
    """A sink that records the hooks called; ``fail`` maps a hook to the exception it raises."""

    stages_output = True  # nothing reaches a target before commit

    def __init__(
        self,
        label: str = "mem:x",
        *,
        fail: Mapping[str, BaseException] | None = None,
        streaming: bool = False,
    ) -> None:
        super().__init__(label)
        self.calls: list[str] = []
        self.fail = dict(fail or {})
        self.streaming = streaming

    def _hook(self, name: str) -> None:
        self.calls.append(name)
        if name in self.fail:
            raise self.fail[name]

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self._hook(f"write {len(records)}")

    def _prepare(self) -> None:
        self._hook("prepare")

    def _commit(self) -> None:
        self._hook("commit")

    def _abort(self) -> None:
        self._hook("abort")


RECORDS = [{"id": "a"}, {"id": "b"}]


# --------------------------------------------------------------------------------------
# BaseSink: state machine, two-phase publish, descriptions
# --------------------------------------------------------------------------------------


def test_write_counts_records_and_describes_each_state() -> None:
    sink = Recorder()
    assert (sink.state, sink.records_written, sink.records_dropped) == ("open", 0, 0)
    assert sink.describe() == "0 records pending for mem:x (not committed)"
    assert repr(sink) == "<Recorder mem:x open records=0>"
    sink.write(RECORDS[:1])
    assert sink.describe() == "1 record pending for mem:x (not committed)"
    sink.write(RECORDS)
    assert sink.records_written == 3
    sink.prepare()
    assert sink.state == "prepared"
    assert sink.describe() == "3 records ready for mem:x (not yet published)"
    sink.commit()
    assert sink.state == "committed"
    assert sink.describe() == "wrote 3 records to mem:x"
    assert repr(sink) == "<Recorder mem:x committed records=3>"
    assert sink.calls == ["write 1", "write 2", "prepare", "commit"]


def test_commit_on_an_open_sink_prepares_first_and_once() -> None:
    sink = Recorder()
    sink.write(RECORDS)
    sink.commit()
    assert sink.calls == ["write 2", "prepare", "commit"]
    sink.abort()  # a no-op after commit
    assert (sink.state, sink.calls[-1]) == ("committed", "commit")


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        ("prepare", "prepare", "mem:x: cannot prepare: sink already prepared"),
        ("prepare", "write", "mem:x: cannot write: sink already prepared"),
        ("commit", "prepare", "mem:x: cannot prepare: sink already committed"),
        ("commit", "commit", "mem:x: cannot commit: sink already committed"),
        ("abort", "commit", "mem:x: cannot commit: sink already aborted"),
        ("abort", "prepare", "mem:x: cannot prepare: sink already aborted"),
        ("abort", "write", "mem:x: cannot write: sink already aborted"),
    ],
)
def test_closed_or_prepared_sink_refuses_with_the_action_and_state(
    first: str, then: str, message: str
) -> None:
    sink = Recorder()
    getattr(sink, first)()
    calls = list(sink.calls)
    with pytest.raises(SinkStateError) as info:
        getattr(sink, then)(*([RECORDS] if then == "write" else []))
    assert str(info.value) == message
    assert sink.calls == calls  # nothing ran


def test_abort_discards_once_and_keeps_the_count_in_the_description() -> None:
    sink = Recorder()
    sink.write(RECORDS)
    sink.prepare()
    sink.abort()
    sink.abort()
    assert sink.state == "aborted"
    assert sink.calls == ["write 2", "prepare", "abort"]
    assert sink.describe() == "aborted: mem:x left unchanged (2 records discarded)"


@pytest.mark.parametrize("hook", ["prepare", "commit"])
@pytest.mark.parametrize("exc", [OSError("disk full"), KeyboardInterrupt()], ids=repr)
def test_a_failing_publish_step_aborts_and_reraises(hook: str, exc: BaseException) -> None:
    sink = Recorder(fail={hook: exc})
    sink.write(RECORDS)
    with pytest.raises(type(exc)) as info:
        sink.commit()
    assert info.value is exc
    assert sink.state == "aborted"
    assert sink.calls == ["write 2", "prepare", *(["commit"] if hook == "commit" else []), "abort"]
    assert getattr(exc, "__notes__", []) == []


def test_a_failing_abort_after_a_failing_prepare_is_a_note_on_the_first_error() -> None:
    first = OSError("disk full")
    sink = Recorder(fail={"prepare": first, "abort": OSError("cannot delete")})
    with pytest.raises(OSError) as info:
        sink.prepare()
    assert info.value is first
    assert first.__notes__ == ["while handling it, aborting mem:x failed: OSError('cannot delete')"]
    assert sink.state == "aborted"


def test_an_abort_that_is_interrupted_is_not_swallowed_as_a_note() -> None:
    sink = Recorder(fail={"commit": OSError("rename refused"), "abort": KeyboardInterrupt()})
    with pytest.raises(KeyboardInterrupt):
        sink.commit()
    assert sink.state == "aborted"


def test_leaving_the_block_without_commit_warns_at_the_caller_and_aborts() -> None:
    sink = Recorder()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with sink:
            sink.write(RECORDS)
    assert [(w.category, str(w.message)) for w in caught] == [
        (RuntimeWarning, "mem:x: sink closed without commit(); output discarded")
    ]
    assert caught[0].filename != _base.__file__  # blamed on the caller (mutmut adds a frame)
    assert (sink.state, sink.calls) == ("aborted", ["write 2", "abort"])


@pytest.mark.parametrize("prepared", [False, True])
def test_leaving_the_block_with_an_exception_aborts_without_a_warning(prepared: bool) -> None:
    sink = Recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(KeyError), sink:
            sink.write(RECORDS)
            if prepared:
                sink.prepare()
            raise KeyError("page 2")
    assert sink.state == "aborted"
    assert sink.calls[-1] == "abort" and sink.calls.count("abort") == 1


def test_exit_never_suppresses_and_does_nothing_after_commit() -> None:
    sink = Recorder()
    sink.commit()
    error = ValueError("after commit")
    assert sink.__exit__(ValueError, error, None) is None
    assert sink.calls == ["prepare", "commit"]
    other = Recorder()
    assert other.__exit__(ValueError, ValueError("x"), None) is None
    assert other.calls == ["abort"]


def test_a_failing_abort_while_leaving_with_an_exception_is_a_note() -> None:
    sink = Recorder(fail={"abort": OSError("cannot delete")})
    with pytest.raises(KeyError) as info, sink:
        raise KeyError("page 2")
    assert info.value.__notes__ == [
        "while handling it, aborting mem:x failed: OSError('cannot delete')"
    ]


def test_a_failing_abort_while_leaving_without_an_exception_raises() -> None:
    sink = Recorder(fail={"abort": OSError("cannot delete")})
    with pytest.raises(OSError, match="cannot delete"), pytest.warns(RuntimeWarning), sink:
        pass
    assert sink.state == "aborted"


def test_schema_defaults_to_measurements_and_binds_only_before_the_first_write() -> None:
    sink = Recorder()
    assert sink.record_schema.resource == "measurements"
    assert sink.record_schema is sink.record_schema  # built once
    projects = projects_schema()
    sink.bind_schema(projects)
    assert sink.record_schema is projects
    sink.write(RECORDS)
    with pytest.raises(SinkStateError) as info:
        sink.bind_schema(measurements_schema())
    assert str(info.value) == "mem:x: the schema must be bound before the first write"
    assert sink.record_schema is projects
    empty = Recorder("mem:y")
    empty.abort()
    with pytest.raises(SinkStateError, match=r"^mem:y: the schema must be bound"):
        empty.bind_schema(projects)


def test_conversion_notes_follow_the_description() -> None:
    sink = Recorder()
    sink.write(RECORDS)
    sink.conversion.non_finite = 2
    sink.commit()
    assert sink.describe() == "wrote 2 records to mem:x (2 NaN/Infinity values written as null)"


# --------------------------------------------------------------------------------------
# BaseSink: a stream whose reader goes away
# --------------------------------------------------------------------------------------


def _epipe_without_class() -> OSError:
    """What a C library such as pyarrow raises: a plain OSError carrying EPIPE."""
    exc = OSError("IOError: Broken pipe")
    exc.errno = errno.EPIPE
    return exc


@pytest.mark.parametrize(
    "exc", [BrokenPipeError(errno.EPIPE, "Broken pipe"), _epipe_without_class()], ids=repr
)
def test_a_stream_whose_reader_left_drops_the_rest_quietly(exc: OSError) -> None:
    sink = Recorder("jsonl:-", streaming=True)
    sink.write(RECORDS)
    sink.fail["write 3"] = exc
    sink.write([{"id": "c"}, {"id": "d"}, {"id": "e"}])
    assert (sink.reader_gone, sink.records_written, sink.records_dropped) == (True, 2, 3)
    sink.write(RECORDS)  # not sent: the reader is gone
    assert sink.records_dropped == 5
    sink.commit()  # nothing left to publish there
    assert sink.calls == ["write 2", "write 3"]
    assert sink.state == "committed"
    assert sink.describe() == (
        "stopped writing to jsonl:-: its reader closed the pipe after 2 records; 5 records "
        "not written there"
    )


def test_a_closed_pipe_is_an_error_for_a_file_and_other_errors_for_a_stream() -> None:
    file_sink = Recorder(fail={"write 2": BrokenPipeError(errno.EPIPE, "Broken pipe")})
    with pytest.raises(BrokenPipeError):
        file_sink.write(RECORDS)
    assert (file_sink.reader_gone, file_sink.records_written, file_sink.records_dropped) == (
        False,
        0,
        0,
    )
    stream = Recorder("jsonl:-", streaming=True, fail={"write 2": OSError(errno.ENOSPC, "full")})
    with pytest.raises(OSError, match="full"):
        stream.write(RECORDS)
    assert (stream.reader_gone, stream.records_written, stream.records_dropped) == (False, 0, 0)


@pytest.mark.parametrize("hook", ["prepare", "commit"])
def test_a_reader_leaving_while_publishing_stops_that_stream_only(hook: str) -> None:
    sink = Recorder("parquet:-", streaming=True, fail={hook: BrokenPipeError(errno.EPIPE, "x")})
    sink.write(RECORDS)
    sink.commit()
    assert sink.state == "committed"
    assert (sink.reader_gone, sink.records_written, sink.records_dropped) == (True, 0, 2)
    assert sink.calls == ["write 2", "prepare", *(["commit"] if hook == "commit" else [])]
    assert sink.describe() == (
        "stopped writing to parquet:-: its reader closed the pipe after 0 records; 2 records "
        "not written there"
    )


def test_a_closed_pipe_while_publishing_a_file_aborts_it() -> None:
    sink = Recorder(fail={"prepare": BrokenPipeError(errno.EPIPE, "x")})
    sink.write(RECORDS)
    with pytest.raises(BrokenPipeError):
        sink.prepare()
    assert (sink.state, sink.reader_gone, sink.records_written) == ("aborted", False, 2)


def test_an_aborted_sink_that_may_write_directly_says_its_output_is_unknown() -> None:
    class Direct(Recorder):
        stages_output = False  # BaseSink's default: a plugin sink may write to its target

    sink = Direct()
    sink.write(RECORDS)
    sink.abort()
    assert sink.describe() == (
        "aborted: mem:x got 2 records; output state unknown (the sink does not declare "
        "stages_output: it may have written to its target directly)"
    )
    assert BaseSink("mem:y").stages_output is False


def test_an_aborted_stream_says_what_was_already_written() -> None:
    sink = Recorder("jsonl:-", streaming=True)
    sink.write(RECORDS[:1])
    sink.abort()
    assert sink.describe() == (
        "aborted after streaming 1 record to jsonl:- (already written; a stream cannot be "
        "taken back)"
    )
    empty = Recorder("jsonl:-", streaming=True)
    empty.abort()
    assert empty.describe() == "aborted: nothing written to jsonl:- (0 records discarded)"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (BrokenPipeError(errno.EPIPE, "x"), True),
        (_epipe_without_class(), True),
        (OSError(errno.ENOSPC, "full"), False),
        (ConnectionResetError(errno.ECONNRESET, "reset"), False),
        (ValueError("I/O operation on closed file"), False),
    ],
    ids=repr,
)
def test_is_broken_pipe(exc: BaseException, expected: bool) -> None:
    assert is_broken_pipe(exc) is expected


# --------------------------------------------------------------------------------------
# Target parsing and credentials in messages
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        ("  csv:out.csv \n", ["csv"], SinkTarget("csv", "out.csv", {})),
        ("CsV:out.csv", ["CSV"], SinkTarget("csv", "out.csv", {})),
        (" TABLE ", ["table"], SinkTarget("table", "", {})),
        ("OUT.CSV", ["csv"], SinkTarget("csv", "OUT.CSV", {})),
        ("a.db?&table=x&", ["sqlite"], SinkTarget("sqlite", "a.db", {"table": "x"})),
        ("a.db?%20table%20=%3Dx", ["sqlite"], SinkTarget("sqlite", "a.db", {"table": "=x"})),
        ("a.db?table=", ["sqlite"], SinkTarget("sqlite", "a.db", {"table": ""})),
        ("a.db?", ["sqlite"], SinkTarget("sqlite", "a.db", {})),
        ("x+y.z-w_v:t", ["x+y.z-w_v"], SinkTarget("x+y.z-w_v", "t", {})),
        ("csv:a?b=c?d", ["csv"], SinkTarget("csv", "a", {"b": "c?d"})),
        ("csv:a?b=c=d&e=", ["csv"], SinkTarget("csv", "a", {"b": "c=d", "e": ""})),
    ],
)
def test_parse_sink_target_edges(text: str, known: list[str], expected: SinkTarget) -> None:
    parsed = parse_sink_target(text, known)
    assert parsed == expected
    assert type(parsed.options) is dict


@pytest.mark.parametrize(
    ("text", "known", "message"),
    [
        ("ab:y", [], "unknown sink scheme 'ab' in 'ab:y'; allowed schemes: (none)"),
        (
            "out.csv",
            ["table"],
            "cannot infer a sink from 'out.csv': no SCHEME: prefix and the suffix '.csv' is not "
            "one of (none); allowed schemes: table",
        ),
        (
            "out",
            ["csv", "table"],
            "cannot infer a sink from 'out': no SCHEME: prefix and the suffix (none) is not one "
            "of .csv; allowed schemes: csv, table",
        ),
        (" \t", ["csv"], "empty sink target; allowed schemes: csv"),
        (
            "pg://lab:s3cret@h/db?password=x",
            ["csv"],
            "unknown sink scheme 'pg' in 'pg://lab:***@h/db?password=***'; allowed schemes: csv",
        ),
        (
            "csv:o.csv?//lab:s3cret@h",
            ["csv"],
            "malformed option '//lab:***@h' in 'csv:o.csv?//lab:***@h'; expected key=value"
            " (a '?' in a target starts its options: a file whose name holds '?' cannot be a "
            "target)",
        ),
        ("csv:o.csv?=x", ["csv"], "malformed option '=x' in 'csv:o.csv?=x'; expected key=value"),
        (
            "csv:o.csv?%20=x",
            ["csv"],
            "malformed option '%20=x' in 'csv:o.csv?%20=x'; expected key=value",
        ),
        (
            "csv:o.csv?a=1&%61=2",
            ["csv"],
            "option 'a' given twice in 'csv:o.csv?a=1&%61=2'",
        ),
    ],
)
def test_parse_sink_target_errors_name_the_input(text: str, known: list[str], message: str) -> None:
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target(text, known)
    assert str(info.value) == message


def test_parse_sink_target_uses_the_given_suffixes() -> None:
    parsed = parse_sink_target("cells.txt", ["csv"], suffixes={".txt": "csv"})
    assert parsed == SinkTarget("csv", "cells.txt", {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "postgresql://lab:s3cret@host/db?password=x",
            "postgresql://lab:***@host/db?password=***",
        ),
        ("postgresql://:s3cret@host/db", "postgresql://:***@host/db"),
        ("postgresql://lab@host/db?sslmode=require", "postgresql://lab@host/db?sslmode=require"),
        ("db?a=1&PASSWORD=s3&b=2", "db?a=1&PASSWORD=***&b=2"),
        ("password=s3cret#frag", "password=***#frag"),
        ("db?mypassword=s3", "db?mypassword=s3"),
        ("a:b@host", "a:b@host"),
    ],
)
def test_redact_credentials(text: str, expected: str) -> None:
    assert redact_credentials(text) == expected


def test_sink_target_str_quotes_every_reserved_character() -> None:
    assert str(SinkTarget("table", "", {})) == "table:"
    target = SinkTarget("s3", "bucket/out", {"a/b": "c d&e=f/g"})
    assert str(target) == "s3:bucket/out?a%2Fb=c%20d%26e%3Df%2Fg"
    assert parse_sink_target(str(target), ["s3"]) == target


@pytest.mark.parametrize(
    ("allowed", "message"),
    [
        ((), "unknown option 'x' for sink 'jsonl'; allowed options: none"),
        (("b", "a"), "unknown option 'x' for sink 'jsonl'; allowed options: a, b"),
    ],
)
def test_check_options_names_the_key_and_the_allowed(
    allowed: tuple[str, ...], message: str
) -> None:
    check_options("jsonl", {"a": "1"} if allowed else {}, allowed)  # known keys pass
    with pytest.raises(SinkTargetError) as info:
        check_options("jsonl", {"a": "1", "x": "2"} if allowed else {"x": "2"}, allowed)
    assert str(info.value) == message


# --------------------------------------------------------------------------------------
# output_target: what a target is, before anything is written
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_every_name_of_stdout_is_a_stream(name: str) -> None:
    assert output_target("jsonl", name) == OutputTarget(None, True, "stdout")
    with pytest.raises(SinkTargetError) as info:
        output_target("sqlite", name, streams=False)
    assert str(info.value) == (
        f"sqlite:{name}: the sqlite sink cannot write to stdout; give a file path, e.g. "
        "sqlite:out.db"
    )


@pytest.mark.parametrize("name", ["/abcdefg7", "/abcdefghijklm12"])  # prefix lengths 8, 14
def test_a_path_with_digits_where_a_descriptor_number_would_be_is_a_path(name: str) -> None:
    assert output_target("csv", name) == OutputTarget(Path(name), False, "new file")


def test_a_file_named_dash_in_a_folder_is_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert output_target("csv", "./-") == OutputTarget(tmp_path / "-", False, "new file")
    assert output_target("csv", "-") == OutputTarget(None, True, "stdout")


def test_base_sink_takes_the_schema_given() -> None:
    projects = projects_schema()
    assert BaseSink("mem:x", record_schema=projects).record_schema is projects


@pytest.mark.parametrize("name", ["/dev/fd/7", "/proc/self/fd/12"])
def test_a_file_descriptor_is_a_stream_by_number(name: str) -> None:
    number = int(name.rsplit("/", 1)[1])
    assert output_target("csv", name) == OutputTarget(None, True, "file descriptor", fd=number)
    with pytest.raises(SinkTargetError) as info:
        output_target("parquet", name, streams=False)
    assert str(info.value) == (
        f"parquet:{name}: a file descriptor is a stream; the parquet sink writes regular "
        "files only, e.g. parquet:out.parquet"
    )


@pytest.mark.parametrize(
    ("scheme", "streams", "message"),
    [
        ("csv", True, "sink 'csv' needs a file path or '-' for stdout, e.g. csv:out.csv"),
        ("sqlite", False, "sink 'sqlite' needs a file path, e.g. sqlite:out.db"),
        ("plugin", True, "sink 'plugin' needs a file path or '-' for stdout, e.g. plugin:out"),
    ],
)
def test_an_empty_target_names_an_example(scheme: str, streams: bool, message: str) -> None:
    with pytest.raises(SinkTargetError) as info:
        output_target(scheme, "", streams=streams)
    assert str(info.value) == message


def test_new_and_existing_files_are_resolved_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(real)
    assert output_target("csv", "~/real/new.csv") == OutputTarget(
        real / "new.csv", False, "new file"
    )
    assert output_target("csv", "new.csv") == OutputTarget(real / "new.csv", False, "new file")
    (real / "old.csv").write_text("x")
    (tmp_path / "link.csv").symlink_to(real / "old.csv")
    (tmp_path / "linkdir").symlink_to(real)
    assert output_target("csv", "~/link.csv") == OutputTarget(real / "old.csv", False, "file")
    assert output_target("csv", str(tmp_path / "linkdir" / "n.csv")) == OutputTarget(
        real / "n.csv", False, "new file"
    )
    assert list(real.iterdir()) == [real / "old.csv"]  # nothing created


def test_a_missing_directory_or_an_unusable_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SinkTargetError) as info:
        output_target("csv", str(tmp_path / "no" / "out.csv"))
    assert str(info.value) == (
        f"csv:{tmp_path}/no/out.csv: directory '{tmp_path}/no' does not exist"
    )
    (tmp_path / "file").write_text("x")
    with pytest.raises(SinkTargetError) as info:
        output_target("csv", str(tmp_path / "file" / "out.csv"))
    assert str(info.value) == (
        f"csv:{tmp_path}/file/out.csv: cannot use this path: Not a directory"
    )
    assert isinstance(info.value.__cause__, NotADirectoryError)


def test_devices_and_fifos_are_streams_never_replaced(tmp_path: Path) -> None:
    assert output_target("jsonl", "/dev/null") == OutputTarget(
        Path("/dev/null"), True, "character device"
    )
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "to-fifo").symlink_to(fifo)
    assert output_target("csv", str(fifo)) == OutputTarget(fifo, True, "FIFO")
    assert output_target("csv", str(tmp_path / "to-fifo")) == OutputTarget(
        tmp_path / "to-fifo", True, "FIFO"
    )
    with pytest.raises(SinkTargetError) as info:
        output_target("sqlite", "/dev/null", streams=False)
    assert str(info.value) == (
        "sqlite:/dev/null: '/dev/null' is a character device, not a regular file; it is never "
        "replaced (the sqlite sink writes regular files)"
    )
    with pytest.raises(SinkTargetError) as info:
        output_target("parquet", str(fifo), streams=False)
    assert str(info.value) == (
        f"parquet:{fifo}: '{fifo}' is a FIFO, not a regular file; it is never replaced (the "
        "parquet sink writes regular files)"
    )


def test_a_directory_and_a_socket_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SinkTargetError) as info:
        output_target("jsonl", str(tmp_path))
    assert str(info.value) == (
        f"jsonl:{tmp_path}: '{tmp_path}' is a directory, not a regular file; it is never "
        "replaced (the jsonl sink writes regular files, character devices and FIFOs)"
    )
    monkeypatch.chdir(tmp_path)  # a short relative name: socket paths are limited to 108 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("s.sock")
        with pytest.raises(SinkTargetError) as info:
            output_target("csv", "s.sock")
    assert str(info.value) == (
        "csv:s.sock: 's.sock' is a socket, not a regular file; it is never replaced (the csv "
        "sink writes regular files, character devices and FIFOs)"
    )


@pytest.mark.parametrize(
    ("mode", "kind"), [(stat.S_IFBLK | 0o660, "block device"), (0o644, "special file")]
)
def test_block_devices_and_other_special_files_are_refused(
    mode: int, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_stat = os.stat

    def fake_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if path == "/dev/special":
            return os.stat_result((mode, 0, 0, 1, 0, 0, 0, 0, 0, 0))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", fake_stat)
    with pytest.raises(SinkTargetError) as info:
        output_target("jsonl", "/dev/special")
    assert str(info.value) == (
        f"jsonl:/dev/special: '/dev/special' is a {kind}, not a regular file; it is never "
        "replaced (the jsonl sink writes regular files, character devices and FIFOs)"
    )


# --------------------------------------------------------------------------------------
# AtomicFile: a temporary file beside the target, replaced or deleted
# --------------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_atomic_text_file_is_written_beside_and_published_with_the_umask_mode(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.csv"
    out = AtomicFile(target)
    assert out.tmp_path is None
    handle = out.open()
    assert out.open() is handle
    assert out.tmp_path is not None
    tmp = out.tmp_path
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(".out.csv.") and tmp.name.endswith(".part")
    handle.write("電池,a\r\nb\n")
    assert not target.exists()
    old = os.umask(0o027)
    try:
        out.publish()
    finally:
        os.umask(old)
    assert target.read_bytes() == "電池,a\r\nb\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert out.tmp_path is None
    assert os.listdir(tmp_path) == ["out.csv"]
    out.discard()  # after publish: nothing to delete, the target stays
    assert target.read_bytes() == "電池,a\r\nb\n".encode()


def test_atomic_binary_file_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    target.write_bytes(b"old")
    target.chmod(0o604)
    out = AtomicFile(target, binary=True)
    out.open().write(b"PAR1\x00\xff")
    out.prepare()
    tmp = out.tmp_path
    assert tmp is not None and stat.S_IMODE(tmp.stat().st_mode) == 0o604
    assert out.open().closed
    assert target.read_bytes() == b"old"  # prepared, not published
    out.prepare()  # idempotent
    out.publish()
    assert target.read_bytes() == b"PAR1\x00\xff"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert os.listdir(tmp_path) == ["out.parquet"]


def test_atomic_file_written_by_path_is_synced_and_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "out.parquet"
    out = AtomicFile(target, binary=True)
    tmp = out.close_handle()  # for writers that want a path (pyarrow)
    assert tmp == out.tmp_path and out.open().closed
    tmp.write_bytes(b"written by path")
    out.publish()
    assert target.read_bytes() == b"written by path"
    assert synced == [str(tmp), str(tmp_path)]  # the file, then its directory


def test_atomic_file_syncs_an_open_handle_before_closing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bytes | str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        seen.append(path.read_bytes() if path.is_file() else str(path))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    out = AtomicFile(tmp_path / "o.jsonl")
    out.open().write("line\n")
    out.prepare()
    assert seen == [b"line\n"]  # flushed before the sync
    out.prepare()
    out.publish()
    assert seen == [b"line\n", str(tmp_path)]  # the file once, then its directory


def test_atomic_file_discard_deletes_only_its_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n")
    out = AtomicFile(target)
    out.discard()  # never opened: nothing to do
    handle = out.open()
    handle.write("new\n")
    out.discard()
    assert handle.closed
    assert out.tmp_path is None
    assert os.listdir(tmp_path) == ["out.jsonl"]
    assert target.read_text() == "previous\n"
    again = AtomicFile(target)
    again.close_handle()
    assert again.tmp_path is not None
    again.tmp_path.unlink()  # already gone (e.g. cleaned by someone else)
    again.discard()
    assert again.tmp_path is None


def test_atomic_file_discard_survives_a_failing_close(tmp_path: Path) -> None:
    class FailingClose(io.StringIO):
        def close(self) -> None:
            raise OSError("No space left on device")

    out = AtomicFile(tmp_path / "o.jsonl")
    out.open()
    tmp = out.tmp_path
    assert tmp is not None
    out._handle.close()  # type: ignore[union-attr]
    out._handle = FailingClose()
    out.discard()
    assert not tmp.exists() and out.tmp_path is None


def test_current_umask_is_read_without_changing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The umask is process-wide: setting it for a moment to read it (the fallback) could
    give a file another thread creates meanwhile the wrong mode; /proc is read instead."""
    old = os.umask(0o027)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(os, "umask", lambda mask: pytest.fail("umask changed"))
            assert _base._current_umask() == 0o027
    finally:
        os.umask(old)


def test_current_umask_without_proc(monkeypatch: pytest.MonkeyPatch) -> None:
    old = os.umask(0o027)
    try:

        def no_proc(*args: Any, **kwargs: Any) -> Any:
            raise FileNotFoundError(2, "No such file or directory")

        monkeypatch.setattr(_base, "open", no_proc, raising=False)
        assert _base._current_umask() == 0o027
        assert _umask() == 0o027  # restored
    finally:
        os.umask(old)


def test_fsync_dir_syncs_directories_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")))
    (tmp_path / "f").write_text("x")
    before = sorted(os.listdir("/proc/self/fd"))
    _base._fsync_dir(tmp_path / "f")  # not a directory: quietly nothing
    _base._fsync_dir(tmp_path / "missing")
    _base._fsync_dir(tmp_path)
    assert synced == [str(tmp_path)]
    assert sorted(os.listdir("/proc/self/fd")) == before  # closed again

    def failing(fd: int) -> None:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "fsync", failing)
    _base._fsync_dir(tmp_path)  # a file system that cannot sync directories
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_close_quietly() -> None:
    class FailingClose(io.StringIO):
        def close(self) -> None:
            super().close()
            raise OSError("EPIPE on flush")

    close_quietly(None)
    handle = FailingClose()
    close_quietly(handle)
    assert handle.closed


# --------------------------------------------------------------------------------------
# StreamOutput, write_fully, open_output, FileSink
# --------------------------------------------------------------------------------------


def test_stdout_text_is_utf8_whatever_the_terminal_encoding() -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="latin-1", write_through=False)
    stdout.write("before|")  # buffered in the text layer: goes out first
    out = StreamOutput(OutputTarget(None, True, "stdout"), stream=stdout)
    handle = out.open()
    assert out.open() is handle
    assert not out.streamed  # opened, nothing written yet
    assert handle.write("電池\n") == 3
    # written straight to the byte stream: out already, flushed or not (FINDINGS12 M5)
    assert out.streamed
    assert raw.getvalue() == "before|電池\n".encode()
    out.flush()
    assert out.streamed
    out.publish()
    assert not stdout.closed and not raw.closed  # stdout is never closed


def test_stdout_without_a_byte_buffer_takes_text_as_is() -> None:
    stdout = io.StringIO()
    out = StreamOutput(OutputTarget(None, True, "stdout"), stream=stdout)
    assert out.open() is stdout
    stdout.write("x")
    out.publish()
    assert stdout.getvalue() == "x" and not stdout.closed
    binary = StreamOutput(OutputTarget(None, True, "stdout"), binary=True, stream=io.StringIO())
    with pytest.raises(SinkTargetError) as info:
        binary.open()
    assert str(info.value) == "stdout takes no binary data here (no byte buffer)"


def test_binary_stdout_writes_every_byte_and_never_closes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)  # looked up at the first write
    out = StreamOutput(OutputTarget(None, True, "stdout"), binary=True)
    handle = out.open()
    assert (handle.writable(), handle.closed) == (True, False)
    assert handle.write(b"PAR1") == 4
    assert handle.write(memoryview(b"\x00\x01")) == 2
    out.prepare()
    assert raw.getvalue() == b"PAR1\x00\x01" and out.streamed
    out.publish()
    assert not raw.closed


def test_a_published_stream_ignores_later_flushes_and_discards(tmp_path: Path) -> None:
    raw = io.BytesIO()
    out = StreamOutput(
        OutputTarget(None, True, "stdout"), stream=io.TextIOWrapper(raw, encoding="utf-8")
    )
    out.open().write("x")
    out.publish()
    out.flush()
    out.discard()
    out.publish()
    assert raw.getvalue() == b"x"
    device = StreamOutput(OutputTarget(tmp_path / "dev", True, "FIFO"))
    device.open().write("y")
    device.publish()
    device.flush()
    device.discard()
    assert (tmp_path / "dev").read_text() == "y"


def test_discard_of_stdout_whose_buffer_was_closed_is_quiet() -> None:
    raw = io.BytesIO()
    out = StreamOutput(
        OutputTarget(None, True, "stdout"), stream=io.TextIOWrapper(raw, encoding="utf-8")
    )
    out.open().write("x")
    raw.close()
    out.discard()  # flushing a closed buffer: ValueError, ignored while discarding


def test_prepare_opens_and_flushes_a_stream_never_written() -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    stdout.write("pending")
    out = StreamOutput(OutputTarget(None, True, "stdout"), stream=stdout)
    out.flush()  # nothing opened yet: nothing sent
    assert not out.streamed
    out.prepare()
    assert out.streamed and raw.getvalue() == b"pending"


def test_a_file_descriptor_is_written_through_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "fd.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        os.write(fd, b"kept|")
        out = StreamOutput(OutputTarget(None, True, "file descriptor", fd=fd))
        handle = out.open()
        assert handle.fileno() != fd
        handle.write("電池\r\n")
        out.publish()
        assert handle.closed
        os.write(fd, b"|still open")  # the caller's descriptor stays usable
    finally:
        os.close(fd)
    assert path.read_bytes() == "kept|電池\r\n|still open".encode()


def test_a_device_path_is_opened_in_place_and_closed(tmp_path: Path) -> None:
    device = tmp_path / "device"
    device.write_bytes(b"")
    out = StreamOutput(OutputTarget(device, True, "character device"), binary=True)
    handle = out.open()
    handle.write(b"\x00bytes")
    out.flush()
    assert device.read_bytes() == b"\x00bytes"
    out.discard()  # stops: what was streamed stays
    assert handle.closed
    assert device.read_bytes() == b"\x00bytes"
    text = StreamOutput(OutputTarget(device, True, "FIFO"))
    text.open().write("é\n")
    text.publish()
    assert device.read_bytes() == "é\n".encode()


def test_discard_survives_a_stream_that_fails_on_close(tmp_path: Path) -> None:
    class Failing:
        closed = False

        def flush(self) -> None:
            pass

        def close(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    out = StreamOutput(OutputTarget(tmp_path / "d", True, "FIFO"))
    out._owned = out._handle = Failing()  # type: ignore[assignment]
    out.discard()
    out._owned = out._handle = Failing()  # type: ignore[assignment]
    with pytest.raises(BrokenPipeError):
        out.publish()


def test_reader_left_points_stdout_at_the_null_device(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stdout.txt"
    with open(path, "w", encoding="utf-8") as fake_stdout:
        monkeypatch.setattr(sys, "stdout", fake_stdout)
        out = StreamOutput(OutputTarget(None, True, "stdout"))
        out.open().write("page 1\n")
        out.flush()
        out.reader_left()
        assert (out._handle, out._wrapper) == (None, None)
        os.write(fake_stdout.fileno(), b"after the reader left")
    assert path.read_bytes() == b"page 1\n"


def test_reader_left_of_a_given_stream_or_device_leaves_stdout_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stdout.txt"
    with open(path, "w", encoding="utf-8") as given:
        monkeypatch.setattr(sys, "stdout", given)
        out = StreamOutput(OutputTarget(None, True, "stdout"), stream=given)
        out.open()
        out.reader_left()
        device = StreamOutput(OutputTarget(tmp_path / "dev", True, "FIFO"))
        handle = device.open()
        device.reader_left()
        assert handle.closed and device._owned is None
        os.write(given.fileno(), b"still here")
    assert path.read_bytes() == b"still here"


class _NoFileno:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def fileno(self) -> int:
        raise self.exc

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(
    "stdout",
    [
        None,  # pythonw: no stdout at all (AttributeError)
        _NoFileno(ValueError("I/O operation on closed file")),
        _NoFileno(OSError(errno.EBADF, "Bad file descriptor")),
        _NoFileno(AttributeError("fileno")),
    ],
    ids=repr,
)
def test_reader_left_survives_a_stdout_it_cannot_redirect(
    stdout: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdout", stdout)
    before = sorted(os.listdir("/proc/self/fd"))
    out = StreamOutput(OutputTarget(None, True, "stdout"), stream=None)
    out.reader_left()
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_reader_left_closes_the_null_device_when_redirecting_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(fd: int, fd2: int) -> None:
        raise OSError(errno.EBUSY, "Device or resource busy")

    monkeypatch.setattr(sys, "stdout", _NoFileno(AssertionError("unused")))
    monkeypatch.setattr(sys.stdout, "fileno", lambda: 1)
    before = sorted(os.listdir("/proc/self/fd"))
    with monkeypatch.context() as patched:
        patched.setattr(os, "dup2", refused)
        StreamOutput(OutputTarget(None, True, "stdout")).reader_left()
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_reader_left_survives_a_device_that_fails_on_close(tmp_path: Path) -> None:
    class Failing:
        def close(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    out = StreamOutput(OutputTarget(tmp_path / "d", True, "FIFO"))
    out._owned = out._handle = Failing()  # type: ignore[assignment]
    out.reader_left()
    assert (out._owned, out._handle) == (None, None)


class _Pipe:
    """A byte buffer taking at most ``chunk`` bytes per call, and nothing after ``limit``."""

    def __init__(self, chunk: int, limit: int) -> None:
        self.data = b""
        self.chunk, self.limit = chunk, limit

    def write(self, data: Any) -> int:
        taken = bytes(data[: min(self.chunk, self.limit - len(self.data))])
        self.data += taken
        return len(taken)

    def flush(self) -> None:
        pass


def test_write_fully_refuses_to_lose_bytes_in_silence() -> None:
    pipe = _Pipe(chunk=3, limit=100)
    assert write_fully(pipe, memoryview(b"abcdefgh")) == 8  # type: ignore[arg-type]
    assert pipe.data == b"abcdefgh"
    full = _Pipe(chunk=3, limit=4)
    with pytest.raises(BrokenPipeError) as info:
        write_fully(full, b"abcdefgh")  # type: ignore[arg-type]
    assert (info.value.errno, info.value.strerror) == (errno.EPIPE, "the stream took no more bytes")
    assert full.data == b"abcd"
    assert write_fully(full, b"") == 0  # type: ignore[arg-type]


def test_open_output_by_kind(tmp_path: Path) -> None:
    stream = io.StringIO()
    out = open_output(OutputTarget(None, True, "stdout"), binary=True, stream=stream)
    assert isinstance(out, StreamOutput)
    assert (out.binary, out.stream) == (True, stream)
    atomic = open_output(OutputTarget(tmp_path / "o.csv", False, "file"), binary=True)
    assert isinstance(atomic, AtomicFile)
    assert (atomic.path, atomic.binary) == (tmp_path / "o.csv", True)
    assert open_output(OutputTarget(tmp_path / "o.csv", False, "file")).binary is False  # type: ignore[union-attr]


class LineSink(FileSink):
    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self._out.open().write("".join(f"{r['id']}\n" for r in records))
        self._flush_stream()

    def _commit(self) -> None:
        self._out.publish()

    def _abort(self) -> None:
        self._out.discard()


def test_file_sink_labels_paths_and_streams(tmp_path: Path) -> None:
    to_file = LineSink("lines", tmp_path / "o.txt")
    assert (to_file.label, to_file.path, to_file.streaming) == (
        f"lines:{tmp_path}/o.txt",
        tmp_path / "o.txt",
        False,
    )
    assert to_file.target == OutputTarget(tmp_path / "o.txt", False, "file")
    to_file.write(RECORDS)
    # Flushed after each page (AtomicFile.sync_written), synced once DATA_SYNC_BYTES are written.
    assert to_file._out.tmp_path.read_text() == "a\nb\n"  # type: ignore[union-attr]
    to_file.commit()
    assert (tmp_path / "o.txt").read_text() == "a\nb\n"
    stdout = io.StringIO()
    to_stdout = LineSink("lines", stream=stdout, label="mine")
    assert (to_stdout.label, to_stdout.path, to_stdout.streaming) == ("mine", None, True)
    assert to_stdout.target == OutputTarget(None, True, "stdout")
    assert LineSink("lines").label == "lines:-"
    projects = projects_schema()
    typed = LineSink("lines", tmp_path / "p.bin", record_schema=projects, binary=True)
    assert typed.record_schema is projects
    assert isinstance(typed._out, AtomicFile) and typed._out.binary is True
    assert LineSink("lines", tmp_path / "t.txt")._out.binary is False  # type: ignore[union-attr]
    device = OutputTarget(tmp_path / "dev", True, "FIFO")
    on_device = LineSink("lines", tmp_path / "ignored", target=device)
    assert (on_device.label, on_device.path, on_device.streaming) == (
        f"lines:{tmp_path}/dev",
        None,
        True,
    )


def test_file_sink_flushes_each_page_of_a_stream_and_stops_when_the_reader_left(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    sink = LineSink("lines", stream=stdout)
    sink.write(RECORDS)
    assert raw.getvalue() == b"a\nb\n"  # sent with its page
    stream_out = sink._out
    assert isinstance(stream_out, StreamOutput)
    left: list[str] = []
    monkeypatch.setattr(stream_out, "reader_left", lambda: left.append("told"))
    raw.close()  # the reader went away
    monkeypatch.setattr(
        stream_out, "open", lambda: (_ for _ in ()).throw(BrokenPipeError(errno.EPIPE, "x"))
    )
    sink.write(RECORDS)
    assert (sink.reader_gone, sink.records_dropped, left) == (True, 2, ["told"])


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "m-1"}, "m-1"),
        ({"id": 7}, 7),
        ({"id": ""}, ""),
        ({"id": 2**63 - 1}, 2**63 - 1),
        ({"id": -(2**63)}, -(2**63)),
    ],
)
def test_upsert_id_takes_text_or_integers(record: dict[str, Any], expected: Any) -> None:
    assert upsert_id("sqlite:c.db", "sqlite", 1, record) == expected


@pytest.mark.parametrize(
    ("record", "shown"),
    [
        ({"name": "x"}, "no 'id'"),
        ({"id": None}, "no 'id'"),
        ({"id": True}, "an unusable id True"),
        ({"id": 1.0}, "an unusable id 1.0"),
        ({"id": ["a"]}, "an unusable id ['a']"),
        # FINDINGS6 F14: exact as parsed, but beyond SQLite's INTEGER and PostgreSQL's bigint
        ({"id": 10**22}, f"an unusable id {10**22} (beyond 64 bits)"),
        ({"id": 2**63}, f"an unusable id {2**63} (beyond 64 bits)"),
        ({"id": -(2**63) - 1}, f"an unusable id {-(2**63) - 1} (beyond 64 bits)"),
    ],
)
def test_upsert_id_refuses_other_ids_naming_the_record(record: dict[str, Any], shown: str) -> None:
    with pytest.raises(SinkRecordError) as info:
        upsert_id("postgresql://lab@h/db", "postgresql", 12, record)
    assert str(info.value) == (
        f"postgresql://lab@h/db: record #12 has {shown}; the postgresql sink upserts by id "
        "(text or integer)"
    )


def test_text_outputs_are_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """Files, devices and descriptors get UTF-8, never the locale's encoding (ASCII under
    ``LC_ALL=C`` without Python's UTF-8 mode)."""
    previous = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    fd = os.open(tmp_path / "fd.txt", os.O_WRONLY | os.O_CREAT)
    try:
        atomic = AtomicFile(tmp_path / "file.txt")
        atomic.open().write("電池\r\n")
        atomic.publish()
        device = StreamOutput(OutputTarget(tmp_path / "device.txt", True, "FIFO"))
        device.open().write("電池\r\n")
        device.publish()
        described = StreamOutput(OutputTarget(None, True, "file descriptor", fd=fd))
        described.open().write("電池\r\n")
        described.publish()
    finally:
        os.close(fd)
        locale.setlocale(locale.LC_CTYPE, previous)
    for name in ("file.txt", "device.txt", "fd.txt"):
        assert (tmp_path / name).read_bytes() == "電池\r\n".encode(), name


# ------------------------------------------------------------------------- install_hint


def test_install_hint_of_the_installed_toolkit_names_its_extra() -> None:
    assert install_hint("parquet", "pyarrow") == 'pip install "ionworks-toolkit[parquet]"'
    assert install_hint(None, "rich") == "pip install rich"
    assert install_hint(None, "psycopg[binary]", "rich") == 'pip install "psycopg[binary]" rich'


def test_install_hint_of_a_vendored_copy_names_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A vendored copy (scripts/vendor.py) lives under the partner's package and has no
    extras: the hint names the packages, quoting those with brackets for the shell."""
    monkeypatch.setattr(sinks_base, "__name__", "acme_lab._vendor.ionworks_toolkit.sinks._base")
    assert install_hint("parquet", "pyarrow") == "pip install pyarrow"
    assert install_hint("postgres", "psycopg[binary]") == 'pip install "psycopg[binary]"'
