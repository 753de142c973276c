"""Typed errors (ARCHITECTURE.md section 2): status -> class, both body shapes, request ids,
exact text.

``error_from_response`` is tested directly and through the session (an ``httpx.MockTransport``
answering the by-project request), so that the method and path in messages are the real ones.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from ionworks_toolkit import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    IonworksError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    PluginError,
    RateLimitError,
    RequestValidationError,
    ServerError,
    SinkError,
    TransportError,
    UnexpectedResponseError,
)
from ionworks_toolkit.errors import describe_error_body, error_from_response

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
PATH = f"/cell_measurements/by-project/{PROJECT_ID}"
HTML = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

VALIDATION_BODY = {
    "detail": [
        {
            "type": "literal_error",
            "loc": ["query", "order_by"],
            "msg": "Input should be 'name' or 'created_at'",
            "input": "colour",
        },
        {
            "type": "less_than_equal",
            "loc": ["query", "limit"],
            "msg": "Input should be less than or equal to 1000",
            "input": "5000",
        },
    ]
}

CASES: list[tuple[int, Any, dict[str, str], type[APIError], str]] = [
    (
        401,
        {"detail": "Invalid API key"},
        {"x-request-id": "req-401"},
        AuthenticationError,
        f"GET {PATH} -> 401: Invalid API key (request id req-401)",
    ),
    (
        403,
        {"error_code": "FORBIDDEN", "message": "Not a member of this organization", "detail": None},
        {"x-correlation-id": "corr-403"},
        PermissionDeniedError,
        f"GET {PATH} -> 403: Not a member of this organization (request id corr-403)",
    ),
    (
        404,
        {"detail": "Project not found"},
        {},
        NotFoundError,
        f"GET {PATH} -> 404: Project not found",
    ),
    (
        409,
        {
            "error_code": "CONFLICT",
            "message": "A measurement with this name already exists on this cell instance",
            "detail": {"existing_id": "m-77"},
        },
        {},
        ConflictError,
        f"GET {PATH} -> 409: A measurement with this name already exists on this cell "
        'instance ({"existing_id": "m-77"})',
    ),
    (
        422,
        VALIDATION_BODY,
        {},
        RequestValidationError,
        f"GET {PATH} -> 422: query.order_by: Input should be 'name' or 'created_at'; "
        "query.limit: Input should be less than or equal to 1000",
    ),
    (
        429,
        {"detail": "Rate limit exceeded"},
        {"retry-after": "7"},
        RateLimitError,
        f"GET {PATH} -> 429: Rate limit exceeded",
    ),
    (
        500,
        {"error_code": "INTERNAL_ERROR", "message": "Internal server error", "detail": None},
        {"x-request-id": "sandbox-5"},
        ServerError,
        f"GET {PATH} -> 500: Internal server error (request id sandbox-5)",
    ),
    (
        502,
        HTML,
        {"content-type": "text/html"},
        ServerError,
        f"GET {PATH} -> 502: non-JSON response body (text/html, {len(HTML)} bytes)",
    ),
    (
        418,
        {"detail": "I'm a teapot"},
        {},
        APIError,
        f"GET {PATH} -> 418: I'm a teapot",
    ),
]


def response_for(status: int, body: Any, headers: dict[str, str]) -> httpx.Response:
    if isinstance(body, str):
        return httpx.Response(status, text=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("status", "body", "headers", "cls", "message"), CASES, ids=[str(c[0]) for c in CASES]
)
def test_status_maps_to_class_through_the_session(
    make_toolkit, status, body, headers, cls, message
) -> None:
    toolkit = make_toolkit(lambda request: response_for(status, body, headers))
    with pytest.raises(APIError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert type(info.value) is cls
    assert str(info.value) == message
    assert (info.value.status, info.value.method, info.value.path) == (status, "GET", PATH)


@pytest.mark.parametrize(
    ("status", "body", "headers", "cls", "message"), CASES, ids=[str(c[0]) for c in CASES]
)
def test_error_from_response(status, body, headers, cls, message) -> None:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    if not isinstance(body, str):
        headers = {"content-type": "application/json", **headers}
    error = error_from_response(
        status=status, method="GET", path=PATH, content=content, headers=headers
    )
    assert type(error) is cls
    assert str(error) == message


def test_error_attributes() -> None:
    conflict = error_from_response(
        status=409,
        method="POST",
        path="/cell_instances/ci/cell_measurements/create",
        content=json.dumps(
            {"error_code": "CONFLICT", "message": "exists", "detail": {"existing_id": "m-77"}}
        ).encode(),
        headers={"X-Request-ID": "abc"},
    )
    assert isinstance(conflict, ConflictError)
    assert conflict.existing_id == "m-77"
    assert conflict.error_code == "CONFLICT"
    assert conflict.request_id == "abc"
    assert conflict.detail == 'exists ({"existing_id": "m-77"})'
    assert conflict.body == {
        "error_code": "CONFLICT",
        "message": "exists",
        "detail": {"existing_id": "m-77"},
    }

    validation = error_from_response(
        status=422,
        method="GET",
        path=PATH,
        content=json.dumps(VALIDATION_BODY).encode(),
        headers={},
    )
    assert isinstance(validation, RequestValidationError)
    assert validation.errors == VALIDATION_BODY["detail"]
    assert validation.error_code is None

    limited = error_from_response(
        status=429, method="GET", path=PATH, content=b"", headers={"Retry-After": "2"}
    )
    assert isinstance(limited, RateLimitError)
    assert limited.retry_after == 2.0
    assert limited.detail == "empty response body"
    assert str(limited) == f"GET {PATH} -> 429: empty response body"


def test_conflict_without_existing_id_and_validation_without_list() -> None:
    conflict = error_from_response(
        status=409, method="POST", path="/x", content=b'{"detail": "exists"}', headers={}
    )
    assert isinstance(conflict, ConflictError)
    assert conflict.existing_id is None
    spec_conflict = error_from_response(
        status=409,
        method="POST",
        path="/x",
        content=b'{"detail": {"existing_cell_specification_id": "s-1"}}',
        headers={},
    )
    assert isinstance(spec_conflict, ConflictError)
    assert spec_conflict.existing_id == "s-1"
    validation = error_from_response(
        status=422, method="GET", path="/x", content=b'{"detail": "bad"}', headers={}
    )
    assert isinstance(validation, RequestValidationError)
    assert validation.errors == []
    assert str(validation) == "GET /x -> 422: bad"


def test_retry_after_as_http_date_is_not_a_number() -> None:
    error = error_from_response(
        status=429,
        method="GET",
        path="/x",
        content=b"{}",
        headers={"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"},
    )
    assert error.retry_after is None
    assert str(error) == "GET /x -> 429: no detail given"


@pytest.mark.parametrize(
    ("body", "text", "content_type", "expected"),
    [
        ({"detail": "plain"}, "", "application/json", ("plain", None)),
        (
            {"error_code": "NOT_FOUND", "message": "Cell instance not found", "detail": "x"},
            "",
            "",
            ("Cell instance not found (x)", "NOT_FOUND"),
        ),
        (
            {"error_code": "E", "message": "same", "detail": "same"},
            "",
            "",
            ("same", "E"),
        ),
        ({"message": "only a message"}, "", "", ("only a message", None)),
        ({}, "", "", ("no detail given", None)),
        ({"detail": ["first", {"loc": [], "msg": "second"}]}, "", "", ("first; second", None)),
        (["a", "list"], "", "", ('["a", "list"]', None)),
        (None, "   ", "text/plain", ("empty response body", None)),
        (None, "oops", "", ("non-JSON response body (unknown content type, 4 bytes)", None)),
        (
            None,
            "é" * 10,
            "text/plain; charset=utf-8",
            ("non-JSON response body (text/plain, 20 bytes)", None),
        ),
    ],
)
def test_describe_error_body(body, text, content_type, expected) -> None:
    assert describe_error_body(body, text, content_type) == expected


def test_long_details_are_cut() -> None:
    detail, _ = describe_error_body({"detail": "x" * 1000}, "", "application/json")
    assert detail == "x" * 300


def test_200_with_html_is_an_unexpected_response(make_toolkit) -> None:
    html = "<!doctype html><title>Sign in</title>"
    toolkit = make_toolkit(lambda request: httpx.Response(200, html=html))
    with pytest.raises(UnexpectedResponseError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET {PATH} -> 200: expected JSON, got text/html; charset=utf-8 ({len(html)} bytes)"
    )
    assert isinstance(info.value, APIError)


def test_hierarchy() -> None:
    for cls in (
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        RequestValidationError,
        RateLimitError,
        ServerError,
        UnexpectedResponseError,
    ):
        assert issubclass(cls, APIError)
    for cls in (
        APIError,
        TransportError,
        PaginationError,
        ConfigurationError,
        PluginError,
        SinkError,
    ):
        assert issubclass(cls, IonworksError)
    assert issubclass(IonworksError, Exception)


def test_non_http_errors() -> None:
    transport = TransportError("GET", "/projects", "ConnectError: refused")
    assert str(transport) == "GET /projects failed: ConnectError: refused"
    assert (transport.method, transport.path, transport.reason) == (
        "GET",
        "/projects",
        "ConnectError: refused",
    )
    paging = PaginationError("stuck", offset=2000)
    assert (str(paging), paging.offset) == ("stuck", 2000)
    sink = SinkError("csv:out.csv", OSError("disk full"))
    assert str(sink) == "sink csv:out.csv failed: OSError: disk full"
    assert sink.sink == "csv:out.csv"


def test_error_messages_never_contain_the_query_string(make_toolkit) -> None:
    toolkit = make_toolkit(lambda r: httpx.Response(404, json={"detail": "Project not found"}))
    with pytest.raises(NotFoundError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID, name="eq.secret-name"))
    assert "secret-name" not in str(info.value)
    assert "?" not in str(info.value)
