"""Cells for spreadsheets (CSV, XLSX): text a spreadsheet would run as a formula is written as text.

A cell starting with = + - @ (or a tab / carriage return, which some programs strip before looking) is a
formula to Excel, LibreOffice and Google Sheets: an answer typed on a tablet must never become one
(OWASP "CSV injection"). Such text gets a leading apostrophe; numbers stay numbers. Every export uses this.

A cell also holds only what a spreadsheet can: control characters are dropped (`forms/text.py`, the rule
for all text; a record stored before that rule may still carry them) and text past Excel's 32,767
characters is cut with an ellipsis, so one odd answer never fails a whole export.
"""

from __future__ import annotations

from typing import Any

from forms.text import clean_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: The most characters an Excel cell holds.
CELL_MAX = 32_767


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value if len(value) <= CELL_MAX else value[: CELL_MAX - 1] + "…"


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def unread_cell(text: str) -> str:
    """The inverse, for a file of ours read back in: drop the apostrophe `safe_cell` added."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
