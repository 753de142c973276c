"""The plugin host of one session: built-ins, entry points, explicit plugins, disabling, listing,
and one typed method per hook, each calling the hook through pluggy's hook caller.

There is no global plugin manager: each session builds its own ``PluginHost``, so two copies
of the toolkit in one process (ours installed, a partner's vendored) never share state.

Order: built-ins first (``ionworks-auth``, ``ionworks-presets``, ``ionworks-sinks``), then entry
points of the group ``ionworks_toolkit`` (sorted by name), then plugins passed explicitly.
pluggy calls later registrations first, so a third-party plugin wins where a hook takes the
first result; ``tryfirst``/``trylast``, ``wrapper=True`` and ``hookwrapper=True`` work as pluggy
documents, on every hook.

- A plugin that fails to import, or whose hook raises while registering, is switched off and
  listed as ``failed`` with its error; the others keep working.
- The same entry-point name from the same distribution found twice (on ``sys.path`` twice) is
  loaded once; from two *different* distributions it is a conflict: the first found (``sys.path``
  order) is loaded, the other is listed as ``conflict`` naming both, and a warning is given.
  An explicit plugin whose name is taken by another object is a conflict too.
- A preset name or sink scheme registered by two owners is switched off (that one name only)
  with a warning naming both; using it is a RegistrationConflictError saying why. The config
  file may override a built-in preset (``presets list`` says so). A built-in sink's scheme
  (``jsonl``, ``csv``, ``sqlite``...) is never taken by another plugin: its registration is
  refused with one warning, the plugin's other sinks kept, and ``plugins list`` names it in
  the plugin's note (FINDINGS7 G26: a plugin registering ``jsonl`` switched off the CLI's
  default output when piped).
- Names in ``disabled`` (``IONWORKS_TOOLKIT_DISABLE_PLUGINS``, ``--disable-plugin``) are blocked
  before loading.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
import os
import re
import sys
import threading
import types
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
    Sequence,
)
from importlib import metadata
from typing import TYPE_CHECKING, Any

import attrs
import httpx
import pluggy

from . import hookspecs
from .auth import BuiltinAuthPlugin, IonworksAuth
from .errors import (
    ArgumentTypeError,
    IonworksError,
    ParameterError,
    PluginError,
    RegistrationConflictError,
    switch_off_advice,
    toolkit_warning,
)
from .hookspecs import PROJECT_NAME, hookimpl
from .presets import BuiltinPresetsPlugin, FilterPreset, PresetRegistry

if TYPE_CHECKING:
    from .settings import Settings

__all__ = ["ENTRY_POINT_GROUP", "MAX_AUTH_RESENDS", "PluginAuth", "PluginHost", "PluginInfo"]

ENTRY_POINT_GROUP = PROJECT_NAME
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-_]+\Z")
logger = logging.getLogger("ionworks_toolkit.plugins")
#: The statuses of a registered plugin whose hooks are called.
_RUNNING = ("loaded", "unknown hook")


#: Per thread: how many request/response/auth hooks are running now (``hook_running()``).
_IN_HOOK = threading.local()
#: The attribute a KeyboardInterrupt raised inside a request/response/auth hook gets: what
#: ran (``"plugin 'acme' ran ionworks_response"``), for the CLI's message.
INTERRUPTED_HOOK = "ionworks_interrupted_hook"


def hook_running() -> bool:
    """True while this thread runs a plugin's ``ionworks_request``, ``ionworks_response`` or
    ``ionworks_auth`` hook (the CLI's SIGINT handler, which runs in the main thread, raises
    KeyboardInterrupt into a hook that hangs instead of waiting for it to return)."""
    return getattr(_IN_HOOK, "hooks", 0) > 0


class BuiltinSinksPlugin:
    """Registers the built-in sinks: table, jsonl, csv, sqlite, parquet, postgresql, dataset."""

    @hookimpl
    def ionworks_register_sinks(self, register: Callable[[str, Any], None]) -> None:
        from .sinks import BUILTIN_SINKS

        for scheme, factory in BUILTIN_SINKS.items():
            register(scheme, factory)


#: The registered name of :class:`BuiltinSinksPlugin`, whose schemes no other plugin takes.
BUILTIN_SINKS_PLUGIN = "ionworks-sinks"

BUILTIN_PLUGINS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("ionworks-auth", BuiltinAuthPlugin),
    ("ionworks-presets", BuiltinPresetsPlugin),
    (BUILTIN_SINKS_PLUGIN, BuiltinSinksPlugin),
)


@attrs.frozen
class PluginInfo:
    """One plugin as ``plugins list`` shows it.

    ``distribution``/``version``: the installed distribution providing it (``builtin`` for ours,
    None for a plugin registered explicitly). ``hooks``: hook names it implements. ``status``:
    ``loaded``, ``disabled``, ``failed``, ``conflict`` or ``unknown hook`` (a hook name that is
    no hookspec's: loaded, but that hook is never called); ``error``: why, when not loaded.
    ``note``: e.g. which auth plugin wins over this one.
    """

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...] = ()
    status: str = "loaded"
    error: str | None = None
    note: str | None = None


class PluginHost:
    """A pluggy PluginManager for one session, plus what was found and what failed."""

    def __init__(
        self,
        *,
        disabled: Iterable[str] = (),
        load_entry_points: bool = True,
        plugins: Sequence[object] = (),
        secrets: Iterable[str] = (),
    ) -> None:
        # The session's credentials: a plugin's error text (an import error, a raising hook)
        # may quote them, and it is logged, warned and listed by `plugins list`.
        self._secrets = tuple(secret for secret in secrets if secret)
        self.manager = pluggy.PluginManager(PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self._disabled = tuple(dict.fromkeys(disabled))
        self._infos: list[PluginInfo] = []
        #: Per plugin, the built-in sink schemes it registered and was refused.
        self._refused_sinks: dict[str, list[str]] = {}
        #: plugin -> (its error, the sink schemes it registered or tried to) for a plugin
        #: switched off while registering its sinks (FINDINGS10 K6), see :meth:`register_sinks`.
        self.failed_sinks: dict[str, tuple[str, tuple[str, ...]]] = {}
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
        if load_entry_points:  # else an installed plugin's name is not known here
            self._warn_unknown_disabled()
        self._check_hook_names()  # a misspelt hook name is not silently ignored

    def _check_hook_names(self) -> None:
        """Warn about each hook implementation whose name is no hookspec's (``@hookimpl def
        ionworks_register_sink``: it would never be called), naming the plugin by its registered
        name and the closest hookspec name; ``plugins list`` shows the plugin as ``unknown
        hook`` with that message. What pluggy's ``check_pending`` checks, for every plugin."""
        relay = vars(self.manager.hook)
        specs = sorted(n for n, caller in relay.items() if n[0] != "_" and caller.has_spec())
        unknown: dict[str, list[str]] = {}
        for hook_name, caller in sorted(relay.items()):
            if hook_name[0] == "_" or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                if not impl.optionalhook:
                    unknown.setdefault(impl.plugin_name, []).append(hook_name)
        for plugin_name, hook_names in unknown.items():
            problems = []
            for hook_name in hook_names:
                close = difflib.get_close_matches(hook_name, specs, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.append(f"{hook_name!r}{hint}")
            message = (
                f"plugin {plugin_name}: unknown hook {', '.join(problems)}; it is never "
                f"called (hooks: {', '.join(specs)})"
            )
            toolkit_warning(message)
            self._infos = [
                attrs.evolve(info, status="unknown hook", error=message)
                if info.name == plugin_name and info.status == "loaded"
                else info
                for info in self._infos
            ]

    def _warn_unknown_disabled(self) -> None:
        """A name to switch off (``--disable-plugin``, ``IONWORKS_TOOLKIT_DISABLE_PLUGINS``)
        that is no plugin's name is a likely typo: warn, naming the plugins there are."""
        known = list(dict.fromkeys(info.name for info in self._infos))
        for name in self._disabled:
            if name in known:
                continue
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            message = (
                f"cannot switch off plugin {name!r}: there is no plugin of that name{hint}; "
                f"plugins: {', '.join(known)}"
            )
            toolkit_warning(message)

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
        if isinstance(plugin, str | bytes | os.PathLike):
            raise ArgumentTypeError(
                f"plugins: a plugin is an object with ionworks_* hook implementations (a module, "
                f"class or instance); got {type(plugin).__name__} {plugin!r} (import the module "
                f"and pass it, or install it as an entry point)",
                source="argument",
                parameter="plugins",
                choices=(),
            )
        if isinstance(plugin, type):
            plugin = plugin()
        name = name or self._plugin_name(plugin)
        if self.manager.is_blocked(name):
            self._infos.append(PluginInfo(name, None, None, status="disabled"))
            return name
        if self.manager.is_registered(plugin):
            return name
        taken = self.manager.get_plugin(name)
        if taken is not None:
            if type(taken) is type(plugin):  # the same plugin again: keep one
                return name
            self._conflict(
                PluginInfo(name, None, None),
                f"plugin name {name!r} is already taken by {_describe(taken)}; "
                f"{_describe(plugin)} was not registered (give it another name)",
            )
            return name
        try:
            self.manager.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginError(f"plugin {name} does not follow the plugin contract: {exc}") from exc
        hooks = self._hooks_of(name)
        if not hooks:  # Toolkit(plugins=[object()]): nothing of it is ever called
            message = (
                f"plugin {name}: {_describe(plugin)} has no hook implementation (methods or "
                f"functions marked @ionworks_toolkit.hookimpl, named ionworks_*); it is never "
                f"called"
            )
            toolkit_warning(message)
        self._infos.append(PluginInfo(name, None, None, hooks))
        return name

    def _load_entry_points(self) -> None:
        for name, providers in installed_entry_points(ENTRY_POINT_GROUP):
            (entry_point, dist_name, version), *others = providers
            if self.manager.is_blocked(name):
                self._infos.append(PluginInfo(name, dist_name, version, status="disabled"))
                continue
            try:
                plugin = entry_point.load()
                if isinstance(plugin, type):
                    plugin = plugin()
                self.manager.register(plugin, name=name)
            except _STOPS:
                raise
            except BaseException as exc:  # a broken plugin must not break the others
                error = self._redact(_failure(exc))
                toolkit_warning(f"plugin {name} failed to load: {error}")
                self._infos.append(
                    PluginInfo(name, dist_name, version, status="failed", error=error)
                )
                continue
            self._infos.append(PluginInfo(name, dist_name, version, self._hooks_of(name)))
            for _, other_name, other_version in others:
                self._conflict(
                    PluginInfo(name, other_name, other_version),
                    f"plugin name {name!r} is provided by two distributions: "
                    f"{dist_name} {version} (loaded, first on sys.path) and "
                    f"{other_name} {other_version} (not loaded); uninstall one",
                )

    def _conflict(self, info: PluginInfo, error: str) -> None:
        toolkit_warning(error)
        self._infos.append(attrs.evolve(info, status="conflict", error=error))

    @property
    def hook(self) -> Any:
        return self.manager.hook

    def list_plugins(self) -> list[PluginInfo]:
        """Every plugin seen: loaded, disabled, failed or in conflict, in load order. The
        ``ionworks_auth`` implementers carry a note saying which one is asked first."""
        order = self._auth_order()
        notes: dict[str, str] = {}
        if len(order) > 1:
            notes[order[0]] = "ionworks_auth: asked first (wins)"
            for name in order[1:]:
                notes[name] = f"ionworks_auth: asked only when {order[0]} returns None"
        for name, schemes in self._refused_sinks.items():
            refused = f"{_sink_names(schemes)} not registered: built-in names win"
            notes[name] = f"{notes[name]}; {refused}" if name in notes else refused
        return [
            attrs.evolve(info, note=notes[info.name])
            if info.name in notes and info.status in _RUNNING
            else info
            for info in self._infos
        ]

    def _auth_order(self) -> list[str]:
        """Plugins implementing ``ionworks_auth``, in the order pluggy asks them."""
        impls = self.manager.hook.ionworks_auth.get_hookimpls()
        return [i.plugin_name for i in reversed(impls) if not (i.wrapper or i.hookwrapper)]

    # ------------------------------------------------------------------ calling hooks

    def _impl_codes(self, hook_name: str) -> dict[types.CodeType, list[str]]:
        codes: dict[types.CodeType, list[str]] = {}
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            code = getattr(impl.function, "__code__", None)
            if code is not None:
                codes.setdefault(code, []).append(impl.plugin_name)
        return codes

    def _plugin_of_frame(
        self, frame: types.FrameType, codes: dict[types.CodeType, list[str]]
    ) -> str | None:
        names = codes.get(frame.f_code)
        if not names:
            return None
        if len(names) > 1:  # one class, several instances: the frame's ``self`` tells
            owner = self.manager.get_name(frame.f_locals.get("self"))
            if owner in names:
                return owner
        return names[0]

    def _culprit(self, hook_name: str, exc: BaseException) -> str:
        """The plugin whose hook implementation raised ``exc`` (deepest frame of the
        traceback inside one), else the names of every implementer."""
        codes = self._impl_codes(hook_name)
        culprit = None
        tb = exc.__traceback__
        while tb is not None:
            culprit = self._plugin_of_frame(tb.tb_frame, codes) or culprit
            tb = tb.tb_next
        if culprit is not None:
            return culprit
        return self._implementers(hook_name)

    def _implementers(self, hook_name: str) -> str:
        """Every plugin implementing ``hook_name``, joined by " or " (``"acme or beta"``)."""
        names = [i.plugin_name for i in getattr(self.manager.hook, hook_name).get_hookimpls()]
        return " or ".join(dict.fromkeys(names))

    def _caller(self, hook_name: str) -> str:
        """The plugin whose hook implementation is on the current call stack (a ``register``
        callback asks who called it)."""
        codes = self._impl_codes(hook_name)
        frame: types.FrameType | None = sys._getframe(1)
        while frame is not None:
            owner = self._plugin_of_frame(frame, codes)
            if owner is not None:
                return owner
            frame = frame.f_back
        return "an unknown plugin"

    def _call_registration(self, hook_name: str, register: Callable[..., None]) -> None:
        """Call a registration hook through pluggy. A plugin whose hook raises is switched off
        and _Retry raised: the caller starts again without it (dropping what it registered)."""
        try:
            getattr(self.manager.hook, hook_name)(register=register)
        except _STOPS:
            raise
        except BaseException as exc:  # a broken plugin must not break the others
            culprit = self._culprit(hook_name, exc)
            if self.manager.get_plugin(culprit) is None:
                raise
            message = (
                str(exc) if isinstance(exc, PluginError) else f"{hook_name} raised {_failure(exc)}"
            )
            raise _Retry(culprit, self._fail(culprit, message)) from exc

    def register_presets(self, registry: PresetRegistry) -> None:
        """Fill ``registry`` from every plugin's ``ionworks_register_presets`` hook.

        A name registered twice is switched off with a warning (see module docstring); a
        plugin whose hook raises is switched off and the others' presets kept.
        """
        named: dict[str, list[str]] = {}  # plugin -> the preset names it registered

        def register(preset: FilterPreset) -> None:
            caller = self._caller("ionworks_register_presets")
            name = preset.get("name") if isinstance(preset, Mapping) else getattr(preset, "name", 0)
            if isinstance(name, str):
                named.setdefault(caller, []).append(name)
            registry.register(preset, f"plugin {caller}")

        while True:
            registry.forget_plugins()
            named.clear()
            try:
                self._call_registration("ionworks_register_presets", register)
            except _Retry as retry:
                # Its presets are dropped: asked for by name, they are "not available"
                # naming the plugin, not "unknown" (FINDINGS9 J4); a FilterPreset it could
                # not build (a field of the wrong type) is known by the error's source.
                names = named.get(retry.plugin, [])
                cause = retry.__cause__
                if isinstance(cause, ParameterError) and cause.source.startswith("preset "):
                    names.append(cause.source.removeprefix("preset "))
                registry.plugin_failed(retry.plugin, retry.error, names)
                continue
            return

    def register_sinks(self) -> dict[str, tuple[Callable[[str, dict[str, str]], Any], str]]:
        """``{scheme: (factory, owner)}`` from every plugin's ``ionworks_register_sinks`` hook.

        A scheme registered twice is switched off with a warning naming both (using it raises
        RegistrationConflictError); a bad scheme or factory switches its plugin off. Another
        plugin's registration of a built-in scheme is refused with one warning (the module
        docstring), while the built-in sinks plugin is registered.

        A plugin switched off while registering its sinks is kept in :attr:`failed_sinks`
        with its error and the schemes it registered or tried to (``register("junk", None)``):
        such a scheme is then "not available" naming the plugin, not "unknown" (FINDINGS10
        K6, as presets: FINDINGS9 J4).
        """
        named: dict[str, list[str]] = {}  # plugin -> the schemes it registered or tried to
        while True:
            named.clear()
            try:
                sinks, clashes = self._sinks_once(named)
            except _Retry as retry:
                tried = tuple(dict.fromkeys(named.get(retry.plugin, [])))
                self.failed_sinks[retry.plugin] = (retry.error, tried)
                continue
            for name, schemes in self._refused_sinks.items():
                one = len(set(schemes)) == 1
                toolkit_warning(
                    f"plugin {name} registered {_sink_names(schemes)} under "
                    f"{'a built-in sink name' if one else 'built-in sink names'}: not "
                    f"registered (built-in names win); give {'it' if one else 'them'} another "
                    "name"
                )
            for scheme, owners in clashes.items():
                message = (
                    f"sink scheme {scheme!r} is registered twice: by {' and by '.join(owners)}; "
                    f"it is switched off (disable one of them with {switch_off_advice('NAME')})"
                )
                toolkit_warning(message)
                sinks[scheme] = (_conflicting_sink(message), "conflict: " + ", ".join(owners))
            return sinks

    def _sinks_once(
        self, named: dict[str, list[str]]
    ) -> tuple[dict[str, tuple[Callable[[str, dict[str, str]], Any], str]], dict[str, list[str]]]:
        from .sinks import BUILTIN_SINKS

        sinks: dict[str, tuple[Callable[[str, dict[str, str]], Any], str]] = {}
        clashes: dict[str, list[str]] = {}
        self._refused_sinks = {}
        builtin = self.manager.get_plugin(BUILTIN_SINKS_PLUGIN) is not None

        def register(scheme: str, factory: Any) -> None:
            caller = self._caller("ionworks_register_sinks")
            owner = f"plugin {caller}"
            if isinstance(scheme, str):  # even one refused below: named if the plugin fails
                named.setdefault(caller, []).append(scheme.lower())
            if not isinstance(scheme, str) or not _SCHEME.match(scheme):
                raise PluginError(
                    f"{owner} registered sink scheme {scheme!r}: a scheme is 2 or more "
                    "lower-case letters, digits, '+', '.', '-' or '_', starting with a letter"
                )
            if not callable(factory):
                raise PluginError(f"{owner} registered sink {scheme!r} with a non-callable")
            if builtin and scheme in BUILTIN_SINKS and caller != BUILTIN_SINKS_PLUGIN:
                self._refused_sinks.setdefault(caller, []).append(scheme)
                return
            if scheme in clashes:
                clashes[scheme].append(owner)
            elif scheme in sinks:
                clashes[scheme] = [sinks.pop(scheme)[1], owner]
            else:
                sinks[scheme] = (factory, owner)

        self._call_registration("ionworks_register_sinks", register)
        return sinks, clashes

    # The names before the typed methods, kept for code written against them.
    def collect_presets(self, registry: PresetRegistry) -> None:
        """Same as ``register_presets``."""
        self.register_presets(registry)

    def collect_sinks(self) -> dict[str, tuple[Callable[[str, dict[str, str]], Any], str]]:
        """Same as ``register_sinks``."""
        return self.register_sinks()

    def _redact(self, text: str) -> str:
        """``text`` with the session's credentials replaced by ``***``."""
        from .auth import redact_secrets

        return redact_secrets(text, self._secrets)

    def _fail(self, name: str, error: str) -> str:
        """Unregister a plugin whose hook broke, and report it like an import failure;
        returns ``error`` as reported (redacted of the session's credentials)."""
        plugin = self.manager.get_plugin(name)
        if plugin is not None:
            self.manager.unregister(plugin)
        error = self._redact(error)
        toolkit_warning(f"plugin {name} failed and was switched off: {error}")
        self._infos = [
            attrs.evolve(info, hooks=(), status="failed", error=error)
            if info.name == name and info.status in _RUNNING
            else info
            for info in self._infos
        ]
        return error

    def _observe(self, hook_name: str, **kwargs: Any) -> None:
        self._call_hook(hook_name, **kwargs)

    def _call_hook(self, hook_name: str, **kwargs: Any) -> Any:
        """``hook_name``'s result (pluggy's call), the call marked as a running hook
        (:func:`hook_running`: the CLI's Ctrl-C raises KeyboardInterrupt into a hook that
        hangs, which then names the plugin, :data:`INTERRUPTED_HOOK`). PluginError naming the
        plugin when a hook raises. A hook no plugin implements is called unmarked: no plugin
        code runs, and a Ctrl-C or SIGTERM landing in that call named ``plugin ''`` as the
        one running (the flaky-test audit of round eleven)."""
        caller = getattr(self.manager.hook, hook_name)
        if not caller.get_hookimpls():
            return caller(**kwargs)
        _IN_HOOK.hooks = getattr(_IN_HOOK, "hooks", 0) + 1
        try:
            return caller(**kwargs)
        except KeyboardInterrupt as exc:  # Ctrl-C while a hook ran (one that hangs): name it
            if not hasattr(exc, INTERRUPTED_HOOK):
                setattr(
                    exc,
                    INTERRUPTED_HOOK,
                    f"plugin {self._culprit(hook_name, exc)!r} ran {hook_name}",
                )
            raise
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # SystemExit(0) too: a failure, never a silent exit
            raise self._hook_error(hook_name, exc) from self._cause(exc)
        finally:
            _IN_HOOK.hooks -= 1

    def _hook_error(self, hook_name: str, exc: BaseException) -> PluginError:
        """The PluginError for a hook that raised: names the plugin and the hook, with the
        exception's text redacted of the session's credentials (a hook may quote a header).
        A hook that raises SystemExit (``sys.exit()``, which would end the program with exit
        code 0 and nothing written) or another BaseException that is no Ctrl-C or
        cancellation fails the same way, saying that a hook may not end the program."""
        culprit = self._culprit(hook_name, exc)
        advice = f"switch it off with {switch_off_advice(culprit)}"
        if not isinstance(exc, Exception):
            return PluginError(
                f"plugin {culprit}'s {hook_name} hook raised {self._redact(_raised(exc))} "
                f"({_NO_EXIT}; {advice})"
            )
        return PluginError(
            f"plugin {culprit}'s {hook_name} hook raised {type(exc).__name__}: "
            f"{self._redact(str(exc))} ({advice})"
        )

    def _cause(self, exc: BaseException) -> BaseException | None:
        """``exc`` to chain as the cause, or None when its text quotes a credential: a chained
        exception is printed with the traceback (``-v``) and reachable as ``__cause__``."""
        return exc if self._redact(str(exc)) == str(exc) else None

    def request(self, request: httpx.Request) -> None:
        """Call ``ionworks_request(request)`` on every plugin (through pluggy).

        Raises PluginError naming the plugin whose hook raised, or the plugins whose hook
        changed the request's origin (scheme, host or port) or its ``Host`` header (behind a
        shared reverse proxy or API gateway the ``Host`` header picks the backend: another
        origin by another road; a change of letter case alone is none): the request carries
        the session's credentials, which never go to another origin (as with a redirect, see
        ``auth.strip_foreign_credentials``). The request is not sent then.
        """
        origin = _origin(request.url)
        host = _host_headers(request)
        self._observe("ionworks_request", request=request)
        moved = _origin(request.url)
        if moved != origin:
            culprit = self._implementers("ionworks_request")
            raise PluginError(
                f"plugin {culprit}'s ionworks_request hook sent the request to "
                f"{_origin_text(moved)} instead of {_origin_text(origin)}: refused, because "
                "the request carries the session's credentials, which are never sent to "
                f"another origin (switch it off with {switch_off_advice(culprit)})"
            )
        if _host_headers(request) != host:
            culprit = self._implementers("ionworks_request")
            changed = request.headers.get_list("host")
            shown = ", ".join(repr(value[:100]) for value in changed) or "nothing (removed)"
            raise PluginError(
                f"plugin {culprit}'s ionworks_request hook changed the Host header of a "
                f"request to {_origin_text(origin)} from {', '.join(map(repr, host))} to "
                f"{shown}: refused, because a proxy or gateway may route it to another server "
                "by that header and the request carries the session's credentials, which are "
                f"never sent to another origin (switch it off with {switch_off_advice(culprit)})"
            )

    @property
    def observes_responses(self) -> bool:
        """True when a plugin implements ``ionworks_response`` (the sessions then read each
        response's body before calling it, so the hook gets it read from both toolkits)."""
        return bool(self.manager.hook.ionworks_response.get_hookimpls())

    def response(self, response: httpx.Response) -> None:
        """Call ``ionworks_response(response)`` on every plugin (through pluggy).

        Raises PluginError naming the plugin whose hook raised.
        """
        self._observe("ionworks_response", response=response)

    def call_observers(self, hook_name: str, **kwargs: Any) -> None:
        """``request``/``response`` by hook name (kept for code written against it)."""
        self._observe(hook_name, **kwargs)

    def auth(self, settings: Settings) -> httpx.Auth | None:
        """The ``ionworks_auth`` result: pluggy's firstresult call (the latest registered plugin
        first; wrappers and tryfirst/trylast as pluggy documents). None: no plugin gives auth.

        Raises PluginError naming the plugin when a hook raises or returns something that is
        not an ``httpx.Auth``.
        """
        result = self._call_hook("ionworks_auth", settings=settings)  # Ctrl-C stops a hang
        if result is not None and not isinstance(result, httpx.Auth):
            owner = self._auth_owner(settings)
            raise PluginError(
                f"plugin {owner}'s ionworks_auth hook returned {type(result).__name__}, "
                f"not httpx.Auth (switch it off with {switch_off_advice(owner)})"
            )
        if result is None or type(result) is IonworksAuth:  # the built-in's: ours
            return result
        return PluginAuth(result, self, lambda: self._auth_maker(result, settings))

    def _auth_maker(self, auth: httpx.Auth, settings: Settings) -> str:
        """The plugin whose ``ionworks_auth`` hook gave ``auth``: the one implementer whose
        hook is defined in the module that defines ``auth``'s class, else the one
        implementer that is not built in, else (several) the first that answers when asked
        again (:meth:`_auth_owner`). Asked only to name a plugin in an error."""
        impls = [
            impl
            for impl in self.manager.hook.ionworks_auth.get_hookimpls()
            if not (impl.wrapper or impl.hookwrapper)
        ]
        module = type(auth).__module__
        same = {i.plugin_name for i in impls if getattr(i.function, "__module__", "") == module}
        if len(same) == 1:
            return same.pop()
        others = {i.plugin_name for i in impls if i.plugin_name != "ionworks-auth"}
        if len(others) == 1:
            return others.pop()
        return self._auth_owner(settings)

    def _auth_owner(self, settings: Settings) -> str:
        """The first plugin, in call order, whose hook answers (asked again only to name a
        plugin that broke the contract)."""
        impls = {i.plugin_name: i for i in self.manager.hook.ionworks_auth.get_hookimpls()}
        for name in self._auth_order():
            try:
                if impls[name].function(settings=settings) is not None:
                    return name
            except _STOPS:
                raise
            except BaseException:  # asked again only to name it: its failure is not news
                continue
        return " or ".join(self._auth_order())


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of ``url``, the default port filled in (80, 443)."""
    return url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme)


def _host_headers(request: httpx.Request) -> list[str]:
    """The request's ``Host`` header values, lower case (a host name's case means nothing)."""
    return [value.lower() for value in request.headers.get_list("host")]


def _origin_text(origin: tuple[str, str, int | None]) -> str:
    """``"https://api.example.com:443"``: an origin, never credentials, path or query."""
    scheme, host, port = origin
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}"


#: How many times a plugin's auth flow may re-send one request (a token refresh re-sends it
#: once, digest and NTLM-like handshakes once or twice) before :class:`PluginAuth` stops it
#: as a loop; below httpx's redirect limit (``transport.MAX_REDIRECTS``), which counts the
#: re-sends too and would end such a loop as ``TooManyRedirects``.
MAX_AUTH_RESENDS = 3

_ENDED = object()  # a step of an auth flow that returned (StopIteration)


class PluginAuth(httpx.Auth):
    """A plugin's ``httpx.Auth`` (the ``ionworks_auth`` result) as the session runs it: the
    plugin's flow, with what goes wrong inside it made a PluginError naming the plugin, as
    a raising hook is (FINDINGS8 H13; the flow is the plugin's code, run on every request):

    - the flow raises (a token refresh whose identity provider is down): ``plugin acme's
      auth flow raised RuntimeError: ... (switch it off with --disable-plugin acme)``; a
      toolkit error it raises (an IonworksError) is passed on as it is;
    - it yields something that is not an ``httpx.Request`` (``None``), or ends before
      yielding the request;
    - it keeps re-sending the request: more than :data:`MAX_AUTH_RESENDS` times for one
      request is ``plugin acme's auth flow re-sent the request 3 times (GET /projects,
      answered 200 each time) and asked to send it again ...``, not httpx's
      ``TooManyRedirects``.

    While the flow's own code runs (synchronous steps), :func:`hook_running` is true, so
    that the CLI's Ctrl-C stops a flow that hangs at once, naming the plugin (an
    ``async_auth_flow`` the plugin wrote itself is stopped as any awaited work is).
    ``maker()`` names the plugin; it is called only when naming it.
    """

    def __init__(self, auth: httpx.Auth, host: PluginHost, maker: Callable[[], str]) -> None:
        self.auth = auth
        self._host = host
        self._maker = maker

    def __repr__(self) -> str:
        return f"PluginAuth({self.auth!r})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        auth = self.auth
        own = type(auth).sync_auth_flow is not httpx.Auth.sync_auth_flow
        # httpx's default sync flow steps the plugin's auth_flow: stepped here, the same way
        # (bodies read as the Auth asks), so that a flow that returns at once is named.
        if not own and auth.requires_request_body:
            request.read()
        flow = self._run(auth.sync_auth_flow if own else auth.auth_flow, request)
        read = not own and auth.requires_response_body
        try:
            outgoing = self._run(next, flow)
            answers: list[int] = []
            while True:
                response = yield self._checked(outgoing, request, answers)
                answers.append(response.status_code)
                if read:
                    response.read()
                outgoing = self._run(flow.send, response)
                if outgoing is _ENDED:
                    return
        finally:
            self._close(flow)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        auth = self.auth
        if type(auth).async_auth_flow is not httpx.Auth.async_auth_flow:
            async for outgoing in self._own_async_flow(request):  # the plugin's own
                yield outgoing
            return
        # httpx's default async flow steps the plugin's auth_flow: stepped here, the same
        # way, so that its code runs as a marked hook (Ctrl-C stops a hang).
        if auth.requires_request_body:
            await request.aread()
        flow = self._run(auth.auth_flow, request)
        try:
            outgoing = self._run(next, flow)
            answers: list[int] = []
            while True:
                response = yield self._checked(outgoing, request, answers)
                answers.append(response.status_code)
                if auth.requires_response_body:
                    await response.aread()
                outgoing = self._run(flow.send, response)
                if outgoing is _ENDED:
                    return
        finally:
            self._close(flow)

    async def _own_async_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        flow = self._run(self.auth.async_auth_flow, request)
        try:
            outgoing = await self._arun(flow.__anext__())
            answers: list[int] = []
            while True:
                response = yield self._checked(outgoing, request, answers)
                answers.append(response.status_code)
                outgoing = await self._arun(flow.asend(response))
                if outgoing is _ENDED:
                    return
        finally:
            with contextlib.suppress(Exception):
                await flow.aclose()

    def _run(self, step: Callable[..., Any], *args: Any) -> Any:
        """``step(*args)``: a step of the plugin's flow, run as a marked hook; its end
        (StopIteration) is :data:`_ENDED`, what it raises a PluginError (:meth:`_failed`)."""
        _IN_HOOK.hooks = getattr(_IN_HOOK, "hooks", 0) + 1
        try:
            return step(*args)
        except StopIteration:
            return _ENDED
        except BaseException as exc:
            raise self._failed(exc) from self._cause(exc)
        finally:
            _IN_HOOK.hooks -= 1

    async def _arun(self, step: Awaitable[Any]) -> Any:
        try:
            return await step
        except StopAsyncIteration:
            return _ENDED
        except BaseException as exc:
            raise self._failed(exc) from self._cause(exc)

    def _failed(self, exc: BaseException) -> BaseException:
        """What to raise for ``exc`` from the plugin's flow: a Ctrl-C or SIGTERM
        (KeyboardInterrupt, named as a hook's is), a cancellation and a toolkit error as
        they are; anything else (SystemExit too) a PluginError naming the plugin."""
        if isinstance(exc, KeyboardInterrupt):
            if not hasattr(exc, INTERRUPTED_HOOK):
                setattr(exc, INTERRUPTED_HOOK, f"plugin {self._maker()!r} ran its auth flow")
            return exc
        if isinstance(exc, IonworksError | asyncio.CancelledError | GeneratorExit):
            return exc
        text = self._host._redact(str(exc))
        raised = f"raised {type(exc).__name__}" + (f": {text}" if text else "")
        return self._error(raised if isinstance(exc, Exception) else f"{raised}; {_NO_EXIT}")

    def _cause(self, exc: BaseException) -> BaseException | None:
        if isinstance(exc, KeyboardInterrupt | IonworksError | asyncio.CancelledError):
            return exc.__cause__  # raised as it is: its own cause kept
        return exc if self._host._redact(str(exc)) == str(exc) else None

    def _checked(
        self, outgoing: Any, request: httpx.Request, answers: Sequence[int]
    ) -> httpx.Request:
        """``outgoing``, the request the flow yielded, once it is one and the flow has not
        re-sent the request more than :data:`MAX_AUTH_RESENDS` times (``answers``: the
        statuses it got so far)."""
        if outgoing is _ENDED:
            raise self._error(f"ended without yielding the request ({_named(request)})")
        if not isinstance(outgoing, httpx.Request):
            shown = "None" if outgoing is None else type(outgoing).__name__
            raise self._error(f"yielded {shown}, not an httpx.Request ({_named(request)})")
        if len(answers) > MAX_AUTH_RESENDS:
            got = (
                f"answered {answers[0]} each time"
                if len(set(answers)) == 1
                else f"answered {', '.join(map(str, answers))}"
            )
            raise self._error(
                f"re-sent the request {len(answers) - 1} times ({_named(request)}, {got}) "
                "and asked to send it again: stopped, since a flow that re-sends on every "
                "answer never ends (a token refresh re-sends a request once, after a 401)"
            )
        return outgoing

    def _error(self, what: str) -> PluginError:
        maker = self._maker()
        return PluginError(
            f"plugin {maker}'s auth flow {what} (switch it off with {switch_off_advice(maker)})"
        )

    @staticmethod
    def _close(flow: Any) -> None:
        """Close the plugin's flow (its ``finally`` runs); what that raises is dropped: the
        request's own outcome is what the caller gets."""
        if hasattr(flow, "close"):
            with contextlib.suppress(Exception):
                flow.close()


def _named(request: httpx.Request) -> str:
    """``GET /projects``: a request named by method and path, never its query or headers."""
    return f"{request.method} {request.url.path}"


#: What a plugin's code raises that stops the run as it is: a Ctrl-C or SIGTERM
#: (KeyboardInterrupt) and the cancellation of the asyncio task. Any other BaseException
#: (``sys.exit()``'s SystemExit, GeneratorExit, a BaseException subclass) raised by a hook,
#: while a plugin is imported or by its auth flow is that plugin's failure, as an Exception is
#: (FINDINGS9 J2: ``sys.exit(0)`` in an ``ionworks_request`` hook ended the command line with
#: exit code 0, silently, nothing written), never a silent exit.
_STOPS: tuple[type[BaseException], ...] = (KeyboardInterrupt, asyncio.CancelledError)

#: Why a plugin's SystemExit is a failure, in its error message.
_NO_EXIT = "a plugin's code may not end the program; it fails by raising an Exception"


def _raised(exc: BaseException) -> str:
    """``"RuntimeError: boom"``, ``"SystemExit: 0"``: what a plugin's code raised; a
    BaseException that is no Exception with an empty text is named alone (``"SystemExit"``)."""
    text = str(exc)
    return (
        f"{type(exc).__name__}: {text}"
        if text or isinstance(exc, Exception)
        else type(exc).__name__
    )


def _failure(exc: BaseException) -> str:
    """:func:`_raised`, followed for a BaseException that is no Exception (SystemExit) by why
    it is a failure all the same: ``"SystemExit: 0 (a plugin's code may not end the program;
    it fails by raising an Exception)"``."""
    return _raised(exc) if isinstance(exc, Exception) else f"{_raised(exc)} ({_NO_EXIT})"


class _Retry(Exception):
    """A registration hook call to repeat: the broken plugin ``plugin`` was switched off,
    for ``error`` (as reported)."""

    def __init__(self, plugin: str, error: str) -> None:
        super().__init__(plugin, error)
        self.plugin = plugin
        self.error = error


def _describe(plugin: object) -> str:
    kind = type(plugin)
    return f"{kind.__module__}.{kind.__name__}"


#: One entry point with the name and version of the distribution providing it (None, None
#: when it has none).
Provider = tuple[metadata.EntryPoint, str | None, str | None]

#: Per entry-point group: the state of the search path the group was read in
#: (``_search_path_state``) and what ``installed_entry_points`` returned then.
_INSTALLED: dict[str, tuple[tuple[object, ...], tuple[tuple[str, tuple[Provider, ...]], ...]]] = {}


def installed_entry_points(group: str) -> tuple[tuple[str, tuple[Provider, ...]], ...]:
    """The installed entry points of ``group`` (``importlib.metadata.entry_points``), by name
    (sorted): per name its providers, the distribution first on ``sys.path`` first; the same
    distribution found twice (on ``sys.path`` twice) is listed once.

    Read once per process and search-path state: ``entry_points()`` opens every installed
    distribution's ``entry_points.txt`` (a few ms of CPU per session for a hundred
    distributions, the bulk of ``Toolkit()``'s own cost), while a process making several
    sessions (a notebook, a test suite, a server) seldom installs anything in between. The
    answer is read again when anything that decides it changed (``_search_path_state``): a
    distribution installed, upgraded or removed in a ``sys.path`` folder (the folder's
    modification time), ``sys.path`` itself, the working folder, ``sys.meta_path``'s finders,
    or ``importlib.metadata.entry_points`` replaced. Not seen until then: an
    ``entry_points.txt`` edited in place inside a distribution folder that stays (a legacy
    ``setup.py develop`` checkout re-running ``egg_info``). Loading the plugins stays per
    session (``PluginHost``): a plugin that fails to import fails in every session.
    """
    state = _search_path_state()
    cached = _INSTALLED.get(group)
    if cached is not None and cached[0] == state:
        return cached[1]
    found: dict[str, list[Provider]] = {}
    for entry_point in metadata.entry_points(group=group):
        same = found.setdefault(entry_point.name, [])
        provider = (entry_point, _dist_name(entry_point), _dist_version(entry_point))
        if not any(other[1] == provider[1] for other in same):
            same.append(provider)  # the same distribution twice on sys.path: once
    result = tuple((name, tuple(found[name])) for name in sorted(found))
    _INSTALLED[group] = (state, result)
    return result


def _search_path_state() -> tuple[object, ...]:
    """What decides which distributions ``importlib.metadata`` finds, for
    ``installed_entry_points``: the lookup function, the finders, the working folder (``''``
    and relative ``sys.path`` entries) and each ``sys.path`` entry with its modification time,
    which installing or removing a distribution there changes (``importlib.metadata`` keys its
    own cache of a folder's listing on that time too)."""
    entries: list[tuple[object, int | None]] = []
    for entry in sys.path:
        try:
            stamp: int | None = os.stat(entry or ".").st_mtime_ns
        except (OSError, TypeError, ValueError):  # missing, or not a path
            stamp = None
        entries.append((entry, stamp))
    try:
        cwd: str | None = os.getcwd()
    except OSError:  # the working folder was removed
        cwd = None
    return (metadata.entry_points, tuple(map(id, sys.meta_path)), cwd, tuple(entries))


def _dist_name(entry_point: metadata.EntryPoint) -> str | None:
    dist = entry_point.dist
    return dist.metadata["Name"] if dist is not None else None


def _dist_version(entry_point: metadata.EntryPoint) -> str | None:
    dist = entry_point.dist
    return dist.version if dist is not None else None


def _sink_names(schemes: Sequence[str]) -> str:
    """``sink 'jsonl'``, ``sinks 'csv', 'jsonl'``: schemes named in a message."""
    shown = ", ".join(repr(scheme) for scheme in dict.fromkeys(schemes))
    return f"sink{'s' if len(set(schemes)) > 1 else ''} {shown}"


def _conflicting_sink(message: str) -> Callable[[str, dict[str, str]], Any]:
    def refuse(target: str, options: dict[str, str]) -> Any:
        raise RegistrationConflictError(message)

    refuse.__doc__ = "Switched off: " + message
    return refuse
