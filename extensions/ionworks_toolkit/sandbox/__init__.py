"""Offline sandbox of the Ionworks cell-data API over real public battery-cell metadata.

It serves the snapshot's read endpoints for projects, cell specifications, cell instances and
cell measurements (and the creation of properties measurements) from the packaged dataset, with
the documented filters, PostgREST-style operators, ordering, paging, FastAPI 422 bodies and API
key / bearer authentication, plus options for scale, latency and faults. It imports nothing from
``ionworks_client`` or the rest of ``ionworks_toolkit``: it is the independent counterpart the
client is tested against.

Public API::

    SandboxOptions(...)                         # what the app does (all extras off by default)
    create_app(options=None) -> fastapi.FastAPI
    serve(options=None, host="127.0.0.1", port=8000, *, log_level="info") -> None   # blocking
    run_in_thread(options=None, host="127.0.0.1", port=0) -> SandboxServer          # background
    SandboxServer: .base_url, .port, .app, .start(), .stop(), context manager
    SandboxDependencyError                      # ImportError: the [sandbox] extra is missing

Importing this package is cheap: FastAPI, pydantic and uvicorn are imported only when an app is
created or served. Details: ``_catalogue`` (records, ids, timestamps), ``_query`` (filters and
ordering), ``_app`` (endpoints, auth, faults), ``_server`` (uvicorn).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._options import SandboxOptions

if TYPE_CHECKING:
    from ._app import create_app
    from ._server import SandboxDependencyError, SandboxServer, run_in_thread, serve

__all__ = [
    "SandboxDependencyError",
    "SandboxOptions",
    "SandboxServer",
    "create_app",
    "run_in_thread",
    "serve",
]

_LAZY = {
    "create_app": "._app",
    "SandboxDependencyError": "._server",
    "SandboxServer": "._server",
    "run_in_thread": "._server",
    "serve": "._server",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
