"""The sandbox's dependency check tells "not installed" from "installed but failed to import"
(FINDINGS10 K12): a script beside a file named ``secrets.py`` (which hides the standard
library's ``secrets``, imported by starlette) was told ``the sandbox needs secrets, which is
not installed: pip install "ionworks-toolkit[sandbox]"``, advice that cannot help.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = """
from ionworks_toolkit.sandbox._server import require_dependencies
try:
    require_dependencies()
except ImportError as exc:
    print(f"{type(exc).__name__}: {exc}")
"""


def test_a_local_file_hiding_a_module_is_named_not_called_missing(tmp_path: Path) -> None:
    (tmp_path / "secrets.py").write_text("")
    shadow = tmp_path / "secrets.py"
    out = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert out == (
        "SandboxDependencyError: the sandbox needs fastapi and uvicorn, which are installed but "
        "failed to import: ImportError: cannot import name 'token_hex' from 'secrets' "
        f"({shadow}); a file named like a module they import (e.g. secrets.py "
        "beside your script) hides that module: rename it\n"
    )


def test_a_missing_module_is_still_not_installed(tmp_path: Path) -> None:
    check = "import sys; sys.modules['uvicorn'] = None\n" + CHECK
    out = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert out == (
        "SandboxDependencyError: the sandbox needs uvicorn, which is not installed: "
        'pip install "ionworks-toolkit[sandbox]"\n'
    )
