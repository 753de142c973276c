"""Property-based conformance of the seed endpoint against the OpenAPI document (schemathesis).

Only what the document defines is checked: no server errors, documented status codes (200 and
422), content types and response schemas. Generated path ids are replaced by the ids of real
sandbox projects (an unknown id would give an undocumented 404), and some datetime filters get
valid ISO 8601 values so that filtered 200 responses are exercised as well as 422s.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ionworks_toolkit.sandbox import SandboxServer
from ionworks_toolkit.sandbox._catalogue import Catalogue
from sandbox_testlib import API_KEY, SPEC_PATH
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.sandbox

MAX_EXAMPLES = 50
SEED_PATH = "/cell_measurements/by-project/{project_id}"
DATETIME_PARAMS = [
    "start_time",
    "start_time_gt",
    "start_time_lt",
    "created_at",
    "created_at_gt",
    "created_at_lt",
    "updated_at",
    "updated_at_gt",
    "updated_at_lt",
]
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
