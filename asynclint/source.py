"""Turning a file's bytes into text the way Python itself would (PEP 263), or saying why not."""

from __future__ import annotations

import codecs
import io
import re
import tokenize

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class SourceError(Exception):
    """The file cannot be read as Python source; the message is one line for the user."""


def _first_two_lines(data: bytes) -> bytes:
    end = data.find(b"\n")
    if end != -1:
        end = data.find(b"\n", end + 1)
    return data if end == -1 else data[:end]


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise SourceError("binary file (contains NUL bytes), skipped")
    if not data.startswith(codecs.BOM_UTF8) and b"coding" not in _first_two_lines(data):
        try:  # no BOM, no cookie: UTF-8 (the common case, without the tokenizer's detour)
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass  # the slow path below words the error
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


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def read(path: str) -> str:
    return decode(read_bytes(path))


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split only where Python's tokenizer ends a line."""
    return _LINES.findall(text)
