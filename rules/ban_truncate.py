from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import (
    CatalogView,
    Category,
    Context,
    Origin,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)

from ._report import join_names


def _referencing(cat: CatalogView, rv: ast.RangeVar) -> list[str]:
    """Tables that reference ``rv`` through foreign keys, transitively (CASCADE's reach)."""
    start = cat.table(rv)
    if start is None:
        return []
    seen = {start.qualified}
    out: list[str] = []
    todo = [start]
    while todo:
        t = todo.pop()
        for fk in cat.foreign_keys_referencing(t):
            if fk.table in seen:
                continue
            seen.add(fk.table)
            out.append(fk.table)
            child = cat.table_by_name(fk.table)
            if child is not None:
                todo.append(child)
    return out


@rule(
    name="ban-truncate",
    aliases=("ban-truncate-cascade",),  # squawk's name
    category=Category.COMPATIBILITY,
    severity=Severity.ERROR,
    summary="TRUNCATE of an existing table (CASCADE also empties every referencing table)",
    nodes=(ast.TruncateStmt,),
    bad="""
    TRUNCATE orders CASCADE;
    """,
    good="""
    CREATE TABLE import_batch (id bigint PRIMARY KEY, payload jsonb);
    INSERT INTO import_batch VALUES (1, '{}');
    TRUNCATE import_batch;
    """,
    fix="""
    Do not empty live tables from a migration:
    1. delete exactly the rows you mean, with a WHERE clause, in batches;
    2. if the whole table must go, name every table explicitly instead of using CASCADE, and
       record why it is safe in a suppression comment.
    """,
)
def check(node: ast.TruncateStmt, ctx: Context) -> Iterator[Violation]:
    """TRUNCATE deletes every row of a table at once, cannot be undone after COMMIT, fires no
    DELETE triggers and takes an ACCESS EXCLUSIVE lock. With CASCADE it also empties every
    table that references it through a foreign key, and the tables referencing those, so one
    statement can erase most of the database's data. Tables created earlier in the same file
    are not flagged, unless CASCADE reaches an existing table."""
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    for rv in node.relations or ():
        if not isinstance(rv, ast.RangeVar):
            continue
        reach = _referencing(ctx.catalog, rv) if cascade else []
        existing = existed_before(ctx, rv)
        if not existing:
            reach_existing = [
                n
                for n in reach
                if (t := ctx.catalog.table_by_name(n)) is not None
                and ctx.catalog.origin_of(t) is not Origin.CURRENT_FILE
            ]
            if not reach_existing:
                continue
        if cascade:
            also = f", including {join_names(reach)}" if reach else ""
            msg = (
                f'TRUNCATE "{util.rv_name(rv)}" CASCADE deletes every row of the table and of every '
                f"table that references it through foreign keys{also}"
            )
        else:
            msg = f'TRUNCATE "{util.rv_name(rv)}" deletes every row of an existing table irrecoverably'
        yield Violation(msg, node=rv)
