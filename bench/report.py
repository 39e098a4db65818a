"""Ratios, targets and the printed and JSON reports."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from corpora import Corpus, SourceTree
from proctree import SAMPLE_S
from tools import REPO_ROOT, ToolResult, _asynclint_env, _script, _tail


@dataclass(frozen=True)
class Target:
    baseline: str
    max_ratio: float


# Targets are stated for these exact pinned versions.
TARGETS: dict[tuple[str, str], Target] = {
    ("Django", "5.1.4"): Target("ruff", 6.0),
    ("fastapi", "0.115.6"): Target("libcst-parse", 2.0),
}
RATIO_BASELINES = ("ruff", "libcst-parse")
METRICS = (("CPU", "cpu_s"), ("wall", "wall_s"))


@dataclass(frozen=True)
class Ratio:
    """asynclint's time over a baseline tool's, on one corpus."""

    baseline: str
    metric: str  # "CPU" or "wall"
    value: float | None  # None: either tool missing or not ok
    limit: float | None = None  # the target's bound, if this ratio has one

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.value is None:
            return None
        return self.value <= self.limit


def ratio(results: dict[str, ToolResult], baseline: str, attr: str) -> float | None:
    subject, base = results.get("asynclint"), results.get(baseline)
    if subject is None or base is None or not (subject.ok and base.ok):
        return None
    num, den = getattr(subject, attr), getattr(base, attr)
    return num / den if num is not None and den else None


def ratios(results: dict[str, ToolResult]) -> list[Ratio]:
    return [
        Ratio(base, label, ratio(results, base, attr))
        for base in RATIO_BASELINES
        for label, attr in METRICS
    ]


def target_ratios(corpus: Corpus, results: dict[str, ToolResult]) -> list[Ratio]:
    target = TARGETS.get((corpus.name, corpus.version))
    if target is None:
        return []
    return [
        Ratio(
            target.baseline,
            label,
            ratio(results, target.baseline, attr),
            target.max_ratio,
        )
        for label, attr in METRICS
    ]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _tool_version(argv: Sequence[str], env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return (
        lines[-1]
        if done.returncode == 0 and lines
        else f"unavailable ({_tail(done.stderr, 120)})"
    )


def _dist_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info(tools: Sequence[str]) -> dict[str, str]:
    info = {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "nproc": f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}",
        "load": "1/5/15-min load average at start: "
        + " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
    }
    if "ruff" in tools:
        info["ruff"] = _tool_version([_script("ruff"), "--version"])
    if "flake8-async" in tools:
        info["flake8-async"] = _dist_version("flake8-async")
    if "libcst-parse" in tools or "asynclint" in tools:
        info["libcst"] = _dist_version("libcst")
    if "asynclint" in tools:
        probe = "import asynclint; print(getattr(asynclint, '__version__', '(no __version__)'))"
        version = _tool_version([sys.executable, "-c", probe], env=_asynclint_env())
        info["asynclint"] = f"{version} from {REPO_ROOT}"
    return info


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


HEADERS = (
    "tool",
    "files",
    "lines",
    "wall s",
    "CPU s",
    "peak RSS MB",
    "all procs MB",
    "findings",
    "status",
)


def _row(result: ToolResult) -> list[str]:
    cov = result.coverage
    if result.ok:
        times = [
            _num(result.wall_s, ".2f"),
            _num(result.cpu_s, ".2f"),
            _num(result.max_rss_mb, ".0f"),
            _num(result.tree_rss_mb, ".0f"),
        ]
    elif result.status == "timeout" and result.runs:
        times = [f"> {result.runs[-1].wall_s:.0f}", "-", "-", "-"]
    else:
        times = ["-", "-", "-", "-"]
    files, lines, findings = (
        _num(n, ",") for n in (cov.files, cov.lines, cov.findings)
    )
    return [result.tool, files, lines, *times, findings, result.status]


def format_table(rows: list[list[str]]) -> str:
    table = [list(HEADERS), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
    lines = [
        "  ".join(
            cell.ljust(width) if i in (0, len(row) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        ).rstrip()
        for row in table
    ]
    lines.insert(1, "-" * max(len(line) for line in lines))
    return "\n".join(lines)


def _notes(results: dict[str, ToolResult]) -> list[str]:
    notes = []
    for result in results.values():
        for text in (result.detail, result.coverage.note):
            if text:
                notes.append(f"   {result.tool}: {text}")
    return notes


def _ratio_lines(tree: SourceTree, results: dict[str, ToolResult]) -> list[str]:
    lines = [
        f"   asynclint {r.metric} / {r.baseline} {r.metric}: {_times(r.value)}"
        for r in ratios(results)
    ]
    targets = target_ratios(tree.corpus, results)
    if targets:
        lines.append(
            f"   target: asynclint <= {targets[0].limit:g}x {targets[0].baseline}"
        )
    for r in targets:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[r.met]
        lines.append(f"     {r.metric:<5} {_times(r.value)} -> {verdict}")
    return lines


def _floor_note(results: dict[str, ToolResult]) -> str:
    floors = [r.rss_floor_mb for res in results.values() for r in res.runs]
    floor = max((f for f in floors if f is not None), default=None)
    return "" if floor is None else f"; floor: the launcher's own {floor:.0f} MB"


def format_corpus_report(
    tree: SourceTree, results: dict[str, ToolResult], repeat: int
) -> str:
    corpus = tree.corpus
    size = f"{len(tree.lines):,} .py files, {tree.total_lines:,} lines"
    out = [
        f"== {corpus.label}: {size}  ({tree.root})",
        *([f"   {corpus.why}"] if corpus.why else []),
        f"   wall, CPU: median of {repeat} run(s); peak RSS (largest process"
        f"{_floor_note(results)}) and all procs (summed over the process tree,"
        f" sampled every {SAMPLE_S * 1000:.0f} ms): max",
        "",
        format_table([_row(result) for result in results.values()]),
        *_notes(results),
        "",
        *_ratio_lines(tree, results),
    ]
    return "\n".join(out) + "\n"


def _ratio_json(r: Ratio) -> dict[str, object]:
    return {**asdict(r), "met": r.met}


def _result_json(result: ToolResult) -> dict[str, object]:
    runs = [
        {k: v for k, v in asdict(run).items() if k not in ("stdout", "stderr")}
        for run in result.runs
    ]
    return {
        "status": result.status,
        "detail": result.detail,
        "wall_s": result.wall_s,
        "cpu_s": result.cpu_s,
        "max_rss_mb": result.max_rss_mb,
        "tree_rss_mb": result.tree_rss_mb,
        **asdict(result.coverage),
        "runs": runs,
    }


def corpus_json(tree: SourceTree, results: dict[str, ToolResult]) -> dict[str, object]:
    return {
        "corpus": asdict(tree.corpus),
        "root": str(tree.root),
        "py_files": len(tree.lines),
        "py_lines": tree.total_lines,
        "tools": {name: _result_json(result) for name, result in results.items()},
        "ratios": [_ratio_json(r) for r in ratios(results)],
        "targets": [_ratio_json(r) for r in target_ratios(tree.corpus, results)],
    }
