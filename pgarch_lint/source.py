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
from dataclasses import dataclass, field
from typing import Final

__all__ = ["Chunk", "Comment", "SourceFile", "is_down_file", "load_source"]


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
        return text, (offset, f"invalid UTF-8 byte 0x{data[bad]:02x}")


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
        pre = self.pre
        text = self.text
        chunks = self.chunks
        comments = self.comments
        sqlc = self.sqlc
        plain_pat = _PAT_SQLC if sqlc else _PAT_PLAIN
        fn_pat = _PAT_FN_SQLC if sqlc else _PAT_FN
        pat = plain_pat
        search = pat.search
        pos = start
        depth = 0  # parentheses
        bdepth = 0  # brackets
        begin_depth = 0  # BEGIN ... END inside CREATE FUNCTION/PROCEDURE
        chunk_start = -1
        last_end = start  # end of the last token of the open chunk
        is_copy = False
        multi = False  # the statement holds psql's \; (several statements sent at once)
        in_fn = False
        pending_name: str | None = None
        name: str | None = None

        while True:
            m = search(pre, pos, end)
            i = m.start() if m is not None else end
            if i > pos:
                seg = pre[pos:i]
                stripped = seg.rstrip(_WS)
                if stripped:
                    if chunk_start < 0:
                        chunk_start = pos + len(seg) - len(seg.lstrip(_WS))
                        name, pending_name = pending_name, None
                        is_copy = _COPY_START_RE.match(pre, chunk_start) is not None
                        if not block and _FUNC_START_RE.match(pre, chunk_start):
                            in_fn = True
                            pat = fn_pat
                            search = pat.search
                            pos = chunk_start
                            continue
                    last_end = pos + len(stripped)
                    if not in_fn:
                        # A stray ")" may take the depth below zero: the statement still
                        # ends at the next ";" (psql would clamp at zero and run on).
                        depth += seg.count("(") - seg.count(")")
            if m is None:
                break
            tok = m.group()
            c = tok[0]
            if c == ";":
                pos = i + 1
                if depth <= 0 and begin_depth == 0 and not block:
                    if chunk_start >= 0:
                        chunks.append(Chunk(chunk_start, i + 1, name))
                        copies = 0
                        if multi:
                            copies = len(_COPY_FROM_STDIN_RE.findall(pre, chunk_start, i))
                        elif is_copy and _FROM_STDIN_RE.search(pre, chunk_start, i):
                            copies = 1
                        if copies:
                            rest = _REST_OF_LINE_COMMENT_RE.match(pre, pos, end)
                            if rest is not None and rest.group(1) is not None:
                                comments.append(
                                    Comment(
                                        rest.start(1),
                                        rest.end(1),
                                        text[rest.start(1) : rest.end(1)],
                                    )
                                )
                            for _ in range(copies):
                                pos = self.skip_copy_data(pos, end)
                        chunk_start = -1
                        depth = bdepth = begin_depth = 0
                        is_copy = multi = False
                        if in_fn:
                            in_fn = False
                            pat = plain_pat
                            search = pat.search
                elif chunk_start >= 0:
                    last_end = i + 1
                continue
            if c == "-":  # -- comment
                e = _EOL_RE.search(pre, i, end)
                pos = e.start() if e is not None else end
                comments.append(Comment(i, pos, text[i:pos]))
                if sqlc:
                    nm = _SQLC_NAME_RE.match(pre, i)
                    if nm is not None:
                        pending_name = nm.group(1)
                continue
            if c == "/":  # /* nested comment */
                level = 1
                k = i + 2
                while level:
                    cm = _NESTED_COMMENT_RE.search(pre, k, end)
                    if cm is None:
                        k = end
                        break
                    level += 1 if cm.group() == "/*" else -1
                    k = cm.end()
                pos = k
                comments.append(Comment(i, pos, text[i:pos]))
                continue
            if c == "\\":
                self.saw_psql = True
                nxt = pre[i + 1 : i + 2]
                if nxt == ";" or nxt == ":":
                    # psql's \; and \: put a literal ; or : into the query buffer
                    self.mask(i, i + 1, " ")
                    pos = i + 2
                    if chunk_start >= 0:  # a leading \; is an empty statement
                        multi = multi or nxt == ";"
                        last_end = pos
                    continue
                e = _EOL_RE.search(pre, i, end)
                eol = e.start() if e is not None else end
                self.blank(i, eol)
                pos = eol
                cmds = [c.lower() for c in _META_CMD_RE.findall(pre, i, eol)]
                if chunk_start >= 0 and any(c in _SENDING_META or c in _RESET_META for c in cmds):
                    if not any(c in _RESET_META for c in cmds):
                        chunks.append(Chunk(chunk_start, last_end, name))
                    chunk_start = -1
                    depth = bdepth = begin_depth = 0
                    is_copy = multi = False
                    if in_fn:
                        in_fn = False
                        pat = plain_pat
                        search = pat.search
                elif cmds and cmds[0] == "copy" and _FROM_STDIN_RE.search(pre, i, eol):
                    pos = self.skip_copy_data(eol, end)
                continue
            # Everything below is a token of the statement.
            if chunk_start < 0:
                chunk_start = i
                name, pending_name = pending_name, None
            if c == "'":
                k = i + 1
                if i > 0 and pre[i - 1] in "eE" and (i < 2 or not _is_ident_char(pre[i - 2])):
                    em = _ESTRING_BODY_RE.match(pre, k, end)
                    k = em.end() if em is not None else end
                else:
                    k = _skip_quoted(pre, k, end, "'")
                last_end = pos = k
            elif c == '"':
                last_end = pos = _skip_quoted(pre, i + 1, end, '"')
            elif c == "$":
                if i > start and _is_ident_char(pre[i - 1]):
                    last_end = pos = i + 1  # part of an identifier such as a$b
                else:
                    dm = _DOLLAR_TAG_RE.match(pre, i, end)
                    if dm is None:
                        last_end = pos = i + 1  # $1 parameter or stray $
                    else:
                        tag = dm.group()
                        j = pre.find(tag, dm.end(), end)
                        last_end = pos = j + len(tag) if j >= 0 else end
            elif c == ":":
                nxt = pre[i + 1 : i + 2]
                if nxt == ":":
                    last_end = pos = i + 2
                    continue
                vm = _PSQL_VAR_RE.match(pre, i, end) if bdepth == 0 else None
                if vm is None or (i > start and pre[i - 1] == ":"):
                    last_end = pos = i + 1
                    continue
                self.saw_psql = True
                ve = vm.end()
                if nxt == "'":
                    self.mask(i, ve, "'" + "_" * (ve - i - 2) + "'")
                elif nxt == "{":
                    self.mask(i, ve, "_" * (ve - i))
                elif nxt == '"':
                    self.mask(i, ve, '"' + "_" * (ve - i - 2) + '"')
                else:
                    self.mask(i, i + 1, "_")
                last_end = pos = ve
            elif c == "[":
                bdepth += 1
                last_end = pos = i + 1
            elif c == "]":
                if bdepth:
                    bdepth -= 1
                last_end = pos = i + 1
            elif c == "@":
                pm = _SQLC_PARAM_RE.match(pre, i, end)
                if pm is not None and (i == start or pre[i - 1] not in "@<>!~#&|^*+-/%=?"):
                    self.mask(i, i + 1, "_")
                    last_end = pos = pm.end()
                else:
                    last_end = pos = i + 1
            elif c == "(":
                depth += 1
                last_end = pos = i + 1
            elif c == ")":
                if depth:
                    depth -= 1
                last_end = pos = i + 1
            else:  # BEGIN / CASE / END inside CREATE FUNCTION
                last_end = pos = m.end()
                if depth == 0:
                    w = tok.lower()
                    if w == "begin":
                        begin_depth += 1
                    elif w == "case":
                        if begin_depth:
                            begin_depth += 1
                    elif begin_depth:
                        begin_depth -= 1

        if chunk_start >= 0:
            chunks.append(Chunk(chunk_start, last_end, name))


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


def is_down_file(path: str) -> bool:
    """Whether ``path`` is a down/revert migration (Diesel, golang-migrate, sqitch)."""
    parts = path.replace("\\", "/").split("/")
    base = parts[-1].lower()
    if base == "down.sql" or base.endswith(".down.sql"):
        return True
    return "revert" in parts[:-1]
