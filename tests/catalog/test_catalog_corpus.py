"""Replay real migration histories from the shared corpus through the catalog.

Every history is replayed statement by statement, in natural order of its paths: the catalog
must never raise, and the statements that referenced a table the catalog did not know are
counted per history (printed with ``-s``) and bounded loosely.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pglast import parse_sql
from pglast.parser import ParseError, split

from pgarch_lint.catalog import Catalog, Loc
from pgarch_lint.sql import ast, enums, walk

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def natural_key(path: Path) -> list[object]:
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", path.as_posix())]


def goose_up(text: str) -> str:
    up = re.search(r"^--\s*\+goose\s+up\b", text, re.I | re.M)
    down = re.search(r"^--\s*\+goose\s+down\b", text, re.I | re.M)
    start = up.end() if up else 0
    end = down.start() if down and down.start() > start else len(text)
    return text[start:end]


def dbmate_up(text: str) -> str:
    up = re.search(r"^--\s*migrate:up\b", text, re.M)
    down = re.search(r"^--\s*migrate:down\b", text, re.M)
    start = up.end() if up else 0
    end = down.start() if down and down.start() > start else len(text)
    return text[start:end]


def go_template(text: str) -> str:
    return re.sub(r"\{\{[^}]*\}\}", "auth", text)


def identity(text: str) -> str:
    return text


# name -> (folder, glob patterns, preprocess, max share of statements referencing unknowns)
HISTORIES: dict[str, tuple[str, tuple[str, ...], Callable[[str], str]]] = {
    "hatchet": ("hatchet", ("cmd/hatchet-migrate/migrate/migrations/*.sql",), goose_up),
    "langfuse": ("langfuse", ("packages/shared/prisma/migrations/*/migration.sql",), identity),
    "supabase_postgres": (
        "supabase_postgres",
        ("migrations/db/init-scripts/*.sql", "migrations/db/migrations/*.sql"),
        dbmate_up,
    ),
    "kestra": ("kestra", ("jdbc-postgres/src/main/resources/migrations/postgres/*.sql",), identity),
    "supabase_auth": ("supabase_auth", ("migrations/*.up.sql",), go_template),
}


def statements(text: str) -> Iterator[tuple[ast.Node, int, int]]:
    """(node, start, end) for each statement piece that parses; others are skipped."""
    for sl in split(text, with_parser=False, only_slices=True):
        start, end = sl.start, sl.stop
        piece = text[start:end]
        try:
            raws = parse_sql(piece)
        except (ParseError, RecursionError):
            continue
        for r in raws:
            if r.stmt is None:
                continue
            s = start + (r.stmt_location or 0)
            e = s + r.stmt_len if r.stmt_len else end
            yield r.stmt, s, e


def kind_of(node: ast.Node) -> str | None:
    if isinstance(node, ast.AlterTableStmt):
        return "alter"
    if isinstance(node, ast.IndexStmt):
        return "index"
    return None


def replay(name: str) -> tuple[Catalog, Counter[str], Counter[str]]:
    folder, patterns, prep = HISTORIES[name]
    root = CORPUS / folder
    files = sorted({p for pat in patterns for p in root.glob(pat)}, key=natural_key)
    assert files, f"no files for {name}"
    cat = Catalog()
    totals: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for path in files:
        text = prep(path.read_text(encoding="utf-8", errors="replace"))
        cat.begin_file(str(path), context=False)
        for node, s, e in statements(text):
            before = len(cat.unknown_references)
            cat.apply(node, Loc(str(path), s, e))
            kind = kind_of(node)
            has_fk = _mentions_fk(node)
            if kind:
                totals[kind] += 1
            if has_fk:
                totals["fk"] += 1
            if len(cat.unknown_references) > before:
                if kind:
                    unknown[kind] += 1
                if has_fk:
                    unknown["fk"] += 1
                unknown["any"] += 1
            totals["any"] += 1
    return cat, totals, unknown


def _mentions_fk(node: ast.Node) -> bool:
    if not isinstance(node, (ast.CreateStmt, ast.AlterTableStmt)):
        return False
    return any(
        isinstance(n, ast.Constraint) and n.contype == enums.ConstrType.CONSTR_FOREIGN
        for n, _ in walk(node)
    )


# Loose upper bounds on statements referencing unknown tables. Measured: hatchet 4 (indexes
# on the hash partitions v1_payload_wal_0..3, which a PL/pgSQL function creates with dynamic
# SQL, so no replay can know them); every other history 0.
MAX_UNKNOWN = {
    "hatchet": 10,
    "langfuse": 5,
    "supabase_postgres": 5,
    "kestra": 5,
    "supabase_auth": 5,
}


@pytest.mark.parametrize("name", sorted(HISTORIES))
def test_corpus_history_replays(name: str) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    cat, totals, unknown = replay(name)
    print(
        f"\n{name}: {totals['any']} statements, {len(cat.tables())} tables; unknown refs: "
        f"alter {unknown['alter']}/{totals['alter']}, index {unknown['index']}/{totals['index']}, "
        f"fk {unknown['fk']}/{totals['fk']}, any {unknown['any']}"
    )
    assert cat.errors == 0, cat.failures[:5]
    assert cat.tables()
    assert unknown["any"] <= MAX_UNKNOWN[name], sorted({n for n, _ in cat.unknown_references})
