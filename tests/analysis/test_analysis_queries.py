"""pgarch_lint.analysis.query_kinds, .queries, .indexes and .index_match on small SQL."""

from __future__ import annotations

from typing import Any

from analysis_probe import probe

from pgarch_lint.analysis import index_match, indexes, queries, query_kinds
from pgarch_lint.api import AnyStatement, Context, ast

SCHEMA = """
CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, email text);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    tenant_id bigint NOT NULL,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_orders__customer_id ON orders (customer_id);
CREATE INDEX ix_orders__status_open ON orders (created_at) WHERE status = 'open';
"""


def _accesses(sql: str) -> list[list[queries.Access]]:
    def run(node: Any, ctx: Context) -> list[queries.Access]:
        if not query_kinds.may_read_tables(node):
            return []
        scope, levels = queries.statement_levels(node, ctx)
        return list(queries.accesses(scope, levels))

    return [a for a in probe(sql, (AnyStatement,), run, context=SCHEMA, path="q.sql") if a]


def test_query_kinds() -> None:
    assert query_kinds.migration_path("db/migrations/x.sql")
    assert query_kinds.migration_path("0002-seed.sql")
    assert not query_kinds.migration_path("queries/orders.sql")

    def kinds(node: Any, ctx: Context) -> tuple[bool, bool]:
        return query_kinds.is_query_file(ctx), query_kinds.runs_once(ctx)

    sql = "SELECT 1 FROM orders; SELECT 1 FROM orders WHERE id = $1;"
    assert probe(sql, (ast.SelectStmt,), kinds, path="001_backfill.sql") == [
        (False, True),
        (False, False),  # a bind parameter: an application query
    ]
    assert probe(sql, (ast.SelectStmt,), kinds, path="queries.sql") == [(True, False)] * 2


def test_scope_resolves_and_classifies() -> None:
    [accs] = _accesses(
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE c.email = $1 AND o.created_at > now() - interval '1 day' ORDER BY o.id LIMIT 5;"
    )
    by_table = {a.table.name: a for a in accs}
    assert set(by_table) == {"orders", "customers"}
    cust = {(p.kind, p.term.key) for p in by_table["customers"].preds}
    assert cust == {("eq", "col:email"), ("join", "col:id")}
    orders = {(p.kind, p.term.key) for p in by_table["orders"].preds}
    assert orders == {("join", "col:customer_id"), ("range", "col:created_at")}
    assert [t.key for t in by_table["orders"].sort] == ["col:id"]


def test_resolve_values_and_column_types() -> None:
    def run(node: Any, ctx: Context) -> list[Any]:
        scope, levels = queries.statement_levels(node, ctx)
        where = node.whereClause
        lvl = levels[0]
        return [
            scope.resolve(lvl, where.lexpr),
            scope.resolve(lvl, where.rexpr),
            scope.column_type(lvl, where.lexpr),
        ]

    [(ref, value, typ)] = probe(
        "SELECT 1 FROM orders WHERE created_at = excluded.x;",
        (ast.SelectStmt,),
        run,
        context=SCHEMA,
    )
    assert isinstance(ref, queries.Ref) and ref.column == "created_at"
    assert value == queries.VALUE
    assert typ == "timestamptz"


def test_policy_eq_columns() -> None:
    def run(node: Any, ctx: Context) -> set[str]:
        return queries.policy_eq_columns(ctx.catalog.table(node.relation))

    policy = (
        "ALTER TABLE orders ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY p ON orders USING (tenant_id = current_setting('app.tenant')::bigint);"
    )
    got = probe("SELECT 1;", (ast.SelectStmt,), lambda n, c: None, context=SCHEMA + policy)
    assert got == [None]
    [cols] = probe(
        "DELETE FROM orders WHERE id = 1;", (ast.DeleteStmt,), run, context=SCHEMA + policy
    )
    assert cols == {"tenant_id"}


def test_index_definitions() -> None:
    def run(node: Any, ctx: Context) -> list[Any]:
        return list(ctx.catalog.indexes_on(ctx.catalog.table(node.fromClause[0])))

    extra = "CREATE INDEX dup ON orders USING btree (customer_id ASC NULLS LAST);"
    [ixs] = probe("SELECT 1 FROM orders;", (ast.SelectStmt,), run, context=SCHEMA + extra)
    by_name = {ix.name: ix for ix in ixs}
    a, b = by_name["ix_orders__customer_id"], by_name["dup"]
    assert indexes.index_sig(a) == indexes.index_sig(b)  # the same index, written twice
    assert indexes.later(a, b) is b
    assert indexes.covers(a, ["customer_id"])
    assert not indexes.covers(by_name["ix_orders__status_open"], ["created_at"])  # partial
    assert indexes.finds_one_row(by_name["orders_pkey"], ["id", "status"])
    assert not indexes.is_exclusion(a)


def _served(sql: str) -> bool:
    def run(node: Any, ctx: Context) -> bool:
        scope, levels = queries.statement_levels(node, ctx)
        [acc] = queries.accesses(scope, levels)
        need = index_match.need_of(acc, "select", ("tenant_id",))
        ixs = ctx.catalog.indexes_on(acc.table)
        quals = index_match.QualsText(acc)
        return index_match.closest_index(acc, need, ixs, quals)[0]

    [served] = probe(sql, (ast.SelectStmt,), run, context=SCHEMA, path="q.sql")
    return served


def test_index_match() -> None:
    assert _served("SELECT * FROM orders WHERE customer_id = $1;")
    # the partial index serves only the queries that imply its predicate
    assert _served("SELECT * FROM orders WHERE status = 'open' AND created_at > $1;")
    assert not _served("SELECT * FROM orders WHERE status = 'done' AND created_at > $1;")
    assert not _served("SELECT * FROM orders WHERE tenant_id = $1 AND created_at > $2;")


def test_predicate_implied() -> None:
    def run(node: Any, ctx: Context) -> tuple[bool, set[str]]:
        scope, levels = queries.statement_levels(node, ctx)
        [acc] = queries.accesses(scope, levels)
        ix = next(i for i in ctx.catalog.indexes_on(acc.table) if i.predicate is not None)
        tree = ctx.catalog.expression_tree(ix.predicate)
        return index_match.predicate_implied(tree, acc.preds, set())

    [(implied, fixed)] = probe(
        "SELECT 1 FROM orders WHERE status = 'open';", (ast.SelectStmt,), run, context=SCHEMA
    )
    assert implied and fixed == {"col:status"}
