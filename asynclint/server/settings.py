"""The server's settings, from the client: `initializationOptions` and
`workspace/didChangeConfiguration` (either the object itself or under an `asynclint` key).

Unknown keys and values of the wrong type are reported, one line each, and ignored: a typo in
an editor's settings must not stop the server (nor silently drop the rest).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ON_TYPE = "onType"
ON_SAVE = "onSave"
DEFAULT_DEBOUNCE_MS = 300


def default_rules_url() -> str | None:
    """docs/rules.md of the checkout asynclint runs from (an editable install), as a file URI:
    the documentation of exactly the rules this asynclint has; None elsewhere (a wheel ships
    no docs/, and asynclint has no published site yet)."""
    rules = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    return rules.as_uri() if rules.is_file() else None


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None  # replaces the configured selection, as --select
    ignore: tuple[str, ...] = ()  # adds to it, as --ignore
    run: str = ON_TYPE  # check on every (debounced) change, or only on open and save
    unsafe_fixes: bool = False  # fix-all applies unsafe fixes too
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    # Where a diagnostic's code links to: `<rulesUrl>#al101-blocking-sleep`.
    rules_url: str | None = None


_KEYS = {"select": "select", "ignore": "ignore", "run": "run", "unsafeFixes": "unsafe_fixes",
         "debounce": "debounce_ms", "rulesUrl": "rules_url"}


def parse_settings(value: Any, base: Settings) -> tuple[Settings, list[str]]:
    """`base` updated from the client's object; and one line per problem found in it."""
    if isinstance(value, dict) and isinstance(value.get("asynclint"), dict):
        value = value["asynclint"]
    if value is None:
        return base, []
    if not isinstance(value, dict):
        return base, [f"asynclint settings: expected an object, got {type(value).__name__}"]
    changes: dict[str, Any] = {}
    problems = []
    for key, item in value.items():
        field = _KEYS.get(key)
        problem = None
        if field is None:
            problem = f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})"
        elif field in ("select", "ignore"):
            if item is None and field == "select":
                changes[field] = None
            elif isinstance(item, list) and all(isinstance(code, str) for code in item):
                changes[field] = tuple(code.strip().upper() for code in item)
            else:
                problem = f"{key!r} must be a list of codes"
        elif field == "run":
            if item in (ON_TYPE, ON_SAVE):
                changes[field] = item
            else:
                problem = f"'run' must be {ON_TYPE!r} or {ON_SAVE!r}"
        elif field == "unsafe_fixes":
            if isinstance(item, bool):
                changes[field] = item
            else:
                problem = "'unsafeFixes' must be true or false"
        elif field == "debounce_ms":
            if isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= 60_000:
                changes[field] = item
            else:
                problem = "'debounce' must be a number of milliseconds (0 to 60000)"
        elif field == "rules_url":
            if item is None or isinstance(item, str):
                changes[field] = item or None
            else:
                problem = "'rulesUrl' must be a string"
        if problem:
            problems.append(f"asynclint settings: {problem}; ignored")
    known = {f.name for f in fields(Settings)}
    return replace(base, **{k: v for k, v in changes.items() if k in known}), problems
