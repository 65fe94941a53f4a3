"""DDL of the objects that are not tables: roles, schemas, extensions, types, sequences,
routines, views, grants, owners and comments.

Routines, range types and roles are written from the statement that last defined them (the
recorder keeps it: :meth:`~pgarch_lint.schema_sql.recorder.SchemaRecorder.definition`), renamed
to the object's current name, because the model leaves out what the writer would need (bodies
are kept, but not parameter defaults, ``OUT`` parameters, ``COST`` or ``PARALLEL``); the
attributes the model does hold and a later ``ALTER`` changed follow as ``ALTER`` statements.
"""

from __future__ import annotations

from pgarch_lint.catalog import Catalog, CatalogView, Function, Grant, Role, Sequence, TypeDef, View
from pgarch_lint.catalog.names import split_qualified
from pgarch_lint.schema_sql.sqltext import ident, literal, qualified, qualified_text, type_sql
from pgarch_lint.sql import ast, deparse, parse_text, walk

__all__ = [
    "alter_routine",
    "as_defined",
    "comment_sql",
    "create_role",
    "create_routine",
    "create_sequence",
    "create_type",
    "create_view",
    "grant_applies",
    "grant_sql",
    "role_membership",
    "routine_ref",
    "sequence_options",
    "view_query",
]

# role options the catalog records (CREATE ROLE's DefElem names) → the SQL keywords for true
# and false
_ROLE_FLAGS = {
    "canlogin": ("LOGIN", "NOLOGIN"),
    "superuser": ("SUPERUSER", "NOSUPERUSER"),
    "createdb": ("CREATEDB", "NOCREATEDB"),
    "createrole": ("CREATEROLE", "NOCREATEROLE"),
    "inherit": ("INHERIT", "NOINHERIT"),
    "isreplication": ("REPLICATION", "NOREPLICATION"),
    "bypassrls": ("BYPASSRLS", "NOBYPASSRLS"),
}


def create_role(r: Role, definition: ast.Node | None) -> str:
    """CREATE ROLE inside a DO block that tolerates an existing role (roles belong to the
    cluster: applying the file twice, or to a server that has the role, must not fail). A
    password is never written: the role gets ``PASSWORD NULL``."""
    if isinstance(definition, ast.CreateRoleStmt):
        opts = []
        for d in definition.options or ():
            if d.defname == "password":
                opts.append(ast.DefElem(defname="password", arg=None))
            elif d.defname not in ("addroleto", "rolemembers", "adminmembers"):
                opts.append(d)
        node = ast.CreateRoleStmt(
            stmt_type=definition.stmt_type, role=r.name, options=tuple(opts) or None
        )
        text = deparse(node)
    else:
        text = f"CREATE ROLE {ident(r.name)}"
        words = []
        for k, v in sorted(r.options.items()):
            if k in _ROLE_FLAGS:
                words.append(_ROLE_FLAGS[k][0 if v == "true" else 1])
            elif k == "password":
                words.append("PASSWORD NULL")
            elif k == "connectionlimit":
                words.append(f"CONNECTION LIMIT {v}")
            elif k == "validUntil":
                words.append(f"VALID UNTIL {literal(v)}")
        if words:
            text += " WITH " + " ".join(words)
    return _guarded(text, "duplicate_object")


def role_membership(role: str, member: str) -> str:
    """GRANT role TO member, tolerating a missing role or an existing membership."""
    return _guarded(f"GRANT {ident(role)} TO {ident(member)}", "undefined_object")


def _guarded(stmt: str, condition: str) -> str:
    return f"DO $pgarch$\nBEGIN\n    {stmt};\nEXCEPTION WHEN {condition} THEN NULL;\nEND\n$pgarch$;"


# --- types -----------------------------------------------------------------------------------


def create_type(ty: TypeDef, definition: ast.Node | None) -> list[str]:
    """CREATE TYPE / CREATE DOMAIN (and the domain's constraints created NOT VALID)."""
    name = qualified(ty.schema, ty.name)
    if ty.kind == "enum":
        return [f"CREATE TYPE {name} AS ENUM ({', '.join(literal(v) for v in ty.values)});"]
    if ty.kind == "composite":
        attrs = ", ".join(f"{ident(a.name)} {type_sql(a.type)}" for a in ty.attributes)
        return [f"CREATE TYPE {name} AS ({attrs});"]
    if ty.kind == "domain":
        text = f"CREATE DOMAIN {name} AS {type_sql(ty.base_type or 'text')}"
        if ty.default is not None:
            text += f" DEFAULT {ty.default}"
        if ty.not_null:
            text += " NOT NULL"
        later = []
        for c in sorted(ty.constraints.values(), key=lambda c: c.name):
            check = f"CONSTRAINT {ident(c.name)} CHECK ({c.expression})"
            if c.not_valid:
                later.append(f"ALTER DOMAIN {name} ADD {check} NOT VALID;")
            else:
                text += f" {check}"
        return [text + ";", *later]
    if ty.kind == "range" and isinstance(definition, ast.CreateRangeStmt):
        node = ast.CreateRangeStmt(typeName=_names(ty.schema, ty.name), params=definition.params)
        return [deparse(node) + ";"]
    return [f"-- {ty.kind} type {name}: its definition is not known"]


def _names(schema: str, name: str) -> tuple[ast.String, ...]:
    return (ast.String(sval=schema), ast.String(sval=name))


# --- sequences -------------------------------------------------------------------------------


def sequence_options(seq: Sequence) -> str:
    """The options of a sequence as CREATE / ALTER SEQUENCE writes them (RESTART left out)."""
    words = []
    for k, v in sorted(seq.options.items()):
        if k == "increment":
            words.append(f"INCREMENT BY {v}")
        elif k in ("minvalue", "maxvalue"):
            words.append(f"NO {k.upper()}" if v == "true" else f"{k.upper()} {v}")
        elif k == "start":
            words.append(f"START WITH {v}")
        elif k == "cache":
            words.append(f"CACHE {v}")
        elif k == "cycle":
            words.append("CYCLE" if v == "true" else "NO CYCLE")
    return " ".join(words)


def create_sequence(seq: Sequence) -> list[str]:
    name = qualified(seq.schema, seq.name)
    text = f"CREATE SEQUENCE {name}"
    if seq.data_type:
        text += f" AS {type_sql(seq.data_type)}"
    opts = sequence_options(seq)
    if opts:
        text += f" {opts}"
    out = [text + ";"]
    if "restart" in seq.options:
        v = seq.options["restart"]
        out.append(f"ALTER SEQUENCE {name} RESTART" + ("" if v == "true" else f" WITH {v}") + ";")
    return out


# --- routines ----------------------------------------------------------------------------------


def routine_ref(f: Function) -> str:
    """``schema.name(argtypes)`` as ALTER / COMMENT / GRANT name a routine."""
    args = ", ".join(type_sql(a) for a in f.argtypes)
    return f"{qualified(f.schema, f.name)}({args})"


def create_routine(f: Function, definition: ast.Node | None) -> str:
    """CREATE FUNCTION / PROCEDURE: the defining statement under the current name, or (when
    none was seen) what the model holds."""
    if isinstance(definition, ast.CreateFunctionStmt):
        node = ast.CreateFunctionStmt(
            is_procedure=definition.is_procedure,
            replace=False,
            funcname=_names(f.schema, f.name),
            parameters=definition.parameters,
            returnType=definition.returnType,
            options=definition.options,
            sql_body=definition.sql_body,
        )
        return deparse(node) + ";"
    kind = "PROCEDURE" if f.procedure else "FUNCTION"
    params = ", ".join(
        f"{ident(n)} {type_sql(t)}" if n else type_sql(t)
        for n, t in zip(f.argnames or ("",) * len(f.argtypes), f.argtypes, strict=False)
    )
    text = f"CREATE {kind} {qualified(f.schema, f.name)}({params})"
    if f.returns and not f.procedure:
        text += f" RETURNS {type_sql(f.returns)}"
    text += f" LANGUAGE {ident(f.language or 'sql')}"
    body = f.body or ""
    tag = "$pgarch$" if "$$" in body else "$$"
    return text + f" AS {tag}{body}{tag};"


def alter_routine(f: Function, as_defined: Function | None) -> list[str]:
    """ALTER FUNCTION for the attributes the model holds that differ from the definition."""
    base = as_defined or Function(schema=f.schema, name=f.name)
    actions = []
    if f.security_definer != base.security_definer:
        actions.append("SECURITY DEFINER" if f.security_definer else "SECURITY INVOKER")
    if f.volatility != base.volatility:
        actions.append(f.volatility.upper())
    if f.strict != base.strict:
        actions.append("STRICT" if f.strict else "CALLED ON NULL INPUT")
    if f.leakproof != base.leakproof:
        actions.append("LEAKPROOF" if f.leakproof else "NOT LEAKPROOF")
    for k in sorted(set(base.settings) - set(f.settings)):
        actions.append(f"RESET {ident(k)}")
    for k, v in sorted(f.settings.items()):
        if base.settings.get(k) != v:
            actions.append(_setting(k, v))
    if not actions:
        return []
    kind = "PROCEDURE" if f.procedure else "FUNCTION"
    return [f"ALTER {kind} {routine_ref(f)} {' '.join(actions)};"]


def _setting(k: str, v: str) -> str:
    if v == "FROM CURRENT":
        return f"SET {ident(k)} FROM CURRENT"
    values = [p.strip() for p in v.split(",")] if v else [""]
    return f"SET {ident(k)} = " + ", ".join(literal(p) for p in values)


def as_defined(definition: ast.Node, path: tuple[str, ...]) -> Function | None:
    """The routine a defining statement alone creates (to tell what a later ALTER changed)."""
    scratch = Catalog()
    scratch.search_path = path
    scratch.replay(definition)
    found = scratch.functions()
    return found[0] if found else None


# --- views -------------------------------------------------------------------------------------


def view_query(v: View) -> str:
    """The view's query, reading the relations under their current names: the catalog keeps
    ``reads`` up to date when a relation is renamed or moved, not the query's text (the i-th
    distinct relation the query names is ``reads[i]``; when that pairing is not certain, the
    text is left as it is)."""
    text = v.query or ""
    trees = parse_text(text)
    if len(trees) != 1:
        return text
    ctes: set[str] = set()
    rvs: list[ast.RangeVar] = []
    for n, _ in walk(trees[0]):
        if isinstance(n, ast.CommonTableExpr) and n.ctename:
            ctes.add(n.ctename)
        elif isinstance(n, ast.RangeVar):
            rvs.append(n)
    rvs = [rv for rv in rvs if rv.schemaname or rv.relname not in ctes]
    named: list[tuple[str | None, str | None]] = list(
        dict.fromkeys((rv.schemaname, rv.relname) for rv in rvs)
    )
    if len(named) != len(v.reads):
        return text
    renamed: dict[tuple[str | None, str | None], tuple[str | None, str]] = {}
    for key, q in zip(named, v.reads, strict=True):
        qs, qn = split_qualified(q)
        if key[1] != qn or (key[0] and key[0] != qs):
            renamed[key] = (qs, qn)
    if not renamed:
        return text
    for rv in rvs:
        new = renamed.get((rv.schemaname, rv.relname))
        if new is not None:
            rv.schemaname, rv.relname = new
    return deparse(trees[0])


def create_view(v: View) -> str:
    kind = "MATERIALIZED VIEW" if v.materialized else "VIEW"
    text = f"CREATE {kind} {qualified(v.schema, v.name)}"
    if v.columns:
        text += f" ({', '.join(ident(c) for c in v.columns)})"
    if v.options:
        opts = ", ".join(f"{ident(k)} = {literal(x)}" for k, x in sorted(v.options.items()))
        text += f" WITH ({opts})"
    text += f" AS\n{view_query(v)}"
    if v.check_option:
        text += f"\nWITH {v.check_option.upper()} CHECK OPTION"
    if v.materialized and not v.with_data:
        text += "\nWITH NO DATA"
    return text + ";"


# --- grants ------------------------------------------------------------------------------------

_KIND_WORDS = {
    "fdw": "FOREIGN DATA WRAPPER",
    "foreign server": "FOREIGN SERVER",
    "largeobject": "LARGE OBJECT",
    "parameter acl": "PARAMETER",
}
_PLURAL = {
    "table": "TABLES",
    "sequence": "SEQUENCES",
    "function": "FUNCTIONS",
    "procedure": "PROCEDURES",
    "routine": "ROUTINES",
    "type": "TYPES",
    "schema": "SCHEMAS",
    "large object": "LARGE OBJECTS",
}
_ROUTINE_KINDS = ("function", "procedure", "routine")
_RELATION_KINDS = ("table", "sequence", "foreign table", "view", "materialized view")


def _grantee(g: str) -> str:
    if g == "public":
        return "PUBLIC"
    if g in ("current_user", "session_user", "current_role"):
        return g.upper()
    return ident(g)


def _object(kind: str, obj: str) -> str:
    if kind in _ROUTINE_KINDS:
        name, paren, args = obj.partition("(")
        s, n = split_qualified(name)
        if not paren:
            return qualified(s, n)
        return f"{qualified(s, n)}({', '.join(type_sql(t) for t in split_args(args))})"
    if kind in _RELATION_KINDS or kind in ("type", "domain"):
        s, n = split_qualified(obj)
        return qualified(s, n)
    if kind == "largeobject":
        return obj
    return qualified_text(obj) if kind != "parameter acl" else obj


def grant_sql(g: Grant) -> str:
    """GRANT / REVOKE, or ALTER DEFAULT PRIVILEGES ... GRANT / REVOKE."""
    privs = ", ".join(p.upper() for p in g.privileges)
    if g.columns:
        cols = ", ".join(ident(c) for c in g.columns)
        privs = ", ".join(f"{p.upper()} ({cols})" for p in g.privileges)
    kind = g.object_kind
    if g.default_privileges:
        target = f"ON {_PLURAL.get(kind, kind.upper() + 'S')}"
    elif g.all_in_schema:
        schemas = ", ".join(ident(s) for s in g.objects)
        target = f"ON ALL {_PLURAL.get(kind, kind.upper() + 'S')} IN SCHEMA {schemas}"
    else:
        word = _KIND_WORDS.get(kind, kind.upper())
        target = f"ON {word} " + ", ".join(_object(kind, o) for o in g.objects)
    grantees = ", ".join(_grantee(x) for x in g.grantees)
    if g.is_grant:
        text = f"GRANT {privs} {target} TO {grantees}"
        if g.grant_option:
            text += " WITH GRANT OPTION"
    else:
        text = "REVOKE " + ("GRANT OPTION FOR " if g.grant_option else "")
        text += f"{privs} {target} FROM {grantees}"
        if g.cascade:
            text += " CASCADE"
    if g.default_privileges:
        head = "ALTER DEFAULT PRIVILEGES"
        if g.for_roles:
            head += " FOR ROLE " + ", ".join(_grantee(r) for r in g.for_roles)
        if g.objects:
            head += " IN SCHEMA " + ", ".join(ident(s) for s in g.objects)
        text = f"{head} {text}"
    return text + ";"


def grant_applies(cat: CatalogView, g: Grant) -> bool:
    """Whether the schema file writes the grant: every object it names is in the catalog
    (the catalog keeps grants on objects dropped since, as history)."""
    if g.default_privileges or g.all_in_schema:
        return all(s in cat.schemas or s == "public" for s in g.objects)
    kind = g.object_kind
    for o in g.objects:
        if kind in _RELATION_KINDS:
            if cat.relation(_rangevar(o)) is None:
                return False
        elif kind in _ROUTINE_KINDS:
            name, paren, args = o.partition("(")
            if paren:
                if cat.function(name, split_args(args)) is None:
                    return False
            elif cat.function(name) is None:
                return False
        elif kind == "schema":
            if o not in cat.schemas and o != "public":
                return False
        elif kind in ("type", "domain"):
            if cat.type(o) is None:
                return False
        else:
            return False  # databases, languages, servers...: not the schema's to grant
    return True


def split_args(text: str) -> list[str]:
    """The argument types of ``name(argtypes)`` after the opening parenthesis (commas inside
    type modifiers, as in ``numeric(10,2)``, do not split)."""
    body = text[:-1] if text.endswith(")") else text
    out, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _rangevar(q: str) -> ast.RangeVar:
    s, n = split_qualified(q)
    return ast.RangeVar(schemaname=s, relname=n, inh=True)


def comment_sql(kind: str, target: str, comment: str) -> str:
    return f"COMMENT ON {kind} {target} IS {literal(comment)};"
