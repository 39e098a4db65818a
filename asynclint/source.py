"""Turning a file's bytes into text the way Python itself would (PEP 263), or saying why not."""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import tokenize

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class SourceError(Exception):
    """The file cannot be read as Python source; the message is one line for the user."""


class NotRegularFile(OSError):
    """A FIFO, socket or device: opening it can block forever (or have effects), reading it
    may never end. Git skips them too."""

    def __init__(self) -> None:
        super().__init__("not a regular file")


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
        encoding, cookie_line = _declared_encoding(data)
    except SyntaxError as error:  # unknown or conflicting coding cookie
        raise SourceError(f"cannot read: {error.msg if hasattr(error, 'msg') else error}") from None
    if encoding not in ("utf-8", "utf-8-sig") and not _reads_back(cookie_line, encoding):
        # `# coding: utf-16` on the (ASCII) cookie line itself: decoded, the file is garbage.
        # CPython refuses it the same way (`python file.py`: "encoding problem: utf-16").
        raise SourceError(f"cannot read: encoding problem: {encoding}")
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


def _declared_encoding(data: bytes) -> tuple[str, bytes]:
    """The encoding PEP 263 gives `data` (BOM, cookie or UTF-8) and the line that named it, as
    ASCII. Raises SyntaxError. tokenize.detect_encoding wants the cookie line in UTF-8; CPython
    does not (`# coding: latin-1 (été)` in latin-1), so it is shown the bytes non-ASCII masked."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    head = _first_two_lines(data[len(bom) :])
    masked = bom + bytes(byte if byte < 0x80 else 0x3F for byte in head)
    encoding, lines = tokenize.detect_encoding(io.BytesIO(masked).readline)
    return encoding, lines[-1] if lines else b""


def _reads_back(ascii_line: bytes, encoding: str) -> bool:
    """Does the line naming the encoding decode, in that encoding, to itself? True for the
    ASCII-compatible encodings, the only ones Python accepts in a cookie (not utf-16, utf-32
    or EBCDIC)."""
    try:
        return ascii_line.decode(encoding) == ascii_line.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def read_regular(path: str) -> bytes:
    """A regular file's bytes. Raises NotRegularFile without opening anything else (a FIFO
    blocks `open` until a writer comes, a device may never end), OSError otherwise."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile()
    # Non-blocking, and checked again once open: the path may have been replaced meanwhile.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with open(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile()
        return handle.read()


# A file that contains none of these can hold no finding (the pre-scans of the parent process
# and of the engine): async code, or a sync engine whose pool AL401 weighs.
CHECKED_MARKERS = ("async", "create_engine")


def may_hold_findings(text: str) -> bool:
    return any(marker in text for marker in CHECKED_MARKERS)


def may_hold_findings_bytes(data: bytes) -> bool:
    return any(marker.encode() in data for marker in CHECKED_MARKERS)


def read_bytes(path: str) -> bytes:
    try:
        return read_regular(path)
    except NotRegularFile as error:
        raise SourceError(str(error)) from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def read(path: str) -> str:
    return decode(read_bytes(path))


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split only where Python's tokenizer ends a line."""
    return _LINES.findall(text)
