"""`asynclint server [--tcp PORT] [--host HOST]`: the language server, on standard input and
output (what editors start) or on a TCP port. Needs the `lsp` extra."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

MISSING_EXTRA = (
    "asynclint server: the language server needs the 'lsp' extra: "
    "pip install 'asynclint[lsp]' (pygls and lsprotocol)"
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="asynclint server",
        description="asynclint's language server: diagnostics as you type, quick fixes, fix-all.",
    )
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (default)")
    parser.add_argument("--tcp", type=int, metavar="PORT", help="listen on a TCP port instead")
    parser.add_argument("--host", default="127.0.0.1", help="with --tcp (default: 127.0.0.1)")
    arguments = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        from asynclint.server.app import build
    except ImportError as error:
        if error.name and error.name.split(".")[0] in ("pygls", "lsprotocol", "cattrs", "attrs"):
            sys.stderr.write(MISSING_EXTRA + "\n")
            sys.exit(2)
        raise
    server = build()
    try:
        if arguments.tcp is not None:
            server.start_tcp(arguments.host, arguments.tcp)
        else:
            server.start_io()
    except OSError as error:  # the port is taken, or not ours to listen on
        sys.stderr.write(f"asynclint server: cannot listen on {arguments.host}:{arguments.tcp}: "
                         f"{error.strerror or error}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
