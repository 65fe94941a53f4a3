"""Rule documentation generated from rule metadata (``docs/rules/<name>.md``).

Every page has the same sections: what it does, why it matters, example, use instead, options.
``pgarch-lint explain NAME`` prints the same page; a test fails when the files drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pgarch_lint.api import RuleLike


def _options_table(r: RuleLike) -> str:
    if r.options is None:
        return "This rule has no options.\n"
    import dataclasses

    rows = ["| option | type | default | meaning |", "| --- | --- | --- | --- |"]
    for f in dataclasses.fields(r.options):
        key = f.name.replace("_", "-")
        ann = f.type.__name__ if isinstance(f.type, type) else str(f.type).replace("typing.", "")
        default: object = f.default
        if isinstance(default, tuple):
            default = list(default)
        shown = "(see meaning)" if default is None else _toml(default)
        rows.append(f"| `{key}` | `{ann}` | `{shown}` | {f.metadata.get('help', '')} |")
    toml_name = r.qualified_name
    return f"Set in `[tool.pgarch-lint.rules.{toml_name}]`:\n\n" + "\n".join(rows) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def rule_page(r: RuleLike) -> str:
    status = "on by default" if r.default else "opt-in (enable with `extend-select`)"
    if r.strict and not r.default:
        status += "; part of the `strict` preset"
    aka = ""
    if r.aliases:
        names = ", ".join(f"`{a}`" for a in r.aliases)
        aka = (
            f"**Aliases:** {names} (accepted in configuration, "
            "`--select`, `explain` and suppression comments)\n\n"
        )
    return (
        f"# {r.qualified_name}\n\n"
        f"**Category:** `{r.category.value}` · **Default severity:** `{r.severity.value}` · "
        f"**Status:** {status}\n\n"
        f"{aka}"
        f"{r.summary}\n\n"
        f"## What it does\n\n{r.summary[0].upper() + r.summary[1:]}.\n\n"
        f"## Why it matters\n\n{r.rationale}\n\n"
        f"## Example\n\n```sql\n{r.bad}\n```\n\n"
        f"## Use instead\n\n{r.fix}\n\n```sql\n{r.good}\n```\n\n"
        f"{_autofix(r)}"
        f"## Options\n\n{_options_table(r)}\n"
        f"## Suppressing\n\n```sql\n-- pgarch-lint: ignore[{r.qualified_name}] <reason>\n```\n"
    )


def _autofix(r: RuleLike) -> str:
    if not r.autofix:
        return ""
    return f"## Automatic fix\n\n{r.autofix}\n\nSee [fixes](../fixes.md) for `--fix`.\n\n"


def index_page(rules: Sequence[RuleLike]) -> str:
    lines = [
        "# Rules\n",
        "Generated from rule metadata (`python -m pgarch_lint.docs` regenerates this folder).\n",
        "| rule | category | severity | default | fix | summary |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in sorted(rules, key=lambda r: (r.category.value, r.qualified_name)):
        on = "on" if r.default else "opt-in"
        fix = r.autofix.split(":", 1)[0].lower() if r.autofix else ""
        lines.append(
            f"| [`{r.qualified_name}`]({r.qualified_name}.md) | {r.category.value} | "
            f"{r.severity.value} | {on} | {fix} | {r.summary} |"
        )
    return "\n".join(lines) + "\n"


def expected_files(rules: Sequence[RuleLike]) -> dict[str, str]:
    out = {f"{r.name}.md": rule_page(r) for r in rules if r.pack is None}
    out["README.md"] = index_page([r for r in rules if r.pack is None])
    return out


def write(folder: Path, rules: Sequence[RuleLike]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    want = expected_files(rules)
    for name, text in want.items():
        p = folder / name
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            p.write_text(text, encoding="utf-8")
            changed.append(name)
    for p in folder.glob("*.md"):
        if p.name not in want:
            p.unlink()
            changed.append(p.name)
    return changed


if __name__ == "__main__":  # pragma: no cover
    from pgarch_lint.registry import load_rules

    root = Path(__file__).resolve().parent.parent
    for n in write(root / "docs" / "rules", list(load_rules())):
        print("wrote", n)
