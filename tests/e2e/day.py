"""The supervision day's data and steps (tests/e2e/test_day.py): the schools, teachers and classrooms of the
day, the earlier agreed actions, and what the secretary and the supervisor do on their screens."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from server.thaidate import format_date
from tests.conftest import LiveServer, login
from tests.e2e.tablet import (
    check,
    record_id,
    sel,
    tick,
    wait_form_ready,
    wait_state,
    wait_until,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = dt.datetime.now(ZoneInfo("Asia/Bangkok")).date()  # the tablet's day (Asia/Bangkok), as the server's
LAST_SEMESTER = TODAY - dt.timedelta(
    days=200
)  # always in an earlier term (a semester and its break < 200 days)
MORNING, AFTERNOON = "49019001", "49019002"
SCHOOLS = [
    ("รหัสโรงเรียน", "ชื่อโรงเรียน", "เครือข่าย", "อำเภอ", "ระดับชั้น"),
    (MORNING, "โรงเรียนบ้านหนองทดลอง", "N01", "ดอนตาล", "อนุบาล, ป.1-ป.6"),
    (AFTERNOON, "โรงเรียนบ้านโคกสาธิต", "แก้วมุกดาหาร", "คำชะอี", "ป.1-ป.6"),
]
TEACHERS = [
    ("รหัสครู", "รหัสโรงเรียน", "ชื่อ-สกุล", "ระดับชั้น", "กลุ่มสาระการเรียนรู้"),
    (f"{MORNING}-01", MORNING, "นางสาวมาลัย ทดสอบ", "ป.1", "ภาษาไทย"),
    (f"{MORNING}-02", MORNING, "นายวีระ ตัวอย่าง", "ป.2", "คณิตศาสตร์"),
    (f"{AFTERNOON}-01", AFTERNOON, "นางรัตนา สมมุติ", "ป.4", "วิทยาศาสตร์และเทคโนโลยี"),
    (f"{AFTERNOON}-02", AFTERNOON, "นายบุญมี ลองดู", "ป.5", "ภาษาต่างประเทศ"),
]
#: Classrooms per school: (observer, teacher, grade code, room, hour).
CLASSROOMS = {
    MORNING: [("supervisor1", f"{MORNING}-01", "p1", "1", "09:00"), ("team1", f"{MORNING}-02", "p2", "1", "09:00")],
    AFTERNOON: [("supervisor1", f"{AFTERNOON}-01", "p4", "2", "13:00"), ("team1", f"{AFTERNOON}-02", "p5", "", "13:00")],
}  # fmt: skip
EARLIER_ACTIONS = [
    {"action": "จัดมุมรักการอ่านในห้อง ป.1", "owner": "ครูมาลัย", "due_date": (LAST_SEMESTER + dt.timedelta(30)).isoformat(),
     "support_needed": "no"},
    {"action": "ใช้คำถามปลายเปิดในคาบคณิตศาสตร์", "owner": "ครูวีระ", "due_date": (LAST_SEMESTER + dt.timedelta(60)).isoformat(),
     "support_needed": "yes", "support_text": "สื่อคณิตศาสตร์"},
]  # fmt: skip


# -- setup ----------------------------------------------------------------------------------------------------


def workbook(rows: list[tuple[str, ...]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def user_ids(server: LiveServer) -> dict[str, int]:
    with sqlite3.connect(server.db_path) as db:
        return dict(db.execute("SELECT username, id FROM users").fetchall())


def import_file(page: Any, url: str, kind: str, rows: list[tuple[str, ...]]) -> None:
    """Upload → the row-by-row check → confirm, as the secretary does it on the import page."""
    page.goto(f"{url}/admin/imports")
    check(page, "kind", kind)
    page.set_input_files("#import-file", {"name": f"{kind}.xlsx", "mimeType": XLSX, "buffer": workbook(rows)})
    page.get_by_role("button", name="ตรวจไฟล์").click()
    try:
        page.locator("#import-check").wait_for(timeout=10000)
    except Exception:
        raise AssertionError(page.url + "\n" + page.inner_text("body")) from None
    confirm = page.get_by_role("button", name="ยืนยันการนำเข้า")
    assert confirm.is_visible(), page.inner_text("#import-check")
    assert page.locator("#import-check tbody tr").count() == len(rows) - 1  # every row new, none wrong
    confirm.click()
    page.locator("#import-check").get_by_text("นำเข้าแล้ว").wait_for()


def plan_visit(page: Any, url: str, school: str, session: str, ids: dict[str, int]) -> str:
    """Plan today's visit of `school` on the plans page; returns the new visit's id."""
    page.goto(f"{url}/plans/new")
    page.select_option("#plan-school", school)  # htmx renders the form again with the school's teachers
    wait_until(page, "document.querySelectorAll('select[name=a_teacher]')[0].options.length > 1")
    page.fill("#plan-date", TODAY.isoformat())
    check(page, "session", session)
    for name in ("supervisor1", "team1"):
        check(page, "team", str(ids[name]))
    for n, (observer, teacher, grade, room, hour) in enumerate(CLASSROOMS[school]):
        page.locator("select[name=a_observer]").nth(n).select_option(str(ids[observer]))
        page.locator("select[name=a_teacher]").nth(n).select_option(teacher)
        page.locator("select[name=a_grade]").nth(n).select_option(grade)
        page.locator("input[name=a_room]").nth(n).fill(room)
        page.locator("input[name=a_hour]").nth(n).fill(hour)
    page.get_by_role("button", name="บันทึกการนิเทศ").click()
    wait_until(page, "/^\\/plans\\/[0-9a-f-]{36}$/.test(location.pathname)", 30)
    return str(page.evaluate("location.pathname.split('/').pop()"))


def push(
    server: LiveServer,
    username: str,
    form_id: str,
    version: int,
    answers: dict[str, Any],
    visit_id: str | None,
) -> str:
    """A record pushed through the sync API, as another tablet would; returns its id."""
    rid = str(uuid.uuid4())
    body = {"device_id": f"other-tablet-{username}", "records": [
        {"id": rid, "rev": "r-1", "form_id": form_id, "form_version": version, "answers": answers, "visit_id": visit_id}
    ]}  # fmt: skip
    with login(server.url, username) as client:
        receipt = client.post("/api/sync/push", json=body).json()["receipts"][0]
    assert receipt["status"] == "stored", receipt
    return rid


def earlier_reflection() -> dict[str, Any]:
    """Last semester's reflection meeting at the morning school, with its agreed actions."""
    return {
        "school": MORNING, "visit_date": LAST_SEMESTER.isoformat(), "session": "morning",
        "start_time": "10:30", "end_time": "11:30", "participants": ["supervisor", "teacher"], "participant_count": 4,
        "teachers": [{"teacher": f"{MORNING}-01", "aar_intended": "นักเรียนอ่านคำพื้นฐานได้",
                      "aar_happened": "นักเรียนครึ่งห้องอ่านได้", "aar_why": "สื่อไม่พอ", "aar_next": "จัดมุมอ่าน",
                      "pupil_evidence": "แบบฝึกอ่าน", "agreed_strengths": "ครูเอาใจใส่", "focuses": ["feedback"],
                      "agreement": "agree"}],
        "actions": EARLIER_ACTIONS, "written_in_notebook": "no",
        "next_follow_up": (LAST_SEMESTER + dt.timedelta(90)).isoformat(),
        "recorder": {"name": "ผอ.ประเสริฐ ทดลอง", "at": f"{LAST_SEMESTER.isoformat()}T11:40"},
    }  # fmt: skip


def team_observation(teacher: str, grade: str) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "school": MORNING, "visit_date": TODAY.isoformat(), "session": "morning", "teacher": teacher, "grade": grade,
        "room": "1", "learning_area": "math", "topic": "การบวกเลขสองหลัก", "start_time": "09:00", "end_time": "10:00",
        "enrolled": 20, "present": 19, "multigrade": "no", "strengths": "นักเรียนใช้สื่อของจริง",
        "develop_elements": ["critical_thinking"], "develop_text": "เพิ่มคำถามปลายเปิด",
    }  # fmt: skip
    for element in RATINGS:
        answers[element] = 4
    answers["mean_score"] = 4
    return answers


RATINGS = (
    "positive_climate", "behaviour_expectations", "lesson_facilitation", "checks_for_understanding", "feedback",
    "critical_thinking", "autonomy", "perseverance", "social_collaboration",
)  # fmt: skip


# -- on the tablet ---------------------------------------------------------------------------------------------


def card(page: Any, school: str) -> Any:
    return page.locator(".visit-card", has=page.locator("h2", has_text=school))


def go_home(page: Any, url: str) -> None:
    page.goto(f"{url}/")
    wait_until(page, "document.querySelectorAll('.visit-card').length === 2")


def observe(page: Any, url: str, school_name: str, teacher: str, expected: dict[str, str]) -> str:
    """From the Today screen: open my classroom's observation, check the prefill, fill the hour, finalize."""
    go_home(page, url)
    row = card(page, school_name).locator(f"a.task[data-form=observation][data-teacher='{teacher}']")
    assert row.get_attribute("data-state") == "none"
    row.click()
    wait_form_ready(page)
    assert page.input_value("#f-school") == expected["school"]
    assert page.input_value("#f-visit_date") == format_date(TODAY, "numeric")  # shown in BE
    assert page.is_checked(f"input[name=session][value={expected['session']}]")
    wait_until(page, "document.querySelector('#f-teacher').value !== ''")
    assert page.input_value("#f-teacher") == teacher
    assert page.is_checked(f"input[name=grade][value={expected['grade']}]")
    assert page.input_value("#f-room") == expected["room"]
    check(page, "learning_area", "thai")
    page.fill("#f-topic", "การอ่านสะกดคำ")
    page.fill("#f-start_time", expected["hour"])
    page.fill("#f-end_time", f"{int(expected['hour'][:2]) + 1:02d}:00")
    page.fill("#f-enrolled", "18")
    page.fill("#f-present", "17")
    check(page, "multigrade", "no")
    for element, score in zip(RATINGS, (4, 3, 4, 3, 4, 3, 4, 3, 4), strict=True):
        check(page, element, str(score))
    page.fill("#f-strengths", "ครูชวนนักเรียนอ่านออกเสียงทีละคน")
    check(page, "develop_elements", "feedback")
    page.fill("#f-develop_text", "ให้ข้อมูลป้อนกลับที่เจาะจง")
    page.click("#finalize")
    wait_state(page, "pending")
    return record_id(page)


def reflect(page: Any, url: str, school_name: str, observation_id: str, shots: Path) -> str:
    """The reflection meeting from the Today screen: check the prefill, close last visit's actions, finalize."""
    go_home(page, url)
    card(page, school_name).locator("a.task[data-form=reflection]").click()
    wait_form_ready(page)
    assert page.evaluate("JSON.parse(document.getElementById('form-def').textContent).version") == 2
    assert page.input_value("#f-school") == MORNING
    assert page.is_checked(f'[data-picker=observation] input[value="{observation_id}"]')
    # Every observed teacher of the visit has an item; last visit's two actions wait to be closed.
    teachers = [page.input_value(sel(f"f-teachers.{i}.teacher")) for i in range(2)]
    assert teachers == [f"{MORNING}-01", f"{MORNING}-02"]
    assert page.input_value("#f-previous_meeting_date") == format_date(LAST_SEMESTER, "numeric")
    for i, earlier in enumerate(EARLIER_ACTIONS):
        assert page.input_value(sel(f"f-previous_actions.{i}.previous_action")) == earlier["action"]
        assert page.input_value(sel(f"f-previous_actions.{i}.previous_owner")) == earlier["owner"]
        assert page.input_value(sel(f"f-previous_actions.{i}.previous_due")) == format_date(
            earlier["due_date"], "numeric"
        )
    page.locator("#sec-follow_up").screenshot(path=shots / "reflection-follow-up-800.png")
    page.fill("#f-start_time", "11:00")
    page.fill("#f-end_time", "11:45")
    check(page, "participants", "supervisor")
    check(page, "participants", "network_team")
    check(page, "participants", "teacher")
    page.fill("#f-participant_count", "5")
    check(page, "previous_actions.0.previous_status", "done")
    check(page, "previous_actions.1.previous_status", "not_done")
    page.click("#finalize")  # the action not done needs its obstacle
    assert page.is_visible(sel("err-previous_actions.1.previous_note"))
    page.fill(sel("f-previous_actions.1.previous_note"), "ครูย้ายไปสอนชั้นอื่นกลางภาค")
    for i in range(2):
        t = f"teachers.{i}."
        for name in (
            "aar_intended",
            "aar_happened",
            "aar_why",
            "aar_next",
            "pupil_evidence",
            "agreed_strengths",
        ):
            page.fill(sel(f"f-{t}{name}"), f"สะท้อนผล {name}")
        check(page, f"{t}focuses", "feedback")
        check(page, f"{t}agreement", "agree")
    page.fill(sel("f-actions.0.action"), "ทำบัตรคำสำหรับนักเรียนที่อ่านไม่คล่อง")
    page.fill(sel("f-actions.0.owner"), "ครูมาลัย")
    page.fill(sel("f-actions.0.due_date"), (TODAY + dt.timedelta(30)).isoformat())
    check(page, "actions.0.support_needed", "no")
    check(page, "written_in_notebook", "no")
    page.fill("#f-next_follow_up", (TODAY + dt.timedelta(45)).isoformat())
    page.fill("#f-recorder-name", "ศน.วิภาวรรณ สาธิต")
    tick(page.locator("[data-for=recorder] [data-confirm-box]"))
    assert page.locator("[data-derived=previous_done_share]").inner_text().startswith("50")
    page.click("#finalize")
    wait_state(page, "pending")
    return record_id(page)


def screenshots(page: Any, name: str, folder: Path) -> None:
    """The Today screen in portrait and landscape, for a person to look at (NITHET_SHOTS=folder keeps them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((800, 1280), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=folder / f"{name}-{width}x{height}.png", full_page=True)
        # Touch targets: every link and button of the Today screen is at least 48 px tall, and labelled.
        small = page.evaluate(
            """[...document.querySelectorAll('.today a, .today button, .today summary')]
                 .filter(e => e.getClientRects().length)
                 .filter(e => e.getBoundingClientRect().height < 48 || !e.textContent.trim())
                 .map(e => e.outerHTML.slice(0, 80))"""
        )
        assert small == []
    page.set_viewport_size({"width": 800, "height": 1280})
