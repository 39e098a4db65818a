"""The console script's entry point: `asynclint --version` answers before anything is imported.

`asynclint server ...` is the language server (`asynclint/server/`), as `ruff server` is
ruff's: only a first argument of exactly `server` means it. A file or directory named
`server` is linted as `asynclint ./server` (or `asynclint -- server`, or after any option).

Editors and pre-commit call `--version` to probe the tool; it should cost what starting Python
costs. Everything else goes to the command line interface (`cli.py`), which imports the checker
only when a file must be checked.
"""

from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--version"]:
        from asynclint import __version__

        sys.stdout.write(f"asynclint, version {__version__}\n")  # as click's version option
        return
    if arguments[:1] == ["server"]:
        from asynclint.server.__main__ import main as serve

        serve(arguments[1:])
        return
    from asynclint.cli import main as run

    run(arguments)
