"""Render a replayed :class:`~pgarch_lint.catalog.Catalog` as text or as JSON-ready data.

``render_json`` returns plain dicts/lists/strings/ints/bools (the shape is documented in
``docs/schema-json.md``); ``render_text`` is a human-readable summary, one block per table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any  # Any: JSON documents

from pgarch_lint.catalog import (
    Catalog,
    Column,
    Constraint,
    Grant,
    Index,
    IndexKey,
    Loc,
    Policy,
    Table,
    Tracked,
)

__all__ = ["JSON_FORMAT_VERSION", "render_json", "render_text"]

JSON_FORMAT_VERSION = 1

# Fields never rendered (by name, without a lazy field's trailing "_"): a view's query and
# bookkeeping internals.
_SKIP = frozenset(
    {
        "query",
        "grants_before",
        "file_index",
        "context",
        "created",
        "changed",
        "columns_known",  # rendered only when False (see _obj)
    }
)
# Sub-object dicts rendered as lists sorted by name (columns keep their order).
_OBJECT_DICTS = frozenset({"columns", "constraints", "indexes", "policies"})


def _loc(loc: Loc | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"path": loc.path, "start": loc.start, "end": loc.end}


def _value(v: Any, catalog: Catalog, locations: bool) -> Any:
    if isinstance(v, (Tracked, IndexKey, Grant)):
        return _obj(v, catalog, locations)
    if isinstance(v, dict):
        return {str(k): _value(x, catalog, locations) for k, x in sorted(v.items())}
    if isinstance(v, (list, tuple)):
        return [_value(x, catalog, locations) for x in v]
    if isinstance(v, Loc):
        return _loc(v) if locations else None
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _obj(obj: Tracked | IndexKey | Grant, catalog: Catalog, locations: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        name = f.name.rstrip("_")  # a lazily computed field behind a property (Column.default)
        if name in _SKIP:
            continue
        if f.name == "loc" and not locations:
            continue
        val = getattr(obj, name)
        if f.name in _OBJECT_DICTS and isinstance(val, dict):
            rendered: Any = [_obj(x, catalog, locations) for x in val.values()]
            if f.name != "columns":
                rendered.sort(key=lambda d: str(d.get("name", "")))
        else:
            rendered = _value(val, catalog, locations)
        out[name] = rendered
    if isinstance(obj, Tracked) and locations:
        out["created"] = _loc(obj.created)
        out["changed"] = [_loc(x) for x in obj.changed]
        out["origin"] = catalog.origin_of(obj).value
    if isinstance(obj, Index):
        out["columns"] = obj.columns
    if isinstance(obj, Table) and not obj.columns_known:
        out["columns_known"] = False
    return out


def _sorted(items: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda d: tuple(str(d.get(k, "")) for k in keys))


def render_json(catalog: Catalog, *, locations: bool = True) -> dict[str, Any]:
    """The catalog as JSON-serialisable data, sorted for stable output.

    With ``locations=False`` every ``created``/``changed``/``origin``/``loc`` key is left out,
    which makes two catalogs comparable regardless of where their statements came from.
    """

    def conv(objs: Iterable[Tracked], *keys: str) -> list[dict[str, Any]]:
        return _sorted([_obj(o, catalog, locations) for o in objs], *keys)

    grants = [_obj(g, catalog, locations) for g in catalog.grants]
    return {
        "format_version": JSON_FORMAT_VERSION,
        "search_path": list(catalog.search_path),
        "schemas": conv(catalog.schemas.values(), "name"),
        "tables": conv(catalog.tables(), "schema", "name"),
        "views": conv(catalog.views(), "schema", "name"),
        "functions": conv(catalog.functions(), "schema", "name", "argtypes"),
        "types": conv(catalog.types(), "schema", "name"),
        "sequences": conv(catalog.sequences(), "schema", "name"),
        "extensions": conv(catalog.extensions.values(), "name"),
        "roles": conv(catalog.roles.values(), "name"),
        "grants": grants,
        "unknown_references": sorted({name for name, _ in catalog.unknown_references}),
    }


# --- text ------------------------------------------------------------------------------------


def _column_line(c: Column) -> str:
    parts = [f"    {c.name} {c.type}"]
    if c.not_null:
        parts.append("NOT NULL")
    if c.identity:
        parts.append(f"GENERATED {c.identity.upper()} AS IDENTITY")
    if c.generated:
        parts.append(f"GENERATED ALWAYS AS ({c.generated_expr}) {c.generated.upper()}")
    if c.default is not None and not c.serial:
        parts.append(f"DEFAULT {c.default}" + (" (volatile)" if c.default_volatile else ""))
    if c.collation:
        parts.append(f'COLLATE "{c.collation}"')
    line = " ".join(parts)
    if c.comment:
        line += f"  -- {c.comment}"
    return line


def _constraint_line(c: Constraint) -> str:
    text = f"    {c.name}: {c.kind.upper()}"
    if c.columns and c.kind != "check":
        text += f" ({', '.join(c.columns)})"
    if c.kind == "foreign key":
        text += f" REFERENCES {c.ref_table} ({', '.join(c.ref_columns)})"
        if c.on_delete:
            text += f" ON DELETE {c.on_delete.upper()}"
        if c.on_update:
            text += f" ON UPDATE {c.on_update.upper()}"
    if c.expression:
        text += f" ({c.expression})" if c.kind == "check" else f" WHERE ({c.expression})"
    if c.nulls_not_distinct:
        text += " NULLS NOT DISTINCT"
    if c.deferrable:
        text += " DEFERRABLE" + (" INITIALLY DEFERRED" if c.initially_deferred else "")
    if not c.enforced:
        text += " NOT ENFORCED"
    elif not c.validated:
        text += " NOT VALID"
    if c.comment:
        text += f"  -- {c.comment}"
    return text


def _index_line(ix: Index) -> str:
    keys = [k.definition for k in ix.keys]
    text = f"    {ix.name}: {'UNIQUE ' if ix.unique else ''}{ix.method} ({', '.join(keys)})"
    if ix.include:
        text += f" INCLUDE ({', '.join(ix.include)})"
    if ix.nulls_not_distinct:
        text += " NULLS NOT DISTINCT"
    if ix.predicate:
        text += f" WHERE {ix.predicate}"
    if ix.constraint:
        text += f" [constraint {ix.constraint}]"
    if ix.comment:
        text += f"  -- {ix.comment}"
    return text


def _policy_line(p: Policy) -> str:
    text = (
        f"    {p.name}: {'PERMISSIVE' if p.permissive else 'RESTRICTIVE'} FOR "
        f"{p.command.upper()} TO {', '.join(p.roles)}"
    )
    if p.using:
        text += f" USING ({p.using})"
    if p.with_check:
        text += f" WITH CHECK ({p.with_check})"
    return text


def _table_block(t: Table) -> list[str]:
    kind = "partitioned table" if t.partitioned else "table"
    if t.persistence != "permanent":
        kind = f"{t.persistence} {kind}"
    head = f"{kind} {t.qualified}"
    if t.partitioned:
        head += (
            f" PARTITION BY {(t.partition_strategy or '').upper()} ({', '.join(t.partition_key)})"
        )
    if t.partition_of:
        head += f" PARTITION OF {t.partition_of} {t.partition_bound or ''}".rstrip()
    if t.inherits:
        head += f" INHERITS ({', '.join(t.inherits)})"
    lines = [head]
    if t.comment:
        lines.append(f"  comment: {t.comment}")
    if t.owner:
        lines.append(f"  owner: {t.owner}")
    lines.append("  columns:")
    lines.extend(_column_line(c) for c in t.columns.values())
    if t.constraints:
        lines.append("  constraints:")
        lines.extend(_constraint_line(c) for _, c in sorted(t.constraints.items()))
    if t.indexes:
        lines.append("  indexes:")
        lines.extend(_index_line(ix) for _, ix in sorted(t.indexes.items()))
    rls = "enabled" if t.rls_enabled else "disabled"
    if t.rls_forced:
        rls += ", forced"
    lines.append(f"  row level security: {rls}")
    if t.policies:
        lines.append("  policies:")
        lines.extend(_policy_line(p) for _, p in sorted(t.policies.items()))
    return lines


def render_text(catalog: Catalog) -> str:
    """A human-readable summary of the catalog."""
    out: list[str] = []
    for t in sorted(catalog.tables(), key=lambda t: (t.schema, t.name)):
        out.extend(_table_block(t))
        out.append("")
    views = sorted(catalog.views(), key=lambda v: (v.schema, v.name))
    if views:
        out.append("views:")
        for v in views:
            kind = "materialized view" if v.materialized else "view"
            opts = ", ".join(f"{k}={x}" for k, x in sorted(v.options.items()))
            line = f"  {kind} {v.qualified}"
            if opts:
                line += f" WITH ({opts})"
            line += f" reads: {', '.join(v.reads) or '-'}"
            if v.comment:
                line += f"  -- {v.comment}"
            out.append(line)
            out.extend("  " + _index_line(ix) for _, ix in sorted(v.indexes.items()))
        out.append("")
    funcs = sorted(catalog.functions(), key=lambda f: (f.schema, f.name, f.argtypes))
    if funcs:
        out.append("functions:")
        for f in funcs:
            kind = "procedure" if f.procedure else "function"
            line = f"  {kind} {f.signature}"
            if f.returns:
                line += f" RETURNS {f.returns}"
            line += f" LANGUAGE {f.language or '?'} {f.volatility.upper()}"
            if f.security_definer:
                line += " SECURITY DEFINER"
            for k, setting in sorted(f.settings.items()):
                line += f" SET {k} = {setting}"
            if f.comment:
                line += f"  -- {f.comment}"
            out.append(line)
        out.append("")
    types = sorted(catalog.types(), key=lambda t: (t.schema, t.name))
    if types:
        out.append("types:")
        for ty in types:
            line = f"  {ty.kind} {ty.qualified}"
            if ty.kind == "enum":
                line += " (" + ", ".join(repr(v) for v in ty.values) + ")"
            elif ty.kind == "domain":
                line += f" AS {ty.base_type}" + (" NOT NULL" if ty.not_null else "")
                for c in ty.constraints.values():
                    line += f" CHECK ({c.expression})"
            elif ty.kind == "composite":
                line += " (" + ", ".join(f"{a.name} {a.type}" for a in ty.attributes) + ")"
            if ty.comment:
                line += f"  -- {ty.comment}"
            out.append(line)
        out.append("")
    seqs = sorted(catalog.sequences(), key=lambda s: (s.schema, s.name))
    if seqs:
        out.append("sequences:")
        for s in seqs:
            line = f"  {s.qualified}"
            if s.data_type:
                line += f" AS {s.data_type}"
            if s.owned_by:
                line += f" OWNED BY {s.owned_by}"
            out.append(line)
        out.append("")
    if catalog.extensions:
        out.append("extensions:")
        for name, e in sorted(catalog.extensions.items()):
            line = f"  {name}"
            if e.schema:
                line += f" SCHEMA {e.schema}"
            if e.version:
                line += f" VERSION {e.version}"
            out.append(line)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
