"""One line per finding, for terminals and editors that parse lines:
``path:line:col: severity[rule] [*] message`` (``[*]`` when the finding has a fix), then the
summary line."""

from __future__ import annotations

from typing import TextIO

from pgarch_lint.findings import Report
from pgarch_lint.reporters import text_reporter


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    if statistics or quiet:
        text_reporter.render(report, out, color=color, quiet=quiet, statistics=statistics)
        return
    for f in report.findings:
        mark = "[*] " if f.fix is not None else ""
        message = text_reporter.printable(" ".join(f.message.split()))  # one line
        path = text_reporter.printable(f.path)
        out.write(f"{path}:{f.line}:{f.column}: {f.severity}[{f.rule}] {mark}{message}\n")
    text_reporter.render(report, out, color=color, quiet=True)
