"""Findings of unchanged files, reused: the per-file result cache.

An entry is keyed by what a check's findings depend on besides the project's modules: the file's
path as reported, its module name, whether it was named explicitly, the working directory
(messages show paths relative to it), asynclint's code (the version directory) and the check
options (extra blocking calls, offload functions). It holds the digest of the file's text, the
reads of its check (`index/reads.py`: every module consulted, with its digest) and its findings
before selection, per-file ignores and noqa of other codes are applied (those are applied on
every run, so changing `select` reuses the entry).

An entry is reused while the text and every module read still have the recorded digests: a
helper changed in another module, a session factory changed, a module added where an import
found none — each re-checks exactly the files whose checks consulted it. A warm run reads and
hashes files; it starts no worker and parses nothing.

Entries live beside the module summaries (`index/cache.py`: outside the checked tree, plain JSON
validated on load, atomic writes); a file whose check reported an error is never cached.
Stale entries are pruned by age (a used entry is kept fresh), at most once a day.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from asynclint import source
from asynclint.findings import FileResult, Finding
from asynclint.index.cache import CacheLocation, EntryCache
from asynclint.index.codec import Codec
from asynclint.index.reads import UNREADABLE, ModuleReads, module_digest
from asynclint.options import CheckOptions

_MAGIC = "asynclint-result"
_RESULTS = "results"
_PRUNE_MARKER = ".last-prune"
_DAY = 24 * 60 * 60
PRUNE_INTERVAL = _DAY
MAX_AGE = 7 * _DAY  # an entry (or another asynclint's directory) unused this long is removed


@dataclass(frozen=True)
class CachedResult:
    content: str  # digest of the file's text, as a module summary's (index/cache.digest)
    reads: dict[str, str | None]
    findings: list[Finding]


_CODEC = Codec(CachedResult)


def options_digest(options: CheckOptions) -> str:
    """The check options' part of an entry's key (the module map is checked through reads)."""
    identity = repr((sorted(options.extra_calls.items()), sorted(options.extra_offload)))
    return hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class ResultCache:
    """The parent process's view: look up a file before it is sent to a worker, store after."""

    def __init__(
        self, location: CacheLocation, modules: Mapping[str, Path], options: CheckOptions
    ) -> None:
        self._location = location
        self._entries = EntryCache(
            CacheLocation(location.root, (*location.parts, _RESULTS)), _CODEC, _MAGIC
        )
        self._modules = modules
        self._options = options_digest(options)
        self._cwd = os.getcwd()
        self._current: dict[str, str | None] = {}  # module -> digest on disk now (this run)
        self._pending: dict[str, tuple[str, str]] = {}  # path -> (key, content digest)

    def lookup(self, path: str, module: str, explicit: bool, text: str) -> FileResult | None:
        """The cached result of this file, if its text and every module its check read are
        unchanged; otherwise None, and the file's key is kept for `store`."""
        # Being named explicitly changes the check of a file without async code only (its
        # syntax is checked): pre-commit's runs share the entries of whole-tree runs.
        key = self._key(path, module, explicit and "async" not in text)
        content = module_digest(module, path, text)
        if str(self._modules.get(module)) == path:
            self._current[module] = content  # what other files' reads of this module compare to
        entry = self._entries.get(key)
        if entry is not None and entry.content == content and self._unchanged(entry.reads, module, content):
            self._entries.touch(key, MAX_AGE / 7)
            return FileResult(path, findings=list(entry.findings), reads=entry.reads)
        self._pending[path] = (key, content)
        return None

    def store(self, result: FileResult) -> None:
        """Keep a fresh result (not one with errors: those are checked again every run)."""
        pending = self._pending.pop(result.path, None)
        if pending is None or result.errors or result.reads is None:
            return
        key, content = pending
        self._entries.put(key, CachedResult(content, result.reads, list(result.findings)))

    def _key(self, path: str, module: str, explicit: bool) -> str:
        identity = json.dumps([path, module, explicit, self._cwd, self._options])
        return hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def _unchanged(self, reads: ModuleReads, own: str, content: str) -> bool:
        """Every module read has its recorded digest now. The file's own module is its text
        (its name may be one the map drops, claimed by two files: the check still read it)."""
        return all(
            (content if module == own else self._digest_now(module)) == recorded
            for module, recorded in reads.items()
        )

    def _digest_now(self, module: str) -> str | None:
        """The digest `Project.summary` would record for `module` now (index/project.py)."""
        if module in self._current:
            return self._current[module]
        path = self._modules.get(module)
        if path is None:
            now = None
        else:
            try:
                now = module_digest(module, path, source.read(str(path)))
            except source.SourceError:
                now = UNREADABLE
        self._current[module] = now
        return now

    def prune(self, now: float | None = None) -> None:
        """At most once a day: remove entries and other asynclint versions' directories of this
        project that no run used for MAX_AGE. Never follows a symlink; errors only cost space."""
        now = time.time() if now is None else now
        version = self._location.directory
        marker = version / _PRUNE_MARKER
        try:
            if now - os.lstat(marker).st_mtime < PRUNE_INTERVAL:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        if not self._entries.usable():
            return
        try:
            marker.touch()
        except OSError:
            return
        for directory in (version, version / _RESULTS):
            _remove_old_files(directory, now - MAX_AGE)
        _remove_old_versions(version, now - MAX_AGE)


def _remove_old_files(directory: Path, cutoff: float) -> None:
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name in (_PRUNE_MARKER, "CACHEDIR.TAG"):
                    continue
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    os.unlink(entry.path)
    except OSError:
        pass


def _remove_old_versions(version: Path, cutoff: float) -> None:
    """Sibling `v<version>-<code>` (and `walk-v...`) directories whose last prune (or
    creation) is older than `cutoff`: left by an asynclint no longer run on this project."""
    current = {version.name, f"walk-{version.name}"}  # the walk cache's (walk_cache.py)
    try:
        with os.scandir(version.parent) as entries:
            siblings = [entry for entry in entries if entry.name not in current]
        for entry in siblings:
            if not entry.name.startswith(("v", "walk-v")) or not entry.is_dir(follow_symlinks=False):
                continue
            marker = Path(entry.path, _PRUNE_MARKER)
            try:
                used = os.lstat(marker).st_mtime
            except FileNotFoundError:
                used = entry.stat(follow_symlinks=False).st_mtime
            if used < cutoff:
                shutil.rmtree(entry.path, ignore_errors=True)
    except OSError:
        pass
