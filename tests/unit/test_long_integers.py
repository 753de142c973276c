"""Integers longer than Python converts from text (FINDINGS6 F4).

A response holding a JSON integer of more than ``sys.get_int_max_str_digits()`` digits (4300
by default) is valid JSON that the interpreter refuses to read. It was reported as
``invalid JSON (... Exceeds the limit (4300 digits) for integer string conversion: value has
5001 digits; use sys.set_int_max_str_digits() to increase the limit)``: valid JSON called
invalid, Python-internal advice, no place. Now the message says what it is, where the integer
starts (a byte offset of the body) and which setting lifts the limit; and that setting does.
Exact messages on every path that parses a body: a page (sync, async), an error response.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import AsyncToolkit, Toolkit
from ionworks_toolkit.errors import (
    RequestValidationError,
    UnexpectedResponseError,
    error_from_response,
)
from ionworks_toolkit.parsing import parse_page

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"
PATH = f"/cell_measurements/by-project/{PROJECT_ID}"
LIMIT = sys.get_int_max_str_digits()
HUGE = "1" + "0" * 5000  # 5001 digits: past the default limit of 4300
ITEM_HEAD = (
    '{"items":[{"id":"m-0","name":"n","cell_instance_id":"c","created_at":null,'
    '"updated_at":null,"protocol":{"x":'
)
BODY = f'{ITEM_HEAD}{HUGE}}}}}],"count":1,"total":1}}'.encode()
ADVICE = (
    "integers are read up to 4300 digits, the environment variable PYTHONINTMAXSTRDIGITS=0 "
    "lifts the limit"
)


def test_the_default_limit_is_the_one_the_messages_name() -> None:
    assert LIMIT == 4300  # the interpreter's default; PYTHONINTMAXSTRDIGITS is not set here
    assert len(ITEM_HEAD) == 108
    json.loads(BODY.replace(HUGE.encode(), HUGE[:LIMIT].encode()))  # 4300 digits: read


def _page(content: bytes) -> httpx.Response:
    request = httpx.Request("GET", f"https://api.example.com{PATH}")
    headers = {"content-type": "application/json"}
    return httpx.Response(200, content=content, headers=headers, request=request)


def _refusal(content: bytes) -> str:
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_page(
            _page(content),
            0,
            item_model=dict,  # never reached: the body does not parse
            page_model=None,
            operation_id="list_cell_measurements_by_project",
        )
    return caught.value.detail


@pytest.mark.parametrize(
    ("content", "digits", "where"),
    [
        (BODY, 5001, 108),
        # A negative integer starts at its sign; whitespace before it is skipped.
        (b'{"items": [1, \n -' + b"9" * 4301 + b"]}", 4301, 16),
        # The same run of digits inside a string first: the integer is the one named.
        (b'{"note":"' + b"7" * 4400 + b'","n":' + b"7" * 4400 + b"}", 4400, 4415),
    ],
    ids=["in-an-object", "negative-in-an-array", "after-a-string-of-digits"],
)
def test_a_page_with_a_too_long_integer_says_so_and_where(
    content: bytes, digits: int, where: int
) -> None:
    assert _refusal(content) == (
        f"JSON integer too long to read (application/json, {len(content)} bytes: an integer "
        f"of {digits} digits at byte {where}; {ADVICE})"
    )


def test_the_place_is_left_out_when_no_integer_of_that_length_is_found() -> None:
    # Only reachable if the interpreter's count and ours differ: the message stays honest.
    from ionworks_toolkit.errors import describe_unparsable_body

    refused = ValueError(
        "Exceeds the limit (4300 digits) for integer string conversion: value has 5001 "
        "digits; use sys.set_int_max_str_digits() to increase the limit"
    )
    assert describe_unparsable_body(b"[1]", "application/json", refused) == (
        f"JSON integer too long to read (application/json, 3 bytes: an integer of 5001 "
        f"digits; {ADVICE})"
    )


def _handler(content: bytes, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers={"content-type": "application/json"})

    return answer


def _options(tmp_path: Path, content: bytes, status: int = 200) -> dict[str, Any]:
    return {
        "api_url": "https://api.example.com",
        "api_key": "test-key",
        "max_retries": 0,
        "transport": httpx.MockTransport(_handler(content, status)),
        "load_entry_points": False,
        "environ": {},
        "working_dir": str(tmp_path),
    }


EXPECTED = (
    f"GET {PATH} -> 200: JSON integer too long to read (application/json, {len(BODY)} bytes: "
    f"an integer of 5001 digits at byte 108; {ADVICE})"
)


def test_the_sync_iterator_and_export_report_it(tmp_path: Path) -> None:
    with Toolkit(**_options(tmp_path, BODY)) as toolkit:
        with pytest.raises(UnexpectedResponseError) as caught:
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
        assert str(caught.value) == EXPECTED
        with pytest.raises(UnexpectedResponseError) as caught:
            toolkit.export(PROJECT_ID, [str(tmp_path / "out.jsonl")])
        assert str(caught.value) == EXPECTED
    assert os.listdir(tmp_path) == []  # nothing half-written


def test_the_async_export_reports_it(tmp_path: Path) -> None:
    async def run() -> str:
        async with AsyncToolkit(**_options(tmp_path, BODY)) as toolkit:
            with pytest.raises(UnexpectedResponseError) as caught:
                await toolkit.export(PROJECT_ID, [str(tmp_path / "out.jsonl")])
        return str(caught.value)

    assert asyncio.run(run()) == EXPECTED


def test_an_error_response_with_a_too_long_integer() -> None:
    content = b'{"detail": "bad", "code": ' + HUGE.encode() + b"}"
    error = error_from_response(
        status=422,
        method="GET",
        path=PATH,
        content=content,
        headers={"content-type": "application/json"},
    )
    assert type(error) is RequestValidationError
    assert error.detail == (
        f"JSON integer too long to read (application/json, {len(content)} bytes: an integer "
        f"of 5001 digits at byte 26; {ADVICE})"
    )


def test_the_advice_works_the_integer_is_exported_exactly(tmp_path: Path) -> None:
    # The setting the message names, in a fresh interpreter: every digit reaches the file.
    script = (
        "import httpx, sys\n"
        "from ionworks_toolkit import Toolkit\n"
        "body = open(sys.argv[1], 'rb').read()\n"
        "answer = lambda r: httpx.Response(200, content=body, "
        "headers={'content-type': 'application/json'})\n"
        "with Toolkit(api_url='https://api.example.com', api_key='k', max_retries=0, "
        "transport=httpx.MockTransport(answer), load_entry_points=False, environ={}) as t:\n"
        f"    print(t.export({PROJECT_ID!r}, [sys.argv[2]]).records)\n"
    )
    (tmp_path / "body.json").write_bytes(BODY)
    env = {**os.environ, "PYTHONINTMAXSTRDIGITS": "0"}
    done = subprocess.run(
        [sys.executable, "-c", script, "body.json", "out.jsonl"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "1\n", "")
    line = (tmp_path / "out.jsonl").read_text()
    assert line.count("\n") == 1
    assert f'"protocol":{{"x":{HUGE}}}' in line
