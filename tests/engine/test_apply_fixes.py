"""Applying fix edits to text (pgarch_lint/fixes.py): order, overlaps, encodings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pgarch_lint.findings import FindingFix, Position, TextEdit
from pgarch_lint.fixes import apply_fixes, decode_for_fix, encode_fixed


def edit(start: int, end: int, content: str) -> TextEdit:
    return TextEdit(Position(1, start + 1, start), Position(1, end + 1, end), content)


def fix(*edits: TextEdit) -> FindingFix:
    return FindingFix("t", "safe", edits)


def test_edits_apply_from_the_end_so_offsets_stay_valid() -> None:
    text = "CREATE TABLE t (a json, b json);"
    out, n = apply_fixes(text, [fix(edit(18, 22, "jsonb")), fix(edit(26, 30, "jsonb"))])
    assert (out, n) == ("CREATE TABLE t (a jsonb, b jsonb);", 2)


def test_a_fix_touching_an_earlier_one_waits_for_the_next_pass() -> None:
    text = "abcdef"
    first = fix(edit(1, 3, "X"))
    overlapping = fix(edit(2, 4, "Y"))
    insertion_at_edge = fix(edit(3, 3, "Z"))
    out, n = apply_fixes(text, [overlapping, insertion_at_edge, first])
    assert (out, n) == ("aXdef", 1)


def test_a_fix_applies_all_its_edits_or_none() -> None:
    text = "0123456789"
    a = fix(edit(0, 1, "A"))
    b = fix(edit(5, 6, "B"), edit(1, 1, "!"))  # its second edit touches a's
    out, n = apply_fixes(text, [a, b])
    assert (out, n) == ("A123456789", 1)


def test_bom_and_encoding() -> None:
    assert decode_for_fix(b"\xef\xbb\xbfselect 1;") == ("select 1;", True)
    assert decode_for_fix(b"select 1;") == ("select 1;", False)
    assert decode_for_fix(b"select '\xff';") is None  # not UTF-8: never rewritten
    assert encode_fixed("é", True) == b"\xef\xbb\xbf\xc3\xa9"


@st.composite
def disjoint_fixes(draw: st.DrawFn) -> tuple[str, list[FindingFix]]:
    text = draw(st.text(alphabet="ab \n", min_size=1, max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    fixes = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        fixes.append(fix(edit(a, b, draw(st.text(alphabet="XY", max_size=3)))))
    return text, draw(st.permutations(fixes))


@given(disjoint_fixes())
def test_applying_disjoint_fixes_equals_applying_them_one_by_one(
    case: tuple[str, list[FindingFix]],
) -> None:
    text, fixes = case
    out, n = apply_fixes(text, fixes)
    # the same edits applied right to left, one at a time
    expected = text
    for f in sorted(fixes, key=lambda f: f.edits[0].start.offset, reverse=True):
        e = f.edits[0]
        expected = expected[: e.start.offset] + e.content + expected[e.end.offset :]
    touching = any(
        a.edits[0].end.offset >= b.edits[0].start.offset
        for a, b in zip(
            sorted(fixes, key=lambda f: f.edits[0].start.offset),
            sorted(fixes, key=lambda f: f.edits[0].start.offset)[1:],
            strict=False,
        )
    )
    if not touching:
        assert (out, n) == (expected, len(fixes))
    else:
        assert n < len(fixes)
