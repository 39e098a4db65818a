"""`# noqa` comments and `# asynclint: skip-file`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import command
from asynclint.engine import CheckOptions, check_source
from asynclint.suppression import skips_file, suppresses

HEADER = "import time\nimport requests\n\nasync def handler(url):\n"


def reported(body: str) -> list[tuple[int, str]]:
    """(line, code) of what is left after suppression, for `body` inside an async function."""
    result = check_source(HEADER + body, "app.py", CheckOptions())
    assert not result.errors
    return [(finding.line, finding.code) for finding in result.findings]


def test_unsuppressed_calls_are_reported() -> None:
    assert reported("    time.sleep(1)\n    requests.get(url)\n") == [(5, "AL101"), (6, "AL102")]


@pytest.mark.parametrize(
    "comment",
    [
        "# noqa: AL101",
        "# noqa:AL101",
        "#noqa: AL101",
        "# NOQA: al101",
        "# noqa: E501, AL101",
        "# noqa: AL102 AL101",
        "# noqa: AL1",
        "# noqa: AL",
        "# noqa",
        "# noqa: ",
    ],
)
def test_noqa_naming_the_code_a_prefix_or_nothing_suppresses(comment: str) -> None:
    assert reported(f"    time.sleep(1)  {comment}\n") == []


@pytest.mark.parametrize(
    "comment",
    ["# noqa: E501", "# noqa: AL102", "# noqa: AL1010", "# noqa: B", "# no qa", "# type: ignore"],
)
def test_noqa_naming_other_codes_does_not_suppress(comment: str) -> None:
    assert reported(f"    time.sleep(1)  {comment}\n") == [(5, "AL101")]


def test_noqa_suppresses_only_the_code_it_names_on_its_line() -> None:
    body = "    time.sleep(1); requests.get(url)  # noqa: AL101\n    time.sleep(2)\n"
    assert reported(body) == [(5, "AL102"), (6, "AL101")]


def test_noqa_on_another_line_does_not_suppress() -> None:
    assert reported("    # noqa: AL101\n    time.sleep(1)\n") == [(6, "AL101")]


def test_noqa_works_with_crlf_line_endings() -> None:
    text = (HEADER + "    time.sleep(1)  # noqa: AL101\n    time.sleep(2)\n").replace("\n", "\r\n")
    result = check_source(text, "app.py", CheckOptions())
    assert [(finding.line, finding.code) for finding in result.findings] == [(6, "AL101")]


@pytest.mark.parametrize(
    ("line", "code", "expected"),
    [
        ("x()  # noqa: AL101", "AL101", True),
        ("x()  # noqa: AL1", "AL105", True),
        ("x()  # noqa: AL101", "AL102", False),
        ("x()  # noqa: E501", "AL101", False),
        ("x()  # noqa", "AL001", True),
        ("x()  # noqa: E501  # noqa: AL102", "AL102", True),
        ("x()", "AL101", False),
    ],
)
def test_suppresses(line: str, code: str, expected: bool) -> None:
    assert suppresses(line, code) is expected


def test_skip_file_marker_on_its_own_line_skips_the_whole_file() -> None:
    text = '"""Module."""\n# asynclint: skip-file\n' + HEADER + "    time.sleep(1)\n"
    assert skips_file(text)
    assert check_source(text, "app.py", CheckOptions()).findings == []


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "    time.sleep(1)  # asynclint: skip-file?\n",
        HEADER + "    time.sleep(1)  # asynclint: skip-files-later\n",
        HEADER + "    time.sleep(1)\n# asynclint skip-file\n",
    ],
)
def test_skip_file_needs_the_exact_marker_on_its_own_line(text: str) -> None:
    assert not skips_file(text)
    assert [finding.code for finding in check_source(text, "app.py", CheckOptions()).findings] == [
        "AL101"
    ]


def test_noqa_and_skip_file_through_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.py").write_text(
        HEADER + "    time.sleep(1)  # noqa: AL101\n    requests.get(url)  # noqa: E501\n"
    )
    Path("b.py").write_text("# asynclint: skip-file\n" + HEADER + "    time.sleep(1)\n")
    result = CliRunner().invoke(command, ["--no-config", "."], catch_exceptions=False)
    assert result.stdout.splitlines()[0].startswith("a.py:6:5: AL102 ")
    # the AL102 has the (unsafe) offload fix
    assert result.stdout.endswith(
        "Found 1 finding in 1 file.\n0 fixable with `--fix` (1 more with `--unsafe-fixes`).\n"
    )
