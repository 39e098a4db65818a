#!/usr/bin/env python3
"""Recall on the peers' own test files: the lines flake8-async and ruff mark, found or missed.

    python bench/peer_recall.py PATH [PATH ...] [--verbose] [--json OUT]

Each PATH is a flake8-async or ruff checkout, a bare git directory of one, or a directory
holding their files (`async2*.py`; `ASYNC2*.py` with the `*.snap` snapshots). The files are
copied to a temporary directory and linted there by asynclint (in this process, every rule
selected: `--select ALL`, so the opt-in AL111 too) and by ruff (`ruff check --select ASYNC
--isolated`) in the same run. A marked line counts as found by a tool when the tool reports
that many findings on it (asynclint: AL1xx codes). Not counted, each with its reason: trio
variants of files that have an asyncio twin, flake8-async's user-configured ASYNC200, and
lines whose call needs a name the file never imports (asynclint does not match names nothing
imports; ruff and flake8-async do). Standard library and asynclint only; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))
from peer_marks import CONFIGURED_RULES, ImportedNames, Mark, PeerFile, load_peer_files  # noqa: E402

from asynclint.api import lint_paths  # noqa: E402
from asynclint.config import Config  # noqa: E402

Where = tuple[str, str, int]  # peer, file name, line


@dataclass
class Counted:
    peer: str
    name: str
    mark: Mark
    text: str  # the marked line, stripped
    asynclint: bool = False
    ruff: bool = False


def _ruff_executable(given: str | None) -> str | None:
    if given:
        return given
    local = Path(sysconfig.get_path("scripts")) / "ruff"
    return str(local) if local.exists() else shutil.which("ruff")


def classify_marks(files: list[PeerFile]) -> tuple[list[Counted], Counter[str], Counter[str]]:
    """The marks that count, and the skipped ones: (peer code, reason) counts and per code."""
    counted: list[Counted] = []
    reasons: Counter[str] = Counter()
    skipped_per_code: Counter[str] = Counter()
    for peer_file in files:
        lines = peer_file.text.splitlines()
        names = None if peer_file.skipped_reason else ImportedNames(peer_file.text)
        for mark in peer_file.marks:
            key = f"{peer_file.peer} {mark.code}"
            reason = peer_file.skipped_reason
            if reason is None and mark.code in CONFIGURED_RULES:
                reason = "user-configured names (flake8-async's --async200-blocking-calls)"
            if reason is None and names is not None:
                absent = names.missing(mark)
                reason = f"`{absent}` is never imported" if absent else None
            if reason is not None:
                reasons[f"{peer_file.peer}: {reason}"] += 1
                skipped_per_code[key] += 1
                continue
            counted.append(Counted(peer_file.peer, peer_file.name, mark, lines[mark.line - 1].strip()))
    return counted, reasons, skipped_per_code


def _write(files: list[PeerFile], directory: Path) -> None:
    (directory / "pyproject.toml").write_text("")  # the project root: nothing above it counts
    for peer_file in files:
        if peer_file.skipped_reason is None:
            target = directory / peer_file.peer / peer_file.name
            target.parent.mkdir(exist_ok=True)
            target.write_text(peer_file.text, encoding="utf-8")


def _where(directory: Path, path: str) -> tuple[str, str]:
    relative = Path(path).resolve().relative_to(directory.resolve())
    return relative.parts[0], relative.parts[-1]


def run_asynclint(directory: Path) -> tuple[Counter[Where], list[tuple[Where, str, str]]]:
    result = lint_paths([str(directory)], Config(select=("ALL",), root=directory), jobs=1, cache=False)
    counts: Counter[Where] = Counter()
    findings = []
    for finding in result.findings:
        if finding.code.startswith("AL1"):
            where = (*_where(directory, finding.path), finding.line)
            counts[where] += 1
            findings.append((where, finding.code, finding.message))
    return counts, findings


def run_ruff(directory: Path, executable: str) -> Counter[Where]:
    done = subprocess.run(
        [executable, "check", "--select", "ASYNC", "--isolated", "--no-cache", "--exit-zero",
         "--output-format", "json", str(directory)],
        capture_output=True, text=True, check=True,
    )
    counts: Counter[Where] = Counter()
    for item in json.loads(done.stdout):
        counts[(*_where(directory, item["filename"]), item["location"]["row"])] += 1
    return counts


def _match(counted: list[Counted], found: Counter[Where], attribute: str) -> None:
    """The k-th mark on a line is found when the tool reports at least k findings there."""
    seen: Counter[Where] = Counter()
    for item in counted:
        where = (item.peer, item.name, item.mark.line)
        seen[where] += 1
        setattr(item, attribute, found[where] >= seen[where])


def table(counted: list[Counted], skipped: Counter[str], with_ruff: bool) -> list[str]:
    rows: dict[str, list[Counted]] = defaultdict(list)
    for item in counted:
        rows[f"{item.peer} {item.mark.code}"].append(item)
    header = "| peer rule | marked | skipped | counted | asynclint | " + (
        "ruff | ruff, not asynclint |" if with_ruff else "")
    out = [header, "|" + "---|" * (header.count("|") - 1)]
    totals = [0, 0, 0, 0, 0, 0]
    for key in sorted(set(rows) | set(skipped)):
        items = rows.get(key, [])
        found = sum(item.asynclint for item in items)
        by_ruff = sum(item.ruff for item in items)
        ruff_only = sum(item.ruff and not item.asynclint for item in items)
        values = [len(items) + skipped[key], skipped[key], len(items), found, by_ruff, ruff_only]
        totals = [a + b for a, b in zip(totals, values)]
        out.append(_row(key, values, with_ruff))
    out.append(_row("**total**", totals, with_ruff))
    return out


def _row(key: str, values: list[int], with_ruff: bool) -> str:
    marked, skipped, counted, found, by_ruff, ruff_only = values
    cells = [key, str(marked), str(skipped), str(counted), f"{found}/{counted}"]
    if with_ruff:
        cells += [f"{by_ruff}/{counted}", str(ruff_only)]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="peer checkouts, bare git dirs or file dirs")
    parser.add_argument("--ruff", help="the ruff executable (default: next to this Python, else PATH)")
    parser.add_argument("--verbose", action="store_true", help="list asynclint's findings on unmarked lines")
    parser.add_argument("--json", type=Path, help="also write every counted mark as JSON")
    args = parser.parse_args(argv)
    files = [peer_file for path in args.paths for peer_file in load_peer_files(path)]
    if not files:
        print("no flake8-async eval files or ruff fixtures found under the given paths", file=sys.stderr)
        return 2
    counted, reasons, skipped = classify_marks(files)
    ruff = _ruff_executable(args.ruff)
    with tempfile.TemporaryDirectory(prefix="peer-recall-") as temporary:
        directory = Path(temporary)
        _write(files, directory)
        asynclint_counts, asynclint_findings = run_asynclint(directory)
        ruff_counts = run_ruff(directory, ruff) if ruff else Counter()
    _match(counted, asynclint_counts, "asynclint")
    _match(counted, ruff_counts, "ruff")
    print("\n".join(table(counted, skipped, ruff is not None)))
    if ruff is None:
        print("\nruff not found: no same-run comparison")
    print("\nSkipped marks:")
    for reason, count in sorted(reasons.items()):
        print(f"  {count:3}  {reason}")
    missed = [item for item in counted if not item.asynclint]
    print(f"\nMarked lines asynclint misses ({len(missed)}):")
    for item in missed:
        ruff_says = " (ruff finds it)" if item.ruff else ""
        print(f"  {item.peer}/{item.name}:{item.mark.line} {item.mark.code}{ruff_says}: {item.text}")
    marked = {(item.peer, item.name, item.mark.line) for item in counted}
    marked |= {(f.peer, f.name, m.line) for f in files for m in f.marks}
    extra = [finding for finding in asynclint_findings if finding[0] not in marked]
    print(f"\nasynclint findings on lines no peer marks: {len(extra)}" + ("" if args.verbose else " (--verbose lists them)"))
    if args.verbose:
        for (peer, name, line), code, message in extra:
            print(f"  {peer}/{name}:{line} {code} {message}")
    if args.json:
        args.json.write_text(json.dumps(
            [{"peer": i.peer, "file": i.name, "line": i.mark.line, "code": i.mark.code,
              "asynclint": i.asynclint, "ruff": i.ruff} for i in counted], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
