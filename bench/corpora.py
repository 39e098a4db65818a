"""The pinned corpora: the list in ``bench/corpora.txt``, their sdists, their unpacked trees.

Shared by ``bench/run.py`` and ``bench/ecosystem.py``. See ``bench/README.md``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from parse_files import iter_py_files  # shared with the parse child

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CORPORA = BENCH_DIR / "corpora.txt"
DEFAULT_CACHE = Path.home() / ".cache" / "asynclint-bench"
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Corpus:
    name: str
    version: str
    why: str
    optional: bool = False  # left out unless named in --only (or run.py --large)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


# A `why` that starts with this marks a corpus too large for the default set. Older readers of
# the list see it as part of the text, so the format stays `NAME VERSION why...`.
OPTIONAL_MARK = "[optional]"


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
        why = parts[2] if len(parts) == 3 else ""
        optional = why.startswith(OPTIONAL_MARK)
        if optional:
            why = why[len(OPTIONAL_MARK):].strip()
        corpora.append(Corpus(parts[0], parts[1], why, optional))
    return corpora


def select_corpora(
    corpora: list[Corpus], only: str | None, include_optional: bool = False
) -> list[Corpus]:
    """The corpora named in ``only`` (optional ones too), else every non-optional one."""
    if not only:
        return [c for c in corpora if include_optional or not c.optional]
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
