"""Writing fixes: edits a rule can offer with confidence.

Each helper returns an :class:`~pgarch_lint.api.Edit` (or None when the source text is not
what the tree says it is, e.g. a type written through a placeholder or a macro): a fix is
offered only when the text it replaces was read back and matched.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.edits import Edit

if TYPE_CHECKING:
    from pgarch_lint.analysis.definitions import ColumnSite
    from pgarch_lint.api import Context
    from pgarch_lint.catalog.declared import NameDef

__all__ = [
    "add_concurrently",
    "column_is_being_created",
    "insert_after_lead",
    "insert_before_named",
    "name_unnamed",
    "not_valid_then_validate",
    "rename_declared",
    "replace_type_word",
    "retype",
    "set_before_statement",
    "why_not_concurrently",
]


def _word_at(text: str, start: int, word: str) -> bool:
    end = start + len(word)
    if text[start:end].lower() != word:
        return False
    return end >= len(text) or not (text[end].isalnum() or text[end] in "_$")


def replace_type_word(ctx: Context, site: ColumnSite, old: str, new: str) -> Edit | None:
    """An edit that rewrites the type name ``old`` (one word, as written in lower or upper
    case at the start of the column's type) into ``new``, keeping what follows it (a
    modifier like ``(3)``, array brackets)."""
    stmt = ctx.statement
    if stmt is None:
        return None
    start, _end = ctx.span(site.type_name)
    rel = start - stmt.start
    if rel < 0 or not _word_at(stmt.text, rel, old):
        return None
    return Edit(start, start + len(old), new)


def column_is_being_created(ctx: Context, site: ColumnSite) -> bool:
    """Whether the column is declared by a CREATE TABLE, or added to a table created earlier
    in the same file: no row holds a value yet, so its type can change for free."""
    return site.kind == "create" or (site.kind == "add" and ctx.catalog.is_new(site.table))


_LEAD = re.compile(
    r"\s*create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?",
    re.IGNORECASE,
)
_CONSTRAINT = re.compile(r"\s*constraint\s+", re.IGNORECASE)


def _ident_at(text: str, i: int) -> tuple[int, int, str] | None:
    """The identifier starting at ``i``: (start, end, name as PostgreSQL stores it)."""
    if i < len(text) and text[i] == '"':
        j = i + 1
        out = []
        while j < len(text):
            if text[j] == '"':
                if text[j + 1 : j + 2] == '"':
                    out.append('"')
                    j += 2
                    continue
                return i, j + 1, "".join(out)
            out.append(text[j])
            j += 1
        return None
    m = _patterns()[0].match(text, i)
    if m is None:
        return None
    return i, m.end(), m.group().lower()


# A bare identifier: a letter, ``_`` or any non-ASCII character, then those, digits and ``$``
# (PostgreSQL takes every byte >= 0x80 as a letter). Written as the complement of the ASCII
# characters that cannot appear: a class spelled with a range up to U+FFFF takes ~9 ms to
# compile, this one a fraction of a millisecond.
_BARE = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f][^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A bare identifier, and any identifier (compiled on first use)."""
    return re.compile(_BARE), re.compile(r'"(?:[^"]|"")*"|' + _BARE)


def _mentions(text: str, name: str) -> int:
    """How many identifiers in ``text`` (outside nothing: strings and comments count too,
    which only makes the answer more cautious) denote ``name``.

    A whole-schema fix asks this for every file of the run, so each text is read once: a
    text that does not contain the name in any letter case has none, and the identifiers of
    the others are counted once (both remembered for the last texts asked about)."""
    if '"' not in name and name.lower() not in _folded(text):
        return 0
    return _identifiers(text)[name]


@lru_cache(maxsize=2048)
def _folded(text: str) -> str:
    return text.lower()


@lru_cache(maxsize=256)
def _identifiers(text: str) -> Counter[str]:
    """How often each identifier (as PostgreSQL stores it) occurs in ``text``."""
    out: Counter[str] = Counter()
    # counted as written first (in C), then each distinct spelling folded once
    for tok, n in Counter(_patterns()[1].findall(text)).items():
        out[tok[1:-1].replace('""', '"') if tok.startswith('"') else tok.lower()] += n
    return out


_CLAUSE = re.compile(r"(?:primary|unique|check|references|foreign|exclude)\b", re.IGNORECASE)
_ON = re.compile(r"(?:only\s+)?on\b", re.IGNORECASE)


def _unused(ctx: Context, d: NameDef, new: str, own: int) -> bool:
    """No file of the run mentions ``d``'s name (but its own declaration, ``own`` times in
    its file) nor ``new``."""
    assert d.loc is not None
    run = _run_text(ctx)
    for name, allowed in ((d.name, own), (new, 0)):
        for i in run.candidates(name):
            here = allowed if run.paths[i] == d.loc.path else 0
            if _mentions(run.texts[i], name) > here:
                return False
    return True


class _RunText:
    """The texts of a run's files, and all of them in lower case one after the other: the
    files that may mention a name are found with one search, not one per file (a
    whole-schema fix asks for every file of the run, twice per fix)."""

    def __init__(self, paths: tuple[str, ...], texts: list[str]) -> None:
        self.paths = paths
        self.texts = texts
        folded = [_folded(t) for t in texts]
        self.starts: list[int] = []
        at = 0
        for f in folded:
            self.starts.append(at)
            at += len(f) + 1
        # NUL cannot be part of a name: a match never spans two files
        self.folded = "\0".join(folded)

    def candidates(self, name: str) -> Iterator[int]:
        """The files whose text contains ``name`` in some letter case (every file for a
        name with a double quote, which _mentions reads as identifiers)."""
        if '"' in name:
            yield from range(len(self.texts))
            return
        needle, last = name.lower(), -1
        at = self.folded.find(needle)
        while at >= 0:
            i = bisect_right(self.starts, at) - 1
            if i != last:
                yield i
                last = i
            at = self.folded.find(needle, at + 1)


_LAST_RUN: list[_RunText] = []


def _run_text(ctx: Context) -> _RunText:
    """The run's texts, kept while the run is the same (the same paths and text objects)."""
    paths = ctx.run_paths()
    texts = [ctx.source_text(p) or "" for p in paths]
    if _LAST_RUN:
        last = _LAST_RUN[0]
        if last.paths == paths and all(a is b for a, b in zip(last.texts, texts, strict=True)):
            return last
    run = _RunText(paths, texts)
    _LAST_RUN[:] = [run]
    return run


def name_unnamed(ctx: Context, d: NameDef, new: str) -> Edit | None:
    """An edit giving the unnamed index or constraint ``d`` the name ``new`` in the statement
    that declares it (``CREATE INDEX new ON``, ``CONSTRAINT new PRIMARY KEY``), when no file of
    the run mentions the name PostgreSQL would generate (a later ``DROP CONSTRAINT
    orders_pkey`` keeps working only with that name) nor the new one."""
    if d.explicit or d.rename or d.loc is None:
        return None
    text = ctx.source_text(d.loc.path)
    if text is None:
        return None
    quoted = util.quote_ident(new)
    if d.kind == "index" and d.start is None:
        m = _LEAD.match(text, d.loc.start, d.loc.end)
        if m is None or _ON.match(text, m.end(), d.loc.end) is None:
            return None
        at, content = m.end(), f"{quoted} "
    elif d.start is not None and _CLAUSE.match(text, d.start, d.loc.end) is not None:
        at, content = d.start, f"CONSTRAINT {quoted} "
    else:
        return None
    return Edit(at, at, content) if _unused(ctx, d, new, 0) else None


def rename_declared(ctx: Context, d: NameDef, new: str) -> Edit | None:
    """An edit renaming the index or named constraint ``d`` in the statement that declares
    it, when nothing else in the run's files mentions the old name (no later DROP, ALTER,
    COMMENT or REINDEX refers to it) and nothing already uses the new one. None otherwise,
    and for renames (``ALTER INDEX ... RENAME TO``) and names PostgreSQL generated."""
    if not d.explicit or d.rename or d.loc is None:
        return None
    text = ctx.source_text(d.loc.path)
    if text is None:
        return None
    if d.kind == "index" and d.start is None:
        m = _LEAD.match(text, d.loc.start, d.loc.end)
    elif d.start is not None:
        m = _CONSTRAINT.match(text, d.start, d.loc.end)
    else:
        return None
    if m is None:
        return None
    found = _ident_at(text, m.end())
    if found is None or found[2] != d.name:
        return None
    if not _unused(ctx, d, new, 1):
        return None
    return Edit(found[0], found[1], util.quote_ident(new))


_CREATE_INDEX = re.compile(r"\s*create\s+(?:unique\s+)?index\b", re.IGNORECASE)
_DROP_INDEX = re.compile(r"\s*drop\s+index\b", re.IGNORECASE)
_KEYWORDS = {"create-index": _CREATE_INDEX, "drop-index": _DROP_INDEX}


def why_not_concurrently(ctx: Context) -> str | None:
    """Why ``CONCURRENTLY`` cannot be added to the current statement automatically (None: it
    can): it cannot run in a transaction block, nor in a function or DO block."""
    stmt = ctx.statement
    if stmt is None or stmt.nested:
        return "the statement runs inside a function or DO block, where CONCURRENTLY cannot run"
    if ctx.tx.in_transaction:
        how = (
            "an explicit BEGIN"
            if ctx.tx.depth > 0
            else "the migration runner (markers or assume-in-transaction)"
        )
        return (
            f"the file runs in a transaction ({how}), where CONCURRENTLY cannot run: move the "
            "statement to a migration of its own that runs outside a transaction"
        )
    return None


def add_concurrently(ctx: Context, kind: str) -> Edit | None:
    """An edit inserting `` CONCURRENTLY`` after ``CREATE [UNIQUE] INDEX`` (``kind``
    "create-index") or ``DROP INDEX`` ("drop-index") at the start of the current statement."""
    stmt = ctx.statement
    if stmt is None:
        return None
    m = _KEYWORDS[kind].match(stmt.text)
    if m is None:
        return None
    return Edit(stmt.start + m.end(), stmt.start + m.end(), " CONCURRENTLY")


def insert_after_lead(ctx: Context, lead: str, content: str) -> Edit | None:
    """An edit inserting ``content`` right after the words that start the current statement,
    ``lead`` a regular expression (case-insensitive, matched from the statement's start,
    blanks allowed before it), e.g. ``create\\s+table`` + `` IF NOT EXISTS``."""
    stmt = ctx.statement
    if stmt is None:
        return None
    m = re.compile(r"\s*" + lead + r"\b", re.IGNORECASE).match(stmt.text)
    if m is None:
        return None
    return Edit(stmt.start + m.end(), stmt.start + m.end(), content)


def insert_before_named(ctx: Context, verb: str, name: str, content: str) -> Edit | None:
    """An edit inserting ``content`` before the identifier ``name`` where it follows ``verb``
    (a regular expression, e.g. ``drop\\s+(?:column\\s+)?``) in the current statement: for an
    ALTER TABLE subcommand (``DROP COLUMN IF EXISTS c``). None when no such place is found,
    or when it is found twice."""
    stmt = ctx.statement
    if stmt is None:
        return None
    found = []
    for m in re.compile(verb, re.IGNORECASE).finditer(stmt.text):
        ident = _ident_at(stmt.text, m.end())
        if ident is not None and ident[2] == name:
            found.append(ident[0])
    if len(found) != 1:
        return None
    return Edit(stmt.start + found[0], stmt.start + found[0], content)


_TYPE_WORDS = {
    # what the type is written as, from the start of its name: the part a fix replaces
    "timestamp": r"timestamp(?P<mod>\s*\(\s*\d+\s*\))?(?:\s+without\s+time\s+zone)?",
    "varchar": r"(?:varchar|character\s+varying)\s*\(\s*\d+\s*\)",
    "bpchar": r"(?:character|char)(?:\s*\(\s*\d+\s*\))?",
    "integer": r"(?:integer|int4|int)",
    "serial": r"(?:bigserial|serial8|smallserial|serial2|serial4|serial)",
}


def retype(ctx: Context, type_node: object, kind: str, new: str) -> Edit | None:
    """An edit rewriting a column's type, written as ``kind`` (a key of the table above:
    ``timestamp``, ``varchar``, ``bpchar``, ``integer``, ``serial``) where ``type_node``
    starts, into ``new`` (``{mod}`` in it keeps a ``timestamp(3)`` precision). Array brackets
    after the type are kept. None when the text there is not such a type."""
    stmt = ctx.statement
    if stmt is None:
        return None
    start, _end = ctx.span(type_node)  # type: ignore[arg-type]
    rel = start - stmt.start
    if rel < 0:
        return None
    m = re.compile(_TYPE_WORDS[kind] + r"(?![\w$])", re.IGNORECASE).match(stmt.text, rel)
    if m is None:
        return None
    mod = m.groupdict().get("mod") or ""
    return Edit(start, stmt.start + m.end(), new.replace("{mod}", mod.replace(" ", "")))


def set_before_statement(ctx: Context, setting: str, value: str) -> Edit | None:
    """An edit inserting ``SET setting = 'value';`` on its own line before the current
    statement, at its indentation. Not for statements inside a function or DO block (a SET
    there belongs to the routine) and not for a value that needs quoting."""
    stmt = ctx.statement
    text = ctx.source_text()
    if stmt is None or stmt.nested or text is None or "'" in value:
        return None
    line_start = text.rfind("\n", 0, stmt.start) + 1
    indent = text[line_start : stmt.start]
    if indent.strip():
        return None  # another statement ends on that line: no clean place for a line of its own
    return Edit(stmt.start, stmt.start, f"SET {setting} = '{value}';\n{indent}")


def not_valid_then_validate(ctx: Context, table: str, constraint: str) -> tuple[Edit, Edit] | None:
    """The two edits that turn ``ALTER TABLE t ADD CONSTRAINT c ...;`` (the current statement,
    a single ADD CONSTRAINT) into ``... NOT VALID;`` followed by ``ALTER TABLE t VALIDATE
    CONSTRAINT c;`` on the next line. None when the statement's end cannot be found."""
    stmt = ctx.statement
    text = ctx.source_text()
    if stmt is None or text is None:
        return None
    body_end = stmt.start + len(stmt.text.rstrip().rstrip(";").rstrip())
    after = stmt.end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == ";":
        after += 1
    elif not stmt.text.rstrip().endswith(";"):
        return None
    else:
        after = stmt.start + len(stmt.text.rstrip())
    validate = f"\nALTER TABLE {table} VALIDATE CONSTRAINT {constraint};"
    return Edit(body_end, body_end, " NOT VALID"), Edit(after, after, validate)
