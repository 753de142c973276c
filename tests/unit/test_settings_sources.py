"""A setting's error names where its value came from (newcomer pass:
``IONWORKS_TOOLKIT_TIMEOUT=abc`` said only ``timeout 'abc' is not a number of seconds``).
An argument names itself already; proxy, verify and credentials name their source too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ionworks_toolkit import ConfigurationError
from ionworks_toolkit.settings import load_settings

#: setting's variable, config key, a bad value, the validator's own message.
BAD = [
    ("IONWORKS_TOOLKIT_TIMEOUT", "timeout", "abc", "timeout 'abc' is not a number of seconds"),
    (
        "IONWORKS_TOOLKIT_RETRY_BUDGET",
        "retry_budget",
        "-1",
        "retry_budget '-1' must be a positive number of seconds",
    ),
    (
        "IONWORKS_TOOLKIT_MAX_RETRIES",
        "max_retries",
        "99",
        "max_retries 99 is outside 0..20 (retries per request; 0 turns them off, default 5)",
    ),
    (
        "IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES",
        "max_response_bytes",
        "0",
        "max_response_bytes '0' must be at least 1 byte",
    ),
    (
        "IONWORKS_TOOLKIT_PAGE_SIZE",
        "page_size",
        "5000",
        "page_size 5000 is outside 1..1000 (the API's maximum limit)",
    ),
    (
        "IONWORKS_ORGANIZATION_ID",
        "organization_id",
        "org\x01",
        "organization_id contains a control character (character 4); it is sent as a header",
    ),
]


@pytest.mark.parametrize(("variable", "key", "value", "message"), BAD)
def test_from_the_environment(
    tmp_path: Path, variable: str, key: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ={variable: value}, working_dir=tmp_path)
    assert str(caught.value) == f"{message} (from {variable} in the environment)"


@pytest.mark.parametrize(("variable", "key", "value", "message"), BAD)
def test_from_dotenv(tmp_path: Path, variable: str, key: str, value: str, message: str) -> None:
    (tmp_path / ".env").write_text(f"{variable}={value}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ={}, working_dir=tmp_path)
    assert str(caught.value) == f"{message} (from {variable} in the working folder's .env)"


@pytest.mark.parametrize(("variable", "key", "value", "message"), BAD)
def test_from_the_folder_config(
    tmp_path: Path, variable: str, key: str, value: str, message: str
) -> None:
    config = tmp_path / "ionworks-toolkit.toml"
    config.write_text(f"{key} = {json.dumps(value)}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ={}, working_dir=tmp_path)
    assert str(caught.value) == f"{message} (from {key} in {config})"


def test_from_a_config_file_given(tmp_path: Path) -> None:
    config = tmp_path / "lab.toml"
    config.write_text('timeout = "abc"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ={}, working_dir=tmp_path, config_file=config)
    assert str(caught.value) == (
        f"timeout 'abc' is not a number of seconds (from timeout in {config})"
    )


def test_an_argument_names_itself() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ={"IONWORKS_TOOLKIT_TIMEOUT": "5"}, timeout="abc")  # type: ignore[arg-type]
    assert str(caught.value) == "timeout 'abc' is not a number of seconds"
