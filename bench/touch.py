"""Modifying one corpus file for the ``touched`` case, and always putting it back.

The original bytes and times go to a journal in the download cache *before* the file is
changed, and the file is restored from it on the way out (an exception, Ctrl-C, or SIGTERM /
SIGHUP, which ``bench/run.py`` turns into ``SystemExit``). If the process is killed outright
(SIGKILL, power loss), the journal stays behind and the next ``bench/run.py`` restores the file
before anything else (``restore_interrupted``).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOUCH_LINE = b"# touched by bench\n"
_JOURNAL = "touched.json"
_BACKUP = "touched.orig"
_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class RestoreError(RuntimeError):
    """A touched file could not be put back: the journal is kept for the next run."""


@contextmanager
def touched(path: Path, journal_dir: Path) -> Iterator[None]:
    """``path`` with ``TOUCH_LINE`` appended, for the duration of the ``with`` block."""
    original = path.read_bytes()
    stat = path.stat()
    journal_dir.mkdir(parents=True, exist_ok=True)
    if (journal_dir / _JOURNAL).exists():
        raise RestoreError(f"{journal_dir / _JOURNAL} exists: restore_interrupted() first")
    (journal_dir / _BACKUP).write_bytes(original)
    record = {
        "path": str(path.resolve()),
        "sha256": hashlib.sha256(original).hexdigest(),
        "atime_ns": stat.st_atime_ns,
        "mtime_ns": stat.st_mtime_ns,
    }
    (journal_dir / _JOURNAL).write_text(json.dumps(record), encoding="utf-8")
    try:
        newline = b"\n" if original and not original.endswith(b"\n") else b""
        with path.open("ab") as f:
            f.write(newline + TOUCH_LINE)
        yield
    finally:
        _restore(journal_dir)


def restore_interrupted(journal_dir: Path) -> Path | None:
    """Put back a file an earlier run left touched; the file's path, or None if none was."""
    if not (journal_dir / _JOURNAL).exists():
        return None
    return _restore(journal_dir)


def _restore(journal_dir: Path) -> Path:
    # Ctrl-C or SIGTERM in the middle of the write must not leave half a file: hold them
    # until the file is back (they are delivered when the mask is lifted).
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        record = json.loads((journal_dir / _JOURNAL).read_text(encoding="utf-8"))
        path = Path(record["path"])
        original = (journal_dir / _BACKUP).read_bytes()
        if hashlib.sha256(original).hexdigest() != record["sha256"]:
            raise RestoreError(f"{journal_dir / _BACKUP} does not match its journal")
        path.write_bytes(original)
        os.utime(path, ns=(record["atime_ns"], record["mtime_ns"]))
        if hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]:
            raise RestoreError(f"{path} still differs from its original after restoring")
        (journal_dir / _JOURNAL).unlink()
        (journal_dir / _BACKUP).unlink()
        return path
    except (OSError, ValueError, KeyError) as error:
        raise RestoreError(
            f"could not restore the touched file ({error}); the journal in {journal_dir}"
            " is kept and the next bench/run.py retries"
        ) from error
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
