"""``pgarch-lint rules`` and ``pgarch-lint explain``: what the rules are."""

from __future__ import annotations

import click

from pgarch_lint.cli.common import Guard, die
from pgarch_lint.cli.options import format_option, preset_option


@click.command("rules")
@format_option(["text", "json"])
@preset_option(help="Only the rules this preset turns on.")
def rules_cmd(fmt: str, preset: str | None) -> None:
    """List every rule: name, category, default severity, summary."""
    with Guard():
        from pgarch_lint.config import Settings, select_rules
        from pgarch_lint.registry import rule_refs

        rules = list(rule_refs())
        if preset:
            rules = select_rules(rules, Settings(preset=preset))
        if fmt == "json":
            import json

            data = [
                {
                    "name": r.qualified_name,
                    "category": r.category.value,
                    "severity": r.severity.value,
                    "default": r.default,
                    "summary": r.summary,
                    "aliases": list(r.aliases),
                }
                for r in rules
            ]
            click.echo(json.dumps(data, indent=2))
            return
        width = max((len(r.qualified_name) for r in rules), default=10)
        for r in sorted(rules, key=lambda r: (r.category.value, r.qualified_name)):
            on = "" if r.default else " (opt-in)"
            click.echo(
                f"{r.qualified_name:<{width}}  {r.category.value:<16}  {r.severity.value:<7}  "
                f"{r.summary}{on}"
            )


@click.command()
@click.argument("rule_name")
def explain(rule_name: str) -> None:
    """Print a rule's full documentation."""
    with Guard():
        from pgarch_lint.config import alias_targets
        from pgarch_lint.docs import rule_page
        from pgarch_lint.registry import rules_by_name

        rules = rules_by_name()
        aliases = alias_targets(rules.values())
        if rule_name in rules:
            click.echo(rule_page(rules[rule_name]), nl=False)
            return
        if rule_name not in aliases:
            import difflib

            close = difflib.get_close_matches(rule_name, [*rules, *aliases], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            die(f"unknown rule {rule_name!r}{hint}")
        targets = aliases[rule_name]
        click.echo(f"`{rule_name}` is an alias of {', '.join(f'`{t}`' for t in targets)}.\n")
        click.echo("\n".join(rule_page(rules[t]) for t in targets), nl=False)
