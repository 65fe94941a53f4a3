from collections.abc import Iterator

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.fixes import column_is_being_created, retype
from pgarch_lint.analysis.types import base_type, type_text, typmods
from pgarch_lint.api import Category, Context, Fix, Severity, Violation, ast, rule


@rule(
    name="prefer-text-field",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.INFO,
    summary="a column of type varchar(n)",
    nodes=(ast.ColumnDef,),
    bad="""
    CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL);
    """,
    good="""
    CREATE TABLE users (
        id bigint PRIMARY KEY,
        email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) <= 320)
    );
    """,
    fix="Declare the column `text`. If the length limit is a real business rule, enforce it "
    "with a named `CHECK (char_length(col) <= n)`: changing a CHECK later is `ADD CONSTRAINT "
    "... NOT VALID` + `VALIDATE CONSTRAINT`, which never blocks writes for long.",
    autofix="""
    Safe: `varchar(n)` becomes `text` (add a CHECK on `length()` if the limit is a real rule). Only on a column that a `CREATE TABLE` declares or that is added to a table created earlier
    in the same file (no row holds a value yet); not offered for a column that already holds
    data, where the change rewrites the table.
    """,
)
def check(node: ast.ColumnDef, ctx: Context) -> Iterator[Violation]:
    """`varchar(n)` is stored exactly like `text`, so the limit buys nothing in space or speed,
    but it is hard to change: shrinking it (or, before PostgreSQL 9.2, growing it) rewrites the
    table under an ACCESS EXCLUSIVE lock, and arbitrary limits such as 255 end up rejecting
    real data in production. A CHECK constraint expresses a real limit and can be replaced
    without a long lock."""
    site = column_site(node, ctx)
    if site is None or base_type(site.type_name) != "varchar" or not typmods(site.type_name):
        return
    fix = None
    if column_is_being_created(ctx, site):
        edit = retype(ctx, site.type_name, "varchar", "text")
        fix = Fix.safe("Declare the column text", edit) if edit is not None else None
    yield Violation(
        f"column {site.label} is {type_text(site.type_name)}: the length limit saves no space "
        "and changing it later means an ALTER COLUMN TYPE under an ACCESS EXCLUSIVE lock",
        node=site.type_name,
        fix=fix,
    )
