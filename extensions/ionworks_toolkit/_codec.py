"""JSON on the export hot path: msgspec parses, orjson writes, the standard library otherwise.

* :func:`dumps` / :func:`dumps_bytes` write compact JSON (no spaces, UTF-8 characters kept,
  keys in the order given), as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``
  does. With orjson installed (a dependency of the distribution) they are about 8x faster on
  measurement records; a vendored copy without orjson gets the standard library and the same
  values (float spelling may differ: ``1e+16`` there, ``1e16`` here). What orjson cannot
  write exactly (integers beyond 64 bits, non-string keys) falls back to the standard
  library, so no value is lost or rounded. One difference is kept on purpose: orjson writes
  NaN and +-Infinity (JSON has no token for them) as ``null``, the standard library as the
  non-standard ``NaN``/``Infinity``.
* :func:`loads` parses response bodies with msgspec when it is installed (a dependency of the
  distribution) and accepts the body, else with the standard library, so the standard
  library's values and error messages are what callers see. msgspec gives the standard
  library's values exactly (integers of any size, as Python ints, where orjson would round
  those beyond 64 bits to floats) and refuses what JSON does not allow plus a few things the
  standard library accepts (NaN/Infinity tokens, numbers beyond the float range, lone
  surrogates, a byte order mark, UTF-16/32, integers past Python's 4300-digit limit, nesting
  past the interpreter's recursion limit): those bodies go to the standard library. Measured
  on a 1000-item page of the seed endpoint (8.7 MB), CPU medians of 7: msgspec 34 ms,
  orjson 43 ms plus the 8 ms scan for long digit runs it needed to be exact, the standard
  library 47 ms. A page msgspec parsed holds no NaN/Infinity and no lone surrogate
  (:func:`loads_checked` says so), which spares the sinks their scans.
* :class:`JsonReadyList`: a list of records known to hold JSON values only, every float
  finite (parsed by msgspec, see above): the sinks skip their NaN/Infinity scan for it.
* :func:`gc_paused`: the cyclic garbage collector paused while one page is parsed.
``default``: values outside JSON (datetimes, UUIDs, enums, Decimals, paths) are converted by
the caller's hook, e.g. :func:`ionworks_toolkit.sinks._flatten.json_default`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

try:  # optional: the vendored copy works without it
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by tests/unit/test_codec.py in a subprocess
    _orjson = None  # type: ignore[assignment]

try:  # optional too: without it the standard library parses
    import msgspec
    import msgspec.json as _msgspec_json
except ImportError:  # pragma: no cover - exercised by tests/unit/test_codec.py in a subprocess
    _msgspec_json = None  # type: ignore[assignment]

__all__ = [
    "HAVE_MSGSPEC",
    "HAVE_ORJSON",
    "JsonReadyList",
    "dumps",
    "dumps_bytes",
    "gc_paused",
    "loads",
    "loads_checked",
    "raw_items",
]

#: True when orjson is importable (and used for writing).
HAVE_ORJSON = _orjson is not None

#: True when msgspec is importable (and used for parsing).
HAVE_MSGSPEC = _msgspec_json is not None

#: msgspec's untyped JSON decoder (stateless: one for the process), or None.
_fast_decode: Callable[[bytes | bytearray | str], Any] | None = (
    _msgspec_json.Decoder().decode if _msgspec_json is not None else None
)

Default = Callable[[Any], Any] | None

if _msgspec_json is not None:

    class _RawItems(msgspec.Struct, gc=False):
        """A page envelope's ``items``, each as the bytes the server sent (``msgspec.Raw``)."""

        items: list[msgspec.Raw]

    _split_items: Callable[[bytes], _RawItems] | None = msgspec.json.Decoder(_RawItems).decode
else:  # pragma: no cover - exercised by tests/unit/test_codec.py in a subprocess
    _split_items = None


@functools.lru_cache(maxsize=8)
def _encoder(default: Default) -> json.JSONEncoder:
    # Built once per hook (json.dumps with options builds a new encoder per call); stateless.
    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=default)


def _stdlib_dumps(value: Any, default: Default) -> str:
    return _encoder(default).encode(value)


def dumps_bytes(value: Any, default: Default = None) -> bytes:
    """Compact UTF-8 JSON bytes of ``value``.

    :raises TypeError: a value JSON cannot represent (and ``default`` does not convert).
    :raises ValueError: a circular reference (standard library path).
    """
    if _orjson is not None:
        try:
            return _orjson.dumps(value, default=default)
        except TypeError:  # orjson.JSONEncodeError: big ints, non-str keys, or unsupported
            pass
    return _stdlib_dumps(value, default).encode("utf-8")


def dumps(value: Any, default: Default = None) -> str:
    """Compact JSON text of ``value`` (see :func:`dumps_bytes` for errors)."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value, default=default).decode("utf-8")
        except TypeError:
            pass
    return _stdlib_dumps(value, default)


def raw_items(body: bytes, count: int) -> list[Any] | None:
    """The ``count`` items of a page envelope ``{"items": [...], ...}`` that msgspec parsed
    (:func:`loads_checked` said ``finite``), each as the JSON bytes the server sent for it
    (``msgspec.Raw``: bytes-like, ``b"\\n".join`` takes it), in order: a JSON Lines sink may
    write them instead of encoding the parsed records again, because they hold the same
    values (msgspec accepted every byte of the body). None when they may not be written as
    lines (a line break in the body: JSON's whitespace may hold one), when msgspec is not
    installed, or when the split does not give ``count`` items. A key sent twice in one
    object stays twice in its bytes, where the parsed record keeps the last value (as JSON
    readers do). Measured on a 1000-item page of the seed endpoint (8.7 MB): 4.5 ms, against
    18 ms for encoding the parsed records with orjson."""
    if _split_items is None or b"\n" in body or b"\r" in body:
        return None
    try:
        items = _split_items(body).items
    except ValueError:  # msgspec.DecodeError/ValidationError: not an envelope after all
        return None
    return items if len(items) == count else None


class JSONNestingError(ValueError):
    """A JSON document nested deeper than the parser's recursion limit (about 1000 levels)."""


def loads(data: bytes | bytearray | str) -> Any:
    """Parse JSON text or UTF-8/16/32 bytes: the values ``json.loads`` gives (see the module
    docstring for when msgspec does the work).

    :raises ValueError: (``json.JSONDecodeError``) the input is not JSON; ``JSONNestingError``
        when arrays/objects nest deeper than the parser's recursion limit (a hostile page such
        as ``[[[[...``), instead of the interpreter's ``RecursionError``.
    """
    return loads_checked(data)[0]


def loads_checked(data: bytes | bytearray | str) -> tuple[Any, bool]:
    """``(value, finite)``: :func:`loads`'s value, and ``True`` when msgspec parsed it, so it
    holds only JSON values (dict, list, str without lone surrogates, int, bool, None) and
    every float is finite (no NaN/Infinity anywhere). Errors as :func:`loads`."""
    if _fast_decode is not None:
        try:
            return _fast_decode(data), True
        except (ValueError, RecursionError):  # msgspec.DecodeError: the standard library decides
            pass
    try:
        return json.loads(data), False
    except RecursionError:
        raise JSONNestingError(
            "nested too deeply (more arrays/objects inside each other than the parser allows)"
        ) from None


class JsonReadyList(list[Any]):
    """Records (dicts) that hold JSON values only, every float finite: e.g. the items of a
    page parsed by :func:`loads_checked` with ``finite`` true, after ``record_from_dict``. The
    sinks lay them out without scanning for NaN/Infinity; anything else is scanned.

    ``plain_for``: the item schema's name (``"CellMeasurementWithDetails"``) when every record
    passed its model's ``is_plain_record`` as parsed (a page ``parsing.parse_page`` handed on
    whole), so every date-time that schema declares is null or already UTC text with ``Z``,
    the sinks' own form: a sink whose record schema has that name may skip its date rule.
    ``None`` otherwise (the default).

    ``raw_lines``: when set (only with ``plain_for``), each record's JSON bytes as the server
    sent them, in the same order (:func:`raw_items`): what a JSON Lines sink writes instead of
    encoding the records again. Whoever takes some of the records keeps the matching ones."""

    __slots__ = ("plain_for", "raw_lines")

    def __init__(
        self,
        records: Iterable[Any] = (),
        plain_for: str | None = None,
        raw_lines: list[Any] | None = None,
    ) -> None:
        super().__init__(records)
        self.plain_for = plain_for
        self.raw_lines = raw_lines if plain_for is not None else None


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the body (one page parsed into models or
    records: ~30,000 new containers and no cyclic garbage). The collections that work would
    trigger, full ones included as the heap grows, cost about a third of the parse (a
    1000-item page, parse + ``from_dict``: 149 ms CPU with the collector, 102 ms without).
    It runs again right after, and is never switched on when it was off before (nesting is
    harmless). Safe for memory only because nothing parsed is cyclic garbage and the
    response (the ~9 MB body) is in no reference cycle (``transport.send`` breaks httpx's),
    so refcounting frees what the page leaves behind without a collection.

    When the body ends without an error, what it made is moved to the oldest generation
    unexamined (``gc.freeze()`` then ``gc.unfreeze()``: two list splices), instead of being
    traversed by the young collection the first allocation after ``gc.enable()`` triggers
    (~10 ms for a 1000-measurement page, twice when the next generation follows). So that
    only the body's objects skip the young collections, the young generations are collected
    first (``gc.collect(1)``: they hold at most a few thousand objects). Not done when the
    process has frozen objects of its own (``gc.get_freeze_count()``: a pre-fork server's
    ``gc.freeze()``), which ``gc.unfreeze()`` would release, nor after an error.
    """
    if not gc.isenabled():
        yield
        return
    promote = gc.get_freeze_count() == 0
    if promote:
        gc.collect(1)
    gc.disable()
    try:
        yield
    except BaseException:
        gc.enable()
        raise
    if promote:
        gc.freeze()
        gc.unfreeze()
    gc.enable()
