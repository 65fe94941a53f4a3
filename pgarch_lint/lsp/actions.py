"""The edits of the "ignore" code actions: suppression comments (see pgarch_lint/suppress.py).

- For a statement: ``-- pgarch-lint: ignore[<rule>]`` on a line of its own just above the
  statement's first token, indented like it (a comment applies to the next statement). When
  another statement ends on that line, the line is broken before the statement.
- For the file: ``-- pgarch-lint: ignore-file[<rule>]`` as the first line (after a byte-order
  mark), or the rule added to the file's first ``ignore-file[...]`` comment when it has one.

Edits are ``(start, end, new_text)`` in offsets of the editor's text; new lines use the
document's line ending.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pgarch_lint.source import SourceFile

__all__ = ["Edit", "ignore_file", "ignore_statement"]

Edit = tuple[int, int, str]

_OUR_FILE_DIRECTIVE = re.compile(r"pgarch-lint:\s*ignore-file\s*\[(?P<names>[^\]]*)\]", re.I)


def _source(text: str, bom: int) -> SourceFile:
    from pgarch_lint.source import load_source

    return load_source(text[bom:].encode("utf-8", "replace"), "document.sql")


def _eol(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def ignore_statement(text: str, bom: int, offset: int, rule: str) -> Edit | None:
    """The edit that suppresses ``rule`` for the statement at ``offset`` (an offset of
    ``text``); None when no statement lies there (a finding about the file as a whole)."""
    src = _source(text, bom)
    off = offset - bom
    chunks = src.chunks
    i = bisect_right([c.start for c in chunks], off) - 1
    if i < 0 or not chunks[i].start <= off <= chunks[i].end:
        return None
    start = chunks[i].start
    line_start = max(src.text.rfind("\n", 0, start), src.text.rfind("\r", 0, start)) + 1
    before = src.text[line_start:start]
    indent = before[: len(before) - len(before.lstrip(" \t"))]
    comment = f"-- pgarch-lint: ignore[{rule}]"
    eol = _eol(text)
    if before.strip(" \t") == "":
        return (line_start + bom, line_start + bom, f"{indent}{comment}{eol}")
    return (start + bom, start + bom, f"{eol}{indent}{comment}{eol}{indent}")


def ignore_file(text: str, bom: int, rule: str) -> Edit:
    """The edit that suppresses ``rule`` in the whole file."""
    src = _source(text, bom)
    for c in src.comments:
        m = _OUR_FILE_DIRECTIVE.search(src.text, c.start, c.end)
        if m is None:
            continue
        names = m.group("names")
        if not names.strip():  # ``ignore-file[]`` already covers every rule
            continue
        at = m.end("names") - (len(names) - len(names.rstrip()))
        return (at + bom, at + bom, f", {rule}")
    return (bom, bom, f"-- pgarch-lint: ignore-file[{rule}]{_eol(text)}")
