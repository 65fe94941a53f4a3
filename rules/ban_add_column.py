from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import existing_table_altered
from pgarch_lint.analysis.migration import added_column, column_already_exists
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_OT = enums.ObjectType
_TABLES = frozenset({_OT.OBJECT_TABLE, _OT.OBJECT_FOREIGN_TABLE})


@rule(
    name="ban-add-column",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER TABLE ... ADD COLUMN on an existing table",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TABLE invoices ADD COLUMN paid_at timestamptz;
    """,
    good="""
    CREATE TABLE invoice_notes (id bigint PRIMARY KEY, invoice_id bigint NOT NULL);
    ALTER TABLE invoice_notes ADD COLUMN body text;
    """,
    fix="""
    Before adding the column, make sure every deployed version (and every version you may roll
    back to) reads and writes the table by column name:
    1. replace `SELECT *` that feeds positional decoding, `INSERT INTO ... SELECT *` copies
       and `COPY table FROM` without a column list with explicit column lists, and deploy that;
    2. add the column as nullable (or with a constant default), then start using it;
    3. once checked, record it in a suppression comment.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A new column changes the shape of every row the table returns. Code that names its
    columns does not notice, but code that does not breaks, in the version still running during
    a rolling deploy and in the one a rollback returns to: `SELECT *` decoded by position or
    into strict row types gets an unexpected column, `INSERT INTO archive SELECT * FROM t` into
    a table of the old shape fails ("more expressions than target columns"), `COPY t FROM`
    without a column list rejects the old data ("missing data for column"), and `UNION` of
    `SELECT *` from tables that had the same columns fails. Tables created earlier in the same
    file (or migration unit) are new and not flagged, nor is `ADD COLUMN IF NOT EXISTS` of a
    column the table is known to have already, nor `ALTER TABLE IF EXISTS` of a table the
    replayed history proves absent. Statements in a function body are skipped: they run when the
    routine is called, on objects unknown now."""
    rel = existing_table_altered(ctx, node, _TABLES)
    if rel is None:
        return
    kind = "foreign table" if node.objtype == _OT.OBJECT_FOREIGN_TABLE else "table"
    for cmd in util.alter_cmds(node):
        col = added_column(cmd)
        if col is None or column_already_exists(cmd, rel, col.name, ctx):
            continue
        yield Violation(
            f'ADD COLUMN "{col.name}" on existing {kind} "{util.rv_name(rel)}" changes the shape '
            "of its rows: code still running that reads them with SELECT * by position, or copies "
            "them with INSERT ... SELECT * or COPY without a column list, can break",
            node=col.coldef,
        )
