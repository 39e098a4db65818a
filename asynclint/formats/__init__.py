"""Output formats. Each module renders a sorted list of findings to one string."""

from __future__ import annotations

from typing import Callable, Sequence

from asynclint.findings import Finding
from asynclint.formats import concise, github, json_format, sarif, text

Renderer = Callable[..., str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "concise": concise.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}


def render(name: str, findings: Sequence[Finding], **options: object) -> str:
    return FORMATS[name](findings, **options)
