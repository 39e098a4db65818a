"""Peak memory of a whole process tree: the summed VmRSS of a process's descendants.

``ru_maxrss`` from ``wait4`` is the peak of the largest *single* process. A tool that forks
workers (asynclint does) holds more than that at once, so ``bench/measure.py`` also samples
``/proc/<pid>/status`` of every descendant of the launcher every ``SAMPLE_S`` seconds and keeps
the largest sum. The sum counts pages shared between a parent and its forked children once per
process (that is what VmRSS is), so it is an upper bound of the memory the tree needs, and a
sample can miss a peak shorter than the period.

Descendants are found by scanning ``/proc`` (``/proc/<pid>/task/<tid>/children`` is not
available on every kernel): a process belongs to the tree when its session is the launcher's
(the launcher leads its own session) or its parent is in the tree. Only processes not seen
before are read, so a sample costs one directory listing and a few small reads.
"""

from __future__ import annotations

import os

SAMPLE_S = 0.02


def _stat(pid: int) -> tuple[int, int] | None:
    """``(ppid, session)`` of ``pid``, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
    fields = data[data.rfind(b")") + 2 :].split()
    return int(fields[1]), int(fields[3])


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0  # gone, or a zombie (no VmRSS line)


def _pids() -> set[int]:
    return {int(name) for name in os.listdir("/proc") if name.isdigit()}


class TreeSampler:
    """Largest summed VmRSS (and process count) seen among the descendants of ``root``."""

    def __init__(self, root: int, unrelated: set[int]) -> None:
        # `unrelated`: pids that existed before `root` started, so cannot descend from it.
        self.root = root
        self._outside = set(unrelated) | {root}
        self._tree: set[int] = set()
        self.peak_kib = 0
        self.max_processes = 0
        self.available = os.path.isdir("/proc")

    @staticmethod
    def snapshot() -> set[int]:
        """The pids that exist now (pass as ``unrelated`` before starting the root)."""
        return _pids() if os.path.isdir("/proc") else set()

    def sample(self) -> None:
        if not self.available:
            return
        alive = _pids()
        # A pid that ended may be reused by a new process: forget the ones gone.
        self._tree &= alive
        self._outside &= alive | {self.root}
        for pid in sorted(alive - self._tree - self._outside):  # parents before children
            stat = _stat(pid)
            if stat is None:
                continue
            ppid, session = stat
            if session == self.root or ppid == self.root or ppid in self._tree:
                self._tree.add(pid)
            else:
                self._outside.add(pid)
        total = sum(_rss_kib(pid) for pid in self._tree)
        self.peak_kib = max(self.peak_kib, total)
        self.max_processes = max(self.max_processes, len(self._tree))

    @property
    def peak_mb(self) -> float | None:
        return self.peak_kib / 1024 if self.available and self.peak_kib else None
