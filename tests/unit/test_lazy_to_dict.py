"""``to_dict`` of a nested object never read builds no model (openapi/templates: model.py.jinja's
``to_dict_of_raw``, types.py.jinja's ``LazyModelField.to_dict_of`` and ``nested_to_dict``).

The dict must be the one the parsed models give, byte for byte as JSON (key order included):
each record is compared with the same record after every nested object was read (the models
built, as ``to_dict`` did before), on the seed endpoint's real records (tests/data and every
project of the sandbox) and on variants the tolerant reader must keep (keys in another order,
unknown keys at every level, unknown enum values, odd and unparseable date-times).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from ionworks_client.models import CellMeasurementWithDetails, Ratings
from ionworks_client.types import LazyModelField, NestedObjectKeyError

DATA = Path(__file__).resolve().parents[1] / "data"
Model = CellMeasurementWithDetails
LAZY = [name for name, value in vars(Model).items() if isinstance(value, LazyModelField)]


def read_everything(value: Any) -> Any:
    """Read every attribute, nested ones included: every lazy nested object becomes a model."""
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            read_everything(getattr(value, field.name))
    elif isinstance(value, list):
        for item in value:
            read_everything(item)
    return value


def unparsed_fields(model: Any) -> list[str]:
    """The lazy attributes of ``model`` still holding the object as sent."""
    cls = type(model)
    return sorted(
        name
        for name, attribute in vars(cls).items()
        if isinstance(attribute, LazyModelField)
        and type(attribute._slot.__get__(model, cls)).__name__ == "_Unparsed"
    )


def variants(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record as sent, then with its keys shuffled, then odd (see module docstring)."""
    rng = random.Random(7)

    def shuffled(value: Any) -> Any:
        if isinstance(value, dict):
            keys = list(value)
            rng.shuffle(keys)
            return {key: shuffled(value[key]) for key in keys}
        return [shuffled(v) for v in value] if isinstance(value, list) else value

    def odd(value: Any, depth: int = 0) -> Any:
        if isinstance(value, list):
            return [odd(v, depth + 1) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and item.endswith("Z") and len(item) >= 20:
                item = rng.choice(
                    ["not a date", item[:19], item[:19] + "+02:00", item[:19] + ".000000Z",
                     item.replace("T00", "T24"), item]
                )  # fmt: skip
            if key in ("measurement_type", "form_factor", "type", "source") and isinstance(
                item, str
            ):
                item = "zz_new_" + item
            out[key] = odd(item, depth + 1)
        out[f"future_{depth}"] = {"x": [1, 2]}
        return out

    return items + [shuffled(i) for i in items] + [odd(i) for i in items]


def assert_byte_identical(items: list[dict[str, Any]]) -> list[str]:
    """Compare every variant of ``items``; the measurement types written for the odd ones."""
    kept = []
    for number, item in enumerate(variants(items)):
        lazy = Model.from_dict(item)
        written = json.dumps(lazy.to_dict())
        assert written == json.dumps(read_everything(Model.from_dict(item)).to_dict())
        sent_objects = sorted(k for k in LAZY if isinstance(item.get(k), dict))
        assert {"instance", "specification"} <= set(sent_objects)
        assert unparsed_fields(lazy) == sent_objects  # none was built
        assert json.loads(written) == Model.record_from_dict(item)
        if number >= 2 * len(items):
            kept.append(json.loads(written)["measurement_type"])
    return kept


def test_seed_page_to_dict_is_byte_identical_and_builds_no_nested_model() -> None:
    page = json.loads((DATA / "by_project_page_severson.json").read_text("utf-8"))
    assert assert_byte_identical(page["items"]) == ["zz_new_time_series"]
    first = Model.from_dict(page["items"][0]).to_dict()
    assert list(first["specification"])[:3] == ["name", "ratings", "id"]
    assert first["created_at"] == "2024-03-05T14:07:09.123456+00:00"


@pytest.mark.sandbox
def test_every_sandbox_record_to_dict_is_byte_identical(sandbox: Any) -> None:
    headers = {"X-API-Key": "sandbox"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=60) as client:
        projects = client.get("/projects", params={"limit": 100}).json()
        items = []
        for project in projects:
            url = f"/cell_measurements/by-project/{project['id']}"
            items += client.get(url, params={"limit": 200}).json()["items"]
    assert len(items) == 633  # every measurement of the named projects + 200 of the scale one
    assert assert_byte_identical(items) == ["zz_new_time_series"] * 633


def test_a_nested_object_missing_a_key_raises_as_reading_it_would() -> None:
    page = json.loads((DATA / "by_project_page_severson.json").read_text("utf-8"))
    item = page["items"][0]
    del item["specification"]["ratings"]["capacity"]["value"]
    unread = Model.from_dict(item)
    with pytest.raises(NestedObjectKeyError) as by_to_dict:
        unread.to_dict()
    with pytest.raises(NestedObjectKeyError) as by_reading:
        read_everything(Model.from_dict(item))
    assert (
        str(by_to_dict.value)
        == str(by_reading.value)
        == ("Ratings.capacity: the server's object has no 'value' (required by Quantity)")
    )
    assert (by_to_dict.value.model, by_to_dict.value.field, by_to_dict.value.nested) == (
        "Ratings",
        "capacity",
        "Quantity",
    )
    assert by_to_dict.value.raw == {"unit": "Ah"}
    assert by_to_dict.value.args == ("value",)


def test_a_read_or_replaced_nested_object_is_written_from_its_model() -> None:
    page = json.loads((DATA / "by_project_page_severson.json").read_text("utf-8"))
    model = Model.from_dict(page["items"][0])
    model.specification.ratings = Ratings.from_dict(
        {"capacity": {"value": 2.5, "unit": "Ah"}, "nominal_voltage": {"value": 3.6, "unit": "V"}}
    )
    assert unparsed_fields(model) == ["instance", "protocol", "test_setup"]
    assert model.to_dict()["specification"]["ratings"] == {
        "capacity": {"value": 2.5, "unit": "Ah"},
        "nominal_voltage": {"value": 3.6, "unit": "V"},
    }
