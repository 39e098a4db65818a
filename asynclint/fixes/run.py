"""`--fix` and `--diff`: fixing each file's findings in rounds, checking what the fixes leave.

A file is fixed in memory: apply the fixes that do not overlap, re-lint the new text when some
had to wait, and again, up to MAX_ROUNDS (ruff's loop). The result is kept only if it parses;
otherwise the file is left as it was and the error says why. Writing (or printing a diff) is
the caller's choice, once per file, after the last round.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from asynclint import source
from asynclint.findings import FileError, Finding
from asynclint.fixes import files
from asynclint.fixes.apply import MAX_ROUNDS, apply_fixes, parses
from asynclint.fixes.model import Fix, fix_counts  # noqa: F401 - fix_counts: re-exported

# Re-lint one file's new text (as if it were the file at `path`): its findings.
Relint = Callable[[str, str], Sequence[Finding]]


@dataclass
class FixedFile:
    """What fixing one file produced: the new text (== the original's when nothing applied)
    and the number of findings fixed per code."""

    original: files.SourceFile
    text: str
    fixed: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return self.text != self.original.text

    def diff(self) -> str:
        """A unified diff of the file's text (line endings as in the file)."""
        return "".join(difflib.unified_diff(
            source.split_lines(self.original.text),
            source.split_lines(self.text),
            fromfile=self.original.path,
            tofile=self.original.path,
        ))


@dataclass
class FixRun:
    files: list[FixedFile] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    @property
    def changed(self) -> list[FixedFile]:
        return [file for file in self.files if file.changed]

    def fixed(self) -> int:
        return sum(sum(file.fixed.values()) for file in self.files)


def applicable(findings: Iterable[Finding], unsafe: bool) -> list[tuple[str, Fix]]:
    """(code, fix) of the findings whose fix `--fix` applies (`unsafe`: `--unsafe-fixes`)."""
    chosen = []
    for finding in findings:
        if finding.fix is not None:
            fix = Fix.from_json(finding.fix)
            if fix.applies(unsafe):
                chosen.append((finding.code, fix))
    return chosen


def fix_source(
    original: files.SourceFile, findings: Sequence[Finding], unsafe: bool, relint: Relint
) -> FixedFile:
    """Raises files.FixFileError when the fixed text would not parse (nothing is kept)."""
    result = FixedFile(original, original.text)
    checked_by_ast = parses(original.text)
    text = original.text
    for _round in range(MAX_ROUNDS):
        fixes = applicable(findings, unsafe)
        if not fixes:
            break
        codes = {id(fix): code for code, fix in fixes}
        try:
            applied = apply_fixes(text, [fix for _, fix in fixes])
        except ValueError as error:  # a stale position (the file changed since it was linted)
            raise files.FixFileError(f"not fixed: {error}") from None
        if not applied.applied:
            break
        if checked_by_ast and not parses(applied.text):
            raise files.FixFileError(
                "not fixed: the fixed file would not parse (please report this asynclint bug)"
            )
        text = applied.text
        result.fixed.update(codes[id(fix)] for fix in applied.applied)
        # re-lint after every round, as ruff does: a fix can make another one possible (the
        # `await` AL203 drops was a route's last: the route may now be declared `def`)
        findings = relint(original.path, text)
        if not checked_by_ast and any(finding.code == "AL001" for finding in findings):
            # newer grammar than this Python's: the worker's parsers are the judge
            raise files.FixFileError("not fixed: the fixed file would not parse")
    result.text = text
    return result


def fix_files(
    findings: Sequence[Finding], unsafe: bool, relint: Relint, write: bool
) -> FixRun:
    """Fix every file with an applicable fix; `write`: replace the changed files (atomically,
    same encoding and line endings), else leave them (`--diff`)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    run = FixRun()
    for path, found in sorted(by_path.items()):
        if not applicable(found, unsafe):
            continue
        try:
            original = files.read(path)
            fixed = fix_source(original, found, unsafe, relint)
            if write and fixed.changed:
                files.write_atomically(path, original.encode(fixed.text))
        except files.FixFileError as error:
            run.errors.append(FileError(path, str(error)))
            continue
        run.files.append(fixed)
    return run
