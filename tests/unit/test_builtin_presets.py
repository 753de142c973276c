"""Every built-in preset selects something in the sandbox, and the README says where (issue
17, item 7): the counts below are the README's preset table, read from README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: preset -> {sandbox project: measurements selected}, only the projects where it selects some
EXPECTED = {
    "cycling-oldest-first": {
        "Severson 2019 fast-charging cycle life": 128,
        "Attia 2020 closed-loop fast-charging optimisation": 233,
        "TRI BEEP protocol test plans (Talos, Drive)": 71,
        "NASA PCoE Li-ion battery aging": 34,
    },
    "start-time-recorded": {
        "Severson 2019 fast-charging cycle life": 4,
        "Attia 2020 closed-loop fast-charging optimisation": 1,
        "TRI BEEP protocol test plans (Talos, Drive)": 1,
    },
    "lfp-cathode": {
        "Severson 2019 fast-charging cycle life": 128,
        "Attia 2020 closed-loop fast-charging optimisation": 233,
    },
    "graphite-anode": {
        "Severson 2019 fast-charging cycle life": 128,
        "Attia 2020 closed-loop fast-charging optimisation": 233,
    },
    "cylindrical-18650": {
        "Severson 2019 fast-charging cycle life": 128,
        "Attia 2020 closed-loop fast-charging optimisation": 233,
        "TRI BEEP protocol test plans (Talos, Drive)": 30,
    },
}
SHORT = {
    "Severson 2019": "Severson 2019 fast-charging cycle life",
    "Attia 2020": "Attia 2020 closed-loop fast-charging optimisation",
    "TRI BEEP": "TRI BEEP protocol test plans (Talos, Drive)",
    "NASA PCoE": "NASA PCoE Li-ion battery aging",
}


@pytest.fixture(scope="module")
def selected() -> dict[str, dict[str, int]]:
    """preset -> {project: count} over every sandbox project, through the real API."""
    from ionworks_toolkit import Toolkit
    from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread

    counts: dict[str, dict[str, int]] = {}
    with (
        run_in_thread(SandboxOptions()) as server,
        Toolkit(
            api_url=server.base_url, api_key="sandbox", load_entry_points=False, environ={}
        ) as toolkit,
    ):
        projects = [p.name for p in toolkit.list_projects()]
        assert len(projects) == 5
        for preset in toolkit.presets:
            found = {
                project: sum(
                    len(page)
                    for page in toolkit.iter_measurement_pages(project, presets=[preset.name])
                )
                for project in projects
            }
            counts[preset.name] = {k: v for k, v in found.items() if v}
    return counts


def test_every_builtin_preset_selects_something_in_the_sandbox(
    selected: dict[str, dict[str, int]],
) -> None:
    assert selected == EXPECTED
    assert all(selected.values())


def _readme_preset_table() -> dict[str, dict[str, int]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("| preset | selects |") :]
    rows: dict[str, dict[str, int]] = {}
    for line in section.splitlines()[2:]:
        if not line.startswith("| `"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = cells[0].strip("`")
        pairs = [part.rsplit(" ", 1) for part in cells[2].split(", ")]
        rows[name] = {SHORT[project]: int(count) for project, count in pairs}
    return rows


def test_the_readme_says_which_project_each_preset_selects_in(
    selected: dict[str, dict[str, Any]],
) -> None:
    assert _readme_preset_table() == selected
