"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

One run; ``tool.driver`` lists every rule that ran with its help page; each result points at
a repository-relative file (relative to the working directory, which should be the repository
root) with a 1-based region, and carries a ``partialFingerprints`` entry built from the
finding's fingerprint (which hashes the statement text, not its line), so code scanning keeps
tracking an alert when the code around it moves.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TextIO  # Any: JSON documents
from urllib.parse import quote

from pgarch_lint import __version__
from pgarch_lint.findings import Finding, FindingFix, Report
from pgarch_lint.reporters import finding_key, with_occurrence

if TYPE_CHECKING:
    from pgarch_lint.api import RuleLike

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/pgarch-lint/"
FINGERPRINT_KEY = "pgarchLintFingerprint/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
_WINDOWS_ABS = re.compile(r"^[A-Za-z]:/")


def artifact_location(path: str) -> dict[str, str]:
    """A relative path becomes a URI relative to %SRCROOT%; an absolute one a file: URI."""
    p = path.replace("\\", "/")
    if p.startswith("/") or _WINDOWS_ABS.match(p):
        prefix = "file://" if p.startswith("/") else "file:///"
        return {"uri": prefix + quote(p, safe="/:")}
    while p.startswith("./"):
        p = p[2:]
    return {"uri": quote(p, safe="/"), "uriBaseId": SRCROOT}


def _rule_descriptor(rule: RuleLike) -> dict[str, Any]:
    from pgarch_lint.docs import rule_page

    name = rule.qualified_name
    severity = rule.severity.value
    return {
        "id": name,
        "name": name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale or rule.summary},
        "help": {"text": rule.fix or rule.summary, "markdown": rule_page(rule)},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {
            "tags": [rule.category.value],
            "problem.severity": PROBLEM_SEVERITY[severity],
        },
    }


def _bare_descriptor(f: Finding) -> dict[str, Any]:
    """For a finding whose rule object is not in the report (should not happen in a real run)."""
    return {
        "id": f.rule,
        "name": f.rule,
        "shortDescription": {"text": f.rule},
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {"tags": [f.category]},
    }


def _region(f: Finding) -> dict[str, int]:
    line = max(1, f.line)
    col = max(1, f.column)
    end_line = max(line, f.end_line)
    end_col = max(1, f.end_column)
    if end_line == line:
        end_col = max(col, end_col)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def _fix(path: str, fix: FindingFix) -> dict[str, Any]:
    """A SARIF fix: one artifact change whose replacements are the fix's edits (regions in
    the run's columnKind, end column exclusive; an insertion deletes an empty region)."""
    replacements = [
        {
            "deletedRegion": {
                "startLine": e.start.line,
                "startColumn": e.start.column,
                "endLine": e.end.line,
                "endColumn": e.end.column,
            },
            "insertedContent": {"text": e.content},
        }
        for e in fix.edits
    ]
    return {
        "description": {"text": f"{fix.title} ({fix.applicability})"},
        "artifactChanges": [
            {"artifactLocation": artifact_location(path), "replacements": replacements}
        ],
    }


def to_sarif(report: Report) -> dict[str, Any]:
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for r in report.rules:
        name = getattr(r, "qualified_name", None)
        if name is None or name in index:
            continue
        index[name] = len(descriptors)
        descriptors.append(_rule_descriptor(r))
    results: list[dict[str, Any]] = []
    for f, occurrence in with_occurrence(report.findings):
        if f.rule not in index:
            index[f.rule] = len(descriptors)
            descriptors.append(_bare_descriptor(f))
        text = f.message if not f.help else f"{f.message}\nhelp: {f.help}"
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": LEVELS[f.severity],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(f.path),
                        "region": _region(f),
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: f"{finding_key(f)}:{occurrence}"},
        }
        if f.fix is not None:
            result["fixes"] = [_fix(f.path, f.fix)]
        results.append(result)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pgarch-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    json.dump(to_sarif(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
