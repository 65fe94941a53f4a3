from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.analysis.indexes import index_sig, is_exclusion, later, own_indexes
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule, util

if TYPE_CHECKING:
    from pgarch_lint.api import Index, Table, View

from ._report import drop_sql, index_definition, sql_name


@rule(
    name="duplicate-index",
    category=Category.INDEXES,
    severity=Severity.ERROR,
    summary="two indexes on the same table with the same definition",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);
    CREATE INDEX ix_orders__customer_id ON orders (customer_id);
    CREATE INDEX orders_customer_idx ON orders (customer_id);
    """,
    good="""
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);
    CREATE INDEX ix_orders__customer_id ON orders (customer_id);
    CREATE INDEX ix_orders__customer_id_id ON orders (customer_id, id DESC);
    """,
    fix="Drop the copy with `DROP INDEX CONCURRENTLY` (keep the one that backs a constraint). "
    "When two constraints are identical, drop the extra UNIQUE constraint.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """Two indexes with the same method, keys, operator classes, collations, sort order,
    predicate, INCLUDE list and uniqueness serve exactly the same queries. The planner uses
    one; both are maintained on every INSERT and on every UPDATE of an indexed column, take
    disk and cache space, and are vacuumed, backed up and replicated. A common cause is a
    UNIQUE constraint declared next to a PRIMARY KEY on the same columns, or an index created
    again under another name. The finding is reported where the later index was created."""
    relations: list[Table | View] = [*ctx.catalog.tables(), *ctx.catalog.views()]
    for t in relations:
        seen: dict[tuple[object, ...], Index] = {}
        for ix in own_indexes(ctx, t):
            if is_exclusion(ix):
                continue
            sig = (*index_sig(ix), bool(ix.unique))
            first = seen.get(sig)
            if first is None:
                seen[sig] = ix
                continue
            newer = later(first, ix)
            older = ix if newer is first else first
            at = ctx.report_loc([newer.created, *newer.changed])
            if at is None:
                continue
            yield Violation(
                f'index "{newer.name}" on "{t.name}" duplicates index "{older.name}": both are '
                f"{index_definition(ix)}, so every write maintains two copies of the same index",
                help=_help(t.qualified, newer, older),
                at=at,
            )


def _help(table: str, newer: "Index", older: "Index") -> str:
    drop, keep = newer, older
    if getattr(newer, "constraint", None) and not getattr(older, "constraint", None):
        drop, keep = older, newer
    if getattr(drop, "constraint", None):
        if getattr(drop, "primary", False):
            drop, keep = keep, drop
        return (
            f"Both indexes back constraints; drop the extra one (after checking that no foreign "
            f"key needs it): `ALTER TABLE {sql_name(table)} DROP CONSTRAINT "
            f"{util.quote_ident(str(getattr(drop, 'constraint', '')))};`"
        )
    return (
        f'Keep "{getattr(keep, "name", "")}" and drop the copy in a migration without a '
        f"transaction: `{drop_sql(drop)}`"
    )
