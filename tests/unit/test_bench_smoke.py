"""Smoke test of ``scripts/bench.py``: its smallest pieces run and return the documented
structure (keys and units). No timing is asserted: benchmarks are run by ``nox -s bench``.

Plain functions and ``assert`` only (no pytest fixtures or marks), so the file also runs as
``python tests/unit/test_bench_smoke.py``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import httpx

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench.py"
RECORDS = 200


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ionworks_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def test_import_time_measurement_structure() -> None:
    bench = _load_bench()
    result = bench.measure_imports({"json": "import json"}, runs=1)
    assert list(result) == ["json"]
    assert set(result["json"]) == {"importtime_ms", "wall_ms"}
    assert len(result["json"]["importtime_ms"]) == 1
    assert len(result["json"]["wall_ms"]) == 1
    assert isinstance(result["json"]["importtime_ms"][0], float)
    assert isinstance(result["json"]["wall_ms"][0], float)


def test_importtime_parsing_and_chain() -> None:
    bench = _load_bench()
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       512 |        512 |   _io\n"
        "import time:        10 |         10 |         rich._extension\n"
        "import time:        20 |         30 |       rich\n"
        "import time:        40 |         70 |     httpx._main\n"
        "import time:         5 |         75 |   httpx\n"
    )
    entries = bench.parse_importtime(stderr)
    assert entries[0] == (0, "_io", 512)
    assert entries[1] == (3, "rich._extension", 10)
    assert entries[-1] == (0, "httpx", 75)
    assert bench.import_chain(entries, "rich") == [
        "rich._extension",
        "rich",
        "httpx._main",
        "httpx",
    ]
    assert bench.import_chain(entries, "pyarrow") == []


def test_tiny_export_structure() -> None:
    bench = _load_bench()
    from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread

    keys = {
        "mode",
        "target",
        "records",
        "seconds",
        "records_per_s",
        "cpu_seconds",
        "peak_rss_mib",
        "pages",
        "requests",
        "duplicates",
        "page_ms_median",
        "page_ms_p90",
        "output_bytes",
    }
    with run_in_thread(SandboxOptions(scale=RECORDS)) as server:
        projects = httpx.get(f"{server.base_url}/projects", headers={"X-API-Key": "sandbox"})
        name = bench.synthetic_project_name(RECORDS)
        project_id = next(p["id"] for p in projects.json() if p["name"] == name)
        with tempfile.TemporaryDirectory() as tmp:
            for mode in ("sync", "async"):
                result = bench.worker_export(
                    server.base_url,
                    project_id,
                    f"jsonl:{tmp}/out-{mode}.jsonl",
                    mode=mode,
                    prefetch=2,
                    working_dir=tmp,
                )
                assert set(result) == keys
                assert result["mode"] == mode
                assert result["records"] == RECORDS
                assert result["pages"] == 1
                for key in ("seconds", "records_per_s", "cpu_seconds", "peak_rss_mib"):
                    assert _is_number(result[key]), (key, result[key])
                assert result["output_bytes"] > 0
                json.dumps(result)  # what a worker prints must be JSON


def test_report_json_structure() -> None:
    bench = _load_bench()
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "bench-results.json"
        report = bench.Report(
            bench.Plan.make(True), output, time.perf_counter(), bench.machine_info(), [], {}, {}
        )
        rows = [
            bench.Row("1", "baseline", "ms", [2.0, 1.0, 3.0]),
            bench.Row("1", "ours", "ms", [4.0], "baseline", 2.0, "<= 1.3", False),
        ]
        report.add_figure("1", "per-page cost", rows, notes=["a note"])
        data = json.loads(output.read_text(encoding="utf-8"))
    expected = {"schema", "created", "mode", "plan", "machine", "total_seconds", "figures"}
    assert expected <= set(data)
    assert {"platform", "cpu_count", "python"} <= set(data["machine"])
    figure = data["figures"]["1"]
    assert figure["title"] == "per-page cost"
    assert figure["notes"] == ["a note"]
    first, second = figure["rows"]
    assert (first["median"], first["runs"], first["unit"]) == (2.0, 3, "ms")
    assert (second["ratio"], second["target"], second["met"]) == (2.0, "<= 1.3", False)


def test_compile_sources_writes_pyc_files_even_when_bytecode_writing_is_off() -> None:
    # The bench byte-compiles the project's packages before any figure, so no timed region
    # compiles them from source (PYTHONDONTWRITEBYTECODE is set on the team's machine).
    bench = _load_bench()
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "bench_compile_probe"
        (package / "sub").mkdir(parents=True)
        sources = [package / "__init__.py", package / "sub" / "__init__.py", package / "a.py"]
        for source in sources:
            source.write_text("VALUE = 1\n", encoding="utf-8")
        (package / "broken.py").write_text("def (:\n", encoding="utf-8")
        dont_write = sys.dont_write_bytecode
        sys.path.insert(0, tmp)
        sys.dont_write_bytecode = True
        try:
            info = bench.compile_sources(["bench_compile_probe", "no_such_package_here"])
        finally:
            sys.dont_write_bytecode = dont_write
            sys.path.remove(tmp)
        written = [Path(importlib.util.cache_from_source(str(s))).is_file() for s in sources]
        broken = Path(importlib.util.cache_from_source(str(package / "broken.py")))
        assert written == [True, True, True]
        assert not broken.exists()
        assert info["packages"] == {"bench_compile_probe": str(package)}
        assert (info["modules"], info["compiled"]) == (4, False)
        assert _is_number(info["cpu_seconds"]) and _is_number(info["compile_cpu_seconds"])
        note = bench.bytecode_note(info)
        assert note.startswith(
            f"bytecode: 4 modules of bench_compile_probe ({package}) byte-compiled into "
            "__pycache__ before any figure (SOME FILES FAILED TO COMPILE): every figure reads "
            ".pyc files"
        )
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "__pycache__/" in ignored  # the .pyc files never show up as changes


if __name__ == "__main__":
    for _name, _test in sorted(globals().items()):
        if _name.startswith("test_") and callable(_test):
            _test()
            print(f"ok {_name}")


def test_modules_httpx_loads_itself_are_not_counted_against_the_toolkit() -> None:
    # click and rich are dependencies, so httpx's __init__ imports httpx._main and rich.
    check = _load_bench().heavy_module_check()
    assert check["by_httpx"] == ["rich"]
    stages = {stage["stage"]: stage for stage in check["stages"]}
    assert (stages["import ionworks_toolkit"]["forbidden"], stages["Toolkit()"]["forbidden"]) == (
        [],
        [],
    )
    assert stages["Toolkit()"]["forbidden_by_httpx"] == ["rich"]
    assert stages["import ionworks_toolkit"]["forbidden_by_httpx"] == []
