from collections.abc import Iterator

from pgarch_lint.analysis.migration import AT, CT, existing_alter_target
from pgarch_lint.api import Category, Constraint, Context, Severity, Violation, ast, rule, util

from ._report import q, table_label

_HELP_12 = """\
1. `ALTER TABLE t ADD CONSTRAINT ck_t__col_not_null CHECK (col IS NOT NULL) NOT VALID;`
2. Backfill the NULL rows (in batches, in its own migration).
3. In a later migration: `ALTER TABLE t VALIDATE CONSTRAINT ck_t__col_not_null;` (no write lock).
4. `ALTER TABLE t ALTER COLUMN col SET NOT NULL;` now uses the validated CHECK and skips the scan;
   then drop the CHECK constraint."""

_HELP_OLD = (
    "Before PostgreSQL 12, SET NOT NULL always scans the table under ACCESS EXCLUSIVE: enforce "
    "the rule with `CHECK (col IS NOT NULL) NOT VALID` plus a later VALIDATE CONSTRAINT "
    "instead, or run SET NOT NULL in a maintenance window."
)


@rule(
    name="adding-not-nullable-field",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="ALTER COLUMN ... SET NOT NULL on an existing table without a validated "
    "CHECK (col IS NOT NULL) to prove it",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE recipe ALTER COLUMN view_count SET NOT NULL;
    """,
    good="""
    ALTER TABLE recipe ADD CONSTRAINT ck_recipe__view_count_not_null
      CHECK (view_count IS NOT NULL) NOT VALID;
    -- later migrations: backfill, then
    -- ALTER TABLE recipe VALIDATE CONSTRAINT ck_recipe__view_count_not_null;
    -- ALTER TABLE recipe ALTER COLUMN view_count SET NOT NULL;
    """,
    fix=_HELP_12,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """SET NOT NULL makes PostgreSQL read the whole table to prove there is no NULL, and it does
    so under the ACCESS EXCLUSIVE lock of ALTER TABLE: no reads, no writes until the scan ends.
    If a NULL is found the statement fails and the deploy with it. From PostgreSQL 12 the scan
    is skipped when a validated CHECK (col IS NOT NULL) constraint already proves it, and
    VALIDATE CONSTRAINT only needs a lock that lets reads and writes go on; the finding is
    silenced only by such a constraint that the run saw added and validated (in an earlier
    file, --context, or earlier in this file; also on a table whose CREATE TABLE the run never
    read), never by a guess. PostgreSQL 18's `ADD CONSTRAINT ... NOT NULL col` is checked
    the same way (its NOT VALID form is the safe one). Columns already NOT NULL and tables
    created earlier in the same file are not flagged."""
    rel = node.relation
    if rel is None or not existing_alter_target(node, ctx):
        return
    cat = ctx.catalog
    table = cat.table(rel)
    # a table the catalog does not hold answers with the constraints ALTER TABLE gave it
    constraints = cat.constraints_of(rel)
    scans: list[tuple[str, ast.Node, str]] = []  # (column, node to report at, form)
    for cmd in util.alter_cmds(node):
        if cmd.subtype == AT.AT_SetNotNull and cmd.name:
            scans.append((cmd.name, cmd, "ALTER COLUMN {cols} SET NOT NULL"))
        elif (
            cmd.subtype == AT.AT_AddConstraint
            and isinstance(cmd.def_, ast.Constraint)
            and cmd.def_.contype == CT.CONSTR_NOTNULL
            and not cmd.def_.skip_validation
        ):
            for colname in util.names_of(cmd.def_.keys) if cmd.def_.keys else []:
                scans.append((colname, cmd.def_, "ADD CONSTRAINT ... NOT NULL {cols}"))
    flagged: list[tuple[str, ast.Node, str]] = []
    pending: list[str] = []
    for colname, at, form in scans:
        col = cat.column(table, colname)
        if col is not None and col.not_null and not _pending_not_valid(constraints, colname):
            continue  # already NOT NULL: PostgreSQL does nothing
        if ctx.pg_version >= 12 and _validated_check(constraints, colname):
            continue
        flagged.append((colname, at, form))
        ck = _unvalidated_check(constraints, colname) if ctx.pg_version >= 12 else None
        if ck is not None:
            pending.append(ck)
    if not flagged:
        return
    # one ALTER TABLE statement scans the table once, however many columns it constrains
    cols = ", ".join(q(c) for c, _, _ in flagged)
    forms = {f for _, _, f in flagged}
    form = flagged[0][2] if len(forms) == 1 else "{cols} NOT NULL"
    extra = ""
    if pending:
        names = ", ".join(q(p) for p in pending)
        extra = (
            f"; the CHECK constraint {names} is still NOT VALID here: validate it in an earlier "
            "migration so that SET NOT NULL can skip the scan"
        )
    yield Violation(
        f"{form.format(cols=cols)} on existing table {table_label(rel)} scans the whole table "
        "under an ACCESS EXCLUSIVE lock (reads and writes wait) and fails if any row is NULL"
        f"{extra}",
        help=_HELP_12 if ctx.pg_version >= 12 else _HELP_OLD,
        node=flagged[0][1],
    )


def _pending_not_valid(constraints: list[Constraint], column: str) -> bool:
    """A PostgreSQL 18 NOT NULL constraint added NOT VALID (the column is not proven yet)."""
    return any(
        c.kind == "not null" and column in c.columns and not c.validated for c in constraints
    )


def _validated_check(constraints: list[Constraint], column: str) -> bool:
    """A validated, enforced CHECK (column IS NOT NULL [AND ...]): SET NOT NULL skips the scan."""
    return any(
        c.kind == "check" and c.validated and c.enforced and column in c.proves_not_null
        for c in constraints
    )


def _unvalidated_check(constraints: list[Constraint], column: str) -> str | None:
    for c in constraints:
        if c.kind == "check" and column in c.proves_not_null and c.enforced and not c.validated:
            return c.name
    return None
