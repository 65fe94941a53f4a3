"""analysis.compat_targets: which objects a rollback-compatibility rule judges."""

from __future__ import annotations

from analysis_probe import probe

from pgarch_lint.analysis import compat_targets as ct
from pgarch_lint.api import Context, ast, util

CONTEXT = """
CREATE TABLE accounts (id bigint PRIMARY KEY, email text UNIQUE);
CREATE TABLE imported AS SELECT 1 AS id;
CREATE DOMAIN money_cents AS bigint;
CREATE FUNCTION balance(account bigint) RETURNS numeric LANGUAGE sql AS $$ SELECT 0 $$;
"""


def test_relations_in_use_and_if_exists_noops() -> None:
    sql = """
    ALTER TABLE accounts ADD COLUMN note text;
    CREATE TABLE drafts (id bigint PRIMARY KEY);
    ALTER TABLE drafts ADD COLUMN note text;
    DROP TABLE drafts;
    ALTER TABLE IF EXISTS drafts ADD COLUMN other text;
    ALTER TABLE IF EXISTS never_seen ADD COLUMN other text;
    ALTER TABLE IF EXISTS elsewhere.never_seen ADD COLUMN other text;
    """

    def judge(node: ast.AlterTableStmt, ctx: Context) -> tuple[bool, bool]:
        rv = node.relation
        return ct.relation_in_use(ctx, rv, node.missing_ok), ct.if_exists_noop(
            ctx, node.missing_ok, rv
        )

    assert probe(sql, (ast.AlterTableStmt,), judge, context=CONTEXT) == [
        (True, False),  # accounts: from the history
        (False, False),  # drafts: created in this file
        (False, True),  # drafts again: provably dropped
        (False, True),  # never created in a schema whose history was read
        (True, False),  # never seen in a schema nothing was read about: may exist
    ]


def test_definition_known() -> None:
    sql = "SELECT 1;"

    def judge(node: object, ctx: Context) -> tuple[bool, bool, bool]:
        cat = ctx.catalog
        return (
            ct.definition_known(ctx, cat.table_by_name("accounts")),
            ct.definition_known(ctx, cat.table_by_name("imported")),  # CREATE TABLE AS
            ct.definition_known(ctx, cat.table_by_name("missing")),
        )

    assert probe(sql, (ast.SelectStmt,), judge, context=CONTEXT) == [(True, False, False)]


def test_types_and_routines() -> None:
    sql = """
    CREATE DOMAIN percent AS numeric;
    CREATE FUNCTION fee(amount numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT 0 $$;
    CREATE FUNCTION fee(amount numeric, rate numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT 0 $$;
    DROP DOMAIN percent, money_cents, unknown_domain;
    DROP FUNCTION fee(numeric), fee, balance(bigint), balance, nowhere(int);
    """

    def domains(node: ast.DropStmt, ctx: Context) -> list[bool]:
        return [ct.type_is_new(ctx, util.names_of(o)) for o in node.objects or ()]

    def routines(node: ast.DropStmt, ctx: Context) -> list[bool]:
        return [ct.routine_is_new(ctx, o) for o in node.objects or ()]

    got = probe(sql, (ast.DropStmt,), domains, context=CONTEXT)
    assert got[0] == [True, False, False]
    got = probe(sql, (ast.DropStmt,), routines, context=CONTEXT)
    assert got[1] == [True, True, False, False, False]


def test_runs_later_inside_function_bodies() -> None:
    sql = """
    DROP TABLE IF EXISTS gone;
    CREATE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        DROP TABLE IF EXISTS gone;
    END $$;
    """
    assert probe(sql, (ast.DropStmt,), lambda n, c: ct.runs_later(c)) == [False, True]
