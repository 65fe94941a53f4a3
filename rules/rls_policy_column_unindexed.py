from collections.abc import Iterator

from pgarch_lint.analysis.tenancy import filter_columns
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
    name="rls-policy-column-unindexed",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="a column a row-level security policy filters by is not the leading column of "
    "any index",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE documents (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL
    );
    CREATE POLICY documents_tenant_isolation ON documents
        USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    """,
    good="""
    CREATE TABLE documents (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id bigint NOT NULL
    );
    CREATE INDEX ix_documents__tenant_id ON documents (tenant_id);
    CREATE POLICY documents_tenant_isolation ON documents
        USING (tenant_id = (SELECT current_setting('app.tenant_id')::bigint));
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    """,
    fix="Index the column the policy filters by, as the leading column (for a tenant column, "
    "usually a composite index such as `(tenant_id, id)` or `(tenant_id, created_at)` that "
    "also serves the application's queries).",
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """A policy's USING clause is added to every query on the table. When none of the columns
    it compares to the session's tenant or user (`tenant_id = current_setting(...)`,
    `owner_id = auth.uid()`) leads an index, the planner can only apply it as a filter: every
    query, even one that would otherwise use an index on another column, reads rows of all
    tenants and throws most of them away, and the cost grows with the whole table rather than
    with one tenant's share. Only the policy's top-level AND-ed comparisons count; a
    restrictive policy is not reported when a permissive policy on the table already filters
    by an indexed column. Only tables with row-level security enabled are checked."""
    for t in ctx.catalog.tables():
        if not t.rls_enabled or t.partition_of:
            continue
        leading = {
            ix.keys[0].column
            for ix in ctx.catalog.indexes_on(t)
            if ix.keys and ix.predicate is None and ix.method in ("btree", "hash")
        }
        policies = ctx.catalog.policies_on(t)
        columns = {
            p.name: [
                c for c in filter_columns(ctx.catalog.expression_tree(p.using)) if c in t.columns
            ]
            for p in policies
        }
        permissive_ok = any(
            p.permissive and any(c in leading for c in columns[p.name]) for p in policies
        )
        for p in policies:
            cols = columns[p.name]
            if not cols or any(c in leading for c in cols):
                continue
            if not p.permissive and permissive_ok:
                continue
            at = ctx.report_loc([p.created, *p.changed])
            if at is None:
                continue
            yield Violation(
                f'policy "{p.name}" on "{t.name}" filters by {_list(cols)}, which '
                f"{'leads' if len(cols) == 1 else 'lead'} no index: every query on the table "
                "scans all tenants' rows to apply the policy",
                help=f"Create an index led by the column, e.g. `CREATE INDEX CONCURRENTLY "
                f"{util.quote_ident(_ix_name(ctx, t.name, cols[0]))} ON {sql_name(t.qualified)} "
                f"({util.quote_ident(cols[0])});` (or a composite index starting with it)",
                at=at,
            )


def _list(cols: list[str]) -> str:
    quoted = [f'"{c}"' for c in cols]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _ix_name(ctx: Context, table: str, col: str) -> str:
    if ctx.settings is None:
        return f"{table}_{col}_idx"[:63]
    return conventions.suggest(
        ctx.catalog, ctx.settings.naming, "index", table, [col], fallback="{table}_{columns}_idx"
    )
