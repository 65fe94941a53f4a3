"""Which statements hold queries, and how often they run: cheap tests the query rules make
before importing the query analysis (:mod:`.queries`), so that a migration of DDL only never
loads it: which statements can contain a query that reads a table,
whether a file holds application queries or is a migration, and whether a statement runs once
(when the migration is applied) or again and again.

Query files and migrations
--------------------------
A *query file* holds the application's queries (sqlc files, a ``queries.sql`` checked against
the schema given with ``--context``): each statement runs many times, and index or pagination
advice is about that hot path. A *migration* (any script run once: a migration tool's file, a
psql script, a pg_dump) runs its top-level statements once. :func:`is_query_file` decides, in
this order:

1. sqlc files (``-- name: X :one`` annotations) are query files;
2. files of a migration tool (goose or dbmate markers, Flyway placeholders or file names) are
   migrations. psql syntax alone says nothing: ``:name`` is a psql variable and also the named
   parameter of many query libraries (yesql, aiosql, HugSQL, SQLAlchemy's ``text()``);
3. a file with a DDL statement (``ctx.file.ddl``: a statement starts with CREATE, ALTER, DROP,
   COMMENT, GRANT, DO ...) is a migration;
4. a file whose path looks like a migration is one: it is named ``migration.sql``, ``up.sql``,
   ``down.sql`` or ``*.up.sql`` / ``*.down.sql``, its name starts with a version number
   (``001_backfill.sql``, ``20240101120000_backfill.sql``, ``0002-seed.sql``), or one of its
   folders is named ``migrations``, ``migration``, ``migrate``, ``changelog`` or
   ``changelogs`` (the path as given on the command line);
5. anything else is a query file.

A migration that only backfills (``UPDATE t SET status = 'x' WHERE status = 'y'``) has no DDL;
rule 4 catches the usual layouts (Prisma's ``migrations/<version>_<name>/migration.sql``,
golang-migrate's ``000042_x.up.sql``, Rails' ``db/migrate``).

Statements that run once
------------------------
:func:`runs_once` is true for the statements the performance advice of the query rules
(missing indexes, partition pruning, OFFSET, ``ORDER BY random()``, leading-wildcard LIKE)
does not apply to: the top-level statements of a migration and the statements of a DO block.
It is false in a query file, inside function and procedure bodies (``ctx.statement.deferred``:
they run when called), for the stored queries of CREATE VIEW / MATERIALIZED VIEW, CREATE
POLICY, CREATE RULE, PREPARE and CREATE TRIGGER ... WHEN, which run again and again, and for
a statement with bind parameters (``$1``): a migration runner cannot bind them, so such a
statement is an application query even in a file with DDL.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from pgarch_lint import astutil as util
from pgarch_lint.sql import ast, enums

if TYPE_CHECKING:
    from pgarch_lint.api import Context

__all__ = [
    "NO_QUERY_ROOTS",
    "application_query",
    "has_parameters",
    "is_query_file",
    "may_read_tables",
    "migration_path",
    "runs_once",
    "stored_query",
]

#: Statements that cannot hold a query reading a table: PostgreSQL rejects subqueries in
#: DEFAULT, CHECK, index expressions/predicates, generated columns and partition bounds, and
#: these statements have nowhere else to put one. The query rules skip them without a walk.
NO_QUERY_ROOTS: tuple[type, ...] = (
    ast.CreateStmt,
    ast.AlterTableStmt,
    ast.IndexStmt,
    ast.DropStmt,
    ast.RenameStmt,
    ast.CommentStmt,
    ast.GrantStmt,
    ast.GrantRoleStmt,
    ast.AlterDefaultPrivilegesStmt,
    ast.CreateSeqStmt,
    ast.AlterSeqStmt,
    ast.VariableSetStmt,
    ast.AlterOwnerStmt,
    ast.TransactionStmt,
    ast.CreateEnumStmt,
    ast.AlterEnumStmt,
    ast.CreateExtensionStmt,
    ast.AlterObjectSchemaStmt,
    ast.CreateRoleStmt,
    ast.AlterRoleStmt,
    ast.CreateDomainStmt,
    ast.CompositeTypeStmt,
    ast.TruncateStmt,
    ast.LockStmt,
    ast.ReindexStmt,
    ast.VacuumStmt,
)

#: Statements whose query is stored and runs again and again: a view is expanded into every
#: query that reads it, a policy's expression is added to every query on its table, a
#: prepared statement or a rule runs when used, a SQL-standard function body when called.
_STORED_QUERY_ROOTS: tuple[type, ...] = (
    ast.ViewStmt,
    ast.CreatePolicyStmt,
    ast.AlterPolicyStmt,
    ast.PrepareStmt,
    ast.RuleStmt,
    ast.CreateFunctionStmt,
    ast.CreateTrigStmt,
)

_MIGRATION_TOOLS = frozenset({"goose", "dbmate", "flyway"})
_MIGRATION_FOLDERS = frozenset({"migrations", "migration", "migrate", "changelog", "changelogs"})
_MIGRATION_NAMES = frozenset({"migration.sql", "up.sql", "down.sql"})
_VERSIONED_NAME = re.compile(r"\d+[_-].*|.*\.(?:up|down)\.sql", re.IGNORECASE)


def may_read_tables(node: object) -> bool:
    """False for statements that can contain no table-reading query (cheap pre-check)."""
    return not isinstance(node, NO_QUERY_ROOTS)


def is_query_file(ctx: Context) -> bool:
    """Whether the file being checked holds application queries rather than a migration
    (see the module documentation for the order of the tests)."""
    return _is_query_file(ctx.file.path, ctx.file.tool, ctx.file.ddl)


@functools.lru_cache(maxsize=256)
def _is_query_file(path: str, tool: str | None, ddl: bool) -> bool:
    if tool == "sqlc":
        return True
    if tool in _MIGRATION_TOOLS or ddl:
        return False
    return not migration_path(path)


def migration_path(path: str) -> bool:
    """Whether a file's path looks like a migration's (its name or one of its folders)."""
    parts = path.replace("\\", "/").lower().split("/")
    name = parts[-1]
    if name in _MIGRATION_NAMES or _VERSIONED_NAME.fullmatch(name):
        return True
    return any(p in _MIGRATION_FOLDERS for p in parts[:-1])


def has_parameters(ctx: Context) -> bool:
    """Whether the statement being checked has bind parameters (``$1``): an application
    query, which no migration runner can execute."""
    st = ctx.statement
    if st is None or st.node is None or "$" not in st.text:
        return False
    return _has_param_ref(st.node)


def _has_param_ref(node: ast.Node) -> bool:
    stack: list[object] = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.ParamRef):
            return True
        if isinstance(cur, tuple):
            stack.extend(cur)
        elif isinstance(cur, ast.Node):
            stack.extend(util.children(cur))
    return False


def stored_query(node: object) -> bool:
    """Whether ``node`` (a statement) stores a query that runs again and again."""
    if isinstance(node, ast.CreateTableAsStmt):
        return node.objtype == enums.ObjectType.OBJECT_MATVIEW
    return isinstance(node, _STORED_QUERY_ROOTS)


def runs_once(ctx: Context) -> bool:
    """Whether the statement being checked runs once, when the migration is applied (a
    top-level statement of a migration, a statement of a DO block), rather than again and
    again (a query file, a function body, a view, a policy, a statement with ``$1``)."""
    st = ctx.statement
    if st is None or st.deferred or stored_query(st.node):
        return False
    if st.nested:
        return True  # a DO block: runs when the migration does
    return not is_query_file(ctx) and not has_parameters(ctx)


def application_query(ctx: Context) -> bool:
    """Whether the statement being checked is a top-level application query: a statement of
    a query file, or one with bind parameters."""
    st = ctx.statement
    if st is None or st.nested:
        return False
    return is_query_file(ctx) or has_parameters(ctx)
