"""The registry cache: rule metadata without importing every rule module (pre-commit start-up).

``registry.rule_refs()`` reads the metadata from a JSON file in the cache folder (conftest.py
gives each test its own ``PGARCH_LINT_CACHE_DIR``); the engine imports a rule's module the first
time the rule must run. These tests check hits, every kind of invalidation, that a lazy run
imports only some rule modules, and that it finds exactly what the full registry finds.
"""

from __future__ import annotations

import importlib
import json
import marshal
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import pgarch_lint
from pgarch_lint import registry
from pgarch_lint.config import Settings, load_settings, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.findings import Finding
from pgarch_lint.registry import RuleRef, cache_file, load_rules, rule_refs
from pgarch_lint.testing import lint_sql

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

PACK_V1 = '''
from pgarch_lint.api import Category, Severity, Violation, ast, rule


@rule(
    name="no-temp-tables",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.WARNING,
    summary="a temporary table in a migration",
    nodes=(ast.CreateStmt,),
    bad="CREATE TEMP TABLE t (a int);",
    good="CREATE TABLE t (a int);",
    fix="Create a real table.",
)
def check(node, ctx):
    """Temporary tables vanish with the session."""
    if node.relation.relpersistence == "t":
        yield Violation("temporary table", node=node.relation)
'''

PACK_V2 = (
    PACK_V1
    + '''

@rule(
    name="no-unlogged-tables",
    category=Category.SCHEMA_DESIGN,
    severity=Severity.INFO,
    summary="an unlogged table",
    nodes=(ast.CreateStmt,),
    bad="CREATE UNLOGGED TABLE t (a int);",
    good="CREATE TABLE t (a int);",
    fix="Create a logged table.",
)
def check_unlogged(node, ctx):
    """Unlogged tables are emptied after a crash."""
    if node.relation.relpersistence == "u":
        yield Violation("unlogged table", node=node.relation)
'''
)


def _install_pack(site: Path, name: str, source: str) -> Path:
    """A pack installed the way pip does it: a package plus a dist-info with an entry point."""
    pkg = site / f"{name}_pkg"
    pkg.mkdir(parents=True, exist_ok=True)
    init = pkg / "__init__.py"
    init.write_text(textwrap.dedent(source))
    dist = site / f"{name}_pkg-0.1.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-pkg\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[pgarch_lint.rules]\n{name} = {name}_pkg\n")
    return init


def _bump(path: Path, source: str) -> None:
    """Rewrite a file and move its mtime forward (coarse file-system clocks)."""
    path.write_text(textwrap.dedent(source))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def fresh() -> Iterator[None]:
    """Forget the per-process registry results before and after the test."""
    rule_refs.cache_clear()
    load_rules.cache_clear()
    yield
    rule_refs.cache_clear()
    load_rules.cache_clear()


@pytest.fixture
def pack_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None) -> Iterator[Path]:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    yield site
    for mod in [m for m in sys.modules if m.startswith("acme_pkg")]:
        del sys.modules[mod]
    importlib.invalidate_caches()


def _cached_refs() -> tuple[RuleRef, ...]:
    """The refs as a later process reads them from the cache file: nothing loaded."""
    path = cache_file()
    assert path is not None
    refs = registry._read_cache(path)
    assert refs is not None, "expected a cache hit"
    return refs


# --- hits and misses ---------------------------------------------------------------------------


def test_hit_has_the_full_registry_metadata(fresh: None) -> None:
    path = cache_file()
    assert path is not None and not path.exists()
    first = rule_refs()
    assert path.is_file()
    refs = _cached_refs()
    assert not any(r.loaded for r in refs)
    full = load_rules()
    assert [r.qualified_name for r in refs] == [r.qualified_name for r in full]
    for ref, r in zip(refs, full, strict=True):
        assert (
            ref.category,
            ref.severity,
            ref.summary,
            ref.default,
            ref.strict,
            ref.live_only,
            ref.pack,
        ) == (r.category, r.severity, r.summary, r.default, r.strict, r.live_only, r.pack)
        assert ref.nodes == r.nodes  # resolved by name, without importing the rule
        assert not ref.loaded
        assert (ref.options is None) == (r.options is None)
    assert [r.qualified_name for r in first] == [r.qualified_name for r in refs]
    # loading gives the real rule
    ref = next(r for r in refs if r.name == "ban-drop-table")
    assert ref.load() is next(r for r in full if r.name == "ban-drop-table")
    assert ref.loaded and ref.rationale and ref.fix and ref.bad and ref.good


def test_second_call_reads_the_cache(fresh: None) -> None:
    rule_refs()
    rule_refs.cache_clear()
    assert not any(r.loaded for r in rule_refs())


def test_version_change_is_a_miss(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    rule_refs()
    path = cache_file()
    assert path is not None and registry._read_cache(path) is not None
    monkeypatch.setattr(pgarch_lint, "__version__", "99.0.0")
    assert registry._read_cache(path) is None
    rule_refs.cache_clear()
    assert rule_refs()[0].loaded  # a miss loads everything and rewrites the file
    assert registry._read_cache(path) is not None


def test_a_builtin_rule_file_mtime_is_part_of_the_key(fresh: None) -> None:
    rule_refs()
    path = cache_file()
    assert path is not None
    data = marshal.loads(path.read_bytes())
    builtin = next(p for p in data["packs"] if p["name"] == "builtin")
    rules_dir = str(Path(importlib.import_module("pgarch_lint.rules").__path__[0]))
    assert rules_dir in builtin["watch"]
    sig = registry._files_signature(builtin["watch"])
    names = {e[0] for s in sig if s[0] == rules_dir for e in s[1]}
    assert "ban_drop_table.py" in names and "_report.py" in names  # helpers count too


def test_edited_pack_file_is_a_miss(pack_site: Path) -> None:
    init = _install_pack(pack_site, "acme", PACK_V1)
    names = [r.qualified_name for r in rule_refs()]
    assert "acme/no-temp-tables" in names and "acme/no-unlogged-tables" not in names
    assert _cached_refs()
    _bump(init, PACK_V2)
    path = cache_file()
    assert path is not None and registry._read_cache(path) is None
    del sys.modules["acme_pkg"]
    rule_refs.cache_clear()
    names = [r.qualified_name for r in rule_refs()]
    assert "acme/no-unlogged-tables" in names


def test_pack_installed_after_the_cache_was_written_is_found(pack_site: Path) -> None:
    before = [r.qualified_name for r in rule_refs()]
    assert not any(n.startswith("acme/") for n in before)
    _install_pack(pack_site, "acme", PACK_V1)
    importlib.invalidate_caches()
    rule_refs.cache_clear()
    after = [r.qualified_name for r in rule_refs()]
    assert after == [*before, "acme/no-temp-tables"]


def test_corrupt_cache_file_is_ignored_and_rewritten(fresh: None) -> None:
    path = cache_file()
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    junks = [
        b"{not marshal",
        b"",
        b"\xff" * 40,
        marshal.dumps([]),
        marshal.dumps({"format": registry.CACHE_FORMAT, "key": "x"}),
        marshal.dumps({"format": registry.CACHE_FORMAT}),
        marshal.dumps({"format": 1}),
    ]
    for junk in junks:
        path.write_bytes(junk)
        rule_refs.cache_clear()
        assert len(rule_refs()) == len(load_rules())
        assert registry._read_cache(path) is not None
    # valid data, valid key, but a rule entry that makes no sense: a miss, not a crash
    data = marshal.loads(path.read_bytes())
    data["packs"][0]["rules"][0]["category"] = "no-such-category"
    path.write_bytes(marshal.dumps(data))
    assert registry._read_cache(path) is None


def test_unwritable_cache_folder_still_works(
    fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PGARCH_LINT_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    assert [r.qualified_name for r in rule_refs()] == [r.qualified_name for r in load_rules()]
    assert not (blocker / "cache").exists()
    assert lint_sql("DROP TABLE t;", rules=["ban-drop-table"])


def test_no_cache_env(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGARCH_LINT_NO_CACHE", "1")
    assert cache_file() is None
    assert len(rule_refs()) == len(load_rules())


# --- the lazy path finds what the full registry finds ---------------------------------------------


def _run(rules: list[object], settings: Settings, sql_path: Path) -> list[Finding]:
    files: list[FileInput] = []
    ctx_file = sql_path.with_name(sql_path.stem + ".context.sql")
    if ctx_file.exists():
        files.append(FileInput(str(ctx_file), ctx_file.read_bytes(), True))
    files.append(FileInput(str(sql_path), sql_path.read_bytes(), False))
    return Engine(settings, rules).run(files).findings  # type: ignore[arg-type]


def test_lazy_refs_find_exactly_what_loaded_rules_find_on_every_fixture(fresh: None) -> None:
    """Every fixture, linted with its rule plus the default selection, once with the
    loaded rules and once with fresh (unloaded) refs from the cache."""
    rule_refs()
    full = load_rules()
    cases = sorted(p for p in FIXTURES.glob("*/*.sql") if not p.name.endswith(".context.sql"))
    assert len(cases) > 100
    for path in cases:
        refs = _cached_refs()
        results = []
        for rules in (full, refs):
            sidecar = path.with_suffix(".toml")
            settings = load_settings(sidecar, rules=rules) if sidecar.exists() else Settings()
            settings.extend_select = (path.parent.name, *settings.extend_select)
            results.append(_run(list(select_rules(rules, settings)), settings, path))
        assert results[0] == results[1], path


def _cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = (
        [sys.executable, "-m", "pgarch_lint", *args]
        if code is None
        else [sys.executable, "-c", code, *args]
    )
    return subprocess.run(
        cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=120
    )


PROBE = """
import json, sys
from pgarch_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
mods = sorted(m for m in sys.modules if m.startswith("pgarch_lint.rules."))
print(json.dumps({"modules": mods, "metadata": "importlib.metadata" in sys.modules}))
"""


def test_pre_commit_run_imports_only_some_rule_modules(tmp_path: Path) -> None:
    (tmp_path / "m.sql").write_text(
        "CREATE INDEX CONCURRENTLY ix_orders__status ON orders (status);\n"
    )
    first = _cli(["check", "m.sql", "--format", "json"], tmp_path)  # writes the cache
    assert first.returncode == 0, first.stderr
    # --no-cache: the results cache would know this run and import no rule at all
    r = _cli(["check", "m.sql", "--format", "json", "--quiet", "--no-cache"], tmp_path, code=PROBE)
    data = json.loads(r.stdout.strip().splitlines()[-1])
    all_modules = {
        f"pgarch_lint.rules.{p.stem}"
        for p in (ROOT / "rules").glob("*.py")
        if not p.name.startswith("_")
    }
    loaded = set(data["modules"]) & all_modules
    assert 0 < len(loaded) < len(all_modules) // 2, sorted(loaded)
    assert "pgarch_lint.rules.require_concurrent_index_creation" in loaded
    assert "pgarch_lint.rules.ban_drop_table" not in loaded  # wants DropStmt: none here
    assert "pgarch_lint.rules.unused_index" not in loaded  # live-only: silent when static
    assert data["metadata"] is False  # a hit never imports importlib.metadata


@pytest.mark.parametrize(
    "fixture",
    [
        "require-concurrent-index-creation/existing.sql",
        "ban-drop-column/drops.sql",
        "adding-foreign-key-constraint/bad.sql",
        "naming-index/indexes.sql",
        "table-missing-primary-key/missing.sql",
    ],
)
def test_cli_json_matches_lint_sql(fixture: str, tmp_path: Path) -> None:
    """The CLI (lazy refs from the cache) reports what ``testing.lint_sql`` (all rules
    loaded) reports, default selection, first run (miss) and second run (hit)."""
    text = (FIXTURES / fixture).read_text()
    (tmp_path / "m.sql").write_text(text)
    want = [
        (f.rule, f.line, f.column, f.end_line, f.end_column, f.message, f.fingerprint)
        for f in lint_sql(text, path="m.sql")
    ]
    assert any(f[0] == fixture.split("/")[0] for f in want)
    for _ in range(2):
        r = _cli(["check", "m.sql", "--format", "json", "--fail-on", "never"], tmp_path)
        assert r.returncode == 0, r.stderr
        got = [
            (
                f["rule"],
                f["line"],
                f["column"],
                f["end_line"],
                f["end_column"],
                f["message"],
                f["fingerprint"],
            )
            for f in json.loads(r.stdout)["findings"]
        ]
        assert got == want


def test_pack_broken_after_the_cache_was_written_is_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init = _install_pack(site, "acme", PACK_V1)
    (tmp_path / "m.sql").write_text("CREATE TEMP TABLE scratch (a int);\n")
    env = {"PYTHONPATH": str(site)}
    r = _cli(["check", "m.sql", "--format", "json"], tmp_path, env)
    assert [f["rule"] for f in json.loads(r.stdout)["findings"]] == ["acme/no-temp-tables"]
    _bump(init, "raise ImportError('broken on purpose')\n")
    r = _cli(["check", "m.sql"], tmp_path, env)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "pgarch-lint: error: rule pack 'acme' (acme_pkg) failed to load: broken on purpose"
    ]


def test_pack_added_to_a_folder_already_on_the_path_is_found(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "m.sql").write_text("CREATE TEMP TABLE scratch (a int);\n")
    env = {"PYTHONPATH": str(site)}
    r = _cli(["check", "m.sql", "--format", "json"], tmp_path, env)
    assert json.loads(r.stdout)["findings"] == []
    _install_pack(site, "acme", PACK_V1)
    r = _cli(["check", "m.sql", "--format", "json"], tmp_path, env)
    assert [f["rule"] for f in json.loads(r.stdout)["findings"]] == ["acme/no-temp-tables"]
