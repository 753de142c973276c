"""What ``load_settings`` hands on to ``Settings``, field by field, from each source.

The second half of ``load_settings`` (page size, organization, disabled plugins, presets and
the ``Settings(...)`` call) had mutants no test killed (issue 19's mutation audit): a dropped
argument falls back to ``Settings``' own default, a swapped environment name reads nothing.
Each test here sets every value to a non-default and compares the whole result, so one
changed name, default or argument fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import ConfigurationError, Secret
from ionworks_toolkit.settings import load_settings

ENVIRONMENT = {
    "IONWORKS_API_URL": "https://env.example",
    "IONWORKS_API_KEY": "key-env",
    "IONWORKS_ORGANIZATION_ID": "org-env",
    "IONWORKS_PROJECT_ID": "project-env",
    "IONWORKS_TOOLKIT_TIMEOUT": "12.5",
    "IONWORKS_TOOLKIT_MAX_RETRIES": "2",
    "IONWORKS_TOOLKIT_RETRY_BUDGET": "7",
    "IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES": "1MiB",
    "IONWORKS_TOOLKIT_PAGE_SIZE": "40",
    "IONWORKS_TOOLKIT_PROXY": "http://127.0.0.1:3128",
    "IONWORKS_TOOLKIT_DISABLE_PLUGINS": " a, b,,a ",
}


def fields(settings: Any) -> dict[str, Any]:
    names = (
        "api_url",
        "api_key",
        "api_token",
        "organization_id",
        "project_id",
        "credential_source",
        "timeout",
        "max_retries",
        "retry_budget",
        "max_response_bytes",
        "proxy",
        "verify",
        "page_size",
        "disabled_plugins",
        "config_path",
        "presets",
    )
    return {name: getattr(settings, name) for name in names} | {"sources": dict(settings.sources)}


def test_every_setting_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        environ=ENVIRONMENT, working_dir=tmp_path, disable_plugins=("b", "c", "c")
    )
    assert fields(settings) == {
        "api_url": "https://env.example",
        "api_key": Secret("key-env"),
        "api_token": None,
        "organization_id": "org-env",
        "project_id": "project-env",
        "credential_source": "environment",
        "timeout": 12.5,
        "max_retries": 2,
        "retry_budget": 7.0,
        "max_response_bytes": 1024 * 1024,
        "proxy": "http://127.0.0.1:3128",
        "verify": True,
        "page_size": 40,
        # the variable's list in its order (a repeat kept), then the argument's new names
        "disabled_plugins": ("a", "b", "a", "c", "c"),
        "config_path": None,
        "presets": {},
        "sources": {
            "api_url": "environment",
            "proxy": "environment",
            "verify": "default",
        },
    }


def test_every_setting_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "".join(f"{name}={value.strip()}\n" for name, value in ENVIRONMENT.items())
    )
    settings = load_settings(environ={}, working_dir=tmp_path)
    assert fields(settings) == {
        "api_url": "https://env.example",
        "api_key": Secret("key-env"),
        "api_token": None,
        "organization_id": "org-env",
        "project_id": "project-env",
        "credential_source": ".env",
        "timeout": 12.5,
        "max_retries": 2,
        "retry_budget": 7.0,
        "max_response_bytes": 1024 * 1024,
        "proxy": "http://127.0.0.1:3128",
        "verify": True,
        "page_size": 40,
        "disabled_plugins": ("a", "b", "a"),
        "config_path": None,
        "presets": {},
        "sources": {"api_url": ".env", "proxy": ".env", "verify": "default"},
    }


def test_every_setting_from_the_folder_config(tmp_path: Path) -> None:
    config = tmp_path / "ionworks-toolkit.toml"
    config.write_text(
        'api_url = "https://config.example"\n'
        'organization_id = "org-config"\n'
        'project_id = "project-config"\n'
        "timeout = 3\n"
        "max_retries = 0\n"
        "retry_budget = 1.5\n"
        "max_response_bytes = 2048\n"
        "page_size = 1\n"
        'proxy = "http://127.0.0.1:8080"\n'
        'verify = "ca.pem"\n'
        "[presets.recent]\n"
        'created_after = "-7d"\n'
    )
    (tmp_path / "ca.pem").write_text("not read here\n")
    settings = load_settings(environ={}, working_dir=tmp_path)
    assert fields(settings) == {
        "api_url": "https://config.example",
        "api_key": None,
        "api_token": None,
        "organization_id": "org-config",
        "project_id": "project-config",
        "credential_source": None,
        "timeout": 3.0,
        "max_retries": 0,
        "retry_budget": 1.5,
        "max_response_bytes": 2048,
        "proxy": "http://127.0.0.1:8080",
        "verify": str(tmp_path / "ca.pem"),
        "page_size": 1,
        "disabled_plugins": (),
        "config_path": config,
        "presets": {"recent": {"created_after": "-7d"}},
        "sources": {
            "api_url": "folder config",
            "proxy": "folder config",
            "verify": "folder config",
        },
    }


def test_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={}, working_dir=tmp_path)
    assert fields(settings) == {
        "api_url": "https://api.ionworks.com",
        "api_key": None,
        "api_token": None,
        "organization_id": None,
        "project_id": None,
        "credential_source": None,
        "timeout": 30.0,
        "max_retries": 5,
        "retry_budget": 60.0,
        "max_response_bytes": 256 * 1024 * 1024,
        "proxy": None,
        "verify": True,
        "page_size": 1000,
        "disabled_plugins": (),
        "config_path": None,
        "presets": {},
        "sources": {"api_url": "default", "proxy": "default", "verify": "default"},
    }


def test_arguments_beat_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        environ=ENVIRONMENT,
        working_dir=tmp_path,
        api_url="https://arg.example",
        api_token="tok-arg",
        organization_id="org-arg",
        project_id="project-arg",
        timeout=4,
        max_retries=1,
        retry_budget=2,
        max_response_bytes="3 kB",
        page_size=1000,
        proxy="socks5://127.0.0.1:1080",
        verify=False,
    )
    assert fields(settings) == {
        "api_url": "https://arg.example",
        "api_key": None,
        "api_token": Secret("tok-arg"),
        "organization_id": "org-arg",
        "project_id": "project-arg",
        "credential_source": "argument",
        "timeout": 4.0,
        "max_retries": 1,
        "retry_budget": 2.0,
        "max_response_bytes": 3000,
        "proxy": "socks5://127.0.0.1:1080",
        "verify": False,
        "page_size": 1000,
        "disabled_plugins": ("a", "b", "a"),
        "config_path": None,
        "presets": {},
        "sources": {"api_url": "argument", "proxy": "argument", "verify": "argument"},
    }


@pytest.mark.parametrize("size", [0, 1001])
def test_a_page_size_outside_the_api_limit_is_refused(tmp_path: Path, size: int) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, working_dir=tmp_path, page_size=size)
    assert str(info.value) == (f"page_size {size} is outside 1..1000 (the API's maximum limit)")


def test_an_organization_id_with_a_line_break_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(
            environ={"IONWORKS_ORGANIZATION_ID": "org\r\nX-Injected: 1"}, working_dir=tmp_path
        )
    assert str(info.value) == (
        "organization_id contains a line break (character 4); it is sent as a header (from "
        "IONWORKS_ORGANIZATION_ID in the environment)"
    )


def test_presets_that_are_not_a_table_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "ionworks-toolkit.toml"
    config.write_text('presets = "recent"\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, working_dir=tmp_path)
    assert str(info.value) == (f"config file {config}: [presets] must be a table of tables")


def test_retry_budget_errors_name_the_retry_budget(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"IONWORKS_TOOLKIT_RETRY_BUDGET": "soon"}, working_dir=tmp_path)
    assert str(info.value).startswith("retry_budget 'soon' ")
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"IONWORKS_TOOLKIT_TIMEOUT": "soon"}, working_dir=tmp_path)
    assert str(info.value).startswith("timeout 'soon' ")


def test_max_retries_up_to_the_limit(tmp_path: Path) -> None:
    from ionworks_toolkit.settings import MAX_RETRIES_LIMIT

    settings = load_settings(environ={}, working_dir=tmp_path, max_retries=MAX_RETRIES_LIMIT)
    assert settings.max_retries == MAX_RETRIES_LIMIT
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, working_dir=tmp_path, max_retries=MAX_RETRIES_LIMIT + 1)
    assert str(info.value) == (
        f"max_retries {MAX_RETRIES_LIMIT + 1} is outside 0..{MAX_RETRIES_LIMIT} (retries per "
        "request; 0 turns them off, default 5)"
    )


# ------------------------------------------------------ verify: trust before the path is read


def test_a_folder_verify_is_refused_before_its_path_is_looked_at(tmp_path: Path) -> None:
    """A CA bundle named by the working folder's config, with the credential from the
    environment, is refused by trust first, even when the file does not exist: the message is
    the trust refusal naming the setting, its source and the credential (not "no such CA
    bundle"), so a folder cannot learn or steer anything through it."""
    (tmp_path / "ionworks-toolkit.toml").write_text('verify = "missing-ca.pem"\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"IONWORKS_API_KEY": "key-env"}, working_dir=tmp_path)
    assert str(info.value) == (
        "refusing to use verify 'missing-ca.pem' from the working folder's "
        "ionworks-toolkit.toml with the credential from the environment (IONWORKS_API_KEY): a "
        "file in the working folder may not choose where your credential goes. If you trust "
        "it, confirm with --verify PATH (verify=..., or IONWORKS_TOOLKIT_VERIFY)"
    )


def test_a_relative_verify_from_dotenv_is_relative_to_the_working_folder(
    tmp_path: Path,
) -> None:
    """Only a path from the config file is relative to the config file's folder; one from the
    working folder's ``.env`` is relative to that folder, wherever ``--config`` points."""
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    (tmp_path / ".env").write_text("IONWORKS_API_KEY=key-dotenv\nIONWORKS_TOOLKIT_VERIFY=ca.pem\n")
    elsewhere = tmp_path / "conf"
    elsewhere.mkdir()
    (elsewhere / "settings.toml").write_text("timeout = 9\n")
    settings = load_settings(
        environ={}, working_dir=tmp_path, config_file=elsewhere / "settings.toml"
    )
    assert settings.verify == str(tmp_path / "ca.pem")
    assert settings.sources["verify"] == ".env"
    assert settings.timeout == 9.0
