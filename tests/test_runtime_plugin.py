"""The pytest plugin end to end, through pytester in a fresh process each (the plugin loads from
its `pytest11` entry point, as in a user's project): an async test that calls `time.sleep`
fails with AL101, offloaded it passes, `warn` reports without failing, `# noqa` and
`runtime-allow` are honoured, and without the flag nothing changes and nothing is imported.

The inner tests run their loop with anyio's pytest plugin, as the repository's own runtime
tests do, or with `asyncio.run` in a plain test: the check needs only a loop on the test's thread.
"""

from __future__ import annotations

import json
import re

import pytest

pytest_plugins = ["pytester"]

# Every inner test module: anyio's plugin runs the async tests on the asyncio backend.
PROLOGUE = """\
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"
"""

INNER = "import asyncio\nimport threading\nimport time\n\nimport startup\n" + PROLOGUE + """

async def test_sleeps():
    time.sleep(0.001)


async def test_offloaded():
    await asyncio.to_thread(time.sleep, 0.001)


async def test_noqa():
    time.sleep(0.001)  # noqa: AL101


async def test_noqa_of_another_code():
    time.sleep(0.001)  # noqa: AL102


async def test_allowed_module():
    startup.warm_up()


async def test_held_lock():
    lock = threading.Lock()
    lock.acquire()
    try:
        assert not lock.acquire(timeout=0.001)
    finally:
        lock.release()


@pytest.fixture
async def slow_setup():
    time.sleep(0.001)
    yield


async def test_blocking_async_fixture(slow_setup):
    pass


def test_sync_sleep():
    time.sleep(0.001)


def test_asyncio_run():
    async def main():
        time.sleep(0.001)

    asyncio.run(main())
"""

STARTUP = "import time\n\n\ndef warm_up():\n    time.sleep(0.001)\n"
PYPROJECT = '[tool.asynclint]\nruntime-allow = ["startup:*"]\n'
SLEEP_LINE = INNER.splitlines().index("async def test_sleeps():") + 2
FAILING = {"test_sleeps", "test_noqa_of_another_code", "test_held_lock", "test_blocking_async_fixture",
           "test_asyncio_run"}


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_inner=INNER, startup=STARTUP)
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.syspathinsert()
    return pytester


def outcomes_by_test(result: pytest.RunResult) -> dict[str, str]:
    found = {}
    for line in result.stdout.lines:
        match = re.match(r"\S+::(\S+) (PASSED|FAILED)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_a_blocking_call_fails_the_test_with_the_static_code(project: pytest.Pytester) -> None:
    # The bare flag before a path: the path is not taken for the flag's value.
    result = project.runpytest_subprocess("--asynclint-runtime", "test_inner.py", "-v")
    outcomes = outcomes_by_test(result)
    assert {name for name, outcome in outcomes.items() if outcome == "FAILED"} == FAILING
    assert {name for name, outcome in outcomes.items() if outcome == "PASSED"} == {
        "test_offloaded", "test_noqa", "test_allowed_module", "test_sync_sleep"
    }
    result.stdout.fnmatch_lines([
        (f"test_inner.py:{SLEEP_LINE}:5: AL101 time.sleep() blocked the event loop in test_sleeps "
         f"(test_inner.py:{SLEEP_LINE}) [runtime]"),
        "    help: use `await asyncio.sleep(...)` (or `await anyio.sleep(...)`)",
        "*AL106 threading.Lock.acquire() blocked the event loop in test_held_lock*",
        # an async fixture's setup: the test it sets up fails (and still runs)
        "*_ test_blocking_async_fixture _*",
        "*AL101 time.sleep() blocked the event loop in slow_setup*",
        "*AL101 time.sleep() blocked the event loop in test_asyncio_run.<locals>.main*",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_warn_reports_in_the_summary_and_writes_the_json_report(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess(
        "--asynclint-runtime=warn", "--asynclint-runtime-report", "out/runtime.json", "test_inner.py"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "*= asynclint runtime: 5 blocking calls on the event loop =*",
        f"test_inner.py:{SLEEP_LINE}:5: AL101 time.sleep() blocked the event loop in test_sleeps *",
    ])
    report = json.loads((project.path / "out" / "runtime.json").read_text(encoding="utf-8"))
    assert [(item["path"], item["code"], item["function"]) for item in report] == [
        ("test_inner.py", "AL101", "test_sleeps"),
        ("test_inner.py", "AL101", "test_noqa_of_another_code"),
        ("test_inner.py", "AL106", "test_held_lock"),
        ("test_inner.py", "AL101", "slow_setup"),
        ("test_inner.py", "AL101", "test_asyncio_run.<locals>.main"),
    ]
    assert set(report[0]) == {
        "path", "line", "column", "end_line", "end_column", "code", "name", "message",
        "suggestion", "function", "endpoint", "fix",
    }
    assert report[0]["name"] == "blocking-sleep" and report[0]["fix"] is None


INERT = "import sys\nimport time\n" + PROLOGUE + """

async def test_sleeps_unchecked():
    time.sleep(0.001)


def test_nothing_of_the_check_is_imported():
    assert "asynclint.runtime.plugin" in sys.modules
    assert "blockbuster" not in sys.modules
    assert not [name for name in sys.modules if name.startswith("libcst")]
    assert "asynclint.runtime.detector" not in sys.modules
    assert time.sleep.__module__ == "time"
"""


def test_without_the_flag_the_plugin_changes_nothing_and_imports_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inert=INERT)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    assert "asynclint runtime" not in result.stdout.str()


MARKED = "import time\n" + PROLOGUE + """

@pytest.mark.asynclint_runtime
async def test_marked():
    time.sleep(0.001)


async def test_unmarked():
    time.sleep(0.001)


@pytest.mark.asynclint_runtime("off")
async def test_left_out():
    time.sleep(0.001)
"""


def test_the_marker_enables_one_test_and_the_ini_option_all(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marked=MARKED)
    result = pytester.runpytest_subprocess("-v")
    assert outcomes_by_test(result) == {
        "test_marked": "FAILED", "test_unmarked": "PASSED", "test_left_out": "PASSED"
    }
    result = pytester.runpytest_subprocess("-v", "-o", "asynclint_runtime=true")
    assert outcomes_by_test(result) == {
        "test_marked": "FAILED", "test_unmarked": "FAILED", "test_left_out": "PASSED"
    }


def test_a_bad_configuration_is_one_line_and_no_traceback(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marked=MARKED)
    pytester.makefile(".toml", pyproject='[tool.asynclint]\nruntime-allow = ["startup"]\n')
    result = pytester.runpytest_subprocess("--asynclint-runtime")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        "*asynclint: [[]tool.asynclint[]] in *pyproject.toml: runtime-allow: 'startup' is not *"
    ])
    assert "Traceback" not in result.stderr.str()
    result = pytester.runpytest_subprocess("--asynclint-runtime=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "'sometimes' is not one of fail, warn, off" in result.stderr.str()
