"""`--format concise`: `path:line:col: CODE message`, one line per finding and nothing else.

For editors and `grep`: every line matches the errorformat `%f:%l:%c: %m` (Vim, Neovim's
efm, Emacs' `compile`, VS Code problem matchers), with no help lines or summary to skip.
A finding `--fix` can fix carries ruff's `[*]` after its code, as in the text format.
"""

from __future__ import annotations

from typing import Sequence

from asynclint.findings import Finding
from asynclint.fixes.model import fixable


def render(findings: Sequence[Finding], *, unsafe_fixes: bool = False, **_: object) -> str:
    return "".join(
        f"{finding.path}:{finding.line}:{finding.column}: {finding.code}"
        f"{' [*]' if fixable(finding.fix, unsafe_fixes) else ''} {finding.message}\n"
        for finding in findings
    )
