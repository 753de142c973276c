"""Spec evolution: the pipeline meets changed specs the way a maintainer would.

Each test builds a changed spec from the committed snapshot with one small fragment, runs
``scripts/regenerate.py`` on it in a temporary copy of the repository (``openapi/``,
``scripts/``, ``generated_client/``; ``extensions/`` and ``tests/cassettes`` linked), and
asserts one of two outcomes:

- a working toolkit: exit 0, the exact report lines, and the toolkit's CLI run against the
  regenerated client (``PYTHONPATH`` = the copy's ``generated_client`` and ``extensions``);
- a refusal: the documented exit code, a message naming the culprit, and the copy's client
  and snapshot byte-for-byte untouched.

One regeneration takes about 2 s (generation, ruff, the candidate checks in a subprocess).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from ionworks_toolkit.presets import BUILTIN_PRESETS

ROOT = Path(__file__).resolve().parents[2]
SEED = "/cell_measurements/by-project/{project_id}"
SCHEMA = "#/components/schemas/"
Spec = dict[str, Any]


@cache
def _snapshot_text() -> str:
    return (ROOT / "openapi" / "ionworks.openapi.json").read_text(encoding="utf-8")


def snapshot() -> Spec:
    """A fresh copy of the published snapshot (raw, before normalisation and overlays)."""
    return json.loads(_snapshot_text())  # type: ignore[no-any-return]


class Workspace:
    """A temporary copy of the repository parts the pipeline reads and writes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for folder in ("openapi", "scripts", "generated_client"):
            shutil.copytree(
                ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__")
            )
        (root / "extensions").symlink_to(ROOT / "extensions")
        (root / "tests").mkdir()
        (root / "tests" / "cassettes").symlink_to(ROOT / "tests" / "cassettes")

    @property
    def client(self) -> Path:
        return self.root / "generated_client" / "ionworks_client"

    def files(self) -> dict[str, bytes]:
        """Every file of the client and of ``openapi/`` (what a refusal must leave alone)."""
        out = {}
        for base in (self.client, self.root / "openapi"):
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    out[str(path.relative_to(self.root))] = path.read_bytes()
        return out

    def write_spec(self, spec: Spec | str | bytes, name: str = "published.json") -> Path:
        path = self.root / name
        if isinstance(spec, dict):
            path.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
        elif isinstance(spec, str):
            path.write_text(spec, encoding="utf-8")
        else:
            path.write_bytes(spec)
        return path

    def regenerate(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "scripts/regenerate.py", *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
            timeout=300,
        )

    def toolkit(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``ionworks-toolkit ARGS`` against this copy's client."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
        env["PYTHONPATH"] = os.pathsep.join(
            [str(self.root / "generated_client"), str(self.root / "extensions")]
        )
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return subprocess.run(
            [sys.executable, "-c", "from ionworks_toolkit.cli import main; main()", *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
            env=env,
            timeout=120,
        )


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "repo")


def rename_schema(spec: Spec, old: str, new: str) -> Spec:
    """Rename a component schema and every ``$ref`` to it (a fragment builder)."""
    text = json.dumps(spec).replace(f'"{SCHEMA}{old}"', f'"{SCHEMA}{new}"')
    document: Spec = json.loads(text)
    schemas = document["components"]["schemas"]
    document["components"]["schemas"] = {
        (new if name == old else name): schema for name, schema in schemas.items()
    }
    return document


def assert_refused(
    ws: Workspace, before: dict[str, bytes], result: subprocess.CompletedProcess[str], code: int
) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.endswith(
        "nothing was replaced: generated_client/ionworks_client is as it was\n"
    )
    assert ws.files() == before


def assert_toolkit_works(ws: Workspace) -> None:
    """The regenerated client carries the toolkit: CLI help and the preset listing."""
    result = ws.toolkit("measurements", "list", "--help")
    assert result.returncode == 0, result.stderr
    assert "--preset" in result.stdout
    assert result.stderr == ""
    presets = ws.toolkit("presets", "list")
    assert presets.returncode == 0, presets.stderr
    listed = presets.stdout
    assert [p.name for p in BUILTIN_PRESETS if p.name not in listed] == []


# --------------------------------------------------------------------------- refusals


def test_undefined_response_ref_is_refused_and_the_client_left_untouched(ws: Workspace) -> None:
    """Issue input: GET /projects/{project_id}'s 200 points at an undefined ProjectOut."""
    spec = snapshot()
    response = spec["paths"]["/projects/{project_id}"]["get"]["responses"]["200"]
    response["content"]["application/json"]["schema"] = {"$ref": f"{SCHEMA}ProjectOut"}
    path = ws.write_spec(spec)
    before = ws.files()
    result = ws.regenerate("--spec", path)
    assert_refused(ws, before, result, 4)
    assert result.stderr.startswith(
        "error: 1 $ref(s) point at nothing, so the generator would drop what uses them:\n"
        "  #/components/schemas/ProjectOut (at $.paths['/projects/{project_id}'].get.responses"
        "['200'].content['application/json'].schema)\n"
    )
    check = ws.regenerate("--check")
    assert (check.returncode, check.stdout) == (
        0,
        "generated_client/ionworks_client is up to date\n",
    )


def test_a_generator_warning_is_a_failure_naming_the_model(ws: Workspace) -> None:
    """Two schemas titled alike make openapi-python-client drop one ("duplicate models")."""
    spec = snapshot()
    schemas = spec["components"]["schemas"]
    schemas["ProjectSummary"] = {**copy.deepcopy(schemas["Project"]), "title": "Project"}
    listing = spec["paths"]["/projects"]["get"]["responses"]["200"]["content"]
    listing["application/json"]["schema"] = {
        "type": "array",
        "items": {"$ref": f"{SCHEMA}ProjectSummary"},
    }
    path = ws.write_spec(spec)
    before = ws.files()
    result = ws.regenerate("--spec", path)
    assert_refused(ws, before, result, 4)
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "error: openapi-python-client reported 2 problem(s); the client would lose these pieces:"
    )
    assert lines[1].startswith(
        "  WARNING parsing GET /projects within projects. Cannot parse response for status code "
        "(Could not find reference in parsed models or enums), response will be omitted"
    )
    assert lines[2].startswith(
        "  Unable to parse schema /components/schemas/ProjectSummary Unable to parse this part of"
        ' your OpenAPI document: : Attempted to generate duplicate models with name "Project"'
    )


def test_html_instead_of_a_spec_is_refused_in_one_line(ws: Workspace) -> None:
    path = ws.write_spec("<!DOCTYPE html>\n<html><body>Sign in</body></html>\n", "openapi.json")
    before = ws.files()
    result = ws.regenerate("--spec", path)
    assert_refused(ws, before, result, 2)
    assert result.stderr.splitlines()[0] == (
        f"error: spec {path} is an HTML/XML page, not an OpenAPI document "
        "(a login or error page? check the URL)"
    )


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}}, "no 'paths' key"),
        ({"swagger": "2.0", "paths": {}}, "no 'openapi' key"),
        ([1, 2], "a list, not a mapping"),
    ],
)
def test_a_document_that_is_not_openapi_is_refused(
    ws: Workspace, document: object, reason: str
) -> None:
    path = ws.write_spec(json.dumps(document), "spec.txt")
    before = ws.files()
    result = ws.regenerate("--spec", path)
    assert_refused(ws, before, result, 2)
    assert result.stderr.splitlines()[0] == (
        f"error: spec {path} is not an OpenAPI document ({reason})"
    )


def test_an_overlay_rename_the_toolkit_depends_on_is_reported_and_refused(
    ws: Workspace,
) -> None:
    """Issue input: 10-operation-ids.yaml renames list_projects to get_all_projects."""
    overlay = ws.root / "openapi" / "overlays" / "10-operation-ids.yaml"
    text = overlay.read_text(encoding="utf-8")
    assert text.count("operationId: list_projects\n") == 1
    overlay.write_text(
        text.replace("operationId: list_projects\n", "operationId: get_all_projects\n")
    )
    report = ws.regenerate("--report", "--fail-on-breaking")
    assert report.returncode == 1
    assert report.stdout == (
        "[BREAKING] operation-id GET /projects: list_projects -> get_all_projects\n"
        "1 change(s), 1 breaking\n"
    )
    before = ws.files()
    result = ws.regenerate()
    assert_refused(ws, before, result, 5)
    assert result.stderr.startswith("error: the regenerated client failed its checks:\n")
    assert result.stderr.splitlines()[1] == (
        "check operations failed: PROJECTS (list_projects): ConfigurationError: this client has "
        "no operation list_projects (the API spec it was generated from does not have it): "
        "regenerate it from a spec that has it (scripts/regenerate.py)"
    )


def test_a_built_in_preset_the_spec_invalidates_stops_regeneration_naming_it(
    ws: Workspace,
) -> None:
    """The MeasurementType value a built-in preset sends (read from the presets) disappears."""
    spec = snapshot()
    values = spec["components"]["schemas"]["MeasurementType"]["enum"]
    preset, value = next(
        (p.name, str(p.params["measurement_type"]))
        for p in BUILTIN_PRESETS
        if "measurement_type" in p.params
    )
    values.remove(value)
    path = ws.write_spec(spec)
    before = ws.files()
    result = ws.regenerate("--spec", path)
    assert_refused(ws, before, result, 5)
    assert result.stderr.splitlines()[:2] == [
        "error: the regenerated client failed its checks:",
        f"check presets failed: built-in preset {preset}: preset {preset}: "
        f"measurement_type={value!r} is not allowed; choose one of: " + ", ".join(values),
    ]


def test_an_enum_value_no_preset_uses_disappears(ws: Workspace) -> None:
    """Issue input: MeasurementType loses "properties" (once every preset was switched off)."""
    spec = snapshot()
    spec["components"]["schemas"]["MeasurementType"]["enum"].remove("properties")
    result = ws.regenerate("--spec", ws.write_spec(spec))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "regenerated generated_client/ionworks_client\n"
        "[BREAKING] enum MeasurementType: value removed: properties\n"
        "1 change(s), 1 breaking\n"
    )
    assert_toolkit_works(ws)
    listing = ws.toolkit("presets", "list")
    assert listing.stderr == ""


# --------------------------------------------------------------------------- regenerations


def test_an_output_split_schema_regenerates_as_a_rename_only(ws: Workspace) -> None:
    """Issue input: CellInstance becomes CellInstance-Output (and every $ref follows)."""
    path = ws.write_spec(rename_schema(snapshot(), "CellInstance", "CellInstance-Output"))
    before = ws.files()
    result = ws.regenerate("--spec", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "regenerated generated_client/ionworks_client\n"
        "[ok] schema CellInstance-Output: renamed CellInstance (FastAPI input/output split)\n"
        "1 change(s), 0 breaking\n"
    )
    after = ws.files()
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert changed == [
        "generated_client/ionworks_client/_stamp.json",
        "openapi/ionworks.openapi.json",
    ]
    assert_toolkit_works(ws)


def test_an_input_output_pair_gets_two_stable_model_names(ws: Workspace) -> None:
    """FastAPI's pair: Project-Output for responses, Project-Input for POST /projects."""
    spec = rename_schema(snapshot(), "Project", "Project-Output")
    schemas = spec["components"]["schemas"]
    schemas["Project-Input"] = {
        "title": "Project",
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "title": "Name"},
            "description": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
    }
    post = spec["paths"]["/projects"]["post"]["requestBody"]["content"]["application/json"]
    post["schema"] = {"$ref": f"{SCHEMA}Project-Input"}
    path = ws.write_spec(spec)
    result = ws.regenerate("--spec", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "regenerated generated_client/ionworks_client\n"
        "[ok] schema Project-Input: renamed ProjectInput (FastAPI input/output split)\n"
        "[ok] schema Project-Output: renamed Project (FastAPI input/output split)\n"
        "[BREAKING] request POST /projects: ProjectCreate -> ProjectInput\n"
        "[ok] schema ProjectInput: added\n"
        "4 change(s), 1 breaking\n"
    )
    models = ws.client / "models"
    assert "class ProjectInput:" in (models / "project_input.py").read_text("utf-8")
    assert "class Project:" in (models / "project.py").read_text("utf-8")
    assert_toolkit_works(ws)


def test_a_yaml_spec_is_stored_as_yaml_and_check_reads_it(ws: Workspace) -> None:
    """Issue input: the same document dumped as YAML, then --check."""
    text = yaml.safe_dump(snapshot(), sort_keys=False, allow_unicode=True)
    path = ws.write_spec(text, "published.json")  # the suffix lies; the content decides
    result = ws.regenerate("--spec", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "regenerated generated_client/ionworks_client\n"
    stored = ws.root / "openapi" / "ionworks.openapi.yaml"
    assert stored.read_text("utf-8") == text
    assert not (ws.root / "openapi" / "ionworks.openapi.json").exists()
    check = ws.regenerate("--check")
    assert (check.returncode, check.stdout, check.stderr) == (
        0,
        "generated_client/ionworks_client is up to date\n",
        "",
    )
    report = ws.regenerate("--report")
    assert (report.returncode, report.stdout) == (0, "no API changes\n")


def test_a_field_becoming_nullable_is_one_change(ws: Workspace) -> None:
    """Issue input: ``ratings`` becomes ``anyOf [Ratings, null]`` (58 lines before)."""
    spec = snapshot()
    properties = spec["components"]["schemas"]["CellSpecificationWithComponents"]["properties"]
    properties["ratings"] = {"anyOf": [{"$ref": f"{SCHEMA}Ratings"}, {"type": "null"}]}
    result = ws.regenerate("--spec", ws.write_spec(spec))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "regenerated generated_client/ionworks_client\n"
        "[BREAKING] nullable CellSpecificationWithComponents.ratings: became nullable\n"
        "1 change(s), 1 breaking\n"
    )
    assert_toolkit_works(ws)


def test_required_changes_in_both_directions(ws: Workspace) -> None:
    """Issue input: start_time joins CellMeasurement.required; plus a request field that
    becomes required and a response field that becomes optional (both breaking)."""
    spec = snapshot()
    schemas = spec["components"]["schemas"]
    schemas["CellMeasurement"]["required"].append("start_time")
    assert "description" not in schemas["ProjectCreate"].get("required", [])
    schemas["ProjectCreate"].setdefault("required", []).append("description")
    schemas["Project"]["required"].remove("organization_id")
    result = ws.regenerate("--spec", ws.write_spec(spec))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "regenerated generated_client/ionworks_client\n"
        "[ok] required CellMeasurement.start_time: became required\n"
        "[BREAKING] required Project.organization_id: no longer required\n"
        "[BREAKING] required ProjectCreate.description: became required\n"
        "3 change(s), 2 breaking\n"
    )
    assert_toolkit_works(ws)


def test_the_server_typing_an_overlaid_response_is_flagged(ws: Workspace) -> None:
    """The server now types the by-project 200 itself: overlay 40's action is flagged."""
    spec = snapshot()
    schemas = spec["components"]["schemas"]
    schemas["PageCellMeasurement"] = {
        "title": "PageCellMeasurement",
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"{SCHEMA}CellMeasurement"}},
            "total": {"type": "integer"},
        },
    }
    ok = spec["paths"][SEED]["get"]["responses"]["200"]["content"]["application/json"]
    ok["schema"] = {"$ref": f"{SCHEMA}PageCellMeasurement"}
    result = ws.regenerate("--spec", ws.write_spec(spec))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "regenerated generated_client/ionworks_client",
        "[ok] schema PageCellMeasurement: added",
        "[ok] overlay 40-response-schemas.yaml action 2: overrides what the spec now publishes"
        " at $.paths['/cell_measurements/by-project/{project_id}'].get.responses['200']"
        ".content['application/json'].schema['$ref']: "
        '"#/components/schemas/PageCellMeasurement"; retire the action if the published value'
        " is right",
        "2 change(s), 0 breaking",
    ]
    assert_toolkit_works(ws)


def test_a_parameter_by_ref_is_compared_through_the_ref(ws: Workspace) -> None:
    spec = snapshot()
    parameters = spec["paths"][SEED]["get"]["parameters"]
    (index,) = [i for i, p in enumerate(parameters) if p["name"] == "spec_cathode"]
    component = copy.deepcopy(parameters[index])
    component["schema"] = {"type": "integer"}
    spec["components"]["parameters"] = {"SpecCathode": component}
    parameters[index] = {"$ref": "#/components/parameters/SpecCathode"}
    report = ws.regenerate("--report", "--spec", ws.write_spec(spec))
    assert report.stdout == (
        f"[BREAKING] type GET {SEED} query:spec_cathode: null|string -> integer\n"
        "1 change(s), 1 breaking\n"
    )


# --------------------------------------------------------------------------- the toolkit (item 6)

SEVERSON = "Severson 2019 fast-charging cycle life"
UNREACHABLE = ("--api-url", "http://127.0.0.1:9", "--api-key", "k")


def with_seed_parameter(parameter: dict[str, Any]) -> Spec:
    """The snapshot with one more query parameter on the seed operation (before ordering)."""
    spec = snapshot()
    parameters = spec["paths"][SEED]["get"]["parameters"]
    parameters.insert(len(parameters) - 2, {"in": "query", **parameter})
    return spec


def regenerated_with(ws: Workspace, spec: Spec, report_line: str) -> None:
    result = ws.regenerate("--spec", ws.write_spec(spec))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [report_line, result.stdout.splitlines()[-1]]


def requests_sent(stderr: str) -> list[str]:
    """The query strings of the seed-endpoint requests ``-v`` logged (``-> GET url``)."""
    return [
        line.split("?", 1)[1]
        for line in stderr.splitlines()
        if " -> GET " in line and "/cell_measurements/by-project/" in line
    ]


def test_a_python_keyword_parameter_is_sent_under_its_wire_name(ws: Workspace) -> None:
    """Issue input: ``from`` (a Python keyword; the generator names it ``from_``)."""
    spec = with_seed_parameter(
        {"name": "from", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]}}
    )
    regenerated_with(ws, spec, f"[ok] parameter GET {SEED} query:from: added (optional)")
    assert "from_: None | str | Unset = UNSET" in (
        ws.client / "api/cell_measurements/list_cell_measurements_by_project.py"
    ).read_text("utf-8")
    result = ws.toolkit(
        "--sandbox", "-v", "measurements", "list", SEVERSON, "--from", "2024-01-01",
        "--limit", "1", "--sink", "jsonl:-",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    (query,) = requests_sent(result.stderr)
    assert "&from=2024-01-01&" in query


def test_a_required_query_parameter_is_a_required_option(ws: Workspace) -> None:
    """Issue input: a required ``workspace`` (string) on the seed operation."""
    spec = with_seed_parameter(
        {"name": "workspace", "required": True, "schema": {"type": "string"}}
    )
    regenerated_with(ws, spec, f"[BREAKING] parameter GET {SEED} query:workspace: added (required)")
    help_text = ws.toolkit("measurements", "list", "--help").stdout
    assert "--workspace VALUE" in help_text
    assert "Required by the API" in " ".join(help_text.split())
    missing = ws.toolkit(*UNREACHABLE, "measurements", "list", SEVERSON)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[-1] == (
        "Error: Missing option '--workspace' (required by the API)."
    )
    given = ws.toolkit("--sandbox", "-v", "measurements", "list", SEVERSON, "--workspace", "w1")
    assert given.returncode == 0, given.stderr
    assert all("&workspace=w1&" in query for query in requests_sent(given.stderr))


def test_a_parameter_named_like_a_cli_option_gets_an_api_spelling(ws: Workspace) -> None:
    """Issue input: an integer ``page_size`` query parameter (the CLI has --page-size)."""
    spec = with_seed_parameter({"name": "page_size", "schema": {"type": "integer"}})
    regenerated_with(ws, spec, f"[ok] parameter GET {SEED} query:page_size: added (optional)")
    help_run = ws.toolkit("measurements", "list", "--help")
    assert help_run.stderr == ""
    assert "--api-page-size VALUE" in help_run.stdout
    result = ws.toolkit(
        "--sandbox", "-v", "measurements", "list", SEVERSON, "--all", "--page-size", "50",
        "--api-page-size", "7", "--sink", "jsonl:-",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 128
    queries = requests_sent(result.stderr)
    assert [q.split("&")[:2] for q in queries] == [
        ["limit=50", "offset=0"],
        ["limit=50", "offset=50"],
        ["limit=50", "offset=100"],
    ]
    assert all("&page_size=7&" in query for query in queries)
    assert "used more than once" not in result.stderr


def test_an_object_typed_query_parameter_is_refused_clearly(ws: Workspace) -> None:
    spec = with_seed_parameter(
        {"name": "where", "schema": {"type": "object", "additionalProperties": {"type": "string"}}}
    )
    regenerated_with(ws, spec, f"[ok] parameter GET {SEED} query:where: added (optional)")
    assert "--where" not in ws.toolkit("measurements", "list", "--help").stdout
    result = ws.toolkit(*UNREACHABLE, "measurements", "list", SEVERSON, "--filter", "where=x")
    assert result.returncode == 2
    assert result.stderr == (
        "error: --filter: where is an object-typed query parameter, which the toolkit does not "
        "send (its serialisation, e.g. deepObject, is not supported); leave it out, or call the "
        "generated client (ionworks_client) directly\n"
    )


def test_the_cli_loads_when_an_operation_it_wraps_is_gone(ws: Workspace) -> None:
    """GET /projects disappears: regeneration refuses (the toolkit wraps it); a client that
    lacks it anyway (an older or partner copy) still loads, and only the commands that need
    it say so."""
    spec = snapshot()
    del spec["paths"]["/projects"]["get"]
    path = ws.write_spec(spec)
    report = ws.regenerate("--report", "--spec", path)
    assert "[BREAKING] operation GET /projects: removed (list_projects)" in report.stdout
    before = ws.files()
    result = ws.regenerate("--spec", path, "--allow-unmatched")
    assert_refused(ws, before, result, 5)
    assert "check operations failed: PROJECTS (list_projects)" in result.stderr
    (ws.client / "api/projects/list_projects.py").unlink()
    assert_toolkit_works(ws)
    listing = ws.toolkit(*UNREACHABLE, "projects", "list")
    assert listing.returncode == 2
    assert listing.stderr == (
        "error: this client has no operation list_projects (the API spec it was generated from "
        "does not have it): regenerate it from a spec that has it (scripts/regenerate.py)\n"
    )
    by_id = ws.toolkit(
        "--sandbox", "measurements", "list", "dad27f90-713a-5a2b-a976-e4a38e9951be",
        "--limit", "2", "--sink", "jsonl:-",
    )  # fmt: skip
    assert by_id.returncode == 0, by_id.stderr
    assert len(by_id.stdout.splitlines()) == 2


def test_a_new_date_time_filter_following_the_naming_rule_takes_relative_times(
    ws: Workspace,
) -> None:
    """An API change adds ``ended_at_gt`` and ``ended_on`` (both anyOf [string, null], as the
    published spec types its date-time filters): 62-instant-parameters.yaml marks the first
    (named like an instant), so ``-30d`` is sent as an instant, with no code change; the other
    is text, sent as given."""
    text = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    spec = with_seed_parameter({"name": "ended_at_gt", "schema": text})
    spec["paths"][SEED]["get"]["parameters"].insert(
        0, {"in": "query", "name": "ended_on", "schema": text}
    )
    result = ws.regenerate("--spec", ws.write_spec(spec))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:-1] == [
        f"[ok] parameter GET {SEED} query:ended_at_gt: added (optional)",
        f"[ok] parameter GET {SEED} query:ended_on: added (optional)",
    ]
    shipped = json.loads((ws.client / "openapi.json").read_text("utf-8"))
    marked = {
        p["name"]: p.get("x-ionworks-datetime")
        for p in shipped["paths"][SEED]["get"]["parameters"]
        if p["name"].startswith("ended")
    }
    assert marked == {"ended_at_gt": True, "ended_on": None}
    help_text = " ".join(ws.toolkit("measurements", "list", "--help").stdout.split())
    assert "--ended-at-gt VALUE ended_at after this instant: ISO 8601" in help_text
    result = ws.toolkit(
        "--sandbox", "-v", "measurements", "list", SEVERSON, "--ended-at-gt", "-30d",
        "--ended-on", "-30d", "--limit", "1", "--sink", "jsonl:-",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (query,) = requests_sent(result.stderr)
    sent = dict(pair.split("=", 1) for pair in query.split("&"))
    assert sent["ended_on"] == "-30d"
    assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d%3A\d\d%3A\d\d(\.\d+)?Z", sent["ended_at_gt"])
    refused = ws.toolkit(*UNREACHABLE, "measurements", "list", SEVERSON, "--ended-at-gt", "soon")
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1].endswith(
        "ended_at_gt='soon' is not a datetime; give ISO 8601 (2019-01-24T00:00:00Z) or a "
        "relative time (-30d, -12h, -90m)"
    )
