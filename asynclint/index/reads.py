"""What one file's check read of the project: each module it consulted, and that module's digest.

The result cache reuses a file's findings while every module its check consulted is unchanged.
So every fact the project index serves is charged to the check that asked for it — also a fact
memoised while an earlier file was checked in the same process: a memo keeps the reads it was
computed from and charges them again on every hit. Reading more than needed only costs a
re-check; reading less would serve stale findings, so where in doubt, a read is recorded.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Generic, Hashable, Iterator, TypeVar

from asynclint.index.cache import digest
from asynclint.index.modules import package_of

# The digest recorded for a project module whose file could not be read.
UNREADABLE = "!unreadable"

# module name -> the digest of its summary; None for a name the project does not have (a
# third-party import), UNREADABLE for a file that could not be read
ModuleReads = dict[str, "str | None"]


def module_digest(module: str, path: str | Path, text: str) -> str:
    """The digest a read records for `module`, the file at `path` holding `text`: its summary's
    key. The workers that record reads and the parent that checks them both call this."""
    return digest(text, module, package_of(module, path))

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Reads:
    """The recorder a project index charges its reads to; recording only inside `capture`."""

    def __init__(self) -> None:
        self.current: ModuleReads | None = None

    def note(self, module: str, digest: str | None) -> None:
        if self.current is not None:
            self.current[module] = digest

    def charge(self, reads: ModuleReads) -> None:
        """A memoised fact is served: the reads it was computed from are this check's reads."""
        if self.current is not None:
            self.current.update(reads)

    @contextmanager
    def capture(self) -> Iterator[ModuleReads]:
        """Record the reads of the block; they are charged to the enclosing capture too."""
        outer = self.begin()
        try:
            yield self.current  # type: ignore[misc]
        finally:
            self.end(outer)

    # `capture` without a generator: the hot paths (memo misses, each step of a blocking-chain
    # search) run tens of thousands of times on a large tree.
    def begin(self) -> ModuleReads | None:
        """Start recording a block; returns what `end` needs."""
        outer = self.current
        self.current = {}
        return outer

    def end(self, outer: ModuleReads | None) -> ModuleReads:
        """The block's reads, also charged to the enclosing recording."""
        inner = self.current if self.current is not None else {}
        self.current = outer
        if outer is not None:
            outer.update(inner)
        return inner


class Memo(Generic[K, V]):
    """A memo table whose entries remember the reads they were computed from."""

    def __init__(self, reads: Reads) -> None:
        self._reads = reads
        self._table: dict[K, tuple[V, ModuleReads]] = {}

    def get(self, key: K, compute: Callable[[], V]) -> V:
        hit = self._table.get(key)
        if hit is not None:
            self._reads.charge(hit[1])
            return hit[0]
        outer = self._reads.begin()
        try:
            value = compute()
        finally:
            reads = self._reads.end(outer)
        self._table[key] = (value, reads)
        return value

    def clear(self) -> None:
        self._table.clear()
