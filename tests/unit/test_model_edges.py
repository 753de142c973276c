"""Edges of the generated models (openapi/templates/types.py.jinja): ``UNSET`` survives
pickling and copying as the one object, its ``repr``, and a nested object missing a
required key named by model, attribute and key (``NestedObjectKeyError``) while ``repr``
never raises."""

from __future__ import annotations

import copy
import json
import pickle
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_client.models import CellMeasurementWithDetails
from ionworks_client.types import UNSET, NestedObjectKeyError, Unset
from ionworks_toolkit.errors import UnexpectedResponseError

sys.path.insert(0, str(Path(__file__).parent))
from test_lazy_models import INSTANCE, SPECIFICATION, measurement

ATTIA = "f943ea75-cddb-5f36-9bba-0effaf54b444"
ATTIA_FIRST = "45ddc26e-b834-53bc-8cec-9ded5eb87ae8"


def test_unset_is_one_object_through_pickle_and_copy() -> None:
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET
    assert copy.deepcopy(UNSET) is UNSET
    assert copy.copy(UNSET) is UNSET
    assert copy.deepcopy({"a": [UNSET]})["a"][0] is UNSET
    assert repr(UNSET) == "UNSET" and not UNSET and isinstance(UNSET, Unset)


def test_sandbox_measurement_round_trips_pickle_and_deepcopy(
    sandbox: Any, sandbox_toolkit: Any
) -> None:
    toolkit = sandbox_toolkit(sandbox)
    first = next(iter(toolkit.iter_measurements_by_project(ATTIA)))
    assert first.id == ATTIA_FIRST
    for again in (copy.deepcopy(first), pickle.loads(pickle.dumps(first))):
        assert again == first
        assert again.specification.anode.material.property_count is UNSET
        assert json.loads(json.dumps(again.to_dict())) == json.loads(json.dumps(first.to_dict()))
    assert "property_count=UNSET" in repr(first)
    assert "Unset object" not in repr(first)


def broken() -> CellMeasurementWithDetails:
    specification = {k: v for k, v in SPECIFICATION.items() if k != "name"}
    instance = {k: v for k, v in INSTANCE.items() if k != "id"}
    return CellMeasurementWithDetails.from_dict(
        measurement(specification=specification, instance=instance)
    )


SPEC_MESSAGE = (
    "CellMeasurementWithDetails.specification: the server's object has no 'name' "
    "(required by CellSpecificationWithComponents)"
)


@pytest.mark.parametrize(
    "read",
    [lambda m: m.to_dict(), lambda m: pickle.dumps(m), lambda m: m.specification, lambda m: m == m],
)
def test_missing_required_key_names_model_field_and_key(read: Any) -> None:
    with pytest.raises(NestedObjectKeyError) as caught:
        read(broken())
    assert str(caught.value) == SPEC_MESSAGE
    assert isinstance(caught.value, KeyError) and caught.value.args == ("name",)
    assert (caught.value.model, caught.value.field, caught.value.key) == (
        "CellMeasurementWithDetails",
        "specification",
        "name",
    )
    assert caught.value.nested == "CellSpecificationWithComponents"


def test_reading_a_present_field_names_the_missing_one() -> None:
    with pytest.raises(KeyError) as caught:
        broken().instance.name  # noqa: B018
    assert str(caught.value) == (
        "CellMeasurementWithDetails.instance: the server's object has no 'id' "
        "(required by CellInstance)"
    )


def test_missing_key_deeper_says_inside() -> None:
    error = NestedObjectKeyError("A", "b", "name", "B", {"name": "x"})
    assert str(error) == "A.b: an object inside it has no 'name' (required by its model)"


def test_repr_never_raises_and_shows_the_raw_object() -> None:
    model = broken()
    shown = repr(model)
    specification = {k: v for k, v in SPECIFICATION.items() if k != "name"}
    instance = {k: v for k, v in INSTANCE.items() if k != "id"}
    assert f"specification=<unparsed {specification!r}>" in shown
    assert f"instance=<unparsed {instance!r}>" in shown
    assert shown.startswith("CellMeasurementWithDetails(name='2019-01-24_batch9_CH36', ")
    assert shown.endswith(", additional_properties={})")
    # a good model's repr is attrs' own
    good = CellMeasurementWithDetails.from_dict(measurement())
    assert "<unparsed" not in repr(good)
    assert "specification=CellSpecificationWithComponents(name='A123 APR18650M1A'" in repr(good)


def test_export_of_a_page_with_a_broken_nested_object_names_the_item(
    make_toolkit: Any, tmp_path: Path
) -> None:
    good = measurement()
    bad = measurement(id="m1", specification="oops")
    body = {"items": [good, bad], "count": 2, "total": 2}
    toolkit = make_toolkit(lambda request: httpx.Response(200, json=body))
    out = tmp_path / "out.jsonl"
    out.write_text("keep\n")
    project = "0f1e2d3c-4b5a-4697-8887-a6b5c4d3e2f1"
    with pytest.raises(UnexpectedResponseError) as caught:
        toolkit.export(project, [f"jsonl:{out}"])
    assert str(caught.value) == (
        f"GET /cell_measurements/by-project/{project} -> 200: response does not match "
        "list_cell_measurements_by_project's schema: items[1] (id 'm1').specification: "
        "expected an object, got a string"
    )
    assert out.read_text() == "keep\n"
