"""Shared helpers and independently derived constants for the sandbox tests.

The expected values in these tests were derived from ``battery-cells.json`` by an independent
script (uuid5 over the documented names, dataset order, minute-per-record timestamps), not read
back from the sandbox.
"""

from __future__ import annotations

import sys
import uuid
import warnings
from pathlib import Path
from typing import Any

try:
    import ionworks_toolkit.sandbox  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "extensions"))

from ionworks_toolkit.sandbox import SandboxOptions, SandboxServer, create_app, run_in_thread

with warnings.catch_warnings():
    # Starlette suggests httpx2 for its TestClient; the project pins httpx.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: The OpenAPI document the sandbox is checked against: the overlaid spec the client is
#: generated from (its by-project 200 is typed; the published snapshot's is not).
SPEC_PATH = (
    Path(__file__).resolve().parents[2] / "generated_client" / "ionworks_client" / "openapi.json"
)

__all__ = ["SandboxServer", "TestClient", "run_in_thread"]  # re-exported for conftest

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://sandbox.ionworks.invalid/")
API_KEY = {"X-API-Key": "sandbox"}

SEVERSON = "Severson 2019 fast-charging cycle life"
ATTIA = "Attia 2020 closed-loop fast-charging optimisation"
TRI = "TRI BEEP protocol test plans (Talos, Drive)"
NASA = "NASA PCoE Li-ion battery aging"
EMPTY = "Sandbox empty project"
SEVERSON_SPEC = "A123 APR18650M1A (Severson 2019 cells)"
ATTIA_SPEC = "A123 APR18650M1A (Attia 2020 cells)"


def uuid5(name: str) -> str:
    """The sandbox's documented id scheme, computed independently."""
    return str(uuid.uuid5(NAMESPACE, name))


def project_id(name: str) -> str:
    return uuid5(f"project:{name}")


def spec_id(project: str, spec: str) -> str:
    return uuid5(f"spec:{project}/{spec}")


def instance_id(spec_id_: str, name: str) -> str:
    return uuid5(f"instance:{spec_id_}/{name}")


def measurement_id(instance_id_: str, name: str) -> str:
    return uuid5(f"measurement:{instance_id_}/{name}")


def make_client(options: SandboxOptions | None = None, **headers: str) -> TestClient:
    """A TestClient on a new app, sending the default API key unless *headers* are given."""
    return TestClient(create_app(options), headers=headers or API_KEY)


def by_project(
    client: TestClient, project: str, expect: int = 200, **params: Any
) -> dict[str, Any]:
    """GET the seed endpoint for *project* (a name) and return the JSON body."""
    response = client.get(f"/cell_measurements/by-project/{project_id(project)}", params=params)
    assert response.status_code == expect, response.text
    body: dict[str, Any] = response.json()
    return body


def total(client: TestClient, project: str, **params: Any) -> int:
    """The ``total`` of the seed endpoint for *project* with *params*."""
    value: int = by_project(client, project, limit=1, **params)["total"]
    return value


def names(body: dict[str, Any]) -> list[str]:
    """Measurement names of a page, in order."""
    return [item["name"] for item in body["items"]]


def query_parameters(spec: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    """The query parameters ``spec`` declares for ``method path``, by name."""
    operation = spec["paths"][path][method]
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def range_fields(spec: dict[str, Any], path: str, method: str = "get") -> list[str]:
    """The fields ``method path`` filters by range: ``F`` for every declared ``F_gt`` or
    ``F_lt`` (in declaration order). The spec types these parameters as plain strings and
    documents them as ISO 8601 date-times; the by-project ones are the date-time fields of
    its items (``start_time``, ``created_at``, ``updated_at``)."""
    fields: dict[str, None] = {}
    for name in query_parameters(spec, path, method):
        if name.endswith(("_gt", "_lt")):
            fields[name[:-3]] = None
    return list(fields)


def datetime_parameters(spec: dict[str, Any], path: str, method: str = "get") -> list[str]:
    """Every declared query parameter on a range field: ``F``, ``F_gt``, ``F_lt`` (see
    :func:`range_fields`), in declaration order."""
    fields = set(range_fields(spec, path, method))
    return [
        name
        for name in query_parameters(spec, path, method)
        if name in fields or (name.endswith(("_gt", "_lt")) and name[:-3] in fields)
    ]
