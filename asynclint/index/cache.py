"""On-disk cache of module summaries, keyed by content hash (like ruff's `.ruff_cache`).

Each entry is its own file written atomically, so worker processes can fill the cache at the
same time. A corrupt or stale entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from asynclint import __version__
from asynclint.index.summary import ModuleSummary

CACHE_DIR_NAME = ".asynclint_cache"


def digest(text: str, module: str) -> str:
    """The identity of a summary: the module's name and its exact text."""
    return hashlib.blake2b(f"{module}\0{text}".encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _code_digest() -> str:
    """Identifies this asynclint's code: a summary pickled by other code is never read back."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class SummaryCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / f"v{__version__}-{_code_digest()}"
        self._ready = False

    def get(self, key: str) -> ModuleSummary | None:
        try:
            with open(self.directory / key, "rb") as handle:
                summary = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        return summary if isinstance(summary, ModuleSummary) else None

    def put(self, key: str, summary: ModuleSummary) -> None:
        try:
            self._prepare()
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(summary, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.directory / key)
        except (OSError, pickle.PicklingError, RecursionError):
            pass  # a cache that cannot be written only costs time

    def _prepare(self) -> None:
        if self._ready:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by asynclint: the cache is not meant for version control.\n*\n")
        self._ready = True
