from collections.abc import Iterator

from pgarch_lint.analysis.definitions import column_site
from pgarch_lint.analysis.fixes import column_is_being_created, retype
from pgarch_lint.analysis.types import base_type, type_text
from pgarch_lint.api import Category, Context, Fix, Severity, Violation, ast, rule


@rule(
    name="prefer-timestamptz",
    aliases=("prefer-timestamp-tz",),  # squawk's name
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a column of type timestamp without time zone",
    nodes=(ast.ColumnDef,),
    bad="""
    CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamp NOT NULL DEFAULT now());
    """,
    good="""
    CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
    """,
    fix="Declare the column `timestamptz` (timestamp with time zone). For an existing column, "
    "`ALTER COLUMN ... TYPE timestamptz USING col AT TIME ZONE 'UTC'` (naming the zone the "
    "stored values were written in) rewrites the table: on a large live table add a new "
    "timestamptz column, backfill it in batches and switch over instead.",
    autofix="""
    Safe: `timestamp [(p)] [without time zone]` becomes `timestamptz[(p)]`. Only on a column that a `CREATE TABLE` declares or that is added to a table created earlier
    in the same file (no row holds a value yet); not offered for a column that already holds
    data, where the change rewrites the table.
    """,
)
def check(node: ast.ColumnDef, ctx: Context) -> Iterator[Violation]:
    """`timestamp` (without time zone) stores a wall-clock reading with no zone: the same
    value means different instants depending on the session's TimeZone, `now()` is silently
    converted to the server's zone on insert, and comparisons across daylight-saving changes
    or between servers in different zones go wrong. `timestamptz` stores an absolute instant
    (UTC internally) in the same eight bytes and converts to the client's zone on output."""
    site = column_site(node, ctx)
    if site is None or base_type(site.type_name) != "timestamp":
        return
    fix = None
    if column_is_being_created(ctx, site):
        edit = retype(ctx, site.type_name, "timestamp", "timestamptz{mod}")
        fix = Fix.safe("Declare the column timestamptz", edit) if edit is not None else None
    yield Violation(
        f"column {site.label} is {type_text(site.type_name)} without time zone: its values are "
        "wall-clock readings whose instant depends on each session's TimeZone setting",
        node=site.type_name,
        fix=fix,
    )
