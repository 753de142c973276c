"""The other endpoints: projects, specifications, instances, single measurements, creation."""

from __future__ import annotations

from sandbox_testlib import (
    ATTIA,
    ATTIA_SPEC,
    EMPTY,
    NASA,
    SEVERSON,
    SEVERSON_SPEC,
    TRI,
    TestClient,
    by_project,
    instance_id,
    measurement_id,
    project_id,
    spec_id,
    uuid5,
)

SEV_SPEC_ID = spec_id(SEVERSON, SEVERSON_SPEC)
INSTANCE_659 = instance_id(SEV_SPEC_ID, "EL150800460659")


def test_list_projects_filters_and_paging(client: TestClient) -> None:
    assert [p["name"] for p in client.get("/projects", params={"order": "asc"}).json()] == [
        SEVERSON,
        ATTIA,
        TRI,
        NASA,
        EMPTY,
    ]
    assert [p["name"] for p in client.get("/projects", params={"name": "ilike.%fast%"}).json()] == [
        ATTIA,
        SEVERSON,
    ]
    assert client.get("/projects", params={"name": f"eq.{NASA}"}).json()[0]["id"] == project_id(
        NASA
    )
    assert client.get("/projects", params={"name": "NASA"}).json() == []
    page = client.get("/projects", params={"limit": 2, "offset": 1, "order_by": "name"}).json()
    assert [p["name"] for p in page] == [SEVERSON, EMPTY]  # name desc: TRI, Severson, Sandbox, ...
    created = client.get("/projects", params={"created_at_gt": "2024-01-01T00:01:00Z"}).json()
    assert [p["name"] for p in created] == [EMPTY, NASA, TRI]
    updated = client.get("/projects", params={"updated_at_lt": "2024-01-01T00:01:00Z"}).json()
    assert [p["name"] for p in updated] == [SEVERSON]


def test_list_projects_validation(client: TestClient) -> None:
    response = client.get("/projects", params={"order_by": "size"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "order_by"]
    assert client.get("/projects", params={"limit": 0}).status_code == 422
    bad = client.get("/projects", params={"created_at_gt": "soon"})
    assert bad.json()["detail"][0]["loc"] == ["query", "created_at_gt"]


def test_get_project(client: TestClient) -> None:
    body = client.get(f"/projects/{project_id(ATTIA)}").json()
    assert body["name"] == ATTIA
    assert body["created_at"] == "2024-01-01T00:01:00Z"
    missing = client.get("/projects/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Project not found"}


def test_list_cell_specifications(client: TestClient) -> None:
    body = client.get("/cell_specifications").json()
    assert body["total"] == body["count"] == 11
    tri = client.get(
        "/cell_specifications", params={"project_id": project_id(TRI), "order_by": "name"}
    ).json()
    assert [s["name"] for s in tri["items"]] == [
        "Tesla_Model3_21700",
        "NCR18650B",
        "NCR18650-618",
        "NCR18650-319",
        "INR18650-20R",
        "ICR18650-26J M",
        "BJ-A1003335AA",
        "18650HD2",
    ]
    named = client.get("/cell_specifications", params={"name": "ilike.%a123%"}).json()
    assert {s["name"] for s in named["items"]} == {SEVERSON_SPEC, ATTIA_SPEC}
    assert (
        client.get("/cell_specifications", params={"form_factor": "eq.21700"}).json()["total"] == 1
    )
    graphite = client.get(
        "/cell_specifications", params={"anode_material_id": uuid5("material:graphite")}
    ).json()
    assert graphite["total"] == 2
    lfp_any = client.get(
        "/cell_specifications",
        params={
            "material_ids": [uuid5("material:LFP"), "other"],
            "exclude_cell_spec_id": SEV_SPEC_ID,
        },
    ).json()
    assert [s["name"] for s in lfp_any["items"]] == [ATTIA_SPEC]
    assert (
        client.get(
            "/cell_specifications", params={"electrolyte_material_id": uuid5("material:LFP")}
        ).json()["total"]
        == 0
    )
    paged = client.get("/cell_specifications", params={"limit": 4, "offset": 8}).json()
    assert paged["count"] == 3 and paged["total"] == 11


def test_get_cell_specification(client: TestClient) -> None:
    spec = client.get(f"/cell_specifications/{SEV_SPEC_ID}").json()
    assert spec["name"] == SEVERSON_SPEC
    assert spec["instance_ids"][0] == instance_id(SEV_SPEC_ID, "EL150800460514")
    tesla = client.get(f"/cell_specifications/{spec_id(TRI, 'Tesla_Model3_21700')}").json()
    assert tesla["ratings"] == {"capacity": {"value": 4.84, "unit": "Ah"}}
    assert tesla["form_factor"] == "21700"
    assert tesla["manufacturer"] is None
    missing = client.get("/cell_specifications/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Cell specification not found"}


def test_list_cell_instances(client: TestClient) -> None:
    body = client.get(f"/cell_specifications/{SEV_SPEC_ID}/cell_instances").json()
    assert body["total"] == 125
    assert body["items"][0]["name"] == "EL150800453116"  # created last
    page = client.get(
        f"/cell_specifications/{SEV_SPEC_ID}/cell_instances",
        params={"name": "ilike.el1508004606%", "order_by": "name", "order": "asc", "limit": 2},
    ).json()
    assert page["total"] == 35
    assert [i["name"] for i in page["items"]] == ["EL150800460601", "EL150800460602"]
    assert (
        client.get(
            f"/cell_specifications/{SEV_SPEC_ID}/cell_instances", params={"batch_id": "x"}
        ).json()["total"]
        == 0
    )
    assert client.get("/cell_specifications/nope/cell_instances").status_code == 404


def test_get_cell_instance(client: TestClient) -> None:
    body = client.get(f"/cell_instances/{INSTANCE_659}").json()
    assert body["name"] == "EL150800460659"
    assert body["cell_specification_id"] == SEV_SPEC_ID
    assert body["batch"] == "2017-05-12"
    assert body["measurement_ids"] == [
        measurement_id(INSTANCE_659, "2017-05-12_5.4C(80%)-5.4C_EL150800460659"),
        measurement_id(INSTANCE_659, "2017-05-09_test-TC-contact_CH33"),
    ]
    assert client.get("/cell_instances/nope").json() == {"detail": "Cell instance not found"}


def test_list_instance_cell_measurements(client: TestClient) -> None:
    body = client.get(f"/cell_instances/{INSTANCE_659}/cell_measurements").json()
    assert body["total"] == 2
    assert [m["name"] for m in body["items"]] == [
        "2017-05-09_test-TC-contact_CH33",
        "2017-05-12_5.4C(80%)-5.4C_EL150800460659",
    ]
    assert "specification" not in body["items"][0]
    started = client.get(
        f"/cell_instances/{INSTANCE_659}/cell_measurements",
        params={"start_time_lt": "2018-01-01T00:00:00Z"},
    ).json()
    assert [m["start_time"] for m in started["items"]] == ["2017-05-10T00:47:33Z"]
    bad = client.get(
        f"/cell_instances/{INSTANCE_659}/cell_measurements", params={"order_by": "voltage"}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "order_by"]


def test_get_cell_measurement(client: TestClient) -> None:
    mid = measurement_id(INSTANCE_659, "2017-05-09_test-TC-contact_CH33")
    body = client.get(f"/cell_measurements/{mid}", params={"include_steps": "false"}).json()
    assert body["name"] == "2017-05-09_test-TC-contact_CH33"
    assert body["start_time"] == "2017-05-10T00:47:33Z"
    assert body["test_setup"] == {"cycler": "Arbin", "channel_number": 33}
    assert "instance" not in body
    missing = client.get("/cell_measurements/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Cell measurement not found"}


def test_create_properties_measurement(fresh_client: TestClient) -> None:
    c = fresh_client
    payload = {
        "name": "Mass and thickness",
        "properties": {"mass": {"value": 39.6, "unit": "g"}, "operator_note": "weighed"},
        "start_time": "2024-03-01T12:00:00+01:00",
        "notes": "hand-entered",
        "tags": [" Mass ", "mass", "Incoming"],
    }
    response = c.post(f"/cell_instances/{INSTANCE_659}/cell_measurements/create", json=payload)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["id"] == measurement_id(INSTANCE_659, "Mass and thickness")
    assert created["measurement_type"] == "properties"
    assert created["start_time"] == "2024-03-01T11:00:00Z"
    assert created["created_at"] == "2024-01-01T07:46:00Z"  # measurement number 466
    assert created["properties"] == payload["properties"]
    assert created["tags"] == ["Incoming", "Mass"]
    assert c.get(f"/cell_measurements/{created['id']}").json() == created
    assert c.get(f"/cell_instances/{INSTANCE_659}").json()["measurement_ids"][-1] == created["id"]
    assert by_project(c, SEVERSON, limit=1)["total"] == 129
    assert by_project(c, SEVERSON, measurement_type="properties")["items"][0]["name"] == (
        "Mass and thickness"
    )
    assert by_project(c, SEVERSON, limit=1)["items"][0]["id"] == created["id"]  # newest first

    again = c.post(f"/cell_instances/{INSTANCE_659}/cell_measurements/create", json=payload)
    assert again.status_code == 409
    assert again.json()["error_code"] == "CONFLICT"
    assert again.json()["detail"] == {"existing_id": created["id"]}


def test_create_properties_measurement_validation(fresh_client: TestClient) -> None:
    url = f"/cell_instances/{INSTANCE_659}/cell_measurements/create"
    missing = fresh_client.post(url, json={"name": "x"})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "properties"]
    wrong_type = fresh_client.post(
        url, json={"name": "x", "properties": {}, "measurement_type": "time_series"}
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["detail"][0]["loc"] == ["body", "measurement_type"]
    empty_name = fresh_client.post(url, json={"name": "", "properties": {}})
    assert empty_name.json()["detail"][0]["loc"] == ["body", "name"]
    unknown = fresh_client.post(
        "/cell_instances/nope/cell_measurements/create", json={"name": "x", "properties": {}}
    )
    assert unknown.status_code == 404


def test_created_records_live_per_app(fresh_client: TestClient, client: TestClient) -> None:
    url = f"/cell_instances/{INSTANCE_659}/cell_measurements/create"
    assert fresh_client.post(url, json={"name": "only here", "properties": {}}).status_code == 201
    assert by_project(client, SEVERSON, limit=1)["total"] == 128
