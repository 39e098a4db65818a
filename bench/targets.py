"""The figures the summary reports (ratios between two results, or one result's value) and
the targets next to them.

Result keys are those of ``bench/cases.py`` (``asynclint`` is the cold run, then ``asynclint
warm``, ...) and the tool names (``ruff`` is ruff cold: ``--no-cache``).
"""

from __future__ import annotations

from dataclasses import dataclass

from cases import KEYS, RUFF_SINGLE
from corpora import Corpus
from tools import ToolResult

# Ratios of times, each reported for CPU and for wall time: (label, subject, baseline).
CORPUS_RATIOS = (
    ("cold / ruff", KEYS["cold"], "ruff"),
    ("cold / libcst-parse", KEYS["cold"], "libcst-parse"),
    ("warm / ruff cold", KEYS["warm"], "ruff"),
    ("touched / warm", KEYS["touched"], KEYS["warm"]),
    ("touched / ruff cold", KEYS["touched"], "ruff"),
    ("single / ruff single", KEYS["single"], RUFF_SINGLE),
)
STARTUP_RATIOS = (
    ("--version / python -c pass", "asynclint --version", "python -c pass"),
    ("empty dir / python -c pass", "asynclint empty dir", "python -c pass"),
)
METRICS = (("CPU", "cpu_s"), ("wall", "wall_s"))
SINGLE_WALL = "single file"
TREE_RSS = "peak RSS, all processes"
STARTUP_SCOPE = "start-up"

# Bounds, by (label, metric); a ratio target binds both metrics. Corpus targets are stated for
# these exact pinned versions; EVERY_CORPUS applies to all of them.
Limits = dict[tuple[str, str], float]


def _both(label: str, limit: float) -> Limits:
    return {(label, metric): limit for metric, _ in METRICS}


EVERY_CORPUS: Limits = _both("touched / warm", 1.5)
TARGETS: dict[tuple[str, str], Limits] = {
    ("Django", "5.1.4"): {**_both("cold / ruff", 4.0), **_both("warm / ruff cold", 1.0)},
    ("fastapi", "0.115.6"): {
        **_both("cold / libcst-parse", 0.3),
        **_both("warm / ruff cold", 2.0),
    },
    ("homeassistant", "2024.12.5"): {
        **_both("cold / ruff", 20.0),
        **_both("warm / ruff cold", 2.0),
        (SINGLE_WALL, "wall"): 0.5,
        (TREE_RSS, ""): 300.0,
    },
}
STARTUP_TARGETS: Limits = {("--version / python -c pass", "wall"): 3.0}


@dataclass(frozen=True)
class Figure:
    """One line of the summary."""

    scope: str  # the corpus ("Django 5.1.4") or "start-up"
    label: str
    metric: str  # "CPU", "wall", or "" for a value that is neither
    value: float | None  # None: not measured (a result missing or failed)
    unit: str  # "x" for a ratio, "s", "MB"
    limit: float | None = None

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.value is None:
            return None
        return self.value <= self.limit

    @property
    def name(self) -> str:
        return f"{self.label} ({self.metric})" if self.metric else self.label


def _ok(results: dict[str, ToolResult], key: str) -> ToolResult | None:
    result = results.get(key)
    return result if result is not None and result.ok else None


def _ratio(results: dict[str, ToolResult], subject: str, base: str, attr: str) -> float | None:
    num, den = _ok(results, subject), _ok(results, base)
    if num is None or den is None:
        return None
    top, bottom = getattr(num, attr), getattr(den, attr)
    return top / bottom if top is not None and bottom else None


def _ratios(
    scope: str,
    table: tuple[tuple[str, str, str], ...],
    results: dict[str, ToolResult],
    limits: Limits,
) -> list[Figure]:
    return [
        Figure(
            scope, label, metric, _ratio(results, subject, base, attr), "x",
            limits.get((label, metric)),
        )
        for label, subject, base in table
        if subject in results  # the asynclint side was run (or tried)
        for metric, attr in METRICS
    ]


def corpus_figures(corpus: Corpus, results: dict[str, ToolResult]) -> list[Figure]:
    """Every ratio and value of one corpus, with its target where one is stated."""
    limits = {**EVERY_CORPUS, **TARGETS.get((corpus.name, corpus.version), {})}
    figures = _ratios(corpus.label, CORPUS_RATIOS, results, limits)
    if KEYS["single"] in results:
        single = _ok(results, KEYS["single"])
        figures.append(
            Figure(
                corpus.label, SINGLE_WALL, "wall", single.wall_s if single else None, "s",
                limits.get((SINGLE_WALL, "wall")),
            )
        )
    if not any(key in results for key in KEYS.values()):
        return figures
    peaks = [
        result.tree_rss_mb
        for key in KEYS.values()
        if (result := _ok(results, key)) is not None and result.tree_rss_mb is not None
    ]
    figures.append(
        Figure(corpus.label, TREE_RSS, "", max(peaks, default=None), "MB",
               limits.get((TREE_RSS, "")))
    )
    return figures


def startup_figures(results: dict[str, ToolResult]) -> list[Figure]:
    return _ratios(STARTUP_SCOPE, STARTUP_RATIOS, results, STARTUP_TARGETS) + [
        Figure(STARTUP_SCOPE, key, "wall", result.wall_s, "s")
        for key in ("asynclint --version", "asynclint empty dir")
        if (result := _ok(results, key)) is not None
    ]


def shown(figures: list[Figure]) -> list[Figure]:
    """The figures worth a line: measured ones, and every target (met, or not measured)."""
    return [f for f in figures if f.value is not None or f.limit is not None]
