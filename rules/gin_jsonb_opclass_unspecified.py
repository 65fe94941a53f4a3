from collections.abc import Iterator

from pgarch_lint.analysis.indexes import statement_columns
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util


@rule(
    name="gin-jsonb-opclass-unspecified",
    category=Category.INDEXES,
    severity=Severity.INFO,
    summary="a GIN index on a jsonb column without an explicit operator class",
    nodes=(ast.IndexStmt,),
    bad="""
    CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
    CREATE INDEX ix_events__payload ON events USING gin (payload);
    """,
    good="""
    CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
    CREATE INDEX ix_events__payload ON events USING gin (payload jsonb_path_ops);
    """,
    fix="Name the operator class: `USING gin (col jsonb_path_ops)` when queries use only "
    "containment (`@>`) and JSON path (`@?`, `@@`), or `USING gin (col jsonb_ops)` when they "
    "also test key existence (`?`, `?|`, `?&`).",
)
def check(node: ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
    """A GIN index on jsonb defaults to `jsonb_ops`, which indexes every key and every value
    separately. `jsonb_path_ops` indexes hashes of whole paths: it is usually two to three
    times smaller and faster for `@>` containment, the most common jsonb query, but cannot
    answer key-existence operators. Writing the operator class records which one the queries
    need, instead of getting the larger index by accident."""
    if (node.accessMethod or "btree").lower() != "gin":
        return
    for elem, col in statement_columns(node, ctx):
        if col is None or col.type != "jsonb" or elem.opclass:
            continue
        yield Violation(
            f'GIN index {_name(node)}on "{util.rv_name(node.relation)}" ({col.name}) uses the '
            "default jsonb_ops operator class: say whether jsonb_path_ops (smaller, faster "
            "for @>) or jsonb_ops (key existence) is meant",
            node=node.relation,
        )


def _name(node: ast.IndexStmt) -> str:
    return f'"{node.idxname}" ' if node.idxname else ""
