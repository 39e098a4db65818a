"""Patterns with `.gitignore` semantics (through `pathspec`), and the lines it cannot compile.

git accepts lines pathspec rejects: a trailing backslash (`\\`, `a\\`: git matches nothing), an
escaped slash (`a\\/b`: git reads `a/b`), a lone `!`, a reversed range (`[z-a]`). A bad line in a
`.gitignore` costs only that line (`lenient_spec`); in the configuration it is an error, found
when the configuration is loaded (`invalid_patterns`).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Iterable, Sequence

import pathspec

# pathspec's own GitIgnorePatternError is a ValueError; a pattern it translates into a regular
# expression `re` rejects (a reversed range) raises re.error.
_REJECTED = (ValueError, re.error)


@dataclass(frozen=True)
class Rejected:
    """A pattern pathspec cannot compile; `line` is 1-based."""

    line: int
    pattern: str


def pattern_spec(patterns: Iterable[str]) -> pathspec.PathSpec:
    """Patterns with `.gitignore` semantics (excludes, per-file-ignores use them too).

    Raises ValueError or re.error for a pattern pathspec cannot compile (see `invalid_patterns`)."""
    with warnings.catch_warnings():
        # `re` warns about the user's pattern (`[[]`: "possible nested set"); not our output.
        warnings.simplefilter("ignore")
        return pathspec.GitIgnoreSpec.from_lines(list(patterns))


def invalid_patterns(patterns: Sequence[str]) -> list[Rejected]:
    """The patterns `pattern_spec` would reject, each with its 1-based position."""
    try:
        pattern_spec(patterns)
        return []  # the common case: one compilation, no per-line work
    except _REJECTED:
        pass
    rejected = []
    for number, pattern in enumerate(patterns, start=1):
        try:
            pattern_spec([pattern])
        except _REJECTED:
            rejected.append(Rejected(number, pattern))
    return rejected


def lenient_spec(lines: Sequence[str]) -> tuple[pathspec.PathSpec, list[Rejected]]:
    """The spec of the lines pathspec accepts, and the lines it skipped."""
    try:
        return pattern_spec(lines), []
    except _REJECTED:
        pass
    rejected = invalid_patterns(lines)
    skipped = {item.line for item in rejected}
    kept = [line for number, line in enumerate(lines, start=1) if number not in skipped]
    return pattern_spec(kept), rejected
