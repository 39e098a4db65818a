"""What `--fix`, `--diff`, `--fix-only` and `--add-noqa` do for the command line, kept out of
the click command (cli.py), which only parses options and calls these.

ruff's semantics: `--fix` applies safe fixes, `--unsafe-fixes` unsafe ones too; what is left
is reported from a fresh lint of the fixed files; `--diff` writes nothing, prints the diffs and
exits 1 when a fix would apply; `--fix-only` reports nothing left. Exit: 0 nothing left, 1
findings remain (or a fix applied with `--exit-non-zero-on-fix`), 2 error.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Callable, Sequence

import click

from asynclint.findings import FileError, Finding
from asynclint.fixes import files
from asynclint.fixes.model import FixMode
from asynclint.fixes.noqa import add_noqa
from asynclint.fixes.run import FixedFile, FixRun, Relint, fix_files, fix_source

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def show_fixes(run: FixRun, names: Callable[[str], str]) -> str:
    """`--show-fixes`: what was fixed, per file and code (ruff's enumeration)."""
    if not run.fixed():
        return ""
    out = [f"Fixed {_plural(run.fixed(), 'finding')}:"]
    for file in run.files:
        if file.fixed:
            out.append(f"- {file.original.path}:")
            for code, count in sorted(file.fixed.items()):
                out.append(f"    {count} × {code} ({names(code)})")
    return "\n".join(out) + "\n"


def fix_paths(
    findings: Sequence[Finding], mode: FixMode, relint: Relint, names: Callable[[str], str]
) -> tuple[FixRun, int | None]:
    """Fix (or diff) the files of `findings`. Returns the run and, for `--diff` and
    `--fix-only`, the exit code (nothing else is reported); None: report what is left."""
    run = fix_files(findings, mode.unsafe, relint, write=not mode.diff)
    if mode.diff or mode.fix_only:  # else they are reported with what is left
        for error in run.errors:
            click.echo(f"{error.path}: error: {error.message}", err=True)
    if mode.diff:
        for file in run.changed:
            click.echo(file.diff(), nl=False)
        count = run.fixed()
        click.echo(f"Would fix {_plural(count, 'finding')}." if count else "No fixes to apply.", err=True)
        return run, EXIT_FINDINGS if count or run.errors else EXIT_CLEAN
    if mode.show_fixes:
        click.echo(show_fixes(run, names), nl=False)
    if mode.fix_only:
        click.echo(f"Fixed {_plural(run.fixed(), 'finding')}.", err=True)
        failed = run.errors or (mode.exit_non_zero_on_fix and run.fixed())
        return run, EXIT_FINDINGS if failed else EXIT_CLEAN
    return run, None


def fix_stdin(
    data: bytes, path: str, findings: Sequence[Finding], mode: FixMode, relint: Relint
) -> tuple[FixedFile | None, list[FileError]]:
    """Standard input with `--fix` (editors): the fixed source goes to stdout, in the input's
    encoding, byte for byte outside the edits; with `--diff`, the diff. The caller reports the
    findings left on stderr."""
    try:
        original = files.from_bytes(path, data)
        fixed = fix_source(original, findings, mode.unsafe, relint)
        output = original.encode(fixed.text)
    except files.FixFileError as error:
        sys.stdout.buffer.write(data)  # an editor replaces its buffer with stdout: keep it
        sys.stdout.flush()
        return None, [FileError(path, str(error))]
    if mode.diff:
        click.echo(fixed.diff(), nl=False)
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
    return fixed, []


def add_noqa_paths(findings: Sequence[Finding]) -> int:
    """`--add-noqa`: the comments written into the files; exit 0 unless a file failed."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    added = Counter[str]()
    failed = False
    for path, found in sorted(by_path.items()):
        try:
            original = files.read(path)
            result = add_noqa(original.text, found)
            if result.text != original.text:
                files.write_atomically(path, original.encode(result.text))
        except files.FixFileError as error:
            click.echo(f"{path}: error: {error}", err=True)
            failed = True
            continue
        added["added"] += result.added
        added["skipped"] += result.skipped
    click.echo(f"Added {_plural(added['added'], 'noqa directive')}.", err=True)
    if added["skipped"]:
        click.echo(
            f"note: {_plural(added['skipped'], 'finding')} left without one: the line ends "
            "inside a string or with a backslash, where a comment cannot go",
            err=True,
        )
    return EXIT_ERROR if failed else EXIT_CLEAN
