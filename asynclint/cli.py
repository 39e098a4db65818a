"""The `asynclint` command: options → Config → api → formatter → exit code.

Exit codes: 0 no findings, 1 findings (or files that could not be checked), 2 usage,
configuration or internal error. User mistakes get one line on stderr, never a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Sequence

import click

from asynclint import __version__, source
from asynclint.api import LintResult, lint_paths, lint_text
from asynclint.config import Config, ConfigError, find_config, load_config
from asynclint.discovery import MissingPath
from asynclint.findings import FileError, Finding
# The fixes' machinery (fixes/command.py, fixes/run.py) is imported where a fix option asks.
from asynclint.fixes.model import FixMode, fix_counts

if TYPE_CHECKING:
    from asynclint.fixes.run import Relint
from asynclint.formats import FORMATS, render
from asynclint.rules import ALL_RULES, RULES_BY_CODE

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class CommandError(click.ClickException):
    """A usage or configuration mistake: one line on stderr, exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"asynclint: error: {self.format_message()}", err=True)


def _codes(values: Sequence[str]) -> tuple[str, ...]:
    """`--select AL1,AL2 --select AL3` → ('AL1', 'AL2', 'AL3')."""
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _list_rules(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    width = max(len(rule.name) for rule in ALL_RULES)
    for rule in ALL_RULES:
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.summary}")
    ctx.exit(EXIT_CLEAN)


def _explain(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    rule = RULES_BY_CODE.get(value.strip().upper())
    if rule is None:
        raise CommandError(f"--explain: unknown rule code {value!r} (see --list-rules)")
    click.echo(rule.explain(), nl=False)
    ctx.exit(EXIT_CLEAN)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=str)
@click.option("--select", multiple=True, metavar="CODES", help="Only these codes or prefixes (e.g. AL1,AL201). Replaces the configured selection.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Codes or prefixes to leave out.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Codes or prefixes to add to the selection.")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="text", show_default=True, help="Output format.")
@click.option("--show-source", is_flag=True, help="Show the offending source line with a caret.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per code instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only: no summary line, no notes.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings or files that could not be checked.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Read settings from this TOML file instead of the nearest pyproject.toml.")
@click.option("--no-config", is_flag=True, help="Ignore configuration files; use the defaults.")
@click.option("--stdin-filename", metavar="PATH", help="Lint standard input, reporting it as PATH (for editors).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes that parse and check files (default: one per CPU).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the caches (module summaries, each file's findings).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR", help="Keep the caches in DIR/asynclint (default: $ASYNCLINT_CACHE_DIR, else the user cache directory).")
@click.option("--force-exclude", is_flag=True, help="Apply the excludes to files named on the command line too (for pre-commit).")
@click.option("--endpoints", is_flag=True, help="List every route and dependency of PATHS: where FastAPI runs it (event loop or threadpool) and its findings; exit 0.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes (with --unsafe-fixes, the unsafe ones too) and report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="Count unsafe fixes as fixable: mark and, with --fix, apply them.")
@click.option("--fixable", multiple=True, metavar="CODES", help="Only the fixes of these codes or prefixes may be applied. Replaces the configured `fixable`.")
@click.option("--unfixable", multiple=True, metavar="CODES", help="Codes or prefixes whose fixes are never applied.")
@click.option("--extend-fixable", multiple=True, metavar="CODES", help="Codes or prefixes to add to `fixable`.")
@click.option("--fix-only", is_flag=True, help="Apply the fixes (as --fix) and report nothing that is left.")
@click.option("--diff", is_flag=True, help="Write nothing: print the fixes as unified diffs; exit 1 when a fix would apply.")
@click.option("--show-fixes", is_flag=True, help="With --fix: list what was fixed, per file and code.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix: exit 1 when a fix was applied, even if nothing is left.")
@click.option("--compare-runtime", metavar="REPORT", help="Compare the findings of PATHS with the runtime check's REPORT (`pytest --asynclint-runtime-report REPORT`): found by both, static only, runtime only; exit 0.")
@click.option("--add-noqa", is_flag=True, help="Append `# noqa: CODE` to every line with a finding (merged into a noqa comment already there); exit 0.")
@click.option("--explain", metavar="CODE", callback=_explain, expose_value=False, is_eager=True, help="Explain a rule and exit.")
@click.option("--list-rules", is_flag=True, callback=_list_rules, expose_value=False, is_eager=True, help="List every rule and exit.")
@click.version_option(__version__, "--version", prog_name="asynclint")
def command(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    output_format: str,
    show_source: bool,
    statistics: bool,
    quiet: bool,
    exit_zero: bool,
    config_file: Path | None,
    no_config: bool,
    stdin_filename: str | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    force_exclude: bool,
    endpoints: bool,
    fix: bool,
    unsafe_fixes: bool,
    fixable: tuple[str, ...],
    unfixable: tuple[str, ...],
    extend_fixable: tuple[str, ...],
    fix_only: bool,
    diff: bool,
    show_fixes: bool,
    exit_non_zero_on_fix: bool,
    add_noqa: bool,
    compare_runtime: str | None,
) -> None:
    """Find async misuse (blocking calls on the event loop) in PATHS (default: .)."""
    mode = FixMode(fix, unsafe_fixes, fix_only, diff, show_fixes, exit_non_zero_on_fix)
    if add_noqa and (mode.active or stdin_filename is not None or endpoints):
        raise CommandError("--add-noqa edits PATHS: it cannot be used with --fix, --fix-only, "
                           "--diff, --stdin-filename or --endpoints")
    if endpoints and mode.active:
        raise CommandError("--endpoints cannot be used with --fix, --fix-only or --diff")
    if config_file is not None and no_config:
        raise CommandError("--config and --no-config cannot be used together")
    if endpoints and stdin_filename is not None:
        raise CommandError("--endpoints reads PATHS: it cannot be used with --stdin-filename")
    if endpoints and output_format not in ("text", "json"):
        raise CommandError("--endpoints prints --format text or json")
    if stdin_filename is not None and paths and paths != ("-",):
        raise CommandError("--stdin-filename reads standard input: give no PATHS")
    try:
        config = _load_config(
            config_file, no_config, stdin_filename or (paths[0] if paths else ".")
        ).with_cli(
            select=_codes(select) if select else None,
            ignore=_codes(ignore),
            extend_select=_codes(extend_select),
            fixable=_codes(fixable) if fixable else None,
            unfixable=_codes(unfixable),
            extend_fixable=_codes(extend_fixable),
        )
    except ConfigError as error:
        raise CommandError(str(error)) from None
    if endpoints:
        from asynclint import endpoint_map  # the checker: only where it is needed

        try:
            endpoint_map.run(
                paths or (".",), config, output_format, jobs, not no_cache, quiet, cache_dir
            )
        except MissingPath as missing:
            raise CommandError(f"path does not exist: {missing}") from None
        sys.exit(EXIT_CLEAN)
    if compare_runtime is not None:
        if output_format not in ("text", "json") or mode.active or stdin_filename is not None:
            raise CommandError("--compare-runtime prints --format text or json, of PATHS, without fixes")
        from asynclint.runtime import compare  # reads JSON; neither pytest nor blockbuster

        try:
            click.echo(compare.run(compare_runtime, paths or (".",), config, output_format,
                                   jobs=jobs, cache=not no_cache, cache_dir=cache_dir), nl=False)
        except compare.ReportError as error:
            raise CommandError(str(error)) from None
        sys.exit(EXIT_CLEAN)
    source_line = _SourceLines()
    # fixable/unfixable/extend-(un)safe-fixes: applied to every finding's fix once, after linting
    policy = config.fix_policy()

    def relint(path: str, text: str) -> Sequence[Finding]:  # a fixed text, in a worker
        return policy.apply(lint_text(text, path, config, not no_cache, cache_dir).findings)

    def lint() -> LintResult:
        try:
            result = lint_paths(
                paths or (".",),
                config,
                jobs,
                cache=not no_cache,
                force_exclude=force_exclude,
                cache_dir=cache_dir,
            )
        except MissingPath as missing:
            raise CommandError(f"path does not exist: {missing}") from None
        result.findings = policy.apply(result.findings)
        return result

    fixed = None
    if stdin_filename is not None:
        data = sys.stdin.buffer.read()
        result = _lint_stdin(data, stdin_filename, config, source_line, not no_cache, cache_dir)
        result.findings = policy.apply(result.findings)
        if mode.active:
            sys.exit(_fix_stdin(data, stdin_filename, result, mode, relint, exit_zero))
    else:
        result = lint()
        if add_noqa:
            from asynclint.fixes.command import add_noqa_paths

            _report_errors(result, quiet, paths)
            sys.exit(add_noqa_paths(result.findings))
        if mode.active:
            from asynclint.fixes.command import fix_paths

            if mode.diff or mode.fix_only:
                _report_errors(result, quiet, paths)
            run, code = fix_paths(result.findings, mode, relint, _rule_name)
            if code is not None:
                sys.exit(code)
            fixed = run.fixed()
            if run.changed:  # what is left, from the files as they are now
                result = lint()
            result.errors.extend(run.errors)
    _report(result, output_format, show_source, statistics, quiet, paths, source_line,
            mode.unsafe, fixed)
    failed = bool(result.findings or result.errors) or bool(mode.exit_non_zero_on_fix and fixed)
    sys.exit(EXIT_FINDINGS if failed and not exit_zero else EXIT_CLEAN)


def _rule_name(code: str) -> str:
    return RULES_BY_CODE[code].name if code in RULES_BY_CODE else code


def _fix_stdin(
    data: bytes, path: str, result: LintResult, mode: FixMode, relint: Relint, exit_zero: bool
) -> int:
    """Standard input with --fix/--diff: the fixed source (or diff) on stdout, what is left
    on stderr (as text), exit 1 when findings remain (--diff: when a fix would apply)."""
    from asynclint.fixes.command import fix_stdin

    for error in result.errors:
        click.echo(f"{error.path}: error: {error.message}", err=True)
    fixed, errors = fix_stdin(data, path, result.findings, mode, relint)
    for error in errors:
        click.echo(f"{error.path}: error: {error.message}", err=True)
    if fixed is None:
        return EXIT_ERROR
    if mode.diff:
        return EXIT_FINDINGS if fixed.changed and not exit_zero else EXIT_CLEAN
    left = list(relint(path, fixed.text)) if fixed.changed else list(result.findings)
    if not mode.fix_only and left:
        click.echo(render("text", left, unsafe_fixes=mode.unsafe), nl=False, err=True)
    failed = (bool(left) and not mode.fix_only) or bool(mode.exit_non_zero_on_fix and fixed.fixed)
    return EXIT_FINDINGS if failed and not exit_zero else EXIT_CLEAN


def _report_errors(result: LintResult, quiet: bool, paths: tuple[str, ...]) -> None:
    if not quiet:
        for note in result.notes:
            click.echo(note, err=True)
    for error in result.errors:
        click.echo(f"{error.path}: error: {error.message}", err=True)


def _load_config(config_file: Path | None, no_config: bool, first_path: str) -> Config:
    if no_config:
        return Config()
    if config_file is not None:
        if not os.path.isfile(config_file):  # a FIFO is not read (it would block)
            raise ConfigError(f"config file not found: {config_file}")
        return load_config(config_file)
    found = find_config(Path(first_path).absolute())
    return load_config(found) if found else Config()


def _lint_stdin(
    data: bytes,
    path: str,
    config: Config,
    source_line: _SourceLines,
    cache: bool,
    cache_dir: Path | None,
) -> LintResult:
    """Standard input decoded as Python decodes a file (coding cookie, BOM), reported as `path`."""
    try:
        text = source.decode(data)
    except source.SourceError as error:
        return LintResult(errors=[FileError(path, str(error))], files=1)
    source_line.texts[path] = text
    return lint_text(text, path, config, cache, cache_dir)


def _report(
    result: LintResult,
    output_format: str,
    show_source: bool,
    statistics: bool,
    quiet: bool,
    paths: tuple[str, ...],
    source_line: _SourceLines,
    unsafe_fixes: bool = False,
    fixed: int | None = None,
) -> None:
    _report_errors(result, quiet, paths)
    if result.files == 0 and not result.errors and not quiet:
        click.echo(f"note: no Python files found in {', '.join(paths) or '.'}", err=True)
    if statistics:
        click.echo(_statistics(result.findings), nl=False)
        return
    # None lets click decide: colour on a terminal, plain text into pipes and files.
    # NO_COLOR (https://no-color.org) turns it off even where colour was forced.
    color = False if os.environ.get("NO_COLOR") else None
    rendered = render(
        output_format,
        result.findings,
        color=color is None,
        show_source=show_source,
        source_line=source_line,
        unsafe_fixes=unsafe_fixes,
    )
    click.echo(rendered, nl=False, color=color)
    if not quiet and output_format == "text" and result.files:
        click.echo(_summary(result, fixed))
        fixable_line = _fixable_summary(result.findings, unsafe_fixes)
        if fixable_line:
            click.echo(fixable_line)


def _fixable_summary(findings: list[Finding], unsafe: bool) -> str:
    """"N fixable with `--fix` (M more with `--unsafe-fixes`)", when there are any."""
    safe, more = fix_counts(findings, unsafe)
    if not safe and not more:
        return ""
    return f"{safe} fixable with `--fix`" + (f" ({more} more with `--unsafe-fixes`)" if more else "") + "."


def _summary(result: LintResult, fixed: int | None = None) -> str:
    def count(number: int, noun: str) -> str:
        return f"{number} {noun}{'s' * (number != 1)}"

    unchecked = len({error.path for error in result.errors})
    if fixed and result.findings:
        files = len({finding.path for finding in result.findings})
        line = (f"Found {count(len(result.findings) + fixed, 'finding')} ({fixed} fixed, "
                f"{len(result.findings)} remaining in {count(files, 'file')}).")
    elif fixed and not unchecked:
        return f"Found {count(fixed, 'finding')} ({fixed} fixed, 0 remaining)."
    elif result.findings:
        files = len({finding.path for finding in result.findings})
        line = f"Found {count(len(result.findings), 'finding')} in {count(files, 'file')}."
    elif unchecked:
        line = "No findings in the files that could be checked."
    else:
        return f"All checks passed ({count(result.files, 'file')})."
    if unchecked:
        line += f" {count(unchecked, 'file')} could not be checked (see the errors above)."
    return line


def _statistics(findings: list[Finding]) -> str:
    counts = Counter(finding.code for finding in findings)
    return "".join(
        f"{count:>5}  {code}  {RULES_BY_CODE[code].name}\n"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


class _SourceLines:
    """`--show-source`: a reported file's line, read once per run (standard input from `texts`)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self._lines: dict[str, list[str]] = {}

    def __call__(self, path: str, line: int) -> str | None:
        if path not in self._lines:
            try:
                text = self.texts[path] if path in self.texts else source.read(path)
                self._lines[path] = source.split_lines(text)
            except source.SourceError:
                self._lines[path] = []
        lines = self._lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else None


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: turns unexpected exceptions into exit code 2, one line."""
    # Syntax trees are large and acyclic: the default collector thresholds make the cyclic GC
    # scan them over and over for nothing (about 13% of a run on Django). Workers inherit this.
    gc.set_threshold(50_000, 20, 20)
    try:
        command.main(args=argv, prog_name="asynclint", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as error:  # an asynclint bug, not a user error
        if os.environ.get("ASYNCLINT_DEBUG"):
            raise
        click.echo(
            f"asynclint: internal error: {type(error).__name__}: {error} "
            "(set ASYNCLINT_DEBUG=1 for a traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
