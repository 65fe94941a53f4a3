"""A pull-request comment: a summary table, then one section per file with its findings.

Rule names link to their documentation page: ``docs/rules/<rule>.md`` (relative, right for a
comment rendered in the repository that vendors the docs), or ``$PGARCH_LINT_DOCS_URL/<rule>.md``
when that environment variable holds an absolute base URL. Every piece of text that comes from
a finding is escaped, so ``|`` cannot break a table and backticks, ``*``, ``<`` or ``[`` cannot
start markup.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import TextIO
from urllib.parse import quote

from pgarch_lint.findings import SEVERITIES, Finding, Report
from pgarch_lint.reporters import rule_doc_link

DOCS_URL_ENV = "PGARCH_LINT_DOCS_URL"
ICONS = {"error": "🔴", "warning": "🟠", "info": "🔵"}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)


def _escape_plain(s: str) -> str:
    return _SPECIAL.sub(r"\\\1", s)


def _code_span(content: str) -> str:
    content = " ".join(content.split("\n")).replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def escape(s: str) -> str:
    """Text safe in one Markdown table cell.

    Balanced backtick code spans (rules write identifiers and SQL that way) stay code spans,
    with ``|`` escaped as GFM tables require; everything else has its Markdown punctuation
    backslash-escaped (an unmatched backtick included). Line breaks become ``<br>``.
    """
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    pos = 0
    for m in _CODE.finditer(s):
        parts.append(_escape_plain(s[pos : m.start()]))
        parts.append(_code_span(m.group(2)))
        pos = m.end()
    parts.append(_escape_plain(s[pos:]))
    return "<br>".join(line.strip() for line in "".join(parts).split("\n"))


def _rule_cell(rule: str, base: str | None) -> str:
    link = rule_doc_link(rule, base)
    if link is None:
        return escape(rule)
    return f"[{escape(rule)}]({quote(link, safe=':/#?=&%~')})"


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    base = os.environ.get(DOCS_URL_ENV) or None
    s = report.summary
    out.write("## pgarch-lint\n\n")
    out.write("| files | statements | findings | errors | warnings | info |\n")
    out.write("| ---: | ---: | ---: | ---: | ---: | ---: |\n")
    counts = " | ".join(str(s.by_severity[k]) for k in SEVERITIES)
    out.write(f"| {s.files} | {s.statements} | {s.findings} | {counts} |\n")
    if not report.findings:
        out.write("\nNo findings.\n")
        return
    if statistics:
        out.write("\n| rule | severity | count |\n| --- | --- | ---: |\n")
        by_rule = Counter((f.rule, f.severity) for f in report.findings)
        for (rule, sev), n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            out.write(f"| {_rule_cell(rule, base)} | {sev} | {n} |\n")
    if quiet:
        return
    by_path: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    for path, fs in by_path.items():
        noun = "finding" if len(fs) == 1 else "findings"
        out.write(f"\n### {escape(path)} ({len(fs)} {noun})\n\n")
        out.write("| line | severity | rule | message | help |\n")
        out.write("| ---: | --- | --- | --- | --- |\n")
        for f in fs:
            out.write(
                f"| {f.line}:{f.column} | {ICONS[f.severity]} {f.severity} | "
                f"{_rule_cell(f.rule, base)} | {escape(f.message)} | {escape(f.help)} |\n"
            )
