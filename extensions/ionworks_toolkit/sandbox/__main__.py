"""``python -m ionworks_toolkit.sandbox``: serve the sandbox API with uvicorn (blocking).

Every option maps one to one onto a :class:`SandboxOptions` field (``--bearer-token`` may be
repeated; the first one is the one that ``--expire-token-after-requests`` expires).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from ._options import SandboxOptions

__all__ = ["build_parser", "main", "options_from_args"]


def _port(text: str) -> int:
    """A TCP port for ``--port``: an integer 0..65535 (0 picks a free one)."""
    if re.fullmatch(r"\s*[+-]?[0-9]+\s*", text) is None:  # ASCII digits: int() reads "8_0", "８０"
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer (0..65535)")
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is outside 0..65535 (0 picks a free one)")
    return port


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m ionworks_toolkit.sandbox``."""
    defaults = SandboxOptions()
    p = argparse.ArgumentParser(
        prog="python -m ionworks_toolkit.sandbox",
        description="Serve the offline Ionworks sandbox API over real battery-cell metadata.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    p.add_argument(
        "--port", type=_port, default=8000, help="TCP port, 0..65535 (default: %(default)s)"
    )
    p.add_argument("--log-level", default="info", help="uvicorn log level (default: %(default)s)")
    p.add_argument("--api-key", default=defaults.api_key, help="accepted X-API-Key value")
    p.add_argument(
        "--no-api-key", action="store_true", help="refuse X-API-Key (bearer tokens only)"
    )
    p.add_argument(
        "--bearer-token",
        action="append",
        dest="bearer_tokens",
        metavar="TOKEN",
        help="accepted bearer token; repeat for several (default: sandbox-token)",
    )
    p.add_argument(
        "--expire-token-after-requests",
        type=int,
        metavar="N",
        help="the first bearer token is refused from request N+1 on ('Token expired')",
    )
    p.add_argument(
        "--scale",
        type=int,
        metavar="N",
        help="add a synthetic project with exactly N measurements copied from the real ones",
    )
    p.add_argument(
        "--latency-ms", type=float, default=0.0, metavar="MS", help="delay every request by MS"
    )
    p.add_argument(
        "--rate-limit-every",
        type=int,
        metavar="K",
        help="every K-th request gets 429 with Retry-After",
    )
    p.add_argument(
        "--retry-after-s",
        type=int,
        default=defaults.retry_after_s,
        metavar="S",
        help="Retry-After seconds of the 429s (default: %(default)s)",
    )
    p.add_argument(
        "--fail-500-on-request", type=int, metavar="N", help="request N gets a 500 error"
    )
    p.add_argument(
        "--drop-connection-on-request",
        type=int,
        metavar="N",
        help="request N's connection is closed mid-response",
    )
    p.add_argument(
        "--total-offset",
        type=int,
        default=0,
        metavar="D",
        help="add D to every page's total (negative: too low)",
    )
    p.add_argument(
        "--ignore-offset", action="store_true", help="ignore offset: always serve the first page"
    )
    p.add_argument(
        "--page-cache-mib",
        type=float,
        default=0.0,
        metavar="MIB",
        help="serve repeated GETs from up to MIB of cached response bytes (benchmarks)",
    )
    return p


def options_from_args(args: argparse.Namespace) -> SandboxOptions:
    """Turn parsed arguments into :class:`SandboxOptions`."""
    return SandboxOptions(
        api_key=None if args.no_api_key else args.api_key,
        bearer_tokens=tuple(args.bearer_tokens) if args.bearer_tokens else ("sandbox-token",),
        expire_token_after_requests=args.expire_token_after_requests,
        scale=args.scale,
        latency_ms=args.latency_ms,
        rate_limit_every=args.rate_limit_every,
        retry_after_s=args.retry_after_s,
        fail_500_on_request=args.fail_500_on_request,
        drop_connection_on_request=args.drop_connection_on_request,
        total_offset=args.total_offset,
        ignore_offset=args.ignore_offset,
        page_cache_mib=args.page_cache_mib,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse *argv*, then serve until interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        options = options_from_args(args)
    except ValueError as exc:
        parser.error(str(exc))
    from ._server import SandboxDependencyError, remote_warning, serve

    warning = remote_warning(args.host)
    if warning is not None:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        serve(options, host=args.host, port=args.port, log_level=args.log_level)
    except SandboxDependencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A busy or unusable address: a usage problem (exit 2), one line.
        print(f"error: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
