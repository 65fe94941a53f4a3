"""pgarch_lint.analysis.nodes and .types on small SQL."""

from __future__ import annotations

import pytest
from analysis_probe import probe

from pgarch_lint.analysis import nodes, types
from pgarch_lint.api import ast, is_binary_coercible, normalize_type


def _where(sql: str) -> object:
    return probe(sql, (ast.SelectStmt,), lambda n, ctx: n.whereClause)[0]


def test_conjuncts_and_literals() -> None:
    where = _where("SELECT 1 FROM t WHERE a = 1 AND (b > 'x'::text AND c IS NULL);")
    parts = nodes.conjuncts(where)
    assert len(parts) == 3
    assert [nodes.op_name(p) for p in parts[:2]] == ["=", ">"]
    assert nodes.const_of(parts[0].rexpr) == (True, 1)
    assert nodes.string_const(parts[1].rexpr) == "x"  # through the cast
    assert nodes.colref_names(parts[1].lexpr) == ["b"]
    assert not nodes.is_null_const(parts[0].rexpr)


def test_walks_and_names() -> None:
    where = _where("SELECT 1 FROM t WHERE lower(s.email) = (SELECT max(x) FROM u);")
    refs = [n for n in nodes.walk_outside_sublinks(where) if isinstance(n, ast.ColumnRef)]
    assert [nodes.colref_names(r) for r in refs] == [["s", "email"]]  # not x: in a sub-select
    every = [n for n in nodes.iter_nodes(where) if isinstance(n, ast.ColumnRef)]
    assert len(every) == 2
    call = where.lexpr
    assert nodes.func_name(call) == "lower" and nodes.func_schema(call) == ""
    assert nodes.qualified_func_name(call) == "lower"
    assert nodes.has_column_ref(where)


def _type_names(sql: str) -> list[object]:
    return probe(sql, (ast.ColumnDef,), lambda n, ctx: n.typeName)


def test_canonical_and_display_names() -> None:
    tns = _type_names(
        'CREATE TABLE t (a integer, b int4, c serial8, d character varying(10), e "char", '
        "f double precision, g timestamptz(3)[]);"
    )
    assert [types.base_type(t) for t in tns] == [
        "int4",
        "int4",
        "bigserial",
        "varchar",
        "char",
        "float8",
        "timestamptz",
    ]
    assert [types.type_text(t) for t in tns] == [
        "integer",
        "integer",
        "bigserial",
        "varchar(10)",
        '"char"',
        "double precision",
        "timestamptz(3)[]",
    ]
    # the catalog's stored form and this module's comparable form agree on equal types
    assert types.comparable(normalize_type(tns[2])) == "bigint"
    assert types.comparable("INT4") == types.comparable("integer") == "integer"
    assert types.is_array(tns[6]) and types.typmods(tns[3]) == ["10"]


def test_serials_and_integers() -> None:
    assert types.serial_integer("bigserial") == "bigint"
    assert types.serial_integer("text") == "text"
    assert {
        "serial",
        "serial4",
        "bigserial",
        "serial8",
        "smallserial",
        "serial2",
    } == types.SERIAL_SPELLINGS
    assert {"int", "integer", "int4", "bigint", "smallint"} <= types.INTEGER_SPELLINGS
    assert types.INT_MAX["integer"] == 2147483647
    assert types.is_binary_coercible is is_binary_coercible  # the catalog's, re-exported
    assert is_binary_coercible("varchar(10)", "text")


@pytest.mark.parametrize(
    ("child", "parent", "how"),
    [
        ("integer", "bigint", types.NARROWER),
        ("bigint", "integer", types.WIDER),
        ("text", "varchar(20)", types.WIDER),
        ("timestamptz", "timestamptz(6)", types.ALIKE),
        ("uuid", "bigint", types.OTHER),
        ("numeric(10,2)", "numeric(10,2)", types.SAME),
    ],
)
def test_compare_types(child: str, parent: str, how: str) -> None:
    assert types.compare_types(child, parent) == how


def test_resolved_type_follows_domains() -> None:
    def resolve(node: object, ctx: object) -> str:
        return types.resolved_type("money_id", ctx.catalog)  # type: ignore[attr-defined]

    got = probe(
        "SELECT 1;",
        (ast.SelectStmt,),
        resolve,
        context="CREATE DOMAIN money_id AS int8; CREATE DOMAIN other_id AS money_id;",
    )
    assert got == ["bigint"]
