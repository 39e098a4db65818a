"""The project's Python files, cached: a run that names one file does not walk the whole tree.

The module map covers the whole project (`index/modules.py`), so a pre-commit or editor run on
one file still needs every file of the project; walking for them lists every directory and
matches every entry against the excludes and each `.gitignore`, which on a large tree costs
more than checking the file. An entry holds the walk's file list and what that list depends on
(`discovery.Listing`); checking it costs one `os.stat` per directory and per `.gitignore`:

* a directory's mtime changes when an entry in it is added, removed or renamed, and its ctime
  when its permissions change as well; inode and device tell a directory replaced by another;
* a `.gitignore` is edited in place without its directory changing: its own stat (mtime,
  ctime, inode, device, size) is recorded, for each one consulted, in the tree and above it;
* above the walk, whether each ancestor has a `.git` (where the ancestors' `.gitignore`s stop);
* a linked file's target can go without its directory changing: each link is checked.

Anything different and the tree is walked again, and the entry rewritten. An entry is plain JSON
at `<cache dir>/asynclint/<project>/walk-v<version>-<code>/<key>`, beside the summaries and
outside the tree for the same reason (`index/cache.py`): an entry planted by a pull request could
hide a module from the facts. It is read with the summary cache's checks (`EntryFiles`) and
decoded strictly: anything but exactly the expected shape is a miss, never an error.

Not cached: a walk that reported an error or a note (`find` reports them as the user named the
path, and an unreadable directory is worth saying again), a walk during which a stat failed,
and a walk that met a directory or `.gitignore` changed moments before (see `RACY_NS`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asynclint.config import Config
from asynclint.discovery import PYTHON_SUFFIXES, Discovery, Listing, discover, find
from asynclint.index.cache import CacheLocation, EntryFiles, cache_location
from asynclint.index.modules import find_root

FORMAT = 1
_MAGIC = "asynclint-walk"
# A change in the same clock tick as the stat recorded leaves the same mtime and ctime (git's
# "racy clean" problem); file-system clocks tick in milliseconds, FAT's mtime in two seconds.
# A walk that met a directory or .gitignore whose mtime and ctime are both this recent is not
# cached: the next run walks again, and caches once the tree has been still for that long.
RACY_NS = 2_000_000_000


def project_files(root: Path, config: Config, location: CacheLocation | None) -> list[Path]:
    """`discover([str(root)], config)`: the project's Python files, from the walk cache when
    nothing the walk depends on has changed. `location` is the summary cache's location
    (`index.cache.cache_location`); None (`--no-cache`) walks and writes nothing."""
    if location is None:
        return discover([str(root)], config)
    return _cached_find(str(root), root, config, location).files


def find_cached(
    paths: list[str],
    config: Config,
    force_exclude: bool = False,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> Discovery:
    """`discovery.find(paths, config, force_exclude)`, from the walk cache when `paths` is the
    project's top alone (`asynclint .` there). Raises MissingPath."""
    if cache and len(paths) == 1 and os.path.isdir(paths[0]):
        root = find_root(Path(paths[0]))
        if Path(paths[0]).resolve() == root:
            return _cached_find(paths[0], root, config, cache_location(root, cache_dir))
    return find(paths, config, force_exclude)


@dataclass(frozen=True)
class _Entry:
    """A decoded entry; its lists are as `json.loads` made them (checked by `_decode`, not
    converted: this is read on every run)."""

    root: str  # resolved
    directories: list[str]  # relative, "/"-separated; the first is the root itself, ""
    stamps: list[int]  # `_stamp` of each directory, flat: five per directory
    gitignores: list[list[Any]]  # [absolute path, stamp or None (no .gitignore read)]
    repositories: list[list[Any]]  # [absolute directory above the root, has a .git]
    links: list[list[Any]]  # [relative path, the target is a regular file]
    files: list[str]  # relative, "/"-separated, in discovery's order


def _cached_find(shown: str, root: Path, config: Config, location: CacheLocation) -> Discovery:
    """`find([shown], config)` where `shown` names the directory `root`."""
    real = str(root.resolve())
    key = _key(real, config)
    store = EntryFiles(walk_location(location))
    data = store.read(key)
    entry = _decode(data, key, real) if data is not None else None
    if entry is not None and _unchanged(entry):
        base = Path(shown)
        return Discovery(files=[base / relative for relative in entry.files])
    listing = Listing()
    started = time.time_ns()
    found = find([shown], config, listing=listing)
    if not found.errors and not found.notes and listing.complete:
        encoded = _encode(key, real, Path(shown), listing, found.files, started - RACY_NS)
        if encoded is not None:
            store.write(key, encoded)
    return found


def walk_location(location: CacheLocation) -> CacheLocation:
    """Beside the summaries' directory, not in it: that directory holds only summaries."""
    return CacheLocation(location.root, (*location.parts[:-1], f"walk-{location.parts[-1]}"))


def _key(real_root: str, config: Config) -> str:
    """What else a walk's result depends on: the excludes, and where they are anchored."""
    identity = [FORMAT, real_root, str(config.root), config.exclude, config.extend_exclude]
    text = json.dumps(identity, ensure_ascii=True)
    return hashlib.blake2b(text.encode("ascii"), digest_size=16).hexdigest()


# -- checking an entry -------------------------------------------------------------------------
def _stamp(info: os.stat_result) -> list[int]:
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_size]


class _Unknown(Exception):
    """A stat failed while checking an entry: it cannot be trusted."""


def _gitignore_stamp(path: str) -> list[int] | None:
    """As `Listing.gitignore` records it: None where discovery reads no .gitignore."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        raise _Unknown() from None
    return _stamp(info) if stat.S_ISREG(info.st_mode) else None


def _is_file(path: str) -> bool:
    """`DirEntry.is_file()` for a link: a missing target is False, other failures unknown."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False
    except OSError:
        raise _Unknown() from None


def _unchanged(entry: _Entry) -> bool:
    """Whether a walk now would find what the entry records: one stat per thing recorded."""
    root = entry.root
    prefix = os.path.join(root, "")  # "/" is a root too
    try:
        current: list[int] = []
        for relative in entry.directories:
            info = os.stat(f"{prefix}{relative}" if relative else root)
            current += (info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_size)
        if current != entry.stamps:
            return False
        for path, recorded in entry.gitignores:
            if _gitignore_stamp(path) != recorded:
                return False
        for directory, has_git in entry.repositories:
            if os.path.exists(os.path.join(directory, ".git")) != has_git:
                return False
        for relative, regular in entry.links:
            if _is_file(f"{prefix}{relative}") != regular:
                return False
    except (OSError, ValueError, _Unknown):  # ValueError: a NUL in a path, as a last defence
        return False
    return True


# -- the entry's bytes -------------------------------------------------------------------------
def _relative(path: str, top: str) -> str:
    """`path` (absolute, below or at `top`) relative to `top`, "/"-separated."""
    if path == top:
        return ""
    return path[len(os.path.join(top, "")) :].replace(os.sep, "/")


def _relative_files(files: list[Path], base: Path) -> list[str]:
    """The walk's files (each `base / ...`) relative to `base`, "/"-separated."""
    shown = str(base)
    prefix = "" if shown == "." else os.path.join(shown, "")  # Path(".") / "a" is "a"
    names = [str(file) for file in files]
    if not all(name.startswith(prefix) for name in names):  # not expected; exact either way
        return [file.relative_to(base).as_posix() for file in files]
    return [name[len(prefix) :].replace(os.sep, "/") for name in names]


def _encode(
    key: str, real: str, base: Path, listing: Listing, files: list[Path], racy_after: int
) -> bytes | None:
    """The entry for a walk of `real` shown as `base`; None when it is too recent to trust."""
    recorded = [info for _, info in listing.directories]
    recorded += [info for _, info in listing.gitignores if info is not None]
    if any(min(info.st_mtime_ns, info.st_ctime_ns) >= racy_after for info in recorded):
        return None
    entry = [
        _MAGIC,
        FORMAT,
        key,
        real,
        [_relative(path, real) for path, _ in listing.directories],
        [field for _, info in listing.directories for field in _stamp(info)],
        [[path, _stamp(info) if info is not None else None] for path, info in listing.gitignores],
        [[directory, has_git] for directory, has_git in listing.repositories],
        [[_relative(path, real), regular] for path, regular in listing.links],
        _relative_files(files, base),
    ]
    try:
        return json.dumps(entry, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    except (ValueError, RecursionError, MemoryError):
        return None


def _decode(data: bytes, key: str, real_root: str) -> _Entry | None:
    """The entry in `data`; None unless it is exactly an entry for `key` and `real_root`."""
    try:
        entry = json.loads(data)
    except (ValueError, RecursionError, MemoryError):  # UnicodeDecodeError is a ValueError
        return None
    if not (
        type(entry) is list
        and len(entry) == 10
        and entry[0] == _MAGIC
        and type(entry[1]) is int
        and entry[1] == FORMAT
        and entry[2] == key
        and entry[3] == real_root
        and all(type(part) is list for part in entry[4:])
    ):
        return None
    directories, stamps, gitignores, repositories, links, files = entry[4:]
    # Whole lists at once (`map(type, ...)`, one search of the joined paths): per-item Python
    # checks of a large project's entry cost more than the stats that validate it.
    valid = (
        directories[:1] == [""]
        and _all_of_type(directories, str)
        and _relative_paths(directories[1:])
        and len(stamps) == 5 * len(directories)
        and _all_of_type(stamps, int)
        and all(_is_gitignore_row(row) for row in gitignores)
        and all(_is_flag_row(row, absolute=True) for row in repositories)
        and all(_is_flag_row(row, absolute=False) for row in links)
        and _all_of_type(files, str)
        and all(file.endswith(PYTHON_SUFFIXES) for file in files)
        and _relative_paths(files)
    )
    if not valid:
        return None
    return _Entry(real_root, directories, stamps, gitignores, repositories, links, files)


def _all_of_type(items: list[Any], kind: type) -> bool:
    """`type(item) is kind` for each item: a bool is not an int here."""
    return set(map(type, items)) <= {kind}


def _is_gitignore_row(row: object) -> bool:
    return (
        type(row) is list
        and len(row) == 2
        and type(row[0]) is str
        and _is_absolute(row[0])
        and (
            row[1] is None
            or (type(row[1]) is list and len(row[1]) == 5 and _all_of_type(row[1], int))
        )
    )


def _is_flag_row(row: object, absolute: bool) -> bool:
    return (
        type(row) is list
        and len(row) == 2
        and type(row[0]) is str
        and (_is_absolute(row[0]) if absolute else _relative_paths([row[0]]))
        and type(row[1]) is bool
    )


def _is_absolute(path: str) -> bool:
    return os.path.isabs(path) and "\0" not in path


# Separators a recorded path may not hold besides "/" (Windows: a backslash, a drive's colon).
_FOREIGN = ("\\", ":") if os.name == "nt" else ()


def _relative_paths(paths: list[str]) -> bool:
    """Each path stays below the root it is joined to: no empty, `.` or `..` part."""
    # One string, every separator a NUL (no file name holds one): three substring searches
    # instead of a split per path.
    if not paths:
        return True
    joined = "\0".join(paths)
    if joined.count("\0") != len(paths) - 1:
        return False  # a NUL in a path: no file system has one, and os.stat rejects it
    joined = "\0" + joined.replace("/", "\0") + "\0"
    return not any(bad in joined for bad in ("\0\0", "\0.\0", "\0..\0", *_FOREIGN))
