"""pgarch_lint.analysis.existing_objects: what DROP / RENAME / SET SCHEMA name, and whether it
existed before the file."""

from __future__ import annotations

from analysis_probe import probe

from pgarch_lint.analysis import existing_objects as eo
from pgarch_lint.api import Context, ast

CONTEXT = """
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
CREATE POLICY owner_only ON accounts USING (true);
CREATE VIEW account_emails AS SELECT id, email FROM accounts;
CREATE TYPE plan AS ENUM ('free', 'paid');
CREATE FUNCTION plan_price(plan) RETURNS numeric LANGUAGE sql AS $$ SELECT 0::numeric $$;
"""


def _drops(node: ast.DropStmt, ctx: Context) -> list[tuple[str, str, bool]]:
    return [(r.kind, r.label, eo.is_new(ctx, r)) for r in eo.drop_refs(node)]


def test_drop_refs_and_origins() -> None:
    sql = (
        "CREATE VIEW fresh AS SELECT 1 AS id;"
        "CREATE TYPE mood AS ENUM ('ok');"
        "DROP VIEW account_emails, fresh;"
        "DROP POLICY owner_only ON accounts;"
        "DROP TRIGGER t ON accounts;"
        "DROP CAST (text AS mood);"
        "DROP CAST (text AS plan);"
        "DROP TYPE plan, mood;"
    )
    got = probe(sql, (ast.DropStmt,), _drops, context=CONTEXT)
    assert got == [
        [("view", 'view "account_emails"', False), ("view", 'view "fresh"', True)],
        [("policy", 'policy "owner_only" on "accounts"', False)],
        [("trigger", 'trigger "t" on "accounts"', False)],
        [("cast", "cast (text AS mood)", True)],
        [("cast", "cast (text AS plan)", False)],
        [("type", 'type "plan"', False), ("type", 'type "mood"', True)],
    ]


def test_existing_drops_skips_provable_no_ops() -> None:
    sql = (
        "DROP VIEW IF EXISTS no_such_view;"
        "DROP POLICY IF EXISTS no_such_policy ON accounts;"
        "DROP POLICY IF EXISTS owner_only ON accounts;"
        "DROP TYPE IF EXISTS no_such_type;"
        "DROP TRIGGER IF EXISTS t ON no_such_table;"
        "DROP TRIGGER IF EXISTS t ON accounts;"
    )
    got = probe(
        sql,
        (ast.DropStmt,),
        lambda n, c: [r.label for r in eo.existing_drops(n, c)],
        context=CONTEXT,
    )
    assert got == [
        [],
        [],
        ['policy "owner_only" on "accounts"'],
        [],
        [],
        ['trigger "t" on "accounts"'],
    ]


def test_rename_and_set_schema_refs() -> None:
    sql = (
        "ALTER FUNCTION plan_price(plan) RENAME TO price_of;"
        "ALTER VIEW account_emails RENAME COLUMN email TO mail;"
        "ALTER TABLE accounts RENAME CONSTRAINT accounts_pkey TO pk_accounts;"
        "ALTER TYPE plan RENAME ATTRIBUTE a TO b;"
        "ALTER SCHEMA public RENAME TO app;"
    )
    got = probe(
        sql,
        (ast.RenameStmt,),
        lambda n, c: (lambda r: r and (r.label, eo.is_new(c, r)))(eo.rename_ref(n)),
        context=CONTEXT,
    )
    assert got == [
        ('function "plan_price(plan)"', False),
        ('column "email" of "account_emails"', False),
        ('constraint "accounts_pkey" on "accounts"', False),
        ('attribute "a" of "plan"', False),
        ('schema "public"', False),
    ]
    moved = probe(
        "CREATE SEQUENCE s; ALTER SEQUENCE s SET SCHEMA x; ALTER EXTENSION e SET SCHEMA x;",
        (ast.AlterObjectSchemaStmt,),
        lambda n, c: (lambda r: r and (r.label, eo.is_new(c, r)))(eo.set_schema_ref(n)),
    )
    assert moved == [('sequence "s"', True), ('extension "e"', False)]
