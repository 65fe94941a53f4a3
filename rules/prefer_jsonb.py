from collections.abc import Iterator

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.fixes import column_is_being_created, replace_type_word
from pgarch_lint.analysis.types import base_type, type_text
from pgarch_lint.api import Category, Context, Fix, Severity, Violation, ast, rule


@rule(
    name="prefer-jsonb",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a column of type json",
    nodes=(ast.ColumnDef,),
    bad="""
    CREATE TABLE webhooks (id bigint PRIMARY KEY, payload json NOT NULL);
    """,
    good="""
    CREATE TABLE webhooks (id bigint PRIMARY KEY, payload jsonb NOT NULL);
    """,
    fix="Declare the column `jsonb`. Keep `json` only when the exact input text (key order, "
    "duplicate keys, whitespace) must be preserved, and say so in a suppression comment.",
    autofix="""
    Safe: `json` becomes `jsonb` on a column that a `CREATE TABLE` declares or that is added to
    a table created earlier in the same file (no row holds a value yet). Not offered for a
    column that already holds data: converting it rewrites the table.
    """,
)
def check(node: ast.ColumnDef, ctx: Context) -> Iterator[Violation]:
    """`json` stores the input text verbatim and re-parses it on every access: each `->`,
    `->>` or containment test pays for a full parse, there is no equality operator (so no
    DISTINCT, GROUP BY or UNIQUE), and it cannot use GIN indexes. `jsonb` stores the parsed
    binary form, supports indexing (`jsonb_ops`, `jsonb_path_ops`) and equality."""
    site = column_site(node, ctx)
    if site is None or base_type(site.type_name) != "json":
        return
    fix = None
    if column_is_being_created(ctx, site):
        edit = replace_type_word(ctx, site, "json", "jsonb")
        fix = Fix.safe("Declare the column jsonb", edit) if edit is not None else None
    yield Violation(
        f"column {site.label} is {type_text(site.type_name)}: every access re-parses the text, "
        "and it has no equality operator and no GIN index support",
        node=site.type_name,
        fix=fix,
    )
