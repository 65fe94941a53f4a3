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
    "partition first; ADD CONSTRAINT ... UNIQUE on the parent then attaches those indexes "
    "instead of building new ones."
)


@rule(
    name="disallowed-unique-constraint",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="ADD CONSTRAINT ... UNIQUE or ADD COLUMN ... UNIQUE on an existing table without "
    "USING INDEX",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE users ADD CONSTRAINT uq_users__email UNIQUE (email);
    """,
    good="""
    CREATE UNIQUE INDEX CONCURRENTLY uq_users__email ON users (email);
    ALTER TABLE users ADD CONSTRAINT uq_users__email UNIQUE USING INDEX uq_users__email;
    """,
    fix="""
    1. `CREATE UNIQUE INDEX CONCURRENTLY uq_t__col ON t (col);` in a migration without a
       transaction (if it fails, drop the INVALID index and retry).
    2. `ALTER TABLE t ADD CONSTRAINT uq_t__col UNIQUE USING INDEX uq_t__col;` (a quick catalog
       change).
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A UNIQUE constraint is backed by a unique index, and ADD CONSTRAINT ... UNIQUE builds it
    under the ACCESS EXCLUSIVE lock of ALTER TABLE: no reads or writes for the whole build.
    The same happens for an inline UNIQUE on ADD COLUMN. Building the index with CREATE UNIQUE
    INDEX CONCURRENTLY first and attaching it with ADD CONSTRAINT ... UNIQUE USING INDEX only
    needs the lock for a moment. Tables created earlier in the same file are not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    table = ctx.catalog.table(rel)
    help_ = _PARTITIONED_HELP if table is not None and table.partitioned else None
    for cmd in util.alter_cmds(node):
        if cmd.subtype == AT.AT_AddColumn:
            col = added_column(cmd)
            if col is None or column_already_exists(cmd, rel, col.name, ctx):
                continue
            for con in col.has(CT.CONSTR_UNIQUE):
                yield Violation(
                    f"ADD COLUMN {q(col.name)} ... UNIQUE on existing table {table_label(rel)} "
                    "builds a unique index under an ACCESS EXCLUSIVE lock: reads and writes "
                    "wait for the whole build",
                    help="Add the column without UNIQUE, then build the unique index "
                    "CONCURRENTLY and attach it with ADD CONSTRAINT ... UNIQUE USING INDEX.",
                    node=con,
                )
        elif cmd.subtype == AT.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
            con = cmd.def_
            if con.contype != CT.CONSTR_UNIQUE or con.indexname:
                continue
            yield Violation(
                f"{add_label(con, 'UNIQUE')} on existing table {table_label(rel)} builds its "
                "unique index under an ACCESS EXCLUSIVE lock: reads and writes wait for the "
                "whole build",
                help=help_,
                node=con,
            )
