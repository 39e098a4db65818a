"""Start-up: what a run imports decides what it costs before it does anything.

`--version`, `--help`, `--list-rules`, `--explain` and a run over code without async never load
libcst or the checker (editors and pre-commit run these constantly); `--version` loads not even
the command line parser.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import command

HEAVY = ("click", "libcst", "asynclint.cli", "asynclint.checker", "asynclint.engine")


def loaded_by(arguments: list[str], cwd: Path) -> tuple[str, list[str]]:
    """What `asynclint ARGUMENTS` prints, and which heavy modules it imported."""
    probe = (
        "import json, sys\nfrom asynclint.entry import main\n"
        f"try:\n    main({arguments!r})\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, check=True)
    return done.stdout, json.loads(done.stderr.splitlines()[-1])


def test_version_is_answered_without_importing_the_command_line_parser(tmp_path: Path) -> None:
    printed, loaded = loaded_by(["--version"], tmp_path)
    assert printed == CliRunner().invoke(command, ["--version"]).output == "asynclint, version 0.1.0\n"
    assert loaded == []


@pytest.mark.parametrize(
    "arguments",
    [["--help"], ["--list-rules"], ["--explain", "AL101"], ["--version", "--quiet"], ["."]],
    ids=["help", "list-rules", "explain", "version-with-another-option", "no-async-code"],
)
def test_informational_runs_and_runs_without_async_code_never_load_the_checker(
    arguments: list[str], tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\n")
    (tmp_path / "plain.py").write_text("def f():\n    return 1\n")
    printed, loaded = loaded_by(arguments, tmp_path)
    assert printed
    assert loaded == ["asynclint.cli", "click"]


def test_the_module_entry_point_runs_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asynclint", "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert (done.returncode, done.stdout) == (0, "asynclint, version 0.1.0\n")
