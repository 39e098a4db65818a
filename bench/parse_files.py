"""Baseline workload for the benchmark: parse every ``.py`` file under a directory.

Run by ``bench/run.py`` as a child process (one process, no parallelism)::

    python bench/parse_files.py {ast,libcst} DIR [--verbose]

Each file is read as bytes and decoded as UTF-8 (files that do not decode are
skipped and listed); parse errors are caught per file. A JSON summary is
written to stdout. A crash of libcst's native parser kills this process; the
parent reports it, and ``--verbose`` (file names on stderr before each parse)
shows which file was being parsed.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

Parser = Callable[[str, str], object]


def iter_py_files(root: Path) -> Iterator[Path]:
    """Yield every ``*.py`` file under ``root`` in a stable order, not following symlinks."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = Path(dirpath, name)
                if path.is_file() and not path.is_symlink():
                    yield path


def _ast_parser() -> Parser:
    return lambda text, filename: ast.parse(text, filename)


def _libcst_parser() -> Parser:
    import libcst  # imported here: its import time belongs to the measured workload

    return lambda text, _filename: libcst.parse_module(text)


PARSERS: dict[str, Callable[[], Parser]] = {
    "ast": _ast_parser,
    "libcst": _libcst_parser,
}


def parse_tree(root: Path, parse: Parser, verbose: bool) -> dict[str, object]:
    parsed = 0
    failed: list[str] = []
    undecodable: list[str] = []
    for path in iter_py_files(root):
        rel = str(path.relative_to(root))
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            undecodable.append(rel)
            continue
        if verbose:
            print(rel, file=sys.stderr, flush=True)
        try:
            parse(text, rel)
        except Exception:  # noqa: BLE001 - any parser error counts as "failed", not fatal
            failed.append(rel)
        else:
            parsed += 1
    return {"parsed": parsed, "failed": failed, "undecodable": undecodable}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=sorted(PARSERS))
    parser.add_argument("root", type=Path)
    parser.add_argument(
        "--verbose", action="store_true", help="print each file before parsing it"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # SyntaxWarnings (invalid escapes) are noise here
    summary = parse_tree(args.root, PARSERS[args.mode](), args.verbose)
    json.dump(summary, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
