"""The sandbox and the overlaid spec agree: parameter constraints, and every error answer.

Both sides are read, never pinned: the spec is ``ionworks_client/openapi.json`` (what the client
is generated from), the sandbox's own constraints come from its FastAPI ``app.openapi()``. So
this keeps holding when the spec is regenerated: a new bound on one side fails here until the
other side follows.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from sandbox_testlib import (
    API_KEY,
    SEVERSON,
    SPEC_PATH,
    SandboxOptions,
    make_client,
    project_id,
)

SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text("utf-8"))
CONSTRAINTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "pattern")
METHODS = ("get", "post", "patch", "put", "delete")


def _constraints(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Bounds and enum of a parameter schema, through ``anyOf [X, null]`` and ``$ref``."""
    out: dict[str, Any] = {}
    if not isinstance(schema, dict):
        return out
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _constraints(document, document["components"]["schemas"][name])
    for key in CONSTRAINTS:
        if key in schema:
            out[key] = sorted(map(str, schema[key])) if key == "enum" else schema[key]
    for member in schema.get("anyOf", []) + schema.get("oneOf", []):
        out.update(_constraints(document, member))
    return out


def _shared_query_parameters() -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    sandbox = make_client().app.openapi()
    rows = []
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            served = sandbox["paths"].get(path, {}).get(method)
            if served is None:
                continue
            theirs = {p["name"]: p for p in served.get("parameters", []) if p["in"] == "query"}
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query" or parameter["name"] not in theirs:
                    continue
                other = theirs[parameter["name"]]
                ours = {**_constraints(SPEC, parameter["schema"])}
                ours["required"] = bool(parameter.get("required"))
                sand = {**_constraints(sandbox, other["schema"])}
                sand["required"] = bool(other.get("required"))
                rows.append((method.upper(), path, parameter["name"], ours, sand))
    return rows


SHARED = _shared_query_parameters()


def test_the_comparison_covers_the_list_endpoints() -> None:
    compared = {(method, path) for method, path, *_ in SHARED}
    assert ("GET", "/projects") in compared
    assert ("GET", "/cell_measurements/by-project/{project_id}") in compared
    assert len(SHARED) >= 40


@pytest.mark.parametrize(
    ("method", "path", "name", "spec", "sandbox"),
    SHARED,
    ids=[f"{m} {p} {n}" for m, p, n, _, _ in SHARED],
)
def test_query_parameter_constraints_agree(
    method: str, path: str, name: str, spec: dict[str, Any], sandbox: dict[str, Any]
) -> None:
    assert spec == sandbox


def test_projects_limit_zero_is_refused_by_both() -> None:
    """Issue input: /projects?limit=0 got 422 from the sandbox while the spec allowed it."""
    (limit,) = [p for p in SPEC["paths"]["/projects"]["get"]["parameters"] if p["name"] == "limit"]
    assert _constraints(SPEC, limit["schema"])["minimum"] == 1
    with make_client() as client:
        response = client.get("/projects", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


# --------------------------------------------------------------------------- error answers


def _declared(method: str, path: str, status: int) -> dict[str, Any]:
    responses = SPEC["paths"][path][method.lower()]["responses"]
    declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    assert declared is not None, f"{method} {path} does not declare {status}"
    return declared["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def _assert_conforms(method: str, path: str, response: Any) -> None:
    schema = {**_declared(method, path, response.status_code), "components": SPEC["components"]}
    jsonschema.Draft202012Validator(schema).validate(response.json())


SERVED_GETS = [
    path
    for path, item in SPEC["paths"].items()
    if "get" in item and path in make_client().app.openapi()["paths"]
]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)


@pytest.mark.parametrize("path", SERVED_GETS)
def test_every_401_is_declared_with_its_body(path: str) -> None:
    with make_client(None, **{"X-API-Key": "wrong"}) as client:
        response = client.get(_concrete(path))
    assert response.status_code == 401
    _assert_conforms("GET", path, response)


@pytest.mark.parametrize("path", [p for p in SERVED_GETS if "{" in p])
def test_every_404_is_declared_with_its_body(path: str) -> None:
    with make_client() as client:
        response = client.get(_concrete(path))
    assert response.status_code == 404
    _assert_conforms("GET", path, response)


def test_429_and_500_are_declared_with_their_bodies() -> None:
    path = "/cell_measurements/by-project/{project_id}"
    url = path.format(project_id=project_id(SEVERSON))
    with make_client(SandboxOptions(rate_limit_every=1)) as client:
        limited = client.get(url, headers=API_KEY)
    assert limited.status_code == 429
    _assert_conforms("GET", path, limited)
    with make_client(SandboxOptions(fail_500_on_request=1)) as client:
        failed = client.get(url, headers=API_KEY)
    assert failed.status_code == 500
    _assert_conforms("GET", path, failed)
