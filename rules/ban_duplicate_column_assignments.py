from collections.abc import Iterator

from pgarch_lint.analysis.targets import output_names, repeated_assignments, repeated_names
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q

_Node = (
    ast.UpdateStmt
    | ast.InsertStmt
    | ast.MergeStmt
    | ast.CreateStmt
    | ast.CreateForeignTableStmt
    | ast.ViewStmt
    | ast.CreateTableAsStmt
    | ast.SelectStmt
)


def _assigned(node: _Node) -> Iterator[tuple[str, str, tuple[object, ...]]]:
    """(how the columns are named, the error PostgreSQL gives, the ResTargets) for each
    assignment list or column list of an UPDATE, INSERT or MERGE."""
    set_error = '"multiple assignments to same column"'
    list_error = '"column specified more than once"'
    if isinstance(node, ast.UpdateStmt):
        yield "UPDATE ... SET assigns", set_error, node.targetList or ()
    elif isinstance(node, ast.InsertStmt):
        yield "the INSERT column list names", list_error, node.cols or ()
        occ = node.onConflictClause
        if occ is not None and occ.action == enums.OnConflictAction.ONCONFLICT_UPDATE:
            yield "ON CONFLICT DO UPDATE SET assigns", set_error, occ.targetList or ()
    elif isinstance(node, ast.MergeStmt):
        for when in node.mergeWhenClauses or ():
            if not isinstance(when, ast.MergeWhenClause):
                continue
            if when.commandType == enums.CmdType.CMD_UPDATE:
                yield "MERGE ... UPDATE SET assigns", set_error, when.targetList or ()
            elif when.commandType == enums.CmdType.CMD_INSERT:
                yield "the MERGE ... INSERT column list names", list_error, when.targetList or ()


def _created(node: _Node, ctx: Context) -> tuple[str, ast.Node | None, list[str] | None]:
    """(what is created, where to report a column list, its names) for DDL that names columns;
    the names are None for a statement whose columns come from a query."""
    if isinstance(node, ast.CreateForeignTableStmt) and node.base is not None:
        node = node.base  # the walk does not reach the table part on its own
    if isinstance(node, ast.CreateStmt):
        names = [e.colname or "" for e in node.tableElts or () if isinstance(e, ast.ColumnDef)]
        return f"CREATE TABLE {q(util.rv_name(node.relation))}", node.relation, names
    if isinstance(node, ast.ViewStmt):
        return f"view {q(util.rv_name(node.view))}", node.view, None
    if isinstance(node, ast.CreateTableAsStmt) and node.into is not None:
        kind = "materialized view" if node.objtype == enums.ObjectType.OBJECT_MATVIEW else "table"
        return f"{kind} {q(util.rv_name(node.into.rel))}", node.into.rel, None
    if isinstance(node, ast.SelectStmt) and node.intoClause is not None:
        st = ctx.statement
        if st is None or not st.nested:  # PL/pgSQL's SELECT ... INTO fills variables
            return f"SELECT INTO {q(util.rv_name(node.intoClause.rel))}", None, None
    return "", None, None


@rule(
    name="ban-duplicate-column-assignments",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="a column assigned, listed or defined twice in one statement (PostgreSQL rejects it)",
    nodes=(
        ast.UpdateStmt,
        ast.InsertStmt,
        ast.MergeStmt,
        ast.CreateStmt,
        ast.CreateForeignTableStmt,
        ast.ViewStmt,
        ast.CreateTableAsStmt,
        ast.SelectStmt,
    ),
    bad="""
    UPDATE accounts SET balance = 0, status = 'closed', balance = NULL WHERE id = 7;
    """,
    good="""
    UPDATE accounts SET balance = NULL, status = 'closed' WHERE id = 7;
    UPDATE accounts SET limits[1] = 100, limits[2] = 500 WHERE id = 7;
    """,
    fix="Keep one assignment (or definition) per column, or give the view's columns distinct "
    "aliases. Assigning different array elements or composite fields (`SET a[1] = x, a[2] = "
    "y`, `SET pos.x = 1, pos.y = 2`) is allowed.",
)
def check(node: _Node, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL rejects a statement that gives one column two values: an UPDATE, ON
    CONFLICT DO UPDATE or MERGE UPDATE whose SET assigns a column twice (also through a
    multi-column `SET (a, b) = (...)`), an INSERT or MERGE INSERT column list that names a
    column twice, and a CREATE TABLE that defines a column twice. So does a view, CREATE
    TABLE AS, materialized view or SELECT INTO whose query yields two columns of the same
    name, including names PostgreSQL infers (`SELECT 1, 2` yields two `?column?`,
    `SELECT count(*), count(*)` two `count`). The statement fails when it runs: at deploy for
    a migration, at run time for application code. Several assignments to parts of one column
    (array elements, composite fields) are legal and are not reported; neither is a column
    that appears twice only through `*`, whose expansion the statement alone does not show."""
    for how, error, targets in _assigned(node):
        for name, target in repeated_assignments(targets):
            yield Violation(
                f"{how} column {q(name)} more than once: PostgreSQL rejects the statement "
                f"({error}); keep one",
                node=target,
            )
    what, at, columns = _created(node, ctx)
    if not what:
        return
    if columns is not None:
        for name in dict.fromkeys(n for n in columns if columns.count(n) > 1):
            yield Violation(
                f"{what} defines column {q(name)} more than once: PostgreSQL rejects it "
                '("column specified more than once")',
                node=_second_coldef(node, name) or at,
            )
        return
    query, aliases = _query_of(node)
    for dup in repeated_names(output_names(query, aliases)):
        yield Violation(
            f"{what} would have two columns named {q(dup.name)}: PostgreSQL rejects it "
            '("column specified more than once"); give the columns distinct names',
            node=dup.node or at or node,
        )


def _second_coldef(node: _Node, name: str) -> ast.ColumnDef | None:
    if isinstance(node, ast.CreateForeignTableStmt) and node.base is not None:
        node = node.base
    defs = [
        e
        for e in getattr(node, "tableElts", None) or ()
        if isinstance(e, ast.ColumnDef) and e.colname == name
    ]
    return defs[1] if len(defs) > 1 else None


def _query_of(node: _Node) -> tuple[object, tuple[object, ...] | None]:
    if isinstance(node, ast.ViewStmt):
        return node.query, node.aliases
    if isinstance(node, ast.CreateTableAsStmt) and node.into is not None:
        return node.query, node.into.colNames
    return node, None
