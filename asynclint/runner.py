"""Running the per-file check over many files: in worker processes, surviving parser crashes.

libcst's native parser is untrusted input handling: some valid Python (a 20,000-term boolean
expression, for one) makes it segfault. Workers absorb that: when a worker dies, the files
that were in flight are re-run one per process, so only the guilty file is reported as an
error and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Sequence

from asynclint.engine import CheckOptions, check_file
from asynclint.findings import FileError, FileResult

Task = tuple[str, "str | None"]  # (path, module name)
_CHUNKS_PER_WORKER = 8


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _check_many(tasks: Sequence[Task], options: CheckOptions) -> list[FileResult]:
    return [check_file(path, options, module) for path, module in tasks]


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run(tasks: Sequence[Task], options: CheckOptions, jobs: int) -> list[FileResult]:
    """Check every task; `jobs == 1` checks in this process (no crash isolation)."""
    if not tasks:
        return []
    if jobs <= 1:
        return _check_many(tasks, options)
    workers = min(jobs, len(tasks))
    size = max(1, len(tasks) // (workers * _CHUNKS_PER_WORKER))
    chunks = [tasks[start : start + size] for start in range(0, len(tasks), size)]
    results: list[FileResult] = []
    unfinished: list[Task] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures: list[tuple[Future[list[FileResult]], Sequence[Task]]] = [
            (pool.submit(_check_many, chunk, options), chunk) for chunk in chunks
        ]
        for future, chunk in futures:
            try:
                results.extend(future.result())
            except BrokenProcessPool:
                unfinished.extend(chunk)
    results.extend(_one_at_a_time(unfinished, options))
    return results


def _one_at_a_time(tasks: Sequence[Task], options: CheckOptions) -> list[FileResult]:
    """After a crash: one task in flight at a time, so a crash names its file exactly."""
    results: list[FileResult] = []
    pool = ProcessPoolExecutor(max_workers=1, mp_context=_context())
    try:
        for path, module in tasks:
            try:
                results.append(pool.submit(check_file, path, options, module).result())
            except BrokenProcessPool:
                message = "the parser crashed on this file (e.g. extreme nesting); file skipped"
                results.append(FileResult(path, errors=[FileError(path, message)]))
                pool.shutdown(wait=False)
                pool = ProcessPoolExecutor(max_workers=1, mp_context=_context())
    finally:
        pool.shutdown()
    return results
