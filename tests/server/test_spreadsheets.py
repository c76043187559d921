"""Exports never carry a formula: text starting = + - @ is written as text, and reads back unchanged."""

from __future__ import annotations

import csv
import io

import openpyxl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forms.text import clean_text
from server.spreadsheets import FORMULA_START, Sheet, cell_text, csv_bytes, safe_cell, unread_cell, xlsx_bytes

DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_formula_text_becomes_plain_text_and_reads_back() -> None:
    for text in DANGEROUS:
        assert safe_cell(text).startswith("'")
        assert unread_cell(safe_cell(text)) == clean_text(text)  # a carriage return is a newline
    for harmless in ["โรงเรียนบ้านนา", "49010001", "", "it's fine", "'quoted"]:
        assert safe_cell(harmless) == harmless
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) is None


def test_a_cell_holds_only_what_a_spreadsheet_can() -> None:
    assert safe_cell("ก\x00ข\x0b\x1b") == "กข"
    long = safe_cell("ก" * 40_000)
    assert len(long) == 32_767 and long.endswith("…")


def test_csv_and_xlsx_exports_hold_no_formulas() -> None:
    rows = [[text, "โรงเรียน"] for text in DANGEROUS]
    read = list(csv.reader(io.StringIO(csv_bytes(["ชื่อ", "=x"], rows).decode("utf-8-sig"))))
    assert read[0] == ["ชื่อ", "'=x"]
    assert all(row[0].startswith("'") for row in read[1:])

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Sheet("schools", ["ชื่อ", "=x"], rows)])))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula cell at all
    # The importer reads the text back as typed (XLSX turns a lone \r into \n; that one is left out).
    assert [cell_text(c.value) for c in cells[2::2]][:5] == DANGEROUS[:5]


#: Any character, and more often the ones that start a formula or that a spreadsheet cannot hold.
CHARACTERS = st.one_of(st.characters(), st.sampled_from("=+-@'\t\r\n \x00\x1b\x7fก"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(CHARACTERS, max_size=40), min_size=1, max_size=4))
@example(["\ufffe=1", "a\uffffb", "\ud800"])  # not in XML, so in no XLSX (Hypothesis draws none of them)
def test_any_text_is_written_as_text_that_reads_back(texts: list[str]) -> None:
    """Whatever a record holds, both writers give a file that opens, with no formula in it, and the
    importer reads each cell back as the guard wrote it."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Sheet("s", ["h"] * len(texts), [texts])])))
    cells = next(book.active.iter_rows(min_row=2))
    assert all(c.data_type != "f" for c in cells)
    assert [cell_text(c.value) for c in cells] == [cell_text(safe_cell(t)) for t in texts]
    assert [c.value or "" for c in cells] == [safe_cell(t) for t in texts]

    read = list(csv.reader(io.StringIO(csv_bytes(["h"] * len(texts), [texts]).decode("utf-8-sig"))))
    assert read[1] == [safe_cell(t) for t in texts]
    assert not any(cell.startswith(FORMULA_START) for cell in read[1])
