"""The HTTP layer against real sockets (issue 13): proxies, CA bundles, the response size cap,
the overall deadline, redirects, visible retries and server text scrubbed of credentials.

Every server here is a ``LoopbackServer`` on 127.0.0.0/8; hosts like ``api.ionworks.example``
are only ever named to a loopback proxy, never resolved or contacted.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import time
import types
import uuid
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx_retries
import pytest
import trustme
from ionworks_toolkit import (
    AsyncToolkit,
    AuthenticationError,
    ConfigurationError,
    ServerError,
    Toolkit,
    TransportError,
    UnexpectedResponseError,
    hookimpl,
    retries,
)
from ionworks_toolkit.settings import load_settings
from ionworks_toolkit.transport import (
    DeadlineExceeded,
    LimitedTransport,
    client_kwargs,
    proxy_map,
)
from loopback import Exchange, LoopbackServer, read_request

KEY = "sk-live-ABCDEF123456"
PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
PATH = f"/cell_measurements/by-project/{PROJECT_ID}"
FOREIGN_API = "https://api.ionworks.example"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def page(n: int) -> bytes:
    items = [
        {
            "id": f"m-{i}",
            "name": f"measurement {i}",
            "cell_instance_id": "ci-1",
            "created_at": None,
            "updated_at": None,
        }
        for i in range(n)
    ]
    return json.dumps({"items": items, "count": n, "total": n}).encode()


def answer_page(n: int = 2) -> Callable[[Exchange], None]:
    def handler(exchange: Exchange) -> None:
        exchange.respond(200, page(n))

    return handler


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test from an environment without proxy variables (any case)."""
    for name in list(os.environ):
        if name.upper() in PROXY_VARIABLES or name.startswith("IONWORKS_"):
            monkeypatch.delenv(name)


@pytest.fixture
def toolkit_for(tmp_path: Path) -> Iterator[Callable[..., Toolkit]]:
    """``toolkit_for(url, **kwargs)``: a Toolkit on ``url`` with KEY, isolated settings
    (``kind=AsyncToolkit`` for the async one; the test awaits its ``aclose()``)."""
    made: list[Toolkit] = []

    def factory(url: str, kind: type = Toolkit, **kwargs: Any) -> Any:
        options: dict[str, Any] = {
            "api_url": url,
            "api_key": KEY,
            "environ": {},
            "working_dir": str(tmp_path),
            "load_entry_points": False,
        }
        options.update(kwargs)
        toolkit = kind(**options)
        if isinstance(toolkit, Toolkit):
            made.append(toolkit)
        return toolkit

    yield factory
    for toolkit in made:
        toolkit.close()


def run_cli(*arguments: str, env_extra: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("IONWORKS_") and k.upper() not in PROXY_VARIABLES
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "ionworks_toolkit.cli", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def list_via_cli(
    url: str, *options: str, env: dict[str, str], cwd: Path, before: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """``ionworks-toolkit [before] --api-url URL measurements list PROJECT_ID [options]``."""
    return run_cli(
        *before,
        "--api-url",
        url,
        "measurements",
        "list",
        PROJECT_ID,
        *options,
        env_extra=env,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_bundle(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "corp-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def server_tls(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


# ----------------------------------------------------------------------------- 1. proxies


def refuse_connect(exchange: Exchange) -> None:
    exchange.respond(403, b"", headers=())


@pytest.mark.cli_subprocess
def test_cli_honours_https_proxy_from_the_environment(tmp_path: Path) -> None:
    """The issue's input: HTTPS_PROXY=http://127.0.0.1:P ... --api-url https://api.ionworks.example
    --api-key k measurements list <uuid>. Before: the listener saw no CONNECT."""
    with LoopbackServer(refuse_connect) as proxy:
        result = run_cli(
            "--api-url",
            FOREIGN_API,
            "--api-key",
            "k",
            "measurements",
            "list",
            PROJECT_ID,
            env_extra={"HTTPS_PROXY": proxy.url},
            cwd=tmp_path,
        )
    assert [(r.method, r.target) for r in proxy.requests] == [
        ("CONNECT", "api.ionworks.example:443")
    ]
    assert "x-api-key" not in proxy.requests[0].headers  # the key only travels in the tunnel
    assert result.returncode == 5, result.stderr
    assert result.stderr.splitlines() == [
        f"error: GET {PATH} failed: ProxyError: proxy {proxy.url} refused the connection: "
        "403 Forbidden",
    ]


@pytest.mark.parametrize("variable", ["ALL_PROXY", "https_proxy", "all_proxy"])
def test_python_api_honours_proxy_variables(
    variable: str, monkeypatch: pytest.MonkeyPatch, toolkit_for
) -> None:
    with LoopbackServer(refuse_connect) as proxy:
        monkeypatch.setenv(variable, proxy.url)
        shown = f"ProxyError: proxy {proxy.url} refused the connection: 403 Forbidden"
        with pytest.raises(TransportError, match=f"{re.escape(shown)}$"):
            list(toolkit_for(FOREIGN_API).iter_measurements_by_project(PROJECT_ID))
    assert [r.target for r in proxy.requests] == ["api.ionworks.example:443"]


def test_explicit_proxy_beats_the_environment(monkeypatch: pytest.MonkeyPatch, toolkit_for):
    with LoopbackServer(refuse_connect) as env_proxy, LoopbackServer(refuse_connect) as mine:
        monkeypatch.setenv("HTTPS_PROXY", env_proxy.url)
        with pytest.raises(TransportError):
            list(toolkit_for(FOREIGN_API, proxy=mine.url).iter_measurements_by_project(PROJECT_ID))
        # ... and IONWORKS_TOOLKIT_PROXY is the same setting from the environment.
        toolkit = toolkit_for(FOREIGN_API, environ={"IONWORKS_TOOLKIT_PROXY": mine.url})
        with pytest.raises(TransportError):
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert env_proxy.requests == []
    assert [r.method for r in mine.requests] == ["CONNECT", "CONNECT"]


@pytest.mark.cli_subprocess
def test_cli_proxy_option(tmp_path: Path) -> None:
    with LoopbackServer(refuse_connect) as proxy:
        result = list_via_cli(
            FOREIGN_API,
            env={"IONWORKS_API_KEY": "k"},
            cwd=tmp_path,
            before=("--proxy", proxy.url),
        )
    assert result.returncode == 5, result.stderr
    assert [r.target for r in proxy.requests] == ["api.ionworks.example:443"]


def test_no_proxy_is_read_as_httpx_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "ionworks.example,10.0.0.0/8")
    settings = load_settings(api_url=FOREIGN_API, environ={})
    assert proxy_map(settings) == {
        "https://": "http://127.0.0.1:3128",
        "all://*ionworks.example": None,
        "all://10.0.0.0/8": None,
    }
    kwargs = client_kwargs(
        settings, auth=None, transport=None, asynchronous=False, on_request=[], on_response=[]
    )
    client = httpx.Client(**kwargs)
    try:
        # httpx routes by the mounts: the API host matches the NO_PROXY rule, so it goes
        # direct (the client's own transport), other https hosts through the proxy.
        assert client._transport_for_url(httpx.URL(FOREIGN_API)) is client._transport
        other = client._transport_for_url(httpx.URL("https://elsewhere.example"))
        assert other is not client._transport
    finally:
        client.close()
    monkeypatch.setenv("NO_PROXY", "*")
    assert proxy_map(settings) == {}


def test_loopback_api_is_not_sent_to_an_environment_proxy(
    monkeypatch: pytest.MonkeyPatch, toolkit_for
) -> None:
    with LoopbackServer(refuse_connect) as proxy, LoopbackServer(answer_page(2)) as api:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        records = list(toolkit_for(api.url).iter_measurements_by_project(PROJECT_ID))
    assert [r.id for r in records] == ["m-0", "m-1"]
    assert proxy.requests == []
    assert [r.target.split("?")[0] for r in api.requests] == [PATH]


def test_tunnel_through_a_proxy_with_a_corporate_ca_bundle(
    ca: trustme.CA, ca_bundle: Path, toolkit_for
) -> None:
    """CONNECT, then TLS inside the tunnel with a certificate for api.ionworks.example signed by
    a private CA: verify= names the bundle. The key travels only inside the tunnel."""
    tunnelled: list[Exchange] = []
    inner_tls = server_tls(ca, "api.ionworks.example")

    def proxy_then_api(exchange: Exchange) -> None:
        assert exchange.method == "CONNECT"
        exchange.sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        tls = inner_tls.wrap_socket(exchange.sock, server_side=True)
        inner = read_request(tls)
        assert inner is not None
        tunnelled.append(inner)
        inner.respond(200, page(3))
        tls.close()

    with LoopbackServer(proxy_then_api) as proxy:
        toolkit = toolkit_for(FOREIGN_API, proxy=proxy.url, verify=str(ca_bundle))
        records = list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert len(records) == 3
    assert [(r.method, r.target) for r in proxy.requests] == [
        ("CONNECT", "api.ionworks.example:443")
    ]
    assert "x-api-key" not in proxy.requests[0].headers
    (inner,) = tunnelled
    assert inner.headers["host"] == "api.ionworks.example"
    assert inner.headers["x-api-key"] == KEY
    assert inner.target.startswith(PATH + "?")


# ----------------------------------------------------------------------------- 1. CA bundles


def test_ca_bundle_from_verify_and_ssl_cert_file(ca: trustme.CA, ca_bundle: Path, toolkit_for):
    with LoopbackServer(answer_page(1), tls=server_tls(ca, "127.0.0.1")) as api:
        with pytest.raises(TransportError) as info:
            list(toolkit_for(api.url, max_retries=5).iter_measurements_by_project(PROJECT_ID))
        assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
        assert str(info.value).endswith(
            "(give your CA bundle with --verify PATH, IONWORKS_TOOLKIT_VERIFY or SSL_CERT_FILE)"
        )
        assert api.connections == 1  # a certificate failure is not retried
        with_verify = toolkit_for(api.url, verify=str(ca_bundle))
        assert len(list(with_verify.iter_measurements_by_project(PROJECT_ID))) == 1
        with_env = toolkit_for(api.url, environ={"SSL_CERT_FILE": str(ca_bundle)})
        assert len(list(with_env.iter_measurements_by_project(PROJECT_ID))) == 1
        from_toolkit_env = toolkit_for(api.url, environ={"IONWORKS_TOOLKIT_VERIFY": str(ca_bundle)})
        assert len(list(from_toolkit_env.iter_measurements_by_project(PROJECT_ID))) == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl rehash names the files")
def test_ca_directory_from_ssl_cert_dir(ca: trustme.CA, tmp_path: Path, toolkit_for) -> None:
    hashed = tmp_path / "certs"
    hashed.mkdir()
    ca.cert_pem.write_to_path(str(hashed / "corp-ca.pem"))
    subprocess.run(["openssl", "rehash", str(hashed)], check=True, capture_output=True)
    with LoopbackServer(answer_page(2), tls=server_tls(ca, "127.0.0.1")) as api:
        toolkit = toolkit_for(api.url, environ={"SSL_CERT_DIR": str(hashed)})
        assert toolkit.settings.verify == str(hashed)
        assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 2


def test_a_file_that_is_not_a_ca_bundle(tmp_path: Path, toolkit_for) -> None:
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate\n")
    toolkit = toolkit_for("https://127.0.0.1:9", verify=str(bogus))
    with pytest.raises(ConfigurationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value).startswith(f"verify: CA bundle {str(bogus)!r} cannot be loaded: ")


# ----------------------------------------------------------------------------- 2. size cap


def stream_forever(sent: list[int], total: int) -> Callable[[Exchange], None]:
    """Headers without a length, then ``total`` bytes in 64 KiB chunks, counting what the
    client accepted before it hung up."""

    def handler(exchange: Exchange) -> None:
        exchange.send_head(200, [("Content-Type", "application/json"), ("Connection", "close")])
        chunk = b'{"items": [' + b" " * (65536 - 11)
        sent.append(0)
        while sent[0] < total:
            exchange.sock.sendall(chunk)
            sent[0] += len(chunk)

    return handler


def test_streamed_body_over_the_cap_stops_at_the_cap(toolkit_for) -> None:
    """The issue's input: a 60 MB streamed response with the cap at 10 MB. Before: exit 0 and
    170 MiB of memory. Now: TransportError naming the limit, the rest never read."""
    sent: list[int] = []
    with LoopbackServer(stream_forever(sent, 60_000_000)) as api:
        toolkit = toolkit_for(api.url, max_response_bytes="10MB", max_retries=3)
        with pytest.raises(TransportError) as info:
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET {PATH} failed: ResponseTooLarge: response body is larger than "
        "max_response_bytes=10000000 (9.53674 MiB, counted after decompression); this page "
        "asked for limit=1000 records: ask for smaller pages (--page-size, page_size=), or "
        "raise it with IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES or max_response_bytes="
    )
    assert len(api.requests) == 1  # not retried
    assert sent[0] < 30_000_000  # the client hung up, it did not drain 60 MB


def test_declared_length_over_the_cap_fails_before_the_body(toolkit_for) -> None:
    answered = threading.Event()

    def promise_a_lot(exchange: Exchange) -> None:
        exchange.send_head(200, [("Content-Length", "60000000"), ("Connection", "close")])
        # Sends nothing until the client has failed: only the header can have failed the
        # request (a client waiting for the body would end at its 10 s deadline instead,
        # DeadlineExceeded). A wall-clock bound on the request raced the machine's load.
        answered.wait(30)

    with LoopbackServer(promise_a_lot) as api:
        toolkit = toolkit_for(api.url, max_response_bytes=1024, timeout=10)
        try:
            with pytest.raises(TransportError, match=r"max_response_bytes=1024 \(1 KiB"):
                list(toolkit.iter_measurements_by_project(PROJECT_ID))
        finally:
            answered.set()
        assert len(api.requests) == 1  # not retried


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """100 MB of JSON-ish whitespace, gzip-compressed to about 100 KB (the issue's input is
    300 MB in 300 KB: the same kind, a third of the CPU to build)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    block = b" " * 1_000_000
    parts = [compressor.compress(b'{"items": [')]
    parts += [compressor.compress(block) for _ in range(100)]
    parts.append(compressor.flush())
    return b"".join(parts)


def test_gzip_bomb_is_caught_on_the_decoded_size(gzip_bomb: bytes, toolkit_for) -> None:
    assert len(gzip_bomb) < 150_000

    def bomb(exchange: Exchange) -> None:
        exchange.respond(
            200,
            gzip_bomb,
            headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
        )

    with LoopbackServer(bomb) as api:
        toolkit = toolkit_for(api.url, max_response_bytes="10MiB")
        with pytest.raises(TransportError, match=r"max_response_bytes=10485760 \(10 MiB"):
            list(toolkit.iter_measurements_by_project(PROJECT_ID))


async def test_cap_holds_for_the_async_client(gzip_bomb: bytes, toolkit_for) -> None:
    def bomb(exchange: Exchange) -> None:
        exchange.respond(200, gzip_bomb, headers=[("Content-Encoding", "gzip")])

    with LoopbackServer(bomb) as api:
        toolkit = toolkit_for(api.url, kind=AsyncToolkit, max_response_bytes="10MiB")
        with pytest.raises(TransportError, match=r"ResponseTooLarge: .*10485760"):
            async for _ in toolkit.iter_measurements_by_project(PROJECT_ID, prefetch=1):
                pass
        await toolkit.aclose()


def test_compressed_page_under_the_cap_is_decoded(toolkit_for) -> None:
    body = gzip.compress(page(5))

    def compressed(exchange: Exchange) -> None:
        exchange.respond(
            200, body, headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
        )

    with LoopbackServer(compressed) as api:
        toolkit = toolkit_for(api.url, max_response_bytes=len(page(5)))
        assert len(list(toolkit.iter_measurements_by_project(PROJECT_ID))) == 5
        response = toolkit.client.get_httpx_client().get(PATH)
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(len(page(5)))
    assert response.content == page(5)


# ----------------------------------------------------------------------------- 3. deadline


class Trickle:
    """Headers at once, then one body byte every ``every`` seconds (the issue's slow server:
    0.5 s): 100 bytes would take 100 x ``every``, and every single read finishes well inside a
    per-read timeout of four times ``every``. ``bytes_sent`` counts the body bytes sent;
    ``hung_up`` is set when the client closes its side before the body is complete (a send
    fails)."""

    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.bytes_sent = 0
        self.hung_up = threading.Event()

    def __call__(self, exchange: Exchange) -> None:
        exchange.send_head(200, [("Content-Type", "application/json"), ("Content-Length", "100")])
        try:
            for _ in range(100):
                exchange.sock.sendall(b" ")
                self.bytes_sent += 1
                time.sleep(self.every)
        except OSError:
            self.hung_up.set()


def test_trickling_server_is_cut_off_by_the_deadline(toolkit_for) -> None:
    # Mechanism, not wall-clock bounds: the error is the overall deadline (a per-read timeout
    # never fires on this server), the client hung up before the body was complete (without
    # the deadline it read all 100 bytes for ~12 s), and the attempt was not retried. The
    # issue's 2 s / 0.5 s scaled down four times (the CLI test below keeps the issue's
    # figures): a mutation run pays this test for every surviving mutant of the transport.
    trickle = Trickle(every=0.125)
    with LoopbackServer(trickle) as api:
        toolkit = toolkit_for(api.url, timeout=0.5, max_retries=5)
        with pytest.raises(TransportError) as info:
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
        toolkit.close()
        assert trickle.hung_up.wait(10)
    assert str(info.value) == (
        f"GET {PATH} failed: DeadlineExceeded: no complete response within the 0.5 s timeout "
        "(body included); raise it with IONWORKS_TOOLKIT_TIMEOUT or timeout="
    )
    assert trickle.bytes_sent < 100
    assert len(api.requests) == 1  # a missed deadline is not retried


async def test_trickling_server_async(toolkit_for) -> None:
    trickle = Trickle(every=0.125)
    with LoopbackServer(trickle) as api:
        toolkit = toolkit_for(api.url, kind=AsyncToolkit, timeout=0.5, max_retries=5)
        with pytest.raises(TransportError) as info:
            async for _ in toolkit.iter_measurements_by_project(PROJECT_ID, prefetch=1):
                pass
        await toolkit.aclose()
        assert trickle.hung_up.wait(10)
    assert str(info.value) == (
        f"GET {PATH} failed: DeadlineExceeded: no complete response within the 0.5 s timeout "
        "(body included); raise it with IONWORKS_TOOLKIT_TIMEOUT or timeout="
    )
    assert trickle.bytes_sent < 100
    assert len(api.requests) == 1


def trickle_then_stall(hung_up: threading.Event) -> Callable[[Exchange], None]:
    """Head and one body byte at once, one more byte after 0.4 s (inside every per-read
    timeout of a 0.5 s deadline), then nothing: a sync read armed with the time left when the
    body began would wait until ~0.9 s. Sets ``hung_up`` when the client closes its side."""

    def handler(exchange: Exchange) -> None:
        exchange.send_head(200, [("Content-Type", "application/json"), ("Content-Length", "9")])
        exchange.sock.sendall(b"[")
        time.sleep(0.4)
        exchange.sock.sendall(b" ")
        exchange.sock.settimeout(30)
        with contextlib.suppress(OSError):
            if exchange.sock.recv(1) == b"":
                hung_up.set()

    return handler


def test_sync_deadline_holds_when_the_body_stalls_after_trickling() -> None:
    """Last round's fault: the sync deadline could overrun up to twice the timeout. The
    deadline watch (not a socket timeout) ends the attempt, and shuts its socket down."""
    hung_up = threading.Event()
    with LoopbackServer(trickle_then_stall(hung_up)) as api:
        limited = LimitedTransport(httpx.HTTPTransport(), max_bytes=1024, timeout=0.5)
        with httpx.Client(base_url=api.url, transport=limited) as client:
            with pytest.raises(DeadlineExceeded) as info:
                client.get(PATH)
            assert hung_up.wait(10)  # the abandoned attempt's socket was shut down
        assert limited._watch is not None and limited._watch.expired == 1
    assert str(info.value) == (
        "no complete response within the 0.5 s timeout (body included); raise it with "
        "IONWORKS_TOOLKIT_TIMEOUT or timeout="
    )
    assert info.value.__cause__ is None  # not an httpx.ReadTimeout from a socket wait
    assert len(api.requests) == 1


def test_sync_deadline_when_the_server_never_answers(toolkit_for) -> None:
    """A server that reads the request and never answers: the Toolkit's error names the
    deadline, the attempt is not retried, and the deadline watch is what fired."""
    release = threading.Event()

    def never(exchange: Exchange) -> None:
        release.wait(30)

    with LoopbackServer(never) as api:
        toolkit = toolkit_for(api.url, timeout=0.5, max_retries=3)
        with pytest.raises(TransportError) as info:
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
        release.set()
        toolkit.close()
    assert str(info.value) == (
        f"GET {PATH} failed: DeadlineExceeded: no complete response within the 0.5 s timeout "
        "(body included); raise it with IONWORKS_TOOLKIT_TIMEOUT or timeout="
    )
    assert len(api.requests) == 1


@pytest.mark.cli_subprocess
def test_cli_timeout_setting_bounds_the_whole_request(tmp_path: Path) -> None:
    with LoopbackServer(Trickle()) as api:
        result = list_via_cli(
            api.url,
            env={"IONWORKS_API_KEY": "k", "IONWORKS_TOOLKIT_TIMEOUT": "2"},
            cwd=tmp_path,
        )
    assert result.returncode == 5, result.stderr
    assert result.stderr.splitlines() == [
        f"error: GET {PATH} failed: DeadlineExceeded: no complete response within the 2 s "
        "timeout (body included); raise it with IONWORKS_TOOLKIT_TIMEOUT or timeout="
    ]


# ----------------------------------------------------------------------------- 4. redirects


def redirect_once(status: int, location: str, n: int = 2) -> Callable[[Exchange], None]:
    def handler(exchange: Exchange) -> None:
        if exchange.target.split("?")[0] == PATH:
            exchange.respond(status, b"<html>moved</html>", headers=[("Location", location)])
        else:
            exchange.respond(200, page(n))

    return handler


@pytest.mark.cli_subprocess
def test_cli_follows_a_same_origin_307_to_the_trailing_slash(tmp_path: Path) -> None:
    """The issue's input: 307 with Location: <same path>/. Before: exit 5, "expected JSON,
    got no content type (0 bytes)"."""
    with LoopbackServer(redirect_once(307, PATH + "/?limit=25&offset=0", n=3)) as api:
        result = list_via_cli(
            api.url,
            "--sink",
            "jsonl:-",
            env={"IONWORKS_API_KEY": "k"},
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        "m-0",
        "m-1",
        "m-2",
    ]
    assert [r.target.split("?")[0] for r in api.requests] == [PATH, PATH + "/"]
    assert [r.headers.get("x-api-key") for r in api.requests] == ["k", "k"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_same_origin_redirects_on_get_are_followed(status: int, toolkit_for) -> None:
    with LoopbackServer(redirect_once(status, "/moved/here")) as api:
        records = list(toolkit_for(api.url).iter_measurements_by_project(PROJECT_ID))
    assert [r.id for r in records] == ["m-0", "m-1"]
    assert [(r.method, r.target) for r in api.requests][1] == ("GET", "/moved/here")


def echo_after_redirect(status: int) -> Callable[[Exchange], None]:
    def handler(exchange: Exchange) -> None:
        if exchange.target == "/submit":
            exchange.respond(status, b"", headers=[("Location", "/submit-here")])
        else:
            exchange.respond(200, json.dumps([exchange.method, exchange.body.decode()]).encode())

    return handler


@pytest.mark.parametrize("status", [307, 308])
def test_307_and_308_keep_method_and_body(status: int, toolkit_for) -> None:
    with LoopbackServer(echo_after_redirect(status)) as api:
        client = toolkit_for(api.url).client.get_httpx_client()
        response = client.post("/submit", content=b'{"name": "cell 1"}')
    assert response.json() == ["POST", '{"name": "cell 1"}']


@pytest.mark.parametrize("status", [301, 302, 303])
def test_301_302_303_on_another_method_are_not_followed(status: int, toolkit_for) -> None:
    with LoopbackServer(echo_after_redirect(status)) as api:
        client = toolkit_for(api.url).client.get_httpx_client()
        with pytest.raises(UnexpectedResponseError) as info:
            client.post("/submit", content=b"{}")
    assert str(info.value) == (
        f"POST /submit -> {status}: redirect {status} to {api.url}/submit-here would turn POST "
        "into GET; not followed"
    )
    assert [r.target for r in api.requests] == ["/submit"]


@pytest.mark.block_network(allowed_hosts=[r"127\.\d+\.\d+\.\d+"])
def test_redirect_to_another_origin_is_an_error_naming_the_location(toolkit_for) -> None:
    with LoopbackServer(answer_page(2), host="127.0.0.2") as other:
        location = f"{other.url}/collect?api_key=zzz&page=1"
        with (
            LoopbackServer(redirect_once(302, location)) as api,
            pytest.raises(UnexpectedResponseError) as info,
        ):
            list(toolkit_for(api.url).iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET {PATH} -> 302: redirected to another origin: Location "
        f"{other.url}/collect?api_key=%2A%2A%2A&page=1; not followed (credentials go only to "
        f"{api.url}: if the API moved, set api_url to its new address)"
    )
    assert other.connections == 0


@pytest.mark.parametrize("status", [300, 304, 302])
def test_a_3xx_body_is_never_parsed_as_data(status: int, toolkit_for) -> None:
    def no_location(exchange: Exchange) -> None:
        exchange.respond(status, page(4) if status != 304 else b"")

    with LoopbackServer(no_location) as api, pytest.raises(UnexpectedResponseError) as info:
        list(toolkit_for(api.url).iter_measurements_by_project(PROJECT_ID))
    reason = httpx.codes.get_reason_phrase(status)
    assert str(info.value) == (
        f"GET {PATH} -> {status}: {status} {reason} without a redirect to follow; the body is "
        "not data"
    )


def test_redirect_loop_is_a_transport_error(toolkit_for) -> None:
    def loop(exchange: Exchange) -> None:
        exchange.respond(307, b"", headers=[("Location", exchange.target.split("?")[0])])

    with LoopbackServer(loop) as api, pytest.raises(TransportError) as info:
        list(toolkit_for(api.url).iter_measurements_by_project(PROJECT_ID))
    assert len(api.requests) == 11  # the first request and 10 redirects
    # FINDINGS7 G26: the message names where the redirects went.
    assert str(info.value) == (
        f"GET {PATH} failed: TooManyRedirects: Exceeded maximum allowed redirects. (more than "
        f"10 redirects; the last Location: {api.url}{PATH}: a redirect loop?)"
    )


def test_a_redirect_loop_names_its_location_without_secrets(toolkit_for) -> None:
    # The key itself, and a key-like query value, are redacted from the Location named.
    def loop(exchange: Exchange) -> None:
        target = exchange.target.split("?")[0] + "?api_key=zzz&note=k3y-Secret-Value&page=2"
        exchange.respond(302, b"", headers=[("Location", target)])

    with LoopbackServer(loop) as api, pytest.raises(TransportError) as info:
        toolkit = toolkit_for(api.url, api_key="k3y-Secret-Value")
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        f"GET {PATH} failed: TooManyRedirects: Exceeded maximum allowed redirects. (more than "
        f"10 redirects; the last Location: {api.url}{PATH}?api_key=%2A%2A%2A&note=***"
        "&page=2: a redirect loop?)"
    )
    assert "k3y-Secret-Value" not in repr(info.value)


# ----------------------------------------------------------------------------- 5. retries


def failing_first(*responses: tuple[int, list[tuple[str, str]]]) -> Callable[[Exchange], None]:
    script = list(responses)

    def handler(exchange: Exchange) -> None:
        if script:
            status, headers = script.pop(0)
            exchange.respond(status, b'{"detail": "busy"}', headers=headers)
        else:
            exchange.respond(200, page(1))

    return handler


def test_each_retry_is_logged_at_info(caplog, fake_sleep: list[float], toolkit_for) -> None:
    caplog.set_level(logging.INFO, logger="ionworks_toolkit.http")
    with LoopbackServer(failing_first((503, []), (502, []))) as api:
        records = list(toolkit_for(api.url, max_retries=5).iter_measurements_by_project(PROJECT_ID))
    assert len(records) == 1
    assert [
        (r.levelno, r.getMessage()) for r in caplog.records if r.name == "ionworks_toolkit.http"
    ] == [
        (
            logging.INFO,
            f"retry 1/5 in 1.0 s: GET {PATH} (offset 0) answered 503 Service Unavailable",
        ),
        (logging.INFO, f"retry 2/5 in 2.0 s: GET {PATH} (offset 0) answered 502 Bad Gateway"),
    ]
    assert fake_sleep == [1.0, 2.0]


def test_huge_retry_after_is_capped_and_the_cap_said(
    caplog, fake_sleep: list[float], toolkit_for
) -> None:
    caplog.set_level(logging.INFO, logger="ionworks_toolkit.http")
    with LoopbackServer(failing_first((429, [("Retry-After", "3600")]))) as api:
        list(toolkit_for(api.url, max_retries=5).iter_measurements_by_project(PROJECT_ID))
    assert [r.getMessage() for r in caplog.records if r.name == "ionworks_toolkit.http"] == [
        "retry 1/5 in 30.0 s (the server's Retry-After asked for 3600 s; waits are capped at "
        f"30 s): GET {PATH} (offset 0) answered 429 Too Many Requests"
    ]
    assert fake_sleep == [30.0]


def test_retries_stop_at_the_time_budget(toolkit_for, monkeypatch: pytest.MonkeyPatch) -> None:
    def always_busy(exchange: Exchange) -> None:
        exchange.respond(503, b'{"detail": "busy"}', headers=[("Retry-After", "1")])

    # The budget's clock is a fake one that only the retry waits move: no wall-clock bounds.
    clock = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(retries, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(httpx_retries.retry, "time", types.SimpleNamespace(sleep=sleep))
    with LoopbackServer(always_busy) as api:
        toolkit = toolkit_for(api.url, max_retries=20, retry_budget=0.5)  # 20: the maximum
        with pytest.raises(ServerError, match=r"-> 503: busy$"):
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
    # One retry, its wait cut to the budget's 0.5 s instead of Retry-After's 1 s; then no more.
    assert sleeps == [0.5]
    assert len(api.requests) == 2


@pytest.mark.cli_subprocess
@pytest.mark.parametrize("quiet", [False, True])
def test_cli_prints_one_line_per_retry_without_verbose(tmp_path: Path, quiet: bool) -> None:
    with LoopbackServer(failing_first((503, [("Retry-After", "1")]))) as api:
        result = list_via_cli(
            api.url,
            "--sink",
            "jsonl:-",
            env={"IONWORKS_API_KEY": "k"},
            cwd=tmp_path,
            before=("-q",) if quiet else (),
        )
    assert result.returncode == 0, result.stderr
    retry_lines = [line for line in result.stderr.splitlines() if line.startswith("retry ")]
    expected = [f"retry 1/5 in 1.0 s: GET {PATH} (offset 0) answered 503 Service Unavailable"]
    assert retry_lines == ([] if quiet else expected)
    assert len(result.stdout.splitlines()) == 1


# ----------------------------------------------------------------------------- 6. secrets


def echo_key(exchange: Exchange) -> None:
    """A 401 whose detail and request id quote the x-api-key header it received."""
    body = json.dumps({"detail": f"invalid API key {exchange.headers['x-api-key']}"})
    exchange.respond(
        401,
        body.encode(),
        headers=[
            ("Content-Type", "application/json"),
            ("X-Request-Id", exchange.headers["x-api-key"]),
        ],
    )


@pytest.mark.parametrize("key", ["k", KEY])
def test_server_echoing_the_key_is_redacted(key: str, toolkit_for) -> None:
    """The issue's input: a 401 whose detail is `invalid API key <the key>`."""
    with LoopbackServer(echo_key) as api, pytest.raises(AuthenticationError) as info:
        list(toolkit_for(api.url, api_key=key).iter_measurements_by_project(PROJECT_ID))
    error = info.value
    assert str(error) == f"GET {PATH} -> 401: invalid API key *** (request id ***)"
    assert error.body == {"detail": "invalid API key ***"}
    if key == KEY:
        assert KEY not in repr(error.args) and KEY not in repr(error.body)
    assert len(api.requests) == 1


@pytest.mark.cli_subprocess
@pytest.mark.parametrize("key", ["k", KEY])
def test_cli_redacts_a_server_echoing_the_key(key: str, tmp_path: Path) -> None:
    """The same 401 through the CLI (a subprocess; kept apart from the in-process test so a
    mutation run, whose mutants the subprocess never loads, does not pay it per mutant)."""
    with LoopbackServer(echo_key) as api:
        result = list_via_cli(api.url, env={"IONWORKS_API_KEY": key}, cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        f"error: GET {PATH} -> 401: invalid API key *** (request id ***)"
    ]


def test_token_echo_is_redacted_in_server_errors(toolkit_for) -> None:
    def echo_authorization(exchange: Exchange) -> None:
        body = json.dumps({"message": "upstream failed", "detail": exchange.headers})
        exchange.respond(500, body.encode())

    with LoopbackServer(echo_authorization) as api:
        toolkit = toolkit_for(api.url, api_key=None, api_token="tok-SECRET-123", max_retries=0)
        with pytest.raises(ServerError) as info:
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert "tok-SECRET-123" not in str(info.value)
    assert '"authorization": "***"' in str(info.value)


class InjectingAuthPlugin:
    """A plugin whose auth flow sets a header with a line break (header injection)."""

    @hookimpl
    def ionworks_auth(self, settings: Any) -> httpx.Auth:
        class Injecting(httpx.Auth):
            def auth_flow(self, request: httpx.Request):
                request.headers["Authorization"] = "Bearer SECRETtok\r\nX-Injected: 1"
                yield request

        return Injecting()


def test_plugin_credential_with_a_line_break_is_refused_unsent(toolkit_for) -> None:
    with LoopbackServer(answer_page(1)) as api:
        toolkit = toolkit_for(api.url, api_key=None, plugins=[InjectingAuthPlugin()])
        with pytest.raises(ConfigurationError) as info:
            list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "the Authorization header contains a line break (character 17); the request was not "
        "sent and the value is not shown (a credential is one line of printable ASCII)"
    )
    assert api.connections == 0


# ------------------------------------------------------------- requests httpx cannot build


def _counting_clients() -> tuple[httpx.Client, httpx.AsyncClient, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    transport = httpx.MockTransport(handler)
    base = "http://127.0.0.1:9"
    return (
        httpx.Client(base_url=base, transport=transport),
        httpx.AsyncClient(base_url=base, transport=transport),
        sent,
    )


def test_a_query_httpx_cannot_build_is_a_parameter_error_naming_it_unsent() -> None:
    # FINDINGS7 G2, where requests are built: whatever reaches it, never a bare InvalidURL.
    from ionworks_toolkit.errors import ParameterError
    from ionworks_toolkit.transport import send

    client, _, sent = _counting_clients()
    with pytest.raises(ParameterError) as info:
        send(client, {"method": "get", "url": "/x", "params": {"limit": 5, "name": "x" * 70_000}})
    assert str(info.value) == (
        "GET /x: name: the request's query would be 70,013 characters long (70,005 of them "
        "for name, percent-encoded), over the 65,536 httpx accepts in a URL; give a shorter "
        "value or split the request"
    )
    assert (info.value.source, info.value.parameter, sent) == ("GET /x", "name", [])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"method": "get", "url": "/x", "headers": {"x-note": "é"}},
            "GET /x: httpx cannot build this request (UnicodeEncodeError: 'ascii' codec can't "
            "encode character '\\xe9' in position 0: ordinal not in range(128))",
        ),
        (
            {"method": "get", "url": "/x\x00y"},
            "GET /x\\x00y: httpx cannot build this request (InvalidURL: Invalid non-printable "
            "ASCII character in URL, '\\x00' at position 2.)",
        ),
        (  # 100 characters shown: kept whole
            {"method": "get", "url": "/" + "p" * 95 + "\x00"},
            f"GET /{'p' * 95}\\x00: httpx cannot build this request (InvalidURL: Invalid "
            "non-printable ASCII character in URL, '\\x00' at position 96.)",
        ),
        (  # 101: cut, its length given
            {"method": "get", "url": "/" + "p" * 96 + "\x00"},
            f"GET /{'p' * 96}\\x0... (101 characters): httpx cannot build this request "
            "(InvalidURL: Invalid non-printable ASCII character in URL, '\\x00' at position 97.)",
        ),
        (
            {"method": "post", "url": "/" + "p" * 70_000},
            f"POST /{'p' * 99}... (70,001 characters): httpx cannot build this request "
            "(InvalidURL: URL too long)",
        ),
    ],
)
async def test_any_other_request_httpx_cannot_build_is_a_configuration_error(
    kwargs: dict[str, Any], message: str
) -> None:
    from ionworks_toolkit.errors import ParameterError
    from ionworks_toolkit.transport import asend, send

    client, async_client, sent = _counting_clients()
    with pytest.raises(ConfigurationError) as info:
        send(client, kwargs)
    cause = "InvalidURL" if "(InvalidURL:" in message else "UnicodeEncodeError"
    assert (str(info.value), type(info.value.__cause__).__name__) == (message, cause)
    assert not isinstance(info.value, ParameterError)
    with pytest.raises(ConfigurationError) as again:
        await asend(async_client, kwargs)
    assert str(again.value) == message
    assert sent == []
