from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.analysis.existing_objects import ObjectRef, is_new
from pgarch_lint.analysis.migration import (
    AddedColumn,
    added_column,
    column_already_exists,
    column_is_new,
    domain_default,
    existed_before,
    volatile_call,
)
from pgarch_lint.analysis.nodes import colref_names, func_name, iter_nodes
from pgarch_lint.api import (
    Category,
    Column,
    Context,
    Severity,
    Table,
    Violation,
    ast,
    deparse,
    enums,
    rule,
    util,
)

_AT = enums.AlterTableType
_CT = enums.ConstrType

# What the code that does not know a new column writes into it: its default.
NULL, CONSTANT, DISTINCT = "null", "constant", "distinct"  # distinct: identity, serial, volatile

# expressions that can be false (not NULL) when a column is NULL
_NULL_AWARE = (
    ast.NullTest,
    ast.BooleanTest,
    ast.CoalesceExpr,
    ast.CaseExpr,
    ast.MinMaxExpr,
    ast.SubLink,
)
_NON_STRICT_FUNCTIONS = frozenset(
    {"concat", "concat_ws", "num_nulls", "num_nonnulls", "format", "coalesce", "greatest", "least"}
)


@dataclass(frozen=True, slots=True)
class _Cols:
    """The table's columns that running code does not know (added earlier in the file or in
    this statement), with what that code writes into them."""

    new: dict[str, str]
    set_not_null: frozenset[str] = frozenset()  # SET NOT NULL in the same statement

    def all_new(self, names: list[str]) -> bool:
        return bool(names) and all(n in self.new for n in names)


def _added_value(ac: AddedColumn, ctx: Context) -> str:
    if ac.identity or ac.serial or ac.generated:
        return DISTINCT
    if ac.default is None:
        return CONSTANT if domain_default(ac.type, ctx) is not None else NULL
    return DISTINCT if volatile_call(ac.default, ctx) is not None else CONSTANT


def _column_value(col: Column) -> str:
    if col.identity or col.serial or col.generated:
        return DISTINCT
    if col.default_ is None:
        return NULL
    return DISTINCT if col.default_volatile else CONSTANT


def _new_columns(node: ast.AlterTableStmt, table: Table | None, ctx: Context) -> _Cols:
    new: dict[str, str] = {}
    if not isinstance(node.relation, ast.RangeVar):
        return _Cols(new)
    if table is not None:
        for name, col in table.columns.items():
            if column_is_new(ctx, node.relation, name):
                new[name] = _column_value(col)
    set_nn: set[str] = set()
    for cmd in util.alter_cmds(node):
        ac = added_column(cmd)
        if ac is not None and not column_already_exists(cmd, node.relation, ac.name, ctx):
            new[ac.name] = _added_value(ac, ctx)
        if cmd.subtype == _AT.AT_SetNotNull and cmd.name:
            set_nn.add(cmd.name)
    return _Cols(new, frozenset(set_nn))


def _columns_in(expr: object) -> list[str]:
    out: list[str] = []
    for n in iter_nodes(expr):
        if isinstance(n, ast.ColumnRef):
            parts = colref_names(n)
            if parts:
                out.append(parts[-1])
    return out


def _false_on_null(expr: object, ctx: Context) -> bool:
    """Can the expression be false (rather than NULL) when the columns it reads are NULL?"""
    for n in iter_nodes(expr):
        if isinstance(n, _NULL_AWARE):
            return True
        if isinstance(n, ast.A_Expr) and n.kind in (
            enums.A_Expr_Kind.AEXPR_DISTINCT,
            enums.A_Expr_Kind.AEXPR_NOT_DISTINCT,
        ):
            return True
        if isinstance(n, ast.FuncCall):
            name = func_name(n)
            if name in _NON_STRICT_FUNCTIONS:
                return True
            f = ctx.catalog.function(".".join(util.names_of(n.funcname)))
            if f is not None and not f.strict:
                return True
    return False


def _unique_rejects(cols: _Cols, names: list[str], nulls_not_distinct: bool) -> bool:
    """Would a unique key over these new columns reject writes of code that leaves them out?"""
    values = [cols.new[n] for n in names]
    # a distinct part, or a NULL part where NULLs are distinct, keeps keys apart; otherwise
    # every such insert writes the same key
    return DISTINCT not in values and (NULL not in values or nulls_not_distinct)


def _already_unique(ctx: Context, table: Table | None, names: list[str]) -> bool:
    """An existing unique index (not partial) on some of these columns already rejects every
    duplicate the new key would."""
    if table is None:
        return False
    for ix in ctx.catalog.indexes_on(table):
        keys = {k.column for k in ix.keys}
        if ix.unique and ix.predicate is None and keys and None not in keys and keys <= set(names):
            return True
    return False


def _key_names(elems: tuple[object, ...] | None) -> list[str] | None:
    """Plain column names of index elements; None when one is an expression."""
    out: list[str] = []
    for e in elems or ():
        if isinstance(e, ast.IndexElem) and e.name:
            out.append(e.name)
        elif isinstance(e, ast.String) and e.sval:
            out.append(e.sval)
        else:
            return None
    return out


def _label(con: ast.Constraint, word: str) -> str:
    return f'{word} "{con.conname}"' if con.conname else word


@rule(
    name="ban-new-write-restriction",
    category=Category.COMPATIBILITY,
    severity=Severity.WARNING,
    summary="a new constraint, NOT NULL or unique index on an existing table or domain",
    nodes=(ast.AlterTableStmt, ast.IndexStmt, ast.AlterDomainStmt),
    default=False,
    bad="""
    ALTER TABLE orders ADD CONSTRAINT ck_orders__quantity CHECK (quantity > 0) NOT VALID;
    """,
    good="""
    ALTER TABLE orders ADD COLUMN discount numeric(12,2),
        ADD CONSTRAINT ck_orders__discount CHECK (discount >= 0) NOT VALID;
    """,
    fix="""
    Restrict writes only after every writer complies:
    1. make the application (every release still running, and the ones you may roll back
       to) write only values the new rule accepts; check the data it wrote recently;
    2. add the constraint (NOT VALID, then VALIDATE, to keep the locks short) or the unique
       index, noting in a suppression comment which release made the writes comply.
    """,
)
def check(
    node: ast.AlterTableStmt | ast.IndexStmt | ast.AlterDomainStmt, ctx: Context
) -> Iterator[Violation]:
    """A new CHECK, FOREIGN KEY, UNIQUE, PRIMARY KEY or EXCLUDE constraint, a new NOT NULL or a
    unique index rejects every later write that breaks it, whether the code writing was
    deployed before or after the migration. NOT VALID only spares the rows already there, and
    CONCURRENTLY only changes the lock: code still running (during a rolling deploy, or after
    an application-only rollback, which keeps the constraint) fails with a constraint
    violation on writes it made successfully the day before. A foreign key also restricts
    the referenced table: deleting a row that a new row references fails unless ON DELETE
    cascades or sets a value. Making a constraint stricter (ENFORCED, NOT DEFERRABLE,
    INITIALLY IMMEDIATE) and a domain's new NOT NULL or CHECK do the same.

    Not flagged: tables and domains created earlier in the same file (or migration unit);
    constraints that only read columns added there, or in the same statement, when the value
    the old code leaves in them (their default) passes: a CHECK that NULL passes on a column
    without a default, a UNIQUE key with a NULL, identity, serial or volatile default part; a
    NOT NULL or PRIMARY KEY column with a default or identity; SET NOT NULL of a column
    already NOT NULL or already guarded by a validated `CHECK (col IS NOT NULL)`; `ADD ...
    UNIQUE USING INDEX` (the index already enforced it); a unique key over columns an
    existing unique index already covers (a primary key also needs them NOT NULL already);
    a foreign key or CHECK the table already has, validated (re-added by the same statement
    to change its action or name); loosening a constraint (NOT ENFORCED, DEFERRABLE
    INITIALLY DEFERRED); foreign tables, whose constraints PostgreSQL does not enforce.
    A foreign key's parent side is flagged only when its table existed before and ON DELETE
    restricts (updates of referenced keys are rare). Known gaps: a constraint dropped by one
    statement and added again by a later one is reported (the catalog keeps no record of
    what the file dropped), and so is a constraint on a column an earlier statement added
    to a table whose history was not read."""
    if isinstance(node, ast.IndexStmt):
        yield from _index(node, ctx)
    elif isinstance(node, ast.AlterDomainStmt):
        yield from _domain(node, ctx)
    else:
        yield from _alter_table(node, ctx)


def _domain(node: ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    if node.subtype not in ("O", "C"):
        return
    names = tuple(util.names_of(node.typeName))
    ref = ObjectRef("domain", names)
    if not names or is_new(ctx, ref):
        return
    td = ctx.catalog.type(ref.name)
    if node.subtype == "O":
        if td is not None and td.not_null:
            return
        what = "SET NOT NULL"
    else:
        con = node.def_
        if (
            isinstance(con, ast.Constraint)
            and con.contype == _CT.CONSTR_CHECK
            and con.is_enforced is False
        ):
            return
        what = "ADD CONSTRAINT" + (
            f' "{con.conname}"' if isinstance(con, ast.Constraint) and con.conname else ""
        )
    yield Violation(
        f'ALTER DOMAIN "{ref.name}" {what}: running code\'s writes of values it now rejects fail, '
        "in every column of the domain (NOT VALID spares only the stored values)"
    )


def _index(node: ast.IndexStmt, ctx: Context) -> Iterator[Violation]:
    rel = node.relation
    if not node.unique or not isinstance(rel, ast.RangeVar) or not existed_before(ctx, rel):
        return
    if node.if_not_exists and node.idxname and ctx.catalog.index(node.idxname) is not None:
        return  # already there: a no-op
    table = ctx.catalog.table(rel)
    if table is not None and table.persistence == "temporary":
        return
    keys = _key_names(node.indexParams)
    new = {n for n, c in table.columns.items() if column_is_new(ctx, rel, n)} if table else set()
    if keys is not None:
        if _already_unique(ctx, table, keys):
            return
        if table is not None and keys and all(k in new for k in keys):
            cols = _Cols({k: _column_value(table.columns[k]) for k in keys})
            if not _unique_rejects(cols, keys, bool(node.nulls_not_distinct)):
                return
    name = f' "{node.idxname}"' if node.idxname else ""
    yield Violation(
        f'CREATE UNIQUE INDEX{name} on existing table "{util.rv_name(rel)}": running code\'s '
        "writes of duplicates now fail (CONCURRENTLY changes only the lock)",
        node=rel,
    )


def _alter_table(node: ast.AlterTableStmt, ctx: Context) -> Iterator[Violation]:
    rel = node.relation
    if node.objtype != enums.ObjectType.OBJECT_TABLE or not isinstance(rel, ast.RangeVar):
        return
    if not existed_before(ctx, rel):
        return
    table = ctx.catalog.table(rel)
    if table is not None and table.persistence == "temporary":
        return
    cols = _new_columns(node, table, ctx)
    where = f'existing table "{util.rv_name(rel)}"'
    for cmd in util.alter_cmds(node):
        msg: str | None = None
        if cmd.subtype == _AT.AT_AddColumn:
            msg = _add_column(cmd, cols, where, ctx)
        elif cmd.subtype == _AT.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
            msg = _add_constraint(cmd.def_, cols, table, where, ctx)
        elif cmd.subtype == _AT.AT_SetNotNull:
            msg = _set_not_null(cmd.name or "", cols, table, where, ctx)
        elif cmd.subtype == _AT.AT_AlterConstraint and isinstance(cmd.def_, ast.ATAlterConstraint):
            msg = _alter_constraint(cmd.def_, table, where)
        if msg is not None:
            yield Violation(msg, node=rel)


def _add_column(cmd: ast.AlterTableCmd, cols: _Cols, where: str, ctx: Context) -> str | None:
    ac = added_column(cmd)
    if ac is None or ac.name not in cols.new:
        return None
    value = cols.new[ac.name]
    if ac.not_null and value == NULL:
        return (
            f'ADD COLUMN "{ac.name}" NOT NULL without a default on {where}: running code\'s '
            "inserts, which leave the column out, fail"
        )
    for con, enforced in ac.constraints:
        if not enforced:
            continue
        if con.contype in (_CT.CONSTR_UNIQUE, _CT.CONSTR_PRIMARY):
            if _unique_rejects(cols, [ac.name], bool(con.nulls_not_distinct)):
                return (
                    f'ADD COLUMN "{ac.name}" UNIQUE with a constant default on {where}: the '
                    "second insert of running code, which leaves the column out, fails"
                )
        elif con.contype == _CT.CONSTR_CHECK:
            read = _columns_in(con.raw_expr)
            if any(c not in cols.new for c in read) or (
                value == NULL and _false_on_null(con.raw_expr, ctx)
            ):
                return (
                    f'ADD COLUMN "{ac.name}" with a CHECK on {where}: running code\'s writes '
                    "that break it fail"
                )
        elif con.contype == _CT.CONSTR_FOREIGN:
            parent = _restricting_parent(con, ctx)
            if parent is not None:
                return (
                    f'ADD COLUMN "{ac.name}" REFERENCES existing table "{parent}": once new '
                    "rows reference its rows, running code's deletes of them fail"
                )
    return None


def _restricting_parent(con: ast.Constraint, ctx: Context) -> str | None:
    """The referenced table, when it existed before and ON DELETE does not cascade or set."""
    pk = con.pktable
    if not isinstance(pk, ast.RangeVar) or not existed_before(ctx, pk):
        return None
    if con.fk_del_action not in ("a", "r", "\x00", None):
        return None
    return util.rv_name(pk)


def _add_constraint(
    con: ast.Constraint, cols: _Cols, table: Table | None, where: str, ctx: Context
) -> str | None:
    ct = con.contype
    if ct == _CT.CONSTR_CHECK:
        if con.is_enforced is False:
            return None
        if _same_constraint_exists(con, table, ctx):
            return None
        read = _columns_in(con.raw_expr)
        if cols.all_new(read):
            values = {cols.new[c] for c in read}
            if NULL not in values or not _false_on_null(con.raw_expr, ctx):
                return None
        return (
            f"{_label(con, 'CHECK')} on {where}: running code's writes that break it fail "
            "(NOT VALID spares only the rows already there)"
        )
    if ct == _CT.CONSTR_FOREIGN:
        if con.is_enforced is False:
            return None
        fk = [s.sval for s in con.fk_attrs or () if isinstance(s, ast.String) and s.sval]
        if _same_constraint_exists(con, table, ctx):
            return None
        if not cols.all_new(fk) or any(cols.new[c] == CONSTANT for c in fk):
            ref = util.rv_name(con.pktable)
            return (
                f"{_label(con, 'FOREIGN KEY')} on {where} ({', '.join(fk)}): running code's "
                f'writes of values missing from "{ref}" fail (NOT VALID spares only the rows '
                "already there)"
            )
        parent = _restricting_parent(con, ctx)
        if parent is None:
            return None
        return (
            f'{_label(con, "FOREIGN KEY")} on {where} to existing table "{parent}": once new '
            "rows reference its rows, running code's deletes of them fail"
        )
    if ct in (_CT.CONSTR_UNIQUE, _CT.CONSTR_PRIMARY):
        word = "PRIMARY KEY" if ct == _CT.CONSTR_PRIMARY else "UNIQUE"
        if con.indexname:
            return _using_index(con, word, table, where, ctx)
        keys = _key_names(con.keys) or []
        if _already_unique(ctx, table, keys) and (
            ct == _CT.CONSTR_UNIQUE or _already_not_null(ctx, table, keys, cols)
        ):
            return None
        if cols.all_new(keys):
            if ct == _CT.CONSTR_PRIMARY:
                rejects = any(cols.new[k] == NULL for k in keys) or _unique_rejects(
                    cols, keys, True
                )
            else:
                rejects = _unique_rejects(cols, keys, bool(con.nulls_not_distinct))
            if not rejects:
                return None
        return (
            f"{_label(con, word)} on {where} ({', '.join(keys)}): running code's writes of "
            f"duplicates{' or NULLs' if ct == _CT.CONSTR_PRIMARY else ''} fail"
        )
    if ct == _CT.CONSTR_EXCLUSION:
        elems = [e[0] for e in con.exclusions or () if isinstance(e, tuple) and e]
        excl = _key_names(tuple(elems))
        if excl is not None and cols.all_new(excl) and not _unique_rejects(cols, excl, False):
            return None
        return f"{_label(con, 'EXCLUDE')} on {where}: running code's writes that conflict fail"
    if ct == _CT.CONSTR_NOTNULL:
        keys = _key_names(con.keys) or []
        for k in keys:
            msg = _set_not_null(k, cols, table, where, ctx)
            if msg is not None:
                return msg
    return None


def _already_not_null(ctx: Context, table: Table | None, keys: list[str], cols: _Cols) -> bool:
    """Every key column rejects NULL already (or is made NOT NULL by this statement, which
    is reported on its own)."""
    for k in keys:
        col = ctx.catalog.column(table, k) if table is not None else None
        if k in cols.set_not_null:
            continue
        if col is None or not (col.not_null or ctx.catalog.has_validated_not_null_check(table, k)):
            return False
    return True


def _same_constraint_exists(con: ast.Constraint, table: Table | None, ctx: Context) -> bool:
    """The table has (before this statement, perhaps dropped by it) a validated, enforced
    constraint that rejects the same writes: a foreign key over the same columns to the same
    table, or a CHECK with the same expression. Re-adding it (to change its ON DELETE action,
    its name, its timing) restricts nothing new."""
    if table is None:
        return False
    if con.contype == _CT.CONSTR_FOREIGN:
        pk = ctx.catalog.table(con.pktable) if isinstance(con.pktable, ast.RangeVar) else None
        fk = [s.sval for s in con.fk_attrs or () if isinstance(s, ast.String)]
        ref_cols = [s.sval for s in con.pk_attrs or () if isinstance(s, ast.String)]
        if pk is None:
            return False
        return any(
            c.kind == "foreign key"
            and c.validated
            and c.enforced
            and c.columns == fk
            and c.ref_table == pk.qualified
            and (not ref_cols or c.ref_columns == ref_cols)
            for c in table.constraints.values()
        )
    if con.contype == _CT.CONSTR_CHECK and con.raw_expr is not None:
        text = deparse(con.raw_expr)
        return any(
            c.kind == "check" and c.validated and c.enforced and c.expression == text
            for c in table.constraints.values()
        )
    return False


def _using_index(
    con: ast.Constraint, word: str, table: Table | None, where: str, ctx: Context
) -> str | None:
    """``ADD UNIQUE / PRIMARY KEY USING INDEX``: the index already enforced uniqueness; a
    primary key adds NOT NULL to columns that lacked it."""
    if word == "UNIQUE":
        return None
    ix = ctx.catalog.index(con.indexname or "")
    if ix is not None and table is not None:
        nullable = [
            k.column
            for k in ix.keys
            if k.column is not None
            and (c := ctx.catalog.column(table, k.column)) is not None
            and not c.not_null
            and not ctx.catalog.has_validated_not_null_check(table, k.column)
        ]
        if not nullable:
            return None
        return (
            f"{_label(con, word)} USING INDEX on {where} makes {', '.join(nullable)} NOT NULL: "
            "running code's writes of NULL fail"
        )
    return f"{_label(con, word)} USING INDEX on {where}: running code's writes of NULL fail"


def _set_not_null(
    name: str, cols: _Cols, table: Table | None, where: str, ctx: Context
) -> str | None:
    col = ctx.catalog.column(table, name) if table is not None else None
    if col is not None and (col.not_null or ctx.catalog.has_validated_not_null_check(table, name)):
        return None
    if name in cols.new and cols.new[name] != NULL:
        return None
    return f'SET NOT NULL on column "{name}" of {where}: running code\'s writes of NULL fail'


def _alter_constraint(alter: ast.ATAlterConstraint, table: Table | None, where: str) -> str | None:
    old = table.constraints.get(alter.conname or "") if table is not None else None
    name = f'"{alter.conname}"'
    if alter.alterEnforceability and alter.is_enforced:
        if old is not None and old.enforced:
            return None
        return (
            f"ALTER CONSTRAINT {name} ENFORCED on {where}: running code's writes that break it fail"
        )
    if not alter.alterDeferrability:
        return None
    if alter.deferrable and alter.initdeferred:
        return None  # the loosest timing
    if old is not None:
        stricter = (old.initially_deferred and not alter.initdeferred) or (
            old.deferrable and not alter.deferrable
        )
        if not stricter:
            return None
    return (
        f"ALTER CONSTRAINT {name} on {where} checks it earlier than before: running code's "
        "transactions that relied on deferring it fail"
    )
