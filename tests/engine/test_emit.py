"""emit.py, spans.py and findings.fingerprint: from what a rule yields to the finding a run
reports (place, suppression, severity, fingerprint)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from pgarch_lint import sql
from pgarch_lint.api import (
    Category,
    Context,
    EndOfRun,
    FileInfo,
    Loc,
    Severity,
    Statement,
    Violation,
    ast,
    rule,
)
from pgarch_lint.catalog import Catalog
from pgarch_lint.config import Settings
from pgarch_lint.emit import FindingMaker, place
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding, fingerprint
from pgarch_lint.source import load_source
from pgarch_lint.spans import node_spans, token_end
from pgarch_lint.suppress import Suppressions, attach, parse_directives
from pgarch_lint.transaction import TxState

TEXT = "SELECT 1;\nUPDATE orders SET total = 0\n  WHERE id = 1;\n"


def _ctx(text: str = TEXT) -> tuple[Context, Any]:
    """A context on the UPDATE statement of ``text``, and its RangeVar node."""
    start = text.index("UPDATE")
    end = text.index(";", start) + 1
    [node] = sql.parse_text(text[start:end])
    stmt = Statement(node, start, end, text[start:end])
    spans = node_spans(text, start, stmt, True)
    ctx = Context(Catalog(), FileInfo("m.sql", None, False), TxState(), 17, None, stmt, (), spans)
    return ctx, node.relation


def test_token_end() -> None:
    text = 'a "quoted "" name" b::int <> c'
    assert token_end(text, 0) == 1
    assert token_end(text, 2) == text.index(" b")
    assert token_end(text, text.index("::")) == text.index("int")
    assert token_end(text, text.index("<>")) == text.index("<>") + 2
    assert token_end(text, len(text)) == len(text)


def test_node_spans() -> None:
    ctx, rel = _ctx()
    stmt = ctx.statement
    assert stmt is not None
    assert ctx.span(rel) == (TEXT.index("orders"), TEXT.index("orders") + len("orders"))
    assert ctx.span(stmt.node) == (stmt.start, stmt.end)
    loose = node_spans(TEXT, stmt.start, stmt, False)  # offsets that do not map to the file
    assert loose(rel, ()) == (stmt.start, stmt.end)


def test_place() -> None:
    ctx, rel = _ctx()
    stmt = ctx.statement
    assert stmt is not None
    at = Loc("m.sql", stmt.start, stmt.end)
    where = TEXT.index("total")
    # inside a recorded statement: there, anchored at the statement
    assert place(Violation("m", at=at, start=where), ctx, TEXT) == (where, where + 5, stmt.start)
    # a recorded statement: its first line
    first_line_end = TEXT.index("\n", stmt.start)
    assert place(Violation("m", at=at), ctx, TEXT) == (stmt.start, first_line_end, stmt.start)
    # offsets alone
    assert place(Violation("m", start=where, end=where + 2), ctx, TEXT) == (where, where + 2, where)
    # a node, or the statement itself
    assert place(Violation("m", node=rel), ctx, TEXT) == (*ctx.span(rel), stmt.start)
    assert place(Violation("m"), ctx, TEXT) == (stmt.start, stmt.end, stmt.start)


def test_fingerprint_hashes_rule_path_statement_and_message() -> None:
    key = b"r\0a.sql\0SELECT 1\0msg"
    assert fingerprint("r", "a.sql", "SELECT 1", "msg") == hashlib.sha1(key).hexdigest()[:16]
    assert fingerprint("r", "a\udcff.sql", "", "m")  # a non-UTF-8 file name does not raise


def _maker(text: str = TEXT, **settings: Any) -> tuple[FindingMaker, Any, Any, Suppressions]:
    src = load_source(text.encode(), "m.sql")
    comments = [(c.start, c.end, c.text) for c in src.comments]
    spans = [(c.start, c.end) for c in src.chunks]
    supp = attach(parse_directives(comments), spans, src.text)
    return FindingMaker([_update, _unused], Settings(**settings)), src, spans, supp


def test_make_stamps_the_rule_and_the_place() -> None:
    maker, src, _, supp = _maker()
    ctx, rel = _ctx()
    f = maker.make(_update, Violation("no WHERE", node=rel), ctx, src, supp, "rel/m.sql")
    assert f is not None
    assert (f.rule, f.category, f.severity, f.path) == (
        "update-test",
        "correctness",
        "warning",
        "m.sql",
    )
    assert (f.line, f.column, f.end_line, f.end_column) == (2, 8, 2, 14)
    assert f.help == "Add a WHERE clause." and f.source_line == "UPDATE orders SET total = 0"
    assert f.fingerprint == fingerprint(
        "update-test", "rel/m.sql", "UPDATE orders SET total = 0 WHERE id = 1;", "no WHERE"
    )


def test_make_severity_the_users_then_the_violations_then_the_rules() -> None:
    ctx, rel = _ctx()
    v = Violation("m", node=rel, severity=Severity.INFO)
    maker, src, _, supp = _maker()
    assert (f := maker.make(_update, v, ctx, src, supp, "m.sql")) and f.severity == "info"
    maker, src, _, supp = _maker(severity={"update-test": "error"})
    assert (f := maker.make(_update, v, ctx, src, supp, "m.sql")) and f.severity == "error"


def test_make_redacts_and_suppresses() -> None:
    ctx, rel = _ctx()
    maker, src, _, supp = _maker()
    f = maker.make(_update, Violation("secret", node=rel, redact=True), ctx, src, supp, "m.sql")
    assert f is not None and f.source_line == ""
    assert f.fingerprint == fingerprint("update-test", "m.sql", "", "secret")
    text = TEXT.replace("UPDATE", "-- pgarch-lint: ignore[update-test, unused-test]\nUPDATE")
    ctx, rel = _ctx(text)
    maker, src, _, supp = _maker(text)
    assert maker.make(_update, Violation("m", node=rel), ctx, src, supp, "m.sql") is None
    # the rule that reports suppressions is never suppressed itself
    assert maker.make(_unused, Violation("m", node=rel), ctx, src, supp, "m.sql") is not None


def test_a_moved_statement_keeps_its_fingerprint() -> None:
    def run(text: str) -> list[Finding]:
        return Engine(Settings(), [_update]).run([FileInput("m.sql", text.encode())]).findings

    [a] = run(TEXT)
    [b] = run("\n\n-- moved\n" + TEXT.replace("  WHERE", "WHERE"))
    assert (a.line, b.line) == (2, 5)
    assert a.fingerprint == b.fingerprint


@rule(
    name="update-test",
    category=Category.CORRECTNESS,
    severity=Severity.WARNING,
    summary="test rule",
    nodes=(ast.UpdateStmt,),
    bad="UPDATE t SET a = 1;",
    good="SELECT 1;",
    fix="Add a WHERE clause.",
)
def _update(node: ast.UpdateStmt, ctx: Context) -> Iterator[Violation]:
    """Reports every UPDATE at its table."""
    yield Violation("no WHERE", node=node.relation)


@rule(
    name="unused-suppression",
    category=Category.HOUSEKEEPING,
    severity=Severity.INFO,
    summary="test rule",
    nodes=(EndOfRun,),
    bad="SELECT 1;",
    good="SELECT 1;",
    fix="none",
)
def _unused(node: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """Stands for the rule that reports suppressions."""
    yield from ()
