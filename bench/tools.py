"""The baseline tools the benchmark runs (ruff, flake8-async, the parse baselines), and
measuring a command ``--repeat`` times (``run_repeated``, used for asynclint's cases too)."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from corpora import SourceTree
from measure import Invocation, Run, measure

BENCH_DIR = Path(__file__).resolve().parent
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


def script(name: str) -> str:
    """An executable installed next to this interpreter, else on PATH."""
    local = Path(sysconfig.get_path("scripts")) / name
    return str(local) if local.exists() else (shutil.which(name) or name)


PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
RUFF_ARGS = ["check", "--select", "ASYNC", "--no-cache", "--isolated"]
RUFF_REPORT_ARGS = ["--exit-zero", "--quiet", "--output-format", "json"]


def _ruff_invocation(tree: SourceTree) -> Invocation:
    return Invocation([script("ruff"), *RUFF_ARGS, *RUFF_REPORT_ARGS, str(tree.root)])


def _ruff_coverage(tree: SourceTree, run: Run) -> Coverage:
    # --show-files (not timed) lists what ruff checks after its default excludes.
    argv = [script("ruff"), *RUFF_ARGS, "--show-files", str(tree.root)]
    shown = subprocess.run(argv, capture_output=True, text=True, check=False)
    listed = (Path(line) for line in shown.stdout.splitlines() if line.strip())
    files = [path for path in listed if path.suffix in PYTHON_SUFFIXES]  # not .toml
    return Coverage(len(files), tree.lines_of(files), count_json_findings(run.stdout))


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


def count_json_findings(stdout: str) -> int | None:
    try:
        data = json.loads(stdout) if stdout.strip() else []
    except json.JSONDecodeError:
        return None
    if isinstance(data, dict):
        data = data.get("findings")
    return len(data) if isinstance(data, list) else None


# The baselines; asynclint's runs are the cases of bench/cases.py.
TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
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
    status: str  # "ok", "timeout", "failed", "crashed", "skipped"
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


def _failure(
    ok_exit_codes: tuple[int, ...], run: Run, timeout_s: float
) -> tuple[str, str] | None:
    """``(status, detail)`` if ``run`` did not succeed, else None."""
    if run.timed_out:
        return "timeout", f"killed after {timeout_s:g} s"
    if run.signal_name is not None:
        return "crashed", f"killed by {run.signal_name}; {tail(run.stderr)}"
    if run.exit_code not in ok_exit_codes:
        return "failed", f"exit {run.exit_code}: {tail(run.stderr or run.stdout)}"
    return None


def tail(text: str, limit: int = 400) -> str:
    """The last lines of a tool's output, on one line."""
    text = " | ".join(line.strip() for line in text.strip().splitlines()[-3:])
    return text[-limit:] if text else "(no output)"


Setup = Callable[[], AbstractContextManager[Invocation]]


def run_repeated(
    name: str,
    setup: Setup,
    coverage: Callable[[Run], Coverage],
    repeat: int,
    timeout_s: float,
    ok_exit_codes: tuple[int, ...] = (0,),
) -> ToolResult:
    """Measure ``repeat`` runs, each inside a fresh ``setup()`` (which may prepare files, a
    cache directory, ... and undo it on the way out); stop at the first failed run."""
    result = ToolResult(name, "ok")
    for _ in range(repeat):
        try:
            with setup() as invocation:
                run = measure(invocation, timeout_s)
        except OSError as exc:  # e.g. executable not found
            return ToolResult(name, "failed", result.runs, detail=str(exc))
        result.runs.append(run)
        failure = _failure(ok_exit_codes, run, timeout_s)
        if failure is not None:
            result.status, result.detail = failure
            return result
    try:
        result.coverage = coverage(result.runs[-1])
    except (ValueError, KeyError, TypeError) as exc:
        result.detail = f"could not read tool output: {exc}"
    return result


def run_tool(tool: Tool, tree: SourceTree, repeat: int, timeout_s: float) -> ToolResult:
    try:
        invocation = tool.invocation(tree)
    except OSError as exc:
        return ToolResult(tool.name, "failed", detail=str(exc))
    return run_repeated(
        tool.name,
        lambda: nullcontext(invocation),
        lambda run: tool.coverage(tree, run),
        repeat,
        timeout_s,
        tool.ok_exit_codes,
    )
