from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.analysis.query_kinds import may_read_tables, runs_once
from pgarch_lint.api import AnyStatement, Category, Context, Severity, Violation, rule, util

if TYPE_CHECKING:
    from pgarch_lint.analysis.queries import Access
    from pgarch_lint.api import ast

_PRUNING = {
    "range": ("eq", "null", "range", "like", "join"),
    "list": ("eq", "null", "join"),
    "hash": ("eq", "null", "join"),
}


def _key_term(k: str) -> str:
    if k.startswith("(") and k.endswith(")"):
        return f"expr:{k[1:-1]}"
    return f"col:{k}"


def _constrained(acc: Access, keys: list[str], strategy: str) -> bool:
    kinds = _PRUNING.get(strategy, _PRUNING["range"])
    have = {p.term.key for p in acc.preds if p.kind in kinds}
    if strategy == "hash":
        return all(_key_term(k) in have for k in keys)
    return _key_term(keys[0]) in have


@rule(
    name="query-without-partition-key",
    category=Category.QUERIES,
    severity=Severity.WARNING,
    summary="a query on a partitioned table that does not constrain the partition key, so no "
    "partition can be pruned",
    nodes=(AnyStatement,),
    bad="""
    CREATE TABLE events (id bigint, tenant_id bigint, created_at timestamptz NOT NULL)
        PARTITION BY RANGE (created_at);
    SELECT id FROM events WHERE tenant_id = $1 AND id = $2;
    """,
    good="""
    CREATE TABLE events (id bigint, tenant_id bigint, created_at timestamptz NOT NULL)
        PARTITION BY RANGE (created_at);
    SELECT id FROM events
    WHERE tenant_id = $1 AND id = $2 AND created_at >= $3 AND created_at < $4;
    """,
    fix="Add a condition on the partition key (for range partitioning a time window, for list "
    "and hash partitioning an equality), or carry the key along with the row's id so that "
    "look-ups can name it.",
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """Partition pruning only happens when the WHERE clause (or a join condition evaluated at
    run time) constrains the partition key: range partitions need an equality or a range on
    the leading key column, list and hash partitions an equality (hash: on every key
    column). Otherwise PostgreSQL plans and scans every partition, probing each partition's
    index separately, so a look-up by id on a table with hundreds of daily partitions does
    hundreds of index scans, and planning time grows with the partition count. The catalog
    provides the partition key and strategy; reads, UPDATE, DELETE and MERGE targets are
    checked, each partitioned table once per statement. A read with no condition at all on the
    table (a `count(*)` of the whole table) is deliberate and not reported, and neither are
    statements that run once (the top-level statements of a migration, a DO block): a
    backfill that visits every partition once is not a hot path. See
    [configuration](../configuration.md#migrations-and-query-files)."""
    if not may_read_tables(node) or runs_once(ctx):
        return
    from pgarch_lint.analysis.queries import accesses, statement_levels  # may read: analyse

    from ._report import query_prefix

    scope, levels = statement_levels(node, ctx)
    seen: set[str] = set()
    for acc in accesses(scope, levels):
        t = acc.table
        if not t.partitioned or not t.partition_key or t.qualified in seen:
            continue
        if not acc.preds:
            continue  # no condition at all on this table: a deliberate full read
        if _constrained(acc, t.partition_key, t.partition_strategy or "range"):
            continue
        seen.add(t.qualified)
        keys = ", ".join(t.partition_key)
        yield Violation(
            f'{query_prefix(ctx)}"{util.rv_name(acc.item.rv)}" is partitioned by '
            f"{(t.partition_strategy or 'range').upper()} ({keys}) but the query does not "
            "constrain the partition key: every partition is scanned",
            node=acc.item.rv,
        )
