"""JSON Lines from the items' bytes as the server sent them (``_codec.raw_items``).

A plain page (``JsonReadyList.plain_for``) parsed by msgspec also carries each item's JSON
bytes (``JsonReadyList.raw_lines``) when the export has a JSON Lines sink; the sink writes
them instead of encoding the records again. These tests prove the bytes are the server's (its
spacing and escapes survive), that they hold the same records as the encoded lines, and that
every page that may not be written that way (line breaks in the body, records not plain,
duplicates dropped, ``max_records``) is still written exactly.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import AsyncToolkit, Toolkit, _codec, export, parsing
from ionworks_toolkit._codec import JsonReadyList, raw_items
from ionworks_toolkit.pagination import Page, PageWalk
from ionworks_toolkit.sinks import JsonlSink, _jsonl, measurements_schema
from ionworks_toolkit.sinks._jsonl import write_lines
from ionworks_toolkit.sinks._sqlite import SqliteSink

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"

pytestmark = pytest.mark.skipif(not _codec.HAVE_MSGSPEC, reason="raw lines need msgspec")


def measurement(index: int, **changes: Any) -> dict[str, Any]:
    """A plain measurement (every required key, UTC date-times with Z)."""
    record: dict[str, Any] = {
        "id": f"m-{index}",
        "name": f"Cell {index} – 1C/1C",  # a non-ASCII dash: escaped or not, the same text
        "cell_instance_id": "ci-1",
        "created_at": "2024-01-15T05:05:00Z",
        "updated_at": "2024-01-15T05:05:30.250000Z",
        "properties": {"temperature": 25.0, "c_rate": 1.50},
    }
    record.update(changes)
    return record


def spaced(value: Any) -> str:
    """JSON with the standard library's default spacing and ASCII escapes: not what the sinks
    would write, so a line in this form can only come from the server's bytes."""
    return json.dumps(value)


def serve(items: list[dict[str, Any]], *, encode: Any = spaced, total: int | None = None):
    """A by-project handler serving ``items`` by offset/limit, each page's items encoded
    one by one with ``encode`` (the envelope compact)."""

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        chunk = items[offset : offset + limit]
        body = (
            '{"items":['
            + ",".join(encode(item) for item in chunk)
            + f'],"count":{len(chunk)},"total":{len(items) if total is None else total}}}'
        )
        return httpx.Response(
            200, content=body.encode(), headers={"Content-Type": "application/json"}
        )

    return handler


def export_lines(
    handler: Any, tmp_path: Path, *, mode: str = "sync", name: str = "m.jsonl", **options: Any
) -> tuple[list[str], Any]:
    target = tmp_path / name
    settings: dict[str, Any] = {
        "api_url": "https://api.example.com", "api_key": "k", "max_retries": 0,
        "load_entry_points": False, "environ": {}, "working_dir": str(tmp_path),
        "transport": httpx.MockTransport(handler),
    }  # fmt: skip
    if mode == "sync":
        with Toolkit(**settings) as toolkit:
            result = toolkit.export(PROJECT_ID, [f"jsonl:{target}"], **options)
    else:

        async def run() -> Any:
            async with AsyncToolkit(**settings) as toolkit:
                return await toolkit.export(PROJECT_ID, [f"jsonl:{target}"], **options)

        result = asyncio.run(run())
    return target.read_text(encoding="utf-8").splitlines(), result


# ------------------------------------------------------------------ _codec.raw_items


def test_raw_items_are_each_items_bytes_as_sent() -> None:
    body = b'{"items":[{"id": "a", "v": 1.50},{"id":"b","s":"\\u00e9"}],"count":2,"total":2}'
    assert [bytes(item) for item in raw_items(body, 2) or []] == [
        b'{"id": "a", "v": 1.50}',
        b'{"id":"b","s":"\\u00e9"}',
    ]


@pytest.mark.parametrize(
    ("body", "count"),
    [
        (b'{"items":[\n{"id":"a"}],"total":1}', 1),  # a line break between tokens
        (b'{"items":[{"id":"a"}],\r"total":1}', 1),
        (b'{"items":[{"id":"a"}],"total":1}', 2),  # not the items the parse gave
        (b'[{"id":"a"}]', 1),  # a bare list: no envelope
        (b'{"items":5}', 1),
        (b'{"total":1}', 1),
    ],
)
def test_raw_items_refuses_what_may_not_be_written_as_lines(body: bytes, count: int) -> None:
    assert raw_items(body, count) is None


# ------------------------------------------------------------------ the export


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_json_lines_are_the_servers_bytes_and_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    items = [measurement(i) for i in range(7)]
    lines, result = export_lines(serve(items), tmp_path, mode=mode, page_size=3)
    assert result.records == 7 and result.pages == 3
    assert lines == [spaced(item) for item in items]  # the server's spacing and escapes
    assert '"Cell 0 \\u2013 1C/1C"' in lines[0] and '"c_rate": 1.5' in lines[0]
    # Without the bytes, the same records, encoded by the sink (compact, UTF-8).
    monkeypatch.setattr("ionworks_toolkit.session.takes_raw_lines", lambda sinks: False)
    encoded, _ = export_lines(serve(items), tmp_path, mode=mode, name="e.jsonl", page_size=3)
    assert encoded[0] == json.dumps(items[0], ensure_ascii=False, separators=(",", ":"))
    assert [json.loads(line) for line in encoded] == [json.loads(line) for line in lines]


def test_a_body_with_line_breaks_is_written_encoded(tmp_path: Path) -> None:
    items = [measurement(i) for i in range(4)]
    lines, result = export_lines(
        serve(items, encode=lambda item: json.dumps(item, indent=1)), tmp_path, page_size=2
    )
    assert result.records == 4
    compact = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items]
    assert lines == compact


def test_a_page_that_is_not_plain_goes_through_the_date_rule(tmp_path: Path) -> None:
    items = [measurement(0), measurement(1, created_at="2024-01-15T07:05:00+02:00")]
    items += [measurement(2), measurement(3)]
    lines, result = export_lines(serve(items), tmp_path, page_size=2)
    assert result.records == 4
    # The first page holds an offset date-time: encoded by the sink, in UTC with Z.
    assert json.loads(lines[1])["created_at"] == "2024-01-15T05:05:00Z"
    assert lines[0] == json.dumps(items[0], ensure_ascii=False, separators=(",", ":"))
    # The second page is plain: the server's bytes.
    assert lines[2:] == [spaced(items[2]), spaced(items[3])]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_duplicates_and_max_records_keep_the_lines_of_the_records_kept(
    tmp_path: Path, mode: str
) -> None:
    # Offsets shift during the walk (two inserts after the first page: the total rises from 10
    # to 12): the second page starts with the first page's last two. (A total that stayed the
    # same would make the copies an overlap: a PaginationError, FINDINGS7 G25.)
    pages = {0: [0, 1, 2, 3], 4: [2, 3, 4, 5], 8: [6, 7, 8, 9]}

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        chunk = [measurement(i) for i in pages.get(offset, [])]
        total = 10 if offset == 0 else 12
        body = '{"items":[' + ",".join(spaced(i) for i in chunk) + f'],"total":{total}}}'
        return httpx.Response(200, content=body.encode())

    lines, result = export_lines(handler, tmp_path, mode=mode, page_size=4)
    assert (result.records, result.duplicates, result.total) == (10, 2, 12)
    assert lines == [spaced(measurement(i)) for i in range(10)]
    capped, result = export_lines(
        handler, tmp_path, mode=mode, name="c.jsonl", page_size=4, max_records=5
    )
    assert result.records == 5
    assert capped == [spaced(measurement(i)) for i in [0, 1, 2, 3, 4]]


def test_only_an_export_with_a_json_lines_sink_keeps_the_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = parsing.raw_items

    def counting(body: bytes, count: int) -> Any:
        calls.append(count)
        return real(body, count)

    monkeypatch.setattr(parsing, "raw_items", counting)
    items = [measurement(i) for i in range(5)]
    with Toolkit(api_url="https://api.example.com", api_key="k", max_retries=0,
                 load_entry_points=False, environ={}, working_dir=str(tmp_path),
                 transport=httpx.MockTransport(serve(items))) as toolkit:  # fmt: skip
        toolkit.export(PROJECT_ID, [f"sqlite:{tmp_path}/m.db"], page_size=2)
        assert calls == []  # a SQLite export does not keep each page's body alive
        toolkit.export(PROJECT_ID, [f"sqlite:{tmp_path}/n.db", f"jsonl:{tmp_path}/n.jsonl"],
                       page_size=2)  # fmt: skip
    assert calls == [2, 2, 1]
    assert export.takes_raw_lines([("j", JsonlSink(tmp_path / "x.jsonl"))]) is True
    assert export.takes_raw_lines([("s", SqliteSink(tmp_path / "x.db"))]) is False
    assert export.takes_raw_lines([("p", object())]) is False  # type: ignore[list-item]
    assert export.takes_raw_lines([]) is False


# ------------------------------------------------------------------ the walk and the sink


def test_the_walk_keeps_the_lines_of_the_records_it_keeps() -> None:
    walk: PageWalk[Any] = PageWalk(page_size=3, max_records=4, prefetch=1)
    first = [measurement(i) for i in range(3)]
    second = [measurement(2), measurement(3), measurement(4)]  # m-2 again
    request = walk.plan()[0]
    page = JsonReadyList(first, "CellMeasurementWithDetails", [b"a", b"b", b"c"])
    outcome = walk.receive(request, Page(page, 10, 0))
    assert outcome.records is not None and outcome.records.raw_lines == [b"a", b"b", b"c"]
    request = walk.plan()[0]
    page = JsonReadyList(second, "CellMeasurementWithDetails", [b"c2", b"d", b"e"])
    outcome = walk.receive(request, Page(page, 10, 3))
    records = outcome.records
    assert records is not None and [r["id"] for r in records] == ["m-3"]  # max_records 4
    assert (records.plain_for, records.raw_lines) == ("CellMeasurementWithDetails", [b"d"])
    walk = PageWalk(page_size=3, prefetch=1)
    outcome = walk.receive(walk.plan()[0], Page(JsonReadyList(first, "X"), 3, 0))
    assert outcome.records is not None and outcome.records.raw_lines is None


def test_the_sink_writes_the_lines_only_for_its_own_plain_records(tmp_path: Path) -> None:
    records = [measurement(0), measurement(1)]
    lines = [b'{"id": "m-0"}', b'{"id": "m-1"}']  # stand-ins that show where a line came from

    def written(name: str, page: Any) -> list[str]:
        sink = JsonlSink(tmp_path / name)
        export.bind_schema([("s", sink)], measurements_schema())
        sink.write(page)
        sink.commit()
        return (tmp_path / name).read_text(encoding="utf-8").splitlines()

    plain = JsonReadyList(records, "CellMeasurementWithDetails", lines)
    assert written("raw.jsonl", plain) == ['{"id": "m-0"}', '{"id": "m-1"}']
    other = JsonReadyList(records, "Project", lines)  # plain for another schema
    compact = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    assert written("other.jsonl", other) == compact
    assert written("none.jsonl", JsonReadyList(records, "CellMeasurementWithDetails")) == compact
    assert JsonReadyList(records, None, lines).raw_lines is None  # only with plain_for


# ------------------------------------------------------------- write_lines (no joined copy)


def write_to_file(path: Path, lines: list[Any]) -> bytes:
    with open(path, "wb") as handle:
        handle.write(b"head:")  # buffered, not yet on disk: write_lines flushes it first
        write_lines(handle, lines)
        handle.write(b":tail")
    return path.read_bytes()


def test_write_lines_writes_each_line_and_a_newline_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_jsonl, "_LINES_PER_WRITEV", 2)  # 5 lines: 3 writev calls
    calls: list[int] = []
    real_writev = os.writev

    def counting_writev(fd: int, buffers: list[Any]) -> int:
        calls.append(len(buffers))
        return real_writev(fd, buffers)

    monkeypatch.setattr(os, "writev", counting_writev)
    lines = raw_items(b'{"items":[{"a":1},{"b":"x y"},[3],4,"five"]}', 5)
    assert lines is not None
    out = write_to_file(tmp_path / "out.jsonl", lines)
    assert out == b'head:{"a":1}\n{"b":"x y"}\n[3]\n4\n"five"\n:tail'
    assert calls == [4, 4, 2]


def test_write_lines_finishes_a_short_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_writev = os.writev

    def short_writev(fd: int, buffers: list[Any]) -> int:
        return real_writev(fd, [bytes(buffers[0])[:3]])  # 3 bytes of the first line only

    monkeypatch.setattr(os, "writev", short_writev)
    out = write_to_file(tmp_path / "out.jsonl", [b'{"id":"m-1"}', b'{"id":"m-2"}'])
    assert out == b'head:{"id":"m-1"}\n{"id":"m-2"}\n:tail'


def test_write_lines_without_writev_joins_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "writev")
    out = write_to_file(tmp_path / "out.jsonl", [b"[1]", b"[2]"])
    assert out == b"head:[1]\n[2]\n:tail"


def test_write_lines_raises_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_writev(fd: int, buffers: list[Any]) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "writev", full_writev)
    with open(tmp_path / "out.jsonl", "wb") as handle:
        write_lines(handle, [])  # nothing to write: no call, so no error
        with pytest.raises(OSError) as caught:
            write_lines(handle, [b"[1]"])
    assert caught.value.errno == errno.ENOSPC
