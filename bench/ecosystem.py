#!/usr/bin/env python3
"""Ecosystem check: asynclint's findings on the pinned corpora, and how a change moves them.

Lints each pinned sdist of ``bench/corpora.txt`` (downloaded and unpacked like
``bench/run.py`` does, into a cache outside the repo) with the working tree's asynclint and
writes a JSON snapshot of every finding (path, line, code, message) and every file that
could not be checked. With ``--compare SNAPSHOT`` it prints the findings added and removed
since that snapshot, grouped by code: run it before and after any change to the rules or the
engine, and read every line it prints (ruff's maintainers catch precision regressions the
same way). See ``bench/README.md``.

    python bench/ecosystem.py --compare bench/ecosystem-snapshot.json
    python bench/ecosystem.py --out bench/ecosystem-snapshot.json   # accept the new state
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
from corpora import DEFAULT_CACHE, Corpus, fetch_corpus, read_corpora, select_corpora  # noqa: E402

DEFAULT_CORPORA = BENCH_DIR / "corpora.txt"
DEFAULT_SNAPSHOT = BENCH_DIR / "ecosystem-snapshot.json"
# The corpora of the committed snapshot: real async code, libraries and applications, small
# enough for a check of a few minutes.
DEFAULT_ONLY = (
    "Django,fastapi,SQLAlchemy,starlette,sqlmodel,fastcrud,fastapi-users,httpx,sqladmin,"
    "fief-server,letta,open-webui,prefect"
)
FORMAT = 1

Key = tuple[str, str, int, str]  # corpus, path, line, code


def lint(corpus: Corpus, root: Path, jobs: int | None, cache_dir: Path | None = None) -> dict[str, object]:
    """asynclint's findings and file errors on one unpacked corpus, paths relative to it
    (with `cache_dir`: using the caches there, else with none)."""
    caching = ["--cache-dir", str(cache_dir)] if cache_dir is not None else ["--no-cache"]
    argv = [sys.executable, "-m", "asynclint", "--format", "json", "--exit-zero", "--no-config",
            *caching, "."]
    if jobs:
        argv[3:3] = ["--jobs", str(jobs)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join(done.stderr.splitlines()[-5:])
        raise RuntimeError(f"asynclint exited {done.returncode} on {corpus.label}:\n{tail}")
    findings = sorted(
        [item["path"], item["line"], item["code"], item["message"]] for item in json.loads(done.stdout)
    )
    errors = sorted(line for line in done.stderr.splitlines() if ": error: " in line)
    print(f"  {corpus.label}: {len(findings)} findings, {len(errors)} files not checked "
          f"({elapsed:.1f} s)", file=sys.stderr)
    return {"version": corpus.version, "findings": findings, "errors": errors}


def snapshot(corpora: Iterable[Corpus], cache: Path, jobs: int | None, warm: bool = False) -> dict[str, object]:
    """The findings of each corpus. `warm`: each corpus is linted twice with a fresh cache
    directory — the run that fills the caches and the run served by them must agree (the
    snapshot holds the warm run; a disagreement is a RuntimeError)."""
    results = {}
    for corpus in corpora:
        root = fetch_corpus(cache, corpus)
        if not warm:
            results[corpus.name] = lint(corpus, root, jobs)
            continue
        with tempfile.TemporaryDirectory(prefix="asynclint-ecosystem-") as directory:
            cold = lint(corpus, root, jobs, Path(directory))
            results[corpus.name] = lint(corpus, root, jobs, Path(directory))
        if results[corpus.name] != cold:
            raise RuntimeError(f"{corpus.label}: the warm run's findings differ from the cold run's")
    return {"format": FORMAT, "corpora": results}


def _keys(data: dict[str, object]) -> dict[Key, str]:
    keys = {}
    for name, result in data["corpora"].items():  # type: ignore[union-attr]
        for path, line, code, message in result["findings"]:
            keys[(name, path, line, code)] = message
    return keys


def compare(old: dict[str, object], new: dict[str, object]) -> list[str]:
    """Lines describing what changed: findings added and removed, grouped by code."""
    linted = set(new["corpora"])  # type: ignore[arg-type]
    before = {key: message for key, message in _keys(old).items() if key[0] in linted}
    after = _keys(new)
    lines = []
    for title, keys, other in (("added", after, before), ("removed", before, after)):
        moved = sorted(key for key in keys if key not in other)
        by_code: dict[str, list[Key]] = defaultdict(list)
        for key in moved:
            by_code[key[3]].append(key)
        for code in sorted(by_code):
            lines.append(f"{title} {code} ({len(by_code[code])}):")
            lines.extend(f"  {corpus}/{path}:{line}: {keys[(corpus, path, line, code)]}"
                         for corpus, path, line, _ in by_code[code])
    for name in sorted(linted):
        was = set(old["corpora"].get(name, {}).get("errors", []))  # type: ignore[union-attr]
        now = set(new["corpora"].get(name, {}).get("errors", []))  # type: ignore[union-attr]
        lines.extend(f"new error {name}/{error}" for error in sorted(now - was))
        lines.extend(f"fixed error {name}/{error}" for error in sorted(was - now))
    return lines


def counts(data: dict[str, object]) -> str:
    per_code = Counter(key[3] for key in _keys(data))
    per_corpus = {name: len(result["findings"]) for name, result in data["corpora"].items()}  # type: ignore[union-attr]
    return (
        "per code: " + ", ".join(f"{code} {count}" for code, count in sorted(per_code.items()))
        + "\nper corpus: " + ", ".join(f"{name} {count}" for name, count in per_corpus.items())
    )


def dump(data: dict[str, object]) -> str:
    """The snapshot as JSON with one finding per line, so a committed change reads as a diff."""
    lines = ["{", f' "format": {json.dumps(data["format"])},', ' "corpora": {']
    corpora = list(data["corpora"].items())  # type: ignore[union-attr]
    for index, (name, result) in enumerate(corpora):
        lines.append(f"  {json.dumps(name)}: {{\"version\": {json.dumps(result['version'])},")
        for key in ("findings", "errors"):
            items = [f"   {json.dumps(item, ensure_ascii=False)}" for item in result[key]]
            close = "]," if key == "findings" else "]"
            lines.append(f'   "{key}": [' + ("" if items else close))
            if items:
                lines.append(",\n".join(items))
                lines.append(f"   {close}")
        lines.append("  }" + ("," if index < len(corpora) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="corpora list (default: %(default)s)")
    parser.add_argument("--only", default=DEFAULT_ONLY, metavar="NAME[,NAME]",
                        help="corpora to lint (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download cache (default: %(default)s)")
    parser.add_argument("--jobs", type=int, help="asynclint --jobs (default: one per CPU)")
    parser.add_argument("--warm", action="store_true",
                        help="lint each corpus twice with a fresh cache: fill it, then be served by it; "
                             "the two runs must agree")
    parser.add_argument("--out", type=Path, help="write the snapshot here")
    parser.add_argument("--compare", type=Path, metavar="SNAPSHOT",
                        help="print the findings added and removed since SNAPSHOT; exit 1 if any")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpora = select_corpora(read_corpora(args.corpora), args.only)
    current = snapshot(corpora, args.cache.expanduser(), args.jobs, args.warm)
    print(counts(current))
    if args.out is not None:
        args.out.write_text(dump(current), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    if args.compare is None:
        return 0
    old = json.loads(args.compare.read_text(encoding="utf-8"))
    if old.get("format") != FORMAT:
        raise SystemExit(f"{args.compare}: not an ecosystem snapshot of format {FORMAT}")
    changes = compare(old, current)
    print("\n".join(changes) if changes else f"no change since {args.compare}")
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
