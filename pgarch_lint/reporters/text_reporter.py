"""The human format: ``path:line:col: severity[rule] message``, the line, a caret, help."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from pgarch_lint.findings import Report, fix_line, plural, severity_counts

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


MAX_SHOWN = 160  # characters of a source line shown around the finding


def printable(text: str) -> str:
    """``text`` with control characters (a binary or mis-encoded file's bytes, an escape in
    an identifier) written as ``\\xNN`` / ``\\uNNNN``: nothing raw reaches the terminal."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
        for ch in text
    )


def _frame(source_line: str, column: int, width: int) -> tuple[str, int, int]:
    """The source line as shown (tabs as spaces, control characters escaped) and the
    caret's column and width in it."""
    raw = source_line.replace("\t", " ").rstrip()
    before = printable(raw[: column - 1])
    marked = printable(raw[column - 1 : column - 1 + width])
    return before + marked + printable(raw[column - 1 + width :]), len(before) + 1, len(marked)


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
            head = f"{c(_BOLD, f'{printable(f.path)}:{f.line}:{f.column}:')} {c(_COLORS[f.severity], f.severity)}[{f.rule}] {mark}{printable(f.message)}"
            out.write(head + "\n")
            if f.source_line.strip():
                span = (f.end_column - f.column) if f.end_line == f.line else len(f.source_line)
                shown, column, span = _frame(f.source_line, f.column, max(span, 1))
                line, col = _window(shown, column)
                gutter = f"{f.line:>5} | "
                out.write(c(_DIM, gutter) + line + "\n")
                width = max(1, min(span, max(1, len(line) - col + 1)))
                out.write(
                    " " * (len(gutter) + col - 1) + c(_COLORS[f.severity], "^" * width) + "\n"
                )
            if f.help:
                # continuation lines under the first, keeping their own indentation
                body = f.help.replace("\n", "\n" + " " * 8)
                out.write(f"{c(_BOLD, '  help:')} {body}\n")
            if f.fix is not None:
                out.write(f"{c(_BOLD, '  fix:')} {f.fix.title} ({f.fix.applicability})\n")
            out.write("\n")
    s = report.summary
    out.write(
        f"{plural(s.findings, 'finding')} ({severity_counts(s)}) in {plural(s.files, 'file')}, "
        f"{plural(s.statements, 'statement')}\n"
    )
    line = fix_line(report)
    if line:
        out.write(line + "\n")
