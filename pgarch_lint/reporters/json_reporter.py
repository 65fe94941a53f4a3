"""The machine format; its shape is pinned by ``pgarch_lint/schemas/report.schema.json``."""

from __future__ import annotations

import json
from typing import Any, TextIO  # Any: JSON documents

from pgarch_lint import __version__
from pgarch_lint.findings import Finding, FindingFix, Report

FIELDS = (
    "rule",
    "category",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "help",
    "fingerprint",
)


def finding_dict(f: Finding) -> dict[str, Any]:
    out = {k: getattr(f, k) for k in FIELDS}
    out["fix"] = None if f.fix is None else fix_dict(f.fix)
    return out


def fix_dict(fix: FindingFix) -> dict[str, Any]:
    return {
        "title": fix.title,
        "applicability": fix.applicability,
        "edits": [
            {
                "start": {"line": e.start.line, "column": e.start.column, "offset": e.start.offset},
                "end": {"line": e.end.line, "column": e.end.column, "offset": e.end.offset},
                "content": e.content,
            }
            for e in fix.edits
        ],
    }


def to_dict(report: Report) -> dict[str, Any]:
    s = report.summary
    return {
        "version": __version__,
        "findings": [finding_dict(f) for f in report.findings],
        "summary": {
            "files": s.files,
            "statements": s.statements,
            "findings": s.findings,
            "errors": s.by_severity["error"],
            "warnings": s.by_severity["warning"],
            "infos": s.by_severity["info"],
            **({"fixes_applied": report.fixes.applied} if report.fixes is not None else {}),
        },
    }


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    json.dump(to_dict(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
