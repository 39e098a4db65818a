"""`asynclint --compare-runtime REPORT PATHS`: static and runtime findings side by side.

REPORT is what `pytest --asynclint-runtime-report REPORT` wrote. Three groups:

* **both** — a static finding the tests also saw block;
* **static only** — with the reason it was not seen: misuse that does not block (it raises or
  misbehaves: AL108, AL2xx but AL201, AL3xx), a thread primitive that did not wait, or code the
  tests did not run (a coverage hint);
* **runtime only** — blocking the static check did not report. A callee the catalog does not
  know is printed as ready-to-paste `extra-blocking-calls` TOML.

Matching: a runtime finding matches a static one with the same code, file and line; failing
that, the same code, file and function (`with open(p) as f: f.read()` is one static finding,
at the open, and at run time the open and the read; a sync session's later queries; a call
spread over lines). Paths are compared resolved, both relative to the working directory: run
pytest and asynclint from the same directory.

Imports neither blockbuster nor the plugin: it reads JSON.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from asynclint.api import lint_paths
from asynclint.catalog import CALLS, METHODS
from asynclint.config import Config
from asynclint.discovery import MissingPath
from asynclint.findings import Finding
from asynclint.rules.base import BLOCKED

# What the runtime message names as the blocking call: `requests.get()`, or the last step of an
# AL110 chain (`→ legacy.client.fetch() (app/helpers.py:12)`).
_CALLEE = re.compile(r"^(?P<call>[\w.<>]+)\(\)" + re.escape(BLOCKED.split("{call}")[1].split("{function}")[0]))
_CHAIN_END = re.compile(r"→ (?P<call>[\w.<>]+)\(\) \([^()]*:\d+\)(?:, in [^\[]*)? \[runtime\]$")
_FIELDS = frozenset(Finding.__dataclass_fields__)

_NOT_BLOCKING = (
    "does not block: the misuse raises or misbehaves (nothing for the runtime check to see; "
    "the runtime tests show its failure instead)"
)
_REASONS = {
    "AL106": "a thread primitive is seen at run time only when it waits (another thread holds it); "
    "`with lock:` enters the lock through a C slot that cannot be patched",
    "AL111": "opt-in rule: the runtime check reports it only when it is selected",
    "AL001": "a syntax error: the file never runs",
}
_NOT_RUN = "not seen at run time: the tests did not run this call (a coverage hint)"


class ReportError(Exception):
    """The runtime report cannot be read, or a path does not exist: one line (exit 2)."""


@dataclass
class Comparison:
    both: list[tuple[Finding, list[Finding]]] = field(default_factory=list)
    static_only: list[tuple[Finding, str]] = field(default_factory=list)
    runtime_only: list[Finding] = field(default_factory=list)


def load_report(path: str) -> list[Finding]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise ReportError(f"--compare-runtime: cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise ReportError(f"--compare-runtime: {path}: not JSON: {error}") from None
    if not isinstance(data, list) or not all(
        isinstance(item, dict) and _FIELDS <= set(item) for item in data
    ):
        raise ReportError(f"--compare-runtime: {path}: not an asynclint JSON report (an array of findings)")
    try:
        return [Finding(**{key: item[key] for key in _FIELDS}) for item in data]
    except TypeError as error:
        raise ReportError(f"--compare-runtime: {path}: not an asynclint JSON report: {error}") from None


def compare(static: Sequence[Finding], runtime: Sequence[Finding]) -> Comparison:
    result = Comparison()
    by_line: dict[tuple[str, str, int], Finding] = {}
    by_function: dict[tuple[str, str, str | None], Finding] = {}
    for finding in static:
        by_line.setdefault((finding.code, _key(finding.path), finding.line), finding)
        by_function.setdefault((finding.code, _key(finding.path), finding.function), finding)
    seen: dict[int, list[Finding]] = {}
    for finding in runtime:
        match = by_line.get((finding.code, _key(finding.path), finding.line))
        if match is None and finding.function is not None:
            match = by_function.get((finding.code, _key(finding.path), finding.function))
        if match is None:
            result.runtime_only.append(finding)
        else:
            seen.setdefault(id(match), []).append(finding)
    for finding in static:
        if id(finding) in seen:
            result.both.append((finding, seen[id(finding)]))
        else:
            result.static_only.append((finding, reason(finding.code)))
    return result


def reason(code: str) -> str:
    if code in _REASONS:
        return _REASONS[code]
    if (code.startswith(("AL2", "AL3")) and code != "AL201") or code == "AL108":
        return _NOT_BLOCKING
    return _NOT_RUN


def callee(finding: Finding) -> str | None:
    """The blocking callable a runtime finding names (the end of an AL110 chain)."""
    found = _CHAIN_END.search(finding.message) if finding.code == "AL110" else None
    found = found or _CALLEE.match(finding.message)
    return found.group("call") if found else None


def candidates(runtime_only: Sequence[Finding]) -> dict[str, Finding]:
    """Callees of runtime-only findings the catalog does not know, for `extra-blocking-calls`."""
    found: dict[str, Finding] = {}
    for finding in runtime_only:
        name = callee(finding)
        if name is None or "<" in name or "." not in name:
            continue
        if name in CALLS or name in METHODS or f"builtins.{name}" in CALLS:
            continue
        found.setdefault(name, finding)
    return found


def run(report: str, paths: Sequence[str], config: Config, output_format: str, **lint: Any) -> str:
    """The comparison of `report`'s findings with the static findings of `paths`, rendered
    (`text` or `json`); `lint` are `lint_paths`' options (jobs, cache, cache_dir)."""
    runtime = load_report(report)
    try:
        static = lint_paths(paths, config, **lint).findings
    except MissingPath as missing:
        raise ReportError(f"path does not exist: {missing}") from None
    result = compare(static, runtime)
    return render_json(result) if output_format == "json" else render_text(result)


def render_text(result: Comparison) -> str:
    out = [
        "Static and runtime findings, matched by code, file and line (or code, file and function).",
        "",
        f"Found by both ({len(result.both)}):",
    ]
    for finding, seen in result.both:
        out.append(f"  {_line(finding)}")
        others = sorted({f"{item.line}" for item in seen if item.line != finding.line}, key=int)
        if others:
            out.append(f"      also at run time on line {', '.join(others)}")
    out += ["", f"Static only ({len(result.static_only)}):"]
    for finding, why in result.static_only:
        out += [f"  {_line(finding)}", f"      why: {why}"]
    out += ["", f"Runtime only ({len(result.runtime_only)}): blocking the static check did not report"]
    out += [f"  {_line(finding)}" for finding in result.runtime_only]
    extra = candidates(result.runtime_only)
    if extra:
        out += ["", "Candidates for extra-blocking-calls (review, then paste into pyproject.toml):", ""]
        out.append("[tool.asynclint.extra-blocking-calls]")
        for name, finding in sorted(extra.items()):
            code = finding.code if finding.code != "AL110" else "AL100"
            out.append(f'{json.dumps(name)} = {{ code = "{code}", suggestion = "offload it: '
                       f'`{{offload}}({{func_args}})`" }}  # {finding.path}:{finding.line}')
    return "\n".join(out) + "\n"


def render_json(result: Comparison) -> str:
    data: dict[str, Any] = {
        "both": [{"static": f.to_json(), "runtime": [r.to_json() for r in seen]} for f, seen in result.both],
        "static_only": [{**f.to_json(), "reason": why} for f, why in result.static_only],
        "runtime_only": [f.to_json() for f in result.runtime_only],
        "extra_blocking_calls": sorted(candidates(result.runtime_only)),
    }
    return json.dumps(data, indent=2) + "\n"


def _line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"


def _key(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))
