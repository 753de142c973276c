"""``SinkContract``: the public sink contract as a base class of pytest tests.

A plugin author subclasses it once per sink; every ``test_*`` method below is one rule of the
contract (``ionworks_toolkit.sinks.Sink``), and a failure message starts with the rule's name,
e.g. ``sink contract rule 'no implicit commit' broken: ...``.

Only the standard library and pytest are imported here; the plugin host (``Toolkit``) is
imported when a test resolves ``scheme``.
"""

from __future__ import annotations

import copy
import inspect
import json
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

if TYPE_CHECKING:
    from ..session import Toolkit
    from ..sinks import Sink, SinkFactory

__all__ = ["CONTRACT_RULES", "ContractProbeError", "SinkContract"]

#: Rule name -> what it requires. Failure messages start with ``sink contract rule '<name>'``.
CONTRACT_RULES: Mapping[str, str] = {
    "registered": "scheme resolves through the plugin host (the plugin is installed and its "
    "ionworks_register_sinks hook registers the scheme)",
    "accepts pages": "write() accepts pages of real sandbox records, once per page, without "
    "modifying them; commit() then succeeds; the sink follows the Sink protocol",
    "empty run": "commit() with no write() before it (a project without measurements) succeeds",
    "commit publishes": "commit() publishes: the output differs from before the run, and "
    "stays when the with block ends",
    "no implicit commit": "leaving the with block without commit() publishes nothing and "
    "keeps the previous output",
    "exception aborts": "an exception inside the with block propagates, aborts, and keeps "
    "the previous output",
    "KeyboardInterrupt aborts": "a KeyboardInterrupt (Ctrl-C) inside the with block "
    "propagates, aborts, and keeps the previous output",
    "closed sink refuses": "write() and commit() after commit() or abort() raise, and change "
    "nothing",
    "abort is idempotent": "abort() twice raises nothing and keeps the previous output; "
    "abort() after commit() keeps the published output",
    "prepare publishes nothing": "prepare() (phase 1 of two-phase publishing, optional) makes "
    "nothing visible and refuses further write(); commit() after it publishes; abort() or "
    "leaving the with block after it keeps the previous output",
    "declares staging": "the sink sets stages_output = True: it stages its output and "
    "publishes it only in commit(), as the abort rules check; without it a failed run reports "
    "its output state as unknown, never as rolled back",
    "describe is one line": "describe() returns one non-empty line",
    "bad target": "each of bad_targets raises ValueError from the factory and creates nothing",
    "read back": "the records read back equal the records written (after the sink's "
    "documented normalisation, expected_records())",
}


class ContractProbeError(Exception):
    """The exception the suite raises inside a sink's ``with`` block (rule 'exception
    aborts'). A sink must let it propagate."""


def _broken(rule: str, detail: str) -> None:
    __tracebackhide__ = True
    pytest.fail(f"sink contract rule {rule!r} broken: {detail}\n  rule: {CONTRACT_RULES[rule]}")


def _describe_state(state: Any) -> str:
    if isinstance(state, dict) and all(isinstance(v, bytes) for v in state.values()):
        if not state:
            return "no files"
        return ", ".join(f"{name} ({len(data)} bytes)" for name, data in sorted(state.items()))
    text = repr(state)
    return text if len(text) <= 300 else text[:300] + "..."


def _state_diff(before: Any, after: Any) -> str:
    if isinstance(before, dict) and isinstance(after, dict):
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
        parts = []
        if added:
            parts.append(f"added {added}")
        if removed:
            parts.append(f"removed {removed}")
        if changed:
            parts.append(f"changed {changed}")
        if parts:
            return "; ".join(parts)
    return f"before: {_describe_state(before)}; after: {_describe_state(after)}"


def _changed_outputs(previous: Any, prepared: Any) -> str:
    """What a prepared (not yet committed) run changed of the previous output; ``""`` if
    nothing. For file snapshots new files are allowed (temporary files, journals): only
    files that existed before must be byte-identical."""
    if isinstance(previous, dict) and isinstance(prepared, dict):
        touched = sorted(k for k in previous if prepared.get(k, _MISSING) != previous[k])
        return f"changed or removed {touched}" if touched else ""
    return "" if previous == prepared else _state_diff(previous, prepared)


def _first_difference(got: Sequence[Any], expected: Sequence[Any]) -> str:
    if len(got) != len(expected):
        return f"{len(got)} records read back, {len(expected)} written"
    for index, (g, e) in enumerate(zip(got, expected, strict=True)):
        if g != e:
            if isinstance(g, Mapping) and isinstance(e, Mapping):
                keys = sorted(
                    {str(k) for k in set(g) | set(e) if g.get(k, _MISSING) != e.get(k, _MISSING)}
                )
                shown = "; ".join(
                    f"{k}: read {g.get(k, '<missing>')!r}, wrote {e.get(k, '<missing>')!r}"
                    for k in keys[:5]
                )
                return f"record #{index + 1} differs: {shown}"
            return f"record #{index + 1} differs: read {g!r}, wrote {e!r}"
    return "records differ"


_MISSING = object()
_HINT = " (does __exit__ call commit(), or write() write to the target itself?)"


class SinkContract:
    """Base class of pytest tests that check one sink against the public sink contract.

    Subclass it in a test module (the class name must start with ``Test``) and give:

    * ``scheme = "acme"``: the sink is built from ``acme:<target>`` through the plugin host
      (a ``Toolkit`` with the installed plugins, plus ``plugins``), so registration is tested
      too; **or** ``factory = make_acme_sink``: a ``SinkFactory``
      (``factory(target, options) -> Sink``) called directly;
    * ``make_target(self, tmp_path) -> str``: the target as written after ``SCHEME:``,
      options included (``str(tmp_path / "out.acme")``, ``"out.db?table=cells"``). Put every
      output under ``tmp_path``: the default :meth:`published_state` snapshots it;
    * optionally ``read_back(self, target) -> list[dict]``: the records the published output
      holds, compared with :meth:`expected_records` of the records written;
    * optionally ``published_state(self, target)``: what the sink has published, as any
      comparable value (default: every file under ``tmp_path``, name -> bytes; override it
      for a sink that writes elsewhere, e.g. a database server);
    * optionally ``bad_targets = ("out.acme?colour=red", ...)``: targets the factory must
      refuse with ``ValueError``; ``plugins = [obj]``: plugin objects registered explicitly
      (for a plugin that is not installed as a distribution).

    The records are the ``ionworks_sample_pages`` fixture: 4 pages of 5 real measurements
    from the sandbox (one page per real project), each record the ``to_dict()`` of a
    ``CellMeasurementWithDetails``. Runs that need a previous output commit the first two
    pages, then run with the last two. Rules and their names: :data:`CONTRACT_RULES`.

    Example::

        from ionworks_toolkit.testing import SinkContract

        class TestCountSink(SinkContract):
            scheme = "count"

            def make_target(self, tmp_path):
                return str(tmp_path / "counts.json")
    """

    scheme: ClassVar[str | None] = None
    factory: ClassVar[SinkFactory | None] = None
    plugins: ClassVar[Sequence[object]] = ()
    bad_targets: ClassVar[Sequence[str]] = ()
    read_back: ClassVar[Callable[..., list[dict[str, Any]]] | None] = None

    tmp_path: Path
    pages: list[list[dict[str, Any]]]
    _target: str | None
    _host: Toolkit | None

    # ------------------------------------------------------------------ hooks for subclasses

    def make_target(self, tmp_path: Path) -> str:
        """The target (text after ``SCHEME:``) for one test, under ``tmp_path``."""
        raise NotImplementedError(
            f"{type(self).__name__} must define make_target(self, tmp_path) -> str"
        )

    def expected_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The records as ``read_back`` should return them (the sink's documented
        normalisation). Default: unchanged (a JSON round trip)."""
        return [json.loads(json.dumps(record)) for record in records]

    def published_state(self, target: str) -> Any:
        """What the sink has published so far, compared before and after each run.

        Default: every file under ``tmp_path``, ``{relative path: bytes}``, so a temporary
        file left behind by an abort counts as output too.
        """
        root = self.tmp_path
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    def open_sink(self, target: str) -> Sink:
        """Build the sink for ``target``: through the plugin host (``scheme``) or
        ``factory``. Override only for a sink that needs more than a target."""
        factory, options_target = self._resolve()
        from ionworks_toolkit.sinks import parse_sink_target

        parsed = parse_sink_target(f"{options_target}:{target}", [options_target])
        return factory(parsed.target, dict(parsed.options))

    # ------------------------------------------------------------------ plumbing

    @pytest.fixture(autouse=True)
    def _sink_contract_setup(
        self, tmp_path: Path, ionworks_sample_pages: list[list[dict[str, Any]]]
    ) -> Iterator[None]:
        self.tmp_path = tmp_path
        self.pages = copy.deepcopy(ionworks_sample_pages)
        self._target = None
        self._host = None
        yield
        if self._host is not None:
            self._host.close()

    @property
    def target(self) -> str:
        """This test's target (``make_target`` is called once per test, lazily, so it may
        use attributes set by the subclass's own fixtures)."""
        if self._target is None:
            target = self.make_target(self.tmp_path)
            if self.scheme and target.lower().startswith(self.scheme.lower() + ":"):
                target = target[len(self.scheme) + 1 :]
            self._target = target
        return self._target

    def _factory_attribute(self) -> Any:
        factory = inspect.getattr_static(self, "factory", None)
        if isinstance(factory, staticmethod):
            return factory.__func__
        if isinstance(factory, classmethod):
            return getattr(self, "factory")  # noqa: B009 (bound to the class on purpose)
        return factory

    def _resolve(self) -> tuple[SinkFactory, str]:
        """``(factory, scheme)``; the scheme is ``"contract"`` for a bare factory."""
        factory = self._factory_attribute()
        if self.scheme and factory is not None:
            raise TypeError(f"{type(self).__name__}: give either scheme or factory, not both")
        if factory is not None:
            return factory, "contract"
        if not self.scheme:
            raise TypeError(
                f"{type(self).__name__} must set scheme = '...' (resolved through the plugin "
                "host) or factory = <SinkFactory>"
            )
        host = self._plugin_host()
        scheme = self.scheme.lower()
        if scheme not in host.sink_factories:
            known = ", ".join(sorted(host.sink_factories)) or "(none)"
            failed = [
                f"{info.name}: {info.error}"
                for info in host.plugins.list_plugins()
                if info.status == "failed"
            ]
            _broken(
                "registered",
                f"no plugin registers sink scheme {scheme!r}; registered schemes: {known}. "
                "Is the plugin installed (pip install -e .) with an entry point in the group "
                "'ionworks_toolkit', and does its ionworks_register_sinks hook call "
                f"register({scheme!r}, factory)?"
                + (f" Plugins that failed: {'; '.join(failed)}" if failed else ""),
            )
        return host.sink_factories[scheme][0], scheme

    def _plugin_host(self) -> Toolkit:
        if self._host is None:
            from ionworks_toolkit import Toolkit

            self._host = Toolkit(
                plugins=list(self.plugins),
                environ={},
                working_dir=str(self.tmp_path),
            )
        return self._host

    def _open(self) -> Sink:
        return self.open_sink(self.target)

    def _state(self) -> Any:
        return self.published_state(self.target)

    def _run(self, pages: Sequence[Sequence[dict[str, Any]]], end: str = "commit") -> Sink:
        """One run over ``pages``; ``end``: ``commit``, ``leave`` (no commit), ``raise``
        (ContractProbeError) or ``interrupt`` (KeyboardInterrupt) inside the block."""
        sink = self._open()
        raised: BaseException | None = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # BaseSink warns on leaving without commit
                with sink:
                    for page in pages:
                        sink.write(page)
                    if end == "commit":
                        sink.commit()
                    elif end == "raise":
                        raise ContractProbeError("raised inside the with block by SinkContract")
                    elif end == "interrupt":
                        raise KeyboardInterrupt
        except (ContractProbeError, KeyboardInterrupt) as exc:
            raised = exc
        if end == "raise" and not isinstance(raised, ContractProbeError):
            _broken(
                "exception aborts",
                "the exception raised inside the with block did not propagate (__exit__ "
                "must return None/False, never True)",
            )
        if end == "interrupt" and not isinstance(raised, KeyboardInterrupt):
            _broken(
                "KeyboardInterrupt aborts",
                "the KeyboardInterrupt raised inside the with block did not propagate "
                "(__exit__ must return None/False, never True)",
            )
        return sink

    def _previous_output(self) -> Any:
        """Commit the first two pages; return the published state."""
        self._run(self.pages[:2])
        return self._state()

    @property
    def _records(self) -> list[dict[str, Any]]:
        return [record for page in self.pages for record in page]

    # ------------------------------------------------------------------ the rules

    def test_scheme_is_registered(self) -> None:
        """Rule 'registered' (only with ``scheme``)."""
        if not self.scheme:
            pytest.skip("factory given: registration is not tested (set scheme to test it)")
        factory, _ = self._resolve()
        assert callable(factory)

    def test_accepts_pages_of_real_records(self) -> None:
        """Rule 'accepts pages'."""
        from ionworks_toolkit.sinks import Sink

        sink = self._open()
        if not isinstance(sink, Sink):
            missing = [
                name
                for name in ("__enter__", "__exit__", "write", "commit", "abort")
                if not callable(getattr(sink, name, None))
            ]
            _broken("accepts pages", f"{sink!r} lacks {missing} of the Sink protocol")
        pristine = copy.deepcopy(self.pages)
        with sink:
            for number, page in enumerate(self.pages, start=1):
                try:
                    sink.write(page)
                except Exception as exc:
                    _broken(
                        "accepts pages",
                        f"write() of page {number} ({len(page)} records) raised "
                        f"{type(exc).__name__}: {exc}",
                    )
            try:
                sink.commit()
            except Exception as exc:
                _broken("accepts pages", f"commit() raised {type(exc).__name__}: {exc}")
        if self.pages != pristine:
            _broken("accepts pages", "write() modified the records it was given")

    def test_empty_run_commits(self) -> None:
        """Rule 'empty run'."""
        sink = self._open()
        with sink:
            try:
                sink.commit()
            except Exception as exc:
                _broken(
                    "empty run",
                    f"commit() without any write() raised {type(exc).__name__}: {exc}",
                )

    def test_commit_publishes(self) -> None:
        """Rule 'commit publishes': published by ``commit()``, still there after the block."""
        before = self._state()
        sink = self._open()
        with sink:
            for page in self.pages[:2]:
                sink.write(page)
            sink.commit()
            published = self._state()
        after = self._state()
        if published == before:
            _broken(
                "commit publishes",
                f"nothing changed after commit() ({_describe_state(published)})",
            )
        if after != published:
            _broken(
                "commit publishes",
                "leaving the with block after commit() changed the output: "
                f"{_state_diff(published, after)}",
            )

    def test_leaving_without_commit_publishes_nothing(self) -> None:
        """Rule 'no implicit commit': no previous output."""
        before = self._state()
        self._run(self.pages[2:], end="leave")
        after = self._state()
        if after != before:
            _broken(
                "no implicit commit",
                f"leaving the with block without commit() published output{_HINT}: "
                f"{_state_diff(before, after)}",
            )

    def _check_previous_output_kept(self, end: str, rule: str, what: str) -> None:
        """Commit a previous output, run the last pages ending with ``end``: the previous
        output must be unchanged."""
        __tracebackhide__ = True
        previous = self._previous_output()
        self._run(self.pages[2:], end=end)
        after = self._state()
        if after != previous:
            _broken(rule, f"{what} changed the previous output: {_state_diff(previous, after)}")

    def test_leaving_without_commit_keeps_previous_output(self) -> None:
        """Rule 'no implicit commit': over a previous output."""
        self._check_previous_output_kept(
            "leave", "no implicit commit", f"leaving the with block without commit(){_HINT}"
        )

    def test_exception_inside_block_aborts_and_keeps_previous_output(self) -> None:
        """Rule 'exception aborts'."""
        self._check_previous_output_kept(
            "raise", "exception aborts", "an exception inside the with block"
        )

    def test_keyboard_interrupt_inside_block_aborts_and_keeps_previous_output(self) -> None:
        """Rule 'KeyboardInterrupt aborts'."""
        self._check_previous_output_kept(
            "interrupt", "KeyboardInterrupt aborts", "a KeyboardInterrupt inside the with block"
        )

    @pytest.mark.parametrize("closed_by", ["commit", "abort"])
    @pytest.mark.parametrize("call", ["write", "commit"])
    def test_closed_sink_refuses(self, closed_by: str, call: str) -> None:
        """Rule 'closed sink refuses'."""
        sink = self._open()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with sink:
                sink.write(self.pages[0])
                getattr(sink, closed_by)()
                published = self._state()
                try:
                    if call == "write":
                        sink.write(self.pages[1])
                    else:
                        sink.commit()
                except Exception:
                    pass
                else:
                    _broken(
                        "closed sink refuses",
                        f"{call}() after {closed_by}() raised nothing (expected an error, "
                        "e.g. SinkStateError)",
                    )
        after = self._state()
        if after != published:
            _broken(
                "closed sink refuses",
                f"{call}() after {closed_by}() changed the output: {_state_diff(published, after)}",
            )

    def test_abort_is_idempotent(self) -> None:
        """Rule 'abort is idempotent': twice, over a previous output."""
        previous = self._previous_output()
        sink = self._open()
        with sink:
            sink.write(self.pages[2])
            for attempt in ("first", "second"):
                try:
                    sink.abort()
                except Exception as exc:
                    _broken(
                        "abort is idempotent",
                        f"the {attempt} abort() raised {type(exc).__name__}: {exc}",
                    )
        after = self._state()
        if after != previous:
            _broken(
                "abort is idempotent",
                f"abort() changed the previous output: {_state_diff(previous, after)}",
            )

    def test_abort_after_commit_keeps_published_output(self) -> None:
        """Rule 'abort is idempotent': after commit (an export aborts every sink when a later
        sink's commit fails, including those already committed)."""
        sink = self._open()
        with sink:
            sink.write(self.pages[0])
            sink.commit()
            published = self._state()
            try:
                sink.abort()
            except Exception as exc:
                _broken(
                    "abort is idempotent",
                    f"abort() after commit() raised {type(exc).__name__}: {exc}",
                )
        after = self._state()
        if after != published:
            _broken(
                "abort is idempotent",
                f"abort() after commit() changed the published output: "
                f"{_state_diff(published, after)}",
            )

    def _prepare_of(self, sink: Sink) -> Callable[[], None]:
        prepare = getattr(sink, "prepare", None)
        if prepare is None:
            sink.abort()
            pytest.skip("the sink has no prepare() (two-phase publishing is optional)")
        return prepare

    def test_prepare_publishes_nothing_until_commit(self) -> None:
        """Rule 'prepare publishes nothing' (only with ``prepare``): then commit publishes."""
        previous = self._previous_output()
        sink = self._open()
        prepare = self._prepare_of(sink)
        read_back = self.read_back
        read_before = read_back(self.target) if read_back is not None else None
        with sink:
            for page in self.pages[2:]:
                sink.write(page)
            prepare()
            prepared = self._state()
            changed = _changed_outputs(previous, prepared)
            if changed:
                _broken(
                    "prepare publishes nothing",
                    f"prepare() changed the previous output: {changed}",
                )
            if read_back is not None and read_back(self.target) != read_before:
                _broken(
                    "prepare publishes nothing",
                    "after prepare() a reader sees other records than before the run",
                )
            try:
                sink.write(self.pages[0])
            except Exception:
                pass
            else:
                _broken("prepare publishes nothing", "write() after prepare() raised nothing")
            sink.commit()
        after = self._state()
        if after == previous:
            _broken(
                "prepare publishes nothing",
                f"commit() after prepare() published nothing ({_describe_state(after)})",
            )

    @pytest.mark.parametrize("end", ["abort", "leave"])
    def test_prepared_run_that_ends_without_commit_keeps_previous_output(self, end: str) -> None:
        """Rule 'prepare publishes nothing' (only with ``prepare``): abort or no commit."""
        previous = self._previous_output()
        sink = self._open()
        prepare = self._prepare_of(sink)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with sink:
                for page in self.pages[2:]:
                    sink.write(page)
                prepare()
                if end == "abort":
                    sink.abort()
        after = self._state()
        if after != previous:
            what = "abort()" if end == "abort" else f"leaving the with block{_HINT}"
            _broken(
                "prepare publishes nothing",
                f"{what} after prepare() changed the previous output: "
                f"{_state_diff(previous, after)}",
            )

    def test_sink_declares_that_it_stages_its_output(self) -> None:
        """Rule 'declares staging': the promise that failed runs report as "rolled back
        (previous output kept)" is the sink's own ``stages_output``; the abort rules above
        check that it holds."""
        sink = self._open()
        sink.abort()
        declared = getattr(sink, "stages_output", None)
        if declared is not True:
            _broken(
                "declares staging",
                f"{type(sink).__name__}.stages_output is {declared!r}; set the class "
                "attribute stages_output = True once the abort rules pass",
            )

    def test_describe_is_one_line(self) -> None:
        """Rule 'describe is one line' (sinks without ``describe`` are named by their
        target in summaries, so the rule is skipped for them)."""
        sink = self._run(self.pages)
        describe = getattr(sink, "describe", None)
        if describe is None:
            pytest.skip("the sink has no describe()")
        text = describe()
        if not isinstance(text, str) or not text.strip() or "\n" in text or "\r" in text:
            _broken("describe is one line", f"describe() after commit returned {text!r}")

    def test_bad_targets_are_refused(self) -> None:
        """Rule 'bad target' (only with ``bad_targets``)."""
        if not self.bad_targets:
            pytest.skip("no bad_targets given")
        before = self._state()
        for bad in self.bad_targets:
            try:
                sink = self.open_sink(bad)
            except ValueError:
                continue
            except Exception as exc:
                _broken(
                    "bad target",
                    f"{bad!r} raised {type(exc).__name__} (not a ValueError): {exc}",
                )
            else:
                sink.abort()
                _broken("bad target", f"{bad!r} was accepted: {sink!r}")
        after = self._state()
        if after != before:
            _broken("bad target", f"refusing a bad target created output: {after!r}")

    def test_records_read_back_equal_records_written(self) -> None:
        """Rule 'read back' (only with ``read_back``)."""
        if type(self).read_back is None:
            pytest.skip("no read_back given")
        self._run(self.pages)
        assert self.read_back is not None
        got = self.read_back(self.target)
        expected = self.expected_records(self._records)
        if got != expected:
            _broken("read back", _first_difference(got, expected))
