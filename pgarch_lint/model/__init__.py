"""``pgarch-lint model``: the schema as a review document.

:func:`build_model` turns a replayed :class:`~pgarch_lint.catalog.Catalog` into a
:class:`Model` (entities, relationships with cardinality, many-to-many links, tenancy, access
paths, findings summary); :func:`render` writes it as ``markdown``, ``mermaid``, ``dot`` or
``json``. See ``docs/model.md``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any  # Any: JSON documents

from pgarch_lint.config import Settings
from pgarch_lint.model.build import (
    Entity,
    FindingsSummary,
    LinkTable,
    Model,
    Relationship,
    build_model,
    classify_foreign_key,
    link_table_keys,
    summarize_findings,
)
from pgarch_lint.model.dot import render_dot
from pgarch_lint.model.markdown import render_markdown
from pgarch_lint.model.mermaid import render_mermaid

if TYPE_CHECKING:
    from pgarch_lint.api import RuleLike
    from pgarch_lint.files import FileInput

__all__ = [
    "FORMATS",
    "JSON_FORMAT_VERSION",
    "Entity",
    "FindingsSummary",
    "LinkTable",
    "Model",
    "Relationship",
    "build_model",
    "classify_foreign_key",
    "link_table_keys",
    "model_document",
    "render",
    "render_json",
    "summarize_findings",
]

FORMATS = ("markdown", "mermaid", "dot", "json")
JSON_FORMAT_VERSION = 1


def render_json(m: Model) -> dict[str, Any]:
    """The model as JSON-ready data (the same content as the Markdown document)."""
    return {
        "format_version": JSON_FORMAT_VERSION,
        "context": _context_json(m),
        "entities": [_entity_json(e) for e in m.entities],
        "relationships": [_relationship_json(r) for r in m.relationships],
        "many_to_many": [
            {
                "link": lk.link,
                "left": lk.left,
                "right": lk.right,
                "left_fk": lk.left_fk,
                "right_fk": lk.right_fk,
                "collapsed": lk.collapsed,
            }
            for lk in m.links
        ],
        "tenancy": {
            "tenant_columns": list(m.tenant_columns),
            "tenant_tables": [e.name for e in m.entities if e.tenant_column],
            "global_tables": [e.name for e in m.entities if not e.tenant_column],
        },
        "views": [
            {
                "name": v.name,
                "materialized": v.materialized,
                "reads": list(v.reads),
                "comment": v.comment,
            }
            for v in m.views
        ],
        "findings": None if m.findings is None else _findings_json(m.findings),
    }


def _context_json(m: Model) -> dict[str, Any]:
    """What the model was built from: files, PostgreSQL version, schemas, filters, counts."""
    return {
        "files": m.files,
        "context_files": m.context_files,
        "pg_version": m.pg_version,
        "schemas": [{"name": s, "tables": n} for s, n in m.schemas.items()],
        "filters": {"schemas": list(m.schema_filter), "tables": list(m.table_filter)},
        "counts": m.counts,
    }


def _entity_json(e: Entity) -> dict[str, Any]:
    """One table: its columns, indexes, policies, partitioning and tenancy."""
    return {
        "name": e.name,
        "schema": e.schema,
        "table": e.table,
        "comment": e.comment,
        "primary_key": list(e.primary_key),
        "persistence": e.persistence,
        "link_table": e.link,
        "rls": {"enabled": e.rls_enabled, "forced": e.rls_forced},
        "partitioning": None
        if e.partitioning is None
        else {
            "strategy": e.partitioning.strategy,
            "key": list(e.partitioning.key),
            "partitions": e.partitioning.partitions,
        },
        "tenant_column": e.tenant_column,
        "columns": [
            {
                "name": a.name,
                "type": a.type,
                "nullable": a.nullable,
                "primary_key": a.pk,
                "foreign_key": a.fk,
                "unique": a.unique,
                "comment": a.comment,
            }
            for a in e.columns
        ],
        "indexes": [
            {
                "name": ix.name,
                "method": ix.method,
                "keys": list(ix.keys),
                "include": list(ix.include),
                "unique": ix.unique,
                "primary": ix.primary,
                "predicate": ix.predicate,
                "serves": list(ix.serves),
                "comment": ix.comment,
            }
            for ix in e.indexes
        ],
        "unindexed_foreign_keys": e.unindexed_foreign_keys,
        "policies": [
            {
                "name": p.name,
                "command": p.command,
                "permissive": p.permissive,
                "roles": list(p.roles),
                "using": p.using,
                "with_check": p.with_check,
            }
            for p in e.policies
        ],
    }


def _relationship_json(r: Relationship) -> dict[str, Any]:
    """One foreign key as a relationship: its ends, cardinality and actions."""
    return {
        "name": r.name,
        "from": r.source,
        "from_columns": list(r.source_columns),
        "to": r.target,
        "to_columns": list(r.target_columns),
        "cardinality": r.cardinality,
        "multiplicity": r.multiplicity,
        "optional": r.optional,
        "identifying": r.identifying,
        "self_reference": r.self_reference,
        "on_delete": r.on_delete,
        "on_update": r.on_update,
        "external": r.external,
    }


def _findings_json(f: FindingsSummary) -> dict[str, Any]:
    """The findings of the run: counts and the top ones."""
    return {
        "rules": f.rules,
        "total": f.total,
        "by_severity": f.by_severity,
        "by_category": f.by_category,
        "by_rule": f.by_rule,
        "top": [
            {
                "rule": x.rule,
                "category": x.category,
                "severity": x.severity,
                "path": x.path,
                "line": x.line,
                "column": x.column,
                "message": x.message,
            }
            for x in f.top
        ],
    }


def render(m: Model, fmt: str) -> str:
    """The model in one of :data:`FORMATS`."""
    if fmt == "markdown":
        return render_markdown(m)
    if fmt == "mermaid":
        return render_mermaid(m)
    if fmt == "dot":
        return render_dot(m)
    if fmt == "json":
        return json.dumps(render_json(m), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown model format {fmt!r}")


def model_document(
    inputs: Sequence[FileInput],
    settings: Settings,
    rules: Sequence[RuleLike],
    *,
    fmt: str = "markdown",
    schemas: Sequence[str] = (),
    tables: Sequence[str] = (),
    known_rule_names: Sequence[str] = (),
) -> str:
    """Replay ``inputs`` running ``rules`` (as ``check`` does) and render the model."""
    from pgarch_lint.engine import Engine

    engine = Engine(settings, rules)
    report = engine.run(inputs, known_rule_names)
    m = build_model(
        engine.catalog,
        settings,
        files=[f.path for f in inputs if not f.context],
        context_files=[f.path for f in inputs if f.context],
        findings=summarize_findings(report.findings, len(rules)),
        schemas=schemas,
        tables=tables,
    )
    return render(m, fmt)
