"""``jsonl:`` sink: one JSON object per line, to a file (atomic) or stdout (streamed)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ._base import AtomicFile, BaseSink, SinkTargetError, check_options, output_path
from ._flatten import dumps

__all__ = ["JsonlSink", "make_jsonl_sink"]


class JsonlSink(BaseSink):
    """JSON Lines: one compact JSON object per record and line, UTF-8 (``ensure_ascii=False``),
    keys in the order given, ``\\n`` line ends.

    * To a file (``path``): lines go to a temporary file beside it; ``commit()`` fsyncs and
      replaces the target atomically; ``abort()`` deletes the temporary file.
    * To a stream (``path=None``; default ``sys.stdout``, looked up at first write): each page
      is written and flushed as it arrives. Nothing can be taken back, so ``abort()`` only
      stops; :meth:`describe` says so. Bytes go to the stream's binary buffer as UTF-8 when it
      has one, whatever the terminal encoding.

    :raises TypeError: a record holds a value JSON cannot represent.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        stream: IO[str] | None = None,
        label: str | None = None,
    ) -> None:
        super().__init__(label or (f"jsonl:{path}" if path is not None else "jsonl:-"))
        self.path = path
        self._stream = stream
        self._file = AtomicFile(path) if path is not None else None

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        if not records:
            return
        text = "".join(dumps(record) + "\n" for record in records)
        if self._file is not None:
            self._file.open().write(text)
            return
        stream = self._stream if self._stream is not None else sys.stdout
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            stream.write(text)
            stream.flush()

    def _commit(self) -> None:
        if self._file is not None:
            self._file.publish()

    def _abort(self) -> None:
        if self._file is not None:
            self._file.discard()

    def describe(self) -> str:
        if self._file is None and self.state == "aborted":
            return (
                f"aborted after streaming {self.records_written} "
                f"record{'' if self.records_written == 1 else 's'} to stdout (jsonl:-)"
            )
        return super().describe()


def make_jsonl_sink(target: str, options: dict[str, str]) -> JsonlSink:
    """Factory for ``jsonl:PATH`` and ``jsonl:-`` (stdout). Takes no options.

    :raises SinkTargetError: an option was given, the target is empty, or its directory
        does not exist.
    """
    check_options("jsonl", options, ())
    if target == "-":
        return JsonlSink(None)
    if not target:
        raise SinkTargetError("sink 'jsonl' needs a file path or '-' for stdout, e.g. jsonl:-")
    return JsonlSink(output_path("jsonl", target), label=f"jsonl:{target}")
