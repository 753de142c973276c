"""FINDINGS.md is the home of the break-it finding ids the repository cites.

Code, tests and documents cite faults as ``FINDINGS7 G25``; the passes' reports are not part of
the repository, so every such id must have its line in FINDINGS.md under its report's heading,
and every test file a line names must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INDEX = (ROOT / "FINDINGS.md").read_text(encoding="utf-8")
CITATION = re.compile(r"FINDINGS(6|7|8|9|10|11|12) ([FGHJKLM][0-9]+)\b")
LETTER = {"6": "F", "7": "G", "8": "H", "9": "J", "10": "K", "11": "L", "12": "M"}
SKIPPED_DIRS = {".git", ".venv", ".nox", "__pycache__", "cassettes", "build", "dist"}


def _listed() -> dict[str, dict[str, str]]:
    """``{"7": {"G25": line, ...}, ...}`` from FINDINGS.md's ``## FINDINGSn`` sections."""
    sections: dict[str, dict[str, str]] = {}
    for block in re.split(r"^## ", INDEX, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        report = re.fullmatch(r"FINDINGS(6|7|8|9|10|11|12) \(round \w+\)", heading.strip())
        assert report is not None, heading
        entries = re.findall(r"^- ([FGHJKLM][0-9]+): (.+)$", body, flags=re.MULTILINE)
        ids = [finding for finding, _ in entries]
        assert len(ids) == len(set(ids)), f"FINDINGS{report.group(1)}: an id listed twice"
        sections[report.group(1)] = dict(entries)
    return sections


def _cited() -> set[tuple[str, str]]:
    cited: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*"):
        if SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix not in {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".yaml", ".yml"}:
            continue
        cited.update(CITATION.findall(path.read_text(encoding="utf-8", errors="replace")))
    return cited


def test_every_cited_finding_id_is_listed_in_findings_md() -> None:
    listed = _listed()
    cited = _cited()
    assert ("7", "G25") in cited and ("8", "H11") in cited  # the scan finds citations at all
    missing = sorted(f"FINDINGS{r} {i}" for r, i in cited if i not in listed.get(r, {}))
    assert missing == []


def test_each_report_lists_only_its_own_letter_and_names_a_test_or_says_none() -> None:
    listed = _listed()
    assert sorted(listed, key=int) == ["6", "7", "8", "9", "10", "11", "12"]
    for report, entries in listed.items():
        for finding, line in entries.items():
            assert finding[0] == LETTER[report], f"FINDINGS{report} {finding}"
            named = re.findall(r"`((?:tests/\w+/)?test_\w+\.py)`", line)
            assert named or line.endswith("No test yet."), f"FINDINGS{report} {finding}"
            for name in named:
                path = ROOT / name if "/" in name else ROOT / "tests" / "unit" / name
                assert path.is_file(), f"FINDINGS{report} {finding}: {name}"
            assert "/work" not in line and "/tmp" not in line, f"FINDINGS{report} {finding}"
