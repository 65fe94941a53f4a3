from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import existing_table_altered
from pgarch_lint.analysis.migration import (
    added_column,
    column_already_exists,
    column_is_new,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_AT = enums.AlterTableType


@rule(
    name="ban-alter-generated-expression",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="a generated column added to, or its expression changed on, an existing table",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TABLE order_lines ADD COLUMN line_total numeric
        GENERATED ALWAYS AS (quantity * unit_price) STORED;
    """,
    good="""
    CREATE TABLE cart_lines (id bigint PRIMARY KEY, quantity int NOT NULL, unit_price numeric);
    ALTER TABLE cart_lines ADD COLUMN line_total numeric
        GENERATED ALWAYS AS (quantity * unit_price) STORED;
    """,
    fix="""
    Introduce or change a computed value in steps:
    1. make every writer name its columns (no `INSERT ... SELECT *` from the table, no helper
       that writes back every column it read) and every reader tolerate the new values, and
       deploy that;
    2. add the generated column, or for a new expression add a second generated column and
       move readers to it;
    3. drop the old column in a later migration, once no version you may roll back to uses it.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A generated column refuses written values: an `INSERT` or `UPDATE` that supplies one
    fails ("cannot insert a non-DEFAULT value into column"). Adding one to an existing table
    breaks code still running during the deploy (or rolled back to) that writes back every
    column it read: generic row copies (`INSERT INTO t SELECT * FROM t WHERE ...`), reflective
    "save the whole row" helpers, and data fixes that set every column. `ALTER COLUMN ... SET
    EXPRESSION` recomputes every stored value (rewriting the table under an ACCESS EXCLUSIVE
    lock): the old version reads values with a meaning it does not expect, and rolling the
    application back does not restore them. Tables and columns created earlier in the same file
    (or migration unit) are new and not flagged, nor is `ALTER TABLE IF EXISTS` of a table the
    replayed history proves absent. `DROP EXPRESSION` is a different change, not reported here.
    Statements in a function body are skipped: they run when the routine is called, on objects
    unknown now."""
    rel = existing_table_altered(ctx, node)
    if rel is None:
        return
    table = util.rv_name(rel)
    for cmd in util.alter_cmds(node):
        if cmd.subtype == _AT.AT_SetExpression:
            if column_is_new(ctx, rel, cmd.name):
                continue
            yield Violation(
                f'SET EXPRESSION on column "{cmd.name}" of existing table "{table}" recomputes '
                "every value it holds: code still running (or rolled back to) reads values with "
                "another meaning",
                node=rel,
            )
            continue
        col = added_column(cmd)
        if col is None or col.generated is None:
            continue
        if column_already_exists(cmd, rel, col.name, ctx):
            continue
        yield Violation(
            f'ADD COLUMN "{col.name}" GENERATED ALWAYS AS (...) on existing table "{table}": '
            "code still running that writes back every column it read (INSERT INTO ... SELECT * "
            "from the table, whole-row updates) fails on it",
            node=col.coldef,
        )
