"""FINDINGS12 M8: whole numbers a person types are ASCII digits. ``--limit 1_0`` (10 to
Python's ``int()``), ``--limit ５`` (a full-width digit) and ``IONWORKS_TOOLKIT_PAGE_SIZE=1_0``
were taken as numbers; a typo is now refused, naming the input, like any other non-number."""

from __future__ import annotations

import argparse

import pytest
from click.testing import CliRunner
from ionworks_toolkit import Toolkit
from ionworks_toolkit._numbers import integer_text
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import ConfigurationError
from ionworks_toolkit.sandbox.__main__ import _port
from ionworks_toolkit.sinks import SinkTargetError, open_sink


@pytest.mark.parametrize(("text", "number"), [("42", 42), (" -3 ", -3), ("+7", 7), ("007", 7)])
def test_ascii_digits_with_a_sign_are_read(text: str, number: int) -> None:
    assert integer_text(text) == number


@pytest.mark.parametrize("text", ["1_0", "５", "٣", "1.0", "", "0x10", "1e3", "- 3"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError) as info:
        integer_text(text)
    assert str(info.value) == f"invalid integer: {text!r}"


@pytest.mark.parametrize(
    ("option", "value"), [("--limit", "1_0"), ("--page-size", "５"), ("--limit", "١٠")]
)
def test_the_command_line_refuses_them(runner: CliRunner, option: str, value: str) -> None:
    result = runner.invoke(main, ["measurements", "list", "p", option, value])
    assert result.exit_code == 2
    assert result.stderr == f"error: {option}: {value!r} is not an integer; give 1..1000\n"


def test_the_environment_refuses_them() -> None:
    with pytest.raises(ConfigurationError) as info:
        Toolkit(
            api_url="http://127.0.0.1:9",
            api_key="k",
            environ={"IONWORKS_TOOLKIT_PAGE_SIZE": "1_0"},
        )
    assert str(info.value) == (
        "page_size '1_0' is not an integer (from IONWORKS_TOOLKIT_PAGE_SIZE in the environment)"
    )


def test_a_sink_option_refuses_them() -> None:
    with pytest.raises(SinkTargetError) as info:
        open_sink("table:?max_rows=1_0")
    assert str(info.value) == (
        "option 'max_rows' of sink 'table' must be an integer >= 1 (the most rows printed; "
        "default 200): '1_0'"
    )


def test_the_sandbox_port_refuses_them() -> None:
    with pytest.raises(argparse.ArgumentTypeError) as info:
        _port("８０")
    assert str(info.value) == "'８０' is not an integer (0..65535)"
