"""Suppression comments, and the file directive about transactions.

``-- pgarch-lint: ignore[rule-a, rule-b] reason`` applies to the statement that contains the
comment (a trailing comment counts) or else to the next statement that starts after it;
``-- pgarch-lint: ignore-file[...]`` covers the whole file; a bare ``ignore`` (no list) covers
every rule. squawk's ``-- squawk-ignore a, b`` and ``-- squawk-ignore-file`` are honoured too.

``-- pgarch-lint: no-assume-in-transaction`` (or ``assume-in-transaction``), anywhere in a
comment of the file, replaces the ``assume-in-transaction`` setting for that file, as squawk's
``-- squawk-disable-assume-in-transaction`` (``-enable-``) does: see
:func:`transaction_directive`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_OURS = re.compile(
    r"pgarch-lint:\s*(?P<kind>ignore-file|ignore)\b(?:\s*\[(?P<names>[^\]]*)\])?", re.IGNORECASE
)
_SQUAWK = re.compile(
    r"squawk-(?P<kind>ignore-file|ignore)\b(?P<names>(?:\s+[\w/-]+(?:\s*,\s*[\w/-]+)*)?)",
    re.IGNORECASE,
)


_OURS_TX = re.compile(r"pgarch-lint:\s*(?P<no>no-)?assume-in-transaction\b", re.IGNORECASE)
_SQUAWK_TX = {
    "squawk-disable-assume-in-transaction": False,
    "squawk-enable-assume-in-transaction": True,
}


@dataclass(slots=True)
class Directive:
    """A suppression comment and the statement span it covers."""

    start: int
    end: int
    file_wide: bool
    names: tuple[str, ...]  # empty: every rule
    squawk: bool
    target: tuple[int, int] | None = None  # the statement span it covers
    used: bool = False
    # text after ``ignore-file`` that is not a rule list: the directive suppresses nothing
    # (a bare ``ignore-file`` followed by words must not silently cover every rule)
    malformed: str | None = None


@dataclass(slots=True)
class Suppressions:
    """A file's suppression comments."""

    directives: list[Directive] = field(default_factory=list)
    # built on first use: file-wide directives, and statement-scoped ones sorted by the start
    # of their statement with the running maximum of the ends (so that a look-up is a bisect,
    # not a scan of every directive for every finding)
    _wide: list[Directive] | None = None
    _starts: list[int] = field(default_factory=list)
    _max_end: list[int] = field(default_factory=list)
    _scoped: list[Directive] = field(default_factory=list)

    def _index(self) -> list[Directive]:
        live = [d for d in self.directives if d.malformed is None]
        wide = [d for d in live if d.file_wide]
        scoped = sorted(
            (d for d in live if not d.file_wide and d.target is not None),
            key=lambda d: d.target[0] if d.target is not None else 0,
        )
        self._scoped = scoped
        self._starts = [d.target[0] for d in scoped if d.target is not None]
        running = -1
        self._max_end = []
        for d in scoped:
            running = max(running, d.target[1] if d.target is not None else -1)
            self._max_end.append(running)
        self._wide = wide
        return wide

    def suppresses(self, rule: str, offset: int) -> bool:
        """Whether a directive covers ``rule`` at ``offset``; every such directive is marked
        used."""
        wide = self._wide if self._wide is not None else self._index()
        hit = False
        for d in wide:
            if not d.names or rule in d.names:
                d.used = True
                hit = True
        i = bisect.bisect_right(self._starts, offset) - 1
        while i >= 0 and self._max_end[i] >= offset:
            d = self._scoped[i]
            if d.target is not None and d.target[1] >= offset and (not d.names or rule in d.names):
                d.used = True
                hit = True
            i -= 1
        return hit


def _body(text: str) -> str:
    """A comment's text without its ``--`` or ``/* */``."""
    return text[2:] if text.startswith("--") else text[2:-2] if text.startswith("/*") else text


def transaction_directive(comments: Sequence[tuple[int, int, str]]) -> bool | None:
    """Whether the file's comments say the runner wraps it in a transaction: False for
    ``pgarch-lint: no-assume-in-transaction`` or squawk's
    ``squawk-disable-assume-in-transaction``, True for ``pgarch-lint: assume-in-transaction``
    or ``squawk-enable-assume-in-transaction``; None when no comment says.

    Ours may stand anywhere in a ``--`` or ``/* */`` comment, followed by a reason; squawk's
    must be the comment's whole text (blanks, and anything after a second ``--``, aside), as
    squawk reads it. Our directive wins over squawk's; of several of one kind, the first one
    counts. Comments in strings and dollar-quoted bodies are not comments.
    """
    squawk: bool | None = None
    for _, _, text in comments:
        body = _body(text)
        m = _OURS_TX.search(body)
        if m is not None:
            return m.group("no") is None
        if squawk is None:
            words = body.strip()
            cut = words.find("--")
            squawk = _SQUAWK_TX.get(words[:cut].rstrip() if cut >= 0 else words)
    return squawk


def parse_directives(comments: Sequence[tuple[int, int, str]]) -> list[Directive]:
    out = []
    for start, end, text in comments:
        body = _body(text)
        m = _OURS.search(body)
        squawk = False
        if m is None:
            m = _SQUAWK.search(body)
            squawk = m is not None
        if m is None:
            continue
        names_raw = m.group("names") or ""
        names = tuple(n.strip() for n in names_raw.split(",") if n.strip())
        file_wide = m.group("kind").lower() == "ignore-file"
        malformed = None
        if file_wide and not squawk and m.group("names") is None:
            rest = body[m.end() :].strip()
            if rest and not rest.startswith("--"):
                malformed = rest
        out.append(Directive(start, end, file_wide, names, squawk, malformed=malformed))
    return out


def resolve_aliases(directives: list[Directive], aliases: Mapping[str, tuple[str, ...]]) -> None:
    """Replace every alias a directive names by the rules it stands for (``squawk-ignore
    prefer-timestamp-tz`` suppresses ``prefer-timestamptz``); other names stay as written."""
    for d in directives:
        if any(n in aliases for n in d.names):
            d.names = tuple(dict.fromkeys(t for n in d.names for t in aliases.get(n, (n,))))


def attach(
    directives: list[Directive], spans: Sequence[tuple[int, int]], text: str
) -> Suppressions:
    """Give every statement-scoped directive the statement span it covers."""
    starts = [s for s, _ in spans]
    for d in directives:
        if d.file_wide:
            continue
        i = bisect.bisect_right(starts, d.start) - 1
        if i >= 0 and spans[i][0] <= d.start < spans[i][1]:
            d.target = spans[i]  # inside the statement
            continue
        if (
            i >= 0
            and "\n" not in text[spans[i][1] : d.start]
            and "\r" not in text[spans[i][1] : d.start]
        ):
            d.target = spans[i]  # trailing comment on the statement's last line
            continue
        if i + 1 < len(spans):
            d.target = spans[i + 1]  # the next statement
    return Suppressions(directives)
