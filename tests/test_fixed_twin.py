"""End to end on the misuse twin: `asynclint --fix --unsafe-fixes` on a copy of
examples/blocking_app, then the fixed copy is linted again and served.

(a) every file of the copy parses and a second run changes nothing; (b) what is left is exactly
the findings whose fix is display-only; (c) the fixed blocking endpoints no longer stall the
event loop (the loop-stall probe: concurrent requests overlap, the heartbeat keeps beating),
and the fixed AL202/AL203/AL205/AL301 endpoints store and answer as the reference app does.
The copy is served by tests/fixed_twin_driver.py in a child process (it has the twin's module
names).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from loop_probe import OVERLAP_LIMIT, OVERLAP_LIMIT_CPU_BOUND, ProbeResult, assert_overlaps_and_keeps_loop_free

from asynclint.cli import command

REPO = Path(__file__).resolve().parent.parent


def _lint(root: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        command,
        ["--no-config", "--no-cache", "--jobs", "1", "--unsafe-fixes", *options, str(root / "examples" / "blocking_app")],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def _sources(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted((root / "examples" / "blocking_app").rglob("*.py"))}


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("fixed-twin")
    shutil.copytree(REPO / "examples", root / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    # a project's top, as the repository is: the whole copy is the project the twin is checked in
    # (the reference app's schemas, which the twin's response models use, included)
    (root / "pyproject.toml").write_text('[project]\nname = "fixed-twin"\n', encoding="utf-8")
    original = _sources(root)
    _, before = _lint(root, "--format", "json")
    fix_code, fix_output = _lint(root, "--fix")
    after_fix = _sources(root)
    second_code, second_output = _lint(root, "--fix")
    _, after = _lint(root, "--format", "json")
    return {
        "root": root,
        "original": original,
        "fixed": after_fix,
        "again": _sources(root),
        "before": json.loads(before),
        "after": json.loads(after),
        "fix": (fix_code, fix_output),
        "second": (second_code, second_output),
    }


def test_the_fixed_copy_parses_and_a_second_run_changes_nothing(fixed):
    assert fixed["fixed"] != fixed["original"]
    for path, text in fixed["fixed"].items():
        ast.parse(text, filename=str(path))
    assert fixed["again"] == fixed["fixed"]
    code, output = fixed["second"]
    assert (code, output.splitlines()[-1]) == (1, f"Found {len(fixed['after'])} findings in 1 file.")


def test_what_is_left_is_exactly_the_display_only_findings(fixed):
    def key(finding: dict) -> tuple[str, str]:
        return finding["code"], finding["message"]

    display_only = [f for f in fixed["before"] if f["fix"] and f["fix"]["applicability"] == "display-only"]
    assert display_only  # the twin has misuse no fix can settle
    assert Counter(map(key, fixed["after"])) == Counter(map(key, display_only))
    assert all(f["fix"]["applicability"] == "display-only" for f in fixed["after"])
    # and everything else was fixed: one finding for each file position that had one
    fixed_count = len(fixed["before"]) - len(display_only)
    summary = f"Found {len(fixed['before'])} findings ({fixed_count} fixed, {len(display_only)} remaining in 1 file)."
    assert fixed["fix"] == (1, fixed["fix"][1]) and fixed["fix"][1].splitlines()[-1] == summary


@pytest.fixture(scope="module")
def served(fixed, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = fixed["root"]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(REPO / "tests")])}
    database = tmp_path_factory.mktemp("fixed-twin-db") / "twin.db"
    completed = subprocess.run(
        [sys.executable, str(REPO / "tests" / "fixed_twin_driver.py"), str(database)],
        cwd=root, env=environment, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/sleep", OVERLAP_LIMIT),
        ("/subprocess", OVERLAP_LIMIT_CPU_BOUND),  # each request starts an interpreter (loop_probe.py)
        ("/helper", OVERLAP_LIMIT),
        ("/sync-session", OVERLAP_LIMIT),
    ],
)
def test_the_fixed_blocking_endpoints_no_longer_stall_the_loop(served, path, limit):
    (found,) = [ProbeResult(**{**p, "status_codes": tuple(p["status_codes"])})
                for p in served["probes"] if p["path"].split("?")[0] == path]
    print(f"\n[probe] fixed twin {found.summary()}")
    assert found.status_codes == (200,) * found.n
    assert_overlaps_and_keeps_loop_free(found, limit)


def test_the_fixed_orm_endpoints_store_and_answer(served):
    statuses = {(method, path): status for method, path, status in served["served"]}
    assert statuses[("POST", "/items/import")] == 201  # AL202: the commit is awaited now
    assert statuses[("GET", "/items/names")] == 200  # AL202: (await s.scalars(q)).all()
    assert statuses[("POST", "/items/1/copy")] == 201  # AL203: session.add without await
    assert statuses[("POST", "/items/expiring")] == 201  # AL205: refreshed after the commit
    assert statuses[("POST", "/orders/{order}/cancel")] == 200  # AL205
    assert statuses[("POST", "/orders/{order}/ship")] == 200
    # stored, as the reference app stores them: the imported row, the copy, the expiring item
    assert served["item_names"] == ["a", "b", "a (copy)", "c"]
    assert ["warehouse", 1] in served["sent"]  # AL301: the notification is awaited now
