"""XLSX and CSV exports of one network's records for a period (optionally one school): a sheet per
tool (and per repeat: reflection teachers and actions, literacy pupils), and the literacy counts by grade
(per school and for the network); Thai headers, BE dates, labelled choices. Cells that a spreadsheet would run as a formula are prefixed with '."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from forms.model import Field, FormDef
from server import thaidate
from server.cells import safe_cell, safe_row
from server.reports import display
from server.reports import literacy as lit
from server.reports.common import VISIT_DATE, Conn, form
from server.reports.visits import names as names_of

TOOLS = ("observation", "reflection", "policy", "literacy")


def _columns(fields: tuple[Field, ...]) -> list[Field]:
    out: list[Field] = []
    for f in fields:
        if f.kind == "group":
            out.extend(_columns(f.fields))
        elif f.kind not in display.SKIP and f.kind != "repeat":
            out.append(f)
    return out


def _repeats(definition: FormDef) -> list[Field]:
    return [f for f in definition.walk() if f.kind == "repeat"]


def _cell(definition: FormDef, field: Field, value: Any, names: display.Names) -> Any:
    if value is None or value == "" or value == []:
        return ""
    if field.kind == "date":
        return thaidate.format_date(value, "numeric")
    if field.kind in ("integer", "decimal", "rating") and isinstance(value, int | float):
        return value
    return safe_cell(display.value_text(definition, field, value, names))


def tables(
    conn: Conn, network_id: str, first: str, last: str, school: str | None = None
) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    """(sheet title, headers, rows) per tool and per repeat of a tool."""
    names = names_of(conn, network_id)
    for tool in TOOLS:
        definition = form(conn, tool)
        if definition is None:
            continue
        sql = (
            "SELECT r.id, r.answers, u.display_name FROM records r LEFT JOIN users u ON u.id = r.author_id "
            f"WHERE r.network_id = ? AND r.form_id = ? AND {VISIT_DATE} BETWEEN ? AND ?"
        )
        params: list[Any] = [network_id, tool, first, last]
        if school:
            sql += " AND r.school_code = ?"
            params.append(school)
        records = [(rid, json.loads(a), who) for rid, a, who in conn.execute(sql + " ORDER BY 1", params)]
        records.sort(key=lambda r: (r[1].get("visit_date", ""), r[1].get("start_time", ""), r[0]))
        columns = _columns(tuple(f for s in definition.sections for f in s.fields))
        headers = ["รหัสบันทึก", "ผู้บันทึก", *(f.label.th for f in columns)]
        rows = [
            [rid, who or "", *(_cell(definition, f, answers.get(f.name), names) for f in columns)]
            for rid, answers, who in records
        ]
        yield definition.title.th, headers, rows
        for repeat in _repeats(definition):
            inner = _columns(repeat.fields)
            sub_rows = []
            for rid, answers, _who in records:
                for i, item in enumerate(answers.get(repeat.name) or [], start=1):
                    sub_rows.append([rid, i, *(_cell(definition, f, item.get(f.name), names) for f in inner)])
            yield (
                f"{definition.title.th[:15]} – {repeat.label.th}",
                ["รหัสบันทึก", "ลำดับ", *(f.label.th for f in inner)],
                sub_rows,
            )
    yield literacy_counts(conn, network_id, first, last, school, names)


def literacy_counts(
    conn: Conn, network_id: str, first: str, last: str, school: str | None, names: display.Names
) -> tuple[str, list[str], list[list[Any]]]:
    """The sheet of pupils who cannot read, write or calculate, by school and grade, then the network's
    rows (not with one school). Counts are numbers; a percentage is empty under 3 pupils classified."""
    data = lit.literacy(conn, network_id, first, last)
    definition = form(conn, "literacy")
    grades = {c.value: c.label.th for c in definition.choices.get("grade", ())} if definition else {}
    headers = ["โรงเรียน", "ชั้น", "จำนวนนักเรียนที่ตรวจสอบ"]
    for label in data["classification"].values():
        headers += [f"{label.th} (คน)", f"{label.th} (ร้อยละ)"]
    groups = [
        (names("school", code), rows) for code, rows in data["schools"].items() if school in (None, code)
    ]
    if school is None:
        groups.append(("ทั้งเครือข่าย", data["grades"]))
    out = []
    for place, rows in groups:
        for g in rows:
            row: list[Any] = [safe_cell(place), grades.get(g["grade"], g["grade"]), g["classified"]]
            for name in data["classification"]:
                row += [g["counts"][name], g["pct"].get(name, "")]
            out.append(row)
    return "อ่านเขียนคิดคำนวณ ตามชั้น", headers, out


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31]
    base, n = clean, 2
    while clean in used:
        suffix = f" ({n})"
        clean, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(clean)
    return clean


def xlsx(conn: Conn, network_id: str, first: str, last: str, school: str | None = None) -> bytes:
    """Written in openpyxl's streaming (write-only) mode: rows go straight to the file, no cell objects."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, headers, rows in tables(conn, network_id, first, last, school):
        sheet = book.create_sheet(_sheet_title(title, used))
        sheet.freeze_panes = "A2"
        header_cells = [WriteOnlyCell(sheet, safe_cell(h)) for h in headers]
        for cell in header_cells:
            cell.font = bold
        sheet.append(header_cells)
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(
    conn: Conn, network_id: str, first: str, last: str, tool: str, school: str | None = None
) -> bytes | None:
    """One tool's main table as CSV, UTF-8 with a BOM so that Excel reads Thai; None for an unknown tool."""
    definition = form(conn, tool)
    if tool not in TOOLS or definition is None:
        return None
    title = definition.title.th
    for sheet, headers, rows in tables(conn, network_id, first, last, school):
        if sheet == title:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(headers)
            writer.writerows(safe_row(row) for row in rows)
            return text.getvalue().encode("utf-8-sig")
    return None
