"""A finding's severity and a rule's category: the two enumerations that configuration,
registry and reporters share with the rules (``pgarch_lint.api`` re-exports both). Kept in a
module of their own, importing nothing, so that a run whose result comes from the cache never
imports the api, the catalog or pglast."""

from __future__ import annotations

import enum


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]


class Category(enum.StrEnum):
    MIGRATION_SAFETY = "migration-safety"
    COMPATIBILITY = "compatibility"
    CORRECTNESS = "correctness"
    SCHEMA_DESIGN = "schema-design"
    NAMING = "naming"
    INDEXES = "indexes"
    SECURITY = "security"
    DOCUMENTATION = "documentation"
    QUERIES = "queries"
    HOUSEKEEPING = "housekeeping"
