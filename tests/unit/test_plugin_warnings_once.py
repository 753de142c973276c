"""Plugin and preset warnings are given once (a ToolkitWarning, never also a log line),
pointing at the caller's own line; advice to switch a plugin off fits the caller (the
Toolkit argument / setting from Python, ``--disable-plugin`` on the command line).

Kept out of the mutation groups as test_warning_locations.py is: mutmut's trampolines add
stack frames."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ionworks_toolkit import Toolkit, hookimpl
from ionworks_toolkit.cli import main
from ionworks_toolkit.errors import PluginError, ToolkitWarning, switch_off_advice

UNKNOWN = (
    "cannot switch off plugin 'nosuch': there is no plugin of that name; plugins: "
    "ionworks-auth, ionworks-presets, ionworks-sinks"
)
SECRET = "sk-live-warn-0123456789"


class Csv:
    @hookimpl
    def ionworks_register_sinks(self, register: Any) -> None:
        register("csv", lambda target, options: None)


class Raises:
    name = "acme"

    @hookimpl
    def ionworks_request(self, request: httpx.Request) -> None:
        raise RuntimeError(f"the lab server refused key {SECRET}")


def _toolkit(tmp_path: Path, **kwargs: Any) -> Toolkit:
    return Toolkit(
        api_url="https://api.example.com",
        api_key=SECRET,
        load_entry_points=False,
        environ={},
        working_dir=str(tmp_path),
        max_retries=0,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=[])),
        **kwargs,
    )


def test_a_warning_is_given_once_at_the_callers_line_and_never_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        toolkit = Toolkit(api_key=SECRET, disable_plugins=["nosuch"], plugins=[Csv()], environ={})
    clash = (
        "plugin Csv registered sink 'csv' under a built-in sink name: not registered (built-in "
        "names win); give it another name"
    )
    assert [(w.category, w.filename, w.lineno, str(w.message)) for w in caught] == [
        (
            ToolkitWarning,
            __file__,
            line,
            f"{UNKNOWN}, Csv",
        ),
        (ToolkitWarning, __file__, line, clash),
    ]
    assert [r.getMessage() for r in caplog.records if "built-in sink name" in r.getMessage()] == []
    assert [r.getMessage() for r in caplog.records if "nosuch" in r.getMessage()] == []
    toolkit.close()


def test_a_script_with_logging_on_sees_the_warning_once_at_its_own_line(tmp_path: Path) -> None:
    script = tmp_path / "user_script.py"
    script.write_text(
        textwrap.dedent(
            """\
            import logging
            logging.basicConfig()
            from ionworks_toolkit import Toolkit
            Toolkit(api_key="k", disable_plugins=["nosuch"], load_entry_points=True).close()
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "default"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"{script}:4: ToolkitWarning: {UNKNOWN}",
        '  Toolkit(api_key="k", disable_plugins=["nosuch"], load_entry_points=True).close()',
    ]


def test_a_raising_hook_advises_the_python_argument_from_python(tmp_path: Path) -> None:
    toolkit = _toolkit(tmp_path, plugins=[Raises()])
    with pytest.raises(PluginError) as caught:
        toolkit.list_projects()
    assert str(caught.value) == (
        "plugin acme's ionworks_request hook raised RuntimeError: the lab server refused key *** "
        "(switch it off with disable_plugins=['acme'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme)"
    )
    assert SECRET not in repr(caught.value) and SECRET not in str(caught.value)
    toolkit.close()


def test_the_command_lines_advice_ends_with_the_command(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["-v", "--disable-plugin", "nosuch", "sinks", "list"])
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "nosuch" in line] == [
        f"warning: {UNKNOWN}"
    ]
    # In the same process, a Python caller is advised the Python way again.
    assert switch_off_advice("acme") == (
        "disable_plugins=['acme'] or IONWORKS_TOOLKIT_DISABLE_PLUGINS=acme"
    )
    assert not any(
        f[0] == "always" and f[2] is ToolkitWarning for f in warnings.filters
    )  # the CLI's filter undone
