"""Which statements can contain a query that reads a table: a cheap test the query rules
make before importing their analysis (``_queries``), so that a migration of DDL only never
loads it."""

from __future__ import annotations

from typing import Any

from pgarch_lint.api import ast

#: Statements that cannot hold a query reading a table: PostgreSQL rejects subqueries in
#: DEFAULT, CHECK, index expressions/predicates, generated columns and partition bounds, and
#: these statements have nowhere else to put one. The query rules skip them without a walk.
NO_QUERY_ROOTS: tuple[type, ...] = (
    ast.CreateStmt, ast.AlterTableStmt, ast.IndexStmt, ast.DropStmt, ast.RenameStmt,
    ast.CommentStmt, ast.GrantStmt, ast.GrantRoleStmt, ast.AlterDefaultPrivilegesStmt,
    ast.CreateSeqStmt, ast.AlterSeqStmt, ast.VariableSetStmt, ast.AlterOwnerStmt,
    ast.TransactionStmt, ast.CreateEnumStmt, ast.AlterEnumStmt, ast.CreateExtensionStmt,
    ast.AlterObjectSchemaStmt, ast.CreateRoleStmt, ast.AlterRoleStmt, ast.CreateDomainStmt,
    ast.CompositeTypeStmt, ast.TruncateStmt, ast.LockStmt, ast.ReindexStmt, ast.VacuumStmt,
)


def may_read_tables(node: Any) -> bool:
    """False for statements that can contain no table-reading query (cheap pre-check)."""
    return not isinstance(node, NO_QUERY_ROOTS)
