from collections.abc import Iterator

from pgarch_lint.api import Category, Context, Severity, SuppressionDirective, Violation, rule


@rule(
    name="unknown-suppression",
    category=Category.HOUSEKEEPING,
    severity=Severity.WARNING,
    summary="a suppression comment that names a rule that does not exist, or whose "
    "`ignore-file` is followed by words instead of a rule list",
    nodes=(SuppressionDirective,),
    bad="""
    -- pgarch-lint: ignore[ban-drop-tabel] archived in OPS-123
    DROP TABLE legacy_orders;
    """,
    good="""
    -- pgarch-lint: ignore[ban-drop-table] archived in OPS-123
    DROP TABLE legacy_orders;
    """,
    fix="Correct the rule name (the message suggests the closest one; `pgarch-lint rules` "
    "lists them all), or write the file-wide form as `-- pgarch-lint: ignore-file[rule, ...]` "
    "(a bare `-- pgarch-lint: ignore-file` covers every rule).",
)
def check(ev: SuppressionDirective, ctx: Context) -> Iterator[Violation]:
    """A suppression comment with a misspelt rule name suppresses nothing, silently: the author
    believes the finding is handled, the finding stays in the report (or blocks CI), and the
    comment misleads every later reader. Words after `ignore-file` that are not a bracketed
    rule list (`-- pgarch-lint: ignore-file legacy schema`) would otherwise be read as a bare
    `ignore-file` and hide every finding of the file; such a comment suppresses nothing and is
    reported here. squawk's `-- squawk-ignore` comments are judged too (squawk's rule names
    are rules or aliases here)."""
    if ev.malformed is not None:
        yield Violation(
            f"`ignore-file` is followed by {ev.malformed!r}, not a rule list: this comment "
            "suppresses nothing; write `ignore-file[rule, ...]`, or a bare `ignore-file` to "
            "cover every rule",
            start=ev.start,
            end=ev.end,
        )
        return
    for name, hint in zip(ev.unknown, ev.hints or ("",) * len(ev.unknown), strict=True):
        maybe = f" (did you mean {hint!r}?)" if hint else ""
        yield Violation(
            f"suppression names unknown rule {name!r}{maybe}: it suppresses nothing for it",
            start=ev.start,
            end=ev.end,
        )
