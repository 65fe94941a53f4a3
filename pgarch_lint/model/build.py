"""Build the schema model (entities, relationships, tenancy, access paths) from a catalog.

The model is plain data, sorted by qualified name, so every renderer produces the same text
for the same schema. Nothing here knows about output formats.

Cardinality
===========

Each foreign key is a relationship from the referencing (child) table to the referenced
(parent) table:

- **one-to-one** when the FK columns include a whole primary key or unique key of the child
  (a non-partial unique index on plain columns counts), so a parent row has at most one child;
  otherwise **many-to-one**;
- **optional** when one of the FK columns is nullable (the child may have no parent);
- **identifying** when the FK columns are part of the child's primary key.

A table whose primary key is exactly covered by two foreign keys and that has at most
:data:`LINK_MAX_EXTRA_COLUMNS` other columns is a **many-to-many link** between the two
referenced tables. When nothing else references the link table, diagrams draw the link as one
many-to-many edge instead of the table and its two edges.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pgarch_lint.catalog import Catalog, Constraint, Index, Table
from pgarch_lint.config import Settings
from pgarch_lint.findings import Finding

__all__ = [
    "LINK_MAX_EXTRA_COLUMNS",
    "TOP_FINDINGS",
    "Attribute",
    "Entity",
    "FindingsSummary",
    "IndexInfo",
    "LinkTable",
    "Model",
    "Partitioning",
    "PolicyInfo",
    "Relationship",
    "ViewInfo",
    "build_model",
    "classify_foreign_key",
    "link_table_keys",
]

#: A link table may carry this many columns besides its primary key (role, created_at...).
LINK_MAX_EXTRA_COLUMNS = 3
#: How many findings the summary lists.
TOP_FINDINGS = 10

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    type: str
    nullable: bool
    pk: bool
    fk: bool
    unique: bool
    comment: str | None

    @property
    def is_key(self) -> bool:
        return self.pk or self.fk or self.unique


@dataclass(frozen=True, slots=True)
class IndexInfo:
    name: str
    method: str
    keys: tuple[str, ...]  # "created_at DESC", "metadata jsonb_path_ops", "(lower(email))"
    include: tuple[str, ...]
    unique: bool
    primary: bool
    predicate: str | None
    serves: tuple[str, ...]  # "primary key", "unique email", "FK orders.customer_id", ...
    comment: str | None


@dataclass(frozen=True, slots=True)
class Partitioning:
    strategy: str
    key: tuple[str, ...]
    partitions: int


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    name: str
    command: str
    permissive: bool
    roles: tuple[str, ...]
    using: str | None
    with_check: str | None


@dataclass(slots=True)
class Entity:
    name: str  # qualified: schema.table
    schema: str
    table: str
    comment: str | None
    primary_key: tuple[str, ...]
    persistence: str
    rls_enabled: bool
    rls_forced: bool
    partitioning: Partitioning | None
    columns: list[Attribute]
    indexes: list[IndexInfo]
    policies: list[PolicyInfo]
    tenant_column: str | None
    unindexed_foreign_keys: list[str] = field(default_factory=list)
    link: bool = False  # a many-to-many link table


@dataclass(frozen=True, slots=True)
class Relationship:
    name: str  # the FK constraint
    source: str  # qualified child (referencing) table
    source_columns: tuple[str, ...]
    target: str  # qualified parent (referenced) table
    target_columns: tuple[str, ...]
    one_to_one: bool
    optional: bool
    identifying: bool
    on_delete: str  # "no action", "cascade", "restrict", "set null", "set default"
    on_update: str
    external: bool  # the target is not in the picture (filtered out or never created)

    @property
    def cardinality(self) -> str:
        return "one-to-one" if self.one_to_one else "many-to-one"

    @property
    def self_reference(self) -> bool:
        return self.source == self.target

    @property
    def multiplicity(self) -> str:
        """Children per parent : parents per child, e.g. ``0..n : 1``."""
        child = "0..1" if self.one_to_one else "0..n"
        parent = "0..1" if self.optional else "1"
        return f"{child} : {parent}"


@dataclass(frozen=True, slots=True)
class LinkTable:
    link: str  # qualified link table
    left: str  # qualified tables it links
    right: str
    left_fk: str
    right_fk: str
    collapsed: bool  # nothing else references the link: diagrams draw one edge


@dataclass(frozen=True, slots=True)
class ViewInfo:
    name: str
    materialized: bool
    reads: tuple[str, ...]
    comment: str | None


@dataclass(slots=True)
class FindingsSummary:
    rules: int
    total: int
    by_severity: dict[str, int]
    by_category: dict[str, dict[str, int]]  # category -> severity -> count
    by_rule: dict[str, int]  # most frequent first
    top: list[Finding]


@dataclass(slots=True)
class Model:
    files: list[str]
    context_files: list[str]
    pg_version: int
    tenant_columns: tuple[str, ...]
    schema_filter: tuple[str, ...]
    table_filter: tuple[str, ...]
    schemas: dict[str, int]  # schema -> tables in the picture
    counts: dict[str, int]
    entities: list[Entity]
    relationships: list[Relationship]
    links: list[LinkTable]
    views: list[ViewInfo]
    findings: FindingsSummary | None
    qualify: bool = False  # show schema-qualified names: the picture spans several schemas

    def label(self, qualified: str) -> str:
        """The name shown for a table: bare when the picture has a single schema."""
        if self.qualify or "." not in qualified:
            return qualified
        return qualified.partition(".")[2]

    def entity(self, qualified: str) -> Entity | None:
        for e in self.entities:
            if e.name == qualified:
                return e
        return None


# --- cardinality ---------------------------------------------------------------------------


def _unique_keys(table: Table) -> list[frozenset[str]]:
    """Column sets that are unique in ``table``: PK, UNIQUE constraints, plain unique indexes."""
    out: list[frozenset[str]] = []
    for c in table.constraints.values():
        if c.kind in ("primary key", "unique") and c.columns:
            out.append(frozenset(c.columns))
    for ix in table.indexes.values():
        if ix.unique and ix.predicate is None and ix.keys and all(k.column for k in ix.keys):
            out.append(frozenset(k.column for k in ix.keys if k.column))
    return out


def _not_null(table: Table, column: str) -> bool:
    pk = table.primary_key
    if pk is not None and column in pk.columns:
        return True
    col = table.columns.get(column)
    if col is None:
        return True  # unknown column: do not invent an optional side
    return col.not_null or any(
        c.kind == "check" and c.validated and c.enforced and column in c.proves_not_null
        for c in table.constraints.values()
    )


def classify_foreign_key(table: Table, fk: Constraint) -> tuple[bool, bool, bool]:
    """(one_to_one, optional, identifying) for the foreign key ``fk`` of ``table``."""
    cols = frozenset(fk.columns)
    one_to_one = any(u <= cols for u in _unique_keys(table))
    optional = any(not _not_null(table, c) for c in fk.columns)
    pk = table.primary_key
    identifying = pk is not None and bool(cols) and cols <= frozenset(pk.columns)
    return one_to_one, optional, identifying


def link_table_keys(table: Table) -> tuple[Constraint, Constraint] | None:
    """The two FKs that make ``table`` a many-to-many link, or None (see module doc)."""
    pk = table.primary_key
    if pk is None or not pk.columns:
        return None
    pk_cols = frozenset(pk.columns)
    extra = [c for c in table.columns if c not in pk_cols]
    if len(extra) > LINK_MAX_EXTRA_COLUMNS:
        return None
    fks = sorted(
        (c for c in table.constraints.values() if c.kind == "foreign key" and c.ref_table),
        key=lambda c: c.name,
    )
    if any(not frozenset(c.columns) <= pk_cols for c in fks):
        return None  # a further reference: an entity of its own, not a link
    for i, a in enumerate(fks):
        for b in fks[i + 1 :]:
            sa, sb = frozenset(a.columns), frozenset(b.columns)
            if sa | sb == pk_cols and not sa <= sb and not sb <= sa:
                return a, b
    return None


# --- access paths --------------------------------------------------------------------------


def _key_text(ix: Index) -> tuple[str, ...]:
    return tuple(k.definition for k in ix.keys)


def _leading_columns(ix: Index, n: int) -> frozenset[str] | None:
    if len(ix.keys) < n:
        return None
    cols = [k.column for k in ix.keys[:n]]
    if any(c is None for c in cols):
        return None
    return frozenset(c for c in cols if c)


def _fk_text(table: Table, fk: Constraint) -> str:
    cols = fk.columns
    where = f"{table.name}.{cols[0]}" if len(cols) == 1 else f"{table.name}({', '.join(cols)})"
    ref = (fk.ref_table or "?").partition(".")[2] or fk.ref_table
    return f"FK {where} → {ref}"


def _serves_fk(ix: Index, fk: Constraint) -> bool:
    if ix.predicate is not None or ix.method not in ("btree", "hash") or not fk.columns:
        return False
    if ix.method == "hash":
        return len(fk.columns) == 1 and len(ix.keys) == 1 and ix.keys[0].column == fk.columns[0]
    return _leading_columns(ix, len(fk.columns)) == frozenset(fk.columns)


def _serves(table: Table, ix: Index) -> tuple[str, ...]:
    out: list[str] = []
    con = table.constraints.get(ix.constraint or "")
    cols = ", ".join(k.text for k in ix.keys)
    if ix.primary or (con is not None and con.kind == "primary key"):
        out.append("primary key")
    elif con is not None and con.kind == "exclude":
        out.append(f"exclusion ({cols})")
    elif ix.unique:
        out.append(f"unique {cols}" if len(ix.keys) == 1 else f"unique ({cols})")
    for fk in sorted(table.constraints.values(), key=lambda c: c.name):
        if fk.kind == "foreign key" and _serves_fk(ix, fk):
            out.append(_fk_text(table, fk))
    if any(k.expression is not None for k in ix.keys):
        out.append("expression lookup")
    if ix.method == "gin":
        out.append("containment / full-text search")
    elif ix.method == "gist":
        out.append("range / geometric / exclusion search")
    elif ix.method == "brin":
        out.append("block-range scan of correlated data")
    if ix.predicate:
        out.append(f"partial: {ix.predicate}")
    if not out:
        out.append(f"lookup by {cols}" if len(ix.keys) == 1 else f"lookup by ({cols})")
    return tuple(out)


def _unindexed_fks(table: Table) -> list[str]:
    out = []
    for fk in sorted(table.constraints.values(), key=lambda c: c.name):
        if fk.kind != "foreign key":
            continue
        if not any(_serves_fk(ix, fk) for ix in table.indexes.values()):
            out.append(_fk_text(table, fk))
    return out


# --- building ------------------------------------------------------------------------------


def _tenant_column(table: Table, settings: Settings) -> str | None:
    if table.persistence == "temporary":
        return None
    if settings.tenancy.is_global(table.qualified, table.name):
        return None
    for name in settings.tenancy.tenant_columns:
        if name in table.columns:
            return name
    return None


def _root(catalog: Catalog, qualified: str) -> str:
    """The top partitioned parent of a partition (or the table itself)."""
    seen = {qualified}
    t = catalog.table_by_name(qualified)
    while t is not None and t.partition_of and t.partition_of not in seen:
        seen.add(t.partition_of)
        parent = catalog.table_by_name(t.partition_of)
        if parent is None:
            return t.partition_of
        t = parent
    return t.qualified if t is not None else qualified


def _in_picture(schema: str, name: str, schemas: Sequence[str], tables: Sequence[str]) -> bool:
    if schemas and schema not in schemas:
        return False
    if tables:
        q = f"{schema}.{name}"
        return any(fnmatch.fnmatchcase(name, g) or fnmatch.fnmatchcase(q, g) for g in tables)
    return True


def _entity(catalog: Catalog, t: Table, settings: Settings) -> Entity:
    pk = t.primary_key
    pk_cols = tuple(pk.columns) if pk is not None else ()
    fk_cols = {c for fk in t.constraints.values() if fk.kind == "foreign key" for c in fk.columns}
    uniq_cols = {c for u in _unique_keys(t) if len(u) == 1 for c in u}
    attrs = [
        Attribute(
            name=c.name,
            type=c.type,
            nullable=not _not_null(t, c.name),
            pk=c.name in pk_cols,
            fk=c.name in fk_cols,
            unique=c.name in uniq_cols and c.name not in pk_cols,
            comment=c.comment,
        )
        for c in t.columns.values()
    ]
    indexes = [
        IndexInfo(
            name=ix.name,
            method=ix.method,
            keys=_key_text(ix),
            include=tuple(ix.include),
            unique=ix.unique,
            primary=ix.primary,
            predicate=ix.predicate,
            serves=_serves(t, ix),
            comment=ix.comment,
        )
        for _, ix in sorted(t.indexes.items())
    ]
    policies = [
        PolicyInfo(
            name=p.name,
            command=p.command,
            permissive=p.permissive,
            roles=tuple(p.roles),
            using=p.using,
            with_check=p.with_check,
        )
        for _, p in sorted(t.policies.items())
    ]
    part = None
    if t.partitioned:
        part = Partitioning(
            strategy=t.partition_strategy or "?",
            key=tuple(t.partition_key),
            partitions=len(catalog.partitions_of(t)),
        )
    return Entity(
        name=t.qualified,
        schema=t.schema,
        table=t.name,
        comment=t.comment,
        primary_key=pk_cols,
        persistence=t.persistence,
        rls_enabled=t.rls_enabled,
        rls_forced=t.rls_forced,
        partitioning=part,
        columns=attrs,
        indexes=indexes,
        policies=policies,
        tenant_column=_tenant_column(t, settings),
        unindexed_foreign_keys=_unindexed_fks(t),
    )


def summarize_findings(findings: Iterable[Finding], rules: int) -> FindingsSummary:
    items = list(findings)
    by_sev = Counter(f.severity for f in items)
    by_cat: dict[str, dict[str, int]] = {}
    for f in items:
        row = by_cat.setdefault(f.category, {"error": 0, "warning": 0, "info": 0})
        row[f.severity] = row.get(f.severity, 0) + 1
    ranked = sorted(items, key=lambda f: (_SEVERITY_RANK.get(f.severity, 9), *f.sort_key()))
    # the most severe finding of each rule first, then the rest in the same order
    seen: set[str] = set()
    first: list[Finding] = []
    rest: list[Finding] = []
    for f in ranked:
        (rest if f.rule in seen else first).append(f)
        seen.add(f.rule)
    top = (first + rest)[:TOP_FINDINGS]
    top.sort(key=lambda f: (_SEVERITY_RANK.get(f.severity, 9), *f.sort_key()))
    by_rule = Counter(f.rule for f in items)
    return FindingsSummary(
        rules=rules,
        total=len(items),
        by_severity={s: by_sev.get(s, 0) for s in ("error", "warning", "info")},
        by_category=dict(sorted(by_cat.items())),
        by_rule=dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
        top=top,
    )


def build_model(
    catalog: Catalog,
    settings: Settings,
    *,
    files: Sequence[str] = (),
    context_files: Sequence[str] = (),
    findings: FindingsSummary | None = None,
    schemas: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Model:
    """The model of the replayed schema, limited to ``schemas`` and tables matching ``tables``
    (globs on the name or the qualified name)."""
    picked = sorted(
        (
            t
            for t in catalog.tables()
            if not t.partition_of and _in_picture(t.schema, t.name, schemas, tables)
        ),
        key=lambda t: (t.schema, t.name),
    )
    names = {t.qualified for t in picked}
    entities = [_entity(catalog, t, settings) for t in picked]
    rels = _relationships(catalog, picked, names)
    links = _links(catalog, picked, names, rels, {e.name: e for e in entities})
    views = _views(catalog, schemas, tables)
    schema_counts = Counter(e.schema for e in entities)
    if not tables:  # created schemas without tables are part of the picture too
        for s in catalog.schemas:
            if not schemas or s in schemas:
                schema_counts.setdefault(s, 0)
    shown = {e.schema for e in entities} | {r.target.partition(".")[0] for r in rels}
    return Model(
        files=list(files),
        context_files=list(context_files),
        pg_version=settings.pg_version,
        tenant_columns=tuple(settings.tenancy.tenant_columns),
        schema_filter=tuple(schemas),
        table_filter=tuple(tables),
        schemas=dict(sorted(schema_counts.items())),
        counts=_counts(catalog, entities, rels, views, schemas),
        entities=entities,
        relationships=rels,
        links=sorted(links, key=lambda lk: lk.link),
        views=views,
        findings=findings,
        qualify=len(shown) > 1,
    )


def _relationships(catalog: Catalog, picked: list[Table], names: set[str]) -> list[Relationship]:
    """Every foreign key of the picked tables, sorted by source, target and name."""
    rels: list[Relationship] = []
    for t in picked:
        for fk in sorted(t.constraints.values(), key=lambda c: c.name):
            if fk.kind != "foreign key":
                continue
            one, opt, ident = classify_foreign_key(t, fk)
            target = _root(catalog, fk.ref_table or "?")
            rels.append(
                Relationship(
                    name=fk.name,
                    source=t.qualified,
                    source_columns=tuple(fk.columns),
                    target=target,
                    target_columns=tuple(fk.ref_columns),
                    one_to_one=one,
                    optional=opt,
                    identifying=ident,
                    on_delete=fk.on_delete or "no action",
                    on_update=fk.on_update or "no action",
                    external=target not in names,
                )
            )
    rels.sort(key=lambda r: (r.source, r.target, r.name))
    return rels


def _links(
    catalog: Catalog,
    picked: list[Table],
    names: set[str],
    rels: list[Relationship],
    by_name: dict[str, Entity],
) -> list[LinkTable]:
    """The many-to-many link tables between two picked tables (their entities are marked as
    links); collapsed when nothing references the link table."""
    referenced = Counter(r.target for r in rels if not r.external)
    links: list[LinkTable] = []
    for t in picked:
        pair = link_table_keys(t)
        if pair is None:
            continue
        a, b = pair
        ta, tb = _root(catalog, a.ref_table or ""), _root(catalog, b.ref_table or "")
        if ta not in names or tb not in names:
            continue
        if (ta, a.name) > (tb, b.name):
            a, b, ta, tb = b, a, tb, ta
        by_name[t.qualified].link = True
        links.append(
            LinkTable(
                link=t.qualified,
                left=ta,
                right=tb,
                left_fk=a.name,
                right_fk=b.name,
                collapsed=referenced.get(t.qualified, 0) == 0,
            )
        )
    return links


def _views(catalog: Catalog, schemas: Sequence[str], tables: Sequence[str]) -> list[ViewInfo]:
    """The views in the picture, sorted by name."""
    return sorted(
        (
            ViewInfo(
                name=v.qualified,
                materialized=v.materialized,
                reads=tuple(sorted(set(v.reads))),
                comment=v.comment,
            )
            for v in catalog.views()
            if _in_picture(v.schema, v.name, schemas, tables)
        ),
        key=lambda v: v.name,
    )


def _counts(
    catalog: Catalog,
    entities: list[Entity],
    rels: list[Relationship],
    views: list[ViewInfo],
    schemas: Sequence[str],
) -> dict[str, int]:
    """How many objects of each kind the picture holds (functions, types and sequences: in
    the picked schemas)."""

    def schema_ok(s: str) -> bool:
        return not schemas or s in schemas

    return {
        "tables": len(entities),
        "partitions": sum(e.partitioning.partitions for e in entities if e.partitioning),
        "views": sum(1 for v in views if not v.materialized),
        "materialized_views": sum(1 for v in views if v.materialized),
        "columns": sum(len(e.columns) for e in entities),
        "foreign_keys": len(rels),
        "indexes": sum(len(e.indexes) for e in entities),
        "policies": sum(len(e.policies) for e in entities),
        "functions": sum(1 for f in catalog.functions() if schema_ok(f.schema)),
        "types": sum(1 for ty in catalog.types() if schema_ok(ty.schema)),
        "sequences": sum(1 for s in catalog.sequences() if schema_ok(s.schema) and not s.implicit),
    }
