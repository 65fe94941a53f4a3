from collections.abc import Iterator
from typing import cast

from pgarch_lint.analysis.fixes import insert_after_lead, insert_before_named
from pgarch_lint.api import (
    Category,
    Context,
    Edit,
    Fix,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)

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
    autofix="""
    Safe: `IF NOT EXISTS` is added to `CREATE TABLE`, `CREATE INDEX` (named),
    `CREATE SEQUENCE`, `CREATE SCHEMA`, `CREATE EXTENSION` and `ADD COLUMN`, and `IF EXISTS`
    to `DROP ...`, `DROP COLUMN` and `DROP CONSTRAINT`: the statement does the same on a
    first run, and nothing on a re-run. Not offered for an unnamed index (it needs a name).
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
            fix=_fix(
                insert_after_lead(ctx, _CREATE + r"(?:(?:temp|temporary|unlogged)\s+)?table", _INE)
            ),
        )
    elif isinstance(node, ast.IndexStmt) and not node.if_not_exists:
        if node.idxname:
            lead = _CREATE + r"(?:unique\s+)?index(?:\s+concurrently)?"
            yield Violation(
                f'CREATE INDEX "{node.idxname}" without IF NOT EXISTS',
                node=node.relation,
                fix=_fix(insert_after_lead(ctx, lead, _INE)),
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
            fix=_fix(
                insert_after_lead(
                    ctx, _CREATE + r"(?:(?:temp|temporary|unlogged)\s+)?sequence", _INE
                )
            ),
        )
    elif isinstance(node, ast.CreateSchemaStmt) and not node.if_not_exists:
        yield Violation(
            f'CREATE SCHEMA "{node.schemaname}" without IF NOT EXISTS',
            fix=_fix(insert_after_lead(ctx, _CREATE + "schema", _INE)),
        )
    elif isinstance(node, ast.CreateExtensionStmt) and not node.if_not_exists:
        yield Violation(
            f'CREATE EXTENSION "{node.extname}" without IF NOT EXISTS',
            fix=_fix(insert_after_lead(ctx, _CREATE + "extension", _INE)),
        )
    elif isinstance(node, ast.DropStmt) and not node.missing_ok:
        kind = _DROP_KINDS.get(node.removeType) if node.removeType is not None else None
        if kind is not None:
            names = ", ".join(".".join(n) for n in util.drop_targets(node))
            lead = r"drop\s+" + r"\s+".join(kind.lower().split()) + r"(?:\s+concurrently)?"
            yield Violation(
                f'DROP {kind} "{names}" without IF EXISTS',
                fix=_fix(insert_after_lead(ctx, lead, " IF EXISTS")),
            )
    elif isinstance(node, ast.AlterTableStmt):
        for c in util.alter_cmds(node):
            if c.subtype == _AT.AT_AddColumn and not c.missing_ok:
                col = (c.def_.colname if isinstance(c.def_, ast.ColumnDef) else None) or "?"
                yield Violation(
                    f'ADD COLUMN "{col}" without IF NOT EXISTS',
                    node=cast(ast.Node, c.def_),
                    fix=_fix(
                        insert_before_named(ctx, r"\badd\s+(?:column\s+)?", col, "IF NOT EXISTS ")
                    ),
                )
            elif c.subtype in (_AT.AT_DropColumn, _AT.AT_DropConstraint) and not c.missing_ok:
                what = "COLUMN" if c.subtype == _AT.AT_DropColumn else "CONSTRAINT"
                verb = r"\bdrop\s+(?:column\s+)?" if what == "COLUMN" else r"\bdrop\s+constraint\s+"
                yield Violation(
                    f'DROP {what} "{c.name}" without IF EXISTS',
                    fix=_fix(insert_before_named(ctx, verb, c.name or "", "IF EXISTS ")),
                )


_CREATE = r"create\s+(?:or\s+replace\s+)?"
_INE = " IF NOT EXISTS"


def _fix(edit: Edit | None) -> Fix | None:
    title = "Add IF NOT EXISTS" if edit is not None and "NOT" in edit.content else "Add IF EXISTS"
    return Fix.safe(title, edit) if edit is not None else None
