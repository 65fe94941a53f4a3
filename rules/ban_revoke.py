from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import ObjectRef, grant_refs, is_new
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule


def _privileges(node: ast.GrantStmt) -> str:
    names = [p.priv_name or "?" for p in node.privileges or () if isinstance(p, ast.AccessPriv)]
    return ", ".join(n.upper() for n in names) if names else "ALL"


def _grantees(roles: tuple[object, ...] | None) -> str:
    out: list[str] = []
    for r in roles or ():
        if isinstance(r, ast.RoleSpec):
            kind = str(getattr(r.roletype, "name", "?")).removeprefix("ROLESPEC_")
            out.append(r.rolename or kind)
    return (
        ", ".join(
            n if n in ("PUBLIC", "CURRENT_USER", "SESSION_USER", "CURRENT_ROLE") else f'"{n}"'
            for n in out
        )
        or "?"
    )


def _role_is_new(ctx: Context, name: str | None) -> bool:
    role = ctx.catalog.roles.get(name or "")
    return role is not None and is_new(ctx, ObjectRef("role", (role.name,)))


@rule(
    name="ban-revoke",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="REVOKE of privileges or role membership on existing objects",
    nodes=(ast.GrantStmt, ast.GrantRoleStmt, ast.AlterDefaultPrivilegesStmt),
    default=False,
    bad="""
    REVOKE UPDATE ON invoices FROM billing_app;
    """,
    good="""
    CREATE TABLE invoice_exports (id bigint PRIMARY KEY);
    REVOKE ALL ON invoice_exports FROM PUBLIC;
    GRANT SELECT ON invoice_exports TO billing_app;
    """,
    fix="""
    Take a privilege away only from code that no longer needs it:
    1. move the application to a role (or code path) that does not need the privilege, and
       deploy that everywhere, including the releases you may roll back to;
    2. revoke it in a later migration, noting in a suppression comment which release stopped
       needing it.
    """,
)
def check(
    node: ast.GrantStmt | ast.GrantRoleStmt | ast.AlterDefaultPrivilegesStmt, ctx: Context
) -> Iterator[Violation]:
    """A revoked privilege fails the next statement that needs it with `42501
    insufficient_privilege`, in every instance still running code that uses it (during a
    rolling deploy, or after an application-only rollback, which does not grant anything
    back). Revoking membership in a role takes away everything that role could do.
    Revoking on objects created earlier in the same file (or migration unit), the usual
    hardening of a new table or function (`REVOKE ALL ... FROM PUBLIC`), is not flagged, nor
    revoking from or of a role created there, nor `REVOKE GRANT OPTION FOR` and `REVOKE ADMIN OPTION
    FOR` without CASCADE (the grantee keeps the privilege or the membership). `ALTER DEFAULT PRIVILEGES ... REVOKE` changes no
    existing object, only the ones created later: reported as info, since objects of later
    migrations will lack the privilege."""
    if isinstance(node, ast.AlterDefaultPrivilegesStmt):
        action = node.action
        if isinstance(action, ast.GrantStmt) and not action.is_grant:
            yield Violation(
                f"ALTER DEFAULT PRIVILEGES ... REVOKE {_privileges(action)} FROM "
                f"{_grantees(action.grantees)}: objects created later will lack the privilege "
                "(existing ones keep it)",
                severity=Severity.INFO,
            )
        return
    if node.is_grant:
        return
    if (
        isinstance(node, ast.GrantStmt)
        and node.targtype == enums.GrantTargetType.ACL_TARGET_DEFAULTS
    ):
        return  # the action of ALTER DEFAULT PRIVILEGES, reported above
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    if isinstance(node, ast.GrantRoleStmt):
        granted = [p.priv_name for p in node.granted_roles or () if isinstance(p, ast.AccessPriv)]
        if any(_role_is_new(ctx, r) for r in granted) or all(
            _role_is_new(ctx, getattr(g, "rolename", None)) for g in node.grantee_roles or ()
        ):
            return
        admin_only = bool(node.opt) and all(
            isinstance(d, ast.DefElem) and d.defname == "admin" for d in node.opt or ()
        )
        if admin_only and not cascade:
            return  # REVOKE ADMIN OPTION FOR: membership and its privileges stay
        yield Violation(
            f"REVOKE {', '.join(chr(34) + str(r) + chr(34) for r in granted)} FROM "
            f"{_grantees(node.grantee_roles)}: running code that logs in as them loses what "
            "those roles may do"
        )
        return
    if node.grant_option and not cascade:
        return
    refs = grant_refs(node)
    existing = [r for r in refs if not is_new(ctx, r)]
    if refs and not existing:
        return
    on = ", ".join(r.label for r in existing) if existing else "its objects"
    if node.targtype == enums.GrantTargetType.ACL_TARGET_ALL_IN_SCHEMA:
        plural = str(getattr(node.objtype, "name", "")).removeprefix("OBJECT_") + "S"
        on = f"ALL {plural} IN " + on.replace("schema ", "SCHEMA ")
    yield Violation(
        f"REVOKE {_privileges(node)} ON {on} FROM {_grantees(node.grantees)}: running code that "
        'still needs the privilege fails with "permission denied"'
    )
