"""HTTP-layer settings (issue 13): malformed api_url, credentials that are not one header
line, the untrusted-folder rule, and the new limits (size, retry budget, proxy, CA bundle).

Every refusal happens before any request: where a server would have been contacted, a
loopback listener proves it never was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ionworks_toolkit import ConfigurationError, Secret, Settings
from ionworks_toolkit.cli import main
from ionworks_toolkit.settings import (
    DEFAULT_MAX_RESPONSE_BYTES,
    load_settings,
    parse_byte_size,
    validate_api_url,
)
from loopback import Exchange, LoopbackServer

PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
TOKEN = "SECRETtok\nX-Injected: 1"


@pytest.fixture
def listener() -> Iterator[LoopbackServer]:
    """A loopback server that answers an empty page and records what it got."""

    def empty_page(exchange: Exchange) -> None:
        exchange.respond(200, b'{"items": [], "count": 0, "total": 0}')

    with LoopbackServer(empty_page) as server:
        yield server


# ----------------------------------------------------------------------------- 8. api_url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1:abc",
            "api_url 'http://127.0.0.1:abc' (from an argument) is not a valid URL: "
            "Invalid port: 'abc'",
        ),
        (
            "http://127.0.0.1:99999",
            "api_url 'http://127.0.0.1:99999' (from an argument): port 99999 is outside 1..65535",
        ),
        (
            "http://127.0.0.1:0",
            "api_url 'http://127.0.0.1:0' (from an argument): port 0 is outside 1..65535",
        ),
        (
            "http://xn--a.com",
            "api_url 'http://xn--a.com' (from an argument) is not a valid URL: "
            "Codepoint U+0080 at position 1 of '\\x80' not allowed",
        ),
        (
            "https://☃☃..com",
            "api_url 'https://☃☃..com' (from an argument) is not a valid URL: "
            "Invalid IDNA hostname: '☃☃..com'",
        ),
        (
            "https://ex ample.com",
            "api_url 'https://ex ample.com' (from an argument): 'ex%20ample.com' is not a valid "
            "host name (letters, digits and hyphens between dots, or an IP address)",
        ),
        (
            "https://-api-.example.com",
            "api_url 'https://-api-.example.com' (from an argument): '-api-.example.com' is not "
            "a valid host name (letters, digits and hyphens between dots, or an IP address)",
        ),
        ("https://", "api_url 'https:' (from an argument) must start with http:// or https://"),
        ("https:///path", "api_url 'https:///path' (from an argument) has no host"),
        (
            "https://api.example.com/?api_key=sk-123",
            "api_url (from an argument) must not have a query (?...) or fragment (#...): give "
            "only scheme, host, port and path",
        ),
    ],
)
def test_malformed_api_url_is_one_configuration_error(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(api_url=url, environ={})
    assert str(info.value) == message
    assert "sk-123" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.ionworks.com/", "https://api.ionworks.com"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000/api/v1", "http://[::1]:8000/api/v1"),
        ("https://bücher.example", "https://bücher.example"),
        ("http://api_server:8080", "http://api_server:8080"),
        ("https://api.example.com.", "https://api.example.com."),
    ],
)
def test_well_formed_api_urls_pass(url: str, expected: str) -> None:
    assert validate_api_url(url) == expected


def test_malformed_api_url_names_its_source(tmp_path: Path) -> None:
    (tmp_path / "ionworks-toolkit.toml").write_text('api_url = "http://127.0.0.1:99999"\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, working_dir=tmp_path)
    assert str(info.value) == (
        "api_url 'http://127.0.0.1:99999' (from the working folder's ionworks-toolkit.toml): "
        "port 99999 is outside 1..65535"
    )
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"IONWORKS_API_URL": "http://127.0.0.1:abc"}, working_dir=tmp_path)
    assert str(info.value).startswith("api_url 'http://127.0.0.1:abc' (from the environment)")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1:abc",
            "error: api_url 'http://127.0.0.1:abc' (from an argument) is not a valid URL: "
            "Invalid port: 'abc'",
        ),
        (
            "http://127.0.0.1:99999",
            "error: api_url 'http://127.0.0.1:99999' (from an argument): port 99999 is outside "
            "1..65535",
        ),
        (
            "http://☃☃..com",
            "error: api_url 'http://☃☃..com' (from an argument) is not a valid URL: "
            "Invalid IDNA hostname: '☃☃..com'",
        ),
    ],
)
def test_cli_malformed_api_url_is_exit_2_one_line(runner: CliRunner, url: str, message: str):
    result = runner.invoke(
        main, ["--api-url", url, "--api-key", "k", "measurements", "list", PROJECT_ID]
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [message]


# ----------------------------------------------------------------------------- 6. CR/LF


@pytest.mark.parametrize(
    ("kwargs", "environ", "message"),
    [
        (
            {},
            {"IONWORKS_API_TOKEN": TOKEN},
            "IONWORKS_API_TOKEN (from environment) contains a line break (character 10)",
        ),
        (
            {},
            {"IONWORKS_API_KEY": "SECRETkey\r\nX-Injected: 1"},
            "IONWORKS_API_KEY (from environment) contains a line break (character 10)",
        ),
        (
            {"api_key": "SECRETkey\x00x"},
            {},
            "api_key (from argument) contains a control character (character 10)",
        ),
        (
            {"api_token": "SECRETtok€"},
            {},
            "api_token (from argument) contains a non-ASCII character (character 10)",
        ),
    ],
)
def test_credential_that_is_not_one_header_line_is_refused_unechoed(
    kwargs: dict[str, str], environ: dict[str, str], message: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ=environ, working_dir=tmp_path, **kwargs)
    text = str(info.value)
    assert text == (
        f"{message}; it is refused before any request and not shown. Set it again without it "
        "(a credential is one line of printable ASCII)"
    )
    assert "SECRET" not in text and "Injected" not in text


def test_credential_with_line_break_in_dotenv_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('IONWORKS_API_KEY="SECRETkey\\nX-Injected: 1"\n')
    with pytest.raises(ConfigurationError, match=r"^IONWORKS_API_KEY \(from \.env\) contains a"):
        load_settings(environ={}, working_dir=tmp_path)


def test_settings_built_directly_refuse_it_too() -> None:
    with pytest.raises(ConfigurationError) as info:
        Settings(api_token="SECRETtok\nX-Injected: 1")
    assert "SECRET" not in str(info.value)
    assert str(info.value).startswith("credential contains a line break (character 10)")


def test_cli_token_with_line_break_is_exit_2_and_never_printed(
    runner: CliRunner, listener: LoopbackServer
) -> None:
    result = runner.invoke(
        main,
        ["--api-url", listener.url, "measurements", "list", PROJECT_ID],
        env={"IONWORKS_API_TOKEN": TOKEN},
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: IONWORKS_API_TOKEN (from environment) contains a line break (character 10); "
        "it is refused before any request and not shown. Set it again without it (a "
        "credential is one line of printable ASCII)"
    ]
    assert "SECRET" not in result.output
    assert listener.requests == []


def test_organization_id_with_line_break_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(
            organization_id="org\r\nX-Injected: 1", api_key="k", environ={}, working_dir=tmp_path
        )
    assert str(info.value) == (
        "organization_id contains a line break (character 4); it is sent as a header"
    )


# ----------------------------------------------------------------------------- 7. trust


# 127.0.0.2 is loopback too (this machine); pytest-recording must let the test reach it.
@pytest.mark.block_network(allowed_hosts=[r"127\.\d+\.\d+\.\d+"])
def test_folder_config_api_url_never_gets_an_environment_key(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The issue's input: ionworks-toolkit.toml names http://127.0.0.2:P, the key is in the
    environment. Before: the key was sent to 127.0.0.2. Now: exit 2, nothing sent."""
    seen: list[Exchange] = []

    def record(exchange: Exchange) -> None:
        seen.append(exchange)
        exchange.respond(200, b'{"items": [], "count": 0, "total": 0}')

    with LoopbackServer(record, host="127.0.0.2") as server:
        foreign = server.url
        (tmp_path / "ionworks-toolkit.toml").write_text(f'api_url = "{foreign}"\n')
        result = runner.invoke(
            main, ["measurements", "list", PROJECT_ID], env={"IONWORKS_API_KEY": "env-key"}
        )
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            f"error: refusing to use api_url '{foreign}' from the working folder's "
            "ionworks-toolkit.toml with the credential from the environment (IONWORKS_API_KEY): "
            "a file in the working folder may not choose where your credential goes. If you "
            "trust it, confirm with --api-url URL (api_url=..., or IONWORKS_API_URL)"
        ]
        assert seen == []
        # Confirmed explicitly: now it is the user's choice.
        confirmed = runner.invoke(
            main,
            ["--api-url", foreign, "measurements", "list", PROJECT_ID, "--sink", "jsonl:-"],
            env={"IONWORKS_API_KEY": "env-key"},
        )
        assert confirmed.exit_code == 0, confirmed.output
        assert [(e.method, e.headers["x-api-key"]) for e in seen] == [("GET", "env-key")]


@pytest.mark.parametrize(
    ("folder_files", "environ", "kwargs", "refused"),
    [
        # .env in the folder names the URL, the key comes from the environment: refused.
        ({".env": "IONWORKS_API_URL=https://evil.example\n"}, {"IONWORKS_API_KEY": "k"}, {}, True),
        # ... or from an argument: refused.
        ({".env": "IONWORKS_API_URL=https://evil.example\n"}, {}, {"api_key": "k"}, True),
        # Key and URL both from the folder: the folder is the only source, nothing new learnt.
        (
            {
                ".env": "IONWORKS_API_KEY=k\n",
                "ionworks-toolkit.toml": 'api_url = "https://other.example"\n',
            },
            {},
            {},
            False,
        ),
        # The folder names the official API: no new destination.
        (
            {"ionworks-toolkit.toml": 'api_url = "https://api.ionworks.com/"\n'},
            {"IONWORKS_API_KEY": "k"},
            {},
            False,
        ),
        # The environment names the URL: the folder's is not used.
        (
            {"ionworks-toolkit.toml": 'api_url = "https://evil.example"\n'},
            {"IONWORKS_API_KEY": "k", "IONWORKS_API_URL": "https://mine.example"},
            {},
            False,
        ),
        # No credential at all: nothing to protect.
        ({"ionworks-toolkit.toml": 'api_url = "https://other.example"\n'}, {}, {}, False),
        # A proxy or a CA bundle from the folder would let it read the traffic: refused too.
        (
            {"ionworks-toolkit.toml": 'proxy = "http://127.0.0.2:3128"\n'},
            {"IONWORKS_API_KEY": "k"},
            {},
            True,
        ),
        ({".env": "IONWORKS_TOOLKIT_VERIFY=ca.pem\n"}, {"IONWORKS_API_KEY": "k"}, {}, True),
    ],
)
def test_destination_from_a_less_trusted_source_is_refused(
    tmp_path: Path,
    folder_files: dict[str, str],
    environ: dict[str, str],
    kwargs: dict[str, Any],
    refused: bool,
) -> None:
    (tmp_path / "ca.pem").write_text("not used\n")
    for name, text in folder_files.items():
        (tmp_path / name).write_text(text)
    if refused:
        with pytest.raises(ConfigurationError, match=r"^refusing to use (api_url|proxy|verify) "):
            load_settings(environ=environ, working_dir=tmp_path, **kwargs)
    else:
        load_settings(environ=environ, working_dir=tmp_path, **kwargs)


def test_refusal_names_both_sources_for_proxy_and_verify(tmp_path: Path) -> None:
    (tmp_path / "ionworks-toolkit.toml").write_text('proxy = "http://127.0.0.2:3128"\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(api_token="t", environ={}, working_dir=tmp_path)
    assert str(info.value) == (
        "refusing to use proxy 'http://127.0.0.2:3128' from the working folder's "
        "ionworks-toolkit.toml with the credential from an argument (api_token): a file in the "
        "working folder may not choose where your credential goes. If you trust it, confirm "
        "with --proxy URL (proxy=..., or IONWORKS_TOOLKIT_PROXY)"
    )


def test_config_file_named_with_config_is_trusted(tmp_path: Path) -> None:
    config = tmp_path / "staging.toml"
    config.write_text('api_url = "https://staging.example"\nproxy = "http://127.0.0.1:3128"\n')
    settings = load_settings(
        config_file=config, environ={"IONWORKS_API_KEY": "k"}, working_dir=tmp_path
    )
    assert (settings.api_url, settings.proxy) == (
        "https://staging.example",
        "http://127.0.0.1:3128",
    )
    assert settings.sources == {
        "api_url": "config file",
        "proxy": "config file",
        "verify": "default",
    }


# ----------------------------------------------------------------------------- limits


def test_limit_defaults_and_sources(tmp_path: Path) -> None:
    settings = load_settings(environ={}, working_dir=tmp_path)
    assert settings.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 256 * 1024 * 1024
    assert (settings.timeout, settings.retry_budget) == (30.0, 60.0)
    assert (settings.proxy, settings.verify) == (None, True)
    env = {
        "IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES": "10MiB",
        "IONWORKS_TOOLKIT_RETRY_BUDGET": "12.5",
        "IONWORKS_TOOLKIT_TIMEOUT": "2",
        "IONWORKS_TOOLKIT_PROXY": "http://127.0.0.1:3128",
    }
    from_env = load_settings(environ=env, working_dir=tmp_path)
    assert from_env.max_response_bytes == 10 * 1024 * 1024
    assert (from_env.retry_budget, from_env.timeout) == (12.5, 2.0)
    assert from_env.proxy == "http://127.0.0.1:3128"
    (tmp_path / "ionworks-toolkit.toml").write_text("max_response_bytes = 1000\nretry_budget = 5\n")
    from_file = load_settings(environ={}, working_dir=tmp_path)
    assert (from_file.max_response_bytes, from_file.retry_budget) == (1000, 5.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1), ("268435456", 268435456), ("10 MB", 10_000_000), ("1GiB", 1024**3), (2048.0, 2048)],
)
def test_byte_sizes(value: Any, expected: int) -> None:
    assert parse_byte_size(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "lots",
            "max_response_bytes 'lots' is not a size: give bytes (268435456) or a number with a "
            "unit: B, kB, KiB, MB, MiB, GB, GiB (256MiB)",
        ),
        (0, "max_response_bytes 0 must be at least 1 byte"),
        (1.5, "max_response_bytes 1.5 is not a whole number of bytes"),
        (True, "max_response_bytes True is not a whole number of bytes"),
    ],
)
def test_bad_byte_sizes(value: Any, message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        parse_byte_size(value)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retry_budget": 0}, "retry_budget 0 must be a positive number of seconds"),
        ({"retry_budget": "soon"}, "retry_budget 'soon' is not a number of seconds"),
        ({"timeout": float("inf")}, "timeout inf must be a positive number of seconds"),
        (
            {"proxy": "127.0.0.1:3128"},
            "proxy '127.0.0.1:3128' (from an argument) must start with http://, https:// or "
            "socks5://",
        ),
        (
            {"proxy": "ftp://user:pw@127.0.0.1:3128"},
            "proxy '<hidden: holds user:password>' (from an argument) must start with http://, "
            "https:// or socks5://",
        ),
        (
            {"proxy": "http://127.0.0.1:99999"},
            "proxy (from an argument) needs a host and a port in 1..65535",
        ),
        (
            {"verify": "/no/such/ca.pem"},
            "verify: CA bundle '/no/such/ca.pem' (from an argument) does not exist: give a PEM "
            "file or a directory of hashed certificates",
        ),
    ],
)
def test_bad_network_settings(kwargs: dict[str, Any], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, working_dir=tmp_path, **kwargs)
    assert str(info.value) == message


def test_verify_from_ssl_cert_file_and_dir(tmp_path: Path) -> None:
    bundle = tmp_path / "corp-ca.pem"
    bundle.write_text("pem\n")
    assert load_settings(environ={"SSL_CERT_FILE": str(bundle)}, working_dir=tmp_path).verify == (
        str(bundle)
    )
    assert load_settings(environ={"SSL_CERT_DIR": str(tmp_path)}, working_dir=tmp_path).verify == (
        str(tmp_path)
    )
    explicit = tmp_path / "mine.pem"
    explicit.write_text("pem\n")
    settings = load_settings(
        verify=str(explicit), environ={"SSL_CERT_FILE": str(bundle)}, working_dir=tmp_path
    )
    assert settings.verify == str(explicit)
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"SSL_CERT_FILE": "/no/such.pem"}, working_dir=tmp_path)
    assert str(info.value).startswith(
        "verify: CA bundle '/no/such.pem' (from environment (SSL_CERT_FILE)) does not exist"
    )


def test_verify_off_only_from_an_argument(tmp_path: Path) -> None:
    assert load_settings(verify=False, environ={}, working_dir=tmp_path).verify is False
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"IONWORKS_TOOLKIT_VERIFY": "false"}, working_dir=tmp_path)
    assert str(info.value) == (
        "verify=false (from the environment) is refused: certificate checks can be switched off "
        "only by an argument (Toolkit(verify=False)); give a CA bundle path instead"
    )


def test_secret_repr_unchanged() -> None:
    assert repr(Secret("abc")) == "Secret('***')"
