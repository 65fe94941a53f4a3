"""Every output format, rendered from the same findings (with characters that break formats)."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.docs import rule_page
from pgarch_lint.findings import Finding, Report, Summary
from pgarch_lint.registry import rules_by_name
from pgarch_lint.reporters import FORMATS, render
from pgarch_lint.reporters.github_reporter import annotation

SCHEMA = Path(__file__).resolve().parents[1] / "sarif-schema-2.1.0.json"
TRICKY_PATH = "migrations/dir, with:colon/V2__naïve 100%.sql"
TRICKY_MSG = "table \"a|b\" <x> & `y` 50% done: yes, no\nsecond line ü 🐘 'q'"
TRICKY_HELP = "use `SET lock_timeout = '5s';` | or `a|b`\r\nthen retry * _x_ [link](y) ` unmatched"
RULE_A = "require-concurrent-index-creation"
RULE_B = "require-lock-timeout"
SELECT = f"{RULE_A},{RULE_B},ban-drop-table"  # a fixed rule set: the CLI tests do not drift


def _finding(**kw: Any) -> Finding:
    base: dict[str, Any] = {
        "rule": RULE_A,
        "category": "migration-safety",
        "severity": "error",
        "path": "migrations/0002_idx.sql",
        "line": 3,
        "column": 5,
        "end_line": 3,
        "end_column": 11,
        "message": "plain message",
        "help": "plain help",
        "source_line": "    CREATE INDEX ix ON orders (customer_id);",
        "fingerprint": "00000000000000aa",
    }
    base.update(kw)
    return Finding(**base)


def tricky_report() -> Report:
    rules = rules_by_name()
    findings = [
        _finding(),
        _finding(
            path=TRICKY_PATH,
            line=7,
            column=2,
            end_line=9,
            end_column=1,
            message=TRICKY_MSG,
            help=TRICKY_HELP,
            fingerprint="00000000000000bb",
        ),
        # the same statement twice in one file: same fingerprint, two findings
        _finding(
            path=TRICKY_PATH,
            rule=RULE_B,
            severity="warning",
            line=12,
            column=1,
            end_line=12,
            end_column=1,
            fingerprint="00000000000000cc",
        ),
        _finding(
            path=TRICKY_PATH,
            rule=RULE_B,
            severity="warning",
            line=20,
            column=1,
            end_line=20,
            end_column=4,
            fingerprint="00000000000000cc",
        ),
        _finding(
            rule="acme/custom-rule",
            category="naming",
            severity="info",
            path="queries\\win.sql",
            line=1,
            column=1,
            end_line=1,
            end_column=2,
            message="x",
            help="",
            fingerprint="",
        ),
    ]
    summary = Summary(files=3, statements=9)
    for f in findings:
        summary.by_severity[f.severity] += 1
    return Report(
        findings,
        summary,
        [rules[RULE_A], rules[RULE_B], rules["ban-drop-table"]],
        ["migrations/0001_init.sql", "migrations/0002_idx.sql", TRICKY_PATH, "queries\\win.sql"],
    )


def rendered(fmt: str, report: Report | None = None, **kw: Any) -> str:
    out = io.StringIO()
    render(fmt, report if report is not None else tricky_report(), out, **kw)
    return out.getvalue()


def test_every_format_is_registered_and_renders() -> None:
    assert FORMATS == ("text", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown")
    empty = Report([], Summary(), [], [])
    for fmt in FORMATS:
        assert rendered(fmt).strip()
        assert rendered(fmt, empty).strip()


# --- SARIF -----------------------------------------------------------------------------------


def _validate_sarif(doc: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_is_valid_against_the_official_schema() -> None:
    doc = json.loads(rendered("sarif"))
    _validate_sarif(doc)
    _validate_sarif(json.loads(rendered("sarif", Report([], Summary(), [], []))))


def test_sarif_content() -> None:
    report = tricky_report()
    doc = json.loads(rendered("sarif", report))
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pgarch-lint"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    # every rule that ran, even without findings, plus the unknown one that reported
    assert ids == [RULE_A, RULE_B, "ban-drop-table", "acme/custom-rule"]
    rules = rules_by_name()
    ra = driver["rules"][0]
    assert ra["shortDescription"]["text"] == rules[RULE_A].summary
    assert ra["fullDescription"]["text"] == rules[RULE_A].rationale
    assert ra["help"]["markdown"] == rule_page(rules[RULE_A])
    assert ra["help"]["text"]
    assert ra["defaultConfiguration"]["level"] == "error"
    assert driver["rules"][1]["defaultConfiguration"]["level"] == "warning"

    results = run["results"]
    assert len(results) == len(report.findings)
    for res, f in zip(results, report.findings, strict=True):
        assert res["ruleId"] == f.rule
        assert ids[res["ruleIndex"]] == f.rule
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity]
        assert res["message"]["text"].startswith(f.message)
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == f.line and region["startColumn"] == f.column
        assert region["endLine"] >= region["startLine"]
    loc1 = results[1]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc1 == {
        "uri": "migrations/dir%2C%20with%3Acolon/V2__na%C3%AFve%20100%25.sql",
        "uriBaseId": "%SRCROOT%",
    }
    assert results[4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "queries/win.sql"
    )
    assert results[1]["message"]["text"] == f"{TRICKY_MSG}\nhelp: {TRICKY_HELP}"
    fps = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(set(fps)) == len(fps), "duplicates must get distinct fingerprints"


def test_sarif_fingerprints_survive_line_moves() -> None:
    report = tricky_report()
    moved = replace(
        report,
        findings=[replace(f, line=f.line + 10, end_line=f.end_line + 10) for f in report.findings],
    )

    def fps(r: Report) -> list[dict[str, str]]:
        return [
            x["partialFingerprints"] for x in json.loads(rendered("sarif", r))["runs"][0]["results"]
        ]

    # the last finding has no fingerprint: its fallback key includes the line
    assert fps(report)[:4] == fps(moved)[:4]


def test_sarif_absolute_path_is_a_file_uri() -> None:
    report = Report([_finding(path="/abs/dir/x y.sql")], Summary(), [], [])
    doc = json.loads(rendered("sarif", report))
    loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "file:///abs/dir/x%20y.sql"}
    _validate_sarif(doc)


# --- GitHub workflow commands ----------------------------------------------------------------


def _unescape(s: str) -> str:
    return (
        s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def test_github_annotations_escape_like_the_runner_expects() -> None:
    out = rendered("github")
    lines = out.splitlines()
    assert len(lines) == 6  # five annotations and a summary line
    assert lines[0] == (
        "::error file=migrations/0002_idx.sql,line=3,col=5,endLine=3,endColumn=11,"
        f"title={RULE_A}::plain message%0Ahelp: plain help"
    )
    assert lines[2].startswith("::warning ") and lines[4].startswith("::notice ")
    tricky = lines[1]
    m = re.fullmatch(r"::error ([^:]*)::(.*)", tricky)
    assert m, tricky
    props = dict(p.split("=", 1) for p in m.group(1).split(","))
    assert _unescape(props["file"]) == TRICKY_PATH
    assert props["file"] == "migrations/dir%2C with%3Acolon/V2__naïve 100%25.sql"
    assert (props["line"], props["col"], props["endLine"], props["endColumn"]) == (
        "7",
        "2",
        "9",
        "1",
    )
    assert "\n" not in m.group(2) and "\r" not in m.group(2)
    assert _unescape(m.group(2)) == f"{TRICKY_MSG}\nhelp: {TRICKY_HELP}"
    assert "%0D%0A" in m.group(2)
    assert "file=queries/win.sql" in lines[4]  # forward slashes
    assert lines[5].startswith("pgarch-lint: 5 findings")


def test_github_property_escaping_of_rule_and_message() -> None:
    f = _finding(rule="pack/a:b,c", message="100% a,b: c", help="")
    assert annotation(f).endswith(",title=pack/a%3Ab%2Cc::100%25 a,b: c")


def test_github_quiet_prints_only_the_summary() -> None:
    assert rendered("github", quiet=True).count("\n") == 1


# --- GitLab Code Quality ---------------------------------------------------------------------


def test_gitlab_code_quality() -> None:
    report = tricky_report()
    issues = json.loads(rendered("gitlab", report))
    assert isinstance(issues, list) and len(issues) == len(report.findings)
    assert [i["severity"] for i in issues] == ["major", "major", "minor", "minor", "info"]
    for i, f in zip(issues, report.findings, strict=True):
        assert set(i) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert i["check_name"] == f.rule
        assert i["location"]["lines"]["begin"] == f.line
        assert re.fullmatch(r"[0-9a-f]{32}", i["fingerprint"])
    assert issues[1]["location"]["path"] == TRICKY_PATH
    assert issues[4]["location"]["path"] == "queries/win.sql"
    assert issues[1]["description"].startswith(TRICKY_MSG)
    fps = [i["fingerprint"] for i in issues]
    assert len(set(fps)) == len(fps)
    moved = replace(report, findings=[replace(f, line=f.line + 3) for f in report.findings])
    assert [i["fingerprint"] for i in json.loads(rendered("gitlab", moved))][:4] == fps[:4]


# --- JUnit -----------------------------------------------------------------------------------


def test_junit_xml() -> None:
    report = tricky_report()
    bad = replace(report.findings[0], message="ctrl \x1b[31m \x00 char")
    report = replace(report, findings=[bad, *report.findings[1:]])
    text = rendered("junit", report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == report.checked_paths
    assert suite.get("tests") == "4" and suite.get("failures") == "3"
    assert cases["migrations/0001_init.sql"].findall("failure") == []  # passing file
    tricky = cases[TRICKY_PATH].findall("failure")
    assert len(tricky) == 3
    assert tricky[0].get("message") == f"{RULE_A}: {TRICKY_MSG}"
    assert tricky[0].get("type") == "error"
    help_lf = TRICKY_HELP.replace("\r\n", "\n")
    assert tricky[0].text == f"7:2 error[{RULE_A}] {TRICKY_MSG}\nhelp: {help_lf}"
    first = cases["migrations/0002_idx.sql"].findall("failure")[0]
    assert first.get("message") == f"{RULE_A}: ctrl \ufffd[31m \ufffd char"


def test_junit_reports_findings_of_unlisted_paths() -> None:
    report = Report([_finding(path="<stdin>")], Summary(), [], [])
    root = ET.fromstring(rendered("junit", report))
    assert [c.get("name") for c in root.iter("testcase")] == ["<stdin>"]


# --- Markdown --------------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    """Split a GFM table row on unescaped pipes."""
    assert row.startswith("|") and row.endswith("|"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[1:-1])]


def test_markdown_tables_and_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGARCH_LINT_DOCS_URL", raising=False)
    out = rendered("markdown")
    lines = out.splitlines()
    assert lines[0] == "## pgarch-lint"
    assert _cells(lines[4]) == ["3", "9", "5", "2", "2", "1"]
    rows = [ln for ln in lines if re.match(r"\| \d+:\d+ \|", ln)]
    assert len(rows) == 5
    for row in rows:
        assert len(_cells(row)) == 5, row
        assert "\n" not in row
    tricky = _cells(rows[1])
    assert tricky[0] == "7:2"
    assert tricky[2] == f"[{RULE_A}](docs/rules/{RULE_A}.md)"
    # the table pipe inside the message and inside a code span are escaped; the code span stays
    assert tricky[3].startswith('table "a\\|b" \\<x\\> \\& `y` 50% done: yes, no<br>second line ü')
    assert "`SET lock_timeout = '5s';`" in tricky[4]
    assert "`a\\|b`" in tricky[4]
    assert "\\` unmatched" in tricky[4]
    assert "\\[link\\](y)" in tricky[4] and "\\_x\\_" in tricky[4] and "\\*" in tricky[4]
    assert "### migrations/dir, with:colon/V2\\_\\_naïve 100%.sql (3 findings)" in lines
    custom = _cells(rows[4])
    assert custom[2] == "acme/custom-rule"  # third-party rules have no page here


def test_markdown_absolute_docs_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGARCH_LINT_DOCS_URL", "https://example.org/pgarch/docs/rules/")
    out = rendered("markdown")
    assert f"[{RULE_A}](https://example.org/pgarch/docs/rules/{RULE_A}.md)" in out


def test_markdown_no_findings_and_statistics() -> None:
    assert "No findings." in rendered("markdown", Report([], Summary(files=2), [], []))
    stats = rendered("markdown", statistics=True, quiet=True)
    assert f"| [{RULE_B}](docs/rules/{RULE_B}.md) | warning | 2 |" in stats
    assert "###" not in stats


# --- text --statistics and the CLI end to end ------------------------------------------------


def test_text_statistics() -> None:
    out = rendered("text", statistics=True)
    lines = out.splitlines()
    assert re.fullmatch(rf"\s+2\s+error\s+{RULE_A}", lines[0])
    assert re.fullmatch(rf"\s+2\s+warning\s+{RULE_B}", lines[1])
    assert lines[-1].startswith("5 findings")
    assert "help:" not in out


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "0001_init.sql").write_text(
        "CREATE TABLE orders (id bigint CONSTRAINT pk_orders PRIMARY KEY, customer_id bigint);\n",
        encoding="utf-8",
    )
    (mig / "0002_idx.sql").write_text(
        "SET lock_timeout = '2s';\nCREATE INDEX ix_orders__customer_id ON orders (customer_id);\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_every_format(project: Path, fmt: str) -> None:
    res = CliRunner().invoke(main, ["check", "--select", SELECT, "--format", fmt, "migrations"])
    assert res.exit_code == 1, res.output
    out = res.stdout
    assert "require-concurrent-index-creation" in out
    if fmt == "sarif":
        doc = json.loads(out)
        _validate_sarif(doc)
        ids = {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
        assert "ban-drop-table" in ids  # rules without findings are listed too
    elif fmt == "junit":
        root = ET.fromstring(out)
        assert [c.get("name") for c in root.iter("testcase")] == [
            "migrations/0001_init.sql",
            "migrations/0002_idx.sql",
        ]
        assert len(list(root.iter("failure"))) == 1
    elif fmt in ("json", "gitlab"):
        json.loads(out)


def test_cli_statistics_option(project: Path) -> None:
    res = CliRunner().invoke(main, ["check", "--select", SELECT, "--statistics", "migrations"])
    assert res.exit_code == 1
    first = res.stdout.splitlines()[0]
    assert re.fullmatch(r"\s+1\s+error\s+require-concurrent-index-creation", first)
