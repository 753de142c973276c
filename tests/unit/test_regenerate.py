"""Tests for ``scripts/regenerate.py``: overlays, the API change report and the pipeline.

The pipeline tests run the real generator (about 2.5 s each) into temporary folders only:
``--output`` elsewhere than ``generated_client/ionworks_client`` never touches the committed
snapshot or client.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "regenerate.py"
COMMITTED = ROOT / "generated_client" / "ionworks_client"
SEED = "/cell_measurements/by-project/{project_id}"
CYCLES = "/cell_measurements/{measurement_id}/cycles"
CYCLES_MOVED = "/cell_measurements/{measurement_id}/cycle_data"
CYCLES_MOVED_ID = "get_measurement_cycles_cell_measurements__measurement_id__cycle_data_get"


def _load_regenerate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ionworks_regenerate", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


regen = _load_regenerate()


# --------------------------------------------------------------------------- helpers


def raw_snapshot() -> dict[str, Any]:
    return regen.load_spec(regen.SNAPSHOT)


def effective(spec: dict[str, Any]) -> dict[str, Any]:
    document, _unmatched = regen.apply_overlays(spec, regen.overlay_files())
    return document


def modified_raw_spec() -> dict[str, Any]:
    """The published spec as a newer server might publish it (FastAPI-shaped, before overlays).

    - a new optional query parameter ``cycler`` on the seed endpoint;
    - a new MeasurementType value ``impedance``;
    - CellMeasurement loses its response field ``notes``;
    - FastAPI renames GET /projects/{project_id}'s operationId (our overlay pins get_project);
    - GET .../cycles moves to GET .../cycle_data (one operation disappears, one appears).
    """
    spec = raw_snapshot()
    parameters = spec["paths"][SEED]["get"]["parameters"]
    assert [p["name"] for p in parameters[-2:]] == ["order_by", "order"]
    parameters.insert(
        len(parameters) - 2,
        {
            "name": "cycler",
            "in": "query",
            "required": False,
            "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Cycler"},
            "description": "Filter on test_setup.cycler",
        },
    )
    spec["components"]["schemas"]["MeasurementType"]["enum"].append("impedance")
    del spec["components"]["schemas"]["CellMeasurement"]["properties"]["notes"]
    get_project = spec["paths"]["/projects/{project_id}"]["get"]
    assert get_project["operationId"] == "get_project_projects__project_id__get"
    get_project["operationId"] = "read_project_projects__project_id__get"
    moved = spec["paths"].pop(CYCLES)
    moved["get"]["operationId"] = CYCLES_MOVED_ID
    spec["paths"][CYCLES_MOVED] = moved
    return spec


UNMATCHED_CYCLES = (
    "overlay 10-operation-ids.yaml action 29 matched nothing: "
    "$.paths['/cell_measurements/{measurement_id}/cycles'].get "
    "(FastAPI's generated id get_measurement_cycles_cell_measurements__measurement_id__cycles_get "
    "would become an unreadable function name; callers use get_measurement_cycles.)"
)

EXPECTED_REPORT = """\
[BREAKING] operation GET /cell_measurements/{measurement_id}/cycles: removed (get_measurement_cycles)
[ok] operation GET /cell_measurements/{measurement_id}/cycle_data: added (get_measurement_cycles_cell_measurements__measurement_id__cycle_data_get)
[ok] parameter GET /cell_measurements/by-project/{project_id} query:cycler: added (optional)
[BREAKING] field CellMeasurement.notes: removed
[ok] enum MeasurementType: value added: impedance
5 change(s), 2 breaking"""  # noqa: E501


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def class_fields(path: Path, class_name: str) -> list[str]:
    """Annotated attribute names (attrs fields) or assigned names (enum members) of a class."""
    tree = ast.parse(path.read_text("utf-8"))
    (node,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    names = []
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.append(statement.target.id)
        elif isinstance(statement, ast.Assign):
            names += [t.id for t in statement.targets if isinstance(t, ast.Name)]
    return names


def function_parameters(path: Path, function_name: str) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    (node,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function_name]
    return [a.arg for a in [*node.args.args, *node.args.kwonlyargs]]


# --------------------------------------------------------------------------- apply_overlay


def overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def test_update_merges_objects_appends_to_arrays_and_replaces_scalars() -> None:
    document = {"openapi": "3.1.0", "info": {"title": "A", "x": 1}, "security": [], "tags": ["a"]}
    unmatched = regen.apply_overlay(
        document,
        overlay(
            {"target": "$.info", "description": "d1", "update": {"title": "B", "y": {"z": 2}}},
            {"target": "$", "description": "d2", "update": {"security": [{"k": []}], "n": 1}},
            {"target": "$.tags", "description": "d3", "update": "b"},
        ),
        "t.yaml",
    )
    assert unmatched == []
    assert document == {
        "openapi": "3.1.0",
        "info": {"title": "B", "x": 1, "y": {"z": 2}},
        "security": [{"k": []}],
        "tags": ["a", "b"],
        "n": 1,
    }


def test_update_applies_to_every_match_without_sharing_objects() -> None:
    document = {"paths": {"/a": {"get": {}}, "/b": {"get": {"tags": ["x"]}}}}
    update = {"x-meta": {"owner": "us"}, "tags": ["T"]}
    regen.apply_overlay(
        document, overlay({"target": "$.paths[*].get", "description": "d", "update": update}), "t"
    )
    assert document == {
        "paths": {
            "/a": {"get": {"x-meta": {"owner": "us"}, "tags": ["T"]}},
            "/b": {"get": {"x-meta": {"owner": "us"}, "tags": ["x", "T"]}},
        }
    }
    document["paths"]["/a"]["get"]["x-meta"]["owner"] = "changed"
    assert document["paths"]["/b"]["get"]["x-meta"] == {"owner": "us"}
    assert update == {"x-meta": {"owner": "us"}, "tags": ["T"]}


def test_remove_removes_keys_and_list_items() -> None:
    document = {"a": {"x": 1, "y": 2}, "l": [{"n": 1}, {"n": 2}, {"n": 3}, {"n": 2}]}
    unmatched = regen.apply_overlay(
        document,
        overlay(
            {"target": "$.a.x", "description": "d", "remove": True},
            {"target": "$.l[?@.n == 2]", "description": "d", "remove": True},
        ),
        "t.yaml",
    )
    assert unmatched == []
    assert document == {"a": {"y": 2}, "l": [{"n": 1}, {"n": 3}]}


def test_remove_of_list_items_beyond_index_9_removes_the_right_ones() -> None:
    document = {"tags": [{"name": f"t{i}", "drop": i in (2, 10)} for i in range(12)]}
    regen.apply_overlay(
        document,
        overlay({"target": "$.tags[?@.drop == true]", "description": "d", "remove": True}),
        "t.yaml",
    )
    assert [t["name"] for t in document["tags"]] == [f"t{i}" for i in range(12) if i not in (2, 10)]


def test_unmatched_action_is_reported_with_file_index_and_target() -> None:
    document = {"paths": {"/a": {"get": {}}}}
    unmatched = regen.apply_overlay(
        document,
        overlay(
            {"target": "$.paths['/a'].get", "description": "ok", "update": {"operationId": "a"}},
            {
                "target": "$.paths['/gone'].get",
                "description": "  Pin the id.\n",
                "update": {"operationId": "gone"},
            },
        ),
        "10-operation-ids.yaml",
    )
    assert document == {"paths": {"/a": {"get": {"operationId": "a"}}}}
    assert unmatched == [
        regen.UnmatchedAction("10-operation-ids.yaml", 2, "$.paths['/gone'].get", "Pin the id.")
    ]
    assert str(unmatched[0]) == (
        "overlay 10-operation-ids.yaml action 2 matched nothing: $.paths['/gone'].get (Pin the id.)"
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"overlay": "2.0.0", "actions": []}, "x.yaml: not an Overlay 1.x document"),
        (
            overlay({"target": "$.a", "update": {}}),
            "x.yaml action 1: every action needs a target and a description",
        ),
        (
            overlay({"target": "$.a", "description": "d"}),
            "x.yaml action 1: neither update nor remove",
        ),
        (
            overlay({"target": "$.a", "description": "d", "remove": False}),
            "x.yaml action 1: neither update nor remove",
        ),
    ],
)
def test_malformed_overlays_are_rejected(document: dict[str, Any], message: str) -> None:
    with pytest.raises(regen.RegenerationError) as caught:
        regen.apply_overlay({"a": 1}, document, "x.yaml")
    assert str(caught.value) == message


def test_bad_jsonpath_target_is_rejected() -> None:
    with pytest.raises(regen.RegenerationError) as caught:
        regen.apply_overlay(
            {"a": 1}, overlay({"target": "$.a[?", "description": "d", "remove": True}), "x.yaml"
        )
    assert str(caught.value).startswith("x.yaml action 1: bad target: ")


def test_overlay_file_whose_target_matches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "60-local.yaml"
    path.write_text(
        "overlay: 1.0.0\n"
        "info: {title: local, version: 1.0.0}\n"
        "actions:\n"
        "- target: $.paths['/projects'].get\n"
        "  description: still matches\n"
        "  update: {x-checked: true}\n"
        "- target: $.paths['/cell_measurements/by-project/{project_id}'].post\n"
        "  description: |\n"
        "    There is no POST on by-project.\n"
        "  update: {operationId: nope}\n",
        encoding="utf-8",
    )
    spec = raw_snapshot()
    before = copy.deepcopy(spec)
    document, unmatched = regen.apply_overlays(spec, [path])
    assert spec == before  # the input is not modified
    assert document["paths"]["/projects"]["get"]["x-checked"] is True
    assert [str(u) for u in unmatched] == [
        "overlay 60-local.yaml action 2 matched nothing: "
        "$.paths['/cell_measurements/by-project/{project_id}'].post "
        "(There is no POST on by-project.)"
    ]


def test_unreadable_overlay_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("actions: [\n", encoding="utf-8")
    with pytest.raises(regen.RegenerationError) as caught:
        regen.apply_overlays({"openapi": "3.1.0"}, [path])
    assert str(caught.value).startswith("cannot read overlay bad.yaml: ")


def test_real_overlays_all_match_and_give_the_shipped_openapi_json() -> None:
    document, unmatched = regen.apply_overlays(raw_snapshot(), regen.overlay_files())
    assert unmatched == []
    assert [p.name for p in regen.overlay_files()] == [
        "10-operation-ids.yaml",
        "20-tags.yaml",
        "30-security.yaml",
        "40-response-schemas.yaml",
        "50-tolerant-reader.yaml",
        "60-parameter-constraints.yaml",
        "62-instant-parameters.yaml",
        "65-calendar-dates.yaml",
        "70-error-responses.yaml",
    ]
    assert regen.canonical_json(document) == (COMMITTED / "openapi.json").read_text("utf-8")


def test_tolerant_reader_overlay_rewrites_server_timestamps_and_response_enums() -> None:
    schemas = effective(raw_snapshot())["components"]["schemas"]
    assert schemas["CellMeasurement"]["properties"]["created_at"] == {
        "title": "Created At",
        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
    }
    assert schemas["CellMeasurement"]["properties"]["measurement_type"] == {
        "title": "Measurement Type",
        "default": "time_series",
        "anyOf": [{"$ref": "#/components/schemas/MeasurementType"}, {"type": "string"}],
    }
    # Requests stay strict.
    request = schemas["CreatePropertiesMeasurementRequest"]["properties"]["measurement_type"]
    assert request["$ref"] == "#/components/schemas/MeasurementType"
    assert "anyOf" not in request


def test_committed_stamp_matches_the_snapshot_and_overlays() -> None:
    stamp = json.loads((COMMITTED / "_stamp.json").read_text("utf-8"))
    assert stamp == regen.stamp_for(regen.SNAPSHOT.read_bytes(), regen.overlay_files())
    assert stamp["spec_sha256"] == hashlib.sha256(regen.SNAPSHOT.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- diff / report


def test_report_lists_every_change_and_marks_breaking_ones() -> None:
    old = effective(raw_snapshot())
    new, unmatched = regen.apply_overlays(modified_raw_spec(), regen.overlay_files())
    assert [str(u) for u in unmatched] == [UNMATCHED_CYCLES]
    changes = regen.diff_specs(old, new)
    assert regen.format_report(changes) == EXPECTED_REPORT
    # The FastAPI rename of GET /projects/{project_id} is absorbed by the overlay.
    assert new["paths"]["/projects/{project_id}"]["get"]["operationId"] == "get_project"
    assert not [c for c in changes if "/projects" in c.where]


def test_report_of_identical_specs() -> None:
    spec = effective(raw_snapshot())
    assert regen.diff_specs(spec, copy.deepcopy(spec)) == []
    assert regen.format_report([]) == "no API changes"


def test_report_parameter_changes() -> None:
    old = effective(raw_snapshot())
    new = copy.deepcopy(old)
    parameters = new["paths"][SEED]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}
    by_name["limit"]["schema"]["type"] = "string"
    by_name["order"]["schema"]["enum"] = ["asc"]
    by_name["spec_name"]["required"] = True
    parameters.remove(by_name["spec_anode"])
    parameters.append(
        {"name": "tag", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    new["paths"][SEED]["get"]["operationId"] = "by_project"
    assert regen.format_report(regen.diff_specs(old, new)) == "\n".join(
        [
            f"[BREAKING] operation-id GET {SEED}: list_cell_measurements_by_project -> by_project",
            f"[BREAKING] parameter GET {SEED} query:spec_anode: removed",
            f"[BREAKING] parameter GET {SEED} query:tag: added (required)",
            f"[BREAKING] type GET {SEED} query:limit: integer -> string",
            f"[BREAKING] enum GET {SEED} query:order: value removed: desc",
            f"[BREAKING] parameter GET {SEED} query:spec_name: now required",
            "6 change(s), 6 breaking",
        ]
    )


def test_report_parameter_constraints_tightened_and_loosened() -> None:
    old = effective(raw_snapshot())
    new = copy.deepcopy(old)
    by_name = {p["name"]: p for p in new["paths"][SEED]["get"]["parameters"]}
    by_name["limit"]["schema"]["maximum"] = 500
    del by_name["offset"]["schema"]["minimum"]
    by_name["name"]["schema"]["anyOf"][0]["maxLength"] = 64
    assert regen.format_report(regen.diff_specs(old, new)) == "\n".join(
        [
            f"[BREAKING] constraint GET {SEED} query:limit: maximum 1000 -> 500",
            f"[BREAKING] constraint GET {SEED} query:name: maxLength unset -> 64",
            f"[ok] constraint GET {SEED} query:offset: minimum 0 -> unset",
            "3 change(s), 2 breaking",
        ]
    )


def test_report_declared_error_responses() -> None:
    old = effective(raw_snapshot())
    new = copy.deepcopy(old)
    responses = new["paths"]["/projects"]["get"]["responses"]
    del responses["401"]
    responses["409"] = responses["404"]
    assert regen.format_report(regen.diff_specs(old, new)) == "\n".join(
        [
            "[ok] response GET /projects: now declares 409",
            "[ok] response GET /projects: no longer declares 401",
            "2 change(s), 0 breaking",
        ]
    )


def test_report_names_a_removed_component_field_once() -> None:
    """Project is returned by four operations (GET /projects as ``array<Project>``): its field
    is reported once, under the schema's name."""
    spec = raw_snapshot()
    del spec["components"]["schemas"]["Project"]["properties"]["description"]
    report = regen.format_report(regen.diff_specs(effective(raw_snapshot()), effective(spec)))
    assert report == "\n".join(
        ["[BREAKING] field Project.description: removed", "1 change(s), 1 breaking"]
    )


def test_report_marks_a_response_that_changes_shape_as_breaking() -> None:
    """D4: GET /projects may turn from a bare array into an {items, count, total} envelope."""
    spec = raw_snapshot()
    spec["paths"]["/projects"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}},
            "count": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }
    report = regen.format_report(regen.diff_specs(effective(raw_snapshot()), effective(spec)))
    assert report == "\n".join(
        [
            "[BREAKING] response GET /projects: array<Project> -> object",
            "1 change(s), 1 breaking",
        ]
    )


def test_report_an_untyped_response_getting_a_schema_is_not_breaking() -> None:
    spec = raw_snapshot()
    delete = spec["paths"]["/projects/{project_id}"]["delete"]
    assert delete["responses"]["200"]["content"]["application/json"]["schema"] == {}
    delete["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Project"
    }
    report = regen.format_report(regen.diff_specs(effective(raw_snapshot()), effective(spec)))
    assert report == "\n".join(
        [
            "[ok] response DELETE /projects/{project_id}: any -> Project",
            "1 change(s), 0 breaking",
        ]
    )


# --------------------------------------------------------------------------- CLI, no generation


def test_report_cli_on_the_snapshot_prints_no_api_changes() -> None:
    result = run_script("--report")
    assert (result.returncode, result.stdout, result.stderr) == (0, "no API changes\n", "")


@pytest.fixture(scope="module")
def modified_spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "ionworks.openapi.json"
    path.write_text(json.dumps(modified_raw_spec(), indent=2) + "\n", encoding="utf-8")
    return path


CLI_REPORT = (
    "\n".join(EXPECTED_REPORT.splitlines()[:-1])
    + "\n[BREAKING] overlay 10-operation-ids.yaml action 29: matched nothing: "
    "$.paths['/cell_measurements/{measurement_id}/cycles'].get"
    "\n[ok] overlay 10-operation-ids.yaml action 3: the value it overrides at "
    "$.paths['/projects/{project_id}'].get.operationId is now published as "
    '"read_project_projects__project_id__get" (was "get_project_projects__project_id__get")'
    "\n7 change(s), 3 breaking"
)


def test_report_cli_on_a_changed_spec(modified_spec_path: Path) -> None:
    result = run_script("--report", "--spec", str(modified_spec_path), "--fail-on-breaking")
    assert result.returncode == 1
    assert result.stdout == CLI_REPORT + "\n"
    assert result.stderr == f"warning: {UNMATCHED_CYCLES}\n"


def test_unmatched_overlay_stops_generation(modified_spec_path: Path, tmp_path: Path) -> None:
    output = tmp_path / "ionworks_client"
    result = run_script("--spec", str(modified_spec_path), "--output", str(output))
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr == (
        f"warning: {UNMATCHED_CYCLES}\n"
        "1 overlay action(s) matched nothing: the API changed under them. Fix the overlays, "
        "or pass --allow-unmatched.\n"
    )
    assert not output.exists()


def test_unreadable_spec_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    result = run_script("--report", "--spec", str(missing))
    assert result.returncode == 2
    assert result.stderr == f"error: cannot read spec {missing}: No such file or directory\n"


# --------------------------------------------------------------------------- pipeline (slow)


@pytest.fixture(scope="module")
def regenerated(modified_spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = (tmp_path_factory.mktemp("run1") / "ionworks_client").resolve()
    result = run_script(
        "--spec", str(modified_spec_path), "--output", str(output), "--allow-unmatched"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"regenerated {output}\n{CLI_REPORT}\n"
    assert result.stderr == f"warning: {UNMATCHED_CYCLES}\n"
    return output


def test_pipeline_output_follows_the_changed_spec(
    regenerated: Path, modified_spec_path: Path
) -> None:
    seed_module = "api/cell_measurements/list_cell_measurements_by_project.py"
    before = function_parameters(COMMITTED / seed_module, "sync_detailed")
    after = function_parameters(regenerated / seed_module, "sync_detailed")
    assert "cycler" not in before
    assert after == [*before[:-2], "cycler", "order_by", "order"]

    enum = "models/measurement_type.py"
    assert class_fields(COMMITTED / enum, "MeasurementType") == [
        "FILE",
        "PROPERTIES",
        "TIME_SERIES",
    ]
    assert class_fields(regenerated / enum, "MeasurementType") == [
        "FILE",
        "IMPEDANCE",
        "PROPERTIES",
        "TIME_SERIES",
    ]
    assert 'IMPEDANCE = "impedance"' in (regenerated / enum).read_text("utf-8")

    for module, name in [
        ("models/cell_measurement.py", "CellMeasurement"),
        ("models/cell_measurement_with_details.py", "CellMeasurementWithDetails"),
    ]:
        assert "notes" in class_fields(COMMITTED / module, name)
        fields = class_fields(regenerated / module, name)
        assert "notes" not in fields
        assert fields == [f for f in class_fields(COMMITTED / module, name) if f != "notes"]

    # The pinned name survives FastAPI's rename; the moved path loses its overlay name.
    assert (regenerated / "api/projects/get_project.py").is_file()
    assert not (regenerated / "api/cell_measurements/get_measurement_cycles.py").exists()
    moved = (
        regenerated
        / "api/cell_measurements"
        / ("get_measurement_cycles_cell_measurements_measurement_id_cycle_data_get.py")
    )
    assert '"url": "/cell_measurements/{measurement_id}/cycle_data"' in moved.read_text("utf-8")

    stamp = json.loads((regenerated / "_stamp.json").read_text("utf-8"))
    committed_stamp = json.loads((COMMITTED / "_stamp.json").read_text("utf-8"))
    assert stamp["spec_sha256"] == hashlib.sha256(modified_spec_path.read_bytes()).hexdigest()
    assert stamp["spec_sha256"] != committed_stamp["spec_sha256"]
    assert stamp["overlays"] == committed_stamp["overlays"]

    new_effective, _ = regen.apply_overlays(modified_raw_spec(), regen.overlay_files())
    assert (regenerated / "openapi.json").read_text("utf-8") == regen.canonical_json(new_effective)
    assert (regenerated / "py.typed").is_file()


def test_pipeline_is_deterministic(
    regenerated: Path, modified_spec_path: Path, tmp_path: Path
) -> None:
    second = tmp_path / "ionworks_client"
    result = run_script(
        "--spec", str(modified_spec_path), "--output", str(second), "--allow-unmatched"
    )
    assert result.returncode == 0, result.stderr
    first_files, second_files = files_of(regenerated), files_of(second)
    assert len(first_files) > 100
    assert sorted(first_files) == sorted(second_files)
    assert [name for name in first_files if first_files[name] != second_files[name]] == []


def test_check_on_the_committed_client_is_up_to_date() -> None:
    result = run_script("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "generated_client/ionworks_client is up to date\n"
    assert result.stderr == ""


def test_check_reports_a_stale_client(regenerated: Path) -> None:
    """--check against a tree generated from another spec lists exactly the differing files."""
    fresh, stale = files_of(COMMITTED), files_of(regenerated)
    expected = (
        [f"changed: {n}" for n in sorted(fresh.keys() & stale.keys()) if fresh[n] != stale[n]]
        + [f"missing: {n}" for n in sorted(fresh.keys() - stale.keys())]
        + [f"extra:   {n}" for n in sorted(stale.keys() - fresh.keys())]
    )
    assert "missing: api/cell_measurements/get_measurement_cycles.py" in expected
    assert "changed: models/measurement_type.py" in expected
    result = run_script("--check", "--output", str(regenerated))
    assert result.returncode == 1
    assert result.stdout == (
        f"{regenerated} is stale ({len(expected)} file(s)):\n  "
        + "\n  ".join(expected)
        + "\nrun: python scripts/regenerate.py\n"
    )


# --------------------------------------------------------------------------- loading, normalising


@pytest.mark.parametrize(
    ("raw", "content_type", "fmt"),
    [
        (b'{"openapi": "3.1.0", "paths": {}}', "", "json"),
        (b"openapi: 3.1.0\npaths: {}\n", "", "yaml"),
        (b"\xef\xbb\xbfopenapi: 3.1.0\npaths: {}\n", "", "yaml"),
        (b"openapi: 3.1.0\npaths: {}\n", "application/yaml", "yaml"),
        (b'{"openapi": "3.1.0", "paths": {}}', "application/json; charset=utf-8", "json"),
    ],
)
def test_the_format_comes_from_the_content(raw: bytes, content_type: str, fmt: str) -> None:
    loaded = regen.parse_spec_bytes(raw, "spec.json", content_type)
    assert (loaded.fmt, loaded.document, loaded.raw) == (
        fmt,
        {"openapi": "3.1.0", "paths": {}},
        raw,
    )


@pytest.mark.parametrize(
    ("raw", "content_type", "message"),
    [
        (
            b'{"openapi": "3.1.0"}',
            "text/html",
            "spec s is an HTML/XML page, not an OpenAPI document (a login or error page? "
            "check the URL)",
        ),
        (
            b"  <html><body>502</body></html>",
            "",
            "spec s is an HTML/XML page, not an OpenAPI document (a login or error page? "
            "check the URL)",
        ),
        (b"openapi: [\n", "", "spec s is not valid YAML: "),
        (b'{"openapi": ', "", "spec s is not valid JSON: "),
        (b"\xff\xfe", "", "spec s is not UTF-8 text"),
        (
            b"openapi: 3.1.0\npaths: []\n",
            "",
            "spec s is not an OpenAPI document ('paths' is not a map)",
        ),
    ],
)
def test_what_is_not_a_spec_is_refused_in_one_line(
    raw: bytes, content_type: str, message: str
) -> None:
    with pytest.raises(regen.RegenerationError) as caught:
        regen.parse_spec_bytes(raw, "s", content_type)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_split_schemas_are_renamed_with_titles_and_refs() -> None:
    ref = "#/components/schemas/"
    spec = {
        "paths": {
            "/a": {"post": {"x": {"$ref": ref + "A-Input"}, "y": {"$ref": ref + "A-Output"}}}
        },
        "components": {
            "schemas": {
                "A-Input": {"title": "A", "type": "object"},
                "A-Output": {"title": "A", "properties": {"b": {"$ref": ref + "B-Output"}}},
                "B-Output": {"type": "object"},
                "C-Output": {"title": "Other", "type": "object"},
            }
        },
    }
    document, renames = regen.normalise_split_schemas(spec)
    assert [str(r) for r in renames] == ["A-Input -> AInput", "A-Output -> A", "B-Output -> B"]
    assert document == {
        "paths": {"/a": {"post": {"x": {"$ref": ref + "AInput"}, "y": {"$ref": ref + "A"}}}},
        "components": {
            "schemas": {
                "AInput": {"title": "AInput", "type": "object"},
                "A": {"title": "A", "properties": {"b": {"$ref": ref + "B"}}},
                "B": {"type": "object"},
                "C-Output": {"title": "Other", "type": "object"},
            }
        },
    }
    assert spec["components"]["schemas"]["A-Input"] == {"title": "A", "type": "object"}


def test_a_split_schema_whose_name_is_taken_fails_naming_both() -> None:
    spec = {"paths": {}, "components": {"schemas": {"Project-Output": {}, "Project": {}}}}
    with pytest.raises(regen.RegenerationError) as caught:
        regen.normalise_split_schemas(spec)
    assert str(caught.value).startswith(
        "split schema Project-Output would be named Project, but Project already has that name"
    )


def test_an_overlay_the_spec_makes_obsolete_is_flagged() -> None:
    """The published spec now tags GET /projects itself, and names its operation list_projects."""
    spec = raw_snapshot()
    get = spec["paths"]["/projects"]["get"]
    get["tags"] = ["Projects"]
    get["operationId"] = "list_projects"
    changes = regen.overlay_changes(
        regen.prepare(raw_snapshot(), regen.overlay_files()),
        regen.prepare(spec, regen.overlay_files()),
    )
    assert [str(c) for c in changes] == [
        "[ok] overlay 10-operation-ids.yaml action 1: obsolete: the spec now says this itself at "
        "$.paths['/projects'].get; retire the action",
        "[ok] overlay 20-tags.yaml action 1: obsolete: the spec now says this itself at "
        "$.paths['/projects'].get; retire the action",
    ]
