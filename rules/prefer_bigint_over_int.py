from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.fixes import column_is_being_created, retype
from pgarch_lint.analysis.keys import NarrowColumn, narrow_integer_columns
from pgarch_lint.api import Category, Context, Fix, Severity, Violation, ast, option, rule

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
    autofix="""
    Safe: `int` / `integer` becomes `bigint` on a primary-key, identity or sequence-fed column
    that a `CREATE TABLE` declares or that is added to a table created earlier in the same
    file. Not offered for foreign-key columns (they follow the referenced column's type), for
    serial columns (see `prefer-identity`), nor for columns that already hold data.
    """,
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
            yield Violation(narrow_key_message(col), node=col.node, fix=_fix(node, col, ctx))


def _fix(node: ast.ColumnDef | ast.Constraint, col: NarrowColumn, ctx: Context) -> Fix | None:
    """int -> bigint on a key column no row has filled yet; not on a foreign-key column (it
    must keep the referenced column's type) nor on serial (prefer-identity's fix)."""
    if not isinstance(node, ast.ColumnDef) or col.role in ("foreign-key", "serial"):
        return None
    site = column_site(node, ctx)
    if site is None or col.node is not site.type_name or not column_is_being_created(ctx, site):
        return None
    edit = retype(ctx, site.type_name, "integer", "bigint")
    return Fix.safe("Declare the column bigint", edit) if edit is not None else None
