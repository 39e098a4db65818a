"""On-disk cache of module summaries: plain JSON data, outside the project tree.

An entry lives at `<cache dir>/asynclint/<project>/v<version>-<code>/<key>`: `<cache dir>` is
`--cache-dir`, else `ASYNCLINT_CACHE_DIR`, else the platform's user cache directory; `<project>`
hashes the resolved project root; `<key>` is the summary's content hash (`digest`). The project's
own configuration cannot move it: a cache inside the checked tree can be committed, and an entry
planted by a pull request (an entry that hides a blocking call) would make CI pass it. For the
same reason an entry is data, decoded by `codec.py` against the summary's type hints, never
unpickled.

Each entry is its own file written atomically (worker processes fill the cache at the same
time) and records its key and format. A missing, corrupt, truncated, wrong-shape, wrong-key or
wrong-format entry is a miss, never an error; a symlink, a non-directory or another user's
directory below the cache dir turns the cache off for the run (no reads, no writes).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import platformdirs

from asynclint import __version__
from asynclint.index.codec import Codec

if TYPE_CHECKING:
    from asynclint.index.summary import ModuleSummary

T = TypeVar("T")
ENV_VAR = "ASYNCLINT_CACHE_DIR"
# Recorded in each entry: an entry of another format (copied from another version's directory,
# say) is a miss. The version directory already keeps other asynclint code's entries apart.
FORMAT = 2  # 2: summaries hold routing facts (index/routers.py)
_MAGIC = "asynclint-summary"
_MAX_ENTRY_BYTES = 64 * 1024 * 1024  # far above any real summary; a planted giant is a miss
# https://bford.info/cachedir/: backup and archiving tools skip a directory holding this file.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by asynclint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO planted as an entry must not block the run
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@functools.lru_cache(maxsize=1)
def summary_codec() -> Codec[ModuleSummary]:
    """Built on first use: a warm run served by the result cache never loads the summary
    types (a few hundred dataclasses, a tenth of its time)."""
    from asynclint.analysis.values import Ref
    from asynclint.index.summary import ModuleSummary

    return Codec(ModuleSummary, names={"Ref": Ref})


def digest(text: str, module: str, package: str | None = None) -> str:
    """The identity of a summary: the module's name, its package and its exact text (the
    package differs between `a/b.py` and `a/b/__init__.py`, both module `a.b`)."""
    identity = f"{module}\0{package or ''}\0{text}"
    return hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """Identifies this asynclint's code: a summary written by other code is never read back."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def user_cache_dir() -> Path:
    """`ASYNCLINT_CACHE_DIR`, else the platform's user cache directory (`~/.cache` on Linux)."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured) if configured else Path(platformdirs.user_cache_dir())


@dataclass(frozen=True)
class CacheLocation:
    """Where one project's summaries go: `root` (the directory the user gave, trusted as it is)
    and the directories asynclint owns below it (`asynclint`, project, version)."""

    root: Path
    parts: tuple[str, ...]

    @property
    def directory(self) -> Path:
        return self.root.joinpath(*self.parts)


def cache_location(project_root: Path, cache_dir: Path | None = None) -> CacheLocation:
    root = (cache_dir if cache_dir is not None else user_cache_dir()).absolute()
    resolved = str(project_root.resolve()).encode("utf-8", "surrogatepass")
    project = hashlib.blake2b(resolved, digest_size=16).hexdigest()
    return CacheLocation(root, ("asynclint", project, f"v{__version__}-{_code_digest()}"))


def encode_entry(
    key: str, value: Any, codec: Codec[Any] | None = None, magic: str = _MAGIC
) -> bytes | None:
    """The bytes of an entry (None: this value cannot be cached, e.g. nested too deeply);
    by default a module summary's."""
    try:
        entry = [magic, FORMAT, key, (codec or summary_codec()).encode(value)]
        data = json.dumps(entry, separators=(",", ":"), allow_nan=False).encode("ascii")
    except (ValueError, RecursionError, MemoryError):  # CodecError is a ValueError
        return None
    return data if len(data) <= _MAX_ENTRY_BYTES else None


def decode_entry(
    key: str, data: bytes, codec: Codec[Any] | None = None, magic: str = _MAGIC
) -> Any:
    """The value in an entry's bytes; None unless they are exactly an entry for `key`."""
    try:
        entry = json.loads(data)
        if not (
            type(entry) is list
            and len(entry) == 4
            and entry[0] == magic
            and type(entry[1]) is int
            and entry[1] == FORMAT
            and entry[2] == key
        ):
            return None
        return (codec or summary_codec()).decode(entry[3])
    # CodecError is a ValueError; TypeError only as a last line of defence: nothing an entry
    # holds may stop the run
    except (ValueError, TypeError, RecursionError, MemoryError):
        return None


_READY, _ABSENT, _DISABLED = "ready", "absent", "disabled"


class EntryFiles:
    """Entries as files in one cache location, each read and written safely: the directories
    are checked (`_check`) before the first read or write, a read opens no symlink and waits on
    no FIFO (`_read`), a write is atomic (tempfile + `os.replace`). Any failure is a miss or a
    write not done, never an error. The summary, result and walk caches share it."""

    def __init__(self, location: CacheLocation) -> None:
        self.location = location
        self.directory = location.directory
        self._state = _ABSENT  # checked again until ready (another worker may create it)

    def read(self, name: str) -> bytes | None:
        if not self._usable(create=False):
            return None
        try:
            return _read(self.directory / name)
        except OSError:
            return None

    def write(self, name: str, data: bytes) -> None:
        temporary = None
        try:
            # Bigger than a read accepts: writing it would only cost time.
            if len(data) > _MAX_ENTRY_BYTES or not self._usable(create=True):
                return
            import tempfile  # a warm run writes nothing: not imported before a write

            descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, self.directory / name)
            temporary = None
        except OSError:
            pass  # a cache that cannot be written only costs time
        finally:
            if temporary is not None:
                _remove(temporary)

    def touch(self, name: str, older_than: float) -> None:
        """Mark an entry used (pruning goes by age), when its mark is older than `older_than`
        seconds: a warm run rewrites no file and touches few."""
        try:
            path = self.directory / name
            if time.time() - os.lstat(path).st_mtime > older_than:
                os.utime(path, follow_symlinks=False)
        except (OSError, NotImplementedError):
            pass

    def usable(self) -> bool:
        """Whether the directory exists and is safe to use (created if missing)."""
        return self._usable(create=True)

    def _usable(self, create: bool) -> bool:
        if self._state == _ABSENT:
            self._state = _check(self.location, create)
        return self._state == _READY


class EntryCache(EntryFiles, Generic[T]):
    """Entries of one dataclass type, encoded by `codec` and marked by `magic`."""

    def __init__(self, location: CacheLocation, codec: Codec[T], magic: str) -> None:
        super().__init__(location)
        self._codec = codec
        self._magic = magic

    def get(self, key: str) -> T | None:
        data = self.read(key)
        return decode_entry(key, data, self._codec, self._magic) if data is not None else None

    def put(self, key: str, value: T) -> None:
        data = encode_entry(key, value, self._codec, self._magic)
        if data is not None:
            self.write(key, data)


class SummaryCache(EntryCache["ModuleSummary"]):
    """Module summaries, keyed by `digest`."""

    def __init__(self, location: CacheLocation) -> None:
        super().__init__(location, summary_codec(), _MAGIC)


def _check(location: CacheLocation, create: bool) -> str:
    """Whether every directory below the root is a real directory of this user, creating the
    missing ones when `create` (and tagging the asynclint one as a cache)."""
    path = location.root
    try:
        if create:
            path.mkdir(parents=True, exist_ok=True)
        for part in location.parts:
            path = path / part
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                if not create:
                    return _ABSENT
                try:
                    os.mkdir(path, 0o700)
                except FileExistsError:
                    pass  # another worker made it: checked below like any other
                info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode) or not _owned(info):
                return _DISABLED
            if create and part == location.parts[0]:
                _tag(path)
    except FileNotFoundError:
        return _ABSENT
    except OSError:
        return _DISABLED
    return _READY


def _owned(info: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def _tag(directory: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(directory / "CACHEDIR.TAG", flags, 0o644)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(CACHEDIR_TAG)


def _read(path: Path) -> bytes | None:
    """An entry's bytes, if it is a regular file of a sane size (a symlink fails to open)."""
    descriptor = os.open(path, _READ_FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_ENTRY_BYTES:
            return None
        data = handle.read(_MAX_ENTRY_BYTES + 1)
    return data if len(data) <= _MAX_ENTRY_BYTES else None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
