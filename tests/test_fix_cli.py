"""`--fix`, `--unsafe-fixes`, `--fix-only`, `--diff`, `--show-fixes`, `--exit-non-zero-on-fix`
and standard input with `--fix`, end to end through the click command."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from asynclint.cli import command

SETUP = "from sqlalchemy.ext.asyncio import AsyncSession\nimport time\n"
BOTH = SETUP + "\nasync def save(s: AsyncSession, x):\n    time.sleep(1)\n    await s.add(x)\n    await s.commit()\n"
SAFE_FIXED = SETUP + "\nasync def save(s: AsyncSession, x):\n    time.sleep(1)\n    s.add(x)\n    await s.commit()\n"
ALL_FIXED = (
    SETUP + "import asyncio\n\nasync def save(s: AsyncSession, x):\n    await asyncio.sleep(1)\n"
    "    s.add(x)\n    await s.commit()\n"
)


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, **invoke: object) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False, **invoke)


def write(name: str, data: str | bytes) -> Path:
    path = Path(name)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def test_text_output_marks_fixable_findings_and_counts_them():
    write("app.py", BOTH)
    result = run("app.py")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(" AL203 [*] " in line for line in lines)
    assert any(" AL101 time.sleep()" in line for line in lines)  # unsafe: not marked
    assert lines[-1] == "1 fixable with `--fix` (1 more with `--unsafe-fixes`)."
    unsafe = run("--unsafe-fixes", "app.py").stdout
    assert " AL101 [*] " in unsafe and unsafe.endswith("2 fixable with `--fix`.\n")


def test_fix_applies_safe_fixes_only_and_reports_what_is_left():
    path = write("app.py", BOTH)
    result = run("--fix", "app.py")
    assert path.read_text() == SAFE_FIXED
    assert result.exit_code == 1
    assert "AL203" not in result.stdout and " AL101 " in result.stdout
    assert "Found 2 findings (1 fixed, 1 remaining in 1 file)." in result.stdout


def test_fix_with_unsafe_fixes_leaves_nothing_and_exits_0():
    path = write("app.py", BOTH)
    result = run("--fix", "--unsafe-fixes", "app.py")
    assert path.read_text() == ALL_FIXED
    assert result.exit_code == 0
    assert "Found 2 findings (2 fixed, 0 remaining)." in result.stdout


def test_a_second_fix_run_changes_nothing():
    path = write("app.py", BOTH)
    run("--fix", "--unsafe-fixes", "app.py")
    before = path.read_bytes()
    second = run("--fix", "--unsafe-fixes", "app.py")
    assert path.read_bytes() == before
    assert second.exit_code == 0
    assert "All checks passed" in second.stdout


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (BOTH.replace("\n", "\r\n").encode(), ALL_FIXED.replace("\n", "\r\n").encode()),
        (BOTH.replace("\n", "\r").encode(), ALL_FIXED.replace("\n", "\r").encode()),
        (
            ("# -*- coding: latin-1 -*-\n" + BOTH.replace("time.sleep(1)", "time.sleep(1)  # café")).encode("latin-1"),
            ("# -*- coding: latin-1 -*-\n" + ALL_FIXED.replace("asyncio.sleep(1)", "asyncio.sleep(1)  # café")).encode("latin-1"),
        ),
        (("\ufeff" + BOTH).encode("utf-8"), ("\ufeff" + ALL_FIXED).encode("utf-8")),
        (BOTH.replace("    ", "\t").encode(), ALL_FIXED.replace("    ", "\t").encode()),
    ],
    ids=["crlf", "cr", "latin-1-cookie", "bom", "tabs"],
)
def test_fix_keeps_encoding_and_line_endings_byte_for_byte(original, expected):
    path = write("app.py", original)
    result = run("--fix", "--unsafe-fixes", "app.py")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == expected


def test_fix_keeps_the_file_permissions_and_leaves_no_temporary_file():
    path = write("app.py", BOTH)
    os.chmod(path, 0o640)
    run("--fix", "app.py")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in Path(".").iterdir()) == ["app.py", "pyproject.toml"]


def test_fix_through_a_symlink_rewrites_its_target():
    target = write("real.py", BOTH)
    Path("link.py").symlink_to("real.py")
    run("--fix", "link.py")
    assert Path("link.py").is_symlink()
    assert target.read_text() == SAFE_FIXED


def test_diff_writes_nothing_prints_the_diff_and_exits_1():
    path = write("app.py", BOTH)
    result = run("--diff", "--unsafe-fixes", "app.py")
    assert result.exit_code == 1
    assert path.read_text() == BOTH
    assert result.stdout.startswith("--- app.py\n+++ app.py\n@@ ")
    assert "\n-    time.sleep(1)\n-    await s.add(x)\n+    await asyncio.sleep(1)\n+    s.add(x)\n" in result.stdout
    assert "\n+import asyncio\n" in result.stdout
    assert "Would fix 2 findings." in result.stderr


def test_diff_without_any_applicable_fix_exits_0():
    write("app.py", SETUP + "\nasync def f():\n    x = time.sleep(1)\n")
    result = run("--diff", "--unsafe-fixes", "app.py")
    assert (result.exit_code, result.stdout) == (0, "")


def test_fix_only_reports_nothing_left_and_exits_0():
    path = write("app.py", BOTH)
    result = run("--fix-only", "app.py")
    assert path.read_text() == SAFE_FIXED
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Fixed 1 finding." in result.stderr


def test_exit_non_zero_on_fix_exits_1_even_when_nothing_is_left():
    write("app.py", BOTH)
    assert run("--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "app.py").exit_code == 1
    assert run("--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "app.py").exit_code == 0


def test_show_fixes_lists_what_was_fixed_per_file_and_code():
    write("app.py", BOTH)
    result = run("--fix", "--unsafe-fixes", "--show-fixes", "app.py")
    assert result.stdout.startswith(
        "Fixed 2 findings:\n- app.py:\n    1 × AL101 (blocking-sleep)\n    1 × AL203 (await-on-sync-method)\n"
    )


def test_a_fix_that_would_not_parse_leaves_the_file_untouched_with_an_error(monkeypatch):
    from asynclint.fixes import run as fix_run
    from asynclint.fixes.apply import Applied

    def broken(text, fixes):
        return Applied(text + "(\n", list(fixes), [])

    monkeypatch.setattr(fix_run, "apply_fixes", broken)
    path = write("app.py", BOTH)
    result = run("--fix", "app.py")
    assert path.read_text() == BOTH
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == ["app.py: error: not fixed: the fixed file would not parse (please report this asynclint bug)"]


def test_stdin_with_fix_prints_the_fixed_source_and_the_rest_on_stderr():
    result = run("--fix", "--stdin-filename", "app.py", input=BOTH.replace("\n", "\r\n").encode())
    assert result.stdout_bytes == SAFE_FIXED.replace("\n", "\r\n").encode()
    assert " AL101 " in result.stderr
    assert result.exit_code == 1
    clean = run("--fix", "--unsafe-fixes", "--stdin-filename", "app.py", input=BOTH.encode())
    assert (clean.stdout, clean.exit_code) == (ALL_FIXED, 0)


def test_stdin_with_diff_prints_the_diff():
    result = run("--diff", "--stdin-filename", "app.py", input=BOTH.encode())
    assert result.exit_code == 1
    assert "-    await s.add(x)\n+    s.add(x)\n" in result.stdout


def test_json_fix_has_ruffs_shape_and_survives_the_result_cache():
    write("app.py", BOTH)
    cold = json.loads(run("--format", "json", "app.py").stdout)
    warm = json.loads(run("--format", "json", "app.py").stdout)
    assert cold == warm
    fix = next(finding["fix"] for finding in cold if finding["code"] == "AL203")
    assert fix == {
        "applicability": "safe",
        "message": "Remove the `await`",
        "edits": [{"content": "", "location": {"row": 6, "column": 5}, "end_location": {"row": 6, "column": 11}}],
    }


def test_fix_after_a_cached_run_uses_fresh_positions():
    path = write("app.py", BOTH)
    run("app.py")  # fills the result cache
    run("--fix", "app.py")
    assert path.read_text() == SAFE_FIXED
    path.write_text("# moved\n" + BOTH)  # the same findings, one line down
    run("--fix", "--unsafe-fixes", "app.py")
    assert path.read_text() == "# moved\n" + ALL_FIXED


def test_add_noqa_cannot_be_combined_with_fix():
    result = run("--add-noqa", "--fix", "app.py")
    assert result.exit_code == 2


def test_sarif_results_carry_the_fix_as_artifact_changes():
    write("app.py", BOTH)
    log = json.loads(run("--format", "sarif", "app.py").stdout)
    results = {result["ruleId"]: result for result in log["runs"][0]["results"]}
    (fix,) = results["AL203"]["fixes"]
    assert fix["description"]["text"] == "Remove the `await` (safe fix)"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 6, "startColumn": 5, "endLine": 6, "endColumn": 11},
        "insertedContent": {"text": ""},
    }]
    assert len(results["AL101"]["fixes"][0]["artifactChanges"][0]["replacements"]) == 2


def test_a_file_in_newer_grammar_than_this_python_is_fixed_and_checked_by_the_workers():
    newer = "type X = int\n\nasync def save[T](s: AsyncSession, x: T):\n"
    path = write("app.py", SETUP + newer + "    time.sleep(1)\n    await s.add(x)\n")
    result = run("--fix", "--unsafe-fixes", "app.py")
    assert result.exit_code == 0, result.output
    assert path.read_text() == (
        SETUP + "import asyncio\n" + newer + "    await asyncio.sleep(1)\n    s.add(x)\n"
    )
