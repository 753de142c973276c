"""Typed frames (issue 15): ``to_arrow`` / ``to_pandas`` / ``to_polars`` on ``Toolkit`` and
``AsyncToolkit`` against the sandbox, with the Parquet sink's columns and types."""

from __future__ import annotations

import datetime as dt
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ionworks_toolkit.errors import MissingDependencyError

SEVERSON = "Severson 2019 fast-charging cycle life"
CAPACITY = "specification.ratings.capacity.value"

pytestmark = pytest.mark.sandbox


def test_to_arrow_has_the_parquet_sinks_columns_and_types(ionworks_toolkit, tmp_path) -> None:
    table = ionworks_toolkit.to_arrow(SEVERSON, page_size=50)
    assert table.num_rows == 128
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field(CAPACITY).type == pa.float64()
    assert table.schema.field("step_labels_validated").type == pa.bool_()
    assert table.schema.field("specification.cathode.material.property_count").type == pa.int64()
    assert table.schema.field("instance.date_manufactured").type == pa.date32()
    assert table.schema.field("protocol").type == pa.string()  # free-form object: JSON text
    assert [b.num_rows for b in table.to_batches()] == [50, 50, 28]  # one batch per page
    assert set(table.column(CAPACITY).to_pylist()) == {1.1}
    first = table.slice(0, 1).to_pylist()[0]
    assert first["created_at"] == dt.datetime(2024, 1, 1, 2, 7, tzinfo=dt.UTC)
    assert first["protocol"] == '{"name":"4.4C(80%)-4.4C","ambient_temperature_degc":30.0}'

    ionworks_toolkit.export(SEVERSON, [f"parquet:{tmp_path / 'm.parquet'}"], max_records=None)
    from_file = pq.read_table(tmp_path / "m.parquet")
    assert from_file.schema == table.schema
    assert from_file.sort_by("id").equals(table.sort_by("id"))


def test_to_pandas_and_to_polars(ionworks_toolkit) -> None:
    frame = ionworks_toolkit.to_pandas(SEVERSON)
    assert len(frame) == 128
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(frame[CAPACITY].dtype) == "float64"
    assert str(frame["specification.cathode.material.property_count"].dtype) == "Int64"
    assert frame.groupby("specification.cathode.material.name").size().to_dict() == {"LFP": 128}

    import polars as pl

    polars_frame = ionworks_toolkit.to_polars(SEVERSON, max_records=10)
    assert polars_frame.shape[0] == 10
    assert polars_frame.schema["created_at"] == pl.Datetime("us", "UTC")
    assert polars_frame.schema[CAPACITY] == pl.Float64


async def test_async_toolkit_frames(ionworks_sandbox) -> None:
    async with ionworks_sandbox.async_toolkit() as tk:
        table = await tk.to_arrow(SEVERSON)
        frame = await tk.to_pandas("NASA PCoE Li-ion battery aging")
        polars_frame = await tk.to_polars(SEVERSON, spec_cathode="LFP")
    assert table.num_rows == 128
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert len(frame) == 34
    assert polars_frame.shape[0] == 128


async def test_async_frames_import_their_libraries_off_the_event_loop(
    ionworks_sandbox, monkeypatch
) -> None:
    # FINDINGS7 G26: the first to_arrow of a process stalled the loop ~0.8 s importing
    # pyarrow. Each import (frames._require) now runs in a worker thread.
    import threading

    from ionworks_toolkit import frames

    loop_thread = threading.current_thread()
    where: list[tuple[str, bool]] = []
    real = frames._require

    def recording(module: str, extra: str, what: str) -> object:
        where.append((module, threading.current_thread() is loop_thread))
        return real(module, extra, what)

    monkeypatch.setattr(frames, "_require", recording)
    async with ionworks_sandbox.async_toolkit() as tk:
        await tk.to_arrow("NASA PCoE Li-ion battery aging", max_records=2)
        await tk.to_pandas("NASA PCoE Li-ion battery aging", max_records=2)
        await tk.to_polars("NASA PCoE Li-ion battery aging", max_records=2)
    assert where == [
        ("pyarrow", False),
        ("pandas", False),  # checked before any request
        ("pyarrow", False),
        ("pandas", False),  # converting the table
        ("polars", False),
        ("pyarrow", False),
        ("polars", False),
    ]


@pytest.mark.parametrize(
    ("module", "method", "extra"),
    [
        ("pandas", "to_pandas", "pandas"),
        ("polars", "to_polars", "polars"),
        ("pyarrow", "to_arrow", "parquet"),
    ],
)
def test_missing_extra_is_named_before_any_request(
    ionworks_sandbox, monkeypatch, module, method, extra
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError
    before = ionworks_sandbox.request_count
    with ionworks_sandbox.toolkit() as tk, pytest.raises(MissingDependencyError) as caught:
        getattr(tk, method)(SEVERSON)
    assert str(caught.value) == (
        f'{method} needs {module}, which is not installed: pip install "ionworks-toolkit[{extra}]"'
    )
    assert ionworks_sandbox.request_count == before


def _readme_section_blocks() -> list[str]:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = text.split("## Data frames, every project, incremental sync\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]


def test_readme_examples_run_against_the_sandbox(
    ionworks_sandbox, monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IONWORKS_API_URL", ionworks_sandbox.base_url)
    monkeypatch.setenv("IONWORKS_API_KEY", "sandbox")
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # "if installed": here it is not
    notebook, nightly = _readme_section_blocks()
    exec(compile(notebook, "README notebook example", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == "timestamp[us, tz=UTC]"
    assert "LFP    128" in printed
    nightly = nightly.replace("/data/ionworks.db", str(tmp_path / "ionworks.db"))
    exec(compile(nightly, "README nightly example", "exec"), {})
    exec(compile(nightly, "README nightly example", "exec"), {})
    first, second = capsys.readouterr().out.splitlines()
    assert first == "466 new or changed; 0 unchanged re-reads skipped"
    # 5 re-reads per project inside the 5-minute overlap (one update a minute), all unchanged
    assert second == "0 new or changed; 20 unchanged re-reads skipped"


@pytest.mark.parametrize("method", ["to_arrow", "to_pandas", "to_polars"])
def test_a_frame_takes_one_project_and_says_export_takes_several(
    ionworks_sandbox, method: str
) -> None:
    # FINDINGS7 R6: to_pandas([P, Q]) said only "got a list".
    from ionworks_toolkit import ArgumentTypeError

    before = ionworks_sandbox.request_count
    with ionworks_sandbox.toolkit() as tk, pytest.raises(ArgumentTypeError) as caught:
        getattr(tk, method)(["P", "Q"])
    assert str(caught.value) == (
        "project must be a project name or id (str) or None (IONWORKS_PROJECT_ID); got a "
        "list: ['P', 'Q'] (one project here; export() takes a list of them)"
    )
    assert ionworks_sandbox.request_count == before
