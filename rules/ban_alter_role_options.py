from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import all_created_here, altered_role, in_routine_body
from pgarch_lint.analysis.security import role_name_span
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

_SET = enums.VariableSetKind

# role options as CREATE / ALTER ROLE spell them, and what they change for the role's clients
_OPTIONS = {
    "canlogin": ("LOGIN", "NOLOGIN (its sessions can no longer connect)"),
    "password": ("PASSWORD (clients that still use the old password cannot connect)",) * 2,
    "validUntil": ("VALID UNTIL (its password stops working at that time)",) * 2,
    "connectionlimit": ("CONNECTION LIMIT (connections over the limit are refused)",) * 2,
    "inherit": ("INHERIT", "NOINHERIT (it no longer uses the privileges of its groups)"),
    "superuser": ("SUPERUSER", "NOSUPERUSER"),
    "createdb": ("CREATEDB", "NOCREATEDB"),
    "createrole": ("CREATEROLE", "NOCREATEROLE"),
    "isreplication": ("REPLICATION", "NOREPLICATION"),
    "bypassrls": (
        "BYPASSRLS (row-level security policies no longer apply to it)",
        "NOBYPASSRLS (row-level security policies now apply to it)",
    ),
}


def _option(d: ast.DefElem) -> str:
    on, off = _OPTIONS.get(d.defname or "", ((d.defname or "option").upper(),) * 2)
    value = getattr(d.arg, "boolval", None)
    if value is None:
        value = getattr(d.arg, "ival", 1) != 0
    return on if value else off


def _setting(vs: ast.VariableSetStmt, database: str | None) -> str:
    where = f'IN DATABASE "{database}" ' if database else ""
    if vs.kind == _SET.VAR_RESET_ALL:
        clause = "RESET ALL"
    elif vs.kind == _SET.VAR_RESET:
        clause = f"RESET {vs.name}"
    else:
        clause = f"SET {vs.name}"
    return f"{where}{clause} (a default its new sessions start with)"


def _target(spec: object) -> str:
    if spec is None:
        return "ALL"
    if isinstance(spec, ast.RoleSpec):
        if spec.rolename:
            return f'"{spec.rolename}"'
        return str(getattr(spec.roletype, "name", "")).removeprefix("ROLESPEC_")
    return '"?"'


@rule(
    name="ban-alter-role-options",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER ROLE / USER changes an option or a setting of an existing role",
    nodes=(ast.AlterRoleStmt, ast.AlterRoleSetStmt),
    default=False,
    bad="""
    ALTER ROLE billing_app SET search_path TO billing, public;
    """,
    good="""
    CREATE ROLE report_reader NOLOGIN;
    ALTER ROLE report_reader SET statement_timeout = '30s';
    ALTER ROLE billing_app RENAME TO billing_service;
    """,
    fix="""
    Change what a role in use may do, or how its sessions start, as an operation of its own:
    1. check every application version that connects as the role (and every version you may
       roll back to) against the new option or setting, and deploy code that works with both;
    2. for credentials, add the new one first (a second role, or both passwords accepted
       through a new role) and retire the old one once no client uses it;
    3. record the review in a suppression comment.
    """,
)
def check(node: ast.AlterRoleStmt | ast.AlterRoleSetStmt, ctx: Context) -> Iterator[Violation]:
    """A role's options decide whether and how its clients connect (`LOGIN`, `PASSWORD`, `VALID
    UNTIL`, `CONNECTION LIMIT`) and what they may do (`INHERIT`, `BYPASSRLS`, `SUPERUSER`...);
    its settings (`ALTER ROLE ... [IN DATABASE ...] SET`) are defaults every new session of the
    role starts with (`search_path`, `statement_timeout`...). Changing them changes connections,
    privileges, name resolution and timeouts for every application that uses the role at once,
    including the version still running during a deploy and the one a rollback returns to, and a
    rollback of the application does not undo it; pooled sessions keep old settings until they
    reconnect. Roles created earlier in the same file (or migration unit) are new and not
    flagged. `ALTER ROLE ALL` is always flagged; renames and membership changes (`ALTER GROUP
    ... ADD USER`) are not reported here. Statements in a function body are skipped: they run
    when the routine is called, on objects unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    if isinstance(node, ast.AlterRoleStmt):
        changes = [
            _option(d)
            for d in node.options or ()
            if isinstance(d, ast.DefElem) and d.defname not in ("rolemembers", "addroleto")
        ]
    else:
        vs = node.setstmt
        changes = [_setting(vs, node.database)] if isinstance(vs, ast.VariableSetStmt) else []
    if not changes:
        return
    if node.role is not None and all_created_here(ctx, [altered_role(ctx, node.role)]):
        return
    target = _target(node.role)
    whose = "every role" if node.role is None else "the role"
    st = ctx.statement
    role = node.role.rolename if isinstance(node.role, ast.RoleSpec) else None
    span = role_name_span(st.text, st.start, role) if st is not None and role else None
    yield Violation(
        f"ALTER ROLE {target} changes what every client of {whose} gets: " + "; ".join(changes),
        start=span[0] if span else None,
        end=span[1] if span else None,
    )
