"""Filter presets: named sets of filter parameters, built-in and from plugins or the config file.

A preset (``FilterPreset``, public plugin contract) is validated against its operation's
parameters when it is registered (see ``parameters``). Several presets compose left to right;
explicit filters win. Operators and their helpers live in ``filters``; parameter lookup and
validation in ``parameters``; both are re-exported here for code that imported them from this
module.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .arguments import type_name
from .errors import (
    ArgumentTypeError,
    ConfigurationError,
    ParameterError,
    PluginError,
    RegistrationConflictError,
    did_you_mean,
    switch_off_advice,
    toolkit_warning,
)
from .filters import (
    POSTGREST_OPERATORS,
    contains,
    equals,
    escape_like,
    ilike,
    like,
    not_equals,
    starts_with,
)
from .hookspecs import hookimpl
from .operations import coerce_to_operation
from .parameters import (
    PAGING_PARAMETERS,
    SEED_OPERATION,
    ParameterSpec,
    datetime_parameters,
    missing_required,
    normalise_value,
    operation_parameters,
    parse_relative_datetime,
    validate_parameters,
)

logger = logging.getLogger("ionworks_toolkit.presets")

#: Preset names the command at hand uses (the command line sets them, ``--preset NAME`` or
#: ``presets show NAME``, while it builds the toolkit): a config-file preset among them left
#: out as invalid gets no warning, since using it raises the same reason as the error
#: (FINDINGS11 L12); the warning still names the other invalid ones.
PRESETS_IN_USE: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "ionworks_presets_in_use", default=frozenset()
)


__all__ = [
    "BUILTIN_PRESETS",
    "DATETIME_PARAMETERS",  # noqa: F822 (module __getattr__: read from the spec on first use)
    "PAGING_PARAMETERS",
    "POSTGREST_OPERATORS",
    "PRESETS_IN_USE",
    "SEED_OPERATION",
    "BuiltinPresetsPlugin",
    "FilterPreset",
    "ParameterError",
    "ParameterSpec",
    "PresetRegistry",
    "coerce_to_operation",
    "contains",
    "equals",
    "escape_like",
    "ilike",
    "like",
    "normalise_value",
    "not_equals",
    "operation_parameters",
    "parse_relative_datetime",
    "starts_with",
    "validate_parameters",
]


def __getattr__(name: str) -> frozenset[str]:
    # DATETIME_PARAMETERS is read from the spec on first use (parameters.datetime_parameters).
    if name == "DATETIME_PARAMETERS":
        return datetime_parameters()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*\Z")


def _to_params(value: Mapping[str, object]) -> Mapping[str, object]:
    """A read-only copy of a mapping; anything else as it is, for the check that names it
    (``dict("name=x")`` would fail with Python's own words)."""
    return types.MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


def _got(value: object) -> str:
    """``"a str: 'name=x'"``, ``"None"``: a wrong value in a message (its repr cut at 60)."""
    if value is None:
        return "None"
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return f"{type_name(value)}: {shown}"


def _wrong_field(preset: object, field: str, allowed: str, value: object) -> ArgumentTypeError:
    """The error for a FilterPreset field of the wrong type: ``FilterPreset 'weird': params
    must be ...; got a str: 'name=x'``; ``source`` is ``preset NAME`` (so that a failed
    plugin's preset is known by name, see :meth:`PresetRegistry.plugin_failed`)."""
    return ArgumentTypeError(
        f"FilterPreset {preset!r}: {field} must be {allowed}; got {_got(value)}",
        source=f"preset {preset}",
        parameter=field,
        choices=(),
    )


@attrs.frozen
class FilterPreset:
    """A named, reusable set of filter parameters (public plugin contract).

    ``name``: lower-case, ``[a-z0-9_.-]``. ``description``: text. ``params``: a mapping
    ``{parameter: value}`` of ``operation``'s query parameter names (text) to values (default
    operation: the seed by-project list); values as the API takes them (raw operators
    allowed) or relative datetimes such as ``-30d``. ``operation``: an operation id (text).

    :raises ConfigurationError: a name that breaks the rule above.
    :raises ArgumentTypeError: a field of the wrong type, naming the preset, the field and
        the shape it takes (``FilterPreset 'weird': params must be a mapping of query
        parameter names to values, e.g. {'measurement_type': 'time_series'}; got a str:
        'name=x'``; FINDINGS9 J4: Python's ``dictionary update sequence element #0 ...``).
    """

    name: str = attrs.field()
    description: str = attrs.field()
    params: Mapping[str, object] = attrs.field(converter=_to_params)
    operation: str = attrs.field(default=SEED_OPERATION)

    @name.validator
    def _check_name(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str):
            raise ArgumentTypeError(
                f"FilterPreset name must be text (lower-case letters, digits, '-', '_' or "
                f"'.'); got {_got(value)}",
                source="preset",
                parameter="name",
                choices=(),
            )
        if not _PRESET_NAME.match(value):
            raise ConfigurationError(
                f"preset name {value!r} must be lower-case letters, digits, '-', '_' or '.'"
            )

    @description.validator
    def _check_description(self, _attribute: object, value: object) -> None:
        if not isinstance(value, str):
            raise _wrong_field(self.name, "description", "text", value)

    @params.validator
    def _check_params(self, _attribute: object, value: object) -> None:
        allowed = (
            "a mapping of query parameter names to values, e.g. {'measurement_type': 'time_series'}"
        )
        if not isinstance(value, Mapping):
            raise _wrong_field(self.name, "params", allowed, value)
        for key in value:
            if not isinstance(key, str):
                raise _wrong_field(
                    self.name, "each params name", "text (e.g. 'measurement_type')", key
                )

    @operation.validator
    def _check_operation(self, _attribute: object, value: object) -> None:
        if not isinstance(value, str):
            raise _wrong_field(
                self.name, "operation", f"an operation id, e.g. {SEED_OPERATION!r}", value
            )


#: The built-in presets. Each selects something in at least one sandbox project (counts in
#: the README's preset table, checked by tests/unit/test_builtin_presets.py).
BUILTIN_PRESETS = (
    FilterPreset(
        "cycling-oldest-first",
        "Time-series (cycling) measurements in test start order, oldest first.",
        {"measurement_type": "time_series", "order_by": "start_time", "order": "asc"},
    ),
    FilterPreset(
        "start-time-recorded",
        "Measurements whose test start time is recorded, oldest first.",
        {"start_time_gt": "1970-01-01T00:00:00Z", "order_by": "start_time", "order": "asc"},
    ),
    FilterPreset(
        "lfp-cathode",
        "Cells whose specification has an LFP (LiFePO4) cathode.",
        {"spec_cathode": contains("LFP")},
    ),
    FilterPreset(
        "graphite-anode",
        "Cells whose specification has a graphite anode.",
        {"spec_anode": contains("graphite")},
    ),
    FilterPreset(
        "cylindrical-18650",
        "Cells whose specification name says 18650 (the cylindrical 18 x 65 mm format).",
        {"spec_name": contains("18650")},
    ),
)


class BuiltinPresetsPlugin:
    """Registers the built-in presets (a plugin like any other).

    A built-in preset that the client's spec makes invalid (a regenerated client whose
    MeasurementType lost ``properties``, say) is left out alone, with one warning naming it;
    the other presets and every command keep working.
    """

    @hookimpl
    def ionworks_register_presets(self, register: Callable[[FilterPreset], None]) -> None:
        for preset in BUILTIN_PRESETS:
            try:
                register(preset)
            except ConfigurationError as exc:  # ParameterError, or its operation is gone
                logger.warning(
                    "built-in preset %s left out: it does not fit this client's API spec (%s)",
                    preset.name,
                    exc,
                )


BUILTIN_PRESETS_OWNER = "plugin ionworks-presets"


def _in_file(error: ConfigurationError, owner: str) -> ConfigurationError:
    """A fresh copy of ``error`` (same class and attributes), its message prefixed with
    ``owner: `` (``config file PATH: ``) when ``owner`` is given: raised anew on every use."""
    copy = type(error).__new__(type(error))
    copy.__dict__.update(error.__dict__)
    copy.args = (f"{owner}: {error}" if owner else str(error),)
    return copy


class PresetRegistry:
    """Presets by name, with the plugin (or config file) that registered each.

    A name registered by two owners is switched off (``get`` raises RegistrationConflictError
    naming both; ``report_conflicts`` warns), except that the config file may override a
    built-in preset (``owner`` then says so).
    """

    def __init__(self) -> None:
        self._presets: dict[str, tuple[FilterPreset, str]] = {}
        self._clashes: dict[str, list[str]] = {}
        self._overrides: dict[str, str] = {}
        #: Config-file presets left out as invalid: name -> the error ``get`` raises for it.
        self._broken: dict[str, ConfigurationError] = {}
        #: Plugins switched off while registering presets: name -> (why, the preset names
        #: it registered or tried to), see :meth:`plugin_failed`.
        self._failed: dict[str, tuple[str, tuple[str, ...]]] = {}

    def register(self, preset: FilterPreset, owner: str) -> None:
        """Add ``preset`` (validated against its operation; ParameterError when it is not).

        A preset built with another copy's ``FilterPreset`` (an installed plugin loaded into a
        vendored toolkit, or the reverse) is accepted when it has the same four fields.
        """
        if not isinstance(preset, FilterPreset):
            fields = ("name", "description", "params", "operation")
            if not all(hasattr(preset, field) for field in fields):
                raise PluginError(f"{owner} registered {preset!r}, which is not a FilterPreset")
            preset = FilterPreset(
                name=preset.name,
                description=preset.description,
                params=preset.params,
                operation=preset.operation,
            )
        validate_parameters(
            {k: v for k, v in preset.params.items()},
            operation=preset.operation,
            source=f"preset {preset.name}",
            now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        )
        name = preset.name
        if name in self._clashes:
            self._clashes[name].append(owner)
        elif name in self._presets:
            first = self._presets[name][1]
            if owner.startswith("config file") and first == BUILTIN_PRESETS_OWNER:
                self._presets[name] = (preset, owner)
                self._overrides[name] = first
            else:
                del self._presets[name]
                self._clashes[name] = [first, owner]
        else:
            self._presets[name] = (preset, owner)

    def _clash_message(self, name: str) -> str:
        owners = self._clashes[name]
        return (
            f"preset {name!r} is registered twice: by {' and by '.join(owners)}; it is "
            f"switched off (rename one, or disable a plugin with {switch_off_advice('NAME')})"
        )

    def report_conflicts(self) -> None:
        """A ToolkitWarning (:func:`~.errors.toolkit_warning`) per preset name switched off by
        a clash."""
        for name in self._clashes:
            toolkit_warning(self._clash_message(name))

    def conflicts(self) -> dict[str, tuple[str, ...]]:
        """Preset names switched off by a clash, with their owners."""
        return {name: tuple(owners) for name, owners in self._clashes.items()}

    def forget_plugins(self) -> None:
        """Forget every preset a plugin registered (the hook is about to be called again)."""
        self._presets = {
            n: (p, o) for n, (p, o) in self._presets.items() if not o.startswith("plugin ")
        }
        self._clashes.clear()
        self._overrides.clear()

    def register_from_config(self, presets: Mapping[str, Mapping[str, Any]], path: str) -> None:
        """Add ``[presets.NAME]`` tables (keys: parameters, plus ``description``/``operation``).

        An invalid one (not a table, a bad name, an unknown parameter or value) is left out:
        every command that does not use it runs, after one ToolkitWarning for the whole file
        naming each such preset and why; ``get`` (so ``--preset NAME``, ``presets=[NAME]``)
        raises the error it got, prefixed with ``config file PATH:`` (FINDINGS6 F11: one bad
        preset stopped every command, ``presets list`` included). Such a name hides a
        built-in preset of that name too: the file meant its own. A name in
        :data:`PRESETS_IN_USE` is not in the warning: the command uses it, and its error
        follows (FINDINGS11 L12: the same reason was printed twice).
        """
        owner = f"config file {path}"
        broken: list[str] = []
        for name, table in presets.items():
            try:
                if not isinstance(table, Mapping):
                    raise ConfigurationError(f"[presets.{name}] must be a table")
                params = {k: v for k, v in table.items() if k not in ("description", "operation")}
                self.register(
                    FilterPreset(
                        name=name,
                        description=str(table.get("description", "")),
                        params=params,
                        operation=str(table.get("operation", SEED_OPERATION)),
                    ),
                    owner=owner,
                )
            except ConfigurationError as exc:
                self._broken[name] = _in_file(exc, owner)
                if name not in PRESETS_IN_USE.get():  # its error follows (FINDINGS11 L12)
                    broken.append(f"{name!r} ({exc})")
        if broken:
            one = len(broken) == 1
            toolkit_warning(
                f"{owner}: {'preset' if one else 'presets'} left out as invalid (a command "
                f"that uses {'it' if one else 'one'} fails with this reason): " + "; ".join(broken)
            )

    def plugin_failed(self, plugin: str, error: str, names: Sequence[str]) -> None:
        """Plugin ``plugin`` was switched off while registering its presets, for ``error``
        (its presets are dropped), after registering or trying to register ``names``. Asked
        for one of ``names``, :meth:`get` says so (PluginError) instead of "unknown preset";
        asked for any other unknown name, it adds that the plugin failed (FINDINGS9 J4: a
        plugin's preset that failed to register was just "unknown")."""
        self._failed[plugin] = (error, tuple(dict.fromkeys(names)))

    def _failures_note(self) -> str:
        """``"; plugin P failed while registering its presets and was switched off, so its
        presets are missing (WHY)"`` per failed plugin; ``""`` for none."""
        return "".join(
            f"; plugin {plugin} failed while registering its presets and was switched off, "
            f"so its presets are missing ({error})"
            for plugin, (error, _) in self._failed.items()
        )

    def remove_owner(self, owner: str) -> None:
        """Forget every preset ``owner`` registered (its plugin broke while registering)."""
        for name in [n for n, (_, o) in self._presets.items() if o == owner]:
            del self._presets[name]

    def get(self, name: str, *, source: str = "presets") -> FilterPreset:
        """The preset called ``name``; ParameterError listing the closest names otherwise
        (and the plugins that failed while registering their presets),
        RegistrationConflictError when two owners registered it, PluginError when the plugin
        that registers it failed while registering its presets (:meth:`plugin_failed`).

        ``source`` names where the name came from in the error: the Python argument
        (``presets``, the default) or a CLI option (``--preset``).
        """
        if name in self._broken:
            raise _in_file(self._broken[name], "")
        if name in self._clashes:
            raise RegistrationConflictError(self._clash_message(name))
        if name not in self._presets:
            for plugin, (error, registers) in self._failed.items():
                if name in registers:
                    raise PluginError(
                        f"{source}: preset {name!r} is not available: plugin {plugin}, which "
                        f"registers it, failed and was switched off: {error}"
                    )
            names = sorted(self._presets)
            hint = (
                did_you_mean(name, names, label="choose one of", cutoff=0.5)
                if names
                else "no presets are registered"
            )
            raise ParameterError(
                f"{source}: unknown preset {name!r}; {hint}{self._failures_note()}",
                source=source,
                parameter=name,
                choices=names,
            )
        return self._presets[name][0]

    def owner(self, name: str) -> str:
        """Who registered ``name`` (``plugin NAME`` or ``config file PATH``), and what it
        overrides."""
        owner = self._presets[name][1]
        if name in self._overrides:
            owner += f" (overrides the built-in preset from {self._overrides[name]})"
        return owner

    def __iter__(self) -> typing.Iterator[FilterPreset]:
        return iter(preset for preset, _ in sorted(self._presets.values(), key=lambda p: p[0].name))

    def __len__(self) -> int:
        return len(self._presets)

    def resolve(
        self,
        names: Sequence[str],
        filters: Mapping[str, Any],
        *,
        operation: str = SEED_OPERATION,
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """Compose presets left to right, then explicit ``filters`` (which win); validate all.

        Returns wire-ready parameters (relative datetimes resolved at ``now``, default: now UTC).
        """
        merged: dict[str, Any] = {}
        for name in names:
            preset = self.get(name)
            if preset.operation != operation:
                raise ConfigurationError(
                    f"preset {name!r} is for {preset.operation}, not {operation}"
                )
            merged.update(
                validate_parameters(
                    dict(preset.params), operation=operation, source=f"preset {name}", now=now
                )
            )
        merged.update(validate_parameters(filters, operation=operation, source="filter", now=now))
        missing = missing_required(merged, operation)
        if missing:
            raise ParameterError(
                f"{operation} requires {', '.join(map(repr, missing))}: give "
                + ", ".join(f"{name}=VALUE" for name in missing)
                + " (a filter, or a preset that sets it)",
                source="filter",
                parameter=missing[0],
                choices=missing,
            )
        return merged
