"""Rule aliases (squawk's names for rules we have under another name) work wherever a rule
name does: configuration, --select/--ignore, explain, suppression comments."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.config import Settings, alias_targets, resolve_names
from pgarch_lint.errors import ConfigError, RegistryError
from pgarch_lint.registry import _check_aliases, load_rules, rule_refs
from pgarch_lint.testing import lint_sql

TS = "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);\n"
SQUAWK_ALIASES = {
    "prefer-timestamp-tz": ("prefer-timestamptz",),
    "ban-truncate-cascade": ("ban-truncate",),
    "prefer-repack": ("ban-vacuum-full-and-cluster",),
    "unused-ignore": ("unused-suppression",),
    "adding-serial-primary-key-field": ("adding-primary-key-constraint",),
    "require-timeout-settings": ("require-lock-timeout", "require-statement-timeout"),
}


def run(args: list[str], cwd: Path) -> tuple[int, str]:
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return r.exit_code, r.output


def test_squawk_names_are_aliases_of_our_rules() -> None:
    got = alias_targets(load_rules())
    for alias, targets in SQUAWK_ALIASES.items():
        assert got[alias] == targets
    # the registry cache carries them too (selection works from it)
    assert alias_targets(rule_refs()) == got


def test_settings_resolve_aliases_to_rule_names() -> None:
    s = Settings(
        select=("prefer-timestamp-tz", "require-timeout-settings"),
        ignore=("prefer-repack",),
        extend_select=("unused-ignore",),
        severity={"prefer-timestamp-tz": "error", "ban-truncate-cascade": "info"},
        per_file_ignores={"old/*.sql": ("ban-truncate-cascade",)},
    )
    resolve_names(s, list(rule_refs()), "test")
    assert s.select == ("prefer-timestamptz", "require-lock-timeout", "require-statement-timeout")
    assert s.ignore == ("ban-vacuum-full-and-cluster",)
    assert s.extend_select == ("unused-suppression",)
    assert s.severity == {"prefer-timestamptz": "error", "ban-truncate": "info"}
    assert s.per_file_ignores == {"old/*.sql": ("ban-truncate",)}


def test_a_rules_own_name_wins_over_its_alias_in_keyed_tables() -> None:
    s = Settings(severity={"prefer-timestamptz": "info", "prefer-timestamp-tz": "error"})
    resolve_names(s, list(rule_refs()), "test")
    assert s.severity == {"prefer-timestamptz": "info"}


def test_unknown_names_still_fail_with_a_hint() -> None:
    s = Settings(select=("prefer-timestamp-t",))
    with pytest.raises(ConfigError, match="did you mean 'prefer-timestamp-tz'"):
        resolve_names(s, list(rule_refs()), "cfg")


def test_select_and_config_accept_aliases(tmp_path: Path) -> None:
    (tmp_path / "m.sql").write_text(TS)
    code, out = run(["check", "m.sql", "--select", "prefer-timestamp-tz"], tmp_path)
    assert code == 1 and "[prefer-timestamptz]" in out
    code, out = run(["check", "m.sql", "--ignore", "prefer-timestamp-tz"], tmp_path)
    assert "prefer-timestamptz" not in out
    (tmp_path / "pgarch-lint.toml").write_text(
        'select = ["prefer-timestamp-tz"]\n[severity]\n"prefer-timestamp-tz" = "info"\n'
    )
    code, out = run(["check", "m.sql"], tmp_path)
    assert code == 0 and "info[prefer-timestamptz]" in out


def test_explain_an_alias(tmp_path: Path) -> None:
    code, out = run(["explain", "require-timeout-settings"], tmp_path)
    assert code == 0
    assert out.startswith("`require-timeout-settings` is an alias of `require-lock-timeout`")
    assert "# require-lock-timeout\n" in out and "# require-statement-timeout\n" in out
    code, out = run(["explain", "prefer-timestamp-tz"], tmp_path)
    assert (
        code == 0
        and "# prefer-timestamptz\n" in out
        and "**Aliases:** `prefer-timestamp-tz`" in out
    )


@pytest.mark.parametrize(
    "comment",
    ["-- squawk-ignore prefer-timestamp-tz", "-- pgarch-lint: ignore[prefer-timestamp-tz]"],
)
def test_suppression_comments_accept_aliases(comment: str) -> None:
    assert len(lint_sql(TS, rules=["prefer-timestamptz"])) == 1
    sql = f"{comment}\n{TS}"
    assert lint_sql(sql, rules=["prefer-timestamptz", "unused-suppression"]) == []


def test_an_alias_of_two_rules_suppresses_both() -> None:
    ctx = ["CREATE TABLE orders (id bigint PRIMARY KEY, note text);"]
    sql = "ALTER TABLE orders ADD COLUMN flag int;\n"
    rules = ["require-lock-timeout", "require-statement-timeout"]
    assert {f.rule for f in lint_sql(sql, rules=rules, context=ctx)} == set(rules)
    quiet = "-- squawk-ignore require-timeout-settings\n" + sql
    assert lint_sql(quiet, rules=[*rules, "unused-suppression"], context=ctx) == []


def test_registry_rejects_an_alias_that_shadows_a_rule() -> None:
    rules = list(load_rules())
    ts = next(r for r in rules if r.name == "prefer-timestamptz")
    bad = dataclasses.replace(ts, aliases=("ban-truncate",))
    with pytest.raises(RegistryError, match="alias 'ban-truncate' is a rule's name"):
        _check_aliases([bad if r is ts else r for r in rules])
    odd = dataclasses.replace(ts, aliases=("Prefer_TZ",))
    with pytest.raises(RegistryError, match="not kebab-case"):
        _check_aliases([odd if r is ts else r for r in rules])
