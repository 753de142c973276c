"""Contract tests for the generated ``ionworks_client`` (seed operation: list by project).

The generated package is never edited by hand; these tests pin what the generator produced from
the snapshot plus overlays, so that a regeneration that changes behaviour fails here. No network:
every request goes to an ``httpx.MockTransport``.
"""

from __future__ import annotations

import copy
import datetime
import enum
import importlib.util
import inspect
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

try:
    import ionworks_client
except ImportError:  # not installed (editable): fall back to the in-repo package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "generated_client"))
    import ionworks_client

from ionworks_client import Client
from ionworks_client.api.cell_measurements import list_cell_measurements_by_project as seed
from ionworks_client.errors import UnexpectedStatus
from ionworks_client.models import (
    CellMeasurementWithDetails,
    CellMeasurementWithDetailsPage,
    ComponentType,
    HTTPValidationError,
    MeasurementType,
)
from ionworks_client.models.list_cell_measurements_by_project_order import (
    ListCellMeasurementsByProjectOrder as Order,
)
from ionworks_client.models.list_cell_measurements_by_project_order_by import (
    ListCellMeasurementsByProjectOrderBy as OrderBy,
)
from ionworks_client.types import UNSET, Unset
from ionworks_toolkit.constants import MAX_PAGE_SIZE

DATA = Path(__file__).resolve().parents[1] / "data"
BASE_URL = "https://api.ionworks.test"
SEED_PATH = "/cell_measurements/by-project/{project_id}"


def _seed_operation() -> dict[str, Any]:
    document = json.loads(
        (Path(ionworks_client.__file__).parent / "openapi.json").read_text("utf-8")
    )
    return document["paths"][SEED_PATH]["get"]  # type: ignore[no-any-return]


# Read from the shipped spec, not pinned: these tests follow a regeneration
# (test_seed_parameters_in_the_shipped_openapi_json checks it against snapshot + overlays).
QUERY_PARAMETERS = [p["name"] for p in _seed_operation()["parameters"] if p["in"] == "query"]
ORDER_BY_VALUES = next(
    p["schema"]["enum"] for p in _seed_operation()["parameters"] if p["name"] == "order_by"
)
DEFAULT_QUERY = b"limit=25&offset=0&order_by=created_at&order=desc"
HTML_502 = b"<html><body>502 Bad Gateway</body></html>"


# --------------------------------------------------------------------------- helpers


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], *, raise_on_unexpected_status: bool = False
) -> Client:
    return Client(
        base_url=BASE_URL,
        raise_on_unexpected_status=raise_on_unexpected_status,
        httpx_args={"transport": httpx.MockTransport(handler)},
    )


class Recorder:
    """A MockTransport handler that records requests and answers with a fixed response."""

    def __init__(self, status: int = 200, **response: Any) -> None:
        self.status = status
        self.response = response or {"json": {"items": [], "count": 0, "total": 0}}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, **self.response)


def respond(status: int, **response: Any) -> Client:
    return make_client(Recorder(status, **response))


def openapi_document() -> dict[str, Any]:
    return json.loads((Path(ionworks_client.__file__).parent / "openapi.json").read_text("utf-8"))


def severson_page() -> dict[str, Any]:
    return json.loads((DATA / "by_project_page_severson.json").read_text("utf-8"))


def severson_item(**changes: Any) -> dict[str, Any]:
    item = severson_page()["items"][0]
    item.update(changes)
    return item


# --------------------------------------------------------------------------- 1. parameters


@pytest.mark.parametrize("function_name", ["sync_detailed", "sync", "asyncio_detailed", "asyncio"])
def test_seed_functions_take_the_path_parameter_client_and_every_query_parameter(
    function_name: str,
) -> None:
    parameters = inspect.signature(getattr(seed, function_name)).parameters
    assert list(parameters) == ["project_id", "client", *QUERY_PARAMETERS]
    assert parameters["project_id"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert parameters["project_id"].default is inspect.Parameter.empty
    assert all(
        parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
        for name in ["client", *QUERY_PARAMETERS]
    )


def test_seed_signature_defaults() -> None:
    """Each argument defaults to the spec's default (enum members for enums), else UNSET."""
    parameters = inspect.signature(seed.sync_detailed).parameters
    for spec_parameter in _seed_operation()["parameters"]:
        if spec_parameter["in"] != "query":
            continue
        default = parameters[spec_parameter["name"]].default
        if "default" not in spec_parameter["schema"]:
            assert default is UNSET, spec_parameter["name"]
        elif isinstance(default, enum.Enum):
            assert default.value == spec_parameter["schema"]["default"]
        else:
            assert default == spec_parameter["schema"]["default"]
    assert parameters["limit"].default == 25  # the snapshot's values, as a spot check
    assert parameters["order_by"].default is OrderBy.CREATED_AT


def test_seed_enums_have_exactly_the_spec_values() -> None:
    schemas = openapi_document()["components"]["schemas"]
    assert sorted(m.value for m in MeasurementType) == sorted(schemas["MeasurementType"]["enum"])
    assert sorted(m.value for m in OrderBy) == sorted(ORDER_BY_VALUES)
    (order,) = [p for p in _seed_operation()["parameters"] if p["name"] == "order"]
    assert sorted(m.value for m in Order) == sorted(order["schema"]["enum"])


def _overlaid_snapshot() -> dict[str, Any]:
    """The published snapshot with every overlay applied, by ``scripts/regenerate.py``'s own
    functions: what the generator was given."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "regenerate.py"
    loader = importlib.util.spec_from_file_location("ionworks_regenerate", script)
    assert loader is not None and loader.loader is not None
    regen = sys.modules.get(loader.name)
    if regen is None:
        regen = importlib.util.module_from_spec(loader)
        sys.modules[loader.name] = regen  # dataclasses resolve their module through it
        loader.loader.exec_module(regen)
    raw = regen.load_spec(regen.snapshot_path())
    return regen.prepare(raw, regen.overlay_files()).effective  # type: ignore[no-any-return]


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter schema without its ``anyOf [X, null]`` wrapper and ``$ref``."""
    (member,) = [m for m in schema.get("anyOf", [schema]) if m.get("type") != "null"]
    if "$ref" in member:
        name = member["$ref"].rsplit("/", 1)[-1]
        return document["components"]["schemas"][name]  # type: ignore[no-any-return]
    return member  # type: ignore[no-any-return]


def test_seed_parameters_in_the_shipped_openapi_json() -> None:
    """The shipped spec's seed operation is the snapshot's with the overlays applied, and it
    has what the generated signature and the toolkit rely on. Every expected value is read
    from the snapshot and overlays (nothing pinned), so a spec change fails here only when it
    breaks one of these rules."""
    expected = _overlaid_snapshot()["paths"][SEED_PATH]["get"]
    document = openapi_document()
    operation = document["paths"][SEED_PATH]["get"]
    assert operation["operationId"] == expected["operationId"] == seed.__name__.rsplit(".", 1)[1]
    assert operation["parameters"] == expected["parameters"]

    parameters = {p["name"]: p for p in operation["parameters"]}
    path_names = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
    assert path_names == re.findall(r"\{([^}]+)\}", SEED_PATH)
    assert all(parameters[name]["required"] is True for name in path_names)
    assert [p["name"] for p in expected["parameters"] if p["in"] == "query"] == QUERY_PARAMETERS
    # The paginator pages with limit/offset: integers with bounds and defaults.
    limit = _resolved(document, parameters["limit"]["schema"])
    offset = _resolved(document, parameters["offset"]["schema"])
    assert limit["type"] == offset["type"] == "integer"
    assert limit["minimum"] >= 1 and offset["minimum"] == 0
    assert limit["maximum"] == MAX_PAGE_SIZE  # constants.MAX_PAGE_SIZE comes from here
    assert limit["minimum"] <= parameters["limit"]["schema"]["default"] <= limit["maximum"]
    # Ordering: enums whose default is one of their values (the CLI's choices).
    for name in ("order_by", "order"):
        schema = _resolved(document, parameters[name]["schema"])
        assert schema["default"] in schema["enum"], name
    assert _resolved(document, parameters["order_by"]["schema"])["enum"] == ORDER_BY_VALUES
    # Every query parameter is optional, as the CLI and presets assume.
    assert not any(parameters[name].get("required") for name in QUERY_PARAMETERS)
    measurement_type = _resolved(document, parameters["measurement_type"]["schema"])
    assert sorted(m.value for m in MeasurementType) == sorted(measurement_type["enum"])


# --------------------------------------------------------------------------- 1. outgoing request


def test_unset_filters_are_not_sent() -> None:
    recorder = Recorder()
    seed.sync_detailed("p-1", client=make_client(recorder))
    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.raw_path == b"/cell_measurements/by-project/p-1?" + DEFAULT_QUERY
    assert request.url.query == DEFAULT_QUERY


def test_none_filters_are_dropped_like_unset_ones() -> None:
    """There is no way to send an explicit null: None is filtered out like UNSET."""
    recorder = Recorder()
    seed.sync_detailed("p-1", client=make_client(recorder), measurement_type=None, name=None)
    assert recorder.requests[0].url.query == DEFAULT_QUERY


def test_several_filters_send_exactly_those() -> None:
    recorder = Recorder()
    seed.sync_detailed(
        "p-1",
        client=make_client(recorder),
        measurement_type=MeasurementType.TIME_SERIES,
        limit=100,
        offset=200,
        name="ilike.%3.6C(80%)%",
        spec_cathode="eq.LFP",
        start_time_gt="2017-05-12T00:00:00+00:00",
        order_by=OrderBy.START_TIME,
        order=Order.ASC,
    )
    (request,) = recorder.requests
    assert request.url.query == (
        b"measurement_type=time_series&limit=100&offset=200&name=ilike.%253.6C%2880%25%29%25"
        b"&start_time_gt=2017-05-12T00%3A00%3A00%2B00%3A00&spec_cathode=eq.LFP"
        b"&order_by=start_time&order=asc"
    )
    assert request.url.params.multi_items() == [
        ("measurement_type", "time_series"),
        ("limit", "100"),
        ("offset", "200"),
        ("name", "ilike.%3.6C(80%)%"),
        ("start_time_gt", "2017-05-12T00:00:00+00:00"),
        ("spec_cathode", "eq.LFP"),
        ("order_by", "start_time"),
        ("order", "asc"),
    ]


async def test_async_variant_sends_the_same_request() -> None:
    recorder = Recorder()
    parsed = await seed.asyncio("p-1", client=make_client(recorder), spec_name="eq.A123")
    assert isinstance(parsed, CellMeasurementWithDetailsPage)
    assert recorder.requests[0].url.raw_path == (
        b"/cell_measurements/by-project/p-1?"
        + DEFAULT_QUERY.replace(b"&order_by", b"&spec_name=eq.A123&order_by")
    )


# --------------------------------------------------------------------------- 2. path encoding


def test_project_id_is_percent_encoded_into_one_path_segment() -> None:
    recorder = Recorder()
    seed.sync_detailed("a/b c%d?e", client=make_client(recorder))
    (request,) = recorder.requests
    path, _, query = request.url.raw_path.partition(b"?")
    assert path == b"/cell_measurements/by-project/a%2Fb%20c%25d%3Fe"
    assert query == DEFAULT_QUERY
    assert request.url.path == "/cell_measurements/by-project/a/b c%d?e"  # decoded view


def _operations_with_path_parameters() -> list[tuple[str, str, list[str]]]:
    """(module name, path, path parameter names) of every operation, read from the spec."""
    import importlib
    import pkgutil

    import ionworks_client.api as api

    modules = {
        info.name.rsplit(".", 1)[-1]: info.name
        for info in pkgutil.walk_packages(api.__path__, prefix="ionworks_client.api.")
    }
    out = []
    for path, item in openapi_document()["paths"].items():
        for operation in item.values():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if names:
                module = importlib.import_module(modules[operation["operationId"]])
                out.append((module.__name__, path, names))
    return out


PATH_OPERATIONS = _operations_with_path_parameters()


def test_path_parameter_operations_are_found_from_the_spec() -> None:
    seed_module = "ionworks_client.api.cell_measurements.list_cell_measurements_by_project"
    assert (seed_module, SEED_PATH, ["project_id"]) in PATH_OPERATIONS
    assert len({module for module, _, _ in PATH_OPERATIONS}) == len(PATH_OPERATIONS)


@pytest.mark.parametrize("value", ["..", ".", ""])
@pytest.mark.parametrize(
    ("module_name", "path", "names"), PATH_OPERATIONS, ids=[m for m, _, _ in PATH_OPERATIONS]
)
def test_dot_segments_never_address_another_endpoint(
    module_name: str, path: str, names: list[str], value: str
) -> None:
    """``sync_detailed("..")`` would send GET /cell_measurements (httpx resolves dot segments):
    every path parameter of every operation refuses "", "." and ".." before any request."""
    import importlib

    module = importlib.import_module(module_name)
    recorder = Recorder()
    signature = inspect.signature(module.sync_detailed).parameters
    for name in names:
        arguments: dict[str, Any] = {n: "x" for n in names}
        arguments[name] = value
        if "body" in signature:
            arguments["body"] = object()
        with pytest.raises(ValueError) as caught:
            module.sync_detailed(client=make_client(recorder), **arguments)
        assert str(caught.value) == (
            f"path parameter {name} cannot be {value!r}: it would address another endpoint"
        )
    assert recorder.requests == []


def test_a_dot_inside_a_path_parameter_is_kept() -> None:
    recorder = Recorder()
    seed.sync_detailed("..x", client=make_client(recorder))
    assert recorder.requests[0].url.raw_path.startswith(b"/cell_measurements/by-project/..x?")


def test_base_url_path_prefix_is_kept() -> None:
    recorder = Recorder()
    client = Client(
        base_url=BASE_URL + "/v1", httpx_args={"transport": httpx.MockTransport(recorder)}
    )
    seed.sync_detailed("a/b", client=client)
    assert recorder.requests[0].url.raw_path == (
        b"/v1/cell_measurements/by-project/a%2Fb?" + DEFAULT_QUERY
    )


# --------------------------------------------------------------------------- 3. realistic page


def test_severson_page_parses_into_typed_models() -> None:
    response = seed.sync_detailed("p-1", client=respond(200, json=severson_page()))
    assert response.status_code == 200
    page = response.parsed
    assert isinstance(page, CellMeasurementWithDetailsPage)
    assert (page.count, page.total, len(page.items)) == (1, 124, 1)

    item = page.items[0]
    assert isinstance(item, CellMeasurementWithDetails)
    assert item.name == "2017-05-12_3.6C(80%)-3.6C_EL150800460514"
    assert item.measurement_type is MeasurementType.TIME_SERIES
    assert item.start_time is None
    assert item.step_labels_validated is False
    assert item.tags == ["batch-2017-05-12", "severson-2019"]
    assert item.protocol.to_dict() == {"name": "3.6C(80%)-3.6C", "ambient_temperature_degc": 30.0}
    assert item.protocol["ambient_temperature_degc"] == 30.0
    assert item.test_setup["cycler"] == "Arbin"
    assert item.test_setup["channel_number"] is None

    specification = item.specification
    assert specification.name == "A123 APR18650M1A (Severson 2019 cells)"
    assert specification.ratings.capacity.value == 1.1
    assert specification.ratings.capacity.unit == "Ah"
    assert (specification.ratings.voltage_min.value, specification.ratings.voltage_min.unit) == (
        2.0,
        "V",
    )
    assert specification.ratings.nominal_voltage.value == 3.3
    assert specification.ratings.energy is UNSET
    assert specification.cathode.material.name == "LFP"
    assert specification.cathode.component_type is ComponentType.CATHODE
    assert specification.anode is UNSET  # absent in the body: not None
    assert specification.electrolyte is None  # explicit null

    instance = item.instance
    assert instance.name == "EL150800460514"
    assert instance.batch == "2017-05-12"
    assert instance.id == item.cell_instance_id == "b2d7e4a1-0c3f-4e9a-8b6d-1f5a2c7e9d30"
    assert instance.cell_specification_id == specification.id
    assert instance.date_manufactured is None
    assert instance.batch_id is None


def test_datetimes_are_timezone_aware_with_the_exact_offset() -> None:
    item = CellMeasurementWithDetailsPage.from_dict(severson_page()).items[0]
    utc = datetime.UTC
    assert item.created_at == datetime.datetime(2024, 3, 5, 14, 7, 9, 123456, tzinfo=utc)
    assert item.created_at.utcoffset() == datetime.timedelta(0)
    assert item.updated_at.utcoffset() == datetime.timedelta(hours=2)
    assert item.updated_at == datetime.datetime(2024, 3, 6, 7, 30, tzinfo=utc)
    assert item.instance.created_at.utcoffset() == datetime.timedelta(0)
    assert item.specification.cathode.material.updated_at.tzinfo is not None


def test_unknown_fields_survive_in_additional_properties() -> None:
    page = CellMeasurementWithDetailsPage.from_dict(severson_page())
    item = page.items[0]
    assert page.additional_properties == {}
    assert item.additional_properties == {"processing_queue_position": 3}
    assert item["processing_queue_position"] == 3
    assert item.instance.additional_properties == {"storage_location": {"shelf": "B3", "slot": 17}}
    assert item.specification.additional_properties == {}


def test_to_dict_round_trips_exactly_except_z_becomes_plus_zero() -> None:
    """Documented normalisation: ``datetime.isoformat()`` writes ``Z`` as ``+00:00``.

    Nothing else changes: unknown fields (top-level and nested), nulls, absent optional fields
    (not re-added with defaults), floats, key sets.
    """
    raw = severson_page()
    expected = copy.deepcopy(raw)
    item = expected["items"][0]
    item["created_at"] = "2024-03-05T14:07:09.123456+00:00"
    for node in (
        item["specification"]["cathode"],
        item["specification"]["cathode"]["material"],
    ):
        node["created_at"] = node["updated_at"] = "2024-03-01T08:00:00+00:00"
    item["instance"]["created_at"] = item["instance"]["updated_at"] = "2024-03-05T14:00:00+00:00"
    assert item["updated_at"] == "2024-03-06T09:30:00+02:00"  # offsets other than Z are kept

    result = CellMeasurementWithDetailsPage.from_dict(raw).to_dict()
    assert result == expected
    # == does not tell 30 from 30.0 nor catch a changed value type; JSON text does.
    assert json.dumps(result, sort_keys=True) == json.dumps(expected, sort_keys=True)


# --------------------------------------------------------------------------- 4. tolerant reader


def test_unknown_measurement_type_is_kept_as_plain_str() -> None:
    page = CellMeasurementWithDetailsPage.from_dict(
        {"items": [severson_item(measurement_type="impedance"), severson_item()]}
    )
    unknown, known = page.items
    assert unknown.measurement_type == "impedance"
    assert type(unknown.measurement_type) is str  # MeasurementType is a StrEnum: check exactly
    assert not isinstance(unknown.measurement_type, MeasurementType)
    assert known.measurement_type is MeasurementType.TIME_SERIES
    assert unknown.to_dict()["measurement_type"] == "impedance"


def test_absent_measurement_type_is_unset_not_the_spec_default() -> None:
    """The spec default (time_series) is only a constructor default; parsing leaves UNSET."""
    item = severson_item()
    del item["measurement_type"]
    parsed = CellMeasurementWithDetails.from_dict(item)
    assert isinstance(parsed.measurement_type, Unset)
    assert "measurement_type" not in parsed.to_dict()


def test_null_timestamps_parse_to_none() -> None:
    item = severson_item(created_at=None, updated_at=None)
    item["instance"]["created_at"] = None
    parsed = CellMeasurementWithDetails.from_dict(item)
    assert parsed.created_at is None
    assert parsed.updated_at is None
    assert parsed.instance.created_at is None
    assert parsed.to_dict()["created_at"] is None


def test_unparseable_timestamp_is_kept_as_the_raw_string() -> None:
    """anyOf[date-time, null] falls back to the input: the value is a str despite the type hint."""
    parsed = CellMeasurementWithDetails.from_dict(severson_item(created_at="yesterday"))
    assert parsed.created_at == "yesterday"
    assert type(parsed.created_at) is str


def test_html_502_without_raise_gives_a_response_with_parsed_none() -> None:
    client = respond(502, content=HTML_502, headers={"content-type": "text/html"})
    response = seed.sync_detailed("p-1", client=client)
    assert response.status_code == 502
    assert response.parsed is None
    assert response.content == HTML_502
    assert response.headers["content-type"] == "text/html"
    assert seed.sync("p-1", client=client) is None


def test_html_502_with_raise_raises_unexpected_status() -> None:
    client = make_client(
        Recorder(502, content=HTML_502, headers={"content-type": "text/html"}),
        raise_on_unexpected_status=True,
    )
    with pytest.raises(UnexpectedStatus) as caught:
        seed.sync_detailed("p-1", client=client)
    assert caught.value.status_code == 502
    assert caught.value.content == HTML_502
    assert str(caught.value) == (
        "Unexpected status code: 502\n\nResponse content:\n"
        "<html><body>502 Bad Gateway</body></html>"
    )


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error", "message"),
    [
        # A proxy answering 200 with HTML: response.json() fails; not caught by generated code.
        (200, HTML_502, "text/html", json.JSONDecodeError, "Expecting value: line 1 column 1"),
        # The vendor client accepts a bare array as a page; the generated model does not.
        (200, b"[]", "application/json", KeyError, "'items'"),
        (200, b'[{"id": "m-1"}]', "application/json", ValueError, "dictionary update sequence"),
        # A page item without a required key (created_at) is not tolerated, only a null one.
        (200, None, "application/json", KeyError, "'created_at'"),
        # Non-IANA status codes (Cloudflare 520, nginx 499) crash before any status handling:
        # upstream openapi-python-client issue #1442.
        (520, b"<html>origin error</html>", "text/html", ValueError, "520 is not a valid HTTP"),
        (499, b"", "text/plain", ValueError, "499 is not a valid HTTPStatus"),
    ],
    ids=["html-200", "bare-empty-array", "bare-array", "missing-created_at", "520", "499"],
)
@pytest.mark.parametrize("raise_on_unexpected_status", [False, True])
def test_bodies_the_generated_code_does_not_survive(
    status: int,
    body: bytes | None,
    content_type: str,
    error: type[Exception],
    message: str,
    raise_on_unexpected_status: bool,
) -> None:
    """What the toolkit layer has to catch around generated calls (exact exception types)."""
    if body is None:
        item = severson_item()
        del item["created_at"]
        body = json.dumps({"items": [item]}).encode()
    client = make_client(
        Recorder(status, content=body, headers={"content-type": content_type}),
        raise_on_unexpected_status=raise_on_unexpected_status,
    )
    with pytest.raises(error) as caught:
        seed.sync_detailed("p-1", client=client)
    assert type(caught.value) is error
    assert message in str(caught.value)


# --------------------------------------------------------------------------- 5. 422


def test_422_parses_into_http_validation_error() -> None:
    body = {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 1000",
                "input": "5000",
                "ctx": {"le": 1000},
            }
        ]
    }
    recorder = Recorder(422, json=body)
    response = seed.sync_detailed("p-1", client=make_client(recorder), limit=5000)
    assert recorder.requests[0].url.params["limit"] == "5000"  # no client-side range check
    assert response.status_code == 422
    error = response.parsed
    assert isinstance(error, HTTPValidationError)
    (detail,) = error.detail
    assert detail.loc == ["query", "limit"]
    assert detail.msg == "Input should be less than or equal to 1000"
    assert detail.type_ == "less_than_equal"
    assert detail.input_ == "5000"
    assert detail.ctx["le"] == 1000
    assert error.to_dict() == body
