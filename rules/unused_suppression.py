from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, SuppressionDirective, Violation, rule


@rule(
    name="unused-suppression",
    aliases=("unused-ignore",),  # squawk's name
    category=Category.HOUSEKEEPING,
    severity=Severity.INFO,
    summary="a suppression comment that suppressed nothing, or that names an unknown rule",
    nodes=(SuppressionDirective,),
    bad="""
    -- pgarch-lint: ignore[ban-drop-tabel] misspelt: it never suppressed anything
    DROP TABLE legacy_orders;
    """,
    good="""
    -- pgarch-lint: ignore[ban-drop-table] archived in OPS-123
    DROP TABLE legacy_orders;
    """,
    fix="Delete the comment, or correct the rule name (`pgarch-lint rules` lists them).",
    default=False,
)
def check(ev: SuppressionDirective, ctx: Context) -> Iterator[Violation]:
    """Suppressions outlive the code they were written for: after the statement changes, a stale
    `ignore` comment silently hides the next real problem on that statement, and a misspelt rule
    name never suppressed anything in the first place. Directives that name rules not selected
    in this run are not judged."""
    if ev.unknown:
        names = ", ".join(repr(n) for n in ev.unknown)
        yield Violation(f"suppression names unknown rule {names}", start=ev.start, end=ev.end)
        return
    if not ev.used and not ev.inactive:
        what = ", ".join(ev.names) if ev.names else "every rule"
        yield Violation(f"suppression of {what} suppressed nothing", start=ev.start, end=ev.end)
