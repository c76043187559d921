"""XLSX and CSV exports of one network's records for a period (optionally one school), ready for analysis:
a sheet per tool and per repeat of a tool (reflection teachers and actions, literacy pupils with their
derived scores), the pupils who cannot read, write or calculate by grade, Thai headers, the columns of
server/reports/columns.py, and a codebook sheet. `server/spreadsheets.py` writes them: XLSX in streaming
mode, dates as date cells shown in the Buddhist Era; CSV in UTF-8 with a BOM, dates ISO; text that a
spreadsheet would run as a formula prefixed with '."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from server import spreadsheets
from server.reports import columns as cols
from server.reports import literacy as lit
from server.reports.common import Conn, form
from server.reports.visits import names as names_of
from sync.stored import VISIT_DATE, unpack

TOOLS = ("observation", "reflection", "policy", "literacy")
RECORD_HEADERS = (("รหัสบันทึก", "record_id"), ("ผู้บันทึก", "author"))
ITEM_HEADERS = (("รหัสบันทึก", "record_id"), ("ลำดับ", "item"))
CODEBOOK = "สมุดรหัส"


@dataclass
class Table:
    key: str  # "observation", "literacy.pupils": the CSV's `tool`
    title: str  # the sheet's title
    columns: list[cols.Column]
    rows: list[list[Any]]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _fixed(pairs: tuple[tuple[str, str], ...]) -> list[cols.Column]:
    return [cols.Column(h, n, "text", h, "", lambda a: None) for h, n in pairs]


def _records(conn: Conn, network_id: str, tool: str, first: str, last: str, school: str | None) -> list[Any]:
    sql = (
        "SELECT r.id, r.answers, r.texts, u.display_name FROM records r LEFT JOIN users u ON u.id = r.author_id "
        f"WHERE r.network_id = ? AND r.form_id = ? AND {VISIT_DATE} BETWEEN ? AND ?"
    )
    params: list[Any] = [network_id, tool, first, last]
    if school:
        sql += " AND r.school_code = ?"
        params.append(school)
    records = [(rid, unpack(a, t), who) for rid, a, t, who in conn.execute(sql + " ORDER BY 1", params)]
    records.sort(key=lambda r: (r[1].get("visit_date", ""), r[1].get("start_time", ""), r[0]))
    return records


def tables(conn: Conn, network_id: str, first: str, last: str, school: str | None = None) -> Iterator[Table]:
    """One table per tool and per repeat of a tool."""
    names = names_of(conn, network_id)
    for tool in TOOLS:
        definition = form(conn, tool)
        if definition is None:
            continue
        records = _records(conn, network_id, tool, first, last, school)
        main = cols.main_columns(definition, names)
        yield Table(
            tool,
            definition.title.th,
            [*_fixed(RECORD_HEADERS), *main],
            [[rid, who or "", *(c.get(answers) for c in main)] for rid, answers, who in records],
        )
        context = [c for c in main if c.name in ("school", "visit_date", "session")]
        for repeat in (f for f in definition.walk() if f.kind == "repeat"):
            inner = cols.repeat_columns(definition, repeat, names)
            rows = [
                [rid, i, *(c.get(answers) for c in context), *(c.get({**item, cols.RECORD: answers}) for c in inner)]
                for rid, answers, _who in records
                for i, item in enumerate((x for x in answers.get(repeat.name) or [] if isinstance(x, dict)), 1)
            ]  # fmt: skip
            title = f"{definition.title.th[:15]} – {repeat.label.th}"
            yield Table(f"{tool}.{repeat.name}", title, [*_fixed(ITEM_HEADERS), *context, *inner], rows)
    yield literacy_counts(conn, network_id, first, last, school, names)


def literacy_counts(
    conn: Conn, network_id: str, first: str, last: str, school: str | None, names: Any
) -> Table:
    """Pupils who cannot read, write or calculate, by school and grade, then the network's rows (not with
    one school). Counts are numbers; a percentage is empty under 3 pupils classified."""
    data = lit.literacy(conn, network_id, first, last)
    definition = form(conn, "literacy")
    grades = {c.value: c.label.th for c in definition.choices.get("grade", ())} if definition else {}
    headers = [("โรงเรียน", "school"), ("ชั้น", "grade"), ("จำนวนนักเรียนที่ตรวจสอบ", "classified")]
    for name, label in data["classification"].items():
        headers += [(f"{label.th} (คน)", f"{name}_count"), (f"{label.th} (ร้อยละ)", f"{name}_pct")]
    groups = [
        (names("school", code), rows) for code, rows in data["schools"].items() if school in (None, code)
    ]
    if school is None:
        groups.append(("ทั้งเครือข่าย", data["grades"]))
    out = []
    for place, rows in groups:
        for g in rows:
            row: list[Any] = [place, grades.get(g["grade"], g["grade"]), g["classified"]]
            for name in data["classification"]:
                row += [g["counts"][name], g["pct"].get(name)]
            out.append(row)
    return Table("literacy.counts", "อ่านเขียนคิดคำนวณ ตามชั้น", _fixed(tuple(headers)), out)


def codebook(all_tables: list[Table]) -> Table:
    """Every column of every sheet: its header, variable name, question, type and coded answers."""
    headers = ("แผ่นงาน", "คอลัมน์", "ชื่อตัวแปร", "คำถาม", "ชนิด", "ค่าที่เป็นรหัส")
    rows = [[t.title, c.header, c.name, c.question, c.kind, c.choices] for t in all_tables for c in t.columns]
    return Table("codebook", CODEBOOK, _fixed(tuple((h, h) for h in headers)), rows)


def _sheet(table: Table) -> spreadsheets.Sheet:
    dates = frozenset(i for i, c in enumerate(table.columns) if c.kind == "date")
    return spreadsheets.Sheet(table.title, table.headers, table.rows, dates)


def xlsx(conn: Conn, network_id: str, first: str, last: str, school: str | None = None) -> bytes:
    found = list(tables(conn, network_id, first, last, school))
    return spreadsheets.xlsx_bytes(_sheet(t) for t in [*found, codebook(found)])


def csv_bytes(
    conn: Conn, network_id: str, first: str, last: str, tool: str, school: str | None = None
) -> bytes | None:
    """One table as CSV (`tool`: a tool, `literacy.pupils` for a repeat, or `codebook`); None for an
    unknown table."""
    found = list(tables(conn, network_id, first, last, school))
    table = next((t for t in [*found, codebook(found)] if t.key == tool), None)
    return None if table is None else spreadsheets.csv_bytes(table.headers, table.rows)
