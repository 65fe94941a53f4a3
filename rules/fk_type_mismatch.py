from collections.abc import Iterator
from typing import Any

from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, ast, enums, rule, util

from ._design import (
    comparable,
    owner_of_constraint,
    statement_coldefs,
    statement_constraints,
    type_text,
)


def _canon(type_str: str, ctx: Context) -> str:
    """A comparable type: aliases and serials folded, domains resolved to their base type,
    user types qualified when the catalog knows them."""
    t = comparable(type_str)
    for _ in range(5):  # domains over domains
        arr = t.endswith("[]")
        bare = t[:-2] if arr else t
        td = ctx.catalog.type(bare) if bare and "(" not in bare else None
        if td is None:
            break
        if td.kind == "domain" and td.base_type:
            t = comparable(td.base_type) + ("[]" if arr else "")
            continue
        t = td.qualified + ("[]" if arr else "")
        break
    return t


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    # an unresolved user type written once qualified and once not
    return "." in a + b and a.rsplit(".", 1)[-1] == b.rsplit(".", 1)[-1]


_SERIAL_SHOWN = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}


def _pairs_text(bad: list[tuple[str, str, str, str]], table: str, ref: str) -> str:
    def shown(t: str) -> str:
        return _SERIAL_SHOWN.get(t, t)

    parts = [
        f'"{table}.{c}" is {shown(ct)} but "{ref}.{r}" is {shown(rt)}' for c, ct, r, rt in bad
    ]
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
    keys that exist in the parent, and comparisons through a cast can stop the planner from
    using the index on either side, making every join, cascade and RI check slower. Types are
    compared after normalisation (`int4` = `integer`, `serial` = `integer`, domains resolved
    to their base type). Referenced tables may come from earlier files, or from later
    statements of the same run (the check then happens after the last statement)."""
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
    bad: list[tuple[str, str, str, str]] = []
    for c, r in zip(cols, ref_cols, strict=True):
        ct = local_types.get(c)
        if ct is None and table is not None and c in table.columns:
            ct = table.columns[c].type
        rt = ref_types.get(r)
        if ct is None or rt is None:
            continue
        if not _same(_canon(ct, ctx), _canon(rt, ctx)):
            bad.append((c, ct, r, rt))
    if bad:
        yield Violation(
            _message(bad, util.rv_name(rel), util.rv_name(node.pktable)), node=node
        )


def _message(bad: list[tuple[str, str, str, str]], table: str, ref: str) -> str:
    return (
        f"foreign key from \"{table}\" to \"{ref}\" joins columns of different types: "
        f"{_pairs_text(bad, table, ref)}"
    )


def _same_relation(a: ast.RangeVar, b: ast.RangeVar, ctx: Context) -> bool:
    if a.relname != b.relname:
        return False
    if (a.schemaname or None) == (b.schemaname or None):
        return True
    ta, tb = ctx.catalog.table(a), ctx.catalog.table(b)
    return ta is not None and ta is tb


def _statement_types(stmt: Any) -> dict[str, str]:
    return {name: type_text(cd.typeName) for name, cd in statement_coldefs(stmt).items()}


def _statement_pk(stmt: Any) -> list[str]:
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
            bad: list[tuple[str, str, str, str]] = []
            for c, r in zip(fk.columns, ref_cols, strict=True):
                lc, rc = t.columns.get(c), ref.columns.get(r)
                if lc is None or rc is None:
                    continue
                if not _same(_canon(lc.type, ctx), _canon(rc.type, ctx)):
                    bad.append((c, lc.type, r, rc.type))
            if not bad:
                continue
            at = ctx.report_loc([fk.created])
            if at is None:
                continue
            yield Violation(_message(bad, _display(t), _display(ref)), at=at)


def _display(t: Any) -> str:
    return str(t.name) if t.schema == "public" else f"{t.schema}.{t.name}"
