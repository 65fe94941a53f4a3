"""``pgarch-lint model``: cardinality, diagram grammar, golden documents.

Golden files live in ``tests/golden/model/`` (``<example>.md``, ``.mmd``, ``.dot``, ``.json``).
After an intended change of the output, regenerate them with::

    PGARCH_UPDATE_GOLDENS=1 .venv/bin/pytest tests/e2e/test_model.py

and review the diff. Other engineers add and tune rules all the time, so the goldens run a
pinned rule selection (:data:`GOLDEN_RULES`) instead of the default one: a new rule does not
change them. The corpus goldens are skipped (and not regenerated) when
``/work/shared/corpus/hatchet`` is absent (override with ``PGARCH_CORPUS``).

The Mermaid output is checked by :func:`validate_er_diagram` (a structural check of the
``erDiagram`` subset the renderer emits) everywhere, and rendered with ``mmdc``
(``@mermaid-js/mermaid-cli``) when it is installed and a Chromium is found
(``PUPPETEER_EXECUTABLE_PATH`` or ``/usr/bin/chromium``); the Graphviz output is rendered with
``dot`` when it is installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgarch_lint.catalog import Catalog
from pgarch_lint.cli import main
from pgarch_lint.config import Settings, Tenancy, select_rules
from pgarch_lint.engine import Engine, FileInput
from pgarch_lint.files import collect
from pgarch_lint.model import (
    FORMATS,
    Model,
    Relationship,
    build_model,
    model_document,
    render,
    render_json,
)
from pgarch_lint.model.mermaid import entity_name, render_mermaid, word
from pgarch_lint.registry import load_rules

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "model"
EXAMPLE = ROOT / "examples" / "multitenant"
CORPUS = Path(os.environ.get("PGARCH_CORPUS", "/work/shared/corpus")) / "hatchet"
UPDATE = os.environ.get("PGARCH_UPDATE_GOLDENS", "") not in ("", "0")
#: The rules run for the golden documents (stable across rule additions elsewhere).
GOLDEN_RULES = (
    "duplicate-index",
    "fk-missing-index",
    "prefer-timestamptz",
    "redundant-index",
    "rls-not-forced",
    "tenant-table-missing-rls",
)
SUFFIX = {"markdown": "md", "mermaid": "mmd", "dot": "dot", "json": "json"}


# --- helpers -----------------------------------------------------------------------------------


def _catalog(sql: str) -> Catalog:
    engine = Engine(Settings(), [])
    engine.run([FileInput("t.sql", sql.encode())], ["syntax-error"])
    return engine.catalog


def _model(sql: str, **kw: object) -> Model:
    return build_model(_catalog(sql), Settings(), files=["t.sql"], **kw)  # type: ignore[arg-type]


def _rel(m: Model, name: str) -> Relationship:
    found = [r for r in m.relationships if r.name == name]
    assert len(found) == 1, [r.name for r in m.relationships]
    return found[0]


_ENTITY = r'(?:[A-Za-z_][A-Za-z0-9_]*|"[^"%\\\n]+")'
_WORD = r"[A-Za-z_*][A-Za-z0-9_\-\[\]()]*"
_KEYS = r"(?:PK|FK|UK)(?:, ?(?:PK|FK|UK))*"
_STRING = r'"[^"%\\\n]*"'
_ATTR = re.compile(rf"^\s+({_WORD}) ({_WORD})(?: ({_KEYS}))?(?: {_STRING})?$")
_OPEN = re.compile(rf"^\s+({_ENTITY}) \{{$")
_BARE = re.compile(rf"^\s+({_ENTITY})$")
_REL = re.compile(
    rf"^\s+({_ENTITY}) (\|o|\|\||\}}o|\}}\|)(--|\.\.)(o\||\|\||o\{{|\|\{{) ({_ENTITY}) : {_STRING}$"
)
_KEYWORDS = {"pk", "fk", "uk"}


def validate_er_diagram(text: str) -> list[str]:
    """Problems in an ``erDiagram`` of the subset the renderer emits (empty = valid).

    Grammar: ``erDiagram``, then entity blocks (``NAME {`` / attribute lines
    ``type name [PK|FK|UK[, ...]] ["comment"]`` / ``}``), bare entity declarations and
    relationship lines ``A <left><line><right> B : "label"`` with left cardinality ``|o ||
    }o }|``, line ``--`` or ``..``, right cardinality ``o| || o{ |{``. Names are bare words or
    double-quoted strings without ``"``, ``%`` or ``\\``; every relationship end is declared.
    """
    lines = text.rstrip("\n").split("\n")
    errors: list[str] = []
    if not lines or lines[0] != "erDiagram":
        return ["first line is not 'erDiagram'"]
    declared: set[str] = set()
    used: list[tuple[int, str]] = []
    block: str | None = None
    for n, line in enumerate(lines[1:], start=2):
        if block is not None:
            if line.strip() == "}":
                block = None
                continue
            m = _ATTR.match(line)
            if not m:
                errors.append(f"line {n}: bad attribute line: {line!r}")
            elif m.group(1).lower() in _KEYWORDS or m.group(2).lower() in _KEYWORDS:
                errors.append(f"line {n}: PK/FK/UK used as a type or name: {line!r}")
            continue
        if m := _OPEN.match(line):
            block = m.group(1)
        elif m := _REL.match(line):
            used += [(n, m.group(1)), (n, m.group(5))]
            continue
        elif m := _BARE.match(line):
            pass
        else:
            errors.append(f"line {n}: not an entity, attribute or relationship: {line!r}")
            continue
        name = m.group(1)
        if name in declared:
            errors.append(f"line {n}: entity {name} declared twice")
        declared.add(name)
    if block is not None:
        errors.append(f"entity {block} is not closed")
    errors += [
        f"line {n}: relationship to undeclared entity {e}" for n, e in used if e not in declared
    ]
    return errors


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.is_file(), f"missing golden {path}; run with PGARCH_UPDATE_GOLDENS=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{path} differs; rerun with PGARCH_UPDATE_GOLDENS=1 and review"


def _inputs(folder: Path, base: Path) -> list[FileInput]:
    """The folder's SQL files in run order, named relative to ``base`` (stable goldens)."""
    files = collect([str(folder)], root=base)
    assert files, f"no SQL files in {folder}"
    return [FileInput(os.path.relpath(p, base), p.read_bytes()) for p in files]


def _document(folder: Path, base: Path, fmt: str, **kw: object) -> str:
    settings = Settings(select=GOLDEN_RULES)
    rules = select_rules(load_rules(), settings)
    return model_document(_inputs(folder, base), settings, rules, fmt=fmt, **kw)  # type: ignore[arg-type]


def _puppeteer_config(tmp_path: Path) -> Path | None:
    browser = (
        os.environ.get("PUPPETEER_EXECUTABLE_PATH")
        or shutil.which("chromium")
        or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    )
    if browser is None:
        return None
    cfg = tmp_path / "puppeteer.json"
    cfg.write_text(
        json.dumps({"executablePath": browser, "args": ["--no-sandbox", "--disable-gpu"]})
    )
    return cfg


def _mmdc(tmp_path: Path, text: str) -> None:
    mmdc = shutil.which("mmdc")
    if mmdc is None:
        pytest.skip("mmdc (@mermaid-js/mermaid-cli) is not installed")
    cfg = _puppeteer_config(tmp_path)
    if cfg is None:
        pytest.skip("no Chromium for mmdc")
    src = tmp_path / "model.mmd"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "model.svg"
    proc = subprocess.run(
        [mmdc, "-q", "-p", str(cfg), "-i", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert out.stat().st_size > 1000
    assert "Syntax error" not in out.read_text(encoding="utf-8")


def _dot(tmp_path: Path, text: str) -> None:
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz dot is not installed")
    proc = subprocess.run(
        [dot, "-Tsvg"], input=text, capture_output=True, text=True, timeout=180, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "<svg" in proc.stdout


# --- cardinality -------------------------------------------------------------------------------

_PARENT = "CREATE TABLE customers (id bigint PRIMARY KEY, email text UNIQUE);\n"


def test_many_to_one() -> None:
    m = _model(
        _PARENT
        + """
        CREATE TABLE orders (id bigint PRIMARY KEY,
            customer_id bigint NOT NULL CONSTRAINT fk_orders REFERENCES customers (id)
                ON DELETE CASCADE);
    """
    )
    r = _rel(m, "fk_orders")
    assert (r.source, r.target, r.source_columns) == (
        "public.orders",
        "public.customers",
        ("customer_id",),
    )
    assert r.cardinality == "many-to-one" and not r.optional and not r.identifying
    assert r.multiplicity == "0..n : 1"
    assert (r.on_delete, r.on_update) == ("cascade", "no action")
    assert "orders }o..|| customers" in render_mermaid(m)


def test_optional_many_to_one_from_nullable_fk() -> None:
    m = _model(
        _PARENT
        + """
        CREATE TABLE orders (id bigint PRIMARY KEY,
            customer_id bigint CONSTRAINT fk_orders REFERENCES customers ON DELETE SET NULL);
    """
    )
    r = _rel(m, "fk_orders")
    assert r.cardinality == "many-to-one" and r.optional
    assert r.multiplicity == "0..n : 0..1" and r.on_delete == "set null"
    assert "orders }o..o| customers" in render_mermaid(m)


def test_composite_fk_with_one_nullable_column_is_optional() -> None:
    m = _model("""
        CREATE TABLE members (tenant_id bigint, user_id text, PRIMARY KEY (tenant_id, user_id));
        CREATE TABLE docs (tenant_id bigint NOT NULL, id bigint, created_by text,
            PRIMARY KEY (tenant_id, id),
            CONSTRAINT fk_docs FOREIGN KEY (tenant_id, created_by) REFERENCES members);
    """)
    r = _rel(m, "fk_docs")
    assert r.optional and r.cardinality == "many-to-one"


def test_one_to_one_from_unique_fk() -> None:
    m = _model(
        _PARENT
        + """
        CREATE TABLE carts (id bigint PRIMARY KEY,
            customer_id bigint NOT NULL UNIQUE CONSTRAINT fk_carts REFERENCES customers);
    """
    )
    r = _rel(m, "fk_carts")
    assert r.cardinality == "one-to-one" and not r.optional
    assert r.multiplicity == "0..1 : 1"
    assert "carts |o..|| customers" in render_mermaid(m)


def test_one_to_one_from_unique_index_and_optional() -> None:
    m = _model(
        _PARENT
        + """
        CREATE TABLE carts (id bigint PRIMARY KEY,
            customer_id bigint CONSTRAINT fk_carts REFERENCES customers);
        CREATE UNIQUE INDEX uq_carts ON carts (customer_id);
    """
    )
    r = _rel(m, "fk_carts")
    assert r.cardinality == "one-to-one" and r.optional
    assert "carts |o..o| customers" in render_mermaid(m)


def test_partial_unique_index_does_not_make_one_to_one() -> None:
    m = _model(
        _PARENT
        + """
        CREATE TABLE carts (id bigint PRIMARY KEY, open boolean,
            customer_id bigint NOT NULL CONSTRAINT fk_carts REFERENCES customers);
        CREATE UNIQUE INDEX uq_carts ON carts (customer_id) WHERE open;
    """
    )
    assert _rel(m, "fk_carts").cardinality == "many-to-one"


def test_one_to_one_from_primary_key_fk_is_identifying() -> None:
    m = _model(
        _PARENT
        + """
        CREATE TABLE customer_profiles (
            customer_id bigint PRIMARY KEY CONSTRAINT fk_profiles REFERENCES customers,
            bio text);
    """
    )
    r = _rel(m, "fk_profiles")
    assert r.cardinality == "one-to-one" and r.identifying and not r.optional
    assert "customer_profiles |o--|| customers" in render_mermaid(m)


def test_many_to_many_link_table_collapses_in_diagrams() -> None:
    m = _model("""
        CREATE TABLE posts (id bigint PRIMARY KEY);
        CREATE TABLE tags (id bigint PRIMARY KEY);
        CREATE TABLE post_tags (
            post_id bigint REFERENCES posts, tag_id bigint REFERENCES tags,
            created_at timestamptz, PRIMARY KEY (post_id, tag_id));
    """)
    assert [(lk.link, lk.left, lk.right, lk.collapsed) for lk in m.links] == [
        ("public.post_tags", "public.posts", "public.tags", True)
    ]
    entity = m.entity("public.post_tags")
    assert entity is not None and entity.link
    for r in m.relationships:
        assert r.source == "public.post_tags" and r.identifying
    mer = render_mermaid(m)
    assert 'posts }o..o{ tags : "via post_tags"' in mer
    assert "post_tags" not in mer.replace("via post_tags", "")
    assert not validate_er_diagram(mer)
    dot = render(m, "dot")
    assert "arrowtail=crowodot, arrowhead=crowodot" in dot
    assert '"public.post_tags" [' not in dot
    md = render(m, "markdown")
    assert "- `posts` ↔ `tags` via `post_tags`" in md


def test_referenced_link_table_stays_an_entity() -> None:
    m = _model("""
        CREATE TABLE tenants (id bigint PRIMARY KEY);
        CREATE TABLE users (id text PRIMARY KEY);
        CREATE TABLE members (tenant_id bigint REFERENCES tenants, user_id text REFERENCES users,
            role text, PRIMARY KEY (tenant_id, user_id));
        CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, author text,
            FOREIGN KEY (tenant_id, author) REFERENCES members);
    """)
    assert [(lk.link, lk.collapsed) for lk in m.links] == [("public.members", False)]
    mer = render_mermaid(m)
    assert "    members {" in mer and 'tenants }o..o{ users : "via members"' in mer
    assert not validate_er_diagram(mer)


def test_link_needs_the_primary_key_covered_and_little_else() -> None:
    m = _model("""
        CREATE TABLE a (id bigint PRIMARY KEY);
        CREATE TABLE b (id bigint PRIMARY KEY);
        CREATE TABLE half (id bigint PRIMARY KEY, a_id bigint REFERENCES a,
                           b_id bigint REFERENCES b);
        CREATE TABLE wide (a_id bigint REFERENCES a, b_id bigint REFERENCES b,
                           c1 int, c2 int, c3 int, c4 int, PRIMARY KEY (a_id, b_id));
    """)
    assert m.links == []


def test_self_reference() -> None:
    m = _model("""
        CREATE TABLE folders (id bigint PRIMARY KEY,
            parent_id bigint CONSTRAINT fk_parent REFERENCES folders ON DELETE CASCADE);
    """)
    r = _rel(m, "fk_parent")
    assert r.self_reference and r.optional and r.cardinality == "many-to-one"
    assert 'folders }o..o| folders : "parent_id"' in render_mermaid(m)
    assert "self-reference" in render(m, "markdown")
    assert render_json(m)["relationships"][0]["self_reference"] is True


def test_self_referencing_many_to_many() -> None:
    m = _model("""
        CREATE TABLE users (id bigint PRIMARY KEY);
        CREATE TABLE follows (follower bigint REFERENCES users, followee bigint REFERENCES users,
            PRIMARY KEY (follower, followee));
    """)
    assert [(lk.left, lk.right) for lk in m.links] == [("public.users", "public.users")]
    assert 'users }o..o{ users : "via follows"' in render_mermaid(m)


# --- the rest of the model ---------------------------------------------------------------------


def test_index_inventory_says_what_each_index_serves() -> None:
    m = _model(
        _PARENT
        + """
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers,
            deleted_at timestamptz, data jsonb, code text);
        CREATE INDEX ix_orders__customer_id ON orders (customer_id) WHERE deleted_at IS NULL;
        CREATE INDEX ix_orders__customer_id_all ON orders (customer_id, id DESC);
        CREATE INDEX ix_orders__data ON orders USING gin (data jsonb_path_ops);
        CREATE INDEX ix_orders__lower_code ON orders (lower(code));
    """
    )
    e = m.entity("public.orders")
    assert e is not None
    serves = {ix.name: ix.serves for ix in e.indexes}
    assert serves["orders_pkey"] == ("primary key",)
    assert serves["ix_orders__customer_id"] == ("partial: deleted_at IS NULL",)
    assert serves["ix_orders__customer_id_all"] == ("FK orders.customer_id → customers",)
    assert serves["ix_orders__data"] == ("containment / full-text search",)
    assert serves["ix_orders__lower_code"] == ("expression lookup",)
    c = m.entity("public.customers")
    assert c is not None
    assert {ix.name: ix.serves for ix in c.indexes}["customers_email_key"] == ("unique email",)
    assert e.unindexed_foreign_keys == []


def test_unindexed_foreign_key_is_listed() -> None:
    m = _model(_PARENT + "CREATE TABLE orders (id int PRIMARY KEY, c bigint REFERENCES customers);")
    e = m.entity("public.orders")
    assert e is not None and e.unindexed_foreign_keys == ["FK orders.c → customers"]
    assert "Foreign keys without a supporting index: FK orders.c → customers." in render(
        m, "markdown"
    )


def test_tenancy_uses_configured_columns_and_global_tables() -> None:
    cat = _catalog("""
        CREATE TABLE orgs (id bigint PRIMARY KEY);
        CREATE TABLE docs (org_id bigint REFERENCES orgs, id bigint, PRIMARY KEY (org_id, id));
        ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
        CREATE POLICY p ON docs USING (org_id = current_setting('app.org')::bigint);
        CREATE TABLE audit (org_id bigint);
    """)
    settings = Settings(tenancy=Tenancy(("org_id",), ("audit",)))
    m = build_model(cat, settings)
    assert [(e.table, e.tenant_column) for e in m.entities] == [
        ("audit", None),
        ("docs", "org_id"),
        ("orgs", None),
    ]
    md = render(m, "markdown")
    assert "| `docs` | org_id | yes | enabled | `p` (all) |" in md
    assert "Global tables (no tenant column): `audit`, `orgs`." in md


def test_partitions_fold_into_their_parent() -> None:
    m = _model("""
        CREATE TABLE events (id bigint, at timestamptz, PRIMARY KEY (id, at))
            PARTITION BY RANGE (at);
        CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    """)
    assert [e.table for e in m.entities] == ["events"]
    p = m.entities[0].partitioning
    assert p is not None and (p.strategy, p.key, p.partitions) == ("range", ("at",), 2)
    assert "range (at), 2 partitions" in render(m, "markdown")


_AWKWARD = """
    CREATE SCHEMA app;
    CREATE SCHEMA "Billing";
    CREATE TYPE app.status AS ENUM ('a', 'b');
    CREATE TABLE app."Order Items" (
        "Id" bigint PRIMARY KEY,
        "Unit Price" numeric(10,2) UNIQUE,
        code varchar(10) UNIQUE,
        at timestamp with time zone UNIQUE,
        ratio double precision UNIQUE,
        tags text[] UNIQUE,
        st app.status UNIQUE,
        pk int UNIQUE
    );
    COMMENT ON COLUMN app."Order Items"."Id" IS 'The "id", 100% \\ unique';
    CREATE TABLE "Billing"."Invoice" (id bigint PRIMARY KEY,
        item bigint REFERENCES app."Order Items");
    CREATE TABLE "Billing"."end" (id int PRIMARY KEY, inv bigint REFERENCES "Billing"."Invoice");
    CREATE TABLE app.plain (x int);
"""


def test_mermaid_escapes_awkward_identifiers_and_types() -> None:
    m = _model(_AWKWARD)
    assert m.qualify
    mer = render_mermaid(m)
    assert not validate_er_diagram(mer), validate_er_diagram(mer)
    assert '    "app.Order Items" {' in mer
    assert '    "Billing.end" {' in mer
    assert "    app.plain" not in mer and '    "app.plain"' in mer
    assert "numeric(10_2) Unit_Price UK" in mer
    assert "varchar(10) code UK" in mer
    assert "double_precision ratio UK" in mer
    assert "text[] tags UK" in mer
    assert "app_status st UK" in mer
    assert "integer pk_ UK" in mer
    assert '"column Unit Price"' in mer
    assert "\"The 'id', 100 pct / unique\"" in mer
    assert '"Billing.Invoice" }o..o| "app.Order Items" : "item"' in mer


def test_mermaid_helpers() -> None:
    assert word("timestamp with time zone") == "timestamp_with_time_zone"
    assert word("numeric(10,2)") == "numeric(10_2)"
    assert word("public.my_type") == "public_my_type"
    assert word("9lives") == "_9lives"
    assert word("FK") == "FK_"
    assert entity_name("orders") == "orders"
    assert entity_name("Orders") == "Orders"
    assert entity_name("public.orders") == '"public.orders"'
    assert entity_name("class") == '"class"'


def test_validator_rejects_what_mermaid_rejects() -> None:
    assert validate_er_diagram("erDiagram\n    a {\n        double precision x\n    }\n")
    assert validate_er_diagram("erDiagram\n    a {\n        int x\n")
    assert validate_er_diagram('erDiagram\n    a\n    a }o--x| b : "l"\n')
    assert validate_er_diagram('erDiagram\n    a\n    a }o--|| b : "l"\n')  # b undeclared
    assert validate_er_diagram("graph TD\n")
    assert validate_er_diagram("erDiagram\n    a.b\n")
    assert not validate_er_diagram(
        'erDiagram\n    a {\n        int x PK, FK "c"\n    }\n    "b c"\n    a }o--|| "b c" : "l"\n'
    )


def test_filters_limit_every_format() -> None:
    m = _model(_AWKWARD, schemas=["Billing"])
    assert [e.name for e in m.entities] == ["Billing.Invoice", "Billing.end"]
    ext = _rel(m, "Invoice_item_fkey")
    assert ext.external and ext.target == "app.Order Items"
    mer = render_mermaid(m)
    assert "Order Items" not in mer and not validate_er_diagram(mer)
    assert "Order Items" not in render(m, "dot")
    assert "(outside the picture)" in render(m, "markdown")
    m2 = _model(_AWKWARD, tables=["Inv*", "app.pl*"])
    assert [e.name for e in m2.entities] == ["Billing.Invoice", "app.plain"]
    data = render_json(m2)
    assert data["context"]["filters"] == {"schemas": [], "tables": ["Inv*", "app.pl*"]}


def test_output_is_deterministic() -> None:
    a = _model(_AWKWARD)
    b = _model(_AWKWARD)
    for fmt in FORMATS:
        assert render(a, fmt) == render(b, fmt)


def test_findings_summary_counts_categories_and_lists_one_per_rule_first() -> None:
    sql = "CREATE TABLE t (id serial PRIMARY KEY, a int, b int);\n" + "".join(
        f"CREATE INDEX i{n} ON t (a);\n" for n in range(12)
    )
    settings = Settings()
    rules = select_rules(load_rules(), settings)
    data = json.loads(
        model_document([FileInput("t.sql", sql.encode())], settings, rules, fmt="json")
    )
    f = data["findings"]
    assert f["rules"] == len(rules) and f["total"] == sum(f["by_severity"].values())
    assert f["total"] == sum(f["by_rule"].values())
    assert len(f["top"]) == min(10, f["total"])
    assert len({x["rule"] for x in f["top"]}) == min(10, len(f["by_rule"]))
    sev = [x["severity"] for x in f["top"]]
    order = {"error": 0, "warning": 1, "info": 2}
    assert sev == sorted(sev, key=order.__getitem__)


# --- goldens -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_multitenant(fmt: str) -> None:
    text = _document(EXAMPLE, ROOT, fmt)
    _check_golden(f"multitenant.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_corpus_hatchet(fmt: str) -> None:
    folder = CORPUS / "sql" / "schema"
    if not folder.is_dir():
        pytest.skip(f"corpus not found: {folder}")
    text = _document(folder, CORPUS, fmt)
    _check_golden(f"hatchet.{SUFFIX[fmt]}", text)


def test_cli_writes_the_golden_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "pgarch-lint.toml"
    cfg.write_text("select = [" + ", ".join(f'"{r}"' for r in GOLDEN_RULES) + "]\n")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "01_model.md"
    result = CliRunner().invoke(
        main, ["model", "examples/multitenant", "--config", str(cfg), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (GOLDEN / "multitenant.md").read_text(
        encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        [
            "model",
            "examples/multitenant",
            "--config",
            str(cfg),
            "--format",
            "mermaid",
            "--tables",
            "files,assets",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:2] == ["    assets {"]
    assert "    projects" not in result.output
    assert not validate_er_diagram(result.output)


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["model", str(tmp_path / "missing.sql")])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["model", "x.sql", "--format", "png"])
    assert r.exit_code == 2


def test_golden_json_is_consistent() -> None:
    data = json.loads((GOLDEN / "multitenant.json").read_text(encoding="utf-8"))
    assert data["context"]["counts"]["tables"] == len(data["entities"])
    names = {e["name"] for e in data["entities"]}
    for r in data["relationships"]:
        assert r["from"] in names and (r["to"] in names) != r["external"]


# --- rendering ---------------------------------------------------------------------------------


def _diagrams() -> list[tuple[str, str]]:
    out = [
        ("multitenant", _document(EXAMPLE, ROOT, "mermaid")),
        ("awkward", render_mermaid(_model(_AWKWARD))),
    ]
    if (CORPUS / "sql" / "schema").is_dir():
        out.append(("hatchet", _document(CORPUS / "sql" / "schema", CORPUS, "mermaid")))
    return out


@pytest.mark.parametrize("name", ["multitenant", "awkward", "hatchet"])
def test_mermaid_is_structurally_valid(name: str) -> None:
    diagrams = dict(_diagrams())
    if name not in diagrams:
        pytest.skip("corpus not found")
    assert validate_er_diagram(diagrams[name]) == []


@pytest.mark.parametrize("name", ["multitenant", "awkward"])
def test_mermaid_renders_with_mmdc(name: str, tmp_path: Path) -> None:
    _mmdc(tmp_path, dict(_diagrams())[name])


def test_markdown_embeds_a_renderable_diagram(tmp_path: Path) -> None:
    md = (GOLDEN / "multitenant.md").read_text(encoding="utf-8")
    block = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block == (GOLDEN / "multitenant.mmd").read_text(encoding="utf-8")
    assert validate_er_diagram(block) == []


@pytest.mark.parametrize("name", ["multitenant", "awkward"])
def test_dot_renders_with_graphviz(name: str, tmp_path: Path) -> None:
    text = (
        _document(EXAMPLE, ROOT, "dot")
        if name == "multitenant"
        else render(_model(_AWKWARD), "dot")
    )
    _dot(tmp_path, text)


def test_markdown_replaces_a_diagram_too_large_for_mermaid() -> None:
    sql = "".join(
        f"CREATE TABLE t{n} (id bigint PRIMARY KEY, a{n} bigint UNIQUE, b{n} bigint UNIQUE,"
        f" c{n} bigint UNIQUE);\nCOMMENT ON COLUMN t{n}.id IS '{'x' * 60}';\n"
        for n in range(400)
    )
    md = render(_model(sql), "markdown")
    assert "```mermaid" not in md
    assert "more than Mermaid renders (50,000). Limit it with `--schema`" in md
