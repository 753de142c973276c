"""README claims checked against the code, both ways: what the README says the toolkit does,
and what it says it does not do (FINDINGS7 R3: "in whatever form the server echoes them"
was not true). A change that makes one of these fail changes the README sentence too."""

from __future__ import annotations

import base64
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from ionworks_toolkit.auth import redact_secrets
from ionworks_toolkit.cli import main

README = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
KEY = "SeCrEt-K3y/with+chars=="


def test_echoed_credentials_are_redacted_in_the_forms_the_readme_lists() -> None:
    assert "percent-encoded (`SeCrEt-K3y%2Fwith%2Bchars%3D%3D`, either hex case" in README
    for echoed in (
        KEY,
        "SeCrEt-K3y%2Fwith%2Bchars%3D%3D",
        "SeCrEt-K3y%2fwith%2bchars%3d%3d",
        "SeCrEt-K3y%252Fwith%252Bchars%253D%253D",  # twice
        "SeCrEt-K3y%2Fwith+chars",  # mixed, padding left off
        "SeCrEt-K3y_with-chars",  # base64url
        "SeCrEt-K3y\\/with+chars==",  # JSON-escaped
        "SeCrEt-K3y&#47;with&#43;chars&#61;&#61;",  # HTML references
    ):
        assert redact_secrets(f"bad key {echoed}.", [KEY]) == "bad key ***.", echoed


def test_a_short_key_is_redacted_only_as_a_word() -> None:
    assert "(`key dev is bad`, not `device` or `bad:dev.out`)" in README
    assert redact_secrets("key dev is bad", ["dev"]) == "key *** is bad"
    assert redact_secrets("device; bad:dev.out", ["dev"]) == "device; bad:dev.out"


def test_the_forms_the_readme_says_are_not_recognised_are_not() -> None:
    assert (
        "A part of a key (`SeCrEt-K3y...`), the key in other letter case, or the key "
        "base64-encoded is not recognised." in README
    )
    for echoed in ("SeCrEt-K3y", KEY.upper(), base64.b64encode(KEY.encode()).decode()):
        assert redact_secrets(f"bad key {echoed}", [KEY]) == f"bad key {echoed}"


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors for the headings of ``markdown``: lower case, punctuation dropped,
    spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_link_inside_the_docs_leads_somewhere() -> None:
    root = Path(__file__).resolve().parents[2]
    for doc in ("README.md", "ARCHITECTURE.md", "TESTING.md", "FINDINGS.md"):
        text = (root / doc).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://")):
                continue
            path, _, anchor = target.partition("#")
            linked = root / path if path else root / doc
            assert linked.exists(), f"{doc}: {target}"
            if anchor:
                assert anchor in _anchors(linked.read_text(encoding="utf-8")), f"{doc}: {target}"


@pytest.mark.sandbox
def test_the_quick_start_prints_what_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    command = text.split("```bash\n", 1)[1].split("\n```", 1)[0]
    arguments = shlex.split(command.split(".venv/bin/ionworks-toolkit ", 1)[1])
    printed = re.search(r"It prints `([^`]+)`", text)
    assert printed is not None
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [printed.group(1)]
    assert result.stdout == ""

    quiet_after = CliRunner().invoke(main, [*arguments[1:], "-q"], prog_name="ionworks-toolkit")
    assert quiet_after.exit_code == 2
    refusal = re.search(r"refused\s+saying so: `([^`]+)`", text)
    assert refusal is not None
    assert quiet_after.stderr.splitlines()[-1] == "Error: " + " ".join(refusal.group(1).split())


def test_the_provenance_marks_the_readme_counts() -> None:
    import json

    root = Path(__file__).resolve().parents[2]
    spec = json.loads((root / "openapi" / "ionworks.openapi.json").read_text(encoding="utf-8"))
    operations = [o for item in spec["paths"].values() for o in item.values() if "responses" in o]
    ids = sum(o.get("x-provenance-operationId") == "assumption" for o in operations)
    statuses = sum(
        any("status code not documented" in n for n in o.get("x-provenance-notes", ()))
        for o in operations
    )
    assert (len(operations), ids, statuses) == (30, 26, 8)
    assert "it covers the 30 project, cell specification, cell instance and cell" in README
    assert f"({ids} operation ids built by FastAPI's rule" in README
    assert f"{statuses} assumed status codes: `x-provenance-notes`" in README


def test_the_sandbox_marker_row_names_every_sandbox_option() -> None:
    import dataclasses

    from ionworks_toolkit.sandbox import SandboxOptions

    row = next(line for line in README.split(" | ") if "`SandboxOptions`:" in line)
    listed = re.findall(r"`([a-z0-9_]+)`", row.split("`SandboxOptions`:", 1)[1])
    assert sorted(listed) == sorted(field.name for field in dataclasses.fields(SandboxOptions))
