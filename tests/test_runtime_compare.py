"""`asynclint --compare-runtime REPORT PATHS`: static and runtime findings side by side — the
matching rules, the groups and their reasons, the TOML for `extra-blocking-calls`, errors as
one line; and the side-by-side report on the misuse twin, from a real run of the plugin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import command
from asynclint.findings import Finding
from asynclint.runtime.compare import candidates, compare, reason, render_text

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parent.parent


def finding(code: str, line: int, message: str, function: str = "handler", path: str = "app.py") -> Finding:
    return Finding(path, line, 5, line, 20, code, "name", message, "help", function)


def test_a_runtime_finding_matches_by_line_then_by_function() -> None:
    static = [
        finding("AL103", 3, "open() blocks the event loop in async function handler"),
        finding("AL101", 9, "time.sleep() blocks the event loop in async function other", "other"),
        finding("AL202", 12, "session.commit() returns a coroutine that is never awaited"),
    ]
    runtime = [
        finding("AL103", 3, "open() blocked the event loop in handler (app.py:3) [runtime]"),
        # the read of the file the open made, a line later: the same static finding
        finding("AL103", 4, "read() on a sync file blocked the event loop in handler (app.py:4) [runtime]"),
        # the same code in another function is not a match
        finding("AL101", 20, "time.sleep() blocked the event loop in third (app.py:20) [runtime]", "third"),
    ]
    result = compare(static, runtime)
    assert [(f.line, [r.line for r in seen]) for f, seen in result.both] == [(3, [3, 4])]
    assert [(f.code, why) for f, why in result.static_only] == [
        ("AL101", reason("AL101")), ("AL202", reason("AL202"))
    ]
    assert "coverage hint" in reason("AL101") and "does not block" in reason("AL202")
    assert [f.line for f in result.runtime_only] == [20]


def test_runtime_only_callees_the_catalog_does_not_know_become_toml() -> None:
    runtime = [
        finding("AL109", 7, "legacy.client.fetch() blocked the event loop in handler (app.py:7): "
                "it called socket.socket.connect() [runtime]"),
        finding("AL110", 8, "load() blocked the event loop in handler (app.py:8): load() → "
                "vendor.sdk.Client.get() (app/helpers.py:3), in socket.socket.recv() [runtime]"),
        # known to the catalog: the static check missed the call for another reason
        finding("AL101", 9, "time.sleep() blocked the event loop in handler (app.py:9) [runtime]"),
    ]
    assert sorted(candidates(runtime)) == ["legacy.client.fetch", "vendor.sdk.Client.get"]
    text = render_text(compare([], runtime))
    assert "[tool.asynclint.extra-blocking-calls]\n" in text
    assert '"legacy.client.fetch" = { code = "AL109", suggestion = "offload it: `{offload}({func_args})`" }' in text
    assert '"vendor.sdk.Client.get" = { code = "AL100",' in text
    assert '"time.sleep"' not in text


def test_a_bad_report_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("async def f():\n    pass\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"not": "a list"}', encoding="utf-8")
    for report, words in [("bad.json", "not an asynclint JSON report"), ("missing.json", "cannot read")]:
        result = CliRunner().invoke(command, ["--compare-runtime", report, "app.py"])
        assert result.exit_code == 2
        assert result.stderr.startswith("asynclint: error: --compare-runtime: ") and words in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_a_bad_runtime_allow_is_a_config_error_of_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nruntime-allow = ["app.startup"]\n', encoding="utf-8")
    (tmp_path / "app.py").write_text("async def f():\n    pass\n", encoding="utf-8")
    result = CliRunner().invoke(command, ["app.py"])
    assert result.exit_code == 2
    assert "runtime-allow: 'app.startup' is not \"module:function\"" in result.stderr


# The twin's blocking endpoints and its input() coroutine, driven with the plugin on.
DRIVER = """\
import io
import sys

import pytest
from test_blocking_app_runtime import twin
from test_runtime_twin import BLOCKING, local_rates

from examples.blocking_app import cli

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.parametrize("url", list(BLOCKING))
async def test_endpoint(twin, local_rates, url):
    await twin.get(url)


async def test_prompt(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("widget\\n2.5\\n"))
    await cli.prompt_item()
"""


def test_side_by_side_on_the_twin(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every static finding of the twin that blocks is found by both; the rest are static only,
    each with its reason; nothing is runtime only."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), str(REPO / "tests")]))
    pytester.makepyfile(test_driver=DRIVER)
    report = pytester.path / "runtime.json"
    run = pytester.runpytest_subprocess("--asynclint-runtime=warn", "--asynclint-runtime-report", str(report))
    run.assert_outcomes(passed=9)
    compared = subprocess.run(
        [sys.executable, "-m", "asynclint", "--compare-runtime", str(report), "--format", "json",
         "examples/blocking_app"],
        capture_output=True, text=True, cwd=REPO, check=True,
    )
    result = json.loads(compared.stdout)
    both = sorted(item["static"]["code"] for item in result["both"])
    assert both == ["AL101", "AL102", "AL103", "AL104", "AL105", "AL105", "AL105", "AL107", "AL107",
                    "AL109", "AL110", "AL201"]
    static_only = {(item["code"], item["reason"]) for item in result["static_only"]}
    assert {code for code, _ in static_only} == {
        "AL106", "AL108", "AL202", "AL203", "AL204", "AL205", "AL301", "AL302", "AL303"
    }
    # AL106: `with lock:` on a lock nobody holds; the others raise or misbehave, not block
    assert {code for code, why in static_only if why != reason("AL202")} == {"AL106"}
    assert result["runtime_only"] == []
