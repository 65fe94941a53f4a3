from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.analysis.indexes import is_exclusion, key_sig, later, own_indexes
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule

if TYPE_CHECKING:
    from pgarch_lint.api import Index, Table, View

from ._report import drop_sql, index_definition


@rule(
    name="redundant-index",
    category=Category.INDEXES,
    severity=Severity.WARNING,
    summary="a non-unique b-tree index whose keys are a leading prefix of another index on "
    "the same table",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, created_at timestamptz);
    CREATE INDEX ix_orders__customer_id ON orders (customer_id);
    CREATE INDEX ix_orders__customer_id_created_at ON orders (customer_id, created_at);
    """,
    good="""
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, created_at timestamptz);
    CREATE INDEX ix_orders__customer_id_created_at ON orders (customer_id, created_at);
    CREATE INDEX ix_orders__created_at ON orders (created_at);
    """,
    fix="Drop the shorter index with `DROP INDEX CONCURRENTLY` once the longer one exists: "
    "the longer index serves every query the shorter one did.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """A b-tree index on (a) is redundant next to a b-tree index on (a, b) with the same
    predicate: the planner can use the longer index for every lookup, range scan and sort on
    `a`. The extra index still costs a write on every INSERT and UPDATE of `a`, disk, cache
    and vacuum time. A unique index is never redundant (it enforces uniqueness), nor is one
    whose INCLUDE columns the longer index lacks. The finding is reported where the later of
    the two indexes was created."""
    relations: list[Table | View] = [*ctx.catalog.tables(), *ctx.catalog.views()]
    for t in relations:
        indexes = [ix for ix in own_indexes(ctx, t) if not is_exclusion(ix)]
        for short in indexes:
            if short.unique or short.primary or short.method != "btree" or short.constraint:
                continue
            for long in indexes:
                if long is short or not _serves(long, short):
                    continue
                newer = later(short, long)
                at = ctx.report_loc([newer.created, *newer.changed])
                if at is None:
                    break
                yield Violation(
                    f'index "{short.name}" on "{t.name}" ({index_definition(short)}) is redundant: '
                    f'index "{long.name}" ({index_definition(long)}) starts with the same keys and '
                    "serves the same queries",
                    help=f'Keep "{long.name}" and drop the redundant index in a migration '
                    f"without a transaction: `{drop_sql(short)}`",
                    at=at,
                )
                break


def _serves(long: "Index", short: "Index") -> bool:
    if long.method != "btree" or long.predicate != short.predicate:
        return False
    if len(long.keys) < len(short.keys):
        return False
    a = [key_sig(k) for k in short.keys]
    b = [key_sig(k) for k in long.keys[: len(a)]]
    if a != b:
        return False
    if len(long.keys) == len(short.keys):
        # same keys: two non-unique indexes with the same INCLUDE list are duplicates
        # (duplicate-index); otherwise the one whose INCLUDE list holds the other's serves it
        if not long.unique and sorted(long.include) == sorted(short.include):
            return False
        return set(short.include) <= set(long.include)
    covered = {k.column for k in long.keys if k.column} | set(long.include)
    return set(short.include) <= covered
