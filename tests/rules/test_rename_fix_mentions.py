"""A whole-schema rename fix is offered only when no file of the run mentions the old name
(but its declaration) nor the new one: what the run's files say, searched once per run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pgarch_lint.cli import main

DECLARE = "CREATE TABLE t (id bigint PRIMARY KEY, a int);\nCREATE INDEX t_a ON t (a);\n"


def _fix(folder: Path) -> str | None:
    args = ["check", str(folder), "--select", "naming-index", "--format", "json", "--no-cache"]
    r = CliRunner().invoke(main, args)
    (finding,) = json.loads(r.stdout)["findings"]
    return None if finding["fix"] is None else finding["fix"]["title"]


@pytest.mark.parametrize(
    ("later", "offered"),
    [
        ("SELECT 1; -- t_ab and xt_a are other words\n", True),
        ("COMMENT ON INDEX t_a IS 'the old name';\n", False),
        ("SELECT 'T_A';\n", False),  # strings and any letter case count (caution)
        ("-- ix_t__a is taken\n", False),  # the new name
        ('SELECT "ix_t__a" FROM x;\n', False),
        ('SELECT "T_A" FROM x;\n', True),  # a quoted identifier keeps its case: not t_a
    ],
)
def test_a_rename_is_offered_only_for_names_no_other_file_mentions(
    tmp_path: Path, later: str, offered: bool
) -> None:
    (tmp_path / "V1__a.sql").write_text(DECLARE)
    (tmp_path / "V2__b.sql").write_text("SELECT 2;\n")
    (tmp_path / "V3__c.sql").write_text(later)
    assert (_fix(tmp_path) == "Rename to ix_t__a") is offered


def test_its_own_file_may_mention_the_old_name_only_where_it_is_declared(tmp_path: Path) -> None:
    (tmp_path / "V1__a.sql").write_text(DECLARE)
    assert _fix(tmp_path) == "Rename to ix_t__a"
    (tmp_path / "V1__a.sql").write_text(DECLARE + "ALTER INDEX t_a SET (fillfactor = 90);\n")
    assert _fix(tmp_path) is None


def _identifiers_reference(text: str) -> dict[str, int]:
    """The definition: every identifier token of the text (quoted ones as stored, with ``""``
    for a quote; bare ones in lower case), counted."""
    from collections import Counter

    from pgarch_lint.analysis.fixes import _patterns

    out: Counter[str] = Counter()
    for m in _patterns()[1].finditer(text):
        tok = m.group()
        out[tok[1:-1].replace('""', '"') if tok.startswith('"') else tok.lower()] += 1
    return dict(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abAB_1 "é$.-\n;(')), max_size=60))
def test_identifiers_are_counted_as_the_tokens_read_one_by_one(text: str) -> None:
    from pgarch_lint.analysis.fixes import _identifiers

    assert dict(_identifiers(text)) == _identifiers_reference(text)
