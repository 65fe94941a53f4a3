"""The replay: what each DDL statement does to the catalog, one module per statement family.

Each handler is a function ``on_<NodeType>(catalog, node)`` that reads the statement's tree
and changes the catalog through its verbs (:class:`~pgarch_lint.catalog.store.Catalog`); no
handler touches the store's secondary indexes. :data:`HANDLERS` is the explicit table the
catalog dispatches through: a statement whose node type is not in it changes nothing.

=================  ==========================================================================
module             statements
=================  ==========================================================================
``session``        SET search_path, SELECT set_config(...) / SELECT ... INTO
``schemas``        CREATE SCHEMA (and its embedded statements), CREATE / ALTER EXTENSION
``tables``         CREATE TABLE (LIKE, PARTITION OF, INHERITS), CREATE TABLE AS
``constraints``    table constraints and the indexes they own (used by tables, alter_table)
``alter_table``    ALTER TABLE / VIEW / SEQUENCE / INDEX, by family of sub-commands
``indexes``        CREATE INDEX, ALTER INDEX ... ATTACH PARTITION, index copies
``views``          CREATE [MATERIALIZED] VIEW, REFRESH MATERIALIZED VIEW
``policies``       CREATE / ALTER POLICY
``types``          CREATE TYPE (enum, composite, range), ALTER TYPE, CREATE / ALTER DOMAIN
``sequences``      CREATE / ALTER SEQUENCE
``functions``      CREATE [OR REPLACE] FUNCTION / PROCEDURE, ALTER FUNCTION
``grants``         GRANT / REVOKE on objects, ALTER DEFAULT PRIVILEGES
``roles``          CREATE / ALTER / DROP ROLE, GRANT / REVOKE role membership
``comments``       COMMENT ON
``drops``          DROP ...
``renames``        ALTER ... RENAME, ALTER ... SET SCHEMA, ALTER ... OWNER TO
=================  ==========================================================================

Typing: each handler takes its own node class (``on_CreateStmt(cat, node: ast.CreateStmt)``),
and pglast's stubs type the attributes of a node, every child ``X | None``. Where the grammar
always fills a child (the table of CREATE TABLE, the ``def_`` an ALTER TABLE sub-command
carries), a handler casts it (``typing.cast``) rather than checking it: a cast changes
nothing at run time, so a node the handler does not expect fails as it did before and
:meth:`~pgarch_lint.catalog.store.Catalog.apply` records the failure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pgarch_lint.catalog.replay import (
    alter_table,
    comments,
    drops,
    functions,
    grants,
    indexes,
    policies,
    renames,
    roles,
    schemas,
    sequences,
    session,
    tables,
    types,
    views,
)
from pgarch_lint.sql import ast

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog

__all__ = ["HANDLERS", "Handler"]

# the node parameter is Any: each handler takes the node class it is registered under, a
# pairing of key and value types that a Mapping's type cannot state
Handler = Callable[["Catalog", Any], None]

#: statement node type → its replay handler
HANDLERS: Mapping[type, Handler] = {
    # session
    ast.VariableSetStmt: session.on_VariableSetStmt,
    ast.SelectStmt: session.on_SelectStmt,
    # schemas and extensions
    ast.CreateSchemaStmt: schemas.on_CreateSchemaStmt,
    ast.CreateExtensionStmt: schemas.on_CreateExtensionStmt,
    ast.AlterExtensionStmt: schemas.on_AlterExtensionStmt,
    # tables
    ast.CreateStmt: tables.on_CreateStmt,
    ast.CreateTableAsStmt: tables.on_CreateTableAsStmt,
    ast.AlterTableStmt: alter_table.on_AlterTableStmt,
    # indexes, views, policies
    ast.IndexStmt: indexes.on_IndexStmt,
    ast.ViewStmt: views.on_ViewStmt,
    ast.RefreshMatViewStmt: views.on_RefreshMatViewStmt,
    ast.CreatePolicyStmt: policies.on_CreatePolicyStmt,
    ast.AlterPolicyStmt: policies.on_AlterPolicyStmt,
    # types and domains
    ast.CreateEnumStmt: types.on_CreateEnumStmt,
    ast.AlterEnumStmt: types.on_AlterEnumStmt,
    ast.CompositeTypeStmt: types.on_CompositeTypeStmt,
    ast.CreateRangeStmt: types.on_CreateRangeStmt,
    ast.CreateDomainStmt: types.on_CreateDomainStmt,
    ast.AlterDomainStmt: types.on_AlterDomainStmt,
    # sequences
    ast.CreateSeqStmt: sequences.on_CreateSeqStmt,
    ast.AlterSeqStmt: sequences.on_AlterSeqStmt,
    # routines
    ast.CreateFunctionStmt: functions.on_CreateFunctionStmt,
    ast.AlterFunctionStmt: functions.on_AlterFunctionStmt,
    # privileges and roles
    ast.GrantStmt: grants.on_GrantStmt,
    ast.AlterDefaultPrivilegesStmt: grants.on_AlterDefaultPrivilegesStmt,
    ast.CreateRoleStmt: roles.on_CreateRoleStmt,
    ast.AlterRoleStmt: roles.on_AlterRoleStmt,
    ast.DropRoleStmt: roles.on_DropRoleStmt,
    ast.GrantRoleStmt: roles.on_GrantRoleStmt,
    # comments, drops, renames
    ast.CommentStmt: comments.on_CommentStmt,
    ast.DropStmt: drops.on_DropStmt,
    ast.RenameStmt: renames.on_RenameStmt,
    ast.AlterObjectSchemaStmt: renames.on_AlterObjectSchemaStmt,
    ast.AlterOwnerStmt: renames.on_AlterOwnerStmt,
}
