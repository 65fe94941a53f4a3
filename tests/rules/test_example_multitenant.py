"""The multi-tenant example schema lints clean; its deliberately flawed copy trips every
index and tenancy/RLS rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgarch_lint.config import Settings, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding
from pgarch_lint.registry import load_rules
from pgarch_lint.testing import describe

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CLEAN = EXAMPLES / "multitenant"
FLAWED = EXAMPLES / "multitenant_flawed"

INDEX_AND_TENANCY_RULES = (
    "fk-missing-index",
    "duplicate-index",
    "redundant-index",
    "gin-jsonb-opclass-unspecified",
    "btree-on-jsonb-or-array",
    "too-many-indexes",
    "tenant-table-missing-rls",
    "rls-not-forced",
    "policy-always-true",
    "cross-tenant-foreign-key",
    "policy-without-rls",
    "rls-policy-column-unindexed",
    "partition-key-not-in-unique",
)


def _lint(folder: Path, settings: Settings) -> list[Finding]:
    files = [FileInput(str(p), p.read_bytes()) for p in sorted(folder.glob("*.sql"))]
    assert files, f"no SQL files in {folder}"
    rules = select_rules(load_rules(), settings)
    return Engine(settings, rules).run(files).findings


def test_clean_example_has_no_findings_with_default_rules() -> None:
    findings = _lint(CLEAN, Settings())
    assert not findings, "\n" + describe(findings)


def test_clean_example_has_no_findings_with_strict_preset() -> None:
    findings = _lint(CLEAN, Settings(preset="strict"))
    assert not findings, "\n" + describe(findings)


@pytest.mark.parametrize("rule_name", INDEX_AND_TENANCY_RULES)
def test_flawed_example_trips_rule(rule_name: str) -> None:
    settings = Settings(select=(rule_name,))
    findings = _lint(FLAWED, settings)
    assert any(f.rule == rule_name for f in findings), (
        f"{rule_name} did not fire on {FLAWED}:\n{describe(findings)}"
    )


def test_flawed_example_with_default_rules_reports_the_default_ones() -> None:
    rules = {f.rule for f in _lint(FLAWED, Settings())}
    defaults = {r.name for r in load_rules() if r.default}
    missing = [n for n in INDEX_AND_TENANCY_RULES if n in defaults and n not in rules]
    assert not missing, missing
