from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.analysis.query_kinds import is_query_file, may_read_tables, runs_once
from pgarch_lint.api import (
    AnyStatement,
    Category,
    Context,
    Severity,
    Violation,
    conventions,
    rule,
    util,
)

from ._report import fallback_index_name, query_prefix

if TYPE_CHECKING:
    from pgarch_lint.analysis.index_match import IndexNeed
    from pgarch_lint.analysis.queries import Access
    from pgarch_lint.api import ast


@rule(
    name="missing-index-for-query",
    category=Category.QUERIES,
    severity=Severity.WARNING,
    summary="a filter, join or ORDER BY ... LIMIT that no index on the table can serve",
    nodes=(AnyStatement,),
    bad="""
    CREATE TABLE files (id bigint PRIMARY KEY, project_id bigint NOT NULL, name text NOT NULL);
    SELECT id, name FROM files WHERE project_id = $1 AND name = $2;
    """,
    good="""
    CREATE TABLE files (id bigint PRIMARY KEY, project_id bigint NOT NULL, name text NOT NULL);
    CREATE INDEX ix_files__project_id_name ON files (project_id, name);
    SELECT id, name FROM files WHERE project_id = $1 AND name = $2;
    SELECT id, name FROM files WHERE id = $1;
    """,
    fix="Create the suggested index (CREATE INDEX CONCURRENTLY, outside a transaction): the "
    "equality columns first, then the one range or ORDER BY column. If the table is known to "
    "stay tiny, suppress the finding with a comment that says so.",
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """Without an index whose leading columns match the query's conditions, PostgreSQL reads
    the whole table (or the whole range of a too-short index) on every execution: fine on a
    small table, a CPU and I/O sink that grows with the data on a large one, and the usual
    cause of an API endpoint that gets slower every month. For each table a query reads, the
    rule collects the columns compared with `=`, `IN`, `= ANY`, `IS NULL` or a boolean test,
    range comparisons and `BETWEEN`, `LIKE 'prefix%'`, join conditions (for the inner side
    of a join) and `ORDER BY ... LIMIT`. An index serves the access when its leading key
    columns are exactly those equality columns (in any order), optionally followed by one
    range or sort column; a unique index (primary key, unique constraint) whose every column is
    fixed serves it too. Expression indexes serve the same expression (`lower(email)`); a
    partial index serves only when the query's conditions imply its predicate (`status =
    'active'`, `deleted_at IS NULL`); `LIKE 'prefix%'` needs a `text_pattern_ops` key or the
    C collation. Columns an RLS policy fixes (`tenant_id = current_setting(...)`) count as
    fixed, since PostgreSQL adds the policy to the query, and a tenant column (config
    `tenancy.tenant-columns`) is not required in the index when the query also fixes a more
    selective column (`tenant_id = $1 AND id = $2` is served by an index on `id`). Tables the catalog does not know
    are skipped; the size of a table is not known, so a query on a small lookup table is
    reported like any other. Only the first unserved table access of a statement is
    reported. Statements that run once are not reviewed: the top-level statements of a
    migration (a backfill `UPDATE`, a `DELETE` of stale rows) and those of a DO block; nobody
    adds an index for a statement that runs once, and `backfill-in-migration` judges the
    backfill itself. Queries that run again and again are: every statement of a query file,
    view and materialized view queries, function and procedure bodies, policy expressions,
    and statements with bind parameters (`$1`). See
    [configuration](../configuration.md#migrations-and-query-files) for how a file is told to
    be a migration or a query file."""
    if not may_read_tables(node) or runs_once(ctx):
        return
    yield from _violations(node, ctx)


_COMMANDS = {"UpdateStmt": "update", "DeleteStmt": "delete", "MergeStmt": "update"}


def _violations(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """The findings for one statement that may read tables."""
    # the query analysis is imported only for statements that may read tables
    from pgarch_lint.analysis import index_match, queries

    scope, levels = queries.statement_levels(node, ctx)
    if not levels:
        return
    for lvl in levels:
        for it in lvl.items:
            if it.kind == "unknown" and it.rv is not None:
                ctx.note(
                    f'"{util.rv_name(it.rv)}" is not in the schema catalog: its accesses are '
                    "not checked for indexes (give its DDL with --context)",
                    node=it.rv,
                )
    tenants: tuple[str, ...] = ("tenant_id",)
    if ctx.settings is not None:
        tenants = tuple(ctx.settings.tenancy.tenant_columns)
    for acc in queries.accesses(scope, levels):
        command = _COMMANDS.get(type(acc.level.node).__name__, "select")
        n = index_match.need_of(acc, command, tenants)
        if n.empty:
            continue
        quals_text = index_match.QualsText(acc)
        indexes = ctx.catalog.indexes_on(acc.table)
        served, score, ix = index_match.closest_index(acc, n, indexes, quals_text)
        if served:
            continue
        if ix is not None and score > 0:
            closest = f'closest is "{ix.name}" ({", ".join(ix.columns)})'
            if ix.predicate:
                closest += f" WHERE {ix.predicate}"
                if not index_match.predicate_implied(
                    ctx.catalog.expression_tree(ix.predicate), acc.preds, quals_text
                )[0]:
                    closest += ", a partial index whose predicate the query does not imply"
        elif indexes:
            closest = "no index on it starts with a column the query constrains"
        else:
            closest = "the table has no index at all"
        yield Violation(
            f'{query_prefix(ctx)}no index on "{util.rv_name(acc.item.rv)}" serves '
            f"{_describe(n)}; {closest}",
            help=f"Add an index that serves the query: {_suggest(acc, n, ctx)}",
            node=acc.item.rv,
        )
        return


def _describe(n: IndexNeed) -> str:
    parts: list[str] = []
    if n.eq:
        parts.append("equality on " + ", ".join(t.label for t in n.eq))
    if n.join:
        parts.append("join on " + ", ".join(t.label for t in n.join))
    for t, kind in n.ranges[:1]:
        parts.append(("LIKE prefix on " if kind == "like" else "range on ") + t.label)
    if n.sort is not None:
        parts.append(f"ORDER BY {n.sort.label} with LIMIT")
    return "; ".join(parts)


def _suggest(acc: Access, n: IndexNeed, ctx: Context) -> str:
    """The CREATE INDEX statement the help text suggests."""
    from pgarch_lint.analysis import index_match, queries

    # columns an RLS policy fixes lead (tenant-first), then the query's own equalities
    cols: list[str] = sorted(queries.policy_eq_columns(acc.table, "select"))
    cols += [t.label for t in n.eq] + [t.label for t in n.join]
    names = list(cols)
    if n.sort is not None:
        cols.append(n.sort.label)
        names.append(n.sort.label)
    elif n.ranges:
        t, kind = n.ranges[0]
        label = t.label
        if kind == "like":
            col = acc.table.columns.get(t.column) if t.column else None
            ops = index_match.pattern_opclass(col.type if col is not None else "")
            label = f"{label} {ops}"
        cols.append(label)
        names.append(t.label)
    cols = list(dict.fromkeys(cols))
    names = list(dict.fromkeys(names))
    if ctx.settings is not None:
        ixname = conventions.suggest(
            ctx.catalog,
            ctx.settings.naming,
            "index",
            acc.table.name,
            names,
            complete=is_query_file(ctx),  # a query file does not change the schema
        )
    else:
        ixname = fallback_index_name("ix_{table}__{columns}", acc.table.name, names)
    return (
        f"CREATE INDEX CONCURRENTLY {util.quote_ident(ixname)} ON {util.rv_name(acc.item.rv)} "
        f"({', '.join(cols)});"
    )
