"""One wording for every "unknown NAME" hint (``errors.did_you_mean``): the close matches
first, then always the whole list (newcomer pass: ``unknown preset 'lfp-cathod'; choose one
of: lfp-cathode`` read as the full list but listed only the close match)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ionworks_toolkit.errors import did_you_mean
from ionworks_toolkit.sinks import SinkTargetError, open_sink


def test_close_matches_then_every_choice() -> None:
    names = ["lfp-a", "lfp-b", "lfp-c", "lfp-d", "lfp-e"]
    assert did_you_mean("lfp-x", names) == (
        "did you mean lfp-e or lfp-d or lfp-c? (choices: lfp-a, lfp-b, lfp-c, lfp-d, lfp-e)"
    )
    assert did_you_mean("zzz", ["b", "a", "b"]) == "choices: b, a"  # order kept, once each
    assert did_you_mean("x", []) == "choices: (none)"
    assert did_you_mean("tabel", ["table"], label="allowed options") == (
        "did you mean table? (allowed options: table)"
    )


def test_the_cutoff_decides_what_is_close() -> None:
    assert did_you_mean("abcd", ["abxy", "zzzz"], cutoff=0.5) == (
        "did you mean abxy? (choices: abxy, zzzz)"  # ratio 0.5: close enough
    )
    assert did_you_mean("abcd", ["abxy", "zzzz"]) == "choices: abxy, zzzz"  # 0.5 < 0.6
    assert did_you_mean("abcd", ["abcx"]) == "did you mean abcx? (choices: abcx)"  # 0.75


def test_most_0_is_the_question_alone() -> None:
    assert did_you_mean("tabel", ["table", "schema"], most=0) == "did you mean table?"
    assert did_you_mean("zzz", ["table", "schema"], most=0) == ""


def test_a_long_list_is_cut_with_its_total() -> None:
    names = [f"n{i:02d}" for i in range(45)]
    assert did_you_mean("zz", names) == "choices: " + ", ".join(names[:40]) + ", ... (45 in all)"
    assert did_you_mean("zz", names[:40]) == "choices: " + ", ".join(names[:40])
    assert did_you_mean("zz", names, most=2) == "choices: n00, n01, ... (45 in all)"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "sqlite:out.db?tabel=x",
            "unknown option 'tabel' for sink 'sqlite'; did you mean table? (allowed options: "
            "table)",
        ),
        (
            "sqlit:out.db",
            "unknown sink scheme 'sqlit' in 'sqlit:out.db'; did you mean sqlite? (allowed "
            "schemes: csv, dataset, jsonl, parquet, postgres, postgresql, sqlite, table)",
        ),
    ],
)
def test_sink_options_and_schemes(target: str, message: str) -> None:
    with pytest.raises(SinkTargetError) as caught:
        open_sink(target)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("partition_by", "hint"),
    [("measurment_type", "; did you mean measurement_type?"), ("zzzz", "")],
)
def test_partition_by_suggests_a_column(tmp_path: Path, partition_by: str, hint: str) -> None:
    pytest.importorskip("pyarrow")
    target = f"dataset:{tmp_path / 'ds'}"
    with pytest.raises(SinkTargetError) as caught:
        open_sink(f"{target}?partition_by={partition_by}")
    assert str(caught.value) == (
        f"{target}: partition_by {partition_by!r} is neither a column of "
        "CellMeasurementWithDetails nor a field inside one of its JSON columns (protocol, "
        f"test_setup, properties, file_metadata, ...){hint}"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["measurements", "get", "x"], "No such command 'get'. Choose one of: list"),
        (
            ["measurement", "list"],
            "No such command 'measurement'. Did you mean measurements? (choose one of: "
            "measurements, plugins, presets, projects, sandbox, sinks)",
        ),
        (
            ["mesurements", "list"],
            "No such command 'mesurements'. Did you mean measurements? (choose one of: "
            "measurements, plugins, presets, projects, sandbox, sinks)",
        ),
        (["sinks", "lst"], "No such command 'lst'. Did you mean list? (choose one of: list)"),
    ],
)
def test_an_unknown_command_gets_the_same_wording(args: list[str], message: str) -> None:
    """FINDINGS7 G16: click's bare ``No such command 'get'.`` listed nothing. FINDINGS10
    K10: the hint after click's full stop starts with a capital (``Did you mean``)."""
    from click.testing import CliRunner
    from ionworks_toolkit.cli import main

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
