"""The values a lint run produces: findings (the public JSON schema) and per-file errors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One reported problem. Field names and meaning are the stable JSON schema."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    suggestion: str
    function: str | None = None
    endpoint: str | None = None
    fix: dict[str, Any] | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked (unreadable, undecodable, binary, parser crash)."""

    path: str
    message: str


@dataclass
class FileResult:
    """What checking one file produced; crosses the worker-process boundary (picklable)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    # The project modules the check consulted, with their digests (index/reads.py); None when
    # not known (a crash), so the result is not cached.
    reads: dict[str, str | None] | None = None


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)
