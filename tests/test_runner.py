"""Scheduling in the worker pool: every file checked exactly once, each worker near its share."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from asynclint.options import CheckOptions
from asynclint.runner import _steal, run
from asynclint.tasks import Task


def test_an_idle_worker_takes_the_far_half_of_the_largest_share() -> None:
    idle: deque[Task] = deque()
    small, large = deque([Task("a")]), deque(Task(name) for name in "bcdef")
    _steal(idle, [idle, small, large])
    assert [task.path for task in idle] == ["d", "e", "f"]
    assert [task.path for task in large] == ["b", "c"]


def test_every_task_is_checked_exactly_once_across_shares(tmp_path: Path) -> None:
    paths = []
    for index in range(7):  # an odd count: the shares differ in size, one worker steals
        path = tmp_path / f"m{index}.py"
        path.write_text(f"import time\nasync def f{index}():\n    time.sleep({index})\n")
        paths.append(str(path))
    results = run([Task(path, f"m{index}") for index, path in enumerate(paths)], CheckOptions(), jobs=2)
    assert sorted(result.path for result in results) == sorted(paths)
    assert all([finding.code for finding in result.findings] == ["AL101"] for result in results)


def test_a_worker_renewing_its_project_index_finds_the_same(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "helpers.py").write_text("import time\n\ndef pause():\n    time.sleep(1)\n")
    paths = []
    for index in range(4):
        path = tmp_path / f"routes{index}.py"
        path.write_text("from helpers import pause\n\nasync def f():\n    pause()\n")
        paths.append(str(path))
    options = CheckOptions(modules={"helpers": tmp_path / "helpers.py"})
    tasks = [Task(path, f"routes{index}") for index, path in enumerate(paths)]

    def found() -> list[tuple[str, str]]:
        return sorted((r.path, f.code) for r in run(tasks, options, jobs=1) for f in r.findings)

    kept = found()
    monkeypatch.setattr("asynclint.runner._PROJECT_TASKS", 1)  # a fresh index for every file
    assert found() == kept == sorted((path, "AL110") for path in paths)
