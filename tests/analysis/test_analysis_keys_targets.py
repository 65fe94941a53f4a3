"""pgarch_lint.analysis.keys on small SQL."""

from __future__ import annotations

from typing import Any

from analysis_probe import probe

from pgarch_lint.analysis import keys
from pgarch_lint.api import Context, ast


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
