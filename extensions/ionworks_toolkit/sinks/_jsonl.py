"""``jsonl:`` sink: one JSON object per line, to a file (atomic) or a stream (stdout, devices)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import IO, Any, BinaryIO

from .._codec import JsonReadyList, dumps_bytes
from ._base import (
    AtomicFile,
    FileSink,
    OutputTarget,
    StreamOutput,
    StrPath,
    check_options,
    output_target,
)
from ._columns import RecordSchema
from ._flatten import dumps, json_default

__all__ = ["JsonlSink", "make_jsonl_sink", "write_lines"]

#: Lines per ``os.writev`` call: each line takes two buffers (its bytes and ``\n``), and the
#: system takes at most ``SC_IOV_MAX`` buffers per call (1024 on Linux and macOS).
_LINES_PER_WRITEV = max(1, (os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") else 1024) // 2)
_NEWLINE = b"\n"


def write_lines(buffer: BinaryIO, lines: Sequence[Any]) -> None:
    """Write each of ``lines`` (bytes-like: ``bytes``, ``msgspec.Raw``) followed by ``\n`` to
    ``buffer``, a buffered binary file (``io.BufferedWriter`` over a regular file), without
    joining them first: ``buffer`` is flushed, then the lines go to its file descriptor with
    ``os.writev`` (:data:`_LINES_PER_WRITEV` lines per call), so a 9 MB page of the seed
    endpoint is not copied into one more 9 MB buffer before the system copies it to the file.
    A short write (a full disk mid-call) is finished with ``os.write``, and any error
    (``OSError``: ``ENOSPC``...) is raised. Where ``os.writev`` does not exist (Windows),
    the lines are joined and written through ``buffer``."""
    if not lines:
        return
    writev = getattr(os, "writev", None)
    if writev is None:
        buffer.write(_NEWLINE.join(lines))
        buffer.write(_NEWLINE)
        return
    buffer.flush()
    fd = buffer.fileno()
    for start in range(0, len(lines), _LINES_PER_WRITEV):
        vectors: list[Any] = []
        for line in lines[start : start + _LINES_PER_WRITEV]:
            vectors.append(line)
            vectors.append(_NEWLINE)
        expected = sum(map(len, vectors))
        written = writev(fd, vectors)
        if written < expected:  # the rest, byte-exact, in as many writes as it takes
            rest = memoryview(b"".join(vectors))[written:]
            while rest:
                rest = rest[os.write(fd, rest) :]


class JsonlSink(FileSink):
    """JSON Lines: one compact JSON object per record and line, UTF-8 (``ensure_ascii=False``),
    keys in the order given, ``\\n`` line ends. Always valid JSON: each record goes through
    :meth:`RecordSchema.json_record` (declared date-times as UTC text with ``Z``, dates as
    ``YYYY-MM-DD``, NaN/+-Infinity as ``null``, counted in :attr:`conversion`). A page of
    records that rule leaves unchanged, parsed by msgspec, may come with each record's JSON
    bytes as the server sent them (``JsonReadyList.raw_lines``): to a file, those bytes are
    the lines (the same records; the server's spacing and escapes kept).

    * To a regular file (``path``): lines go to a temporary file beside it; ``commit()`` fsyncs
      and replaces the target atomically; ``abort()`` deletes the temporary file.
    * To a stream (``path=None``: stdout, default ``sys.stdout`` looked up at first write; or a
      ``target`` that is a character device, FIFO or ``/dev/fd/N``): each page is written and
      flushed as it arrives. Nothing can be taken back, so ``abort()`` only stops; a closed
      pipe (``| head``) stops this sink quietly (:attr:`reader_gone`) and the run goes on for
      the other sinks. Bytes are UTF-8 whatever the terminal encoding.
    """

    applies_date_rule = True  # every record goes through record_schema's rule
    #: Writes a page's ``JsonReadyList.raw_lines`` (the items' JSON bytes as the server sent
    #: them) instead of encoding its records again, when it holds plain records of this
    #: sink's record schema: an export asks for them only when a sink says so.
    takes_raw_lines = True
    worker_thread_safe = True  # a regular file: its pages may go out from a worker thread

    def __init__(
        self,
        path: StrPath | None = None,
        *,
        stream: IO[str] | None = None,
        label: str | None = None,
        target: OutputTarget | None = None,
        record_schema: RecordSchema | None = None,
    ) -> None:
        super().__init__(
            "jsonl", path, label=label, target=target, record_schema=record_schema, stream=stream
        )

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        if not records:
            return
        json_record, stats = self.record_schema.json_record, self.conversion
        ready = type(records) is JsonReadyList  # parsed by msgspec: no NaN/Infinity to scan for
        raw_lines = None
        if ready and records.plain_for == self.record_schema.name:  # type: ignore[attr-defined]
            # Date-times already in this schema's form (JsonReadyList.plain_for): the rule
            # would give every record back unchanged.
            json_record = _unchanged
            raw_lines = records.raw_lines  # type: ignore[attr-defined]
        handle = self._out.open()
        buffer = getattr(handle, "buffer", None)
        if buffer is not None and getattr(handle, "encoding", "") == "utf-8":
            # A UTF-8 text file: the encoder's bytes go straight to its byte buffer (no
            # decode to text and encode back, ~8% of a page's CPU).
            handle.flush()  # nothing is pending in the text layer; kept in order regardless
            if raw_lines is not None:
                # The records' own bytes as the server sent them: the same values as
                # encoding them again (see _codec.raw_items), at a quarter of the CPU.
                if isinstance(self._out, AtomicFile):
                    write_lines(buffer, raw_lines)
                else:  # a stream: one write per page, as for encoded lines
                    buffer.write(b"\n".join(raw_lines))
                    buffer.write(b"\n")
            else:
                buffer.write(
                    b"".join(
                        [
                            dumps_bytes(json_record(record, stats, json_ready=ready), json_default)
                            + b"\n"
                            for record in records
                        ]
                    )
                )
        else:
            lines = [
                dumps(json_record(record, stats, json_ready=ready)) + "\n" for record in records
            ]
            start = self._out.delivered if isinstance(self._out, StreamOutput) else None
            try:
                handle.write("".join(lines))
            except BaseException:  # the reader left, or Ctrl-C/SIGTERM: count what went out
                self._count_cut_page(lines, start)
                raise
        self._flush_stream()

    def _prepare(self) -> None:
        self._out.prepare()

    def _commit(self) -> None:
        self._out.publish()

    def _abort(self) -> None:
        self._out.discard()


def _unchanged(record: Any, stats: Any = None, *, json_ready: bool = False) -> Any:
    return record


def make_jsonl_sink(target: str, options: dict[str, str]) -> JsonlSink:
    """Factory for ``jsonl:PATH`` and ``jsonl:-`` (stdout; ``/dev/stdout`` alike). A character
    device or FIFO is written as a stream; a directory, socket or block device is refused.
    Takes no options.

    :raises SinkTargetError: an option was given, the target is empty or refused, or its
        directory does not exist.
    """
    check_options("jsonl", options, ())
    return JsonlSink(target=output_target("jsonl", target), label=f"jsonl:{target}")
