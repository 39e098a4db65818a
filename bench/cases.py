"""asynclint's cases: the runs a user feels, each measured like a tool.

* ``cold``: the whole corpus with a fresh, empty cache directory (the cache gets written).
* ``warm``: the same command again with the cache the cold run filled; nothing changed.
* ``touched``: the warm command after one async file got a comment line appended (on a copy
  of the warm cache, so every repeat starts from the same state; the file is restored after
  every run, ``bench/touch.py``).
* ``single``: pre-commit style, ``asynclint --force-exclude FILE`` with the warm cache, next to
  ``ruff check --select ASYNC FILE``.
* ``startup``: ``asynclint --version`` and asynclint on an empty directory, next to
  ``python -c pass`` (the same interpreter and environment); not per corpus.

The cache directory is always a temporary one (``--cache-dir``, and ``ASYNCLINT_CACHE_DIR``
for anything that reads the environment): the user's own cache is never read or written.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from corpora import SourceTree
from measure import Invocation, Run
from tools import (
    RUFF_ARGS,
    RUFF_REPORT_ARGS,
    Coverage,
    Setup,
    ToolResult,
    count_json_findings,
    run_repeated,
    script,
)
from touch import touched

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_CASES = ("cold", "warm", "touched", "single")
ALL_CASES = (*CORPUS_CASES, "startup")
# Start-up runs take tens of milliseconds, so they are repeated at least this often.
STARTUP_MIN_RUNS = 5
# Result keys: "asynclint" is the cold run (the key --json has always used for it).
KEYS = {
    "cold": "asynclint",
    "warm": "asynclint warm",
    "touched": "asynclint touched",
    "single": "asynclint single",
}
RUFF_SINGLE = "ruff single"
_NO_FILES_NOTE = "note: no Python files found"
# Directories a pre-commit user rarely edits, or asynclint's default excludes.
_NOT_PICKED = {"tests", "test", "docs", "docs_src", "examples", "build", "dist", "scripts"}


def asynclint_env(cache_dir: Path | None = None) -> dict[str, str]:
    """Environment that imports asynclint from this repo's working tree, installed or not."""
    paths = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    if cache_dir is not None:
        env["ASYNCLINT_CACHE_DIR"] = str(cache_dir)
    return env


def asynclint(cache_dir: Path, *args: str, cwd: Path | None = None) -> Invocation:
    argv = [sys.executable, "-m", "asynclint", "--format", "json", "--exit-zero", "--no-config"]
    argv += ["--cache-dir", str(cache_dir), *args]
    return Invocation(argv, cwd=cwd, env=asynclint_env(cache_dir))


def case_file(tree: SourceTree) -> Path | None:
    """The file ``touched`` and ``single`` use: of the files holding ``async def`` outside
    tests, docs and build directories (else anywhere), the median one by line count."""
    holding = [path for path in tree.lines if b"async def" in path.read_bytes()]

    def picked(path: Path) -> bool:
        parts = path.relative_to(tree.root).parts[:-1]
        return not any(part in _NOT_PICKED or part.startswith(".") for part in parts)

    candidates = [path for path in holding if picked(path)] or holding
    if not candidates:
        return None
    ordered = sorted(candidates, key=lambda path: (tree.lines[path], str(path)))
    return ordered[(len(ordered) - 1) // 2]


@dataclass
class CorpusCases:
    results: dict[str, ToolResult] = field(default_factory=dict)
    file: Path | None = None  # the touched / single file, relative to the corpus root
    notes: list[str] = field(default_factory=list)


def _findings_coverage(run: Run) -> Coverage:
    return Coverage(findings=count_json_findings(run.stdout))


def _finding_paths(run: Run, cwd: Path) -> list[Path]:
    try:
        items = json.loads(run.stdout or "[]")
        return [(cwd / item["path"]).resolve() for item in items]
    except (ValueError, TypeError, KeyError):
        return []


def _cache_note(cache: Path) -> str:
    files = [path for path in cache.rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in files) / 2**20
    note = f"cache after the cold run: {len(files):,} files, {size:.1f} MB"
    return note + ("; nothing was cached, so warm repeats cold" if not files else "")


class _Runner:
    """Runs the corpus cases of one tree in a scratch directory of cache copies."""

    def __init__(
        self, tree: SourceTree, repeat: int, timeout_s: float, journal: Path, scratch: Path
    ) -> None:
        self.tree, self.repeat, self.timeout_s = tree, repeat, timeout_s
        self.journal, self.scratch = journal, scratch
        self.out = CorpusCases()
        self._dirs = 0
        self._reference: ToolResult | None = None  # the cold (or fill) run findings match

    def _new_dir(self, kind: str) -> Path:
        self._dirs += 1
        path = self.scratch / f"{kind}-{self._dirs}"
        path.mkdir()
        return path

    def cold(self, measured: bool) -> Path | None:
        """Cold runs, each with a fresh cache; the cache of the last one, None if it failed."""
        caches: list[Path] = []

        def fresh() -> nullcontext[Invocation]:
            caches.append(self._new_dir("cold"))
            return nullcontext(asynclint(caches[-1], str(self.tree.root)))

        result = run_repeated(
            "asynclint cold" if measured else "asynclint fill",
            fresh,
            _findings_coverage,
            self.repeat if measured else 1,
            self.timeout_s,
        )
        for cache in caches[:-1]:
            shutil.rmtree(cache, ignore_errors=True)
        if measured:
            self.out.results[KEYS["cold"]] = result
        self._reference = result
        if not result.ok:
            if not measured:
                self.out.notes.append(f"the run that fills the cache failed: {result.detail}")
            return None
        self.out.notes.append(_cache_note(caches[-1]))
        if not measured:
            self.out.notes.append("the cache was filled by one cold run, not measured")
        return caches[-1]

    def warm(self, cache: Path) -> None:
        invocation = asynclint(cache, str(self.tree.root))
        self._store("warm", lambda: nullcontext(invocation))

    def touched(self, cache: Path, file: Path) -> None:
        @contextmanager
        def touched_copy() -> Iterator[Invocation]:
            copy = self._new_dir("touched")
            shutil.copytree(cache, copy, dirs_exist_ok=True)
            try:
                with touched(file, self.journal):
                    yield asynclint(copy, str(self.tree.root))
            finally:
                shutil.rmtree(copy, ignore_errors=True)

        self._store("touched", touched_copy)

    def single(self, cache: Path, file: Path, with_ruff: bool) -> None:
        rel = str(file.relative_to(self.tree.root))
        invocation = asynclint(cache, "--force-exclude", rel, cwd=self.tree.root)
        result = self._store("single", lambda: nullcontext(invocation), one_file=True)
        if result.ok and _NO_FILES_NOTE in result.runs[-1].stderr:
            result.status, result.detail = "failed", f"{rel} was excluded: nothing checked"
        if with_ruff:
            argv = [script("ruff"), *RUFF_ARGS, *RUFF_REPORT_ARGS, rel]
            ruff = Invocation(argv, cwd=self.tree.root)
            self.out.results[RUFF_SINGLE] = run_repeated(
                RUFF_SINGLE, lambda: nullcontext(ruff), self._file_coverage,
                self.repeat, self.timeout_s,
            )

    def skip(self, case: str, why: str) -> None:
        name = KEYS[case]
        self.out.results[name] = ToolResult(name, "skipped", detail=why)

    def _file_coverage(self, run: Run) -> Coverage:
        file = self.tree.root / str(self.out.file)
        return Coverage(1, self.tree.lines[file], count_json_findings(run.stdout))

    def _store(self, case: str, setup: Setup, one_file: bool = False) -> ToolResult:
        coverage = self._file_coverage if one_file else _findings_coverage
        result = run_repeated(KEYS[case], setup, coverage, self.repeat, self.timeout_s)
        result.coverage = self._compared(case, result)
        self.out.results[KEYS[case]] = result
        return result

    def _compared(self, case: str, result: ToolResult) -> Coverage:
        """The coverage, with a note when the findings differ from the cold run's."""
        cold = self._reference
        if not (result.ok and cold is not None and cold.ok):
            return result.coverage
        expected = cold.coverage.findings
        if case == "single":
            file = (self.tree.root / str(self.out.file)).resolve()
            paths = _finding_paths(cold.runs[-1], self.tree.root)
            expected = sum(1 for path in paths if path == file) if paths else expected
        found = result.coverage.findings
        if found == expected:
            return result.coverage
        note = f"{found} findings where the cold run has {expected}"
        return Coverage(result.coverage.files, result.coverage.lines, found, note)


def run_corpus_cases(
    tree: SourceTree,
    cases: list[str],
    repeat: int,
    timeout_s: float,
    with_ruff: bool,
    journal: Path,
) -> CorpusCases:
    """The selected corpus cases, in the order cold, warm, single, touched."""
    with tempfile.TemporaryDirectory(prefix="asynclint-bench-caches-") as scratch:
        runner = _Runner(tree, repeat, timeout_s, journal, Path(scratch))
        file = case_file(tree)
        runner.out.file = file.relative_to(tree.root) if file is not None else None
        cache = runner.cold(measured=True) if "cold" in cases else None
        later = [case for case in ("warm", "single", "touched") if case in cases]
        if later and cache is None and "cold" not in cases:
            cache = runner.cold(measured=False)
        for case in later:
            if cache is None:
                runner.skip(case, "no cache: the cold run failed")
            elif case == "warm":
                runner.warm(cache)
            elif file is None:
                runner.skip(case, "the corpus has no file with `async def`")
            elif case == "single":
                runner.single(cache, file, with_ruff)
            else:
                runner.touched(cache, file)
        return runner.out


STARTUP_KEYS = ("python -c pass", "asynclint --version", "asynclint empty dir")


def run_startup(repeat: int, timeout_s: float) -> dict[str, ToolResult]:
    """Start-up cost: the interpreter alone, ``--version``, and a run with nothing to lint."""
    runs = max(repeat, STARTUP_MIN_RUNS)
    with tempfile.TemporaryDirectory(prefix="asynclint-bench-startup-") as tmp:
        empty, cache = Path(tmp, "empty"), Path(tmp, "cache")
        empty.mkdir()
        cache.mkdir()
        env = asynclint_env(cache)
        invocations = {
            "python -c pass": Invocation([sys.executable, "-c", "pass"], env=env),
            "asynclint --version": Invocation(
                [sys.executable, "-m", "asynclint", "--version"], env=env
            ),
            "asynclint empty dir": asynclint(cache, str(empty), cwd=empty),
        }
        return {
            name: run_repeated(
                name, lambda inv=inv: nullcontext(inv), lambda run: Coverage(), runs, timeout_s
            )
            for name, inv in invocations.items()
        }
