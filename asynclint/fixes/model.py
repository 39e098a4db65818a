"""A fix is a list of text edits plus an applicability (ruff's model and JSON shape).

`Finding.fix` holds the JSON form (a dict): findings cross process boundaries and the result
cache as plain data, and the JSON output shows it as is. `Fix.from_json` reads it back.
Rows and columns are 1-based, columns count characters of the decoded text (as findings do);
an edit's end is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping

if TYPE_CHECKING:
    from asynclint.findings import Finding

Applicability = Literal["safe", "unsafe", "display-only"]
SAFE: Applicability = "safe"
UNSAFE: Applicability = "unsafe"
DISPLAY_ONLY: Applicability = "display-only"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from (row, column) up to (end_row, end_column) by `content`."""

    row: int
    column: int
    end_row: int
    end_column: int
    content: str

    def to_json(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "location": {"row": self.row, "column": self.column},
            "end_location": {"row": self.end_row, "column": self.end_column},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Edit:
        start, end = data["location"], data["end_location"]
        return cls(start["row"], start["column"], end["row"], end["column"], data["content"])


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "message": self.message,
            "edits": [edit.to_json() for edit in self.edits],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fix:
        return cls(
            data["applicability"],
            data["message"],
            tuple(Edit.from_json(edit) for edit in data["edits"]),
        )

    def applies(self, unsafe: bool) -> bool:
        """Whether `--fix` applies it (`unsafe`: with `--unsafe-fixes`)."""
        if not self.edits:
            return False
        return self.applicability == SAFE or (unsafe and self.applicability == UNSAFE)


def fixable(fix: dict[str, Any] | None, unsafe: bool) -> bool:
    """Whether a finding's fix (its JSON form) is applied by `--fix` (with `--unsafe-fixes`
    when `unsafe`): the text output marks such findings `[*]`."""
    return fix is not None and Fix.from_json(fix).applies(unsafe)


@dataclass(frozen=True)
class FixMode:
    """What the fix options asked for (`--fix`, `--unsafe-fixes`, ...)."""

    fix: bool = False
    unsafe: bool = False
    fix_only: bool = False
    diff: bool = False
    show_fixes: bool = False
    exit_non_zero_on_fix: bool = False

    @property
    def active(self) -> bool:
        return self.fix or self.fix_only or self.diff


def fix_counts(findings: Iterable[Finding], unsafe: bool) -> tuple[int, int]:
    """(fixable with `--fix`, more with `--unsafe-fixes`) for the summary line."""
    safe = more = 0
    for finding in findings:
        if finding.fix is None:
            continue
        fix = Fix.from_json(finding.fix)
        if fix.applies(unsafe):
            safe += 1
        elif fix.applies(True):
            more += 1
    return safe, more


@dataclass(frozen=True)
class FixPolicy:
    """`fixable`, `unfixable`, `extend-safe-fixes`, `extend-unsafe-fixes` (ruff's settings),
    resolved to rule codes by config.py.

    `apply` rewrites the findings' fixes once, right after linting, so that everything after
    (`--fix`, the `[*]` marker, the counts, the JSON output) sees the same fixes: an unfixable
    code's fix is dropped (ruff drops it too: JSON `"fix": null`), and a fix's applicability
    is the effective one (display-only never changes).
    """

    fixable: frozenset[str] | None = None  # None: every code
    unfixable: frozenset[str] = frozenset()
    # code -> SAFE or UNSAFE, forced by extend-safe-fixes / extend-unsafe-fixes
    safety: Mapping[str, Applicability] = field(default_factory=dict)

    @property
    def is_default(self) -> bool:
        return self.fixable is None and not self.unfixable and not self.safety

    def allows(self, code: str) -> bool:
        return (self.fixable is None or code in self.fixable) and code not in self.unfixable

    def resolve(self, code: str, applicability: Applicability) -> Applicability:
        if applicability == DISPLAY_ONLY:
            return applicability
        return self.safety.get(code, applicability)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        if self.is_default:
            return list(findings)
        result = []
        for finding in findings:
            fix = finding.fix
            if fix is not None:
                if not self.allows(finding.code):
                    finding = replace(finding, fix=None)
                else:
                    effective = self.resolve(finding.code, fix["applicability"])
                    if effective != fix["applicability"]:
                        finding = replace(finding, fix={**fix, "applicability": effective})
            result.append(finding)
        return result
