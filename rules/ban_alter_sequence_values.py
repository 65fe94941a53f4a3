from collections.abc import Iterator

from pgarch_lint.analysis.compat_targets import relation_in_use
from pgarch_lint.analysis.migration import column_is_new, existed_before
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q

# options that change which values nextval() hands out, or whether it can hand one out
_VALUES = {
    "restart": "RESTART",
    "increment": "INCREMENT BY",
    "minvalue": "MINVALUE",
    "maxvalue": "MAXVALUE",
    "cycle": "CYCLE",
    "as": "AS",
}
# CACHE keeps values unique and increasing within a session, but sessions take blocks: ids
# stop following insertion order across sessions and gaps appear (reported as info).
# START WITH only sets what a later RESTART goes back to; OWNED BY, LOGGED... change no value.


def _changes(options: object) -> tuple[list[str], list[str]]:
    """(value options, CACHE) written in an option list, as SQL keywords."""
    values: list[str] = []
    cache: list[str] = []
    for d in options if isinstance(options, (list, tuple)) else ():
        if not isinstance(d, ast.DefElem):
            continue
        if d.defname in _VALUES:
            word = _VALUES[d.defname]
            if d.defname in ("minvalue", "maxvalue") and d.arg is None:
                word = f"NO {word}"
            elif d.defname == "cycle" and not getattr(d.arg, "boolval", True):
                word = "NO CYCLE"
            values.append(word)
        elif d.defname == "cache":
            cache.append("CACHE")
    return values, cache


def _why(values: list[str]) -> str:
    """What the written options can do to the clients' identifiers."""
    why: list[str] = []
    if "RESTART" in values:
        why.append("RESTART can hand out values rows already use")
    if "INCREMENT BY" in values:
        why.append("a new INCREMENT breaks clients that allocate id blocks from the old one")
    if any(v not in ("RESTART", "INCREMENT BY") for v in values):
        why.append("a new range can make nextval() fail or wrap around")
    return "; ".join(why)


def _finding(what: str, values: list[str], cache: list[str]) -> Violation | None:
    if values:
        return Violation(
            f"{', '.join(values)} on {what} changes the identifiers that the version still "
            f"running, or the one you roll back to, receives ({_why(values)}); coordinate it "
            "with every client that uses the values"
        )
    if cache:
        return Violation(
            f"CACHE on {what} makes sessions take blocks of values: identifiers no longer "
            "follow insertion order across sessions and gaps appear",
            severity=Severity.INFO,
        )
    return None


@rule(
    name="ban-alter-sequence-values",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="ALTER SEQUENCE or ALTER COLUMN ... SET/RESTART of an existing sequence's values",
    nodes=(ast.AlterSeqStmt, ast.AlterTableStmt),
    default=False,
    bad="""
    ALTER SEQUENCE invoice_number_seq RESTART WITH 1;
    """,
    good="""
    CREATE SEQUENCE ticket_number_seq;
    ALTER SEQUENCE ticket_number_seq RESTART WITH 1000 INCREMENT BY 10;
    """,
    fix="""
    Treat a sequence's range and step as part of the contract with its clients:
    1. find the clients that depend on them (ORMs that allocate id blocks from INCREMENT BY,
       code that assumes a range or ordering) and make every version you may still run or roll
       back to work with the new values;
    2. never RESTART below the highest value in use; to move a sequence past imported ids,
       prefer `SELECT setval(...)` computed from `max(id)`;
    3. then change the sequence, with a suppression comment that records why it is safe.
    """,
)
def check(node: ast.AlterSeqStmt | ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    """A sequence's options decide which identifiers its clients get. RESTART can hand out
    values that rows already use (duplicate-key errors) or jump far ahead; INCREMENT BY breaks
    ORMs that allocate blocks of ids from the increment they were configured with (Hibernate's
    pooled optimizers), so two sessions can produce the same id; MINVALUE, MAXVALUE, CYCLE and
    AS change the range, so nextval() can fail or wrap around. The version still running
    during the deploy and the one you roll back to keep their assumptions, and a rollback of
    the application does not restore the sequence. Identity columns
    (`ALTER TABLE ... ALTER COLUMN ... RESTART / SET INCREMENT BY ...`) are covered too. A
    change of CACHE alone is reported as info (identifiers stay unique but no longer follow
    insertion order across sessions); START WITH alone, OWNED BY and other options that
    change no value are not reported. Not reported either: sequences, tables and identity
    columns created earlier in the same file (or migration unit), and `ALTER SEQUENCE IF
    EXISTS` of a sequence the replay proves absent."""
    if isinstance(node, ast.AlterSeqStmt):
        rv = node.sequence
        if not relation_in_use(ctx, rv, node.missing_ok):
            return
        values, cache = _changes(node.options)
        found = _finding(f"existing sequence {q(util.rv_name(rv))}", values, cache)
        if found is not None:
            yield found
        return
    rel = node.relation
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not existed_before(ctx, rel):
        return
    for cmd in util.alter_cmds(node):
        if cmd.subtype != enums.AlterTableType.AT_SetIdentity:
            continue
        if column_is_new(ctx, rel, cmd.name):
            continue
        values, cache = _changes(cmd.def_)
        what = (
            f"the identity of column {q(cmd.name or '?')} of existing table {q(util.rv_name(rel))}"
        )
        found = _finding(what, values, cache)
        if found is not None:
            yield found
