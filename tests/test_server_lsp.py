"""The language server end to end: `asynclint server` over stdio, driven by pytest-lsp's client.

One server for the module (starting it costs a second); each test has a project of its own.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")  # the dev extra has it; without it, skipped
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp_helpers import (
    ASYNC_DATABASE,
    ROUTES,
    SYNC_DATABASE,
    apply_edits,
    codes,
    wait_for,
    write_project,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
APPLY_EDITS: list[types.WorkspaceEdit] = []  # workspace/applyEdit requests the server sent


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "asynclint", "server"],
        # the server's summary cache out of the user's
        server_env={**os.environ, "ASYNCLINT_CACHE_DIR": tempfile.mkdtemp(prefix="asynclint-lsp-")},
    ),
)
async def client(lsp_client: LanguageClient):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        APPLY_EDITS.append(params.edit)  # the test applies it to its buffers
        return types.ApplyWorkspaceEditResult(applied=True)

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={"asynclint": {"debounce": 20}},
    ))
    yield
    await lsp_client.shutdown_session()


class Buffers:
    """The client's open buffers: text and version, kept as an editor keeps them."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        self.texts[uri] = path.read_text() if text is None else text
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                                 text=self.texts[uri])
        ))
        return uri

    def replace(self, uri: str, text: str) -> None:
        self.texts[uri] = text
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        ))

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        ))

    async def actions(self, uri: str, line: int, only: list[str] | None = None) -> list[types.CodeAction]:
        where = types.Range(start=types.Position(line=line - 1, character=0),
                            end=types.Position(line=line - 1, character=80))
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=where,
            context=types.CodeActionContext(diagnostics=[], only=only),
        ))
        return [action for action in result or [] if isinstance(action, types.CodeAction)]

    def apply(self, uri: str, edit: types.WorkspaceEdit) -> None:
        """What a client does with a workspace/applyEdit (or a code action's edit)."""
        for change in edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document.uri == uri
            assert change.text_document.version == self.versions[uri]
            self.replace(uri, apply_edits(self.texts[uri], change.edits))


async def test_route_finding_from_an_unopened_module_then_from_its_unsaved_buffer(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "p"
    buffers, routes = await _open_routes(client, root)
    found = client.diagnostics[routes]
    first = found[0]
    assert first.source == "asynclint"
    assert first.severity == types.DiagnosticSeverity.Warning
    assert "help: " in first.message
    assert first.code_description is not None
    assert first.code_description.href.endswith("rules.md#al201-sync-session-in-async")
    assert set(first.data) == {"fix", "name"}
    database = buffers.open(root / "app/database.py")
    buffers.replace(database, ASYNC_DATABASE)
    assert codes(await wait_for(client, routes, lambda d: codes(d) == [(5, "AL202")])) == [(5, "AL202")]
    assert (root / "app/database.py").read_text() == SYNC_DATABASE  # never saved
    buffers.close(database)  # the file on disk stands for the module again
    await wait_for(client, routes, lambda d: codes(d) == [(5, "AL201")])
    buffers.close(routes)
    await wait_for(client, routes, lambda d: d == [])


SLEEPS = """\
import time
from sqlalchemy.ext.asyncio import AsyncSession


async def save(s: AsyncSession, x):
    time.sleep(1)
    await s.add(x)
    await s.commit()
"""


async def _open_routes(client: LanguageClient, root: Path) -> tuple[Buffers, str]:
    """A project whose routes.py has an AL201 from database.py's sync session factory."""
    write_project(root, {"app/database.py": SYNC_DATABASE, "app/routes.py": ROUTES})
    buffers = Buffers(client)
    routes = buffers.open(root / "app/routes.py")
    await wait_for(client, routes, lambda d: codes(d) == [(5, "AL201")])
    return buffers, routes


def _open_jobs(client: LanguageClient, root: Path, text: str = SLEEPS) -> tuple[Buffers, str]:
    write_project(root, {"app/jobs.py": text})
    buffers = Buffers(client)
    return buffers, buffers.open(root / "app/jobs.py")


async def test_quick_fix_removes_its_diagnostic_and_fix_all_applies_only_safe_fixes(
    client: LanguageClient, tmp_path: Path
) -> None:
    buffers, uri = _open_jobs(client, tmp_path / "q")
    assert codes(await wait_for(client, uri, bool)) == [(6, "AL101"), (7, "AL203")]
    titles = [action.title for action in await buffers.actions(uri, 6)]
    assert any("unsafe" in title for title in titles), titles
    assert "Disable AL101 for this line" in titles
    fix_all = await buffers.actions(uri, 1, only=[types.CodeActionKind.SourceFixAll])
    assert [action.kind for action in fix_all] == ["source.fixAll.asynclint"]
    buffers.apply(uri, fix_all[0].edit)
    after = await wait_for(client, uri, lambda d: codes(d) == [(6, "AL101")])
    assert "time.sleep(1)" in buffers.texts[uri]  # the unsafe fix was not applied
    assert codes(after) == [(6, "AL101")]
    quick = [a for a in await buffers.actions(uri, 6) if a.kind == types.CodeActionKind.QuickFix
             and a.title.startswith("Disable") is False]
    buffers.apply(uri, quick[0].edit)
    await wait_for(client, uri, lambda d: d == [])
    assert "await asyncio.sleep(1)" in buffers.texts[uri]
    buffers.close(uri)


async def test_disable_for_this_line_and_hover_on_the_noqa_code(
    client: LanguageClient, tmp_path: Path
) -> None:
    noqa_e501 = SLEEPS.replace("time.sleep(1)", "time.sleep(1)  # noqa: E501")
    buffers, uri = _open_jobs(client, tmp_path / "n", noqa_e501)
    await wait_for(client, uri, lambda d: (6, "AL101") in codes(d))
    noqa = [a for a in await buffers.actions(uri, 6) if a.title == "Disable AL101 for this line"]
    buffers.apply(uri, noqa[0].edit)
    await wait_for(client, uri, lambda d: codes(d) == [(7, "AL203")])
    line = buffers.texts[uri].splitlines()[5]
    assert line == "    time.sleep(1)  # noqa: AL101, E501"
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=5, character=line.index("AL101") + 2),
    ))
    assert result is not None and result.contents.value.startswith("AL101 (blocking-sleep)")
    assert "## What it does" in result.contents.value
    buffers.close(uri)


async def test_a_syntax_error_keeps_the_last_good_diagnostics_plus_al001(
    client: LanguageClient, tmp_path: Path
) -> None:
    buffers, uri = _open_jobs(client, tmp_path / "s")
    await wait_for(client, uri, bool)
    buffers.replace(uri, SLEEPS + "\ndef broken(:\n")
    found = await wait_for(client, uri, lambda d: "AL001" in {str(x.code) for x in d})
    assert codes(found) == [(6, "AL101"), (7, "AL203"), (10, "AL001")]
    assert await buffers.actions(uri, 6) == [
        a for a in await buffers.actions(uri, 6) if a.title.startswith("Disable")
    ]  # no fix offered from a text that is gone
    buffers.close(uri)


async def test_a_broken_configuration_is_one_message_and_the_server_goes_on(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "c"
    write_project(root, {"app/jobs.py": SLEEPS})
    (root / "pyproject.toml").write_text("[tool.asynclint]\nignore = ['AL999']\n")
    buffers = Buffers(client)
    uri = buffers.open(root / "app/jobs.py")
    assert codes(await wait_for(client, uri, bool)) == [(6, "AL101"), (7, "AL203")]
    buffers.replace(uri, SLEEPS + "\n")
    await asyncio.sleep(0.5)  # the second check, which must not say it again
    await wait_for(client, uri, lambda d: len(d) == 2)
    said = [m.message for m in client.messages if "AL999" in m.message]
    assert len(said) == 1 and "default configuration" in said[0]
    buffers.close(uri)


async def test_a_quick_fix_through_workspace_apply_edit_removes_its_diagnostic(
    client: LanguageClient, tmp_path: Path
) -> None:
    buffers, uri = _open_jobs(client, tmp_path / "a")
    await wait_for(client, uri, lambda d: codes(d) == [(6, "AL101"), (7, "AL203")])
    APPLY_EDITS.clear()
    applied = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="asynclint.applyFix", arguments=[uri, "AL203", 7, 11]
    ))
    assert applied is True and len(APPLY_EDITS) == 1
    buffers.apply(uri, APPLY_EDITS.pop())
    await wait_for(client, uri, lambda d: codes(d) == [(6, "AL101")])
    assert "    s.add(x)\n" in buffers.texts[uri]
    buffers.close(uri)


async def test_a_file_changed_on_disk_rechecks_the_open_documents_that_read_it(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "w"
    buffers, routes = await _open_routes(client, root)
    (root / "app/database.py").write_text(ASYNC_DATABASE)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(root / "app/database.py").as_uri(), type=types.FileChangeType.Changed)
    ]))
    await wait_for(client, routes, lambda d: codes(d) == [(5, "AL202")])
    buffers.close(routes)


async def test_on_save_checks_on_open_and_save_only(client: LanguageClient, tmp_path: Path) -> None:
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"asynclint": {"run": "onSave"}}
    ))
    try:
        buffers, uri = _open_jobs(client, tmp_path / "o")
        await wait_for(client, uri, lambda d: codes(d) == [(6, "AL101"), (7, "AL203")])
        buffers.replace(uri, SLEEPS.replace("    time.sleep(1)\n", ""))
        await asyncio.sleep(0.5)
        assert codes(client.diagnostics[uri]) == [(6, "AL101"), (7, "AL203")]
        (tmp_path / "o/app/jobs.py").write_text(buffers.texts[uri])
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        ))
        await wait_for(client, uri, lambda d: codes(d) == [(6, "AL203")])
        buffers.close(uri)
    finally:
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"asynclint": {"run": "onType"}}
        ))
