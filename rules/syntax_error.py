from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, SyntaxErrorEvent, Violation, rule


@rule(
    name="syntax-error",
    category=Category.CORRECTNESS,
    severity=Severity.ERROR,
    summary="a statement that PostgreSQL cannot parse",
    nodes=(SyntaxErrorEvent,),
    bad="""
    CREATE TABLE orders (id bigint PRIMARY KEY,);
    """,
    good="""
    CREATE TABLE orders (id bigint PRIMARY KEY);
    """,
    fix="Fix the statement at the position shown; every other statement of the file was still "
    "checked.",
)
def check(ev: SyntaxErrorEvent, ctx: Context) -> Iterator[Violation]:
    """A statement PostgreSQL's own grammar rejects fails the deployment at that point: the
    migration stops half applied (or rolls back), and nothing after it runs. The message and
    position come from PostgreSQL's parser (via libpg_query), so they are the ones the server
    would give. Files that are not valid UTF-8 are reported here too, at the first bad byte."""
    yield Violation(ev.message, start=ev.offset, end=ev.end)
