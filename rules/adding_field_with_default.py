from collections.abc import Iterator

from pgarch_lint.analysis.migration import (
    added_column,
    column_already_exists,
    existing_alter_target,
    volatile_call,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import expr_text, q, table_label


@rule(
    name="adding-field-with-default",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="ADD COLUMN on an existing table with a default that rewrites it (volatile, any "
    "default before PostgreSQL 11, identity, serial or GENERATED ... STORED)",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE account ADD COLUMN ab_group integer DEFAULT floor(random() * 2);
    """,
    good="""
    ALTER TABLE account ADD COLUMN ab_group integer;
    ALTER TABLE account ALTER COLUMN ab_group SET DEFAULT floor(random() * 2);
    -- then backfill the existing rows in batches, in separate transactions
    """,
    fix="""
    1. Add the column without a default (or, from PostgreSQL 11, with a constant or stable one
       such as `now()`).
    2. `ALTER TABLE ... ALTER COLUMN ... SET DEFAULT ...` for new rows (no rewrite).
    3. Backfill the existing rows in batches, each in its own transaction.
    For an identity or generated column, add a plain column, backfill it, then attach the
    identity / compute it from a trigger.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """From PostgreSQL 11, ADD COLUMN with a non-volatile default only stores the value in the
    catalog: no rewrite. A volatile default (gen_random_uuid(), random(), clock_timestamp(),
    nextval() of a serial...) must be computed for every row, so PostgreSQL rewrites the whole
    table and its indexes under an ACCESS EXCLUSIVE lock: no reads or writes for the whole
    rewrite. Identity and GENERATED ... STORED columns are filled the same way. Before
    PostgreSQL 11 every non-NULL default rewrites the table. Functions the catalog saw created
    VOLATILE count as volatile; `now()` and other stable functions do not. Tables created
    earlier in the same file are not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    for cmd in util.alter_cmds(node):
        col = added_column(cmd)
        if col is None or column_already_exists(cmd, rel, col.name, ctx):
            continue
        why = _rewrite_reason(col.default, col.identity, col.generated, col.serial, col.type, ctx)
        if why is None:
            continue
        yield Violation(
            f"ADD COLUMN {q(col.name)} {why} rewrites existing table {table_label(rel)} and its "
            "indexes under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite",
            node=col.coldef,
        )


def _rewrite_reason(
    default: ast.Node | None,
    identity: bool,
    generated: str | None,
    serial: bool,
    type_: str,
    ctx: Context,
) -> str | None:
    if generated == "stored":
        return "GENERATED ... STORED (every row's value is computed)"
    if identity:
        return "GENERATED AS IDENTITY (every row gets a sequence value)"
    if serial:
        return f"of type {type_} (its nextval() default gives every row its own value)"
    if default is None:
        return None
    if ctx.pg_version < 11:
        return (
            f"with DEFAULT {expr_text(default)} (before PostgreSQL 11 any non-NULL default "
            "is written into every row)"
        )
    fn = volatile_call(default, ctx)
    if fn is not None:
        text = expr_text(default)
        if text.lower() == fn.lower():
            return f"with the volatile default {text} (computed for every row)"
        return f"with the volatile default {text} ({fn} is computed for every row)"
    return None
