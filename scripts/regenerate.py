"""Regenerate ``generated_client/ionworks_client`` from the OpenAPI snapshot plus our overlays.

Regeneration is a transaction; nothing is replaced until every step has passed:

1. **load** the spec (``--spec PATH|URL``, default: the snapshot ``openapi/ionworks.openapi.json``
   or ``.yaml``, whichever is committed). JSON or YAML is told from the content (and an URL's
   content type), never from the suffix; an HTML page or a document without ``openapi`` and
   ``paths`` is refused (exit 2).
2. **normalise** FastAPI's pydantic-v2 split schemas: ``X-Output`` becomes ``X`` and
   ``X-Input`` becomes ``XInput`` (keys, titles and every ``$ref``), so model names stay stable
   and overlays that target ``X`` keep working (see ``normalise_split_schemas``).
3. apply every ``openapi/overlays/*.yaml`` (OpenAPI Overlay 1.0) in file-name order; an action
   that matches nothing stops the run (exit 3, ``--allow-unmatched`` to go on).
4. **generate** with openapi-python-client (pinned; config ``openapi/generator.yaml``; templates
   ``openapi/templates``) into a temporary folder, in-process, so that every diagnostic it
   raises is seen: an unresolved ``$ref`` or any generator warning (a dropped model, endpoint or
   response type) stops the run (exit 4), naming the schema or operation.
5. format with ruff; add the overlaid spec (``openapi.json``) and a stamp (``_stamp.json``).
6. **check the candidate** in a subprocess whose PYTHONPATH points at it
   (``scripts/check_candidate.py``): the client and toolkit import, the CLI builds
   (``--help``, ``measurements list --help``, no click warnings), every built-in preset
   validates, the recorded seed-endpoint pages parse. Any failure: exit 5, naming the check.
7. **swap** the candidate in for the committed package (and a new ``--spec`` becomes the
   snapshot, stored byte for byte as published), then print the report.

Two runs in a row give byte-identical trees: nothing time- or machine-dependent is written.

Modes:
  (default)   the transaction above; prints ``regenerated <folder>`` and the report.
  --check     generate into a temporary folder and compare; exit 1 listing stale files.
  --report    print what changed between the committed client's spec (the overlaid
              ``openapi.json`` shipped in the package) and ``--spec`` with the current
              overlays, marking what breaks callers; nothing is written.

Exit codes: 0 ok; 1 stale client (``--check``) or breaking changes with ``--fail-on-breaking``;
2 bad input (unreadable or non-OpenAPI spec, malformed overlay, split-schema name clash);
3 an overlay action matched nothing; 4 the generator would drop part of the client; 5 the
candidate failed a check. With 2-5 the committed client and snapshot are left untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import filecmp
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonpath
import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_SUFFIXES = (".json", ".yaml", ".yml")
SNAPSHOT = ROOT / "openapi" / "ionworks.openapi.json"  # the committed form today: snapshot_path()
OVERLAY_DIR = ROOT / "openapi" / "overlays"
GENERATOR_CONFIG = ROOT / "openapi" / "generator.yaml"
TEMPLATES = ROOT / "openapi" / "templates"
CHECKER = ROOT / "scripts" / "check_candidate.py"
PACKAGE_NAME = "ionworks_client"
OUTPUT = ROOT / "generated_client" / PACKAGE_NAME
GENERATOR_VERSION = "0.29.1"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_REF = "#/components/schemas/"

EXIT_OK = 0
EXIT_STALE_OR_BREAKING = 1
EXIT_BAD_INPUT = 2
EXIT_UNMATCHED = 3
EXIT_GENERATOR = 4
EXIT_CHECK_FAILED = 5


class RegenerationError(Exception):
    """A step failed; ``exit_code`` is the documented exit code, the message names the input."""

    exit_code = EXIT_BAD_INPUT


class GeneratorProblem(RegenerationError):
    """The generator would drop a model, endpoint or response type (or a ``$ref`` dangles)."""

    exit_code = EXIT_GENERATOR


class CandidateCheckFailed(RegenerationError):
    """The freshly generated client failed a check; the committed one was not touched."""

    exit_code = EXIT_CHECK_FAILED


# --------------------------------------------------------------------------- loading


@dataclass
class LoadedSpec:
    """A spec as published: the parsed ``document``, its ``raw`` bytes and ``fmt`` (json/yaml)."""

    document: dict[str, Any]
    raw: bytes
    fmt: str
    name: str


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def parse_spec_bytes(raw: bytes, name: str, content_type: str = "") -> LoadedSpec:
    """Parse an OpenAPI document from its bytes; the format comes from content and content type.

    Raises RegenerationError (one line, naming ``name``) for an HTML page, text that is neither
    JSON nor YAML, or a document without ``openapi`` and ``paths``.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegenerationError(f"spec {name} is not UTF-8 text") from None
    head = text.lstrip()[:200].lower()
    mime = content_type.split(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml") or head.startswith(
        ("<!doctype", "<html", "<?xml", "<")
    ):
        raise RegenerationError(
            f"spec {name} is an HTML/XML page, not an OpenAPI document "
            "(a login or error page? check the URL)"
        )
    fmt = "json" if (mime.endswith("json") or head.startswith(("{", "["))) else "yaml"
    try:
        if fmt == "json":
            document = json.loads(text)
        else:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            document = yaml.load(text, Loader=loader)
    except (ValueError, yaml.YAMLError) as exc:
        raise RegenerationError(
            f"spec {name} is not valid {fmt.upper()}: {_one_line(exc)[:300]}"
        ) from None
    if not isinstance(document, dict):
        raise RegenerationError(
            f"spec {name} is not an OpenAPI document (a {type(document).__name__}, not a mapping)"
        )
    missing = [key for key in ("openapi", "paths") if key not in document]
    if missing:
        raise RegenerationError(
            f"spec {name} is not an OpenAPI document (no {' or '.join(map(repr, missing))} key)"
        )
    if not isinstance(document["paths"], dict):
        raise RegenerationError(f"spec {name} is not an OpenAPI document ('paths' is not a map)")
    return LoadedSpec(document, raw, fmt, name)


def read_spec(source: str | Path) -> LoadedSpec:
    """Read an OpenAPI document (JSON or YAML) from a path or an http(s) URL."""
    name = str(source)
    if name.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(name, timeout=30.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RegenerationError(f"cannot fetch spec {name}: {_one_line(exc)}") from exc
        return parse_spec_bytes(response.content, name, response.headers.get("content-type", ""))
    try:
        raw = Path(name).read_bytes()
    except OSError as exc:
        raise RegenerationError(f"cannot read spec {name}: {exc.strerror}") from exc
    return parse_spec_bytes(raw, name)


def load_spec(source: str | Path) -> dict[str, Any]:
    """The parsed document of ``read_spec(source)``."""
    return read_spec(source).document


def snapshot_path(root: Path = ROOT) -> Path:
    """The committed snapshot, in whichever format it was published (``.json``/``.yaml``).

    Raises RegenerationError when there is none, or more than one.
    """
    candidates = [root / "openapi" / f"ionworks.openapi{s}" for s in SNAPSHOT_SUFFIXES]
    found = [path for path in candidates if path.exists()]
    if len(found) != 1:
        listed = ", ".join(str(p.relative_to(root)) for p in found) or "none"
        raise RegenerationError(f"expected exactly one openapi/ionworks.openapi.* ({listed})")
    return found[0]


def overlay_files(directory: Path = OVERLAY_DIR) -> list[Path]:
    """Overlay documents, applied in file-name order."""
    return sorted(directory.glob("*.yaml"))


# --------------------------------------------------------------------------- normalisation


@dataclass(frozen=True)
class SchemaRename:
    """A schema key the normalisation step changed (``CellInstance-Output`` -> ``CellInstance``)."""

    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.old} -> {self.new}"


SPLIT_SUFFIXES = (("-Output", ""), ("-Input", "Input"))


def _rewrite_refs(node: Any, mapping: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF):
                name = value[len(SCHEMA_REF) :]
                value = SCHEMA_REF + mapping.get(name, name)
            out[key] = _rewrite_refs(value, mapping)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, mapping) for item in node]
    return node


def normalise_split_schemas(spec: dict[str, Any]) -> tuple[dict[str, Any], list[SchemaRename]]:
    """Give FastAPI's pydantic-v2 ``X-Input``/``X-Output`` schemas stable, distinct names.

    FastAPI publishes a model whose validation and serialisation schemas differ twice, as
    ``X-Input`` and ``X-Output``, both titled ``X`` (the generator would build two classes
    ``X`` and drop one). Rule: ``X-Output`` -> ``X`` (responses are what callers read, and what
    overlays and the toolkit name), ``X-Input`` -> ``XInput``; titles and every
    ``#/components/schemas/...`` ``$ref`` follow. Only schemas titled ``X`` (or untitled) are
    touched. Returns a new document and the renames, sorted by old name.

    Raises RegenerationError naming both schemas when a new name is already taken.
    """
    schemas = (spec.get("components") or {}).get("schemas") or {}
    mapping: dict[str, str] = {}
    for name, schema in schemas.items():
        for suffix, replacement in SPLIT_SUFFIXES:
            if not name.endswith(suffix) or len(name) == len(suffix):
                continue
            base = name[: -len(suffix)]
            title = schema.get("title") if isinstance(schema, dict) else None
            if title in (None, base, name):
                mapping[name] = base + replacement
    if not mapping:
        return spec, []
    taken = {n for n in schemas if n not in mapping}
    seen: dict[str, str] = {}
    for old, new in sorted(mapping.items()):
        if new in taken or new in seen:
            other = new if new in taken else seen[new]
            raise RegenerationError(
                f"split schema {old} would be named {new}, but {other} already has that name; "
                "rename one in an overlay-free way (ask the API team) or drop the old schema"
            )
        seen[new] = old
    document = _rewrite_refs(spec, mapping)
    renamed: dict[str, Any] = {}
    for name, schema in document["components"]["schemas"].items():
        new = mapping.get(name, name)
        if new != name and isinstance(schema, dict) and "title" in schema:
            schema = {**schema, "title": new}
        renamed[new] = schema
    document["components"]["schemas"] = renamed
    return document, [SchemaRename(old, new) for old, new in sorted(mapping.items())]


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


@dataclass(frozen=True)
class OverlayNote:
    """What an update action does to one matched node (``pointer``, a JSONPath): ``target``
    (``published`` is the node before the update), ``obsolete`` (the spec already says exactly
    this) or ``override`` (it replaces the published value ``published``)."""

    overlay: str
    index: int
    target: str
    kind: str
    pointer: str
    published: str


def _short(value: Any, width: int = 100) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


def _merge(target: Any, update: Any) -> Any:
    """Overlay 1.0 update: objects merge recursively, arrays concatenate, scalars replace."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = _merge(target[key], value) if key in target else copy.deepcopy(value)
        return target
    if isinstance(target, list):
        return target + (copy.deepcopy(update) if isinstance(update, list) else [update])
    return copy.deepcopy(update)


def _adds_nothing(target: Any, update: Any) -> bool:
    """Whether an Overlay update would leave ``target`` as the spec already has it (objects:
    every key already so; arrays: every item already there; scalars: equal)."""
    if isinstance(target, dict) and isinstance(update, dict):
        return all(k in target and _adds_nothing(target[k], v) for k, v in update.items())
    if isinstance(target, list):
        return all(item in target for item in (update if isinstance(update, list) else [update]))
    return bool(target == update)


def _overridden(target: Any, update: Any, parts: tuple[Any, ...]) -> Iterator[tuple[str, Any]]:
    """(JSONPath, published value) of every non-empty value ``update`` would replace."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            if key in target:
                yield from _overridden(target[key], value, (*parts, key))
        return
    if isinstance(target, list) or target in (None, {}, "", []):
        return
    if target != update:
        yield jsonpath_of(parts), target


def _resolve(document: Any, parts: Sequence[Any]) -> Any:
    node = document
    for part in parts:
        node = node[part]
    return node


def apply_overlay(
    document: dict[str, Any],
    overlay: dict[str, Any],
    overlay_name: str,
    notes: list[OverlayNote] | None = None,
) -> list[UnmatchedAction]:
    """Apply one Overlay 1.0 document in place; return the actions that matched nothing.

    ``notes``, when given, collects an OverlayNote for each update that changes nothing
    (obsolete) or replaces a published value (override).

    Raises RegenerationError when the overlay is malformed (no ``overlay`` version, an action
    without ``target`` or ``description``, or with neither ``update`` nor ``remove``).
    """
    if not isinstance(overlay, dict) or not str(overlay.get("overlay", "")).startswith("1."):
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
            # Deepest and highest list index first, so earlier indices stay valid.
            ordered = sorted(matches, key=lambda p: [(isinstance(x, str), x) for x in p])
            for parts in reversed(ordered):
                parent = _resolve(document, parts[:-1])
                del parent[parts[-1]]
            continue
        for parts in matches:
            node = _resolve(document, parts)
            pointer = jsonpath_of(parts)
            if notes is not None:
                before = copy.deepcopy(node)
                shown = _short(before)
                notes.append(OverlayNote(overlay_name, index, target, "target", pointer, shown))
                for where, published in _overridden(node, action["update"], tuple(parts)):
                    notes.append(
                        OverlayNote(
                            overlay_name,
                            index,
                            target,
                            "override",
                            where,
                            _short(published),
                        )
                    )
            if not parts:
                _merge(document, action["update"])
            else:
                parent = _resolve(document, parts[:-1])
                parent[parts[-1]] = _merge(parent[parts[-1]], action["update"])
            if notes is not None and _adds_nothing(before, action["update"]):
                notes.append(OverlayNote(overlay_name, index, target, "obsolete", pointer, ""))
    return unmatched


def _read_overlay(path: Path) -> dict[str, Any]:
    try:
        overlay = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RegenerationError(f"cannot read overlay {path.name}: {_one_line(exc)}") from exc
    return overlay


def apply_overlays(
    spec: dict[str, Any], overlays: Sequence[Path], notes: list[OverlayNote] | None = None
) -> tuple[dict[str, Any], list[UnmatchedAction]]:
    """Return a deep copy of ``spec`` with every overlay applied, and all unmatched actions."""
    document = copy.deepcopy(spec)
    unmatched: list[UnmatchedAction] = []
    for path in overlays:
        unmatched += apply_overlay(document, _read_overlay(path), path.name, notes)
    return document, unmatched


@dataclass
class Prepared:
    """A spec taken through normalisation and overlays: what the generator is given."""

    effective: dict[str, Any]
    renames: list[SchemaRename]
    unmatched: list[UnmatchedAction]
    notes: list[OverlayNote] = field(default_factory=list)


def prepare(raw_spec: dict[str, Any], overlays: Sequence[Path]) -> Prepared:
    """Normalise split schemas, then apply ``overlays`` (recording overlay notes)."""
    normalised, renames = normalise_split_schemas(raw_spec)
    notes: list[OverlayNote] = []
    effective, unmatched = apply_overlays(normalised, overlays, notes)
    return Prepared(effective, renames, unmatched, notes)


# --------------------------------------------------------------------------- generation


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _template_files() -> list[Path]:
    if not TEMPLATES.is_dir():
        return []
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file())


def stamp_for(spec_bytes: bytes, overlays: Sequence[Path]) -> dict[str, Any]:
    """The provenance stamp written beside the generated code (no timestamps: deterministic)."""
    stamp: dict[str, Any] = {
        "generator": {"name": "openapi-python-client", "version": GENERATOR_VERSION},
        "spec_sha256": sha256_bytes(spec_bytes),
        "overlays": {p.name: sha256_bytes(p.read_bytes()) for p in overlays},
        "generator_config_sha256": sha256_bytes(GENERATOR_CONFIG.read_bytes()),
    }
    templates = _template_files()
    if templates:
        stamp["templates"] = {
            str(p.relative_to(TEMPLATES)): sha256_bytes(p.read_bytes()) for p in templates
        }
    return stamp


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


def jsonpath_of(parts: Sequence[Any]) -> str:
    """A JSONPath for a node, as overlay targets spell it: ``$.paths['/projects'].get``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).isidentifier():
            out += f".{part}"
        else:
            out += "['" + str(part).replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def _refs(node: Any, parts: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path parts of the holder, ref) of every ``$ref`` under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield parts, value
            else:
                yield from _refs(value, (*parts, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, (*parts, index))


def dangling_refs(spec: dict[str, Any]) -> list[str]:
    """``"<ref> (at <JSONPath>)"`` for every local ``$ref`` that points at nothing."""
    problems = []
    for parts, ref in _refs(spec):
        if not ref.startswith("#/"):
            continue
        node: Any = spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                problems.append(f"{ref} (at {jsonpath_of(parts)})")
                break
            node = node[part]
    return problems


def _describe_generator_error(error: Any) -> str:
    """One readable line for an openapi-python-client GeneratorError."""
    header = _one_line(error.header or "")
    detail = _one_line(error.detail or "")
    # 0.29.1 prints "status code <UntrustedString object at 0x...>": drop the object repr.
    if "<openapi_python_client" in detail:
        detail = detail.split("<openapi_python_client")[0].rstrip() + detail.split(">", 1)[-1]
    data = getattr(error, "data", None)
    shown = ""
    if data is not None and hasattr(data, "model_dump"):
        dumped = data.model_dump(mode="json", exclude_unset=True, by_alias=True)
        shown = " " + json.dumps(dumped, sort_keys=True)[:200]
    return f"{header} {detail}{shown}".strip()


def generate(effective_spec: dict[str, Any], stamp: dict[str, Any], destination: Path) -> None:
    """Run openapi-python-client on the overlaid spec; write the formatted package.

    ``destination`` must not exist yet (callers generate into a temporary folder). Raises
    GeneratorProblem when a ``$ref`` dangles or the generator reports any warning or error:
    each of them means a model, an endpoint or a response type would be missing.
    """
    _check_generator_version()
    dangling = dangling_refs(effective_spec)
    if dangling:
        raise GeneratorProblem(
            f"{len(dangling)} $ref(s) point at nothing, so the generator would drop what uses "
            "them:\n  " + "\n  ".join(dangling)
        )
    from openapi_python_client import MetaType
    from openapi_python_client import generate as run_generator
    from openapi_python_client.config import Config, ConfigFile

    with tempfile.TemporaryDirectory(prefix="ionworks-regen-") as tmp:
        tmp_path = Path(tmp)
        spec_path = tmp_path / "openapi.json"
        spec_path.write_text(canonical_json(effective_spec), encoding="utf-8")
        out = tmp_path / PACKAGE_NAME
        # The one place the generator is invoked (its options: config file, templates).
        config = Config.from_sources(
            ConfigFile.load_from_path(GENERATOR_CONFIG),
            MetaType.NONE,
            spec_path,
            "utf-8",
            True,
            output_path=out,
        )
        chatter = io.StringIO()
        with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
            errors = run_generator(
                config=config, custom_template_path=TEMPLATES if TEMPLATES.is_dir() else None
            )
        if errors or not out.is_dir():
            lines = [_describe_generator_error(e) for e in errors] or [chatter.getvalue()]
            raise GeneratorProblem(
                f"openapi-python-client reported {len(lines)} problem(s); the client would "
                "lose these pieces:\n  " + "\n  ".join(lines)
            )
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
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out, destination)


def check_candidate(candidate: Path) -> None:
    """Run ``scripts/check_candidate.py`` against ``candidate`` (a generated package folder).

    The subprocess sees the candidate first on PYTHONPATH, then this checkout's ``extensions``.
    Raises CandidateCheckFailed with the checker's lines (``check <name> failed: ...``).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("IONWORKS_")}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(candidate.parent), str(ROOT / "extensions"), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with tempfile.TemporaryDirectory(prefix="ionworks-check-cwd-") as cwd:
        result = subprocess.run(
            [sys.executable, str(CHECKER), "--package", str(candidate), "--root", str(ROOT)],
            capture_output=True,
            text=True,
            check=False,
            cwd=cwd,
            env=env,
            timeout=300,
        )
    if result.returncode != 0:
        text = (result.stdout + result.stderr).strip() or f"exit {result.returncode}"
        raise CandidateCheckFailed("the regenerated client failed its checks:\n" + text)


def swap_in(candidate: Path, destination: Path) -> None:
    """Replace ``destination`` by ``candidate`` with renames in the same folder; on failure the
    previous package is put back."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staged = destination.with_name(f".{destination.name}.new")
    retired = destination.with_name(f".{destination.name}.old")
    for leftover in (staged, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(candidate, staged)
    had_previous = destination.exists()
    if had_previous:
        destination.rename(retired)
    try:
        staged.rename(destination)
    except OSError:
        if had_previous:
            retired.rename(destination)
        raise
    if had_previous:
        shutil.rmtree(retired)


def store_snapshot(loaded: LoadedSpec, root: Path = ROOT) -> Path:
    """Write the published bytes as the snapshot (suffix from its format), atomically; remove a
    snapshot of the other format. Returns the path written."""
    target = root / "openapi" / f"ionworks.openapi.{loaded.fmt}"
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(loaded.raw)
    os.replace(partial, target)
    for suffix in SNAPSHOT_SUFFIXES:
        other = root / "openapi" / f"ionworks.openapi{suffix}"
        if other != target and other.exists():
            other.unlink()
    return target


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
    """One difference between two API versions, as a caller of the client sees it.

    ``kind``: operation, operation-id, parameter, request, response, field, required,
    nullable, type, enum, schema, overlay.
    """

    kind: str
    where: str
    detail: str
    breaking: bool

    def __str__(self) -> str:
        mark = "BREAKING" if self.breaking else "ok"
        return f"[{mark}] {self.kind} {self.where}: {self.detail}"


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield f"{method.upper()} {path}", item[method]


def _local(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref[2:].split("/"):
        if not isinstance(node, dict):
            return {}
        node = node.get(part.replace("~1", "/").replace("~0", "~"), {})
    return node


def _deref(spec: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> Any:
    if isinstance(schema, dict) and "$ref" in schema and schema["$ref"] not in seen:
        return _deref(spec, _local(spec, schema["$ref"]), seen | {schema["$ref"]})
    return schema


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(SCHEMA_REF):
        return str(schema["$ref"])[len(SCHEMA_REF) :]
    return None


def _members(schema: dict[str, Any]) -> list[Any]:
    return list(schema.get("anyOf") or []) + list(schema.get("oneOf") or [])


def _type_set(spec: dict[str, Any], schema: Any) -> frozenset[str]:
    """The alternatives a value may take: schema names for ``$ref``s to components, else
    ``string``, ``integer``, ``string:date-time``, ``array<X>``, ``object``, ``null``, ``any``."""
    name = _ref_name(schema)
    if name is not None:
        return frozenset([name])
    if not isinstance(schema, dict):
        return frozenset(["any"])
    if "$ref" in schema:
        return _type_set(spec, _deref(spec, schema))
    members = _members(schema)
    if members:
        out: set[str] = set()
        for member in members:
            out |= _type_set(spec, member)
        return frozenset(out)
    if "allOf" in schema:
        return frozenset(
            ["&".join(sorted("|".join(sorted(_type_set(spec, m))) for m in schema["allOf"]))]
        )
    kind = schema.get("type", "object" if "properties" in schema else "any")
    kinds = kind if isinstance(kind, list) else [kind]
    out = set()
    for k in kinds:
        if k == "array":
            out.add(f"array<{'|'.join(sorted(_type_set(spec, schema.get('items', {}))))}>")
        elif schema.get("format") and k != "null":
            out.add(f"{k}:{schema['format']}")
        else:
            out.add(str(k))
    return frozenset(out)


def _label(types: frozenset[str]) -> str:
    return "|".join(sorted(types))


def _enum_values(spec: dict[str, Any], schema: Any) -> set[str]:
    if _ref_name(schema) is not None:
        return set()  # the enum schema itself is compared once, by name
    schema = _deref(spec, schema)
    if not isinstance(schema, dict):
        return set()
    values = {str(v) for v in schema.get("enum", []) if v is not None}
    for member in [*_members(schema), *(schema.get("allOf") or [])]:
        values |= _enum_values(spec, member)
    return values


@dataclass(frozen=True)
class FieldInfo:
    schema: Any
    required: bool


def _object_branch(spec: dict[str, Any], schema: Any) -> Any:
    """The inline object schema inside ``anyOf [X, null]`` / ``array<X>`` (None when X is a
    component: that one is compared once, under its own name)."""
    if _ref_name(schema) is not None or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return _object_branch(spec, _deref(spec, schema))
    if schema.get("type") == "array":
        return _object_branch(spec, schema.get("items", {}))
    members = [m for m in _members(schema) if not (isinstance(m, dict) and m.get("type") == "null")]
    if len(members) == 1:
        return _object_branch(spec, members[0])
    if "properties" in schema or "allOf" in schema:
        return schema
    return None


def _fields(spec: dict[str, Any], schema: Any, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """``{dotted.field: FieldInfo}`` of an inline object schema; descends into inline objects
    (through ``anyOf [X, null]`` and arrays), stops at component ``$ref``s."""
    out: dict[str, FieldInfo] = {}
    if not isinstance(schema, dict) or depth > 6:
        return out
    for member in schema.get("allOf") or []:
        if _ref_name(member) is None:
            out.update(_fields(spec, _deref(spec, member), prefix, depth))
    required = set(schema.get("required") or [])
    for name, prop in (schema.get("properties") or {}).items():
        out[prefix + name] = FieldInfo(prop, name in required)
        branch = _object_branch(spec, prop)
        if branch is not None:
            out.update(_fields(spec, branch, f"{prefix}{name}.", depth + 1))
    return out


def _compare_types(
    where: str, old: frozenset[str], new: frozenset[str], directions: set[str], kind: str = "type"
) -> list[Change]:
    if old == new:
        return []
    if old - {"null"} == new - {"null"}:
        if "null" in new:
            return [Change("nullable", where, "became nullable", "response" in directions)]
        return [Change("nullable", where, "no longer nullable", "request" in directions)]
    if old == {"any"}:
        return [Change(kind, where, f"any -> {_label(new)}", False)]
    return [Change(kind, where, f"{_label(old)} -> {_label(new)}", True)]


def _compare_fields(
    old_spec: dict[str, Any],
    new_spec: dict[str, Any],
    where: str,
    old: dict[str, FieldInfo],
    new: dict[str, FieldInfo],
    directions: set[str],
    sep: str = ".",
) -> list[Change]:
    """Field-by-field changes; ``directions`` ({"request", "response"}) decides what breaks.
    Fields are named ``<where><sep><dotted.name>``."""
    changes: list[Change] = []
    in_request = "request" in directions
    in_response = "response" in directions
    for name in sorted(old.keys() - new.keys()):
        changes.append(Change("field", f"{where}{sep}{name}", "removed", True))
    for name in sorted(new.keys() - old.keys()):
        required = new[name].required
        detail = "added (required)" if required else "added"
        changes.append(Change("field", f"{where}{sep}{name}", detail, required and in_request))
    for name in sorted(old.keys() & new.keys()):
        at = f"{where}{sep}{name}"
        before, after = old[name], new[name]
        changes += _compare_types(
            at, _type_set(old_spec, before.schema), _type_set(new_spec, after.schema), directions
        )
        if not before.required and after.required:
            changes.append(Change("required", at, "became required", in_request))
        if before.required and not after.required:
            changes.append(Change("required", at, "no longer required", in_response))
        e_old, e_new = _enum_values(old_spec, before.schema), _enum_values(new_spec, after.schema)
        for value in sorted(e_new - e_old):
            changes.append(Change("enum", at, f"value added: {value}", False))
        for value in sorted(e_old - e_new):
            changes.append(Change("enum", at, f"value removed: {value}", in_request))
    return changes


_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


def _bounds(spec: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Value constraints of a parameter schema (through ``anyOf [X, null]`` and ``$ref``)."""
    schema = _deref(spec, schema)
    if not isinstance(schema, dict):
        return {}
    out = {k: schema[k] for k in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "pattern") if k in schema}
    for member in _members(schema):
        out.update(_bounds(spec, member))
    return out


def _compare_bounds(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """A tightened constraint breaks callers that sent what is now refused; a looser one not."""
    changes = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "pattern":
            tighter = after is not None
        elif before is None or after is None:
            tighter = before is None
        else:
            tighter = after > before if key in _LOWER_BOUNDS else after < before
        shown = ["unset" if v is None else str(v) for v in (before, after)]
        detail = f"{key} {shown[0]} -> {shown[1]}"
        changes.append(Change("constraint", where, detail, tighter))
    return changes


def _parameters(spec: dict[str, Any], operation: dict[str, Any]) -> dict[tuple[str, str], Any]:
    out = {}
    for parameter in operation.get("parameters") or []:
        parameter = _deref(spec, parameter)
        if isinstance(parameter, dict) and "name" in parameter:
            out[(str(parameter.get("in")), str(parameter["name"]))] = parameter
    return out


def _body_schema(spec: dict[str, Any], holder: Any) -> Any:
    holder = _deref(spec, holder)
    if not isinstance(holder, dict):
        return None
    content = holder.get("content") or {}
    for media in ("application/json", *content):
        if media in content:
            return (content[media] or {}).get("schema", {})
    return None


def _success_schema(spec: dict[str, Any], operation: dict[str, Any]) -> Any:
    responses = operation.get("responses") or {}
    for status in sorted(responses):
        if status.startswith("2"):
            return _body_schema(spec, responses[status]) or {}
    return {}


def schema_usage(spec: dict[str, Any]) -> dict[str, set[str]]:
    """``{schema name: {"request", "response"}}``: where each component schema is reachable
    from (parameters and request bodies are requests; responses are responses)."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    usage: dict[str, set[str]] = {}

    def visit(node: Any, direction: str) -> None:
        for _, ref in _refs(node):
            if not ref.startswith(SCHEMA_REF):
                continue
            name = ref[len(SCHEMA_REF) :]
            if direction in usage.setdefault(name, set()):
                continue
            usage[name].add(direction)
            if name in schemas:
                visit(schemas[name], direction)

    for _, operation in _operations(spec):
        visit([_deref(spec, p) for p in operation.get("parameters") or []], "request")
        visit(_deref(spec, operation.get("requestBody") or {}), "request")
        visit(
            {k: _deref(spec, v) for k, v in (operation.get("responses") or {}).items()}, "response"
        )
    return usage


def _included(schema: Any) -> set[str]:
    """Names of the component schemas an ``allOf`` includes."""
    members = schema.get("allOf") or [] if isinstance(schema, dict) else []
    return {name for name in map(_ref_name, members) if name}


def _diff_schemas(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    usage_old, usage_new = schema_usage(old), schema_usage(new)
    changes: list[Change] = []
    for name in sorted(old_schemas.keys() - new_schemas.keys()):
        changes.append(Change("schema", name, "removed", bool(usage_old.get(name))))
    for name in sorted(new_schemas.keys() - old_schemas.keys()):
        changes.append(Change("schema", name, "added", False))
    for name in sorted(old_schemas.keys() & new_schemas.keys()):
        before, after = old_schemas[name], new_schemas[name]
        directions = usage_old.get(name, set()) | usage_new.get(name, set())
        e_old, e_new = _enum_values(old, before), _enum_values(new, after)
        for value in sorted(e_new - e_old):
            changes.append(Change("enum", name, f"value added: {value}", False))
        for value in sorted(e_old - e_new):
            changes.append(Change("enum", name, f"value removed: {value}", "request" in directions))
        s_old, s_new = _included(before), _included(after)
        for base in sorted(s_old - s_new):
            changes.append(Change("schema", name, f"no longer includes {base}", True))
        for base in sorted(s_new - s_old):
            changes.append(Change("schema", name, f"now includes {base}", False))
        changes += _compare_fields(
            old, new, name, _fields(old, before), _fields(new, after), directions
        )
    return changes


def _diff_body(
    old: dict[str, Any], new: dict[str, Any], key: str, s_old: Any, s_new: Any, direction: str
) -> list[Change]:
    """Compare one request or response body of operation ``key``: its type, then its inline
    fields (``<key> response:items.count``); components are compared once, by name."""
    t_old, t_new = _type_set(old, s_old), _type_set(new, s_new)
    if t_old != t_new:
        return _compare_types(key, t_old, t_new, {direction}, direction)
    f_old = _fields(old, _object_branch(old, s_old) or {})
    f_new = _fields(new, _object_branch(new, s_new) or {})
    return _compare_fields(old, new, f"{key} {direction}", f_old, f_new, {direction}, ":")


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed for a caller between two (overlaid) specs, breaking changes marked.

    Operations first (added/removed, operation ids, parameters, request and response bodies),
    then component schemas, each compared once by name (fields, ``required`` both ways,
    nullability, types, enum values). Breaking: a removed operation, parameter, schema or field;
    a new required parameter or request field; a request field or parameter that became
    required; a response field that may now be absent or null; a type change; an enum value a
    request can no longer send.
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
        old_params, new_params = _parameters(old, before), _parameters(new, after)
        for loc, name in sorted(old_params.keys() - new_params.keys()):
            changes.append(Change("parameter", f"{key} {loc}:{name}", "removed", True))
        for loc, name in sorted(new_params.keys() - old_params.keys()):
            required = bool(new_params[(loc, name)].get("required"))
            detail = "added (required)" if required else "added (optional)"
            changes.append(Change("parameter", f"{key} {loc}:{name}", detail, required))
        for loc, name in sorted(old_params.keys() & new_params.keys()):
            where = f"{key} {loc}:{name}"
            p_old, p_new = old_params[(loc, name)], new_params[(loc, name)]
            changes += _compare_types(
                where,
                _type_set(old, p_old.get("schema")),
                _type_set(new, p_new.get("schema")),
                {"request"},
            )
            e_old = _enum_values(old, p_old.get("schema"))
            e_new = _enum_values(new, p_new.get("schema"))
            for value in sorted(e_new - e_old):
                changes.append(Change("enum", where, f"value added: {value}", False))
            for value in sorted(e_old - e_new):
                changes.append(Change("enum", where, f"value removed: {value}", True))
            if not p_old.get("required") and p_new.get("required"):
                changes.append(Change("parameter", where, "now required", True))
            changes += _compare_bounds(
                where, _bounds(old, p_old.get("schema")), _bounds(new, p_new.get("schema"))
            )
        b_old = _body_schema(old, before.get("requestBody"))
        b_new = _body_schema(new, after.get("requestBody"))
        if b_old is None and b_new is not None:
            required = bool(_deref(new, after.get("requestBody")).get("required"))
            detail = "body added (required)" if required else "body added"
            changes.append(Change("request", key, detail, required))
        elif b_old is not None and b_new is None:
            changes.append(Change("request", key, "body removed", True))
        elif b_old is not None:
            changes += _diff_body(old, new, key, b_old, b_new, "request")
        s_old, s_new = _success_schema(old, before), _success_schema(new, after)
        changes += _diff_body(old, new, key, s_old, s_new, "response")
        codes_old = set(before.get("responses") or {})
        codes_new = set(after.get("responses") or {})
        if codes_new - codes_old:
            added = ", ".join(sorted(codes_new - codes_old))
            changes.append(Change("response", key, f"now declares {added}", False))
        if codes_old - codes_new:
            dropped = ", ".join(sorted(codes_old - codes_new))
            changes.append(Change("response", key, f"no longer declares {dropped}", False))
    return changes + _diff_schemas(old, new)


def overlay_changes(committed: Prepared | None, new: Prepared) -> list[Change]:
    """Report lines for overlays: actions that matched nothing, and actions the new spec makes
    obsolete or overrides (compared with what they did to the committed snapshot)."""
    changes = [
        Change("overlay", f"{u.overlay} action {u.index}", f"matched nothing: {u.target}", True)
        for u in new.unmatched
    ]
    before = {
        (n.overlay, n.index, n.kind, n.pointer): n.published
        for n in (committed.notes if committed is not None else [])
    }
    reported: set[tuple[str, int]] = set()
    for note in sorted(new.notes, key=lambda n: (n.overlay, n.index, n.pointer)):
        key = (note.overlay, note.index, note.kind, note.pointer)
        if note.kind == "target" or (key in before and before[key] == note.published):
            continue
        where = f"{note.overlay} action {note.index}"
        reported.add((note.overlay, note.index))
        if note.kind == "obsolete":
            detail = f"obsolete: the spec now says this itself at {note.pointer}; retire the action"
        elif key in before:
            detail = (
                f"the value it overrides at {note.pointer} is now published as {note.published}"
                f" (was {before[key]})"
            )
        else:
            detail = (
                f"overrides what the spec now publishes at {note.pointer}: {note.published}; "
                "retire the action if the published value is right"
            )
        changes.append(Change("overlay", where, detail, False))
    for note in sorted(new.notes, key=lambda n: (n.overlay, n.index, n.pointer)):
        key = (note.overlay, note.index, "target", note.pointer)
        if (
            note.kind == "target"
            and (note.overlay, note.index) not in reported
            and before.get(key) in ("{}", "null", '""', "[]")
            and note.published not in ("{}", "null", '""', "[]")
        ):
            reported.add((note.overlay, note.index))
            changes.append(
                Change(
                    "overlay",
                    f"{note.overlay} action {note.index}",
                    f"the spec now publishes its own value at {note.pointer}: {note.published};"
                    " check it and retire the action",
                    False,
                )
            )
    return changes


def rename_changes(renames: Sequence[SchemaRename]) -> list[Change]:
    return [
        Change("schema", r.old, f"renamed {r.new} (FastAPI input/output split)", False)
        for r in renames
    ]


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


def _committed_spec(output: Path) -> dict[str, Any] | None:
    """The overlaid spec the package at ``output`` was built from (None when there is none)."""
    path = output / "openapi.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def run(argv: Sequence[str] | None = None, output: Path = OUTPUT) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="exit codes: 0 ok, 1 stale/breaking, 2 bad input, 3 unmatched overlay action, "
        "4 generator would drop pieces, 5 candidate check failed",
    )
    parser.add_argument("--spec", help="spec path or URL (default: the committed snapshot)")
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
        current = snapshot_path()
        loaded = read_spec(args.spec or current)
        new = prepare(loaded.document, overlays)
        for item in new.unmatched:
            print(f"warning: {item}", file=sys.stderr)
        baseline = _committed_spec(output)
        committed = prepare(load_spec(current), overlays)
        changes = rename_changes(new.renames)
        changes += diff_specs(
            baseline if baseline is not None else committed.effective, new.effective
        )
        changes += overlay_changes(committed, new)
        breaking = any(c.breaking for c in changes)

        if args.report:
            print(format_report(changes))
            return EXIT_STALE_OR_BREAKING if args.fail_on_breaking and breaking else EXIT_OK
        if new.unmatched and not args.allow_unmatched:
            print(
                f"{len(new.unmatched)} overlay action(s) matched nothing: the API changed under "
                "them. Fix the overlays, or pass --allow-unmatched.",
                file=sys.stderr,
            )
            return EXIT_UNMATCHED
        stamp = stamp_for(loaded.raw, overlays)
        with tempfile.TemporaryDirectory(prefix="ionworks-candidate-") as tmp:
            candidate = Path(tmp) / PACKAGE_NAME
            generate(new.effective, stamp, candidate)
            if args.check:
                differences = tree_differences(candidate, output)
                if differences:
                    print(f"{_display(output)} is stale ({len(differences)} file(s)):")
                    print("  " + "\n  ".join(differences))
                    print("run: python scripts/regenerate.py")
                    return EXIT_STALE_OR_BREAKING
                print(f"{_display(output)} is up to date")
                return EXIT_OK
            check_candidate(candidate)
            swap_in(candidate, output)
        if output == OUTPUT.resolve() and (
            args.spec is not None and Path(args.spec).resolve() != current.resolve()
        ):
            # A new published spec becomes the committed snapshot (data as published).
            store_snapshot(loaded)
        print(f"regenerated {_display(output)}")
        if changes:
            print(format_report(changes))
        return EXIT_STALE_OR_BREAKING if args.fail_on_breaking and breaking else EXIT_OK
    except RegenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if not (args.report or args.check):
            print(f"nothing was replaced: {_display(output)} is as it was", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(run())
