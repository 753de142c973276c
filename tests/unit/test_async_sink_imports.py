"""An async export never imports pyarrow (or psycopg) on its event loop.

Opening a ``parquet:`` or ``dataset:`` sink imports pyarrow: several hundred milliseconds in
which a coroutine would hold the event loop, and every other task on it, still. The
``AsyncToolkit``'s exports import what the sinks import when they are built and first write
(``sinks.BUILTIN_SINK_PRELOADS``: pyarrow, and pandas, which pyarrow imports on its first
array, when installed) in a worker thread first (``export.sink_preloads``), then build the
sinks on the loop. Shown without timing: in a fresh interpreter an import hook records which
thread looks up each module of pyarrow, pandas, numpy, psycopg and fsspec; none is looked up
by the loop's thread, from the start of the export to its end, and the output holds every
record.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import Toolkit
from ionworks_toolkit.export import run_preloads, sink_preloads
from ionworks_toolkit.sinks import BUILTIN_SINKS, JsonlSink, SinkDependencyError
from ionworks_toolkit.sinks._dataset import preload_dataset
from ionworks_toolkit.sinks._parquet import make_parquet_sink, preload_pyarrow
from ionworks_toolkit.sinks._postgres import preload_psycopg

FACTORIES = {scheme: (factory, "builtin") for scheme, factory in BUILTIN_SINKS.items()}

# The child: a recording import hook, then one async export over a mock API (3 measurements
# per project; 1 project for export_projects). Prints what the hook saw, as JSON.
CHILD = r"""
import asyncio, json, sys, threading

looked_up = []  # (module, thread id), for the modules of the sinks' dependencies
FAMILIES = ("pyarrow", "pandas", "numpy", "psycopg", "fsspec")


class Recorder:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FAMILIES:
            looked_up.append((name, threading.get_ident()))
        return None  # the other finders import it


sys.meta_path.insert(0, Recorder())

import httpx
from ionworks_toolkit import AsyncToolkit

verb, sinks, projects = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
PROJECT = {
    "name": "P", "id": "8a81f47b-7411-5823-ba42-4b954f060318",
    "organization_id": "b9c3b738-a984-5fc7-a4b8-09003eba2a96",
    "created_at": "2024-01-01T00:04:00Z", "updated_at": "2024-01-01T00:04:30Z",
}


def answer(request):
    if request.url.path == "/projects":
        return httpx.Response(200, json={"items": [PROJECT], "count": 1, "total": 1})
    offset = int(request.url.params.get("offset", 0))
    items = [
        {"id": f"{request.url.path[-4:]}-{i}", "name": f"m {i}", "cell_instance_id": "c",
         "created_at": None, "updated_at": None}
        for i in range(3)
    ][offset:]
    return httpx.Response(200, json={"items": items, "count": len(items), "total": 3})


async def main():
    loop_thread = threading.get_ident()
    before = sorted(name for name in sys.modules if name.split(".")[0] in FAMILIES)
    async with AsyncToolkit(
        api_url="https://api.example.com", api_key="k", max_retries=0,
        transport=httpx.MockTransport(answer), load_entry_points=False, environ={},
    ) as toolkit:
        if verb == "export_projects":
            result = await toolkit.export_projects(sinks)
        else:
            result = await toolkit.export(projects, sinks)
    on_loop = [name for name, thread in looked_up if thread == loop_thread]
    elsewhere = sorted({name for name, thread in looked_up if thread != loop_thread})
    return {"before": before, "on_loop": on_loop, "elsewhere": elsewhere,
            "records": result.records}


print(json.dumps(asyncio.run(main())))
"""


def _child(tmp_path: Path, verb: str, sinks: list[str], projects: Any) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, verb, json.dumps(sinks), json.dumps(projects)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


P1 = "00000000-0000-0000-0000-00000000aaaa"
P2 = "00000000-0000-0000-0000-00000000bbbb"


@pytest.mark.parametrize(
    ("verb", "sinks", "projects", "records", "read"),
    [
        ("export", ["out.parquet"], P1, 3, "out.parquet"),
        ("export", ["dataset:ds", "out.jsonl"], P1, 3, "ds"),
        ("export", ["out.parquet"], [P1, P2], 6, "out.parquet"),  # several projects: bulk.py
        ("export_projects", ["projects.parquet"], None, 1, "projects.parquet"),
    ],
    ids=["export-parquet", "export-dataset", "export-several-projects", "export-projects"],
)
def test_pyarrow_is_imported_off_the_event_loop(
    tmp_path: Path, verb: str, sinks: list[str], projects: Any, records: int, read: str
) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow
    import pyarrow.dataset

    seen = _child(tmp_path, verb, sinks, projects)
    assert seen["before"] == []  # nothing imported it before the export
    assert seen["on_loop"] == []  # and the loop's thread never looked one up
    assert {"pyarrow", "pyarrow.parquet" if read.endswith("parquet") else "pyarrow.dataset"} <= set(
        seen["elsewhere"]
    )
    assert seen["records"] == records
    table = pyarrow.dataset.dataset(str(tmp_path / read), format="parquet").to_table()
    assert isinstance(table, pyarrow.Table) and table.num_rows == records


def test_sink_preloads_names_what_the_built_in_sinks_import(tmp_path: Path) -> None:
    ready = JsonlSink(tmp_path / "ready.jsonl")  # a ready sink imports nothing more
    targets: list[Any] = [
        "out.csv",
        "out.parquet",
        "dataset:ds",
        "parquet:again.parquet",  # the same preload: once
        "postgresql://u@localhost/db",
        "nosuch:x",  # does not parse: left to open_sinks, which names it
        ready,
    ]
    assert sink_preloads(targets, FACTORIES) == [preload_pyarrow, preload_dataset, preload_psycopg]
    assert sink_preloads(["a.jsonl", "b.db", "table:", "csv:-", "x.csv"], FACTORIES) == []
    ready.abort()


def test_a_plugin_factory_for_a_built_in_scheme_declares_nothing() -> None:
    def mine(target: str, options: dict[str, str]) -> Any:
        raise AssertionError("not called")

    assert sink_preloads(["parquet:x.parquet"], {"parquet": (mine, "plugin acme")}) == []


def test_a_preload_that_fails_is_left_to_the_factory() -> None:
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise ImportError("no module named pyarrow")

    def fine() -> None:
        ran.append("fine")

    run_preloads([broken, fine])  # no error: the factory meets it and reports it
    assert ran == ["broken", "fine"]


def test_without_pyarrow_the_preload_does_nothing_and_the_factory_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # None in sys.modules: ImportError
    preload_pyarrow()
    preload_dataset()
    with pytest.raises(SinkDependencyError, match=r"^the parquet sink needs pyarrow, which "):
        make_parquet_sink(str(tmp_path / "x.parquet"), {})


def test_a_sync_toolkit_imports_no_pyarrow_to_open_other_sinks() -> None:
    # The rule scripts/bench.py checks, in a fresh interpreter: Toolkit() imports no pyarrow.
    code = (
        "import sys\nfrom ionworks_toolkit import Toolkit\n"
        "Toolkit(api_key='k', load_entry_points=False, environ={}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pyarrow'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")
    assert Toolkit.__name__ == "Toolkit"
