"""The travel report's trip days over HTTP: pre-filled from the day's first and last record, corrected by
the network's secretary (all or nothing, a wrong time refused with its reason), kept, and printed in the
PDF; the unit director reads it but does not edit it. The page sends a trip day as one row of repeated
fields (`date`, `departure`, `return`, `purpose`; server/form_bodies.py TripDaysForm)."""

from __future__ import annotations

import sqlite3

from tests import report_data as rd
from tests.server.reports_client import pdf_text, push

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
URL = "/reports/network/N01/travel?period=2568-1"
DAY, DAY2 = "2025-07-15", "2025-07-22"


def _visit_day(shared_server, login) -> str:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(shared_server.db_path)
    school, name = db.execute(
        "SELECT code, name FROM schools WHERE network_id = 'N01' ORDER BY code"
    ).fetchone()
    teachers = [
        r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    db.close()
    sup = login("supervisor1")
    push(
        sup,
        "observation",
        rd.observation(school, teachers[0], DAY, [3] * 9, start="09:10", end="10:00"),
        "tablet-trip",
    )
    push(sup, "observation", rd.observation(school, teachers[1], DAY, [3] * 9, session="afternoon",
                                            start="13:00", end="13:50"), "tablet-trip")  # fmt: skip
    push(sup, "observation", rd.observation(school, teachers[0], DAY2, [3] * 9, start="08:40", end="09:30"),
         "tablet-trip")  # fmt: skip
    return str(name)


def _stored(shared_server) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(shared_server.db_path)
    rows = db.execute("SELECT date, departure, return_time, purpose FROM travel_days ORDER BY 1").fetchall()
    db.close()
    return rows


def _days(*rows: tuple[str, str, str, str]) -> dict[str, list[str]]:
    """The form as the page sends it: each field once per trip day, in the page's order."""
    return {k: [r[i] for r in rows] for i, k in enumerate(("date", "departure", "return", "purpose"))}


def test_trip_days_are_prefilled_corrected_kept_and_printed(shared_server, login, tmp_path):
    school = _visit_day(shared_server, login)
    secretary = login("secretary1")
    page = secretary.get(URL)
    assert page.status_code == 200
    assert f'<input type="hidden" name="date" value="{DAY}">' in page.text
    assert f'id="departure-{DAY}" name="departure" value="09:10"' in page.text
    assert f'id="return-{DAY}" name="return" value="13:50"' in page.text
    assert f'id="departure-{DAY2}" name="departure" value="08:40"' in page.text
    assert f"นิเทศ ติดตามการจัดการเรียนรู้ {school}" in page.text
    assert "(เติมโดยระบบ)" in page.text

    # One wrong day of two: nothing is saved, and what was typed in both stays on the page.
    second = (DAY2, "08:00", "15:00", "นิเทศ ครั้งที่สอง")
    bad = _days((DAY, "16:30", "07:30", "นิเทศ"), second)
    r = secretary.post(URL, data=bad)
    assert r.status_code == 422 and "เวลากลับถึงอยู่ก่อนเวลาออกเดินทาง" in r.text
    assert f'id="departure-{DAY}" name="departure" value="16:30"' in r.text
    assert f'id="departure-{DAY2}" name="departure" value="08:00"' in r.text and "นิเทศ ครั้งที่สอง" in r.text
    r = secretary.post(URL, data=_days((DAY, "7.30", "07:30", "นิเทศ"), second))
    assert r.status_code == 422 and "เวลาต้องเป็นชั่วโมงและนาที เช่น 07:30" in r.text
    # A row without its return (a client that is not the page): refused whole, naming the fields.
    r = secretary.post(URL, data={**bad, "return": ["07:30"]})
    assert r.status_code == 400 and r.json()["code"] == "invalid_request"
    assert "date, departure, return, purpose" in r.text
    assert _stored(shared_server) == []

    purpose = "นิเทศ ติดตามและประชุมสะท้อนผลกับครู"
    good = _days((DAY, "07:30", "16:45", f"{purpose}\x00\x1b"), second)  # a paste's control characters
    assert login("director").post(URL, data=good).status_code == 403
    r = secretary.post(URL, data=good)
    assert r.status_code == 303 and r.headers["location"] == URL
    assert _stored(shared_server) == [(DAY, "07:30", "16:45", purpose), second]  # the one text rule
    page = secretary.get(URL)
    assert 'value="07:30"' in page.text and 'value="16:45"' in page.text and "(เติมโดยระบบ)" not in page.text
    # The paper: the day's row in the office's digits, above the visits.
    assert f"<td>{'07:30'.translate(THAI)} น.</td>" in page.text and purpose in page.text

    pdf = secretary.get(URL + "&format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert "วันเดินทาง" in text and purpose.replace(" ", "") in text.replace(" ", ""), text[:700]  # lines wrap
    assert "๐๗:๓๐" in text and "๑๖:๔๕" in text
    assert "ลงชื่อ" in text  # the signature block is kept
