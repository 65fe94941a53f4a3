from collections.abc import Iterator

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.types import base_type, type_text
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule


@rule(
    name="ban-money-type",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a column of type money",
    nodes=(ast.ColumnDef,),
    bad="""
    CREATE TABLE invoices (id bigint PRIMARY KEY, total money NOT NULL);
    """,
    good="""
    CREATE TABLE invoices (
        id bigint PRIMARY KEY,
        total numeric(12,2) NOT NULL,
        currency text NOT NULL
    );
    """,
    fix="Store amounts as `numeric(p,s)` (or an integer number of minor units, e.g. "
    "`amount_cents bigint`) with the currency in its own column.",
)
def check(node: ast.ColumnDef, ctx: Context) -> Iterator[Violation]:
    """`money` has a fixed number of fractional digits taken from the `lc_monetary` setting:
    its text input and output depend on the server's locale, so a dump restored on a server
    with another locale reads or prints different amounts, and it cannot hold amounts in
    several currencies. Casts to and from `numeric` are needed for any real arithmetic."""
    site = column_site(node, ctx)
    if site is None or base_type(site.type_name) != "money":
        return
    yield Violation(
        f"column {site.label} is {type_text(site.type_name)}: its precision and text format "
        "come from the server's lc_monetary locale",
        node=site.type_name,
    )
