from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgarch_lint.analysis.definitions import (
    ColumnSite,
    column_constraints,
    column_site,
    owner_of_constraint,
    statement_coldefs,
    statement_constraints,
)
from pgarch_lint.analysis.types import (
    INT32_OR_SMALLER,
    INT_MAX,
    SERIALS,
    base_type,
    comparable,
    is_array,
    type_text,
)
from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, option, rule, util

if TYPE_CHECKING:
    from pgarch_lint.api import Table

_KEY_CONSTRAINTS = (enums.ConstrType.CONSTR_PRIMARY, enums.ConstrType.CONSTR_FOREIGN)


@dataclass(frozen=True)
class Options:
    all_columns: bool = option(
        False,
        "Flag every integer/smallint/serial column, not only primary-key, identity "
        "and foreign-key columns.",
    )


def _role_in_statement(site: ColumnSite) -> str | None:
    """Why the column declared at ``site`` is a key, judging by its own statement."""
    base = base_type(site.type_name)
    if base in SERIALS:
        return "serial"
    for c in column_constraints(site.coldef):
        if c.contype == enums.ConstrType.CONSTR_IDENTITY:
            return "identity"
        if c.contype == enums.ConstrType.CONSTR_PRIMARY:
            return "primary-key"
        if c.contype == enums.ConstrType.CONSTR_FOREIGN:
            return "foreign-key"
        if c.contype == enums.ConstrType.CONSTR_DEFAULT and _is_nextval(c.raw_expr):
            return "sequence"
    return None


def _is_nextval(expr: object) -> bool:
    while isinstance(expr, ast.TypeCast):
        expr = expr.arg
    return util.func_name(expr) == "nextval"


def _key_role(site: ColumnSite, ctx: Context) -> str | None:
    role = _role_in_statement(site)
    if role is not None:
        return role
    for c, cols in statement_constraints(site.stmt):
        if cols != [site.name]:
            continue  # a member of a composite key is a counter or a version, not an id
        if c.contype == enums.ConstrType.CONSTR_PRIMARY:
            return "primary-key"
        if c.contype == enums.ConstrType.CONSTR_FOREIGN:
            return "foreign-key"
    if site.kind == "alter-type":
        return _catalog_role(ctx.catalog.table(site.table), site.name, ctx)
    return None


def _catalog_role(table: "Table | None", name: str, ctx: Context) -> str | None:
    if table is None:
        return None
    col = ctx.catalog.column(table, name)
    if col is not None and col.identity:
        return "identity"
    if col is not None and col.serial:
        return "serial"
    if col is not None and col.default and col.default.startswith("nextval("):
        return "sequence"
    pk = table.primary_key
    if pk is not None and pk.columns == [name]:
        return "primary-key"
    if any(fk.columns == [name] for fk in ctx.catalog.foreign_keys(table)):
        return "foreign-key"
    return None


def _message(role: str | None, label: str, shown: str) -> str:
    kind = {
        "serial": "serial",
        "identity": "identity",
        "primary-key": "primary-key",
        "foreign-key": "foreign-key",
        "sequence": "sequence-fed",
    }.get(role or "", "")
    base = comparable(shown)
    limit = INT_MAX["smallint" if base.startswith("small") else "integer"]
    what = f"{kind} column" if kind else "column"
    tail = (
        " (and every foreign key that references it)"
        if role in ("serial", "identity", "primary-key", "sequence")
        else ""
    )
    return (
        f"{what} {label} is {shown}: values stop at {limit}, and widening it to bigint later "
        f"rewrites the table{tail} under an ACCESS EXCLUSIVE lock"
    )


@rule(
    name="prefer-bigint-over-int",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="integer, smallint or serial used for a primary-key, identity or foreign-key column",
    nodes=(ast.ColumnDef, ast.Constraint),
    options=Options,
    bad="""
    CREATE TABLE orders (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
    """,
    good="""
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id),
        quantity integer NOT NULL
    );
    """,
    fix="Declare key columns `bigint` (identity: `bigint GENERATED ALWAYS AS IDENTITY`; "
    "sequences: `bigserial`), and make foreign-key columns `bigint` to match. The extra four "
    "bytes per row are cheap next to migrating a full table later.",
)
def check(node: ast.ColumnDef | ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """A 32-bit key runs out at 2,147,483,647: busy tables (events, logs, line items) reach
    that within years, sequences also burn values on rolled-back inserts, and when it happens
    every insert fails. Widening the column then is `ALTER COLUMN ... TYPE bigint`, which
    rewrites the table and all its indexes under an ACCESS EXCLUSIVE lock, and has to be
    repeated on every referencing foreign-key column: a multi-hour outage or a long dual-write
    migration. bigint costs four more bytes per row. Members of composite keys (a retry
    count, a version number) are not ids and are left alone unless they draw from a sequence."""
    opts: Options = ctx.options or Options()
    if isinstance(node, ast.Constraint):
        if not opts.all_columns:
            yield from _added_key(node, ctx)
        return
    site = column_site(node, ctx)
    if site is None or is_array(site.type_name):
        return
    if base_type(site.type_name) not in INT32_OR_SMALLER:
        return
    role = _key_role(site, ctx)
    if role is None and not opts.all_columns:
        return
    yield Violation(_message(role, site.label, type_text(site.type_name)), node=site.type_name)


def _added_key(con: ast.Constraint, ctx: Context) -> Iterator[Violation]:
    """ALTER TABLE ... ADD PRIMARY KEY / FOREIGN KEY over an integer column created earlier
    in the checked files (and not already a key there, where it was reported)."""
    if con.contype not in _KEY_CONSTRAINTS:
        return
    parents = ctx.parents
    if not parents or not isinstance(parents[-1], ast.AlterTableCmd):
        return
    owner = owner_of_constraint(con, ctx)
    if owner is None:
        return
    rel, cols, stmt = owner
    if len(cols) != 1:
        return  # members of composite keys are counters or versions, not ids
    declared = statement_coldefs(stmt)
    table = ctx.catalog.table(rel)
    if table is None:
        return
    role = "primary-key" if con.contype == enums.ConstrType.CONSTR_PRIMARY else "foreign-key"
    for name in cols:
        if name in declared:
            continue  # judged at its ColumnDef
        col = ctx.catalog.column(table, name)
        if col is None or col.context or col.type.endswith("[]"):
            continue
        if comparable(col.type) not in ("integer", "smallint"):
            continue
        if _catalog_role(table, name, ctx) is not None:
            continue  # already a key when it was declared: reported there
        yield Violation(_message(role, f'"{util.rv_name(rel)}.{name}"', col.type), node=con)
