"""Settings precedence and the security rules of ARCHITECTURE.md section 5.

Credentials: explicit argument > environment > ``.env``; a token beats a key from the same
source; the config file never holds one. A key never shows in a repr, a log line (httpx,
httpcore, ours, at DEBUG) or a traceback with locals; it never goes over plain http except to
loopback, nor to another origin through a redirect.
"""

from __future__ import annotations

import logging
import pickle
import traceback
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from ionworks_toolkit import (
    BaseSink,
    ConfigurationError,
    Secret,
    Settings,
    SinkError,
    Toolkit,
    TransportError,
    UnexpectedResponseError,
    hookimpl,
)
from ionworks_toolkit.auth import (
    IonworksAuth,
    check_transport_security,
    is_loopback_host,
    origin_of,
    strip_foreign_credentials,
)
from ionworks_toolkit.settings import load_settings

KEY = "sk-live-ABCDEF123456"
PROJECT_ID = str(uuid.UUID(int=0xABCDEF))
SEVERSON_ID = "dad27f90-713a-5a2b-a976-e4a38e9951be"


def page_handler(seen: list[httpx.Request]):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [], "count": 0, "total": 0})

    return handler


def credential_headers(request: httpx.Request) -> dict[str, str]:
    names = ("x-api-key", "authorization", "x-organization-id", "cookie")
    return {name: request.headers[name] for name in names if name in request.headers}


# ----------------------------------------------------------------------------- 5. precedence


def test_explicit_key_beats_token_in_environment(make_toolkit) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(
        page_handler(seen), api_key=KEY, environ={"IONWORKS_API_TOKEN": "env-token"}
    )
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    (request,) = seen
    assert credential_headers(request) == {"x-api-key": KEY}
    assert toolkit.settings.credential_source == "argument"
    assert toolkit.settings.api_token is None


def test_token_beats_key_within_one_source(make_toolkit) -> None:
    seen: list[httpx.Request] = []
    environ = {"IONWORKS_API_KEY": "env-key", "IONWORKS_API_TOKEN": "env-token"}
    toolkit = make_toolkit(page_handler(seen), api_key=None, environ=environ)
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert credential_headers(seen[0]) == {"authorization": "Bearer env-token"}
    explicit = load_settings(api_key="arg-key", api_token="arg-token", environ={})
    assert explicit.api_token == Secret("arg-token")
    assert explicit.api_key is None


def test_environment_beats_dotenv_beats_config_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "IONWORKS_API_KEY=dotenv-key\n"
        "IONWORKS_API_URL=https://dotenv.example.com\n"
        "IONWORKS_PROJECT_ID=dotenv-project\n"
    )
    (tmp_path / "ionworks-toolkit.toml").write_text(
        'api_url = "https://config.example.com"\n'
        'project_id = "config-project"\n'
        'organization_id = "config-org"\n'
        "page_size = 250\n"
        "timeout = 12.5\n"
    )
    env = {"IONWORKS_API_URL": "https://env.example.com/"}
    settings = load_settings(environ=env, working_dir=tmp_path)
    assert settings.api_url == "https://env.example.com"
    assert settings.project_id == "dotenv-project"
    assert settings.organization_id == "config-org"
    assert (settings.page_size, settings.timeout) == (250, 12.5)
    assert settings.api_key == Secret("dotenv-key")
    assert settings.credential_source == ".env"
    assert settings.config_path == tmp_path / "ionworks-toolkit.toml"

    # (The folder's api_url is not used with a credential from the environment: see
    # test_http_config.py; here the environment names the URL too.)
    with_env_key = load_settings(
        environ={**env, "IONWORKS_API_KEY": "env-key"}, working_dir=tmp_path
    )
    assert with_env_key.api_key == Secret("env-key")
    assert with_env_key.credential_source == "environment"

    with_env_token = load_settings(
        environ={**env, "IONWORKS_API_TOKEN": "env-token"}, working_dir=tmp_path
    )
    assert (with_env_token.api_key, with_env_token.api_token) == (None, Secret("env-token"))

    explicit = load_settings(
        api_url="https://arg.example.com", project_id="arg", environ=env, working_dir=tmp_path
    )
    assert (explicit.api_url, explicit.project_id) == ("https://arg.example.com", "arg")


def test_defaults_without_any_source(tmp_path: Path) -> None:
    settings = load_settings(environ={}, working_dir=tmp_path)
    assert settings == Settings(credential_source=None, config_path=None)
    assert settings.api_url == "https://api.ionworks.com"
    assert settings.has_credentials is False
    assert (settings.page_size, settings.timeout, settings.max_retries) == (1000, 30.0, 5)


def test_blank_values_do_not_count(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("IONWORKS_API_TOKEN=\nIONWORKS_API_KEY=dotenv-key\n")
    settings = load_settings(
        api_key="   ",
        api_token="",
        environ={"IONWORKS_API_KEY": "", "IONWORKS_API_TOKEN": " "},
        working_dir=tmp_path,
    )
    assert (settings.api_key, settings.api_token) == (Secret("dotenv-key"), None)
    assert settings.credential_source == ".env"
    (tmp_path / ".env").unlink()
    nothing = load_settings(api_key=" ", environ={}, working_dir=tmp_path)
    assert (nothing.has_credentials, nothing.credential_source) == (False, None)


@pytest.mark.parametrize("field", ["api_key", "api_token"])
def test_credential_in_config_file_is_refused(tmp_path: Path, field: str) -> None:
    config = tmp_path / "ionworks-toolkit.toml"
    config.write_text(f'{field} = "{KEY}"\n')
    with pytest.raises(ConfigurationError) as info:
        Toolkit(environ={}, working_dir=str(tmp_path), load_entry_points=False)
    assert str(info.value) == (
        f"config file {config} holds {field}: keep credentials in the environment "
        f"(IONWORKS_{field.upper()}) or a .env file, not in a file you may commit"
    )
    assert KEY not in str(info.value)


def test_config_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("api_url = \n")
    with pytest.raises(ConfigurationError, match=r"^config file .*bad\.toml is not valid TOML: "):
        load_settings(config_file=bad, environ={})
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('colour = "red"\nshape = 1\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(config_file=unknown, environ={})
    assert str(info.value) == (
        f"config file {unknown}: unknown key(s) colour, shape; allowed: api_url, "
        "max_response_bytes, max_retries, organization_id, page_size, presets, project_id, "
        "proxy, retry_budget, timeout, verify"
    )
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigurationError) as info:
        load_settings(config_file=missing, environ={})
    assert str(info.value) == f"cannot read config file {missing}: No such file or directory"
    presets = tmp_path / "presets.toml"
    presets.write_text('presets = "lfp"\n')
    with pytest.raises(ConfigurationError) as info:
        load_settings(config_file=presets, environ={})
    assert str(info.value) == f"config file {presets}: [presets] must be a table of tables"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"api_url": "ftp://x"},
            "api_url 'ftp://x' (from an argument) must start with http:// or https://",
        ),
        ({"page_size": 0}, "page_size 0 is outside 1..1000 (the API's maximum limit)"),
        ({"page_size": 1001}, "page_size 1001 is outside 1..1000 (the API's maximum limit)"),
    ],
)
def test_settings_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={}, **kwargs)
    assert str(info.value) == message


def test_disabled_plugins_merge_environment_and_arguments(tmp_path: Path) -> None:
    settings = load_settings(
        environ={"IONWORKS_TOOLKIT_DISABLE_PLUGINS": " a, b ,,"},
        disable_plugins=["b", "c"],
        working_dir=tmp_path,
    )
    assert settings.disabled_plugins == ("a", "b", "c")


def test_organization_header(make_toolkit) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(page_handler(seen), api_key=KEY, organization_id="org-7")
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert credential_headers(seen[0]) == {"x-api-key": KEY, "x-organization-id": "org-7"}


# ----------------------------------------------------------------------------- 6. secrets


def test_secret_never_shows_itself() -> None:
    secret = Secret(KEY)
    assert repr(secret) == str(secret) == f"{secret}" == f"{secret:>30}" == "Secret('***')"
    assert secret.reveal() == KEY
    assert secret == Secret(KEY)
    assert secret != Secret("other")
    assert secret != KEY
    assert len({secret, Secret(KEY)}) == 1
    with pytest.raises(TypeError, match=r"^Secret values cannot be pickled$"):
        pickle.dumps(secret)


def test_no_repr_shows_the_key(make_toolkit) -> None:
    toolkit = make_toolkit(api_key=KEY, organization_id="org-7")
    client = toolkit.client
    auth = client.get_httpx_client().auth
    assert isinstance(auth, IonworksAuth)
    objects = [
        toolkit.settings.api_key,
        toolkit.settings,
        toolkit,
        auth,
        client,
        client.get_httpx_client(),
        client.get_async_httpx_client(),
        client.get_httpx_client().headers,
        vars(client.get_httpx_client()),
    ]
    for obj in objects:
        assert KEY not in repr(obj), type(obj).__name__
        assert KEY not in str(obj), type(obj).__name__
    assert repr(auth) == "IonworksAuth(kind='api_key', organization_id='org-7')"
    token = make_toolkit(api_key=None, api_token=KEY)
    assert KEY not in repr(token.settings)
    assert repr(token.client.get_httpx_client().auth) == (
        "IonworksAuth(kind='bearer', organization_id=None)"
    )


@pytest.mark.sandbox
def test_debug_logs_never_show_the_key(
    sandbox_with, sandbox_toolkit, caplog: pytest.LogCaptureFixture
) -> None:
    server = sandbox_with(api_key=KEY)
    toolkit = sandbox_toolkit(server, api_key=KEY)
    caplog.set_level(logging.DEBUG)
    records = list(toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=100))
    assert len(records) == 128
    loggers = {r.name for r in caplog.records}
    assert {"httpx", "httpcore.http11", "httpx_retries.transport", "ionworks_toolkit.http"} <= (
        loggers
    )
    assert [r.getMessage() for r in caplog.records if r.name == "ionworks_toolkit.http"] == [
        f"-> GET {server.base_url}/cell_measurements/by-project/{SEVERSON_ID}"
        "?limit=100&offset=0&order_by=created_at&order=desc",
        f"<- GET {server.base_url}/cell_measurements/by-project/{SEVERSON_ID}"
        "?limit=100&offset=0&order_by=created_at&order=desc 200",
        f"-> GET {server.base_url}/cell_measurements/by-project/{SEVERSON_ID}"
        "?limit=100&offset=100&order_by=created_at&order=desc",
        f"<- GET {server.base_url}/cell_measurements/by-project/{SEVERSON_ID}"
        "?limit=100&offset=100&order_by=created_at&order=desc 200",
    ]
    assert KEY not in caplog.text
    for record in caplog.records:
        assert KEY not in record.getMessage()
        assert KEY not in repr(record.args)


class FailingSink(BaseSink):
    """A plugin sink whose write raises on page 2."""

    def __init__(self, target: str) -> None:
        super().__init__(f"failing:{target}")
        self.pages = 0

    def _write(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.pages += 1
        if self.pages == 2:
            raise RuntimeError("sink broke on page 2")

    def _commit(self) -> None:
        pass

    def _abort(self) -> None:
        pass


class FailingSinkPlugin:
    @hookimpl
    def ionworks_register_sinks(self, register: Any) -> None:
        register("failing", lambda target, options: FailingSink(target))


def test_traceback_with_locals_never_shows_the_key(make_toolkit, paged_server) -> None:
    toolkit = make_toolkit(paged_server(30), api_key=KEY, plugins=[FailingSinkPlugin()])
    with pytest.raises(SinkError) as info:
        toolkit.export(PROJECT_ID, ["failing:x"], page_size=10)
    assert str(info.value) == "sink failing:x failed: RuntimeError: sink broke on page 2"
    text = "".join(
        traceback.TracebackException.from_exception(info.value, capture_locals=True).format()
    )
    assert "sink broke on page 2" in text
    assert "toolkit = Toolkit(api_url=" in text or "self = Toolkit(api_url=" in text
    assert KEY not in text


@pytest.mark.sandbox
def test_traceback_of_an_api_error_never_shows_the_key(sandbox_with, sandbox_toolkit) -> None:
    server = sandbox_with(api_key="sandbox")
    toolkit = sandbox_toolkit(server, api_key=KEY)
    with pytest.raises(Exception) as info:
        list(toolkit.iter_measurements_by_project(SEVERSON_ID))
    assert str(info.value) == (
        f"GET /cell_measurements/by-project/{SEVERSON_ID} -> 401: Invalid API key "
        "(request id sandbox-1)"
    )
    text = "".join(
        traceback.TracebackException.from_exception(info.value, capture_locals=True).format()
    )
    assert KEY not in text


@pytest.mark.sandbox
def test_traceback_of_a_dropped_connection_never_shows_the_key(
    sandbox_with, sandbox_toolkit
) -> None:
    server = sandbox_with(api_key=KEY, drop_connection_on_request=1)
    toolkit = sandbox_toolkit(server, api_key=KEY, max_retries=0)
    with pytest.raises(TransportError) as info:
        list(toolkit.iter_measurements_by_project(SEVERSON_ID))
    text = "".join(
        traceback.TracebackException.from_exception(info.value, capture_locals=True).format()
    )
    assert "httpcore" in text  # the chained cause, through the transport's own frames
    assert KEY not in text


# ----------------------------------------------------------------------------- transport rules


def test_plain_http_to_a_remote_host_is_refused(make_toolkit) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(page_handler(seen), api_url="http://api.example.com", api_key=KEY)
    with pytest.raises(ConfigurationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "refusing to send credentials over plain http to api.example.com: use https "
        "(plain http is allowed only to loopback, e.g. the sandbox)"
    )
    assert seen == []
    assert KEY not in str(info.value)


def test_plain_http_through_a_proxy_elsewhere_is_refused(make_toolkit) -> None:
    """FINDINGS7 G30: a loopback API is allowed over plain http, but through an explicit
    proxy on another host the key would reach that proxy in clear."""
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(
        page_handler(seen),
        api_url="http://127.0.0.1:8000",
        api_key=KEY,
        proxy="http://user:pw@proxy.corp:3128",
    )
    with pytest.raises(ConfigurationError) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert str(info.value) == (
        "refusing to send credentials over plain http through the proxy proxy.corp: it would "
        "read them (use https for the API, whose requests tunnel through the proxy unread, or "
        "no proxy for a loopback API)"
    )
    assert seen == []


@pytest.mark.parametrize(
    ("api_url", "proxy"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8080"),  # a debugging proxy on this machine
        ("https://api.example.com", "http://proxy.corp:3128"),  # a CONNECT tunnel: unread
    ],
)
def test_a_proxy_that_cannot_read_the_key_is_allowed(make_toolkit, api_url: str, proxy: str):
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(page_handler(seen), api_url=api_url, api_key=KEY, proxy=proxy)
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert len(seen) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost", "http://[::1]:9"])
def test_plain_http_to_loopback_is_allowed(make_toolkit, url: str) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(page_handler(seen), api_url=url, api_key=KEY)
    list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert credential_headers(seen[0]) == {"x-api-key": KEY}


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST.", False),  # a trailing dot goes to DNS, not /etc/hosts
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
        ("api.ionworks.com", False),
    ],
)
def test_is_loopback_host(host: str, expected: bool) -> None:
    assert is_loopback_host(host) is expected


def test_non_http_scheme_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"^refusing to send credentials over ws://$"):
        check_transport_security(httpx.URL("ws://127.0.0.1/socket"))


def test_auth_needs_a_credential() -> None:
    with pytest.raises(
        ConfigurationError, match=r"^IonworksAuth needs an api_key or an api_token$"
    ):
        IonworksAuth()


def redirecting_handler(seen: list[httpx.Request], location: str):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": location})
        return httpx.Response(200, json=[])

    return handler


@pytest.mark.parametrize("auth", ["key", "token"])
def test_redirect_to_another_origin_is_refused(make_toolkit, auth: str) -> None:
    """Not followed at all (issue 13 item 4): the other origin gets no request, so no
    credential; the error names the Location."""
    seen: list[httpx.Request] = []
    credentials = {"api_key": KEY} if auth == "key" else {"api_key": None, "api_token": KEY}
    toolkit = make_toolkit(
        redirecting_handler(seen, "https://collector.example.net/steal"),
        organization_id="org-7",
        **credentials,
    )
    with pytest.raises(UnexpectedResponseError) as info:
        toolkit.client.get_httpx_client().get("/start")
    assert str(info.value) == (
        "GET /start -> 302: redirected to another origin: Location "
        "https://collector.example.net/steal; not followed (credentials go only to "
        "https://api.example.com: if the API moved, set api_url to its new address)"
    )
    assert [str(r.url) for r in seen] == ["https://api.example.com/start"]
    first = {"x-api-key": KEY} if auth == "key" else {"authorization": f"Bearer {KEY}"}
    assert credential_headers(seen[0]) == {**first, "x-organization-id": "org-7"}


async def test_redirect_to_another_origin_async(make_async_toolkit) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_async_toolkit(redirecting_handler(seen, "http://api.example.com:8080/other"))
    client = toolkit.client.get_async_httpx_client()
    with pytest.raises(UnexpectedResponseError, match=r"Location http://api\.example\.com:8080/"):
        await client.get("/start")  # another port is another origin
    await toolkit.aclose()
    assert [str(r.url) for r in seen] == ["https://api.example.com/start"]


def test_strip_foreign_credentials_still_guards_every_hop(make_toolkit) -> None:
    """Defence in depth: a request to another origin through the session's client (which no
    redirect can produce now) still goes without credentials."""
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(redirecting_handler(seen, "/unused"), api_key=KEY)
    toolkit.client.get_httpx_client().get("https://collector.example.net/x")
    assert credential_headers(seen[0]) == {}


def test_same_origin_redirect_keeps_credentials(make_toolkit) -> None:
    seen: list[httpx.Request] = []
    toolkit = make_toolkit(redirecting_handler(seen, "/moved"), api_key=KEY)
    toolkit.client.get_httpx_client().get("/start", follow_redirects=True)
    assert [r.url.path for r in seen] == ["/start", "/moved"]
    assert credential_headers(seen[1]) == {"x-api-key": KEY}


def test_session_never_follows_a_redirect_to_another_origin(make_toolkit) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(307, headers={"Location": "https://collector.example.net/x"})

    toolkit = make_toolkit(handler, api_key=KEY)
    with pytest.raises(Exception) as info:
        list(toolkit.iter_measurements_by_project(PROJECT_ID))
    assert type(info.value).__name__ == "UnexpectedResponseError"
    assert [r.url.host for r in seen] == ["api.example.com"]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://api.example.com/projects", True),
        ("https://api.example.com:443/projects", True),
        ("https://API.example.com/projects", True),
        ("http://api.example.com/projects", False),
        ("https://api.example.com:8443/projects", False),
        ("https://evil.example.com/projects", False),
        ("https://api.example.com.evil.net/projects", False),
    ],
)
def test_strip_foreign_credentials(url: str, kept: bool) -> None:
    headers = {
        "X-API-Key": KEY,
        "Authorization": f"Bearer {KEY}",
        "X-Organization-Id": "org-7",
        "Cookie": "session=1",
        "Accept": "application/json",
    }
    request = httpx.Request("GET", url, headers=headers)
    strip_foreign_credentials(request, origin_of("https://api.example.com"))
    expected = (
        {k.lower(): v for k, v in headers.items()} if kept else {"accept": "application/json"}
    )
    assert {k: v for k, v in request.headers.items() if k != "host"} == expected


def test_origin_of_default_ports() -> None:
    assert origin_of("https://api.example.com/v1") == ("https", "api.example.com", 443)
    assert origin_of("http://127.0.0.1") == ("http", "127.0.0.1", 80)
    assert origin_of("http://[::1]:8000") == ("http", "::1", 8000)


def test_a_plugin_auth_flow_is_held_to_the_same_plain_http_rule(tmp_path) -> None:
    """Credentials attached by a third-party auth plugin never go over plain http off loopback."""
    import httpx
    from ionworks_toolkit import Toolkit, hookimpl

    sent: list[httpx.Request] = []

    class KeyFromElsewhere(httpx.Auth):
        def auth_flow(self, request: httpx.Request):
            request.headers["X-API-Key"] = "sk-live-ABCDEF123456"
            yield request

    class Plugin:
        @hookimpl
        def ionworks_auth(self, settings):
            return KeyFromElsewhere()

    transport = httpx.MockTransport(
        lambda request: sent.append(request) or httpx.Response(200, json=[])
    )
    with (
        Toolkit(
            api_url="http://192.0.2.2:8766",
            plugins=[Plugin()],
            load_entry_points=False,
            environ={},
            working_dir=str(tmp_path),
            max_retries=0,
            transport=transport,
        ) as toolkit,
        pytest.raises(ConfigurationError) as caught,
    ):
        toolkit.list_projects()
    assert str(caught.value) == (
        "refusing to send credentials over plain http to 192.0.2.2: use https "
        "(plain http is allowed only to loopback, e.g. the sandbox)"
    )
    assert sent == []


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("key", "sent"),
    [("sk-live-SECRET123", "sk-live-SECRET123"), ("sk+live/SECRET 9", "sk%2Blive%2FSECRET+9")],
    ids=["plain", "percent-encoded"],
)
def test_debug_request_lines_scrub_a_credential_given_as_a_filter_value(
    sandbox_with, sandbox_toolkit, caplog: pytest.LogCaptureFixture, key: str, sent: str
) -> None:
    """Break-it pass: ``--name KEY`` with the same KEY as the API key printed it in the ``-v``
    request line (exception messages scrubbed it already)."""
    server = sandbox_with(api_key=key)
    toolkit = sandbox_toolkit(server, api_key=key)
    caplog.set_level(logging.DEBUG, logger="ionworks_toolkit.http")
    records = list(toolkit.iter_measurements_by_project(SEVERSON_ID, page_size=100, name=key))
    assert records == []
    url = (
        f"{server.base_url}/cell_measurements/by-project/{SEVERSON_ID}"
        "?limit=100&offset=0&name=***&order_by=created_at&order=desc"
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "ionworks_toolkit.http"]
    assert lines == [f"-> GET {url}", f"<- GET {url} 200"]
    assert not [line for line in lines if sent in line or key in line]
