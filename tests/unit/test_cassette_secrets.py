"""No credential ever reaches a cassette: every header and query value is scanned.

Fails naming the cassette file and line. Credentials recognised: the sandbox key and tokens,
anything after ``Bearer``, ``sk-``/``sk_live``-style keys, and any value of a credential
header other than ``REDACTED``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
CREDENTIAL_HEADERS = {"x-api-key", "authorization", "x-organization-id", "cookie", "set-cookie"}
KEY_SHAPES = [
    re.compile(r"Bearer\s+(?!REDACTED)[A-Za-z0-9._~+/=-]{4,}"),
    re.compile(r"\bsk[-_](?:live|test)?[-_]?[A-Za-z0-9]{8,}"),
    re.compile(r"sandbox-token(?:-\d+)?"),
    re.compile(r"[?&](?:api_?key|token|access_token|secret)=(?!REDACTED)[^&\s'\"]+", re.I),
]


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


def scan(path: Path) -> list[str]:
    """Problems in one cassette, each as ``file:line: reason``."""
    problems = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        for shape in KEY_SHAPES:
            if shape.search(line):
                problems.append(
                    f"{path.name}:{number}: looks like a credential: {line.strip()[:80]}"
                )
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for interaction in document.get("interactions", []):
        for part in ("request", "response"):
            headers = interaction.get(part, {}).get("headers", {}) or {}
            for name, values in headers.items():
                if name.lower() in CREDENTIAL_HEADERS and any(v != "REDACTED" for v in values):
                    line = next(
                        (
                            i
                            for i, text in enumerate(lines, 1)
                            if text.strip().startswith(f"{name}:")
                        ),
                        0,
                    )
                    problems.append(f"{path.name}:{line}: {part} header {name} is not REDACTED")
    return problems


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassette_files()) >= 20


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.name)
def test_cassette_holds_no_credentials(path: Path) -> None:
    assert scan(path) == []


def test_scanner_catches_a_leaked_key_and_names_file_and_line(tmp_path: Path) -> None:
    leaked = tmp_path / "leak.yaml"
    leaked.write_text(
        "interactions:\n"
        "- request:\n"
        "    headers:\n"
        "      X-API-Key:\n"
        "      - sandbox\n"
        "      Authorization:\n"
        "      - Bearer sk-live-ABCDEF123456\n"
        "    uri: http://127.0.0.1:8000/projects?api_key=sk_live_ABCDEFGH1234\n",
        encoding="utf-8",
    )
    assert scan(leaked) == [
        "leak.yaml:7: looks like a credential: - Bearer sk-live-ABCDEF123456",
        "leak.yaml:7: looks like a credential: - Bearer sk-live-ABCDEF123456",
        "leak.yaml:8: looks like a credential: uri: http://127.0.0.1:8000/projects?api_key=sk_live_ABCDEFGH1234",
        "leak.yaml:8: looks like a credential: uri: http://127.0.0.1:8000/projects?api_key=sk_live_ABCDEFGH1234",
        "leak.yaml:4: request header X-API-Key is not REDACTED",
        "leak.yaml:6: request header Authorization is not REDACTED",
    ]
