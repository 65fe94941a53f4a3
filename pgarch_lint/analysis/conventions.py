"""House style: the naming conventions a project actually follows, inferred from its schema.

The templates of ``[tool.pgarch-lint.naming]`` are default assumptions. When the user has not
set the template of a kind, and ``infer`` is not turned off, the convention of that kind is
read from every index and constraint name the run knows (the catalog's ledger of declared
names: ``--context`` files, every file read, a live database): the most specific known
template or shape that at least :data:`MIN_SHARE` of at least :data:`MIN_EVIDENCE` names
follow. Unnamed objects count with the name PostgreSQL generates for them. Otherwise the
configured or default template applies, as before.

Templates are written with placeholders (``{table}``, ``{columns}``, ``{ref_table}``,
``{ref_columns}``, ``{name}``, ``{hash}``; list placeholders take a separator after a colon:
``{columns:_and_}``) and ``*`` for any text. See docs/configuration.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any  # Any: JSON reports

from pgarch_lint.catalog.declared import CASE_KIND, CaseEvidence, case_style

from .name_templates import (  # noqa: F401  (re-exported: api.conventions has them all)
    COLUMN_KINDS,
    DEFAULTS,
    FAMILIES,
    KINDS,
    KNOWN,
    NAMEDATALEN,
    OBJECT_DEF_KINDS,
    OBJECT_KINDS,
    PG_GENERATED,
    PLACEHOLDERS,
    PLURAL,
    Spec,
    follows,
    parse,
    placeholders,
    render,
    shape_of,
    singular_forms,
    template_error,
    to_snake,
    trailing_forms,
)

if TYPE_CHECKING:
    from pgarch_lint.catalog import CatalogView
    from pgarch_lint.catalog.declared import NameDef
    from pgarch_lint.config import Naming

#: a convention needs at least this many names of its kind ...
MIN_EVIDENCE = 5
#: ... and at least this share of them following it
MIN_SHARE = 0.8
#: names that keep a template's shape but not its columns before the shape is tolerated
MIN_ABBREVIATED = 2

# --- case ----------------------------------------------------------------------------------


def _dominant(seen: Counter[str], minimum: int) -> tuple[str, int, int] | None:
    """The style at least MIN_SHARE of the names that show one follow, with its count."""
    total = sum(n for s, n in seen.items() if s != "neutral")
    if total < minimum:
        return None
    style, n = max(((s, n) for s, n in seen.items() if s != "neutral"), key=lambda x: x[1])
    return (style, n, total) if n >= MIN_SHARE * total else None


def _infer_cases(evidence: CaseEvidence, style: HouseStyle) -> None:
    for kind, seen in evidence.kinds.items():
        found = _dominant(seen, MIN_EVIDENCE)
        if found is None:
            shown = sum(n for s, n in seen.items() if s != "neutral")
            style.cases[kind] = Convention(kind, "snake", "default", total=shown)
            continue
        name, n, total = found
        examples = tuple(evidence.examples.get((kind, name), ()))
        style.cases[kind] = Convention(kind, name, "inferred", "", n, total, examples)
    for table, seen in evidence.columns.items():
        found = _dominant(seen, 2)
        if found is not None:
            style.column_case[table] = found[0]


# --- evidence --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One name of the evidence (or one name to judge) with what its template is filled with."""

    kind: str
    name: str
    explicit: bool
    spec: Spec
    suffix: bool = False  # may carry a distinguishing suffix (foreign keys, partial indexes)
    unique_index: bool = False  # kind "unique": a unique index (not a constraint)
    definition: NameDef | None = None


def object_item(d: NameDef) -> Item:
    """The evidence item of an index or constraint name."""
    kind = d.kind
    if kind == "index" and d.unique:
        kind = "unique"
    values: dict[str, tuple[str, ...]] = {"table": (d.table,)}
    lists: dict[str, tuple[str, ...]] = {"columns": d.columns}
    loose: set[str] = set()
    hints: dict[str, str] = {}
    if d.expression or not d.columns:
        loose.add("columns")
        hints["columns"] = "_".join(d.columns) or "<columns>"
    if d.ref_table is not None:
        values["ref_table"] = (d.ref_table,)
        if d.ref_columns:
            lists["ref_columns"] = d.ref_columns
        else:
            loose.add("ref_columns")
    if d.kind == "check":
        hints["name"] = d.columns[0] if d.columns else "<name>"
    # what a shape's "*" stands for in a suggested name
    hints["*"] = hints.get("name") or "_".join(d.columns) or "<name>"
    hints["*wide"] = f"{d.table}_{hints['*']}"
    spec = Spec(values, lists, frozenset(loose), hints)
    return Item(
        kind,
        d.name,
        d.explicit,
        spec,
        suffix=d.kind == "foreign-key" or (d.kind == "index" and d.variant),
        unique_index=d.kind == "index" and d.unique,
        definition=d,
    )


def pk_column_item(d: NameDef) -> Item | None:
    """The primary-key column of a single-column key, or None (composite, expression, or also
    the table's foreign key: a one-to-one extension table shares its parent's key)."""
    if d.kind != "primary-key" or len(d.columns) != 1 or d.expression or d.pk_is_fk:
        return None
    table = to_snake(d.table)
    spec = Spec({"table": (table,), "table_singular": tuple(singular_forms(table))})
    return Item("primary-key-column", to_snake(d.columns[0]), True, spec, definition=d)


def fk_column_item(d: NameDef) -> Item | None:
    """The column of a single-column foreign key to another table, or None."""
    if d.kind != "foreign-key" or len(d.columns) != 1 or d.ref_table is None:
        return None
    ref = to_snake(d.ref_table)
    refcol = to_snake(d.ref_columns[0]) if len(d.ref_columns) == 1 else "id"
    spec = Spec(
        {
            "ref_table": (ref,),
            "ref_table_singular": tuple(trailing_forms(ref)),
            "ref_column": (refcol,),
        },
        hints={"*": "<role>"},
    )
    return Item("foreign-key-column", to_snake(d.columns[0]), True, spec, definition=d)


# --- conventions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Convention:
    """The convention a kind of name is judged by."""

    kind: str
    template: str  # "" when the kind is not checked
    source: str  # "inferred" | "configured" | "default"
    label: str = ""  # the family the template belongs to, when known
    matched: int = 0  # evidence following it
    total: int = 0  # evidence of the kind
    examples: tuple[str, ...] = ()
    shape: str | None = None  # tolerated shape: the project's names shorten their columns
    via: tuple[str, ...] = ()  # source "family": the kinds whose conventions set the family

    @property
    def inferred(self) -> bool:
        """Read from the schema (its own evidence, or the family of the other kinds)."""
        return self.source in ("inferred", "family")

    def evidence(self) -> str:
        """``36 of 38 indexes``."""
        return f"{self.matched} of {self.total} {PLURAL[self.kind]}"


def fk_column_default(item: Item, allow_prefixed: bool = True) -> bool:
    """The default foreign-key column convention: ``{referenced table, singular}_id`` (a
    module prefix of the table may be left out: ``client_id`` for ``oauth_clients``), or
    ``<table>_<column>`` / ``<column>`` for a key that references another column than ``id``;
    with ``allow_prefixed`` a role may come first (``author_user_id``); a self-reference may
    use any ``<role>_id``."""
    col = item.name
    forms = item.spec.values.get("ref_table_singular", ())
    refcol = item.spec.values.get("ref_column", ("id",))[0]
    accepted = {f"{s}_id" for s in forms}
    if refcol != "id":
        accepted |= {f"{s}_{refcol}" for s in forms}
        accepted.add(refcol)
    if col in accepted:
        return True
    if allow_prefixed and any(col.endswith("_" + a) for a in accepted):
        return True
    d = item.definition
    self_ref = d is not None and d.self_reference
    return self_ref and (col.endswith("_id") or (refcol != "id" and col.endswith("_" + refcol)))


# How many items the run's house style keeps (HouseStyle.remember), with what each template
# said of them: enough for a migration history's names; a big dump's tens of thousands would
# hold tens of MB (an item is ~1 KB), so past this count the rest is built each time asked.
_KEPT_ITEMS = 5_000


@dataclass(slots=True)
class HouseStyle:
    """The conventions of a run, per kind."""

    conventions: dict[str, Convention]
    allow_prefixed: bool = True  # naming-foreign-key-column's option
    cases: dict[str, Convention] = field(default_factory=dict)  # table, column, type
    column_case: dict[str, str] = field(default_factory=dict)  # table → its columns' case
    # keep the items and verdicts below (the whole run's style, which the naming rules read
    # again; not the style of a prefix of the ledger, asked once for a suggested name)
    remember: bool = False
    # (builder, id(definition)) → (definition, its item): the inference and the naming rules
    # judge the same names, with the same Item objects ...
    _items: dict[tuple[Any, int], tuple[Any, Item | None]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _kept: set[int] = field(default_factory=set, init=False, compare=False, repr=False)
    # ... and (template, id(item)) → whether that kept item follows the template: the
    # inference tries a name against many templates, several candidates twice, and the naming
    # rules judge every name again by the chosen one
    _seen: dict[tuple[str, int], bool] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __getitem__(self, kind: str) -> Convention:
        return self.conventions[kind]

    def follows(self, item: Item, convention: Convention | None = None) -> bool:
        """Whether an item follows its kind's convention (a unique index may instead follow
        the index convention)."""
        conv = convention or self.conventions[item.kind]
        if not conv.template:
            return True
        if self.item_follows(conv.template, item):
            return True
        if conv.shape and self.item_follows(conv.shape, item):
            return True
        if item.kind == "foreign-key-column" and conv.inferred:
            # {table}_id stays acceptable beside the <role>_id the project also uses
            return self.item_follows(DEFAULTS[item.kind], item)
        if item.unique_index and item.kind == "unique" and convention is None:
            return self.follows(item, self.conventions["index"])
        return False

    def object_item(self, d: NameDef) -> Item:
        """:func:`object_item`, built once per definition."""
        item = self._item(object_item, d)
        assert item is not None
        return item

    def pk_column_item(self, d: NameDef) -> Item | None:
        """:func:`pk_column_item`, built once per definition."""
        return self._item(pk_column_item, d)

    def fk_column_item(self, d: NameDef) -> Item | None:
        """:func:`fk_column_item`, built once per definition."""
        return self._item(fk_column_item, d)

    def _item(self, build: Callable[[NameDef], Item | None], d: NameDef) -> Item | None:
        key = (build, id(d))
        hit = self._items.get(key)
        if hit is None:
            if not self.remember or len(self._items) >= _KEPT_ITEMS:
                return build(d)
            hit = self._items[key] = (d, build(d))
            if hit[1] is not None:
                self._kept.add(id(hit[1]))
        return hit[1]

    def item_follows(self, template: str, item: Item) -> bool:
        """Whether ``item`` follows ``template`` (remembered for the items the style keeps)."""
        if id(item) not in self._kept:
            return _item_follows(template, item, self.allow_prefixed)
        key = (template, id(item))
        hit = self._seen.get(key)
        if hit is None:
            hit = self._seen[key] = _item_follows(template, item, self.allow_prefixed)
        return hit

    def case_ok(self, d: NameDef) -> bool:
        """Whether a name that is not snake_case follows the house style of its kind: the
        project writes that kind in that case (``"WorkflowRun"`` tables in a Prisma schema),
        or, for a column, its own table is not snake_case either (the table's finding says
        it) or writes its columns that way (``"createdAt"`` beside ``"updatedAt"``)."""
        kind = CASE_KIND.get(d.kind)
        if kind is None:
            return False
        style = case_style(d.name)
        conv = self.cases.get(kind)
        if conv is not None and conv.inferred and conv.template == style:
            return True
        if kind == "column" and d.table:
            if case_style(d.table) not in ("snake", "neutral"):
                return True
            return self.column_case.get(d.table) == style
        return False


def _item_follows(template: str, item: Item, allow_prefixed: bool) -> bool:
    if item.kind == "foreign-key-column" and template == DEFAULTS["foreign-key-column"]:
        return fk_column_default(item, allow_prefixed)
    if not item.explicit:
        # an unnamed object has PostgreSQL's generated name: it follows PostgreSQL's template
        return template == _pg_template(item.kind) or follows(
            template, item.name, item.spec, suffix=item.suffix
        )
    return follows(template, item.name, item.spec, suffix=item.suffix)


def _pg_template(kind: str) -> str | None:
    for t, label in KNOWN.get(kind, ()):
        if label == PG_GENERATED:
            return t
    return None


def _candidates(kind: str, items: Sequence[Item]) -> list[list[tuple[str, str]]]:
    """Candidate templates in tiers, most specific first: known templates; shapes anchored on
    the table name; affix-only shapes."""
    tier1 = list(KNOWN.get(kind, ()))
    firsts: Counter[str] = Counter()
    lasts: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for it in items:
        if not it.explicit:
            continue
        names[it.name] += 1
        head, sep, _ = it.name.partition("_")
        if sep and head:
            firsts[head] += 1
        _, sep, tail = it.name.rpartition("_")
        if sep and tail:
            lasts[tail] += 1
    tier2: list[tuple[str, str]] = []
    tier3: list[tuple[str, str]] = []
    if kind in OBJECT_KINDS:
        for tail, _ in lasts.most_common(2):
            tier2.append((f"{{table}}_*_{tail}", "shape"))
            tier3.append((f"*_{tail}", "shape"))
        for head, _ in firsts.most_common(2):
            tier2.append((f"{head}_{{table}}_*", "shape"))
            tier3.append((f"{head}_*", "shape"))
        tier2.append(("{table}_*", "shape"))
    elif kind == "primary-key-column":
        for literal, _ in names.most_common(1):
            tier1.append((literal.replace("{", "").replace("}", "").replace("*", ""), "literal"))
        tier2.append(("*_id", "shape"))
    return [tier1, tier2, tier3]


_SAMPLE = 200
_SAMPLE_SHARE = 0.7


def _misses(
    template: str, items: Sequence[Item], style: HouseStyle, allowed: int
) -> list[Item] | None:
    """The items that do not follow ``template``; None as soon as there are more than
    ``allowed`` (the template cannot be the convention)."""
    out: list[Item] = []
    for it in items:
        if not style.item_follows(template, it):
            out.append(it)
            if len(out) > allowed:
                return None
    return out


def _choose(kind: str, items: Sequence[Item], style: HouseStyle) -> Convention | None:
    total = len(items)
    if total < MIN_EVIDENCE:
        return None
    for tier in _candidates(kind, items):
        allowed_misses = total - math.ceil(MIN_SHARE * total)
        # many names: candidates far from the threshold on an evenly spread sample are not
        # counted in full (a template 80 % follow is at 70 % of the sample, short of freak
        # orderings); the survivors are counted exactly
        sample = items if total <= _SAMPLE else items[:: total // _SAMPLE]
        sample_misses = len(sample) - math.ceil(_SAMPLE_SHARE * len(sample))
        best: tuple[int, int, str, str, list[Item]] | None = None
        for order, (template, label) in enumerate(tier):
            if not template or (best is not None and best[2] == template):
                continue
            if sample is not items and _misses(template, sample, style, sample_misses) is None:
                continue
            missed = _misses(template, items, style, allowed_misses)
            if missed is not None and (best is None or total - len(missed) > best[0]):
                best = (total - len(missed), order, template, label, missed)
        if best is not None:
            n, _, template, label, missed = best
            odd = {id(it) for it in missed}
            examples: list[str] = []
            for it in items:
                if it.explicit and id(it) not in odd and it.name not in examples:
                    examples.append(it.name)
                    if len(examples) == 2:
                        break
            # a project whose names often shorten or describe their columns (at least
            # MIN_ABBREVIATED names keep the template's fixed parts and table but not its
            # columns) is held to that shape; a single deviant name does not make it one
            shape = shape_of(template)
            short = sum(1 for it in missed if style.item_follows(shape, it))
            tolerated = shape if shape != template and short >= MIN_ABBREVIATED else None
            return Convention(
                kind, template, "inferred", label, n, total, tuple(examples), tolerated
            )
    return None


def infer(
    defs: Iterable[NameDef],
    naming: Naming,
    allow_prefixed: bool = True,
    cases: CaseEvidence | None = None,
    *,
    remember: bool = False,
) -> HouseStyle:
    """The conventions of a run from its declared names (and the counts of their letter case,
    read from ``defs`` when not given) and its ``[naming]`` settings. ``remember``: the style
    keeps its items and verdicts for whoever judges the same names again."""
    defs = list(defs)
    style = HouseStyle({}, allow_prefixed, remember=remember)
    by_kind: dict[str, list[Item]] = {k: [] for k in KINDS}
    for d in defs:
        if d.kind not in OBJECT_DEF_KINDS or (d.rename and d.constraint_index):
            continue
        it = style.object_item(d)
        by_kind[it.kind].append(it)
        col = style.pk_column_item(d) or style.fk_column_item(d)
        if col is not None:
            by_kind[col.kind].append(col)
    if naming.infer:
        _infer_cases(cases if cases is not None else CaseEvidence.of(defs), style)
    else:
        style.cases = {k: Convention(k, "snake", "default") for k in ("table", "column", "type")}
    for kind in KINDS:
        configured = naming.template(kind)
        if kind in naming.explicit or not naming.infer:
            source = "configured" if kind in naming.explicit else "default"
            style.conventions[kind] = Convention(kind, configured, source)
            continue
        items = by_kind[kind]
        if kind == "unique":
            # unique indexes that follow the index convention say nothing about constraints
            items = by_kind[kind] = [
                it
                for it in items
                if not (it.unique_index and style.follows(it, style.conventions["index"]))
            ]
        chosen = _choose(kind, items, style)
        if chosen is None:
            chosen = Convention(kind, configured, "default", total=len(items))
        elif chosen.template == configured:
            chosen = Convention(
                kind,
                configured,
                "default",
                chosen.label,
                chosen.matched,
                chosen.total,
                chosen.examples,
            )
        style.conventions[kind] = chosen
    _family_fallback(style, by_kind, naming)
    return style


def _family_fallback(style: HouseStyle, by_kind: Mapping[str, list[Item]], naming: Naming) -> None:
    """Kinds without a clear convention of their own take the family that every inferred
    kind belongs to (when there is exactly one), unless their own names fit the default
    template better than the family's."""
    common: set[str] | None = None
    basis: list[str] = []
    for kind in OBJECT_KINDS:
        conv = style.conventions[kind]
        if conv.source != "inferred":
            continue
        fams = {f for f, ts in FAMILIES.items() if conv.template in (ts[kind], shape_of(ts[kind]))}
        if not fams:
            continue  # another style: says nothing about the family
        common = fams if common is None else common & fams
        basis.append(kind)
    if not common:
        return
    if len(common) > 1:
        if PG_GENERATED not in common:
            return
        common = {
            PG_GENERATED
        }  # `{table}_pkey` alone: PostgreSQL's names (Rails shows in fk_rails_)
    family = next(iter(common))
    for kind in OBJECT_KINDS:
        conv = style.conventions[kind]
        if conv.source != "default" or not conv.template:
            continue
        template = FAMILIES[family][kind]
        items = by_kind[kind]
        n = sum(1 for it in items if style.item_follows(template, it))
        default = sum(1 for it in items if style.item_follows(conv.template, it))
        if default > n:
            continue  # the kind's own names speak for the default
        style.conventions[kind] = Convention(
            kind, template, "family", family, n, len(items), via=tuple(basis)
        )


def house_style(
    catalog: CatalogView, naming: Naming, allow_prefixed: bool = True, *, complete: bool = True
) -> HouseStyle:
    """The run's house style from the catalog's ledger of declared names.

    Whole-schema rules read it ``complete`` (every name declared so far; all of them at the
    end of the run). A rule checking a statement of a file that changes the schema (a
    suggested index name for a query in a function body) passes ``complete=False`` and
    reads it from the longest prefix of the ledger whose length is a power of two, so that
    a long migration does not infer again at every statement and the answer depends only
    on the ledger (identical under ``--jobs``).
    """
    names = catalog.names
    if complete:
        key: tuple[Any, ...] = (
            "house-style",
            len(names),
            names.version,
            id(naming),
            allow_prefixed,
        )
    else:
        size = len(names)
        if size > 16:
            size = 1 << (size.bit_length() - 1)
        key = ("house-style-prefix", size, id(naming), allow_prefixed)
    memo = catalog.derived
    style = memo.get(key)
    if not isinstance(style, HouseStyle):
        for old in [k for k in memo if k[0] == key[0] and k[1:-2] != key[1:-2]]:
            del memo[old]  # an earlier state of the ledger
        if complete:
            style = infer(names, naming, allow_prefixed, names.cases, remember=True)
        else:  # letter case does not matter to a suggested name
            style = infer(names[: key[1]], naming, allow_prefixed)
        memo[key] = style
    return style


def suggest(
    catalog: CatalogView,
    naming: Naming,
    kind: str,
    table: str,
    columns: Sequence[str],
    *,
    complete: bool = True,
    fallback: str | None = None,
) -> str:
    """A name for a new index (``kind`` "index") or unique constraint ("unique") on ``table``
    that follows the house style (or the configured / default template), at most 63 bytes.
    ``fallback`` is the template used when the kind's check is turned off (template "")."""
    conv = house_style(catalog, naming, complete=complete)[kind]
    template = conv.template or fallback or DEFAULTS[kind]
    cols = tuple(re.sub(r"\W+", "_", c).strip("_") or "expr" for c in columns)
    joined = "_".join(cols)
    spec = Spec(
        {"table": (table,)}, {"columns": cols}, hints={"*": joined, "*wide": f"{table}_{joined}"}
    )
    name = render(template, spec)
    raw = name.encode()
    return raw[:NAMEDATALEN].decode("utf-8", "ignore") if len(raw) > NAMEDATALEN else name


# --- reports (pgarch-lint conventions) -------------------------------------------------------


def _row(conv: Convention) -> dict[str, Any]:
    return {
        "kind": conv.kind,
        "template": conv.template,
        "source": conv.source,
        "family": conv.label or None,
        "matched": conv.matched,
        "total": conv.total,
        "examples": list(conv.examples),
        "shape": conv.shape,
    }


def report_json(style: HouseStyle) -> dict[str, Any]:
    """The house style as data (``pgarch-lint conventions --format json``)."""
    return {
        "thresholds": {"min_evidence": MIN_EVIDENCE, "min_share": MIN_SHARE},
        "names": [_row(style[k]) for k in KINDS],
        "case": [_row(style.cases[k]) for k in ("table", "column", "type") if k in style.cases],
    }


def _describe(conv: Convention) -> str:
    if conv.source == "configured":
        return "configured" if conv.template else "configured off"
    if conv.source == "family":
        return f"{conv.label}, which the {family_basis(conv)} follow"
    if conv.inferred:
        text = f"inferred from {conv.evidence()}"
        if conv.label and conv.label not in ("shape", "literal"):
            text += f": {conv.label}"
        if conv.shape:
            text += f"; names that shorten their columns keep the shape {conv.shape}"
        return text
    if conv.matched:
        return f"default, which the schema follows ({conv.evidence()})"
    if conv.total:
        return f"default: no clear convention in {conv.total} {PLURAL[conv.kind]}"
    return "default: nothing to infer from"


def family_basis(conv: Convention) -> str:
    """``primary keys and foreign keys``: the kinds a family convention was read from."""
    names = [PLURAL[k] for k in conv.via]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def report_text(style: HouseStyle) -> str:
    """One line per kind: template, where it comes from, and examples."""
    lines = []
    width = max(len(style[k].template or '""') for k in KINDS)
    for k in KINDS:
        conv = style[k]
        shown = conv.template or '""'
        lines.append(f"{k:<19} {shown:<{width}}  {_describe(conv)}")
        if conv.examples:
            lines.append(f"{'':<19} {'':<{width}}  e.g. {', '.join(conv.examples)}")
    for k in ("table", "column", "type"):
        case = style.cases.get(k)
        if case is None:
            continue
        what = f"{k} case"
        shown = "snake_case" if case.template == "snake" else case.template
        lines.append(f"{what:<19} {shown:<{width}}  {_describe(case)}")
        if case.examples:
            lines.append(f"{'':<19} {'':<{width}}  e.g. {', '.join(case.examples)}")
    return "\n".join(lines) + "\n"


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def report_toml(style: HouseStyle) -> str:
    """The conventions as a config block to paste (inferred ones set, the others commented)."""
    out = [
        "# Naming conventions inferred by `pgarch-lint conventions`: paste into pyproject.toml",
        "# (in pgarch-lint.toml, the table is [naming]). Kinds without a clear convention keep",
        "# their default; uncomment to set them.",
        "[tool.pgarch-lint.naming]",
    ]
    for k in KINDS:
        conv = style[k]
        note = _describe(conv)
        if conv.inferred or conv.source == "configured":
            out.append(f"{k} = {_toml_str(conv.template)}  # {note}")
        else:
            out.append(f"# {k} = {_toml_str(conv.template)}  # {note}")
    return "\n".join(out) + "\n"
