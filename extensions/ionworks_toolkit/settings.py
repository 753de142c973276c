"""Settings: explicit arguments > environment (and ``.env``) > ``ionworks-toolkit.toml`` > defaults.

Environment names are the vendor client's (ARCHITECTURE.md section 5): ``IONWORKS_API_KEY``,
``IONWORKS_API_TOKEN``, ``IONWORKS_API_URL`` (default ``https://api.ionworks.com``),
``IONWORKS_ORGANIZATION_ID``, ``IONWORKS_PROJECT_ID``; plus ``IONWORKS_TOOLKIT_DISABLE_PLUGINS``
(comma-separated plugin names), ``IONWORKS_TOOLKIT_MAX_RETRIES`` (default 5; 0 turns retries
off), ``IONWORKS_TOOLKIT_PAGE_SIZE``, ``IONWORKS_TOOLKIT_TIMEOUT`` (seconds: the deadline of one
request, body included), ``IONWORKS_TOOLKIT_RETRY_BUDGET`` (seconds: no retry starts later
than this after the first attempt), ``IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES`` (cap on a decoded
response body, default 256 MiB), ``IONWORKS_TOOLKIT_PROXY`` (one proxy for every request,
instead of ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY``) and ``IONWORKS_TOOLKIT_VERIFY`` (a CA
bundle file or directory; else ``SSL_CERT_FILE``/``SSL_CERT_DIR``, else certifi's bundle). A
``.env`` file in the working directory is read, and real environment variables win over it.

Credentials: the highest-precedence *source* that holds a key or a token supplies the
credential; within that source a bearer token beats an API key. So an explicit ``api_key=``
wins over ``IONWORKS_API_TOKEN`` in the environment.

The config file (``./ionworks-toolkit.toml``, or ``config_file=``) may hold ``api_url``,
``organization_id``, ``project_id``, ``page_size``, ``timeout``, ``max_retries``,
``retry_budget``, ``max_response_bytes``, ``proxy``, ``verify`` and ``[presets.NAME]`` tables;
it never holds credentials (a key found there is refused with ConfigurationError).

Trust: a ``.env`` or ``ionworks-toolkit.toml`` found in the working folder is less trusted than
the environment, an argument or a config file named with ``--config``. Where the credential
comes from is compared with where ``api_url``, ``proxy`` and ``verify`` come from: a
destination chosen by a less trusted source than the credential is refused (ConfigurationError
naming both sources) rather than sent the credential. Confirm it with ``--api-url`` /
``IONWORKS_API_URL`` (``--proxy``, ``--verify`` likewise).
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import httpx

from ._numbers import integer_text
from .constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_PAGE_SIZE, MAX_RETRIES_LIMIT
from .errors import ConfigurationError

__all__ = [
    "CONFIG_FILE_NAME",
    "DEFAULT_API_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "Secret",
    "Settings",
    "load_settings",
    "validate_api_url",
]

DEFAULT_API_URL = "https://api.ionworks.com"
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024
DEFAULT_RETRY_BUDGET = 60.0
CONFIG_FILE_NAME = "ionworks-toolkit.toml"
DISABLE_PLUGINS_ENV = "IONWORKS_TOOLKIT_DISABLE_PLUGINS"


class Secret:
    """A credential string that never shows itself in ``repr``, ``str`` or formatting.

    ``reveal()`` returns the value; only the auth flow calls it, when it sets a header.
    """

    __slots__ = ("__value",)

    def __init__(self, value: str) -> None:
        self.__value = value

    def reveal(self) -> str:
        return self.__value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.reveal() == self.__value

    def __hash__(self) -> int:
        return hash(self.__value)

    def __reduce__(self) -> Any:
        raise TypeError("Secret values cannot be pickled")


def header_value_problem(value: str) -> str | None:
    """What makes ``value`` unfit for an HTTP header (a line break, a control character,
    a non-ASCII character), or None. Never includes the value itself."""
    for position, char in enumerate(value, 1):
        if char in "\r\n":
            return f"a line break (character {position})"
        if not char.isascii():
            return f"a non-ASCII character (character {position})"
        if not char.isprintable():
            return f"a control character (character {position})"
    return None


def _check_credential(value: str, name: str) -> None:
    problem = header_value_problem(value)
    if problem:
        # Never echo it: the value is a credential, and may be an injection attempt.
        raise ConfigurationError(
            f"{name} contains {problem}; it is refused before any request and not shown. "
            "Set it again without it (a credential is one line of printable ASCII)"
        )


def _secret(value: str | Secret | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value
    value = value.strip()
    if value:
        _check_credential(value, "credential")
    return Secret(value) if value else None


@attrs.frozen
class Settings:
    """Resolved settings of one Toolkit session.

    ``api_url``: base URL without a trailing slash. ``api_key`` / ``api_token``: at most one is
    set (see module docstring for precedence). ``credential_source``: ``argument``,
    ``environment``, ``.env`` or None. ``timeout``: seconds one request may take from
    connecting to the last byte of its body (each retry gets its own). ``max_retries``: retries
    per request; ``retry_budget``: seconds after the first attempt past which no retry starts.
    ``max_response_bytes``: cap on one response body, counted after decompression.
    ``proxy``: one proxy URL for every request (None: ``HTTP(S)_PROXY``/``ALL_PROXY``/
    ``NO_PROXY`` as httpx reads them). ``verify``: True (``SSL_CERT_FILE``/``SSL_CERT_DIR``, else
    certifi), a CA bundle path (file or directory), or an ``ssl.SSLContext``. ``page_size``:
    records per request on full walks (1..1000, the seed endpoint's documented maximum).
    ``presets``: ``{name: {param: value}}`` from the config file. ``sources``: where
    ``api_url``, ``proxy`` and ``verify`` came from (``argument``, ``environment``, ``.env``,
    ``config file``, ``default``).
    """

    api_url: str = DEFAULT_API_URL
    api_key: Secret | None = attrs.field(default=None, converter=_secret)
    api_token: Secret | None = attrs.field(default=None, converter=_secret)
    organization_id: str | None = None
    project_id: str | None = None
    credential_source: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    retry_budget: float = DEFAULT_RETRY_BUDGET
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    proxy: str | None = None
    verify: Any = True
    page_size: int = MAX_PAGE_SIZE
    disabled_plugins: tuple[str, ...] = ()
    config_path: Path | None = None
    presets: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    sources: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def has_credentials(self) -> bool:
        return self.api_key is not None or self.api_token is not None


#: The UTF-8 byte-order mark that Windows editors (Notepad's "UTF-8 with BOM") put at the
#: start of a file: skipped before a config file is read as TOML, as in a .env file
#: (FINDINGS9 J13: TOML itself refused it as "Invalid statement (at line 1, column 1)").
UTF8_BOM = b"\xef\xbb\xbf"


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read()
        data = tomllib.loads(raw.removeprefix(UTF8_BOM).decode("utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read config file {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"config file {path} is not valid TOML: {exc}") from exc
    for forbidden in ("api_key", "api_token"):
        if forbidden in data:
            raise ConfigurationError(
                f"config file {path} holds {forbidden}: keep credentials in the environment "
                f"(IONWORKS_{forbidden.upper()}) or a .env file, not in a file you may commit"
            )
    allowed = {
        "api_url",
        "organization_id",
        "project_id",
        "page_size",
        "timeout",
        "max_retries",
        "retry_budget",
        "max_response_bytes",
        "proxy",
        "verify",
        "presets",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigurationError(
            f"config file {path}: unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    return data


def _positive_seconds(value: Any, name: str = "timeout") -> float:
    if isinstance(value, bool):
        raise ConfigurationError(f"{name} {value!r} is not a number of seconds")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} {value!r} is not a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise ConfigurationError(f"{name} {value!r} must be a positive number of seconds")
    return seconds


_SIZE = re.compile(r"^\s*(\d+)\s*(|b|kb|kib|mb|mib|gb|gib)\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_byte_size(value: Any, name: str = "max_response_bytes") -> int:
    """Bytes from ``268435456``, ``"256MiB"``, ``"10 MB"`` (units B, kB, KiB, MB, MiB, GB, GiB).

    Raises ConfigurationError for anything else, or a size below 1 byte.
    """
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ConfigurationError(f"{name} {value!r} is not a whole number of bytes")
    if isinstance(value, int | float):
        size = int(value)
    else:
        match = _SIZE.match(str(value))
        if not match:
            raise ConfigurationError(
                f"{name} {value!r} is not a size: give bytes (268435456) or a number with "
                "a unit: B, kB, KiB, MB, MiB, GB, GiB (256MiB)"
            )
        size = int(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]
    if size < 1:
        raise ConfigurationError(f"{name} {value!r} must be at least 1 byte")
    return size


_HOST_LABEL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\Z")


def validate_api_url(value: str, *, name: str = "api_url", source: str = "") -> str:
    """The URL, checked and normalised (no trailing slash), or ConfigurationError (one line).

    Accepted: ``http(s)://HOST[:PORT][/PATH]`` where HOST is a DNS name (IDNA allowed), an IPv4
    or a bracketed IPv6 address, and PORT is 1..65535. Refused, naming ``source``: another
    scheme, a port that is not a number in range (``:abc``, ``:99999``), a host that is not a
    valid name (``ex ample.com``, an invalid IDNA label), a query or fragment, and
    ``user:password@`` (never echoed: it is a credential).
    """
    where = f" (from {source})" if source else ""
    url = value.strip().rstrip("/")
    scheme, separator, rest = url.partition("://")
    if separator and scheme.lower() in ("http", "https"):
        url = f"{scheme.lower()}://{rest}"  # schemes are case-insensitive: HTTP://, Https://
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"{name} {url!r}{where} must start with http:// or https://")
    authority = url.split("//", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority:
        # Never echo it: the part before "@" is a credential.
        raise ConfigurationError(
            f"{name}{where} must not hold credentials (user:password@host): use "
            "IONWORKS_API_KEY or IONWORKS_API_TOKEN"
        )
    if "?" in url or "#" in url:
        # Not echoed either: a query may carry a key.
        raise ConfigurationError(
            f"{name}{where} must not have a query (?...) or fragment (#...): give only "
            "scheme, host, port and path"
        )
    try:
        parsed = httpx.URL(url)
        parsed.host  # noqa: B018 - decoding an ``xn--`` label is where a bad one fails
    except Exception as exc:  # httpx.InvalidURL, or idna's errors for a bad IDNA label
        raise ConfigurationError(f"{name} {url!r}{where} is not a valid URL: {exc}") from None
    host = parsed.raw_host.decode("ascii", "replace")
    if not host:
        raise ConfigurationError(f"{name} {url!r}{where} has no host")
    port = parsed.port
    if port is not None and not 1 <= port <= 65535:
        raise ConfigurationError(f"{name} {url!r}{where}: port {port} is outside 1..65535")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.removesuffix(".").split(".")
        if not all(_HOST_LABEL.match(label) for label in labels):
            raise ConfigurationError(
                f"{name} {url!r}{where}: {parsed.host!r} is not a valid host name "
                "(letters, digits and hyphens between dots, or an IP address)"
            ) from None
    return url


def _non_negative_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ConfigurationError(f"{name} {value!r} is not an integer")
    try:
        number = integer_text(value) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} {value!r} is not an integer") from None
    if number < 0:
        raise ConfigurationError(f"{name} {number} must be 0 or more")
    return number


def _page_size(value: Any) -> int:
    size = _non_negative_int(value, "page_size")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ConfigurationError(
            f"page_size {size} is outside 1..{MAX_PAGE_SIZE} (the API's maximum limit)"
        )
    return size


def _organization(value: Any) -> Any:
    if value is not None:
        problem = header_value_problem(str(value))
        if problem:
            raise ConfigurationError(f"organization_id contains {problem}; it is sent as a header")
    return value


def _bounded_retries(value: Any) -> int:
    """``max_retries`` in 0..MAX_RETRIES_LIMIT: more retries than that only hide an outage
    (each waits up to 30 s, within the retry budget)."""
    number = _non_negative_int(value, "max_retries")
    if number > MAX_RETRIES_LIMIT:
        raise ConfigurationError(
            f"max_retries {number} is outside 0..{MAX_RETRIES_LIMIT} (retries per request; "
            "0 turns them off, default 5)"
        )
    return number


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        from dotenv import dotenv_values
    except ImportError:
        raise ConfigurationError(
            f"{path} exists but python-dotenv is not installed to read it: "
            "pip install python-dotenv, or remove the file"
        ) from None
    try:
        values = dotenv_values(path)
    except UnicodeDecodeError as exc:
        raise ConfigurationError(f"{path} is not UTF-8 text: {exc}") from None
    return {k: v for k, v in values.items() if v is not None}


# How far each source is trusted: a destination (api_url, proxy, verify) may come from a
# source at least as trusted as the credential's. What the user chose (arguments, the
# environment, a config file named with --config) is trusted; files that merely sit in the
# working folder are not: anyone who can put a file in a folder you run the toolkit in (a
# cloned repository, a shared drive, a downloaded dataset) can write them.
_TRUST = {"argument": 2, "environment": 2, "config file": 2, ".env": 1, "folder config": 1}
_SOURCE_LABELS = {
    "argument": "an argument",
    "environment": "the environment",
    "config file": "the config file given with --config",
    ".env": "the working folder's .env",
    "folder config": "the working folder's ionworks-toolkit.toml",
}
_CONFIRM = {
    "api_url": "--api-url URL (api_url=..., or IONWORKS_API_URL)",
    "proxy": "--proxy URL (proxy=..., or IONWORKS_TOOLKIT_PROXY)",
    "verify": "--verify PATH (verify=..., or IONWORKS_TOOLKIT_VERIFY)",
}


def _check_trust(
    credential_source: str | None, credential_name: str, sources: Mapping[str, str], values: Any
) -> None:
    """Refuse a destination setting from a less trusted source than the credential."""
    if credential_source is None:
        return
    for setting in ("api_url", "proxy", "verify"):
        source = sources.get(setting, "default")
        if source == "default" or _TRUST[source] >= _TRUST[credential_source]:
            continue
        if setting == "api_url" and values[setting] == DEFAULT_API_URL:
            continue  # the official API: no new destination
        raise ConfigurationError(
            f"refusing to use {setting} {values[setting]!r} from {_SOURCE_LABELS[source]} "
            f"with the credential from {_SOURCE_LABELS[credential_source]} "
            f"({credential_name}): a file in the working folder may not choose where your "
            f"credential goes. If you trust it, confirm with {_CONFIRM[setting]}"
        )


def _resolve_verify(value: Any, source: str, env: Mapping[str, str], base: Path) -> Any:
    """True, an existing CA bundle path (str), or an ssl.SSLContext / False from an argument.

    ``source`` is a key of ``_SOURCE_LABELS`` or ``default``; a relative path from a file
    (``.env``, config) is relative to ``base``, the folder holding it.
    """
    label = _SOURCE_LABELS.get(source, "the default")
    if source == "argument" and not isinstance(value, str) and value is not True:
        return value  # False or an ssl.SSLContext, as httpx takes them
    text = str(value).strip()
    if value is False or text.lower() in ("false", "0", "no", "off"):
        return _verify_off_refused(label)
    if value is True or text.lower() in ("true", "1", "yes", "on", ""):
        text = ""
        for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
            if env.get(name):
                text, label, base = env[name], f"environment ({name})", Path.cwd()
                break
        if not text:
            return True
    path = Path(text).expanduser()
    if not path.is_absolute() and source in (".env", "folder config", "config file"):
        path = base / path
    if not path.exists():
        raise ConfigurationError(
            f"verify: CA bundle {text!r} (from {label}) does not exist: give a PEM file or "
            "a directory of hashed certificates"
        )
    return str(path)


def _verify_off_refused(source: str) -> Any:
    raise ConfigurationError(
        f"verify=false (from {source}) is refused: certificate checks can be switched off only "
        "by an argument (Toolkit(verify=False)); give a CA bundle path instead"
    )


def _current_folder() -> Path:
    """The current working folder, where ``.env`` and ``ionworks-toolkit.toml`` are looked
    for. Raises ConfigurationError when it was deleted meanwhile (``cd x; rm -rf ../x``: a
    cleaned-up temporary folder), not the FileNotFoundError traceback of ``Path.cwd()``
    (FINDINGS8 H17)."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        raise ConfigurationError(
            "the current working folder no longer exists (deleted meanwhile?): cd to an "
            "existing folder (.env and ionworks-toolkit.toml are looked for there)"
        ) from None


def load_settings(
    *,
    api_url: str | None = None,
    api_key: str | None = None,
    api_token: str | None = None,
    organization_id: str | None = None,
    project_id: str | None = None,
    config_file: str | Path | None = None,
    disable_plugins: tuple[str, ...] | list[str] = (),
    timeout: float | None = None,
    max_retries: int | None = None,
    retry_budget: float | None = None,
    max_response_bytes: int | str | None = None,
    proxy: str | None = None,
    verify: Any = None,
    page_size: int | None = None,
    environ: Mapping[str, str] | None = None,
    working_dir: str | Path | None = None,
) -> Settings:
    """Resolve settings from arguments, environment, ``.env`` and the config file.

    ``environ`` defaults to ``os.environ``; ``working_dir`` (default: the current directory) is
    where ``.env`` and ``ionworks-toolkit.toml`` are looked for. Raises ConfigurationError
    (one line, never echoing a credential) for an unreadable config file, a credential in the
    config file, a credential holding a line break or other non-header character, a malformed
    ``api_url`` or ``proxy`` (see ``validate_api_url``), a missing CA bundle, a destination
    chosen by a less trusted source than the credential (see module docstring), a number out
    of range or a page size outside 1..1000.
    """
    env = dict(os.environ if environ is None else environ)
    cwd = Path(working_dir) if working_dir is not None else _current_folder()
    dotenv = _read_dotenv(cwd / ".env")

    config_path = Path(config_file) if config_file is not None else cwd / CONFIG_FILE_NAME
    config: dict[str, Any] = {}
    if config_file is not None or config_path.is_file():
        config = _read_config(config_path)
    config_source = "config file" if config_file is not None else "folder config"

    def pick_with_source(
        explicit: Any, env_name: str, config_key: str | None, default: Any
    ) -> tuple[Any, str]:
        if explicit is not None:
            return explicit, "argument"
        if env.get(env_name):
            return env[env_name], "environment"
        if dotenv.get(env_name):
            return dotenv[env_name], ".env"
        if config_key and config.get(config_key) is not None:
            return config[config_key], config_source
        return default, "default"

    def pick(explicit: Any, env_name: str, config_key: str | None, default: Any) -> Any:
        return pick_with_source(explicit, env_name, config_key, default)[0]

    def checked(
        check: Callable[[Any], Any], explicit: Any, env_name: str, config_key: str, default: Any
    ) -> Any:
        """``check(value)`` of the picked value; its ConfigurationError names where the value
        came from (an argument names itself already; a default is always valid)."""
        value, where = pick_with_source(explicit, env_name, config_key, default)
        try:
            return check(value)
        except ConfigurationError as exc:
            if where in ("environment", ".env"):
                origin = f"{env_name} in {_SOURCE_LABELS[where]}"
            elif where in ("config file", "folder config"):
                origin = f"{config_key} in {config_path}"
            else:
                raise
            raise ConfigurationError(f"{exc} (from {origin})") from None

    # Credentials: first source holding either; a token beats a key from the same source.
    key: str | None = None
    token: str | None = None
    source: str | None = None
    credential_name = ""
    for name, values in (
        ("argument", {"key": api_key, "token": api_token}),
        (
            "environment",
            {"key": env.get("IONWORKS_API_KEY"), "token": env.get("IONWORKS_API_TOKEN")},
        ),
        (
            ".env",
            {"key": dotenv.get("IONWORKS_API_KEY"), "token": dotenv.get("IONWORKS_API_TOKEN")},
        ),
    ):
        # A blank value (``api_key=""``, ``IONWORKS_API_TOKEN=``) is no credential: it must
        # neither shadow a real one from a lower source nor become the credential source.
        found_token = (values["token"] or "").strip()
        found_key = (values["key"] or "").strip()
        if found_token or found_key:
            source = name
            kind = "token" if found_token else "key"
            credential_name = (
                f"api_{kind}" if name == "argument" else f"IONWORKS_API_{kind.upper()}"
            )
            _check_credential(found_token or found_key, f"{credential_name} (from {name})")
            if found_token:
                token = found_token
            else:
                key = found_key
            break

    sources: dict[str, str] = {}
    raw_url, sources["api_url"] = pick_with_source(
        api_url, "IONWORKS_API_URL", "api_url", DEFAULT_API_URL
    )
    url = validate_api_url(str(raw_url), source=_SOURCE_LABELS.get(sources["api_url"], ""))

    raw_proxy, sources["proxy"] = pick_with_source(proxy, "IONWORKS_TOOLKIT_PROXY", "proxy", None)
    proxy_url: str | None = None
    if raw_proxy is not None and str(raw_proxy).strip():
        proxy_url = _validate_proxy(str(raw_proxy), _SOURCE_LABELS[sources["proxy"]])
    else:
        sources["proxy"] = "default"

    raw_verify, sources["verify"] = pick_with_source(
        verify, "IONWORKS_TOOLKIT_VERIFY", "verify", True
    )
    _check_trust(source, credential_name, {"verify": sources["verify"]}, {"verify": raw_verify})
    verify_value = _resolve_verify(
        raw_verify,
        sources["verify"],
        env,
        config_path.parent if sources["verify"] == "config file" else cwd,
    )

    _check_trust(
        source,
        credential_name,
        sources,
        {"api_url": url, "proxy": proxy_url, "verify": verify_value},
    )

    size = checked(_page_size, page_size, "IONWORKS_TOOLKIT_PAGE_SIZE", "page_size", MAX_PAGE_SIZE)
    organization = checked(
        _organization, organization_id, "IONWORKS_ORGANIZATION_ID", "organization_id", None
    )

    # The environment, else .env (as every IONWORKS_* variable), plus disable_plugins.
    listed = str(pick(None, DISABLE_PLUGINS_ENV, None, ""))
    disabled = [p.strip() for p in listed.split(",") if p.strip()]
    disabled += [p for p in disable_plugins if p not in disabled]

    presets = config.get("presets", {})
    if not isinstance(presets, Mapping):
        raise ConfigurationError(f"config file {config_path}: [presets] must be a table of tables")

    return Settings(
        api_url=url,
        api_key=key,
        api_token=token,
        organization_id=organization,
        project_id=pick(project_id, "IONWORKS_PROJECT_ID", "project_id", None),
        credential_source=source,
        timeout=checked(
            _positive_seconds, timeout, "IONWORKS_TOOLKIT_TIMEOUT", "timeout", DEFAULT_TIMEOUT
        ),
        max_retries=checked(
            _bounded_retries,
            max_retries,
            "IONWORKS_TOOLKIT_MAX_RETRIES",
            "max_retries",
            DEFAULT_MAX_RETRIES,
        ),
        retry_budget=checked(
            lambda value: _positive_seconds(value, "retry_budget"),
            retry_budget,
            "IONWORKS_TOOLKIT_RETRY_BUDGET",
            "retry_budget",
            DEFAULT_RETRY_BUDGET,
        ),
        max_response_bytes=checked(
            parse_byte_size,
            max_response_bytes,
            "IONWORKS_TOOLKIT_MAX_RESPONSE_BYTES",
            "max_response_bytes",
            DEFAULT_MAX_RESPONSE_BYTES,
        ),
        proxy=proxy_url,
        verify=verify_value,
        page_size=size,
        disabled_plugins=tuple(disabled),
        config_path=config_path if config else None,
        presets=dict(presets),
        sources=sources,
    )


def _validate_proxy(value: str, source: str) -> str:
    """A proxy URL: ``http://``, ``https://``, ``socks5://`` (with httpx[socks]); user:password
    allowed (httpx sends it as Proxy-Authorization) but never echoed."""
    text = value.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme not in ("http", "https", "socks5", "socks5h"):
        shown = text if "@" not in text else "<hidden: holds user:password>"
        raise ConfigurationError(
            f"proxy {shown!r} (from {source}) must start with http://, https:// or socks5://"
        )
    try:
        parsed = httpx.URL(text)
    except Exception as exc:
        raise ConfigurationError(f"proxy (from {source}) is not a valid URL: {exc}") from None
    if not parsed.host or (parsed.port is not None and not 1 <= parsed.port <= 65535):
        raise ConfigurationError(f"proxy (from {source}) needs a host and a port in 1..65535")
    return text
