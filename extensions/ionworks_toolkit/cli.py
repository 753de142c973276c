"""The ``ionworks-toolkit`` command line (click + rich), on the same code path as the Python API.

Exit codes (README.md's "Exit codes" table; ``EXIT_CODES_HELP`` in ``--help``):
  0  ok
  1  an unexpected error, shown with its traceback: a bug
  2  usage, validation or plugin error (bad option, filter, preset, sink target, settings;
     a plugin hook that raises or breaks the contract: switch it off with --disable-plugin)
  3  authentication or permission error (401, 403)
  4  not found (404, unknown project name; --all-projects: a listed project gone before
     its walk, named last, the other projects published)
  5  server, network or pagination error (5xx, 429 after retries, dropped connection, ...)
  6  output sink error (the message names each output's state: published, rolled back...)
  7  the walk ended, but records may be missing (``ExportResult.incomplete``: the server's
     total fell during it, records came again on later pages...): the outputs are published
     as for 0, and the summary's last line says why (``may be incomplete: ...``)
  130  interrupted (Ctrl-C; 143 for SIGTERM, 129 for SIGHUP)
  141  the reader of stdout closed the pipe (``| head``): quiet

Errors are one line on stderr (with the server's detail and request id); ``--verbose`` adds
the traceback and logs every request (credentials redacted).
"""

from __future__ import annotations

import contextlib
import errno
import inspect
import json
import logging
import math
import re
import sys
import warnings
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ._numbers import integer_text
from .auth import redact_secrets
from .constants import MAX_PAGE_SIZE
from .errors import (
    SWITCH_OFF_ADVICE,
    APIError,
    AuthenticationError,
    ConfigurationError,
    IonworksError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    PluginError,
    SinkError,
    ToolkitWarning,
    TransportError,
    did_you_mean,
)
from .export import ABANDONED_SINK, abort_sinks, sink_outcome
from .pagination import WalkStats
from .parameters import missing_required, wire_name
from .presets import (
    PAGING_PARAMETERS,
    PRESETS_IN_USE,
    SEED_OPERATION,
    ParameterSpec,
    contains,
    operation_parameters,
    validate_parameters,
)
from .sinks._table import printable

if TYPE_CHECKING:
    from .session import AsyncToolkit
    from .sinks import Sink

R = TypeVar("R")

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_SERVER = 5
EXIT_SINK = 6
#: The walk ended without an error but records may be missing from it (the library's
#: ``ExportResult.incomplete``, warned about): the outputs are published, as for 0.
EXIT_INCOMPLETE = 7
#: The reader of stdout closed the pipe (``| head``): 128 + SIGPIPE, the status a shell
#: reports for a Unix tool that the closed pipe stopped.
EXIT_PIPE = 141

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 a bug (a traceback: please report it); 2 usage, validation or "
    "plugin; 3 authentication; 4 not found; 5 server, network or pagination; 6 output sink; "
    "7 published, but records may be missing (run it again); 130 interrupted (143 SIGTERM, "
    "129 SIGHUP); 141 the reader of stdout left (| head)."
)

SANDBOX_PROJECT_HINT = "Severson 2019 fast-charging cycle life"


def exit_code_for(error: BaseException) -> int:
    """The documented exit code of an error (see module docstring)."""
    if isinstance(error, SinkError):
        return EXIT_SINK
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return EXIT_AUTH
    if isinstance(error, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(error, ConfigurationError | PluginError):
        return EXIT_USAGE
    if isinstance(error, APIError):
        return EXIT_USAGE if error.status == 422 else EXIT_SERVER
    if isinstance(error, TransportError | PaginationError):
        return EXIT_SERVER
    return EXIT_SERVER


class Context:
    """What the root command resolved: global options, and the lazily built AsyncToolkit."""

    def __init__(
        self,
        *,
        api_url: str | None,
        api_key: str | None,
        config: str | None,
        disabled: Sequence[str],
        sandbox: bool,
        verbose: bool,
        quiet: bool,
        proxy: str | None = None,
        verify: str | None = None,
    ) -> None:
        self.api_url = api_url
        self.api_key = api_key
        self.proxy = proxy
        self.verify = verify
        self.config = config
        self.disabled = tuple(disabled)
        self.sandbox = sandbox
        self.verbose = verbose
        self.quiet = quiet
        self._stack = contextlib.ExitStack()
        self._toolkit: AsyncToolkit | None = None
        #: The sinks of the running command, for a truthful message when it stops.
        self.sinks: list[tuple[str, Sink]] = []
        #: Set by the SIGTERM (or SIGHUP) handler: the run was terminated, not interrupted.
        self.terminated = False
        #: The message's first word and the exit code for that signal (Ctrl-C when unset).
        self.stop_word: tuple[str, int] = ("interrupted", 130)
        #: While ``run`` runs: what a signal does to it (see :func:`_interrupt_hooks`).
        self._stop: Callable[[int, Any], None] | None = None
        #: An error of a run that still published its outputs (``--all-projects`` with a
        #: project gone): ``(message, exit code)``, printed last by :func:`_handled`.
        self.late_error: tuple[str, int] | None = None
        #: Why records may be missing from a run that published its outputs
        #: (``ExportResult.incomplete``): it ends with :data:`EXIT_INCOMPLETE`.
        self.incomplete: str | None = None

    def toolkit(self) -> AsyncToolkit:
        """Build the AsyncToolkit once (starting the in-process sandbox first with
        ``--sandbox``). Building it sends nothing; ``run`` does the I/O."""
        if self._toolkit is None:
            from .session import AsyncToolkit

            api_url, api_key = self.api_url, self.api_key
            if self.sandbox:
                from .sandbox import SandboxDependencyError, SandboxOptions, run_in_thread

                try:
                    server = self._stack.enter_context(run_in_thread(SandboxOptions()))
                except SandboxDependencyError as exc:
                    raise ConfigurationError(f"--sandbox: {exc}") from exc
                api_url = server.base_url
                api_key = SandboxOptions().api_key
            self._toolkit = AsyncToolkit(
                api_url=api_url,
                api_key=api_key,
                config_file=self.config,
                disable_plugins=self.disabled,
                proxy=self.proxy,
                verify=self.verify,
            )
        return self._toolkit

    def secrets(self) -> list[str]:
        """The session's own credentials, to scrub from anything printed."""
        found = [self.api_key] if self.api_key else []
        settings = getattr(self._toolkit, "settings", None)
        for secret in (getattr(settings, "api_key", None), getattr(settings, "api_token", None)):
            if secret is not None:
                found.append(secret.reveal())
        return [value for value in found if value]

    def handle_sigterm(self) -> None:
        """SIGTERM cleans up exactly like Ctrl-C, then exits 143; so does SIGHUP (a closed
        terminal, a dropped ssh session), exit 129, unless it is ignored (``nohup``) or has
        a handler already. Main thread only; the previous handlers are restored when the
        command ends.

        SIGINT is raised so that asyncio's runner cancels the export as it does for Ctrl-C.
        When SIGINT has no Python handler (a shell starts ``cmd &`` with SIGINT ignored;
        raising it would do nothing), the SIGTERM handler stops the run itself as the SIGINT
        one would (:func:`_interrupt_hooks`: the task cancelled, KeyboardInterrupt only where
        nothing notices that, so that a stream's count stays exact); outside ``run``,
        KeyboardInterrupt is raised here, which is what Python's own SIGINT handler does."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return

        hangup = getattr(signal, "SIGHUP", None)  # POSIX only

        def on_sigterm(signum: int, frame: Any) -> None:
            self.terminated = True
            self.stop_word = ("hangup", 129) if signum == hangup else ("terminated", 143)
            if callable(signal.getsignal(signal.SIGINT)):
                signal.raise_signal(signal.SIGINT)
            elif self._stop is not None:
                self._stop(signum, frame)
            else:
                raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, on_sigterm)
        self._stack.callback(signal.signal, signal.SIGTERM, previous)
        if hangup is not None and signal.getsignal(hangup) == signal.SIG_DFL:
            previous = signal.signal(hangup, on_sigterm)
            self._stack.callback(signal.signal, hangup, previous)

    def run(self, work: Callable[[AsyncToolkit], Awaitable[R]]) -> R:
        """``work(toolkit)`` under ``asyncio.run``; the toolkit's httpx client is closed in
        the same event loop before it ends, whatever happens."""
        import asyncio

        toolkit = self.toolkit()
        stopped: list[bool] = []

        async def run_and_close() -> R:
            restore = _interrupt_hooks(self, stopped)
            try:
                return await work(toolkit)
            finally:
                try:
                    await toolkit.aclose()
                finally:
                    restore()

        try:
            return asyncio.run(run_and_close())
        except asyncio.CancelledError:
            if stopped:  # SIGTERM with SIGINT ignored cancelled the run, as Ctrl-C would
                raise KeyboardInterrupt from None
            raise

    def close(self) -> None:
        self._stack.close()


def _interrupt_hooks(ctx: Context, stopped: list[bool]) -> Callable[[], None]:
    """Inside ``asyncio.run``: what Ctrl-C (and SIGTERM, through it) does to the run. Where
    nothing would notice a cancelled asyncio task, KeyboardInterrupt is raised at once: while
    a plugin's request/response hook runs on the event loop, while a sink waits for a
    stream's reader or a lock (a FIFO without one, a full pipe:
    :func:`~.sinks._base.waiting_for_stream`), or while a sink that does not mark its waits
    writes or prepares (a plugin sink's ``_write`` that blocks:
    :func:`~.sinks._base.stops_at_once`). Elsewhere asyncio's handler cancels the task, which
    stops the run at its next await or stream wait, where a stream's count is exact.

    When SIGINT is ignored (a shell starts ``cmd &`` in a script so), asyncio installs no
    handler and SIGINT stays ignored; SIGTERM's handler then calls the same rule
    (``ctx._stop``), doing what asyncio's handler would (the first signal cancels the task
    and appends to ``stopped``, a second raises KeyboardInterrupt). Main thread only;
    returns the undo."""
    import asyncio
    import signal
    import threading

    from .plugins import hook_running
    from .sinks._base import stops_at_once

    runner = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def stop(signum: int, frame: Any) -> None:
        if hook_running() or stops_at_once():  # nothing there notices a cancelled task
            raise KeyboardInterrupt
        if callable(runner):
            runner(signum, frame)
        elif not stopped and task is not None and not task.done():
            stopped.append(True)
            task.cancel()
            loop.call_soon_threadsafe(lambda: None)  # wake a loop that waits in select()
        else:
            raise KeyboardInterrupt

    if callable(runner):
        signal.signal(signal.SIGINT, stop)
    ctx._stop = stop

    def restore() -> None:
        ctx._stop = None
        if callable(runner):
            signal.signal(signal.SIGINT, runner)

    return restore


def _fail(ctx: Context | None, error: BaseException) -> NoReturn:
    verbose = ctx.verbose if ctx is not None else False
    if verbose:
        import traceback

        with contextlib.suppress(OSError, ValueError, AttributeError):  # a closed stderr
            traceback.print_exception(error, file=sys.stderr)
    message = printable(redact_secrets(str(error), ctx.secrets() if ctx is not None else []))
    prefix = "error"
    if isinstance(error, SinkError):
        prefix = "sink error"
    outcome = (
        sink_outcome(ctx.sinks, name_rolled_back=isinstance(error, SinkError))
        if ctx is not None
        else ""
    )
    if outcome:
        message += f" ({printable(redact_secrets(outcome, ctx.secrets() if ctx else []))})"
    click.echo(f"{prefix}: {message}", err=True)
    raise SystemExit(exit_code_for(error))


@contextlib.contextmanager
def _handled(ctx: Context) -> Iterator[None]:
    try:
        yield
    except SinkError as error:
        if isinstance(error.__cause__, BrokenPipeError):
            _quiet_broken_pipe()
        _fail(ctx, error)
    except IonworksError as error:
        _fail(ctx, error)
    except KeyboardInterrupt as interrupt:
        from .plugins import INTERRUPTED_HOOK

        word, code = ctx.stop_word
        hook = getattr(interrupt, INTERRUPTED_HOOK, None)
        if hook is not None:  # a plugin hook was running (e.g. one that hangs): name it
            word += f" while {hook}"
        abandoned = getattr(interrupt, ABANDONED_SINK, None)
        if abandoned is not None:  # a second signal while publishing
            word += " while publishing"
        outcome = (
            sink_outcome(ctx.sinks, abandoned=abandoned or "")
            or "nothing was written (outputs rolled back)"
        )
        click.echo(f"{word}: {printable(redact_secrets(outcome, ctx.secrets()))}", err=True)
        raise SystemExit(code) from None
    except BrokenPipeError:
        _quiet_broken_pipe()
    if ctx.late_error is not None:  # the outputs were published (the summary says so)
        message, code = ctx.late_error
        click.echo(f"error: {printable(message)}", err=True)
        raise SystemExit(code)
    if any(getattr(sink, "reader_gone", False) for _, sink in ctx.sinks):
        # The other outputs were published (the summary says so); stdout's reader left early.
        raise SystemExit(EXIT_PIPE)
    if ctx.incomplete is not None:  # published; the summary's last line says why (not -q)
        raise SystemExit(EXIT_INCOMPLETE)


def _quiet_broken_pipe() -> NoReturn:
    """``... | head``: the reader of stdout left. Stop quietly (no message, no traceback)
    with :data:`EXIT_PIPE`, as Unix tools do; stdout now points at the null device so that
    the interpreter's last flush does not fail again."""
    import os

    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # fd 1 itself: sys.stdout may be closed already
        os.close(devnull)
    raise SystemExit(EXIT_PIPE) from None


def _vanished_message(vanished: Sequence[str], listed: int) -> str:
    """The ``--all-projects`` error for projects ``listed`` by GET /projects but gone (404)
    when their walk began, the others published, in number (FINDINGS10 K10: "the other 1
    were"): ``1 of the projects GET /projects listed was gone (404) when its walk began, so
    not exported: b; the other one was`` (``the other 2 were``; ``no other project was
    listed`` when every listed project was gone)."""
    one = len(vanished) == 1
    exported = listed - len(vanished)
    if exported == 0:
        others = "no other project was listed"
    elif exported == 1:
        others = "the other one was"
    else:
        others = f"the other {exported} were"
    return (
        f"{len(vanished)} of the projects GET /projects listed {'was' if one else 'were'} gone "
        f"(404) when {'its' if one else 'their'} walk began, so not exported: "
        f"{', '.join(vanished)}; {others}"
    )


class _Group(click.Group):
    """A command group whose unknown command gets the toolkit's wording (``No such command
    'get'. Choose one of: list``; ``Did you mean list?`` when one is close), as every other
    unknown name does, instead of click's bare ``No such command 'get'.``."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            hint = did_you_mean(name, self.list_commands(ctx), label="choose one of")
            # A sentence after click's full stop: capitalised (FINDINGS10 K10).
            ctx.fail(f"No such command {name!r}. {hint[:1].upper()}{hint[1:]}")
        return super().resolve_command(ctx, args)


class _RootGroup(_Group):
    """The root command: click's own output (``--help``, ``--version``, usage) to a stdout
    whose reader has gone ends as every command's does (quiet, :data:`EXIT_PIPE`), not with
    click's exit 1."""

    group_class = _Group

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            _quiet_broken_pipe()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            _quiet_broken_pipe()
        except click.NoSuchOption as error:
            raise self._global_option_hint(error) or error from None

    def _global_option_hint(self, error: click.NoSuchOption) -> click.UsageError | None:
        """``-q`` given after the command: say it is a global option and where it goes
        (``ionworks-toolkit -q measurements list ...``); None for any other option."""
        for param in self.params:
            if isinstance(param, click.Option) and error.option_name in param.opts:
                metavar = param.metavar or (param.name or "value").upper()
                value = "" if param.is_flag else f" {metavar}"
                path = error.ctx.command_path if error.ctx is not None else "COMMAND"
                root, _, command = path.partition(" ")
                return click.UsageError(
                    f"No such option {error.option_name!r} for {command!r}: it is a global "
                    f"option, given before the command: {root} {error.option_name}{value} "
                    f"{command} ...",
                    error.ctx,
                )
        return None


class _StderrLines(logging.Handler):
    """Each record as one plain line on the current stderr (looked up per line, so that a
    progress bar redirecting stderr prints it above the bar)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(printable(self.format(record)), err=True)
        except Exception:
            self.handleError(record)


_RETRY_LINES = _StderrLines(logging.INFO)
# Warnings have their own line (below): retry lines are the INFO records only.
_RETRY_LINES.addFilter(lambda record: record.levelno < logging.WARNING)


class _WarningLines(_StderrLines):
    """Each WARNING record of our loggers as one ``warning: ...`` line."""

    def format(self, record: logging.LogRecord) -> str:
        return f"warning: {record.getMessage()}"


_WARNING_LINES = _WarningLines(logging.WARNING)
_VERBOSE_LINES = _StderrLines(logging.DEBUG)
_VERBOSE_LINES.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))


def _show_retries(quiet: bool) -> Callable[[], None]:
    """Print each retry as one stderr line (attempt, wait, reason; see retries.VisibleRetry)
    for this command, unless ``-q``; returns the undo (for in-process callers, e.g. tests)."""
    http_log = logging.getLogger("ionworks_toolkit.http")
    if quiet or _RETRY_LINES in http_log.handlers:
        return lambda: None
    previous = http_log.level
    http_log.addHandler(_RETRY_LINES)
    if http_log.getEffectiveLevel() > logging.INFO:
        http_log.setLevel(logging.INFO)

    def undo() -> None:
        http_log.removeHandler(_RETRY_LINES)
        http_log.setLevel(previous)

    return undo


def _configure_logging(verbose: bool) -> Callable[[], None]:
    """Where our loggers' records go for this command: with ``-v`` every record (requests
    redacted) with a timestamp; else each warning (an unusable server total, ...) as one
    ``warning: ...`` line. A ``ToolkitWarning`` (a preset or sink name registered twice, a
    plugin switched off; given once, never also logged) is one ``warning: ...`` line too,
    whatever the Python warning filters say. Idempotent: a handler is added once however
    often this runs in one process; the returned undo removes what this call added
    (in-process callers, e.g. tests)."""
    saved = warnings.catch_warnings()  # the filters and showwarning, restored by undo
    saved.__enter__()
    shown = warnings.showwarning
    warnings.filterwarnings("always", category=ToolkitWarning)

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, ToolkitWarning):
            click.echo(printable(f"warning: {message}"), err=True)
        else:
            shown(message, category, *args, **kwargs)

    warnings.showwarning = show
    # Not httpx's own logger (its lines are only filtered, see auth.redact_http_library_logs):
    # ours logs each request with its URL redacted and its timing.
    log = logging.getLogger("ionworks_toolkit")
    handler = _VERBOSE_LINES if verbose else _WARNING_LINES
    added = handler not in log.handlers
    previous = log.level
    if added:
        log.addHandler(handler)
        if verbose:
            log.setLevel(logging.DEBUG)

    def undo() -> None:
        saved.__exit__(None, None, None)
        if added:
            log.removeHandler(handler)
            log.setLevel(previous)

    return undo


@click.group(
    cls=_RootGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
@click.option(
    "--sandbox",
    is_flag=True,
    help="Start the offline sandbox API in-process and use it (not with --api-url/--api-key).",
)
@click.option("--api-url", metavar="URL", help="API base URL [env IONWORKS_API_URL].")
@click.option(
    "--api-key",
    metavar="KEY",
    help="API key; prefer the environment variable IONWORKS_API_KEY (a key on the command "
    "line lands in your shell history).",
)
@click.option("--config", metavar="FILE", help="Config file (default ./ionworks-toolkit.toml).")
@click.option(
    "--proxy",
    metavar="URL",
    help="Send every request through this proxy [env IONWORKS_TOOLKIT_PROXY; default: "
    "HTTP(S)_PROXY/ALL_PROXY/NO_PROXY].",
)
@click.option(
    "--verify",
    metavar="PATH",
    help="CA bundle (PEM file or directory) to check the server's certificate with [env "
    "IONWORKS_TOOLKIT_VERIFY, SSL_CERT_FILE, SSL_CERT_DIR].",
)
@click.option(
    "--disable-plugin",
    "disabled",
    multiple=True,
    metavar="NAME",
    help="Switch a plugin off (repeatable) [env IONWORKS_TOOLKIT_DISABLE_PLUGINS=a,b].",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Log requests (credentials redacted); tracebacks."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary, no retry lines.")
@click.version_option(package_name="ionworks-toolkit")
@click.pass_context
def main(
    ctx: click.Context,
    sandbox: bool,
    api_url: str | None,
    api_key: str | None,
    config: str | None,
    proxy: str | None,
    verify: str | None,
    disabled: tuple[str, ...],
    verbose: bool,
    quiet: bool,
) -> None:
    """Client and plugin toolkit for the Ionworks cell-data API.

    List a project's cell measurements with their cell specifications and cell instances,
    filter them, and write them to the terminal, JSON Lines, CSV, Parquet (a file or a
    partitioned dataset), SQLite or PostgreSQL.
    """
    if sandbox:  # the sandbox brings its own URL and key: another one would be ignored
        given = [flag for flag, value in (("--api-url", api_url), ("--api-key", api_key)) if value]
        if given:
            named = ", ".join(["--sandbox", *given[:-1]]) + f" and {given[-1]}"
            raise click.UsageError(
                f"{named} exclude each other: --sandbox starts its "
                "own API on a loopback port with its own key (to use a sandbox you started "
                "with 'sandbox serve', give its --api-url without --sandbox)"
            )
    ctx.call_on_close(_configure_logging(verbose))
    # Messages advising to switch a plugin off name this command's option.
    advice = SWITCH_OFF_ADVICE.set("--disable-plugin {name}")
    ctx.call_on_close(lambda: SWITCH_OFF_ADVICE.reset(advice))
    if not verbose:  # -v logs them with every request instead
        ctx.call_on_close(_show_retries(quiet))
    state = Context(
        api_url=api_url,
        api_key=api_key,
        config=config,
        disabled=disabled,
        sandbox=sandbox,
        verbose=verbose,
        quiet=quiet,
        proxy=proxy,
        verify=verify,
    )
    ctx.obj = state
    state.handle_sigterm()
    ctx.call_on_close(state.close)


# --------------------------------------------------------------------------- measurements


#: Names an API parameter's option never takes (besides the command's own options, read from
#: the command when the filter options are added): such a parameter is spelled ``--api-NAME``.
OWN_OPTION_NAMES = frozenset({"project", "help", "h", "state", "filters"})
#: ``{click parameter name: (option flag, wire name)}`` of the generated filter options.
FILTER_OPTIONS: dict[str, tuple[str, str]] = {}


def filter_option_name(wire: str, taken: frozenset[str] = OWN_OPTION_NAMES) -> str:
    """The option for API parameter ``wire``, without dashes and with ``_``: ``from`` ->
    ``from``, ``created-at`` -> ``created_at``, ``page_size`` (taken by the command's own
    ``--page-size``) -> ``api_page_size``; the flag is ``--`` plus it with ``-`` for ``_``."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", wire).strip("_").lower() or "parameter"
    if name in taken or name[0].isdigit():
        name = f"api_{name}"
    return name


class _OneLineBadValue(click.BadParameter):
    """A bad option value shown as the toolkit's one line, ``error: --order-by: 'colour' is
    not allowed; choose one of: ...``, exit 2 (click's usage error code), instead of click's
    usage block (``Usage: ...``, ``Try '... --help' for help.``, ``Error: Invalid value for
    ...``) that the toolkit's own usage errors (``--page-size 0``) never print."""

    def format_message(self) -> str:
        return f"{_flag_of(self.param)}: {self.message}"

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {printable(self.format_message())}", file=file, err=True)


def _flag_of(param: click.Parameter | None) -> str:
    """The option's flag as the user types it (its longest: ``--order-by``), or its name."""
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return (param.human_readable_name if param is not None else "") or "value"


class _OneLineType(click.ParamType):
    """Every toolkit option type's failure (:meth:`fail`) is one line naming the option
    (:class:`_OneLineBadValue`; FINDINGS11 L10): one place for the kind, not per option."""

    def fail(
        self, message: str, param: click.Parameter | None = None, ctx: click.Context | None = None
    ) -> NoReturn:
        raise _OneLineBadValue(message, ctx=ctx, param=param)


class _Choice(_OneLineType, click.Choice):
    """click's Choice with the toolkit's one wording of an unknown name, on one line:
    ``error: --order-by: 'nme' is not allowed; did you mean name? (choose one of: name,
    created_at, ...)``."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"{value!r} is not allowed; " + did_you_mean(
            str(value), [str(choice) for choice in self.choices], label="choose one of"
        )


class _Count(_OneLineType):
    """An integer option whose type error names the allowed range, on one line as the range
    check's own: ``error: --page-size: 'abc' is not an integer; give 1..1000`` (FINDINGS11
    L10: click's own said only "not a valid integer", while ``--page-size 0`` named the
    range). The range itself is checked in the command, with the toolkit's one-line error."""

    name = "integer"

    def __init__(self, low: int, high: int) -> None:
        self.low = low
        self.high = high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """``value`` as an int; a usage error (exit 2) naming the range otherwise."""
        if isinstance(value, int):
            return value
        try:
            return integer_text(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an integer; give {self.low}..{self.high}", param, ctx)


def _filter_option(
    spec: ParameterSpec, taken: frozenset[str] = OWN_OPTION_NAMES
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    name = filter_option_name(spec.name, taken)
    flag = "--" + name.replace("_", "-")
    FILTER_OPTIONS[name] = (flag, spec.name)
    if spec.enum:
        kind: click.ParamType = _Choice(list(spec.enum))
        default_note = f" [default: {spec.default}]" if spec.default is not None else ""
        help_text = f"One of: {', '.join(spec.enum)}.{default_note}"
    elif spec.kind == "datetime":
        kind = click.STRING
        comparison = {"_gt": "after", "_lt": "before"}.get(spec.name[-3:], "equal to")
        field = spec.name.removesuffix("_gt").removesuffix("_lt")
        help_text = (
            f"{field} {comparison} this instant: ISO 8601 (2019-01-24T00:00:00Z) or relative "
            "(-30d, -12h, -90m)."
        )
    elif spec.kind in ("integer", "number", "boolean"):
        kind = click.STRING
        help_text = f"The API's {spec.name} ({spec.kind})."
    else:
        kind = click.STRING
        help_text = (
            f"Filter on {spec.name}: a value (exact match) or an operator: eq.X, neq.X, "
            "ilike.%X%, like.X%."
        )
    if spec.required:
        help_text += " Required by the API (here, in --filter or in a preset)."
    return click.option(
        flag,
        name,
        type=kind,
        default=None,
        metavar="VALUE" if not spec.enum else None,
        help=help_text,
    )


def _seed_parameters() -> list[ParameterSpec]:
    """The seed operation's query parameters that become options: not the paging ones (the
    command's --limit/--all/--page-size), not object-typed ones (refused: see parameters).
    None when the client lacks the operation: ``measurements list`` then says so when run."""
    try:
        parameters = operation_parameters(SEED_OPERATION)
    except ConfigurationError:
        return []
    return [
        spec
        for name, spec in parameters.items()
        if name not in PAGING_PARAMETERS and spec.kind != "object"
    ]


def _with_filter_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add an option per seed-operation query parameter, below the command's own options
    (decorators below this one), whose names and flags it must not take."""
    own = set(OWN_OPTION_NAMES)
    for param in getattr(function, "__click_params__", []):
        own.add(str(param.name))
        own.update(flag.lstrip("-").replace("-", "_") for flag in getattr(param, "opts", []))
    for spec in reversed(_seed_parameters()):
        function = _filter_option(spec, frozenset(own))(function)
    return function


def _api_kwargs(method: Callable[..., Any], filters: dict[str, Any]) -> dict[str, Any]:
    """``filters`` as keyword arguments of ``method``: an API parameter named like one of its
    own arguments (``page_size``) goes as ``api_NAME``, which the session reads as ``NAME``
    (``parameters.wire_name``)."""
    own = {
        name
        for name, parameter in inspect.signature(method).parameters.items()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    }
    return {(f"api_{k}" if k in own else k): v for k, v in filters.items()}


def _toolkit_using(state: Context, presets: Sequence[str]) -> AsyncToolkit:
    """``state.toolkit()`` for a command that uses ``presets``: an invalid config-file preset
    among them is reported once, by the error of its use, not also by the config file's
    warning (FINDINGS11 L12)."""
    token = PRESETS_IN_USE.set(frozenset(presets))
    try:
        return state.toolkit()
    finally:
        PRESETS_IN_USE.reset(token)


def _check_required(filters: dict[str, Any], presets: Sequence[str]) -> None:
    """A required API parameter given nowhere is a usage error (exit 2), before any request."""
    try:
        missing = missing_required(filters, SEED_OPERATION)
    except ConfigurationError:
        return
    if not missing or presets:
        return  # presets may set it: the session checks the merged parameters again
    flags = {wire: flag for flag, wire in FILTER_OPTIONS.values()}
    named = ", ".join(f"'{flags.get(n, '--filter ' + n + '=VALUE')}'" for n in missing)
    raise click.UsageError(f"Missing option {named} (required by the API).")


def _parse_pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(f"{option} {value!r}: expected KEY=VALUE")
        pairs.append((key.strip(), rest))
    return pairs


def _contains(key: str, text: str) -> str:
    """``--contains KEY=TEXT`` as ``ilike.%TEXT%``; an empty or blank TEXT (an unset shell
    variable) is refused naming the option: it would match every record."""
    if not text.strip():
        raise ConfigurationError(
            f"--contains {key}={text}: the text is empty, so it would match every record; give "
            f"the text to look for (--contains {key}=LFP)"
        )
    return contains(text)


def _isatty(stream: Any) -> bool:
    """True for a terminal; False for a closed (``None``), broken or redirected stream."""
    try:
        return bool(stream.isatty())
    except (OSError, ValueError, AttributeError):
        return False


def _default_sink() -> str:
    return "table:" if _isatty(sys.stdout) else "jsonl:-"


#: Targets that name standard output (besides the ``table`` scheme, which writes there).
STDOUT_TARGETS = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def _writes_stdout(text: str) -> bool:
    """True for a sink target that writes to stdout (``table:``, ``csv:-``, ``-``...)."""
    bare = text.split("?", 1)[0].strip()
    scheme, colon, target = bare.partition(":")
    return bare in STDOUT_TARGETS or scheme == "table" or (bool(colon) and target in STDOUT_TARGETS)


def _check_stdout_open(targets: Sequence[str]) -> None:
    """A closed stdout (``1>&-``) with a sink writing there: exit 2 before any request,
    naming the sink, rather than a crash at the first write.

    :raises ConfigurationError: stdout is closed and a target writes to it."""
    # The console script (_entry) replaces a closed stdout with a null stream marked so.
    if sys.stdout is not None and not getattr(sys.stdout, "ionworks_closed_at_start", False):
        return
    closed = [text for text in targets if _writes_stdout(text)]
    if closed:
        raise ConfigurationError(
            f"stdout is closed: sink {', '.join(closed)} has nowhere to write; give a file "
            "target (e.g. --sink out.jsonl)"
        )


def _streams_to_stdout(target: str) -> bool:
    """True for a target that writes records to stdout while the walk runs (``jsonl:-``)."""
    return target.split("?", 1)[0].strip() in ("jsonl:-", "-")


@contextlib.contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    log = logging.getLogger(name)
    previous, log.disabled = log.disabled, True
    try:
        yield
    finally:
        log.disabled = previous


class _ProgressBar:
    """The transient progress bar on stderr: ``update(stats)`` after each page, ``stop()``
    (idempotent) clears it. Nothing is drawn when disabled."""

    def __init__(self, enabled: bool) -> None:
        self._progress: Any = None
        self._task: Any = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TransferSpeedColumn,
        )

        class RecordRate(TransferSpeedColumn):
            def render(self, task: Any) -> Any:
                from rich.text import Text

                speed = task.finished_speed or task.speed
                return Text(
                    "?" if speed is None else f"{speed:,.0f} records/s",
                    style="progress.data.speed",
                )

        self._progress = Progress(
            TextColumn("measurements"),
            BarColumn(),
            MofNCompleteColumn(),
            RecordRate(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            # stdout belongs to the sinks: never routed through the bar's console.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._progress.start()
        self._task = self._progress.add_task("fetch", total=None)

    def update(self, stats: WalkStats) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=stats.records, total=stats.total)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


class _ClearsProgressFirst:
    """A sink that clears the progress bar before it commits or aborts, so that what it
    prints at commit (the ``table:`` sink) starts on a clean line. Everything else is the
    wrapped sink's (``label`` included, so errors name the user's target)."""

    def __init__(self, sink: Any, label: str, bar: _ProgressBar) -> None:
        self._sink = sink
        self._bar = bar
        self.label = label

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sink, name)

    @property
    def wrapped(self) -> Any:
        """The sink this one wraps (incremental sync reads its state location)."""
        return self._sink

    def __enter__(self) -> _ClearsProgressFirst:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is not None or getattr(self._sink, "state", "open") == "open":
            self.abort()

    def write(self, records: Any) -> None:
        self._sink.write(records)

    def commit(self) -> None:
        self._bar.stop()
        self._sink.commit()

    def abort(self) -> None:
        self._bar.stop()
        self._sink.abort()


def _apply_columns(opened: Sequence[tuple[str, Any]], columns: str | None) -> None:
    """``--columns a,b``: the columns of every ``table:`` sink that does not name its own.

    :raises ConfigurationError: ``--columns`` with no ``table:`` sink, or an empty list.
    """
    if columns is None:
        return
    from .sinks import TableSink

    names = [c.strip() for c in columns.split(",") if c.strip()]
    if not names:
        raise ConfigurationError(f"--columns {columns!r}: give column names, e.g. name,id")
    tables = [sink for _, sink in opened if isinstance(sink, TableSink)]
    if not tables:
        raise ConfigurationError(
            "--columns chooses the columns of the table: sink, and this run has none; add "
            "--sink table:"
        )
    for sink in tables:
        if not sink.columns:
            sink.columns = names


@main.group()
def measurements() -> None:
    """Cell measurements (GET /cell_measurements/by-project/{project_id})."""


@measurements.command("list", epilog=EXIT_CODES_HELP)
@click.argument("project", nargs=-1)
@click.option(
    "--all-projects",
    is_flag=True,
    help="Every project visible to the credential (GET /projects); rows carry project_id.",
)
@click.option(
    "--incremental",
    is_flag=True,
    help="Only what changed since the last --incremental run into the same sqlite: sink "
    "(its updated_at mark per project and filters); implies --all.",
)
@_with_filter_options
@click.option(
    "--preset",
    "presets",
    multiple=True,
    metavar="NAME",
    help="Filter preset (repeatable; composed left to right; see `presets list`).",
)
@click.option(
    "--filter",
    "raw_filters",
    multiple=True,
    metavar="KEY=VALUE",
    help="Raw query parameter, passed as given (repeatable), e.g. name=ilike.%CH3%. A "
    "parameter set by an option, --contains or another --filter too is an error; presets "
    "are overridden.",
)
@click.option(
    "--contains",
    "contains_filters",
    multiple=True,
    metavar="FIELD=TEXT",
    help="Case-insensitive substring filter: FIELD=TEXT becomes FIELD=ilike.%TEXT%.",
)
@click.option(
    "--limit",
    type=_Count(1, MAX_PAGE_SIZE),
    default=None,
    metavar="N",
    help=f"At most N measurements (1..{MAX_PAGE_SIZE}; default 25, the API's); with several "
    "projects, per project.",
)
@click.option(
    "--all",
    "fetch_all",
    is_flag=True,
    help=f"Every matching measurement (pages of {MAX_PAGE_SIZE}).",
)
@click.option(
    "--page-size",
    type=_Count(1, MAX_PAGE_SIZE),
    default=None,
    metavar="N",
    help=f"Records per request (1..{MAX_PAGE_SIZE}, default {MAX_PAGE_SIZE}); with --limit, "
    "pages of N up to the limit.",
)
@click.option(
    "--columns",
    metavar="A,B,...",
    default=None,
    help="Columns of the table: sink, dotted for nested fields (e.g. name,instance.name,"
    "test_setup.cycler); implies --sink table: when no --sink is given. Default: the key "
    "columns that fit the terminal.",
)
@click.option(
    "--sink",
    "sinks",
    multiple=True,
    metavar="TARGET",
    help=(
        "Output (repeatable): table:, jsonl:-, jsonl:FILE, csv:FILE, "
        "sqlite:FILE[?table=NAME], parquet:FILE, or a path with a known suffix. "
        "Default: table: on a terminal, jsonl:- when piped."
    ),
)
@click.pass_obj
def measurements_list(
    state: Context,
    project: tuple[str, ...],
    all_projects: bool,
    incremental: bool,
    presets: tuple[str, ...],
    raw_filters: tuple[str, ...],
    contains_filters: tuple[str, ...],
    limit: int | None,
    fetch_all: bool,
    page_size: int | None,
    columns: str | None,
    sinks: tuple[str, ...],
    **options: Any,
) -> None:
    """List a project's measurements with their cell specification and cell instance.

    PROJECT is a project id or its name (exact, case-insensitive; see `projects list`);
    without it, IONWORKS_PROJECT_ID. Several PROJECTs (or --all-projects) are walked
    concurrently into the same sinks, committed once; every row carries project_id.
    """
    with _handled(state):
        if all_projects and project:
            raise ConfigurationError("give PROJECT arguments or --all-projects, not both")
        if incremental and limit is not None:
            raise ConfigurationError("--incremental fetches every change: drop --limit")
        fetch_all = fetch_all or incremental
        if limit is not None and fetch_all:
            raise ConfigurationError("--limit and --all exclude each other: give one")
        if limit is not None and not 1 <= limit <= MAX_PAGE_SIZE:
            raise ConfigurationError(
                f"--limit {limit} is outside 1..{MAX_PAGE_SIZE}; use --all to fetch every "
                "measurement"
            )
        if page_size is not None and not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"--page-size {page_size} is outside 1..{MAX_PAGE_SIZE}")
        filters: dict[str, Any] = {}
        sources: list[tuple[str, str, Any]] = [
            (*FILTER_OPTIONS[k], v) for k, v in options.items() if v is not None
        ]
        sources += [
            ("--contains", k, _contains(k, v))
            for k, v in _parse_pairs(contains_filters, "--contains")
        ]
        sources += [("--filter", k, v) for k, v in _parse_pairs(raw_filters, "--filter")]
        given: dict[str, str] = {}
        for source, key, value in sources:
            # Checked one by one so that the error names the option that carried it.
            validate_parameters({key: value}, source=source)
            wire = wire_name(key, operation_parameters(SEED_OPERATION))
            # One parameter, one value: an option, --contains and --filter never override
            # each other silently (presets are what explicit options override).
            shown = f"{source} {key}=..." if source in ("--contains", "--filter") else source
            if wire in given:
                raise ConfigurationError(
                    f"{given[wire]} and {shown} both set the API parameter {wire}; give it once"
                )
            given[wire] = shown
            filters[wire] = value
        _check_required(filters, presets)
        targets = list(sinks) or ["table:" if columns is not None else _default_sink()]
        _check_stdout_open(targets)
        max_records = None if fetch_all else (limit or 25)
        toolkit = _toolkit_using(state, presets)
        for name in presets:  # named as the option the user typed, before any request
            toolkit.presets.get(name, source="--preset")
        # Checked before any request; nothing written. Kept for a truthful message if the
        # run stops (see sink_outcome).
        opened = state.sinks = toolkit.open_sinks(targets)
        try:
            _apply_columns(opened, columns)
            if incremental:  # CLI advice, not incremental=True (FINDINGS11 L10)
                from .incremental import check_sync_sinks  # not at start-up: sqlite3

                check_sync_sinks(opened, cli=True)
            show_progress = not state.quiet and _isatty(sys.stderr)
            if _isatty(sys.stdout) and any(_streams_to_stdout(text) for text, _ in opened):
                show_progress = False  # records stream to this terminal: no bar between them
            bar = _ProgressBar(show_progress)
            ready = [_ClearsProgressFirst(sink, text, bar) for text, sink in opened]
            try:
                # Each option was checked (and any warning given) above, naming the option;
                # the session's own check of the same values need not repeat the warnings.
                with _quiet_logger("ionworks_toolkit.filters"):

                    async def export(toolkit: AsyncToolkit) -> Any:
                        return await toolkit.export(
                            await _projects_argument(toolkit, project, all_projects),
                            ready,
                            presets=presets,
                            max_records=max_records,
                            page_size=page_size,
                            progress=bar.update,
                            incremental=incremental,
                            **_api_kwargs(toolkit.export, filters),
                        )

                    result = state.run(export)
            finally:
                bar.stop()
        except BaseException:
            abort_sinks(opened)  # idempotent; export has aborted them if it got that far
            raise
        if result.vanished:  # listed, then gone (404) when its walk began: the rest published
            state.late_error = (
                _vanished_message(result.vanished, len(result.per_project)),
                EXIT_NOT_FOUND,
            )
        # Published, but records may be missing (each reason was warned about): exit 7.
        state.incomplete = result.incomplete
        if state.quiet:
            return
        # Summaries are diagnostics: stderr, so stdout holds only what sinks write there.
        for description in result.sinks:
            click.echo(printable(description), err=True)
        if incremental:
            parts = [
                f"incremental: {result.records} new or changed record(s)",
                f"{result.unchanged} unchanged re-read skipped",
            ]
            if result.older_copies:
                copies = "copy" if result.older_copies == 1 else "copies"
                parts.append(f"{result.older_copies} older {copies} ignored")
            walk = result.duplicates - result.unchanged - result.older_copies
            if walk:
                parts.append(f"{walk} duplicate record(s) skipped")
            click.echo("; ".join(parts), err=True)
        elif result.duplicates:
            repeated = getattr(result, "repeated_in_page", 0)
            reasons = []
            if repeated:
                reasons.append(f"{repeated} sent twice in one page by the server")
            if result.duplicates > repeated and result.total is None and result.incomplete:
                reasons.append("records came again on later pages: see the warning")
            elif result.duplicates > repeated:
                reasons.append("the data changed during the walk")
            click.echo(
                f"skipped {result.duplicates} duplicate record(s) ({'; '.join(reasons)})",
                err=True,
            )
        if max_records is not None:
            if result.per_project:
                note = _projects_limit_note(result.per_project, max_records, limit is None)
            else:
                note = _limit_note(result.records, result.total, max_records, limit is None)
            if note:
                click.echo(note, err=True)
        # Several projects: each project's total is checked on its own (a sum hides a lie).
        lied = [(pid, n, t) for pid, n, t in result.per_project if t is not None and t < n]
        for project_id, listed, total in lied:
            click.echo(
                f"warning: the server reported total {total} for project {project_id} but "
                f"{listed} records came back",
                err=True,
            )
        # More came back than the server counted (with --limit too: it lied), copies sent in
        # the same page not counted (FINDINGS9 J1). Fewer is told by the walk itself: a total
        # too high ends it with a warning, a gap fails it.
        sent = result.records + result.duplicates - getattr(result, "repeated_in_page", 0)
        if not lied and result.total is not None and result.total < sent:
            click.echo(
                f"warning: the server reported total {result.total} but {sent} records came back",
                err=True,
            )
        if result.incomplete is not None:  # the summary's last line; the run ends with exit 7
            click.echo(printable(_incomplete_note(result.incomplete)), err=True)


def _incomplete_note(reason: str) -> str:
    """The summary's last line for a walk that ended but may lack records (exit
    :data:`EXIT_INCOMPLETE`): ``may be incomplete: the server's total went from 34 to 33, so
    records may be missing; run it again to be sure``."""
    return f"may be incomplete: {reason}, so records may be missing; run it again to be sure"


async def _projects_argument(
    toolkit: AsyncToolkit, project: tuple[str, ...], all_projects: bool
) -> str | list[str] | None:
    """What ``export`` gets for the PROJECT arguments: one project (or None: the default),
    a list for several, every project's id for ``--all-projects``."""
    if all_projects:  # ids as listed: never looked up as names; a null one is the server's
        from .projects import listed_ids

        ids: list[str] = list(listed_ids(await toolkit.list_projects()))
        return ids
    project = tuple(dict.fromkeys(project))  # the same PROJECT twice is one project
    if len(project) > 1:
        return list(project)
    return project[0] if project else None


def _limit_note(records: int, total: int | None, limit: int, default_limit: bool) -> str | None:
    """The summary line saying that ``--limit`` (or the default 25) cut the listing short.

    ``total`` is the server's count of matching measurements (the page's ``total`` field);
    None when the server did not say. No line when every match was listed.
    """
    which = f"--limit {limit}" if not default_limit else f"the default --limit {limit}"
    advice = f"({which}; use --all for every measurement)"
    if total is not None and total > records:
        return f"listed {records} of {total} measurements {advice}"
    if (total is None or total < records) and records >= limit:
        # No total, or one below what came back (a lying server): the limit was reached.
        return f"listed the first {records} measurements {advice}"
    return None


def _projects_limit_note(
    per_project: Sequence[tuple[str, int, int | None]], limit: int, default_limit: bool
) -> str | None:
    """The summary line for several projects (``--all-projects``, several PROJECTs), where
    ``--limit`` applies to each project: how many projects, in how many the limit cut the
    listing short. ``per_project``: ``(id, records listed, server total or None)``."""
    records = sum(listed for _, listed, _ in per_project)
    cut = sum(
        1
        for _, listed, total in per_project
        if (total is not None and total > listed)
        or ((total is None or total < listed) and listed >= limit)
    )
    if not cut:
        return None
    # A total below what came back is a lie: the sum of totals is then unknown too.
    lying = any(total is None or total < listed for _, listed, total in per_project)
    known = None if lying else sum(total or 0 for _, _, total in per_project)
    count = len(per_project)
    which = f"--limit {limit}" if not default_limit else f"the default --limit {limit}"
    listed = (
        f"listed {records} of {known}"
        if known is not None and known > records
        else (f"listed {records}")
    )
    return (
        f"{listed} measurements from {count} project{'s' if count != 1 else ''} ({which} per "
        f"project cut {cut} of "
        f"them short; use --all for every measurement)"
    )


# --------------------------------------------------------------------------- projects


@main.group()
def projects() -> None:
    """Projects (GET /projects)."""


@projects.command("list")
@click.option(
    "--sink",
    "sinks",
    multiple=True,
    metavar="TARGET",
    help="Output (default: table: on a terminal, jsonl:- when piped).",
)
@click.pass_obj
def projects_list(state: Context, sinks: tuple[str, ...]) -> None:
    """List the projects your credential can see."""
    with _handled(state):
        targets = list(sinks) or [_default_sink()]
        _check_stdout_open(targets)
        opened = state.sinks = state.toolkit().open_sinks(targets)
        result = state.run(lambda toolkit: toolkit.export_projects([sink for _, sink in opened]))
        if not state.quiet:  # the same summary as measurements list, on stderr
            for description in result.sinks:
                click.echo(printable(description), err=True)


# ------------------------------------------------------------------ presets, sinks, plugins


@main.group()
def presets() -> None:
    """Filter presets (built-in, from plugins and from ionworks-toolkit.toml)."""


@presets.command("list")
@click.pass_obj
def presets_list(state: Context) -> None:
    """List every preset with its description and origin."""
    with _handled(state):
        from rich.table import Column, Table

        from .sinks._table import stdout_console

        toolkit = state.toolkit()
        table = Table("description", "parameters", "from")
        table.columns.insert(0, Column("name", no_wrap=True))
        for preset in toolkit.presets:
            params = ", ".join(f"{k}={v}" for k, v in preset.params.items())
            table.add_row(
                preset.name, preset.description, params, toolkit.presets.owner(preset.name)
            )
        stdout_console().print(table)


@presets.command("show")
@click.argument("name")
@click.pass_obj
def presets_show(state: Context, name: str) -> None:
    """Show one preset's parameters, and what they resolve to now."""
    with _handled(state):
        toolkit = _toolkit_using(state, [name])
        preset = toolkit.presets.get(name, source="presets show")
        resolved = toolkit.resolve_filters([name])
        click.echo(f"{preset.name}: {preset.description}")
        click.echo(f"operation: {preset.operation}")
        click.echo(f"from: {toolkit.presets.owner(name)}")
        for key, value in preset.params.items():
            now = resolved.get(key)
            suffix = f"  (now: {now})" if now != value else ""
            click.echo(f"  {key} = {value}{suffix}")


@main.group()
def sinks() -> None:
    """Output sinks."""


@sinks.command("list")
@click.pass_obj
def sinks_list(state: Context) -> None:
    """List the sink schemes (built-in and from plugins)."""
    with _handled(state):
        from .sinks import BUILTIN_SINK_DESCRIPTIONS

        toolkit = state.toolkit()
        for scheme, (factory, owner) in sorted(toolkit.sink_factories.items()):
            description = (
                BUILTIN_SINK_DESCRIPTIONS.get(scheme)
                or ((factory.__doc__ or "").strip().splitlines() or [""])[0]
            )
            click.echo(f"{scheme:<10} {description}  [{owner}]")


@main.group()
def plugins() -> None:
    """Plugins (entry-point group ionworks_toolkit)."""


@plugins.command("list")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON array (one object per plugin) for tooling instead of a table.",
)
@click.pass_obj
def plugins_list(state: Context, as_json: bool) -> None:
    """List plugins: name, distribution, version, hooks, status and load errors.

    With --json, stdout is one JSON array, in load order, of objects with the keys name,
    distribution ("builtin" for ours, null for a plugin passed explicitly), version, hooks,
    status ("loaded", "disabled", "failed", "conflict" or "unknown hook": a hook name that no
    hookspec has, never called), error (why it failed, is in conflict or has an unknown hook,
    or null), note (e.g. which auth plugin is asked first, or null), sinks (schemes
    it registers) and presets (preset names it registers).
    """
    with _handled(state):
        toolkit = state.toolkit()
        if as_json:
            click.echo(json.dumps(_plugins_as_json(toolkit), indent=2))
            return
        from rich.table import Table

        from .sinks._table import stdout_console

        table = Table("name", "distribution", "version", "hooks", "status")
        for info in toolkit.plugins.list_plugins():
            status = info.status if info.error is None else f"{info.status}: {info.error}"
            if info.note:
                status += f" ({info.note})"
            table.add_row(
                info.name,
                info.distribution or "-",
                info.version or "-",
                ", ".join(info.hooks) or "-",
                status,
            )
        stdout_console(width=200).print(table)


def _plugins_as_json(toolkit: Any) -> list[dict[str, Any]]:
    """``plugins list --json``: PluginInfo fields plus the sinks and presets of each plugin."""
    sinks: dict[str, list[str]] = {}
    for scheme, (_factory, owner) in sorted(toolkit.sink_factories.items()):
        sinks.setdefault(owner, []).append(scheme)
    presets: dict[str, list[str]] = {}
    for preset in sorted(toolkit.presets, key=lambda p: p.name):
        presets.setdefault(toolkit.presets.owner(preset.name), []).append(preset.name)
    return [
        {
            "name": info.name,
            "distribution": info.distribution,
            "version": info.version,
            "hooks": list(info.hooks),
            "status": info.status,
            "error": info.error,
            "note": info.note,
            "sinks": sinks.get(f"plugin {info.name}", []),
            "presets": presets.get(f"plugin {info.name}", []),
        }
        for info in toolkit.plugins.list_plugins()
    ]


# --------------------------------------------------------------------------- sandbox


@main.group()
def sandbox() -> None:
    """The offline sandbox API (real public battery-test metadata; API key `sandbox`)."""


def _a_number(value: float, allowed: str) -> float:
    """``value`` unless it is NaN, which ``click.FloatRange`` lets through (every comparison
    with it is false): then the usual invalid-value error naming ``allowed``."""
    if math.isnan(value):
        raise click.BadParameter(f"nan is not a number in the range {allowed}.")
    return value


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port, 0..65535 (0 picks a free one).",
)
@click.option(
    "--api-key",
    "sandbox_key",
    default="sandbox",
    show_default=True,
    help="The key the sandbox accepts.",
)
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=None,
    help="Add a project of N measurements synthesised from the real rows.",
)
@click.option(
    "--latency-ms",
    type=click.FloatRange(min=0, max=60_000),  # the sandbox's MAX_LATENCY_MS
    callback=lambda _ctx, _param, value: _a_number(value, "0<=x<=60000"),
    default=0.0,
    show_default=True,
)
@click.option(
    "--rate-limit-every",
    type=click.IntRange(min=1),
    default=None,
    help="Every k-th request gets 429 with Retry-After.",
)
@click.option(
    "--retry-after", "retry_after_s", type=click.IntRange(min=0), default=1, show_default=True
)
@click.option(
    "--fail-500-on-request",
    type=click.IntRange(min=1),
    default=None,
    help="Request n gets a 500, once.",
)
@click.option(
    "--drop-connection-on-request",
    type=click.IntRange(min=1),
    default=None,
    help="Request n's connection is dropped mid-response.",
)
@click.option(
    "--total-offset", type=int, default=0, show_default=True, help="Lie about total by this much."
)
@click.option("--ignore-offset", is_flag=True, help="Ignore offset: always serve the first page.")
def sandbox_serve(host: str, port: int, sandbox_key: str, **options: Any) -> None:
    """Serve the sandbox API until Ctrl+C.

    A port in use (or a host that is not this machine's) is a usage error: exit 2, one line.
    ``--port 0`` picks a free port and prints it.
    """
    from .auth import is_loopback_host
    from .sandbox import SandboxDependencyError, SandboxOptions, serve

    if not is_loopback_host(host):
        click.echo(
            f"warning: serving on {host}, not loopback: anyone who can reach it can read it",
            err=True,
        )

    def announce(bound_port: int) -> None:
        url = f"http://{host}:{bound_port}"
        click.echo(
            f"sandbox on {url}  (X-API-Key: {sandbox_key}; try: "
            f"IONWORKS_API_KEY={sandbox_key} ionworks-toolkit --api-url {url} "
            f'measurements list "{SANDBOX_PROJECT_HINT}")',
            err=True,
        )

    try:
        serve(
            SandboxOptions(api_key=sandbox_key, **options),
            host=host,
            port=port,
            on_listening=announce,
        )
    except SandboxDependencyError as exc:
        _fail(None, ConfigurationError(f"sandbox serve: {exc}"))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.EADDRNOTAVAIL:  # the host is not an address of this machine
            advice = "choose another --host (an address of this machine, e.g. 127.0.0.1)"
        else:
            advice = "choose another --port (0 picks a free one)"
        _fail(None, ConfigurationError(f"{reason}; {advice}"))


if __name__ == "__main__":  # pragma: no cover
    main()
