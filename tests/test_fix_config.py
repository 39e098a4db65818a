"""`fixable`, `unfixable`, `extend-fixable`, `extend-safe-fixes`, `extend-unsafe-fixes` (ruff's
fix-selection settings) and `--fixable`/`--unfixable`/`--extend-fixable`: what `--fix`
applies, the `[*]` marker, the counts and the JSON applicability all follow them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from asynclint.cli import command
from asynclint.config import Config, ConfigError, load_config
from asynclint.fixes.model import SAFE, UNSAFE

SETUP = "from sqlalchemy.ext.asyncio import AsyncSession\nimport time\n"
# AL203 (safe fix: drop the await) and AL101 (unsafe fix: await asyncio.sleep)
BOTH = SETUP + "\nasync def save(s: AsyncSession, x):\n    time.sleep(1)\n    await s.add(x)\n    await s.commit()\n"
SAFE_FIXED = SETUP + "\nasync def save(s: AsyncSession, x):\n    time.sleep(1)\n    s.add(x)\n    await s.commit()\n"
SLEEP_FIXED = (
    SETUP + "import asyncio\n\nasync def save(s: AsyncSession, x):\n    await asyncio.sleep(1)\n"
    "    await s.add(x)\n    await s.commit()\n"
)
ALL_FIXED = (
    SETUP + "import asyncio\n\nasync def save(s: AsyncSession, x):\n    await asyncio.sleep(1)\n"
    "    s.add(x)\n    await s.commit()\n"
)


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("app.py").write_text(BOTH)
    return tmp_path


def configure(body: str) -> Path:
    path = Path("pyproject.toml")
    path.write_text("[tool.asynclint]\n" + body + "\n")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(command, ["--no-cache", *args], catch_exceptions=False)


def fixed_text(*args: str) -> str:
    run("--fix", *args, "app.py")
    return Path("app.py").read_text()


def marked(output: str) -> set[str]:
    return {code for code in ("AL101", "AL203") if f" {code} [*] " in output}


def last_line(output: str) -> str:
    return output.splitlines()[-1]


# --- each setting changes what --fix applies -----------------------------------------------

@pytest.mark.parametrize(
    ("body", "args", "expected"),
    [
        pytest.param("", (), SAFE_FIXED, id="default-safe-only"),
        pytest.param("", ("--unsafe-fixes",), ALL_FIXED, id="default-unsafe"),
        pytest.param('unfixable = ["AL203"]', (), BOTH, id="unfixable"),
        pytest.param('unfixable = ["AL203"]', ("--unsafe-fixes",), SLEEP_FIXED, id="unfixable-unsafe"),
        pytest.param('fixable = ["AL101"]', ("--unsafe-fixes",), SLEEP_FIXED, id="fixable"),
        pytest.param('fixable = ["AL101"]', (), BOTH, id="fixable-unsafe-not-asked"),
        pytest.param('fixable = ["ALL"]\nunfixable = ["AL101"]', ("--unsafe-fixes",), SAFE_FIXED, id="all-minus"),
        pytest.param('extend-safe-fixes = ["AL101"]', (), ALL_FIXED, id="extend-safe"),
        pytest.param('extend-unsafe-fixes = ["AL203"]', (), BOTH, id="extend-unsafe"),
        pytest.param('extend-unsafe-fixes = ["AL203"]', ("--unsafe-fixes",), ALL_FIXED, id="extend-unsafe-with-flag"),
        pytest.param('extend-safe-fixes = ["AL101"]\nunfixable = ["AL101"]', (), SAFE_FIXED, id="unfixable-beats-safe"),
        pytest.param('fixable = ["AL203"]\nextend-fixable = ["AL101"]', ("--unsafe-fixes",), ALL_FIXED, id="extend-fixable"),
    ],
)
def test_each_setting_changes_what_fix_applies(body: str, args: tuple[str, ...], expected: str) -> None:
    configure(body)
    assert fixed_text(*args) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param('extend-safe-fixes = ["AL1"]', ALL_FIXED, id="safe-prefix"),
        pytest.param('extend-safe-fixes = ["ALL"]', ALL_FIXED, id="safe-all"),
        pytest.param('extend-unsafe-fixes = ["AL2"]', BOTH, id="unsafe-prefix"),
        pytest.param('unfixable = ["al2"]', BOTH, id="unfixable-prefix-any-case"),
        pytest.param('fixable = ["AL1"]', BOTH, id="fixable-prefix"),
        pytest.param('fixable = ["AL2"]', SAFE_FIXED, id="fixable-prefix-keeps-al203"),
        pytest.param('unfixable = ["ALL"]', BOTH, id="unfixable-all"),
    ],
)
def test_prefixes_and_all_match_like_select(body: str, expected: str) -> None:
    configure(body)
    assert fixed_text() == expected


def test_the_more_specific_selector_wins_and_unsafe_wins_a_tie() -> None:
    configure('extend-unsafe-fixes = ["AL"]\nextend-safe-fixes = ["AL101"]')
    assert fixed_text() == SLEEP_FIXED  # AL101 made safe, AL203 made unsafe
    policy = load_config(configure('extend-safe-fixes = ["AL1"]\nextend-unsafe-fixes = ["AL1"]')).fix_policy()
    assert policy.resolve("AL101", SAFE) == UNSAFE
    policy = load_config(configure('extend-safe-fixes = ["AL10"]\nextend-unsafe-fixes = ["AL1"]')).fix_policy()
    assert policy.resolve("AL101", UNSAFE) == SAFE


def test_display_only_fixes_never_become_applicable() -> None:
    policy = Config(extend_safe_fixes=("ALL",)).fix_policy()
    assert policy.resolve("AL203", "display-only") == "display-only"
    assert policy.resolve("AL203", UNSAFE) == SAFE


# --- the [*] marker, the counts and the JSON follow ----------------------------------------

def test_default_marker_and_counts() -> None:
    configure("")
    output = run("app.py").stdout
    assert marked(output) == {"AL203"}
    assert last_line(output) == "1 fixable with `--fix` (1 more with `--unsafe-fixes`)."


def test_extend_safe_and_unsafe_swap_the_marker_and_the_counts() -> None:
    configure('extend-safe-fixes = ["AL101"]\nextend-unsafe-fixes = ["AL203"]')
    output = run("app.py").stdout
    assert marked(output) == {"AL101"}
    assert last_line(output) == "1 fixable with `--fix` (1 more with `--unsafe-fixes`)."
    both = run("--unsafe-fixes", "app.py").stdout
    assert marked(both) == {"AL101", "AL203"} and last_line(both) == "2 fixable with `--fix`."


def test_unfixable_fixes_are_neither_marked_nor_counted() -> None:
    configure('unfixable = ["AL203"]')
    output = run("app.py").stdout
    assert marked(output) == set()
    assert last_line(output) == "0 fixable with `--fix` (1 more with `--unsafe-fixes`)."
    configure('unfixable = ["ALL"]')
    output = run("--unsafe-fixes", "app.py").stdout
    assert marked(output) == set() and last_line(output).startswith("Found 2 findings")


def test_json_reports_the_effective_applicability_and_no_fix_for_unfixable_codes() -> None:
    configure('extend-safe-fixes = ["AL101"]\nunfixable = ["AL203"]')
    findings = {item["code"]: item for item in json.loads(run("--format", "json", "app.py").stdout)}
    assert findings["AL101"]["fix"]["applicability"] == "safe"
    assert findings["AL203"]["fix"] is None


# --- the command line ----------------------------------------------------------------------

def test_command_line_fixable_replaces_and_unfixable_and_extend_fixable_add() -> None:
    configure('fixable = ["AL101"]')
    assert fixed_text("--fixable", "AL203") == SAFE_FIXED
    Path("app.py").write_text(BOTH)
    assert fixed_text("--unsafe-fixes", "--extend-fixable", "AL203") == ALL_FIXED
    Path("app.py").write_text(BOTH)
    configure("")
    assert fixed_text("--unsafe-fixes", "--unfixable", "AL2,AL3") == SLEEP_FIXED


def test_diff_and_standard_input_follow_the_settings() -> None:
    configure('unfixable = ["AL203"]')
    result = run("--diff", "app.py")
    assert result.exit_code == 0 and "No fixes to apply." in result.stderr
    configure('extend-safe-fixes = ["AL101"]')
    result = CliRunner().invoke(
        command, ["--no-cache", "--fix", "--stdin-filename", "app.py"], input=BOTH
    )
    assert result.stdout == ALL_FIXED


# --- mistakes ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "key", ["fixable", "unfixable", "extend-fixable", "extend-safe-fixes", "extend-unsafe-fixes"]
)
def test_unknown_code_is_a_config_error(key: str) -> None:
    path = configure(f'{key} = ["AL9"]')
    result = run("app.py")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"asynclint: error: [tool.asynclint] in {path.resolve()}: {key}: unknown rule code "
        "'AL9' (see `asynclint --list-rules`)\n"
    )


def test_a_setting_that_is_not_a_list_is_a_config_error() -> None:
    configure('unfixable = "AL203"')
    result = run("app.py")
    assert result.exit_code == 2 and "unfixable must be a list of strings" in result.stderr


@pytest.mark.parametrize("option", ["--fixable", "--unfixable", "--extend-fixable"])
def test_unknown_code_on_the_command_line_exits_2(option: str) -> None:
    configure("")
    result = run(option, "XX1", "app.py")
    assert result.exit_code == 2
    assert result.stderr == f"asynclint: error: {option}: unknown rule code 'XX1' (see `asynclint --list-rules`)\n"


def test_the_library_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="extend-safe-fixes: unknown rule code 'AL9'"):
        load_config(configure('extend-safe-fixes = ["AL9"]'))
    with pytest.raises(ConfigError, match="--unfixable"):
        Config().with_cli(unfixable=["AL9"])
