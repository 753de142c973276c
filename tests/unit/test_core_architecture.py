"""ARCHITECTURE.md section 1, enforced: which module may import which, and nothing in the
repository points to a design document outside it."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "extensions" / "ionworks_toolkit"


def documented_layers() -> dict[str, int]:
    """ARCHITECTURE.md's layers, read from its drawing in section 1 (``  4 sessions
    session.py ...``, continuation lines indented under it): a module imports only from its
    own layer or lower ones. Names in parentheses are comments, not modules."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    drawing = text.split("## 1. Layers", 1)[1].split("```", 2)[1]
    layers: dict[str, int] = {}
    layer: int | None = None
    for line in drawing.splitlines():
        numbered = re.match(r"^  (\d) [a-z ]+?\s{2,}(.*)$", line)
        if numbered:
            layer, line = int(numbered.group(1)), numbered.group(2)
        elif not re.match(r"^ {10,}\S", line):
            layer = None
        if layer is None:
            continue
        line = re.sub(r"\([^)]*\)", "", line)
        for name in re.findall(r"(?<![\w.])(_{0,2}[a-z][a-z_]*_{0,2})(?:\.py\b|/)", line):
            layers[name] = layer
    return layers


LAYERS = documented_layers()


def test_the_drawing_names_each_layer_s_modules() -> None:
    """The layers as drawn (a module moved between layers is a design change: change both)."""
    drawn = documented_layers()
    assert drawn == {
        **dict.fromkeys(
            ["errors", "constants", "hookspecs", "_codec", "_collector", "_numbers"], 0
        ),
        **dict.fromkeys(
            [
                "pagination",
                "parsing",
                "projects",
                "parameters",
                "arguments",
                "filters",
                "settings",
                "sinks",
            ],
            1,
        ),
        **dict.fromkeys(["operations", "transport", "retries", "auth", "presets"], 2),
        **dict.fromkeys(["plugins", "export", "incremental", "frames", "_sigterm"], 3),
        **dict.fromkeys(["session", "bulk"], 4),
        **dict.fromkeys(["cli", "testing", "__init__"], 5),
        "_entry": 6,
    }


def top_module(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py") if len(relative.parts) > 1 else relative.stem


def runtime_imports(path: Path) -> set[str]:
    """Our top-level modules that ``path`` imports at run time (TYPE_CHECKING blocks skipped)."""
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    depth_of_file = len(path.relative_to(PACKAGE).parts)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        if node.level < depth_of_file:
            continue  # inside the same subpackage (sinks/_csv.py -> ._base)
        if node.module:
            found.add(node.module.split(".")[0])
        else:
            found |= {alias.name for alias in node.names}
    return found


def test_every_module_has_a_layer() -> None:
    modules = {top_module(p) for p in PACKAGE.rglob("*.py")} - {"sandbox"}
    assert modules == set(LAYERS)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PACKAGE.rglob("*.py") if top_module(p) != "sandbox"),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_imports_go_down_the_layers(path: Path) -> None:
    module = top_module(path)
    upward = sorted(m for m in runtime_imports(path) if LAYERS.get(m, -1) > LAYERS[module])
    assert upward == [], f"{module} (layer {LAYERS[module]}) imports {upward}"


def test_the_sandbox_imports_nothing_of_ours() -> None:
    for path in (PACKAGE / "sandbox").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                ours = node.level >= 2 or (node.module or "").startswith("ionworks_")
                assert not ours, f"{path} imports {'.' * node.level}{node.module}"
            if isinstance(node, ast.Import):
                assert not [a for a in node.names if a.name.startswith("ionworks_")], path


def test_sinks_know_nothing_about_http() -> None:
    for path in (PACKAGE / "sinks").rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        # (ionworks_client is read for its shipped spec, package data: columns come from it)
        assert not {n for n in names if n.split(".")[0] == "httpx"}, path


def test_nothing_points_to_a_design_document_outside_the_repository() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    offenders = []
    for name in filter(None, listed):
        path = ROOT / name.decode()
        text_file = path.suffix in {".py", ".md", ".yaml", ".yml", ".toml", ".txt"}
        if text_file and path.is_file() and "DESIGN" + ".md" in path.read_text(errors="replace"):
            offenders.append(name.decode())
    assert offenders == []
    assert (ROOT / "ARCHITECTURE.md").is_file()


def test_the_sessions_section_lists_every_public_verb() -> None:
    from ionworks_toolkit import AsyncToolkit, Toolkit

    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("### Sessions\n", 1)[1].split("On `AsyncToolkit`", 1)[0]
    listed = set(re.findall(r"`([a-z_]+)`", section.split("same verbs:", 1)[1]))
    lifecycle = {"client", "close", "aclose", "is_closed"}
    for cls in (Toolkit, AsyncToolkit):
        public = {name for name in dir(cls) if not name.startswith("_")} - lifecycle
        assert listed == public, cls.__name__


def test_the_constants_section_gives_every_constant_its_value() -> None:
    from ionworks_toolkit import constants

    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("### Constants\n", 1)[1].split("\n### ", 1)[0]
    listed = dict(re.findall(r"`([A-Z_]+)` \((\d+)", section))
    assert listed == {name: str(int(getattr(constants, name))) for name in constants.__all__}


def test_every_name_the_document_gives_is_in_the_code() -> None:
    """A `name` or `module.name` in ARCHITECTURE.md that no source file holds any more (a
    rename, a removal) is a document out of step with the code."""
    suffixes = {".py", ".jinja", ".yaml", ".json", ".toml"}
    sources = [ROOT / "noxfile.py", ROOT / "pyproject.toml"] + [
        path
        for folder in ("extensions", "generated_client", "scripts", "tests", "openapi")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in suffixes and path.is_file()
    ]
    code = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in sources)
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    names = {t.removesuffix("()") for t in re.findall(r"`([^`\s]+)`", text)}
    gone = sorted(
        name
        for name in names
        if re.fullmatch(r"[A-Za-z_][\w.]*", name) and name.split(".")[-1] not in code
    )
    assert gone == []
