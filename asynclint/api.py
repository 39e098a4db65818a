"""The library entry points: lint paths or a text, with a Config, and get sorted findings.

The checker (and libcst) is imported only when a file must be checked: a warm run whose files
are all in the result cache, or a tree without async code, never loads it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

import pathspec

from asynclint.config import Config
from asynclint import source
from asynclint.findings import FileError, FileResult, Finding, sort_findings
from asynclint.index.cache import cache_location
from asynclint.index.modules import ModuleMap, find_root
from asynclint.options import CheckOptions
from asynclint.patterns import pattern_spec
from asynclint.result_cache import ResultCache
from asynclint.tasks import Task, default_jobs
from asynclint.walk_cache import find_cached, project_files


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    # Lines for stderr that are not errors (an invalid .gitignore pattern skipped); not with -q.
    notes: list[str] = field(default_factory=list)


def check_options(
    config: Config,
    modules: ModuleMap | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> CheckOptions:
    """`cache_dir` holds asynclint's cache (default: ASYNCLINT_CACHE_DIR or the user's cache
    directory). It is an argument, never configuration: `[tool.asynclint]` is part of the
    checked tree, and a cache the tree can point at is a cache a pull request can plant."""
    location = None
    if modules is not None and cache:
        location = cache_location(Path(modules.root), cache_dir)
    return CheckOptions(
        extra_calls=config.extra_blocking_calls,
        extra_offload=config.offload_functions,
        modules=modules.modules if modules is not None else {},
        cache=location,
    )


def project_modules(
    start: Path, config: Config, cache: bool = False, cache_dir: Path | None = None
) -> ModuleMap:
    """The module map of the project holding `start` (found by pyproject.toml / .git); `cache`:
    its file list from the walk cache (`walk_cache.py`)."""
    root = find_root(start)
    location = cache_location(root, cache_dir) if cache else None
    return ModuleMap(root, project_files(root, config, location))


def lint_paths(
    paths: Iterable[str],
    config: Config,
    jobs: int | None = None,
    cache: bool = True,
    force_exclude: bool = False,
    cache_dir: Path | None = None,
) -> LintResult:
    """Lint files and directories with the whole project's facts; report only these paths.

    Raises discovery.MissingPath for a path that does not exist."""
    paths = list(paths)
    found = find_cached(paths, config, force_exclude, cache, cache_dir)
    files = found.files
    outcome = LintResult(errors=found.errors, notes=list(found.notes))
    if not files:
        return outcome
    root = find_root(Path(paths[0]))
    # Linting the project's top: the files found are the project's files, no second walk.
    # Otherwise the walk for facts says nothing: what it cannot read is not what was asked
    # about (pre-commit names a few files; ruff too reports only those).
    whole = len(paths) == 1 and Path(paths[0]).resolve() == root
    location = cache_location(root, cache_dir) if cache else None
    modules = ModuleMap(root, files if whole else project_files(root, config, location))
    options = check_options(config, modules, cache, cache_dir)
    reuse = (
        ResultCache(options.cache, modules.modules, options) if options.cache is not None else None
    )
    results: list[FileResult] = []
    tasks = []
    # The pre-scan (and the result cache) run here: a file without async code, or one whose
    # findings are cached, never costs a round trip to a worker.
    for file in files:
        task = Task(str(file), modules.name_of(file), explicit=file in found.explicit)
        verdict = _prescan(task, reuse)
        if isinstance(verdict, FileResult):
            results.append(verdict)
        elif verdict:
            tasks.append(task)
    if tasks:
        from asynclint.runner import run  # imports the checker and libcst

        for result in run(tasks, options, jobs or default_jobs()):
            if reuse is not None:
                reuse.store(result)
            results.append(result)
    if reuse is not None:
        reuse.prune()
    return _collect(results, config, len(files), outcome)


def _prescan(task: Task, reuse: ResultCache | None) -> FileResult | bool:
    """Whether a file needs a worker's check (True) or can hold no finding (False) — cheap:
    bytes only — or, from the result cache, what its check found last time."""
    try:
        data = source.read_bytes(task.path)
    except source.SourceError:
        return True  # the check reports why it cannot be read
    if not task.explicit and not source.may_hold_findings_bytes(data) and b"\x00" not in data:
        return False
    if reuse is None or task.module is None:
        return True
    try:
        text = source.decode(data)
    except source.SourceError:
        return True
    return reuse.lookup(task.path, task.module, task.explicit, text) or True


def lint_text(
    text: str,
    path: str,
    config: Config,
    cache: bool = True,
    cache_dir: Path | None = None,
    texts: Mapping[str, str] | None = None,
) -> LintResult:
    """Lint an editor buffer as if it were the file at `path` (in a worker, as files are).

    `texts` (path -> text) stand for other files of the project: an editor's other unsaved
    buffers, whose facts then come from the buffer, not the disk."""
    file = Path(path)
    modules = (
        project_modules(file.absolute(), config, cache, cache_dir)
        if os.path.isdir(file.parent)
        else None
    )
    module = modules.name_of(file) if modules is not None else None
    task = Task(path, module, text, explicit=True)
    from asynclint.runner import run  # imports the checker and libcst

    options = check_options(config, modules, cache, cache_dir)
    if texts:
        options = replace(options, texts=dict(texts))
    results = run([task], options, jobs=1)
    return _collect(results, config, 1)


def select_findings(results: list[FileResult], config: Config) -> list[Finding]:
    """The findings of checked files that the configuration reports (selection, per-file
    ignores), sorted: what a lint run shows of them."""
    return _collect(results, config, len(results)).findings


def _collect(
    results: list[FileResult], config: Config, files: int, outcome: LintResult | None = None
) -> LintResult:
    enabled = config.enabled_codes()
    per_file = [
        (pattern_spec([pattern]), frozenset(codes))
        for pattern, codes in config.per_file_ignores.items()
    ]
    outcome = outcome if outcome is not None else LintResult()
    outcome.files = files
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


def per_file_ignored(path: str, config: Config) -> set[str]:
    """The codes (and prefixes) `per-file-ignores` ignores in `path`: for findings made
    elsewhere, the runtime check's."""
    rules = [(pattern_spec([pattern]), frozenset(codes)) for pattern, codes in config.per_file_ignores.items()]
    return _per_file_ignored(path, config.root, rules)
