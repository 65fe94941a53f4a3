"""How the built-in rules word and place their findings (formatting only: no analysis here;
the questions rules ask live in :mod:`pgarch_lint.analysis`).

Names in messages and in suggested SQL:

* :func:`q`: an identifier for a message, always double-quoted (as PostgreSQL's errors print
  it); :func:`table_label`: a RangeVar's name as written, quoted that way;
* :func:`short_name`: a catalog qualified name (``schema.name``) for a message, ``public.``
  left out;
* :func:`sql_name`: a catalog qualified name for SQL text, quoted where needed, ``public.``
  left out; :func:`quoted_list`: identifiers for SQL text, comma-separated;
* :func:`join_names`: ``"a", "b", "c" and 2 more``.

The registry skips this module (its name starts with ``_``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pgarch_lint.api import Context, Loc, ast, deparse, enums, util

if TYPE_CHECKING:
    from pgarch_lint.analysis.keys import NarrowColumn
    from pgarch_lint.api import Index, Tracked, Tree

# --- names -----------------------------------------------------------------------------------


def q(name: str) -> str:
    """An identifier for a message: always double-quoted, as PostgreSQL's errors print it."""
    return '"' + name.replace('"', '""') + '"'


def table_label(rv: object) -> str:
    """``"schema.table"`` / ``"table"`` as written in the statement, quoted for a message."""
    return q(util.rv_name(rv))


def short_name(qualified: str) -> str:
    """A catalog qualified name for a message: ``public.orders`` → ``orders``; other schemas
    keep their prefix."""
    return qualified[7:] if qualified.startswith("public.") else qualified


def sql_name(qualified: str) -> str:
    """A catalog qualified name (``schema.name``) for SQL text: each part quoted where
    needed, the schema dropped for ``public``."""
    schema, _, name = qualified.rpartition(".")
    if not schema or schema == "public":
        return util.quote_ident(name)
    return f"{util.quote_ident(schema)}.{util.quote_ident(name)}"


def quoted_list(names: list[str]) -> str:
    """Identifiers for SQL text, quoted where needed: ``a, "B", c``."""
    return ", ".join(util.quote_ident(n) for n in names)


def display_name(names: list[str]) -> str:
    """A qualified name given as its parts, for a message: ``schema.name``."""
    return ".".join(names)


def join_names(names: list[str], limit: int = 5) -> str:
    """``"a", "b", "c"`` (and ``and N more`` past ``limit``)."""
    shown = [f'"{n}"' for n in names[:limit]]
    more = len(names) - limit
    text = ", ".join(shown)
    return f"{text} and {more} more" if more > 0 else text


# --- statements and expressions --------------------------------------------------------------


def query_prefix(ctx: Context) -> str:
    """``query GetUser: `` for sqlc queries, else the empty string."""
    name = ctx.statement.query_name if ctx.statement is not None else None
    return f"query {name}: " if name else ""


def add_label(con: object, kind: str) -> str:
    """``ADD CONSTRAINT "name" KIND`` or, for an unnamed constraint, ``ADD KIND``."""
    name = getattr(con, "conname", None)
    return f"ADD CONSTRAINT {q(name)} {kind}" if name else f"ADD {kind}"


def expr_text(expr: Tree, limit: int = 60) -> str:
    """An expression as SQL text, cut to ``limit`` characters for a message."""
    text = deparse(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def grant_targets(node: ast.GrantStmt, kind: str) -> str:
    """``table "app.t", "app.u"`` or ``all tables in schema "app"`` for a message."""
    names: list[str] = []
    for o in node.objects or ():
        if isinstance(o, ast.RangeVar):
            names.append(util.rv_name(o))
        elif isinstance(o, ast.ObjectWithArgs):
            names.append(".".join(util.names_of(o.objname)))
        elif isinstance(o, ast.String):
            names.append(o.sval or "")
    listed = ", ".join(f'"{n}"' for n in names)
    if node.targtype == enums.GrantTargetType.ACL_TARGET_ALL_IN_SCHEMA:
        return f"all {kind}s in schema {listed}"
    return f"{kind} {listed}" if listed else kind


# --- column types ----------------------------------------------------------------------------

_KEY_KIND = {
    "serial": "serial",
    "identity": "identity",
    "primary-key": "primary-key",
    "foreign-key": "foreign-key",
    "sequence": "sequence-fed",
}


def narrow_key_message(col: NarrowColumn) -> str:
    """The finding for a 16- or 32-bit integer column: its kind, its limit and what widening
    it later costs."""
    kind = _KEY_KIND.get(col.role or "", "")
    limit = 2**15 - 1 if col.integer == "smallint" else 2**31 - 1
    what = f"{kind} column" if kind else "column"
    tail = (
        " (and every foreign key that references it)"
        if col.role in ("serial", "identity", "primary-key", "sequence")
        else ""
    )
    return (
        f"{what} {col.label} is {col.shown}: values stop at {limit}, and widening it to bigint "
        f"later rewrites the table{tail} under an ACCESS EXCLUSIVE lock"
    )


# --- indexes ---------------------------------------------------------------------------------


def index_definition(ix: Index) -> str:
    """A short index definition for messages: ``unique btree (a, b) INCLUDE (c) WHERE ...``."""
    keys = ", ".join(k.text for k in ix.keys)
    inc = f" INCLUDE ({', '.join(ix.include)})" if ix.include else ""
    where = f" WHERE {ix.predicate}" if ix.predicate else ""
    uniq = "unique " if ix.unique else ""
    return f"{uniq}{ix.method} ({keys}){inc}{where}"


def drop_sql(ix: Index) -> str:
    """``DROP INDEX CONCURRENTLY name;`` for a catalog index."""
    return f"DROP INDEX CONCURRENTLY {sql_name(f'{ix.schema}.{ix.name}')};"


def fallback_index_name(template: str, table: str, terms: list[str]) -> str:
    """An index name from a ``{table}`` / ``{columns}`` template when no naming settings are
    at hand (a rule run outside the engine)."""
    cols = "_".join(re.sub(r"\W+", "_", t).strip("_") or "expr" for t in terms)
    name = template.replace("{table}", table).replace("{columns}", cols)
    return name[:63]


# --- where a whole-schema finding goes -------------------------------------------------------


def object_loc(ctx: Context, obj: Tracked) -> Loc | None:
    """Where to report a catalog object: the statement that created it when in a checked
    file, else its first later change in a checked file (None: nowhere to report)."""
    return ctx.report_loc([obj.created, *obj.changed])
