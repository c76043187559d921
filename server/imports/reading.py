"""An uploaded reference file as a header and rows of text (`server/spreadsheets.py` reads the XLSX or
CSV in bounded memory and time), and text that went through the wrong encoding on its way here."""

from __future__ import annotations

import re

from server.notice import Notice, Refused
from server.spreadsheets import cell_text, read_rows

#: Data rows an import takes (empty rows are not counted).
MAX_ROWS = 20_000


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]], str]:
    """The header and the data rows of the first sheet (XLSX) or of a CSV file, all cells as NFC text,
    without empty rows; and the format or encoding found."""
    rows, encoding = read_rows(filename, data)
    table = []
    for row in rows:
        if any(c is not None and c != "" for c in row):
            table.append([cell_text(c) for c in row])
            if len(table) > MAX_ROWS + 1:
                raise Refused("import_invalid", Notice("The file has more than %(n)s rows", {"n": MAX_ROWS}))
    if not table:
        raise Refused("import_invalid", Notice("The file is empty"))
    return table[0], table[1:], encoding


MOJIBAKE_LATIN = re.compile(r"à[¸¹º]|Ã[\x80-\xbf]|â€")
MOJIBAKE_THAI = re.compile(r"เ[ธน]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def looks_garbled(text: str) -> bool:
    """Text that went through the wrong encoding: UTF-8 read as Latin-1 or as Windows-874, or lost bytes."""
    if "\ufffd" in text or CONTROL.search(text) or MOJIBAKE_LATIN.search(text):
        return True
    thai = sum(1 for ch in text if "\u0e00" <= ch <= "\u0e7f")
    pairs = len(MOJIBAKE_THAI.findall(text))
    return pairs >= 3 and pairs * 2 >= thai * 0.6
