"""How fast the summary cache loads: today's JSON entries against the pickle they replaced.

    python bench/cache_load.py [DIR] [--repeat 5] [--json OUT]

Summarises every module under DIR (default: the unpacked Django 5.1.4 sdist of
`bench/run.py`'s cache) in this process, then times, in the same run, loading every summary
from its cache entry: `pickle.loads` of the pickled summary (the format asynclint used before)
against `index/cache.py`'s `decode_entry` (json.loads, then the validating decode), and the
sizes of both kinds of entry. Medians of --repeat rounds; each round loads all summaries.
Standard library and asynclint only; nothing is written to disk.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import pickle
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's asynclint

from asynclint import source
from asynclint.index import cache
from asynclint.index.modules import ModuleMap, package_of
from asynclint.index.summary import ModuleSummary, summarise

DEFAULT_DIR = Path.home() / ".cache" / "asynclint-bench" / "src" / "Django-5.1.4"


def summaries(root: Path) -> list[tuple[str, ModuleSummary]]:
    """(cache key, summary) of every module under `root` that decodes and parses."""
    files = sorted(path for path in root.rglob("*.py") if path.is_file() and not path.is_symlink())
    modules = ModuleMap(root, files)
    found = []
    warnings.simplefilter("ignore")  # SyntaxWarnings about the corpus's own code
    for path in files:
        module = modules.name_of(path) or path.stem
        try:
            text = source.read(str(path))
            tree = ast.parse(text)
        except (source.SourceError, SyntaxError, ValueError, RecursionError):
            continue
        package = package_of(module, path)
        found.append(
            (cache.digest(text, module, package),
             summarise(tree, source.split_lines(text), module, package))
        )
    return found


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of `work` (CPU time of this process: the work is single-threaded, and
    CPU time is not inflated by other load on the machine). The cyclic collector is off while
    timing (as in `timeit`): with every summary of the corpus alive, its passes over them would
    dominate both sides (the CLI raises its thresholds for the same reason, see `cli.main`)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            work()
            times.append(time.process_time() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def measure(root: Path, repeat: int) -> dict[str, Any]:
    found = summaries(root)
    keys = [key for key, _ in found]
    pickled = [pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL) for _, summary in found]
    jsons = [cache.encode_entry(key, summary) or b"" for key, summary in found]
    if not all(jsons):
        raise SystemExit("a summary could not be encoded")
    if [cache.decode_entry(key, entry) for key, entry in zip(keys, jsons)] != [s for _, s in found]:
        raise SystemExit("a summary did not survive its round trip")
    parsed = [json.loads(entry)[3] for entry in jsons]
    decode = cache.summary_codec().decode
    seconds = {
        "pickle.loads": lambda: [pickle.loads(blob) for blob in pickled],
        "decode_entry": lambda: [cache.decode_entry(k, entry) for k, entry in zip(keys, jsons)],
        "  json.loads only": lambda: [json.loads(entry) for entry in jsons],
        "  validating decode only": lambda: [decode(data) for data in parsed],
        "pickle.dumps": lambda: [pickle.dumps(s, protocol=pickle.HIGHEST_PROTOCOL) for _, s in found],
        "encode_entry": lambda: [cache.encode_entry(key, summary) for key, summary in found],
    }
    times = {name: median_seconds(work, repeat) for name, work in seconds.items()}
    return {
        "corpus": str(root),
        "python": sys.version.split()[0],
        "summaries": len(found),
        "repeat": repeat,
        "cpu_seconds": times,
        "load_ratio": times["decode_entry"] / times["pickle.loads"],
        "store_ratio": times["encode_entry"] / times["pickle.dumps"],
        "bytes": {
            "pickle": _sizes(pickled),
            "json": _sizes(jsons),
        },
    }


def _sizes(entries: list[bytes]) -> dict[str, float]:
    lengths = [len(entry) for entry in entries]
    return {"total": sum(lengths), "median": statistics.median(lengths), "largest": max(lengths)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    if not arguments.directory.is_dir():
        raise SystemExit(f"not a directory: {arguments.directory} (run bench/run.py --only Django)")
    report = measure(arguments.directory, max(1, arguments.repeat))
    print(f"{report['summaries']} summaries from {report['corpus']}, Python {report['python']}, "
          f"median CPU time of {report['repeat']} rounds, each loading every summary")
    for name, seconds in report["cpu_seconds"].items():
        print(f"  {name:<26} {seconds * 1000:9.1f} ms")
    print(f"  load  (decode_entry / pickle.loads): {report['load_ratio']:.2f}x")
    print(f"  store (encode_entry / pickle.dumps): {report['store_ratio']:.2f}x")
    pickled, jsons = report["bytes"]["pickle"], report["bytes"]["json"]
    for name in ("total", "median", "largest"):
        print(f"  entry bytes, {name:<8} pickle {pickled[name]:>12,.0f}  json {jsons[name]:>12,.0f}"
              f"  ({jsons[name] / pickled[name]:.2f}x)")
    if arguments.json:
        arguments.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
