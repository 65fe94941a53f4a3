from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import join_names

_FALSE = {"false", "off", "0", "no"}


def _full(node: ast.VacuumStmt) -> bool:
    for o in node.options or ():
        if isinstance(o, ast.DefElem) and (o.defname or "").lower() == "full":
            arg = o.arg
            if arg is None:
                return True
            val = getattr(arg, "sval", None)
            if val is None:
                ival = getattr(arg, "ival", 1)
                return bool(ival)
            return str(val).lower() not in _FALSE
    return False


def _help(ctx: Context, cluster: bool) -> str:
    order = (
        " To keep the physical order CLUSTER gives, pg_repack's --order-by (or --index) does "
        "the same online."
        if cluster
        else ""
    )
    if ctx.pg_version >= 19:
        return (
            "Use REPACK ... CONCURRENTLY (PostgreSQL 19+), which rewrites the table while reads "
            "and writes go on and takes the exclusive lock only for the final swap; or use the "
            "pg_repack extension. Run it as an operations task, not in a migration; for plain "
            "bloat, a regular VACUUM (no lock on writes) is often enough." + order
        )
    return (
        "Use the pg_repack extension (or pg_squeeze), which rebuilds the table online and "
        "holds an ACCESS EXCLUSIVE lock only for the final swap. Run it as an operations task, "
        "not in a migration; for plain bloat, a regular VACUUM (no lock on writes) is often "
        "enough." + order
    )


@rule(
    name="ban-vacuum-full-and-cluster",
    aliases=("prefer-repack",),  # squawk's name
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="VACUUM FULL and CLUSTER, which rewrite a table under an ACCESS EXCLUSIVE lock",
    nodes=(ast.VacuumStmt, ast.ClusterStmt),
    bad="""
    VACUUM FULL orders;
    """,
    good="""
    VACUUM (ANALYZE) orders;
    """,
    fix="""
    Rebuild the table online instead:
    1. install pg_repack (or, on PostgreSQL 19+, use REPACK ... CONCURRENTLY);
    2. run it outside the migration, as an operations task;
    3. for ordinary bloat, a plain VACUUM (which does not block reads or writes) is often enough.
    """,
)
def check(node: ast.Node, ctx: Context) -> Iterator[Violation]:
    """VACUUM FULL and CLUSTER write a complete new copy of the table and rebuild every index
    while holding an ACCESS EXCLUSIVE lock: every read and write of the table waits for the
    whole rewrite, which on a large table is minutes to hours of outage, and the rewrite needs
    as much free disk as the table. Without a table name they do this to every table of the
    database (CLUSTER: every table clustered before) one after the other. Tables created
    earlier in the same file are not flagged."""
    if isinstance(node, ast.VacuumStmt):
        if not node.is_vacuumcmd or not _full(node):
            return
        rels = [vr.relation for vr in node.rels or () if isinstance(vr, ast.VacuumRelation)]
        if not rels:
            yield Violation(
                "VACUUM FULL without a table rewrites every table of the database, each under an "
                "ACCESS EXCLUSIVE lock that blocks its reads and writes for the whole rewrite",
                help=_help(ctx, False),
            )
            return
        existing = [rv for rv in rels if existed_before(ctx, rv)]
        if not existing:
            return
        names = join_names([util.rv_name(rv) for rv in existing])
        yield Violation(
            f"VACUUM FULL {names} rewrites the table under an ACCESS EXCLUSIVE lock: its reads "
            "and writes are blocked until the rewrite is done",
            help=_help(ctx, False),
            node=existing[0],
        )
        return
    assert isinstance(node, ast.ClusterStmt)
    rel = node.relation
    if rel is None:
        yield Violation(
            "CLUSTER without a table rewrites every previously clustered table of the database, "
            "each under an ACCESS EXCLUSIVE lock that blocks its reads and writes",
            help=_help(ctx, True),
        )
        return
    if not existed_before(ctx, rel):
        return
    using = f' USING "{node.indexname}"' if node.indexname else ""
    yield Violation(
        f'CLUSTER "{util.rv_name(rel)}"{using} rewrites the table in index order under an ACCESS '
        "EXCLUSIVE lock: its reads and writes are blocked until the rewrite is done",
        help=_help(ctx, True),
        node=rel,
    )
