"""`[tool.asynclint]` in pyproject.toml: finding it, validating it, merging the command line.

Every mistake is a `ConfigError` with one line naming the file and the key: unknown keys and
unknown rule codes are errors, not silently ignored (a typo in `ignore` must not pass CI).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from asynclint.catalog import USER_CODE, Blocking
from asynclint.fixes.model import SAFE, UNSAFE, Applicability, FixPolicy
from asynclint.patterns import invalid_patterns
from asynclint.rules import RULES_BY_CODE, UnknownCode, matching, select_codes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", ".eggs", "*.egg-info",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "__pycache__", "__pypackages__", "_build",
    "build", "dist", "buck-out", "node_modules", "site-packages", ".direnv", ".ipynb_checkpoints",
)

_FIX_KEYS = ("fixable", "unfixable", "extend-fixable", "extend-safe-fixes", "extend-unsafe-fixes")
_CODE_KEYS = ("select", "ignore", "extend-select") + _FIX_KEYS
_LIST_KEYS = _CODE_KEYS + ("exclude", "extend-exclude", "offload-functions", "runtime-allow")
_TABLE_KEYS = ("per-file-ignores", "extra-blocking-calls")
KNOWN_KEYS = frozenset(_LIST_KEYS + _TABLE_KEYS)


class ConfigError(Exception):
    """A configuration problem, worded for the user (exit code 2)."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_blocking_calls: dict[str, Blocking] = field(default_factory=dict)
    offload_functions: frozenset[str] = frozenset()
    # Which fixes --fix may apply, and their safety (ruff's settings): codes or prefixes.
    fixable: tuple[str, ...] | None = None  # None: ALL
    unfixable: tuple[str, ...] = ()
    extend_fixable: tuple[str, ...] = ()
    extend_safe_fixes: tuple[str, ...] = ()
    extend_unsafe_fixes: tuple[str, ...] = ()
    # Where the runtime check (pytest plugin) allows blocking: "module:function" glob patterns.
    runtime_allow: tuple[str, ...] = ()
    # Directory that relative patterns (exclude, per-file-ignores) are anchored to.
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None

    def enabled_codes(self) -> frozenset[str]:
        return select_codes(self.select, self.ignore, self.extend_select)

    def fix_policy(self) -> FixPolicy:
        """The fix settings resolved to codes. A prefix names the opt-in rules too (a fix
        setting selects no rule, it only decides about the fixes of the enabled ones)."""
        fixable = None
        if self.fixable is not None and not any(_is_all(s) for s in self.fixable):
            fixable = frozenset(_codes_of(self.fixable + self.extend_fixable))
        safety: dict[str, Applicability] = {}
        # ruff's precedence: the more specific selector wins; at the same specificity,
        # extend-unsafe-fixes wins over extend-safe-fixes.
        overrides = [(_specificity(s), 0, s, SAFE) for s in self.extend_safe_fixes]
        overrides += [(_specificity(s), 1, s, UNSAFE) for s in self.extend_unsafe_fixes]
        for _spec, _order, selector, applicability in sorted(overrides, key=lambda o: o[:2]):
            for code in matching(selector, opt_in=True):
                safety[code] = applicability
        return FixPolicy(fixable, frozenset(_codes_of(self.unfixable)), safety)

    def with_cli(
        self,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        extend_select: Iterable[str] = (),
        fixable: Iterable[str] | None = None,
        unfixable: Iterable[str] = (),
        extend_fixable: Iterable[str] = (),
    ) -> Config:
        """Command-line selection: `--select` replaces, `--ignore`/`--extend-select` add (and
        so `--fixable`, `--unfixable`, `--extend-fixable`)."""
        merged = replace(
            self,
            select=tuple(select) if select is not None else self.select,
            ignore=self.ignore + tuple(ignore),
            extend_select=self.extend_select + tuple(extend_select),
            fixable=tuple(fixable) if fixable is not None else self.fixable,
            unfixable=self.unfixable + tuple(unfixable),
            extend_fixable=self.extend_fixable + tuple(extend_fixable),
        )
        _validate_codes(merged.select or (), "--select")
        _validate_codes(ignore, "--ignore")
        _validate_codes(extend_select, "--extend-select")
        _validate_codes(fixable or (), "--fixable")
        _validate_codes(unfixable, "--unfixable")
        _validate_codes(extend_fixable, "--extend-fixable")
        return merged


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.asynclint] table, searching upward from `start`."""
    # os.path rather than Path methods: an unreadable directory on the way is "no", not a
    # PermissionError; and a FIFO named pyproject.toml is not read (it would block).
    directory = start if os.path.isdir(start) else start.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if os.path.isfile(pyproject) and "asynclint" in _read_text(pyproject):
            try:
                tool = _parse(pyproject).get("tool")
            except ConfigError:
                return pyproject  # report its error when it is loaded
            if isinstance(tool, dict) and "asynclint" in tool:
                return pyproject
    return None


def load_config(path: Path) -> Config:
    """Read a pyproject.toml ([tool.asynclint]) or a standalone asynclint TOML file."""
    data = _parse(path)
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool: expected a table")
    if path.name == "pyproject.toml":
        table = tool.get("asynclint", {})
        where = f"[tool.asynclint] in {path}"
    else:
        table = tool.get("asynclint", data)
        where = str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    return _from_table(table, where, path.parent.resolve(), path)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


def _parse(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _from_table(table: dict[str, Any], where: str, root: Path, source: Path) -> Config:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(KNOWN_KEYS))})"
        )
    lists = {key: _string_list(table, key, where) for key in _LIST_KEYS if key in table}
    for key in _CODE_KEYS:
        _validate_codes(lists.get(key, ()), f"{where}: {key}")
    for key in ("exclude", "extend-exclude"):
        _validate_patterns(lists.get(key, ()), f"{where}: {key}")
    config = Config(
        select=lists.get("select"),
        ignore=lists.get("ignore", ()),
        extend_select=lists.get("extend-select", ()),
        exclude=lists.get("exclude", DEFAULT_EXCLUDE),
        extend_exclude=lists.get("extend-exclude", ()),
        per_file_ignores=_per_file_ignores(table.get("per-file-ignores", {}), where),
        extra_blocking_calls=_extra_calls(table.get("extra-blocking-calls", {}), where),
        offload_functions=frozenset(lists.get("offload-functions", ())),
        fixable=lists.get("fixable"),
        unfixable=lists.get("unfixable", ()),
        extend_fixable=lists.get("extend-fixable", ()),
        extend_safe_fixes=lists.get("extend-safe-fixes", ()),
        extend_unsafe_fixes=lists.get("extend-unsafe-fixes", ()),
        runtime_allow=_runtime_allow(lists.get("runtime-allow", ()), f"{where}: runtime-allow"),
        root=root,
        source=source,
    )
    config.enabled_codes()
    return config


def _string_list(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _is_all(selector: str) -> bool:
    return selector.strip().upper() == "ALL"


def _specificity(selector: str) -> int:
    """ruff's selector specificity: ALL < AL < AL1 < AL10 < AL101."""
    return 0 if _is_all(selector) else len(selector.strip())


def _codes_of(selectors: Iterable[str]) -> set[str]:
    codes: set[str] = set()
    for selector in selectors:
        codes |= matching(selector, opt_in=True)
    return codes


def _validate_codes(selectors: Iterable[str], where: str) -> None:
    for selector in selectors:
        if _is_all(selector):
            continue
        try:
            select_codes([selector])
        except UnknownCode:
            raise ConfigError(
                f"{where}: unknown rule code {selector!r} (see `asynclint --list-rules`)"
            ) from None


def _validate_patterns(patterns: Iterable[str], where: str) -> None:
    """A pattern pathspec cannot compile would otherwise fail in the middle of a run."""
    rejected = invalid_patterns(list(patterns))
    if rejected:
        raise ConfigError(f"{where}: invalid pattern {rejected[0].pattern!r}")


# `mypkg.startup:*`, `app.db:Engine.connect`, `tests.*:test_seed*`: fnmatch patterns for the
# module's dotted name and the function's qualified name.
_ALLOW = re.compile(r"[A-Za-z0-9_.*?\[\]!-]+:[A-Za-z0-9_.*?\[\]!<>-]+")


def _runtime_allow(patterns: tuple[str, ...], where: str) -> tuple[str, ...]:
    for pattern in patterns:
        if not _ALLOW.fullmatch(pattern):
            raise ConfigError(
                f"{where}: {pattern!r} is not \"module:function\" (patterns such as "
                "\"mypkg.startup:*\" or \"app.db:Engine.connect\")"
            )
    return patterns


def _per_file_ignores(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: per-file-ignores must be a table of pattern = [codes]")
    _validate_patterns(value, f"{where}: per-file-ignores")
    result = {}
    for pattern, codes in value.items():
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ConfigError(f"{where}: per-file-ignores.{pattern!r} must be a list of codes")
        _validate_codes(codes, f"{where}: per-file-ignores.{pattern!r}")
        result[pattern] = tuple(codes)
    return result


def _extra_calls(value: Any, where: str) -> dict[str, Blocking]:
    """`"pkg.func" = "suggestion"` (reported as AL100) or `{ code = "AL102", suggestion = ... }`."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: extra-blocking-calls must be a table of name = suggestion")
    result = {}
    for name, entry in value.items():
        if isinstance(entry, str):
            result[name] = Blocking(USER_CODE, entry.replace("{", "{{").replace("}", "}}"))
            continue
        key = f"{where}: extra-blocking-calls.{name!r}"
        if (
            not isinstance(entry, dict)
            or set(entry) - {"code", "suggestion"}
            or not all(isinstance(item, str) for item in entry.values())
        ):
            raise ConfigError(
                f"{key} must be a string or {{ code = \"AL1xx\", suggestion = \"...\" }}"
            )
        code = entry.get("code", USER_CODE).upper()
        if code not in RULES_BY_CODE or not code.startswith("AL1"):
            raise ConfigError(f"{key}: {code!r} is not a blocking-call code (AL100-AL109)")
        suggestion = entry.get("suggestion", "offload it: `{offload}({func_args})`")
        result[name] = Blocking(code, _checked_template(suggestion, key))
    return result


_PLACEHOLDERS = {"args": "", "func_args": "", "method": "", "offload": ""}


def _checked_template(suggestion: str, key: str) -> str:
    """The table form's suggestion is a template: a bad placeholder is a config error, not a
    crash in the middle of a run."""
    try:
        suggestion.format(**_PLACEHOLDERS)
    except (KeyError, IndexError, AttributeError, TypeError, ValueError) as error:
        raise ConfigError(
            f"{key}: suggestion: bad placeholder {error}; "
            + "use {args}, {func_args}, {method}, {offload}, or {{ and }} for literal braces"
        ) from None
    return suggestion
