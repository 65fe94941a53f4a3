"""Findings: what the engine reports and every reporter prints. No AST in here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgarch_lint.api import RuleLike


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


def fingerprint(rule: str, path: str, statement: str, message: str) -> str:
    """A finding's stable identity: a hash of its rule, its file's path, the normalised text
    of its statement and its message, so that it survives line moves and reformatting."""
    import hashlib  # here, not at import: a clean run never pays for it

    key = f"{rule}\0{path}\0{statement}\0{message}"
    # backslashreplace: paths from non-UTF-8 file names carry surrogates
    return hashlib.sha1(key.encode("utf-8", "backslashreplace")).hexdigest()[:16]
