from collections.abc import Iterator

from pgarch_lint.analysis.indexes import covers, finds_one_row, predicate_ok_for
from pgarch_lint.api import (
    Category,
    Context,
    EndOfRun,
    Severity,
    Violation,
    conventions,
    rule,
    util,
)

from ._report import sql_name


@rule(
    name="fk-missing-index",
    category=Category.INDEXES,
    severity=Severity.WARNING,
    summary="foreign-key columns that are not the leading columns of any index on the "
    "referencing table",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id)
    );
    """,
    good="""
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id)
    );
    CREATE INDEX ix_orders__customer_id ON orders (customer_id);
    """,
    fix="Create a b-tree index whose leading columns are the foreign-key columns (in a "
    "migration of its own, with CREATE INDEX CONCURRENTLY when the table already holds data). "
    "A partial index counts only when its predicate is `col IS NOT NULL`. A unique index, "
    "unique constraint or primary key on some of the foreign-key columns is enough too.",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL indexes the referenced side of a foreign key (it must be unique) but never
    the referencing side. Without an index there, every DELETE of a parent row, and every
    UPDATE of its key, scans the whole child table to find or lock referencing rows, while
    holding locks; ON DELETE CASCADE turns one delete into one sequential scan per child
    table. Joins from parent to children are slow for the same reason. The check runs on the
    final schema, so an index added in a later migration clears the finding.

    An index serves the foreign key when the foreign-key columns, in any order, are its
    leading key columns (b-tree), or its single key (hash). A unique index, unique
    constraint or primary key whose key columns are all among the foreign-key columns serves
    it as well: it finds the at most one referencing row (a foreign key on `(tenant_id,
    user_id)` and `UNIQUE (user_id)`). Expression indexes do not count, nor partial indexes
    whose predicate is more than `col IS NOT NULL` on the foreign-key columns (they do not
    hold every row). Tables whose CREATE TABLE did not parse are skipped: their indexes are
    not all known."""
    for t in ctx.catalog.tables():
        if not t.columns_known:
            continue  # its CREATE TABLE did not parse: its indexes are not all known
        parent = ctx.catalog.table_by_name(t.partition_of) if t.partition_of else None
        indexes = ctx.catalog.indexes_on(t)
        for c in ctx.catalog.foreign_keys(t):
            if not c.columns:
                continue
            if parent is not None and c.name in parent.constraints:
                continue  # cloned from the partitioned parent: reported there
            if any(covers(ix, c.columns) or finds_one_row(ix, c.columns) for ix in indexes):
                continue
            at = ctx.report_loc([c.created, *c.changed])
            if at is None:
                continue
            cols = ", ".join(util.quote_ident(x) for x in c.columns)
            partial = [
                ix.name
                for ix in indexes
                if ix.predicate is not None
                and not predicate_ok_for(ix, c.columns)
                and (
                    covers_ignoring_predicate(ix, c.columns)
                    or finds_one_row(ix, c.columns, predicate=False)
                )
            ]
            note = f' (partial index "{partial[0]}" does not serve every row)' if partial else ""
            ref = c.ref_table or "?"
            ix_name = _index_name(ctx, t.name, c.columns)
            only = "ONLY " if t.partitioned else ""
            how = (
                f"CREATE INDEX {ix_name} ON {only}{sql_name(t.qualified)} ({cols});  -- then "
                "build it on each partition concurrently and ATTACH it"
                if t.partitioned
                else f"CREATE INDEX CONCURRENTLY {ix_name} ON {sql_name(t.qualified)} ({cols});"
            )
            yield Violation(
                f'foreign key "{c.name}" on "{t.name}" ({", ".join(c.columns)}) has no index '
                f"with those leading columns{note}: each DELETE or key UPDATE on "
                f'"{ref.rpartition(".")[2]}" scans "{t.name}"',
                help=f"Index the foreign-key columns: `{how}`",
                at=at,
            )


def covers_ignoring_predicate(ix: object, columns: list[str]) -> bool:
    keys = getattr(ix, "keys", [])
    if getattr(ix, "method", "") != "btree" or len(keys) < len(columns):
        return False
    return {k.column for k in keys[: len(columns)]} == set(columns)


def _index_name(ctx: Context, table: str, columns: list[str]) -> str:
    if ctx.settings is None:
        return util.quote_ident(f"{table}_{'_'.join(columns)}_idx")
    return util.quote_ident(
        conventions.suggest(
            ctx.catalog,
            ctx.settings.naming,
            "index",
            table,
            columns,
            fallback="{table}_{columns}_idx",
        )
    )
