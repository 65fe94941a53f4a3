import re
from collections.abc import Iterator

from pgarch_lint.analysis.altered_objects import (
    all_created_here,
    altered_extension,
    in_routine_body,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, deparse, rule


def _version(node: ast.AlterExtensionStmt) -> str:
    for d in node.options or ():
        if isinstance(d, ast.DefElem) and d.defname == "new_version" and d.arg is not None:
            return f" TO '{getattr(d.arg, 'sval', None) or deparse(d.arg)}'"
    return ""


def _member(node: ast.AlterExtensionContentsStmt, ctx: Context) -> str:
    """The dropped member as written (``FUNCTION legacy_fn(int)``), else its kind."""
    text = ctx.statement.text if ctx.statement is not None else ""
    m = re.search(r"\bdrop\s+(.+?)\s*;?\s*$", text, re.IGNORECASE | re.DOTALL)
    if m:
        written = " ".join(m.group(1).split())
        return written if len(written) <= 80 else written[:77] + "..."
    return str(getattr(node.objtype, "name", node.objtype)).removeprefix("OBJECT_").lower()


@rule(
    name="ban-alter-extension",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER EXTENSION ... UPDATE or DROP member on an existing extension",
    nodes=(ast.AlterExtensionStmt, ast.AlterExtensionContentsStmt),
    default=False,
    bad="""
    ALTER EXTENSION pg_trgm UPDATE TO '1.6';
    """,
    good="""
    ALTER EXTENSION pg_trgm ADD FUNCTION similarity_ratio(text, text);
    """,
    fix="""
    Treat an extension upgrade as a change of its own:
    1. read the release notes of every version between the installed one and the target
       (removed or renamed functions, changed signatures, changed results);
    2. deploy application code that works with both versions, then run the update (test it on
       a copy of the database first);
    3. keep a removed member (`DROP`) only when nothing relies on the extension managing it.
    """,
)
def check(
    node: ast.AlterExtensionStmt | ast.AlterExtensionContentsStmt, ctx: Context
) -> Iterator[Violation]:
    """`ALTER EXTENSION ... UPDATE` runs the extension's upgrade scripts, which may drop
    functions, change their signatures or results, and change types and operators that running
    code and its queries use; the application version still running during the deploy, and the
    one a rollback returns to, meet the new version, and going back means a downgrade script the
    extension rarely ships. `ALTER EXTENSION ... DROP` detaches an object from the extension:
    later updates and `DROP EXTENSION` no longer manage it, and dumps include it as a separate
    object. Extensions created earlier in the same file (or migration unit) are new and not
    flagged; `ADD` is not reported, and `SET SCHEMA` is a move, not an update. Statements in a
    function body are skipped: they run when the routine is called, on objects unknown now."""
    if in_routine_body(ctx):
        return  # runs when the routine is called, on objects unknown now
    name = node.extname or ""
    if all_created_here(ctx, [altered_extension(ctx, name)]):
        return
    if isinstance(node, ast.AlterExtensionStmt):
        yield Violation(
            f'ALTER EXTENSION "{name}" UPDATE{_version(node)} runs its upgrade scripts: functions, '
            "types and operators that running code uses may change or disappear"
        )
        return
    if node.action != -1:
        return  # ADD: the object only becomes a member
    yield Violation(
        f'ALTER EXTENSION "{name}" DROP {_member(node, ctx)} detaches it from the extension: '
        "later updates and DROP EXTENSION no longer manage it"
    )
