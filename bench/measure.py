"""Measuring one child process: wall time, CPU time of it and its children, peak RSS.

See "How it measures" in ``bench/README.md``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from proctree import SAMPLE_S, TreeSampler


@dataclass(frozen=True)
class Invocation:
    argv: list[str]
    cwd: Path | None = None
    env: dict[str, str] | None = None


@dataclass(frozen=True)
class Run:
    """One measured child process (rusage figures are None if it was killed)."""

    wall_s: float
    cpu_s: float | None
    max_rss_mb: float | None
    rss_floor_mb: float | None  # launcher's own peak RSS: max_rss_mb reads no lower
    tree_rss_mb: float | None  # peak of the summed VmRSS of the tool and its descendants
    tree_processes: int | None  # most processes of the tool's tree seen in one sample
    exit_code: int | None  # None when killed by a signal
    signal_name: str | None
    timed_out: bool
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)


# Started with `python -I -S` so it stays small: a child inherits its parent's peak
# RSS as the floor of its own ru_maxrss (Linux folds the pre-exec memory map into it),
# so the tool is spawned from this ~8 MB process rather than from this ~20+ MB script.
LAUNCHER = """\
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
with open("/proc/self/status") as f:  # the launcher's own memory high-water mark, KiB
    floor = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
start = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(result, "w") as f:
    f.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {floor} {status}")
"""


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_launcher(
    inv: Invocation,
    result: Path,
    out: IO[bytes],
    err: IO[bytes],
    timeout_s: float,
) -> tuple[int | None, TreeSampler]:
    """Run ``inv`` under the launcher: its exit code (None if it timed out) and the memory
    of the launcher's descendants, sampled by this process while it waits (not by the
    launcher, whose timing must stay undisturbed)."""
    argv = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(result), *inv.argv]
    unrelated = TreeSampler.snapshot()
    # Own session: on timeout the whole group (launcher, tool, its workers) is killed.
    proc = subprocess.Popen(
        argv,
        cwd=inv.cwd,
        env=inv.env,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=err,
        start_new_session=True,
    )
    tree = TreeSampler(proc.pid, unrelated)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            tree.sample()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, tree
            try:
                return proc.wait(min(SAMPLE_S, remaining)), tree
            except subprocess.TimeoutExpired:
                continue
    finally:
        if proc.returncode is None:  # timeout or KeyboardInterrupt
            _kill_group(proc.pid)
            proc.wait()


def _read_result(result: Path, stdout: str, stderr: str, tree: TreeSampler) -> Run:
    wall, cpu, rss_kib, floor_kib, raw_status = result.read_text().split()
    status = int(raw_status)
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return Run(
        wall_s=float(wall),
        cpu_s=float(cpu),
        max_rss_mb=int(rss_kib) / 1024,  # Linux reports KiB
        rss_floor_mb=int(floor_kib) / 1024,
        tree_rss_mb=tree.peak_mb,
        tree_processes=tree.max_processes if tree.available else None,
        exit_code=os.WEXITSTATUS(status) if sig is None else None,
        signal_name=signal.Signals(sig).name if sig is not None else None,
        timed_out=False,
        stdout=stdout,
        stderr=stderr,
    )


def measure(inv: Invocation, timeout_s: float) -> Run:
    """Run ``inv`` once, with rusage from ``os.wait4`` on the tool's pid.

    CPU (user + sys) includes any workers the tool started and reaped; ``max_rss_mb``
    is that of the largest single process, ``tree_rss_mb`` the sampled peak of the sum
    over the tool and all its descendants (``bench/proctree.py``).
    """
    with tempfile.TemporaryDirectory(prefix="asynclint-bench-") as tmp:
        result, out_path, err_path = (
            Path(tmp, name) for name in ("rusage", "out", "err")
        )
        start = time.perf_counter()
        with out_path.open("wb") as out, err_path.open("wb") as err:
            exit_code, tree = _wait_launcher(inv, result, out, err, timeout_s)
        waited = time.perf_counter() - start
        stdout = out_path.read_text("utf-8", "replace")
        stderr = err_path.read_text("utf-8", "replace")
        if exit_code is not None and result.exists():
            return _read_result(result, stdout, stderr, tree)
    # Timed out, or the launcher failed (e.g. the executable does not exist).
    return Run(
        wall_s=waited,
        cpu_s=None,
        max_rss_mb=None,
        rss_floor_mb=None,
        tree_rss_mb=None,
        tree_processes=None,
        exit_code=exit_code,
        signal_name=None,
        timed_out=exit_code is None,
        stdout=stdout,
        stderr=stderr,
    )
