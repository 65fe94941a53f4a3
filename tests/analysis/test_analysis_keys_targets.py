"""pgarch_lint.analysis.keys and .targets on small SQL."""

from __future__ import annotations

from typing import Any

from analysis_probe import probe

from pgarch_lint.analysis import keys, targets
from pgarch_lint.api import AnyStatement, Context, ast


def _narrow(all_columns: bool) -> Any:
    def fn(node: Any, ctx: Context) -> list[tuple[str, str, str | None]]:
        return [
            (c.label, c.integer, c.role)
            for c in keys.narrow_integer_columns(node, ctx, all_columns=all_columns)
        ]

    return fn


def test_narrow_integer_columns() -> None:
    sql = (
        "CREATE TABLE t (id smallserial PRIMARY KEY, n int, k int4, m smallint[], b bigint,"
        " PRIMARY KEY (k));"
        "CREATE TABLE u (id bigint PRIMARY KEY, t_id int2);"
        "ALTER TABLE u ADD CONSTRAINT u_t_fkey FOREIGN KEY (t_id) REFERENCES t (id);"
    )
    found = [f for fs in probe(sql, (ast.ColumnDef, ast.Constraint), _narrow(False)) for f in fs]
    assert found == [
        ('"t.id"', "smallint", "serial"),
        ('"t.k"', "integer", "primary-key"),
        ('"u.t_id"', "smallint", "foreign-key"),
    ]
    every = [f for fs in probe(sql, (ast.ColumnDef, ast.Constraint), _narrow(True)) for f in fs]
    assert [label for label, _, _ in every] == ['"t.id"', '"t.n"', '"t.k"', '"u.t_id"']


def _stmt(sql: str) -> Any:
    [node] = probe(sql, (AnyStatement,), lambda n, c: n)
    return node


def test_repeated_assignments() -> None:
    node = _stmt(
        "UPDATE t SET arr[1] = 1, arr[2] = 2, p.x = 1, p.x = 2, a = 1, (a, b) = (1, 2),"
        " c[1] = 1, c = 2, d = 1, d[1] = 2, e = 1, e = 2, e = 3"
    )
    assert [name for name, _ in targets.repeated_assignments(node.targetList)] == [
        "a",
        "c",
        "d",
        "e",
    ]


def test_output_names() -> None:
    def names(sql: str) -> list[str]:
        node = _stmt(sql)
        if isinstance(node, ast.ViewStmt):
            return [n.name for n in targets.output_names(node.query, node.aliases)]
        return [n.name for n in targets.output_names(node)]

    assert names("SELECT 1, count(*), x::text, 'a'::text, (p).f, CASE WHEN true THEN 1 END") == [
        "?column?",
        "count",
        "x",
        "text",
        "f",
        "case",
    ]
    assert names("SELECT (SELECT 1 AS a), coalesce(1), greatest(1), nullif(1, 2)") == [
        "a",
        "coalesce",
        "greatest",
        "nullif",
    ]
    assert names("SELECT 1 AS a, 2 AS b UNION SELECT 3, 4") == ["a", "b"]
    assert names("CREATE VIEW v (b) AS SELECT 1 AS a, 2 AS b") == ["b", "b"]
    assert names("CREATE VIEW v (column2) AS VALUES (1, 2)") == ["column2", "column2"]
    # after a *, only what the column list cannot reach
    assert names("CREATE VIEW v (x, y) AS SELECT 1 AS a, t.*, 2 AS b FROM t") == ["x", "y"]
    assert names("CREATE VIEW v (x) AS SELECT 1 AS a, t.*, 2 AS b FROM t") == ["x", "b"]
    assert names("SELECT t.*, t.* FROM t") == []
    assert targets.inferred_name(_stmt("SELECT current_date").targetList[0].val) is None
