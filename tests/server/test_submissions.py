"""The chain up the office over HTTP on a live server: the N01 secretary sends the semester report with
its cover memo → the unit director returns it with a comment → the secretary sends it again → the unit
director acknowledges it → the deputy responsible for N01 sees it (and the other deputy does not) and
prints the area report. The figures sent stay as they were when a record changes later; every step is
in the audit trail; the qualitative summary is in the PDF with whole Thai phrases."""

from __future__ import annotations

import re
import sqlite3
import uuid
from typing import Any

from tests import report_data as rd
from tests.factories import batch, record
from tests.server.reports_client import pdf_text, push

PERIOD = "2568-1"
MEMO = {
    "agency": "เครือข่ายส่งเสริมประสิทธิภาพการจัดการศึกษาแก้วมุกดาหาร",
    "number": "ศธ ๐๔๐๗๘/๑๒",
    "date": "2025-11-05",
    "subject": "รายงานผลการนิเทศ ติดตาม ภาคเรียนที่ 1/2568",
    "to": "ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
    "body": "จึงเรียนมาเพื่อโปรดทราบ",
    "signer": "นางกาญจนา สมมุติ",
    "position": "เลขานุการเครือข่าย",
}


def _school(shared_server: Any) -> tuple[str, list[str]]:
    db = sqlite3.connect(shared_server.db_path)
    school = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
    teachers = [
        r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    db.close()
    return school, teachers


def _id(response: Any) -> int:
    match = re.search(r"/submissions/(\d+)$", str(response.url))
    assert match, response.url
    return int(match.group(1))


def _observe(shared_server: Any, login: Any, day: str, count: int) -> tuple[Any, str, list[str]]:
    """`count` classrooms of N01's first school observed by supervisor1 on `day`."""
    school, teachers = _school(shared_server)
    sup = login("supervisor1")
    for i in range(count):
        push(sup, "observation", rd.observation(school, teachers[i], day, [4] * 9, develop=rd.DEVELOP_TEXTS[1]),
             f"tablet-{day}")  # fmt: skip
    return sup, school, teachers


def test_the_network_report_goes_up_the_chain(shared_server, login, tmp_path):
    sup, school, teachers = _observe(shared_server, login, "2025-06-10", 3)
    push(sup, "reflection", rd.reflection(school, teachers[0], "2025-06-10"), "tablet-chain")

    secretary, director, deputy1 = login("secretary1"), login("director"), login("deputy1")
    form = secretary.get(f"/submissions/network/N01/new?period={PERIOD}")
    assert form.status_code == 200 and "รายงานผลการนิเทศ" in form.text
    bad = secretary.post(f"/submissions/network/N01?period={PERIOD}", data={**MEMO, "subject": " "})
    assert bad.status_code == 422  # a memo without its subject is refused, nothing is sent

    sent = secretary.post(f"/submissions/network/N01?period={PERIOD}", data=MEMO, follow_redirects=True)
    assert sent.status_code == 200
    sid = _id(sent)
    again = secretary.post(f"/submissions/network/N01?period={PERIOD}", data=MEMO)
    assert again.status_code == 409  # waiting for the unit director: not sent twice

    inbox = director.get("/submissions")
    assert re.search(r'id="count-to-decide">1<', inbox.text)
    assert (
        login("deputy1").post(f"/submissions/{sid}/decide", data={"action": "acknowledge"}).status_code == 403
    )
    no_comment = director.post(f"/submissions/{sid}/decide", data={"action": "return", "comment": ""})
    assert no_comment.status_code == 409
    director.post(
        f"/submissions/{sid}/decide", data={"action": "return", "comment": "โปรดเพิ่มข้อมูลโรงเรียนที่ยังไม่ได้นิเทศ"}
    )
    page = secretary.get(f"/submissions/{sid}")
    assert "ส่งกลับแก้ไข" in page.text and "โปรดเพิ่มข้อมูลโรงเรียนที่ยังไม่ได้นิเทศ" in page.text
    assert re.search(r'id="count-returned">1<', secretary.get("/submissions").text)

    # Before the correction, a fourth classroom is observed: version 2 carries it, version 1 does not.
    fourth = rd.observation(school, teachers[3], "2025-06-11", [3] * 9)
    _send(sup, fourth, rid=FOURTH, rev="r-1-fourth")
    resent = secretary.post(f"/submissions/network/N01?period={PERIOD}", data=MEMO, follow_redirects=True)
    assert _id(resent) == sid
    director.post(f"/submissions/{sid}/decide", data={"action": "acknowledge", "comment": ""})

    # The deputy responsible for N01 sees it; the deputy of N11–N19 does not.
    assert re.search(r'id="count-forwarded">1<', deputy1.get("/submissions").text)
    assert login("deputy2").get(f"/submissions/{sid}").status_code == 404
    seen = deputy1.get(f"/submissions/{sid}")
    trail = re.findall(r"<li><strong>([^<]+)</strong> · ([^·]+) ·", seen.text)
    actions = [a for a, _ in trail]
    assert actions == ["ส่งแล้ว", "ผู้อำนวยการกลุ่มนิเทศฯ รับแล้ว", "ส่งกลับแก้ไข", "ส่งอีกครั้งหลังแก้ไข",
                       "ผู้อำนวยการกลุ่มนิเทศฯ รับแล้ว", "ทราบ", "เสนอรองผู้อำนวยการ สพป."]  # fmt: skip
    assert deputy1.post(f"/submissions/{sid}/note", data={"comment": "ทราบ ติดตามต่อ"}).status_code in (
        200,
        303,
    )
    area = deputy1.get(f"/reports/area/print?period={PERIOD}&format=pdf")
    assert area.status_code == 200 and area.headers["content-type"] == "application/pdf"
    area_text = pdf_text(area.content, tmp_path)
    assert "แก้วมุกดาหาร" in area_text
    assert "ห้วยน้ำใหญ่" not in area_text  # N03 is deputy2's

    # A record is edited after sending (its visit moves to semester 2): the version sent keeps its
    # figures, the page shows the difference to today's.
    _send(sup, {**fourth, "visit_date": "2025-11-20"}, rid=FOURTH, rev="r-2-fourth", base_rev="r-1-fourth")
    detail = deputy1.get(f"/submissions/{sid}")
    assert "coverage.observations" in detail.text
    v1 = deputy1.get(f"/submissions/{sid}/print?version=1").text
    v2 = deputy1.get(f"/submissions/{sid}/print?version=2").text
    assert _observed(v1) == 3 and _observed(v2) == 4
    today = secretary.get(f"/reports/network/N01/print?period={PERIOD}").text
    assert _observed(today) == 3

    pdf = deputy1.get(f"/submissions/{sid}/print?version=2&format=pdf")
    text = pdf_text(pdf.content, tmp_path)
    thai = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")  # a paper: the office's digit style, Thai by default
    assert "บันทึกข้อความ" in text and MEMO["subject"].translate(thai) in text
    assert "ข้อมูลป้อนกลับ" in text  # a whole phrase of the qualitative summary


FOURTH = str(uuid.uuid4())


def _send(client: Any, answers: dict[str, Any], **ids: Any) -> None:
    rd.assert_valid("observation", answers)
    r = client.post("/api/sync/push", json=batch(record(answers, **ids), device_id="tablet-chain"))
    assert r.json()["receipts"][0]["status"] == "stored", r.text


def _observed(html: str) -> int:
    match = re.search(r"<dt>[^<]*ชั้นเรียนที่สังเกต[^<]*</dt><dd>(\d+)</dd>", html)
    assert match, html[:3000]
    return int(match.group(1))


def test_the_network_pdf_has_the_qualitative_summary(shared_server, login, tmp_path):
    _observe(shared_server, login, "2025-07-10", 2)
    r = login("secretary1").get(f"/reports/network/N01/print?period={PERIOD}&format=pdf")
    text = pdf_text(r.content, tmp_path)
    assert "ผลการนิเทศเชิงคุณภาพ" in text
    assert "ข้อมูลป้อนกลับ" in text
