"""Every fix any rule offers on its fixtures: applied alone it leaves SQL that parses and
removes a finding of that rule; the whole --fix loop settles, and a second run changes
nothing. Rules that document an automatic fix offer one somewhere in their fixtures, and
rules that do not, never offer one."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding, Report
from pgarch_lint.fixes import apply_fixes, decode_for_fix, encode_fixed, fix_inputs
from pgarch_lint.registry import load_rules
from pgarch_lint.testing import fixture_run

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*.sql") if not p.name.endswith(".context.sql"))
RULES = {r.name: r for r in load_rules()}


def lint(path: Path, rule: str, data: bytes | None = None) -> Report:
    settings, chosen, files = fixture_run(path, rule, data)
    syntax = [r for r in load_rules() if r.name == "syntax-error"]
    return Engine(settings, [*chosen, *syntax]).run(files)


def own(report: Report, path: Path, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.path == str(path) and f.rule == rule]


def offering() -> list[tuple[Path, str]]:
    out = []
    for path in CASES:
        rule = path.parent.name
        report = lint(path, rule)
        if report.unparsable:
            continue  # never rewritten (tests/cli/test_fix.py): nothing to apply there
        if rule in RULES and any(f.fix is not None for f in own(report, path, rule)):
            out.append((path, rule))
    return out


OFFERING = offering()


@pytest.mark.parametrize(
    ("path", "rule"), OFFERING, ids=[f"{p.parent.name}/{p.name}" for p, _ in OFFERING]
)
def test_each_fix_parses_and_removes_its_finding(path: Path, rule: str) -> None:
    data = path.read_bytes()
    decoded = decode_for_fix(data)
    assert decoded is not None
    text, bom = decoded
    before = lint(path, rule)
    assert not [f for f in before.findings if f.rule == "syntax-error"]
    count = Counter(f.rule for f in own(before, path, rule))[rule]
    for f in own(before, path, rule):
        if f.fix is None:
            continue
        fixed, n = apply_fixes(text, [f.fix])
        assert n == 1
        after = lint(path, rule, encode_fixed(fixed, bom))
        assert not [g for g in after.findings if g.rule == "syntax-error"], (f, fixed)
        assert len(own(after, path, rule)) < count, (f.message, fixed)


@pytest.mark.parametrize(
    ("path", "rule"), OFFERING, ids=[f"{p.parent.name}/{p.name}" for p, _ in OFFERING]
)
def test_fix_loop_settles_and_is_idempotent(path: Path, rule: str) -> None:
    settings, chosen, files = fixture_run(path, rule)

    def run(current: list[FileInput]) -> Report:
        return Engine(settings, chosen).run(current)

    done = fix_inputs(run, files, unsafe=True)
    assert done.converged and done.applied > 0
    again = fix_inputs(run, done.inputs, unsafe=True)
    assert again.applied == 0 and not again.changed
    # CRLF and a byte-order mark survive and give the same result
    crlf = [replace(f, data=b"\xef\xbb\xbf" + f.data.replace(b"\n", b"\r\n")) for f in files]
    done_crlf = fix_inputs(run, crlf, unsafe=True)
    assert done_crlf.inputs[-1].data == b"\xef\xbb\xbf" + done.inputs[-1].data.replace(
        b"\n", b"\r\n"
    )


def test_rules_that_document_a_fix_offer_one_and_the_others_never_do() -> None:
    offered = {rule for _, rule in OFFERING}
    documented = {name for name, r in RULES.items() if r.autofix}
    assert offered == documented
