from collections.abc import Iterator

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.fixes import column_is_being_created, retype
from pgarch_lint.analysis.types import base_type, type_text
from pgarch_lint.api import Category, Context, Fix, Severity, Violation, ast, rule


@rule(
    name="ban-char-field",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a column of type char(n) / character(n)",
    nodes=(ast.ColumnDef,),
    bad="""
    CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
    """,
    good="""
    CREATE TABLE countries (
        code text PRIMARY KEY CHECK (char_length(code) = 2),
        name text NOT NULL
    );
    """,
    fix="Use `text` (or `varchar` without a length); when the length is a business rule, add "
    "`CHECK (char_length(col) = n)` (or `<= n`).",
    autofix="""
    Safe: `char(n)` / `character(n)` becomes `text`. Only on a column that a `CREATE TABLE` declares or that is added to a table created earlier
    in the same file (no row holds a value yet); not offered for a column that already holds
    data, where the change rewrites the table.
    """,
)
def check(node: ast.ColumnDef, ctx: Context) -> Iterator[Violation]:
    """`char(n)` pads every value with spaces to n characters and ignores trailing spaces in
    comparisons, but not in LIKE, regular expressions or after a cast to text: `'ab'::char(3)`
    equals `'ab '` yet `length()` and concatenation behave differently, which surprises
    application code and breaks joins against text columns. It is not faster than `text`
    (same varlena storage, plus the padding), and `char` without a length is `char(1)`, which
    silently truncates longer values in casts."""
    site = column_site(node, ctx)
    if site is None or base_type(site.type_name) != "bpchar":
        return
    fix = None
    if column_is_being_created(ctx, site):
        edit = retype(ctx, site.type_name, "bpchar", "text")
        fix = Fix.safe("Declare the column text", edit) if edit is not None else None
    yield Violation(
        f"column {site.label} is {type_text(site.type_name)}: values are blank-padded and "
        "trailing spaces are ignored in some comparisons but not others",
        node=site.type_name,
        fix=fix,
    )
