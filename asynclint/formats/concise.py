"""`--format concise`: `path:line:col: CODE message`, one line per finding and nothing else.

For editors and `grep`: every line matches the errorformat `%f:%l:%c: %m` (Vim, Neovim's
efm, Emacs' `compile`, VS Code problem matchers), with no help lines or summary to skip.
"""

from __future__ import annotations

from typing import Sequence

from asynclint.findings import Finding


def render(findings: Sequence[Finding], **_: object) -> str:
    return "".join(
        f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n"
        for finding in findings
    )
