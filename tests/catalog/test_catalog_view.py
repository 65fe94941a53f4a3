"""Rules see the catalog through CatalogView: the Protocol lists every lookup they use, and
the Catalog provides it."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pgarch_lint.engine as engine_mod
from pgarch_lint import api
from pgarch_lint.catalog import Catalog, CatalogView
from pgarch_lint.config import Settings, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.registry import load_rules
from pgarch_lint.testing import run_fixture

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(
    p for p in (ROOT / "fixtures").glob("*/*.sql") if not p.name.endswith(".context.sql")
)
VIEW_MEMBERS = frozenset(n for n in vars(CatalogView) if not n.startswith("_"))
# read through getattr(catalog, name, None) by code that works with any catalog: the facts a
# LiveCatalog (pgarch_lint.live.facts) carries; a plain Catalog has none
OPTIONAL = frozenset({"live_facts"})


def test_catalog_provides_the_view() -> None:
    for name in sorted(VIEW_MEMBERS):
        member = inspect.getattr_static(CatalogView, name)
        assert hasattr(Catalog, name) or name in vars(Catalog()), name
        if inspect.isfunction(member):
            want = list(inspect.signature(member).parameters)
            got = list(inspect.signature(getattr(Catalog, name)).parameters)
            assert got == want, (name, got, want)


def test_view_has_no_verb() -> None:
    verbs = {"apply", "apply_unparsed", "begin_file", "replay", "stamp", "touch", "new_table"}
    verbs |= {n for n in vars(Catalog) if n.startswith(("put_", "drop_", "rename_", "move_"))}
    assert not VIEW_MEMBERS & verbs


def test_api_exposes_the_view() -> None:
    assert api.CatalogView is CatalogView
    assert "CatalogView" in api.__all__
    assert api.Context.__annotations__["catalog"] == "CatalogView"


class _Guard:
    """Delegates to a catalog and records every attribute read outside CatalogView, and every
    assignment."""

    __slots__ = ("__weakref__", "_cat", "_outside")

    def __init__(self, cat: Any, outside: set[str]) -> None:
        object.__setattr__(self, "_cat", cat)
        object.__setattr__(self, "_outside", outside)

    def __getattr__(self, name: str) -> Any:
        if name not in VIEW_MEMBERS and name not in OPTIONAL:
            self._outside.add(name)
        return getattr(self._cat, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._outside.add(f"{name} (assigned)")
        setattr(self._cat, name, value)


@pytest.fixture
def outside(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Rules get a guarded catalog in their Context; yields what they read outside the view."""
    seen: set[str] = set()
    guards: dict[int, _Guard] = {}
    real = engine_mod.Context

    def context(catalog: Any, *args: Any, **kwargs: Any) -> Any:
        guard = guards.setdefault(id(catalog), _Guard(catalog, seen))
        return real(guard, *args, **kwargs)

    monkeypatch.setattr(engine_mod, "Context", context)
    yield seen


def test_rules_read_only_the_view_on_every_fixture(outside: set[str]) -> None:
    failed = []
    for path in FIXTURES:
        want, got, _ = run_fixture(path, path.parent.name)
        if want != got:
            failed.append(path.name)
    assert not failed, f"fixtures changed under the guard: {failed}"
    assert not outside, f"rules read the catalog outside CatalogView: {sorted(outside)}"


@pytest.mark.parametrize(
    ("paths", "context"),
    [
        (["examples/migrations"], []),
        (["examples/multitenant"], []),
        (["examples/multitenant_flawed"], []),
        (["examples/queries.sql"], ["examples/multitenant"]),
    ],
)
def test_rules_read_only_the_view_on_the_examples(
    outside: set[str], paths: list[str], context: list[str]
) -> None:
    def inputs(names: list[str], is_context: bool) -> list[FileInput]:
        files: list[Path] = []
        for n in names:
            p = ROOT / n
            files.extend(sorted(p.rglob("*.sql")) if p.is_dir() else [p])
        return [FileInput(str(f), f.read_bytes(), is_context) for f in files]

    settings = Settings()
    settings.select = ("all",)
    chosen = select_rules(load_rules(), settings)
    report = Engine(settings, chosen).run([*inputs(context, True), *inputs(paths, False)])
    assert report.findings is not None
    assert not outside, f"rules read the catalog outside CatalogView: {sorted(outside)}"
