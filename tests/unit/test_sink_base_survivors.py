"""Rules of the sink base (``ionworks_toolkit.sinks._base``) that the ``sink-base`` mutation
group's survivors showed untested, with exact values: lone surrogates only in a key, in a
non-dict mapping, under an empty key or nested, a clean page handed on untouched; the part
files of killed runs (an unrelated file sorting first, an unlink that fails, the notes'
plurals and order); ``_pid_alive`` never signalling the process it probes; the description
of an empty scheme list and a stream not yet flushed.

Each test was checked against its mutants planted by hand (TESTING.md).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from closed_pipe import ClosedPipe
from ionworks_toolkit.sinks import JsonlSink, SinkTargetError, _base, parse_sink_target
from ionworks_toolkit.sinks._base import BaseSink, process_space, stale_parts_note


class Keeper(BaseSink):
    """A sink that keeps each page exactly as ``_write`` received it."""

    stages_output = True

    def __init__(self) -> None:
        super().__init__("mem:x")
        self.pages: list[Sequence[Mapping[str, Any]]] = []

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.pages.append(records)

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


# ------------------------------------------------------------------ lone surrogates


def test_a_clean_page_with_non_ascii_text_is_handed_on_as_the_same_list() -> None:
    """No lone surrogate anywhere (non-ASCII keys and values, numbers, booleans, nulls,
    nested lists and tuples): the page is not copied (the hot path), nothing is counted."""
    page = [
        {
            "id": "é-1",
            "nämé": "ünïcode ✓",
            "n": 1,
            "x": 1.5,
            "ok": True,
            "none": None,
            "nested": {"ké": ["à", ("b", False)]},
        },
        {"id": "plain", "flag": False},
    ]
    sink = Keeper()
    sink.write(page)
    assert sink.pages[0] is page
    assert (sink.surrogates, sink.surrogate_places) == (0, [])
    assert sink.describe() == "2 records pending for mem:x (not committed)"


def test_a_lone_surrogate_only_in_a_top_level_key_is_replaced_and_named() -> None:
    sink = Keeper()
    sink.write([{"id": "k-1", "na\ud800me": "plain value"}])
    assert sink.pages == [[{"id": "k-1", "na\ufffdme": "plain value"}]]
    assert sink.surrogate_places == ["record 'k-1' field (key)"]
    assert sink.describe() == (
        "1 record pending for mem:x (not committed) (1 lone surrogate written as U+FFFD "
        "(record 'k-1' field (key)))"
    )


def test_nested_places_are_dotted_paths_and_an_empty_key_is_the_record() -> None:
    sink = Keeper()
    sink.write(
        [
            {"id": "n-1", "test_setup": {"cycler": "x\udc00"}},
            {"id": "n-2", "": "\ud801"},
            {"id": "n-3", "steps": [{"k\ud802": 1}]},
        ]
    )
    assert sink.pages == [
        [
            {"id": "n-1", "test_setup": {"cycler": "x\ufffd"}},
            {"id": "n-2", "": "\ufffd"},
            {"id": "n-3", "steps": [{"k\ufffd": 1}]},
        ]
    ]
    assert sink.surrogate_places == [
        "record 'n-1' field test_setup.cycler",
        "record 'n-2' field (record)",
        "record 'n-3' field steps[0].(key)",
    ]


def test_a_record_that_is_a_mapping_but_not_a_dict_is_searched_too() -> None:
    record = MappingProxyType({"id": "p-1", "name": "a\ud800b", "tags": ("t\udfff",)})
    sink = Keeper()
    sink.write([record])
    assert sink.pages == [[{"id": "p-1", "name": "a\ufffdb", "tags": ["t\ufffd"]}]]
    assert type(sink.pages[0][0]) is dict
    assert sink.surrogates == 2
    assert sink.surrogate_places == ["record 'p-1' field name", "record 'p-1' field tags[0]"]


# ------------------------------------------------------------------ part files


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_an_unrelated_file_sorting_first_does_not_stop_the_cleanup(tmp_path: Path) -> None:
    stale = f".k.jsonl.{process_space()}-{_dead_pid()}.abc123.part"
    for name in (".a-note", ".k.jsonl", stale):  # '.a-note' and '.k.jsonl' sort before it
        (tmp_path / name).write_bytes(b"x")
    assert _base.remove_stale_parts(tmp_path / "k.jsonl") == ([stale], [])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a-note", ".k.jsonl"]


def test_a_part_file_that_cannot_be_removed_is_left_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / f".k.jsonl.{process_space()}-{_dead_pid()}.abc123.part"
    stale.write_bytes(b"x")

    def refused(path: Any) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "unlink", refused)
    assert _base.remove_stale_parts(tmp_path / "k.jsonl") == ([], [])
    assert stale.exists()


@pytest.mark.parametrize(
    ("removed", "unknown", "note"),
    [
        ([], [], ""),
        ([".a.part"], [], "removed 1 part file of a killed run: .a.part"),
        (
            [".a.part", ".b.part"],
            [],
            "removed 2 part files of a killed run: .a.part, .b.part",
        ),
        (
            [],
            [".c.part"],
            "1 part file of an unknown run left beside it (delete if no other run is writing "
            "it): .c.part",
        ),
        (
            [".a.part"],
            [".c.part", ".d.part"],
            "removed 1 part file of a killed run: .a.part; 2 part files of an unknown run "
            "left beside it (delete if no other run is writing it): .c.part, .d.part",
        ),
    ],
)
def test_stale_parts_note_counts_and_names_the_files(
    removed: list[str], unknown: list[str], note: str
) -> None:
    assert stale_parts_note(removed, unknown) == note


def test_an_empty_run_replacing_a_file_says_so_before_the_part_files_it_removed(
    tmp_path: Path,
) -> None:
    target = tmp_path / "k.jsonl"
    target.write_text("PREV\n", encoding="utf-8")
    stale = f".k.jsonl.{process_space()}-{_dead_pid()}.abc123.part"
    (tmp_path / stale).write_bytes(b"x")
    sink = JsonlSink(target)
    with sink:
        sink.commit()
    assert target.read_bytes() == b""
    assert sink.describe() == (
        f"wrote 0 records to jsonl:{target} (no record matched: the previous k.jsonl (5 bytes) "
        f"was replaced; removed 1 part file of a killed run: {stale})"
    )


def test_probing_a_live_process_sends_it_no_signal() -> None:
    """``os.kill(pid, 0)`` only asks whether ``pid`` exists; any other signal number would
    reach a live writer (SIGHUP, 1, ends it). The child restores SIGHUP's default action
    (a parent started under ``nohup`` ignores it) before saying it is ready."""
    code = (
        "import signal, sys; signal.signal(signal.SIGHUP, signal.SIG_DFL); "
        "print('ready', flush=True); sys.stdin.read()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        assert _base._pid_alive(child.pid) is True
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
        assert child.stdout is not None
        child.stdout.close()
    assert child.returncode == 0


# ------------------------------------------------------------------ descriptions


def test_no_known_scheme_is_named_as_none() -> None:
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target("", [])
    assert str(info.value) == "empty sink target; allowed schemes: (none)"


def test_a_directory_with_no_known_scheme_or_suffix_shows_placeholders(tmp_path: Path) -> None:
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target(str(tmp_path), [])
    assert str(info.value) == (
        f"cannot infer a sink from {str(tmp_path)!r}: it is a directory; name a file in it: "
        f"SCHEME:{tmp_path}/FILE (e.g. SCHEME:{tmp_path}/FILE) or a file with one of the "
        "suffixes (none); allowed schemes: (none)"
    )


def test_a_directory_example_strips_only_trailing_slashes(tmp_path: Path) -> None:
    folder = tmp_path / "runX"
    folder.mkdir()
    with pytest.raises(SinkTargetError) as info:
        parse_sink_target(f"{folder}//", ["jsonl"])
    assert str(info.value) == (
        f"cannot infer a sink from {f'{folder}//'!r}: it is a directory; name a file in it: "
        f"SCHEME:{folder}/FILE (e.g. jsonl:{folder}/FILE) or a file with one of the suffixes "
        ".jsonl, .ndjson; allowed schemes: jsonl"
    )


def test_a_stream_sink_is_not_streamed_before_its_first_flush() -> None:
    sink = JsonlSink(stream=io.StringIO())
    assert sink.streamed is False
    sink.write([{"id": "m-1"}])
    assert sink.streamed is True
    sink.abort()


# ------------------------------------------------------------------ streams cut mid-page


class _Stdout:
    def __init__(self, accept: int) -> None:
        self.raw = ClosedPipe(accept)
        self.buffer = io.BytesIO()
        self.buffer.raw = self.raw  # type: ignore[attr-defined]

    def flush(self) -> None:
        pass


def test_a_second_page_cut_after_one_whole_line_counts_that_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bytes a page delivered are counted from where that page started: the pipe took
    page one whole, then the first line of page two and 5 bytes of its second."""
    first = b'{"id":"m-1"}\n{"id":"m-2"}\n'
    stdout = _Stdout(accept=len(first) + len(b'{"id":"m-3"}\n') + 5)
    monkeypatch.setattr(sys, "stdout", stdout)
    sink = JsonlSink()
    sink.write([{"id": "m-1"}, {"id": "m-2"}])
    sink.write([{"id": "m-3"}, {"id": "m-4"}, {"id": "m-5"}])
    assert (sink.reader_gone, sink.records_written, sink.records_dropped) == (True, 3, 2)
    assert stdout.raw.accepted == first + b'{"id":"m-3"}\n{"id"'
    sink.commit()
    assert sink.describe() == (
        "stopped writing to jsonl:-: its reader closed the pipe after 3 records; 2 records "
        "not written there"
    )


def test_a_descriptor_target_gets_each_write_at_once(tmp_path: Path) -> None:
    """``/dev/fd/N`` and a FIFO are written unbuffered: what a write took is in the pipe
    before any flush (so the records counted as delivered are the ones the reader can get)."""
    from ionworks_toolkit.sinks._base import OutputTarget, StreamOutput

    read, write = os.pipe()
    os.set_blocking(read, False)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    fifo_read = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    outputs = [
        (StreamOutput(OutputTarget(None, True, "file descriptor", fd=write)), read),
        (StreamOutput(OutputTarget(fifo, True, "FIFO")), fifo_read),
        (StreamOutput(OutputTarget(fifo, True, "FIFO"), binary=True), fifo_read),
    ]
    try:
        for out, end in outputs:
            out.open().write(b"ab\n" if out.binary else "é\n")
            assert os.read(end, 100) == ("é\n".encode() if not out.binary else b"ab\n")
            assert (out.delivered, out.writes) == (3, 1)
            out.discard()
    finally:
        for fd in (read, write, fifo_read):
            os.close(fd)
