"""Reports over HTTP on a live server: who sees which network, the PDFs (Thai text, BE dates, a page
that is not blank), XLSX and CSV exports, sync health and a supervisor's own report."""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from server.reports.visits import distance_km
from tests import report_data as rd
from tests.server.reports_client import non_white_share, pdf_text, push

ROOT = Path(__file__).resolve().parents[2]

PERIOD = "2568-1"


#: A ป.2 class of the literacy check (version 2): three pupils cannot read, two cannot write, one cannot
#: calculate; a ป.3 pupil in the class who cannot read.
LITERACY = [("E01", "p2", 0, (0, "0"), 2), ("E02", "p2", 10, (1, "1"), 8), ("E03", "p2", 12, (5, "3"), 9),
            ("E04", "p2", 20, (5, "3"), 10), ("E05", "p3", 3, (5, "2"), 10)]  # fmt: skip


@pytest.fixture(scope="module")
def data(shared_server) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(shared_server.db_path)
    school, name = db.execute(
        "SELECT code, name FROM schools WHERE network_id = 'N01' ORDER BY code"
    ).fetchone()
    teachers = [
        r for r in db.execute("SELECT id, name FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    other = db.execute("SELECT code FROM schools WHERE network_id = 'N03' ORDER BY code").fetchone()[0]
    other_teacher = db.execute("SELECT id FROM teachers WHERE school_code = ?", [other]).fetchone()[0]
    network = db.execute("SELECT name FROM networks WHERE id = 'N01'").fetchone()[0]
    db.close()
    with shared_server.client("supervisor1") as c:
        for i, scores in enumerate(
            ([4, 3, 4, 3, 4, 3, 4, 3, 4], [5, 4, 4, 4, 3, 4, 4, 4, 4], [3, 3, 3, 3, 3, 3, 3, 3, 3])
        ):
            strengths = '=HYPERLINK("http://x")' if i == 2 else rd.STRENGTH_TEXTS[i]
            push(
                c,
                "observation",
                rd.observation(school, teachers[i][0], "2025-06-10", scores, strengths=strengths),
                "tablet-sup1-0001",
                pending=3,
            )
        push(
            c,
            "reflection",
            rd.reflection(school, teachers[0][0], "2025-06-10"),
            "tablet-sup1-0001",
            pending=3,
        )
        push(c, "literacy", rd.literacy(school, "2025-06-10", "p2", [rd.pupil(*p) for p in LITERACY]),
             "tablet-sup1-0001", version=2)  # fmt: skip
    with shared_server.client("supervisor2") as c:
        push(
            c,
            "observation",
            rd.observation(other, other_teacher, "2025-06-10", [5] * 9),
            "tablet-sup2-0001",
            pending=7,
        )
    return {"school": school, "school_name": name, "teachers": teachers, "network": network}


def test_who_sees_which_network(shared_server, login, data):
    secretary = login("secretary1")
    assert secretary.get(f"/reports/network/N01?period={PERIOD}").status_code == 200
    assert secretary.get(f"/reports/network/N03?period={PERIOD}").status_code == 404
    assert secretary.get(f"/reports/network/N03/export.xlsx?period={PERIOD}").status_code == 404
    assert secretary.get("/reports/network/N99").status_code == 404
    team = login("team1")  # a school director of N01 reads the network's summary, nothing more
    assert team.get(f"/reports/network/N01?period={PERIOD}").status_code == 200
    assert team.get(f"/reports/network/N03?period={PERIOD}").status_code == 404
    assert team.get(f"/reports/network/N01/export.xlsx?period={PERIOD}").status_code == 403
    director = login("director")
    assert director.get(f"/reports/network/N03?period={PERIOD}").status_code == 200
    area = director.get(f"/reports/area?period={PERIOD}")
    assert area.status_code == 200 and "ห้วยน้ำใหญ่" in area.text


def test_summary_page_shows_n_and_no_teacher_names(login, data):
    page = login("secretary1").get(f"/reports/network/N01?period={PERIOD}")
    assert data["network"] in page.text
    assert "จำนวน 3" in page.text and not re.search(r"[ (>]n(=|&lt;)[0-9]", page.text)  # จำนวน, not n
    assert "<svg" in page.text and "<title" in page.text
    for _tid, teacher in data["teachers"]:
        assert teacher not in page.text  # no teacher league tables, no names at all
    school_page = login("secretary1").get(f"/reports/network/N01?period={PERIOD}&school={data['school']}")
    assert data["school_name"] in school_page.text
    aar = school_page.text[school_page.text.index('id="aar-school"') :].split("</section>")[0]
    assert "ตั้งใจให้เกิดอะไร" in aar and "เพิ่มการตรวจสอบความเข้าใจ" in aar  # the AAR answers, no names
    assert 'id="aar-schools"' in page.text


def test_network_summary_pdf_has_thai_and_be_dates(login, data, tmp_path):
    r = login("secretary1").get(f"/reports/network/N01/print?period={PERIOD}&format=pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content, tmp_path)
    assert data["network"] in text
    assert "๑๖ พฤษภาคม ๒๕๖๘" in text  # the semester's first day, BE with Thai digits
    assert non_white_share(r.content, tmp_path) > 0.01


def test_notebook_copy_pdf_and_print_view(login, data, tmp_path):
    client = login("secretary1")
    url = f"/reports/network/N01/notebook/{data['school']}/2025-06-10/morning"
    view = client.get(url)
    assert view.status_code == 200
    assert data["teachers"][0][1] in view.text  # the school's own copy names its teachers
    assert "Active Learning" not in view.text  # a question left unanswered is not printed
    r = client.get(url + "?format=pdf")
    text = pdf_text(r.content, tmp_path)
    assert "๑๐ มิถุนายน ๒๕๖๘" in text
    assert rd.STRENGTH_TEXTS[0] in text
    assert data["school_name"] in text
    assert data["network"] in text
    assert non_white_share(r.content, tmp_path) > 0.01
    assert client.get(f"/reports/network/N01/notebook/{data['school']}/2025-06-11/morning").status_code == 404


def test_travel_report(shared_server, login, data, tmp_path):
    client = login("secretary1")
    view = client.get(f"/reports/network/N01/travel?period={PERIOD}")
    shown = re.sub(r"<[^>]+>", "", view.text)  # each part of a name is its own nowrap span
    assert data["school_name"] in shown and "ศน.วิภาวรรณ สาธิต" in shown
    # Purpose from the tools used, times from the records, distance there and back from the coordinates.
    row = view.text[view.text.index(data["school_name"]) - 400 :]
    thai = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")  # a paper: the office's digit style, Thai by default
    for cell in ("สังเกตชั้นเรียน 3", "ประชุมสะท้อนผล 1", "09:00–14:00"):
        assert cell.translate(thai) in row
    db = sqlite3.connect(shared_server.db_path)
    school = db.execute("SELECT latitude, longitude FROM schools WHERE code = ?", [data["school"]]).fetchone()
    office = db.execute("SELECT latitude, longitude FROM office").fetchone()
    db.close()
    assert f"<td>{round(2 * distance_km(office, school), 1)}</td>".translate(thai) in row
    assert "ลงชื่อ" in view.text  # a signature block
    r = client.get(f"/reports/network/N01/travel?period={PERIOD}&format=pdf")
    assert "๒๕๖๘" in pdf_text(r.content, tmp_path) or "2568" in pdf_text(r.content, tmp_path)


def test_xlsx_export_sheets_headers_values(login, data):
    r = login("secretary1").get(f"/reports/network/N01/export.xlsx?period={PERIOD}&school={data['school']}")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    names = book.sheetnames
    assert names[0] == "แบบบันทึกการสังเกตชั้นเรียน"
    assert any(n.startswith("แบบบันทึกการประชุมสะท้อนผล") for n in names)
    sheet = book[names[0]]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["รหัสบันทึก", "ผู้บันทึก", "โรงเรียน", "โรงเรียน (รหัส)", "วันที่สังเกต"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    col = {h: i for i, h in enumerate(headers)}
    assert {r[col["โรงเรียน"]] for r in rows} == {data["school_name"]}
    assert {r[col["วันที่สังเกต (ISO)"]] for r in rows} == {"2025-06-10"}
    assert {r[col["ช่วงเวลา"]] for r in rows} == {"ภาคเช้า"}
    assert {r[col["จุดเด่น"]] for r in rows} >= {'\'=HYPERLINK("http://x")'}
    assert all(isinstance(r[col["บรรยากาศในชั้นเรียนเชิงบวก"]], int) for r in rows)


def test_literacy_counts_by_grade_on_screen_on_paper_and_in_xlsx(login, data, tmp_path):
    """The network page, the school's page, the printed PDF and the XLSX all show how many pupils cannot
    read, write or calculate, by grade (ป.2: 4 pupils checked, 3 / 2 / 1; ป.3: 1 pupil who cannot read)."""
    client = login("secretary1")
    want = {"ป.2": ["4", "3", "2", "1"], "ป.3": ["1", "1", "0", "0"]}
    for url in (f"/reports/network/N01?period={PERIOD}",
                f"/reports/network/N01?period={PERIOD}&school={data['school']}"):  # fmt: skip
        html = client.get(url).text
        table = html[html.index('id="literacy-counts"') :].split("</table>")[0]
        for header in ("อ่านไม่ออก", "เขียนไม่ได้", "คิดคำนวณไม่ได้"):
            assert header in table
        for row in table.split("<tr")[2:]:
            cells = [
                re.sub(r"<[^>]+>", " ", c).split()[0] for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
            grade = row.split('scope="row">')[1].split("<")[0]
            assert cells == want[grade], (url, grade, cells)
        assert "(75.0%)" in table  # 3 of 4 ป.2 pupils cannot read
    text = pdf_text(client.get(f"/reports/network/N01/print?period={PERIOD}&format=pdf").content, tmp_path)
    assert "อ่านไม่ออก" in text and "๓ (๗๕.๐%)" in text  # a paper: Thai digits, the office's default
    book = load_workbook(io.BytesIO(client.get(f"/reports/network/N01/export.xlsx?period={PERIOD}").content))
    sheet = book["อ่านเขียนคิดคำนวณ ตามชั้น"]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["โรงเรียน", "ชั้น", "จำนวนนักเรียนที่ตรวจสอบ", "อ่านไม่ออก (คน)", "อ่านไม่ออก (ร้อยละ)"]
    rows = {(r[0], r[1]): r[2:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[(data["school_name"], "ป.2")] == (4, 3, 75.0, 2, 50.0, 1, 25.0)
    assert rows[("ทั้งเครือข่าย", "ป.3")] == (1, 1, None, 0, None, 0, None)  # a % of 1 pupil is not shown
    assert isinstance(rows[("ทั้งเครือข่าย", "ป.2")][0], int)


def test_csv_export_round_trips_thai_with_a_bom(login, data):
    r = login("secretary1").get(f"/reports/network/N01/export.csv?period={PERIOD}&tool=observation")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][2:5] == ["โรงเรียน", "โรงเรียน (รหัส)", "วันที่สังเกต"]
    assert {row[4] for row in rows[1:]} == {"2025-06-10"}  # ISO dates in CSV
    assert {row[2] for row in rows[1:]} == {data["school_name"]}
    assert any(row[rows[0].index("จุดเด่น")] == rd.STRENGTH_TEXTS[1] for row in rows[1:])
    assert login("secretary1").get("/reports/network/N01/export.csv?tool=nope").status_code == 404


def test_sync_health_shows_own_networks_only(login, data):
    page = login("secretary1").get("/reports/sync")
    assert "ศน.วิภาวรรณ สาธิต" in page.text and "tablet-sup1-" in page.text
    assert "tablet-sup2-" not in page.text
    assert "tablet-sup2-" in login("admin").get("/reports/sync").text


def test_themes_count_segmented_words_and_hide_names(login, data):
    page = login("secretary1").get(f"/reports/network/N01/themes?period={PERIOD}")
    assert page.status_code == 200
    assert "คำถาม" in page.text  # a word PyThaiNLP split out of "ครูใช้คำถามปลายเปิด…"
    found = login("secretary1").get(f"/reports/network/N01/themes?period={PERIOD}&q=กลุ่ม")
    assert "นักเรียนทำงานกลุ่ม" in found.text and "สื่อของจริง" not in found.text


def test_own_daily_duty_log_is_prefilled_and_editable(login, data):
    client = login("supervisor1")
    page = client.get("/reports/mine/weekly?period=2025-06-10")
    assert data["school_name"] in page.text and "สังเกตชั้นเรียน 3 รายการ" in page.text
    # A heading per working day, Monday to Friday, each with a line for duties other than visits.
    days = re.findall(r"(\d+) มิถุนายน 2568\n", page.text)
    assert days[:5] == ["9", "10", "11", "12", "13"]  # the text box (and again its print copy)
    assert page.text.count("งานอื่นตามภารกิจ") == 10
    r = client.post(
        "/reports/mine/weekly?period=2025-06-10", data={"body": "แก้ไขแล้ว ทดสอบ"}, follow_redirects=True
    )
    assert r.status_code == 200 and "แก้ไขแล้ว ทดสอบ" in r.text
    half = client.get("/reports/mine/half?period=fy2568-2")
    assert "๒๐ กันยายน" not in half.text  # BE dates, Arabic digits on screen


def test_the_six_month_report_follows_the_manuals_outline(login, data):
    text = html.unescape(login("supervisor1").get("/reports/mine/half?period=fy2568-2").text)
    body = text[text.index('id="report-text"') :]
    outline = ["๑. ข้อมูลผู้รายงาน", "๒. หน้าที่ความรับผิดชอบที่ได้รับมอบหมาย", "๓. ผลการปฏิบัติราชการ",
               "๓.๑ งานตามมาตรฐานตำแหน่ง", "(๑) งานนิเทศ", "(๒) งานศึกษาค้นคว้าทางวิชาการ", "(๓) งานวิจัย",
               "(๔) งานติดตามตรวจสอบและประเมินผล", "๓.๒ งานตามภารกิจกลุ่มงาน", "๓.๓ งานกลุ่มสาระการเรียนรู้",
               "๓.๔ งานอื่น ๆ", "๔. แนวทางการพัฒนางานในรอบ ๖ เดือนต่อไป"]  # fmt: skip
    positions = [body.index(heading) for heading in outline]
    assert positions == sorted(positions)
    assert "ชื่อ ศน.วิภาวรรณ สาธิต" in body and "แก้วมุกดาหาร" in body  # the reporter and their networks
    assert "สังเกตชั้นเรียน 3 ชั้นเรียน" in body and data["school_name"] in body  # ๓.๑ from their visits


def test_notebook_entry_of_four_classrooms_fits_two_pages_and_shows_no_scores(
    shared_server, login, data, tmp_path
):
    """The manual's morning: four classrooms observed and a reflection meeting, written into the school's
    notebook as a narrative with signature lines — at most two A4 pages, no per-teacher scores."""
    school, teachers = data["school"], data["teachers"]
    date = "2025-06-17"
    with shared_server.client("supervisor1") as c:
        for i in range(4):
            push(c, "observation", rd.observation(school, teachers[i % len(teachers)][0], date, [3, 4, 5, 2, 3, 4, 3, 3, 4],
                 start=f"{8 + i:02d}:30", end=f"{9 + i:02d}:30", strengths=f"{rd.STRENGTH_TEXTS[i % 3]} ห้อง {i + 1}"),
                 "tablet-sup1-0001")  # fmt: skip
        push(
            c,
            "reflection",
            rd.reflection(school, teachers[0][0], date, actions=3, support=2),
            "tablet-sup1-0001",
        )
    r = login("secretary1").get(f"/reports/network/N01/notebook/{school}/{date}/morning?format=pdf")
    assert r.status_code == 200
    path = tmp_path / "notebook.pdf"
    path.write_bytes(r.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= 2, info
    text = pdf_text(r.content, tmp_path)
    assert "ข้อตกลงที่ ๓" in text and "ขอสื่อการอ่านเพิ่มเติม" in text  # actions and support asked, Thai digits
    assert "ผู้อำนวยการโรงเรียน" in text and re.search("หน้า ๑/[๑๒]", text)  # the director signs; pages numbered
    assert "หลักฐานจากการสังเกต" not in text  # no per-teacher scores nor their evidence
    assert "ลงชื่อ" in text


def test_exports_are_ready_for_analysis(shared_server, login, data, tmp_path):
    """Numbers are numbers, dates are date cells shown in BE with an ISO column, evidence beside each
    rating, one 0/1 column per choice, one column per policy item named by its code, pupils' results with
    their derived scores, and a codebook describing every column."""
    school = data["school"]
    with shared_server.client("supervisor1") as c:
        push(c, "policy", rd.policy(school, "2025-06-12", {"p01": "done", "p02": "not_done", "p03": "in_progress", "p04": "done", "p05": "not_applicable", "p06": "done"}),
             "tablet-sup1-0001")  # fmt: skip
        pupils = [rd.pupil("A01", "p2", 20, (3, "2"), 7), rd.pupil("A02", "p2", 0, (0, "0"), 0)]
        pupils += [rd.pupil(f"A0{i}", "p2", 20, (4, "3"), 8) for i in range(3, 6)]
        push(c, "literacy", rd.literacy(school, "2025-06-12", "p2", pupils), "tablet-sup1-0001", version=2)
    r = login("secretary1").get(f"/reports/network/N01/export.xlsx?period={PERIOD}&school={school}")
    book = load_workbook(io.BytesIO(r.content))

    def table(prefix: str, header: str = "") -> tuple[list[str], list[tuple[Any, ...]], Any]:
        sheet = next(
            book[n]
            for n in book.sheetnames
            if n.startswith(prefix) and (not header or header in [c.value for c in book[n][1]])
        )
        return [c.value for c in sheet[1]], list(sheet.iter_rows(min_row=2, values_only=True)), sheet

    headers, rows, sheet = table("แบบบันทึกการสังเกตชั้นเรียน")
    col = {h: i for i, h in enumerate(headers)}
    assert all(isinstance(r[col["คะแนนเฉลี่ยการปฏิบัติ"]], int | float) for r in rows)
    date_cell = sheet.cell(row=2, column=col["วันที่สังเกต"] + 1)
    assert date_cell.is_date and date_cell.value.date().isoformat() == "2025-06-10"
    assert "D07041E" in date_cell.number_format  # shown in the Buddhist Era
    assert {r[col["บรรยากาศในชั้นเรียนเชิงบวก: หลักฐาน"]] for r in rows} >= {"หลักฐานจากการสังเกต"}  # a score of 5
    _codebook_headers, codebook, _ = table("สมุดรหัส")
    by_name = {row[2]: row for row in codebook}
    feedback_choice = by_name["develop_elements:feedback"][1]
    assert {r[col[feedback_choice]] for r in rows} == {1}
    assert by_name["develop_elements:feedback"][4] == "choice (0/1)"

    headers, rows, _ = table("แบบบันทึกการติดตามงานนโยบาย")
    assert headers.count("สถานะ") == 0 and {"P01 สถานะ", "P02 สถานะ", "P03 สถานะ"} <= set(headers)
    assert rows[0][headers.index("P02 สถานะ")] == "ยังไม่ได้ดำเนินการ"
    assert rows[0][headers.index("P01 แหล่งหลักฐาน: เอกสาร")] == 1

    headers, rows, _ = table("แบบวัด", "รหัสนักเรียน")
    rows = [r for r in rows if r[headers.index("รหัสนักเรียน")].startswith("A")]  # this test's record
    assert [r[headers.index("รหัสนักเรียน")] for r in rows] == ["A01", "A02", "A03", "A04", "A05"]
    words = headers.index("อ่านคำถูก (ร้อยละ)")
    assert rows[0][words] == 80 and isinstance(rows[0][words], int | float)  # 20 of the band's 25 words
    assert isinstance(rows[0][headers.index("อ่านเรื่อง: จำนวนคำที่อ่านถูกต่อนาที")], int | float)
    assert rows[1][headers.index("อ่านคำไม่ได้เลย (คะแนนศูนย์)")] == 1

    csv_r = login("secretary1").get(f"/reports/network/N01/export.csv?period={PERIOD}&tool=literacy.pupils")
    assert csv_r.content.startswith(b"\xef\xbb\xbf")
    pupil_rows = list(csv.reader(io.StringIO(csv_r.content.decode("utf-8-sig"))))
    ours = [r for r in pupil_rows[1:] if any(c.startswith("A0") for c in r)]  # this test's pupils
    assert len(ours) == 5 and "2025-06-12" in ours[0]


def test_the_office_frame_heads_every_document_in_one_digit_style(shared_server, login, data, tmp_path):
    """An admin sets the office's name, address, emblem and digit style; every PDF then carries them,
    with every digit in that style (page numbers included). A file that is not an image is refused."""
    admin = login("admin")
    emblem = (ROOT / "pwa" / "static" / "icons" / "icon-192.png").read_bytes()  # any PNG stands in
    token = admin.cookies.get("csrftoken") or ""
    bad = admin.post("/admin/office", data={"name": "x", "digits": "thai"}, files={"emblem": ("e.png", b"GIF89a")},
                     headers={"x-csrftoken": token})  # fmt: skip
    assert bad.status_code == 422 and "PNG" in bad.text
    documents = [
        f"/reports/network/N01/notebook/{data['school']}/2025-06-10/morning?format=pdf",
        f"/reports/network/N01/print?period={PERIOD}&format=pdf",
        f"/reports/network/N01/travel?period={PERIOD}&format=pdf",
    ]
    try:
        for digits, forbidden in (("arabic", "[๐-๙]"), ("thai", "[0-9]")):
            r = admin.post(
                "/admin/office",
                data={"name": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต ๒", "address": "ถนนชยางกูร อำเภอเมือง",
                      "digits": digits},
                files={"emblem": ("emblem.png", emblem, "image/png")},
                headers={"x-csrftoken": token},
            )  # fmt: skip
            assert r.status_code in (200, 303), r.text
            for i, url in enumerate(documents):
                body = login("secretary1").get(url).content
                (tmp_path / f"document-{i}-{digits}.pdf").write_bytes(body)  # kept to look at as PNG
                text = pdf_text(body, tmp_path)
                assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ" in text and "อำเภอเมือง" in text
                assert not re.search(forbidden, text), (
                    url,
                    digits,
                    re.findall(f".{{10}}{forbidden}", text)[:5],
                )
                assert "หน้า " in text
                assert b"/Subtype /Image" in body  # the emblem
    finally:  # back to the default frame for the other tests
        reset = {"name": "", "address": "", "digits": "thai", "remove_emblem": "1"}
        assert admin.post("/admin/office", data=reset, files={"emblem": ("", b"")}).status_code == 303
