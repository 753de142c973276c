"""Settings: explicit arguments > environment (and ``.env``) > ``ionworks-toolkit.toml`` > defaults.

Environment names are the vendor client's (DESIGN.md section 5): ``IONWORKS_API_KEY``,
``IONWORKS_API_TOKEN``, ``IONWORKS_API_URL`` (default ``https://api.ionworks.com``),
``IONWORKS_ORGANIZATION_ID``, ``IONWORKS_PROJECT_ID``; plus ``IONWORKS_TOOLKIT_DISABLE_PLUGINS``
(comma-separated plugin names), ``IONWORKS_TOOLKIT_MAX_RETRIES`` (default 5; 0 turns retries
off), ``IONWORKS_TOOLKIT_PAGE_SIZE`` and ``IONWORKS_TOOLKIT_TIMEOUT`` (seconds). A ``.env``
file in the working directory is read, and real environment variables win over it.

Credentials: the highest-precedence *source* that holds a key or a token supplies the
credential; within that source a bearer token beats an API key. So an explicit ``api_key=``
wins over ``IONWORKS_API_TOKEN`` in the environment.

The config file (``./ionworks-toolkit.toml``, or ``config_file=``) may hold ``api_url``,
``organization_id``, ``project_id``, ``page_size``, ``timeout``, ``max_retries`` and
``[presets.NAME]`` tables; it never holds credentials (a key found there is refused with
ConfigurationError).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_PAGE_SIZE
from .errors import ConfigurationError

__all__ = ["CONFIG_FILE_NAME", "DEFAULT_API_URL", "Secret", "Settings", "load_settings"]

DEFAULT_API_URL = "https://api.ionworks.com"
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


def _secret(value: str | Secret | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value
    value = value.strip()
    return Secret(value) if value else None


@attrs.frozen
class Settings:
    """Resolved settings of one Toolkit session.

    ``api_url``: base URL without a trailing slash. ``api_key`` / ``api_token``: at most one is
    set (see module docstring for precedence). ``credential_source``: ``argument``,
    ``environment``, ``.env`` or None. ``timeout``: seconds per request. ``page_size``: records
    per request on full walks (1..1000, the seed endpoint's documented maximum).
    ``presets``: ``{name: {param: value}}`` from the config file.
    """

    api_url: str = DEFAULT_API_URL
    api_key: Secret | None = attrs.field(default=None, converter=_secret)
    api_token: Secret | None = attrs.field(default=None, converter=_secret)
    organization_id: str | None = None
    project_id: str | None = None
    credential_source: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    page_size: int = MAX_PAGE_SIZE
    disabled_plugins: tuple[str, ...] = ()
    config_path: Path | None = None
    presets: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)

    @property
    def has_credentials(self) -> bool:
        return self.api_key is not None or self.api_token is not None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
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
        "presets",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigurationError(
            f"config file {path}: unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    return data


def _positive_seconds(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"timeout {value!r} is not a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise ConfigurationError(f"timeout {value!r} must be a positive number of seconds")
    return seconds


def _non_negative_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ConfigurationError(f"{name} {value!r} is not an integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} {value!r} is not an integer") from None
    if number < 0:
        raise ConfigurationError(f"{name} {number} must be 0 or more")
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
    page_size: int | None = None,
    environ: Mapping[str, str] | None = None,
    working_dir: str | Path | None = None,
) -> Settings:
    """Resolve settings from arguments, environment, ``.env`` and the config file.

    ``environ`` defaults to ``os.environ``; ``working_dir`` (default: the current directory) is
    where ``.env`` and ``ionworks-toolkit.toml`` are looked for. Raises ConfigurationError for an
    unreadable config file, a credential in the config file, a non-http(s) URL or a page size
    outside 1..1000.
    """
    env = dict(os.environ if environ is None else environ)
    cwd = Path(working_dir) if working_dir is not None else Path.cwd()
    dotenv = _read_dotenv(cwd / ".env")

    config_path = Path(config_file) if config_file is not None else cwd / CONFIG_FILE_NAME
    config: dict[str, Any] = {}
    if config_file is not None or config_path.is_file():
        config = _read_config(config_path)

    def pick(explicit: Any, env_name: str, config_key: str | None, default: Any) -> Any:
        if explicit is not None:
            return explicit
        if env.get(env_name):
            return env[env_name]
        if dotenv.get(env_name):
            return dotenv[env_name]
        if config_key and config.get(config_key) is not None:
            return config[config_key]
        return default

    # Credentials: first source holding either; a token beats a key from the same source.
    key: str | None = None
    token: str | None = None
    source: str | None = None
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
            if found_token:
                token = found_token
            else:
                key = found_key
            break

    url = str(pick(api_url, "IONWORKS_API_URL", "api_url", DEFAULT_API_URL)).strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"api_url {url!r} must start with http:// or https://")
    if "@" in url.split("//", 1)[1].split("/", 1)[0]:
        # Never echo it: the part before "@" is a credential.
        raise ConfigurationError(
            "api_url must not hold credentials (user:password@host): use IONWORKS_API_KEY "
            "or IONWORKS_API_TOKEN"
        )

    size = _non_negative_int(
        pick(page_size, "IONWORKS_TOOLKIT_PAGE_SIZE", "page_size", MAX_PAGE_SIZE), "page_size"
    )
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ConfigurationError(
            f"page_size {size} is outside 1..{MAX_PAGE_SIZE} (the API's maximum limit)"
        )

    disabled = [p.strip() for p in env.get(DISABLE_PLUGINS_ENV, "").split(",") if p.strip()]
    disabled += [p for p in disable_plugins if p not in disabled]

    presets = config.get("presets", {})
    if not isinstance(presets, Mapping):
        raise ConfigurationError(f"config file {config_path}: [presets] must be a table of tables")

    return Settings(
        api_url=url,
        api_key=key,
        api_token=token,
        organization_id=pick(organization_id, "IONWORKS_ORGANIZATION_ID", "organization_id", None),
        project_id=pick(project_id, "IONWORKS_PROJECT_ID", "project_id", None),
        credential_source=source,
        timeout=_positive_seconds(
            pick(timeout, "IONWORKS_TOOLKIT_TIMEOUT", "timeout", DEFAULT_TIMEOUT)
        ),
        max_retries=_non_negative_int(
            pick(max_retries, "IONWORKS_TOOLKIT_MAX_RETRIES", "max_retries", DEFAULT_MAX_RETRIES),
            "max_retries",
        ),
        page_size=size,
        disabled_plugins=tuple(disabled),
        config_path=config_path if config else None,
        presets=dict(presets),
    )
