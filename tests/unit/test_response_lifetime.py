"""Issue 14, the typed page: a sent response is in no reference cycle (its ~9 MB body is freed
as soon as it is dropped, with no GC collection), and a page is parsed with the cyclic GC
paused (restored right after, never switched on when it was off)."""

from __future__ import annotations

import asyncio
import gc
import json
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from ionworks_toolkit import Toolkit
from ionworks_toolkit._codec import gc_paused
from ionworks_toolkit.errors import NotFoundError
from ionworks_toolkit.parsing import parse_page
from ionworks_toolkit.transport import asend, send

BODY = b'{"items": [{"id": "m-1"}, {"id": "m-2"}], "count": 2, "total": 2}'
KWARGS = {"method": "get", "url": "https://api.example.com/projects"}


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/missing":
        return httpx.Response(404, json={"detail": "no such project"})
    return httpx.Response(200, content=BODY, headers={"content-type": "application/json"})


@pytest.fixture
def collector_off() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def freed_without_collection(responses: list[httpx.Response]) -> bool:
    """Drop the only reference (the list's) to a response: is it gone at once?"""
    ref = weakref.ref(responses.pop())
    return ref() is None


@pytest.mark.usefixtures("collector_off")
def test_a_sent_response_is_freed_by_refcounting() -> None:
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        response = send(client, KWARGS)
        assert (response.status_code, response.content, response.read()) == (200, BODY, BODY)
        assert response.is_closed
        assert type(response.stream) is httpx.ByteStream
        assert b"".join(response.iter_bytes()) == BODY
        held = [response]
        del response
        assert freed_without_collection(held)


@pytest.mark.usefixtures("collector_off")
def test_a_plain_httpx_response_is_in_a_cycle() -> None:
    # What transport.send undoes: if httpx stops binding the stream, this test says so.
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        held = [client.send(client.build_request(**KWARGS))]
        assert not freed_without_collection(held)
    gc.collect()


@pytest.mark.usefixtures("collector_off")
def test_an_async_sent_response_is_freed_by_refcounting() -> None:
    async def run() -> bool:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            response = await asend(client, KWARGS)
            assert (response.status_code, response.content) == (200, BODY)
            assert type(response.stream) is httpx.ByteStream
            held = [response]
            del response
            return freed_without_collection(held)

    assert asyncio.run(run())


@pytest.mark.usefixtures("collector_off")
def test_a_toolkit_response_is_freed_by_refcounting(tmp_path: Path) -> None:
    transport = httpx.MockTransport(handler)
    with Toolkit(api_url="https://api.example.com", api_key="k", transport=transport,
                 max_retries=0, load_entry_points=False, environ={},
                 working_dir=str(tmp_path)) as toolkit:  # fmt: skip
        held = [toolkit._send({"method": "get", "url": "/projects"})]
        assert held[0].json() == json.loads(BODY)
        assert freed_without_collection(held)


def test_an_error_status_still_raises_with_its_detail() -> None:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    with client, pytest.raises(NotFoundError) as caught:
        send(client, {"method": "get", "url": "https://api.example.com/missing"})
    assert "no such project" in str(caught.value)


def test_gc_paused_pauses_and_restores() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the inner one leaves it off
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gc_paused_restores_after_an_error() -> None:
    with pytest.raises(KeyError), gc_paused():
        raise KeyError("x")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_off")
def test_gc_paused_never_switches_the_collector_on() -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def _generation_of(obj: object) -> int | None:
    for generation in (0, 1, 2):
        if any(o is obj for o in gc.get_objects(generation)):
            return generation
    return None


def test_what_the_paused_body_made_goes_to_the_oldest_generation_unexamined() -> None:
    gc.collect()  # no collection due during the test's own few allocations
    before: list[int] = []  # young when the pause starts: collected first, so older
    assert _generation_of(before) == 0
    with gc_paused():
        assert _generation_of(before) == 2
        made = [[index] for index in range(5000)]
        assert _generation_of(made) == 0
    assert gc.get_count()[0] < 100  # no young collection pending over the 5000 lists
    assert _generation_of(made) == 2 and _generation_of(made[-1]) == 2
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_after_an_error_what_the_body_made_stays_young() -> None:
    with pytest.raises(KeyError), gc_paused():
        made: list[int] = []
        raise KeyError("x")
    assert gc.isenabled()
    assert _generation_of(made) == 0


def test_the_process_own_frozen_objects_stay_frozen() -> None:
    frozen: list[int] = []
    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        with gc_paused():
            assert not gc.isenabled()
            made: list[int] = []
        # (frozen objects freed meanwhile leave the count: only "not released" is exact)
        assert gc.isenabled() and gc.get_freeze_count() > 0
        assert _generation_of(frozen) is None  # still in the permanent generation
        assert _generation_of(made) == 0
    finally:
        gc.unfreeze()


class Item:
    """An item model that notes whether the collector ran while it was built."""

    seen: ClassVar[list[bool]] = []

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> str:
        cls.seen.append(gc.isenabled())
        return str(src["id"])

    @classmethod
    def record_from_dict(cls, src: Mapping[str, Any]) -> dict[str, Any]:
        cls.seen.append(gc.isenabled())
        return dict(src)

    @classmethod
    def is_plain_record(cls, src: Any) -> bool:
        return False  # every item through record_from_dict, which notes the collector's state


@pytest.mark.parametrize("as_records", [False, True])
def test_a_page_is_parsed_with_the_collector_paused(as_records: bool) -> None:
    Item.seen = []
    response = httpx.Response(200, content=BODY, request=httpx.Request("GET", KWARGS["url"]))
    page = parse_page(response, 0, item_model=Item, page_model=None,
                      operation_id="list_projects", as_records=as_records)  # fmt: skip
    assert Item.seen == [False, False]
    assert gc.isenabled()
    assert page.total == 2
    assert list(page.items) == ([{"id": "m-1"}, {"id": "m-2"}] if as_records else ["m-1", "m-2"])


# ------------------------------------------------------------------ which parser


BIG = b'{"items": [{"id": 12345678901234567890123}, {"id": 1.5}], "total": 2}'


def failing(data: object) -> object:
    raise AssertionError("this parser must not be used here")


@pytest.mark.parametrize("as_records", [False, True])
def test_typed_and_records_pages_keep_integers_beyond_64_bits_exact(as_records: bool) -> None:
    response = httpx.Response(200, content=BIG, request=httpx.Request("GET", KWARGS["url"]))
    page = parse_page(response, 0, item_model=Item, page_model=None,
                      operation_id="list_projects", as_records=as_records)  # fmt: skip
    if as_records:
        assert list(page.items) == [{"id": 12345678901234567890123}, {"id": 1.5}]
    else:
        assert list(page.items) == ["12345678901234567890123", "1.5"]  # exact digits, no float


def test_a_records_page_is_parsed_by_the_checked_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    from ionworks_toolkit import _codec, parsing

    calls: list[bytes] = []

    def checked(data: bytes) -> tuple[object, bool]:
        calls.append(data)
        return _codec.loads_checked(data)

    monkeypatch.setattr(parsing, "json_loads_checked", checked)
    response = httpx.Response(200, content=BODY, request=httpx.Request("GET", KWARGS["url"]))
    page = parse_page(response, 0, item_model=Item, page_model=None,
                      operation_id="list_projects", as_records=True)  # fmt: skip
    expected = _codec.JsonReadyList if _codec.HAVE_MSGSPEC else list
    assert (calls, type(page.items)) == ([BODY], expected)
    assert list(page.items) == [{"id": "m-1"}, {"id": "m-2"}]


@pytest.mark.parametrize("as_records", [False, True])
def test_a_non_json_body_is_refused_either_way(as_records: bool) -> None:
    from ionworks_toolkit.errors import UnexpectedResponseError

    response = httpx.Response(200, content=b"<html>oops</html>",
                              headers={"content-type": "text/html"},
                              request=httpx.Request("GET", KWARGS["url"]))  # fmt: skip
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_page(response, 0, item_model=Item, page_model=None,
                   operation_id="list_projects", as_records=as_records)  # fmt: skip
    assert caught.value.status == 200
    assert "html" in str(caught.value).lower()


def test_loads_is_json_loads_with_the_nesting_error() -> None:
    from ionworks_toolkit._codec import JSONNestingError, loads

    assert loads(BIG) == {
        "items": [{"id": 12345678901234567890123}, {"id": 1.5}],
        "total": 2,
    }
    assert type(loads(b"[NaN]")[0]) is float
    assert loads('{"a": [1, "\\u00e9"]}') == {"a": [1, "é"]}
    with pytest.raises(JSONNestingError, match="nested too deeply"):
        loads(b"[" * 100_000)
    with pytest.raises(json.JSONDecodeError, match="Expecting value: line 1 column 1"):
        loads(b"nope")
