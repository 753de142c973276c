"""Nested objects of the generated models are parsed on first read (openapi/templates:
model.py.jinja's lazy_construct, types.py.jinja's LazyModelField).

``from_dict`` keeps a nested JSON object as it came and the attribute parses it the first
time it is read, by any path; the model's public API (attributes, ``from_dict``, ``to_dict``,
``==``, ``repr``, ``attrs`` functions, pickling) gives what the eager parse gave.
"""

from __future__ import annotations

import ast
import copy
import pickle
from pathlib import Path
from typing import Any

import attrs
import ionworks_client.models as models_package
import pytest
from ionworks_client.models import (
    CellInstance,
    CellMeasurementProtocol,
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
    CellSpecificationWithComponents,
    Quantity,
    Ratings,
)
from ionworks_client.types import UNSET, LazyModelField

MODELS = Path(models_package.__file__).parent

SPECIFICATION = {
    "name": "A123 APR18650M1A",
    "ratings": {
        "capacity": {"value": 1.1, "unit": "Ah"},
        "nominal_voltage": {"value": 3.3, "unit": "V", "note": "datasheet"},
    },
    "id": "40a90210-858a-526b-8ac6-63e5295843b4",
    "organization_id": "b9c3b738-a984-5fc7-a4b8-09003eba2a96",
    "form_factor": "18650",
    "future_field": [1, 2],
}
INSTANCE = {
    "name": "150800719247",
    "id": "27df228e-dc27-561b-96d6-1647867a6c29",
    "cell_specification_id": "40a90210-858a-526b-8ac6-63e5295843b4",
    "created_at": "2024-01-04T18:29:00Z",
    "updated_at": None,
}


def measurement(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": "2019-01-24_batch9_CH36",
        "id": "39b6fd4f-ea1e-533b-b72a-ebfa722a1493",
        "cell_instance_id": "27df228e-dc27-561b-96d6-1647867a6c29",
        "created_at": "2024-01-04T19:05:00Z",
        "updated_at": "2024-01-04T19:05:30Z",
        "protocol": {"name": "6-5.6-4.4-3.834", "ambient_temperature_degc": 30.0},
        "specification": copy.deepcopy(SPECIFICATION),
        "instance": dict(INSTANCE),
    }
    item.update(changes)
    return item


def stored(model: Any, name: str) -> Any:
    """What the attribute's slot holds, without parsing it."""
    return getattr(type(model), name).__get__(model, type(model))


LAZY = ("protocol", "test_setup", "properties", "file_metadata", "specification", "instance")


def test_the_measurements_nested_objects_are_lazy_fields() -> None:
    lazy = sorted(
        name
        for name, value in vars(CellMeasurementWithDetails).items()
        if isinstance(value, LazyModelField)
    )
    assert lazy == sorted(LAZY)
    assert isinstance(vars(CellSpecificationWithComponents)["ratings"], LazyModelField)
    assert isinstance(vars(Ratings)["capacity"], LazyModelField)
    # every field stays an attrs field, in the declared order
    assert [f.name for f in attrs.fields(CellMeasurementWithDetails)][:6] == [
        "name", "id", "cell_instance_id", "created_at", "updated_at", "protocol",
    ]  # fmt: skip


def test_a_nested_object_is_kept_as_sent_until_first_read() -> None:
    raw = measurement()
    model = CellMeasurementWithDetails.from_dict(raw)
    held = stored(model, "specification")
    assert type(held).__name__ == "_Unparsed" and held[0] is raw["specification"]
    specification = model.specification
    assert type(specification) is CellSpecificationWithComponents
    assert (specification.name, specification.form_factor) == ("A123 APR18650M1A", "18650")
    assert specification.additional_properties == {"future_field": [1, 2]}
    assert stored(model, "specification") is specification  # parsed once, then kept
    assert model.specification is specification
    # its own nested objects are lazy in turn
    assert type(stored(specification, "ratings")).__name__ == "_Unparsed"
    capacity = specification.ratings.capacity
    assert type(capacity) is Quantity and (capacity.value, capacity.unit) == (1.1, "Ah")
    assert model.specification.ratings.nominal_voltage.additional_properties == {
        "note": "datasheet"
    }
    assert type(stored(model, "instance")).__name__ == "_Unparsed"  # not read yet
    assert model.test_setup is UNSET  # absent: UNSET as before, nothing to parse


def test_every_way_of_reading_gives_the_parsed_models() -> None:
    raw = measurement()
    lazy = CellMeasurementWithDetails.from_dict(raw)
    parsed = CellMeasurementWithDetails.from_dict(raw)
    for name in LAZY:
        getattr(parsed, name)
    assert lazy.to_dict() == CellMeasurementWithDetails.record_from_dict(raw)
    assert lazy.to_dict()["instance"]["created_at"] == "2024-01-04T18:29:00+00:00"
    fresh = CellMeasurementWithDetails.from_dict(raw)
    assert fresh == parsed and repr(fresh) == repr(parsed)
    assert "CellInstance(name='150800719247'" in repr(CellMeasurementWithDetails.from_dict(raw))
    assert attrs.asdict(CellMeasurementWithDetails.from_dict(raw)) == attrs.asdict(parsed)
    assert attrs.asdict(parsed)["protocol"]["additional_properties"]["name"] == "6-5.6-4.4-3.834"
    copied = pickle.loads(pickle.dumps(CellMeasurementWithDetails.from_dict(raw)))
    assert type(stored(copied, "instance")) is CellInstance
    # (UNSET itself does not survive pickling as the same object: compare parsed values)
    assert (copied.instance.name, copied.specification.ratings.capacity.value) == (
        "150800719247",
        1.1,
    )
    evolved = attrs.evolve(CellMeasurementWithDetails.from_dict(raw), name="renamed")
    assert evolved.instance == parsed.instance and evolved.name == "renamed"
    assert copy.copy(CellMeasurementWithDetails.from_dict(raw)).protocol == parsed.protocol


def test_a_lazy_attribute_can_be_set_and_deleted() -> None:
    model = CellMeasurementWithDetails.from_dict(measurement())
    protocol = CellMeasurementProtocol.from_dict({"name": "CC-CV"})
    model.protocol = protocol
    assert model.protocol is protocol and stored(model, "protocol") is protocol
    model.instance = UNSET
    assert model.instance is UNSET and "instance" not in model.to_dict()
    del model.specification
    with pytest.raises(AttributeError):
        model.specification  # noqa: B018
    built = CellMeasurementWithDetails(
        name="n", id="i", cell_instance_id="c", created_at=None, updated_at=None,
        protocol=protocol,
    )  # fmt: skip
    assert built.protocol is protocol and built.specification is UNSET


def test_a_nested_object_missing_a_required_key_fails_when_read() -> None:
    specification = {k: v for k, v in SPECIFICATION.items() if k != "name"}
    model = CellMeasurementWithDetails.from_dict(measurement(specification=specification))
    assert model.name == "2019-01-24_batch9_CH36"
    with pytest.raises(KeyError, match="'name'"):
        model.specification  # noqa: B018
    with pytest.raises(KeyError, match="'name'"):
        model.to_dict()
    with pytest.raises(KeyError, match="'name'"):  # the records path raises the same
        CellMeasurementWithDetails.record_from_dict(measurement(specification=specification))
    assert type(stored(model, "specification")).__name__ == "_Unparsed"  # still as sent


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("CC-CV", ValueError, "dictionary update sequence element #0"),
        (3, TypeError, "'int' object is not iterable"),
    ],
)
def test_a_nested_value_that_is_not_an_object_fails_in_from_dict(
    value: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        CellMeasurementWithDetails.from_dict(measurement(protocol=value))
    with pytest.raises(error, match=message):
        CellMeasurementWithDetails.from_dict(measurement(instance=value))


@pytest.mark.parametrize("name", LAZY)
def test_a_null_nested_object_is_kept_as_none_by_every_path(name: str) -> None:
    """Tolerant reader (nulls kept): ``"protocol": null`` is ``None`` when read, in
    ``to_dict`` (the object never read, and read), ``==``, ``repr``, pickling and copying;
    ``record_from_dict`` and ``to_dict_of_raw`` keep it too."""
    raw = measurement(**{name: None})
    model = CellMeasurementWithDetails.from_dict(raw)
    assert stored(model, name) is None
    present = {} if name not in ("specification", "instance") else measurement()[name]
    expected = CellMeasurementWithDetails.from_dict(measurement(**{name: present})).to_dict()
    expected[name] = None  # in the same place
    assert model.to_dict() == expected  # written without reading it
    assert list(model.to_dict()) == list(expected)
    assert CellMeasurementWithDetails.record_from_dict(raw) == expected
    assert CellMeasurementWithDetails.to_dict_of_raw(raw) == expected
    assert getattr(model, name) is None
    assert model.to_dict() == expected  # and after reading it
    assert f"{name}=None" in repr(model)
    assert pickle.loads(pickle.dumps(model)) == model == copy.deepcopy(model)
    assert model != CellMeasurementWithDetails.from_dict(measurement())


def test_a_null_in_a_required_nested_object_is_kept_too() -> None:
    """``ratings`` is required by CellSpecificationWithComponents: a null is kept all the same
    (a missing key still raises); so is a null Quantity inside the ratings."""
    raw = {**SPECIFICATION, "ratings": None}
    spec = CellSpecificationWithComponents.from_dict(raw)
    assert spec.ratings is None
    assert spec.to_dict()["ratings"] is None
    assert CellSpecificationWithComponents.record_from_dict(raw)["ratings"] is None
    assert CellSpecificationWithComponents.is_plain_record(raw) is True
    with pytest.raises(KeyError, match="'ratings'"):
        CellSpecificationWithComponents.from_dict({"name": "no ratings"})
    ratings = Ratings.from_dict({"capacity": None, "nominal_voltage": {"value": 3.3, "unit": "V"}})
    assert ratings.capacity is None
    assert ratings.nominal_voltage.value == 3.3  # type: ignore[union-attr]
    assert ratings.to_dict() == {"capacity": None, "nominal_voltage": {"value": 3.3, "unit": "V"}}


def test_a_page_keeps_its_items_nested_objects_unparsed() -> None:
    page = CellMeasurementWithDetailsPage.from_dict(
        {"items": [measurement(), measurement(id="m-2")], "count": 2, "total": 2}
    )
    assert [item.id for item in page.items] == ["39b6fd4f-ea1e-533b-b72a-ebfa722a1493", "m-2"]
    assert all(type(stored(i, "specification")).__name__ == "_Unparsed" for i in page.items)
    assert page.items[1].instance.name == "150800719247"


def test_lazy_fields_are_exactly_the_nested_objects_from_dict_leaves_unparsed() -> None:
    """In every model module: the names given to lazy_fields() are the attributes from_dict
    assigns unparsed((...)), each parsed by the from_dict of the class it would have called."""
    modules = 0
    for path in sorted(MODELS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deferred: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "unparsed((" in ast.unparse(node.body[0]):
                (target,) = node.body[0].targets  # type: ignore[attr-defined]
                tail = node.orelse  # past `elif ... is None:` (a null is kept) to the else
                while len(tail) == 1 and isinstance(tail[0], ast.If):
                    tail = tail[0].orelse
                called = tail[0].value.func.value.id  # type: ignore[attr-defined]
                deferred[target.id] = called
        calls = [
            node
            for node in tree.body
            if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) == "lazy_fields"
        ]
        if not deferred:
            assert not calls, path.stem
            continue
        modules += 1
        (call,) = calls
        given = {kw.arg: ast.unparse(kw.value) for kw in call.value.keywords}  # type: ignore[attr-defined]
        assert given == {name: f"{cls}.from_dict" for name, cls in deferred.items()}, path.stem
    assert modules >= 15
