from collections.abc import Iterator

from pgarch_lint.analysis.migration import AT, CT, existing_alter_target
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import add_label, table_label


@rule(
    name="adding-exclusion-constraint",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="ADD CONSTRAINT ... EXCLUDE on an existing table",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE bookings ADD CONSTRAINT ex_bookings__room_id_during
      EXCLUDE USING gist (room_id WITH =, during WITH &&);
    """,
    good="""
    CREATE TABLE bookings (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      room_id bigint NOT NULL,
      during tstzrange NOT NULL
    );
    ALTER TABLE bookings ADD CONSTRAINT ex_bookings__room_id_during
      EXCLUDE USING gist (room_id WITH =, during WITH &&);
    """,
    fix="There is no lock-free way to add an exclusion constraint (no NOT VALID, no USING "
    "INDEX): add it in a planned maintenance window, or create a new table with the "
    "constraint, copy the rows in batches and swap the tables.",
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """ADD CONSTRAINT ... EXCLUDE builds its index (usually GiST) and checks every pair of
    conflicting rows under the ACCESS EXCLUSIVE lock of ALTER TABLE: the table is unreadable
    and unwritable for the whole build, which for GiST on a large table is long. Unlike CHECK,
    FOREIGN KEY, UNIQUE and PRIMARY KEY there is no NOT VALID and no USING INDEX form that
    splits the work, so the only safe times are when the table is new or in a maintenance
    window. Tables created earlier in the same file are not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != AT.AT_AddConstraint or not isinstance(cmd.def_, ast.Constraint):
            continue
        con = cmd.def_
        if con.contype != CT.CONSTR_EXCLUSION:
            continue
        yield Violation(
            f"{add_label(con, 'EXCLUDE')} on existing table {table_label(rel)} builds its "
            f"{con.access_method or 'btree'} index and checks every row under an ACCESS "
            "EXCLUSIVE lock: reads and writes wait for the whole build, and there is no NOT "
            "VALID or USING INDEX form",
            node=con,
        )
