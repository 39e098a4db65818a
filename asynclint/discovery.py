"""From the paths on the command line to the Python files to lint.

Directories are walked with the configured excludes and every `.gitignore` on the way applied
(gitignore semantics through `pathspec`). A file named explicitly is linted even when an exclude
pattern would skip it in a walk, as ruff and flake8 do.

Bad input never stops a walk: an unreadable directory or `.gitignore` is an error for that path
(`Discovery.errors`), a `.gitignore` line pathspec cannot compile is skipped with a note, and
FIFOs, sockets and devices are skipped as git skips them (opening a FIFO blocks forever).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pathspec

from asynclint import source
from asynclint.config import Config
from asynclint.findings import FileError
from asynclint.patterns import lenient_spec, pattern_spec

PYTHON_SUFFIXES = (".py", ".pyi")
# Directories that never hold project source, skipped by name before any pattern matching
# (matching costs more than the rest of a walk): version-control metadata, which git and the
# others never treat as content, and bytecode caches, which hold only .pyc files. Unlike the
# default excludes (`config.DEFAULT_EXCLUDE`) this holds whatever `exclude` says, so it lists
# only directories whose .py files could never be the project's: not node_modules, .venv or
# build, which can hold Python (node-gyp ships gyp's) that a user who replaces `exclude` may
# want linted.
NEVER_SOURCE = frozenset({".git", ".hg", ".svn", ".bzr", "__pycache__"})


class MissingPath(Exception):
    """A path given on the command line does not exist."""


@dataclass
class Discovery:
    """The files a walk found, and what it could not read (errors) or skipped (notes)."""

    files: list[Path] = field(default_factory=list)
    # The files named on the command line (their syntax is checked even without async code).
    explicit: set[Path] = field(default_factory=set)
    errors: list[FileError] = field(default_factory=list)
    notes: dict[str, None] = field(default_factory=dict)  # ordered, without duplicates

    def cannot_read(self, shown: str, error: OSError) -> None:
        self.errors.append(FileError(shown, f"cannot read: {error.strerror or error}"))


@dataclass
class Listing:
    """What a directory walk's file list depends on, recorded for the walk cache
    (`walk_cache.py`) to check later with one stat each: every directory listed and every
    `.gitignore` consulted, each stat taken *before* it was read (so a change made while the
    walk ran shows as a different stat next time), every `.git` looked for above the walk, and
    every linked file (its target can go without its directory changing). Paths are absolute
    strings. `complete` is False when a stat failed: such a walk cannot be checked later."""

    directories: list[tuple[str, os.stat_result]] = field(default_factory=list)
    gitignores: list[tuple[str, os.stat_result | None]] = field(default_factory=list)  # None: none
    repositories: list[tuple[str, bool]] = field(default_factory=list)  # (directory, has .git)
    links: list[tuple[str, bool]] = field(default_factory=list)  # (link, target is a file)
    complete: bool = True

    def directory(self, path: str) -> None:
        try:
            self.directories.append((path, os.stat(path)))
        except OSError:
            self.complete = False  # the walk reports what it meets; this only stops caching

    def gitignore(self, path: str) -> None:
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self.gitignores.append((path, None))
            return
        except OSError:
            self.complete = False
            return
        self.gitignores.append((path, info if stat.S_ISREG(info.st_mode) else None))


@dataclass(frozen=True)
class _Ignore:
    base: Path
    spec: pathspec.PathSpec

    def matches(self, path: str, is_dir: bool) -> bool:
        """`path` is an absolute path string (string work: this runs for every entry)."""
        prefix = os.path.join(str(self.base), "")
        if not path.startswith(prefix):
            return False
        relative = path[len(prefix) :].replace(os.sep, "/")
        return self.spec.match_file(relative + "/" if is_dir else relative)


def _gitignore(
    directory: Path, shown: str, found: Discovery, listing: Listing | None = None
) -> _Ignore | None:
    """The `.gitignore` in `directory` (`shown` is how the user sees that directory)."""
    shown_file = str(Path(shown, ".gitignore"))
    if listing is not None:
        listing.gitignore(str(directory / ".gitignore"))
    try:
        data = source.read_regular(str(directory / ".gitignore"))
    except (FileNotFoundError, NotADirectoryError, source.NotRegularFile):
        return None
    except OSError as error:
        found.cannot_read(shown_file, error)
        return None
    spec, rejected = lenient_spec(data.decode("utf-8", errors="replace").splitlines())
    for bad in rejected:
        found.notes[f"{shown_file}:{bad.line}: note: invalid pattern skipped: {bad.pattern}"] = None
    return _Ignore(directory, spec)


def _ancestor_gitignores(
    directory: Path, found: Discovery, listing: Listing | None = None
) -> list[_Ignore]:
    """`.gitignore` files above the walk's start, up to the repository's top (none when the
    start is the top: a repository is not ignored by the directories it sits in)."""
    ignores: list[_Ignore] = []
    top = os.path.exists(directory / ".git")
    if listing is not None:
        listing.repositories.append((str(directory), top))
    if top:
        return ignores
    for ancestor in directory.parents:
        ignore = _gitignore(ancestor, _shown(ancestor), found, listing)
        if ignore is not None:
            ignores.append(ignore)
        top = os.path.exists(ancestor / ".git")
        if listing is not None:
            listing.repositories.append((str(ancestor), top))
        if top:
            break
    return ignores


def _shown(directory: Path) -> str:
    """A directory above the walk, relative to the working directory where that is shorter."""
    try:
        relative = os.path.relpath(directory)
    except ValueError:  # another drive (Windows)
        return str(directory)
    return relative if len(relative) < len(str(directory)) else str(directory)


def discover(paths: Iterable[str], config: Config, force_exclude: bool = False) -> list[Path]:
    """Python files under `paths`, sorted, without duplicates. Raises MissingPath.

    What cannot be read is left out silently (`find` says what it was)."""
    return find(paths, config, force_exclude).files


def find(
    paths: Iterable[str],
    config: Config,
    force_exclude: bool = False,
    listing: Listing | None = None,
) -> Discovery:
    """Python files under `paths`, sorted, without duplicates, and what could not be read.
    Raises MissingPath.

    `force_exclude` applies the excludes to files named explicitly too (pre-commit names every
    changed file, excluded or not). `listing`, for a walk of one directory, records what the
    result depends on (see `Listing`)."""
    exclude_spec = pattern_spec((*config.exclude, *config.extend_exclude))
    found = Discovery()
    files: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise MissingPath(raw) from None
        except OSError as error:  # a directory on the way cannot be searched
            found.cannot_read(raw, error)
            continue
        if stat.S_ISDIR(mode):
            start = path.resolve()
            # Patterns are anchored at the config's directory; a tree outside it at its own top.
            anchor = config.root if start.is_relative_to(config.root) else start
            ignores = [_Ignore(anchor, exclude_spec), *_ancestor_gitignores(start, found, listing)]
            for file in _walk(path, start, ignores, found, listing):
                files.setdefault(file, None)
        elif force_exclude and _excluded_file(path, config.root, exclude_spec):
            continue
        elif not stat.S_ISREG(mode):
            found.errors.append(FileError(raw, "not a regular file"))
        else:
            files.setdefault(path, None)
            found.explicit.add(path)
    found.files = sorted(files, key=lambda p: p.as_posix())
    return found


def _excluded_file(path: Path, root: Path, spec: pathspec.PathSpec) -> bool:
    """An explicitly named file matched by an exclude pattern, itself or a directory above it."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        return False
    parts = resolved.relative_to(root).parts
    return any(
        spec.match_file("/".join(parts[: index + 1]) + ("" if index == len(parts) - 1 else "/"))
        for index in range(len(parts))
    )


def _walk(
    shown: Path,
    real: Path,
    ignores: list[_Ignore],
    found: Discovery,
    listing: Listing | None = None,
) -> Iterator[Path]:
    """Yield files under `shown` (the path as the user wrote it); `real` is its resolved form.

    Iterative (a stack, not recursion): a deep tree is no RecursionError. The caller sorts."""
    stack = [(shown, real, ignores)]
    while stack:
        shown, real, ignores = stack.pop()
        if listing is not None:
            listing.directory(str(real))
        try:
            with os.scandir(real) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            found.cannot_read(str(shown), error)
            continue
        # Opened only when listed: most directories have none, and a failed open per directory
        # costs more than this scan. (`lower`: a case-insensitive file system opens .GITIGNORE.)
        if any(entry.name.lower() == ".gitignore" for entry in entries):
            own = _gitignore(real, str(shown), found, listing)
            if own is not None:
                ignores = [*ignores, own]
        for entry in entries:
            try:
                # Symlinked directories are not walked; a linked file is linted.
                is_dir = entry.is_dir(follow_symlinks=False)
                if is_dir and entry.name in NEVER_SOURCE:
                    continue
                if not is_dir and not entry.name.endswith(PYTHON_SUFFIXES):
                    continue  # cheaper than matching it against the ignore patterns
                if not is_dir:
                    regular = entry.is_file()
                    if listing is not None and entry.is_symlink():
                        listing.links.append((entry.path, regular))
                    if not regular:
                        continue  # a FIFO, socket or device (git skips them), or a dangling link
            except OSError as error:
                found.cannot_read(str(shown / entry.name), error)
                continue
            if any(ignore.matches(entry.path, is_dir) for ignore in ignores):
                continue
            if is_dir:
                stack.append((shown / entry.name, Path(entry.path), ignores))
            else:
                yield shown / entry.name
