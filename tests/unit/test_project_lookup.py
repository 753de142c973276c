"""Project lookup by name and project listing against a server that caps ``limit`` (FINDINGS6 F6).

The named input: 2505 projects, ``GET /projects`` a bare list (never a total) capped at 100 per
page. Before: a lookup by name asked ``?limit=1000&offset=0`` once and answered a false "no
project named" (exit 4) for a project past the first 100; ``projects list`` wrote 100 of 2505
without a word. Now a name is asked for with ``?name=ilike.<name>`` (one request), every
project is listed only when that answer holds none of that name, and a walk without a total
goes on past a first page shorter than asked (pagination.py's docstring).
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from typing import Any

import httpx
import pytest
from ionworks_client.models import Project
from ionworks_toolkit import APIError, ConfigurationError, PaginationError, WalkStats
from ionworks_toolkit.pagination import Page, awalk_pages, walk_pages
from ionworks_toolkit.projects import ProjectNotFoundError, name_query
from request_budget import RequestBudget

WANTED = "NASA PCoE Li-ion battery aging"
WANTED_AT = 2000  # far past the first capped page


def project(i: int, name: str | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=i + 1)),
        "name": name or f"Cycling campaign {i:04d}",
        "organization_id": str(uuid.UUID(int=0)),
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
    }


class CappingServer:
    """``GET /projects``: a bare list of ``n`` projects, at most ``cap`` per page. ``name``:
    ``"ilike"`` applies ``ilike.X`` (no wildcards in these tests) case-insensitively,
    ``"ignored"`` serves every project whatever the name, an int answers that status."""

    def __init__(self, n: int = 2505, cap: int = 100, name: str = "ilike") -> None:
        self.projects = [project(i, WANTED if i == WANTED_AT else None) for i in range(n)]
        self.cap, self.name = cap, name
        self.queries: list[dict[str, str]] = []
        self.budget = RequestBudget(40)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.budget.spend()
        query = dict(request.url.params)
        self.queries.append(query)
        chosen = self.projects
        if "name" in query:
            if self.name.isdigit():
                return httpx.Response(int(self.name), json={"detail": "no name parameter here"})
            if self.name == "ilike":
                wanted = query["name"].removeprefix("ilike.").casefold()
                chosen = [p for p in chosen if p["name"].casefold() == wanted]
        offset, limit = int(query["offset"]), min(int(query["limit"]), self.cap)
        return httpx.Response(200, json=chosen[offset : offset + limit])

    @property
    def pages(self) -> list[tuple[int, int]]:
        return [(int(q["offset"]), int(q["limit"])) for q in self.queries if "name" not in q]


#: The listing of 2505 projects capped at 100: the first page asks 1000 and gets 100, then
#: pages of 100 to the short one of 5 (a page of 100 has been seen: no request past it).
LISTING = [(0, 1000)] + [(offset, 100) for offset in range(100, 2600, 100)]
ORDER = {"order_by": "created_at", "order": "desc"}  # every /projects request (FINDINGS8 H16)
NAME_QUERY = {"limit": "1000", "offset": "0", "name": f"ilike.{WANTED}", **ORDER}


def test_a_name_past_the_first_capped_page_is_found_in_one_request(make_toolkit) -> None:
    server = CappingServer()
    with make_toolkit(server) as toolkit:
        assert toolkit.resolve_project(WANTED) == str(uuid.UUID(int=WANTED_AT + 1))
        assert toolkit.resolve_project(WANTED.upper()) == str(uuid.UUID(int=WANTED_AT + 1))
    assert server.queries == [NAME_QUERY, {**NAME_QUERY, "name": f"ilike.{WANTED.upper()}"}]


async def test_the_async_lookup_asks_the_same_one_request(make_async_toolkit) -> None:
    server = CappingServer()
    async with make_async_toolkit(server) as toolkit:
        assert await toolkit.resolve_project(WANTED) == str(uuid.UUID(int=WANTED_AT + 1))
    assert server.queries == [NAME_QUERY]


@pytest.mark.parametrize("behaviour", ["422", "400"])
def test_a_server_without_the_name_filter_gets_every_project_listed(
    make_toolkit, behaviour: str
) -> None:
    server = CappingServer(name=behaviour)
    with make_toolkit(server) as toolkit:
        assert toolkit.resolve_project(WANTED) == str(uuid.UUID(int=WANTED_AT + 1))
    assert server.queries[0] == NAME_QUERY
    assert server.pages == LISTING


def test_a_server_ignoring_the_name_filter_has_its_answer_taken_as_the_first_page(
    make_toolkit,
) -> None:
    # The answer to ?name= holds projects of other names: it is the listing's first page
    # (offset 0, limit 1000), so the listing goes on at offset 100 (FINDINGS7 G31).
    server = CappingServer(name="ignored")
    with make_toolkit(server) as toolkit:
        assert toolkit.resolve_project(WANTED) == str(uuid.UUID(int=WANTED_AT + 1))
    assert server.queries[0] == NAME_QUERY
    assert server.pages == LISTING[1:]
    assert len(server.queries) == 26


async def test_the_async_lookup_falls_back_to_the_listing_too(make_async_toolkit) -> None:
    server = CappingServer(name="422")
    async with make_async_toolkit(server) as toolkit:
        assert await toolkit.resolve_project(WANTED) == str(uuid.UUID(int=WANTED_AT + 1))
    assert server.queries[0] == NAME_QUERY
    assert server.pages == LISTING


@pytest.mark.parametrize("status", [401, 404, 500])
def test_another_error_of_the_name_query_is_raised(make_toolkit, status: int) -> None:
    server = CappingServer(name=str(status))
    with make_toolkit(server) as toolkit, pytest.raises(APIError) as caught:
        toolkit.resolve_project(WANTED)
    assert caught.value.status == status
    assert server.queries == [NAME_QUERY]


def test_an_unknown_name_lists_every_project_for_the_closest_names(make_toolkit) -> None:
    server = CappingServer()
    with make_toolkit(server) as toolkit, pytest.raises(ProjectNotFoundError) as caught:
        toolkit.resolve_project("Cycling campaign 2504x")
    assert str(caught.value) == (
        "no project named 'Cycling campaign 2504x'; closest: 'Cycling campaign 2504'; "
        "'Cycling campaign 2503'; 'Cycling campaign 2502'"
    )
    assert len(caught.value.names) == 2505
    assert server.queries[0] == {**NAME_QUERY, "name": "ilike.Cycling campaign 2504x"}
    assert server.pages == LISTING


def test_two_projects_of_that_name_are_ambiguous_from_the_name_query(make_toolkit) -> None:
    server = CappingServer()
    server.projects[150]["name"] = WANTED.lower()
    with make_toolkit(server) as toolkit, pytest.raises(ConfigurationError) as caught:
        toolkit.resolve_project("Nasa PCoE Li-ion battery aging")
    assert str(caught.value) == (
        "project name 'Nasa PCoE Li-ion battery aging' is ambiguous: 2 projects have it; use "
        f"the project id: {WANTED.lower()!r} {uuid.UUID(int=151)}; {WANTED!r} "
        f"{uuid.UUID(int=WANTED_AT + 1)}"
    )
    assert server.queries == [{**NAME_QUERY, "name": "ilike.Nasa PCoE Li-ion battery aging"}]


def test_like_wildcards_in_a_name_are_escaped() -> None:
    assert name_query("CH_1 100% \\ B") == {
        "limit": 1000,
        "offset": 0,
        "name": "ilike.CH\\_1 100\\% \\\\ B",
        "order_by": "created_at",
        "order": "desc",
    }


def test_a_name_with_a_wildcard_finds_only_itself_in_the_sandbox(
    sandbox_server, sandbox_toolkit
) -> None:
    toolkit = sandbox_toolkit(sandbox_server)
    # 'nasa_pcoe li-ion battery aging' unescaped ('_' any one character) would match the NASA
    # project in the name query; escaped it matches nothing, and the listing finds no such
    # name either (the match is exact): the closest name is given.
    with pytest.raises(ProjectNotFoundError) as caught:
        toolkit.resolve_project("nasa_pcoe li-ion battery aging")
    assert str(caught.value) == (
        "no project named 'nasa_pcoe li-ion battery aging'; closest: "
        "'NASA PCoE Li-ion battery aging'"
    )
    # ... while the real name is found by the name query alone.
    before = sandbox_server.app.state.request_counter.count
    assert toolkit.resolve_project("nasa pcoe li-ion battery aging") == (
        "36c391ba-f0d6-5cbc-be8f-435c8275c5eb"
    )
    assert sandbox_server.app.state.request_counter.count - before == 1


def test_projects_list_of_a_capping_server_gets_all_2505(make_toolkit) -> None:
    server = CappingServer()
    with make_toolkit(server) as toolkit:
        projects = toolkit.list_projects()
    assert [p.name for p in projects] == [p["name"] for p in server.projects]
    assert server.pages == LISTING


async def test_export_projects_of_a_capping_server_writes_all_2505(
    make_async_toolkit, tmp_path
) -> None:
    server = CappingServer()
    target = tmp_path / "projects.jsonl"
    async with make_async_toolkit(server) as toolkit:
        result = await toolkit.export_projects([f"jsonl:{target}"])
    assert (result.records, result.requests, result.total) == (2505, 26, None)
    lines = target.read_text().splitlines()
    assert [json.loads(line)["name"] for line in lines] == [p["name"] for p in server.projects]
    assert server.pages == LISTING


# ------------------------------------------------------------------ the walk without a total


class NoTotal:
    """``n`` records, pages of at most ``cap``, no total (``total`` None)."""

    def __init__(self, n: int, cap: int) -> None:
        self.n, self.cap = n, cap
        self.calls: list[tuple[int, int]] = []

    def page(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        self.calls.append((offset, limit))
        stop = min(offset + min(limit, self.cap), self.n)
        return Page([{"id": i} for i in range(offset, stop)], None, offset)

    def fetch(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return self.page(offset, limit)

    async def afetch(self, offset: int, limit: int) -> Page[dict[str, Any]]:
        return self.page(offset, limit)


@pytest.mark.parametrize(
    ("n", "cap", "page_size", "calls"),
    [
        # FINDINGS6 F6's measurements: cap 25, 34 records, --all (pages of 1000): 34, not 25.
        (34, 25, 1000, [(0, 1000), (25, 25)]),
        # A cap that divides the collection: the page of 25 at 25 is full, one more confirms.
        (50, 25, 1000, [(0, 1000), (25, 25), (50, 25)]),
        # No cap: a short first page of no round size is the end (FINDINGS7 G31).
        (34, 1000, 1000, [(0, 1000)]),
        (5, 1000, 1000, [(0, 1000)]),
        (129, 1000, 1000, [(0, 1000)]),
        # A round short first page may be a cap: one request past it, empty, ends it.
        (100, 1000, 1000, [(0, 1000), (100, 100)]),
        (64, 1000, 1000, [(0, 1000), (64, 64)]),
        # A cap of 200 over 450: 200, 200, then the short 50 ends it.
        (450, 200, 1000, [(0, 1000), (200, 200), (400, 200)]),
        # Full pages as asked: no change (the short page asked what a page held).
        (34, 1000, 10, [(0, 10), (10, 10), (20, 10), (30, 10)]),
        (0, 25, 1000, [(0, 1000)]),
    ],
)
def test_a_walk_without_a_total_goes_past_a_first_page_shorter_than_asked(
    n: int, cap: int, page_size: int, calls: list[tuple[int, int]]
) -> None:
    server = NoTotal(n, cap)
    stats = WalkStats()
    got = [
        r["id"] for page in walk_pages(server.fetch, page_size=page_size, stats=stats) for r in page
    ]
    assert got == list(range(n))
    assert server.calls == calls
    assert (stats.records, stats.requests, stats.total) == (n, len(calls), None)


async def test_the_async_walk_without_a_total_goes_past_the_cap_too() -> None:
    server = NoTotal(34, 25)
    got = [
        r["id"]
        async for page in awalk_pages(server.afetch, page_size=1000, prefetch=8)
        for r in page
    ]
    assert got == list(range(34))
    assert server.calls == [(0, 1000), (25, 25)]


def test_max_records_below_a_short_page_asks_only_what_is_left() -> None:
    server = NoTotal(100, 10)
    pages = list(walk_pages(server.fetch, page_size=50, max_records=25))
    assert [[r["id"] for r in page] for page in pages] == [
        list(range(10)),
        list(range(10, 20)),
        list(range(20, 25)),
    ]
    assert server.calls == [(0, 25), (10, 10), (20, 5)]


def test_a_short_first_page_of_no_round_size_ends_the_walk_below_max_records() -> None:
    server = NoTotal(3, 1000)
    pages = list(walk_pages(server.fetch, page_size=5, max_records=5))
    assert [[r["id"] for r in page] for page in pages] == [[0, 1, 2]]
    assert server.calls == [(0, 5)]


def test_a_server_ignoring_offset_without_a_total_ends_at_the_repeat_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[tuple[int, int]] = []

    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        calls.append((offset, limit))
        return Page([{"id": i} for i in range(100)], None, offset)  # always the first page

    with caplog.at_level(logging.WARNING, logger="ionworks_toolkit.http"):
        pages = list(walk_pages(fetch, page_size=1000))
    assert [len(page) for page in pages] == [100]
    assert calls == [(0, 1000), (100, 100)]
    assert caplog.messages == [
        "the server answered offset 100 with records it had already sent (it ignores offset) "
        "and gives no total: the walk ends with the 100 records received; more may exist that "
        "cannot be paged to"
    ]


async def test_the_async_walk_ends_at_the_repeat_without_a_total_the_same(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[tuple[int, int]] = []

    async def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        calls.append((offset, limit))
        return Page([{"id": i} for i in range(100)], None, offset)  # always the first page

    with caplog.at_level(logging.WARNING, logger="ionworks_toolkit.http"):
        pages = [page async for page in awalk_pages(fetch, page_size=1000, prefetch=4)]
    assert [len(page) for page in pages] == [100]
    assert calls == [(0, 1000), (100, 100)]
    assert caplog.messages == [
        "the server answered offset 100 with records it had already sent (it ignores offset) "
        "and gives no total: the walk ends with the 100 records received; more may exist that "
        "cannot be paged to"
    ]


# ------------------------------------------------ FINDINGS7 G31: a short list is its end


class WholeList:
    """``GET /projects`` that sends its 5 projects whatever ``limit``, ``offset`` and
    ``name`` say (FINDINGS7 G31's server)."""

    def __init__(self, n: int = 5) -> None:
        self.projects = [project(i) for i in range(n)]
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.queries.append(dict(request.url.params))
        return httpx.Response(200, json=self.projects)


def test_projects_list_of_a_server_sending_its_whole_short_list_is_one_request(
    make_toolkit, caplog: pytest.LogCaptureFixture
) -> None:
    server = WholeList()
    with caplog.at_level(logging.WARNING), make_toolkit(server) as toolkit:
        projects = toolkit.list_projects()
    assert [p.name for p in projects] == [f"Cycling campaign {i:04d}" for i in range(5)]
    assert server.queries == [{"limit": "1000", "offset": "0", **ORDER}]
    assert caplog.messages == []


async def test_the_async_export_of_that_list_is_one_request_too(
    make_async_toolkit, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    server = WholeList()
    with caplog.at_level(logging.WARNING):
        async with make_async_toolkit(server) as toolkit:
            result = await toolkit.export_projects([f"jsonl:{tmp_path / 'p.jsonl'}"])
    assert (result.records, result.requests, result.total) == (5, 1, None)
    assert server.queries == [{"limit": "1000", "offset": "0", **ORDER}]
    assert caplog.messages == []


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_an_unknown_name_on_that_server_costs_one_request(
    make_toolkit, make_async_toolkit, asynchronous: bool
) -> None:
    # The name query's answer (every project: the server ignores name) is the listing.
    server = WholeList()
    with pytest.raises(ProjectNotFoundError) as caught:
        if asynchronous:
            async with make_async_toolkit(server) as toolkit:
                await toolkit.resolve_project("NASA PCoE")
        else:
            with make_toolkit(server) as toolkit:
                toolkit.resolve_project("NASA PCoE")
    assert caught.value.names == tuple(f"Cycling campaign {i:04d}" for i in range(5))
    assert server.queries == [{"limit": "1000", "offset": "0", "name": "ilike.NASA PCoE", **ORDER}]


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_name_on_that_server_is_found_in_one_request(
    make_toolkit, make_async_toolkit, asynchronous: bool
) -> None:
    server = WholeList()
    if asynchronous:
        async with make_async_toolkit(server) as toolkit:
            found = await toolkit.resolve_project("cycling campaign 0003")
    else:
        with make_toolkit(server) as toolkit:
            found = toolkit.resolve_project("cycling campaign 0003")
    assert found == str(uuid.UUID(int=4))
    assert len(server.queries) == 1


def test_a_server_filtering_by_name_another_way_costs_two_requests(make_toolkit) -> None:
    # ?name= taken as a plain substring ('ilike.X' matches nothing): the answer is empty, so
    # every project is listed, in one request (5 projects, no round size: the end).
    server = WholeList()

    def substring(request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        server.queries.append(query)
        chosen = [p for p in server.projects if query.get("name", "") in p["name"]]
        return httpx.Response(200, json=chosen)

    with make_toolkit(substring) as toolkit, pytest.raises(ProjectNotFoundError):
        toolkit.resolve_project("NASA PCoE")
    assert server.queries == [
        {"limit": "1000", "offset": "0", "name": "ilike.NASA PCoE", **ORDER},
        {"limit": "1000", "offset": "0", **ORDER},
    ]


# ------------------------------------------------ FINDINGS8 H3: names as text, as typed


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_name_matches_whatever_its_unicode_normalization(make_toolkit, form: str) -> None:
    # The server holds the name in the other form than the one typed (macOS writes NFD).
    import unicodedata

    server = WholeList()
    other = "NFD" if form == "NFC" else "NFC"
    server.projects[2]["name"] = unicodedata.normalize(other, "Zellalterung Müller")
    typed = unicodedata.normalize(form, "zellalterung MÜLLER")
    with make_toolkit(server) as toolkit:
        assert toolkit.resolve_project(typed) == str(uuid.UUID(int=3))
    assert len(server.queries) == 1  # the answer (every project) held it


def test_names_differing_only_in_normalization_pick_the_one_spelt_as_typed() -> None:
    import unicodedata

    from ionworks_toolkit.projects import match_project, name_key

    nfc, nfd = (unicodedata.normalize(f, "Müller") for f in ("NFC", "NFD"))
    projects = [
        Project.from_dict(project(0, nfd)),
        Project.from_dict(project(1, "müller")),
    ]
    assert name_key(nfc) == name_key(nfd) == name_key("MÜLLER") == "müller"
    assert match_project(nfc, projects) == str(uuid.UUID(int=1))
    assert match_project("müller", projects) == str(uuid.UUID(int=2))


# ------------------------------------------- FINDINGS8 H16: /projects walked in a stable order


class ShufflingServer:
    """``GET /projects``: 250 projects, capped at 100 per page, in a new order on every
    request unless ``order_by``/``order`` ask for one (a database without ORDER BY).

    Each page's order is drawn from its own offset and limit, not from the requests before
    it: an async walk's prefetched requests reach the server in any order, and the pages
    must not depend on that order (a shared random sequence gave 184 or 179 projects)."""

    def __init__(self, honours_order: bool = True) -> None:
        self.projects = [project(i) for i in range(250)]
        self.queries: list[dict[str, str]] = []
        self.honours_order = honours_order

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        self.queries.append(query)
        chosen = list(self.projects)
        ordered = (query.get("order_by"), query.get("order")) == ("created_at", "desc")
        if ordered and self.honours_order:
            chosen.reverse()  # created in id order: newest first
        offset, limit = int(query["offset"]), min(int(query["limit"]), 100)
        if not (ordered and self.honours_order):
            random.Random(f"16/{offset}/{limit}").shuffle(chosen)
        return httpx.Response(200, json=chosen[offset : offset + limit])


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_every_project_is_listed_from_a_server_without_a_default_order(
    make_toolkit, make_async_toolkit, asynchronous: bool
) -> None:
    server = ShufflingServer()
    if asynchronous:
        async with make_async_toolkit(server) as toolkit:
            projects = await toolkit.list_projects()
    else:
        with make_toolkit(server) as toolkit:
            projects = toolkit.list_projects()
    assert [p.name for p in projects] == [f"Cycling campaign {i:04d}" for i in range(249, -1, -1)]
    asked = [(q["offset"], q["limit"]) for q in server.queries]
    # (the async walk prefetches pages past the end, cancelled once the short page came)
    assert asked[:3] == [("0", "1000"), ("100", "100"), ("200", "100")]
    # at most the pages prefetched past it (300, 400, 500 here), none asked twice or beyond
    past_end = [(str(offset), "100") for offset in (300, 400, 500)]
    assert asked[3:] == (past_end[: len(asked) - 3] if asynchronous else [])
    assert all((q["order_by"], q["order"]) == ("created_at", "desc") for q in server.queries)


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_listing_that_may_lack_projects_is_refused(
    make_toolkit, make_async_toolkit, asynchronous: bool
) -> None:
    # A server shuffling whatever the order asked: projects come again on later pages, so
    # some are missing; list_projects (and --all-projects) gets no partial list (H16).
    server = ShufflingServer(honours_order=False)
    with pytest.raises(PaginationError) as caught:
        if asynchronous:
            async with make_async_toolkit(server) as toolkit:
                await toolkit.list_projects()
        else:
            with make_toolkit(server) as toolkit:
                toolkit.list_projects()
    assert str(caught.value) == (
        "GET /projects listed 183 projects, but 67 record(s) came back on two pages (records "
        "moved to later offsets: inserted or re-ordered): projects may be missing, so the "
        "listing is refused; run it again"
    )


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_an_unknown_name_in_a_listing_that_may_lack_projects_is_not_called_unknown(
    make_toolkit, make_async_toolkit, asynchronous: bool
) -> None:
    # The same server, asked for a name it does not filter by: a project missing from the
    # listing may be the one named, so no "no project named" (H16's kind, in the lookup).
    server = ShufflingServer(honours_order=False)
    with pytest.raises(PaginationError) as caught:
        if asynchronous:
            async with make_async_toolkit(server) as toolkit:
                await toolkit.resolve_project("Cycling campaign 9999")
        else:
            with make_toolkit(server) as toolkit:
                toolkit.resolve_project("Cycling campaign 9999")
    assert str(caught.value) == (
        "GET /projects listed 183 projects, but 67 record(s) came back on two pages (records "
        "moved to later offsets: inserted or re-ordered): projects may be missing, so the "
        "listing is refused; run it again"
    )


def test_names_that_look_the_same_are_told_apart_by_their_normalization() -> None:
    # Typed in capitals, neither server name is spelt as typed: ambiguous, and
    # the two names that print alike say which normalization each has (FINDINGS8 H3).
    import unicodedata

    from ionworks_toolkit.projects import match_project

    nfc, nfd = (unicodedata.normalize(f, "Zellalterung Müller") for f in ("NFC", "NFD"))
    projects = [Project.from_dict(project(0, nfc)), Project.from_dict(project(1, nfd))]
    with pytest.raises(ConfigurationError) as caught:
        match_project("ZELLALTERUNG MÜLLER", projects)
    assert str(caught.value) == (
        "project name 'ZELLALTERUNG MÜLLER' is ambiguous: 2 projects have it; use the project "
        f"id: {nfc!r} (NFC Unicode normalization) {uuid.UUID(int=1)}; {nfd!r} (NFD Unicode "
        f"normalization) {uuid.UUID(int=2)}"
    )
