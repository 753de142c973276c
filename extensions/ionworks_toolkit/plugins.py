"""The plugin manager of one session: built-ins, entry points, explicit plugins, disabling, listing.

There is no global plugin manager: each ``Toolkit`` builds its own ``PluginHost``, so two copies
of the toolkit in one process (ours installed, a partner's vendored) never share state.

Order: built-ins first (``ionworks-auth``, ``ionworks-presets``, ``ionworks-sinks``), then entry
points of the group ``ionworks_toolkit`` (sorted by name; the same name found twice, e.g. a
distribution on ``sys.path`` twice, is loaded once), then plugins passed explicitly. A plugin
that fails to import is recorded with its error and reported by ``list_plugins()``; the others
keep working. Names in ``disabled`` (``IONWORKS_TOOLKIT_DISABLE_PLUGINS``, ``--disable-plugin``)
are blocked before loading.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from typing import Any

import attrs
import pluggy

from . import hookspecs
from .auth import BuiltinAuthPlugin
from .errors import PluginError, RegistrationConflictError
from .hookspecs import PROJECT_NAME, hookimpl
from .presets import BuiltinPresetsPlugin, FilterPreset, PresetRegistry

__all__ = ["ENTRY_POINT_GROUP", "PluginHost", "PluginInfo"]

ENTRY_POINT_GROUP = PROJECT_NAME
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-_]+$")
logger = logging.getLogger("ionworks_toolkit.plugins")


class BuiltinSinksPlugin:
    """Registers the built-in sinks: table, jsonl, csv, sqlite, parquet, postgresql, dataset."""

    @hookimpl
    def ionworks_register_sinks(self, register: Callable[[str, Any], None]) -> None:
        from .sinks import BUILTIN_SINKS

        for scheme, factory in BUILTIN_SINKS.items():
            register(scheme, factory)


BUILTIN_PLUGINS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("ionworks-auth", BuiltinAuthPlugin),
    ("ionworks-presets", BuiltinPresetsPlugin),
    ("ionworks-sinks", BuiltinSinksPlugin),
)


@attrs.frozen
class PluginInfo:
    """One plugin as ``plugins list`` shows it.

    ``distribution``/``version``: the installed distribution providing it (``builtin`` for ours,
    None for a plugin registered explicitly). ``hooks``: hook names it implements. ``status``:
    ``loaded``, ``disabled`` or ``failed``; ``error``: the import error text when failed.
    """

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...] = ()
    status: str = "loaded"
    error: str | None = None


class PluginHost:
    """A pluggy PluginManager for one session, plus what was found and what failed."""

    def __init__(
        self,
        *,
        disabled: Iterable[str] = (),
        load_entry_points: bool = True,
        plugins: Sequence[object] = (),
    ) -> None:
        self.manager = pluggy.PluginManager(PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self._disabled = tuple(dict.fromkeys(disabled))
        self._infos: list[PluginInfo] = []
        for name in self._disabled:
            self.manager.set_blocked(name)
        for name, factory in BUILTIN_PLUGINS:
            if self.manager.is_blocked(name):
                self._infos.append(PluginInfo(name, "builtin", None, status="disabled"))
                continue
            self.manager.register(factory(), name=name)
            self._infos.append(PluginInfo(name, "builtin", None, self._hooks_of(name)))
        if load_entry_points:
            self._load_entry_points()
        for plugin in plugins:
            self.register(plugin)
        try:
            self.manager.check_pending()  # a misspelt hook name is not silently ignored
        except pluggy.PluginValidationError as exc:
            logger.warning("%s", exc)
            warnings.warn(str(exc), stacklevel=2)

    @staticmethod
    def _plugin_name(plugin: object) -> str:
        return str(
            getattr(plugin, "name", None)
            or getattr(plugin, "__name__", None)
            or type(plugin).__name__
        )

    def _hooks_of(self, name: str) -> tuple[str, ...]:
        plugin = self.manager.get_plugin(name)
        if plugin is None:
            return ()
        callers = self.manager.get_hookcallers(plugin) or []
        return tuple(sorted(caller.name for caller in callers))

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object (module, class instance or class) explicitly; returns its name.

        Works without any installed distribution, e.g. for a vendored toolkit.
        """
        if isinstance(plugin, type):
            plugin = plugin()
        name = name or self._plugin_name(plugin)
        if self.manager.is_blocked(name):
            self._infos.append(PluginInfo(name, None, None, status="disabled"))
            return name
        if self.manager.get_plugin(name) is not None or self.manager.is_registered(plugin):
            return name
        try:
            self.manager.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginError(f"plugin {name} does not follow the plugin contract: {exc}") from exc
        self._infos.append(PluginInfo(name, None, None, self._hooks_of(name)))
        return name

    def _load_entry_points(self) -> None:
        found: dict[str, metadata.EntryPoint] = {}
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            found.setdefault(entry_point.name, entry_point)  # same plugin twice: load once
        for name in sorted(found):
            entry_point = found[name]
            dist = entry_point.dist
            dist_name = dist.metadata["Name"] if dist is not None else None
            version = dist.version if dist is not None else None
            if self.manager.is_blocked(name):
                self._infos.append(PluginInfo(name, dist_name, version, status="disabled"))
                continue
            try:
                plugin = entry_point.load()
                if isinstance(plugin, type):
                    plugin = plugin()
                self.manager.register(plugin, name=name)
            except Exception as exc:  # a broken plugin must not break the others
                error = f"{type(exc).__name__}: {exc}"
                logger.warning("plugin %s failed to load: %s", name, error)
                warnings.warn(f"plugin {name} failed to load: {error}", stacklevel=2)
                self._infos.append(
                    PluginInfo(name, dist_name, version, status="failed", error=error)
                )
                continue
            self._infos.append(PluginInfo(name, dist_name, version, self._hooks_of(name)))

    @property
    def hook(self) -> Any:
        return self.manager.hook

    def list_plugins(self) -> list[PluginInfo]:
        """Every plugin seen: loaded, disabled or failed, in load order."""
        return list(self._infos)

    def collect_presets(self, registry: PresetRegistry) -> None:
        """Ask every plugin for its presets; a duplicate name raises PluginError naming both."""
        for impl in self.manager.hook.ionworks_register_presets.get_hookimpls():
            owner = f"plugin {impl.plugin_name}"

            def register(preset: FilterPreset, _owner: str = owner) -> None:
                registry.register(preset, _owner)

            try:
                impl.function(register=register)
            except RegistrationConflictError:
                raise  # the contract: a clash names both plugins and stops
            except PluginError as exc:
                self._fail(impl.plugin_name, str(exc))
                registry.remove_owner(owner)
            except Exception as exc:  # a broken plugin must not break the others
                self._fail(
                    impl.plugin_name,
                    f"ionworks_register_presets raised {type(exc).__name__}: {exc}",
                )
                registry.remove_owner(owner)

    def collect_sinks(self) -> dict[str, tuple[Callable[[str, dict[str, str]], Any], str]]:
        """``{scheme: (factory, owner)}`` from every plugin; a scheme twice raises PluginError."""
        sinks: dict[str, tuple[Callable[[str, dict[str, str]], Any], str]] = {}
        for impl in self.manager.hook.ionworks_register_sinks.get_hookimpls():
            owner = f"plugin {impl.plugin_name}"

            def register(scheme: str, factory: Any, _owner: str = owner) -> None:
                if not isinstance(scheme, str) or not _SCHEME.match(scheme):
                    raise PluginError(
                        f"{_owner} registered sink scheme {scheme!r}: a scheme is 2 or more "
                        "lower-case letters, digits, '+', '.', '-' or '_', starting with a letter"
                    )
                if not callable(factory):
                    raise PluginError(f"{_owner} registered sink {scheme!r} with a non-callable")
                if scheme in sinks:
                    raise RegistrationConflictError(
                        f"sink scheme {scheme!r} is registered twice: by {sinks[scheme][1]} "
                        f"and by {_owner}"
                    )
                sinks[scheme] = (factory, _owner)

            try:
                impl.function(register=register)
            except RegistrationConflictError:
                raise
            except PluginError as exc:
                self._fail(impl.plugin_name, str(exc))
                for scheme in [k for k, (_, o) in sinks.items() if o == owner]:
                    del sinks[scheme]
            except Exception as exc:
                self._fail(
                    impl.plugin_name, f"ionworks_register_sinks raised {type(exc).__name__}: {exc}"
                )
                for scheme in [k for k, (_, o) in sinks.items() if o == owner]:
                    del sinks[scheme]
        return sinks

    def _fail(self, name: str, error: str) -> None:
        """Unregister a plugin whose hook broke, and report it like an import failure."""
        plugin = self.manager.get_plugin(name)
        if plugin is not None:
            self.manager.unregister(plugin)
        logger.warning("plugin %s failed and was switched off: %s", name, error)
        self._infos = [
            attrs.evolve(info, hooks=(), status="failed", error=error)
            if info.name == name
            else info
            for info in self._infos
        ]

    def call_observers(self, hook_name: str, **kwargs: Any) -> None:
        """Call every ``ionworks_request``/``ionworks_response`` hook; name the one that raises.

        Raises PluginError naming the plugin (the request is not sent on a request hook error).
        """
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            try:
                impl.function(**kwargs)
            except Exception as exc:
                raise PluginError(
                    f"plugin {impl.plugin_name}'s {hook_name} hook raised "
                    f"{type(exc).__name__}: {exc} (switch it off with --disable-plugin "
                    f"{impl.plugin_name})"
                ) from exc

    def first_auth(self, settings: Any) -> Any:
        """The first non-None ``ionworks_auth`` result, in pluggy's call order (latest first)."""
        for impl in reversed(self.manager.hook.ionworks_auth.get_hookimpls()):
            try:
                result = impl.function(settings=settings)
            except Exception as exc:
                raise PluginError(
                    f"plugin {impl.plugin_name}'s ionworks_auth hook raised "
                    f"{type(exc).__name__}: {exc} (switch it off with --disable-plugin "
                    f"{impl.plugin_name})"
                ) from exc
            if result is not None:
                return result, impl.plugin_name
        return None, None
