"""Importing schools and teachers: check first, write only on confirm, undo; exports read back."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from server import imports, spreadsheets
from server.imports import apply_tx, parse, parse_grades, stage_tx, undo_tx
from server.notice import Refused
from tests.conftest import persona

SCHOOL_HEADERS_TH = ["รหัสโรงเรียน", "ชื่อโรงเรียน", "เครือข่าย", "อำเภอ", "ระดับชั้น"]


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    text = buffer.getvalue()
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def errors_of(report) -> list[str]:
    return [str(e) for r in report.rows for e in r.errors] + [str(e) for e in report.file_errors]


def import_file(db, actor, kind, filename, data):
    report = parse(db, actor, kind, filename, data)
    assert report.ok, errors_of(report)
    with db.atomic():
        batch = stage_tx(db, actor, report)
    with db.atomic():
        return apply_tx(db, actor, batch)


def test_good_xlsx_with_thai_headers_is_checked_then_applied(demo_db):
    admin = persona(demo_db, "admin")
    before = count(demo_db, "schools")
    data = xlsx(
        [
            SCHOOL_HEADERS_TH,
            [49990001, "โรงเรียนบ้านทดสอบหนึ่ง", "แก้วมุกดาหาร", "ดอนตาล", "อนุบาล, ป.1-ป.6"],
            [49990002, "โรงเรียนบ้านทดสอบสอง", "N02", "", "ป.1–ป.3"],
        ]
    )
    report = parse(demo_db, admin, "schools", "schools.xlsx", data)
    assert report.ok, errors_of(report)
    assert report.encoding == "XLSX"
    assert report.counts["new"] == 2
    assert count(demo_db, "schools") == before  # checking writes nothing

    seq_before = demo_db.execute("SELECT value FROM counters").fetchone()[0]
    with demo_db.atomic():
        batch = stage_tx(demo_db, admin, report)
    with demo_db.atomic():
        apply_tx(demo_db, admin, batch)
    row = demo_db["schools"].get("49990001")
    assert row["network_id"] == "N01"
    assert json.loads(row["grades"]) == ["k", "p1", "p2", "p3", "p4", "p5", "p6"]
    assert row["seq"] > seq_before  # tablets will pull it
    assert json.loads(demo_db["schools"].get("49990002")["grades"]) == ["p1", "p2", "p3"]


def test_good_csv_with_english_headers_and_bom(demo_db):
    admin = persona(demo_db, "admin")
    data = csv_bytes(
        [
            ["teacher_id", "school_code", "name", "grades", "learning_areas"],
            ["T-1", "49010001", "นางสาวทดลอง สอนดี", "ป.1", "ภาษาไทย; math"],
        ],
        bom=True,
    )
    report = parse(demo_db, admin, "teachers", "t.csv", data)
    assert report.ok, errors_of(report)
    assert report.encoding == "UTF-8 (BOM)"
    import_file(demo_db, admin, "teachers", "t.csv", data)
    row = demo_db["teachers"].get("T-1")
    assert json.loads(row["learning_areas"]) == ["thai", "math"]


def test_csv_in_thai_windows_encoding(demo_db):
    admin = persona(demo_db, "admin")
    data = csv_bytes([SCHOOL_HEADERS_TH, ["49990003", "โรงเรียนบ้านหนองแสง", "N01", "คำชะอี", "ป.1"]], "cp874")
    report = parse(demo_db, admin, "schools", "schools.csv", data)
    assert report.ok, errors_of(report)
    assert report.encoding == "Windows-874 (TIS-620)"
    assert report.rows[0].row["name"] == "โรงเรียนบ้านหนองแสง"


def test_text_is_normalized_to_nfc(demo_db):
    admin = persona(demo_db, "admin")
    decomposed = "Cafe\u0301 school"  # e + combining acute
    data = csv_bytes([["code", "name", "network"], ["49990004", decomposed, "N01"]])
    report = parse(demo_db, admin, "schools", "s.csv", data)
    assert report.rows[0].row["name"] == "Café school"


def test_control_characters_pasted_into_a_cell_are_dropped(demo_db):
    admin = persona(demo_db, "admin")
    data = csv_bytes([["code", "name", "network"], ["49990005", "โรงเรียน\x00บ้าน\x1bนา\x0b", "N01"]])
    report = parse(demo_db, admin, "schools", "s.csv", data)
    assert report.ok, errors_of(report)
    assert report.rows[0].row["name"] == "โรงเรียนบ้านนา"


def test_missing_columns_change_nothing(demo_db):
    admin = persona(demo_db, "admin")
    data = csv_bytes([["รหัสโรงเรียน", "อำเภอ"], ["49990005", "ดอนตาล"]])
    report = parse(demo_db, admin, "schools", "s.csv", data)
    assert not report.ok
    assert "ชื่อโรงเรียน" in str(report.file_errors[0]) and "เครือข่าย" in str(report.file_errors[0])
    with pytest.raises(Refused):
        stage_tx(demo_db, admin, report)
    assert count(demo_db, "import_batches") == 0


def test_row_errors_unknown_network_duplicates_bad_grades(demo_db):
    admin = persona(demo_db, "admin")
    before = count(demo_db, "schools")
    data = csv_bytes(
        [
            ["code", "name", "network", "grades"],
            ["49990006", "โรงเรียนหนึ่ง", "เครือข่ายที่ไม่มีจริง", "ป.1"],
            ["49990007", "โรงเรียนสอง", "N01", "ป.9, ม.1"],
            ["49990008", "โรงเรียนสาม", "N01", ""],
            ["49990008", "โรงเรียนสามซ้ำ", "N01", ""],
        ]
    )
    report = parse(demo_db, admin, "schools", "s.csv", data)
    assert not report.ok
    by_line = {r.line: [str(e) for e in r.errors] for r in report.rows}
    assert any("เครือข่ายที่ไม่มีจริง" in e for e in by_line[2])
    assert any("ป.9" in e and "ม.1" in e for e in by_line[3])
    assert by_line[4] == []
    assert any("49990008" in e and "4" in e for e in by_line[5])  # names the first line it appeared on
    assert count(demo_db, "schools") == before


def test_teacher_of_unknown_school_and_garbled_text(demo_db):
    admin = persona(demo_db, "admin")
    garbled = "นางสาวทดลอง".encode().decode("cp874", errors="replace")  # UTF-8 read as Windows-874
    data = csv_bytes(
        [
            ["รหัสครู", "รหัสโรงเรียน", "ชื่อ-สกุล"],
            ["T-2", "00000000", "นายไม่มี โรงเรียน"],
            ["T-3", "49010001", garbled],
        ]
    )
    report = parse(demo_db, admin, "teachers", "t.csv", data)
    errs = {r.line: " ".join(str(e) for e in r.errors) for r in report.rows}
    assert "00000000" in errs[2]
    assert errs[3], "garbled text must be reported"


def test_secretary_is_limited_to_their_networks(demo_db):
    secretary = persona(demo_db, "secretary1")  # N01 only
    data = csv_bytes([["code", "name", "network"], ["49990009", "ก", "N01"], ["49990010", "ข", "N02"]])
    report = parse(demo_db, secretary, "schools", "s.csv", data)
    assert [bool(r.errors) for r in report.rows] == [False, True]
    _headers, rows = imports.export_rows(demo_db, secretary, "schools")
    assert {r[2] for r in rows} == {"N01"}


def test_undo_restores_changed_rows_and_removes_added_ones(demo_db):
    admin = persona(demo_db, "admin")
    old_name = demo_db["schools"].get("49010001")["name"]
    data = csv_bytes([["code", "name", "network"], ["49010001", "ชื่อใหม่", "N01"], ["49990011", "ใหม่", "N01"]])
    report = import_file(demo_db, admin, "schools", "s.csv", data)
    assert report.counts == {"new": 1, "changed": 1, "same": 0, "error": 0}
    assert demo_db["schools"].get("49010001")["name"] == "ชื่อใหม่"
    seq_after_import = demo_db["schools"].get("49010001")["seq"]

    with demo_db.atomic():
        undone = undo_tx(demo_db, admin)
    assert (undone["restored"], undone["removed"]) == (1, 1)
    restored = demo_db["schools"].get("49010001")
    assert restored["name"] == old_name
    assert restored["seq"] > seq_after_import  # the restored row is pulled again
    assert demo_db.execute("SELECT count(*) FROM schools WHERE code = '49990011'").fetchone()[0] == 0
    with pytest.raises(Refused) as nothing:
        undo_tx(demo_db, admin)
    assert nothing.value.code == "nothing_to_undo"


def test_undo_refused_when_rows_changed_since(demo_db):
    admin = persona(demo_db, "admin")
    import_file(
        demo_db, admin, "schools", "a.csv", csv_bytes([["code", "name", "network"], ["49010002", "ก", "N01"]])
    )
    import_file(
        demo_db, admin, "schools", "b.csv", csv_bytes([["code", "name", "network"], ["49990012", "ข", "N01"]])
    )
    with demo_db.atomic():
        undo_tx(demo_db, admin)  # undoes b.csv
    # Someone edits the row a.csv wrote; undoing a.csv now would lose that edit.
    from server.reference import upsert

    with demo_db.atomic():
        upsert(demo_db, "schools", [{"code": "49010002", "name": "แก้ภายหลัง", "network_id": "N01"}], pk="code")
    with pytest.raises(Refused) as refused:
        undo_tx(demo_db, admin)
    assert refused.value.code == "import_undo_blocked"


def test_export_reads_back_unchanged(demo_db):
    admin = persona(demo_db, "admin")
    for kind in ("schools", "teachers"):
        headers, rows = imports.export_rows(demo_db, admin, kind)
        for blob, name in (
            (spreadsheets.csv_bytes(headers, rows), "x.csv"),
            (spreadsheets.xlsx_bytes([spreadsheets.Sheet(kind, headers, rows)]), "x.xlsx"),
        ):
            report = parse(demo_db, admin, kind, name, blob)
            assert report.ok, errors_of(report)[:3]
            assert report.counts["same"] == len(rows) > 0
    assert spreadsheets.csv_bytes(["a"], []).startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("text", "grades", "bad"),
    [
        ("อนุบาล, ป.1-ป.6", ["k", "p1", "p2", "p3", "p4", "p5", "p6"], []),
        ("ป.1 - ป.3", ["p1", "p2", "p3"], []),
        ("p4;p5", ["p4", "p5"], []),
        ("1-2", ["p1", "p2"], []),
        ("ประถมศึกษาปีที่ 6", ["p6"], []),
        ("ป.7", [], ["ป.7"]),
        ("", [], []),
    ],
)
def test_parse_grades(text, grades, bad):
    assert parse_grades(text) == (grades, bad)
