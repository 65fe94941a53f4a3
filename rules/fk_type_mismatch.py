from collections.abc import Iterator
from typing import TYPE_CHECKING

from pgarch_lint.analysis.definitions import (
    owner_of_constraint,
    statement_coldefs,
    statement_constraints,
)
from pgarch_lint.analysis.types import (
    ALIKE,
    NARROWER,
    SAME,
    WIDER,
    compare_types,
    resolved_type,
    serial_integer,
    type_text,
)
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, ast, enums, rule, util

if TYPE_CHECKING:
    from pgarch_lint.api import Loc, Table

Mismatch = tuple[str, str, str, str, str]  # column, its type, referenced column, its type, how


def _pairs_text(bad: list[Mismatch], table: str, ref: str) -> str:
    def shown(t: str) -> str:
        return serial_integer(t)

    parts = []
    for c, ct, r, rt, how in bad:
        col, refcol = f'"{table}.{c}"', f'"{ref}.{r}"'
        if how == NARROWER:
            parts.append(
                f"{col} is {shown(ct)}, which cannot hold every value of {refcol} ({shown(rt)})"
            )
        elif how == WIDER:
            parts.append(
                f"{col} is {shown(ct)}, wider than {refcol} ({shown(rt)}): harmless "
                "but inconsistent"
            )
        elif how == ALIKE:
            parts.append(
                f"{col} is {shown(ct)} and {refcol} is {shown(rt)}, the same values "
                "declared differently: harmless but inconsistent"
            )
        else:
            parts.append(f"{col} is {shown(ct)}, another type than {refcol} ({shown(rt)})")
    return "; ".join(parts)


@rule(
    name="fk-type-mismatch",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="a foreign-key column whose type differs from the referenced column's type",
    nodes=(ast.Constraint, EndOfRun),
    bad="""
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id integer NOT NULL REFERENCES customers (id) ON DELETE RESTRICT
    );
    """,
    good="""
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT
    );
    """,
    fix="Give the foreign-key column exactly the referenced column's type (same type, same "
    "length or precision): `bigint` for `bigint`/`bigserial`/identity keys, `uuid` for `uuid`. "
    "For an existing column, change the type before adding the constraint.",
)
def check(node: ast.Constraint | EndOfRun, ctx: Context) -> Iterator[Violation]:
    """A foreign key between columns of different types works only through an implicit cast:
    an `integer` column referencing a `bigint` key overflows once the parent's ids pass 2^31
    (inserts of valid parents' ids fail), `varchar(10)` referencing `text` rejects longer
    keys that exist in the parent, `numeric(10,1)` referencing `numeric(10,2)` rounds a key
    to another parent's, and where the two types share no index operators a comparison
    through a cast can stop the planner from using the index on either side, making every
    join, cascade and RI check slower.

    Severity follows what the difference does. An `error` when the referencing column cannot
    hold every referenced value (a narrower integer or float, a shorter or limited string, a
    `numeric` with fewer integer digits or a smaller scale, fewer fractional-second digits)
    or is of another type (`uuid` and `bigint`, `text` and `integer`, `timestamp` and
    `timestamptz`, `char(n)` and `varchar`, two enums, types it cannot compare). A `warning`
    when every referenced value fits, so nothing breaks but the two sides are declared
    differently: `bigint` referencing an `integer` key, `text` referencing `varchar(n)`,
    `varchar(20)` referencing `varchar(10)`, `timestamptz` referencing `timestamptz(3)`.

    Types are compared after normalisation (`int4` = `integer`, `serial` = `integer`,
    domains resolved to their base type). Referenced tables may come from earlier files, or
    from later statements of the same run (the check then happens after the last
    statement)."""
    if isinstance(node, EndOfRun):
        yield from _forward_references(ctx)
        return
    if node.contype != enums.ConstrType.CONSTR_FOREIGN:
        return
    owner = owner_of_constraint(node, ctx)
    if owner is None or not isinstance(node.pktable, ast.RangeVar):
        return
    rel, cols, stmt = owner
    local_types = _statement_types(stmt)
    table = ctx.catalog.table(rel)
    creating = isinstance(stmt, ast.CreateStmt)
    self_ref = _same_relation(rel, node.pktable, ctx)
    if creating and self_ref:
        ref_types = local_types
        ref_cols = util.names_of(node.pk_attrs) or _statement_pk(stmt)
    else:
        ref = ctx.catalog.table(node.pktable)
        if ref is None:
            return  # created later (or never seen): judged at the end of the run
        ref_types = {n: c.type for n, c in ref.columns.items()}
        if self_ref:
            ref_types = ref_types | local_types
        ref_cols = util.names_of(node.pk_attrs)
        if not ref_cols and ref.primary_key is not None:
            ref_cols = list(ref.primary_key.columns)
    if len(ref_cols) != len(cols):
        return
    bad: list[Mismatch] = []
    for c, r in zip(cols, ref_cols, strict=True):
        ct = local_types.get(c)
        if ct is None and table is not None and c in table.columns:
            ct = table.columns[c].type
        rt = ref_types.get(r)
        if ct is None or rt is None:
            continue
        how = compare_types(resolved_type(ct, ctx.catalog), resolved_type(rt, ctx.catalog))
        if how != SAME:
            bad.append((c, ct, r, rt, how))
    if bad:
        yield _violation(bad, util.rv_name(rel), util.rv_name(node.pktable), node=node)


def _violation(
    bad: list[Mismatch],
    table: str,
    ref: str,
    *,
    node: ast.Node | None = None,
    at: "Loc | None" = None,
) -> Violation:
    message = (
        f'foreign key from "{table}" to "{ref}" joins columns of different types: '
        f"{_pairs_text(bad, table, ref)}"
    )
    if all(how in (WIDER, ALIKE) for *_, how in bad):
        return Violation(
            message,
            help="Nothing breaks: every referenced value fits. Still, declare both columns "
            "with one type (the wider one: widen the referenced key, or narrow the foreign-key "
            "column to the key's type) so that joins, tools and readers see one type.",
            node=node,
            at=at,
            severity=Severity.WARNING,
        )
    return Violation(message, node=node, at=at)


def _same_relation(a: ast.RangeVar, b: ast.RangeVar, ctx: Context) -> bool:
    if a.relname != b.relname:
        return False
    if (a.schemaname or None) == (b.schemaname or None):
        return True
    ta, tb = ctx.catalog.table(a), ctx.catalog.table(b)
    return ta is not None and ta is tb


def _statement_types(stmt: ast.Node | None) -> dict[str, str]:
    return {name: type_text(cd.typeName) for name, cd in statement_coldefs(stmt).items()}


def _statement_pk(stmt: ast.Node | None) -> list[str]:
    for c, cols in statement_constraints(stmt):
        if c.contype == enums.ConstrType.CONSTR_PRIMARY:
            return cols
    return []


def _forward_references(ctx: Context) -> Iterator[Violation]:
    """FKs whose referenced table was created at or after the FK's own statement: the
    per-statement check could not see that table, so judge them on the final schema."""
    cat = ctx.catalog
    for t in cat.tables():
        if t.partition_of is not None:
            continue  # a partition's foreign keys are clones of its parent's
        for fk in cat.foreign_keys(t):
            if fk.ref_table is None or fk.ref_table == t.qualified or fk.created is None:
                continue
            ref = cat.table_by_name(fk.ref_table)
            if ref is None or ref.created is None:
                continue
            if (ref.file_index, ref.created.start) < (fk.file_index, fk.created.start):
                continue  # known when the FK was declared: checked then
            ref_cols = list(fk.ref_columns)
            if not ref_cols and ref.primary_key is not None:
                ref_cols = list(ref.primary_key.columns)
            if len(ref_cols) != len(fk.columns):
                continue
            bad: list[Mismatch] = []
            for c, r in zip(fk.columns, ref_cols, strict=True):
                lc, rc = t.columns.get(c), ref.columns.get(r)
                if lc is None or rc is None:
                    continue
                how = compare_types(
                    resolved_type(lc.type, ctx.catalog), resolved_type(rc.type, ctx.catalog)
                )
                if how != SAME:
                    bad.append((c, lc.type, r, rc.type, how))
            if not bad:
                continue
            at = ctx.report_loc([fk.created])
            if at is None:
                continue
            yield _violation(bad, _display(t), _display(ref), at=at)


def _display(t: "Table") -> str:
    return str(t.name) if t.schema == "public" else f"{t.schema}.{t.name}"
