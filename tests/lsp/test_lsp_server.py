"""``pgarch-lint server`` end to end: the real server in a subprocess, driven by pygls's LSP
client over stdio (initialize, open, diagnostics, code actions, edits, hover, shutdown, exit).

Positions are checked against UTF-16 (or UTF-8) counts computed here, independently of the
server's own conversion.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from console import console_script
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

TIMEOUT = 60  # seconds; a lint takes milliseconds, starting Python on a busy machine longer
EMOJI = "\U0001f600"
SERVER = [sys.executable, "-m", "pgarch_lint", "server"]
# varchar(10) -> varchar(20) rewrites nothing, but only a replayed history knows the old type
WIDEN = "ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);\n"


class Client(LanguageClient):
    """pygls's client, remembering what the server published, logged and how it exited."""

    def __init__(self) -> None:
        super().__init__("pgarch-lint-tests", "1")
        self.published: dict[str, list[lsp.PublishDiagnosticsParams]] = {}
        self.logs: list[str] = []
        self.shown: list[str] = []
        self.returncode: int | None = None
        self.changed = asyncio.Event()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params)
            self.changed.set()

        @self.feature(lsp.WINDOW_LOG_MESSAGE)
        def _log(params: lsp.LogMessageParams) -> None:
            self.logs.append(params.message)
            self.changed.set()

        @self.feature(lsp.WINDOW_SHOW_MESSAGE)
        def _show(params: lsp.ShowMessageParams) -> None:
            self.shown.append(params.message)

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        self.returncode = server.returncode

    async def wait_for(self, ready: Callable[[], Any]) -> Any:
        async def loop() -> Any:
            while not (found := ready()):
                self.changed.clear()
                await self.changed.wait()
            return found

        return await asyncio.wait_for(loop(), TIMEOUT)

    async def diagnostics(self, uri: str, version: int) -> list[lsp.Diagnostic]:
        """The diagnostics published for ``version`` of the document."""

        def ready() -> lsp.PublishDiagnosticsParams | None:
            return next((p for p in self.published.get(uri, []) if p.version == version), None)

        found: lsp.PublishDiagnosticsParams = await self.wait_for(ready)
        return list(found.diagnostics)

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.as_uri()
        item = lsp.TextDocumentItem(uri=uri, language_id="sql", version=version, text=text)
        self.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        doc = lsp.VersionedTextDocumentIdentifier(uri=uri, version=version)
        change = lsp.TextDocumentContentChangeWholeDocument(text=text)
        self.text_document_did_change(
            lsp.DidChangeTextDocumentParams(text_document=doc, content_changes=[change])
        )

    async def actions(
        self, uri: str, rng: lsp.Range, only: list[str] | None = None
    ) -> list[lsp.CodeAction]:
        ctx = lsp.CodeActionContext(diagnostics=[], only=only)
        params = lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng, context=ctx
        )
        got = await self.text_document_code_action_async(params)
        return [a for a in got or [] if isinstance(a, lsp.CodeAction)]


def run(
    scenario: Callable[[Client], Awaitable[None]],
    root: Path,
    command: list[str] = SERVER,
    **init: Any,
) -> Client:
    """Start the server, initialize it with ``root`` as the workspace, play the scenario, shut
    down and exit; the client, for what the server sent."""

    async def main() -> Client:
        client = Client()
        await client.start_io(*command, cwd=str(root))
        try:
            await asyncio.wait_for(
                client.initialize_async(
                    lsp.InitializeParams(
                        capabilities=init.pop("capabilities", lsp.ClientCapabilities()),
                        root_uri=root.as_uri(),
                        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="ws")],
                        **init,
                    )
                ),
                TIMEOUT,
            )
            client.initialized(lsp.InitializedParams())
            await scenario(client)
            await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
            client.exit(None)
            await asyncio.wait_for(client.stop(), TIMEOUT)
        finally:
            if client._server is not None and client._server.returncode is None:
                client._server.kill()
        return client

    return asyncio.run(main())


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def position(text: str, offset: int, measure: Callable[[str], int] = utf16) -> lsp.Position:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return lsp.Position(line=line, character=measure(text[start:offset]))


def to_offset(text: str, pos: lsp.Position) -> int:
    start = 0
    for _ in range(pos.line):
        start = text.index("\n", start) + 1
    units = 0
    i = start
    while units < pos.character:
        units += utf16(text[i])
        i += 1
    return i


def apply(text: str, edit: lsp.WorkspaceEdit, uri: str) -> str:
    edits: list[lsp.TextEdit] = []
    if edit.document_changes:
        for change in edit.document_changes:
            assert isinstance(change, lsp.TextDocumentEdit) and change.text_document.uri == uri
            edits.extend(e for e in change.edits if isinstance(e, lsp.TextEdit))
    else:
        assert edit.changes is not None
        edits.extend(edit.changes[uri])
    spans = [
        (to_offset(text, e.range.start), to_offset(text, e.range.end), e.new_text) for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def by_rule(diagnostics: list[lsp.Diagnostic], rule: str) -> list[lsp.Diagnostic]:
    return [d for d in diagnostics if d.code == rule]


CAPABILITIES = lsp.ClientCapabilities(
    text_document=lsp.TextDocumentClientCapabilities(
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True),
        code_action=lsp.CodeActionClientCapabilities(
            resolve_support=lsp.ClientCodeActionResolveOptions(properties=["edit"])
        ),
    ),
    workspace=lsp.WorkspaceClientCapabilities(
        workspace_edit=lsp.WorkspaceEditClientCapabilities(document_changes=True)
    ),
)


def test_open_fix_change_and_the_diagnostic_is_gone(tmp_path: Path) -> None:
    """The issue's scenario: initialize → didOpen → diagnostics → codeAction → apply the edit
    → didChange → the diagnostic is gone → shutdown/exit. The history of the folder is
    replayed: the table of 001 is an existing one in 002."""
    (tmp_path / "pgarch-lint.toml").write_text(
        'ignore = ["missing-comment", "naming-constraint"]\n'
    )
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "001_create.sql").write_text(
        "CREATE TABLE orders (id bigint PRIMARY KEY, status text, note varchar(10));\n"
    )
    doc = migrations / "002_next.sql"
    doc.write_text("-- on disk: not what the editor shows\n")
    text = (
        f"-- {EMOJI} history\n"
        "CREATE INDEX ix_orders__status ON orders (status);\n"
        + WIDEN
        + f"CREATE TABLE events (id bigint PRIMARY KEY, note text DEFAULT '{EMOJI}', payload json);\n"
    )

    async def scenario(c: Client) -> None:
        uri = c.open(doc, text)
        diagnostics = await c.diagnostics(uri, 1)
        assert not by_rule(diagnostics, "missing-comment")  # the workspace's configuration
        (index,) = by_rule(diagnostics, "require-concurrent-index-creation")
        assert "existing table" in index.message
        assert not by_rule(diagnostics, "changing-column-type")  # 001 is replayed first
        (jsonb,) = by_rule(diagnostics, "prefer-jsonb")
        start = text.index("json)")
        assert jsonb.range == lsp.Range(start=position(text, start), end=position(text, start + 4))
        line_start = text.rindex("\n", 0, start) + 1
        assert jsonb.range.start.character == start - line_start + 1  # the emoji counts twice
        assert jsonb.source == "pgarch-lint"
        assert jsonb.severity == lsp.DiagnosticSeverity.Warning
        assert jsonb.code_description is not None
        assert jsonb.code_description.href.endswith("/prefer-jsonb.md")
        assert jsonb.related_information and jsonb.related_information[0].message.startswith(
            "help: "
        )

        # "fix all", resolved when chosen (this client can resolve an action's edit)
        (lazy,) = await c.actions(uri, jsonb.range, only=[lsp.CodeActionKind.SourceFixAll])
        assert lazy.kind == "source.fixAll.pgarch-lint" and lazy.edit is None
        resolved = await c.code_action_resolve_async(lazy)
        assert resolved.edit is not None
        assert apply(text, resolved.edit, uri) == text.replace("payload json", "payload jsonb")

        actions = await c.actions(uri, jsonb.range)
        fix = next(a for a in actions if a.is_preferred)
        assert fix.kind == lsp.CodeActionKind.QuickFix and fix.edit is not None
        assert fix.diagnostics and fix.diagnostics[0].code == "prefer-jsonb"
        fixed = apply(text, fix.edit, uri)
        assert fixed == text.replace("payload json", "payload jsonb")

        c.change(uri, fixed, 2)
        after = await c.diagnostics(uri, 2)
        assert not by_rule(after, "prefer-jsonb")
        assert by_rule(after, "require-concurrent-index-creation")

    client = run(scenario, tmp_path, capabilities=CAPABILITIES)
    assert client.returncode == 0
    assert not [m for m in client.logs if "internal error" in m]


def test_ignore_actions_fix_all_hover_and_bad_input(tmp_path: Path) -> None:
    """A client without related information, document changes or resolve: the help goes in
    the message, edits come as ``changes`` and "fix all" carries its edit at once. A document
    that does not parse gets syntax errors; a bad configuration is shown, not fatal."""
    text = (
        "CREATE TABLE events (id bigint PRIMARY KEY, a json, b json);\n"
        "  CREATE INDEX ix_orders__status ON orders (status);\n"
    )
    broken = "CREATE TABLE t (id bigint PRIMARY KEY,);\nDROP TABLE old_orders;\n"

    async def scenario(c: Client) -> None:
        uri = c.open(tmp_path / "001.sql", text)
        diagnostics = await c.diagnostics(uri, 1)
        (index,) = by_rule(diagnostics, "require-concurrent-index-creation")
        assert "\nhelp: " in index.message and not index.related_information

        hover = await c.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=index.range.start
            )
        )
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        assert hover.contents.kind == lsp.MarkupKind.Markdown
        assert hover.contents.value.startswith("# require-concurrent-index-creation\n")
        nothing = await c.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=lsp.Position(line=1, character=0),
            )
        )
        assert nothing is None

        actions = await c.actions(uri, index.range)
        titles = [a.title for a in actions]
        rule = "require-concurrent-index-creation"
        assert f"Ignore {rule} for this statement" in titles
        assert f"Ignore {rule} for this file" in titles
        statement = next(a for a in actions if a.title == f"Ignore {rule} for this statement")
        assert statement.edit is not None and statement.edit.changes is not None
        ignored = apply(text, statement.edit, uri)
        assert f"\n  -- pgarch-lint: ignore[{rule}]\n  CREATE INDEX" in ignored
        c.change(uri, ignored, 2)
        assert not by_rule(await c.diagnostics(uri, 2), rule)

        file_wide = next(a for a in actions if a.title == f"Ignore {rule} for this file")
        assert file_wide.edit is not None
        assert apply(text, file_wide.edit, uri).startswith(f"-- pgarch-lint: ignore-file[{rule}]\n")

        (fix_all,) = await c.actions(uri, index.range, only=[lsp.CodeActionKind.SourceFixAll])
        assert fix_all.kind == "source.fixAll.pgarch-lint" and fix_all.edit is not None
        fixed = ignored.replace(" json", " jsonb").replace(
            "id bigint PRIMARY KEY", "id bigint CONSTRAINT pk_events PRIMARY KEY"
        )
        assert apply(ignored, fix_all.edit, uri) == fixed
        assert not await c.actions(uri, index.range, only=["refactor"])

        bad = c.open(tmp_path / "002.sql", broken)
        bad_diagnostics = await c.diagnostics(bad, 1)
        (syntax,) = by_rule(bad_diagnostics, "syntax-error")
        assert syntax.severity == lsp.DiagnosticSeverity.Error and syntax.range.start.line == 0
        assert by_rule(bad_diagnostics, "ban-drop-table")  # the rest is still checked
        c.change(bad, "\x00\ud800 (((;", 2)  # garbage in: diagnostics out, the server lives
        assert by_rule(await c.diagnostics(bad, 2), "syntax-error")

        # typing: changes in quick succession are linted once, after the last one
        for version in range(3, 8):
            c.change(bad, f"DROP TABLE t{version};\n", version)
        assert by_rule(await c.diagnostics(bad, 7), "ban-drop-table")
        published = [p.version for p in c.published[bad]]
        assert published.count(7) == 1 and len(set(published) & {3, 4, 5, 6}) <= 1

        c.text_document_did_close(
            lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=bad))
        )
        await c.wait_for(lambda: c.published[bad][-1].version is None)
        assert not c.published[bad][-1].diagnostics

        # a bad configuration: shown once, no diagnostics, the server goes on
        conf = c.open(configured / "001.sql", "DROP TABLE t;\n")
        assert await c.diagnostics(conf, 1) == []
        c.change(conf, "DROP TABLE u;\n", 2)
        assert await c.diagnostics(conf, 2) == []

    configured = tmp_path / "bad-config"
    configured.mkdir()
    (configured / "pgarch-lint.toml").write_text('select = ["no-such-rule"]\n')
    client = run(scenario, tmp_path)
    assert len(client.shown) == 1 and "no-such-rule" in client.shown[0]  # shown once
    assert client.returncode == 0


def test_save_internal_errors_and_utf8_positions(tmp_path: Path) -> None:
    """A save relints the open documents (their history changed on disk). The server never
    dies on input: an internal error is logged to the client and that document gets no
    diagnostics; the next one is linted. This client prefers UTF-8 columns."""
    # the real server, with its lint made to fail on one document
    patched = [
        sys.executable,
        "-c",
        "import pgarch_lint.lsp.server as s\n"
        "real = s.lint_text\n"
        "def lint_text(setup, text):\n"
        "    if 'BOOM' in text:\n"
        "        raise RuntimeError('boom')\n"
        "    return real(setup, text)\n"
        "s.lint_text = lint_text\n"
        "s.serve()\n",
    ]
    text = f"SELECT '{EMOJI}'; CREATE TABLE t (id bigint PRIMARY KEY, p json);\n"

    async def scenario(c: Client) -> None:
        # the history is read from the disk: saving an earlier migration relints the others
        widen = c.open(tmp_path / "002_widen.sql", WIDEN)
        assert by_rule(await c.diagnostics(widen, 1), "changing-column-type")
        first = tmp_path / "001_create.sql"
        first.write_text("CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(10));\n")
        c.text_document_did_save(
            lsp.DidSaveTextDocumentParams(
                text_document=lsp.TextDocumentIdentifier(uri=first.as_uri())
            )
        )
        await c.wait_for(lambda: len(c.published[widen]) == 2)
        assert not by_rule(list(c.published[widen][-1].diagnostics), "changing-column-type")

        boom = c.open(tmp_path / "boom.sql", "-- BOOM\nDROP TABLE t;\n")
        assert await c.diagnostics(boom, 1) == []
        assert any("internal error" in m and "RuntimeError: boom" in m for m in c.logs)
        uri = c.open(tmp_path / "ok.sql", text)
        (jsonb,) = by_rule(await c.diagnostics(uri, 1), "prefer-jsonb")
        start = text.index("json)")
        assert jsonb.range.start == position(text, start, lambda s: len(s.encode("utf-8")))

    capabilities = lsp.ClientCapabilities(
        general=lsp.GeneralClientCapabilities(
            position_encodings=[lsp.PositionEncodingKind.Utf8, lsp.PositionEncodingKind.Utf16]
        )
    )
    client = run(scenario, tmp_path, patched, capabilities=capabilities)
    assert client.returncode == 0


def test_without_pygls_one_line_and_exit_2() -> None:
    code = "import sys\nsys.modules['pygls'] = None\nfrom pgarch_lint.cli import main\nmain(['server'])\n"
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert r.returncode == 2
    assert (
        r.stderr
        == "pgarch-lint: error: the language server needs pygls: pip install 'pgarch-lint[lsp]'\n"
    )
    assert r.stdout == ""


def test_the_server_process_is_not_a_one_run_process() -> None:
    """The console script marks its process as ending with the run (what it loads may be
    frozen out of the garbage collector's reach); the language server lives on."""
    r, one_run = console_script(
        ["server", "--stdio"],
        Path.cwd(),
        report="startup.ONE_RUN",
        setup=[
            "import pgarch_lint.lsp.server as s",
            "from pgarch_lint import startup",
            "s.serve = lambda: None",  # what the server would be is not the question
        ],
    )
    assert r.returncode == 0, r.stderr
    assert one_run == "False"
