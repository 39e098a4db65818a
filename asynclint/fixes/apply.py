"""Applying fixes to a text: the fixes whose edits do not overlap, the rest for the next round.

ruff's rule: a fix is applied whole or not at all; one that overlaps an applied fix waits for
the next round (re-lint, re-fix), when its finding, if still there, has fresh positions. Edits
identical to one already applied (the same `import asyncio` of two sleeps) are applied once.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from typing import Sequence

from asynclint import source
from asynclint.fixes.model import Edit, Fix

# ruff stops after 100 rounds; two of asynclint's fixes never touch the same range twice.
MAX_ROUNDS = 10


@dataclass
class Applied:
    text: str
    applied: list[Fix] = field(default_factory=list)
    deferred: list[Fix] = field(default_factory=list)


class _Offsets:
    """(row, column), 1-based, to an offset into the text."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        for line in source.split_lines(text):
            self.starts.append(self.starts[-1] + len(line))
        self.size = len(text)

    def __call__(self, row: int, column: int) -> int:
        if not 1 <= row <= len(self.starts):
            raise ValueError(f"edit row {row} outside the file")
        offset = self.starts[row - 1] + column - 1
        if offset > self.size or column < 1:
            raise ValueError(f"edit column {column} outside line {row}")
        return offset


def _overlaps(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    start, end = span
    for other_start, other_end in taken:
        if start < other_end and other_start < end:
            return True
        if start == other_start:  # two edits at one point: their order would be a guess
            return True
    return False


def apply_fixes(text: str, fixes: Sequence[Fix]) -> Applied:
    """`text` with every fix applied that overlaps no fix applied before it (in the order of
    their first edits); the others are `deferred`."""
    offsets = _Offsets(text)
    result = Applied(text)
    chosen: dict[Edit, tuple[int, int]] = {}
    for fix in sorted(fixes, key=lambda fix: min(fix.edits)):
        spans = {}
        for edit in fix.edits:
            if edit in chosen:
                continue
            spans[edit] = (offsets(edit.row, edit.column), offsets(edit.end_row, edit.end_column))
        own = list(spans.values())
        if any(
            _overlaps(span, list(chosen.values()) + own[:index] + own[index + 1 :])
            for index, span in enumerate(own)
        ):
            result.deferred.append(fix)
            continue
        chosen.update(spans)
        result.applied.append(fix)
    pieces = []
    position = len(text)
    for edit, (start, end) in sorted(chosen.items(), key=lambda item: item[1], reverse=True):
        pieces.append(text[end:position])
        pieces.append(edit.content)
        position = start
    pieces.append(text[:position])
    result.text = "".join(reversed(pieces))
    return result


def parses(text: str) -> bool:
    """Whether Python's own parser accepts `text` (the gate for a fixed file whose original it
    accepted; files in newer grammar are checked by a re-lint in a worker instead)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's `"\d"` is not ours to report
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
