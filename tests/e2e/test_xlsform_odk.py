"""ODK's behaviour on the tablet for XLSForms from the ODK/Kobo world, in Chromium: a cascading select whose
choices are filtered live with `${}` labels updated and a constraint message shown on leaving the field, and
a household roster as a nested repeat sized by repeat_count; both finalized offline and synced."""

from __future__ import annotations

import html
import re
import sqlite3
from typing import Any

import pytest

from sync.stored import unpack
from tests.conftest import LiveServer
from tests.e2e.tablet import check, finalize_ok, log_in_and_install, sel, wait_state, wait_until
from tests.forms.xlsforms import cascading_survey, household_roster

pytestmark = pytest.mark.e2e
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def publish(live_server: LiveServer, name: str, data: bytes) -> None:
    admin = live_server.client("admin")
    r = admin.post(
        "/admin/forms/check", files={"definition": (name, data, XLSX)}, headers={"hx-request": "true"}
    )
    found = re.search(r'name="definition" value="([^"]*)"', r.text)
    assert found, r.text
    r = admin.post("/admin/forms/publish", data={"definition": html.unescape(found[1])})
    assert 'id="published"' in r.text, r.text
    form_id = re.search(r"บันทึกแล้ว: (\w+) v", r.text)[1]  # type: ignore[index]
    r = admin.post(f"/admin/forms/{form_id}/state", data={"state": "published"})
    assert (
        f'id="state-{form_id}" method="post" action="/admin/forms/{form_id}/state" data-state="published"'
        in r.text
    )


def chip(page: Any, name: str, value: str) -> Any:
    return page.locator(f'label:has(input[name="{name}"][value="{value}"])')


def test_cascading_select_and_nested_repeat_behave_as_in_odk(browser: Any, live_server: LiveServer) -> None:
    publish(live_server, "school survey.xlsx", cascading_survey())
    publish(live_server, "Household Roster.xlsx", household_roster())
    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, locale="th-TH", has_touch=True)
    try:
        page = tablet.new_page()
        log_in_and_install(page, live_server.url)
        tablet.set_offline(True)

        page.goto(f"{live_server.url}/forms/school_survey/2026113001")
        wait_until(page, "document.body.dataset.formReady === 'true'")
        page.select_option("#f-school", index=1)
        assert not page.is_visible("#f-per_class") and not page.is_visible("#f-start")  # never questions
        check(page, "province", "kk")
        assert chip(page, "district", "kk_ban_phai").is_visible()
        assert chip(page, "district", "ud_muang").is_hidden()  # filtered live
        assert page.inner_text("#f-district-label").startswith("อำเภอใน kk")  # ${province} in the label
        check(page, "district", "kk_ban_phai")
        assert [chip(page, "school_pick", s).is_visible() for s in ("s1", "s2", "s3")] == [True, False, False]
        check(page, "province", "ud")
        assert page.inner_text("#f-district-label").startswith("อำเภอใน ud")
        assert not page.is_checked('input[name="district"][value="kk_ban_phai"]')  # filtered out: cleared
        check(page, "district", "ud_muang")
        check(page, "school_pick", "s3")
        page.fill("#f-pupils", "5000")
        assert page.is_hidden("#err-pupils")
        page.focus("#f-school")  # leaving the field shows its constraint message, its ${pupils} filled in
        assert page.inner_text("#err-pupils") == "จำนวนนักเรียนต้องอยู่ระหว่าง 1 ถึง 1999 (ตอบ 5000)"
        page.fill("#f-pupils", "120")
        page.focus("#f-school")
        assert page.is_hidden("#err-pupils")
        assert page.inner_text('[data-field="summary"]') == "เฉลี่ยชั้นละ 20 คน"
        finalize_ok(page)

        page.goto(f"{live_server.url}/forms/household_roster/1")
        wait_until(page, "document.body.dataset.formReady === 'true'")
        page.select_option("#f-school", index=1)
        page.fill("#f-households", "2")
        wait_until(page, "document.querySelectorAll('[data-items-for=household] > li').length === 2")
        assert page.is_hidden("[data-add-item=household]")  # repeat_count decides, not the observer
        page.fill(sel("f-household.0.head"), "สมชาย")
        page.fill(sel("f-household.0.members"), "2")
        assert page.inner_text(sel("f-household.0.members-label")) == "สมาชิกใน สมชาย"
        wait_until(
            page, "document.querySelectorAll('[data-items-for=\"household.0.member\"] > li').length === 2"
        )
        page.fill(sel("f-household.0.member.0.member_name"), "ดาว")
        page.fill(sel("f-household.0.member.0.age"), "10")
        assert page.inner_text(sel("f-household.0.member.0.age-label")) == "อายุของ ดาว"
        check(page, "household.0.member.0.in_school", "yes")  # relevant: 6 to 18
        page.fill(sel("f-household.0.member.1.member_name"), "แดง")
        page.fill(sel("f-household.0.member.1.age"), "40")
        assert page.is_hidden(sel("field-household.0.member.1.in_school"))
        page.fill(sel("f-household.1.head"), "สมศรี")
        page.fill(sel("f-household.1.members"), "1")
        page.fill(sel("f-household.1.member.0.member_name"), "สมศรี")
        page.fill(sel("f-household.1.member.0.age"), "130")
        page.focus(sel("f-household.1.head"))
        assert page.inner_text(sel("err-household.1.member.0.age")) == "อายุต้องน้อยกว่า 120"
        page.fill(sel("f-household.1.member.0.age"), "60")
        finalize_ok(page)

        tablet.set_offline(False)
        page.click("#sync-now")
        wait_state(page, "synced")
        page.goto(f"{live_server.url}/")
        page.click("[data-filter=all]")
        wait_until(
            page, "document.getElementById('record-list').innerText.includes('s3 120')"
        )  # instance_name
    finally:
        tablet.close()
    db = sqlite3.connect(live_server.db_path)
    survey = unpack(
        *db.execute("SELECT answers, texts FROM records WHERE form_id = 'school_survey'").fetchone()
    )
    assert (survey["district"], survey["school_pick"], survey["per_class"]) == ("ud_muang", "s3", 20)
    assert survey["start"] <= survey["end"] and len(survey["deviceid"]) == 36
    roster = unpack(
        *db.execute("SELECT answers, texts FROM records WHERE form_id = 'household_roster'").fetchone()
    )
    assert roster["people"] == 3 and [len(h["member"]) for h in roster["household"]] == [2, 1]
    assert roster["household"][0]["member"][0] == {"member_name": "ดาว", "age": 10, "in_school": "yes"}
