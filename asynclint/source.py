"""Turning a file's bytes into text the way Python itself would (PEP 263), or saying why not."""

from __future__ import annotations

import io
import re
import tokenize

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class SourceError(Exception):
    """The file cannot be read as Python source; the message is one line for the user."""


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise SourceError("binary file (contains NUL bytes), skipped")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # unknown or conflicting coding cookie
        raise SourceError(f"cannot read: {error.msg if hasattr(error, 'msg') else error}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        raise SourceError(
            f"cannot decode as {encoding}: {error.reason} "
            f"(byte 0x{data[error.start]:02x} at line {line}, column {column})"
        ) from None
    except LookupError as error:
        raise SourceError(f"cannot decode as {encoding}: {error}") from None


def read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    return decode(data)


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split only where Python's tokenizer ends a line."""
    return _LINES.findall(text)
