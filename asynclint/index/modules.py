"""Which file is which module: the project root and its module map.

A file is registered under every name code may import it by: its package name (following
`__init__.py` files upward), its path from the project root, and its path from a `src/`
directory — so flat layouts, `src/` layouts and namespace packages all resolve.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

_ROOT_MARKERS = ("pyproject.toml", ".git", "setup.py", "setup.cfg")


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` that looks like a project's top."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if any((candidate / marker).exists() for marker in _ROOT_MARKERS):
            return candidate
    return directory


def package_name(path: Path) -> str:
    """`pkg.sub.mod` for pkg/sub/mod.py, walking up while `__init__.py` files exist."""
    resolved = path.resolve()
    parts = [] if resolved.stem == "__init__" else [resolved.stem]
    directory = resolved.parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) or resolved.stem


def _dotted(relative: Path) -> str | None:
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def module_map(root: Path, files: Iterable[Path]) -> dict[str, Path]:
    """Module names → files. A name two files claim is dropped: unknown beats wrong."""
    root = root.resolve()
    claims: dict[str, set[Path]] = {}
    for file in files:
        resolved = file.resolve()
        names = {package_name(resolved)}
        if resolved.is_relative_to(root):
            relative = resolved.relative_to(root)
            names.add(_dotted(relative) or "")
            if "src" in relative.parts[:-1]:
                names.add(_dotted(relative.relative_to(*relative.parts[: relative.parts.index("src") + 1])) or "")
        for name in names - {""}:
            claims.setdefault(name, set()).add(file)
    return {name: next(iter(paths)) for name, paths in claims.items() if len(paths) == 1}
