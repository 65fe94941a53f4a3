from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pgarch_lint.api import AnyStatement, Category, Context, Severity, Violation, rule

from ._query_kinds import may_read_tables, runs_once


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
def check(node: Any, ctx: Context) -> Iterator[Violation]:
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
    from ._missing_index import violations  # the analysis: only for statements that may read

    yield from violations(node, ctx)
