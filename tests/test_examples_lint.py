"""asynclint on the example apps: the twin's findings are exactly its markers, the reference is clean.

examples/blocking_app marks every line asynclint must report with `# expect: ALxxx` (one code per
finding: `# expect: AL105, AL105` is two findings on that line). The findings must match those
marks exactly, as a multiset of (file, line, code): a missing one is a false negative, an
unexpected one a false positive (or a near miss that should stay silent).

Misuse that asynclint does not report yet can be marked `# later: CODE` instead (AL110 and AL201
were, until the project index reached `lint_paths`; AL205 through a project helper still is). Once
asynclint reports it, the exact test fails and says which `# later:` marker to turn into
`# expect:`.

The twin has at least one marked instance of every rule code asynclint has, except AL001 (a syntax
error would stop the twin from running), AL100 (it needs `extra-blocking-calls` in a
configuration file) and the opt-in rules (AL111: the defaults do not select them); a new rule
fails `test_twin_exercises_every_rule` until the twin misuses it.

The "rule premise" demonstrations of tests/test_blocking_app_runtime.py mark their deliberate
misuse with `# noqa: CODE`; with those comments removed, asynclint must report exactly them.

The apps are linted with the defaults (`Config(root=REPO)`, the CLI with `--no-config`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from expectations import expected

from asynclint.api import lint_paths, lint_text
from asynclint.config import Config
from asynclint.rules import OPT_IN, RULES_BY_CODE

REPO = Path(__file__).resolve().parent.parent
TWIN = REPO / "examples" / "blocking_app"
REFERENCE = REPO / "examples" / "reference_app"
DEFAULTS = Config(root=REPO)

# Every rule but these: AL001 reports a syntax error (the twin must run), AL100 reports the calls
# listed under `extra-blocking-calls`, which needs a config file, and the opt-in rules are not in
# the default selection (the twin is linted with the defaults).
NOT_IN_TWIN = {"AL001", "AL100"} | OPT_IN
COVERED_CODES = set(RULES_BY_CODE) - NOT_IN_TWIN

_LATER = re.compile(r"#\s*later:\s*(?P<codes>AL[0-9]+(?:\s*,\s*AL[0-9]+)*)")
_NOQA = re.compile(r"\s*#\s*noqa:\s*(?P<code>AL[0-9]+)\b.*$")
_TEXT_FINDING = re.compile(
    r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):\d+: (?P<code>AL\d+) "
)

Key = tuple[str, int, str]


def _relative(path: str | Path) -> str:
    return Path(path).resolve().relative_to(REPO).as_posix()


def _sources(directory: Path) -> dict[str, str]:
    return {
        _relative(file): file.read_text(encoding="utf-8")
        for file in sorted(directory.rglob("*.py"))
    }


def _marked(directory: Path) -> Counter[Key]:
    return Counter(
        (path, line, code)
        for path, text in _sources(directory).items()
        for line, code in expected(text)
    )


def _later(directory: Path) -> set[Key]:
    return {
        (path, number, code.strip())
        for path, text in _sources(directory).items()
        for number, line in enumerate(text.splitlines(), 1)
        if (match := _LATER.search(line))
        for code in match.group("codes").split(",")
    }


def _lint(directory: Path) -> tuple[Counter[Key], dict[Key, str]]:
    result = lint_paths([str(directory)], DEFAULTS, jobs=1)
    assert result.errors == [], result.errors
    assert result.files == len(_sources(directory))
    found: Counter[Key] = Counter()
    messages: dict[Key, str] = {}
    for finding in result.findings:
        key = (_relative(finding.path), finding.line, finding.code)
        found[key] += 1
        messages.setdefault(key, f"{finding.code} {finding.message}")
    return found, messages


def _difference_report(
    marked: Counter[Key], found: Counter[Key], messages: dict[Key, str]
) -> str:
    sources = {path: text.splitlines() for path, text in _sources(TWIN).items()}

    def row(key: Key, count: int, what: str) -> str:
        path, line, code = key
        source = sources[path][line - 1].strip() if path in sources else ""
        times = f" (x{count})" if count > 1 else ""
        return f"  {path}:{line}: {code}{times} {what}\n      {source}"

    later = _later(TWIN)
    missing = [
        row(k, n, "marked but not reported")
        for k, n in sorted((marked - found).items())
    ]
    unexpected = [
        row(k, n, f"reported but not marked: {messages[k]}")
        + (
            "\n      (marked `# later:`: the rule reports it now, make it `# expect:`)"
            if k in later
            else ""
        )
        for k, n in sorted((found - marked).items())
    ]
    return "\n".join(
        [
            f"missing (false negatives?): {len(missing)}",
            *missing,
            f"unexpected (false positives?): {len(unexpected)}",
            *unexpected,
        ]
    )


def test_twin_findings_are_exactly_the_marked_lines() -> None:
    marked = _marked(TWIN)
    found, messages = _lint(TWIN)
    assert found == marked, "\n" + _difference_report(marked, found, messages)


def test_twin_exercises_every_rule() -> None:
    codes = {code for _, _, code in _marked(TWIN)}
    assert COVERED_CODES <= codes, (
        f"no `# expect:` marker for {sorted(COVERED_CODES - codes)}"
    )
    assert codes <= set(RULES_BY_CODE), (
        f"unknown codes {sorted(codes - set(RULES_BY_CODE))}"
    )


def test_rule_premise_demonstrations_are_exactly_what_the_rules_report() -> None:
    path = REPO / "tests" / "test_blocking_app_runtime.py"
    lines = path.read_text(encoding="utf-8").splitlines()
    marked: Counter[tuple[int, str]] = Counter()
    stripped = []
    for number, line in enumerate(lines, 1):
        match = _NOQA.search(line)
        if match:
            marked[(number, match["code"])] += 1
            line = line[: match.start()].rstrip()
        stripped.append(line)
    assert {code for _, code in marked} == {"AL202", "AL203", "AL204", "AL205", "AL303"}
    result = lint_text("\n".join(stripped) + "\n", str(path), DEFAULTS)
    found = Counter((finding.line, finding.code) for finding in result.findings)
    assert found == marked, "\n".join(
        f"  line {line}: {code} {text}"
        for (line, code), text in sorted(
            [(k, "not reported") for k in marked - found]
            + [(k, "reported, not a demonstration") for k in found - marked]
        )
    )


def test_reference_app_has_no_findings() -> None:
    found, messages = _lint(REFERENCE)
    assert not found, "\n".join(f"{k[0]}:{k[1]}: {messages[k]}" for k in sorted(found))


def test_reference_app_is_clean_because_its_factory_does_not_expire_on_commit(tmp_path: Path) -> None:
    """`POST /items` and `PATCH /items/{id}` validate the item right after the commit; without
    `expire_on_commit=False` on the factory (behind `_make_factory` and the dependency) both
    would read expired attributes, and asynclint says so."""
    copy = tmp_path / "examples" / "reference_app"
    shutil.copytree(REFERENCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "examples" / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'copy'\n")
    factory = copy / "database.py"
    text = factory.read_text(encoding="utf-8")
    assert text.count("expire_on_commit=False") == 1
    factory.write_text(text.replace(", expire_on_commit=False", ""), encoding="utf-8")
    result = lint_paths([str(copy)], Config(root=tmp_path), jobs=1)
    lines = (REFERENCE / "main.py").read_text(encoding="utf-8").splitlines()
    found = sorted((Path(f.path).name, lines[f.line - 1].strip(), f.code) for f in result.findings)
    assert found == [("main.py", "return ItemResponse.model_validate(item)", "AL205")] * 2


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asynclint", *args, "--no-config"],
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_reference_app_exits_zero() -> None:
    completed = _cli("examples/reference_app")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All checks passed" in completed.stdout


def test_cli_twin_reports_the_marked_lines_and_exits_one() -> None:
    completed = _cli("examples/blocking_app")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    found: Counter[Key] = Counter()
    for line in completed.stdout.splitlines():
        match = _TEXT_FINDING.match(line)
        if match:
            found[
                (_relative(REPO / match["path"]), int(match["line"]), match["code"])
            ] += 1
    assert found == _marked(TWIN), completed.stdout
