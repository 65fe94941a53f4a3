from collections.abc import Iterator

from pgarch_lint.analysis.naming import KEYWORD_KIND, checked_declarations
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule

from ._naming import declaration_label, violation


@rule(
    name="naming-reserved-word",
    category=Category.NAMING,
    severity=Severity.WARNING,
    summary="a table, column, index, constraint or type named with an SQL reserved word",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE "order" (
        id bigint PRIMARY KEY,
        "user" bigint NOT NULL
    );
    """,
    good="""
    CREATE TABLE customer_order (
        id bigint PRIMARY KEY,
        user_id bigint NOT NULL
    );
    """,
    fix="Pick a name that is not a keyword: qualify it with what it means (`customer_order`, "
    "`user_id`, `group_name`, `sort_order`). For an existing object, rename it in a planned "
    "migration.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL's reserved keywords (`user`, `order`, `group`, `table`, `check`...) and its
    type/function-name keywords (`left`, `join`, `like`, `similar`...) cannot be used as table
    or column names unless quoted, so every query has to write `"user"` forever and a missing
    quote is a syntax error or, worse, means something else (`SELECT user` returns the current
    role). The list is PostgreSQL's own keyword list, not a hand-made one."""
    for d in checked_declarations(ctx, None):
        if not d.explicit:
            continue
        kind = KEYWORD_KIND.get(d.name)
        if kind is None or (d.previous is not None and d.previous in KEYWORD_KIND):
            continue
        yield violation(
            d,
            f"{declaration_label(d)} is the SQL {kind} {d.name.upper()}: it must be quoted in every "
            "query that uses it",
        )
