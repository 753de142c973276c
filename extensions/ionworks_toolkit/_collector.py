"""Fewer cyclic garbage collections while an export runs (issue 14).

A 1000-item page of the seed endpoint parses into ~20,000 containers (dicts and lists),
laid out again by the sinks: ~40,000 allocations per page, nearly all of them freed by
reference counting once the page is written. With the collector's default gen-0 threshold
(700) that work triggers ~60 young collections per page and, as the pages survive them,
full collections of the whole heap: ~20-30% of an export's CPU, all of it spent finding
no garbage (the export path makes no reference cycles per page: responses are freed by
reference counting, see ``transport._unbound``).

:func:`fewer_collections` raises the gen-0 threshold for the length of a run, so a
collection starts only after :data:`EXPORT_GEN0_THRESHOLD` more containers are alive than
at the last one (the collector counts allocations minus deallocations). The collector keeps
running: garbage cycles made meanwhile (a plugin's, say) are still collected, and memory
stays bounded, by ~that many containers, instead of the collector being switched off.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["EXPORT_GEN0_THRESHOLD", "fewer_collections"]

#: Containers alive beyond the last collection before a young collection starts during an
#: export: about five pages of 1000 measurements (an async export holds up to ``prefetch``
#: parsed pages at once), so a page's containers are freed before a collection finds them.
EXPORT_GEN0_THRESHOLD = 100_000

_lock = threading.Lock()
_runs = 0  # runs inside fewer_collections() now (threads, tasks)
_saved: tuple[int, ...] = ()  # the thresholds found by the first of them
_set: tuple[int, ...] = ()  # the thresholds it set


@contextlib.contextmanager
def fewer_collections(threshold: int = EXPORT_GEN0_THRESHOLD) -> Iterator[None]:
    """Run the body with the collector's gen-0 threshold raised to ``threshold`` (never
    lowered; a threshold of 0, "collection off", is kept). Process-wide, as the collector
    is: runs may overlap (threads, tasks); the first one raises it, the last one to finish
    puts back what it found, unless the threshold was changed by someone else meanwhile."""
    global _runs, _saved, _set
    with _lock:
        if _runs == 0:
            _saved = gc.get_threshold()
            first = _saved[0]
            _set = (threshold, *_saved[1:]) if 0 < first < threshold else _saved
            gc.set_threshold(*_set)
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and gc.get_threshold() == _set:
                gc.set_threshold(*_saved)
