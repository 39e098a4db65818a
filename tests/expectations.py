"""`# expect: AL101` markers, shared by the rule examples and the marked example apps."""

from __future__ import annotations

import re

_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>AL[0-9]+(?:\s*,\s*AL[0-9]+)*)")


def expected(text: str) -> list[tuple[int, str]]:
    """Sorted (line, code) pairs, one per code named on a line ending `# expect: ...`."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            found.extend((number, code.strip()) for code in match.group("codes").split(","))
    return sorted(found)
