"""Cells for spreadsheets (CSV, XLSX): text a spreadsheet would run as a formula is written as text.

A cell starting with = + - @ (or a tab / carriage return, which some programs strip before looking) is a
formula to Excel, LibreOffice and Google Sheets: an answer typed on a tablet must never become one
(OWASP "CSV injection"). Such text gets a leading apostrophe; numbers stay numbers. Every export uses this.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def unread_cell(text: str) -> str:
    """The inverse, for a file of ours read back in: drop the apostrophe `safe_cell` added."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
