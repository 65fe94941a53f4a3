from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.analysis.nodes import func_name, strip_casts, type_name
from pgarch_lint.analysis.queries import Scope
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule

from ._report import query_prefix

_TS_TYPES = ("timestamp", "timestamptz")
_TS_CASTS = ("timestamp", "timestamptz")
_TS_FUNCS = (
    "now",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "to_timestamp",
    "date_trunc",
    "make_timestamp",
    "make_timestamptz",
)
_K = enums.A_Expr_Kind


def _is_ts_value(node: object) -> bool:
    """A timestamp literal or expression: `'...'::timestamptz`, `TIMESTAMP '...'`, now()..."""
    if isinstance(node, ast.TypeCast):
        return type_name(node.typeName) in _TS_CASTS
    if isinstance(node, ast.SQLValueFunction):
        return node.op in (
            enums.SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP,
            enums.SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP_N,
            enums.SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP,
            enums.SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP_N,
        )
    if isinstance(node, ast.FuncCall):
        return func_name(node) in _TS_FUNCS
    if isinstance(node, ast.A_Expr) and node.kind == _K.AEXPR_OP and node.name:
        return _is_ts_value(node.lexpr)  # now() - interval '1 day'
    return False


@rule(
    name="between-timestamps",
    category=Category.QUERIES,
    severity=Severity.INFO,
    summary="BETWEEN on timestamp columns or timestamp literals (inclusive upper bound)",
    nodes=(ast.A_Expr,),
    bad="""
    SELECT id FROM events
    WHERE created_at BETWEEN '2024-01-01'::timestamptz AND '2024-02-01'::timestamptz;
    """,
    good="""
    SELECT id FROM events
    WHERE created_at >= '2024-01-01'::timestamptz AND created_at < '2024-02-01'::timestamptz;
    SELECT id FROM invoices WHERE amount BETWEEN 10 AND 20;
    """,
    fix="Use a half-open range: `col >= start AND col < end`.",
)
def check(node: ast.A_Expr, ctx: Context) -> Iterator[Violation]:
    """`BETWEEN a AND b` includes both ends. With timestamps that is almost never what is
    meant: `created_at BETWEEN '2024-01-01' AND '2024-02-01'` includes events at exactly
    midnight on February 1st, so consecutive monthly reports count them twice, and the
    common fix `AND '2024-01-31 23:59:59'` silently drops the last second's fractional
    timestamps instead. The half-open form `>= start AND < end` tiles time with no overlap
    and no gap. The rule fires when the tested expression is a `timestamp`/`timestamptz`
    column (type from the catalog) or when a bound is a timestamp literal, cast or
    function (`now()`, `current_timestamp`); `date` columns are not reported."""
    if node.kind not in (_K.AEXPR_BETWEEN, _K.AEXPR_BETWEEN_SYM):
        return
    bounds = node.rexpr if isinstance(node.rexpr, tuple) else ()
    hit = _is_ts_value(node.lexpr) or any(_is_ts_value(b) for b in bounds)
    if not hit and ctx.statement is not None:
        col = strip_casts(node.lexpr)
        if isinstance(col, ast.ColumnRef):
            scope = Scope(ctx, ctx.statement.node)
            t = scope.column_type(scope.chain_for(ctx.parents), col)
            hit = t in _TS_TYPES or (t is not None and t.startswith("timestamp("))
    if not hit:
        return
    yield Violation(
        f"{query_prefix(ctx)}BETWEEN on timestamps includes the upper bound; use `>= start AND < end`",
        node=node,
    )
