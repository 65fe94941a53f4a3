"""The source layer: a file's bytes → text the PostgreSQL parser can take, split into statements.

Pure Python (no pglast). ``load_source`` decodes a file, builds a *masked* copy of the text of
exactly the same length and with the same line breaks (psql meta-commands, ``COPY ... FROM
stdin`` data, skipped migration sections, placeholders and template actions are blanked or
replaced by same-length identifiers), and splits it into statement chunks in one linear pass.
Every offset of the masked text is an offset of the original text, so positions reported by the
parser map 1:1 back to the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

__all__ = ["Chunk", "Comment", "SourceFile", "decode", "load_source"]


@dataclass(frozen=True, slots=True)
class Comment:
    """An SQL comment: absolute offsets into ``SourceFile.text`` (end exclusive)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """One statement candidate.

    ``start`` is the offset of its first token, ``end`` the offset just after its terminating
    ``;`` (or after its last token when nothing terminates it).
    """

    start: int
    end: int
    query_name: str | None = None


@dataclass(slots=True)
class SourceFile:
    """A decoded file, its masked twin, its statement chunks and its comments."""

    path: str
    text: str
    masked: str
    chunks: list[Chunk]
    comments: list[Comment]
    tool: str | None = None
    in_transaction: bool | None = None
    decode_error: tuple[int, str] | None = None
    _line_starts: list[int] | None = field(default=None, repr=False, compare=False)
    _last_line: tuple[int, str] = field(default=(0, ""), repr=False, compare=False)
    _crlf: bool | None = field(default=None, repr=False, compare=False)

    @property
    def crlf(self) -> bool:
        """Whether the file has a CRLF line break (its fixes write CRLF): looked for once."""
        if self._crlf is None:
            self._crlf = "\r\n" in self.text
        return self._crlf

    def _starts(self) -> list[int]:
        starts = self._line_starts
        if starts is None:
            starts = [0]
            starts.extend(m.end() for m in _LINE_BREAK_RE.finditer(self.text))
            self._line_starts = starts
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; columns count characters.

        A CRLF line break is one position: an offset between its ``\\r`` and ``\\n`` is the
        position of the ``\\r`` (the end of its line), never a column past the line's end.
        """
        offset = min(max(offset, 0), len(self.text))
        text = self.text
        if 0 < offset < len(text) and text[offset] == "\n" and text[offset - 1] == "\r":
            offset -= 1
        starts = self._starts()
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line break ("" when out of range).

        Repeated calls for the same line return the same string object: every finding keeps
        its line, and a minified file has thousands of findings on one line of megabytes.
        """
        if self._last_line[0] == line:
            return self._last_line[1]
        starts = self._starts()
        if line < 1 or line > len(starts):
            return ""
        begin = starts[line - 1]
        if line < len(starts):
            out = self.text[begin : starts[line]].rstrip("\r\n")
        else:
            out = self.text[begin:]
        self._last_line = (line, out)
        return out


# --- patterns -----------------------------------------------------------------------------

_LINE_BREAK_RE: Final = re.compile(r"\r\n?|\n")
_EOL_RE: Final = re.compile(r"[\r\n]")
_NOT_NL_RE: Final = re.compile(r"[^\r\n]+")
_WS: Final = " \t\n\r\f\v"

# Flyway placeholders: ``${name}`` anywhere, even inside strings.
_PLACEHOLDER_RE: Final = re.compile(r"\$\{[^{}\r\n]{0,200}\}")
# Go-template actions. ``{{`` must be followed by something an SQL array literal never starts
# with ('{{1,2},{3,4}}', '{{a,b}}', '{{-1}}', '{{.5}}' stay untouched).
_TEMPLATE_RE: Final = re.compile(
    r"\{\{(?=-?[ \t\r\n]|-?\.(?:[A-Za-z_]|\}\})|-?\$|-?/\*"
    r"|[A-Za-z_]\w*[ \t\r\n(]|(?:end|else|break|continue)\}\})"
    r"(?:\"(?:[^\"\\\r\n]|\\.)*\"|`[^`]*`|[^\"`}]|\}(?!\})){0,2000}\}\}"
)
# Migration-tool markers (checked to start a line by hand: a literal prefix keeps this fast).
_MARKER_RE: Final = re.compile(
    r"--[ \t]*(?:\+goose[ \t]+(?P<goose>up|down|statementbegin|statementend|no[ \t]+transaction)"
    r"|migrate:(?P<dbmate>up|down))\b(?P<rest>[^\r\n]*)",
    re.IGNORECASE,
)
_SQLC_NAME_RE: Final = re.compile(r"--[ \t]*name:[ \t]*(\w+)[ \t]+:\w+")
_FLYWAY_NAME_RE: Final = re.compile(r"(?:[VUB]\d[\w.]*?__|R__).*\.sql", re.IGNORECASE)

# Interesting characters for the lexer: everything else is plain code, skipped at C speed.
_BASE_ALT: Final = r"--|/\*|['\"$;\\:\[\]]"
_WORDS_ALT: Final = r"|[()]|\b(?:begin|case|end)\b"
_PAT_PLAIN: Final = re.compile(_BASE_ALT)
_PAT_SQLC: Final = re.compile(_BASE_ALT + r"|@")
_PAT_FN: Final = re.compile(_BASE_ALT + _WORDS_ALT, re.IGNORECASE)
_PAT_FN_SQLC: Final = re.compile(_BASE_ALT + r"|@" + _WORDS_ALT, re.IGNORECASE)

_NESTED_COMMENT_RE: Final = re.compile(r"/\*|\*/")
_ESTRING_BODY_RE: Final = re.compile(r"[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.DOTALL)
_DOLLAR_TAG_RE: Final = re.compile(r"\$(?:[^\W\d]\w*)?\$")
_PSQL_VAR_RE: Final = re.compile(r":(?:[^\W\d]\w*|'\w+'|\"\w+\"|\{\?\w+\})")
_SQLC_PARAM_RE: Final = re.compile(r"@[^\W\d]\w*")
_META_CMD_RE: Final = re.compile(r"\\([A-Za-z]+|\\)")
# ``COPY (query) FROM stdin`` is a syntax error: the server never asks for data then.
_COPY_START_RE: Final = re.compile(r"copy\s+(?!\()", re.IGNORECASE)
_FUNC_START_RE: Final = re.compile(
    r"create\s+(?:or\s+replace\s+)?(?:function|procedure)\b", re.IGNORECASE
)
_FROM_STDIN_RE: Final = re.compile(r"\bfrom\s+stdin\b", re.IGNORECASE)
_COPY_FROM_STDIN_RE: Final = re.compile(r"\bcopy\s+(?!\()[^;]*?\bfrom\s+stdin\b", re.IGNORECASE)
_COPY_END_RE: Final = re.compile(r"(?<![^\r\n])\\\.[ \t]*(?=[\r\n]|\Z)")
_REST_OF_LINE_COMMENT_RE: Final = re.compile(r"[ \t\f\v]*(--[^\r\n]*)?(?=[\r\n]|\Z)")

# psql meta-commands that send the query buffer (and so end the statement being typed).
_SENDING_META: Final = frozenset({"g", "gx", "gset", "gexec", "gdesc", "crosstabview", "watch"})

# ... and those that discard it.
_RESET_META: Final = frozenset({"r", "reset"})

_NORMAL, _DOWN, _BLOCK = 0, 1, 2


def _blank(s: str) -> str:
    """``s`` with every character except line breaks turned into a space."""
    return _NOT_NL_RE.sub(lambda m: " " * len(m.group()), s)


def _underscores(s: str) -> str:
    return _NOT_NL_RE.sub(lambda m: "_" * len(m.group()), s)


def _is_ident_char(c: str) -> bool:
    return c.isalnum() or c == "_" or c == "$"


# --- decoding -----------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, tuple[int, str] | None]:
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = exc.start
        offset = len(data[:bad].decode("utf-8", errors="replace"))
        text = data.decode("utf-8", errors="replace")
        return text, (
            offset,
            f"invalid UTF-8 byte 0x{data[bad]:02x}: the file is not UTF-8 (reported once, here, "
            "at its first invalid byte); it was read with replacement characters, and names "
            "holding them are not judged. Save the file as UTF-8",
        )


# --- sections (migration markers) ---------------------------------------------------------


def _at_line_start(text: str, pos: int) -> int | None:
    """Start of the line holding ``pos`` when only blanks precede ``pos`` on it, else None."""
    ls = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
    return ls if text[ls:pos].strip(" \t") == "" else None


@dataclass(slots=True)
class _Markers:
    """Migration-tool markers found in a file: up/down sections, statement blocks, transaction
    mode."""

    sections: list[tuple[int, int, int]]
    goose: bool = False
    dbmate: bool = False
    no_transaction: bool = False


def _find_sections(pre: str, lint_down: bool) -> _Markers:
    """Cut the file at goose/dbmate marker lines into (start, end, kind) sections."""
    res = _Markers([])
    cur_start, cur_kind = 0, _NORMAL
    for m in _MARKER_RE.finditer(pre):
        ls = _at_line_start(pre, m.start())
        if ls is None:
            continue
        goose, dbmate = m.group("goose"), m.group("dbmate")
        if goose is not None:
            res.goose = True
            word = goose.lower()
            if word.startswith("no"):
                res.no_transaction = True
                continue
            if word == "up":
                new = _NORMAL
            elif word == "down":
                new = _NORMAL if lint_down else _DOWN
            elif word == "statementbegin":
                new = _DOWN if cur_kind == _DOWN else _BLOCK
            else:  # statementend
                new = _NORMAL if cur_kind == _BLOCK else cur_kind
        else:
            res.dbmate = True
            if dbmate.lower() == "up":
                new = _NORMAL
                if re.search(r"transaction\s*:\s*false", m.group("rest"), re.IGNORECASE):
                    res.no_transaction = True
            else:
                new = _NORMAL if lint_down else _DOWN
        if ls > cur_start:
            res.sections.append((cur_start, ls, cur_kind))
        cur_start, cur_kind = ls, new
    res.sections.append((cur_start, len(pre), cur_kind))
    return res


# --- the lexer ----------------------------------------------------------------------------


class _Lexer:
    """One linear pass over the pre-masked text: masking, comments and chunks."""

    def __init__(self, text: str, pre: str, sqlc: bool) -> None:
        self.text = text
        self.pre = pre
        self.sqlc = sqlc
        self.out: list[str] = []
        self.done = 0  # pre[:done] has been copied to out
        self.chunks: list[Chunk] = []
        self.comments: list[Comment] = []
        self.saw_psql = False

    def mask(self, a: int, b: int, repl: str) -> None:
        if a > self.done:
            self.out.append(self.pre[self.done : a])
        self.out.append(repl)
        self.done = b

    def blank(self, a: int, b: int) -> None:
        if b > a:
            self.mask(a, b, _blank(self.pre[a:b]))

    def result(self) -> str:
        if self.done < len(self.pre):
            self.out.append(self.pre[self.done :])
            self.done = len(self.pre)
        return "".join(self.out)

    def skip_copy_data(self, pos: int, end: int) -> int:
        """Blank ``COPY ... FROM stdin`` data from the line after ``pos`` up to ``\\.``."""
        pre = self.pre
        nl = _LINE_BREAK_RE.search(pre, pos, end)
        if nl is None:
            return end
        data_start = nl.end()
        term = _COPY_END_RE.search(pre, data_start, end)
        data_end = term.end() if term is not None else end
        self.blank(data_start, data_end)
        return data_end

    def section(self, start: int, end: int, block: bool) -> None:
        """Mask and split the section ``[start, end)``; ``block`` when it is one statement
        (goose's StatementBegin ... StatementEnd: no ``;`` ends it)."""
        _Section(self, start, end, block).scan()


class _Section:
    """The scan of one section: the state of the statement being read and one method per
    kind of token.

    The main loop (:meth:`scan`) jumps from one interesting character to the next (the plain
    code between them is skipped at C speed: it opens a chunk when none is open and counts
    parentheses); the character says what comes (``_KINDS``): what is not a token of the
    statement (``;``, a comment, a psql meta-command) or a token of the statement (a literal,
    a parameter, a bracket, a word that nests inside a function body), which opens a chunk
    when none is open. Each method returns where the scan goes on.
    """

    __slots__ = (
        "bdepth",
        "begin_depth",
        "block",
        "chunk_start",
        "chunks",
        "depth",
        "end",
        "fn_pat",
        "in_fn",
        "is_copy",
        "last_end",
        "lexer",
        "multi",
        "name",
        "pending_name",
        "plain_pat",
        "pre",
        "search",
        "start",
    )

    def __init__(self, lexer: _Lexer, start: int, end: int, block: bool) -> None:
        self.lexer = lexer
        self.chunks = lexer.chunks
        self.pre = lexer.pre
        self.start = start
        self.end = end
        self.block = block
        self.plain_pat = _PAT_SQLC if lexer.sqlc else _PAT_PLAIN
        self.fn_pat = _PAT_FN_SQLC if lexer.sqlc else _PAT_FN
        self.search = self.plain_pat.search
        self.depth = 0  # parentheses
        self.bdepth = 0  # brackets
        self.begin_depth = 0  # BEGIN ... END inside CREATE FUNCTION/PROCEDURE
        self.chunk_start = -1  # where the open chunk starts (-1: none is open)
        self.last_end = start  # end of the last token of the open chunk
        self.is_copy = False  # the open chunk is a COPY
        self.multi = False  # the statement holds psql's \; (several statements sent at once)
        self.in_fn = False  # the open chunk is a CREATE FUNCTION/PROCEDURE
        self.pending_name: str | None = None  # sqlc's ``-- name:`` for the next chunk
        self.name: str | None = None  # ... and for the open one

    def scan(self) -> None:
        """Mask the section and append its chunks and comments to the lexer's."""
        pre, end, kinds, separators = self.pre, self.end, _KINDS, _SEPARATORS
        pos = self.start
        while True:
            m = self.search(pre, pos, end)
            i = m.start() if m is not None else end
            if i > pos:
                seg = pre[pos:i]
                stripped = seg.rstrip(_WS)
                if stripped:
                    if self.chunk_start < 0:
                        restart = self.open_code(pos, seg)
                        if restart >= 0:
                            pos = restart
                            continue
                    self.last_end = pos + len(stripped)
                    if not self.in_fn:
                        # A stray ")" may take the depth below zero: the statement still
                        # ends at the next ";" (psql would clamp at zero and run on).
                        self.depth += seg.count("(") - seg.count(")")
            if m is None:
                break
            c = pre[i]
            if c in separators:
                pos = kinds[c](self, m, i)
                continue
            if self.chunk_start < 0:  # a token opens a chunk
                self.chunk_start = i
                self.name, self.pending_name = self.pending_name, None
            pos = self.last_end = kinds[c](self, m, i)
        if self.chunk_start >= 0:
            self.chunks.append(Chunk(self.chunk_start, self.last_end, self.name))

    # --- the open chunk ----------------------------------------------------------------------

    def open_code(self, pos: int, seg: str) -> int:
        """Open a chunk at the first word of the plain code ``seg`` (at ``pos``). When it is
        a CREATE FUNCTION/PROCEDURE, the scan starts again at the chunk's start (returned),
        now watching for parentheses and BEGIN/CASE/END; else -1."""
        pre = self.pre
        chunk_start = self.chunk_start = pos + len(seg) - len(seg.lstrip(_WS))
        self.name, self.pending_name = self.pending_name, None
        self.is_copy = _COPY_START_RE.match(pre, chunk_start) is not None
        if not self.block and _FUNC_START_RE.match(pre, chunk_start):
            self.in_fn = True
            self.search = self.fn_pat.search
            return chunk_start
        return -1

    def close(self, end: int | None) -> None:
        """End the open chunk (``end``: where; None: psql discarded it) and reset the state."""
        if end is not None:
            self.chunks.append(Chunk(self.chunk_start, end, self.name))
        self.chunk_start = -1
        self.depth = self.bdepth = self.begin_depth = 0
        self.is_copy = self.multi = False
        if self.in_fn:
            self.in_fn = False
            self.search = self.plain_pat.search

    # --- what is not a token of the statement ------------------------------------------------

    def semicolon(self, m: re.Match[str], i: int) -> int:
        """``;`` ends the statement unless inside parentheses, a function body or a block;
        after ``COPY ... FROM stdin`` the data lines that follow are blanked."""
        if self.depth <= 0 and self.begin_depth == 0 and not self.block:
            chunk_start = self.chunk_start
            if chunk_start >= 0:
                copies = 0
                if self.multi:
                    copies = len(_COPY_FROM_STDIN_RE.findall(self.pre, chunk_start, i))
                elif self.is_copy and _FROM_STDIN_RE.search(self.pre, chunk_start, i):
                    copies = 1
                self.close(i + 1)
                if copies:
                    return self.copy_data(i + 1, copies)
        elif self.chunk_start >= 0:
            self.last_end = i + 1
        return i + 1

    def copy_data(self, pos: int, copies: int) -> int:
        """Skip the data of ``copies`` COPY ... FROM stdin statements that ended just before
        ``pos`` (a comment on the rest of the ``;``'s line is a comment, not data)."""
        lexer, end = self.lexer, self.end
        rest = _REST_OF_LINE_COMMENT_RE.match(self.pre, pos, end)
        if rest is not None and rest.group(1) is not None:
            a, b = rest.start(1), rest.end(1)
            lexer.comments.append(Comment(a, b, lexer.text[a:b]))
        for _ in range(copies):
            pos = lexer.skip_copy_data(pos, end)
        return pos

    def line_comment(self, m: re.Match[str], i: int) -> int:
        """``-- ...`` up to the end of the line; sqlc's ``-- name: X :kind`` names the next
        statement."""
        e = _EOL_RE.search(self.pre, i, self.end)
        pos = e.start() if e is not None else self.end
        lexer = self.lexer
        lexer.comments.append(Comment(i, pos, lexer.text[i:pos]))
        if lexer.sqlc:
            nm = _SQLC_NAME_RE.match(self.pre, i)
            if nm is not None:
                self.pending_name = nm.group(1)
        return pos

    def block_comment(self, m: re.Match[str], i: int) -> int:
        """``/* ... */``, nested."""
        pre, end = self.pre, self.end
        level = 1
        k = i + 2
        while level:
            cm = _NESTED_COMMENT_RE.search(pre, k, end)
            if cm is None:
                k = end
                break
            level += 1 if cm.group() == "/*" else -1
            k = cm.end()
        self.lexer.comments.append(Comment(i, k, self.lexer.text[i:k]))
        return k

    def meta_command(self, m: re.Match[str], i: int) -> int:
        """A psql meta-command (blanked to the end of its line); those that send or discard
        the query buffer end the statement; ``\\copy ... from stdin`` is followed by data."""
        lexer, pre, end = self.lexer, self.pre, self.end
        lexer.saw_psql = True
        nxt = pre[i + 1 : i + 2]
        if nxt == ";" or nxt == ":":
            # psql's \; and \: put a literal ; or : into the query buffer
            lexer.mask(i, i + 1, " ")
            if self.chunk_start >= 0:  # a leading \; is an empty statement
                self.multi = self.multi or nxt == ";"
                self.last_end = i + 2
            return i + 2
        e = _EOL_RE.search(pre, i, end)
        eol = e.start() if e is not None else end
        lexer.blank(i, eol)
        cmds = [c.lower() for c in _META_CMD_RE.findall(pre, i, eol)]
        if self.chunk_start >= 0 and any(c in _SENDING_META or c in _RESET_META for c in cmds):
            reset = any(c in _RESET_META for c in cmds)
            self.close(None if reset else self.last_end)
        elif cmds and cmds[0] == "copy" and _FROM_STDIN_RE.search(pre, i, eol):
            return lexer.skip_copy_data(eol, end)
        return eol

    # --- tokens of the statement (each returns the end of the token) --------------------------

    def string(self, m: re.Match[str], i: int) -> int:
        """``'...'``, or ``E'...'`` with backslash escapes."""
        pre = self.pre
        if i > 0 and pre[i - 1] in "eE" and (i < 2 or not _is_ident_char(pre[i - 2])):
            em = _ESTRING_BODY_RE.match(pre, i + 1, self.end)
            return em.end() if em is not None else self.end
        return _skip_quoted(pre, i + 1, self.end, "'")

    def quoted_identifier(self, m: re.Match[str], i: int) -> int:
        return _skip_quoted(self.pre, i + 1, self.end, '"')

    def dollar(self, m: re.Match[str], i: int) -> int:
        """A dollar-quoted string, or ``$`` inside an identifier (``a$b``) or a parameter."""
        pre = self.pre
        if i > self.start and _is_ident_char(pre[i - 1]):
            return i + 1  # part of an identifier such as a$b
        dm = _DOLLAR_TAG_RE.match(pre, i, self.end)
        if dm is None:
            return i + 1  # $1 parameter or stray $
        tag = dm.group()
        j = pre.find(tag, dm.end(), self.end)
        return j + len(tag) if j >= 0 else self.end

    def colon(self, m: re.Match[str], i: int) -> int:
        """``::``, or a psql variable (``:v``, ``:'v'``, ``:"v"``, ``:{?v}``) replaced by a
        same-length identifier or literal (not inside brackets: ``a[1:n]`` is a slice)."""
        pre = self.pre
        nxt = pre[i + 1 : i + 2]
        if nxt == ":":
            return i + 2
        vm = _PSQL_VAR_RE.match(pre, i, self.end) if self.bdepth == 0 else None
        if vm is None or (i > self.start and pre[i - 1] == ":"):
            return i + 1
        lexer = self.lexer
        lexer.saw_psql = True
        ve = vm.end()
        if nxt == "'":
            lexer.mask(i, ve, "'" + "_" * (ve - i - 2) + "'")
        elif nxt == "{":
            lexer.mask(i, ve, "_" * (ve - i))
        elif nxt == '"':
            lexer.mask(i, ve, '"' + "_" * (ve - i - 2) + '"')
        else:
            lexer.mask(i, i + 1, "_")
        return ve

    def bracket(self, m: re.Match[str], i: int) -> int:
        if self.pre[i] == "[":
            self.bdepth += 1
        elif self.bdepth:
            self.bdepth -= 1
        return i + 1

    def parameter(self, m: re.Match[str], i: int) -> int:
        """sqlc's ``@name`` (not an operator such as ``@>`` or ``<@``): ``_name``."""
        pre = self.pre
        pm = _SQLC_PARAM_RE.match(pre, i, self.end)
        if pm is not None and (i == self.start or pre[i - 1] not in "@<>!~#&|^*+-/%=?"):
            self.lexer.mask(i, i + 1, "_")
            return pm.end()
        return i + 1

    def parenthesis(self, m: re.Match[str], i: int) -> int:
        """A parenthesis inside CREATE FUNCTION (elsewhere the plain code counts them)."""
        if self.pre[i] == "(":
            self.depth += 1
        elif self.depth:
            self.depth -= 1
        return i + 1

    def block_word(self, m: re.Match[str], i: int) -> int:
        """BEGIN, CASE or END inside CREATE FUNCTION: ``;`` ends the statement only outside
        BEGIN ... END (CASE ... END nests inside a body)."""
        if self.depth == 0:
            w = m.group().lower()
            if w == "begin":
                self.begin_depth += 1
            elif w == "case":
                if self.begin_depth:
                    self.begin_depth += 1
            elif self.begin_depth:
                self.begin_depth -= 1
        return m.end()


# The first character of what the lexer's patterns find → the _Section method it calls.
_KINDS: Final[dict[str, Callable[[_Section, re.Match[str], int], int]]] = {
    # not tokens of the statement
    ";": _Section.semicolon,
    "-": _Section.line_comment,
    "/": _Section.block_comment,
    "\\": _Section.meta_command,
    # tokens of the statement
    "'": _Section.string,
    '"': _Section.quoted_identifier,
    "$": _Section.dollar,
    ":": _Section.colon,
    "[": _Section.bracket,
    "]": _Section.bracket,
    "@": _Section.parameter,
    "(": _Section.parenthesis,
    ")": _Section.parenthesis,
    **dict.fromkeys("bBcCeE", _Section.block_word),  # BEGIN / CASE / END in CREATE FUNCTION
}
_SEPARATORS: Final = frozenset(";-/\\")


# --- public entry points ------------------------------------------------------------------


def _skip_quoted(text: str, k: int, end: int, quote: str) -> int:
    """Offset just after the closing ``quote`` of a literal whose body starts at ``k``
    (a doubled quote is an escaped one); ``end`` when it is not closed."""
    while True:
        j = text.find(quote, k, end)
        if j < 0:
            return end
        if j + 1 < end and text.startswith(quote, j + 1):
            k = j + 2
            continue
        return j + 1


def load_source(data: bytes, path: str, *, lint_down: bool = False) -> SourceFile:
    """Decode, mask and split one file. Never raises on malformed input."""
    text, decode_error = _decode(data)

    pre = text
    if "\x00" in pre:
        pre = pre.replace("\x00", " ")
    flyway = False
    if "${" in pre:
        pre, n = _PLACEHOLDER_RE.subn(lambda m: "_" * len(m.group()), pre)
        flyway = n > 0
    template = False
    if "{{" in pre:
        pre, n = _TEMPLATE_RE.subn(lambda m: _underscores(m.group()), pre)
        template = n > 0

    markers = _find_sections(pre, lint_down)
    sqlc = "name:" in pre and _SQLC_NAME_RE.search(pre) is not None

    lexer = _Lexer(text, pre, sqlc)
    for start, end, kind in markers.sections:
        if kind == _DOWN:
            lexer.blank(start, end)
        else:
            lexer.section(start, end, kind == _BLOCK)
    masked = lexer.result()

    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    tool: str | None
    if markers.goose:
        tool = "goose"
    elif markers.dbmate:
        tool = "dbmate"
    elif flyway or _FLYWAY_NAME_RE.fullmatch(base):
        tool = "flyway"
    elif sqlc:
        tool = "sqlc"
    elif template:
        tool = "go-template"
    elif lexer.saw_psql:
        tool = "psql"
    else:
        tool = None
    in_transaction = not markers.no_transaction if (markers.goose or markers.dbmate) else None
    return SourceFile(
        path=path,
        text=text,
        masked=masked,
        chunks=lexer.chunks,
        comments=lexer.comments,
        tool=tool,
        in_transaction=in_transaction,
        decode_error=decode_error,
    )


def decode(data: bytes) -> str:
    """A file's text as :func:`load_source` reads it (``SourceFile.text``), without splitting
    it into statements."""
    return _decode(data)[0]
