"""A config file saved with a UTF-8 byte-order mark is read (FINDINGS9 J13).

Windows Notepad saves "UTF-8 with BOM"; ``ionworks-toolkit.toml`` so saved failed with
``is not valid TOML: Invalid statement (at line 1, column 1)``, while the same BOM in ``.env``
was accepted. The mark is skipped before the TOML is read; a BOM anywhere else is still
TOML's business, and an error's line and column stay those of the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ionworks_toolkit import ConfigurationError
from ionworks_toolkit.cli import main
from ionworks_toolkit.settings import UTF8_BOM, load_settings

BOM = b"\xef\xbb\xbf"


def test_a_config_file_with_a_bom_is_read(tmp_path: Path) -> None:
    config = tmp_path / "ionworks-toolkit.toml"
    config.write_bytes(BOM + b'page_size = 17\n[presets.x]\nname = "eq.B0056 aging test"\n')
    settings = load_settings(config_file=config, environ={})
    assert settings.page_size == 17
    assert dict(settings.presets) == {"x": {"name": "eq.B0056 aging test"}}
    assert UTF8_BOM == BOM


def test_errors_keep_their_place_and_a_second_bom_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_bytes(BOM + b"page_size = 17\napi_url = \n")
    with pytest.raises(ConfigurationError) as info:
        load_settings(config_file=config, environ={})
    assert str(info.value) == (
        f"config file {config} is not valid TOML: Invalid value (at line 2, column 11)"
    )
    config.write_bytes(BOM + BOM + b"page_size = 17\n")
    with pytest.raises(ConfigurationError) as info:
        load_settings(config_file=config, environ={})
    assert str(info.value) == (
        f"config file {config} is not valid TOML: Invalid statement (at line 1, column 1)"
    )


def test_the_cli_uses_a_preset_from_a_config_file_with_a_bom(
    runner: CliRunner, tmp_path: Path
) -> None:
    """J13's reproduction: ``presets show x`` reads the preset instead of failing."""
    (tmp_path / "ionworks-toolkit.toml").write_bytes(
        BOM + b'[presets.x]\ndescription = "B0056"\nname = "eq.B0056 aging test"\n'
    )
    result = runner.invoke(main, ["presets", "show", "x"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "x: B0056\noperation: list_cell_measurements_by_project\nfrom: config file "
        f"{tmp_path / 'ionworks-toolkit.toml'}\n  name = eq.B0056 aging test\n",
        "",
    )
