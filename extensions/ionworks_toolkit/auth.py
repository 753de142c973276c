"""Built-in auth plugin: X-API-Key or bearer token, plus X-Organization-Id, as an ``httpx.Auth``.

Security rules (DESIGN.md section 5), enforced here and tested:

- credentials go only over https, or over plain http to a loopback host (127.0.0.0/8, ::1,
  localhost); anything else raises ConfigurationError before a byte is sent;
- credentials are never carried to another origin: ``strip_foreign_credentials`` runs as a
  request event hook on every hop, redirects included, and removes them when the origin differs;
- the objects holding credentials (``Secret``, ``IonworksAuth``) never show them in ``repr``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Generator

import httpx

from .errors import ConfigurationError
from .hookspecs import hookimpl
from .settings import Secret, Settings

__all__ = ["CREDENTIAL_HEADERS", "IonworksAuth", "is_loopback_host", "strip_foreign_credentials"]

CREDENTIAL_HEADERS = ("X-API-Key", "Authorization", "X-Organization-Id", "Cookie")


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    # Not "localhost." (trailing dot): that name goes to DNS, not /etc/hosts.
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_transport_security(url: httpx.URL) -> None:
    """Refuse to send credentials over plain http to anything but loopback."""
    if url.scheme == "http" and not is_loopback_host(url.host):
        raise ConfigurationError(
            f"refusing to send credentials over plain http to {url.host}: use https "
            "(plain http is allowed only to loopback, e.g. the sandbox)"
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
