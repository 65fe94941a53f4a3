from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.analysis.keys import narrow_integer_columns
from pgarch_lint.api import Category, Context, Severity, Violation, ast, option, rule

from ._report import narrow_key_message


@dataclass(frozen=True)
class Options:
    all_columns: bool = option(
        False,
        "Flag every smallint/smallserial column, not only primary-key, identity and "
        "foreign-key columns.",
    )


@rule(
    name="prefer-bigint-over-smallint",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="smallint or smallserial used for a primary-key, identity or foreign-key column",
    nodes=(ast.ColumnDef, ast.Constraint),
    options=Options,
    bad="""
    CREATE TABLE regions (id smallserial PRIMARY KEY, name text NOT NULL);
    """,
    good="""
    CREATE TABLE regions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL,
        sort_order smallint NOT NULL DEFAULT 0
    );
    """,
    fix="Declare key columns `bigint` (identity: `bigint GENERATED ALWAYS AS IDENTITY`; "
    "sequences: `bigserial`), and make foreign-key columns `bigint` to match. A small "
    "lookup table loses little by it, and never has to be migrated.",
)
def check(node: ast.ColumnDef | ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """A 16-bit key runs out at 32,767. Even a "small" lookup table gets there sooner than
    expected: a sequence burns values on every rolled-back insert and on upserts that end in
    an update, and rows that are deleted and re-created use new ids. Then every insert fails,
    and widening the column is `ALTER COLUMN ... TYPE bigint`: a rewrite of the table, its
    indexes and every referencing foreign-key column under an ACCESS EXCLUSIVE lock. bigint
    costs six more bytes per row (often nothing, after alignment padding). Members of
    composite keys (a retry count, a version number) are not ids and are left alone unless
    they draw from a sequence; with the `all-columns` option every 16-bit column is reported.
    32-bit keys are reported by `prefer-bigint-over-int`."""
    opts: Options = ctx.options or Options()
    for col in narrow_integer_columns(node, ctx, all_columns=opts.all_columns):
        if col.integer == "smallint":
            yield Violation(narrow_key_message(col), node=col.node)
