"""auth.py function by function, with exact values (the mutation audit's ``auth`` group).

The behaviour tests (a key never sent over plain http, never carried to another origin,
redacted from server errors) are in ``test_core_security.py``, ``test_http_transport.py`` and
``test_safety_rules.py``; these pin each helper's exact result, so that one changed constant,
comparison or string in ``auth.py`` fails a test (``python scripts/mutants.py auth``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import ConfigurationError, Secret, Settings
from ionworks_toolkit.auth import (
    REDACTED,
    BuiltinAuthPlugin,
    IonworksAuth,
    check_credential_headers,
    check_transport_security,
    credential_values,
    is_loopback_host,
    origin_of,
    redact_secrets,
    strip_foreign_credentials,
)

# ----------------------------------------------------------------------- credential_values


def test_credential_values_reads_every_secret_header_longest_first() -> None:
    headers = httpx.Headers(
        [
            ("X-API-Key", "  key with a space  "),  # stripped; not split: only auth schemes are
            ("Authorization", "Bearer tok-0123456789"),
            ("Proxy-Authorization", "Basic cHJveHk6cHc="),
            ("Cookie", "session=s3ss10n-value; theme=dark=mode; flag"),
            ("X-Organization-Id", "org-not-a-secret"),
            ("Accept", "application/json"),
        ]
    )
    assert credential_values(headers) == [
        "session=s3ss10n-value; theme=dark=mode; flag",
        "Bearer tok-0123456789",
        "Basic cHJveHk6cHc=",
        "key with a space",
        "tok-0123456789",
        "s3ss10n-value",
        "cHJveHk6cHc=",
        "dark=mode",
    ]


def test_credential_values_order_is_by_length_not_by_letters() -> None:
    # Longest first, so that a token is redacted inside "Bearer <token>" only after the whole.
    headers = httpx.Headers({"Authorization": "Bearer zz", "X-API-Key": "a-much-longer-key"})
    assert credential_values(headers) == ["a-much-longer-key", "Bearer zz", "zz"]


def test_credential_values_skip_blank_values_and_read_on() -> None:
    headers = httpx.Headers(
        [("X-API-Key", "   "), ("X-API-Key", "second-key"), ("Cookie", "a=; =b; c")]
    )
    assert credential_values(headers) == ["second-key", "a=; =b; c", "b"]


def test_credential_values_split_the_scheme_at_the_first_space() -> None:
    headers = httpx.Headers({"Authorization": "Custom token with two spaces"})
    assert credential_values(headers) == [
        "Custom token with two spaces",
        "token with two spaces",
    ]


def test_credential_values_of_a_scheme_alone() -> None:
    headers = httpx.Headers({"Authorization": "Bearer   ", "Proxy-Authorization": "opaque-x"})
    assert credential_values(headers) == ["opaque-x", "Bearer"]


def test_credential_values_of_a_request_without_credentials() -> None:
    assert credential_values(httpx.Headers({"X-Organization-Id": "org"})) == []


# -------------------------------------------------------------------------- redact_secrets


@pytest.mark.parametrize(
    ("text", "secrets", "expected"),
    [
        # 8 characters and more: redacted wherever they appear, inside words too
        ("xabcdefghx abcdefgh", ["abcdefgh"], "x***x ***"),
        # shorter: only where the secret stands alone as a token
        ("invalid API key k", ["k"], "invalid API key ***"),
        ("req-k k-1 x.k kk k. (k)", ["k"], "req-k k-1 x.k kk ***. (***)"),
        ("hunter2-4 hunter2 hunter22 x.hunter2", ["hunter2"], "hunter2-4 *** hunter22 x.hunter2"),
        # FINDINGS7 G26: a dev key "x" or "dev" leaves file names and paths readable...
        (
            "published: h.db; rolled back (previous output kept): bad:x.out",
            ["x"],
            "published: h.db; rolled back (previous output kept): bad:x.out",
        ),
        (
            "/home/dev/out.db dev/x dir\\dev.db dev.jsonl",
            ["dev"],
            "/home/dev/out.db dev/x dir\\dev.db dev.jsonl",
        ),
        # a real (long) key never leaks: masked inside a file name or a path too
        (
            "bad:sk-live-0123456789.out /home/sk-live-0123456789/ x.sk-live-0123456789",
            ["sk-live-0123456789"],
            "bad:***.out /home/***/ x.***",
        ),
        # ... while the short key standing alone is still masked, also before a full stop, a slash
        # or a backslash that ends the text, and inside quotes, JSON and a query string
        (
            'invalid API key dev. "dev" key=dev&a=1 X-API-Key: dev dev/ dev\\',
            ["dev"],
            'invalid API key ***. "***" key=***&a=1 X-API-Key: *** ***/ ***\\',
        ),
        # the sandbox's published key is no secret: messages keep the word (newcomer pass:
        # "the sandbox project" read "the *** project"); a real key beside it is still masked
        ("the sandbox project", ["sandbox"], "the sandbox project"),
        ("sandbox key s3cr3t", ["sandbox", "s3cr3t"], "sandbox key ***"),
        ("Sandbox sandbox", ["Sandbox"], "*** sandbox"),  # only the exact key is public
        # a short secret is a literal, not a pattern
        ("a+b ab aab", ["a+b"], "*** ab aab"),
        ("1.2 102", ["1.2"], "*** 102"),
        # the JSON-escaped form too (a server echoing the key inside a JSON string)
        ('{"detail": "bad key ab\\"cd\\\\efgh"}', ['ab"cd\\efgh'], '{"detail": "bad key ***"}'),
        ('{"detail": "k\\"1"}', ['k"1'], '{"detail": "***"}'),
        # several secrets, each applied in turn; none at all leaves the text as it is
        (
            "Bearer tok-0123456789 tok-0123456789",
            ["Bearer tok-0123456789", "tok-0123456789"],
            "*** ***",
        ),
        ("nothing to hide", [], "nothing to hide"),
    ],
)
def test_redact_secrets(text: str, secrets: list[str], expected: str) -> None:
    assert redact_secrets(text, secrets) == expected
    assert REDACTED == "***"


# ----------------------------------------------------------------- check_credential_headers


@pytest.mark.parametrize(
    ("header", "value", "problem"),
    [
        ("X-API-Key", "sk-\x07live", "a control character (character 4)"),
        ("Authorization", "Bearer \x7ftok", "a control character (character 8)"),
        ("Cookie", "a=b\tc", "a control character (character 4)"),
        ("Proxy-Authorization", "Basic \x00", "a control character (character 7)"),
        ("X-Organization-Id", "org-\x1b1", "a control character (character 5)"),
    ],
)
def test_check_credential_headers_names_the_header_never_the_value(
    header: str, value: str, problem: str
) -> None:
    request = httpx.Request("GET", "https://api.example.com/", headers={header: value})
    with pytest.raises(ConfigurationError) as info:
        check_credential_headers(request)
    assert str(info.value) == (
        f"the {header} header contains {problem}; the request was not sent and the value is "
        "not shown (a credential is one line of printable ASCII)"
    )


def test_check_credential_headers_reads_every_value_of_a_header() -> None:
    request = httpx.Request(
        "GET", "https://api.example.com/", headers=[("Cookie", "a=1"), ("Cookie", "b=\x01")]
    )
    with pytest.raises(ConfigurationError, match=r"^the Cookie header contains a control"):
        check_credential_headers(request)


def test_check_credential_headers_passes_clean_and_other_headers() -> None:
    request = httpx.Request(
        "GET",
        "https://api.example.com/",
        headers={"X-API-Key": "sk-live", "X-Organization-Id": "org", "X-Other": "a\x01b"},
    )
    assert check_credential_headers(request) is None


# ------------------------------------------------------------------- loopback and transport


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LocalHost", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost.", False),
        ("X127.0.0.1", False),
        ("127.0.0.1X", False),
        ("128.0.0.1", False),
        ("::2", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_is_loopback_host_exactly(host: str, expected: bool) -> None:
    assert is_loopback_host(host) is expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://example.com/x",
            "refusing to send credentials over plain http to example.com: use https (plain "
            "http is allowed only to loopback, e.g. the sandbox)",
        ),
        ("ftp://127.0.0.1/x", "refusing to send credentials over ftp://"),
        ("ws://localhost/x", "refusing to send credentials over ws://"),
    ],
)
def test_check_transport_security_messages(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        check_transport_security(httpx.URL(url))
    assert str(info.value) == message


@pytest.mark.parametrize(
    "url", ["https://example.com/", "http://127.0.0.1:8000/", "http://localhost/", "http://[::1]/"]
)
def test_check_transport_security_allows(url: str) -> None:
    assert check_transport_security(httpx.URL(url)) is None


# ------------------------------------------------------------------------------ IonworksAuth


def _flow(auth: httpx.Auth, url: str = "https://api.example.com/p") -> httpx.Request:
    request = httpx.Request("GET", url)
    flow = auth.auth_flow(request)
    sent = next(flow)
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200))
    return sent


def test_auth_flow_sends_the_key_and_organization_as_written() -> None:
    sent = _flow(IonworksAuth(api_key=Secret("sk-live-1"), organization_id="org-7"))
    assert [(k, v) for k, v in sent.headers.raw if k.lower() != b"host"] == [
        (b"X-API-Key", b"sk-live-1"),
        (b"X-Organization-Id", b"org-7"),
    ]


def test_auth_flow_sends_a_bearer_token_before_a_key() -> None:
    auth = IonworksAuth(api_key=Secret("sk-live-1"), api_token=Secret("tok-2"))
    sent = _flow(auth)
    assert [(k, v) for k, v in sent.headers.raw if k.lower() != b"host"] == [
        (b"Authorization", b"Bearer tok-2")
    ]
    assert auth.kind == "bearer"
    assert repr(auth) == "IonworksAuth(kind='bearer', organization_id=None)"


def test_auth_flow_without_organization_and_an_empty_one() -> None:
    for organization in (None, ""):
        auth = IonworksAuth(api_key=Secret("k"), organization_id=organization)
        assert auth.kind == "api_key"
        sent = _flow(auth)
        assert sent.headers.get("X-Organization-Id") is None
        assert sent.headers["X-API-Key"] == "k"
    assert repr(IonworksAuth(api_key=Secret("k"), organization_id="o")) == (
        "IonworksAuth(kind='api_key', organization_id='o')"
    )


def test_auth_flow_refuses_plain_http_before_yielding() -> None:
    flow = IonworksAuth(api_key=Secret("k")).auth_flow(httpx.Request("GET", "http://e.com/"))
    with pytest.raises(ConfigurationError, match=r"^refusing to send credentials over plain http"):
        next(flow)


def test_auth_needs_a_credential_exact_message() -> None:
    with pytest.raises(ConfigurationError) as info:
        IonworksAuth(organization_id="org")
    assert str(info.value) == "IonworksAuth needs an api_key or an api_token"
    assert IonworksAuth(api_token=Secret("t")).kind == "bearer"


def test_builtin_auth_plugin() -> None:
    plugin = BuiltinAuthPlugin()
    assert plugin.ionworks_auth(Settings()) is None
    auth = plugin.ionworks_auth(
        Settings(api_key="sk-1", api_token="tok-1", organization_id="org-1")
    )
    assert isinstance(auth, IonworksAuth)
    sent = _flow(auth)
    assert sent.headers["Authorization"] == "Bearer tok-1"
    assert sent.headers["X-Organization-Id"] == "org-1"
    key_only = plugin.ionworks_auth(Settings(api_key="sk-1"))
    assert _flow(key_only).headers["X-API-Key"] == "sk-1"


# ------------------------------------------------------------------------ origins, stripping


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://api.example.com/v1", ("https", "api.example.com", 443)),
        ("http://api.example.com/v1", ("http", "api.example.com", 80)),
        ("http://127.0.0.1:8000", ("http", "127.0.0.1", 8000)),
        ("https://api.example.com:8443/", ("https", "api.example.com", 8443)),
    ],
)
def test_origin_of(url: str, origin: tuple[str, str, int]) -> None:
    assert origin_of(url) == origin


def test_strip_foreign_credentials_removes_exactly_the_credential_headers() -> None:
    headers = {
        "X-API-Key": "k",
        "Authorization": "Bearer t",
        "X-Organization-Id": "o",
        "Cookie": "c=1",
        "Accept": "application/json",
    }
    foreign = httpx.Request("GET", "https://elsewhere.example.com/", headers=headers)
    strip_foreign_credentials(foreign, ("https", "api.example.com", 443))
    assert [k for k, _ in foreign.headers.raw if k.lower() != b"host"] == [b"Accept"]
    own = httpx.Request("GET", "http://api.example.com/p", headers=headers)
    strip_foreign_credentials(own, ("http", "api.example.com", 80))
    assert sorted(own.headers) == sorted(h.lower() for h in (*headers, "Host"))


def test_the_sandboxs_key_is_the_one_public_key() -> None:
    from ionworks_toolkit.auth import PUBLIC_API_KEYS
    from ionworks_toolkit.sandbox._options import SandboxOptions

    assert PUBLIC_API_KEYS == frozenset({SandboxOptions().api_key}) == frozenset({"sandbox"})


def test_sandbox_messages_keep_the_word_sandbox(tmp_path: Path, monkeypatch: Any) -> None:
    """The newcomer's run: with ``--sandbox`` (key ``sandbox``) the error read "no project
    named '***'; closest: '*** empty project'"."""
    from click.testing import CliRunner
    from ionworks_toolkit.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--sandbox", "measurements", "list", "sandbox"])
    assert result.exit_code == 4, result.output
    assert result.stderr == (
        "error: no project named 'sandbox'; closest: 'Sandbox empty project'\n"
    )
