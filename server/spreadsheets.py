"""Spreadsheets in and out, XLSX and CSV, in one place: the formula guard, the readers and the writers.

**Cells.** A cell starting with = + - @ (or a tab / carriage return / newline, which some programs strip
before looking) is a formula to Excel, LibreOffice and Google Sheets: an answer typed on a tablet must never
become one (OWASP "CSV injection"). Such text gets a leading apostrophe; numbers and dates stay what they
are. A cell also holds only what a spreadsheet can: control characters are dropped (`forms/text.py`, the
rule for all text; a record stored before that rule may still carry them) and text past Excel's 32,767
characters is cut with an ellipsis, so one odd answer never fails a whole file; characters no XLSX may hold
(U+FFFE, U+FFFF, lone surrogates) are dropped too. Both writers guard every cell they write (`safe_cell`);
`cell_text` undoes the apostrophe when a file of ours is read back in.

**Reading** an uploaded file (the first sheet of an XLSX, or a CSV in UTF-8 or a Thai code page) trusts no
claim it makes: an XLSX `<dimension>` of A1:XFD1048576 in 1.5 KB, a zip that unpacks to gigabytes, a CSV
line of a million commas. The zip's unpacked size is checked before it is opened, the sheet is streamed
with its dimension ignored, only the first `MAX_COLUMNS` columns are read, reading stops after `MAX_ROWS`
rows, and every few hundred rows the time limit of the worker running it is checked (`server.bounded`).

**Writing**: XLSX in openpyxl's streaming (write-only) mode, rows going straight to the file, a bold frozen
header, dates as date cells shown in the Buddhist Era by their number format; CSV in UTF-8 with a BOM (so
that Excel reads Thai), CRLF line ends, dates ISO.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from forms.text import clean_text
from server.bounded import check_time
from server.notice import Notice, Refused

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# -- cells -------------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: The most characters an Excel cell holds.
CELL_MAX = 32_767
#: Left by the text rule but not allowed in XML (so in no XLSX) nor encodable in UTF-8: lone surrogates and
#: the noncharacters U+FFFE and U+FFFF. One of them would make the whole workbook unreadable.
NOT_IN_A_CELL = re.compile("[\ud800-\udfff\ufffe\uffff]")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet may hold it: text cleaned, cut to `CELL_MAX`, never a formula."""
    if not isinstance(value, str):
        return value
    value = NOT_IN_A_CELL.sub("", clean_text(value))
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value if len(value) <= CELL_MAX else value[: CELL_MAX - 1] + "…"


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def unread_cell(text: str) -> str:
    """The inverse, for a file of ours read back in: drop the apostrophe `safe_cell` added."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A cell read from a file as clean NFC text: a whole number without its `.0`, a date as ISO, the
    apostrophe of our own formula guard dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()[:10]
    return unread_cell(clean_text(str(value)).strip())


# -- reading -----------------------------------------------------------------------------------------------

#: How long reading and checking one uploaded file may take.
READ_SECONDS = 20
#: Columns read from each row (an import has at most a handful; the rest of a wide sheet is ignored).
MAX_COLUMNS = 64
#: Rows read, empty ones included, before the file is refused.
MAX_ROWS = 100_000
#: What the parts of an XLSX may unpack to, together.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: The longest CSV line (a field longer than this is no school, teacher or user).
MAX_LINE_CHARS = 64 * 1024


def read_rows(filename: str, data: bytes) -> tuple[Iterator[tuple[Any, ...]], str]:
    """The rows of the first sheet of an XLSX, or of a CSV file (its delimiter guessed: comma, semicolon
    or tab), read lazily in bounded memory and time; and the format or encoding found."""
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        return xlsx_rows(data), "XLSX"
    text, encoding = decode_csv(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") and "\t" not in sample else ","
    delimiter = "\t" if sample.count("\t") > sample.count(delimiter) else delimiter
    return csv_rows(text, delimiter), encoding


def _unreadable() -> Refused:
    return Refused("import_invalid", Notice("The file is not a readable XLSX workbook"))


def xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as parts:
            unpacked = sum(p.file_size for p in parts.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            mb = MAX_UNPACKED_BYTES // 2**20
            raise Refused("import_invalid", Notice("The workbook unpacks to more than %(n)s MB", {"n": mb}))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _unreadable() from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read_only: never trust <dimension>
        yield from _bounded(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _unreadable() from exc
    finally:
        book.close()


def decode_csv(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without a BOM), else the Thai Windows/TIS-620 code page. Returns text and encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    for codec, label in (("cp874", "Windows-874 (TIS-620)"), ("tis_620", "TIS-620")):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise Refused("import_invalid", Notice("The file is neither UTF-8 nor a Thai (TIS-620) encoding"))


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[Any, ...]]:
    def lines() -> Iterator[str]:
        for line in io.StringIO(text):
            if len(line) > MAX_LINE_CHARS:
                raise Refused(
                    "import_invalid", Notice("A line is longer than %(n)s characters", {"n": MAX_LINE_CHARS})
                )
            yield line

    try:
        yield from _bounded(tuple(row[:MAX_COLUMNS]) for row in csv.reader(lines(), delimiter=delimiter))
    except csv.Error as exc:
        raise Refused(
            "import_invalid", Notice("The CSV file cannot be read: %(why)s", {"why": str(exc)})
        ) from None


def _bounded(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise Refused("import_invalid", Notice("The file has more than %(n)s rows", {"n": MAX_ROWS}))
        if count % 256 == 0:
            check_time()
        yield row


# -- writing -----------------------------------------------------------------------------------------------

#: Excel's Thai Buddhist calendar (LibreOffice reads it too): 10/6/2568 for 2025-06-10.
BE_DATE_FORMAT = "[$-D07041E]d/m/yyyy"


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    #: Indexes of the columns holding dates (shown in the Buddhist Era).
    date_columns: frozenset[int] = field(default_factory=frozenset)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of these sheets, written in openpyxl's streaming (write-only) mode."""
    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for table in sheets:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.freeze_panes = "A2"
        header = [WriteOnlyCell(sheet, safe_cell(h)) for h in table.headers]
        for cell in header:
            cell.font = bold
        sheet.append(header)
        for row in table.rows:
            values: list[Any] = safe_row(row)
            for i in table.date_columns & set(range(len(values))):
                if values[i] is not None:
                    values[i] = WriteOnlyCell(sheet, values[i])
                    values[i].number_format = BE_DATE_FORMAT
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    """A title Excel accepts (no []:*?/\\, at most 31 characters), unique in its workbook."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31]
    base, n = clean, 2
    while clean in used:
        suffix = f" ({n})"
        clean, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(clean)
    return clean


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One table as CSV: UTF-8 with a BOM, CRLF, dates ISO, an empty cell for None."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(safe_row(headers))
    writer.writerows([_csv_value(v) for v in safe_row(row)] for row in rows)
    return text.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else ("" if value is None else value)
