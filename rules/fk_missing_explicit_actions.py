from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, option, rule, util

from ._design import owner_of_constraint, quoted_list, written_fk_actions

_CLAUSE = {"on-delete": "ON DELETE", "on-update": "ON UPDATE"}
_EVENT = {
    ("on-delete",): "is deleted",
    ("on-update",): "changes its key",
    ("on-delete", "on-update"): "is deleted or changes its key",
}
_HELP = (
    "Write both actions explicitly, choosing each on purpose. ON DELETE: CASCADE when the rows "
    "belong to the parent and must go with it (order lines of an order; index the "
    "foreign-key column so the cascade does not scan the table); RESTRICT (or NO ACTION) when "
    "deleting a parent that still has rows must fail; SET NULL when the row outlives its "
    "parent (the column must be nullable); SET DEFAULT rarely. ON UPDATE: RESTRICT or NO "
    "ACTION for surrogate keys that never change, CASCADE for natural keys that can."
)


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
    counts as a decision."""
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
    rel, cols, _stmt = owner
    ref = util.rv_name(node.pktable)
    refcols = util.names_of(node.pk_attrs)
    target = f'"{ref}"' + (f" ({quoted_list(refcols)})" if refcols else "")
    name = f'"{node.conname}" ' if node.conname else ""
    what = " and ".join(_CLAUSE[m] for m in missing)
    yield Violation(
        f'foreign key {name}on "{util.rv_name(rel)}" ({quoted_list(cols)}) → {target} has no '
        f"explicit {what}: it defaults to NO ACTION without anyone deciding what happens to "
        f"these rows when the referenced row {_EVENT[tuple(missing)]}",
        node=node,
    )


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
