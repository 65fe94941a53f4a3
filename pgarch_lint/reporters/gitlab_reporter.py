"""GitLab Code Quality: a JSON array of issues (a subset of the Code Climate format).

Severity mapping: info → ``info``, warning → ``minor``, error → ``major``. ``critical`` and
``blocker`` are not used: a migration finding blocks a merge through the exit code, not
through GitLab's severity. Each fingerprint is an MD5 of the finding's own fingerprint (which
ignores line moves) plus its occurrence number, so it is stable across commits and unique.
"""

from __future__ import annotations

import json
from typing import Any, TextIO  # Any: JSON documents

from pgarch_lint.findings import Report
from pgarch_lint.reporters import unique_id, with_occurrence

SEVERITY = {"info": "info", "warning": "minor", "error": "major"}


def to_issues(report: Report) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    for f, occurrence in with_occurrence(report.findings):
        description = f.message if not f.help else f"{f.message} (help: {f.help})"
        issues.append(
            {
                "type": "issue",
                "description": description,
                "check_name": f.rule,
                "fingerprint": unique_id(f, occurrence),
                "severity": SEVERITY[f.severity],
                "location": {
                    "path": f.path.replace("\\", "/"),
                    "lines": {"begin": f.line, "end": max(f.line, f.end_line)},
                },
            }
        )
    return issues


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    json.dump(to_issues(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
