"""A ``--columns`` path into a free-form JSON column that no record has (newcomer pass: exit 6
with a ~3,000-character message listing every column). The keys of a free-form column are
known only from the records, so the check runs at commit; it shows the column empty (a display
never fails the other sinks) and the summary names the bad entry, the close matches and only
the keys seen under that column (at most 12 names)."""

from __future__ import annotations

import io
from typing import Any

from ionworks_toolkit.sinks import TableSink
from rich.console import Console


def commit_table(records: list[dict[str, Any]], columns: list[str]) -> str:
    sink = TableSink(console=Console(file=io.StringIO(), width=80), columns=columns)
    with sink:
        sink.write(records)
        sink.commit()
    return sink.describe()


WIDE = {
    "id": "m-1",
    "name": "cell 1",
    "test_setup": {"cycler": "Arbin", "channel_number": 4},
    **{f"extra_{i}": i for i in range(20)},
}


def test_a_mistyped_json_path_lists_only_the_keys_under_its_column() -> None:
    assert commit_table([WIDE], ["name", "test_setup.cyclr"]) == (
        "printed 1 of 1 records (table:; no record has column 'test_setup.cyclr' (did you "
        "mean test_setup.cycler, test_setup.channel_number?), shown empty; columns under "
        "test_setup: test_setup.cycler, test_setup.channel_number)"
    )


def test_without_a_json_column_the_first_12_columns_are_listed() -> None:
    assert commit_table([WIDE], ["zzz"]) == (
        "printed 1 of 1 records (table:; no record has column 'zzz', shown empty; columns: "
        "id, name, test_setup.cycler, test_setup.channel_number, extra_0, extra_1, extra_2, "
        "extra_3, extra_4, extra_5, extra_6, extra_7, ... (24 in all))"
    )


def test_twelve_columns_are_listed_without_an_ellipsis() -> None:
    record = {f"c{i:02}": i for i in range(12)}
    described = commit_table([record], ["zzz"])
    assert described.endswith("columns: " + ", ".join(f"c{i:02}" for i in range(12)) + ")")


def test_a_column_asked_for_twice_is_shown_once() -> None:
    console = Console(file=io.StringIO(), width=80)
    sink = TableSink(console=console, columns=["name", "id", "name"])
    assert sink.columns == ["name", "id"]
    with sink:
        sink.write([WIDE])
        sink.commit()
    header = console.file.getvalue().splitlines()[1]
    assert header.split() == ["┃", "name", "┃", "id", "┃"]
