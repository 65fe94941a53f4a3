from collections.abc import Iterator
from dataclasses import dataclass

from pgarch_lint.api import Category, Context, Severity, Violation, ast, option, rule

#: The extensions PostgreSQL marks "trusted" (installable by a non-superuser with CREATE on
#: the database) plus the PL/pgSQL language: the default allow list.
TRUSTED_EXTENSIONS = (
    "btree_gin",
    "btree_gist",
    "citext",
    "cube",
    "dict_int",
    "fuzzystrmatch",
    "hstore",
    "intarray",
    "isn",
    "lo",
    "ltree",
    "pgcrypto",
    "pg_trgm",
    "plpgsql",
    "seg",
    "tablefunc",
    "tcn",
    "tsm_system_rows",
    "tsm_system_time",
    "unaccent",
    "uuid-ossp",
)


@dataclass(frozen=True)
class Options:
    allowed_extensions: tuple[str, ...] = option(
        tuple(TRUSTED_EXTENSIONS),
        "extension names that may be created (case-insensitive); the default is "
        "PostgreSQL's trusted extensions plus plpgsql",
    )


@rule(
    name="extension-not-allowed",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="CREATE EXTENSION of an extension that is not in allowed-extensions",
    nodes=(ast.CreateExtensionStmt,),
    default=False,
    options=Options,
    bad="""
    CREATE EXTENSION IF NOT EXISTS dblink;
    """,
    good="""
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    """,
    fix="""
    Either remove the extension, or review it (who maintains it, what it can reach: files,
    network, other databases) and add it to `allowed-extensions` in
    `[tool.pgarch-lint.rules.extension-not-allowed]`.
    """,
)
def check(node: ast.CreateExtensionStmt, ctx: Context) -> Iterator[Violation]:
    """An extension runs code inside the server, usually installed by a superuser, and many
    add powerful functions: `dblink` and `postgres_fdw` open connections to other servers,
    `adminpack` and `file_fdw` touch the file system, untrusted languages run arbitrary code.
    It also has to be present, in a compatible version, on every server and managed service
    the migration runs against. An allow list makes adding one a reviewed decision instead of
    a line slipped into a migration."""
    opts: Options = ctx.options if isinstance(ctx.options, Options) else Options()
    name = node.extname or ""
    allowed = {e.lower() for e in opts.allowed_extensions}
    if name.lower() in allowed:
        return
    yield Violation(
        f'extension "{name}" is not in the allowed-extensions list',
        help=f'review it and add "{name}" to allowed-extensions, or do without it',
        node=node,
    )
