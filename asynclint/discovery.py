"""From the paths on the command line to the Python files to lint.

Directories are walked with the configured excludes and every `.gitignore` on the way applied
(gitignore semantics through `pathspec`). A file named explicitly is linted even when an exclude
pattern would skip it in a walk, as ruff and flake8 do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pathspec

from asynclint.config import Config

PYTHON_SUFFIXES = (".py", ".pyi")


class MissingPath(Exception):
    """A path given on the command line does not exist."""


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


def pattern_spec(patterns: Iterable[str]) -> pathspec.PathSpec:
    """Patterns with `.gitignore` semantics (excludes, per-file-ignores use them too)."""
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _gitignore(directory: Path) -> _Ignore | None:
    file = directory / ".gitignore"
    if not file.is_file():
        return None
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _Ignore(directory, pattern_spec(lines))


def _ancestor_gitignores(directory: Path) -> list[_Ignore]:
    """`.gitignore` files above the walk's start, up to the repository's top."""
    found = []
    for ancestor in directory.parents:
        ignore = _gitignore(ancestor)
        if ignore is not None:
            found.append(ignore)
        if (ancestor / ".git").exists():
            break
    return found


def discover(paths: Iterable[str], config: Config, force_exclude: bool = False) -> list[Path]:
    """Python files under `paths`, sorted, without duplicates. Raises MissingPath.

    `force_exclude` applies the excludes to files named explicitly too (pre-commit names every
    changed file, excluded or not)."""
    exclude_spec = pattern_spec((*config.exclude, *config.extend_exclude))
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise MissingPath(raw)
        if path.is_dir():
            start = path.resolve()
            # Patterns are anchored at the config's directory; a tree outside it at its own top.
            anchor = config.root if start.is_relative_to(config.root) else start
            ignores = [_Ignore(anchor, exclude_spec), *_ancestor_gitignores(start)]
            for file in _walk(path, start, ignores):
                found.setdefault(file, None)
        elif not (force_exclude and _excluded_file(path, config.root, exclude_spec)):
            found.setdefault(path, None)
    return sorted(found, key=lambda p: p.as_posix())


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


def _walk(shown: Path, real: Path, ignores: list[_Ignore]) -> Iterator[Path]:
    """Yield files under `shown` (the path as the user wrote it); `real` is its resolved form."""
    own = _gitignore(real)
    if own is not None:
        ignores = [*ignores, own]
    try:
        entries = sorted(os.scandir(real), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if not is_dir and not entry.name.endswith(PYTHON_SUFFIXES):
            continue  # cheaper than matching it against the ignore patterns
        if any(ignore.matches(entry.path, is_dir) for ignore in ignores):
            continue
        if is_dir:
            if not entry.is_symlink():
                yield from _walk(shown / entry.name, Path(entry.path), ignores)
        else:
            yield shown / entry.name
