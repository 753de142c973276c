"""Property-based conformance of the seed endpoint against the OpenAPI document (schemathesis).

Only what the document defines is checked: no server errors, documented status codes (200 and
422), content types and response schemas. Generated path ids are replaced by the ids of real
sandbox projects (an unknown id would give an undocumented 404), and some datetime filters get
valid ISO 8601 values so that filtered 200 responses are exercised as well as 422s.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ionworks_toolkit.sandbox import SandboxServer
from ionworks_toolkit.sandbox._catalogue import Catalogue
from sandbox_testlib import API_KEY, SPEC_PATH, datetime_parameters, range_fields
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.sandbox

MAX_EXAMPLES = 50
SEED_PATH = "/cell_measurements/by-project/{project_id}"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text("utf-8"))
#: Read from the spec, not pinned: the seed operation's range-filter parameters (F, F_gt,
#: F_lt for every declared F_gt/F_lt), checked below to be date-time fields of its items.
DATETIME_PARAMS = datetime_parameters(SPEC, SEED_PATH)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

config = schemathesis.Config.from_dict(
    {"generation": {"mode": "positive", "max-examples": MAX_EXAMPLES}}
)
schema = schemathesis.openapi.from_path(SPEC_PATH, config=config).include(
    path=SEED_PATH, method="GET"
)

PROJECT_IDS = [p.id for p in Catalogue.build().projects]
ISO_DATETIMES = st.builds(
    lambda moment, tz: moment.replace(tzinfo=tz).isoformat(),
    st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2025, 1, 1)),
    st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)), None]),
)


@schema.parametrize()
@schema.given(
    project_id=st.sampled_from(PROJECT_IDS),
    datetimes=st.dictionaries(st.sampled_from(DATETIME_PARAMS), ISO_DATETIMES, max_size=3),
)
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_seed_endpoint_conforms(
    case: Any, project_id: str, datetimes: dict[str, str], server: SandboxServer
) -> None:
    case.path_parameters = {"project_id": project_id}
    case.query = {**(case.query or {}), **datetimes}
    # The overlaid spec declares X-API-Key and bearer as alternatives; schemathesis fills
    # both with random values. Send only the sandbox key, as a real caller would.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    response = case.call(base_url=server.base_url, headers=API_KEY)
    case.validate_response(response, checks=CHECKS)
    assert response.status_code in (200, 422)
    body = response.json()
    if response.status_code == 200:
        assert set(body) == {"items", "count", "total"}
        assert body["count"] == len(body["items"]) <= body["total"]
    else:
        assert all(error["loc"][0] == "query" for error in body["detail"])


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    """Properties of a schema through ``$ref`` and ``allOf`` (the spec's composition)."""
    if "$ref" in schema:
        return _properties(SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    found = dict(schema.get("properties", {}))
    for member in schema.get("allOf", []):
        found.update(_properties(member))
    return found


def _formats(schema: dict[str, Any]) -> set[str]:
    return {schema.get("format", "")} | {
        m.get("format", "") for m in schema.get("anyOf", []) + schema.get("oneOf", [])
    }


def test_the_datetime_parameters_are_the_items_date_time_fields() -> None:
    """The list above is derived, so check the derivation against the spec's items."""
    ok = SPEC["paths"][SEED_PATH]["get"]["responses"]["200"]["content"]["application/json"]
    item = _properties(ok["schema"])["items"]["items"]
    fields = _properties(item)
    assert range_fields(SPEC, SEED_PATH)  # the seed endpoint has range filters at all
    for field in range_fields(SPEC, SEED_PATH):
        assert "date-time" in _formats(fields[field]), field
    assert set(DATETIME_PARAMS) >= {f"{f}_gt" for f in range_fields(SPEC, SEED_PATH)}
