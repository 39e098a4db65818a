"""Running the per-file check in worker processes, so a parser crash costs one file, not the run.

libcst's native parser is untrusted input handling: some valid Python (a 20,000-term boolean
expression, for one) makes it segfault. So parsing never happens in the CLI's own process, not
even for one file or `--jobs 1` (that is one worker) or standard input. Each worker is fed a few
tasks at a time over a pipe and answers them in order; when it dies, the first unanswered task
is the file that killed it (reported as an error), the others go back in the queue, and a fresh
worker takes over.
"""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import signal
import warnings
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Sequence

from asynclint.engine import check_file, check_source, make_project
from asynclint.findings import FileError, FileResult
from asynclint.index.project import Project
from asynclint.options import CheckOptions
from asynclint.tasks import Task

CRASH_MESSAGE = "the parser crashed on this file (e.g. extreme nesting); file skipped"
TOO_DEEP_MESSAGE = "too deeply nested for asynclint to analyse; file skipped"
# Tasks queued per worker: one being checked and one ready, so a worker never waits for the pipe.
_IN_FLIGHT = 2
# Files a worker checks with one project index before it starts a fresh one (see _serve).
_PROJECT_TASKS = 400


def check_task(task: Task, options: CheckOptions, project: Project | None = None) -> FileResult:
    """Check in this process. A bug in a check becomes an error for that file, not a dead run."""
    try:
        if task.text is not None:
            return check_source(task.text, task.path, options, task.module, project, task.explicit)
        return check_file(task.path, options, task.module, project, task.explicit)
    except Exception as error:  # noqa: BLE001 - reported per file, the run goes on
        if _from_recursion(error):
            message = TOO_DEEP_MESSAGE
        else:
            message = (
                f"internal error while checking this file: {type(error).__name__}: {error} "
                "(please report it)"
            )
        return FileResult(task.path, errors=[FileError(task.path, message)])


def _from_recursion(error: BaseException) -> bool:
    """A RecursionError, or an error raised while one unwound (libcst's metadata pass turns
    it into a KeyError in a context manager's exit)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, RecursionError):
            return True
        seen.add(id(current))
        current = current.__context__
    return False


def run(tasks: Sequence[Task], options: CheckOptions, jobs: int) -> list[FileResult]:
    """Check every task in `jobs` worker processes (at least one); results in no fixed order.

    Each worker takes a contiguous share of the (path-sorted) tasks: files of one package
    consult the same modules, which a worker then summarises once instead of every worker
    summarising them all (about a sixth of a cold Django run's CPU). A worker whose share is
    done takes tasks from the far end of the largest remaining share."""
    count = min(max(1, jobs), len(tasks))
    workers = [_Worker(options) for _ in range(count)]
    shares = [deque(tasks[index * len(tasks) // count : (index + 1) * len(tasks) // count])
              for index in range(count)]
    results: list[FileResult] = []
    finished = False
    try:
        while True:
            for worker, queue in zip(workers, shares):
                if not queue:
                    _steal(queue, shares)
                worker.feed(queue)
            busy = [worker for worker in workers if worker.pending]
            if not busy:
                break
            ready = wait([worker.connection for worker in busy])
            results.extend(
                worker.receive(queue)
                for worker, queue in zip(workers, shares)
                if worker in busy and worker.connection in ready
            )
        finished = True
    finally:
        for worker in workers:
            worker.close(graceful=finished)
    return results


def _steal(queue: deque[Task], shares: list[deque[Task]]) -> None:
    """Half of what is left of the largest share, from its far end (so the locality of both
    stays), into the empty `queue`."""
    largest = max(shares, key=len)
    for _ in range((len(largest) + 1) // 2):
        queue.appendleft(largest.pop())


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds (the parent is single-threaded: no fork hazards);
    # elsewhere the platform default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _serve(connection: Connection, options: CheckOptions) -> None:
    """A worker's loop: a Task in, its FileResult out, until None (or the parent is gone)."""
    # Ctrl-C is the parent's to handle; a worker finishes its file and is shut down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A crash is reported by the parent in one line, without a dump of this process's stack.
    faulthandler.disable()
    # Compiling the user's code warns about *their* code (`"\d"`: SyntaxWarning); not our output.
    warnings.simplefilter("ignore")
    # One project index per worker: each module is summarised once, whichever file needs it.
    # Renewed every _PROJECT_TASKS files, so memory stays bounded on a large tree (the index
    # keeps every summary it loaded); the next files, neighbours of the last, reload theirs
    # from the summary cache.
    project = make_project(options)
    checked = 0
    try:
        while (task := connection.recv()) is not None:
            if checked == _PROJECT_TASKS:
                project, checked = make_project(options), 0
                gc.collect()
            connection.send(check_task(task, options, project))
            checked += 1
    except (EOFError, OSError):
        pass


class _Worker:
    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.pending: deque[Task] = deque()
        self._start()

    def _start(self) -> None:
        context = _context()
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, self.options), daemon=True
        )
        self.process.start()
        # Only the child holds its end now, so its death reads as end-of-file here.
        child_end.close()

    def feed(self, queue: deque[Task]) -> None:
        while queue and len(self.pending) < _IN_FLIGHT:
            task = queue.popleft()
            self.pending.append(task)
            try:
                self.connection.send(task)
            except OSError:  # the worker died: `receive` reads the end of the pipe and says so
                return

    def receive(self, queue: deque[Task]) -> FileResult:
        """The next answer; after a crash, the crashing file's error (and a fresh worker)."""
        try:
            result: FileResult = self.connection.recv()
            self.pending.popleft()
            return result
        except (EOFError, OSError):
            culprit = self.pending.popleft()
            queue.extendleft(reversed(self.pending))  # never started: check them again
            self.pending.clear()
            self.close(graceful=False)
            self._start()
            return FileResult(culprit.path, errors=[FileError(culprit.path, CRASH_MESSAGE)])

    def close(self, graceful: bool) -> None:
        if graceful:
            try:
                self.connection.send(None)
            except OSError:
                graceful = False
        if not graceful and self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()
