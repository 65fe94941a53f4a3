from collections.abc import Iterator

from pgarch_lint.analysis.security import grant_kind
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

from ._report import grant_targets

_OT = enums.ObjectType


def _is_all(node: ast.GrantStmt) -> bool:
    if not node.privileges:
        return True
    return any(isinstance(p, ast.AccessPriv) and p.priv_name is None for p in node.privileges)


def _grantees(node: ast.GrantStmt) -> str:
    out: list[str] = []
    for r in node.grantees or ():
        if not isinstance(r, ast.RoleSpec):
            continue
        if r.roletype == enums.RoleSpecType.ROLESPEC_PUBLIC:
            out.append("PUBLIC")
        elif r.rolename:
            out.append(f'"{r.rolename}"')
        else:
            out.append(getattr(r.roletype, "name", "").removeprefix("ROLESPEC_"))
    return ", ".join(out)


@rule(
    name="ban-grant-all",
    category=Category.SECURITY,
    severity=Severity.INFO,
    summary="GRANT ALL instead of the privileges that are needed",
    nodes=(ast.GrantStmt,),
    bad="""
    GRANT ALL ON TABLE app.documents TO app_user;
    """,
    good="""
    GRANT SELECT, INSERT, UPDATE ON TABLE app.documents TO app_user;
    """,
    fix="List the privileges the role needs (`GRANT SELECT, INSERT, UPDATE ON ...`); leave out "
    "TRUNCATE, REFERENCES and TRIGGER on tables, and CREATE on schemas, unless the role really "
    "uses them.",
)
def check(node: ast.GrantStmt, ctx: Context) -> Iterator[Violation]:
    """`GRANT ALL` hands out every privilege the object type has, today and in future
    PostgreSQL versions (MAINTAIN was added to tables in 17). On a table that includes TRUNCATE
    (which empties it and ignores row-level security and DELETE triggers), REFERENCES (which
    lets the grantee create foreign keys that block deletes) and TRIGGER; on a schema, CREATE.
    Least privilege keeps a leaked or compromised application role from doing more damage than
    its job requires."""
    if not node.is_grant or not _is_all(node):
        return
    kind = grant_kind(node)
    defaults = any(isinstance(p, ast.AlterDefaultPrivilegesStmt) for p in ctx.parents)
    what = f"on every future {kind}" if defaults else f"on {grant_targets(node, kind)}"
    yield Violation(
        f"GRANT ALL {what} to {_grantees(node)} grants every privilege, not only those the role "
        "needs",
        help="list the privileges needed, e.g. `GRANT SELECT, INSERT, UPDATE ON ...`",
        node=ctx.parents[-1] if defaults and ctx.parents else node,
    )
