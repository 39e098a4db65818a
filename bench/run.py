#!/usr/bin/env python3
"""Benchmark asynclint against ruff, flake8-async and bare ast / libcst parsing.

Downloads the pinned sdists listed in ``bench/corpora.txt`` with pip, unpacks them
into a cache outside the repo, runs every selected tool as a child process over each
unpacked tree and prints wall time, child CPU time (user + sys) and peak RSS, plus the
ratios that the performance targets are stated in.
See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import urllib.request
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import IO

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
from parse_files import iter_py_files  # shared with the parse child

DEFAULT_CORPORA = BENCH_DIR / "corpora.txt"
DEFAULT_CACHE = Path.home() / ".cache" / "asynclint-bench"
ALL_TOOLS = ("asynclint", "ruff", "flake8-async", "libcst-parse", "ast-parse")
# flake8-async is opt-in: it needs ~1,500 CPU-s on Django.
DEFAULT_TOOLS = ("asynclint", "ruff", "libcst-parse", "ast-parse")
DEFAULT_TIMEOUT_S = 600.0
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")


# --------------------------------------------------------------------------- corpora


@dataclass(frozen=True)
class Corpus:
    name: str
    version: str
    why: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def read_corpora(path: Path) -> list[Corpus]:
    """Parse ``NAME VERSION why...`` lines; ``#`` starts a comment line."""
    corpora = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2:
            raise SystemExit(
                f"{path}:{lineno}: expected 'NAME VERSION why...', got {raw!r}"
            )
        corpora.append(Corpus(parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
    return corpora


def select_corpora(corpora: list[Corpus], only: str | None) -> list[Corpus]:
    if not only:
        return corpora
    by_name = {c.name.lower(): c for c in corpora}
    wanted = [name.strip().lower() for name in only.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise SystemExit(
            f"unknown corpus {unknown}; known: {', '.join(c.name for c in corpora)}"
        )
    return [by_name[name] for name in wanted]


def _normalise(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _strip_sdist_suffix(filename: str) -> str | None:
    for suffix in SDIST_SUFFIXES:
        if filename.endswith(suffix):
            return filename[: -len(suffix)]
    return None


def find_sdist(sdists: Path, corpus: Corpus) -> Path | None:
    """The cached sdist of ``corpus``, matching names the way PyPI normalises them."""
    want = _normalise(f"{corpus.name}-{corpus.version}")
    for path in sorted(sdists.glob("*")):
        stem = _strip_sdist_suffix(path.name)
        if stem is not None and _normalise(stem) == want:
            return path
    return None


def _from_simple_index(sdists: Path, corpus: Corpus) -> Path | None:
    """Download the sdist straight from PyPI's JSON simple index (PEP 691), checking its
    sha256: no build step, unlike `pip download`, which builds each sdist's metadata and so
    needs its build backend (some need a Rust toolchain and the network, or a newer Python)."""
    want = _normalise(f"{corpus.name}-{corpus.version}")
    request = urllib.request.Request(
        f"https://pypi.org/simple/{_normalise(corpus.name)}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            files = json.load(response)["files"]
        entry = next(
            item for item in files
            if _normalise(_strip_sdist_suffix(item["filename"]) or "") == want
        )
        with urllib.request.urlopen(entry["url"], timeout=300) as response:
            data = response.read()
    except (OSError, ValueError, KeyError, StopIteration):
        return None
    if hashlib.sha256(data).hexdigest() != entry.get("hashes", {}).get("sha256"):
        return None
    sdists.mkdir(parents=True, exist_ok=True)
    target = sdists / Path(entry["filename"]).name
    target.write_bytes(data)
    return target


def download_sdist(sdists: Path, corpus: Corpus) -> Path:
    cached = find_sdist(sdists, corpus)
    if cached is not None:
        return cached
    log(f"downloading {corpus.label} ...")
    fetched = _from_simple_index(sdists, corpus)
    if fetched is not None:
        return fetched
    sdists.mkdir(parents=True, exist_ok=True)
    pin = f"{corpus.name}=={corpus.version}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    cmd += ["--ignore-requires-python", pin, "-d", str(sdists)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    sdist = find_sdist(sdists, corpus)
    if done.returncode != 0 or sdist is None:
        raise RuntimeError(
            f"pip download failed for {corpus.label}:\n{done.stdout}{done.stderr}"
        )
    return sdist


def _extract(archive: Path, dest: Path) -> None:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(dest)
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(dest, filter="data")


def unpack_sdist(archive: Path, dest: Path) -> Path:
    """Unpack once into ``dest``, dropping the archive's single top-level directory."""
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        _extract(archive, tmp)
        entries = list(tmp.iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() else tmp
        top.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def fetch_corpus(cache: Path, corpus: Corpus) -> Path:
    sdist = download_sdist(cache / "sdists", corpus)
    return unpack_sdist(sdist, cache / "src" / f"{corpus.name}-{corpus.version}")


# --------------------------------------------------------------------------- source tree


def count_lines(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _parses(path: Path) -> bool:
    try:
        text = path.read_bytes().decode("utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text, str(path))
    except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@dataclass
class SourceTree:
    """An unpacked corpus: its ``.py`` files and their line counts."""

    corpus: Corpus
    root: Path
    lines: dict[Path, int] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = {path: count_lines(path) for path in iter_py_files(self.root)}

    @property
    def total_lines(self) -> int:
        return sum(self.lines.values())

    def lines_of(self, paths: Iterable[Path]) -> int:
        return sum(self.lines[p] if p in self.lines else count_lines(p) for p in paths)

    @cached_property
    def parseable(self) -> list[Path]:
        """Files that decode as UTF-8 and that ``ast.parse`` accepts."""
        return [path for path in self.lines if _parses(path)]


# --------------------------------------------------------------------------- measuring


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
    inv: Invocation, result: Path, out: IO[bytes], err: IO[bytes], timeout_s: float
) -> int | None:
    """Run ``inv`` under the launcher: its exit code, or None if it timed out."""
    argv = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(result), *inv.argv]
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
    try:
        return proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        return None
    finally:
        if proc.returncode is None:  # timeout or KeyboardInterrupt
            _kill_group(proc.pid)
            proc.wait()


def _read_result(result: Path, stdout: str, stderr: str) -> Run:
    wall, cpu, rss_kib, floor_kib, raw_status = result.read_text().split()
    status = int(raw_status)
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return Run(
        wall_s=float(wall),
        cpu_s=float(cpu),
        max_rss_mb=int(rss_kib) / 1024,  # Linux reports KiB
        rss_floor_mb=int(floor_kib) / 1024,
        exit_code=os.WEXITSTATUS(status) if sig is None else None,
        signal_name=signal.Signals(sig).name if sig is not None else None,
        timed_out=False,
        stdout=stdout,
        stderr=stderr,
    )


def measure(inv: Invocation, timeout_s: float) -> Run:
    """Run ``inv`` once, with rusage from ``os.wait4`` on the tool's pid.

    CPU (user + sys) includes any workers the tool started and reaped; peak RSS
    is that of the largest single process, not a sum.
    """
    with tempfile.TemporaryDirectory(prefix="asynclint-bench-") as tmp:
        result, out_path, err_path = (
            Path(tmp, name) for name in ("rusage", "out", "err")
        )
        start = time.perf_counter()
        with out_path.open("wb") as out, err_path.open("wb") as err:
            exit_code = _wait_launcher(inv, result, out, err, timeout_s)
        waited = time.perf_counter() - start
        stdout = out_path.read_text("utf-8", "replace")
        stderr = err_path.read_text("utf-8", "replace")
        if exit_code is not None and result.exists():
            return _read_result(result, stdout, stderr)
    # Timed out, or the launcher failed (e.g. the executable does not exist).
    return Run(
        wall_s=waited,
        cpu_s=None,
        max_rss_mb=None,
        rss_floor_mb=None,
        exit_code=exit_code,
        signal_name=None,
        timed_out=exit_code is None,
        stdout=stdout,
        stderr=stderr,
    )


# --------------------------------------------------------------------------- tools


@dataclass(frozen=True)
class Coverage:
    """What a tool reports about its own run (None: unknown)."""

    files: int | None = None
    lines: int | None = None
    findings: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Tool:
    name: str
    invocation: Callable[[SourceTree], Invocation]
    coverage: Callable[[SourceTree, Run], Coverage]
    ok_exit_codes: tuple[int, ...] = (0,)


def _script(name: str) -> str:
    """An executable installed next to this interpreter, else on PATH."""
    local = Path(sysconfig.get_path("scripts")) / name
    return str(local) if local.exists() else (shutil.which(name) or name)


PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
RUFF_ARGS = ["check", "--select", "ASYNC", "--no-cache", "--isolated"]
RUFF_REPORT_ARGS = ["--exit-zero", "--quiet", "--output-format", "json"]


def _ruff_invocation(tree: SourceTree) -> Invocation:
    return Invocation([_script("ruff"), *RUFF_ARGS, *RUFF_REPORT_ARGS, str(tree.root)])


def _ruff_coverage(tree: SourceTree, run: Run) -> Coverage:
    # --show-files (not timed) lists what ruff checks after its default excludes.
    argv = [_script("ruff"), *RUFF_ARGS, "--show-files", str(tree.root)]
    shown = subprocess.run(argv, capture_output=True, text=True, check=False)
    listed = (Path(line) for line in shown.stdout.splitlines() if line.strip())
    files = [path for path in listed if path.suffix in PYTHON_SUFFIXES]  # not .toml
    return Coverage(len(files), tree.lines_of(files), _count_json_findings(run.stdout))


def _flake8_async_invocation(tree: SourceTree) -> Invocation:
    # The standalone CLI takes files (not directories) and aborts on the first
    # SyntaxError, so it gets the files that ast.parse accepts.
    files = [str(path.relative_to(tree.root)) for path in tree.parseable]
    return Invocation([sys.executable, "-m", "flake8_async", *files], cwd=tree.root)


def _flake8_async_coverage(tree: SourceTree, run: Run) -> Coverage:
    findings = sum(1 for line in run.stdout.splitlines() if line.strip())
    return Coverage(len(tree.parseable), tree.lines_of(tree.parseable), findings)


def _parse_invocation(mode: str) -> Callable[[SourceTree], Invocation]:
    def build(tree: SourceTree) -> Invocation:
        return Invocation(
            [sys.executable, str(BENCH_DIR / "parse_files.py"), mode, str(tree.root)]
        )

    return build


def _parse_coverage(tree: SourceTree, run: Run) -> Coverage:
    summary = json.loads(run.stdout)
    skipped = {tree.root / rel for rel in [*summary["failed"], *summary["undecodable"]]}
    parsed = [path for path in tree.lines if path not in skipped]
    note = f"{len(summary['failed'])} parse errors, {len(summary['undecodable'])} not UTF-8"
    if skipped:
        shown = sorted(str(path.relative_to(tree.root)) for path in skipped)
        note += f" ({', '.join(shown[:3])}{', ...' if len(shown) > 3 else ''})"
    return Coverage(summary["parsed"], tree.lines_of(parsed), None, note)


def _asynclint_env() -> dict[str, str]:
    """Environment that imports asynclint from this repo's working tree, installed or not."""
    paths = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


# --no-cache: the figures are for a cold run (no summaries from an earlier run).
ASYNCLINT_ARGS = ["-m", "asynclint", "--format", "json", "--exit-zero", "--no-config", "--no-cache"]


def _asynclint_invocation(tree: SourceTree) -> Invocation:
    argv = [sys.executable, *ASYNCLINT_ARGS, str(tree.root)]
    return Invocation(argv, env=_asynclint_env())


def _asynclint_coverage(tree: SourceTree, run: Run) -> Coverage:
    return Coverage(findings=_count_json_findings(run.stdout))


def _count_json_findings(stdout: str) -> int | None:
    try:
        data = json.loads(stdout) if stdout.strip() else []
    except json.JSONDecodeError:
        return None
    if isinstance(data, dict):
        data = data.get("findings")
    return len(data) if isinstance(data, list) else None


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("asynclint", _asynclint_invocation, _asynclint_coverage),
        Tool("ruff", _ruff_invocation, _ruff_coverage),
        Tool(
            "flake8-async",
            _flake8_async_invocation,
            _flake8_async_coverage,
            ok_exit_codes=(0, 1),
        ),
        Tool("libcst-parse", _parse_invocation("libcst"), _parse_coverage),
        Tool("ast-parse", _parse_invocation("ast"), _parse_coverage),
    )
}


# --------------------------------------------------------------------------- results


@dataclass
class ToolResult:
    tool: str
    status: str  # "ok", "timeout", "failed", "crashed"
    runs: list[Run] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def wall_s(self) -> float | None:
        return _median(r.wall_s for r in self.runs)

    @property
    def cpu_s(self) -> float | None:
        return _median(r.cpu_s for r in self.runs)

    @property
    def max_rss_mb(self) -> float | None:
        return max(
            (r.max_rss_mb for r in self.runs if r.max_rss_mb is not None), default=None
        )


def _median(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _failure(tool: Tool, run: Run, timeout_s: float) -> tuple[str, str] | None:
    """``(status, detail)`` if ``run`` did not succeed, else None."""
    if run.timed_out:
        return "timeout", f"killed after {timeout_s:g} s"
    if run.signal_name is not None:
        return "crashed", f"killed by {run.signal_name}; {_tail(run.stderr)}"
    if run.exit_code not in tool.ok_exit_codes:
        return "failed", f"exit {run.exit_code}: {_tail(run.stderr or run.stdout)}"
    return None


def _tail(text: str, limit: int = 400) -> str:
    text = " | ".join(line.strip() for line in text.strip().splitlines()[-3:])
    return text[-limit:] if text else "(no output)"


def run_tool(tool: Tool, tree: SourceTree, repeat: int, timeout_s: float) -> ToolResult:
    result = ToolResult(tool.name, "ok")
    try:
        invocation = tool.invocation(tree)
    except OSError as exc:
        return ToolResult(tool.name, "failed", detail=str(exc))
    for _ in range(repeat):
        try:
            run = measure(invocation, timeout_s)
        except OSError as exc:  # e.g. executable not found
            return ToolResult(tool.name, "failed", result.runs, detail=str(exc))
        result.runs.append(run)
        failure = _failure(tool, run, timeout_s)
        if failure is not None:
            result.status, result.detail = failure
            return result
    try:
        result.coverage = tool.coverage(tree, result.runs[-1])
    except (ValueError, KeyError, TypeError) as exc:
        result.detail = f"could not read tool output: {exc}"
    return result


# --------------------------------------------------------------------------- ratios & targets


@dataclass(frozen=True)
class Target:
    baseline: str
    max_ratio: float


# Targets are stated for these exact pinned versions.
TARGETS: dict[tuple[str, str], Target] = {
    ("Django", "5.1.4"): Target("ruff", 6.0),
    ("fastapi", "0.115.6"): Target("libcst-parse", 2.0),
}
RATIO_BASELINES = ("ruff", "libcst-parse")
METRICS = (("CPU", "cpu_s"), ("wall", "wall_s"))


@dataclass(frozen=True)
class Ratio:
    """asynclint's time over a baseline tool's, on one corpus."""

    baseline: str
    metric: str  # "CPU" or "wall"
    value: float | None  # None: either tool missing or not ok
    limit: float | None = None  # the target's bound, if this ratio has one

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.value is None:
            return None
        return self.value <= self.limit


def ratio(results: dict[str, ToolResult], baseline: str, attr: str) -> float | None:
    subject, base = results.get("asynclint"), results.get(baseline)
    if subject is None or base is None or not (subject.ok and base.ok):
        return None
    num, den = getattr(subject, attr), getattr(base, attr)
    return num / den if num is not None and den else None


def ratios(results: dict[str, ToolResult]) -> list[Ratio]:
    return [
        Ratio(base, label, ratio(results, base, attr))
        for base in RATIO_BASELINES
        for label, attr in METRICS
    ]


def target_ratios(corpus: Corpus, results: dict[str, ToolResult]) -> list[Ratio]:
    target = TARGETS.get((corpus.name, corpus.version))
    if target is None:
        return []
    return [
        Ratio(
            target.baseline,
            label,
            ratio(results, target.baseline, attr),
            target.max_ratio,
        )
        for label, attr in METRICS
    ]


# --------------------------------------------------------------------------- output


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _tool_version(argv: Sequence[str], env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return (
        lines[-1]
        if done.returncode == 0 and lines
        else f"unavailable ({_tail(done.stderr, 120)})"
    )


def _dist_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info(tools: Sequence[str]) -> dict[str, str]:
    info = {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "nproc": f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}",
        "load": "1/5/15-min load average at start: "
        + " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
    }
    if "ruff" in tools:
        info["ruff"] = _tool_version([_script("ruff"), "--version"])
    if "flake8-async" in tools:
        info["flake8-async"] = _dist_version("flake8-async")
    if "libcst-parse" in tools or "asynclint" in tools:
        info["libcst"] = _dist_version("libcst")
    if "asynclint" in tools:
        probe = "import asynclint; print(getattr(asynclint, '__version__', '(no __version__)'))"
        version = _tool_version([sys.executable, "-c", probe], env=_asynclint_env())
        info["asynclint"] = f"{version} from {REPO_ROOT}"
    return info


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


HEADERS = (
    "tool",
    "files",
    "lines",
    "wall s",
    "CPU s",
    "peak RSS MB",
    "findings",
    "status",
)


def _row(result: ToolResult) -> list[str]:
    cov = result.coverage
    if result.ok:
        times = [
            _num(result.wall_s, ".2f"),
            _num(result.cpu_s, ".2f"),
            _num(result.max_rss_mb, ".0f"),
        ]
    elif result.status == "timeout" and result.runs:
        times = [f"> {result.runs[-1].wall_s:.0f}", "-", "-"]
    else:
        times = ["-", "-", "-"]
    files, lines, findings = (
        _num(n, ",") for n in (cov.files, cov.lines, cov.findings)
    )
    return [result.tool, files, lines, *times, findings, result.status]


def format_table(rows: list[list[str]]) -> str:
    table = [list(HEADERS), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
    lines = [
        "  ".join(
            cell.ljust(width) if i in (0, len(row) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        ).rstrip()
        for row in table
    ]
    lines.insert(1, "-" * max(len(line) for line in lines))
    return "\n".join(lines)


def _notes(results: dict[str, ToolResult]) -> list[str]:
    notes = []
    for result in results.values():
        for text in (result.detail, result.coverage.note):
            if text:
                notes.append(f"   {result.tool}: {text}")
    return notes


def _ratio_lines(tree: SourceTree, results: dict[str, ToolResult]) -> list[str]:
    lines = [
        f"   asynclint {r.metric} / {r.baseline} {r.metric}: {_times(r.value)}"
        for r in ratios(results)
    ]
    targets = target_ratios(tree.corpus, results)
    if targets:
        lines.append(
            f"   target: asynclint <= {targets[0].limit:g}x {targets[0].baseline}"
        )
    for r in targets:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[r.met]
        lines.append(f"     {r.metric:<5} {_times(r.value)} -> {verdict}")
    return lines


def _floor_note(results: dict[str, ToolResult]) -> str:
    floors = [r.rss_floor_mb for res in results.values() for r in res.runs]
    floor = max((f for f in floors if f is not None), default=None)
    return "" if floor is None else f" (floor: the launcher's own {floor:.0f} MB)"


def format_corpus_report(
    tree: SourceTree, results: dict[str, ToolResult], repeat: int
) -> str:
    corpus = tree.corpus
    size = f"{len(tree.lines):,} .py files, {tree.total_lines:,} lines"
    out = [
        f"== {corpus.label}: {size}  ({tree.root})",
        *([f"   {corpus.why}"] if corpus.why else []),
        f"   wall, CPU: median of {repeat} run(s); peak RSS: max{_floor_note(results)}",
        "",
        format_table([_row(result) for result in results.values()]),
        *_notes(results),
        "",
        *_ratio_lines(tree, results),
    ]
    return "\n".join(out) + "\n"


def _ratio_json(r: Ratio) -> dict[str, object]:
    return {**asdict(r), "met": r.met}


def _result_json(result: ToolResult) -> dict[str, object]:
    runs = [
        {k: v for k, v in asdict(run).items() if k not in ("stdout", "stderr")}
        for run in result.runs
    ]
    return {
        "status": result.status,
        "detail": result.detail,
        "wall_s": result.wall_s,
        "cpu_s": result.cpu_s,
        "max_rss_mb": result.max_rss_mb,
        **asdict(result.coverage),
        "runs": runs,
    }


def corpus_json(tree: SourceTree, results: dict[str, ToolResult]) -> dict[str, object]:
    return {
        "corpus": asdict(tree.corpus),
        "root": str(tree.root),
        "py_files": len(tree.lines),
        "py_lines": tree.total_lines,
        "tools": {name: _result_json(result) for name, result in results.items()},
        "ratios": [_ratio_json(r) for r in ratios(results)],
        "targets": [_ratio_json(r) for r in target_ratios(tree.corpus, results)],
    }


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpora",
        type=Path,
        default=DEFAULT_CORPORA,
        help="corpora list (default: %(default)s)",
    )
    parser.add_argument(
        "--only", metavar="NAME[,NAME]", help="benchmark only these corpora"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="download cache (default: %(default)s)",
    )
    parser.add_argument(
        "--tools",
        default=",".join(DEFAULT_TOOLS),
        help=f"comma-separated, from {','.join(ALL_TOOLS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per tool; median reported (default: 1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="seconds per run before a tool is killed (default: %(default)g)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="OUT", help="also write results as JSON"
    )
    args = parser.parse_args(argv)
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in args.tools if t not in TOOLS]
    if unknown or not args.tools:
        parser.error(f"unknown tools {unknown}; choose from {','.join(ALL_TOOLS)}")
    if args.repeat < 1 or args.timeout <= 0:
        parser.error("--repeat must be >= 1 and --timeout > 0")
    return args


def bench_corpus(
    corpus: Corpus, args: argparse.Namespace
) -> tuple[SourceTree, dict[str, ToolResult]] | None:
    try:
        root = fetch_corpus(args.cache.expanduser(), corpus)
    except (RuntimeError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        log(f"!! skipping {corpus.label}: {exc}")
        return None
    tree = SourceTree(corpus, root)
    results = {}
    for name in args.tools:
        log(f"   {corpus.label}: running {name} ...")
        results[name] = run_tool(TOOLS[name], tree, args.repeat, args.timeout)
    return tree, results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpora = select_corpora(read_corpora(args.corpora), args.only)
    info = machine_info(args.tools)
    print("asynclint benchmark")
    for key, value in info.items():
        print(f"  {key:<13} {value}")
    print()
    measured_corpora: list[dict[str, object]] = []
    missing = 0
    for corpus in corpora:
        measured = bench_corpus(corpus, args)
        if measured is None:
            missing += 1
            continue
        tree, results = measured
        print(format_corpus_report(tree, results, args.repeat), flush=True)
        measured_corpora.append(corpus_json(tree, results))
    if args.json:
        report = {
            "machine": info,
            "tools": args.tools,
            "repeat": args.repeat,
            "corpora": measured_corpora,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
