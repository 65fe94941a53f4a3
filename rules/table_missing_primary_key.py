from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, rule

if TYPE_CHECKING:
    from pgarch_lint.api import Table


def _has_unique_not_null_key(table: "Table", ctx: Context) -> bool:
    """A non-partial UNIQUE index (or constraint) over plain columns that are all NOT NULL."""
    for ix in ctx.catalog.indexes_on(table):
        if not ix.unique or ix.predicate is not None or not ix.keys:
            continue
        if any(k.column is None for k in ix.keys):
            continue
        cols = [ctx.catalog.column(table, k.column or "") for k in ix.keys]
        if all(c is not None and c.not_null for c in cols):
            return True
    return False


def _display(table: "Table") -> str:
    return table.name if table.schema == "public" else f"{table.schema}.{table.name}"


@rule(
    name="table-missing-primary-key",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.ERROR,
    summary="a table with neither a PRIMARY KEY nor a UNIQUE NOT NULL key by the end of the "
    "checked files",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE audit_log (happened_at timestamptz NOT NULL, message text NOT NULL);
    """,
    good="""
    CREATE TABLE audit_log (happened_at timestamptz NOT NULL, message text NOT NULL);
    ALTER TABLE audit_log ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
    """,
    fix="Give the table a primary key: a surrogate `id bigint GENERATED ALWAYS AS IDENTITY "
    "PRIMARY KEY`, or a PRIMARY KEY over the natural key. On an existing large table, build a "
    "unique index CONCURRENTLY first and then `ADD PRIMARY KEY USING INDEX`.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """Without a primary key a row has no stable identity: duplicate rows cannot be told apart
    or deleted one at a time, ORMs and admin tools refuse to update rows, and logical
    replication (publications, pglogical, Debezium, most zero-downtime upgrade and
    online-migration tools) cannot replicate UPDATE or DELETE on the table unless it has a
    replica identity, which defaults to the primary key. A UNIQUE index over NOT NULL columns
    also identifies rows and is accepted. The table is judged after the last checked file, so
    a key added by a later migration counts; partitions (which get keys from their parent)
    and temporary tables are exempt, and so are tables whose CREATE TABLE did not parse (their
    key is in the statement pgarch-lint could not read)."""
    for table in ctx.catalog.tables():
        if table.partition_of is not None or table.persistence == "temporary":
            continue
        if not table.columns_known:
            continue
        if table.partitioned and ctx.pg_version < 11:
            continue  # partitioned tables cannot have keys before PostgreSQL 11
        if table.primary_key is not None or _has_unique_not_null_key(table, ctx):
            continue
        at = ctx.report_loc([table.created, *table.changed])
        if at is None:
            continue
        yield Violation(
            f'table "{_display(table)}" has no primary key (nor a UNIQUE key over NOT NULL '
            "columns): its rows cannot be identified reliably, and logical replication cannot "
            "replicate its UPDATEs and DELETEs",
            at=at,
        )
