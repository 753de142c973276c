"""Prepared pages (``SandboxOptions.page_cache_mib``): cached bytes, never stale answers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from ionworks_toolkit.sandbox import SandboxOptions
from ionworks_toolkit.sandbox.__main__ import build_parser, options_from_args
from ionworks_toolkit.sandbox._page_cache import PageCache
from sandbox_testlib import SEVERSON, by_project, make_client, project_id

pytestmark = pytest.mark.sandbox

URL = f"/cell_measurements/by-project/{project_id(SEVERSON)}"
INSTANCE_659 = "/cell_instances/{}/cell_measurements/create"


def page_cache(app: Any) -> PageCache:
    layer = app.middleware_stack
    while not isinstance(layer, PageCache):
        layer = layer.app
    return layer


def test_repeated_get_is_served_from_the_same_bytes_with_auth_and_ids_applied() -> None:
    with make_client(SandboxOptions(page_cache_mib=64)) as c:
        first = c.get(URL, params={"limit": 5})
        second = c.get(URL, params={"limit": 5})
        other = c.get(URL, params={"limit": 6})
        refused = c.get(URL, params={"limit": 5}, headers={"X-API-Key": "wrong"})
        cache = page_cache(c.app)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert len(second.json()["items"]) == 5
    assert len(other.json()["items"]) == 6
    assert [first.headers["x-request-id"], second.headers["x-request-id"]] == [
        "sandbox-1",
        "sandbox-2",
    ]
    assert second.headers["content-type"] == "application/json"
    assert refused.status_code == 401  # authentication runs before the cache
    assert (cache.hits, cache.misses) == (1, 2)
    assert cache.size == len(first.content) + len(other.content)


def test_a_write_empties_the_cache_so_answers_never_go_stale() -> None:
    with make_client(SandboxOptions(page_cache_mib=64)) as c:
        assert by_project(c, SEVERSON, limit=1)["total"] == 128
        assert by_project(c, SEVERSON, limit=1)["total"] == 128
        instance = by_project(c, SEVERSON, limit=1)["items"][0]["cell_instance_id"]
        created = c.post(INSTANCE_659.format(instance), json={"name": "new", "properties": {}})
        assert created.status_code == 201
        assert by_project(c, SEVERSON, limit=1)["total"] == 129
        assert page_cache(c.app).hits == 2


def test_errors_are_not_cached() -> None:
    with make_client(SandboxOptions(page_cache_mib=64)) as c:
        assert c.get("/cell_measurements/nope").status_code == 404
        assert c.get("/cell_measurements/nope").status_code == 404
        cache = page_cache(c.app)
    assert (cache.hits, cache.misses, cache.size) == (0, 2, 0)


def test_the_size_bound_evicts_the_least_recently_used_first() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:  # body: "x" * n for ?n
        size = int(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * size})

    cache = PageCache(app, max_bytes=100)
    sent: list[bytes] = []

    async def send(message: Any) -> None:
        if message["type"] == "http.response.body":
            sent.append(message["body"])

    def get(size: int) -> None:
        scope = {"type": "http", "method": "GET", "path": "/p", "query_string": b"%d" % size}
        asyncio.run(cache(scope, None, send))

    for size in (40, 50, 40, 30, 101, 50):  # 40 hit; 30 evicts 50; 101 too big; 50 again
        get(size)
    assert [len(body) for body in sent] == [40, 50, 40, 30, 101, 50]
    assert (cache.hits, cache.misses) == (1, 5)
    assert cache.size == 80  # 30 and 50 kept (40 evicted when 50 came back)
    with pytest.raises(ValueError, match="max_bytes must be >= 1, got 0"):
        PageCache(app, max_bytes=0)


def test_off_by_default_and_validated() -> None:
    assert SandboxOptions().page_cache_mib == 0
    with make_client() as c:
        layer, found = c.app, []
        c.get("/projects")
        layer = c.app.middleware_stack
        while hasattr(layer, "app"):
            found.append(type(layer).__name__)
            layer = layer.app
    assert "PageCache" not in found
    with pytest.raises(ValueError, match="page_cache_mib must be >= 0, got -1"):
        SandboxOptions(page_cache_mib=-1)
    args = build_parser().parse_args(["--page-cache-mib", "256"])
    assert options_from_args(args) == SandboxOptions(page_cache_mib=256.0)
