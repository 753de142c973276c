"""Running the sandbox with uvicorn: blocking (:func:`serve`) or in a background thread."""

from __future__ import annotations

import importlib.util
import ipaddress
import socket
import threading
import time
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from ._options import SandboxOptions

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

__all__ = [
    "SANDBOX_INSTALL_HINT",
    "SandboxDependencyError",
    "SandboxServer",
    "bind_socket",
    "is_loopback",
    "remote_warning",
    "require_dependencies",
    "run_in_thread",
    "serve",
]

SANDBOX_INSTALL_HINT = 'pip install "ionworks-toolkit[sandbox]"'


class SandboxDependencyError(ImportError):
    """The sandbox's optional dependencies (the ``sandbox`` extra) are not installed."""


def require_dependencies() -> None:
    """Import FastAPI and uvicorn, the ``sandbox`` extra.

    :raises SandboxDependencyError: one is missing; the message names it and the pip command
        (``pip install "ionworks-toolkit[sandbox]"``). Or both are installed but importing
        them failed (a local file shadowing a module they import): the message gives the
        import error and that file, with no reinstall advice.
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        missing = exc.name or "fastapi/uvicorn"
        if isinstance(exc, ModuleNotFoundError) and not _importable(exc.name):
            raise SandboxDependencyError(
                f"the sandbox needs {missing}, which is not installed: {SANDBOX_INSTALL_HINT}"
            ) from exc
        # Installed, but importing failed (FINDINGS10 K12): reinstalling would not help. The
        # usual cause is a file named like a module they import (secrets.py, a local
        # typing.py) in the script's folder, found first on sys.path.
        where = f" ({exc.path})" if exc.path and exc.path not in str(exc) else ""
        raise SandboxDependencyError(
            f"the sandbox needs fastapi and uvicorn, which are installed but failed to import: "
            f"{type(exc).__name__}: {exc}{where}; a file named like a module they import "
            "(e.g. secrets.py beside your script) hides that module: rename it"
        ) from exc


def _importable(name: str | None) -> bool:
    """Whether the top-level module of ``name`` can be found on ``sys.path`` (installed)."""
    if not name:
        return False
    try:
        return importlib.util.find_spec(name.partition(".")[0]) is not None
    except (ImportError, ValueError):
        return False


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ``::1``): only this
    machine can reach a server bound there."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def remote_warning(host: str) -> str | None:
    """The warning for a sandbox bound to ``host`` beyond loopback (``0.0.0.0``, a LAN
    address), as ``ionworks-toolkit sandbox serve --host`` prints it; None on loopback."""
    if is_loopback(host):
        return None
    return f"serving the sandbox on {host}, not loopback: anyone who can reach it can read it"


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``(host, port)`` (``port`` 0: a free port), not yet listening.

    :raises OSError: the address cannot be bound (in use, not local, no permission); the
        message names ``host:port`` and the reason.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        raise OSError(exc.errno, f"cannot listen on {where}: {exc.strerror or exc}") from exc
    return sock


def serve(
    options: SandboxOptions | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log_level: str = "info",
    on_listening: Callable[[int], None] | None = None,
) -> None:
    """Serve a sandbox app with uvicorn until interrupted (Ctrl+C); blocks the caller.

    The port is bound before uvicorn starts, so a busy port is an ``OSError`` raised here
    (naming the address), not a uvicorn start-up failure. ``on_listening(port)`` is called
    once bound (``port=0`` picks a free port). A host beyond loopback is not warned about
    here: the command lines that call this print :func:`remote_warning` themselves.

    :raises SandboxDependencyError: the ``sandbox`` extra is not installed.
    :raises OSError: ``host:port`` cannot be bound.
    """
    require_dependencies()
    import uvicorn

    from ._app import create_app

    app = create_app(options)
    sock = bind_socket(host, port)
    with sock:
        if on_listening is not None:
            on_listening(sock.getsockname()[1])
        uvicorn.Server(uvicorn.Config(app, log_level=log_level)).run(sockets=[sock])


class SandboxServer:
    """A sandbox app served by uvicorn on a background thread (see :func:`run_in_thread`).

    ``base_url`` is ``http://<host>:<port>`` without a trailing slash; ``app`` is the FastAPI app
    (its ``state`` holds the catalogue, options and request counter). Use it as a context manager
    or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        options: SandboxOptions | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_level: str = "warning",
        startup_timeout_s: float = 30.0,
    ) -> None:
        require_dependencies()
        from ._app import create_app

        self.options = options if options is not None else SandboxOptions()
        self.app: FastAPI = create_app(self.options)
        self.host = host
        self._requested_port = port
        self._log_level = log_level
        self._startup_timeout_s = startup_timeout_s
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self.port is None:
            raise RuntimeError("the sandbox server is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> SandboxServer:
        """Bind the port, start uvicorn on a daemon thread and wait until it accepts requests.

        A host beyond loopback (``0.0.0.0``) gets a ``UserWarning`` (:func:`remote_warning`)
        before it is bound, as the CLI's ``sandbox serve --host`` warns (FINDINGS7 G26).
        """
        import uvicorn

        if self._thread is not None:
            raise RuntimeError("the sandbox server was already started")
        message = remote_warning(self.host)
        if message is not None:
            warnings.warn(message, UserWarning, stacklevel=2)
        sock = bind_socket(self.host, self._requested_port)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level=self._log_level,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        self._server = server
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name=f"ionworks-sandbox-{self.port}",
            daemon=True,
        )
        self._thread = thread
        thread.start()
        deadline = time.monotonic() + self._startup_timeout_s
        while not server.started:
            if not thread.is_alive():
                self._cleanup()
                raise RuntimeError("the sandbox server stopped during startup")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start in time")
            time.sleep(0.01)
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask uvicorn to exit, join its thread and close the socket (idempotent)."""
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None and thread.is_alive():
            thread.join(timeout_s)
            if thread.is_alive() and server is not None:
                server.force_exit = True
                thread.join(timeout_s)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._server = None
        self._thread = None
        self.port = None

    def __enter__(self) -> SandboxServer:
        if self._thread is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.port is not None else "stopped"
        return f"<SandboxServer {where}>"


def run_in_thread(
    options: SandboxOptions | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
) -> SandboxServer:
    """Start a sandbox on *host* (loopback by default; another host is warned about, see
    :meth:`SandboxServer.start`) and a free port; returns once it is up.

    Use ``with run_in_thread(opts) as server: httpx.get(server.base_url + "/projects", ...)``;
    leaving the block stops uvicorn and joins its thread.
    """
    return SandboxServer(options, host, port, log_level=log_level).start()
