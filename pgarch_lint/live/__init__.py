"""Live database mode: read the schema (and its statistics) from a running PostgreSQL.

``pgarch-lint inspect``, ``check --dsn``, ``verify`` and ``check --explain`` live here. psycopg
3 is an optional dependency (``pip install 'pgarch-lint[live]'``): it is imported only when a
live command runs, so the static linter never needs it. Every error leaving this package is a
:class:`LiveError` whose text has the DSN's password scrubbed out.

Modules: ``conn`` (connecting, redaction), ``facts`` (what the live rules read: sizes, index
usage, plans; no psycopg), ``introspect`` (pg_catalog → DDL text replayed into the catalog),
``checkmode`` (``check --dsn``: live context, size suffixes, ``--min-table-size``),
``explain`` (EXPLAIN of query files) and ``verify`` (apply migrations and roll back).
"""

from __future__ import annotations

from pgarch_lint.live.conn import LiveError

__all__ = ["LiveError"]
