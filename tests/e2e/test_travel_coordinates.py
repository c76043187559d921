"""In real Chromium (Thai locale, touch, portrait and landscape): the secretary corrects a trip day's
departure and return on the travel report's page and sees them on the sheet, then opens the committee's
quarterly report and picks a quarter; the admin sets a school's
coordinates on /admin/coordinates and a swapped pair is refused with its reason. Every control is at
least 44 px high; screenshots go to $NITHET_SHOTS when set (looked at by eye, not compared)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests import report_data as rd
from tests.e2e.tablet import log_in
from tests.e2e.test_chain import VIEWS
from tests.e2e.test_reports import push

pytestmark = pytest.mark.e2e
DAY = "2025-07-15"


def _check(page, name: str, folder: Path) -> None:  # type: ignore[no-untyped-def]
    for label, size in VIEWS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=label == "portrait")
        small = page.evaluate(
            """() => [...document.querySelectorAll('main form button, main form .btn, main form input:not([type=hidden]), section form input:not([type=hidden]), section form button')]
                 .filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))"""
        )
        assert small == [], (label, small)


def _context(browser):  # type: ignore[no-untyped-def]
    return browser.new_context(viewport=VIEWS["portrait"], locale="th-TH", timezone_id="Asia/Bangkok",
                               has_touch=True)  # fmt: skip


def test_trip_days_and_coordinates_in_the_browser(live_server, browser, tmp_path):
    shots = Path(os.environ.get("NITHET_SHOTS", tmp_path))
    db = sqlite3.connect(live_server.db_path)
    school, name = db.execute(
        "SELECT code, name FROM schools WHERE network_id = 'N01' ORDER BY code"
    ).fetchone()
    teacher = db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school]).fetchone()[0]
    db.close()
    push(live_server, "supervisor1", "tablet-sup1-trip",
         ("observation", rd.observation(school, teacher, DAY, [4] * 9, start="09:10", end="10:00")))  # fmt: skip

    secretary = _context(browser).new_page()
    log_in(secretary, live_server.url, "secretary1")
    secretary.goto(f"{live_server.url}/reports/network/N01/travel?period=2568-1")
    assert secretary.input_value(f"#departure-{DAY}") == "09:10"
    _check(secretary, "travel-days", shots)
    secretary.fill(f"#departure-{DAY}", "07:30")
    secretary.fill(f"#return-{DAY}", "16:45")
    secretary.fill(f"#purpose-{DAY}", "นิเทศ ติดตามการจัดการเรียนรู้")
    secretary.get_by_role("button", name="บันทึกวันเดินทาง").click()
    secretary.wait_for_selector("text=๐๗:๓๐ น.")
    sheet = secretary.inner_text(".travel-days")
    assert "๑๖:๔๕ น." in sheet and "นิเทศ ติดตามการจัดการเรียนรู้" in sheet

    # The committee's quarterly report, from the network's reports; another quarter chosen on the page.
    secretary.goto(f"{live_server.url}/reports/network/N01?period=2568-1")
    secretary.get_by_role("link", name="รายงานรายไตรมาสต่อ ก.ต.ป.น.").click()
    secretary.select_option("#quarter", "q2568-4")
    secretary.get_by_role("button", name="แสดง").click()
    secretary.wait_for_url("**/committee?period=q2568-4")
    assert "ปีงบประมาณ ๒๕๖๘ ไตรมาสที่ ๔" in secretary.inner_text(".sheet")
    _check(secretary, "committee", shots)

    admin = _context(browser).new_page()
    log_in(admin, live_server.url, "admin")
    admin.goto(f"{live_server.url}/admin/coordinates")
    admin.get_by_label(f"ละติจูด: {name}", exact=True).fill("104.8757")
    admin.get_by_label(f"ลองจิจูด: {name}", exact=True).fill("16.3162")
    admin.get_by_role("button", name="บันทึกพิกัด").click()
    admin.wait_for_selector("text=ละติจูดและลองจิจูดน่าจะสลับกัน")
    assert admin.get_attribute(f"#lat-{school}", "aria-invalid") == "true"
    _check(admin, "coordinates-refused", shots)
    admin.get_by_label(f"ละติจูด: {name}", exact=True).fill("16.3162")
    admin.get_by_label(f"ลองจิจูด: {name}", exact=True).fill("104.8757")
    admin.get_by_role("button", name="บันทึกพิกัด").click()
    admin.wait_for_selector("text=บันทึกแล้ว: เปลี่ยนพิกัด 1 โรงเรียน")
    assert admin.input_value(f"#lon-{school}") == "104.8757"
