"""Index cost against project size: generated FastAPI-style projects of N modules.

Each module has a route calling a sync helper that calls the previous module's helper, so the
blocking fact (a `time.sleep` in the first module) must travel through every module: the worst
case for the project index. Prints wall and CPU seconds of a cold `asynclint` run (no cache) and
the cost per module, which stays flat if the index is built once and the cost is linear.

    python bench/synthetic.py --sizes 100,300,1000
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def generate(root: Path, modules: int) -> None:
    package = root / "app"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (package / "__init__.py").write_text("")
    (package / "m0.py").write_text("import time\n\ndef helper0():\n    time.sleep(0.1)\n")
    for index in range(1, modules):
        (package / f"m{index}.py").write_text(
            "from fastapi import APIRouter\n"
            f"from app.m{index - 1} import helper{index - 1}\n\n"
            "router = APIRouter()\n\n"
            f"def helper{index}():\n    return helper{index - 1}()\n\n"
            f"@router.get('/r{index}')\nasync def route{index}():\n    return helper{index}()\n"
        )


def measure(root: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "asynclint", "--no-cache", "--no-config", "--exit-zero",
         "--statistics", str(root)],
        capture_output=True, text=True, cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    findings = sum(int(line.split()[0]) for line in completed.stdout.splitlines() if line.strip())
    return wall, cpu, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000", help="module counts, comma-separated")
    args = parser.parse_args()
    print(f"{'modules':>8} {'wall s':>8} {'CPU s':>8} {'CPU ms/module':>14} {'findings':>9}")
    for size in (int(value) for value in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="asynclint-synthetic-") as tmp:
            generate(Path(tmp), size)
            wall, cpu, findings = measure(Path(tmp))
        print(f"{size:>8} {wall:>8.2f} {cpu:>8.2f} {1000 * cpu / size:>14.2f} {findings:>9}")


if __name__ == "__main__":
    main()
