from collections.abc import Iterator

from pgarch_lint.analysis.migration import (
    AT,
    CT,
    added_column,
    column_already_exists,
    existing_alter_target,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import add_label, q, table_label

_PARTITIONED_HELP = (
    "A partitioned table cannot take USING INDEX: create the unique index CONCURRENTLY on each "
    "partition first; ADD PRIMARY KEY on the parent then attaches those indexes instead of "
    "building new ones (its columns must already be NOT NULL)."
)


@rule(
    name="adding-primary-key-constraint",
    aliases=("adding-serial-primary-key-field",),  # squawk's name
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="ADD PRIMARY KEY on an existing table without USING INDEX",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE items ADD PRIMARY KEY (id);
    """,
    good="""
    CREATE UNIQUE INDEX CONCURRENTLY pk_items ON items (id);
    ALTER TABLE items ADD CONSTRAINT pk_items PRIMARY KEY USING INDEX pk_items;
    """,
    fix="""
    1. Make the key columns NOT NULL first, without a long lock (CHECK (col IS NOT NULL) NOT
       VALID → VALIDATE → SET NOT NULL, see adding-not-nullable-field).
    2. `CREATE UNIQUE INDEX CONCURRENTLY pk_t ON t (id);` in a migration without a transaction.
    3. `ALTER TABLE t ADD CONSTRAINT pk_t PRIMARY KEY USING INDEX pk_t;` (a quick catalog change).
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """ADD PRIMARY KEY builds a unique index under the ACCESS EXCLUSIVE lock of ALTER TABLE,
    so no one can read or write the table for the whole build, and it also scans the table to
    make every key column NOT NULL. Building the index with CREATE UNIQUE INDEX CONCURRENTLY and
    then attaching it with ADD CONSTRAINT ... PRIMARY KEY USING INDEX keeps the long part
    lock-free. USING INDEX is flagged too when the catalog knows a key column is still
    nullable and no validated CHECK (col IS NOT NULL) proves it (PostgreSQL 12+): the NOT NULL
    scan then runs under the ACCESS EXCLUSIVE lock. Tables created earlier in the same file are
    not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    cat = ctx.catalog
    table = cat.table(rel)
    help_ = _PARTITIONED_HELP if table is not None and table.partitioned else None
    for cmd in util.alter_cmds(node):
        if cmd.subtype == AT.AT_AddColumn:
            col = added_column(cmd)
            if col is None or column_already_exists(cmd, rel, col.name, ctx):
                continue
            for con in col.has(CT.CONSTR_PRIMARY):
                yield Violation(
                    f"ADD COLUMN {q(col.name)} ... PRIMARY KEY on existing table "
                    f"{table_label(rel)} builds the primary-key index under an ACCESS EXCLUSIVE "
                    "lock: reads and writes wait for the whole build",
                    help="Add the column (nullable or with a constant default), backfill it, "
                    "then follow the CREATE UNIQUE INDEX CONCURRENTLY → ADD CONSTRAINT ... "
                    "PRIMARY KEY USING INDEX recipe.",
                    node=con,
                )
        elif cmd.subtype == AT.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
            con = cmd.def_
            if con.contype != CT.CONSTR_PRIMARY:
                continue
            if not con.indexname:
                yield Violation(
                    f"{add_label(con, 'PRIMARY KEY')} on existing table {table_label(rel)} "
                    "builds its unique index under an ACCESS EXCLUSIVE lock: reads and writes "
                    "wait for the whole build",
                    help=help_,
                    node=con,
                )
                continue
            ix = cat.index(con.indexname)
            if ix is None or table is None:
                continue
            nullable = [
                k.column
                for k in ix.keys
                if k.column is not None
                and (c := cat.column(table, k.column)) is not None
                and not c.not_null
                and not (ctx.pg_version >= 12 and cat.has_validated_not_null_check(table, k.column))
            ]
            if nullable:
                cols = ", ".join(q(c) for c in nullable)
                yield Violation(
                    f"{add_label(con, 'PRIMARY KEY')} USING INDEX {q(con.indexname)} on existing "
                    f"table {table_label(rel)} makes {cols} NOT NULL, which scans the whole table "
                    "under an ACCESS EXCLUSIVE lock",
                    help="Make the columns NOT NULL first with CHECK (col IS NOT NULL) NOT VALID "
                    "→ VALIDATE CONSTRAINT → SET NOT NULL (PostgreSQL 12+), then attach the "
                    "index.",
                    node=con,
                )
