from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

from ._report import grant_targets

_OT = enums.ObjectType
_KINDS = {
    _OT.OBJECT_TABLE: "table",
    _OT.OBJECT_SEQUENCE: "sequence",
    _OT.OBJECT_FUNCTION: "function",
    _OT.OBJECT_PROCEDURE: "procedure",
    _OT.OBJECT_ROUTINE: "routine",
    _OT.OBJECT_SCHEMA: "schema",
}


def _privileges(node: ast.GrantStmt) -> list[str]:
    if not node.privileges:
        return ["ALL"]
    return [
        (p.priv_name or "all").upper() for p in node.privileges if isinstance(p, ast.AccessPriv)
    ]


@rule(
    name="grant-to-public",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="GRANT ... TO PUBLIC on tables, sequences, functions or schemas",
    nodes=(ast.GrantStmt,),
    bad="""
    GRANT SELECT, INSERT ON TABLE app.documents TO PUBLIC;
    """,
    good="""
    GRANT SELECT, INSERT ON TABLE app.documents TO app_writer;
    GRANT USAGE ON SCHEMA app TO PUBLIC;
    """,
    fix="""
    Grant to the roles that need the access instead: create a group role (`CREATE ROLE
    app_reader NOLOGIN`), grant the privileges to it, and grant that role to the login roles
    that need it.
    """,
)
def check(node: ast.GrantStmt, ctx: Context) -> Iterator[Violation]:
    """PUBLIC is every role in the cluster, including roles created later and roles of other
    applications sharing the server. A privilege granted to PUBLIC cannot be taken back from
    one role alone, and it silently widens whenever someone adds a role. For a table it exposes
    (or lets anyone change) its rows; for a sequence, its values; for a function, whatever the
    function can do; `CREATE` on a schema lets any role plant objects that others then resolve
    through their search_path. `USAGE` on a schema only lets roles look up names in it and is
    not flagged. `ALTER DEFAULT PRIVILEGES ... GRANT ... TO PUBLIC` is flagged too: it grants
    every object created later."""
    if not node.is_grant:
        return
    kind = _KINDS.get(node.objtype) if node.objtype is not None else None
    if kind is None:
        return
    if not any(
        isinstance(r, ast.RoleSpec) and r.roletype == enums.RoleSpecType.ROLESPEC_PUBLIC
        for r in node.grantees or ()
    ):
        return
    privs = _privileges(node)
    if kind == "schema" and privs and all(p == "USAGE" for p in privs):
        return
    plist = ", ".join(privs)
    defaults = any(isinstance(p, ast.AlterDefaultPrivilegesStmt) for p in ctx.parents)
    if defaults or node.targtype == enums.GrantTargetType.ACL_TARGET_DEFAULTS:
        yield Violation(
            f"ALTER DEFAULT PRIVILEGES grants {plist} on every future {kind} to PUBLIC: every "
            "role, present and future, gets it",
            help="grant the default privileges to a group role instead of PUBLIC",
            node=ctx.parents[-1] if ctx.parents else node,
        )
        return
    yield Violation(
        f"GRANT {plist} on {grant_targets(node, kind)} to PUBLIC: every role, present and future, "
        "gets it",
        help="grant it to a group role and grant that role to the users who need it",
        node=node,
    )
