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


# How a referencing column's type compares with the referenced one's
SAME, ALIKE, WIDER, NARROWER, OTHER = "same", "alike", "wider", "narrower", "other"

_INT_BYTES = {"smallint": 2, "integer": 4, "bigint": 8}
_FLOAT_BYTES = {"real": 4, "double precision": 8}
_STRINGS = frozenset({"varchar", "text"})
_TIMES = frozenset({"timestamp", "timestamptz", "time", "timetz"})
_UNLIMITED = 10**9  # a length or precision that is not limited


def _split(t: str) -> tuple[str, list[int] | None]:
    """``varchar(10)`` → ("varchar", [10]); None when the modifiers are not numbers."""
    base, paren, rest = t.partition("(")
    if not paren:
        return base, []
    try:
        return base, [int(x) for x in rest.rstrip(")").split(",")]
    except ValueError:
        return t, None


def _holds(child: int, parent: int) -> str:
    return ALIKE if child == parent else WIDER if child > parent else NARROWER


def compare_types(child: str, parent: str) -> str:
    """How a referencing column of type ``child`` compares with a referenced column of type
    ``parent`` (both as :func:`_canon` gives them): SAME; ALIKE (spelled differently, the
    same values: ``text`` and ``varchar``, ``timestamptz`` and ``timestamptz(6)``); WIDER (it
    holds every referenced value: a wider integer, a longer or unlimited string, more
    precision); NARROWER (it
    cannot hold every referenced value: a narrower integer, a shorter string, less
    precision or scale); OTHER (another type family, or types this check cannot compare)."""
    if _same(child, parent):
        return SAME
    while child.endswith("[]") and parent.endswith("[]"):
        child, parent = child[:-2], parent[:-2]
    if child.endswith("[]") or parent.endswith("[]"):
        return OTHER
    (cb, cm), (pb, pm) = _split(child), _split(parent)
    if cm is None or pm is None:
        return OTHER
    if cb in _INT_BYTES and pb in _INT_BYTES:
        return _holds(_INT_BYTES[cb], _INT_BYTES[pb])
    if cb in _FLOAT_BYTES and pb in _FLOAT_BYTES:
        return _holds(_FLOAT_BYTES[cb], _FLOAT_BYTES[pb])
    if (cb in _STRINGS and pb in _STRINGS) or (cb == pb and cb in ("char", "varbit")):
        # text, and varchar or char without a length, hold any length
        return _holds(cm[0] if cm else _UNLIMITED, pm[0] if pm else _UNLIMITED)
    if cb == pb == "numeric":
        if not cm or not pm:
            # unconstrained numeric holds any value
            return WIDER if not cm else NARROWER
        cp, cs = cm[0], cm[1] if len(cm) > 1 else 0
        pp, ps = pm[0], pm[1] if len(pm) > 1 else 0
        if (cp, cs) == (pp, ps):
            return ALIKE
        # a smaller scale rounds referenced values; fewer integer digits overflow
        return WIDER if cs >= ps and cp - cs >= pp - ps else NARROWER
    if cb == pb and cb in _TIMES:
        # fractional-second digits: 6 when not given (the most there is)
        return _holds(cm[0] if cm else 6, pm[0] if pm else 6)
    return OTHER


_SERIAL_SHOWN = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}

Mismatch = tuple[str, str, str, str, str]  # column, its type, referenced column, its type, how


def _pairs_text(bad: list[Mismatch], table: str, ref: str) -> str:
    def shown(t: str) -> str:
        return _SERIAL_SHOWN.get(t, t)

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
        how = compare_types(_canon(ct, ctx), _canon(rt, ctx))
        if how != SAME:
            bad.append((c, ct, r, rt, how))
    if bad:
        yield _violation(bad, util.rv_name(rel), util.rv_name(node.pktable), node=node)


def _violation(bad: list[Mismatch], table: str, ref: str, **where: Any) -> Violation:
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
            severity=Severity.WARNING,
            **where,
        )
    return Violation(message, **where)


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
            bad: list[Mismatch] = []
            for c, r in zip(fk.columns, ref_cols, strict=True):
                lc, rc = t.columns.get(c), ref.columns.get(r)
                if lc is None or rc is None:
                    continue
                how = compare_types(_canon(lc.type, ctx), _canon(rc.type, ctx))
                if how != SAME:
                    bad.append((c, lc.type, r, rc.type, how))
            if not bad:
                continue
            at = ctx.report_loc([fk.created])
            if at is None:
                continue
            yield _violation(bad, _display(t), _display(ref), at=at)


def _display(t: Any) -> str:
    return str(t.name) if t.schema == "public" else f"{t.schema}.{t.name}"
