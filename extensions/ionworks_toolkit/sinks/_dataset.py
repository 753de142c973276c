"""``dataset:`` sink (extra ``dataset``): a Hive-partitioned Parquet dataset written with
``pyarrow.dataset``, on the local disk or any fsspec filesystem (``s3://``, ``gs://``,
``abfs://``, ``memory://`` ...), published atomically per run.

Target: ``dataset:PATH_OR_URL[?partition_by=col1,col2&format=parquet&compression=snappy]``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

from ..errors import did_you_mean
from ._base import (
    BaseSink,
    SinkDependencyError,
    SinkRecordError,
    SinkTargetError,
    _fsync_dir,
    check_options,
    folder_name_max,
    install_hint,
    part_prefix,
    remove_stale_parts,
    stale_parts_note,
)
from ._columns import RecordSchema
from ._parquet import COMPRESSIONS, ParquetSink, check_arrow_path, preload_pyarrow

__all__ = ["MANIFEST", "DatasetSink", "make_dataset_sink", "preload_dataset"]

#: Written into the dataset's root at every publish: what the run wrote, and the marker that
#: a directory is a dataset this sink may replace (readers skip ``_``-prefixed files).
MANIFEST = "_ionworks_dataset.json"
FORMATS = ("parquet",)
INSTALL_HINT = install_hint("dataset", "pyarrow", "fsspec")
MAX_PARTITIONS = 4096
#: How many of the files the sink did not write a refusal names (then "and N more").
MAX_NAMED_FOREIGN = 5
#: A file as this sink names it: partition folders ``COLUMN=VALUE`` (values URI-encoded, so
#: never a ``/``), then ``part-RUN-N.parquet`` (RUN: 12 hex digits).
_OWN_FILE = re.compile(r"(?:[^/=]+=[^/]*/)*part-[0-9a-f]{12}-[0-9]+\.parquet\Z")
#: Columns refused as partition keys (by type; ``id`` by name), and why.
_UNFIT_PARTITIONS = {
    "id": "is the record's key: every record would get a folder of its own",
    "date-time": (
        "is a date-time column: nearly every record would get a folder of its own, and "
        "readers would get its instants back as text in another form "
        "('2024-01-01 07:43:00.000000Z', no longer a timestamp)"
    ),
    "json": (
        "is a JSON column: its folder names would be whole JSON objects, percent-encoded "
        "(a field inside it works: {name}.FIELD)"
    ),
}
#: Files a desktop (Finder, Explorer) writes by itself into a folder it shows.
_DESKTOP_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _require(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise SinkDependencyError(
            f"the dataset sink needs {module.split('.')[0]}, which is not installed: {INSTALL_HINT}"
        ) from exc


def preload_dataset() -> None:
    """:func:`~._parquet.preload_pyarrow`, and pyarrow's dataset and filesystem modules
    (for a worker thread; a module that is not installed is left to the sink's factory)."""
    preload_pyarrow()
    for module in ("pyarrow.dataset", "pyarrow.fs"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


def _is_url(target: str) -> bool:
    scheme, sep, _ = target.partition("://")
    return bool(sep) and scheme.isascii() and scheme.replace("+", "").isalnum()


class DatasetSink(BaseSink):
    """A Hive-partitioned Parquet dataset (``ROOT/measurement_type=time_series/part-....
    parquet``), replaced as a whole by each run, never left half-written.

    Rows and types are those of the ``parquet:`` sink (used inside): the spec's columns and
    types by the rule of ``sinks._columns``, the same for every run.
    ``partition_by`` columns become directory levels ``name=value`` (values URI-encoded, a
    null is ``__HIVE_DEFAULT_PARTITION__``) and leave the files, as Hive, Spark, Trino,
    DuckDB and ``pyarrow.dataset(..., partitioning="hive")`` expect.

    Publishing (``commit()``): every file of the run is first written under a staging
    prefix beside the dataset, ``PARENT/.NAME.staging-RUN/``, outside the dataset so that no
    reader ever lists it; the manifest ``_ionworks_dataset.json`` (run id, time, rows, files,
    partition columns, schema) is written last. Then:

    * local disk: two renames, ``ROOT`` -> ``.NAME.previous-RUN`` and staging -> ``ROOT``,
      then the previous copy is deleted. Between the renames (microseconds) ``ROOT`` does
      not exist; a crash exactly there leaves the previous dataset, complete, in
      ``.NAME.previous-RUN``.
    * any other filesystem (object stores have no rename): **copy-and-delete**. The staged
      files are copied into ``ROOT`` under new, run-unique names (the previous files stay),
      then the manifest is written, then the previous run's files are deleted, then the
      staging prefix. Until the manifest is written a failure deletes the copies again, so
      the previous dataset stays as it was; between the last copy and the last delete a
      reader listing ``ROOT`` sees both runs' files (the manifest names the current ones),
      and a run killed in that window leaves extra files that the next publish removes.

    A failed or aborted run deletes its staging prefix and never touches ``ROOT``. A
    directory that exists, is not empty and has no manifest is refused, never replaced; so
    is a dataset holding files this sink did not write (see :meth:`_foreign_entries`). A
    folder without a manifest has no previous output to keep (``keeps_previous_output``
    false): a failed run says "nothing written" for it.

    :raises SinkTargetError: a ``partition_by`` name that is neither a column of the record
        schema nor a field inside one of its JSON columns, or is ``id``, a date-time or a
        JSON column (at creation, before any request), a target that is a file or a foreign
        directory.
    :raises SinkDependencyError: pyarrow or (for URLs) fsspec is missing.
    """

    applies_date_rule = True  # every record goes through record_schema's rule

    stages_output = True  # published only by its commit; abort() keeps the previous output

    def __init__(
        self,
        target: str,
        *,
        partition_by: Sequence[str] = (),
        compression: str = "snappy",
        label: str | None = None,
    ) -> None:
        super().__init__(label or f"dataset:{target}")
        self._pa = _require("pyarrow")
        self._ds = _require("pyarrow.dataset")
        self._pafs = _require("pyarrow.fs")
        self.partition_by = tuple(partition_by)
        self.compression = compression
        self.run_id = uuid.uuid4().hex[:12]
        self._fs: Any = None  # fsspec filesystem for URLs; None for the local disk
        if _is_url(target) and not target.lower().startswith("file://"):
            fsspec = _require("fsspec")
            try:
                self._fs, root = fsspec.core.url_to_fs(target)
            except (ImportError, ValueError) as exc:  # e.g. s3fs not installed
                raise SinkTargetError(f"{self.label}: {exc}") from exc
            self.root = str(root).rstrip("/")
            spool_dir = Path(tempfile.gettempdir())
        else:
            local = target.removeprefix("file://")
            path = Path(os.path.realpath(Path(local).expanduser()))
            if not path.parent.is_dir():
                raise SinkTargetError(
                    f"{self.label}: directory {str(path.parent)!r} does not exist"
                )
            self.root = str(path)
            spool_dir = path.parent
        #: The longest file or folder name (bytes) the dataset's file system takes; ``None``
        #: on an fsspec filesystem (object stores limit whole keys, not names).
        self.name_max = folder_name_max(spool_dir) if self._fs is None else None
        check_arrow_path(self.label, self.root)  # before the file system sees it
        self._check_root()
        #: A folder without a manifest holds no dataset of this sink (a new or empty one):
        #: a failed run says "nothing written (no previous output to keep)" for it.
        self.keeps_previous_output = self._has_manifest()
        parent, _, name = self.root.rpartition("/")
        if not name or (self._fs is not None and not parent.strip("/")):
            raise SinkTargetError(
                f"{self.label}: give a folder inside the bucket or filesystem root, e.g. "
                "s3://bucket/measurements (the run is staged beside it)"
            )
        self._staging = f"{parent}/.{name}.staging-{self.run_id}"
        #: The rows' Parquet spool (staged as a part file beside it until the run ends).
        self._spool = spool_dir / f".{name}.dataset.parquet"
        self._check_name_length(name, folder_name_max(spool_dir))
        self._rows = ParquetSink(self._spool, label=self.label)
        self._rows.check_rows = self._check_partition_values
        self._staged_files: list[str] = []
        self.conversion = self._rows.conversion  # NaN/mismatch counts of the rows inside
        self._check_partitions()

    @property
    def location(self) -> str:
        """Where the dataset is, to tell two sinks on one dataset apart: a local folder's real
        path (``file://`` alike), else the root on its filesystem with that filesystem's own
        protocol (``memory:///lab/ds``; fsspec's first name for it, so ``s3a://b/ds`` is
        ``s3://b/ds``). Two roots that differ only in protocol are two datasets."""
        if self._fs is None:
            return self.root
        return str(self._fs.unstrip_protocol(self.root))

    def bind_schema(self, schema: RecordSchema) -> None:
        """Use ``schema`` for this run's columns (and for the Parquet rows inside)."""
        super().bind_schema(schema)
        self._check_partitions()

    # -- BaseSink hooks ----------------------------------------------------------------

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self._rows.write(records)

    def _prepare(self) -> None:
        """Phase 1: every file and the manifest written (and, locally, fsynced) under the
        staging prefix; nothing visible yet."""
        self._check_root()
        self._staged_files = self._write_staging()
        self._rows.abort()  # drops the spool; nothing of it was ever published

    def _commit(self) -> None:
        """Phase 2: publish the staged run (rename, or copy-and-delete)."""
        self._check_root()
        if self._fs is None:
            self._publish_by_rename(self._staged_files)
        else:
            self._publish_by_copy(self._staged_files)
        # The spool's part files that killed runs left (SIGKILL: nothing deleted them), as
        # every file sink removes its own (remove_stale_parts; named in describe()).
        self._stale_parts = stale_parts_note(*remove_stale_parts(self._spool))

    def _notes(self) -> str:
        return getattr(self, "_stale_parts", "")

    def _abort(self) -> None:
        self._rows.abort()
        self._remove(self._staging)

    # -- staging -----------------------------------------------------------------------

    def _arrow_fs(self) -> Any:
        if self._fs is None:
            return self._pafs.LocalFileSystem()
        return self._pafs.PyFileSystem(self._pafs.FSSpecHandler(self._fs))

    def _write_staging(self) -> list[str]:
        """Write the run's files and manifest under the staging prefix; return the files'
        paths relative to it."""
        schema = self._rows.arrow_schema
        written: list[str] = []
        fmt = self._ds.ParquetFileFormat()
        compression = None if self.compression == "none" else self.compression
        options: dict[str, Any] = {}
        if self.partition_by and self.records_written:
            part_schema = self._pa.schema([schema.field(name) for name in self.partition_by])
            options["partitioning"] = self._ds.partitioning(part_schema, flavor="hive")
        self._ds.write_dataset(
            self._rows.record_batches(),
            self._staging,
            schema=schema,
            format=fmt,
            file_options=fmt.make_write_options(compression=compression),
            filesystem=self._arrow_fs(),
            basename_template=f"part-{self.run_id}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
            max_partitions=MAX_PARTITIONS,
            file_visitor=lambda f: written.append(f.path),
            **options,
        )
        relative = sorted(p[len(self._staging) + 1 :] for p in written)
        manifest = {
            "format": "ionworks-toolkit dataset",
            "version": 1,
            "run_id": self.run_id,
            "committed_at": _dt.datetime.now(_dt.UTC).isoformat().replace("+00:00", "Z"),
            "rows": self._rows.records_written,
            "partition_by": list(self.partition_by),
            "files": relative,
            "schema": [{"name": f.name, "type": str(f.type)} for f in schema],
        }
        self._put(f"{self._staging}/{MANIFEST}", json.dumps(manifest, indent=1).encode())
        if self._fs is None:
            for rel in relative:  # durable before they become visible
                with open(f"{self._staging}/{rel}", "rb+") as fh:
                    os.fsync(fh.fileno())
        return relative

    # -- publishing --------------------------------------------------------------------

    def _publish_by_rename(self, files: list[str]) -> None:
        root = Path(self.root)
        previous = root.parent / f".{root.name}.previous-{self.run_id}"
        had_previous = root.exists()
        if had_previous:
            os.rename(root, previous)
        try:
            os.rename(self._staging, root)
        except BaseException:
            if had_previous:
                os.rename(previous, root)
            raise
        _fsync_dir(root.parent)
        if had_previous:
            shutil.rmtree(previous, ignore_errors=True)

    def _publish_by_copy(self, files: list[str]) -> None:
        fs = self._fs
        listed = self._listed_files()  # the previous run's; only the sink's files are removed
        before = [
            path
            for path in self._list(self.root)
            if (rel := path[len(self.root) + 1 :]) != MANIFEST
            and (rel in listed or _OWN_FILE.match(rel))
        ]
        copied: list[str] = []
        try:
            for rel in files:
                destination = f"{self.root}/{rel}"
                fs.makedirs(destination.rpartition("/")[0], exist_ok=True)
                fs.copy(f"{self._staging}/{rel}", destination)
                copied.append(destination)
            fs.copy(f"{self._staging}/{MANIFEST}", f"{self.root}/{MANIFEST}")
        except BaseException:
            for path in copied:
                with contextlib.suppress(Exception):
                    fs.rm(path)
            raise
        keep = {f"{self.root}/{rel}" for rel in files}
        for path in before:
            if path not in keep:
                fs.rm(path)
        self._remove(self._staging)

    # -- helpers -----------------------------------------------------------------------

    def _check_partitions(self) -> None:
        """Every ``partition_by`` name must be a column of the record schema or a path into one
        of its JSON columns (then it becomes a derived text column, see
        :meth:`RecordSchema.with_derived`); checked before any request."""
        try:
            schema = self.record_schema.with_derived(self.partition_by)
        except ValueError as exc:
            columns = self.record_schema.column_names
            unknown = next((n for n in self.partition_by if n not in columns), "")
            close = did_you_mean(unknown, columns, most=0)
            hint = f"; {close}" if close else ""
            raise SinkTargetError(f"{self.label}: partition_by {exc}{hint}") from None
        if self.partition_by and len(self.partition_by) == len(schema.column_names):
            raise SinkTargetError(f"{self.label}: every column is a partition column")
        types = {column.name: column.type for column in schema.columns}
        for name in self.partition_by:
            why = _UNFIT_PARTITIONS.get("id" if name == "id" else types[name])
            if why is not None:
                raise SinkTargetError(
                    f"{self.label}: partition_by {name!r} {why.format(name=name)}; partition "
                    "by a column with a few values, e.g. measurement_type or test_setup.cycler"
                )
        self._rows.bind_schema(schema)

    def _check_name_length(self, name: str, spool_max: int) -> None:
        """Refuse a dataset folder name too long for the names staged beside it (the spool
        ``..NAME.dataset.parquet`` and its part file, whose name shortens a long NAME, see
        :func:`part_stem`; the previous folder ``.NAME.previous-RUN``), before any request,
        giving the longest name that fits.

        :raises SinkTargetError: ``dataset:NAME: the dataset folder's name is 250 bytes: ...``
        """
        staged = [
            (self._spool.name, spool_max),
            (f"{part_prefix(self._spool)}{'x' * 8}.part", spool_max),
        ]
        if self.name_max is not None:
            staged.append((f".{name}.previous-{self.run_id}", self.name_max))
        size = len(name.encode("utf-8", "surrogateescape"))
        overs = [(len(n.encode("utf-8", "surrogateescape")) - limit, limit) for n, limit in staged]
        over, limit = max(overs)  # the name furthest over its limit gives the longest fit
        if over > 0:
            raise SinkTargetError(
                f"{self.label}: the dataset folder's name is {size} bytes: the run is "
                f"staged beside it under names {over + limit - size} bytes longer, over the "
                f"file system's {limit}-byte name limit; give a folder name of at most "
                f"{size - over} bytes"
            )

    def _check_partition_values(
        self, records: Sequence[Mapping[str, Any]], rows: list[list[Any]]
    ) -> None:
        """Refuse, at the page that holds it and before anything of the dataset is written, a
        record whose partition value makes a folder name (``COLUMN=VALUE``, the value
        URI-encoded as pyarrow writes it) longer than the file system's name limit
        (:attr:`name_max`), naming the record, the column and the sizes.

        :raises SinkRecordError: ``dataset:ds: record 'm-7' (record 7 of the run) has a
            measurement_type of 300 bytes ('LLLL...'): as the partition folder
            'measurement_type=LLLL...' it takes 317 bytes, over the file system's 255-byte
            name limit; nothing was written (partition by another column, or leave
            partition_by out)``
        """
        limit = self.name_max
        if limit is None or not self.partition_by:
            return
        columns = self._rows.record_schema.column_names
        for name in self.partition_by:
            index = columns.index(name)
            for position, row in enumerate(rows):
                value = row[index]
                if not isinstance(value, str):
                    continue  # numbers, booleans, dates: short
                folder = f"{name}={quote(value, safe='')}"
                size = len(folder.encode())
                if size <= limit:
                    continue
                record = records[position]
                number = self.records_written + position + 1
                record_id = record.get("id") if isinstance(record, Mapping) else None
                shown = f"record {record_id!r} (record {number} of the run)"
                if record_id is None:
                    shown = f"record {number} of the run"
                raise SinkRecordError(
                    f"{self.label}: {shown} has a {name} of {len(value.encode())} bytes "
                    f"({value[:20]!r}...): as the partition folder {folder[:40]!r}... it takes "
                    f"{size} bytes, over the file system's {limit}-byte name limit; nothing was "
                    "written (partition by another column, or leave partition_by out)"
                )

    def _check_root(self) -> None:
        """Refuse a target that is a file, a non-empty directory without a manifest, or a
        dataset holding files this sink did not write (:meth:`_foreign_entries`): each run
        replaces the whole folder, which would delete them."""
        if self._fs is None:
            root = Path(self.root)
            if root.exists() and not root.is_dir():
                raise SinkTargetError(f"{self.label}: {self.root!r} exists and is not a directory")
            foreign = root.is_dir() and any(root.iterdir()) and not (root / MANIFEST).exists()
        else:
            fs = self._fs
            if fs.isfile(self.root):
                raise SinkTargetError(f"{self.label}: {self.root!r} exists and is not a directory")
            foreign = (
                fs.isdir(self.root)
                and bool(fs.ls(self.root))
                and not fs.exists(f"{self.root}/{MANIFEST}")
            )
        if foreign:
            raise SinkTargetError(
                f"{self.label}: {self.root!r} is a non-empty directory that this sink did not "
                f"write (no {MANIFEST}); it is never replaced: choose a new or empty directory"
            )
        others = self._foreign_entries()
        if others:
            shown = ", ".join(others[:MAX_NAMED_FOREIGN])
            if len(others) > MAX_NAMED_FOREIGN:
                shown += f" and {len(others) - MAX_NAMED_FOREIGN} more"
            raise SinkTargetError(
                f"{self.label}: {self.root!r} holds files this sink did not write (not in its "
                f"{MANIFEST}): {shown}; each run replaces the whole "
                "dataset folder, which would delete them: move them out of it (e.g. beside "
                "it), or choose another folder; nothing was written"
            )

    def _foreign_entries(self) -> list[str]:
        """What the dataset folder holds that this sink did not write, as paths relative to
        it (``NOTES.md``; a folder holding none of the sink's files as ``my_plots/``; an empty
        folder too), sorted; ``[]`` for a new folder or one without a manifest (refused
        as a whole by :meth:`_check_root`).

        The sink's own files: the manifest, the files the manifest lists, and any file named
        as the sink names them (``[COLUMN=VALUE/...]part-RUN-N.parquet``: a run killed while
        publishing on an object store may leave files of two runs, which the next publish
        removes). Files a desktop makes by itself in every folder it shows (``.DS_Store``,
        ``._*``, ``Thumbs.db``, ``desktop.ini``) are not the user's: replaced with the rest.
        """
        files, empty = self._entries()
        if MANIFEST not in files:
            return []
        listed = self._listed_files()
        own = [rel for rel in files if rel == MANIFEST or rel in listed or _OWN_FILE.match(rel)]
        own_folders = {folder for rel in own for folder in _folders(rel)}
        named: dict[str, None] = {}
        for rel in sorted([*files, *(f"{folder}/" for folder in empty)]):
            if rel in own or rel.rpartition("/")[2] in _DESKTOP_FILES or "/._" in f"/{rel}":
                continue
            top, sep, _ = rel.partition("/")
            named[f"{top}/" if sep and top not in own_folders else rel] = None
        return list(named)

    def _entries(self) -> tuple[list[str], list[str]]:
        """The dataset folder's files and its empty folders, as ``/``-separated paths
        relative to it (an object store has no empty folders)."""
        if self._fs is None:
            files: list[str] = []
            empty: list[str] = []
            root = Path(self.root)
            if not root.is_dir():
                return [], []
            for folder, folders, names in os.walk(root):
                relative = Path(folder).relative_to(root).as_posix()
                prefix = "" if relative == "." else f"{relative}/"
                files.extend(prefix + name for name in names)
                if not folders and not names and prefix:
                    empty.append(relative)
            return files, empty
        found = self._list(self.root)
        return [p[len(self.root) + 1 :] for p in found if p.startswith(f"{self.root}/")], []

    def _has_manifest(self) -> bool:
        if self._fs is None:
            return (Path(self.root) / MANIFEST).is_file()
        return bool(self._fs.isfile(f"{self.root}/{MANIFEST}"))

    def _listed_files(self) -> set[str]:
        """The files the dataset's manifest lists (``[]`` when it cannot be read: then only
        the sink's naming tells its files apart)."""
        try:
            if self._fs is None:
                text = (Path(self.root) / MANIFEST).read_bytes()
            else:
                text = self._fs.cat_file(f"{self.root}/{MANIFEST}")
            files = json.loads(text).get("files", [])
        except (OSError, ValueError, AttributeError):
            return set()
        return {rel for rel in files if isinstance(rel, str)} if isinstance(files, list) else set()

    def _list(self, path: str) -> list[str]:
        if not self._fs.exists(path):
            return []
        return [str(p).rstrip("/") for p in self._fs.find(path)]

    def _put(self, path: str, data: bytes) -> None:
        if self._fs is None:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            self._fs.pipe_file(path, data)

    def _remove(self, path: str) -> None:
        if self._fs is None:
            shutil.rmtree(path, ignore_errors=True)
            return
        with contextlib.suppress(FileNotFoundError):
            if self._fs.exists(path):
                self._fs.rm(path, recursive=True)


def _folders(rel: str) -> list[str]:
    """The folders a relative path lies in: ``a/b/c.parquet`` -> ``["a", "a/b"]``."""
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def make_dataset_sink(target: str, options: dict[str, str]) -> DatasetSink:
    """Factory for ``dataset:PATH_OR_URL[?partition_by=a,b&format=parquet&compression=snappy]``.

    :raises SinkTargetError: an unknown option, format or compression; an empty or repeated
        ``partition_by`` name; a missing target or parent directory; a target that is a file
        or a directory this sink did not write.
    :raises SinkDependencyError: pyarrow (or fsspec, for a URL) is not installed.
    """
    check_options("dataset", options, ("compression", "format", "partition_by"))
    if not target or target == "-":
        raise SinkTargetError(
            "sink 'dataset' needs a directory or URL, e.g. "
            "dataset:measurements?partition_by=measurement_type or dataset:s3://bucket/prefix"
        )
    fmt = options.get("format", "parquet").lower()
    if fmt not in FORMATS:
        raise SinkTargetError(f"unknown dataset format {fmt!r}; allowed: {', '.join(FORMATS)}")
    compression = options.get("compression", "snappy").lower()
    if compression not in COMPRESSIONS:
        raise SinkTargetError(
            f"unknown parquet compression {compression!r}; allowed: {', '.join(COMPRESSIONS)}"
        )
    partition_by = []
    if "partition_by" in options:
        partition_by = [p.strip() for p in options["partition_by"].split(",")]
    if any(not p for p in partition_by):
        raise SinkTargetError(
            f"partition_by={options['partition_by']!r}: give column names separated by commas, "
            "e.g. partition_by=measurement_type,test_setup.cycler"
        )
    if len(set(partition_by)) != len(partition_by):
        raise SinkTargetError(f"partition_by={options['partition_by']!r} names a column twice")
    return DatasetSink(target, partition_by=partition_by, compression=compression)
