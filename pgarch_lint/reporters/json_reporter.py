"""The machine format; its shape is pinned by ``pgarch_lint/schemas/report.schema.json``."""

from __future__ import annotations

import json
from typing import Any, TextIO  # Any: JSON documents

from pgarch_lint import __version__
from pgarch_lint.findings import Finding, Report

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
    return {k: getattr(f, k) for k in FIELDS}


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
