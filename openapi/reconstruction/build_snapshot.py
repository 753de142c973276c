"""Rebuild ``openapi/ionworks.openapi.json`` from the gathered API-reference facts.

This is how the committed snapshot was made: the live ``https://api.ionworks.com/openapi.json``
cannot be reached from here, so the spec is reconstructed, FastAPI-shaped, from
``openapi/reconstruction/ionworks-api-facts.json`` (docs pages + the vendor's ``ionworks-api`` 0.38
client). It writes *the spec as published*: untyped responses stay untyped and FastAPI's long
operation ids stay long. Our corrections live in ``openapi/overlays/``, never here.

Every reconstructed-not-documented element carries ``x-provenance``:
``docs`` (API-reference pages), ``vendor-client`` (only the vendor's client shows it) or
``assumption`` (neither shows it; FastAPI convention or our inference).

Usage: ``python openapi/reconstruction/build_snapshot.py [FACTS_JSON] [OUT_JSON]``.
Once the live spec is reachable, replace the snapshot with the downloaded document instead
(see ``openapi/SOURCE.md``) and retire this script.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FACTS = ROOT / "openapi" / "reconstruction" / "ionworks-api-facts.json"
DEFAULT_OUT = ROOT / "openapi" / "ionworks.openapi.json"

# Endpoints left out of this snapshot (uploads, extends, raw data, watch, file downloads).
EXCLUDED_PATH_PARTS = (
    "initiate-upload",
    "confirm-upload",
    "extend",
    "/files",
    "raw_data",
    "watch",
    "/download",
)

# Schemas that no included endpoint references; left out to keep the snapshot honest.
EXCLUDED_SCHEMAS = {
    "PaginatedEnvelope",  # a client-side notion; overlays add concrete page schemas
    "InitiateUploadRequest",
    "UploadInfo",
    "MultipartUploadInfo",
    "InitiateUploadResponse",
    "ConfirmUploadRequest",
    "CellMeasurementBundleResponse",
    "FilesListResponse",
    "CellInstanceUpdate",  # free-form body, inlined as FastAPI does for dict bodies
    "IonworksErrorBody",  # not in the published spec (client-side knowledge)
}

ENUM_SCHEMAS = {"MeasurementType", "ComponentType"}


def provenance(source: str | None) -> str:
    """Map a facts ``source`` tag to our ``x-provenance`` vocabulary."""
    if not source:
        return "assumption"
    if source.startswith("pages") or source == "both":
        return "docs"
    if source == "client-source":
        return "vendor-client"
    return "assumption"


def title_of(name: str) -> str:
    """FastAPI/pydantic field title: ``start_time_gt`` -> ``Start Time Gt``."""
    return " ".join(part.capitalize() for part in name.split("_"))


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def type_schema(type_name: str, fmt: str | None = None) -> dict[str, Any]:
    """JSON Schema for a facts type string such as ``string``, ``array<Quantity>``, ``Ratings``."""
    if type_name.startswith("array<"):
        inner = type_name[len("array<") : -1]
        if inner == "T":
            inner = "object"
        if inner == "string|integer":
            return {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}
        return {"type": "array", "items": type_schema(inner)}
    if type_name == "array":
        return {"type": "array", "items": {}}
    if type_name == "object|string":
        return {"anyOf": [{"type": "object", "additionalProperties": True}, {"type": "string"}]}
    if type_name.startswith("object"):
        return {"type": "object", "additionalProperties": True}
    if type_name == "any":
        return {}
    if type_name in ("string", "integer", "number", "boolean"):
        schema: dict[str, Any] = {"type": type_name}
        if fmt in ("date-time", "date"):
            schema["format"] = fmt
        return schema
    if type_name == "ProcessingStatus":  # never declared as an enum by the server
        return {"type": "string"}
    return ref(type_name)


def field_schema(field: dict[str, Any]) -> dict[str, Any]:
    base = type_schema(field["type"], field.get("format"))
    if field.get("nullable"):
        schema: dict[str, Any] = {"anyOf": [base, {"type": "null"}]}
    elif "$ref" in base:
        schema = dict(base)
    else:
        schema = dict(base)
    for key, value in (field.get("constraints") or {}).items():
        target = schema if "anyOf" not in schema else schema["anyOf"][0]
        target[key] = value
    schema["title"] = title_of(field["name"])
    if "default" in field:
        schema["default"] = field["default"]
    elif field.get("nullable") and not field.get("required"):
        schema["default"] = None
    if field.get("note"):
        schema["description"] = field["note"][0].upper() + field["note"][1:]
    prov = provenance(field.get("source"))
    if prov != "docs":
        schema["x-provenance"] = prov
    return schema


def object_schema(
    name: str, facts: dict[str, Any], base_fields: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    fields = facts["fields"]
    if name == "CellMeasurementDetailResponse":
        fields = [f for f in fields if "/" not in f["name"]]
    if name == "CellSpecificationWithComponents" and base_fields is not None:
        # FastAPI emits response models flat: the spec's own fields, then the component slots.
        fields = list(base_fields) + list(fields)
    properties = {f["name"]: field_schema(f) for f in fields}
    required = [f["name"] for f in fields if f.get("required")]
    schema: dict[str, Any] = {"properties": properties, "type": "object", "title": name}
    if required:
        schema["required"] = required
    if facts.get("note"):
        schema["description"] = facts["note"][0].upper() + facts["note"][1:]
    sources = {provenance(f.get("source")) for f in fields}
    if sources == {"vendor-client"}:
        schema["x-provenance"] = "vendor-client"
    return schema


def enum_schema(name: str, facts: dict[str, Any]) -> dict[str, Any]:
    return {"type": "string", "enum": facts["values"], "title": name}


def query_parameter(param: dict[str, Any], operation_provenance: str) -> dict[str, Any]:
    name = param["name"]
    if param["type"].startswith("array<"):
        base: dict[str, Any] = type_schema(param["type"])
    elif param.get("enum"):
        if sorted(param["enum"]) == sorted(["time_series", "file", "properties"]):
            base = ref("MeasurementType")
        else:
            base = {"type": "string", "enum": param["enum"]}
    else:
        base = type_schema(param["type"])
    for bound in ("minimum", "maximum"):
        if param.get(bound) is not None:
            base[bound] = param[bound]
    has_default = param.get("default") is not None
    if param.get("nullable", True) and not has_default and not param.get("required"):
        schema: dict[str, Any] = {"anyOf": [base, {"type": "null"}], "title": title_of(name)}
    else:
        schema = dict(base) if "$ref" not in base else {"allOf": [base]}
        schema["title"] = title_of(name)
    if has_default:
        schema["default"] = param["default"]
    out: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": bool(param.get("required")),
        "schema": schema,
    }
    if param.get("note"):
        out["description"] = param["note"][0].upper() + param["note"][1:]
    prov = provenance(param.get("source"))
    if prov != operation_provenance or prov != "docs":
        out["x-provenance"] = prov
    return out


def fastapi_operation_id(function_name: str, path: str, method: str) -> str:
    """FastAPI's ``generate_unique_id``: function name + path + method, non-word chars -> ``_``."""
    return re.sub(r"\W", "_", f"{function_name}{path}") + f"_{method.lower()}"


VALIDATION_ERROR_RESPONSE = {
    "description": "Validation Error",
    "content": {"application/json": {"schema": ref("HTTPValidationError")}},
}


def response_for(
    endpoint: dict[str, Any], known_schemas: set[str]
) -> tuple[str, dict[str, Any], list[str]]:
    """Return (status, response object, provenance notes) for the success response."""
    notes: list[str] = []
    for status, facts in endpoint["responses"].items():
        if status in ("422",) or not isinstance(facts, dict):
            continue
        if status not in ("200", "201", "2xx"):
            continue
        code = "200" if status == "2xx" else status
        if status == "2xx":
            notes.append("status code not documented; FastAPI default 200 assumed")
        schema_name = facts.get("schema", "undocumented")
        schema: dict[str, Any] = {}
        if schema_name.startswith("array of "):
            schema = {
                "type": "array",
                "items": ref(schema_name[len("array of ") :]),
                "title": "Response " + endpoint["title"],
            }
        elif schema_name in known_schemas:
            schema = ref(schema_name)
        # Anything else (undocumented, envelope only known from the client) stays untyped here.
        response = {
            "description": "Successful Response",
            "content": {"application/json": {"schema": schema}},
        }
        if schema and provenance(facts.get("source")) != "docs":
            response["x-provenance"] = provenance(facts.get("source"))
        return code, response, notes
    return (
        "200",
        {"description": "Successful Response", "content": {"application/json": {"schema": {}}}},
        ["no success response in facts"],
    )


def build(facts: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name, schema_facts in facts["schemas"].items():
        if name in EXCLUDED_SCHEMAS:
            continue
        if name in ENUM_SCHEMAS:
            schemas[name] = enum_schema(name, schema_facts)
        elif "fields" in schema_facts:
            base = facts["schemas"]["CellSpecification"]["fields"]
            schemas[name] = object_schema(name, schema_facts, base)
    # FastAPI's own validation schemas, exactly as FastAPI emits them.
    schemas["ValidationError"] = {
        "properties": {
            "loc": {
                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                "type": "array",
                "title": "Location",
            },
            "msg": {"type": "string", "title": "Message"},
            "type": {"type": "string", "title": "Error Type"},
            "input": {"title": "Input"},
            "ctx": {"type": "object", "title": "Context"},
        },
        "type": "object",
        "required": ["loc", "msg", "type"],
        "title": "ValidationError",
    }
    schemas["HTTPValidationError"] = {
        "properties": {
            "detail": {
                "items": ref("ValidationError"),
                "type": "array",
                "title": "Detail",
            }
        },
        "type": "object",
        "title": "HTTPValidationError",
    }

    paths: dict[str, Any] = {}
    for endpoint in facts["endpoints"]:
        path = endpoint["path"]
        if any(part in path for part in EXCLUDED_PATH_PARTS):
            continue
        method = endpoint["method"].lower()
        op_prov = "docs" if endpoint["found_in"] in ("pages", "both") else "vendor-client"
        operation_id = endpoint.get("operation_id_documented")
        id_prov = "docs"
        if not operation_id:
            operation_id = fastapi_operation_id(endpoint["operation_hint"], path, method)
            id_prov = "assumption"
        operation: dict[str, Any] = {}
        if endpoint.get("tags"):
            operation["tags"] = endpoint["tags"]
        operation["summary"] = endpoint["title"]
        operation["operationId"] = operation_id
        if id_prov != "docs":
            operation["x-provenance-operationId"] = id_prov
        if endpoint.get("deprecated"):
            operation["deprecated"] = True
        parameters = [
            {
                "name": p["name"],
                "in": "path",
                "required": True,
                "schema": {"type": "string", "title": title_of(p["name"])},
            }
            for p in endpoint["path_params"]
        ]
        for q in endpoint["query_params"]:
            if q["name"].startswith("("):  # names not visible in the excerpts
                continue
            parameters.append(query_parameter(q, op_prov))
        if parameters:
            operation["parameters"] = parameters
        body = endpoint.get("request_body")
        if body:
            body_schema_name = body["schema"].split(" ")[0]
            if body_schema_name == "CellInstanceUpdate":
                body_schema: dict[str, Any] = {
                    "type": "object",
                    "additionalProperties": True,
                    "title": "Raw Data",
                }
            else:
                body_schema = ref(body_schema_name)
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body_schema}},
            }
        status, response, notes = response_for(endpoint, set(schemas))
        operation["responses"] = {status: response}
        if parameters or body:
            operation["responses"]["422"] = VALIDATION_ERROR_RESPONSE
        operation["x-provenance"] = op_prov
        if notes:
            operation["x-provenance-notes"] = notes
        paths.setdefault(path, {})[method] = operation

    header = facts["meta"]["docs_openapi_header"]
    return {
        "openapi": header["openapi"],
        "info": dict(header["info"]),
        "servers": header["servers"],
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items()))},
        "security": header["security"],
        "x-provenance-legend": {
            "docs": "stated on the public API-reference pages",
            "vendor-client": "only the vendor's ionworks-api 0.38.0 client shows it",
            "assumption": "neither shows it: FastAPI convention or our inference",
        },
    }


def main(argv: list[str]) -> int:
    facts_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_FACTS
    out_path = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    spec = build(json.loads(facts_path.read_text(encoding="utf-8")))
    out_path.write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out_path} ({len(spec['paths'])} paths)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
