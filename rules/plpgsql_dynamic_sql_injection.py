import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from pgarch_lint.api import (
    Category,
    Context,
    DynamicExecute,
    Severity,
    Violation,
    ast,
    enums,
    rule,
    util,
)

#: Functions whose result is safe to splice into SQL whatever their input.
_SANITIZERS = frozenset({"quote_ident", "quote_literal", "quote_nullable"})
#: Functions whose result cannot carry SQL syntax (numbers, booleans).
_SAFE_RESULT = frozenset(
    {
        "length",
        "char_length",
        "character_length",
        "octet_length",
        "bit_length",
        "array_length",
        "cardinality",
        "count",
        "abs",
        "round",
        "floor",
        "ceil",
        "ceiling",
        "date_part",
        "extract",
        "pg_column_size",
        "md5",
        "to_hex",
        "hashtext",
    }
)
#: Cast targets whose text form cannot break out of the SQL around it (regclass & co. print
#: their name quoted as needed).
_SAFE_CASTS = frozenset(
    {
        "int2",
        "int4",
        "int8",
        "smallint",
        "integer",
        "int",
        "bigint",
        "numeric",
        "decimal",
        "float4",
        "float8",
        "real",
        "double precision",
        "bool",
        "boolean",
        "oid",
        "uuid",
        "date",
        "timestamp",
        "timestamptz",
        "interval",
        "regclass",
        "regproc",
        "regprocedure",
        "regtype",
        "regnamespace",
        "regrole",
        "regoper",
        "regoperator",
        "regconfig",
    }
)
#: Operators whose result is a boolean or a number (``-`` is not here: jsonb - text is jsonb).
_SAFE_OPERATORS = frozenset(
    {
        "=",
        "<>",
        "!=",
        "<",
        ">",
        "<=",
        ">=",
        "+",
        "*",
        "/",
        "%",
        "^",
        "~~",
        "!~~",
        "~~*",
        "!~~*",
        "~",
        "~*",
        "!~",
        "!~*",
        "@>",
        "<@",
        "&&",
        "?",
        "?|",
        "?&",
        "@@",
    }
)
_FORMAT_SPEC = re.compile(r"%(?:(\d+)\$)?(-)?(\*(?:\d+\$)?|\d+)?([sIL%])")
_PREFIX = len("SELECT ")


@dataclass(frozen=True, slots=True)
class _Taint:
    """A variable (or $n parameter) whose text reaches the SQL string unquoted."""

    name: str
    node: ast.Node
    via_format: bool = False


def _var_name(node: object, variables: frozenset[str]) -> str | None:
    if isinstance(node, ast.ParamRef):
        return f"${node.number}"
    if isinstance(node, ast.ColumnRef) and node.fields:
        first = node.fields[0]
        if isinstance(first, ast.String) and (first.sval or "").lower() in variables:
            return ".".join(f.sval or "" for f in node.fields if isinstance(f, ast.String))
    return None


def _format_tainted_args(call: ast.FuncCall, variables: frozenset[str]) -> list[_Taint] | None:
    """Tainted arguments that a literal format string splices with %s; None when the format
    string is not a literal."""
    args = list(call.args or ())
    if not args:
        return []
    fmt = args[0]
    if not (isinstance(fmt, ast.A_Const) and isinstance(fmt.val, ast.String)):
        return None
    out: list[_Taint] = []
    nxt = 1
    for m in _FORMAT_SPEC.finditer(fmt.val.sval or ""):
        pos, _, width, conv = m.groups()
        if conv == "%":
            continue
        if width and width.startswith("*"):
            nxt = int(width[1:-1]) + 1 if len(width) > 1 else nxt + 1
        idx = int(pos) if pos else nxt
        nxt = idx + 1
        if conv != "s" or idx >= len(args):
            continue
        for t in _taints(args[idx], variables):
            out.append(_Taint(t.name, t.node, via_format=True))
    return out


def _taints(node: object, variables: frozenset[str]) -> list[_Taint]:
    """Variables whose text flows, unquoted, into the value of ``node``."""
    if node is None or isinstance(node, (str, int, float, bool)):
        return []
    if isinstance(node, tuple):
        return [t for n in node for t in _taints(n, variables)]
    name = _var_name(node, variables)
    if name is not None:
        return [_Taint(name, cast(ast.Node, node))]  # a ParamRef or a ColumnRef
    if isinstance(node, (ast.A_Const, ast.ColumnRef, ast.ParamRef)):
        return []
    if isinstance(node, ast.TypeCast):
        tname = util.names_of(node.typeName)
        bounds = getattr(node.typeName, "arrayBounds", None)
        if tname and tname[-1].lower() in _SAFE_CASTS and not bounds:
            return []
        return _taints(node.arg, variables)
    if isinstance(node, ast.FuncCall):
        fname = util.func_name(node)
        if fname in _SANITIZERS or fname in _SAFE_RESULT:
            return []
        if fname == "format":
            found = _format_tainted_args(node, variables)
            return found if found is not None else []
        return _taints(node.args, variables)
    if isinstance(node, ast.A_Expr):
        op = util.names_of(node.name)
        if node.kind != enums.A_Expr_Kind.AEXPR_OP or (op and op[-1] in _SAFE_OPERATORS):
            return []  # comparisons, IN, LIKE... give booleans; arithmetic gives numbers
        return _taints(node.lexpr, variables) + _taints(node.rexpr, variables)
    if isinstance(node, (ast.BoolExpr, ast.NullTest, ast.BooleanTest, ast.SubLink)):
        return []
    out: list[_Taint] = []
    if isinstance(node, ast.Node):
        for attr in getattr(node, "__slots__", ()):
            v = getattr(node, attr, None)
            if isinstance(v, (ast.Node, tuple)):
                out.extend(_taints(v, variables))
    return out


def _is_bare(node: object, variables: frozenset[str]) -> bool:
    """``EXECUTE stmt``: the string was built elsewhere (not visible here)."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    return _var_name(node, variables) is not None


def _text_like(ev: DynamicExecute) -> frozenset[str]:
    """The variables that may hold arbitrary text.

    DynamicExecute carries only names today, so every variable counts; when the event also
    carries declared types (``variable_types``: name -> type name, lower case), variables of
    numeric, boolean, date/time, uuid and reg* types are left out: their text cannot break
    out of the SQL around it.
    """
    types = getattr(ev, "variable_types", None)
    if not types:
        return ev.variables
    safe = set()
    for name, tname in types.items():
        base = str(tname).lower().split("(")[0].strip()
        if base.removeprefix("pg_catalog.") in _SAFE_CASTS:
            safe.add(name)
    return ev.variables - safe


@rule(
    name="plpgsql-dynamic-sql-injection",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    summary="PL/pgSQL EXECUTE of a string built from a variable that is not quoted",
    nodes=(DynamicExecute,),
    bad="""
    CREATE FUNCTION app.count_rows(tbl text, owner_name text) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE n bigint;
    BEGIN
        EXECUTE 'SELECT count(*) FROM ' || tbl || ' WHERE owner = ''' || owner_name || ''''
            INTO n;
        RETURN n;
    END $$;
    """,
    good="""
    CREATE FUNCTION app.count_rows(tbl text, owner_name text) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE n bigint;
    BEGIN
        EXECUTE format('SELECT count(*) FROM %I WHERE owner = $1', tbl) INTO n USING owner_name;
        RETURN n;
    END $$;
    """,
    fix="""
    Never splice raw text into SQL:
    1. pass values as parameters: `EXECUTE '... WHERE id = $1' USING v`;
    2. splice identifiers with `format('%I', name)` or `quote_ident(name)`;
    3. splice literals you cannot pass as parameters with `format('%L', v)` or
       `quote_literal(v)` / `quote_nullable(v)`.
    """,
)
def check(ev: DynamicExecute, ctx: Context) -> Iterator[Violation]:
    """`EXECUTE` runs whatever string it is given. When the string is assembled with `||`, or
    with `format()`'s `%s`, from a function parameter or a variable, a value containing a quote
    or a semicolon changes the statement: a caller passing `x'; DROP TABLE users; --` runs
    their own SQL, with the function's privileges (all of the owner's, for SECURITY DEFINER).
    Even without an attacker, an identifier that needs quoting (`"Order"`, a name with a
    space) breaks the statement. `USING` parameters, `format('%I')` / `format('%L')` and the
    `quote_*` functions are safe. A bare `EXECUTE stmt` is not judged here: how `stmt` was
    built is not visible at that point."""
    expr = ev.expr
    if expr is None or _is_bare(expr, ev.variables):
        return
    taints = _taints(expr, _text_like(ev))
    if not taints:
        return
    first = taints[0]
    names = []
    for t in taints:
        if t.name not in names:
            names.append(t.name)
    listed = ", ".join(f'"{n}"' for n in names)
    how = "format() with %s" if first.via_format else "concatenation"
    noun = "variable" if len(names) == 1 else "variables"
    start = ev.start
    loc = getattr(first.node, "location", None)
    exact = ctx.statement is not None and ctx.statement.text == ev.text
    if exact and isinstance(loc, int) and loc >= _PREFIX:
        start = ev.start + loc - _PREFIX
    using = " (USING binds only the $n placeholders; this value is spliced in)" if ev.using else ""
    yield Violation(
        f"EXECUTE builds SQL by {how} of {noun} {listed} without quoting: a value with a quote "
        f"or semicolon changes the statement{using}",
        help="pass values with `USING $1`, splice identifiers with format('%I', ...) or "
        "quote_ident(), literals with format('%L', ...) or quote_literal()",
        start=start,
    )
