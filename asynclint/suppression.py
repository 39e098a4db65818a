"""`# noqa` comments and the `# asynclint: skip-file` marker, flake8/ruff style.

`# noqa` alone silences every finding on its line; `# noqa: CODES` only the codes listed or
prefixed (`AL1`, `AL`). A list that names no asynclint code (`# noqa: E501`, `# noqa: B`)
belongs to another linter and silences nothing here.
"""

from __future__ import annotations

import re

_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?", re.IGNORECASE
)
_SKIP_FILE = re.compile(r"^[ \t]*#[ \t]*asynclint:[ \t]*skip-file\b", re.MULTILINE)


def skips_file(text: str) -> bool:
    return "asynclint" in text and _SKIP_FILE.search(text) is not None


def suppresses(line: str, code: str) -> bool:
    """True when `line` carries a bare `# noqa` or one naming `code` or a prefix of it."""
    if "noqa" not in line.lower():
        return False
    for match in _NOQA.finditer(line):
        codes = match.group("codes")
        if codes is None:
            return True
        if any(code.startswith(listed.upper()) for listed in re.split(r"[\s,]+", codes) if listed):
            return True
    return False
