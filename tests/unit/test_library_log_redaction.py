"""The HTTP libraries under the toolkit's clients (httpx, httpx-retries, httpcore) print
request URLs and headers in their own log lines when a user turns logging on; the toolkit's
filter on their loggers keeps every secret out: key-like query values, URL user
information, credential headers, and the credentials of every live IonworksAuth."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import httpx
import pytest
from ionworks_toolkit import Toolkit, hookimpl
from ionworks_toolkit.auth import HTTP_LIBRARY_LOGGERS, IonworksAuth, redact_log_text
from ionworks_toolkit.settings import Secret

KEY = "sk-live-abcdef123456"
QUERY_SECRET = "qsecret-123456"


class QueryKey:
    """A plugin that puts a key in the query string (as some gateways want)."""

    @hookimpl
    def ionworks_request(self, request: httpx.Request) -> None:
        request.url = request.url.copy_merge_params({"api_key": QUERY_SECRET, "x": "1"})


def test_httpx_request_lines_never_show_a_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with Toolkit(
        api_url="https://api.example.com",
        api_key=KEY,
        plugins=[QueryKey()],
        load_entry_points=False,
        environ={},
        working_dir=str(tmp_path),
        max_retries=1,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=[])),
    ) as toolkit:
        toolkit.list_projects()
    lines = [(r.name, r.getMessage()) for r in caplog.records]
    assert [m for name, m in lines if name == "httpx"] == [
        "HTTP Request: GET https://api.example.com/projects?limit=1000&offset=0&order_by="
        'created_at&order=desc&api_key=***&x=1 "HTTP/1.1 200 OK"'
    ]
    retry_lines = [m for name, m in lines if name == "httpx_retries.transport"]
    assert len(retry_lines) == 2 and all("api_key=***&x=1" in m for m in retry_lines)
    assert all(QUERY_SECRET not in m and KEY not in m for _, m in lines), lines


def test_a_live_keys_value_is_redacted_until_its_auth_is_gone() -> None:
    auth = IonworksAuth(api_key=Secret("tok-live-9f8e7d6c5b"))
    line = "send_request_headers.complete echo=tok-live-9f8e7d6c5b"
    assert redact_log_text(line) == "send_request_headers.complete echo=***"
    del auth
    gc.collect()
    assert redact_log_text(line) == line


def test_the_filter_is_on_each_library_logger_once(tmp_path: Path) -> None:
    for _ in range(2):
        Toolkit(api_key=KEY, load_entry_points=False, environ={}).close()
    counts = {
        name: sum(type(f).__name__ == "_RedactingFilter" for f in logging.getLogger(name).filters)
        for name in HTTP_LIBRARY_LOGGERS
    }
    assert counts == dict.fromkeys(HTTP_LIBRARY_LOGGERS, 1)
    assert HTTP_LIBRARY_LOGGERS == (
        "httpx",
        "httpx_retries.transport",
        "httpx_retries.retry",
        "httpcore.connection",
        "httpcore.http11",
        "httpcore.http2",
        "httpcore.proxy",
        "httpcore.socks",
    )


def test_an_httpcore_trace_line_is_redacted_by_the_filter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    Toolkit(api_key=KEY, load_entry_points=False, environ={}).close()
    caplog.set_level(logging.DEBUG, logger="httpcore")
    logging.getLogger("httpcore.http11").debug(
        "receive_response_headers.complete return_value=%s",
        (b"HTTP/1.1", 200, b"OK", [(b"Set-Cookie", b"sid=abc123; Path=/")]),
    )
    assert caplog.messages == [
        "receive_response_headers.complete return_value=(b'HTTP/1.1', 200, b'OK', "
        "[(b'Set-Cookie', b'***')])"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "<Request('GET', 'https://bob:pw@h/p?limit=1&api_key=zz9&X-Amz-Signature=abc')>",
            "<Request('GET', 'https://***@h/p?limit=1&api_key=***&X-Amz-Signature=***')>",
        ),
        (
            'HTTP Request: GET https://h/p?token=t0k;password=p&x=1 "HTTP/1.1 200 OK"',
            'HTTP Request: GET https://h/p?token=***;password=***&x=1 "HTTP/1.1 200 OK"',
        ),
        (
            "[(b'authorization', b'Bearer abc'), (b\"x-api-key\", b\"k1\"), (b'cookie', b'a=b')]",
            "[(b'authorization', b'***'), (b\"x-api-key\", b\"***\"), (b'cookie', b'***')]",
        ),
        (
            "GET https://h/p?limit=10&offset=20&monkey=1 200",  # any name holding 'key'
            "GET https://h/p?limit=10&offset=20&monkey=*** 200",
        ),
        ("connect_tcp.started host='127.0.0.1' port=8080", None),
    ],
)
def test_redact_log_text(text: str, expected: str | None) -> None:
    assert redact_log_text(text) == (text if expected is None else expected)
