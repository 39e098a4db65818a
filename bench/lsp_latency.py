"""Language server latency: from `didChange` to `publishDiagnostics` for one open file, warm.

Starts `asynclint server` over stdio (a pygls client), opens the file, waits for its first
diagnostics (cold: the project walk, the checking process, the summaries), then makes EDITS
changes (a comment appended, a new text each time) and times each change until the server
publishes diagnostics for that version. The debounce is set to DEBOUNCE ms; the figures are
after it (published − sent − debounce). Not a test: an idle machine's figures go in the notes.

    python bench/lsp_latency.py --synthetic 500        # the 500-module synthetic app
    python bench/lsp_latency.py --file ~/.cache/asynclint-bench/src/homeassistant-2024.12.5/homeassistant/components/http/__init__.py
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate


async def measure(path: Path, edits: int, debounce: int) -> tuple[float, list[float], int]:
    client = LanguageClient("asynclint-bench", "1")
    published: dict[int | None, float] = {}
    counts: dict[int | None, int] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[params.version] = time.perf_counter()
        counts[params.version] = len(params.diagnostics)
        arrived.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    await client.start_io(sys.executable, "-m", "asynclint", "server")
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        initialization_options={"debounce": debounce},
    ))
    client.initialized(types.InitializedParams())
    uri, text = path.as_uri(), path.read_text(encoding="utf-8")

    async def wait(version: int) -> float:
        while version not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 600)
        return published[version]

    start = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
    ))
    cold = await wait(1) - start
    latencies = []
    for version in range(2, edits + 2):
        text += f"# edit {version}\n"
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        ))
        latencies.append(await wait(version) - sent - debounce / 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return cold, latencies, counts.get(edits + 1, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, metavar="N", help="generate an N-module app")
    parser.add_argument("--file", type=Path, help="an existing file of a project")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--debounce", type=int, default=300, help="ms (the server's default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        if args.synthetic:
            generate(Path(directory), args.synthetic)
            path = Path(directory) / "app" / f"m{args.synthetic - 1}.py"
        elif args.file:
            path = args.file.resolve()
        else:
            parser.error("give --synthetic N or --file PATH")
        cold, latencies, findings = asyncio.run(measure(path, args.edits, args.debounce))
    ms = sorted(1000 * value for value in latencies)
    print(f"{path.name}: first diagnostics {1000 * cold:.0f} ms (cold); didChange → "
          f"publishDiagnostics after the {args.debounce} ms debounce, warm, {len(ms)} edits: "
          f"median {statistics.median(ms):.0f} ms, p90 {ms[int(0.9 * (len(ms) - 1))]:.0f} ms, "
          f"max {ms[-1]:.0f} ms; {findings} diagnostics")


if __name__ == "__main__":
    main()
