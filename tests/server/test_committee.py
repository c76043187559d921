"""The network's quarterly report to the committee (ก.ต.ป.น.) over HTTP: the chosen fiscal quarter's
figures only (a visit of the quarter before is not counted), the support requests of the quarter's
reflections, in the official frame as a PDF; reachable from the network page for the reporting roles,
not for a school director of the team nor for a deputy of other networks."""

from __future__ import annotations

import sqlite3

from tests import report_data as rd
from tests.server.reports_client import pdf_text, push

URL = "/reports/network/N01/committee"
QUARTER = "q2568-4"  # July–September 2025


def test_the_committee_report_of_a_quarter(shared_server, login, tmp_path):
    db = sqlite3.connect(shared_server.db_path)
    school = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
    teachers = [
        r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    db.close()
    sup = login("supervisor1")
    for i, day in enumerate(("2025-07-10", "2025-07-10", "2025-08-21", "2025-06-12")):  # the last: quarter 3
        push(sup, "observation", rd.observation(school, teachers[i], day, [4] * 9), "tablet-committee")
    push(sup, "reflection", rd.reflection(school, teachers[0], "2025-07-10", support=2), "tablet-committee")

    secretary = login("secretary1")
    network = secretary.get("/reports/network/N01?period=2568-1")
    assert f'href="{URL}"' in network.text  # from the network's reports

    page = secretary.get(f"{URL}?period={QUARTER}")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "ปีงบประมาณ ๒๕๖๘ ไตรมาสที่ ๔" in text  # the office's digits on the sheet
    figures = text.split("committee-figures")[1].split("</table>")[0]
    observed = figures.split("</tr>")[3]  # the fourth row: classrooms observed
    assert "ชั้นเรียนที่สังเกต" in observed and "<td>๓</td>" in observed  # three of the four are in the quarter
    assert "ก.ต.ป.น." in text and f'<option value="{QUARTER}" selected>' in text

    pdf = secretary.get(f"{URL}?period={QUARTER}&format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    paper = pdf_text(pdf.content, tmp_path)
    for heading in ("ผลการนิเทศ ติดตาม ในไตรมาส", "คุณภาพการจัดการเรียนรู้", "ปัญหาและอุปสรรค",
                    "ความต้องการการสนับสนุนและข้อเสนอแนะ", "แก้วมุกดาหาร", "ลงชื่อ"):  # fmt: skip
        assert heading in paper, heading
    assert "ปีงบประมาณ ๒๕๖๘ ไตรมาสที่ ๔" in paper

    # Without a quarter: the current one; a semester key also falls back to it.
    assert "selected>ปีงบประมาณ" in secretary.get(f"{URL}?period=2568-1").text
    assert login("director").get(f"{URL}?period={QUARTER}").status_code == 200
    assert login("team1").get(f"{URL}?period={QUARTER}").status_code == 403
    assert login("deputy2").get(f"{URL}?period={QUARTER}").status_code == 404
