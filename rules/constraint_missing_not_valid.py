from collections.abc import Iterator

from pgarch_lint.analysis.fixes import not_valid_then_validate
from pgarch_lint.analysis.migration import (
    AT,
    CT,
    added_column,
    existing_alter_target,
    is_existing_relation,
)
from pgarch_lint.api import (
    Category,
    Context,
    Fix,
    Origin,
    Severity,
    TxState,
    Violation,
    ast,
    rule,
    util,
)

from ._report import add_label, q, short_name, table_label

_KIND: dict[object, str] = {CT.CONSTR_CHECK: "CHECK", CT.CONSTR_FOREIGN: "FOREIGN KEY"}

_SAME_TX_HELP = (
    "Commit between the two steps: add the constraint NOT VALID in one migration and run "
    "VALIDATE CONSTRAINT in a later one (or after a COMMIT; with a runner that wraps each file "
    "in a transaction, a separate file)."
)

_PARTITIONED_FK_HELP = (
    "PostgreSQL before 18 rejects NOT VALID foreign keys on partitioned tables: add the foreign "
    "key NOT VALID to each partition and VALIDATE it there in a later migration, or add it in "
    "a maintenance window (or target PostgreSQL 18, where the NOT VALID recipe works)."
)


@rule(
    name="constraint-missing-not-valid",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.ERROR,
    summary="ADD CONSTRAINT ... CHECK / FOREIGN KEY on an existing table without NOT VALID, or "
    "NOT VALID and VALIDATE CONSTRAINT in the same transaction",
    nodes=(ast.AlterTableStmt,),
    bad="""
    ALTER TABLE accounts ADD CONSTRAINT ck_accounts__balance CHECK (balance >= 0);
    """,
    good="""
    -- migration 1
    ALTER TABLE accounts ADD CONSTRAINT ck_accounts__balance CHECK (balance >= 0) NOT VALID;
    -- migration 2 (a separate transaction)
    -- ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts__balance;
    """,
    fix="""
    1. Add the constraint with NOT VALID: a quick catalog change, new and updated rows are
       checked from now on.
    2. In a later migration (a separate transaction), run
       `ALTER TABLE ... VALIDATE CONSTRAINT name`: it scans the table under a SHARE UPDATE
       EXCLUSIVE lock that lets reads and writes go on.
    """,
    autofix="""
    Unsafe: `NOT VALID` is added to `ALTER TABLE ... ADD CONSTRAINT name CHECK / FOREIGN KEY
    ...;` and `ALTER TABLE ... VALIDATE CONSTRAINT name;` follows on the next line. Offered for
    a named constraint that is the statement's only sub-command, outside a transaction (in
    one, the VALIDATE would run under the ADD's lock: move it to a later migration by hand).
    Unsafe because the VALIDATE still scans the table, now without blocking writes.
    """,
)
def check(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """Adding a CHECK or FOREIGN KEY constraint makes PostgreSQL verify every existing row
    before the statement ends. For a CHECK that scan runs under the ACCESS EXCLUSIVE lock of
    ALTER TABLE (no reads or writes); for a FOREIGN KEY under SHARE ROW EXCLUSIVE locks on
    both tables (no writes to either). On a large table that is minutes of outage. With NOT
    VALID the constraint is added instantly and enforced for new rows; VALIDATE CONSTRAINT later
    checks the old rows under a lock that does not block reads or writes. That only helps when
    the two steps run in different transactions: the lock taken by ADD CONSTRAINT is held until
    COMMIT, so a VALIDATE in the same transaction scans under it anyway. That VALIDATE is
    reported (it is the step to move): in the statement that adds the constraint, or later in
    the file while the transaction that added it is still open (an explicit BEGIN, or the one
    the migration runner wraps the file in: `assume-in-transaction`, goose and dbmate unless
    their no-transaction markers say otherwise), also on tables whose CREATE TABLE the run
    never read. NOT ENFORCED constraints (PostgreSQL 18) are never checked and are not
    flagged; neither are tables created earlier in the same file."""
    existing = existing_alter_target(node, ctx)
    rel = node.relation
    added_not_valid: set[str] = set()
    for cmd in util.alter_cmds(node):
        st = cmd.subtype
        if st == AT.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
            con = cmd.def_
            kind = _KIND.get(con.contype)
            if kind is None:
                continue
            if con.is_enforced is False:
                continue
            if con.skip_validation:
                if con.conname:
                    added_not_valid.add(con.conname)
                continue
            if not existing:
                continue
            yield _missing(con, kind, node, ctx)
        elif st == AT.AT_AddColumn and existing:
            col = added_column(cmd)
            if col is None:
                continue
            for con in col.has(CT.CONSTR_CHECK):
                yield Violation(
                    f"ADD COLUMN {q(col.name)} with an inline CHECK on existing table "
                    f"{table_label(rel)} checks every existing row under the ACCESS EXCLUSIVE "
                    "lock of ALTER TABLE, and an inline CHECK cannot be NOT VALID",
                    help="Add the column without the CHECK, then add the constraint as a table "
                    "constraint with NOT VALID, and VALIDATE CONSTRAINT it in a later migration.",
                    node=con,
                )
        elif st == AT.AT_ValidateConstraint and cmd.name:
            v = _same_transaction_validate(cmd, node, ctx, added_not_valid)
            if v is not None:
                yield v


def _missing(con: ast.Constraint, kind: str, node: ast.AlterTableStmt, ctx: Context) -> Violation:
    rel = node.relation
    if kind == "CHECK":
        what = (
            "checks every existing row under an ACCESS EXCLUSIVE lock: reads and writes wait "
            "for the whole scan"
        )
    else:
        ref = con.pktable
        what = (
            "checks every existing row under SHARE ROW EXCLUSIVE locks on "
            f"{table_label(rel)} and {table_label(ref)}: writes to both wait for the whole scan"
        )
    help_ = None
    table = ctx.catalog.table(rel) if rel is not None else None
    if kind == "FOREIGN KEY" and table is not None and table.partitioned and ctx.pg_version < 18:
        help_ = _PARTITIONED_FK_HELP
    return Violation(
        f"{add_label(con, kind)} on existing table {table_label(rel)} without NOT VALID {what}",
        help=help_,
        node=con,
        fix=_not_valid_fix(con, node, ctx),
    )


def _not_valid_fix(con: ast.Constraint, node: ast.AlterTableStmt, ctx: Context) -> Fix | None:
    """NOT VALID, then VALIDATE in a statement of its own: only for a named constraint that
    is the statement's only sub-command, outside a transaction (a VALIDATE in the transaction
    of the ADD would hold the ADD's lock through the scan) and a function or DO block."""
    rel = node.relation
    cmds = list(util.alter_cmds(node))
    if not con.conname or len(cmds) != 1 or rel is None or ctx.tx.in_transaction:
        return None
    if ctx.statement is None or ctx.statement.nested:
        return None
    table = ".".join(util.quote_ident(p) for p in (rel.schemaname, rel.relname) if p)
    edits = not_valid_then_validate(ctx, table, util.quote_ident(con.conname))
    if edits is None:
        return None
    return Fix.unsafe("Add NOT VALID, then VALIDATE CONSTRAINT", *edits)


def _same_transaction_validate(
    cmd: ast.AlterTableCmd, node: ast.AlterTableStmt, ctx: Context, added_here: set[str]
) -> Violation | None:
    """VALIDATE CONSTRAINT of a constraint that this transaction added NOT VALID: in the same
    statement, or earlier in the file with no COMMIT between (an explicit BEGIN, or the
    runner's transaction). Also for a table the catalog does not hold: the constraint comes
    from the table's sketch (``constraints_of``)."""
    name = cmd.name or ""
    rel = node.relation
    if rel is None or not is_existing_relation(rel, ctx):
        return None
    if name in added_here:
        return Violation(
            f"VALIDATE CONSTRAINT {q(name)} in the statement that adds it NOT VALID: the scan "
            f"of {table_label(rel)} runs under the lock ADD CONSTRAINT took, as if NOT VALID "
            "were not written; validate it in a separate transaction (a later migration)",
            help=_SAME_TX_HELP,
        )
    tx = ctx.tx
    if not tx.in_transaction:
        return None
    cat = ctx.catalog
    con = next((c for c in cat.constraints_of(rel) if c.name == name), None)
    if con is None or con.validated or not con.enforced or con.kind not in ("check", "foreign key"):
        return None
    loc = con.created
    if loc is None or loc.path != ctx.file.path or cat.origin_of(con) is not Origin.CURRENT_FILE:
        return None
    where = _open_since(tx, loc.start, ctx)
    if where is None:
        return None
    if con.kind == "check":
        lock, blocked = "ACCESS EXCLUSIVE", f"reads and writes of {table_label(rel)} wait"
    else:
        ref = q(short_name(con.ref_table)) if con.ref_table else "the referenced table"
        lock, blocked = "SHARE ROW EXCLUSIVE", f"writes to {table_label(rel)} and {ref} wait"
    return Violation(
        f"VALIDATE CONSTRAINT {q(name)} on {table_label(rel)} runs {where}, which also added "
        f"it NOT VALID (line {ctx.line_of(loc.start)}): the {lock} lock of ADD CONSTRAINT is "
        f"held until COMMIT, so {blocked} for the whole validation scan, as if NOT VALID were "
        "not written; validate it in a separate transaction (a later migration)",
        help=_SAME_TX_HELP,
    )


def _open_since(tx: TxState, start: int, ctx: Context) -> str | None:
    """Which transaction, still open, already held the statement at offset ``start`` (None
    when a COMMIT or ROLLBACK came between, or the statement ran on its own)."""
    if tx.depth > 0 and tx.begin_offset is not None and start >= tx.begin_offset:
        return f"in the transaction opened by the BEGIN on line {ctx.line_of(tx.begin_offset)}"
    if tx.wrapped and (tx.end_offset is None or start > tx.end_offset):
        return "in the transaction the migration runner wraps this file in"
    return None
