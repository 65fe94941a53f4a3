"""Every rule name of squawk 2.70 works here (issue 19): as a rule or an alias, in
`explain`, `--select`, configuration and suppression comments, and docs/migrating-from-squawk.md
maps each one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.config import Settings, alias_targets, resolve_names
from pgarch_lint.registry import load_rules
from pgarch_lint.suppress import parse_directives, resolve_aliases

ROOT = Path(__file__).resolve().parents[2]

# squawk 2.70's rule names (`squawk --include=NAME` accepts each; `unused-ignore` is always on)
SQUAWK_RULES = (
    "adding-field-with-default",
    "adding-foreign-key-constraint",
    "adding-not-nullable-field",
    "adding-required-field",
    "adding-serial-primary-key-field",
    "ban-add-column",
    "ban-add-composite-attribute",
    "ban-add-enum-value",
    "ban-alter-database-options",
    "ban-alter-domain-with-add-constraint",
    "ban-alter-extension",
    "ban-alter-function-options",
    "ban-alter-generated-expression",
    "ban-alter-identity",
    "ban-alter-policy-condition",
    "ban-alter-policy-roles",
    "ban-alter-role-options",
    "ban-alter-row-level-security",
    "ban-alter-sequence-values",
    "ban-alter-system-options",
    "ban-alter-view-options",
    "ban-char-field",
    "ban-concurrent-index-creation-in-transaction",
    "ban-create-domain-with-constraint",
    "ban-create-policy",
    "ban-detach-inheritance",
    "ban-disable-trigger",
    "ban-drop-column",
    "ban-drop-constraint",
    "ban-drop-database",
    "ban-drop-default",
    "ban-drop-domain",
    "ban-drop-extension",
    "ban-drop-function",
    "ban-drop-generated-expression",
    "ban-drop-index",
    "ban-drop-not-null",
    "ban-drop-policy",
    "ban-drop-schema",
    "ban-drop-sequence",
    "ban-drop-table",
    "ban-drop-trigger",
    "ban-drop-type",
    "ban-drop-view",
    "ban-duplicate-column-assignments",
    "ban-new-write-restriction",
    "ban-replace-view-function",
    "ban-replica-identity",
    "ban-revoke",
    "ban-set-default",
    "ban-set-schema",
    "ban-truncate-cascade",
    "ban-uncommitted-transaction",
    "changing-column-type",
    "constraint-missing-not-valid",
    "disallowed-unique-constraint",
    "identifier-too-long",
    "prefer-bigint-over-int",
    "prefer-bigint-over-smallint",
    "prefer-identity",
    "prefer-repack",
    "prefer-robust-stmts",
    "prefer-text-field",
    "prefer-timestamp-tz",
    "prefer-timestamptz",
    "renaming-column",
    "renaming-object",
    "renaming-table",
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "require-concurrent-partition-detach",
    "require-concurrent-reindex",
    "require-enum-value-ordering",
    "require-lock-timeout",
    "require-statement-timeout",
    "require-table-schema",
    "require-timeout-settings",
    "transaction-nesting",
    "unused-ignore",
)


def test_there_are_all_of_them() -> None:
    assert len(SQUAWK_RULES) == len(set(SQUAWK_RULES)) == 79


@pytest.mark.parametrize("name", SQUAWK_RULES)
def test_each_name_is_a_rule_or_an_alias_everywhere(name: str) -> None:
    rules = list(load_rules())
    known = {r.name for r in rules}
    aliases = alias_targets(rules)
    assert name in known or name in aliases
    targets = (name,) if name in known else aliases[name]
    s = Settings(select=(name,), severity={name: "info"})
    resolve_names(s, rules, "test")
    assert s.select == targets and set(s.severity) == set(targets)
    [d] = parse_directives([(0, 30, f"-- squawk-ignore {name}")])
    resolve_aliases([d], aliases)
    assert d.names == targets
    r = CliRunner().invoke(main, ["explain", name])
    assert r.exit_code == 0 and f"# {targets[0]}\n" in r.output


def test_the_migration_guide_maps_every_name() -> None:
    doc = (ROOT / "docs" / "migrating-from-squawk.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`") for line in doc.splitlines() if line.startswith("| `")
    }
    assert set(SQUAWK_RULES) <= rows, sorted(set(SQUAWK_RULES) - rows)
