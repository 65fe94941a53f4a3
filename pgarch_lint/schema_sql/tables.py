"""DDL of tables: columns, constraints, indexes, row-level security and policies.

Each function returns statements (text ending in ``;``) for one object; ordering is the
writer's (:mod:`pgarch_lint.schema_sql.writer`). Columns, defaults, identity, generated
expressions, collations and the PRIMARY KEY / UNIQUE / CHECK / EXCLUDE constraints go into
``CREATE TABLE``; foreign keys, constraints created ``NOT VALID`` and constraints over an
existing index (``USING INDEX``) are added by ``ALTER TABLE`` once every table exists.
"""

from __future__ import annotations

from collections.abc import Callable

from pgarch_lint.catalog import Column, Constraint, Index, IndexKey, Policy, Table
from pgarch_lint.catalog.names import split_qualified
from pgarch_lint.schema_sql.sqltext import ident, qualified, qualified_text, type_sql
from pgarch_lint.sql import ast, deparse

__all__ = [
    "alter_constraint",
    "column_sql",
    "create_index",
    "create_table",
    "create_table_as",
    "inline_constraint",
    "policy_sql",
    "rel_name",
]

#: how the writer finds an exclusion constraint's parse tree (its operators)
ExclusionSource = Callable[[Constraint], "ast.Constraint | None"]


def rel_name(q: str) -> str:
    """A qualified relation name the catalog stores (``schema.name``) as SQL."""
    s, n = split_qualified(q)
    return qualified(s, n)


def _cols(names: list[str]) -> str:
    return ", ".join(n if n.startswith("(") else ident(n) for n in names)


def column_sql(c: Column, *, serial: bool = True) -> str:
    """A column definition as written in CREATE TABLE."""
    ctype = c.type if serial or not c.serial else _serial_base(c.type)
    parts = [ident(c.name), type_sql(ctype)]
    if c.collation:
        parts.append(f"COLLATE {qualified_text(c.collation)}")
    if c.generated:
        kind = "STORED" if c.generated == "stored" else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({c.generated_expr}) {kind}")
    if c.identity:
        parts.append(f"GENERATED {c.identity.upper()} AS IDENTITY")
    if c.default is not None and not c.serial:
        parts.append(f"DEFAULT {c.default}")
    if c.not_null and not c.serial and not c.identity:
        parts.append("NOT NULL")
    return " ".join(parts)


def _serial_base(t: str) -> str:
    return {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}.get(t, t)


def _attributes(c: Constraint) -> str:
    out = ""
    if c.deferrable:
        out += " DEFERRABLE"
        if c.initially_deferred:
            out += " INITIALLY DEFERRED"
    if not c.enforced:
        out += " NOT ENFORCED"
    return out


def inline_constraint(c: Constraint, t: Table, exclusion: ExclusionSource) -> str | None:
    """A PRIMARY KEY, UNIQUE, CHECK or EXCLUDE constraint as a table element of CREATE TABLE
    (None when it must be added later, or is not written at all)."""
    head = f"CONSTRAINT {ident(c.name)} "
    if c.kind == "primary key" or c.kind == "unique":
        body = "PRIMARY KEY" if c.kind == "primary key" else "UNIQUE"
        if c.nulls_not_distinct:
            body += " NULLS NOT DISTINCT"
        body += f" ({_cols(c.columns)})"
        if c.include:
            body += f" INCLUDE ({_cols(c.include)})"
        return head + body + _attributes(c)
    if c.kind == "check":
        return head + f"CHECK ({c.expression})" + _attributes(c)
    if c.kind == "exclude":
        return _exclude(c, t, exclusion)
    return None


def _exclude(c: Constraint, t: Table, exclusion: ExclusionSource) -> str | None:
    con = exclusion(c)
    ix = t.indexes.get(c.index or "")
    if con is None or ix is None:
        return None
    elems = []
    for pair, key in zip(con.exclusions or (), ix.keys, strict=False):
        ops = pair[1] if len(pair) > 1 else ()
        op = ".".join(getattr(o, "sval", "") or "" for o in ops) or "="
        if "." in op:
            op = f"OPERATOR({op})"
        elems.append(f"{_key(key)} WITH {op}")
    text = f"CONSTRAINT {ident(c.name)} EXCLUDE USING {ident(ix.method)} ({', '.join(elems)})"
    if ix.include:
        text += f" INCLUDE ({_cols(ix.include)})"
    if c.expression:
        text += f" WHERE ({c.expression})"
    return text + _attributes(c)


def alter_constraint(c: Constraint, t: Table) -> str:
    """``ALTER TABLE ... ADD CONSTRAINT`` for a foreign key, a constraint created NOT VALID
    or one built over an existing index."""
    head = f"ALTER TABLE {qualified(t.schema, t.name)} ADD CONSTRAINT {ident(c.name)} "
    if c.using_index:
        kind = "PRIMARY KEY" if c.kind == "primary key" else "UNIQUE"
        return head + f"{kind} USING INDEX {ident(c.using_index)}{_attributes(c)};"
    if c.kind == "foreign key":
        body = f"FOREIGN KEY ({_cols(c.columns)}) REFERENCES {rel_name(c.ref_table or '')}"
        if c.ref_columns:
            body += f" ({_cols(c.ref_columns)})"
        if c.match and c.match != "simple":
            body += f" MATCH {c.match.upper()}"
        if c.on_delete:
            body += f" ON DELETE {c.on_delete.upper()}"
        if c.on_update:
            body += f" ON UPDATE {c.on_update.upper()}"
    elif c.kind == "check":
        body = f"CHECK ({c.expression})"
    else:
        body = f"NOT NULL {_cols(c.columns)}"
    text = head + body + _attributes(c)
    if c.not_valid and c.enforced:
        text += " NOT VALID"
    return text + ";"


def create_table(
    t: Table,
    columns: list[Column],
    constraints: list[str],
    *,
    partition_of: bool,
) -> str:
    """CREATE TABLE with ``columns`` (all, or none for a partition) and table elements."""
    kind = {"unlogged": "UNLOGGED ", "temporary": "TEMPORARY "}.get(t.persistence, "")
    head = f"CREATE {kind}TABLE {qualified(t.schema, t.name)}"
    elements = [column_sql(c) for c in columns] + constraints
    if partition_of:
        text = f"{head} PARTITION OF {rel_name(t.partition_of or '')}"
        if elements:
            text += " (\n    " + ",\n    ".join(elements) + "\n)"
        text += f" FOR VALUES {t.partition_bound}" if t.partition_bound != "DEFAULT" else " DEFAULT"
    else:
        text = f"{head} (" + ("\n    " + ",\n    ".join(elements) + "\n" if elements else "") + ")"
        if t.inherits:
            text += f" INHERITS ({', '.join(rel_name(p) for p in t.inherits)})"
    if t.partitioned:
        strategy = (t.partition_strategy or "range").upper()
        text += f" PARTITION BY {strategy} ({_cols(t.partition_key)})"
    return text + ";"


def create_table_as(t: Table) -> list[str]:
    """A table CREATE TABLE AS made: the query's columns (typed ``CAST(NULL AS type)``,
    without rows), then ALTER TABLE for what later statements gave them and for the columns
    added since."""
    qn = qualified(t.schema, t.name)
    from_query = [c for c in t.columns.values() if c.created == t.created]
    select = ", ".join(
        (f"CAST(NULL AS {type_sql(c.type)})" if c.type else "NULL") + f" AS {ident(c.name)}"
        for c in from_query
    )
    out = [f"CREATE TABLE {qn} AS SELECT {select} WITH NO DATA;"]
    for c in t.columns.values():
        if c not in from_query:
            out.append(f"ALTER TABLE {qn} ADD COLUMN {column_sql(c)};")
            continue
        col = f"ALTER TABLE {qn} ALTER COLUMN {ident(c.name)}"
        if c.collation:
            out.append(f"{col} TYPE {type_sql(c.type)} COLLATE {qualified_text(c.collation)};")
        if c.identity:
            out.append(f"{col} ADD GENERATED {c.identity.upper()} AS IDENTITY;")
        if c.default is not None:
            out.append(f"{col} SET DEFAULT {c.default};")
        if c.not_null and not c.identity:
            out.append(f"{col} SET NOT NULL;")
    return out


def _key(k: IndexKey) -> str:
    s = ident(k.column) if k.column is not None else f"({k.expression})"
    if k.collation:
        s += f" COLLATE {qualified_text(k.collation)}"
    if k.opclass:
        s += f" {qualified_text(k.opclass)}"
    if k.ordering:
        s += f" {k.ordering.upper()}"
    if k.nulls:
        s += f" NULLS {k.nulls.upper()}"
    return s


def create_index(ix: Index, rel_schema: str, rel: str) -> str:
    """CREATE INDEX for an index no constraint owns."""
    unique = "UNIQUE " if ix.unique else ""
    only = "ONLY " if ix.only else ""
    text = f"CREATE {unique}INDEX {ident(ix.name)} ON {only}{qualified(rel_schema, rel)}"
    if ix.method != "btree":
        text += f" USING {ident(ix.method)}"
    text += f" ({', '.join(_key(k) for k in ix.keys)})"
    if ix.include:
        text += f" INCLUDE ({_cols(ix.include)})"
    if ix.nulls_not_distinct:
        text += " NULLS NOT DISTINCT"
    if ix.predicate:
        text += f" WHERE {ix.predicate}"
    return text + ";"


def policy_sql(p: Policy, t: Table) -> str:
    """CREATE POLICY."""
    text = f"CREATE POLICY {ident(p.name)} ON {qualified(t.schema, t.name)}"
    if not p.permissive:
        text += " AS RESTRICTIVE"
    if p.command != "all":
        text += f" FOR {p.command.upper()}"
    if p.roles != ["public"]:
        text += " TO " + ", ".join(_role(r) for r in p.roles)
    if p.using:
        text += f" USING ({p.using})"
    if p.with_check:
        text += f" WITH CHECK ({p.with_check})"
    return text + ";"


def _role(r: str) -> str:
    if r in ("public", "current_user", "session_user", "current_role"):
        return r.upper() if r == "public" else r
    return ident(r)


def deparsed(node: ast.Node) -> str:
    """A parse tree as SQL."""
    return deparse(node)
