"""The chain up in real Chromium (Thai locale, touch, a tablet held either way, one per person): secretary1 sends N01's semester
report from its memo form; the unit director opens it from the inbox and returns it with a comment; the
secretary sends it again; the director acknowledges; deputy1 finds it forwarded and notes it. Every
control is big enough to touch; screenshots of each screen in portrait and landscape."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests import report_data as rd
from tests.e2e.tablet import log_in
from tests.e2e.test_reports import push

pytestmark = pytest.mark.e2e
VIEWS = {"portrait": {"width": 820, "height": 1180}, "landscape": {"width": 1180, "height": 820}}


def _shots(page, name: str, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Both orientations; and every button, link-button and field at least 44 px high."""
    for label, size in VIEWS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"chain-{name}-{label}.png"), full_page=True)
    small = page.evaluate(
        """() => [...document.querySelectorAll('main button, main .btn, main input:not([type=hidden]), main textarea')]
             .filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == [], small


def _person(browser, url: str, username: str):  # type: ignore[no-untyped-def]
    """Each person on their own tablet: a context of their own (sessions are cookies)."""
    context = browser.new_context(viewport=VIEWS["portrait"], locale="th-TH", timezone_id="Asia/Bangkok",
                                  has_touch=True)  # fmt: skip
    page = context.new_page()
    log_in(page, url, username)
    return page


def test_the_report_goes_up_and_comes_back_in_the_browser(live_server, browser, tmp_path):
    db = sqlite3.connect(live_server.db_path)
    school = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
    teachers = [
        r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    db.close()
    push(live_server, "supervisor1", "tablet-sup1-chain",
         *[("observation", rd.observation(school, teachers[i], "2025-06-10", [4] * 9)) for i in range(3)])  # fmt: skip

    secretary = _person(browser, live_server.url, "secretary1")
    secretary.goto(f"{live_server.url}/reports?period=2568-1")
    secretary.get_by_role("link", name="ส่งรายงานของเครือข่าย").first.click()
    secretary.wait_for_selector("#m-subject")
    assert "แก้วมุกดาหาร" in secretary.input_value("#m-subject")
    _shots(secretary, "memo", tmp_path)
    secretary.get_by_role("button", name="ส่งถึงผู้อำนวยการกลุ่มนิเทศฯ").click()
    secretary.wait_for_selector("text=รอผู้อำนวยการกลุ่มนิเทศฯ พิจารณา")

    director = _person(browser, live_server.url, "director")
    director.goto(f"{live_server.url}/submissions")
    assert director.inner_text("#count-to-decide") == "1"
    _shots(director, "inbox", tmp_path)
    director.get_by_role("link", name="แก้วมุกดาหาร").first.click()
    director.fill("#d-comment", "โปรดเพิ่มโรงเรียนที่ยังไม่ได้นิเทศ")
    _shots(director, "decide", tmp_path)
    director.get_by_role("button", name="ส่งกลับแก้ไข").click()
    director.wait_for_selector(".status-returned")

    secretary.goto(f"{live_server.url}/submissions")
    assert secretary.inner_text("#count-returned") == "1"
    secretary.get_by_role("link", name="แก้วมุกดาหาร").first.click()
    assert "โปรดเพิ่มโรงเรียนที่ยังไม่ได้นิเทศ" in secretary.inner_text("main")
    secretary.get_by_role("link", name="แก้ไขและส่งอีกครั้ง").click()
    secretary.get_by_role("button", name="ส่งถึงผู้อำนวยการกลุ่มนิเทศฯ").click()
    secretary.wait_for_selector(".status-submitted")

    director.reload()
    director.get_by_role("button", name="ทราบ", exact=True).click()
    director.wait_for_selector(".status-forwarded")

    deputy = _person(browser, live_server.url, "deputy1")
    deputy.goto(f"{live_server.url}/submissions")
    assert deputy.inner_text("#count-forwarded") == "1"
    deputy.get_by_role("link", name="แก้วมุกดาหาร").first.click()
    deputy.get_by_role("button", name="ทราบ", exact=True).click()
    trail = deputy.inner_text(".trail")
    assert trail.index("ส่งกลับแก้ไข") < trail.index("ส่งอีกครั้งหลังแก้ไข") < trail.index("รองผู้อำนวยการ สพป. ทราบแล้ว")
    _shots(deputy, "forwarded", tmp_path)
    deputy.goto(f"{live_server.url}/reports/area?period=2568-1")
    assert "แก้วมุกดาหาร" in deputy.inner_text("#report-body")
    _shots(deputy, "area", tmp_path)
