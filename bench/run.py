#!/usr/bin/env python3
"""Benchmark asynclint against ruff, flake8-async and bare ast / libcst parsing.

Downloads the pinned sdists listed in ``bench/corpora.txt`` from PyPI, unpacks them into a
cache outside the repo, runs asynclint's cases (cold, warm, one file touched, a single file,
start-up: ``bench/cases.py``) and the baseline tools as child processes over each unpacked
tree, and prints wall time, child CPU time (user + sys), peak RSS of the largest process and
of the whole process tree, and the ratios the performance targets are stated in, with the
targets (``bench/targets.py``). See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from cases import (
    ALL_CASES,
    CORPUS_CASES,
    STARTUP_MIN_RUNS,
    CorpusCases,
    run_corpus_cases,
    run_startup,
)
from corpora import (
    DEFAULT_CACHE,
    DEFAULT_CORPORA,
    Corpus,
    SourceTree,
    fetch_corpus,
    log,
    read_corpora,
    select_corpora,
)
from report import (
    corpus_json,
    figure_json,
    format_corpus_report,
    format_startup_report,
    format_summary,
    machine_info,
    results_json,
)
from targets import Figure, corpus_figures, shown, startup_figures
from tools import ALL_TOOLS, DEFAULT_TOOLS, TOOLS, ToolResult, run_tool
from touch import restore_interrupted

DEFAULT_TIMEOUT_S = 600.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpora",
        type=Path,
        default=DEFAULT_CORPORA,
        help="corpora list (default: %(default)s)",
    )
    parser.add_argument(
        "--only",
        metavar="NAME[,NAME]",
        help="benchmark only these corpora (optional ones too, when named)",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help="with no --only: the optional large corpora too (homeassistant)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="download cache (default: %(default)s)",
    )
    parser.add_argument(
        "--tools",
        default=",".join(DEFAULT_TOOLS),
        help=f"comma-separated, from {','.join(ALL_TOOLS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--cases",
        default=",".join(ALL_CASES),
        help=f"asynclint's cases, from {','.join(ALL_CASES)} (default: all)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per tool and case; median reported (default: 1; start-up: at least"
        f" {STARTUP_MIN_RUNS})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="seconds per run before a tool is killed (default: %(default)g)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="OUT", help="also write results as JSON"
    )
    args = parser.parse_args(argv)
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in args.tools if t not in ALL_TOOLS]
    if unknown or not args.tools:
        parser.error(f"unknown tools {unknown}; choose from {','.join(ALL_TOOLS)}")
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in args.cases if c not in ALL_CASES]
    if unknown or not args.cases:
        parser.error(f"unknown cases {unknown}; choose from {','.join(ALL_CASES)}")
    if args.repeat < 1 or args.timeout <= 0:
        parser.error("--repeat must be >= 1 and --timeout > 0")
    return args


def _exit_on_signal(signum: int, _frame: object) -> None:
    # SystemExit unwinds through the `finally` blocks: a touched file is restored and the
    # tool's process group killed, as on Ctrl-C.
    raise SystemExit(128 + signum)


def bench_corpus(
    corpus: Corpus, args: argparse.Namespace
) -> tuple[SourceTree, CorpusCases, dict[str, ToolResult]] | None:
    try:
        root = fetch_corpus(args.cache.expanduser(), corpus)
    except (RuntimeError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        log(f"!! skipping {corpus.label}: {exc}")
        return None
    tree = SourceTree(corpus, root)
    cases = CorpusCases()
    results: dict[str, ToolResult] = {}
    for name in args.tools:
        if name == "asynclint":
            chosen = [case for case in args.cases if case in CORPUS_CASES]
            if not chosen:
                continue
            log(f"   {corpus.label}: running asynclint {','.join(chosen)} ...")
            cases = run_corpus_cases(
                tree, chosen, args.repeat, args.timeout, "ruff" in args.tools, _journal(args)
            )
            results.update(cases.results)
        else:
            log(f"   {corpus.label}: running {name} ...")
            results[name] = run_tool(TOOLS[name], tree, args.repeat, args.timeout)
    return tree, cases, results


def _journal(args: argparse.Namespace) -> Path:
    return args.cache.expanduser() / "touch-journal"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    restored = restore_interrupted(_journal(args))
    if restored is not None:
        log(f"restored {restored}, left touched by an interrupted run")
    corpora = select_corpora(read_corpora(args.corpora), args.only, args.large)
    info = machine_info(args.tools)
    print("asynclint benchmark")
    for key, value in info.items():
        print(f"  {key:<13} {value}")
    print()
    figures: list[Figure] = []
    report: dict[str, object] = {
        "machine": info,
        "tools": args.tools,
        "cases": args.cases,
        "repeat": args.repeat,
    }
    if "asynclint" in args.tools and "startup" in args.cases:
        log("   start-up: running python -c pass, asynclint --version, asynclint on an empty dir ...")
        startup = run_startup(args.repeat, args.timeout)
        startup_figs = startup_figures(startup)
        print(format_startup_report(startup, startup_figs), flush=True)
        figures += startup_figs
        report["startup"] = {
            "results": results_json(startup),
            "figures": [figure_json(f) for f in startup_figs],
        }
    measured_corpora: list[dict[str, object]] = []
    missing = 0
    for corpus in corpora:
        measured = bench_corpus(corpus, args)
        if measured is None:
            missing += 1
            continue
        tree, cases, results = measured
        print(format_corpus_report(tree, cases, results, args.repeat), flush=True)
        figures += corpus_figures(corpus, results)
        measured_corpora.append(corpus_json(tree, cases, results))
    print(format_summary(figures), flush=True)
    report["corpora"] = measured_corpora
    report["summary"] = [figure_json(f) for f in shown(figures)]
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 1 if missing else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the tool's processes are killed, a touched file restored
        log("interrupted")
        sys.exit(130)
