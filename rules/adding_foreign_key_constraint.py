from collections.abc import Iterator

from pgarch_lint.analysis.migration import (
    AT,
    CT,
    added_column,
    column_already_exists,
    existing_alter_target,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule, util

from ._report import q, table_label


@rule(
    name="adding-foreign-key-constraint",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="a foreign key added to an existing table in one step (ADD COLUMN ... REFERENCES, "
    "or ADD CONSTRAINT ... FOREIGN KEY without NOT VALID)",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE email ADD COLUMN user_id bigint REFERENCES app_user (id);
    """,
    good="""
    ALTER TABLE email ADD COLUMN user_id bigint;
    ALTER TABLE email ADD CONSTRAINT fk_email__app_user
      FOREIGN KEY (user_id) REFERENCES app_user (id) NOT VALID;
    -- in a later migration:
    -- ALTER TABLE email VALIDATE CONSTRAINT fk_email__app_user;
    """,
    fix="""
    1. Add the column on its own (nullable, no REFERENCES).
    2. Add the foreign key with NOT VALID: `ALTER TABLE child ADD CONSTRAINT fk_... FOREIGN KEY
       (col) REFERENCES parent (id) NOT VALID;` (brief locks, no scan).
    3. In a later migration, `ALTER TABLE child VALIDATE CONSTRAINT fk_...;` checks the old
       rows without blocking writes.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A foreign key locks two tables: the referencing table and the referenced one (SHARE ROW
    EXCLUSIVE, which blocks its writes). Added in one step, PostgreSQL also checks every
    existing row while both locks are held, so writes to both tables stop for the whole scan.
    An inline REFERENCES on ADD COLUMN cannot be NOT VALID: with a DEFAULT it validates every
    row; without one it still holds the ACCESS EXCLUSIVE lock of ADD COLUMN on the child while
    it queues for the lock on the (usually hot) parent, so both tables stall together. Adding
    the column, then the constraint NOT VALID, then validating it later keeps each step short.
    Tables created earlier in the same file, and NOT ENFORCED foreign keys (PostgreSQL 18), are
    not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype == AT.AT_AddColumn:
            col = added_column(cmd)
            if col is None or column_already_exists(cmd, rel, col.name, ctx):
                continue
            for con in col.has(CT.CONSTR_FOREIGN):
                ref = table_label(con.pktable)
                if col.default is not None or col.serial or col.identity or col.generated:
                    what = (
                        f"checks every existing row against {ref} while it holds an ACCESS "
                        f"EXCLUSIVE lock on {table_label(rel)} and a SHARE ROW EXCLUSIVE lock "
                        f"on {ref} (the column has a value, so the reference is validated)"
                    )
                else:
                    what = (
                        f"holds an ACCESS EXCLUSIVE lock on {table_label(rel)} while it waits "
                        f"for a SHARE ROW EXCLUSIVE lock on {ref} (which blocks writes to it), "
                        "and an inline REFERENCES cannot be NOT VALID"
                    )
                yield Violation(
                    f"ADD COLUMN {q(col.name)} REFERENCES {ref} on existing table "
                    f"{table_label(rel)} {what}",
                    node=con,
                )
