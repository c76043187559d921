"""The four tools, filled offline on a tablet in Chromium, finalized, synced, and stored once and valid.

Timers run on Playwright's clock (installed before the first page): the snapshot prompts and the
60-second reading grid are driven by fast-forwarding it, never by real waiting.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from forms.loader import builtin_forms
from forms.validate import validate
from sync.stored import unpack
from tests.conftest import LiveServer
from tests.e2e.tablet import check, finalize_ok, png, sel, tick, wait_until

pytestmark = pytest.mark.e2e

PHOTO = {"name": "board.png", "mimeType": "image/png", "buffer": png(2400, 1800)}


def new_form(page: Any, url: str, form_id: str) -> None:
    page.goto(f"{url}/forms/{form_id}/1")
    wait_until(page, "document.body.dataset.formReady === 'true'")


def pick_school(page: Any) -> str:
    page.select_option("#f-school", index=1)
    return str(page.input_value("#f-school"))


def fill_observation(page: Any, url: str) -> None:
    new_form(page, url, "observation")
    pick_school(page)
    page.fill("#f-visit_date", "2025-06-10")
    check(page, "session", "morning")
    wait_until(page, "document.querySelector('#f-teacher').options.length > 1")
    page.select_option("#f-teacher", index=1)
    check(page, "grade", "p2")
    check(page, "learning_area", "thai")
    page.fill("#f-topic", "การอ่านสะกดคำ")
    page.fill("#f-start_time", "09:00")
    page.fill("#f-end_time", "09:50")
    assert page.is_visible("#warn-end_time")  # under 60 minutes: a warning, not an error
    page.fill("#f-enrolled", "20")
    page.fill("#f-present", "18")
    check(page, "multigrade", "no")
    # Time-on-task: the timer prompts every 10 minutes.
    page.click("[data-for=time_on_task] [data-snap-start]")
    for activity, off in (("yes", "0-1"), ("yes", "2-5"), ("no", "6+")):
        page.clock.fast_forward("10:01")
        prompt = page.locator("[data-for=time_on_task] [data-snap-prompt]")
        prompt.wait_for(state="visible")
        tick(prompt.locator(f"[data-snap-activity][value='{activity}']"))
        tick(prompt.locator(f"[data-snap-off][value='{off}']"))
        prompt.locator("[data-snap-save]").click()
    assert page.locator("[data-for=time_on_task] [data-snap-list] li").count() == 3
    for name, score in (
        ("positive_climate", 5), ("behaviour_expectations", 4), ("lesson_facilitation", 4),
        ("checks_for_understanding", 3), ("feedback", 4), ("critical_thinking", 3), ("autonomy", 4),
        ("perseverance", 4), ("social_collaboration", 4),
    ):  # fmt: skip
        check(page, name, str(score))
    check(page, "active_learning", "hands_on")
    check(page, "active_learning", "group_work")
    page.fill("#f-strengths", "ครูใช้สื่อของจริงและชวนนักเรียนอ่านออกเสียง")
    check(page, "develop_elements", "critical_thinking")
    page.fill("#f-develop_text", "เพิ่มคำถามปลายเปิด")
    page.set_input_files("#f-photo-file", PHOTO)
    wait_until(page, "document.querySelector('input[name=photo]').value !== ''")
    # The evidence rule: a 5 needs evidence.
    page.click("#finalize")
    assert page.is_visible("#err-positive_climate_evidence")
    page.fill("#f-positive_climate_evidence", "นักเรียนทุกคนกล้าถามและตอบ")
    feedback = page.locator("[data-derived=mean_practice]")
    assert "3.89" in feedback.inner_text() and "ดี" in feedback.inner_text()
    assert "66.7%" in page.locator("[data-derived=activity_share]").inner_text()
    finalize_ok(page)


def fill_reflection(page: Any, url: str) -> None:
    new_form(page, url, "reflection")
    pick_school(page)
    page.fill("#f-visit_date", "2025-06-10")
    check(page, "session", "morning")
    page.fill("#f-start_time", "10:30")
    page.fill("#f-end_time", "11:15")
    check(page, "participants", "supervisor")
    check(page, "participants", "teacher")
    page.fill("#f-participant_count", "4")
    # The linked observation: the one just finalized, offered from this tablet for the same school.
    tick(page.locator("[data-picker=observation] input[type=checkbox]").first)
    t = "teachers.0."
    wait_until(page, f"document.querySelector('[id=\"f-{t}teacher\"]').options.length > 1")
    page.select_option(sel(f"f-{t}teacher"), index=1)
    for name in ("aar_intended", "aar_happened", "aar_why", "aar_next", "pupil_evidence", "agreed_strengths"):
        page.fill(sel(f"f-{t}{name}"), f"บันทึก {name}")
    check(page, f"{t}focuses", "feedback")
    check(page, f"{t}focuses", "critical_thinking")
    check(page, f"{t}focuses", "autonomy")  # a third focus breaks the "at most two" constraint
    check(page, f"{t}agreement", "disagree")
    assert page.is_visible(sel(f"f-{t}disagreement_note"))
    page.fill(sel("f-actions.0.action"), "ใช้คำถามปลายเปิดทุกคาบ")
    page.fill(sel("f-actions.0.owner"), "ครูผู้สอน")
    page.fill(sel("f-actions.0.due_date"), "2025-07-01")
    check(page, "actions.0.support_needed", "no")
    page.click("[data-add-item=actions]")
    page.fill(sel("f-actions.1.action"), "จัดทำสื่อบัตรคำ")
    page.fill(sel("f-actions.1.owner"), "ผู้อำนวยการ")
    page.fill(sel("f-actions.1.due_date"), "2025-07-15")
    check(page, "actions.1.support_needed", "yes")
    assert page.is_visible(sel("f-actions.1.support_text"))
    check(page, "written_in_notebook", "yes")
    page.fill("#f-next_follow_up", "2025-08-01")
    page.fill("#f-recorder-name", "ศน.วิภาวรรณ")
    tick(page.locator("[data-for=recorder] [data-confirm-box]"))
    page.click("#finalize")
    # Problems: the third focus, the disagreement note (required-if), the support text, the notebook photo.
    for err in (
        f"err-{t}focuses",
        f"err-{t}disagreement_note",
        "err-actions.1.support_text",
        "err-notebook_photo",
    ):
        assert page.is_visible(sel(err)), err
    tick(page.locator(f'input[name="{t}focuses"][value="autonomy"]'), on=False)
    page.fill(sel(f"f-{t}disagreement_note"), "ครูเห็นว่าเวลาไม่พอ")
    page.fill(sel("f-actions.1.support_text"), "งบประมาณจัดทำสื่อ")
    page.set_input_files(sel("f-notebook_photo-file"), PHOTO)
    wait_until(page, "document.querySelector('input[name=notebook_photo]').value !== ''")
    assert page.locator("[data-derived=action_count]").inner_text() == "2"
    finalize_ok(page)


def fill_policy(page: Any, url: str) -> None:
    new_form(page, url, "policy")
    pick_school(page)
    page.fill("#f-visit_date", "2025-06-10")
    check(page, "session", "afternoon")
    page.fill("#f-informant", "ผู้อำนวยการโรงเรียน")
    statuses = {
        "p01": "done",
        "p02": "not_done",
        "p03": "not_applicable",
        "p04": "in_progress",
        "p05": "done",
        "p06": "done",
    }
    for code, status in statuses.items():
        check(page, f"{code}_status", status)
    assert not page.is_visible("#f-p03_finding")  # not applicable: nothing more is asked
    assert page.is_visible("#f-p02_obstacle") and not page.is_visible("#f-p02_good_practice")
    page.click("#finalize")
    assert page.is_visible("#err-p01_evidence") and page.is_visible("#err-p02_obstacle")
    for code, status in statuses.items():
        if status == "not_applicable":
            continue
        if status in ("done", "in_progress"):
            check(page, f"{code}_evidence", "document")
        page.fill(f"#f-{code}_finding", f"ผลการติดตาม {code}")
        if status == "not_done":
            page.fill(f"#f-{code}_obstacle", "ขาดงบประมาณ")
    page.fill("#f-p01_metric", "85.5")
    finalize_ok(page)


def read_grid(page: Any, prefix: str, wrong: list[int], *, mode: str, last: int = 0) -> None:
    grid = page.locator(f'[data-for="{prefix}"]')
    grid.locator("[data-grid-start]").click()
    for i in wrong:
        grid.locator(f"[data-word='{i}']").click()
    if mode == "time_up":
        page.clock.run_for(61_000)
        grid.locator("[data-grid-status]").filter(has_text="แตะคำสุดท้าย").wait_for()
        grid.locator(f"[data-word='{last}']").click()
    elif mode == "finished":
        page.clock.run_for(40_000)
        grid.locator("[data-grid-finish]").click()
    wait_until(page, f"document.querySelector('input[name=\"{prefix}\"]').value !== ''")


def fill_literacy(page: Any, url: str) -> None:
    new_form(page, url, "literacy")
    pick_school(page)
    page.fill("#f-visit_date", "2025-06-11")
    check(page, "session", "morning")
    check(page, "class_grade", "p2")
    assert page.locator(".repeat-items[data-items-for=pupils] > li").count() == 5
    for i in range(5):
        p = f"pupils.{i}."
        page.fill(sel(f"f-{p}pupil_code"), f"A0{i + 1}")
        check(page, f"{p}sex", "f" if i % 2 else "m")
        check(page, f"{p}pupil_grade", "p2")
        if i == 1:  # early stop: the whole first row read wrong
            read_grid(page, f"{p}word_grid", [0, 1, 2, 3, 4], mode="early")
            assert json.loads(page.input_value(f'input[name="{p}word_grid"]'))["stopped_early"] is True
        else:
            read_grid(page, f"{p}word_grid", [2, 7], mode="time_up", last=19)
        if i == 0:
            read_grid(page, f"{p}passage_grid", [3], mode="time_up", last=9)  # 10 words read: only question 1
            assert not page.locator(f'[data-field="{p}comp_q2"]').is_visible()
            check(page, f"{p}comp_q1", "correct")
        else:
            read_grid(page, f"{p}passage_grid", [4, 12], mode="finished")  # all 31 words: three questions
            for q in ("comp_q1", "comp_q2", "comp_q3"):
                check(page, f"{p}{q}", "correct" if q != "comp_q3" else "incorrect")
        check(page, f"{p}dictation", "d1")
        check(page, f"{p}num_identify", "n7")
        check(page, f"{p}num_add_sub", "a1")
    table = page.locator("[data-feedback] table")
    assert "A01" in table.inner_text()
    zero = page.locator("[data-derived=zero_score]").nth(1)
    assert zero.inner_text() == "ใช่"  # pupil 2 read no word correctly
    finalize_ok(page)


def test_four_tools_offline_then_sync(page: Any, live_server: LiveServer) -> None:
    url = live_server.url
    page.goto(f"{url}/forms/observation/1")  # cache warm-up is the service worker's job; this is online
    page.context.set_offline(True)
    fill_observation(page, url)
    fill_reflection(page, url)
    fill_policy(page, url)
    fill_literacy(page, url)
    page.goto(f"{url}/")
    wait_until(page, "document.getElementById('unsynced-count').textContent === '4'", 10)
    page.context.set_offline(False)
    page.click("#sync-now")
    try:
        wait_until(page, "document.getElementById('unsynced-count').textContent === '0'", 60)
    except AssertionError:
        states = page.evaluate(
            "Array.from(document.querySelectorAll('#record-list li'))"
            ".map(li => li.dataset.state + ' ' + li.textContent)"
        )
        raise AssertionError(
            f"{states} {page.inner_text('#status-banner')} {live_server.log.read_text()[-3000:]}"
        ) from None

    db = sqlite3.connect(live_server.db_path)
    rows = [
        (i, f, v, unpack(a, t))
        for i, f, v, a, t in db.execute(
            "SELECT id, form_id, form_version, answers, texts FROM records ORDER BY form_id"
        )
    ]
    assert sorted(r[1] for r in rows) == ["literacy", "observation", "policy", "reflection"]
    assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 4
    forms = {(f.id, f.version): f for f in builtin_forms()}
    for _id, form_id, version, answers in rows:
        assert validate(forms[(form_id, version)], answers) == []
    by_form = {r[1]: r[3] for r in rows}
    obs = by_form["observation"]
    assert obs["photo"]["width"] == 1600 and obs["photo"]["height"] == 1200
    assert [s["off_task"] for s in obs["time_on_task"]] == ["0-1", "2-5", "6+"]
    assert by_form["reflection"]["linked_observations"] == [next(r[0] for r in rows if r[1] == "observation")]
    early = by_form["literacy"]["pupils"][1]["word_grid"]
    assert early["stopped_early"] is True and early["attempted"] == 5 and early["wrong"] == [0, 1, 2, 3, 4]
    timed = by_form["literacy"]["pupils"][0]
    assert timed["word_grid"] == {"wrong": [2, 7], "attempted": 20, "seconds": 60, "stopped_early": False}
    assert "comp_q2" not in timed and timed["passage_grid"]["attempted"] == 10
    held = {r[0] for r in db.execute("SELECT sha256 FROM attachments")}
    assert {obs["photo"]["sha256"], by_form["reflection"]["notebook_photo"]["sha256"]} <= held
    for sha in held:
        assert (live_server.db_path.parent / "attachments" / sha[:2] / sha).exists()
