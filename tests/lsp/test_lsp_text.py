"""pgarch_lint/lsp/text.py: character offsets to LSP positions in UTF-16, UTF-8 and UTF-32."""

from __future__ import annotations

import pytest

from pgarch_lint.lsp.text import UTF8, UTF16, UTF32, TextIndex, units

EMOJI = "\U0001f600"  # one character, two UTF-16 units, four UTF-8 bytes


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def test_units_count_code_units_of_each_encoding() -> None:
    s = f"é{EMOJI}x"
    assert units(s, UTF32) == 3
    assert units(s, UTF16) == utf16(s) == 4
    assert units(s, UTF8) == len(s.encode("utf-8")) == 7


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_positions_round_trip_past_characters_outside_the_bmp(encoding: str) -> None:
    text = f"-- {EMOJI}{EMOJI}\r\nSELECT '{EMOJI}', x;\rDROP TABLE t;\n"
    index = TextIndex(text)
    for offset in range(len(text) + 1):
        if text[offset - 1 : offset + 1] == "\r\n":
            continue  # inside a line break: the end of its line (below)
        line, col = index.position(offset, encoding)
        assert index.offset(line, col, encoding) == offset


def test_utf16_columns_of_the_client() -> None:
    text = f"SELECT '{EMOJI}' AS a, b;\n"
    index = TextIndex(text)
    b = text.index("b;")
    assert index.position(b) == (0, utf16(text[:b]))
    assert index.position(b) == (0, b + 1)  # the emoji counts twice
    assert index.position(b, UTF8) == (0, len(text[:b].encode("utf-8")))


def test_lines_end_at_crlf_cr_and_lf_only() -> None:
    text = "a\r\nb\rc\nd\x0ce\u2028f"  # form feed and U+2028 are not line breaks in LSP
    index = TextIndex(text)
    assert index.line_count == 4
    assert index.position(text.index("f")) == (3, 4)
    assert index.position(2) == (0, 1)  # between \r and \n: the end of line 0


def test_offsets_are_clamped_to_the_text() -> None:
    index = TextIndex(f"ab{EMOJI}\ncd")
    assert index.offset(0, 99) == 3  # past the end of the line: its end
    assert index.offset(0, 3) == 2  # inside the emoji's two units: its start
    assert index.offset(7, 0) == len(index.text)  # past the last line: the end
    assert index.position(99) == (1, 2)
