from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import ObjectRef, is_new
from pgarch_lint.analysis.migration import column_is_new, existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, deparse, enums, rule, util

_AT = enums.AlterTableType


def _unchanged_or_always_written(
    node: ast.AlterTableStmt, cmd: ast.AlterTableCmd, ctx: Context
) -> bool:
    """The column already has this default, or it is NOT NULL without a default, so that
    every insert that succeeds today writes it explicitly (old code never sees a default)."""
    table = ctx.catalog.table(node.relation) if node.relation is not None else None
    col = ctx.catalog.column(table, cmd.name or "")
    if col is None:
        return False
    if col.default is not None and cmd.def_ is not None and col.default == deparse(cmd.def_):
        return True
    return col.not_null and col.default is None and not col.identity and not col.generated


@rule(
    name="ban-set-default",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER COLUMN ... SET DEFAULT on an existing column (or ALTER DOMAIN ... SET DEFAULT)",
    nodes=(ast.AlterTableStmt, ast.AlterDomainStmt),
    default=False,
    bad="""
    ALTER TABLE orders ALTER COLUMN currency SET DEFAULT 'EUR';
    """,
    good="""
    CREATE TABLE carts (id bigint PRIMARY KEY, channel text);
    ALTER TABLE carts ALTER COLUMN channel SET DEFAULT 'web';
    """,
    fix="""
    Change a default only when no running code relies on the old one:
    1. make the application write the column explicitly in every insert, and deploy that
       everywhere, including the releases you may roll back to;
    2. change the default in a later migration, noting in a suppression comment which
       release started writing the column.
    """,
)
def check(node: ast.AlterTableStmt | ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    """Inserts that leave a column out take its default. Changing the default changes the
    value every such insert from the code still running (during a rolling deploy, or after
    an application-only rollback, which does not restore the old default) stores, without
    any error: rows get a currency, a status or a flag the old code never meant. Changing a
    domain's default does the same for every column of the domain. Tables and columns
    created earlier in the same file (or migration unit), domains created there, a default
    set to the value it already has, and a NOT NULL column without a default (every insert
    that succeeds names it, so none of them sees the new default) are not flagged; `DROP
    DEFAULT` is left to `ban-drop-default`."""
    if isinstance(node, ast.AlterDomainStmt):
        if node.subtype != "T" or node.def_ is None:
            return
        names = tuple(util.names_of(node.typeName))
        ref = ObjectRef("domain", names)
        if not names or is_new(ctx, ref):
            return
        td = ctx.catalog.type(ref.name)
        if td is not None and td.default is not None and td.default == deparse(node.def_):
            return
        yield Violation(
            f'SET DEFAULT on existing domain "{ref.name}" changes what running code\'s inserts '
            "store in every column of the domain they leave out"
        )
        return
    rel = node.relation
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not existed_before(ctx, rel):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != _AT.AT_ColumnDefault or cmd.def_ is None:
            continue
        if column_is_new(ctx, rel, cmd.name) or _unchanged_or_always_written(node, cmd, ctx):
            continue
        yield Violation(
            f'SET DEFAULT on column "{cmd.name}" of existing table "{util.rv_name(rel)}" changes '
            "what running code's inserts that leave it out store",
            node=rel,
        )
