"""pgarch_lint.analysis.altered_objects: the object an ALTER names, and whether it is new."""

from __future__ import annotations

from typing import Any

from analysis_probe import probe

from pgarch_lint.analysis import altered_objects as ao
from pgarch_lint.api import Context, ast, util

CONTEXT = """
CREATE SCHEMA geo;
CREATE TYPE mood AS ENUM ('ok');
CREATE TYPE geo.point2 AS (x float8, y float8);
CREATE FUNCTION score(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
CREATE FUNCTION score(a text) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TABLE notes (id bigint PRIMARY KEY);
CREATE POLICY notes_all ON notes USING (true);
CREATE ROLE app_rw;
CREATE EXTENSION hstore;
"""


def test_types_resolve_through_the_search_path_and_know_their_origin() -> None:
    sql = (
        "CREATE TYPE fresh AS ENUM ('a');"
        "ALTER TYPE mood ADD VALUE 'meh';"
        "ALTER TYPE fresh ADD VALUE 'b';"
        "ALTER TYPE nosuch ADD VALUE 'x';"
    )

    def run(node: ast.AlterEnumStmt, ctx: Context) -> tuple[str | None, bool]:
        ty = ao.altered_type(ctx, util.names_of(node.typeName))
        return (ty.qualified if ty else None, ao.all_created_here(ctx, [ty]))

    got = probe(sql, (ast.AlterEnumStmt,), run, context=CONTEXT)
    assert got == [("public.mood", False), ("public.fresh", True), (None, False)]
    composite = probe(
        "ALTER TYPE geo.point2 ADD ATTRIBUTE z float8;",
        (ast.AlterTableStmt,),
        lambda n, c: ao.altered_type(c, [n.relation.schemaname, n.relation.relname]),
        context=CONTEXT,
    )
    assert [t.kind for t in composite] == ["composite"]


def test_functions_by_exact_signature_or_every_overload() -> None:
    sql = (
        "ALTER FUNCTION score(integer) STRICT;"
        "ALTER FUNCTION score STRICT;"
        "ALTER FUNCTION score(bigint) STRICT;"
        "CREATE FUNCTION fresh() RETURNS int LANGUAGE sql AS 'SELECT 1';"
        "ALTER FUNCTION fresh() STRICT;"
    )

    def run(node: ast.AlterFunctionStmt, ctx: Context) -> tuple[list[tuple[str, ...]], bool]:
        funcs = ao.altered_functions(ctx, node.func)
        return ([f.argtypes for f in funcs], ao.all_created_here(ctx, funcs))

    got = probe(sql, (ast.AlterFunctionStmt,), run, context=CONTEXT)
    assert got == [
        ([("integer",)], False),
        ([("integer",), ("text",)], False),
        ([], False),  # unknown overload: assumed to exist
        ([()], True),
    ]


def test_policies_roles_extensions() -> None:
    sql = (
        "CREATE POLICY notes_new ON notes USING (false);"
        "ALTER POLICY notes_all ON notes USING (false);"
        "ALTER POLICY notes_new ON notes USING (true);"
        "ALTER POLICY nosuch ON notes USING (true);"
    )

    def policy(node: ast.AlterPolicyStmt, ctx: Context) -> tuple[str | None, bool]:
        p = ao.altered_policy(ctx, node.table, node.policy_name)
        return (p.name if p else None, ao.all_created_here(ctx, [p]))

    assert probe(sql, (ast.AlterPolicyStmt,), policy, context=CONTEXT) == [
        ("notes_all", False),
        ("notes_new", True),
        (None, False),
    ]

    roles = "CREATE ROLE batch;ALTER ROLE app_rw LOGIN;ALTER ROLE batch LOGIN;ALTER ROLE CURRENT_USER LOGIN;"

    def role(node: ast.AlterRoleStmt, ctx: Context) -> tuple[str | None, bool]:
        r = ao.altered_role(ctx, node.role)
        return (r.name if r else None, ao.all_created_here(ctx, [r]))

    assert probe(roles, (ast.AlterRoleStmt,), role, context=CONTEXT) == [
        ("app_rw", False),
        ("batch", True),
        (None, False),
    ]

    exts = "CREATE EXTENSION citext;ALTER EXTENSION hstore UPDATE;ALTER EXTENSION citext UPDATE;"

    def ext(node: ast.AlterExtensionStmt, ctx: Context) -> bool:
        return ao.all_created_here(ctx, [ao.altered_extension(ctx, node.extname)])

    assert probe(exts, (ast.AlterExtensionStmt,), ext, context=CONTEXT) == [False, True]
    assert probe("ALTER EXTENSION x UPDATE;", (ast.AlterExtensionStmt,), ext) == [False]


def test_alter_table_if_exists_of_a_relation_known_to_be_gone() -> None:
    sql = (
        "CREATE TABLE scratch (id int);"
        "DROP TABLE scratch;"
        "ALTER TABLE IF EXISTS scratch ADD COLUMN a int;"
        "ALTER TABLE IF EXISTS elsewhere ADD COLUMN a int;"
        "ALTER TABLE notes ADD COLUMN a int;"
    )

    def run(node: Any, ctx: Context) -> bool:
        return ao.alter_table_does_nothing(ctx, node)

    # the context file created relations in "public": its whole content is known
    assert probe(sql, (ast.AlterTableStmt,), run, context=CONTEXT) == [True, True, False]
    # with no history, a name the file never saw may exist
    assert probe(sql, (ast.AlterTableStmt,), run) == [True, False, False]
