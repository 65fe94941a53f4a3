from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, Violation, rule

from ._naming import DEFINING_NODES, defined_names, derived_is_snake, is_snake, to_snake


@rule(
    name="naming-snake-case",
    category=Category.NAMING,
    severity=Severity.WARNING,
    summary="a table, column, index, constraint or type name that is not lower snake_case",
    nodes=DEFINING_NODES,
    bad="""
    CREATE TABLE "UserProfile" (
        id bigint PRIMARY KEY,
        "displayName" text NOT NULL
    );
    """,
    good="""
    CREATE TABLE user_profile (
        id bigint PRIMARY KEY,
        display_name text NOT NULL
    );
    """,
    fix="Use unquoted lower snake_case names (`user_profile`, `display_name`). For an existing "
    "object, rename it in a planned migration (the application must switch names in step), or "
    "suppress the finding where an ORM dictates the names.",
)
def check(node: object, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL folds unquoted identifiers to lower case, so a name with capitals (or
    spaces, dashes...) only exists in its quoted form: every query, every psql session, every
    ad-hoc report must write `"UserProfile"` with the exact quoting and case, and a forgotten
    quote fails with `relation "userprofile" does not exist`. Mixed conventions also make the
    schema harder to read and to search. Each object is reported once, where it is defined: an
    index or constraint name that only repeats a non-snake_case table or column name is not
    reported again, nor is a rename from one non-snake_case name to another (an ORM swapping
    a rebuilt enum into place)."""
    for d in defined_names(node, ctx):
        if d.previous is not None and not is_snake(d.previous):
            continue  # a rename between two non-snake_case names: reported at the definition
        if d.kind in ("index", "constraint"):
            if derived_is_snake(d.name, d.embedded):
                continue
        elif is_snake(d.name):
            continue
        yield Violation(
            f"{d.describe()} is not lower snake_case: every query has to quote it with this "
            f'exact case; use "{to_snake(d.name)}"',
            node=d.node,
        )
