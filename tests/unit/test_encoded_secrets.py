"""A credential a server echoes back encoded is redacted like the verbatim one (break-it pass
six, F3): percent-encoded (``SeCrEt-K3y%2Fwith%2Bchars%3D%3D``), form-encoded, base64url,
JSON- or HTML-escaped, in an error body, a redirect's ``Location``, a ``-v`` log line and the
command line's error line alike."""

from __future__ import annotations

import json
import logging
import uuid

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import AuthenticationError, UnexpectedResponseError
from ionworks_toolkit.auth import _char_pattern, _hex, redact_secrets, secret_pattern
from ionworks_toolkit.cli import main
from loopback import Exchange, LoopbackServer

KEY = "SeCrEt-K3y/with+chars=="
PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
#: KEY with every character as JSON's \\uXXXX escape, lower-case hex.
ALL_ESCAPED = "".join(f"\\u{ord(char):04x}" for char in KEY)


# ------------------------------------------------------------------------- every form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bad key SeCrEt-K3y/with+chars== (x)", "bad key *** (x)"),
        # percent-encoded: upper and lower hex, mixed with literal characters, twice encoded
        ("bad key SeCrEt-K3y%2Fwith%2Bchars%3D%3D (x)", "bad key *** (x)"),
        ("bad key SeCrEt-K3y%2fwith%2bchars%3d%3d (x)", "bad key *** (x)"),
        ("p?k=SeCrEt-K3y%2Fwith+chars%3D%3D&a=1", "p?k=***&a=1"),
        ("SeCrEt-K3y%252Fwith%252Bchars%253D%253D", "***"),
        # base64url (+ as -, / as _), its padding left off or kept
        ("t=SeCrEt-K3y_with-chars;", "t=***;"),
        ("t=SeCrEt-K3y_with-chars==;", "t=***;"),
        ("t=SeCrEt-K3y/with+chars;", "t=***;"),
        # JSON escapes: \/ and \\uXXXX in either case
        ('{"d": "SeCrEt-K3y\\/with+chars=="}', '{"d": "***"}'),
        ('{"d": "SeCrEt-K3y\\u002Fwith\\u002bchars\\u003d="}', '{"d": "***"}'),
        # ... for letters and digits too (FINDINGS9 J6): one, several, every character
        ('{"d": "bad key \\u0053eCrEt-K3y/with+chars=="}', '{"d": "bad key ***"}'),
        ('{"d": "\\u0053e\\u0043r\\u0045t-\\u004b3y/with+chars=="}', '{"d": "***"}'),
        ('{"d": "' + ALL_ESCAPED + '"}', '{"d": "***"}'),
        ('{"d": "' + ALL_ESCAPED.upper().replace("\\U", "\\u") + '"}', '{"d": "***"}'),
        # HTML references and percent-encodings of letters
        ("&#83;eCrEt-K3y/with+chars==", "***"),
        ("&#x53;eCrEt-K3y/with+chars==", "***"),
        ("%53eCrEt-K3y/with+chars==", "***"),
        # an escape of another letter is not the key
        ("\\u0054eCrEt-K3y/with+chars==", "\\u0054eCrEt-K3y/with+chars=="),
        # HTML character references, decimal and hex
        ("<p>SeCrEt-K3y&#47;with&#x2B;chars&#61;&#x3d;</p>", "<p>***</p>"),
        ("SeCrEt-K3y&#0047;with&#X2b;chars==", "***"),
        # one '=' more than the padding stays; the secret's letters keep their case
        ("SeCrEt-K3y/with+chars===", "***="),
        ("SeCrEt-k3y%2Fwith%2Bchars%3D%3D", "SeCrEt-k3y%2Fwith%2Bchars%3D%3D"),
        # not an encoding of it: a bad escape, another character, a part of the key
        ("SeCrEt-K3y%2Xwith+chars==", "SeCrEt-K3y%2Xwith+chars=="),
        ("SeCrEt-K3y%2Ewith+chars==", "SeCrEt-K3y%2Ewith+chars=="),
        ("SeCrEt-K3y/with", "SeCrEt-K3y/with"),
        ("SeCrEt-K3y/with%20chars==", "SeCrEt-K3y/with%20chars=="),
    ],
)
def test_every_encoded_form_of_a_base64_style_key_is_redacted(text: str, expected: str) -> None:
    assert redact_secrets(text, [KEY]) == expected


@pytest.mark.parametrize(
    ("secret", "text", "expected"),
    [
        # a space: %20, form encoding's +, JSON's \u0020
        ("pass phrase 42", "k=pass+phrase+42&x", "k=***&x"),
        ("pass phrase 42", "k=pass%20phrase%2042&x", "k=***&x"),
        ("pass phrase 42", "pass\\u0020phrase 42", "***"),
        # quotes and backslashes: JSON's and HTML's escapes
        ('ab"cd\\efgh', '{"detail": "bad key ab\\"cd\\\\efgh"}', '{"detail": "bad key ***"}'),
        ('ab"cd&efgh', "ab&quot;cd&amp;efgh", "***"),
        ("ab'cd<e>fgh", "ab&apos;cd&lt;e&gt;fgh", "***"),
        ("ab'cd<e>fgh", "ab%27cd%3Ce%3Efgh", "***"),
        # non-ASCII: UTF-8 percent-encoding, JSON's \\u escape, HTML's reference
        ("clé-secrète", "cl%C3%A9-secr%c3%a8te", "***"),
        ("clé-secrète", "cl\\u00e9-secr\\u00E8te", "***"),
        ("clé-secrète", "cl&#233;-secr&#xe8;te", "***"),
        # a percent sign of the key itself
        ("100%-sure-key", "100%25-sure-key 100%-sure-key", "*** ***"),
        # short secrets: encoded too, still only where they stand alone as a token
        ("k/1", "key k%2F1 req-k%2F1 k%2F1x", "key *** req-k%2F1 k%2F1x"),
        ("k=", "key k%3D and k", "key *** and k"),  # short: its padding is not optional
        # a long key whose body is short without the padding: the padding is required
        ("abcdef==", "abcdef%3D%3D abcdef", "*** abcdef"),
    ],
)
def test_encoded_forms_of_other_characters_are_redacted(
    secret: str, text: str, expected: str
) -> None:
    assert redact_secrets(text, [secret]) == expected


def test_pattern_pieces_are_exact() -> None:
    """The building blocks, value for value."""
    assert _hex(47, 2) == "2[fF]"
    assert _hex(0x2B, 4) == "002[bB]"
    assert _hex(10, 1) == "[aA]"
    assert _hex(0, 2) == "00"
    plain = [_char_pattern(char).split("|")[0] for char in "aZ09-._~"]
    assert plain == ["(?:a", "(?:Z", "(?:0", "(?:9", "(?:\\-", "(?:\\.", "(?:_", "(?:\\~"]
    assert _char_pattern("/") == ("(?:%(?:25)?2[fF]|&#0*47;|&#[xX]0*2[fF];|/|\\\\/|\\\\u002[fF]|_)")
    assert _char_pattern("=") == ("(?:%(?:25)?3[dD]|&#0*61;|&#[xX]0*3[dD];|=|\\\\u003[dD])")
    assert _char_pattern("é") == (
        "(?:%(?:25)?[cC]3%(?:25)?[aA]9|&#0*233;|&#[xX]0*[eE]9;|\\\\u00[eE]9|é)"
    )
    # a letter or digit: itself, JSON's \\u escape, HTML references, percent-encoded
    assert _char_pattern("S") == "(?:S|\\\\u0053|&#0*83;|&#[xX]0*53;|%(?:25)?53)"
    assert _char_pattern("k") == "(?:k|\\\\u006[bB]|&#0*107;|&#[xX]0*6[bB];|%(?:25)?6[bB])"
    start, end = "(?<![\\w.\\-/\\\\])", "(?![\\w\\-]|[./\\\\]\\w)"
    k, one, abc = _char_pattern("k"), _char_pattern("1"), "".join(map(_char_pattern, "abc"))
    abcdefgh = "".join(map(_char_pattern, "abcdefgh"))
    assert secret_pattern("k/1").pattern == start + k + _char_pattern("/") + one + end
    assert secret_pattern("abcdefgh==").pattern == abcdefgh + _char_pattern("=") + "{0,2}"
    assert secret_pattern("abcdefgh").pattern == abcdefgh
    assert secret_pattern("abc=").pattern == start + abc + _char_pattern("=") + end


def test_the_sandbox_key_and_blank_secrets_are_left_alone() -> None:
    assert redact_secrets("the sandbox project", ["sandbox", ""]) == "the sandbox project"


# ------------------------------------------------------------------- where it applies


def echoing_handler(request: httpx.Request) -> httpx.Response:
    """A 401 whose detail, request id and header quote the key percent-encoded."""
    quoted = httpx.QueryParams({"k": request.headers["x-api-key"]})
    encoded = str(quoted)[2:].replace("+", "%2B")
    return httpx.Response(
        401,
        json={"detail": f"bad key {encoded}"},
        headers={"x-request-id": f"rid-{encoded}", "www-authenticate": f"Key {encoded}"},
    )


def test_an_error_body_echoing_the_key_percent_encoded(make_toolkit) -> None:
    toolkit = make_toolkit(echoing_handler, api_key=KEY)
    with pytest.raises(AuthenticationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET /cell_measurements/by-project/{PROJECT_ID} -> 401: bad key *** (request id rid-***)"
    )
    assert info.value.detail == "bad key ***"
    assert info.value.body == {"detail": "bad key ***"}


def test_an_error_body_echoing_the_key_json_escaped_letter_by_letter(make_toolkit) -> None:
    """FINDINGS9 J6: ``{"detail": "bad key \\u0053eCrEt-K3y/with+chars=="}`` (legal JSON, one
    letter escaped) was parsed into the plain key and reached str(), repr(), detail and body."""

    def handler(request: httpx.Request) -> httpx.Response:
        escaped = "\\u0053" + request.headers["x-api-key"][1:]
        body = f'{{"detail": "bad key {escaped}", "errors": [{{"input": "{escaped}"}}]}}'
        return httpx.Response(401, content=body.encode(), headers={"x-request-id": escaped})

    toolkit = make_toolkit(handler, api_key=KEY)
    with pytest.raises(AuthenticationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    error = info.value
    assert str(error) == (
        f"GET /cell_measurements/by-project/{PROJECT_ID} -> 401: bad key *** (request id ***)"
    )
    assert repr(error) == f"AuthenticationError({str(error)!r})"
    assert error.detail == "bad key ***"
    assert error.body == {"detail": "bad key ***", "errors": [{"input": "***"}]}


def test_a_redirect_location_echoing_the_key(make_toolkit) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            302, headers={"Location": "http://evil.example/p?k=SeCrEt-K3y%2Fwith+chars%3D%3D"}
        )

    toolkit = make_toolkit(handler, api_key=KEY)
    with pytest.raises(UnexpectedResponseError) as info:
        toolkit.client.get_httpx_client().get("/start")
    assert str(info.value) == (
        "GET /start -> 302: redirected to another origin: Location http://evil.example/p?k=***; "
        "not followed (credentials go only to https://api.example.com: if the API moved, set "
        "api_url to its new address)"
    )


def test_a_debug_line_never_shows_the_key_in_any_encoding(
    make_toolkit, caplog: pytest.LogCaptureFixture
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    toolkit = make_toolkit(handler, api_key=KEY)
    caplog.set_level(logging.DEBUG, logger="ionworks_toolkit.http")
    list(toolkit.iter_measurements_by_project(PROJECT_ID, page_size=10, name=KEY))
    url = (
        f"https://api.example.com/cell_measurements/by-project/{PROJECT_ID}"
        "?limit=10&offset=0&name=***&order_by=created_at&order=desc"
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "ionworks_toolkit.http"]
    assert lines == [f"-> GET {url}", f"<- GET {url} 200"]


def test_the_command_line_error_line_never_shows_the_encoded_key(runner: CliRunner) -> None:
    def handler(exchange: Exchange) -> None:
        key = exchange.headers["x-api-key"]
        encoded = str(httpx.QueryParams({"k": key}))[2:].replace("+", "%2B")
        exchange.respond(401, json.dumps({"detail": f"bad key {encoded}"}).encode())

    with LoopbackServer(handler) as server:
        result = runner.invoke(
            main,
            ["-v", "--api-url", server.url, "--api-key", KEY, "measurements", "list", PROJECT_ID],
        )
    assert result.exit_code == 3, result.output
    assert (
        f"error: GET /cell_measurements/by-project/{PROJECT_ID} -> 401: bad key ***"
        in result.stderr.splitlines()
    )
    assert "K3y" not in result.output


def test_a_live_recording_scrubs_the_echoed_key_from_a_cassette(
    vcr_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--live`` records with the real key from the environment: a response echoing it, in
    any encoding, reaches the cassette as ``***``; a binary body is left as it is."""
    monkeypatch.setenv("IONWORKS_API_KEY", KEY)
    monkeypatch.delenv("IONWORKS_API_TOKEN", raising=False)
    scrub = vcr_config["before_record_response"]
    response = {
        "headers": {
            "X-Echo": ["k=SeCrEt-K3y%2Fwith%2Bchars%3D%3D"],
            "X-One": "SeCrEt-K3y_with-chars",
            "Date": ["today"],
        },
        "body": {"string": b'{"detail": "bad key SeCrEt-K3y\\/with+chars=="}'},
    }
    assert scrub(response) == {
        "headers": {"X-Echo": ["k=***"], "X-One": "***"},
        "body": {"string": b'{"detail": "bad key ***"}'},
    }
    binary = {"headers": {}, "body": {"string": b"\xff SeCrEt-K3y/with+chars=="}}
    assert scrub(binary) == {"headers": {}, "body": {"string": b"\xff SeCrEt-K3y/with+chars=="}}
    monkeypatch.delenv("IONWORKS_API_KEY")
    untouched = {"headers": {}, "body": {"string": b"SeCrEt-K3y/with+chars=="}}
    assert scrub(untouched) == {"headers": {}, "body": {"string": b"SeCrEt-K3y/with+chars=="}}
