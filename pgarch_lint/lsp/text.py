"""Offsets in a document's text and the positions LSP speaks.

An LSP position is a 0-based line and a column counted in code units of the encoding the
client and server agreed on at initialisation: UTF-16 unless the client offers another
(``general.positionEncodings``); UTF-8 and UTF-32 are the other two. A character beyond the
Basic Multilingual Plane (an emoji) is one character to Python and to pgarch-lint's findings,
two UTF-16 units and four UTF-8 bytes to the client.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n``, as the protocol says and as pgarch-lint's own
source layer splits them (``str.splitlines`` would also split at form feeds and U+2028).
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["UTF8", "UTF16", "UTF32", "TextIndex", "units"]

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"

_LINE_BREAK = re.compile(r"\r\n?|\n")


def units(s: str, encoding: str) -> int:
    """The length of ``s`` in code units of ``encoding`` (an unknown one counts as UTF-16,
    the protocol's default)."""
    if encoding == UTF32:
        return len(s)
    if encoding == UTF8:
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


class TextIndex:
    """A text's line starts: character offsets to LSP positions and back."""

    __slots__ = ("_ends", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends = []
        for m in _LINE_BREAK.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self._starts = starts
        self._ends = ends  # where each line's text ends (before its line break)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """The offset of 0-based ``line``'s first character (clamped to the text)."""
        return self._starts[min(max(line, 0), len(self._starts) - 1)]

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """The 0-based (line, column in code units) of a character offset. An offset inside
        a line break (between ``\\r`` and ``\\n``) is the end of its line."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        offset = min(offset, self._ends[line])
        return line, units(self.text[start:offset], encoding)

    def offset(self, line: int, column: int, encoding: str = UTF16) -> int:
        """The character offset of a 0-based LSP position. A line past the end is the end of
        the text; a column past the end of its line (or inside a character that takes two
        code units) is clamped to the line's end (or that character's start)."""
        if line >= len(self._starts):
            return len(self.text)
        line = max(line, 0)
        start, end = self._starts[line], self._ends[line]
        if encoding == UTF32:
            return min(start + max(column, 0), end)
        seen = 0
        for i in range(start, end):
            seen += units(self.text[i], encoding)
            if seen > column:
                return i
        return end
