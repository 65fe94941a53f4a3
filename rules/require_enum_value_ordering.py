from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import q


def _literal(label: str) -> str:
    return "'" + label.replace("'", "''") + "'"


@rule(
    name="require-enum-value-ordering",
    category=Category.CORRECTNESS,
    severity=Severity.INFO,
    summary="ALTER TYPE ... ADD VALUE without BEFORE or AFTER (the label sorts last)",
    nodes=(ast.AlterEnumStmt,),
    bad="""
    CREATE TYPE ticket_state AS ENUM ('open', 'triaged', 'closed');
    ALTER TYPE ticket_state ADD VALUE 'waiting_on_customer';
    """,
    good="""
    CREATE TYPE ticket_state AS ENUM ('open', 'triaged', 'closed');
    ALTER TYPE ticket_state ADD VALUE 'waiting_on_customer' BEFORE 'closed';
    ALTER TYPE ticket_state ADD VALUE 'archived' AFTER 'closed';
    """,
    fix="Say where the label belongs: `ALTER TYPE t ADD VALUE 'new' BEFORE 'existing'` or "
    "`... AFTER 'existing'` (AFTER the last label when it really belongs at the end).",
)
def check(node: ast.AlterEnumStmt, ctx: Context) -> Iterator[Violation]:
    """An enum's labels are ordered: `<`, `>`, `BETWEEN`, `ORDER BY`, `min()`/`max()` and
    range checks compare them by their position, not by their text. `ADD VALUE` without
    `BEFORE` or `AFTER` puts the new label after every existing one, so a workflow state added
    in the middle of a lifecycle sorts after the final state, and queries such as
    `WHERE state < 'closed'` silently stop matching its rows. Appending is often right, but
    the statement does not say whether it was meant; naming the neighbour does. Reported as
    information. Not reported: an enum known to have no label yet (there is no neighbour to
    name), and `ADD VALUE IF NOT EXISTS` of a label the enum is known to have (it does
    nothing)."""
    if node.oldVal or not node.newVal or node.newValNeighbor:
        return  # RENAME VALUE, or a position is given
    names = util.names_of(node.typeName)
    ty = ctx.catalog.enum_type(".".join(names)) if names else None
    if ty is not None:
        if not ty.values:
            return
        if node.skipIfNewValExists and node.newVal in ty.values:
            return
    where = f" after {_literal(ty.values[-1])}" if ty is not None else ""
    yield Violation(
        f"ALTER TYPE {q('.'.join(names))} ADD VALUE {_literal(node.newVal)} appends the label"
        f"{where}: comparisons and ORDER BY on the enum sort it last; name its "
        "neighbour with BEFORE or AFTER",
        node=node,
    )
