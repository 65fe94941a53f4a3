from collections.abc import Iterator

from pgarch_lint.analysis.migration import AT, existing_alter_target
from pgarch_lint.analysis.types import is_binary_coercible, normalize_type, serial_integer
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import q, table_label


@rule(
    name="changing-column-type",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="ALTER COLUMN ... TYPE on an existing table that rewrites it (binary-coercible "
    "changes such as varchar(n) to text are not flagged)",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE users ALTER COLUMN id TYPE bigint;
    """,
    good="""
    CREATE TABLE users (id bigint PRIMARY KEY, nickname varchar(20));
    -- a table created in the same migration is empty: no rewrite to worry about
    ALTER TABLE users ALTER COLUMN nickname TYPE varchar(50);
    """,
    fix="""
    Prefer a binary-coercible change (varchar(n) → varchar(m ≥ n) or text, numeric(p,s) →
    numeric(p2 ≥ p,s), cidr → inet): PostgreSQL then only updates the catalog. Otherwise:
    1. add a new column of the new type;
    2. keep it in sync (trigger or application dual writes) and backfill it in batches;
    3. swap the columns in a short transaction (rename), then drop the old one later.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """Changing a column's type rewrites the whole table and rebuilds every index that uses
    the column, under an ACCESS EXCLUSIVE lock: no reads or writes until it ends, which on a
    large table is minutes to hours. Changes that are binary coercible (the stored bytes stay
    valid: varchar(n) → varchar(m ≥ n), varchar → text, numeric(p,s) → numeric(p2 ≥ p,s) or
    unconstrained numeric, varbit widening, cidr → inet) only touch the catalog and are not
    flagged, as long as no USING expression recomputes the value. The current type comes from
    the catalog; when the column was never seen created, the message says its type is
    unknown. Tables created earlier in the same file are not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    cat = ctx.catalog
    table = cat.table(rel)
    for cmd in util.alter_cmds(node):
        if cmd.subtype != AT.AT_AlterColumnType or not isinstance(cmd.def_, ast.ColumnDef):
            continue
        name = cmd.name or ""
        new = normalize_type(cmd.def_.typeName)
        col = cat.column(table, name)
        using = cmd.def_.raw_default
        trivial_using = using is None or _trivial_using(using, name, new)
        head = f"ALTER COLUMN {q(name)} TYPE {new} on existing table {table_label(rel)}"
        lock = (
            "rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock: reads "
            "and writes wait for the whole rewrite"
        )
        if col is None:
            yield Violation(
                f"{head}: the column's current type is unknown (it was not created in the files "
                f"read), so this may be a change that {lock}",
                node=cmd.def_,
            )
            continue
        old = serial_integer(col.type)
        if is_binary_coercible(old, new) and trivial_using:
            continue
        why = f"(currently {col.type})"
        if not trivial_using:
            why = f"(currently {col.type}, and the USING expression recomputes every value)"
        note = ""
        if {old.split("(")[0], new.split("(")[0]} == {"timestamp", "timestamptz"}:
            note = (
                " unless the session TimeZone is UTC (PostgreSQL 12+ skips the rewrite only then)"
            )
        yield Violation(f"{head} {why} {lock}{note}", node=cmd.def_)


def _trivial_using(expr: object, column: str, new_type: str) -> bool:
    """USING col, or USING col::new_type: no value is recomputed beyond the type change."""
    if isinstance(expr, ast.TypeCast):
        if normalize_type(expr.typeName) != new_type:
            return False
        expr = expr.arg
    if isinstance(expr, ast.ColumnRef):
        parts = util.names_of(expr.fields)
        return bool(parts) and parts[-1] == column
    return False
