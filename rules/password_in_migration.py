from collections.abc import Iterable, Iterator
from typing import Any

from pgarch_lint.analysis.security import role_name_span
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule


def _role(node: ast.CreateRoleStmt | ast.AlterRoleStmt) -> str:
    if isinstance(node, ast.CreateRoleStmt):
        return node.role or ""
    spec = node.role
    if isinstance(spec, ast.RoleSpec):
        return spec.rolename or ""
    return ""


def _literal_password(options: Iterable[Any] | None) -> bool:
    for d in options or ():
        if isinstance(d, ast.DefElem) and d.defname == "password":
            arg = d.arg
            if isinstance(arg, ast.String) and arg.sval:
                return True
    return False


@rule(
    name="password-in-migration",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    summary="CREATE/ALTER ROLE or USER with a literal PASSWORD",
    nodes=(ast.CreateRoleStmt, ast.AlterRoleStmt),
    bad="""
    CREATE ROLE app_user LOGIN PASSWORD 'change-me';
    """,
    good="""
    CREATE ROLE app_user LOGIN;
    -- the password is set at deploy time, outside version control:
    --   psql -c "\\password app_user"   or your secret manager's rotation job
    """,
    fix="""
    Keep secrets out of migrations:
    1. create the role without a password (`CREATE ROLE app_user LOGIN;`);
    2. set the password at deploy time from your secret store (psql's `\\password`, a
       provisioning tool, or the managed service's API), or use certificate / IAM
       authentication;
    3. rotate the password that was committed: it stays in the repository's history.
    """,
)
def check(node: ast.CreateRoleStmt | ast.AlterRoleStmt, ctx: Context) -> Iterator[Violation]:
    """A migration lives in version control, is copied to every developer machine, CI log and
    build artefact, and stays in the history after the line is removed. A password written in
    it is a credential anyone with read access to the code can use, and the server also logs
    it in plain text if statement logging is on. A hashed value (`'SCRAM-SHA-256$...'` or
    `'md5...'`) is still a secret: it can be attacked offline, and an MD5 hash is enough to log
    in. The finding never repeats the password: it points at the role name."""
    if not _literal_password(node.options):
        return
    role = _role(node)
    kind = "ROLE"
    if isinstance(node, ast.CreateRoleStmt) and node.stmt_type == enums.RoleStmtType.ROLESTMT_USER:
        kind = "USER"
    st = ctx.statement
    span = role_name_span(st.text, st.start, role) if st is not None and role else None
    start, end = span if span is not None else (None, None)
    yield Violation(
        f'role "{role}" is given a literal password in the migration: the secret is committed '
        "to version control",
        help=f"create or alter the {kind.lower()} without PASSWORD and set it at deploy time from "
        "a secret store; rotate the committed one",
        start=start,
        end=end,
        node=None if span is not None else node,
        redact=True,
    )
