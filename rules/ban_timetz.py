from collections.abc import Iterator

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.types import base_type, type_text
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule


@rule(
    name="ban-timetz",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a column of type time with time zone",
    nodes=(ast.ColumnDef,),
    bad="""
    CREATE TABLE shops (id bigint PRIMARY KEY, opens_at timetz NOT NULL);
    """,
    good="""
    CREATE TABLE shops (id bigint PRIMARY KEY, opens_at time NOT NULL, time_zone text NOT NULL);
    """,
    fix="Use `timestamptz` for an instant, or `time` plus a separate time-zone name column "
    "(e.g. `'Europe/Paris'`) for a local time of day that recurs.",
)
def check(node: ast.ColumnDef, ctx: Context) -> Iterator[Violation]:
    """`time with time zone` pairs a time of day with a fixed UTC offset but no date, so it
    cannot follow daylight-saving rules: "09:00+01" is wrong for half of the year in most
    zones. The PostgreSQL documentation itself discourages the type; it exists only for SQL
    standard compliance."""
    site = column_site(node, ctx)
    if site is None or base_type(site.type_name) != "timetz":
        return
    yield Violation(
        f"column {site.label} is {type_text(site.type_name)} (time with time zone): a fixed UTC "
        "offset without a date cannot follow daylight-saving changes",
        node=site.type_name,
    )
