"""Check a freshly generated ``ionworks_client`` before it replaces the committed one.

Run by ``scripts/regenerate.py`` in a subprocess whose PYTHONPATH starts with the candidate's
parent folder and then this checkout's ``extensions/``::

    python scripts/check_candidate.py --package /tmp/.../ionworks_client --root .

Checks, in order (each failure is one line ``check <name> failed: <why>``; exit 1 if any):

- ``client-import``: every module of the candidate package imports (and it is the candidate
  that is imported, not an installed copy);
- ``toolkit-import``: every module of ``ionworks_toolkit`` (but the sandbox, which does not
  use the client) imports against it;
- ``operations``: every generated operation the toolkit wraps (each ``ListOperation`` of
  ``ionworks_toolkit.operations``) is in the candidate (the toolkit would load without one, but
  its commands would fail);
- ``cli``: ``ionworks-toolkit --help`` and ``measurements list --help`` exit 0 without a
  warning (click's "used more than once" included);
- ``presets``: every built-in preset validates against the candidate's spec;
- ``cassettes``: every recorded 2xx page of the seed endpoint
  (``GET /cell_measurements/by-project/{project_id}``, ``tests/cassettes``) parses with the
  candidate's response parser into the same number of items.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEED_OPERATION_FALLBACK = "list_cell_measurements_by_project"


def _last_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:400]


def _walk(package_name: str, skip: Callable[[str], bool]) -> list[str]:
    """Import every module of a package; return ``"module: error"`` lines."""
    problems: list[str] = []
    package = importlib.import_module(package_name)
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
        if skip(info.name):
            continue
        try:
            importlib.import_module(info.name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] not in ("ionworks_client", "ionworks_toolkit"):
                continue  # an optional third-party dependency (pyarrow...), not our concern
            problems.append(f"{info.name}: {_last_line(exc)}")
        except Exception as exc:
            problems.append(f"{info.name}: {_last_line(exc)}")
    return problems


def check_client_import(package: Path) -> list[str]:
    import ionworks_client

    where = Path(ionworks_client.__file__).resolve().parent
    if where != package.resolve():
        return [f"imported {where}, not the candidate {package}"]
    return _walk("ionworks_client", lambda name: False)


def check_toolkit_import() -> list[str]:
    return _walk("ionworks_toolkit", lambda name: ".sandbox" in name)


def check_operations() -> list[str]:
    from ionworks_toolkit import operations

    problems = []
    for name, value in sorted(vars(operations).items()):
        if isinstance(value, operations.ListOperation):
            try:
                value.generated  # noqa: B018 - resolving is the check
            except Exception as exc:
                problems.append(f"{name} ({value.operation_id}): {_last_line(exc)}")
    return problems


def check_cli() -> list[str]:
    from click.testing import CliRunner
    from ionworks_toolkit.cli import main

    problems = []
    for args in (["--help"], ["measurements", "list", "--help"]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = CliRunner().invoke(main, args, env={"NO_COLOR": "1"})
        command = " ".join(["ionworks-toolkit", *args])
        if result.exit_code != 0:
            reason = _last_line(result.exception) if result.exception else result.output.strip()
            problems.append(f"{command} exited {result.exit_code}: {reason}")
        for warning in caught:
            problems.append(f"{command} warned: {' '.join(str(warning.message).split())}")
    return problems


def check_presets() -> list[str]:
    from ionworks_toolkit import presets

    problems = []
    for preset in presets.BUILTIN_PRESETS:
        try:
            presets.PresetRegistry().register(preset, owner="built-in presets")
        except Exception as exc:
            problems.append(f"built-in preset {preset.name}: {' '.join(str(exc).split())}")
    return problems


def _seed_path_and_module(package: Path) -> tuple[str, Any]:
    spec = json.loads((package / "openapi.json").read_text(encoding="utf-8"))
    try:
        from ionworks_toolkit.presets import SEED_OPERATION as seed
    except ImportError:
        seed = SEED_OPERATION_FALLBACK
    paths = [
        path
        for path, item in spec.get("paths", {}).items()
        if isinstance(item.get("get"), dict) and item["get"].get("operationId") == seed
    ]
    if not paths:
        raise LookupError(f"no GET operation {seed} in the spec")
    path = paths[0]
    import ionworks_client.api as api

    for info in pkgutil.walk_packages(api.__path__, prefix="ionworks_client.api."):
        if info.name.rsplit(".", 1)[-1] == seed:
            return path, importlib.import_module(info.name)
    raise LookupError(f"no module ionworks_client.api.*.{seed}")


def check_cassettes(package: Path, root: Path) -> list[str]:
    import httpx
    import yaml
    from ionworks_client import Client

    path, module = _seed_path_and_module(package)
    pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    client = Client(base_url="http://127.0.0.1", raise_on_unexpected_status=True)
    problems, parsed = [], 0
    for cassette in sorted((root / "tests" / "cassettes").rglob("*.yaml")):
        document = yaml.load(cassette.read_text(encoding="utf-8"), Loader=loader)
        for number, interaction in enumerate((document or {}).get("interactions") or [], 1):
            request, response = interaction["request"], interaction["response"]
            url = httpx.URL(request["uri"])
            status = int(response["status"]["code"])
            if request["method"] != "GET" or not pattern.match(url.path) or status // 100 != 2:
                continue
            body = response["body"]["string"]
            content = body.encode() if isinstance(body, str) else bytes(body)
            where = f"{cassette.relative_to(root)} interaction {number}"
            try:
                expected = len(json.loads(content)["items"])
                result = module._parse_response(
                    client=client,
                    response=httpx.Response(
                        status, content=content, request=httpx.Request("GET", url)
                    ),
                )
                items = getattr(result, "items", None)
                if not isinstance(items, list) or len(items) != expected:
                    problems.append(
                        f"{where}: parsed {type(result).__name__}, not a page of {expected}"
                    )
                    continue
            except Exception as exc:
                problems.append(f"{where}: {_last_line(exc)}")
                continue
            parsed += 1
    if parsed == 0 and not problems:
        problems.append(f"no recorded 2xx page of GET {path} under tests/cassettes")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--package", type=Path, required=True)
    parser.add_argument("--root", type=Path, required=True)
    args = parser.parse_args(argv)
    checks: list[tuple[str, Callable[[], list[str]]]] = [
        ("client-import", lambda: check_client_import(args.package)),
        ("toolkit-import", check_toolkit_import),
        ("operations", check_operations),
        ("cli", check_cli),
        ("presets", check_presets),
        ("cassettes", lambda: check_cassettes(args.package, args.root)),
    ]
    failed = 0
    for name, check in checks:
        try:
            problems = check()
        except Exception as exc:
            detail = traceback.format_exception_only(type(exc), exc)[-1]
            problems = [" ".join(detail.split())]
        for problem in problems:
            print(f"check {name} failed: {problem}")
        failed += bool(problems)
        if name == "client-import" and problems:
            break  # nothing else can be judged against a client that does not import
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
