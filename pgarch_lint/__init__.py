"""pgarch-lint: a rule-based reviewer for PostgreSQL schemas, migrations and queries."""

__version__ = "0.1.0"
