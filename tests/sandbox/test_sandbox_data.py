"""The records the sandbox serves: real counts, stable ids, shapes per the OpenAPI snapshot."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ionworks_toolkit.sandbox._catalogue import Catalogue
from sandbox_testlib import (
    ATTIA,
    EMPTY,
    NASA,
    SEVERSON,
    SEVERSON_SPEC,
    SPEC_PATH,
    TRI,
    TestClient,
    by_project,
    instance_id,
    make_client,
    measurement_id,
    project_id,
    spec_id,
    uuid5,
)

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = SPEC_PATH
PACKAGE_DATA = REPO / "extensions" / "ionworks_toolkit" / "sandbox" / "data"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")

# project -> (specifications, instances, measurements), from battery-cells.json
REAL_COUNTS = {
    SEVERSON: (1, 125, 128),
    ATTIA: (1, 233, 233),
    TRI: (8, 71, 71),
    NASA: (1, 34, 34),
    EMPTY: (0, 0, 0),
}


def test_projects_listed_in_dataset_order_newest_first(client: TestClient) -> None:
    body = client.get("/projects").json()
    assert [p["name"] for p in body] == [EMPTY, NASA, TRI, ATTIA, SEVERSON]
    assert [p["id"] for p in body] == [project_id(n) for n in (EMPTY, NASA, TRI, ATTIA, SEVERSON)]
    severson = body[-1]
    assert severson["created_at"] == "2024-01-01T00:00:00Z"
    assert severson["updated_at"] == "2024-01-01T00:00:30Z"
    assert severson["organization_id"] == uuid5("organization:sandbox")
    assert severson["description"].startswith("Severson et al., 'Data-driven prediction")


@pytest.mark.parametrize("project", list(REAL_COUNTS))
def test_real_counts_per_project(client: TestClient, project: str) -> None:
    n_specs, n_instances, n_measurements = REAL_COUNTS[project]
    assert by_project(client, project, limit=1)["total"] == n_measurements
    specs = client.get("/cell_specifications", params={"project_id": project_id(project)}).json()
    assert specs["total"] == n_specs
    assert sum(len(s["instance_ids"]) for s in specs["items"]) == n_instances


def test_catalogue_totals() -> None:
    assert Catalogue.build().counts() == {
        "projects": 5,
        "cell_specifications": 11,
        "cell_instances": 463,
        "cell_measurements": 466,
        "materials": 2,
    }


def test_ids_follow_the_documented_uuid5_scheme(client: TestClient) -> None:
    page = by_project(client, SEVERSON, order="asc", limit=1)
    item = page["items"][0]
    sid = spec_id(SEVERSON, SEVERSON_SPEC)
    iid = instance_id(sid, "EL150800460514")
    assert item["name"] == "2017-05-12_3.6C(80%)-3.6C_EL150800460514"
    assert item["id"] == measurement_id(iid, item["name"]) == "3dd5f923-350f-59e5-9e58-2635635f6ae9"
    assert item["cell_instance_id"] == iid == item["instance"]["id"]
    assert item["specification"]["id"] == sid == "3aae9e35-3414-56d7-aa03-34e590164ded"
    assert item["created_by"] == uuid5("user:sandbox@ionworks.invalid")
    spec = item["specification"]
    assert spec["anode"]["material"]["id"] == uuid5("material:graphite")
    assert spec["cathode"]["material"]["id"] == uuid5("material:LFP")
    assert spec["anode_id"] == spec["anode"]["id"] == uuid5(f"component:{sid}/anode")
    assert spec["cathode_id"] == uuid5(f"component:{sid}/cathode")


def test_ids_are_stable_across_apps() -> None:
    def every_id(c: TestClient) -> list[object]:
        ids: list[object] = []
        for project in c.get("/projects").json():
            body = c.get(
                f"/cell_measurements/by-project/{project['id']}", params={"limit": 1000}
            ).json()
            ids += [project["id"]]
            ids += [
                (m["id"], m["cell_instance_id"], m["specification"]["id"]) for m in body["items"]
            ]
        return ids

    with make_client() as a, make_client() as b:
        first, second = every_id(a), every_id(b)
    assert first == second
    assert len(first) == 5 + 466


def test_measurement_record_shape_and_values(client: TestClient) -> None:
    body = by_project(client, SEVERSON, name="FastCharge_000025_CH8")
    assert body["count"] == body["total"] == 1
    item = body["items"][0]
    assert list(item)[:17] == [
        "name",
        "id",
        "cell_instance_id",
        "created_at",
        "updated_at",
        "protocol",
        "start_time",
        "test_setup",
        "step_labels_validated",
        "notes",
        "measurement_type",
        "properties",
        "file_metadata",
        "organization_id",
        "created_by",
        "created_by_email",
        "tags",
    ]
    assert item["created_at"] == "2024-01-01T02:07:00Z"  # the 128th measurement of the dataset
    assert item["updated_at"] == "2024-01-01T02:07:30Z"
    assert item["start_time"] == "2017-05-13T03:13:34Z"
    assert item["protocol"] == {"name": "4.4C(80%)-4.4C", "ambient_temperature_degc": 30.0}
    assert item["test_setup"] == {"cycler": "Arbin", "channel_number": 8}
    assert item["measurement_type"] == "time_series"
    assert item["step_labels_validated"] is False
    assert item["properties"] == item["file_metadata"] == {}
    assert item["tags"] == []
    assert item["created_by_email"] == "sandbox@ionworks.invalid"
    assert item["notes"].endswith("[src: beep-arbin-metadata]")
    instance = item["instance"]
    assert instance["name"] == "EL150800453116"
    assert instance["batch"] == "2017-05-12"
    assert instance["date_manufactured"] is None
    assert instance["measured_properties"] == {}
    assert instance["measurement_ids"] == [item["id"]]
    spec = item["specification"]
    assert spec["name"] == SEVERSON_SPEC
    assert spec["project_id"] == project_id(SEVERSON)
    assert spec["ratings"] == {
        "capacity": {"value": 1.1, "unit": "Ah"},
        "voltage_min": {"value": 2.0, "unit": "V"},
        "voltage_max": {"value": 3.6, "unit": "V"},
        "nominal_voltage": {"value": 3.3, "unit": "V"},
    }
    assert spec["form_factor"] == "18650"
    assert spec["manufacturer"] == "A123 Systems"
    assert spec["properties"] == {"model": "APR18650M1A"}
    assert len(spec["instance_ids"]) == 125
    assert spec["anode"]["component_type"] == "anode"
    assert spec["anode"]["material"]["name"] == "graphite"
    assert spec["cathode"]["material"]["name"] == "LFP"


def test_null_values_stay_null(client: TestClient) -> None:
    starts = []
    for project in (SEVERSON, ATTIA, TRI, NASA):
        items = by_project(client, project, limit=1000)["items"]
        starts += [m["start_time"] for m in items]
    assert len(starts) == 466
    assert sum(s is None for s in starts) == 460
    nasa = by_project(client, NASA, limit=1000)["items"]
    assert all(m["test_setup"]["cycler"] is None for m in nasa)
    spec = nasa[0]["specification"]
    assert spec["manufacturer"] is None and spec["form_factor"] is None
    assert spec["anode"] is None and spec["anode_id"] is None and spec["cathode"] is None
    assert spec["properties"] == {}
    # ratings the dataset gives as null are left out (voltage_min/max are not nullable)
    assert spec["ratings"] == {"capacity": {"value": 2.0, "unit": "Ah"}}


def _snapshot_validator(schema_name: str) -> jsonschema.Draft202012Validator:
    spec = json.loads(SNAPSHOT.read_text())
    document = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(document)


def _datetimes(record: Any) -> list[str]:
    found: list[str] = []
    if isinstance(record, dict):
        for key, value in record.items():
            if key in ("created_at", "updated_at", "start_time") and isinstance(value, str):
                found.append(value)
            else:
                found += _datetimes(value)
    elif isinstance(record, list):
        for value in record:
            found += _datetimes(value)
    return found


def test_records_conform_to_the_snapshot_schemas(client: TestClient) -> None:
    measurement = _snapshot_validator("CellMeasurement")
    specification = _snapshot_validator("CellSpecificationWithComponents")
    instance = _snapshot_validator("CellInstance")
    project = _snapshot_validator("Project")
    for p in client.get("/projects").json():
        project.validate(p)
        items = client.get(
            f"/cell_measurements/by-project/{p['id']}", params={"limit": 1000}
        ).json()["items"]
        for item in items:
            measurement.validate(item)
            specification.validate(item["specification"])
            instance.validate(item["instance"])
            assert all(ISO_UTC.match(v) for v in _datetimes(item)), item["name"]


def test_importing_the_package_is_cheap() -> None:
    code = (
        "import sys, ionworks_toolkit.sandbox as s; "
        "heavy = [m for m in ('fastapi', 'pydantic', 'uvicorn', 'starlette') if m in sys.modules]; "
        "assert not heavy, heavy; assert s.SandboxOptions().api_key == 'sandbox'"
    )
    env_path = str(REPO / "extensions")
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": env_path, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_sandbox_imports_nothing_of_ours() -> None:
    package = REPO / "extensions" / "ionworks_toolkit" / "sandbox"
    pattern = re.compile(r"^\s*(from|import)\s+(ionworks_client|ionworks_toolkit)\b", re.M)
    offenders = [p.name for p in package.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
