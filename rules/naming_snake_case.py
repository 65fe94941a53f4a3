from collections.abc import Iterator

from pgarch_lint.analysis.naming import checked_declarations, derived_is_snake, is_snake, to_snake
from pgarch_lint.api import Category, Context, EndOfRun, Severity, Violation, conventions, rule

from ._naming import declaration_label, violation


@rule(
    name="naming-snake-case",
    category=Category.NAMING,
    severity=Severity.WARNING,
    summary="a table, column, index, constraint or type name that is not lower snake_case",
    nodes=(EndOfRun,),
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
def check(ev: EndOfRun, ctx: Context) -> Iterator[Violation]:
    """PostgreSQL folds unquoted identifiers to lower case, so a name with capitals (or
    spaces, dashes...) only exists in its quoted form: every query, every psql session, every
    ad-hoc report must write `"UserProfile"` with the exact quoting and case, and a forgotten
    quote fails with `relation "userprofile" does not exist`. Mixed conventions also make the
    schema harder to read and to search. Each object is reported once, where it is defined: an
    index or constraint name that only repeats a non-snake_case table or column name is not
    reported again, nor is a rename from one non-snake_case name to another (an ORM swapping
    a rebuilt enum into place). The project's own style counts: where its schema clearly
    writes a kind of name in another case (PascalCase tables and types in a Prisma schema,
    camelCase columns), names of that case are not reported (`pgarch-lint conventions` shows
    what was inferred), and the columns of a table that is itself not snake_case are covered
    by the table's finding."""
    if ctx.settings is None:
        return
    style = conventions.house_style(ctx.catalog, ctx.settings.naming)
    for d in checked_declarations(ctx, None):
        if not d.explicit:
            continue
        if d.previous is not None and not is_snake(d.previous):
            continue  # a rename between two non-snake_case names: reported at the definition
        if d.kind not in conventions.CASE_KIND:
            if derived_is_snake(d.name, d.embedded):
                continue
        elif is_snake(d.name) or style.case_ok(d):
            continue
        yield violation(
            d,
            f"{declaration_label(d)} is not lower snake_case: every query has to quote it with this "
            f'exact case; use "{to_snake(d.name)}"',
        )
