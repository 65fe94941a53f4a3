"""Names: identifier length, the names PostgreSQL generates, and search_path resolution.

Pure functions of strings; the catalog's store applies them to what it holds.

Name resolution
===============

Unqualified names resolve through ``search_path`` (default ``("public",)``), honouring
``SET search_path`` and pg_dump's ``SELECT pg_catalog.set_config('search_path', '', false)``;
``$user`` and ``pg_temp`` are ignored (:func:`effective_search_path`). Creation goes into the
first schema of the path (or ``public`` when the path is empty: :func:`creation_schema`);
lookup tries each schema in order (:func:`lookup_key`). Qualified names are ``"schema.name"``
strings (no quoting) wherever one object refers to another.

Generated names
===============

Unnamed constraints and indexes get PostgreSQL's generated names: ``{table}_pkey``,
``{table}_{cols}_key``, ``{table}_{cols}_idx``, ``{table}_{cols}_excl``, ``{table}_{cols}_fkey``,
``{table}_{col}_check`` (``{table}_check`` when the expression uses zero or several columns),
``{table}_{col}_seq``; truncated to 63 bytes the way ``makeObjectName`` does
(:func:`make_object_name`), the column list cut as ``ChooseIndexNameAddition`` does
(:func:`name_addition`), and numbered (``_key1``...) on a clash, as ``ChooseRelationName`` and
``ChooseConstraintName`` do (:func:`choose_name`, given what is taken).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

__all__ = [
    "DEFAULT_SEARCH_PATH",
    "NAMEDATALEN",
    "Key",
    "choose_name",
    "clip",
    "creation_schema",
    "effective_search_path",
    "lookup_key",
    "make_object_name",
    "name_addition",
    "parse_search_path",
    "search_schemas",
    "shared",
    "split_qualified",
]

#: PostgreSQL's NAMEDATALEN: identifiers are cut to NAMEDATALEN - 1 = 63 bytes
NAMEDATALEN = 64

#: a schema-qualified name: (schema, name)
Key = tuple[str, str]

DEFAULT_SEARCH_PATH: tuple[str, ...] = ("public",)


def shared(text: str) -> str:
    """``text`` as the one copy of it the catalog keeps (``sys.intern``): a history repeats its
    column, type and table names thousands of times (a 13,500-file history: 164,000 strings
    in its catalog, 60,000 different), and each copy costs memory and, when the results cache
    keeps the catalog, a pickled object."""
    return sys.intern(text) if type(text) is str else text


# --- generated names -------------------------------------------------------------------------


def clip(name: str, nbytes: int) -> str:
    """``name`` cut to at most ``nbytes`` bytes of UTF-8 (never inside a character)."""
    raw = name.encode()
    if len(raw) <= nbytes:
        return name
    return raw[: max(nbytes, 0)].decode("utf-8", "ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` truncated to 63 bytes."""
    n1 = len(name1.encode())
    n2 = len(name2.encode()) if name2 else 0
    overhead = (len(label) + 1 if label else 0) + (1 if name2 else 0)
    avail = NAMEDATALEN - 1 - overhead
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [clip(name1, n1)]
    if name2:
        parts.append(clip(name2, n2))
    if label:
        parts.append(label)
    return "_".join(parts)


def name_addition(names: Iterable[str]) -> str:
    """``ChooseIndexNameAddition``: names joined by ``_``, cut at NAMEDATALEN."""
    buf = ""
    for n in names:
        buf = n if not buf else f"{buf}_{n}"
        if len(buf.encode()) >= NAMEDATALEN - 1:
            return clip(buf, NAMEDATALEN - 1)
    return buf


def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """``ChooseRelationName`` / ``ChooseConstraintName``: :func:`make_object_name`, with the
    label numbered (``key``, ``key1``, ``key2``...) until ``taken`` says the name is free."""
    n = 0
    while True:
        lab = label if n == 0 else f"{label}{n}"
        cand = make_object_name(name1, name2, lab)
        if not taken(cand):
            return cand
        n += 1


# --- search_path -----------------------------------------------------------------------------


def split_qualified(qualified: str) -> tuple[str | None, str]:
    """``"schema.name"`` → ``("schema", "name")``; ``"name"`` → ``(None, "name")``."""
    if "." in qualified:
        s, _, n = qualified.partition(".")
        return s, n
    return None, qualified


def parse_search_path(text: str) -> tuple[str, ...]:
    """The schemas of a ``search_path`` setting's text (``'"My Schema", public'``)."""
    out: list[str] = []
    for part in text.split(","):
        p = part.strip()
        if not p:
            continue
        if len(p) >= 2 and p[0] == '"' and p[-1] == '"':
            p = p[1:-1].replace('""', '"')
        else:
            p = p.lower()
        out.append(p)
    return tuple(out)


def effective_search_path(values: Iterable[str]) -> tuple[str, ...]:
    """The schemas the catalog resolves through: ``$user``, ``pg_temp`` and empty names
    dropped."""
    return tuple(v for v in values if v and v not in ("$user", "pg_temp"))


def creation_schema(search_path: tuple[str, ...]) -> str:
    """Where an unqualified CREATE puts its object: the first schema of the path."""
    return search_path[0] if search_path else "public"


def search_schemas(search_path: tuple[str, ...], schema: str | None) -> list[str]:
    """The schemas an optionally qualified name may live in, in lookup order."""
    return [schema] if schema else list(search_path) or ["public"]


def lookup_key(
    search_path: tuple[str, ...], schema: str | None, name: str, exists: Callable[[Key], bool]
) -> Key:
    """Resolve ``[schema.]name``: the first schema of the path where ``exists`` holds, else
    where an unqualified CREATE would put it."""
    if schema:
        return (schema, name)
    for s in search_path:
        if exists((s, name)):
            return (s, name)
    return (creation_schema(search_path), name)
