"""What the CLI's process sends a worker to check (plain data: it crosses a pipe)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    """One file to check; `text` is set for standard input (checked as if it were `path`)."""

    path: str
    module: str | None = None
    text: str | None = None
    # Named on the command line (or stdin): its syntax is checked even without async code.
    explicit: bool = False


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
