"""The sandbox's Python API refuses what it cannot use and says where it listens (FINDINGS7 G26).

``SandboxOptions(scale="5")`` raised a raw ``TypeError: '<' not supported between instances of
'str' and 'int'``; ``run_in_thread(SandboxOptions(), host="0.0.0.0")`` bound beyond loopback
without a word, while the CLI's ``sandbox serve --host`` warns. No test here binds beyond
loopback: the non-loopback host is 192.0.2.1 (TEST-NET-1, documentation only), which no
machine has, so the bind fails before anything is sent.
"""

from __future__ import annotations

import errno
import warnings
from typing import Any

import pytest
from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread
from ionworks_toolkit.sandbox.__main__ import main
from ionworks_toolkit.sandbox._server import is_loopback, remote_warning

NOWHERE = "192.0.2.1"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"scale": "5"},
            "SandboxOptions.scale must be a positive integer or None; got a str: '5'",
        ),
        (
            {"rate_limit_every": True},
            "SandboxOptions.rate_limit_every must be a positive integer or None; got a bool: True",
        ),
        (
            {"fail_500_on_request": 2.0},
            "SandboxOptions.fail_500_on_request must be a positive integer or None; got a "
            "float: 2.0",
        ),
        (
            {"latency_ms": "10"},
            "SandboxOptions.latency_ms must be a number (int or float); got a str: '10'",
        ),
        (
            {"page_cache_mib": None},
            "SandboxOptions.page_cache_mib must be a number (int or float); got None",
        ),
        (
            {"retry_after_s": 1.5},
            "SandboxOptions.retry_after_s must be an integer (seconds); got a float: 1.5",
        ),
        ({"total_offset": "3"}, "SandboxOptions.total_offset must be an integer; got a str: '3'"),
        ({"ignore_offset": 1}, "SandboxOptions.ignore_offset must be True or False; got an int: 1"),
        ({"api_key": 5}, "SandboxOptions.api_key must be a str or None; got an int: 5"),
        (
            {"bearer_tokens": "tok"},
            "SandboxOptions.bearer_tokens must be a tuple of str; got a str: 'tok' (write "
            "('tok',))",
        ),
        (
            {"bearer_tokens": ("tok", 5)},
            "SandboxOptions.bearer_tokens must be a tuple of str; got an int: 5",
        ),
    ],
)
def test_a_field_of_the_wrong_type_is_named(options: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError) as caught:
        SandboxOptions(**options)
    assert str(caught.value) == message


def test_the_right_types_are_taken() -> None:
    options = SandboxOptions(
        scale=5,
        latency_ms=2,
        page_cache_mib=1.5,
        retry_after_s=0,
        total_offset=-3,
        ignore_offset=True,
        bearer_tokens=["a", "b"],  # type: ignore[arg-type]  # any sequence of str
        api_key=None,
    )
    assert (options.scale, options.latency_ms, options.bearer_tokens) == (5, 2, ("a", "b"))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    expected = (
        None
        if loopback
        else f"serving the sandbox on {host}, not loopback: anyone who can reach it can read it"
    )
    assert remote_warning(host) == expected


def test_run_in_thread_beyond_loopback_warns_before_binding() -> None:
    with pytest.warns(UserWarning) as caught, pytest.raises(OSError) as failed:
        run_in_thread(SandboxOptions(), host=NOWHERE)
    assert [str(w.message) for w in caught] == [
        f"serving the sandbox on {NOWHERE}, not loopback: anyone who can reach it can read it"
    ]
    assert failed.value.errno == errno.EADDRNOTAVAIL


def test_run_in_thread_on_loopback_says_nothing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with run_in_thread(SandboxOptions()) as server:
            assert server.base_url.startswith("http://127.0.0.1:")


def test_python_m_sandbox_beyond_loopback_warns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--host", NOWHERE, "--port", "0"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        f"warning: serving the sandbox on {NOWHERE}, not loopback: anyone who can reach it "
        "can read it"
    )
    assert lines[1] == f"error: cannot listen on {NOWHERE}:0: Cannot assign requested address"
    assert len(lines) == 2


@pytest.mark.parametrize("latency", [float("inf"), float("nan"), -1.0, 60_001])
def test_a_latency_that_would_hold_every_request_is_refused(latency: float) -> None:
    """FINDINGS12 M7: ``latency_ms=inf`` hung every request (and a SIGTERM, waiting for them);
    ``nan`` was taken as 0."""
    with pytest.raises(ValueError) as caught:
        SandboxOptions(latency_ms=latency)
    assert str(caught.value) == (
        f"SandboxOptions.latency_ms must be 0..60000 (milliseconds), got {latency!r}"
    )


def test_the_longest_latency_is_taken() -> None:
    assert SandboxOptions(latency_ms=60_000).latency_ms == 60_000
