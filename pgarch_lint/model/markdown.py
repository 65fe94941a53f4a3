"""The model as a Markdown review document (the architect's ``01_model.md``).

Sections: context, entities, relationships, multi-tenancy, access paths (indexes), findings
and the Mermaid diagram. Everything is sorted and free of timestamps so the document can be
committed and diffed.
"""

from __future__ import annotations

from pgarch_lint.model.build import TOP_FINDINGS, Entity, IndexInfo, Model
from pgarch_lint.model.mermaid import render_mermaid

__all__ = ["MAX_MERMAID_CHARS", "render_markdown"]

#: Mermaid's default ``maxTextSize``: a bigger diagram does not render on GitHub/GitLab.
MAX_MERMAID_CHARS = 50_000
#: Above this many files the file list is folded into a ``<details>`` block.
_FOLD_FILES = 10


def _cell(text: str | None) -> str:
    if not text:
        return "—"
    return " ".join(text.replace("|", "\\|").split())


def _code(name: str) -> str:
    return "`" + name.replace("`", "'") + "`"


def _cols(cols: tuple[str, ...] | list[str]) -> str:
    return ", ".join(cols)


def _context(m: Model) -> list[str]:
    out = ["## Context", ""]

    def files(title: str, paths: list[str]) -> None:
        if not paths:
            return
        if len(paths) <= _FOLD_FILES:
            out.append(f"- {title} ({len(paths)}): " + ", ".join(_code(p) for p in paths))
            return
        out.append(f"- {title} ({len(paths)}):")
        out.append("")
        out.append("  <details><summary>file list</summary>")
        out.append("")
        out.extend(f"  - {_code(p)}" for p in paths)
        out.append("")
        out.append("  </details>")
        out.append("")

    files("Files read", m.files)
    files("Context files", m.context_files)
    out.append(f"- PostgreSQL target version: {m.pg_version}")
    if m.schemas:
        out.append(
            "- Schemas: "
            + ", ".join(f"{_code(s)} ({_plural(n, 'table')})" for s, n in m.schemas.items())
        )
    if m.schema_filter or m.table_filter:
        parts = []
        if m.schema_filter:
            parts.append("schemas " + ", ".join(_code(s) for s in m.schema_filter))
        if m.table_filter:
            parts.append("tables matching " + ", ".join(_code(g) for g in m.table_filter))
        out.append("- Limited to " + " and ".join(parts))
    c = m.counts
    parts = [_plural(c["tables"], "table")]
    for key, word in (
        ("partitions", "partition"),
        ("columns", "column"),
        ("foreign_keys", "foreign key"),
        ("indexes", "index"),
        ("policies", "policy"),
        ("views", "view"),
        ("materialized_views", "materialized view"),
        ("functions", "function"),
        ("types", "type"),
        ("sequences", "sequence"),
    ):
        if c.get(key):
            parts.append(_plural(c[key], word))
    out.append("- Counts: " + ", ".join(parts))
    return [*out, ""]


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    if word.endswith("x"):
        return f"{n} {word}es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return f"{n} {word[:-1]}ies"
    return f"{n} {word}s"


def _rls(e: Entity) -> str:
    if not e.rls_enabled:
        return "off"
    return "enabled, forced" if e.rls_forced else "enabled"


def _partitioning(e: Entity) -> str:
    p = e.partitioning
    if p is None:
        return "—"
    n = "1 partition" if p.partitions == 1 else f"{p.partitions} partitions"
    return f"{p.strategy} ({_cols(p.key)}), {n}"


def _entities(m: Model) -> list[str]:
    out = ["## Entities", ""]
    if not m.entities:
        return [*out, "No tables.", ""]
    out.append("| table | purpose | primary key | RLS | partitioning | columns | indexes |")
    out.append("| --- | --- | --- | --- | --- | ---: | ---: |")
    for e in m.entities:
        name = _code(m.label(e.name))
        if e.persistence != "permanent":
            name += f" ({e.persistence})"
        if e.link:
            name += " (link)"
        pk = _cols(e.primary_key) if e.primary_key else "**none**"
        out.append(
            f"| {name} | {_cell(e.comment)} | {pk} | {_rls(e)} | {_partitioning(e)} "
            f"| {len(e.columns)} | {len(e.indexes)} |"
        )
    out.append("")
    if m.views:
        out.append("| view | kind | reads | purpose |")
        out.append("| --- | --- | --- | --- |")
        for v in m.views:
            kind = "materialized view" if v.materialized else "view"
            reads = ", ".join(_code(m.label(r)) for r in v.reads) or "—"
            out.append(f"| {_code(m.label(v.name))} | {kind} | {reads} | {_cell(v.comment)} |")
        out.append("")
    return out


def _relationships(m: Model) -> list[str]:
    out = ["## Relationships", ""]
    if not m.relationships:
        return [*out, "No foreign keys.", ""]
    out.append(
        "Cardinality reads *children per parent : parents per child*; an optional side "
        "comes from a nullable foreign-key column."
    )
    out.append("")
    out.append("| from → to | FK columns | cardinality | ON DELETE | ON UPDATE | constraint |")
    out.append("| --- | --- | --- | --- | --- | --- |")
    for r in m.relationships:
        card = r.cardinality
        if r.optional:
            card += ", optional"
        if r.self_reference:
            card += ", self-reference"
        card += f" ({r.multiplicity})"
        to = _code(m.label(r.target)) + (" (outside the picture)" if r.external else "")
        cols = _cols(r.source_columns)
        if list(r.target_columns) != list(r.source_columns):
            cols += f" → {_cols(r.target_columns)}"
        out.append(
            f"| {_code(m.label(r.source))} → {to} | {cols} | {card} | {r.on_delete} "
            f"| {r.on_update} | {_code(r.name)} |"
        )
    out.append("")
    if m.links:
        out.append("Many-to-many links (a primary key made of two foreign keys):")
        out.append("")
        for lk in m.links:
            note = (
                ""
                if lk.collapsed
                else " (other tables reference it, so the diagrams draw it as a table too)"
            )
            out.append(
                f"- {_code(m.label(lk.left))} ↔ {_code(m.label(lk.right))} "
                f"via {_code(m.label(lk.link))}{note}"
            )
        out.append("")
    return out


def _tenancy(m: Model) -> list[str]:
    out = ["## Multi-tenancy", ""]
    tcols = ", ".join(_code(c) for c in m.tenant_columns)
    tenant = [e for e in m.entities if e.tenant_column]
    if not tenant:
        out.append(
            f"No table has a tenant column ({tcols}). If the schema is multi-tenant, set "
            "`tenant-columns` under `[tool.pgarch-lint.tenancy]`."
        )
        return [*out, ""]
    glob = [e for e in m.entities if not e.tenant_column]
    out.append(f"{len(tenant)} tenant tables (tenant column {tcols}), {len(glob)} global tables.")
    out.append("")
    out.append("| tenant table | tenant column | leads the PK | RLS | policies |")
    out.append("| --- | --- | --- | --- | --- |")
    for e in tenant:
        leads = "yes" if e.primary_key[:1] == (e.tenant_column,) else "no"
        pols = []
        for p in e.policies:
            kind = "" if p.permissive else "restrictive "
            text = f"{_code(p.name)} ({kind}{p.command}"
            if p.roles != ("public",):
                text += " to " + ", ".join(p.roles)
            text += ")"
            pols.append(text)
        out.append(
            f"| {_code(m.label(e.name))} | {e.tenant_column} | {leads} | {_rls(e)} "
            f"| {'; '.join(pols) if pols else '**none**'} |"
        )
    out.append("")
    if glob:
        out.append(
            "Global tables (no tenant column): "
            + ", ".join(
                _code(m.label(e.name)) + (f" (RLS {_rls(e)})" if e.rls_enabled else "")
                for e in glob
            )
            + "."
        )
        out.append("")
    policies = [(e, p) for e in tenant for p in e.policies]
    if policies:
        out.append("<details><summary>policy expressions</summary>")
        out.append("")
        for e, p in policies:
            line = f"- {_code(m.label(e.name))}.{_code(p.name)}:"
            if p.using:
                line += f" USING `{p.using}`"
            if p.with_check:
                line += f" WITH CHECK `{p.with_check}`"
            out.append(line)
        out.append("")
        out.append("</details>")
        out.append("")
    return out


def _index_row(ix: IndexInfo) -> str:
    definition = f"{ix.method} ({', '.join(ix.keys)})"
    if ix.unique and not ix.primary:
        definition = "unique " + definition
    if ix.include:
        definition += f" INCLUDE ({', '.join(ix.include)})"
    return (
        f"| {_code(ix.name)} | {_cell(definition)} | {_cell('; '.join(ix.serves))} "
        f"| {_cell(ix.comment)} |"
    )


def _indexes(m: Model) -> list[str]:
    out = ["## Access paths", ""]
    if not m.entities:
        return [*out, "No tables.", ""]
    for e in m.entities:
        out.append(f"### {_code(m.label(e.name))}")
        out.append("")
        if e.indexes:
            out.append("| index | definition | serves | note |")
            out.append("| --- | --- | --- | --- |")
            out.extend(_index_row(ix) for ix in e.indexes)
        else:
            out.append("No index.")
        if e.unindexed_foreign_keys:
            out.append("")
            out.append(
                "Foreign keys without a supporting index: "
                + "; ".join(e.unindexed_foreign_keys)
                + "."
            )
        out.append("")
    return out


def _findings(m: Model) -> list[str]:
    out = ["## Findings", ""]
    f = m.findings
    if f is None:
        return [*out, "Not run.", ""]
    out.append(f"{f.rules} rules run (as `pgarch-lint check` with this configuration).")
    out.append("")
    if not f.total:
        return [*out, "No findings.", ""]
    s = f.by_severity
    out.append(
        f"{_plural(f.total, 'finding')}: {_plural(s['error'], 'error')}, "
        f"{_plural(s['warning'], 'warning')}, {s['info']} info."
    )
    out.append("")
    out.append("| category | errors | warnings | info |")
    out.append("| --- | ---: | ---: | ---: |")
    for cat, row in f.by_category.items():
        out.append(f"| {cat} | {row['error']} | {row['warning']} | {row['info']} |")
    out.append("")
    out.append("| rule | findings |")
    out.append("| --- | ---: |")
    for rule, n in list(f.by_rule.items())[:TOP_FINDINGS]:
        out.append(f"| `{rule}` | {n} |")
    if len(f.by_rule) > TOP_FINDINGS:
        out.append(
            f"| {len(f.by_rule) - TOP_FINDINGS} more rules | "
            f"{sum(list(f.by_rule.values())[TOP_FINDINGS:])} |"
        )
    out.append("")
    top = "The finding" if len(f.top) == 1 else f"Top {len(f.top)} findings"
    out.append(f"{top} (the most severe first, one per rule first):")
    out.append("")
    for x in f.top:
        out.append(
            f"- {x.severity} `{x.rule}` at {_code(f'{x.path}:{x.line}')}: {_cell(x.message)}"
        )
    return [*out, ""]


def _diagram(m: Model) -> list[str]:
    out = ["## Diagram", ""]
    text = render_mermaid(m, fenced=True)
    if len(text) > MAX_MERMAID_CHARS:
        out.append(
            f"The diagram has {len(text):,} characters, more than Mermaid renders "
            f"({MAX_MERMAID_CHARS:,}). Limit it with `--schema` / `--tables`, or use "
            "`--format dot`."
        )
        return [*out, ""]
    return [*out, text.rstrip("\n"), ""]


def render_markdown(model: Model) -> str:
    parts = ["# Schema model", ""]
    for section in (_context, _entities, _relationships, _tenancy, _indexes, _findings, _diagram):
        parts.extend(section(model))
    return "\n".join(parts).rstrip("\n") + "\n"
