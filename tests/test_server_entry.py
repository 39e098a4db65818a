"""`asynclint server` as a subcommand: the extra's absence in one line, the core without pygls,
and a path named `server` still lintable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from asynclint.server.settings import Settings, parse_settings


def _run(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd,
                          check=False)


def test_without_the_lsp_extra_the_server_says_so_in_one_line_and_exits_2() -> None:
    done = _run("import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None\n"
                "from asynclint.entry import main; main(['server'])")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [(
        "asynclint server: the language server needs the 'lsp' extra: "
        "pip install 'asynclint[lsp]' (pygls and lsprotocol)"
    )]


def test_the_core_package_and_the_server_core_never_import_pygls() -> None:
    done = _run("import sys, asynclint.cli, asynclint.api, asynclint.engine, asynclint.server.core\n"
                "assert not {'pygls', 'lsprotocol'} & set(sys.modules), sorted(sys.modules)")
    assert done.returncode == 0, done.stderr


def test_a_directory_named_server_is_linted_as_a_path(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    (tmp_path / "server/app.py").write_text("import time\n\nasync def f():\n    time.sleep(1)\n")
    for argv in (["./server"], ["--", "server"]):
        done = subprocess.run([sys.executable, "-m", "asynclint", "--format", "concise", *argv],
                              capture_output=True, text=True, cwd=tmp_path, check=False)
        assert done.returncode == 1 and "AL101" in done.stdout, (argv, done.stderr)


def test_bad_settings_are_reported_one_line_each_and_the_rest_applies() -> None:
    settings, problems = parse_settings(
        {"asynclint": {"run": "onSave", "unsafeFixes": "yes", "colour": 1, "select": ["al1"]}},
        Settings(),
    )
    assert settings.run == "onSave" and settings.select == ("AL1",) and not settings.unsafe_fixes
    assert len(problems) == 2 and all(p.startswith("asynclint settings: ") for p in problems)
