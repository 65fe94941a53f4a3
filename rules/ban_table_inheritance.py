from collections.abc import Iterator
from typing import cast

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util


@rule(
    name="ban-table-inheritance",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a table that INHERITS from another table",
    nodes=(ast.CreateStmt, ast.AlterTableCmd),
    bad="""
    CREATE TABLE measurements_2024 () INHERITS (measurements);
    """,
    good="""
    CREATE TABLE measurements_2024 PARTITION OF measurements
        FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    """,
    fix="Use declarative partitioning (`PARTITION BY` on the parent, `PARTITION OF` for each "
    "child) for splitting data; for shared columns, repeat them or use `CREATE TABLE ... "
    "(LIKE template INCLUDING ALL)`.",
)
def check(node: ast.CreateStmt | ast.AlterTableCmd, ctx: Context) -> Iterator[Violation]:
    """Inheritance children do not inherit the parent's primary key, unique constraints,
    indexes or foreign keys, and foreign keys cannot point at the hierarchy, so uniqueness
    and integrity silently stop holding across it. Queries on the parent scan every child,
    rows inserted into the parent are not routed to children (triggers are needed), and tools
    and ORMs rarely understand it. Declarative partitioning (PostgreSQL 10+) covers the
    partitioning use case with routing, pruning and partition-wise indexes."""
    if isinstance(node, ast.CreateStmt):
        if node.partbound is not None or not node.inhRelations:
            return
        if any(isinstance(p, ast.CreateForeignTableStmt) for p in ctx.parents):
            return
        parents = ", ".join(f'"{util.rv_name(r)}"' for r in node.inhRelations)
        yield Violation(
            f'table "{util.rv_name(node.relation)}" INHERITS from {parents}: keys, unique '
            "constraints, indexes and foreign keys do not carry over to inheritance children",
            node=node.inhRelations[0],
        )
        return
    if node.subtype != enums.AlterTableType.AT_AddInherit or not ctx.parents:
        return
    stmt = ctx.parents[-1]
    if not isinstance(stmt, ast.AlterTableStmt) or stmt.objtype != enums.ObjectType.OBJECT_TABLE:
        return
    yield Violation(
        f'table "{util.rv_name(stmt.relation)}" is made to INHERIT from '
        f'"{util.rv_name(node.def_)}": keys, unique constraints, indexes and foreign keys do '
        "not carry over to inheritance children",
        node=cast(ast.RangeVar, node.def_),  # the parent of [NO] INHERIT
    )
