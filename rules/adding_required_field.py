from collections.abc import Iterator

from pgarch_lint.analysis.migration import (
    added_column,
    column_already_exists,
    domain_default,
    existing_alter_target,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import q, table_label


@rule(
    name="adding-required-field",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE recipe ADD COLUMN is_public boolean NOT NULL;
    """,
    good="""
    ALTER TABLE recipe ADD COLUMN is_public boolean NOT NULL DEFAULT false;
    """,
    fix="""
    Either give the column a constant DEFAULT (PostgreSQL 11+ adds it without a rewrite), or:
    1. add it nullable;
    2. deploy code that writes it, and backfill the old rows in batches;
    3. make it NOT NULL with the CHECK (col IS NOT NULL) NOT VALID → VALIDATE → SET NOT NULL
       recipe (see adding-not-nullable-field).
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A NOT NULL column with no DEFAULT would be NULL in every existing row, so PostgreSQL
    refuses it ("column contains null values") as soon as the table has one row: the migration
    passes on an empty development database and fails in production. Even on an empty table,
    application code that does not know the column yet can no longer insert. Identity,
    generated and serial columns (they produce a value), columns of a domain type with a
    default, and tables created earlier in the same file are not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    for cmd in util.alter_cmds(node):
        col = added_column(cmd)
        if col is None or not col.not_null:
            continue
        if col.default is not None or col.identity or col.generated or col.serial:
            continue
        if column_already_exists(cmd, rel, col.name, ctx):
            continue
        if domain_default(col.type, ctx):
            continue
        yield Violation(
            f"ADD COLUMN {q(col.name)} {col.type} NOT NULL without a DEFAULT on existing table "
            f'{table_label(rel)} fails as soon as the table has a row ("column contains null '
            'values"), and old code that does not set it can no longer insert',
            node=col.coldef,
        )
