"""Running the sandbox with uvicorn: blocking (:func:`serve`) or in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

from ._options import SandboxOptions

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

__all__ = ["SandboxServer", "run_in_thread", "serve"]


def serve(
    options: SandboxOptions | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log_level: str = "info",
) -> None:
    """Serve a sandbox app with uvicorn until interrupted (Ctrl+C); blocks the caller."""
    import uvicorn

    from ._app import create_app

    uvicorn.run(create_app(options), host=host, port=port, log_level=log_level)


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
        """Bind the port, start uvicorn on a daemon thread and wait until it accepts requests."""
        import uvicorn

        if self._thread is not None:
            raise RuntimeError("the sandbox server was already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
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
    """Start a sandbox on *host* (loopback by default) and a free port; returns once it is up.

    Use ``with run_in_thread(opts) as server: httpx.get(server.base_url + "/projects", ...)``;
    leaving the block stops uvicorn and joins its thread.
    """
    return SandboxServer(options, host, port, log_level=log_level).start()
