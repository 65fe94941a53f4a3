from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, SuppressionDirective, Violation, rule


@rule(
    name="unused-suppression",
    aliases=("unused-ignore",),  # squawk's name
    category=Category.HOUSEKEEPING,
    severity=Severity.INFO,
    summary="a suppression comment that suppressed nothing",
    nodes=(SuppressionDirective,),
    bad="""
    -- pgarch-lint: ignore the statement below changed since: nothing left to suppress
    CREATE TABLE legacy_orders_v2 (id bigint PRIMARY KEY);
    """,
    good="""
    -- pgarch-lint: ignore[ban-drop-table] archived in OPS-123
    DROP TABLE legacy_orders;
    """,
    fix="Delete the comment (a misspelt rule name is reported by `unknown-suppression`).",
    default=False,
)
def check(ev: SuppressionDirective, ctx: Context) -> Iterator[Violation]:
    """Suppressions outlive the code they were written for: after the statement changes, a stale
    `ignore` comment silently hides the next real problem on that statement. Directives that
    name rules not selected in this run are not judged; directives naming unknown rules, or
    malformed ones, are `unknown-suppression`'s."""
    if ev.unknown or ev.malformed is not None:
        return
    if not ev.used and not ev.inactive:
        what = ", ".join(ev.names) if ev.names else "every rule"
        yield Violation(f"suppression of {what} suppressed nothing", start=ev.start, end=ev.end)
