"""The tools the benchmark runs (asynclint, ruff, flake8-async, the parse baselines) and
running one of them ``--repeat`` times over a corpus."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpora import SourceTree
from measure import Invocation, Run, measure

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
ALL_TOOLS = ("asynclint", "ruff", "flake8-async", "libcst-parse", "ast-parse")
# flake8-async is opt-in: it needs ~1,500 CPU-s on Django.
DEFAULT_TOOLS = ("asynclint", "ruff", "libcst-parse", "ast-parse")


@dataclass(frozen=True)
class Coverage:
    """What a tool reports about its own run (None: unknown)."""

    files: int | None = None
    lines: int | None = None
    findings: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Tool:
    name: str
    invocation: Callable[[SourceTree], Invocation]
    coverage: Callable[[SourceTree, Run], Coverage]
    ok_exit_codes: tuple[int, ...] = (0,)


def _script(name: str) -> str:
    """An executable installed next to this interpreter, else on PATH."""
    local = Path(sysconfig.get_path("scripts")) / name
    return str(local) if local.exists() else (shutil.which(name) or name)


PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
RUFF_ARGS = ["check", "--select", "ASYNC", "--no-cache", "--isolated"]
RUFF_REPORT_ARGS = ["--exit-zero", "--quiet", "--output-format", "json"]


def _ruff_invocation(tree: SourceTree) -> Invocation:
    return Invocation([_script("ruff"), *RUFF_ARGS, *RUFF_REPORT_ARGS, str(tree.root)])


def _ruff_coverage(tree: SourceTree, run: Run) -> Coverage:
    # --show-files (not timed) lists what ruff checks after its default excludes.
    argv = [_script("ruff"), *RUFF_ARGS, "--show-files", str(tree.root)]
    shown = subprocess.run(argv, capture_output=True, text=True, check=False)
    listed = (Path(line) for line in shown.stdout.splitlines() if line.strip())
    files = [path for path in listed if path.suffix in PYTHON_SUFFIXES]  # not .toml
    return Coverage(len(files), tree.lines_of(files), _count_json_findings(run.stdout))


def _flake8_async_invocation(tree: SourceTree) -> Invocation:
    # The standalone CLI takes files (not directories) and aborts on the first
    # SyntaxError, so it gets the files that ast.parse accepts.
    files = [str(path.relative_to(tree.root)) for path in tree.parseable]
    return Invocation([sys.executable, "-m", "flake8_async", *files], cwd=tree.root)


def _flake8_async_coverage(tree: SourceTree, run: Run) -> Coverage:
    findings = sum(1 for line in run.stdout.splitlines() if line.strip())
    return Coverage(len(tree.parseable), tree.lines_of(tree.parseable), findings)


def _parse_invocation(mode: str) -> Callable[[SourceTree], Invocation]:
    def build(tree: SourceTree) -> Invocation:
        return Invocation(
            [sys.executable, str(BENCH_DIR / "parse_files.py"), mode, str(tree.root)]
        )

    return build


def _parse_coverage(tree: SourceTree, run: Run) -> Coverage:
    summary = json.loads(run.stdout)
    skipped = {tree.root / rel for rel in [*summary["failed"], *summary["undecodable"]]}
    parsed = [path for path in tree.lines if path not in skipped]
    note = f"{len(summary['failed'])} parse errors, {len(summary['undecodable'])} not UTF-8"
    if skipped:
        shown = sorted(str(path.relative_to(tree.root)) for path in skipped)
        note += f" ({', '.join(shown[:3])}{', ...' if len(shown) > 3 else ''})"
    return Coverage(summary["parsed"], tree.lines_of(parsed), None, note)


def _asynclint_env() -> dict[str, str]:
    """Environment that imports asynclint from this repo's working tree, installed or not."""
    paths = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


# --no-cache: the figures are for a cold run (no summaries from an earlier run).
ASYNCLINT_ARGS = ["-m", "asynclint", "--format", "json", "--exit-zero", "--no-config", "--no-cache"]


def _asynclint_invocation(tree: SourceTree) -> Invocation:
    argv = [sys.executable, *ASYNCLINT_ARGS, str(tree.root)]
    return Invocation(argv, env=_asynclint_env())


def _asynclint_coverage(tree: SourceTree, run: Run) -> Coverage:
    return Coverage(findings=_count_json_findings(run.stdout))


def _count_json_findings(stdout: str) -> int | None:
    try:
        data = json.loads(stdout) if stdout.strip() else []
    except json.JSONDecodeError:
        return None
    if isinstance(data, dict):
        data = data.get("findings")
    return len(data) if isinstance(data, list) else None


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("asynclint", _asynclint_invocation, _asynclint_coverage),
        Tool("ruff", _ruff_invocation, _ruff_coverage),
        Tool(
            "flake8-async",
            _flake8_async_invocation,
            _flake8_async_coverage,
            ok_exit_codes=(0, 1),
        ),
        Tool("libcst-parse", _parse_invocation("libcst"), _parse_coverage),
        Tool("ast-parse", _parse_invocation("ast"), _parse_coverage),
    )
}


# --------------------------------------------------------------------------- results


@dataclass
class ToolResult:
    tool: str
    status: str  # "ok", "timeout", "failed", "crashed"
    runs: list[Run] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def wall_s(self) -> float | None:
        return _median(r.wall_s for r in self.runs)

    @property
    def cpu_s(self) -> float | None:
        return _median(r.cpu_s for r in self.runs)

    @property
    def max_rss_mb(self) -> float | None:
        return max(
            (r.max_rss_mb for r in self.runs if r.max_rss_mb is not None), default=None
        )

    @property
    def tree_rss_mb(self) -> float | None:
        return max(
            (r.tree_rss_mb for r in self.runs if r.tree_rss_mb is not None), default=None
        )


def _median(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _failure(tool: Tool, run: Run, timeout_s: float) -> tuple[str, str] | None:
    """``(status, detail)`` if ``run`` did not succeed, else None."""
    if run.timed_out:
        return "timeout", f"killed after {timeout_s:g} s"
    if run.signal_name is not None:
        return "crashed", f"killed by {run.signal_name}; {_tail(run.stderr)}"
    if run.exit_code not in tool.ok_exit_codes:
        return "failed", f"exit {run.exit_code}: {_tail(run.stderr or run.stdout)}"
    return None


def _tail(text: str, limit: int = 400) -> str:
    text = " | ".join(line.strip() for line in text.strip().splitlines()[-3:])
    return text[-limit:] if text else "(no output)"


def run_tool(tool: Tool, tree: SourceTree, repeat: int, timeout_s: float) -> ToolResult:
    result = ToolResult(tool.name, "ok")
    try:
        invocation = tool.invocation(tree)
    except OSError as exc:
        return ToolResult(tool.name, "failed", detail=str(exc))
    for _ in range(repeat):
        try:
            run = measure(invocation, timeout_s)
        except OSError as exc:  # e.g. executable not found
            return ToolResult(tool.name, "failed", result.runs, detail=str(exc))
        result.runs.append(run)
        failure = _failure(tool, run, timeout_s)
        if failure is not None:
            result.status, result.detail = failure
            return result
    try:
        result.coverage = tool.coverage(tree, result.runs[-1])
    except (ValueError, KeyError, TypeError) as exc:
        result.detail = f"could not read tool output: {exc}"
    return result
