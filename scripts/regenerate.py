"""Regenerate ``generated_client/ionworks_client`` from the OpenAPI snapshot plus our overlays.

Pipeline: load the spec (``--spec PATH|URL``, default ``openapi/ionworks.openapi.json``) ->
apply every ``openapi/overlays/*.yaml`` (OpenAPI Overlay 1.0) in file-name order -> generate with
openapi-python-client (pinned, config ``openapi/generator.yaml``) into a temporary folder ->
format with ruff -> add the overlaid spec (``openapi.json``) and a stamp (``_stamp.json``:
sha256 of the spec and of each overlay, generator version) -> replace the committed package.

Two runs in a row give byte-identical trees: nothing time- or machine-dependent is written.

Modes:
  (default)   regenerate in place and print what changed in the API, if anything.
  --check     regenerate into a temporary folder and compare; exit 1 listing stale files.
  --report    print what changed between the committed snapshot and ``--spec`` (operations,
              parameters, response fields, enum values, types), marking what breaks callers;
              nothing is written.

Exit codes: 0 ok, 1 stale client (``--check``) or breaking changes with ``--fail-on-breaking``,
2 bad input (unreadable spec or overlay), 3 an overlay action matched nothing (use
``--allow-unmatched`` to generate anyway).
"""

from __future__ import annotations

import argparse
import copy
import filecmp
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "openapi" / "ionworks.openapi.json"
OVERLAY_DIR = ROOT / "openapi" / "overlays"
GENERATOR_CONFIG = ROOT / "openapi" / "generator.yaml"
PACKAGE_NAME = "ionworks_client"
OUTPUT = ROOT / "generated_client" / PACKAGE_NAME
GENERATOR_VERSION = "0.29.1"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class RegenerationError(Exception):
    """A spec or overlay could not be read or applied; the message names the file."""


# --------------------------------------------------------------------------- loading


def load_spec(source: str | Path) -> dict[str, Any]:
    """Read an OpenAPI document (JSON or YAML) from a path or an http(s) URL."""
    text: str
    name = str(source)
    if name.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(name, timeout=30.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RegenerationError(f"cannot fetch spec {name}: {exc}") from exc
        text = response.text
    else:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except OSError as exc:
            raise RegenerationError(f"cannot read spec {name}: {exc.strerror}") from exc
    try:
        document = yaml.safe_load(text) if name.endswith((".yaml", ".yml")) else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise RegenerationError(f"spec {name} is not valid JSON/YAML: {exc}") from exc
    if not isinstance(document, dict) or "openapi" not in document:
        raise RegenerationError(f"spec {name} is not an OpenAPI document (no 'openapi' key)")
    return document


def overlay_files(directory: Path = OVERLAY_DIR) -> list[Path]:
    """Overlay documents, applied in file-name order."""
    return sorted(directory.glob("*.yaml"))


# --------------------------------------------------------------------------- overlays


@dataclass
class UnmatchedAction:
    """An overlay action whose JSONPath target selected nothing: the API changed under it."""

    overlay: str
    index: int
    target: str
    description: str

    def __str__(self) -> str:
        return (
            f"overlay {self.overlay} action {self.index} matched nothing: {self.target}"
            f" ({self.description})"
        )


def _merge(target: Any, update: Any) -> Any:
    """Overlay 1.0 update: objects merge recursively, arrays concatenate, scalars replace."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = _merge(target[key], value) if key in target else copy.deepcopy(value)
        return target
    if isinstance(target, list):
        return target + (copy.deepcopy(update) if isinstance(update, list) else [update])
    return copy.deepcopy(update)


def _resolve(document: Any, parts: Sequence[Any]) -> Any:
    node = document
    for part in parts:
        node = node[part]
    return node


def apply_overlay(
    document: dict[str, Any], overlay: dict[str, Any], overlay_name: str
) -> list[UnmatchedAction]:
    """Apply one Overlay 1.0 document in place; return the actions that matched nothing.

    Raises RegenerationError when the overlay is malformed (no ``overlay`` version, an action
    without ``target`` or ``description``, or with neither ``update`` nor ``remove``).
    """
    if not str(overlay.get("overlay", "")).startswith("1."):
        raise RegenerationError(f"{overlay_name}: not an Overlay 1.x document")
    unmatched: list[UnmatchedAction] = []
    for index, action in enumerate(overlay.get("actions") or [], start=1):
        target = action.get("target")
        description = action.get("description")
        if not target or not description:
            raise RegenerationError(
                f"{overlay_name} action {index}: every action needs a target and a description"
            )
        if "update" not in action and not action.get("remove"):
            raise RegenerationError(f"{overlay_name} action {index}: neither update nor remove")
        try:
            matches = [m.parts for m in jsonpath.finditer(target, document)]
        except jsonpath.JSONPathError as exc:
            raise RegenerationError(f"{overlay_name} action {index}: bad target: {exc}") from exc
        if not matches:
            unmatched.append(UnmatchedAction(overlay_name, index, target, description.strip()))
            continue
        if action.get("remove"):
            # Remove deepest/last first so earlier list indices stay valid.
            # Deepest and highest list index first, so earlier indices stay valid.
            ordered = sorted(matches, key=lambda p: [(isinstance(x, str), x) for x in p])
            for parts in reversed(ordered):
                parent = _resolve(document, parts[:-1])
                del parent[parts[-1]]
        else:
            for parts in matches:
                if not parts:
                    _merge(document, action["update"])
                    continue
                parent = _resolve(document, parts[:-1])
                parent[parts[-1]] = _merge(parent[parts[-1]], action["update"])
    return unmatched


def apply_overlays(
    spec: dict[str, Any], overlays: Sequence[Path]
) -> tuple[dict[str, Any], list[UnmatchedAction]]:
    """Return a deep copy of ``spec`` with every overlay applied, and all unmatched actions."""
    document = copy.deepcopy(spec)
    unmatched: list[UnmatchedAction] = []
    for path in overlays:
        try:
            overlay = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RegenerationError(f"cannot read overlay {path.name}: {exc}") from exc
        unmatched += apply_overlay(document, overlay, path.name)
    return document, unmatched


# --------------------------------------------------------------------------- generation


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def stamp_for(spec_bytes: bytes, overlays: Sequence[Path]) -> dict[str, Any]:
    """The provenance stamp written beside the generated code (no timestamps: deterministic)."""
    return {
        "generator": {"name": "openapi-python-client", "version": GENERATOR_VERSION},
        "spec_sha256": sha256_bytes(spec_bytes),
        "overlays": {p.name: sha256_bytes(p.read_bytes()) for p in overlays},
        "generator_config_sha256": sha256_bytes(GENERATOR_CONFIG.read_bytes()),
    }


def _check_generator_version() -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("openapi-python-client")
    except PackageNotFoundError as exc:
        raise RegenerationError(
            'openapi-python-client is not installed: pip install -e ".[regenerate]"'
        ) from exc
    if installed != GENERATOR_VERSION:
        raise RegenerationError(
            f"openapi-python-client {installed} is installed but the client is pinned to "
            f"{GENERATOR_VERSION}: pip install openapi-python-client=={GENERATOR_VERSION}"
        )


def generate(effective_spec: dict[str, Any], stamp: dict[str, Any], destination: Path) -> None:
    """Run openapi-python-client on the overlaid spec and write the formatted package."""
    _check_generator_version()
    with tempfile.TemporaryDirectory(prefix="ionworks-regen-") as tmp:
        tmp_path = Path(tmp)
        spec_path = tmp_path / "openapi.json"
        spec_path.write_text(canonical_json(effective_spec), encoding="utf-8")
        out = tmp_path / PACKAGE_NAME
        command = [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(spec_path),
            "--config",
            str(GENERATOR_CONFIG),
            "--meta",
            "none",
            "--output-path",
            str(out),
            "--overwrite",
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not out.is_dir():
            raise RegenerationError(
                "openapi-python-client failed:\n" + result.stdout + result.stderr
            )
        if "Warning(s) encountered" in result.stdout:
            # Pieces of the client would be silently missing: treat as a failure.
            raise RegenerationError("openapi-python-client reported problems:\n" + result.stdout)
        ruff = [sys.executable, "-m", "ruff"]
        ruff_options = ["--isolated", "--line-length", "100", "--target-version", "py311"]
        subprocess.run(
            [*ruff, "check", *ruff_options, "--select", "F401,I", "--fix-only", "-q", str(out)],
            check=True,
        )
        subprocess.run([*ruff, "format", *ruff_options, "-q", str(out)], check=True)
        (out / "openapi.json").write_text(canonical_json(effective_spec), encoding="utf-8")
        (out / "_stamp.json").write_text(canonical_json(stamp), encoding="utf-8")
        (out / "py.typed").write_text("# Marker file for PEP 561\n", encoding="utf-8")
        if destination.exists():
            shutil.rmtree(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out, destination)


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ, are missing or are extra between two package trees."""

    def files(root: Path) -> set[str]:
        if not root.exists():
            return set()
        return {
            str(p.relative_to(root))
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    ours, theirs = files(expected), files(actual)
    changed = [
        name
        for name in sorted(ours & theirs)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return (
        [f"changed: {n}" for n in changed]
        + [f"missing: {n}" for n in sorted(ours - theirs)]
        + [f"extra:   {n}" for n in sorted(theirs - ours)]
    )


# --------------------------------------------------------------------------- change report


@dataclass(frozen=True)
class Change:
    """One difference between two API versions, as a caller of the client sees it."""

    kind: str  # operation, parameter, field, enum, type, operation-id
    where: str
    detail: str
    breaking: bool

    def __str__(self) -> str:
        mark = "BREAKING" if self.breaking else "ok"
        return f"[{mark}] {self.kind} {self.where}: {self.detail}"


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in (spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def _deref(spec: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> Any:
    if isinstance(schema, dict) and "$ref" in schema and schema["$ref"] not in seen:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = spec.get("components", {}).get("schemas", {}).get(name, {})
        return _deref(spec, target, seen | {schema["$ref"]})
    return schema


def _type_label(spec: dict[str, Any], schema: Any) -> str:
    """A short, comparable description of a schema's type: ``string``, ``integer|null``..."""
    schema = _deref(spec, schema)
    if not isinstance(schema, dict):
        return "any"
    if "anyOf" in schema or "oneOf" in schema:
        members = schema.get("anyOf") or schema.get("oneOf") or []
        return "|".join(sorted({_type_label(spec, m) for m in members}))
    if "allOf" in schema:
        return "&".join(_type_label(spec, m) for m in schema["allOf"])
    kind = schema.get("type", "object" if "properties" in schema else "any")
    if isinstance(kind, list):
        kind = "|".join(sorted(kind))
    if kind == "array":
        return f"array<{_type_label(spec, schema.get('items', {}))}>"
    if schema.get("format"):
        return f"{kind}:{schema['format']}"
    return str(kind)


def _enum_values(spec: dict[str, Any], schema: Any) -> set[str]:
    schema = _deref(spec, schema)
    if not isinstance(schema, dict):
        return set()
    values = {str(v) for v in schema.get("enum", [])}
    for key in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(key, []):
            values |= _enum_values(spec, member)
    return values


def _properties(spec: dict[str, Any], schema: Any, depth: int = 0) -> dict[str, Any]:
    """Flattened ``{dotted.field: schema}`` of an object schema (allOf merged, 3 levels deep)."""
    schema = _deref(spec, schema)
    out: dict[str, Any] = {}
    if not isinstance(schema, dict) or depth > 3:
        return out
    for member in schema.get("allOf", []):
        out.update(_properties(spec, member, depth))
    for name, prop in (schema.get("properties") or {}).items():
        out[name] = prop
        resolved = _deref(spec, prop)
        if isinstance(resolved, dict) and resolved.get("type") == "array":
            resolved = resolved.get("items", {})
        for sub, sub_schema in _properties(spec, resolved, depth + 1).items():
            out[f"{name}.{sub}"] = sub_schema
    return out


def _response_fields(spec: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Fields of a success response body; a bare array's item fields are named ``[].field``."""
    resolved = _deref(spec, schema)
    if isinstance(resolved, dict) and resolved.get("type") == "array":
        items = _properties(spec, resolved.get("items", {}))
        return {f"[].{name}": field for name, field in items.items()}
    return _properties(spec, resolved)


def _success_schema(operation: dict[str, Any]) -> Any:
    for status in ("200", "201", "202"):
        response = (operation.get("responses") or {}).get(status)
        if response:
            return response.get("content", {}).get("application/json", {}).get("schema", {})
    return {}


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed for a caller between two (overlaid) specs, breaking changes marked.

    Breaking: a removed operation or parameter, a new required parameter, a parameter or field
    whose type changed, a removed enum value, a removed response field, a response body whose
    shape changed.
    """
    changes: list[Change] = []
    old_ops, new_ops = dict(_operations(old)), dict(_operations(new))
    for key in sorted(old_ops.keys() - new_ops.keys()):
        changes.append(
            Change("operation", key, f"removed ({old_ops[key].get('operationId')})", True)
        )
    for key in sorted(new_ops.keys() - old_ops.keys()):
        changes.append(
            Change("operation", key, f"added ({new_ops[key].get('operationId')})", False)
        )
    for key in sorted(old_ops.keys() & new_ops.keys()):
        before, after = old_ops[key], new_ops[key]
        if before.get("operationId") != after.get("operationId"):
            changes.append(
                Change(
                    "operation-id",
                    key,
                    f"{before.get('operationId')} -> {after.get('operationId')}",
                    True,
                )
            )
        old_params = {(p["in"], p["name"]): p for p in before.get("parameters", [])}
        new_params = {(p["in"], p["name"]): p for p in after.get("parameters", [])}
        for loc, name in sorted(old_params.keys() - new_params.keys()):
            changes.append(Change("parameter", f"{key} {loc}:{name}", "removed", True))
        for loc, name in sorted(new_params.keys() - old_params.keys()):
            required = bool(new_params[(loc, name)].get("required"))
            detail = "added (required)" if required else "added (optional)"
            changes.append(Change("parameter", f"{key} {loc}:{name}", detail, required))
        for loc, name in sorted(old_params.keys() & new_params.keys()):
            where = f"{key} {loc}:{name}"
            p_old, p_new = old_params[(loc, name)], new_params[(loc, name)]
            t_old = _type_label(old, p_old.get("schema"))
            t_new = _type_label(new, p_new.get("schema"))
            if t_old != t_new:
                changes.append(Change("type", where, f"{t_old} -> {t_new}", True))
            e_old = _enum_values(old, p_old.get("schema"))
            e_new = _enum_values(new, p_new.get("schema"))
            for value in sorted(e_new - e_old):
                changes.append(Change("enum", where, f"value added: {value}", False))
            for value in sorted(e_old - e_new):
                changes.append(Change("enum", where, f"value removed: {value}", True))
            if not p_old.get("required") and p_new.get("required"):
                changes.append(Change("parameter", where, "now required", True))
        s_old, s_new = _success_schema(before), _success_schema(after)
        r_old, r_new = _type_label(old, s_old), _type_label(new, s_new)
        if r_old != r_new:
            # The body changed shape (e.g. bare array -> page object): fields are not comparable.
            # A response that was untyped ("any") and gets a schema breaks nothing.
            where = f"{key} response"
            changes.append(Change("type", where, f"{r_old} -> {r_new}", r_old != "any"))
            continue
        f_old = _response_fields(old, s_old)
        f_new = _response_fields(new, s_new)
        for name in sorted(f_old.keys() - f_new.keys()):
            changes.append(Change("field", f"{key} response:{name}", "removed", True))
        for name in sorted(f_new.keys() - f_old.keys()):
            changes.append(Change("field", f"{key} response:{name}", "added", False))
        for name in sorted(f_old.keys() & f_new.keys()):
            where = f"{key} response:{name}"
            t_old, t_new = _type_label(old, f_old[name]), _type_label(new, f_new[name])
            if t_old != t_new:
                changes.append(Change("type", where, f"{t_old} -> {t_new}", True))
            e_old, e_new = _enum_values(old, f_old[name]), _enum_values(new, f_new[name])
            for value in sorted(e_new - e_old):
                # The tolerant-reader overlay keeps unknown response enum values as plain str.
                changes.append(Change("enum", where, f"value added: {value}", False))
            for value in sorted(e_old - e_new):
                changes.append(Change("enum", where, f"value removed: {value}", False))
    return changes


def format_report(changes: Sequence[Change]) -> str:
    if not changes:
        return "no API changes"
    breaking = sum(1 for c in changes if c.breaking)
    lines = [str(c) for c in changes]
    lines.append(f"{len(changes)} change(s), {breaking} breaking")
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def run(argv: Sequence[str] | None = None, output: Path = OUTPUT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--spec", default=str(SNAPSHOT), help="spec path or URL (default: snapshot)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when the client is stale")
    mode.add_argument("--report", action="store_true", help="print API changes; write nothing")
    parser.add_argument(
        "--output",
        type=Path,
        default=output,
        help="package folder to write (default: generated_client/ionworks_client); with another "
        "folder the committed snapshot is left alone",
    )
    parser.add_argument("--allow-unmatched", action="store_true")
    parser.add_argument("--fail-on-breaking", action="store_true")
    args = parser.parse_args(argv)
    output = args.output.resolve()

    try:
        overlays = overlay_files()
        new_spec = load_spec(args.spec)
        new_effective, unmatched = apply_overlays(new_spec, overlays)
        for item in unmatched:
            print(f"warning: {item}", file=sys.stderr)
        committed_effective, _ = apply_overlays(load_spec(SNAPSHOT), overlays)
        changes = diff_specs(committed_effective, new_effective)

        if args.report:
            print(format_report(changes))
            return 1 if args.fail_on_breaking and any(c.breaking for c in changes) else 0
        if unmatched and not args.allow_unmatched:
            print(
                f"{len(unmatched)} overlay action(s) matched nothing: the API changed under "
                "them. Fix the overlays, or pass --allow-unmatched.",
                file=sys.stderr,
            )
            return 3
        spec_bytes = (
            Path(args.spec).read_bytes()
            if Path(args.spec).exists()
            else canonical_json(new_spec).encode()
        )
        stamp = stamp_for(spec_bytes, overlays)
        if args.check:
            with tempfile.TemporaryDirectory(prefix="ionworks-check-") as tmp:
                fresh = Path(tmp) / PACKAGE_NAME
                generate(new_effective, stamp, fresh)
                differences = tree_differences(fresh, output)
            if differences:
                print(f"{_display(output)} is stale ({len(differences)} file(s)):")
                print("  " + "\n  ".join(differences))
                print("run: python scripts/regenerate.py")
                return 1
            print(f"{_display(output)} is up to date")
            return 0
        generate(new_effective, stamp, output)
        if output == OUTPUT.resolve() and Path(args.spec).resolve() != SNAPSHOT:
            # A new published spec becomes the committed snapshot (data as published).
            SNAPSHOT.write_bytes(spec_bytes)
        print(f"regenerated {_display(output)}")
        if changes:
            print(format_report(changes))
        return 1 if args.fail_on_breaking and any(c.breaking for c in changes) else 0
    except RegenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(run())
