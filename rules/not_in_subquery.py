from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgarch_lint.analysis.nodes import colref_names, conjuncts, iter_nodes
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

if TYPE_CHECKING:
    from pgarch_lint.api import Table

from ._report import query_prefix


def _is_not_in(node: ast.SubLink, ctx: Context) -> bool:
    parent = ctx.parents[-1] if ctx.parents else None
    if node.subLinkType == enums.SubLinkType.ANY_SUBLINK:
        return isinstance(parent, ast.BoolExpr) and parent.boolop == enums.BoolExprType.NOT_EXPR
    if node.subLinkType == enums.SubLinkType.ALL_SUBLINK:
        ops = [s.sval for s in node.operName or () if isinstance(s, ast.String)]
        return ops == ["<>"]
    return False


@dataclass(frozen=True)
class _Source:
    """One relation of the subquery's FROM list: the names a column reference may qualify it
    with, the catalog table (None: a CTE, subquery, function, view or unknown table) and
    whether an outer join can fill its columns with NULLs."""

    qualifiers: frozenset[str]
    table: Table | None
    nullable: bool


def _sources(entry: ast.Node | None, ctx: Context, ctes: set[str], nullable: bool) -> list[_Source]:
    if isinstance(entry, ast.JoinExpr):
        if entry.alias is not None:  # (a JOIN b) AS j hides a and b: not followed
            return [_Source(frozenset({entry.alias.aliasname or ""}), None, True)]
        jt = entry.jointype
        left_null = nullable or jt in (enums.JoinType.JOIN_RIGHT, enums.JoinType.JOIN_FULL)
        right_null = nullable or jt in (enums.JoinType.JOIN_LEFT, enums.JoinType.JOIN_FULL)
        return _sources(entry.larg, ctx, ctes, left_null) + _sources(
            entry.rarg, ctx, ctes, right_null
        )
    if isinstance(entry, ast.RangeVar):
        alias = entry.alias.aliasname if entry.alias is not None else None
        table = None
        if entry.schemaname or entry.relname not in ctes:
            table = ctx.catalog.table(entry)
        names = {alias or str(entry.relname)}
        if alias is None and table is not None:
            names.add(f"{table.schema}.{table.name}")
        return [_Source(frozenset(names), table, nullable)]
    alias_node = getattr(entry, "alias", None)
    alias = alias_node.aliasname if alias_node is not None and alias_node.aliasname else ""
    return [_Source(frozenset({alias}), None, nullable)]


def _resolve(ref: ast.ColumnRef, sources: list[_Source]) -> tuple[_Source, str] | None:
    """The FROM entry and column a reference of the subquery's target names, when it is
    certain (a reference to an outer query, or to a relation of unknown columns, is not)."""
    names = colref_names(ref) if isinstance(ref, ast.ColumnRef) else None
    if not names or len(names) > 3:
        return None
    col = names[-1]
    if len(names) == 1:
        if any(s.table is None for s in sources):
            return None
        hits = [s for s in sources if s.table is not None and col in s.table.columns]
        return (hits[0], col) if len(hits) == 1 else None
    qual = ".".join(names[:-1])
    hits = [s for s in sources if qual in s.qualifiers]
    return (hits[0], col) if len(hits) == 1 else None


def _not_null_column(src: _Source, col: str, ctx: Context) -> bool:
    table = src.table
    if table is None or src.nullable or col not in table.columns:
        return False
    pk = table.primary_key
    return (
        table.columns[col].not_null
        or (pk is not None and col in pk.columns)
        or ctx.catalog.has_validated_not_null_check(table, col)
    )


def _filtered_not_null(sub: ast.SelectStmt, ref: ast.ColumnRef, sources: list[_Source]) -> bool:
    """The subquery's WHERE has ``col IS NOT NULL`` (AND-ed) for the same column: the same
    reference, or one that resolves to the same column."""
    names = colref_names(ref)
    hit = _resolve(ref, sources)
    for c in conjuncts(sub.whereClause):
        if not (
            isinstance(c, ast.NullTest)
            and c.nulltesttype == enums.NullTestType.IS_NOT_NULL
            and isinstance(c.arg, ast.ColumnRef)
        ):
            continue
        if colref_names(c.arg) == names or (hit is not None and _resolve(c.arg, sources) == hit):
            return True
    return False


def never_null(sub: ast.Node | None, ctx: Context) -> bool:
    """Whether every column the subquery returns is provably never NULL: each is a plain
    column reference to a table the catalog knows, resolved through the subquery's own FROM
    list, not on the nullable side of an outer join, and declared NOT NULL (or PRIMARY KEY,
    or a validated CHECK (col IS NOT NULL)); or filtered with `col IS NOT NULL` in the
    subquery's WHERE."""
    if not isinstance(sub, ast.SelectStmt) or sub.op != enums.SetOperation.SETOP_NONE:
        return False  # UNION & co., VALUES: not followed
    if sub.valuesLists or not sub.targetList or not sub.fromClause:
        return False
    if any(isinstance(g, ast.GroupingSet) for g in sub.groupClause or ()):
        return False  # ROLLUP, CUBE and GROUPING SETS add rows with NULL keys
    root = ctx.statement.node if ctx.statement is not None else sub
    ctes = {str(n.ctename) for n in iter_nodes(root) if isinstance(n, ast.CommonTableExpr)}
    sources = [s for e in sub.fromClause for s in _sources(e, ctx, ctes, False)]
    for target in sub.targetList:
        ref = getattr(target, "val", None)
        if not isinstance(ref, ast.ColumnRef) or not colref_names(ref):
            return False  # an expression, an aggregate, a star
        if _filtered_not_null(sub, ref, sources):
            continue
        hit = _resolve(ref, sources)
        if hit is None or not _not_null_column(hit[0], hit[1], ctx):
            return False
    return True


@rule(
    name="not-in-subquery",
    category=Category.QUERIES,
    severity=Severity.WARNING,
    summary="NOT IN (SELECT ...) over a column that may be NULL (wrong on NULLs, not "
    "optimisable as an anti-join)",
    nodes=(ast.SubLink,),
    bad="""
    SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders);
    """,
    good="""
    SELECT c.id FROM customers c
    WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);
    SELECT id FROM orders WHERE status NOT IN ('cancelled', 'refunded');
    CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint NOT NULL);
    SELECT id FROM orders WHERE id NOT IN (SELECT order_id FROM invoices);
    """,
    fix="Rewrite as `NOT EXISTS (SELECT 1 FROM ... WHERE inner.col = outer.col)`, which "
    "PostgreSQL plans as an anti-join and which means what it says when NULLs appear.",
)
def check(node: ast.SubLink, ctx: Context) -> Iterator[Violation]:
    """`x NOT IN (SELECT y ...)` is NULL, not true, as soon as the subquery returns one NULL,
    so the query silently returns no rows at all: a nullable column in the subquery is a
    latent bug that waits for the first NULL. PostgreSQL also cannot turn `NOT IN` into an
    anti-join: it runs a hashed subplan if the result fits in `work_mem` and otherwise
    re-scans the subquery for every outer row, which is quadratic. `NOT EXISTS` has neither
    problem. `NOT IN` with a literal list (`NOT IN (1, 2)`) is fine and not reported;
    `<> ALL (SELECT ...)` is the same construct and is reported.

    A subquery whose selected columns are provably never NULL is not reported: each is a plain
    column reference that the subquery filters with `WHERE col IS NOT NULL`, or that resolves
    through the subquery's own FROM list (aliases and schema-qualified names included) to a
    table the catalog knows, not on the nullable side of a LEFT, RIGHT or FULL JOIN, and
    declared NOT NULL or PRIMARY KEY (or with a validated `CHECK (col IS NOT NULL)`). Then
    `NOT IN` means what it says, and the hashed subplan serves subquery results that fit in
    `work_mem`; prefer `NOT EXISTS` where the subquery can return millions of rows. An
    expression, an aggregate, a UNION, a CTE, a view, a reference to the outer query, a table
    the catalog does not know or `GROUP BY ROLLUP`/`CUBE`/`GROUPING SETS` is not provable, and
    is reported."""
    if node.subselect is None or not _is_not_in(node, ctx):
        return
    if never_null(node.subselect, ctx):
        return
    yield Violation(
        f"{query_prefix(ctx)}NOT IN (SELECT ...) returns no rows as soon as the subquery yields a NULL, "
        "and PostgreSQL cannot plan it as an anti-join; use NOT EXISTS",
        node=node,
    )
