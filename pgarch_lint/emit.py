"""From what a rule yields to what the run reports: a :class:`Violation` becomes a
:class:`Finding`.

The engine stamps the rule's identity on each violation here, so a rule cannot misreport who it
is: :class:`FindingMaker` places the violation in the file (:func:`place`), drops it when a
suppression comment covers it, fingerprints it and gives it its severity (the user's
``[severity]`` for the rule, else the violation's own, else the rule's default).
"""

from __future__ import annotations

from collections.abc import Iterable

from pgarch_lint.api import Context, Fix, RuleLike, Severity, Violation
from pgarch_lint.config import Settings, effective_severity
from pgarch_lint.findings import Finding, FindingFix, Position, TextEdit, fingerprint
from pgarch_lint.source import SourceFile
from pgarch_lint.spans import token_end
from pgarch_lint.suppress import Suppressions

__all__ = ["UNUSED_SUPPRESSION_RULE", "FindingMaker", "place"]

UNUSED_SUPPRESSION_RULE = "unused-suppression"  # reports suppressions: never suppressed itself


def place(v: Violation, ctx: Context, text: str) -> tuple[int, int, int]:
    """Where a violation lies in the file's ``text``: ``(start, end, anchor)``.

    ``anchor`` is the start of the statement it belongs to (suppression comments cover
    statements). A violation gives its place as ``at`` (a statement the catalog recorded: its
    first line) with or without ``start``/``end`` inside it, as offsets alone, or as a node
    (the statement's root when none).
    """
    if v.at is not None and v.start is not None:
        # a place inside the statement at ``at`` (a whole-schema rule judging what the
        # statement declared): positioned there, anchored and fingerprinted as the statement
        start = v.start
        end = v.end if v.end is not None else token_end(text, start)
        return start, end, v.at.start
    if v.at is not None:
        start = v.at.start
        return start, start + len(text[start : v.at.end].split("\n", 1)[0]), start
    if v.start is not None:
        start = v.start
        end = v.end if v.end is not None else token_end(text, start)
        return start, end, start
    node = v.node if v.node is not None else (ctx.statement.node if ctx.statement else None)
    start, end = ctx.span(node) if node is not None else (0, 0)
    anchor = ctx.statement.start if ctx.statement is not None else start
    return start, end, anchor


def _statement_text(v: Violation, ctx: Context, text: str, anchor: int, end: int) -> str:
    """The normalised statement text a finding's fingerprint is made of (none for a redacted
    finding: the statement holds a secret)."""
    if v.redact:
        return ""
    if ctx.statement is not None and v.at is None:
        return ctx.statement_key()  # normalised once per statement
    if v.at is not None and v.start is not None:
        return " ".join(text[v.at.start : v.at.end].split())
    return " ".join(text[anchor : max(end, anchor)].split())


class FindingMaker:
    """Makes the findings of one run: knows each rule's effective severity."""

    __slots__ = ("_fixed", "_severity")

    def __init__(self, rules: Iterable[RuleLike], settings: Settings) -> None:
        self._severity = {r.qualified_name: effective_severity(r, settings).value for r in rules}
        # rules whose severity the user set: a finding's own severity does not apply to them
        self._fixed = frozenset(n for n in self._severity if n in settings.severity)

    def make(
        self,
        rule: RuleLike,
        v: Violation,
        ctx: Context,
        src: SourceFile,
        suppressions: Suppressions,
        fp_path: str,
    ) -> Finding | None:
        """The finding for ``v``, found by ``rule`` in ``src``; None when a suppression
        comment covers it. ``fp_path`` is the file's path as fingerprints name it (relative
        to the config root: independent of the working directory)."""
        name = rule.qualified_name
        start, end, anchor = place(v, ctx, src.text)
        if name != UNUSED_SUPPRESSION_RULE and (
            suppressions.suppresses(name, anchor) or suppressions.suppresses(name, start)
        ):
            return None
        line, col = src.position(start)
        eline, ecol = src.position(max(end, start))
        stmt_text = _statement_text(v, ctx, src.text, anchor, end)
        severity = self._severity[name]
        if v.severity is not None and name not in self._fixed:
            severity = Severity(v.severity).value
        return Finding(
            rule=name,
            category=rule.category.value,
            severity=severity,
            path=src.path,
            line=line,
            column=col,
            end_line=eline,
            end_column=ecol,
            message=v.message,
            help=v.help or rule.fix,
            source_line="" if v.redact else src.line_text(line),
            fingerprint=fingerprint(name, fp_path, stmt_text, v.message),
            fix=finding_fix(v.fix, src) if v.fix is not None else None,
        )


def finding_fix(fix: Fix, src: SourceFile) -> FindingFix | None:
    """A rule's fix as edits of the file's text: positions added, ``\\n`` in the new text
    written as the file's line ending. None when the edits do not fit the file (outside the
    text, reversed, or overlapping each other): a fix that cannot be applied is not offered."""
    n = len(src.text)
    edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
    last = -1
    for e in edits:
        if not 0 <= e.start <= e.end <= n or e.start < last:
            return None
        last = e.end
    crlf = src.crlf
    out = []
    for e in edits:
        content = e.content.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else e.content
        out.append(TextEdit(_position(src, e.start), _position(src, e.end), content))
    return FindingFix(fix.title, fix.applicability.value, tuple(out))


def _position(src: SourceFile, offset: int) -> Position:
    line, column = src.position(offset)
    return Position(line, column, offset)
