"""ionworks-toolkit: a client and plugin toolkit for the Ionworks cell-data API.

Public API (the plugin contract of ARCHITECTURE.md section 4 included)::

    from ionworks_toolkit import Toolkit, AsyncToolkit, hookimpl, FilterPreset, Sink, contains
    from ionworks_toolkit import IonworksError, APIError, NotFoundError, ...

Importing the package is cheap: the session, presets and sinks (and through them the generated
client's models) load on first use of their names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    APIError,
    ArgumentTypeError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    IonworksError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    PluginError,
    RateLimitError,
    RegistrationConflictError,
    RequestValidationError,
    ServerError,
    SinkError,
    ToolkitWarning,
    TransportError,
    UnexpectedResponseError,
)
from .hookspecs import hookimpl

if TYPE_CHECKING:
    from .pagination import WalkStats
    from .presets import (
        FilterPreset,
        ParameterError,
        contains,
        equals,
        ilike,
        like,
        not_equals,
        starts_with,
    )
    from .session import AsyncToolkit, ExportResult, Toolkit, redact_url
    from .settings import Secret, Settings
    from .sinks import BaseSink, Sink

__version__ = "0.1.0"

_LAZY = {
    "Toolkit": "session",
    "AsyncToolkit": "session",
    "ExportResult": "session",
    "redact_url": "session",
    "FilterPreset": "presets",
    "ParameterError": "presets",
    "contains": "presets",
    "equals": "presets",
    "not_equals": "presets",
    "starts_with": "presets",
    "ilike": "presets",
    "like": "presets",
    "Sink": "sinks",
    "BaseSink": "sinks",
    "Settings": "settings",
    "Secret": "settings",
    "WalkStats": "pagination",
}

__all__ = [
    "APIError",
    "ArgumentTypeError",
    "AsyncToolkit",
    "AuthenticationError",
    "BaseSink",
    "ConfigurationError",
    "ConflictError",
    "ExportResult",
    "FilterPreset",
    "IonworksError",
    "NotFoundError",
    "PaginationError",
    "ParameterError",
    "PermissionDeniedError",
    "PluginError",
    "RateLimitError",
    "RegistrationConflictError",
    "RequestValidationError",
    "Secret",
    "ServerError",
    "Settings",
    "Sink",
    "SinkError",
    "Toolkit",
    "ToolkitWarning",
    "TransportError",
    "UnexpectedResponseError",
    "WalkStats",
    "__version__",
    "contains",
    "equals",
    "hookimpl",
    "ilike",
    "like",
    "not_equals",
    "redact_url",
    "starts_with",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
