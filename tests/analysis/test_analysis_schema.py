"""pgarch_lint.analysis.definitions, .migration, .tenancy, .security, .naming, .live and .memo
on small SQL."""

from __future__ import annotations

from typing import Any

from analysis_probe import probe

from pgarch_lint.analysis import (
    definitions,
    live,
    memo,
    migration,
    naming,
    security,
    tenancy,
)
from pgarch_lint.api import Context, EndOfRun, ast, util


def test_column_sites_and_constraints() -> None:
    sql = (
        "CREATE TABLE a (id bigint PRIMARY KEY, b_id int REFERENCES b (id) ON DELETE CASCADE);"
        "ALTER TABLE a ADD COLUMN c text, ALTER COLUMN b_id TYPE bigint;"
        "CREATE TYPE pair AS (x int, y int);"
    )
    sites = probe(sql, (ast.ColumnDef,), definitions.column_site)
    assert [(s.kind, s.name, util.rv_name(s.table)) for s in sites if s is not None] == [
        ("create", "id", "a"),
        ("create", "b_id", "a"),
        ("add", "c", "a"),
        ("alter-type", "b_id", "a"),
    ]
    assert sites[-2:] == [None, None]  # a composite type's columns
    [cons] = probe(sql, (ast.CreateStmt,), lambda n, c: list(definitions.statement_constraints(n)))
    assert [(definitions.contype(c).name, cols) for c, cols in cons] == [
        ("CONSTR_PRIMARY", ["id"]),
        ("CONSTR_FOREIGN", ["b_id"]),
    ]
    fk = "CONSTRAINT f FOREIGN KEY (b_id) REFERENCES b (id) MATCH FULL ON DELETE NO ACTION"
    assert definitions.written_fk_actions(fk) == {"on-delete"}


def test_existing_or_new_relations_and_added_columns() -> None:
    context = "CREATE TABLE old (id bigint PRIMARY KEY);"
    sql = (
        "CREATE TABLE fresh (id bigint);"
        "ALTER TABLE old ADD COLUMN n serial4 NOT NULL DEFAULT NULL;"
        "ALTER TABLE fresh ADD COLUMN m int;"
        "ALTER TABLE old ADD COLUMN IF NOT EXISTS n int;"
    )

    def run(node: Any, ctx: Context) -> tuple[bool, bool, Any]:
        cmd = next(util.alter_cmds(node))
        return (
            migration.existing_alter_target(node, ctx),
            migration.existed_before(ctx, node.relation),
            migration.added_column(cmd),
        )

    got = probe(sql, (ast.AlterTableStmt,), run, context=context)
    assert [(g[0], g[1]) for g in got] == [(True, True), (False, False), (True, True)]
    added = got[0][2]
    assert (added.name, added.type, added.serial, added.not_null) == ("n", "serial", True, True)
    assert added.default is None  # DEFAULT NULL counts as absent

    def new_column(node: Any, ctx: Context) -> bool:
        return migration.column_is_new(ctx, node.relation, "n")

    # "old"."n" is new once the first statement added it; "fresh" has no "n"
    got_new = probe(sql, (ast.AlterTableStmt,), new_column, context=context)
    assert got_new == [False, False, True]


def test_tenancy() -> None:
    schema = (
        "CREATE TABLE accounts (id bigint PRIMARY KEY);"
        "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);"
    )

    def run(node: Any, ctx: Context) -> list[tuple[str, str]]:
        return [(t.name, col) for t, col in tenancy.tenant_tables(ctx)]

    assert probe(schema, (EndOfRun,), run) == [[("notes", "tenant_id")]]

    def policies(node: Any, ctx: Context) -> tuple[bool, list[str]]:
        return tenancy.always_true(node.qual), tenancy.filter_columns(node.qual)

    sql = (
        "CREATE POLICY a ON notes USING (1 = 1);"
        "CREATE POLICY b ON notes USING (tenant_id = current_setting('app.t')::bigint "
        "AND owner = auth.uid());"
    )
    assert probe(sql, (ast.CreatePolicyStmt,), policies, context=schema) == [
        (True, []),
        (False, ["tenant_id", "owner"]),
    ]


def test_security() -> None:
    sql = (
        "CREATE FUNCTION f(a int, OUT b int) RETURNS int LANGUAGE sql SECURITY DEFINER "
        "SET search_path = pg_catalog AS 'SELECT 1';"
    )

    def run(node: Any, ctx: Context) -> tuple[Any, ...]:
        return (
            security.security_definer(node.options),
            security.search_path_action(node.options),
            security.input_arg_count(node.parameters),
        )

    assert probe(sql, (ast.CreateFunctionStmt,), run) == [(True, "set", 1)]

    def funcs(node: Any, ctx: Context) -> list[str]:
        return [f.qualified for f in security.catalog_functions(ctx.catalog, ["f"], 1)]

    assert probe("SELECT 1;", (ast.SelectStmt,), funcs, context=sql) == [["public.f"]]
    text = 'ALTER ROLE "Admin" WITH LOGIN'
    assert security.role_name_span(text, 100, "Admin") == (111, 118)


def test_naming() -> None:
    assert naming.is_snake("order_items") and not naming.is_snake("OrderItems")
    assert naming.derived_is_snake("User_email_key", ("User", "email"))
    assert naming.to_snake("OrderItems") == "order_items"
    assert naming.KEYWORD_KIND["user"] == "reserved keyword"

    def run(node: Any, ctx: Context) -> list[str]:
        return [d.name for d in naming.checked_declarations(ctx, ("table",))]

    got = probe(
        'CREATE TABLE "Orders" (id int);', (EndOfRun,), run, context="CREATE TABLE Ctx (a int);"
    )
    assert got == [["Orders"]]  # a context file's names are not judged


def test_live_facts() -> None:
    assert probe("SELECT 1;", (ast.SelectStmt,), lambda n, c: live.live_facts(c.catalog)) == [None]
    facts = live.LiveFacts(database="d", server_version=170000)
    facts.tables["app.orders"] = live.TableFacts("app.orders", 3 * 1024**3, 4e7)
    assert facts.table("orders") is facts.tables["app.orders"]  # one schema has it
    assert facts.tables["app.orders"].label == "3072 MB, 40 M rows"
    assert live.format_size(8192) == "8192 bytes" and live.parse_size("1.5 GB") == 1610612736


def test_per_statement_shares_one_result() -> None:
    calls: list[int] = []

    @memo.per_statement
    def helper(node: Any, ctx: Context) -> int:
        calls.append(1)
        return len(calls)

    got = probe("SELECT 1; SELECT 2;", (ast.SelectStmt,), lambda n, c: (helper(n, c), helper(n, c)))
    assert got == [(1, 1), (2, 2)] and len(calls) == 2
