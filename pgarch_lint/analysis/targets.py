"""Column targets: what a statement assigns, and the names of the columns a query produces.

Two readers for statements that name columns:

* :func:`repeated_assignments`: in a list of ``ResTarget`` assignments (``UPDATE ... SET``,
  ``ON CONFLICT DO UPDATE SET``, ``MERGE ... UPDATE SET``, an INSERT or MERGE INSERT column
  list), each column that is assigned more than once in a way PostgreSQL rejects. PostgreSQL
  accepts several assignments to *parts* of one column (``SET arr[1] = x, arr[2] = y``,
  ``SET pt.x = 1, pt.y = 2``, even the same element twice: the last one wins), and rejects a
  column assigned whole more than once, or whole and in part ("multiple assignments to same
  column", "column ... specified more than once"). Multi-column ``SET (a, b) = (...)`` gives
  one ``ResTarget`` per column, so it is read the same way.
* :func:`output_names`: the names of the columns a ``SelectStmt`` produces, as CREATE VIEW,
  CREATE TABLE AS, CREATE MATERIALIZED VIEW and SELECT INTO name them (an explicit column list
  first, then each target's alias or the name PostgreSQL infers for it); :func:`inferred_name`
  for one expression. PostgreSQL infers a name from the raw expression (``FigureColname``): a
  column reference gives its last field, a function call its name, a cast its type's name when
  the argument has no better one, ``CASE`` gives ``case``, ``ARRAY[...]`` ``array``, a
  constant or an operator ``?column?``. Only the forms modelled here are named; any other
  expression is unknown (None), and so is every column after a ``*`` whose expansion the
  query alone cannot tell, so a caller comparing names never guesses.

Names are compared as PostgreSQL does: the parser already folds unquoted identifiers to lower
case and cuts them to 63 bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pgarch_lint import astutil as util
from pgarch_lint.sql import ast, enums

__all__ = [
    "OutputName",
    "inferred_name",
    "output_names",
    "repeated_assignments",
    "repeated_names",
]

#: ``?column?``: the name PostgreSQL gives an expression it cannot name
NO_NAME = "?column?"

#: expressions whose name is ``?column?`` with no strength (a cast around them names the type)
_UNNAMED = (ast.A_Const, ast.ParamRef, ast.BoolExpr, ast.NullTest, ast.BooleanTest)


def repeated_assignments(targets: Iterable[object]) -> list[tuple[str, ast.ResTarget]]:
    """Each column assigned in a way PostgreSQL rejects, with the ``ResTarget`` where the
    conflict shows: the first assignment that repeats a whole-column assignment, or assigns
    the whole column after a partial one. Partial assignments alone never conflict."""
    seen: dict[str, list[bool]] = {}  # column -> partial flags so far
    out: list[tuple[str, ast.ResTarget]] = []
    reported: set[str] = set()
    for t in targets:
        if not isinstance(t, ast.ResTarget) or not t.name:
            continue
        partial = bool(t.indirection)
        prior = seen.setdefault(t.name, [])
        if prior and (not partial or not all(prior)) and t.name not in reported:
            reported.add(t.name)
            out.append((t.name, t))
        prior.append(partial)
    return out


@dataclass(frozen=True, slots=True)
class OutputName:
    """One output column's name, and the node that names it (None: an explicit column list,
    whose names have no position in the tree)."""

    name: str
    node: ast.Node | None


def output_names(query: object, columns: Sequence[object] | None = None) -> list[OutputName]:
    """The output column names of ``query`` that are known, in order, after the explicit
    ``columns`` (a ``String`` list: a view's or CREATE TABLE AS's column list) rename the
    first ones. Targets after a ``*`` are left out when the column list could reach them."""
    aliases = [c.sval for c in columns or () if isinstance(c, ast.String) and c.sval]
    out = [OutputName(a, None) for a in aliases]
    sel = _leftmost(query)
    if sel is None:
        return out
    if sel.valuesLists:
        first = sel.valuesLists[0]
        width = len(first) if isinstance(first, (tuple, list)) else 0
        out += [OutputName(f"column{i + 1}", None) for i in range(len(aliases), width)]
        return out
    targets = [t for t in sel.targetList or () if isinstance(t, ast.ResTarget)]
    star = next((i for i, t in enumerate(targets) if _is_star(t.val)), None)
    for i, t in enumerate(targets):
        if i < len(aliases) or _is_star(t.val):
            continue
        if star is not None and i > star and len(aliases) > star:
            break  # the column list may rename it: its position is unknown
        name = t.name or inferred_name(t.val)
        if name is not None:
            out.append(OutputName(name, t))
    return out


def repeated_names(names: Iterable[OutputName]) -> list[OutputName]:
    """Each name that occurs more than once, at its second occurrence."""
    seen: dict[str, int] = {}
    out: list[OutputName] = []
    for n in names:
        seen[n.name] = seen.get(n.name, 0) + 1
        if seen[n.name] == 2:
            out.append(n)
    return out


def inferred_name(expr: object) -> str | None:
    """The column name PostgreSQL infers for a target expression without an alias, or None
    when this module does not model the expression (see the module doc)."""
    found = _figure(expr)
    return None if found is None else found[0]


def _leftmost(query: object) -> ast.SelectStmt | None:
    """The SELECT whose targets name a query's columns (the first branch of UNION etc.)."""
    while isinstance(query, ast.SelectStmt):
        if query.op == enums.SetOperation.SETOP_NONE:
            return query
        query = query.larg
    return None


def _is_star(expr: object) -> bool:
    if isinstance(expr, ast.ColumnRef):
        parts = expr.fields or ()
    elif isinstance(expr, ast.A_Indirection):
        parts = expr.indirection or ()
    else:
        return False
    return bool(parts) and isinstance(parts[-1], ast.A_Star)


def _last_string(items: Iterable[object] | None) -> str | None:
    name = None
    for i in items or ():
        if isinstance(i, ast.String):
            name = i.sval
    return name


def _figure(expr: object) -> tuple[str, int] | None:
    """(name, strength) as PostgreSQL's FigureColnameInternal ranks it: 2 a real name, 1 a
    fallback (a type name, ``case``), 0 none (``?column?``); None when not modelled."""
    if isinstance(expr, _UNNAMED):
        return (NO_NAME, 0)
    if isinstance(expr, ast.ColumnRef):
        name = _last_string(expr.fields)
        return (name, 2) if name else None
    if isinstance(expr, ast.A_Indirection):
        name = _last_string(expr.indirection)
        return (name, 2) if name else _figure(expr.arg)
    if isinstance(expr, ast.FuncCall):
        name = _last_string(expr.funcname)
        return (name, 2) if name else None
    if isinstance(expr, ast.A_Expr):
        return ("nullif", 2) if expr.kind == enums.A_Expr_Kind.AEXPR_NULLIF else (NO_NAME, 0)
    if isinstance(expr, ast.TypeCast):
        inner = _figure(expr.arg)
        if inner is None or inner[1] > 1:
            return inner
        type_name = util.names_of(expr.typeName)
        return (type_name[-1], 1) if type_name else inner
    if isinstance(expr, ast.CollateClause):
        return _figure(expr.arg)
    if isinstance(expr, ast.CaseExpr):
        inner = (NO_NAME, 0) if expr.defresult is None else _figure(expr.defresult)
        if inner is None or inner[1] > 1:
            return inner
        return ("case", 1)
    return _figure_named(expr)


def _figure_named(expr: object) -> tuple[str, int] | None:
    """The expressions PostgreSQL names like a function."""
    if isinstance(expr, ast.A_ArrayExpr):
        return ("array", 2)
    if isinstance(expr, ast.RowExpr):
        return ("row", 2)
    if isinstance(expr, ast.CoalesceExpr):
        return ("coalesce", 2)
    if isinstance(expr, ast.MinMaxExpr):
        return ("greatest" if expr.op == enums.MinMaxOp.IS_GREATEST else "least", 2)
    if isinstance(expr, ast.SubLink):
        kind = expr.subLinkType
        if kind == enums.SubLinkType.EXISTS_SUBLINK:
            return ("exists", 2)
        if kind == enums.SubLinkType.ARRAY_SUBLINK:
            return ("array", 2)
        if kind == enums.SubLinkType.EXPR_SUBLINK:
            names = output_names(expr.subselect)
            first = _leftmost(expr.subselect)
            targets = first.targetList if first is not None else None
            # the subquery's first column, when its name is known
            if names and targets and names[0].node is targets[0]:
                return (names[0].name, 2)
            return None
        return (NO_NAME, 0)  # ANY, ALL, row comparison: operators
    return None
