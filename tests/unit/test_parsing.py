"""``parsing.parse_page``: every body shape a list operation may answer, and every refusal.

Exact values: which model built each item (``from_dict`` or the export path's
``record_from_dict``), the page's offset and ``total``, and the UnexpectedResponseError's
status, method, path and message. Fake models make the path taken visible; one test runs the
generated seed models end to end.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from ionworks_client.models.cell_measurement_with_details import CellMeasurementWithDetails
from ionworks_client.models.cell_measurement_with_details_page import (
    CellMeasurementWithDetailsPage,
)
from ionworks_toolkit._codec import HAVE_MSGSPEC, JsonReadyList
from ionworks_toolkit.errors import UnexpectedResponseError
from ionworks_toolkit.parsing import parse_page

PATH = "/cell_measurements/by-project/p-1"
URL = f"https://api.example.com{PATH}?offset=40&limit=2"
OP = "list_cell_measurements_by_project"


class Item:
    """An item model: ``from_dict`` tags a model, ``record_from_dict`` a record."""

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> tuple[str, Any]:
        return ("model", src["id"])

    @classmethod
    def record_from_dict(cls, src: Mapping[str, Any]) -> tuple[str, Any]:
        return ("record", src["id"])

    @classmethod
    def is_plain_record(cls, src: Any) -> bool:
        return isinstance(src, dict) and src.get("plain") is True


class Envelope:
    """A page model (``{items, count, total}``) built from ``Item``."""

    def __init__(self, items: list[Any], total: Any) -> None:
        self.items = items
        self.total = total

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Envelope:
        return cls([Item.from_dict(x) for x in src["items"]], src.get("total"))

    @classmethod
    def record_from_dict(cls, src: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "items": [Item.record_from_dict(x) for x in src["items"]],
            "count": src.get("count"),
            "total": src.get("total"),
        }

    @classmethod
    def is_plain_record(cls, src: Any) -> bool:
        return src.get("plain") is True and all(Item.is_plain_record(x) for x in src["items"])


def respond(body: Any = None, *, content: bytes | None = None, **headers: str) -> httpx.Response:
    """A 200 answer to ``GET URL``: ``body`` as JSON, or raw ``content`` with ``headers``."""
    request = httpx.Request("GET", URL)
    if content is None:
        content, headers = json.dumps(body).encode(), {"content-type": "application/json"}
    return httpx.Response(200, content=content, headers=headers, request=request)


def parse(response: httpx.Response, *, envelope: type | None = Envelope, **kwargs: Any) -> Any:
    return parse_page(response, 40, item_model=Item, page_model=envelope, operation_id=OP, **kwargs)


def refusal(response: httpx.Response, **kwargs: Any) -> UnexpectedResponseError:
    with pytest.raises(UnexpectedResponseError) as caught:
        parse(response, **kwargs)
    error = caught.value
    assert (error.status, error.method, error.path) == (200, "GET", PATH)
    return error


PAGE = {"items": [{"id": "a"}, {"id": "b"}], "count": 2, "total": 7}


# ----------------------------------------------------------------------------- accepted shapes


def test_an_envelope_is_parsed_by_the_page_model() -> None:
    page = parse(respond(PAGE))
    assert (list(page.items), page.total, page.offset) == ([("model", "a"), ("model", "b")], 7, 40)


def test_an_envelope_as_records_is_parsed_by_the_page_records() -> None:
    page = parse(respond(PAGE), as_records=True)
    assert (page.items, page.total, page.offset) == ([("record", "a"), ("record", "b")], 7, 40)


PLAIN = [{"id": "a", "plain": True}, {"id": "b", "plain": True}]


def test_a_plain_envelope_as_records_hands_on_the_parsed_items_themselves() -> None:
    page = parse(respond({"items": PLAIN, "count": 2, "total": 7, "plain": True}), as_records=True)
    assert (page.items, page.total, page.offset) == (PLAIN, 7, 40)
    # Parsed by msgspec: JSON-ready, and plain for the item schema (the sinks skip their rules).
    assert type(page.items) is (JsonReadyList if HAVE_MSGSPEC else list)
    assert getattr(page.items, "plain_for", None) == ("Item" if HAVE_MSGSPEC else None)


def test_a_plain_envelope_with_nan_is_neither_json_ready_nor_plain() -> None:
    body = b'{"items": [{"id": "a", "plain": true, "v": NaN}], "total": 1, "plain": true}'
    page = parse(respond(content=body, **{"content-type": "application/json"}), as_records=True)
    assert (type(page.items), page.items[0]["id"], page.total) == (list, "a", 1)


def test_records_built_by_the_slow_path_are_not_plain() -> None:
    page = parse(respond({"items": PLAIN, "count": 2, "total": 7}), as_records=True)
    assert type(page.items) is (JsonReadyList if HAVE_MSGSPEC else list)
    assert getattr(page.items, "plain_for", None) is None
    page = parse(respond(PLAIN), as_records=True)  # a bare list: items checked one by one
    assert getattr(page.items, "plain_for", None) is None and page.items == PLAIN


def test_an_envelope_not_plain_as_records_is_built_by_the_page_records() -> None:
    # The envelope itself is not plain: every item goes through record_from_dict.
    page = parse(respond({"items": PLAIN, "count": 2, "total": 7}), as_records=True)
    assert (page.items, page.total) == ([("record", "a"), ("record", "b")], 7)
    # One item is not plain: so is the envelope.
    items = [PLAIN[0], {"id": "c"}]
    page = parse(respond({"items": items, "total": 5, "plain": True}), as_records=True)
    assert (page.items, page.total) == ([("record", "a"), ("record", "c")], 5)


@pytest.mark.parametrize("envelope", [Envelope, None])
def test_records_are_the_parsed_items_when_plain_else_built(envelope: type | None) -> None:
    items = [PLAIN[0], {"id": "c"}, PLAIN[1]]
    body: Any = items if envelope is Envelope else {"items": items, "total": 9}
    page = parse(respond(body), envelope=envelope, as_records=True)
    assert page.items == [PLAIN[0], ("record", "c"), PLAIN[1]]
    assert page.total == (None if envelope is Envelope else 9)
    # Models never take the records' shortcut.
    page = parse(respond(body), envelope=envelope)
    assert page.items == [("model", "a"), ("model", "c"), ("model", "b")]


@pytest.mark.parametrize("as_records", [False, True])
def test_an_envelope_with_an_invalid_total_has_no_total(as_records: bool) -> None:
    page = parse(respond({**PAGE, "total": -2}), as_records=as_records)
    assert (len(page.items), page.total) == (2, None)


@pytest.mark.parametrize(("as_records", "kind"), [(False, "model"), (True, "record")])
def test_a_bare_list_has_no_total(as_records: bool, kind: str) -> None:
    page = parse(respond([{"id": "a"}, {"id": "c"}]), as_records=as_records)
    assert (page.items, page.total, page.offset) == ([(kind, "a"), (kind, "c")], None, 40)


@pytest.mark.parametrize(("as_records", "kind"), [(False, "model"), (True, "record")])
def test_an_envelope_without_a_page_model_is_read_by_its_items(as_records: bool, kind: str) -> None:
    page = parse(respond(PAGE), envelope=None, as_records=as_records)
    assert (page.items, page.total, page.offset) == ([(kind, "a"), (kind, "b")], 7, 40)


@pytest.mark.parametrize("envelope", [Envelope, None])
@pytest.mark.parametrize("as_records", [False, True])
@pytest.mark.parametrize(
    ("total", "problem"),
    [
        (-5, "-5 (a negative number)"),
        ("34", "'34' (a string)"),
        (2.5, "2.5 (a number)"),
        (True, "True (a boolean)"),
        ([3], "[3] (an array)"),
        ({"n": 3}, "{'n': 3} (an object)"),
        ("x" * 50, "'" + "x" * 39 + "..." + " (a string)"),
        ("x" * 38, "'" + "x" * 38 + "' (a string)"),  # 40 characters shown whole
        ("x" * 39, "'" + "x" * 39 + "... (a string)"),  # 41: cut at 40
        (7, None),
        (0, None),
        (None, None),
    ],
)
def test_an_unusable_total_says_why(
    total: Any, problem: str | None, as_records: bool, envelope: type | None
) -> None:
    page = parse(respond({**PAGE, "total": total}), envelope=envelope, as_records=as_records)
    assert (page.total_problem, page.total) == (problem, total if problem is None else None)


def test_a_missing_total_is_no_problem() -> None:
    body = {"items": [{"id": "a"}]}
    assert parse(respond(body), envelope=None).total_problem is None
    assert parse(respond([{"id": "a"}])).total_problem is None


def test_without_a_page_model_an_invalid_or_missing_total_is_unknown() -> None:
    assert parse(respond({**PAGE, "total": "lots"}), envelope=None).total is None
    assert parse(respond({"items": []}), envelope=None).total is None


def test_models_are_the_default() -> None:
    page = parse_page(respond(PAGE), 0, item_model=Item, page_model=Envelope, operation_id=OP)
    assert (list(page.items), page.offset) == ([("model", "a"), ("model", "b")], 0)


def test_the_generated_seed_models() -> None:
    item = {
        "id": "m-1",
        "name": "cycle 1",
        "cell_instance_id": "ci-1",
        "created_at": None,
        "updated_at": None,
    }
    body = {"items": [item], "count": 1, "total": 1}
    kwargs: dict[str, Any] = {
        "item_model": CellMeasurementWithDetails,
        "page_model": CellMeasurementWithDetailsPage,
        "operation_id": OP,
    }
    models = parse_page(respond(body), 5, **kwargs)
    records = parse_page(respond(body), 5, as_records=True, **kwargs)
    assert isinstance(models.items[0], CellMeasurementWithDetails)
    assert (models.items[0].to_dict(), models.total, models.offset) == (item, 1, 5)
    assert (records.items, records.total, records.offset) == ([item], 1, 5)


# ----------------------------------------------------------------------------- JSON-ready records

#: What records of a page parsed by msgspec (JSON values only, floats finite) are handed on as.
READY = JsonReadyList if HAVE_MSGSPEC else list


@pytest.mark.parametrize(
    ("body", "envelope"),
    [(PAGE, Envelope), (PAGE, None), ([{"id": "a"}], Envelope)],
    ids=["envelope", "items", "list"],
)
def test_records_of_a_finite_page_are_json_ready(body: Any, envelope: type | None) -> None:
    assert type(parse(respond(body), envelope=envelope, as_records=True).items) is READY
    assert type(parse(respond(body), envelope=envelope).items) is list  # models: never


@pytest.mark.parametrize("envelope", [Envelope, None])
@pytest.mark.parametrize(
    "content",
    [
        b'{"items": [{"id": "a", "v": NaN}], "total": 1}',
        b'{"items": [{"id": "a", "v": "\\ud800"}], "total": 1}',
        b'[{"id": "a", "v": Infinity}]',
    ],
    ids=["nan", "lone-surrogate", "infinity"],
)
def test_records_of_a_page_msgspec_refuses_are_scanned(
    content: bytes, envelope: type | None
) -> None:
    response = respond(content=content, **{"content-type": "application/json"})
    page = parse(response, envelope=envelope, as_records=True)
    assert (type(page.items), page.items) == (list, [("record", "a")])


@pytest.mark.parametrize("envelope", [Envelope, None])
def test_records_of_a_page_with_integers_beyond_64_bits_stay_exact_and_json_ready(
    envelope: type | None,
) -> None:
    content = b'{"items": [{"id": "a", "v": 12345678901234567890123}], "total": 1}'
    response = respond(content=content, **{"content-type": "application/json"})
    page = parse(response, envelope=envelope, as_records=True)
    assert (type(page.items), page.items) == (READY, [("record", "a")])


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("items", "kind"),
    [
        ({"id": "a"}, "an object"),
        ("ab", "a string"),
        (True, "a boolean"),
        (None, "null"),
        (3, "a number"),
        (2.5, "a number"),
    ],
)
@pytest.mark.parametrize("envelope", [Envelope, None])
def test_items_that_are_not_an_array_are_refused(
    items: Any, kind: str, envelope: type | None
) -> None:
    error = refusal(respond({"items": items, "total": 1}), envelope=envelope)
    assert str(error) == (
        f"GET {PATH} -> 200: response does not match {OP}'s schema: items is {kind}, "
        "expected an array"
    )


@pytest.mark.parametrize("as_records", [False, True])
@pytest.mark.parametrize(
    ("body", "name"), [({"data": []}, "dict"), ("page", "str"), (3, "int"), (None, "NoneType")]
)
def test_a_body_that_is_neither_page_nor_list_is_refused(
    body: Any, name: str, as_records: bool
) -> None:
    error = refusal(respond(body), envelope=None, as_records=as_records)
    assert error.detail == f"expected a page or a list, got {name}"


@pytest.mark.parametrize("as_records", [False, True])
def test_a_scalar_body_is_refused_with_a_page_model(as_records: bool) -> None:
    error = refusal(respond("page"), as_records=as_records)
    assert error.detail == "expected a page or a list, got str"


@pytest.mark.parametrize("as_records", [False, True])
@pytest.mark.parametrize(
    ("body", "envelope"),
    [({"items": [{"name": "x"}], "total": 1}, Envelope), ([{"name": "x"}], None)],
    ids=["envelope", "list"],
)
def test_an_item_that_does_not_fit_the_model_is_refused(
    body: Any, envelope: type | None, as_records: bool
) -> None:
    error = refusal(respond(body), envelope=envelope, as_records=as_records)
    assert (
        error.detail
        == f"response does not match {OP}'s schema: items[0]: missing required key 'id'"
    )
    assert isinstance(error.__cause__, KeyError)


@pytest.mark.parametrize("as_records", [False, True])
@pytest.mark.parametrize("body", [{"total": 3}, {}])
def test_an_envelope_without_items_is_refused(body: dict[str, Any], as_records: bool) -> None:
    # FINDINGS7 G26: worded as a missing key of an item is (was "KeyError: 'items'").
    error = refusal(respond(body), as_records=as_records)
    assert error.detail == f"response does not match {OP}'s schema: missing required key 'items'"


def test_a_page_that_is_not_json_is_refused_by_its_content_type() -> None:
    error = refusal(respond(content=b"<html>busy</html>", **{"content-type": "text/html"}))
    assert str(error) == f"GET {PATH} -> 200: expected JSON, got text/html (17 bytes)"
    assert error.__cause__ is None and error.__suppress_context__


def test_a_page_that_is_not_json_without_a_content_type() -> None:
    error = refusal(respond(content=b"busy"))
    assert error.detail == "expected JSON, got no content type (4 bytes)"


def test_invalid_json_says_where_it_broke() -> None:
    content = b'{"items": [1,}'
    error = refusal(respond(content=content, **{"content-type": "application/json"}))
    assert error.detail == ("invalid JSON (application/json, 14 bytes: Expecting value at byte 13)")


# ----------------------------------------------------------------------------- located errors
# A page whose item does not fit says which item (index, id) and where in it.


def seed_item(ident: Any, **changes: Any) -> dict[str, Any]:
    """A measurement of the seed models; ``changes`` replace (``None``: drop) keys."""
    item: dict[str, Any] = {
        "name": "CH36",
        "id": ident,
        "cell_instance_id": "i-1",
        "created_at": "2024-01-04T19:05:00Z",
        "updated_at": None,
        "specification": {
            "name": "A123",
            "ratings": {"capacity": {"value": 1.1, "unit": "Ah"}},
            "id": "s-1",
            "organization_id": "o-1",
        },
    }
    item.update(changes)
    return item


def seed_refusal(items: list[Any], as_records: bool, envelope: bool = True) -> str:
    body: Any = {"items": items, "count": len(items), "total": len(items)} if envelope else items
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_page(
            respond(body),
            0,
            item_model=CellMeasurementWithDetails,
            page_model=CellMeasurementWithDetailsPage if envelope else None,
            operation_id=OP,
            as_records=as_records,
        )
    prefix = f"response does not match {OP}'s schema: "
    assert caught.value.detail.startswith(prefix)
    return caught.value.detail[len(prefix) :]


@pytest.mark.parametrize("envelope", [True, False])
@pytest.mark.parametrize("as_records", [False, True])
def test_a_nested_string_names_item_index_id_and_path(as_records: bool, envelope: bool) -> None:
    items = [seed_item("m0"), seed_item("m1", specification="oops")]
    assert seed_refusal(items, as_records, envelope) == (
        "items[1] (id 'm1').specification: expected an object, got a string"
    )


@pytest.mark.parametrize(
    ("ident", "shown"), [(7, "items[0] (id 7)"), (True, "items[0]"), (None, "items[0]")]
)
def test_an_item_that_is_not_an_object_or_has_no_usable_id(ident: Any, shown: str) -> None:
    assert seed_refusal([seed_item(ident, specification=[1])], False) == (
        f"{shown}.specification: expected an object, got an array"
    )


@pytest.mark.parametrize("as_records", [False, True])
def test_an_item_that_is_a_string(as_records: bool) -> None:
    assert seed_refusal([seed_item("m0"), "m1"], as_records) == (
        "items[1]: expected an object, got a string"
    )


def test_a_missing_nested_key_on_the_records_path_names_the_path() -> None:
    specification = seed_item("x")["specification"]
    del specification["name"]
    items = [seed_item("m0"), seed_item("m1", specification=specification)]
    assert (
        seed_refusal(items, True) == "items[1] (id 'm1').specification: missing required key 'name'"
    )


def test_a_missing_key_two_objects_deep() -> None:
    specification = seed_item("x")["specification"]
    specification["ratings"] = {"capacity": {"unit": "Ah"}}
    assert seed_refusal([seed_item("m0", specification=specification)], True) == (
        "items[0] (id 'm0').specification.ratings.capacity: missing required key 'value'"
    )


def test_a_missing_key_of_the_item_itself() -> None:
    item = seed_item("m0")
    del item["name"]
    assert seed_refusal([item], False) == "items[0] (id 'm0'): missing required key 'name'"


class Faulty(Item):
    """An item model whose ``from_dict`` raises what ``src["raise"]`` names."""

    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> tuple[str, Any]:
        errors = {"present": KeyError("id"), "bare": KeyError(), "value": ValueError("bad")}
        if "raise" in src:
            raise errors[src["raise"]]
        return ("model", src["id"])


@pytest.mark.parametrize(
    ("kind", "detail"),
    [
        ("present", "items[1] (id 'b'): KeyError: 'id'"),
        ("bare", "items[1] (id 'b'): KeyError: "),
        ("value", "items[1] (id 'b'): ValueError: bad"),
    ],
)
def test_other_errors_of_an_item_are_named_as_raised(kind: str, detail: str) -> None:
    body = [{"id": "a"}, {"id": "b", "raise": kind}]
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_page(respond(body), 0, item_model=Faulty, page_model=None, operation_id=OP)
    assert caught.value.detail == f"response does not match {OP}'s schema: {detail}"


class BrokenEnvelope(Envelope):
    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Envelope:
        raise KeyError("count")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        # the key the envelope's model asks for is not in the body: named as missing
        ({"items": [{"id": "a"}, {"id": "b"}], "total": 2}, "missing required key 'count'"),
        # it is there (the model failed otherwise): the KeyError as raised
        ({"items": [{"id": "a"}], "total": 1, "count": 1}, "KeyError: 'count'"),
    ],
)
def test_an_envelope_fault_with_every_item_fitting_names_the_envelope(
    body: dict[str, Any], detail: str
) -> None:
    error = refusal(respond(body), envelope=BrokenEnvelope)
    assert error.detail == f"response does not match {OP}'s schema: {detail}"
    assert isinstance(error.__cause__, KeyError)


class OtherBrokenEnvelope(Envelope):
    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Envelope:
        raise TypeError("count must be an int")


def test_another_envelope_fault_is_named_as_raised() -> None:
    error = refusal(respond({"items": [], "total": 0}), envelope=OtherBrokenEnvelope)
    assert error.detail == f"response does not match {OP}'s schema: TypeError: count must be an int"


class SubKeyEnvelope(Envelope):
    @classmethod
    def from_dict(cls, src: Mapping[str, Any]) -> Envelope:
        raise LookupErrorKey("count")


class LookupErrorKey(KeyError):
    """A KeyError subclass (e.g. a nested object's NestedObjectKeyError): named as raised."""


def test_a_key_error_subclass_of_the_envelope_is_named_as_raised() -> None:
    error = refusal(respond({"items": [], "total": 0}), envelope=SubKeyEnvelope)
    assert error.detail == f"response does not match {OP}'s schema: LookupErrorKey: 'count'"


def test_two_key_error_arguments_are_named_as_raised() -> None:
    class TwoArgs(Envelope):
        @classmethod
        def from_dict(cls, src: Mapping[str, Any]) -> Envelope:
            raise KeyError("count", "total")

    error = refusal(respond({"items": [], "total": 0}), envelope=TwoArgs)
    assert error.detail == (f"response does not match {OP}'s schema: KeyError: ('count', 'total')")
