"""Ordering, paging and error bodies of the seed endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_testlib import (
    EMPTY,
    SEVERSON,
    TRI,
    TestClient,
    by_project,
    names,
    project_id,
)

# (project, order_by, order) -> (first two names, last name); ties are broken by id in the same
# direction, nulls come last in both directions (ordered by id ascending).
ORDERINGS = {
    (SEVERSON, "name", "asc"): (
        ["2017-05-09_test-TC-contact_CH33", "2017-05-12_3.6C(80%)-3.6C_EL150800460486"],
        "FastCharge_000025_CH8",
    ),
    (SEVERSON, "name", "desc"): (
        ["FastCharge_000025_CH8", "2019-04-19-GITT_aged_CH34"],
        "2017-05-09_test-TC-contact_CH33",
    ),
    (SEVERSON, "created_at", "asc"): (
        ["2017-05-12_3.6C(80%)-3.6C_EL150800460514", "2017-05-12_3.6C(80%)-3.6C_EL150800460486"],
        "FastCharge_000025_CH8",
    ),
    (SEVERSON, "created_at", "desc"): (
        ["FastCharge_000025_CH8", "2018-04-12_4.36C(80%)-4.36C_EL150800739484"],
        "2017-05-12_3.6C(80%)-3.6C_EL150800460514",
    ),
    (SEVERSON, "updated_at", "asc"): (
        ["2017-05-12_3.6C(80%)-3.6C_EL150800460514", "2017-05-12_3.6C(80%)-3.6C_EL150800460486"],
        "FastCharge_000025_CH8",
    ),
    (SEVERSON, "updated_at", "desc"): (
        ["FastCharge_000025_CH8", "2018-04-12_4.36C(80%)-4.36C_EL150800739484"],
        "2017-05-12_3.6C(80%)-3.6C_EL150800460514",
    ),
    (SEVERSON, "start_time", "asc"): (
        ["2017-05-09_test-TC-contact_CH33", "FastCharge_000025_CH8"],
        "2017-06-30_4.65C(19%)-4.85C_EL150800460603",
    ),
    (SEVERSON, "start_time", "desc"): (
        ["2019-04-19-GITT_aged_CH33", "2019-04-19-GITT_aged_CH34"],
        "2017-06-30_4.65C(19%)-4.85C_EL150800460603",
    ),
    (SEVERSON, "cell_instance_id", "asc"): (
        ["2019-04-19-GITT_aged_CH34", "2017-06-30_4.4C(47%)-5.5C_EL150800460480"],
        "2017-06-30_4.8C(80%)-4.8C_EL150800460596",
    ),
    (SEVERSON, "cell_instance_id", "desc"): (
        ["2017-06-30_4.8C(80%)-4.8C_EL150800460596", "2018-04-12_5.6C(19%)-4.6C_EL150800739477"],
        "2019-04-19-GITT_aged_CH34",
    ),
    (SEVERSON, "step_labels_validated", "asc"): (
        ["2017-06-30_4.8C(80%)-4.8C_EL150800460611", "2017-05-12_4C(80%)-4C_EL150800464865"],
        "2017-06-30_4.65C(19%)-4.85C_EL150800460603",
    ),
    (SEVERSON, "step_labels_validated", "desc"): (
        ["2017-06-30_4.65C(19%)-4.85C_EL150800460603", "2017-05-12_4.8C(80%)-4.8C_EL150800465027"],
        "2017-06-30_4.8C(80%)-4.8C_EL150800460611",
    ),
    (SEVERSON, "cycler", "asc"): (
        ["2017-06-30_4.8C(80%)-4.8C_EL150800460611", "2017-05-12_4C(80%)-4C_EL150800464865"],
        "2017-06-30_4.65C(19%)-4.85C_EL150800460603",
    ),
    (SEVERSON, "cycler", "desc"): (
        ["2017-06-30_4.65C(19%)-4.85C_EL150800460603", "2017-05-12_4.8C(80%)-4.8C_EL150800465027"],
        "2017-06-30_4.8C(80%)-4.8C_EL150800460611",
    ),
    (SEVERSON, "notes", "asc"): (
        ["FastCharge_000025_CH8", "2019-04-19-GITT_aged_CH33"],
        "2018-04-12_5.3C(54%)-4C_EL150800737259",
    ),
    (SEVERSON, "notes", "desc"): (
        ["2018-04-12_5.3C(54%)-4C_EL150800737259", "2017-05-12_7C(30%)-3.6C_EL150800463229"],
        "FastCharge_000025_CH8",
    ),
    # TRI: one Arbin run with a start time, 70 test-plan rows with null cycler and start time.
    (TRI, "cycler", "asc"): (["Talos_001385_NCR18650618003_CH33", "Drive_000116"], "Talos_001382"),
    (TRI, "cycler", "desc"): (["Talos_001385_NCR18650618003_CH33", "Drive_000116"], "Talos_001382"),
    (TRI, "start_time", "asc"): (
        ["Talos_001385_NCR18650618003_CH33", "Drive_000116"],
        "Talos_001382",
    ),
    (TRI, "start_time", "desc"): (
        ["Talos_001385_NCR18650618003_CH33", "Drive_000116"],
        "Talos_001382",
    ),
    (TRI, "name", "asc"): (["Drive_000100", "Drive_000101"], "Talos_001385_NCR18650618003_CH33"),
    (TRI, "created_at", "desc"): (["Drive_000135", "Drive_000134"], "Talos_000292"),
}


@pytest.mark.parametrize(("project", "order_by", "order"), list(ORDERINGS))
def test_order_by_every_column(client: TestClient, project: str, order_by: str, order: str) -> None:
    first_two, last = ORDERINGS[(project, order_by, order)]
    body = by_project(client, project, order_by=order_by, order=order, limit=1000)
    assert names(body)[:2] == first_two
    assert names(body)[-1] == last
    assert body["count"] == body["total"] == len(body["items"])


def test_default_order_is_created_at_desc(client: TestClient) -> None:
    default = by_project(client, SEVERSON)
    explicit = by_project(client, SEVERSON, order_by="created_at", order="desc")
    assert names(default) == names(explicit)
    assert default["count"] == 25  # default limit
    assert default["items"][0]["created_at"] == "2024-01-01T02:07:00Z"
    assert default["items"][-1]["created_at"] == "2024-01-01T01:43:00Z"


def test_order_is_total_and_stable_across_pages(client: TestClient) -> None:
    whole = names(by_project(client, SEVERSON, order_by="cycler", limit=1000))
    paged: list[str] = []
    for offset in range(0, 128, 10):
        body = by_project(client, SEVERSON, order_by="cycler", limit=10, offset=offset)
        assert body["total"] == 128
        assert body["count"] == len(body["items"]) == min(10, 128 - offset)
        paged += names(body)
    assert paged == whole
    assert len(set(paged)) == 128


@pytest.mark.parametrize(
    ("limit", "offset", "count"),
    [
        (1, 0, 1),
        (25, 100, 25),
        (25, 120, 8),
        (1000, 0, 128),
        (10, 127, 1),
        (10, 128, 0),
        (5, 999, 0),
    ],
)
def test_limit_offset_count_total(client: TestClient, limit: int, offset: int, count: int) -> None:
    body = by_project(client, SEVERSON, limit=limit, offset=offset)
    assert body["count"] == len(body["items"]) == count
    assert body["total"] == 128
    assert set(body) == {"items", "count", "total"}


def test_empty_project(client: TestClient) -> None:
    body = by_project(client, EMPTY)
    assert body == {"items": [], "count": 0, "total": 0}
    assert by_project(client, EMPTY, name="ilike.%", offset=10)["total"] == 0


def test_unknown_project_is_404(client: TestClient) -> None:
    response = client.get("/cell_measurements/by-project/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": "Project not found"}


def _error(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(f"/cell_measurements/by-project/{project_id(SEVERSON)}", params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    first: dict[str, Any] = detail[0]
    assert {"type", "loc", "msg"} <= set(first)
    return first


@pytest.mark.parametrize(
    ("params", "loc", "error_type"),
    [
        ({"limit": 0}, ["query", "limit"], "greater_than_equal"),
        ({"limit": 1001}, ["query", "limit"], "less_than_equal"),
        ({"limit": "ten"}, ["query", "limit"], "int_parsing"),
        ({"offset": -1}, ["query", "offset"], "greater_than_equal"),
        ({"order_by": "cycle_count"}, ["query", "order_by"], "literal_error"),
        ({"order": "up"}, ["query", "order"], "literal_error"),
        ({"measurement_type": "raw"}, ["query", "measurement_type"], "enum"),
        ({"start_time_gt": "yesterday"}, ["query", "start_time_gt"], "datetime_from_date_parsing"),
        (
            {"start_time": "2019-13-01T00:00:00Z"},
            ["query", "start_time"],
            "datetime_from_date_parsing",
        ),
        ({"created_at_lt": ""}, ["query", "created_at_lt"], "datetime_from_date_parsing"),
        (
            {"updated_at": "2024-01-01T25:00:00Z"},
            ["query", "updated_at"],
            "datetime_from_date_parsing",
        ),
    ],
)
def test_invalid_input_gets_fastapi_422(
    client: TestClient, params: dict[str, Any], loc: list[str], error_type: str
) -> None:
    error = _error(client, **params)
    assert error["loc"] == loc
    assert error["type"] == error_type
    assert error["input"] == str(next(iter(params.values())))


def test_all_bad_datetimes_are_reported_together(client: TestClient) -> None:
    response = client.get(
        f"/cell_measurements/by-project/{project_id(SEVERSON)}",
        params={"start_time_gt": "nope", "created_at_lt": "2024-02-30T00:00:00Z"},
    )
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["detail"]]
    assert locs == [["query", "start_time_gt"], ["query", "created_at_lt"]]
    assert response.json()["detail"][0]["msg"].startswith("Input should be a valid datetime")
