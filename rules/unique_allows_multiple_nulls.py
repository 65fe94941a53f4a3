from collections.abc import Iterator

from pgarch_lint.analysis.definitions import (
    column_constraints,
    owner_of_constraint,
    statement_coldefs,
    statement_constraints,
)
from pgarch_lint.analysis.types import SERIALS, base_type
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import quoted_list

_NOT_NULL_CONSTRAINTS = (
    enums.ConstrType.CONSTR_NOTNULL,
    enums.ConstrType.CONSTR_PRIMARY,
    enums.ConstrType.CONSTR_IDENTITY,
)


def _declared_not_null(cd: ast.ColumnDef) -> bool:
    if cd.is_not_null or base_type(cd.typeName) in SERIALS:
        return True
    return any(c.contype in _NOT_NULL_CONSTRAINTS for c in column_constraints(cd))


def _nullable_columns(
    cols: list[str], rel: ast.RangeVar, stmt: ast.Node | None, ctx: Context
) -> list[str]:
    """The columns among ``cols`` known to be nullable (unknown columns are left out)."""
    declared = statement_coldefs(stmt) if stmt is not None else {}
    pk_cols: set[str] = set()
    if stmt is not None:
        for c, ccols in statement_constraints(stmt):
            if c.contype in (enums.ConstrType.CONSTR_PRIMARY, enums.ConstrType.CONSTR_NOTNULL):
                pk_cols.update(ccols)
    table = ctx.catalog.table(rel)
    out: list[str] = []
    for name in cols:
        if name in pk_cols:
            continue
        cd = declared.get(name)
        if cd is not None and getattr(cd, "colname", None) == name:
            if not _declared_not_null(cd):
                out.append(name)
            continue
        col = ctx.catalog.column(table, name)
        if col is not None and not col.not_null and not (cd is not None and _declared_not_null(cd)):
            out.append(name)
    return out


def _not_null_in_predicate(pred: ast.Node | None) -> set[str]:
    """Columns a partial index predicate proves NOT NULL (``col IS NOT NULL`` AND-ed)."""
    out: set[str] = set()
    if isinstance(pred, ast.NullTest) and pred.nulltesttype == enums.NullTestType.IS_NOT_NULL:
        if isinstance(pred.arg, ast.ColumnRef):
            names = util.names_of(pred.arg.fields)
            if names:
                out.add(names[-1])
    elif isinstance(pred, ast.BoolExpr) and pred.boolop == enums.BoolExprType.AND_EXPR:
        for a in pred.args or ():
            out |= _not_null_in_predicate(a)
    return out


@rule(
    name="unique-allows-multiple-nulls",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.INFO,
    summary="a UNIQUE constraint or index over a nullable column without NULLS NOT DISTINCT",
    nodes=(ast.Constraint, ast.IndexStmt),
    default=False,
    strict=True,
    bad="""
    CREATE TABLE accounts (
        id bigint PRIMARY KEY,
        org_id bigint NOT NULL,
        external_ref text,
        UNIQUE (org_id, external_ref)
    );
    """,
    good="""
    CREATE TABLE accounts (
        id bigint PRIMARY KEY,
        org_id bigint NOT NULL,
        external_ref text,
        UNIQUE NULLS NOT DISTINCT (org_id, external_ref)
    );
    """,
    fix="If NULL should count as one value, add `NULLS NOT DISTINCT` (PostgreSQL 15+) or make "
    "the column NOT NULL; if several NULLs are intended, say so in a suppression comment or "
    "use a partial unique index `... WHERE col IS NOT NULL` to make it explicit.",
)
def check(node: ast.Constraint | ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
    """In a UNIQUE constraint or index, NULLs are distinct from each other by default: any
    number of rows may hold NULL in a key column, so `UNIQUE (org_id, external_ref)` does not
    stop duplicates of `(1, NULL)`. Upserts (`ON CONFLICT`) on such keys never conflict and
    quietly insert duplicates. PostgreSQL 15 added `NULLS NOT DISTINCT` to treat NULLs as
    equal; before that the intent has to be spelled out another way, so the rule only runs
    for pg-version 15 and later."""
    if ctx.pg_version < 15:
        return
    if isinstance(node, ast.IndexStmt):
        yield from _index(node, ctx)
        return
    if node.contype != enums.ConstrType.CONSTR_UNIQUE or node.nulls_not_distinct or node.indexname:
        return
    owner = owner_of_constraint(node, ctx)
    if owner is None:
        return
    rel, cols, stmt = owner
    nullable = _nullable_columns(cols, rel, stmt, ctx)
    if not nullable:
        return
    name = f'"{node.conname}" ' if node.conname else ""
    yield Violation(
        f'UNIQUE constraint {name}on "{util.rv_name(rel)}" ({quoted_list(cols)}) allows any '
        f"number of rows with NULL in nullable {_cols(nullable)}",
        node=node,
    )


def _index(node: ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
    if not node.unique or node.primary or node.nulls_not_distinct:
        return
    if not isinstance(node.relation, ast.RangeVar):
        return
    cols = [e.name for e in node.indexParams or () if isinstance(e, ast.IndexElem) and e.name]
    if not cols:
        return
    nullable = _nullable_columns(cols, node.relation, None, ctx)
    proven = _not_null_in_predicate(node.whereClause)
    nullable = [c for c in nullable if c not in proven]
    if not nullable:
        return
    name = f'"{node.idxname}" ' if node.idxname else ""
    yield Violation(
        f'unique index {name}on "{util.rv_name(node.relation)}" allows any number of rows '
        f"with NULL in nullable {_cols(nullable)}",
        node=node.relation,
    )


def _cols(names: list[str]) -> str:
    word = "column" if len(names) == 1 else "columns"
    return f"{word} {quoted_list(names)}"
