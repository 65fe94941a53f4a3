"""Naming templates: their syntax, the known conventions, and matching names against them.

A template is written with placeholders (``{table}``, ``{columns}``, ``{ref_table}``,
``{ref_columns}``, ``{name}``, ``{hash}``; list placeholders take a separator after a colon:
``{columns:_and_}``) and ``*`` for any text (see docs/configuration.md). :func:`render` fills
a template from a :class:`Spec` (what one object's name is made of); :func:`follows` tells
whether a name follows a template for a Spec, tolerating the abbreviations and the 63-byte
truncation real names show; :func:`shape_of` reduces a template to its fixed text.
:data:`KNOWN` lists the conventions found in the wild per kind (PostgreSQL's generated names
first: they are :data:`DEFAULTS`), :data:`FAMILIES` groups them by origin (PostgreSQL, Rails,
a prefix style...). :func:`to_snake`, :func:`singular_forms` and :func:`trailing_forms` are the
word helpers name matching needs.

The inference of a project's conventions from these pieces is :mod:`.conventions`, which
re-exports every public name here (``pgarch_lint.api.conventions`` is that module).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations

NAMEDATALEN = 63  # PostgreSQL truncates identifiers to 63 bytes

OBJECT_KINDS = ("index", "unique", "primary-key", "foreign-key", "check", "exclusion")
COLUMN_KINDS = ("primary-key-column", "foreign-key-column")
KINDS = OBJECT_KINDS + COLUMN_KINDS

#: what a kind's convention is about, for messages ("36 of 38 indexes")
PLURAL = {
    "index": "indexes",
    "unique": "unique constraints and indexes",
    "primary-key": "primary keys",
    "foreign-key": "foreign keys",
    "check": "check constraints",
    "exclusion": "exclusion constraints",
    "primary-key-column": "primary-key columns",
    "foreign-key-column": "foreign-key columns",
    "table": "tables and views",
    "column": "columns",
    "type": "types",
}

#: the template each default family writes, with a label for reports
PG_GENERATED = "PostgreSQL's generated names (also Prisma)"
KNOWN: Mapping[str, tuple[tuple[str, str], ...]] = {
    "index": (
        ("ix_{table}__{columns}", "pgarch-lint default"),
        ("{table}_{columns}_idx", PG_GENERATED),
        ("index_{table}_on_{columns:_and_}", "Rails"),
        ("idx_{table}_{columns}", "idx_ prefix"),
        ("idx_{table}__{columns}", "idx_ prefix"),
        ("ix_{table}_{columns}", "ix_ prefix"),
        ("{table}_{columns}_index", "Ecto"),
        ("{table}_{columns}", "table and columns"),
    ),
    "unique": (
        ("uq_{table}__{columns}", "pgarch-lint default"),
        ("{table}_{columns}_key", PG_GENERATED),
        ("index_{table}_on_{columns:_and_}", "Rails"),
        ("uq_{table}_{columns}", "uq_ prefix"),
        ("ux_{table}_{columns}", "ux_ prefix"),
        ("uniq_{table}_{columns}", "uniq_ prefix"),
        ("unique_{table}_{columns}", "unique_ prefix"),
        ("{table}_{columns}_unique", "_unique suffix"),
        ("{table}_{columns}_uniq", "_uniq suffix"),
    ),
    "primary-key": (
        ("pk_{table}", "pgarch-lint default"),
        ("{table}_pkey", PG_GENERATED),
        ("{table}_pk", "_pk suffix"),
        ("pk_{table}_{columns}", "pk_ prefix"),
        ("pk_{table}__{columns}", "pk_ prefix"),
    ),
    "foreign-key": (
        ("fk_{table}__{ref_table}", "pgarch-lint default"),
        ("{table}_{columns}_fkey", PG_GENERATED),
        ("fk_rails_{hash}", "Rails"),
        ("fk_{table}_{ref_table}", "fk_ prefix"),
        ("fk_{table}_{columns}", "fk_ prefix"),
        ("fk_{table}__{columns}", "fk_ prefix"),
        ("fk_{table}_{columns}_{ref_table}", "fk_ prefix"),
        ("{table}_{ref_table}_fk", "_fk suffix"),
        ("{table}_{columns}_fk", "_fk suffix"),
    ),
    "check": (
        ("ck_{table}__{name}", "pgarch-lint default"),
        ("{table}_{name}_check", PG_GENERATED),
        ("chk_rails_{hash}", "Rails"),
        ("ck_{table}_{name}", "ck_ prefix"),
        ("chk_{table}_{name}", "chk_ prefix"),
        ("{table}_{name}_chk", "_chk suffix"),
        ("{table}_{name}_ck", "_ck suffix"),
    ),
    "exclusion": (
        ("ex_{table}__{columns}", "pgarch-lint default"),
        ("{table}_{columns}_excl", PG_GENERATED),
        ("excl_rails_{hash}", "Rails"),
        ("excl_{table}_{columns}", "excl_ prefix"),
    ),
    "primary-key-column": (
        ("id", "pgarch-lint default"),
        ("{table_singular}_id", "<table>_id"),
        ("{table}_id", "<table>_id"),
    ),
    "foreign-key-column": (
        ("{ref_table_singular}_{ref_column}", "pgarch-lint default"),
        ("*_{ref_column}", "<role>_<column>"),
    ),
}

DEFAULTS: Mapping[str, str] = {k: v[0][0] for k, v in KNOWN.items()}

#: families of conventions: what a tool (or PostgreSQL itself) names every kind of object. A
#: kind whose own evidence is too thin or mixed takes the family the project's other kinds
#: clearly follow (Rails leaves primary keys to PostgreSQL: `{table}_pkey` is both).
FAMILIES: Mapping[str, Mapping[str, str]] = {
    PG_GENERATED: {
        "index": "{table}_{columns}_idx",
        "unique": "{table}_{columns}_key",
        "primary-key": "{table}_pkey",
        "foreign-key": "{table}_{columns}_fkey",
        "check": "{table}_{name}_check",
        "exclusion": "{table}_{columns}_excl",
    },
    "Rails": {
        "index": "index_{table}_on_{columns:_and_}",
        "unique": "index_{table}_on_{columns:_and_}",
        "primary-key": "{table}_pkey",
        "foreign-key": "fk_rails_{hash}",
        "check": "chk_rails_{hash}",
        "exclusion": "excl_rails_{hash}",
    },
    "pgarch-lint default": {k: DEFAULTS[k] for k in OBJECT_KINDS},
}

#: placeholders each kind's template may use
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "primary-key": frozenset({"table", "columns"}),
    "foreign-key": frozenset({"table", "ref_table", "columns", "ref_columns", "hash"}),
    "unique": frozenset({"table", "columns"}),
    "index": frozenset({"table", "columns"}),
    "check": frozenset({"table", "name", "columns", "hash"}),
    "exclusion": frozenset({"table", "columns", "hash"}),
    "primary-key-column": frozenset({"table", "table_singular"}),
    "foreign-key-column": frozenset({"ref_table", "ref_table_singular", "ref_column"}),
}
_LISTS = frozenset({"columns", "ref_columns"})
OBJECT_DEF_KINDS = frozenset(
    {"index", "primary-key", "foreign-key", "unique", "check", "exclusion"}
)
_ALWAYS_LOOSE = frozenset({"name", "hash"})


# --- templates -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\{([a-z_]+)(?::([^{}]*))?\}|\*")


@lru_cache(maxsize=256)
def parse(template: str) -> tuple[tuple[str, str, str], ...]:
    """A template as parts: ``("lit", text, "")``, ``("ph", name, separator)``, ``("any",
    "", "")``."""
    out: list[tuple[str, str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            out.append(("lit", template[pos : m.start()], ""))
        if m.group(0) == "*":
            out.append(("any", "", ""))
        else:
            out.append(("ph", m.group(1), m.group(2) if m.group(2) is not None else "_"))
        pos = m.end()
    if pos < len(template):
        out.append(("lit", template[pos:], ""))
    return tuple(out)


def placeholders(template: str) -> list[str]:
    """The placeholder names a template uses (for validation)."""
    return [p[1] for p in parse(template) if p[0] == "ph"]


def template_error(kind: str, template: str) -> str | None:
    """Why a template is not valid for ``kind``, or None."""
    if re.search(r"\{[^{}]*\{|\}[^{}]*\}", template) or template.count("{") != template.count("}"):
        return "unbalanced braces"
    allowed = PLACEHOLDERS[kind]
    for m in re.finditer(r"\{([^{}]*)\}", template):
        name = m.group(1).split(":", 1)[0]
        if name not in allowed:
            listed = ", ".join("{" + a + "}" for a in sorted(allowed))
            return f"unknown placeholder {{{name}}} (allowed: {listed})"
        if ":" in m.group(1) and name not in _LISTS:
            return (
                f"{{{name}}} takes no separator (only {{columns:...}} and {{ref_columns:...}} do)"
            )
    return None


@dataclass(frozen=True, slots=True)
class Spec:
    """What a template is filled with: each placeholder's acceptable values (alternatives),
    list placeholders as their items, and hints shown for loose placeholders."""

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    loose: frozenset[str] = frozenset()
    hints: Mapping[str, str] = field(default_factory=dict)


_Seg = tuple[str, tuple[str, ...]]  # ("fix", alternatives) | ("any", ()) | ("hex", ())


def _segments(template: str, spec: Spec, every_loose: bool = False) -> list[_Seg]:
    segs: list[_Seg] = []
    for kind, text, sep in parse(template):
        if kind == "lit":
            segs.append(("fix", (text,)))
        elif kind == "any":
            segs.append(("any", ()))
        elif text == "hash":
            segs.append(("hex", ()))
        elif every_loose or text in _ALWAYS_LOOSE or text in spec.loose:
            segs.append(("any", ()))
        elif text in spec.lists:
            items = spec.lists[text]
            if not items:
                segs.append(("any", ()))
            elif 1 < len(items) <= 4:
                # the columns in any order: a name may list them in another order than the key
                orders = (sep.join(p) for p in permutations(items))
                segs.append(("fix", tuple(dict.fromkeys(orders))))
            else:
                segs.append(("fix", (sep.join(items),)))
        elif spec.values.get(text):
            segs.append(("fix", spec.values[text]))
        else:
            segs.append(("any", ()))
    # merge neighbouring single-valued fixed parts (fewer branches)
    merged: list[_Seg] = []
    for s in segs:
        if merged and s[0] == "fix" and merged[-1][0] == "fix" and len(s[1]) == 1:
            prev = merged[-1][1]
            merged[-1] = ("fix", tuple(p + s[1][0] for p in prev))
        else:
            merged.append(s)
    return merged


_HEX = frozenset("0123456789abcdef")


def _texts(segs: Sequence[_Seg]) -> list[str]:
    """Every text a run of fixed segments can spell."""
    out = [""]
    for _, alts in segs:
        out = [a + b for a in out for b in alts]
    return out


def _match(segs: Sequence[_Seg], name: str, i: int = 0, pos: int = 0) -> bool:
    if i == 0 and pos == 0:
        wild = [k for k, s in enumerate(segs) if s[0] != "fix"]
        if not wild:
            return name in _texts(segs)
        if len(wild) == 1:  # most templates: fixed text, one wildcard, fixed text
            k = wild[0]
            kind = segs[k][0]
            for head in _texts(segs[:k]):
                if not name.startswith(head):
                    continue
                for tail in _texts(segs[k + 1 :]):
                    middle_end = len(name) - len(tail)
                    if middle_end > len(head) and name.endswith(tail):
                        middle = name[len(head) : middle_end]
                        if kind == "any" or (len(middle) >= 6 and set(middle) <= _HEX):
                            return True
            return False
    if i == len(segs):
        return pos == len(name)
    kind, alts = segs[i]
    if kind == "fix":
        return any(
            name.startswith(a, pos) and _match(segs, name, i + 1, pos + len(a)) for a in alts
        )
    if i + 1 == len(segs):  # a trailing wildcard takes the rest
        rest = name[pos:]
        return bool(rest) and (kind == "any" or (len(rest) >= 6 and set(rest) <= _HEX))
    after = segs[i + 1]
    if kind == "any" and after[0] == "fix" and all(after[1]):
        # any text, then fixed text: only where that text occurs can the wildcard end
        for alt in after[1]:
            end = name.find(alt, pos + 1)
            while end >= 0:
                if _match(segs, name, i + 1, end):
                    return True
                end = name.find(alt, end + 1)
        return False
    for end in range(pos + 1, len(name)):
        piece = name[pos:end]
        if kind == "hex" and piece[-1] not in _HEX:
            break
        if kind == "hex" and len(piece) < 6:
            continue
        if _match(segs, name, i + 1, end):
            return True
    return False


def render(template: str, spec: Spec) -> str:
    """The name a template asks for; loose parts are shown as hints such as ``<name>``."""
    out: list[str] = []
    for kind, text, sep in parse(template):
        if kind == "lit":
            out.append(text)
        elif kind == "any":
            wide = "{table" not in template and "*wide" in spec.hints
            out.append(spec.hints["*wide"] if wide else spec.hints.get("*", "<name>"))
        elif text in spec.hints:
            out.append(spec.hints[text])
        elif text in _ALWAYS_LOOSE or text in spec.loose:
            out.append(f"<{text}>")
        elif spec.lists.get(text):
            out.append(sep.join(spec.lists[text]))
        elif spec.values.get(text):
            out.append(spec.values[text][0])
        else:
            out.append(f"<{text}>")
    return "".join(out)


def follows(template: str, name: str, spec: Spec, *, suffix: bool = False) -> bool:
    """Whether ``name`` follows ``template``. ``suffix`` also accepts ``<expected>_<more>``
    (two foreign keys to one table, two partial indexes on one column need distinct names).
    When the full name would pass PostgreSQL's 63-byte limit, every placeholder is loose
    (PostgreSQL truncates, people abbreviate)."""
    head, tail = _affixes(template)
    if head and not name.startswith(head):
        return False  # every form keeps the template's leading text
    if tail and not suffix and not name.endswith(tail) and len(name.encode()) != NAMEDATALEN:
        return False  # ... and its trailing text, unless PostgreSQL truncated the name
    segs = _segments(template, spec)
    if _match(segs, name) or (suffix and _match([*segs, ("fix", ("_",)), ("any", ())], name)):
        return True
    full = render(template, spec)
    if len(full.encode()) > NAMEDATALEN:
        if name.encode() == full.encode()[:NAMEDATALEN]:
            return True  # what PostgreSQL keeps of the full name
        loose = _segments(template, spec, every_loose=True)
        return _match(loose, name) or _match([*loose, ("fix", ("_",)), ("any", ())], name)
    return False


@lru_cache(maxsize=256)
def _affixes(template: str) -> tuple[str, str]:
    """The literal text a template starts and ends with ("" when it starts or ends with a
    placeholder)."""
    parts = parse(template)
    if not parts:
        return "", ""
    head = parts[0][1] if parts[0][0] == "lit" else ""
    tail = parts[-1][1] if parts[-1][0] == "lit" and len(parts) > 1 else ""
    return head, tail


def shape_of(template: str) -> str:
    """The template with its column placeholders turned into ``*``: the shape names keep when
    they abbreviate or reorder columns (``{table}_{columns}_idx`` → ``{table}_*_idx``)."""
    out = []
    for kind, text, sep in parse(template):
        if kind == "lit":
            out.append(text)
        elif kind == "any" or text in ("columns", "ref_columns", "name"):
            out.append("*")
        else:
            out.append("{" + text + ("" if sep == "_" else ":" + sep) + "}")
    return re.sub(r"\*(?:_?\*)+", "*", "".join(out))


# --- singular forms and case (for column conventions) ----------------------------------------


@lru_cache(maxsize=4096)
def to_snake(name: str) -> str:
    """``UserProfile`` → ``user_profile``, ``HTTPRequest`` → ``http_request``, ``userId`` →
    ``user_id``; other characters become ``_``."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^A-Za-z0-9_]+", "_", s).lower()
    if s and s[0].isdigit():
        s = "_" + s
    return s or "_"


_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "teeth": "tooth",
    "feet": "foot",
    "criteria": "criterion",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "analyses": "analysis",
    "theses": "thesis",
    "crises": "crisis",
    "data": "datum",
    "media": "medium",
}
_INVARIANT = (
    "series",
    "species",
    "news",
    "status",
    "address",
    "analysis",
    "bus",
    "class",
    "process",
    "access",
    "canvas",
    "alias",
    "campus",
    "census",
)


def singular_forms(word: str) -> list[str]:
    """Plausible singulars of a (snake_case) table name, most likely first. The last word is
    singularised (``order_items`` → ``order_item``); ambiguous endings give several forms
    (``databases`` → ``database``, ``databas``); a name that does not look plural is its own
    singular, and so is an irregular plural (``people``)."""
    head, sep, last = word.rpartition("_")
    prefix = head + sep
    forms: list[str] = []
    if last in _IRREGULAR:
        forms.append(_IRREGULAR[last])
    elif last.endswith(_INVARIANT) or last.endswith(("ss", "us", "is")):
        pass
    elif last.endswith("ies") and len(last) > 4:
        forms += [last[:-3] + "y", last[:-1]]  # categories, movies
    elif last.endswith(("sses", "uses", "xes", "ches", "shes", "zzes", "ases", "oes")):
        forms += [last[:-2], last[:-1]]  # addresses, statuses, boxes, aliases / databases
    elif last.endswith("ves") and len(last) > 4:
        forms += [last[:-1], last[:-3] + "f", last[:-3] + "fe"]  # moves, leaves, knives
    elif last.endswith("s") and len(last) > 1:
        forms.append(last[:-1])
    out = [prefix + f for f in forms if f]
    if not out or last in _IRREGULAR:
        out.append(word)  # already singular (`user`, `status`), or irregular (`people`)
    return list(dict.fromkeys(out))


def trailing_forms(word: str) -> list[str]:
    """Singular forms plus their trailing word runs: a table with a module prefix
    (``oauth_clients``, ``v1_tasks``) may be referenced as ``client_id`` / ``task_id``."""
    out: list[str] = []
    for s in singular_forms(word):
        parts = s.split("_")
        out.extend("_".join(parts[i:]) for i in range(len(parts)) if parts[i])
    return list(dict.fromkeys(out))
