"""Every fixture file under fixtures/<rule>/ is linted with that rule; findings must match
the inline ``-- expect: rule`` comments exactly (as a Counter of (line, rule)), and an
expectation that names a severity (``-- expect: rule[info]``) must be met by a finding of
that severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgarch_lint.testing import describe, run_fixture, severity_mismatches

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*.sql") if not p.name.endswith(".context.sql"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(path: Path) -> None:
    want, got, findings = run_fixture(path, path.parent.name)
    missing = want - got
    extra = got - want
    assert not missing and not extra, (
        f"\nmissing (line, rule): {sorted(missing)}\nunexpected: {sorted(extra)}\n"
        f"findings:\n{describe(findings)}"
    )
    text = path.read_bytes().decode("utf-8", "replace")
    wrong = severity_mismatches(text, findings, str(path))
    assert not wrong, "\n" + "\n".join(wrong) + f"\nfindings:\n{describe(findings)}"
