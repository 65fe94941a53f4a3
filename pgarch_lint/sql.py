"""The one module that imports pglast.

Everything that depends on pglast's API lives here: statement parsing, the PL/pgSQL parser,
a private tree walker, node locations and identifier helpers. When pglast changes, this file
changes and nothing else.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias  # Any: setattr plumbing, walks over any tree value, JSON

from pglast import ast, enums
from pglast.keywords import (
    COL_NAME_KEYWORDS,
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
    UNRESERVED_KEYWORDS,
)
from pglast.parser import ParseError, parse_plpgsql_json, parse_sql

__all__ = [
    "COL_NAME_KEYWORDS",
    "RESERVED_KEYWORDS",
    "TYPE_FUNC_NAME_KEYWORDS",
    "UNRESERVED_KEYWORDS",
    "CreatedName",
    "ParseError",
    "ParsedStatement",
    "Tree",
    "ast",
    "created_name",
    "deparse",
    "enums",
    "parse_chunk",
    "walk",
]


#: A child of a node as pglast's stubs type it: a node, a list (pglast makes lists tuples, whose
#: items its stubs leave untyped), or nothing. ``A_Expr.rexpr`` is one (a list for ``IN (...)``),
#: ``DefElem.arg`` another.
Tree: TypeAlias = "ast.Node | tuple[Any, ...] | None"


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """One statement parsed out of a chunk; offsets are absolute in the file's text."""

    node: ast.Node
    start: int
    end: int


class ChunkParseError(Exception):
    """A chunk that does not parse; `offset` is absolute in the file's text (or None)."""

    def __init__(self, message: str, offset: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def parse_chunk(masked: str, start: int, end: int) -> list[ParsedStatement]:
    """Parse ``masked[start:end]``; node locations are shifted later with ``base=start``."""
    text = masked[start:end]
    try:
        raw = parse_sql(text)
    except ParseError as exc:
        msg = str(exc.args[0]) if exc.args else "syntax error"
        idx = exc.args[1] if len(exc.args) > 1 else None
        offset = start + idx if isinstance(idx, int) and 0 <= idx <= len(text) else None
        raise ChunkParseError(msg, offset) from None
    except RecursionError:
        raise ChunkParseError("statement is nested too deeply to parse", start) from None
    out: list[ParsedStatement] = []
    for r in raw:
        if r.stmt is None:
            continue
        s = start + (r.stmt_location or 0)
        e = start + (r.stmt_location or 0) + r.stmt_len if r.stmt_len else end
        # trim trailing whitespace/semicolon: end stays at the statement's last character
        out.append(ParsedStatement(r.stmt, s, min(e, end)))
    return out


# --- trusted construction -------------------------------------------------------------------
#
# pglast builds every node through its Python ``__init__``, which assigns each attribute through
# ``Node.__setattr__``: a validator meant for hand-built trees (type checks, enum and dict
# coercion). Values coming out of the C parser are already of the right types, and validating
# them is ~75 % of the time ``parse_sql`` takes. So while statements are parsed, nothing is
# validated (tests/engine/test_sql_trusted.py checks that the trees are identical over the whole
# corpus); everywhere else pglast's validator runs as before. Two ways, by batch size:
#
# * ``Node.__setattr__`` is, for good, a small function that calls the validator unless
#   ``_TRUSTED[0]`` is set: switching that flag costs nothing, the function ~10 µs a
#   statement;
# * for a batch of many statements the slot itself becomes ``object.__setattr__`` (C, no Python
#   call at all), which costs ~100 µs to switch and back (CPython updates the slot of every
#   node class).
#
# The one value the parser hands over untyped, the ``boolval`` of a constant ``true`` /
# ``false``, is coerced by a setter of :class:`ast.Boolean` of its own.

_VALIDATING_SETATTR = ast.Node.__setattr__
_TRUSTED = [False]


def _setattr(
    self: Any,
    name: str,
    value: Any,
    _trusted: list[bool] = _TRUSTED,
    _plain: Any = object.__setattr__,
    _validating: Any = _VALIDATING_SETATTR,
) -> None:
    if _trusted[0]:
        _plain(self, name, value)
    else:
        _validating(self, name, value)


def _boolean_setattr(self: Any, name: str, value: Any) -> None:
    if name == "boolval" and value is not None:
        value = bool(value)
    object.__setattr__(self, name, value)


ast.Node.__setattr__ = _setattr  # type: ignore[method-assign]
ast.Boolean.__setattr__ = _boolean_setattr  # type: ignore[method-assign]

PARSE_BATCH = 256  # chunks parsed at a time
SWITCH_SLOT_MIN = 10  # from this many chunks, switching the slot pays for itself


@contextlib.contextmanager
def trusted_nodes(*, switch: bool = True) -> Iterator[None]:
    """Nodes are built without pglast's validator inside this block: the flag is set and,
    with ``switch``, the slot itself is switched (see above). For parsing, and for
    unpickling trees that were valid when pickled (the results cache keeps the catalog with
    the expressions it holds: ~16,000 attributes for a 1,200-file history)."""
    if switch:
        ast.Node.__setattr__ = object.__setattr__  # type: ignore[method-assign,assignment]
    _TRUSTED[0] = True
    try:
        yield
    finally:
        _TRUSTED[0] = False
        if switch:
            ast.Node.__setattr__ = _setattr  # type: ignore[method-assign]


def parse_chunks(
    masked: str, spans: Sequence[tuple[int, int]]
) -> Iterator[list[ParsedStatement] | ChunkParseError]:
    """Parse each ``masked[start:end]`` of ``spans`` in order, yielding its statements or the
    :class:`ChunkParseError` it raised. Chunks are parsed in batches without pglast's
    attribute validator (see above); the caller's work on each result runs with it."""
    for i in range(0, len(spans), PARSE_BATCH):
        batch = spans[i : i + PARSE_BATCH]
        out: list[list[ParsedStatement] | ChunkParseError] = []
        with trusted_nodes(switch=len(batch) >= SWITCH_SLOT_MIN):
            for start, end in batch:
                try:
                    out.append(parse_chunk(masked, start, end))
                except ChunkParseError as exc:
                    out.append(exc)
        yield from out


def parse_plpgsql(sql: str) -> list[dict[str, Any]]:
    """Parse a CREATE FUNCTION/DO statement's PL/pgSQL body into pglast's JSON tree."""
    import json

    result: list[dict[str, Any]] = json.loads(parse_plpgsql_json(sql))
    return result


_CHILD_ATTRS: dict[type, tuple[str, ...]] = {}


def child_attrs(cls: type) -> tuple[str, ...]:
    """The attributes of a node class that can hold nodes or lists (cached per class).

    pglast describes every slot with its C type: pointers (``Node*``, ``List*``, ``RangeVar*``
    ...) and the ``ValUnion`` of constants hold nodes; ``char*``, booleans, integers and enums
    never do, so the walkers skip them without looking.
    """
    attrs = _CHILD_ATTRS.get(cls)
    if attrs is None:
        slots = getattr(cls, "__slots__", {})
        if isinstance(slots, dict):
            attrs = tuple(
                name
                for name, spec in slots.items()
                if (spec[0].endswith("*") and spec[0] != "char*") or spec[0] == "ValUnion"
            )
        else:
            attrs = tuple(slots)
        _CHILD_ATTRS[cls] = attrs
    return attrs


def children(node: Any) -> Iterator[Any]:
    """The non-empty node and list attributes of ``node``, in declaration order."""
    for attr in child_attrs(type(node)):
        v = getattr(node, attr, None)
        if v is not None:
            yield v


Link = tuple[Any, "Link"] | None  # (parent node, the parent's link): ancestors as a cons list


def walk_linked(node: Any) -> Iterator[tuple[ast.Node, Link]]:
    """Like :func:`walk`, but the ancestors come as a linked list (O(1) per node); the engine
    turns it into a tuple only for nodes some rule asked for. A plain tuple per node would make
    the walk quadratic in the depth of the tree (20,000-term expressions exist)."""
    stack: list[tuple[Any, Link]] = [(node, None)]
    Node = ast.Node
    while stack:
        cur, link = stack.pop()
        if isinstance(cur, Node):
            yield cur, link
            child_link: Link = (cur, link)
            for attr in reversed(child_attrs(type(cur))):
                v = getattr(cur, attr, None)
                if v is not None:
                    stack.append((v, child_link))
        elif isinstance(cur, tuple):
            for v in reversed(cur):
                if isinstance(v, (Node, tuple)):
                    stack.append((v, link))


def ancestors(link: Link) -> tuple[Any, ...]:
    """The ancestors of a linked walk position, root first."""
    out: list[Any] = []
    while link is not None:
        out.append(link[0])
        link = link[1]
    out.reverse()
    return tuple(out)


def walk(node: Any) -> Iterator[tuple[ast.Node, tuple[ast.Node, ...]]]:
    """Yield every AST node under ``node`` (pre-order) with its ancestors, root first.

    A plain iterative walk over node attributes: several times faster than pglast's Visitor,
    and it never rewrites the tree.
    """
    stack: list[tuple[Any, tuple[ast.Node, ...]]] = [(node, ())]
    Node = ast.Node
    while stack:
        cur, parents = stack.pop()
        if isinstance(cur, Node):
            yield cur, parents
            child_parents = (*parents, cur)
            for attr in reversed(child_attrs(type(cur))):
                v = getattr(cur, attr, None)
                if v is not None:
                    stack.append((v, child_parents))
        elif isinstance(cur, tuple):
            for v in reversed(cur):
                if isinstance(v, (Node, tuple)):
                    stack.append((v, parents))


def location(node: Any) -> int | None:
    """The node's own ``location`` (relative to its chunk), or None when it has none."""
    loc = getattr(node, "location", None)
    if isinstance(loc, int) and loc >= 0:
        return loc
    return None


def first_location(node: Any) -> int | None:
    """The smallest location found in ``node``'s subtree (for nodes without their own)."""
    best: int | None = None
    for n, _ in walk(node):
        loc = location(n)
        if loc is not None and (best is None or loc < best):
            best = loc
    return best


def deparse(node: Tree) -> str:
    """Deparse a node (or a list of them) to normalised SQL (for messages and comparison, never
    for rewriting); ``"<expression>"`` when pglast cannot print it (None included)."""
    from pglast.stream import RawStream

    try:
        return str(RawStream()(node))  # type: ignore[arg-type]  # None: ValueError, below
    except (RecursionError, Exception):  # pragma: no cover - defensive: printers are partial
        return "<expression>"


# --- PL/pgSQL: statements nested in DO blocks and function bodies ---------------------------


@dataclass(frozen=True, slots=True)
class NestedSQL:
    """A statement found inside a PL/pgSQL body.

    ``kind`` is ``"sql"`` (static SQL, or ``EXECUTE`` of a string literal: ``text`` is the SQL)
    or ``"dynamic"`` (``EXECUTE`` of an expression: ``text`` is the expression). ``start`` and
    ``end`` are absolute offsets; ``exact`` says whether ``text`` is verbatim at ``start`` (else
    positions inside it cannot be mapped and everything points at ``start``).
    """

    kind: str
    text: str
    start: int
    end: int
    exact: bool
    variables: frozenset[str] = frozenset()
    using: bool = False
    variable_types: tuple[tuple[str, str], ...] = ()  # (name, declared type) when known
    deferred: bool = False  # a function body: runs when called, not when the migration runs


def _defelem_str(options: Iterable[Any] | None, name: str) -> list[str]:
    for o in options or ():
        if isinstance(o, ast.DefElem) and o.defname == name:
            arg = o.arg
            if isinstance(arg, ast.String):
                return [arg.sval] if arg.sval is not None else []
            if isinstance(arg, tuple):
                return [a.sval for a in arg if isinstance(a, ast.String) and a.sval is not None]
    return []


def plpgsql_body(node: ast.Node) -> str | None:
    """The PL/pgSQL body of a DO block or a ``LANGUAGE plpgsql`` function, else None."""
    if isinstance(node, ast.DoStmt):
        lang = _defelem_str(node.args, "language")
        if lang and lang[0].lower() != "plpgsql":
            return None
        body = _defelem_str(node.args, "as")
        return body[0] if body else None
    if isinstance(node, ast.CreateFunctionStmt):
        lang = _defelem_str(node.options, "language")
        if not lang or lang[0].lower() != "plpgsql" or node.sql_body is not None:
            return None
        body = _defelem_str(node.options, "as")
        return body[0] if body else None
    return None


def _iter_plpgsql(tree: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    stack = [tree]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            for k, v in cur.items():
                if k in ("PLpgSQL_stmt_execsql", "PLpgSQL_stmt_dynexecute") and isinstance(v, dict):
                    yield k, v
            stack.extend(reversed([v for v in cur.values() if isinstance(v, (dict, list))]))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))


def _string_literal(expr: str) -> str | None:
    """The value of ``expr`` when it is one plain string constant, else None."""
    try:
        raw = parse_sql(f"SELECT {expr}")
    except (ParseError, RecursionError):
        return None
    if len(raw) != 1 or not isinstance(raw[0].stmt, ast.SelectStmt):
        return None
    tl = raw[0].stmt.targetList or ()
    if len(tl) == 1 and isinstance(tl[0], ast.ResTarget) and isinstance(tl[0].val, ast.A_Const):
        v = tl[0].val.val
        if isinstance(v, ast.String):
            return str(v.sval)
    return None


def parse_expression(expr: str) -> ast.Node | None:
    try:
        raw = parse_sql(f"SELECT {expr}")
    except (ParseError, RecursionError):
        return None
    if len(raw) == 1 and isinstance(raw[0].stmt, ast.SelectStmt):
        tl = raw[0].stmt.targetList or ()
        if len(tl) == 1 and isinstance(tl[0], ast.ResTarget):
            val: ast.Node | None = tl[0].val
            return val
    return None


def nested_sql(node: ast.Node, stmt_text: str, stmt_start: int) -> list[NestedSQL]:
    """The SQL statements inside a DO block or plpgsql function, positions mapped to the file."""
    body = plpgsql_body(node)
    if not body:
        return []
    b = stmt_text.find(body)
    body_abs = stmt_start + b if b >= 0 else stmt_start
    try:
        tree = parse_plpgsql(stmt_text)
    except (ParseError, RecursionError, ValueError):
        return []
    variables: set[str] = set()
    types: dict[str, str] = {}
    for fn in tree:
        f = fn.get("PLpgSQL_function", {}) if isinstance(fn, dict) else {}
        for d in f.get("datums", ()):
            for v in d.values():
                if isinstance(v, dict) and isinstance(v.get("refname"), str):
                    variables.add(v["refname"])
                    tn = v.get("datatype", {}).get("PLpgSQL_type", {}).get("typname")
                    if isinstance(tn, str):
                        types[v["refname"]] = tn.lower()
    variables.discard("found")
    types.pop("found", None)
    frozen = frozenset(variables)
    vtypes = tuple(sorted(types.items()))
    deferred = not isinstance(node, ast.DoStmt)
    out: list[NestedSQL] = []
    cursor = 0
    for kind, st in _iter_plpgsql(tree):
        key = "sqlstmt" if kind == "PLpgSQL_stmt_execsql" else "query"
        q = st.get(key, {}).get("PLpgSQL_expr", {}).get("query")
        if not isinstance(q, str) or not q.strip():
            continue
        i = body.find(q, cursor) if b >= 0 else -1
        exact = i >= 0
        if exact:
            cursor = i + len(q)
            qs = body_abs + i
        else:
            qs = stmt_start
        qe = qs + len(q) if exact else stmt_start + len(stmt_text)
        if kind == "PLpgSQL_stmt_execsql":
            out.append(NestedSQL("sql", q, qs, qe, exact, frozen, False, vtypes, deferred))
            continue
        using = bool(st.get("params"))
        lit = _string_literal(q)
        if lit is not None:
            verbatim = exact and q.strip().startswith("'") and q.strip()[1:-1] == lit
            off = qs + (len(q) - len(q.lstrip())) + 1 if verbatim else qs
            end_ = off + len(lit) if verbatim else qe
            out.append(NestedSQL("sql", lit, off, end_, verbatim, frozen, using, vtypes, deferred))
        else:
            out.append(NestedSQL("dynamic", q, qs, qe, exact, frozen, using, vtypes, deferred))
    return out


def parse_text(text: str) -> list[ast.Node]:
    """Parse standalone SQL text (nested statements that are not verbatim in the file)."""
    try:
        return [r.stmt for r in parse_sql(text) if r.stmt is not None]
    except (ParseError, RecursionError):
        return []


def parse_located(text: str) -> list[tuple[int, ast.Node]]:
    """Parse SQL text into (character offset, statement) pairs; [] when it does not parse."""
    try:
        raws = parse_sql(text)
    except (ParseError, RecursionError):
        return []
    # pglast's stmt_location is a character index into the string (docs: notes on pglast)
    return [(r.stmt_location or 0, r.stmt) for r in raws if r.stmt is not None]


def split_flat(text: str) -> list[tuple[int, int]]:
    """Split ``text`` at every ``;`` token, ignoring parentheses (quote- and comment-aware).

    Used only for a chunk that fails to parse: an unbalanced ``(`` must not swallow the
    statements after it. Offsets are relative to ``text``; non-ASCII characters are replaced
    by ``x`` for the scan (same offsets, same token boundaries, no quadratic offset mapping).
    """
    from pglast.parser import scan

    safe = text if text.isascii() else "".join(c if c < "\x80" else "x" for c in text)
    try:
        tokens = scan(safe)
    except Exception:  # the scanner rejects some inputs (e.g. unterminated quotes)
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    start: int | None = None
    for tok in tokens:
        if tok.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        if tok.name == "ASCII_59":
            if start is not None:
                pieces.append((start, tok.end + 1))
            start = None
        elif start is None:
            start = tok.start
    if start is not None:
        pieces.append((start, len(text)))
    return pieces or [(0, len(text))]


# --- what a CREATE statement that does not parse names -------------------------------------


@dataclass(frozen=True, slots=True)
class CreatedName:
    """The object a CREATE statement that failed to parse would create, read from its first
    tokens by :func:`created_name` (names as PostgreSQL stores them)."""

    kind: str  # "table", "index", "view" or "materialized view"
    name: tuple[str, ...]  # qualified name parts; an index name is never qualified
    persistence: str = "p"  # tables: "p" permanent, "u" unlogged, "t" temporary
    if_not_exists: bool = False
    table: tuple[str, ...] = ()  # CREATE INDEX: the ON table's name parts


_HEAD = re.compile(
    r"""(?P<skip>\s+|--[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)"""
    r"""|(?P<quoted>"(?:[^"]|"")+")"""
    r"""|(?P<word>[^\W\d][\w$]*)"""
    r"""|(?P<other>\S)""",
)
_HEAD_TOKENS = 24  # the header of any CREATE form below fits in this many tokens
_NAMEDATALEN = 64
# what may follow the created name (anything else: not a header this scan understands)
_AFTER_NAME = {
    "table": ("(", "partition", "of", "as"),
    "view": ("(", "as", "with"),
    "materialized view": ("(", "as", "using", "with", "tablespace"),
}


def _head_tokens(text: str) -> list[tuple[str, str]]:
    """The first tokens of ``text`` as (kind, text): kind is "word" (an unquoted word,
    lower-cased), "quoted" (a quoted identifier, unquoted) or "other" (one character)."""
    out: list[tuple[str, str]] = []
    pos = 0
    while len(out) < _HEAD_TOKENS:
        m = _HEAD.match(text, pos)
        if m is None:
            break
        pos = m.end()
        kind = m.lastgroup or "other"
        tok = m.group()
        if kind == "skip":
            continue
        if kind == "word":
            # PostgreSQL folds unquoted identifiers to lower case (ASCII letters only)
            tok = tok.translate(_ASCII_LOWER)
        elif kind == "quoted":
            tok = tok[1:-1].replace('""', '"')
        out.append((kind, tok))
    return out


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _truncated(name: str) -> str:
    raw = name.encode()
    if len(raw) < _NAMEDATALEN:
        return name
    return raw[: _NAMEDATALEN - 1].decode("utf-8", "ignore")


class _Head:
    """A cursor over header tokens."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.toks = tokens
        self.i = 0

    def word(self, *words: str) -> str | None:
        """Consume and return the next token if it is one of these unquoted words."""
        if self.i < len(self.toks) and self.toks[self.i][0] == "word":
            w = self.toks[self.i][1]
            if w in words:
                self.i += 1
                return w
        return None

    def words(self, *seq: str) -> bool:
        """Consume the exact sequence of unquoted words, or nothing."""
        toks = self.toks[self.i : self.i + len(seq)]
        if len(toks) == len(seq) and all(
            k == "word" and t == w for (k, t), w in zip(toks, seq, strict=True)
        ):
            self.i += len(seq)
            return True
        return False

    def peek(self) -> str | None:
        """The next token's text (lower-cased words), None at the end."""
        if self.i >= len(self.toks):
            return None
        kind, tok = self.toks[self.i]
        return tok if kind != "quoted" else None

    def ident(self, *, first: bool) -> str | None:
        """An identifier: quoted, or a word that PostgreSQL accepts unquoted in that place
        (a leading name cannot be a reserved keyword; after a dot any word can)."""
        if self.i >= len(self.toks):
            return None
        kind, tok = self.toks[self.i]
        if kind == "quoted" or (
            kind == "word"
            and (not first or (tok not in RESERVED_KEYWORDS and tok not in TYPE_FUNC_NAME_KEYWORDS))
        ):
            self.i += 1
            return _truncated(tok)
        return None

    def qualified(self) -> tuple[str, ...] | None:
        """``name``, ``schema.name`` or ``database.schema.name``."""
        first = self.ident(first=True)
        if first is None:
            return None
        parts = [first]
        while len(parts) < 3 and self.peek() == ".":
            self.i += 1
            nxt = self.ident(first=False)
            if nxt is None:
                return None
            parts.append(nxt)
        return tuple(parts)


def created_name(text: str) -> CreatedName | None:
    """What a CREATE TABLE / INDEX / VIEW / MATERIALIZED VIEW statement names, read from the
    header of its text alone (for a statement that does not parse: a framework macro or a
    typo further on). Conservative: None unless the header is exactly one of

    - ``CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS]
      name`` followed by ``(``, ``PARTITION OF``, ``OF`` or ``AS``;
    - ``CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON [ONLY] table``;
    - ``CREATE [OR REPLACE] [TEMP|TEMPORARY] [RECURSIVE] VIEW name`` followed by ``(``,
      ``AS`` or ``WITH``, and ``CREATE MATERIALIZED VIEW [IF NOT EXISTS] name`` followed by
      ``(``, ``AS``, ``USING``, ``WITH`` or ``TABLESPACE``.
    """
    h = _Head(_head_tokens(text))
    if not h.word("create"):
        return None
    replace = h.words("or", "replace")
    h.word("global", "local")
    persistence = {"temp": "t", "temporary": "t", "unlogged": "u", None: "p"}[
        h.word("temp", "temporary", "unlogged")
    ]
    if h.word("table"):
        kind = "table"
    elif persistence != "u" and (h.words("recursive", "view") or h.word("view")):
        kind = "view"
    elif persistence == "p" and not replace and h.words("materialized", "view"):
        kind = "materialized view"
    elif persistence == "p" and not replace and (h.words("unique", "index") or h.word("index")):
        h.word("concurrently")
        ine = h.words("if", "not", "exists")
        name = h.ident(first=True)
        if name is None or not h.word("on"):
            return None
        h.word("only")
        table = h.qualified()
        if table is None:
            return None
        return CreatedName("index", (name,), if_not_exists=ine, table=table)
    else:
        return None
    if replace and kind == "materialized view":
        return None
    ine = h.words("if", "not", "exists") if kind != "view" else False
    name_parts = h.qualified()
    if name_parts is None or h.peek() not in _AFTER_NAME[kind]:
        return None
    return CreatedName(kind, name_parts, persistence if kind == "table" else "p", ine)


def identifier_names(text: str) -> Iterator[tuple[int, int, str]]:
    """Every identifier written in ``text``: (start, end, the name PostgreSQL stores, before it
    truncates it to 63 bytes). An unquoted word is folded to lower case (ASCII letters only,
    as in a UTF-8 database); a quoted one loses its quotes and keeps one quote of each doubled
    ``""``; a ``U&"..."`` one has its escapes decoded (with its ``UESCAPE`` character). A U&
    identifier whose escapes are invalid is left out: the statement fails anyway."""
    from pglast.parser import scan

    safe = text if text.isascii() else "".join(c if c < "\x80" else "x" for c in text)
    try:
        tokens = list(scan(safe))
    except Exception:
        return
    for i, tok in enumerate(tokens):
        start, end = tok.start, tok.end + 1
        raw = text[start:end]
        if tok.name == "IDENT":
            if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
                yield start, end, raw[1:-1].replace('""', '"')
            else:
                yield start, end, raw.translate(_ASCII_LOWER)
        elif tok.name == "UIDENT" and raw[2:3] == '"' and raw.endswith('"'):
            escape = "\\"
            after = tokens[i + 1 : i + 3]
            if len(after) == 2 and after[0].name == "UESCAPE" and after[1].name == "SCONST":
                escape = text[after[1].start + 1 : after[1].end].replace("''", "'")
            name = _unicode_unescape(raw[3:-1].replace('""', '"'), escape)
            if name is not None:
                yield start, end, name


def _unicode_unescape(body: str, escape: str) -> str | None:
    """The text of a ``U&`` identifier's body: ``\\XXXX`` and ``\\+XXXXXX`` (or the same
    with the UESCAPE character) are code points, UTF-16 surrogate pairs combine, a doubled
    escape character is itself. None when an escape is invalid."""
    if len(escape) != 1:
        return None
    out: list[str] = []
    high: int | None = None  # a pending UTF-16 high surrogate
    i = 0
    while i < len(body):
        c = body[i]
        if c != escape:
            if high is not None:
                return None
            out.append(c)
            i += 1
            continue
        if body[i + 1 : i + 2] == escape:
            if high is not None:
                return None
            out.append(escape)
            i += 2
            continue
        width = 6 if body[i + 1 : i + 2] == "+" else 4
        digits = body[i + 2 : i + 2 + width] if width == 6 else body[i + 1 : i + 1 + width]
        if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
            return None
        i += (2 if width == 6 else 1) + width
        cp = int(digits, 16)
        if high is not None:
            if not 0xDC00 <= cp <= 0xDFFF:
                return None
            cp, high = 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00), None
        elif 0xD800 <= cp <= 0xDBFF:
            high = cp
            continue
        elif 0xDC00 <= cp <= 0xDFFF or cp == 0 or cp > 0x10FFFF:
            return None
        out.append(chr(cp))
    return None if high is not None else "".join(out)
