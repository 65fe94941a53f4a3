"""The human format: ``path:line:col: severity[rule] message``, the line, a caret, help."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from pgarch_lint.findings import SEVERITIES, Report

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(report: Report, out: TextIO, *, color: bool = False, quiet: bool = False,
           statistics: bool = False) -> None:
    def c(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if color else s

    if statistics:
        counts = Counter((f.rule, f.severity) for f in report.findings)
        for (rule, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out.write(f"{n:>6}  {c(_COLORS[sev], sev):<8}  {rule}\n")
    elif not quiet:
        for f in report.findings:
            head = f"{c(_BOLD, f'{f.path}:{f.line}:{f.column}:')} {c(_COLORS[f.severity], f.severity)}[{f.rule}] {f.message}"
            out.write(head + "\n")
            if f.source_line.strip():
                line = f.source_line.replace("\t", " ").rstrip()
                gutter = f"{f.line:>5} | "
                out.write(c(_DIM, gutter) + line + "\n")
                width = (f.end_column - f.column) if f.end_line == f.line else len(line) - f.column + 1
                width = max(1, min(width, max(1, len(line) - f.column + 1)))
                out.write(" " * (len(gutter) + f.column - 1) + c(_COLORS[f.severity], "^" * width) + "\n")
            if f.help:
                out.write(f"{c(_BOLD, '  help:')} {f.help}\n")
            out.write("\n")
    s = report.summary
    parts = [f"{s.by_severity[k]} {k}{'s' if s.by_severity[k] != 1 and k != 'info' else ''}" for k in SEVERITIES]
    total = s.findings
    noun = "finding" if total == 1 else "findings"
    files = "file" if s.files == 1 else "files"
    out.write(
        f"{total} {noun} ({', '.join(parts)}) in {s.files} {files}, {s.statements} statements\n"
    )
