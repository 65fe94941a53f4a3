from collections.abc import Iterator

from pgarch_lint.analysis.existing_objects import ObjectRef, is_new, schema_history_read
from pgarch_lint.api import (
    Category,
    Context,
    Function,
    Severity,
    Violation,
    ast,
    deparse,
    normalize_type,
    rule,
    util,
)


def _input_types(params: tuple[object, ...] | None) -> tuple[str, ...]:
    """A routine's identity: the types of its input parameters (OUT and TABLE ones excluded)."""
    out: list[str] = []
    for p in params or ():
        if not isinstance(p, ast.FunctionParameter):
            continue
        mode = str(getattr(p.mode, "value", p.mode) or "i")
        if mode not in ("o", "t"):
            out.append(normalize_type(p.argType))
    return tuple(out)


def _body(node: ast.CreateFunctionStmt) -> str | None:
    if node.sql_body is not None:
        return deparse(node.sql_body)
    for d in node.options or ():
        if isinstance(d, ast.DefElem) and d.defname == "as":
            parts = d.arg if isinstance(d.arg, tuple) else (d.arg,)
            return ", ".join(str(getattr(p, "sval", p)) for p in parts)
    return None


def _same_routine(old: Function, node: ast.CreateFunctionStmt) -> bool:
    """The statement repeats the definition the catalog holds (same body and result)."""
    body = _body(node)
    returns = normalize_type(node.returnType) if node.returnType is not None else None
    return (
        body is not None
        and old.body is not None
        and " ".join(body.split()) == " ".join(old.body.split())
        and returns == old.returns
    )


def _view(node: ast.ViewStmt, ctx: Context) -> Iterator[Violation]:
    rv = node.view
    if not isinstance(rv, ast.RangeVar):
        return
    name = util.rv_name(rv)
    old = ctx.catalog.view(rv)
    if old is None:
        if ctx.catalog.relation(rv) is not None or not ctx.catalog.relation_absent(name):
            yield _finding("view", name)
        return  # a view the replay proves absent: OR REPLACE creates it
    if is_new(ctx, ObjectRef("view", tuple(name.split(".")))):
        return
    aliases = [getattr(a, "sval", None) for a in node.aliases or ()]
    if old.query == deparse(node.query) and old.columns == aliases:
        return  # the same definition again
    yield _finding("view", name)


def _routine(node: ast.CreateFunctionStmt, ctx: Context) -> Iterator[Violation]:
    parts = util.names_of(node.funcname)
    if not parts:
        return
    kind = "procedure" if node.is_procedure else "function"
    args = _input_types(node.parameters)
    ref = ObjectRef(kind, tuple(parts), args=args)
    old = ctx.catalog.function(ref.name, args)
    if old is None:
        if not schema_history_read(ctx, parts[-2] if len(parts) > 1 else None):
            yield _finding(kind, f"{ref.name}({', '.join(args)})")
        return  # no such routine before: OR REPLACE creates it
    if is_new(ctx, ref) or _same_routine(old, node):
        return
    yield _finding(kind, f"{ref.name}({', '.join(args)})")


def _finding(kind: str, name: str) -> Violation:
    return Violation(
        f'CREATE OR REPLACE {kind.upper()} "{name}" changes an existing {kind}: running code '
        "gets the new results and side effects at once, and a rollback of the application "
        "keeps them"
    )


@rule(
    name="ban-replace-view-function",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="CREATE OR REPLACE of an existing view, function, procedure, trigger or rule",
    nodes=(ast.ViewStmt, ast.CreateFunctionStmt, ast.CreateTrigStmt, ast.RuleStmt),
    default=False,
    bad="""
    CREATE OR REPLACE VIEW active_customers AS
        SELECT id, email FROM customers WHERE deleted_at IS NULL AND verified;
    """,
    good="""
    CREATE FUNCTION order_total(order_id bigint) RETURNS numeric
        LANGUAGE sql STABLE AS $$ SELECT 0::numeric $$;
    CREATE OR REPLACE FUNCTION order_total(order_id bigint) RETURNS numeric
        LANGUAGE sql STABLE AS $$ SELECT 1::numeric $$;
    """,
    fix="""
    Change behaviour that running code depends on in a compatible way:
    1. create the new definition under a new name (`order_total_v2`, `active_customers_v2`)
       and move the application to it, deploying that everywhere;
    2. drop the old one in a later migration.
    When the change is meant for old and new code alike (a bug fix), note that in a
    suppression comment.
    """,
)
def check(
    node: ast.ViewStmt | ast.CreateFunctionStmt | ast.CreateTrigStmt | ast.RuleStmt,
    ctx: Context,
) -> Iterator[Violation]:
    """`CREATE OR REPLACE` swaps a definition in place: the same SQL from the code still
    running (during a rolling deploy, or after an application-only rollback, which keeps
    the new definition) returns other rows or values, or has other side effects, with no
    error to notice. That holds for views, functions and procedures, and for triggers and
    rules, which change what the old code's writes do. Objects created earlier in the same
    file (or migration unit) are not flagged, nor a `CREATE OR REPLACE` that repeats the
    definition the replayed history holds (the same query and column names for a view; the
    same body and result type for a routine), nor one that creates the object: a view the
    history proves absent, a routine with no such signature in a schema whose history was
    read. Triggers and rules are not modelled: one on a table created earlier in the file is
    new; any other is reported."""
    if isinstance(node, ast.ViewStmt):
        if node.replace:
            yield from _view(node, ctx)
        return
    if isinstance(node, ast.CreateFunctionStmt):
        if node.replace:
            yield from _routine(node, ctx)
        return
    if not node.replace or not isinstance(node.relation, ast.RangeVar):
        return
    if ctx.catalog.is_new(node.relation):
        return
    kind, name = (
        ("trigger", node.trigname)
        if isinstance(node, ast.CreateTrigStmt)
        else ("rule", node.rulename)
    )
    yield Violation(
        f'CREATE OR REPLACE {kind.upper()} "{name}" on "{util.rv_name(node.relation)}": if it '
        f"exists, the old code's writes get the new {kind}'s behaviour at once, and a rollback "
        "keeps it"
    )
