"""The human format: ``path:line:col: severity[rule] message``, the line, a caret, help."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from pgarch_lint.findings import SEVERITIES, Report, fix_line

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


MAX_SHOWN = 160  # characters of a source line shown around the finding


def _window(line: str, column: int) -> tuple[str, int]:
    """At most MAX_SHOWN characters of ``line`` around ``column`` (minified SQL has megabyte
    lines), with ``...`` where it was cut; returns the text and the column within it."""
    if len(line) <= MAX_SHOWN:
        return line, column
    start = max(0, min(column - 1 - MAX_SHOWN // 4, len(line) - MAX_SHOWN))
    text = line[start : start + MAX_SHOWN]
    col = column - start
    if start > 0:
        text, col = "..." + text, col + 3
    if start + MAX_SHOWN < len(line):
        text += "..."
    return text, col


def render(
    report: Report,
    out: TextIO,
    *,
    color: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> None:
    def c(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if color else s

    if statistics:
        counts = Counter((f.rule, f.severity) for f in report.findings)
        for (rule, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out.write(f"{n:>6}  {c(_COLORS[sev], sev):<8}  {rule}\n")
    elif not quiet:
        for f in report.findings:
            mark = "[*] " if f.fix is not None else ""
            head = f"{c(_BOLD, f'{f.path}:{f.line}:{f.column}:')} {c(_COLORS[f.severity], f.severity)}[{f.rule}] {mark}{f.message}"
            out.write(head + "\n")
            if f.source_line.strip():
                line, col = _window(f.source_line.replace("\t", " ").rstrip(), f.column)
                gutter = f"{f.line:>5} | "
                out.write(c(_DIM, gutter) + line + "\n")
                width = (f.end_column - f.column) if f.end_line == f.line else len(line) - col + 1
                width = max(1, min(width, max(1, len(line) - col + 1)))
                out.write(
                    " " * (len(gutter) + col - 1) + c(_COLORS[f.severity], "^" * width) + "\n"
                )
            if f.help:
                out.write(f"{c(_BOLD, '  help:')} {f.help}\n")
            if f.fix is not None:
                out.write(f"{c(_BOLD, '  fix:')} {f.fix.title} ({f.fix.applicability})\n")
            out.write("\n")
    s = report.summary
    parts = [
        f"{s.by_severity[k]} {k}{'s' if s.by_severity[k] != 1 and k != 'info' else ''}"
        for k in SEVERITIES
    ]
    total = s.findings
    noun = "finding" if total == 1 else "findings"
    files = "file" if s.files == 1 else "files"
    out.write(
        f"{total} {noun} ({', '.join(parts)}) in {s.files} {files}, {s.statements} "
        f"statement{'' if s.statements == 1 else 's'}\n"
    )
    line = fix_line(report)
    if line:
        out.write(line + "\n")
