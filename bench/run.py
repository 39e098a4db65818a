#!/usr/bin/env python3
"""Benchmark asynclint against ruff, flake8-async and bare ast / libcst parsing.

Downloads the pinned sdists listed in ``bench/corpora.txt`` with pip, unpacks them
into a cache outside the repo, runs every selected tool as a child process over each
unpacked tree and prints wall time, child CPU time (user + sys) and peak RSS, plus the
ratios that the performance targets are stated in.
See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from corpora import (  # noqa: E402
    DEFAULT_CACHE,
    DEFAULT_CORPORA,
    Corpus,
    SourceTree,
    fetch_corpus,
    log,
    read_corpora,
    select_corpora,
)
from report import corpus_json, format_corpus_report, machine_info  # noqa: E402
from tools import ALL_TOOLS, DEFAULT_TOOLS, TOOLS, ToolResult, run_tool  # noqa: E402

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
        "--repeat",
        type=int,
        default=1,
        help="runs per tool; median reported (default: 1)",
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
    unknown = [t for t in args.tools if t not in TOOLS]
    if unknown or not args.tools:
        parser.error(f"unknown tools {unknown}; choose from {','.join(ALL_TOOLS)}")
    if args.repeat < 1 or args.timeout <= 0:
        parser.error("--repeat must be >= 1 and --timeout > 0")
    return args


def bench_corpus(
    corpus: Corpus, args: argparse.Namespace
) -> tuple[SourceTree, dict[str, ToolResult]] | None:
    try:
        root = fetch_corpus(args.cache.expanduser(), corpus)
    except (RuntimeError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        log(f"!! skipping {corpus.label}: {exc}")
        return None
    tree = SourceTree(corpus, root)
    results = {}
    for name in args.tools:
        log(f"   {corpus.label}: running {name} ...")
        results[name] = run_tool(TOOLS[name], tree, args.repeat, args.timeout)
    return tree, results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpora = select_corpora(read_corpora(args.corpora), args.only, args.large)
    info = machine_info(args.tools)
    print("asynclint benchmark")
    for key, value in info.items():
        print(f"  {key:<13} {value}")
    print()
    measured_corpora: list[dict[str, object]] = []
    missing = 0
    for corpus in corpora:
        measured = bench_corpus(corpus, args)
        if measured is None:
            missing += 1
            continue
        tree, results = measured
        print(format_corpus_report(tree, results, args.repeat), flush=True)
        measured_corpora.append(corpus_json(tree, results))
    if args.json:
        report = {
            "machine": info,
            "tools": args.tools,
            "repeat": args.repeat,
            "corpora": measured_corpora,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
