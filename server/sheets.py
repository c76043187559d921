"""Rows of an uploaded spreadsheet (the first sheet of an XLSX, or a CSV text) in bounded memory and time.

A file can claim anything: an XLSX `<dimension>` of A1:XFD1048576 in 1.5 KB, a zip that unpacks to
gigabytes, a CSV line of a million commas. Nothing here trusts a claim: the zip's unpacked size is
checked before it is opened, the sheet is streamed with its dimension ignored, only the first
`MAX_COLUMNS` columns are read, reading stops after `MAX_ROWS` rows, and every few hundred rows the time
limit of the worker running it is checked (`server.bounded`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import openpyxl

from server.bounded import check_time
from server.notice import Notice, Refused

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
