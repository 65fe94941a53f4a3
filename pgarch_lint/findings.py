"""Findings: what the engine reports and every reporter prints. No AST in here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgarch_lint.api import RuleLike


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a file: 1-based line and column (characters), and the character offset
    from the start of the file's text (after a byte-order mark)."""

    line: int
    column: int
    offset: int


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text from ``start`` to ``end`` (exclusive) with ``content``, written with
    the file's own line endings."""

    start: Position
    end: Position
    content: str


@dataclass(frozen=True, slots=True)
class FindingFix:
    """A finding's fix as reporters and ``--fix`` see it: edits of the file's text."""

    title: str
    applicability: str  # "safe" | "unsafe"
    edits: tuple[TextEdit, ...]

    @property
    def safe(self) -> bool:
        return self.applicability == "safe"


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding, as every reporter prints it (1-based lines and columns)."""

    rule: str
    category: str
    severity: str  # "error" | "warning" | "info"
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    help: str
    source_line: str = ""  # the offending line, for the text reporter
    fingerprint: str = ""  # stable across line moves: rule + path + normalised statement text
    fix: FindingFix | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


SEVERITIES = ("error", "warning", "info")


@dataclass(slots=True)
class Summary:
    """Counts for the summary line: files, statements, findings per severity."""

    files: int = 0
    statements: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())


@dataclass(slots=True)
class Report:
    """What a run produced: findings in report order, the summary, the rules and the notes."""

    findings: list[Finding]
    summary: Summary
    rules: list[RuleLike] = field(default_factory=list)  # the rules that ran (for SARIF etc.)
    checked_paths: list[str] = field(default_factory=list)  # checked (not context) files, in order
    notes: list[str] = field(default_factory=list)  # `path:line:col: note[rule] ...` (--verbose)
    unparsable: frozenset[str] = frozenset()  # files with a statement that does not parse
    fixes: FixSummary | None = None  # what --fix / --diff did (None: not asked)


@dataclass(frozen=True, slots=True)
class FixSummary:
    """What a fixing run did: fixes applied, and how many of the remaining findings only
    ``--unsafe-fixes`` would fix. ``dry_run``: ``--diff`` (nothing written)."""

    applied: int
    unsafe_available: int
    dry_run: bool = False


def plural(count: int, noun: str, many: str = "") -> str:
    """``1 warning``, ``3 errors``, ``2 fixes`` (``many``: an irregular plural); ``info``
    has none."""
    if count == 1 or noun == "info":
        return f"{count} {noun}"
    return f"{count} {many or noun + 's'}"


def severity_counts(summary: Summary) -> str:
    """``1 error, 2 warnings, 0 info``."""
    return ", ".join(plural(summary.by_severity[k], k) for k in SEVERITIES)


_n = plural


def fix_line(report: Report) -> str:
    """The summary's sentence about fixes ("" when there is nothing to say)."""
    safe = sum(1 for f in report.findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in report.findings if f.fix is not None and not f.fix.safe)
    done = report.fixes
    if done is None:
        if not safe and not unsafe:
            return ""
        if not safe:
            return f"{_n(unsafe, 'finding')} fixable with --unsafe-fixes (preview: --diff --unsafe-fixes)."
        parts = [f"{_n(safe, 'finding')} fixable with --fix"]
        if unsafe:
            parts.append(f"{unsafe} more with --unsafe-fixes")
        return "; ".join(parts) + "."
    verb = "Would apply" if done.dry_run else "Applied"
    left = len(report.findings)
    out = f"{verb} {_n(done.applied, 'fix', 'fixes')}; {_n(left, 'finding')} {'remains' if left == 1 else 'remain'}"
    if done.unsafe_available:
        out += f" ({done.unsafe_available} more fixable with --unsafe-fixes)"
    return out + "."


def fingerprint(rule: str, path: str, statement: str, message: str) -> str:
    """A finding's stable identity: a hash of its rule, its file's path, the normalised text
    of its statement and its message, so that it survives line moves and reformatting."""
    # here, not at import: a clean run never pays for it; the builtin module, as hashlib
    # would load OpenSSL first (~2.5 ms, more than hashing a whole history's findings)
    try:
        from _sha1 import sha1
    except ImportError:  # pragma: no cover - not CPython
        from hashlib import sha1

    key = f"{rule}\0{path}\0{statement}\0{message}"
    # backslashreplace: paths from non-UTF-8 file names carry surrogates
    return sha1(key.encode("utf-8", "backslashreplace")).hexdigest()[:16]
