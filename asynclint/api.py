"""The library entry points: lint paths or a text, with a Config, and get sorted findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pathspec

from asynclint.config import Config
from asynclint.discovery import discover, module_name, pattern_spec
from asynclint.engine import CheckOptions
from asynclint.findings import FileError, FileResult, Finding, sort_findings
from asynclint.runner import Task, default_jobs, run


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0


def check_options(config: Config) -> CheckOptions:
    return CheckOptions(
        extra_calls=config.extra_blocking_calls, extra_offload=config.offload_functions
    )


def lint_paths(paths: Iterable[str], config: Config, jobs: int | None = None) -> LintResult:
    """Lint files and directories. Raises discovery.MissingPath for a path that does not exist."""
    files = discover(paths, config)
    tasks = [Task(str(file), module_name(file)) for file in files]
    results = run(tasks, check_options(config), jobs or default_jobs())
    return _collect(results, config, len(files))


def lint_text(text: str, path: str, config: Config) -> LintResult:
    """Lint an editor buffer as if it were the file at `path` (in a worker, as files are)."""
    file = Path(path)
    module = module_name(file) if file.parent.exists() else None
    results = run([Task(path, module, text)], check_options(config), jobs=1)
    return _collect(results, config, 1)


def _collect(results: list[FileResult], config: Config, files: int) -> LintResult:
    enabled = config.enabled_codes()
    per_file = [
        (pattern_spec([pattern]), frozenset(codes))
        for pattern, codes in config.per_file_ignores.items()
    ]
    outcome = LintResult(files=files)
    for result in results:
        ignored = _per_file_ignored(result.path, config.root, per_file)
        outcome.findings.extend(
            finding
            for finding in result.findings
            if finding.code in enabled and not any(finding.code.startswith(c) for c in ignored)
        )
        outcome.errors.extend(result.errors)
    outcome.findings = sort_findings(outcome.findings)
    outcome.errors.sort(key=lambda error: error.path)
    return outcome


def _per_file_ignored(
    path: str, root: Path, rules: list[tuple[pathspec.PathSpec, frozenset[str]]]
) -> set[str]:
    if not rules:
        return set()
    resolved = Path(path).resolve()
    relative = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path
    ignored: set[str] = set()
    for spec, codes in rules:
        if spec.match_file(relative):
            ignored |= {code.upper() for code in codes}
    if "ALL" in ignored:
        ignored.add("AL")
    return ignored
