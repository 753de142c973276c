"""The sandbox's records: real public battery-cell metadata, shaped like the Ionworks API schemas.

Source data
    ``data/battery-cells.json`` (package data, read with :mod:`importlib.resources` when a
    catalogue is built, never at import time) holds 4 projects, 11 cell specifications, 463 cell
    instances and 466 measurements, every one ``measurement_type: time_series``. Provenance is in
    ``data/SOURCES.md`` (the ``raw/`` copies it names are kept in the project's shared datasets,
    not shipped). Values that the sources do not give are ``null`` and stay ``null``: in
    particular 460 of the 466 measurements have ``start_time: null``. Nothing is invented.

Records added by the sandbox (not from the dataset)
    * ``Sandbox empty project``: a project with no specification and no measurement, so that
      clients can be tested against an empty project.
    * With ``SandboxOptions.scale = N``: ``Synthetic scale project (N measurements)``. It holds
      copies ``#0, #1, ...`` of the whole real hierarchy (all 11 specifications, their 463
      instances and 466 measurements, in dataset order), truncated so that there are exactly
      ``N`` measurements; a copied record's name is the real name plus ``#<copy number>`` (for
      example ``2017-05-12_3.6C(80%)-3.6C_EL150800460514#3``) and instances or specifications
      without any measurement in the truncated last copy are not created. Copies keep the real
      record's protocol, test setup, notes, start time, batch and ratings verbatim, so every page
      has the size and shape of a real one. Synthetic records are built once per app.

Identifiers (stable across processes and apps)
    ``uuid5(SANDBOX_NAMESPACE, <name>)`` as a lower-case string, where ``<name>`` is
    ``organization:sandbox`` (every record's ``organization_id``),
    ``user:sandbox@ionworks.invalid`` (``created_by``), ``project:<project name>``,
    ``material:<material name>``, ``spec:<project name>/<specification name>``,
    ``component:<specification id>/<anode|cathode>``, ``instance:<specification id>/<instance
    name>`` and ``measurement:<instance id>/<measurement name>``.

Server-side fields (the sandbox's own, deterministic)
    Records of each kind are numbered 0, 1, 2, ... in dataset-file order (depth first: projects,
    then the empty project, then the synthetic one; specifications, instances and measurements in
    the order they appear; materials by first appearance, anode before cathode). Record *n* of a
    kind was created at ``2024-01-01T00:00:00Z + n minutes`` and last updated 30 seconds later,
    so ordering by ``created_at`` follows the dataset order. Measurements created through
    ``POST .../cell_measurements/create`` continue the measurement numbering. A component shares
    its specification's timestamps. ``created_by_email`` is ``sandbox@ionworks.invalid``.
    ``step_labels_validated`` is ``false``; ``properties``, ``file_metadata`` and
    ``measured_properties`` are ``{}``; ``tags`` is ``[]``. Specification ``properties`` carry
    ``model`` when the dataset names one; ``ratings`` keep the dataset's Quantity objects
    (``{"value": <number>, "unit": <str>}``) and leave out the ratings the dataset gives as
    ``null`` (``voltage_min``/``voltage_max`` are non-nullable in the schema). Specifications
    whose dataset entry names an anode or cathode material (``graphite``, ``LFP``) get a
    ``CellComponent`` with a nested ``Material``; the others have ``null`` there.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

__all__ = [
    "CREATED_BY_EMAIL",
    "EMPTY_PROJECT_NAME",
    "EPOCH",
    "SANDBOX_NAMESPACE",
    "Catalogue",
    "Component",
    "ConflictError",
    "Instance",
    "Material",
    "Measurement",
    "Project",
    "Spec",
    "load_dataset",
    "stable_id",
    "synthetic_project_name",
]

#: Namespace of every sandbox uuid5; it is itself
#: ``uuid5(NAMESPACE_URL, "https://sandbox.ionworks.invalid/")``.
SANDBOX_NAMESPACE = uuid.UUID("97d915cc-a7f7-5667-bab4-3d1edabd8fd0")
#: Creation time of record 0 of every kind.
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
#: ``created_by_email`` of every record.
CREATED_BY_EMAIL = "sandbox@ionworks.invalid"
#: Name of the project without measurements that the sandbox adds.
EMPTY_PROJECT_NAME = "Sandbox empty project"

_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_US = (EPOCH - _UNIX_EPOCH) // timedelta(microseconds=1)
_STEP_US = 60_000_000  # one minute between consecutive records of a kind
_UPDATE_LAG_US = 30_000_000  # updated_at = created_at + 30 s
_NS_BYTES = SANDBOX_NAMESPACE.bytes
_RATING_ORDER = ("capacity", "voltage_min", "voltage_max", "nominal_voltage")
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}
_quote = json.encoder.encode_basestring  # '"..."' with JSON escapes, non-ASCII kept


def stable_id(name: str) -> str:
    """Return ``str(uuid.uuid5(SANDBOX_NAMESPACE, name))``, computed about four times faster."""
    h = hashlib.sha1(_NS_BYTES + name.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def synthetic_project_name(n: int) -> str:
    """Name of the synthetic project that ``SandboxOptions(scale=n)`` adds."""
    return f"Synthetic scale project ({n} measurements)"


def created_us(index: int) -> int:
    """``created_at`` of record *index* of a kind, in microseconds since the Unix epoch (UTC)."""
    return _EPOCH_US + index * _STEP_US


def datetime_to_us(value: datetime) -> int:
    """Microseconds since the Unix epoch of *value*; a naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _UNIX_EPOCH) // timedelta(microseconds=1)


@functools.lru_cache(maxsize=4096)
def _iso_day(days: int) -> str:
    return (_UNIX_EPOCH + timedelta(days=days)).date().isoformat()


@functools.lru_cache(maxsize=86400)
def _iso_clock(second_of_day: int) -> str:
    hours, rest = divmod(second_of_day, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def iso(us: int) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix (microseconds only when non-zero)."""
    seconds, fraction = divmod(us, 1_000_000)
    days, second_of_day = divmod(seconds, 86400)
    text = f"{_iso_day(days)}T{_iso_clock(second_of_day)}"
    return f"{text}.{fraction:06d}Z" if fraction else f"{text}Z"


class ConflictError(Exception):
    """A record with the same name already exists under the same parent."""

    def __init__(self, message: str, existing_id: str) -> None:
        super().__init__(message)
        self.message = message
        self.existing_id = existing_id


@dataclass(slots=True, eq=False)
class Material:
    """A material (e.g. ``graphite``, ``LFP``) named by a specification's anode or cathode."""

    id: str
    name: str
    created_us: int


@dataclass(slots=True, eq=False)
class Component:
    """An anode or cathode component of one specification, made of one material."""

    id: str
    component_type: str
    material: Material
    created_us: int


@dataclass(slots=True, eq=False)
class Project:
    """A project; ``measurements`` lists every measurement under its specifications."""

    id: str
    name: str
    description: str | None
    created_us: int
    specs: list[Spec] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    #: Cached orderings of ``measurements``, keyed by ``(order_by, descending)``.
    sort_cache: dict[tuple[str, bool], list[Measurement]] = field(default_factory=dict)

    @property
    def updated_us(self) -> int:
        """``updated_at`` in microseconds since the Unix epoch."""
        return self.created_us + _UPDATE_LAG_US


@dataclass(slots=True, eq=False)
class Spec:
    """A cell specification (cell design) in one project."""

    id: str
    name: str
    project: Project
    created_us: int
    ratings: dict[str, Any]
    form_factor: str | None
    manufacturer: str | None
    model: str | None
    anode: Component | None
    cathode: Component | None
    instances: list[Instance] = field(default_factory=list)
    json_cache: str | None = None

    @property
    def updated_us(self) -> int:
        """``updated_at`` in microseconds since the Unix epoch."""
        return self.created_us + _UPDATE_LAG_US


@dataclass(slots=True, eq=False)
class Instance:
    """A physical cell (serial number or barcode) built to one specification."""

    id: str
    name: str
    spec: Spec
    created_us: int
    batch: str | None
    date_manufactured: str | None
    measurements: list[Measurement] = field(default_factory=list)

    @property
    def updated_us(self) -> int:
        """``updated_at`` in microseconds since the Unix epoch."""
        return self.created_us + _UPDATE_LAG_US


@dataclass(slots=True, eq=False)
class Measurement:
    """One test of one cell instance (protocol, cycler and channel, start time)."""

    id: str
    name: str
    instance: Instance
    created_us: int
    start_time: str | None
    start_us: int | None
    protocol: dict[str, Any]
    test_setup: dict[str, Any]
    notes: str | None
    measurement_type: str = "time_series"
    step_labels_validated: bool = False
    properties: dict[str, Any] | None = None
    file_metadata: dict[str, Any] | None = None
    tags: tuple[str, ...] = ()
    #: JSON of the fields from ``protocol`` to ``tags`` (no braces); shared by synthetic copies.
    tail: str = ""
    #: ``updated_at`` set by :meth:`Catalogue.touch_measurement` (else created_at + 30 s).
    touched_us: int | None = None

    @property
    def updated_us(self) -> int:
        """``updated_at`` in microseconds since the Unix epoch."""
        if self.touched_us is not None:
            return self.touched_us
        return self.created_us + _UPDATE_LAG_US

    @property
    def cycler(self) -> str | None:
        """``test_setup.cycler`` when it is a string, else ``None``."""
        value = self.test_setup.get("cycler")
        return value if isinstance(value, str) else None


def load_dataset() -> dict[str, Any]:
    """Read and parse the packaged ``data/battery-cells.json``."""
    package = __name__.rpartition(".")[0]
    raw = resources.files(package).joinpath("data", "battery-cells.json").read_bytes()
    data: dict[str, Any] = json.loads(raw)
    return data


def _dumps_str(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _start_us(value: str | None) -> int | None:
    if value is None:
        return None
    return datetime_to_us(datetime.fromisoformat(value))


class Catalogue:
    """Every record one sandbox app serves, with lookups by id and JSON serialisers.

    Build it with :meth:`build`. Lists keep dataset order. The ``*_record`` serialisers return
    plain JSON-compatible dicts in the snapshot's field order, datetimes as ISO 8601 strings in
    UTC with ``Z``; the ``*_json`` ones return the same content as compact JSON text, faster.
    """

    def __init__(self) -> None:
        self.organization_id = stable_id("organization:sandbox")
        self.created_by = stable_id(f"user:{CREATED_BY_EMAIL}")
        self.created_by_email = CREATED_BY_EMAIL
        self._instance_tail = (
            f'"measured_properties":{{}},"notes":null,"organization_id":"{self.organization_id}",'
            f'"created_by":"{self.created_by}","created_by_email":{_quote(CREATED_BY_EMAIL)},'
        )
        self.projects: list[Project] = []
        self.projects_by_id: dict[str, Project] = {}
        self.specs_by_id: dict[str, Spec] = {}
        self.instances_by_id: dict[str, Instance] = {}
        self.measurements_by_id: dict[str, Measurement] = {}
        self.materials: dict[str, Material] = {}
        self._spec_count = 0
        self._instance_count = 0
        self._measurement_count = 0

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, dataset: dict[str, Any] | None = None, *, scale: int | None = None) -> Catalogue:
        """Build the catalogue from *dataset* (default: the packaged one).

        Adds the empty project and, when *scale* is given, the synthetic project with exactly
        *scale* measurements.
        """
        data = load_dataset() if dataset is None else dataset
        cat = cls()
        real_rows: list[tuple[Spec, Instance, Measurement]] = []
        for raw_project in data["projects"]:
            project = cat._add_project(raw_project["name"], raw_project.get("description"))
            for raw_spec in raw_project["specifications"]:
                spec = cat._add_spec(project, raw_spec)
                for raw_instance in raw_spec["instances"]:
                    instance = cat._add_instance(
                        spec,
                        raw_instance["name"],
                        batch=raw_instance.get("batch"),
                        date_manufactured=raw_instance.get("date_manufactured"),
                    )
                    for raw_m in raw_instance["measurements"]:
                        start_time = raw_m.get("start_time")
                        m = cat._add_measurement(
                            instance,
                            raw_m["name"],
                            start_time=start_time,
                            start_us=_start_us(start_time),
                            protocol=raw_m.get("protocol") or {},
                            test_setup=raw_m.get("test_setup") or {},
                            notes=raw_m.get("notes"),
                            measurement_type=raw_m.get("measurement_type") or "time_series",
                        )
                        real_rows.append((spec, instance, m))
        cat._add_project(
            EMPTY_PROJECT_NAME,
            "Not from the dataset: an empty project added by the sandbox so that clients can be "
            "tested against a project without specifications or measurements.",
        )
        if scale is not None:
            # Many long-lived objects at once: pausing the cyclic GC roughly halves build time.
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                cat._add_synthetic_project(scale, real_rows)
            finally:
                if was_enabled:
                    gc.enable()
        return cat

    def touch_measurement(self, measurement_id: str, updated_us: int | None = None) -> Measurement:
        """Change one measurement's ``updated_at`` (an edit on the server), for tests of
        incremental sync: ``updated_us`` microseconds since the Unix epoch, default now. Only
        ``updated_at`` changes; answers cached by ``page_cache_mib`` are not invalidated.

        :raises KeyError: no measurement has ``measurement_id`` (the message names it).
        """
        measurement = self.measurements_by_id.get(measurement_id)
        if measurement is None:
            raise KeyError(f"no sandbox measurement with id {measurement_id!r}")
        if updated_us is None:
            updated_us = datetime_to_us(datetime.now(UTC))
        measurement.touched_us = updated_us
        for project in self.projects:  # orderings by updated_at are stale now
            project.sort_cache.clear()
        return measurement

    def _add_project(self, name: str, description: str | None) -> Project:
        project = Project(
            id=stable_id(f"project:{name}"),
            name=name,
            description=description,
            created_us=created_us(len(self.projects)),
        )
        self.projects.append(project)
        self.projects_by_id[project.id] = project
        return project

    def _material(self, name: str) -> Material:
        material = self.materials.get(name)
        if material is None:
            material = Material(
                id=stable_id(f"material:{name}"),
                name=name,
                created_us=created_us(len(self.materials)),
            )
            self.materials[name] = material
        return material

    def _add_spec(self, project: Project, raw: dict[str, Any]) -> Spec:
        name = raw["name"]
        spec_id = stable_id(f"spec:{project.name}/{name}")
        when = created_us(self._spec_count)
        self._spec_count += 1
        components: dict[str, Component | None] = {}
        for kind in ("anode", "cathode"):
            material_name = raw.get(kind)
            components[kind] = (
                Component(
                    id=stable_id(f"component:{spec_id}/{kind}"),
                    component_type=kind,
                    material=self._material(material_name),
                    created_us=when,
                )
                if material_name
                else None
            )
        raw_ratings = raw.get("ratings") or {}
        ratings = {k: v for k, v in raw_ratings.items() if v is not None}
        spec = Spec(
            id=spec_id,
            name=name,
            project=project,
            created_us=when,
            ratings=ratings,
            form_factor=raw.get("form_factor"),
            manufacturer=raw.get("manufacturer"),
            model=raw.get("model"),
            anode=components["anode"],
            cathode=components["cathode"],
        )
        project.specs.append(spec)
        self.specs_by_id[spec.id] = spec
        return spec

    def _add_instance(
        self, spec: Spec, name: str, *, batch: str | None, date_manufactured: str | None
    ) -> Instance:
        instance = Instance(
            id=stable_id(f"instance:{spec.id}/{name}"),
            name=name,
            spec=spec,
            created_us=created_us(self._instance_count),
            batch=batch,
            date_manufactured=date_manufactured,
        )
        self._instance_count += 1
        spec.instances.append(instance)
        self.instances_by_id[instance.id] = instance
        return instance

    def _add_measurement(self, instance: Instance, name: str, **fields: Any) -> Measurement:
        m = Measurement(
            id=stable_id(f"measurement:{instance.id}/{name}"),
            name=name,
            instance=instance,
            created_us=_EPOCH_US + self._measurement_count * _STEP_US,
            **fields,
        )
        if not m.tail:
            m.tail = self._measurement_tail(m)
        self._measurement_count += 1
        instance.measurements.append(m)
        project = instance.spec.project
        project.measurements.append(m)
        project.sort_cache.clear()
        self.measurements_by_id[m.id] = m
        return m

    def _add_synthetic_project(
        self, n: int, real_rows: list[tuple[Spec, Instance, Measurement]]
    ) -> None:
        project = self._add_project(
            synthetic_project_name(n),
            f"Not from the dataset: {n} measurements synthesised by the sandbox for benchmarks, "
            f"copies #0, #1, ... of the {len(real_rows)} real measurements with their "
            "specifications and instances (names suffixed with #<copy>).",
        )
        if not real_rows:
            return
        for copy in range(math.ceil(n / len(real_rows))):
            base = copy * len(real_rows)
            spec_src: Spec | None = None
            inst_src: Instance | None = None
            spec: Spec | None = None
            instance: Instance | None = None
            for position, (s, i, m) in enumerate(real_rows):
                if base + position >= n:
                    break
                if s is not spec_src:
                    spec_src = s
                    spec = self._copy_spec(project, s, copy)
                if i is not inst_src:
                    inst_src = i
                    assert spec is not None
                    instance = self._add_instance(
                        spec,
                        f"{i.name}#{copy}",
                        batch=i.batch,
                        date_manufactured=i.date_manufactured,
                    )
                assert instance is not None
                self._add_measurement(
                    instance,
                    f"{m.name}#{copy}",
                    start_time=m.start_time,
                    start_us=m.start_us,
                    protocol=m.protocol,
                    test_setup=m.test_setup,
                    notes=m.notes,
                    measurement_type=m.measurement_type,
                    tail=m.tail,
                )

    def _copy_spec(self, project: Project, src: Spec, copy: int) -> Spec:
        raw = {
            "name": f"{src.name}#{copy}",
            "ratings": src.ratings,
            "form_factor": src.form_factor,
            "manufacturer": src.manufacturer,
            "model": src.model,
            "anode": src.anode.material.name if src.anode else None,
            "cathode": src.cathode.material.name if src.cathode else None,
        }
        return self._add_spec(project, raw)

    # ------------------------------------------------------------------ creating

    def add_properties_measurement(
        self,
        instance: Instance,
        *,
        name: str,
        properties: dict[str, Any],
        protocol: dict[str, Any],
        start_time: datetime | None,
        test_setup: dict[str, Any],
        step_labels_validated: bool,
        notes: str | None,
        file_metadata: dict[str, Any],
        tags: tuple[str, ...],
    ) -> Measurement:
        """Create a ``properties`` measurement on *instance*, kept for the catalogue's life.

        Raises :class:`ConflictError` when the instance already has a measurement of that name.
        """
        measurement_id = stable_id(f"measurement:{instance.id}/{name}")
        if measurement_id in self.measurements_by_id:
            raise ConflictError(
                "A measurement with this name already exists on this cell instance",
                measurement_id,
            )
        start_us = None if start_time is None else datetime_to_us(start_time)
        return self._add_measurement(
            instance,
            name,
            start_time=None if start_us is None else iso(start_us),
            start_us=start_us,
            protocol=protocol,
            test_setup=test_setup,
            notes=notes,
            measurement_type="properties",
            step_labels_validated=step_labels_validated,
            properties=properties,
            file_metadata=file_metadata,
            tags=tags,
        )

    # ------------------------------------------------------------------ serialising

    def project_record(self, p: Project) -> dict[str, Any]:
        """``Project``: name, id, organization_id, created_at, updated_at, description."""
        return {
            "name": p.name,
            "id": p.id,
            "organization_id": self.organization_id,
            "created_at": iso(p.created_us),
            "updated_at": iso(p.updated_us),
            "description": p.description,
        }

    def _component_record(self, c: Component | None) -> dict[str, Any] | None:
        if c is None:
            return None
        material = c.material
        return {
            "component_type": c.component_type,
            "material_id": material.id,
            "id": c.id,
            "organization_id": self.organization_id,
            "created_at": iso(c.created_us),
            "updated_at": iso(c.created_us + _UPDATE_LAG_US),
            "properties": {},
            "material": {
                "name": material.name,
                "id": material.id,
                "organization_id": self.organization_id,
                "created_at": iso(material.created_us),
                "updated_at": iso(material.created_us + _UPDATE_LAG_US),
            },
        }

    def spec_record(self, s: Spec) -> dict[str, Any]:
        """``CellSpecificationWithComponents`` (flat ids plus nested anode/cathode components)."""
        ratings = {k: s.ratings[k] for k in _RATING_ORDER if k in s.ratings}
        ratings.update((k, v) for k, v in s.ratings.items() if k not in ratings)
        return {
            "name": s.name,
            "ratings": ratings,
            "id": s.id,
            "organization_id": self.organization_id,
            "form_factor": s.form_factor,
            "manufacturer": s.manufacturer,
            "anode_id": s.anode.id if s.anode else None,
            "cathode_id": s.cathode.id if s.cathode else None,
            "electrolyte_id": None,
            "separator_id": None,
            "case_id": None,
            "properties": {"model": s.model} if s.model else {},
            "notes": None,
            "created_by": self.created_by,
            "created_by_email": self.created_by_email,
            "instance_ids": [i.id for i in s.instances],
            "project_id": s.project.id,
            "anode": self._component_record(s.anode),
            "cathode": self._component_record(s.cathode),
            "electrolyte": None,
            "separator": None,
            "case": None,
        }

    def spec_json(self, s: Spec) -> str:
        """:meth:`spec_record` as compact JSON text, cached (specifications never change)."""
        if s.json_cache is None:
            s.json_cache = _dumps_str(self.spec_record(s))
        return s.json_cache

    def instance_record(self, i: Instance) -> dict[str, Any]:
        """``CellInstance``: batch from the dataset, ``measurement_ids`` in creation order."""
        return {
            "name": i.name,
            "id": i.id,
            "cell_specification_id": i.spec.id,
            "created_at": iso(i.created_us),
            "updated_at": iso(i.updated_us),
            "batch": i.batch,
            "date_manufactured": i.date_manufactured,
            "measured_properties": {},
            "notes": None,
            "organization_id": self.organization_id,
            "created_by": self.created_by,
            "created_by_email": self.created_by_email,
            "measurement_ids": [m.id for m in i.measurements],
        }

    def measurement_record(self, m: Measurement) -> dict[str, Any]:
        """``CellMeasurement`` (protocol, start_time, test_setup and notes from the dataset)."""
        return {
            "name": m.name,
            "id": m.id,
            "cell_instance_id": m.instance.id,
            "created_at": iso(m.created_us),
            "updated_at": iso(m.updated_us),
            **self._measurement_tail_fields(m),
        }

    def _measurement_tail_fields(self, m: Measurement) -> dict[str, Any]:
        return {
            "protocol": m.protocol,
            "start_time": m.start_time,
            "test_setup": m.test_setup,
            "step_labels_validated": m.step_labels_validated,
            "notes": m.notes,
            "measurement_type": m.measurement_type,
            "properties": m.properties if m.properties is not None else {},
            "file_metadata": m.file_metadata if m.file_metadata is not None else {},
            "organization_id": self.organization_id,
            "created_by": self.created_by,
            "created_by_email": self.created_by_email,
            "tags": list(m.tags),
        }

    def _measurement_tail(self, m: Measurement) -> str:
        return _dumps_str(self._measurement_tail_fields(m))[1:-1]

    def measurement_json(self, m: Measurement) -> str:
        """:meth:`measurement_record` as compact JSON text (fast path, same content)."""
        return (
            f'{{"name":{_quote(m.name)},"id":"{m.id}","cell_instance_id":"{m.instance.id}",'
            f'"created_at":"{iso(m.created_us)}","updated_at":"{iso(m.updated_us)}",{m.tail}}}'
        )

    def instance_json(self, i: Instance) -> str:
        """:meth:`instance_record` as compact JSON text (fast path, same content)."""
        ids = ",".join([f'"{m.id}"' for m in i.measurements])
        batch = "null" if i.batch is None else _quote(i.batch)
        made = "null" if i.date_manufactured is None else _quote(i.date_manufactured)
        return (
            f'{{"name":{_quote(i.name)},"id":"{i.id}","cell_specification_id":"{i.spec.id}",'
            f'"created_at":"{iso(i.created_us)}","updated_at":"{iso(i.updated_us)}",'
            f'"batch":{batch},"date_manufactured":{made},{self._instance_tail}'
            f'"measurement_ids":[{ids}]}}'
        )

    def measurement_item_json(self, m: Measurement) -> str:
        """A by-project page item: the measurement plus ``specification`` and ``instance``."""
        return self.measurement_items_json([m])

    def measurement_items_json(self, measurements: Iterable[Measurement]) -> str:
        """By-project items, comma-separated (a JSON array without its brackets).

        Built from fragments joined once, so the cached specification JSON is copied only once
        per item.
        """
        parts: list[str] = []
        separator = "{"
        for m in measurements:
            instance = m.instance
            parts.append(
                f'{separator}"name":{_quote(m.name)},"id":"{m.id}",'
                f'"cell_instance_id":"{instance.id}","created_at":"{iso(m.created_us)}",'
                f'"updated_at":"{iso(m.updated_us)}",{m.tail},"specification":'
            )
            parts.append(self.spec_json(instance.spec))
            parts.append(f',"instance":{self.instance_json(instance)}}}')
            separator = ",{"
        return "".join(parts)

    # ------------------------------------------------------------------ counting

    def counts(self) -> dict[str, int]:
        """Numbers of records of each kind (projects include the sandbox's own)."""
        return {
            "projects": len(self.projects),
            "cell_specifications": len(self.specs_by_id),
            "cell_instances": len(self.instances_by_id),
            "cell_measurements": len(self.measurements_by_id),
            "materials": len(self.materials),
        }
