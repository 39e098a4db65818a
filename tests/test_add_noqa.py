"""`--add-noqa`: comments on the lines with findings, merged, idempotent, byte-exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from asynclint.cli import command
from asynclint.findings import Finding
from asynclint.fixes.noqa import add_noqa

SLEEPS = "import time\n\nasync def f():\n    time.sleep(1)\n    time.sleep(2)  # noqa: E501\n"


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def finding(line: int, code: str = "AL101", end_line: int | None = None) -> Finding:
    return Finding("m.py", line, 1, end_line or line, 2, code, "n", "m", "s")


def test_add_noqa_appends_comments_and_merges_into_existing_ones():
    path = Path("app.py")
    path.write_text(SLEEPS)
    result = run("--add-noqa", "app.py")
    assert result.exit_code == 0
    assert path.read_text() == (
        "import time\n\nasync def f():\n    time.sleep(1)  # noqa: AL101\n"
        "    time.sleep(2)  # noqa: AL101, E501\n"
    )
    assert "Added 2 noqa directives." in result.stderr
    assert run("app.py").exit_code == 0  # the findings are suppressed now


def test_add_noqa_twice_changes_nothing_the_second_time():
    path = Path("app.py")
    path.write_bytes(SLEEPS.replace("\n", "\r\n").encode())
    run("--add-noqa", "app.py")
    once = path.read_bytes()
    assert b"time.sleep(1)  # noqa: AL101\r\n" in once
    second = run("--add-noqa", "app.py")
    assert path.read_bytes() == once
    assert "Added 0 noqa directives." in second.stderr


def test_add_noqa_keeps_a_latin_1_file_byte_for_byte():
    path = Path("app.py")
    text = "# -*- coding: latin-1 -*-\nimport time\nasync def f():\n    time.sleep(1)  # é\n"
    path.write_bytes(text.encode("latin-1"))
    run("--add-noqa", "app.py")
    assert path.read_bytes() == text.replace("# é", "# é  # noqa: AL101").encode("latin-1")


def test_two_codes_on_one_line_share_one_comment():
    text = "x = 1\n"
    assert add_noqa(text, [finding(1, "AL203"), finding(1, "AL101")]).text == "x = 1  # noqa: AL101, AL203\n"


def test_a_multi_line_finding_gets_the_comment_on_its_first_line():
    text = "f(\n    1,\n)\n"
    assert add_noqa(text, [finding(1, end_line=3)]).text == "f(  # noqa: AL101\n    1,\n)\n"


def test_a_bare_noqa_already_suppresses_everything():
    text = "x = 1  # noqa\n"
    assert add_noqa(text, [finding(1)]).text == text


def test_a_line_ending_inside_a_string_or_continuation_is_left_alone():
    text = 'x = f("""\nabc""")\ny = 1 + \\\n    2\n'
    result = add_noqa(text, [finding(1), finding(3)])
    assert result.text == text
    assert (result.added, result.skipped) == (0, 2)


def test_noqa_words_that_are_not_codes_are_not_rewritten():
    text = "x = 1  # noqa: E501 long line\n"
    assert add_noqa(text, [finding(1)]).text == "x = 1  # noqa: E501 long line  # noqa: AL101\n"


def test_a_file_without_final_newline_gets_the_comment_at_its_end():
    assert add_noqa("x = 1", [finding(1)]).text == "x = 1  # noqa: AL101"
