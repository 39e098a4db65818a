"""Which file is which module: the project root and its module map.

A file is registered under every name code may import it by: its package name (following
`__init__.py` files upward), its path from the project root, and its path from a `src/`
directory — so flat layouts, `src/` layouts and namespace packages all resolve.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

_ROOT_MARKERS = ("pyproject.toml", ".git", "setup.py", "setup.cfg")


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` that looks like a project's top."""
    start = start.resolve()
    # os.path rather than Path methods: an unreadable directory on the way is "no", not a
    # PermissionError.
    directory = start if os.path.isdir(start) else start.parent
    for candidate in (directory, *directory.parents):
        if any(os.path.exists(candidate / marker) for marker in _ROOT_MARKERS):
            return candidate
    return directory


def package_name(path: Path, packages: set[str] | None = None) -> str:
    """`pkg.sub.mod` for pkg/sub/mod.py, walking up while the directory is a package.

    `packages` (absolute directories holding an `__init__.py`) saves the file-system checks
    when the project's file list is known."""
    return _package_name(os.path.abspath(path), packages)


def _package_name(absolute: str, packages: set[str] | None) -> str:
    directory, filename = os.path.split(absolute)
    stem = filename.rpartition(".")[0] or filename
    parts = [] if stem == "__init__" else [stem]
    while (
        directory in packages
        if packages is not None
        else os.path.isfile(os.path.join(directory, "__init__.py"))
    ):
        directory, name = os.path.split(directory)
        parts.insert(0, name)
    return ".".join(parts) or stem


def package_of(module: str, path: str | Path) -> str | None:
    """What relative imports in `module` are relative to: itself for a package's __init__."""
    if os.path.basename(path) == "__init__.py":
        return module
    return module.rpartition(".")[0] or None


def _dotted(parts: list[str]) -> str | None:
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


class ModuleMap:
    """Module names → files for a project, and each file's own (package) name."""

    def __init__(self, root: Path, files: Iterable[Path]) -> None:
        self.root = os.path.abspath(root)
        # normcase: Windows compares paths ignoring case, as relpath does.
        self._prefix = os.path.normcase(os.path.join(self.root, ""))
        files = list(files)
        # One getcwd for the whole map, not one per file (os.path.abspath asks every time).
        cwd = os.getcwd()
        absolutes = [os.path.normpath(os.path.join(cwd, file)) for file in files]
        self.packages = {
            os.path.dirname(absolute)
            for file, absolute in zip(files, absolutes)
            if file.name == "__init__.py"
        }
        claims: dict[str, set[Path]] = {}
        self._own: dict[Path, str] = {}  # each file's package name (asked once per file again)
        self._package_of_directory: dict[str, str] = {}  # a directory's dotted package, or ""
        for file, absolute in zip(files, absolutes):
            for name in self._names(file, absolute):
                claims.setdefault(name, set()).add(file)
        # A name two files claim is dropped: unknown beats wrong.
        self.modules = {name: next(iter(paths)) for name, paths in claims.items() if len(paths) == 1}

    def _names(self, file: Path, absolute: str) -> set[str]:
        directory, filename = os.path.split(absolute)
        stem = filename.rpartition(".")[0] or filename
        package = self._directory_package(directory)
        own = package if stem == "__init__" and package else f"{package}.{stem}" if package else stem
        names = {own}
        if os.path.normcase(absolute).startswith(self._prefix):
            self._own[file] = own
            relative = absolute[len(self._prefix) :]
            parts = relative.removesuffix(".py").removesuffix(".pyi").split(os.sep)
            names.add(_dotted(parts) or "")
            if "src" in parts[:-1]:
                names.add(_dotted(parts[parts.index("src") + 1 :]) or "")
        return names - {""}

    def _directory_package(self, directory: str) -> str:
        """`_package_name` for a directory, memoised: the files of one directory (and of its
        subdirectories) share the walk up through the packages above them."""
        known = self._package_of_directory.get(directory)
        if known is not None:
            return known
        if directory in self.packages:
            parent, name = os.path.split(directory)
            above = self._directory_package(parent) if parent != directory else ""
            known = f"{above}.{name}" if above else name
        else:
            known = ""
        self._package_of_directory[directory] = known
        return known

    def name_of(self, file: Path) -> str:
        own = self._own.get(file)
        if own is not None:
            return own
        return package_name(file, self.packages if self._inside(file) else None)

    def _inside(self, file: Path) -> bool:
        return not os.path.relpath(os.path.abspath(file), self.root).startswith("..")


def module_map(root: Path, files: Iterable[Path]) -> dict[str, Path]:
    return ModuleMap(root, files).modules
