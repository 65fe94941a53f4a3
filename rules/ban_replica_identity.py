from collections.abc import Iterator

from pgarch_lint.analysis.migration import existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

_WHAT = {
    "d": ("DEFAULT", "change events carry only the primary key of the old row"),
    "f": ("FULL", "change events carry the whole old row, and WAL volume grows"),
    "n": (
        "NOTHING",
        "change events carry no old row, and UPDATE and DELETE fail while the table is "
        "published for them",
    ),
    "i": ("USING INDEX", "change events carry the old row's key columns of that index"),
}


@rule(
    name="ban-replica-identity",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER TABLE ... REPLICA IDENTITY on an existing table",
    nodes=(ast.AlterTableStmt,),
    default=False,
    bad="""
    ALTER TABLE orders REPLICA IDENTITY FULL;
    """,
    good="""
    CREATE TABLE order_events (id bigint PRIMARY KEY, payload jsonb);
    ALTER TABLE order_events REPLICA IDENTITY FULL;
    """,
    fix="""
    Change what logical replication sends only with its consumers ready:
    1. check every publication that includes the table and every consumer of it (CDC
       connectors, replicas, audit pipelines) handles the new old-row image;
    2. change the replica identity, noting in a suppression comment which consumers were
       checked.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """The replica identity decides what logical replication sends about the old row of an
    UPDATE or DELETE. Consumers (change-data-capture connectors, logical replicas, audit and
    cache-invalidation pipelines) are written against what they receive: switching to FULL
    changes every event's shape and grows WAL; DEFAULT or USING INDEX takes columns away
    from them; NOTHING makes UPDATE and DELETE fail on a table published for them. The
    consumers keep running the old code while the migration runs, and rolling them back
    does not restore the identity. Tables created earlier in the same file (or migration
    unit) are not flagged."""
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not existed_before(ctx, node.relation):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != enums.AlterTableType.AT_ReplicaIdentity:
            continue
        ident = cmd.def_
        kind = ident.identity_type if isinstance(ident, ast.ReplicaIdentityStmt) else None
        word, effect = _WHAT.get(str(kind), ("", "change events change shape"))
        yield Violation(
            f'REPLICA IDENTITY {word} on existing table "{util.rv_name(node.relation)}": '
            f"{effect}; logical-replication consumers written for the old identity may break",
            node=node.relation,
        )
