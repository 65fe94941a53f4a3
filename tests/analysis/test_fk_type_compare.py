"""fk-type-mismatch's grading of a referencing type against a referenced one (the fixtures
run the rule end to end; these are the comparisons on their own)."""

from __future__ import annotations

import pytest

from pgarch_lint.analysis.types import (
    ALIKE,
    NARROWER,
    OTHER,
    SAME,
    WIDER,
    compare_types,
)


@pytest.mark.parametrize(
    ("child", "parent", "how"),
    [
        ("bigint", "bigint", SAME),
        ("bigint", "integer", WIDER),
        ("smallint", "bigint", NARROWER),
        ("text", "varchar(3)", WIDER),
        ("varchar(3)", "varchar", NARROWER),
        ("varchar", "text", ALIKE),
        ("numeric(10,2)", "numeric(10,2)", SAME),
        ("numeric(10)", "numeric(10,0)", ALIKE),
        ("numeric(11,3)", "numeric(10,2)", WIDER),
        ("numeric(13,3)", "numeric(10,0)", WIDER),
        ("numeric(12,3)", "numeric(10,0)", NARROWER),  # 9 integer digits, not 10
        ("numeric(11,3)", "numeric(10,1)", NARROWER),  # 8 integer digits, not 9
        ("numeric", "numeric(4,2)", WIDER),
        ("numeric(4,2)", "numeric", NARROWER),
        ("timestamptz(6)", "timestamptz", ALIKE),
        ("timestamptz(0)", "timestamptz(3)", NARROWER),
        ("time", "timetz", OTHER),
        ("integer[]", "bigint[]", NARROWER),
        ("bigint[][]", "bigint[]", OTHER),
        ("integer", "numeric", OTHER),
        ("public.status", "status", SAME),  # an unresolved type written once qualified
        ("citext", "text", OTHER),
    ],
)
def test_compare_types(child: str, parent: str, how: str) -> None:
    assert compare_types(child, parent) == how
