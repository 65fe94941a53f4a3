from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Origin, Severity, Violation, ast, enums, rule, util


@rule(
    name="ban-alter-domain-with-add-constraint",
    category=Category.MIGRATION_SAFETY,
    severity=Severity.WARNING,
    summary="ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID, which checks every column of "
    "the domain in every table",
    nodes=(ast.AlterDomainStmt,),
    bad="""
    ALTER DOMAIN positive_amount ADD CONSTRAINT ck_positive_amount CHECK (VALUE > 0);
    """,
    good="""
    ALTER DOMAIN positive_amount ADD CONSTRAINT ck_positive_amount CHECK (VALUE > 0) NOT VALID;
    -- in a later migration:
    ALTER DOMAIN positive_amount VALIDATE CONSTRAINT ck_positive_amount;
    """,
    fix="""
    1. Add the constraint with NOT VALID: new and updated values are checked at once, existing
       rows are not scanned.
    2. Fix the rows that violate it.
    3. In a later migration, run ALTER DOMAIN ... VALIDATE CONSTRAINT.
    """,
)
def check(node: ast.AlterDomainStmt, ctx: Context) -> Iterator[Violation]:
    """Adding a constraint to a domain makes PostgreSQL check every value of every column that
    uses the domain, in every table, before the statement returns. Each of those tables is
    locked with a SHARE lock for its scan, so all their writes wait, and a single violating row
    anywhere fails the migration. With NOT VALID only new values are checked, and the existing
    ones can be validated later without blocking writes. Domains created earlier in the same
    file are not flagged (no existing table can use them yet)."""
    if node.subtype != "C" or not isinstance(node.def_, ast.Constraint):
        return
    con = node.def_
    if con.skip_validation:
        return
    parts = util.names_of(node.typeName)
    name = ".".join(parts)
    ty = ctx.catalog.type(name) if name else None
    if ty is not None and ctx.catalog.origin_of(ty) is Origin.CURRENT_FILE:
        return
    cname = f' "{con.conname}"' if con.conname else ""
    kind = "NOT NULL" if con.contype == enums.ConstrType.CONSTR_NOTNULL else "CHECK"
    tail = "; use CHECK (VALUE IS NOT NULL) NOT VALID instead" if kind == "NOT NULL" else ""
    yield Violation(
        f'ALTER DOMAIN "{name}" ADD CONSTRAINT{cname} ({kind}) without NOT VALID checks every '
        "column of that domain in every table, holding a SHARE lock that blocks writes on each "
        f"table for its scan{tail}",
        node=con,
    )
