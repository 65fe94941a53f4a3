"""Suppression comments.

``-- pgarch-lint: ignore[rule-a, rule-b] reason`` applies to the statement that contains the
comment (a trailing comment counts) or else to the next statement that starts after it;
``-- pgarch-lint: ignore-file[...]`` covers the whole file; a bare ``ignore`` (no list) covers
every rule. squawk's ``-- squawk-ignore a, b`` and ``-- squawk-ignore-file`` are honoured too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_OURS = re.compile(
    r"pgarch-lint:\s*(?P<kind>ignore-file|ignore)\b(?:\s*\[(?P<names>[^\]]*)\])?", re.IGNORECASE
)
_SQUAWK = re.compile(
    r"squawk-(?P<kind>ignore-file|ignore)\b(?P<names>(?:\s+[\w/-]+(?:\s*,\s*[\w/-]+)*)?)",
    re.IGNORECASE,
)


#: squawk rule names whose pgarch-lint counterpart has another name (docs/migrating-from-squawk.md)
SQUAWK_ALIASES: dict[str, tuple[str, ...]] = {
    "prefer-timestamp-tz": ("prefer-timestamptz",),
    "ban-truncate-cascade": ("ban-truncate",),
    "unused-ignore": ("unused-suppression",),
    "prefer-bigint-over-smallint": ("prefer-bigint-over-int",),
    "prefer-repack": ("ban-vacuum-full-and-cluster",),
    "require-timeout-settings": ("require-lock-timeout", "require-statement-timeout"),
    "adding-serial-primary-key-field": ("adding-primary-key-constraint", "prefer-identity"),
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


@dataclass(slots=True)
class Suppressions:
    """A file's suppression comments."""

    directives: list[Directive] = field(default_factory=list)

    def suppresses(self, rule: str, offset: int) -> bool:
        hit = False
        for d in self.directives:
            if d.names and rule not in d.names:
                continue
            if d.file_wide or (d.target is not None and d.target[0] <= offset <= d.target[1]):
                d.used = True
                hit = True
        return hit


def parse_directives(comments: Sequence[tuple[int, int, str]]) -> list[Directive]:
    out = []
    for start, end, text in comments:
        body = text[2:] if text.startswith("--") else text[2:-2] if text.startswith("/*") else text
        m = _OURS.search(body)
        squawk = False
        if m is None:
            m = _SQUAWK.search(body)
            squawk = m is not None
        if m is None:
            continue
        names_raw = m.group("names") or ""
        names = tuple(n.strip() for n in names_raw.split(",") if n.strip())
        if squawk:
            names = tuple(a for n in names for a in SQUAWK_ALIASES.get(n, (n,)))
        out.append(Directive(start, end, m.group("kind").lower() == "ignore-file", names, squawk))
    return out


def attach(directives: list[Directive], spans: Sequence[tuple[int, int]], text: str) -> Suppressions:
    """Give every statement-scoped directive the statement span it covers."""
    starts = [s for s, _ in spans]
    for d in directives:
        if d.file_wide:
            continue
        i = bisect.bisect_right(starts, d.start) - 1
        if i >= 0 and spans[i][0] <= d.start < spans[i][1]:
            d.target = spans[i]  # inside the statement
            continue
        if i >= 0 and "\n" not in text[spans[i][1] : d.start] and "\r" not in text[spans[i][1] : d.start]:
            d.target = spans[i]  # trailing comment on the statement's last line
            continue
        if i + 1 < len(spans):
            d.target = spans[i + 1]  # the next statement
    return Suppressions(directives)
