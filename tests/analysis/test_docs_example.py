"""The rule-pack example of docs/writing-rules.md ("The analysis layer"), run as written: its
code is taken from the page, so the page cannot drift from what works."""

from __future__ import annotations

import re
import types
from pathlib import Path

from analysis_probe import run

from pgarch_lint.api import Rule
from pgarch_lint.config import Settings, Tenancy
from pgarch_lint.testing import expected

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-rules.md"


def _example_rule() -> Rule:
    text = DOC.read_text()
    section = text[text.index("## The analysis layer") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    module = types.ModuleType("acme_rules_example")
    exec(compile(code.group(1), str(DOC), "exec"), module.__dict__)
    rule = module.check
    assert isinstance(rule, Rule)
    return rule


def test_bad_and_good_examples() -> None:
    rule = _example_rule()
    assert [f.rule for f in run(rule.bad, [rule])] == ["tenant-filter-missing"]
    assert run(rule.good, [rule]) == []


def test_on_a_query_file() -> None:
    rule = _example_rule()
    schema = """
    CREATE TABLE orders (id bigint PRIMARY KEY, org_id bigint NOT NULL, note text);
    CREATE TABLE plans (id bigint PRIMARY KEY, org_id bigint NOT NULL);
    ALTER TABLE plans ENABLE ROW LEVEL SECURITY;
    CREATE POLICY p ON plans USING (org_id = current_setting('app.org')::bigint);
    """
    sql = (
        "SELECT note FROM orders WHERE org_id = $1;\n"
        "SELECT note FROM orders WHERE note LIKE 'x%';  -- expect: tenant-filter-missing\n"
        "SELECT id FROM plans;\n"  # the policy fixes org_id
        "UPDATE orders SET note = '' WHERE id = 1;  -- expect: tenant-filter-missing\n"
    )
    settings = Settings(tenancy=Tenancy(tenant_columns=("org_id",)))
    found = run(sql, [rule], context=schema, path="queries.sql", settings=settings)
    assert {(f.line, f.rule) for f in found} == set(expected(sql))
