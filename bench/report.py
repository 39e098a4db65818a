"""The printed and JSON reports: the machine, a table per corpus, the figures and targets."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from cases import KEYS, REPO_ROOT, RUFF_SINGLE, STARTUP_KEYS, CorpusCases, asynclint_env
from corpora import SourceTree
from proctree import SAMPLE_S
from targets import Figure, corpus_figures, shown
from tools import ToolResult, script, tail

# Table order: asynclint's cases, then the baselines.
ORDER = (*KEYS.values(), "ruff", RUFF_SINGLE, "flake8-async", "libcst-parse", "ast-parse")
LABELS = {KEYS["cold"]: "asynclint cold", "ruff": "ruff cold"}


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
        else f"unavailable ({tail(done.stderr, 120)})"
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
        info["ruff"] = _tool_version([script("ruff"), "--version"])
    if "flake8-async" in tools:
        info["flake8-async"] = _dist_version("flake8-async")
    if "libcst-parse" in tools or "asynclint" in tools:
        info["libcst"] = _dist_version("libcst")
    if "asynclint" in tools:
        probe = "import asynclint; print(getattr(asynclint, '__version__', '(no __version__)'))"
        version = _tool_version([sys.executable, "-c", probe], env=asynclint_env())
        info["asynclint"] = f"{version} from {REPO_ROOT}"
    return info


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _secs(value: float | None) -> str:
    """Seconds; milliseconds matter for the start-up runs."""
    return _num(value, ".2f" if value is None or value >= 0.1 else ".3f")


HEADERS = (
    "run",
    "files",
    "lines",
    "wall s",
    "CPU s",
    "peak RSS MB",
    "all procs MB",
    "findings",
    "status",
)


def _row(key: str, result: ToolResult) -> list[str]:
    cov = result.coverage
    if result.ok:
        times = [
            _secs(result.wall_s),
            _secs(result.cpu_s),
            _num(result.max_rss_mb, ".0f"),
            _num(result.tree_rss_mb, ".0f"),
        ]
    elif result.status == "timeout" and result.runs:
        times = [f"> {result.runs[-1].wall_s:.0f}", "-", "-", "-"]
    else:
        times = ["-", "-", "-", "-"]
    files, lines, findings = (_num(n, ",") for n in (cov.files, cov.lines, cov.findings))
    return [LABELS.get(key, key), files, lines, *times, findings, result.status]


def _ordered(results: dict[str, ToolResult]) -> list[tuple[str, ToolResult]]:
    rank = {key: index for index, key in enumerate(ORDER)}
    return sorted(results.items(), key=lambda item: rank.get(item[0], len(rank)))


def format_table(rows: list[list[str]], headers: Sequence[str] = HEADERS) -> str:
    table = [list(headers), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
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
    return [
        f"   {LABELS.get(key, key)}: {text}"
        for key, result in _ordered(results)
        for text in (result.detail, result.coverage.note)
        if text
    ]


def _floor_note(results: dict[str, ToolResult]) -> str:
    floors = [r.rss_floor_mb for res in results.values() for r in res.runs]
    floor = max((f for f in floors if f is not None), default=None)
    return "" if floor is None else f"; floor: the launcher's own {floor:.0f} MB"


def _measuring_line(results: dict[str, ToolResult], runs: str) -> str:
    return (
        f"   wall, CPU: median of {runs}; peak RSS (largest process{_floor_note(results)})"
        f" and all procs (summed over the process tree, sampled every"
        f" {SAMPLE_S * 1000:.0f} ms): max"
    )


def _value(figure: Figure) -> str:
    if figure.value is None:
        return "n/a"
    if figure.unit == "x":
        return f"{figure.value:.2f}x"
    return f"{figure.value:.3f} s" if figure.unit == "s" else f"{figure.value:.0f} MB"


def _limit(figure: Figure) -> str:
    if figure.limit is None:
        return "-"
    unit = "x" if figure.unit == "x" else f" {figure.unit}"
    return f"<= {figure.limit:g}{unit}"


def _verdict(figure: Figure) -> str:
    if figure.limit is None:
        return ""
    return {True: "met", False: "NOT met", None: "not measured"}[figure.met]


def format_figures(figures: list[Figure], with_scope: bool) -> str:
    rows = [
        [*([f.scope] if with_scope else []), f.name, _value(f), _limit(f), _verdict(f)]
        for f in shown(figures)
    ]
    if not rows:
        return "   (no figures: asynclint was not run)"
    headers = [*(["corpus"] if with_scope else []), "figure", "value", "target", "verdict"]
    return format_table(rows, headers)


def format_corpus_report(tree: SourceTree, cases: CorpusCases, results: dict[str, ToolResult],
                         repeat: int) -> str:
    corpus = tree.corpus
    size = f"{len(tree.lines):,} .py files, {tree.total_lines:,} lines"
    file = cases.file
    out = [
        f"== {corpus.label}: {size}  ({tree.root})",
        *([f"   {corpus.why}"] if corpus.why else []),
        _measuring_line(results, f"{repeat} run(s)"),
        *([f"   touched and single file: {file} ({tree.lines[tree.root / file]:,} lines)"]
          if file is not None and (KEYS["touched"] in results or KEYS["single"] in results)
          else []),
        *[f"   {note}" for note in cases.notes],
        "",
        format_table([_row(key, result) for key, result in _ordered(results)]),
        *_notes(results),
        "",
        format_figures(corpus_figures(corpus, results), with_scope=False),
    ]
    return "\n".join(out) + "\n"


def format_startup_report(results: dict[str, ToolResult], figures: list[Figure]) -> str:
    runs = len(next(iter(results.values())).runs) if results else 0
    out = [
        f"== start-up: {sys.executable}, this repo on PYTHONPATH",
        _measuring_line(results, f"{runs} runs"),
        "",
        format_table([_row(key, results[key]) for key in STARTUP_KEYS if key in results]),
        *_notes(results),
        "",
        format_figures(figures, with_scope=False),
    ]
    return "\n".join(out) + "\n"


def format_summary(figures: list[Figure]) -> str:
    return "== summary: today's figures, with the targets\n\n" + format_figures(
        figures, with_scope=True
    ) + "\n"


def figure_json(figure: Figure) -> dict[str, object]:
    return {**asdict(figure), "met": figure.met}


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


def results_json(results: dict[str, ToolResult]) -> dict[str, object]:
    return {key: _result_json(result) for key, result in _ordered(results)}


def corpus_json(
    tree: SourceTree, cases: CorpusCases, results: dict[str, ToolResult]
) -> dict[str, object]:
    figures = corpus_figures(tree.corpus, results)
    return {
        "corpus": asdict(tree.corpus),
        "root": str(tree.root),
        "py_files": len(tree.lines),
        "py_lines": tree.total_lines,
        "case_file": str(cases.file) if cases.file is not None else None,
        "notes": cases.notes,
        # "asynclint" is the cold run; the other cases are "asynclint warm", ...
        "tools": results_json(results),
        "ratios": [figure_json(f) for f in figures if f.unit == "x"],
        "targets": [figure_json(f) for f in figures if f.limit is not None],
    }
