"""pg_catalog → DDL text, one pseudo-file per object, replayed into the ordinary catalog.

Why DDL text and not dataclasses: the catalog is the single place that knows what DDL means
(type normalisation, generated names, partition clones, serial sequences, grants). Feeding it
the server's own renderings (``format_type``, ``pg_get_constraintdef``, ``pg_get_indexdef``,
``pg_get_expr``, ``pg_get_viewdef``, ``pg_get_functiondef``) through pglast gives a catalog that
is built exactly like one replayed from migration files, so both can be compared and every
whole-schema rule works unchanged.

Each object becomes one pseudo-file named ``postgresql://<database>/<kind>/<schema>.<name>``
(``kind`` is table, view, materialized-view, function, procedure, type, sequence, schema or
extension). The engine replays these like SQL files, so catalog objects get a ``created``
location in them and findings point "against the object": the path names it and the line shows
the statement that defines it.

Conventions (as for replayed files): a column whose default is ``nextval()`` of a sequence
owned by it, with type integer/bigint/smallint, is shown as ``serial``/``bigserial``/
``smallserial`` (its sequence is then implicit); identity sequences are implicit too; FK
actions NO ACTION are indistinguishable from omitted ones; constraints and indexes a partition
inherits from its parent are not rendered (the catalog clones them, as PostgreSQL does);
``CREATE INDEX ... ON ONLY`` of a partitioned table's valid index is rendered without ONLY.
Extension members, ``pg_catalog``, ``information_schema`` and ``pg_toast`` are skipped. Roles,
column-level grants, triggers, rules and owners are not rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any  # Any: psycopg connections and rows

from pgarch_lint.analysis.types import SERIAL_INTEGER
from pgarch_lint.live.facts import IndexFacts, LiveFacts, TableFacts
from pgarch_lint.sql import RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

__all__ = ["PseudoFile", "Snapshot", "introspect", "quote_ident", "quote_literal"]

_SIMPLE = re.compile(r"[a-z_][a-z0-9_$]*")
_EXCLUDED = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'"
_NOT_EXT = (
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = {cls}::regclass "
    "AND d.objid = {oid} AND d.deptype = 'e')"
)


def quote_ident(name: str) -> str:
    if (
        _SIMPLE.fullmatch(name)
        and name not in RESERVED_KEYWORDS
        and (name not in TYPE_FUNC_NAME_KEYWORDS)
    ):
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _q(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


@dataclass(frozen=True, slots=True)
class PseudoFile:
    path: str
    text: str
    kind: str
    name: str  # schema.name (or name for schemas/extensions)


@dataclass(slots=True)
class Snapshot:
    files: list[PseudoFile] = field(default_factory=list)
    facts: LiveFacts = field(default_factory=lambda: LiveFacts("", 0))


def _rows(conn: Any, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql, tuple(params))
        return list(cur.fetchall())


#: an integer column fed by a sequence it owns is shown as the serial that creates it
_SERIAL = {integer: serial for serial, integer in SERIAL_INTEGER.items()}


def _column_def(col: tuple[Any, ...], implicit: set[int]) -> str:
    """A column definition of CREATE TABLE from a row of ``_Reader._columns``: a column
    whose default takes the next value of the sequence it owns is written as serial; the
    sequences of serial and identity columns are added to ``implicit``."""
    (
        _num,
        cname,
        ctype,
        notnull,
        default,
        identity,
        generated,
        _local,
        _comment,
        collation,
        seq_oid,
        seq_name,
    ) = col
    parts = [quote_ident(cname)]
    if (
        seq_oid is not None
        and not identity
        and default is not None
        and ctype in _SERIAL
        and default.startswith("nextval(")
        and seq_name is not None
        and seq_name in default
    ):
        parts.append(_SERIAL[ctype])
        implicit.add(seq_oid)
        default = None
    else:
        parts.append(ctype)
    if collation:
        parts.append(f"COLLATE {collation}")
    if identity in ("a", "d"):
        parts.append(
            "GENERATED " + ("ALWAYS" if identity == "a" else "BY DEFAULT") + " AS IDENTITY"
        )
        if seq_oid is not None:
            implicit.add(seq_oid)
    elif generated == "s" and default is not None:
        parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
    elif default is not None:
        parts.append(f"DEFAULT {default}")
    if notnull and "serial" not in parts[1] and identity not in ("a", "d"):
        parts.append("NOT NULL")
    return " ".join(parts)


def introspect(conn: Any, schemas: Iterable[str] = ()) -> Snapshot:
    """Read the database behind ``conn`` (all user schemas, or only ``schemas``)."""
    return _Reader(conn, tuple(schemas)).read()


class _Reader:
    def __init__(self, conn: Any, schemas: tuple[str, ...]) -> None:
        self.conn = conn
        self.only = schemas
        self.db = str(conn.info.dbname)
        self.version = int(conn.info.server_version)
        self.files: list[PseudoFile] = []

    # --- helpers -------------------------------------------------------------------------------

    def _schema_filter(self) -> tuple[str, list[Any]]:
        if self.only:
            return f"{_EXCLUDED} AND n.nspname = ANY(%s)", [list(self.only)]
        return _EXCLUDED, []

    def _add(self, kind: str, name: str, lines: list[str]) -> None:
        text = "\n".join(lines).rstrip() + "\n"
        self.files.append(PseudoFile(f"postgresql://{self.db}/{kind}/{name}", text, kind, name))

    # --- entry -------------------------------------------------------------------------------

    def read(self) -> Snapshot:
        with self.conn.cursor() as cur:
            # the renderings below qualify names outside the search path; the catalog replays
            # with search_path = public, so render with the same one
            cur.execute("SELECT set_config('search_path', 'public', false)")
        facts = LiveFacts(self.db, self.version)
        reset = _rows(
            self.conn,
            "SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()",
        )
        facts.stats_reset = reset[0][0] if reset else None
        self._schemas()
        self._extensions()
        self._types()
        implicit_seqs = self._tables(facts)
        self._sequences(implicit_seqs)
        self._views(facts)
        self._functions()
        return Snapshot(self.files, facts)

    # --- schemas, extensions, types ----------------------------------------------------------

    def _schemas(self) -> None:
        where, params = self._schema_filter()
        for name, comment in _rows(
            self.conn,
            f"SELECT n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n "
            f"WHERE {where} AND {_NOT_EXT.format(cls=repr('pg_namespace'), oid='n.oid')} "
            "ORDER BY n.nspname",
            params,
        ):
            lines = [] if name == "public" else [f"CREATE SCHEMA {quote_ident(name)};"]
            if comment is not None:
                lines.append(f"COMMENT ON SCHEMA {quote_ident(name)} IS {quote_literal(comment)};")
            if lines:
                self._add("schema", name, lines)

    def _extensions(self) -> None:
        for name, schema, version in _rows(
            self.conn,
            "SELECT e.extname, n.nspname, e.extversion FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' "
            "ORDER BY e.extname",
        ):
            self._add(
                "extension",
                name,
                [
                    f"CREATE EXTENSION IF NOT EXISTS {quote_ident(name)} WITH SCHEMA "
                    f"{quote_ident(schema)} VERSION {quote_literal(version)};"
                ],
            )

    def _types(self) -> None:
        where, params = self._schema_filter()
        not_ext = _NOT_EXT.format(cls=repr("pg_type"), oid="t.oid")
        for schema, name, labels, comment in _rows(
            self.conn,
            "SELECT n.nspname, t.typname, ARRAY(SELECT e.enumlabel FROM pg_enum e "
            "WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), "
            "obj_description(t.oid, 'pg_type') "
            f"FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE t.typtype = 'e' AND {where} AND {not_ext} ORDER BY t.oid",
            params,
        ):
            vals = ", ".join(quote_literal(v) for v in labels)
            lines = [f"CREATE TYPE {_q(schema, name)} AS ENUM ({vals});"]
            self._comment(lines, "TYPE", _q(schema, name), comment)
            self._add("type", f"{schema}.{name}", lines)
        for oid, schema, name, base, notnull, default, comment in _rows(
            self.conn,
            "SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), "
            "t.typnotnull, t.typdefault, obj_description(t.oid, 'pg_type') "
            f"FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE t.typtype = 'd' AND {where} AND {not_ext} ORDER BY t.oid",
            params,
        ):
            parts = [f"CREATE DOMAIN {_q(schema, name)} AS {base}"]
            if default is not None:
                parts.append(f"DEFAULT {default}")
            if notnull:
                parts.append("NOT NULL")
            for cname, cdef in _rows(
                self.conn,
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contypid = %s AND contype = 'c' ORDER BY conname",
                [oid],
            ):
                parts.append(f"CONSTRAINT {quote_ident(cname)} {cdef}")
            lines = [" ".join(parts) + ";"]
            self._comment(lines, "DOMAIN", _q(schema, name), comment)
            self._add("type", f"{schema}.{name}", lines)
        for relid, schema, name, comment in _rows(
            self.conn,
            "SELECT t.typrelid, n.nspname, t.typname, obj_description(t.oid, 'pg_type') "
            "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "JOIN pg_class c ON c.oid = t.typrelid "
            f"WHERE t.typtype = 'c' AND c.relkind = 'c' AND {where} AND {not_ext} "
            "ORDER BY t.oid",
            params,
        ):
            attrs = _rows(
                self.conn,
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                [relid],
            )
            body = ", ".join(f"{quote_ident(a)} {t}" for a, t in attrs)
            lines = [f"CREATE TYPE {_q(schema, name)} AS ({body});"]
            self._comment(lines, "TYPE", _q(schema, name), comment)
            self._add("type", f"{schema}.{name}", lines)

    @staticmethod
    def _comment(lines: list[str], kind: str, target: str, comment: str | None) -> None:
        if comment is not None:
            lines.append(f"COMMENT ON {kind} {target} IS {quote_literal(comment)};")

    # --- tables --------------------------------------------------------------------------------

    def _tables(self, facts: LiveFacts) -> set[int]:
        """Tables with their columns, constraints, indexes, policies, RLS, comments, grants.

        Returns the oids of sequences that became implicit (serial / identity)."""
        where, params = self._schema_filter()
        not_ext = _NOT_EXT.format(cls=repr("pg_class"), oid="c.oid")
        tables = _rows(
            self.conn,
            "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, "
            "c.relrowsecurity, c.relforcerowsecurity, c.relispartition, "
            "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
            "pg_get_expr(c.relpartbound, c.oid), obj_description(c.oid, 'pg_class'), "
            "pg_total_relation_size(c.oid), c.reltuples::float8, c.relowner, "
            "(SELECT array_agg(i.inhparent::regclass::text ORDER BY i.inhseqno) "
            " FROM pg_inherits i WHERE i.inhrelid = c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind IN ('r', 'p') AND {where} AND {not_ext} ORDER BY c.oid",
            params,
        )
        by_oid = {row[0]: row for row in tables}
        # parents before children (partitions and inheritance)
        order: list[int] = []
        placed: set[int] = set()
        parent_oids = {
            child: parent
            for child, parent in _rows(
                self.conn,
                "SELECT inhrelid, inhparent FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relkind IN ('r', 'p')",
            )
        }

        def place(oid: int, depth: int = 0) -> None:
            if oid in placed or depth > 50:
                return
            parent = parent_oids.get(oid)
            if parent is not None and parent in by_oid:
                place(parent, depth + 1)
            placed.add(oid)
            order.append(oid)

        for oid in by_oid:
            place(oid)
        implicit: set[int] = set()
        for oid in order:
            implicit |= self._table(by_oid[oid], facts)
        return implicit

    def _table(self, row: tuple[Any, ...], facts: LiveFacts) -> set[int]:
        """One table as SQL: CREATE TABLE, its constraints, indexes, row security, policies,
        comments and grants. Returns the oids of the sequences its columns own implicitly
        (serial, identity)."""
        (
            oid,
            schema,
            name,
            relkind,
            persistence,
            rls,
            force,
            is_partition,
            partkey,
            bound,
            comment,
            total,
            tuples,
            owner,
            parents,
        ) = row
        qn = _q(schema, name)
        facts.tables[f"{schema}.{name}"] = TableFacts(f"{schema}.{name}", int(total), float(tuples))
        implicit: set[int] = set()
        cols = self._columns(oid)
        defs = [
            _column_def(col, implicit)
            for col in cols
            if not (is_partition or (parents and not col[7]))  # not from the parent
        ]
        kw = "UNLOGGED TABLE" if persistence == "u" else "TABLE"
        lines: list[str]
        if is_partition and parents:
            head = f"CREATE {kw} {qn} PARTITION OF {self._regclass_q(parents[0])} {bound}"
            lines = [head + (f" PARTITION BY {partkey}" if partkey else "") + ";"]
        else:
            lines = self._create_table(kw, qn, defs, parents, partkey)
        lines.extend(self._constraints(oid, qn))
        self._indexes(oid, schema, relkind == "p", facts, lines)
        if rls:
            lines.append(f"ALTER TABLE {qn} ENABLE ROW LEVEL SECURITY;")
        if force:
            lines.append(f"ALTER TABLE {qn} FORCE ROW LEVEL SECURITY;")
        lines.extend(self._policies(oid, qn))
        self._comment(lines, "TABLE", qn, comment)
        for _num, cname, *_rest in cols:
            ccomment = _rest[6]
            if ccomment is not None:
                lines.append(
                    f"COMMENT ON COLUMN {qn}.{quote_ident(cname)} IS {quote_literal(ccomment)};"
                )
        lines.extend(self._grants(oid, owner, "TABLE", qn))
        self._add("table", f"{schema}.{name}", lines)
        return implicit

    def _columns(self, oid: int) -> list[tuple[Any, ...]]:
        """A table's columns: number, name, type, not null, default, identity, generated,
        local (not inherited), comment, collation (when not the type's), and the oid and
        name of the sequence the column owns."""
        return _rows(
            self.conn,
            "SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attislocal, "
            "col_description(a.attrelid, a.attnum), "
            "CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 "
            "     THEN (SELECT quote_ident(co.collname) FROM pg_collation co "
            "           WHERE co.oid = a.attcollation) END, "
            "(SELECT s.oid FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid "
            " WHERE dep.classid = 'pg_class'::regclass AND dep.refobjid = a.attrelid "
            " AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i') AND s.relkind = 'S' "
            " LIMIT 1), "
            "(SELECT s.relname FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid "
            " WHERE dep.classid = 'pg_class'::regclass AND dep.refobjid = a.attrelid "
            " AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i') AND s.relkind = 'S' "
            " LIMIT 1) "
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            [oid],
        )

    def _create_table(
        self, kw: str, qn: str, defs: list[str], parents: list[str] | None, partkey: str | None
    ) -> list[str]:
        """CREATE TABLE with its column definitions, INHERITS and PARTITION BY."""
        body = ",\n".join(f"    {d}" for d in defs)
        tail = ")"
        if parents:
            tail += " INHERITS (" + ", ".join(self._regclass_q(p) for p in parents) + ")"
        if partkey:
            tail += f" PARTITION BY {partkey}"
        if defs:
            return [f"CREATE {kw} {qn} (", body, tail + ";"]
        return [f"CREATE {kw} {qn} (" + tail + ";"]

    def _constraints(self, oid: int, qn: str) -> list[str]:
        """The table's constraints and their comments (not those cloned from a parent
        partitioned table or inherited)."""
        lines: list[str] = []
        cons = _rows(
            self.conn,
            "SELECT conname, contype, pg_get_constraintdef(oid), "
            "obj_description(oid, 'pg_constraint') FROM pg_constraint "
            "WHERE conrelid = %s AND contype IN ('p', 'u', 'x', 'c', 'f') "
            "AND conislocal AND conparentid = 0 "
            "ORDER BY strpos('puxcf', contype::text), conname",
            [oid],
        )
        for cname, _ctype, cdef, ccomment in cons:
            lines.append(f"ALTER TABLE {qn} ADD CONSTRAINT {quote_ident(cname)} {cdef};")
            if ccomment is not None:
                lines.append(
                    f"COMMENT ON CONSTRAINT {quote_ident(cname)} ON {qn} IS "
                    f"{quote_literal(ccomment)};"
                )
        return lines

    def _policies(self, oid: int, qn: str) -> list[str]:
        """The table's row-security policies as CREATE POLICY."""
        lines: list[str] = []
        for pname, cmd, permissive, roles, using, check in _rows(
            self.conn,
            "SELECT polname, polcmd, polpermissive, "
            "ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) "
            "END FROM unnest(polroles) r), "
            "pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid) "
            "FROM pg_policy WHERE polrelid = %s ORDER BY polname",
            [oid],
        ):
            command = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}.get(
                cmd, "ALL"
            )
            stmt = (
                f"CREATE POLICY {quote_ident(pname)} ON {qn} AS "
                f"{'PERMISSIVE' if permissive else 'RESTRICTIVE'} FOR {command} "
                f"TO {', '.join(roles) or 'public'}"
            )
            if using is not None:
                stmt += f" USING ({using})"
            if check is not None:
                stmt += f" WITH CHECK ({check})"
            lines.append(stmt + ";")
        return lines

    def _regclass_q(self, text: str) -> str:
        """A ``regclass::text`` rendering (already quoted where needed) as a qualified name."""
        if "." in text.replace('""', ""):
            return text
        return f"public.{text}"

    def _indexes(
        self, reloid: int, schema: str, partitioned: bool, facts: LiveFacts, lines: list[str]
    ) -> None:
        for ixname, idef, valid, backs, inherited, icomment, scans, size, unique, tname in _rows(
            self.conn,
            "SELECT ic.relname, pg_get_indexdef(i.indexrelid), i.indisvalid, "
            "EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid "
            "        AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')), "
            "EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid), "
            "obj_description(i.indexrelid, 'pg_class'), "
            "COALESCE((SELECT s.idx_scan FROM pg_stat_user_indexes s "
            "          WHERE s.indexrelid = i.indexrelid), 0), "
            "pg_relation_size(i.indexrelid), i.indisunique, tc.relname "
            "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
            "JOIN pg_class tc ON tc.oid = i.indrelid "
            "WHERE i.indrelid = %s ORDER BY ic.oid",
            [reloid],
        ):
            facts.indexes[f"{schema}.{ixname}"] = IndexFacts(
                f"{schema}.{ixname}",
                f"{schema}.{tname}",
                int(scans),
                bool(valid),
                bool(backs),
                int(size),
                bool(unique),
            )
            if inherited:
                continue  # a partition's copy of its parent's index: the catalog clones it
            if not backs:
                if partitioned and valid:
                    idef = idef.replace(" ON ONLY ", " ON ", 1)
                lines.append(idef + ";")
            if icomment is not None:
                lines.append(f"COMMENT ON INDEX {_q(schema, ixname)} IS {quote_literal(icomment)};")

    def _grants(
        self,
        oid: int,
        owner: int,
        kind: str,
        target: str,
        column: str = "relacl",
        table: str = "pg_class",
    ) -> list[str]:
        """GRANTs of an ACL (the owner's own implicit privileges are left out)."""
        out: list[str] = []
        rows = _rows(
            self.conn,
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
            "       ELSE quote_ident(pg_get_userbyid(a.grantee)) END, "
            "string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type), a.is_grantable "
            f"FROM {table} x, aclexplode(x.{column}) a WHERE x.oid = %s AND a.grantee <> %s "
            "GROUP BY 1, 3 ORDER BY 1",
            [oid, owner],
        )
        for grantee, privs, grantable in rows:
            opt = " WITH GRANT OPTION" if grantable else ""
            out.append(f"GRANT {privs} ON {kind} {target} TO {grantee}{opt};")
        return out

    # --- sequences, views, functions -----------------------------------------------------------

    def _sequences(self, implicit: set[int]) -> None:
        where, params = self._schema_filter()
        not_ext = _NOT_EXT.format(cls=repr("pg_class"), oid="c.oid")
        for oid, schema, name, dtype, comment, owned, owner in _rows(
            self.conn,
            "SELECT c.oid, n.nspname, c.relname, format_type(s.seqtypid, NULL), "
            "obj_description(c.oid, 'pg_class'), "
            "(SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.' "
            "        || quote_ident(a.attname) "
            " FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid "
            " JOIN pg_namespace tn ON tn.oid = t.relnamespace "
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
            " WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
            " AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' LIMIT 1), "
            "c.relowner "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_sequence s ON s.seqrelid = c.oid "
            f"WHERE c.relkind = 'S' AND {where} AND {not_ext} ORDER BY c.oid",
            params,
        ):
            if oid in implicit:
                continue
            qn = _q(schema, name)
            lines = [f"CREATE SEQUENCE {qn} AS {dtype};"]
            if owned:
                lines.append(f"ALTER SEQUENCE {qn} OWNED BY {owned};")
            self._comment(lines, "SEQUENCE", qn, comment)
            lines.extend(self._grants(oid, owner, "SEQUENCE", qn))
            self._add("sequence", f"{schema}.{name}", lines)

    def _views(self, facts: LiveFacts) -> None:
        where, params = self._schema_filter()
        not_ext = _NOT_EXT.format(cls=repr("pg_class"), oid="c.oid")
        for (
            oid,
            schema,
            name,
            relkind,
            options,
            query,
            comment,
            populated,
            owner,
            total,
            tuples,
        ) in _rows(
            self.conn,
            "SELECT c.oid, n.nspname, c.relname, c.relkind, c.reloptions, "
            "pg_get_viewdef(c.oid, true), obj_description(c.oid, 'pg_class'), "
            "c.relispopulated, c.relowner, pg_total_relation_size(c.oid), c.reltuples::float8 "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind IN ('v', 'm') AND {where} AND {not_ext} ORDER BY c.oid",
            params,
        ):
            qn = _q(schema, name)
            mat = relkind == "m"
            with_ = ""
            if options:
                with_ = " WITH (" + ", ".join(options) + ")"
            body = query.strip().rstrip(";")
            kind = "MATERIALIZED VIEW" if mat else "VIEW"
            tail = "" if not mat or populated else "\n  WITH NO DATA"
            lines = [f"CREATE {kind} {qn}{with_} AS", body + tail + ";"]
            if mat:
                facts.tables[f"{schema}.{name}"] = TableFacts(
                    f"{schema}.{name}", int(total), float(tuples)
                )
                self._indexes(oid, schema, False, facts, lines)
            self._comment(lines, kind, qn, comment)
            lines.extend(self._grants(oid, owner, "TABLE", qn))
            self._add("materialized-view" if mat else "view", f"{schema}.{name}", lines)

    def _functions(self) -> None:
        where, params = self._schema_filter()
        not_ext = _NOT_EXT.format(cls=repr("pg_proc"), oid="p.oid")
        kinds = "p.prokind IN ('f', 'p')" if self.version >= 110000 else "NOT p.proisagg"
        is_proc = "p.prokind = 'p'" if self.version >= 110000 else "false"
        for oid, schema, name, args, definition, comment, owner, proc in _rows(
            self.conn,
            "SELECT p.oid, n.nspname, p.proname, oidvectortypes(p.proargtypes), "
            "pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc'), p.proowner, "
            f"{is_proc} "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            f"WHERE {kinds} AND {where} AND {not_ext} ORDER BY p.oid",
            params,
        ):
            kind = "PROCEDURE" if proc else "FUNCTION"
            sig = f"{_q(schema, name)}({args})"
            lines = [definition.rstrip() + ";"]
            self._comment(lines, kind, sig, comment)
            acl = _rows(
                self.conn,
                "SELECT a.grantee, a.privilege_type, a.is_grantable FROM pg_proc x, "
                "aclexplode(x.proacl) a WHERE x.oid = %s",
                [oid],
            )
            if acl:  # NULL proacl: the default, EXECUTE for PUBLIC
                if not any(g == 0 and p == "EXECUTE" for g, p, _ in acl):
                    lines.append(f"REVOKE EXECUTE ON {kind} {sig} FROM PUBLIC;")
                lines.extend(
                    g
                    for g in self._grants(oid, owner, kind, sig, "proacl", "pg_proc")
                    if not g.endswith(" TO PUBLIC;")
                )
            self._add(kind.lower(), f"{schema}.{name}({args})", lines)
