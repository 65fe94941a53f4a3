from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

_TK = enums.TransactionStmtKind
_OPEN = (_TK.TRANS_STMT_BEGIN, _TK.TRANS_STMT_START)
_CLOSE = (_TK.TRANS_STMT_COMMIT, _TK.TRANS_STMT_ROLLBACK)


@rule(
    name="transaction-nesting",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="BEGIN inside an open transaction, COMMIT/ROLLBACK with none open, or either "
    "when the runner already wraps the file",
    nodes=(ast.TransactionStmt,),
    bad="""
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    BEGIN;
    ALTER TABLE orders ADD COLUMN tag text;
    COMMIT;
    """,
    good="""
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    ALTER TABLE orders ADD COLUMN tag text;
    COMMIT;
    """,
    fix="Use one BEGIN ... COMMIT per transaction, and none at all when the migration runner "
    "wraps each file in a transaction (goose and dbmate do unless told otherwise; see "
    "`assume-in-transaction`).",
)
def check(node: ast.TransactionStmt, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL does not nest transactions. A second BEGIN only warns ("there is already a
    transaction in progress") and the first COMMIT then ends the *outer* transaction, so the
    statements after it run outside any transaction and are not rolled back if a later one
    fails. A COMMIT with no open transaction means the author believed something was atomic
    that was not. When the migration runner wraps the file, an explicit COMMIT commits the
    runner's transaction half way through the file."""
    if ctx.statement is None or ctx.statement.nested:
        return
    tx = ctx.tx
    kind = node.kind
    word = "BEGIN" if kind in _OPEN else "COMMIT" if kind == _TK.TRANS_STMT_COMMIT else "ROLLBACK"
    if kind in _OPEN:
        if tx.wrapped:
            yield Violation(
                f"{word} in a file that the migration runner already runs inside a transaction: "
                "it does not start a new one, and the COMMIT that follows ends the runner's "
                "transaction early"
            )
        elif tx.depth > 0:
            at = ctx.line_of(tx.begin_offset) if tx.begin_offset is not None else 0
            yield Violation(
                f"{word} inside a transaction already opened at line {at}: PostgreSQL does not "
                "nest transactions, the next COMMIT ends the outer one"
            )
    elif kind in _CLOSE:
        if tx.wrapped:
            yield Violation(
                f"{word} in a file that the migration runner runs inside a transaction: it ends "
                "the runner's transaction half way, so the rest of the file is not atomic"
            )
        elif tx.depth == 0:
            yield Violation(
                f"{word} with no transaction open: the statements before it were not atomic"
            )
