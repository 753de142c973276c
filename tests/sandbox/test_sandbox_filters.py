"""Every filter family of the seed endpoint, with exact counts on the real data.

Severson 2019 has 128 measurements created at 2024-01-01T00:00Z + 0..127 minutes; four carry a
start time (2017-05-10T00:47:33Z, 2017-05-13T03:13:34Z and twice 2019-04-20T01:12:17Z).
"""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_testlib import (
    ATTIA,
    ATTIA_SPEC,
    NASA,
    SEVERSON,
    SEVERSON_SPEC,
    TRI,
    TestClient,
    by_project,
    instance_id,
    names,
    spec_id,
    total,
)

SEV_SPEC_ID = spec_id(SEVERSON, SEVERSON_SPEC)
INSTANCE_659 = instance_id(SEV_SPEC_ID, "EL150800460659")  # the one cell with two tests


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 128),
        ({"name": "eq.2017-05-12_3.6C(80%)-3.6C_EL150800460514"}, 1),
        ({"name": "2017-05-12_3.6C(80%)-3.6C_EL150800460514"}, 1),  # bare value = exact
        ({"name": "2017-05-12_3.6C(80%)-3.6C"}, 0),  # exact, not substring
        ({"name": "eq.2017-05-12_3.6c(80%)-3.6c_el150800460514"}, 0),  # eq is case-sensitive
        ({"name": "neq.2017-05-12_3.6C(80%)-3.6C_EL150800460514"}, 127),
        ({"name": "ilike.%ch3%"}, 3),
        ({"name": "ilike.*ch3*"}, 3),  # PostgREST's * for %
        ({"name": "like.%ch3%"}, 0),  # like is case-sensitive
        ({"name": "like.%CH3%"}, 3),
        ({"name": "like.%CH3_"}, 3),  # _ is one character
        ({"name": "like.2017-05-12%"}, 41),
        ({"name": "like.2017-05-1_%"}, 41),
        ({"name": "like.2017-05-12\\_%"}, 41),  # escaped _
        ({"name": "like.%(80\\%)%"}, 17),  # escaped %
        ({"name": "ilike.%(80%)%"}, 17),  # wildcard inside the pattern
        ({"name": "like.%514"}, 1),
        ({"name": "ilike.2017-06-30%"}, 43),
        ({"name": "ilike.%"}, 128),
        ({"created_by_email": "ilike.%sandbox%"}, 128),
        ({"created_by_email": "sandbox@ionworks.invalid"}, 128),
        ({"created_by_email": "eq.someone@example.com"}, 0),
        ({"created_by_email": "neq.someone@example.com"}, 128),
        ({"spec_name": SEVERSON_SPEC}, 128),
        ({"spec_name": f"eq.{ATTIA_SPEC}"}, 0),
        ({"spec_name": "ilike.%severson%"}, 128),
        ({"spec_name": "ilike.%attia%"}, 0),
        ({"instance_name": "EL150800460659"}, 2),
        ({"instance_name": "ilike.el1508004606%"}, 36),  # 35 cells, one tested twice
        ({"spec_id": SEV_SPEC_ID}, 128),
        ({"spec_id": f"eq.{SEV_SPEC_ID}"}, 128),
        ({"spec_id": spec_id(ATTIA, ATTIA_SPEC)}, 0),
        ({"cell_instance_id": INSTANCE_659}, 2),
        ({"cell_instance_id": f"neq.{INSTANCE_659}"}, 126),
        ({"spec_anode": "graphite"}, 128),
        ({"spec_anode": "GRAPHITE"}, 128),  # material names match case-insensitively
        ({"spec_anode": "eq.Graphite"}, 128),
        ({"spec_anode": "ilike.graph%"}, 128),
        ({"spec_anode": "neq.graphite"}, 0),
        ({"spec_anode": "LFP"}, 0),
        ({"spec_cathode": "lfp"}, 128),
        ({"spec_cathode": "like.%FP"}, 128),
        ({"spec_cathode": "NMC"}, 0),
        ({"measurement_type": "time_series"}, 128),
        ({"measurement_type": "properties"}, 0),
        ({"measurement_type": "file"}, 0),
        ({"name": "ilike.%ch3%", "spec_anode": "graphite", "measurement_type": "time_series"}, 3),
    ],
)
def test_string_and_enum_filters(client: TestClient, params: dict[str, Any], expected: int) -> None:
    assert total(client, SEVERSON, **params) == expected


def test_ilike_returns_the_matching_names(client: TestClient) -> None:
    body = by_project(client, SEVERSON, name="ilike.%ch3%", order_by="name", order="asc")
    assert names(body) == [
        "2017-05-09_test-TC-contact_CH33",
        "2019-04-19-GITT_aged_CH33",
        "2019-04-19-GITT_aged_CH34",
    ]
    assert body["count"] == body["total"] == 3


def test_cell_instance_filter_returns_both_tests_of_one_cell(client: TestClient) -> None:
    body = by_project(client, SEVERSON, cell_instance_id=INSTANCE_659, order="asc")
    assert names(body) == [
        "2017-05-12_5.4C(80%)-5.4C_EL150800460659",
        "2017-05-09_test-TC-contact_CH33",
    ]


@pytest.mark.parametrize(
    ("project", "params", "expected"),
    [
        (TRI, {"spec_anode": "graphite"}, 0),
        (TRI, {"spec_anode": "neq.graphite"}, 0),  # a null anode never matches, neq included
        (TRI, {"spec_name": "Tesla_Model3_21700"}, 36),
        (TRI, {"spec_name": "ilike.%ncr%"}, 15),
        (TRI, {"name": "ilike.talos%"}, 35),
        (TRI, {"name": "like.Drive_%"}, 36),
        (ATTIA, {"name": "ilike.%oed_0%"}, 46),
        (ATTIA, {"name": "like.%batch9%"}, 45),
        (ATTIA, {"spec_cathode": "LFP", "spec_anode": "graphite"}, 233),
        (NASA, {"spec_cathode": "ilike.%"}, 0),
    ],
)
def test_filters_on_other_projects(
    client: TestClient, project: str, params: dict[str, Any], expected: int
) -> None:
    assert total(client, project, **params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start_time": "2019-04-20T01:12:17Z"}, 2),
        ({"start_time": "2019-04-20T03:12:17+02:00"}, 2),  # same instant, other offset
        ({"start_time": "2019-04-19T20:12:17-05:00"}, 2),
        ({"start_time": "2019-04-20T01:12:17"}, 2),  # naive = UTC
        ({"start_time": "2019-04-20T01:12:17.000001Z"}, 0),
        ({"start_time_gt": "2017-05-12T00:00:00Z"}, 3),
        ({"start_time_lt": "2017-05-12T00:00:00Z"}, 1),
        ({"start_time_gt": "2017-05-13T03:13:34Z"}, 2),  # strictly after
        ({"start_time_gt": "2017-05-13T05:13:34+02:00"}, 2),
        ({"start_time_gt": "2017-05-13T03:13:33Z"}, 3),
        ({"start_time_lt": "2017-05-13T03:13:34Z"}, 1),  # strictly before
        ({"start_time_lt": "2017-05-13T03:13:34.000001Z"}, 2),
        ({"start_time_gt": "2017-01-01", "start_time_lt": "2018-01-01"}, 2),  # dates = midnight
        ({"start_time_gt": "2000-01-01T00:00:00Z"}, 4),  # the 124 nulls never match
        ({"start_time_lt": "2100-01-01T00:00:00Z"}, 4),
        ({"created_at": "2024-01-01T01:00:00Z"}, 1),
        ({"created_at": "2024-01-01T02:00:00+01:00"}, 1),
        ({"created_at_lt": "2024-01-01T01:00:00Z"}, 60),
        ({"created_at_gt": "2024-01-01T01:00:00Z"}, 67),
        (
            {"created_at_gt": "2024-01-01T00:59:59-00:00", "created_at_lt": "2024-01-01T01:10:00"},
            10,
        ),
        ({"created_at_gt": "2024-01-01T02:07:00Z"}, 0),
        ({"updated_at": "2024-01-01T00:00:30Z"}, 1),
        ({"updated_at": "2024-01-01T00:00:00Z"}, 0),
        ({"updated_at_lt": "2024-01-01T01:00:00Z"}, 60),
        ({"updated_at_gt": "2024-01-01T02:06:59Z"}, 1),
        ({"updated_at_gt": "2023-12-31T23:59:59Z", "created_at_lt": "2024-01-01T00:01:00Z"}, 1),
    ],
)
def test_datetime_filters(client: TestClient, params: dict[str, Any], expected: int) -> None:
    assert total(client, SEVERSON, **params) == expected


def test_start_time_filter_returns_the_gitt_tests(client: TestClient) -> None:
    body = by_project(client, SEVERSON, start_time="2019-04-20T01:12:17Z", order_by="name")
    assert names(body) == ["2019-04-19-GITT_aged_CH34", "2019-04-19-GITT_aged_CH33"]
    assert {m["start_time"] for m in body["items"]} == {"2019-04-20T01:12:17Z"}


def test_attia_and_tri_start_times(client: TestClient) -> None:
    attia = by_project(client, ATTIA, start_time_gt="2000-01-01T00:00:00Z")
    assert names(attia) == ["2018-08-28_oed_0_CH1"]
    assert attia["items"][0]["start_time"] == "2018-08-29T00:37:17Z"
    tri = by_project(client, TRI, start_time_lt="2020-08-18T00:00:00+00:00")
    assert names(tri) == ["Talos_001385_NCR18650618003_CH33"]
    assert total(client, NASA, start_time_gt="1900-01-01T00:00:00Z") == 0
