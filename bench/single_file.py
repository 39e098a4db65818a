"""What a pre-commit or editor run on one file costs on a large tree, with a warm cache.

    python bench/single_file.py [TREE] [--file REL] [--baseline DIR] [--repeat 7] [--json OUT]

Runs, interleaved round by round in the same run (so machine load hits every command alike):
`python -c pass` (the interpreter's floor), ruff's ASYNC rules on the file (as `bench/run.py`
runs ruff), and `asynclint --force-exclude REL` from TREE's top, for this checkout and, with
`--baseline DIR` (a directory holding another version's `asynclint/` package, e.g. from
`git archive <commit> asynclint | tar -x -C DIR`), for that one. Each asynclint gets its own
cache directory, warmed by one untimed run; `--top` also times `asynclint .` from the top (the
whole tree, warm). The table shows each command's median CPU seconds (user + system of the
child, which other load on the machine inflates less than wall time) and its ratio to
`python -c pass` and to ruff. A script, not a test: nothing here runs under pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
# The unpacked sdist `bench/run.py --only Django` leaves (homeassistant, 7,635 files, is the
# larger case: `--only homeassistant`, then TREE .../homeassistant-2024.12.5 and --file
# homeassistant/components/http/view.py).
DEFAULT_TREE = Path.home() / ".cache" / "asynclint-bench" / "src" / "Django-5.1.4"
DEFAULT_FILE = "django/core/handlers/asgi.py"


def _script(name: str) -> str:
    """An executable installed next to this interpreter, else on PATH (as bench/run.py)."""
    local = Path(sysconfig.get_path("scripts")) / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def _cpu_seconds(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """CPU seconds (user + system) of one child run, and its exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return spent, completed.returncode


def _commands(
    tree: Path, file: str, baseline: Path | None, top: bool, caches: Path
) -> dict[str, tuple[list[str], dict[str, str]]]:
    plain = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], plain),
        "ruff (ASYNC)": (
            [_script("ruff"), "check", "--select", "ASYNC", "--no-cache", "--isolated",
             "--exit-zero", "--quiet", file],
            plain,
        ),
    }
    versions = {"asynclint": CHECKOUT}
    if baseline is not None:
        versions["asynclint baseline"] = baseline
    for name, package in versions.items():
        env = {**plain, "PYTHONPATH": str(package), "ASYNCLINT_CACHE_DIR": str(caches / name)}
        asynclint = [sys.executable, "-m", "asynclint", "-q"]
        commands[f"{name} one file"] = ([*asynclint, "--force-exclude", file], env)
        if top:
            commands[f"{name} ."] = ([*asynclint, "."], env)
    return commands


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", nargs="?", type=Path, default=DEFAULT_TREE)
    parser.add_argument("--file", default=DEFAULT_FILE, help="the file, relative to TREE")
    parser.add_argument("--baseline", type=Path, help="a directory holding another asynclint/")
    parser.add_argument("--top", action="store_true", help="also time `asynclint .` (slow)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write every run's seconds here")
    arguments = parser.parse_args()
    tree = arguments.tree.resolve()
    if not (tree / arguments.file).is_file():
        raise SystemExit(f"not a file: {tree / arguments.file}")
    with tempfile.TemporaryDirectory(prefix="asynclint-single-file-") as caches:
        commands = _commands(tree, arguments.file, arguments.baseline, arguments.top, Path(caches))
        for name, (argv, env) in commands.items():  # warm the caches (and the page cache)
            _, status = _cpu_seconds(argv, tree, env)
            if status not in (0, 1):
                raise SystemExit(f"{name} exited {status}: {' '.join(argv)}")
        runs: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(max(1, arguments.repeat)):
            for name, (argv, env) in commands.items():
                runs[name].append(_cpu_seconds(argv, tree, env)[0])
    medians = {name: statistics.median(seconds) for name, seconds in runs.items()}
    floor, ruff = medians["python -c pass"], medians["ruff (ASYNC)"]
    print(f"{tree.name}: {arguments.file}, median of {arguments.repeat} rounds, CPU seconds")
    print(f"{'command':<28} {'CPU s':>7} {'x python -c pass':>17} {'x ruff':>7}")
    for name, seconds in medians.items():
        print(f"{name:<28} {seconds:7.3f} {seconds / floor:17.1f} {seconds / ruff:7.1f}")
    if arguments.json is not None:
        arguments.json.write_text(json.dumps({"tree": str(tree), "file": arguments.file,
                                              "runs": runs, "medians": medians}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
