"""The per-run settings the check needs in every worker: plain data, cheap to import."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:  # the catalog is the checker's; a warm run never loads it
    from asynclint.catalog import Blocking
    from asynclint.index.cache import CacheLocation


@dataclass(frozen=True)
class CheckOptions:
    """Per-run settings the checker needs; plain data so it crosses process boundaries."""

    extra_calls: Mapping[str, Blocking] = field(default_factory=dict)
    extra_offload: frozenset[str] = frozenset()
    # The project's modules (dotted name -> file), so facts from other files are found.
    modules: Mapping[str, Path] = field(default_factory=dict)
    cache: CacheLocation | None = None  # None: no summary cache (`--no-cache`, no project)
    # Texts that stand for files on disk (absolute path -> text: an editor's unsaved buffers).
    texts: Mapping[str, str] = field(default_factory=dict)
