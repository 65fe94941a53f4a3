from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util


@rule(
    name="partition-key-not-in-unique",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="a PRIMARY KEY or UNIQUE constraint on a partitioned table that does not contain "
    "every partition-key column",
    nodes=(ast.Constraint, ast.IndexStmt),
    bad="""
    CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at timestamptz NOT NULL
    ) PARTITION BY RANGE (created_at);
    """,
    good="""
    CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_events PRIMARY KEY (id, created_at)
    ) PARTITION BY RANGE (created_at);
    """,
    fix="Add every partition-key column to the key (`PRIMARY KEY (id, created_at)`). If the "
    "column alone must be unique across partitions, enforce it another way (a separate "
    "unpartitioned table of keys, or per-partition unique indexes when the key determines the "
    "partition).",
)
def check(node: ast.Constraint | ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL enforces uniqueness on a partitioned table with one unique index per
    partition, so it can only guarantee a key that includes every partition-key column (then
    equal keys always land in the same partition). A PRIMARY KEY, UNIQUE constraint or unique
    index without them is rejected ("unique constraint on partitioned table must include all
    partitioning columns"), and one on a table partitioned by an expression is rejected
    outright: the migration fails at deploy time."""
    if isinstance(node, ast.IndexStmt):
        if not (node.unique or node.primary) or not isinstance(node.relation, ast.RangeVar):
            return
        table = ctx.catalog.table(node.relation)
        if table is None or not table.partitioned:
            return
        cols = [e.name for e in node.indexParams or () if isinstance(e, ast.IndexElem) and e.name]
        name = f'unique index "{node.idxname}"' if node.idxname else "unique index"
        yield from _judge(name, table.name, cols, list(table.partition_key), node.relation)
        return
    kind = (
        {
            enums.ConstrType.CONSTR_PRIMARY: "PRIMARY KEY",
            enums.ConstrType.CONSTR_UNIQUE: "UNIQUE constraint",
        }.get(node.contype)
        if node.contype is not None
        else None
    )
    if kind is None or node.indexname:
        return
    cols = util.names_of(node.keys) if node.keys else []
    key: list[str] | None = None
    tname = "?"
    for p in reversed(ctx.parents):
        if isinstance(p, ast.ColumnDef) and not cols and p.colname:
            cols = [p.colname]
        elif isinstance(p, ast.CreateStmt):
            if p.partspec is None:
                return
            tname = util.rv_name(p.relation)
            key = [pe.name if pe.name else "(expression)" for pe in p.partspec.partParams or ()]
            break
        elif isinstance(p, ast.AlterTableStmt):
            if not isinstance(p.relation, ast.RangeVar):
                return
            table = ctx.catalog.table(p.relation)
            if table is None or not table.partitioned:
                return
            tname = table.name
            key = list(table.partition_key)
            break
        elif isinstance(p, (ast.CreateDomainStmt, ast.AlterDomainStmt)):
            return
    if key is None:
        return
    name = f'{kind} "{node.conname}"' if node.conname else kind
    yield from _judge(name, tname, cols, key, node)


def _judge(
    what: str, table: str, cols: list[str], key: list[str], at: ast.Node
) -> Iterator[Violation]:
    exprs = [k for k in key if k.startswith("(")]
    if exprs:
        yield Violation(
            f'{what} on partitioned table "{table}": the partition key contains an expression, '
            "so PostgreSQL rejects any primary key or unique constraint on it",
            help="Partition by plain columns when the table needs a primary key or unique "
            "constraint, or enforce uniqueness per partition.",
            node=at,
        )
        return
    missing = [k for k in key if k not in cols]
    if not missing:
        return
    yield Violation(
        f'{what} ({", ".join(cols)}) on partitioned table "{table}" lacks partition-key '
        f"column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: PostgreSQL rejects it",
        help=f"Include the partition key: ({', '.join([*cols, *missing])}).",
        node=at,
    )
