"""Reading a file to fix and writing it back: the same encoding (PEP 263 cookie, BOM), the same
bytes outside the edits, atomically (a temporary file beside it, then `os.replace`), with its
permissions."""

from __future__ import annotations

import codecs
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass

from asynclint import source


class FixFileError(Exception):
    """The file cannot be fixed; the message is one line for the user."""


@dataclass(frozen=True)
class SourceFile:
    path: str
    data: bytes
    text: str
    encoding: str  # "utf-8-sig" for a file with a BOM: encoding writes the BOM back

    def encode(self, text: str) -> bytes:
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError as error:  # a fix inserted what the declared encoding lacks
            raise FixFileError(f"the fixed text cannot be encoded as {self.encoding}: {error.reason}") from None


def encoding_of(data: bytes) -> str:
    """The encoding Python reads `data` in (BOM, coding cookie, else UTF-8), as source.decode
    does: the cookie line with non-ASCII bytes masked, since CPython accepts them there."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    end = data.find(b"\n")
    end = data.find(b"\n", end + 1) if end != -1 else -1
    head = data if end == -1 else data[:end]
    masked = bytes(byte if byte < 0x80 else 0x3F for byte in head)
    encoding, _ = tokenize.detect_encoding(io.BytesIO(masked).readline)
    return encoding


def from_bytes(path: str, data: bytes) -> SourceFile:
    """Raises FixFileError when the text would not encode back to the same bytes (then no edit
    could keep the rest of the file as it was)."""
    try:
        text = source.decode(data)
        encoding = encoding_of(data)
    except (source.SourceError, SyntaxError) as error:
        raise FixFileError(str(error)) from None
    try:
        same = text.encode(encoding) == data
    except (UnicodeEncodeError, LookupError):
        same = False
    if not same:
        raise FixFileError(f"not fixed: {encoding} does not write this file back byte for byte")
    return SourceFile(path, data, text, encoding)


def read(path: str) -> SourceFile:
    try:
        return from_bytes(path, source.read_bytes(path))
    except source.SourceError as error:
        raise FixFileError(str(error)) from None


def write_atomically(path: str, data: bytes) -> None:
    """Replace `path` by `data` in one step: a reader (or a crash) sees the old file or the new
    one, never half of it. The temporary file is in the same directory (os.replace cannot cross
    file systems) and gets the original's permission bits."""
    path = os.path.realpath(path)  # a symlink stays a symlink: its target is rewritten
    directory = os.path.dirname(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(path)}.", suffix=".asynclint-fix", dir=directory
        )
    except OSError as error:
        raise FixFileError(f"cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise FixFileError(f"cannot write: {error.strerror or error}") from None
