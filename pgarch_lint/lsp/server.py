"""The language server over stdio, on pygls: ``pgarch-lint server``.

- Diagnostics for every open ``.sql`` document (or one the editor calls SQL): at once when it
  is opened or saved, :data:`DEBOUNCE_SECONDS` after the last change while it is typed. The
  document is linted as ``check`` lints it in its folder (see lint.py): its workspace's
  configuration, the earlier migrations of its folder replayed first. A diagnostic's code is
  the rule, its ``codeDescription`` the rule's page, its related information the help (or, for
  a client without related information, the help's own line in the message).
- Code actions: each fix of the findings in the range (``isPreferred`` when safe), "ignore
  <rule> for this statement" and "for this file" (suppression comments, see actions.py), and
  the source action ``source.fixAll.pgarch-lint`` (the safe fixes in passes, like
  ``check --fix``), computed when chosen if the client can resolve code actions.
- Hover on a finding: the rule's page, as ``pgarch-lint explain`` prints it.

Linting runs in one worker thread, so that the server keeps answering while a long history is
replayed. The text is synchronised whole on each change (migrations are small, and no edit
arithmetic can drift). Positions use the encoding negotiated at initialisation (text.py).
Nothing a document contains can stop the server: an internal error is logged to the client
(``window/logMessage``) and that document gets no diagnostics; a configuration error is shown
once (``window/showMessage``).
"""

from __future__ import annotations

import asyncio
import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from pgarch_lint import __version__
from pgarch_lint.errors import ConfigError
from pgarch_lint.findings import Finding
from pgarch_lint.lsp import actions
from pgarch_lint.lsp.lint import (
    DocumentLint,
    fix_all_safe,
    lint_text,
    prepare,
    rule_explanation,
    rule_url,
)
from pgarch_lint.lsp.text import UTF16, TextIndex

__all__ = ["DEBOUNCE_SECONDS", "FIX_ALL_KIND", "PgarchLanguageServer", "create_server", "serve"]

DEBOUNCE_SECONDS = 0.3
FIX_ALL_KIND = "source.fixAll.pgarch-lint"
SOURCE = "pgarch-lint"
SQL_LANGUAGES = frozenset({"sql", "pgsql", "postgres", "postgresql", "plpgsql"})
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}
# findings no comment can (or should) silence: a statement that does not parse, and the
# report of a suppression comment that suppresses nothing
_NO_IGNORE = frozenset({"syntax-error", "unused-suppression"})

T = TypeVar("T")


def _cap(obj: object, *path: str) -> Any:
    """A nested client capability (None when the client left any part of it out)."""
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _allowed(kind: str, only: Sequence[str] | None) -> bool:
    """Whether a code action of ``kind`` answers a request for the kinds ``only``
    (``source.fixAll`` asks for ``source.fixAll.pgarch-lint`` too)."""
    return only is None or any(kind == o or kind.startswith(o + ".") for o in only)


class PgarchLanguageServer(LanguageServer):
    """The server's state: the last lint of each open document and the pending ones."""

    def __init__(self) -> None:
        super().__init__(
            "pgarch-lint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full
        )
        self.results: dict[str, DocumentLint] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.inflight: dict[str, tuple[str, asyncio.Future[DocumentLint | None]]] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pgarch-lint")
        self.shown: set[str] = set()  # configuration errors already shown

    # --- the client and its documents ---------------------------------------------------------

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or UTF16)

    def document(self, uri: str) -> TextDocument | None:
        """The open document at ``uri`` (None when it is not open, or not SQL)."""
        docs = self.workspace.text_documents
        doc = docs.get(uri) or docs.get(unquote(uri))
        if doc is None:
            return None
        name = unquote(uri).lower().split("?", 1)[0]
        if name.endswith(".sql") or (doc.language_id or "").lower() in SQL_LANGUAGES:
            return doc
        return None

    def roots(self) -> list[Path]:
        uris = [f.uri for f in self.workspace.folders.values()]
        if not uris and self.workspace.root_uri:
            uris = [self.workspace.root_uri]
        return [Path(p) for p in map(_fs_path, uris) if p is not None]

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Error) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def config_problem(self, message: str) -> None:
        self.log(f"pgarch-lint: {message}", lsp.MessageType.Warning)
        if message not in self.shown:
            self.shown.add(message)
            self.window_show_message(
                lsp.ShowMessageParams(
                    type=lsp.MessageType.Warning, message=f"pgarch-lint: {message}"
                )
            )

    def internal_error(self, what: str) -> None:
        self.log(
            f"pgarch-lint: internal error {what} (please report it):\n{traceback.format_exc()}"
        )

    # --- linting ------------------------------------------------------------------------------

    async def in_worker(self, fn: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.worker, functools.partial(fn, *args))

    async def lint(self, uri: str, text: str) -> DocumentLint | None:
        """Lint ``text`` as the content of ``uri``; None after an error (reported). A lint of
        the same text already running is awaited, not repeated (a code action asked while the
        diagnostics are computed); cancelling one waiter does not cancel it for the others."""
        running = self.inflight.get(uri)
        if running is None or running[0] != text:
            running = (text, asyncio.ensure_future(self._lint(uri, text)))
            self.inflight[uri] = running
            running[1].add_done_callback(lambda _: self._done(uri, running))
        return await asyncio.shield(running[1])

    def _done(self, uri: str, running: tuple[str, asyncio.Future[DocumentLint | None]]) -> None:
        if self.inflight.get(uri) is running:
            del self.inflight[uri]

    async def _lint(self, uri: str, text: str) -> DocumentLint | None:
        path, roots = _fs_path(uri), self.roots()
        try:
            result = await self.in_worker(_lint_job, path, roots, uri, text)
        except ConfigError as exc:
            self.config_problem(str(exc))
            return None
        except Exception:
            self.internal_error(f"while linting {uri}")
            return None
        if self.document(uri) is not None:  # not closed meanwhile
            self.results[uri] = result
        return result

    async def current(self, uri: str, text: str) -> DocumentLint | None:
        """The lint of exactly ``text`` (the last one, or a new one)."""
        last = self.results.get(uri)
        if last is not None and last.text == text:
            return last
        return await self.lint(uri, text)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, instead of any lint still waiting."""
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._refresh(uri, delay))

    async def _refresh(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            doc = self.document(uri)
            if doc is None:
                return
            text, version = doc.source, doc.version
            result = await self.lint(uri, text)
            doc = self.document(uri)
            if doc is None or doc.source != text:
                return  # closed or changed meanwhile: its own lint follows
            diagnostics = [] if result is None else self.diagnostics(uri, result)
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            self.internal_error(f"while publishing the diagnostics of {uri}")
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.results.pop(uri, None)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # --- LSP shapes ---------------------------------------------------------------------------

    def range(self, index: TextIndex, start: int, end: int) -> lsp.Range:
        (sl, sc), (el, ec) = (
            index.position(start, self.encoding),
            index.position(end, self.encoding),
        )
        return lsp.Range(
            start=lsp.Position(line=sl, character=sc), end=lsp.Position(line=el, character=ec)
        )

    def offsets(self, index: TextIndex, r: lsp.Range) -> tuple[int, int]:
        enc = self.encoding
        return (
            index.offset(r.start.line, r.start.character, enc),
            index.offset(r.end.line, r.end.character, enc),
        )

    def diagnostics(self, uri: str, result: DocumentLint) -> list[lsp.Diagnostic]:
        return [self.diagnostic(uri, result, f) for f in result.findings]

    def diagnostic(self, uri: str, result: DocumentLint, f: Finding) -> lsp.Diagnostic:
        """The finding as a diagnostic (the same in a publication and in a code action)."""
        rng = self.range(result.index, *result.span(f))
        href = rule_url(f.rule)
        message, info = f.message, None
        related = _cap(
            self.client_capabilities, "text_document", "publish_diagnostics", "related_information"
        )
        if f.help and related:
            location = lsp.Location(uri=uri, range=rng)
            info = [lsp.DiagnosticRelatedInformation(location=location, message=f"help: {f.help}")]
        elif f.help:
            message = f"{message}\nhelp: {f.help}"
        return lsp.Diagnostic(
            range=rng,
            message=message,
            severity=SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Warning),
            code=f.rule,
            code_description=lsp.CodeDescription(href=href) if href else None,
            source=SOURCE,
            related_information=info,
        )

    def workspace_edit(
        self, doc: TextDocument, index: TextIndex, edits: Sequence[actions.Edit]
    ) -> lsp.WorkspaceEdit:
        text_edits = [
            lsp.TextEdit(range=self.range(index, start, end), new_text=new)
            for start, end, new in edits
        ]
        if _cap(self.client_capabilities, "workspace", "workspace_edit", "document_changes"):
            ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
            return lsp.WorkspaceEdit(
                document_changes=[lsp.TextDocumentEdit(text_document=ident, edits=list(text_edits))]
            )
        return lsp.WorkspaceEdit(changes={doc.uri: list(text_edits)})

    # --- code actions and hover -----------------------------------------------------------------

    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        doc = self.document(uri)
        if doc is None:
            return None
        result = await self.current(uri, doc.source)
        if result is None:
            return None
        only = params.context.only
        lo, hi = self.offsets(result.index, params.range)
        hits = [f for f in result.findings if _overlaps(result.span(f), lo, hi)]
        out: list[lsp.CodeAction] = []
        if _allowed(lsp.CodeActionKind.QuickFix, only):
            out.extend(self.fix_actions(doc, result, hits))
            out.extend(self.ignore_actions(doc, result, hits))
        if _allowed(FIX_ALL_KIND, only) and any(f.fix and f.fix.safe for f in result.findings):
            action = lsp.CodeAction(
                title="pgarch-lint: fix all safe findings",
                kind=FIX_ALL_KIND,
                data={"uri": uri},
            )
            resolvable = _cap(
                self.client_capabilities, "text_document", "code_action", "resolve_support"
            )
            if not (resolvable and "edit" in (resolvable.properties or ())):
                action = await self.resolve(action)
            out.append(action)
        return out

    def fix_actions(
        self, doc: TextDocument, result: DocumentLint, hits: list[Finding]
    ) -> list[lsp.CodeAction]:
        out = []
        for f in hits:
            if f.fix is None:
                continue
            edits = [(*result.edit_span(e), e.content) for e in f.fix.edits]
            out.append(
                lsp.CodeAction(
                    title=f.fix.title if f.fix.safe else f"{f.fix.title} (unsafe: review it)",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[self.diagnostic(doc.uri, result, f)],
                    is_preferred=f.fix.safe,
                    edit=self.workspace_edit(doc, result.index, edits),
                )
            )
        return out

    def ignore_actions(
        self, doc: TextDocument, result: DocumentLint, hits: list[Finding]
    ) -> list[lsp.CodeAction]:
        """One "ignore for this statement" per rule and statement, one "ignore for this file"
        per rule, each listing the diagnostics it silences."""
        by_statement: dict[tuple[str, actions.Edit], list[Finding]] = {}
        by_file: dict[str, list[Finding]] = {}
        for f in hits:
            if f.rule in _NO_IGNORE:
                continue
            edit = actions.ignore_statement(result.text, result.bom, result.span(f)[0], f.rule)
            if edit is not None:
                by_statement.setdefault((f.rule, edit), []).append(f)
            by_file.setdefault(f.rule, []).append(f)
        out = []
        for (rule, edit), found in by_statement.items():
            out.append(
                self._ignore(doc, result, f"Ignore {rule} for this statement", [edit], found)
            )
        for rule, found in by_file.items():
            edit = actions.ignore_file(result.text, result.bom, rule)
            out.append(self._ignore(doc, result, f"Ignore {rule} for this file", [edit], found))
        return out

    def _ignore(
        self,
        doc: TextDocument,
        result: DocumentLint,
        title: str,
        edits: list[actions.Edit],
        found: list[Finding],
    ) -> lsp.CodeAction:
        return lsp.CodeAction(
            title=title,
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[self.diagnostic(doc.uri, result, f) for f in found],
            edit=self.workspace_edit(doc, result.index, edits),
        )

    async def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        """Give the "fix all" action its edit: the safe fixes applied to the current text."""
        data = action.data if isinstance(action.data, dict) else {}
        doc = self.document(str(data.get("uri", "")))
        if action.kind != FIX_ALL_KIND or doc is None:
            return action
        text, uri = doc.source, doc.uri
        try:
            fixed = await self.in_worker(_fix_job, _fs_path(uri), self.roots(), uri, text)
        except ConfigError as exc:
            self.config_problem(str(exc))
            return action
        except Exception:
            self.internal_error(f"while fixing {uri}")
            return action
        doc = self.document(uri)
        if doc is None or doc.source != text or fixed == text:
            return action
        action.edit = self.workspace_edit(doc, TextIndex(text), [_minimal_edit(text, fixed)])
        return action

    async def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        uri = params.text_document.uri
        doc = self.document(uri)
        if doc is None:
            return None
        result = await self.current(uri, doc.source)
        if result is None:
            return None
        pos = params.position
        at = result.index.offset(pos.line, pos.character, self.encoding)
        hits = [f for f in result.findings if _covers(result.span(f), at)]
        if not hits:
            return None
        rules = list(dict.fromkeys(f.rule for f in hits))
        pages = await self.in_worker(lambda: [rule_explanation(r) or f"`{r}`" for r in rules])
        return lsp.Hover(
            contents=lsp.MarkupContent(
                kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(pages)
            ),
            range=self.range(result.index, *result.span(hits[0])),
        )


def _fs_path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    p = to_fs_path(uri)
    return Path(p) if p else None


def _lint_job(path: Path | None, roots: list[Path], uri: str, text: str) -> DocumentLint:
    return lint_text(prepare(path, roots, uri), text)


def _fix_job(path: Path | None, roots: list[Path], uri: str, text: str) -> str:
    return fix_all_safe(prepare(path, roots, uri), text)


def _overlaps(span: tuple[int, int], lo: int, hi: int) -> bool:
    return span[0] <= hi and lo <= span[1]


def _covers(span: tuple[int, int], at: int) -> bool:
    return span[0] <= at < max(span[1], span[0] + 1)


def _minimal_edit(old: str, new: str) -> actions.Edit:
    """One edit turning ``old`` into ``new``: the part between their common prefix and
    suffix (the cursor and the folds outside it stay put)."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return (head, len(old) - tail, new[head : len(new) - tail])


def create_server() -> PgarchLanguageServer:
    """The server with its features registered."""
    server = PgarchLanguageServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PgarchLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PgarchLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PgarchLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        """The saved document at once; the others soon: their history (or configuration,
        when the client tells of saving one) may have changed."""
        saved = unquote(params.text_document.uri)
        for doc in list(ls.workspace.text_documents.values()):
            if ls.document(doc.uri) is not None:
                ls.schedule(doc.uri, 0 if unquote(doc.uri) == saved else DEBOUNCE_SECONDS)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PgarchLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True
        ),
    )
    async def code_action(
        ls: PgarchLanguageServer, params: lsp.CodeActionParams
    ) -> list[lsp.CodeAction] | None:
        try:
            return await ls.code_actions(params)
        except Exception:
            ls.internal_error(f"in the code actions of {params.text_document.uri}")
            return None

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    async def code_action_resolve(
        ls: PgarchLanguageServer, action: lsp.CodeAction
    ) -> lsp.CodeAction:
        return await ls.resolve(action)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: PgarchLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        try:
            return await ls.hover(params)
        except Exception:
            ls.internal_error(f"in the hover of {params.text_document.uri}")
            return None

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: PgarchLanguageServer, params: None) -> None:
        for task in ls.pending.values():
            task.cancel()
        ls.pending.clear()
        ls.worker.shutdown(wait=False, cancel_futures=True)

    return server


def serve() -> None:
    """Run the server on stdin and stdout until the client says ``exit``. Anything else that
    would write to stdout (a rule pack's stray ``print``) goes to stderr instead, so that it
    cannot corrupt the protocol's stream."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    create_server().start_io(stdin, stdout)
