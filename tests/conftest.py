"""Shared test configuration: VCR cassettes (pytest-recording) and the sandbox they come from.

Cassettes live in ``tests/cassettes/<test module>/<test>.yaml``. They are recorded from the
sandbox over real HTTP (``nox -s record``: scripts/record_cassettes.py runs
``--record-mode=rewrite`` into a temporary folder and copies back only changed cassettes,
only when every test passed) or, with ``--live`` and ``IONWORKS_API_URL``/``IONWORKS_API_KEY``
set, from the live API; CI replays them with ``--record-mode=none --block-network``.

At record time: credential headers (X-API-Key, Authorization, X-Organization-Id, Cookie,
Set-Cookie) and key-like query parameters are replaced by ``REDACTED``, and the base URL is
normalised to ``http://127.0.0.1:8000`` (URI and ``Host`` header) so cassettes do not depend
on the sandbox's random port. ``tests/unit/test_cassette_secrets.py`` scans every cassette for
credentials.

Nothing here imports the toolkit at module level: the replay tests also run against a
vendored copy of the packages (``IONWORKS_TEST_PACKAGE_PREFIX``, see scripts/vendor.py).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

#: Where cassettes are read and written. ``IONWORKS_CASSETTE_DIR`` points a recording run at a
#: temporary folder (scripts/record_cassettes.py), so a failed run never touches these.
CASSETTE_ROOT = Path(os.environ.get("IONWORKS_CASSETTE_DIR") or Path(__file__).parent / "cassettes")
CANONICAL_API_URL = "http://127.0.0.1:8000"
SANDBOX_API_KEY = "sandbox"
REDACTED = "REDACTED"
CREDENTIAL_HEADERS = ("x-api-key", "authorization", "x-organization-id", "cookie")
KEY_LIKE_QUERY_PARAMETERS = ("api_key", "apikey", "key", "token", "access_token", "secret")


# pytester: the test kit's own tests run inner pytest sessions.
pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    """Load the test kit (``ionworks_toolkit.testing``: ionworks_sandbox, ionworks_toolkit,
    SinkContract, ...) when pytest did not load it through its pytest11 entry point.

    That is the case under ``nox -s tests``, which passes ``-p no:ionworks_toolkit``: an
    entry-point plugin is imported before pytest-cov starts measuring, so the package's
    module-level code would count as not run. Loaded from here it is imported after. Also
    the case for an install that predates the entry point. Not loaded when the package is
    not importable (tests/sandbox from a bare checkout, replays against a vendored copy).
    """
    from importlib.util import find_spec

    if config.pluginmanager.has_plugin("ionworks_toolkit"):
        return
    try:
        installed = find_spec("ionworks_toolkit") is not None
    except ImportError:  # made unimportable on purpose (replays against a vendored copy)
        installed = False
    if installed:
        config.pluginmanager.import_plugin("ionworks_toolkit.testing")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--live",
        action="store_true",
        default=False,
        help="record cassettes from the live API (IONWORKS_API_URL and IONWORKS_API_KEY)",
    )


def _normalise_request(request: Any) -> Any:
    """The canonical base URL in the URI and in the ``Host`` header: the sandbox's random port
    must not reach a cassette, or every re-recording would change every file."""
    parts = urlsplit(request.uri)
    canonical = urlsplit(CANONICAL_API_URL)
    request.uri = urlunsplit((canonical.scheme, canonical.netloc, parts.path, parts.query, ""))
    for name in list(request.headers):
        if name.lower() == "host":
            request.headers[name] = canonical.netloc
    return request


#: Where a live recording's credentials come from (``--live``): a server may echo them back,
#: verbatim or encoded, in a body or a header.
LIVE_CREDENTIAL_VARIABLES = ("IONWORKS_API_KEY", "IONWORKS_API_TOKEN")


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "date", "server"):
            del headers[name]
    secrets = [os.environ.get(name, "") for name in LIVE_CREDENTIAL_VARIABLES]
    if any(secrets):
        from ionworks_toolkit.auth import redact_secrets

        for name, values in headers.items():  # vcrpy keeps a list of values per name
            headers[name] = (
                redact_secrets(values, secrets)
                if isinstance(values, str)
                else [redact_secrets(value, secrets) for value in values]
            )
        body = response.get("body") or {}
        try:
            text = body["string"].decode("utf-8")
        except (KeyError, AttributeError, UnicodeDecodeError):
            return response  # no body, or not text: nothing a key could be echoed in as text
        body["string"] = redact_secrets(text, secrets).encode("utf-8")
    return response


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(header, REDACTED) for header in CREDENTIAL_HEADERS],
        "filter_query_parameters": [(name, REDACTED) for name in KEY_LIKE_QUERY_PARAMETERS],
        "before_record_request": _normalise_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "match_on": ("method", "scheme", "host", "port", "path", "query"),
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTE_ROOT / request.module.__name__.split(".")[-1])


def _package(name: str) -> ModuleType:
    prefix = os.environ.get("IONWORKS_TEST_PACKAGE_PREFIX", "")
    return importlib.import_module(f"{prefix}.{name}" if prefix else name)


@pytest.fixture(scope="session")
def toolkit_package() -> ModuleType:
    """``ionworks_toolkit``, or the vendored copy named by IONWORKS_TEST_PACKAGE_PREFIX."""
    return _package("ionworks_toolkit")


@pytest.fixture(scope="session")
def client_package() -> ModuleType:
    """``ionworks_client``, or the vendored copy named by IONWORKS_TEST_PACKAGE_PREFIX."""
    return _package("ionworks_client")


@pytest.fixture
def api(request: pytest.FixtureRequest, record_mode: str) -> Iterator[tuple[str, str]]:
    """``(api_url, api_key)`` for a cassette test.

    Replaying (``--record-mode=none``): the canonical URL, no server. Recording: a fresh
    sandbox on loopback configured by the test's ``sandbox_options`` marker, or with
    ``--live`` the live API from the environment.
    """
    if record_mode == "none":
        yield CANONICAL_API_URL, SANDBOX_API_KEY
        return
    if request.config.getoption("--live"):
        url, key = os.environ.get("IONWORKS_API_URL"), os.environ.get("IONWORKS_API_KEY")
        if not url or not key:
            pytest.fail("--live needs IONWORKS_API_URL and IONWORKS_API_KEY")
        yield url, key
        return
    from ionworks_toolkit.sandbox import SandboxOptions, run_in_thread

    marker = request.node.get_closest_marker("sandbox_options")
    options = SandboxOptions(**(marker.kwargs if marker else {}))
    with run_in_thread(options) as server:
        yield server.base_url, options.api_key or SANDBOX_API_KEY


@pytest.fixture
def no_retry_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry back-off sleeps instead of sleeping (a fake clock for httpx-retries)."""
    import httpx
    from httpx_retries import Retry

    sleeps: list[float] = []

    def fake_sleep(self: Retry, response: httpx.Response | Exception) -> None:
        headers = response.headers if isinstance(response, httpx.Response) else {}
        seconds = self._calculate_sleep(headers)
        sleeps.append(seconds)
        self.elapsed_sleep += seconds

    async def fake_asleep(self: Retry, response: httpx.Response | Exception) -> None:
        fake_sleep(self, response)

    monkeypatch.setattr(Retry, "sleep", fake_sleep)
    monkeypatch.setattr(Retry, "asleep", fake_asleep)
    return sleeps
