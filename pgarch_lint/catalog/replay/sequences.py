"""CREATE SEQUENCE and ALTER SEQUENCE (options, OWNED BY, AS type)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from pgarch_lint.catalog.nodes import texts_of, value_text
from pgarch_lint.catalog.objects import Sequence
from pgarch_lint.catalog.types import normalize_type

if TYPE_CHECKING:
    from pgarch_lint.catalog.store import Catalog
    from pgarch_lint.sql import ast


def on_CreateSeqStmt(cat: Catalog, node: ast.CreateSeqStmt) -> None:
    key = cat.key_of(cast("ast.RangeVar", node.sequence))
    if cat.sequence_at(key) is not None and node.if_not_exists:
        return
    seq = Sequence(schema=key[0], name=key[1])
    cat.stamp(seq)
    cat.put_sequence(seq)
    _seq_options(cat, seq, node.options)


def on_AlterSeqStmt(cat: Catalog, node: ast.AlterSeqStmt) -> None:
    key = cat.key_of(cast("ast.RangeVar", node.sequence))
    seq = cat.sequence_at(key)
    if seq is None:
        if not node.missing_ok:
            cat.note_unknown(f"{key[0]}.{key[1]}")
        return
    cat.touch(seq)
    _seq_options(cat, seq, node.options)


def _seq_options(cat: Catalog, seq: Sequence, options: Iterable[Any] | None) -> None:
    for d in options or ():
        if d.defname == "owned_by":
            parts = texts_of(d.arg)
            if parts == ["none"]:
                cat.own(seq, None)
            elif len(parts) >= 2:
                tk = cat.resolve(parts[-3] if len(parts) > 2 else None, parts[-2])
                cat.own(seq, f"{tk[0]}.{tk[1]}.{parts[-1]}")
        elif d.defname == "as":
            seq.data_type = normalize_type(d.arg)
        else:
            seq.options[d.defname] = value_text(d.arg) if d.arg is not None else "true"
