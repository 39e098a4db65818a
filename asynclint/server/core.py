"""The server's documents and projects, without LSP types: what to check, with which project
facts, and which open documents a change affects.

Every open document is checked as the file at its path, with the project's facts from disk and
from the other open buffers of its project (their text stands for the file). A project (a root
and the configuration found for it) has its own checking process, whose index stays warm; the
core tells it which files changed since it last checked (`forget`). A check records the modules
it read (the result cache's dependency record, `index/reads.py`): a change to a file
re-checks the open documents whose last check read it.

Not thread-safe: the server calls it from one thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from asynclint.api import check_options, select_findings
from asynclint.config import Config, ConfigError, find_config, load_config
from asynclint.findings import FileResult, Finding
from asynclint.index.cache import cache_location
from asynclint.index.modules import ModuleMap, find_root
from asynclint.server.settings import Settings
from asynclint.server.worker import CheckWorker
from asynclint.tasks import Task
from asynclint.walk_cache import project_files

SYNTAX_ERROR = "AL001"


@dataclass
class Document:
    path: str  # absolute
    text: str
    version: int | None = None


@dataclass
class Outcome:
    """What a document shows: `current` findings (positions and fixes match its text) and,
    while it does not parse, the last good findings (`stale`: shown, never fixed)."""

    current: list[Finding] = field(default_factory=list)
    stale: list[Finding] = field(default_factory=list)
    version: int | None = None
    text: str = ""  # the text `current` was found in

    @property
    def findings(self) -> list[Finding]:
        return self.stale + self.current


class _Project:
    def __init__(
        self, root: Path, config: Config, cache: bool, cache_dir: Path | None, buffers: list[str]
    ) -> None:
        self.root = root
        self.config = config
        # A buffer for a file in a directory not created yet: a project of no files.
        location = cache_location(root, cache_dir) if cache else None
        files = project_files(root, config, location) if os.path.isdir(root) else []
        self.files = {os.path.abspath(file) for file in files}
        # Open buffers of files not on disk yet (a new module) are modules too: their text
        # stands for them, so what imports them is checked with their facts before a save.
        new = [path for path in buffers if Path(path).is_relative_to(root) and path not in self.files]
        self.files |= set(new)
        self.modules = ModuleMap(root, [*files, *map(Path, new)])
        self.worker = CheckWorker(check_options(config, self.modules, cache, cache_dir))
        self.forget: set[str] = set()
        self._names: dict[str, set[str]] | None = None
        self._stats: dict[str, tuple[int, int] | None] = {}  # path -> (mtime_ns, size) seen

    def touched(self, modules: set[str]) -> list[str]:
        """The files of `modules` whose stat changed since the last look (a checkout, or an
        editor that watches nothing): a safety net under the client's notifications. Files
        seen for the first time are recorded."""
        changed = []
        for name in modules:
            file = self.modules.modules.get(name)
            if file is None:
                continue
            path = os.path.abspath(file)
            try:
                info = os.stat(path)
                now: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
            except OSError:
                now = None
            if path in self._stats and self._stats[path] != now:
                changed.append(path)
            self._stats[path] = now
        return changed

    def names_of(self, path: str) -> set[str]:
        """Every module name the map gives the file at `path` (and its own package name)."""
        if self._names is None:
            self._names = {}
            for name, file in self.modules.modules.items():
                self._names.setdefault(os.path.abspath(file), set()).add(name)
        return self._names.get(path, set()) | {self.modules.name_of(Path(path))}


class Core:
    def __init__(
        self, settings: Settings | None = None, cache: bool = True, cache_dir: Path | None = None
    ) -> None:
        self.settings = settings or Settings()
        self.documents: dict[str, Document] = {}  # by URI
        self.outcomes: dict[str, Outcome] = {}
        self._reads: dict[str, set[str]] = {}  # URI -> module names its last check read
        self._projects: dict[tuple[Path, Path | None], _Project] = {}
        self._cache = cache
        self._cache_dir = cache_dir
        # Lines for the user (window/showMessage), each said once until it goes away.
        self.messages: list[str] = []
        self._said: set[str] = set()

    # -- documents --------------------------------------------------------------------------
    def open(self, uri: str, path: str, text: str, version: int | None = None) -> list[str]:
        """A buffer opened; the other open documents to re-check (when it is a new module)."""
        document = self.documents[uri] = Document(os.path.abspath(path), text, version)
        self._changed(document.path)
        for key, project in list(self._projects.items()):
            if Path(document.path).is_relative_to(key[0]) and document.path not in project.files:
                project.worker.close()  # a module the map does not have: build it again
                del self._projects[key]
                return [other for other in self.documents if other != uri]
        return []

    def change(self, uri: str, text: str, version: int | None = None) -> list[str]:
        """A buffer's new text; the other open documents whose checks read it (to re-check)."""
        document = self.documents.get(uri)
        if document is None:
            return []
        document.text, document.version = text, version
        self._changed(document.path)
        return self.dependents(document.path, besides=uri)

    def close(self, uri: str) -> list[str]:
        """The document's buffer no longer stands for its file; those whose checks read it."""
        document = self.documents.pop(uri, None)
        self.outcomes.pop(uri, None)
        self._reads.pop(uri, None)
        if document is None:
            return []
        self._changed(document.path)
        return self.dependents(document.path)

    def files_changed(self, paths: list[str], created_or_deleted: bool = False) -> list[str]:
        """Files changed on disk (saved, or watched); the open documents to re-check. A
        pyproject.toml, or a file created or deleted, starts the projects afresh."""
        absolute = [os.path.abspath(path) for path in paths]
        if created_or_deleted or any(os.path.basename(p) == "pyproject.toml" for p in absolute):
            self.reset()
            return list(self.documents)
        for path in absolute:
            self._changed(path)
        uris = {uri for path in absolute for uri in self.dependents(path)}
        return sorted(uris)

    def dependents(self, path: str, besides: str | None = None) -> list[str]:
        """Open documents whose last check read the file at `path`."""
        path = os.path.abspath(path)
        found = []
        for uri, reads in self._reads.items():
            document = self.documents.get(uri)
            if uri == besides or document is None:
                continue
            project = self._project_of(document.path, say=False)
            if project is not None and reads & project.names_of(path):
                found.append(uri)
        return found

    def _changed(self, path: str) -> None:
        for project in self._projects.values():
            project.forget.add(path)

    # -- settings and projects ----------------------------------------------------------------
    def configure(self, settings: Settings) -> list[str]:
        """New client settings; every open document is checked again."""
        self.settings = settings
        self.reset()
        return list(self.documents)

    def reset(self) -> None:
        for project in self._projects.values():
            project.worker.close()
        self._projects.clear()
        self._said.clear()

    def shutdown(self) -> None:
        self.reset()

    def _config(self, path: str, say: bool) -> tuple[Config, Path | None]:
        source = None
        try:
            source = find_config(Path(path))
            config = load_config(source) if source else Config(root=find_root(Path(path)))
            config = config.with_cli(select=self.settings.select, ignore=self.settings.ignore)
        except ConfigError as error:
            if say:
                self._say(f"asynclint: {error} (checking with the default configuration until "
                          "it is fixed)")
            config = Config(root=find_root(Path(path)))
        return config, source

    def _project_of(self, path: str, say: bool = True) -> _Project | None:
        config, source = self._config(path, say)
        key = (find_root(Path(path)), source)
        project = self._projects.get(key)
        if project is None:
            buffers = [document.path for document in self.documents.values()]
            project = _Project(key[0], config, self._cache, self._cache_dir, buffers)
            self._projects[key] = project
        return project

    def _say(self, message: str) -> None:
        if message not in self._said:
            self._said.add(message)
            self.messages.append(message)

    # -- checking ---------------------------------------------------------------------------
    def check(self, uri: str) -> Outcome | None:
        """Check an open document's buffer now (blocks for the checking process)."""
        document = self.documents.get(uri)
        if document is None:
            return None
        project = self._project_of(document.path)
        assert project is not None
        texts = {
            other.path: other.text
            for other_uri, other in self.documents.items()
            if other_uri != uri
        }
        for path in project.touched(self._reads.get(uri, set())):
            self._changed(path)
        forget, project.forget = sorted(project.forget), set()
        task = Task(document.path, project.modules.name_of(Path(document.path)), document.text,
                    explicit=True)
        result = project.worker.check(task, texts, forget)
        return self._record(uri, document, project, result)

    def _record(self, uri: str, document: Document, project: _Project, result: FileResult) -> Outcome:
        for error in result.errors:
            self._say(f"asynclint: {error.path}: {error.message}")
        if result.reads is not None:
            self._reads[uri] = set(result.reads)
            project.touched(self._reads[uri])  # their stat now, for the next check's look
        findings = project.config.fix_policy().apply(select_findings([result], project.config))
        previous = self.outcomes.get(uri)
        outcome = Outcome(findings, [], document.version, document.text)
        if any(finding.code == SYNTAX_ERROR for finding in findings):
            # While the buffer does not parse, what was found in its last good text stays
            # shown (without its fixes: they are for another text).
            good = previous.stale if previous is not None and previous.stale else (
                [f for f in previous.current if f.code != SYNTAX_ERROR] if previous else []
            )
            outcome.stale = good
        self.outcomes[uri] = outcome
        return outcome

    def take_messages(self) -> list[str]:
        messages, self.messages = self.messages, []
        return messages
