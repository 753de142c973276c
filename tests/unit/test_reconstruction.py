"""The reconstructed snapshot is reproducible from the facts kept in the repository.

``openapi/reconstruction/build_snapshot.py`` rebuilds ``openapi/ionworks.openapi.json`` from
``openapi/reconstruction/ionworks-api-facts.json``. Once a published spec replaces the snapshot
(it then carries no ``x-provenance`` marks), this check no longer applies and says so.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "openapi" / "ionworks.openapi.json"
FACTS = REPO / "openapi" / "reconstruction" / "ionworks-api-facts.json"


def test_reconstructed_snapshot_rebuilds_byte_for_byte(tmp_path: Path) -> None:
    if not SNAPSHOT.exists() or "x-provenance" not in SNAPSHOT.read_text(encoding="utf-8"):
        pytest.skip("the snapshot is a published spec, not the reconstruction")
    out = tmp_path / "snapshot.json"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "openapi/reconstruction/build_snapshot.py"),
            str(FACTS),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    paths = len(json.loads(SNAPSHOT.read_text(encoding="utf-8"))["paths"])
    assert result.stdout.strip() == f"wrote {out} ({paths} paths)"
    assert out.read_bytes() == SNAPSHOT.read_bytes()


def test_nothing_in_the_reconstruction_points_outside_the_repository() -> None:
    texts = [
        (REPO / "openapi" / "SOURCE.md").read_text(encoding="utf-8"),
        (REPO / "openapi/reconstruction/build_snapshot.py").read_text(encoding="utf-8"),
    ]
    assert [t for t in texts if "shared/reference" in t or "../" in t] == []
