#!/usr/bin/env python3
"""The fixes on real code: `asynclint --fix --unsafe-fixes` over copies of pinned corpora.

For each corpus (Django, fastapi and SQLAlchemy by default) the unpacked sdist is copied to a
temporary directory and fixed there, with the working tree's asynclint. Checked and reported:

* every file the fix changed still parses (`ast.parse`: nothing of the corpus is run);
* a second `--fix --unsafe-fixes` changes no byte;
* no finding is new after the fix (a fix must not create misuse), and how many of each
  code's findings were fixed, with the number that had a fix to apply.

    python bench/fix_corpora.py                    # Django, fastapi, SQLAlchemy
    python bench/fix_corpora.py --only letta,prefect

Exit status 1 when a changed file does not parse, the second run changes something, or a new
finding appears. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
from corpora import DEFAULT_CACHE, DEFAULT_CORPORA, fetch_corpus, read_corpora, select_corpora  # noqa: E402


def asynclint(root: Path, *options: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "asynclint", "--no-config", "--no-cache", "--exit-zero",
            "--unsafe-fixes", *options, "."]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"asynclint exited {done.returncode} in {root}:\n{done.stderr[-2000:]}")
    return done


def findings(root: Path) -> list[dict[str, object]]:
    return json.loads(asynclint(root, "--format", "json").stdout)


def digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*.py")) if path.is_file()
    }


def parses(path: Path) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError):
        return False
    return True


def check_corpus(name: str, tree: Path) -> tuple[list[str], bool]:
    """The report lines of one corpus, and whether every check held."""
    with tempfile.TemporaryDirectory(prefix="asynclint-fix-") as directory:
        root = Path(directory) / tree.name
        shutil.copytree(tree, root, symlinks=True)
        before = findings(root)
        original = digests(root)
        asynclint(root, "--fix")
        fixed = digests(root)
        asynclint(root, "--fix")
        again = digests(root)
        after = findings(root)
        changed = sorted(path for path, digest in fixed.items() if original.get(path) != digest)
        broken = [path for path in changed if not parses(root / path)]
    second = sorted(path for path in fixed if again.get(path) != fixed[path])

    def key(finding: dict[str, object]) -> tuple[object, ...]:
        # an AL110 message names its chain's lines (`helpers.py:13`): a fix above them moves them
        return finding["path"], finding["code"], re.sub(r":\d+\)", ":…)", str(finding["message"]))

    new = sorted((Counter(map(key, after)) - Counter(map(key, before))).elements())
    fixable = Counter(f["code"] for f in before if f["fix"] and f["fix"]["applicability"] != "display-only"
                      and f["fix"]["edits"])
    fixed_by_code = Counter(f["code"] for f in before) - Counter(f["code"] for f in after)
    lines = [f"{name}: {len(before)} findings, {sum(fixed_by_code.values())} fixed in {len(changed)} files; "
             f"{len(after)} left"]
    for code in sorted(fixable | fixed_by_code):
        lines.append(f"  {code}: {fixed_by_code[code]} fixed of {fixable[code]} with a fix")
    lines += [f"  does not parse after the fix: {path}" for path in broken]
    lines += [f"  changed by the second run: {path}" for path in second]
    lines += [f"  new after the fix: {path}: {code} {message}" for path, code, message in new]
    return lines, not (broken or second or new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="Django,fastapi,SQLAlchemy", metavar="NAME[,NAME]")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download cache (default: %(default)s)")
    args = parser.parse_args(argv)
    ok = True
    for corpus in select_corpora(read_corpora(args.corpora), args.only):
        lines, held = check_corpus(corpus.label, fetch_corpus(args.cache, corpus))
        print("\n".join(lines), flush=True)
        ok = ok and held
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
