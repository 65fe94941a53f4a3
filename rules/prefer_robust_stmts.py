from collections.abc import Iterator
from typing import cast

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_OT = enums.ObjectType
_AT = enums.AlterTableType
_DROP_KINDS = {
    _OT.OBJECT_TABLE: "TABLE",
    _OT.OBJECT_INDEX: "INDEX",
    _OT.OBJECT_VIEW: "VIEW",
    _OT.OBJECT_MATVIEW: "MATERIALIZED VIEW",
    _OT.OBJECT_SEQUENCE: "SEQUENCE",
    _OT.OBJECT_TYPE: "TYPE",
    _OT.OBJECT_DOMAIN: "DOMAIN",
    _OT.OBJECT_SCHEMA: "SCHEMA",
    _OT.OBJECT_FUNCTION: "FUNCTION",
    _OT.OBJECT_PROCEDURE: "PROCEDURE",
    _OT.OBJECT_TRIGGER: "TRIGGER",
    _OT.OBJECT_POLICY: "POLICY",
    _OT.OBJECT_EXTENSION: "EXTENSION",
}


@rule(
    name="prefer-robust-stmts",
    category=Category.HOUSEKEEPING,
    severity=Severity.INFO,
    summary="DDL that cannot be re-run after a partial failure (no IF [NOT] EXISTS) outside a "
    "transaction",
    nodes=(
        ast.CreateStmt,
        ast.IndexStmt,
        ast.AlterTableStmt,
        ast.DropStmt,
        ast.CreateSeqStmt,
        ast.CreateSchemaStmt,
        ast.CreateExtensionStmt,
    ),
    bad="""
    CREATE INDEX CONCURRENTLY ix_orders__status ON orders (status);
    """,
    good="""
    CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders__status ON orders (status);
    """,
    fix="Write CREATE ... IF NOT EXISTS, ADD COLUMN IF NOT EXISTS and DROP ... IF EXISTS, so "
    "that a migration that stopped half way can simply be run again.",
    default=False,
    strict=True,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """A migration that runs outside a transaction (required for CREATE INDEX CONCURRENTLY,
    and the default of several runners) is not atomic: when it fails half way, the statements
    before the failure stay applied. Re-running it then fails on the first CREATE that already
    happened, and someone has to repair the database by hand during an incident. Statements
    inside a transaction are rolled back together, so they are not flagged, except CREATE INDEX
    CONCURRENTLY: it never runs inside a transaction block (a runner that wraps the file has to
    run it on its own, or it fails), and when it fails it leaves an invalid index of that name
    behind, which stops a re-run that has no IF NOT EXISTS. An index without a name does not
    stop a re-run: it is built a second time under a new name, so it is reported too (IF NOT
    EXISTS needs a name). A temporary table created ON COMMIT DROP is gone when its transaction
    ends and is not reported."""
    if ctx.statement is not None and ctx.statement.nested:
        return
    if ctx.tx.in_transaction and not (isinstance(node, ast.IndexStmt) and node.concurrent):
        return
    if isinstance(node, ast.CreateStmt) and not node.if_not_exists:
        temporary = node.relation is not None and node.relation.relpersistence == "t"
        if temporary and node.oncommit == enums.OnCommitAction.ONCOMMIT_DROP:
            return  # gone when its transaction ends: a re-run creates it afresh
        yield Violation(
            f'CREATE TABLE "{util.rv_name(node.relation)}" without IF NOT EXISTS',
            node=node.relation,
        )
    elif isinstance(node, ast.IndexStmt) and not node.if_not_exists:
        if node.idxname:
            yield Violation(
                f'CREATE INDEX "{node.idxname}" without IF NOT EXISTS', node=node.relation
            )
        else:
            yield Violation(
                f'unnamed CREATE INDEX on "{util.rv_name(node.relation)}": a re-run builds a '
                "second, duplicate index under a new name (name it and write IF NOT EXISTS)",
                node=node.relation,
            )
    elif isinstance(node, ast.CreateSeqStmt) and not node.if_not_exists:
        yield Violation(
            f'CREATE SEQUENCE "{util.rv_name(node.sequence)}" without IF NOT EXISTS',
            node=node.sequence,
        )
    elif isinstance(node, ast.CreateSchemaStmt) and not node.if_not_exists:
        yield Violation(f'CREATE SCHEMA "{node.schemaname}" without IF NOT EXISTS')
    elif isinstance(node, ast.CreateExtensionStmt) and not node.if_not_exists:
        yield Violation(f'CREATE EXTENSION "{node.extname}" without IF NOT EXISTS')
    elif isinstance(node, ast.DropStmt) and not node.missing_ok:
        kind = _DROP_KINDS.get(node.removeType) if node.removeType is not None else None
        if kind is not None:
            names = ", ".join(".".join(n) for n in util.drop_targets(node))
            yield Violation(f'DROP {kind} "{names}" without IF EXISTS')
    elif isinstance(node, ast.AlterTableStmt):
        for c in util.alter_cmds(node):
            if c.subtype == _AT.AT_AddColumn and not c.missing_ok:
                col = c.def_.colname if isinstance(c.def_, ast.ColumnDef) else "?"
                yield Violation(
                    f'ADD COLUMN "{col}" without IF NOT EXISTS', node=cast(ast.Node, c.def_)
                )
            elif c.subtype in (_AT.AT_DropColumn, _AT.AT_DropConstraint) and not c.missing_ok:
                what = "COLUMN" if c.subtype == _AT.AT_DropColumn else "CONSTRAINT"
                yield Violation(f'DROP {what} "{c.name}" without IF EXISTS')
