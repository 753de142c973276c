"""The plugin contract (public): hook specifications of the ``ionworks_toolkit`` pluggy project.

Third-party plugins code against exactly these names (ARCHITECTURE.md section 4). Change them
only on purpose, with a version bump and a note. A plugin marks its hooks with ``hookimpl`` from the
package root, or builds its own marker with ``pluggy.HookimplMarker("ionworks_toolkit")`` so that
it also works with a vendored copy of the toolkit. Plugins are found through the entry-point
group ``ionworks_toolkit``, or registered explicitly with ``Toolkit(plugins=[...])``.

Built-ins are plugins too, registered first; every hook is called through pluggy's hook caller,
which calls the most recently registered implementation first (so a third-party plugin wins
where a hook takes the first result) and honours ``tryfirst``/``trylast``, ``wrapper=True`` and
``hookwrapper=True``.

.. versionadded:: 0.1.0 all five hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import httpx

    from .presets import FilterPreset
    from .settings import Settings
    from .sinks import Sink

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "ionworks_toolkit"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

SinkFactory = Callable[[str, dict[str, str]], "Sink"]


@hookspec(firstresult=True)
def ionworks_auth(settings: Settings) -> httpx.Auth | None:
    """Return an ``httpx.Auth`` for these settings, or ``None`` to pass to the next plugin.

    :param settings: the session's resolved :class:`~ionworks_toolkit.settings.Settings`
        (``api_key`` / ``api_token`` are ``Secret`` objects: call ``.reveal()``).
    :return: the auth flow for every request of the session. An auth flow may handle a 401 by
        refreshing its token and re-sending the request (``response = yield request``).
    """


@hookspec
def ionworks_register_presets(register: Callable[[FilterPreset], None]) -> None:
    """Call ``register(FilterPreset(...))`` once per preset this plugin offers.

    A name registered twice (by any two plugins, or by a plugin and the config file) is switched
    off with a warning naming both; the config file may override a built-in preset.
    """


@hookspec
def ionworks_register_sinks(register: Callable[[str, SinkFactory], None]) -> None:
    """Call ``register(scheme, factory)`` per output sink this plugin offers.

    ``factory(target: str, options: dict[str, str]) -> Sink`` receives the text after
    ``SCHEME:`` (query string removed) and the ``?key=value`` options. A scheme registered twice
    is switched off with a warning naming both plugins.
    """


@hookspec
def ionworks_request(request: httpx.Request) -> None:
    """Observe every outgoing ``httpx.Request`` after auth (the return value is ignored).

    The request carries credentials (headers, possibly the query): never log its headers,
    and log its URL through ``ionworks_toolkit.redact_url``. A hook may change the request
    (a header, the path) but not its origin (scheme, host, port): that raises PluginError and
    the request is not sent, since the credentials never go to another origin.
    """


@hookspec
def ionworks_response(response: httpx.Response) -> None:
    """Observe every ``httpx.Response``, redirects included, its body read (``response.content``
    and ``response.json()`` work, from ``Toolkit`` and ``AsyncToolkit`` alike; read under the
    session's size cap and deadline). The return value is ignored; raising stops the request
    with a PluginError naming the plugin."""
