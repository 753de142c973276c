"""``Toolkit()`` / ``AsyncToolkit()`` refuse arguments of the wrong type when built (FINDINGS7 G26).

Before: ``Toolkit(transport=5)`` was accepted and the first request failed with a bare
``AssertionError`` from httpx; ``Toolkit(timeout="5")`` was taken as text;
``Toolkit(working_dir="/nonexistent")`` was accepted silently. Now each is an
``ArgumentTypeError`` (a ``ParameterError`` and a ``TypeError``) or, for a folder that is not
there, a ``ParameterError``, naming the argument and what it takes, before anything is built.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import ArgumentTypeError, AsyncToolkit, ParameterError, Toolkit
from ionworks_toolkit.arguments import check_session_arguments

KINDS = [Toolkit, AsyncToolkit]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"timeout": "5"},
            "timeout must be a number of seconds (int or float), or None "
            "(IONWORKS_TOOLKIT_TIMEOUT, else 30); got a str: '5'",
        ),
        (
            {"retry_budget": True},
            "retry_budget must be a number of seconds (int or float), or None "
            "(IONWORKS_TOOLKIT_RETRY_BUDGET, else 60); got a bool: True",
        ),
        (
            {"max_retries": "3"},
            "max_retries must be a whole number 0..20, or None (IONWORKS_TOOLKIT_MAX_RETRIES, "
            "else 5); got a str: '3'",
        ),
        (
            {"page_size": 2.0},
            "page_size must be a whole number 1..1000, or None (IONWORKS_TOOLKIT_PAGE_SIZE, else "
            "1000); got a float: 2.0",
        ),
        (
            {"max_response_bytes": 1.5},
            "max_response_bytes must be a number of bytes (int) or a size (str, e.g. '256MiB'), "
            "or None; got a float: 1.5",
        ),
        (
            {"max_response_bytes": False},
            "max_response_bytes must be a number of bytes (int) or a size (str, e.g. '256MiB'), "
            "or None; got a bool: False",
        ),
        (
            {"verify": 5},
            "verify must be True, False, a CA bundle path (str or path) or an ssl.SSLContext, or "
            "None; got an int: 5",
        ),
        (
            {"config_file": 5},
            "config_file must be a path (str or pathlib.Path) or None; got an int: 5",
        ),
        (
            {"working_dir": b"/tmp"},
            "working_dir must be a path (str or pathlib.Path) or None; got a bytes: b'/tmp'",
        ),
        ({"plugins": "acme"}, "plugins must be a list of plugin objects; got a str: 'acme'"),
        ({"plugins": 5}, "plugins must be a list of plugin objects; got an int: 5"),
        (
            {"disable_plugins": "acme"},
            "disable_plugins must be a list of plugin names; got a str: 'acme' (write ['acme'])",
        ),
        (
            {"disable_plugins": ["acme", 1]},
            "disable_plugins[1] must be a plugin name (str); got an int: 1",
        ),
        (
            {"environ": [("IONWORKS_API_KEY", "sk-live-1234567890abcdef")]},
            "environ must be a mapping of variable names to values (str to str), or None; got a "
            "list (its contents are not shown: it may hold credentials)",
        ),
        (
            {"environ": {"IONWORKS_API_KEY": b"sk-live-1234567890abcdef"}},
            "environ must map variable names to values, both str; environ['IONWORKS_API_KEY'] "
            "is a bytes (values are not shown: they may be credentials)",
        ),
        (
            {"environ": {b"IONWORKS_API_KEY": "sk-live-1234567890abcdef"}},
            "environ must map variable names to values, both str; a name in environ is a bytes "
            "(values are not shown: they may be credentials)",
        ),
    ],
)
def test_an_argument_of_the_wrong_type_is_named(
    kind: type, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        kind(api_key="k", **{"environ": {}, **options})
    assert str(caught.value) == message
    assert isinstance(caught.value, TypeError)
    assert caught.value.parameter == message.split(" ", 1)[0]


@pytest.mark.parametrize(
    ("kind", "transport", "message"),
    [
        (
            Toolkit,
            5,
            "transport must be an httpx.BaseTransport (e.g. httpx.HTTPTransport()) or None; got "
            "an int: 5",
        ),
        (
            AsyncToolkit,
            "http://127.0.0.1:1",
            "transport must be an httpx.AsyncBaseTransport (e.g. httpx.AsyncHTTPTransport()) or "
            "None; got a str: 'http://127.0.0.1:1'",
        ),
    ],
)
def test_a_transport_of_the_wrong_kind_is_named(kind: type, transport: Any, message: str) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        kind(api_key="k", environ={}, transport=transport)
    assert str(caught.value) == message


def test_a_sync_transport_is_no_async_one() -> None:
    sync = httpx.HTTPTransport()
    with pytest.raises(ArgumentTypeError) as caught:
        AsyncToolkit(api_key="k", environ={}, transport=sync)  # type: ignore[arg-type]
    assert str(caught.value).startswith(
        "transport must be an httpx.AsyncBaseTransport (e.g. httpx.AsyncHTTPTransport()) or "
        "None; got a HTTPTransport: <httpx.HTTPTransport object at "
    )
    sync.close()


@pytest.mark.parametrize("kind", KINDS)
def test_a_working_dir_that_is_not_there_is_refused(kind: type, tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    with pytest.raises(ParameterError) as caught:
        kind(api_key="k", environ={}, working_dir=str(missing))
    assert str(caught.value) == (
        f"working_dir {str(missing)!r} does not exist: give the folder to read .env and "
        "ionworks-toolkit.toml from, or None (the current folder)"
    )
    assert caught.value.parameter == "working_dir"
    afile = tmp_path / "a-file"
    afile.write_text("")
    with pytest.raises(ParameterError) as caught:
        kind(api_key="k", environ={}, working_dir=afile)
    assert str(caught.value) == (
        f"working_dir {str(afile)!r} is not a folder: give the folder to read .env and "
        "ionworks-toolkit.toml from, or None (the current folder)"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_arguments_of_the_right_types_are_taken(kind: type, tmp_path: Path) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[]))
    toolkit = kind(
        api_key="k",
        environ={},
        transport=transport,
        timeout=5,
        retry_budget=1.5,
        max_retries=0,
        page_size=10,
        max_response_bytes="1MiB",
        verify=ssl.create_default_context(),
        working_dir=tmp_path,
        config_file=None,
        plugins=(),
        disable_plugins=("nothing-here",),
        load_entry_points=False,
    )
    settings = toolkit.settings
    assert (settings.timeout, settings.retry_budget, settings.max_retries) == (5.0, 1.5, 0)
    assert (settings.page_size, settings.max_response_bytes) == (10, 1024**2)


def test_the_checks_take_none_for_every_argument() -> None:
    names = [
        "timeout",
        "retry_budget",
        "max_retries",
        "page_size",
        "max_response_bytes",
        "verify",
        "config_file",
        "working_dir",
        "plugins",
        "disable_plugins",
        "environ",
    ]
    check_session_arguments("Toolkit", None, **dict.fromkeys(names))
    check_session_arguments("AsyncToolkit", None)
