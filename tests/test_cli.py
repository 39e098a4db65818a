"""The `asynclint` command end to end: exit codes, options, text and JSON output, colour.

Most tests drive the click command in-process with CliRunner (stderr is separate from stdout
since click 8.2); a few run `python -m asynclint` as a subprocess, as a user or CI would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import asynclint
from asynclint.cli import command, main
from asynclint.rules import ALL_RULES

SLEEPS = "import time\n\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\nasync def handler():\n    await asyncio.sleep(1)\n"
SLEEP_AND_HTTP = (
    "import time\nimport requests\n\nasync def handler(url):\n"
    "    time.sleep(1)\n    return requests.get(url)\n"
)
ENDPOINTS = """\
import time
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
async def list_items():
    time.sleep(1)
    return []


class Service:
    async def refresh(self):
        time.sleep(2)
"""
LOCATION = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<column>\d+): (?P<code>AL\d{3}) \S")
ANSI = "\x1b["


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in its own project; its [tool.asynclint] table ends the config search."""
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def write(relative: str, text: str | bytes) -> Path:
    path = Path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def lint(*args: str, **invoke: object) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False, **invoke)


def codes(result: Result) -> list[str]:
    return [m["code"] for line in result.stdout.splitlines() if (m := LOCATION.match(line))]


PYTHON_M_ASYNCLINT = [sys.executable, "-m", "asynclint"]


def subprocess_env(**extra: str) -> dict[str, str]:
    """This environment without NO_COLOR, importing this checkout's asynclint from any cwd."""
    env = {name: value for name, value in os.environ.items() if name != "NO_COLOR"}
    checkout = str(Path(asynclint.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [checkout, env.get("PYTHONPATH")]))
    return {**env, **extra}


def python_m_asynclint(*args: str, **run: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload]
        [*PYTHON_M_ASYNCLINT, *args],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
        check=False,
        **run,
    )


# --- exit codes -----------------------------------------------------------------------------


def test_clean_project_exits_0_and_says_all_checks_passed() -> None:
    write("app.py", CLEAN)
    result = lint(".")
    assert result.exit_code == 0
    assert result.stdout == "All checks passed (1 file).\n"


def test_findings_exit_1() -> None:
    write("app.py", SLEEPS)
    result = lint(".")
    assert result.exit_code == 1
    assert codes(result) == ["AL101"]
    assert result.stdout.endswith(
        "Found 1 finding in 1 file.\n0 fixable with `--fix` (1 more with `--unsafe-fixes`).\n"
    )


def test_exit_zero_exits_0_but_still_prints_findings() -> None:
    write("app.py", SLEEPS)
    result = lint("--exit-zero", ".")
    assert result.exit_code == 0
    assert codes(result) == ["AL101"]


def test_file_that_cannot_be_checked_is_an_error_line_and_exit_1_while_others_are_checked() -> None:
    write("a_undecodable.py", b"import time\n# \xff\nasync def f():\n    time.sleep(1)\n")
    write("b_clean.py", CLEAN)
    write("c_blocking.py", SLEEPS)
    result = lint(".")
    assert result.exit_code == 1
    assert result.stderr == (
        "a_undecodable.py: error: cannot decode as utf-8: invalid start byte "
        "(byte 0xff at line 2, column 3)\n"
    )
    assert codes(result) == ["AL101"]
    assert "1 file could not be checked" in result.stdout


def test_file_that_cannot_be_checked_alone_still_exits_1_and_is_not_called_clean() -> None:
    write("binary.py", b"\x00\x01\x02")
    result = lint(".")
    assert result.exit_code == 1
    assert "All checks passed" not in result.stdout
    assert result.stderr == "binary.py: error: binary file (contains NUL bytes), skipped\n"


def test_exit_zero_also_covers_files_that_cannot_be_checked() -> None:
    write("binary.py", b"\x00")
    assert lint("--exit-zero", ".").exit_code == 0


def test_unknown_option_exits_2() -> None:
    result = lint("--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_internal_error_exits_2_with_one_line_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("asynclint.cli.lint_paths", broken)
    monkeypatch.delenv("ASYNCLINT_DEBUG", raising=False)
    write("app.py", CLEAN)
    with pytest.raises(SystemExit) as exit_info:
        main(["."])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("asynclint: internal error: RuntimeError: boom")


# --- selection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "AL102"], ["AL102"]),
        (["--select", "AL1"], ["AL101", "AL102"]),
        (["--select", "al101"], ["AL101"]),
        (["--select", "AL101,AL102"], ["AL101", "AL102"]),
        (["--select", "AL101", "--select", "AL102"], ["AL101", "AL102"]),
        (["--ignore", "AL101"], ["AL102"]),
        (["--ignore", "AL1"], []),
        (["--select", "AL101", "--extend-select", "AL102"], ["AL101", "AL102"]),
        (["--select", "AL1", "--ignore", "AL102"], ["AL101"]),
    ],
)
def test_select_ignore_and_extend_select_take_codes_and_prefixes(
    args: list[str], expected: list[str]
) -> None:
    write("app.py", SLEEP_AND_HTTP)
    result = lint(*args, ".")
    assert codes(result) == expected
    assert result.exit_code == (1 if expected else 0)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["AL101"]),
        (["--select", "AL1"], ["AL101"]),
        (["--select", "AL111"], ["AL111"]),
        (["--extend-select", "AL111"], ["AL101", "AL111"]),
        (["--select", "ALL"], ["AL101", "AL111"]),
        (["--select", "ALL", "--ignore", "AL11"], ["AL101"]),
    ],
)
def test_path_metadata_rule_runs_only_when_its_code_or_all_is_selected(
    args: list[str], expected: list[str]
) -> None:
    write("app.py", "import os, time\nasync def f(p):\n    time.sleep(1)\n    return os.path.exists(p)\n")
    assert codes(lint(*args, ".")) == expected


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_code_on_command_line_exits_2_with_one_line_message(option: str) -> None:
    write("app.py", SLEEPS)
    result = lint(option, "AL101,XY9", ".")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"asynclint: error: {option}: unknown rule code 'XY9' (see `asynclint --list-rules`)\n"
    )


# --- text format ----------------------------------------------------------------------------


def test_text_format_is_location_code_message_then_indented_help() -> None:
    write("app.py", SLEEPS)
    lines = lint(".").stdout.splitlines()
    assert (
        lines[0] == "app.py:4:5: AL101 time.sleep() blocks the event loop in async function handler"
    )
    assert lines[1] == "    help: use `await asyncio.sleep(1)` (or `await anyio.sleep(1)`)"


def test_show_source_adds_the_line_and_a_caret_under_the_call() -> None:
    write("app.py", SLEEPS)
    lines = lint("--show-source", ".").stdout.splitlines()
    assert lines[1:3] == ["        time.sleep(1)", "        ^^^^^^^^^^^^^"]
    assert lines[3].startswith("    help: ")


def test_quiet_prints_findings_without_summary() -> None:
    write("app.py", SLEEPS)
    result = lint("--quiet", ".")
    assert result.stdout.splitlines()[-1].startswith("    help: ")
    assert "Found" not in result.stdout
    assert result.exit_code == 1


def test_statistics_counts_findings_per_code_most_frequent_first() -> None:
    write("a.py", SLEEP_AND_HTTP)
    write("b.py", SLEEPS)
    result = lint("--statistics", ".")
    assert result.stdout == "    2  AL101  blocking-sleep\n    1  AL102  blocking-http\n"
    assert result.exit_code == 1


def test_output_has_no_colour_when_not_a_terminal() -> None:
    write("app.py", SLEEPS)
    assert ANSI not in lint("--show-source", ".").output


def test_output_is_coloured_when_colour_is_forced() -> None:
    write("app.py", SLEEPS)
    assert ANSI in lint(".", color=True).stdout


def test_no_color_environment_variable_wins_over_forced_colour() -> None:
    write("app.py", SLEEPS)
    result = lint("--show-source", ".", color=True, env={"NO_COLOR": "1"})
    assert codes(result) == ["AL101"]
    assert ANSI not in result.output


MULTI_FILE_PROJECT = {
    "zeta.py": SLEEPS,
    "alpha.py": (
        "import time\n\nasync def a():\n    time.sleep(1); time.sleep(2)\n    time.sleep(3)\n"
    ),
    "pkg/__init__.py": "",
    "pkg/mod.py": SLEEP_AND_HTTP,
    "pkg/sub/deep.py": SLEEPS,
    "beta.py": CLEAN,
    "pkg/m10.py": SLEEPS,
    "pkg/m9.py": SLEEPS,
}


def test_findings_are_sorted_by_path_line_and_column_and_stable_across_parallel_runs() -> None:
    for relative, text in MULTI_FILE_PROJECT.items():
        write(relative, text)
    first = lint("--jobs", "2", ".")
    second = lint("--jobs", "2", ".")
    assert first.stdout == second.stdout
    locations = [
        (m["path"], int(m["line"]), int(m["column"]))
        for line in first.stdout.splitlines()
        if (m := LOCATION.match(line))
    ]
    assert locations == sorted(locations)
    assert locations[:3] == [("alpha.py", 4, 5), ("alpha.py", 4, 20), ("alpha.py", 5, 5)]
    assert len(locations) == 9
    assert lint("--jobs", "1", ".").stdout == first.stdout


# --- JSON format ----------------------------------------------------------------------------

JSON_FIELDS: dict[str, type | tuple[type, ...]] = {
    "path": str,
    "line": int,
    "column": int,
    "end_line": int,
    "end_column": int,
    "code": str,
    "name": str,
    "message": str,
    "suggestion": str,
    "function": (str, type(None)),
    "endpoint": (str, type(None)),
    "fix": (dict, type(None)),
}


def test_json_format_is_an_array_of_findings_with_exactly_the_schema_fields_and_types() -> None:
    write("app.py", ENDPOINTS)
    write("other.py", SLEEP_AND_HTTP)
    result = lint("--format", "json", ".")
    findings = json.loads(result.stdout)
    assert isinstance(findings, list) and len(findings) == 4
    for finding in findings:
        assert list(finding) == list(JSON_FIELDS)
        for key, expected in JSON_FIELDS.items():
            assert isinstance(finding[key], expected), key
            assert not isinstance(finding[key], bool), key
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert (finding["end_line"], finding["end_column"]) > (finding["line"], finding["column"])
    assert result.exit_code == 1


def test_json_positions_are_one_based_and_name_function_and_endpoint() -> None:
    write("app.py", ENDPOINTS)
    endpoint, method = json.loads(lint("--format", "json", "app.py").stdout)
    assert endpoint == {
        "path": "app.py",
        "line": 9,
        "column": 5,
        "end_line": 9,
        "end_column": 5 + len("time.sleep(1)"),
        "code": "AL101",
        "name": "blocking-sleep",
        "message": endpoint["message"],
        "suggestion": endpoint["suggestion"],
        "function": "list_items",
        "endpoint": "GET /items",
        "fix": endpoint["fix"],
    }
    assert endpoint["fix"]["applicability"] == "unsafe"  # tests/test_fix_cli.py: its shape
    assert "GET /items" in endpoint["message"]
    assert (method["line"], method["function"], method["endpoint"]) == (15, "Service.refresh", None)


def test_json_output_of_a_clean_run_is_an_empty_array_and_nothing_else() -> None:
    write("app.py", CLEAN)
    result = lint("--format", "json", ".")
    assert result.stdout == "[]\n"
    assert result.exit_code == 0


# --- rule documentation ---------------------------------------------------------------------


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_explain_prints_ruff_shaped_documentation(rule: type) -> None:
    result = lint("--explain", rule.code.lower())
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(f"{rule.code} ({rule.name})\n")
    headings = ["What it does", "Why is this bad?", "Example", "Use instead"]
    positions = [text.find(f"## {heading}\n") for heading in headings]
    assert -1 not in positions and positions == sorted(positions)


def test_explain_unknown_code_exits_2_with_one_line_message() -> None:
    result = lint("--explain", "AL999")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "asynclint: error: --explain: unknown rule code 'AL999' (see --list-rules)\n"
    )


def test_list_rules_prints_every_rule_once_with_its_name() -> None:
    result = lint("--list-rules")
    assert result.exit_code == 0
    listed = [line.split()[:2] for line in result.stdout.splitlines()]
    assert listed == [[rule.code, rule.name] for rule in ALL_RULES]


# --- standard input -------------------------------------------------------------------------


def test_stdin_filename_lints_stdin_and_reports_it_under_that_path() -> None:
    result = lint("--stdin-filename", "src/app.py", input=SLEEPS)
    assert result.exit_code == 1
    assert result.stdout.startswith("src/app.py:4:5: AL101 ")


def test_stdin_filename_uses_the_config_found_from_that_path() -> None:
    write("service/pyproject.toml", '[tool.asynclint]\nignore = ["AL101"]\n')
    in_service = lint("--stdin-filename", "service/app.py", input=SLEEP_AND_HTTP)
    at_top = lint("--stdin-filename", "app.py", input=SLEEP_AND_HTTP)
    assert codes(in_service) == ["AL102"]
    assert codes(at_top) == ["AL101", "AL102"]


def test_stdin_show_source_shows_the_stdin_text_not_the_file_on_disk() -> None:
    write("app.py", "# the saved version differs from the editor buffer\n" * 4)
    lines = lint("--stdin-filename", "app.py", "--show-source", input=SLEEPS).stdout.splitlines()
    assert lines[1] == "        time.sleep(1)"


def test_stdin_is_decoded_with_its_coding_cookie() -> None:
    latin1 = "# -*- coding: latin-1 -*-\nimport time\nasync def f():\n    s = 'é'; time.sleep(1)\n"
    result = lint("--stdin-filename", "x.py", input=latin1.encode("latin-1"))
    assert result.stdout.startswith("x.py:4:14: AL101 ")


def test_stdin_with_paths_exits_2() -> None:
    result = lint("--stdin-filename", "x.py", "other.py", input=SLEEPS)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


# --- as a user runs it ----------------------------------------------------------------------


def test_python_m_asynclint_version_prints_the_version() -> None:
    completed = python_m_asynclint("--version")
    assert completed.returncode == 0
    assert completed.stdout == f"asynclint, version {asynclint.__version__}\n"


def test_python_m_asynclint_json_from_stdin(project: Path) -> None:
    completed = python_m_asynclint(
        "--format", "json", "--stdin-filename", "app.py", input=SLEEPS, cwd=project
    )
    assert completed.returncode == 1
    assert [finding["code"] for finding in json.loads(completed.stdout)] == ["AL101"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_terminal_output_is_coloured_unless_no_color_is_set(
    project: Path, no_color: str | None, coloured: bool
) -> None:
    import pty

    write("app.py", SLEEPS)
    leader, follower = pty.openpty()
    env = subprocess_env(**({"NO_COLOR": no_color} if no_color else {}))
    try:
        subprocess.run(
            [*PYTHON_M_ASYNCLINT, "."],
            stdout=follower,
            env=env,
            cwd=project,
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
    output = b""
    try:
        while chunk := os.read(leader, 4096):
            output += chunk
    except OSError:  # Linux reports the closed terminal as EIO
        pass
    finally:
        os.close(leader)
    assert b"AL101" in output
    assert (b"\x1b[" in output) is coloured
