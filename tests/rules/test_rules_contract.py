"""Contract every rule must keep: metadata, bad/good examples that really run, a fixture
folder with at least one expected finding and one clean file, and a current doc page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pgarch_lint.api import Category, Severity
from pgarch_lint.docs import expected_files
from pgarch_lint.registry import load_rules
from pgarch_lint.testing import expected, lint_sql

ROOT = Path(__file__).resolve().parents[2]
RULES = [r for r in load_rules() if r.pack is None]
IDS = [r.name for r in RULES]


def test_names_are_unique_kebab_case() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    for n in names:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", n), n


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_metadata(rule) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(rule.category, Category)
    assert isinstance(rule.severity, Severity)
    assert rule.summary and not rule.summary.endswith(".")
    assert len(rule.rationale) > 80, "the rationale must say what breaks and why"
    assert rule.fix and rule.bad and rule.good
    assert rule.nodes, "a rule must ask for at least one node type or event"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_bad_example_fires(rule) -> None:  # type: ignore[no-untyped-def]
    if rule.live_only:
        pytest.skip("live-only rule: its examples need a server (tests/e2e/test_live.py runs them)")
    found = [f for f in lint_sql(rule.bad, rules=[rule.name]) if f.rule == rule.name]
    assert found, f"the bad example of {rule.name} produced no finding"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_good_example_is_clean(rule) -> None:  # type: ignore[no-untyped-def]
    if rule.live_only:
        pytest.skip("live-only rule: its examples need a server (tests/e2e/test_live.py runs them)")
    found = [f for f in lint_sql(rule.good, rules=[rule.name]) if f.rule == rule.name]
    assert not found, f"the good example of {rule.name} fires: {found}"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_fixture_folder(rule) -> None:  # type: ignore[no-untyped-def]
    folder = ROOT / "fixtures" / rule.name
    assert folder.is_dir(), f"missing fixture folder fixtures/{rule.name}/"
    cases = [p for p in folder.glob("*.sql") if not p.name.endswith(".context.sql")]
    with_expect = [p for p in cases if expected(p.read_bytes().decode("utf-8", "replace"))]
    if rule.live_only:  # fixtures run without a server: they must stay clean
        assert cases and not with_expect, "a live-only rule's fixtures expect nothing"
        return
    assert with_expect, "a fixture folder needs at least one case with an expected finding"
    assert len(with_expect) < len(cases), "a fixture folder needs at least one clean case"


def test_no_orphan_fixture_folders() -> None:
    names = {r.name for r in RULES}
    orphans = [p.name for p in (ROOT / "fixtures").iterdir() if p.is_dir() and p.name not in names]
    assert not orphans, f"fixture folders without a rule: {orphans}"


def test_docs_are_current() -> None:
    want = expected_files(list(load_rules()))
    folder = ROOT / "docs" / "rules"
    have = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    stale = sorted(n for n in want if have.get(n) != want[n])
    extra = sorted(set(have) - set(want))
    assert not stale and not extra, (
        f"docs/rules is out of date (stale: {stale}, extra: {extra}); "
        "run `python -m pgarch_lint.docs`"
    )
