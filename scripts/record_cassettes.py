"""Re-record the VCR cassettes without ever destroying the committed ones (``nox -s record``).

    python scripts/record_cassettes.py [--live] [--cassettes DIR] [--tests PATH] [PYTEST ARGS...]

1. ``--live`` needs ``IONWORKS_API_URL`` and ``IONWORKS_API_KEY``: without them it exits 2
   before anything is created or changed.
2. pytest runs ``PATH`` (default ``tests/integration``) with ``--record-mode=rewrite`` and
   ``IONWORKS_CASSETTE_DIR`` set to a new temporary folder beside ``DIR`` (default
   ``tests/cassettes``): the cassettes are written there, never into ``DIR``.
3. Only when every test passed (pytest exit code 0) are the new cassettes copied into
   ``DIR``: each file whose bytes differ from the committed one is replaced atomically
   (temporary file + ``os.replace``); identical files are left untouched (same bytes, same
   modification time), so re-recording from the sandbox changes nothing in git unless the
   recorded traffic changed. Cassettes this run did not record are kept and listed.
4. The temporary folder is removed in every case. On failure nothing in ``DIR`` changed and
   the exit code is pytest's (or 2 for a refused ``--live``).

Exit codes: 0 recorded (a summary on stderr: ``N changed, M new, K unchanged``); 2 refused
(``--live`` without credentials, no such ``--tests`` path); pytest's code when a test failed.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIVE_VARIABLES = ("IONWORKS_API_URL", "IONWORKS_API_KEY")


def missing_live_credentials(environ: Mapping[str, str]) -> list[str]:
    """The names of ``LIVE_VARIABLES`` that are unset or blank in ``environ``."""
    return [name for name in LIVE_VARIABLES if not environ.get(name, "").strip()]


def publish(recorded: Path, target: Path) -> dict[str, list[str]]:
    """Copy every cassette under ``recorded`` into ``target`` where its bytes differ.

    Returns ``{"changed": [...], "new": [...], "unchanged": [...], "kept": [...]}`` of paths
    relative to ``target`` (``kept``: cassettes in ``target`` this run did not record; they
    are left as they are). Each write is a temporary file in the same folder moved into
    place with ``os.replace``, so a cassette is never half-written.
    """
    outcome: dict[str, list[str]] = {"changed": [], "new": [], "unchanged": [], "kept": []}
    written: set[Path] = set()
    for source in sorted(p for p in recorded.rglob("*") if p.is_file()):
        relative = source.relative_to(recorded)
        written.add(relative)
        destination = target / relative
        if destination.exists() and filecmp.cmp(source, destination, shallow=False):
            outcome["unchanged"].append(str(relative))
            continue
        outcome["changed" if destination.exists() else "new"].append(str(relative))
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
        )
        os.close(handle)
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, destination)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    if target.exists():
        outcome["kept"] = sorted(
            str(p.relative_to(target))
            for p in target.rglob("*")
            if p.is_file() and p.relative_to(target) not in written
        )
    return outcome


def record(
    *,
    live: bool,
    cassettes: Path,
    tests: Path,
    pytest_args: Sequence[str],
    environ: Mapping[str, str],
) -> int:
    """Run the recording (see the module docstring) and return the exit code."""
    if live:
        missing = missing_live_credentials(environ)
        if missing:
            print(
                f"error: --live records from the live API and needs {' and '.join(missing)} "
                "in the environment; nothing was changed",
                file=sys.stderr,
            )
            return 2
    if not tests.exists():
        print(f"error: --tests {tests}: no such file or folder", file=sys.stderr)
        return 2
    cassettes.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".cassettes-recording-", dir=cassettes.parent))
    try:
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(tests),
            "--record-mode=rewrite",
            "-p",
            "no:cacheprovider",
            *(["--live"] if live else []),
            *pytest_args,
        ]
        env = {**environ, "IONWORKS_CASSETTE_DIR": str(scratch)}
        code = subprocess.run(command, env=env, cwd=ROOT, check=False).returncode
        if code != 0:
            print(
                f"error: recording failed (pytest exit code {code}); {cassettes} was not changed",
                file=sys.stderr,
            )
            return code
        outcome = publish(scratch, cassettes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"cassettes in {cassettes}: {len(outcome['changed'])} changed, "
        f"{len(outcome['new'])} new, {len(outcome['unchanged'])} unchanged",
        file=sys.stderr,
    )
    for name in outcome["changed"]:
        print(f"  changed: {name}", file=sys.stderr)
    for name in outcome["new"]:
        print(f"  new: {name}", file=sys.stderr)
    for name in outcome["kept"]:
        print(f"  not recorded this run (kept): {name}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (unknown options go to pytest) and record."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--live",
        action="store_true",
        help="record from the live API (IONWORKS_API_URL, IONWORKS_API_KEY) instead of a "
        "fresh sandbox",
    )
    parser.add_argument(
        "--cassettes",
        type=Path,
        default=ROOT / "tests" / "cassettes",
        help="the cassette folder to update (default: tests/cassettes)",
    )
    parser.add_argument(
        "--tests",
        type=Path,
        default=ROOT / "tests" / "integration",
        help="the tests that record (default: tests/integration)",
    )
    args, pytest_args = parser.parse_known_args(argv)
    return record(
        live=args.live,
        cassettes=args.cassettes.resolve(),
        tests=args.tests.resolve(),
        pytest_args=pytest_args,
        environ=os.environ,
    )


if __name__ == "__main__":
    raise SystemExit(main())
