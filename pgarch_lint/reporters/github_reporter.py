"""GitHub Actions workflow commands: one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::MESSAGE``; warnings use
``::warning`` and info ``::notice``. GitHub decodes ``%25``, ``%0D`` and ``%0A`` in the message,
and additionally ``%3A`` and ``%2C`` in property values, so those characters are encoded.
"""

from __future__ import annotations

from typing import TextIO

from pgarch_lint.findings import Finding, Report, plural, severity_counts

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    props = [
        ("file", f.path.replace("\\", "/")),
        ("line", str(f.line)),
        ("col", str(f.column)),
        ("endLine", str(max(f.line, f.end_line))),
        ("endColumn", str(f.end_column)),
        ("title", f.rule),
    ]
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    text = f.message if not f.help else f"{f.message}\nhelp: {f.help}"
    return f"::{COMMANDS[f.severity]} {head}::{escape_data(text)}"


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    if not quiet:
        for f in report.findings:
            out.write(annotation(f) + "\n")
    s = report.summary
    out.write(
        f"pgarch-lint: {plural(s.findings, 'finding')} ({severity_counts(s)}) in "
        f"{plural(s.files, 'file')}\n"
    )
