"""JUnit XML: one test suite, one test case per checked file, one failure per finding.

Files without findings are passing test cases (they come from ``Report.checked_paths``).
ElementTree does the escaping; characters XML 1.0 cannot carry at all (control characters)
are replaced by U+FFFD first, and CR LF / CR line breaks become LF.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from pgarch_lint.findings import Finding, Report

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(s: str) -> str:
    """Line breaks normalised to ``\\n`` (XML parsers do that to text anyway)."""
    return _NOT_XML.sub("\ufffd", s.replace("\r\n", "\n").replace("\r", "\n"))


def to_element(report: Report) -> ET.Element:
    by_path: dict[str, list[Finding]] = {p: [] for p in report.checked_paths}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    failures = sum(1 for fs in by_path.values() if fs)
    root = ET.Element(
        "testsuites",
        name="pgarch-lint",
        tests=str(len(by_path)),
        failures=str(failures),
        errors="0",
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name="pgarch-lint",
        tests=str(len(by_path)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for path, fs in by_path.items():
        case = ET.SubElement(suite, "testcase", name=xml_text(path), classname="pgarch-lint")
        for f in fs:
            fail = ET.SubElement(
                case,
                "failure",
                message=xml_text(f"{f.rule}: {f.message}"),
                type=f.severity,
            )
            text = f"{f.line}:{f.column} {f.severity}[{f.rule}] {f.message}"
            if f.help:
                text += f"\nhelp: {f.help}"
            fail.text = xml_text(text)
    return root


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    root = to_element(report)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
