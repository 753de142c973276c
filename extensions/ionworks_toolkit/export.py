"""Export bookkeeping, shared by every export loop: open sinks, write pages, commit or abort.

A run writes each page's records (``item.to_dict()``) to every sink, commits every sink at the
end and, on any error or interrupt, aborts every sink (no half-written output, the previous
output kept). Sink failures become SinkError naming the sink. Nothing here does I/O on the
network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .errors import ConfigurationError, SinkError
from .pagination import WalkStats
from .sinks import Sink, SinkTarget, parse_sink_target

__all__ = [
    "ExportResult",
    "abort_sinks",
    "commit_sinks",
    "export_result",
    "open_sinks",
    "write_page",
]

logger = logging.getLogger("ionworks_toolkit.http")

SinkFactories = Mapping[str, tuple[Callable[[str, dict[str, str]], Sink], str]]


@attrs.frozen
class ExportResult:
    """What an export did: ``records`` written to every sink, ``duplicates`` skipped, ``pages``
    and ``requests``, the server's ``total``, and each sink's one-line description."""

    project_id: str
    records: int
    duplicates: int
    pages: int
    requests: int
    total: int | None
    sinks: tuple[str, ...]

    @property
    def total_mismatch(self) -> bool:
        return self.total is not None and self.total != self.records + self.duplicates


def open_sinks(targets: Sequence[str | Sink], factories: SinkFactories) -> list[tuple[str, Sink]]:
    """Parse every target (``SCHEME:TARGET[?k=v]`` or a path) and build its sink.

    ``factories``: scheme -> (factory, owning plugin), from the ``ionworks_register_sinks``
    hook. Raises ConfigurationError naming the target and the known schemes; nothing is opened
    when any target is bad.
    """
    parsed: list[tuple[str, SinkTarget | None, Sink | None]] = []
    for target in targets:
        if not isinstance(target, str):
            # A ready sink is named by its label ("csv:out.csv") when it has one.
            label = getattr(target, "label", None)
            parsed.append(
                (label if isinstance(label, str) else type(target).__name__, None, target)
            )
            continue
        try:
            target_spec = parse_sink_target(target, factories.keys())
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from exc
        parsed.append((target, target_spec, None))
    sinks: list[tuple[str, Sink]] = []
    for text, spec, ready in parsed:
        if ready is not None:
            sinks.append((text, ready))
            continue
        assert spec is not None
        factory, _owner = factories[spec.scheme]
        try:
            sinks.append((text, factory(spec.target, dict(spec.options))))
        except Exception as exc:
            for _, opened in sinks:  # nothing stays open when any target is bad
                opened.abort()
            if isinstance(exc, ValueError | ImportError):
                # A bad target or option, or a missing optional dependency (pyarrow for
                # parquet:): a setup problem, reported before any request.
                raise ConfigurationError(str(exc)) from exc
            raise SinkError(text, exc) from exc
    return sinks


def write_page(sinks: Sequence[tuple[str, Sink]], page: Sequence[Any]) -> None:
    """Write one page's records to every sink; SinkError on a failure. ``page``: records
    (dicts, from ``ListOperation.records()``) or models (written as ``item.to_dict()``)."""
    records = [item if type(item) is dict else item.to_dict() for item in page]
    for text, sink in sinks:
        try:
            sink.write(records)
        except Exception as exc:
            raise SinkError(text, exc) from exc


def commit_sinks(sinks: Sequence[tuple[str, Sink]]) -> None:
    """Commit every sink in order; SinkError naming the first that fails."""
    for text, sink in sinks:
        try:
            sink.commit()
        except Exception as exc:
            raise SinkError(text, exc) from exc


def abort_sinks(sinks: Sequence[tuple[str, Sink]]) -> None:
    """Abort every sink; a failing abort is logged and the others still aborted."""
    for _, sink in sinks:
        try:
            sink.abort()
        except Exception:  # keep aborting the others; the original error is what matters
            logger.exception("sink abort failed")


def export_result(
    project_id: str, stats: WalkStats, sinks: Sequence[tuple[str, Sink]]
) -> ExportResult:
    """The ExportResult of a finished run."""
    return ExportResult(
        project_id=project_id,
        records=stats.records,
        duplicates=stats.duplicates,
        pages=stats.pages,
        requests=stats.requests,
        total=stats.total,
        sinks=tuple(sink.describe() if hasattr(sink, "describe") else text for text, sink in sinks),
    )
