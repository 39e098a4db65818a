"""`[tool.asynclint]`: where it is found, what each key does, and how mistakes are reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from asynclint.cli import command
from asynclint.config import DEFAULT_EXCLUDE, Config, ConfigError, load_config

SLEEP_AND_HTTP = (
    "import time\nimport requests\n\nasync def handler(url):\n"
    "    time.sleep(1)\n    return requests.get(url)\n"
)
LOCATION = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):\d+: (?P<code>AL\d{3}) ")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(relative: str, text: str) -> Path:
    path = Path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def lint(*args: str) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def reported(result: Result) -> list[tuple[str, str]]:
    return [
        (m["path"], m["code"]) for line in result.stdout.splitlines() if (m := LOCATION.match(line))
    ]


def pyproject(body: str, directory: str = ".") -> Path:
    return write(f"{directory}/pyproject.toml", f"[tool.asynclint]\n{body}")


# --- selection keys -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('select = ["AL102"]', ["AL102"]),
        ('select = ["AL1"]', ["AL101", "AL102"]),
        ('ignore = ["AL101"]', ["AL102"]),
        ('select = ["AL101"]\nextend-select = ["AL102"]', ["AL101", "AL102"]),
        ('select = ["ALL"]\nignore = ["AL102"]', ["AL101"]),
    ],
)
def test_select_ignore_and_extend_select_from_pyproject(body: str, expected: list[str]) -> None:
    pyproject(body)
    write("app.py", SLEEP_AND_HTTP)
    assert [code for _, code in reported(lint("."))] == expected


SLEEP_AND_STAT = "import os, time\n\nasync def handler(p):\n    time.sleep(1)\n    return os.stat(p)\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("", ["AL101"], id="default"),
        pytest.param('select = ["AL"]', ["AL101"], id="prefix-AL"),
        pytest.param('select = ["AL1"]', ["AL101"], id="prefix-AL1"),
        pytest.param('select = ["AL11"]', [], id="prefix-AL11"),
        pytest.param('select = ["AL111"]', ["AL111"], id="full-code"),
        pytest.param('extend-select = ["AL111"]', ["AL101", "AL111"], id="extend-select"),
        pytest.param('select = ["ALL"]', ["AL101", "AL111"], id="ALL"),
        pytest.param('select = ["ALL"]\nignore = ["AL1"]', [], id="a-prefix-still-ignores-it"),
        pytest.param('extend-select = ["AL111"]\nignore = ["AL11"]', ["AL101"], id="ignored-by-prefix"),
    ],
)
def test_opt_in_rule_is_selected_by_its_code_or_all_never_by_a_prefix(
    body: str, expected: list[str]
) -> None:
    pyproject(body)
    write("app.py", SLEEP_AND_STAT)
    assert [code for _, code in reported(lint("."))] == expected


def test_command_line_select_replaces_configured_select_and_ignore_adds_to_it() -> None:
    pyproject('select = ["AL101"]\nignore = ["AL103"]')
    write("app.py", SLEEP_AND_HTTP)
    assert [code for _, code in reported(lint("--select", "AL1", "."))] == ["AL101", "AL102"]
    assert reported(lint("--ignore", "AL101", ".")) == []


def test_nearest_pyproject_upward_from_the_first_path_is_used() -> None:
    pyproject('ignore = ["AL102"]')
    pyproject('ignore = ["AL101"]', "service")
    write("service/pkg/app.py", SLEEP_AND_HTTP)
    assert reported(lint("service/pkg")) == [("service/pkg/app.py", "AL102")]
    assert reported(lint(".")) == [("service/pkg/app.py", "AL101")]


def test_pyproject_without_asynclint_table_is_skipped_in_the_upward_search() -> None:
    pyproject('ignore = ["AL102"]')
    write("service/pyproject.toml", '[project]\nname = "service"  # mentions asynclint\n')
    write("service/app.py", SLEEP_AND_HTTP)
    assert reported(lint("service")) == [("service/app.py", "AL101")]


def test_no_config_ignores_pyproject() -> None:
    pyproject('ignore = ["AL1"]')
    write("app.py", SLEEP_AND_HTTP)
    assert len(reported(lint("--no-config", "."))) == 2


def test_config_option_reads_a_standalone_toml_file_instead_of_pyproject() -> None:
    pyproject('ignore = ["AL1"]')
    write("ci/asynclint.toml", 'select = ["AL102"]\n')
    write("app.py", SLEEP_AND_HTTP)
    assert reported(lint("--config", "ci/asynclint.toml", ".")) == [("app.py", "AL102")]


def test_per_file_ignores_match_globs_relative_to_the_config_directory() -> None:
    pyproject('[tool.asynclint.per-file-ignores]\n"tests/*" = ["AL101"]\n"scripts/**" = ["ALL"]')
    for name in ("app.py", "tests/test_app.py", "scripts/deep/tool.py"):
        write(name, SLEEP_AND_HTTP)
    assert reported(lint(".")) == [
        ("app.py", "AL101"),
        ("app.py", "AL102"),
        ("tests/test_app.py", "AL102"),
    ]


# --- extra-blocking-calls and offload-functions ---------------------------------------------

USES_MYLIB = """\
import mylib
from mylib import my_offload


async def handler(url):
    mylib.slow(1)
    mylib.fetch(url)
    mylib.fetch({"a": 1})
    await my_offload(mylib.slow(2))
    await my_offload(mylib.slow, 3)
"""


def test_extra_blocking_calls_string_form_is_reported_as_al100_with_that_suggestion() -> None:
    pyproject(
        "[tool.asynclint.extra-blocking-calls]\n"
        '"mylib.slow" = "use `await mylib.aslow()` {literally}"'
    )
    write("app.py", USES_MYLIB)
    result = lint("--select", "AL100", "app.py")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("app.py:6:5: AL100 mylib.slow() blocks the event loop")
    assert lines[1] == "    help: use `await mylib.aslow()` {literally}"


def test_extra_blocking_calls_table_form_sets_code_and_suggestion_template() -> None:
    pyproject(
        "[tool.asynclint.extra-blocking-calls]\n"
        '"mylib.fetch" = { code = "AL102", suggestion = "use `await mylib.afetch({args})` {{ok}}" }'
    )
    write("app.py", USES_MYLIB)
    lines = lint("app.py").stdout.splitlines()
    assert lines[0].startswith("app.py:7:5: AL102 mylib.fetch() blocks the event loop")
    assert lines[1] == "    help: use `await mylib.afetch(url)` {ok}"
    assert lines[3] == '    help: use `await mylib.afetch({"a": 1})` {ok}'


def test_call_inside_a_configured_offload_wrapper_runs_before_the_wrapper_receives_it() -> None:
    pyproject(
        'offload-functions = ["mylib.my_offload"]\n'
        '[tool.asynclint.extra-blocking-calls]\n"mylib.slow" = "use mylib.aslow"'
    )
    write("app.py", USES_MYLIB)
    lines = lint("app.py").stdout.splitlines()
    assert [LOCATION.match(line)["line"] for line in lines if LOCATION.match(line)] == ["6", "9"]
    assert lines[3] == (
        "    help: the call runs on the event loop before `my_offload` receives its result; "
        "pass the callable and its arguments: `await my_offload(mylib.slow, 2)`"
    )


def test_config_values_are_loaded_into_config() -> None:
    path = pyproject(
        'extend-exclude = ["generated"]\noffload-functions = ["mylib.my_offload"]\n'
        '[tool.asynclint.extra-blocking-calls]\n"mylib.slow" = "use mylib.aslow"'
    )
    config = load_config(path)
    assert config.exclude == DEFAULT_EXCLUDE
    assert config.extend_exclude == ("generated",)
    assert config.offload_functions == frozenset({"mylib.my_offload"})
    assert config.extra_blocking_calls["mylib.slow"].code == "AL100"
    assert config.root == path.parent.resolve()
    assert Config().enabled_codes() == load_config(pyproject("")).enabled_codes()


# --- mistakes -------------------------------------------------------------------------------

BAD_CONFIGS = [
    pytest.param('selct = ["AL1"]', "unknown key 'selct'", id="unknown-key"),
    pytest.param('select = ["AL9"]', "select: unknown rule code 'AL9'", id="unknown-select"),
    pytest.param('ignore = ["XX1"]', "ignore: unknown rule code 'XX1'", id="unknown-ignore"),
    pytest.param(
        'extend-select = ["E501"]', "extend-select: unknown rule code", id="unknown-extend"
    ),
    pytest.param('select = "AL1"', "select must be a list of strings", id="select-string"),
    pytest.param("exclude = [1]", "exclude must be a list of strings", id="exclude-ints"),
    pytest.param("offload-functions = true", "offload-functions must be a list", id="offload-bool"),
    pytest.param("per-file-ignores = []", "per-file-ignores must be a table", id="pfi-list"),
    pytest.param(
        '[tool.asynclint.per-file-ignores]\n"t/*" = "AL101"', "per-file-ignores.'t/*'", id="pfi-str"
    ),
    pytest.param(
        '[tool.asynclint.per-file-ignores]\n"t/*" = ["AL7"]',
        "per-file-ignores.'t/*': unknown rule code 'AL7'",
        id="pfi-code",
    ),
    pytest.param("extra-blocking-calls = 3", "extra-blocking-calls must be a table", id="ebc-int"),
    pytest.param(
        '[tool.asynclint.extra-blocking-calls]\n"a.b" = 3', "extra-blocking-calls.'a.b'", id="ebc-3"
    ),
    pytest.param(
        '[tool.asynclint.extra-blocking-calls]\n"a.b" = { code = "AL001" }',
        "'AL001' is not a blocking-call code",
        id="ebc-code",
    ),
    pytest.param(
        '[tool.asynclint.extra-blocking-calls]\n"a.b" = { suggestion = 3 }',
        "extra-blocking-calls.'a.b' must be a string or",
        id="ebc-suggestion-type",
    ),
    pytest.param(
        '[tool.asynclint.extra-blocking-calls]\n"a.b" = { sugestion = "x" }',
        "extra-blocking-calls.'a.b' must be a string or",
        id="ebc-key",
    ),
    pytest.param(
        '[tool.asynclint.extra-blocking-calls]\n"a.b" = { suggestion = "use {bogus}" }',
        "extra-blocking-calls.'a.b': suggestion: bad placeholder 'bogus'",
        id="ebc-placeholder",
    ),
    pytest.param('select = ["AL1"', "invalid TOML", id="invalid-toml"),
    # Patterns pathspec cannot compile: found when the configuration is loaded, not mid-run.
    pytest.param(
        'exclude = ["build", "gen\\\\"]',
        "exclude: invalid pattern 'gen\\\\'",
        id="exclude-backslash",
    ),
    pytest.param(
        'extend-exclude = ["[z-a].py"]',
        "extend-exclude: invalid pattern '[z-a].py'",
        id="extend-exclude-range",
    ),
    pytest.param(
        '[tool.asynclint.per-file-ignores]\n"!" = ["AL101"]',
        "per-file-ignores: invalid pattern '!'",
        id="pfi-pattern",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD_CONFIGS)
def test_config_mistake_exits_2_with_one_line_naming_file_and_key(body: str, message: str) -> None:
    path = pyproject(body)
    write("app.py", SLEEP_AND_HTTP)
    result = lint(".")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("asynclint: error: ")
    assert str(path.resolve()) in result.stderr or str(path) in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_key_exits_2_with_one_line_message_listing_known_keys() -> None:
    path = pyproject('selct = ["AL1"]')
    result = lint(".")
    assert result.stderr == (
        f"asynclint: error: [tool.asynclint] in {path.resolve()}: unknown key 'selct' "
        "(known keys: exclude, extend-exclude, extend-fixable, extend-safe-fixes, extend-select, "
        "extend-unsafe-fixes, extra-blocking-calls, fixable, ignore, offload-functions, "
        "per-file-ignores, runtime-allow, select, unfixable)\n"
    )


def test_tool_that_is_not_a_table_is_a_config_error() -> None:
    write("asynclint.toml", 'tool = "asynclint"\n')
    result = lint("--config", "asynclint.toml", ".")
    assert result.exit_code == 2
    assert result.stderr == "asynclint: error: asynclint.toml: tool: expected a table\n"


def test_config_option_pointing_at_a_missing_file_exits_2_naming_it() -> None:
    result = lint("--config", "missing.toml", ".")
    assert result.exit_code == 2
    assert result.stderr == "asynclint: error: config file not found: missing.toml\n"


def test_config_and_no_config_together_exit_2() -> None:
    write("asynclint.toml", "")
    result = lint("--config", "asynclint.toml", "--no-config", ".")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


def test_bad_config_raises_config_error_from_the_library() -> None:
    with pytest.raises(ConfigError, match="unknown key 'nope'"):
        load_config(pyproject("nope = 1"))
