"""Helpers the sink tests share (test_sinks, test_sink_dataset, test_sink_postgres,
test_dataset_*): one whole sink run over given pages, and a folder's files as bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ionworks_toolkit.sinks import BaseSink, open_sink


def export_pages(target: str, pages: list[list[dict[str, Any]]]) -> BaseSink:
    """Open the sink ``target`` names (``open_sink``), write each page (a list of record
    dicts), commit and close it; the closed sink (its ``describe()``, ``sink_outcome``)."""
    with open_sink(target) as sink:
        for page in pages:
            sink.write(page)
        sink.commit()
    assert isinstance(sink, BaseSink)
    return sink


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below ``root``: its path relative to ``root`` -> its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
