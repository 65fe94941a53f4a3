"""A finding's own severity: ``Violation(severity=...)`` and how the engine honours it.

A rule may give one finding another severity than its default; a user's ``[severity]``
override for the rule wins over the rule's choice. Summary counts, ``--fail-on`` and
``--jobs`` follow the finding's severity.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pgarch_lint import parallel
from pgarch_lint.api import Category, Context, Severity, Violation, ast, rule
from pgarch_lint.cli import main
from pgarch_lint.config import Settings
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Report
from pgarch_lint.testing import expected, expected_severities, severity_mismatches


@rule(
    name="mixed-severity",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="test rule",
    nodes=(ast.CreateStmt,),
    bad="CREATE TABLE t (a int);",
    good="SELECT 1;",
    fix="none",
)
def _mixed(node: ast.CreateStmt, ctx: Context) -> Iterator[Violation]:
    """Reports every table; ``info_*`` tables as info, ``err_*`` tables as errors."""
    assert node.relation is not None
    name = str(node.relation.relname)
    if name.startswith("info_"):
        yield Violation(f"table {name}", node=node.relation, severity=Severity.INFO)
    elif name.startswith("err_"):
        yield Violation(f"table {name}", node=node.relation, severity=Severity.ERROR)
    else:
        yield Violation(f"table {name}", node=node.relation)


SQL = b"CREATE TABLE info_a (a int);\nCREATE TABLE plain_b (a int);\nCREATE TABLE err_c (a int);\n"


def _run(settings: Settings, data: bytes = SQL, jobs: int = 1) -> Report:
    return Engine(settings, [_mixed]).run(
        [FileInput("m.sql", data)], known_rule_names=["mixed-severity"], jobs=jobs
    )


def test_a_finding_can_have_its_own_severity() -> None:
    r = _run(Settings())
    assert [(f.message, f.severity) for f in r.findings] == [
        ("table info_a", "info"),
        ("table plain_b", "warning"),  # no severity given: the rule's default
        ("table err_c", "error"),
    ]
    assert r.summary.by_severity == {"error": 1, "warning": 1, "info": 1}


def test_the_users_override_wins_over_the_findings_severity() -> None:
    r = _run(Settings(severity={"mixed-severity": "warning"}))
    assert [f.severity for f in r.findings] == ["warning", "warning", "warning"]
    assert r.summary.by_severity == {"error": 0, "warning": 3, "info": 0}
    r = _run(Settings(severity={"mixed-severity": "info"}))
    assert [f.severity for f in r.findings] == ["info", "info", "info"]
    # an override of another rule changes nothing here
    r = _run(Settings(severity={"ban-drop-table": "info"}))
    assert [f.severity for f in r.findings] == ["info", "warning", "error"]


def test_the_fingerprint_does_not_depend_on_the_severity() -> None:
    a = _run(Settings())
    b = _run(Settings(severity={"mixed-severity": "error"}))
    assert [f.fingerprint for f in a.findings] == [f.fingerprint for f in b.findings]


@pytest.mark.skipif(not parallel.can_fork(), reason="no os.fork here")
def test_workers_keep_each_findings_severity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_SEGMENT_BYTES", 1)
    monkeypatch.setattr(parallel, "SEGMENTS_PER_JOB", 1000)
    monkeypatch.setattr(parallel, "DRIVER_CHECKS", False)
    data = SQL * 20
    one, two = _run(Settings(), data), _run(Settings(), data, jobs=2)
    assert [(f.line, f.severity) for f in two.findings] == [
        (f.line, f.severity) for f in one.findings
    ]
    assert (
        two.summary.by_severity
        == one.summary.by_severity
        == {
            "error": 20,
            "warning": 20,
            "info": 20,
        }
    )


def test_fixture_expectations_can_name_a_severity() -> None:
    text = (
        "CREATE TABLE info_a (a int);  -- expect: mixed-severity[info]\n"
        "CREATE TABLE plain_b (a int);  -- expect: mixed-severity\n"
        "CREATE TABLE err_c (a int);  -- expect: mixed-severity[ error ], other-rule\n"
    )
    assert expected(text) == Counter(
        {
            (1, "mixed-severity"): 1,
            (2, "mixed-severity"): 1,
            (3, "mixed-severity"): 1,
            (3, "other-rule"): 1,
        }
    )
    assert expected_severities(text) == Counter(
        {(1, "mixed-severity", "info"): 1, (3, "mixed-severity", "error"): 1}
    )
    findings = _run(Settings()).findings
    assert severity_mismatches(text, findings, "m.sql") == []
    assert severity_mismatches(text, findings, "other.sql") == [
        "line 1: mixed-severity[info] expected, found none",
        "line 3: mixed-severity[error] expected, found none",
    ]
    wrong = text.replace("[info]", "[warning]")
    assert severity_mismatches(wrong, findings, "m.sql") == [
        "line 1: mixed-severity[warning] expected, found mixed-severity[info]"
    ]
    with pytest.raises(ValueError, match="line 1"):
        expected("SELECT 1;  -- expect: a-rule[info] trailing words\n")


# --- end to end, with a built-in rule that gives some findings a lower severity ----------------

# ON DELETE is written, ON UPDATE is not, and the referenced key is an identity column:
# fk-missing-explicit-actions reports it as info (its default severity is warning)
INFO_ONLY = """\
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE
);
"""


def _check(tmp_path: Path, *args: str, config: str = "") -> tuple[int, dict[str, Any]]:
    (tmp_path / "m.sql").write_text(INFO_ONLY)
    (tmp_path / "pgarch-lint.toml").write_text(config)
    res = CliRunner().invoke(
        main,
        [
            "check",
            str(tmp_path / "m.sql"),
            "--select",
            "fk-missing-explicit-actions",
            "--format",
            "json",
            "--config",
            str(tmp_path / "pgarch-lint.toml"),
            *args,
        ],
    )
    return res.exit_code, json.loads(res.stdout)


def test_fail_on_and_summary_follow_the_findings_severity(tmp_path: Path) -> None:
    code, out = _check(tmp_path)
    assert [f["severity"] for f in out["findings"]] == ["info"]
    assert out["summary"] == {
        "files": 1,
        "statements": 2,
        "findings": 1,
        "errors": 0,
        "warnings": 0,
        "infos": 1,
    }
    assert code == 0  # --fail-on warning (the default) is not reached by an info
    code, _ = _check(tmp_path, "--fail-on", "info")
    assert code == 1
    # the user's override for the rule wins: the finding is a warning again, and fails
    code, out = _check(tmp_path, config='[severity]\nfk-missing-explicit-actions = "warning"\n')
    assert [f["severity"] for f in out["findings"]] == ["warning"]
    assert code == 1
