"""``dataset:`` names longer than the file system takes are refused early, naming the input
(FINDINGS7 G15).

A partition value makes a folder name ``COLUMN=VALUE`` (the value URI-encoded, as pyarrow
writes it); one longer than the file system's name limit (255 bytes here) used to fail after
the whole walk with a raw ``OSError: [Errno 36]``. Now the page holding it is refused, naming
the record, the column and the sizes, before anything of the dataset is written (the
previous dataset kept). A dataset folder whose name leaves no room for the names staged
beside it is refused when the sink is made, before any request. So are partition keys that
make a folder per record or change the column's type (``id``, date-time and JSON columns:
FINDINGS8 H8).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from ionworks_toolkit.sinks import SinkRecordError, SinkTargetError, open_sink
from ionworks_toolkit.sinks._dataset import DatasetSink
from sink_runs import export_pages, snapshot

pytestmark = pytest.mark.skipif(
    not hasattr(os, "pathconf"), reason="the name limit is asked with os.pathconf"
)


def _record(i: int, kind: str = "time_series", **extra: Any) -> dict[str, Any]:
    return {"id": f"m{i}", "measurement_type": kind, **extra}


@pytest.fixture
def limit(tmp_path: Path) -> int:
    value = os.pathconf(tmp_path, "PC_NAME_MAX")
    if value != 255:
        pytest.skip(f"the messages below are for a 255-byte name limit, not {value}")
    return value


def test_the_findings_300_character_partition_value_is_refused_at_its_page(
    tmp_path: Path, limit: int
) -> None:
    root = tmp_path / "hds"
    target = f"dataset:{root}?partition_by=measurement_type"
    export_pages(target, [[_record(1), _record(2, "file")]])
    before = snapshot(root)

    sink = open_sink(target)
    with pytest.raises(SinkRecordError) as info, sink:
        sink.write([_record(3)])
        sink.write([_record(4, "file"), _record(5, "L" * 300)])

    assert str(info.value) == (
        f"dataset:{root}: record 'm5' (record 3 of the run) has a measurement_type of 300 "
        f"bytes ('{'L' * 20}'...): as the partition folder 'measurement_type={'L' * 23}'... "
        "it takes 317 bytes, over the file system's 255-byte name limit; nothing was "
        "written (partition by another column, or leave partition_by out)"
    )
    assert sink.records_written == 1  # the page holding it was refused whole
    assert snapshot(root) == before
    assert sorted(os.listdir(tmp_path)) == ["hds"]  # no staging folder, no spool left


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("L" * 238, 255),  # measurement_type= is 17 bytes: 238 more fill the name exactly
        ("é" * 39, 251),  # é is URI-encoded as %C3%A9: 6 bytes each
        ("a b" * 59, 17 + 59 * 5),  # the space as %20: 312 bytes, refused
    ],
)
def test_the_limit_is_on_the_folder_name_as_written(
    tmp_path: Path, limit: int, value: str, size: int
) -> None:
    root = tmp_path / "ds"
    target = f"dataset:{root}?partition_by=measurement_type"
    if size > limit:
        with pytest.raises(SinkRecordError, match=f"it takes {size} bytes, over the file"):
            export_pages(target, [[_record(1, value)]])
        assert os.listdir(tmp_path) == []
        return
    export_pages(target, [[_record(1, value)]])
    (folder,) = os.listdir(root / "..")  # the dataset only
    assert len(next(p.name for p in root.iterdir() if p.is_dir()).encode()) == size
    table = ds.dataset(root, partitioning="hive").to_table()
    assert table.column("measurement_type").to_pylist() == [value]
    assert folder == "ds"


@pytest.mark.parametrize("over", [1, 18])
def test_one_byte_over_is_refused(tmp_path: Path, limit: int, over: int) -> None:
    with pytest.raises(SinkRecordError) as info:
        export_pages(
            f"dataset:{tmp_path / 'ds'}?partition_by=measurement_type",
            [[_record(1), {"measurement_type": "x" * (238 + over)}]],
        )
    assert str(info.value).startswith(
        f"dataset:{tmp_path / 'ds'}: record 2 of the run has a measurement_type of "
        f"{238 + over} bytes"
    )
    assert f"it takes {255 + over} bytes, over the file system's 255-byte" in str(info.value)


def test_a_partition_field_inside_a_json_column_is_named(tmp_path: Path, limit: int) -> None:
    target = f"dataset:{tmp_path / 'ds'}?partition_by=measurement_type,test_setup.cycler"
    record = _record(1, test_setup={"cycler": "Arbin " * 50})
    with pytest.raises(SinkRecordError) as info:
        export_pages(target, [[record]])
    assert str(info.value).startswith(
        f"dataset:{tmp_path / 'ds'}: record 'm1' (record 1 of the run) has a "
        "test_setup.cycler of 300 bytes ('Arbin Arbin Arbin Ar'...): as the partition folder "
        "'test_setup.cycler=Arbin%20Arbin%20Arbin%'... it takes 418 bytes"  # 18 + 300 + 2 per %20
    )


def test_a_null_and_short_values_are_not_checked_against_the_limit(tmp_path: Path) -> None:
    sink = export_pages(
        f"dataset:{tmp_path / 'ds'}?partition_by=measurement_type",
        [[_record(1, None), _record(2, "")]],  # type: ignore[arg-type]
    )
    assert sink.describe() == f"wrote 2 records to dataset:{tmp_path / 'ds'}"
    assert sorted(os.listdir(tmp_path / "ds")) == [
        "_ionworks_dataset.json",
        "measurement_type=",
        "measurement_type=__HIVE_DEFAULT_PARTITION__",
    ]


def test_an_object_store_has_no_name_limit(tmp_path: Path) -> None:
    sink = open_sink("dataset:memory://bucket-g15/ds?partition_by=measurement_type")
    assert isinstance(sink, DatasetSink)
    assert sink.name_max is None
    sink.write([_record(1, "L" * 300)])  # an object store limits whole keys, not names
    sink.abort()


def test_a_dataset_folder_name_that_leaves_no_room_for_its_staging_is_refused(
    tmp_path: Path, limit: int
) -> None:
    """The longest name the sink stages beside the folder is the previous folder
    (``.NAME.previous-RUN``; the spool's part file shortens a long NAME, FINDINGS10 K3): the
    longest folder name that fits is the one the message gives, and it works."""
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"dataset:{tmp_path / ('d' * 250)}")
    message = str(info.value)
    head = f"dataset:{tmp_path / ('d' * 250)}: the dataset folder's name is 250 bytes: the run is "
    assert message.startswith(head)
    fits = int(message.rpartition("give a folder name of at most ")[2].removesuffix(" bytes"))
    assert message == (
        f"{head}staged beside it under names {255 - fits} bytes longer, over the file "
        f"system's 255-byte name limit; give a folder name of at most {fits} bytes"
    )
    sink = open_sink(f"dataset:{tmp_path / 'd'}")
    assert fits == 255 - len(f"..previous-{sink.run_id}")  # type: ignore[attr-defined]
    assert os.listdir(tmp_path) == []

    export_pages(f"dataset:{tmp_path / ('d' * fits)}", [[_record(1)]])
    assert os.listdir(tmp_path) == ["d" * fits]
    with pytest.raises(SinkTargetError, match=f"name is {fits + 1} bytes"):
        open_sink(f"dataset:{tmp_path / ('d' * (fits + 1))}")


UNFIT = "partition by a column with a few values, e.g. measurement_type or test_setup.cycler"


@pytest.mark.parametrize(
    ("column", "why"),
    [
        (
            "created_at",
            "is a date-time column: nearly every record would get a folder of its own, and "
            "readers would get its instants back as text in another form ('2024-01-01 "
            "07:43:00.000000Z', no longer a timestamp)",
        ),
        (
            "instance.updated_at",
            "is a date-time column: nearly every record would get a folder of its own, and "
            "readers would get its instants back as text in another form ('2024-01-01 "
            "07:43:00.000000Z', no longer a timestamp)",
        ),
        (
            "protocol",
            "is a JSON column: its folder names would be whole JSON objects, percent-encoded "
            "(a field inside it works: protocol.FIELD)",
        ),
        ("id", "is the record's key: every record would get a folder of its own"),
    ],
)
def test_unfit_partition_columns_are_refused_before_any_request(
    tmp_path: Path, column: str, why: str
) -> None:
    """FINDINGS8 H8: ``partition_by=created_at`` turned the column into text of another form
    (``2024-01-01 07:43:00.000000Z``) with a folder per record; ``id`` and JSON columns made
    a folder per record or per JSON object."""
    target = f"dataset:{tmp_path / 'ds'}"
    with pytest.raises(SinkTargetError) as info:
        open_sink(f"{target}?partition_by=measurement_type,{column}")
    assert str(info.value) == f"{target}: partition_by {column!r} {why}; {UNFIT}"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "column",
    ["cell_instance_id", "instance.date_manufactured", "protocol.name", "step_labels_validated"],
)
def test_other_columns_and_fields_inside_json_columns_partition(
    tmp_path: Path, column: str
) -> None:
    sink = open_sink(f"dataset:{tmp_path / 'ds'}?partition_by={column}")
    sink.abort()
    assert isinstance(sink, DatasetSink)
    assert sink.partition_by == (column,)
