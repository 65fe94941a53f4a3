"""Presets: `strict` turns on every default rule plus the opt-in rules marked strict, and
select / ignore / extend-select refine whichever preset is chosen (command line or config)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgarch_lint.cli import main
from pgarch_lint.config import Settings, select_rules
from pgarch_lint.registry import load_rules

RULES = {r.qualified_name: r for r in load_rules()}

# what the strict preset must add on top of the recommended one (binding, see cli.md)
STRICT_EXTRAS = ("prefer-robust-stmts", "unique-allows-multiple-nulls")
# naming and documentation rules that strict relies on (on by default anyway)
STRICT_DEFAULTS = ("missing-comment", "naming-constraint", "naming-index")

SQL = """\
CREATE TABLE invoices (id bigint NOT NULL, total numeric(12,2) NOT NULL,
                       CONSTRAINT pk_invoices PRIMARY KEY (id));
COMMENT ON TABLE invoices IS 'One row per issued invoice.';
"""


def _listed(*args: str) -> set[str]:
    res = CliRunner().invoke(main, ["rules", "--format", "json", *args])
    assert res.exit_code == 0, res.output
    return {r["name"] for r in json.loads(res.output)}


def _check(tmp: Path, *args: str, config: str | None = None) -> list[dict[str, object]]:
    """Run `pgarch-lint check` on SQL in a fresh folder (config found from the cwd)."""
    work = tmp / f"run{len(list(tmp.iterdir()))}"
    work.mkdir()
    (work / "migration.sql").write_text(SQL, encoding="utf-8")
    if config is not None:
        (work / "pgarch-lint.toml").write_text(config, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        res = CliRunner().invoke(
            main, ["check", "migration.sql", "--format", "json", "--fail-on", "never", *args]
        )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    findings = data["findings"] if isinstance(data, dict) else data
    assert isinstance(findings, list)
    return findings


def _rules_found(findings: list[dict[str, object]]) -> set[str]:
    return {str(f["rule"]) for f in findings}


@pytest.mark.parametrize("name", STRICT_EXTRAS + STRICT_DEFAULTS)
def test_strict_preset_lists(name: str) -> None:
    if name not in RULES:
        pytest.skip(f"{name} is not registered yet")
    assert name in _listed("--preset", "strict")


@pytest.mark.parametrize("name", STRICT_EXTRAS)
def test_strict_extras_are_opt_in(name: str) -> None:
    if name not in RULES:
        pytest.skip(f"{name} is not registered yet")
    r = RULES[name]
    assert not r.default and r.strict, f"{name} must be opt-in and marked strict=True"
    assert name not in _listed("--preset", "recommended")


def test_strict_is_a_superset_of_recommended() -> None:
    recommended = _listed("--preset", "recommended")
    strict = _listed("--preset", "strict")
    assert recommended <= strict
    assert strict - recommended == {n for n, r in RULES.items() if not r.default and r.strict}
    assert recommended == {n for n, r in RULES.items() if r.default}


def test_select_ignore_extend_select_refine_a_preset() -> None:
    rules = list(load_rules())

    def names(**kw: object) -> set[str]:
        return {r.qualified_name for r in select_rules(rules, Settings(**kw))}  # type: ignore[arg-type]

    strict = names(preset="strict")
    assert "missing-comment" not in names(preset="strict", ignore=("missing-comment",))
    assert not {n for n in names(preset="strict", ignore=("naming",)) if n.startswith("naming-")}
    assert names(preset="strict", select=("naming",)) == {
        n for n, r in RULES.items() if r.category.value == "naming"
    }
    assert names(preset="strict", ignore=("missing-comment",)) == strict - {"missing-comment"}
    opt_in = sorted(n for n, r in RULES.items() if not r.default and not r.strict)
    if opt_in:
        assert opt_in[0] not in strict
        assert opt_in[0] in names(preset="strict", extend_select=(opt_in[0],))


def test_strict_preset_on_the_command_line_documents_every_kind(tmp_path: Path) -> None:
    # recommended: only tables need a comment, and this one has it
    assert "missing-comment" not in _rules_found(_check(tmp_path, "--select", "missing-comment"))
    # strict: columns and the primary key need one too
    found = _check(tmp_path, "--select", "missing-comment", "--preset", "strict")
    messages = sorted(str(f["message"]) for f in found if f["rule"] == "missing-comment")
    assert any('column "total"' in m for m in messages), messages
    assert any('constraint "pk_invoices"' in m for m in messages), messages


def test_strict_preset_in_config_is_refined_by_ignore(tmp_path: Path) -> None:
    found = _rules_found(_check(tmp_path, config='preset = "strict"\n'))
    assert "missing-comment" in found
    found = _rules_found(
        _check(tmp_path, config='preset = "strict"\nignore = ["missing-comment"]\n')
    )
    assert "missing-comment" not in found
    # the command line adds to the config's ignore list
    found = _rules_found(
        _check(tmp_path, "--ignore", "documentation", config='preset = "strict"\n')
    )
    assert "missing-comment" not in found


def test_objects_option_wins_over_the_strict_preset(tmp_path: Path) -> None:
    config = 'preset = "strict"\n[rules.missing-comment]\nobjects = ["table"]\n'
    found = _check(tmp_path, "--select", "missing-comment", config=config)
    assert not [f for f in found if f["rule"] == "missing-comment"]
