"""Every query parameter the spec declares on an operation the sandbox serves is declared by
the sandbox AND honoured by it (last round: ``GET /cell_specifications`` ignored its
``created_at_*``/``updated_at_*`` filters).

The parameters come from the overlaid spec (``ionworks_client/openapi.json``), never from a
list here, so a parameter added to the spec fails these tests until the sandbox serves it, and
one removed stops being tested. What each kind of parameter must do:

- a range field ``F`` (``F_gt``/``F_lt`` declared; date-times): ``F_gt`` far in the future,
  ``F_lt`` far in the past and ``F`` equal to a far-past instant each match nothing;
- an enum filter: its values partition the records (the totals per value add up);
- an array filter: a value nothing carries matches nothing;
- ``exclude_*``: excluding the first record leaves one fewer;
- any other text filter: ``eq.<a value nothing has>`` matches nothing.

Paging and ordering (``limit``, ``offset``, ``order_by``, ``order``) choose a slice, not the
records, and boolean flags (``full``, ``include_*``) shape each record: both are left to the
endpoint tests.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sandbox_testlib import (
    ATTIA_SPEC,
    SEVERSON,
    SEVERSON_SPEC,
    SPEC_PATH,
    TestClient,
    datetime_parameters,
    make_client,
    project_id,
    query_parameters,
    range_fields,
)

SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text("utf-8"))
SERVED: dict[str, Any] = make_client().app.openapi()["paths"]
NOT_FILTERS = frozenset({"limit", "offset", "order_by", "order"})
FUTURE, PAST = "2100-01-01T00:00:00Z", "1900-01-01T00:00:00Z"
NOTHING = "no-such-value-0f3c"
NASA_SPEC = "NASA PCoE Li-ion cell (rated 2 Ah)"

OPERATIONS = [
    (method, path)
    for path, item in SPEC["paths"].items()
    for method in item
    if method in SERVED.get(path, {}) and query_parameters(SPEC, path, method)
]
LISTS = [
    path
    for method, path in OPERATIONS
    if method == "get" and "limit" in query_parameters(SPEC, path)
]


def _schema(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = parameter["schema"]
    (member,) = [m for m in schema.get("anyOf", [schema]) if m.get("type") != "null"]
    if "$ref" in member:
        return SPEC["components"]["schemas"][member["$ref"].rsplit("/", 1)[-1]]  # type: ignore[no-any-return]
    return member  # type: ignore[no-any-return]


def _records(body: Any) -> tuple[list[dict[str, Any]], int]:
    """(items, total) of a list answer: an envelope, or a bare array (``/projects``)."""
    if isinstance(body, list):
        return body, len(body)
    return body["items"], body["total"]


class Endpoint:
    """One served list endpoint with real path parameters (records exist under them)."""

    def __init__(self, client: TestClient, path: str) -> None:
        self.client = client
        self.path = path
        self.url = path
        for name in re.findall(r"\{([^}]+)\}", path):
            self.url = self.url.replace("{" + name + "}", _path_value(client, name))

    def query(self, **params: Any) -> tuple[list[dict[str, Any]], int]:
        response = self.client.get(self.url, params={"limit": 1000, **params})
        assert response.status_code == 200, (self.path, params, response.text)
        return _records(response.json())


def _path_value(client: TestClient, name: str) -> str:
    """An id under which records exist: the Severson project, its first specification, that
    specification's first instance."""
    if name == "project_id":
        return project_id(SEVERSON)
    specs = client.get("/cell_specifications", params={"project_id": project_id(SEVERSON)})
    spec = specs.json()["items"][0]["id"]
    if name == "cell_spec_id":
        return str(spec)
    if name == "cell_instance_id":
        instances = client.get(f"/cell_specifications/{spec}/cell_instances").json()
        return str(instances["items"][0]["id"])
    raise AssertionError(f"no sandbox value for path parameter {name}")


def test_the_operations_are_read_from_the_spec() -> None:
    assert ("get", "/cell_specifications") in OPERATIONS
    assert "/projects" in LISTS and "/cell_measurements/by-project/{project_id}" in LISTS
    assert range_fields(SPEC, "/cell_specifications") == ["created_at", "updated_at"]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_sandbox_declares_every_spec_query_parameter(method: str, path: str) -> None:
    served = {p["name"] for p in SERVED[path][method].get("parameters", []) if p["in"] == "query"}
    assert [n for n in query_parameters(SPEC, path, method) if n not in served] == []


DATETIME_CASES = [(path, name) for path in LISTS for name in datetime_parameters(SPEC, path)]


@pytest.mark.parametrize(
    ("path", "name"), DATETIME_CASES, ids=[f"{p} {n}" for p, n in DATETIME_CASES]
)
def test_every_range_parameter_is_honoured(client: TestClient, path: str, name: str) -> None:
    endpoint = Endpoint(client, path)
    assert endpoint.query()[1] > 0
    value = FUTURE if name.endswith("_gt") else PAST
    assert endpoint.query(**{name: value}) == ([], 0)


def _other_filters(path: str) -> list[str]:
    dated = set(datetime_parameters(SPEC, path))
    return [
        name
        for name, parameter in query_parameters(SPEC, path).items()
        if name not in NOT_FILTERS
        and name not in dated
        and _schema(parameter).get("type") != "boolean"
    ]


FILTER_CASES = [(path, name) for path in LISTS for name in _other_filters(path)]


@pytest.mark.parametrize(("path", "name"), FILTER_CASES, ids=[f"{p} {n}" for p, n in FILTER_CASES])
def test_every_other_filter_is_honoured(client: TestClient, path: str, name: str) -> None:
    endpoint = Endpoint(client, path)
    items, total = endpoint.query()
    assert total > 0
    schema = _schema(query_parameters(SPEC, path)[name])
    if "enum" in schema:
        assert sum(endpoint.query(**{name: value})[1] for value in schema["enum"]) == total
    elif schema.get("type") == "array":
        assert endpoint.query(**{name: [NOTHING]}) == ([], 0)
    elif name.startswith("exclude_"):
        left, left_total = endpoint.query(**{name: items[0]["id"]})
        assert left_total == total - 1
        assert items[0]["id"] not in [item["id"] for item in left]
    else:
        assert endpoint.query(**{name: f"eq.{NOTHING}"}) == ([], 0)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 11),
        ({"created_at_lt": "2024-01-01T00:00:30Z"}, [SEVERSON_SPEC]),
        ({"created_at_gt": "2024-01-01T00:09:30Z"}, [NASA_SPEC]),
        ({"updated_at_lt": "2024-01-01T00:01:00Z"}, [SEVERSON_SPEC]),
        ({"updated_at_gt": "2024-01-01T00:10:00Z"}, [NASA_SPEC]),
        (
            {"created_at_gt": "2024-01-01T00:00:00Z", "created_at_lt": "2024-01-01T00:02:00Z"},
            [ATTIA_SPEC],
        ),
        (
            {
                "updated_at_gt": "2024-01-01T00:00:30+00:00",
                "updated_at_lt": "2024-01-01T01:01:30+01:00",
            },
            [],
        ),
        ({"created_at_gt": "2100-01-01"}, []),
    ],
)
def test_specifications_by_created_and_updated_time(
    client: TestClient, params: dict[str, str], expected: int | list[str]
) -> None:
    """The issue's input: ``/cell_specifications?created_at_*&updated_at_*`` filter. The
    sandbox stamps the 11 specifications one minute apart in dataset order from
    2024-01-01T00:00:00Z (Severson first, NASA last), each updated 30 s after its creation;
    bounds are strict."""
    body = client.get("/cell_specifications", params={"order": "asc", **params}).json()
    names = [item["name"] for item in body["items"]]
    if isinstance(expected, int):
        assert body["total"] == len(names) == expected
    else:
        assert names == expected and body["total"] == len(expected)


def test_specifications_order_by_updated_at(client: TestClient) -> None:
    """The spec's ``order_by`` documents name, created_at and updated_at for specifications."""
    body = client.get("/cell_specifications", params={"order_by": "updated_at", "order": "desc"})
    assert body.status_code == 200
    names = [item["name"] for item in body.json()["items"]]
    assert (names[0], names[-1], len(names)) == (NASA_SPEC, SEVERSON_SPEC, 11)
