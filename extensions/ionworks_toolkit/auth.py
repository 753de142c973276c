"""Built-in auth plugin: X-API-Key or bearer token, plus X-Organization-Id, as an ``httpx.Auth``.

Security rules (ARCHITECTURE.md section 5), enforced here and tested:

- credentials go only over https, or over plain http to a loopback host (127.0.0.0/8, ::1,
  localhost); anything else raises ConfigurationError before a byte is sent;
- credentials are never carried to another origin: ``strip_foreign_credentials`` runs as a
  request event hook on every hop, redirects included, and removes them when the origin differs;
- the objects holding credentials (``Secret``, ``IonworksAuth``) never show them in ``repr``;
- a credential that cannot be a header value (a line break: header injection) is refused
  before any request without being echoed (``check_credential_headers``);
- text a server sends back (an error ``detail``, a header) is scrubbed of the credentials the
  request carried before it reaches a message or an exception (``redact_secrets``).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import re
import weakref
from collections.abc import Generator, Iterable

import httpx

from .errors import ConfigurationError
from .hookspecs import hookimpl
from .settings import Secret, Settings, header_value_problem

__all__ = [
    "CREDENTIAL_HEADERS",
    "REDACTED",
    "IonworksAuth",
    "check_credential_headers",
    "credential_values",
    "is_loopback_host",
    "redact_secrets",
    "secret_pattern",
    "strip_foreign_credentials",
]

CREDENTIAL_HEADERS = ("X-API-Key", "Authorization", "X-Organization-Id", "Cookie")
SECRET_HEADERS = ("X-API-Key", "Authorization", "Cookie", "Proxy-Authorization")
REDACTED = "***"
# Shorter secrets are redacted only where they stand alone as a token ("invalid API key k",
# "key=k", "'k'", "k." at the end of a sentence; not "req-k", "sandbox-4", a file name
# "k.out" or a path "/home/k/"), so that a short key does not blank out every "k" or every
# "sandbox" of a message; longer ones wherever they appear (FINDINGS7 G26: with the dev key
# "x" a sink "bad:x.out" was shown as "bad:***.out").
_SHORT_SECRET = 8
#: What may not touch a short secret for it to stand alone: a word character, "-", or "."
#: / "/" / "\" joining it to more of a word (a file name, a path), on either side.
_TOKEN_START = r"(?<![\w.\-/\\])"
_TOKEN_END = r"(?![\w\-]|[./\\]\w)"
#: API keys that are published, so no secret: the offline sandbox's (``--sandbox``, the
#: README, ``SandboxOptions.api_key``). Masking it hid nothing and garbled every message
#: holding the word ("the sandbox project" -> "the *** project"); any other key, short or
#: long, is still masked.
PUBLIC_API_KEYS = frozenset({"sandbox"})


def credential_values(headers: httpx.Headers) -> list[str]:
    """The secret parts of a request's credential headers (``X-API-Key``, ``Authorization``
    and its token after the scheme, ``Cookie`` values, ``Proxy-Authorization``), longest first.

    Works for any auth flow, a plugin's included, because it reads what was actually sent.
    """
    found: set[str] = set()
    for name in SECRET_HEADERS:
        for value in headers.get_list(name):
            value = value.strip()
            if not value:
                continue
            found.add(value)
            _scheme, _, rest = value.partition(" ")
            if rest.strip() and name.lower() in ("authorization", "proxy-authorization"):
                found.add(rest.strip())
            if name.lower() == "cookie":
                for pair in value.split(";"):
                    found.add(pair.partition("=")[2].strip())
    return sorted((v for v in found if v), key=len, reverse=True)


def redact_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***``, in every form a server may echo it:
    verbatim, JSON-escaped, percent-encoded (either hex case, even twice), form-encoded,
    base64url (``-_``, padding left off), as HTML character references, and any mix of these
    (``SeCrEt-K3y%2Fwith+chars%3D%3D`` for ``SeCrEt-K3y/with+chars==``; see
    :func:`secret_pattern`). A published key (:data:`PUBLIC_API_KEYS`) is left as it is."""
    for secret in secrets:
        if secret and secret not in PUBLIC_API_KEYS:
            text = secret_pattern(secret).sub(REDACTED, text)
    return text


#: Query parameter names whose values are secrets (``api_key``, ``token``, ``signature``...).
SECRET_QUERY = re.compile(r"(key|token|secret|password|signature|auth)", re.IGNORECASE)
#: In log text: a key-like query parameter's value (``?api_key=VALUE``, ``&token=VALUE``).
_QUERY_SECRET = re.compile(
    r"([?&;][^=&#\s'\"]*(?:key|token|secret|password|signature|auth)[^=&#\s'\"]*=)"
    r"([^&;#\s'\"]+)",
    re.IGNORECASE,
)
#: In log text: a credential header in httpcore's traces (``(b'set-cookie', b'VALUE')``).
_HEADER_SECRET = re.compile(
    r"(\(b['\"](?:authorization|proxy-authorization|x-api-key|cookie|set-cookie)['\"], b)"
    r"(['\"])(.*?)\2\)",
    re.IGNORECASE,
)
#: In log text: a URL's user information (``https://user:password@host``).
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/@\s'\"]+@", re.IGNORECASE)
#: The credentials of every live IonworksAuth (gone with it), redacted from library logs.
_LIVE_SECRETS: weakref.WeakKeyDictionary[object, tuple[str, ...]] = weakref.WeakKeyDictionary()
#: The loggers of the HTTP libraries under the toolkit's clients that print request URLs
#: (``httpx``: one INFO line per request; ``httpx_retries``: the request at DEBUG) or
#: headers (``httpcore``: DEBUG traces).
HTTP_LIBRARY_LOGGERS = (
    "httpx",
    "httpx_retries.transport",
    "httpx_retries.retry",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def redact_log_text(text: str) -> str:
    """``text`` (a formatted log line) with URL user information, key-like query values
    (:data:`SECRET_QUERY`), credential headers in httpcore's traces and the credentials of
    every live :class:`IonworksAuth` replaced by ``***``."""
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    text = _QUERY_SECRET.sub(rf"\1{REDACTED}", text)
    text = _HEADER_SECRET.sub(rf"\1\2{REDACTED}\2)", text)
    return redact_secrets(text, [s for secrets in _LIVE_SECRETS.values() for s in secrets])


class _RedactingFilter(logging.Filter):
    """On the HTTP libraries' loggers: each record's message with :func:`redact_log_text`
    applied (httpx prints ``HTTP Request: GET https://host/path?api_key=...`` as sent)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted: logging reports it itself
            return True
        cleaned = redact_log_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_REDACTING_FILTER = _RedactingFilter()


def redact_http_library_logs() -> None:
    """Put the redacting filter on :data:`HTTP_LIBRARY_LOGGERS` (once; called whenever the
    toolkit builds a client), so that a user who turns logging on (``logging.basicConfig(
    level=logging.DEBUG)``) never sees a secret in httpx's or httpcore's lines."""
    for name in HTTP_LIBRARY_LOGGERS:
        log = logging.getLogger(name)
        if _REDACTING_FILTER not in log.filters:
            log.addFilter(_REDACTING_FILTER)


#: Other spellings of a character in text that quotes a secret: form encoding writes a space
#: as ``+``; base64url writes ``+`` as ``-`` and ``/`` as ``_``; JSON may escape ``/``; HTML's
#: named character references.
_ALIASES = {
    " ": ("+",),
    "+": ("-",),
    "/": ("_", "\\/"),
    '"': ("&quot;",),
    "&": ("&amp;",),
    "'": ("&apos;",),
    "<": ("&lt;",),
    ">": ("&gt;",),
}


def _hex(number: int, width: int) -> str:
    """A pattern for ``number`` in hex digits of either case: ``_hex(47, 2)`` -> ``2[fF]``."""
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{number:0{width}x}")


def _char_pattern(char: str) -> str:
    """A pattern for one character of a secret in any of the forms :func:`redact_secrets`
    names. Letters, digits and ``-._~``, which no encoder has to change, may still come
    escaped: JSON's ``\\u0053`` for ``S`` (legal for any character; some encoders escape
    every one), an HTML character reference, a percent-encoding (FINDINGS9 J6: a key echoed
    with one letter as ``\\u0053`` reached the error in clear once the body was parsed)."""
    if char.isascii() and (char.isalnum() or char in "-._~"):
        code = ord(char)
        unchanged_forms = (
            re.escape(char),
            rf"\\u{_hex(code, 4)}",
            f"&#0*{code};",
            f"&#[xX]0*{_hex(code, 1)};",
            f"%(?:25)?{_hex(code, 2)}",
        )
        return "(?:" + "|".join(unchanged_forms) + ")"
    units = char.encode("utf-16-be", "surrogatepass")
    forms = {
        re.escape(char),
        re.escape(json.dumps(char, ensure_ascii=False)[1:-1]),
        "".join(f"%(?:25)?{_hex(byte, 2)}" for byte in char.encode("utf-8", "surrogatepass")),
        "".join(
            rf"\\u{_hex(int.from_bytes(units[i : i + 2], 'big'), 4)}"
            for i in range(0, len(units), 2)
        ),
        f"&#0*{ord(char)};",
        f"&#[xX]0*{_hex(ord(char), 1)};",
        *(re.escape(alias) for alias in _ALIASES.get(char, ())),
    }
    return "(?:" + "|".join(sorted(forms)) + ")"


@functools.lru_cache(maxsize=32)  # built once per secret, not per log line
def secret_pattern(secret: str) -> re.Pattern[str]:
    """The compiled pattern :func:`redact_secrets` replaces for ``secret``.

    A secret of 8 characters or more (not counting base64 ``=`` padding, which may be left
    off) matches wherever it appears; a shorter one only where it stands alone as a token
    (``invalid API key k``, ``key=k``, ``k.`` ending a sentence; not ``req-k``, ``k.out``,
    ``/home/k/``: see ``_TOKEN_START``/``_TOKEN_END``), and with its padding.
    """
    body = secret.rstrip("=")
    padding = len(secret) - len(body)
    if len(body) < _SHORT_SECRET:
        body, padding = secret, 0
    pattern = "".join(_char_pattern(char) for char in body)
    if padding:
        pattern += f"{_char_pattern('=')}{{0,{padding}}}"
    if len(body) < _SHORT_SECRET:
        pattern = _TOKEN_START + pattern + _TOKEN_END
    return re.compile(pattern)


def check_credential_headers(request: httpx.Request) -> None:
    """Refuse a request whose credential headers hold a line break or control character.

    Whoever set them (the built-in auth or a plugin's), a newline in a header value is header
    injection; httpx would refuse it with a message that prints the value. Raises
    ConfigurationError naming the header, never the value.
    """
    for name in (*SECRET_HEADERS, "X-Organization-Id"):
        for value in request.headers.get_list(name):
            problem = header_value_problem(value)
            if problem:
                raise ConfigurationError(
                    f"the {name} header contains {problem}; the request was not sent and the "
                    "value is not shown (a credential is one line of printable ASCII)"
                )


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    # Not "localhost." (trailing dot): that name goes to DNS, not /etc/hosts.
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_transport_security(url: httpx.URL, proxy: str | None = None) -> None:
    """Refuse to send credentials over plain http to anything but loopback: the API's host,
    and ``proxy`` (the session's one proxy, ``settings.proxy``), which reads a plain-http
    request as sent (an https one passes it in a CONNECT tunnel it cannot read)."""
    if url.scheme == "http" and not is_loopback_host(url.host):
        raise ConfigurationError(
            f"refusing to send credentials over plain http to {url.host}: use https "
            "(plain http is allowed only to loopback, e.g. the sandbox)"
        )
    if url.scheme == "http" and proxy and not is_loopback_host(httpx.URL(proxy).host):
        raise ConfigurationError(
            f"refusing to send credentials over plain http through the proxy "
            f"{httpx.URL(proxy).host}: it would read them (use https for the API, whose "
            "requests tunnel through the proxy unread, or no proxy for a loopback API)"
        )
    if url.scheme not in ("http", "https"):
        raise ConfigurationError(f"refusing to send credentials over {url.scheme}://")


class IonworksAuth(httpx.Auth):
    """Attach ``X-API-Key: <key>`` or ``Authorization: Bearer <token>`` (and ``X-Organization-Id``).

    Exactly one of ``api_key`` / ``api_token`` is used (token first). Raises ConfigurationError
    from the flow when the request would go over plain http to a non-loopback host.
    """

    def __init__(
        self,
        *,
        api_key: Secret | None = None,
        api_token: Secret | None = None,
        organization_id: str | None = None,
    ) -> None:
        if api_key is None and api_token is None:
            raise ConfigurationError("IonworksAuth needs an api_key or an api_token")
        self._api_key = api_key
        self._api_token = api_token
        self._organization_id = organization_id
        _LIVE_SECRETS[self] = tuple(s.reveal() for s in (api_key, api_token) if s is not None)

    @property
    def kind(self) -> str:
        return "bearer" if self._api_token is not None else "api_key"

    def __repr__(self) -> str:
        return f"IonworksAuth(kind={self.kind!r}, organization_id={self._organization_id!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        check_transport_security(request.url)
        if self._api_token is not None:
            request.headers["Authorization"] = f"Bearer {self._api_token.reveal()}"
        elif self._api_key is not None:
            request.headers["X-API-Key"] = self._api_key.reveal()
        if self._organization_id:
            request.headers["X-Organization-Id"] = self._organization_id
        yield request


def strip_foreign_credentials(request: httpx.Request, api_origin: tuple[str, str, int]) -> None:
    """Remove credential headers from a request whose origin is not the API's.

    ``api_origin`` is ``(scheme, host, port)`` of the configured API URL. Runs on every hop, so
    a redirect to another origin never carries the key (httpx itself only drops
    ``Authorization``, not ``X-API-Key``).
    """
    url = request.url
    if (url.scheme, url.host, url.port or _default_port(url.scheme)) != api_origin:
        for header in CREDENTIAL_HEADERS:
            request.headers.pop(header, None)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def origin_of(url: str) -> tuple[str, str, int]:
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port or _default_port(parsed.scheme)


class BuiltinAuthPlugin:
    """The built-in ``ionworks_auth`` provider: key/token from Settings (registered first)."""

    @hookimpl
    def ionworks_auth(self, settings: Settings) -> httpx.Auth | None:
        if not settings.has_credentials:
            return None
        return IonworksAuth(
            api_key=settings.api_key,
            api_token=settings.api_token,
            organization_id=settings.organization_id,
        )
