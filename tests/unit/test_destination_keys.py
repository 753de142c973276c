"""The duplicate-destination check (``export.check_destinations``) for ``dataset:`` targets on
other filesystems and ``postgresql://`` targets naming a connection service.

* ``dataset:``: a root is keyed WITH its filesystem's protocol (it was keyed by the path
  alone, so ``dataset:/lab/ds`` and ``dataset:memory:///lab/ds`` were refused as one
  dataset); two names of one filesystem (``s3://`` and ``s3a://``) stay one dataset.
* ``service=NAME``: read from the service file as libpq reads it (it was keyed by the name:
  two names for one database were two tables, and an explicit host beside the service was
  ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec
import pytest
from fsspec.implementations.memory import MemoryFileSystem
from fsspec.spec import AbstractFileSystem
from ionworks_toolkit import ConfigurationError
from ionworks_toolkit.export import check_destinations
from ionworks_toolkit.sinks import measurements_schema
from ionworks_toolkit.sinks._dataset import make_dataset_sink
from ionworks_toolkit.sinks._postgres import make_postgres_sink, service_parameters


class LabFS(MemoryFileSystem):
    """A filesystem with two protocol names (as s3fs has ``s3`` and ``s3a``), which strips
    either the way fsspec's own filesystems do."""

    protocol = ("labfs", "labfs2")

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        return AbstractFileSystem._strip_protocol.__func__(cls, path)  # type: ignore[attr-defined,no-any-return]


class OtherFS(LabFS):
    protocol = ("otherfs",)


@pytest.fixture(autouse=True)
def filesystems() -> Iterator[None]:
    for name, cls in (("labfs", LabFS), ("labfs2", LabFS), ("otherfs", OtherFS)):
        fsspec.register_implementation(name, cls, clobber=True)
    yield
    LabFS.store.clear()
    MemoryFileSystem.store.clear()


def datasets(*targets: str) -> list[tuple[str, Any]]:
    return [(f"dataset:{t}", make_dataset_sink(t, {})) for t in targets]


def refused(sinks: list[tuple[str, Any]]) -> str:
    with pytest.raises(ConfigurationError) as caught:
        check_destinations(sinks)
    for _, sink in sinks:
        sink.abort()
    return str(caught.value)


def test_datasets_on_two_filesystems_are_two_datasets(tmp_path: Path) -> None:
    local = f"{tmp_path}/ds"
    sinks = datasets(local, f"memory://{tmp_path}/ds", f"labfs://{tmp_path}/ds", "otherfs://b/ds")
    assert [sink.root for _, sink in sinks][:2] == [local, local]  # the same path...
    assert [sink.location for _, sink in sinks] == [
        local,
        f"memory://{tmp_path}/ds",
        f"labfs://{tmp_path}/ds",
        "otherfs://b/ds",
    ]  # ...on different filesystems
    check_destinations(sinks)
    check_destinations(datasets("labfs://b/ds", "otherfs://b/ds"))


@pytest.mark.parametrize(
    ("first", "second", "where"),
    [
        ("memory://b/ds", "memory:///b/ds", "memory:///b/ds"),
        ("labfs://b/ds", "labfs2://b/ds/", "labfs://b/ds"),  # two names of one filesystem
    ],
)
def test_one_dataset_under_two_spellings_is_refused(first: str, second: str, where: str) -> None:
    assert refused(datasets(first, second)) == (
        f"sinks dataset:{first} and dataset:{second} both write to {where}; give each sink its "
        "own target"
    )


def test_a_local_dataset_by_path_and_by_file_url_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert refused(datasets("ds", f"file://{tmp_path}/ds")) == (
        f"sinks dataset:ds and dataset:file://{tmp_path}/ds both write to {tmp_path}/ds; give "
        "each sink its own target"
    )


# ------------------------------------------------------------------ postgresql services

SERVICES = """\
# the lab's databases
[cells]
host=127.0.0.1
port=5433
dbname=cells

[cells-again]
host=127.0.0.1
port=5433
dbname=cells
user=reader

[archive]
host=127.0.0.1
port=5433
dbname=archive
"""


@pytest.fixture
def service_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pg_service.conf"
    path.write_text(SERVICES)
    for name in ("PGSERVICE", "PGSYSCONFDIR", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGSERVICEFILE", str(path))
    return path


def postgres(*targets: str) -> list[tuple[str, Any]]:
    out = []
    for target in targets:
        text, _, query = target.partition("?")
        options = dict(part.split("=", 1) for part in query.split("&") if part)
        sink = make_postgres_sink(text.removeprefix("postgresql:"), options)
        sink.bind_schema(measurements_schema())
        out.append((target, sink))
    return out


def test_two_service_names_for_one_database_are_one_table(service_file: Path) -> None:
    first, second = "postgresql:?service=cells", "postgresql://lab@/?service=cells-again"
    assert refused(postgres(first, second)) == (
        f"sinks {first} and {second} both write to postgresql://127.0.0.1:5433/cells table "
        "public.measurements; give each sink its own target"
    )


def test_a_target_naming_the_services_database_itself_is_the_same_table(
    service_file: Path,
) -> None:
    first, second = "postgresql:?service=cells", "postgresql://lab@127.0.0.1:5433/cells"
    assert "both write to postgresql://127.0.0.1:5433/cells table public.measurements" in (
        refused(postgres(first, second))
    )


def test_what_the_target_names_wins_over_the_service(service_file: Path) -> None:
    sinks = postgres(
        "postgresql://lab@127.0.0.1/cells?service=cells",  # port 5433 from the service
        "postgresql://lab@db.example/cells?service=cells",  # another host: another database
        "postgresql:?service=archive",
        "postgresql://lab@127.0.0.1:5433/cells?service=archive",  # dbname from the target
        "postgresql://lab@127.0.0.1:5433/cells?service=cells&table=other",
    )
    assert [sink.table_key for _, sink in sinks] == [
        "postgresql://127.0.0.1:5433/cells table public.measurements",
        "postgresql://db.example:5433/cells table public.measurements",
        "postgresql://127.0.0.1:5433/archive table public.measurements",
        "postgresql://127.0.0.1:5433/cells table public.measurements",
        "postgresql://127.0.0.1:5433/cells table public.other",
    ]
    assert refused(sinks) == (
        "sinks postgresql://lab@127.0.0.1/cells?service=cells and "
        "postgresql://lab@127.0.0.1:5433/cells?service=archive both write to "
        "postgresql://127.0.0.1:5433/cells table public.measurements; give each sink its own "
        "target"
    )
    check_destinations([sinks[1], sinks[2], sinks[4]])


def test_pgservice_names_the_service_of_a_target_without_one(
    service_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGSERVICE", "archive")
    [(_, sink)] = postgres("postgresql:")
    assert sink.table_key == "postgresql://127.0.0.1:5433/archive table public.measurements"


def test_a_service_no_file_defines_is_keyed_by_its_name(service_file: Path) -> None:
    [(_, sink)] = postgres("postgresql://lab@127.0.0.1/cells?service=nowhere")
    assert sink.table_key == "postgresql://service nowhere/cells table public.measurements"


def test_service_files_are_read_as_libpq_reads_them(
    service_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert service_parameters("cells") == {"host": "127.0.0.1", "port": "5433", "dbname": "cells"}
    assert service_parameters("Cells") is None  # names are case-sensitive
    assert service_parameters("nowhere") is None
    system = tmp_path / "etc"
    system.mkdir()
    (system / "pg_service.conf").write_text("[cells]\nhost=system\n[shared]\nhost=shared\n")
    monkeypatch.setenv("PGSYSCONFDIR", str(system))
    assert service_parameters("cells") == {"host": "127.0.0.1", "port": "5433", "dbname": "cells"}
    assert service_parameters("shared") == {"host": "shared"}  # the system-wide file next
    service_file.write_text("[broken\nhost=x\n")  # cannot be parsed: as if it had none
    assert service_parameters("cells") == {"host": "system"}
    monkeypatch.delenv("PGSERVICEFILE")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".pg_service.conf").write_text("[cells]\nhost=home\n")
    assert service_parameters("cells") == {"host": "home"}  # ~/.pg_service.conf by default
