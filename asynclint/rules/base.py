"""What every rule is: a code, a kebab-case name, documentation in ruff's shape, and examples.

Detection is not spread over per-rule visitors: the checker walks each file once and asks the
rule for its message. The examples (`VALID`, `INVALID`) are run by the test suite; in INVALID
snippets every line that must be reported ends with `# expect: CODE`.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

# The message of the rules for calls that block the event loop (AL100-AL109, AL111).
BLOCKS = "{call} blocks the event loop in {where}{detail}"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    message: ClassVar[str]
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()
    # (source, the source after `--fix --unsafe-fixes`) for rules with a fix; the `# expect`
    # marks stay in the fixed source (they are comments) and say nothing there.
    FIXED: ClassVar[tuple[tuple[str, str], ...]] = ()
    # `extra-blocking-calls` the examples are checked with (for rules driven by configuration).
    EXAMPLE_EXTRA_CALLS: ClassVar[dict[str, str]] = {}

    @classmethod
    def explain(cls) -> str:
        """The text `--explain CODE` prints: heading and the docstring."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        return f"{cls.code} ({cls.name})\n\n{doc}\n"

    @classmethod
    def format_message(cls, **parts: str) -> str:
        return cls.message.format(**parts)
