"""The model as a Mermaid ``erDiagram`` that renders on GitHub and GitLab as is.

Only a conservative subset of the grammar is emitted, one that older Mermaid versions parse
too:

- entity names are bare words (``[A-Za-z_][A-Za-z0-9_]*``) or double-quoted strings
  (schema-qualified names, names with dots, spaces, dashes...);
- attribute lines are ``type name [PK|FK|UK[, ...]] ["comment"]`` where ``type`` and ``name``
  are words of letters, digits, ``_``, ``-``, ``[]`` and ``()``: ``timestamp with time zone``
  becomes ``timestamp_with_time_zone``, ``numeric(10,2)`` becomes ``numeric(10_2)``;
- relationship lines are ``A <card><line><card> B : "label"``, with ``}o``/``|o``/``||`` on
  the left, ``o{``/``o|``/``||`` on the right, ``--`` for identifying (the FK is part of the
  child's primary key) and ``..`` for non-identifying relationships;
- strings never contain ``"``, ``%`` or ``\\``;
- names that Mermaid's lexer takes as keywords (``end``, ``class``, ``one``, ``pk``...) are
  quoted (entities) or suffixed with ``_`` (columns).

Entities show their key columns (primary, foreign and single-column unique keys); a table with
no key column is declared by name only.
"""

from __future__ import annotations

import re

from pgarch_lint.model.build import Entity, Model, Relationship

__all__ = ["MAX_COMMENT", "RESERVED", "entity_name", "render_mermaid", "string", "word"]

#: Column comments are cut to this many characters in the diagram.
MAX_COMMENT = 48

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Words Mermaid's lexer takes as keywords (case-insensitively): quoted when used as names.
RESERVED = frozenset(
    {
        "erdiagram",
        "style",
        "classdef",
        "class",
        "subgraph",
        "end",
        "direction",
        "one",
        "many",
        "only",
        "zero",
        "to",
        "optionally",
        "acctitle",
        "accdescr",
        "u",
        "pk",
        "fk",
        "uk",
    }
)
_WORD_BAD = re.compile(r"[^A-Za-z0-9_\-\[\]()]+")


def string(text: str) -> str:
    """A double-quoted Mermaid string (no quote, percent sign, backslash or newline inside)."""
    clean = " ".join(text.replace('"', "'").replace("%", " pct").replace("\\", "/").split())
    return f'"{clean}"'


def word(text: str) -> str:
    """A Mermaid attribute word (type or column name)."""
    w = _WORD_BAD.sub("_", text.strip()).strip("_") or "_"
    if not (w[0].isalpha() or w[0] == "_"):
        w = "_" + w
    if w.lower() in ("pk", "fk", "uk"):
        w += "_"
    return w


def entity_name(label: str) -> str:
    if _BARE.match(label) and label.lower() not in RESERVED:
        return label
    return string(label)


def _comment(text: str | None) -> str | None:
    if not text:
        return None
    first = " ".join(text.split())
    if len(first) > MAX_COMMENT:
        first = first[: MAX_COMMENT - 1].rstrip() + "…"
    return first


def _entity_lines(e: Entity, label: str) -> list[str]:
    keys = [a for a in e.columns if a.is_key]
    name = entity_name(label)
    if not keys:
        return [f"    {name}"]
    lines = [f"    {name} {{"]
    for a in keys:
        marks = [m for m, on in (("PK", a.pk), ("FK", a.fk), ("UK", a.unique)) if on]
        line = f"        {word(a.type)} {word(a.name)}"
        if marks:
            line += " " + ", ".join(marks)
        note = _comment(a.comment)
        if word(a.name) != a.name:
            note = f"column {a.name}" + (f": {note}" if note else "")
        if note:
            line += " " + string(note)
        lines.append(line)
    lines.append("    }")
    return lines


def _relationship_line(model: Model, r: Relationship) -> str:
    left = "|o" if r.one_to_one else "}o"
    right = "o|" if r.optional else "||"
    line = "--" if r.identifying else ".."
    src = entity_name(model.label(r.source))
    dst = entity_name(model.label(r.target))
    return f"    {src} {left}{line}{right} {dst} : {string(', '.join(r.source_columns))}"


def render_mermaid(model: Model, *, fenced: bool = False) -> str:
    """The ``erDiagram`` text (inside a ```` ```mermaid ```` fence when ``fenced``)."""
    collapsed = {lk.link: lk for lk in model.links if lk.collapsed}
    out = ["erDiagram"]
    for e in model.entities:
        if e.name not in collapsed:
            out.extend(_entity_lines(e, model.label(e.name)))
    for r in model.relationships:
        if r.external or r.source in collapsed:
            continue
        out.append(_relationship_line(model, r))
    for lk in model.links:
        a = entity_name(model.label(lk.left))
        b = entity_name(model.label(lk.right))
        out.append(f"    {a} }}o..o{{ {b} : {string('via ' + model.label(lk.link))}")
    text = "\n".join(out) + "\n"
    return f"```mermaid\n{text}```\n" if fenced else text
