"""asynclint's pytest plugin (entry point `pytest11`): a test fails when a blocking call runs on
its event loop, reported under the static rules' codes.

Inert unless enabled, and free when not: pytest imports this module at start-up, and it imports
nothing but pytest. The check (blockbuster, the catalog, the detector) is loaded only when
enabled by one of

* `pytest --asynclint-runtime` (or `=fail`), `--asynclint-runtime=warn` (report, do not fail),
  `--asynclint-runtime=off`;
* `asynclint_runtime = true` (or `warn`) in pytest's ini options;
* `@pytest.mark.asynclint_runtime` on a test (`("warn")`, or `("off")` to leave one test out).

`--asynclint-runtime-report PATH` writes the findings as asynclint JSON (and turns the check
on in `warn` mode when nothing else did), for `asynclint --compare-runtime PATH`.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from asynclint.findings import Finding
    from asynclint.runtime.session import RuntimeSession

FAIL, WARN, OFF = "fail", "warn", "off"
_MODES = {"fail": FAIL, "true": FAIL, "1": FAIL, "yes": FAIL, "warn": WARN,
          "off": OFF, "false": OFF, "0": OFF, "no": OFF, "": OFF}
_FLAG = "--asynclint-runtime"
_MARKER = "asynclint_runtime"

_mode_key = pytest.StashKey[str]()
_session_key = pytest.StashKey["RuntimeSession"]()
_report_key = pytest.StashKey["str | None"]()
_pending_key = pytest.StashKey[dict[str, list["Finding"]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asynclint", "asynclint: blocking calls on the event loop")
    group.addoption(
        _FLAG,
        nargs="?",
        const=FAIL,
        default=None,
        metavar="fail|warn|off",
        help="Fail a test when a blocking call runs on its event loop (warn: report it in the "
        "terminal summary instead; off: do not check).",
    )
    group.addoption(
        "--asynclint-runtime-report",
        metavar="PATH",
        default=None,
        help="Write the blocking calls found as asynclint JSON, for `asynclint --compare-runtime "
        "PATH`. Turns the check on (warn) if nothing else does.",
    )
    parser.addini(_MARKER, "asynclint's runtime check for every test: true (fail), warn or false", default="")


def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """`pytest --asynclint-runtime tests/` must not read `tests/` as the flag's value (argparse
    would, the value being optional): a bare flag not followed by a mode means `fail`."""
    for index, arg in enumerate(args):
        if arg == _FLAG and (index + 1 == len(args) or args[index + 1] not in _MODES):
            args[index] = f"{_FLAG}={FAIL}"


def _mode(value: Any, where: str) -> str:
    mode = _MODES.get(str(value).strip().lower())
    if mode is None:
        raise pytest.UsageError(f"{where}: {value!r} is not one of fail, warn, off (or true, false)")
    return mode


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(mode='fail'): fail the test when a blocking call runs on its event loop "
        "(asynclint); mode 'warn' reports it, 'off' skips the check",
    )
    option = config.getoption(_FLAG)
    if option is not None:
        mode = _mode(option, _FLAG)
    else:
        mode = _mode(config.getini(_MARKER), f"ini option {_MARKER}")
    report = config.getoption("asynclint_runtime_report")
    if report is not None:
        report = os.path.join(str(config.invocation_params.dir), report)
        if option is None and mode == OFF and not config.getini(_MARKER):
            mode = WARN
    config.stash[_mode_key] = mode
    config.stash[_report_key] = report
    if mode != OFF:
        _session(config)


def _session(config: pytest.Config) -> RuntimeSession:
    """The session's check, created on first use (a marker alone enables it for one test)."""
    runtime = config.stash.get(_session_key, None)
    if runtime is None:
        try:
            from asynclint.runtime.session import RuntimeSession
        except ModuleNotFoundError as missing:
            if missing.name != "blockbuster":
                raise
            raise pytest.UsageError(
                "asynclint's runtime check needs blockbuster: pip install 'asynclint[runtime]'"
            ) from None
        runtime = config.stash[_session_key] = RuntimeSession(config)
    return runtime


def _item_mode(item: pytest.Item) -> str:
    marker = item.get_closest_marker(_MARKER)
    if marker is None:
        return item.config.stash.get(_mode_key, OFF)
    value = marker.args[0] if marker.args else marker.kwargs.get("mode", FAIL)
    if value is True or value is False:
        return FAIL if value else OFF
    return _mode(value, f"{item.nodeid}: @pytest.mark.{_MARKER}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # a bad marker argument is a usage error before anything runs
        _item_mode(item)


# Old-style hook wrappers (`hookwrapper=True`): any pytest and pluggy a user may have, since
# this module is imported by every pytest run of an environment where asynclint is installed.
def _watch(item: pytest.Item, phase: str) -> Generator[None, Any, None]:
    if _item_mode(item) == OFF:
        yield
        return
    runtime = _session(item.config)
    runtime.start()
    yield  # the phase's outcome (even an exception) is pluggy's: the code below always runs
    found = runtime.stop()
    if found:
        item.stash.setdefault(_pending_key, {})[phase] = found


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, None]:
    yield from _watch(item, "setup")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    yield from _watch(item, "call")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, None]:
    yield from _watch(item, "teardown")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    pending = item.stash.get(_pending_key, None)
    if not pending:
        return
    report: pytest.TestReport = outcome.get_result()
    found = pending.pop(call.when, [])
    # What async fixtures blocked on while setting up is the test's failure (the test still
    # runs): shown with the next report, or with the setup's when the test does not run.
    if call.when == "setup" and report.passed:
        pending["carried"] = found
        return
    found = pending.pop("carried", []) + found
    if found:
        _session(item.config).apply(report, found, fail=_item_mode(item) == FAIL)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    runtime = config.stash.get(_session_key, None)
    if runtime is not None:
        runtime.summary(terminalreporter)


def pytest_sessionfinish(session: pytest.Session) -> None:
    report = session.config.stash.get(_report_key, None)
    if report is None:
        return
    runtime = _session(session.config)
    runtime.write_report(report, session.config.pluginmanager.get_plugin("terminalreporter"))
