"""A bad preset in ``ionworks-toolkit.toml`` stops only the commands that use it (FINDINGS6 F11).

The named input: ``[presets.bad]`` with ``spec_cathod = "x"``; ``measurements list ... --limit
1`` (no ``--preset``) and ``presets list`` exited 2 on it. Now they run after one warning, and
``--preset bad`` fails with the reason, naming the file, the preset and the allowed values,
once: not also as the warning (FINDINGS11 L12).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from ionworks_toolkit.cli import main

SEVERSON = "Severson 2019 fast-charging cycle life"
CHOICES = (
    "measurement_type, name, created_by_email, start_time, start_time_gt, start_time_lt, "
    "created_at, created_at_gt, created_at_lt, updated_at, updated_at_gt, updated_at_lt, "
    "spec_name, instance_name, spec_id, cell_instance_id, spec_anode, spec_cathode, order_by, "
    "order"
)


def reason(path: Path) -> str:
    return (
        "preset bad: 'spec_cathod' is not a parameter of list_cell_measurements_by_project; "
        f"did you mean spec_cathode or spec_anode or spec_id? (choices: {CHOICES})"
    )


def warning(path: Path) -> str:
    return (
        f"warning: config file {path}: preset left out as invalid (a command that uses it "
        f"fails with this reason): 'bad' ({reason(path)})"
    )


def write(tmp_path: Path) -> Path:
    path = tmp_path / "ionworks-toolkit.toml"
    path.write_text('[presets.bad]\nspec_cathod = "x"\n')
    return path


def test_a_command_not_using_the_bad_preset_runs_after_one_warning(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path)
    result = runner.invoke(
        main, ["--sandbox", "measurements", "list", SEVERSON, "--limit", "1", "--sink", "o.jsonl"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        warning(path),
        "wrote 1 record to jsonl:o.jsonl",
        "listed 1 of 128 measurements (--limit 1; use --all for every measurement)",
    ]


def test_presets_list_runs_without_the_bad_preset(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path)
    result = runner.invoke(main, ["--sandbox", "presets", "list"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [warning(path)]
    names = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("│ ")]
    assert "bad" not in names
    assert "lfp-cathode" in names


def test_a_command_using_the_bad_preset_fails_with_the_reason(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path)
    result = runner.invoke(
        main,
        ["--sandbox", "measurements", "list", SEVERSON, "--preset", "bad", "--sink", "o.jsonl"],
    )
    assert result.exit_code == 2
    # FINDINGS11 L12: once, as the error; the warning said the same before it.
    assert result.stderr.splitlines() == [f"error: config file {path}: {reason(path)}"]
    assert not (tmp_path / "o.jsonl").exists()


def test_presets_show_of_the_bad_preset_fails_once_with_the_reason(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path)
    result = runner.invoke(main, ["--sandbox", "presets", "show", "bad"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: config file {path}: {reason(path)}"]
    assert result.stdout == ""


def test_the_warning_still_names_a_bad_preset_the_command_does_not_use(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path)
    path.write_text('[presets.bad]\nspec_cathod = "x"\n[presets.other]\nnmae = "a"\n')
    result = runner.invoke(
        main,
        ["--sandbox", "measurements", "list", SEVERSON, "--preset", "bad", "--sink", "o.jsonl"],
    )
    assert result.exit_code == 2
    other = (
        "preset other: 'nmae' is not a parameter of list_cell_measurements_by_project; did you "
        f"mean name? (choices: {CHOICES})"
    )
    assert result.stderr.splitlines() == [
        f"warning: config file {path}: preset left out as invalid (a command that uses it "
        f"fails with this reason): 'other' ({other})",
        f"error: config file {path}: {reason(path)}",
    ]
