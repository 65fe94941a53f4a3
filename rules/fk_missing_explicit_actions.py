from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pgarch_lint.analysis.definitions import (
    column_constraints,
    owner_of_constraint,
    statement_coldefs,
    statement_constraints,
    written_fk_actions,
)
from pgarch_lint.analysis.types import INTEGER_SPELLINGS, SERIAL_SPELLINGS, UUID_GENERATORS
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, option, rule, util

if TYPE_CHECKING:
    from pgarch_lint.api import Column

from ._report import quoted_list

_CLAUSE = {"on-delete": "ON DELETE", "on-update": "ON UPDATE"}
_EVENT = {
    ("on-delete",): "is deleted",
    ("on-update",): "changes its key",
    ("on-delete", "on-update"): "is deleted or changes its key",
}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_HELP = (
    "Write both actions explicitly, choosing each on purpose. ON DELETE: CASCADE when the rows "
    "belong to the parent and must go with it (order lines of an order; index the "
    "foreign-key column so the cascade does not scan the table); RESTRICT (or NO ACTION) when "
    "deleting a parent that still has rows must fail; SET NULL when the row outlives its "
    "parent (the column must be nullable); SET DEFAULT rarely. ON UPDATE: RESTRICT or NO "
    "ACTION for surrogate keys that never change, CASCADE for natural keys that can."
)
_HELP_ONE = {
    "on-delete": "Write ON DELETE explicitly, choosing it on purpose: CASCADE when the rows "
    "belong to the parent and must go with it (index the foreign-key column so the cascade "
    "does not scan the table); RESTRICT (or NO ACTION) when deleting a parent that still has "
    "rows must fail; SET NULL when the row outlives its parent (the column must be nullable).",
    "on-update": "Write ON UPDATE explicitly: RESTRICT or NO ACTION when the referenced key "
    "never changes (a surrogate key), CASCADE when it is a natural key that can.",
}


@dataclass(frozen=True)
class Options:
    require: tuple[Literal["on-delete", "on-update"], ...] = option(
        ("on-delete", "on-update"),
        'Which actions must be written out: any of "on-delete", "on-update".',
    )


@rule(
    name="fk-missing-explicit-actions",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a FOREIGN KEY without explicit ON DELETE and ON UPDATE actions",
    nodes=(ast.Constraint,),
    options=Options,
    bad="""
    CREATE TABLE order_lines (
        id bigint PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES orders (id)
    );
    """,
    good="""
    CREATE TABLE order_lines (
        id bigint PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE ON UPDATE RESTRICT
    );
    """,
    fix=_HELP,
)
def check(node: ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """When ON DELETE / ON UPDATE is left out the foreign key gets NO ACTION, and nobody has
    decided what should happen when a referenced row goes away: either deletes of parents
    start failing in production (and the application grows ad-hoc cleanup code), or a later
    "fix" to CASCADE deletes far more than intended. Writing the action down records the
    decision (cascade, restrict, set null) where reviewers see it. An explicit `NO ACTION`
    counts as a decision. The message says which of the two actions is missing.

    A missing ON UPDATE alone, on a foreign key to a generated surrogate key (an identity
    column, a serial, a `uuid` filled by `gen_random_uuid()` / `uuid_generate_v4()`, an integer
    filled by `nextval()`), is reported as `info`: such keys are not updated, so the default
    changes nothing and writing it is only for the record. Everything else is a `warning`."""
    if node.contype != enums.ConstrType.CONSTR_FOREIGN:
        return
    opts: Options = ctx.options or Options()
    written = _written(node, ctx)
    missing = [a for a in ("on-delete", "on-update") if a in opts.require and a not in written]
    if not missing:
        return
    owner = owner_of_constraint(node, ctx)
    if owner is None:
        return
    rel, cols, stmt = owner
    ref = util.rv_name(node.pktable)
    refcols = util.names_of(node.pk_attrs)
    target = f'"{ref}"' + (f" ({quoted_list(refcols)})" if refcols else "")
    name = f'"{node.conname}" ' if node.conname else ""
    head = f'foreign key {name}on "{util.rv_name(rel)}" ({quoted_list(cols)}) → {target}'
    if len(missing) == 2:
        yield Violation(
            f"{head} has neither ON DELETE nor ON UPDATE: both default to NO ACTION without "
            "anyone deciding what happens to these rows when the referenced row "
            f"{_EVENT[('on-delete', 'on-update')]}",
            node=node,
        )
        return
    [gap] = missing
    other = "on-update" if gap == "on-delete" else "on-delete"
    if other in written:
        code = node.fk_upd_action if other == "on-update" else node.fk_del_action
        said = (
            f"sets {_CLAUSE[other]} {_ACTIONS.get(code or 'a', 'NO ACTION')} but not {_CLAUSE[gap]}"
        )
    else:  # the other clause is not required (the rule's options)
        said = f"has no explicit {_CLAUSE[gap]}"
    if gap == "on-update":
        keys = _surrogate_key(node, rel, stmt, ctx)
        if keys:
            what = (
                f"{keys[0]} is a generated surrogate key that is"
                if len(keys) == 1
                else f"{', '.join(keys)} are generated surrogate keys that are"
            )
            yield Violation(
                f"{head} {said}: it defaults to NO ACTION, which is harmless here as {what} "
                "not updated; write it out to record the decision",
                help="Add `ON UPDATE NO ACTION` (or `ON UPDATE RESTRICT`) after the ON DELETE "
                "clause: generated keys do not change, so no other action is needed.",
                node=node,
                severity=Severity.INFO,
            )
            return
    yield Violation(
        f"{head} {said}: it defaults to NO ACTION without anyone deciding what happens to "
        f"these rows when the referenced row {_EVENT[(gap,)]}",
        help=_HELP_ONE[gap],
        node=node,
    )


def _surrogate_key(
    node: ast.Constraint, rel: ast.RangeVar, stmt: ast.Node | None, ctx: Context
) -> list[str]:
    """How each referenced column is generated (``"customers.id" (an identity column)``) when
    every one is a generated surrogate key; empty otherwise or when unknown."""
    pk = node.pktable
    if not isinstance(pk, ast.RangeVar):
        return []
    refcols = util.names_of(node.pk_attrs)
    local: dict[str, ast.ColumnDef] = {}
    if isinstance(stmt, ast.CreateStmt) and _same_name(rel, pk):
        local = statement_coldefs(stmt)  # a self-reference in the table being created
        if not refcols:
            refcols = next(
                (
                    c
                    for con, c in statement_constraints(stmt)
                    if con.contype == enums.ConstrType.CONSTR_PRIMARY
                ),
                [],
            )
    table = ctx.catalog.table(pk)
    if not refcols and table is not None and table.primary_key is not None:
        refcols = list(table.primary_key.columns)
    if not refcols:
        return []
    kinds: list[str] = []
    for c in refcols:
        if c in local:
            kind = _generated_coldef(local[c])
        else:
            col = ctx.catalog.column(table, c) if table is not None else None
            kind = _generated_column(col) if col is not None else None
        if kind is None:
            return []
        kinds.append(f'"{pk.relname}.{c}" ({kind})')
    return kinds


def _same_name(a: ast.RangeVar, b: ast.RangeVar) -> bool:
    return a.relname == b.relname and (
        not a.schemaname or not b.schemaname or a.schemaname == b.schemaname
    )


def _generator(type_: str, call: str, no_args: bool) -> str | None:
    """What a column DEFAULT calling ``call`` makes of a column of type ``type_``."""
    if type_ == "uuid" and call in UUID_GENERATORS and no_args:
        return f"a uuid filled by {call}()"
    if type_ in INTEGER_SPELLINGS and call == "nextval":
        return "filled by nextval()"
    return None


def _generated_column(col: "Column") -> str | None:
    if col.identity is not None:
        return "an identity column"
    if col.serial:
        return f"a {col.type} column"
    call = col.default_call
    if call is None:
        return None
    return _generator(col.type, call[0], call[1] == 0)


def _generated_coldef(cd: ast.ColumnDef) -> str | None:
    names = util.names_of(cd.typeName.names) if cd.typeName is not None else []
    tn = cd.typeName
    type_ = names[-1].lower() if names and tn is not None and not tn.arrayBounds else ""
    if type_ in SERIAL_SPELLINGS:
        return f"a {type_} column"
    for con in column_constraints(cd):
        if con.contype == enums.ConstrType.CONSTR_IDENTITY:
            return "an identity column"
        if con.contype == enums.ConstrType.CONSTR_DEFAULT and isinstance(
            con.raw_expr, ast.FuncCall
        ):
            return _generator(type_, util.func_name(con.raw_expr), not con.raw_expr.args)
    return None


def _written(node: ast.Constraint, ctx: Context) -> set[str]:
    written: set[str] = set()
    if node.fk_del_action not in (None, "a"):
        written.add("on-delete")
    if node.fk_upd_action not in (None, "a"):
        written.add("on-update")
    if len(written) == 2 or ctx.statement is None:
        return written
    st = ctx.statement
    start, _end = ctx.span(node)
    loc = node.location
    if loc is None or loc < 0 or (start <= st.start and loc > 0):
        # no exact position (a statement re-parsed from a PL/pgSQL body): best effort, read
        # the clause after the statement's first REFERENCES
        text = st.text
    else:
        text = st.text[start - st.start :]
    return written | written_fk_actions(text)
