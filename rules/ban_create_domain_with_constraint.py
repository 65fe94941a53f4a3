from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, ast, enums, rule, util

from ._report import q

_KINDS = {enums.ConstrType.CONSTR_CHECK: "CHECK", enums.ConstrType.CONSTR_NOTNULL: "NOT NULL"}


@rule(
    name="ban-create-domain-with-constraint",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="CREATE DOMAIN with a CHECK or NOT NULL constraint",
    nodes=(ast.CreateDomainStmt,),
    bad="""
    CREATE DOMAIN positive_amount AS numeric(12, 2) CHECK (VALUE > 0);
    """,
    good="""
    CREATE DOMAIN amount AS numeric(12, 2);
    CREATE TABLE payments (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        total amount NOT NULL CONSTRAINT payments_total_positive CHECK (total > 0)
    );
    """,
    fix="Keep the domain a plain alias (a type and, if useful, a DEFAULT), and put the rules "
    "on the columns: `NOT NULL` and a named `CHECK` per table, which can later be changed one "
    "table at a time (`ADD CONSTRAINT ... NOT VALID`, then `VALIDATE CONSTRAINT`).",
)
def check(node: ast.CreateDomainStmt, ctx: Context) -> Iterator[Violation]:
    """A constraint on a domain binds every column of that type, in every table, at once, and
    PostgreSQL gives no online way to change it: `ALTER DOMAIN ... ADD CONSTRAINT` checks
    every such column while holding a SHARE lock on each table (writes wait), and so does
    `ALTER DOMAIN ... VALIDATE CONSTRAINT` (a table's own VALIDATE lets writes through).
    Converting an existing column to a domain that has constraints (`ALTER COLUMN ... TYPE`)
    rewrites the whole table under an ACCESS EXCLUSIVE lock, where a plain domain over the same
    type changes only the catalog. A domain's NOT NULL is also not a guarantee: an outer join,
    a composite or a PL/pgSQL variable can hold NULL of that type, and the PostgreSQL manual
    advises putting NOT NULL on the columns instead. A `DEFAULT` or `NULL` clause is no
    constraint and is not reported."""
    found = [
        (c, _KINDS[c.contype])
        for c in node.constraints or ()
        if isinstance(c, ast.Constraint) and c.contype is not None and c.contype in _KINDS
    ]
    if not found:
        return
    kinds = list(dict.fromkeys(kind for _, kind in found))
    what = f"a {kinds[0]} constraint" if len(kinds) == 1 else " and ".join(kinds) + " constraints"
    yield Violation(
        f"domain {q('.'.join(util.names_of(node.domainname)))} is created with {what}: every "
        "column of the domain in every table is bound by it, and changing it later checks "
        "all of them while blocking their writes; put constraints on the columns instead",
        node=found[0][0],
    )
