"""Small AST helpers shared by rules (re-exported through :mod:`pgarch_lint.api`).

The readers that check what they are given (``rv_name``, ``names_of``...) take ``object``:
they accept any value and answer ``"?"``, ``[]`` or ``""`` for what they do not read.
"""

from __future__ import annotations

from collections.abc import Iterator

from pgarch_lint.sql import ast, children, enums


def rv_name(rv: object) -> str:
    """Display name of a RangeVar: ``schema.name`` or ``name``."""
    if not isinstance(rv, ast.RangeVar):
        return "?"
    return f"{rv.schemaname}.{rv.relname}" if rv.schemaname else str(rv.relname)


def names_of(obj: object) -> list[str]:
    """A qualified name given as a tuple of String nodes (DropStmt objects, typeName...)."""
    if isinstance(obj, ast.String):
        return [obj.sval] if obj.sval is not None else []
    if isinstance(obj, (tuple, list)):
        return [s.sval for s in obj if isinstance(s, ast.String) and s.sval is not None]
    if isinstance(obj, ast.TypeName):
        return names_of(obj.names)
    if isinstance(obj, ast.ObjectWithArgs):
        return names_of(obj.objname)
    return []


def rangevar(names: list[str]) -> ast.RangeVar:
    """A RangeVar for a qualified name given as parts (for catalog look-ups)."""
    return ast.RangeVar(
        relname=names[-1], schemaname=names[-2] if len(names) > 1 else None, inh=True
    )


def drop_targets(node: ast.DropStmt) -> Iterator[list[str]]:
    """The qualified names a DROP statement names (one list of parts per object)."""
    for obj in node.objects or ():
        parts = names_of(obj)
        if parts:
            yield parts


def alter_cmds(node: ast.AlterTableStmt) -> Iterator[ast.AlterTableCmd]:
    for c in node.cmds or ():
        if isinstance(c, ast.AlterTableCmd):
            yield c


def option_on(options: object, name: str) -> bool | None:
    """Whether the boolean option ``name`` of a statement's option list (DefElems such as
    ``REINDEX (CONCURRENTLY false, VERBOSE)``; the keyword form ``REINDEX TABLE CONCURRENTLY``
    arrives as one without a value) is on, read as PostgreSQL's ``defGetBoolean`` reads it:
    no value, ``1``, ``true``, ``on`` are True, ``0``, ``false``, ``off`` False (any case).
    The last mention wins, as in PostgreSQL. None when the list does not name it, or names it
    with a value that is not a boolean (the statement fails)."""
    found: bool | None = None
    for o in options if isinstance(options, (tuple, list)) else ():
        if not isinstance(o, ast.DefElem) or o.defname != name:
            continue
        arg = o.arg
        if arg is None:
            found = True
        elif isinstance(arg, ast.Integer):
            found = {0: False, 1: True}.get(arg.ival or 0)
        elif isinstance(arg, ast.Boolean):
            found = bool(arg.boolval)
        elif isinstance(arg, ast.String):
            found = {"true": True, "on": True, "false": False, "off": False}.get(
                (arg.sval or "").lower()
            )
        else:
            found = None
    return found


def func_name(call: object) -> str:
    """Lower-case function name of a FuncCall without its schema (``now``, ``gen_random_uuid``)."""
    if not isinstance(call, ast.FuncCall):
        return ""
    parts = names_of(call.funcname)
    return parts[-1].lower() if parts else ""


def constraints_of(elt: object) -> Iterator[ast.Constraint]:
    """Constraints of a ColumnDef (inline) or a table-level Constraint."""
    if isinstance(elt, ast.ColumnDef):
        for c in elt.constraints or ():
            if isinstance(c, ast.Constraint):
                yield c
    elif isinstance(elt, ast.Constraint):
        yield elt


def is_table_drop(node: object) -> bool:
    return isinstance(node, ast.DropStmt) and node.removeType == enums.ObjectType.OBJECT_TABLE


def quote_ident(name: str) -> str:
    """Quote an identifier for a message or suggested SQL only when PostgreSQL needs it."""
    import re

    from pgarch_lint.sql import RESERVED_KEYWORDS

    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) and name not in RESERVED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def identifiers(text: str) -> Iterator[tuple[int, int, str]]:
    """Identifiers written in ``text``: (start, end, the name PostgreSQL stores, untruncated):
    unquoted words folded to lower case, quoted ones with each doubled ``""`` read as one
    quote, ``U&"..."`` ones with their escapes decoded.

    The parser truncates identifiers to 63 bytes, so rules that care about the written length
    read the tokens instead of the tree.
    """
    from pgarch_lint.sql import identifier_names

    yield from identifier_names(text)


__all__ = [
    "alter_cmds",
    "children",
    "constraints_of",
    "drop_targets",
    "func_name",
    "identifiers",
    "is_table_drop",
    "names_of",
    "option_on",
    "quote_ident",
    "rangevar",
    "rv_name",
]
