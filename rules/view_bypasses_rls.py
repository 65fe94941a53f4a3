from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.api import CatalogView, Category, Context, EndOfRun, Severity, Violation, rule

if TYPE_CHECKING:
    from pgarch_lint.api import View


def _rls_tables(catalog: CatalogView, view: "View") -> list[str]:
    """RLS-enabled tables a view reads directly or through security_invoker views.

    A relation read through a view that is *not* security_invoker is that view's own finding,
    so the walk stops there.
    """
    out: list[str] = []
    seen: set[str] = {view.qualified}
    todo = list(view.reads)
    while todo:
        q = todo.pop(0)
        if q in seen:
            continue
        seen.add(q)
        t = catalog.table_by_name(q)
        if t is not None:
            if t.rls_enabled and t.qualified not in out:
                out.append(t.qualified)
            continue
        inner = catalog.view(q)
        if inner is not None and not inner.materialized and inner.security_invoker:
            todo.extend(inner.reads)
    return out


@rule(
    name="view-bypasses-rls",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="a view over a table with row-level security that is not "
    "WITH (security_invoker = true)",
    nodes=(EndOfRun,),
    bad="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, body text);
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON documents
        USING (tenant_id = current_setting('app.tenant_id')::bigint);
    CREATE VIEW recent_documents AS SELECT id, body FROM documents;
    """,
    good="""
    CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, body text);
    ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON documents
        USING (tenant_id = current_setting('app.tenant_id')::bigint);
    CREATE VIEW recent_documents WITH (security_invoker = true) AS
        SELECT id, body FROM documents;
    """,
    fix="""
    On PostgreSQL 15 or later create the view `WITH (security_invoker = true)` (or run
    `ALTER VIEW ... SET (security_invoker = true)`), so the table's policies apply to the role
    that queries the view. On older versions, do not expose such a view to restricted roles:
    read the table directly, or go through a SECURITY DEFINER function that filters the rows
    itself; better, upgrade.
    """,
)
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """By default a view accesses its tables with the privileges of the view's *owner*, and
    row-level security policies are checked for that role too. The owner is normally the
    table's owner, which policies do not restrict unless RLS is forced, so every role allowed
    to select from the view sees every row of the table: the policies are silently bypassed.
    PostgreSQL 15 added `security_invoker`, which makes the view check permissions and policies
    as the querying role. A materialized view is worse: it stores the rows its owner could see
    and cannot be made security_invoker. Judged on the final schema: RLS enabled after the view
    was created still counts."""
    catalog = ctx.catalog
    for view in catalog.views():
        if not view.materialized and view.security_invoker:
            continue
        tables = _rls_tables(catalog, view)
        if not tables:
            continue
        at = ctx.report_loc([view.created, *view.changed])
        if at is None:
            continue
        names = ", ".join(f'"{t}"' for t in tables)
        noun = "table" if len(tables) == 1 else "tables"
        if view.materialized:
            yield Violation(
                f'materialized view "{view.qualified}" stores rows of row-level-security {noun} '
                f"{names} as its owner sees them: whoever can select from it bypasses the "
                "policies",
                help="do not grant SELECT on it to roles the policies restrict, or use a "
                "security_invoker view"
                + (" (PostgreSQL 15+)" if ctx.pg_version < 15 else "")
                + " instead",
                at=at,
            )
            continue
        if ctx.pg_version >= 15:
            help_text = (
                f"create it `WITH (security_invoker = true)` or run `ALTER VIEW {view.qualified} "
                "SET (security_invoker = true)`"
            )
        else:
            help_text = (
                f"security_invoker views need PostgreSQL 15 (pg-version is {ctx.pg_version}): "
                "until you upgrade, keep the view away from restricted roles and serve them "
                "through a SECURITY DEFINER function that applies the row filter itself"
            )
        yield Violation(
            f'view "{view.qualified}" reads row-level-security {noun} {names} with its owner\'s '
            "rights: the policies do not apply to the roles that query it",
            help=help_text,
            at=at,
        )
