"""Query scopes and the conditions an index could use: the model of the query rules.

A statement is cut into *levels*: every SELECT / UPDATE / DELETE / MERGE in it (CTEs,
subqueries, sublinks and set-operation arms included) becomes a :class:`Level` holding the
:class:`Item` s of its FROM list (catalog tables, views, CTE references, subqueries,
functions, unknown relations) and the AND-ed conditions (:class:`Qual`) of its WHERE and
JOIN ... ON clauses. A condition of a LEFT JOIN's ON clause only filters the right side
(``Qual.only``).

Column references are resolved (:meth:`Scope.resolve`) against a level and then its
enclosing levels (correlated references) into a :class:`Ref` (a column of one item), the
marker :data:`VALUE` (a constant for the level: a ``$1`` parameter, an outer reference, a
PL/pgSQL variable, a masked sqlc ``@param``, ``NEW.x``) or None (ambiguous or unknown: an
item whose columns are not known could hold it).

:func:`classify` turns a level's conditions into :class:`Pred` s, one per (item, condition),
on a :class:`Term` (a column, or an expression over one item's columns as an index would
name it): equality (``=``, ``IN``, ``= ANY``; ``IS NULL`` and boolean tests are weak
equalities), ranges (``<``, ``<=``, ``>``, ``>=``, ``BETWEEN``), ``LIKE 'prefix%'``, ``<>``,
``IS NOT NULL`` and join equalities between two items. :func:`accesses` gives, for each read
of a catalog table, its predicates and its ``ORDER BY ... LIMIT`` terms (an :class:`Access`).

Entry points: :func:`statement_levels` (the scope and levels of the statement being checked,
built once per statement and shared by every rule that asks), then :func:`accesses`, or
:func:`classify` / :meth:`Scope.resolve` / :meth:`Scope.column_type` for a rule's own
questions. :func:`policy_eq_columns` reads the columns an RLS policy fixes.

Known gaps: the size of a table is unknown; set-returning functions and views are items whose
conditions are not classified; a qualified reference to a name the level does not know is a
value (``NEW.x``, ``excluded.x``, a record variable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from pgarch_lint.catalog import CatalogView, Table, expression_tree
from pgarch_lint.sql import ast, deparse, enums

from .memo import per_statement
from .nodes import (
    colref_names,
    conjuncts,
    const_of,
    func_name,
    is_null_const,
    iter_nodes,
    op_name,
    string_const,
    strip_casts,
)

if TYPE_CHECKING:
    from pgarch_lint.api import Context
    from pgarch_lint.sql import Tree

__all__ = [
    "DML_ROOTS",
    "QUERY_NODES",
    "VALUE",
    "Access",
    "Item",
    "Level",
    "Pred",
    "Qual",
    "Ref",
    "Scope",
    "Side",
    "Term",
    "accesses",
    "classify",
    "policy_eq_columns",
    "side",
    "statement_levels",
]

QUERY_NODES: tuple[type, ...] = (ast.SelectStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt)

DML_ROOTS: tuple[type, ...] = (
    ast.SelectStmt,
    ast.InsertStmt,
    ast.UpdateStmt,
    ast.DeleteStmt,
    ast.MergeStmt,
)
_K = enums.A_Expr_Kind
_RANGE_OPS = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_WITH = re.compile(r"with", re.IGNORECASE)


# --- scope model ----------------------------------------------------------------------------


@dataclass(eq=False)
class Item:
    """One entry of a FROM list (or the target of UPDATE/DELETE/MERGE)."""

    alias: str
    kind: str  # table | view | cte | subquery | function | unknown
    node: ast.Node  # the FROM entry: a RangeVar, RangeSubselect, RangeFunction...
    order: int
    rv: ast.RangeVar | None = None
    table: Table | None = None  # the catalog Table for kind "table"
    columns: frozenset[str] | None = None  # None: unknown
    inner: bool = False
    group: int = 0  # index of the top-level FROM entry it belongs to

    @property
    def qualifiers(self) -> list[str]:
        out = [self.alias]
        if self.rv is not None and self.rv.alias is None and self.rv.schemaname:
            out.append(f"{self.rv.schemaname}.{self.rv.relname}")
        return out


@dataclass(eq=False)
class Qual:
    """A condition of a level (a conjunct of WHERE or JOIN ... ON)."""

    expr: ast.Node
    only: frozenset[int] | None = None  # item orders it may filter (LEFT JOIN ... ON); None: all


@dataclass(eq=False)
class Level:
    """One query level: its FROM items and its conditions."""

    node: ast.Node  # the SELECT / UPDATE / DELETE / MERGE
    parent: Level | None
    items: list[Item] = field(default_factory=list)
    quals: list[Qual] = field(default_factory=list)
    lateral: bool = False  # some FROM entry is LATERAL

    def chain(self) -> Iterator[Level]:
        lvl: Level | None = self
        while lvl is not None:
            yield lvl
            lvl = lvl.parent


VALUE = "value"  # a resolved reference that is a constant for the level (param, outer, variable)


@dataclass(frozen=True)
class Ref:
    """A column reference resolved to an item of a level."""

    level: Level
    item: Item
    column: str


@per_statement
def statement_levels(root: ast.Node | None, ctx: Context) -> tuple[Scope, list[Level]]:
    """``Scope(ctx, root)`` and its levels, shared by the rules that check the same statement
    (building them walks the whole statement). Rules only read them."""
    scope = Scope(ctx, root)
    return scope, scope.levels(root)


class Scope:
    """Builds levels for a statement and resolves column references."""

    def __init__(self, ctx: Context, root: ast.Node | None):
        self.ctx = ctx
        self.catalog: CatalogView = ctx.catalog
        self.ctes: dict[str, frozenset[str] | None] = {}
        st = ctx.statement
        # a CTE needs the keyword WITH in the statement's text: without it, skip the walk
        if st is None or root is not st.node or _WITH.search(st.text):
            for n in iter_nodes(root):
                if isinstance(n, ast.CommonTableExpr) and n.ctename:
                    self.ctes[n.ctename] = _cte_columns(n)
        self._stmt_text = ctx.statement.text if ctx.statement is not None else ""
        self._stmt_start = ctx.statement.start if ctx.statement is not None else 0

    # sqlc masks ``@name`` to ``_name``: such a column reference is a parameter
    def is_sqlc_param(self, node: ast.Node) -> bool:
        if self.ctx.file.tool != "sqlc":
            return False
        start, _ = self.ctx.span(node)
        off = start - self._stmt_start
        return 0 <= off < len(self._stmt_text) and self._stmt_text[off] == "@"

    # --- building levels ------------------------------------------------------------------------

    def levels(self, root: ast.Node | None) -> list[Level]:
        """Every query level of ``root``, in textual order (CTEs first)."""
        out: list[Level] = []
        self._visit(root, None, out)
        return out

    def _visit(self, node: object, parent: Level | None, out: list[Level]) -> None:
        for n in iter_nodes(node, QUERY_NODES, enter_root=False):
            if isinstance(n, QUERY_NODES):
                self._query(n, parent, out)

    def _query(self, q: ast.Node, parent: Level | None, out: list[Level]) -> None:
        with_clause = getattr(q, "withClause", None)
        if with_clause is not None:
            for cte in with_clause.ctes or ():
                if isinstance(cte, ast.CommonTableExpr) and cte.ctequery is not None:
                    self._visit(cte.ctequery, parent, out)
        if isinstance(q, ast.SelectStmt) and q.op != enums.SetOperation.SETOP_NONE:
            for arm in (q.larg, q.rarg):
                if arm is not None:
                    self._query(arm, parent, out)
            return
        lvl = self.make_level(q, parent)
        out.append(lvl)
        for attr in getattr(q, "__slots__", ()):
            if attr == "withClause":
                continue
            v = getattr(q, attr, None)
            if v is None or isinstance(v, (str, int, float, bool)):
                continue
            self._visit(v, lvl, out)

    def make_level(self, q: ast.Node, parent: Level | None) -> Level:
        lvl = Level(q, parent)
        if isinstance(q, ast.SelectStmt):
            for i, entry in enumerate(q.fromClause or ()):
                self._from_entry(lvl, entry, i, inner=i > 0, only=None)
            lvl.quals.extend(Qual(c) for c in conjuncts(q.whereClause))
        elif isinstance(q, (ast.UpdateStmt, ast.DeleteStmt)):
            extra = q.fromClause if isinstance(q, ast.UpdateStmt) else q.usingClause
            for i, entry in enumerate(extra or ()):
                self._from_entry(lvl, entry, i, inner=i > 0, only=None)
            if q.relation is not None:
                self._add_rv(lvl, q.relation, 1000, inner=bool(extra))
            lvl.quals.extend(Qual(c) for c in conjuncts(q.whereClause))
        elif isinstance(q, ast.MergeStmt):
            if q.sourceRelation is not None:
                self._from_entry(lvl, q.sourceRelation, 0, inner=False, only=None)
            if q.relation is not None:
                self._add_rv(lvl, q.relation, 1000, inner=True)
            lvl.quals.extend(Qual(c) for c in conjuncts(q.joinCondition))
        return lvl

    def _add_rv(self, lvl: Level, rv: ast.RangeVar, group: int, inner: bool) -> Item:
        alias = rv.alias.aliasname if rv.alias is not None and rv.alias.aliasname else rv.relname
        alias = cast(str, alias)  # the grammar always names the relation
        order = len(lvl.items) if group < 1000 else 1000
        if not rv.schemaname and rv.relname in self.ctes:
            it = Item(alias, "cte", rv, order, rv=rv, columns=self.ctes[rv.relname])
        else:
            table = self.catalog.table(rv)
            if table is not None and not table.columns_known:
                table = None  # created by a statement that did not parse: as unknown
            if table is not None:
                it = Item(
                    alias, "table", rv, order, rv=rv, table=table, columns=frozenset(table.columns)
                )
            else:
                view = self.catalog.view(rv)
                cols = frozenset(view.columns) if view is not None and view.columns else None
                it = Item(
                    alias, "view" if view is not None else "unknown", rv, order, rv=rv, columns=cols
                )
        it.inner = inner
        it.group = group
        lvl.items.append(it)
        return it

    def _from_entry(
        self, lvl: Level, e: ast.Node, group: int, inner: bool, only: frozenset[int] | None
    ) -> list[Item]:
        if isinstance(e, ast.RangeVar):
            return [self._add_rv(lvl, e, group, inner)]
        if isinstance(e, ast.JoinExpr):
            jt = e.jointype
            left_inner = inner or jt == enums.JoinType.JOIN_RIGHT
            right_inner = jt in (enums.JoinType.JOIN_INNER, enums.JoinType.JOIN_LEFT)
            larg, rarg = cast("ast.Node", e.larg), cast("ast.Node", e.rarg)  # a join has both
            left = self._from_entry(lvl, larg, group, left_inner, only)
            right = self._from_entry(lvl, rarg, group, right_inner, only)
            if e.quals is not None:
                if jt == enums.JoinType.JOIN_INNER:
                    lvl.quals.extend(Qual(c) for c in conjuncts(e.quals))
                elif jt == enums.JoinType.JOIN_LEFT:
                    lim = frozenset(i.order for i in right)
                    lvl.quals.extend(Qual(c, lim) for c in conjuncts(e.quals))
                elif jt == enums.JoinType.JOIN_RIGHT:
                    lim = frozenset(i.order for i in left)
                    lvl.quals.extend(Qual(c, lim) for c in conjuncts(e.quals))
            for u in e.usingClause or ():
                col = u.sval if isinstance(u, ast.String) else None
                lhs = next((i for i in left if i.columns is not None and col in i.columns), None)
                rhs = next((i for i in right if i.columns is not None and col in i.columns), None)
                if col and lhs is not None and rhs is not None and lhs.alias and rhs.alias:
                    eq = ast.A_Expr(
                        kind=_K.AEXPR_OP,
                        name=(ast.String(sval="="),),
                        lexpr=ast.ColumnRef(
                            fields=(ast.String(sval=lhs.alias), ast.String(sval=col))
                        ),
                        rexpr=ast.ColumnRef(
                            fields=(ast.String(sval=rhs.alias), ast.String(sval=col))
                        ),
                    )
                    lvl.quals.append(Qual(eq))
            return left + right
        alias_node = getattr(e, "alias", None)
        alias = alias_node.aliasname if alias_node is not None and alias_node.aliasname else ""
        colnames = None
        if alias_node is not None and alias_node.colnames:
            colnames = frozenset(
                c.sval for c in alias_node.colnames if isinstance(c, ast.String) and c.sval
            )
        if isinstance(e, ast.RangeSubselect):
            if e.lateral:
                lvl.lateral = True
            cols = colnames if colnames is not None else _target_names(e.subquery)
            it = Item(alias, "subquery", e, len(lvl.items), columns=cols, inner=inner, group=group)
        elif isinstance(e, ast.RangeFunction):
            cols = colnames
            if cols is None and alias and len(e.functions or ()) == 1:
                cols = frozenset({alias})  # a scalar function's column is named after the alias
            it = Item(alias, "function", e, len(lvl.items), columns=cols, inner=inner, group=group)
        else:
            it = Item(
                alias, "unknown", e, len(lvl.items), columns=colnames, inner=inner, group=group
            )
        lvl.items.append(it)
        return [it]

    def chain_for(self, parents: Iterable[ast.Node]) -> Level | None:
        """The innermost level enclosing a node, from the node's ancestors."""
        lvl: Level | None = None
        for p in parents:
            if isinstance(p, QUERY_NODES):
                if isinstance(p, ast.SelectStmt) and p.op != enums.SetOperation.SETOP_NONE:
                    continue
                lvl = self.make_level(p, lvl)
        return lvl

    # --- resolving references -------------------------------------------------------------------

    def resolve(self, lvl: Level, node: ast.ColumnRef) -> Ref | str | None:
        """A ColumnRef → Ref (a column of an item of some level), VALUE, or None (unknown)."""
        names = colref_names(node)
        if not names:
            return None
        if len(names) == 1:
            col = names[0]
            if self.is_sqlc_param(node):
                return VALUE
            for lv in lvl.chain():
                hits = [i for i in lv.items if i.columns is not None and col in i.columns]
                if len(hits) == 1:
                    return Ref(lv, hits[0], col)
                if len(hits) > 1:
                    return None
                if any(i.columns is None for i in lv.items):
                    return None
            return VALUE
        qual, col = ".".join(names[:-1]), names[-1]
        for lv in lvl.chain():
            for it in lv.items:
                if qual in it.qualifiers or (
                    len(names) == 3
                    and it.rv is not None
                    and it.rv.alias is None
                    and it.rv.relname == names[1]
                ):
                    return Ref(lv, it, col)
        return VALUE  # NEW.x, a record variable, excluded.x ...

    def column_type(self, lvl: Level | None, node: object) -> str | None:
        """The catalog type of a column reference, when it resolves to a known table column."""
        if lvl is None or not isinstance(node, ast.ColumnRef):
            return None
        r = self.resolve(lvl, node)
        if isinstance(r, Ref) and r.item.table is not None:
            c = r.item.table.columns.get(r.column)
            return str(c.type) if c is not None else None
        return None


def _target_names(q: ast.Node | None) -> frozenset[str] | None:
    if isinstance(q, ast.SelectStmt) and q.op != enums.SetOperation.SETOP_NONE:
        return _target_names(q.larg)
    if not isinstance(q, ast.SelectStmt) or q.valuesLists:
        return None
    out: set[str] = set()
    for t in q.targetList or ():
        if not isinstance(t, ast.ResTarget):
            return None
        if t.name:
            out.add(t.name)
            continue
        v = t.val
        if isinstance(v, ast.ColumnRef):
            names = colref_names(v)
            if names is None:
                return None
            out.add(names[-1])
        elif isinstance(v, ast.FuncCall):
            out.add(func_name(v))
        elif isinstance(v, ast.TypeCast) and isinstance(v.arg, ast.ColumnRef):
            names = colref_names(v.arg)
            if names is None:
                return None
            out.add(names[-1])
    return frozenset(out)


def _cte_columns(cte: ast.CommonTableExpr) -> frozenset[str] | None:
    if cte.aliascolnames:
        return frozenset(c.sval for c in cte.aliascolnames if isinstance(c, ast.String) and c.sval)
    q = cte.ctequery
    if isinstance(q, (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
        ret = q.returningClause
        if ret is None or not ret.exprs:
            return frozenset()
        return _target_names(ast.SelectStmt(targetList=ret.exprs))
    return _target_names(q)


# --- classifying conditions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A column or an expression over one item's columns, as an index would name it."""

    key: str  # "col:<name>" or "expr:<deparsed expression without qualifiers>"
    label: str  # for messages and suggested index definitions
    column: str | None = None


@dataclass(eq=False)
class Pred:
    """A condition an index could use, on one term of one item."""

    item: Item
    term: Term
    kind: str  # eq | null | bool | range | like | join | notnull | ne
    # by kind: eq the value node (a tuple of them for IN, the SubLink for = ANY (SELECT...)),
    # bool True / False, like the pattern's text, range and ne the bound node
    value: Any = None
    op: str = ""
    other: Item | None = None
    weak: bool = False


def _strip_qualifiers(text: str, quals: list[str]) -> str:
    for q in sorted(quals, key=len, reverse=True):
        parts = q.split(".")
        pat = r"\.".join(rf'"?{re.escape(p)}"?' for p in parts)
        text = re.sub(rf'(?<![\w"$.]){pat}\.(?=["\w])', "", text)
    return text


class Side:
    """Which items of a level an expression reads, and the term it is when it reads one."""

    __slots__ = ("items", "term", "unknown")

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.term: Term | None = None
        self.unknown = False

    @property
    def is_value(self) -> bool:
        return not self.items and not self.unknown


def side(scope: Scope, lvl: Level, expr: Tree) -> Side:
    """Which items of ``lvl`` an expression reads (sublinks are values)."""
    s = Side()
    refs: list[Ref] = []
    for n in iter_nodes(expr, (ast.SubLink,)):
        if isinstance(n, ast.SubLink) and n is not expr:
            continue
        if isinstance(n, ast.SubLink):
            return s  # a scalar subquery as a whole: a value for this level
        if isinstance(n, ast.ColumnRef):
            r = scope.resolve(lvl, n)
            if r is None:
                s.unknown = True
                return s
            if isinstance(r, Ref) and r.level is lvl:
                refs.append(r)
    for r in refs:
        if r.item not in s.items:
            s.items.append(r.item)
    if len(s.items) == 1 and not isinstance(expr, ast.RowExpr):
        it = s.items[0]
        if isinstance(expr, ast.ColumnRef):
            col = refs[0].column
            s.term = Term(f"col:{col}", col, col)
        else:
            text = _strip_qualifiers(deparse(expr), it.qualifiers)
            s.term = Term(f"expr:{text}", f"({text})")
    return s


def classify(scope: Scope, lvl: Level) -> list[Pred]:
    """The index-relevant conditions of a level, one :class:`Pred` per (item, condition)."""
    out: list[Pred] = []
    for q in lvl.quals:
        for p in _classify_one(scope, lvl, q.expr):
            if q.only is None or p.item.order in q.only:
                out.append(p)
    return out


def _classify_one(scope: Scope, lvl: Level, e: ast.Node) -> list[Pred]:
    if isinstance(e, ast.ColumnRef):
        s = side(scope, lvl, e)
        if s.term is not None:
            return [Pred(s.items[0], s.term, "bool", value=True, weak=True)]
        return []
    if isinstance(e, ast.BoolExpr) and e.boolop == enums.BoolExprType.NOT_EXPR:
        arg = (e.args or (None,))[0]
        if isinstance(arg, ast.ColumnRef):
            s = side(scope, lvl, arg)
            if s.term is not None:
                return [Pred(s.items[0], s.term, "bool", value=False, weak=True)]
        return []
    if isinstance(e, ast.BooleanTest):
        s = side(scope, lvl, e.arg)
        if s.term is not None and e.booltesttype in (
            enums.BoolTestType.IS_TRUE,
            enums.BoolTestType.IS_FALSE,
        ):
            val = e.booltesttype == enums.BoolTestType.IS_TRUE
            return [Pred(s.items[0], s.term, "bool", value=val, weak=True)]
        return []
    if isinstance(e, ast.NullTest):
        s = side(scope, lvl, e.arg)
        if s.term is None:
            return []
        if e.nulltesttype == enums.NullTestType.IS_NULL:
            return [Pred(s.items[0], s.term, "null", weak=True)]
        return [Pred(s.items[0], s.term, "notnull", weak=True)]
    if isinstance(e, ast.SubLink):
        if e.subLinkType == enums.SubLinkType.ANY_SUBLINK and e.testexpr is not None:
            opn = [x.sval for x in e.operName or () if isinstance(x, ast.String)]
            if opn in ([], ["="]):
                tests = e.testexpr.args if isinstance(e.testexpr, ast.RowExpr) else (e.testexpr,)
                out: list[Pred] = []
                for t in tests or ():
                    s = side(scope, lvl, t)
                    if s.term is not None:
                        out.append(Pred(s.items[0], s.term, "eq", value=e))
                return out
        return []
    if not isinstance(e, ast.A_Expr):
        return []
    op = op_name(e)
    kind = e.kind
    if isinstance(e.lexpr, ast.RowExpr):
        return _classify_row(scope, lvl, e, op)
    if kind == _K.AEXPR_OP and op in ("=", "<>", "<", "<=", ">", ">="):
        if is_null_const(e.lexpr) or is_null_const(e.rexpr):
            return []
        ls, rs = side(scope, lvl, e.lexpr), side(scope, lvl, e.rexpr)
        if ls.unknown or rs.unknown:
            return []
        if ls.term is not None and rs.is_value:
            return [_cmp(ls, op, e.rexpr)]
        if rs.term is not None and ls.is_value:
            return [_cmp(rs, _RANGE_OPS.get(op, op), e.lexpr)]
        if op == "=" and ls.term is not None and rs.term is not None and ls.items != rs.items:
            a, b = ls.items[0], rs.items[0]
            return [Pred(a, ls.term, "join", other=b), Pred(b, rs.term, "join", other=a)]
        return []
    if kind == _K.AEXPR_OP_ANY and op == "=":
        ls, rs = side(scope, lvl, e.lexpr), side(scope, lvl, e.rexpr)
        if ls.term is not None and rs.is_value:
            return [Pred(ls.items[0], ls.term, "eq", value=e.rexpr, op="any")]
        return []
    if kind == _K.AEXPR_IN and op == "=":
        ls = side(scope, lvl, e.lexpr)
        vals = e.rexpr if isinstance(e.rexpr, tuple) else (e.rexpr,)
        if ls.term is not None and all(side(scope, lvl, v).is_value for v in vals):
            return [Pred(ls.items[0], ls.term, "eq", value=vals, op="in")]
        return []
    if kind in (_K.AEXPR_BETWEEN, _K.AEXPR_BETWEEN_SYM):
        ls = side(scope, lvl, e.lexpr)
        vals = e.rexpr if isinstance(e.rexpr, tuple) else ()
        if ls.term is not None and all(side(scope, lvl, v).is_value for v in vals):
            return [Pred(ls.items[0], ls.term, "range", op="between")]
        return []
    if kind == _K.AEXPR_LIKE and op == "~~":
        ls = side(scope, lvl, e.lexpr)
        pat = string_const(e.rexpr)
        if ls.term is not None and pat and pat[0] not in "%_":
            return [Pred(ls.items[0], ls.term, "like", value=pat)]
        return []
    return []


def _row_args(node: Tree) -> tuple[Any, ...] | None:
    return tuple(node.args or ()) if isinstance(node, ast.RowExpr) else None


def _classify_row(scope: Scope, lvl: Level, e: ast.A_Expr, op: str) -> list[Pred]:
    """Row comparisons: ``(a, b) = (x, y)``, ``(a, b) IN ((1, 2), ...)``, ``(a, b) > (x, y)``."""
    left = _row_args(e.lexpr) or ()
    out: list[Pred] = []
    if e.kind == _K.AEXPR_OP and op == "=":
        right = _row_args(e.rexpr)
        if right is None or len(right) != len(left):
            return []
        for a, b in zip(left, right, strict=True):
            eq = ast.A_Expr(kind=_K.AEXPR_OP, name=(ast.String(sval="="),), lexpr=a, rexpr=b)
            out.extend(_classify_one(scope, lvl, eq))
        return out
    if e.kind == _K.AEXPR_IN and op == "=" and isinstance(e.rexpr, tuple):
        for i, a in enumerate(left):
            vals = [(_row_args(r) or ())[i : i + 1] for r in e.rexpr]
            s = side(scope, lvl, a)
            if s.term is not None and all(v and side(scope, lvl, v[0]).is_value for v in vals):
                out.append(Pred(s.items[0], s.term, "eq", value=tuple(v[0] for v in vals), op="in"))
        return out
    if e.kind == _K.AEXPR_OP and op in _RANGE_OPS and left:
        s = side(scope, lvl, left[0])
        if s.term is not None and side(scope, lvl, e.rexpr).is_value:
            return [Pred(s.items[0], s.term, "range", op=op)]
    return []


def _cmp(s: Side, op: str, value: Tree) -> Pred:
    it, term = s.items[0], s.term
    assert term is not None
    if op == "=":
        ok, v = const_of(value)
        weak = ok and isinstance(v, bool)
        return Pred(it, term, "eq", value=value, op="=", weak=weak)
    if op == "<>":
        return Pred(it, term, "ne", value=value, op="<>", weak=True)
    return Pred(it, term, "range", value=value, op=op)


# --- table accesses -------------------------------------------------------------------------


@dataclass(eq=False)
class Access:
    """One read (or write) of a catalog table at one level, with what an index could use."""

    level: Level
    item: Item
    preds: list[Pred]
    sort: list[Term] = field(default_factory=list)  # ORDER BY ... LIMIT terms (in order)
    level_preds: list[Pred] = field(default_factory=list)  # every item's conditions

    @property
    def table(self) -> Table:
        """The catalog table read (an access is only made for a known table)."""
        assert self.item.table is not None
        return self.item.table


def accesses(scope: Scope, levels: list[Level]) -> Iterator[Access]:
    """Every read (or write) of a catalog table in ``levels``, with its classified conditions
    and its ``ORDER BY ... LIMIT`` terms."""
    for lvl in levels:
        preds = classify(scope, lvl)
        sort_item, sort_terms = _sort_of(scope, lvl)
        for it in lvl.items:
            if it.kind != "table" or it.table is None:
                continue
            mine = [p for p in preds if p.item is it]
            yield Access(lvl, it, mine, sort_terms if sort_item is it else [], preds)


def _sort_of(scope: Scope, lvl: Level) -> tuple[Item | None, list[Term]]:
    q = lvl.node
    if not isinstance(q, ast.SelectStmt) or not q.sortClause or q.limitCount is None:
        return None, []
    if is_null_const(q.limitCount) or q.groupClause or q.distinctClause:
        return None, []
    if any(isinstance(n, ast.FuncCall) and n.agg_star for n in iter_nodes(q.targetList or ())):
        return None, []
    item: Item | None = None
    terms: list[Term] = []
    for sb in q.sortClause:
        if not isinstance(sb, ast.SortBy):
            return None, []
        s = side(scope, lvl, sb.node)
        if s.term is None or s.unknown or (item is not None and s.items[0] is not item):
            return None, []
        if not isinstance(sb.node, ast.ColumnRef) and any(
            isinstance(n, (ast.CaseExpr, ast.ParamRef, ast.ColumnRef))
            and not (isinstance(n, ast.ColumnRef) and isinstance(scope.resolve(lvl, n), Ref))
            for n in iter_nodes(sb.node)
        ):
            return None, []  # a sort chosen at run time (CASE on a parameter): no index fits
        item = s.items[0]
        terms.append(s.term)
    return item, terms


# --- RLS policies ---------------------------------------------------------------------------


def policy_eq_columns(table: Table | None, command: str = "select") -> set[str]:
    """Columns every permissive policy on ``table`` compares with ``=`` to a value.

    With RLS enabled, PostgreSQL adds the policy's USING expression to each query, so a
    ``tenant_id = current_setting(...)`` policy makes ``tenant_id`` usable as an index key.
    """
    if table is None or not getattr(table, "rls_enabled", False):
        return set()
    cols = set(table.columns)
    sets: list[set[str]] = []
    for p in table.policies.values():
        using = expression_tree(p.using)
        if not p.permissive or p.command not in ("all", command) or using is None:
            continue
        found: set[str] = set()
        for c in conjuncts(using):
            if (
                isinstance(c, ast.A_Expr)
                and c.kind in (_K.AEXPR_OP, _K.AEXPR_IN)
                and op_name(c) == "="
            ):
                for a, b in ((c.lexpr, c.rexpr), (c.rexpr, c.lexpr)):
                    a = strip_casts(a)
                    if isinstance(a, ast.ColumnRef):
                        names = colref_names(a) or []
                        if names and names[-1] in cols and not _mentions(b, cols):
                            found.add(names[-1])
            elif isinstance(c, ast.SubLink) and c.subLinkType == enums.SubLinkType.ANY_SUBLINK:
                a = strip_casts(c.testexpr)
                if isinstance(a, ast.ColumnRef):
                    names = colref_names(a) or []
                    if names and names[-1] in cols:
                        found.add(names[-1])
        sets.append(found)
    if not sets:
        return set()
    out = sets[0]
    for s in sets[1:]:
        out &= s
    return out


def _mentions(expr: Tree, cols: set[str]) -> bool:
    for n in iter_nodes(expr, (ast.SubLink,)):
        if isinstance(n, ast.ColumnRef):
            names = colref_names(n) or []
            if len(names) == 1 and names[0] in cols:
                return True
    return False
