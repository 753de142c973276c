"""settings.py helper by helper, with exact values (the mutation audit's ``settings`` group).

The behaviour tests (precedence, trust, refusals through the CLI) are in
``test_core_security.py`` and ``test_http_config.py``; these pin each helper's exact result
and message, so that one changed constant, comparison or string in ``settings.py`` fails a
test (``python scripts/mutants.py settings``).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from ionworks_toolkit import ConfigurationError, Secret, Settings
from ionworks_toolkit.settings import header_value_problem, load_settings


def settings_error(tmp_path: Path, **kwargs: Any) -> str:
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ=kwargs.pop("environ", {}), working_dir=tmp_path, **kwargs)
    return str(info.value)


# ---------------------------------------------------------------------------- Secret, header


def test_secret_equality_hash_and_pickling() -> None:
    assert Secret("abc") == Secret("abc")
    assert Secret("abc") != Secret("abd")
    assert Secret("abc") != "abc"
    assert hash(Secret("abc")) == hash(Secret("abc"))
    assert hash(Secret("abc")) != hash(Secret("abd"))
    assert len({Secret("abc"), Secret("abc"), Secret("xyz")}) == 2
    with pytest.raises(TypeError) as info:
        pickle.dumps(Secret("abc"))
    assert str(info.value) == "Secret values cannot be pickled"
    assert f"{Secret('abc')!s:>12}" == "Secret('***')"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", None),
        ("X-plain ASCII value~", None),
        ("XX", None),
        ("ab\rc", "a line break (character 3)"),
        ("\nab", "a line break (character 1)"),
        ("abcé", "a non-ASCII character (character 4)"),
        ("a\tb", "a control character (character 2)"),
        ("ab\x7f", "a control character (character 3)"),
    ],
)
def test_header_value_problem(value: str, problem: str | None) -> None:
    assert header_value_problem(value) == problem


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_credential_is_none(blank: str) -> None:
    settings = Settings(api_key=blank, api_token=blank)
    assert (settings.api_key, settings.api_token, settings.has_credentials) == (None, None, False)


def test_a_credential_is_kept_stripped() -> None:
    assert Settings(api_key=" k-1 ").api_key == Secret("k-1")
    secret = Secret(" as given ")
    assert Settings(api_token=secret).api_token is secret


# ------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_retries": True}, "max_retries True is not an integer"),
        ({"max_retries": 2.5}, "max_retries 2.5 is not an integer"),
        ({"max_retries": "many"}, "max_retries 'many' is not an integer"),
        (
            {"max_retries": None, "environ": {"IONWORKS_TOOLKIT_MAX_RETRIES": "-1"}},
            "max_retries -1 must be 0 or more (from IONWORKS_TOOLKIT_MAX_RETRIES in the "
            "environment)",
        ),
        ({"page_size": "ten"}, "page_size 'ten' is not an integer"),
        ({"timeout": True}, "timeout True is not a number of seconds"),
        ({"timeout": "soon"}, "timeout 'soon' is not a number of seconds"),
        ({"timeout": -1}, "timeout -1 must be a positive number of seconds"),
        ({"retry_budget": [1]}, "retry_budget [1] is not a number of seconds"),
        ({"retry_budget": float("nan")}, "retry_budget nan must be a positive number of seconds"),
    ],
)
def test_number_settings_refused_with_exact_messages(
    tmp_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    assert settings_error(tmp_path, **kwargs) == message


def test_number_settings_accepted(tmp_path: Path) -> None:
    settings = load_settings(
        max_retries=2.0,
        timeout=0.5,
        retry_budget="0.25",
        page_size="7",
        environ={},
        working_dir=tmp_path,
    )
    assert (settings.max_retries, settings.timeout, settings.retry_budget) == (2, 0.5, 0.25)
    assert settings.page_size == 7
    assert load_settings(max_retries=0, environ={}, working_dir=tmp_path).max_retries == 0


# --------------------------------------------------------------------------------- proxy


@pytest.mark.parametrize(
    "proxy",
    [
        "http://127.0.0.1:1",
        "https://proxy.example:65535",
        "HTTPS://proxy.example:3128",
        "socks5://127.0.0.1:1080",
        "SOCKS5://127.0.0.1:1080",
        "socks5h://127.0.0.1:1080",
        "SOCKS5H://127.0.0.1:1080",
        "http://127.0.0.1:3128/a://b",
        "http://proxy.example",
        "  http://user:pw@proxy.example:3128  ",
    ],
)
def test_proxy_accepted(tmp_path: Path, proxy: str) -> None:
    assert load_settings(proxy=proxy, environ={}, working_dir=tmp_path).proxy == proxy.strip()


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        ("http", "proxy 'http' (from an argument) must start with http://, https:// or socks5://"),
        (
            "ftp://127.0.0.1:21",
            "proxy 'ftp://127.0.0.1:21' (from an argument) must start with http://, https:// or "
            "socks5://",
        ),
        ("http://127.0.0.1:0", "proxy (from an argument) needs a host and a port in 1..65535"),
        ("http://127.0.0.1:65536", "proxy (from an argument) needs a host and a port in 1..65535"),
        ("http://:3128", "proxy (from an argument) needs a host and a port in 1..65535"),
        (
            "http://[::1:3128",
            "proxy (from an argument) is not a valid URL: Invalid port: ':1:3128'",
        ),
    ],
)
def test_proxy_refused(tmp_path: Path, proxy: str, message: str) -> None:
    assert settings_error(tmp_path, proxy=proxy) == message


def test_a_blank_proxy_is_none_from_the_default(tmp_path: Path) -> None:
    settings = load_settings(proxy="  ", environ={}, working_dir=tmp_path)
    assert settings.proxy is None
    assert settings.sources["proxy"] == "default"
    from_env = load_settings(
        environ={"IONWORKS_TOOLKIT_PROXY": "http://127.0.0.1:3128"}, working_dir=tmp_path
    )
    assert from_env.sources["proxy"] == "environment"


# -------------------------------------------------------------------------------- verify


@pytest.mark.parametrize("text", ["false", "False", "0", "no", "NO", "off", "Off"])
def test_verify_off_words_are_refused_from_the_environment(tmp_path: Path, text: str) -> None:
    assert settings_error(tmp_path, environ={"IONWORKS_TOOLKIT_VERIFY": text}) == (
        "verify=false (from the environment) is refused: certificate checks can be switched "
        "off only by an argument (Toolkit(verify=False)); give a CA bundle path instead"
    )


@pytest.mark.parametrize("text", ["true", "TRUE", "1", "yes", "Yes", "on", "ON", " on "])
def test_verify_on_words_mean_the_default_bundle(tmp_path: Path, text: str) -> None:
    settings = load_settings(environ={"IONWORKS_TOOLKIT_VERIFY": text}, working_dir=tmp_path)
    assert settings.verify is True
    bundle = tmp_path / "corp.pem"
    bundle.write_text("pem\n")
    with_cert_file = load_settings(
        environ={"IONWORKS_TOOLKIT_VERIFY": text, "SSL_CERT_FILE": str(bundle)},
        working_dir=tmp_path,
    )
    assert with_cert_file.verify == str(bundle)


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_verify_argument_is_the_default(tmp_path: Path, blank: str) -> None:
    assert load_settings(verify=blank, environ={}, working_dir=tmp_path).verify is True


def test_a_relative_ca_bundle_is_relative_to_the_file_that_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "ca.pem").write_text("pem\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # .env and the folder's config: relative to the working folder
    (folder / ".env").write_text("IONWORKS_TOOLKIT_VERIFY=ca.pem\n")
    assert load_settings(environ={}, working_dir=folder).verify == str(folder / "ca.pem")
    (folder / ".env").unlink()
    (folder / "ionworks-toolkit.toml").write_text('verify = "ca.pem"\n')
    assert load_settings(environ={}, working_dir=folder).verify == str(folder / "ca.pem")
    (folder / "ionworks-toolkit.toml").unlink()
    # a config file given with --config: relative to that file's folder
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "ca.pem").write_text("pem\n")
    (configs / "mine.toml").write_text('verify = "ca.pem"\n')
    named = load_settings(config_file=configs / "mine.toml", environ={}, working_dir=folder)
    assert named.verify == str(configs / "ca.pem")
    # an argument or the environment: relative to the current directory, as given
    assert settings_error(folder, verify="ca.pem") == (
        "verify: CA bundle 'ca.pem' (from an argument) does not exist: give a PEM file or a "
        "directory of hashed certificates"
    )
    assert settings_error(folder, environ={"SSL_CERT_FILE": "ca.pem"}).startswith(
        "verify: CA bundle 'ca.pem' (from environment (SSL_CERT_FILE)) does not exist"
    )
    (elsewhere / "here.pem").write_text("pem\n")
    assert load_settings(verify="here.pem", environ={}, working_dir=folder).verify == "here.pem"
    assert load_settings(environ={"SSL_CERT_DIR": "."}, working_dir=folder).verify == "."


def test_a_missing_bundle_from_each_source_is_named(tmp_path: Path) -> None:
    from ionworks_toolkit.settings import _resolve_verify

    for source, label in [
        ("default", "the default"),
        (".env", "the working folder's .env"),
        ("folder config", "the working folder's ionworks-toolkit.toml"),
        ("config file", "the config file given with --config"),
    ]:
        with pytest.raises(ConfigurationError) as info:
            _resolve_verify("none.pem", source, {}, tmp_path)
        assert str(info.value) == (
            f"verify: CA bundle 'none.pem' (from {label}) does not exist: give a PEM file or "
            "a directory of hashed certificates"
        )


# ------------------------------------------------------------------------------- api_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.example.com/apiX/", "https://api.example.com/apiX"),
        ("https://api.example.com/a@b/v1", "https://api.example.com/a@b/v1"),
        ("  https://api.example.com//  ", "https://api.example.com"),
        ("http://h.example:1", "http://h.example:1"),
        ("http://h.example:65535/v1", "http://h.example:65535/v1"),
        # schemes are case-insensitive (FINDINGS8 H17): written in lower case
        ("HTTP://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("Https://API.example.com/V1", "https://API.example.com/V1"),
        ("hTTpS://h.example", "https://h.example"),
    ],
)
def test_validate_api_url_keeps_the_path(url: str, expected: str) -> None:
    from ionworks_toolkit.settings import validate_api_url

    assert validate_api_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://x", "api_url 'ftp://x' must start with http:// or https://"),
        ("FTP://x", "api_url 'FTP://x' must start with http:// or https://"),
        ("HTTPX://x", "api_url 'HTTPX://x' must start with http:// or https://"),
        ("h.example", "api_url 'h.example' must start with http:// or https://"),
        (
            "https://h.example#x@y#z",
            "api_url must not have a query (?...) or fragment (#...): give only scheme, host, "
            "port and path",
        ),
        (
            "https://h.example?x@y?z",
            "api_url must not have a query (?...) or fragment (#...): give only scheme, host, "
            "port and path",
        ),
        (
            "http://h.example:65536",
            "api_url 'http://h.example:65536': port 65536 is outside 1..65535",
        ),
        (
            "https://user:pw@h.example/a//b",
            "api_url must not hold credentials (user:password@host): use IONWORKS_API_KEY or "
            "IONWORKS_API_TOKEN",
        ),
        (
            "https://user:pw@h.example/x@y",
            "api_url must not hold credentials (user:password@host): use IONWORKS_API_KEY or "
            "IONWORKS_API_TOKEN",
        ),
    ],
)
def test_validate_api_url_without_a_source(url: str, message: str) -> None:
    from ionworks_toolkit.settings import validate_api_url

    with pytest.raises(ConfigurationError) as info:
        validate_api_url(url)
    assert str(info.value) == message


def test_the_official_api_from_the_folder_does_not_excuse_its_proxy(tmp_path: Path) -> None:
    (tmp_path / "ionworks-toolkit.toml").write_text(
        'api_url = "https://api.ionworks.com"\nproxy = "http://127.0.0.2:3128"\n'
    )
    assert settings_error(tmp_path, environ={"IONWORKS_API_KEY": "k"}) == (
        "refusing to use proxy 'http://127.0.0.2:3128' from the working folder's "
        "ionworks-toolkit.toml with the credential from the environment (IONWORKS_API_KEY): a "
        "file in the working folder may not choose where your credential goes. If you trust "
        "it, confirm with --proxy URL (proxy=..., or IONWORKS_TOOLKIT_PROXY)"
    )


# ---------------------------------------------------------------------------------- .env


def test_a_token_from_dotenv_beats_its_key(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("IONWORKS_API_KEY=dotenv-key\nIONWORKS_API_TOKEN=dotenv-tok\n")
    settings = load_settings(environ={}, working_dir=tmp_path)
    assert (settings.api_key, settings.api_token) == (None, Secret("dotenv-tok"))
    assert settings.credential_source == ".env"


def test_a_dotenv_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"IONWORKS_API_KEY=\xff\n")
    assert settings_error(tmp_path) == (
        f"{tmp_path / '.env'} is not UTF-8 text: 'utf-8' codec can't decode byte 0xff in "
        "position 17: invalid start byte"
    )


def test_a_dotenv_without_python_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "dotenv", None)  # import dotenv -> ImportError
    (tmp_path / ".env").write_text("IONWORKS_API_KEY=k\n")
    assert settings_error(tmp_path) == (
        f"{tmp_path / '.env'} exists but python-dotenv is not installed to read it: pip install "
        "python-dotenv, or remove the file"
    )


def test_a_deleted_working_folder_is_one_line(tmp_path: Path) -> None:
    # FINDINGS8 H17: run from a folder deleted meanwhile, Path.cwd() raised a traceback.
    import os

    from ionworks_toolkit import ConfigurationError

    gone = tmp_path / "gone"
    gone.mkdir()
    before = os.getcwd()
    os.chdir(gone)
    try:
        gone.rmdir()
        with pytest.raises(ConfigurationError) as caught:
            load_settings(environ={})
    finally:
        os.chdir(before)
    assert str(caught.value) == (
        "the current working folder no longer exists (deleted meanwhile?): cd to an existing "
        "folder (.env and ionworks-toolkit.toml are looked for there)"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    # a working_dir given is used as it is, whatever the current folder
    assert load_settings(environ={}, working_dir=tmp_path).page_size == 1000
