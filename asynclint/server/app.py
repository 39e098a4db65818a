"""The LSP wiring (pygls): notifications to the core, diagnostics and actions back.

The core's work runs on one thread beside the event loop, so requests are served while a check
runs; checks are debounced per document (`debounce` ms after the last change). Nothing the
client sends may stop the server: a bug in a handler is logged, and the server goes on.
"""

from __future__ import annotations

import asyncio
import functools
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from asynclint import __version__
from asynclint.server.actions import (
    FIX_ALL,
    code_actions,
    fix_all_edit,
    hover,
    quick_fix_edit,
)
from asynclint.server.convert import Lines, diagnostic
from asynclint.server.core import Core
from asynclint.server.settings import (
    ON_TYPE,
    Settings,
    default_rules_url,
    parse_settings,
)

T = TypeVar("T")
# workspace/executeCommand: the server sends the edit back as workspace/applyEdit (for key
# bindings and clients whose code actions cannot carry edits).
APPLY_FIX = "asynclint.applyFix"  # [uri, code, line, column] (1-based, as the JSON output)
APPLY_FIX_ALL = "asynclint.applyFixAll"  # [uri]
_WATCHED = ("**/*.py", "**/*.pyi", "**/pyproject.toml")


class AsyncLintServer(LanguageServer):
    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__("asynclint", __version__)
        self.core = Core(settings or Settings(rules_url=default_rules_url()))
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asynclint-core")
        self._pending: dict[str, asyncio.Task[None]] = {}

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run a core method on the core's thread, then say what it has to say."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, functools.partial(function, *args))
        finally:
            for message in self.core.take_messages():
                self.window_show_message(
                    types.ShowMessageParams(type=types.MessageType.Warning, message=message)
                )

    def log(self, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=message))

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Check `uri` after `delay` seconds of quiet (a newer request replaces this one)."""
        pending = self._pending.get(uri)
        if pending is not None and not pending.done():
            pending.cancel()
        self._pending[uri] = asyncio.ensure_future(self._check_later(uri, delay))

    def debounce(self) -> float:
        return self.core.settings.debounce_ms / 1000

    async def _check_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            outcome = await self.call(self.core.check, uri)
            if outcome is None or uri not in self.core.documents:
                return
            lines = Lines(outcome.text, self.encoding())
            rules_url = self.core.settings.rules_url
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri,
                version=outcome.version,
                diagnostics=[diagnostic(f, lines, rules_url) for f in outcome.findings],
            ))
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a bug costs this check, never the server
            self.log(f"asynclint: internal error while checking {uri}:\n{traceback.format_exc()}")

    def encoding(self) -> str:
        value = self.workspace.position_encoding
        return str(getattr(value, "value", value) or "utf-16")

    def shutdown_core(self) -> None:
        for pending in self._pending.values():
            pending.cancel()
        self._executor.submit(self.core.shutdown).result()
        self._executor.shutdown(wait=True)


def build(settings: Settings | None = None) -> AsyncLintServer:
    server = AsyncLintServer(settings)

    def configure(value: Any) -> None:
        settings, problems = parse_settings(value, server.core.settings)
        for problem in problems:
            server.core.messages.append(problem)
        server.core.settings = settings

    @server.feature(types.INITIALIZE)
    def initialize(ls: AsyncLintServer, params: types.InitializeParams) -> None:
        configure(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AsyncLintServer, params: types.InitializedParams) -> None:
        for message in ls.core.take_messages():
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched is not None and watched.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED]
            )
            registration = types.Registration(
                id="asynclint-watched-files",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            try:
                await ls.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
            except Exception as error:  # noqa: BLE001 - the client may refuse; saves still count
                ls.log(f"asynclint: file watching not registered: {error}")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: AsyncLintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if item.language_id not in ("python", "") and not item.uri.endswith((".py", ".pyi")):
            return
        # Only files: an untitled buffer has no directory, so no project and no configuration.
        path = to_fs_path(item.uri) if item.uri.startswith("file:") else None
        if path is None:
            return
        others = await ls.call(ls.core.open, item.uri, path, item.text, item.version)
        ls.schedule(item.uri)
        for other in others:
            ls.schedule(other, ls.debounce())

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: AsyncLintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in ls.core.documents:
            return
        text = ls.workspace.get_text_document(uri).source
        dependents = await ls.call(ls.core.change, uri, text, params.text_document.version)
        if ls.core.settings.run == ON_TYPE:
            for other in [uri, *dependents]:
                ls.schedule(other, ls.debounce())

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: AsyncLintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri)
        dependents = await ls.call(ls.core.files_changed, [path] if path else [])
        for other in {uri, *dependents}:
            if other in ls.core.documents:
                ls.schedule(other)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: AsyncLintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        dependents = await ls.call(ls.core.close, uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for other in dependents:
            ls.schedule(other, ls.debounce())

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(
        ls: AsyncLintServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        paths = [path for change in params.changes if (path := to_fs_path(change.uri))]
        structural = any(change.type != types.FileChangeType.Changed for change in params.changes)
        for uri in await ls.call(ls.core.files_changed, paths, structural):
            ls.schedule(uri, ls.debounce())

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: AsyncLintServer, params: types.DidChangeConfigurationParams
    ) -> None:
        configure(params.settings)
        for uri in await ls.call(ls.core.configure, ls.core.settings):
            ls.schedule(uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
        ),
    )
    def code_action(ls: AsyncLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        outcome = ls.core.outcomes.get(uri)
        document = ls.core.documents.get(uri)
        if outcome is None or document is None or outcome.text != document.text:
            return []  # not checked since the last change: positions would be stale
        try:
            return code_actions(uri, outcome, params.range, params.context.only,
                                ls.core.settings.unsafe_fixes, ls.encoding())
        except Exception:  # noqa: BLE001
            ls.log(f"asynclint: internal error in code actions:\n{traceback.format_exc()}")
            return []

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: AsyncLintServer, params: types.HoverParams) -> types.Hover | None:
        try:
            text = ls.workspace.get_text_document(params.text_document.uri).source
            return hover(text, params.position, ls.encoding())
        except Exception:  # noqa: BLE001
            ls.log(f"asynclint: internal error in hover:\n{traceback.format_exc()}")
            return None

    async def apply(ls: AsyncLintServer, edit: types.WorkspaceEdit | None, label: str) -> bool:
        if edit is None:
            return False
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=label)
        )
        return bool(result and result.applied)

    @server.command(APPLY_FIX)
    async def apply_fix(ls: AsyncLintServer, uri: str, code: str, line: int, column: int) -> bool:
        outcome = ls.core.outcomes.get(uri)
        if outcome is None or not isinstance(line, int) or not isinstance(column, int):
            return False
        edit = quick_fix_edit(uri, outcome, str(code), line, column, ls.encoding())
        return await apply(ls, edit, f"asynclint: fix {code}")

    @server.command(APPLY_FIX_ALL)
    async def apply_fix_all(ls: AsyncLintServer, uri: str) -> bool:
        outcome = ls.core.outcomes.get(uri)
        if outcome is None:
            return False
        edit = fix_all_edit(uri, outcome, ls.core.settings.unsafe_fixes, ls.encoding())
        return await apply(ls, edit, "asynclint: fix all")

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: AsyncLintServer, params: None) -> None:
        ls.shutdown_core()

    return server


