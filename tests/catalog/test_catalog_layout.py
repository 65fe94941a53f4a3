"""The catalog package's shape: pglast nodes kept out of the object model, secondary indexes
changed only by the store's verbs, no import cycle with the ledger of declared names."""

from __future__ import annotations

import ast as pyast
import dataclasses
import inspect
import pkgutil
from pathlib import Path
from typing import Any

from helpers_catalog import RICH_SQL, replay

import pgarch_lint.catalog.replay as replay_pkg
from pgarch_lint.catalog import (
    Constraint,
    Index,
    Policy,
    View,
    expression_tree,
    iter_objects,
    make_object_name,
)
from pgarch_lint.catalog.names import (
    choose_name,
    effective_search_path,
    lookup_key,
    name_addition,
    parse_search_path,
    split_qualified,
)
from pgarch_lint.catalog.replay import alter_table
from pgarch_lint.catalog.types import split_type
from pgarch_lint.schema_report import render_json
from pgarch_lint.sql import ast, deparse

PACKAGE = Path(replay_pkg.__file__).resolve().parent.parent
# fields that keep a statement's tree until their text is first read (see objects._Deparsed)
LAZY_FIELDS = {"default_", "generated_expr_", "expression_", "query_"}


def _nodes_in(value: Any) -> bool:
    if isinstance(value, ast.Node):
        return True
    if isinstance(value, (list, tuple)):
        return any(_nodes_in(v) for v in value)
    if isinstance(value, dict):
        return any(_nodes_in(v) for v in value.values())
    return False


def test_objects_hold_no_parse_tree_outside_lazy_text() -> None:
    cat = replay(RICH_SQL)
    seen = 0
    for obj in iter_objects(cat):
        for f in dataclasses.fields(obj):
            if f.name in LAZY_FIELDS or f.name in ("columns", "constraints", "indexes"):
                continue
            assert not _nodes_in(getattr(obj, f.name)), (type(obj).__name__, f.name)
            seen += 1
    assert seen > 100


def test_lazy_fields_read_as_text() -> None:
    cat = replay(RICH_SQL)
    v = cat.view("app.parent_emails")
    assert v is not None
    assert v.query == "SELECT id, email FROM app.parent"
    assert isinstance(v.query_, str)  # deparsed once, then kept as text
    check = cat.table_by_name("app.parent").constraints["parent_email_check"]  # type: ignore[union-attr]
    assert check.expression == "email IS NOT NULL AND length(email) > 3"
    assert "query" not in render_json(cat)["views"][0]


def test_no_node_fields_in_the_model() -> None:
    for cls in (Constraint, Index, Policy, View):
        names = {f.name for f in dataclasses.fields(cls)}
        assert not {"expr", "query", "predicate_node", "using_node", "with_check_node"} & names


def test_expression_trees_parse_the_stored_text() -> None:
    cat = replay(RICH_SQL)
    t = cat.table_by_name("app.parent")
    assert t is not None
    ix = t.indexes["parent_tenant_live_idx"]
    assert ix.predicate == "created_at IS NOT NULL"
    tree = cat.expression_tree(ix.predicate)
    assert isinstance(tree, ast.NullTest)
    assert deparse(tree) == ix.predicate
    assert ix.predicate_node is tree  # the same accessor, remembered by text
    p = t.policies["tenant_isolation"]
    assert isinstance(p.using_node, ast.A_Expr)
    assert deparse(p.using_node) == p.using
    assert deparse(p.with_check_node) == p.with_check == "tenant_id > 0"
    child = cat.table_by_name("app.child")
    assert child is not None
    excl = next(i for i in child.indexes.values() if i.method == "gist")
    assert deparse(excl.predicate_node) == excl.predicate == "parent_id IS NOT NULL"
    check = t.constraints["parent_email_check"]
    assert isinstance(check.expr, ast.BoolExpr)
    assert deparse(check.expr) == check.expression
    assert t.constraints["parent_pkey"].expr is None
    assert expression_tree(None) is None
    assert expression_tree("this is not ( an expression") is None


_SECONDARY = {
    "_index_rel",
    "_fk_by_target",
    "_seq_by_owner",
    "_first_change",
    "_hierarchy",
    "_ever",
    "_dropped",
    "_maybe",
    "_schema_first_file",
    "_fresh_schemas",
    "_gone_schemas",
}


def test_replay_handlers_touch_no_private_catalog_state() -> None:
    """Handlers change the catalog through its verbs: no ``cat._anything`` in replay/."""
    for m in pkgutil.iter_modules(replay_pkg.__path__):
        path = PACKAGE / "replay" / f"{m.name}.py"
        tree = pyast.parse(path.read_text())
        for node in pyast.walk(tree):
            if isinstance(node, pyast.Attribute) and node.attr.startswith("_"):
                owner = node.value
                assert not (isinstance(owner, pyast.Name) and owner.id == "cat"), (
                    f"{path.name}:{node.lineno}: cat.{node.attr}"
                )
            if isinstance(node, pyast.Attribute | pyast.Name):
                name = node.attr if isinstance(node, pyast.Attribute) else node.id
                assert name not in _SECONDARY, f"{path.name}:{node.lineno}: {name}"


def _runtime_imports(path: Path) -> set[str]:
    """Modules a file imports outside ``if TYPE_CHECKING:`` (function-level included)."""
    tree = pyast.parse(path.read_text())
    skip: set[int] = set()
    for node in pyast.walk(tree):
        if isinstance(node, pyast.If) and "TYPE_CHECKING" in pyast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in pyast.walk(stmt))
    out: set[str] = set()
    for node in pyast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, pyast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, pyast.Import):
            out.update(a.name for a in node.names)
    return out


def test_declared_names_do_not_import_the_catalog_back() -> None:
    imports = _runtime_imports(PACKAGE / "declared.py")
    catalog = {m for m in imports if m.startswith("pgarch_lint.catalog")}
    assert catalog == {"pgarch_lint.catalog.names"}


def test_object_model_and_helpers_do_not_import_the_store() -> None:
    for name in ("objects", "types", "names", "nodes", "view", "queries", "declared"):
        imports = _runtime_imports(PACKAGE / f"{name}.py")
        assert "pgarch_lint.catalog.store" not in imports, name
        assert "pgarch_lint.catalog.replay" not in imports, name
        assert "pgarch_lint.catalog" not in imports, name


def test_alter_table_families_cover_the_subcommands() -> None:
    handled = set(alter_table._FAMILIES)
    assert handled == {
        "AT_AddColumn",
        "AT_ColumnDefault",
        "AT_DropNotNull",
        "AT_SetNotNull",
        "AT_DropColumn",
        "AT_AlterColumnType",
        "AT_AddConstraint",
        "AT_DropConstraint",
        "AT_ValidateConstraint",
        "AT_AlterConstraint",
        "AT_EnableRowSecurity",
        "AT_DisableRowSecurity",
        "AT_ForceRowSecurity",
        "AT_NoForceRowSecurity",
        "AT_ChangeOwner",
        "AT_SetLogged",
        "AT_SetUnLogged",
        "AT_AttachPartition",
        "AT_DetachPartition",
        "AT_DetachPartitionFinalize",
        "AT_AddIdentity",
        "AT_DropIdentity",
        "AT_SetIdentity",
        "AT_DropExpression",
        "AT_SetExpression",
        "AT_AddInherit",
        "AT_DropInherit",
        "AT_AddIndex",
    }
    for fn in set(alter_table._FAMILIES.values()):
        assert len(inspect.getsourcelines(fn)[0]) < 60, fn.__name__


# --- names and types ---------------------------------------------------------------------------


def test_choose_name_numbers_the_label_until_free() -> None:
    taken = {"t_a_key", "t_a_key1"}
    assert choose_name("t", "a", "key", taken.__contains__) == "t_a_key2"
    assert choose_name("t", None, "pkey", taken.__contains__) == "t_pkey"
    long = "x" * 70
    assert choose_name(long, None, "check", lambda _: False) == make_object_name(
        long, None, "check"
    )


def test_name_addition_cuts_at_namedatalen() -> None:
    assert name_addition(["a", "b"]) == "a_b"
    assert len(name_addition(["c" * 40, "d" * 40]).encode()) == 63


def test_search_path_helpers() -> None:
    assert parse_search_path('"My Schema", PUBLIC, ') == ("My Schema", "public")
    assert effective_search_path(["$user", "app", "", "pg_temp", "public"]) == ("app", "public")
    assert split_qualified("app.t") == ("app", "t")
    assert split_qualified("t") == (None, "t")
    exists = {("b", "t")}.__contains__
    assert lookup_key(("a", "b"), None, "t", exists) == ("b", "t")
    assert lookup_key(("a", "b"), None, "u", exists) == ("a", "u")
    assert lookup_key((), None, "u", exists) == ("public", "u")
    assert lookup_key(("a",), "c", "u", exists) == ("c", "u")


def test_split_type() -> None:
    assert split_type("numeric(10,2)") == ("numeric", [10, 2])
    assert split_type("text") == ("text", None)
    assert split_type("foo(bar)") == ("foo(bar)", None)


def test_a_catalog_kept_by_the_results_cache_reads_back_equal(tmp_path: Path) -> None:
    """The results cache pickles a catalog and unpickles it without pglast's validator, its
    locations and declared names as calls (``__reduce__``): everything reads back equal."""
    import pickle

    from pgarch_lint import cache

    cat = replay(RICH_SQL)
    path = tmp_path / "snap"
    path.write_bytes(pickle.dumps(cat, protocol=pickle.HIGHEST_PROTOCOL))
    back = cache._load(path)
    assert type(back) is type(cat)
    assert render_json(back) == render_json(cat)
    assert list(back.names) == list(cat.names) and len(cat.names) >= 10
    assert {d.loc for d in back.names} == {d.loc for d in cat.names}
    for a, b in zip(iter_objects(cat), iter_objects(back), strict=True):
        assert a == b


def test_repeated_names_are_one_string_in_the_catalog() -> None:
    """Column, type, table and key names a history repeats are kept once (``types.shared``):
    less memory, and fewer objects for the results cache to pickle."""
    sql = "\n".join(
        f"CREATE TABLE t{i} (id bigint PRIMARY KEY, owner_id bigint REFERENCES t0 (id), "
        f"created_at timestamptz NOT NULL);\nCREATE INDEX ix_t{i}__owner_id ON t{i} (owner_id);"
        for i in range(3)
    )
    cat = replay(sql)
    tables = [cat.table_by_name(f"public.t{i}") for i in range(3)]
    assert all(t is not None for t in tables)
    cols = [t.columns["owner_id"] for t in tables if t is not None]
    assert cols[0].name is cols[1].name is cols[2].name
    assert cols[0].type is cols[1].type is cols[2].type == "bigint"
    keys = [
        ix.keys[0].column
        for t in tables
        if t is not None
        for ix in t.indexes.values()
        if ix.name.startswith("ix_")
    ]
    assert len(keys) == 3 and keys[0] is keys[1] is keys[2] is cols[0].name
    fk_cols = [d.columns for d in cat.names if d.kind == "foreign-key"]
    assert len(fk_cols) == 3 and fk_cols[0][0] is fk_cols[1][0] is cols[0].name
