"""The server's checking process: long-lived, with one project index kept warm between checks.

libcst's parser may crash the process that runs it (runner.py), so the server never parses in
its own process. Unlike the CLI's workers, this one lives as long as its project: the summaries
it loaded stay in memory, and each request says which files changed since the last one (their
summaries are forgotten) and which unsaved buffers stand for files on disk. A crash costs the
file being checked (its result is an error) and a fresh process.
"""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection

from asynclint.findings import FileError, FileResult
from asynclint.options import CheckOptions
from asynclint.tasks import Task

# Started with spawn: the server has threads (pygls reads standard input in one), and forking a
# threaded process may copy a lock another thread holds.
_CONTEXT = multiprocessing.get_context("spawn")


def _serve(connection: Connection, options: CheckOptions) -> None:
    from asynclint.engine import make_project
    from asynclint.runner import CRASH_MESSAGE, check_task  # noqa: F401 - imports libcst now

    warnings.simplefilter("ignore")  # the user's `"\d"` is not the server's output
    project = make_project(options)
    try:
        while (request := connection.recv()) is not None:
            task, texts, forget = request
            project.texts = dict(texts)
            for path in forget:
                project.forget(path)
            connection.send(check_task(task, options, project))
    except (EOFError, OSError, KeyboardInterrupt):
        pass


class CheckWorker:
    """One checking process for one project (module map and check options)."""

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None

    def _start(self) -> Connection:
        parent, child = _CONTEXT.Pipe()
        self._process = _CONTEXT.Process(target=_serve, args=(child, self.options), daemon=True)
        self._process.start()
        child.close()
        self._connection = parent
        return parent

    def check(self, task: Task, texts: Mapping[str, str], forget: Sequence[str]) -> FileResult:
        """Check `task` with `texts` (absolute path -> text) standing for files, after
        forgetting what was read from `forget`. Blocks until the answer."""
        connection = self._connection or self._start()
        try:
            connection.send((task, dict(texts), list(forget)))
            result: FileResult = connection.recv()
            return result
        except (EOFError, OSError):
            from asynclint.runner import CRASH_MESSAGE

            self.close()  # the next check starts a fresh process (everything read again)
            return FileResult(task.path, errors=[FileError(task.path, CRASH_MESSAGE)])

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.send(None)
            except OSError:
                pass
            self._connection.close()
            self._connection = None
        if self._process is not None:
            self._process.join(timeout=2)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None
