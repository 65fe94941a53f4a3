"""The replay's handler table: explicit, complete, and the only way a statement changes the
catalog."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from helpers_catalog import RICH_SQL, replay
from pglast import parse_sql

import pgarch_lint.catalog.replay as replay_pkg
from pgarch_lint.catalog import Catalog, Loc
from pgarch_lint.catalog.replay import HANDLERS
from pgarch_lint.schema_report import render_json
from pgarch_lint.sql import ast

# the statement types the catalog replayed before the handler table was made explicit (found
# then by reflection over Catalog._on_* methods): the table must keep every one of them
REPLAYED_BEFORE = {
    "AlterDefaultPrivilegesStmt",
    "AlterDomainStmt",
    "AlterEnumStmt",
    "AlterExtensionStmt",
    "AlterFunctionStmt",
    "AlterObjectSchemaStmt",
    "AlterOwnerStmt",
    "AlterPolicyStmt",
    "AlterRoleStmt",
    "AlterSeqStmt",
    "AlterTableStmt",
    "CommentStmt",
    "CompositeTypeStmt",
    "CreateDomainStmt",
    "CreateEnumStmt",
    "CreateExtensionStmt",
    "CreateFunctionStmt",
    "CreatePolicyStmt",
    "CreateRangeStmt",
    "CreateRoleStmt",
    "CreateSchemaStmt",
    "CreateSeqStmt",
    "CreateStmt",
    "CreateTableAsStmt",
    "DropRoleStmt",
    "DropStmt",
    "GrantRoleStmt",
    "GrantStmt",
    "IndexStmt",
    "RefreshMatViewStmt",
    "RenameStmt",
    "SelectStmt",
    "VariableSetStmt",
    "ViewStmt",
}


def _replay_modules() -> list[object]:
    return [
        importlib.import_module(f"{replay_pkg.__name__}.{m.name}")
        for m in pkgutil.iter_modules(replay_pkg.__path__)
    ]


def _handler_functions() -> dict[str, object]:
    """Every ``on_<NodeType>`` function defined in a replay module."""
    out: dict[str, object] = {}
    for mod in _replay_modules():
        for name, fn in vars(mod).items():
            if name.startswith("on_") and inspect.isfunction(fn) and fn.__module__ == mod.__name__:
                assert name not in out, f"{name} defined twice"
                out[name] = fn
    return out


def test_table_covers_every_handler() -> None:
    handlers = _handler_functions()
    in_table = {fn: cls for cls, fn in HANDLERS.items()}
    missing = sorted(n for n, fn in handlers.items() if fn not in in_table)
    assert not missing, f"handlers not in replay.HANDLERS: {missing}"
    assert len(in_table) == len(HANDLERS), "one handler registered for two node types"
    for cls, fn in HANDLERS.items():
        assert fn in handlers.values(), f"{fn} is not an on_* function of a replay module"
        assert fn.__name__ == f"on_{cls.__name__}", (cls, fn)
        assert getattr(ast, cls.__name__) is cls, cls


def test_table_keeps_every_statement_type_replayed_before() -> None:
    assert {cls.__name__ for cls in HANDLERS} == REPLAYED_BEFORE


def test_no_reflection_left() -> None:
    assert not [a for a in dir(Catalog) if a.startswith("_on_")]
    for mod in _replay_modules():
        source = inspect.getsource(mod)  # type: ignore[arg-type]
        assert "dir(" not in source and "getattr(Catalog" not in source, mod


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE app.parent",
        "CREATE TRIGGER trg AFTER INSERT ON app.parent FOR EACH ROW EXECUTE FUNCTION app.f()",
        "CREATE PUBLICATION pub FOR TABLE app.parent",
        "VACUUM FULL app.parent",
        "CREATE STATISTICS st ON tenant_id, email FROM app.parent",
        "INSERT INTO app.parent (tenant_id) VALUES (1)",
        "LOCK TABLE app.parent IN ACCESS EXCLUSIVE MODE",
        "CREATE RULE r AS ON INSERT TO app.parent DO NOTHING",
    ],
)
def test_statement_type_not_in_table_is_ignored(sql: str) -> None:
    cat = replay(RICH_SQL)
    before = render_json(cat)
    stmt = parse_sql(sql)[0].stmt
    assert type(stmt) not in HANDLERS
    cat.apply(stmt, Loc("x.sql", 0, len(sql)))
    assert cat.errors == 0
    assert render_json(cat) == before
    assert cat.first_change_in("x.sql") is None


def test_handled_statement_changes_the_catalog() -> None:
    cat = replay(RICH_SQL)
    stmt = parse_sql("CREATE TABLE app.extra (id int)")[0].stmt
    cat.apply(stmt, Loc("x.sql", 0, 10))
    assert cat.table_by_name("app.extra") is not None
    assert cat.first_change_in("x.sql") == 0
