"""Typed errors of the toolkit, and the mapping from HTTP responses to them.

Hierarchy (ARCHITECTURE.md section 2)::

    IonworksError
    ├── APIError(status, method, path, detail, request_id, error_code)
    │   ├── AuthenticationError      401
    │   ├── PermissionDeniedError    403
    │   ├── NotFoundError            404
    │   ├── ConflictError            409
    │   ├── RequestValidationError   422  (FastAPI ``detail`` list in ``.errors``)
    │   ├── RateLimitError           429  (``.retry_after`` seconds, when sent)
    │   ├── ServerError              5xx
    │   └── UnexpectedResponseError  2xx whose body is not what the spec promises
    ├── TransportError               connection refused/dropped, timeouts (after retries)
    ├── PaginationError              a page walk that does not advance
    ├── ConfigurationError           bad settings, bad filter/preset/sink input
    │   ├── ParameterError           a filter/preset parameter the operation does not accept
    │   │   └── ArgumentTypeError    a Python API argument of the wrong type (also a TypeError)
    │   └── MissingDependencyError   an optional extra is not installed (also an ImportError)
    ├── PluginError                  a plugin that fails to load or breaks the contract
    │   └── RegistrationConflictError  a preset or sink name registered twice
    └── SinkError                    an output sink failed; staged outputs rolled back

No message, ``str()`` or ``repr()`` here ever contains a credential: messages are built from
the method, the URL *path* (never the query string or headers) and the server's error detail.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import json
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pluggy

from ._codec import JSONNestingError
from ._codec import loads as _json_loads

__all__ = [
    "APIError",
    "ArgumentTypeError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "IonworksError",
    "MissingDependencyError",
    "NotFoundError",
    "PaginationError",
    "ParameterError",
    "PermissionDeniedError",
    "PluginError",
    "RateLimitError",
    "RegistrationConflictError",
    "RequestValidationError",
    "ServerError",
    "SinkError",
    "ToolkitWarning",
    "TransportError",
    "UnexpectedResponseError",
    "describe_unparsable_body",
    "error_from_response",
]

_REQUEST_ID_HEADERS = ("x-request-id", "x-correlation-id", "request-id")
_MAX_DETAIL_CHARS = 300


def not_utf8(text: str) -> str | None:
    """What in ``text`` is no UTF-8 text, or None when it all is: ``"the byte 0xFC (not
    UTF-8) at character 2"`` for U+DC80..U+DCFF (a byte of a command line, file name or
    environment variable that is not UTF-8, surrogate-escaped by Python), else ``"a lone
    surrogate U+D800 at character 1"``. The first such character is named."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        if 0xDC80 <= code <= 0xDCFF:
            return f"the byte 0x{code - 0xDC00:02X} (not UTF-8) at character {exc.start + 1}"
        return f"a lone surrogate U+{code:04X} at character {exc.start + 1}"
    return None


def did_you_mean(
    value: str,
    choices: Iterable[str],
    *,
    label: str = "choices",
    cutoff: float = 0.6,
    most: int = 40,
    empty: str = "(none)",
) -> str:
    """The one wording of every "unknown NAME" message's hint: ``"did you mean lfp-cathode?
    (choices: lfp-cathode, nmc-cell)"`` when a choice is close to ``value`` (difflib, best
    first, then the choices that start with a ``value`` of 3 characters or more; up to 3,
    joined by ``or``), else ``"choices: lfp-cathode, nmc-cell"``. The list
    is always every choice, in the order given (``label`` names it: ``"allowed options"``,
    ``"choose one of"``...), cut after ``most`` with the total: ``"a, b, ... (57 in all)"``.
    ``empty`` (``"(none)"``) for no choices. ``most=0``: the question alone (``""`` when
    nothing is close), for a message that says elsewhere what the choices are."""
    every = list(dict.fromkeys(choices))
    shown = ", ".join(every[:most]) or empty
    if len(every) > most:
        shown += f", ... ({len(every)} in all)"
    close = difflib.get_close_matches(value, every, n=3, cutoff=cutoff)
    if len(value) >= 3:  # a name's start is close too: 'lfp' -> 'lfp-cathode'
        starts = [c for c in every if c.casefold().startswith(value.casefold())]
        close = list(dict.fromkeys([*close, *starts]))[:3]
    question = f"did you mean {' or '.join(close)}?" if close else ""
    if most == 0:  # the message lists the choices elsewhere: the question alone
        return question
    return f"{question} ({label}: {shown})" if close else f"{label}: {shown}"


class IonworksError(Exception):
    """Base of every error the toolkit raises on purpose."""


class ConfigurationError(IonworksError):
    """Invalid settings or user input (filters, presets, sink targets), found before any request."""


class MissingDependencyError(ConfigurationError, ImportError):
    """An optional dependency (an extra: pyarrow, pandas, polars) is not installed; the
    message gives the ``pip install "ionworks-toolkit[EXTRA]"`` line."""


class ParameterError(ConfigurationError):
    """A filter or preset parameter the operation does not accept; raised before any request.

    ``source`` names where it came from (``preset lfp-cathode``, ``--order-by``, ``filter``),
    ``parameter`` the parameter, ``choices`` the closest valid names or values.
    """

    def __init__(self, message: str, *, source: str, parameter: str, choices: Sequence[str]):
        super().__init__(message)
        self.source = source
        self.parameter = parameter
        self.choices = tuple(choices)


class ArgumentTypeError(ParameterError, TypeError):
    """An argument of the Python API of the wrong type (``project=123``, ``sinks="m.csv"``,
    ``name=5``), raised before any request; the message names the argument and what it
    accepts (``parameter`` is the argument's name). Also a ``TypeError``."""


class ToolkitWarning(UserWarning):
    """A Python warning about the plugins and presets this toolkit loaded (a preset or sink
    name registered twice, a plugin that failed to load or was switched off, a misspelt
    hook), given once (:func:`toolkit_warning`), not also as a log record: to have it in your
    logs, ``logging.captureWarnings(True)`` (logger ``py.warnings``). The command line prints
    it as one ``warning: ...`` line."""


#: Files whose frames a ToolkitWarning never points at: this package's, and the machinery
#: between it and the caller's line (pluggy calling a hook, asyncio running the export,
#: the worker thread of a sync Toolkit, contextlib's wrappers).
_NOT_THE_CALLER = (
    os.path.dirname(__file__) + os.sep,
    os.path.dirname(pluggy.__file__ or "") + os.sep,
    os.path.join(os.path.dirname(os.__file__), "asyncio") + os.sep,  # not imported for this
    threading.__file__,
    contextlib.__file__,
    "<attrs generated",
)


def toolkit_warning(message: str) -> None:
    """Give ``message`` as one :class:`ToolkitWarning` pointing at the caller's own line: the
    innermost frame outside this package (and pluggy, asyncio, threading); the toolkit's own
    line when there is none (a worker thread)."""
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_NOT_THE_CALLER):
        frame = frame.f_back
        level += 1
    if frame.f_code.co_filename.startswith(_NOT_THE_CALLER):
        level = 2
    warnings.warn(message, ToolkitWarning, stacklevel=level)


#: How the caller at hand switches a plugin off, for messages that advise it (``{name}``:
#: the plugin's name). A Python caller: the Toolkit/AsyncToolkit argument or the setting;
#: the command line sets its option (``--disable-plugin {name}``) while a command runs.
SWITCH_OFF_ADVICE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "ionworks_switch_off_advice",
    default="disable_plugins=['{name}'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS={name}",
)


def switch_off_advice(name: str) -> str:
    """How to switch plugin ``name`` off, for the caller at hand (see SWITCH_OFF_ADVICE):
    ``"disable_plugins=['acme'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme"`` from Python,
    ``"--disable-plugin acme"`` on the command line."""
    return SWITCH_OFF_ADVICE.get().format(name=name)


class PluginError(IonworksError):
    """A plugin failed to load, or broke the plugin contract (e.g. a preset name taken twice)."""


class RegistrationConflictError(PluginError):
    """Two plugins (or a plugin and the config file) registered the same preset or sink name."""


class PaginationError(IonworksError):
    """A paged walk that does not advance: the server returned ids already seen at ``offset``."""

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class SinkError(IonworksError):
    """An output sink failed while writing or committing; the sink was aborted (nothing published).

    ``sink`` is the target text (e.g. ``csv:out.csv``); ``__cause__`` is the original exception.
    The message: ``sink csv:out.csv failed: OSError: [Errno 28] ...``; ``detail``, when given,
    follows in parentheses (e.g. which plugin's sink raised a SystemExit).
    """

    def __init__(self, sink: str, error: BaseException, *, detail: str = "") -> None:
        text = f": {error}" if str(error) else ""
        more = f" ({detail})" if detail else ""
        super().__init__(f"sink {sink} failed: {type(error).__name__}{text}{more}")
        self.sink = sink


class TransportError(IonworksError):
    """The request never got an HTTP answer (connect error, dropped connection, timeout).

    Raised after the retry policy gave up. ``method`` and ``path`` name the request.
    """

    def __init__(self, method: str, path: str, reason: str) -> None:
        super().__init__(f"{method} {path} failed: {reason}")
        self.method = method
        self.path = path
        self.reason = reason


class APIError(IonworksError):
    """The API answered with an error status.

    Attributes: ``status`` (int), ``method`` (``GET``...), ``path`` (URL path, no query),
    ``detail`` (the server's message, readable text), ``error_code`` (the standard body's
    ``error_code`` such as ``NOT_FOUND``, else None), ``request_id`` (from ``x-request-id`` or
    ``x-correlation-id``, else None), ``body`` (parsed JSON body or None), ``retry_after``
    (seconds from a ``Retry-After`` header, else None).
    """

    def __init__(
        self,
        *,
        status: int,
        method: str,
        path: str,
        detail: str,
        request_id: str | None = None,
        error_code: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after
        self.method = method
        self.path = path
        self.detail = detail
        self.request_id = request_id
        self.error_code = error_code
        self.body = body
        message = f"{method} {path} -> {status}: {detail}"
        if request_id:
            message += f" (request id {request_id})"
        super().__init__(message)


class AuthenticationError(APIError):
    """401: the credential is missing, invalid or expired."""


class PermissionDeniedError(APIError):
    """403: authenticated, but not allowed to do this."""


class NotFoundError(APIError):
    """404: the project, specification, instance or measurement does not exist (or is hidden)."""


class ConflictError(APIError):
    """409: a record with this name exists already; ``existing_id`` names it if the server does."""

    @property
    def existing_id(self) -> str | None:
        detail = self.body.get("detail") if isinstance(self.body, Mapping) else None
        if isinstance(detail, Mapping):
            for key in (
                "existing_id",
                "existing_cell_specification_id",
                "existing_cell_instance_id",
            ):
                if key in detail:
                    return str(detail[key])
        return None


class RequestValidationError(APIError):
    """422: FastAPI rejected the request. ``errors`` is the ``detail`` list (loc, msg, type)."""

    @property
    def errors(self) -> list[Mapping[str, Any]]:
        detail = self.body.get("detail") if isinstance(self.body, Mapping) else None
        return [d for d in detail if isinstance(d, Mapping)] if isinstance(detail, list) else []


class RateLimitError(APIError):
    """429 after the retry policy gave up; ``retry_after`` in seconds when the server sent one."""


class ServerError(APIError):
    """5xx: the server or a proxy in front of it failed."""


class UnexpectedResponseError(APIError):
    """A success status whose body does not parse as the spec's schema (e.g. HTML from a proxy)."""


_STATUS_CLASSES: dict[int, type[APIError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: RequestValidationError,
    429: RateLimitError,
}


def _format_validation_detail(items: Sequence[Any]) -> str:
    parts = []
    for item in items:
        if isinstance(item, Mapping):
            loc = ".".join(str(p) for p in item.get("loc", []))
            parts.append(f"{loc}: {item.get('msg', '')}".strip(": "))
        else:
            parts.append(str(item))
    return "; ".join(parts)


def describe_error_body(
    body: Any, text: str, content_type: str, *, size: int | None = None
) -> tuple[str, str | None]:
    """Readable detail and error code from an error body.

    Reads both shapes the API uses: FastAPI's ``{"detail": str | list}`` and the standard
    ``{"error_code", "message", "detail"}``. A non-JSON body (an HTML page from a proxy) is
    summarised by its content type and size rather than dumped: ``size`` is the body's length
    in bytes as the server sent it (None: ``text`` encoded as UTF-8; pass it when ``text`` is
    a redacted or decoded copy, whose length differs, FINDINGS10 K9).
    """
    if isinstance(body, Mapping):
        error_code = body.get("error_code")
        message = body.get("message")
        detail = body.get("detail")
        if isinstance(detail, list):
            readable = _format_validation_detail(detail)
        elif isinstance(detail, Mapping):
            readable = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        else:
            readable = "" if detail is None else str(detail)
        if message:
            readable = f"{message} ({readable})" if readable and readable != message else message
        return (readable or "no detail given")[:_MAX_DETAIL_CHARS], (
            str(error_code) if error_code else None
        )
    if body is not None:
        return json.dumps(body, ensure_ascii=False)[:_MAX_DETAIL_CHARS], None
    kind = content_type.split(";")[0].strip() or "unknown content type"
    if not text.strip():
        return "empty response body", None
    if size is None:
        size = len(text.encode("utf-8", errors="surrogatepass"))
    return f"non-JSON response body ({kind}, {size} bytes)", None


def _is_json_type(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


#: The ValueError ``int(text)`` (so ``json.loads``) raises for an integer longer than
#: ``sys.get_int_max_str_digits()`` (4300 unless the environment says otherwise).
_INT_DIGITS_REFUSED = re.compile(
    r"Exceeds the limit \((?P<limit>\d+) digits\) for integer string conversion: "
    r"value has (?P<digits>\d+) digits.*",
    re.DOTALL,
)


def _integer_too_long(content: bytes, kind: str, limit: int, digits: int) -> str:
    """The message for a body holding a JSON integer of ``digits`` digits, more than the
    ``limit`` Python converts: where it starts (the byte offset of its first digit or its
    ``-``: the first run of exactly ``digits`` digits in a value's place, after ``:``, ``[``
    or ``,``), and the setting that lifts the limit."""
    where = ""
    for run in re.finditer(rb"(?<![0-9])[0-9]{%d}(?![0-9])" % digits, content):
        start = run.start() - (content[run.start() - 1 : run.start()] == b"-")
        if content[:start].rstrip()[-1:] in (b":", b"[", b","):
            where = f" at byte {start}"
            break
    return (
        f"JSON integer too long to read ({kind}, {len(content)} bytes: an integer of {digits} "
        f"digits{where}; integers are read up to {limit} digits, the environment variable "
        "PYTHONINTMAXSTRDIGITS=0 lifts the limit)"
    )


#: How a message names the encodings ``json.loads`` reads bytes in (``json.detect_encoding``).
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}
_ENCODING_NAMES |= {f"utf-{n}-{end}": f"UTF-{n}" for n in (16, 32) for end in ("le", "be")}


def _byte_of(content: bytes, error: json.JSONDecodeError) -> int:
    """The offset in ``content`` (bytes as the server sent them) of the character at which
    ``json.loads(content)`` raised ``error``: it decoded them first (UTF-8, -16 or -32 as
    ``json.detect_encoding`` tells, a byte order mark dropped), so ``error.pos`` counts
    characters of that text (FINDINGS10 K9: a UTF-8 byte order mark put every offset 3 bytes
    early, a UTF-16 body's was half of the true one)."""
    if isinstance(error.doc, str) and isinstance(content, bytes | bytearray):
        encoding: str = json.detect_encoding(content)
        if encoding in ("utf-16", "utf-32"):  # the mark tells the byte order
            encoding += "-le" if content[:2] == b"\xff\xfe" else "-be"
        encoding = encoding.removesuffix("-sig")
        with contextlib.suppress(UnicodeError, LookupError):
            tail = error.doc[error.pos :].encode(encoding, errors="surrogatepass")
            return len(content) - len(tail)
    return len(str(error.doc)[: error.pos].encode("utf-8", errors="surrogatepass"))


def describe_unparsable_body(content: bytes, content_type: str, error: ValueError) -> str:
    """Why ``content`` is not the JSON the API sends, for an error message.

    A body labelled JSON (``application/json`` or ``...+json``) that does not parse says where
    it broke: ``invalid JSON (application/json, 812 bytes: Expecting ',' delimiter at byte
    402)`` (``error`` is the ``json.JSONDecodeError`` or ``UnicodeDecodeError`` raised by
    ``json.loads``; the byte offset counts bytes of ``content``, the body as the server sent
    it, not characters, a byte order mark and UTF-16 or -32 included: FINDINGS10 K9). A body
    nested deeper than the parser reads (``_codec.JSONNestingError``) is not called invalid: ``JSON
    nested too deeply to read (application/json, 5000 bytes: more arrays/objects inside each
    other than the parser allows)``. Nor is a body holding an integer longer than Python
    converts (``sys.get_int_max_str_digits()``, 4300 digits by default): ``JSON integer too
    long to read (application/json, 5133 bytes: an integer of 5001 digits at byte 119;
    integers are read up to 4300 digits, the environment variable PYTHONINTMAXSTRDIGITS=0
    lifts the limit)``.
    Anything else
    (an HTML page from a proxy) is summarised by what it is: ``expected JSON, got text/html;
    charset=utf-8 (37 bytes)``.
    """
    if not _is_json_type(content_type):
        shown = content_type or "no content type"
        return f"expected JSON, got {shown} ({len(content)} bytes)"
    kind = content_type.split(";")[0].strip()
    too_long = _INT_DIGITS_REFUSED.fullmatch(str(error))
    if too_long is not None and not isinstance(error, json.JSONDecodeError):
        # Valid JSON, past the interpreter's limit for text -> int (FINDINGS6 F4: was called
        # invalid JSON, with sys.set_int_max_str_digits() advice and no place).
        return _integer_too_long(content, kind, int(too_long["limit"]), int(too_long["digits"]))
    if isinstance(error, JSONNestingError):
        # Well-formed, maybe: too deep to read, not "invalid" (FINDINGS7 G26).
        return (
            f"JSON nested too deeply to read ({kind}, {len(content)} bytes: more "
            "arrays/objects inside each other than the parser allows)"
        )
    if isinstance(error, json.JSONDecodeError):
        reason = f"{error.msg.removesuffix(' at')} at byte {_byte_of(content, error)}"
    elif isinstance(error, UnicodeDecodeError):
        # The codec may have been given the body less its byte order mark (``utf-8-sig``).
        where = len(content) - len(error.object) + error.start
        reason = f"not {_ENCODING_NAMES.get(error.encoding, error.encoding)} text at byte {where}"
    else:
        reason = str(error)
    if not content.strip():
        reason = "empty body"
    return f"invalid JSON ({kind}, {len(content)} bytes: {reason})"


def error_from_response(
    *,
    status: int,
    method: str,
    path: str,
    content: bytes,
    headers: Mapping[str, str],
    redact: Callable[[str], str] | None = None,
) -> APIError:
    """Build the typed error for an HTTP error response.

    ``status`` picks the class (401, 403, 404, 409, 422, 429, 5xx, else APIError). The detail
    comes from the body (see ``describe_error_body``); the request id from ``x-request-id`` or
    ``x-correlation-id``. For 429 the ``Retry-After`` header (seconds) is kept.

    ``content`` and ``headers`` are the body and headers as the server sent them. ``redact``
    (e.g. the request's credentials replaced by ``***``) is applied to every text taken from
    them before it goes into the error (the detail, the request id, ``body``); the figures in
    the detail (the body's size in bytes, the byte at which invalid JSON broke) describe
    ``content`` as sent, not the redacted copy (FINDINGS10 K9).
    """
    scrub: Callable[[str], str] = redact if redact is not None else str
    text = scrub(content.decode("utf-8", errors="replace"))
    lower_headers = {k.lower(): scrub(v) for k, v in headers.items()}
    content_type = lower_headers.get("content-type", "")
    invalid_json: str | None = None
    try:
        body: Any = _json_loads(text) if text.strip() else None
    except ValueError:
        body = None
        if _is_json_type(content_type):
            try:  # again from the bytes as sent: the byte offset where the server's body broke
                _json_loads(content)
            except ValueError as exc:
                invalid_json = scrub(describe_unparsable_body(content, content_type, exc))
    detail, error_code = describe_error_body(body, text, content_type, size=len(content))
    if invalid_json is not None:
        detail = invalid_json
    request_id = next((lower_headers[h] for h in _REQUEST_ID_HEADERS if h in lower_headers), None)
    cls = _STATUS_CLASSES.get(status, ServerError if status >= 500 else APIError)
    try:
        retry_after: float | None = float(lower_headers["retry-after"])
    except (KeyError, ValueError):
        retry_after = None
    return cls(
        status=status,
        method=method,
        path=path,
        detail=detail,
        request_id=request_id,
        error_code=error_code,
        body=body,
        retry_after=retry_after,
    )
