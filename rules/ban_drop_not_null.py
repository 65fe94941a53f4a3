from collections.abc import Iterator

from pgarch_lint.analysis.migration import column_is_new, existed_before
from pgarch_lint.api import (
    Category,
    Context,
    Origin,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)


@rule(
    name="ban-drop-not-null",
    category=Category.COMPATIBILITY,
    severity=Severity.INFO,
    summary="ALTER COLUMN ... DROP NOT NULL on an existing table, or ALTER DOMAIN ... DROP NOT NULL",
    nodes=(ast.AlterTableStmt, ast.AlterDomainStmt),
    default=False,
    bad="""
    ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;
    """,
    good="""
    ALTER TABLE orders ALTER COLUMN customer_id SET DEFAULT 0;
    """,
    fix="""
    Before dropping NOT NULL, check every reader of the column (application code, reports,
    views, exports) handles NULL, and deploy those changes first; then drop it, noting the
    review in a suppression comment.
    """,
)
def check(node: ast.AlterTableStmt | ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    """Dropping NOT NULL is cheap for the database but changes the contract of the column:
    code that reads it (application models with non-optional fields, reports, joins, sums,
    exports) may assume a value is always there and break, or silently miscount, on the first
    NULL. It is often done to make a column droppable later, which deserves its own review.
    The same holds for a domain (every column of that domain may then hold NULL). Tables,
    domains and columns created earlier in the same file are not flagged. Foreign tables are
    not checked: the catalog does not replay CREATE FOREIGN TABLE, so it cannot tell an
    existing one from one this file created."""
    if isinstance(node, ast.AlterDomainStmt):
        yield from _domain(node, ctx)
        return
    rel = node.relation
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not existed_before(ctx, rel):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != enums.AlterTableType.AT_DropNotNull or column_is_new(ctx, rel, cmd.name):
            continue
        yield Violation(
            f'DROP NOT NULL on column "{cmd.name}" of existing table "{util.rv_name(rel)}": code '
            "that reads it may assume it is never NULL",
            node=rel,
        )


def _domain(node: ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    """ALTER DOMAIN ... DROP NOT NULL (subtype 'N') of a domain not created in this file."""
    if node.subtype != "N" or not node.typeName:
        return
    name = ".".join(util.names_of(node.typeName))
    typ = ctx.catalog.type(name)
    if typ is not None and ctx.catalog.origin_of(typ) is Origin.CURRENT_FILE:
        return
    yield Violation(
        f'DROP NOT NULL on existing domain "{name}": every column of that domain may now hold '
        "NULL, and code that reads them may assume it never does"
    )
