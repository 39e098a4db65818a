"""The peers' marked test files: where to find them, which lines they mark, which lines count.

Read by `peer_recall.py`. Two peers mark the blocking calls both tools share:

* flake8-async's eval files (`tests/eval_files/async2*.py`) end a line that must be reported
  with `# ASYNC210: 4, 'requests.get'` (the code, then the 0-based column of the call);
* ruff's fixtures (`crates/ruff_linter/resources/test/fixtures/flake8_async/ASYNC2*.py`) are
  checked against snapshot files (`.../flake8_async/snapshots/*.snap`) listing each
  diagnostic as `ASYNC210 <message>` followed by ` --> ASYNC210.py:8:5`.

A source is a checkout, a bare git directory (what a mirror or `git clone --bare` gives; read
with `git show`), or a flat directory holding such files. Nothing here imports or runs them.
"""

from __future__ import annotations

import ast
import builtins
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FLAKE8_ASYNC_DIR = "tests/eval_files"
RUFF_FIXTURES = "crates/ruff_linter/resources/test/fixtures/flake8_async"
RUFF_SNAPSHOTS = "crates/ruff_linter/src/rules/flake8_async/snapshots"

_F8_MARK = re.compile(r"#\s*(ASYNC\d+)(?:_asyncio)?:\s*(\d+)")
_SNAP_NAME = re.compile(r"__(ASYNC\d+)_(ASYNC2\w*\.py)\.snap$")
_SNAP_CODE = re.compile(r"^(ASYNC\d+) ")
_SNAP_WHERE = re.compile(r"^\s*-->\s*(\S+?\.py):(\d+):(\d+)")
# ASYNC200 reports names configured on flake8-async's command line (`# ARG ...` in the file):
# there is no catalogue to compare with.
CONFIGURED_RULES = frozenset({"ASYNC200"})


@dataclass(frozen=True)
class Mark:
    line: int
    code: str
    column: int | None  # 0-based column of the marked call, when the peer says


@dataclass
class PeerFile:
    peer: str  # "flake8-async" or "ruff"
    name: str  # file name, unique per peer
    text: str
    marks: list[Mark] = field(default_factory=list)
    skipped_reason: str | None = None  # the whole file is not counted


class Source:
    """Files of a checkout, a bare git directory or a flat directory, by relative path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git = (root / "HEAD").is_file() and (root / "objects").is_dir()

    def files(self) -> list[str]:
        if self.git:
            listed = subprocess.run(
                ["git", "--git-dir", str(self.root), "ls-tree", "-r", "--name-only", "HEAD"],
                capture_output=True, text=True, check=True,
            )
            return listed.stdout.splitlines()
        return [path.relative_to(self.root).as_posix() for path in self.root.rglob("*") if path.is_file()]

    def read(self, path: str) -> str:
        if self.git:
            shown = subprocess.run(
                ["git", "--git-dir", str(self.root), "show", f"HEAD:{path}"],
                capture_output=True, check=True,
            )
            return shown.stdout.decode("utf-8")
        return (self.root / path).read_text(encoding="utf-8")


def _in(directory: str, path: str) -> bool:
    return path.rpartition("/")[0] in (directory, "")


def load_peer_files(root: Path) -> list[PeerFile]:
    """Every flake8-async eval file and ruff fixture for the 2xx rules found under `root`."""
    source = Source(root)
    paths = source.files()
    found: list[PeerFile] = []
    names = {path.rpartition("/")[2]: path for path in paths}
    for path in sorted(paths):
        name = path.rpartition("/")[2]
        if re.fullmatch(r"async2\w*\.py", name) and _in(FLAKE8_ASYNC_DIR, path):
            found.append(_flake8_async_file(name, source.read(path), names))
    snapshots = [path for path in paths if _SNAP_NAME.search(path) and _in(RUFF_SNAPSHOTS, path)]
    fixtures = {path.rpartition("/")[2]: path for path in paths
                if re.fullmatch(r"ASYNC2\w*\.py", path.rpartition("/")[2]) and _in(RUFF_FIXTURES, path)}
    ruff: dict[str, PeerFile] = {}
    for snapshot in sorted(snapshots):
        fixture = _SNAP_NAME.search(snapshot).group(2)  # type: ignore[union-attr]
        if fixture not in fixtures:
            continue
        peer_file = ruff.setdefault(fixture, PeerFile("ruff", fixture, source.read(fixtures[fixture])))
        peer_file.marks.extend(_snapshot_marks(source.read(snapshot), fixture))
    found.extend(ruff[name] for name in sorted(ruff))
    return found


def _flake8_async_file(name: str, text: str, names: dict[str, str]) -> PeerFile:
    peer_file = PeerFile("flake8-async", name, text)
    twin = name.removesuffix(".py") + "_asyncio.py"
    if twin in names:
        # The same code with trio's messages; its asyncio twin is the one counted.
        peer_file.skipped_reason = f"trio variant of {twin}"
    for number, line in enumerate(text.splitlines(), 1):
        for match in _F8_MARK.finditer(line):
            peer_file.marks.append(Mark(number, match.group(1), int(match.group(2))))
    return peer_file


def _snapshot_marks(text: str, fixture: str) -> list[Mark]:
    marks = []
    code = None
    for line in text.splitlines():
        heading = _SNAP_CODE.match(line)
        if heading:
            code = heading.group(1)
            continue
        where = _SNAP_WHERE.match(line)
        if where and code and where.group(1).rpartition("/")[2] == fixture:
            marks.append(Mark(int(where.group(2)), code, int(where.group(3)) - 1))
            code = None
    return marks


# -- which marked lines use only names the file imports ---------------------------------------

_BUILTINS = frozenset(dir(builtins))
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class ImportedNames:
    """Whether a marked call resolves through names the file imports (or builtins).

    A peer's test file may call `httpx.Client()` without `import httpx`: flake8-async and ruff
    match such names anyway, asynclint does not (a name nothing imports is unknown, and
    unknown stays silent). A local variable counts through what it is bound to: its
    annotation, else the value assigned (`client = httpx.Client()` needs `httpx`)."""

    def __init__(self, text: str) -> None:
        self.tree = ast.parse(text)
        self.imported: set[str] = set()
        self.defined: set[str] = set()  # module-level def/class names
        self.parents: dict[int, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    self.imported.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defined.add(node.name)

    def call_at(self, mark: Mark) -> ast.Call | None:
        calls = [node for node in ast.walk(self.tree) if isinstance(node, ast.Call) and node.lineno == mark.line]
        exact = [call for call in calls if call.col_offset == mark.column]
        chosen = exact or calls
        return min(chosen, key=lambda call: call.col_offset) if chosen else None

    def missing(self, mark: Mark) -> str | None:
        """The first name the marked call needs that nothing imports, binds or builds in."""
        call = self.call_at(mark)
        if call is None:
            return "<no call on the line>"
        for name in _names(call.func):
            absent = self._absent(name, call, depth=0)
            if absent:
                return absent
        return None

    def _absent(self, name: str, at: ast.AST, depth: int) -> str | None:
        if depth > 8:
            return None
        bound = self._bindings(name, at)
        if bound is None:
            if name in self.imported or name in self.defined or name in _BUILTINS:
                return None
            return name
        for expression, where in bound:
            if expression is None:
                return f"{name} (a parameter without annotation)"
            for inner in _names(expression):
                if inner != name:
                    absent = self._absent(inner, where, depth + 1)
                    if absent:
                        return absent
        return None

    def _bindings(self, name: str, at: ast.AST) -> list[tuple[ast.expr | None, ast.AST]] | None:
        """What `name` is bound to in the innermost enclosing function that binds it (else at
        module level, imports aside): annotations first, else the assigned values."""
        scope = self.parents.get(id(at))
        while scope is not None:
            if isinstance(scope, (*_SCOPES, ast.Module)):
                found = _bound_in(scope, name)
                if found:
                    return found
            scope = self.parents.get(id(scope))
        return None


def _names(expression: ast.AST) -> list[str]:
    return [node.id for node in ast.walk(expression) if isinstance(node, ast.Name)]


def _bound_in(scope: ast.AST, name: str) -> list[tuple[ast.expr | None, ast.AST]]:
    found: list[tuple[ast.expr | None, ast.AST]] = []
    if isinstance(scope, _SCOPES):
        arguments = scope.args
        defaults = [None] * (len(arguments.posonlyargs) + len(arguments.args) - len(arguments.defaults))
        pairs = list(zip([*arguments.posonlyargs, *arguments.args], [*defaults, *arguments.defaults]))
        pairs += list(zip(arguments.kwonlyargs, arguments.kw_defaults))
        for arg, default in pairs:
            if arg.arg == name:
                found.append((getattr(arg, "annotation", None) or default, scope))
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign) and any(name in _names(target) for target in node.targets):
            found.append((node.value, node))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            found.append((node.annotation, node))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None and name in _names(item.optional_vars):
                    found.append((item.context_expr, node))
        elif isinstance(node, (ast.For, ast.AsyncFor)) and name in _names(node.target):
            found.append((node.iter, node))
    return found


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a scope's body, not those of the functions nested in it."""
    body = scope.body if isinstance(scope.body, list) else [scope.body]  # type: ignore[attr-defined]
    nodes: list[ast.AST] = []
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        nodes.append(node)
        if not isinstance(node, (*_SCOPES, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return nodes
