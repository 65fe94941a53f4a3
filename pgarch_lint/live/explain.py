"""EXPLAIN the queries of the checked files on the live database (``check --explain``).

Each top-level SELECT / INSERT / UPDATE / DELETE / MERGE is prepared with its parameters left
untyped (``$1``...; sqlc's ``sqlc.arg(x)``, ``sqlc.narg(x)``, ``sqlc.slice(x)`` and ``@x``
become positional parameters first) so PostgreSQL infers their types, and explained as a
*generic* plan (``plan_cache_mode = force_generic_plan``, ``EXPLAIN EXECUTE`` with NULLs): a
custom plan for NULL arguments would fold ``col = NULL`` to false and hide the scan. Nothing
runs unless ``--explain-analyze`` is given, and then inside a transaction that is rolled back.

Sequential scans with a Filter on tables at least ``threshold`` bytes large are recorded in
:attr:`LiveFacts.seq_scans` under (path, statement start offset) for the
``seq-scan-on-large-table`` rule. Statements the server cannot plan are skipped, with a note.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, cast  # Any: psycopg objects, EXPLAIN JSON

from pgarch_lint import sql
from pgarch_lint.files import FileInput
from pgarch_lint.live.conn import connect, guard, psycopg, redact
from pgarch_lint.live.facts import LiveFacts, SeqScan
from pgarch_lint.source import load_source

if TYPE_CHECKING:
    from pgarch_lint.config import Settings
    from pgarch_lint.sql import ast

__all__ = ["bind_parameters", "explain_files", "filter_columns", "seq_scans"]

_DML = ("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt")
# strings, quoted identifiers, comments and dollar quotes are copied as they are
_SKIP = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|(\$[A-Za-z_]*\$).*?\1",
    re.DOTALL,
)
_SQLC_CALL = re.compile(
    r"sqlc\.(?:arg|narg|slice)\s*\(\s*(?:'([^']+)'|\"([^\"]+)\"|([A-Za-z_]\w*))\s*\)",
    re.IGNORECASE,
)
_AT_PARAM = re.compile(r"(?<![\w@<>!~#&|^*+\-/%=?])@([A-Za-z_]\w*)")
_POSITIONAL = re.compile(r"\$(\d+)")
_FILTER_COL = re.compile(
    r'\(*(?:"?[A-Za-z_][\w$]*"?\.)?("(?:[^"]|"")+"|[A-Za-z_][\w$]*)\)*'
    r"(?:::[A-Za-z_][\w ]*(?:\(\d+(?:,\d+)?\))?(?:\[\])?\)*)?\s*"
    r"(=|<>|!=|<=|>=|<|>|~~\*?|!~~\*?|IS\b|@>|<@|&&|BETWEEN\b)"
)


def bind_parameters(text: str) -> str:
    """sqlc's named parameters → ``$n`` (one number per name), outside strings/comments."""
    highest = max((int(n) for n in _POSITIONAL.findall(text)), default=0)
    numbers: dict[str, int] = {}

    def number(name: str) -> str:
        nonlocal highest
        if name not in numbers:
            highest += 1
            numbers[name] = highest
        return f"${numbers[name]}"

    def code(part: str) -> str:
        part = _SQLC_CALL.sub(lambda m: number(m.group(1) or m.group(2) or m.group(3)), part)
        return _AT_PARAM.sub(lambda m: number(m.group(1)), part)

    out: list[str] = []
    pos = 0
    for m in _SKIP.finditer(text):
        out.append(code(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(code(text[pos:]))
    return "".join(out)


def filter_columns(filter_text: str, columns: list[str]) -> tuple[str, ...]:
    """Columns of the table compared in a plan's Filter: equalities first, then the others."""
    eq: list[str] = []
    other: list[str] = []
    for m in _FILTER_COL.finditer(filter_text):
        name = m.group(1)
        name = name[1:-1].replace('""', '"') if name.startswith('"') else name
        if name in columns and name not in eq and name not in other:
            (eq if m.group(2) == "=" else other).append(name)
    return (*eq, *other)


def seq_scans(
    plan: Any, facts: LiveFacts, columns_of: dict[str, list[str]], threshold: int
) -> list[SeqScan]:
    """Filtered sequential scans of tables of at least ``threshold`` bytes in a JSON plan."""
    found: list[SeqScan] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Filter"):
            rel = node.get("Relation Name", "")
            schema = node.get("Schema", "public")
            q = f"{schema}.{rel}"
            t = facts.tables.get(q)
            if t is not None and t.total_bytes >= threshold:
                cols = filter_columns(node["Filter"], columns_of.get(q, []))
                found.append(
                    SeqScan(q, node["Filter"], cols, float(node.get("Plan Rows", 0)), t.total_bytes)
                )
        for child in node.get("Plans", ()) or ():
            walk(child)

    for item in plan if isinstance(plan, list) else [plan]:
        if isinstance(item, dict) and "Plan" in item:
            walk(item["Plan"])
    return found


def _statements(f: FileInput, settings: Settings) -> list[tuple[int, str]]:
    src = load_source(f.data, f.path, lint_down=bool(getattr(settings, "lint_down", False)))
    out: list[tuple[int, str]] = []
    for chunk in src.chunks:
        try:
            parsed = sql.parse_chunk(src.masked, chunk.start, chunk.end)
        except sql.ChunkParseError:
            continue
        for ps in parsed:
            node = ps.node
            kind = type(node).__name__
            if kind not in _DML or (
                kind == "SelectStmt" and cast("ast.SelectStmt", node).intoClause is not None
            ):
                continue
            text = src.text[ps.start : ps.end].rstrip().rstrip(";")
            out.append((ps.start, text))
    return out


def explain_files(
    dsn: str,
    files: list[FileInput],
    facts: LiveFacts,
    settings: Settings,
    *,
    threshold: int,
    analyze: bool,
) -> list[str]:
    """EXPLAIN every DML statement of ``files``; fill ``facts.seq_scans``; return notes."""
    pg = psycopg()
    notes: list[str] = []
    conn = connect(dsn)
    try:
        with guard(dsn, "explain"):
            columns_of: dict[str, list[str]] = {}
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT n.nspname || '.' || c.relname, array_agg(a.attname ORDER BY a.attnum) "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
                    "AND NOT a.attisdropped WHERE c.relkind IN ('r', 'p', 'm') "
                    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') GROUP BY 1"
                )
                columns_of = {q: list(cols) for q, cols in cur.fetchall()}
            conn.rollback()
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SET plan_cache_mode = force_generic_plan")
            conn.autocommit = False
            for f in files:
                src = load_source(f.data, f.path)
                for start, text in _statements(f, settings):
                    line = src.position(start)[0]
                    try:
                        plan = _explain(conn, bind_parameters(text), analyze)
                    except pg.Error as exc:
                        msg = " ".join(str(exc).split())
                        notes.append(f"explain skipped {f.path}:{line}: {redact(msg, dsn)}")
                        continue
                    scans = seq_scans(plan, facts, columns_of, threshold)
                    if scans:
                        facts.seq_scans[(f.path, start)] = scans
    finally:
        conn.close()
    return notes


def _explain(conn: Any, text: str, analyze: bool) -> Any:
    opts = "ANALYZE, VERBOSE, FORMAT JSON" if analyze else "VERBOSE, FORMAT JSON"
    try:
        with conn.cursor() as cur:
            cur.execute("SET LOCAL statement_timeout = '60s'")
            cur.execute(f"PREPARE pgarch_lint_q AS {text}")
            cur.execute(
                "SELECT cardinality(parameter_types) FROM pg_prepared_statements "
                "WHERE name = 'pgarch_lint_q'"
            )
            row = cur.fetchone()
            n = int(row[0]) if row and row[0] else 0
            args = "(" + ", ".join(["NULL"] * n) + ")" if n else ""
            cur.execute(f"EXPLAIN ({opts}) EXECUTE pgarch_lint_q{args}")
            result = cur.fetchone()
        plan = result[0] if result else []
        return json.loads(plan) if isinstance(plan, str) else plan
    finally:
        conn.rollback()  # ANALYZE ran the statement: never keep its effects
        with conn.cursor() as cur:
            cur.execute("DEALLOCATE ALL")
        conn.rollback()
