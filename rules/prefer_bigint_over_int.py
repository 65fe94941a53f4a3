from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.analysis.keys import narrow_integer_columns
from pgarch_lint.api import Category, Context, Severity, Violation, ast, option, rule

from ._report import narrow_key_message


@dataclass(frozen=True)
class Options:
    all_columns: bool = option(
        False,
        "Flag every integer/serial column, not only primary-key, identity and foreign-key columns.",
    )


@rule(
    name="prefer-bigint-over-int",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="integer or serial used for a primary-key, identity or foreign-key column",
    nodes=(ast.ColumnDef, ast.Constraint),
    options=Options,
    bad="""
    CREATE TABLE orders (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
    """,
    good="""
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id),
        quantity integer NOT NULL
    );
    """,
    fix="Declare key columns `bigint` (identity: `bigint GENERATED ALWAYS AS IDENTITY`; "
    "sequences: `bigserial`), and make foreign-key columns `bigint` to match. The extra four "
    "bytes per row are cheap next to migrating a full table later.",
)
def check(node: ast.ColumnDef | ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """A 32-bit key runs out at 2,147,483,647: busy tables (events, logs, line items) reach
    that within years, sequences also burn values on rolled-back inserts, and when it happens
    every insert fails. Widening the column then is `ALTER COLUMN ... TYPE bigint`, which
    rewrites the table and all its indexes under an ACCESS EXCLUSIVE lock, and has to be
    repeated on every referencing foreign-key column: a multi-hour outage or a long dual-write
    migration. bigint costs four more bytes per row. Members of composite keys (a retry
    count, a version number) are not ids and are left alone unless they draw from a sequence.
    16-bit keys (`smallint`, `smallserial`) are reported by `prefer-bigint-over-smallint`."""
    opts: Options = ctx.options or Options()
    for col in narrow_integer_columns(node, ctx, all_columns=opts.all_columns):
        if col.integer == "integer":
            yield Violation(narrow_key_message(col), node=col.node)
