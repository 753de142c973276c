"""``IonworksSandbox``: a running sandbox API on loopback, as the pytest fixtures hand it out.

Only the standard library is imported here; the sandbox (FastAPI, uvicorn) is imported by
:func:`start_sandbox`, and ``Toolkit`` by :meth:`IonworksSandbox.toolkit`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..sandbox import SandboxOptions, SandboxServer
    from ..session import AsyncToolkit, Toolkit

__all__ = ["IonworksSandbox", "start_sandbox"]


@dataclass(frozen=True, eq=False)
class IonworksSandbox:
    """A sandbox of the Ionworks API served on 127.0.0.1 (see ``ionworks_toolkit.sandbox``).

    :ivar base_url: ``http://127.0.0.1:<port>``, no trailing slash.
    :ivar api_key: the value the sandbox accepts in ``X-API-Key`` (``None``: key auth off).
    :ivar bearer_tokens: the tokens accepted as ``Authorization: Bearer <token>``.
    :ivar options: the ``SandboxOptions`` it was started with (scale, latency, faults).
    :ivar projects: project name -> project id, in the sandbox's order (4 real projects, the
        empty project, and with ``scale=N`` the synthetic project), read from the running
        app's catalogue; ids are stable (uuid5 of the names).
    :ivar measurement_counts: project name -> number of its measurements (e.g.
        ``"Severson 2019 fast-charging cycle life": 128``).
    :ivar server: the underlying ``SandboxServer`` (``.app.state`` holds the catalogue).
    """

    base_url: str
    api_key: str | None
    bearer_tokens: tuple[str, ...]
    options: SandboxOptions
    projects: Mapping[str, str]
    measurement_counts: Mapping[str, int]
    server: SandboxServer = field(repr=False)
    _workdir: tempfile.TemporaryDirectory[str] = field(repr=False)

    @property
    def headers(self) -> dict[str, str]:
        """Credential headers for a raw HTTP client: ``{"X-API-Key": api_key}``, or a bearer
        token when key auth is off. Never logged or shown in ``repr``."""
        if self.api_key is not None:
            return {"X-API-Key": self.api_key}
        if self.bearer_tokens:
            return {"Authorization": f"Bearer {self.bearer_tokens[0]}"}
        return {}

    @property
    def project_names(self) -> list[str]:
        """Project names in the sandbox's order."""
        return list(self.projects)

    def project_id(self, name: str) -> str:
        """The id of the project called ``name``.

        :raises KeyError: no such project; the message lists the sandbox's project names.
        """
        try:
            return self.projects[name]
        except KeyError:
            known = ", ".join(repr(n) for n in self.projects)
            raise KeyError(f"no sandbox project named {name!r}; projects: {known}") from None

    @property
    def app(self) -> Any:
        """The sandbox's FastAPI app; ``app.state`` holds ``catalogue``, ``options`` and
        ``request_counter``."""
        return self.server.app

    @property
    def request_count(self) -> int:
        """Requests the sandbox has answered so far (faults count them the same way:
        ``/openapi.json``, ``/docs`` and ``/redoc`` are not counted)."""
        return int(self.server.app.state.request_counter.count)

    def toolkit(self, **kwargs: Any) -> Toolkit:
        """A new ``Toolkit`` bound to this sandbox; the caller closes it (``with`` or
        ``.close()``).

        Defaults, each overridable by ``kwargs``: ``api_url=base_url``, ``api_key`` (or the
        first bearer token as ``api_token`` when key auth is off), ``environ={}`` (the
        developer's ``IONWORKS_*`` variables are not read), ``working_dir``: an empty
        directory (no ``.env`` or ``ionworks-toolkit.toml`` is picked up), installed plugins
        loaded (``load_entry_points=True``).
        """
        from ionworks_toolkit import Toolkit

        return Toolkit(**self._toolkit_options(kwargs))

    def async_toolkit(self, **kwargs: Any) -> AsyncToolkit:
        """A new ``AsyncToolkit`` bound to this sandbox, with the defaults of :meth:`toolkit`;
        the caller closes it (``async with`` or ``await .aclose()``)."""
        from ionworks_toolkit import AsyncToolkit

        return AsyncToolkit(**self._toolkit_options(kwargs))

    def _toolkit_options(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {
            "api_url": self.base_url,
            "environ": {},
            "working_dir": self._workdir.name,
        }
        if self.api_key is not None:
            options["api_key"] = self.api_key
        elif self.bearer_tokens:
            options["api_token"] = self.bearer_tokens[0]
        options.update(kwargs)
        return options

    def stop(self) -> None:
        """Stop the server and remove its working directory (idempotent)."""
        self.server.stop()
        self._workdir.cleanup()

    def __enter__(self) -> IonworksSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<IonworksSandbox {self.base_url} projects={len(self.projects)}>"


def start_sandbox(options: SandboxOptions | None = None, **kwargs: Any) -> IonworksSandbox:
    """Start a sandbox on 127.0.0.1 and a free port with ``options`` (or
    ``SandboxOptions(**kwargs)``); returns once it accepts requests. Stop it with ``.stop()``.

    :raises SandboxDependencyError: FastAPI or uvicorn (the ``sandbox`` extra) is not
        installed; the message says what to install.
    :raises TypeError: an unknown option name (``SandboxOptions`` lists the known ones).
    :raises ValueError: a bad option value (e.g. ``scale=0``).
    """
    from ..sandbox import SandboxOptions, run_in_thread

    if options is not None and kwargs:
        raise TypeError("give either a SandboxOptions or keyword options, not both")
    opts = options if options is not None else SandboxOptions(**kwargs)
    server = run_in_thread(opts, host="127.0.0.1")
    catalogue = server.app.state.catalogue
    return IonworksSandbox(
        base_url=server.base_url,
        api_key=opts.api_key,
        bearer_tokens=tuple(opts.bearer_tokens),
        options=opts,
        projects=MappingProxyType({p.name: p.id for p in catalogue.projects}),
        measurement_counts=MappingProxyType(
            {p.name: len(p.measurements) for p in catalogue.projects}
        ),
        server=server,
        _workdir=tempfile.TemporaryDirectory(prefix="ionworks-sandbox-"),
    )
