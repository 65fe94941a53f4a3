"""Helpers shared by the security/privilege rules (not a rule: no ``@rule`` here).

Only :mod:`pgarch_lint.api` is imported, like in every rule module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from pgarch_lint.api import CatalogView, ast, enums, util

# --- function options (CREATE FUNCTION / ALTER FUNCTION) -------------------------------------


def defelem(options: Any, name: str) -> ast.DefElem | None:
    """The last DefElem called ``name`` in an option list (the one PostgreSQL keeps)."""
    found = None
    for d in options or ():
        if isinstance(d, ast.DefElem) and d.defname == name:
            found = d
    return found


def security_definer(options: Any) -> bool | None:
    """True for SECURITY DEFINER, False for SECURITY INVOKER, None when not written."""
    d = defelem(options, "security")
    if d is None:
        return None
    return bool(getattr(d.arg, "boolval", False))


def search_path_action(options: Any) -> str | None:
    """What the options do to ``search_path``: "set", "reset" or None (untouched).

    ``RESET ALL`` and ``SET search_path TO DEFAULT`` count as a reset; the last clause wins.
    """
    out: str | None = None
    for d in options or ():
        if not (isinstance(d, ast.DefElem) and d.defname == "set"):
            continue
        vs = d.arg
        if not isinstance(vs, ast.VariableSetStmt):
            continue
        kind = vs.kind
        if kind == enums.VariableSetKind.VAR_RESET_ALL:
            out = "reset"
        elif (vs.name or "").lower() == "search_path":
            unset = (enums.VariableSetKind.VAR_RESET, enums.VariableSetKind.VAR_SET_DEFAULT)
            out = "reset" if kind in unset else "set"
    return out


def input_arg_count(params: Any) -> int:
    """Number of input arguments (IN, INOUT, VARIADIC) of a CREATE FUNCTION parameter list."""
    n = 0
    for p in params or ():
        mode = getattr(p.mode, "value", p.mode)
        if mode not in ("o", "t"):
            n += 1
    return n


def catalog_functions(catalog: CatalogView, names: list[str], nargs: int | None) -> list[Any]:
    """Functions the catalog knows by (possibly qualified) name, optionally by input-arg count.

    Resolution follows the catalog's search_path for unqualified names, first schema with a
    match wins (like PostgreSQL).
    """
    if not names:
        return []
    name = names[-1]
    schemas = [names[-2]] if len(names) > 1 else list(catalog.search_path) or ["public"]
    funcs = catalog.functions()
    for sch in schemas:
        found = [
            f
            for f in funcs
            if f.schema == sch and f.name == name and (nargs is None or len(f.argtypes) == nargs)
        ]
        if found:
            return found
    return []


def display_name(names: list[str]) -> str:
    return ".".join(names)


# --- EXECUTE privileges ----------------------------------------------------------------------

# --- GRANT statements ------------------------------------------------------------------------


def grant_kind(node: ast.GrantStmt) -> str:
    """``table``, ``sequence``, ``function``, ``schema``... of a GrantStmt."""
    name = getattr(node.objtype, "name", str(node.objtype))
    return name.removeprefix("OBJECT_").lower().replace("_", " ")


def grant_targets(node: ast.GrantStmt, kind: str) -> str:
    """``table "app.t", "app.u"`` or ``all tables in schema "app"`` for a message."""
    names: list[str] = []
    for o in node.objects or ():
        if isinstance(o, ast.RangeVar):
            names.append(util.rv_name(o))
        elif isinstance(o, ast.ObjectWithArgs):
            names.append(".".join(util.names_of(o.objname)))
        elif isinstance(o, ast.String):
            names.append(o.sval or "")
    listed = ", ".join(f'"{n}"' for n in names)
    if node.targtype == enums.GrantTargetType.ACL_TARGET_ALL_IN_SCHEMA:
        return f"all {kind}s in schema {listed}"
    return f"{kind} {listed}" if listed else kind


# --- role statements -------------------------------------------------------------------------

_WORD_RE = r'"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*'


@cache
def _word() -> re.Pattern[str]:
    """Compiled on first use: the wide character class costs ~5 ms to compile, paid at
    import by every run otherwise (this module is imported by whole-schema rules)."""
    return re.compile(_WORD_RE, re.UNICODE)


def role_name_span(text: str, base: int, role: str) -> tuple[int, int] | None:
    """Absolute span of the role name in a CREATE/ALTER ROLE|USER|GROUP statement's text.

    The role is the first identifier after ``ROLE``/``USER``/``GROUP`` (``ALTER USER
    MAPPING`` never reaches here). Quoted and unquoted spellings are both matched.
    """
    words = list(_word().finditer(text))
    for i, m in enumerate(words[:-1]):
        if m.group(0).lower() in ("role", "user", "group"):
            nxt = words[i + 1]
            w = nxt.group(0)
            name = w[1:-1].replace('""', '"') if w.startswith('"') else w.lower()
            if name == role or w.lower() == role.lower():
                return (base + nxt.start(), base + nxt.end())
    return None


# --- expressions -----------------------------------------------------------------------------


def walk_outside_sublinks(node: Any) -> Iterator[Any]:
    """Every AST node under ``node`` that is not inside a sub-select (``(SELECT ...)``)."""
    stack: list[Any] = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.SubLink):
            continue
        if isinstance(cur, ast.Node):
            yield cur
            kids = []
            for attr in getattr(cur, "__slots__", ()):
                v = getattr(cur, attr, None)
                if isinstance(v, (ast.Node, tuple)):
                    kids.append(v)
            stack.extend(reversed(kids))
        elif isinstance(cur, tuple):
            stack.extend(reversed([v for v in cur if isinstance(v, (ast.Node, tuple))]))


def has_column_ref(node: Any) -> bool:
    return any(isinstance(n, ast.ColumnRef) for n in walk_outside_sublinks(node))


def qualified_func_name(call: Any) -> str:
    """``schema.name`` or ``name`` of a FuncCall, lower case."""
    return ".".join(p.lower() for p in util.names_of(call.funcname))
