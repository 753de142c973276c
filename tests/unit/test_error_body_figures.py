"""The figures in an error response's message describe the body the server sent, while the
message still never holds the request's credentials (FINDINGS10 K9).

Before: the body was scrubbed first (the API key the server echoed replaced by ``***``, bytes
that are not UTF-8 replaced by U+FFFD) and then measured, so ``non-JSON response body
(text/html, N bytes)`` and ``invalid JSON (... N bytes: ... at byte P)`` counted the scrubbed
copy: 27 bytes fewer per echo of the 30-character key below, and a body that was not UTF-8
was described as whatever its replacement characters parsed to. Now ``error_from_response``
takes the body as sent and a ``redact`` function for the texts it keeps.

Of the same kind, on any status: ``json.loads`` decodes a body before parsing it, so "at byte
N" counted characters of the decoded text: 3 bytes early after a UTF-8 byte order mark, half
the true offset in a UTF-16 body. Now it is the body's byte.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import APIError, AsyncToolkit, Toolkit
from ionworks_toolkit.auth import redact_secrets
from ionworks_toolkit.errors import describe_error_body, error_from_response
from loopback import Exchange, LoopbackServer
from loopback_runs import PROJECT_ID

KEY = "sk-live-Geheim0123456789abcdef"
PATH = f"/cell_measurements/by-project/{PROJECT_ID}"
ADVICE = (
    "integers are read up to 4300 digits, the environment variable PYTHONINTMAXSTRDIGITS=0 "
    "lifts the limit"
)

HTML = b"<html><body>502 Bad Gateway: no upstream for key " + KEY.encode() + b"</body></html>"
BROKEN = b'{"detail": "unknown key ' + KEY.encode() + b'", oops}'
LONG_INTEGER = b'{"key": "' + KEY.encode() + b'", "n": ' + b"7" * 5001 + b"}"
INVALID_BYTE = b"\xff"
NOT_UTF8 = b'{"detail": "key ' + KEY.encode() + b" refused " + INVALID_BYTE + b'\xfe" oops'
TWICE = b"key=" + KEY.encode() + b"; again key=" + KEY.encode()
BOM = b"\xef\xbb\xbf"
BOM_BROKEN = BOM + BROKEN
BOM_NOT_UTF8 = BOM + NOT_UTF8
UTF16_BROKEN = BROKEN.decode().encode("utf-16-le")
UTF16_BOM_BROKEN = BROKEN.decode().encode("utf-16")  # little-endian after its mark here

#: (status, content type, body as sent, the message's detail): every figure is of the body
#: as sent, each computed here from it.
CASES = [
    (502, "text/html", HTML, f"non-JSON response body (text/html, {len(HTML)} bytes)"),
    (
        500,
        "application/json",
        BROKEN,
        f"invalid JSON (application/json, {len(BROKEN)} bytes: Expecting property name "
        f"enclosed in double quotes at byte {BROKEN.index(b'oops')})",
    ),
    (
        400,
        "application/json",
        LONG_INTEGER,
        f"JSON integer too long to read (application/json, {len(LONG_INTEGER)} bytes: an "
        f"integer of 5001 digits at byte {LONG_INTEGER.index(b'777')}; {ADVICE})",
    ),
    (
        502,
        "application/json",
        NOT_UTF8,
        f"invalid JSON (application/json, {len(NOT_UTF8)} bytes: not UTF-8 text at byte "
        f"{NOT_UTF8.index(INVALID_BYTE)})",
    ),
    (503, "text/plain", TWICE, f"non-JSON response body (text/plain, {len(TWICE)} bytes)"),
    # json.loads decodes the bytes first (a byte order mark dropped, UTF-16 read): its
    # position counts characters of that text, not bytes of the body.
    (
        500,
        "application/json",
        BOM_BROKEN,
        f"invalid JSON (application/json, {len(BOM_BROKEN)} bytes: Expecting property name "
        f"enclosed in double quotes at byte {BOM_BROKEN.index(b'oops')})",
    ),
    (
        502,
        "application/json",
        BOM_NOT_UTF8,
        f"invalid JSON (application/json, {len(BOM_NOT_UTF8)} bytes: not UTF-8 text at byte "
        f"{BOM_NOT_UTF8.index(INVALID_BYTE)})",
    ),
    (
        500,
        "application/json",
        UTF16_BROKEN,
        f"invalid JSON (application/json, {len(UTF16_BROKEN)} bytes: Expecting property name "
        f"enclosed in double quotes at byte {UTF16_BROKEN.index('oops'.encode('utf-16-le'))})",
    ),
    (
        500,
        "application/json",
        UTF16_BOM_BROKEN,
        f"invalid JSON (application/json, {len(UTF16_BOM_BROKEN)} bytes: Expecting property "
        "name enclosed in double quotes at byte "
        f"{UTF16_BOM_BROKEN.index('oops'.encode('utf-16-le'))})",
    ),
]
IDS = [
    "html", "broken-json", "long-integer", "not-utf8", "key-twice",
    "bom-broken-json", "bom-not-utf8", "utf16-broken-json", "utf16-bom-broken-json",
]  # fmt: skip


def answering(status: int, content_type: str, body: bytes) -> LoopbackServer:
    def handler(exchange: Exchange) -> None:
        assert KEY in exchange.headers.values()  # the server did get the key it echoes
        exchange.respond(
            status, body, [("Content-Type", content_type), ("X-Request-Id", f"req-{KEY}")]
        )

    return LoopbackServer(handler)


def options(server: LoopbackServer, tmp_path: Path) -> dict[str, Any]:
    return {
        "api_url": server.url, "api_key": KEY, "max_retries": 0, "load_entry_points": False,
        "environ": {}, "working_dir": str(tmp_path),
    }  # fmt: skip


def assert_no_key(error: APIError) -> None:
    for text in (str(error), repr(error), error.detail, repr(error.body), error.request_id):
        assert KEY not in str(text)
    assert error.request_id == "req-***"


@pytest.mark.parametrize(("status", "content_type", "body", "detail"), CASES, ids=IDS)
def test_sync_error_figures_describe_the_body_as_sent(
    tmp_path: Path, status: int, content_type: str, body: bytes, detail: str
) -> None:
    with (
        answering(status, content_type, body) as server,
        Toolkit(**options(server, tmp_path)) as tk,
        pytest.raises(APIError) as caught,
    ):
        list(tk.iter_measurements_by_project(PROJECT_ID))
    assert server.errors == []
    assert caught.value.status == status
    assert caught.value.detail == detail
    assert str(caught.value) == f"GET {PATH} -> {status}: {detail} (request id req-***)"
    assert_no_key(caught.value)


@pytest.mark.parametrize(("status", "content_type", "body", "detail"), CASES, ids=IDS)
def test_async_error_figures_describe_the_body_as_sent(
    tmp_path: Path, status: int, content_type: str, body: bytes, detail: str
) -> None:
    async def run(server: LoopbackServer) -> APIError:
        async with AsyncToolkit(**options(server, tmp_path)) as tk:
            with pytest.raises(APIError) as caught:
                await tk.export(PROJECT_ID, [str(tmp_path / "m.jsonl")])
        return caught.value

    with answering(status, content_type, body) as server:
        error = asyncio.run(run(server))
    assert server.errors == []
    assert error.detail == detail
    assert str(error) == f"GET {PATH} -> {status}: {detail} (request id req-***)"
    assert_no_key(error)


def test_error_from_response_measures_the_content_and_redacts_the_texts() -> None:
    content = b'{"detail": "key ' + KEY.encode() + b' refused"}'
    error = error_from_response(
        status=403,
        method="GET",
        path=PATH,
        content=content,
        headers={"Content-Type": "application/json", "X-Request-Id": KEY},
        redact=lambda text: redact_secrets(text, [KEY]),
    )
    assert error.detail == "key *** refused"
    assert error.body == {"detail": "key *** refused"}
    assert error.request_id == "***"
    broken = error_from_response(
        status=500,
        method="GET",
        path=PATH,
        content=BROKEN,
        headers={"content-type": "application/json"},
        redact=lambda text: redact_secrets(text, [KEY]),
    )
    assert broken.detail == CASES[1][3]
    assert KEY not in str(broken)


def test_describe_error_body_takes_the_size_as_sent() -> None:
    assert describe_error_body(None, "key ***", "text/plain", size=34) == (
        "non-JSON response body (text/plain, 34 bytes)",
        None,
    )
    assert describe_error_body(None, "key ***", "text/plain") == (
        "non-JSON response body (text/plain, 7 bytes)",
        None,
    )


#: The bodies above on a success status: the page does not parse (UnexpectedResponseError).
SUCCESS_CASES = [case for case in CASES if case[2] not in (HTML, TWICE, LONG_INTEGER)]


@pytest.mark.parametrize(
    ("body", "detail"),
    [(body, detail) for _status, _type, body, detail in SUCCESS_CASES],
    ids=[name for name, case in zip(IDS, CASES, strict=True) if case in SUCCESS_CASES],
)
def test_a_success_status_s_unparsable_body_is_measured_as_sent(
    tmp_path: Path, body: bytes, detail: str
) -> None:
    with (
        answering(200, "application/json", body) as server,
        Toolkit(**options(server, tmp_path)) as tk,
        pytest.raises(APIError) as caught,
    ):
        list(tk.iter_measurements_by_project(PROJECT_ID))
    assert server.errors == []
    assert str(caught.value) == f"GET {PATH} -> 200: {detail}"
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)
