"""pgarch_lint/lsp/lint.py: an open document linted as ``check`` lints it in its folder (the
workspace's configuration, the earlier migrations replayed first, the editor's text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgarch_lint.lsp.lint import (
    RULE_DOCS_URL,
    context_files,
    fix_all_safe,
    lint_text,
    prepare,
    rule_explanation,
    rule_url,
)

CREATE = "CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(10));\n"
# varchar(10) -> varchar(20) rewrites nothing, but only a replayed history knows the old type
WIDEN = "ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);\n"


def _rules(path: Path | None, text: str, roots: list[Path]) -> list[str]:
    result = lint_text(prepare(path, roots, "untitled:1"), text)
    return [f.rule for f in result.findings]


def test_earlier_migrations_of_the_folder_are_replayed(tmp_path: Path) -> None:
    (tmp_path / "001_create.sql").write_text(CREATE)
    doc = tmp_path / "002_widen.sql"
    assert "changing-column-type" not in _rules(doc, WIDEN, [tmp_path])
    # the same text in a file that sorts before the CREATE: no history, the old type unknown
    early = tmp_path / "000_widen.sql"
    assert "changing-column-type" in _rules(early, WIDEN, [tmp_path])
    assert context_files(early, prepare(early, [tmp_path], "").settings) == []


def test_the_folder_is_read_in_natural_order_without_down_migrations(tmp_path: Path) -> None:
    for name in ("V1__a.sql", "V2__b.sql", "V10__c.sql", "V2__b.down.sql", "notes.txt"):
        (tmp_path / name).write_text("SELECT 1;\n")
    doc = tmp_path / "V11__d.sql"
    setup = prepare(doc, [tmp_path], "")
    assert [Path(f.path).name for f in setup.context] == ["V1__a.sql", "V2__b.sql", "V10__c.sql"]
    assert all(f.context for f in setup.context)


def test_one_folder_per_migration_replays_the_sibling_folders(tmp_path: Path) -> None:
    """Prisma: migrations/<stamp>_<name>/migration.sql (Diesel: up.sql and down.sql)."""
    migrations = tmp_path / "prisma" / "migrations"
    for stamp in ("20240101000000_init", "20240301000000_later"):
        (migrations / stamp).mkdir(parents=True)
    (migrations / "20240101000000_init" / "migration.sql").write_text(CREATE)
    (migrations / "20240301000000_later" / "migration.sql").write_text("SELECT 1;\n")
    doc = migrations / "20240201000000_widen" / "migration.sql"
    doc.parent.mkdir()
    doc.write_text(WIDEN)
    setup = prepare(doc, [tmp_path], "")
    assert [Path(f.path).parent.name for f in setup.context] == ["20240101000000_init"]
    assert "changing-column-type" not in _rules(doc, WIDEN, [tmp_path])


def test_no_climbing_above_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "001_create.sql").write_text(CREATE)
    doc = tmp_path / "sub" / "002_widen.sql"
    doc.parent.mkdir()
    assert prepare(doc, [tmp_path / "sub"], "").context == []  # the workspace is sub/
    assert len(prepare(doc, [tmp_path], "").context) == 1


def test_the_editor_text_is_linted_not_the_file(tmp_path: Path) -> None:
    doc = tmp_path / "001.sql"
    doc.write_text("DROP TABLE orders;\n")
    rules = _rules(doc, "CREATE TABLE t (id bigint PRIMARY KEY, payload json);\n", [tmp_path])
    assert "prefer-jsonb" in rules and "ban-drop-table" not in rules


def test_the_workspace_configuration_applies(tmp_path: Path) -> None:
    (tmp_path / "pgarch-lint.toml").write_text(
        'ignore = ["prefer-jsonb"]\nexclude = ["generated/"]\n'
        '[per-file-ignores]\n"legacy/*.sql" = ["ban-drop-table"]\n'
    )
    for sub in ("migrations", "generated", "legacy"):
        (tmp_path / sub).mkdir()
    text = "CREATE TABLE t (id bigint PRIMARY KEY, payload json);\nDROP TABLE old;\n"
    # the configuration is found by walking up from the document, whatever the workspace
    rules = _rules(tmp_path / "migrations" / "001.sql", text, [])
    assert "prefer-jsonb" not in rules and "ban-drop-table" in rules
    assert "ban-drop-table" not in _rules(tmp_path / "legacy" / "001.sql", text, [])
    excluded = lint_text(prepare(tmp_path / "generated" / "001.sql", [tmp_path], ""), text)
    assert excluded.excluded and excluded.findings == ()


def test_spans_are_offsets_of_the_editor_text_even_after_a_bom(tmp_path: Path) -> None:
    for text in (
        "\ufeffCREATE TABLE t (id bigint PRIMARY KEY, p json);\n",
        "\ufeff-- \U0001f600\r\nCREATE TABLE t (id bigint PRIMARY KEY, p json);\r\n",
    ):
        result = lint_text(prepare(None, [tmp_path], "untitled:1"), text)
        f = next(f for f in result.findings if f.rule == "prefer-jsonb")
        start, end = result.span(f)
        assert text[start:end] == "json"
        assert f.fix is not None
        (edit,) = f.fix.edits
        s, e = result.edit_span(edit)
        assert text[s:e] == "json" and edit.content == "jsonb"


def test_a_document_that_does_not_parse_gets_syntax_errors(tmp_path: Path) -> None:
    """An unsaved buffer (no path): its workspace's configuration, no history."""
    text = "CREATE TABLE t (id bigint PRIMARY KEY,);\nCREATE INDEX i ON orders (id);\n"
    result = lint_text(prepare(None, [tmp_path], "untitled:1"), text)
    syntax = [f for f in result.findings if f.rule == "syntax-error"]
    assert len(syntax) == 1 and syntax[0].line == 1
    assert "require-concurrent-index-creation" in [f.rule for f in result.findings]


def test_fix_all_safe_applies_the_safe_fixes_in_passes(tmp_path: Path) -> None:
    text = "CREATE TABLE t (id bigint PRIMARY KEY, a json, b json);\r\n"
    setup = prepare(tmp_path / "001.sql", [tmp_path], "")
    fixed = fix_all_safe(setup, text)
    # every safe fix: json -> jsonb, and the primary key named by the naming convention
    assert fixed == "CREATE TABLE t (id bigint CONSTRAINT pk_t PRIMARY KEY, a jsonb, b jsonb);\r\n"
    assert fix_all_safe(setup, fixed) == fixed
    broken = text + "CREATE TABLE (;\n"
    assert fix_all_safe(setup, broken) == broken  # never in a document that does not parse


def test_rule_pages_and_links(monkeypatch: pytest.MonkeyPatch) -> None:
    page = rule_explanation("prefer-jsonb")
    assert page is not None and page.startswith("# prefer-jsonb\n")
    assert rule_explanation("no-such-rule") is None
    assert rule_url("prefer-jsonb") == f"{RULE_DOCS_URL}/prefer-jsonb.md"
    assert rule_url("somepack/some-rule") is None
    monkeypatch.setenv("PGARCH_LINT_DOCS_URL", "https://example.org/docs/rules/")
    assert rule_url("prefer-jsonb") == "https://example.org/docs/rules/prefer-jsonb.md"
