"""Checks of the Python API's own arguments, run before any request.

Every public verb of ``Toolkit`` / ``AsyncToolkit`` checks its arguments here first, so that a
wrong type or value fails at once with a message naming the argument and what it accepts,
never as an ``AttributeError`` from deep inside, a silent no-op, or after records were
fetched. A wrong type raises :class:`~ionworks_toolkit.errors.ArgumentTypeError` (a
``ParameterError`` and a ``TypeError``); a value of the right type out of range raises
:class:`~ionworks_toolkit.errors.ParameterError`. Both carry ``source="argument"`` and
``parameter`` (the argument's name). Filter values are checked by ``parameters``.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .constants import MAX_PAGE_SIZE, MAX_RETRIES_LIMIT
from .errors import ArgumentTypeError, ParameterError, did_you_mean

__all__ = [
    "check_callable",
    "check_count",
    "check_flag",
    "check_keywords",
    "check_names",
    "check_project",
    "check_session_arguments",
    "check_sinks",
    "type_name",
]

_SINK_METHODS = ("write", "commit", "abort")


def type_name(value: object) -> str:
    """``"an int"``, ``"a str"``, ``"None"``: how a message names a value's type."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _wrong_type(argument: str, allowed: str, value: object, hint: str = "") -> ArgumentTypeError:
    return ArgumentTypeError(
        f"{argument} must be {allowed}; got {type_name(value)}: {_shown(value)}{hint}",
        source="argument",
        parameter=argument,
        choices=(),
    )


def check_project(project: object, *, several: bool = False) -> None:
    """``project``: a project name or id (``str``) or ``None`` (the default project); with
    ``several``, also a list or tuple of names or ids (``export``).

    :raises ArgumentTypeError: naming ``project`` (or ``project[i]``) and what it accepts.
    """
    one = "a project name or id (str)"
    if project is None or isinstance(project, str):
        return
    if several and isinstance(project, list | tuple):
        for index, item in enumerate(project):
            if not isinstance(item, str):
                raise _wrong_type(f"project[{index}]", one, item)
        return
    allowed = f"{one}, a list of them," if several else f"{one}"
    hint = ""
    if not several and isinstance(project, list | tuple):  # to_pandas([P, Q]) (FINDINGS7 R6)
        hint = " (one project here; export() takes a list of them)"
    raise _wrong_type("project", f"{allowed} or None (IONWORKS_PROJECT_ID)", project, hint)


def check_sinks(sinks: object) -> None:
    """``sinks``: a non-empty list (or tuple) of targets (``"m.csv"``, ``"sqlite:m.db"``,
    ``pathlib.Path("m.csv")``) or ``Sink`` objects (with ``write``, ``commit`` and ``abort``).

    :raises ArgumentTypeError: a str instead of a list, or an item of another kind.
    :raises ParameterError: an empty list; one Sink object given twice; a Sink that has
        already finished a run (its ``state`` is not ``"open"``: a Sink writes one output).
    """
    if isinstance(sinks, str):
        raise _wrong_type(
            "sinks", "a list of sink targets or Sink objects", sinks, f" (write [{sinks!r}])"
        )
    if not isinstance(sinks, Sequence):
        raise _wrong_type("sinks", "a list of sink targets or Sink objects", sinks)
    if not sinks:
        raise ParameterError(
            "sinks is empty: give at least one sink target, e.g. ['measurements.db'] or "
            "['jsonl:-'] (`ionworks-toolkit sinks list` shows them all)",
            source="argument",
            parameter="sinks",
            choices=(),
        )
    for index, sink in enumerate(sinks):
        if isinstance(sink, str) or _is_path(sink):
            continue
        if not all(callable(getattr(sink, name, None)) for name in _SINK_METHODS):
            raise _wrong_type(
                f"sinks[{index}]",
                "a sink target (str or path) or a Sink (write, commit, abort)",
                sink,
            )
        for earlier, other in enumerate(sinks[:index]):
            if other is sink:
                raise ParameterError(
                    f"sinks[{index}] is the same Sink object as sinks[{earlier}]: a Sink "
                    "writes one output; give each output its own",
                    source="argument",
                    parameter="sinks",
                    choices=(),
                )
        state = getattr(sink, "state", "open")
        if isinstance(state, str) and state != "open":
            raise ParameterError(
                f"sinks[{index}] has already been {state} by an earlier run: a Sink is used "
                "for one run; make a new one",
                source="argument",
                parameter="sinks",
                choices=(),
            )


def _is_path(value: object) -> bool:
    """A ``pathlib.Path`` (any ``os.PathLike`` naming a str path)."""
    return isinstance(value, os.PathLike) and isinstance(os.fspath(value), str)


def sink_targets(sinks: Sequence[Any]) -> list[Any]:
    """``sinks`` (checked by :func:`check_sinks`) with each ``os.PathLike`` as its path string:
    ``pathlib.Path("m.jsonl")`` is the target ``"m.jsonl"`` (sink inferred by suffix)."""
    return [os.fspath(sink) if _is_path(sink) else sink for sink in sinks]


def check_text(helper: str, text: object) -> None:
    """``text`` of a filter helper (``contains(text)``...): a str with some text in it
    (``contains("")`` would send ``ilike.%%``, matching every record: an empty variable, not
    a wish).

    :raises ArgumentTypeError: naming ``helper(text)``, for another type.
    :raises ParameterError: for an empty or blank text.
    """
    if not isinstance(text, str):
        raise _wrong_type(f"{helper}(text)", "a str", text)
    if not text.strip():
        raise ParameterError(
            f"{helper}({text!r}): the text is {'empty' if not text else 'blank'}; give the "
            f"text to look for, e.g. {helper}('LFP')",
            source="argument",
            parameter=f"{helper}(text)",
            choices=(),
        )


def check_strings(secret: Sequence[str] = (), **values: object) -> None:
    """Each of ``values`` (``api_url=...``): a str or None. The value of a name in ``secret``
    (``api_key``) is never shown, only its type.

    :raises ArgumentTypeError: naming the first argument of another type.
    """
    for argument, value in values.items():
        if value is None or isinstance(value, str):
            continue
        if argument in secret:
            raise ArgumentTypeError(
                f"{argument} must be a str or None; got {type_name(value)}",
                source="argument",
                parameter=argument,
                choices=(),
            )
        raise _wrong_type(argument, "a str or None", value)


def _is_path_or_str(value: object) -> bool:
    return isinstance(value, str) or _is_path(value)


def check_session_arguments(owner: str, transport: object, **values: Any) -> None:
    """The arguments of ``Toolkit()`` / ``AsyncToolkit()`` (``owner``) that are not text
    (``check_strings`` checks those), before anything is built (FINDINGS7 G26:
    ``Toolkit(transport=5)`` failed at the first request with a bare AssertionError,
    ``timeout="5"`` was taken as text, ``working_dir="/nonexistent"`` silently):

    - ``transport``: an ``httpx.BaseTransport`` (``Toolkit``) or ``httpx.AsyncBaseTransport``
      (``AsyncToolkit``), or None;
    - ``timeout``, ``retry_budget``: a number of seconds (int or float), or None;
    - ``max_retries``, ``page_size``: an int in 0..20 and 1..1000, or None (FINDINGS10 K4:
      out of range, a ParameterError as for a verb's ``prefetch``; from the environment or a
      config file, ``settings`` checks them: a ConfigurationError naming the source);
    - ``max_response_bytes``: an int (bytes) or a str (``"256MiB"``), or None;
    - ``verify``: True/False, a CA bundle path (str or path) or an ``ssl.SSLContext``, or None;
    - ``config_file``: a str or path, or None; ``working_dir`` the same, an existing folder;
    - ``plugins``, ``disable_plugins``: lists (of plugin objects; of plugin names);
    - ``environ``: a mapping of str to str, or None (its values are never shown: they
      may be credentials).

    :raises ArgumentTypeError: naming the first argument of another type and what it takes.
    :raises ParameterError: ``max_retries`` or ``page_size`` out of range; ``working_dir`` is
        not an existing folder.
    """
    import ssl

    import httpx

    wanted = httpx.AsyncBaseTransport if owner.startswith("Async") else httpx.BaseTransport
    if transport is not None and not isinstance(transport, wanted):
        kind = f"an httpx.{wanted.__name__}"
        raise _wrong_type("transport", f"{kind} (e.g. httpx.{_example(wanted)}) or None", transport)
    defaults = {
        "timeout": "IONWORKS_TOOLKIT_TIMEOUT, else 30",
        "retry_budget": "IONWORKS_TOOLKIT_RETRY_BUDGET, else 60",
    }
    for argument, default in defaults.items():
        value = values.get(argument)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _wrong_type(
                argument, f"a number of seconds (int or float), or None ({default})", value
            )
    counts = {
        "max_retries": (0, MAX_RETRIES_LIMIT, "IONWORKS_TOOLKIT_MAX_RETRIES, else 5"),
        "page_size": (1, MAX_PAGE_SIZE, f"IONWORKS_TOOLKIT_PAGE_SIZE, else {MAX_PAGE_SIZE}"),
    }
    for argument, (low, high, default) in counts.items():  # out of range: ParameterError
        check_count(values.get(argument), argument, minimum=low, maximum=high, none=default)
    size = values.get("max_response_bytes")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int | str)):
        raise _wrong_type(
            "max_response_bytes",
            "a number of bytes (int) or a size (str, e.g. '256MiB'), or None",
            size,
        )
    verify = values.get("verify")
    if verify is not None and not (
        isinstance(verify, bool | ssl.SSLContext) or _is_path_or_str(verify)
    ):
        raise _wrong_type(
            "verify",
            "True, False, a CA bundle path (str or path) or an ssl.SSLContext, or None",
            verify,
        )
    for argument in ("config_file", "working_dir"):
        value = values.get(argument)
        if value is not None and not _is_path_or_str(value):
            raise _wrong_type(argument, "a path (str or pathlib.Path) or None", value)
    folder = values.get("working_dir")
    if folder is not None and not os.path.isdir(folder):
        problem = "is not a folder" if os.path.exists(folder) else "does not exist"
        raise ParameterError(
            f"working_dir {os.fspath(folder)!r} {problem}: give the folder to read .env and "
            "ionworks-toolkit.toml from, or None (the current folder)",
            source="argument",
            parameter="working_dir",
            choices=(),
        )
    plugins = values.get("plugins")
    if plugins is not None and (
        isinstance(plugins, str | bytes) or not isinstance(plugins, Sequence)
    ):
        raise _wrong_type("plugins", "a list of plugin objects", plugins)
    disabled = values.get("disable_plugins")
    if disabled is not None:
        check_names(disabled, "disable_plugins", "plugin names")
    environ = values.get("environ")
    if environ is not None:
        _check_environ(environ)


def _check_environ(environ: object) -> None:
    """``environ``: a mapping of str to str, never shown (it holds the credentials,
    ``IONWORKS_API_KEY``): only types are named."""
    if not isinstance(environ, Mapping):
        raise ArgumentTypeError(
            "environ must be a mapping of variable names to values (str to str), or None; "
            f"got {type_name(environ)} (its contents are not shown: it may hold credentials)",
            source="argument",
            parameter="environ",
            choices=(),
        )
    for name, value in environ.items():
        if not isinstance(name, str) or not isinstance(value, str):
            shown = f"environ[{name!r}]" if isinstance(name, str) else "a name in environ"
            raise ArgumentTypeError(
                f"environ must map variable names to values, both str; {shown} is "
                f"{type_name(value if isinstance(name, str) else name)} (values are not "
                "shown: they may be credentials)",
                source="argument",
                parameter="environ",
                choices=(),
            )


def _example(kind: type) -> str:
    return "AsyncHTTPTransport()" if kind.__name__.startswith("Async") else "HTTPTransport()"


def check_names(names: object, argument: str = "presets", what: str = "preset names") -> None:
    """``argument`` (``presets``, ``disable_plugins``): a list (or tuple) of ``what``
    (preset names, plugin names).

    :raises ArgumentTypeError: a str instead of a list, or an item that is not a str.
    """
    if isinstance(names, str):
        raise _wrong_type(argument, f"a list of {what}", names, f" (write [{names!r}])")
    if not isinstance(names, Sequence):
        raise _wrong_type(argument, f"a list of {what}", names)
    for index, name in enumerate(names):
        if not isinstance(name, str):
            raise _wrong_type(f"{argument}[{index}]", f"a {what.removesuffix('s')} (str)", name)


def check_count(
    value: Any,
    argument: str,
    *,
    minimum: int,
    maximum: int | None = None,
    none: str | None = None,
    type_only: bool = False,
) -> None:
    """A whole-number argument (``max_records``, ``page_size``, ``prefetch``,
    ``concurrency``) in ``minimum..maximum``; ``none`` says what ``None`` means, when it is
    allowed (e.g. ``"every record"``).

    :raises ArgumentTypeError: not an int (a bool, a str, a float).
    :raises ParameterError: out of range, naming the range (not with ``type_only``: the
        caller checks the range itself, with its own message).
    """
    if value is None and none is not None:
        return
    bounds = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
    allowed = f"a whole number {bounds}" + (f", or None ({none})" if none else "")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(argument, allowed, value)
    if type_only:
        return
    if value < minimum or (maximum is not None and value > maximum):
        where = f"is outside {bounds}" if maximum is not None else f"must be >= {minimum}"
        raise ParameterError(
            f"{argument}={value} {where}" + (f" (or None: {none})" if none else ""),
            source="argument",
            parameter=argument,
            choices=(),
        )


def check_flag(value: object, argument: str) -> None:
    """A yes/no argument (``incremental``, ``load_entry_points``): ``True`` or ``False``
    only; ``"yes"``, ``"false"`` or ``1`` would otherwise be taken by their truth value.

    :raises ArgumentTypeError: naming the argument.
    """
    if not isinstance(value, bool):
        raise _wrong_type(argument, "True or False", value)


def check_callable(value: object, argument: str, takes: str) -> None:
    """A callback argument (``progress``): a callable or ``None``; ``takes`` says what it is
    called with (``"the WalkStats after each page"``).

    The toolkit calls it and never awaits what it returns (``AsyncToolkit`` too, on its
    event loop's thread): a coroutine function (``async def``, also as a ``functools.partial``
    or an object whose ``__call__`` is one) would never run, each call leaving only a
    "coroutine was never awaited" warning (FINDINGS9 J11), so it is refused.

    :raises ArgumentTypeError: naming the argument, before any request.
    """
    if value is not None and not callable(value):
        raise _wrong_type(argument, f"a callable taking {takes}, or None", value)
    if inspect.iscoroutinefunction(value) or inspect.iscoroutinefunction(
        getattr(value, "__call__", None)  # noqa: B004 (an object's own __call__)
    ):
        target = getattr(value, "func", value)  # a functools.partial: its function
        name = getattr(target, "__qualname__", None) or type(target).__qualname__
        raise ArgumentTypeError(
            f"{argument} must be a plain function taking {takes}, or None; got a coroutine "
            f"function {name} (async def): the toolkit calls {argument} and does not await it, "
            f"so it would never run; write it with def (from AsyncToolkit it is called on the "
            f"event loop's thread, where asyncio.get_running_loop().create_task(...) can start "
            f"async work)",
            source="argument",
            parameter=argument,
            choices=(),
        )


def check_keywords(owner: str, given: Iterable[str], accepted: Sequence[str]) -> None:
    """Keyword arguments of ``owner`` (``Toolkit()``) that it accepts, the closest named
    first: ``Toolkit() got an unexpected keyword argument 'api_ur'; did you mean api_url?
    (arguments: api_url, api_key, ...)``.

    :raises ArgumentTypeError: for the first unknown name (also a TypeError, as Python's own).
    """
    for name in given:
        if name not in accepted:
            raise ArgumentTypeError(
                f"{owner} got an unexpected keyword argument {name!r}; "
                + did_you_mean(name, accepted, label="arguments", most=len(accepted)),
                source="argument",
                parameter=name,
                choices=tuple(accepted),
            )
