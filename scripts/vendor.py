"""Vendor ``ionworks_client`` (and optionally ``ionworks_toolkit``) into a partner's package.

Partners who cannot depend on our distribution copy the packages into their own tree
(the README's Vendoring section; ARCHITECTURE.md section 1)::

    python scripts/vendor.py path/to/src --package acme_lab._vendor --with-toolkit
    python scripts/vendor.py path/to/src --package acme_lab._vendor --check

The first writes ``path/to/src/acme_lab/_vendor/ionworks_client/`` (and ``.../ionworks_toolkit/``)
plus ``path/to/src/acme_lab/_vendor/VENDORED.json``; partner code then imports
``from acme_lab._vendor import ionworks_toolkit``.

What is copied:

* ``ionworks_client``: every file (``openapi.json``, ``_stamp.json`` and ``py.typed`` are package
  data and are copied byte for byte).
* ``ionworks_toolkit`` (``--with-toolkit``): every file except ``sandbox/`` (the offline test API:
  FastAPI, uvicorn and a data set), ``testing/`` (the pytest plugin over the sandbox) and
  ``cli.py`` (the command line needs click and rich). The
  vendored toolkit is the Python API only. Importing it and building a ``Toolkit`` need httpx,
  attrs and pluggy; sending requests also needs httpx-retries (imported when the HTTP client is
  built), reading a ``.env`` file needs python-dotenv, the ``table:`` sink rich and the
  ``parquet:`` sink pyarrow (each imported only when used). orjson and msgspec are optional:
  JSON writing (jsonl lines, JSON columns) uses orjson and response parsing uses msgspec when
  installed, the standard library otherwise (same values).
* ``__pycache__`` folders and compiled files are never copied.

Every *absolute* import of a vendored package, anywhere in a file (module level, inside
``if TYPE_CHECKING:``, in function bodies), is rewritten to live under the prefix. Imports are
located with :mod:`ast` and the exact source positions of their dotted names come from
:mod:`tokenize`; the new text is spliced in at those positions, so nothing else in the file
changes (no regular expressions over source text, strings and comments are never touched).
The name an import binds is kept (``P`` = ``acme_lab._vendor``)::

    import ionworks_client                -> import P.ionworks_client as ionworks_client
    import ionworks_client.api as api     -> import P.ionworks_client.api as api
    from ionworks_client.models import X  -> from P.ionworks_client.models import X
    import ionworks_client.types          -> import P.ionworks_client.types as ionworks_client,
                                                    P.ionworks_client as ionworks_client

The last form imports the submodule, then binds the package, exactly as the original did.

Relative imports are left alone. Strings are never rewritten: the pluggy project name and the
entry-point group stay ``"ionworks_toolkit"``, so plugins written with
``pluggy.HookimplMarker("ionworks_toolkit")`` work with every copy, while each copy (and each
``Toolkit`` session) keeps its own plugin manager.

``VENDORED.json`` records our version, the sha256 of the OpenAPI spec the client was generated
from, the prefix, the vendored packages and the sha256 of every vendored file (paths relative to
the prefix folder; sorted, deterministic JSON). ``--check`` compares a vendored copy with it and
needs nothing from our repository.

Re-vendoring replaces our package folders exactly (stale files are removed) and rewrites
``VENDORED.json``; nothing else in the partner's tree is touched. The prefix packages get an
``__init__.py`` only where none exists. A run never deletes a package it is not writing: when
an earlier run vendored ``ionworks_toolkit`` (``VENDORED.json`` lists it), a run without
``--with-toolkit`` is refused before anything is written, naming ``--with-toolkit`` (update it
too) and ``--remove-toolkit`` (delete it on purpose).

Options: ``--with-toolkit`` (also vendor ``ionworks_toolkit``), ``--remove-toolkit`` (delete a
previously vendored ``ionworks_toolkit``), ``--check`` (verify, write nothing),
``--source-root DIR`` (our repository, default: the checkout this script is in).

Exit codes: 0 done / copy unmodified; 1 ``--check`` found modified, missing or extra files;
2 bad arguments or input (invalid prefix, missing source, no ``VENDORED.json`` ...).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import json
import keyword
import os
import shutil
import sys
import tempfile
import tokenize
import tomllib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLIENT = "ionworks_client"
TOOLKIT = "ionworks_toolkit"
KNOWN_PACKAGES = (CLIENT, TOOLKIT)
PACKAGE_DIRS = {CLIENT: Path("generated_client") / CLIENT, TOOLKIT: Path("extensions") / TOOLKIT}
#: Paths (relative to the package folder) that are not vendored, and why.
EXCLUDED: Mapping[str, Mapping[str, str]] = {
    CLIENT: {},
    TOOLKIT: {
        "sandbox/": "the offline test API (needs fastapi, uvicorn and its data set)",
        "cli.py": "the command line (needs click and rich)",
        "testing/": "the pytest plugin for plugin authors (needs pytest and the sandbox)",
    },
}
MANIFEST_NAME = "VENDORED.json"
MANIFEST_FORMAT = 1
STAGING_PREFIX = ".vendoring-"
SKIPPED_DIRS = frozenset({"__pycache__"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")
PYTHON_SUFFIXES = (".py", ".pyi")

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2


class VendorError(Exception):
    """Bad arguments or input; the message says what and where. Exit status 2."""


# --------------------------------------------------------------------------- prefix


def parse_prefix(text: str) -> tuple[str, ...]:
    """Split a dotted package prefix such as ``acme_lab._vendor`` into its parts.

    Every part must be a Python identifier and not a keyword; the first part must not be one of
    our own package names (the copy would shadow, or be shadowed by, the installed one) nor a
    standard-library module (``sys.stdlib_module_names``: a ``json/`` folder hides ``json``);
    ``build_tree`` also refuses a package the vendored code imports (``httpx``).

    :raises VendorError: naming the offending part.
    """
    parts = tuple(text.split("."))
    for part in parts:
        if not part.isidentifier() or keyword.iskeyword(part):
            raise VendorError(
                f"--package {text!r} is not a dotted Python package path: {part!r} is not a "
                "valid identifier (expected e.g. acme_lab._vendor)"
            )
    if parts[0] in KNOWN_PACKAGES:
        raise VendorError(
            f"--package {text!r} starts with {parts[0]!r}, our own package name: choose a prefix "
            "inside your own package, e.g. acme_lab._vendor"
        )
    if parts[0] in sys.stdlib_module_names:  # FINDINGS9 J14: src/json/ shadows json itself
        raise VendorError(
            f"--package {text!r} starts with {parts[0]!r}, a module of Python's standard "
            f"library: a folder {parts[0]}/ in your source root would shadow it (import "
            f"{parts[0]} would load the folder). Choose a prefix inside your own package, "
            "e.g. acme_lab._vendor"
        )
    return parts


# --------------------------------------------------------------------------- import rewriting


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RewriteResult:
    """The rewritten source and the line number of every import statement that was changed."""

    text: str
    lines: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return len(self.lines)


def _is_ours(module: str, packages: Collection[str]) -> bool:
    return module.split(".", 1)[0] in packages


def _line_starts(text: str) -> list[int]:
    """Offset of the first character of each line (lines end at ``\\n``, as for tokenize)."""
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _dotted_name(
    tokens: Sequence[tokenize.TokenInfo], index: int
) -> tuple[str, tuple[int, int], tuple[int, int], int]:
    """Read ``NAME ('.' NAME)*`` starting at ``tokens[index]``.

    Returns the dotted name, the start of its first token, the end of its last token and the
    index of the token after it.
    """
    first = tokens[index]
    if first.type != tokenize.NAME:
        raise ValueError(f"expected a module name at line {first.start[0]}, got {first.string!r}")
    parts = [first.string]
    last = first
    index += 1
    while tokens[index].type == tokenize.OP and tokens[index].string == ".":
        last = tokens[index + 1]
        if last.type != tokenize.NAME:
            raise ValueError(f"expected a name after '.' at line {last.start[0]}")
        parts.append(last.string)
        index += 2
    return ".".join(parts), first.start, last.end, index


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def statements(tree: ast.Module) -> Iterator[tuple[ast.stmt, bool]]:
    """Every statement of a module, nested ones included, with whether it runs at import time.

    Import statements are statements, so walking statement lists (bodies, ``else``/``finally``
    blocks, exception handlers, ``match`` cases) finds all of them without visiting every
    expression. A statement runs at import time unless it is inside a function or in the body
    of ``if TYPE_CHECKING:``.
    """
    stack: list[tuple[ast.stmt, bool]] = [(node, True) for node in reversed(tree.body)]
    while stack:
        node, at_import = stack.pop()
        yield node, at_import
        nested = at_import and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        children: list[tuple[ast.stmt, bool]] = []
        for name, value in ast.iter_fields(node):
            if not isinstance(value, list):
                continue
            runs = nested and not (
                isinstance(node, ast.If) and name == "body" and _is_type_checking(node.test)
            )
            for item in value:
                if isinstance(item, ast.stmt):
                    children.append((item, runs))
                elif isinstance(item, ast.ExceptHandler | ast.match_case):
                    children += [(child, runs) for child in item.body]
        stack.extend(reversed(children))


def _our_imports(tree: ast.Module, packages: Collection[str]) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node, _ in statements(tree):
        if (
            isinstance(node, ast.Import) and any(_is_ours(a.name, packages) for a in node.names)
        ) or (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module is not None
            and _is_ours(node.module, packages)
        ):
            found.append(node)
    return found


def rewrite_imports(
    source: str, packages: Collection[str], prefix: str, tree: ast.Module | None = None
) -> RewriteResult:
    """Rewrite every absolute import of ``packages`` in ``source`` to live under ``prefix``.

    ``ast`` finds the import statements (wherever they are: module level, ``if TYPE_CHECKING:``
    blocks, function bodies); ``tokenize`` gives the exact positions of their dotted module
    names, which are replaced in place. Everything else (relative imports, strings, comments,
    formatting, names that merely start with a package name such as ``ionworks_clientele``)
    is left byte for byte. The names each import binds are unchanged (see the module docstring).
    ``tree``: ``ast.parse(source)``, when the caller has it already.

    :raises SyntaxError: ``source`` is not valid Python.
    :raises ValueError: the source uses lone carriage returns as line ends, or the tokens of an
        import do not match its syntax tree (a bug: please report it).
    """
    if "\r" in source.replace("\r\n", ""):
        raise ValueError("lone carriage-return line endings are not supported")
    nodes = _our_imports(ast.parse(source) if tree is None else tree, packages)
    if not nodes:
        return RewriteResult(source)

    lines = source.split("\n")
    starts = _line_starts(source)
    tokens = [
        token
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type not in (tokenize.NL, tokenize.COMMENT)
    ]
    keyword_at = {
        token.start: index
        for index, token in enumerate(tokens)
        if token.type == tokenize.NAME and token.string in ("import", "from")
    }

    def offset(position: tuple[int, int]) -> int:
        row, column = position
        return starts[row - 1] + column

    splices: list[_Splice] = []
    for node in nodes:
        # ast columns are UTF-8 byte offsets; tokenize columns are characters.
        line = lines[node.lineno - 1]
        column = len(line.encode("utf-8")[: node.col_offset].decode("utf-8"))
        index = keyword_at.get((node.lineno, column))
        if index is None:
            raise ValueError(f"no import keyword at line {node.lineno}, column {column}")
        if isinstance(node, ast.ImportFrom):
            name, start, end, _ = _dotted_name(tokens, index + 1)
            if name != node.module:
                raise ValueError(f"tokens {name!r} do not match the import at line {node.lineno}")
            splices.append(_Splice(offset(start), offset(end), f"{prefix}.{name}"))
            continue
        index += 1
        for number, alias in enumerate(node.names):
            if number:
                if tokens[index].string != ",":
                    raise ValueError(f"expected ',' in the import at line {node.lineno}")
                index += 1
            name, start, end, index = _dotted_name(tokens, index)
            asname = None
            if tokens[index].type == tokenize.NAME and tokens[index].string == "as":
                asname = tokens[index + 1].string
                index += 2
            if (name, asname) != (alias.name, alias.asname):
                raise ValueError(f"tokens {name!r} do not match the import at line {node.lineno}")
            if not _is_ours(name, packages):
                continue
            top = name.split(".", 1)[0]
            if asname is not None:
                text = f"{prefix}.{name}"
            elif name == top:
                text = f"{prefix}.{top} as {top}"
            else:  # ``import pkg.sub`` imports pkg.sub and binds ``pkg``: do both.
                text = f"{prefix}.{name} as {top}, {prefix}.{top} as {top}"
            splices.append(_Splice(offset(start), offset(end), text))

    result = source
    for splice in sorted(splices, key=lambda s: s.start, reverse=True):
        result = result[: splice.start] + splice.text + result[splice.end :]
    return RewriteResult(result, tuple(sorted({node.lineno for node in nodes})))


def source_encoding(data: bytes) -> str:
    """The encoding of a Python source file (PEP 263 cookie or BOM, default UTF-8)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def absolute_imports(source: str, packages: Collection[str]) -> list[tuple[int, str]]:
    """``(line, module)`` for every absolute import of ``packages`` left in ``source``."""
    found: list[tuple[int, str]] = []
    for node in _our_imports(ast.parse(source), packages):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _is_ours(a.name, packages)]
        else:
            found.append((node.lineno, str(node.module)))
    return found


# --------------------------------------------------------------------------- excluded modules


def _imported_modules(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> set[str]:
    """Absolute names of the modules an import may load (``from m import a``: m and m.a)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        parts = module.split(".")
        base_parts = parts if is_package else parts[:-1]
        base_parts = base_parts[: len(base_parts) - (node.level - 1)]
        base = ".".join(base_parts + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    return {base} | {f"{base}.{alias.name}" for alias in node.names}


def excluded_references(
    relative: PurePosixPath, tree: ast.Module, excluded_modules: Collection[str]
) -> list[tuple[int, str, bool]]:
    """``(line, module, at_import_time)`` for every import of a module that is not vendored.

    ``relative``: the file's path from the package folders' parent (``ionworks_toolkit/x.py``),
    which resolves its relative imports; ``tree``: the parsed file.
    """
    module = ".".join(relative.with_suffix("").parts)
    is_package = relative.name in ("__init__.py", "__init__.pyi")
    if is_package:
        module = module.rsplit(".", 1)[0]
    found: list[tuple[int, str, bool]] = []
    for node, at_import in statements(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for name in sorted(_imported_modules(node, module, is_package)):
            if any(name == ex or name.startswith(ex + ".") for ex in excluded_modules):
                found.append((node.lineno, name, at_import))
                break  # one report per statement: the module itself, not each imported name
    return found


# --------------------------------------------------------------------------- source


@dataclass(frozen=True)
class Source:
    """Our repository: package folders, version and the spec hash of the generated client."""

    root: Path
    version: str
    spec_sha256: str
    generator: str | None

    def package_dir(self, package: str) -> Path:
        return self.root / PACKAGE_DIRS[package]


def load_source(root: Path, packages: Sequence[str]) -> Source:
    """Check that the packages exist under ``root`` and read the version and spec hash.

    The version comes from ``pyproject.toml`` and must equal ``ionworks_toolkit.__version__``
    (read from the source, not imported). The spec hash is ``spec_sha256`` of
    ``ionworks_client/_stamp.json``.

    :raises VendorError: a missing package folder, stamp or version, or versions that disagree.
    """
    for package in packages:
        init = root / PACKAGE_DIRS[package] / "__init__.py"
        if not init.is_file():
            raise VendorError(f"source package {package} not found: {init} does not exist")
    pyproject = root / "pyproject.toml"
    try:
        version = str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise VendorError(f"cannot read [project] version from {pyproject}: {exc}") from exc
    toolkit_init = root / PACKAGE_DIRS[TOOLKIT] / "__init__.py"
    if toolkit_init.is_file():
        declared = _declared_version(toolkit_init)
        if declared is not None and declared != version:
            raise VendorError(
                f"version mismatch: {pyproject} says {version}, "
                f"{toolkit_init} says __version__ = {declared!r}"
            )
    stamp_path = root / PACKAGE_DIRS[CLIENT] / "_stamp.json"
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        spec_sha256 = str(stamp["spec_sha256"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VendorError(f"cannot read spec_sha256 from {stamp_path}: {exc}") from exc
    generator = stamp.get("generator") if isinstance(stamp, dict) else None
    generator_text = (
        f"{generator.get('name')} {generator.get('version')}"
        if isinstance(generator, dict)
        else None
    )
    return Source(root, version, spec_sha256, generator_text)


def _declared_version(init: Path) -> str | None:
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def package_files(package_dir: Path, excluded: Collection[str] = ()) -> list[PurePosixPath]:
    """Files of a package folder, relative and sorted, without caches and ``excluded`` entries.

    ``excluded``: top-level entries of the package (``sandbox/``, ``testing/``, ``cli.py``).
    """
    excluded = {name.rstrip("/") for name in excluded}
    found: list[PurePosixPath] = []
    for directory, dirnames, filenames in os.walk(package_dir):
        here = Path(directory)
        relative_dir = here.relative_to(package_dir)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIPPED_DIRS and not (relative_dir == Path(".") and d in excluded)
        )
        for name in sorted(filenames):
            if name.endswith(SKIPPED_SUFFIXES):
                continue
            if relative_dir == Path(".") and name in excluded:
                continue
            found.append(PurePosixPath((relative_dir / name).as_posix()))
    return sorted(found)


# --------------------------------------------------------------------------- building the copy


@dataclass
class VendoredTree:
    """The vendored files in memory, by path relative to the prefix folder."""

    files: dict[str, bytes] = field(default_factory=dict)
    rewritten_imports: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Top-level names of the other packages the vendored code imports (``httpx``), each
    #: with the first ``path:line`` that does.
    dependencies: dict[str, str] = field(default_factory=dict)


def build_tree(source: Source, prefix: str, packages: Sequence[str]) -> VendoredTree:
    """Read, rewrite and check every file to vendor; nothing is written.

    :raises VendorError: a file that does not parse, an absolute import left behind, or a
        module-level import of something that is not vendored (``cli``, ``sandbox``).
    """
    tree = VendoredTree()
    excluded_modules = [
        f"{package}.{PurePosixPath(name.rstrip('/')).stem}"
        for package in packages
        for name in EXCLUDED[package]
    ]
    for package in packages:
        package_dir = source.package_dir(package)
        for relative in package_files(package_dir, EXCLUDED[package]):
            data = (package_dir / relative).read_bytes()
            path = PurePosixPath(package) / relative
            if relative.suffix in PYTHON_SUFFIXES:
                data = _vendor_python(tree, path, data, packages, prefix, excluded_modules)
            tree.files[path.as_posix()] = data
    top = prefix.split(".")[0]
    if top in tree.dependencies:  # FINDINGS9 J14: src/httpx/ would shadow httpx itself
        raise VendorError(
            f"--package {prefix!r} starts with {top!r}, a package the vendored code imports "
            f"({tree.dependencies[top]}): a folder {top}/ in your source root would shadow the "
            f"installed {top}. Choose a prefix inside your own package, e.g. acme_lab._vendor"
        )
    return tree


def _vendor_python(
    tree: VendoredTree,
    path: PurePosixPath,
    data: bytes,
    packages: Sequence[str],
    prefix: str,
    excluded_modules: Collection[str],
) -> bytes:
    try:
        encoding = source_encoding(data)
        original = data.decode(encoding)
        parsed = ast.parse(original)
        references = excluded_references(path, parsed, excluded_modules)
        result = rewrite_imports(original, packages, prefix, parsed)
        leftover = absolute_imports(result.text, packages) if result.count else []
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        raise VendorError(f"cannot vendor {path}: {exc}") from exc
    if leftover:
        line, module = leftover[0]
        raise VendorError(f"{path}:{line}: absolute import of {module} was not rewritten")
    for line, module, at_import in references:
        message = f"{path}:{line} imports {module}, which is not vendored"
        if at_import:
            raise VendorError(f"{message}; the vendored copy would not import")
        tree.warnings.append(f"{message} (not at import time: that code path will fail)")
    for node in ast.walk(parsed):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        else:
            continue
        for top in (name.split(".")[0] for name in names):
            if top not in packages:
                tree.dependencies.setdefault(top, f"{path}:{node.lineno}")
    tree.rewritten_imports += result.count
    return result.text.encode(encoding)


def manifest_text(
    source: Source, prefix: str, packages: Sequence[str], files: Mapping[str, bytes]
) -> str:
    """The ``VENDORED.json`` document: deterministic (sorted keys, no timestamps)."""
    document: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "tool": "ionworks-toolkit scripts/vendor.py",
        "version": source.version,
        "spec_sha256": source.spec_sha256,
        "generator": source.generator,
        "package_prefix": prefix,
        "packages": list(packages),
        "excluded": sorted(
            f"{package}/{name}" for package in packages for name in EXCLUDED[package]
        ),
        "files": {path: _sha256(data) for path, data in sorted(files.items())},
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- writing


def prefix_dir_of(target: Path, parts: Sequence[str]) -> Path:
    return target.joinpath(*parts)


def ensure_prefix_packages(target: Path, parts: Sequence[str]) -> list[Path]:
    """Create the prefix folders and any missing ``__init__.py``; returns the files created.

    Existing ``__init__.py`` files and everything else in those folders are left alone.

    :raises VendorError: a prefix part exists as a file or as a module (``acme_lab.py``).
    """
    created: list[Path] = []
    directory = target
    for part in parts:
        module = directory / f"{part}.py"
        directory = directory / part
        if module.exists():
            raise VendorError(f"{module} is a module; the prefix needs a package {directory}/")
        if directory.exists() and not directory.is_dir():
            raise VendorError(f"{directory} exists and is not a directory")
        directory.mkdir(exist_ok=True)
        init = directory / "__init__.py"
        if not init.exists():
            init.write_bytes(b"")
            created.append(init)
    return created


def write_tree(
    prefix_dir: Path, tree: VendoredTree, packages: Sequence[str], manifest: str
) -> None:
    """Replace our package folders under ``prefix_dir`` with ``tree`` and write the manifest.

    The new folders are written beside the old ones first, then swapped in with renames, so
    an error while writing leaves the previous copy in place. Folders of packages that a
    previous ``VENDORED.json`` recorded but that are no longer vendored are removed too.
    """
    previous = _read_manifest(prefix_dir / MANIFEST_NAME, required=False)
    stale = [
        p for p in (previous or {}).get("packages", []) if p in KNOWN_PACKAGES and p not in packages
    ]
    for leftover in prefix_dir.glob(f"{STAGING_PREFIX}*"):  # from an interrupted run
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=prefix_dir))
    try:
        new, old = staging / "new", staging / "old"
        for relative, data in tree.files.items():
            path = new / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (new / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
        old.mkdir()
        moved: list[str] = []
        installed: list[str] = []
        try:
            for package in [*packages, *stale]:
                if (prefix_dir / package).exists():
                    os.replace(prefix_dir / package, old / package)
                    moved.append(package)
                if package in packages:
                    os.replace(new / package, prefix_dir / package)
                    installed.append(package)
            os.replace(new / MANIFEST_NAME, prefix_dir / MANIFEST_NAME)
        except BaseException:  # put the previous copy back
            for package in installed:
                shutil.rmtree(prefix_dir / package, ignore_errors=True)
            for package in moved:
                os.replace(old / package, prefix_dir / package)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --------------------------------------------------------------------------- checking


def _read_manifest(path: Path, *, required: bool = True) -> dict[str, Any] | None:
    if not path.is_file():
        if required:
            raise VendorError(
                f"no {MANIFEST_NAME} at {path}: not a vendored copy, or vendored under another "
                "--package"
            )
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VendorError(f"cannot read {path}: {exc}") from exc
    if (
        not isinstance(document, dict)
        or document.get("format") != MANIFEST_FORMAT
        or not isinstance(document.get("files"), dict)
        or not isinstance(document.get("packages"), list)
    ):
        raise VendorError(f"{path} is not a format-{MANIFEST_FORMAT} {MANIFEST_NAME}")
    return document


@dataclass(frozen=True)
class Drift:
    """Differences between a vendored copy and its manifest (paths relative to the prefix)."""

    modified: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    checked: int = 0

    def __bool__(self) -> bool:
        return bool(self.modified or self.missing or self.extra)


def check_copy(prefix_dir: Path, prefix: str) -> Drift:
    """Compare the vendored files under ``prefix_dir`` with its ``VENDORED.json``.

    Only our package folders are looked at; ``__pycache__`` and compiled files are ignored.

    :raises VendorError: no or unreadable manifest, or one written for another prefix.
    """
    document = _read_manifest(prefix_dir / MANIFEST_NAME)
    assert document is not None
    if document.get("package_prefix") != prefix:
        raise VendorError(
            f"{prefix_dir / MANIFEST_NAME} was written for --package "
            f"{document.get('package_prefix')!r}, not {prefix!r}"
        )
    recorded: dict[str, str] = {str(k): str(v) for k, v in document["files"].items()}
    actual: dict[str, str] = {}
    for package in document["packages"]:
        if package not in KNOWN_PACKAGES:
            raise VendorError(f"{prefix_dir / MANIFEST_NAME} lists an unknown package {package!r}")
        package_dir = prefix_dir / package
        if package_dir.is_dir():
            for relative in package_files(package_dir):
                path = f"{package}/{relative.as_posix()}"
                actual[path] = _sha256((package_dir / relative).read_bytes())
    return Drift(
        modified=tuple(
            sorted(p for p in recorded.keys() & actual.keys() if recorded[p] != actual[p])
        ),
        missing=tuple(sorted(recorded.keys() - actual.keys())),
        extra=tuple(sorted(actual.keys() - recorded.keys())),
        checked=len(recorded),
    )


def drift_lines(drift: Drift, shown_prefix: str) -> list[str]:
    """One line per drifted file: ``modified: PATH``, ``missing: PATH``, ``extra: PATH``."""
    lines = [f"modified: {shown_prefix}{p}" for p in drift.modified]
    lines += [f"missing: {shown_prefix}{p}" for p in drift.missing]
    lines += [f"extra: {shown_prefix}{p}" for p in drift.extra]
    return lines


# --------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vendor.py",
        description="Copy ionworks_client (and ionworks_toolkit) into a partner package, "
        "rewriting absolute imports to the new prefix; or check such a copy.",
    )
    parser.add_argument("target", type=Path, help="source root of the partner's code, e.g. src")
    parser.add_argument(
        "--package",
        required=True,
        metavar="PREFIX",
        help="dotted package the copy lives under, e.g. acme_lab._vendor",
    )
    parser.add_argument(
        "--with-toolkit",
        action="store_true",
        help="vendor ionworks_toolkit too (without sandbox/, testing/ and cli.py)",
    )
    parser.add_argument(
        "--remove-toolkit",
        action="store_true",
        help="delete an ionworks_toolkit vendored by an earlier run (without this flag, a run "
        "without --with-toolkit refuses to touch it)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify an existing copy against its VENDORED.json instead of writing",
    )
    parser.add_argument(
        "--source-root",
        type=Path,
        default=ROOT,
        help="our repository root (default: the checkout this script is in)",
    )
    return parser


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def run_check(target: Path, parts: Sequence[str], prefix: str) -> int:
    """``--check``: print the result; 0 unmodified, 1 drift."""
    prefix_dir = prefix_dir_of(target, parts)
    drift = check_copy(prefix_dir, prefix)
    if not drift:
        print(f"vendored copy is unmodified ({drift.checked} files)")
        return EXIT_OK
    shown = "/".join(parts) + "/"
    print(f"vendored copy {shown} differs from its {MANIFEST_NAME}:")
    for line in drift_lines(drift, shown):
        print(f"  {line}")
    count = len(drift.modified) + len(drift.missing) + len(drift.extra)
    print(f"{count} file(s) differ; run scripts/vendor.py again to restore the vendored copy")
    return EXIT_DRIFT


def run_vendor(
    target: Path,
    parts: Sequence[str],
    prefix: str,
    source_root: Path,
    with_toolkit: bool,
    remove_toolkit: bool = False,
) -> int:
    """Vendor the packages into ``target``; prints a summary. Returns 0.

    :raises VendorError: among others, when an earlier run vendored a package this run would
        not write (``ionworks_toolkit`` without ``with_toolkit``) and ``remove_toolkit`` does
        not ask to delete it; nothing is written then.
    """
    if with_toolkit and remove_toolkit:
        raise VendorError("--with-toolkit and --remove-toolkit contradict each other; give one")
    packages = [CLIENT, TOOLKIT] if with_toolkit else [CLIENT]
    source = load_source(source_root.resolve(), packages)
    prefix_dir = prefix_dir_of(target, parts).resolve()
    previous = _read_manifest(prefix_dir / MANIFEST_NAME, required=False) or {}
    dropped = [p for p in previous.get("packages", []) if p in KNOWN_PACKAGES and p not in packages]
    if dropped and not remove_toolkit:
        shown = "/".join(parts)
        raise VendorError(
            f"{shown}/{dropped[0]}/ was vendored by an earlier run ({shown}/{MANIFEST_NAME} "
            "lists it); this run, without --with-toolkit, would delete it. Add --with-toolkit "
            "to update it too, or --remove-toolkit to delete it"
        )
    for package in packages:
        source_dir = source.package_dir(package).resolve()
        destination = prefix_dir / package
        if destination.is_relative_to(source_dir) or source_dir.is_relative_to(destination):
            raise VendorError(f"{destination} overlaps the source package {source_dir}")
    tree = build_tree(source, prefix, packages)
    manifest = manifest_text(source, prefix, packages, tree.files)

    created = ensure_prefix_packages(target, parts)
    if (prefix_dir / MANIFEST_NAME).is_file():
        try:
            drift = check_copy(prefix_dir, prefix)
        except VendorError:
            drift = Drift()
        for line in drift_lines(drift, "/".join(parts) + "/"):
            print(f"warning: replacing a locally changed vendored file: {line}", file=sys.stderr)
    write_tree(prefix_dir, tree, packages, manifest)

    for warning in tree.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for init in created:
        print(f"created {_display(init, target)}")
    print(
        f"vendored {', '.join(packages)} {source.version} into {target / '/'.join(parts)} "
        f"({len(tree.files)} files, {tree.rewritten_imports} import statements rewritten)"
    )
    print(f"import it as: from {prefix} import {packages[-1]}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        parts = parse_prefix(args.package)
        target: Path = args.target
        if not target.is_dir():
            problem = "is not a directory" if target.exists() else "does not exist"
            raise VendorError(f"target directory {target} {problem} (give your source folder)")
        if args.check:
            return run_check(target, parts, args.package)
        return run_vendor(
            target,
            parts,
            args.package,
            args.source_root,
            args.with_toolkit,
            remove_toolkit=args.remove_toolkit,
        )
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
